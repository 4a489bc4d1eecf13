/*
 * tests/guests/mmu_tlbi_smp.c — TLB maintenance seen by other cores (-smp 4,
 * EL1).  Every core runs with the same stage-1 tables.  Cores 1-3 read VA X
 * (warming their TLBs with X -> page A); core 0 rewrites the PTE to page B,
 * issues DSB ISHST; TLBI VAE1IS; DSB ISH and signals: cores 1-3 must now
 * read page B through X.  Then VA Y: core 0 rewrites its PTE and issues
 * only a local TLBI VAE1 — core 0 must see B, the other cores may still see
 * A (architecturally allowed either way, so their value is not asserted or
 * printed) — and a TLBI VMALLE1IS afterwards must make every core see B.
 * Arm ARM D5.10 "TLB maintenance requirements", Shareability of TLBI *IS.
 */
#include "mmuutil.h"

#define CPU_ON 0xC4000003u
#define NCORES 4
/* VAs whose pages no other access of the test shares a slot with in a
 * small direct-mapped TLB (code, data and stacks are below 0x40080000), so
 * a stale entry really survives until invalidated. */
#define X 0x80080000ul           /* l1[2] -> l2[0] -> l3[0x80] */
#define Y 0x80081000ul           /* l3[0x81] */
#define XI ((X >> 12) & 511)
#define YI ((Y >> 12) & 511)
#define VAL_A 0xaaaa0000aaaaul
#define VAL_B 0xbbbb0000bbbbul

extern char _start[];
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u64 page_a[512] __attribute__((aligned(4096)));
static u64 page_b[512] __attribute__((aligned(4096)));

static volatile u64 phase;               /* set by core 0, read by 1-3 */
static volatile u64 reached[NCORES];     /* last phase core N finished */
static volatile u64 seen_x0[NCORES], seen_x1[NCORES];
static volatile u64 seen_y0[NCORES], seen_y1[NCORES], seen_y2[NCORES];

static void mmu_on(void)
{
    const u64 tcr = 25 | (1ul << 8) | (1ul << 10) | (3ul << 12) | (2ul << 32) | (1ul << 23);
    WRITE_SYSREG(mair_el1, MAIR_VAL);
    WRITE_SYSREG(tcr_el1, tcr);
    WRITE_SYSREG(ttbr0_el1, (u64)l1);
    ISB();
    __asm__ volatile("dsb nsh; tlbi vmalle1; dsb nsh; isb" ::: "memory");
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    ISB();
}

static u64 wait_phase(u64 p)
{
    u64 v;
    for (;;) {
        __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(&phase) : "memory");
        if (v >= p)
            break;
        __asm__ volatile("wfe" ::: "memory");
    }
    ISB();
    return v;
}

static void done_phase(int me, u64 p)
{
    __asm__ volatile("dmb ish" ::: "memory");
    reached[me] = p;
    __asm__ volatile("dsb ish; sev" ::: "memory");
}

static void set_phase(u64 p)
{
    __asm__ volatile("stlr %0, [%1]; dsb ish; sev" ::"r"(p), "r"(&phase) : "memory");
}

static void wait_reached(u64 p)
{
    for (int c = 1; c < NCORES; c++)
        while (reached[c] < p)
            __asm__ volatile("wfe" ::: "memory");
    __asm__ volatile("dmb ish" ::: "memory");
}

void secondary_main(void)
{
    int me = hs_core_id();
    mmu_on();
    seen_x0[me] = rd64(X);               /* warm: X -> A */
    seen_y0[me] = rd64(Y);               /* warm: Y -> A */
    done_phase(me, 1);
    wait_phase(2);                       /* core 0: X -> B, TLBI VAE1IS */
    seen_x1[me] = rd64(X);
    seen_y1[me] = rd64(Y);               /* Y -> B, local TLBI only on core 0 */
    done_phase(me, 2);
    wait_phase(3);                       /* core 0: TLBI VMALLE1IS */
    seen_y2[me] = rd64(Y);
    done_phase(me, 3);
    for (;;)
        __asm__ volatile("wfe" ::: "memory");
}

int main(void)
{
    CHECK_EQ(hs_current_el(), 1);
    page_a[0] = VAL_A;
    page_b[0] = VAL_B;
    l1[0] = D_BLOCK(0, D_ATTR(1) | D_AP_RW_EL1);                        /* UART */
    l1[1] = D_BLOCK(0x40000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);   /* RAM */
    l1[2] = D_TABLE(l2);
    l2[0] = D_TABLE(l3);
    l3[XI] = D_PAGE((u64)page_a, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    l3[YI] = D_PAGE((u64)page_a, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    __asm__ volatile("dsb ish" ::: "memory");
    mmu_on();
    CHECK_EQ(rd64(X), VAL_A);
    CHECK_EQ(rd64(Y), VAL_A);

    for (u64 t = 1; t < NCORES; t++)
        CHECK_EQ(hs_psci(CPU_ON, t, (u64)_start, 0), 0);
    wait_reached(1);

    /* Inner Shareable invalidation by VA: every core must see B at X. */
    l3[XI] = D_PAGE((u64)page_b, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    __asm__ volatile("dsb ishst; tlbi vae1is, %0; dsb ish; isb" ::"r"(X >> 12) : "memory");
    /* Local invalidation only for Y (negative control: others may be stale). */
    l3[YI] = D_PAGE((u64)page_b, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    __asm__ volatile("dsb ishst; tlbi vae1, %0; dsb ish; isb" ::"r"(Y >> 12) : "memory");
    CHECK_EQ(rd64(X), VAL_B);
    CHECK_EQ(rd64(Y), VAL_B);
    set_phase(2);
    wait_reached(2);

    /* Inner Shareable invalidate-all: now Y is B everywhere. */
    __asm__ volatile("dsb ishst; tlbi vmalle1is; dsb ish; isb" ::: "memory");
    set_phase(3);
    wait_reached(3);

    for (int c = 1; c < NCORES; c++) {
        CHECK_EQ(seen_x0[c], VAL_A);
        CHECK_EQ(seen_y0[c], VAL_A);
        CHECK_EQ(seen_x1[c], VAL_B);     /* TLBI VAE1IS from core 0 */
        CHECK_EQ(seen_y2[c], VAL_B);     /* TLBI VMALLE1IS from core 0 */
        CHECK(seen_y1[c] == VAL_A || seen_y1[c] == VAL_B);
        hs_printf("core %d: X before 0x%lx after VAE1IS 0x%lx; Y after VMALLE1IS 0x%lx\n", c,
                  seen_x0[c], seen_x1[c], seen_y2[c]);
    }
    return hs_report();
}
