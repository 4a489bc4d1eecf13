/*
 * devices/timer/timer.c — generic timer registers, outputs and clock
 * (Arm ARM D11.2 "The AArch64 view of the Generic Timer", D13.8 CNT* register
 * descriptions).  The count is a pure function of virtual time
 * (machine_now_ns), so every run sees the same values.
 */
#include <libfdt.h>
#include <stdlib.h>

#include "cpu/regs.h"
#include "cpu/sysreg.h"
#include "devices/gic/gic.h"
#include "devices/timer/timer.h"
#include "exceptions/route.h"
#include "trace/trace.h"

enum { T_PHYS, T_VIRT, T_HYP, T_SEC, T_N };
enum { CTL_ENABLE = 1, CTL_IMASK = 2, CTL_ISTATUS = 4 };
static const unsigned timer_ppi[T_N] = {TIMER_PPI_PHYS, TIMER_PPI_VIRT, TIMER_PPI_HYP, TIMER_PPI_SEC};

typedef struct TimerCpu {
    u64 ctl[T_N];       /* ENABLE, IMASK (ISTATUS computed) */
    u64 cval[T_N];
    bool out[T_N];      /* level driven into the GIC */
    u64 evt_last;       /* count at the previous event-stream check */
} TimerCpu;

typedef struct Timers {
    Machine *m;
    TimerCpu cpu[HS_MAX_CPUS];
} Timers;

static u64 count_at(u64 ns) { return ns / TIMER_NS_PER_TICK; }

u64 timer_cntpct(const Cpu *c)
{
    return count_at(machine_now_ns(c->m, c));
}

static TimerCpu *tc_of(const Cpu *c) { return c->timer; }

/* Count seen by timer T at physical count PCT. */
static u64 tcount(const Cpu *c, unsigned t, u64 pct)
{
    return t == T_VIRT ? pct - c->cntvoff_el2 : pct;
}

static bool condition(const Cpu *c, unsigned t, u64 pct)
{
    const TimerCpu *tc = tc_of(c);
    return (tc->ctl[t] & CTL_ENABLE) && tcount(c, t, pct) >= tc->cval[t];
}

static void update_at(Cpu *c, u64 pct)
{
    TimerCpu *tc = tc_of(c);
    for (unsigned t = 0; t < T_N; t++) {
        bool out = condition(c, t, pct) && !(tc->ctl[t] & CTL_IMASK);
        if (out != tc->out[t]) {
            tc->out[t] = out;
            if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_TIMER)) && trace_wanted(c, c->el, c->pc))
                trace_line(c->m, "timer: core %u PPI %u -> %d at count %llu", c->index, timer_ppi[t], out,
                       (unsigned long long)pct);
            if (c->m->gic)
                gic_set_input(c->m->gic, c->index, timer_ppi[t], out);
        }
    }
}

void timer_update_cpu(Cpu *c)
{
    update_at(c, timer_cntpct(c));
}

/* Event stream (Arm ARM D11.2.3): an event when bit EVNTI of the counter
 * makes the transition selected by EVNTDIR.  Number of such transitions in
 * [0, x]: 0->1 at x = 2^n + k*2^(n+1); 1->0 at x = (k+1)*2^(n+1). */
static u64 transitions(u64 x, unsigned n, bool dir)
{
    return dir ? x >> (n + 1) : (x + (1ull << n)) >> (n + 1);
}

static void event_stream(Cpu *c, u64 prev_pct, u64 pct)
{
    u64 k = c->cntkctl_el1, h = c->cnthctl_el2;
    bool ev = false;
    if (k & 4) {   /* CNTKCTL_EL1.EVNTEN: virtual counter */
        unsigned n = (k >> 4) & 15;
        bool dir = (k >> 3) & 1;
        ev |= transitions(pct - c->cntvoff_el2, n, dir) != transitions(prev_pct - c->cntvoff_el2, n, dir);
    }
    if (cpu_have_el2(c) && (h & 4)) {   /* CNTHCTL_EL2.EVNTEN: physical counter */
        unsigned n = (h >> 4) & 15;
        bool dir = (h >> 3) & 1;
        ev |= transitions(pct, n, dir) != transitions(prev_pct, n, dir);
    }
    if (ev)
        c->event = true;   /* the scheduler wakes a core in WFE on it */
}

static void tick(void *opaque, u64 now_ns)
{
    Timers *ts = opaque;
    u64 pct = count_at(now_ns);
    for (unsigned i = 0; i < ts->m->ncpu; i++) {
        Cpu *c = ts->m->cpu[i];
        TimerCpu *tc = tc_of(c);
        update_at(c, pct);
        if (pct != tc->evt_last)
            event_stream(c, tc->evt_last, pct);
        tc->evt_last = pct;
    }
}

/* Next physical count at which an event-stream event occurs, or UINT64_MAX. */
static u64 next_event_pct(u64 base_off, u64 pct, unsigned n, bool dir)
{
    u64 x = pct - base_off;
    u64 period = 1ull << (n + 1);
    u64 phase = dir ? 0 : (1ull << n);
    u64 next = ((x + period - phase) / period) * period + phase;
    if (next <= x)
        next += period;
    return next + base_off;
}

static u64 deadline(void *opaque)
{
    Timers *ts = opaque;
    Machine *m = ts->m;
    u64 pct_now = count_at(m->round_start_ns);
    u64 best = UINT64_MAX;
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        TimerCpu *tc = tc_of(c);
        for (unsigned t = 0; t < T_N; t++) {
            if (!(tc->ctl[t] & CTL_ENABLE) || (tc->ctl[t] & CTL_IMASK) || tc->out[t])
                continue;
            /* Physical count at which this timer's count reaches CVAL
             * (counts compare unsigned, modulo 2^64). */
            u64 cnt = tcount(c, t, pct_now);
            if (cnt >= tc->cval[t])
                continue;   /* condition already met: fired at the last tick */
            u64 target = pct_now + (tc->cval[t] - cnt);
            if (target < pct_now)
                continue;   /* beyond the end of time */
            if (target < best)
                best = target;
        }
        if (c->power == CORE_WFE) {
            if (c->cntkctl_el1 & 4) {
                u64 e = next_event_pct(c->cntvoff_el2, pct_now, (c->cntkctl_el1 >> 4) & 15,
                                       (c->cntkctl_el1 >> 3) & 1);
                if (e < best)
                    best = e;
            }
            if (cpu_have_el2(c) && (c->cnthctl_el2 & 4)) {
                u64 e = next_event_pct(0, pct_now, (c->cnthctl_el2 >> 4) & 15, (c->cnthctl_el2 >> 3) & 1);
                if (e < best)
                    best = e;
            }
        }
    }
    if (best == UINT64_MAX || best > UINT64_MAX / TIMER_NS_PER_TICK)
        return UINT64_MAX;
    return best * TIMER_NS_PER_TICK;
}

/* Reset: every timer disabled, compare values zero, outputs low. */
static void timer_reset(void *opaque)
{
    Timers *ts = opaque;
    for (unsigned i = 0; i < ts->m->ncpu; i++) {
        TimerCpu *tc = &ts->cpu[i];
        for (unsigned t = 0; t < T_N; t++) {
            bool was = tc->out[t];
            tc->ctl[t] = 0;
            tc->cval[t] = 0;
            tc->out[t] = false;
            if (was && ts->m->gic)
                gic_set_input(ts->m->gic, i, timer_ppi[t], false);
        }
        tc->evt_last = 0;
    }
}

/* The /timer node as QEMU virt writes it: Secure physical, Non-secure
 * physical, virtual and hypervisor timer PPIs, level-high (GICv2: with the
 * CPU mask). */
static int timer_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
    (void)opaque;
    u32 flags = FDT_IRQ_LEVEL_HIGH;
    if (ctx->gic_version == 2)
        flags |= ((1u << ctx->ncpu) - 1) << 8;   /* GICv2 PPI CPU mask */
    u32 irq[12] = {FDT_GIC_PPI, TIMER_PPI_SEC - 16, flags, FDT_GIC_PPI, TIMER_PPI_PHYS - 16, flags,
                   FDT_GIC_PPI, TIMER_PPI_VIRT - 16, flags, FDT_GIC_PPI, TIMER_PPI_HYP - 16, flags};
    int r;
    if ((r = fdt_begin_node(fdt, "timer")) < 0 || (r = fdt_property(fdt, "compatible", compat, sizeof(compat))) < 0 ||
        (r = fdt_prop_cells(fdt, "interrupts", irq, 12)) < 0 ||
        (r = fdt_property(fdt, "always-on", NULL, 0)) < 0)
        return r;
    return fdt_end_node(fdt);
}

static void timer_destroy(void *opaque)
{
    Timers *ts = opaque;
    for (unsigned i = 0; i < ts->m->ncpu; i++)
        if (ts->m->cpu[i]->timer == &ts->cpu[i])
            ts->m->cpu[i]->timer = NULL;
    free(ts);
}


static void timer_save_op(void *opaque, SaveBuf *b) { timer_save(((Timers *)opaque)->m, b); }
static bool timer_load_op(void *opaque, LoadBuf *b) { return timer_load(((Timers *)opaque)->m, b); }

static const DeviceOps timer_ops = {
    .type = "armv8-timer",
    .version = TIMER_SAVE_VERSION,
    .reset = timer_reset,
    .fdt_node = timer_fdt,
    .save = timer_save_op,
    .load = timer_load_op,
    .destroy = timer_destroy,
};

bool timer_attach(Machine *m)
{
    Timers *ts = calloc(1, sizeof(*ts));
    if (!ts)
        return false;
    ts->m = m;
    Device *d = machine_add_device(m, &timer_ops, ts, "timer");
    if (!d) {
        free(ts);
        return false;
    }
    for (unsigned t = 0; t < T_N; t++)
        device_add_irq(d, timer_ppi[t]);
    for (unsigned i = 0; i < m->ncpu; i++)
        m->cpu[i]->timer = &ts->cpu[i];
    machine_add_clock(m, tick, deadline, ts);
    return sysreg_add_table(m, &sysregs_timer);
}

/* ---- system registers ---- */

/* Row kinds, kept in resetval: timer index << 4 | register. */
enum { R_CTL = 1, R_CVAL = 2, R_TVAL = 3, R_PCT = 4, R_VCT = 5, R_FRQ = 6 };
#define KIND(t, reg) ((t) << 4 | (reg))

static bool el2_on(const Cpu *c) { return route_el2_enabled(c); }

/* Access controls (Arm ARM D11.2.2 and the CNT* "Configurations"/traps):
 * EL0 via CNTKCTL_EL1 (-> EL1, or EL2 when TGE), EL0/EL1 via CNTHCTL_EL2
 * (-> EL2), Secure timer via SCR_EL3.ST. */
static SrAccess acc_timer(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)isread;
    unsigned t = (unsigned)(r->resetval >> 4), reg = (unsigned)(r->resetval & 15);
    u64 k = c->cntkctl_el1, h = c->cnthctl_el2;
    if (reg == R_PCT || reg == R_VCT || reg == R_FRQ) {
        if (c->el == 0) {
            bool ok = reg == R_PCT ? (k & 1) : reg == R_VCT ? (k & 2) : (k & 3);
            if (!ok) {
                c->trap_reason = reg == R_PCT ? "CNTKCTL_EL1.EL0PCTEN=0" : reg == R_VCT ? "CNTKCTL_EL1.EL0VCTEN=0"
                                                                             : "CNTKCTL_EL1.EL0PCTEN=EL0VCTEN=0";
                return SR_TRAP_EL1;
            }
        }
        if (reg == R_PCT && c->el <= 1 && el2_on(c) && !(h & 1)) {
            c->trap_reason = "CNTHCTL_EL2.EL1PCTEN=0";
            return SR_TRAP_EL2;
        }
        return SR_OK;
    }
    if (t == T_SEC) {
        /* CNTPS_*: EL1 Secure with SCR_EL3.ST=1, or EL3 (D13.8.x CNTPS_CTL_EL1). */
        if (c->el == 3)
            return SR_OK;
        if (c->el == 1 && !c->ns) {
            if (!(c->scr_el3 & SCR_EL3_ST)) {
                c->trap_reason = "SCR_EL3.ST=0";
                return SR_TRAP_EL3;
            }
            return SR_OK;
        }
        c->trap_reason = "CNTPS_* is only accessible from Secure EL1 and EL3";
        return SR_UNDEF;
    }
    if (t == T_PHYS) {
        if (c->el == 0 && !(k & (1u << 9))) {
            c->trap_reason = "CNTKCTL_EL1.EL0PTEN=0";
            return SR_TRAP_EL1;
        }
        if (c->el <= 1 && el2_on(c) && !(h & 2)) {
            c->trap_reason = "CNTHCTL_EL2.EL1PCEN=0";
            return SR_TRAP_EL2;
        }
    }
    if (t == T_VIRT && c->el == 0 && !(k & (1u << 8))) {
        c->trap_reason = "CNTKCTL_EL1.EL0VTEN=0";
        return SR_TRAP_EL1;
    }
    return SR_OK;
}

static u64 rd_timer(Cpu *c, const SysRegDesc *r)
{
    unsigned t = (unsigned)(r->resetval >> 4), reg = (unsigned)(r->resetval & 15);
    TimerCpu *tc = tc_of(c);
    u64 pct = timer_cntpct(c);
    switch (reg) {
    case R_PCT: return pct;
    case R_VCT: return pct - c->cntvoff_el2;
    case R_FRQ: return c->cntfrq_el0;
    case R_CTL: return tc->ctl[t] | (condition(c, t, pct) ? CTL_ISTATUS : 0);
    case R_CVAL: return tc->cval[t];
    case R_TVAL: return (u32)(tc->cval[t] - tcount(c, t, pct));
    default: return 0;
    }
}

static void wr_timer(Cpu *c, const SysRegDesc *r, u64 v)
{
    unsigned t = (unsigned)(r->resetval >> 4), reg = (unsigned)(r->resetval & 15);
    TimerCpu *tc = tc_of(c);
    u64 pct = timer_cntpct(c);
    switch (reg) {
    case R_FRQ: c->cntfrq_el0 = v & 0xffffffffull; return;
    case R_CTL: tc->ctl[t] = v & (CTL_ENABLE | CTL_IMASK); break;
    case R_CVAL: tc->cval[t] = v; break;
    case R_TVAL: tc->cval[t] = tcount(c, t, pct) + (u64)(s64)(s32)(u32)v; break;
    default: return;
    }
    update_at(c, pct);
}

/* CNTVOFF_EL2 / CNTHCTL_EL2 / CNTKCTL_EL1: plain storage plus re-evaluation. */
static void wr_ctlreg(Cpu *c, const SysRegDesc *r, u64 v)
{
    u64 *p = (u64 *)((char *)c + r->offset);
    *p = r->wmask ? v & r->wmask : v;
    if (c->timer)
        update_at(c, timer_cntpct(c));
}

#define TROW(nm, o1, crm, o2, acc, kind, fl) \
    {nm, 3, o1, 14, crm, o2, acc, SR_F_IO | (fl), acc_timer, rd_timer, wr_timer, 0, kind, 0}

static const SysRegDesc rows[] = {
    TROW("CNTFRQ_EL0", 3, 0, 0, SR_PL0_R | SR_PL3_W, KIND(0, R_FRQ), 0),
    TROW("CNTPCT_EL0", 3, 0, 1, SR_PL0_R, KIND(0, R_PCT), 0),
    TROW("CNTVCT_EL0", 3, 0, 2, SR_PL0_R, KIND(0, R_VCT), 0),
    TROW("CNTP_TVAL_EL0", 3, 2, 0, SR_PL0_RW, KIND(T_PHYS, R_TVAL), 0),
    TROW("CNTP_CTL_EL0", 3, 2, 1, SR_PL0_RW, KIND(T_PHYS, R_CTL), 0),
    TROW("CNTP_CVAL_EL0", 3, 2, 2, SR_PL0_RW, KIND(T_PHYS, R_CVAL), 0),
    TROW("CNTV_TVAL_EL0", 3, 3, 0, SR_PL0_RW, KIND(T_VIRT, R_TVAL), 0),
    TROW("CNTV_CTL_EL0", 3, 3, 1, SR_PL0_RW, KIND(T_VIRT, R_CTL), 0),
    TROW("CNTV_CVAL_EL0", 3, 3, 2, SR_PL0_RW, KIND(T_VIRT, R_CVAL), 0),
    TROW("CNTHP_TVAL_EL2", 4, 2, 0, SR_PL2_RW, KIND(T_HYP, R_TVAL), SR_F_EL2),
    TROW("CNTHP_CTL_EL2", 4, 2, 1, SR_PL2_RW, KIND(T_HYP, R_CTL), SR_F_EL2),
    TROW("CNTHP_CVAL_EL2", 4, 2, 2, SR_PL2_RW, KIND(T_HYP, R_CVAL), SR_F_EL2),
    TROW("CNTPS_TVAL_EL1", 7, 2, 0, SR_PL1_RW, KIND(T_SEC, R_TVAL), 0),
    TROW("CNTPS_CTL_EL1", 7, 2, 1, SR_PL1_RW, KIND(T_SEC, R_CTL), 0),
    TROW("CNTPS_CVAL_EL1", 7, 2, 2, SR_PL1_RW, KIND(T_SEC, R_CVAL), 0),
    {"CNTKCTL_EL1", 3, 0, 14, 1, 0, SR_PL1_RW, SR_F_IO, NULL, NULL, wr_ctlreg,
     offsetof(Cpu, cntkctl_el1), 0, 0x3ff},
    {"CNTHCTL_EL2", 3, 4, 14, 1, 0, SR_PL2_RW, SR_F_IO | SR_F_EL2, NULL, NULL, wr_ctlreg,
     offsetof(Cpu, cnthctl_el2), 0, 0xff},
    {"CNTVOFF_EL2", 3, 4, 14, 0, 3, SR_PL2_RW, SR_F_IO | SR_F_EL2, NULL, NULL, wr_ctlreg,
     offsetof(Cpu, cntvoff_el2), 0, 0},
};

const SysRegTable sysregs_timer = SR_TABLE(rows);

/* ---- save / load (timer.h: timer_save, timer_load) ---- */

void timer_save(Machine *m, SaveBuf *b)
{
    static const TimerCpu none;
    save_u32(b, m->ncpu);
    for (unsigned i = 0; i < m->ncpu; i++) {
        const TimerCpu *tc = m->cpu[i]->timer ? tc_of(m->cpu[i]) : &none;
        for (unsigned t = 0; t < T_N; t++) {
            save_u8(b, (u8)tc->ctl[t]);
            save_u64(b, tc->cval[t]);
            save_bool(b, tc->out[t]);
        }
        save_u64(b, tc->evt_last);
    }
}

bool timer_load(Machine *m, LoadBuf *b)
{
    if (b->bad)
        return false;
    u32 ncpu = load_u32(b);
    if (b->bad || ncpu != m->ncpu) {
        load_fail(b);
        return false;
    }
    for (unsigned i = 0; i < m->ncpu; i++)
        if (!m->cpu[i]->timer) {
            load_fail(b);
            return false;
        }
    /* Read everything before changing anything. */
    TimerCpu tmp[HS_MAX_CPUS];
    for (unsigned i = 0; i < ncpu && !b->bad; i++) {
        TimerCpu *tc = &tmp[i];
        for (unsigned t = 0; t < T_N; t++) {
            tc->ctl[t] = load_u8(b);
            tc->cval[t] = load_u64(b);
            tc->out[t] = load_bool(b);
            if (tc->ctl[t] & ~(u64)(CTL_ENABLE | CTL_IMASK))
                load_fail(b);
            /* The output is only ever asserted for an enabled, unmasked
             * timer (update_at). */
            if (tc->out[t] && (tc->ctl[t] & (CTL_ENABLE | CTL_IMASK)) != CTL_ENABLE)
                load_fail(b);
        }
        tc->evt_last = load_u64(b);
    }
    if (b->bad)
        return false;
    for (unsigned i = 0; i < ncpu; i++) {
        Cpu *c = m->cpu[i];
        *tc_of(c) = tmp[i];
        for (unsigned t = 0; t < T_N; t++)
            if (m->gic)
                gic_set_input(m->gic, c->index, timer_ppi[t], tmp[i].out[t]);
    }
    return true;
}
