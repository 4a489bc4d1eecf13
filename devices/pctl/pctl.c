/*
 * devices/pctl/pctl.c — FVP-style power controller (see pctl.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpu/power.h"
#include "devices/gic/gic.h"
#include "devices/pctl/pctl.h"
#include "exceptions/exceptions.h"
#include "firmware/psci/psci.h"
#include "trace/trace.h"

#define PCTL_MAX_CLUSTERS 256

typedef struct Pctl {
    Machine *m;
    u32 psysr_sel;                       /* MPIDR last written to PSYSR */
    u32 pwkupr;                          /* last value written to PWKUPR */
    u64 reset_pc;                        /* where a powered-on core starts */
    bool cluster_off[PCTL_MAX_CLUSTERS]; /* PCOFFR requested, by Aff1 */
} Pctl;

static unsigned cluster_of(u64 mpidr)
{
    return (mpidr >> 8) & 0xff;
}

void pctl_power_on(Cpu *c, unsigned wk, const char *why)
{
    Pctl *p = c->m->pctl;
    u64 mpidr = c->mpidr_el1 & 0xff00ffffffull;
    CorePower pw = c->power;
    u64 since = c->power_since;
    u64 rvbar = c->rvbar_el3;        /* the reset-vector input is not state */
    u32 lines = c->irq_lines;        /* nor are the interrupt inputs */
    u64 icount = c->icount;          /* instructions retired: time carries on */
    cpu_reset(c, c->index, mpidr);   /* clears the pctl_* fields */
    c->rvbar_el3 = rvbar;
    c->irq_lines = lines;
    c->icount = icount;
    c->pmu_last_icount = icount;
    c->pc = p ? p->reset_pc : rvbar;
    c->power = pw;
    c->power_since = since;
    c->pctl_wk = (u8)wk;
    if (p)
        p->cluster_off[cluster_of(mpidr)] = false;
    if (c->m->gic)
        gic_update_cpu(c->m->gic, c->index);
    cpu_set_power(c, CORE_ON_PENDING, why);
}

void pctl_core_wfi(Cpu *c)
{
    c->pctl_off_pending = false;
    cpu_set_power(c, CORE_OFF, "power controller (PPOFFR, then WFI)");
}

bool pctl_try_wake(Cpu *c)
{
    if (!c->pctl_wake_en || !exc_wfi_wakeup(c))
        return false;
    pctl_power_on(c, PCTL_WK_GIC, "power controller: wake-up interrupt (PWKUPR.WEN)");
    return true;
}

static void note(Pctl *p, Cpu *cpu, const char *what, u64 val)
{
    if (!(p->m->trace & TRACE_SCHED) || !cpu || !trace_wanted(cpu, cpu->el, cpu->pc))
        return;
    trace_prefix(cpu);
    fprintf(trace_out(p->m), "PCTL %s 0x%llx\n", what, (unsigned long long)val);
}

static bool pctl_read(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 *val)
{
    Pctl *p = opaque;
    if (size != 4)
        return false;
    switch (off) {
    case PCTL_PWKUPR:
        *val = p->pwkupr;
        return true;
    case PCTL_PSYSR: {
        Machine *m = p->m;
        Cpu *t = psci_find_core(m, p->psysr_sel & 0xffffff);
        u32 v = PCTL_PSYSR_AFF_L2 | (p->psysr_sel & 0xffffff);
        unsigned cl = cluster_of(p->psysr_sel);
        bool any_on = false;
        for (unsigned i = 0; i < m->ncpu; i++)
            if (cluster_of(m->cpu[i]->mpidr_el1) == cl &&
                (core_is_on(m->cpu[i]) || m->cpu[i]->power == CORE_ON_PENDING))
                any_on = true;
        if (any_on || !p->cluster_off[cl])
            v |= PCTL_PSYSR_AFF_L1;
        if (p->cluster_off[cl])
            v |= PCTL_PSYSR_PC;
        if (t) {
            if (core_is_on(t) || t->power == CORE_ON_PENDING)
                v |= PCTL_PSYSR_AFF_L0;
            if (t->pctl_wake_en)
                v |= PCTL_PSYSR_WEN;
            if (t->pctl_off_pending)
                v |= PCTL_PSYSR_PP;
            v |= (u32)(t->pctl_wk & 3) << PCTL_PSYSR_WK_SHIFT;
        }
        *val = v;
        return true;
    }
    case PCTL_PPOFFR:
    case PCTL_PPONR:
    case PCTL_PCOFFR:
        *val = 0;   /* write-only: read as zero */
        return true;
    default:
        return false;
    }
}

static bool pctl_write(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 val)
{
    Pctl *p = opaque;
    Machine *m = p->m;
    if (size != 4)
        return false;
    u32 v = (u32)val;
    Cpu *t = psci_find_core(m, v & 0xffffff);
    switch (off) {
    case PCTL_PPOFFR:
        note(p, cpu, "PPOFFR <-", v);
        if (t && (core_is_on(t) || t->power == CORE_ON_PENDING)) {
            t->pctl_off_pending = true;
            if (t->power == CORE_WFI)   /* already waiting: off now */
                pctl_core_wfi(t);
        }
        return true;
    case PCTL_PPONR:
        note(p, cpu, "PPONR <-", v);
        if (!t)
            return true;
        if (t->pctl_off_pending) {
            t->pctl_off_pending = false;   /* cancels a pending power-off */
        } else if (t->power == CORE_OFF || t->power == CORE_OFF_NEVER) {
            pctl_power_on(t, PCTL_WK_PPONR, "power controller (PPONR)");
        }
        return true;
    case PCTL_PCOFFR:
        note(p, cpu, "PCOFFR <-", v);
        p->cluster_off[cluster_of(v)] = true;
        return true;
    case PCTL_PWKUPR:
        note(p, cpu, "PWKUPR <-", v);
        p->pwkupr = v;
        if (t)
            t->pctl_wake_en = (v & PCTL_PWKUPR_WEN) != 0;
        return true;
    case PCTL_PSYSR:
        p->psysr_sel = v;
        return true;
    default:
        return false;
    }
}

bool pctl_create(Machine *m, u64 base)
{
    Pctl *p = calloc(1, sizeof(*p));
    if (!p)
        return false;
    p->m = m;
    MemRegion *r = phys_add_mmio(m, "pctl", base, VIRT_PCTL_SIZE, pctl_read, pctl_write, p);
    if (!r) {
        free(p);
        return false;
    }
    r->secure_only = true;
    m->pctl = p;
    return true;
}

void pctl_set_reset_pc(Machine *m, u64 pc)
{
    Pctl *p = m->pctl;
    if (p)
        p->reset_pc = pc;
}

void pctl_free(Machine *m)
{
    free(m->pctl);
    m->pctl = NULL;
}
