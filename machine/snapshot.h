/*
 * machine/snapshot.h — the whole machine saved and restored: every core's
 * architectural state and run state, RAM, every device through the registry
 * (devices/device.h save/load), virtual time and the scheduler position, and
 * the record/replay input position.
 *
 * A snapshot is taken at a round end (MachineHooks.round_end, after the
 * digest checkpoint of that step): the scheduler position is then "round
 * finished, time advance pending" (Machine.tail_pending), so a snapshot
 * names one point of the deterministic schedule, the global step
 * Machine.steps.  Loading it and running on gives the same digests as the
 * run that saved it (tests/replay/snapshot_test.py).
 *
 * File (--snapshot-save F[@STEP], --snapshot-load F):
 *   "hyperstep-snapshot\n"                     magic, 19 bytes
 *   u32 format version (SNAPSHOT_FORMAT)
 *   u16 + bytes   hyperstep version (HS_VERSION)
 *   u64           size of a core's architectural state in this build
 *   u32 + bytes   identity: the command line without observer options and
 *                 --stop-after, and the "image OPTION FILE HASH" lines
 *                 (machine/virt/options.h snapshot_ident)
 *   one zstd frame (with checksum) holding:
 *     u64 + bytes state (snapshot_save_state)
 *     u32 RAM regions, each: u16 + name, u64 base, u64 size, the region's
 *       digest dirty bitmap, u64 page count, then (u32 page index, 4096
 *       bytes) for every page that is not all zero
 *     u32 end marker "SEND"
 * All integers little-endian.  A file that is not a snapshot, of another
 * format version or hyperstep version, of another build layout, of other
 * images or options, truncated or corrupt is refused with one message
 * naming which.
 */
#ifndef EMU_MACHINE_SNAPSHOT_H
#define EMU_MACHINE_SNAPSHOT_H

#include "common/savebuf.h"
#include "machine/machine.h"

#define SNAPSHOT_FORMAT 1u

/* Everything of M but RAM, at a round end: machine time and scheduler
 * position, every core (architectural state up to end_reset_fields, icount,
 * power state and cause, interrupt lines), every device (registry), the
 * replay position.  TAIL: M is at a round end whose time advance is still
 * to come (the round_end hook, --stop-after), else at the start of a round
 * (before the first one).  False if out of memory (B.oom). */
bool snapshot_save_state(Machine *m, SaveBuf *b, bool tail);

/* Restore what snapshot_save_state() wrote into M (built from the same
 * options).  Every value is checked; on a malformed or foreign input,
 * false with ERR naming what differs (M is then partly restored: the caller
 * discards it).  Flushes every soft TLB; M resumes with the saved
 * round end's time advance (Machine.tail_pending) or at a round start. */
bool snapshot_load_state(Machine *m, LoadBuf *b, char *err, size_t errlen);

/* Write a snapshot of M (at a round end) to PATH; IDENT is the identity text
 * (options and image hashes).  False with ERR on an I/O error. */
bool snapshot_write_file(Machine *m, const char *path, const char *ident, char *err, size_t errlen);
/* Load PATH into M, which was built from the options IDENT describes.
 * False with one clear message in ERR for a missing, foreign, truncated or
 * corrupt file, another format or hyperstep version, another build layout,
 * or other options/images. */
bool snapshot_read_file(Machine *m, const char *path, const char *ident, char *err, size_t errlen);

/* --snapshot-save PATH@STEP: write the snapshot at the first round end at or
 * after global step STEP (0: at exit, see snapshot_at_exit).  Installs the
 * round_end hook (this module owns it).  False if out of memory. */
bool snapshot_save_at(Machine *m, const char *path, u64 step, const char *ident);
/* At exit: write the pending --snapshot-save without a step if the run
 * ended at a round end (--stop-after); otherwise (the guest ended the run), or if a
 * --snapshot-save PATH@STEP never reached STEP, say so on stderr and return
 * false.  Frees the snapshot control state of M either way. */
bool snapshot_at_exit(Machine *m);
/* Free the snapshot control state and checkpoints of M without writing
 * anything (a run that fails before it starts).  NULL or nothing: no-op. */
void snapshot_discard(Machine *m);

/* Resident-page map of RAM region R (mincore: one byte per 4 KiB page, bit 0
 * set if the host ever touched it; the others read as zero), or NULL when
 * unavailable.  Caller frees. */
u8 *snapshot_resident_map(const MemRegion *r);
/* Where machine/checkpoint.c keeps its store (in this module's control
 * state, created with the round_end hook on first use); NULL if out of
 * memory.  ROUND (called at every round end while the store is set) and
 * RELEASE (at snapshot_at_exit) are registered when not NULL. */
void **snapshot_checkpoint_slot(Machine *m, void (*round)(Machine *), void (*release)(Machine *));

#endif
