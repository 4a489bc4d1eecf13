/*
 * bench/fp_bench.c — FP / Advanced SIMD benchmark guest for hyperstep:
 * a NEON single-precision matrix multiply (FMLA by element), Newton-Raphson
 * square roots in double precision (FDIV, FMUL, FADD), a NEON sum of
 * absolute differences (UABAL, UADALP, ADDV) and int<->FP conversions
 * (SCVTF, FCVTZS), repeated ROUNDS times.  Every kernel checks its own
 * answer against an exact integer reference, so the run is also a test.
 * Exit status = number of failed checks (semihosting).
 */
#include <arm_neon.h>

#include "lib.h"

#ifndef ROUNDS
#define ROUNDS 40
#endif
#define N 48
#define SAD_BYTES (32 * 1024)

static float ma[N * N], mb[N * N], mc[N * N];
static u8 sa[SAD_BYTES], sb[SAD_BYTES];

/* C = A * B with 4-wide FMLA by element; small integers keep it exact. */
static void matmul(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j += 4) {
            float32x4_t acc = vdupq_n_f32(0);
            for (int k = 0; k < N; k += 4) {
                float32x4_t a = vld1q_f32(&ma[i * N + k]);
                acc = vfmaq_laneq_f32(acc, vld1q_f32(&mb[(k + 0) * N + j]), a, 0);
                acc = vfmaq_laneq_f32(acc, vld1q_f32(&mb[(k + 1) * N + j]), a, 1);
                acc = vfmaq_laneq_f32(acc, vld1q_f32(&mb[(k + 2) * N + j]), a, 2);
                acc = vfmaq_laneq_f32(acc, vld1q_f32(&mb[(k + 3) * N + j]), a, 3);
            }
            vst1q_f32(&mc[i * N + j], acc);
        }
}

static int check_matmul(void)
{
    int bad = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s32 s = 0;
            for (int k = 0; k < N; k++)
                s += (s32)ma[i * N + k] * (s32)mb[k * N + j];
            bad += (s32)mc[i * N + j] != s;
        }
    return bad;
}

/* Newton-Raphson sqrt of perfect squares converges to the exact root. */
static int newton(void)
{
    int bad = 0;
    for (int n = 1; n <= 3000; n++) {
        volatile double sq = (double)n * n;
        double x = sq;
        for (int it = 0; it < 40; it++)
            x = 0.5 * (x + sq / x);
        bad += (s64)x != n;
    }
    return bad;
}

static u64 sad_neon(void)
{
    uint32x4_t acc = vdupq_n_u32(0);
    for (int i = 0; i < SAD_BYTES; i += 16) {
        uint8x16_t a = vld1q_u8(&sa[i]), b = vld1q_u8(&sb[i]);
        uint16x8_t d = vabdl_u8(vget_low_u8(a), vget_low_u8(b));
        d = vabal_high_u8(d, a, b);
        acc = vpadalq_u16(acc, d);
    }
    return vaddvq_u32(acc);
}

static u64 sad_ref(void)
{
    u64 s = 0;
    for (int i = 0; i < SAD_BYTES; i++)
        s += sa[i] > sb[i] ? sa[i] - sb[i] : sb[i] - sa[i];
    return s;
}

static int conversions(void)
{
    int bad = 0;
    for (s32 i = -20000; i < 20000; i += 3) {
        volatile float f = (float)i;
        volatile double d = (double)f * 0.5;
        bad += (s32)(d * 2.0) != i;
    }
    return bad;
}

int main(void)
{
    u32 seed = 12345;
    for (int i = 0; i < N * N; i++) {
        seed = seed * 1103515245 + 12345;
        ma[i] = (float)((s32)(seed >> 16) % 17 - 8);
        seed = seed * 1103515245 + 12345;
        mb[i] = (float)((s32)(seed >> 16) % 13 - 6);
    }
    for (int i = 0; i < SAD_BYTES; i++) {
        seed = seed * 1103515245 + 12345;
        sa[i] = (u8)(seed >> 16);
        sb[i] = (u8)(seed >> 24);
    }
    u64 ref = sad_ref();
    for (int r = 0; r < ROUNDS; r++) {
        matmul();
        CHECK_EQ(check_matmul(), 0);
        CHECK_EQ(newton(), 0);
        CHECK_EQ(sad_neon(), ref);
        CHECK_EQ(conversions(), 0);
    }
    return hs_report();
}
