/*
 * cpu/fp_access.h — the SIMD&FP access check every FP/AdvSIMD/crypto handler
 * (and SIMD&FP load/store) runs first: Arm ARM pseudocode
 * CheckFPAdvSIMDEnabled64 / AArch64.CheckFPAdvSIMDEnabled /
 * AArch64.CheckFPAdvSIMDTrap (D1.x "Configurable instruction enables and
 * disables, and trap controls").
 *
 * It is the single place that decides, so it can be switched to the EL2/EL3
 * teammate's exceptions/traps.h helpers when they land.
 */
#ifndef EMU_CPU_FP_ACCESS_H
#define EMU_CPU_FP_ACCESS_H

#include "cpu/cpu.h"

/* Raise EC 0x07 (or EC 0x00 to EL2 when HCR_EL2.TGE redirects an EL0 trap)
 * to the EL whose control disables SIMD&FP; returns if access is allowed. */
void fp_check_access_slow(Cpu *c);

static inline void fp_check_access(Cpu *c)
{
    /* Fast path: FPEN=11 and no TFP traps is the common configuration. */
    if (likely(((c->cpacr_el1 >> 20) & 3) == 3 && !((c->cptr_el2 | c->cptr_el3) & (1u << 10))))
        return;
    fp_check_access_slow(c);
}

#endif
