/*
 * firmware/psci/psci.h — the built-in EL3 firmware: PSCI (Arm DEN0022) and
 * SMCCC (Arm DEN0028) calls made through the conduit instruction chosen as
 * QEMU's virt does (guest starting at EL2 -> SMC, at EL1 -> HVC).
 */
#ifndef EMU_FIRMWARE_PSCI_PSCI_H
#define EMU_FIRMWARE_PSCI_PSCI_H

#include "cpu/cpu.h"
#include "machine/machine.h"

/* Function IDs (DEN0022 5.1, DEN0028 7). */
enum {
    SMCCC_VERSION = 0x80000000u,
    SMCCC_ARCH_FEATURES = 0x80000001u,
    PSCI_VERSION = 0x84000000u,
    PSCI_CPU_SUSPEND_32 = 0x84000001u,
    PSCI_CPU_SUSPEND_64 = 0xC4000001u,
    PSCI_CPU_OFF = 0x84000002u,
    PSCI_CPU_ON_32 = 0x84000003u,
    PSCI_CPU_ON_64 = 0xC4000003u,
    PSCI_AFFINITY_INFO_32 = 0x84000004u,
    PSCI_AFFINITY_INFO_64 = 0xC4000004u,
    PSCI_MIGRATE_INFO_TYPE = 0x84000006u,
    PSCI_SYSTEM_OFF = 0x84000008u,
    PSCI_SYSTEM_RESET = 0x84000009u,
    PSCI_FEATURES = 0x8400000Au,
};

/* Return codes (DEN0022 5.2.2). */
enum {
    PSCI_SUCCESS = 0,
    PSCI_NOT_SUPPORTED = -1,
    PSCI_INVALID_PARAMETERS = -2,
    PSCI_DENIED = -3,
    PSCI_ALREADY_ON = -4,
    PSCI_ON_PENDING = -5,
    PSCI_INTERNAL_FAILURE = -6,
    PSCI_NOT_PRESENT = -7,
    PSCI_DISABLED = -8,
    PSCI_INVALID_ADDRESS = -9,
};

/* Handle the firmware call in W0/X0..X3 of core C made with CONDUIT (IMM is
 * the instruction's immediate, which SMCCC requires to be 0).  Writes the
 * result to X0 (and leaves X1-X17 as SMCCC v1.1 requires); may power cores
 * on/off or request machine exit/reset. */
void psci_call(Cpu *c, Conduit conduit, u16 imm);

/* Under --trace psci: warn when a guest issues a PSCI function ID with the
 * instruction that is NOT the firmware's conduit (the call then takes its
 * architectural path: the caller's own EL2 vector, or UNDEFINED). */
void psci_check_wrong_conduit(Cpu *c, Conduit used);

/* Name of a PSCI/SMCCC function ID, or NULL. */
const char *psci_func_name(u32 fid);
/* Name of a PSCI return code. */
const char *psci_ret_name(s64 ret);

#endif
