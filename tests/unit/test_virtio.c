/*
 * tests/unit/test_virtio.c — the virtio core, the virtio-mmio transport and
 * the block and entropy devices (devices/virtio/).
 *
 * Hostile rings: hand-built descriptor tables with addresses outside RAM,
 * huge and wrapping lengths, loops, indirect tables inside indirect tables
 * each make virtio_pop() fail with the device broken (DEVICE_NEEDS_RESET);
 * then many random tables and rings in a small RAM are walked, checking
 * that every buffer handed to a device lies inside guest RAM (run it under
 * ASan: -Db_sanitize=address).  The transport is driven through its MMIO
 * registers on a virt board; the block device through its queue against a
 * temporary image (read, write, flush, GET_ID, out-of-range sectors,
 * read-only and snapshot drives).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "devices/device.h"
#include "devices/virtio/virtio_devices.h"
#include "devices/virtio/virtio_mmio.h"
#include "machine/machine.h"
#include "machine/virt/virt.h"

#define RAM 0x40000000ull
#define RAMSZ 0x10000ull
#define DESC (RAM + 0x0000)
#define AVAIL (RAM + 0x1000)
#define USED (RAM + 0x2000)
#define ITAB (RAM + 0x3000)   /* indirect tables */
#define BUF (RAM + 0x8000)    /* data buffers */

static Machine *small_machine(void)
{
    Machine *m = machine_new(1000, 1);
    u64 mpidr = 0;
    if (!m || !machine_add_cpus(m, 1, &mpidr, false, false) || !phys_add_ram(m, "ram", RAM, RAMSZ, false)) {
        machine_free(m);
        return NULL;
    }
    return m;
}

static void w16(Machine *m, u64 pa, u16 v) { phys_write_buf(m, pa, &v, 2); }
static void w32(Machine *m, u64 pa, u32 v) { phys_write_buf(m, pa, &v, 4); }
static void w64(Machine *m, u64 pa, u64 v) { phys_write_buf(m, pa, &v, 8); }
static u16 r16(Machine *m, u64 pa) { u16 v = 0; phys_read_buf(m, pa, &v, 2); return v; }
static u32 r32(Machine *m, u64 pa) { u32 v = 0; phys_read_buf(m, pa, &v, 4); return v; }

static void put_desc(Machine *m, u64 table, unsigned i, u64 addr, u32 len, u16 flags, u16 next)
{
    w64(m, table + 16 * i, addr);
    w32(m, table + 16 * i + 8, len);
    w16(m, table + 16 * i + 12, flags);
    w16(m, table + 16 * i + 14, next);
}

/* Make HEAD available as entry IDX of the driver ring and publish IDX+1. */
static void offer(Machine *m, u16 num, u16 idx, u16 head)
{
    w16(m, AVAIL + 4 + 2 * (idx % num), head);
    w16(m, AVAIL + 2, (u16)(idx + 1));
}

/* A device model that only counts notifications (the tests pop themselves). */
static int kicks;
static void sink_notify(VirtioDev *v, unsigned q) { (void)v; (void)q; kicks++; }
static const VirtioDeviceOps sink_ops = {.name = "sink", .device_id = 99, .queue_notify = sink_notify};

static int irqs;
static u32 last_isr;
static void count_irq(void *t, u32 isr) { (void)t; irqs++; last_isr = isr; }

/* V as a modern device with every offered feature accepted and queue 0 of
 * NUM entries at DESC/AVAIL/USED. */
static void start(VirtioDev *v, Machine *m, const VirtioDeviceOps *ops, u16 num)
{
    if (ops)
        virtio_init(v, m, ops, NULL, 1, 64, 0, 0);
    v->host_features |= 1ull << VIRTIO_F_VERSION_1;
    v->notify = count_irq;
    virtio_reset(v);
    v->guest_features = v->host_features;
    virtio_set_status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_set_status(v, v->status | VIRTIO_CONFIG_S_DRIVER_OK);
    VirtQueue *q = &v->vq[0];
    q->num = num;
    q->desc = DESC;
    q->avail = AVAIL;
    q->used = USED;
    w16(m, AVAIL, 0);
    w16(m, AVAIL + 2, 0);
    w16(m, USED + 2, 0);
    q->ready = virtio_queue_check(v, 0);
}

static bool broken(const VirtioDev *v)
{
    return v->broken && (v->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static VirtioDev dev;   /* large (VirtioReq): not on the stack */

TEST(virtio_good_chain_direct_and_indirect)
{
    Machine *m = small_machine();
    ASSERT_TRUE(m);
    start(&dev, m, &sink_ops, 8);
    ASSERT_TRUE(dev.vq[0].ready);
    ASSERT_TRUE(dev.status & VIRTIO_CONFIG_S_FEATURES_OK);
    put_desc(m, DESC, 3, BUF, 16, VIRTQ_DESC_F_NEXT, 5);
    put_desc(m, DESC, 5, BUF + 16, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    put_desc(m, DESC, 1, BUF + 200, 1, VIRTQ_DESC_F_WRITE, 0);
    offer(m, 8, 0, 3);
    ASSERT_EQ(virtio_pop(&dev, 0), 1);
    ASSERT_EQ(dev.req.head, 3);
    ASSERT_EQ(dev.req.nout, 1);
    ASSERT_EQ(dev.req.nin, 2);
    ASSERT_EQ(dev.req.out_len, 16);
    ASSERT_EQ(dev.req.in_len, 101);
    ASSERT_EQ(virtio_pop(&dev, 0), 0);
    u8 msg[5] = "abcd";
    ASSERT_EQ(virtio_req_write(&dev.req, 98, msg, 5), 3);   /* crosses into the 1-byte buffer */
    irqs = 0;
    virtio_push(&dev, 0, 101);
    ASSERT_EQ(r16(m, USED + 2), 1);
    ASSERT_EQ(r32(m, USED + 4), 3);
    ASSERT_EQ(r32(m, USED + 8), 101);
    ASSERT_EQ(irqs, 1);
    ASSERT_EQ(last_isr, VIRTIO_ISR_QUEUE);
    /* indirect: head 0 points at a 3-entry table */
    put_desc(m, ITAB, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
    put_desc(m, ITAB, 2, BUF + 16, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    put_desc(m, ITAB, 1, BUF + 600, 1, VIRTQ_DESC_F_WRITE, 0);
    put_desc(m, DESC, 0, ITAB, 48, VIRTQ_DESC_F_INDIRECT, 0);
    offer(m, 8, 1, 0);
    ASSERT_EQ(virtio_pop(&dev, 0), 1);
    ASSERT_EQ(dev.req.nout + dev.req.nin, 3);
    ASSERT_EQ(dev.req.in_len, 513);
    ASSERT_TRUE(!dev.broken);
    machine_free(m);
}

/* One hostile chain at head 0 of a fresh queue: pop must fail, broken. */
static int hostile(Machine *m, void (*build)(Machine *))
{
    start(&dev, m, &sink_ops, 8);
    build(m);
    int rc = virtio_pop(&dev, 0);
    if (rc != -1 || !broken(&dev))
        return 0;
    /* a broken device takes nothing more until reset */
    return virtio_pop(&dev, 0) == 0;
}

static void b_out_of_ram(Machine *m) { put_desc(m, DESC, 0, 0x1000, 16, 0, 0); offer(m, 8, 0, 0); }
static void b_huge_len(Machine *m) { put_desc(m, DESC, 0, BUF, 0xffffffffu, VIRTQ_DESC_F_WRITE, 0); offer(m, 8, 0, 0); }
static void b_past_end(Machine *m) { put_desc(m, DESC, 0, RAM + RAMSZ - 8, 16, 0, 0); offer(m, 8, 0, 0); }
static void b_wrap(Machine *m) { put_desc(m, DESC, 0, 0xfffffffffffffff0ull, 0x20, 0, 0); offer(m, 8, 0, 0); }
static void b_loop(Machine *m)
{
    put_desc(m, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    put_desc(m, DESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
    offer(m, 8, 0, 0);
}
static void b_self_loop(Machine *m) { put_desc(m, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 0); offer(m, 8, 0, 0); }
static void b_next_out_of_table(Machine *m) { put_desc(m, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 8); offer(m, 8, 0, 0); }
static void b_head_out_of_table(Machine *m) { offer(m, 8, 0, 9); }
static void b_avail_jump(Machine *m) { offer(m, 8, 0, 0); w16(m, AVAIL + 2, 100); }
static void b_indirect_in_indirect(Machine *m)
{
    put_desc(m, ITAB, 0, ITAB + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
    put_desc(m, DESC, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(m, 8, 0, 0);
}
static void b_indirect_loop(Machine *m)
{
    put_desc(m, ITAB, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    put_desc(m, ITAB, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
    put_desc(m, DESC, 0, ITAB, 32, VIRTQ_DESC_F_INDIRECT, 0);
    offer(m, 8, 0, 0);
}
static void b_indirect_bad_len(Machine *m) { put_desc(m, DESC, 0, ITAB, 17, VIRTQ_DESC_F_INDIRECT, 0); offer(m, 8, 0, 0); }
static void b_indirect_zero(Machine *m) { put_desc(m, DESC, 0, ITAB, 0, VIRTQ_DESC_F_INDIRECT, 0); offer(m, 8, 0, 0); }
static void b_indirect_huge(Machine *m) { put_desc(m, DESC, 0, ITAB, 0xfffffff0u, VIRTQ_DESC_F_INDIRECT, 0); offer(m, 8, 0, 0); }
static void b_indirect_outside(Machine *m) { put_desc(m, DESC, 0, RAM + RAMSZ - 16, 32, VIRTQ_DESC_F_INDIRECT, 0); offer(m, 8, 0, 0); }
static void b_indirect_with_next(Machine *m)
{
    put_desc(m, ITAB, 0, BUF, 8, 0, 0);
    put_desc(m, DESC, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    offer(m, 8, 0, 0);
}
static void b_read_after_write(Machine *m)
{
    put_desc(m, DESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    put_desc(m, DESC, 1, BUF, 8, 0, 0);
    offer(m, 8, 0, 0);
}

TEST(virtio_hostile_chains_break_the_device)
{
    Machine *m = small_machine();
    ASSERT_TRUE(m);
    void (*cases[])(Machine *) = {
        b_out_of_ram, b_huge_len, b_past_end, b_wrap, b_loop, b_self_loop, b_next_out_of_table,
        b_head_out_of_table, b_avail_jump, b_indirect_in_indirect, b_indirect_loop, b_indirect_bad_len,
        b_indirect_zero, b_indirect_huge, b_indirect_outside, b_indirect_with_next, b_read_after_write,
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!hostile(m, cases[i]))
            fprintf(stderr, "  hostile case %u\n", i);
        ASSERT_TRUE(hostile(m, cases[i]));
        ASSERT_EQ(last_isr, VIRTIO_ISR_CONFIG);   /* the driver is told through a config interrupt */
    }
    /* indirect descriptors when the driver did not accept the feature */
    start(&dev, m, &sink_ops, 8);
    dev.guest_features &= ~(1ull << VIRTIO_RING_F_INDIRECT_DESC);
    put_desc(m, ITAB, 0, BUF, 8, 0, 0);
    put_desc(m, DESC, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(m, 8, 0, 0);
    ASSERT_EQ(virtio_pop(&dev, 0), -1);
    /* a reset makes it usable again */
    start(&dev, m, NULL, 8);
    ASSERT_TRUE(!dev.broken && dev.status == (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                                               VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK));
    put_desc(m, DESC, 0, BUF, 8, 0, 0);
    offer(m, 8, 0, 0);
    ASSERT_EQ(virtio_pop(&dev, 0), 1);
    machine_free(m);
}

TEST(virtio_rings_outside_ram_refused)
{
    Machine *m = small_machine();
    ASSERT_TRUE(m);
    start(&dev, m, &sink_ops, 8);
    VirtQueue *q = &dev.vq[0];
    q->ready = false;
    q->used = RAM + RAMSZ - 8;   /* 6 + 8*8 bytes do not fit */
    ASSERT_TRUE(!virtio_queue_check(&dev, 0));
    ASSERT_TRUE(broken(&dev));
    start(&dev, m, NULL, 8);
    dev.vq[0].desc = 0xfffffffffffffff8ull;
    ASSERT_TRUE(!virtio_queue_check(&dev, 0));
    start(&dev, m, NULL, 8);
    dev.vq[0].num = 65;   /* above num_max */
    ASSERT_TRUE(!virtio_queue_check(&dev, 0));
    /* FEATURES_OK refused for an unoffered feature, or no VERSION_1 */
    start(&dev, m, NULL, 8);
    virtio_set_status(&dev, 0);
    dev.guest_features = 1ull << 60 | 1ull << VIRTIO_F_VERSION_1;
    virtio_set_status(&dev, VIRTIO_CONFIG_S_FEATURES_OK);
    ASSERT_EQ(dev.status & VIRTIO_CONFIG_S_FEATURES_OK, 0);
    virtio_set_status(&dev, 0);
    dev.guest_features = 0;
    virtio_set_status(&dev, VIRTIO_CONFIG_S_FEATURES_OK);
    ASSERT_EQ(dev.status & VIRTIO_CONFIG_S_FEATURES_OK, 0);
    machine_free(m);
}

TEST(virtio_interrupt_suppression)
{
    Machine *m = small_machine();
    ASSERT_TRUE(m);
    /* without EVENT_IDX: VIRTQ_AVAIL_F_NO_INTERRUPT */
    start(&dev, m, &sink_ops, 8);
    dev.guest_features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
    w16(m, AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
    put_desc(m, DESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
    offer(m, 8, 0, 0);
    irqs = 0;
    ASSERT_EQ(virtio_pop(&dev, 0), 1);
    virtio_push(&dev, 0, 8);
    ASSERT_EQ(irqs, 0);
    w16(m, AVAIL, 0);
    offer(m, 8, 1, 0);
    ASSERT_EQ(virtio_pop(&dev, 0), 1);
    virtio_push(&dev, 0, 8);
    ASSERT_EQ(irqs, 1);
    /* with EVENT_IDX: interrupt when used idx passes used_event */
    start(&dev, m, &sink_ops, 8);
    w16(m, AVAIL + 4 + 2 * 8, 2);   /* used_event: after the 3rd buffer */
    irqs = 0;
    for (u16 i = 0; i < 4; i++) {
        offer(m, 8, i, 0);
        ASSERT_EQ(virtio_pop(&dev, 0), 1);
        ASSERT_EQ(r16(m, USED + 4 + 8 * 8), i + 1);   /* avail_event published */
        virtio_push(&dev, 0, 8);
        /* the first push always interrupts; then only crossing used_event */
        ASSERT_EQ(irqs, i < 2 ? 1 : 2);
    }
    machine_free(m);
}

static u64 rnd_state;
static u64 rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* An address: mostly inside RAM, sometimes at its edges, outside, wrapping. */
static u64 rnd_addr(void)
{
    switch (rnd() % 8) {
    case 0: return rnd();
    case 1: return RAM + RAMSZ - rnd() % 64;
    case 2: return 0xffffffffffffffffull - rnd() % 4096;
    case 3: return RAM - 1 - rnd() % 64;
    default: return RAM + rnd() % RAMSZ;
    }
}

static u32 rnd_len(void)
{
    switch (rnd() % 6) {
    case 0: return 0xffffffffu - (u32)(rnd() % 32);
    case 1: return (u32)rnd();
    case 2: return 0;
    default: return (u32)(rnd() % 2048);
    }
}

TEST(virtio_random_rings_stay_in_ram)
{
    Machine *m = small_machine();
    ASSERT_TRUE(m);
    const u8 *lo = virtio_ram(m, RAM, RAMSZ, false), *hi = lo + RAMSZ;
    rnd_state = 0x2545f4914f6cdd1dull;
    unsigned ok = 0, bad = 0, empty = 0;
    for (unsigned iter = 0; iter < 20000; iter++) {
        u16 num = (u16)(1 + rnd() % 16);
        start(&dev, m, &sink_ops, num);
        if (rnd() % 8 == 0)
            dev.guest_features &= ~(1ull << VIRTIO_RING_F_INDIRECT_DESC);
        for (unsigned i = 0; i < num; i++) {
            u16 flags = (u16)(rnd() % 8);
            u64 addr = rnd_addr();
            u32 len = rnd_len();
            if ((flags & VIRTQ_DESC_F_INDIRECT) && rnd() % 2) {
                addr = ITAB + 16 * (rnd() % 64);
                len = (u32)(16 * (rnd() % 20));
            }
            put_desc(m, DESC, i, addr, len, flags, (u16)(rnd() % (num + 2)));
        }
        for (unsigned i = 0; i < 64; i++)
            put_desc(m, ITAB, i, rnd_addr(), rnd_len(), (u16)(rnd() % 8), (u16)(rnd() % 24));
        for (unsigned i = 0; i < num; i++)
            w16(m, AVAIL + 4 + 2 * i, (u16)(rnd() % (num + 1)));
        w16(m, AVAIL + 2, (u16)(rnd() % (2 * num + 2)));
        w16(m, AVAIL + 4 + 2 * num, (u16)rnd());
        for (unsigned n = 0; n < 2u * num + 2; n++) {
            int rc = virtio_pop(&dev, 0);
            ASSERT_TRUE(rc >= -1 && rc <= 1);
            if (rc == 0) {
                empty++;
                break;
            }
            if (rc < 0) {
                ASSERT_TRUE(broken(&dev));
                bad++;
                break;
            }
            ok++;
            ASSERT_TRUE(dev.req.nout + dev.req.nin <= VIRTIO_QUEUE_MAX);
            for (unsigned s = 0; s < dev.req.nout + dev.req.nin; s++) {
                const VirtioSeg *g = &dev.req.seg[s];
                ASSERT_TRUE(g->host >= lo && g->host + g->len <= hi && g->len <= RAMSZ);
                ASSERT_TRUE(g->pa >= RAM && g->pa - RAM + g->len <= RAMSZ);
                memset(g->host, 0xa5, g->len);   /* ASan would flag a stray pointer */
            }
            virtio_push(&dev, 0, (u32)rnd());
        }
    }
    fprintf(stderr, "  random rings: %u requests, %u broken, %u empty\n", ok, bad, empty);
    ASSERT_TRUE(ok > 1000 && bad > 1000);
    machine_free(m);
}

/* ---- the transport on the virt board ---- */

#define MMIO0 0x0a000000ull

static Machine *board(bool modern, const char *driver, const char *props)
{
    static char propbuf[256];
    VirtOptions o;
    virt_default_options(&o);
    o.no_stdin = true;
    o.loader[0] = (LoaderSpec){NULL, 0x40000000, true, 0, false};
    o.nloaders = 1;
    if (modern) {
        o.global[0] = (GlobalSpec){"virtio-mmio", "force-legacy", "false"};
        o.nglobals = 1;
    }
    if (driver) {
        snprintf(propbuf, sizeof(propbuf), "%s", props ? props : "");
        o.device[0] = (DeviceSpec){driver, props ? propbuf : NULL};
        o.ndevices = 1;
    }
    return virt_create(&o);
}

static u32 rd(Machine *m, u64 pa)
{
    u64 v = 0xdeadbeef;
    if (!phys_read(m, m->cpu[0], pa, 4, &v))
        return 0xbad0bad0;
    return (u32)v;
}

static void wr(Machine *m, u64 pa, u32 v)
{
    phys_write(m, m->cpu[0], pa, 4, v);
}

TEST(virtio_mmio_empty_slots_and_order)
{
    Machine *m = board(false, "virtio-rng-device", NULL);
    ASSERT_TRUE(m);
    ASSERT_EQ(rd(m, MMIO0), 0x74726976);
    ASSERT_EQ(rd(m, MMIO0 + 4), 1);          /* legacy by default (QEMU 7.2) */
    ASSERT_EQ(rd(m, MMIO0 + 8), 0);          /* no device */
    ASSERT_EQ(rd(m, MMIO0 + 0xc), 0x554d4551);
    ASSERT_EQ(rd(m, MMIO0 + 0x34), 0);
    ASSERT_EQ(rd(m, MMIO0 + 31 * 0x200 + 8), 4);   /* first -device: the highest transport */
    ASSERT_EQ(rd(m, MMIO0 + 32 * 0x200), 0xbad0bad0);   /* past the last transport */
    machine_free(m);
    m = board(true, "virtio-rng-device", "bus=virtio-mmio-bus.1,seed=7");
    ASSERT_TRUE(m);
    ASSERT_EQ(rd(m, MMIO0 + 4), 2);
    ASSERT_EQ(rd(m, MMIO0 + 0x200 + 8), 4);
    ASSERT_EQ(rd(m, MMIO0 + 31 * 0x200 + 8), 0);
    machine_free(m);
    ASSERT_TRUE(!board(true, "virtio-rng-device", "bus=virtio-mmio-bus.32"));
    ASSERT_TRUE(!board(true, "virtio-rng-device", "rng=rng0"));
    ASSERT_TRUE(!board(true, "virtio-rng-device", "max-bytes=10"));
    ASSERT_TRUE(!board(true, "virtio-blk-device", "drive=nope"));
}

/* Drive a modern virtio-rng at slot 0 through its registers: 48 bytes. */
static bool rng_read(Machine *m, u8 *out)
{
    u64 t = MMIO0;
    if (rd(m, t + 8) != 4 || rd(m, t + 4) != 2)
        return false;
    wr(m, t + 0x70, 0);
    wr(m, t + 0x70, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    wr(m, t + 0x14, 1);
    if (!(rd(m, t + 0x10) & 1))   /* VERSION_1 */
        return false;
    wr(m, t + 0x24, 1);
    wr(m, t + 0x20, 1);
    wr(m, t + 0x24, 0);
    wr(m, t + 0x20, 0);
    wr(m, t + 0x70, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    if (!(rd(m, t + 0x70) & VIRTIO_CONFIG_S_FEATURES_OK))
        return false;
    wr(m, t + 0x30, 0);
    if (rd(m, t + 0x34) != 8)
        return false;
    wr(m, t + 0x38, 4);
    wr(m, t + 0x80, (u32)DESC);
    wr(m, t + 0x84, 0);
    wr(m, t + 0x90, (u32)AVAIL);
    wr(m, t + 0x94, 0);
    wr(m, t + 0xa0, (u32)USED);
    wr(m, t + 0xa4, 0);
    w16(m, AVAIL, 0);
    w16(m, AVAIL + 2, 0);
    wr(m, t + 0x44, 1);
    if (rd(m, t + 0x44) != 1)
        return false;
    wr(m, t + 0x70, rd(m, t + 0x70) | VIRTIO_CONFIG_S_DRIVER_OK);
    put_desc(m, DESC, 2, BUF, 48, VIRTQ_DESC_F_WRITE, 0);
    offer(m, 4, 0, 2);
    wr(m, t + 0x50, 0);
    if (r16(m, USED + 2) != 1 || r32(m, USED + 4) != 2 || r32(m, USED + 8) != 48)
        return false;
    if (rd(m, t + 0x60) != 1)
        return false;
    wr(m, t + 0x64, 1);
    if (rd(m, t + 0x60) != 0)
        return false;
    return phys_read_buf(m, BUF, out, 48);
}

TEST(virtio_mmio_modern_rng_deterministic)
{
    u8 a[48], b[48], c[48], zero[48] = {0};
    Machine *m = board(true, "virtio-rng-device", "bus=virtio-mmio-bus.0");
    ASSERT_TRUE(m);
    ASSERT_TRUE(rng_read(m, a));
    ASSERT_TRUE(memcmp(a, zero, 48));
    machine_free(m);
    m = board(true, "virtio-rng-device", "bus=virtio-mmio-bus.0");
    ASSERT_TRUE(rng_read(m, b));
    ASSERT_TRUE(!memcmp(a, b, 48));   /* same seed, same bytes */
    machine_free(m);
    m = board(true, "virtio-rng-device", "bus=virtio-mmio-bus.0,seed=0x1234");
    ASSERT_TRUE(rng_read(m, c));
    ASSERT_TRUE(memcmp(a, c, 48));
    /* save/load of the whole board round-trips the transport and queue state */
    SaveBuf sb = {0};
    ASSERT_TRUE(machine_save_devices(m, &sb) && !sb.oom);
    LoadBuf lb = loadbuf_of(sb.data, sb.len);
    char err[256];
    ASSERT_TRUE(machine_load_devices(m, &lb, err, sizeof(err)));
    ASSERT_EQ(rd(m, MMIO0 + 0x44), 1);
    savebuf_free(&sb);
    machine_free(m);
}

/* ---- virtio-blk against a temporary image ---- */

static char img[64];

static void make_image(void)
{
    snprintf(img, sizeof(img), "/tmp/hs_virtio_blk_XXXXXX");
    int fd = mkstemp(img);
    u8 sec[512];
    for (unsigned s = 0; s < 64; s++) {
        memset(sec, (int)s, sizeof(sec));
        if (write(fd, sec, sizeof(sec)) != (ssize_t)sizeof(sec))
            break;
    }
    close(fd);
}

static int file_byte(u64 off)
{
    FILE *f = fopen(img, "rb");
    int c = -1;
    if (f && fseek(f, (long)off, SEEK_SET) == 0)
        c = fgetc(f);
    if (f)
        fclose(f);
    return c;
}

/* One request (header out, data of LEN bytes out or in, status in) at
 * avail entry IDX; returns the status byte, or -1 if nothing was used. */
static int blk_req(Machine *m, VirtioDev *v, u16 idx, u32 type, u64 sector, u32 len, bool in)
{
    w32(m, BUF, type);
    w32(m, BUF + 4, 0);
    w64(m, BUF + 8, sector);
    w16(m, BUF + 0x7ff0, 0xff);
    put_desc(m, DESC, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1);
    put_desc(m, DESC, 1, BUF + 0x100, len, VIRTQ_DESC_F_NEXT | (in ? VIRTQ_DESC_F_WRITE : 0), 2);
    put_desc(m, DESC, 2, BUF + 0x7ff0, 1, VIRTQ_DESC_F_WRITE, 0);
    offer(m, 8, idx, 0);
    virtio_queue_kick(v, 0);
    if (r16(m, USED + 2) != (u16)(idx + 1))
        return -1;
    u8 st = 0;
    phys_read_buf(m, BUF + 0x7ff0, &st, 1);
    return st;
}

TEST(virtio_blk_requests)
{
    make_image();
    Machine *m = small_machine();
    char err[256];
    VirtioBlkConfig c = {.file = img, .serial = "hs-serial"};
    VirtioDev *v = virtio_blk_create(m, &c, err, sizeof(err));
    ASSERT_TRUE(v);
    start(v, m, NULL, 8);
    ASSERT_EQ(virtio_config_read(v, 0, 8), 64);     /* capacity in sectors */
    ASSERT_EQ(virtio_config_read(v, 20, 4), 512);   /* blk_size */
    u8 buf[1024];
    ASSERT_EQ(blk_req(m, v, 0, 0, 3, 1024, true), 0);   /* IN sectors 3, 4 */
    phys_read_buf(m, BUF + 0x100, buf, 1024);
    ASSERT_EQ(buf[0], 3);
    ASSERT_EQ(buf[1023], 4);
    ASSERT_EQ(r32(m, USED + 8), 1025);
    memset(buf, 0xee, sizeof(buf));
    phys_write_buf(m, BUF + 0x100, buf, 1024);
    ASSERT_EQ(blk_req(m, v, 1, 1, 10, 1024, false), 0);   /* OUT sectors 10, 11 */
    ASSERT_EQ(file_byte(10 * 512), 0xee);
    ASSERT_EQ(file_byte(12 * 512), 12);
    ASSERT_EQ(blk_req(m, v, 2, 4, 0, 0, true), 0);        /* FLUSH (zero-length data) */
    ASSERT_EQ(blk_req(m, v, 3, 1, 63, 1024, false), 1);   /* past the end: IOERR */
    ASSERT_EQ(blk_req(m, v, 4, 0, 1ull << 63, 512, true), 1);
    ASSERT_EQ(blk_req(m, v, 5, 0, 0, 100, true), 1);      /* not a whole sector */
    ASSERT_EQ(blk_req(m, v, 6, 99, 0, 512, true), 2);     /* UNSUPP */
    ASSERT_EQ(blk_req(m, v, 7, 8, 0, 20, true), 0);       /* GET_ID */
    phys_read_buf(m, BUF + 0x100, buf, 20);
    ASSERT_TRUE(!memcmp(buf, "hs-serial\0", 10));
    ASSERT_TRUE(!v->broken);
    /* a request without its header breaks the device */
    put_desc(m, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 2);
    put_desc(m, DESC, 2, BUF + 0x7ff0, 1, VIRTQ_DESC_F_WRITE, 0);
    offer(m, 8, 8, 0);
    virtio_queue_kick(v, 0);
    ASSERT_TRUE(v->broken);
    v->ops->destroy(v);

    /* snapshot: reads see the writes, the file does not */
    c.snapshot = true;
    v = virtio_blk_create(m, &c, err, sizeof(err));
    ASSERT_TRUE(v);
    start(v, m, NULL, 8);
    memset(buf, 0x77, sizeof(buf));
    phys_write_buf(m, BUF + 0x100, buf, 1024);
    ASSERT_EQ(blk_req(m, v, 0, 1, 20, 1024, false), 0);
    ASSERT_EQ(file_byte(20 * 512), 20);
    ASSERT_EQ(blk_req(m, v, 1, 0, 19, 1024, true), 0);
    phys_read_buf(m, BUF + 0x100, buf, 1024);
    ASSERT_EQ(buf[0], 19);
    ASSERT_EQ(buf[512], 0x77);
    /* the overlay round-trips through save/load */
    SaveBuf sb = {0};
    v->ops->save(v, &sb);
    LoadBuf lb = loadbuf_of(sb.data, sb.len);
    ASSERT_TRUE(v->ops->load(v, &lb) && load_ok(&lb));
    savebuf_free(&sb);
    ASSERT_EQ(blk_req(m, v, 2, 0, 20, 512, true), 0);
    phys_read_buf(m, BUF + 0x100, buf, 1);
    ASSERT_EQ(buf[0], 0x77);
    v->ops->destroy(v);

    /* read-only: writes fail, F_RO offered */
    c.snapshot = false;
    c.readonly = true;
    v = virtio_blk_create(m, &c, err, sizeof(err));
    ASSERT_TRUE(v);
    ASSERT_TRUE(v->host_features & (1u << 5));
    start(v, m, NULL, 8);
    ASSERT_EQ(blk_req(m, v, 0, 1, 30, 512, false), 1);
    ASSERT_EQ(file_byte(30 * 512), 30);
    v->ops->destroy(v);

    c.file = "/nonexistent/disk.img";
    ASSERT_TRUE(!virtio_blk_create(m, &c, err, sizeof(err)));
    ASSERT_TRUE(strstr(err, "/nonexistent/disk.img") != NULL);
    machine_free(m);
    unlink(img);
}
