/*
 * cpu/exec_branch.c — branches (Arm ARM C6.2: B, BL, B.cond, CBZ/CBNZ,
 * TBZ/TBNZ, BR, BLR, RET).  A handler sets c->next_pc; the run loop commits it.
 */
#include "cpu/cpu_internal.h"

void exec_B_imm(Cpu *c, const A_B_imm *a)
{
    if (a->op)
        c->x[30] = c->pc + 4;
    c->next_pc = c->pc + ((u64)sextract64(a->imm26, 0, 26) << 2);
}

void exec_B_cond(Cpu *c, const A_B_cond *a)
{
    if (cond_holds(c->nzcv, a->cond))
        c->next_pc = c->pc + ((u64)sextract64(a->imm19, 0, 19) << 2);
}

void exec_CB(Cpu *c, const A_CB *a)
{
    u64 v = xreg(c, a->rt);
    if (!a->sf)
        v = (u32)v;
    if ((v == 0) != a->op)
        c->next_pc = c->pc + ((u64)sextract64(a->imm19, 0, 19) << 2);
}

void exec_TB(Cpu *c, const A_TB *a)
{
    unsigned bit = a->b5 << 5 | a->b40;
    if (((xreg(c, a->rt) >> bit) & 1) == a->op)
        c->next_pc = c->pc + ((u64)sextract64(a->imm14, 0, 14) << 2);
}

void exec_BR(Cpu *c, const A_BR *a)
{
    c->next_pc = xreg(c, a->rn);
}

void exec_BLR(Cpu *c, const A_BLR *a)
{
    u64 t = xreg(c, a->rn);
    c->x[30] = c->pc + 4;
    c->next_pc = t;
}

void exec_RET(Cpu *c, const A_RET *a)
{
    c->next_pc = xreg(c, a->rn);
}
