/*
 * uart_replay.c — a 4-core guest whose output depends on when UART input
 * arrives: core 0 polls the PL011 receiver while cores 1-3 count; for each
 * received byte it prints the byte and how far core 1 had counted.  Used by
 * tests/tools/replay_test.py: a recorded run and its replay must print the
 * same lines.  Ends at '\n' (or after 64 bytes).
 */
#include "lib.h"

#define UART_DR ((volatile u32 *)0x09000000)
#define UART_FR ((volatile u32 *)0x09000018)
#define FR_RXFE (1u << 4)

extern char _start[];
static volatile u64 count[4];
static volatile int done;

void secondary_main(void)
{
    int me = hs_core_id();
    while (!done)
        count[me]++;
    for (;;)
        __asm__ volatile("wfe");
}

int main(void)
{
    for (u64 t = 1; t < 4; t++)
        CHECK_EQ(hs_psci(0xC4000003u, t, (u64)_start, 0), 0);
    hs_printf("ready\n");
    for (int n = 0; n < 64; n++) {
        while (*UART_FR & FR_RXFE)
            ;
        u32 ch = *UART_DR & 0xff;
        hs_printf("got 0x%02x after %lu counts\n", ch, count[1]);
        if (ch == '\n')
            break;
    }
    done = 1;
    CHECK(count[1] > 0 && count[2] > 0 && count[3] > 0);
    return hs_report();
}
