/*
 * tests/guests/mmu_sif.c — SCR_EL3.SIF (Secure instruction fetch), run at
 * EL3 in Secure state with the EL3 stage-1 MMU on.  A page of code (a
 * `ret`) is mapped twice more with the descriptor NS bit set: once by a
 * level-3 page, once inside a level-2 block.  With SIF=0 calling it works;
 * after SIF=1 (+ TLBI ALLE3: SIF may be cached in a TLB) the fetch takes an Instruction Abort to EL3: EC 0x21, IFSC
 * Permission fault at the descriptor's level, FAR = the address.  Data
 * reads through the same NS mapping still work, the Secure (NS=0) alias
 * stays executable, and SIF=0 again makes the NS alias executable.
 * Arm ARM D5.4 AArch64.CheckPermission "Restriction on Secure instruction
 * fetch".  Output compared with QEMU 7.2 (mmu_sif.expected).
 */
#include "mmuutil.h"

#define D_NS (1ul << 5)
#define SCR_SIF (1ul << 9)

static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u32 code[1024] __attribute__((aligned(4096)));

#define NSPAGE 0x80000000ul      /* l1[2] -> l2[0] -> l3[0]: NS page */
#define NSBLOCK 0x80200000ul     /* l2[1]: NS 2 MiB block */

/* Instruction Abort hook: return to the caller (x30) with x0 = 0xdead. */
static int ifetch_hook(hs_frame *f, int el, int type)
{
    if (el != 3 || type != 0 || (hs_last.esr >> 26) != 0x21)
        return 0;
    f->x[0] = 0xdead;
    WRITE_SYSREG(elr_el3, f->x[30]);
    return 1;
}

/* Call VA (a `mov x0, #7; ret`); prints and returns ESR (0 = no abort). */
static u64 call_at(const char *what, u64 va)
{
    hs_exc_reset();
    hs_exc_hook = ifetch_hook;
    u64 (*fn)(void) = (u64(*)(void))(void *)va;
    u64 r = fn();
    hs_exc_hook = 0;
    CHECK_EQ(r, hs_last.count ? 0xdead : 7);
    u64 esr = hs_last.count ? hs_last.esr : 0;
    u64 far = hs_last.count ? hs_last.far : 0;
    hs_printf("%s: ret=0x%lx esr=0x%lx far=0x%lx\n", what, r, esr, far);
    return esr;
}

static void set_sif(int on)
{
    u64 scr = READ_SYSREG(scr_el3);
    WRITE_SYSREG(scr_el3, on ? (scr | SCR_SIF) : (scr & ~SCR_SIF));
    ISB();
    /* SCR_EL3.SIF "is permitted to be cached in a TLB" (Arm ARM SCR_EL3):
     * portable software invalidates after changing it.  QEMU 7.2 relies on
     * this; hyperstep also flushes on every SCR_EL3 write (unit test
     * test_mmu_sif.c checks that without the TLBI). */
    __asm__ volatile("dsb ish; tlbi alle3; dsb ish; isb" ::: "memory");
}

int main(void)
{
    CHECK_EQ(hs_current_el(), 3);
    CHECK_EQ(READ_SYSREG(scr_el3) & 1, 0);          /* Secure state */
    u64 pa = (u64)code;
    code[0] = 0xd28000e0u;                          /* mov x0, #7 */
    code[1] = 0xd65f03c0u;                          /* ret */
    __asm__ volatile("dc cvau, %0; dsb ish; ic iallu; dsb ish; isb" ::"r"(code) : "memory");

    /* 4K granule, T0SZ=25 (level-1 start), PS=40 bits, WB IS walks. */
    l1[0] = D_BLOCK(0, D_ATTR(1));                                  /* UART */
    l1[1] = D_BLOCK(0x40000000ul, D_ATTR(0) | D_SH_IS);             /* RAM, Secure */
    l1[2] = D_TABLE(l2);
    l2[0] = D_TABLE(l3);
    l3[0] = D_PAGE(pa, D_ATTR(0) | D_SH_IS | D_NS);
    l2[1] = D_BLOCK(pa & ~0x1ffffful, D_ATTR(0) | D_SH_IS | D_NS);
    const u64 nsblk = NSBLOCK + (pa & 0x1ffffful);
    WRITE_SYSREG(mair_el3, MAIR_VAL);
    WRITE_SYSREG(tcr_el3, 25 | (1ul << 8) | (1ul << 10) | (3ul << 12) | (2ul << 16) | (1ul << 23) | (1ul << 31));
    WRITE_SYSREG(ttbr0_el3, (u64)l1);
    ISB();
    __asm__ volatile("dsb ishst; tlbi alle3; dsb ish; isb" ::: "memory");
    WRITE_SYSREG(sctlr_el3, READ_SYSREG(sctlr_el3) | 1 | (1 << 2) | (1 << 12));
    ISB();

    /* SIF=0: the NS aliases execute (and warm the TLB). */
    set_sif(0);
    CHECK_EQ(call_at("SIF=0 NS page", NSPAGE), 0);
    CHECK_EQ(call_at("SIF=0 NS block", nsblk), 0);
    CHECK_EQ(rd64(NSPAGE), rd64(pa));

    /* SIF=1: fetches from the NS PA space are Permission faults. */
    set_sif(1);
    u64 esr = call_at("SIF=1 NS page", NSPAGE);
    CHECK_EQ(esr >> 26, 0x21);                      /* IABT, same EL */
    CHECK_EQ(esr & 0x3f, 0x0f);                     /* Permission, level 3 */
    CHECK_EQ(hs_last.far, NSPAGE);
    CHECK_EQ(hs_last.elr, NSPAGE);
    esr = call_at("SIF=1 NS block", nsblk);
    CHECK_EQ(esr >> 26, 0x21);
    CHECK_EQ(esr & 0x3f, 0x0e);                     /* Permission, level 2 */
    CHECK_EQ(hs_last.far, nsblk);
    /* Data accesses are unaffected; the Secure alias still executes. */
    u64 d = rd64(NSPAGE);
    hs_printf("SIF=1 NS data read: 0x%lx\n", d);
    CHECK_EQ(d, rd64(pa));
    CHECK_EQ(call_at("SIF=1 Secure alias", pa), 0);

    /* SIF=0 again: no stale non-executable entry either. */
    set_sif(0);
    CHECK_EQ(call_at("SIF=0 again NS page", NSPAGE), 0);

    WRITE_SYSREG(sctlr_el3, READ_SYSREG(sctlr_el3) & ~1ul);
    ISB();
    return hs_report();
}
