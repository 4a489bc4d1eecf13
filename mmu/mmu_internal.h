/*
 * mmu/mmu_internal.h — private to mmu/: translation table walks.
 */
#ifndef EMU_MMU_MMU_INTERNAL_H
#define EMU_MMU_MMU_INTERNAL_H

#include "mmu/mmu.h"

/* Stage-1 walk of the regime of IDX for VA (Arm ARM D5.2-D5.5). Stage-2 of
 * the table walk itself (S1PTW) is applied inside when HCR_EL2.VM=1. */
bool mmu_walk_s1(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *r, Fault *f);
/* Stage-2 walk for IPA (Arm ARM D5.2.x, VTCR_EL2/VTTBR_EL2). S1PTW marks a
 * walk done on behalf of a stage-1 table access. R->pa is in/out: IPA in. */
bool mmu_walk_s2(Cpu *c, u64 ipa, AccType acc, bool s1ptw, TransResult *r, Fault *f);
/* Is stage 1 of regime IDX enabled (SCTLR.M, HCR_EL2.TGE/DC)? */
bool mmu_s1_enabled(const Cpu *c, MmuIdx idx);
/* Is stage 2 enabled for regime IDX (Non-secure EL1&0 with HCR_EL2.VM)? */
bool mmu_s2_enabled(const Cpu *c, MmuIdx idx);

/* ISS bits [24:14] (ISV, SAS, SSE, SRT, SF, AR) that a Data Abort on the
 * load/store word INSN reports: nonzero (ISV=1) only for a single
 * general-purpose register load/store without writeback, including
 * LDAR/STLR and literal loads; 0 for pairs, exclusives, writeback forms,
 * SIMD&FP and PRFM (Arm ARM D17.2.37).  (mmu/fault.c) */
u32 ldst_iss(u32 insn);

#endif
