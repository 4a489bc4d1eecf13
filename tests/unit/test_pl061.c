/*
 * tests/unit/test_pl061.c — the PL061 GPIO and its virt board parts
 * (devices/pl061) driven through MMIO on a secure=on board: the power key
 * (gpio_key_press_at, 100 ms pulse), the Secure power-off/reset pins,
 * access sizes, and save/load with malformed input.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "hs_board.h"
#include "devices/pl061/pl061.h"

#define GPIO 0x09030000ull
#define SGPIO 0x090b0000ull

/* The clock entry of device type TYPE (its tick and deadline). */
static int clock_of(Machine *m, const char *type)
{
    Device *d = machine_find_device(m, type);
    for (unsigned i = 0; d && i < m->nclock; i++)
        if (m->clock[i].opaque == d->opaque)
            return (int)i;
    return -1;
}

TEST(pl061_power_key_pulse)
{
    Machine *m = board_new(2, 1, true, false);
    ASSERT_TRUE(m != NULL);
    int k = clock_of(m, "gpio-keys");
    ASSERT_TRUE(k >= 0);
    mmio_wr(m, 0, GPIO + GPIOIE, 1u << 3);   /* pin 3: rising edge (GPIOIS=0, GPIOIBE=0, GPIOIEV=1) */
    mmio_wr(m, 0, GPIO + GPIOIEV, 1u << 3);
    ASSERT_EQ(m->clock[k].deadline(m->clock[k].opaque), UINT64_MAX);
    m->steps = 5000;
    ASSERT_TRUE(gpio_key_press_at(m, 7000));
    ASSERT_EQ(m->clock[k].deadline(m->clock[k].opaque), m->round_start_ns);   /* no idle skip */
    m->clock[k].tick(m->clock[k].opaque, 1000);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + (0xff << 2)), 0);   /* step 7000 not reached */
    m->steps = 7000;
    m->clock[k].tick(m->clock[k].opaque, 2000);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + (0x08 << 2)), 8);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + (0xf7 << 2)), 0);   /* masked out */
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIOMIS), 8);
    ASSERT_EQ(m->clock[k].deadline(m->clock[k].opaque), 2000 + GPIO_KEY_LATENCY_NS);
    m->clock[k].tick(m->clock[k].opaque, 2000 + GPIO_KEY_LATENCY_NS - 1);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + (0x08 << 2)), 8);
    m->clock[k].tick(m->clock[k].opaque, 2000 + GPIO_KEY_LATENCY_NS);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + (0x08 << 2)), 0);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIORIS), 8);   /* the falling edge does not add to IEV=rising */
    mmio_wr(m, 0, GPIO + GPIOIC, 8);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIORIS), 0);
    /* Queue: 16 presses at most, kept in step order. */
    for (int i = 0; i < 16; i++)
        ASSERT_TRUE(gpio_key_press_at(m, 9000));
    ASSERT_TRUE(!gpio_key_press_at(m, 9000));
    virt_destroy(m);
}

TEST(pl061_secure_power_pins)
{
    Machine *m = board_new(2, 1, true, false);
    ASSERT_TRUE(m != NULL);
    ASSERT_EQ(mmio_rd(m, 0, SGPIO + 0xfe0), 0x61);
    mmio_wr(m, 0, SGPIO + GPIODIR, 3);
    mmio_wr(m, 0, SGPIO + (1 << 2), 0);            /* pin 0 low: nothing */
    ASSERT_TRUE(!m->exit_requested);
    mmio_wr(m, 0, SGPIO + (2 << 2), 2);            /* pin 1 high: reset */
    ASSERT_TRUE(m->exit_requested && m->reset_requested);
    m->exit_requested = m->reset_requested = false;
    mmio_wr(m, 0, SGPIO + (2 << 2), 2);            /* still high: no new edge */
    ASSERT_TRUE(!m->exit_requested);
    mmio_wr(m, 0, SGPIO + (1 << 2), 1);            /* pin 0 high: power off */
    ASSERT_TRUE(m->exit_requested && !m->reset_requested);
    ASSERT_EQ(m->exit_code, 0);
    /* (Secure-only access is checked on the translation path: guest test
     * gpio_power reads the Secure PL061 from Non-secure EL1 and gets an
     * External abort.)  Access sizes: */
    m->exit_requested = false;
    u64 v;
    ASSERT_TRUE(!phys_read(m, m->cpu[0], GPIO + 0xfe0, 8, &v));   /* 8-byte access: slave error */
    ASSERT_TRUE(phys_read(m, m->cpu[0], GPIO + 0xfe4, 1, &v) && v == 0x10);
    virt_destroy(m);
}

TEST(pl061_save_load)
{
    Machine *m = board_new(2, 1, false, false);
    ASSERT_TRUE(m != NULL);
    Device *d = machine_find_device(m, "pl061");
    ASSERT_TRUE(d != NULL);
    mmio_wr(m, 0, GPIO + GPIODIR, 0x81);
    mmio_wr(m, 0, GPIO + 0x3fc, 0xff);
    mmio_wr(m, 0, GPIO + GPIOIS, 0x40);
    mmio_wr(m, 0, GPIO + GPIOIE, 0x40);
    mmio_wr(m, 0, GPIO + GPIOAFSEL, 0x22);
    pl061_set_input(d->opaque, 1, true);
    SaveBuf s = {0};
    d->ops->save(d->opaque, &s);
    ASSERT_TRUE(!s.oom);
    machine_reset_devices(m);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIODIR), 0);
    LoadBuf b = loadbuf_of(s.data, s.len);
    ASSERT_TRUE(d->ops->load(d->opaque, &b) && load_ok(&b));
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIODIR), 0x81);
    ASSERT_EQ(mmio_rd(m, 0, GPIO + 0x3fc), 0x83);   /* outputs 0x81, input pin 1 high */
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIOMIS), 0x40);  /* pin 6 low, level-low interrupt */
    ASSERT_EQ(mmio_rd(m, 0, GPIO + GPIOAFSEL), 0x22);
    /* Truncated: refused. */
    LoadBuf t = loadbuf_of(s.data, s.len - 1);
    ASSERT_TRUE(!d->ops->load(d->opaque, &t));
    savebuf_free(&s);
    /* gpio-keys: a queue longer than 16 or out of step order is refused. */
    Device *k = machine_find_device(m, "gpio-keys");
    ASSERT_TRUE(k != NULL);
    SaveBuf q = {0};
    save_bool(&q, false);
    save_u64(&q, 0);
    save_u32(&q, 2);
    save_u64(&q, 50);
    save_u64(&q, 40);
    LoadBuf lq = loadbuf_of(q.data, q.len);
    ASSERT_TRUE(!k->ops->load(k->opaque, &lq));
    savebuf_free(&q);
    SaveBuf big = {0};
    save_bool(&big, false);
    save_u64(&big, 0);
    save_u32(&big, 17);
    for (int i = 0; i < 17; i++)
        save_u64(&big, (u64)i);
    LoadBuf lb = loadbuf_of(big.data, big.len);
    ASSERT_TRUE(!k->ops->load(k->opaque, &lb));
    savebuf_free(&big);
    virt_destroy(m);
}
