/*
 * devices/device.h — the device registry: how a device model joins a
 * machine.
 *
 * A device is created by its own constructor (which takes the base
 * addresses and interrupt numbers the board hands it, never board
 * constants), registers itself once with machine_add_device() giving its
 * DeviceOps, maps its MMIO windows with device_map_mmio() and names the
 * interrupt lines it drives with device_add_irq().  From then on the
 * machine (machine/machine.c) owns its lifetime: reset, device-tree node,
 * save/load and destroy iterate the registry in registration order
 * (destroy in reverse).  The board file only lists which devices exist and
 * where.
 */
#ifndef EMU_DEVICES_DEVICE_H
#define EMU_DEVICES_DEVICE_H

#include "common/savebuf.h"
#include "devices/mmio.h"

#define HS_MAX_DEVICES 64
#define DEVICE_MAX_MMIO 8
#define DEVICE_MAX_IRQS 8

/* What a device needs to write its device-tree node (libfdt sequential-write
 * mode, inside the root node).  Interrupt specifiers are GIC three-cell
 * (Linux dt-bindings/interrupt-controller/arm-gic.h). */
typedef struct FdtCtx {
    u32 intc_phandle;      /* phandle of the interrupt controller node */
    u32 clk_phandle;       /* phandle of the 24 MHz APB clock (PrimeCells) */
    unsigned gic_version;  /* 2 or 3: GICv2 PPI specifiers carry a CPU mask */
    unsigned ncpu;         /* cores (GICv2 PPI CPU mask width) */
} FdtCtx;

/* Interrupt specifier cells (GIC binding). */
enum { FDT_GIC_SPI = 0, FDT_GIC_PPI = 1, FDT_IRQ_EDGE_RISING = 1, FDT_IRQ_LEVEL_HIGH = 4 };

/*
 * Operations of a device type.  Every pointer may be NULL (nothing to do).
 *   reset:   put the guest-visible state in its power-on value (machine
 *            reset, machine_reset_devices(); a constructor leaves the
 *            device in that state already).
 *   fdt_node: write the device's node(s) into FDT (libfdt sequential-write
 *            calls fdt_begin_node()..fdt_end_node()); return 0 or a negative
 *            libfdt error.
 *   save:    append every guest-visible field to B (not host resources such
 *            as file descriptors); the format is the device's own, versioned
 *            by VERSION.
 *   load:    read what save wrote (same VERSION) and make it current;
 *            return false (or set B->bad) on malformed input, leaving the
 *            device in some valid state.
 *   destroy: free everything the device allocated (host files closed).
 */
typedef struct DeviceOps {
    const char *type;     /* e.g. "pl011", "gicv3": save files name it */
    u32 version;          /* save format version of this type */
    void (*reset)(void *opaque);
    int (*fdt_node)(void *opaque, void *fdt, const FdtCtx *ctx);
    void (*save)(void *opaque, SaveBuf *b);
    bool (*load)(void *opaque, LoadBuf *b);
    void (*destroy)(void *opaque);
    /* msi:   a message-signalled interrupt doorbell inside one of the
     *        device's MMIO windows: a 32-bit write of DATA to physical
     *        address ADDR by the bus master with PCIe Requester ID RID
     *        (bus << 8 | device << 3 | function), which the doorbell may
     *        need (GITS_TRANSLATER, GIC spec IHI0069 12.19.5).  Returns
     *        false if the device rejects the write.  NULL: MSI writes to
     *        the device are plain MMIO writes. */
    bool (*msi)(void *opaque, u64 addr, u32 data, u32 rid);
} DeviceOps;

/* One registered device (owned by the machine). */
typedef struct Device {
    const DeviceOps *ops;
    void *opaque;
    char name[32];                 /* instance name, e.g. "pl011@9000000" */
    struct { u64 base, size; } mmio[DEVICE_MAX_MMIO];
    unsigned nmmio;
    u32 irq[DEVICE_MAX_IRQS];      /* GIC INTIDs the device drives */
    unsigned nirq;
} Device;

/* ---- registry (implemented in machine/machine.c) ---- */

/* Register device OPAQUE of type OPS under instance NAME (truncated to 31
 * bytes).  Returns the entry, or NULL (after logging) when the registry is
 * full; the caller then still owns OPAQUE. */
Device *machine_add_device(Machine *m, const DeviceOps *ops, void *opaque, const char *name);
/* Map an MMIO window of device D at BASE, SIZE bytes (phys_add_mmio); the
 * callbacks get D->opaque.  SECURE_ONLY: reachable from the Secure PA space
 * only.  Returns NULL after logging (overlap, too many windows). */
MemRegion *device_map_mmio(Machine *m, Device *d, const char *name, u64 base, u64 size,
                           MmioRead rd, MmioWrite wr, bool secure_only);
/* Note that D drives GIC interrupt INTID (for listings; wiring is IrqLine). */
void device_add_irq(Device *d, u32 intid);
/* First device of type TYPE, or NULL. */
Device *machine_find_device(Machine *m, const char *type);
/* Call every device's reset, in registration order. */
void machine_reset_devices(Machine *m);
/* Write every device's node; 0 or the first negative libfdt error. */
int machine_fdt_devices(Machine *m, void *fdt, const FdtCtx *ctx);
/* Save every device: for each, its type, version, byte length and state.
 * Returns false if B ran out of memory. */
bool machine_save_devices(Machine *m, SaveBuf *b);
/* Load what machine_save_devices() wrote into a machine with the same
 * devices in the same order.  False with a message in ERR on a different
 * device list, another version or malformed state. */
bool machine_load_devices(Machine *m, LoadBuf *b, char *err, size_t errlen);
/* Deliver a message-signalled interrupt: the 32-bit DMA write of DATA to
 * physical address ADDR by bus master RID (PCIe Requester ID).  If ADDR
 * lies in an MMIO window of a device with DeviceOps.msi, that receives it
 * with RID; otherwise it is an ordinary Non-secure physical write (MMIO
 * callbacks get a NULL Cpu, or RAM), as a DMA write on hardware.  Returns false if nothing accepted the write (no
 * memory there, or the doorbell rejected it). */
bool machine_msi_write(Machine *m, u64 addr, u32 data, u32 rid);
/* Destroy every device in reverse registration order and empty the registry. */
void machine_destroy_devices(Machine *m);

/* ---- device-tree helpers (devices/device.c) ---- */

/* "reg" with one <base size> pair (2 address cells, 2 size cells). */
int fdt_prop_reg(void *fdt, u64 base, u64 size);
/* "interrupts" with one SPI specifier <0 SPI FLAGS>. */
int fdt_prop_spi(void *fdt, u32 spi, u32 flags);
/* A property of N 32-bit cells. */
int fdt_prop_cells(void *fdt, const char *name, const u32 *v, unsigned n);
/* A property of N 64-bit values. */
int fdt_prop_u64s(void *fdt, const char *name, const u64 *v, unsigned n);

#endif
