/*
 * cpu/softfloat.h — IEEE 754 binary16/32/64 arithmetic with the Arm
 * semantics of the Arm ARM pseudocode (DDI 0487, J1 shared/functions/float):
 * FPRound, FPUnpack, FPProcessNaN(s), FPAdd/FPMul/FPMulAdd/FPDiv/FPSqrt,
 * FPCompare, FPMax/FPMin(NM), FPConvert, FPToFixed, FixedToFP, FPRoundInt,
 * FPRecipEstimate/FPRSqrtEstimate/FPRecpX and the fused step functions.
 *
 * Pure integer software: no host FPU state is read or written, so results
 * are bit-exact and deterministic.  Values are passed as raw bit patterns in
 * the low N bits of a u64 (N = 16, 32 or 64).
 *
 * Arm rules implemented (all from the pseudocode):
 *  - FPCR.FZ flushes single/double denormal inputs to zero (FPSR.IDC) and
 *    results whose unrounded exponent is below the minimum to zero (FPSR.UFC,
 *    no IXC).  Half precision is never flushed in ARMv8.0 (no FZ16).
 *  - Underflow (UFC) is signalled when the result is tiny *before* rounding
 *    and inexact (FPRound: biased_exp == 0 && error != 0).
 *  - NaN propagation: first SNaN operand (quietened, IOC), else first QNaN;
 *    FPCR.DN replaces the propagated NaN with the default NaN.
 *  - FPCR.AHP selects the alternative half-precision format for conversions.
 */
#ifndef EMU_CPU_SOFTFLOAT_H
#define EMU_CPU_SOFTFLOAT_H

#include "common/common.h"

/* FPCR / FPSR fields (Arm ARM C5.2.7, C5.2.8). */
FIELD(FPCR, AHP, 26, 1);
FIELD(FPCR, DN, 25, 1);
FIELD(FPCR, FZ, 24, 1);
FIELD(FPCR, RMODE, 22, 2);
FIELD(FPSR, QC, 27, 1);
FIELD(FPSR, IDC, 7, 1);
FIELD(FPSR, IXC, 4, 1);
FIELD(FPSR, UFC, 3, 1);
FIELD(FPSR, OFC, 2, 1);
FIELD(FPSR, DZC, 1, 1);
FIELD(FPSR, IOC, 0, 1);

/* FPRounding (pseudocode enumeration); the first four are FPCR.RMode values. */
typedef enum FPRounding {
    FPR_TIEEVEN = 0,
    FPR_POSINF = 1,
    FPR_NEGINF = 2,
    FPR_ZERO = 3,
    FPR_TIEAWAY = 4,
    FPR_ODD = 5,
} FPRounding;

/* The FPCR an operation runs under and the cumulative FPSR exception bits it
 * raises (callers OR .flags into FPSR). */
typedef struct FpEnv {
    u32 fpcr;
    u32 flags;
} FpEnv;

/* Rounding mode selected by FPCR.RMode. */
static inline FPRounding fp_rmode(const FpEnv *e) { return (FPRounding)((e->fpcr >> 22) & 3); }

/* Arithmetic (N = 16, 32, 64).  Rounding from FPCR.RMode. */
u64 fp_add(FpEnv *e, int n, u64 a, u64 b);
u64 fp_sub(FpEnv *e, int n, u64 a, u64 b);
u64 fp_mul(FpEnv *e, int n, u64 a, u64 b);
u64 fp_mulx(FpEnv *e, int n, u64 a, u64 b);           /* FMULX: inf*0 = +-2 */
u64 fp_div(FpEnv *e, int n, u64 a, u64 b);
u64 fp_sqrt(FpEnv *e, int n, u64 a);
/* FPMulAdd(addend, op1, op2): addend + op1*op2 with a single rounding. */
u64 fp_muladd(FpEnv *e, int n, u64 addend, u64 a, u64 b);
u64 fp_max(FpEnv *e, int n, u64 a, u64 b);
u64 fp_min(FpEnv *e, int n, u64 a, u64 b);
u64 fp_maxnm(FpEnv *e, int n, u64 a, u64 b);
u64 fp_minnm(FpEnv *e, int n, u64 a, u64 b);
/* FPCompare: NZCV in bits 3:0 (0011 unordered, 0110 equal, 1000 less, 0010
 * greater).  SIGNAL: any NaN raises IOC (FCMPE), else only SNaNs. */
unsigned fp_compare(FpEnv *e, int n, u64 a, u64 b, bool signal);
/* Vector compares (FPCompareEQ/GE/GT): true/false, IOC per the pseudocode. */
bool fp_compare_eq(FpEnv *e, int n, u64 a, u64 b);
bool fp_compare_ge(FpEnv *e, int n, u64 a, u64 b);
bool fp_compare_gt(FpEnv *e, int n, u64 a, u64 b);

/* FPConvert from NFROM to NTO bits (half uses FPCR.AHP). */
u64 fp_convert(FpEnv *e, int nto, int nfrom, u64 a, FPRounding r);
/* FPToFixed: to an M-bit (32/64) integer with FBITS fraction bits,
 * saturating (IOC), inexact -> IXC. */
u64 fp_to_fixed(FpEnv *e, int n, u64 a, int fbits, bool is_unsigned, int m, FPRounding r);
/* FixedToFP: M-bit integer (signed unless IS_UNSIGNED) with FBITS fraction bits. */
u64 fp_from_fixed(FpEnv *e, int n, u64 v, int fbits, bool is_unsigned, int m, FPRounding r);
/* FPRoundInt: round to integral in FP format; EXACT raises IXC when inexact (FRINTX). */
u64 fp_round_int(FpEnv *e, int n, u64 a, FPRounding r, bool exact);

/* Reciprocal estimates and steps (FRECPE, FRSQRTE, FRECPS, FRSQRTS, FRECPX). */
u64 fp_recip_estimate(FpEnv *e, int n, u64 a);
u64 fp_rsqrt_estimate(FpEnv *e, int n, u64 a);
u64 fp_recip_step(FpEnv *e, int n, u64 a, u64 b);
u64 fp_rsqrt_step(FpEnv *e, int n, u64 a, u64 b);
u64 fp_recpx(FpEnv *e, int n, u64 a);
/* UnsignedRecipEstimate / UnsignedRSqrtEstimate (URECPE, URSQRTE). */
u32 fp_urecip_estimate(u32 a);
u32 fp_ursqrt_estimate(u32 a);

/* Bit helpers. */
static inline u64 fp_neg(int n, u64 a) { return a ^ (1ull << (n - 1)); }
static inline u64 fp_abs(int n, u64 a) { return a & ~(1ull << (n - 1)); }
u64 fp_default_nan(int n);

#endif
