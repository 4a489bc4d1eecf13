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

/* AND, ORR, EOR, ANDS (immediate), Arm ARM C6.2.  Rd=31 is SP except for
 * ANDS (XZR); a 32-bit form with N=1 and an all-ones element are reserved. */
void exec_LOGIC_imm(Cpu *c, const A_LOGIC_imm *a)
{
    u64 imm, tmask;
    UNDEF_IF(!a->sf && a->n, "logical immediate: sf=0 with N=1");
    UNDEF_IF(!alu_decode_bit_masks(a->n, a->imms, a->immr, true, &imm, &tmask),
             "logical immediate: reserved bitmask");
    u64 n = xreg(c, a->rn), r;
    switch (a->opc) {
    case 0: r = n & imm; break;
    case 1: r = n | imm; break;
    case 2: r = n ^ imm; break;
    default:
        r = n & imm;
        alu_logic_flags(c, r, a->sf);
        set_xreg(c, a->rd, alu_trunc(r, a->sf));
        return;
    }
    set_xreg_sp(c, a->rd, alu_trunc(r, a->sf));
}

/* SBFM (opc=0), BFM (1), UBFM (2) and their aliases (ASR, LSL, LSR, SXTB..,
 * UXTB.., SBFIZ, SBFX, BFI, BFXIL, UBFIZ, UBFX).  Arm ARM C6.2 BFM. */
void exec_BITFIELD(Cpu *c, const A_BITFIELD *a)
{
    UNDEF_IF(a->opc == 3, "bitfield: opc=11 unallocated");
    UNDEF_IF(a->sf != a->n, "bitfield: N != sf");
    UNDEF_IF(!a->sf && ((a->immr | a->imms) & 0x20), "bitfield: 32-bit with immr/imms >= 32");
    u64 wmask, tmask;
    UNDEF_IF(!alu_decode_bit_masks(a->n, a->imms, a->immr, false, &wmask, &tmask),
             "bitfield: reserved mask");
    u64 src = xreg(c, a->rn);
    u64 dst = a->opc == 1 ? xreg(c, a->rd) : 0;
    u64 bot = (dst & ~wmask) | (alu_ror(src, a->immr, a->sf) & wmask);
    u64 top;
    if (a->opc == 0)    /* SBFM: replicate src<S> */
        top = (src >> a->imms) & 1 ? ~0ull : 0;
    else
        top = dst;
    set_xreg(c, a->rd, alu_trunc((top & ~tmask) | (bot & tmask), a->sf));
}

/* EXTR (and its alias ROR immediate): (Xn:Xm) >> lsb. */
void exec_EXTR(Cpu *c, const A_EXTR *a)
{
    UNDEF_IF(a->op21 != 0 || a->o0 != 0, "extract: op21/o0 unallocated");
    UNDEF_IF(a->sf != a->n, "extract: N != sf");
    UNDEF_IF(!a->sf && (a->imms & 0x20), "extract: 32-bit with imms >= 32");
    u64 hi = xreg(c, a->rn), lo = xreg(c, a->rm), r;
    unsigned lsb = a->imms;
    if (a->sf)
        r = lsb ? (lo >> lsb | hi << (64 - lsb)) : lo;
    else
        r = lsb ? (u32)((u32)lo >> lsb | (u32)hi << (32 - lsb)) : (u32)lo;
    set_xreg(c, a->rd, r);
}
