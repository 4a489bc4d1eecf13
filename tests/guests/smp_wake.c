/*
 * tests/guests/smp_wake.c — what wakes a sleeping core (EL2, -smp 2):
 *  1. the generic-timer event stream (CNTHCTL_EL2.EVNTEN): WFE with no SEV
 *     from anyone completes again and again (else every core would sleep
 *     forever and hyperstep would stop with status 3);
 *  2. WFI with PSTATE.I masked wakes when the EL1 physical timer's
 *     interrupt (PPI 30) becomes pending at the GICv3 CPU interface, the
 *     interrupt is not taken (masked), and the guest acknowledges it by hand;
 *  3. virtual time jumps while every core sleeps: core 1 stays off.
 */
#include "lib.h"

#define GICD 0x08000000ul
#define GICR_RD 0x080a0000ul            /* core 0's redistributor */
#define GICR_SGI (GICR_RD + 0x10000)
#define W32(a, v) (*(volatile u32 *)(a) = (u32)(v))
#define R32(a) (*(volatile u32 *)(a))
#define CPU_SUSPEND 0xC4000001u

extern char resume_entry[];
void resumed(u64 ctx);
static volatile u64 suspend_start;

static void gic_init_ppi(unsigned intid)
{
    W32(GICD + 0x0, (1u << 4) | (1u << 1) | 1u);              /* GICD_CTLR: ARE, Grp1, Grp0 */
    W32(GICR_RD + 0x14, R32(GICR_RD + 0x14) & ~2u);           /* GICR_WAKER.ProcessorSleep = 0 */
    while (R32(GICR_RD + 0x14) & 4u)
        ;
    W32(GICR_SGI + 0x80, R32(GICR_SGI + 0x80) | 1u << intid);    /* GICR_IGROUPR0: group 1 */
    *(volatile u8 *)(GICR_SGI + 0x400 + intid) = 0x80;          /* priority */
    W32(GICR_SGI + 0x100, 1u << intid);                         /* GICR_ISENABLER0 */
    WRITE_SYSREG(S3_4_C12_C9_5, READ_SYSREG(S3_4_C12_C9_5) | 9); /* ICC_SRE_EL2: SRE, Enable */
    ISB();
    WRITE_SYSREG(S3_0_C12_C12_5, READ_SYSREG(S3_0_C12_C12_5) | 1); /* ICC_SRE_EL1.SRE */
    ISB();
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);                           /* ICC_PMR_EL1 */
    WRITE_SYSREG(S3_0_C12_C12_7, 1);                            /* ICC_IGRPEN1_EL1 */
    ISB();
}

int main(void)
{
    CHECK_EQ(hs_current_el(), 2);

    /* 1. Event stream: bit 2 of the physical count, 0->1 transitions. */
    u64 t0 = READ_SYSREG(cntpct_el0);
    WRITE_SYSREG(cnthctl_el2, (READ_SYSREG(cnthctl_el2) & ~0xf4ul) | (2u << 4) | 4u);
    ISB();
    for (int i = 0; i < 20; i++)
        __asm__ volatile("wfe" ::: "memory");
    u64 t1 = READ_SYSREG(cntpct_el0);
    CHECK(t1 > t0);
    WRITE_SYSREG(cnthctl_el2, READ_SYSREG(cnthctl_el2) & ~4ul);   /* EVNTEN off */
    ISB();

    /* 2. WFI with interrupts masked wakes on a pending timer interrupt. */
    gic_init_ppi(30);
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    u64 before = READ_SYSREG(cntpct_el0);
    WRITE_SYSREG(cntp_tval_el0, 1000000);    /* 16 ms of virtual time */
    WRITE_SYSREG(cntp_ctl_el0, 1);           /* ENABLE, not masked */
    ISB();
    __asm__ volatile("wfi" ::: "memory");
    u64 after = READ_SYSREG(cntpct_el0);
    CHECK(after - before >= 1000000);        /* slept until the deadline: time jumped */
    CHECK_EQ(READ_SYSREG(cntp_ctl_el0) & 4, 4);                  /* ISTATUS */
    u64 iar = READ_SYSREG(S3_0_C12_C12_0);                      /* ICC_IAR1_EL1 */
    CHECK_EQ(iar, 30);
    WRITE_SYSREG(cntp_ctl_el0, 0);
    WRITE_SYSREG(S3_0_C12_C12_1, iar);                          /* ICC_EOIR1_EL1 */
    CHECK_EQ(hs_last.count, 0);                                 /* nothing was taken */
    hs_printf("event stream: %lu ticks over 20 WFE; WFI slept %lu ticks\n", t1 - t0, after - before);

    /* 3. PSCI CPU_SUSPEND standby: returns SUCCESS once the timer fires. */
    before = READ_SYSREG(cntpct_el0);
    WRITE_SYSREG(cntp_tval_el0, 50000);
    WRITE_SYSREG(cntp_ctl_el0, 1);
    ISB();
    CHECK_EQ(hs_psci(CPU_SUSPEND, 0, 0, 0), 0);
    CHECK(READ_SYSREG(cntpct_el0) - before >= 50000);
    iar = READ_SYSREG(S3_0_C12_C12_0);
    CHECK_EQ(iar, 30);
    WRITE_SYSREG(cntp_ctl_el0, 0);
    WRITE_SYSREG(S3_0_C12_C12_1, iar);
    /* Bad power_state: reserved bits. */
    CHECK_EQ(hs_psci(CPU_SUSPEND, 1ul << 30, 0, 0), (u64)-2);

    /* 4. Power-down: the core resumes at our entry point with X0 = context. */
    suspend_start = READ_SYSREG(cntpct_el0);
    WRITE_SYSREG(cntp_tval_el0, 70000);
    WRITE_SYSREG(cntp_ctl_el0, 1);
    ISB();
    s64 r = hs_psci(CPU_SUSPEND, 1ul << 16, (u64)resume_entry, 0xfeed);
    hs_printf("CPU_SUSPEND power-down returned %ld\n", r);
    CHECK(0);   /* never here */
    return hs_report();
}

/* Where a power-down CPU_SUSPEND resumes: fresh stack and vectors. */
__asm__(".global resume_entry\n"
        "resume_entry:\n"
        "    mov   x19, x0\n"
        "    bl    hs_set_stack\n"
        "    adr   x1, hs_vectors\n"
        "    msr   vbar_el2, x1\n"
        "    isb\n"
        "    mov   x0, x19\n"
        "    bl    resumed\n"
        "1:  b     1b\n");

void resumed(u64 ctx)
{
    CHECK_EQ(ctx, 0xfeed);
    CHECK_EQ(hs_current_el(), 2);
    CHECK_EQ(READ_SYSREG(daif), 0x3c0);                         /* all masked */
    CHECK_EQ(READ_SYSREG(sctlr_el2) & 1, 0);                    /* MMU off */
    CHECK(READ_SYSREG(cntpct_el0) - suspend_start >= 70000);
    u64 iar = READ_SYSREG(S3_0_C12_C12_0);
    CHECK_EQ(iar, 30);
    WRITE_SYSREG(cntp_ctl_el0, 0);
    WRITE_SYSREG(S3_0_C12_C12_1, iar);
    hs_printf("resumed from power-down CPU_SUSPEND with context 0x%lx\n", ctx);
    hs_exit(hs_report());
}
