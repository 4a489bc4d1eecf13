/*
 * tests/guests/uart_prompt.c — interactive console: prints a prompt without
 * a newline and waits for a line of UART input, first by polling UARTFR.RXFE
 * ("poll> ", the core keeps running), then by WFI with the PL011 RX
 * interrupt routed through the GICv3 to the core but masked in PSTATE
 * ("wfi> ", every core sleeps and the machine idles for host input).  Each
 * line is answered "got: LINE"; the two prompts alternate until a line
 * "quit".  Run at EL2 (virtualization=on, gic-version=3); driven by
 * tests/tools/console_prompt.py and tests/tools/signal_exit.py.
 */
#include "lib.h"

#define UART 0x09000000ul
#define GICD 0x08000000ul
#define R32(a) (*(volatile u32 *)(a))
#define FR_RXFE 0x10

static char buf[128];

/* Store a received byte; true at the end of a line. */
static int take(char ch, int *len)
{
    if (ch == '\n' || ch == '\r')
        return *len > 0;
    if (*len < (int)sizeof(buf) - 1)
        buf[(*len)++] = ch;
    return 0;
}

static void answer(int len)
{
    buf[len] = 0;
    hs_printf("got: %s\n", buf);
}

static int is_quit(int len)
{
    return len == 4 && buf[0] == 'q' && buf[1] == 'u' && buf[2] == 'i' && buf[3] == 't';
}

/* Read one line by polling RXFE: the core never sleeps. */
static int line_by_polling(void)
{
    int len = 0;
    for (;;) {
        if (R32(UART + 0x18) & FR_RXFE)
            continue;
        if (take((char)R32(UART), &len))
            return len;
    }
}

/* Read one line sleeping in WFI until the RX interrupt is pending (IRQs stay
 * masked in PSTATE: a pending interrupt still ends WFI, and is never taken). */
static int line_by_wfi(void)
{
    int len = 0;
    for (;;) {
        while (R32(UART + 0x18) & FR_RXFE)
            __asm__ volatile("wfi");
        while (!(R32(UART + 0x18) & FR_RXFE))
            if (take((char)R32(UART), &len))
                return len;
    }
}

int main(void)
{
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 31) | (1ul << 4));   /* RW, IMO: IRQs target EL2 */
    /* GICv3: affinity routing, Group 1 enabled, INTID 33 (PL011) to core 0. */
    WRITE_SYSREG(S3_4_C12_C9_5, 0xf);   /* ICC_SRE_EL2 */
    ISB();
    R32(0x080a0000ul + 0x14) = 0;       /* GICR_WAKER: wake the redistributor */
    R32(GICD) = 0x12;                   /* GICD_CTLR: ARE_NS, EnableGrp1NS */
    WRITE_SYSREG(S3_0_C12_C12_7, 1);    /* ICC_IGRPEN1_EL1 */
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);   /* ICC_PMR_EL1 */
    R32(GICD + 0x84) |= 1u << 1;        /* INTID 33: Group 1 */
    *(volatile u8 *)(GICD + 0x400 + 33) = 0x80;
    *(volatile u64 *)(GICD + 0x6000 + 8 * 33) = 0;
    R32(GICD + 0x104) = 1u << 1;        /* enable INTID 33 */
    R32(UART + 0x38) = (1u << 4) | (1u << 6);   /* RXIM, RTIM */
    for (;;) {
        hs_printf("poll> ");
        int len = line_by_polling();
        answer(len);
        if (is_quit(len))
            break;
        hs_printf("wfi> ");
        len = line_by_wfi();
        answer(len);
        if (is_quit(len))
            break;
    }
    return hs_report();
}
