/*
 * machine/virt/record.h — record and replay of everything non-deterministic
 * that enters the guest.  Today that is host input to the UART: each byte is
 * stored with the global step at which it entered (uart_input_at).
 *
 * --record F writes:
 *   hyperstep-record v1
 *   version <hyperstep version>
 *   args <the command line, minus options that only observe the run>
 *   image <option> <file> <hash>          (one per loaded file)
 *   hyperstep-digests v1 every=N quantum=Q
 *   in <step> <byte hex>                  (host input, in order)
 *   #<step> c<n> ... / #<step> mem=...    (determinism checkpoints)
 * --replay F checks version, arguments and image hashes (a difference is one
 * clear error naming it, exit 1), feeds the inputs at their steps instead of
 * reading the host, and compares every checkpoint: the first divergent step
 * stops the run with exit status 5 and names the registers that differ.
 */
#ifndef EMU_MACHINE_VIRT_RECORD_H
#define EMU_MACHINE_VIRT_RECORD_H

#include "machine/virt/virt.h"

/* Start recording to PATH (checkpoint every EVERY steps). */
bool record_start(Machine *m, const VirtOptions *o, int argc, char **argv, const char *path, u64 every,
                  char *err, size_t errlen);
/* Start replaying PATH. */
bool replay_start(Machine *m, const VirtOptions *o, int argc, char **argv, const char *path,
                  char *err, size_t errlen);
void record_finish(Machine *m);
/* The "args" line of a record for ARGV (ARGC entries, ARGV[0] the program):
 * the arguments joined by single spaces, minus every option that only
 * observes the run (opt_is_observer) and its value; a value of any other
 * option is copied as it is.  Written into BUF (N bytes, truncated,
 * NUL-terminated). */
void record_args_line(int argc, char **argv, char *buf, size_t n);

#endif
