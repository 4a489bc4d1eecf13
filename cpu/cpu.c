/*
 * cpu/cpu.c — PSTATE, banked stack pointers and reset of one core
 * (Arm ARM D1.2 "Process state", D1.9 "Reset").
 */
#include <stddef.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/cpu_model.h"
#include "cpu/regs.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"

u64 cpu_get_pstate(const Cpu *c)
{
    return (u64)c->nzcv | (u64)c->ss << PSTATE_SS_SHIFT | (u64)c->il << PSTATE_IL_SHIFT |
           c->daif | (u64)c->el << PSTATE_EL_SHIFT | c->spsel;
}

void cpu_set_pstate(Cpu *c, u64 spsr)
{
    c->nzcv = spsr & PSTATE_NZCV;
    c->daif = spsr & PSTATE_DAIF;
    c->ss = (spsr & PSTATE_SS) != 0;
    c->il = (spsr & PSTATE_IL) != 0;
    cpu_set_el_spsel(c, (spsr >> PSTATE_EL_SHIFT) & 3, spsr & 1);
}

static unsigned live_sp_index(const Cpu *c)
{
    return c->spsel ? c->el : 0;
}

void cpu_set_el_spsel(Cpu *c, unsigned el, unsigned spsel)
{
    c->sp_el[live_sp_index(c)] = c->x[31];
    c->el = el;
    c->spsel = el ? spsel : 0;
    c->x[31] = c->sp_el[live_sp_index(c)];
    cpu_update_derived(c);
}

u64 cpu_sp_el(const Cpu *c, unsigned n)
{
    return n == live_sp_index(c) ? c->x[31] : c->sp_el[n];
}

void cpu_set_sp_el(Cpu *c, unsigned n, u64 v)
{
    if (n == live_sp_index(c))
        c->x[31] = v;
    else
        c->sp_el[n] = v;
}

void cpu_update_derived(Cpu *c)
{
    unsigned old = c->mmu_idx;
    c->ns = c->el == 3 ? 0 : (c->scr_el3 & SCR_EL3_NS) != 0;
    c->mmu_idx = mmu_idx_for_el(c, c->el);
    if (old != c->mmu_idx && c->tlb)
        c->tlb->gen++;
    c->pending |= PEND_ASYNC;
}

void cpu_reset(Cpu *c, unsigned index, u64 mpidr)
{
    memset(c, 0, offsetof(Cpu, end_reset_fields));
    c->index = index;
    const CpuModel *model = c->m && c->m->cpu_model ? c->m->cpu_model : &cpu_model_cortex_a53;
    c->midr_el1 = model->midr;
    c->pa_bits = (u8)model->pa_bits;
    /* MPIDR_EL1: bit 31 RES1, U=0 (multiprocessor), MT=0 (Arm ARM D17.2.100). */
    c->mpidr_el1 = (1ull << 31) | mpidr;
    /* Reset into EL3, SP_EL3, all of DAIF masked (D1.9.1). */
    c->el = 3;
    c->spsel = 1;
    c->daif = PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F;
    /* SCTLR reset values: RES1 bits, M/C/I/A clear (Cortex-A53 TRM 4.3.30). */
    c->sctlr_el[1] = 0x00C50838ull;
    c->sctlr_el[2] = 0x30C50838ull;
    c->sctlr_el[3] = 0x30C50838ull;
    c->oslsr_el1 = 0xa;   /* OSLM=0b10 (lock implemented), OSLK=1 locked at reset */
    c->pmcr_el0 = model->pmcr;    /* IMP=0x41, IDCODE per model, N=6 counters */
    c->cntfrq_el0 = 62500000;
    c->mdcr_el2 = 6;      /* HPMN = number of counters */
    /* CNTHCTL_EL2: the reset value is IMPLEMENTATION DEFINED in ARMv8
     * (D13.2.? "CNTHCTL_EL2"); QEMU resets it to EL1PCEN|EL1PCTEN (3), so
     * EL1 and EL0 may read the physical counter and use the physical
     * timer until EL2 says otherwise. */
    c->cnthctl_el2 = 3;
    c->vpidr_el2 = c->midr_el1;
    c->vmpidr_el2 = c->mpidr_el1;
    c->pc = c->rvbar_el3;
    c->pmu_last_icount = c->icount;   /* the PMU counts from reset on */
    if (c->tlb)
        tlb_flush_all(c);
    cpu_update_derived(c);
}
