/*
 * trace/tarmac.h — Tarmac text trace (--tarmac F): the format Arm's models
 * write and Arm's tarmac-trace-utilities read.  Per retired instruction:
 *
 *   <t> clk cpu<N> IT (<n>) <va>:<pa-or-va> <opcode> O <ELxh|t>_<s|n> : <disassembly>
 *   <t> clk cpu<N> R X<r> <16 hex>            (each general register written)
 *   <t> clk cpu<N> R SP_EL<n> <16 hex>        (stack pointer written)
 *   <t> clk cpu<N> R CPSR <8 hex>             (PSTATE changed: NZCV/DAIF/EL/SP)
 *   <t> clk cpu<N> E <va> <vector> ...        (exception taken; "E" event line)
 *
 * <t> is the global step (virtual instruction time), <n> the core's own
 * instruction count.  "IT" = instruction taken; an instruction that took a
 * synchronous exception is reported with "IS" (not completed).
 */
#ifndef EMU_TRACE_TARMAC_H
#define EMU_TRACE_TARMAC_H

#include "cpu/machine_core.h"

bool tarmac_setup(Machine *m, const char *path, char *err, size_t errlen);
void tarmac_post(Cpu *c, u64 pc, u32 insn, bool exception);
/* A data access by C of SIZE bytes (1/2/4/8) at VA/PA, VAL = the value read
 * or written (W); buffered and printed as MR<n>/MW<n> after the IT/IS line
 * of the instruction that made it.  Called by the MMU slow paths. */
void tarmac_mem(Cpu *c, u64 va, u64 pa, unsigned size, u64 val, bool w);
void tarmac_finish(Machine *m);

#endif
