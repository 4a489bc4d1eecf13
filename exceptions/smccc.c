/*
 * exceptions/smccc.c — names of SMCCC/PSCI function identifiers (smccc.h).
 */
#include "exceptions/smccc.h"

const char *psci_func_name(u32 fid)
{
    switch (fid) {
    case SMCCC_VERSION: return "SMCCC_VERSION";
    case SMCCC_ARCH_FEATURES: return "SMCCC_ARCH_FEATURES";
    case SMCCC_ARCH_WORKAROUND_1: return "SMCCC_ARCH_WORKAROUND_1";
    case SMCCC_ARCH_WORKAROUND_2: return "SMCCC_ARCH_WORKAROUND_2";
    case SMCCC_ARCH_WORKAROUND_3: return "SMCCC_ARCH_WORKAROUND_3";
    case PSCI_VERSION: return "PSCI_VERSION";
    case PSCI_CPU_SUSPEND_32: return "CPU_SUSPEND32";
    case PSCI_CPU_SUSPEND_64: return "CPU_SUSPEND";
    case PSCI_CPU_OFF: return "CPU_OFF";
    case PSCI_CPU_ON_32: return "CPU_ON32";
    case PSCI_CPU_ON_64: return "CPU_ON";
    case PSCI_AFFINITY_INFO_32: return "AFFINITY_INFO32";
    case PSCI_AFFINITY_INFO_64: return "AFFINITY_INFO";
    case PSCI_MIGRATE_INFO_TYPE: return "MIGRATE_INFO_TYPE";
    case PSCI_SYSTEM_OFF: return "SYSTEM_OFF";
    case PSCI_SYSTEM_RESET: return "SYSTEM_RESET";
    case PSCI_FEATURES: return "PSCI_FEATURES";
    default: return NULL;
    }
}
