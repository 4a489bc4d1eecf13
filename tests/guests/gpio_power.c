/* The PL061 GPIOs of the virt board, driven from EL3 (-M virt,secure=on).
 * Built once per MODE (-DMODE=N, the _MODE values below):
 *   GPIO_POWEROFF  PL061 registers, then TF-A PLAT=qemu's SYSTEM_OFF
 *                  sequence on the Secure PL061 (pin 0 output, low, high):
 *                  the run ends with status 0 right after the store.
 *   GPIO_RESET     the same on pin 1 (SYSTEM_RESET): a machine reset, which
 *                  ends the run with status 0 under -no-reboot.
 *   GPIO_RESET_COUNT  appends a byte to the host file "gpio_reset.count"
 *                  (semihosting, current directory) and resets through pin
 *                  1 until the file holds 2 bytes: shows the machine
 *                  really restarts from its boot state.
 *   GPIO_KEY       the power key (--powerdown-at): pin 3 of the Non-secure
 *                  PL061 rises (edge interrupt, GIC SPI 7 pending, a WFI
 *                  wakes), falls 100 ms of virtual time later, then level
 *                  interrupts.  Exits with its failure count. */
#include "lib.h"

#define GPIO_POWEROFF_MODE 0
#define GPIO_RESET_MODE 1
#define GPIO_RESET_COUNT_MODE 2
#define GPIO_KEY_MODE 3

#define GPIO 0x09030000ul
#define SGPIO 0x090b0000ul
#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define R32(a) (*(volatile u32 *)(a))
#define DIR 0x400
#define IS 0x404
#define IBE 0x408
#define IEV 0x40c
#define IE 0x410
#define RIS 0x414
#define MIS 0x418
#define IC 0x41c

static __attribute__((unused)) s64 semi(u64 op, const void *arg)
{
    register u64 x0 __asm__("x0") = op;
    register u64 x1 __asm__("x1") = (u64)arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (s64)x0;
}

/* TF-A drivers/arm/pl061: direction, then the value through the address
 * mask (base + (1 << (pin + 2))). */
static __attribute__((unused)) void tfa_pulse(u64 base, unsigned pin)
{
    R32(base + DIR) = R32(base + DIR) | (1u << pin);
    R32(base + (4ul << pin)) = 0;
    R32(base + (4ul << pin)) = 1u << pin;
}

static void check_ids(u64 base)
{
    static const u32 id[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (int i = 0; i < 8; i++)
        CHECK_EQ(R32(base + 0xfe0 + 4 * i), id[i]);
}

/* GPIODATA address masking and direction (DDI 0190B 3.3.1). */
static void check_data(u64 base)
{
    R32(base + DIR) = 0xf0;
    R32(base + 0x3fc) = 0xff;             /* all pins: only outputs take it */
    CHECK_EQ(R32(base + 0x3fc), 0xf0);
    R32(base + (0x30 << 2)) = 0;          /* mask 0x30: pins 4, 5 */
    CHECK_EQ(R32(base + 0x3fc), 0xc0);
    CHECK_EQ(R32(base + (0x40 << 2)), 0x40);
    CHECK_EQ(R32(base + (0x0f << 2)), 0);   /* input pins read low (pulled down) */
    R32(base + 0x3fc) = 0;
    R32(base + DIR) = 0;
}

extern char hs_vectors[];

static u64 el1_read_id(u64 base)
{
    return R32(base + 0xfe0);
}

/* The Secure PL061 answers the Secure world only: a Non-secure EL1 read is
 * a synchronous External abort (ESR EC 0x25, DFSC 0x10); the Non-secure one
 * answers both. */
static void check_secure_only(void)
{
    hs_exc_skip = 1;
    WRITE_SYSREG(vbar_el1, (u64)hs_vectors);
    CHECK_EQ(hs_call_lower(1, el1_read_id, GPIO, 0), 0x61);
    hs_exc_reset();
    hs_call_lower(1, el1_read_id, SGPIO, 0);
    CHECK_EQ(hs_last.count, 1);
    CHECK_EQ(hs_last.el, 1);
    CHECK_EQ(hs_last.esr >> 26, 0x25);
    CHECK_EQ(hs_last.esr & 0x3f, 0x10);
    hs_exc_skip = 0;
}

/* A line on the Secure UART (output: the second -serial). */
static void secure_uart_puts(const char *s)
{
    while (*s)
        R32(0x09040000ul) = (u32)*s++;
}

static void wait_ris(u32 bit)
{
    while (!(R32(GPIO + RIS) & bit))
        __asm__ volatile("wfi");
}

static __attribute__((unused)) void key_test(void)
{
    /* GICv2, Group 0, SPI 7 (INTID 39) to core 0; PSTATE masks stay set:
     * a pending interrupt only wakes WFI. */
    R32(GICD) = 1;
    R32(GICC + 4) = 0xff;
    R32(GICC) = 1;
    *(volatile u8 *)(GICD + 0x400 + 39) = 0x80;
    *(volatile u8 *)(GICD + 0x800 + 39) = 1;
    R32(GICD + 0x100 + 4) = 1u << 7;
    R32(GPIO + IBE) = 1u << 3;            /* both edges */
    R32(GPIO + IE) = 1u << 3;
    CHECK_EQ(R32(GPIO + RIS), 0);
    u64 t0 = READ_SYSREG(cntpct_el0);
    wait_ris(1u << 3);
    u64 t1 = READ_SYSREG(cntpct_el0);
    hs_printf("power key pressed\n");
    CHECK_EQ(R32(GPIO + (8 << 2)), 8);
    CHECK_EQ(R32(GPIO + MIS), 8);
    CHECK((R32(GICD + 0x200 + 4) >> 7) & 1);   /* GICD_ISPENDR1: INTID 39 */
    R32(GPIO + IC) = 8;
    CHECK_EQ(R32(GPIO + RIS), 0);
    CHECK(!((R32(GICD + 0x200 + 4) >> 7) & 1));
    wait_ris(1u << 3);
    u64 t2 = READ_SYSREG(cntpct_el0);
    hs_printf("power key released\n");
    CHECK_EQ(R32(GPIO + (8 << 2)), 0);
    CHECK(t1 > t0);
    CHECK(t2 - t1 >= 6250000 - 62500);       /* 100 ms at 62.5 MHz, one round of slack */
    CHECK(t2 - t1 <= 6250000 + 625000);
    R32(GPIO + IC) = 8;
    /* Level-sensitive: low level on pin 3 is active at once, GPIOIC does not
     * clear it; selecting high level does. */
    R32(GPIO + IS) = 8;
    CHECK_EQ(R32(GPIO + RIS), 8);
    R32(GPIO + IC) = 8;
    CHECK_EQ(R32(GPIO + RIS), 8);
    R32(GPIO + IEV) = 8;
    CHECK_EQ(R32(GPIO + RIS), 0);
    CHECK_EQ(R32(GPIO + MIS), 0);
}

int main(void)
{
    CHECK_EQ(hs_current_el(), 3);
    check_ids(GPIO);
    check_ids(SGPIO);
    check_data(GPIO);
    check_secure_only();
    secure_uart_puts("secure uart: hello\n");
#if MODE == GPIO_KEY_MODE
    key_test();
    return hs_report();
#elif MODE == GPIO_RESET_COUNT_MODE
    static const char name[] = "gpio_reset.count";
    volatile u64 ob[3] = {(u64)name, 9 /* "ab" */, sizeof(name) - 1};
    s64 h = semi(0x01, (const void *)ob);
    CHECK(h > 0);
    static const char one = '1';
    volatile u64 wb[3] = {(u64)h, (u64)&one, 1};
    CHECK_EQ(semi(0x05, (const void *)wb), 0);
    volatile u64 fb[1] = {(u64)h};
    s64 boots = semi(0x0c, (const void *)fb);
    semi(0x02, (const void *)fb);
    hs_printf("boot %d\n", (int)boots);
    if (boots >= 2 || hs_report())
        return hs_report();
    hs_printf("gpio: resetting\n");
    tfa_pulse(SGPIO, 1);
#elif MODE == GPIO_RESET_MODE
    if (hs_report())
        return 1;
    hs_printf("gpio: resetting\n");
    tfa_pulse(SGPIO, 1);
#else
    if (hs_report())
        return 1;
    hs_printf("gpio: powering off\n");
    tfa_pulse(SGPIO, 0);
#endif
    /* As TF-A after the write: wait.  hyperstep stops the run at the store;
     * QEMU acts on the request from its main loop a little later.  Were the
     * pin not wired, every core would wait with nothing to wake it (exit
     * status 3 under --no-stdin). */
    for (;;)
        __asm__ volatile("wfi");
}
