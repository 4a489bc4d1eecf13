/*
 * exceptions/smccc.h — function identifiers of the SMC Calling Convention
 * (Arm DEN0028, section 7) and of PSCI (Arm DEN0022D, section 5.1): the one
 * place they are defined, used by the built-in firmware (firmware/psci), its
 * device-tree node and the exception traces that name SVC/HVC/SMC calls.
 */
#ifndef EMU_EXCEPTIONS_SMCCC_H
#define EMU_EXCEPTIONS_SMCCC_H

#include "common/common.h"

/* Function IDs (DEN0022 5.1, DEN0028 7). */
enum {
    SMCCC_VERSION = 0x80000000u,
    SMCCC_ARCH_FEATURES = 0x80000001u,
    SMCCC_ARCH_WORKAROUND_1 = 0x80008000u,
    SMCCC_ARCH_WORKAROUND_2 = 0x80007FFFu,
    SMCCC_ARCH_WORKAROUND_3 = 0x80003FFFu,
    PSCI_VERSION = 0x84000000u,
    PSCI_CPU_SUSPEND_32 = 0x84000001u,
    PSCI_CPU_SUSPEND_64 = 0xC4000001u,
    PSCI_CPU_OFF = 0x84000002u,
    PSCI_CPU_ON_32 = 0x84000003u,
    PSCI_CPU_ON_64 = 0xC4000003u,
    PSCI_AFFINITY_INFO_32 = 0x84000004u,
    PSCI_AFFINITY_INFO_64 = 0xC4000004u,
    PSCI_MIGRATE_32 = 0x84000005u,
    PSCI_MIGRATE_64 = 0xC4000005u,
    PSCI_MIGRATE_INFO_TYPE = 0x84000006u,
    PSCI_SYSTEM_OFF = 0x84000008u,
    PSCI_SYSTEM_RESET = 0x84000009u,
    PSCI_FEATURES = 0x8400000Au,
};

/* Name of a PSCI/SMCCC function ID ("CPU_ON" for the SMC64 ID, "CPU_ON32"
 * for the SMC32 one), or NULL. */
const char *psci_func_name(u32 fid);

#endif
