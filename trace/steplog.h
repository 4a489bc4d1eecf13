/*
 * trace/steplog.h — single-step log: one line per retired instruction with
 * the full register delta, so two runs can be diffed step by step
 * (`hyperstep replay-diff A B` names the first differing step).
 *
 * Line format (one per instruction, in execution order across cores):
 *   c<core> #<n> <pc> <insn> [exc] [reg=value ...]
 * where n counts that core's retired instructions and the registers listed
 * are those whose value changed (x0-x30, sp, nzcv, daif, el, v0-v31 as
 * 32-digit hex, fpsr/fpcr); "exc" marks an instruction that took an
 * exception (the deltas then include the vector PC as pc=).
 */
#ifndef EMU_TRACE_STEPLOG_H
#define EMU_TRACE_STEPLOG_H

#include "cpu/machine_core.h"

/* Open PATH ("-" = stdout) and start logging. False + ERR on failure. */
bool steplog_setup(Machine *m, const char *path, char *err, size_t errlen);
/* Called by the run loop after each retired instruction while logging. */
void steplog_post(Cpu *c, u64 pc, u32 insn, bool exception);
void steplog_finish(Machine *m);

/* `hyperstep replay-diff A B`: compare two step logs (or digest lists);
 * prints the first differing line and the fields that differ.  Returns 0 if
 * identical, 1 if they differ, 2 on an I/O error. */
int replay_diff_main(const char *a, const char *b);

#endif
