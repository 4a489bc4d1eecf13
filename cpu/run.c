/*
 * cpu/run.c — the interpreter loop of one core, WFI/WFE and their
 * architectural wake-up (the scheduler is machine/machine.c).
 *
 * Hot path per instruction: test c->pending|m->slow, check the cached fetch
 * page, load the word, compare it with the predecoded entry, call its
 * handler (cpu/exec_fast.c picks a specialised one for the common forms).  No allocation, no locks, no syscalls; traces and breakpoints
 * cost only the m->slow test when off.
 */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>

#include "cpu/cpu_internal.h"
#include "cpu/power.h"
#include "decoder/decode.h"
#include "cpu/debug.h"
#include "trace/digest.h"
#include "trace/trace.h"

void a64_unallocated(Cpu *c, const DecodedInsn *d)
{
    snprintf(c->reason_buf, sizeof(c->reason_buf), "unallocated or unimplemented encoding 0x%08x",
             d->insn);
    exc_unimplemented(c, c->reason_buf);
}

/* WFE wake-up by an interrupt: only one that is not masked, i.e. one that
 * would be taken now (Arm ARM D1.16.2 "WFE wake-up events"); WFI instead
 * wakes on any pending interrupt regardless of PSTATE (exc_wfi_wakeup()). */
static bool wfe_irq_wakeup(const Cpu *c)
{
    return exc_pending_async(c, NULL);
}

void cpu_wait(Cpu *c, bool wfe)
{
    if (wfe) {
        if (c->event) {
            c->event = false;
            return;
        }
        if (wfe_irq_wakeup(c))
            return;
        cpu_set_power(c, CORE_WFE, "WFE");
    } else {
        Machine *m = c->m;
        if (unlikely(m->hooks.wfi) && m->hooks.wfi(m->hooks.power_opaque, c))
            return;   /* e.g. a power controller's pending power-off took effect */
        if (exc_wfi_wakeup(c))
            return;
        cpu_set_power(c, CORE_WFI, "WFI");
    }
}

/* Work done between instructions when c->pending or m->slow is set.
 * Returns true to leave the quantum. */
static bool slow_path(Cpu *c)
{
    /* Debugger: breakpoints, scheduler-locked resume, stop requests. */
    Machine *m = c->m;
    if (unlikely(m->slow & SLOW_BREAK) && m->hooks.insn_check &&
        m->hooks.insn_check(m->hooks.debug_opaque, c))
        return true;
    if (c->pending & PEND_STOP) {
        c->pending &= ~PEND_STOP;
        return true;
    }
    if (c->pending & PEND_ASYNC) {
        c->pending &= ~PEND_ASYNC;
        exc_check_async(c);
    }
    if (c->pending & PEND_IL) {
        /* PSTATE.IL=1: the next instruction takes an Illegal Execution state
         * exception (Arm ARM D1.11.3). */
        exc_take_sync(c, exc_default_target(c), syn(EC_ILLEGAL_STATE, 0), 0, false, c->pc,
                      "PSTATE.IL=1 after an illegal exception return");
    }
    if (c->pending & PEND_DEBUG)
        debug_check_breakpoint(c);   /* hardware breakpoints (cpu/debug.h) */
    if (c->m->slow & SLOW_STOP)
        return true;
    return false;
}

/* Fetch, decode (on a predecode-cache miss) and run the instruction at PC,
 * whose page is HOST/CODE, then retire it: PC, icount, budget. */
static inline void step(Cpu *c, const u8 *host, DecodedInsn *code, u64 pc)
{
    unsigned i = (pc & (TLB_PAGE_SIZE - 1)) >> 2;
    u32 insn;
    memcpy(&insn, host + i * 4, 4);
    DecodedInsn *d = &code[i];
    if (unlikely(d->insn != insn || !d->fn))
        a64_predecode(d, insn);
    c->insn = insn;
    c->next_pc = pc + 4;
    d->fn(c, d);
    c->pc = c->next_pc;
    c->icount++;
    c->budget--;
}

/* One instruction with the instruction trace on (m->slow has SLOW_TRACE). */
static __attribute__((noinline, cold)) void step_traced(Cpu *c, const u8 *host,
                                                         DecodedInsn *code, u64 pc)
{
    u32 insn;
    memcpy(&insn, host + ((pc & (TLB_PAGE_SIZE - 1)) >> 2) * 4, 4);
    c->trace_pc = pc;
    trace_insn(c, pc, insn);
    step(c, host, code, pc);
    trace_post(c, pc, insn, false);
}

/* The interpreter loop proper.  Its fetch-page cache lives in ordinary
 * locals (registers): cpu_run() re-enters this function after every
 * synchronous exception (longjmp), which re-initialises them, so they need
 * not be volatile (volatile locals cost a load/store each per instruction).
 * Not inlined, so that nothing in it is live across setjmp() and the
 * compiler keeps C, M, HOST, CODE and PAGE_VA in registers. */
__attribute__((noinline)) static void run_loop(Cpu *c)
{
    Machine *m = c->m;
    const u8 *host = NULL;
    DecodedInsn *code = NULL;
    /* The fetch page stays valid until the PC leaves it or a TLB flush sets
     * PEND_REFETCH (tested at the next instruction boundary). */
    u64 page_va = ~0ull;   /* bits 11:2 set: never equals pc & (TLB_PAGE_MASK | 3) */

    for (;;) {
        /* Tracing is on only while m->slow is non-zero, so the slow-path
         * test alone decides it for the instruction. */
        bool tracing = false;
        if (unlikely(c->pending | m->slow)) {
            if (slow_path(c))
                break;
            if (c->pending & PEND_REFETCH) {   /* TLB flushed (here or by a TLBI) */
                c->pending &= ~PEND_REFETCH;
                page_va = ~0ull;
            }
            tracing = HS_TRACE_ON && (m->slow & SLOW_TRACE);
        }
        if (unlikely(c->budget <= 0))
            break;
        u64 pc = c->pc;
        /* page_va has bits 1:0 clear, so a misaligned PC also takes this branch. */
        if (unlikely((pc & (TLB_PAGE_MASK | 3)) != page_va)) {
            if (pc & 3)
                exc_take_sync(c, exc_default_target(c), syn(EC_PC_ALIGN, 0), pc, true, pc,
                              "PC not 4-byte aligned");
            const u8 *h;
            DecodedInsn *dp;
            mmu_fetch_page(c, pc, &h, &dp);   /* locals: HOST/CODE stay in registers */
            host = h;
            code = dp;
            page_va = pc & TLB_PAGE_MASK;
        }
        if (unlikely(tracing)) {
            step_traced(c, host, code, pc);
            continue;
        }
        /* Instructions of this page, one after the other, for as long as
         * nothing is due: after each one the checks above (slow path,
         * budget, fetch page) are skipped only when they would do nothing. */
        for (;;) {
            step(c, host, code, pc);
            pc = c->pc;
            if (unlikely((c->pending | m->slow) != 0 || c->budget <= 0 ||
                         (pc & (TLB_PAGE_MASK | 3)) != page_va))
                break;
        }
    }
}

u64 cpu_run(Cpu *c, u64 n)
{
    jmp_buf jb;
    jmp_buf *volatile saved = c->exc_jmp;

    c->budget = (s64)n;
    c->exc_jmp = &jb;
    switch (setjmp(jb)) {
    case 0:
        break;
    case CPU_JMP_ABORT:
        /* gdb watchpoint: the instruction was abandoned before its access;
         * it did not retire and PC still points at it. */
        break;
    default:
        /* A synchronous exception was taken: the faulting instruction counts
         * as one step, so a stream of faults still advances time. */
        c->icount++;
        c->budget--;
        if (unlikely(HS_TRACE_ON && (c->m->slow & SLOW_TRACE)))
            trace_post(c, c->trace_pc, c->insn, true);
        break;
    }
    run_loop(c);
    c->exc_jmp = saved;
    s64 left = c->budget < 0 ? 0 : c->budget;
    return n - (u64)left;
}

bool cpu_try_wake(Cpu *c)
{
    switch (c->power) {
    case CORE_WFI:
        if (!exc_wfi_wakeup(c))
            return false;
        cpu_set_power(c, CORE_ON, "WFI wake-up: interrupt pending");
        break;
    case CORE_WFE:
        if (c->event) {
            c->event = false;
            cpu_set_power(c, CORE_ON, "WFE wake-up: event register set");
        } else if (wfe_irq_wakeup(c)) {
            cpu_set_power(c, CORE_ON, "WFE wake-up: unmasked interrupt pending");
        } else {
            return false;
        }
        break;
    default:
        return false;
    }
    c->pending &= ~PEND_STOP;
    return true;
}
