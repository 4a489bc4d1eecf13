/*
 * cpu/exec_simd3.c — Advanced SIMD shift by immediate, three different and
 * vector/scalar x indexed element (Arm ARM C4.1.6, C7.2).
 */
#include "cpu/simd_internal.h"

static void put_elem(VReg *r, int i, int esize, u64 v)
{
    switch (esize) {
    case 8: r->b[i] = (u8)v; break;
    case 16: r->h[i] = (u16)v; break;
    case 32: r->s[i] = (u32)v; break;
    default: r->d[i] = v; break;
    }
}

/* Write a narrowed 64-bit result: lower half (Q=0, upper zeroed) or upper
 * half (Q=1, "2" forms); scalar writes ESIZE bits. */
static void write_narrow(Cpu *c, unsigned rd, const VReg *r, bool q, bool scalar, int esize)
{
    if (scalar) {
        set_vreg_scalar(c, rd, esize, r->d[0] & emask(esize));
    } else if (q) {
        c->v[rd].d[1] = r->d[0];
    } else {
        c->v[rd].d[0] = r->d[0];
        c->v[rd].d[1] = 0;
    }
}

/* ---------------- shift by immediate ---------------- */

static void shift_imm(Cpu *c, bool scalar, bool q, bool u, unsigned immh, unsigned immb, unsigned op,
                      unsigned rn, unsigned rd)
{
    UNDEF_IF(immh == 0, "shift by immediate: immh=0000");
    int hb = 31 - __builtin_clz(immh);   /* 0..3 */
    int esize = 8 << hb;
    unsigned immhb = immh << 3 | immb;
    int rshift = 2 * esize - (int)immhb, lshift = (int)immhb - esize;
    VReg r = {0};
    bool sat = false;
    bool narrow = op >= 0x10 && op <= 0x13, longer = op == 0x14;
    if (narrow || longer) {
        UNDEF_IF(hb == 3, "narrowing/long shift: immh=1xxx reserved");
        UNDEF_IF(scalar && (longer || (op <= 0x11 && !u)), "SHRN/RSHRN/SSHLL have no scalar form");
        fp_check_access(c);
        if (longer) {
            int elems = 64 / esize;
            for (int i = 0; i < elems; i++) {
                s128 x = vel(c, rn, (q ? elems : 0) + i, esize, u);
                put_elem(&r, i, 2 * esize, (u64)((u128)x << lshift) & emask(2 * esize));
            }
            set_vreg_vec(c, rd, &r, true);
            return;
        }
        bool round = op & 1;
        int elems = scalar ? 1 : 64 / esize;
        for (int i = 0; i < elems; i++) {
            /* SHRN/RSHRN (U=0, 1000x): plain; SQSHRUN/SQRSHRUN (U=1, 1000x):
             * signed in, unsigned sat; [SU]Q[R]SHRN (1001x) */
            bool in_unsigned = op >= 0x12 ? u : false;
            s128 x = vel(c, rn, i, 2 * esize, in_unsigned);
            if (round)
                x += (s128)1 << (rshift - 1);
            x >>= rshift;
            u64 v;
            if (op <= 0x11 && !u)
                v = (u64)x & emask(esize);
            else if (op <= 0x11)
                v = sat_u(x, esize, &sat);
            else
                v = sat_q(x, esize, u, &sat);
            put_elem(&r, i, esize, v);
        }
        SET_QC(c, sat);
        write_narrow(c, rd, &r, q, scalar, esize);
        return;
    }
    if (op == 0x1c || op == 0x1f) {   /* [SU]CVTF / FCVTZ[SU] (fixed-point) */
        UNDEF_IF(hb < 2, "fixed-point convert: immh 00xx reserved (half precision)");
        UNDEF_IF(!scalar && hb == 3 && !q, "fixed-point convert: immh=1xxx Q=0 reserved");
        fp_check_access(c);
        int elems = scalar ? 1 : (q ? 128 : 64) / esize;
        FpEnv env = {c->fpcr, 0};
        for (int i = 0; i < elems; i++) {
            u64 x = velem(c, rn, i, esize);
            u64 v = op == 0x1c ? fp_from_fixed(&env, esize, x, rshift, u, esize, fp_rmode(&env))
                               : fp_to_fixed(&env, esize, x, rshift, u, esize, FPR_ZERO);
            put_elem(&r, i, esize, v);
        }
        c->fpsr |= env.flags;
        if (scalar)
            set_vreg_scalar(c, rd, esize, r.d[0]);
        else
            set_vreg_vec(c, rd, &r, q);
        return;
    }
    bool ok = op == 0x00 || op == 0x02 || op == 0x04 || op == 0x06 || (op == 0x08 && u) || op == 0x0a ||
              (op == 0x0c && u) || op == 0x0e;
    UNDEF_IF(!ok, "shift by immediate: unallocated opcode");
    UNDEF_IF(!scalar && hb == 3 && !q, "shift by immediate: immh=1xxx Q=0 reserved");
    UNDEF_IF(scalar && hb != 3 && op <= 0x0a, "scalar shift: only 64-bit elements");
    fp_check_access(c);
    int elems = scalar ? 1 : (q ? 128 : 64) / esize;
    u64 m = emask(esize);
    for (int i = 0; i < elems; i++) {
        s128 x = vel(c, rn, i, esize, u);
        u64 d = velem(c, rd, i, esize), v;
        switch (op) {
        case 0x00: case 0x02: case 0x04: case 0x06: {   /* [SU]SHR [SU]SRA [SU]RSHR [SU]RSRA */
            s128 t = x;
            if (op & 4)
                t += (s128)1 << (rshift - 1);
            t >>= rshift;
            v = (u64)t;
            if (op & 2)
                v += d;
            v &= m;
            break;
        }
        case 0x08: {   /* SRI */
            u64 mask = rshift >= esize ? 0 : m >> rshift;
            u64 xs = rshift >= esize ? 0 : ((u64)x & m) >> rshift;
            v = (d & ~mask) | xs;
            break;
        }
        case 0x0a: {   /* SHL / SLI */
            u64 sh = ((u64)x << lshift) & m;
            v = u ? (d & ~((m << lshift) & m)) | sh : sh;
            break;
        }
        case 0x0c:   /* SQSHLU: signed in, unsigned saturate */
            v = sat_u((s128)((u128)vel(c, rn, i, esize, false) << lshift), esize, &sat);   /* no signed << (UB) */
            break;
        default:   /* SQSHL / UQSHL (immediate) */
            v = sat_q((s128)((u128)x << lshift), esize, u, &sat);   /* no signed << (UB) */
            break;
        }
        put_elem(&r, i, esize, v & m);
    }
    SET_QC(c, sat);
    if (scalar)
        set_vreg_scalar(c, rd, esize, r.d[0]);
    else
        set_vreg_vec(c, rd, &r, q);
}

void exec_SIMD_SHIFT(Cpu *c, const A_SIMD_SHIFT *a)
{
    shift_imm(c, false, a->q, a->u, a->immh, a->immb, a->opcode, a->rn, a->rd);
}

void exec_SIMD_SHIFT_S(Cpu *c, const A_SIMD_SHIFT_S *a)
{
    shift_imm(c, true, true, a->u, a->immh, a->immb, a->opcode, a->rn, a->rd);
}

/* ---------------- three different ---------------- */

/* Carry-less multiply of two 64-bit values -> 128 bits (PMULL). */
static u128 clmul64(u64 a, u64 b)
{
    u128 r = 0;
    for (int i = 0; i < 64; i++)
        if ((b >> i) & 1)
            r ^= (u128)a << i;
    return r;
}

static void three_diff(Cpu *c, bool scalar, bool q, bool u, unsigned size, unsigned rm, unsigned op,
                       unsigned rn, unsigned rd)
{
    int esize = 8 << size;
    VReg r = {0};
    bool sat = false;
    bool sqd = op == 0x9 || op == 0xb || op == 0xd;
    if (scalar) {
        UNDEF_IF(!sqd || u || size == 0 || size == 3, "scalar three different: unallocated");
    }
    UNDEF_IF(op == 0xf, "three different: unallocated opcode");
    UNDEF_IF(sqd && (u || size == 0 || size == 3), "SQDML*L/SQDMULL: U=1 or size reserved");
    if (op == 0xe) {   /* PMULL / PMULL2 */
        UNDEF_IF(u || size == 1 || size == 2, "PMULL: size reserved");
        fp_check_access(c);
        unsigned h = q ? 1 : 0;
        if (size == 3) {
            r.q = clmul64(c->v[rn].d[h], c->v[rm].d[h]);
        } else {
            for (int i = 0; i < 8; i++) {
                u64 x = c->v[rn].b[8 * h + i], y = c->v[rm].b[8 * h + i], p = 0;
                for (int b = 0; b < 8; b++)
                    if ((y >> b) & 1)
                        p ^= x << b;
                r.h[i] = (u16)p;
            }
        }
        set_vreg_vec(c, rd, &r, true);
        return;
    }
    UNDEF_IF(size == 3, "three different: size=11 reserved");
    fp_check_access(c);
    if (op == 0x4 || op == 0x6) {   /* ADDHN SUBHN RADDHN RSUBHN */
        int elems = 64 / esize;
        for (int i = 0; i < elems; i++) {
            u64 x = velem(c, rn, i, 2 * esize), y = velem(c, rm, i, 2 * esize);
            u64 s = (op == 0x4 ? x + y : x - y) & emask(2 * esize);
            if (u)
                s = (s + (1ull << (esize - 1))) & emask(2 * esize);
            put_elem(&r, i, esize, s >> esize);
        }
        write_narrow(c, rd, &r, q, false, esize);
        return;
    }
    int elems = scalar ? 1 : 64 / esize;
    unsigned base = scalar ? 0 : (q ? elems : 0);
    int w = 2 * esize;
    for (int i = 0; i < elems; i++) {
        s128 x, y;
        if (op == 0x1 || op == 0x3)   /* wide: first operand already 2*esize */
            x = vel(c, rn, i, w, u);
        else
            x = vel(c, rn, base + i, esize, u);
        y = vel(c, rm, base + i, esize, u);
        s128 acc = vel(c, rd, i, w, u);
        u64 v;
        switch (op) {
        case 0x0: case 0x1: v = (u64)(x + y); break;
        case 0x2: case 0x3: v = (u64)(x - y); break;
        case 0x5: v = (u64)(acc + (x > y ? x - y : y - x)); break;
        case 0x7: v = (u64)(x > y ? x - y : y - x); break;
        case 0x8: v = (u64)(acc + x * y); break;
        case 0xa: v = (u64)(acc - x * y); break;
        case 0xc: v = (u64)(x * y); break;
        default: {   /* SQDMLAL SQDMLSL SQDMULL */
            s128 p = sat_s(2 * x * y, w, &sat);
            p = sextract64((u64)p, 0, w);
            if (op == 0xd) {
                v = (u64)p;
            } else {
                s128 a0 = (s128)velem_s(c, rd, i, w);
                v = sat_s(op == 0x9 ? a0 + p : a0 - p, w, &sat);
            }
            break;
        }
        }
        put_elem(&r, i, w, v & emask(w));
    }
    SET_QC(c, sat);
    if (scalar)
        set_vreg_scalar(c, rd, w, r.d[0]);
    else
        set_vreg_vec(c, rd, &r, true);
}

void exec_SIMD_3DIFF(Cpu *c, const A_SIMD_3DIFF *a)
{
    three_diff(c, false, a->q, a->u, a->size, a->rm, a->opcode, a->rn, a->rd);
}

void exec_SIMD_3DIFF_S(Cpu *c, const A_SIMD_3DIFF_S *a)
{
    three_diff(c, true, true, a->u, a->size, a->rm, a->opcode, a->rn, a->rd);
}

/* ---------------- x indexed element ---------------- */

static void by_elem(Cpu *c, bool scalar, bool q, bool u, unsigned size, unsigned l, unsigned mbit,
                    unsigned rm4, unsigned op, unsigned h, unsigned rn, unsigned rd)
{
    VReg r = {0};
    bool sat = false;
    bool fp = op == 0x1 || op == 0x5 || op == 0x9;
    if (fp) {
        UNDEF_IF(u && op != 0x9, "FMLA/FMLS (element): U=1 unallocated");
        UNDEF_IF(!(size & 2), "FP by element: size<1>=0 (half precision) not implemented");
        int n = size & 1 ? 64 : 32;
        UNDEF_IF(n == 64 && l, "FP by element: sz=1 L=1 reserved");
        UNDEF_IF(!scalar && n == 64 && !q, "FP by element: sz=1 Q=0 reserved");
        fp_check_access(c);
        unsigned idx = n == 64 ? h : (h << 1 | l), rm = mbit << 4 | rm4;
        u64 y = velem(c, rm, idx, n);
        int elems = scalar ? 1 : (q ? 128 : 64) / n;
        FpEnv env = {c->fpcr, 0};
        for (int i = 0; i < elems; i++) {
            u64 x = velem(c, rn, i, n), v;
            if (op == 0x9)
                v = u ? fp_mulx(&env, n, x, y) : fp_mul(&env, n, x, y);
            else
                v = fp_muladd(&env, n, velem(c, rd, i, n), op == 0x5 ? fp_neg(n, x) : x, y);
            put_elem(&r, i, n, v);
        }
        c->fpsr |= env.flags;
        if (scalar)
            set_vreg_scalar(c, rd, n, r.d[0]);
        else
            set_vreg_vec(c, rd, &r, q);
        return;
    }
    UNDEF_IF(size == 0 || size == 3, "by element: size reserved");
    int esize = 8 << size;
    unsigned idx = size == 1 ? (h << 2 | l << 1 | mbit) : (h << 1 | l);
    unsigned rm = size == 1 ? rm4 : (mbit << 4 | rm4);
    bool sqd = op == 0x3 || op == 0x7 || op == 0xb || op == 0xc || op == 0xd;
    UNDEF_IF(sqd && u, "SQDML*/SQDMUL* (element): U=1 unallocated");
    UNDEF_IF((op == 0x0 || op == 0x4) && !u, "by element: unallocated");
    UNDEF_IF(op == 0x8 && u, "by element: unallocated");
    UNDEF_IF(op == 0xe || op == 0xf, "by element: unallocated (ARMv8.1+)");
    UNDEF_IF(scalar && !sqd, "scalar by element: unallocated");
    fp_check_access(c);
    bool longop = op == 0x2 || op == 0x3 || op == 0x6 || op == 0x7 || op == 0xa || op == 0xb;
    s128 y = vel(c, rm, idx, esize, u);
    if (longop) {
        int elems = scalar ? 1 : 64 / esize, w = 2 * esize;
        unsigned base = scalar ? 0 : (q ? elems : 0);
        for (int i = 0; i < elems; i++) {
            s128 x = vel(c, rn, base + i, esize, u);
            u64 v;
            if (op == 0x2 || op == 0x6 || op == 0xa) {
                s128 acc = vel(c, rd, i, w, u);
                v = (u64)(op == 0x2 ? acc + x * y : op == 0x6 ? acc - x * y : x * y);
            } else {
                s128 p = sextract64(sat_s(2 * x * y, w, &sat), 0, w);
                if (op == 0xb) {
                    v = (u64)p;
                } else {
                    s128 a0 = (s128)velem_s(c, rd, i, w);
                    v = sat_s(op == 0x3 ? a0 + p : a0 - p, w, &sat);
                }
            }
            put_elem(&r, i, w, v & emask(w));
        }
        SET_QC(c, sat);
        if (scalar)
            set_vreg_scalar(c, rd, w, r.d[0]);
        else
            set_vreg_vec(c, rd, &r, true);
        return;
    }
    int elems = scalar ? 1 : (q ? 128 : 64) / esize;
    for (int i = 0; i < elems; i++) {
        s128 x = vel(c, rn, i, esize, u);
        u64 d = velem(c, rd, i, esize), v;
        switch (op) {
        case 0x0: v = d + (u64)(x * y); break;   /* MLA */
        case 0x4: v = d - (u64)(x * y); break;   /* MLS */
        case 0x8: v = (u64)(x * y); break;       /* MUL */
        default: {                               /* SQDMULH / SQRDMULH */
            s128 p = 2 * x * y + (op == 0xd ? (s128)1 << (esize - 1) : 0);
            v = sat_s(p >> esize, esize, &sat);
            break;
        }
        }
        put_elem(&r, i, esize, v & emask(esize));
    }
    SET_QC(c, sat);
    if (scalar)
        set_vreg_scalar(c, rd, esize, r.d[0]);
    else
        set_vreg_vec(c, rd, &r, q);
}

void exec_SIMD_ELEM(Cpu *c, const A_SIMD_ELEM *a)
{
    by_elem(c, false, a->q, a->u, a->size, a->l, a->m, a->rm, a->opcode, a->h, a->rn, a->rd);
}

void exec_SIMD_ELEM_S(Cpu *c, const A_SIMD_ELEM_S *a)
{
    by_elem(c, true, true, a->u, a->size, a->l, a->m, a->rm, a->opcode, a->h, a->rn, a->rd);
}
