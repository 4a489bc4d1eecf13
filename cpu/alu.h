/*
 * cpu/alu.h — integer helpers shared by the data-processing handlers
 * (Arm ARM J1 pseudocode AddWithCarry, DecodeBitMasks, ...).
 */
#ifndef EMU_CPU_ALU_H
#define EMU_CPU_ALU_H

#include "cpu/cpu.h"

/* AddWithCarry(x, y, carry_in) for 32 or 64 bits; returns the result
 * (zero-extended) and, if SETFLAGS, writes PSTATE.NZCV. */
static inline u64 alu_adc(Cpu *c, u64 x, u64 y, unsigned cin, bool setflags, bool sf)
{
    u64 r = x + y + cin;
    if (!setflags)   /* hot case: no flags, no 128-bit arithmetic */
        return sf ? r : (u32)r;
    u32 n, z, cf, v;
    if (sf) {
        cf = r < x || (cin && r == x);                 /* unsigned carry out of bit 63 */
        v = (u32)((((x ^ r) & (y ^ r)) >> 63) & 1);    /* operands same sign, result differs */
        n = (u32)(r >> 63);
        z = r == 0;
    } else {
        u64 us = (u64)(u32)x + (u32)y + cin;
        r = (u32)us;
        cf = (u32)(us >> 32);
        v = (u32)((((x ^ r) & (y ^ r)) >> 31) & 1);
        n = (u32)(r >> 31);
        z = r == 0;
    }
    c->nzcv = n << 31 | z << 30 | cf << 29 | v << 28;
    return r;
}

/* ADD (op=0) or SUB (op=1) with optional flags. */
static inline u64 alu_add_sub(Cpu *c, u64 x, u64 y, unsigned op, bool setflags, bool sf)
{
    return op ? alu_adc(c, x, ~y, 1, setflags, sf) : alu_adc(c, x, y, 0, setflags, sf);
}

/* Zero-extend V to the operation size: 64 bits if SF, else 32. */
static inline u64 alu_trunc(u64 v, bool sf) { return sf ? v : (u32)v; }

/* Flags of a logical result (ANDS/BICS/TST): N and Z from the result, C=V=0. */
static inline void alu_logic_flags(Cpu *c, u64 r, bool sf)
{
    u32 n = sf ? (u32)(r >> 63) : (u32)(r >> 31) & 1;
    c->nzcv = n << 31 | (u32)(alu_trunc(r, sf) == 0) << 30;
}

/* Rotate right within the operation size (ROR(x, n), n < size). */
static inline u64 alu_ror(u64 x, unsigned n, bool sf)
{
    if (n == 0)
        return alu_trunc(x, sf);
    if (sf)
        return x >> n | x << (64 - n);
    u32 w = (u32)x;
    return (u32)(w >> n | w << (32 - n));
}

/* ShiftReg(): SHIFT 0 LSL, 1 LSR, 2 ASR, 3 ROR by AMOUNT (< operation size).
 * Arm ARM C6.2 shared pseudocode. */
static inline u64 alu_shift(u64 x, unsigned shift, unsigned amount, bool sf)
{
    switch (shift) {
    case 0: return alu_trunc(x << amount, sf);
    case 1: return alu_trunc(x, sf) >> amount;
    case 2: return sf ? (u64)((s64)x >> amount) : (u32)((s32)(u32)x >> amount);
    default: return alu_ror(x, amount, sf);
    }
}

/* ExtendReg(): OPTION 0-7 = UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX,
 * then LSL by SHIFT (0..4).  Result truncated to the operation size. */
static inline u64 alu_extend(u64 x, unsigned option, unsigned shift, bool sf)
{
    unsigned len = 8u << (option & 3);
    u64 v;
    if (len == 64)
        v = x;
    else if (option & 4)
        v = (u64)sextract64(x, 0, len);
    else
        v = extract64(x, 0, len);
    return alu_trunc(v << shift, sf);
}

/* Replicate an ESIZE-bit element (esize in 2..64) across 64 bits. */
static inline u64 alu_replicate(u64 elem, unsigned esize)
{
    while (esize < 64) {
        elem |= elem << esize;
        esize *= 2;
    }
    return elem;
}

/* DecodeBitMasks(immN, imms, immr, immediate) (Arm ARM J1
 * aarch64/instrs/integer/bitmasks/DecodeBitMasks).  Returns false for a
 * reserved encoding (len < 1, or all-ones element when IMMEDIATE); else sets
 * *WMASK and *TMASK (64-bit replicated; the caller truncates to 32). */
static inline bool alu_decode_bit_masks(unsigned immn, unsigned imms, unsigned immr,
                                        bool immediate, u64 *wmask, u64 *tmask)
{
    unsigned combined = immn << 6 | (~imms & 0x3f);
    if (combined == 0)
        return false;
    int len = 31 - __builtin_clz(combined);
    if (len < 1)
        return false;
    unsigned levels = (1u << len) - 1;
    if (immediate && (imms & levels) == levels)
        return false;
    unsigned s = imms & levels, r = immr & levels;
    unsigned diff = (s - r) & 0x3f;
    unsigned esize = 1u << len;
    unsigned d = diff & levels;
    u64 emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    u64 welem = s + 1 == 64 ? ~0ull : (1ull << (s + 1)) - 1;
    u64 telem = d + 1 == 64 ? ~0ull : (1ull << (d + 1)) - 1;
    if (r)   /* ROR within ESIZE */
        welem = ((welem >> r) | (welem << (esize - r))) & emask;
    *wmask = alu_replicate(welem, esize);
    *tmask = alu_replicate(telem, esize);
    return true;
}

/* CountLeadingZeroBits within the operation size. */
static inline u64 alu_clz(u64 x, bool sf)
{
    if (sf)
        return x ? (u64)__builtin_clzll(x) : 64;
    return (u32)x ? (u64)__builtin_clz((u32)x) : 32;
}

/* CountLeadingSignBits: number of bits after the top one equal to it. */
static inline u64 alu_cls(u64 x, bool sf)
{
    if (sf)
        return (u64)__builtin_clzll((x ^ (x << 1)) | 1);
    u32 w = (u32)x;
    return (u64)__builtin_clz((w ^ (w << 1)) | 1);
}

/* Reverse the bit order of a 64-bit value. */
static inline u64 alu_rbit64(u64 x)
{
    x = (x >> 1 & 0x5555555555555555ull) | (x & 0x5555555555555555ull) << 1;
    x = (x >> 2 & 0x3333333333333333ull) | (x & 0x3333333333333333ull) << 2;
    x = (x >> 4 & 0x0f0f0f0f0f0f0f0full) | (x & 0x0f0f0f0f0f0f0f0full) << 4;
    return __builtin_bswap64(x);
}

/* CRC32/CRC32C update of ACC with the low BYTES bytes of VAL, little-endian,
 * reflected polynomial (CRC32: 0x04C11DB7 -> 0xEDB88320, CRC32C: 0x1EDC6F41
 * -> 0x82F63B78); no pre/post inversion (Arm ARM C6.2 CRC32B..CRC32CX).
 * Four bits per step through a 16-entry table computed at compile time:
 * entry i is i shifted through the bitwise CRC four times. */
#define ALU_CRC_B1(c, p) (((c) >> 1) ^ (((c) & 1) ? (p) : 0u))
#define ALU_CRC_N(i, p) ALU_CRC_B1(ALU_CRC_B1(ALU_CRC_B1(ALU_CRC_B1((u32)(i), p), p), p), p)
#define ALU_CRC_ROW(p)                                                          \
    { ALU_CRC_N(0, p), ALU_CRC_N(1, p), ALU_CRC_N(2, p), ALU_CRC_N(3, p),        \
      ALU_CRC_N(4, p), ALU_CRC_N(5, p), ALU_CRC_N(6, p), ALU_CRC_N(7, p),        \
      ALU_CRC_N(8, p), ALU_CRC_N(9, p), ALU_CRC_N(10, p), ALU_CRC_N(11, p),      \
      ALU_CRC_N(12, p), ALU_CRC_N(13, p), ALU_CRC_N(14, p), ALU_CRC_N(15, p) }

/* CASTAGNOLI selects CRC32C. */
static inline u32 alu_crc32(u32 acc, u64 val, unsigned bytes, bool castagnoli)
{
    static const u32 nib[2][16] = { ALU_CRC_ROW(0xEDB88320u), ALU_CRC_ROW(0x82F63B78u) };
    const u32 *t = nib[castagnoli];
    for (unsigned i = 0; i < bytes; i++) {
        acc ^= (u32)(val >> (8 * i)) & 0xff;
        acc = (acc >> 4) ^ t[acc & 15];
        acc = (acc >> 4) ^ t[acc & 15];
    }
    return acc;
}

#endif
