/*
 * cpu/exec_ldst.c — loads and stores of general-purpose registers, Arm ARM
 * C4.1.4 "Loads and Stores" / C6.2 (ARMv8.0-A): unsigned offset, unscaled,
 * pre/post-index, unprivileged, register offset, literal, pairs (incl.
 * non-temporal and LDPSW), exclusives and load-acquire/store-release.
 * SIMD&FP (V=1) forms live elsewhere (decoder/a64_simd_ldst.decode).
 *
 * CONSTRAINED UNPREDICTABLE choices (Arm ARM K1.2.x / the "CONSTRAINED
 * UNPREDICTABLE behavior" notes of each instruction), all matching what
 * QEMU 7.2 does for these encodings (checked with qemu-aarch64 7.2, and by
 * tests/unit/test_exec_ldst.c):
 *  - load with writeback, Rn == Rt (Rn != SP): the load happens and then the
 *    writeback: Rn ends up holding the written-back address.
 *  - store with writeback, Rn == Rt (Rn != SP): the value stored is the
 *    register's value before the instruction (no UNKNOWN value).
 *  - LDP/LDPSW/LDNP with Rt == Rt2: the register gets the value from the
 *    lower address (Rt's element); with writeback and Rn == Rt or Rt2 the
 *    writeback wins, as for single loads.
 *  - LDXP/LDAXP with Rt == Rt2: Rt2's element (higher address) wins.
 *  - STXR/STXP with Ws == Rt/Rt2: the original register value is stored,
 *    then Ws receives the status.  Ws == Rn (Rn != SP): the original address
 *    is used, then Ws receives the status.
 *  - LDXR/LDAR Rs/Rt2 fields that should be 0b11111 are ignored.
 * IMPLEMENTATION DEFINED / pseudocode-order choices for store-exclusive:
 * an unaligned address always takes the Alignment fault (QEMU 7.2 instead
 * fails silently when no reservation matches); with no reservation at all
 * the store fails without translating (no MMU fault), as IsExclusiveVA()
 * may report; the reservation granule is 64 bytes (CTR_EL0.ERG).
 */
#include "cpu/exclusive.h"
#include "cpu/ldst.h"

static inline MmuIdx cur_idx(const Cpu *c)
{
    return (MmuIdx)c->mmu_idx;
}

/* Load/store of a general register: OPC per C4.1.4 (00 store, 01 load zero-
 * extended, 10 load signed to 64, 11 load signed to 32). */
static inline void ldst_gpr(Cpu *c, unsigned size, unsigned opc, unsigned rt, u64 addr, MmuIdx idx)
{
    unsigned bytes = 1u << size;
    if (opc == 0) {
        mem_write_idx(c, addr, bytes, xreg(c, rt), idx);
    } else if (opc == 1) {
        set_xreg(c, rt, mem_read_idx(c, addr, bytes, idx));
    } else {
        u64 v = (u64)sextract64(mem_read_idx(c, addr, bytes, idx), 0, 8 * bytes);
        set_xreg(c, rt, opc == 3 ? (u32)v : v);
    }
}

/* PRFM (size=11, opc=10) or an unallocated size/opc combination of the
 * single-register forms?  Returns true for PRFM (a hint: every prfop value,
 * allocated or not, executes as a NOP, C6.2.207); raises UNDEFINED for the
 * unallocated ones (size=11 opc=11, LDRSW-like size=10 opc=11). */
static inline bool ldst_is_prfm(Cpu *c, unsigned size, unsigned opc)
{
    UNDEF_IF(size == 3 && opc == 3, "load/store size=11 opc=11 unallocated");
    UNDEF_IF(size == 2 && opc == 3, "load/store size=10 opc=11 unallocated");
    return size == 3 && opc == 2;
}

void exec_LDST_uimm(Cpu *c, const A_LDST_uimm *a)
{
    if (ldst_is_prfm(c, a->size, a->opc))
        return;   /* PRFM (immediate): hint, no access, no SP check */
    u64 base = ldst_base(c, a->rn);
    ldst_gpr(c, a->size, a->opc, a->rt, base + ((u64)a->imm12 << a->size), cur_idx(c));
}

/* idx: 00 unscaled (LDUR/STUR/PRFUM), 01 post-index, 10 unprivileged
 * (LDTR/STTR), 11 pre-index (C4.1.4). */
void exec_LDST_imm9(Cpu *c, const A_LDST_imm9 *a)
{
    bool prfm = ldst_is_prfm(c, a->size, a->opc);
    u64 off = (u64)sextract64(a->imm9, 0, 9);
    MmuIdx idx = cur_idx(c);
    if (prfm) {
        UNDEF_IF(a->idx != 0, "PRFM with writeback / unprivileged: unallocated");
        return;   /* PRFUM: hint */
    }
    if (a->idx == 2 && c->el == 1)
        idx = mmu_idx_for_el(c, 0);   /* LDTR/STTR at EL1: EL0 permissions (D5.4) */
    u64 base = ldst_base(c, a->rn);
    u64 addr = a->idx == 1 ? base : base + off;
    ldst_gpr(c, a->size, a->opc, a->rt, addr, idx);
    if (a->idx & 1)
        set_xreg_sp(c, a->rn, base + off);   /* writeback after the load (see top) */
}

/* Register offset: option<1>=0 is unallocated; 010 UXTW, 011 LSL/UXTX,
 * 110 SXTW, 111 SXTX; S scales by the access size. */
void exec_LDST_reg(Cpu *c, const A_LDST_reg *a)
{
    UNDEF_IF(!(a->option & 2), "load/store register offset with option<1>=0");
    if (ldst_is_prfm(c, a->size, a->opc))
        return;   /* PRFM (register) */
    u64 m = xreg(c, a->rm);
    switch (a->option) {
    case 2: m = (u32)m; break;
    case 6: m = (u64)(s64)(s32)m; break;
    default: break;
    }
    u64 base = ldst_base(c, a->rn);
    ldst_gpr(c, a->size, a->opc, a->rt, base + (m << (a->s ? a->size : 0)), cur_idx(c));
}

/* LDR (literal) W/X, LDRSW (literal), PRFM (literal). */
void exec_LDST_lit(Cpu *c, const A_LDST_lit *a)
{
    if (a->opc == 3)
        return;   /* PRFM (literal): hint */
    u64 addr = c->pc + ((u64)sextract64(a->imm19, 0, 19) << 2);
    if (a->opc == 1)
        set_xreg(c, a->rt, mem_read(c, addr, 8));
    else if (a->opc == 0)
        set_xreg(c, a->rt, mem_read(c, addr, 4));
    else
        set_xreg(c, a->rt, (u64)(s64)(s32)mem_read(c, addr, 4));
}

/* idx: 00 non-temporal (STNP/LDNP), 01 post-index, 10 signed offset,
 * 11 pre-index.  opc: 00 32-bit, 01 LDPSW, 10 64-bit, 11 unallocated. */
void exec_LDST_pair(Cpu *c, const A_LDST_pair *a)
{
    UNDEF_IF(a->opc == 3, "load/store pair opc=11 unallocated");
    UNDEF_IF(a->opc == 1 && (a->idx == 0 || !a->l),
             "load/store pair opc=01: only LDPSW (not non-temporal) is allocated");
    unsigned scale = a->opc == 2 ? 3 : 2, bytes = 1u << scale;
    u64 off = (u64)sextract64(a->imm7, 0, 7) << scale;
    MmuIdx idx = cur_idx(c);
    u64 base = ldst_base(c, a->rn);
    u64 addr = a->idx == 1 ? base : base + off;
    if (a->l) {
        u64 v1 = mem_read_idx(c, addr, bytes, idx);
        u64 v2 = mem_read_idx(c, addr + bytes, bytes, idx);
        if (a->opc == 1) {
            v1 = (u64)(s64)(s32)v1;
            v2 = (u64)(s64)(s32)v2;
        }
        set_xreg(c, a->rt2, v2);
        set_xreg(c, a->rt, v1);   /* Rt == Rt2: the lower element wins (see top) */
    } else {
        u64 v1 = xreg(c, a->rt), v2 = xreg(c, a->rt2);
        store_probe(c, addr, bytes, 2 * bytes, idx);
        mem_write_idx(c, addr, bytes, v1, idx);
        mem_write_idx(c, addr + bytes, bytes, v2, idx);
    }
    if (a->idx & 1)
        set_xreg_sp(c, a->rn, base + off);
}

static NORETURN void align_fault(Cpu *c, u64 va, AccType acc)
{
    Fault f = {.type = FAULT_ALIGNMENT, .level = -1};
    mmu_raise_fault(c, va, acc, MEMF_ALIGN, &f);
}

/* Load-acquire / store-release register (LDAR/STLR, +B/H): natural alignment
 * required (B2.5.2).  The interpreter runs one instruction at a time, so the
 * ordering semantics hold without barriers. */
static void ldar_stlr(Cpu *c, const A_LDST_excl *a)
{
    unsigned bytes = 1u << a->size;
    u64 addr = ldst_base(c, a->rn);
    if (a->l)
        set_xreg(c, a->rt, mem_read_flags(c, addr, bytes, cur_idx(c), MEMF_ALIGN));
    else
        mem_write_flags(c, addr, bytes, xreg(c, a->rt), cur_idx(c), MEMF_ALIGN);
}

/* Load exclusive (LDXR/LDAXR/LDXP/LDAXP): read, then mark the physical
 * granule in the local and global monitor (B2.9.2). */
static void load_excl(Cpu *c, const A_LDST_excl *a, u64 addr, unsigned esize, unsigned total)
{
    MmuIdx idx = cur_idx(c);
    if (addr & (total - 1))
        align_fault(c, addr, ACC_READ);
    u64 v1, v2 = 0;
    if (!a->o1) {
        v1 = mem_read_idx(c, addr, esize, idx);
    } else if (esize == 4) {
        u64 v = mem_read_idx(c, addr, 8, idx);   /* single-copy atomic 2x32 */
        v1 = (u32)v;
        v2 = v >> 32;
    } else {
        v1 = mem_read_idx(c, addr, 8, idx);
        v2 = mem_read_idx(c, addr + 8, 8, idx);
    }
    const u8 *host;
    u64 pa = mmu_probe_pa(c, addr, total, ACC_READ, idx, MEMF_ALIGN | MEMF_EXCL, &host);
    excl_set(c, pa, host, total);
    set_xreg(c, a->rt, v1);
    if (a->o1)
        set_xreg(c, a->rt2, v2);   /* Rt == Rt2: Rt2's element wins (see top) */
}

/* Store exclusive (STXR/STLXR/STXP/STLXP): AArch64.ExclusiveMonitorsPass():
 * alignment fault first; with no reservation the store fails without
 * translating (IsExclusiveVA() false); else translate (faults taken as a
 * write) and compare the physical address and size; always clear the local
 * monitor.  Ws = 0 on success, 1 on failure. */
static void store_excl(Cpu *c, const A_LDST_excl *a, u64 addr, unsigned esize, unsigned total)
{
    MmuIdx idx = cur_idx(c);
    if (addr & (total - 1))
        align_fault(c, addr, ACC_WRITE);
    u64 v1 = xreg(c, a->rt), v2 = a->o1 ? xreg(c, a->rt2) : 0;
    u64 status = 1;
    if (c->excl_size) {
        const u8 *host;
        u64 pa = mmu_probe_pa(c, addr, total, ACC_WRITE, idx, MEMF_ALIGN | MEMF_EXCL, &host);
        if (excl_check(c, pa, total)) {
            if (!a->o1) {
                mem_write_idx(c, addr, esize, v1, idx);
            } else if (esize == 4) {
                mem_write_idx(c, addr, 8, (u32)v1 | v2 << 32, idx);
            } else {
                mem_write_idx(c, addr, 8, v1, idx);
                mem_write_idx(c, addr + 8, 8, v2, idx);
            }
            status = 0;
        }
    }
    excl_clear(c);
    set_xreg(c, a->rs, status);
}

/* Load/store exclusive class (C4.1.4): o2:L:o1:o0 select the form. */
void exec_LDST_excl(Cpu *c, const A_LDST_excl *a)
{
    if (a->o2) {
        UNDEF_IF(a->o1, "CAS/CASP (ARMv8.1 LSE) not implemented in ARMv8.0");
        UNDEF_IF(!a->o0, "LDLAR/STLLR (ARMv8.1 LOR) not implemented in ARMv8.0");
        ldar_stlr(c, a);
        return;
    }
    UNDEF_IF(a->o1 && a->size < 2, "CASP (ARMv8.1 LSE) not implemented in ARMv8.0");
    unsigned esize = 1u << a->size;
    unsigned total = a->o1 ? 2 * esize : esize;
    u64 addr = ldst_base(c, a->rn);
    if (a->l)
        load_excl(c, a, addr, esize, total);
    else
        store_excl(c, a, addr, esize, total);
}
