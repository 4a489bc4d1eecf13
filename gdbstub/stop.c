/*
 * gdbstub/stop.c — stopping the machine for gdb: the stop loop (serving
 * packets while the machine is stopped), and the hooks the machine calls
 * (MachineHooks): once per round (poll), before each instruction while
 * SLOW_BREAK is set (breakpoints, frozen cores), at a watched data access,
 * and after a slot a stop ended (slot_stop), where the stop loop runs —
 * outside the interpreter.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "cpu/power.h"
#include "gdbstub/internal.h"
#include "mmu/mmu.h"

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
    if (send && s->tr_reply_ok) {
        /* Arrival of `monitor goto`: the qRcmd's answer. */
        s->tr_reply_ok = false;
        s->last = *ev;
        s->cur = ev->core;
        char msg[160];
        snprintf(msg, sizeof(msg), "hyperstep: now at step %llu, CPU#%u (run 'maint flush register-cache')\n",
                 (unsigned long long)machine_step(m, m->cpu[ev->core]), ev->core);
        rsp_console(s, msg);
        rsp_send_str(s, "OK");
    } else if (send) {
        gdb_send_stop(s, ev);
    }
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
    if (s->tr.mode != TR_NONE) {
        /* Travelling: only the journey's own stop ends it. */
        if (gdb_rev_round(s))
            return m->exit_requested;
        if (s->conn_fd >= 0 && s->rpos >= s->rlen && !rsp_fill(s, 0)) {
            rsp_close(s);
            gdb_drop_points(s);
            memset(&s->tr, 0, sizeof(s->tr));
            gdb_update_slow(s);
            return m->exit_requested;
        }
        while (s->conn_fd >= 0 && rsp_parse(s))
            rsp_send_str(s, "E16");
        s->got_intr = false;
        return m->exit_requested;
    }
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
    if (s->tr.mode != TR_NONE)
        return gdb_rev_insn(s, c);
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
        if (c->budget <= 0 && gdb_reverse_on(s))
            return false;   /* the slot ends first: the instruction runs (and is checked) in the next one,
                               the position reverse execution can come back to */
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
    if (s->tr_arrived && !gdb_rev_arrived(s, c, &e))
        return false;   /* a scan goes on from another checkpoint (restart_round) */
    stop_loop(s, &e, true);
    if (s->exiting || c->m->exit_requested || c->m->restart_round)
        return false;   /* kill, a step ran SYSTEM_OFF / semihosting exit, or the run went back */
    return (s->frozen & (1u << c->index)) == 0;
}

void gdb_watch_hook(void *opaque, Cpu *c, u64 va, unsigned size, bool write, unsigned flags)
{
    GdbStub *s = opaque;
    if (!s->nwp || (flags & (MEMF_AT | MEMF_NOFAULT)) || !c->exc_jmp)
        return;
    if (s->in_loop && !s->stepping)
        return;
    if (s->tr.mode != TR_NONE) {
        /* Travelling: a scan notes the hit, a goto ignores it. */
        for (unsigned k = 0; k < s->nwp && s->tr.mode == TR_SCAN; k++) {
            StopKind kind = s->wp[k].kind;
            u64 a = s->wp[k].addr, end = a + s->wp[k].len;
            if ((kind == EV_WATCH && !write) || (kind == EV_RWATCH && write) || va + size <= a || va >= end)
                continue;
            gdb_rev_watch(s, c, kind, va > a ? va : a);
            break;
        }
        return;
    }
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

