/*
 * devices/pctl/pctl.h — power controller for guests that own EL3
 * (-M virt,secure=on / -bios): a model of the Arm FVP Base platform power
 * controller ("V2M-P1 power controller", FVP Reference Guide; register
 * names as in TF-A plat/arm/board/fvp/fvp_pwrc.h).  Every register takes an
 * MPIDR value (Aff2..Aff0 in bits [23:0]):
 *
 *   0x00 PPOFFR  W  processor power-off request: the core powers off the
 *                   next time it executes WFI (cancelled by PPONR)
 *   0x04 PPONR   W  processor power-on: an off core starts from reset in
 *                   EL3 at the reset address (PSYSR.WK = 0b10): the boot
 *                   image's entry, as QEMU virt starts its secondaries
 *                   (RVBAR_EL3 itself reads 0, as in QEMU)
 *   0x08 PCOFFR  W  cluster power-off request: the cluster (Aff1) reports
 *                   off in PSYSR.AFF_L1 once all its cores are off
 *   0x0C PWKUPR  RW write MPIDR | WEN (bit 31): an interrupt pending for an
 *                   off core powers it on (PSYSR.WK = 0b11); read: last write
 *   0x10 PSYSR   RW write an MPIDR, then read its status:
 *                   [31] AFF_L2 system on, [30] AFF_L1 cluster on,
 *                   [29] AFF_L0 core on, [28] WEN, [27] PC cluster off
 *                   pending, [26] PP core off pending, [25:24] WK (last
 *                   wake reason: 0 cold reset, 1 system reset, 2 PPONR,
 *                   3 GIC wake-up), [23:0] the MPIDR affinity selected
 *
 * The board creates it only when there is no built-in PSCI firmware;
 * Secure-only (the Non-secure world must use PSCI).  Accesses must be
 * 32-bit.
 */
#ifndef EMU_DEVICES_PCTL_PCTL_H
#define EMU_DEVICES_PCTL_PCTL_H

#include "devices/device.h"

#define PCTL_SIZE 0x1000ull

enum {
    PCTL_PPOFFR = 0x00,
    PCTL_PPONR = 0x04,
    PCTL_PCOFFR = 0x08,
    PCTL_PWKUPR = 0x0c,
    PCTL_PSYSR = 0x10,
};
#define PCTL_PWKUPR_WEN (1u << 31)
#define PCTL_PSYSR_AFF_L2 (1u << 31)
#define PCTL_PSYSR_AFF_L1 (1u << 30)
#define PCTL_PSYSR_AFF_L0 (1u << 29)
#define PCTL_PSYSR_WEN (1u << 28)
#define PCTL_PSYSR_PC (1u << 27)
#define PCTL_PSYSR_PP (1u << 26)
#define PCTL_PSYSR_WK_SHIFT 24
enum { PCTL_WK_COLD = 0, PCTL_WK_RESET = 1, PCTL_WK_PPONR = 2, PCTL_WK_GIC = 3 };

/* Create the power controller of M with its registers at BASE (4 KiB,
 * Secure only) and register it (devices/device.h, type "fvp-pwrc");
 * powered-on cores start at RESET_PC in EL3.  Installs the power hooks
 * (MachineHooks.wfi: PPOFFR takes effect at WFI; .wake: PWKUPR.WEN wakes an
 * off core on an interrupt).  Returns false after logging on failure. */
bool pctl_create(Machine *m, u64 base, u64 reset_pc);
/* Where powered-on cores start (the board sets the boot entry once the
 * images are loaded).  No effect without a power controller. */
void pctl_set_reset_pc(Machine *m, u64 pc);

#endif
