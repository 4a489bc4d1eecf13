/*
 * tests/guests/mmu_arch.c — MMU behaviour checked against the Arm ARM where
 * QEMU 7.2 -cpu cortex-a53 differs, so this guest is self-checking (no
 * .expected): the 16K granule (advertised by ID_AA64MMFR0_EL1.TGran16=1;
 * QEMU's A53 lacks it), Data Aborts from by-VA cache maintenance (CM=1,
 * WnR=1; QEMU treats DC/IC by VA as NOPs), DC ZVA to Device memory
 * (Alignment fault), and the EL3 translation regime (NS descriptor bit in
 * PAR_EL1, fault at EL3; this part also passes on QEMU 7.2).
 */
#include "mmuutil.h"

/* 16K granule, T0SZ=25 (39 bits): level 1 start (8 entries), 32 MiB blocks. */
static u64 l1[8] __attribute__((aligned(16384)));
static u64 l2[2048] __attribute__((aligned(16384)));
static u64 l3[2048] __attribute__((aligned(16384)));
/* EL3: 4K, T0SZ=25. */
static u64 e3l1[512] __attribute__((aligned(4096)));
static u64 e3l2[512] __attribute__((aligned(4096)));
static u64 e3l3[512] __attribute__((aligned(4096)));

#define TV 0x80000000ul
#define PA16 0x44000000ul

static u64 fault_of(int kind, u64 va)
{
    hs_exc_skip = 1;
    hs_exc_reset();
    switch (kind) {
    case 0: __asm__ volatile("dc civac, %0" ::"r"(va) : "memory"); break;
    case 1: __asm__ volatile("dc ivac, %0" ::"r"(va) : "memory"); break;
    case 2: __asm__ volatile("ic ivau, %0" ::"r"(va) : "memory"); break;
    case 3: __asm__ volatile("dc zva, %0" ::"r"(va) : "memory"); break;
    case 4: __asm__ volatile("dc cvac, %0" ::"r"(va) : "memory"); break;
    default: __asm__ volatile("ldr x9, [%0]" ::"r"(va) : "x9", "memory"); break;
    }
    hs_exc_skip = 0;
    return hs_last.count ? hs_last.esr : 0;
}

static u64 el1_16k(u64 arg)
{
    (void)arg;
    u64 mmfr0 = READ_SYSREG(id_aa64mmfr0_el1);
    CHECK_EQ((mmfr0 >> 20) & 0xf, 1);                 /* TGran16 */
    /* DC ZVA with the MMU off: Device memory -> Alignment fault, WnR=1 */
    CHECK_EQ(fault_of(3, PA16), 0x96000061ul);
    l1[0] = D_TABLE(l2);
    l2[4] = D_BLOCK(0x08000000ul, D_ATTR(1) | D_AP_RW_EL1);          /* GIC/UART */
    for (u64 i = 0; i < 8; i++)
        l2[32 + i] = D_BLOCK(0x40000000ul + (i << 25), D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    l2[64] = D_TABLE(l3);                                             /* VA 0x80000000 */
    l3[1] = D_PAGE(PA16, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    l3[3] = D_PAGE(PA16 + 0x4000, D_ATTR(0) | D_SH_IS | D_AP_RO_EL1);
    l3[4] = D_PAGE(PA16 + 0x8000, D_ATTR(1) | D_AP_RW_EL1);          /* Device page */
    wr64(PA16 + 0x1238, 0x1616);
    WRITE_SYSREG(mair_el1, MAIR_VAL);
    WRITE_SYSREG(tcr_el1, 25 | (2ul << 14) | (2ul << 32) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23));
    WRITE_SYSREG(ttbr0_el1, (u64)l1);
    ISB();
    TLBI_VMALLE1();
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    ISB();
    CHECK_EQ(rd64(TV + 0x4000 + 0x1238), 0x1616);
    CHECK_EQ(AT_PAR(s1e1r, TV + 0x7fff), 0xff00000044000b80ul | 0x3000);
    CHECK_EQ(fault_of(5, TV + 0x8000), 0x96000007ul);                /* translation L3 */
    CHECK_EQ(fault_of(5, TV + 0x2000000), 0x96000006ul);             /* translation L2 */
    /* cache maintenance by VA: Translation fault with CM=1, WnR=1 */
    CHECK_EQ(fault_of(0, TV + 0x8000), 0x96000147ul);
    CHECK_EQ(fault_of(2, TV + 0x8000), 0x96000147ul);
    CHECK_EQ(fault_of(4, TV + 0x2000000), 0x96000146ul);
    /* DC IVAC needs write permission; DC CVAC does not */
    CHECK_EQ(fault_of(1, TV + 0xc000), 0x9600014ful);
    CHECK_EQ(fault_of(4, TV + 0xc000), 0);
    /* DC ZVA: a store (CM=0): permission fault on RO, alignment on Device */
    CHECK_EQ(fault_of(3, TV + 0xc000), 0x9600004ful);
    CHECK_EQ(fault_of(3, TV + 0x10000), 0x96000061ul);
    CHECK_EQ(fault_of(3, TV + 0x4000 + 0x40), 0);
    CHECK_EQ(rd64(TV + 0x4000 + 0x40), 0);
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) & ~1ul);
    ISB();
    hs_printf("16K granule and cache maintenance faults checked\n");
    return 0;
}

static void el3_regime(void)
{
    e3l1[0] = D_BLOCK(0, D_ATTR(1) | D_AP_RW_EL1);
    e3l1[1] = D_BLOCK(0x40000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    e3l1[2] = D_TABLE(e3l2);
    e3l2[0] = D_TABLE(e3l3);
    e3l3[0] = D_PAGE(PA16 + 0x1000, D_ATTR(0) | D_SH_IS | (1ul << 5));        /* NS=1 */
    e3l3[1] = D_PAGE(PA16 + 0x1000, D_ATTR(0) | D_SH_IS | D_AP_RO_EL1 | D_UXN);  /* RO, XN */
    wr64(PA16 + 0x1238, 0x1616);
    WRITE_SYSREG(mair_el3, MAIR_VAL);
    WRITE_SYSREG(tcr_el3, 25 | (2ul << 16) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 31) | (1ul << 23));
    WRITE_SYSREG(ttbr0_el3, (u64)e3l1);
    ISB();
    __asm__ volatile("tlbi alle3; dsb ish; isb" ::: "memory");
    WRITE_SYSREG(sctlr_el3, READ_SYSREG(sctlr_el3) | 1 | (1 << 2) | (1 << 12));
    ISB();
    CHECK_EQ(rd64(TV + 0x238), 0x1616);
    CHECK_EQ(AT_PAR(s1e3r, TV), 0xff00000044001b80ul);               /* NS=1 from the descriptor */
    CHECK_EQ(AT_PAR(s1e3w, TV + 0x1000), 0x81ful);                  /* permission L3 */
    CHECK_EQ(AT_PAR(s1e3r, TV + 0x1000), 0xff00000044001980ul);      /* Secure PA: NS=0 */
    u64 far;
    CHECK_EQ(probe(TV + 0x1000, 1, &far), 0x9600004ful);
    CHECK_EQ(far, TV + 0x1000);
    CHECK_EQ(hs_last.el, 3);
    CHECK_EQ(probe(TV + 0x2000, 0, &far), 0x96000007ul);
    WRITE_SYSREG(sctlr_el3, READ_SYSREG(sctlr_el3) & ~1ul);
    ISB();
    hs_printf("EL3 regime checked\n");
}

int main(void)
{
    hs_printf("mmu_arch: start at EL%d\n", hs_current_el());
    if (hs_current_el() == 3)
        el3_regime();
    hs_call_lower(1, el1_16k, 0, 0);
    return hs_report();
}
