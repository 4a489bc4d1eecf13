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
    u64 r;
    u32 nzcv;
    if (sf) {
        u128 us = (u128)x + y + cin;
        s128 ss = (s128)(s64)x + (s64)y + cin;
        r = (u64)us;
        nzcv = (u32)(r >> 63) << 31 | (u32)(r == 0) << 30 | (u32)((us >> 64) != 0) << 29 |
               (u32)((s128)(s64)r != ss) << 28;
    } else {
        u64 us = (u64)(u32)x + (u32)y + cin;
        s64 ss = (s64)(s32)x + (s32)y + cin;
        r = (u32)us;
        nzcv = (u32)(r >> 31) << 31 | (u32)(r == 0) << 30 | (u32)((us >> 32) != 0) << 29 |
               (u32)((s64)(s32)r != ss) << 28;
    }
    if (setflags)
        c->nzcv = nzcv;
    return r;
}

/* ADD (op=0) or SUB (op=1) with optional flags. */
static inline u64 alu_add_sub(Cpu *c, u64 x, u64 y, unsigned op, bool setflags, bool sf)
{
    return op ? alu_adc(c, x, ~y, 1, setflags, sf) : alu_adc(c, x, y, 0, setflags, sf);
}

#endif
