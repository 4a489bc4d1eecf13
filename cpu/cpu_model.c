/*
 * cpu/cpu_model.c — identification values of the modelled CPUs.  Values
 * as QEMU 7.2 gives them (checked with tests/guests/cpu_id.c under
 * qemu-system-aarch64 7.2), cache geometry as each TRM describes it:
 *   Cortex-A53 r0p4 (DDI 0500): L1D 32 KiB 4-way, L1I 32 KiB 2-way,
 *     L2 1 MiB 16-way, 64-byte lines; 40-bit PA.
 *   Cortex-A57 r1p0 (DDI 0488): L1D 32 KiB 2-way, L1I 48 KiB 3-way,
 *     L2 2 MiB 16-way, 64-byte lines; 44-bit PA.
 *   Cortex-A72 r0p3 (DDI 0533): L1D 32 KiB 2-way, L1I 48 KiB 3-way,
 *     L2 1 MiB 16-way, 64-byte lines; 44-bit PA.
 * CCSIDR_EL1 (D17.2.25): WT/WB/RA/WA [31:28], NumSets-1 [27:13],
 * Associativity-1 [12:3], log2(words per line)-2 [2:0].
 */
#include <string.h>

#include "cpu/cpu_model.h"

const CpuModel cpu_model_cortex_a53 = {
    .name = "cortex-a53",
    .midr = 0x410fd034,
    .revidr = 0,
    .ctr = 0x84448004,          /* IminLine/DminLine 16 words, VIPT I-cache, CWG/ERG 16 words */
    .clidr = 0x0a200023,        /* L1 I+D, L2 unified; LoUU=1, LoC=2, LoUIS=1 */
    .ccsidr = {0x700fe01a, 0x201fe00a, 0x707fe07a},
    .pmcr = 0x41033000,         /* IMP=Arm, IDCODE=3, N=6 */
    /* CPUECTLR_EL1 (A53 TRM 4.3.67): L2 prefetch/stream fields [38:32],
     * SMPEN [6], FPU and CPU retention controls [5:0]. */
    .cpuectlr_wmask = 0x7f00000007full,
    .pa_bits = 40,
};

const CpuModel cpu_model_cortex_a57 = {
    .name = "cortex-a57",
    .midr = 0x411fd070,
    .revidr = 0,
    .ctr = 0x8444c004,          /* as the A53 but a PIPT instruction cache */
    .clidr = 0x0a200023,
    .ccsidr = {0x701fe00a, 0x201fe012, 0x70ffe07a},
    .pmcr = 0x41013000,         /* IDCODE=1 */
    /* CPUECTLR_EL1 (A57 TRM 4.5.76): disable table walk descriptor
     * prefetch [38], L2 instruction fetch prefetch distance [37:35], L2
     * load/store prefetch distance [33:32], SMPEN [6], CPU retention [2:0]. */
    .cpuectlr_wmask = 0x7b00000047ull,
    .pa_bits = 44,
};

const CpuModel cpu_model_cortex_a72 = {
    .name = "cortex-a72",
    .midr = 0x410fd083,
    .revidr = 0,
    .ctr = 0x8444c004,
    .clidr = 0x0a200023,
    .ccsidr = {0x701fe00a, 0x201fe012, 0x707fe07a},
    .pmcr = 0x41023000,         /* IDCODE=2 */
    /* CPUECTLR_EL1 (A72 TRM 4.3.78): disable table walk descriptor
     * prefetch [38], L2 instruction fetch prefetch distance [36:35], L2
     * load/store prefetch distance [33:32], SMPEN [6], CPU retention [2:0]. */
    .cpuectlr_wmask = 0x5b00000047ull,
    .pa_bits = 44,
};

static const CpuModel *const models[] = {&cpu_model_cortex_a53, &cpu_model_cortex_a57, &cpu_model_cortex_a72};

const CpuModel *cpu_model_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(models); i++)
        if (name && !strcmp(name, models[i]->name))
            return models[i];
    return NULL;
}

const char *cpu_model_names(void)
{
    return "cortex-a53, cortex-a57, cortex-a72";
}

unsigned cpu_model_parange(unsigned pa_bits)
{
    switch (pa_bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    default: return 5;
    }
}
