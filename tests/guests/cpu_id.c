/*
 * cpu_id.c — what a guest sees of the CPU model and the board: MIDR,
 * REVIDR, cache identification (CTR_EL0, CLIDR_EL1, CCSIDR_EL1 per level),
 * the ID registers, the IMPLEMENTATION DEFINED registers readable at
 * reset, CNTHCTL_EL2 as reset (when started at EL2 or EL3), the GIC
 * identification registers and whether the GIC system registers exist.
 *
 * Built once; run per -cpu model and gic-version.  Lines printed with
 * "id " are compared with outputs taken from QEMU 7.2 (cpu_id_*.expected);
 * lines printed with "own " are values where hyperstep deliberately
 * differs from QEMU (see README "Limits") and are checked here instead.
 */
#include "lib.h"

#define MMIO32(a) (*(volatile u32 *)(u64)(a))
#define MMIO64(a) (*(volatile u64 *)(u64)(a))

#define GICD 0x08000000ul
#define GICR 0x080a0000ul

/* At EL1: the physical counter and timer, allowed by CNTHCTL_EL2's reset
 * value (EL1PCTEN, EL1PCEN) without EL2 touching it. */
static u64 el1_counter(u64 arg)
{
    (void)arg;
    u64 t0 = READ_SYSREG(cntpct_el0);
    u64 ctl = READ_SYSREG(cntp_ctl_el0);
    u64 t1 = READ_SYSREG(cntpct_el0);
    return (t1 >= t0 ? 1 : 0) | (ctl & 1) << 1;
}

static u64 ccsidr(unsigned sel)
{
    WRITE_SYSREG(csselr_el1, sel);
    ISB();
    return READ_SYSREG(ccsidr_el1);
}

int main(void)
{
    int el = hs_current_el();
    u64 midr = READ_SYSREG(midr_el1);
    hs_printf("id MIDR_EL1 %lx\n", midr);
    hs_printf("id REVIDR_EL1 %lx\n", READ_SYSREG(revidr_el1));
    hs_printf("id AIDR_EL1 %lx\n", READ_SYSREG(aidr_el1));
    hs_printf("id CTR_EL0 %lx\n", READ_SYSREG(ctr_el0));
    hs_printf("id CLIDR_EL1 %lx\n", READ_SYSREG(clidr_el1));
    hs_printf("id CCSIDR L1D %lx\n", ccsidr(0));
    hs_printf("id CCSIDR L1I %lx\n", ccsidr(1));
    hs_printf("id CCSIDR L2 %lx\n", ccsidr(2));
    hs_printf("id DCZID_EL0 %lx\n", READ_SYSREG(dczid_el0));
    /* EL0..EL3 fields: QEMU's cores also run AArch32 (2), hyperstep's are
     * AArch64 only (1): print "implemented" (1) for either. */
    u64 pfr0 = READ_SYSREG(id_aa64pfr0_el1);
    u64 els = pfr0 & 0x3333;
    hs_printf("id ID_AA64PFR0_EL1 (EL fields as implemented/not) %lx\n",
              (pfr0 & ~0xffffull) | (els & 0x1111) | ((els >> 1) & 0x1111));
    hs_printf("own ID_AA64PFR0_EL1 %lx\n", pfr0);
    hs_printf("id ID_AA64PFR1_EL1 %lx\n", READ_SYSREG(id_aa64pfr1_el1));
    hs_printf("id ID_AA64DFR0_EL1 %lx\n", READ_SYSREG(id_aa64dfr0_el1));
    hs_printf("id ID_AA64DFR1_EL1 %lx\n", READ_SYSREG(id_aa64dfr1_el1));
    hs_printf("id ID_AA64ISAR0_EL1 %lx\n", READ_SYSREG(id_aa64isar0_el1));
    hs_printf("id ID_AA64ISAR1_EL1 %lx\n", READ_SYSREG(id_aa64isar1_el1));
    hs_printf("own ID_AA64MMFR0_EL1 %lx\n", READ_SYSREG(id_aa64mmfr0_el1));
    hs_printf("id ID_AA64MMFR1_EL1 %lx\n", READ_SYSREG(id_aa64mmfr1_el1));
    hs_printf("id ID_AA64AFR0_EL1 %lx\n", READ_SYSREG(id_aa64afr0_el1));
    hs_printf("own ID_PFR0_EL1 %lx\n", READ_SYSREG(id_pfr0_el1));
    hs_printf("own ID_ISAR0_EL1 %lx\n", READ_SYSREG(id_isar0_el1));
    hs_printf("own MVFR0_EL1 %lx\n", READ_SYSREG(mvfr0_el1));

    /* IMPLEMENTATION DEFINED registers at reset (reads are not controlled
     * by ACTLR_EL2/EL3). */
    hs_printf("id CPUACTLR_EL1 %lx\n", READ_SYSREG(s3_1_c15_c2_0));
    hs_printf("id CPUECTLR_EL1 %lx\n", READ_SYSREG(s3_1_c15_c2_1));
    hs_printf("id L2CTLR_EL1 %lx\n", READ_SYSREG(s3_1_c11_c0_2));
    hs_printf("id L2ECTLR_EL1 %lx\n", READ_SYSREG(s3_1_c11_c0_3));
    hs_printf("id CBAR_EL1 %lx\n", READ_SYSREG(s3_1_c15_c3_0));

    if (el >= 2)
        hs_printf("id CNTHCTL_EL2 %lx\n", READ_SYSREG(cnthctl_el2));
    if (el == 2) {
        /* Drop to EL1 without writing CNTHCTL_EL2: a trap would end the
         * run (unexpected exception). */
        static u64 stack1[256] __attribute__((aligned(16)));
        u64 r = hs_call_lower(1, el1_counter, 0, (u64)&stack1[256]);
        hs_printf("id EL1 reads CNTPCT_EL0 and CNTP_CTL_EL0 untrapped %lx\n", r);
        CHECK_EQ(r, 1);
    }

    /* GIC identification: the GICv3 PIDR2.ArchRev is 3; QEMU's GICv2 has
     * no register there (the access aborts), so an abort means GICv2. */
    hs_exc_reset();
    hs_exc_skip = 1;
    u32 pidr2 = MMIO32(GICD + 0xffe8);
    hs_exc_skip = 0;
    u32 arch = !hs_last.count && ((pidr2 >> 4) & 0xf) == 3 ? 3 : 2;
    hs_printf("id GIC architecture %x\n", arch);
    /* LPIs: QEMU 7.2's GICv3 has them (GICD_TYPER.LPIS, GICR_TYPER.PLPIS),
     * hyperstep has not (README "Limits"): those bits are printed apart. */
    u32 typer = MMIO32(GICD + 0x4);
    hs_printf("id GICD_TYPER %x\n", typer & ~(1u << 17));
    hs_printf("own GICD_TYPER.LPIS %x\n", (typer >> 17) & 1);
    hs_printf("id GICD_IIDR %x\n", MMIO32(GICD + 0x8));
    if (arch == 3) {
        u64 rtyper = MMIO64(GICR + 0x8);
        hs_printf("id GICR_TYPER %lx\n", rtyper & ~1ul);
        hs_printf("own GICR_TYPER.PLPIS %lx\n", rtyper & 1);
        hs_printf("id GICR_IIDR %x\n", MMIO32(GICR + 0x4));
    }

    /* GIC system registers: present (and ID_AA64PFR0_EL1.GIC = 1) with a
     * GICv3 only; otherwise ICC_SRE_EL1 is UNDEFINED (EC 0). */
    u64 gic_field = (READ_SYSREG(id_aa64pfr0_el1) >> 24) & 0xf;
    hs_exc_reset();
    hs_exc_skip = 1;
    u64 sre = READ_SYSREG(s3_0_c12_c12_5);
    hs_exc_skip = 0;
    int undef = hs_last.count && ((hs_last.esr >> 26) & 0x3f) == 0;
    hs_printf("id ICC_SRE_EL1 %s\n", undef ? "UNDEFINED" : "present");
    (void)sre;
    CHECK_EQ(gic_field, arch == 3 ? 1 : 0);
    CHECK_EQ(undef, arch != 3);
    return hs_report();
}
