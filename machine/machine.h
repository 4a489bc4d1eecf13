/*
 * machine/machine.h — one emulated machine: its cores, physical memory map
 * (RAM, flash, MMIO devices), clock, traces and run options.
 */
#ifndef EMU_MACHINE_MACHINE_H
#define EMU_MACHINE_MACHINE_H

#include "common/common.h"
#include "cpu/cpu.h"

#define HS_MAX_CPUS 32
#define HS_MAX_REGIONS 64

/* An MMIO device callback.  OFF is the byte offset inside the region, SIZE
 * 1/2/4/8 bytes, CPU the accessing core (for banked registers; may be NULL
 * for debugger accesses).  Return false to signal a slave error, which the
 * core takes as a synchronous External abort (DFSC 0x10). */
typedef bool (*MmioRead)(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 *val);
typedef bool (*MmioWrite)(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 val);

/* Predecoded instruction: dispatcher + the raw word it was decoded from.
 * The run loop re-checks the word on every fetch, so code written by the
 * guest is never run stale (the Arm ARM allows a stale fetch until IC IVAU +
 * ISB; we are stricter). 16 bytes. */
typedef struct DecodedInsn {
    void (*fn)(Cpu *c, u32 insn);
    u32 insn;
    u32 pad;
} DecodedInsn;

typedef struct MemRegion {
    const char *name;
    u64 base, size;           /* bytes */
    u8 *host;                 /* RAM/ROM: host memory, else NULL (MMIO) */
    DecodedInsn *code;        /* RAM/ROM: predecode array, one per 4 bytes */
    bool readonly;            /* ROM/flash: writes abort */
    bool secure_only;         /* only reachable from the Secure PA space */
    u8 *dirty;                /* RAM/ROM: one bit per 4 KiB page written since
                                 the last digest checkpoint (trace/digest.c) */
    MmioRead read;
    MmioWrite write;
    void *opaque;
} MemRegion;

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
};

/* Bits of Cpu-independent "slow path" requests polled by the run loop. */
enum {
    SLOW_TRACE = 1u << 0,
    SLOW_BREAK = 1u << 1,
    SLOW_STOP = 1u << 2,
    SLOW_TARMAC = 1u << 3,   /* tracefilt: --tarmac, data accesses stay on the MMU slow path */
};

typedef enum Conduit { CONDUIT_NONE, CONDUIT_SMC, CONDUIT_HVC } Conduit;

struct Machine {
    unsigned ncpu;
    Cpu *cpu[HS_MAX_CPUS];

    MemRegion region[HS_MAX_REGIONS];
    unsigned nregions;
    u64 ram_base, ram_size;

    /* Time: virtual nanoseconds, derived only from instructions retired. */
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
    bool semihosting;
    unsigned boot_el;         /* EL the loaded program starts at */
    u64 dtb_addr;             /* where the DTB was placed (0: none) */

    /* Global exclusive monitor: number of cores holding a reservation. */
    unsigned excl_holders;

    /* Traces: TRACE_* mask and output. */
    u32 trace;
    void *trace_file;         /* FILE *; stderr by default */
    u32 slow;                 /* SLOW_* bits; nonzero sends the loop to its slow path */

    /* Clocked devices: TICK is called at every round boundary with the
     * virtual time (ns); DEADLINE returns the next time (ns) the device needs
     * a tick (UINT64_MAX for none), used to skip idle time. */
    struct {
        void (*tick)(void *opaque, u64 now_ns);
        u64 (*deadline)(void *opaque);
        void *opaque;
    } clock[16];
    unsigned nclock;
    /* Polled once per round when set (gdb stub, host input). Returns true
     * if the machine must stop running (debugger stop). */
    bool (*poll)(Machine *m);

    /* Called when every core sleeps and no device has a deadline: may block
     * on host input (UART); returns true if the run should go on. */
    bool (*idle_wait)(Machine *m);
    /* Record/replay (machine/virt/record.c), NULL when off. */
    void *record;
    void *replay;

    /* Disassembler handle (trace/), created on first use. */
    void *capstone;
    /* Unimplemented-feature messages already logged (hashes). */
    u64 unimp_seen[64];

    /* Devices (owned by their modules). */
    void *uart;
    void *gic;
    void *rtc;
    void *pctl;
    void *gdb;

    bool gic_sysregs;         /* GICv3 system register interface present */

    /* Per-machine system register index (cpu/sysreg.c). */
    const struct SysRegDesc **sysreg_index;

    /* ---- smp: built-in PSCI firmware state and call history (firmware/psci) ---- */
    struct PsciState *psci;
    /* Core machine_run() is running now (NULL between slots): the clock of
     * power changes one core makes to another (cpu/power.c). */
    Cpu *current;

    /* ---- devices (gic) ---- */
    /* Called by exc_check_async() before it samples Cpu.irq_lines, so an
     * interrupt controller whose IRQ/FIQ choice depends on the core's EL and
     * security state (GICv3, IHI 0069 4.6.2) can refresh it; NULL if none. */
    void (*async_refresh)(Cpu *c);

    /* ---- tracefilt: trace filters (--trace-core/-el/-range), checked only
     * by trace_wanted() (trace/trace.c) where a line is about to print ---- */
    bool trace_filtered;      /* any of the three below is set */
    u64 trace_cores;          /* bit N: trace core N; 0 = every core */
    u32 trace_els;            /* bit N: trace lines of ELN; 0 = every EL */
    bool trace_range;         /* restrict to addresses [trace_lo, trace_hi] */
    u64 trace_lo, trace_hi;   /* inclusive */
    void *trace_regs;         /* per-core register snapshots for --trace regs (lazy) */
};

/* ---- physical memory map (mmu/physmem.c) ---- */

/* Add guest RAM of SIZE bytes at BASE, reserved lazily (no resident cost
 * until touched).  Returns the region or NULL on host allocation failure. */
MemRegion *phys_add_ram(Machine *m, const char *name, u64 base, u64 size, bool readonly);
/* Add an MMIO device window. */
/* Release the host memory of every region of M (virt_destroy). */
void phys_free(Machine *m);
MemRegion *phys_add_mmio(Machine *m, const char *name, u64 base, u64 size,
                         MmioRead rd, MmioWrite wr, void *opaque);
/* Region containing PA, or NULL. */
MemRegion *phys_find(Machine *m, u64 pa);
/* Debugger/loader access: copy LEN bytes to/from guest physical memory
 * (RAM/ROM only).  Returns false if any byte is outside RAM/ROM. */
bool phys_write_buf(Machine *m, u64 pa, const void *buf, u64 len);
bool phys_read_buf(Machine *m, u64 pa, void *buf, u64 len);
/* One access of SIZE bytes (1/2/4/8) at PA, RAM or MMIO.  Returns false on
 * an access to nothing or a device error (the caller raises the abort). */
bool phys_read(Machine *m, Cpu *cpu, u64 pa, unsigned size, u64 *val);
bool phys_write(Machine *m, Cpu *cpu, u64 pa, unsigned size, u64 val);

/* Register a clocked device (see Machine.clock). */
void machine_add_clock(Machine *m, void (*tick)(void *, u64), u64 (*deadline)(void *), void *opaque);
/* Run all cores round-robin until exit; returns the exit code. */
int machine_run(Machine *m);
/* Run core C for up to N instructions (cpu/run.c). Returns instructions run. */
u64 cpu_run(Cpu *c, u64 n);
/* Global step number of core C's current instruction (for traces). */
u64 machine_step(const Machine *m, const Cpu *c);

/* Mark the 4 KiB page of PA in RAM region R as written (cold: called when a
 * write TLB entry is filled and on slow-path/debugger writes). */
static inline void phys_mark_dirty(MemRegion *r, u64 pa)
{
    if (r->dirty) {
        u64 pg = (pa - r->base) >> 12;
        r->dirty[pg >> 3] |= (u8)(1u << (pg & 7));
    }
}

/* Virtual time of core C, ns: the round start plus what C ran this round. */
u64 machine_now_ns(const Machine *m, const Cpu *c);

#endif
