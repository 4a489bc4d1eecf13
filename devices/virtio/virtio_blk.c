/*
 * devices/virtio/virtio_blk.c — virtio-blk (virtio 1.2 §5.2) over a raw
 * image file: IN, OUT, FLUSH (fdatasync) and GET_ID requests on one queue.
 * With snapshot=on the guest's writes go to an in-memory copy-on-write map
 * of 512-byte sectors and the file is only read.  Requests run
 * synchronously when the driver notifies the queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio/virtio_devices.h"

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* Request types and status values (§5.2.6). */
enum {
    VIRTIO_BLK_T_IN = 0,
    VIRTIO_BLK_T_OUT = 1,
    VIRTIO_BLK_T_FLUSH = 4,
    VIRTIO_BLK_T_GET_ID = 8,
    VIRTIO_BLK_S_OK = 0,
    VIRTIO_BLK_S_IOERR = 1,
    VIRTIO_BLK_S_UNSUPP = 2,
};

#define SECTOR 512u
#define BLK_QUEUE_SIZE 256   /* QEMU's queue-size default */
#define BLK_CONFIG_LEN 60    /* struct virtio_blk_config up to write_zeroes_may_unmap */
#define ID_BYTES 20          /* VIRTIO_BLK_ID_BYTES */

/* Copy-on-write sectors of a snapshot drive: open addressing on sector+1. */
typedef struct Overlay {
    u64 *key;        /* sector + 1, 0 = empty slot */
    u8 *data;        /* cap * SECTOR bytes */
    size_t cap, count;
} Overlay;

typedef struct VirtioBlk {
    VirtioDev vdev;          /* first: a VirtioDev * is a VirtioBlk * */
    int fd;
    char *file;
    u64 sectors;             /* capacity */
    bool readonly, snapshot, no_flush;
    char serial[ID_BYTES];
    Overlay ov;
} VirtioBlk;

static size_t ov_slot(const Overlay *o, u64 sector)
{
    u64 h = (sector + 1) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 20) & (o->cap - 1);
}

/* Overlay data of SECTOR, or NULL. */
static u8 *ov_find(const Overlay *o, u64 sector)
{
    if (!o->count)
        return NULL;
    for (size_t i = ov_slot(o, sector);; i = (i + 1) & (o->cap - 1)) {
        if (o->key[i] == sector + 1)
            return o->data + i * SECTOR;
        if (!o->key[i])
            return NULL;
    }
}

static bool ov_grow(Overlay *o)
{
    Overlay n = {0};
    n.cap = o->cap ? o->cap * 2 : 1024;
    n.key = calloc(n.cap, sizeof(u64));
    n.data = malloc(n.cap * SECTOR);
    if (!n.key || !n.data) {
        free(n.key);
        free(n.data);
        return false;
    }
    for (size_t i = 0; i < o->cap; i++) {
        if (!o->key[i])
            continue;
        size_t j = ov_slot(&n, o->key[i] - 1);
        while (n.key[j])
            j = (j + 1) & (n.cap - 1);
        n.key[j] = o->key[i];
        memcpy(n.data + j * SECTOR, o->data + i * SECTOR, SECTOR);
    }
    n.count = o->count;
    free(o->key);
    free(o->data);
    *o = n;
    return true;
}

/* Read or write (WRITE) LEN bytes of the image file at OFF (no overlay),
 * retrying short transfers and EINTR; false on an error or end of file. */
static bool file_io(VirtioBlk *b, u64 off, u8 *buf, u64 len, bool write)
{
    while (len) {
        ssize_t n = write ? pwrite(b->fd, buf, len, (off_t)off) : pread(b->fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        off += (u64)n;
        len -= (u64)n;
    }
    return true;
}

static bool file_read(VirtioBlk *b, u64 off, u8 *buf, u64 len)
{
    return file_io(b, off, buf, len, false);
}

static bool file_write(VirtioBlk *b, u64 off, const u8 *buf, u64 len)
{
    return file_io(b, off, (u8 *)buf, len, true);
}

/* Overlay sector SECTOR, created from the file's contents if new. */
static u8 *ov_get(VirtioBlk *b, u64 sector)
{
    Overlay *o = &b->ov;
    u8 *p = ov_find(o, sector);
    if (p)
        return p;
    if ((o->count + 1) * 2 > o->cap && !ov_grow(o))
        return NULL;
    size_t i = ov_slot(o, sector);
    while (o->key[i])
        i = (i + 1) & (o->cap - 1);
    if (!file_read(b, (u64)sector * SECTOR, o->data + i * SECTOR, SECTOR))
        return NULL;
    o->key[i] = sector + 1;
    o->count++;
    return o->data + i * SECTOR;
}

/* Disk bytes [OFF, OFF+LEN) (inside the capacity) through the overlay. */
static bool disk_read(VirtioBlk *b, u64 off, u8 *buf, u64 len)
{
    if (!b->ov.count)
        return file_read(b, off, buf, len);
    while (len) {
        u64 in = off % SECTOR, k = SECTOR - in < len ? SECTOR - in : len;
        const u8 *p = ov_find(&b->ov, off / SECTOR);
        if (p)
            memcpy(buf, p + in, k);
        else if (!file_read(b, off, buf, k))
            return false;
        buf += k;
        off += k;
        len -= k;
    }
    return true;
}

static bool disk_write(VirtioBlk *b, u64 off, const u8 *buf, u64 len)
{
    if (!b->snapshot)
        return file_write(b, off, buf, len);
    while (len) {
        u64 in = off % SECTOR, k = SECTOR - in < len ? SECTOR - in : len;
        u8 *p = ov_get(b, off / SECTOR);
        if (!p)
            return false;
        memcpy(p + in, buf, k);
        buf += k;
        off += k;
        len -= k;
    }
    return true;
}

/* Move LEN data bytes between the disk at byte DISK and the request's
 * segments starting at data offset 0 (in: after nothing; out: after the
 * 16-byte header). */
static bool transfer(VirtioBlk *b, const VirtioReq *r, bool to_guest, u64 disk, u64 len)
{
    unsigned first = to_guest ? r->nout : 0, end = to_guest ? r->nout + r->nin : r->nout;
    u64 skip = to_guest ? 0 : 16;
    for (unsigned i = first; i < end && len; i++) {
        const VirtioSeg *s = &r->seg[i];
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        u64 n = s->len - skip < len ? s->len - skip : len;
        bool ok = to_guest ? disk_read(b, disk, s->host + skip, n) : disk_write(b, disk, s->host + skip, n);
        if (!ok)
            return false;
        disk += n;
        len -= n;
        skip = 0;
    }
    return len == 0;
}

static const char *type_name(u32 type)
{
    switch (type) {
    case VIRTIO_BLK_T_IN: return "IN";
    case VIRTIO_BLK_T_OUT: return "OUT";
    case VIRTIO_BLK_T_FLUSH: return "FLUSH";
    case VIRTIO_BLK_T_GET_ID: return "GET_ID";
    default: return NULL;
    }
}

static void blk_notify(VirtioDev *v, unsigned q)
{
    VirtioBlk *b = (VirtioBlk *)v;
    VirtioReq *r = &v->req;
    int rc;
    while ((rc = virtio_pop(v, q)) > 0) {
        u8 hdr[16];
        if (r->out_len < 16 || r->in_len < 1) {
            virtio_error(v, "request %u without a 16-byte header or a status byte", r->head);
            return;
        }
        virtio_req_read(r, 0, hdr, 16);
        u32 type = (u32)hdr[0] | (u32)hdr[1] << 8 | (u32)hdr[2] << 16 | (u32)hdr[3] << 24;
        u64 sector = 0;
        for (int i = 7; i >= 0; i--)
            sector = sector << 8 | hdr[8 + i];
        u64 in_data = r->in_len - 1, out_data = r->out_len - 16, len = 0;
        u32 written = 0;
        u8 status = VIRTIO_BLK_S_OK;
        switch (type) {
        case VIRTIO_BLK_T_IN:
        case VIRTIO_BLK_T_OUT: {
            bool in = type == VIRTIO_BLK_T_IN;
            len = in ? in_data : out_data;
            if (len % SECTOR || sector > b->sectors || len / SECTOR > b->sectors - sector ||
                (!in && b->readonly))
                status = VIRTIO_BLK_S_IOERR;
            else if (!transfer(b, r, in, sector * SECTOR, len))
                status = VIRTIO_BLK_S_IOERR;
            else if (in)
                written = (u32)len;
            break;
        }
        case VIRTIO_BLK_T_FLUSH:
            if (!b->snapshot && !b->no_flush && !b->readonly && fdatasync(b->fd) != 0)
                status = VIRTIO_BLK_S_IOERR;
            break;
        case VIRTIO_BLK_T_GET_ID:
            len = in_data < ID_BYTES ? in_data : ID_BYTES;
            written = (u32)virtio_req_write(r, 0, b->serial, len);
            break;
        default:
            status = VIRTIO_BLK_S_UNSUPP;
            break;
        }
        virtio_req_write(r, r->in_len - 1, &status, 1);
        if (virtio_tracing(v)) {
            char tn[16];
            snprintf(tn, sizeof(tn), "type %u", type);
            virtio_trace(v, "req %u %s sector %llu len %llu: status %u", r->head,
                         type_name(type) ? type_name(type) : tn, (unsigned long long)sector,
                         (unsigned long long)len, status);
        }
        virtio_push(v, q, written + 1);
    }
}

static void blk_config(VirtioBlk *b)
{
    u8 *c = b->vdev.config;
    memset(c, 0, VIRTIO_CONFIG_MAX);
    for (int i = 0; i < 8; i++)
        c[i] = (u8)(b->sectors >> (8 * i));                  /* capacity */
    u32 seg_max = BLK_QUEUE_SIZE - 2;                        /* as QEMU's seg_max_adjust */
    for (int i = 0; i < 4; i++) {
        c[12 + i] = (u8)(seg_max >> (8 * i));                /* seg_max */
        c[20 + i] = (u8)(SECTOR >> (8 * i));                 /* blk_size */
    }
}

static void blk_save(VirtioDev *v, SaveBuf *sb)
{
    VirtioBlk *b = (VirtioBlk *)v;
    save_u64(sb, b->sectors);
    save_u64(sb, b->ov.count);
    for (size_t i = 0; i < b->ov.cap; i++)
        if (b->ov.key[i]) {
            save_u64(sb, b->ov.key[i] - 1);
            save_bytes(sb, b->ov.data + i * SECTOR, SECTOR);
        }
}

static bool blk_load(VirtioDev *v, LoadBuf *lb)
{
    VirtioBlk *b = (VirtioBlk *)v;
    if (load_u64(lb) != b->sectors)
        load_fail(lb);
    u64 n = load_u64(lb);
    if (lb->bad || (n && !b->snapshot) || n > (lb->len - lb->pos) / (8 + SECTOR)) {
        load_fail(lb);
        return false;
    }
    Overlay old = b->ov;
    b->ov = (Overlay){0};
    for (u64 i = 0; i < n && !lb->bad; i++) {
        u64 s = load_u64(lb);
        u8 *p = s < b->sectors ? ov_get(b, s) : NULL;
        if (!p) {
            load_fail(lb);
            break;
        }
        load_bytes(lb, p, SECTOR);
    }
    if (lb->bad) {
        free(b->ov.key);
        free(b->ov.data);
        b->ov = old;
        return false;
    }
    free(old.key);
    free(old.data);
    return true;
}

static void blk_destroy(VirtioDev *v)
{
    VirtioBlk *b = (VirtioBlk *)v;
    if (b->fd >= 0)
        close(b->fd);
    free(b->ov.key);
    free(b->ov.data);
    free(b->file);
    free(b);
}

static const VirtioDeviceOps blk_ops = {
    .name = "virtio-blk",
    .device_id = 2,
    .queue_notify = blk_notify,
    .save = blk_save,
    .load = blk_load,
    .destroy = blk_destroy,
};

VirtioDev *virtio_blk_create(Machine *m, const VirtioBlkConfig *c, char *err, size_t errlen)
{
    VirtioBlk *b = calloc(1, sizeof(*b));
    if (!b) {
        snprintf(err, errlen, "virtio-blk: out of memory");
        return NULL;
    }
    b->fd = -1;
    b->readonly = c->readonly;
    b->snapshot = c->snapshot;
    b->no_flush = c->no_flush;
    if (c->serial)
        strncpy(b->serial, c->serial, ID_BYTES);
    b->file = strdup(c->file);
    b->fd = open(c->file, (c->readonly || c->snapshot ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    struct stat st;
    if (!b->file || b->fd < 0 || fstat(b->fd, &st) != 0) {
        snprintf(err, errlen, "-drive file=%s: cannot open: %s", c->file, strerror(errno));
        blk_destroy(&b->vdev);
        return NULL;
    }
    b->sectors = (u64)st.st_size / SECTOR;
    u64 features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH;
    if (c->readonly)
        features |= 1ull << VIRTIO_BLK_F_RO;
    virtio_init(&b->vdev, m, &blk_ops, b, 1, BLK_QUEUE_SIZE, features, BLK_CONFIG_LEN);
    blk_config(b);
    return &b->vdev;
}
