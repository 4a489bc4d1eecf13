/*
 * cpu/fp_access.c — SIMD&FP enable/trap checks (see fp_access.h).
 */
#include "cpu/cpu_internal.h"
#include "cpu/fp_access.h"
#include "exceptions/route.h"

/* ISS for EC 0x07 from AArch64: CV=1, COND=0b1110 (Arm ARM D17.2.37). */
#define FP_TRAP_ISS (1u << 24 | 0xeu << 20)

/* AArch64.AdvSIMDFPAccessTrap(target_el). */
static NORETURN void fp_trap(Cpu *c, unsigned target, const char *reason)
{
    if (target == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TGE))
        exc_take_sync(c, 2, syn(EC_UNKNOWN, 0), 0, false, c->pc, reason);
    exc_take_sync(c, target, syn(EC_FP_ACCESS, FP_TRAP_ISS), 0, false, c->pc, reason);
}

void fp_check_access_slow(Cpu *c)
{
    if (c->el <= 1) {
        unsigned fpen = (c->cpacr_el1 >> CPACR_EL1_FPEN_SHIFT) & 3;
        bool disabled = (fpen & 1) == 0 || (fpen == 1 && c->el == 0);
        if (disabled)
            fp_trap(c, 1, c->el == 0 && fpen == 1 ? "CPACR_EL1.FPEN=01 (EL0)" : "CPACR_EL1.FPEN=x0");
    }
    if (c->el <= 2 && route_el2_enabled(c) && (c->cptr_el2 & CPTR_EL2_TFP))
        fp_trap(c, 2, "CPTR_EL2.TFP=1");
    if (cpu_have_el3(c) && (c->cptr_el3 & CPTR_EL3_TFP))
        fp_trap(c, 3, "CPTR_EL3.TFP=1");
}
