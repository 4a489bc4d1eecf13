/*
 * devices/virtio/virtio_mmio.c — the virtio-mmio transport (virtio 1.2
 * §4.2.2 register layout, §4.2.4 legacy interface), with QEMU 7.2's
 * answers where the spec leaves room (an empty transport, accesses that
 * are not 32 bits, registers of the other interface version: read 0,
 * writes ignored, a --trace virtio line).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/virtio/virtio_mmio.h"

/* Register offsets (§4.2.2; legacy-only ones from §4.2.4). */
enum {
    VIRTIO_MMIO_MAGIC_VALUE = 0x000,
    VIRTIO_MMIO_VERSION = 0x004,
    VIRTIO_MMIO_DEVICE_ID = 0x008,
    VIRTIO_MMIO_VENDOR_ID = 0x00c,
    VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
    VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
    VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
    VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
    VIRTIO_MMIO_GUEST_PAGE_SIZE = 0x028,   /* legacy */
    VIRTIO_MMIO_QUEUE_SEL = 0x030,
    VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
    VIRTIO_MMIO_QUEUE_NUM = 0x038,
    VIRTIO_MMIO_QUEUE_ALIGN = 0x03c,       /* legacy */
    VIRTIO_MMIO_QUEUE_PFN = 0x040,         /* legacy */
    VIRTIO_MMIO_QUEUE_READY = 0x044,
    VIRTIO_MMIO_QUEUE_NOTIFY = 0x050,
    VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
    VIRTIO_MMIO_INTERRUPT_ACK = 0x064,
    VIRTIO_MMIO_STATUS = 0x070,
    VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080,
    VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
    VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090,
    VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094,
    VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0,
    VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VIRTIO_MMIO_SHM_SEL = 0x0ac,
    VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0,
    VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4,
    VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8,
    VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc,
    VIRTIO_MMIO_QUEUE_RESET = 0x0c0,
    VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc,
    VIRTIO_MMIO_CONFIG = 0x100,
};

#define VIRT_MAGIC 0x74726976u   /* "virt" */
#define VIRT_VENDOR 0x554d4551u  /* "QEMU", as QEMU's transports */

struct VirtioMmio {
    Machine *m;
    unsigned slot;
    u64 base;
    u32 spi;
    IrqLine irq;
    bool legacy;
    VirtioDev *dev;          /* NULL: no device plugged */
    u32 isr;                 /* InterruptStatus */
    u32 host_features_sel, guest_features_sel, queue_sel;
    u32 guest_page_size;     /* legacy GuestPageSize */
    u32 queue_align[VIRTIO_MAX_QUEUES];   /* legacy QueueAlign */
    u32 queue_pfn[VIRTIO_MAX_QUEUES];     /* legacy QueuePFN */
};

static const DeviceOps virtio_mmio_ops;

static void update_irq(VirtioMmio *t)
{
    irq_set(&t->irq, t->isr != 0);
}

static void transport_notify(void *opaque, u32 isr)
{
    VirtioMmio *t = opaque;
    t->isr |= isr;
    if (t->dev && virtio_tracing(t->dev))
        virtio_trace(t->dev, "interrupt status %#x", t->isr);
    update_irq(t);
}

/* A driver's device reset (Status = 0): the device, its queues and the
 * interrupt status.  GuestPageSize, written once when a legacy driver
 * probes, and the select registers stay (as QEMU's). */
static void device_reset(VirtioMmio *t)
{
    t->isr = 0;
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        t->queue_align[i] = 4096;   /* legacy default (§4.2.4) */
        t->queue_pfn[i] = 0;
    }
    if (t->dev)
        virtio_reset(t->dev);
    update_irq(t);
}

/* The transport's own state to its reset value (machine reset). */
static void transport_reset(VirtioMmio *t)
{
    t->host_features_sel = t->guest_features_sel = t->queue_sel = 0;
    t->guest_page_size = 0;
    device_reset(t);
}

/* The selected queue, or NULL when QueueSel names none. */
static VirtQueue *sel_queue(VirtioMmio *t)
{
    VirtioDev *v = t->dev;
    if (t->queue_sel >= v->nvq || !v->vq[t->queue_sel].num_max)
        return NULL;
    return &v->vq[t->queue_sel];
}

/* Legacy ring layout from QueuePFN (§2.7 "Legacy Interfaces: A Note on
 * Virtqueue Layout"): descriptors, then the driver ring, then the device
 * ring at the next QueueAlign boundary. */
static void legacy_layout(VirtioMmio *t, unsigned q)
{
    VirtioDev *v = t->dev;
    VirtQueue *vq = &v->vq[q];
    u64 align = t->queue_align[q] ? t->queue_align[q] : 1;
    vq->desc = (u64)t->queue_pfn[q] * t->guest_page_size;
    vq->avail = vq->desc + 16ull * vq->num;
    u64 end = vq->avail + 6 + 2ull * vq->num;
    vq->used = (end + align - 1) / align * align;
    vq->ready = t->queue_pfn[q] != 0 && virtio_queue_check(v, q);
}

static bool wrong_version(VirtioMmio *t, u64 off, bool legacy_reg, bool write)
{
    if (legacy_reg == t->legacy)
        return false;
    if (virtio_tracing(t->dev))
        virtio_trace(t->dev, "%s of %s register %#llx on a version %d transport: ignored",
                     write ? "write" : "read", legacy_reg ? "legacy" : "modern", (unsigned long long)off,
                     t->legacy ? 1 : 2);
    return true;
}

static bool mmio_read(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 *val)
{
    VirtioMmio *t = opaque;
    VirtioDev *v = t->dev;
    (void)cpu;
    *val = 0;
    if (!v) {
        if (size != 4)
            return true;
        if (off == VIRTIO_MMIO_MAGIC_VALUE)
            *val = VIRT_MAGIC;
        else if (off == VIRTIO_MMIO_VERSION)
            *val = t->legacy ? 1 : 2;
        else if (off == VIRTIO_MMIO_VENDOR_ID)
            *val = VIRT_VENDOR;
        return true;
    }
    if (off >= VIRTIO_MMIO_CONFIG) {
        *val = virtio_config_read(v, (u32)(off - VIRTIO_MMIO_CONFIG), size);
        return true;
    }
    if (size != 4) {
        if (virtio_tracing(v))
            virtio_trace(v, "%u-byte read of register %#llx: reads 0", size, (unsigned long long)off);
        return true;
    }
    VirtQueue *vq = sel_queue(t);
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        *val = VIRT_MAGIC;
        break;
    case VIRTIO_MMIO_VERSION:
        *val = t->legacy ? 1 : 2;
        break;
    case VIRTIO_MMIO_DEVICE_ID:
        *val = v->ops->device_id;
        break;
    case VIRTIO_MMIO_VENDOR_ID:
        *val = VIRT_VENDOR;
        break;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        if (t->legacy)
            *val = t->host_features_sel ? 0 : (u32)v->host_features;
        else if (t->host_features_sel < 2)
            *val = (u32)(v->host_features >> (32 * t->host_features_sel));
        break;
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        *val = vq ? vq->num_max : 0;
        break;
    case VIRTIO_MMIO_QUEUE_PFN:
        if (!wrong_version(t, off, true, false))
            *val = vq ? t->queue_pfn[t->queue_sel] : 0;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (!wrong_version(t, off, false, false))
            *val = vq ? vq->ready : 0;
        break;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        *val = t->isr;
        break;
    case VIRTIO_MMIO_STATUS:
        *val = v->status;
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!wrong_version(t, off, false, false) && vq) {
            u64 a = off < VIRTIO_MMIO_QUEUE_DRIVER_LOW ? vq->desc
                  : off < VIRTIO_MMIO_QUEUE_DEVICE_LOW ? vq->avail : vq->used;
            *val = (u32)(a >> (off & 4 ? 32 : 0));
        }
        break;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
        *val = 0xffffffffu;   /* no shared memory region (§4.2.2: length -1) */
        break;
    case VIRTIO_MMIO_QUEUE_RESET:
        *val = 0;   /* a queue reset completes at once */
        break;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        if (!wrong_version(t, off, false, false))
            *val = v->config_generation;
        break;
    default:
        if (virtio_tracing(v))
            virtio_trace(v, "read of write-only or reserved register %#llx: reads 0", (unsigned long long)off);
        break;
    }
    return true;
}

static void set_addr_half(VirtQueue *vq, u64 off, u32 val)
{
    u64 *a = off < VIRTIO_MMIO_QUEUE_DRIVER_LOW ? &vq->desc
           : off < VIRTIO_MMIO_QUEUE_DEVICE_LOW ? &vq->avail : &vq->used;
    if (off & 4)
        *a = (*a & 0xffffffffull) | (u64)val << 32;
    else
        *a = (*a & ~0xffffffffull) | val;
}

static bool mmio_write(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 val64)
{
    VirtioMmio *t = opaque;
    VirtioDev *v = t->dev;
    (void)cpu;
    if (!v)
        return true;
    if (off >= VIRTIO_MMIO_CONFIG) {
        virtio_config_write(v, (u32)(off - VIRTIO_MMIO_CONFIG), size, val64);
        return true;
    }
    if (size != 4) {
        if (virtio_tracing(v))
            virtio_trace(v, "%u-byte write of register %#llx: ignored", size, (unsigned long long)off);
        return true;
    }
    u32 val = (u32)val64;
    VirtQueue *vq = sel_queue(t);
    unsigned q = t->queue_sel;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        t->host_features_sel = val;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (t->legacy) {
            if (t->guest_features_sel == 0)
                v->guest_features = val & v->host_features;
        } else if (t->guest_features_sel < 2) {
            unsigned sh = 32 * t->guest_features_sel;
            v->guest_features = (v->guest_features & ~(0xffffffffull << sh)) | (u64)val << sh;
        }
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        t->guest_features_sel = val;
        break;
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
        if (!wrong_version(t, off, true, true))
            t->guest_page_size = val;
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        t->queue_sel = val;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (vq && !vq->ready) {
            if (val == 0 || val > vq->num_max) {
                if (virtio_tracing(v))
                    virtio_trace(v, "queue %u: size %u not in 1..%u: ignored", q, val, vq->num_max);
            } else {
                vq->num = (u16)val;
            }
        }
        break;
    case VIRTIO_MMIO_QUEUE_ALIGN:
        if (!wrong_version(t, off, true, true) && vq)
            t->queue_align[q] = val;
        break;
    case VIRTIO_MMIO_QUEUE_PFN:
        if (wrong_version(t, off, true, true) || !vq)
            break;
        if (val == 0) {
            t->queue_pfn[q] = 0;
            virtio_queue_reset(v, q);
        } else {
            t->queue_pfn[q] = val;
            legacy_layout(t, q);
        }
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (wrong_version(t, off, false, true) || !vq)
            break;
        vq->ready = (val & 1) && virtio_queue_check(v, q);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        virtio_queue_kick(v, val & 0xffff);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->isr &= ~val;
        update_irq(t);
        break;
    case VIRTIO_MMIO_STATUS:
        if ((val & 0xff) == 0) {
            device_reset(t);
        } else {
            virtio_set_status(v, (u8)val);
        }
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!wrong_version(t, off, false, true) && vq && !vq->ready)
            set_addr_half(vq, off, val);
        break;
    case VIRTIO_MMIO_SHM_SEL:
        break;
    case VIRTIO_MMIO_QUEUE_RESET:
        if (!wrong_version(t, off, false, true) && vq && val == 1)
            virtio_queue_reset(v, q);
        break;
    default:
        if (virtio_tracing(v))
            virtio_trace(v, "write %#x to read-only or reserved register %#llx: ignored", val,
                         (unsigned long long)off);
        break;
    }
    return true;
}

/* ---- DeviceOps ---- */

static void vm_reset(void *opaque)
{
    transport_reset(opaque);
}

/* QEMU virt's node: dma-coherent, one edge-triggered SPI, reg, compatible. */
static int vm_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    VirtioMmio *t = opaque;
    char name[40];
    (void)ctx;
    snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)t->base);
    int r = fdt_begin_node(fdt, name);
    if (r >= 0)
        r = fdt_property(fdt, "dma-coherent", NULL, 0);
    if (r >= 0)
        r = fdt_prop_spi(fdt, t->spi, FDT_IRQ_EDGE_RISING);
    if (r >= 0)
        r = fdt_prop_reg(fdt, t->base, VIRTIO_MMIO_SIZE);
    if (r >= 0)
        r = fdt_property_string(fdt, "compatible", "virtio,mmio");
    if (r >= 0)
        r = fdt_end_node(fdt);
    return r;
}

static void vm_save(void *opaque, SaveBuf *b)
{
    VirtioMmio *t = opaque;
    save_u32(b, t->dev ? t->dev->ops->device_id : 0);
    save_bool(b, t->legacy);
    save_u32(b, t->isr);
    save_u32(b, t->host_features_sel);
    save_u32(b, t->guest_features_sel);
    save_u32(b, t->queue_sel);
    save_u32(b, t->guest_page_size);
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        save_u32(b, t->queue_align[i]);
        save_u32(b, t->queue_pfn[i]);
    }
    if (t->dev) {
        virtio_save(t->dev, b);
        if (t->dev->ops->save)
            t->dev->ops->save(t->dev, b);
    }
}

static bool vm_load(void *opaque, LoadBuf *b)
{
    VirtioMmio *t = opaque;
    VirtioMmio n = *t;
    if (load_u32(b) != (t->dev ? t->dev->ops->device_id : 0) || load_bool(b) != t->legacy)
        load_fail(b);
    n.isr = load_u32(b);
    n.host_features_sel = load_u32(b);
    n.guest_features_sel = load_u32(b);
    n.queue_sel = load_u32(b);
    n.guest_page_size = load_u32(b);
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        n.queue_align[i] = load_u32(b);
        n.queue_pfn[i] = load_u32(b);
    }
    if (n.isr > 3)
        load_fail(b);
    if (b->bad)
        return false;
    if (t->dev) {
        if (!virtio_load(t->dev, b))
            return false;
        if (t->dev->ops->load && !t->dev->ops->load(t->dev, b))
            return false;
    }
    *t = n;
    update_irq(t);
    return !b->bad;
}

static void vm_destroy(void *opaque)
{
    VirtioMmio *t = opaque;
    if (t->dev && t->dev->ops->destroy)
        t->dev->ops->destroy(t->dev);
    free(t);
}

static const DeviceOps virtio_mmio_ops = {
    .type = "virtio-mmio",
    .version = 1,
    .reset = vm_reset,
    .fdt_node = vm_fdt,
    .save = vm_save,
    .load = vm_load,
    .destroy = vm_destroy,
};

VirtioMmio *virtio_mmio_create(Machine *m, unsigned slot, u64 base, u32 spi, IrqLine irq, bool legacy)
{
    VirtioMmio *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->m = m;
    t->slot = slot;
    t->base = base;
    t->spi = spi;
    t->irq = irq;
    t->legacy = legacy;
    transport_reset(t);
    char name[32];
    snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
    Device *d = machine_add_device(m, &virtio_mmio_ops, t, name);
    if (!d) {
        free(t);
        return NULL;
    }
    device_add_irq(d, 32 + spi);
    if (!device_map_mmio(m, d, "virtio-mmio", base, VIRTIO_MMIO_SIZE, mmio_read, mmio_write, false))
        return NULL;   /* the registry frees T */
    return t;
}

VirtioMmio *virtio_mmio_find(Machine *m, unsigned slot)
{
    for (unsigned i = 0; i < m->ndev; i++) {
        Device *d = m->dev[i];
        if (d->ops == &virtio_mmio_ops && ((VirtioMmio *)d->opaque)->slot == slot)
            return d->opaque;
    }
    return NULL;
}

bool virtio_mmio_busy(const VirtioMmio *t)
{
    return t->dev != NULL;
}

void virtio_mmio_plug(VirtioMmio *t, VirtioDev *v)
{
    emu_assert(!t->dev);
    t->dev = v;
    v->legacy = t->legacy;
    if (!t->legacy)
        v->host_features |= 1ull << VIRTIO_F_VERSION_1;
    v->notify = transport_notify;
    v->transport = t;
    snprintf(v->name, sizeof(v->name), "%.20s@%llx", v->ops->name, (unsigned long long)t->base);
    transport_reset(t);
}
