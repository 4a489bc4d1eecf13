/*
 * tests/guests/uart_echo.c — PL011 receive path: RX/RT interrupts through
 * the GICv3 (SPI 1 = INTID 33) at EL2, the guest drains the RX FIFO in its
 * IRQ handler and echoes each line upper-cased, until a line "quit".
 * Driven from a file on stdin (tests/guests/uart_echo.input).
 */
#include "lib.h"

#define UART 0x09000000ul
#define GICD 0x08000000ul
#define R32(a) (*(volatile u32 *)(a))

static volatile char line[128];
static volatile int len, lines_done, irqs;
static char done_lines[8][128];

static int irq_hook(hs_frame *f, int el, int type)
{
    (void)f; (void)el;
    if (type != 1)
        return 0;
    u32 iar = (u32)READ_SYSREG(S3_0_C12_C12_0);
    if ((iar & 0x3ff) == 33) {
        irqs++;
        while (!(R32(UART + 0x18) & 0x10)) {   /* until RXFE */
            char ch = (char)R32(UART);
            if (ch == '\n' || ch == '\r') {
                if (len && lines_done < 8) {
                    for (int i = 0; i < len; i++)
                        done_lines[lines_done][i] = line[i];
                    done_lines[lines_done][len] = 0;
                    lines_done++;
                }
                len = 0;
            } else if (len < 127) {
                line[len++] = ch;
            }
        }
    }
    WRITE_SYSREG(S3_0_C12_C12_1, iar);
    return 1;
}

static int is_quit(const char *s)
{
    return s[0] == 'q' && s[1] == 'u' && s[2] == 'i' && s[3] == 't' && !s[4];
}

int main(void)
{
    hs_exc_hook = irq_hook;
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 31) | (1ul << 4));
    WRITE_SYSREG(S3_4_C12_C9_5, 0xf);
    ISB();
    R32(0x080a0000ul + 0x14) = 0;
    R32(GICD) = 0x12;
    WRITE_SYSREG(S3_0_C12_C12_7, 1);
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);
    R32(GICD + 0x84) |= 1u << 1;                          /* INTID 33: Group 1 */
    *(volatile u8 *)(GICD + 0x400 + 33) = 0x80;
    *(volatile u64 *)(GICD + 0x6000 + 8 * 33) = 0;
    R32(GICD + 0x104) = 1u << 1;
    hs_printf("UART PeriphID0 0x%x CellID3 0x%x\n", R32(UART + 0xfe0), R32(UART + 0xffc));
    R32(UART + 0x38) = (1u << 4) | (1u << 6);             /* RXIM, RTIM */
    hs_printf("ready\n");
    int shown = 0;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (;;) {
        while (shown < lines_done) {
            hs_printf("echo: ");
            for (char *p = done_lines[shown]; *p; p++)
                hs_putc(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            hs_printf("\n");
            if (is_quit(done_lines[shown]))
                goto out;
            shown++;
        }
        __asm__ volatile("wfi");
    }
out:
    __asm__ volatile("msr daifset, #2" ::: "memory");
    CHECK(irqs > 0);
    CHECK_EQ(lines_done, 3);
    return hs_report();
}
