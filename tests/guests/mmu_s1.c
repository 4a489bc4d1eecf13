/*
 * tests/guests/mmu_s1.c — stage-1 translation of the Non-secure EL1&0
 * regime built by the guest itself (4K and 64K granules): translation,
 * block and page mappings, every fault kind at its level with ESR/FAR,
 * AT results in PAR_EL1, ASID switching, TLBI by VA on a 2 MiB block,
 * DC ZVA through the MMU, and self-modifying code after IC IVAU + ISB.
 * Run from EL3/EL2 (it drops to EL1 with hs_call_lower).  Output compared
 * with QEMU 7.2 (mmu_s1.expected).
 */
#include "mmuutil.h"

/* Tables (4K granule, T0SZ=25: level 1 start) and test pages. */
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u64 l1b[512] __attribute__((aligned(4096)));   /* second ASID's tables */
static u64 l2b[512] __attribute__((aligned(4096)));
static u64 l3b[512] __attribute__((aligned(4096)));
static u64 pages[4][512] __attribute__((aligned(4096)));
/* 64K granule tables (T0SZ=25: level 2 start, 1024 entries). */
static u64 g64_l2[8192] __attribute__((aligned(65536)));
static u64 g64_l3[8192] __attribute__((aligned(65536)));

#define TV 0x80000000ul          /* test VA window: l1[2] */
#define BLK_PA0 0x44000000ul     /* two 2 MiB physical blocks for the block test */
#define BLK_PA1 0x44200000ul

static void base_map(u64 *t1)
{
    t1[0] = D_BLOCK(0, D_ATTR(1) | D_AP_RW_EL1);                   /* UART etc. */
    t1[1] = D_BLOCK(0x40000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1); /* RAM */
}

static void mmu_on(u64 ttbr0, u64 tcr)
{
    WRITE_SYSREG(mair_el1, MAIR_VAL);
    WRITE_SYSREG(tcr_el1, tcr);
    WRITE_SYSREG(ttbr0_el1, ttbr0);
    ISB();
    TLBI_VMALLE1();
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    ISB();
}

static void mmu_off(void)
{
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) & ~1ul);
    ISB();
}

static void show_fault(const char *what, u64 va, int write)
{
    u64 far;
    u64 esr = probe(va, write, &far);
    hs_printf("%s: esr=0x%lx far=0x%lx\n", what, esr, far);
}

/* Self-modifying code: a function in RAM whose MOV immediate is rewritten. */
extern u32 smc_fn[];
__asm__(".text\n.balign 4\n.global smc_fn\nsmc_fn:\nmov x0, #1\nret\n");

static u64 test_4k(u64 arg)
{
    (void)arg;
    const u64 tcr = 25 | (0ul << 14) | (2ul << 32) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23);
    base_map(l1);
    l1[2] = D_TABLE(l2);
    l2[0] = D_TABLE(l3);
    l3[0] = D_PAGE(pages[0], D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    l3[1] = D_PAGE(pages[1], D_ATTR(0) | D_SH_IS | D_AP_RO_ALL);
    l3[2] = D_PAGE(pages[2], D_ATTR(0) | D_AP_RW_EL1) & ~D_AF;
    l3[3] = D_PAGE(0x10000000000ul, D_ATTR(0) | D_AP_RW_EL1);       /* OA > 40 bits */
    l3[4] = D_PAGE(pages[3], D_ATTR(2) | D_AP_RW_ALL | D_UXN);
    /* l3[5] invalid; l2[1]: 2 MiB block; l2[2] invalid */
    l2[1] = D_BLOCK(BLK_PA0, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    pages[0][0] = 0x1111;
    pages[1][0] = 0x2222;
    mmu_on((u64)l1, tcr);
    hs_printf("4K: read page0=0x%lx page1=0x%lx\n", rd64(TV), rd64(TV + 0x1000));
    wr64(TV + 8, 0xabcd);
    hs_printf("4K: write through alias -> 0x%lx\n", rd64((u64)&pages[0][1]));
    show_fault("4K write RO page (perm L3)", TV + 0x1000, 1);
    show_fault("4K access flag L3", TV + 0x2000 + 0x10, 0);
    show_fault("4K address size L3", TV + 0x3000, 0);
    show_fault("4K translation L3", TV + 0x5008, 0);
    show_fault("4K translation L2", TV + 0x400000, 1);
    show_fault("4K translation L1", 0xc0000000ul, 0);
    show_fault("4K VA out of range", 0x8000000000ul, 0);
    show_fault("4K EPD1 (TTBR1 half)", 0xffffffffff000000ul, 0);
    /* AT: success (attributes), EL0 view, faults */
    hs_printf("AT S1E1R page0 par=0x%lx\n", AT_PAR(s1e1r, TV + 0x123));
    hs_printf("AT S1E1W RO page par=0x%lx\n", AT_PAR(s1e1w, TV + 0x1000));
    hs_printf("AT S1E0R page0 par=0x%lx\n", AT_PAR(s1e0r, TV));
    hs_printf("AT S1E0R RO page par=0x%lx\n", AT_PAR(s1e0r, TV + 0x1000));
    hs_printf("AT S1E0W NC page par=0x%lx\n", AT_PAR(s1e0w, TV + 0x4000));
    hs_printf("AT S1E1R device par=0x%lx\n", AT_PAR(s1e1r, 0x09000000ul));
    hs_printf("AT S1E1R AF=0 par=0x%lx\n", AT_PAR(s1e1r, TV + 0x2000));
    hs_printf("AT S1E1R unmapped L2 par=0x%lx\n", AT_PAR(s1e1r, TV + 0x400000));
    hs_printf("AT S1E1R block par=0x%lx\n", AT_PAR(s1e1r, TV + 0x212345));
    /* LDTR: an EL0-permission load from EL1 */
    {
        hs_exc_skip = 1;
        hs_exc_reset();
        __asm__ volatile("ldtr x9, [%0]" ::"r"(TV) : "x9", "memory");
        hs_exc_skip = 0;
        hs_printf("LDTR EL1-only page: esr=0x%lx far=0x%lx\n", hs_last.count ? hs_last.esr : 0,
                  hs_last.count ? hs_last.far : 0);
    }
    /* Alignment: SCTLR_EL1.A=1 */
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 2);
    ISB();
    show_fault("alignment (SCTLR.A)", TV + 4, 0);
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) & ~2ul);
    ISB();

    /* TLBI by VA of a 2 MiB block: touch two pages, remap the block,
     * invalidate one VA only, then the other page must see the new PA. */
    wr64(BLK_PA0 + 0x5000, 0xa0);
    wr64(BLK_PA1 + 0x5000, 0xa1);
    wr64(BLK_PA0 + 0x9000, 0xb0);
    wr64(BLK_PA1 + 0x9000, 0xb1);
    u64 x = rd64(TV + 0x200000 + 0x5000) + rd64(TV + 0x200000 + 0x9000);
    l2[1] = D_BLOCK(BLK_PA1, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    TLBI_VAE1(TV + 0x200000 + 0x5000);
    hs_printf("block TLBI: before=0x%lx after=0x%lx\n", x, rd64(TV + 0x200000 + 0x9000));

    /* PTE change + TLBI VAE1 of a page */
    l3[0] = D_PAGE(pages[1], D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    TLBI_VAE1(TV);
    hs_printf("page TLBI: now 0x%lx\n", rd64(TV));

    /* DC ZVA through the MMU; and onto a read-only page (permission, CM=0) */
    for (int i = 0; i < 16; i++)
        pages[1][64 + i] = ~0ul;
    __asm__ volatile("dc zva, %0" ::"r"(TV + 512 + 8) : "memory");
    hs_printf("DC ZVA: %lx %lx %lx\n", pages[1][63], pages[1][64], pages[1][72]);
    {
        hs_exc_skip = 1;
        hs_exc_reset();
        __asm__ volatile("dc zva, %0" ::"r"(TV + 0x1000 + 64) : "memory");
        hs_exc_skip = 0;
        hs_printf("DC ZVA RO page: esr=0x%lx far=0x%lx\n", hs_last.esr, hs_last.far);
    }
    /* ASIDs: second table set with ASID 2 maps TV -> pages[2] (nG). */
    base_map(l1b);
    l1b[2] = D_TABLE(l2b);
    l2b[0] = D_TABLE(l3b);
    l3b[0] = D_PAGE(pages[2], D_ATTR(0) | D_SH_IS | D_AP_RW_EL1 | D_NG);
    l3[6] = D_PAGE(pages[0], D_ATTR(0) | D_SH_IS | D_AP_RW_EL1 | D_NG);
    pages[2][0] = 0x3333;
    pages[0][0] = 0x1111;
    TLBI_VMALLE1();
    u64 a1 = rd64(TV + 0x6000);
    WRITE_SYSREG(ttbr0_el1, (u64)l1b | (2ul << 48));
    ISB();
    u64 a2 = rd64(TV);
    WRITE_SYSREG(ttbr0_el1, (u64)l1 | (1ul << 48));
    ISB();
    u64 a3 = rd64(TV + 0x6000);
    hs_printf("ASID: asid1=0x%lx asid2=0x%lx asid1 again=0x%lx\n", a1, a2, a3);
    TLBI_ASIDE1(1);
    l3[6] = D_PAGE(pages[1], D_ATTR(0) | D_SH_IS | D_AP_RW_EL1 | D_NG);
    TLBI_ASIDE1(1);
    hs_printf("ASID: after TLBI ASIDE1 0x%lx\n", rd64(TV + 0x6000));

    /* Self-modifying code through the MMU */
    u64 (*f)(void) = (u64(*)(void))(void *)smc_fn;
    u64 r1 = f();
    smc_fn[0] = 0xd2800000u | (42u << 5);    /* mov x0, #42 */
    __asm__ volatile("dc cvau, %0; dsb ish; ic ivau, %0; dsb ish; isb" ::"r"(smc_fn) : "memory");
    u64 r2 = f();
    hs_printf("SMC: before=%lu after=%lu\n", r1, r2);
    mmu_off();
    return 0;
}

static u64 test_64k(u64 arg)
{
    (void)arg;
    /* T0SZ=25 with 64K: start at level 2 (VA[38:29], 512 MiB blocks). */
    const u64 tcr = 25 | (1ul << 14) | (2ul << 32) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23);
    g64_l2[0] = D_BLOCK(0, D_ATTR(1) | D_AP_RW_EL1);
    g64_l2[2] = D_BLOCK(0x40000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    g64_l2[3] = D_BLOCK(0x60000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    g64_l2[4] = D_TABLE(g64_l3);                              /* VA 0x80000000 */
    g64_l3[1] = D_PAGE(0x44000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    g64_l3[2] = D_PAGE(0x44000000ul, D_ATTR(0) | D_AP_RW_EL1) & ~D_AF;
    wr64(0x44000000ul + 0x1238, 0x6464);
    mmu_on((u64)g64_l2, tcr);
    hs_printf("64K: read=0x%lx\n", rd64(TV + 0x10000 + 0x1238));
    hs_printf("64K: AT par=0x%lx\n", AT_PAR(s1e1r, TV + 0x1ffff));
    show_fault("64K translation L3", TV + 0x30000, 0);
    show_fault("64K access flag L3", TV + 0x20000, 0);
    show_fault("64K translation L2", 0xa0000000ul, 0);
    mmu_off();
    return 0;
}

int main(void)
{
    hs_printf("mmu_s1: start at EL%d\n", hs_current_el());
    hs_call_lower(1, test_4k, 0, 0);
    hs_call_lower(1, test_64k, 0, 0);
    return hs_report();
}
