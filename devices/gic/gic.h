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

#include "devices/device.h"

typedef struct Gic Gic;

/* Where and what the board wants (QEMU virt: distributor 0x08000000, GICv2
 * CPU interface 0x08010000, GICH 0x08030000, GICV 0x08040000, GICv3
 * redistributors 0x080a0000 + n * 0x20000). */
typedef struct GicConfig {
    int version;            /* 2 or 3 */
    bool security;          /* Security Extensions: two security states (secure=on) */
    bool virtualization;    /* describe GICH/GICV and the maintenance interrupt in the DTB */
    u64 dist_base;          /* GICD, 64 KiB */
    u64 cpu_base, hyp_base, vcpu_base;   /* GICv2: GICC, GICH, GICV, 64 KiB each */
    u64 redist_base;        /* GICv3: one 128 KiB redistributor frame pair per core */
    u64 redist_size;        /* GICv3: the redistributor region the DT describes (0: the cores' frames) */
} GicConfig;

/* Create the GIC described by CFG for all of M's cores, map its frames and
 * register it (devices/device.h; type "gicv2"/"gicv3", with its
 * interrupt-controller node).  Sets m->gic, m->gic_sysregs (GICv3), adds
 * the ICC_* and ICH_* system registers and installs MachineHooks.irq_refresh
 * (and async_refresh for a GICv3 with two security states).  Returns false
 * (after logging) on a bad version, too many cores or out of memory. */
bool gic_create(Machine *m, const GicConfig *cfg);

/* The input line of shared peripheral interrupt SPI (INTID 32 + SPI). */
IrqLine gic_spi_line(Machine *m, unsigned spi);
/* The input line of private peripheral interrupt INTID (16..31) of core CPU. */
IrqLine gic_ppi_line(Machine *m, unsigned cpu, unsigned intid);

/* Drive input INTID (>= 32: SPI; < 32: PPI of core CPU) to LEVEL. */
void gic_set_input(Gic *g, unsigned cpu, unsigned intid, bool level);

/* Recompute the interrupt lines of core CPU (after an EL/security change). */
void gic_update_cpu(Gic *g, unsigned cpu);

/* Sysreg table of the GICv3 CPU interface (ICC_*, ICH_*), added by gic_create(). */
struct SysRegTable;
extern const struct SysRegTable sysregs_gicv3;

/* ---- save / load ---- */

#include "common/savebuf.h"

/* Save format version of gic_save()/gic_load() (DeviceOps.version). */
#define GIC_SAVE_VERSION 1

/* Append the guest-visible state of G to B, in format GIC_SAVE_VERSION
 * (little-endian, see savebuf.h):
 *   configuration: architecture version (2/3), Security Extensions, number
 *     of cores, INTIDs implemented, list registers — gic_load() refuses a
 *     GIC built differently;
 *   distributor: GICD_CTLR group enables; per SPI its priority, group,
 *     group modifier, enable, pending latch, input level, active, edge/level
 *     configuration, GICv2 ITARGETSR byte and GICv3 GICD_IROUTER;
 *   per core: the same for its SGIs and PPIs, GICv2 pending SGI sources and
 *     last acknowledged SGI sources, GICR_WAKER; CPU interface priority
 *     mask, binary points, group enables (Non-secure and Secure Group 1),
 *     EOImode, AckCtl, FIQEn, CBPR, active priorities (APR), ICC_CTLR_EL3 /
 *     GICC_CTLR, ICC_SRE_EL1/EL2/EL3; virtual interface ICH_HCR_EL2,
 *     ICH_VMCR_EL2, ICH_LR<n>_EL2 and ICH_AP0R0/AP1R0_EL2.
 * Not saved: the lines the GIC drives into the cores and the maintenance
 * output, which gic_load() recomputes. */
void gic_save(Gic *g, SaveBuf *b);
/* Read one record written by gic_save() from B and make it G's state, then
 * recompute and drive every core's interrupt lines.  Returns false, leaving
 * G unchanged and setting B->bad, when the record is truncated, was saved
 * from a GIC with another architecture version, security setting, number
 * of cores, INTIDs or list registers, or holds a value the registers could
 * never hold (unknown bits, a binary point below its minimum, a GICR_WAKER
 * or ICC_SRE value the model cannot produce...), or when memory runs out.
 * Bytes after the record are left for the caller. */
bool gic_load(Gic *g, LoadBuf *b);

#endif
