/*
 * tests/unit/test_traps.c — the EL2/EL3 trap model on a real virt machine
 * (secure=on, virtualization=on): for each control bit, one instruction is
 * executed at the lower EL and the test checks the target EL, ESR, ELR and
 * the exact explanation --trace exc prints (Cpu.trap_reason).  Also: PMU
 * counts instructions exactly, RMR_EL3 warm reset, WFI/WFE not trapped when
 * they would complete at once, virtual IRQ masking and ISR_EL1.
 * Instruction words come from GNU as.
 */
#include <string.h>

#include "machine/virt/virt.h"
#include "cpu/regs.h"
#include "exceptions/exceptions.h"
#include "cpu/debug.h"
#include "cpu/pmu.h"
#include "cpu/sysreg.h"
#include "exceptions/route.h"
#include "exceptions/traps.h"
#include "mmu/mmu.h"
#include "test.h"

#define CODE 0x40000000ull
#define VBAR 0x40020000ull

static Machine *mk(void)
{
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = 3;
    o.secure = true;
    o.virtualization = true;
    o.loader[0].addr = CODE;
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        abort();
    Cpu *c = m->cpu[0];
    for (unsigned el = 1; el <= 3; el++)
        c->vbar_el[el] = VBAR + el * 0x1000;
    /* Non-secure lower ELs, AArch64, HVC enabled. */
    c->scr_el3 = SCR_EL3_NS | SCR_EL3_RW | SCR_EL3_HCE | 0x30;
    c->hcr_el2 = HCR_EL2_RW;
    cpu_update_derived(c);
    return m;
}

/* Execute one instruction INSN at EL (SP_ELx; EL0 uses SP_EL0). */
static void exec1(Cpu *c, unsigned el, u32 insn)
{
    phys_write_buf(c->m, CODE, &insn, 4);
    cpu_set_el_spsel(c, el, el ? 1 : 0);
    c->trap_reason = NULL;
    c->pc = CODE;
    cpu_run(c, 1);
}

#define ESR_EC(v) ((unsigned)((v) >> 26))

/* Run INSN at FROM and check it was taken to TO with EC and REASON. */
static void expect_trap(Cpu *c, unsigned from, u32 insn, unsigned to, unsigned ec, const char *reason)
{
    exec1(c, from, insn);
    ASSERT_EQ(c->el, to);
    ASSERT_EQ(ESR_EC(c->esr_el[to]), ec);
    ASSERT_EQ(c->elr_el[to], CODE);
    ASSERT_EQ(c->pc, VBAR + to * 0x1000 + (to > from ? 0x400 : 0x200));
    ASSERT_TRUE(c->trap_reason != NULL);
    if (strcmp(c->trap_reason, reason)) {
        fprintf(stderr, "  reason: got \"%s\"\n          want \"%s\"\n", c->trap_reason, reason);
        ASSERT_TRUE(0);
    }
}

static void set_hcr(Cpu *c, u64 v) { c->hcr_el2 = HCR_EL2_RW | v; cpu_update_derived(c); }

TEST(trap_explanations)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];

    set_hcr(c, HCR_EL2_TSC);
    expect_trap(c, 1, 0xd4000003, 2, EC_SMC64, "SMC at EL1 trapped to EL2: HCR_EL2.TSC=1");
    ASSERT_EQ(c->esr_el[2], 0x5e000000u);   /* EC 0x17, IL, imm16 0 */

    set_hcr(c, HCR_EL2_TVM);
    expect_trap(c, 1, 0xd5181000, 2, EC_SYSREG, "MSR SCTLR_EL1 at EL1 trapped to EL2: HCR_EL2.TVM=1");
    /* ISS: Op0=3 Op2=0 Op1=0 CRn=1 Rt=0 CRm=0 Dir=0 */
    ASSERT_EQ(c->esr_el[2] & 0x1ffffff, 3u << 20 | 1u << 10);

    set_hcr(c, HCR_EL2_TRVM);
    expect_trap(c, 1, 0xd5382000, 2, EC_SYSREG, "MRS TTBR0_EL1 at EL1 trapped to EL2: HCR_EL2.TRVM=1");
    ASSERT_EQ(c->esr_el[2] & 0x1ffffff, 3u << 20 | 2u << 10 | 1);

    set_hcr(c, HCR_EL2_TWI);
    expect_trap(c, 1, 0xd503207f, 2, EC_WFX, "WFI at EL1 trapped to EL2: HCR_EL2.TWI=1");
    ASSERT_EQ(c->esr_el[2], 0x07e00000u);   /* CV=1 COND=0xE TI=0 */

    set_hcr(c, HCR_EL2_TID3);
    expect_trap(c, 1, 0xd5380400, 2, EC_SYSREG, "MRS ID_AA64PFR0_EL1 at EL1 trapped to EL2: HCR_EL2.TID3=1");

    set_hcr(c, HCR_EL2_TIDCP);
    expect_trap(c, 1, 0xd539f200, 2, EC_SYSREG, "MRS CPUACTLR_EL1 at EL1 trapped to EL2: HCR_EL2.TIDCP=1");

    set_hcr(c, HCR_EL2_TACR);
    expect_trap(c, 1, 0xd5181020, 2, EC_SYSREG, "MSR ACTLR_EL1 at EL1 trapped to EL2: HCR_EL2.TACR=1");

    set_hcr(c, 0);
    c->mdcr_el2 = MDCR_EL2_TDA | 6;
    expect_trap(c, 1, 0xd5300240, 2, EC_SYSREG, "MRS MDSCR_EL1 at EL1 trapped to EL2: MDCR_EL2.TDA=1");
    c->mdcr_el2 = MDCR_EL2_TPMCR | 6;
    expect_trap(c, 1, 0xd53b9c00, 2, EC_SYSREG, "MRS PMCR_EL0 at EL1 trapped to EL2: MDCR_EL2.TPMCR=1");
    c->mdcr_el2 = MDCR_EL2_TDE | 6;
    expect_trap(c, 1, 0xd4200000, 2, EC_BRK64, "BRK at EL1 routed to EL2: MDCR_EL2.TDE=1");
    c->mdcr_el2 = 6;

    c->mdcr_el3 = MDCR_EL3_TDOSA;
    expect_trap(c, 2, 0xd5101080, 3, EC_SYSREG, "MSR OSLAR_EL1 at EL2 trapped to EL3: MDCR_EL3.TDOSA=1");
    c->mdcr_el3 = 0;

    c->scr_el3 |= SCR_EL3_TWE;
    c->event = false;
    expect_trap(c, 2, 0xd503205f, 3, EC_WFX, "WFE at EL2 trapped to EL3: SCR_EL3.TWE=1");
    ASSERT_EQ(c->esr_el[3], 0x07e00001u);   /* TI=1: WFE */
    c->scr_el3 &= ~(u64)SCR_EL3_TWE;

    c->cptr_el3 = CPTR_EL3_TCPAC;
    expect_trap(c, 1, 0xd5181040, 3, EC_SYSREG, "MSR CPACR_EL1 at EL1 trapped to EL3: CPTR_EL3.TCPAC=1");
    c->cptr_el3 = CPTR_EL3_TFP;
    c->cpacr_el1 = 3u << 20;
    expect_trap(c, 1, 0x1e604020, 3, EC_FP_ACCESS, "FP/SIMD access at EL1 trapped to EL3: CPTR_EL3.TFP=1");
    ASSERT_EQ(c->esr_el[3], 0x1fe00000u);   /* EC 0x07, IL, CV=1 COND=0xE */
    c->cptr_el3 = 0;

    /* EL0 FP trap by CPACR_EL1.FPEN=01 routed by TGE: EC 0x00 (AArch64.AdvSIMDFPAccessTrap). */
    c->cpacr_el1 = 1u << 20;
    set_hcr(c, HCR_EL2_TGE);
    expect_trap(c, 0, 0x1e604020, 2, EC_UNKNOWN,
                "FP/SIMD access at EL0 trapped to EL2: CPACR_EL1.FPEN=0b01 (routed by HCR_EL2.TGE=1)");
    set_hcr(c, 0);

    c->pmuserenr_el0 = 0;
    expect_trap(c, 0, 0xd53b9d00, 1, EC_SYSREG, "MRS PMCCNTR_EL0 at EL0 trapped to EL1: PMUSERENR_EL0.EN=0 and CR=0");

    c->actlr_el[3] = 0;
    expect_trap(c, 2, 0xd519f200, 3, EC_SYSREG,
                "MSR CPUACTLR_EL1 at EL2 trapped to EL3: ACTLR_EL3 bit 0 (CPUACTLR_EL1 access control)=0");
    c->actlr_el[3] = 1;
    c->actlr_el[2] = 0;
    expect_trap(c, 1, 0xd519f200, 2, EC_SYSREG,
                "MSR CPUACTLR_EL1 at EL1 trapped to EL2: ACTLR_EL2 bit 0 (CPUACTLR_EL1 access control)=0");
    c->actlr_el[2] = 1;
    exec1(c, 1, 0xd519f200);   /* now permitted */
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->pc, CODE + 4);

    /* HVC with SCR_EL3.HCE=0: UNDEFINED at EL1 (not a trap). */
    c->scr_el3 &= ~(u64)SCR_EL3_HCE;
    expect_trap(c, 1, 0xd4000002, 1, EC_UNKNOWN, "HVC UNDEFINED: SCR_EL3.HCE=0");
    c->scr_el3 |= SCR_EL3_HCE;
    virt_destroy(m);
}

TEST(trap_bits_clear_behave_architecturally)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    /* SMC at EL1 without TSC goes to EL3 with ELR = next instruction. */
    exec1(c, 1, 0xd4000003);
    ASSERT_EQ(c->el, 3);
    ASSERT_EQ(c->elr_el[3], CODE + 4);
    ASSERT_TRUE(c->trap_reason == NULL);
    /* MSR SCTLR_EL1 at EL1 without TVM executes. */
    c->x[0] = 0x30d50838;
    exec1(c, 1, 0xd5181000);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->sctlr_el[1], 0x30d50838u);
    /* L2CTLR_EL1 reports the number of cores - 1 in [25:24]. */
    exec1(c, 1, 0xd539b040);
    ASSERT_EQ(c->x[0], (u64)(m->ncpu - 1) << 24);
    /* DCZID_EL0: BS=4; DZP=1 at EL1 under HCR_EL2.TDZ. */
    exec1(c, 1, 0xd53b00e0);
    ASSERT_EQ(c->x[0], 4u);
    set_hcr(c, HCR_EL2_TDZ);
    exec1(c, 1, 0xd53b00e0);
    ASSERT_EQ(c->x[0], 0x14u);
    set_hcr(c, 0);
    virt_destroy(m);
}

TEST(wfx_not_trapped_when_completing_at_once)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    set_hcr(c, HCR_EL2_TWE | HCR_EL2_TWI | HCR_EL2_IMO | HCR_EL2_VI);
    c->event = true;   /* WFE with the event register set: completes, no trap */
    exec1(c, 1, 0xd503205f);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->pc, CODE + 4);
    ASSERT_TRUE(!c->event);
    /* WFI with a (masked) virtual IRQ pending: completes, no trap. */
    c->daif = PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F;
    exec1(c, 1, 0xd503207f);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->pc, CODE + 4);
    /* ISR_EL1 shows the virtual IRQ (bit 7). */
    exec1(c, 1, 0xd538c100);
    ASSERT_EQ(c->x[0], 0x80u);
    virt_destroy(m);
}

TEST(pmu_counts_instructions_exactly)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    /* At EL1: enable cycle counter and event counter 0 = INST_RETIRED. */
    cpu_set_el_spsel(c, 1, 1);
    c->pmcr_el0 |= 1;                 /* E */
    c->pmcntenset = 1ull << 31 | 1;
    c->pmevtyper[0] = 0x08;
    c->pmccfiltr_el0 = 0;
    c->pmu_last_icount = c->icount;
    u32 code[11];
    for (int i = 0; i < 10; i++)
        code[i] = 0xd503201f;         /* nop */
    code[10] = 0xd53b9d00;            /* mrs x0, pmccntr_el0 */
    phys_write_buf(m, CODE, code, sizeof(code));
    c->pc = CODE;
    cpu_run(c, 11);
    ASSERT_EQ(c->x[0], 10u);          /* the 10 NOPs retired before the MRS */
    ASSERT_EQ(c->pmevcntr[0], 10u);
    /* PMCCFILTR_EL0.P=1 excludes EL1 (sync first, as an MSR would). */
    pmu_sync(c);
    c->pmccfiltr_el0 = 1u << 31;
    c->pc = CODE;
    cpu_run(c, 11);
    ASSERT_EQ(c->x[0], 11u);          /* only the MRS of the first run was added */
    virt_destroy(m);
}

/* INST_RETIRED counts SVC (architecturally executed) but not an UNDEFINED
 * instruction, at the EL that executed it. */
TEST(pmu_exceptions_and_retirement)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    c->pmcr_el0 |= 1;
    c->pmcntenset = 1;
    c->pmevtyper[0] = 1u << 31 | 0x08;   /* P=1: not EL1; count EL0 only (U=0) */
    cpu_set_el_spsel(c, 0, 0);
    pmu_sync(c);
    static const u32 code[] = {0xd503201f, 0xd4000001};   /* nop; svc #0 */
    phys_write_buf(m, CODE, code, sizeof(code));
    c->pc = CODE;
    cpu_run(c, 2);
    ASSERT_EQ(c->el, 1);
    pmu_sync(c);
    ASSERT_EQ(c->pmevcntr[0], 2u);
    static const u32 code2[] = {0xd503201f, 0x00000000};  /* nop; udf */
    phys_write_buf(m, CODE, code2, sizeof(code2));
    cpu_set_el_spsel(c, 0, 0);
    pmu_sync(c);
    c->pc = CODE;
    cpu_run(c, 2);
    ASSERT_EQ(c->el, 1);
    pmu_sync(c);
    ASSERT_EQ(c->pmevcntr[0], 3u);
    /* EXC_TAKEN (0x09) counted at EL0 for both exceptions above? Count now. */
    c->pmevtyper[1] = 0x09;
    c->pmcntenset |= 2;
    cpu_set_el_spsel(c, 0, 0);
    pmu_sync(c);
    c->pc = CODE + 4;
    cpu_run(c, 1);
    ASSERT_EQ(c->pmevcntr[1], 1u);
    virt_destroy(m);
}

TEST(rmr_el3_warm_reset)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    c->rvbar_el3 = CODE + 0x100;
    c->x[0] = 2;                      /* RR=1 */
    c->x[5] = 0x1234;
    u64 icount = c->icount;
    exec1(c, 3, 0xd51ec040);          /* msr rmr_el3, x0 */
    ASSERT_EQ(c->pc, CODE + 0x100);
    ASSERT_EQ(c->el, 3);
    ASSERT_EQ(c->x[5], 0u);
    ASSERT_EQ(c->daif, (u32)(PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F));
    ASSERT_EQ(c->icount, icount + 1);
    ASSERT_EQ(c->rvbar_el3, CODE + 0x100);
    virt_destroy(m);
}

TEST(virtual_irq_taken_at_el1_not_el2)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    set_hcr(c, HCR_EL2_IMO | HCR_EL2_VI);
    /* At EL2 with PSTATE.I clear: a virtual IRQ is never taken at EL2. */
    c->daif = 0;
    exec1(c, 2, 0xd503201f);
    ASSERT_EQ(c->el, 2);
    ASSERT_EQ(c->pc, CODE + 4);
    /* At EL1 with PSTATE.I set: masked. */
    cpu_set_el_spsel(c, 1, 1);
    c->daif = PSTATE_I;
    exec1(c, 1, 0xd503201f);
    ASSERT_EQ(c->pc, CODE + 4);
    /* Unmasked at EL1: taken to EL1's IRQ vector (current EL, SPx) before
     * the instruction; the vector's NOP then runs. */
    phys_write_buf(m, VBAR + 0x1000 + 0x280, &(u32){0xd503201f}, 4);
    c->daif = 0;
    c->pending |= PEND_ASYNC;
    exec1(c, 1, 0xd503201f);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->pc, VBAR + 0x1000 + 0x284);
    ASSERT_EQ(c->elr_el[1], CODE);
    ASSERT_EQ(c->spsr_el[1], 0x5u);   /* EL1h, DAIF clear */
    virt_destroy(m);
}

/* exceptions/traps.c checks used by the MMU (DC/IC/TLBI/AT) and timer rows. */
TEST(shared_trap_checks)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    cpu_set_el_spsel(c, 1, 1);
    static const struct { SrAccess (*fn)(Cpu *); u64 bit; const char *why; } el1[] = {
        {trap_check_tlbi, HCR_EL2_TTLB, "HCR_EL2.TTLB=1"},
        {trap_check_dc_sw, HCR_EL2_TSW, "HCR_EL2.TSW=1"},
        {trap_check_dc_poc, HCR_EL2_TPC, "HCR_EL2.TPC=1"},
        {trap_check_dc_pou, HCR_EL2_TPU, "HCR_EL2.TPU=1"},
        {trap_check_ic_ivau, HCR_EL2_TPU, "HCR_EL2.TPU=1"},
        {trap_check_ic, HCR_EL2_TPU, "HCR_EL2.TPU=1"},
        {trap_check_dc_zva, HCR_EL2_TDZ, "HCR_EL2.TDZ=1"},
    };
    for (unsigned i = 0; i < sizeof(el1) / sizeof(el1[0]); i++) {
        set_hcr(c, 0);
        ASSERT_EQ(el1[i].fn(c), SR_OK);
        set_hcr(c, el1[i].bit);
        c->trap_reason = NULL;
        ASSERT_EQ(el1[i].fn(c), SR_TRAP_EL2);
        ASSERT_TRUE(c->trap_reason && !strcmp(c->trap_reason, el1[i].why));
    }
    /* Secure EL1: EL2 controls do not apply. */
    set_hcr(c, HCR_EL2_TTLB);
    c->scr_el3 &= ~(u64)SCR_EL3_NS;
    cpu_update_derived(c);
    ASSERT_EQ(trap_check_tlbi(c), SR_OK);
    /* CNTPS_*: Secure EL1 needs SCR_EL3.ST; Non-secure EL1 / EL2: UNDEFINED. */
    ASSERT_EQ(trap_check_cntps(c), SR_TRAP_EL3);
    ASSERT_TRUE(!strcmp(c->trap_reason, "SCR_EL3.ST=0"));
    c->scr_el3 |= SCR_EL3_ST;
    ASSERT_EQ(trap_check_cntps(c), SR_OK);
    c->scr_el3 |= SCR_EL3_NS;
    cpu_update_derived(c);
    ASSERT_EQ(trap_check_cntps(c), SR_UNDEF);
    set_hcr(c, 0);
    /* EL0: SCTLR_EL1.UCI / DZE first (to EL1), then HCR_EL2 (to EL2). */
    cpu_set_el_spsel(c, 0, 0);
    c->sctlr_el[1] &= ~(u64)(SCTLR_UCI | SCTLR_DZE);
    set_hcr(c, HCR_EL2_TPC | HCR_EL2_TDZ);
    ASSERT_EQ(trap_check_dc_poc(c), SR_TRAP_EL1);
    ASSERT_TRUE(!strcmp(c->trap_reason, "SCTLR_EL1.UCI=0"));
    ASSERT_EQ(trap_check_dc_zva(c), SR_TRAP_EL1);
    ASSERT_TRUE(!strcmp(c->trap_reason, "SCTLR_EL1.DZE=0"));
    c->sctlr_el[1] |= SCTLR_UCI | SCTLR_DZE;
    ASSERT_EQ(trap_check_dc_poc(c), SR_TRAP_EL2);
    ASSERT_EQ(trap_check_dc_zva(c), SR_TRAP_EL2);
    /* CNTKCTL_EL1 / CNTHCTL_EL2. */
    c->cntkctl_el1 = 0;
    ASSERT_EQ(trap_check_cntvct(c), SR_TRAP_EL1);
    ASSERT_EQ(trap_check_cntfrq(c), SR_TRAP_EL1);
    c->cntkctl_el1 = CNTKCTL_EL1_EL0PCTEN;
    ASSERT_EQ(trap_check_cntfrq(c), SR_OK);
    c->cnthctl_el2 = 0;
    ASSERT_EQ(trap_check_cntpct(c), SR_TRAP_EL2);
    ASSERT_TRUE(!strcmp(c->trap_reason, "CNTHCTL_EL2.EL1PCTEN=0"));
    c->cnthctl_el2 = CNTHCTL_EL2_EL1PCTEN | CNTHCTL_EL2_EL1PCEN;
    ASSERT_EQ(trap_check_cntpct(c), SR_OK);
    set_hcr(c, 0);
    virt_destroy(m);
}

/* SMC routing priority: HCR_EL2.TSC beats SCR_EL3.SMD (D1.10, pseudocode
 * AArch64.CheckForSMCUndefOrTrap); SMD alone makes SMC UNDEFINED. */
TEST(smc_tsc_beats_smd)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    c->scr_el3 |= SCR_EL3_SMD;
    expect_trap(c, 1, 0xd4000003, 1, EC_UNKNOWN, "SMC UNDEFINED: SCR_EL3.SMD=1");
    set_hcr(c, HCR_EL2_TSC);
    expect_trap(c, 1, 0xd4000003, 2, EC_SMC64, "SMC at EL1 trapped to EL2: HCR_EL2.TSC=1");
    virt_destroy(m);
}

/* Illegal exception returns (Arm ARM D1.11.2). */
static void eret_from(Cpu *c, unsigned el, u64 spsr)
{
    c->spsr_el[el] = spsr;
    c->elr_el[el] = CODE + 0x40;
    exec1(c, el, 0xd69f03e0);   /* eret */
}

/* After an illegal ERET the next instruction (at ELR) takes EC 0x0E at the
 * same EL with SPSR.IL=1. */
static bool took_illegal(Cpu *c, unsigned el)
{
    return c->el == el && (c->esr_el[el] >> 26) == EC_ILLEGAL_STATE && c->elr_el[el] == CODE + 0x40 &&
           (c->spsr_el[el] & PSTATE_IL) && !c->il;
}

TEST(illegal_exception_returns)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    /* HCR_EL2.RW=0: EL1 would be AArch32. */
    c->hcr_el2 = 0;
    cpu_update_derived(c);
    eret_from(c, 2, 0x3c5);
    ASSERT_TRUE(took_illegal(c, 2));
    /* HCR_EL2.TGE=1: return to EL1 illegal. */
    set_hcr(c, HCR_EL2_TGE);
    eret_from(c, 2, 0x3c5);
    ASSERT_TRUE(took_illegal(c, 2));
    set_hcr(c, 0);
    eret_from(c, 2, 0x3c5);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->il, 0);
    /* EL3 -> EL2 with SCR_EL3.NS=0: no Secure EL2. */
    c->scr_el3 &= ~(u64)SCR_EL3_NS;
    eret_from(c, 3, 0x3c9);
    ASSERT_TRUE(took_illegal(c, 3));
    /* ... but EL3 -> Secure EL1 is fine (HCR_EL2.RW does not apply). */
    c->hcr_el2 = 0;
    eret_from(c, 3, 0x3c5);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->ns, 0);
    ASSERT_EQ(c->il, 0);
    /* EL1 -> EL2 (higher EL): illegal. */
    eret_from(c, 1, 0x3c9);
    ASSERT_TRUE(took_illegal(c, 1));
    virt_destroy(m);
}

/* Physical asynchronous routing (route.h) and the SError syndrome. */
TEST(physical_async_routing)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    phys_write_buf(m, VBAR + 0x3000 + 0x580, &(u32){0xd503201f}, 4);   /* EL3 lower SError vector */
    c->scr_el3 |= SCR_EL3_EA;
    c->irq_lines |= CPU_LINE_SERROR;
    c->daif = PSTATE_A;          /* masked at EL1: does not matter for EL3 */
    c->pending |= PEND_ASYNC;
    exec1(c, 1, 0xd503201f);
    ASSERT_EQ(c->el, 3);
    ASSERT_EQ(c->esr_el[3], 0xbe000000u);
    ASSERT_EQ(c->pc, VBAR + 0x3000 + 0x584);
    c->irq_lines = 0;
    c->scr_el3 &= ~(u64)SCR_EL3_EA;
    /* IRQ with HCR_EL2.IMO=0 but TGE=1 at EL0: to EL2 (TGE treats IMO as 1). */
    set_hcr(c, HCR_EL2_TGE);
    cpu_set_el_spsel(c, 0, 0);
    ASSERT_EQ(route_async_target(c, ROUTE_IRQ), 2u);
    set_hcr(c, 0);
    ASSERT_EQ(route_async_target(c, ROUTE_IRQ), 1u);
    c->scr_el3 |= SCR_EL3_IRQ;
    ASSERT_EQ(route_async_target(c, ROUTE_IRQ), 3u);
    /* Debug exceptions: MDCR_EL2.TDE or TGE -> EL2. */
    c->scr_el3 &= ~(u64)SCR_EL3_IRQ;
    ASSERT_EQ(route_debug_target(c), 1u);
    c->mdcr_el2 |= MDCR_EL2_TDE;
    ASSERT_EQ(route_debug_target(c), 2u);
    virt_destroy(m);
}

/* PMU overflow drives the connected interrupt output (PMINTENSET, PMCR.E). */
struct irq_probe { unsigned line; int level; int changes; };
static void probe_set(void *opaque, unsigned line, bool level)
{
    struct irq_probe *p = opaque;
    p->line = line;
    p->level = level;
    p->changes++;
}

TEST(pmu_overflow_interrupt)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    struct irq_probe p = {0, 0, 0};
    pmu_connect_irq(c, probe_set, &p, 23);
    cpu_set_el_spsel(c, 1, 1);
    c->pmcr_el0 |= 1;
    c->pmcntenset = 1;
    c->pmevtyper[0] = 0x08;
    c->pmevcntr[0] = 0xfffffffe;
    c->pmintenset = 1;
    pmu_sync(c);
    static const u32 code[] = {0xd503201f, 0xd503201f, 0xd503201f};
    phys_write_buf(m, CODE, code, sizeof(code));
    c->pc = CODE;
    cpu_run(c, 3);
    pmu_sync(c);   /* what the per-round tick does */
    ASSERT_EQ(c->pmevcntr[0], 1u);
    ASSERT_EQ(c->pmovsset & 1, 1u);
    ASSERT_EQ(p.level, 1);
    ASSERT_EQ(p.line, 23u);
    /* PMOVSCLR_EL0 write (msr pmovsclr_el0, x0) drops the line. */
    c->x[0] = 1;
    exec1(c, 1, 0xd51b9c60);
    ASSERT_EQ(p.level, 0);
    virt_destroy(m);
}

/* Debug events explain themselves too. */
TEST(debug_event_explanations)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    c->oslsr_el1 &= ~2ull;                 /* OS lock released */
    c->mdscr_el1 = 1u << 15;               /* MDE */
    c->dbgbvr[0] = CODE;
    c->dbgbcr[0] = 1 | 1 << 1 | 0xf << 5;  /* E, PMC=01 (EL1), BAS=1111 */
    c->mdcr_el2 = MDCR_EL2_TDE | 6;
    debug_update(c);
    expect_trap(c, 1, 0xd503201f, 2, EC_BKPT_LOWER,
                "hardware breakpoint 0 (DBGBVR0_EL1, address match) at EL1, routed by MDCR_EL2.TDE=1");
    ASSERT_EQ(c->esr_el[2], 0xc2000022u);
    c->dbgbcr[0] = 0;
    /* Watchpoint 0 on a doubleword, loads and stores at EL1. */
    c->dbgwvr[0] = CODE + 0x100;
    c->dbgwcr[0] = 1 | 1 << 1 | 3 << 3 | 0xff << 5;
    debug_update(c);
    c->x[1] = CODE + 0x100;
    expect_trap(c, 1, 0xf9400020 /* ldr x0, [x1] */, 2, EC_WATCH_LOWER,
                "hardware watchpoint 0 (DBGWVR0_EL1) load at EL1, routed by MDCR_EL2.TDE=1");
    ASSERT_EQ(c->far_el[2], CODE + 0x100);
    c->dbgwcr[0] = 0;
    c->mdscr_el1 = 1;                      /* SS */
    debug_update(c);
    /* ERET-free start: PSTATE.SS=0 at EL1 = active-pending: step exception at once. */
    expect_trap(c, 1, 0xd503201f, 2, EC_SSTEP_LOWER, "software step at EL1 (MDSCR_EL1.SS=1), routed by MDCR_EL2.TDE=1");
    ASSERT_EQ(c->esr_el[2], 0xca000022u);
    virt_destroy(m);
}

/* Run a NOP at EL1 and check no debug exception was taken. */
static void expect_no_trap(Cpu *c)
{
    exec1(c, 1, 0xd503201f);
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->pc, CODE + 4);
}

#define BCR(bt, lbn) (1u | 1u << 1 | 0xfu << 5 | (u64)(lbn) << 16 | (u64)(bt) << 20)   /* E, PMC=01 (EL1), BAS */

/* 6 breakpoints (4 and 5 context-aware) and 4 watchpoints as a Cortex-A53:
 * context ID, VMID, linked address and linked watchpoint matching
 * (Arm ARM D2.9/D2.10, AArch64.BreakpointValueMatch/StateMatch). */
TEST(debug_linked_and_context_breakpoints)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    const SysRegDesc *dfr0 = sysreg_find_name(m, "ID_AA64DFR0_EL1");
    u64 v = 0;
    ASSERT_TRUE(dfr0 && sysreg_debug_read(c, dfr0, &v));
    ASSERT_EQ((v >> 12) & 15, 5);    /* BRPs: 6 breakpoints */
    ASSERT_EQ((v >> 20) & 15, 3);    /* WRPs: 4 watchpoints */
    ASSERT_EQ((v >> 28) & 15, 1);    /* CTX_CMPs: 2 context-aware */
    ASSERT_TRUE(sysreg_find_name(m, "DBGBCR5_EL1") && sysreg_find_name(m, "DBGWCR3_EL1"));
    ASSERT_TRUE(!sysreg_find_name(m, "DBGWCR4_EL1"));
    c->oslsr_el1 &= ~2ull;
    c->mdscr_el1 = 1u << 15;               /* MDE */
    c->mdcr_el2 = MDCR_EL2_TDE | 6;        /* debug exceptions -> EL2 */

    /* Unlinked context ID match (BT=0b0010) on context-aware breakpoint 4:
     * every EL1 instruction while CONTEXTIDR_EL1 equals DBGBVR4[31:0]. */
    c->dbgbvr[4] = 0xabcd0055;
    c->dbgbcr[4] = BCR(0x2, 0);
    debug_update(c);
    c->contextidr_el1 = 0xabcd0054;
    expect_no_trap(c);
    c->contextidr_el1 = 0xabcd0055;
    expect_trap(c, 1, 0xd503201f, 2, EC_BKPT_LOWER,
                "hardware breakpoint 4 (DBGBVR4_EL1, context ID match) at EL1, routed by MDCR_EL2.TDE=1");
    /* The same on breakpoint 0 (not context-aware): reserved, never fires. */
    c->dbgbcr[4] = 0;
    c->dbgbvr[0] = 0xabcd0055;
    c->dbgbcr[0] = BCR(0x2, 0);
    debug_update(c);
    expect_no_trap(c);
    c->dbgbcr[0] = 0;

    /* Linked address match (breakpoint 1, BT=0b0001, LBN=5) with a linked
     * context ID breakpoint 5 (BT=0b0011): fires only in context 0x77. */
    c->dbgbvr[1] = CODE;
    c->dbgbcr[1] = BCR(0x1, 5);
    c->dbgbvr[5] = 0x77;
    c->dbgbcr[5] = BCR(0x3, 0);
    debug_update(c);
    c->contextidr_el1 = 0x76;
    expect_no_trap(c);                     /* the context differs */
    c->contextidr_el1 = 0x77;
    expect_trap(c, 1, 0xd503201f, 2, EC_BKPT_LOWER,
                "hardware breakpoint 1 (DBGBVR1_EL1, linked address match) at EL1, routed by MDCR_EL2.TDE=1");
    c->dbgbvr[1] = CODE + 0x40;            /* another address: the linked context alone never fires */
    debug_update(c);
    expect_no_trap(c);
    c->dbgbvr[1] = CODE;
    c->dbgbcr[5] &= ~1ull;                 /* linked context breakpoint disabled */
    debug_update(c);
    expect_no_trap(c);
    c->dbgbcr[5] |= 1;
    c->dbgbcr[1] = BCR(0x1, 2);            /* LBN names a breakpoint that is not context-aware */
    debug_update(c);
    expect_no_trap(c);
    c->dbgbcr[1] = BCR(0x1, 4);            /* LBN names an unlinked type: no link */
    c->dbgbvr[4] = 0x77;
    c->dbgbcr[4] = BCR(0x2, 0) & ~1ull;    /* (and disabled, so it cannot fire itself) */
    debug_update(c);
    expect_no_trap(c);
    c->dbgbcr[1] = 0;
    c->dbgbcr[4] = 0;

    /* Linked watchpoint 3 (WT=1, LBN=5): loads at EL1 in context 0x77 only. */
    c->dbgwvr[3] = CODE + 0x100;
    c->dbgwcr[3] = 1 | 1 << 1 | 3 << 3 | 0xff << 5 | 5u << 16 | 1u << 20;
    debug_update(c);
    c->x[1] = CODE + 0x100;
    c->contextidr_el1 = 0x76;
    exec1(c, 1, 0xf9400020);               /* ldr x0, [x1] */
    ASSERT_EQ(c->el, 1);
    ASSERT_EQ(c->pc, CODE + 4);
    c->contextidr_el1 = 0x77;
    expect_trap(c, 1, 0xf9400020, 2, EC_WATCH_LOWER,
                "hardware watchpoint 3 (DBGWVR3_EL1) load at EL1, routed by MDCR_EL2.TDE=1");
    ASSERT_EQ(c->far_el[2], CODE + 0x100);
    c->dbgwcr[3] = 0;
    c->dbgbcr[5] = 0;

    /* VMID match (BT=0b1000) on breakpoint 5: VTTBR_EL2.VMID == DBGBVR5[39:32]. */
    c->dbgbvr[5] = 3ull << 32;
    c->dbgbcr[5] = BCR(0x8, 0);
    debug_update(c);
    c->vttbr_el2 = 2ull << 48;
    expect_no_trap(c);
    c->vttbr_el2 = 3ull << 48;
    expect_trap(c, 1, 0xd503201f, 2, EC_BKPT_LOWER,
                "hardware breakpoint 5 (DBGBVR5_EL1, VMID match) at EL1, routed by MDCR_EL2.TDE=1");
    virt_destroy(m);
}
