/*
 * cpu/machine_core.h — the machine as the cores see it: the cores, the
 * physical address map, virtual time, run options, traces, and the hooks
 * through which the layers above (devices, firmware, debugger, board) are
 * told of events without the cores calling them by name.
 *
 * Layering: cpu/, mmu/, exceptions/ and trace/ include this header and never
 * anything of devices/, firmware/, gdbstub/ or machine/.  Those folders sit
 * above: they call down into the cores and install MachineHooks; the
 * scheduler, clocks and device registry live in machine/machine.c.
 */
#ifndef EMU_CPU_MACHINE_CORE_H
#define EMU_CPU_MACHINE_CORE_H

#include "common/common.h"
#include "cpu/cpu.h"
#include "mmu/physmem.h"

#define HS_MAX_CPUS 32

/* Trace categories (--trace). */
enum {
    TRACE_INSN = 1u << 0,
    TRACE_EXC = 1u << 1,
    TRACE_PSCI = 1u << 2,
    TRACE_MMIO = 1u << 3,
    TRACE_GIC = 1u << 4,
    TRACE_TIMER = 1u << 5,
    TRACE_MMU = 1u << 6,
    TRACE_SCHED = 1u << 7,
    TRACE_REGS = 1u << 8,
    TRACE_UNIMP = 1u << 9,  /* unimplemented instructions/registers (always logged once) */
    TRACE_VIRTIO = 1u << 10, /* virtio: queue notifications, requests and their status, ring errors */
};

/* Bits of Cpu-independent "slow path" requests polled by the run loop. */
enum {
    SLOW_TRACE = 1u << 0,
    SLOW_BREAK = 1u << 1,    /* a debugger wants every instruction (MachineHooks.insn_check) */
    SLOW_STOP = 1u << 2,
    SLOW_TARMAC = 1u << 3,   /* --tarmac: data accesses stay on the MMU slow path */
};

/* longjmp value for Cpu.exc_jmp that abandons the current instruction
 * without retiring it (PC unchanged): a debugger stops before a watched
 * access.  (Value 1 means "an exception was taken".) */
#define CPU_JMP_ABORT 2

/* The instruction that reaches the built-in EL3 firmware (SMCCC conduit). */
typedef enum Conduit { CONDUIT_NONE, CONDUIT_SMC, CONDUIT_HVC } Conduit;

/*
 * Hooks: how the cores reach what sits above them.  Each is installed by its
 * owner (gdbstub, power controller, firmware, interrupt controller) and is
 * NULL when that owner is absent; a NULL hook costs one test on a path that
 * is already slow.  OPAQUE pointers are the installer's.
 */
typedef struct MachineHooks {
    /* Debugger.  insn_check: before each instruction of C while SLOW_BREAK
     * is set; returns true to end C's slot now (a stop, or a frozen core).
     * mem_watch: a data access on the MMU slow path while SLOW_BREAK is set
     * (VA, SIZE bytes, WRITE, MEMF_* FLAGS); may longjmp(CPU_JMP_ABORT) to
     * abandon the instruction.  slot_stop: after C's slot ended early on a
     * debugger stop, outside the interpreter (no exception frame active):
     * serve the debugger; returns true if C may go on with the rest of its
     * slot.  poll: once per round; returns true if the machine must stop. */
    bool (*insn_check)(void *opaque, Cpu *c);
    void (*mem_watch)(void *opaque, Cpu *c, u64 va, unsigned size, bool write, unsigned flags);
    bool (*slot_stop)(void *opaque, Cpu *c);
    bool (*poll)(void *opaque, Machine *m);
    void *debug_opaque;

    /* Power.  wfi: C executes WFI; returns true if the hook took it (e.g. a
     * pending power-off request powered C off).  wake: C is off or suspended
     * and nothing architectural wakes it; returns true if the hook powered it
     * on (it set the core's state, and its power to CORE_ON or, to be
     * started by the scheduler at once, CORE_ON_PENDING). */
    bool (*wfi)(void *opaque, Cpu *c);
    bool (*wake)(void *opaque, Cpu *c);
    void *power_opaque;

    /* Built-in EL3 firmware (SMCCC/PSCI): firmware_call handles an HVC/SMC
     * on CONDUIT (Machine.psci_conduit) with immediate IMM; wrong_conduit is
     * told of an HVC/SMC that takes its architectural path instead (for a
     * trace warning). */
    void (*firmware_call)(void *opaque, Cpu *c, Conduit conduit, u16 imm);
    void (*wrong_conduit)(void *opaque, Cpu *c, Conduit used);
    void *firmware_opaque;

    /* Semihosting (HLT #0xF000): handle the call in W0/X1 of C. */
    void (*semihost)(void *opaque, Cpu *c);
    void *semihost_opaque;

    /* Interrupt controller.  irq_refresh: recompute C's interrupt lines
     * (Cpu.irq_lines) now (after a core reset or power-on).  async_refresh:
     * called by exc_check_async() before it samples Cpu.irq_lines, for a
     * controller whose IRQ/FIQ choice depends on the core's EL and security
     * state (GICv3, IHI 0069 4.6.2). */
    void (*irq_refresh)(void *opaque, Cpu *c);
    void (*async_refresh)(void *opaque, Cpu *c);
    void *intc_opaque;

    /* Snapshots and checkpoints (machine/snapshot.h).  round_end: at the end
     * of every round, after the steps advanced and the digest checkpoint,
     * before --stop-after and the debugger's poll: the machine is then at a
     * state a snapshot can capture (Machine.round_ran says whether a core
     * ran).  It may replace the machine state and set Machine.restart_round. */
    void (*round_end)(void *opaque, Machine *m);
    void *round_opaque;
} MachineHooks;

struct Device;

struct Machine {
    unsigned ncpu;
    Cpu *cpu[HS_MAX_CPUS];

    MemRegion region[HS_MAX_REGIONS];
    unsigned nregions;
    u64 ram_base, ram_size;

    /* Time: virtual nanoseconds, derived only from instructions retired
     * (machine_now_ns / machine_step below). */
    u64 steps;                /* virtual instruction time: quantum x rounds run */
    u64 quantum;              /* round-robin slot, instructions */
    u64 ns_per_insn;          /* virtual ns per retired instruction */
    u64 round_start_ns;       /* virtual time at the start of this round */

    /* Determinism checkpoints (trace/digest.c): digest every N steps. */
    u64 digest_every;
    u64 next_digest;
    void *digest;             /* DigestState */
    void *steplog;            /* StepLog (trace/steplog.c), NULL when off */
    void *tarmac;             /* Tarmac (trace/tarmac.c), NULL when off */

    /* Exit. */
    u64 stop_after;           /* stop (exit code 4) once steps reach this; 0 = never */
    bool exit_requested;
    int exit_code;
    bool reset_requested;

    /* Firmware. */
    Conduit psci_conduit;     /* built-in PSCI conduit, or NONE (guest EL3 firmware) */
    unsigned boot_el;         /* EL the loaded program starts at */
    u64 dtb_addr;             /* where the DTB was placed (0: none) */

    /* Global exclusive monitor: number of cores holding a reservation. */
    unsigned excl_holders;

    /* Traces: TRACE_* mask and output. */
    u32 trace;
    void *trace_file;         /* FILE *; stderr by default */
    u32 slow;                 /* SLOW_* bits; nonzero sends the loop to its slow path */

    /* Hooks of the layers above (see MachineHooks). */
    MachineHooks hooks;

    /* Clocked devices (machine/machine.c machine_add_clock): TICK is called
     * at every round boundary with the virtual time (ns); DEADLINE returns
     * the next time (ns) the device needs a tick (UINT64_MAX for none), used
     * to skip idle time. */
    struct {
        void (*tick)(void *opaque, u64 now_ns);
        u64 (*deadline)(void *opaque);
        void *opaque;
    } clock[16];
    unsigned nclock;

    /* Called when every core sleeps and no device has a deadline: may block
     * on host input (UART); returns true if the run should go on. */
    bool (*idle_wait)(void *opaque, Machine *m);
    void *idle_opaque;
    /* Record/replay state (machine/record.c), NULL when off. */
    void *record;
    void *replay;

    /* Character devices and the human monitor (machine/chardev.c,
     * machine/monitor.c), NULL when absent.  PAUSED: the monitor's "stop":
     * no core runs and virtual time stands still until "cont". */
    void *chardevs;
    void *monitor;
    bool paused;

    /* Device registry (devices/device.h, machine/machine.c). */
    struct Device *dev[64];
    unsigned ndev;
    /* The interrupt controller (devices/gic), opaque here. */
    void *gic;
    bool gic_sysregs;         /* GICv3 system register interface present (ID_AA64PFR0_EL1.GIC) */

    /* Disassembler handle (trace/), created on first use. */
    void *capstone;
    /* Unimplemented-feature messages already logged (hashes). */
    u64 unimp_seen[64];

    /* CPU model and the cores' configuration inputs (cpu/cpu_model.h). */
    const struct CpuModel *cpu_model;   /* -cpu; NULL = Cortex-A53 */
    u64 periphbase;           /* PERIPHBASE input, read in CBAR_EL1 (QEMU virt: the GIC distributor) */

    /* Per-machine system register index (cpu/sysreg.c). */
    const struct SysRegDesc **sysreg_index;

    /* Core machine_run() is running now (NULL between slots): the clock of
     * power changes one core makes to another (cpu/power.c). */
    Cpu *current;

    /* Snapshots and time travel (machine/snapshot.h, machine/machine.c).
     * round_ran: a core ran in the round that just ended.  tail_pending:
     * the state is that of a round end whose time advance has not happened
     * yet (a loaded snapshot, a stop at --stop-after): machine_run() does it
     * first.  restart_round: the state was just replaced by a round-end
     * state mid-round; the scheduler abandons the current round. */
    bool round_ran;
    bool tail_pending;
    bool restart_round;
    /* Schedule exploration (--schedule-seed, machine/machine.c): nonzero
     * varies each round's core order and slot lengths, derived only from
     * the seed and the round's step. */
    u64 sched_seed;

    /* Trace filters (--trace-core/-el/-range), checked only by
     * trace_wanted() (trace/trace.c) where a line is about to print. */
    bool trace_filtered;      /* any of the three below is set */
    u64 trace_cores;          /* bit N: trace core N; 0 = every core */
    u32 trace_els;            /* bit N: trace lines of ELN; 0 = every EL */
    bool trace_range;         /* restrict to addresses [trace_lo, trace_hi] */
    u64 trace_lo, trace_hi;   /* inclusive */
    void *trace_regs;         /* per-core register snapshots for --trace regs (lazy) */
};

/* ---- virtual time: the one place it is computed ---- */

/* Instructions core C has run in the current slot (0 between slots or for
 * a NULL core): the quantum minus what is left of its budget. */
static inline u64 machine_slot_ran(const Machine *m, const Cpu *c)
{
    return c && c->budget >= 0 && (u64)c->budget <= m->quantum ? m->quantum - (u64)c->budget : 0;
}

/* Global step number of core C's current instruction (for traces). */
static inline u64 machine_step(const Machine *m, const Cpu *c)
{
    return m->steps + machine_slot_ran(m, c);
}

/* Virtual time of core C, ns: the round start plus what C ran this round. */
static inline u64 machine_now_ns(const Machine *m, const Cpu *c)
{
    return m->round_start_ns + machine_slot_ran(m, c) * m->ns_per_insn;
}

/* Register a clocked device or CPU feature: TICK(opaque, now_ns) at every
 * round boundary, DEADLINE(opaque) the next virtual time (ns) it needs a
 * tick or UINT64_MAX (NULL: none), used to skip idle time.  The scheduler
 * (machine/machine.c) calls them. */
static inline void machine_add_clock(Machine *m, void (*tick)(void *, u64), u64 (*deadline)(void *),
                                     void *opaque)
{
    emu_assert(m->nclock < ARRAY_SIZE(m->clock));
    m->clock[m->nclock].tick = tick;
    m->clock[m->nclock].deadline = deadline;
    m->clock[m->nclock].opaque = opaque;
    m->nclock++;
}

/* Run core C for up to N instructions (cpu/run.c). Returns instructions run. */
u64 cpu_run(Cpu *c, u64 n);

/* Wake core C if it sleeps in WFI/WFE and its architectural wake-up
 * condition holds (Arm ARM D1.16.2); true if it is now running (cpu/run.c). */
bool cpu_try_wake(Cpu *c);

#endif
