/*
 * trace/digest.h — determinism checkpoints: every N steps of virtual
 * instruction time, one line per core with its general registers, PC, PSTATE
 * and a hash of the rest of its architectural state (SP_ELx, ELR/SPSR/ESR/FAR,
 * V0-V31, FPCR/FPSR, system registers, power state), and one line with a hash
 * of the memory written since the previous checkpoint.  Two runs with the
 * same inputs print the same lines on any host; --expect-digests compares a
 * run against a stored list and names the first difference.
 */
#ifndef EMU_TRACE_DIGEST_H
#define EMU_TRACE_DIGEST_H

#include <stdio.h>

#include "cpu/machine_core.h"

/* Enable checkpoints every EVERY steps (> 0).  OUT: file to write them to
 * (NULL: the trace output); EXPECT: stored list to compare with (NULL: none).
 * Returns false with ERR filled if a file cannot be opened. */
bool digest_setup(Machine *m, u64 every, const char *out, const char *expect, char *err, size_t errlen);
/* The same on open streams (OUT NULL: the trace output; OWN_OUT: close it
 * at the end; EXPECT is read from its current position and closed at the
 * end; EXPECT_NAME names it in messages). */
bool digest_setup_streams(Machine *m, u64 every, FILE *out, bool own_out, FILE *expect,
                          const char *expect_name, char *err, size_t errlen);
/* After the machine state jumped to step Machine.steps (a loaded snapshot,
 * or a checkpoint restored by the debugger, backwards too):
 * the next checkpoint is the first multiple of the cadence after it, and the
 * expected list (if any) is skipped up to that step, so a run from a
 * snapshot compares with the digests of the straight run. */
void digest_seek(Machine *m);
/* Take a checkpoint now (called by the scheduler at round boundaries).
 * On a mismatch with the expected list: prints the first difference, stops
 * the machine with exit code 5. */
void digest_checkpoint(Machine *m);
/* At exit: a final checkpoint, then fail (exit code 5) if expected lines
 * remain unmatched.  Returns the (possibly updated) exit code. */
int digest_finish(Machine *m, int code);
/* 64-bit hash of LEN bytes, continuing from H (use 0 to start). */
u64 digest_hash(u64 h, const void *p, size_t len);

#endif
