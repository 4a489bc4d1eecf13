/*
 * exceptions/route.h — the one place that decides where an exception goes
 * (Arm ARM D1.10.1 "Exception routing", D1.16 "Asynchronous exception
 * routing and masking").  Every trap check asks these functions.
 *
 * Summary of the ARMv8.0 rules implemented here (no VHE, no Secure EL2):
 *   - EL2 exists only in Non-secure state: it is "enabled" for EL0/EL1 when
 *     implemented and SCR_EL3.NS=1 (or there is no EL3 and the core is NS).
 *   - Synchronous exceptions "to EL1" raised at EL0 go to EL2 when EL2 is
 *     enabled and HCR_EL2.TGE=1 (D1.10.1, pseudocode AArch64.TakeException
 *     callers: route_to_el2 = EL2Enabled() && HCR_EL2.TGE == '1').
 *   - Debug exceptions (BRK, breakpoints, watchpoints, step) from EL0/EL1 go
 *     to EL2 when EL2 is enabled and HCR_EL2.TGE=1 or MDCR_EL2.TDE=1
 *     (D2.3 "Routing debug exceptions").
 *   - Physical IRQ/FIQ/SError: SCR_EL3.{IRQ,FIQ,EA} -> EL3; else
 *     HCR_EL2.{IMO,FMO,AMO} (treated as 1 when TGE=1) -> EL2; else EL1.
 */
#ifndef EMU_EXCEPTIONS_ROUTE_H
#define EMU_EXCEPTIONS_ROUTE_H

#include "cpu/cpu.h"
#include "cpu/regs.h"
#include "cpu/sysreg.h"

enum { ROUTE_IRQ, ROUTE_FIQ, ROUTE_SERROR };

/* EL2 is enabled in security state NS (ARMv8.0: only Non-secure has EL2). */
static inline bool route_el2_enabled_ns(const Cpu *c, bool ns)
{
    return cpu_have_el2(c) && ns;
}
/* EL2 enabled for the core's current security state. */
static inline bool route_el2_enabled(const Cpu *c)
{
    return route_el2_enabled_ns(c, c->ns);
}
/* HCR_EL2.TGE is in effect (EL2 enabled and TGE=1). */
static inline bool route_tge(const Cpu *c)
{
    return route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TGE);
}

/* Target EL for exceptions "taken to the default place" (UNDEFINED, SVC,
 * EL0 traps that the Arm ARM sends to EL1): EL0 -> EL1, or EL2 when
 * HCR_EL2.TGE=1; ELn -> ELn for n >= 1. */
static inline unsigned route_default_target(const Cpu *c)
{
    if (c->el == 0)
        return route_tge(c) ? 2 : 1;
    return c->el;
}

/* Target EL of a debug exception (BRK, breakpoint, watchpoint, software
 * step) from the current EL: MDCR_EL2.TDE or HCR_EL2.TGE send EL0/EL1 ones
 * to EL2 (Arm ARM D2.3.1). */
static inline unsigned route_debug_target(const Cpu *c)
{
    if (c->el <= 1 && route_el2_enabled(c) &&
        (c->hcr_el2 & HCR_EL2_TGE || c->mdcr_el2 & MDCR_EL2_TDE))
        return 2;
    return c->el == 0 ? 1 : c->el;
}

/* EL a trap check result (SR_TRAP_EL*) goes to: an EL1 trap from EL0 goes
 * to EL2 when HCR_EL2.TGE=1.  SR_OK/SR_UNDEF return 0. */
static inline unsigned route_trap_target(const Cpu *c, SrAccess a)
{
    switch (a) {
    case SR_TRAP_EL1: return c->el == 0 && route_tge(c) ? 2 : 1;
    case SR_TRAP_EL2: return 2;
    case SR_TRAP_EL3: return 3;
    default: return 0;
    }
}

/* Target EL of a physical IRQ/FIQ/SError (KIND = ROUTE_*) from the current
 * state: SCR_EL3.{IRQ,FIQ,EA} -> EL3; else HCR_EL2.{IMO,FMO,AMO} or TGE
 * (EL2 enabled) -> EL2; else EL1 (never below the current EL: an interrupt
 * routed to a lower EL stays pending until the core drops there). */
static inline unsigned route_async_target(const Cpu *c, int kind)
{
    static const u64 scr_bit[] = {SCR_EL3_IRQ_SHIFT, SCR_EL3_FIQ_SHIFT, SCR_EL3_EA_SHIFT};
    static const u64 hcr_bit[] = {HCR_EL2_IMO_SHIFT, HCR_EL2_FMO_SHIFT, HCR_EL2_AMO_SHIFT};
    if ((c->scr_el3 >> scr_bit[kind]) & 1)
        return 3;
    if (route_el2_enabled(c) &&
        (((c->hcr_el2 >> hcr_bit[kind]) & 1) || (c->hcr_el2 & HCR_EL2_TGE)))
        return 2;
    return 1;
}

/* Virtual interrupts (HCR_EL2.VI/VF/VSE or the GIC virtual lines) can be
 * taken only at EL0/EL1 Non-secure with EL2 enabled, TGE=0 and the matching
 * {IMO,FMO,AMO}=1 (Arm ARM D1.16.3). */
static inline bool route_virtual_enabled(const Cpu *c, int kind)
{
    static const u64 hcr_bit[] = {HCR_EL2_IMO_SHIFT, HCR_EL2_FMO_SHIFT, HCR_EL2_AMO_SHIFT};
    return c->el <= 1 && route_el2_enabled(c) && !(c->hcr_el2 & HCR_EL2_TGE) &&
           ((c->hcr_el2 >> hcr_bit[kind]) & 1);
}

#endif
