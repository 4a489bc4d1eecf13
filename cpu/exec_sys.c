/*
 * cpu/exec_sys.c — exception generating and system instructions
 * (Arm ARM C6.2: SVC, HVC, SMC, BRK, HLT, ERET, MSR (immediate), hints
 * incl. WFI/WFE/SEV/SEVL, barriers, CLREX, SYS/SYSL, MSR/MRS) with their
 * routing and traps (D1.10, pseudocode AArch64.CheckForSMCUndefOrTrap,
 * AArch64.CheckForWFxTrap).
 */
#include <stdio.h>

#include "cpu/cpu_internal.h"
#include "cpu/exclusive.h"
#include "cpu/sysreg.h"
#include "exceptions/route.h"

/* Tell the built-in firmware (if any) of an HVC/SMC that takes its
 * architectural path, for its wrong-conduit warning. */
static void wrong_conduit(Cpu *c, Conduit used)
{
    Machine *m = c->m;
    if (m->hooks.wrong_conduit)
        m->hooks.wrong_conduit(m->hooks.firmware_opaque, c, used);
}

void exec_SVC(Cpu *c, const A_SVC *a)
{
    unsigned t = route_default_target(c);
    exc_take_sync(c, t, syn(EC_SVC64, a->imm16), 0, false, c->pc + 4,
                  c->el == 0 && t == 2 ? "SVC at EL0 routed to EL2: HCR_EL2.TGE=1" : NULL);
}

void exec_HVC(Cpu *c, const A_HVC *a)
{
    if (c->el == 0)
        exc_undefined(c, "HVC at EL0 is UNDEFINED");
    Machine *m = c->m;
    if (m->psci_conduit == CONDUIT_HVC && c->el == 1 && m->hooks.firmware_call) {
        m->hooks.firmware_call(m->hooks.firmware_opaque, c, CONDUIT_HVC, a->imm16);
        return;
    }
    if (!cpu_have_el2(c))
        exc_undefined(c, "HVC UNDEFINED: EL2 not implemented");
    /* HCR_EL2.HCD disables HVC only when EL3 is not implemented. */
    if (!cpu_have_el3(c) && (c->hcr_el2 & HCR_EL2_HCD))
        exc_undefined(c, "HVC UNDEFINED: HCR_EL2.HCD=1");
    if (c->el == 1 && !c->ns)
        exc_undefined(c, "HVC UNDEFINED at Secure EL1 (no Secure EL2 in ARMv8.0)");
    if (cpu_have_el3(c) && !(c->scr_el3 & SCR_EL3_HCE))
        exc_undefined(c, "HVC UNDEFINED: SCR_EL3.HCE=0");
    wrong_conduit(c, CONDUIT_HVC);
    exc_take_sync(c, c->el == 3 ? 3 : 2, syn(EC_HVC64, a->imm16), 0, false, c->pc + 4, NULL);
}

void exec_SMC(Cpu *c, const A_SMC *a)
{
    if (c->el == 0)
        exc_undefined(c, "SMC at EL0 is UNDEFINED");
    /* HCR_EL2.TSC takes priority over SCR_EL3.SMD (D1.10, CheckForSMCUndefOrTrap);
     * the trapped SMC returns to itself. */
    if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TSC))
        exc_take_sync(c, 2, syn(EC_SMC64, a->imm16), 0, false, c->pc,
                      "SMC at EL1 trapped to EL2: HCR_EL2.TSC=1");
    Machine *m = c->m;
    if (m->psci_conduit == CONDUIT_SMC && m->hooks.firmware_call) {
        m->hooks.firmware_call(m->hooks.firmware_opaque, c, CONDUIT_SMC, a->imm16);
        return;
    }
    if (!cpu_have_el3(c)) {
        wrong_conduit(c, CONDUIT_SMC);
        exc_undefined(c, "SMC UNDEFINED: EL3 not implemented");
    }
    if (c->scr_el3 & SCR_EL3_SMD)
        exc_undefined(c, "SMC UNDEFINED: SCR_EL3.SMD=1");
    exc_take_sync(c, 3, syn(EC_SMC64, a->imm16), 0, false, c->pc + 4, NULL);
}

void exec_BRK(Cpu *c, const A_BRK *a)
{
    unsigned t = route_debug_target(c);
    const char *why = NULL;
    if (t == 2 && c->el <= 1) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "BRK at EL%u routed to EL2: %s", c->el,
                 (c->mdcr_el2 & MDCR_EL2_TDE) ? "MDCR_EL2.TDE=1" : "HCR_EL2.TGE=1");
        why = c->reason_buf;
    }
    exc_take_sync(c, t, syn(EC_BRK64, a->imm16), 0, false, c->pc, why);
}

void exec_HLT(Cpu *c, const A_HLT *a)
{
    Machine *m = c->m;
    if (m->hooks.semihost && a->imm16 == 0xf000) {
        m->hooks.semihost(m->hooks.semihost_opaque, c);
        return;
    }
    exc_undefined(c, "HLT UNDEFINED: halting debug is not enabled (use -semihosting for HLT #0xF000)");
}

void exec_ERET(Cpu *c, const A_ERET *a)
{
    (void)a;
    if (c->el == 0)
        exc_undefined(c, "ERET at EL0 is UNDEFINED");
    exc_return(c);
}

void exec_MSR_imm(Cpu *c, const A_MSR_imm *a)
{
    unsigned sel = a->op1 << 3 | a->op2;
    switch (sel) {
    case 0x05:   /* SPSel */
        if (c->el == 0)
            exc_undefined(c, "MSR SPSel at EL0");
        cpu_set_el_spsel(c, c->el, a->crm & 1);
        return;
    case 0x1e:   /* DAIFSet */
    case 0x1f:   /* DAIFClr */
        if (c->el == 0 && !(c->sctlr_el[1] & (1u << 9))) {
            unsigned tgt = exc_default_target(c);
            sysreg_trap(c, tgt, SR_KEY(0, a->op1, 4, a->crm, a->op2), 31, false,
                        "MSR DAIF at EL0 trapped: SCTLR_EL1.UMA=0");
        }
        if (sel == 0x1e)
            c->daif |= (a->crm & 15) << PSTATE_F_SHIFT;
        else
            c->daif &= ~((a->crm & 15u) << PSTATE_F_SHIFT);
        c->pending |= PEND_ASYNC;
        return;
    default:
        exc_undefined(c, "MSR (immediate): PSTATE field not in ARMv8.0");
    }
}

/* AArch64.CheckForWFxTrap: EL1 (SCTLR_EL1.nTWx), EL2 (HCR_EL2.TWx), EL3 (SCR_EL3.TWx). */
static void check_wfx_trap(Cpu *c, bool wfe)
{
    u32 iss = 1u << 24 | 0xeu << 20 | (wfe ? 1 : 0);
    const char *ins = wfe ? "WFE" : "WFI";
    if (c->el == 0 && !(c->sctlr_el[1] & (wfe ? SCTLR_nTWE : SCTLR_nTWI))) {
        unsigned t = exc_default_target(c);
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s at EL0 trapped to EL%u: SCTLR_EL1.%s=0",
                 ins, t, wfe ? "nTWE" : "nTWI");
        exc_take_sync(c, t, syn(EC_WFX, iss), 0, false, c->pc, c->reason_buf);
    }
    if (c->el <= 1 && route_el2_enabled(c) && (c->hcr_el2 & (wfe ? HCR_EL2_TWE : HCR_EL2_TWI))) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s at EL%u trapped to EL2: HCR_EL2.%s=1",
                 ins, c->el, wfe ? "TWE" : "TWI");
        exc_take_sync(c, 2, syn(EC_WFX, iss), 0, false, c->pc, c->reason_buf);
    }
    if (c->el <= 2 && cpu_have_el3(c) && (c->scr_el3 & (wfe ? SCR_EL3_TWE : SCR_EL3_TWI))) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s at EL%u trapped to EL3: SCR_EL3.%s=1",
                 ins, c->el, wfe ? "TWE" : "TWI");
        exc_take_sync(c, 3, syn(EC_WFX, iss), 0, false, c->pc, c->reason_buf);
    }
}

void exec_HINT(Cpu *c, const A_HINT *a)
{
    switch (a->crm << 3 | a->op2) {
    case 2:   /* WFE: with the event register set it completes at once and
               * is not trapped (pseudocode WFE: EventRegistered() first). */
        if (c->event) {
            c->event = false;
            return;
        }
        check_wfx_trap(c, true);
        cpu_wait(c, true);
        return;
    case 3:   /* WFI: a pending wake-up completes it at once, untrapped
               * (pseudocode WFI: InterruptPending() first). */
        if (exc_wfi_wakeup(c))
            return;
        check_wfx_trap(c, false);
        cpu_wait(c, false);
        return;
    case 4:   /* SEV: set the event register of every core */
        for (unsigned i = 0; i < c->m->ncpu; i++)
            c->m->cpu[i]->event = true;
        return;
    case 5:   /* SEVL */
        c->event = true;
        return;
    default:  /* NOP, YIELD and unallocated hints execute as NOP (C6.2.?) */
        return;
    }
}

void exec_CLREX(Cpu *c, const A_CLREX *a)
{
    (void)a;
    excl_clear(c);
}

/* The interpreter is sequentially consistent across cores (one host thread
 * runs them round-robin), so DMB/DSB have no further effect. */
void exec_DSB(Cpu *c, const A_DSB *a) { (void)c; (void)a; }
void exec_DMB(Cpu *c, const A_DMB *a) { (void)c; (void)a; }

void exec_ISB(Cpu *c, const A_ISB *a)
{
    (void)a;
    /* Context synchronization: re-check interrupts, refetch. */
    c->pending |= PEND_ASYNC;
    c->tlb->gen++;
}

void exec_SYS(Cpu *c, const A_SYS *a)
{
    sysreg_access(c, SR_KEY(1, a->op1, a->crn, a->crm, a->op2), a->rt, a->l);
}

void exec_MSR_MRS(Cpu *c, const A_MSR_MRS *a)
{
    sysreg_access(c, SR_KEY(2 + a->o0, a->op1, a->crn, a->crm, a->op2), a->rt, a->l);
}
