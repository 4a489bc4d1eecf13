/*
 * exceptions/take.c — exception entry (AArch64.TakeException), exception
 * return (AArch64.ExceptionReturn) and asynchronous exception routing and
 * masking (Arm ARM D1.10, D1.11, D1.16 and the tables in D1.16.1).
 */
#include <stdio.h>
#include <stdlib.h>

#include "exceptions/exceptions.h"
#include "cpu/exclusive.h"
#include "cpu/debug.h"
#include "cpu/pmu.h"
#include "exceptions/route.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

const char *exc_ec_name(unsigned ec)
{
    switch (ec) {
    case EC_UNKNOWN: return "UNKNOWN/UNDEFINED";
    case EC_WFX: return "WFI/WFE";
    case EC_FP_ACCESS: return "FP/SIMD access";
    case EC_ILLEGAL_STATE: return "Illegal Execution state";
    case EC_SVC64: return "SVC64";
    case EC_HVC64: return "HVC64";
    case EC_SMC64: return "SMC64";
    case EC_SYSREG: return "MSR/MRS/SYS";
    case EC_IABT_LOWER: return "Instruction Abort (lower EL)";
    case EC_IABT_CUR: return "Instruction Abort (same EL)";
    case EC_PC_ALIGN: return "PC alignment";
    case EC_DABT_LOWER: return "Data Abort (lower EL)";
    case EC_DABT_CUR: return "Data Abort (same EL)";
    case EC_SP_ALIGN: return "SP alignment";
    case EC_FP_EXC64: return "FP exception";
    case EC_SERROR: return "SError";
    case EC_BKPT_LOWER: return "Breakpoint (lower EL)";
    case EC_BKPT_CUR: return "Breakpoint (same EL)";
    case EC_SSTEP_LOWER: return "Software Step (lower EL)";
    case EC_SSTEP_CUR: return "Software Step (same EL)";
    case EC_WATCH_LOWER: return "Watchpoint (lower EL)";
    case EC_WATCH_CUR: return "Watchpoint (same EL)";
    case EC_BRK64: return "BRK";
    default: return "reserved EC";
    }
}

unsigned exc_default_target(const Cpu *c)
{
    return route_default_target(c);
}

/* Common entry: state changes of AArch64.TakeException. */
static void enter(Cpu *c, unsigned target, unsigned offset)
{
    /* PMU: account the instructions retired at the old EL, then count the
     * exception as taken there (event 0x09 EXC_TAKEN). */
    pmu_sync(c);
    pmu_event(c, 0x09);
    u64 spsr = cpu_get_pstate(c);
    unsigned base;
    if (target > c->el)
        base = VEC_LOWER_A64;
    else
        base = c->spsel ? VEC_CUR_SPX : VEC_CUR_SP0;
    c->spsr_el[target] = spsr;
    c->daif = PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F;
    c->il = 0;
    c->ss = 0;
    c->step_armed = false;
    c->pending &= ~PEND_IL;
    cpu_set_el_spsel(c, target, 1);
    c->pc = c->vbar_el[target] + base + offset;
    c->next_pc = c->pc;
    c->tlb->gen++;
}

NORETURN void exc_take_sync(Cpu *c, unsigned target, u32 esr, u64 far,
                            bool far_valid, u64 ret, const char *reason)
{
    unsigned from = c->el;
    u64 insn_pc = c->pc;   /* the instruction that takes it (--trace-range) */
    emu_assert(target >= 1 && target <= 3 && target >= from);
    c->elr_el[target] = ret;
    c->esr_el[target] = esr;
    if (far_valid)
        c->far_el[target] = far;
    c->trap_reason = reason;
    /* Record for the gdb stub (monitor cores); a reason composed in
     * c->reason_buf is not kept (it is overwritten by later traps). */
    c->last_exc.esr = esr;
    c->last_exc.far = far;
    c->last_exc.far_valid = far_valid;
    c->last_exc.elr = ret;
    c->last_exc.step = machine_step(c->m, c);
    c->last_exc.what = reason == c->reason_buf ? NULL : reason;
    c->last_exc.from_el = (u8)from;
    c->last_exc.to_el = (u8)target;
    c->last_exc.async = false;
    c->last_exc.valid = true;
    /* PMU: the instructions before this one retired at the old EL; this one
     * retired too if it is SVC/HVC/SMC (preferred return = next instruction),
     * else it did not.  Either way the run loop's icount++ for it must not be
     * counted again at the new EL. */
    pmu_sync(c);
    if (ret != c->pc && ret == c->pc + 4 && !far_valid)
        pmu_retire(c, 1);
    /* Software step: SVC/HVC/SMC complete the stepped instruction, so the
     * return must take the step exception at once (SPSR.SS=0); other
     * synchronous exceptions leave it to be stepped again (SPSR.SS kept). */
    bool stepped_call = c->ss && ret == c->pc + 4 && !far_valid;
    enter(c, target, VEC_SYNC);
    if (stepped_call)
        c->spsr_el[target] &= ~PSTATE_SS;
    c->pmu_last_icount = c->icount + 1;
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_EXC))) {
        c->trace_pc = insn_pc;
        trace_exception(c, from, target, esr, far, far_valid, ret, reason);
    }
    emu_assert(c->exc_jmp);
    longjmp(*c->exc_jmp, 1);
}

void exc_enter_async(Cpu *c, unsigned target, unsigned type_offset, const char *what)
{
    unsigned from = c->el;
    c->elr_el[target] = c->pc;
    c->last_exc.elr = c->pc;   /* for the gdb stub (monitor cores) */
    c->last_exc.step = machine_step(c->m, c);
    c->last_exc.what = what;
    c->last_exc.from_el = (u8)from;
    c->last_exc.to_el = (u8)target;
    c->last_exc.async = true;
    c->last_exc.far_valid = false;
    c->last_exc.valid = true;
    enter(c, target, type_offset);
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_EXC)))
        trace_async(c, from, target, what);
}

NORETURN void exc_undefined(Cpu *c, const char *why)
{
    exc_take_sync(c, exc_default_target(c), syn(EC_UNKNOWN, 0), 0, false, c->pc, why);
}

NORETURN void exc_unimplemented(Cpu *c, const char *what)
{
    trace_unimplemented(c, what);
    exc_undefined(c, what);
}

/* Arm ARM D1.11.2 / pseudocode IllegalExceptionReturn() and
 * IllegalExceptionReturn's ELUsingAArch32 checks, in that order. */
static const char *illegal_return(const Cpu *c, u64 spsr)
{
    unsigned m = spsr & PSTATE_M;
    unsigned el = (m >> 2) & 3;
    /* Security state the target EL would run in (EL3 itself is Secure). */
    bool ns = c->el == 3 ? (c->scr_el3 & SCR_EL3_NS) != 0 : c->ns;
    bool el2_on = route_el2_enabled_ns(c, ns);
    if (spsr & PSTATE_nRW)
        return "SPSR.M[4]=1: AArch32 is not implemented";
    if (m & 2)
        return "SPSR.M[1]=1 is reserved";
    if (el > c->el)
        return "return to a higher EL";
    if (el == 2 && !cpu_have_el2(c))
        return "return to EL2, which is not implemented";
    if (el == 0 && (m & 1))
        return "SPSR.M selects EL0 with SP_ELx";
    if (el == 2 && c->el == 3 && !ns)
        return "return to EL2 in Secure state (SCR_EL3.NS=0)";
    if (el == 1 && el2_on && (c->hcr_el2 & HCR_EL2_TGE))
        return "return to EL1 with HCR_EL2.TGE=1";
    if (el < 3 && c->el == 3 && cpu_have_el3(c) && !(c->scr_el3 & SCR_EL3_RW) &&
        (el < 2 || cpu_have_el2(c)))
        return "SCR_EL3.RW=0: lower ELs would be AArch32";
    if (el < 2 && el2_on && c->el >= 2 && !(c->hcr_el2 & HCR_EL2_RW))
        return "HCR_EL2.RW=0: EL1 would be AArch32";
    return NULL;
}

void exc_return(Cpu *c)
{
    unsigned from = c->el;
    u64 spsr = c->spsr_el[from];
    u64 elr = c->elr_el[from];
    const char *bad = illegal_return(c, spsr);
    excl_clear(c);   /* ERET clears the local exclusive monitor */
    c->event = true; /* ... and sends a local event (pseudocode AArch64.ExceptionReturn: SendEventLocal) */
    pmu_sync(c);
    pmu_event(c, 0x0a);   /* EXC_RETURN, counted at the EL executing ERET */
    if (bad) {
        /* PSTATE.{NZCV,DAIF} from SPSR, EL/SPSel unchanged, IL=1. */
        c->nzcv = spsr & PSTATE_NZCV;
        c->daif = spsr & PSTATE_DAIF;
        c->il = 1;
        c->pending |= PEND_IL;
    } else {
        cpu_set_pstate(c, spsr);
        c->il = (spsr & PSTATE_IL) != 0;
        /* PSTATE.SS takes SPSR.SS only if software step is active at the
         * target (D2.12.3); a fresh step starts there. */
        c->step_armed = false;
        if (!debug_step_active(c))
            c->ss = 0;
        if (c->il)
            c->pending |= PEND_IL;
    }
    c->next_pc = elr;
    c->tlb->gen++;
    c->pending |= PEND_ASYNC;
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_EXC)))
        trace_eret(c, from, elr, spsr, bad);
}

/* ---- asynchronous exceptions (Arm ARM D1.16) ---- */

/* Per kind of asynchronous exception (indexed by ROUTE_*): the physical line
 * in Cpu.irq_lines, the virtual one from the GIC's virtual CPU interface (0:
 * none), the HCR_EL2 bit that asserts the virtual one, the PSTATE mask bit,
 * the vector offset and the names used by traces and the gdb stub. */
static const struct {
    u32 line, vline;
    u64 vbit;
    u32 mask;
    unsigned offset;
    const char *name, *vname;
} async_kind[] = {
    [ROUTE_IRQ] = {CPU_LINE_IRQ, CPU_LINE_VIRQ, HCR_EL2_VI, PSTATE_I, VEC_IRQ, "IRQ", "virtual IRQ"},
    [ROUTE_FIQ] = {CPU_LINE_FIQ, CPU_LINE_VFIQ, HCR_EL2_VF, PSTATE_F, VEC_FIQ, "FIQ", "virtual FIQ"},
    [ROUTE_SERROR] = {CPU_LINE_SERROR, 0, HCR_EL2_VSE, PSTATE_A, VEC_SERROR, "SError", "virtual SError"},
};

/* The order in which simultaneously pending exceptions are taken: SError,
 * then FIQ, then IRQ (physical ones before virtual ones). */
static const int async_priority[] = {ROUTE_SERROR, ROUTE_FIQ, ROUTE_IRQ};

/* Can a physical interrupt routed to TARGET be taken at the current EL, with
 * PSTATE bit MASKBIT (A, F or I) as its mask?  Arm ARM D1.16.1 (physical
 * interrupt masking tables): an exception to a higher EL than the current
 * one is not masked by PSTATE, except EL1 targets from EL0; one to a lower
 * EL cannot be taken (it stays pending). */
static bool taken_now(const Cpu *c, unsigned target, u32 maskbit)
{
    if (target < c->el)
        return false;
    if (target > c->el && target >= 2)
        return true;
    return !(c->daif & maskbit);
}

/* Is the virtual interrupt of KIND (ROUTE_*) asserted: HCR_EL2.VI/VF/VSE or
 * the GIC's virtual IRQ/FIQ line?  Routing and masking are not looked at. */
static bool virtual_asserted(const Cpu *c, int kind)
{
    return (c->hcr_el2 & async_kind[kind].vbit) || (c->irq_lines & async_kind[kind].vline);
}

bool exc_pending_async(const Cpu *c, AsyncException *out)
{
    for (unsigned i = 0; i < ARRAY_SIZE(async_priority); i++) {
        int k = async_priority[i];
        if (!(c->irq_lines & async_kind[k].line))
            continue;
        unsigned t = route_async_target(c, k);
        if (taken_now(c, t, async_kind[k].mask)) {
            if (out)
                *out = (AsyncException){.kind = k, .is_virtual = false, .target_el = t,
                                        .offset = async_kind[k].offset, .name = async_kind[k].name};
            return true;
        }
    }
    /* Virtual interrupts: only at EL1/EL0 Non-secure with EL2 enabled, TGE=0
     * and the routing bit {AMO,FMO,IMO} set; always to EL1, masked by PSTATE
     * (Arm ARM D1.16.3). */
    for (unsigned i = 0; i < ARRAY_SIZE(async_priority); i++) {
        int k = async_priority[i];
        if (route_virtual_enabled(c, k) && virtual_asserted(c, k) && !(c->daif & async_kind[k].mask)) {
            if (out)
                *out = (AsyncException){.kind = k, .is_virtual = true, .target_el = 1,
                                        .offset = async_kind[k].offset, .name = async_kind[k].vname};
            return true;
        }
    }
    return false;
}

bool exc_check_async(Cpu *c)
{
    Machine *m = c->m;
    if (m->hooks.async_refresh)   /* GICv3: IRQ/FIQ depends on EL and security state */
        m->hooks.async_refresh(m->hooks.intc_opaque, c);
    AsyncException e;
    if (!exc_pending_async(c, &e))
        return false;
    if (e.kind == ROUTE_SERROR) {
        if (e.is_virtual)
            c->hcr_el2 &= ~HCR_EL2_VSE;   /* taking a virtual SError clears VSE */
        /* ESR_ELx.EC=0x2F, ISS 0 (ARMv8.0, no RAS: IDS=0, ISS IMPLEMENTATION
         * DEFINED; this model reports 0; no VSESR_EL2 for a virtual one). */
        c->esr_el[e.target_el] = syn(EC_SERROR, 0);
    }
    exc_enter_async(c, e.target_el, e.offset, e.name);
    return true;
}

bool exc_wfi_wakeup(const Cpu *c)
{
    if (c->irq_lines & (CPU_LINE_IRQ | CPU_LINE_FIQ | CPU_LINE_SERROR))
        return true;
    for (unsigned i = 0; i < ARRAY_SIZE(async_priority); i++) {
        int k = async_priority[i];
        if (route_virtual_enabled(c, k) && virtual_asserted(c, k))
            return true;
    }
    return false;
}
