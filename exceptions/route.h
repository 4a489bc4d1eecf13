/*
 * exceptions/route.h — the one place that decides where an exception goes
 * (Arm ARM D1.10.1 "Exception routing", D1.16 "Asynchronous exception
 * routing and masking").  Every trap check asks these functions.
 */
#ifndef EMU_EXCEPTIONS_ROUTE_H
#define EMU_EXCEPTIONS_ROUTE_H

#include "cpu/cpu.h"
#include "cpu/regs.h"

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

#endif
