/*
 * machine/record.h — record and replay of everything non-deterministic
 * that enters the guest: host input to the character devices (each byte
 * with the chardev and the global step at which it was read,
 * machine/chardev.h: serial input, mux escapes and monitor commands alike)
 * and the host-derived results of
 * semihosting calls (firmware/semihosting/semihosting.h), each with the step
 * of its call.
 *
 * --record F writes:
 *   hyperstep-record v1
 *   version <hyperstep version>
 *   args <the command line, minus options that only observe the run>
 *   image <option> <file> <hash>          (one per loaded file)
 *   hyperstep-digests v1 every=N quantum=Q
 *   in <step> <byte hex> <chardev id>     (host input, in order; without an
 *                                          id: the serial port's chardev)
 *   semi <step> <op> <result> <errno> <hex bytes, or ->   (semihosting)
 *   #<step> c<n> ... / #<step> mem=...    (determinism checkpoints)
 * --replay F checks version, arguments and image hashes (a difference is one
 * clear error naming it, exit 1), feeds the inputs at their steps instead of
 * reading the host, gives semihosting its recorded results in call order
 * (a call at another step or of another operation stops the run with exit
 * status 5), and compares every checkpoint: the first divergent step
 * stops the run with exit status 5 and names the registers that differ.
 */
#ifndef EMU_MACHINE_RECORD_H
#define EMU_MACHINE_RECORD_H

#include "machine/machine.h"

/* Start recording to PATH (checkpoint every EVERY steps).  ARGS is the
 * command line without observer options, IMAGES the "image ..." lines of
 * the loaded files (the board computes both: machine/virt/options.h).
 * False with a message in ERR if PATH cannot be written. */
bool record_start(Machine *m, const char *args, const char *images, const char *path, u64 every,
                  char *err, size_t errlen);
/* Start replaying PATH: its version, ARGS and IMAGES must equal the
 * recorded ones (else false with the difference in ERR). */
bool replay_start(Machine *m, const char *args, const char *images, const char *path,
                  char *err, size_t errlen);
/* The replay's position: host-input events and semihosting results
 * consumed so far (both 0 without --replay).  Part of a snapshot. */
void replay_position(const Machine *m, u64 *in, u64 *semi);
/* Continue the replay from position IN/SEMI (a loaded snapshot or a
 * checkpoint); false if that is past the end of the record. */
bool replay_seek(Machine *m, u64 in, u64 semi);
/* Close the record / free the replay state. */
void record_finish(Machine *m);

#endif
