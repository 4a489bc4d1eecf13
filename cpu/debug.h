/*
 * cpu/debug.h — self-hosted debug events (Arm ARM D2): hardware
 * breakpoints.  ID_AA64DFR0_EL1 advertises 2 breakpoints and 2 watchpoints.
 *
 * Implemented: unlinked instruction address match breakpoints (DBGBCR<n>.BT
 * = 0b0000) with E, BAS (any non-zero BAS matches an A64 instruction), PMC,
 * HMC and SSC (EL0 if PMC[1], EL1 if PMC[0], EL2 if HMC; SSC=01 Non-secure
 * only, 10 Secure only), enabled per AArch64.GenerateDebugExceptionsFrom
 * (OS lock, OS double lock, MDCR_EL3.SDD, MDSCR_EL1.KDE + PSTATE.D for
 * same-EL targets, routing by MDCR_EL2.TDE / HCR_EL2.TGE) and MDSCR_EL1.MDE.
 * Software step (D2.12): MDSCR_EL1.SS with PSTATE.SS: active-not-pending
 * lets one instruction run, then the Software Step exception (EC 0x32/0x33,
 * ISS ISV=1 and EX = load-exclusive when an instruction was stepped, ISV=0
 * when taken straight after an ERET with SPSR.SS=0; IFSC 0x22)
 * is taken before the next one; SVC/HVC/SMC count as stepped (SPSR.SS=0).
 * Watchpoints (D2.10): DBGWCR<n> E, PAC, LSC, BAS (byte mask within the
 * doubleword at DBGWVR), MASK (2^MASK-byte aligned range), HMC, SSC;
 * checked by the MMU slow paths after translation (translation faults come
 * first) for every data access while one is armed (pages holding a watched
 * address are kept out of the soft TLB).  EC 0x34/0x35, ISS WnR, DFSC
 * 0x22, FAR = the accessed address, ELR = the instruction.
 * Not implemented: context-ID and linked breakpoint/watchpoint types (never
 * match), halting debug.
 */
#ifndef EMU_CPU_DEBUG_H
#define EMU_CPU_DEBUG_H

#include "cpu/cpu.h"

/* Recompute whether any breakpoint is armed (sets/clears PEND_DEBUG). */
void debug_update(Cpu *c);
/* Between instructions while PEND_DEBUG is set: take a pending Software
 * Step exception, or a Breakpoint exception (EC 0x30/0x31, ISS
 * IFSC=0b100010, ELR = PC) if one matches c->pc. */
void debug_check_breakpoint(Cpu *c);
/* True if an armed watchpoint watches any byte of VA's soft-TLB page. */
bool debug_watch_page(const Cpu *c, u64 va);
/* Data access of SIZE bytes at VA (WRITE or read; MMU FLAGS): take the
 * Watchpoint exception if an armed watchpoint matches. */
void debug_check_watchpoint(Cpu *c, u64 va, unsigned size, bool write, unsigned flags);

/* Is software step active at the current EL (MDSCR_EL1.SS and debug
 * exceptions enabled)?  Used by exception entry for SPSR.SS. */
bool debug_step_active(const Cpu *c);

#endif
