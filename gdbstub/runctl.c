/*
 * gdbstub/runctl.c — run control in all-stop mode: stop replies,
 * single-step of one core, continue with scheduler-locking (the vCont
 * parser is packets.c; the stop loop and the machine's hooks stop.c).
 */
#include <poll.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "cpu/power.h"
#include "gdbstub/internal.h"
#include "mmu/mmu.h"


/* ---- stop replies ---- */

void gdb_send_stop(GdbStub *s, const StopEvent *e)
{
    s->last = *e;
    s->cur = e->core;
    s->cont = (int)e->core;
    unsigned tid = e->core + 1;
    if (s->tr_begin) {
        /* Gone back to the oldest checkpoint (gdb: "No more reverse-execution
         * history"). */
        s->tr_begin = false;
        rsp_send_fmt(s, "T05thread:%x;core:%x;replaylog:begin;", tid, e->core);
        return;
    }
    switch (e->kind) {
    case EV_SIGINT:
        rsp_send_fmt(s, "T02thread:%x;core:%x;", tid, e->core);
        break;
    case EV_SWBREAK:
        rsp_send_fmt(s, "T05thread:%x;core:%x;swbreak:;", tid, e->core);
        break;
    case EV_HWBREAK:
        rsp_send_fmt(s, "T05thread:%x;core:%x;hwbreak:;", tid, e->core);
        break;
    case EV_WATCH:
    case EV_RWATCH:
    case EV_AWATCH:
        rsp_send_fmt(s, "T05thread:%x;core:%x;%s:%llx;", tid, e->core,
                 e->kind == EV_WATCH ? "watch" : e->kind == EV_RWATCH ? "rwatch" : "awatch",
                 (unsigned long long)e->addr);
        break;
    default:
        rsp_send_fmt(s, "T05thread:%x;core:%x;", tid, e->core);
        break;
    }
}

/* Why core C cannot execute an instruction now, or NULL if it can. */
static const char *cannot_run(const Cpu *c, bool step)
{
    switch (c->power) {
    case CORE_OFF_NEVER: return "is off (never powered on)";
    case CORE_OFF: return "is off (powered down, e.g. by PSCI CPU_OFF)";
    case CORE_SUSPENDED: return step ? "is suspended (PSCI CPU_SUSPEND)" : NULL;
    case CORE_WFI: return step ? "is waiting in WFI (only an interrupt wakes it)" : NULL;
    case CORE_WFE: return step ? "is waiting in WFE (only an event or interrupt wakes it)" : NULL;
    default: return NULL;
    }
}

/* Step exactly one instruction of core C, others stay stopped (with
 * reverse execution: along the schedule, see gdbstub/reverse.c). */
Action gdb_step(GdbStub *s, Cpu *c)
{
    const char *why = cannot_run(c, true);
    if (why) {
        char msg[200];
        snprintf(msg, sizeof(msg), "hyperstep: CPU#%u (thread %u) %s: nothing to step.\n", c->index,
                 c->index + 1, why);
        rsp_console(s, msg);
        StopEvent e = {EV_TRAP, c->index, 0};
        gdb_send_stop(s, &e);
        return ACT_STAY;
    }
    if (gdb_reverse_on(s))
        return gdb_rev_goto(s, c->index, c->icount + 1, EV_TRAP, 0);
    Machine *m = s->m;
    if (c->power == CORE_ON_PENDING) {
        /* CPU_ON accepted: the core starts now, as the scheduler would start
         * it at its next slot, and executes its first instruction. */
        cpu_set_power(c, CORE_ON, c->power_why);
        c->pending &= ~PEND_STOP;
    }
    s64 budget = c->budget;
    u64 before = c->icount;
    s->ev.kind = EV_NONE;
    s->stepping = true;
    /* A pending PEND_STOP makes cpu_run leave before executing: retry. */
    for (int i = 0; i < 4 && c->icount == before && c->power == CORE_ON && s->ev.kind == EV_NONE &&
                    !m->exit_requested; i++)
        cpu_run(c, 1);
    s->stepping = false;
    c->budget = budget;
    StopEvent e = {EV_TRAP, c->index, 0};
    if (s->ev.kind != EV_NONE && s->ev.core == c->index) {
        e = s->ev;
        s->wskip_icount[c->index] = c->icount;
        s->wskip_valid |= 1u << c->index;
    }
    s->ev.kind = EV_NONE;
    gdb_send_stop(s, &e);
    return ACT_STAY;
}

/* Resume: CONT is the mask of cores allowed to run. */
Action gdb_resume(GdbStub *s, u32 cont)
{
    Machine *m = s->m;
    bool any = false;
    unsigned first = s->cur;
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (!(cont & (1u << i)))
            continue;
        if (!cannot_run(m->cpu[i], false))
            any = true;
    }
    if (!any) {
        char msg[256];
        for (unsigned i = 0; i < m->ncpu; i++)
            if (cont & (1u << i)) {
                first = i;
                break;
            }
        snprintf(msg, sizeof(msg), "hyperstep: CPU#%u (thread %u) %s and no other resumed core can run: "
                 "staying stopped (resume another thread, or 'set scheduler-locking off').\n",
                 first, first + 1, cannot_run(m->cpu[first], false) ? cannot_run(m->cpu[first], false)
                 : "cannot run");
        rsp_console(s, msg);
        StopEvent e = {EV_TRAP, first, 0};
        gdb_send_stop(s, &e);
        return ACT_STAY;
    }
    u32 all = m->ncpu >= 32 ? ~0u : (1u << m->ncpu) - 1;
    /* With reverse execution every core follows the schedule (no
     * scheduler-locking): positions must stay those of the recorded run. */
    s->frozen = gdb_reverse_on(s) ? 0 : all & ~cont;
    return ACT_RESUME;
}
