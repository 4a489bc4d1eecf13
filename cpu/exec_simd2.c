/*
 * cpu/exec_simd2.c — Advanced SIMD two-register misc, across lanes, scalar
 * pairwise, copy (DUP/INS/UMOV/SMOV), modified immediate, permute, EXT and
 * TBL/TBX (Arm ARM C4.1.6, C7.2).
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

static u64 rbit8(u64 v)
{
    v &= 0xff;
    u64 r = 0;
    for (int i = 0; i < 8; i++)
        r |= ((v >> i) & 1) << (7 - i);
    return r;
}

static int clz_e(u64 v, int esize)
{
    v &= emask(esize);
    if (!v)
        return esize;
    return __builtin_clzll(v) - (64 - esize);
}

/* ---------------- two-register misc ---------------- */

/* FP two-register misc ops (opcode 0x0c-0x0f, 0x18-0x1f). Returns false if
 * unallocated. */
static bool fp2(FpEnv *e, bool u, bool a, unsigned op, int n, u64 x, u64 *res)
{
    unsigned k = (u ? 0x40 : 0) | (a ? 0x20 : 0) | op;
    u64 ones = emask(n);
    switch (k) {
    case 0x2c: *res = fp_compare_gt(e, n, x, 0) ? ones : 0; return true;   /* FCMGT #0 */
    case 0x2d: *res = fp_compare_eq(e, n, x, 0) ? ones : 0; return true;   /* FCMEQ #0 */
    case 0x2e: *res = fp_compare_gt(e, n, 0, x) ? ones : 0; return true;   /* FCMLT #0 */
    case 0x2f: *res = fp_abs(n, x); return true;
    case 0x6c: *res = fp_compare_ge(e, n, x, 0) ? ones : 0; return true;   /* FCMGE #0 */
    case 0x6d: *res = fp_compare_ge(e, n, 0, x) ? ones : 0; return true;   /* FCMLE #0 */
    case 0x6f: *res = fp_neg(n, x); return true;
    case 0x18: *res = fp_round_int(e, n, x, FPR_TIEEVEN, false); return true;
    case 0x38: *res = fp_round_int(e, n, x, FPR_POSINF, false); return true;
    case 0x19: *res = fp_round_int(e, n, x, FPR_NEGINF, false); return true;
    case 0x39: *res = fp_round_int(e, n, x, FPR_ZERO, false); return true;
    case 0x58: *res = fp_round_int(e, n, x, FPR_TIEAWAY, false); return true;
    case 0x59: *res = fp_round_int(e, n, x, fp_rmode(e), true); return true;    /* FRINTX */
    case 0x79: *res = fp_round_int(e, n, x, fp_rmode(e), false); return true;   /* FRINTI */
    case 0x1a: case 0x5a: *res = fp_to_fixed(e, n, x, 0, u, n, FPR_TIEEVEN); return true;
    case 0x3a: case 0x7a: *res = fp_to_fixed(e, n, x, 0, u, n, FPR_POSINF); return true;
    case 0x1b: case 0x5b: *res = fp_to_fixed(e, n, x, 0, u, n, FPR_NEGINF); return true;
    case 0x3b: case 0x7b: *res = fp_to_fixed(e, n, x, 0, u, n, FPR_ZERO); return true;
    case 0x1c: case 0x5c: *res = fp_to_fixed(e, n, x, 0, u, n, FPR_TIEAWAY); return true;
    case 0x3c: if (n != 32) return false; *res = fp_urecip_estimate((u32)x); return true;   /* URECPE */
    case 0x7c: if (n != 32) return false; *res = fp_ursqrt_estimate((u32)x); return true;   /* URSQRTE */
    case 0x1d: case 0x5d: *res = fp_from_fixed(e, n, x, 0, u, n, fp_rmode(e)); return true;   /* [SU]CVTF */
    case 0x3d: *res = fp_recip_estimate(e, n, x); return true;
    case 0x7d: *res = fp_rsqrt_estimate(e, n, x); return true;
    case 0x7f: *res = fp_sqrt(e, n, x); return true;
    case 0x3f: *res = fp_recpx(e, n, x); return true;   /* FRECPX (scalar only) */
    default: return false;
    }
}

static void two_misc(Cpu *c, bool scalar, bool q, bool u, unsigned size, unsigned op, unsigned rn, unsigned rd)
{
    VReg r = {0};
    bool sat = false;
    int esize = 8 << size;
    int dsize = scalar ? esize : (q ? 128 : 64);
    /* narrowing: XTN SQXTN UQXTN SQXTUN FCVTN FCVTXN */
    if (op == 0x12 || op == 0x14 || op == 0x16) {
        if (op == 0x16) {   /* FCVTN / FCVTXN: size<0> = sz, narrow from 2*esize FP */
            UNDEF_IF(size & 2, "FCVTN: size<1> must be 0");
            UNDEF_IF(u && !(size & 1), "FCVTXN: sz must be 1");
            UNDEF_IF(scalar && !u, "FCVTN has no scalar form");
            fp_check_access(c);
            int to = size & 1 ? 32 : 16, from = 2 * to;
            int elems = scalar ? 1 : 64 / to;
            FpEnv env = {c->fpcr, 0};
            for (int i = 0; i < elems; i++)
                put_elem(&r, i, to, fp_convert(&env, to, from, velem(c, rn, i, from),
                                               u ? FPR_ODD : fp_rmode(&env)));
            c->fpsr |= env.flags;
        } else {
            UNDEF_IF(size == 3, "narrowing: size=11 reserved");
            UNDEF_IF(scalar && op == 0x12 && !u, "XTN has no scalar form");
            fp_check_access(c);
            int elems = scalar ? 1 : 64 / esize;
            for (int i = 0; i < elems; i++) {
                u64 x = velem(c, rn, i, 2 * esize);
                u64 v;
                if (op == 0x12 && !u)
                    v = x & emask(esize);                                      /* XTN */
                else if (op == 0x12)
                    v = sat_u((s128)sextract64(x, 0, 2 * esize), esize, &sat);  /* SQXTUN */
                else if (!u)
                    v = sat_s((s128)sextract64(x, 0, 2 * esize), esize, &sat);  /* SQXTN */
                else
                    v = sat_u((s128)x, esize, &sat);                            /* UQXTN */
                put_elem(&r, i, esize, v);
            }
            SET_QC(c, sat);
        }
        if (scalar) {
            set_vreg_scalar(c, rd, op == 0x16 ? 32 : esize, r.d[0]);
        } else if (q) {
            c->v[rd].d[1] = r.d[0];   /* the "2" form writes the upper half */
        } else {
            c->v[rd].d[0] = r.d[0];
            c->v[rd].d[1] = 0;
        }
        return;
    }
    if (op == 0x17 || (op == 0x13 && u)) {   /* FCVTL, SHLL: widen the half selected by Q */
        UNDEF_IF(scalar, "FCVTL/SHLL have no scalar form");
        unsigned base = q ? 1 : 0;
        if (op == 0x17) {
            UNDEF_IF(u || (size & 2), "FCVTL: unallocated");
            fp_check_access(c);
            int from = size & 1 ? 32 : 16, to = 2 * from, elems = 64 / from;
            FpEnv env = {c->fpcr, 0};
            for (int i = 0; i < elems; i++)
                put_elem(&r, i, to, fp_convert(&env, to, from, velem(c, rn, base * elems + i, from), fp_rmode(&env)));
            c->fpsr |= env.flags;
        } else {
            UNDEF_IF(size == 3, "SHLL: size=11 reserved");
            fp_check_access(c);
            int elems = 64 / esize;
            for (int i = 0; i < elems; i++)
                put_elem(&r, i, 2 * esize, velem(c, rn, base * elems + i, esize) << esize);
        }
        set_vreg_vec(c, rd, &r, true);
        return;
    }
    if (op >= 0x18 || (op >= 0x0c && op <= 0x0f)) {   /* floating point */
        bool a = size >> 1;
        int n = size & 1 ? 64 : 32;
        UNDEF_IF(!scalar && n == 64 && !q, "FP two-reg misc: sz=1 Q=0 reserved");
        unsigned k = (u ? 0x40 : 0) | (a ? 0x20 : 0) | op;
        UNDEF_IF(k == 0x3f && !scalar, "FRECPX has no vector form");
        UNDEF_IF(scalar && (k == 0x18 || k == 0x38 || k == 0x19 || k == 0x39 || k == 0x58 || k == 0x59 ||
                            k == 0x79 || k == 0x2f || k == 0x6f || k == 0x7f || k == 0x3c || k == 0x7c),
                 "two-reg misc FP op has no scalar form");
        u64 dummy;
        FpEnv probe = {0, 0};
        UNDEF_IF(!fp2(&probe, u, a, op, n, 0, &dummy), "FP two-reg misc: unallocated");
        fp_check_access(c);
        int elems = dsize / n;
        if (scalar)
            elems = 1;
        FpEnv env = {c->fpcr, 0};
        for (int i = 0; i < elems; i++) {
            u64 v;
            fp2(&env, u, a, op, n, velem(c, rn, i, n), &v);
            put_elem(&r, i, n, v);
        }
        c->fpsr |= env.flags;
        if (scalar)
            set_vreg_scalar(c, rd, n, r.d[0]);
        else
            set_vreg_vec(c, rd, &r, q);
        return;
    }
    /* integer */
    if (scalar) {
        bool ok = op == 0x03 || op == 0x07 || ((op >= 0x08 && op <= 0x0b) && size == 3 && !(u && op == 0x0a));
        UNDEF_IF(!ok, "scalar two-reg misc: unallocated");
    } else {
        UNDEF_IF(size == 3 && !q && op != 0x05, "two-reg misc: size=11 Q=0 reserved");
    }
    int elems = dsize / esize;
    UNDEF_IF(op == 0x01 && u, "two-reg misc: U=1 opcode 00001 unallocated");
    if (op <= 0x01) {   /* REV64 / REV32 / REV16 */
        unsigned container = op == 1 ? 16 : u ? 32 : 64;
        UNDEF_IF(esize >= (int)container, "REV: element not smaller than container");
        fp_check_access(c);
        int per = container / esize;
        for (int i = 0; i < elems; i++)
            put_elem(&r, i, esize, velem(c, rn, (i / per) * per + (per - 1 - i % per), esize));
        set_vreg_vec(c, rd, &r, q);
        return;
    }
    if (op == 0x02 || op == 0x06) {   /* [SU]ADDLP, [SU]ADALP */
        UNDEF_IF(size == 3, "ADDLP: size=11 reserved");
        fp_check_access(c);
        int pe = dsize / (2 * esize);
        for (int i = 0; i < pe; i++) {
            s128 s = vel(c, rn, 2 * i, esize, u) + vel(c, rn, 2 * i + 1, esize, u);
            u64 v = (u64)s;
            if (op == 0x06)
                v += velem(c, rd, i, 2 * esize);
            put_elem(&r, i, 2 * esize, v & emask(2 * esize));
        }
        set_vreg_vec(c, rd, &r, q);
        return;
    }
    if (op == 0x05) {
        if (!u) {
            UNDEF_IF(size != 0, "CNT: size must be 00");
        } else {
            UNDEF_IF(size > 1, "NOT/RBIT: size must be 0x");
        }
    }
    UNDEF_IF(op == 0x04 && size == 3, "CLS/CLZ: size=11 reserved");
    UNDEF_IF(op == 0x0a && u, "two-reg misc: U=1 opcode 01010 unallocated");
    UNDEF_IF(op >= 0x10 || op == 0x01, "two-reg misc: unallocated opcode");
    UNDEF_IF((op == 0x0b || (op >= 0x08 && op <= 0x0a)) && size == 3 && !q && !scalar, "size=11 Q=0 reserved");
    fp_check_access(c);
    if (op == 0x05) {   /* CNT, NOT, RBIT work on bytes */
        esize = 8;
        elems = dsize / 8;
    }
    for (int i = 0; i < elems; i++) {
        u64 xu = velem(c, rn, i, esize);
        s128 x = (s128)sextract64(xu, 0, esize);
        u64 m = emask(esize), v;
        switch ((u ? 0x20 : 0) | op) {
        case 0x03: v = sat_s((s128)velem_s(c, rd, i, esize) + (s128)xu, esize, &sat); break;   /* SUQADD */
        case 0x23: v = sat_u((s128)velem(c, rd, i, esize) + x, esize, &sat); break;           /* USQADD */
        case 0x04: v = (u64)(clz_e(x < 0 ? ~xu : xu, esize) - 1); break;              /* CLS */
        case 0x24: v = (u64)clz_e(xu, esize); break;                                  /* CLZ */
        case 0x05: v = (u64)__builtin_popcountll(xu & 0xff); break;                   /* CNT */
        case 0x25: v = size == 0 ? ~xu & 0xff : rbit8(xu); break;                     /* NOT / RBIT */
        case 0x07: v = sat_s(x < 0 ? -x : x, esize, &sat); break;                     /* SQABS */
        case 0x27: v = sat_s(-x, esize, &sat); break;                                 /* SQNEG */
        case 0x08: v = x > 0 ? m : 0; break;                                          /* CMGT #0 */
        case 0x28: v = x >= 0 ? m : 0; break;                                         /* CMGE #0 */
        case 0x09: v = x == 0 ? m : 0; break;                                         /* CMEQ #0 */
        case 0x29: v = x <= 0 ? m : 0; break;                                         /* CMLE #0 */
        case 0x0a: v = x < 0 ? m : 0; break;                                          /* CMLT #0 */
        case 0x0b: v = (u64)(x < 0 ? -x : x) & m; break;                              /* ABS */
        case 0x2b: v = (u64)(-x) & m; break;                                          /* NEG */
        default: exc_undefined(c, "two-reg misc: unallocated");
        }
        put_elem(&r, i, esize, v & m);
    }
    SET_QC(c, sat);
    if (scalar)
        set_vreg_scalar(c, rd, esize, r.d[0]);
    else
        set_vreg_vec(c, rd, &r, q);
}

void exec_SIMD_2MISC(Cpu *c, const A_SIMD_2MISC *a)
{
    two_misc(c, false, a->q, a->u, a->size, a->opcode, a->rn, a->rd);
}

void exec_SIMD_2MISC_S(Cpu *c, const A_SIMD_2MISC_S *a)
{
    two_misc(c, true, true, a->u, a->size, a->opcode, a->rn, a->rd);
}

/* ---------------- across lanes / scalar pairwise ---------------- */

/* Reduce() (Arm ARM J1): recursive halving, op(lo, hi). */
static u64 fp_reduce(FpEnv *e, unsigned kind, int n, const u64 *v, int cnt)
{
    if (cnt == 1)
        return v[0];
    int h = cnt / 2;
    u64 lo = fp_reduce(e, kind, n, v, h), hi = fp_reduce(e, kind, n, v + h, h);
    switch (kind) {
    case 0: return fp_maxnm(e, n, lo, hi);
    case 1: return fp_minnm(e, n, lo, hi);
    case 2: return fp_max(e, n, lo, hi);
    case 3: return fp_min(e, n, lo, hi);
    default: return fp_add(e, n, lo, hi);
    }
}

void exec_SIMD_ACROSS(Cpu *c, const A_SIMD_ACROSS *a)
{
    unsigned op = a->opcode;
    if (op == 0x0c || op == 0x0f) {   /* FMAXNMV FMINNMV FMAXV FMINV */
        UNDEF_IF(!a->u || (a->size & 1) || !a->q, "FP across lanes: only single, Q=1");
        fp_check_access(c);
        u64 v[4];
        for (int i = 0; i < 4; i++)
            v[i] = velem(c, a->rn, i, 32);
        unsigned kind = (op == 0x0c ? 0 : 2) + (a->size >> 1);
        FpEnv env = {c->fpcr, 0};
        u64 r = fp_reduce(&env, kind, 32, v, 4);
        c->fpsr |= env.flags;
        set_vreg_scalar(c, a->rd, 32, r);
        return;
    }
    int esize = 8 << a->size;
    UNDEF_IF(a->size == 3 || (a->size == 2 && !a->q), "across lanes: size reserved");
    UNDEF_IF(!(op == 0x03 || op == 0x0a || op == 0x1a || (op == 0x1b && !a->u)), "across lanes: unallocated");
    fp_check_access(c);
    int elems = (a->q ? 128 : 64) / esize;
    bool u = a->u;
    s128 acc = vel(c, a->rn, 0, esize, u);
    for (int i = 1; i < elems; i++) {
        s128 x = vel(c, a->rn, i, esize, u);
        if (op == 0x03 || op == 0x1b)
            acc += x;
        else if (op == 0x0a)
            acc = x > acc ? x : acc;
        else
            acc = x < acc ? x : acc;
    }
    int rsize = op == 0x03 ? 2 * esize : esize;
    set_vreg_scalar(c, a->rd, rsize, (u64)acc & emask(rsize));
}

void exec_SIMD_PAIR_S(Cpu *c, const A_SIMD_PAIR_S *a)
{
    if (!a->u) {
        UNDEF_IF(a->opcode != 0x1b || a->size != 3, "scalar pairwise: unallocated");
        fp_check_access(c);
        set_vreg_scalar(c, a->rd, 64, c->v[a->rn].d[0] + c->v[a->rn].d[1]);   /* ADDP */
        return;
    }
    int n = a->size & 1 ? 64 : 32;
    bool mn = a->size >> 1;
    unsigned kind;
    switch (a->opcode) {
    case 0x0c: kind = mn ? 1 : 0; break;
    case 0x0d: UNDEF_IF(mn, "FADDP scalar: size<1>=1"); kind = 4; break;
    case 0x0f: kind = mn ? 3 : 2; break;
    default: exc_undefined(c, "scalar pairwise: unallocated");
    }
    fp_check_access(c);
    u64 v[2] = {velem(c, a->rn, 0, n), velem(c, a->rn, 1, n)};
    FpEnv env = {c->fpcr, 0};
    u64 r = fp_reduce(&env, kind, n, v, 2);
    c->fpsr |= env.flags;
    set_vreg_scalar(c, a->rd, n, r);
}

/* ---------------- copy ---------------- */

void exec_SIMD_COPY(Cpu *c, const A_SIMD_COPY *a)
{
    unsigned size = __builtin_ctz(a->imm5 | 0x20);
    UNDEF_IF(size > 3, "copy: imm5=x0000 reserved");
    int esize = 8 << size;
    unsigned idx = a->imm5 >> (size + 1);
    VReg r = {0};
    if (a->op) {   /* INS (element) */
        UNDEF_IF(!a->q, "INS (element): Q must be 1");
        fp_check_access(c);
        u64 v = velem(c, a->rn, a->imm4 >> size, esize);
        set_velem(c, a->rd, idx, esize, v);
        return;
    }
    switch (a->imm4) {
    case 0: case 1: {   /* DUP (element), DUP (general) */
        UNDEF_IF(size == 3 && !a->q, "DUP: size=11 Q=0 reserved");
        fp_check_access(c);
        u64 v = a->imm4 ? xreg(c, a->rn) & emask(esize) : velem(c, a->rn, idx, esize);
        for (int i = 0; i < (a->q ? 128 : 64) / esize; i++)
            put_elem(&r, i, esize, v);
        set_vreg_vec(c, a->rd, &r, a->q);
        return;
    }
    case 3:   /* INS (general) */
        UNDEF_IF(!a->q, "INS (general): Q must be 1");
        fp_check_access(c);
        set_velem(c, a->rd, idx, esize, xreg(c, a->rn));
        return;
    case 5:   /* SMOV */
        UNDEF_IF(size == 3 || (size == 2 && !a->q), "SMOV: size reserved");
        fp_check_access(c);
        {
            u64 v = (u64)velem_s(c, a->rn, idx, esize);
            set_xreg(c, a->rd, a->q ? v : (u32)v);
        }
        return;
    case 7:   /* UMOV */
        UNDEF_IF(a->q ? size != 3 : size == 3, "UMOV: size/Q reserved");
        fp_check_access(c);
        set_xreg(c, a->rd, velem(c, a->rn, idx, esize));
        return;
    default:
        exc_undefined(c, "copy: unallocated imm4");
    }
}

void exec_SIMD_COPY_S(Cpu *c, const A_SIMD_COPY_S *a)
{
    UNDEF_IF(a->op || a->imm4 != 0, "scalar copy: unallocated");
    unsigned size = __builtin_ctz(a->imm5 | 0x20);
    UNDEF_IF(size > 3, "DUP (scalar): imm5=x0000 reserved");
    fp_check_access(c);
    int esize = 8 << size;
    set_vreg_scalar(c, a->rd, esize, velem(c, a->rn, a->imm5 >> (size + 1), esize));
}

/* ---------------- modified immediate ---------------- */

void exec_SIMD_MODIMM(Cpu *c, const A_SIMD_MODIMM *a)
{
    unsigned cmode = a->cmode, imm8 = a->abc << 5 | a->defgh;
    UNDEF_IF(a->o2, "FMOV (vector, half-precision) not implemented (FEAT_FP16)");
    UNDEF_IF(cmode == 15 && a->op && !a->q, "FMOV (vector, double): Q must be 1");
    u64 imm;   /* 64-bit pattern (AdvSIMDExpandImm) */
    u64 i8 = imm8;
    switch (cmode >> 1) {
    case 0: imm = (i8 << 32) | i8; break;
    case 1: imm = (i8 << 40) | (i8 << 8); break;
    case 2: imm = (i8 << 48) | (i8 << 16); break;
    case 3: imm = (i8 << 56) | (i8 << 24); break;
    case 4: imm = i8 * 0x0001000100010001ull; break;
    case 5: imm = (i8 << 8) * 0x0001000100010001ull; break;
    case 6:
        imm = (cmode & 1) ? ((i8 << 16) | 0xffff) : ((i8 << 8) | 0xff);
        imm |= imm << 32;
        break;
    default:
        if (!(cmode & 1)) {
            if (!a->op) {
                imm = i8 * 0x0101010101010101ull;
            } else {
                imm = 0;
                for (int i = 0; i < 8; i++)
                    if ((imm8 >> i) & 1)
                        imm |= 0xffull << (8 * i);
            }
        } else {
            if (!a->op) {
                u64 f = fp_expand_imm(imm8, 32);
                imm = f << 32 | f;
            } else {
                imm = fp_expand_imm(imm8, 64);
            }
        }
        break;
    }
    fp_check_access(c);
    bool orr_bic = (cmode & 1) && (cmode >> 2) != 3 && cmode < 12;
    VReg r;
    if (orr_bic) {
        for (int h = 0; h < 2; h++)
            r.d[h] = a->op ? c->v[a->rd].d[h] & ~imm : c->v[a->rd].d[h] | imm;
    } else {
        bool mvn = a->op && cmode < 14;
        r.d[0] = r.d[1] = mvn ? ~imm : imm;
    }
    set_vreg_vec(c, a->rd, &r, a->q);
}

/* ---------------- permute, EXT, TBL ---------------- */

void exec_SIMD_PERM(Cpu *c, const A_SIMD_PERM *a)
{
    unsigned op = a->opcode & 3, part = a->opcode >> 2;
    UNDEF_IF(op == 0, "permute: unallocated opcode");
    UNDEF_IF(a->size == 3 && !a->q, "permute: size=11 Q=0 reserved");
    fp_check_access(c);
    int esize = 8 << a->size, elems = (a->q ? 128 : 64) / esize, pairs = elems / 2;
    VReg r = {0};
    for (int p = 0; p < pairs; p++) {
        switch (op) {
        case 1:   /* UZP */
            put_elem(&r, p, esize, velem(c, a->rn, 2 * p + part, esize));
            put_elem(&r, p + pairs, esize, velem(c, a->rm, 2 * p + part, esize));
            break;
        case 2:   /* TRN */
            put_elem(&r, 2 * p, esize, velem(c, a->rn, 2 * p + part, esize));
            put_elem(&r, 2 * p + 1, esize, velem(c, a->rm, 2 * p + part, esize));
            break;
        default:   /* ZIP */
            put_elem(&r, 2 * p, esize, velem(c, a->rn, part * pairs + p, esize));
            put_elem(&r, 2 * p + 1, esize, velem(c, a->rm, part * pairs + p, esize));
            break;
        }
    }
    set_vreg_vec(c, a->rd, &r, a->q);
}

void exec_SIMD_EXT(Cpu *c, const A_SIMD_EXT *a)
{
    UNDEF_IF(a->op2 != 0, "EXT: op2 != 00");
    UNDEF_IF(!a->q && (a->imm4 & 8), "EXT: Q=0 with imm4<3>=1 reserved");
    fp_check_access(c);
    int bytes = a->q ? 16 : 8;
    u8 buf[32];
    for (int i = 0; i < bytes; i++) {
        buf[i] = c->v[a->rn].b[i];
        buf[bytes + i] = c->v[a->rm].b[i];
    }
    VReg r = {0};
    for (int i = 0; i < bytes; i++)
        r.b[i] = buf[a->imm4 + i];
    set_vreg_vec(c, a->rd, &r, a->q);
}

void exec_SIMD_TBL(Cpu *c, const A_SIMD_TBL *a)
{
    UNDEF_IF(a->op2 != 0, "TBL/TBX: op2 != 00");
    fp_check_access(c);
    unsigned regs = a->len + 1;
    int bytes = a->q ? 16 : 8;
    VReg r = {0};
    for (int i = 0; i < bytes; i++) {
        unsigned idx = c->v[a->rm].b[i];
        if (idx < 16 * regs)
            r.b[i] = c->v[(a->rn + idx / 16) % 32].b[idx % 16];
        else
            r.b[i] = a->op ? c->v[a->rd].b[i] : 0;
    }
    set_vreg_vec(c, a->rd, &r, a->q);
}
