/*
 * machine/checkpoint.h — in-memory checkpoints of the running machine for
 * reverse execution (gdbstub/reverse.c): every K steps, at a round end, the
 * machine state other than RAM (machine/snapshot.h snapshot_save_state) and
 * a copy of the RAM pages written since the previous checkpoint (dirty-page
 * tracking: MemRegion.ckpt_dirty, marked where the digest's dirty bits are).
 * The first checkpoint holds every page that is not zero.
 *
 * Restoring checkpoint J writes back only the pages that differ between the
 * current state and J (those written since the checkpoint the current state
 * last matched, and those of the checkpoints in between), each from its
 * newest copy at or before J.  Memory is bounded by a budget: when a new
 * checkpoint goes over it, the checkpoint whose neighbours are closest is
 * merged into the next one (its pages move there unless that one has its
 * own copy), so checkpoints thin out with age (never the first or the
 * newest).
 *
 * Determinism makes a checkpoint valid until the debugger changes the
 * machine (a register or memory write): checkpoint_truncate() then drops
 * those after the current round.
 */
#ifndef EMU_MACHINE_CHECKPOINT_H
#define EMU_MACHINE_CHECKPOINT_H

#include "machine/machine.h"

/* What the debugger needs to know of checkpoint J. */
typedef struct CkptInfo {
    u64 steps;                   /* Machine.steps: the round end it was taken at */
    u64 icount[HS_MAX_CPUS];     /* each core's instructions retired then */
} CkptInfo;

/* Enable checkpoints on M every EVERY steps (rounded up to a quantum) within
 * BUDGET bytes, and take the first one now (M not yet run, or at a round
 * end: AT_ROUND_END).  False with ERR if out of memory. */
bool checkpoint_enable(Machine *m, u64 every, u64 budget, bool at_round_end, char *err, size_t errlen);
/* Whether checkpoints are on. */
bool checkpoint_enabled(const Machine *m);
/* Called by the round_end hook (machine/snapshot.c): take a checkpoint if
 * one is due and none exists for this step; if one exists (re-execution
 * after going back), note that the state matches it. */
void checkpoint_round_end(Machine *m);
/* Number of checkpoints and the information of the J-th (0 = oldest). */
unsigned checkpoint_count(const Machine *m);
const CkptInfo *checkpoint_info(const Machine *m, unsigned j);
/* Restore checkpoint J into M (RAM, cores, devices, time); the scheduler
 * must then abandon the round it is in (Machine.restart_round).  False with
 * ERR if a device refuses its state (M is then unusable). */
bool checkpoint_restore(Machine *m, unsigned j, char *err, size_t errlen);
/* The machine was changed by the debugger at a point after round end STEPS:
 * drop every checkpoint taken after it. */
void checkpoint_truncate(Machine *m, u64 steps);
/* Bytes held (page copies and states), and the budget. */
u64 checkpoint_bytes(const Machine *m, u64 *budget);
/* Free every checkpoint of M (machine/snapshot.c snapshot_at_exit). */
void checkpoint_free(Machine *m);

#endif
