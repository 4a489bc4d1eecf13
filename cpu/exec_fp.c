/*
 * cpu/exec_fp.c — scalar floating-point instructions (Arm ARM C4.1.6,
 * C7.2 FADD ... FRSQRTS).  Arithmetic is cpu/softfloat.c; every handler runs
 * fp_check_access() after its decode-time UNDEFINED checks, reads FPCR once
 * and ORs the raised exception flags into FPSR (cumulative bits).
 */
#include "cpu/simd_internal.h"

/* Operand width from the ftype field: 00 single, 01 double, 11 half (only
 * where the caller allows it), 10 unallocated. */
static int ftype_bits(Cpu *c, unsigned type, bool allow_half)
{
    if (type == 0)
        return 32;
    if (type == 1)
        return 64;
    if (type == 3 && allow_half)
        return 16;
    exc_undefined(c, type == 3 ? "half-precision arithmetic (FEAT_FP16) not implemented"
                               : "scalar FP: ftype=10 unallocated");
}

#define FP_BEGIN(c) FpEnv env = {(c)->fpcr, 0}
#define FP_END(c) ((c)->fpsr |= env.flags)

void exec_FP_DP1(Cpu *c, const A_FP_DP1 *a)
{
    unsigned op = a->opcode;
    if ((op & 0x3c) == 0x04) {   /* FCVT: 0001 opc */
        unsigned opc = op & 3;
        UNDEF_IF(a->type == 2 || opc == 2 || opc == a->type, "FCVT: invalid type/opc");
        fp_check_access(c);
        int from = a->type == 3 ? 16 : a->type == 0 ? 32 : 64;
        int to = opc == 3 ? 16 : opc == 0 ? 32 : 64;
        FP_BEGIN(c);
        u64 r = fp_convert(&env, to, from, vreg_scalar(c, a->rn, from), fp_rmode(&env));
        FP_END(c);
        set_vreg_scalar(c, a->rd, to, r);
        return;
    }
    int n = ftype_bits(c, a->type, false);
    UNDEF_IF(op > 15 || (op >= 4 && op < 8) || op == 13, "FP data-processing (1 source) unallocated opcode");
    fp_check_access(c);
    u64 x = vreg_scalar(c, a->rn, n), r;
    FP_BEGIN(c);
    switch (op) {
    case 0: r = x; break;                                   /* FMOV */
    case 1: r = fp_abs(n, x); break;                        /* FABS */
    case 2: r = fp_neg(n, x); break;                        /* FNEG */
    case 3: r = fp_sqrt(&env, n, x); break;                 /* FSQRT */
    case 8: r = fp_round_int(&env, n, x, FPR_TIEEVEN, false); break;   /* FRINTN */
    case 9: r = fp_round_int(&env, n, x, FPR_POSINF, false); break;    /* FRINTP */
    case 10: r = fp_round_int(&env, n, x, FPR_NEGINF, false); break;   /* FRINTM */
    case 11: r = fp_round_int(&env, n, x, FPR_ZERO, false); break;     /* FRINTZ */
    case 12: r = fp_round_int(&env, n, x, FPR_TIEAWAY, false); break;  /* FRINTA */
    case 14: r = fp_round_int(&env, n, x, fp_rmode(&env), true); break;   /* FRINTX */
    default: r = fp_round_int(&env, n, x, fp_rmode(&env), false); break;  /* FRINTI */
    }
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_DP2(Cpu *c, const A_FP_DP2 *a)
{
    int n = ftype_bits(c, a->type, false);
    UNDEF_IF(a->opcode > 8, "FP data-processing (2 source) unallocated opcode");
    fp_check_access(c);
    u64 x = vreg_scalar(c, a->rn, n), y = vreg_scalar(c, a->rm, n), r;
    FP_BEGIN(c);
    switch (a->opcode) {
    case 0: r = fp_mul(&env, n, x, y); break;
    case 1: r = fp_div(&env, n, x, y); break;
    case 2: r = fp_add(&env, n, x, y); break;
    case 3: r = fp_sub(&env, n, x, y); break;
    case 4: r = fp_max(&env, n, x, y); break;
    case 5: r = fp_min(&env, n, x, y); break;
    case 6: r = fp_maxnm(&env, n, x, y); break;
    case 7: r = fp_minnm(&env, n, x, y); break;
    default: r = fp_neg(n, fp_mul(&env, n, x, y)); break;   /* FNMUL: FPNeg(FPMul()) */
    }
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_DP3(Cpu *c, const A_FP_DP3 *a)
{
    int n = ftype_bits(c, a->type, false);
    fp_check_access(c);
    u64 x = vreg_scalar(c, a->rn, n), y = vreg_scalar(c, a->rm, n), z = vreg_scalar(c, a->ra, n);
    if (a->o1)
        z = fp_neg(n, z);          /* FNMADD, FNMSUB: -a */
    if (a->o0 != a->o1)
        x = fp_neg(n, x);          /* FMSUB, FNMADD: -n*m */
    FP_BEGIN(c);
    u64 r = fp_muladd(&env, n, z, x, y);
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_CMP(Cpu *c, const A_FP_CMP *a)
{
    int n = ftype_bits(c, a->type, false);
    fp_check_access(c);
    u64 x = vreg_scalar(c, a->rn, n);
    u64 y = (a->opc & 1) ? 0 : vreg_scalar(c, a->rm, n);   /* FCMP Vn, #0.0 */
    FP_BEGIN(c);
    unsigned f = fp_compare(&env, n, x, y, a->opc & 2);
    FP_END(c);
    c->nzcv = f << 28;
}

void exec_FP_CCMP(Cpu *c, const A_FP_CCMP *a)
{
    int n = ftype_bits(c, a->type, false);
    fp_check_access(c);
    if (cond_holds(c->nzcv, a->cond)) {
        FP_BEGIN(c);
        unsigned f = fp_compare(&env, n, vreg_scalar(c, a->rn, n), vreg_scalar(c, a->rm, n), a->op);
        FP_END(c);
        c->nzcv = f << 28;
    } else {
        c->nzcv = a->nzcv << 28;
    }
}

void exec_FP_CSEL(Cpu *c, const A_FP_CSEL *a)
{
    int n = ftype_bits(c, a->type, false);
    fp_check_access(c);
    unsigned r = cond_holds(c->nzcv, a->cond) ? a->rn : a->rm;
    set_vreg_scalar(c, a->rd, n, vreg_scalar(c, r, n));
}

/* VFPExpandImm (Arm ARM J1 shared/functions/float/VFPExpandImm). */
static u64 vfp_expand_imm(unsigned imm8, int n)
{
    int e = n == 16 ? 5 : n == 32 ? 8 : 11, f = n - e - 1;
    u64 sign = imm8 >> 7, b6 = (imm8 >> 6) & 1;
    u64 exp = (b6 ^ 1) << (e - 1) | (b6 ? ((1ull << (e - 3)) - 1) << 2 : 0) | ((imm8 >> 4) & 3);
    u64 frac = (u64)(imm8 & 15) << (f - 4);
    return sign << (n - 1) | exp << f | frac;
}

u64 fp_expand_imm(unsigned imm8, int n) { return vfp_expand_imm(imm8, n); }

void exec_FP_IMM(Cpu *c, const A_FP_IMM *a)
{
    int n = ftype_bits(c, a->type, false);
    fp_check_access(c);
    set_vreg_scalar(c, a->rd, n, vfp_expand_imm(a->imm8, n));
}

void exec_FP_INTCVT(Cpu *c, const A_FP_INTCVT *a)
{
    unsigned op = a->opcode, rm = a->rmode;
    int isz = a->sf ? 64 : 32;
    if (op >= 6) {   /* FMOV (general) */
        bool ok = (a->sf == 0 && a->type == 0 && rm == 0) || (a->sf == 1 && a->type == 1 && rm == 0) ||
                  (a->sf == 1 && a->type == 2 && rm == 1);
        UNDEF_IF(!ok, "FMOV (general): invalid sf/type/rmode");
        fp_check_access(c);
        if (a->type == 2) {   /* FMOV Xd, Vn.D[1] / FMOV Vd.D[1], Xn */
            if (op == 6)
                set_xreg(c, a->rd, c->v[a->rn].d[1]);
            else
                c->v[a->rd].d[1] = xreg(c, a->rn);
        } else if (op == 6) {
            set_xreg(c, a->rd, vreg_scalar(c, a->rn, isz));
        } else {
            set_vreg_scalar(c, a->rd, isz, xreg(c, a->rn));
        }
        return;
    }
    int n = ftype_bits(c, a->type, false);
    UNDEF_IF(op >= 2 && rm != 0, "FP<->integer conversion: rmode must be 00");
    fp_check_access(c);
    FP_BEGIN(c);
    if (op == 2 || op == 3) {   /* SCVTF, UCVTF */
        u64 r = fp_from_fixed(&env, n, xreg(c, a->rn), 0, op == 3, isz, fp_rmode(&env));
        FP_END(c);
        set_vreg_scalar(c, a->rd, n, r);
        return;
    }
    FPRounding rnd = op >= 4 ? FPR_TIEAWAY : (FPRounding)rm;   /* FCVTA[SU] / FCVT[NPMZ][SU] */
    u64 r = fp_to_fixed(&env, n, vreg_scalar(c, a->rn, n), 0, op & 1, isz, rnd);
    FP_END(c);
    set_xreg(c, a->rd, r);
}

void exec_FP_FIXCVT(Cpu *c, const A_FP_FIXCVT *a)
{
    int n = ftype_bits(c, a->type, false);
    int isz = a->sf ? 64 : 32;
    UNDEF_IF(!a->sf && a->scale < 32, "fixed-point conversion: 32-bit with scale<32");
    UNDEF_IF(a->opcode > 3, "fixed-point conversion: unallocated opcode");
    UNDEF_IF(a->opcode < 2 ? a->rmode != 3 : a->rmode != 0, "fixed-point conversion: unallocated rmode");
    fp_check_access(c);
    int fbits = 64 - (int)a->scale;
    FP_BEGIN(c);
    if (a->opcode >= 2) {
        u64 r = fp_from_fixed(&env, n, xreg(c, a->rn), fbits, a->opcode == 3, isz, fp_rmode(&env));
        FP_END(c);
        set_vreg_scalar(c, a->rd, n, r);
    } else {
        u64 r = fp_to_fixed(&env, n, vreg_scalar(c, a->rn, n), fbits, a->opcode == 1, isz, FPR_ZERO);
        FP_END(c);
        set_xreg(c, a->rd, r);
    }
}

/* ---- scalar reciprocal estimate / step ---- */

void exec_FP_RECPE_S(Cpu *c, const A_FP_RECPE_S *a)
{
    int n = a->sz ? 64 : 32;
    fp_check_access(c);
    FP_BEGIN(c);
    u64 r = fp_recip_estimate(&env, n, vreg_scalar(c, a->rn, n));
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_RSQRTE_S(Cpu *c, const A_FP_RSQRTE_S *a)
{
    int n = a->sz ? 64 : 32;
    fp_check_access(c);
    FP_BEGIN(c);
    u64 r = fp_rsqrt_estimate(&env, n, vreg_scalar(c, a->rn, n));
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_RECPX_S(Cpu *c, const A_FP_RECPX_S *a)
{
    int n = a->sz ? 64 : 32;
    fp_check_access(c);
    FP_BEGIN(c);
    u64 r = fp_recpx(&env, n, vreg_scalar(c, a->rn, n));
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_RECPS_S(Cpu *c, const A_FP_RECPS_S *a)
{
    int n = a->sz ? 64 : 32;
    fp_check_access(c);
    FP_BEGIN(c);
    u64 r = fp_recip_step(&env, n, vreg_scalar(c, a->rn, n), vreg_scalar(c, a->rm, n));
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}

void exec_FP_RSQRTS_S(Cpu *c, const A_FP_RSQRTS_S *a)
{
    int n = a->sz ? 64 : 32;
    fp_check_access(c);
    FP_BEGIN(c);
    u64 r = fp_rsqrt_step(&env, n, vreg_scalar(c, a->rn, n), vreg_scalar(c, a->rm, n));
    FP_END(c);
    set_vreg_scalar(c, a->rd, n, r);
}
