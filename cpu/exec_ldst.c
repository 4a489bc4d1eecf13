/*
 * cpu/exec_ldst.c — loads and stores, Arm ARM C4.1.4 / C6.2.
 */
#include "cpu/cpu_internal.h"

/* SP alignment check for base register SP (SCTLR_ELx.SA/SA0, D1.8.2). */
static inline void check_sp_align(Cpu *c, unsigned rn, u64 addr)
{
    (void)addr;
    if (rn != 31 || !(c->x[31] & 15))
        return;
    u64 sctlr = c->el == 0 ? c->sctlr_el[1] : c->sctlr_el[c->el];
    bool check = c->el == 0 ? (c->sctlr_el[1] & SCTLR_SA0) : (sctlr & SCTLR_SA);
    if (check)
        exc_take_sync(c, exc_default_target(c), syn(EC_SP_ALIGN, 0), 0, false, c->pc,
                      "SP not 16-byte aligned (SCTLR_ELx.SA)");
}

/* Load/store of a general register: OPC per C4.1.4 (00 store, 01 load zero-
 * extended, 10 load signed to 64, 11 load signed to 32 / PRFM). */
static void ldst_gpr(Cpu *c, unsigned size, unsigned opc, unsigned rt, u64 addr)
{
    unsigned bytes = 1u << size;
    if (opc == 0) {
        mem_write(c, addr, bytes, xreg(c, rt));
    } else if (opc == 1) {
        set_xreg(c, rt, mem_read(c, addr, bytes));
    } else {
        u64 v = (u64)sextract64(mem_read(c, addr, bytes), 0, 8 * bytes);
        set_xreg(c, rt, opc == 3 ? (u32)v : v);
    }
}

void exec_LDST_uimm(Cpu *c, const A_LDST_uimm *a)
{
    if (a->v)
        exc_unimplemented(c, "SIMD&FP load/store (unsigned offset)");
    if (a->size == 3 && a->opc >= 2) {
        UNDEF_IF(a->opc == 3, "LDST unsigned offset: size=11 opc=11 unallocated");
        return;   /* PRFM: a hint with no architectural effect */
    }
    UNDEF_IF(a->size == 2 && a->opc == 3, "LDRSW (unsigned offset) with opc=11 unallocated");
    u64 base = xreg_sp(c, a->rn);
    check_sp_align(c, a->rn, base);
    ldst_gpr(c, a->size, a->opc, a->rt, base + ((u64)a->imm12 << a->size));
}
