/*
 * cpu/sysreg_impdef.c — IMPLEMENTATION DEFINED registers of the
 * Cortex-A53/A57/A72 (their TRMs' "AArch64 register descriptions": the
 * three cores have the same encodings and ACTLR_ELx control bits; the
 * writable CPUECTLR_EL1 fields come from the CPU model, cpu/cpu_model.h)
 * with the traps that guard them, plus the other EL2/EL3-controlled rows
 * owned by this module:
 *
 *   HCR_EL2.TIDCP  EL1 accesses to op0=3, CRn=11/15 (IMPDEF space) -> EL2
 *                  (also for encodings with no row: cpu/sysreg.c)
 *   ACTLR_EL2/EL3  A53 write-access controls: bit0 CPUACTLR_EL1, bit1
 *                  CPUECTLR_EL1, bit4 L2CTLR_EL1, bit5 L2ECTLR_EL1, bit6
 *                  L2ACTLR_EL1.  A write from a lower EL while the controlling
 *                  bit is 0 traps (EC 0x18) to the EL owning that ACTLR:
 *                  Non-secure EL1 needs ACTLR_EL2 and ACTLR_EL3 bits, EL2 and
 *                  Secure EL1 need the ACTLR_EL3 bit.  Reads are not
 *                  controlled.
 *   HCR_EL2.TACR   ACTLR_EL1 accesses at EL1 -> EL2
 *   DCZID_EL0      BS = 64 bytes; DZP reflects SCTLR_EL1.DZE/HCR_EL2.TDZ
 *   RMR_EL3        RR=1 requests a warm reset of the core at RVBAR_EL3
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu_model.h"
#include "cpu/pmu.h"
#include "exceptions/route.h"
#include "exceptions/traps.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

#define OFF(f) offsetof(Cpu, f)

/* HCR_EL2.TIDCP for EL1 accesses to the IMPDEF space. */
static SrAccess tidcp(Cpu *c)
{
    if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TIDCP)) {
        c->trap_reason = "HCR_EL2.TIDCP=1";
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

/* ACTLR_EL2/EL3 control bit for an IMPDEF register row (A53 TRM 4.3.4/4.3.5). */
static u64 actlr_bit(const SysRegDesc *r)
{
    if (r->crn == 15 && r->crm == 2)
        return r->op2 == 0 ? 1u << 0 : 1u << 1;     /* CPUACTLR / CPUECTLR */
    if (r->crn == 11)
        return r->op2 == 2 ? 1u << 4 : 1u << 5;     /* L2CTLR / L2ECTLR */
    return 1u << 6;                                  /* L2ACTLR */
}

static SrAccess acc_impdef_ctl(Cpu *c, const SysRegDesc *r, bool isread)
{
    SrAccess a = tidcp(c);
    if (a != SR_OK || isread)
        return a;
    u64 bit = actlr_bit(r);
    if (c->el == 1 && route_el2_enabled(c) && !(c->actlr_el[2] & bit)) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "ACTLR_EL2 bit %u (%s access control)=0",
                 __builtin_ctzll(bit), r->name);
        c->trap_reason = c->reason_buf;
        return SR_TRAP_EL2;
    }
    if (c->el <= 2 && cpu_have_el3(c) && !(c->actlr_el[3] & bit)) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "ACTLR_EL3 bit %u (%s access control)=0",
                 __builtin_ctzll(bit), r->name);
        c->trap_reason = c->reason_buf;
        return SR_TRAP_EL3;
    }
    return SR_OK;
}

static SrAccess acc_impdef(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return tidcp(c);
}

static SrAccess acc_tacr(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TACR)) {
        c->trap_reason = "HCR_EL2.TACR=1";
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

/* L2CTLR_EL1: [25:24] number of cores - 1; every other field of the A53
 * register reflects configuration inputs (RAM latencies, ECC presence) that
 * this model fixes at 0, so writes (once permitted) change nothing. */
static u64 rd_l2ctlr(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    unsigned n = c->m->ncpu ? c->m->ncpu : 1;
    return (u64)((n - 1) & 3) << 24;
}
static void wr_l2ctlr(Cpu *c, const SysRegDesc *r, u64 v) { (void)c; (void)r; (void)v; }

/* CPUECTLR_EL1: the model's writable fields. */
static void wr_cpuectlr(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    const CpuModel *model = c->m->cpu_model ? c->m->cpu_model : &cpu_model_cortex_a53;
    c->cpuectlr_el1 = v & model->cpuectlr_wmask;
}

static u64 rd_cbar(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    return c->m->periphbase;
}

static u64 rd_dczid(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    /* BS=4: 2^4 words = 64 bytes (A53 cache line). */
    return 4 | (trap_dc_zva_prohibited(c) ? 1u << 4 : 0);
}

/* RMR_EL3 (D17.2.?): AA64 (bit 0) is RAO/WI as AArch32 is not implemented;
 * RR (bit 1) = 1 requests a warm reset: the core resets (registers to
 * their reset values, PSTATE EL3h with DAIF masked) and starts at
 * RVBAR_EL3 after this instruction.  icount (time) carries on. */
static u64 rd_rmr(Cpu *c, const SysRegDesc *r) { (void)c; (void)r; return 1; }
static void wr_rmr(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    if (!(v & 2))
        return;
    u64 rvbar = c->rvbar_el3;
    pmu_sync(c);
    /* A warm reset resets the architectural state only: the wiring (the
     * interrupt input lines a GIC holds, instructions retired, the slot's
     * budget) is kept by construction (cpu/cpu.h). */
    cpu_reset(c, c->index, c->mpidr_el1 & ~(1ull << 31));
    c->pc = rvbar;
    c->next_pc = rvbar;
    c->pending |= PEND_ASYNC;
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_EXC))) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "warm reset requested by RMR_EL3.RR=1, restart at RVBAR_EL3=0x%llx",
                 (unsigned long long)rvbar);
        trace_async(c, 3, 3, c->reason_buf);
    }
}

#define ROW(n, o0, o1, cn, cm, o2, acc) .name = n, .op0 = o0, .op1 = o1, .crn = cn, .crm = cm, .op2 = o2, .access = acc

static const SysRegDesc impdef_rows[] = {
    { ROW("CPUACTLR_EL1", 3, 1, 15, 2, 0, SR_PL1_RW), .accessfn = acc_impdef_ctl, .offset = OFF(cpuactlr_el1) },
    { ROW("CPUECTLR_EL1", 3, 1, 15, 2, 1, SR_PL1_RW), .accessfn = acc_impdef_ctl, .offset = OFF(cpuectlr_el1), .write = wr_cpuectlr },
    { ROW("CPUMERRSR_EL1", 3, 1, 15, 2, 2, SR_PL1_RW), .accessfn = acc_impdef, .offset = OFF(cpumerrsr_el1) },
    { ROW("L2MERRSR_EL1", 3, 1, 15, 2, 3, SR_PL1_RW), .accessfn = acc_impdef, .offset = OFF(l2merrsr_el1) },
    { ROW("L2CTLR_EL1", 3, 1, 11, 0, 2, SR_PL1_RW), .accessfn = acc_impdef_ctl, .read = rd_l2ctlr, .write = wr_l2ctlr },
    { ROW("L2ECTLR_EL1", 3, 1, 11, 0, 3, SR_PL1_RW), .accessfn = acc_impdef_ctl, .offset = OFF(l2ectlr_el1), .wmask = 0x60000007ull },
    { ROW("L2ACTLR_EL1", 3, 1, 15, 0, 0, SR_PL1_RW), .accessfn = acc_impdef_ctl, .offset = OFF(l2actlr_el1), .wmask = 0xffffffffull },
    /* CBAR_EL1: PERIPHBASE, the cluster's GIC base (board input,
     * Machine.periphbase; QEMU virt sets it to its GIC distributor). */
    { ROW("CBAR_EL1", 3, 1, 15, 3, 0, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_impdef, .read = rd_cbar },
    { ROW("ACTLR_EL1", 3, 0, 1, 0, 1, SR_PL1_RW), .accessfn = acc_tacr, .offset = OFF(actlr_el[1]) },
    { ROW("ACTLR_EL2", 3, 4, 1, 0, 1, SR_PL2_RW), .flags = SR_F_EL2, .offset = OFF(actlr_el[2]), .wmask = 0x73 },
    { ROW("ACTLR_EL3", 3, 6, 1, 0, 1, SR_PL3_RW), .flags = SR_F_EL3, .offset = OFF(actlr_el[3]), .wmask = 0x73 },
    { ROW("DCZID_EL0", 3, 3, 0, 0, 7, SR_PL0_R), .flags = SR_F_CONST, .read = rd_dczid },
    { ROW("RMR_EL3", 3, 6, 12, 0, 2, SR_PL3_RW), .flags = SR_F_EL3 | SR_F_IO, .read = rd_rmr, .write = wr_rmr },
};

const SysRegTable sysregs_impdef = SR_TABLE(impdef_rows);
