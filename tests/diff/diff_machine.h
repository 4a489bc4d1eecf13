/*
 * tests/diff/diff_machine.h — test-support API: a bare hyperstep Machine for
 * differential testing (one Cortex-A53 core at EL1h, MMU off, RAM window),
 * without the virt board's devices, firmware or image loading.
 */
#ifndef EMU_TESTS_DIFF_DIFF_MACHINE_H
#define EMU_TESTS_DIFF_DIFF_MACHINE_H

#include "machine/machine.h"

/* One core (no EL2/EL3) at EL1h with DAIF masked, SCTLR_EL1 at reset (MMU
 * off), RAM of RAM_SIZE bytes at RAM_BASE (page multiples).  Returns NULL
 * on host allocation failure. */
Machine *diffm_create(u64 ram_base, u64 ram_size);
/* Free what diffm_create allocated (the RAM reservation is left to exit). */
void diffm_destroy(Machine *m);

#endif
