/*
 * machine/virt/explore.h — `hyperstep explore -n K [-j J] [--marker TEXT]
 * [--every N] -- ARGS...` (machine/virt/explore.c).
 */
#ifndef EMU_MACHINE_VIRT_EXPLORE_H
#define EMU_MACHINE_VIRT_EXPLORE_H

#include "common/common.h"

/* Run ARGS (argv after "--") with --schedule-seed 1..K in child processes,
 * J at a time, each with its digests (every N steps) and output in a
 * directory under /tmp; print pass/fail per seed (exit status 0, or TEXT
 * in the output), the first failing seed, a passing one and the first
 * digest line where they diverge.  Returns 0 if every seed passes, 1 if
 * one fails or on a usage error. */
int explore_main(int argc, char **argv);

#endif
