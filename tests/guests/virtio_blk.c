/*
 * tests/guests/virtio_blk.c — a bare-metal virtio driver for virtio-mmio
 * (version 1 "legacy" and version 2 "modern", virtio 1.2 §4.2) driving
 * virtio-blk and virtio-rng, run by tests/tools/virtio_blk_test.py:
 *
 *   -drive file=IMG,if=none,format=raw,id=hd
 *   -device virtio-blk-device,bus=virtio-mmio-bus.3,drive=hd
 *   -device virtio-rng-device            (the highest free transport: 31)
 *   [-global virtio-mmio.force-legacy=false]
 *
 * IMG holds 2048 sectors, byte I of sector S = (S * 7 + I) & 0xff.  The
 * guest reads sectors back, writes sectors 100 and 101 (through an
 * indirect descriptor table), flushes, reads them back, checks that a read
 * past the end fails with VIRTIO_BLK_S_IOERR, and reads entropy.  The host
 * then checks the file.
 */
#include "lib.h"

#define MMIO_BASE 0x0a000000ul
#define SLOT(n) (MMIO_BASE + 0x200ul * (n))

enum {
    MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEAT = 0x010, DEV_FEAT_SEL = 0x014,
    DRV_FEAT = 0x020, DRV_FEAT_SEL = 0x024, GUEST_PAGE_SIZE = 0x028, QUEUE_SEL = 0x030,
    QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_ALIGN = 0x03c, QUEUE_PFN = 0x040,
    QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INT_STATUS = 0x060, INT_ACK = 0x064, STATUS = 0x070,
    DESC_LO = 0x080, DESC_HI = 0x084, DRIVER_LO = 0x090, DRIVER_HI = 0x094, DEVICE_LO = 0x0a0,
    DEVICE_HI = 0x0a4, CONFIG = 0x100,
};

#define QN 8

struct desc {
    u64 addr;
    u32 len;
    u16 flags, next;
};

/* One queue's memory: legacy layout (descriptors, driver ring, device ring
 * at the next 4 KiB) which is also a valid modern placement. */
struct vq {
    struct desc d[QN];
    u16 avail_flags, avail_idx, avail_ring[QN], used_event;
    u8 pad[4096 - QN * 16 - (4 + 2 * QN + 2)];
    u16 used_flags, used_idx;
    struct { u32 id, len; } used_ring[QN];
    u16 avail_event;
} __attribute__((aligned(4096)));

static struct vq blkq, rngq;
static struct desc itab[4] __attribute__((aligned(16)));
static u8 data[1024] __attribute__((aligned(16)));
static u8 hdr[16] __attribute__((aligned(16)));
static u8 status_byte;
static u8 entropy[32] __attribute__((aligned(16)));
static u16 blk_used_seen, rng_used_seen;

static u32 rd(u64 t, u32 off) { return *(volatile u32 *)(t + off); }
static void wr(u64 t, u32 off, u32 v) { *(volatile u32 *)(t + off) = v; }

/* Negotiate: accept WANT of the offered features; returns the Version. */
static u32 dev_init(u64 t, u64 want)
{
    u32 ver = rd(t, VERSION);
    if (ver == 1)
        wr(t, GUEST_PAGE_SIZE, 4096);   /* before the reset, as Linux's probe: it must survive it */
    wr(t, STATUS, 0);
    wr(t, STATUS, 1);
    wr(t, STATUS, 1 | 2);
    wr(t, DEV_FEAT_SEL, 0);
    u64 offered = rd(t, DEV_FEAT);
    wr(t, DEV_FEAT_SEL, 1);
    offered |= (u64)rd(t, DEV_FEAT) << 32;
    if (ver == 2)
        CHECK((offered >> 32) & 1);   /* VERSION_1 */
    else
        CHECK(!(offered >> 32));
    u64 acc = offered & want;
    wr(t, DRV_FEAT_SEL, 0);
    wr(t, DRV_FEAT, (u32)acc);
    wr(t, DRV_FEAT_SEL, 1);
    wr(t, DRV_FEAT, (u32)(acc >> 32));
    if (ver == 2) {
        wr(t, STATUS, 1 | 2 | 8);
        CHECK(rd(t, STATUS) & 8);   /* FEATURES_OK kept */
    }
    return ver;
}

static void queue_init(u64 t, u32 ver, struct vq *q)
{
    wr(t, QUEUE_SEL, 0);
    CHECK(rd(t, QUEUE_NUM_MAX) >= QN);
    wr(t, QUEUE_NUM, QN);
    u64 a = (u64)q;
    if (ver == 1) {
        wr(t, QUEUE_ALIGN, 4096);
        wr(t, QUEUE_PFN, (u32)(a >> 12));
        CHECK_EQ(rd(t, QUEUE_PFN), a >> 12);
    } else {
        wr(t, DESC_LO, (u32)a);
        wr(t, DESC_HI, (u32)(a >> 32));
        a = (u64)&q->avail_flags;
        wr(t, DRIVER_LO, (u32)a);
        wr(t, DRIVER_HI, (u32)(a >> 32));
        a = (u64)&q->used_flags;
        wr(t, DEVICE_LO, (u32)a);
        wr(t, DEVICE_HI, (u32)(a >> 32));
        wr(t, QUEUE_READY, 1);
        CHECK_EQ(rd(t, QUEUE_READY), 1);
    }
    wr(t, STATUS, rd(t, STATUS) | 4);   /* DRIVER_OK */
}

/* Offer head 0 of Q, notify, wait for the used entry; returns its length. */
static u32 submit(u64 t, struct vq *q, u16 *seen)
{
    q->avail_ring[q->avail_idx % QN] = 0;
    DSB();
    q->avail_idx++;
    DSB();
    wr(t, QUEUE_NOTIFY, 0);
    for (int spin = 0; spin < 1000000 && *(volatile u16 *)&q->used_idx == *seen; spin++)
        ;
    CHECK_EQ(*(volatile u16 *)&q->used_idx, (u16)(*seen + 1));
    u32 len = q->used_ring[*seen % QN].len;
    CHECK_EQ(q->used_ring[*seen % QN].id, 0);
    (*seen)++;
    CHECK(rd(t, INT_STATUS) & 1);
    wr(t, INT_ACK, rd(t, INT_STATUS));
    CHECK_EQ(rd(t, INT_STATUS), 0);
    return len;
}

/* A block request: header, DATA of LEN bytes (IN: device writes), status. */
static int blk_rw(u64 t, u32 type, u64 sector, u32 len, int indirect)
{
    struct desc *d = indirect ? itab : blkq.d;
    *(u32 *)&hdr[0] = type;
    *(u32 *)&hdr[4] = 0;
    *(u64 *)&hdr[8] = sector;
    status_byte = 0xff;
    d[0] = (struct desc){(u64)hdr, 16, 1, 1};
    d[1] = (struct desc){(u64)data, len, (u16)(1 | (type == 0 ? 2 : 0)), 2};
    d[2] = (struct desc){(u64)&status_byte, 1, 2, 0};
    if (!len) {
        d[0].next = 2;
    }
    if (indirect)
        blkq.d[0] = (struct desc){(u64)itab, 3 * sizeof(struct desc), 4, 0};
    u32 used = submit(t, &blkq, &blk_used_seen);
    CHECK_EQ(used, 1 + (type == 0 && status_byte == 0 ? len : 0));
    return status_byte;
}

int main(void)
{
    u64 blk = SLOT(3), rng = SLOT(31);
    CHECK_EQ(rd(blk, MAGIC), 0x74726976);
    CHECK_EQ(rd(blk, DEVICE_ID), 2);
    CHECK_EQ(rd(rng, DEVICE_ID), 4);
    CHECK_EQ(rd(SLOT(0), DEVICE_ID), 0);
    CHECK_EQ(rd(SLOT(30), DEVICE_ID), 0);

    u32 ver = dev_init(blk, 1ul << 32 | 1ul << 9 | 1ul << 28);   /* VERSION_1, FLUSH, INDIRECT_DESC */
    hs_printf("virtio-mmio version %u\n", ver);
    queue_init(blk, ver, &blkq);
    u64 cap = rd(blk, CONFIG) | (u64)rd(blk, CONFIG + 4) << 32;
    CHECK_EQ(cap, 2048);
    CHECK_EQ(rd(blk, CONFIG + 20), 512);   /* blk_size */

    /* read sectors 5 and 6 */
    CHECK_EQ(blk_rw(blk, 0, 5, 1024, 0), 0);
    int bad = 0;
    for (int i = 0; i < 1024; i++)
        bad += data[i] != (u8)((5 + i / 512) * 7 + i % 512);
    CHECK_EQ(bad, 0);

    /* write sectors 100 and 101 through an indirect table, flush, read back */
    for (int i = 0; i < 1024; i++)
        data[i] = (u8)(i * 3 + ver);
    CHECK_EQ(blk_rw(blk, 1, 100, 1024, 1), 0);
    CHECK_EQ(blk_rw(blk, 4, 0, 0, 0), 0);
    for (int i = 0; i < 1024; i++)
        data[i] = 0;
    CHECK_EQ(blk_rw(blk, 0, 100, 1024, 1), 0);
    bad = 0;
    for (int i = 0; i < 1024; i++)
        bad += data[i] != (u8)(i * 3 + ver);
    CHECK_EQ(bad, 0);

    /* past the end: IOERR; an unknown request type: UNSUPP */
    CHECK_EQ(blk_rw(blk, 0, 2048, 512, 0), 1);
    CHECK_EQ(blk_rw(blk, 0, 2047, 1024, 0), 1);
    CHECK_EQ(blk_rw(blk, 77, 0, 512, 0), 2);

    /* entropy */
    dev_init(rng, 1ul << 32);
    queue_init(rng, ver, &rngq);
    rngq.d[0] = (struct desc){(u64)entropy, sizeof(entropy), 2, 0};
    CHECK_EQ(submit(rng, &rngq, &rng_used_seen), sizeof(entropy));
    int nz = 0;
    for (unsigned i = 0; i < sizeof(entropy); i++)
        nz += entropy[i] != 0;
    CHECK(nz > 16);
    hs_printf("entropy %02x%02x%02x%02x\n", entropy[0], entropy[1], entropy[2], entropy[3]);
    return hs_report();
}
