/*
 * cpu/debug.h — self-hosted debug events (Arm ARM D2): hardware
 * breakpoints and watchpoints.  ID_AA64DFR0_EL1 advertises what a
 * Cortex-A53 has: 6 breakpoints (BRPs=5), of which the last 2 (4 and 5)
 * are context-aware (CTX_CMPs=1), and 4 watchpoints (WRPs=3).
 *
 * Breakpoint types (DBGBCR<n>.BT, D2.9, AArch64.BreakpointValueMatch):
 * 0b0000 unlinked and 0b0001 linked instruction address match (any
 * breakpoint); on a context-aware one also 0b0010/0b0011 unlinked/linked
 * context ID match (CONTEXTIDR_EL1 == DBGBVR[31:0] at EL0/EL1), and with
 * EL2 implemented 0b1000/0b1001 VMID match (VTTBR_EL2.VMID[7:0] ==
 * DBGBVR[39:32] at EL0/EL1, EL2 enabled) and 0b1010/0b1011 VMID + context
 * ID match.  Other types (address mismatch, VHE context types) and context
 * types on a breakpoint that is not context-aware are reserved and never
 * match.  A linked address breakpoint or a linked watchpoint (DBGWCR.WT=1)
 * fires only when the context-aware breakpoint its LBN names is enabled,
 * of a linked context type, and matches (AArch64.StateMatch); an LBN
 * naming another breakpoint never matches.  Linked context breakpoints
 * never fire on their own; unlinked context ones fire on every
 * instruction executed in the matching context.
 * Every type also needs E, PMC, HMC and SSC (EL0 if PMC[1], EL1 if PMC[0],
 * EL2 if HMC; SSC=01 Non-secure only, 10 Secure only); address types need
 * a non-zero BAS (any matches an A64 instruction).  Enabled per
 * AArch64.GenerateDebugExceptionsFrom
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
 * Not implemented: halting debug; a watchpoint at EL1 checks PAC[0] also
 * for unprivileged (LDTR/STTR) accesses.
 */
#ifndef EMU_CPU_DEBUG_H
#define EMU_CPU_DEBUG_H

#include "cpu/cpu.h"

/* Breakpoints (DBGBVR/DBGBCR<n>_EL1, n < DBG_NUM_BRPS), the context-aware
 * ones from DBG_FIRST_CTX_BRP on, watchpoints (n < DBG_NUM_WRPS).  Cpu's
 * dbgbvr[]/dbgbcr[]/dbgwvr[]/dbgwcr[] arrays have these sizes. */
#define DBG_NUM_BRPS 6
#define DBG_FIRST_CTX_BRP 4
#define DBG_NUM_WRPS 4

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
