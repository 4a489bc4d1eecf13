/*
 * cpu/sysreg_core.c — the core's own system registers: identification
 * (per CPU model, cpu/cpu_model.h), PSTATE access, exception
 * state, EL1/EL2/EL3 control and VMSA registers.  Trap rules that belong to
 * EL2/EL3 controls are accessfns here; each names its control bit.
 */
#include <stddef.h>

#include "cpu/cpu_model.h"
#include "cpu/regs.h"
#include "cpu/sysreg.h"
#include "exceptions/route.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"

#define OFF(f) offsetof(Cpu, f)

/* ---- identification ---- */

static u64 rd_midr(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    /* EL1 reads see VPIDR_EL2 when EL2 is enabled (Arm ARM D17.2.99). */
    if (c->el == 1 && route_el2_enabled(c))
        return c->vpidr_el2;
    return c->midr_el1;
}

static u64 rd_mpidr(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    if (c->el == 1 && route_el2_enabled(c))
        return c->vmpidr_el2;
    return c->mpidr_el1;
}

static u64 rd_pfr0(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    /* EL0/EL1 AArch64 only; EL2/EL3 as configured; FP/AdvSIMD implemented;
     * GIC system registers per the GIC module. */
    u64 v = 1 | 1 << 4;
    if (cpu_have_el2(c))
        v |= 1 << 8;
    if (cpu_have_el3(c))
        v |= 1 << 12;
    if (c->m->gic_sysregs)
        v |= 1 << 24;
    return v;
}

/* HCR_EL2.TID3: ID group 3 (ID_AA64*, ID_PFR*, MVFR*) read at EL1. */
static SrAccess acc_tid3(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TID3)) {
        c->trap_reason = "HCR_EL2.TID3=1";
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

/* HCR_EL2.TID2: cache ID (CTR_EL0, CCSIDR, CLIDR, CSSELR) at EL0/EL1. */
static SrAccess acc_tid2(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 0 && r->op1 == 3 && !(c->sctlr_el[1] & SCTLR_UCT) &&
        !(route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TGE))) {
        c->trap_reason = "SCTLR_EL1.UCT=0";
        return SR_TRAP_EL1;
    }
    if (c->el <= 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TID2)) {
        c->trap_reason = "HCR_EL2.TID2=1";
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

/* HCR_EL2.TID1: AIDR_EL1, REVIDR_EL1 at EL1. */
static SrAccess acc_tid1(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TID1)) {
        c->trap_reason = "HCR_EL2.TID1=1";
        return SR_TRAP_EL2;
    }
    return SR_OK;
}

static const CpuModel *model_of(const Cpu *c)
{
    return c->m->cpu_model ? c->m->cpu_model : &cpu_model_cortex_a53;
}

/* Cache identification of the CPU model (cpu/cpu_model.c). */
static u64 rd_ccsidr(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    /* CSSELR: Level [3:1], InD [0]; L1 data, L1 instruction, L2 unified. */
    unsigned sel = c->csselr_el1 & 0xf;
    return sel < 3 ? model_of(c)->ccsidr[sel] : 0;
}
static u64 rd_clidr(Cpu *c, const SysRegDesc *r) { (void)r; return model_of(c)->clidr; }
static u64 rd_ctr(Cpu *c, const SysRegDesc *r) { (void)r; return model_of(c)->ctr; }
static u64 rd_revidr(Cpu *c, const SysRegDesc *r) { (void)r; return model_of(c)->revidr; }

/* ID_AA64MMFR0_EL1: PARange of the model (40 or 44 bits), 16-bit ASIDs,
 * SNSMem, little-endian only (BigEnd=0: SCTLR.EE is RES0 here), 4K, 16K
 * and 64K granules.  The Cortex-A53/A57/A72 have TGran16=0; the MMU
 * implements the 16K granule (mmu/walk.c) and says so honestly here
 * (TGran16=1), so software that probes it can use it; this and BigEnd are
 * the identity differences from the real cores. */
static u64 rd_mmfr0(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    return 0x0000000000101020ull | cpu_model_parange(c->pa_bits);
}

/* ---- PSTATE ---- */

static u64 rd_nzcv(Cpu *c, const SysRegDesc *r) { (void)r; return c->nzcv; }
static void wr_nzcv(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->nzcv = v & PSTATE_NZCV; }
static u64 rd_daif(Cpu *c, const SysRegDesc *r) { (void)r; return c->daif; }
static void wr_daif(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    c->daif = v & PSTATE_DAIF;
    c->pending |= PEND_ASYNC;
}
/* SCTLR_EL1.UMA: EL0 access to DAIF. */
static SrAccess acc_daif(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 0 && !(c->sctlr_el[1] & (1u << 9))) {
        c->trap_reason = "SCTLR_EL1.UMA=0";
        return SR_TRAP_EL1;
    }
    return SR_OK;
}
static u64 rd_currentel(Cpu *c, const SysRegDesc *r) { (void)r; return (u64)c->el << 2; }
static u64 rd_spsel(Cpu *c, const SysRegDesc *r) { (void)r; return c->spsel; }
static void wr_spsel(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; cpu_set_el_spsel(c, c->el, v & 1); }

/* SP_ELn: SP_EL0 is not accessible while it is the current SP. */
static SrAccess acc_sp_el0(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (!c->spsel) {
        c->trap_reason = "SP_EL0 accessed while PSTATE.SP=0";
        return SR_UNDEF;
    }
    return SR_OK;
}
static u64 rd_sp_el(Cpu *c, const SysRegDesc *r)
{
    unsigned n = r->op1 == 0 ? 0 : r->op1 == 4 ? 1 : 2;
    return cpu_sp_el(c, n);
}
static void wr_sp_el(Cpu *c, const SysRegDesc *r, u64 v)
{
    unsigned n = r->op1 == 0 ? 0 : r->op1 == 4 ? 1 : 2;
    cpu_set_sp_el(c, n, v);
}

/* ---- registers whose writes change translation ---- */

static void flush_regime_of(Cpu *c, const SysRegDesc *r)
{
    switch (r->op1) {
    case 6: tlb_flush_idx(c, MMU_E3); break;
    case 4:
        tlb_flush_idx(c, MMU_E2);
        /* HCR_EL2/VTTBR/VTCR also shape the EL1&0 regime. */
        tlb_flush_idx(c, MMU_NS_E10_0);
        tlb_flush_idx(c, MMU_NS_E10_1);
        break;
    default:
        tlb_flush_idx(c, MMU_NS_E10_0);
        tlb_flush_idx(c, MMU_NS_E10_1);
        tlb_flush_idx(c, MMU_S_E10_0);
        tlb_flush_idx(c, MMU_S_E10_1);
        break;
    }
}

static void wr_vmsa(Cpu *c, const SysRegDesc *r, u64 v)
{
    *(u64 *)((char *)c + r->offset) = r->wmask ? v & r->wmask : v;
    flush_regime_of(c, r);
}

static void wr_hcr(Cpu *c, const SysRegDesc *r, u64 v)
{
    c->hcr_el2 = v & HCR_EL2_V80_MASK;
    flush_regime_of(c, r);
    cpu_update_derived(c);
}

static void wr_scr(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    c->scr_el3 = (v & SCR_EL3_V80_MASK) | 0x30;   /* bits 5:4 RES1 */
    tlb_flush_all(c);
    cpu_update_derived(c);
}

/* EL1 virtual memory controls trapped by HCR_EL2.TVM (write) / TRVM (read). */
static SrAccess acc_tvm(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r;
    if (c->el == 1 && route_el2_enabled(c)) {
        if (!isread && (c->hcr_el2 & HCR_EL2_TVM)) {
            c->trap_reason = "HCR_EL2.TVM=1";
            return SR_TRAP_EL2;
        }
        if (isread && (c->hcr_el2 & HCR_EL2_TRVM)) {
            c->trap_reason = "HCR_EL2.TRVM=1";
            return SR_TRAP_EL2;
        }
    }
    return SR_OK;
}

/* CPACR_EL1: CPTR_EL2.TCPAC traps EL1 accesses to EL2, CPTR_EL3.TCPAC to EL3. */
static SrAccess acc_cpacr(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 1 && route_el2_enabled(c) && (c->cptr_el2 & CPTR_EL2_TCPAC)) {
        c->trap_reason = "CPTR_EL2.TCPAC=1";
        return SR_TRAP_EL2;
    }
    if (c->el <= 2 && cpu_have_el3(c) && (c->cptr_el3 & CPTR_EL3_TCPAC)) {
        c->trap_reason = "CPTR_EL3.TCPAC=1";
        return SR_TRAP_EL3;
    }
    return SR_OK;
}

/* CPTR_EL2 (ARMv8.0): bits 13:12 and 9:0 are RES1; only TFP, TTA and
 * TCPAC are stored (traps.h relies on that). */
static u64 rd_cptr_el2(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    return c->cptr_el2 | 0x33ffull;
}
static void wr_cptr_el2(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    c->cptr_el2 = v & (CPTR_EL2_TFP | CPTR_EL2_TTA | CPTR_EL2_TCPAC);
}

/* CPTR_EL2 at EL2: CPTR_EL3.TCPAC. */
static SrAccess acc_cptr_el2(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 2 && cpu_have_el3(c) && (c->cptr_el3 & CPTR_EL3_TCPAC)) {
        c->trap_reason = "CPTR_EL3.TCPAC=1";
        return SR_TRAP_EL3;
    }
    return SR_OK;
}

static u64 rd_isr(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    /* ISR_EL1: A(8) I(7) F(6) pending; virtual ones when routed (D17.2.81). */
    u64 v = 0;
    bool virt = c->el <= 1 && route_el2_enabled(c) && !(c->hcr_el2 & HCR_EL2_TGE);
    if (virt && (c->hcr_el2 & HCR_EL2_IMO))
        v |= ((c->hcr_el2 & HCR_EL2_VI) || (c->irq_lines & CPU_LINE_VIRQ)) ? 1u << 7 : 0;
    else
        v |= (c->irq_lines & CPU_LINE_IRQ) ? 1u << 7 : 0;
    if (virt && (c->hcr_el2 & HCR_EL2_FMO))
        v |= ((c->hcr_el2 & HCR_EL2_VF) || (c->irq_lines & CPU_LINE_VFIQ)) ? 1u << 6 : 0;
    else
        v |= (c->irq_lines & CPU_LINE_FIQ) ? 1u << 6 : 0;
    if (virt && (c->hcr_el2 & HCR_EL2_AMO))
        v |= (c->hcr_el2 & HCR_EL2_VSE) ? 1u << 8 : 0;
    else
        v |= (c->irq_lines & CPU_LINE_SERROR) ? 1u << 8 : 0;
    return v;
}

#define ROW(n, o0, o1, cn, cm, o2, acc) .name = n, .op0 = o0, .op1 = o1, .crn = cn, .crm = cm, .op2 = o2, .access = acc
#define CONSTREG(n, o0, o1, cn, cm, o2, acc, val, fn) \
    { ROW(n, o0, o1, cn, cm, o2, acc), .flags = SR_F_CONST, .accessfn = fn, .resetval = val }
#define PLAIN(n, o0, o1, cn, cm, o2, acc, fld, fl) \
    { ROW(n, o0, o1, cn, cm, o2, acc), .flags = fl, .offset = OFF(fld) }
#define VMSA(n, o0, o1, cn, cm, o2, acc, fld, fn, fl) \
    { ROW(n, o0, o1, cn, cm, o2, acc), .flags = fl, .accessfn = fn, .offset = OFF(fld), .write = wr_vmsa }

static const SysRegDesc core_rows[] = {
    /* identification (A53 TRM 4.3) */
    { ROW("MIDR_EL1", 3, 0, 0, 0, 0, SR_PL1_R), .flags = SR_F_CONST, .read = rd_midr },
    { ROW("MPIDR_EL1", 3, 0, 0, 0, 5, SR_PL1_R), .flags = SR_F_CONST, .read = rd_mpidr },
    { ROW("REVIDR_EL1", 3, 0, 0, 0, 6, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tid1, .read = rd_revidr },
    CONSTREG("AIDR_EL1", 3, 1, 0, 0, 7, SR_PL1_R, 0, acc_tid1),
    CONSTREG("ID_PFR0_EL1", 3, 0, 0, 1, 0, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_PFR1_EL1", 3, 0, 0, 1, 1, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_DFR0_EL1", 3, 0, 0, 1, 2, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_AFR0_EL1", 3, 0, 0, 1, 3, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_MMFR0_EL1", 3, 0, 0, 1, 4, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_MMFR1_EL1", 3, 0, 0, 1, 5, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_MMFR2_EL1", 3, 0, 0, 1, 6, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_MMFR3_EL1", 3, 0, 0, 1, 7, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_ISAR0_EL1", 3, 0, 0, 2, 0, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_ISAR1_EL1", 3, 0, 0, 2, 1, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_ISAR2_EL1", 3, 0, 0, 2, 2, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_ISAR3_EL1", 3, 0, 0, 2, 3, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_ISAR4_EL1", 3, 0, 0, 2, 4, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_ISAR5_EL1", 3, 0, 0, 2, 5, SR_PL1_R, 0, acc_tid3),
    CONSTREG("MVFR0_EL1", 3, 0, 0, 3, 0, SR_PL1_R, 0, acc_tid3),
    CONSTREG("MVFR1_EL1", 3, 0, 0, 3, 1, SR_PL1_R, 0, acc_tid3),
    CONSTREG("MVFR2_EL1", 3, 0, 0, 3, 2, SR_PL1_R, 0, acc_tid3),
    { ROW("ID_AA64PFR0_EL1", 3, 0, 0, 4, 0, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tid3, .read = rd_pfr0 },
    CONSTREG("ID_AA64PFR1_EL1", 3, 0, 0, 4, 1, SR_PL1_R, 0, acc_tid3),
    /* DebugVer=6 (ARMv8), PMUVer=1 (PMUv3, cpu/pmu.c), BRPs=5 (6
     * breakpoints), WRPs=3 (4 watchpoints), CTX_CMPs=1 (2 context-aware
     * breakpoints), as a Cortex-A53/A57/A72 and QEMU (cpu/debug.h). */
    CONSTREG("ID_AA64DFR0_EL1", 3, 0, 0, 5, 0, SR_PL1_R, 0x10305106, acc_tid3),
    CONSTREG("ID_AA64DFR1_EL1", 3, 0, 0, 5, 1, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_AA64AFR0_EL1", 3, 0, 0, 5, 4, SR_PL1_R, 0, acc_tid3),
    CONSTREG("ID_AA64AFR1_EL1", 3, 0, 0, 5, 5, SR_PL1_R, 0, acc_tid3),
    /* ISAR0: CRC32=1, SHA2=1, SHA1=1, AES=2 (AESE/AESD/AESMC/AESIMC + PMULL/PMULL2
     * 64x64), as implemented by cpu/exec_crypto.c and cpu/exec_simd3.c. */
    CONSTREG("ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0, SR_PL1_R, 0x0000000000011120ull, acc_tid3),
    CONSTREG("ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1, SR_PL1_R, 0, acc_tid3),
    { ROW("ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tid3, .read = rd_mmfr0 },
    CONSTREG("ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1, SR_PL1_R, 0, acc_tid3),
    { ROW("CCSIDR_EL1", 3, 1, 0, 0, 0, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tid2, .read = rd_ccsidr },
    { ROW("CLIDR_EL1", 3, 1, 0, 0, 1, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tid2, .read = rd_clidr },
    { ROW("CSSELR_EL1", 3, 2, 0, 0, 0, SR_PL1_RW), .accessfn = acc_tid2, .offset = OFF(csselr_el1), .wmask = 0xf },
    { ROW("CTR_EL0", 3, 3, 0, 0, 1, SR_PL0_R), .flags = SR_F_CONST, .accessfn = acc_tid2, .read = rd_ctr },
    PLAIN("VPIDR_EL2", 3, 4, 0, 0, 0, SR_PL2_RW, vpidr_el2, SR_F_EL2),
    PLAIN("VMPIDR_EL2", 3, 4, 0, 0, 5, SR_PL2_RW, vmpidr_el2, SR_F_EL2),

    /* system control */
    VMSA("SCTLR_EL1", 3, 0, 1, 0, 0, SR_PL1_RW, sctlr_el[1], acc_tvm, 0),
    { ROW("CPACR_EL1", 3, 0, 1, 0, 2, SR_PL1_RW), .accessfn = acc_cpacr, .offset = OFF(cpacr_el1), .wmask = 0x10300000 },
    VMSA("SCTLR_EL2", 3, 4, 1, 0, 0, SR_PL2_RW, sctlr_el[2], NULL, SR_F_EL2),
    { ROW("HCR_EL2", 3, 4, 1, 1, 0, SR_PL2_RW), .flags = SR_F_EL2 | SR_F_IO, .offset = OFF(hcr_el2), .write = wr_hcr },
    { ROW("CPTR_EL2", 3, 4, 1, 1, 2, SR_PL2_RW), .flags = SR_F_EL2, .accessfn = acc_cptr_el2, .read = rd_cptr_el2, .write = wr_cptr_el2 },
    PLAIN("HSTR_EL2", 3, 4, 1, 1, 3, SR_PL2_RW, hstr_el2, SR_F_EL2),
    PLAIN("HACR_EL2", 3, 4, 1, 1, 7, SR_PL2_RW, hacr_el2, SR_F_EL2),
    VMSA("SCTLR_EL3", 3, 6, 1, 0, 0, SR_PL3_RW, sctlr_el[3], NULL, SR_F_EL3),
    { ROW("SCR_EL3", 3, 6, 1, 1, 0, SR_PL3_RW), .flags = SR_F_EL3 | SR_F_IO, .offset = OFF(scr_el3), .write = wr_scr },
    { ROW("CPTR_EL3", 3, 6, 1, 1, 2, SR_PL3_RW), .flags = SR_F_EL3, .offset = OFF(cptr_el3), .wmask = 0x80100400 },

    /* translation */
    VMSA("TTBR0_EL1", 3, 0, 2, 0, 0, SR_PL1_RW, ttbr0_el[1], acc_tvm, 0),
    VMSA("TTBR1_EL1", 3, 0, 2, 0, 1, SR_PL1_RW, ttbr1_el1, acc_tvm, 0),
    VMSA("TCR_EL1", 3, 0, 2, 0, 2, SR_PL1_RW, tcr_el[1], acc_tvm, 0),
    VMSA("TTBR0_EL2", 3, 4, 2, 0, 0, SR_PL2_RW, ttbr0_el[2], NULL, SR_F_EL2),
    VMSA("TCR_EL2", 3, 4, 2, 0, 2, SR_PL2_RW, tcr_el[2], NULL, SR_F_EL2),
    VMSA("VTTBR_EL2", 3, 4, 2, 1, 0, SR_PL2_RW, vttbr_el2, NULL, SR_F_EL2),
    VMSA("VTCR_EL2", 3, 4, 2, 1, 2, SR_PL2_RW, vtcr_el2, NULL, SR_F_EL2),
    VMSA("TTBR0_EL3", 3, 6, 2, 0, 0, SR_PL3_RW, ttbr0_el[3], NULL, SR_F_EL3),
    VMSA("TCR_EL3", 3, 6, 2, 0, 2, SR_PL3_RW, tcr_el[3], NULL, SR_F_EL3),
    VMSA("MAIR_EL1", 3, 0, 10, 2, 0, SR_PL1_RW, mair_el[1], acc_tvm, 0),
    { ROW("AMAIR_EL1", 3, 0, 10, 3, 0, SR_PL1_RW), .accessfn = acc_tvm, .offset = OFF(amair_el[1]) },
    VMSA("MAIR_EL2", 3, 4, 10, 2, 0, SR_PL2_RW, mair_el[2], NULL, SR_F_EL2),
    PLAIN("AMAIR_EL2", 3, 4, 10, 3, 0, SR_PL2_RW, amair_el[2], SR_F_EL2),
    VMSA("MAIR_EL3", 3, 6, 10, 2, 0, SR_PL3_RW, mair_el[3], NULL, SR_F_EL3),
    PLAIN("AMAIR_EL3", 3, 6, 10, 3, 0, SR_PL3_RW, amair_el[3], SR_F_EL3),
    VMSA("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, SR_PL1_RW, contextidr_el1, acc_tvm, 0),
    PLAIN("PAR_EL1", 3, 0, 7, 4, 0, SR_PL1_RW, par_el1, 0),

    /* exception state */
    { ROW("SPSR_EL1", 3, 0, 4, 0, 0, SR_PL1_RW), .offset = OFF(spsr_el[1]) },
    { ROW("ELR_EL1", 3, 0, 4, 0, 1, SR_PL1_RW), .offset = OFF(elr_el[1]) },
    { ROW("SPSR_EL2", 3, 4, 4, 0, 0, SR_PL2_RW), .flags = SR_F_EL2, .offset = OFF(spsr_el[2]) },
    { ROW("ELR_EL2", 3, 4, 4, 0, 1, SR_PL2_RW), .flags = SR_F_EL2, .offset = OFF(elr_el[2]) },
    { ROW("SPSR_EL3", 3, 6, 4, 0, 0, SR_PL3_RW), .flags = SR_F_EL3, .offset = OFF(spsr_el[3]) },
    { ROW("ELR_EL3", 3, 6, 4, 0, 1, SR_PL3_RW), .flags = SR_F_EL3, .offset = OFF(elr_el[3]) },
    { ROW("SP_EL0", 3, 0, 4, 1, 0, SR_PL1_RW), .accessfn = acc_sp_el0, .read = rd_sp_el, .write = wr_sp_el },
    { ROW("SP_EL1", 3, 4, 4, 1, 0, SR_PL2_RW), .flags = SR_F_EL2, .read = rd_sp_el, .write = wr_sp_el },
    { ROW("SP_EL2", 3, 6, 4, 1, 0, SR_PL3_RW), .flags = SR_F_EL3, .read = rd_sp_el, .write = wr_sp_el },
    { ROW("SPSel", 3, 0, 4, 2, 0, SR_PL1_RW), .read = rd_spsel, .write = wr_spsel },
    { ROW("CurrentEL", 3, 0, 4, 2, 2, SR_PL1_R), .flags = SR_F_CONST, .read = rd_currentel },
    { ROW("NZCV", 3, 3, 4, 2, 0, SR_PL0_RW), .read = rd_nzcv, .write = wr_nzcv },
    { ROW("DAIF", 3, 3, 4, 2, 1, SR_PL0_RW), .flags = SR_F_IO, .accessfn = acc_daif, .read = rd_daif, .write = wr_daif },
    VMSA("ESR_EL1", 3, 0, 5, 2, 0, SR_PL1_RW, esr_el[1], acc_tvm, 0),
    VMSA("AFSR0_EL1", 3, 0, 5, 1, 0, SR_PL1_RW, afsr0_el[1], acc_tvm, 0),
    VMSA("AFSR1_EL1", 3, 0, 5, 1, 1, SR_PL1_RW, afsr1_el[1], acc_tvm, 0),
    VMSA("FAR_EL1", 3, 0, 6, 0, 0, SR_PL1_RW, far_el[1], acc_tvm, 0),
    PLAIN("ESR_EL2", 3, 4, 5, 2, 0, SR_PL2_RW, esr_el[2], SR_F_EL2),
    PLAIN("AFSR0_EL2", 3, 4, 5, 1, 0, SR_PL2_RW, afsr0_el[2], SR_F_EL2),
    PLAIN("AFSR1_EL2", 3, 4, 5, 1, 1, SR_PL2_RW, afsr1_el[2], SR_F_EL2),
    PLAIN("FAR_EL2", 3, 4, 6, 0, 0, SR_PL2_RW, far_el[2], SR_F_EL2),
    PLAIN("HPFAR_EL2", 3, 4, 6, 0, 4, SR_PL2_RW, hpfar_el2, SR_F_EL2),
    PLAIN("ESR_EL3", 3, 6, 5, 2, 0, SR_PL3_RW, esr_el[3], SR_F_EL3),
    PLAIN("AFSR0_EL3", 3, 6, 5, 1, 0, SR_PL3_RW, afsr0_el[3], SR_F_EL3),
    PLAIN("AFSR1_EL3", 3, 6, 5, 1, 1, SR_PL3_RW, afsr1_el[3], SR_F_EL3),
    PLAIN("FAR_EL3", 3, 6, 6, 0, 0, SR_PL3_RW, far_el[3], SR_F_EL3),
    { ROW("ISR_EL1", 3, 0, 12, 1, 0, SR_PL1_R), .flags = SR_F_CONST, .read = rd_isr },

    /* vectors, reset */
    PLAIN("VBAR_EL1", 3, 0, 12, 0, 0, SR_PL1_RW, vbar_el[1], 0),
    PLAIN("VBAR_EL2", 3, 4, 12, 0, 0, SR_PL2_RW, vbar_el[2], SR_F_EL2),
    PLAIN("VBAR_EL3", 3, 6, 12, 0, 0, SR_PL3_RW, vbar_el[3], SR_F_EL3),
    { ROW("RVBAR_EL3", 3, 6, 12, 0, 1, SR_PL3_R), .flags = SR_F_EL3 | SR_F_CONST, .offset = OFF(rvbar_el3) },

    /* thread ID */
    PLAIN("TPIDR_EL0", 3, 3, 13, 0, 2, SR_PL0_RW, tpidr_el[0], 0),
    { ROW("TPIDRRO_EL0", 3, 3, 13, 0, 3, SR_PL0_R | SR_PL1_W), .offset = OFF(tpidrro_el0) },
    PLAIN("TPIDR_EL1", 3, 0, 13, 0, 4, SR_PL1_RW, tpidr_el[1], 0),
    PLAIN("TPIDR_EL2", 3, 4, 13, 0, 2, SR_PL2_RW, tpidr_el[2], SR_F_EL2),
    PLAIN("TPIDR_EL3", 3, 6, 13, 0, 2, SR_PL3_RW, tpidr_el[3], SR_F_EL3),
};

const SysRegTable sysregs_core = SR_TABLE(core_rows);
