/*
 * cpu/sysreg_fp.c — FPCR and FPSR (Arm ARM C5.2.7 FPCR, C5.2.8 FPSR).
 * Accesses are subject to the SIMD&FP enable/trap checks (CPACR_EL1.FPEN,
 * CPTR_EL2.TFP, CPTR_EL3.TFP -> EC 0x07), not the EC 0x18 path.
 */
#include "cpu/fp_access.h"
#include "cpu/softfloat.h"
#include "cpu/sysreg.h"

/* Cortex-A53 FPCR: AHP, DN, FZ, RMode, Stride, Len are stored; FZ16 (bit
 * 19, ARMv8.2) and the trap-enable bits (no FP exception trapping on the
 * A53) are RES0. */
#define FPCR_WMASK 0x07f70000u
/* FPSR: N,Z,C,V (AArch32 view), QC, IDC, IXC, UFC, OFC, DZC, IOC. */
#define FPSR_WMASK 0xf800009fu

static SrAccess acc_fp(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    fp_check_access(c);   /* raises EC 0x07 itself when disabled */
    return SR_OK;
}

static u64 rd_fpcr(Cpu *c, const SysRegDesc *r) { (void)r; return c->fpcr; }
static void wr_fpcr(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->fpcr = (u32)v & FPCR_WMASK; }
static u64 rd_fpsr(Cpu *c, const SysRegDesc *r) { (void)r; return c->fpsr; }
static void wr_fpsr(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->fpsr = (u32)v & FPSR_WMASK; }

static const SysRegDesc fp_rows[] = {
    { .name = "FPCR", .op0 = 3, .op1 = 3, .crn = 4, .crm = 4, .op2 = 0, .access = SR_PL0_R | SR_PL0_W,
      .accessfn = acc_fp, .read = rd_fpcr, .write = wr_fpcr },
    { .name = "FPSR", .op0 = 3, .op1 = 3, .crn = 4, .crm = 4, .op2 = 1, .access = SR_PL0_R | SR_PL0_W,
      .accessfn = acc_fp, .read = rd_fpsr, .write = wr_fpsr },
};

const SysRegTable sysregs_fp = SR_TABLE(fp_rows);
