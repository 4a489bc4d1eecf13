/*
 * cpu/pmu.c — PMUv3 registers, their traps (PMUSERENR_EL0,
 * MDCR_EL2.TPM/TPMCR/HPMN, MDCR_EL3.TPM) and deterministic counting.
 * See pmu.h for what is counted.
 */
#include <stddef.h>

#include "cpu/pmu.h"
#include "exceptions/route.h"
#include "cpu/machine_core.h"

#define OFF(f) offsetof(Cpu, f)

enum { EVT_SW_INCR = 0x00, EVT_INST_RETIRED = 0x08, EVT_EXC_TAKEN = 0x09,
       EVT_EXC_RETURN = 0x0a, EVT_CPU_CYCLES = 0x11 };

/* PMCR_EL0 bits. */
enum { PMCR_E = 1u << 0, PMCR_P = 1u << 1, PMCR_C = 1u << 2, PMCR_D = 1u << 3,
       PMCR_X = 1u << 4, PMCR_DP = 1u << 5, PMCR_LC = 1u << 6 };
#define PMCR_WMASK (PMCR_E | PMCR_D | PMCR_X | PMCR_DP | PMCR_LC)
#define PMCC_BIT (1ull << 31)

/* PMUSERENR_EL0 bits. */
enum { UEN_EN = 1u << 0, UEN_SW = 1u << 1, UEN_CR = 1u << 2, UEN_ER = 1u << 3 };

/* Filter bits of PMEVTYPER<n>_EL0 / PMCCFILTR_EL0. */
#define F_P (1u << 31)
#define F_U (1u << 30)
#define F_NSK (1u << 29)
#define F_NSU (1u << 28)
#define F_NSH (1u << 27)
#define F_M (1u << 26)

/* Counters visible at the current EL: MDCR_EL2.HPMN at Non-secure EL0/EL1
 * when EL2 is enabled, else PMCR_EL0.N. */
static unsigned visible_n(const Cpu *c)
{
    if (c->el <= 1 && route_el2_enabled(c)) {
        unsigned h = c->mdcr_el2 & MDCR_EL2_HPMN;
        return h < PMU_NCOUNTERS ? h : PMU_NCOUNTERS;
    }
    return PMU_NCOUNTERS;
}
static u64 visible_mask(const Cpu *c)
{
    return ((1ull << visible_n(c)) - 1) | PMCC_BIT;
}

/* Does a counter with filter F count at the current EL (D5.9 filtering)? */
static bool filter_counts(const Cpu *c, u64 f)
{
    bool p = f & F_P, u = f & F_U, nsk = f & F_NSK, nsu = f & F_NSU, m = f & F_M;
    switch (c->el) {
    case 0: return c->ns ? !(u ^ nsu) : !u;
    case 1: return c->ns ? !(p ^ nsk) : !p;
    case 2: return f & F_NSH;
    default: return !(p ^ m);
    }
}

/* Event counting in Secure state is prohibited unless MDCR_EL3.SPME=1. */
static bool prohibited(const Cpu *c)
{
    return cpu_have_el3(c) && !c->ns && !(c->mdcr_el3 & MDCR_EL3_SPME);
}

/* Is event counter I enabled (PMCR.E or MDCR_EL2.HPME for the EL2 range)? */
static bool evc_enabled(const Cpu *c, unsigned i)
{
    unsigned hpmn = c->mdcr_el2 & MDCR_EL2_HPMN;
    bool en = (cpu_have_el2(c) && i >= hpmn) ? (c->mdcr_el2 & MDCR_EL2_HPME) != 0
                                             : (c->pmcr_el0 & PMCR_E) != 0;
    return en && (c->pmcntenset >> i & 1) && filter_counts(c, c->pmevtyper[i]) && !prohibited(c);
}

static void evc_add(Cpu *c, unsigned i, u64 n)
{
    u64 v = (c->pmevcntr[i] & 0xffffffffull) + n;
    if (v >> 32)
        c->pmovsset |= 1ull << i;
    c->pmevcntr[i] = v & 0xffffffffull;
}

static void update_irq(Cpu *c)
{
    bool level = (c->pmcr_el0 & PMCR_E) && (c->pmovsset & c->pmintenset);
    if (level != c->pmu_irq_level && c->pmu_irq_set) {
        c->pmu_irq_level = level;
        c->pmu_irq_set(c->pmu_irq_opaque, c->pmu_irq_num, level);
    }
}

void pmu_sync(Cpu *c)
{
    if (c->icount < c->pmu_last_icount)   /* inside exc_take_sync's window */
        return;
    u64 n = c->icount - c->pmu_last_icount;
    c->pmu_last_icount = c->icount;
    pmu_retire(c, n);
    update_irq(c);
}

void pmu_connect_irq(Cpu *c, void (*set)(void *, unsigned, bool), void *opaque, unsigned line)
{
    c->pmu_irq_set = set;
    c->pmu_irq_opaque = opaque;
    c->pmu_irq_num = line;
    c->pmu_irq_level = false;
}

static void pmu_tick(void *opaque, u64 now_ns)
{
    Machine *m = opaque;
    (void)now_ns;
    for (unsigned i = 0; i < m->ncpu; i++)
        pmu_sync(m->cpu[i]);
}

void pmu_attach(Machine *m)
{
    machine_add_clock(m, pmu_tick, NULL, m);
}

void pmu_retire(Cpu *c, u64 n)
{
    if (!n)
        return;
    if ((c->pmcr_el0 & PMCR_E) && (c->pmcntenset & PMCC_BIT) && filter_counts(c, c->pmccfiltr_el0) &&
        !(prohibited(c) && (c->pmcr_el0 & PMCR_DP))) {
        u64 add = n;
        if (c->pmcr_el0 & PMCR_D) {   /* count every 64th "cycle" */
            c->pmu_ccdiv += n;
            add = c->pmu_ccdiv / 64;
            c->pmu_ccdiv %= 64;
        }
        u64 old = c->pmccntr_el0, v = old + add;
        bool ovf = (c->pmcr_el0 & PMCR_LC) ? v < old : ((old & 0xffffffffull) + add) >> 32 != 0;
        if (ovf)
            c->pmovsset |= PMCC_BIT;
        c->pmccntr_el0 = v;
    }
    for (unsigned i = 0; i < PMU_NCOUNTERS; i++) {
        unsigned e = c->pmevtyper[i] & 0x3ff;
        if ((e == EVT_INST_RETIRED || e == EVT_CPU_CYCLES) && evc_enabled(c, i))
            evc_add(c, i, n);
    }
}

void pmu_event(Cpu *c, unsigned evt)
{
    for (unsigned i = 0; i < PMU_NCOUNTERS; i++)
        if ((c->pmevtyper[i] & 0x3ff) == evt && evc_enabled(c, i))
            evc_add(c, i, 1);
}

/* ---- traps ---- */

typedef enum { PA_PLAIN, PA_PMCR, PA_SWINC, PA_CCNT, PA_EVCNT, PA_SELR, PA_USERENR, PA_EL1 } PmAcc;

static SrAccess pm_trap(Cpu *c, PmAcc kind, bool isread)
{
    if (c->el == 0 && kind != PA_USERENR) {
        u64 u = c->pmuserenr_el0;
        bool ok = u & UEN_EN;
        if (kind == PA_SWINC)
            ok = ok || (u & UEN_SW);
        if (kind == PA_CCNT && isread)
            ok = ok || (u & UEN_CR);
        if ((kind == PA_EVCNT && isread) || kind == PA_SELR)
            ok = ok || (u & UEN_ER);
        if (!ok) {
            c->trap_reason = kind == PA_SWINC ? "PMUSERENR_EL0.EN=0 and SW=0"
                           : kind == PA_CCNT && isread ? "PMUSERENR_EL0.EN=0 and CR=0"
                           : (kind == PA_EVCNT && isread) || kind == PA_SELR ? "PMUSERENR_EL0.EN=0 and ER=0"
                           : "PMUSERENR_EL0.EN=0";
            return SR_TRAP_EL1;
        }
    }
    if (c->el <= 1 && route_el2_enabled(c)) {
        if (c->mdcr_el2 & MDCR_EL2_TPM) {
            c->trap_reason = "MDCR_EL2.TPM=1";
            return SR_TRAP_EL2;
        }
        if (kind == PA_PMCR && (c->mdcr_el2 & MDCR_EL2_TPMCR)) {
            c->trap_reason = "MDCR_EL2.TPMCR=1";
            return SR_TRAP_EL2;
        }
    }
    if (c->el <= 2 && cpu_have_el3(c) && (c->mdcr_el3 & MDCR_EL3_TPM)) {
        c->trap_reason = "MDCR_EL3.TPM=1";
        return SR_TRAP_EL3;
    }
    return SR_OK;
}

#define ACC(name, kind)                                                      \
    static SrAccess acc_##name(Cpu *c, const SysRegDesc *r, bool isread)     \
    {                                                                        \
        (void)r;                                                             \
        SrAccess a = pm_trap(c, kind, isread);                               \
        if (a == SR_OK)                                                      \
            pmu_sync(c);                                                     \
        return a;                                                            \
    }
ACC(plain, PA_PLAIN)
ACC(pmcr, PA_PMCR)
ACC(swinc, PA_SWINC)
ACC(ccnt, PA_CCNT)
ACC(selr, PA_SELR)
ACC(userenr, PA_USERENR)
ACC(el1, PA_EL1)

/* Event counter number a row or PMSELR selects; -1 for the cycle counter. */
static int ev_index(const Cpu *c, const SysRegDesc *r)
{
    if (r->crn == 14)
        return (r->crm & 3) * 8 + r->op2;
    unsigned sel = c->pmselr_el0 & 31;
    return sel == 31 ? -1 : (int)sel;
}

/* PMEVCNTR/PMEVTYPER<n> and PMXEV*: UNDEFINED when n is not a counter
 * visible at this EL (n >= PMCR_EL0.N as read here). */
static SrAccess acc_evcnt(Cpu *c, const SysRegDesc *r, bool isread)
{
    SrAccess a = pm_trap(c, PA_EVCNT, isread);
    if (a != SR_OK)
        return a;
    int i = ev_index(c, r);
    if (i < 0 || (unsigned)i >= visible_n(c)) {
        c->trap_reason = "event counter index >= PMCR_EL0.N (or MDCR_EL2.HPMN) at this EL";
        return SR_UNDEF;
    }
    pmu_sync(c);
    return SR_OK;
}
static SrAccess acc_evtyper(Cpu *c, const SysRegDesc *r, bool isread)
{
    SrAccess a = pm_trap(c, PA_PLAIN, isread);
    if (a != SR_OK)
        return a;
    int i = ev_index(c, r);
    if (i >= 0 && (unsigned)i >= visible_n(c)) {
        c->trap_reason = "event counter index >= PMCR_EL0.N (or MDCR_EL2.HPMN) at this EL";
        return SR_UNDEF;
    }
    pmu_sync(c);
    return SR_OK;
}

/* ---- register behaviour ---- */

static u64 rd_pmcr(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    return (c->pmcr_el0 & ~(0x1full << 11)) | (u64)visible_n(c) << 11;
}
static void wr_pmcr(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    if (v & PMCR_P) {
        /* Resets the counters this EL may see (not the EL2-reserved ones). */
        unsigned n = (c->el <= 1 && route_el2_enabled(c)) ? visible_n(c) : PMU_NCOUNTERS;
        for (unsigned i = 0; i < n; i++)
            c->pmevcntr[i] = 0;
    }
    if (v & PMCR_C) {
        c->pmccntr_el0 = 0;
        c->pmu_ccdiv = 0;
    }
    c->pmcr_el0 = (c->pmcr_el0 & ~(u64)PMCR_WMASK) | (v & PMCR_WMASK);
    update_irq(c);
}

static u64 rd_set(Cpu *c, u64 reg) { return reg & visible_mask(c); }
static u64 rd_cntenset(Cpu *c, const SysRegDesc *r) { (void)r; return rd_set(c, c->pmcntenset); }
static void wr_cntenset(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->pmcntenset |= v & visible_mask(c); }
static void wr_cntenclr(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->pmcntenset &= ~(v & visible_mask(c)); }
static u64 rd_intenset(Cpu *c, const SysRegDesc *r) { (void)r; return rd_set(c, c->pmintenset); }
static void wr_intenset(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->pmintenset |= v & visible_mask(c); update_irq(c); }
static void wr_intenclr(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->pmintenset &= ~(v & visible_mask(c)); update_irq(c); }
static u64 rd_ovsset(Cpu *c, const SysRegDesc *r) { (void)r; return rd_set(c, c->pmovsset); }
static void wr_ovsset(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->pmovsset |= v & visible_mask(c); update_irq(c); }
static void wr_ovsclr(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->pmovsset &= ~(v & visible_mask(c)); update_irq(c); }

static void wr_swinc(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    for (unsigned i = 0; i < visible_n(c); i++)
        if ((v >> i & 1) && (c->pmevtyper[i] & 0x3ff) == EVT_SW_INCR && evc_enabled(c, i))
            evc_add(c, i, 1);
    update_irq(c);
}

static u64 rd_evcnt(Cpu *c, const SysRegDesc *r) { return c->pmevcntr[ev_index(c, r)]; }
static void wr_evcnt(Cpu *c, const SysRegDesc *r, u64 v) { c->pmevcntr[ev_index(c, r)] = v & 0xffffffffull; }
/* PMEVTYPER: filter bits 31:26 and evtCount 9:0 (ARMv8.0). */
#define EVTYPER_MASK 0xfc0003ffull
#define CCFILTR_MASK 0xfc000000ull
static u64 rd_evtyper(Cpu *c, const SysRegDesc *r)
{
    int i = ev_index(c, r);
    return i < 0 ? c->pmccfiltr_el0 : c->pmevtyper[i];
}
static void wr_evtyper(Cpu *c, const SysRegDesc *r, u64 v)
{
    int i = ev_index(c, r);
    if (i < 0)
        c->pmccfiltr_el0 = v & CCFILTR_MASK;
    else
        c->pmevtyper[i] = v & EVTYPER_MASK;
}

/* PMCEID0_EL0: events 0x00, 0x08, 0x09, 0x0A, 0x11 are counted. */
#define PMCEID0 ((1ull << EVT_SW_INCR) | (1ull << EVT_INST_RETIRED) | (1ull << EVT_EXC_TAKEN) | \
                 (1ull << EVT_EXC_RETURN) | (1ull << EVT_CPU_CYCLES))

#define ROW(n, o0, o1, cn, cm, o2, acc) .name = n, .op0 = o0, .op1 = o1, .crn = cn, .crm = cm, .op2 = o2, .access = acc
#define EVCNT(n, k) { ROW("PMEVCNTR" #n "_EL0", 3, 3, 14, 8 + (n) / 8, (n) % 8, SR_PL0_RW), .accessfn = acc_evcnt, .read = rd_evcnt, .write = wr_evcnt }
#define EVTYP(n) { ROW("PMEVTYPER" #n "_EL0", 3, 3, 14, 12 + (n) / 8, (n) % 8, SR_PL0_RW), .accessfn = acc_evtyper, .read = rd_evtyper, .write = wr_evtyper }

static const SysRegDesc pmu_rows[] = {
    { ROW("PMCR_EL0", 3, 3, 9, 12, 0, SR_PL0_RW), .accessfn = acc_pmcr, .read = rd_pmcr, .write = wr_pmcr },
    { ROW("PMCNTENSET_EL0", 3, 3, 9, 12, 1, SR_PL0_RW), .accessfn = acc_plain, .read = rd_cntenset, .write = wr_cntenset },
    { ROW("PMCNTENCLR_EL0", 3, 3, 9, 12, 2, SR_PL0_RW), .accessfn = acc_plain, .read = rd_cntenset, .write = wr_cntenclr },
    { ROW("PMOVSCLR_EL0", 3, 3, 9, 12, 3, SR_PL0_RW), .accessfn = acc_plain, .read = rd_ovsset, .write = wr_ovsclr },
    { ROW("PMSWINC_EL0", 3, 3, 9, 12, 4, SR_PL0_W), .accessfn = acc_swinc, .write = wr_swinc },
    { ROW("PMSELR_EL0", 3, 3, 9, 12, 5, SR_PL0_RW), .accessfn = acc_selr, .offset = OFF(pmselr_el0), .wmask = 31 },
    { ROW("PMCEID0_EL0", 3, 3, 9, 12, 6, SR_PL0_R), .flags = SR_F_CONST, .accessfn = acc_plain, .resetval = PMCEID0 },
    { ROW("PMCEID1_EL0", 3, 3, 9, 12, 7, SR_PL0_R), .flags = SR_F_CONST, .accessfn = acc_plain, .resetval = 0 },
    { ROW("PMCCNTR_EL0", 3, 3, 9, 13, 0, SR_PL0_RW), .accessfn = acc_ccnt, .offset = OFF(pmccntr_el0) },
    { ROW("PMXEVTYPER_EL0", 3, 3, 9, 13, 1, SR_PL0_RW), .accessfn = acc_evtyper, .read = rd_evtyper, .write = wr_evtyper },
    { ROW("PMXEVCNTR_EL0", 3, 3, 9, 13, 2, SR_PL0_RW), .accessfn = acc_evcnt, .read = rd_evcnt, .write = wr_evcnt },
    { ROW("PMUSERENR_EL0", 3, 3, 9, 14, 0, SR_PL0_R | SR_PL1_W), .accessfn = acc_userenr, .offset = OFF(pmuserenr_el0), .wmask = 0xf },
    { ROW("PMINTENSET_EL1", 3, 0, 9, 14, 1, SR_PL1_RW), .accessfn = acc_el1, .read = rd_intenset, .write = wr_intenset },
    { ROW("PMINTENCLR_EL1", 3, 0, 9, 14, 2, SR_PL1_RW), .accessfn = acc_el1, .read = rd_intenset, .write = wr_intenclr },
    { ROW("PMOVSSET_EL0", 3, 3, 9, 14, 3, SR_PL0_RW), .accessfn = acc_plain, .read = rd_ovsset, .write = wr_ovsset },
    { ROW("PMCCFILTR_EL0", 3, 3, 14, 15, 7, SR_PL0_RW), .accessfn = acc_plain, .offset = OFF(pmccfiltr_el0), .wmask = CCFILTR_MASK },
    EVCNT(0, 0), EVCNT(1, 0), EVCNT(2, 0), EVCNT(3, 0), EVCNT(4, 0), EVCNT(5, 0),
    EVTYP(0), EVTYP(1), EVTYP(2), EVTYP(3), EVTYP(4), EVTYP(5),
};

const SysRegTable sysregs_pmu = SR_TABLE(pmu_rows);
