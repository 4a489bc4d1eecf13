/*
 * machine/machine.h — one emulated machine: building it, its scheduler
 * (deterministic round robin), clocks, and its device registry
 * (devices/device.h).  The machine's data is struct Machine
 * (cpu/machine_core.h), which the cores see too.
 */
#ifndef EMU_MACHINE_MACHINE_H
#define EMU_MACHINE_MACHINE_H

#include "common/common.h"
#include "cpu/machine_core.h"

/* A machine with no cores, memory or devices: QUANTUM instructions per
 * slot, NS_PER_INSN virtual ns per instruction, and its system register
 * index (cpu/sysreg.c).  NULL on allocation failure. */
Machine *machine_new(u64 quantum, u64 ns_per_insn);
/* Add NCPU cores (index 0..NCPU-1, MPIDR affinity from MPIDR[i]), each
 * powered off and at its reset state; HAVE_EL2/HAVE_EL3 say which ELs are
 * implemented.  False on allocation failure. */
bool machine_add_cpus(Machine *m, unsigned ncpu, const u64 *mpidr, bool have_el2, bool have_el3);
/* Free M: devices (registry, in reverse order), cores, memory, traces.
 * NULL is allowed. */
void machine_free(Machine *m);

/* Run all cores round-robin until exit; returns the exit code.  Once per
 * round it flushes the trace file and ends the run (status 0, after printing
 * "hyperstep: terminating on signal N from pid P") when a signal caught by
 * machine_catch_signals() has arrived. */
int machine_run(Machine *m);

/* Catch SIGINT, SIGTERM and SIGHUP: the handler only records the signal and
 * its sender; machine_run() notices it at the next round boundary (or when
 * an idle wait is interrupted) and ends the run through the normal exit
 * path, so console, trace, digest and record files are flushed. */
void machine_catch_signals(void);
/* The caught signal not yet acted on, 0 if none. */
int machine_signal_pending(void);

struct pollfd;
/* poll(FDS, N, -1) for an idle wait that a caught signal interrupts without
 * a race: the signals are blocked while the pending flag is checked and
 * unblocked only inside ppoll().  Returns -1 with errno EINTR when a caught
 * signal is pending, otherwise what ppoll() returns. */
int machine_idle_poll(struct pollfd *fds, unsigned n);

#endif
