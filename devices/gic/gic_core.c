/*
 * devices/gic/gic_core.c — the interrupt engine shared by GICv2 and GICv3:
 * pending/active state machine, highest-priority pending interrupt per core,
 * priority masking, preemption by group priority (binary point),
 * acknowledge / priority drop / deactivation, SGIs, the virtual CPU
 * interface (list registers) and the maintenance interrupt, and driving the
 * cores' CPU_LINE_* inputs.  (IHI 0048B chapters 3 and 5; IHI 0069 chapters
 * 4, 6 and 12.)
 */
#include <stdlib.h>
#include <string.h>

#include "devices/gic/gic_internal.h"
#include "trace/trace.h"

GicIrq *gic_irq(Gic *g, unsigned cpu, unsigned intid)
{
    return intid < 32 ? &g->cpu[cpu].priv[intid] : &g->irq[intid];
}

bool gic_irq_pending(Gic *g, unsigned cpu, unsigned intid)
{
    if (g->version == 2 && intid < 16)
        return g->cpu[cpu].sgi_src[intid] != 0;
    GicIrq *q = gic_irq(g, cpu, intid);
    return q->latch || (!q->edge && q->level);
}

void gic_set_pending(Gic *g, unsigned cpu, unsigned intid, bool pend)
{
    if (g->version == 2 && intid < 16) {
        /* GICv2 ISPENDR/ICPENDR on SGIs: use the accessing core as the source
         * when setting; clearing drops every source (IHI 0048B 4.3.7). */
        if (pend)
            g->cpu[cpu].sgi_src[intid] |= (u8)(1u << (cpu & 7));
        else
            g->cpu[cpu].sgi_src[intid] = 0;
        return;
    }
    gic_irq(g, cpu, intid)->latch = pend;
}

/* Does SPI/PPI INTID go to core CPU? */
static bool targets_cpu(Gic *g, unsigned cpu, unsigned intid)
{
    if (intid < 32)
        return true;
    const GicIrq *q = &g->irq[intid];
    if (g->version == 2)   /* uniprocessor: ITARGETSR is irrelevant (IHI 0048B 4.3.12) */
        return g->ncpu == 1 || ((q->targets >> cpu) & 1);
    if (q->route & (1ull << 31)) {
        /* 1-of-N: deliver to the lowest-numbered core whose interface has the
         * group enabled (a deterministic choice the architecture permits). */
        for (unsigned i = 0; i < g->ncpu; i++)
            if (g->cpu[i].grpen[q->group])
                return i == cpu;
        return cpu == 0;
    }
    u64 mp = g->m->cpu[cpu]->mpidr_el1;
    u64 aff = (mp & 0xffffff) | ((mp >> 32) & 0xff) << 32;
    u64 want = (q->route & 0xffffff) | ((q->route >> 32) & 0xff) << 32;
    return aff == want;
}

static bool group_enabled(Gic *g, unsigned cpu, unsigned group)
{
    return ((g->ctlr >> group) & 1) && g->cpu[cpu].grpen[group];
}

unsigned gic_hppi(Gic *g, unsigned cpu, unsigned groupmask, unsigned *prio)
{
    unsigned best = GIC_SPURIOUS, bp = 0x100;
    for (unsigned id = 0; id < GIC_NIRQ; id++) {
        GicIrq *q = gic_irq(g, cpu, id);
        if (!q->enabled || q->active || q->prio >= bp || !((groupmask >> q->group) & 1))
            continue;
        if (!gic_irq_pending(g, cpu, id) || !group_enabled(g, cpu, q->group) || !targets_cpu(g, cpu, id))
            continue;
        best = id;
        bp = q->prio;
    }
    if (prio)
        *prio = bp;
    return best;
}

unsigned gic_running_prio(const u32 ap[2])
{
    u32 a = ap[0] | ap[1];
    return a ? (unsigned)__builtin_ctz(a) << 3 : 0x100;
}

unsigned gic_group_prio(unsigned prio, unsigned group, unsigned bpr0, unsigned bpr1, bool cbpr)
{
    /* Group 0 (and Group 1 with CBPR): field [7:BPR0+1]; Group 1: [7:BPR1]
     * (GICC_ABPR / ICC_BPR1 semantics, IHI 0069 4.8.3). */
    unsigned mask = (group == 0 || cbpr) ? (0xffu << (bpr0 + 1)) : (0xffu << bpr1);
    return prio & mask & GIC_PRIO_MASK;
}

static unsigned cpu_group_prio(GicCpu *gc, unsigned prio, unsigned group)
{
    return gic_group_prio(prio, group, gc->bpr[0], gc->bpr[1], gc->cbpr);
}

/* Can an interrupt of PRIO in GROUP be signalled / acknowledged now? */
static bool beats_masks(GicCpu *gc, unsigned prio, unsigned group)
{
    return prio < gc->pmr && cpu_group_prio(gc, prio, group) < gic_running_prio(gc->ap);
}

unsigned gic_ack(Gic *g, unsigned cpu, unsigned groupmask)
{
    GicCpu *gc = &g->cpu[cpu];
    unsigned prio;
    unsigned id = gic_hppi(g, cpu, groupmask, &prio);
    if (id == GIC_SPURIOUS)
        return id;
    GicIrq *q = gic_irq(g, cpu, id);
    if (!beats_masks(gc, prio, q->group))
        return GIC_SPURIOUS;
    unsigned ret = id;
    if (g->version == 2 && id < 16) {
        unsigned src = (unsigned)__builtin_ctz(gc->sgi_src[id]);
        gc->sgi_src[id] &= (u8)~(1u << src);
        gc->sgi_ack_src[id] = (u8)src;
        ret |= src << 10;
    } else {
        q->latch = 0;   /* edge: consumed; level: pending follows the line */
    }
    q->active = 1;
    gc->ap[q->group] |= 1u << (cpu_group_prio(gc, prio, q->group) >> 3);
    if (unlikely(HS_TRACE_ON && (g->m->trace & TRACE_GIC)) && trace_wanted(g->m->cpu[cpu], g->m->cpu[cpu]->el, g->m->cpu[cpu]->pc))
        trace_line(g->m, "gic: core %u acknowledges INTID %u (prio 0x%02x, group %u)", cpu, id, prio, q->group);
    gic_update_cpu(g, cpu);
    return ret;
}

void gic_deactivate(Gic *g, unsigned cpu, unsigned intid)
{
    if (intid >= GIC_NIRQ)
        return;
    gic_irq(g, cpu, intid)->active = 0;
    gic_update_cpu(g, cpu);
}

/* Priority drop: clear the highest-priority active bit (IHI 0069 4.1.1). */
static void drop_priority(u32 ap[2])
{
    u32 a = ap[0] | ap[1];
    if (!a)
        return;
    u32 bit = a & -a;
    if (ap[0] & bit)
        ap[0] &= ~bit;
    else
        ap[1] &= ~bit;
}

void gic_eoi(Gic *g, unsigned cpu, unsigned intid)
{
    GicCpu *gc = &g->cpu[cpu];
    if (intid >= 1020)
        return;
    drop_priority(gc->ap);
    if (!gc->eoimode)
        gic_irq(g, cpu, intid)->active = 0;
    if (unlikely(HS_TRACE_ON && (g->m->trace & TRACE_GIC)) && trace_wanted(g->m->cpu[cpu], g->m->cpu[cpu]->el, g->m->cpu[cpu]->pc))
        trace_line(g->m, "gic: core %u EOI INTID %u%s", cpu, intid, gc->eoimode ? " (priority drop only)" : "");
    gic_update_cpu(g, cpu);
}

void gic_send_sgi(Gic *g, unsigned src, unsigned intid, u32 targets)
{
    for (unsigned t = 0; t < g->ncpu; t++) {
        if (!((targets >> t) & 1))
            continue;
        if (g->version == 2)
            g->cpu[t].sgi_src[intid] |= (u8)(1u << (src & 7));
        else
            g->cpu[t].priv[intid].latch = 1;
        gic_update_cpu(g, t);
    }
}

/* ---- virtual CPU interface ---- */

static unsigned vgroup_prio(const GicVif *v, unsigned prio, unsigned group)
{
    return gic_group_prio(prio, group, VMCR_VBPR0(v->vmcr), VMCR_VBPR1(v->vmcr),
                          (v->vmcr & VMCR_VCBPR) != 0);
}

unsigned gic_vrunning_prio(const GicVif *v)
{
    return gic_running_prio(v->ap);
}

unsigned gic_vhppi_lr(Gic *g, unsigned cpu, unsigned groupmask)
{
    const GicVif *v = &g->cpu[cpu].v;
    unsigned best = GIC_NLR, bp = 0x100;
    for (unsigned i = 0; i < GIC_NLR; i++) {
        u64 lr = v->lr[i];
        unsigned grp = LR_GROUP(lr);
        if (LR_STATE(lr) != LR_PENDING || !((groupmask >> grp) & 1))
            continue;
        if (!(v->vmcr & (grp ? VMCR_VENG1 : VMCR_VENG0)))
            continue;
        if ((LR_PRIO(lr) & GIC_PRIO_MASK) < bp) {
            bp = LR_PRIO(lr) & GIC_PRIO_MASK;
            best = i;
        }
    }
    return best;
}

static bool vbeats_masks(const GicVif *v, u64 lr)
{
    unsigned prio = LR_PRIO(lr) & GIC_PRIO_MASK;
    return prio < (VMCR_VPMR(v->vmcr) & GIC_PRIO_MASK) &&
           vgroup_prio(v, prio, LR_GROUP(lr)) < gic_vrunning_prio(v);
}

unsigned gic_vack(Gic *g, unsigned cpu, unsigned groupmask)
{
    GicVif *v = &g->cpu[cpu].v;
    unsigned i = gic_vhppi_lr(g, cpu, groupmask);
    if (i == GIC_NLR || !vbeats_masks(v, v->lr[i]))
        return GIC_SPURIOUS;
    u64 lr = v->lr[i];
    unsigned prio = LR_PRIO(lr) & GIC_PRIO_MASK;
    v->lr[i] = (lr & ~(3ull << 62)) | (u64)LR_ACTIVE << 62;
    v->ap[LR_GROUP(lr)] |= 1u << (vgroup_prio(v, prio, LR_GROUP(lr)) >> 3);
    if (unlikely(HS_TRACE_ON && (g->m->trace & TRACE_GIC)) && trace_wanted(g->m->cpu[cpu], g->m->cpu[cpu]->el, g->m->cpu[cpu]->pc))
        trace_line(g->m, "gic: core %u acknowledges virtual INTID %u (LR%u)", cpu, LR_VINTID(lr), i);
    gic_update_cpu(g, cpu);
    return LR_VINTID(lr);
}

void gic_vdeactivate(Gic *g, unsigned cpu, unsigned intid)
{
    GicVif *v = &g->cpu[cpu].v;
    for (unsigned i = 0; i < GIC_NLR; i++) {
        u64 lr = v->lr[i];
        if (LR_VINTID(lr) != intid || !(LR_STATE(lr) & LR_ACTIVE))
            continue;
        v->lr[i] = lr & ~((u64)LR_ACTIVE << 62);
        if (lr & LR_HW) {
            /* Hardware interrupt: deactivate the physical INTID too. */
            unsigned p = LR_PINTID(lr);
            if (p < GIC_NIRQ)
                gic_irq(g, cpu, p)->active = 0;
        }
        gic_update_cpu(g, cpu);
        return;
    }
    /* No matching list register: count it (ICH_HCR_EL2.EOIcount). */
    u64 cnt = (v->hcr >> ICH_HCR_EOICOUNT_SHIFT) & 31;
    v->hcr = (v->hcr & ~(31ull << ICH_HCR_EOICOUNT_SHIFT)) | ((cnt + 1) & 31) << ICH_HCR_EOICOUNT_SHIFT;
    gic_update_cpu(g, cpu);
}

void gic_veoi(Gic *g, unsigned cpu, unsigned intid)
{
    GicVif *v = &g->cpu[cpu].v;
    if (intid >= 1020 && intid < 1024)
        return;
    drop_priority(v->ap);
    if (!(v->vmcr & VMCR_VEOIM))
        gic_vdeactivate(g, cpu, intid);
    else
        gic_update_cpu(g, cpu);
}

u32 gic_veisr(const GicVif *v)
{
    u32 r = 0;
    for (unsigned i = 0; i < GIC_NLR; i++)
        if (LR_STATE(v->lr[i]) == 0 && !(v->lr[i] & LR_HW) && (v->lr[i] & LR_EOI))
            r |= 1u << i;
    return r;
}

u32 gic_velrsr(const GicVif *v)
{
    u32 r = 0;
    for (unsigned i = 0; i < GIC_NLR; i++)
        if (LR_STATE(v->lr[i]) == 0 && ((v->lr[i] & LR_HW) || !(v->lr[i] & LR_EOI)))
            r |= 1u << i;
    return r;
}

/* ICH_MISR_EL2 (IHI 0069 12.4.9). */
u32 gic_vmisr(const GicVif *v)
{
    u32 r = 0;
    unsigned valid = 0, pending = 0;
    for (unsigned i = 0; i < GIC_NLR; i++) {
        valid += LR_STATE(v->lr[i]) != 0;
        pending += LR_STATE(v->lr[i]) == LR_PENDING;
    }
    if (gic_veisr(v))
        r |= 1u << 0;
    if ((v->hcr & ICH_HCR_UIE) && valid <= 1)
        r |= 1u << 1;
    if ((v->hcr & ICH_HCR_LRENPIE) && ((v->hcr >> ICH_HCR_EOICOUNT_SHIFT) & 31))
        r |= 1u << 2;
    if ((v->hcr & ICH_HCR_NPIE) && !pending)
        r |= 1u << 3;
    if ((v->hcr & ICH_HCR_VGRP0EIE) && (v->vmcr & VMCR_VENG0))
        r |= 1u << 4;
    if ((v->hcr & ICH_HCR_VGRP0DIE) && !(v->vmcr & VMCR_VENG0))
        r |= 1u << 5;
    if ((v->hcr & ICH_HCR_VGRP1EIE) && (v->vmcr & VMCR_VENG1))
        r |= 1u << 6;
    if ((v->hcr & ICH_HCR_VGRP1DIE) && !(v->vmcr & VMCR_VENG1))
        r |= 1u << 7;
    return r;
}

/* ---- driving the cores ---- */

void gic_update_cpu(Gic *g, unsigned cpu)
{
    GicCpu *gc = &g->cpu[cpu];
    Cpu *c = g->m->cpu[cpu];
    u32 lines = 0;

    /* Virtual interface first: its maintenance interrupt is a physical PPI. */
    GicVif *v = &gc->v;
    bool en = (v->hcr & ICH_HCR_EN) != 0;
    if (en) {
        unsigned i = gic_vhppi_lr(g, cpu, 3);
        if (i < GIC_NLR && vbeats_masks(v, v->lr[i])) {
            bool fiq = LR_GROUP(v->lr[i]) == 0 && (g->version == 3 || (v->vmcr & VMCR_VFIQEN));
            lines |= fiq ? CPU_LINE_VFIQ : CPU_LINE_VIRQ;
        }
    }
    bool maint = en && gic_vmisr(v) != 0;
    if (maint != gc->maint_level) {
        gc->maint_level = maint;
        gc->priv[GIC_MAINT_PPI].level = maint;
    }

    unsigned prio;
    unsigned id = gic_hppi(g, cpu, 3, &prio);
    /* GICv3 with two security states: Group 0 is always FIQ; Non-secure
     * Group 1 is IRQ in Non-secure EL0-2 and FIQ at EL3 or in Secure state
     * (IHI 0069 4.6.2 "Interrupt assignment to IRQ and FIQ signals"). */
    gc->sec_signal = c->el == 3 || !c->ns;
    if (id != GIC_SPURIOUS) {
        unsigned grp = gic_irq(g, cpu, id)->group;
        bool fiq = grp == 0 ? (g->version == 3 || gc->fiqen) : (g->version == 3 && g->security && gc->sec_signal);
        if (beats_masks(gc, prio, grp))
            lines |= fiq ? CPU_LINE_FIQ : CPU_LINE_IRQ;
    }
    if (lines != gc->lines) {
        const u32 mine = CPU_LINE_IRQ | CPU_LINE_FIQ | CPU_LINE_VIRQ | CPU_LINE_VFIQ;
        gc->lines = lines;
        c->irq_lines = (c->irq_lines & ~mine) | lines;
        c->pending |= PEND_ASYNC;
        if (unlikely(HS_TRACE_ON && (g->m->trace & TRACE_GIC)) && trace_wanted(g->m->cpu[cpu], g->m->cpu[cpu]->el, g->m->cpu[cpu]->pc))
            trace_line(g->m, "gic: core %u lines%s%s%s%s", cpu, lines & CPU_LINE_IRQ ? " IRQ" : "",
                   lines & CPU_LINE_FIQ ? " FIQ" : "", lines & CPU_LINE_VIRQ ? " VIRQ" : "",
                   lines & CPU_LINE_VFIQ ? " VFIQ" : "");
    }
}

void gic_update_all(Gic *g)
{
    for (unsigned i = 0; i < g->ncpu; i++)
        gic_update_cpu(g, i);
}

void gic_set_input(Gic *g, unsigned cpu, unsigned intid, bool level)
{
    if (intid >= GIC_NIRQ || (intid < 32 && cpu >= g->ncpu))
        return;
    GicIrq *q = gic_irq(g, cpu, intid);
    if (q->level == level)
        return;
    q->level = level;
    if (level && q->edge)
        q->latch = 1;   /* rising edge latches */
    if (intid < 32)
        gic_update_cpu(g, cpu);
    else
        gic_update_all(g);
}

static void line_set(void *opaque, unsigned line, bool level)
{
    gic_set_input(opaque, line >> 16, line & 0xffff, level);
}

IrqLine gic_spi_line(Machine *m, unsigned spi)
{
    IrqLine l = {0};
    if (m->gic) {
        l.set = line_set;
        l.opaque = m->gic;
        l.line = 32 + spi;
    }
    return l;
}

IrqLine gic_ppi_line(Machine *m, unsigned cpu, unsigned intid)
{
    IrqLine l = {0};
    if (m->gic) {
        l.set = line_set;
        l.opaque = m->gic;
        l.line = cpu << 16 | intid;
    }
    return l;
}

/* ---- save / load (gic.h: gic_save, gic_load) ---- */

/* GicIrq state bits in a saved record: one byte per INTID. */
enum {
    SAVE_IRQ_GROUP = 1u << 0,     /* IGROUPR */
    SAVE_IRQ_GRPMOD = 1u << 1,    /* IGRPMODR */
    SAVE_IRQ_ENABLED = 1u << 2,   /* ISENABLER */
    SAVE_IRQ_LATCH = 1u << 3,     /* pending latch */
    SAVE_IRQ_LEVEL = 1u << 4,     /* input line level */
    SAVE_IRQ_ACTIVE = 1u << 5,    /* ISACTIVER */
    SAVE_IRQ_EDGE = 1u << 6,      /* ICFGR: edge-triggered */
    SAVE_IRQ_ALL = 0x7fu,
};

/* CPU interface booleans in a saved record: one byte per core. */
enum {
    SAVE_CPU_GRPEN0 = 1u << 0,
    SAVE_CPU_GRPEN1 = 1u << 1,
    SAVE_CPU_GRPEN1_S = 1u << 2,
    SAVE_CPU_EOIMODE = 1u << 3,
    SAVE_CPU_ACKCTL = 1u << 4,
    SAVE_CPU_FIQEN = 1u << 5,
    SAVE_CPU_CBPR = 1u << 6,
    SAVE_CPU_ALL = 0x7fu,
};

/* Bits a guest can set, per register and architecture version (the masks
 * the register writes apply in gicv2.c, gicv3.c and gicv3_cpuif.c). */
#define SAVE_GICD_CTLR_V2 0x3u
#define SAVE_GICD_CTLR_V3S 0x7u            /* two security states: + EnableGrp1S */
#define SAVE_GICC_CTLR_V2 0x7ffull         /* GICC_CTLR, Secure layout */
#define SAVE_ICC_CTLR_EL3 0x1full          /* CBPR_EL1S/NS, EOImode_EL3/EL1S/EL1NS */
#define SAVE_IROUTER 0xff80ffffffull       /* Aff3, IRM, Aff2..0 */
#define SAVE_ICH_HCR_V2 (0xffull | 31ull << ICH_HCR_EOICOUNT_SHIFT)
#define SAVE_ICH_HCR_V3 (0xffull | 7ull << 10 | 31ull << ICH_HCR_EOICOUNT_SHIFT)
#define SAVE_ICH_VMCR                                                                      \
    ((u64)(VMCR_VENG0 | VMCR_VENG1 | VMCR_VACKCTL | VMCR_VFIQEN | VMCR_VCBPR | VMCR_VEOIM) | \
     7ull << 18 | 7ull << 21 | 0xf8ull << 24)
/* GICv2 GICH_LR<n> converted to the ICH_LR layout: vINTID[9:0],
 * pINTID/EOI[41:32], priority[7:3], Group, HW, State. */
#define SAVE_LR_V2 (0x3ffull | 0x3ffull << 32 | 0xf8ull << 48 | 0xfull << 60)
#define SAVE_LR_V3 (~(7ull << 45))          /* ICH_LR<n>_EL2 write mask */

static void save_irq(SaveBuf *b, const GicIrq *q)
{
    u8 f = (q->group ? SAVE_IRQ_GROUP : 0) | (q->grpmod ? SAVE_IRQ_GRPMOD : 0) |
           (q->enabled ? SAVE_IRQ_ENABLED : 0) | (q->latch ? SAVE_IRQ_LATCH : 0) |
           (q->level ? SAVE_IRQ_LEVEL : 0) | (q->active ? SAVE_IRQ_ACTIVE : 0) |
           (q->edge ? SAVE_IRQ_EDGE : 0);
    save_u8(b, q->prio);
    save_u8(b, f);
}

static void load_irq(LoadBuf *b, GicIrq *q)
{
    u8 prio = load_u8(b), f = load_u8(b);
    if ((prio & ~GIC_PRIO_MASK) || (f & ~SAVE_IRQ_ALL))
        load_fail(b);
    q->prio = prio & GIC_PRIO_MASK;
    q->group = (f & SAVE_IRQ_GROUP) != 0;
    q->grpmod = (f & SAVE_IRQ_GRPMOD) != 0;
    q->enabled = (f & SAVE_IRQ_ENABLED) != 0;
    q->latch = (f & SAVE_IRQ_LATCH) != 0;
    q->level = (f & SAVE_IRQ_LEVEL) != 0;
    q->active = (f & SAVE_IRQ_ACTIVE) != 0;
    q->edge = (f & SAVE_IRQ_EDGE) != 0;
}

void gic_save(Gic *g, SaveBuf *b)
{
    save_u8(b, (u8)g->version);
    save_bool(b, g->security);
    save_u32(b, g->ncpu);
    save_u32(b, GIC_NIRQ);
    save_u32(b, GIC_NLR);

    /* Distributor. */
    save_u32(b, g->ctlr);
    for (unsigned id = 32; id < GIC_NIRQ; id++) {
        const GicIrq *q = &g->irq[id];
        save_irq(b, q);
        save_u8(b, q->targets);
        save_u64(b, q->route);
    }

    for (unsigned c = 0; c < g->ncpu; c++) {
        const GicCpu *gc = &g->cpu[c];
        /* Redistributor / banked distributor registers. */
        for (unsigned id = 0; id < 32; id++)
            save_irq(b, &gc->priv[id]);
        save_bytes(b, gc->sgi_src, sizeof(gc->sgi_src));
        save_bytes(b, gc->sgi_ack_src, sizeof(gc->sgi_ack_src));
        save_u32(b, gc->waker);
        /* CPU interface. */
        save_u8(b, gc->pmr);
        save_u8(b, gc->bpr[0]);
        save_u8(b, gc->bpr[1]);
        save_u8(b, (gc->grpen[0] ? SAVE_CPU_GRPEN0 : 0) | (gc->grpen[1] ? SAVE_CPU_GRPEN1 : 0) |
                       (gc->grpen1_s ? SAVE_CPU_GRPEN1_S : 0) | (gc->eoimode ? SAVE_CPU_EOIMODE : 0) |
                       (gc->ackctl ? SAVE_CPU_ACKCTL : 0) | (gc->fiqen ? SAVE_CPU_FIQEN : 0) |
                       (gc->cbpr ? SAVE_CPU_CBPR : 0));
        save_u32(b, gc->ap[0]);
        save_u32(b, gc->ap[1]);
        save_u64(b, gc->ctlr_el3);
        save_u64(b, gc->sre_el1);
        save_u64(b, gc->sre_el2);
        save_u64(b, gc->sre_el3);
        /* Virtual CPU interface. */
        save_u64(b, gc->v.hcr);
        save_u64(b, gc->v.vmcr);
        for (unsigned i = 0; i < GIC_NLR; i++)
            save_u64(b, gc->v.lr[i]);
        save_u32(b, gc->v.ap[0]);
        save_u32(b, gc->v.ap[1]);
    }
}

/* Read one core's state into GC, checking every value against what the
 * registers of a GIC of architecture VERSION can hold. */
static void load_cpu(LoadBuf *b, GicCpu *gc, int version)
{
    for (unsigned id = 0; id < 32; id++) {
        load_irq(b, &gc->priv[id]);
        if (id < 16 && !gc->priv[id].edge)
            load_fail(b);   /* SGIs are always edge-triggered (ICFGR0 is read-only) */
        if (version == 2 && gc->priv[id].grpmod)
            load_fail(b);   /* no IGRPMODR in GICv2 */
    }
    load_bytes(b, gc->sgi_src, sizeof(gc->sgi_src));
    load_bytes(b, gc->sgi_ack_src, sizeof(gc->sgi_ack_src));
    for (unsigned i = 0; i < 16; i++) {
        /* Source core numbers: GICv2 has at most 8 cores; GICv3 keeps no
         * per-source SGI state. */
        if (gc->sgi_ack_src[i] > 7 || (version == 3 && (gc->sgi_src[i] || gc->sgi_ack_src[i])))
            load_fail(b);
    }
    gc->waker = load_u32(b);
    if (gc->waker != 0 && gc->waker != 6)   /* ChildrenAsleep follows ProcessorSleep */
        load_fail(b);

    gc->pmr = load_u8(b);
    gc->bpr[0] = load_u8(b);
    gc->bpr[1] = load_u8(b);
    if ((gc->pmr & ~GIC_PRIO_MASK) || gc->bpr[0] < 2 || gc->bpr[0] > 7 || gc->bpr[1] < 3 || gc->bpr[1] > 7)
        load_fail(b);
    u8 f = load_u8(b);
    if (f & ~SAVE_CPU_ALL)
        load_fail(b);
    gc->grpen[0] = (f & SAVE_CPU_GRPEN0) != 0;
    gc->grpen[1] = (f & SAVE_CPU_GRPEN1) != 0;
    gc->grpen1_s = (f & SAVE_CPU_GRPEN1_S) != 0;
    gc->eoimode = (f & SAVE_CPU_EOIMODE) != 0;
    gc->ackctl = (f & SAVE_CPU_ACKCTL) != 0;
    gc->fiqen = (f & SAVE_CPU_FIQEN) != 0;
    gc->cbpr = (f & SAVE_CPU_CBPR) != 0;
    gc->ap[0] = load_u32(b);
    gc->ap[1] = load_u32(b);
    gc->ctlr_el3 = load_u64(b);
    if (gc->ctlr_el3 & ~(version == 2 ? SAVE_GICC_CTLR_V2 : SAVE_ICC_CTLR_EL3))
        load_fail(b);
    gc->sre_el1 = load_u64(b);
    gc->sre_el2 = load_u64(b);
    gc->sre_el3 = load_u64(b);
    /* SRE, DFB, DIB are RAO; only Enable (EL2/EL3) is writable. */
    if (gc->sre_el1 != 7 || (gc->sre_el2 | 8) != 0xf || (gc->sre_el3 | 8) != 0xf)
        load_fail(b);

    GicVif *v = &gc->v;
    v->hcr = load_u64(b);
    v->vmcr = load_u64(b);
    if ((v->hcr & ~(version == 2 ? SAVE_ICH_HCR_V2 : SAVE_ICH_HCR_V3)) || (v->vmcr & ~SAVE_ICH_VMCR))
        load_fail(b);
    for (unsigned i = 0; i < GIC_NLR; i++) {
        v->lr[i] = load_u64(b);
        if (v->lr[i] & ~(version == 2 ? SAVE_LR_V2 : SAVE_LR_V3))
            load_fail(b);
    }
    v->ap[0] = load_u32(b);
    v->ap[1] = load_u32(b);
}

bool gic_load(Gic *g, LoadBuf *b)
{
    if (b->bad)
        return false;
    int version = load_u8(b);
    bool security = load_bool(b);
    u32 ncpu = load_u32(b), nirq = load_u32(b), nlr = load_u32(b);
    if (b->bad || version != g->version || security != g->security || ncpu != g->ncpu ||
        nirq != GIC_NIRQ || nlr != GIC_NLR) {
        load_fail(b);
        return false;
    }

    /* Read into a copy so G is unchanged when the record is rejected. */
    Gic *t = malloc(sizeof(*t));
    if (!t) {
        load_fail(b);
        return false;
    }
    *t = *g;

    t->ctlr = load_u32(b);
    if (t->ctlr & ~(version == 3 && security ? SAVE_GICD_CTLR_V3S : SAVE_GICD_CTLR_V2))
        load_fail(b);
    /* ITARGETSR bytes name implemented cores only (gic_bank_write). */
    u8 tmask = ncpu >= 8 ? 0xff : (u8)((1u << ncpu) - 1);
    for (unsigned id = 32; id < GIC_NIRQ && !b->bad; id++) {
        GicIrq *q = &t->irq[id];
        load_irq(b, q);
        q->targets = load_u8(b);
        q->route = load_u64(b);
        if ((q->targets & ~tmask) || (q->route & ~SAVE_IROUTER))
            load_fail(b);
        if (version == 2 && (q->grpmod || q->route))
            load_fail(b);   /* no IGRPMODR or GICD_IROUTER in GICv2 */
    }
    for (unsigned c = 0; c < ncpu && !b->bad; c++)
        load_cpu(b, &t->cpu[c], version);

    if (b->bad) {
        free(t);
        return false;
    }
    *g = *t;
    free(t);

    /* Derived state: the maintenance output follows the virtual interface
     * and the core lines follow everything; force both to be recomputed
     * and driven into the cores. */
    for (unsigned c = 0; c < g->ncpu; c++) {
        GicCpu *gc = &g->cpu[c];
        gc->maint_level = gc->priv[GIC_MAINT_PPI].level != 0;
        gc->lines = ~0u;
        gic_update_cpu(g, c);
    }
    return true;
}
