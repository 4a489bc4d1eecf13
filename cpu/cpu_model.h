/*
 * cpu/cpu_model.h — the CPU models a machine may be built with (-cpu):
 * ARMv8.0 Cortex-A53 r0p4 (default), Cortex-A57 r1p0 and Cortex-A72 r0p3,
 * with the identification values QEMU 7.2 gives them (target/arm/cpu64.c)
 * and their TRMs' cache geometry and IMPLEMENTATION DEFINED registers.
 *
 * The models share one instruction set and one register file (what
 * hyperstep implements is ARMv8.0 with the AArch64 execution state only);
 * they differ in what a guest reads: MIDR/REVIDR, CTR_EL0, CLIDR_EL1 and
 * CCSIDR_EL1 per level, the physical address size (ID_AA64MMFR0_EL1.PARange,
 * which the MMU also enforces), PMCR_EL0.IDCODE, and the writable fields of
 * CPUECTLR_EL1.  Every core of a machine has the same model
 * (Machine.cpu_model; NULL means Cortex-A53).
 */
#ifndef EMU_CPU_CPU_MODEL_H
#define EMU_CPU_CPU_MODEL_H

#include "common/common.h"

typedef struct CpuModel {
    const char *name;        /* QEMU's -cpu spelling, e.g. "cortex-a53" */
    u64 midr;                /* MIDR_EL1 (also VPIDR_EL2's reset value) */
    u64 revidr;              /* REVIDR_EL1 */
    u64 ctr;                 /* CTR_EL0 */
    u64 clidr;               /* CLIDR_EL1 */
    u64 ccsidr[3];           /* CCSIDR_EL1 for CSSELR 0 (L1D), 1 (L1I), 2 (L2) */
    u64 pmcr;                /* PMCR_EL0 reset value: IMP, IDCODE, N */
    u64 cpuectlr_wmask;      /* writable bits of CPUECTLR_EL1 */
    unsigned pa_bits;        /* physical address size: 40 (PARange 2) or 44 (4) */
} CpuModel;

extern const CpuModel cpu_model_cortex_a53;
extern const CpuModel cpu_model_cortex_a57;
extern const CpuModel cpu_model_cortex_a72;

/* The model QEMU calls NAME, or NULL if hyperstep does not model it. */
const CpuModel *cpu_model_find(const char *name);
/* The names of the models, separated by ", " (for error messages). */
const char *cpu_model_names(void);
/* ID_AA64MMFR0_EL1.PARange encoding of a physical address size in bits. */
unsigned cpu_model_parange(unsigned pa_bits);

#endif
