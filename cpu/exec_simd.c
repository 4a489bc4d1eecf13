/*
 * cpu/exec_simd.c — Advanced SIMD three-same (vector and scalar), including
 * the FP vector arithmetic and the integer saturating/rounding shifts
 * (Arm ARM C4.1.6, C7.2).  Element loops follow the pseudocode; results are
 * built in a scratch register and written last.
 */
#include "cpu/simd_internal.h"

/* SSHL/USHL/SQSHL/UQSHL/SRSHL/URSHL/SQRSHL/UQRSHL on one element. */
static u64 shl_elem(u64 xv, u64 yv, int esize, bool u, bool rounding, bool saturating, bool *sat)
{
    int shift = (s8)(u8)yv;
    s128 x = u ? (s128)(xv & emask(esize)) : (s128)sextract64(xv, 0, esize);
    s128 r;
    if (shift >= 0) {
        if (shift >= esize) {
            if (!saturating)
                return 0;
            r = x == 0 ? 0 : x > 0 ? ((s128)1 << 100) : -((s128)1 << 100);
        } else {
            r = (s128)((u128)x << shift);   /* x negative: a signed << is UB */
        }
    } else {
        int s = -shift > 100 ? 100 : -shift;
        if (rounding)
            x += (s128)1 << (s - 1);
        r = x >> s;
    }
    if (saturating)
        return sat_q(r, esize, u, sat);
    return (u64)r & emask(esize);
}

/* Integer three-same op on one element pair; D is the destination element
 * (accumulating ops).  Returns the esize-bit result. */
static u64 int3(unsigned op, bool u, int esize, u64 xv, u64 yv, u64 dv, bool *sat, bool *undef)
{
    u64 m = emask(esize);
    s128 x = u ? (s128)(xv & m) : (s128)sextract64(xv, 0, esize);
    s128 y = u ? (s128)(yv & m) : (s128)sextract64(yv, 0, esize);
    switch (op) {
    case 0x00: return (u64)((x + y) >> 1) & m;                 /* SHADD/UHADD */
    case 0x01: return sat_q(u ? x + y : x + y, esize, u, sat); /* SQADD/UQADD */
    case 0x02: return (u64)((x + y + 1) >> 1) & m;             /* SRHADD/URHADD */
    case 0x04: return (u64)((x - y) >> 1) & m;                 /* SHSUB/UHSUB */
    case 0x05: return sat_q(x - y, esize, u, sat);             /* SQSUB/UQSUB */
    case 0x06: return x > y ? m : 0;                           /* CMGT/CMHI */
    case 0x07: return x >= y ? m : 0;                          /* CMGE/CMHS */
    case 0x08: return shl_elem(xv, yv, esize, u, false, false, sat);
    case 0x09: return shl_elem(xv, yv, esize, u, false, true, sat);
    case 0x0a: return shl_elem(xv, yv, esize, u, true, false, sat);
    case 0x0b: return shl_elem(xv, yv, esize, u, true, true, sat);
    case 0x0c: return (u64)(x > y ? x : y) & m;                /* SMAX/UMAX */
    case 0x0d: return (u64)(x < y ? x : y) & m;                /* SMIN/UMIN */
    case 0x0e: return (u64)(x > y ? x - y : y - x) & m;        /* SABD/UABD */
    case 0x0f: return (dv + (u64)(x > y ? x - y : y - x)) & m; /* SABA/UABA */
    case 0x10: return (u ? xv - yv : xv + yv) & m;             /* ADD/SUB */
    case 0x11: return u ? ((xv & m) == (yv & m) ? m : 0) : ((xv & yv & m) ? m : 0);   /* CMEQ/CMTST */
    case 0x12: return (u ? dv - xv * yv : dv + xv * yv) & m;   /* MLA/MLS */
    case 0x13:
        if (u) {   /* PMUL (bytes) */
            u64 r = 0;
            for (int i = 0; i < 8; i++)
                if ((yv >> i) & 1)
                    r ^= (xv & 0xff) << i;
            return r & 0xff;
        }
        return (xv * yv) & m;                                  /* MUL */
    case 0x14: return (u64)(x > y ? x : y) & m;                /* SMAXP/UMAXP */
    case 0x15: return (u64)(x < y ? x : y) & m;                /* SMINP/UMINP */
    case 0x16: {                                               /* SQDMULH/SQRDMULH */
        s128 xs = sextract64(xv, 0, esize), ys = sextract64(yv, 0, esize);
        s128 p = 2 * xs * ys + (u ? (s128)1 << (esize - 1) : 0);
        return sat_s(p >> esize, esize, sat);
    }
    case 0x17: return (xv + yv) & m;                           /* ADDP */
    default: *undef = true; return 0;
    }
}

/* FP three-same op; A = size<1>.  *undef for unallocated combinations. */
static u64 fp3(FpEnv *e, unsigned op, bool u, bool a, int n, u64 x, u64 y, u64 d, bool *undef)
{
    switch ((u ? 0x20 : 0) | (a ? 0x10 : 0) | (op & 7)) {
    case 0x00: return fp_maxnm(e, n, x, y);
    case 0x10: return fp_minnm(e, n, x, y);
    case 0x01: return fp_muladd(e, n, d, x, y);               /* FMLA */
    case 0x11: return fp_muladd(e, n, d, fp_neg(n, x), y);    /* FMLS */
    case 0x02: return fp_add(e, n, x, y);
    case 0x12: return fp_sub(e, n, x, y);
    case 0x03: return fp_mulx(e, n, x, y);
    case 0x04: return fp_compare_eq(e, n, x, y) ? emask(n) : 0;
    case 0x06: return fp_max(e, n, x, y);
    case 0x16: return fp_min(e, n, x, y);
    case 0x07: return fp_recip_step(e, n, x, y);
    case 0x17: return fp_rsqrt_step(e, n, x, y);
    case 0x20: return fp_maxnm(e, n, x, y);                   /* FMAXNMP */
    case 0x30: return fp_minnm(e, n, x, y);                   /* FMINNMP */
    case 0x22: return fp_add(e, n, x, y);                     /* FADDP */
    case 0x32: return fp_abs(n, fp_sub(e, n, x, y));          /* FABD */
    case 0x23: return fp_mul(e, n, x, y);
    case 0x24: return fp_compare_ge(e, n, x, y) ? emask(n) : 0;
    case 0x34: return fp_compare_gt(e, n, x, y) ? emask(n) : 0;
    case 0x25: return fp_compare_ge(e, n, fp_abs(n, x), fp_abs(n, y)) ? emask(n) : 0;   /* FACGE */
    case 0x35: return fp_compare_gt(e, n, fp_abs(n, x), fp_abs(n, y)) ? emask(n) : 0;   /* FACGT */
    case 0x26: return fp_max(e, n, x, y);                     /* FMAXP */
    case 0x36: return fp_min(e, n, x, y);                     /* FMINP */
    case 0x27: return fp_div(e, n, x, y);
    default: *undef = true; return 0;
    }
}

static bool fp3_pairwise(bool u, unsigned op)
{
    return u && (op == 0x18 || op == 0x1a || op == 0x1e) ;
}

static void three_same(Cpu *c, bool scalar, bool q, bool u, unsigned size, unsigned rm, unsigned op,
                       unsigned rn, unsigned rd)
{
    VReg r = {0};
    bool undef = false, sat = false;
    if (op >= 0x18) {   /* floating point */
        int n = size & 1 ? 64 : 32;
        bool a = size >> 1;
        UNDEF_IF(!scalar && n == 64 && !q, "FP three same: sz=1 Q=0 reserved");
        bool pair = fp3_pairwise(u, op) && !(u && op == 0x1a && a);
        UNDEF_IF(scalar && pair, "FP pairwise op has no three-same scalar form");
        /* scalar forms: FMULX FCMEQ FRECPS FRSQRTS FCMGE FACGE FABD FCMGT FACGT */
        if (scalar) {
            unsigned k = (u ? 0x20 : 0) | (a ? 0x10 : 0) | (op & 7);
            UNDEF_IF(!(k == 0x03 || k == 0x04 || k == 0x07 || k == 0x17 || k == 0x24 || k == 0x25 ||
                       k == 0x32 || k == 0x34 || k == 0x35), "scalar three same FP: unallocated");
        }
        int elems = scalar ? 1 : (q ? 128 : 64) / n;
        {
            /* decode-time check of the opcode on a dummy */
            FpEnv dummy = {0, 0};
            fp3(&dummy, op, u, a, n, 0, 0, 0, &undef);
            UNDEF_IF(undef, "FP three same: unallocated opcode");
        }
        fp_check_access(c);
        FpEnv env = {c->fpcr, 0};
        for (int i = 0; i < elems; i++) {
            u64 x, y;
            if (pair) {
                unsigned src = 2 * i < elems ? rn : rm, j = (2 * i) % elems;
                x = velem(c, src, j, n);
                y = velem(c, src, j + 1, n);
            } else {
                x = velem(c, rn, i, n);
                y = velem(c, rm, i, n);
            }
            u64 v = fp3(&env, op, u, a, n, x, y, velem(c, rd, i, n), &undef);
            if (n == 32) r.s[i] = (u32)v; else r.d[i] = v;
        }
        c->fpsr |= env.flags;
        if (scalar)
            set_vreg_scalar(c, rd, n, r.d[0]);
        else
            set_vreg_vec(c, rd, &r, q);
        return;
    }
    int esize = 8 << size;
    if (op == 0x03) {   /* logical (size is the opcode) */
        UNDEF_IF(scalar, "scalar logical: unallocated");
        fp_check_access(c);
        for (int h = 0; h < 2; h++) {
            u64 n = c->v[rn].d[h], m = c->v[rm].d[h], d = c->v[rd].d[h], v;
            switch ((u ? 4 : 0) | size) {
            case 0: v = n & m; break;
            case 1: v = n & ~m; break;
            case 2: v = n | m; break;
            case 3: v = n | ~m; break;
            case 4: v = n ^ m; break;
            case 5: v = (d & n) | (~d & m); break;       /* BSL */
            case 6: v = (m & n) | (~m & d); break;       /* BIT */
            default: v = (~m & n) | (m & d); break;      /* BIF */
            }
            r.d[h] = v;
        }
        set_vreg_vec(c, rd, &r, q);
        return;
    }
    if (scalar) {
        bool ok = op == 0x01 || op == 0x05 || op == 0x09 || op == 0x0b ||
                  ((op == 0x06 || op == 0x07 || op == 0x08 || op == 0x0a || op == 0x10 || op == 0x11) && size == 3) ||
                  (op == 0x16 && (size == 1 || size == 2));
        UNDEF_IF(!ok, "scalar three same: unallocated");
    } else {
        UNDEF_IF(size == 3 && !q, "three same: size=11 Q=0 reserved");
        UNDEF_IF(size == 3 && (op == 0x00 || op == 0x02 || op == 0x04 || (op >= 0x0c && op <= 0x0f) ||
                               (op >= 0x12 && op <= 0x16)), "three same: size=11 reserved");
        UNDEF_IF(op == 0x13 && u && size != 0, "PMUL: size must be 00");
        UNDEF_IF(op == 0x16 && (size == 0 || size == 3), "SQDMULH: size reserved");
        UNDEF_IF(op == 0x17 && u, "three same: U=1 opcode 10111 unallocated");
    }
    fp_check_access(c);
    int elems = scalar ? 1 : (q ? 128 : 64) / esize;
    bool pair = !scalar && (op == 0x14 || op == 0x15 || op == 0x17);
    for (int i = 0; i < elems; i++) {
        u64 x, y;
        if (pair) {
            unsigned src = 2 * i < elems ? rn : rm, j = (2 * i) % elems;
            x = velem(c, src, j, esize);
            y = velem(c, src, j + 1, esize);
        } else {
            x = velem(c, rn, i, esize);
            y = velem(c, rm, i, esize);
        }
        u64 v = int3(op, u, esize, x, y, velem(c, rd, i, esize), &sat, &undef);
        switch (esize) {
        case 8: r.b[i] = (u8)v; break;
        case 16: r.h[i] = (u16)v; break;
        case 32: r.s[i] = (u32)v; break;
        default: r.d[i] = v; break;
        }
    }
    SET_QC(c, sat);
    if (scalar)
        set_vreg_scalar(c, rd, esize, r.d[0] & emask(esize));
    else
        set_vreg_vec(c, rd, &r, q);
}

void exec_SIMD_3SAME(Cpu *c, const A_SIMD_3SAME *a)
{
    three_same(c, false, a->q, a->u, a->size, a->rm, a->opcode, a->rn, a->rd);
}

void exec_SIMD_3SAME_S(Cpu *c, const A_SIMD_3SAME_S *a)
{
    three_same(c, true, true, a->u, a->size, a->rm, a->opcode, a->rn, a->rd);
}
