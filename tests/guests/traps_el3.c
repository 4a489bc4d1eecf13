/*
 * traps_el3.c — SCR_EL3 (TWI, TWE, NS, RW, HCE), CPTR_EL2/CPTR_EL3/CPACR_EL1
 * (TFP, FPEN, TCPAC, TGE routing of EL0 FP traps) and the banked EL2/EL3
 * registers (TPIDR, SP_EL2, ELR/SPSR/ESR/FAR, HPFAR, AFSR, VPIDR/VMPIDR,
 * ACTLR-controlled A53 IMPLEMENTATION DEFINED registers).
 * Runs with -M virt,secure=on,virtualization=on.  Expected output from
 * QEMU 7.2 (traps_el3.expected) except where QEMU 7.2 differs from the
 * Arm ARM / Cortex-A53 TRM; those lines are hyperstep's, commented there:
 *   - QEMU 7.2 never traps WFE (SCR_EL3.TWE ignored);
 *   - QEMU 7.2 does not model the A53 ACTLR_EL3/ACTLR_EL2 write-access
 *     controls of CPUACTLR_EL1 & co. (A53 TRM 4.3.4/4.3.5);
 *   - QEMU 7.2 reads CPTR_EL2's RES1 bits (13:12, 9:0) as 0;
 *   - QEMU 7.2 takes HVC at Secure EL1 to EL2, which does not exist in
 *     Secure state in ARMv8.0: the Arm ARM makes it UNDEFINED.
 */
#include "traputil.h"

TRAP_FN(f_wfi, "wfi");
TRAP_FN(f_wfe, "sevl\nwfe\nwfe");
TRAP_FN(f_fp, "fmov d0, d1");
TRAP_FN(f_cpacr, "mrs x1, cpacr_el1");
TRAP_FN(f_cptr2, "mrs x2, cptr_el2");
TRAP_FN(f_hvc, "hvc #0x22");
TRAP_FN(f_midr, "mrs x0, midr_el1");
TRAP_FN(f_mpidr, "mrs x0, mpidr_el1");
TRAP_FN(f_tpidr2, "mrs x0, tpidr_el2");
TRAP_FN(f_tpidr3, "mrs x0, tpidr_el3");
TRAP_FN(f_cpuactlr_w, "mrs x1, s3_1_c15_c2_0\nmsr s3_1_c15_c2_0, x1");
TRAP_FN(f_sctlr_w, "mrs x1, sctlr_el1\nmsr sctlr_el1, x1");
/* Load from the virt board's Secure-only RAM (0x0e000000). */
TRAP_FN(f_secram, "mov x1, #0x0e000000\nldr x0, [x1]");
/* ERET to EL1h with SCR_EL3.RW=0: illegal return (EL1 would be AArch32). */
TRAP_FN(f_rw0, "adr x1, 1f\nmsr elr_el3, x1\nmov x1, #0x3c5\nmsr spsr_el3, x1\neret\n1: nop");

#define SCR_NS (1ul << 0)
#define SCR_RW (1ul << 10)
#define SCR_TWI (1ul << 12)
#define SCR_TWE (1ul << 13)
#define TFP (1ul << 10)
#define TCPAC (1ul << 31)
#define FPEN(v) ((u64)(v) << 20)

static int fixup(hs_frame *f, int el, int type)
{
    (void)f;
    if (type != 0 || el != 3 || (hs_last.esr >> 26) != 0x0e)
        return 0;
    WRITE_SYSREG(spsr_el3, READ_SYSREG(spsr_el3) & ~(1ul << 20));
    WRITE_SYSREG(elr_el3, READ_SYSREG(elr_el3) + 4);
    return 1;
}

static void one(const char *tag, int el, const char *fn, int to, u64 esr, u64 off)
{
    run_at(el, fn, 0);
    show(tag, fn, 0);
    if (to)
        EXPECT_EXC(to, esr, fn, off);
    else
        EXPECT_NONE();
}

#define S18(op1, crn, crm, op2, rt, rd) ESR(0x18, SYSISS(3, op1, crn, crm, op2, rt, rd))
#define FPT ESR(0x07, 0x1e00000)

/* Runs at EL2: CPTR_EL2 and CPACR traps, EL0 under TGE. */
static u64 el2_part(u64 arg)
{
    (void)arg;
    WRITE_SYSREG(cpacr_el1, FPEN(3));
    one("EL1 FP, FPEN=11", 1, f_fp, 0, 0, 0);
    WRITE_SYSREG(cpacr_el1, FPEN(0));
    one("EL1 FP, CPACR_EL1.FPEN=00", 1, f_fp, 1, FPT, 0);
    WRITE_SYSREG(cpacr_el1, FPEN(1));
    one("EL1 FP, CPACR_EL1.FPEN=01", 1, f_fp, 0, 0, 0);
    WRITE_SYSREG(cpacr_el1, FPEN(3));
    WRITE_SYSREG(cptr_el2, READ_SYSREG(cptr_el2) | TFP);
    ISB();
    one("EL1 FP, CPTR_EL2.TFP=1", 1, f_fp, 2, FPT, 0);
    one("EL2 FP, CPTR_EL2.TFP=1", 2, f_fp, 2, FPT, 0);
    WRITE_SYSREG(cptr_el2, READ_SYSREG(cptr_el2) & ~TFP);
    WRITE_SYSREG(cptr_el2, READ_SYSREG(cptr_el2) | TCPAC);
    ISB();
    one("EL1 CPACR_EL1, CPTR_EL2.TCPAC=1", 1, f_cpacr, 2, S18(0, 1, 0, 2, 1, 1), 0);
    WRITE_SYSREG(cptr_el2, READ_SYSREG(cptr_el2) & ~TCPAC);
    ISB();
    one("EL1 CPACR_EL1, TCPAC=0", 1, f_cpacr, 0, 0, 0);
    hs_printf("CPTR_EL2 reads 0x%lx (RES1 bits)\n", READ_SYSREG(cptr_el2));
    CHECK_EQ(READ_SYSREG(cptr_el2), 0x33ff);
    /* EL0 FP with FPEN=01 under HCR_EL2.TGE=1: to EL2 as EC 0x00
     * (AArch64.AdvSIMDFPAccessTrap). */
    WRITE_SYSREG(cpacr_el1, FPEN(1));
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 27));
    ISB();
    one("EL0 FP, FPEN=01, HCR_EL2.TGE=1", 0, f_fp, 2, ESR(0, 0), 0);
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) & ~(1ul << 27));
    ISB();
    WRITE_SYSREG(cpacr_el1, FPEN(3));
    /* Banked EL2 registers seen from EL2; EL3 ones UNDEFINED here. */
    hs_printf("EL2 TPIDR_EL2=0x%lx\n", READ_SYSREG(tpidr_el2));
    CHECK_EQ(READ_SYSREG(tpidr_el2), 0x2222);
    one("EL2 MRS TPIDR_EL3 (UNDEFINED)", 2, f_tpidr3, 2, ESR(0, 0), 0);
    one("EL1 MRS TPIDR_EL2 (UNDEFINED)", 1, f_tpidr2, 1, ESR(0, 0), 0);
    /* VPIDR/VMPIDR: EL1 reads of MIDR/MPIDR return them. */
    WRITE_SYSREG(vpidr_el2, 0x410fd0ff);
    WRITE_SYSREG(vmpidr_el2, 0x80000123);
    u64 midr1 = run_at(1, f_midr, 0), mpidr1 = run_at(1, f_mpidr, 0);
    hs_printf("EL1 MIDR=0x%lx MPIDR=0x%lx; EL2 MIDR=0x%lx\n", midr1, mpidr1, READ_SYSREG(midr_el1));
    CHECK_EQ(midr1, 0x410fd0ff);
    CHECK_EQ(mpidr1, 0x80000123);
    CHECK_EQ(READ_SYSREG(midr_el1), 0x410fd034);
    WRITE_SYSREG(vpidr_el2, READ_SYSREG(midr_el1));
    WRITE_SYSREG(vmpidr_el2, READ_SYSREG(mpidr_el1));
    /* SCR_EL3.TWI/TWE from EL2 and EL1. */
    return 0;
}

static u64 el1_secure(u64 arg)
{
    (void)arg;
    /* Secure EL1: no EL2 in ARMv8.0, so HVC is UNDEFINED, HCR_EL2.TVM does
     * not apply and MIDR_EL1 is not virtualised. */
    run_at(1, f_hvc, 0);
    show("Secure EL1 HVC (UNDEFINED)", f_hvc, 0);
    EXPECT_EXC(1, ESR(0, 0), f_hvc, 0);
    run_at(1, f_sctlr_w, 0);
    show("Secure EL1 MSR SCTLR_EL1, HCR_EL2.TVM=1", f_sctlr_w, 0);
    EXPECT_NONE();
    u64 midr = READ_SYSREG(midr_el1);
    hs_printf("Secure EL1 MIDR=0x%lx\n", midr);
    CHECK_EQ(midr, 0x410fd034);
    return 0;
}

int main(void)
{
    hs_exc_skip = 1;
    hs_exc_hook = fixup;
    WRITE_SYSREG(vbar_el2, (u64)hs_vectors);
    /* Banked EL2/EL3 registers written at EL3. */
    WRITE_SYSREG(tpidr_el2, 0x2222);
    WRITE_SYSREG(tpidr_el3, 0x3333);
    WRITE_SYSREG(elr_el2, 0x1000);
    WRITE_SYSREG(spsr_el2, 0x3c5);
    WRITE_SYSREG(esr_el2, 0x5a000001);
    WRITE_SYSREG(far_el2, 0xfa2);
    WRITE_SYSREG(hpfar_el2, 0x12340);
    WRITE_SYSREG(afsr0_el2, 0);
    WRITE_SYSREG(afsr1_el3, 0);
    WRITE_SYSREG(sp_el2, 0x5000);
    hs_printf("EL3 view: TPIDR_EL2=0x%lx TPIDR_EL3=0x%lx ELR_EL2=0x%lx SPSR_EL2=0x%lx ESR_EL2=0x%lx FAR_EL2=0x%lx HPFAR_EL2=0x%lx SP_EL2=0x%lx\n",
              READ_SYSREG(tpidr_el2), READ_SYSREG(tpidr_el3), READ_SYSREG(elr_el2), READ_SYSREG(spsr_el2),
              READ_SYSREG(esr_el2), READ_SYSREG(far_el2), READ_SYSREG(hpfar_el2), READ_SYSREG(sp_el2));
    CHECK_EQ(READ_SYSREG(tpidr_el3), 0x3333);
    CHECK_EQ(READ_SYSREG(sp_el2), 0x5000);
    CHECK_EQ(READ_SYSREG(hpfar_el2), 0x12340);
    hs_printf("RVBAR_EL3=0x%lx DCZID_EL0=0x%lx\n", READ_SYSREG(rvbar_el3), READ_SYSREG(dczid_el0));

    hs_call_lower(2, el2_part, 0, 0);

    /* CPTR_EL3.TFP traps every EL, EL3 included. */
    WRITE_SYSREG(cptr_el3, TFP);
    ISB();
    one("EL3 FP, CPTR_EL3.TFP=1", 3, f_fp, 3, FPT, 0);
    one("EL2 FP, CPTR_EL3.TFP=1", 2, f_fp, 3, FPT, 0);
    one("EL1 FP, CPTR_EL3.TFP=1", 1, f_fp, 3, FPT, 0);
    WRITE_SYSREG(cptr_el3, TCPAC);
    ISB();
    one("EL1 CPACR_EL1, CPTR_EL3.TCPAC=1", 1, f_cpacr, 3, S18(0, 1, 0, 2, 1, 1), 0);
    one("EL2 CPTR_EL2, CPTR_EL3.TCPAC=1", 2, f_cptr2, 3, S18(4, 1, 1, 2, 2, 1), 0);
    WRITE_SYSREG(cptr_el3, 0);
    ISB();
    one("EL1 FP, CPTR_EL3=0", 1, f_fp, 0, 0, 0);

    /* SCR_EL3.TWI / TWE. */
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | SCR_TWI);
    one("EL2 WFI, SCR_EL3.TWI=1", 2, f_wfi, 3, ESR(0x01, 0x1e00000), 0);
    one("EL1 WFI, SCR_EL3.TWI=1", 1, f_wfi, 3, ESR(0x01, 0x1e00000), 0);
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) & ~SCR_TWI);

    /* SCR_EL3.RW=0: ERET to AArch64 EL1 is an illegal return. */
    WRITE_SYSREG(scr_el3, (READ_SYSREG(scr_el3) | SCR_NS) & ~SCR_RW);
    run_at(3, f_rw0, 0);
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | SCR_RW);
    show("ERET to EL1 with SCR_EL3.RW=0", f_rw0, 0);
    EXPECT_EXC(3, ESR(0x0e, 0), f_rw0, 20);

    /* SCR_EL3.NS=0: Secure EL1 with HCR_EL2.TVM=1 left set. */
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 26));
    WRITE_SYSREG(vpidr_el2, 0x410fd0ff);
    hs_secure_lower = 1;
    hs_call_lower(1, el1_secure, 0, 0);
    hs_secure_lower = 0;
    WRITE_SYSREG(vpidr_el2, READ_SYSREG(midr_el1));
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) & ~(1ul << 26));

    /* A53 ACTLR_EL3/ACTLR_EL2 write-access control of CPUACTLR_EL1. */
    WRITE_SYSREG(actlr_el3, 0);
    one("EL2 write CPUACTLR_EL1, ACTLR_EL3[0]=0", 2, f_cpuactlr_w, 3, S18(1, 15, 2, 0, 1, 0), 4);
    WRITE_SYSREG(actlr_el3, 1);
    WRITE_SYSREG(actlr_el2, 0);
    one("EL1 write CPUACTLR_EL1, ACTLR_EL2[0]=0", 1, f_cpuactlr_w, 2, S18(1, 15, 2, 0, 1, 0), 4);
    WRITE_SYSREG(actlr_el2, 1);
    one("EL1 write CPUACTLR_EL1, both set", 1, f_cpuactlr_w, 0, 0, 0);

    /* Secure-only memory: a Non-secure EL1 load is an External abort
     * (EC 0x25 is "same EL": taken to EL1, DFSC 0x10, FAR = the address);
     * a Secure EL1 load succeeds. */
    run_at(1, f_secram, 0);
    hs_printf("NS EL1 load from Secure RAM: n=%d el=%d esr=0x%08lx far=0x%lx\n", hs_last.count, hs_last.el,
              hs_last.esr, hs_last.far);
    CHECK_EQ(hs_last.el, 1);
    CHECK_EQ(hs_last.esr >> 26, 0x25);
    CHECK_EQ(hs_last.esr & 0x3f, 0x10);
    CHECK_EQ(hs_last.far, 0x0e000000);
    hs_secure_lower = 1;
    run_at(1, f_secram, 0);
    hs_secure_lower = 0;
    hs_printf("Secure EL1 load from Secure RAM: n=%d\n", hs_last.count);
    EXPECT_NONE();

    /* Last: SCR_EL3.TWE (QEMU 7.2 never traps WFE). */
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | SCR_TWE);
    one("EL2 WFE, SCR_EL3.TWE=1", 2, f_wfe, 3, ESR(0x01, 0x1e00001), 8);
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) & ~SCR_TWE);
    return hs_report();
}
