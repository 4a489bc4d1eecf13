/*
 * cpu/exec_dp_reg.c — data processing (register), Arm ARM C4.1.6 / C6.2:
 * logical and add/sub (shifted and extended register), add/sub with carry,
 * conditional compare, conditional select, 1-, 2- and 3-source operations.
 * Field names follow decoder/a64_dp_reg.decode.
 */
#include "cpu/cpu_internal.h"
#include "cpu/alu.h"

/* AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register). */
void exec_LOGIC_reg(Cpu *c, const A_LOGIC_reg *a)
{
    UNDEF_IF(!a->sf && (a->imm6 & 0x20), "logical (shifted register): 32-bit with imm6 >= 32");
    u64 m = alu_shift(xreg(c, a->rm), a->shift, a->imm6, a->sf);
    if (a->n)
        m = ~m;
    u64 n = xreg(c, a->rn), r;
    switch (a->opc) {
    case 0: r = n & m; break;
    case 1: r = n | m; break;
    case 2: r = n ^ m; break;
    default:
        r = n & m;
        alu_logic_flags(c, r, a->sf);
        break;
    }
    set_xreg(c, a->rd, alu_trunc(r, a->sf));
}

/* ADD, ADDS, SUB, SUBS (shifted register): LSL/LSR/ASR only; Rn, Rd 31 = ZR. */
void exec_ADDSUB_reg(Cpu *c, const A_ADDSUB_reg *a)
{
    UNDEF_IF(a->shift == 3, "add/sub (shifted register): shift=11 reserved");
    UNDEF_IF(!a->sf && (a->imm6 & 0x20), "add/sub (shifted register): 32-bit with imm6 >= 32");
    u64 m = alu_shift(xreg(c, a->rm), a->shift, a->imm6, a->sf);
    set_xreg(c, a->rd, alu_add_sub(c, xreg(c, a->rn), m, a->op, a->s, a->sf));
}

/* ADD, ADDS, SUB, SUBS (extended register): Rn 31 = SP; Rd 31 = SP unless S. */
void exec_ADDSUB_ext(Cpu *c, const A_ADDSUB_ext *a)
{
    UNDEF_IF(a->opt != 0, "add/sub (extended register): opt != 00");
    UNDEF_IF(a->imm3 > 4, "add/sub (extended register): shift > 4");
    u64 m = alu_extend(xreg(c, a->rm), a->option, a->imm3, a->sf);
    u64 r = alu_add_sub(c, xreg_sp(c, a->rn), m, a->op, a->s, a->sf);
    if (a->s)
        set_xreg(c, a->rd, r);
    else
        set_xreg_sp(c, a->rd, r);
}

/* ADC, ADCS, SBC, SBCS. */
void exec_ADC(Cpu *c, const A_ADC *a)
{
    UNDEF_IF(a->op2 != 0, "add/sub with carry: bits 15:10 != 0");
    u64 m = xreg(c, a->rm);
    if (a->op)
        m = ~m;
    set_xreg(c, a->rd, alu_adc(c, xreg(c, a->rn), m, (c->nzcv >> 29) & 1, a->s, a->sf));
}

/* CCMN (op=0), CCMP (op=1), register (i=0) or 5-bit immediate (i=1). */
void exec_CCMP(Cpu *c, const A_CCMP *a)
{
    UNDEF_IF(!a->s || a->o2 || a->o3, "conditional compare: S=0, o2=1 or o3=1");
    if (cond_holds(c->nzcv, a->cond)) {
        u64 m = a->i ? a->rm : xreg(c, a->rm);
        alu_add_sub(c, xreg(c, a->rn), m, a->op, true, a->sf);
    } else {
        c->nzcv = a->nzcv << 28;
    }
}

/* CSEL, CSINC, CSINV, CSNEG (and aliases CSET, CSETM, CINC, CINV, CNEG). */
void exec_CSEL(Cpu *c, const A_CSEL *a)
{
    UNDEF_IF(a->s || a->op2 >= 2, "conditional select: S=1 or op2 >= 2");
    u64 r;
    if (cond_holds(c->nzcv, a->cond)) {
        r = xreg(c, a->rn);
    } else {
        r = xreg(c, a->rm);
        if (a->op)
            r = ~r;
        if (a->op2 & 1)
            r++;
    }
    set_xreg(c, a->rd, alu_trunc(r, a->sf));
}

/* UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32{B,H,W,X}, CRC32C{B,H,W,X}. */
void exec_DP_2src(Cpu *c, const A_DP_2src *a)
{
    UNDEF_IF(a->s, "data-processing (2 source): S=1 unallocated");
    u64 n = xreg(c, a->rn), m = xreg(c, a->rm), r;
    bool sf = a->sf;
    switch (a->opcode) {
    case 0x02:   /* UDIV: x/0 = 0 */
        if (sf)
            r = m ? n / m : 0;
        else
            r = (u32)m ? (u32)n / (u32)m : 0;
        break;
    case 0x03:   /* SDIV: x/0 = 0, INT_MIN/-1 = INT_MIN (round toward zero) */
        if (sf) {
            s64 sn = (s64)n, sm = (s64)m;
            r = sm == 0 ? 0 : (sm == -1 ? (u64)0 - n : (u64)(sn / sm));
        } else {
            s32 sn = (s32)n, sm = (s32)m;
            r = sm == 0 ? 0 : (u32)(sm == -1 ? 0u - (u32)sn : (u32)(sn / sm));
        }
        break;
    case 0x08: case 0x09: case 0x0a: case 0x0b:   /* LSLV, LSRV, ASRV, RORV */
        r = alu_shift(n, a->opcode & 3, (unsigned)m & (sf ? 63 : 31), sf);
        break;
    case 0x10: case 0x11: case 0x12: case 0x13:   /* CRC32{B,H,W,X} */
    case 0x14: case 0x15: case 0x16: case 0x17: { /* CRC32C{B,H,W,X} */
        unsigned sz = a->opcode & 3;
        UNDEF_IF(sf != (sz == 3), "CRC32: sf does not match the size");
        r = alu_crc32((u32)n, m, 1u << sz, (a->opcode & 4) != 0);
        break;
    }
    default:
        exc_undefined(c, "data-processing (2 source): unallocated opcode");
    }
    set_xreg(c, a->rd, r);
}

/* RBIT, REV16, REV32, REV, CLZ, CLS. */
void exec_DP_1src(Cpu *c, const A_DP_1src *a)
{
    UNDEF_IF(a->s || a->opcode2 != 0, "data-processing (1 source): S=1 or opcode2 != 0");
    u64 n = xreg(c, a->rn), r;
    bool sf = a->sf;
    switch (a->opcode) {
    case 0: r = sf ? alu_rbit64(n) : alu_rbit64(n) >> 32; break;   /* RBIT */
    case 1:                                                       /* REV16 */
        r = (n >> 8 & 0x00ff00ff00ff00ffull) | (n & 0x00ff00ff00ff00ffull) << 8;
        break;
    case 2:   /* REV32 (64-bit), REV (32-bit) */
        r = __builtin_bswap64(n);
        r = r >> 32 | r << 32;
        break;
    case 3:   /* REV (64-bit) */
        UNDEF_IF(!sf, "REV: opc=11 with sf=0");
        r = __builtin_bswap64(n);
        break;
    case 4: r = alu_clz(n, sf); break;
    case 5: r = alu_cls(n, sf); break;
    default:
        exc_undefined(c, "data-processing (1 source): unallocated opcode");
    }
    set_xreg(c, a->rd, alu_trunc(r, sf));
}

/* MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH. */
void exec_DP_3src(Cpu *c, const A_DP_3src *a)
{
    UNDEF_IF(a->op54 != 0, "data-processing (3 source): op54 != 00");
    UNDEF_IF(!a->sf && a->op31 != 0, "data-processing (3 source): 32-bit long/high form");
    u64 n = xreg(c, a->rn), m = xreg(c, a->rm), ra = xreg(c, a->ra), p, r;
    switch (a->op31) {
    case 0:   /* MADD, MSUB */
        p = n * m;
        r = alu_trunc(a->o0 ? ra - p : ra + p, a->sf);
        break;
    case 1:   /* SMADDL, SMSUBL */
        p = (u64)((s64)(s32)n * (s64)(s32)m);
        r = a->o0 ? ra - p : ra + p;
        break;
    case 5:   /* UMADDL, UMSUBL */
        p = (u64)(u32)n * (u32)m;
        r = a->o0 ? ra - p : ra + p;
        break;
    case 2:   /* SMULH */
        UNDEF_IF(a->o0, "SMULH: o0=1 unallocated");
        r = (u64)(((s128)(s64)n * (s64)m) >> 64);
        break;
    case 6:   /* UMULH */
        UNDEF_IF(a->o0, "UMULH: o0=1 unallocated");
        r = (u64)(((u128)n * m) >> 64);
        break;
    default:
        exc_undefined(c, "data-processing (3 source): unallocated op31");
    }
    set_xreg(c, a->rd, r);
}
