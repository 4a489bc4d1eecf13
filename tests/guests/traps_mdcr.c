/*
 * traps_mdcr.c — debug and PMU traps: MDCR_EL2.{TDA,TDOSA,TDRA,TDE,TPM,
 * TPMCR,HPMN}, MDCR_EL3.{TDA,TDOSA,TPM}, PMUSERENR_EL0.{EN,CR,SW} at EL0,
 * plus the PMU counting (SW_INCR, cycle counter, INST_RETIRED).
 * Runs with -M virt,secure=on,virtualization=on.  Expected output from
 * QEMU 7.2 (traps_mdcr.expected) except where noted there: QEMU 7.2 only
 * counts INST_RETIRED with -icount, and its cycle counter follows host time,
 * whereas hyperstep counts instructions retired for both (deterministic).
 * QEMU 7.2 also lacks DBGCLAIMCLR_EL1 and DBGPRCR_EL1 (UNDEFINED there) and
 * MDCR_EL2.TPMCR; those lines in the expected file are the Arm ARM ones.
 */
#include "traputil.h"

TRAP_FN(d_mdscr, "mrs x0, mdscr_el1");
TRAP_FN(d_bvr0, "mrs x1, dbgbvr0_el1");
TRAP_FN(d_claim, "mrs x2, dbgclaimclr_el1");
TRAP_FN(d_mdccint, "mrs x3, mdccint_el1");
TRAP_FN(d_oslar, "msr oslar_el1, xzr");
TRAP_FN(d_oslsr, "mrs x4, oslsr_el1");
TRAP_FN(d_osdlr, "mrs x5, osdlr_el1");
TRAP_FN(d_dbgprcr, "mrs x6, dbgprcr_el1");
TRAP_FN(d_mdrar, "mrs x7, mdrar_el1");
TRAP_FN(f_brk, "brk #0x7");
TRAP_FN(p_pmcr, "mrs x8, pmcr_el0");
TRAP_FN(p_ccnt, "mrs x9, pmccntr_el0");
TRAP_FN(p_pmcr0, "mrs x0, pmcr_el0");
TRAP_FN(p_userenr, "mrs x10, pmuserenr_el0");
TRAP_FN(p_swinc, "msr pmswinc_el0, x0");
TRAP_FN(p_evcnt3, "mrs x11, pmevcntr3_el0");
TRAP_FN(f_bp, "nop");
TRAP_FN(f_step, "nop\nnop");
TRAP_FN(f_ldx, "ldr x0, [x0]");
TRAP_FN(f_ldw, "ldr w0, [x0]");
TRAP_FN(f_stx, "str xzr, [x0]");
static volatile u64 wdata[4] __attribute__((aligned(64)));

static void watch_case(const char *tag, const char *fn, u64 addr, u64 wcr, int hit, int write)
{
    WRITE_SYSREG(dbgwcr0_el1, wcr);
    ISB();
    run_at(1, fn, addr);
    hs_printf("%s: n=%d el=%d esr=0x%08lx elr=+%ld far=wdata+%ld\n", tag, hs_last.count, hs_last.el, hs_last.esr,
              (s64)(hs_last.elr - (u64)fn), hit ? (s64)(hs_last.far - (u64)wdata) : 0);
    if (hit) {
        EXPECT_EXC(2, ESR(0x34, (write ? 0x40 : 0) | 0x22), fn, 0);
        CHECK_EQ(hs_last.far, addr);
    } else {
        EXPECT_NONE();
    }
}
extern char hs_lower_trampoline[];

/* Software step hook at EL2: record each step's ELR, step 6 times (SPSR.SS=1
 * keeps stepping, ELR unchanged), then switch MDSCR_EL1.SS off. */
static u64 step_elr[8];
static u32 step_esr[8];
static volatile int nsteps;
static int step_hook(hs_frame *f, int el, int type)
{
    (void)f;
    if (type != 0 || el != 2 || (hs_last.esr >> 26) != 0x32)
        return 0;
    step_elr[nsteps] = hs_last.elr;
    step_esr[nsteps] = (u32)hs_last.esr;
    if (++nsteps >= 6)
        WRITE_SYSREG(mdscr_el1, 0);
    else
        WRITE_SYSREG(spsr_el2, READ_SYSREG(spsr_el2) | (1ul << 21));
    return 1;
}
/* Breakpoint on the NOP at +4 with PSTATE.D clear. */
TRAP_FN(f_bp_d0, "msr daifclr, #8\nnop\nmsr daifset, #8");

#define TPMCR (1ul << 5)
#define TPM (1ul << 6)
#define TDE (1ul << 8)
#define TDA (1ul << 9)
#define TDOSA (1ul << 10)
#define TDRA (1ul << 11)

#define S2(op1, crn, crm, op2, rt, rd) ESR(0x18, SYSISS(2, op1, crn, crm, op2, rt, rd))
#define S3(op1, crn, crm, op2, rt, rd) ESR(0x18, SYSISS(3, op1, crn, crm, op2, rt, rd))

static void one(const char *tag, int el, const char *fn, int to, u64 esr)
{
    run_at(el, fn, 0);
    show(tag, fn, 0);
    if (to)
        EXPECT_EXC(to, esr, fn, 0);
    else
        EXPECT_NONE();
}

static void mdcr2(u64 v)
{
    WRITE_SYSREG(mdcr_el2, v | 6);   /* HPMN = 6 unless told */
    ISB();
}

static u64 el2_main(u64 arg)
{
    (void)arg;
    mdcr2(TDA);
    one("TDA MDSCR_EL1", 1, d_mdscr, 2, S2(0, 0, 2, 2, 0, 1));
    one("TDA DBGBVR0_EL1", 1, d_bvr0, 2, S2(0, 0, 0, 4, 1, 1));
    one("TDA DBGCLAIMCLR_EL1", 1, d_claim, 2, S2(0, 7, 9, 6, 2, 1));
    one("TDA MDCCINT_EL1", 1, d_mdccint, 2, S2(0, 0, 2, 0, 3, 1));
    mdcr2(0);
    one("TDA=0 MDSCR_EL1", 1, d_mdscr, 0, 0);
    mdcr2(TDOSA);
    one("TDOSA OSLAR_EL1", 1, d_oslar, 2, S2(0, 1, 0, 4, 31, 0));
    one("TDOSA OSLSR_EL1", 1, d_oslsr, 2, S2(0, 1, 1, 4, 4, 1));
    one("TDOSA OSDLR_EL1", 1, d_osdlr, 2, S2(0, 1, 3, 4, 5, 1));
    one("TDOSA DBGPRCR_EL1", 1, d_dbgprcr, 2, S2(0, 1, 4, 4, 6, 1));
    mdcr2(0);
    one("TDOSA=0 OSLAR_EL1", 1, d_oslar, 0, 0);
    mdcr2(TDRA);
    one("TDRA MDRAR_EL1", 1, d_mdrar, 2, S2(0, 1, 0, 0, 7, 1));
    mdcr2(0);
    one("TDRA=0 MDRAR_EL1", 1, d_mdrar, 0, 0);
    mdcr2(TDE);
    one("TDE MDSCR_EL1", 1, d_mdscr, 2, S2(0, 0, 2, 2, 0, 1));
    one("TDE BRK", 1, f_brk, 2, ESR(0x3c, 7));
    mdcr2(0);
    one("TDE=0 BRK", 1, f_brk, 1, ESR(0x3c, 7));

    mdcr2(TPM);
    one("TPM PMCR_EL0", 1, p_pmcr, 2, S3(3, 9, 12, 0, 8, 1));
    one("TPM PMCCNTR_EL0", 1, p_ccnt, 2, S3(3, 9, 13, 0, 9, 1));
    one("TPM PMUSERENR_EL0", 1, p_userenr, 2, S3(3, 9, 14, 0, 10, 1));
    mdcr2(TPMCR);
    one("TPMCR PMCR_EL0", 1, p_pmcr, 2, S3(3, 9, 12, 0, 8, 1));
    one("TPMCR PMCCNTR_EL0 (not trapped)", 1, p_ccnt, 0, 0);
    mdcr2(0);
    one("TPM=0 PMCR_EL0", 1, p_pmcr, 0, 0);

    /* Hardware breakpoint 0 on f_bp at EL1 (PMC=01, BAS=1111), OS lock
     * released, MDSCR_EL1.MDE=1.  TDE=1: taken to EL2 (EC 0x30). */
    WRITE_SYSREG(oslar_el1, 0);
    WRITE_SYSREG(mdscr_el1, 1ul << 15);
    WRITE_SYSREG(dbgbvr0_el1, (u64)f_bp);
    WRITE_SYSREG(dbgbcr0_el1, 1 | (1 << 1) | (0xf << 5));
    mdcr2(TDE);
    one("breakpoint at EL1, MDCR_EL2.TDE=1", 1, f_bp, 2, ESR(0x30, 0x22));
    mdcr2(0);
    /* TDE=0: the target is EL1 = the current EL: needs KDE=1 and PSTATE.D=0. */
    one("breakpoint at EL1, KDE=0", 1, f_bp, 0, 0);
    WRITE_SYSREG(mdscr_el1, (1ul << 15) | (1ul << 13));
    one("breakpoint at EL1, KDE=1 PSTATE.D=1", 1, f_bp, 0, 0);
    WRITE_SYSREG(dbgbvr0_el1, (u64)f_bp_d0 + 4);
    run_at(1, f_bp_d0, 0);
    show("breakpoint at EL1, KDE=1 PSTATE.D=0", f_bp_d0, 0);
    EXPECT_EXC(1, ESR(0x31, 0x22), f_bp_d0, 4);
    WRITE_SYSREG(dbgbcr0_el1, 0);
    WRITE_SYSREG(mdscr_el1, 0);
    WRITE_SYSREG(oslar_el1, 1);

    /* Watchpoint 0 on wdata[1] (EL1, MDCR_EL2.TDE=1 -> EL2, EC 0x34). */
    WRITE_SYSREG(oslar_el1, 0);
    WRITE_SYSREG(mdscr_el1, 1ul << 15);
    WRITE_SYSREG(dbgwvr0_el1, (u64)&wdata[1]);
    mdcr2(TDE);
#define WCR(lsc, bas) (1 | (1 << 1) | ((lsc) << 3) | ((bas) << 5))
    watch_case("watch load, LSC=11 BAS=ff", f_ldx, (u64)&wdata[1], WCR(3, 0xff), 1, 0);
    watch_case("watch store, LSC=11 BAS=ff", f_stx, (u64)&wdata[1], WCR(3, 0xff), 1, 1);
    watch_case("watch other doubleword", f_ldx, (u64)&wdata[0], WCR(3, 0xff), 0, 0);
    watch_case("watch load, LSC=10 (store only)", f_ldx, (u64)&wdata[1], WCR(2, 0xff), 0, 0);
    watch_case("watch word +4, BAS=0f", f_ldw, (u64)&wdata[1] + 4, WCR(3, 0x0f), 0, 0);
    watch_case("watch word +4, BAS=f0", f_ldw, (u64)&wdata[1] + 4, WCR(3, 0xf0), 1, 0);
    WRITE_SYSREG(dbgwcr0_el1, 0);
    WRITE_SYSREG(mdscr_el1, 0);
    WRITE_SYSREG(oslar_el1, 1);
    mdcr2(0);

    /* Software step of EL1 code from EL2 (MDCR_EL2.TDE=1): the ERET into
     * EL1 has SPSR.SS=0, so the first step exception comes before the first
     * instruction; each return with SPSR.SS=1 steps one instruction. */
    WRITE_SYSREG(oslar_el1, 0);
    mdcr2(TDE);
    WRITE_SYSREG(mdscr_el1, 1);
    hs_exc_hook = step_hook;
    nsteps = 0;
    run_at(1, f_step, 0);
    hs_exc_hook = 0;
    WRITE_SYSREG(mdscr_el1, 0);
    mdcr2(0);
    WRITE_SYSREG(oslar_el1, 1);
    hs_printf("software step: %d steps\n", nsteps);
    CHECK_EQ(nsteps, 6);
    for (int i = 0; i < nsteps; i++) {
        s64 rel = (s64)(step_elr[i] - (u64)f_step), relt = (s64)(step_elr[i] - (u64)hs_lower_trampoline);
        hs_printf("  step %d: esr=0x%08x elr=%s+%ld\n", i, step_esr[i], (rel >= 0 && rel < 16) ? "fn" : "tramp",
                  (rel >= 0 && rel < 16) ? rel : relt);
        /* EC 0x32, IL, IFSC 0x22; ISV=1 (EX=0) once an instruction was
         * stepped, ISV=0 for the first, taken before any instruction. */
        CHECK_EQ(step_esr[i], i ? 0xcb000022u : 0xca000022u);
    }
    CHECK_EQ(step_elr[0], (u64)hs_lower_trampoline);
    CHECK_EQ(step_elr[1], (u64)f_step);
    CHECK_EQ(step_elr[2], (u64)f_step + 4);

    /* HPMN: EL1 sees PMCR_EL0.N = HPMN; counters >= HPMN are UNDEFINED at EL1. */
    WRITE_SYSREG(mdcr_el2, 2);
    ISB();
    u64 n1 = (run_at(1, p_pmcr0, 0) >> 11) & 31, n2 = (READ_SYSREG(pmcr_el0) >> 11) & 31;
    hs_printf("PMCR_EL0.N at EL1 with HPMN=2: %lu, at EL2: %lu\n", n1, n2);
    CHECK_EQ(n1, 2);
    CHECK_EQ(n2, 6);
    mdcr2(0);
    return 0;
}

static u64 el1_main(u64 arg)
{
    (void)arg;
    /* PMUSERENR_EL0 controls EL0 access (traps to EL1). */
    WRITE_SYSREG(pmuserenr_el0, 0);
    one("EL0 PMCR_EL0, PMUSERENR.EN=0", 0, p_pmcr, 1, S3(3, 9, 12, 0, 8, 1));
    one("EL0 PMCCNTR_EL0, PMUSERENR.EN=0", 0, p_ccnt, 1, S3(3, 9, 13, 0, 9, 1));
    one("EL0 PMSWINC_EL0, PMUSERENR.EN=0", 0, p_swinc, 1, S3(3, 9, 12, 4, 0, 0));
    one("EL0 PMUSERENR_EL0 (always readable)", 0, p_userenr, 0, 0);
    WRITE_SYSREG(pmuserenr_el0, 4);   /* CR */
    one("EL0 PMCCNTR_EL0, PMUSERENR.CR=1", 0, p_ccnt, 0, 0);
    one("EL0 PMCR_EL0, PMUSERENR.CR=1", 0, p_pmcr, 1, S3(3, 9, 12, 0, 8, 1));
    WRITE_SYSREG(pmuserenr_el0, 2);   /* SW */
    one("EL0 PMSWINC_EL0, PMUSERENR.SW=1", 0, p_swinc, 0, 0);
    WRITE_SYSREG(pmuserenr_el0, 1);   /* EN */
    one("EL0 PMCR_EL0, PMUSERENR.EN=1", 0, p_pmcr, 0, 0);
    WRITE_SYSREG(pmuserenr_el0, 0);

    /* Counting at EL1: SW_INCR on counter 1, cycle counter. */
    WRITE_SYSREG(pmcr_el0, READ_SYSREG(pmcr_el0) | 1 | 2 | 4);   /* E, reset P and C */
    WRITE_SYSREG(pmevtyper1_el0, 0x00);                           /* SW_INCR */
    WRITE_SYSREG(pmevtyper0_el0, 0x08);                           /* INST_RETIRED */
    WRITE_SYSREG(pmccfiltr_el0, 0);
    WRITE_SYSREG(pmcntenset_el0, (1ul << 31) | 3);
    ISB();
    for (int i = 0; i < 3; i++)
        WRITE_SYSREG(pmswinc_el0, 2);
    u64 sw = READ_SYSREG(pmevcntr1_el0);
    hs_printf("SW_INCR x3: PMEVCNTR1_EL0=%lu\n", sw);
    CHECK_EQ(sw, 3);
    u64 c0, c1, i0, i1;
    __asm__ volatile("mrs %0, pmccntr_el0\nmrs %1, pmevcntr0_el0\n"
                     ".rept 100\nnop\n.endr\n"
                     "mrs %2, pmccntr_el0\nmrs %3, pmevcntr0_el0"
                     : "=&r"(c0), "=&r"(i0), "=&r"(c1), "=&r"(i1));
    hs_printf("PMCCNTR_EL0 advanced over 100 NOPs: %d\n", c1 > c0);
    CHECK(c1 > c0);
    /* Both count instructions retired here: 100 NOPs + 2 MRS. */
    CHECK_EQ(c1 - c0, 102);
    CHECK_EQ(i1 - i0, 102);
    /* Overflow: counter 1 from 0xffffffff with one SW_INCR sets PMOVSSET[1]. */
    WRITE_SYSREG(pmevcntr1_el0, 0xffffffff);
    WRITE_SYSREG(pmswinc_el0, 2);
    u64 ovs = READ_SYSREG(pmovsset_el0) & 2, v = READ_SYSREG(pmevcntr1_el0);
    hs_printf("overflow: PMEVCNTR1_EL0=%lu PMOVSSET_EL0[1]=%lu\n", v, ovs >> 1);
    CHECK_EQ(v, 0);
    CHECK_EQ(ovs, 2);
    WRITE_SYSREG(pmovsclr_el0, 2);
    WRITE_SYSREG(pmcntenclr_el0, (1ul << 31) | 3);
    return 0;
}

int main(void)
{
    hs_exc_skip = 1;
    hs_call_lower(2, el2_main, 0, 0);
    hs_call_lower(1, el1_main, 0, 0);
    /* MDCR_EL3 traps of EL2 accesses. */
    WRITE_SYSREG(mdcr_el3, TDA);
    one("MDCR_EL3.TDA EL2 MDSCR_EL1", 2, d_mdscr, 3, S2(0, 0, 2, 2, 0, 1));
    one("MDCR_EL3.TDA EL1 MDSCR_EL1", 1, d_mdscr, 3, S2(0, 0, 2, 2, 0, 1));
    WRITE_SYSREG(mdcr_el3, TDOSA);
    one("MDCR_EL3.TDOSA EL2 OSLAR_EL1", 2, d_oslar, 3, S2(0, 1, 0, 4, 31, 0));
    WRITE_SYSREG(mdcr_el3, TPM);
    one("MDCR_EL3.TPM EL2 PMCR_EL0", 2, p_pmcr, 3, S3(3, 9, 12, 0, 8, 1));
    WRITE_SYSREG(mdcr_el3, 0);
    one("MDCR_EL3=0 EL2 PMCR_EL0", 2, p_pmcr, 0, 0);
    return hs_report();
}
