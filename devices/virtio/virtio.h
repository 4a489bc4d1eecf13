/*
 * devices/virtio/virtio.h — the transport-independent virtio core (virtio
 * 1.2, OASIS csd01): feature bits, device status, configuration space and
 * split virtqueues (§2.7).  A device model (virtio_blk.c, virtio_rng.c)
 * fills a VirtioDev and handles its queues; a transport (virtio_mmio.c,
 * later PCI) exposes the VirtioDev's registers to the guest and delivers its
 * interrupts through VirtioDev.notify.
 *
 * Guest memory: every guest address and length (ring addresses, descriptor
 * addresses, indirect tables) is checked against the machine's non-secure
 * RAM before use, through virtio_ram(); a descriptor chain is bounded by the
 * queue size.  A malformed ring or chain makes the device "broken"
 * (virtio_error(): DEVICE_NEEDS_RESET, a configuration-change interrupt and
 * a --trace virtio line); nothing is accessed outside guest RAM.
 *
 * Everything runs synchronously on the core that writes QueueNotify: no
 * threads, no host timing, so a run is deterministic.
 */
#ifndef EMU_DEVICES_VIRTIO_VIRTIO_H
#define EMU_DEVICES_VIRTIO_VIRTIO_H

#include "common/savebuf.h"
#include "devices/mmio.h"

/* Device status bits (§2.1). */
enum {
    VIRTIO_CONFIG_S_ACKNOWLEDGE = 1,
    VIRTIO_CONFIG_S_DRIVER = 2,
    VIRTIO_CONFIG_S_DRIVER_OK = 4,
    VIRTIO_CONFIG_S_FEATURES_OK = 8,
    VIRTIO_CONFIG_S_NEEDS_RESET = 0x40,
    VIRTIO_CONFIG_S_FAILED = 0x80,
};

/* Reserved feature bits (§6). */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

/* Split virtqueue descriptor flags (§2.7.5) and ring flags (§2.7.6/8). */
enum {
    VIRTQ_DESC_F_NEXT = 1,
    VIRTQ_DESC_F_WRITE = 2,
    VIRTQ_DESC_F_INDIRECT = 4,
    VIRTQ_AVAIL_F_NO_INTERRUPT = 1,
    VIRTQ_USED_F_NO_NOTIFY = 1,
};

/* Interrupt status bits a transport reports (virtio-mmio InterruptStatus,
 * §4.2.2; PCI ISR status, §4.1.4.5). */
enum { VIRTIO_ISR_QUEUE = 1, VIRTIO_ISR_CONFIG = 2 };

#define VIRTIO_MAX_QUEUES 4
/* Largest queue size a device may offer (QEMU's VIRTQUEUE_MAX_SIZE). */
#define VIRTIO_QUEUE_MAX 1024
/* Bytes of device configuration space a device may have. */
#define VIRTIO_CONFIG_MAX 64

/* One split virtqueue (§2.7): guest physical addresses of its three parts
 * and the device's position in them. */
typedef struct VirtQueue {
    u16 num_max;           /* QueueNumMax: 0 = this queue does not exist */
    u16 num;               /* QueueNum (driver's queue size) */
    bool ready;            /* QueueReady (modern) / QueuePFN != 0 (legacy) */
    u64 desc, avail, used; /* guest PAs of the descriptor table, driver and device rings */
    u16 last_avail;        /* next avail ring entry the device takes */
    u16 used_idx;          /* used ring idx the device publishes next */
    u16 signalled_used;    /* used idx at the last interrupt decision (EVENT_IDX) */
    bool signalled_valid;  /* signalled_used is meaningful */
} VirtQueue;

/* One guest buffer of a request, already checked to lie inside guest RAM. */
typedef struct VirtioSeg {
    u8 *host;       /* host pointer to the guest bytes */
    u64 pa;         /* guest physical address */
    u32 len;        /* bytes */
} VirtioSeg;

/* A descriptor chain taken from a queue (virtio_pop): its device-readable
 * ("out") segments first, then its device-writable ("in") segments, as
 * §2.7.4.2 requires. */
typedef struct VirtioReq {
    u16 head;                    /* head descriptor index (used ring id) */
    unsigned nout, nin;          /* seg[0..nout) out, seg[nout..nout+nin) in */
    u64 out_len, in_len;         /* byte totals */
    VirtioSeg seg[VIRTIO_QUEUE_MAX];
} VirtioReq;

typedef struct VirtioDev VirtioDev;

/*
 * A device model (virtio spec chapter 5).  Every pointer but queue_notify
 * may be NULL.
 *   reset:        device-specific state to its reset value (the core has
 *                 already reset status, features and queues).
 *   queue_notify: the driver made buffers available in queue Q (always a
 *                 queue with num_max != 0, ready, device not broken).
 *   config_write: a driver write of SIZE bytes at OFF of the configuration
 *                 space (the core has bounds-checked it); config reads come
 *                 straight from VirtioDev.config.
 *   save/load:    device-specific state after the core's; load returns
 *                 false on a malformed buffer.
 *   destroy:      free OPAQUE and host resources.
 */
typedef struct VirtioDeviceOps {
    const char *name;        /* QEMU's driver name, e.g. "virtio-blk-device" */
    u32 device_id;           /* §5: 1 network, 2 block, 4 entropy, ... */
    void (*reset)(VirtioDev *v);
    void (*queue_notify)(VirtioDev *v, unsigned q);
    void (*config_write)(VirtioDev *v, u32 off, unsigned size, u64 val);
    void (*save)(VirtioDev *v, SaveBuf *b);
    bool (*load)(VirtioDev *v, LoadBuf *b);
    void (*destroy)(VirtioDev *v);
} VirtioDeviceOps;

struct VirtioDev {
    const VirtioDeviceOps *ops;
    void *opaque;                /* the device model's state */
    Machine *m;
    char name[40];               /* for traces: "virtio-blk@a003e00" */

    /* Features (§2.2): what the device offers (VERSION_1 added by the
     * transport for a modern interface) and what the driver accepted. */
    u64 host_features;
    u64 guest_features;
    u8 status;
    bool legacy;                 /* legacy interface (no VERSION_1) */
    bool broken;                 /* a malformed ring was seen: queues stop until reset */
    u32 config_generation;
    u8 config[VIRTIO_CONFIG_MAX];
    u32 config_len;

    VirtQueue vq[VIRTIO_MAX_QUEUES];
    unsigned nvq;

    /* Transport interrupt: raise interrupt status bits ISR (VIRTIO_ISR_*). */
    void (*notify)(void *transport, u32 isr);
    void *transport;

    VirtioReq req;               /* scratch for the request being served */
};

/* Initialise V for device model OPS with state OPAQUE on machine M: NQ
 * queues of at most QMAX entries each (QMAX <= VIRTIO_QUEUE_MAX, NQ <=
 * VIRTIO_MAX_QUEUES), device-specific features FEATURES (INDIRECT_DESC and
 * EVENT_IDX are added), CONFIG_LEN bytes of configuration space. */
void virtio_init(VirtioDev *v, Machine *m, const VirtioDeviceOps *ops, void *opaque, unsigned nq,
                 u16 qmax, u64 features, u32 config_len);
/* Device reset (§2.4): status, features, queues and the device's own
 * state; the transport clears its interrupt status itself. */
void virtio_reset(VirtioDev *v);
/* Reset queue Q only (VIRTIO_F_RING_RESET semantics, virtio-mmio QueueReset). */
void virtio_queue_reset(VirtioDev *v, unsigned q);
/* Driver writes the device status (§2.1, §3.1.1): 0 resets; FEATURES_OK is
 * kept only if the accepted features are a subset of the offered ones (and,
 * on a modern device, include VERSION_1). */
void virtio_set_status(VirtioDev *v, u8 status);
/* Does the driver use feature BIT? */
static inline bool virtio_has(const VirtioDev *v, unsigned bit)
{
    return (v->guest_features >> bit) & 1;
}
/* Read SIZE (1, 2, 4 or 8) bytes of configuration space at OFF; bytes past
 * config_len read as 0. */
u64 virtio_config_read(const VirtioDev *v, u32 off, unsigned size);
/* Driver write to configuration space; ignored past config_len. */
void virtio_config_write(VirtioDev *v, u32 off, unsigned size, u64 val);

/* The driver notified queue Q (QueueNotify): traces it and calls the
 * device's queue_notify unless Q does not exist, is not ready or the device
 * is broken. */
void virtio_queue_kick(VirtioDev *v, unsigned q);
/* Check queue Q's ring addresses against guest RAM (called when the driver
 * enables it).  False (and virtio_error) if a ring lies outside RAM. */
bool virtio_queue_check(VirtioDev *v, unsigned q);

/* Take the next available chain of queue Q into v->req.  Returns 1 with a
 * request, 0 when the queue is empty, -1 on a malformed ring or chain (the
 * device is then broken, see virtio_error). */
int virtio_pop(VirtioDev *v, unsigned q);
/* Return v->req to queue Q's used ring with LEN bytes written by the
 * device, and interrupt the driver unless it suppressed that
 * (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX, §2.7.7/10). */
void virtio_push(VirtioDev *v, unsigned q, u32 len);

/* Copy LEN bytes from offset OFF of the request's out data into BUF;
 * returns the bytes copied (fewer when the out data is shorter). */
u64 virtio_req_read(const VirtioReq *r, u64 off, void *buf, u64 len);
/* Copy LEN bytes from BUF to offset OFF of the request's in data; returns
 * the bytes copied. */
u64 virtio_req_write(const VirtioReq *r, u64 off, const void *buf, u64 len);

/* The device found a malformed ring/chain: mark it broken, set
 * DEVICE_NEEDS_RESET (modern), raise a configuration-change interrupt and
 * write a --trace virtio line WHY (printf). */
void virtio_error(VirtioDev *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* A --trace virtio line about V (printf); callers test m->trace first. */
void virtio_trace(const VirtioDev *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
static inline bool virtio_tracing(const VirtioDev *v)
{
    return unlikely(HS_TRACE_ON && (v->m->trace & TRACE_VIRTIO));
}

/* Host pointer to the LEN guest bytes at PA when they lie in one
 * non-secure RAM region (writable if WRITE), else NULL.  LEN 0 is allowed
 * (PA must still be inside RAM).  The only way the core and devices reach
 * guest memory. */
u8 *virtio_ram(Machine *m, u64 pa, u64 len, bool write);
/* Mark LEN bytes of RAM at PA as written (for determinism digests). */
void virtio_ram_dirty(Machine *m, u64 pa, u64 len);

/* Save/load the core state (status, features, config, queues); the device
 * model's own state follows through its ops. */
void virtio_save(const VirtioDev *v, SaveBuf *b);
bool virtio_load(VirtioDev *v, LoadBuf *b);

#endif
