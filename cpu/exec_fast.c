/*
 * cpu/exec_fast.c — the predecoder (a64_predecode) and the specialised
 * handlers it picks for the most frequent instruction forms.
 *
 * A specialised handler covers one form at one operand size (ADD immediate
 * 64-bit, LDR 32-bit unsigned offset, B.cond, ...) and reads only the
 * operands stored in its DecodedInsn (decoder/decode.h): register numbers,
 * a shift amount or bit number (AUX) and a pre-computed immediate, mask or
 * branch offset (IMM).  The predecoder takes the fields through the
 * generated extractors x_NAME() of the decode tables, checks every
 * condition under which the form is not the plain case (reserved field
 * values, register 31 where it means XZR, unusual shifts or extends,
 * unprivileged or sign-extending accesses) and leaves every other word to
 * the generic handler of its table line, which implements the whole Arm ARM
 * pseudocode.  So a specialised handler never has to raise UNDEFINED, and its
 * result is the generic handler's by construction; tests/diff compares
 * random encodings of every table line with Unicorn, whichever handler
 * runs them.
 *
 * Register 31: for ADD/SUB (immediate, no flags), AND/ORR/EOR (immediate)
 * destinations and every load/store base it is SP, which is c->x[31];
 * elsewhere a specialised form is only chosen when no operand is 31, or the
 * handler is a compare that writes no register (CMP, CMN, TST).
 */
#include "cpu/cpu_internal.h"
#include "cpu/alu.h"
#include "cpu/ldst.h"
#include "decoder/decode.h"

#define X(r) (c->x[(r)])

/* ---- flags (Arm ARM J1 AddWithCarry), branch-free ---- */

static inline u32 nzcv_add64(u64 x, u64 y, u64 r)
{
    return (u32)(r >> 63) << 31 | (u32)(r == 0) << 30 | (u32)(r < x) << 29 |
           (u32)(((x ^ r) & (y ^ r)) >> 63) << 28;
}

static inline u32 nzcv_sub64(u64 x, u64 y, u64 r)
{
    return (u32)(r >> 63) << 31 | (u32)(r == 0) << 30 | (u32)(x >= y) << 29 |
           (u32)(((x ^ y) & (x ^ r)) >> 63) << 28;
}

static inline u32 nzcv_add32(u32 x, u32 y, u32 r)
{
    return (r >> 31) << 31 | (u32)(r == 0) << 30 | (u32)(r < x) << 29 |
           (((x ^ r) & (y ^ r)) >> 31) << 28;
}

static inline u32 nzcv_sub32(u32 x, u32 y, u32 r)
{
    return (r >> 31) << 31 | (u32)(r == 0) << 30 | (u32)(x >= y) << 29 |
           (((x ^ y) & (x ^ r)) >> 31) << 28;
}

/* ConditionHolds(cond) as a table: bit NZCV (0-15) of entry COND is set when
 * the condition holds for those flags (same truth table as cond_holds()). */
static const u16 cond_table[16] = {
    0xf0f0, 0x0f0f, 0xcccc, 0x3333, 0xff00, 0x00ff, 0xaaaa, 0x5555,
    0x0c0c, 0xf3f3, 0xaa55, 0x55aa, 0x0a05, 0xf5fa, 0xffff, 0xffff,
};

static inline bool fast_cond(const Cpu *c, unsigned cond)
{
    return (cond_table[cond] >> (c->nzcv >> 28)) & 1;
}

/* ---- add/subtract ---- */

/* ADD/SUB (immediate), no flags: IMM is the signed addend (SUB negated). */
static void f_ADD_imm64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) + d->imm; }
static void f_ADD_imm32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) + d->imm); }

#define ADDSUB_FLAGS(NAME, SZ, T, OPEXPR, FLAGFN, WRITE)                       \
    static void NAME(Cpu *c, const DecodedInsn *d)                             \
    {                                                                          \
        T x = (T)X(d->rn), y = (T)(OPERAND_##NAME);                            \
        T r = (T)(OPEXPR);                                                     \
        c->nzcv = FLAGFN(x, y, r);                                             \
        WRITE;                                                                 \
    }

/* Immediate forms: Rn may be SP; CMP/CMN (Rd = 31 = XZR) write no register. */
#define OPERAND_f_SUBS_imm64 d->imm
#define OPERAND_f_SUBS_imm32 d->imm
#define OPERAND_f_CMP_imm64 d->imm
#define OPERAND_f_CMP_imm32 d->imm
#define OPERAND_f_ADDS_imm64 d->imm
#define OPERAND_f_ADDS_imm32 d->imm
#define OPERAND_f_CMN_imm64 d->imm
#define OPERAND_f_CMN_imm32 d->imm
ADDSUB_FLAGS(f_SUBS_imm64, 64, u64, x - y, nzcv_sub64, X(d->rd) = r)
ADDSUB_FLAGS(f_SUBS_imm32, 32, u32, x - y, nzcv_sub32, X(d->rd) = r)
ADDSUB_FLAGS(f_CMP_imm64, 64, u64, x - y, nzcv_sub64, (void)0)
ADDSUB_FLAGS(f_CMP_imm32, 32, u32, x - y, nzcv_sub32, (void)0)
ADDSUB_FLAGS(f_ADDS_imm64, 64, u64, x + y, nzcv_add64, X(d->rd) = r)
ADDSUB_FLAGS(f_ADDS_imm32, 32, u32, x + y, nzcv_add32, X(d->rd) = r)
ADDSUB_FLAGS(f_CMN_imm64, 64, u64, x + y, nzcv_add64, (void)0)
ADDSUB_FLAGS(f_CMN_imm32, 32, u32, x + y, nzcv_add32, (void)0)

/* Shifted-register forms, LSL #AUX only; Rn, Rm are not 31. */
#define OPERAND_f_SUBS_reg64 X(d->rm) << d->aux
#define OPERAND_f_SUBS_reg32 X(d->rm) << d->aux
#define OPERAND_f_CMP_reg64 X(d->rm) << d->aux
#define OPERAND_f_CMP_reg32 X(d->rm) << d->aux
#define OPERAND_f_ADDS_reg64 X(d->rm) << d->aux
#define OPERAND_f_ADDS_reg32 X(d->rm) << d->aux
ADDSUB_FLAGS(f_SUBS_reg64, 64, u64, x - y, nzcv_sub64, X(d->rd) = r)
ADDSUB_FLAGS(f_SUBS_reg32, 32, u32, x - y, nzcv_sub32, X(d->rd) = r)
ADDSUB_FLAGS(f_CMP_reg64, 64, u64, x - y, nzcv_sub64, (void)0)
ADDSUB_FLAGS(f_CMP_reg32, 32, u32, x - y, nzcv_sub32, (void)0)
ADDSUB_FLAGS(f_ADDS_reg64, 64, u64, x + y, nzcv_add64, X(d->rd) = r)
ADDSUB_FLAGS(f_ADDS_reg32, 32, u32, x + y, nzcv_add32, X(d->rd) = r)

static void f_ADD_reg64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) + (X(d->rm) << d->aux); }
static void f_ADD_reg32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) + (X(d->rm) << d->aux)); }
static void f_SUB_reg64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) - (X(d->rm) << d->aux); }
static void f_SUB_reg32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) - (X(d->rm) << d->aux)); }

/* ---- logical ---- */

/* Shifted register, LSL #AUX, N=0; Rd, Rn, Rm not 31. */
static void f_AND_reg64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) & (X(d->rm) << d->aux); }
static void f_AND_reg32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) & (X(d->rm) << d->aux)); }
static void f_ORR_reg64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) | (X(d->rm) << d->aux); }
static void f_ORR_reg32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) | (X(d->rm) << d->aux)); }
static void f_EOR_reg64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) ^ (X(d->rm) << d->aux); }
static void f_EOR_reg32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) ^ (X(d->rm) << d->aux)); }
/* MOV (register) = ORR Rd, XZR, Rm{, LSL #AUX}. */
static void f_MOV_reg64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rm) << d->aux; }
static void f_MOV_reg32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rm) << d->aux); }

/* ANDS/TST: N and Z from the result, C = V = 0. */
static void f_ANDS_reg64(Cpu *c, const DecodedInsn *d)
{
    u64 r = X(d->rn) & (X(d->rm) << d->aux);
    c->nzcv = (u32)(r >> 63) << 31 | (u32)(r == 0) << 30;
    X(d->rd) = r;
}
static void f_ANDS_reg32(Cpu *c, const DecodedInsn *d)
{
    u32 r = (u32)(X(d->rn) & (X(d->rm) << d->aux));
    c->nzcv = (r >> 31) << 31 | (u32)(r == 0) << 30;
    X(d->rd) = r;
}
static void f_TST_reg64(Cpu *c, const DecodedInsn *d)
{
    u64 r = X(d->rn) & (X(d->rm) << d->aux);
    c->nzcv = (u32)(r >> 63) << 31 | (u32)(r == 0) << 30;
}
static void f_TST_reg32(Cpu *c, const DecodedInsn *d)
{
    u32 r = (u32)(X(d->rn) & (X(d->rm) << d->aux));
    c->nzcv = (r >> 31) << 31 | (u32)(r == 0) << 30;
}

/* AND, ORR, EOR, BIC, ORN, EON with LSR/ASR/ROR, or N=1 (Rd, Rn, Rm not
 * 31, ANDS/BICS excluded): IMM = shift type | N << 2 | opc << 3 | sf << 5,
 * AUX = amount (< operation size). */
static void f_LOGIC_shifted(Cpu *c, const DecodedInsn *d)
{
    unsigned k = (unsigned)d->imm;
    bool sf = k >> 5;
    u64 m = alu_shift(X(d->rm), k & 3, d->aux, sf);
    if (k & 4)
        m = ~m;
    u64 n = X(d->rn), r;
    switch ((k >> 3) & 3) {
    case 0: r = n & m; break;
    case 1: r = n | m; break;
    default: r = n ^ m; break;
    }
    X(d->rd) = sf ? r : (u32)r;
}

/* Immediate (IMM = the decoded bitmask, already 32-bit for sf=0); Rd may
 * be SP, Rn is not 31. */
static void f_AND_imm(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) & d->imm; }
static void f_ORR_imm64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) | d->imm; }
static void f_ORR_imm32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) | d->imm); }
static void f_EOR_imm64(Cpu *c, const DecodedInsn *d) { X(d->rd) = X(d->rn) ^ d->imm; }
static void f_EOR_imm32(Cpu *c, const DecodedInsn *d) { X(d->rd) = (u32)(X(d->rn) ^ d->imm); }
static void f_TST_imm64(Cpu *c, const DecodedInsn *d)
{
    u64 r = X(d->rn) & d->imm;
    c->nzcv = (u32)(r >> 63) << 31 | (u32)(r == 0) << 30;
}
static void f_TST_imm32(Cpu *c, const DecodedInsn *d)
{
    u32 r = (u32)(X(d->rn) & d->imm);
    c->nzcv = (r >> 31) << 31 | (u32)(r == 0) << 30;
}

/* MOVZ/MOVN (and MOV (bitmask immediate) = ORR Rd, XZR, #imm): Rd = IMM. */
static void f_MOVI(Cpu *c, const DecodedInsn *d) { X(d->rd) = d->imm; }
/* MOVK: IMM = imm16 << AUX. */
static void f_MOVK64(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (X(d->rd) & ~(0xffffull << d->aux)) | d->imm;
}
static void f_MOVK32(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (u32)((X(d->rd) & ~(0xffffull << d->aux)) | d->imm);
}

/* ---- bitfield (UBFM/SBFM aliases) ---- */

/* UBFM with imms >= immr (UBFX, LSR, UXTB, UXTH): (Rn >> AUX) & IMM. */
static void f_UBFX(Cpu *c, const DecodedInsn *d) { X(d->rd) = (X(d->rn) >> d->aux) & d->imm; }
/* UBFM with imms < immr (UBFIZ, LSL): (Rn & IMM) << AUX; fits the size. */
static void f_UBFIZ(Cpu *c, const DecodedInsn *d) { X(d->rd) = (X(d->rn) & d->imm) << d->aux; }
/* SBFM with imms >= immr (SBFX, ASR, SXTB, SXTH, SXTW): the field shifted
 * up to bit 63 (AUX = 63 - imms), then arithmetically down (RM = 64 - width). */
static void f_SBFX64(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (u64)((s64)(X(d->rn) << d->aux) >> d->rm);
}
static void f_SBFX32(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (u32)((s64)(X(d->rn) << d->aux) >> d->rm);
}

/* ---- conditional select (AUX = cond, IMM = operation-size mask) ---- */

static void f_CSEL(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (fast_cond(c, d->aux) ? xreg(c, d->rn) : xreg(c, d->rm)) & d->imm;
}
static void f_CSINC(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (fast_cond(c, d->aux) ? xreg(c, d->rn) : xreg(c, d->rm) + 1) & d->imm;
}
static void f_CSINV(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (fast_cond(c, d->aux) ? xreg(c, d->rn) : ~xreg(c, d->rm)) & d->imm;
}
static void f_CSNEG(Cpu *c, const DecodedInsn *d)
{
    X(d->rd) = (fast_cond(c, d->aux) ? xreg(c, d->rn) : 0 - xreg(c, d->rm)) & d->imm;
}

/* ---- branches (IMM = byte offset from PC) ---- */

static void f_B(Cpu *c, const DecodedInsn *d) { c->next_pc = c->pc + d->imm; }
static void f_BL(Cpu *c, const DecodedInsn *d)
{
    c->x[30] = c->pc + 4;
    c->next_pc = c->pc + d->imm;
}
static void f_Bcond(Cpu *c, const DecodedInsn *d)
{
    if (fast_cond(c, d->aux))
        c->next_pc = c->pc + d->imm;
}
/* CBZ/CBNZ, Rt (in RD) not 31. */
static void f_CBZ64(Cpu *c, const DecodedInsn *d) { if (X(d->rd) == 0) c->next_pc = c->pc + d->imm; }
static void f_CBNZ64(Cpu *c, const DecodedInsn *d) { if (X(d->rd) != 0) c->next_pc = c->pc + d->imm; }
static void f_CBZ32(Cpu *c, const DecodedInsn *d) { if ((u32)X(d->rd) == 0) c->next_pc = c->pc + d->imm; }
static void f_CBNZ32(Cpu *c, const DecodedInsn *d) { if ((u32)X(d->rd) != 0) c->next_pc = c->pc + d->imm; }
/* TBZ/TBNZ: AUX = bit number, Rt (in RD) not 31. */
static void f_TBZ(Cpu *c, const DecodedInsn *d) { if (!((X(d->rd) >> d->aux) & 1)) c->next_pc = c->pc + d->imm; }
static void f_TBNZ(Cpu *c, const DecodedInsn *d) { if ((X(d->rd) >> d->aux) & 1) c->next_pc = c->pc + d->imm; }

/* ---- loads and stores of general registers ----
 * Rt (in RD) is not 31 for loads, is XZR for stores; the base Rn 31 is SP with CheckSPAlignment()
 * (ldst_base).  Loads zero-extend.  Accesses go through the same inline TLB
 * fast path as the generic handlers (mem_read_idx / mem_write_idx). */

#define LDST_FORMS(B)                                                                    \
    /* base + IMM (unsigned offset scaled, or unscaled signed offset) */                 \
    static void f_LDR##B##_imm(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        X(d->rd) = mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    static void f_STR##B##_imm(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        mem_write_idx(c, a, B / 8, xreg(c, d->rd), (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    /* base + (Rm LSL AUX), Rm not 31 */                                                 \
    static void f_LDR##B##_reg(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + (X(d->rm) << d->aux);                              \
        X(d->rd) = mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    static void f_STR##B##_reg(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + (X(d->rm) << d->aux);                              \
        mem_write_idx(c, a, B / 8, xreg(c, d->rd), (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    /* base + (UInt(Wm) LSL AUX) and base + (SInt(Wm) LSL AUX), Rm not 31 */             \
    static void f_LDR##B##_uxtw(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + ((u64)(u32)X(d->rm) << d->aux);                    \
        X(d->rd) = mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    static void f_STR##B##_uxtw(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + ((u64)(u32)X(d->rm) << d->aux);                    \
        mem_write_idx(c, a, B / 8, xreg(c, d->rd), (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    static void f_LDR##B##_sxtw(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + ((u64)(s64)(s32)X(d->rm) << d->aux);               \
        X(d->rd) = mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    static void f_STR##B##_sxtw(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + ((u64)(s64)(s32)X(d->rm) << d->aux);               \
        mem_write_idx(c, a, B / 8, xreg(c, d->rd), (MmuIdx)c->mmu_idx);                        \
    }                                                                                    \
    /* pre-index: access at base + IMM, then Rn = base + IMM (after the load, so a      \
     * load with Rn == Rt ends with the address, as the generic handler does) */        \
    static void f_LDR##B##_pre(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        X(d->rd) = mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);                        \
        X(d->rn) = a;                                                                    \
    }                                                                                    \
    static void f_STR##B##_pre(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        mem_write_idx(c, a, B / 8, xreg(c, d->rd), (MmuIdx)c->mmu_idx);                        \
        X(d->rn) = a;                                                                    \
    }                                                                                    \
    /* post-index: access at base, then Rn = base + IMM */                               \
    static void f_LDR##B##_post(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn);                                                     \
        X(d->rd) = mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);                        \
        X(d->rn) = a + d->imm;                                                           \
    }                                                                                    \
    static void f_STR##B##_post(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn);                                                     \
        mem_write_idx(c, a, B / 8, xreg(c, d->rd), (MmuIdx)c->mmu_idx);                        \
        X(d->rn) = a + d->imm;                                                           \
    }

LDST_FORMS(8)
LDST_FORMS(16)
LDST_FORMS(32)
LDST_FORMS(64)

/* LDRSB/LDRSH/LDRSW at base + IMM: to 64 bits (opc=10) or to 32 bits,
 * zero-extended (opc=11). */
#define LDRS_X(B)                                                                        \
    static void f_LDRS##B##_x(Cpu *c, const DecodedInsn *d)                              \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        X(d->rd) = (u64)(s64)(s##B)mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);        \
    }
#define LDRS_W(B)                                                                        \
    static void f_LDRS##B##_w(Cpu *c, const DecodedInsn *d)                              \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        X(d->rd) = (u32)(s32)(s##B)mem_read_idx(c, a, B / 8, (MmuIdx)c->mmu_idx);        \
    }

LDRS_X(8)
LDRS_X(16)
LDRS_X(32)
LDRS_W(8)
LDRS_W(16)

/* Indexed by size (0-2), then opc - 2; NULL: not allocated (LDRSW to W). */
static const InsnFn ldrs_imm_fn[3][2] = {
    {f_LDRS8_x, f_LDRS8_w}, {f_LDRS16_x, f_LDRS16_w}, {f_LDRS32_x, NULL},
};

/* Indexed by size (0-3), then load (1) / store (0). */
static const InsnFn ldst_imm_fn[4][2] = {
    {f_STR8_imm, f_LDR8_imm}, {f_STR16_imm, f_LDR16_imm},
    {f_STR32_imm, f_LDR32_imm}, {f_STR64_imm, f_LDR64_imm},
};
static const InsnFn ldst_reg_fn[4][2] = {
    {f_STR8_reg, f_LDR8_reg}, {f_STR16_reg, f_LDR16_reg},
    {f_STR32_reg, f_LDR32_reg}, {f_STR64_reg, f_LDR64_reg},
};
static const InsnFn ldst_uxtw_fn[4][2] = {
    {f_STR8_uxtw, f_LDR8_uxtw}, {f_STR16_uxtw, f_LDR16_uxtw},
    {f_STR32_uxtw, f_LDR32_uxtw}, {f_STR64_uxtw, f_LDR64_uxtw},
};
static const InsnFn ldst_sxtw_fn[4][2] = {
    {f_STR8_sxtw, f_LDR8_sxtw}, {f_STR16_sxtw, f_LDR16_sxtw},
    {f_STR32_sxtw, f_LDR32_sxtw}, {f_STR64_sxtw, f_LDR64_sxtw},
};
static const InsnFn ldst_pre_fn[4][2] = {
    {f_STR8_pre, f_LDR8_pre}, {f_STR16_pre, f_LDR16_pre},
    {f_STR32_pre, f_LDR32_pre}, {f_STR64_pre, f_LDR64_pre},
};
static const InsnFn ldst_post_fn[4][2] = {
    {f_STR8_post, f_LDR8_post}, {f_STR16_post, f_LDR16_post},
    {f_STR32_post, f_LDR32_post}, {f_STR64_post, f_LDR64_post},
};

/* LDP/STP of W or X registers: Rt in RD, Rt2 in RM (neither 31), IMM the
 * scaled offset.  As the generic handler: both loads before any register
 * write (Rt == Rt2: Rt's element wins), the page-crossing store probed
 * before the first write, the writeback last. */
#define LDSTP_FORMS(B)                                                                   \
    static inline void ldp##B(Cpu *c, const DecodedInsn *d, u64 a)                       \
    {                                                                                    \
        MmuIdx idx = (MmuIdx)c->mmu_idx;                                                 \
        u64 v1 = mem_read_idx(c, a, B / 8, idx);                                         \
        u64 v2 = mem_read_idx(c, a + B / 8, B / 8, idx);                                 \
        X(d->rm) = v2;                                                                   \
        X(d->rd) = v1;                                                                   \
    }                                                                                    \
    static inline void stp##B(Cpu *c, const DecodedInsn *d, u64 a)                       \
    {                                                                                    \
        MmuIdx idx = (MmuIdx)c->mmu_idx;                                                 \
        u64 v1 = X(d->rd), v2 = X(d->rm);                                                \
        store_probe(c, a, B / 8, 2 * (B / 8), idx);                                      \
        mem_write_idx(c, a, B / 8, v1, idx);                                             \
        mem_write_idx(c, a + B / 8, B / 8, v2, idx);                                     \
    }                                                                                    \
    static void f_LDP##B##_off(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        ldp##B(c, d, ldst_base(c, d->rn) + d->imm);                                      \
    }                                                                                    \
    static void f_STP##B##_off(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        stp##B(c, d, ldst_base(c, d->rn) + d->imm);                                      \
    }                                                                                    \
    static void f_LDP##B##_pre(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        ldp##B(c, d, a);                                                                 \
        X(d->rn) = a;                                                                    \
    }                                                                                    \
    static void f_STP##B##_pre(Cpu *c, const DecodedInsn *d)                             \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn) + d->imm;                                            \
        stp##B(c, d, a);                                                                 \
        X(d->rn) = a;                                                                    \
    }                                                                                    \
    static void f_LDP##B##_post(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn);                                                     \
        ldp##B(c, d, a);                                                                 \
        X(d->rn) = a + d->imm;                                                           \
    }                                                                                    \
    static void f_STP##B##_post(Cpu *c, const DecodedInsn *d)                            \
    {                                                                                    \
        u64 a = ldst_base(c, d->rn);                                                     \
        stp##B(c, d, a);                                                                 \
        X(d->rn) = a + d->imm;                                                           \
    }

LDSTP_FORMS(32)
LDSTP_FORMS(64)

/* Indexed by opc>>1 (0: W, 1: X), idx (0 non-temporal, 1 post, 2 offset,
 * 3 pre), load (1) / store (0). */
static const InsnFn ldstp_fn[2][4][2] = {
    {{f_STP32_off, f_LDP32_off}, {f_STP32_post, f_LDP32_post},
     {f_STP32_off, f_LDP32_off}, {f_STP32_pre, f_LDP32_pre}},
    {{f_STP64_off, f_LDP64_off}, {f_STP64_post, f_LDP64_post},
     {f_STP64_off, f_LDP64_off}, {f_STP64_pre, f_LDP64_pre}},
};

/* ---- the predecoder ---- */

static u64 mask_bits(unsigned n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

/* Choose a specialised handler for INSN (table line PAT) and fill D's
 * operands, or leave D->fn as the generic dispatcher. */
static void specialise(DecodedInsn *d, u32 insn, unsigned pat)
{
    switch (pat) {
    case A64_PAT_ADDSUB_imm: {
        A_ADDSUB_imm a;
        x_ADDSUB_imm(&a, insn);
        u64 imm = (u64)a.imm12 << (a.sh ? 12 : 0);
        d->rd = (u8)a.rd;
        d->rn = (u8)a.rn;
        if (!a.s) {   /* Rd and Rn 31 are SP */
            d->imm = a.op ? 0 - imm : imm;
            d->fn = a.sf ? f_ADD_imm64 : f_ADD_imm32;
        } else {      /* Rn 31 is SP, Rd 31 is XZR */
            d->imm = imm;
            if (a.op)
                d->fn = a.rd == 31 ? (a.sf ? f_CMP_imm64 : f_CMP_imm32)
                                   : (a.sf ? f_SUBS_imm64 : f_SUBS_imm32);
            else
                d->fn = a.rd == 31 ? (a.sf ? f_CMN_imm64 : f_CMN_imm32)
                                   : (a.sf ? f_ADDS_imm64 : f_ADDS_imm32);
        }
        return;
    }
    case A64_PAT_ADDSUB_reg: {
        A_ADDSUB_reg a;
        x_ADDSUB_reg(&a, insn);
        if (a.shift != 0 || (!a.sf && (a.imm6 & 0x20)) || a.rn == 31 || a.rm == 31)
            return;
        d->rd = (u8)a.rd;
        d->rn = (u8)a.rn;
        d->rm = (u8)a.rm;
        d->aux = (u8)a.imm6;
        if (!a.s) {
            if (a.rd == 31)
                return;
            d->fn = a.op ? (a.sf ? f_SUB_reg64 : f_SUB_reg32) : (a.sf ? f_ADD_reg64 : f_ADD_reg32);
        } else if (a.op) {
            d->fn = a.rd == 31 ? (a.sf ? f_CMP_reg64 : f_CMP_reg32)
                               : (a.sf ? f_SUBS_reg64 : f_SUBS_reg32);
        } else if (a.rd != 31) {
            d->fn = a.sf ? f_ADDS_reg64 : f_ADDS_reg32;
        }
        return;
    }
    case A64_PAT_LOGIC_reg: {
        A_LOGIC_reg a;
        x_LOGIC_reg(&a, insn);
        if ((!a.sf && (a.imm6 & 0x20)) || a.rm == 31)
            return;
        d->rd = (u8)a.rd;
        d->rn = (u8)a.rn;
        d->rm = (u8)a.rm;
        d->aux = (u8)a.imm6;
        if (a.shift != 0 || a.n) {
            if (a.opc != 3 && a.rd != 31 && a.rn != 31) {
                d->imm = a.shift | a.n << 2 | a.opc << 3 | a.sf << 5;
                d->fn = f_LOGIC_shifted;
            }
            return;
        }
        if (a.opc == 1 && a.rn == 31) {   /* MOV (register) */
            if (a.rd != 31)
                d->fn = a.sf ? f_MOV_reg64 : f_MOV_reg32;
            return;
        }
        if (a.rn == 31)
            return;
        if (a.opc == 3) {
            d->fn = a.rd == 31 ? (a.sf ? f_TST_reg64 : f_TST_reg32)
                               : (a.sf ? f_ANDS_reg64 : f_ANDS_reg32);
            return;
        }
        if (a.rd == 31)
            return;
        static const InsnFn logic[3][2] = {
            {f_AND_reg32, f_AND_reg64}, {f_ORR_reg32, f_ORR_reg64}, {f_EOR_reg32, f_EOR_reg64},
        };
        d->fn = logic[a.opc][a.sf];
        return;
    }
    case A64_PAT_LOGIC_imm: {
        A_LOGIC_imm a;
        x_LOGIC_imm(&a, insn);
        u64 wmask, tmask;
        if ((!a.sf && a.n) || !alu_decode_bit_masks(a.n, a.imms, a.immr, true, &wmask, &tmask))
            return;
        d->imm = a.sf ? wmask : (u32)wmask;
        d->rd = (u8)a.rd;
        d->rn = (u8)a.rn;
        if (a.opc == 3) {   /* ANDS: Rd 31 is XZR */
            if (a.rd == 31 && a.rn != 31)
                d->fn = a.sf ? f_TST_imm64 : f_TST_imm32;
            return;
        }
        if (a.rn == 31) {   /* Rn is XZR: only MOV (bitmask immediate) */
            if (a.opc == 1)
                d->fn = f_MOVI;
            return;
        }
        if (a.opc == 0)
            d->fn = f_AND_imm;
        else if (a.opc == 1)
            d->fn = a.sf ? f_ORR_imm64 : f_ORR_imm32;
        else
            d->fn = a.sf ? f_EOR_imm64 : f_EOR_imm32;
        return;
    }
    case A64_PAT_MOVW: {
        A_MOVW a;
        x_MOVW(&a, insn);
        if (a.opc == 1 || (!a.sf && (a.hw & 2)) || a.rd == 31)
            return;
        unsigned sh = a.hw * 16;
        u64 v = (u64)a.imm16 << sh;
        d->rd = (u8)a.rd;
        if (a.opc == 3) {   /* MOVK */
            d->imm = v;
            d->aux = (u8)sh;
            d->fn = a.sf ? f_MOVK64 : f_MOVK32;
            return;
        }
        if (a.opc == 0)     /* MOVN */
            v = ~v;
        d->imm = a.sf ? v : (u32)v;
        d->fn = f_MOVI;
        return;
    }
    case A64_PAT_BITFIELD: {
        A_BITFIELD a;
        x_BITFIELD(&a, insn);
        if (a.opc == 3 || a.opc == 1 || a.sf != a.n || (!a.sf && ((a.immr | a.imms) & 0x20)) ||
            a.rn == 31 || a.rd == 31)
            return;
        d->rd = (u8)a.rd;
        d->rn = (u8)a.rn;
        if (a.opc == 2) {   /* UBFM */
            if (a.imms >= a.immr) {
                d->aux = (u8)a.immr;
                d->imm = mask_bits(a.imms - a.immr + 1);
                d->fn = f_UBFX;
            } else {
                d->aux = (u8)((a.sf ? 64 : 32) - a.immr);
                d->imm = mask_bits(a.imms + 1);
                d->fn = f_UBFIZ;
            }
        } else if (a.imms >= a.immr) {   /* SBFM: SBFX and its aliases */
            d->aux = (u8)(63 - a.imms);
            d->rm = (u8)(64 - (a.imms - a.immr + 1));
            d->fn = a.sf ? f_SBFX64 : f_SBFX32;
        }
        return;
    }
    case A64_PAT_CSEL: {
        A_CSEL a;
        x_CSEL(&a, insn);
        if (a.s || a.op2 >= 2 || a.rd == 31)
            return;
        static const InsnFn csel[2][2] = {{f_CSEL, f_CSINC}, {f_CSINV, f_CSNEG}};
        d->rd = (u8)a.rd;
        d->rn = (u8)a.rn;
        d->rm = (u8)a.rm;
        d->aux = (u8)a.cond;
        d->imm = a.sf ? ~0ull : 0xffffffffull;
        d->fn = csel[a.op][a.op2];
        return;
    }
    case A64_PAT_B_imm: {
        A_B_imm a;
        x_B_imm(&a, insn);
        d->imm = (u64)sextract64(a.imm26, 0, 26) << 2;
        d->fn = a.op ? f_BL : f_B;
        return;
    }
    case A64_PAT_B_cond: {
        A_B_cond a;
        x_B_cond(&a, insn);
        d->imm = (u64)sextract64(a.imm19, 0, 19) << 2;
        d->aux = (u8)a.cond;
        d->fn = f_Bcond;
        return;
    }
    case A64_PAT_CB: {
        A_CB a;
        x_CB(&a, insn);
        if (a.rt == 31)
            return;
        d->rd = (u8)a.rt;
        d->imm = (u64)sextract64(a.imm19, 0, 19) << 2;
        d->fn = a.sf ? (a.op ? f_CBNZ64 : f_CBZ64) : (a.op ? f_CBNZ32 : f_CBZ32);
        return;
    }
    case A64_PAT_TB: {
        A_TB a;
        x_TB(&a, insn);
        if (a.rt == 31)
            return;
        d->rd = (u8)a.rt;
        d->aux = (u8)(a.b5 << 5 | a.b40);
        d->imm = (u64)sextract64(a.imm14, 0, 14) << 2;
        d->fn = a.op ? f_TBNZ : f_TBZ;
        return;
    }
    case A64_PAT_LDST_uimm: {
        A_LDST_uimm a;
        x_LDST_uimm(&a, insn);
        if ((a.rt == 31 && a.opc != 0) || (a.opc > 1 && (a.size == 3 || !ldrs_imm_fn[a.size][a.opc - 2])))
            return;   /* PRFM and the unallocated size/opc pairs stay generic */
        d->rd = (u8)a.rt;
        d->rn = (u8)a.rn;
        d->imm = (u64)a.imm12 << a.size;
        d->fn = a.opc > 1 ? ldrs_imm_fn[a.size][a.opc - 2] : ldst_imm_fn[a.size][a.opc];
        return;
    }
    case A64_PAT_LDST_imm9: {
        A_LDST_imm9 a;
        x_LDST_imm9(&a, insn);
        if ((a.rt == 31 && a.opc != 0) || a.idx == 2)
            return;
        d->rd = (u8)a.rt;
        d->rn = (u8)a.rn;
        d->imm = (u64)sextract64(a.imm9, 0, 9);
        if (a.opc > 1) {   /* LDURS*: PRFUM, writeback and unallocated ones stay generic */
            if (a.idx == 0 && a.size != 3 && ldrs_imm_fn[a.size][a.opc - 2])
                d->fn = ldrs_imm_fn[a.size][a.opc - 2];
            return;
        }
        d->fn = a.idx == 0 ? ldst_imm_fn[a.size][a.opc]
              : a.idx == 1 ? ldst_post_fn[a.size][a.opc] : ldst_pre_fn[a.size][a.opc];
        return;
    }
    case A64_PAT_LDST_reg: {
        A_LDST_reg a;
        x_LDST_reg(&a, insn);
        if (a.opc > 1 || (a.rt == 31 && a.opc != 0) || a.rm == 31 ||
            (a.option != 2 && a.option != 3 && a.option != 6))
            return;
        d->rd = (u8)a.rt;
        d->rn = (u8)a.rn;
        d->rm = (u8)a.rm;
        d->aux = (u8)(a.s ? a.size : 0);
        d->fn = a.option == 3 ? ldst_reg_fn[a.size][a.opc]
              : a.option == 2 ? ldst_uxtw_fn[a.size][a.opc] : ldst_sxtw_fn[a.size][a.opc];
        return;
    }
    case A64_PAT_LDST_pair: {
        A_LDST_pair a;
        x_LDST_pair(&a, insn);
        if ((a.opc != 0 && a.opc != 2) || a.rt == 31 || a.rt2 == 31)
            return;
        unsigned scale = a.opc == 2 ? 3 : 2;
        d->rd = (u8)a.rt;
        d->rm = (u8)a.rt2;
        d->rn = (u8)a.rn;
        d->imm = (u64)sextract64(a.imm7, 0, 7) << scale;
        d->fn = ldstp_fn[a.opc >> 1][a.idx][a.l];
        return;
    }
    default:
        return;
    }
}

void a64_predecode(DecodedInsn *d, u32 insn)
{
    const DecodePattern *p = a64_decode(insn);
    d->insn = insn;
    d->rd = d->rn = d->rm = d->aux = 0;
    d->imm = 0;
    d->fn = p ? p->fn : a64_unallocated;
    if (p)
        specialise(d, insn, (unsigned)(p - a64_patterns));
}
