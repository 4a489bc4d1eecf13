/*
 * cpu/simd_internal.h — helpers shared by the Advanced SIMD handlers
 * (exec_simd*.c): saturation (pseudocode SatQ / SignedSatQ / UnsignedSatQ,
 * setting FPSR.QC), FP environment plumbing.
 */
#ifndef EMU_CPU_SIMD_INTERNAL_H
#define EMU_CPU_SIMD_INTERNAL_H

#include "cpu/cpu_internal.h"
#include "cpu/fp_access.h"
#include "cpu/softfloat.h"
#include "cpu/vreg.h"

static inline s64 smax_of(int esize) { return esize == 64 ? INT64_MAX : (s64)((1ull << (esize - 1)) - 1); }
static inline s64 smin_of(int esize) { return -smax_of(esize) - 1; }
static inline u64 umax_of(int esize) { return esize == 64 ? ~0ull : (1ull << esize) - 1; }
static inline u64 emask(int esize) { return umax_of(esize); }

/* SignedSatQ: clamp V to ESIZE bits, *SAT set when clamped. */
static inline u64 sat_s(s128 v, int esize, bool *sat)
{
    if (v > smax_of(esize)) { *sat = true; return (u64)smax_of(esize) & emask(esize); }
    if (v < smin_of(esize)) { *sat = true; return (u64)smin_of(esize) & emask(esize); }
    return (u64)v & emask(esize);
}

/* UnsignedSatQ. */
static inline u64 sat_u(s128 v, int esize, bool *sat)
{
    if (v > (s128)umax_of(esize)) { *sat = true; return umax_of(esize); }
    if (v < 0) { *sat = true; return 0; }
    return (u64)v;
}

static inline u64 sat_q(s128 v, int esize, bool is_unsigned, bool *sat)
{
    return is_unsigned ? sat_u(v, esize, sat) : sat_s(v, esize, sat);
}

/* Element of register R as a signed or unsigned integer. */
static inline s128 vel(const Cpu *c, unsigned r, unsigned i, int esize, bool is_unsigned)
{
    return is_unsigned ? (s128)velem(c, r, i, esize) : (s128)velem_s(c, r, i, esize);
}

/* VFPExpandImm: the FMOV 8-bit immediate as an N-bit float (cpu/exec_fp.c). */
u64 fp_expand_imm(unsigned imm8, int n);

#define SET_QC(c, sat) do { if (sat) (c)->fpsr |= FPSR_QC; } while (0)

#endif
