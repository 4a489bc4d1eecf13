/*
 * tests/guests/gic_smp.c — SGIs between 4 cores at EL3 (secure=on: every
 * core starts at the entry), Group 0 taken as FIQ.  GICv3 (-DGICV=3):
 * ICC_SGI0R_EL1 with affinity target lists and IRM broadcast; GICv2
 * (-DGICV=2): GICD_SGIR target lists / "all but self" filter and the source
 * core reported in GICC_IAR[12:10].  Expected output from QEMU.
 */
#include "lib.h"

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define GICR(n) (0x080a0000ul + (n) * 0x20000ul)
#define R32(a) (*(volatile u32 *)(a))
#define NCORES 4

/* In .data: core 0 clears .bss while the others are already running. */
static volatile u32 go __attribute__((section(".data"))) = 0;
static volatile u32 ready[NCORES] __attribute__((section(".data"))) = {0};
static volatile u32 got[NCORES] __attribute__((section(".data"))) = {0};   /* last IAR per core */
static volatile u32 count[NCORES] __attribute__((section(".data"))) = {0};
static volatile u32 mask0 __attribute__((section(".data"))) = 0;     /* SGIs core 0 received */

static void cpuif_init(int id)
{
#if GICV == 3
    WRITE_SYSREG(S3_6_C12_C12_5, 0xf);             /* ICC_SRE_EL3 */
    ISB();
    R32(GICR(id) + 0x14) = 0;                      /* awake */
    R32(GICR(id) + 0x10000 + 0x100) = 0xffff;      /* SGIs enabled (Group 0) */
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);
    WRITE_SYSREG(S3_0_C12_C12_6, 1);               /* ICC_IGRPEN0_EL1 */
#else
    (void)id;
    R32(GICD + 0x100) = 0xffff;                    /* banked ISENABLER0 */
    R32(GICC + 4) = 0xff;
    R32(GICC) = 0x1 | 0x4 | 0x8;                   /* EnableGrp0, AckCtl, FIQEn */
#endif
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | (1ul << 2));   /* FIQ to EL3 */
    ISB();
}

static void send_sgi(unsigned intid, u32 targets, int all_but_self)
{
#if GICV == 3
    u64 v = ((u64)intid << 24) | (all_but_self ? 1ul << 40 : targets);
    WRITE_SYSREG(S3_0_C12_C11_7, v);               /* ICC_SGI0R_EL1 */
#else
    R32(GICD + 0xf00) = (all_but_self ? 1u << 24 : targets << 16) | intid;   /* NSATT=0 */
#endif
    ISB();
}

static int fiq_hook(hs_frame *f, int el, int type)
{
    (void)f; (void)el;
    if (type != 2)
        return 0;
    int me = hs_core_id();
#if GICV == 3
    u32 iar = (u32)READ_SYSREG(S3_0_C12_C8_0);
    WRITE_SYSREG(S3_0_C12_C8_1, iar);
#else
    u32 iar = R32(GICC + 0x0c);
    R32(GICC + 0x10) = iar;
#endif
    if ((iar & 0x3ff) < 16) {
        got[me] = iar;
        count[me]++;
        if (me == 0)
            mask0 |= 1u << (iar & 15);
        else
            send_sgi(4 + me, 1, 0);                /* reply to core 0 with SGI 4+me */
    }
    return 1;
}

void secondary_main(void)
{
    int me = hs_core_id();
    while (go != 0x600d)
        ;
    cpuif_init(me);
    ready[me] = 1;
    __asm__ volatile("msr daifclr, #1" ::: "memory");
    for (;;)
        __asm__ volatile("wfi");
}

static void wait_count0(u32 n)
{
    __asm__ volatile("msr daifclr, #1" ::: "memory");
    for (int i = 0; i < 50000000 && count[0] < n; i++)
        ;
    __asm__ volatile("msr daifset, #1" ::: "memory");
}

int main(void)
{
    hs_exc_hook = fiq_hook;
#if GICV == 3
    R32(GICD) = 0x31;          /* EnableGrp0, ARE */
#else
    R32(GICD) = 1;
#endif
    cpuif_init(0);
    go = 0x600d;
    for (int i = 1; i < NCORES; i++)
        while (!ready[i])
            ;
    hs_printf("GICv%d: %d cores ready\n", GICV, NCORES);

    /* Core 0 -> core 2 only. */
    send_sgi(1, 1u << 2, 0);
    wait_count0(1);
    hs_printf("core 2: SGI %u source %u; core 1 %u, core 3 %u SGIs\n", got[2] & 0x3ff, (got[2] >> 10) & 7,
              count[1], count[3]);
    hs_printf("core 0: reply SGI %u source %u\n", got[0] & 0x3ff, (got[0] >> 10) & 7);

    /* Broadcast to all but self. */
    send_sgi(3, 0, 1);
    wait_count0(4);
    for (int i = 1; i < NCORES; i++)
        hs_printf("core %d: SGI %u source %u count %u\n", i, got[i] & 0x3ff, (got[i] >> 10) & 7, count[i]);
    hs_printf("core 0: %u replies, SGIs received mask 0x%x\n", count[0], mask0);
    CHECK_EQ(count[0], 4);
    return hs_report();
}
