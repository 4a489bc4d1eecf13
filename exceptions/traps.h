/*
 * exceptions/traps.h — reusable trap checks for instructions and registers
 * owned by other modules (MMU: DC/IC/TLBI/AT rows; timer: CNT* rows;
 * FP/SIMD: every FP/AdvSIMD instruction).  Each check returns where the
 * access goes (SrAccess) and, when it traps, sets c->trap_reason to the
 * control that caused it (e.g. "HCR_EL2.TTLB=1"), which --trace exc prints.
 *
 * Checks apply the Arm ARM priority: UNDEFINED, then traps to EL1 (SCTLR_EL1
 * / CPACR_EL1 / CNTKCTL_EL1 from EL0), then EL2 (HCR_EL2/CPTR_EL2/CNTHCTL_EL2),
 * then EL3 (SCR_EL3/CPTR_EL3).  An SR_TRAP_EL1 from EL0 is routed to EL2 by
 * route_trap_target() when HCR_EL2.TGE=1; sysreg_access() does that for rows.
 *
 * Row authors can use the trap_acc_* wrappers directly as SysRegDesc.accessfn.
 * All functions are pure reads of Cpu state except for c->trap_reason.
 */
#ifndef EMU_EXCEPTIONS_TRAPS_H
#define EMU_EXCEPTIONS_TRAPS_H

#include "cpu/cpu.h"
#include "cpu/regs.h"
#include "cpu/sysreg.h"

/* ---- cache / TLB maintenance (Arm ARM D17.2.48 HCR_EL2, D17.2.118 SCTLR_EL1) ---- */

/* TLBI * (EL1 forms) executed at EL1: HCR_EL2.TTLB=1 -> EL2. */
SrAccess trap_check_tlbi(Cpu *c);
/* DC ISW/CSW/CISW at EL1: HCR_EL2.TSW=1 -> EL2. */
SrAccess trap_check_dc_sw(Cpu *c);
/* DC IVAC/CVAC/CIVAC (to the Point of Coherency): at EL0 SCTLR_EL1.UCI=0 ->
 * EL1; at EL0/EL1 HCR_EL2.TPC=1 -> EL2.  (DC IVAC is EL1-only: its row gives
 * no EL0 access, so EL0 never reaches this check.) */
SrAccess trap_check_dc_poc(Cpu *c);
/* DC CVAU (to the Point of Unification): EL0 SCTLR_EL1.UCI=0 -> EL1;
 * EL0/EL1 HCR_EL2.TPU=1 -> EL2. */
SrAccess trap_check_dc_pou(Cpu *c);
/* IC IVAU: EL0 SCTLR_EL1.UCI=0 -> EL1; EL0/EL1 HCR_EL2.TPU=1 -> EL2. */
SrAccess trap_check_ic_ivau(Cpu *c);
/* IC IALLU / IC IALLUIS (EL1 only): HCR_EL2.TPU=1 -> EL2. */
SrAccess trap_check_ic(Cpu *c);
/* DC ZVA: EL0 SCTLR_EL1.DZE=0 -> EL1; EL0/EL1 HCR_EL2.TDZ=1 -> EL2. */
SrAccess trap_check_dc_zva(Cpu *c);
/* True when DC ZVA at the current EL would not execute: DCZID_EL0.DZP. */
bool trap_dc_zva_prohibited(Cpu *c);
/* AT S1E0x/S1E1x at EL1: ARMv8.0 has no trap for these (HCR_EL2.AT is
 * ARMv8.3), so this always returns SR_OK; kept so AT rows name their rule.
 * AT S12E1x / S1E2x are EL2/EL3-only by their rows' access bits. */
SrAccess trap_check_at(Cpu *c);

/* ---- generic timer (Arm ARM D10.5 / D17.2 CNTKCTL_EL1, CNTHCTL_EL2, SCR_EL3.ST) ---- */

/* CNTFRQ_EL0 read at EL0: CNTKCTL_EL1.EL0PCTEN=0 && EL0VCTEN=0 -> EL1. */
SrAccess trap_check_cntfrq(Cpu *c);
/* CNTPCT_EL0: EL0 CNTKCTL_EL1.EL0PCTEN=0 -> EL1; EL0/EL1 Non-secure
 * CNTHCTL_EL2.EL1PCTEN=0 -> EL2. */
SrAccess trap_check_cntpct(Cpu *c);
/* CNTVCT_EL0: EL0 CNTKCTL_EL1.EL0VCTEN=0 -> EL1. */
SrAccess trap_check_cntvct(Cpu *c);
/* CNTP_CTL/CVAL/TVAL_EL0: EL0 CNTKCTL_EL1.EL0PTEN=0 -> EL1; EL0/EL1
 * Non-secure CNTHCTL_EL2.EL1PCEN=0 -> EL2. */
SrAccess trap_check_cntp(Cpu *c);
/* CNTV_CTL/CVAL/TVAL_EL0: EL0 CNTKCTL_EL1.EL0VTEN=0 -> EL1. */
SrAccess trap_check_cntv(Cpu *c);
/* CNTPS_CTL/CVAL/TVAL_EL1 (row access: EL1 and up): UNDEFINED at EL2 and
 * at Non-secure EL1; Secure EL1 with SCR_EL3.ST=0 -> EL3; EL3 always OK. */
SrAccess trap_check_cntps(Cpu *c);

/* ---- FP/AdvSIMD (Arm ARM D1.11 / pseudocode AArch64.CheckFPAdvSIMDEnabled) ---- */

/*
 * Is FP/AdvSIMD usable at the current EL?  Order: CPACR_EL1.FPEN (EL0/EL1;
 * FPEN=x0 traps EL0 and EL1, 01 traps EL0 only) -> EL1; CPTR_EL2.TFP
 * (EL0-EL2 Non-secure, EL2 enabled or at EL2) -> EL2; CPTR_EL3.TFP (every EL)
 * -> EL3.  Returns SR_OK, or SR_TRAP_ELn with *TARGET_EL (if not NULL) set
 * to the EL the exception is taken to after TGE routing.
 */
SrAccess trap_check_fp(Cpu *c, unsigned *target_el);
/* Take the FP/AdvSIMD access trap that trap_check_fp() reports: ESR EC 0x07
 * with ISS CV=1 COND=0b1110 (ConditionSyndrome() for AArch64), except that a
 * CPACR trap from EL0 routed to EL2 by HCR_EL2.TGE=1 is reported as EC 0x00
 * (pseudocode AArch64.AdvSIMDFPAccessTrap).  ELR = the instruction.
 * Precondition: trap_check_fp(c) != SR_OK. */
NORETURN void trap_fp_access(Cpu *c);

/* Call at the start of every FP/AdvSIMD instruction (and FP sysregs FPCR,
 * FPSR): returns when access is enabled, else takes the trap. */
static inline void trap_fp_check(Cpu *c)
{
    /* Fast path: nothing set that can trap. */
    if (likely(!((c->cptr_el3 | c->cptr_el2) & CPTR_EL2_TFP) &&
               (c->el >= 2 || ((c->cpacr_el1 >> CPACR_EL1_FPEN_SHIFT) & 3) == 3)))
        return;
    if (trap_check_fp(c, NULL) != SR_OK)
        trap_fp_access(c);
}

/* ---- SysRegDesc.accessfn wrappers (same rules as above) ---- */
SrAccess trap_acc_tlbi(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_dc_sw(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_dc_poc(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_dc_pou(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_ic_ivau(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_ic(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_dc_zva(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_at(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_cntfrq(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_cntpct(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_cntvct(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_cntp(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_cntv(Cpu *c, const SysRegDesc *r, bool isread);
SrAccess trap_acc_cntps(Cpu *c, const SysRegDesc *r, bool isread);
/* FPCR/FPSR rows: FP access trap rules, reported as EC 0x07 (not 0x18). */
SrAccess trap_acc_fp_sysreg(Cpu *c, const SysRegDesc *r, bool isread);

#endif
