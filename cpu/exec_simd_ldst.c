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

/*
 * A 16-byte access is done as two 8-byte ones; when ADDR is 8 mod 16 those
 * are aligned, so check the 16-byte alignment rule here: Alignment fault
 * (DFSC 0x21) if SCTLR_ELx.A=1 or the location is Device memory (which is
 * every data access with the stage-1 MMU off), Arm ARM B2.5.2 / D5.2.9.
 * Translation faults are left to the accesses themselves.
 */
static void check_align16(Cpu *c, u64 addr, AccType acc)
{
    if (likely(!(addr & 15)) || (addr & 7))
        return;   /* aligned, or the 8-byte accesses check it themselves */
    MmuIdx idx = (MmuIdx)c->mmu_idx;
    u64 sctlr = idx == MMU_E3 ? c->sctlr_el[3] : idx == MMU_E2 ? c->sctlr_el[2] : c->sctlr_el[1];
    bool fault = sctlr & SCTLR_A;
    if (!fault) {
        TransResult r;
        Fault f;
        fault = mmu_translate(c, addr, acc, idx, &r, &f) && (r.attr & 0xf0) == 0;
    }
    if (fault) {
        Fault f = {.type = FAULT_ALIGNMENT, .level = -1};
        mmu_raise_fault(c, addr, acc, 0, &f);
    }
}

/* Read BYTES (1..16) at ADDR as a zero-extended register value. */
static u128 vread(Cpu *c, u64 addr, unsigned bytes)
{
    if (bytes == 16) {
        check_align16(c, addr, ACC_READ);
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
        check_align16(c, addr, ACC_WRITE);
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
    s64 off = (s64)((u64)sextract64(a->imm7, 0, 7) << scale);   /* no signed left shift (UB) */
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

/* ---- AdvSIMD load/store multiple / single structures (C4.1.4, C7.2 LD1 ... ST4) ---- */

static void ldst_writeback(Cpu *c, bool p, unsigned rm, unsigned rn, u64 base, u64 total)
{
    if (p)
        set_xreg_sp(c, rn, base + (rm == 31 ? total : xreg(c, rm)));
}

void exec_SIMD_LDST_MULT(Cpu *c, const A_SIMD_LDST_MULT *a)
{
    unsigned rpt, selem;
    switch (a->opcode) {
    case 0x0: rpt = 1; selem = 4; break;
    case 0x2: rpt = 4; selem = 1; break;
    case 0x4: rpt = 1; selem = 3; break;
    case 0x6: rpt = 3; selem = 1; break;
    case 0x7: rpt = 1; selem = 1; break;
    case 0x8: rpt = 1; selem = 2; break;
    case 0xa: rpt = 2; selem = 1; break;
    default: exc_undefined(c, "LD/ST multiple structures: unallocated opcode");
    }
    UNDEF_IF(!a->p && a->rm != 0, "LD/ST multiple structures: Rm must be 0 without post-index");
    UNDEF_IF(a->size == 3 && !a->q && selem > 1, "LD/ST multiple structures: size=11 Q=0 reserved");
    fp_check_access(c);
    int esize = 8 << a->size, ebytes = esize / 8, elements = (a->q ? 128 : 64) / esize;
    u64 base = xreg_sp(c, a->rn);
    check_sp(c, a->rn);
    u64 offs = 0;
    unsigned nregs = rpt * selem;
    VReg tmp[4];
    for (unsigned i = 0; i < nregs; i++)
        tmp[i] = c->v[(a->rt + i) % 32];
    for (unsigned r = 0; r < rpt; r++) {
        for (int e = 0; e < elements; e++) {
            unsigned k = r;   /* index into tmp[] of register (t + r + s) */
            for (unsigned s = 0; s < selem; s++, k++) {
                VReg *v = &tmp[k];
                if (a->l) {
                    u64 x = mem_read(c, base + offs, ebytes);
                    switch (esize) {
                    case 8: v->b[e] = (u8)x; break;
                    case 16: v->h[e] = (u16)x; break;
                    case 32: v->s[e] = (u32)x; break;
                    default: v->d[e] = x; break;
                    }
                } else {
                    u64 x = esize == 8 ? v->b[e] : esize == 16 ? v->h[e] : esize == 32 ? v->s[e] : v->d[e];
                    mem_write(c, base + offs, ebytes, x);
                }
                offs += ebytes;
            }
        }
    }
    if (a->l)
        for (unsigned i = 0; i < nregs; i++)
            set_vreg_vec(c, (a->rt + i) % 32, &tmp[i], a->q);
    ldst_writeback(c, a->p, a->rm, a->rn, base, offs);
}

void exec_SIMD_LDST_SINGLE(Cpu *c, const A_SIMD_LDST_SINGLE *a)
{
    unsigned scale = a->opcode >> 1, selem = ((a->opcode & 1) << 1 | a->r) + 1;
    unsigned index = 0;
    bool replicate = false;
    switch (scale) {
    case 0: index = a->q << 3 | a->s << 2 | a->size; break;
    case 1:
        UNDEF_IF(a->size & 1, "LD/ST single (H): size<0>=1 reserved");
        index = a->q << 2 | a->s << 1 | (a->size >> 1);
        break;
    case 2:
        UNDEF_IF(a->size & 2, "LD/ST single (S/D): size<1>=1 reserved");
        if (a->size & 1) {
            UNDEF_IF(a->s, "LD/ST single (D): S=1 reserved");
            index = a->q;
            scale = 3;
        } else {
            index = a->q << 1 | a->s;
        }
        break;
    default:
        UNDEF_IF(!a->l || a->s, "LDnR: L=0 or S=1 reserved");
        scale = a->size;
        replicate = true;
        break;
    }
    UNDEF_IF(!a->p && a->rm != 0, "LD/ST single structure: Rm must be 0 without post-index");
    fp_check_access(c);
    int esize = 8 << scale, ebytes = esize / 8;
    u64 base = xreg_sp(c, a->rn);
    check_sp(c, a->rn);
    u64 offs = 0;
    VReg tmp[4];
    for (unsigned s = 0; s < selem; s++)
        tmp[s] = c->v[(a->rt + s) % 32];
    for (unsigned s = 0; s < selem; s++) {
        VReg *v = &tmp[s];
        if (replicate) {
            u64 x = mem_read(c, base + offs, ebytes);
            for (int e = 0; e < 128 / esize; e++)
                switch (esize) {
                case 8: v->b[e] = (u8)x; break;
                case 16: v->h[e] = (u16)x; break;
                case 32: v->s[e] = (u32)x; break;
                default: v->d[e] = x; break;
                }
            if (!a->q)
                v->d[1] = 0;
        } else if (a->l) {
            u64 x = mem_read(c, base + offs, ebytes);
            switch (esize) {
            case 8: v->b[index] = (u8)x; break;
            case 16: v->h[index] = (u16)x; break;
            case 32: v->s[index] = (u32)x; break;
            default: v->d[index] = x; break;
            }
        } else {
            u64 x = esize == 8 ? v->b[index] : esize == 16 ? v->h[index] : esize == 32 ? v->s[index] : v->d[index];
            mem_write(c, base + offs, ebytes, x);
        }
        offs += ebytes;
    }
    if (a->l)
        for (unsigned s = 0; s < selem; s++)
            c->v[(a->rt + s) % 32] = tmp[s];
    ldst_writeback(c, a->p, a->rm, a->rn, base, offs);
}
