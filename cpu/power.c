/*
 * cpu/power.c — core power/run state changes and their description
 * (see cpu/power.h).
 */
#include <stdio.h>

#include "cpu/power.h"
#include "cpu/regs.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

const char *core_power_name(CorePower p)
{
    switch (p) {
    case CORE_OFF_NEVER:
    case CORE_OFF: return "off";
    case CORE_ON_PENDING: return "on-pending";
    case CORE_ON: return "running";
    case CORE_WFI: return "WFI";
    case CORE_WFE: return "WFE";
    case CORE_SUSPENDED: return "suspended";
    }
    return "?";
}

void cpu_set_power(Cpu *c, CorePower p, const char *why)
{
    CorePower old = c->power;
    /* A change made by another core (CPU_ON, PPONR) happens at that core's
     * step; one made by the scheduler between slots at this core's. */
    Cpu *now = c->m->current ? c->m->current : c;
    c->power = p;
    c->power_since = machine_step(c->m, now);
    c->power_why = why;
    if (p != CORE_ON)
        c->pending |= PEND_STOP;
    else
        c->pending |= PEND_ASYNC;
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_SCHED)) && old != p &&
        trace_wanted(now, now->el, now->pc)) {
        trace_prefix(now);
        fprintf(trace_out(c->m), "SCHED core %u %s -> %s%s%s (PC=0x%llx)\n", c->index,
                core_power_name(old), core_power_name(p), why ? ": " : "", why ? why : "",
                (unsigned long long)c->pc);
    }
}

const char *core_state_reason(const Cpu *c, char *buf, size_t n)
{
    if (!buf || !n)
        return "";
    switch (c->power) {
    case CORE_OFF_NEVER:
        snprintf(buf, n, "off: never powered on");
        break;
    case CORE_OFF:
        snprintf(buf, n, "off: %s", c->power_why ? c->power_why : "powered off");
        break;
    case CORE_SUSPENDED:
        snprintf(buf, n, "suspended (%s)", c->suspend_powerdown ? "power-down" : "standby");
        break;
    default:
        snprintf(buf, n, "%s", core_power_name(c->power));
        break;
    }
    return buf;
}

Cpu *cpu_find_affinity(Machine *m, u64 target)
{
    u64 want = target & 0xff00ffffffull;
    for (unsigned i = 0; i < m->ncpu; i++)
        if ((m->cpu[i]->mpidr_el1 & 0xff00ffffffull) == want)
            return m->cpu[i];
    return NULL;
}

void cpu_power_on_state(Cpu *c, unsigned el, u64 entry, u64 context_id)
{
    cpu_reset(c, c->index, c->mpidr_el1 & 0xff00ffffffull);
    if (el < 3) {
        /* What the firmware leaves for a Non-secure lower EL (as virt's boot
         * state, machine/virt/virt.c): NS, AArch64 below, HVC enabled. */
        c->scr_el3 = SCR_EL3_NS | SCR_EL3_RW | (cpu_have_el2(c) ? SCR_EL3_HCE : 0) | 0x30;
    }
    if (el < 2)
        c->hcr_el2 = HCR_EL2_RW;
    cpu_set_pstate(c, PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F | (u64)el << PSTATE_EL_SHIFT | 1);
    c->pc = entry;
    c->x[0] = context_id;
    if (c->tlb)
        tlb_flush_all(c);
    cpu_update_derived(c);
    if (c->m->hooks.irq_refresh)
        c->m->hooks.irq_refresh(c->m->hooks.intc_opaque, c);
}
