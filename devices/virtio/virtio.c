/*
 * devices/virtio/virtio.c — the transport-independent virtio core: feature
 * negotiation, status, configuration space and split virtqueues (virtio 1.2
 * §2.1-§2.7).  See virtio.h for the rules on guest memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "devices/virtio/virtio.h"
#include "trace/trace.h"

/* ---- guest memory ---- */

u8 *virtio_ram(Machine *m, u64 pa, u64 len, bool write)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (!r->host || r->secure_only || pa - r->base >= r->size)
            continue;
        u64 off = pa - r->base;
        if (len > r->size - off || (write && r->readonly))
            return NULL;
        return r->host + off;
    }
    return NULL;
}

void virtio_ram_dirty(Machine *m, u64 pa, u64 len)
{
    if (!len)
        return;
    MemRegion *r = phys_find(m, pa);
    if (!r || !r->host || len > r->size - (pa - r->base))
        return;
    for (u64 a = pa & ~0xfffull; a < pa + len; a += 4096)
        phys_mark_dirty(r, a);
}

static inline u16 ld16(const u8 *p)
{
    return (u16)(p[0] | p[1] << 8);
}

static inline u32 ld32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u64 ld64(const u8 *p)
{
    return ld32(p) | (u64)ld32(p + 4) << 32;
}

static inline void st16(u8 *p, u16 v)
{
    p[0] = (u8)v;
    p[1] = (u8)(v >> 8);
}

static inline void st32(u8 *p, u32 v)
{
    st16(p, (u16)v);
    st16(p + 2, (u16)(v >> 16));
}

/* ---- traces and errors ---- */

static void vtrace(const VirtioDev *v, const char *fmt, va_list ap)
{
    FILE *f = trace_out(v->m);
    if (v->m->current)
        trace_prefix(v->m->current);
    fprintf(f, "virtio %s: ", v->name);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

void virtio_trace(const VirtioDev *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vtrace(v, fmt, ap);
    va_end(ap);
}

void virtio_error(VirtioDev *v, const char *fmt, ...)
{
    if (virtio_tracing(v)) {
        char buf[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        virtio_trace(v, "error: %s; device needs reset", buf);
    }
    v->broken = true;
    if (!v->legacy) {
        v->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        if (v->notify)
            v->notify(v->transport, VIRTIO_ISR_CONFIG);
    }
}

/* ---- life cycle, status, features, config ---- */

void virtio_init(VirtioDev *v, Machine *m, const VirtioDeviceOps *ops, void *opaque, unsigned nq,
                 u16 qmax, u64 features, u32 config_len)
{
    emu_assert(nq <= VIRTIO_MAX_QUEUES && qmax <= VIRTIO_QUEUE_MAX && config_len <= VIRTIO_CONFIG_MAX);
    memset(v, 0, sizeof(*v));
    v->m = m;
    v->ops = ops;
    v->opaque = opaque;
    v->nvq = nq;
    for (unsigned i = 0; i < nq; i++)
        v->vq[i].num_max = qmax;
    v->host_features = features | 1ull << VIRTIO_RING_F_INDIRECT_DESC | 1ull << VIRTIO_RING_F_EVENT_IDX;
    v->config_len = config_len;
    snprintf(v->name, sizeof(v->name), "%s", ops->name);
}

void virtio_queue_reset(VirtioDev *v, unsigned q)
{
    VirtQueue *vq = &v->vq[q];
    u16 max = vq->num_max;
    memset(vq, 0, sizeof(*vq));
    vq->num_max = max;
    vq->num = max;   /* QueueNum reads the maximum until the driver sets it (as QEMU) */
}

void virtio_reset(VirtioDev *v)
{
    v->status = 0;
    v->guest_features = 0;
    v->broken = false;
    for (unsigned i = 0; i < v->nvq; i++)
        virtio_queue_reset(v, i);
    if (v->ops->reset)
        v->ops->reset(v);
}

void virtio_set_status(VirtioDev *v, u8 status)
{
    if (virtio_tracing(v))
        virtio_trace(v, "status %#x -> %#x", v->status, status);
    if (status == 0) {
        virtio_reset(v);
        return;
    }
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) && !(v->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        bool ok = !(v->guest_features & ~v->host_features);
        if (!v->legacy && !virtio_has(v, VIRTIO_F_VERSION_1))
            ok = false;
        if (!ok) {
            status &= (u8)~VIRTIO_CONFIG_S_FEATURES_OK;
            if (virtio_tracing(v))
                virtio_trace(v, "features %#llx refused (offered %#llx)",
                             (unsigned long long)v->guest_features, (unsigned long long)v->host_features);
        }
    }
    v->status = (u8)(status | (v->status & VIRTIO_CONFIG_S_NEEDS_RESET));
}

u64 virtio_config_read(const VirtioDev *v, u32 off, unsigned size)
{
    u64 val = 0;
    for (unsigned i = 0; i < size; i++)
        if (off + i < v->config_len)
            val |= (u64)v->config[off + i] << (8 * i);
    return val;
}

void virtio_config_write(VirtioDev *v, u32 off, unsigned size, u64 val)
{
    if (off >= v->config_len || size > v->config_len - off)
        return;
    if (v->ops->config_write)
        v->ops->config_write(v, off, size, val);
}

/* ---- queues ---- */

static u64 desc_bytes(u16 num) { return 16ull * num; }
static u64 avail_bytes(u16 num) { return 6 + 2ull * num; }
static u64 used_bytes(u16 num) { return 6 + 8ull * num; }

bool virtio_queue_check(VirtioDev *v, unsigned q)
{
    VirtQueue *vq = &v->vq[q];
    if (vq->num == 0 || vq->num > vq->num_max) {
        virtio_error(v, "queue %u: size %u not in 1..%u", q, vq->num, vq->num_max);
        return false;
    }
    if (!virtio_ram(v->m, vq->desc, desc_bytes(vq->num), false) ||
        !virtio_ram(v->m, vq->avail, avail_bytes(vq->num), false) ||
        !virtio_ram(v->m, vq->used, used_bytes(vq->num), true)) {
        virtio_error(v, "queue %u: rings desc=%#llx avail=%#llx used=%#llx (size %u) not in guest RAM", q,
                     (unsigned long long)vq->desc, (unsigned long long)vq->avail,
                     (unsigned long long)vq->used, vq->num);
        return false;
    }
    return true;
}

void virtio_queue_kick(VirtioDev *v, unsigned q)
{
    if (virtio_tracing(v))
        virtio_trace(v, "notify queue %u", q);
    if (q >= v->nvq || !v->vq[q].num_max) {
        if (virtio_tracing(v))
            virtio_trace(v, "notify of queue %u, which does not exist: ignored", q);
        return;
    }
    if (v->broken || !v->vq[q].ready)
        return;
    v->ops->queue_notify(v, q);
}

int virtio_pop(VirtioDev *v, unsigned q)
{
    VirtQueue *vq = &v->vq[q];
    VirtioReq *r = &v->req;
    Machine *m = v->m;
    u16 num = vq->num;
    if (v->broken || !vq->ready || num == 0)
        return 0;
    const u8 *av = virtio_ram(m, vq->avail, avail_bytes(num), false);
    if (!av) {
        virtio_error(v, "queue %u: driver ring %#llx outside RAM", q, (unsigned long long)vq->avail);
        return -1;
    }
    u16 avail_idx = ld16(av + 2);
    u16 pending = (u16)(avail_idx - vq->last_avail);
    if (pending == 0)
        return 0;
    if (pending > num) {
        virtio_error(v, "queue %u: avail idx %u is %u ahead of %u (queue size %u)", q, avail_idx, pending,
                     vq->last_avail, num);
        return -1;
    }
    u16 head = ld16(av + 4 + 2u * (vq->last_avail % num));
    vq->last_avail++;
    if (virtio_has(v, VIRTIO_RING_F_EVENT_IDX)) {
        /* avail_event (§2.7.10): notify us when this entry is passed. */
        u8 *used = virtio_ram(m, vq->used, used_bytes(num), true);
        if (used) {
            st16(used + 4 + 8u * num, vq->last_avail);
            virtio_ram_dirty(m, vq->used + 4 + 8u * num, 2);
        }
    }

    r->head = head;
    r->nout = r->nin = 0;
    r->out_len = r->in_len = 0;
    if (head >= num) {
        virtio_error(v, "queue %u: head descriptor %u >= queue size %u", q, head, num);
        return -1;
    }
    u64 table = vq->desc;
    u32 tnum = num;
    u32 idx = head;
    u32 count = 0;
    bool indirect = false;
    for (;;) {
        if (++count > tnum) {
            virtio_error(v, "queue %u: descriptor chain from %u loops or exceeds %u descriptors", q, head, tnum);
            return -1;
        }
        const u8 *d = virtio_ram(m, table + 16ull * idx, 16, false);
        if (!d) {
            virtio_error(v, "queue %u: descriptor %u at %#llx outside RAM", q, idx,
                         (unsigned long long)(table + 16ull * idx));
            return -1;
        }
        u64 addr = ld64(d);
        u32 len = ld32(d + 8);
        u16 flags = ld16(d + 12);
        u16 next = ld16(d + 14);
        if (flags & VIRTQ_DESC_F_INDIRECT) {
            if (!virtio_has(v, VIRTIO_RING_F_INDIRECT_DESC) || indirect || (flags & VIRTQ_DESC_F_NEXT) ||
                len == 0 || len % 16 || len / 16 > VIRTIO_QUEUE_MAX) {
                virtio_error(v, "queue %u: bad indirect descriptor %u (flags %#x, len %u%s)", q, idx, flags,
                             len, indirect ? ", inside an indirect table" : "");
                return -1;
            }
            if (!virtio_ram(m, addr, len, false)) {
                virtio_error(v, "queue %u: indirect table %#llx+%u outside RAM", q, (unsigned long long)addr, len);
                return -1;
            }
            table = addr;
            tnum = len / 16;
            idx = 0;
            count = 0;
            indirect = true;
            continue;
        }
        bool wr = flags & VIRTQ_DESC_F_WRITE;
        if (!wr && r->nin) {
            virtio_error(v, "queue %u: device-readable descriptor %u after a writable one", q, idx);
            return -1;
        }
        if (len) {
            u8 *host = virtio_ram(m, addr, len, wr);
            if (!host) {
                virtio_error(v, "queue %u: buffer %#llx+%u of descriptor %u outside RAM", q,
                             (unsigned long long)addr, len, idx);
                return -1;
            }
            if (r->nout + r->nin >= VIRTIO_QUEUE_MAX) {
                virtio_error(v, "queue %u: chain from %u has more than %u buffers", q, head, VIRTIO_QUEUE_MAX);
                return -1;
            }
            r->seg[r->nout + r->nin] = (VirtioSeg){host, addr, len};
            if (wr) {
                r->nin++;
                r->in_len += len;
            } else {
                r->nout++;
                r->out_len += len;
            }
        }
        if (!(flags & VIRTQ_DESC_F_NEXT))
            return 1;
        idx = next;
        if (idx >= tnum) {
            virtio_error(v, "queue %u: next descriptor %u >= table size %u", q, idx, tnum);
            return -1;
        }
    }
}

/* §2.7.10: interrupt if the used index passed used_event since OLD. */
static bool need_event(u16 event, u16 new_idx, u16 old)
{
    return (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

void virtio_push(VirtioDev *v, unsigned q, u32 len)
{
    VirtQueue *vq = &v->vq[q];
    VirtioReq *r = &v->req;
    Machine *m = v->m;
    u16 num = vq->num;
    u8 *used = virtio_ram(m, vq->used, used_bytes(num), true);
    const u8 *av = virtio_ram(m, vq->avail, avail_bytes(num), false);
    if (!used || !av) {
        virtio_error(v, "queue %u: rings outside RAM", q);
        return;
    }
    if (len > r->in_len)
        len = (u32)r->in_len;
    /* What the device wrote is guest-visible memory: digests must see it. */
    u64 left = len;
    for (unsigned i = r->nout; i < r->nout + r->nin && left; i++) {
        u64 n = r->seg[i].len < left ? r->seg[i].len : left;
        virtio_ram_dirty(m, r->seg[i].pa, n);
        left -= n;
    }
    u16 old = vq->used_idx;
    u8 *e = used + 4 + 8u * (old % num);
    st32(e, r->head);
    st32(e + 4, len);
    vq->used_idx = (u16)(old + 1);
    st16(used + 2, vq->used_idx);
    virtio_ram_dirty(m, vq->used, used_bytes(num));

    bool irq;
    if (virtio_has(v, VIRTIO_RING_F_EVENT_IDX)) {
        /* Did the used index pass used_event since the last check? */
        u16 event = ld16(av + 4 + 2u * num);
        irq = !vq->signalled_valid || need_event(event, vq->used_idx, vq->signalled_used);
        vq->signalled_used = vq->used_idx;
        vq->signalled_valid = true;
    } else {
        irq = !(ld16(av) & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    if (irq) {
        if (v->notify)
            v->notify(v->transport, VIRTIO_ISR_QUEUE);
    }
}

u64 virtio_req_read(const VirtioReq *r, u64 off, void *buf, u64 len)
{
    u8 *p = buf;
    u64 done = 0;
    for (unsigned i = 0; i < r->nout && done < len; i++) {
        const VirtioSeg *s = &r->seg[i];
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        u64 n = s->len - off < len - done ? s->len - off : len - done;
        memcpy(p + done, s->host + off, n);
        done += n;
        off = 0;
    }
    return done;
}

u64 virtio_req_write(const VirtioReq *r, u64 off, const void *buf, u64 len)
{
    const u8 *p = buf;
    u64 done = 0;
    for (unsigned i = r->nout; i < r->nout + r->nin && done < len; i++) {
        const VirtioSeg *s = &r->seg[i];
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        u64 n = s->len - off < len - done ? s->len - off : len - done;
        memcpy(s->host + off, p + done, n);
        done += n;
        off = 0;
    }
    return done;
}

/* ---- save / load ---- */

void virtio_save(const VirtioDev *v, SaveBuf *b)
{
    save_u32(b, v->ops->device_id);
    save_u64(b, v->host_features);
    save_u64(b, v->guest_features);
    save_u8(b, v->status);
    save_bool(b, v->legacy);
    save_bool(b, v->broken);
    save_u32(b, v->config_generation);
    save_u32(b, v->config_len);
    save_bytes(b, v->config, v->config_len);
    save_u32(b, v->nvq);
    for (unsigned i = 0; i < v->nvq; i++) {
        const VirtQueue *q = &v->vq[i];
        save_u16(b, q->num_max);
        save_u16(b, q->num);
        save_bool(b, q->ready);
        save_u64(b, q->desc);
        save_u64(b, q->avail);
        save_u64(b, q->used);
        save_u16(b, q->last_avail);
        save_u16(b, q->used_idx);
        save_u16(b, q->signalled_used);
        save_bool(b, q->signalled_valid);
    }
}

bool virtio_load(VirtioDev *v, LoadBuf *b)
{
    VirtQueue vq[VIRTIO_MAX_QUEUES];
    u8 config[VIRTIO_CONFIG_MAX];
    memcpy(vq, v->vq, sizeof(vq));
    if (load_u32(b) != v->ops->device_id || load_u64(b) != v->host_features)
        load_fail(b);
    u64 guest_features = load_u64(b);
    u8 status = load_u8(b);
    bool legacy = load_bool(b);
    bool broken = load_bool(b);
    u32 generation = load_u32(b);
    if (load_u32(b) != v->config_len || legacy != v->legacy)
        load_fail(b);
    load_bytes(b, config, b->bad ? 0 : v->config_len);
    if (load_u32(b) != v->nvq)
        load_fail(b);
    for (unsigned i = 0; i < v->nvq && !b->bad; i++) {
        VirtQueue *q = &vq[i];
        if (load_u16(b) != q->num_max)
            load_fail(b);
        q->num = load_u16(b);
        q->ready = load_bool(b);
        q->desc = load_u64(b);
        q->avail = load_u64(b);
        q->used = load_u64(b);
        q->last_avail = load_u16(b);
        q->used_idx = load_u16(b);
        q->signalled_used = load_u16(b);
        q->signalled_valid = load_bool(b);
        if (q->num > q->num_max || (q->ready && q->num == 0))
            load_fail(b);
    }
    if (b->bad)
        return false;
    v->guest_features = guest_features;
    v->status = status;
    v->broken = broken;
    v->config_generation = generation;
    memcpy(v->config, config, v->config_len);
    memcpy(v->vq, vq, sizeof(vq));
    return true;
}
