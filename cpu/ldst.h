/*
 * cpu/ldst.h — helpers shared by the load/store handlers (general-purpose
 * registers in cpu/exec_ldst.c, SIMD&FP ones elsewhere).
 */
#ifndef EMU_CPU_LDST_H
#define EMU_CPU_LDST_H

#include "cpu/cpu_internal.h"

/* CheckSPAlignment() (Arm ARM D1.8.2, pseudocode shared/functions): when
 * the base register is SP (RN == 31) and SP is not 16-byte aligned, take an
 * SP alignment fault (EC 0x26, ISS 0, no FAR) if SCTLR_ELx.SA (EL1-3) or
 * SCTLR_EL1.SA0 (EL0) is set.  Call before computing the address. */
static inline void check_sp_align(Cpu *c, unsigned rn)
{
    if (rn != 31 || !(c->x[31] & 15))
        return;
    bool check = c->el == 0 ? (c->sctlr_el[1] & SCTLR_SA0) : (c->sctlr_el[c->el] & SCTLR_SA);
    if (check)
        exc_take_sync(c, exc_default_target(c), syn(EC_SP_ALIGN, 0), 0, false, c->pc,
                      c->el == 0 ? "SP not 16-byte aligned (SCTLR_EL1.SA0=1)"
                                 : "SP not 16-byte aligned (SCTLR_ELx.SA=1)");
}

/* Base address of a load/store: Xn, or SP (checked by check_sp_align). */
static inline u64 ldst_base(Cpu *c, unsigned rn)
{
    check_sp_align(c, rn);
    return xreg_sp(c, rn);
}

/* Make sure a multi-access store of LEN bytes at ADDR (element ESIZE) will
 * not fault half-way: when it crosses a page, check the first element and
 * then the first byte of the second page (FAR = that address, which is the
 * second element's address when the elements are aligned). */
static inline void store_probe(Cpu *c, u64 addr, unsigned esize, unsigned len, MmuIdx idx)
{
    if (likely(((addr & (TLB_PAGE_SIZE - 1)) + len) <= TLB_PAGE_SIZE))
        return;
    const u8 *h;
    mmu_probe_pa(c, addr, esize, ACC_WRITE, idx, 0, &h);
    mmu_probe_pa(c, (addr + len - 1) & TLB_PAGE_MASK, 1, ACC_WRITE, idx, 0, &h);
}

#endif
