/*
 * cpu/vreg.h — access to the SIMD&FP registers V0-V31 (Cpu.v[]).
 *
 * Lane accessors follow the Arm ARM Elem[] pseudocode (little-endian lane
 * numbering).  Scalar writes (V[d] = value of fewer than 128 bits, Arm ARM
 * C1.2.5 / pseudocode V[] setter) zero every bit above the written width;
 * vector writes with Q=0 zero the upper 64 bits.
 */
#ifndef EMU_CPU_VREG_H
#define EMU_CPU_VREG_H

#include "cpu/cpu.h"

/* Element IDX of ESIZE bits (8/16/32/64) of register R, zero-extended. */
static inline u64 velem(const Cpu *c, unsigned r, unsigned idx, unsigned esize)
{
    const VReg *v = &c->v[r];
    switch (esize) {
    case 8: return v->b[idx];
    case 16: return v->h[idx];
    case 32: return v->s[idx];
    default: return v->d[idx];
    }
}

/* Element IDX of ESIZE bits, sign-extended. */
static inline s64 velem_s(const Cpu *c, unsigned r, unsigned idx, unsigned esize)
{
    return sextract64(velem(c, r, idx, esize), 0, esize);
}

/* Write element IDX of ESIZE bits, leaving the other lanes alone. */
static inline void set_velem(Cpu *c, unsigned r, unsigned idx, unsigned esize, u64 val)
{
    VReg *v = &c->v[r];
    switch (esize) {
    case 8: v->b[idx] = (u8)val; break;
    case 16: v->h[idx] = (u16)val; break;
    case 32: v->s[idx] = (u32)val; break;
    default: v->d[idx] = val; break;
    }
}

/* Scalar read: the low BITS (8..64) of V[r]. */
static inline u64 vreg_scalar(const Cpu *c, unsigned r, unsigned bits)
{
    return velem(c, r, 0, bits);
}

/* Scalar write of BITS (8..64): V[r] = ZeroExtend(val). */
static inline void set_vreg_scalar(Cpu *c, unsigned r, unsigned bits, u64 val)
{
    VReg *v = &c->v[r];
    v->d[0] = bits == 64 ? val : val & ((1ull << bits) - 1);
    v->d[1] = 0;
}

/* 128-bit read/write. */
static inline u128 vreg_q(const Cpu *c, unsigned r) { return c->v[r].q; }
static inline void set_vreg_q(Cpu *c, unsigned r, u128 val) { c->v[r].q = val; }

/* Write a 64-bit (Q=0) or 128-bit (Q=1) vector result from a scratch VReg:
 * the upper half is zeroed when Q=0. */
static inline void set_vreg_vec(Cpu *c, unsigned r, const VReg *val, bool q)
{
    c->v[r].d[0] = val->d[0];
    c->v[r].d[1] = q ? val->d[1] : 0;
}

#endif
