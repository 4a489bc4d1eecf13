/*
 * devices/pctl/pctl.c — FVP-style power controller (see pctl.h).
 */
#include <stdio.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/power.h"
#include "devices/pctl/pctl.h"
#include "exceptions/exceptions.h"
#include "trace/trace.h"

#define PCTL_MAX_CLUSTERS 256

/* Per-core state of the controller. */
typedef struct PctlCore {
    bool off_pending;   /* PPOFFR written: off at the next WFI */
    bool wake_en;       /* PWKUPR.WEN: an interrupt powers the core on */
    u8 wk;              /* PSYSR.WK reason of the last power-on */
} PctlCore;

typedef struct Pctl {
    Machine *m;
    u64 base;
    u32 psysr_sel;                       /* MPIDR last written to PSYSR */
    u32 pwkupr;                          /* last value written to PWKUPR */
    u64 reset_pc;                        /* where a powered-on core starts */
    bool cluster_off[PCTL_MAX_CLUSTERS]; /* PCOFFR requested, by Aff1 */
    PctlCore core[HS_MAX_CPUS];
} Pctl;

static unsigned cluster_of(u64 mpidr)
{
    return (mpidr >> 8) & 0xff;
}

/* Power core C on from reset at the reset address, EL3 (PPONR, wake-up).
 * WK is the PSYSR.WK reason, WHY a static string for traces. */
static void power_on(Pctl *p, Cpu *c, unsigned wk, const char *why)
{
    u64 mpidr = c->mpidr_el1 & 0xff00ffffffull;
    cpu_reset(c, c->index, mpidr);
    c->pc = p->reset_pc;
    PctlCore *pc = &p->core[c->index];
    pc->off_pending = false;
    pc->wake_en = false;
    pc->wk = (u8)wk;
    p->cluster_off[cluster_of(mpidr)] = false;
    if (c->m->hooks.irq_refresh)
        c->m->hooks.irq_refresh(c->m->hooks.intc_opaque, c);
    cpu_set_power(c, CORE_ON_PENDING, why);
}

static void core_off(Pctl *p, Cpu *c)
{
    p->core[c->index].off_pending = false;
    cpu_set_power(c, CORE_OFF, "power controller (PPOFFR, then WFI)");
}

/* MachineHooks.wfi: a core with a PPOFFR pending powers off at WFI. */
static bool pctl_wfi(void *opaque, Cpu *c)
{
    Pctl *p = opaque;
    if (!p->core[c->index].off_pending)
        return false;
    core_off(p, c);
    return true;
}

/* MachineHooks.wake: an off core with PWKUPR.WEN and a pending interrupt
 * powers on (on-pending: the scheduler starts it at once). */
static bool pctl_wake(void *opaque, Cpu *c)
{
    Pctl *p = opaque;
    if (c->power == CORE_SUSPENDED || !p->core[c->index].wake_en || !exc_wfi_wakeup(c))
        return false;
    power_on(p, c, PCTL_WK_GIC, "power controller: wake-up interrupt (PWKUPR.WEN)");
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
        Cpu *t = cpu_find_affinity(m, p->psysr_sel & 0xffffff);
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
            const PctlCore *pc = &p->core[t->index];
            if (pc->wake_en)
                v |= PCTL_PSYSR_WEN;
            if (pc->off_pending)
                v |= PCTL_PSYSR_PP;
            v |= (u32)(pc->wk & 3) << PCTL_PSYSR_WK_SHIFT;
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
    Cpu *t = cpu_find_affinity(m, v & 0xffffff);
    switch (off) {
    case PCTL_PPOFFR:
        note(p, cpu, "PPOFFR <-", v);
        if (t && (core_is_on(t) || t->power == CORE_ON_PENDING)) {
            p->core[t->index].off_pending = true;
            if (t->power == CORE_WFI)   /* already waiting: off now */
                core_off(p, t);
        }
        return true;
    case PCTL_PPONR:
        note(p, cpu, "PPONR <-", v);
        if (!t)
            return true;
        if (p->core[t->index].off_pending) {
            p->core[t->index].off_pending = false;   /* cancels a pending power-off */
        } else if (t->power == CORE_OFF || t->power == CORE_OFF_NEVER) {
            power_on(p, t, PCTL_WK_PPONR, "power controller (PPONR)");
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
            p->core[t->index].wake_en = (v & PCTL_PWKUPR_WEN) != 0;
        return true;
    case PCTL_PSYSR:
        p->psysr_sel = v;
        return true;
    default:
        return false;
    }
}

static void pctl_reset(void *opaque)
{
    Pctl *p = opaque;
    p->psysr_sel = 0;
    p->pwkupr = 0;
    memset(p->cluster_off, 0, sizeof(p->cluster_off));
    memset(p->core, 0, sizeof(p->core));
}

/* Device-tree node: only the guest's own EL3 firmware may use it (Secure
 * only).  Register layout of the Arm FVP Base power controller. */
static int pctl_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    Pctl *p = opaque;
    char name[64];
    static const char compat[] = "hyperstep,fvp-pwrc\0arm,fvp-pwrc";
    (void)ctx;
    snprintf(name, sizeof(name), "power-controller@%llx", (unsigned long long)p->base);
    int r;
    if ((r = fdt_begin_node(fdt, name)) < 0 || (r = fdt_property(fdt, "compatible", compat, sizeof(compat))) < 0 ||
        (r = fdt_prop_reg(fdt, p->base, PCTL_SIZE)) < 0 ||
        (r = fdt_property_string(fdt, "status", "disabled")) < 0 ||
        (r = fdt_property_string(fdt, "secure-status", "okay")) < 0)
        return r;
    return fdt_end_node(fdt);
}

/* Saved: PSYSR selection, PWKUPR, reset address, cluster off requests, and
 * per core off-pending, wake-enable and wake reason. */
static void pctl_save(void *opaque, SaveBuf *b)
{
    Pctl *p = opaque;
    save_u32(b, p->psysr_sel);
    save_u32(b, p->pwkupr);
    save_u64(b, p->reset_pc);
    for (unsigned i = 0; i < PCTL_MAX_CLUSTERS; i++)
        save_bool(b, p->cluster_off[i]);
    save_u32(b, p->m->ncpu);
    for (unsigned i = 0; i < p->m->ncpu; i++) {
        save_bool(b, p->core[i].off_pending);
        save_bool(b, p->core[i].wake_en);
        save_u8(b, p->core[i].wk);
    }
}

static bool pctl_load(void *opaque, LoadBuf *b)
{
    Pctl *p = opaque;
    p->psysr_sel = load_u32(b);
    p->pwkupr = load_u32(b);
    p->reset_pc = load_u64(b);
    for (unsigned i = 0; i < PCTL_MAX_CLUSTERS; i++)
        p->cluster_off[i] = load_bool(b);
    if (load_u32(b) != p->m->ncpu)
        load_fail(b);
    for (unsigned i = 0; i < p->m->ncpu && !b->bad; i++) {
        p->core[i].off_pending = load_bool(b);
        p->core[i].wake_en = load_bool(b);
        p->core[i].wk = load_u8(b);
        if (p->core[i].wk > 3)
            load_fail(b);
    }
    return !b->bad;
}

static void pctl_destroy(void *opaque)
{
    Pctl *p = opaque;
    if (p->m->hooks.power_opaque == p) {
        p->m->hooks.wfi = NULL;
        p->m->hooks.wake = NULL;
        p->m->hooks.power_opaque = NULL;
    }
    free(p);
}

static const DeviceOps pctl_ops = {
    .type = "fvp-pwrc",
    .version = 1,
    .reset = pctl_reset,
    .fdt_node = pctl_fdt,
    .save = pctl_save,
    .load = pctl_load,
    .destroy = pctl_destroy,
};

bool pctl_create(Machine *m, u64 base, u64 reset_pc)
{
    Pctl *p = calloc(1, sizeof(*p));
    if (!p)
        return false;
    p->m = m;
    p->base = base;
    p->reset_pc = reset_pc;
    char name[32];
    snprintf(name, sizeof(name), "pctl@%llx", (unsigned long long)base);
    Device *d = machine_add_device(m, &pctl_ops, p, name);
    if (!d) {
        free(p);
        return false;
    }
    if (!device_map_mmio(m, d, "pctl", base, PCTL_SIZE, pctl_read, pctl_write, true))
        return false;   /* the registry frees P */
    emu_assert(!m->hooks.wfi && !m->hooks.wake);
    m->hooks.wfi = pctl_wfi;
    m->hooks.wake = pctl_wake;
    m->hooks.power_opaque = p;
    return true;
}

void pctl_set_reset_pc(Machine *m, u64 pc)
{
    Device *d = machine_find_device(m, "fvp-pwrc");
    if (d)
        ((Pctl *)d->opaque)->reset_pc = pc;
}
