/*
 * cpu/exec_dp_imm.c — data processing (immediate), Arm ARM C4.1.2 / C6.2.
 */
#include "cpu/cpu_internal.h"
#include "cpu/alu.h"

void exec_ADR(Cpu *c, const A_ADR *a)
{
    s64 imm = sextract64((u64)a->immhi << 2 | a->immlo, 0, 21);
    if (a->op)   /* ADRP */
        set_xreg(c, a->rd, (c->pc & ~0xfffull) + ((u64)imm << 12));
    else
        set_xreg(c, a->rd, c->pc + (u64)imm);
}

void exec_ADDSUB_imm(Cpu *c, const A_ADDSUB_imm *a)
{
    u64 imm = (u64)a->imm12 << (a->sh ? 12 : 0);
    u64 n = xreg_sp(c, a->rn);
    u64 r = alu_add_sub(c, n, imm, a->op, a->s, a->sf);
    if (a->s)
        set_xreg(c, a->rd, r);      /* ADDS/SUBS: Rd=31 is XZR */
    else
        set_xreg_sp(c, a->rd, r);   /* ADD/SUB: Rd=31 is SP */
}

void exec_MOVW(Cpu *c, const A_MOVW *a)
{
    UNDEF_IF(a->opc == 1, "move wide: opc=01 unallocated");
    UNDEF_IF(!a->sf && (a->hw & 2), "move wide: 32-bit with hw>=2");
    unsigned sh = a->hw * 16;
    u64 v;
    switch (a->opc) {
    case 0: v = ~((u64)a->imm16 << sh); break;                        /* MOVN */
    case 2: v = (u64)a->imm16 << sh; break;                           /* MOVZ */
    default: v = deposit64(xreg(c, a->rd), sh, 16, a->imm16); break;  /* MOVK */
    }
    if (!a->sf)
        v = (u32)v;
    set_xreg(c, a->rd, v);
}
