/*
 * tests/guests/sgi_race.c — a deliberate SMP race for schedule exploration
 * (`hyperstep explore`, --schedule-seed).  GICv3, 4 cores at EL3
 * (secure=on: every core starts at the entry), Group 0 SGIs taken as FIQ.
 *
 * Core 0 releases the secondaries, does some set-up work of its own and
 * sends SGI 1 to core 2 without waiting for core 2 to be ready.  Core 2,
 * like the RTOS of the bug report, first does set-up work of its own, then
 * clears its pending SGIs (GICR_ICPENDR0) before enabling them: an SGI sent
 * before that write is lost, core 0 never gets core 2's reply, and the run
 * fails (exit 1) after a bounded wait.  Which comes first depends only on
 * the schedule: with the fixed round robin core 0 always wins (fail); some
 * --schedule-seed values let core 2 clear first (pass).
 */
#include "lib.h"

#define GICD 0x08000000ul
#define GICR(n) (0x080a0000ul + (n) * 0x20000ul)
#define R32(a) (*(volatile u32 *)(a))
#define NCORES 4
#define WORK 3000   /* iterations of set-up work on core 0 and core 2 */

static volatile u32 go __attribute__((section(".data"))) = 0;
static volatile u32 replies __attribute__((section(".data"))) = 0;

static void work(void)
{
    for (volatile int i = 0; i < WORK; i++)
        ;
}

static void send_sgi(unsigned intid, u32 targets)
{
    WRITE_SYSREG(S3_0_C12_C11_7, ((u64)intid << 24) | targets);   /* ICC_SGI0R_EL1 */
    ISB();
}

static void cpuif_init(int id, int clear_pending)
{
    WRITE_SYSREG(S3_6_C12_C12_5, 0xf);             /* ICC_SRE_EL3 */
    ISB();
    R32(GICR(id) + 0x14) = 0;                      /* GICR_WAKER: awake */
    if (clear_pending)
        R32(GICR(id) + 0x10000 + 0x280) = 0xffff;  /* GICR_ICPENDR0: drop stale SGIs (the bug) */
    R32(GICR(id) + 0x10000 + 0x100) = 0xffff;      /* GICR_ISENABLER0: SGIs enabled (Group 0) */
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);              /* ICC_PMR_EL1 */
    WRITE_SYSREG(S3_0_C12_C12_6, 1);               /* ICC_IGRPEN0_EL1 */
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | (1ul << 2));   /* FIQ to EL3 */
    ISB();
}

static int fiq_hook(hs_frame *f, int el, int type)
{
    (void)f; (void)el;
    if (type != 2)
        return 0;
    u32 iar = (u32)READ_SYSREG(S3_0_C12_C8_0);     /* ICC_IAR0_EL1 */
    WRITE_SYSREG(S3_0_C12_C8_1, iar);              /* ICC_EOIR0_EL1 */
    if ((iar & 0x3ff) < 16) {
        if (hs_core_id() == 0)
            replies++;
        else
            send_sgi(2, 1);                        /* reply to core 0 */
    }
    return 1;
}

void secondary_main(void)
{
    int me = hs_core_id();
    while (go != 0x600d)
        ;
    if (me == 2)
        work();
    cpuif_init(me, me == 2);
    __asm__ volatile("msr daifclr, #1" ::: "memory");
    for (;;)
        __asm__ volatile("wfi");
}

int main(void)
{
    hs_exc_hook = fiq_hook;
    R32(GICD) = 0x31;                              /* GICD_CTLR: EnableGrp0, ARE */
    cpuif_init(0, 0);
    go = 0x600d;
    work();
    send_sgi(1, 1u << 2);                          /* core 2 may not be ready yet */
    __asm__ volatile("msr daifclr, #1" ::: "memory");
    for (int i = 0; i < 200000 && !replies; i++)
        ;
    hs_printf(replies ? "sgi_race: core 2 answered\n" : "sgi_race: the SGI to core 2 was lost\n");
    CHECK_EQ(replies, 1);
    return hs_report();
}
