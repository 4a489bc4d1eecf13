/*
 * devices/virtio/virtio_rng.c — virtio entropy device (virtio 1.2 §5.4):
 * every device-writable buffer of its one queue is filled from xoshiro256**
 * (Blackman and Vigna) seeded through splitmix64 from a fixed seed, so the
 * guest's "entropy" is the same on every run and host.
 */
#include <stdlib.h>

#include "devices/virtio/virtio_devices.h"

#define RNG_QUEUE_SIZE 8   /* QEMU's virtio-rng queue size */

typedef struct VirtioRng {
    VirtioDev vdev;   /* first: a VirtioDev * is a VirtioRng * */
    u64 seed;
    u64 s[4];         /* generator state */
} VirtioRng;

static u64 rotl(u64 x, int k)
{
    return x << k | x >> (64 - k);
}

static u64 next(VirtioRng *g)
{
    u64 *s = g->s;
    u64 r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static void seed_state(VirtioRng *g)
{
    u64 x = g->seed;
    for (int i = 0; i < 4; i++) {
        u64 z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        g->s[i] = z ^ (z >> 31);
    }
}

static void rng_notify(VirtioDev *v, unsigned q)
{
    VirtioRng *g = (VirtioRng *)v;
    VirtioReq *r = &v->req;
    while (virtio_pop(v, q) > 0) {
        for (unsigned i = r->nout; i < r->nout + r->nin; i++) {
            VirtioSeg *s = &r->seg[i];
            for (u32 k = 0; k < s->len; k += 8) {
                u64 x = next(g);
                for (u32 j = 0; j < 8 && k + j < s->len; j++)
                    s->host[k + j] = (u8)(x >> (8 * j));
            }
        }
        if (virtio_tracing(v))
            virtio_trace(v, "req %u: %llu bytes of entropy", r->head, (unsigned long long)r->in_len);
        virtio_push(v, q, (u32)(r->in_len > 0xffffffffu ? 0xffffffffu : r->in_len));
    }
}

/* The generator restarts from the seed at device reset, so what the guest
 * reads depends only on its own requests. */
static void rng_reset(VirtioDev *v)
{
    seed_state((VirtioRng *)v);
}

static void rng_save(VirtioDev *v, SaveBuf *b)
{
    VirtioRng *g = (VirtioRng *)v;
    save_u64(b, g->seed);
    for (int i = 0; i < 4; i++)
        save_u64(b, g->s[i]);
}

static bool rng_load(VirtioDev *v, LoadBuf *b)
{
    VirtioRng *g = (VirtioRng *)v;
    u64 s[4];
    if (load_u64(b) != g->seed)
        load_fail(b);
    for (int i = 0; i < 4; i++)
        s[i] = load_u64(b);
    if (b->bad || !(s[0] | s[1] | s[2] | s[3]))
        return false;
    for (int i = 0; i < 4; i++)
        g->s[i] = s[i];
    return true;
}

static void rng_destroy(VirtioDev *v)
{
    free(v);
}

static const VirtioDeviceOps rng_ops = {
    .name = "virtio-rng",
    .device_id = 4,
    .reset = rng_reset,
    .queue_notify = rng_notify,
    .save = rng_save,
    .load = rng_load,
    .destroy = rng_destroy,
};

VirtioDev *virtio_rng_create(Machine *m, u64 seed)
{
    VirtioRng *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    virtio_init(&g->vdev, m, &rng_ops, g, 1, RNG_QUEUE_SIZE, 0, 0);
    g->seed = seed;
    seed_state(g);
    return &g->vdev;
}
