/*
 * devices/virtio/virtio_mmio.h — the virtio-mmio transport (virtio 1.2
 * §4.2): one 0x200-byte register window and one interrupt per transport,
 * version 2 ("modern") or version 1 ("legacy", §4.2.4: GuestPageSize,
 * QueuePFN, QueueAlign).  A transport with no device plugged answers as
 * QEMU's does: MagicValue, Version and VendorID, every other register 0
 * (DeviceID 0: no driver claims it).
 */
#ifndef EMU_DEVICES_VIRTIO_VIRTIO_MMIO_H
#define EMU_DEVICES_VIRTIO_VIRTIO_MMIO_H

#include "devices/virtio/virtio.h"

#define VIRTIO_MMIO_SIZE 0x200

typedef struct VirtioMmio VirtioMmio;

/* Create transport number SLOT (for bus=virtio-mmio-bus.SLOT) at BASE
 * driving GIC SPI (interrupt IRQ, edge-triggered in the DT as QEMU's) and
 * register it ("virtio_mmio@BASE").  LEGACY: present version 1 (QEMU 7.2's
 * force-legacy=true default).  NULL after logging on failure. */
VirtioMmio *virtio_mmio_create(Machine *m, unsigned slot, u64 base, u32 spi, IrqLine irq, bool legacy);
/* Transport number SLOT of machine M, or NULL. */
VirtioMmio *virtio_mmio_find(Machine *m, unsigned slot);
/* Is a device plugged into T? */
bool virtio_mmio_busy(const VirtioMmio *t);
/* Plug device V (initialised with virtio_init) into the empty transport T,
 * which owns it from then on (V->ops->destroy at teardown). */
void virtio_mmio_plug(VirtioMmio *t, VirtioDev *v);

#endif
