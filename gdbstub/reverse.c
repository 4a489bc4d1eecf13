/*
 * gdbstub/reverse.c — reverse execution and time travel for gdb on the
 * checkpoints of machine/checkpoint.h (--reverse-budget).
 *
 * A position in the run is "core C is about to execute its instruction
 * number K+1" (C has retired K: Cpu.icount == K, C is running and has
 * budget left in its slot).  The schedule is deterministic, so each such
 * position happens once, and going to one is: restore the newest checkpoint
 * taken before it, run forward (every core, the normal schedule) and stop
 * there (insn_check sees core C at icount K).  With reverse execution on,
 * forward steps follow the schedule too: `stepi` on C goes to (C, K+1),
 * other cores run where the schedule runs them, so stepping back and forth
 * returns to the very same machine state.
 *
 * reverse-continue scans backwards interval by interval: restore the
 * checkpoint before the current position, run to the position noting every
 * breakpoint and watchpoint hit, then go to the last one; if the interval
 * had none, the interval before, down to the first checkpoint ("no more
 * reverse-execution history": replaylog:begin).
 */
#include <stdio.h>
#include <string.h>

#include "cpu/power.h"
#include "gdbstub/internal.h"
#include "machine/checkpoint.h"
#include "mmu/mmu.h"

/* The one place SLOW_BREAK is decided (here so that the time-travel code,
 * which changes it, calls nothing above it). */
void gdb_update_slow(GdbStub *s)
{
    bool need = s->nbp || s->nwp || s->frozen || s->wait_initial || (s->tr.mode != TR_NONE && s->tr.near);
    if (need)
        s->m->slow |= SLOW_BREAK;
    else
        s->m->slow &= ~SLOW_BREAK;
}

bool gdb_reverse_on(GdbStub *s)
{
    return checkpoint_enabled(s->m);
}

/* Restore checkpoint J and make the scheduler drop its current round. */
static bool restore(GdbStub *s, unsigned j)
{
    char err[256];
    if (!checkpoint_restore(s->m, j, err, sizeof(err))) {
        char msg[320];
        snprintf(msg, sizeof(msg), "hyperstep: cannot restore checkpoint %u: %s\n", j, err);
        rsp_console(s, msg);
        return false;
    }
    s->m->restart_round = true;
    s->bskip_valid = 0;
    s->wskip_valid = 0;
    s->stop_pending = false;
    s->ev.kind = EV_NONE;
    return true;
}

/* Newest checkpoint at which core CORE had retired at most ICOUNT
 * instructions, or -1. */
static int ckpt_before_icount(Machine *m, unsigned core, u64 icount)
{
    for (unsigned j = checkpoint_count(m); j-- > 0;)
        if (checkpoint_info(m, j)->icount[core] <= icount)
            return (int)j;
    return -1;
}

void gdb_rev_update_slow(GdbStub *s)
{
    Machine *m = s->m;
    Travel *t = &s->tr;
    bool near = false;
    if (t->mode == TR_SCAN || t->any)
        near = true;
    else if (t->mode == TR_GOTO && t->by_step)
        near = m->steps + 2 * m->quantum >= t->step;
    else if (t->mode == TR_GOTO)
        near = m->cpu[t->core]->icount + 2 * m->quantum >= t->icount;
    t->near = near;
}

/* Go to the position (CORE, ICOUNT) and report KIND there (EV_TRAP for a
 * step).  Returns what the stop loop does. */
Action gdb_rev_goto(GdbStub *s, unsigned core, u64 icount, StopKind kind, u64 addr)
{
    Machine *m = s->m;
    Travel *t = &s->tr;
    memset(t, 0, sizeof(*t));
    t->core = core;
    t->icount = icount;
    t->report.kind = kind;
    t->report.core = core;
    t->report.addr = addr;
    Cpu *c = m->cpu[core];
    if (icount < c->icount) {
        int j = ckpt_before_icount(m, core, icount);
        if (j < 0) {
            /* Before the oldest checkpoint: go to its first instruction. */
            if (!restore(s, 0))
                return ACT_STAY;
            t->any = true;
            t->begin = true;
        } else if (!restore(s, (unsigned)j)) {
            return ACT_STAY;
        }
    }
    t->mode = TR_GOTO;
    gdb_rev_update_slow(s);
    gdb_update_slow(s);
    return ACT_RESUME;
}

/* The current position: (*CORE, its icount) mid-slot, or false at a round
 * end (Machine.steps). */
static bool position(GdbStub *s, unsigned *core)
{
    Machine *m = s->m;
    if (!m->current)
        return false;
    *core = m->current->index;
    return true;
}

/* Start scanning the interval before the current position. */
Action gdb_rev_continue(GdbStub *s)
{
    Machine *m = s->m;
    Travel *t = &s->tr;
    memset(t, 0, sizeof(*t));
    unsigned core;
    int j;
    if (position(s, &core)) {
        t->core = core;
        t->icount = m->cpu[core]->icount;
        j = ckpt_before_icount(m, core, t->icount);
    } else {
        t->end_round = true;
        t->end_steps = m->steps;
        j = -1;
        for (unsigned k = checkpoint_count(m); k-- > 0;)
            if (checkpoint_info(m, k)->steps < m->steps) {
                j = (int)k;
                break;
            }
    }
    if (j < 0)
        j = 0;
    t->ckpt = (unsigned)j;
    if (!restore(s, t->ckpt))
        return ACT_STAY;
    t->mode = TR_SCAN;
    gdb_rev_update_slow(s);
    gdb_update_slow(s);
    return ACT_RESUME;
}

/* A scan reached its end: go to the last hit, or scan the interval before. */
static void scan_done(GdbStub *s)
{
    Machine *m = s->m;
    Travel *t = &s->tr;
    if (t->hit) {
        unsigned j = t->ckpt;
        StopEvent e = t->hit_ev;
        u64 ic = t->hit_icount;
        memset(t, 0, sizeof(*t));
        if (!restore(s, j))
            return;
        t->mode = TR_GOTO;
        t->core = e.core;
        t->icount = ic;
        t->report = e;
    } else if (t->ckpt == 0) {
        memset(t, 0, sizeof(*t));
        if (!restore(s, 0))
            return;
        t->mode = TR_GOTO;
        t->any = true;
        t->begin = true;
        t->report.kind = EV_TRAP;
    } else {
        unsigned j = t->ckpt - 1;
        t->end_round = true;
        t->end_steps = checkpoint_info(m, t->ckpt)->steps;
        t->ckpt = j;
        if (!restore(s, j))
            return;
    }
    gdb_rev_update_slow(s);
    gdb_update_slow(s);
}

/* Note a breakpoint or watchpoint hit of the scan. */
static void scan_hit(GdbStub *s, Cpu *c, StopKind kind, u64 addr)
{
    Travel *t = &s->tr;
    t->hit = true;
    t->hit_ev.kind = kind;
    t->hit_ev.core = c->index;
    t->hit_ev.addr = addr;
    t->hit_icount = c->icount;
}

/* MachineHooks.insn_check while travelling.  Returns true to end C's slot
 * (arrival). */
bool gdb_rev_insn(GdbStub *s, Cpu *c)
{
    Machine *m = s->m;
    Travel *t = &s->tr;
    if (c->budget <= 0 || c->power != CORE_ON)
        return false;
    bool at;
    if (t->any)
        at = true;
    else if (t->mode == TR_GOTO && t->by_step)
        at = machine_step(m, c) >= t->step;
    else if (t->end_round)
        at = false;
    else
        at = c->index == t->core && c->icount == t->icount;
    if (at) {
        s->stop_pending = true;
        s->stop.kind = EV_TRAP;
        s->stop.core = c->index;
        s->tr_arrived = true;
        return true;
    }
    if (t->mode == TR_SCAN)
        for (unsigned k = 0; k < s->nbp; k++)
            if (s->bp[k].addr == c->pc) {
                scan_hit(s, c, s->bp[k].hw ? EV_HWBREAK : EV_SWBREAK, 0);
                break;
            }
    return false;
}

void gdb_rev_watch(GdbStub *s, Cpu *c, StopKind kind, u64 addr)
{
    if (s->tr.mode == TR_SCAN)
        scan_hit(s, c, kind, addr);
}

/* Arrival at the target, at a slot stop (outside the interpreter).
 * Returns true when the stop loop is to be served (the travel is over),
 * false when the machine runs on (a scan continues elsewhere). */
bool gdb_rev_arrived(GdbStub *s, Cpu *c, StopEvent *e)
{
    Travel *t = &s->tr;
    s->tr_arrived = false;
    if (t->mode == TR_SCAN) {
        scan_done(s);
        return false;
    }
    /* TR_GOTO */
    *e = t->report;
    e->core = c->index;
    s->tr_begin = t->begin;
    s->tr_reply_ok = t->monitor;
    memset(t, 0, sizeof(*t));
    unsigned i = c->index;
    s->bskip_icount[i] = c->icount;
    s->bskip_valid |= 1u << i;
    if (e->kind >= EV_WATCH) {
        s->wskip_icount[i] = c->icount;
        s->wskip_valid |= 1u << i;
    }
    gdb_update_slow(s);
    return true;
}

/* Once per round (poll): a scan that ends at a round end; the SLOW_BREAK
 * need of a far target.  Returns true if the state was replaced. */
bool gdb_rev_round(GdbStub *s)
{
    Travel *t = &s->tr;
    if (t->mode == TR_NONE)
        return false;
    if (t->mode == TR_SCAN && t->end_round && s->m->steps >= t->end_steps) {
        scan_done(s);
        return true;
    }
    bool was = t->near;
    gdb_rev_update_slow(s);
    if (was != t->near)
        gdb_update_slow(s);
    return false;
}

/* The debugger changes the machine: what was recorded after this point no
 * longer happens. */
void gdb_rev_changed(GdbStub *s)
{
    if (gdb_reverse_on(s))
        checkpoint_truncate(s->m, s->m->steps);
}

/* monitor goto STEP: the first instruction, in schedule order, whose global
 * step is STEP or later. */
Action gdb_rev_goto_step(GdbStub *s, u64 step)
{
    Machine *m = s->m;
    Travel *t = &s->tr;
    memset(t, 0, sizeof(*t));
    t->by_step = true;
    t->step = step;
    t->monitor = true;
    t->report.kind = EV_TRAP;
    u64 round = step / m->quantum * m->quantum;
    if (round <= m->steps) {
        int j = -1;
        for (unsigned k = checkpoint_count(m); k-- > 0;)
            if (checkpoint_info(m, k)->steps <= round) {
                j = (int)k;
                break;
            }
        if (j < 0)
            j = 0;
        if (!restore(s, (unsigned)j))
            return ACT_STAY;
    }
    t->mode = TR_GOTO;
    gdb_rev_update_slow(s);
    gdb_update_slow(s);
    return ACT_RESUME;
}

/* monitor when: where the machine is. */
void gdb_rev_when(GdbStub *s, char *out, size_t n)
{
    Machine *m = s->m;
    size_t k = 0;
    u64 total = 0;
    for (unsigned i = 0; i < m->ncpu; i++)
        total += m->cpu[i]->icount;
    if (m->current)
        k += (size_t)snprintf(out + k, n - k, "step %llu: CPU#%u, %llu instructions into its slot of the round "
                              "at step %llu\n", (unsigned long long)machine_step(m, m->current), m->current->index,
                              (unsigned long long)machine_slot_ran(m, m->current), (unsigned long long)m->steps);
    else
        k += (size_t)snprintf(out + k, n - k, "step %llu: between rounds\n", (unsigned long long)m->steps);
    k += (size_t)snprintf(out + k, n - k < n ? n - k : 0, "instructions retired: %llu (", (unsigned long long)total);
    for (unsigned i = 0; i < m->ncpu && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%sCPU#%u %llu", i ? ", " : "", i,
                              (unsigned long long)m->cpu[i]->icount);
    if (k < n)
        k += (size_t)snprintf(out + k, n - k, ")\n");
    if (gdb_reverse_on(s) && k < n) {
        u64 budget, bytes = checkpoint_bytes(m, &budget);
        unsigned nc = checkpoint_count(m);
        k += (size_t)snprintf(out + k, n - k, "checkpoints: %u, steps %llu..%llu, %.1f of %.1f MiB\n", nc,
                              (unsigned long long)(nc ? checkpoint_info(m, 0)->steps : 0),
                              (unsigned long long)(nc ? checkpoint_info(m, nc - 1)->steps : 0),
                              (double)bytes / (1 << 20), (double)budget / (1 << 20));
    } else if (k < n) {
        snprintf(out + k, n - k, "reverse execution is off (--reverse-budget MiB)\n");
    }
}
