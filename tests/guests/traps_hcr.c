/*
 * traps_hcr.c — HCR_EL2 trap controls (Arm ARM D17.2.48): for each bit the
 * EL2 code sets it, EL1 (or EL0) performs the access, and the test checks
 * target EL, the whole ESR (EC and every ISS field) and ELR; then the same
 * access with the bit clear completes without an exception.
 *   TVM/TRVM (all 11 EL1 VM registers), TID1, TID2, TID3 (incl. a reserved
 *   ID encoding), TACR, TIDCP, TWI, TWE, TGE (EL0 exceptions to EL2), TDZ
 *   (DCZID_EL0.DZP).  (TSC: exc_foundation.  TSW/TPC/TPU/TTLB/TDZ on DC/IC/
 *   TLBI: those instructions belong to the MMU rows; their checks are in
 *   exceptions/traps.c and tests/unit/test_traps.c.)
 * Runs with -M virt,secure=on,virtualization=on.  Expected output taken
 * from QEMU 7.2 (traps_hcr.expected) except where QEMU 7.2 differs from the
 * Arm ARM, where the expected line is hyperstep's (Arm ARM) one:
 *   - QEMU 7.2 has no HCR_EL2.TIDCP (it came in QEMU 8.0): no trap there;
 *   - QEMU 7.2 never traps WFE (WFE is a YIELD there), HCR_EL2.TWE ignored.
 */
#include "traputil.h"

/* name, read-then-write of a VM register: the MSR (+4) uses Rt=1. */
#define VMREG(n, r) TRAP_FN(n, "mrs x1, " r "\nmsr " r ", x1")
VMREG(v_sctlr, "sctlr_el1");
VMREG(v_ttbr0, "ttbr0_el1");
VMREG(v_ttbr1, "ttbr1_el1");
VMREG(v_tcr, "tcr_el1");
VMREG(v_afsr0, "afsr0_el1");
VMREG(v_afsr1, "afsr1_el1");
VMREG(v_esr, "esr_el1");
VMREG(v_far, "far_el1");
VMREG(v_mair, "mair_el1");
VMREG(v_amair, "amair_el1");
VMREG(v_ctxid, "contextidr_el1");

TRAP_FN(r_revidr, "mrs x2, revidr_el1");
TRAP_FN(r_aidr, "mrs x3, aidr_el1");
TRAP_FN(r_ctr, "mrs x4, ctr_el0");
TRAP_FN(r_ccsidr, "mrs x5, ccsidr_el1");
TRAP_FN(r_clidr, "mrs x6, clidr_el1");
TRAP_FN(r_csselr, "mrs x7, csselr_el1");
TRAP_FN(r_pfr0, "mrs x8, id_aa64pfr0_el1");
TRAP_FN(r_dfr0, "mrs x9, id_aa64dfr0_el1");
TRAP_FN(r_mvfr0, "mrs x10, mvfr0_el1");
TRAP_FN(r_idres, "mrs x11, s3_0_c0_c4_2");
TRAP_FN(r_actlr, "mrs x12, actlr_el1");
TRAP_FN(r_cpuactlr, "mrs x13, s3_1_c15_c2_0");
TRAP_FN(r_l2ctlr, "mrs x14, s3_1_c11_c0_2");
TRAP_FN(f_wfi, "wfi");
TRAP_FN(f_wfe, "sevl\nwfe\nwfe");
TRAP_FN(f_svc, "svc #0x11");
TRAP_FN(f_udf, ".inst 0x00000000");
TRAP_FN(f_brk, "brk #0x44");
TRAP_FN(r_dczid, "mrs x0, dczid_el0");

#define HCR_TWI (1ul << 13)
#define HCR_TWE (1ul << 14)
#define HCR_TID1 (1ul << 16)
#define HCR_TID2 (1ul << 17)
#define HCR_TID3 (1ul << 18)
#define HCR_TIDCP (1ul << 20)
#define HCR_TACR (1ul << 21)
#define HCR_TVM (1ul << 26)
#define HCR_TGE (1ul << 27)
#define HCR_TDZ (1ul << 28)
#define HCR_TRVM (1ul << 30)

struct tcase {
    const char *tag;
    const char *fn;
    u64 bit;
    u64 esr;
    u64 off;
    int clear_ok;   /* run again with the bit clear (must not trap) */
};

static void set_hcr(u64 set, u64 clr)
{
    WRITE_SYSREG(hcr_el2, (READ_SYSREG(hcr_el2) | set) & ~clr);
    ISB();
}

static void run_case(const struct tcase *t, int el)
{
    set_hcr(t->bit, 0);
    run_at(el, t->fn, 0);
    set_hcr(0, t->bit);
    show(t->tag, t->fn, 0);
    EXPECT_EXC(2, t->esr, t->fn, t->off);
    if (t->clear_ok) {
        run_at(el, t->fn, 0);
        hs_printf("%s, bit clear: n=%d\n", t->tag, hs_last.count);
        EXPECT_NONE();
    }
}

#define S18(op1, crn, crm, op2, rt, rd) ESR(0x18, SYSISS(3, op1, crn, crm, op2, rt, rd))

static const struct tcase cases[] = {
    {"TVM SCTLR_EL1", v_sctlr, HCR_TVM, S18(0, 1, 0, 0, 1, 0), 4, 1},
    {"TVM TTBR0_EL1", v_ttbr0, HCR_TVM, S18(0, 2, 0, 0, 1, 0), 4, 1},
    {"TVM TTBR1_EL1", v_ttbr1, HCR_TVM, S18(0, 2, 0, 1, 1, 0), 4, 1},
    {"TVM TCR_EL1", v_tcr, HCR_TVM, S18(0, 2, 0, 2, 1, 0), 4, 1},
    {"TVM AFSR0_EL1", v_afsr0, HCR_TVM, S18(0, 5, 1, 0, 1, 0), 4, 1},
    {"TVM AFSR1_EL1", v_afsr1, HCR_TVM, S18(0, 5, 1, 1, 1, 0), 4, 1},
    {"TVM ESR_EL1", v_esr, HCR_TVM, S18(0, 5, 2, 0, 1, 0), 4, 1},
    {"TVM FAR_EL1", v_far, HCR_TVM, S18(0, 6, 0, 0, 1, 0), 4, 1},
    {"TVM MAIR_EL1", v_mair, HCR_TVM, S18(0, 10, 2, 0, 1, 0), 4, 1},
    {"TVM AMAIR_EL1", v_amair, HCR_TVM, S18(0, 10, 3, 0, 1, 0), 4, 1},
    {"TVM CONTEXTIDR_EL1", v_ctxid, HCR_TVM, S18(0, 13, 0, 1, 1, 0), 4, 1},
    {"TRVM SCTLR_EL1", v_sctlr, HCR_TRVM, S18(0, 1, 0, 0, 1, 1), 0, 0},
    {"TRVM TTBR0_EL1", v_ttbr0, HCR_TRVM, S18(0, 2, 0, 0, 1, 1), 0, 0},
    {"TRVM TTBR1_EL1", v_ttbr1, HCR_TRVM, S18(0, 2, 0, 1, 1, 1), 0, 0},
    {"TRVM TCR_EL1", v_tcr, HCR_TRVM, S18(0, 2, 0, 2, 1, 1), 0, 0},
    {"TRVM AFSR0_EL1", v_afsr0, HCR_TRVM, S18(0, 5, 1, 0, 1, 1), 0, 0},
    {"TRVM AFSR1_EL1", v_afsr1, HCR_TRVM, S18(0, 5, 1, 1, 1, 1), 0, 0},
    {"TRVM ESR_EL1", v_esr, HCR_TRVM, S18(0, 5, 2, 0, 1, 1), 0, 0},
    {"TRVM FAR_EL1", v_far, HCR_TRVM, S18(0, 6, 0, 0, 1, 1), 0, 0},
    {"TRVM MAIR_EL1", v_mair, HCR_TRVM, S18(0, 10, 2, 0, 1, 1), 0, 0},
    {"TRVM AMAIR_EL1", v_amair, HCR_TRVM, S18(0, 10, 3, 0, 1, 1), 0, 0},
    {"TRVM CONTEXTIDR_EL1", v_ctxid, HCR_TRVM, S18(0, 13, 0, 1, 1, 1), 0, 0},
    {"TID1 REVIDR_EL1", r_revidr, HCR_TID1, S18(0, 0, 0, 6, 2, 1), 0, 1},
    {"TID1 AIDR_EL1", r_aidr, HCR_TID1, S18(1, 0, 0, 7, 3, 1), 0, 1},
    {"TID2 CTR_EL0", r_ctr, HCR_TID2, S18(3, 0, 0, 1, 4, 1), 0, 1},
    {"TID2 CCSIDR_EL1", r_ccsidr, HCR_TID2, S18(1, 0, 0, 0, 5, 1), 0, 1},
    {"TID2 CLIDR_EL1", r_clidr, HCR_TID2, S18(1, 0, 0, 1, 6, 1), 0, 1},
    {"TID2 CSSELR_EL1", r_csselr, HCR_TID2, S18(2, 0, 0, 0, 7, 1), 0, 1},
    {"TID3 ID_AA64PFR0_EL1", r_pfr0, HCR_TID3, S18(0, 0, 4, 0, 8, 1), 0, 1},
    {"TID3 ID_AA64DFR0_EL1", r_dfr0, HCR_TID3, S18(0, 0, 5, 0, 9, 1), 0, 1},
    {"TID3 MVFR0_EL1", r_mvfr0, HCR_TID3, S18(0, 0, 3, 0, 10, 1), 0, 1},
    {"TID3 reserved S3_0_C0_C4_2", r_idres, HCR_TID3, S18(0, 0, 4, 2, 11, 1), 0, 1},
    {"TACR ACTLR_EL1", r_actlr, HCR_TACR, S18(0, 1, 0, 1, 12, 1), 0, 1},
    {"TIDCP CPUACTLR_EL1", r_cpuactlr, HCR_TIDCP, S18(1, 15, 2, 0, 13, 1), 0, 1},
    {"TIDCP L2CTLR_EL1", r_l2ctlr, HCR_TIDCP, S18(1, 11, 0, 2, 14, 1), 0, 1},
    /* WFI/WFE with the bit clear would really wait: trapped case only.
     * ISS: CV=1 COND=0xE, TI=0 WFI / 1 WFE. */
    {"TWI WFI", f_wfi, HCR_TWI, ESR(0x01, 0x1e00000), 0, 0},
    /* SEVL; WFE (event set: completes, not trapped); WFE (trapped). */
    {"TWE WFE", f_wfe, HCR_TWE, ESR(0x01, 0x1e00001), 8, 0},
};

static u64 el2_main(u64 arg)
{
    (void)arg;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], 1);

    /* TGE: EL0 exceptions go to EL2 (the lib's EL0 return SVC does too). */
    static const struct { const char *tag; const char *fn; u64 esr; u64 off; } tge[] = {
        {"TGE EL0 SVC", f_svc, ESR(0x15, 0x11), 4},
        {"TGE EL0 UDF", f_udf, ESR(0x00, 0), 0},
        {"TGE EL0 BRK", f_brk, ESR(0x3c, 0x44), 0},
    };
    set_hcr(HCR_TGE, 0);
    for (unsigned i = 0; i < 3; i++) {
        run_at(0, tge[i].fn, 0);
        show(tge[i].tag, tge[i].fn, 0);
        EXPECT_EXC(2, tge[i].esr, tge[i].fn, tge[i].off);
        CHECK_EQ(hs_last.source, 2);
    }
    set_hcr(0, HCR_TGE);

    /* TDZ: DCZID_EL0.DZP reads 1 at EL1 while DC ZVA is trapped. */
    u64 dz = run_at(1, r_dczid, 0);
    set_hcr(HCR_TDZ, 0);
    u64 dz_t = run_at(1, r_dczid, 0);
    set_hcr(0, HCR_TDZ);
    hs_printf("DCZID_EL0 at EL1: 0x%lx, with HCR_EL2.TDZ=1: 0x%lx\n", dz, dz_t);
    CHECK_EQ(dz, 4);
    CHECK_EQ(dz_t, 0x14);
    return 0;
}

int main(void)
{
    hs_exc_skip = 1;
    hs_call_lower(2, el2_main, 0, 0);
    return hs_report();
}
