/*
 * tests/guests/rtc.c — PL031 RTC: PrimeCell IDs, a running counter, and the
 * match interrupt (SPI 2 = INTID 34) through the GICv3 waking the core from
 * WFI one second later.  Only host-independent values are printed (QEMU's
 * RTC follows the host clock; hyperstep's follows virtual time).
 */
#include "lib.h"

#define RTC 0x09010000ul
#define GICD 0x08000000ul
#define R32(a) (*(volatile u32 *)(a))

static volatile int rtc_irqs;
static volatile u32 ris_in_handler;

static int hook(hs_frame *f, int el, int type)
{
    (void)f; (void)el;
    if (type != 1)
        return 0;
    u32 iar = (u32)READ_SYSREG(S3_0_C12_C12_0);
    if ((iar & 0x3ff) == 34) {
        rtc_irqs++;
        ris_in_handler = R32(RTC + 0x14);
        R32(RTC + 0x10) = 0;   /* mask: the level drops */
    }
    WRITE_SYSREG(S3_0_C12_C12_1, iar);
    return 1;
}

int main(void)
{
    hs_exc_hook = hook;
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 31) | (1ul << 4));
    WRITE_SYSREG(S3_4_C12_C9_5, 0xf);
    ISB();
    R32(0x080a0000ul + 0x14) = 0;
    R32(GICD) = 0x12;
    WRITE_SYSREG(S3_0_C12_C12_7, 1);
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);
    R32(GICD + 0x84) |= 1u << 2;                          /* INTID 34: Group 1 */
    *(volatile u8 *)(GICD + 0x400 + 34) = 0x80;
    *(volatile u64 *)(GICD + 0x6000 + 8 * 34) = 0;
    R32(GICD + 0x104) = 1u << 2;

    hs_printf("RTC PeriphID 0x%x 0x%x 0x%x 0x%x CellID 0x%x 0x%x 0x%x 0x%x\n", R32(RTC + 0xfe0),
              R32(RTC + 0xfe4), R32(RTC + 0xfe8), R32(RTC + 0xfec), R32(RTC + 0xff0), R32(RTC + 0xff4),
              R32(RTC + 0xff8), R32(RTC + 0xffc));
    u32 t0 = R32(RTC);
    hs_printf("RTCDR after 2023: %d, RTCCR %u\n", t0 >= 1672531200u, R32(RTC + 0x0c) & 1);
    R32(RTC + 0x04) = t0 + 1;                              /* match in at most a second */
    R32(RTC + 0x1c) = 1;
    R32(RTC + 0x10) = 1;                                   /* IMSC */
    __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
    while (!rtc_irqs)
        __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    u32 t1 = R32(RTC);
    hs_printf("match irq %d, RIS in handler %u, counter advanced %d\n", rtc_irqs, ris_in_handler, t1 == t0 + 1);
    hs_printf("MIS masked %u, RIS %u\n", R32(RTC + 0x18), R32(RTC + 0x14));
    R32(RTC + 0x1c) = 1;
    hs_printf("after ICR RIS %u\n", R32(RTC + 0x14));
    CHECK_EQ(rtc_irqs, 1);
    return hs_report();
}
