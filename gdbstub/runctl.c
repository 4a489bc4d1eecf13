/*
 * gdbstub/runctl.c — run control in all-stop mode: the stop loop (serving
 * packets while the machine is stopped), stop replies, single-step of one
 * core, continue with scheduler-locking, and the hooks the run loop and the
 * TLB slow paths call (breakpoints, watchpoints, frozen cores).
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

/* Step exactly one instruction of core C, others stay stopped. */
void gdb_step(GdbStub *s, Cpu *c)
{
    const char *why = cannot_run(c, true);
    if (why) {
        char msg[200];
        snprintf(msg, sizeof(msg), "hyperstep: CPU#%u (thread %u) %s: nothing to step.\n", c->index,
                 c->index + 1, why);
        rsp_console(s, msg);
        StopEvent e = {EV_TRAP, c->index, 0};
        gdb_send_stop(s, &e);
        return;
    }
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
    s->frozen = all & ~cont;
    return ACT_RESUME;
}

/* vCont;ACTION[:TID]... */
Action gdb_vcont(GdbStub *s, const char *p)
{
    Machine *m = s->m;
    char act[HS_MAX_CPUS];
    memset(act, 0, sizeof(act));
    while (*p == ';') {
        p++;
        char a = *p++;
        if (a == 'C' || a == 'S') {
            u64 sig;
            if (!parse_hex(&p, &sig)) {
                rsp_send_str(s, "E22");
                return ACT_STAY;
            }
            a = (char)(a - 'A' + 'a');   /* signals mean nothing to a bare-metal core */
        } else if (a != 'c' && a != 's' && a != 't') {
            rsp_send_str(s, "E22");
            return ACT_STAY;
        }
        int tid = -1;
        if (*p == ':') {
            const char *e;
            tid = gdb_parse_tid(s, p + 1, &e);
            if (tid == -3) {
                rsp_send_str(s, "E22");
                return ACT_STAY;
            }
            if (tid == -2)
                tid = (int)s->cur;
            p = e;
        }
        for (unsigned i = 0; i < m->ncpu; i++)
            if (!act[i] && (tid == -1 || (unsigned)tid == i))
                act[i] = a;
    }
    if (*p) {
        rsp_send_str(s, "E22");
        return ACT_STAY;
    }
    /* A step of one thread: that core runs one instruction, all others stay
     * stopped (all-stop: the step finishes before anyone else is scheduled). */
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (act[i] == 's') {
            /* Prefer the selected thread if several step. */
            unsigned k = act[s->cur] == 's' ? s->cur : i;
            gdb_step(s, m->cpu[k]);
            return ACT_STAY;
        }
    }
    u32 cont = 0;
    for (unsigned i = 0; i < m->ncpu; i++)
        if (act[i] == 'c')
            cont |= 1u << i;
    if (!cont) {
        StopEvent e = {EV_NONE, s->cur, 0};
        rsp_send_fmt(s, "T00thread:%x;", e.core + 1);
        return ACT_STAY;
    }
    return gdb_resume(s, cont);
}


/* ---- the stop loop ---- */


/* Serve packets while the machine is stopped.  EV is the reason (sent as a
 * stop reply unless SEND is false: a fresh connection asks with '?'). */
static void stop_loop(GdbStub *s, const StopEvent *ev, bool send)
{
    Machine *m = s->m;
    s->in_loop = true;
    s->frozen = 0;
    s->last = *ev;
    s->cur = ev->core;
    if (s->conn_fd < 0) {
        rsp_wait_connection(s);
        send = false;   /* a fresh gdb asks with '?' */
    }
    if (send)
        gdb_send_stop(s, ev);
    for (;;) {
        if (s->conn_fd < 0) {
            /* Lost the debugger: behave as after a detach. */
            gdb_drop_points(s);
            break;
        }
        if (s->rpos >= s->rlen && !rsp_fill(s, -1)) {
            rsp_close(s);
            continue;
        }
        if (!rsp_parse(s))
            continue;
        Action a = gdb_handle_packet(s);
        if (a == ACT_STAY) {
            if (m->exit_requested)
                break;   /* a step ran SYSTEM_OFF / semihosting exit */
            continue;
        }
        if (a == ACT_DETACH) {
            rsp_close(s);
            gdb_drop_points(s);
        } else if (a == ACT_KILL) {
            rsp_close(s);
            gdb_drop_points(s);
            m->exit_requested = true;
            s->exiting = true;
        }
        break;
    }
    s->got_intr = false;
    s->in_loop = false;
    gdb_update_slow(s);
}

/* Core to name in a stop reply when no core caused the stop. */
static unsigned pick_core(GdbStub *s)
{
    Machine *m = s->m;
    if (s->last.core < m->ncpu && m->cpu[s->last.core]->power == CORE_ON)
        return s->last.core;
    for (unsigned i = 0; i < m->ncpu; i++)
        if (m->cpu[i]->power == CORE_ON)
            return i;
    return s->last.core < m->ncpu ? s->last.core : 0;
}

bool gdb_poll(void *opaque, Machine *m)
{
    GdbStub *s = opaque;
    if (!s || s->in_loop)
        return m->exit_requested;
    if (s->conn_fd < 0) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0 && rsp_accept(s)) {
            StopEvent e = {EV_TRAP, pick_core(s), 0};
            stop_loop(s, &e, false);
        }
        return m->exit_requested;
    }
    if (s->rpos >= s->rlen && !rsp_fill(s, 0)) {
        rsp_close(s);
        gdb_drop_points(s);
        return m->exit_requested;
    }
    while (rsp_parse(s)) {
        /* Packets while running are out of order: only Ctrl-C is acted on. */
        rsp_send_str(s, "E16");
    }
    if (s->got_intr) {
        s->got_intr = false;
        StopEvent e = {EV_SIGINT, pick_core(s), 0};
        stop_loop(s, &e, true);
    }
    return m->exit_requested;
}


/* ---- hooks ---- */

bool gdb_insn_hook(void *opaque, Cpu *c)
{
    GdbStub *s = opaque;
    unsigned i = c->index;
    if (s->in_loop)
        return s->ev.kind != EV_NONE && s->ev.core == i;   /* watch hit during a step */
    if (s->exiting)
        return true;
    StopEvent e = {EV_NONE, i, 0};
    if (s->ev.kind != EV_NONE && s->ev.core == i) {
        e = s->ev;   /* watchpoint: the access was abandoned, PC is at it */
        s->ev.kind = EV_NONE;
    } else if (s->wait_initial) {
        s->wait_initial = false;
        e.kind = EV_TRAP;
    } else {
        if (s->frozen & (1u << i))
            return true;
        if (c->power != CORE_ON)
            return false;   /* just went to sleep/off: PEND_STOP is pending */
        bool skip = (s->bskip_valid & (1u << i)) && s->bskip_icount[i] == c->icount;
        if (!skip) {
            for (unsigned k = 0; k < s->nbp; k++) {
                if (s->bp[k].addr == c->pc) {
                    e.kind = s->bp[k].hw ? EV_HWBREAK : EV_SWBREAK;
                    break;
                }
            }
        }
        if (e.kind == EV_NONE)
            return false;
    }
    /* On resume the instruction at the stop runs first, without a second
     * breakpoint check (and, after a watchpoint, without re-checking the
     * watchpoint it was stopped for). */
    s->bskip_icount[i] = c->icount;
    s->bskip_valid |= 1u << i;
    if (e.kind >= EV_WATCH) {
        s->wskip_icount[i] = c->icount;
        s->wskip_valid |= 1u << i;
    }
    /* End the slot: the machine serves the stop outside the interpreter
     * (gdb_slot_stop) and then lets the core finish its slot. */
    s->stop = e;
    s->stop_pending = true;
    return true;
}

bool gdb_slot_stop(void *opaque, Cpu *c)
{
    GdbStub *s = opaque;
    if (!s->stop_pending || s->stop.core != c->index)
        return false;
    s->stop_pending = false;
    StopEvent e = s->stop;
    stop_loop(s, &e, true);
    if (s->exiting || c->m->exit_requested)
        return false;   /* kill, or a step ran SYSTEM_OFF / semihosting exit */
    return (s->frozen & (1u << c->index)) == 0;
}

void gdb_watch_hook(void *opaque, Cpu *c, u64 va, unsigned size, bool write, unsigned flags)
{
    GdbStub *s = opaque;
    if (!s->nwp || (flags & (MEMF_AT | MEMF_NOFAULT)) || !c->exc_jmp)
        return;
    if (s->in_loop && !s->stepping)
        return;
    unsigned i = c->index;
    if ((s->wskip_valid & (1u << i)) && s->wskip_icount[i] == c->icount)
        return;
    for (unsigned k = 0; k < s->nwp; k++) {
        StopKind kind = s->wp[k].kind;
        if (kind == EV_WATCH && !write)
            continue;
        if (kind == EV_RWATCH && write)
            continue;
        u64 a = s->wp[k].addr, end = a + s->wp[k].len;
        if (va + size <= a || va >= end)
            continue;
        s->ev.kind = kind;
        s->ev.core = i;
        s->ev.addr = va > a ? va : a;
        longjmp(*c->exc_jmp, CPU_JMP_ABORT);
    }
}

