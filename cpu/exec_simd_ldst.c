/*
 * cpu/exec_simd_ldst.c — SIMD&FP register loads and stores (Arm ARM C4.1.4,
 * C7.2 LDR/STR/LDUR/STUR/LDP/STP/LDNP/STNP (SIMD&FP)).
 */
#include "cpu/cpu_internal.h"
#include "cpu/fp_access.h"
#include "cpu/vreg.h"

/* SP alignment check for base register SP (SCTLR_ELx.SA/SA0, D1.8.2). */
static inline void check_sp(Cpu *c, unsigned rn)
{
    if (rn != 31 || !(c->x[31] & 15))
        return;
    bool check = c->el == 0 ? (c->sctlr_el[1] & SCTLR_SA0) : (c->sctlr_el[c->el] & SCTLR_SA);
    if (check)
        exc_take_sync(c, exc_default_target(c), syn(EC_SP_ALIGN, 0), 0, false, c->pc,
                      "SP not 16-byte aligned (SCTLR_ELx.SA)");
}

/* Read BYTES (1..16) at ADDR as a zero-extended register value. */
static u128 vread(Cpu *c, u64 addr, unsigned bytes)
{
    if (bytes == 16) {
        u64 lo = mem_read(c, addr, 8);
        u64 hi = mem_read(c, addr + 8, 8);
        return (u128)hi << 64 | lo;
    }
    return mem_read(c, addr, bytes);
}

static void vload(Cpu *c, unsigned rt, u64 addr, unsigned bytes)
{
    c->v[rt].q = vread(c, addr, bytes);
}

static void vstore(Cpu *c, unsigned rt, u64 addr, unsigned bytes)
{
    if (bytes == 16) {
        mem_write(c, addr, 8, c->v[rt].d[0]);
        mem_write(c, addr + 8, 8, c->v[rt].d[1]);
    } else {
        mem_write(c, addr, bytes, vreg_scalar(c, rt, bytes * 8));
    }
}

/* log2 of the access size from size:opc (opc<1> with size=00 is Q);
 * -1 if unallocated. */
static int ldst_scale(unsigned size, unsigned opc)
{
    if (opc & 2)
        return size == 0 ? 4 : -1;
    return (int)size;
}

void exec_FP_LDR_lit(Cpu *c, const A_FP_LDR_lit *a)
{
    UNDEF_IF(a->opc == 3, "LDR (literal, SIMD&FP) opc=11");
    fp_check_access(c);
    u64 addr = c->pc + ((u64)sextract64(a->imm19, 0, 19) << 2);
    vload(c, a->rt, addr, 4u << a->opc);
}

void exec_FP_LDSTP(Cpu *c, const A_FP_LDSTP *a)
{
    UNDEF_IF(a->opc == 3, "LDP/STP (SIMD&FP) opc=11");
    fp_check_access(c);
    unsigned scale = 2 + a->opc, bytes = 1u << scale;
    u64 base = xreg_sp(c, a->rn);
    check_sp(c, a->rn);
    s64 off = sextract64(a->imm7, 0, 7) << scale;
    u64 addr = a->idx == 1 ? base : base + (u64)off;   /* post-index uses the base */
    if (a->l) {
        /* Both accesses before any register write (a fault commits
         * nothing).  Rt == Rt2 is CONSTRAINED UNPREDICTABLE: the second wins. */
        u128 v1 = vread(c, addr, bytes);
        u128 v2 = vread(c, addr + bytes, bytes);
        c->v[a->rt].q = v1;
        c->v[a->rt2].q = v2;
    } else {
        vstore(c, a->rt, addr, bytes);
        vstore(c, a->rt2, addr + bytes, bytes);
    }
    if (a->idx == 1 || a->idx == 3)
        set_xreg_sp(c, a->rn, base + (u64)off);
}

void exec_FP_LDST_imm9(Cpu *c, const A_FP_LDST_imm9 *a)
{
    int scale = ldst_scale(a->size, a->opc);
    UNDEF_IF(scale < 0, "LDR/STR (SIMD&FP) size/opc unallocated");
    UNDEF_IF(a->idx == 2, "LDTR/STTR have no SIMD&FP form");
    fp_check_access(c);
    u64 base = xreg_sp(c, a->rn);
    check_sp(c, a->rn);
    s64 off = sextract64(a->imm9, 0, 9);
    u64 addr = a->idx == 1 ? base : base + (u64)off;
    if (a->opc & 1)
        vload(c, a->rt, addr, 1u << scale);
    else
        vstore(c, a->rt, addr, 1u << scale);
    if (a->idx != 0)
        set_xreg_sp(c, a->rn, base + (u64)off);
}

void exec_FP_LDST_reg(Cpu *c, const A_FP_LDST_reg *a)
{
    int scale = ldst_scale(a->size, a->opc);
    UNDEF_IF(scale < 0, "LDR/STR (SIMD&FP, register) size/opc unallocated");
    UNDEF_IF(!(a->option & 2), "LDR/STR (register): option<1>=0 unallocated");
    fp_check_access(c);
    u64 m = xreg(c, a->rm);
    switch (a->option) {
    case 2: m = (u32)m; break;               /* UXTW */
    case 6: m = (u64)(s64)(s32)m; break;     /* SXTW */
    default: break;                          /* LSL (UXTX), SXTX */
    }
    u64 base = xreg_sp(c, a->rn);
    check_sp(c, a->rn);
    u64 addr = base + (m << (a->s ? scale : 0));
    if (a->opc & 1)
        vload(c, a->rt, addr, 1u << scale);
    else
        vstore(c, a->rt, addr, 1u << scale);
}

void exec_FP_LDST_uimm(Cpu *c, const A_FP_LDST_uimm *a)
{
    int scale = ldst_scale(a->size, a->opc);
    UNDEF_IF(scale < 0, "LDR/STR (SIMD&FP, unsigned offset) size/opc unallocated");
    fp_check_access(c);
    u64 base = xreg_sp(c, a->rn);
    check_sp(c, a->rn);
    u64 addr = base + ((u64)a->imm12 << scale);
    if (a->opc & 1)
        vload(c, a->rt, addr, 1u << scale);
    else
        vstore(c, a->rt, addr, 1u << scale);
}
