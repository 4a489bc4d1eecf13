/*
 * cpu/fp_access.c — SIMD&FP enable/trap checks (see fp_access.h).
 * The decision (CPACR_EL1.FPEN, CPTR_EL2.TFP, CPTR_EL3.TFP, TGE routing and
 * the EC 0x07 / EC 0x00 syndrome) lives in exceptions/traps.c so that every
 * trap explanation and routing rule comes from one place.
 */
#include "cpu/cpu_internal.h"
#include "cpu/fp_access.h"
#include "exceptions/traps.h"

void fp_check_access_slow(Cpu *c)
{
    if (trap_check_fp(c, NULL) != SR_OK)
        trap_fp_access(c);
}
