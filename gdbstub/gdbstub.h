/*
 * gdbstub/gdbstub.h — GDB Remote Serial Protocol server (all-stop mode).
 *
 * Every core is a gdb thread (thread id = core index + 1) named
 * "CPU#n [state] ELx Secure|Non-secure".  The stub listens on a TCP port
 * (127.0.0.1 unless a host is given) or a Unix socket; the scheduler polls
 * it once per round (MachineHooks.poll) and, while the machine is stopped,
 * the stub blocks in its own packet loop — always outside the interpreter:
 * a breakpoint met mid-slot ends the core's slot and the stop is served by
 * MachineHooks.slot_stop.  Breakpoints and watchpoints cost nothing while
 * none is set: only then is SLOW_BREAK set in Machine.slow, which sends
 * every instruction through gdb_insn_hook() (cpu/run.c slow path) and every
 * data access through gdb_watch_hook() (mmu/tlb.c slow paths; the TLB
 * refuses to cache pages while SLOW_BREAK is set).
 *
 * Choices (documented for users):
 *  - Memory packets (m/M/X) use virtual addresses translated by the selected
 *    thread's current translation regime (stage 1 + stage 2), ignoring
 *    permissions as a debugger does; a translation fault answers E14.
 *    `monitor phys on` or Qqemu.PhyMemMode:1 switch to physical addresses.
 *    MMIO is never touched by the debugger (E14): reading a device register
 *    could have side effects (clear-on-read status, FIFO pops).
 *  - A gdb that disconnects without D (killed, connection lost) is treated
 *    as a detach: breakpoints/watchpoints are dropped, the guest runs on,
 *    and the stub accepts a new connection (QEMU keeps the guest stopped).
 *    A new connection stops the machine (gdb expects a stopped target).
 *  - Stepping a thread runs exactly one instruction of that core
 *    (cpu_run(c, 1)); the other cores stay stopped whatever gdb's
 *    scheduler-locking setting is.  Stepping or continuing only cores that
 *    cannot run (off, on-pending, or WFI/WFE for a step) answers at once
 *    with a console message and a stop reply.
 *  - Watchpoints stop *before* the access (PC at the accessing instruction,
 *    as AArch64 hardware watchpoints do: gdb steps over them).
 *  - While the guest runs, only Ctrl-C (0x03) is acted on; any complete
 *    packet is answered E16 (busy).
 */
#ifndef EMU_GDBSTUB_GDBSTUB_H
#define EMU_GDBSTUB_GDBSTUB_H

#include "cpu/cpu.h"
#include "machine/machine.h"

/*
 * Start the stub for machine M.  SPEC: "tcp::PORT", "tcp:HOST:PORT" or
 * "unix:PATH" (QEMU's ",server", ",nowait", ",server=on", ",wait=off"
 * suffixes are accepted and ignored).  PORT 0 picks a free port.  The
 * listening address is printed on stderr ("hyperstep: gdb stub listening on
 * tcp:127.0.0.1:1234").  WAIT (-S): stop before the first instruction and
 * wait for a debugger.  Returns false after printing one clear error.
 */
bool gdb_init(Machine *m, const char *spec, bool wait);

/* Tell a connected gdb the machine exited (W packet with m->exit_code),
 * close the sockets and free the stub.  Safe when no stub exists. */
void gdb_destroy(Machine *m);

/* The stub's MachineHooks (installed by gdb_init; OPAQUE is the stub).
 * poll: once per round: accept a connection, notice Ctrl-C or a lost
 * connection; may block in the stop loop.  Returns true if the machine
 * must stop running (gdb sent k).
 * insn_hook (MachineHooks.insn_check, only while SLOW_BREAK is set): before
 * core C executes the instruction at c->pc.  Returns true if C must leave
 * its slot: a frozen core (scheduler-locked resume), kill, or a stop
 * (breakpoint, watchpoint, -S), which it records for slot_stop.
 * slot_stop: serves the recorded stop (the stop loop) outside the
 * interpreter; true if C may run the rest of its slot.
 * watch_hook (MachineHooks.mem_watch): a load (WRITE false) or store of
 * SIZE bytes at virtual address VA.  If it hits a watchpoint, records the
 * event and longjmps with CPU_JMP_ABORT so the instruction is not executed.
 * FLAGS are the MEMF_* of the access (address-translation and debugger
 * accesses are ignored). */
bool gdb_poll(void *opaque, Machine *m);
bool gdb_insn_hook(void *opaque, Cpu *c);
bool gdb_slot_stop(void *opaque, Cpu *c);
void gdb_watch_hook(void *opaque, Cpu *c, u64 va, unsigned size, bool write, unsigned flags);

/* "CPU#n [state] ELx Secure|Non-secure" into BUF (N bytes); returns BUF. */
const char *gdb_thread_name(const Cpu *c, char *buf, size_t n);

/* Decode ESR_ELx value ESR into BUF: exception class name and the ISS
 * fields that matter for it (Arm ARM D17.2.37), e.g. "Data Abort (lower EL):
 * write, Translation fault level 2, ISV=1 SAS=8 bytes Xt=3".  Returns BUF. */
const char *gdb_decode_esr(Machine *m, u32 esr, char *buf, size_t n);

#endif
