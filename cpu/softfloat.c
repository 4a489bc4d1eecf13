/*
 * cpu/softfloat.c — Arm floating-point arithmetic in integer software.
 * Each function follows the Arm ARM pseudocode of the same name (DDI 0487
 * J1 "shared/functions/float"); see softfloat.h for the rules.
 *
 * Internal form: an unpacked value is sign, type and value = mant * 2^exp
 * with an integer mantissa.  Intermediate exact results are held in a u128
 * whose bit 0 is "jammed" (ORed with every bit shifted out), which keeps
 * rounding correct as long as at least two bits lie below the rounding
 * position — every caller keeps far more.
 */
#include "cpu/softfloat.h"

typedef enum FPType { FPT_ZERO, FPT_NONZERO, FPT_INF, FPT_QNAN, FPT_SNAN } FPType;

typedef struct Unp {
    FPType type;
    bool sign;
    int exp;      /* value = mant * 2^exp (FPT_NONZERO) */
    u64 mant;
} Unp;

typedef struct Fmt {
    int e, f, bias, minexp;
} Fmt;

static const Fmt fmt16 = {5, 10, 15, -14};
static const Fmt fmt32 = {8, 23, 127, -126};
static const Fmt fmt64 = {11, 52, 1023, -1022};

static inline const Fmt *fmt_of(int n)
{
    return n == 16 ? &fmt16 : n == 32 ? &fmt32 : &fmt64;
}

static inline bool flush_enabled(const FpEnv *e, int n)
{
    return n != 16 && (e->fpcr & FPCR_FZ);
}

static inline u64 fp_zero(int n, bool s) { return (u64)s << (n - 1); }
static inline u64 fp_inf(int n, bool s)
{
    const Fmt *f = fmt_of(n);
    return fp_zero(n, s) | (((1ull << f->e) - 1) << f->f);
}
static inline u64 fp_maxnormal(int n, bool s)
{
    const Fmt *f = fmt_of(n);
    return fp_zero(n, s) | (((1ull << f->e) - 2) << f->f) | ((1ull << f->f) - 1);
}

u64 fp_default_nan(int n)
{
    const Fmt *f = fmt_of(n);
    return (((1ull << f->e) - 1) << f->f) | (1ull << (f->f - 1));
}

static inline int clz128(u128 v)
{
    u64 hi = (u64)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((u64)v);
}

/* FPUnpack (FPUnpackCV for half: AHP honoured, no FZ16 in v8.0). */
static Unp unpack(FpEnv *e, int n, u64 a)
{
    const Fmt *f = fmt_of(n);
    Unp u;
    u.sign = (a >> (n - 1)) & 1;
    u64 ex = (a >> f->f) & ((1ull << f->e) - 1);
    u64 fr = a & ((1ull << f->f) - 1);
    u.exp = 0;
    u.mant = 0;
    if (ex == 0) {
        if (fr == 0) {
            u.type = FPT_ZERO;
        } else if (flush_enabled(e, n)) {
            u.type = FPT_ZERO;
            e->flags |= FPSR_IDC;
        } else {
            u.type = FPT_NONZERO;
            u.mant = fr;
            u.exp = f->minexp - f->f;
        }
    } else if (ex == (1ull << f->e) - 1 && !(n == 16 && (e->fpcr & FPCR_AHP))) {
        if (fr == 0)
            u.type = FPT_INF;
        else
            u.type = (fr >> (f->f - 1)) & 1 ? FPT_QNAN : FPT_SNAN;
    } else {
        u.type = FPT_NONZERO;
        u.mant = fr | (1ull << f->f);
        u.exp = (int)ex - f->bias - f->f;
    }
    return u;
}

static inline bool is_nan(const Unp *u) { return u->type == FPT_QNAN || u->type == FPT_SNAN; }

/* FPProcessNaN. */
static u64 process_nan(FpEnv *e, int n, const Unp *u, u64 a)
{
    const Fmt *f = fmt_of(n);
    if (u->type == FPT_SNAN) {
        a |= 1ull << (f->f - 1);
        e->flags |= FPSR_IOC;
    }
    if (e->fpcr & FPCR_DN)
        return fp_default_nan(n);
    return a;
}

/* FPProcessNaNs: true (and *res) if either operand was a NaN. */
static bool process_nans(FpEnv *e, int n, const Unp *u1, const Unp *u2, u64 a, u64 b, u64 *res)
{
    if (u1->type == FPT_SNAN)
        *res = process_nan(e, n, u1, a);
    else if (u2->type == FPT_SNAN)
        *res = process_nan(e, n, u2, b);
    else if (u1->type == FPT_QNAN)
        *res = process_nan(e, n, u1, a);
    else if (u2->type == FPT_QNAN)
        *res = process_nan(e, n, u2, b);
    else
        return false;
    return true;
}

static bool process_nans3(FpEnv *e, int n, const Unp *u1, const Unp *u2, const Unp *u3,
                          u64 a, u64 b, u64 cc, u64 *res)
{
    if (u1->type == FPT_SNAN)
        *res = process_nan(e, n, u1, a);
    else if (u2->type == FPT_SNAN)
        *res = process_nan(e, n, u2, b);
    else if (u3->type == FPT_SNAN)
        *res = process_nan(e, n, u3, cc);
    else if (u1->type == FPT_QNAN)
        *res = process_nan(e, n, u1, a);
    else if (u2->type == FPT_QNAN)
        *res = process_nan(e, n, u2, b);
    else if (u3->type == FPT_QNAN)
        *res = process_nan(e, n, u3, cc);
    else
        return false;
    return true;
}

/*
 * FPRound: round sign * mant * 2^exp (mant != 0, bit 0 jammed) to N bits.
 */
static u64 fp_round_r(FpEnv *e, int n, bool sign, int exp, u128 mant, FPRounding rm)
{
    const Fmt *f = fmt_of(n);
    int exponent = exp + (127 - clz128(mant));   /* value in [2^exponent, 2^(exponent+1)) */
    if (flush_enabled(e, n) && exponent < f->minexp) {
        e->flags |= FPSR_UFC;
        return fp_zero(n, sign);
    }
    int biased = exponent - f->minexp + 1;
    if (biased < 0)
        biased = 0;
    int unit = (biased ? exponent : f->minexp) - f->f;   /* weight of int_mant bit 0 */
    int shift = unit - exp;
    u64 int_mant;
    int cmp;          /* error vs 0.5 ulp: -1 below, 0 equal, 1 above */
    bool inexact;
    if (shift <= 0) {
        int_mant = (u64)(mant << -shift);
        cmp = -1;
        inexact = false;
    } else if (shift > 128) {
        int_mant = 0;
        cmp = -1;
        inexact = true;
    } else {
        u128 rem, half = (u128)1 << (shift - 1);
        if (shift == 128) {
            int_mant = 0;
            rem = mant;
        } else {
            int_mant = (u64)(mant >> shift);
            rem = mant & (((u128)1 << shift) - 1);
        }
        cmp = rem > half ? 1 : rem == half ? 0 : -1;
        inexact = rem != 0;
    }
    if (biased == 0 && inexact)
        e->flags |= FPSR_UFC;
    bool round_up, overflow_to_inf;
    switch (rm) {
    case FPR_TIEEVEN:
        round_up = cmp > 0 || (cmp == 0 && (int_mant & 1));
        overflow_to_inf = true;
        break;
    case FPR_TIEAWAY:
        round_up = cmp >= 0 && inexact;
        overflow_to_inf = true;
        break;
    case FPR_POSINF:
        round_up = inexact && !sign;
        overflow_to_inf = !sign;
        break;
    case FPR_NEGINF:
        round_up = inexact && sign;
        overflow_to_inf = sign;
        break;
    default:
        round_up = false;
        overflow_to_inf = false;
        break;
    }
    if (round_up) {
        int_mant++;
        if (int_mant == 1ull << f->f)
            biased = 1;
        if (int_mant == 1ull << (f->f + 1)) {
            biased++;
            int_mant >>= 1;
        }
    }
    if (inexact && rm == FPR_ODD)
        int_mant |= 1;
    u64 res;
    if (!(n == 16 && (e->fpcr & FPCR_AHP))) {
        if (biased >= (1 << f->e) - 1) {
            e->flags |= FPSR_OFC;
            res = overflow_to_inf ? fp_inf(n, sign) : fp_maxnormal(n, sign);
            inexact = true;
        } else {
            res = fp_zero(n, sign) | (u64)biased << f->f | (int_mant & ((1ull << f->f) - 1));
        }
    } else {
        if (biased >= 1 << f->e) {
            res = fp_zero(n, sign) | 0x7fff;
            e->flags |= FPSR_IOC;
            inexact = false;
        } else {
            res = fp_zero(n, sign) | (u64)biased << f->f | (int_mant & ((1ull << f->f) - 1));
        }
    }
    if (inexact)
        e->flags |= FPSR_IXC;
    return res;
}

/* Exact sum of two values (signs, exponents, u128 mantissas), jammed. */
typedef struct Ext {
    bool sign;
    int exp;
    u128 mant;   /* 0 = exact zero */
} Ext;

static Ext ext_add(bool sa, int ea, u128 ma, bool sb, int eb, u128 mb)
{
    Ext r;
    if (ma == 0) {
        r.sign = sb; r.exp = eb; r.mant = mb;
        return r;
    }
    if (mb == 0) {
        r.sign = sa; r.exp = ea; r.mant = ma;
        return r;
    }
    int s = clz128(ma) - 2;   /* MSB to bit 125 */
    ma = s >= 0 ? ma << s : ma >> -s;   /* inputs never exceed bit 125 */
    ea -= s;
    s = clz128(mb) - 2;
    mb = s >= 0 ? mb << s : mb >> -s;
    eb -= s;
    if (ea < eb) {
        bool ts = sa; sa = sb; sb = ts;
        int te = ea; ea = eb; eb = te;
        u128 tm = ma; ma = mb; mb = tm;
    }
    int d = ea - eb;
    if (d >= 126)
        mb = mb != 0;
    else if (d > 0)
        mb = (mb >> d) | ((mb & (((u128)1 << d) - 1)) != 0);
    r.exp = ea;
    if (sa == sb) {
        r.sign = sa;
        r.mant = ma + mb;
    } else if (ma >= mb) {
        r.sign = sa;
        r.mant = ma - mb;
    } else {
        r.sign = sb;
        r.mant = mb - ma;
    }
    return r;
}

static u64 round_ext(FpEnv *e, int n, Ext x, FPRounding rm)
{
    if (x.mant == 0)
        return fp_zero(n, rm == FPR_NEGINF);
    return fp_round_r(e, n, x.sign, x.exp, x.mant, rm);
}

/* FPAdd / FPSub (NEG2 inverts the second operand's sign). */
static u64 addsub(FpEnv *e, int n, u64 a, u64 b, bool neg2)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    u64 res;
    if (process_nans(e, n, &u1, &u2, a, b, &res))
        return res;
    bool s2 = u2.sign ^ neg2;
    if (u1.type == FPT_INF && u2.type == FPT_INF && u1.sign != s2) {
        e->flags |= FPSR_IOC;
        return fp_default_nan(n);
    }
    if ((u1.type == FPT_INF && !u1.sign) || (u2.type == FPT_INF && !s2))
        return fp_inf(n, false);
    if ((u1.type == FPT_INF && u1.sign) || (u2.type == FPT_INF && s2))
        return fp_inf(n, true);
    if (u1.type == FPT_ZERO && u2.type == FPT_ZERO && u1.sign == s2)
        return fp_zero(n, u1.sign);
    Ext x = ext_add(u1.sign, u1.exp, u1.mant, s2, u2.exp, u2.mant);
    return round_ext(e, n, x, fp_rmode(e));
}

u64 fp_add(FpEnv *e, int n, u64 a, u64 b) { return addsub(e, n, a, b, false); }
u64 fp_sub(FpEnv *e, int n, u64 a, u64 b) { return addsub(e, n, a, b, true); }

static u64 mul_common(FpEnv *e, int n, u64 a, u64 b, bool mulx)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    u64 res;
    if (process_nans(e, n, &u1, &u2, a, b, &res))
        return res;
    bool s = u1.sign ^ u2.sign;
    if ((u1.type == FPT_INF && u2.type == FPT_ZERO) || (u1.type == FPT_ZERO && u2.type == FPT_INF)) {
        if (mulx) {   /* FPTwo(sign) */
            const Fmt *f = fmt_of(n);
            return fp_zero(n, s) | ((u64)f->bias + 1) << f->f;
        }
        e->flags |= FPSR_IOC;
        return fp_default_nan(n);
    }
    if (u1.type == FPT_INF || u2.type == FPT_INF)
        return fp_inf(n, s);
    if (u1.type == FPT_ZERO || u2.type == FPT_ZERO)
        return fp_zero(n, s);
    return fp_round_r(e, n, s, u1.exp + u2.exp, (u128)u1.mant * u2.mant, fp_rmode(e));
}

u64 fp_mul(FpEnv *e, int n, u64 a, u64 b) { return mul_common(e, n, a, b, false); }
u64 fp_mulx(FpEnv *e, int n, u64 a, u64 b) { return mul_common(e, n, a, b, true); }

u64 fp_div(FpEnv *e, int n, u64 a, u64 b)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    u64 res;
    if (process_nans(e, n, &u1, &u2, a, b, &res))
        return res;
    bool s = u1.sign ^ u2.sign;
    bool inf1 = u1.type == FPT_INF, inf2 = u2.type == FPT_INF;
    bool z1 = u1.type == FPT_ZERO, z2 = u2.type == FPT_ZERO;
    if ((inf1 && inf2) || (z1 && z2)) {
        e->flags |= FPSR_IOC;
        return fp_default_nan(n);
    }
    if (inf1 || z2) {
        if (!inf1)
            e->flags |= FPSR_DZC;
        return fp_inf(n, s);
    }
    if (z1 || inf2)
        return fp_zero(n, s);
    u64 m1 = u1.mant << __builtin_clzll(u1.mant);
    u64 m2 = u2.mant << __builtin_clzll(u2.mant);
    int e1 = u1.exp - __builtin_clzll(u1.mant), e2 = u2.exp - __builtin_clzll(u2.mant);
    u128 num = (u128)m1 << 64;
    u128 q = num / m2;
    if (num % m2)
        q |= 1;
    return fp_round_r(e, n, s, e1 - e2 - 64, q, fp_rmode(e));
}

/* floor(sqrt(x)) and whether it is exact. */
static u128 isqrt128(u128 x, bool *exact)
{
    u128 op = x, res = 0, one = (u128)1 << 126;
    while (one > op)
        one >>= 2;
    while (one) {
        if (op >= res + one) {
            op -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *exact = op == 0;
    return res;
}

u64 fp_sqrt(FpEnv *e, int n, u64 a)
{
    Unp u = unpack(e, n, a);
    if (is_nan(&u))
        return process_nan(e, n, &u, a);
    if (u.type == FPT_ZERO)
        return fp_zero(n, u.sign);
    if (u.type == FPT_INF && !u.sign)
        return fp_inf(n, false);
    if (u.sign) {
        e->flags |= FPSR_IOC;
        return fp_default_nan(n);
    }
    u128 m = u.mant;
    int ex = u.exp;
    int msb = 127 - clz128(m);
    int k = (124 - msb) / 2;
    m <<= 2 * k;
    ex -= 2 * k;
    if (ex & 1) {
        m <<= 1;
        ex -= 1;
    }
    bool exact;
    u128 r = isqrt128(m, &exact);
    if (!exact)
        r |= 1;
    return fp_round_r(e, n, false, ex / 2, r, fp_rmode(e));
}

u64 fp_muladd(FpEnv *e, int n, u64 addend, u64 a, u64 b)
{
    Unp ua = unpack(e, n, addend), u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    u64 res;
    bool inf1 = u1.type == FPT_INF, inf2 = u2.type == FPT_INF;
    bool z1 = u1.type == FPT_ZERO, z2 = u2.type == FPT_ZERO;
    if (process_nans3(e, n, &ua, &u1, &u2, addend, a, b, &res)) {
        /* A QNaN addend with inf*0 is still an Invalid Operation. */
        if (ua.type == FPT_QNAN && ((inf1 && z2) || (z1 && inf2))) {
            e->flags |= FPSR_IOC;
            return fp_default_nan(n);
        }
        return res;
    }
    bool infa = ua.type == FPT_INF, za = ua.type == FPT_ZERO;
    bool sp = u1.sign ^ u2.sign, infp = inf1 || inf2, zp = z1 || z2;
    if ((inf1 && z2) || (z1 && inf2) || (infa && infp && ua.sign != sp)) {
        e->flags |= FPSR_IOC;
        return fp_default_nan(n);
    }
    if ((infa && !ua.sign) || (infp && !sp))
        return fp_inf(n, false);
    if ((infa && ua.sign) || (infp && sp))
        return fp_inf(n, true);
    if (za && zp && ua.sign == sp)
        return fp_zero(n, ua.sign);
    u128 pm = zp ? 0 : (u128)u1.mant * u2.mant;
    Ext x = ext_add(ua.sign, ua.exp, ua.mant, sp, u1.exp + u2.exp, pm);
    return round_ext(e, n, x, fp_rmode(e));
}

/* Compare two finite/infinite non-NaN unpacked values: -1, 0, 1. */
static int cmp_val(const Unp *a, const Unp *b)
{
    /* map to sign/magnitude ordering */
    int sa = a->type == FPT_ZERO ? 0 : a->sign ? -1 : 1;
    int sb = b->type == FPT_ZERO ? 0 : b->sign ? -1 : 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    int mag;   /* compare magnitudes */
    if (a->type == FPT_INF || b->type == FPT_INF) {
        mag = (a->type == FPT_INF) - (b->type == FPT_INF);
    } else {
        int ea = a->exp + 63 - __builtin_clzll(a->mant);
        int eb = b->exp + 63 - __builtin_clzll(b->mant);
        if (ea != eb) {
            mag = ea < eb ? -1 : 1;
        } else {
            u64 ma = a->mant << __builtin_clzll(a->mant), mb = b->mant << __builtin_clzll(b->mant);
            mag = ma < mb ? -1 : ma > mb;
        }
    }
    return sa < 0 ? -mag : mag;
}

unsigned fp_compare(FpEnv *e, int n, u64 a, u64 b, bool signal)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    if (is_nan(&u1) || is_nan(&u2)) {
        if (u1.type == FPT_SNAN || u2.type == FPT_SNAN || signal)
            e->flags |= FPSR_IOC;
        return 0x3;
    }
    int c = cmp_val(&u1, &u2);
    return c == 0 ? 0x6 : c < 0 ? 0x8 : 0x2;
}

bool fp_compare_eq(FpEnv *e, int n, u64 a, u64 b)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    if (is_nan(&u1) || is_nan(&u2)) {
        if (u1.type == FPT_SNAN || u2.type == FPT_SNAN)
            e->flags |= FPSR_IOC;
        return false;
    }
    return cmp_val(&u1, &u2) == 0;
}

bool fp_compare_ge(FpEnv *e, int n, u64 a, u64 b)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    if (is_nan(&u1) || is_nan(&u2)) {
        e->flags |= FPSR_IOC;
        return false;
    }
    return cmp_val(&u1, &u2) >= 0;
}

bool fp_compare_gt(FpEnv *e, int n, u64 a, u64 b)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    if (is_nan(&u1) || is_nan(&u2)) {
        e->flags |= FPSR_IOC;
        return false;
    }
    return cmp_val(&u1, &u2) > 0;
}

/* FPMax/FPMin: the chosen operand re-rounded (exact; flushed if FZ). */
static u64 maxmin(FpEnv *e, int n, u64 a, u64 b, bool is_max)
{
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    u64 res;
    if (process_nans(e, n, &u1, &u2, a, b, &res))
        return res;
    int c = cmp_val(&u1, &u2);
    bool first = is_max ? c > 0 : c < 0;
    const Unp *u = first ? &u1 : &u2;
    if (u->type == FPT_INF)
        return fp_inf(n, u->sign);
    if (u->type == FPT_ZERO) {
        bool s = is_max ? (u1.sign && u2.sign) : (u1.sign || u2.sign);
        /* Only when both are zero do the signs combine; otherwise the
         * chosen zero keeps its sign. */
        if (!(u1.type == FPT_ZERO && u2.type == FPT_ZERO))
            s = u->sign;
        return fp_zero(n, s);
    }
    return fp_round_r(e, n, u->sign, u->exp, u->mant, fp_rmode(e));
}

u64 fp_max(FpEnv *e, int n, u64 a, u64 b) { return maxmin(e, n, a, b, true); }
u64 fp_min(FpEnv *e, int n, u64 a, u64 b) { return maxmin(e, n, a, b, false); }

static u64 maxminnm(FpEnv *e, int n, u64 a, u64 b, bool is_max)
{
    FpEnv scratch = *e;   /* the type check unpacks again; flags come from maxmin */
    Unp u1 = unpack(&scratch, n, a), u2 = unpack(&scratch, n, b);
    if (u1.type == FPT_QNAN && u2.type != FPT_QNAN)
        a = fp_inf(n, is_max);
    else if (u1.type != FPT_QNAN && u2.type == FPT_QNAN)
        b = fp_inf(n, is_max);
    return maxmin(e, n, a, b, is_max);
}

u64 fp_maxnm(FpEnv *e, int n, u64 a, u64 b) { return maxminnm(e, n, a, b, true); }
u64 fp_minnm(FpEnv *e, int n, u64 a, u64 b) { return maxminnm(e, n, a, b, false); }

/* FPConvertNaN: keep the sign and the top fraction bits, set quiet. */
static u64 convert_nan(int nto, int nfrom, u64 a)
{
    const Fmt *ft = fmt_of(nto), *ff = fmt_of(nfrom);
    bool s = (a >> (nfrom - 1)) & 1;
    u64 fr = a & ((1ull << ff->f) - 1);
    fr = ft->f < ff->f ? fr >> (ff->f - ft->f) : fr << (ft->f - ff->f);
    return fp_zero(nto, s) | (((1ull << ft->e) - 1) << ft->f) | (1ull << (ft->f - 1)) | fr;
}

u64 fp_convert(FpEnv *e, int nto, int nfrom, u64 a, FPRounding r)
{
    Unp u = unpack(e, nfrom, a);
    bool alt_hp = nto == 16 && (e->fpcr & FPCR_AHP);
    if (is_nan(&u)) {
        u64 res;
        if (alt_hp)
            res = fp_zero(16, u.sign);
        else if (e->fpcr & FPCR_DN)
            res = fp_default_nan(nto);
        else
            res = convert_nan(nto, nfrom, a);
        if (u.type == FPT_SNAN || alt_hp)
            e->flags |= FPSR_IOC;
        return res;
    }
    if (u.type == FPT_INF) {
        if (alt_hp) {
            e->flags |= FPSR_IOC;
            return fp_zero(16, u.sign) | 0x7fff;
        }
        return fp_inf(nto, u.sign);
    }
    if (u.type == FPT_ZERO)
        return fp_zero(nto, u.sign);
    return fp_round_r(e, nto, u.sign, u.exp, u.mant, r);
}

/* Integer part (magnitude) of mant*2^ex with rounding; *inexact set.
 * Values of 2^120 and above come back as 2^120 (out of every integer range). */
static u128 round_mag(bool sign, int ex, u64 mant, FPRounding r, bool *inexact)
{
    u128 q;
    int cmp;
    if (ex >= 0) {
        *inexact = false;
        if (ex > 60)
            return (u128)1 << 120;   /* certainly out of any range */
        return (u128)mant << ex;
    }
    int sh = -ex;
    u64 rem, half;
    if (sh >= 65) {
        q = 0;
        cmp = -1;
        *inexact = mant != 0;
    } else if (sh == 64) {
        q = 0;
        rem = mant;
        half = 1ull << 63;
        cmp = rem > half ? 1 : rem == half ? 0 : -1;
        *inexact = rem != 0;
    } else {
        q = mant >> sh;
        rem = mant & ((1ull << sh) - 1);
        half = 1ull << (sh - 1);
        cmp = rem > half ? 1 : rem == half ? 0 : -1;
        *inexact = rem != 0;
    }
    bool up;
    switch (r) {
    case FPR_TIEEVEN: up = cmp > 0 || (cmp == 0 && (q & 1)); break;
    case FPR_TIEAWAY: up = cmp >= 0 && *inexact; break;
    case FPR_POSINF: up = *inexact && !sign; break;
    case FPR_NEGINF: up = *inexact && sign; break;
    default: up = false; break;
    }
    return q + up;
}

u64 fp_to_fixed(FpEnv *e, int n, u64 a, int fbits, bool is_unsigned, int m, FPRounding r)
{
    Unp u = unpack(e, n, a);
    if (is_nan(&u)) {
        e->flags |= FPSR_IOC;
        return 0;
    }
    bool inexact = false;
    u128 q;
    if (u.type == FPT_ZERO)
        q = 0;
    else if (u.type == FPT_INF)
        q = (u128)1 << 120;
    else
        q = round_mag(u.sign, u.exp + fbits, u.mant, r, &inexact);
    u64 maxpos = is_unsigned ? (m == 64 ? ~0ull : (1ull << m) - 1) : (1ull << (m - 1)) - 1;
    u128 maxneg = is_unsigned ? 0 : (u128)1 << (m - 1);   /* magnitude */
    u64 res;
    bool ovf = false;
    if (!u.sign || q == 0) {
        if (q > maxpos) {
            ovf = true;
            res = maxpos;
        } else {
            res = (u64)q;
        }
    } else {
        if (q > maxneg) {
            ovf = true;
            res = is_unsigned ? 0 : (u64)(-(s64)(u64)(maxneg - 1) - 1);
        } else {
            res = (u64)(-(u128)q);
        }
    }
    if (m == 32)
        res = (u32)res;
    if (ovf)
        e->flags |= FPSR_IOC;
    else if (inexact)
        e->flags |= FPSR_IXC;
    return res;
}

u64 fp_from_fixed(FpEnv *e, int n, u64 v, int fbits, bool is_unsigned, int m, FPRounding r)
{
    bool sign = false;
    u64 mag;
    if (m == 32)
        v = is_unsigned ? (u32)v : (u64)(s64)(s32)v;
    if (!is_unsigned && (s64)v < 0) {
        sign = true;
        mag = -v;
    } else {
        mag = v;
    }
    if (mag == 0)
        return fp_zero(n, false);
    return fp_round_r(e, n, sign, -fbits, mag, r);
}

u64 fp_round_int(FpEnv *e, int n, u64 a, FPRounding r, bool exact)
{
    Unp u = unpack(e, n, a);
    if (is_nan(&u))
        return process_nan(e, n, &u, a);
    if (u.type == FPT_INF)
        return fp_inf(n, u.sign);
    if (u.type == FPT_ZERO)
        return fp_zero(n, u.sign);
    if (u.exp >= 0)
        return a;   /* already integral */
    bool inexact;
    u128 q = round_mag(u.sign, u.exp, u.mant, r, &inexact);
    u64 res = q == 0 ? fp_zero(n, u.sign) : fp_round_r(e, n, u.sign, 0, q, FPR_ZERO);
    if (inexact && exact)
        e->flags |= FPSR_IXC;
    return res;
}

/* ---- reciprocal estimates (Arm ARM J1 RecipEstimate / RecipSqrtEstimate) ---- */

static unsigned recip_estimate(unsigned a)   /* a in [256,511] */
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

static unsigned recip_sqrt_estimate(unsigned a)   /* a in [128,511] */
{
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    unsigned b = 512;
    while ((u64)a * (b + 1) * (b + 1) < (1ull << 28))
        b++;
    return (b + 1) / 2;
}

/* Raw exponent and 52-bit left-aligned fraction of a value. */
static void raw_parts(int n, u64 a, u64 *fraction, int *ex)
{
    const Fmt *f = fmt_of(n);
    *fraction = (a & ((1ull << f->f) - 1)) << (52 - f->f);
    *ex = (int)((a >> f->f) & ((1ull << f->e) - 1));
}

u64 fp_recip_estimate(FpEnv *e, int n, u64 a)
{
    Unp u = unpack(e, n, a);
    const Fmt *f = fmt_of(n);
    if (is_nan(&u))
        return process_nan(e, n, &u, a);
    if (u.type == FPT_INF)
        return fp_zero(n, u.sign);
    if (u.type == FPT_ZERO) {
        e->flags |= FPSR_DZC;
        return fp_inf(n, u.sign);
    }
    int msb = u.exp + 63 - __builtin_clzll(u.mant);   /* floor(log2|value|) */
    int tiny = n == 16 ? -16 : n == 32 ? -128 : -1024;
    if (msb < tiny) {
        bool to_inf;
        switch (fp_rmode(e)) {
        case FPR_TIEEVEN: to_inf = true; break;
        case FPR_POSINF: to_inf = !u.sign; break;
        case FPR_NEGINF: to_inf = u.sign; break;
        default: to_inf = false; break;
        }
        e->flags |= FPSR_OFC | FPSR_IXC;
        return to_inf ? fp_inf(n, u.sign) : fp_maxnormal(n, u.sign);
    }
    int big = n == 16 ? 14 : n == 32 ? 126 : 1022;
    if (flush_enabled(e, n) && msb >= big) {
        e->flags |= FPSR_UFC;
        return fp_zero(n, u.sign);
    }
    u64 fraction;
    int ex;
    raw_parts(n, a, &fraction, &ex);
    if (ex == 0) {
        if (!((fraction >> 51) & 1)) {
            ex = -1;
            fraction = (fraction << 2) & ((1ull << 52) - 1);
        } else {
            fraction = (fraction << 1) & ((1ull << 52) - 1);
        }
    }
    unsigned scaled = 256 | (unsigned)(fraction >> 44);
    int rexp = (n == 16 ? 29 : n == 32 ? 253 : 2045) - ex;
    unsigned est = recip_estimate(scaled);
    fraction = (u64)(est & 0xff) << 44;
    if (rexp == 0) {
        fraction = 1ull << 51 | fraction >> 1;
    } else if (rexp == -1) {
        fraction = 1ull << 50 | fraction >> 2;
        rexp = 0;
    }
    return fp_zero(n, u.sign) | (u64)rexp << f->f | fraction >> (52 - f->f);
}

u64 fp_rsqrt_estimate(FpEnv *e, int n, u64 a)
{
    Unp u = unpack(e, n, a);
    const Fmt *f = fmt_of(n);
    if (is_nan(&u))
        return process_nan(e, n, &u, a);
    if (u.type == FPT_ZERO) {
        e->flags |= FPSR_DZC;
        return fp_inf(n, u.sign);
    }
    if (u.sign) {
        e->flags |= FPSR_IOC;
        return fp_default_nan(n);
    }
    if (u.type == FPT_INF)
        return fp_zero(n, false);
    u64 fraction;
    int ex;
    raw_parts(n, a, &fraction, &ex);
    if (ex == 0) {
        while (!((fraction >> 51) & 1)) {
            fraction = (fraction << 1) & ((1ull << 52) - 1);
            ex--;
        }
        fraction = (fraction << 1) & ((1ull << 52) - 1);
    }
    unsigned scaled = (ex & 1) ? 128 | (unsigned)(fraction >> 45) : 256 | (unsigned)(fraction >> 44);
    int k = n == 16 ? 44 : n == 32 ? 380 : 3068;
    int rexp = (k - ex) / 2;   /* k - ex > 0 always */
    unsigned est = recip_sqrt_estimate(scaled);
    return (u64)rexp << f->f | ((u64)(est & 0xff) << (f->f - 8));
}

/* FPRecipStepFused / FPRSqrtStepFused. */
static u64 step_fused(FpEnv *e, int n, u64 a, u64 b, bool rsqrt)
{
    const Fmt *f = fmt_of(n);
    a = fp_neg(n, a);
    Unp u1 = unpack(e, n, a), u2 = unpack(e, n, b);
    u64 res;
    if (process_nans(e, n, &u1, &u2, a, b, &res))
        return res;
    bool inf1 = u1.type == FPT_INF, inf2 = u2.type == FPT_INF;
    bool z1 = u1.type == FPT_ZERO, z2 = u2.type == FPT_ZERO;
    if ((inf1 && z2) || (z1 && inf2)) {
        /* FPTwo('0') or FPOnePointFive('0') */
        return rsqrt ? ((u64)f->bias << f->f | 1ull << (f->f - 1)) : ((u64)f->bias + 1) << f->f;
    }
    if (inf1 || inf2)
        return fp_inf(n, u1.sign ^ u2.sign);
    bool sp = u1.sign ^ u2.sign;
    u128 pm = (z1 || z2) ? 0 : (u128)u1.mant * u2.mant;
    /* 2.0 + p, or (3.0 + p) / 2 */
    Ext x = ext_add(false, rsqrt ? 0 : 1, rsqrt ? 3 : 1, sp, u1.exp + u2.exp, pm);
    if (rsqrt)
        x.exp -= 1;
    return round_ext(e, n, x, fp_rmode(e));
}

u64 fp_recip_step(FpEnv *e, int n, u64 a, u64 b) { return step_fused(e, n, a, b, false); }
u64 fp_rsqrt_step(FpEnv *e, int n, u64 a, u64 b) { return step_fused(e, n, a, b, true); }

u64 fp_recpx(FpEnv *e, int n, u64 a)
{
    const Fmt *f = fmt_of(n);
    Unp u = unpack(e, n, a);
    if (is_nan(&u))
        return process_nan(e, n, &u, a);
    u64 ex = (a >> f->f) & ((1ull << f->e) - 1);
    u64 emask = (1ull << f->e) - 1;
    if (ex == 0)
        ex = emask - 1;   /* Ones(E-1):'0' */
    else
        ex = ~ex & emask;
    return fp_zero(n, u.sign) | ex << f->f;
}

u32 fp_urecip_estimate(u32 a)
{
    if (!(a >> 31))
        return 0xffffffffu;
    unsigned est = recip_estimate(a >> 23);
    return (u32)est << 23;
}

u32 fp_ursqrt_estimate(u32 a)
{
    if (!(a >> 30))
        return 0xffffffffu;
    unsigned est = recip_sqrt_estimate(a >> 23);
    return (u32)est << 23;
}
