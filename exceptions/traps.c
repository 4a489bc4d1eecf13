/*
 * exceptions/traps.c — trap checks shared with other modules' instruction
 * and register rows (see traps.h).  Rules from the Arm ARM (DDI 0487)
 * register descriptions of HCR_EL2, SCTLR_EL1, CNTKCTL_EL1, CNTHCTL_EL2,
 * SCR_EL3, CPACR_EL1, CPTR_EL2, CPTR_EL3, and the pseudocode
 * AArch64.CheckFPAdvSIMDEnabled / AArch64.CheckFPAdvSIMDTrap.
 */
#include <stdio.h>

#include "exceptions/traps.h"
#include "exceptions/exceptions.h"
#include "exceptions/route.h"

/* HCR_EL2 bit BIT traps EL0/EL1 (Non-secure, EL2 enabled) when set. */
static SrAccess hcr_trap(Cpu *c, u64 bit, const char *why)
{
    if (c->el <= 1 && route_el2_enabled(c) && (c->hcr_el2 & bit)) {
        c->trap_reason = why;
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

static SrAccess uci_trap(Cpu *c)
{
    if (c->el == 0 && !(c->sctlr_el[1] & SCTLR_UCI)) {
        c->trap_reason = "SCTLR_EL1.UCI=0";
        return SR_TRAP_EL1;
    }
    return SR_OK;
}

SrAccess trap_check_tlbi(Cpu *c)
{
    return hcr_trap(c, HCR_EL2_TTLB, "HCR_EL2.TTLB=1");
}

SrAccess trap_check_dc_sw(Cpu *c)
{
    return hcr_trap(c, HCR_EL2_TSW, "HCR_EL2.TSW=1");
}

SrAccess trap_check_dc_poc(Cpu *c)
{
    SrAccess a = uci_trap(c);
    return a != SR_OK ? a : hcr_trap(c, HCR_EL2_TPC, "HCR_EL2.TPC=1");
}

SrAccess trap_check_dc_pou(Cpu *c)
{
    SrAccess a = uci_trap(c);
    return a != SR_OK ? a : hcr_trap(c, HCR_EL2_TPU, "HCR_EL2.TPU=1");
}

SrAccess trap_check_ic_ivau(Cpu *c)
{
    return trap_check_dc_pou(c);
}

SrAccess trap_check_ic(Cpu *c)
{
    return hcr_trap(c, HCR_EL2_TPU, "HCR_EL2.TPU=1");
}

SrAccess trap_check_dc_zva(Cpu *c)
{
    if (c->el == 0 && !(c->sctlr_el[1] & SCTLR_DZE)) {
        c->trap_reason = "SCTLR_EL1.DZE=0";
        return SR_TRAP_EL1;
    }
    return hcr_trap(c, HCR_EL2_TDZ, "HCR_EL2.TDZ=1");
}

bool trap_dc_zva_prohibited(Cpu *c)
{
    const char *saved = c->trap_reason;
    bool p = trap_check_dc_zva(c) != SR_OK;
    c->trap_reason = saved;
    return p;
}

SrAccess trap_check_at(Cpu *c)
{
    (void)c;
    return SR_OK;
}

/* ---- generic timer ---- */

static SrAccess cntkctl_trap(Cpu *c, u64 bit, const char *why)
{
    if (c->el == 0 && !(c->cntkctl_el1 & bit)) {
        c->trap_reason = why;
        return SR_TRAP_EL1;
    }
    return SR_OK;
}

static SrAccess cnthctl_trap(Cpu *c, u64 bit, const char *why)
{
    if (c->el <= 1 && route_el2_enabled(c) && !(c->cnthctl_el2 & bit)) {
        c->trap_reason = why;
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

SrAccess trap_check_cntfrq(Cpu *c)
{
    if (c->el == 0 && !(c->cntkctl_el1 & (CNTKCTL_EL1_EL0PCTEN | CNTKCTL_EL1_EL0VCTEN))) {
        c->trap_reason = "CNTKCTL_EL1.EL0PCTEN=0 and EL0VCTEN=0";
        return SR_TRAP_EL1;
    }
    return SR_OK;
}

SrAccess trap_check_cntpct(Cpu *c)
{
    SrAccess a = cntkctl_trap(c, CNTKCTL_EL1_EL0PCTEN, "CNTKCTL_EL1.EL0PCTEN=0");
    return a != SR_OK ? a : cnthctl_trap(c, CNTHCTL_EL2_EL1PCTEN, "CNTHCTL_EL2.EL1PCTEN=0");
}

SrAccess trap_check_cntvct(Cpu *c)
{
    return cntkctl_trap(c, CNTKCTL_EL1_EL0VCTEN, "CNTKCTL_EL1.EL0VCTEN=0");
}

SrAccess trap_check_cntp(Cpu *c)
{
    SrAccess a = cntkctl_trap(c, CNTKCTL_EL1_EL0PTEN, "CNTKCTL_EL1.EL0PTEN=0");
    return a != SR_OK ? a : cnthctl_trap(c, CNTHCTL_EL2_EL1PCEN, "CNTHCTL_EL2.EL1PCEN=0");
}

SrAccess trap_check_cntv(Cpu *c)
{
    return cntkctl_trap(c, CNTKCTL_EL1_EL0VTEN, "CNTKCTL_EL1.EL0VTEN=0");
}

SrAccess trap_check_cntps(Cpu *c)
{
    if (c->el == 3)
        return SR_OK;
    if (c->el == 2 || c->ns) {
        c->trap_reason = c->el == 2 ? "CNTPS_* are not accessible at EL2"
                                    : "CNTPS_* are not accessible in Non-secure state";
        return SR_UNDEF;
    }
    if (c->el == 1 && !(c->scr_el3 & SCR_EL3_ST)) {
        c->trap_reason = "SCR_EL3.ST=0";
        return SR_TRAP_EL3;
    }
    return SR_OK;
}

/* ---- FP/AdvSIMD ---- */

SrAccess trap_check_fp(Cpu *c, unsigned *target_el)
{
    SrAccess a = SR_OK;
    if (c->el <= 1) {
        unsigned fpen = (c->cpacr_el1 >> CPACR_EL1_FPEN_SHIFT) & 3;
        if (!(fpen & 1) || (fpen == 1 && c->el == 0)) {
            c->trap_reason = fpen == 1 ? "CPACR_EL1.FPEN=0b01" : fpen == 0 ? "CPACR_EL1.FPEN=0b00"
                                                                         : "CPACR_EL1.FPEN=0b10";
            a = SR_TRAP_EL1;
        }
    }
    if (a == SR_OK && c->el <= 2 && route_el2_enabled(c) && (c->cptr_el2 & CPTR_EL2_TFP)) {
        c->trap_reason = "CPTR_EL2.TFP=1";
        a = SR_TRAP_EL2;
    }
    if (a == SR_OK && cpu_have_el3(c) && (c->cptr_el3 & CPTR_EL3_TFP)) {
        c->trap_reason = "CPTR_EL3.TFP=1";
        a = SR_TRAP_EL3;
    }
    if (target_el)
        *target_el = route_trap_target(c, a);
    return a;
}

NORETURN void trap_fp_access(Cpu *c)
{
    unsigned t;
    SrAccess a = trap_check_fp(c, &t);
    emu_assert(a != SR_OK);
    u32 esr = syn(EC_FP_ACCESS, 1u << 24 | 0xeu << 20);
    /* AArch64.AdvSIMDFPAccessTrap: EL1 trap routed to EL2 by TGE is
     * reported as an Unknown-reason exception. */
    if (a == SR_TRAP_EL1 && t == 2)
        esr = syn(EC_UNKNOWN, 0);
    snprintf(c->reason_buf, sizeof(c->reason_buf), "FP/SIMD access at EL%u trapped to EL%u: %s%s",
             c->el, t, c->trap_reason, esr >> ESR_EC_SHIFT == EC_UNKNOWN ? " (routed by HCR_EL2.TGE=1)" : "");
    exc_take_sync(c, t, esr, 0, false, c->pc, c->reason_buf);
}

/* ---- accessfn wrappers ---- */

#define WRAP(name)                                                        \
    SrAccess trap_acc_##name(Cpu *c, const SysRegDesc *r, bool isread)     \
    {                                                                     \
        (void)r; (void)isread;                                            \
        return trap_check_##name(c);                                      \
    }
WRAP(tlbi)
WRAP(dc_sw)
WRAP(dc_poc)
WRAP(dc_pou)
WRAP(ic_ivau)
WRAP(ic)
WRAP(dc_zva)
WRAP(at)
WRAP(cntfrq)
WRAP(cntpct)
WRAP(cntvct)
WRAP(cntp)
WRAP(cntv)
WRAP(cntps)

SrAccess trap_acc_fp_sysreg(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    trap_fp_check(c);
    return SR_OK;
}
