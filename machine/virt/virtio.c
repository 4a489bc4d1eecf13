/*
 * machine/virt/virtio.c — the board's virtio-mmio transports (QEMU virt's
 * VIRT_MMIO: 32 transports 0x200 apart, SPIs 16..47) and the -device
 * drivers that plug into them: virtio-blk-device and virtio-rng-device, with
 * QEMU's property spelling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gic/gic.h"
#include "devices/virtio/virtio_devices.h"
#include "devices/virtio/virtio_mmio.h"
#include "machine/virt/options.h"
#include "machine/virt/virt.h"

/* QEMU's boolean property spellings. */
static bool prop_bool(const char *v, bool *out)
{
    static const char *const on[] = {"on", "true", "yes", "y"}, *const off[] = {"off", "false", "no", "n"};
    for (unsigned i = 0; v && i < 4; i++) {
        if (!strcmp(v, on[i]))
            return *out = true;
        if (!strcmp(v, off[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool virt_create_virtio_transports(Machine *m, const VirtOptions *o, char *err, size_t n)
{
    bool legacy = true;   /* QEMU 7.2: virtio-mmio.force-legacy defaults to true */
    const char *g = opt_global(o, "virtio-mmio", "force-legacy");
    if (g && !prop_bool(g, &legacy)) {
        snprintf(err, n, "-global virtio-mmio.force-legacy=%s: expected on or off", g);
        return false;
    }
    const VirtMemMapEntry *e = &virt_memmap[VIRT_MMIO];
    /* Registered lowest address first: the DT lists them in that order, as QEMU's. */
    for (unsigned i = 0; i < VIRT_NUM_VIRTIO_TRANSPORTS; i++) {
        u32 spi = virt_irqmap[VIRT_MMIO] + i;
        if (!virtio_mmio_create(m, i, e->base + i * e->size, spi, gic_spi_line(m, spi), legacy)) {
            snprintf(err, n, "virtio-mmio transport %u: cannot create", i);
            return false;
        }
    }
    return true;
}

/* Properties every virtio device takes (QEMU's virtio-device and
 * virtio-mmio-bus ones). */
typedef struct VirtioCommon {
    int bus;                  /* bus=virtio-mmio-bus.N, -1: the next free */
    bool indirect_desc, event_idx;
} VirtioCommon;

/* Is K=V a common property?  1: taken, 0: not common, -1: bad (ERR). */
static int common_prop(VirtioCommon *c, const char *drv, const char *k, const char *v, char *err, size_t n)
{
    if (!strcmp(k, "bus")) {
        const char *pre = "virtio-mmio-bus.";
        char *end;
        if (!v || strncmp(v, pre, strlen(pre)) || !v[strlen(pre)])
            goto bad_bus;
        unsigned long s = strtoul(v + strlen(pre), &end, 10);
        if (*end || s >= VIRT_NUM_VIRTIO_TRANSPORTS)
            goto bad_bus;
        c->bus = (int)s;
        return 1;
    bad_bus:
        snprintf(err, n, "-device %s,bus=%s: expected bus=virtio-mmio-bus.N with N in 0..%d", drv,
                 v ? v : "", VIRT_NUM_VIRTIO_TRANSPORTS - 1);
        return -1;
    }
    if (!strcmp(k, "indirect_desc") || !strcmp(k, "event_idx")) {
        bool *b = k[0] == 'i' ? &c->indirect_desc : &c->event_idx;
        if (!prop_bool(v, b)) {
            snprintf(err, n, "-device %s,%s=%s: expected on or off", drv, k, v ? v : "");
            return -1;
        }
        return 1;
    }
    if (!strcmp(k, "id"))
        return 1;
    return 0;
}

/* Plug V into the transport C names or, without bus=, the highest-numbered
 * free one (QEMU's order: its virtio-mmio buses are listed highest first). */
static bool plug(Machine *m, VirtioDev *v, const VirtioCommon *c, const char *drv, char *err, size_t n)
{
    VirtioMmio *t = NULL;
    if (c->bus >= 0) {
        t = virtio_mmio_find(m, (unsigned)c->bus);
        if (t && virtio_mmio_busy(t)) {
            snprintf(err, n, "-device %s: Bus 'virtio-mmio-bus.%d' is full", drv, c->bus);
            t = NULL;
        } else if (!t) {
            snprintf(err, n, "-device %s: no virtio-mmio-bus.%d", drv, c->bus);
        }
    } else {
        for (int i = VIRT_NUM_VIRTIO_TRANSPORTS - 1; i >= 0 && !t; i--) {
            t = virtio_mmio_find(m, (unsigned)i);
            if (t && virtio_mmio_busy(t))
                t = NULL;
        }
        if (!t)
            snprintf(err, n, "-device %s: every virtio-mmio bus is full", drv);
    }
    if (!t) {
        v->ops->destroy(v);
        return false;
    }
    if (!c->indirect_desc)
        v->host_features &= ~(1ull << VIRTIO_RING_F_INDIRECT_DESC);
    if (!c->event_idx)
        v->host_features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
    virtio_mmio_plug(t, v);
    return true;
}

bool virt_create_virtio_blk(Machine *m, const VirtOptions *o, const DeviceSpec *d, char *err, size_t n)
{
    char props[1024];
    char *cur = props, *k, *v;
    snprintf(props, sizeof(props), "%s", d->props ? d->props : "");
    VirtioCommon c = {-1, true, true};
    const char *drive = NULL, *serial = NULL;
    while (opt_next_prop(&cur, &k, &v)) {
        int r = common_prop(&c, d->driver, k, v, err, n);
        if (r < 0)
            return false;
        if (r)
            continue;
        if (!strcmp(k, "drive") && v)
            drive = v;
        else if (!strcmp(k, "serial") && v)
            serial = v;
        else {
            snprintf(err, n, "-device %s: property '%s' not modelled", d->driver, k);
            return false;
        }
    }
    const DriveSpec *ds = drive ? opt_find_drive(o, drive) : NULL;
    if (!drive) {
        snprintf(err, n, "-device %s: drive=ID is required", d->driver);
        return false;
    }
    if (!ds || ds->iface != DRIVE_IF_NONE) {
        snprintf(err, n, "-device %s,drive=%s: no -drive ...,if=none,id=%s", d->driver, drive, drive);
        return false;
    }
    VirtioBlkConfig bc = {
        .file = ds->file, .readonly = ds->readonly, .snapshot = ds->snapshot,
        .no_flush = ds->cache && !strcmp(ds->cache, "unsafe"), .serial = serial,
    };
    VirtioDev *vd = virtio_blk_create(m, &bc, err, n);
    return vd && plug(m, vd, &c, d->driver, err, n);
}

bool virt_create_virtio_rng(Machine *m, const VirtOptions *o, const DeviceSpec *d, char *err, size_t n)
{
    char props[1024];
    char *cur = props, *k, *v;
    (void)o;
    snprintf(props, sizeof(props), "%s", d->props ? d->props : "");
    VirtioCommon c = {-1, true, true};
    u64 seed = VIRTIO_RNG_DEFAULT_SEED;
    while (opt_next_prop(&cur, &k, &v)) {
        int r = common_prop(&c, d->driver, k, v, err, n);
        if (r < 0)
            return false;
        if (r)
            continue;
        if (!strcmp(k, "seed")) {
            if (!v || !opt_parse_u64(v, &seed)) {
                snprintf(err, n, "-device %s,seed=%s: expected a number", d->driver, v ? v : "");
                return false;
            }
        } else if (!strcmp(k, "rng")) {
            snprintf(err, n, "-device %s,rng=%s: host entropy back ends (-object rng-random/rng-egd) are not "
                     "modelled; the device draws from a deterministic generator (seed=N)", d->driver, v ? v : "");
            return false;
        } else {
            snprintf(err, n, "-device %s: property '%s' not modelled", d->driver, k);
            return false;
        }
    }
    VirtioDev *vd = virtio_rng_create(m, seed);
    if (!vd) {
        snprintf(err, n, "-device %s: out of memory", d->driver);
        return false;
    }
    return plug(m, vd, &c, d->driver, err, n);
}
