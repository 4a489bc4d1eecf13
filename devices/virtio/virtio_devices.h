/*
 * devices/virtio/virtio_devices.h — the virtio device models (virtio 1.2
 * chapter 5), independent of the transport that carries them: each
 * constructor returns an initialised VirtioDev for a transport to plug in
 * (virtio_mmio_plug) and which that transport then owns.
 */
#ifndef EMU_DEVICES_VIRTIO_VIRTIO_DEVICES_H
#define EMU_DEVICES_VIRTIO_VIRTIO_DEVICES_H

#include "devices/virtio/virtio.h"

/* virtio-blk (§5.2): a raw image FILE. */
typedef struct VirtioBlkConfig {
    const char *file;
    bool readonly;      /* VIRTIO_BLK_F_RO; OUT requests fail with IOERR */
    bool snapshot;      /* writes kept in memory (copy-on-write sector map), file untouched */
    bool no_flush;      /* cache=unsafe: FLUSH succeeds without fdatasync */
    const char *serial; /* VIRTIO_BLK_T_GET_ID answer (at most 20 bytes), NULL: empty */
} VirtioBlkConfig;

/* Open the image and build the device (capacity = file size / 512).  NULL
 * with a message in ERR when the file cannot be opened or sized. */
VirtioDev *virtio_blk_create(Machine *m, const VirtioBlkConfig *c, char *err, size_t errlen);

/* virtio-rng (§5.4): bytes from a deterministic generator (xoshiro256**)
 * seeded with SEED, so a run gives the guest the same entropy every time. */
VirtioDev *virtio_rng_create(Machine *m, u64 seed);
/* The default seed of virtio-rng-device. */
#define VIRTIO_RNG_DEFAULT_SEED 0x6879706572737465ull

#endif
