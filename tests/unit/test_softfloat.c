/*
 * tests/unit/test_softfloat.c — tricky cases of cpu/softfloat.c, each value
 * worked out from the Arm ARM pseudocode (FPRound, FPProcessNaNs, FPConvert,
 * FPToFixed, FPRecipEstimate, FPRSqrtEstimate).
 */
#include "cpu/softfloat.h"
#include "test.h"

#define FZ (1u << 24)
#define DN (1u << 25)
#define AHP (1u << 26)
#define RM(r) ((u32)(r) << 22)

TEST(sf_add_rounding)
{
    FpEnv e = {0, 0};
    /* 0.1 + 0.2 = 0.30000000000000004 */
    ASSERT_EQ(fp_add(&e, 64, 0x3FB999999999999Aull, 0x3FC999999999999Aull), 0x3FD3333333333334ull);
    ASSERT_EQ(e.flags, FPSR_IXC);
    /* x - x = +0 except in round-towards-minus-infinity: -0 */
    e.flags = 0;
    ASSERT_EQ(fp_sub(&e, 32, 0x3f800000, 0x3f800000), 0);
    e.fpcr = RM(FPR_NEGINF);
    ASSERT_EQ(fp_sub(&e, 32, 0x3f800000, 0x3f800000), 0x80000000);
    ASSERT_EQ(e.flags, 0);
    /* overflow: max + max -> +inf (RN) or max normal (RZ), OFC|IXC */
    e.fpcr = RM(FPR_ZERO);
    ASSERT_EQ(fp_add(&e, 32, 0x7f7fffff, 0x7f7fffff), 0x7f7fffff);
    ASSERT_EQ(e.flags, FPSR_OFC | FPSR_IXC);
    e.fpcr = 0;
    ASSERT_EQ(fp_add(&e, 32, 0x7f7fffff, 0x7f7fffff), 0x7f800000);
}

TEST(sf_fma_single_rounding)
{
    FpEnv e = {0, 0};
    /* (1+2^-52)^2 - (1+2^-51) = 2^-104 exactly; a separately rounded
     * multiply would give 0. */
    ASSERT_EQ(fp_muladd(&e, 64, 0xBFF0000000000002ull, 0x3FF0000000000001ull, 0x3FF0000000000001ull),
              0x3970000000000000ull);
    ASSERT_EQ(e.flags, 0);
    /* inf * 0 + QNaN is Invalid Operation: default NaN, IOC */
    e.flags = 0;
    ASSERT_EQ(fp_muladd(&e, 32, 0x7fc01234, 0x7f800000, 0), 0x7fc00000);
    ASSERT_EQ(e.flags, FPSR_IOC);
}

TEST(sf_nan_propagation)
{
    FpEnv e = {0, 0};
    /* first SNaN wins over an earlier QNaN, quietened, IOC */
    ASSERT_EQ(fp_add(&e, 32, 0x7fc00001, 0xff800002), 0xffc00002);
    ASSERT_EQ(e.flags, FPSR_IOC);
    /* two QNaNs: the first, no flags */
    e.flags = 0;
    ASSERT_EQ(fp_mul(&e, 64, 0xfff8000000000005ull, 0x7ff8000000000006ull), 0xfff8000000000005ull);
    ASSERT_EQ(e.flags, 0);
    /* DN: default NaN */
    e.fpcr = DN;
    ASSERT_EQ(fp_add(&e, 32, 0x7fc00001, 0x3f800000), 0x7fc00000);
    /* FMA operand order: addend first */
    e.fpcr = 0;
    ASSERT_EQ(fp_muladd(&e, 32, 0x7fc0000a, 0x7fc0000b, 0x7fc0000c), 0x7fc0000a);
    ASSERT_EQ(fp_muladd(&e, 32, 0x7fc0000a, 0x7f80000b, 0x7fc0000c), 0x7fc0000b);
}

TEST(sf_flush_to_zero_and_tininess)
{
    FpEnv e = {0, 0};
    /* (1-2^-24) * 2^-126 = 2^-126 - 2^-150: tiny before rounding, rounds
     * (ties-to-even) up to the minimum normal: UFC|IXC (Arm detects
     * tininess before rounding, FPRound biased_exp == 0). */
    ASSERT_EQ(fp_mul(&e, 32, 0x3f7fffff, 0x00800000), 0x00800000);
    ASSERT_EQ(e.flags, FPSR_UFC | FPSR_IXC);
    /* With FZ the same result is flushed: +0, UFC only. */
    e.fpcr = FZ;
    e.flags = 0;
    ASSERT_EQ(fp_mul(&e, 32, 0x3f7fffff, 0x00800000), 0);
    ASSERT_EQ(e.flags, FPSR_UFC);
    /* FZ flushes denormal inputs: IDC */
    e.flags = 0;
    ASSERT_EQ(fp_add(&e, 64, 0x8000000000000001ull, 0x8000000000000000ull), 0x8000000000000000ull);
    ASSERT_EQ(e.flags, FPSR_IDC);
    /* Exact denormal result without FZ: no UFC */
    e.fpcr = 0;
    e.flags = 0;
    ASSERT_EQ(fp_add(&e, 32, 0x00000001, 0x00000001), 0x00000002);
    ASSERT_EQ(e.flags, 0);
}

TEST(sf_conversions)
{
    FpEnv e = {0, 0};
    /* double SNaN -> single: quietened, payload truncated, IOC */
    ASSERT_EQ(fp_convert(&e, 32, 64, 0x7ff0000000000001ull, FPR_TIEEVEN), 0x7fc00000);
    ASSERT_EQ(e.flags, FPSR_IOC);
    /* single -> half overflow -> inf; AHP: 0x7fff with IOC, no IXC */
    e.flags = 0;
    ASSERT_EQ(fp_convert(&e, 16, 32, 0x48000000, FPR_TIEEVEN), 0x7c00);
    ASSERT_EQ(e.flags, FPSR_OFC | FPSR_IXC);
    e.fpcr = AHP;
    e.flags = 0;
    ASSERT_EQ(fp_convert(&e, 16, 32, 0x48000000, FPR_TIEEVEN), 0x7fff);
    ASSERT_EQ(e.flags, FPSR_IOC);
    /* AHP half 0x7c00 is 65536.0 */
    ASSERT_EQ(fp_convert(&e, 32, 16, 0x7c00, FPR_TIEEVEN), 0x47800000);
    /* float -> int32 saturation and unsigned negatives */
    e.fpcr = 0;
    e.flags = 0;
    ASSERT_EQ(fp_to_fixed(&e, 32, 0x4f000000, 0, false, 32, FPR_ZERO), 0x7fffffff);
    ASSERT_EQ(e.flags, FPSR_IOC);
    e.flags = 0;
    ASSERT_EQ(fp_to_fixed(&e, 32, 0xbf000000, 0, true, 32, FPR_TIEEVEN), 0);   /* -0.5 -> -0 -> 0 */
    ASSERT_EQ(e.flags, FPSR_IXC);
    e.flags = 0;
    ASSERT_EQ(fp_to_fixed(&e, 32, 0xbf400000, 0, true, 32, FPR_TIEEVEN), 0);   /* -0.75 -> -1: sat */
    ASSERT_EQ(e.flags, FPSR_IOC);
    /* FCVTAS: ties away; fixed point: 2.5 with 4 fraction bits = 40 */
    ASSERT_EQ(fp_to_fixed(&e, 64, 0x4004000000000000ull, 0, false, 64, FPR_TIEAWAY), 3);
    ASSERT_EQ(fp_to_fixed(&e, 64, 0x4004000000000000ull, 4, false, 64, FPR_ZERO), 40);
    /* SCVTF INT64_MIN and UCVTF 2^64-1 (rounds to 2^64) */
    ASSERT_EQ(fp_from_fixed(&e, 64, 0x8000000000000000ull, 0, false, 64, FPR_TIEEVEN), 0xC3E0000000000000ull);
    ASSERT_EQ(fp_from_fixed(&e, 32, ~0ull, 0, true, 64, FPR_TIEEVEN), 0x5f800000);
    /* FRINTA(-2.5) = -3, FRINTN(-0.5) = -0 */
    ASSERT_EQ(fp_round_int(&e, 32, 0xc0200000, FPR_TIEAWAY, false), 0xc0400000);
    ASSERT_EQ(fp_round_int(&e, 32, 0xbf000000, FPR_TIEEVEN, false), 0x80000000);
}

TEST(sf_minmax_compare)
{
    FpEnv e = {0, 0};
    ASSERT_EQ(fp_max(&e, 32, 0x80000000, 0), 0);
    ASSERT_EQ(fp_min(&e, 32, 0, 0x80000000), 0x80000000);
    /* MAXNM: a quiet NaN loses against a number; an SNaN still propagates */
    ASSERT_EQ(fp_maxnm(&e, 32, 0x7fc00000, 0xbf800000), 0xbf800000);
    ASSERT_EQ(e.flags, 0);
    ASSERT_EQ(fp_minnm(&e, 32, 0x7fc00000, 0x7f800001), 0x7fc00001);
    ASSERT_EQ(e.flags, FPSR_IOC);
    e.flags = 0;
    ASSERT_EQ(fp_compare(&e, 64, 0x7ff8000000000000ull, 0, false), 3);
    ASSERT_EQ(e.flags, 0);
    ASSERT_EQ(fp_compare(&e, 64, 0x7ff8000000000000ull, 0, true), 3);
    ASSERT_EQ(e.flags, FPSR_IOC);
    ASSERT_EQ(fp_compare(&e, 32, 0x80000000, 0, false), 6);
    ASSERT_EQ(fp_compare(&e, 32, 0xbf800000, 0, false), 8);
}

TEST(sf_estimates)
{
    FpEnv e = {0, 0};
    ASSERT_EQ(fp_recip_estimate(&e, 32, 0x3f800000), 0x3f7f8000);     /* 1/1.0 ~ 0.998 */
    ASSERT_EQ(fp_rsqrt_estimate(&e, 32, 0x3f800000), 0x3f7f8000);     /* 1/sqrt(1) */
    ASSERT_EQ(fp_rsqrt_estimate(&e, 32, 0x40800000), 0x3eff8000);     /* 1/sqrt(4) ~ 0.499 */
    ASSERT_EQ(fp_recip_estimate(&e, 64, 0), 0x7ff0000000000000ull);
    ASSERT_EQ(e.flags, FPSR_DZC);
    /* FRECPX: exponent inverted, fraction cleared: 1.0 (exp 0x7f) -> exp 0x80 */
    ASSERT_EQ(fp_recpx(&e, 32, 0x3fc00000), 0x40000000);
    ASSERT_EQ(fp_recpx(&e, 32, 0x00000001), 0x7f000000);
    /* FRECPS: 2 - a*b; FRSQRTS: (3 - a*b)/2 */
    ASSERT_EQ(fp_recip_step(&e, 32, 0x3f800000, 0x3f800000), 0x3f800000);
    ASSERT_EQ(fp_rsqrt_step(&e, 32, 0x3f800000, 0x3f800000), 0x3f800000);
    ASSERT_EQ(fp_recip_step(&e, 32, 0x7f800000, 0), 0x40000000);
}
