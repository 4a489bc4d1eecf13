/*
 * devices/gic/gic.h — Arm Generic Interrupt Controller, architecture
 * versions 2 (IHI 0048B, with the Virtualization Extensions) and 3 (IHI 0069,
 * affinity routing, system-register CPU interface and ICH_* virtual CPU
 * interface; no LPIs/ITS).
 *
 * One Gic per machine (Machine.gic).  Devices drive its inputs through
 * IrqLine (gic_spi_line / gic_ppi_line); the GIC computes, per core, the
 * highest-priority pending interrupt and drives Cpu.irq_lines
 * (CPU_LINE_IRQ/FIQ for the physical CPU interface, CPU_LINE_VIRQ/VFIQ for the
 * virtual one), setting PEND_ASYNC on the core so exc_check_async() re-checks.
 */
#ifndef EMU_DEVICES_GIC_GIC_H
#define EMU_DEVICES_GIC_GIC_H

#include "devices/mmio.h"

typedef struct Gic Gic;

/* Create the GIC of architecture VERSION (2 or 3) for all of M's cores and
 * map its frames at the QEMU virt addresses: GICv2 distributor 0x08000000,
 * CPU interface 0x08010000, GICH 0x08030000, GICV 0x08040000; GICv3
 * distributor 0x08000000 and one redistributor per core at 0x080a0000 +
 * n * 0x20000.  SECURITY: the GIC implements the Security Extensions (two
 * security states), as QEMU virt does with secure=on.  Sets m->gic and, for
 * GICv3, m->gic_sysregs.  Returns false (after logging) on a bad version or
 * out of memory. */
bool gic_attach(Machine *m, int version, bool security);
/* Free M's GIC (virt_destroy); safe if gic_attach() failed. */
void gic_free(Machine *m);

/* The input line of shared peripheral interrupt SPI (INTID 32 + SPI). */
IrqLine gic_spi_line(Machine *m, unsigned spi);
/* The input line of private peripheral interrupt INTID (16..31) of core CPU. */
IrqLine gic_ppi_line(Machine *m, unsigned cpu, unsigned intid);

/* Drive input INTID (>= 32: SPI; < 32: PPI of core CPU) to LEVEL. */
void gic_set_input(Gic *g, unsigned cpu, unsigned intid, bool level);

/* Recompute the interrupt lines of core CPU (after an EL/security change). */
void gic_update_cpu(Gic *g, unsigned cpu);

/* Sysreg table of the GICv3 CPU interface (ICC_*, ICH_*), in sysreg_tables[]. */
struct SysRegTable;
extern const struct SysRegTable sysregs_gicv3;

#endif
