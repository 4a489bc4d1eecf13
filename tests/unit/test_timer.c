/*
 * tests/unit/test_timer.c — generic timer registers, outputs, traps and
 * idle deadline; PL031 RTC; PL011 deterministic input queue.
 */
#include <unistd.h>

#include "test.h"
#include "hs_board.h"
#include "machine/virt/options.h"
#include "devices/gic/gic.h"
#include "devices/pl011/pl011.h"

#define GICD 0x08000000ull
#define SGI0 (0x080a0000ull + 0x10000)
#define RTC 0x09010000ull
#define UART 0x09000000ull

static u64 min_deadline(Machine *m)
{
    u64 d = UINT64_MAX;
    for (unsigned i = 0; i < m->nclock; i++) {
        u64 t = m->clock[i].deadline ? m->clock[i].deadline(m->clock[i].opaque) : UINT64_MAX;
        if (t < d)
            d = t;
    }
    return d;
}

TEST(timer_counts_and_cntvoff)
{
    Machine *m = board_new(3, 1, true, true);
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    board_at(c, 2, true, 0);
    ASSERT_EQ(sr_rd(c, "CNTFRQ_EL0"), 62500000);
    board_tick(m, 1600000);                       /* 1.6 ms */
    ASSERT_EQ(sr_rd(c, "CNTPCT_EL0"), 100000);
    ASSERT_EQ(sr_rd(c, "CNTVCT_EL0"), 100000);
    sr_wr(c, "CNTVOFF_EL2", 40000);
    ASSERT_EQ(sr_rd(c, "CNTVCT_EL0"), 60000);
    c->budget = (s64)m->quantum - 10;             /* 10 instructions later, 1 ns each */
    ASSERT_EQ(sr_rd(c, "CNTPCT_EL0"), 100000);    /* 10 ns < one tick */
    virt_destroy(m);
}

TEST(timer_virtual_fires_into_gic_and_deadline)
{
    Machine *m = board_new(3, 1, true, true);
    Cpu *c = m->cpu[0];
    board_at(c, 3, false, 0);
    mmio_wr(m, 0, GICD, 3);
    sr_wr(c, "ICC_PMR_EL1", 0xff);
    sr_wr(c, "ICC_IGRPEN1_EL3", 1);
    mmio_wr(m, 0, SGI0 + 0x80, 1u << 27);
    mmio_wr(m, 0, SGI0 + 0x100, 1u << 27);
    board_at(c, 2, true, 0);
    board_tick(m, 2000 * 16);
    sr_wr(c, "CNTVOFF_EL2", 1000);
    sr_wr(c, "CNTV_CVAL_EL0", 5000);
    sr_wr(c, "CNTV_CTL_EL0", 1);
    ASSERT_EQ(sr_rd(c, "CNTV_CTL_EL0"), 1);       /* ISTATUS=0 */
    ASSERT_EQ(min_deadline(m), 6000 * 16);        /* physical count 6000 */
    ASSERT_EQ(c->irq_lines, 0);
    board_tick(m, 6000 * 16 - 16);
    ASSERT_EQ(c->irq_lines, 0);
    ASSERT_EQ((u32)sr_rd(c, "CNTV_TVAL_EL0"), 1);
    board_tick(m, 6000 * 16);
    ASSERT_EQ(sr_rd(c, "CNTV_CTL_EL0"), 5);       /* ISTATUS */
    ASSERT_EQ(c->irq_lines, CPU_LINE_IRQ);
    board_at(c, 3, false, 0);
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 27);
    board_at(c, 2, true, 0);
    sr_wr(c, "CNTV_CTL_EL0", 3);                  /* IMASK: output drops */
    ASSERT_EQ(sr_rd(c, "CNTV_CTL_EL0"), 7);
    board_at(c, 3, false, 0);
    sr_wr(c, "ICC_EOIR1_EL1", 27);
    ASSERT_EQ(c->irq_lines, 0);
    /* TVAL write: CVAL = count + signed TVAL. */
    board_at(c, 2, true, 0);
    sr_wr(c, "CNTP_TVAL_EL0", (u32)-5);
    ASSERT_EQ(sr_rd(c, "CNTP_CVAL_EL0"), 6000 - 5);
    virt_destroy(m);
}

TEST(timer_traps)
{
    Machine *m = board_new(3, 1, true, true);
    Cpu *c = m->cpu[0];
    board_at(c, 2, true, 0);
    sr_wr(c, "CNTHCTL_EL2", 0);
    board_at(c, 1, true, 0);
    u64 v;
    u32 esr = 0;
    ASSERT_EQ(sr_access(c, "CNTPCT_EL0", true, &v, &esr), 2);
    ASSERT_EQ(esr >> 26, 0x18);
    ASSERT_EQ(esr & 1, 1);   /* read */
    board_at(c, 1, true, 0);
    ASSERT_EQ(sr_access(c, "CNTP_CTL_EL0", true, &v, &esr), 2);
    board_at(c, 1, true, 0);
    ASSERT_EQ(sr_access(c, "CNTVCT_EL0", true, &v, &esr), 0);   /* virtual count not trapped */
    board_at(c, 2, true, 0);
    sr_wr(c, "CNTHCTL_EL2", 3);
    board_at(c, 1, true, 0);
    ASSERT_EQ(sr_access(c, "CNTP_CTL_EL0", true, &v, &esr), 0);
    /* EL0 controls. */
    sr_wr(c, "CNTKCTL_EL1", 0);
    board_at(c, 0, true, 0);
    ASSERT_EQ(sr_access(c, "CNTVCT_EL0", true, &v, &esr), 1);
    board_at(c, 1, true, 0);
    sr_wr(c, "CNTKCTL_EL1", 2 | 1u << 8);
    board_at(c, 0, true, 0);
    ASSERT_EQ(sr_access(c, "CNTVCT_EL0", true, &v, &esr), 0);
    ASSERT_EQ(sr_access(c, "CNTV_CTL_EL0", true, &v, &esr), 0);
    ASSERT_EQ(sr_access(c, "CNTP_CTL_EL0", true, &v, &esr), 1);
    /* Secure timer: Non-secure EL1 UNDEFINED, Secure EL1 needs SCR_EL3.ST. */
    board_at(c, 1, true, 0);
    ASSERT_EQ(sr_access(c, "CNTPS_CTL_EL1", true, &v, &esr), 1);
    ASSERT_EQ(esr >> 26, 0);
    board_at(c, 1, false, 0);
    ASSERT_EQ(sr_access(c, "CNTPS_CTL_EL1", true, &v, &esr), 3);
    board_at(c, 1, false, 0);
    c->scr_el3 |= 1u << 11;
    ASSERT_EQ(sr_access(c, "CNTPS_CTL_EL1", true, &v, &esr), 0);
    virt_destroy(m);
}

TEST(timer_event_stream)
{
    Machine *m = board_new(3, 1, true, true);
    Cpu *c = m->cpu[0];
    board_at(c, 1, true, 0);
    sr_wr(c, "CNTKCTL_EL1", 4 | 3u << 4);   /* EVNTEN, bit 3 rising */
    c->event = false;
    board_tick(m, 7 * 16);
    ASSERT_EQ(c->event, 0);
    board_tick(m, 8 * 16);                  /* count 8: bit 3 0->1 */
    ASSERT_EQ(c->event, 1);
    c->event = false;
    board_tick(m, 15 * 16);
    ASSERT_EQ(c->event, 0);
    c->power = CORE_WFE;
    ASSERT_EQ(min_deadline(m), 24 * 16);    /* next rising edge of bit 3 */
    virt_destroy(m);
}

TEST(pl031_rtc)
{
    Machine *m = board_new(3, 1, true, true);
    ASSERT_TRUE(m);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0xfe0), 0x31);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0xfe4), 0x10);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0xfe8), 0x14);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0xff0), 0x0d);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0xffc), 0xb1);
    ASSERT_EQ(mmio_rd(m, 0, RTC), 1700000000);
    board_tick(m, 2500000000ull);
    ASSERT_EQ(mmio_rd(m, 0, RTC), 1700000002);
    mmio_wr(m, 0, RTC + 0x08, 100);   /* load */
    ASSERT_EQ(mmio_rd(m, 0, RTC), 100);
    mmio_wr(m, 0, RTC + 0x04, 103);   /* match */
    mmio_wr(m, 0, RTC + 0x10, 1);
    ASSERT_EQ(min_deadline(m), 2500000000ull + 3000000000ull);
    board_tick(m, 5400000000ull);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0x14), 0);
    board_tick(m, 5500000000ull);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0x14), 1);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0x18), 1);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x204) & (1u << 2), 1u << 2);   /* SPI 2 = INTID 34 pending */
    mmio_wr(m, 0, RTC + 0x1c, 1);
    ASSERT_EQ(mmio_rd(m, 0, RTC + 0x14), 0);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x204) & (1u << 2), 0);
    virt_destroy(m);
}

TEST(pl011_input_at_steps)
{
    Machine *m = board_new(3, 1, true, true);
    mmio_wr(m, 0, UART + 0x38, 1u << 4);   /* RXIM */
    ASSERT_TRUE(uart_input_at(m, 0, 'h'));
    ASSERT_TRUE(uart_input_at(m, 3000, 'i'));
    ASSERT_EQ(mmio_rd(m, 0, UART + 0x18) & 0x10, 0x10);   /* RXFE before the round */
    board_tick(m, 0);
    ASSERT_EQ(mmio_rd(m, 0, UART + 0x18) & 0x10, 0);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x204) & 2, 2);        /* SPI 1 = INTID 33 pending */
    ASSERT_EQ(mmio_rd(m, 0, UART + 0x00), 'h');
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x204) & 2, 0);
    m->steps = 2000;
    board_tick(m, 2000);
    ASSERT_EQ(mmio_rd(m, 0, UART + 0x18) & 0x10, 0x10);   /* 'i' not yet */
    ASSERT_EQ(min_deadline(m) <= 3000, 1);
    m->steps = 3000;
    board_tick(m, 3000);
    ASSERT_EQ(mmio_rd(m, 0, UART + 0x00), 'i');
    virt_destroy(m);
}


/* -icount shift=3: virtual time advances 8 ns per instruction, so the
 * counter (virtual ns / 16) ticks once every 2 instructions. */
TEST(icount_shift_scales_virtual_time)
{
    char *argv[] = {"hyperstep", "-icount", "shift=3", "-nodefaults", "--no-stdin"};
    VirtOptions o;
    ASSERT_EQ(opt_parse(5, argv, &o), OPT_OK);
    o.loader[0] = (LoaderSpec){NULL, 0x40000000, true, 0, false};
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->ns_per_insn, 8);
    Cpu *c = m->cpu[0];
    c->budget = (s64)m->quantum - 160;   /* 160 instructions into the slot */
    ASSERT_EQ(machine_now_ns(m, c), 1280);
    board_at(c, 2, true, 0);
    ASSERT_EQ(sr_rd(c, "CNTPCT_EL0"), 80);
    virt_destroy(m);
    opt_free(&o);
}
