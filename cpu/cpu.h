/*
 * cpu/cpu.h — architectural state of one AArch64 core (a Cortex-A53 r0p4)
 * and the helpers every instruction handler uses.
 *
 * Layout: hot state (X0-X30 + current SP, PC, NZCV, EL, TLB pointer) first,
 * cold system registers after.  All state hangs off Cpu/Machine: there are
 * no mutable globals, so several machines may live in one process.
 *
 * Register conventions (Arm ARM DDI 0487, D1.2/C1.2):
 *   x[0..30]   general-purpose registers
 *   x[31]      the *current* stack pointer (SP_EL0 or SP_ELx per PSTATE.SPSel);
 *              the banked copies live in sp_el[]; pstate_set_* keeps them in sync.
 *              Register number 31 read as XZR goes through xreg().
 *   pc         address of the instruction being executed
 *   nzcv       PSTATE.{N,Z,C,V} in bits 31:28 (SPSR layout)
 *   daif       PSTATE.{D,A,I,F} in bits 9:6 (SPSR layout)
 */
#ifndef EMU_CPU_CPU_H
#define EMU_CPU_CPU_H

#include <setjmp.h>

#include "common/common.h"

typedef struct Machine Machine;
typedef struct Cpu Cpu;
typedef struct TlbSet TlbSet;

/* PSTATE / SPSR bit positions (Arm ARM C5.2.18 SPSR_EL1). */
FIELD(PSTATE, N, 31, 1);
FIELD(PSTATE, Z, 30, 1);
FIELD(PSTATE, C, 29, 1);
FIELD(PSTATE, V, 28, 1);
FIELD(PSTATE, NZCV, 28, 4);
FIELD(PSTATE, SS, 21, 1);
FIELD(PSTATE, IL, 20, 1);
FIELD(PSTATE, D, 9, 1);
FIELD(PSTATE, A, 8, 1);
FIELD(PSTATE, I, 7, 1);
FIELD(PSTATE, F, 6, 1);
FIELD(PSTATE, DAIF, 6, 4);
FIELD(PSTATE, nRW, 4, 1);
FIELD(PSTATE, EL, 2, 2);
FIELD(PSTATE, SP, 0, 1);
FIELD(PSTATE, M, 0, 5);

/* Power/run state of a core, shared by firmware, scheduler, gdb stub, traces. */
typedef enum CorePower {
    CORE_OFF_NEVER,   /* never powered on since reset */
    CORE_OFF,         /* powered off by CPU_OFF or the power controller */
    CORE_ON_PENDING,  /* CPU_ON accepted, not yet executing */
    CORE_ON,          /* running */
    CORE_WFI,         /* waiting in WFI */
    CORE_WFE,         /* waiting in WFE */
    CORE_SUSPENDED,   /* PSCI CPU_SUSPEND (power-down or standby) */
} CorePower;

typedef union VReg {
    u8 b[16];
    u16 h[8];
    u32 s[4];
    u64 d[2];
    u128 q;
} __attribute__((aligned(16))) VReg;

/*
 * One core.  Two parts:
 *  1. architectural state, from the start up to end_reset_fields: what
 *     cpu_reset() zeroes before it applies the reset values (Arm ARM D1.9);
 *  2. wiring and run state after it: the machine, TLB, interrupt input
 *     lines, device per-core state, identity, power state, instructions
 *     retired.  Reset never touches these: an interrupt a controller holds
 *     pending stays on the core's input line across a warm reset.
 * Hot fields (registers, PC, NZCV, EL, pending) come first.
 */
struct Cpu {
    /* ==== 1. architectural state (zeroed by cpu_reset) ==== */
    u64 x[32];        /* X0..X30, x[31] = current SP */
    u64 pc;           /* address of the current instruction */
    u64 next_pc;      /* set by the run loop to pc+4; branches overwrite */
    u32 nzcv;         /* PSTATE.NZCV in bits 31:28 */
    u8 el;            /* PSTATE.EL, 0..3 */
    u8 spsel;         /* PSTATE.SP */
    u8 ns;            /* effective security state: 1 = Non-secure */
    u8 mmu_idx;       /* current translation regime index (mmu/mmu.h) */
    u32 pending;      /* PEND_* bits: send the run loop to its slow path */
    u32 insn;         /* raw word of the instruction being executed */

    /* ---- rest of PSTATE ---- */
    u32 daif;         /* bits 9:6 */
    u8 il, ss;

    /* ---- banked stack pointers, exception state ---- */
    u64 sp_el[4];     /* banked copy; the live one is x[31] */
    u64 elr_el[4];    /* index 1..3 used */
    u64 spsr_el[4];
    u64 esr_el[4];
    u64 far_el[4];

    /* ---- FP/SIMD ---- */
    VReg v[32];
    u32 fpcr, fpsr;

    /* ---- system registers, EL1/EL0 ---- */
    u64 sctlr_el[4];  /* SCTLR_EL1..3 */
    u64 actlr_el[4];
    u64 tcr_el[4];
    u64 ttbr0_el[4];  /* TTBR0_EL1..3 */
    u64 ttbr1_el1;
    u64 mair_el[4];
    u64 amair_el[4];
    u64 vbar_el[4];
    u64 afsr0_el[4], afsr1_el[4];
    u64 tpidr_el[4];  /* TPIDR_EL0..EL3 */
    u64 tpidrro_el0;
    u64 contextidr_el1;
    u64 cpacr_el1;
    u64 par_el1;
    u64 csselr_el1;
    u64 mdscr_el1;
    u64 cntkctl_el1;
    u64 cntfrq_el0;
    u64 oslsr_el1, osdlr_el1;
    u64 dbgbvr[6], dbgbcr[6], dbgwvr[4], dbgwcr[4];
    u64 pmcr_el0, pmuserenr_el0, pmcntenset, pmintenset, pmovsset, pmselr_el0,
        pmccfiltr_el0, pmccntr_el0;

    /* ---- EL2 ---- */
    u64 hcr_el2;
    u64 cptr_el2;
    u64 mdcr_el2;
    u64 hstr_el2;
    u64 hacr_el2;
    u64 vttbr_el2;
    u64 vtcr_el2;
    u64 hpfar_el2;
    u64 vpidr_el2;
    u64 vmpidr_el2;
    u64 cnthctl_el2;
    u64 cntvoff_el2;

    /* ---- EL3 ---- */
    u64 scr_el3;
    u64 cptr_el3;
    u64 mdcr_el3;
    u64 rmr_el3;

    /* ---- identity (set from the wiring by cpu_reset) ---- */
    u64 midr_el1;
    u64 mpidr_el1;

    /* ---- debug, PMU, Cortex-A53 IMPLEMENTATION DEFINED (cpu/pmu.c,
     * cpu/sysreg_debug.c, cpu/sysreg_impdef.c) ---- */
    u64 mdccint_el1;
    u64 dbgclaim;         /* DBGCLAIMSET/CLR_EL1 claim tags [7:0] */
    u64 dbgprcr_el1;      /* CORENPDRQ */
    u64 pmevcntr[6];      /* PMEVCNTR<n>_EL0 (32-bit counters) */
    u64 pmevtyper[6];     /* PMEVTYPER<n>_EL0 */
    u64 pmu_ccdiv;        /* PMCR_EL0.D: instructions not yet counted (<64) */
    u64 cpuactlr_el1, cpuectlr_el1, cpumerrsr_el1;
    u64 l2ectlr_el1, l2actlr_el1, l2merrsr_el1;
    u64 osdtrrx_el1, osdtrtx_el1, oseccr_el1;
    /* Software step (cpu/debug.h): armed at icount step_icount. */
    bool step_armed;
    u64 step_icount;
    bool watch_armed;     /* a hardware watchpoint is enabled (MMU slow path checks) */

    /* ---- WFE event register, exclusive monitor (local part; the global
     * part is Machine.excl_holders) ---- */
    bool event;
    bool halted_in_wfx;
    u64 excl_addr;    /* physical address of the reservation */
    const u8 *excl_host; /* host address of the reservation (RAM only) */
    u8 excl_size;     /* bytes; 0 = no reservation */
    u64 excl_val[2];  /* values loaded (for pair compare) */

    /* ---- exception reporting: why the last trap happened (--trace exc)
     * and the last exception taken (gdb `monitor cores`) ---- */
    const char *trap_reason;
    char reason_buf[160];      /* storage for composed trap reasons */
    u64 trace_pc;              /* PC of the instruction being traced (slow path only) */
    struct {
        u64 esr, far, elr;
        u64 step;             /* machine_step() when taken */
        const char *what;     /* async: "IRQ"...; sync: static trap reason or NULL */
        u8 from_el, to_el;
        bool valid, async, far_valid;
    } last_exc;

    struct {} end_reset_fields;

    /* ==== 2. wiring and run state (kept across reset) ==== */
    Machine *m;
    TlbSet *tlb;      /* per-core soft TLB (mmu/tlb.c) */
    s64 budget;       /* instructions left in the current quantum */
    u64 icount;       /* instructions retired by this core: time goes on across resets */
    u64 pmu_last_icount;  /* icount at the last pmu_sync() */
    jmp_buf *exc_jmp; /* sync exceptions longjmp here (see exceptions/) */

    /* Identity and implemented ELs. */
    unsigned index;   /* core number 0..N-1 */
    u8 have_el2;      /* EL2 implemented (ID_AA64PFR0_EL1.EL2) */
    u8 have_el3;      /* EL3 implemented; else built-in firmware owns it */
    u64 rvbar_el3;    /* RVBAR_EL3: the reset-vector input */
    u8 pa_bits;       /* physical address size of the CPU model (cpu_reset sets it) */

    /* Async interrupt input lines driven by the GIC/timer (CPU_LINE_*):
     * wires, held by the controller, not core state. */
    u32 irq_lines;
    /* Opaque per-core state, owned by each module. */
    void *gic_cpu;    /* devices/gic: CPU interface / redistributor state */
    void *timer;      /* devices/timer: generic timer state */
    void *mmu_priv;   /* mmu/: translation table walker scratch */

    /* Power/run state (cpu/power.c, the one place it changes). */
    CorePower power;
    u64 power_since;          /* global step at which power last changed */
    const char *power_why;    /* static string: cause of the last power change */
    bool suspend_powerdown;   /* CORE_SUSPENDED: power-down (context lost), not standby */
    /* Snapshots (machine/snapshot.c): power_why of a restored core points
     * here (the saved text of its cause). */
    char power_why_saved[64];

    /* PMU overflow interrupt output (an IrqLine's fields, see cpu/pmu.h
     * pmu_connect_irq); unset = not wired.  LEVEL is what the wire carries. */
    void (*pmu_irq_set)(void *opaque, unsigned line, bool level);
    void *pmu_irq_opaque;
    unsigned pmu_irq_num;
    bool pmu_irq_level;
};

/* Interrupt input lines of a core (Arm ARM D1.3 "Asynchronous exceptions"). */
enum {
    CPU_LINE_IRQ = 1u << 0,
    CPU_LINE_FIQ = 1u << 1,
    CPU_LINE_SERROR = 1u << 2,
    CPU_LINE_VIRQ = 1u << 3,   /* from the GIC virtual interface (besides HCR_EL2.VI) */
    CPU_LINE_VFIQ = 1u << 4,
};

/* Cpu.pending bits (checked once per instruction by the run loop). */
enum {
    PEND_ASYNC = 1u << 0,   /* interrupt lines or masks changed: re-check */
    PEND_IL = 1u << 1,      /* PSTATE.IL set: next instruction takes Illegal State */
    PEND_STOP = 1u << 2,    /* leave the quantum now (WFI, power change, exit) */
    PEND_REFETCH = 1u << 3, /* the soft TLB was flushed: re-translate the fetch page */
    PEND_DEBUG = 1u << 8,   /* hardware breakpoints armed: check each PC (cpu/debug.h) */
};

/* ---- register access helpers used by instruction handlers ---- */

/* Read Xn/Wn where n=31 means XZR. */
static inline u64 xreg(const Cpu *c, unsigned r) { return r == 31 ? 0 : c->x[r]; }
/* Read Xn where n=31 means SP. */
static inline u64 xreg_sp(const Cpu *c, unsigned r) { return c->x[r]; }
/* Write Xn where n=31 means XZR (write discarded). */
static inline void set_xreg(Cpu *c, unsigned r, u64 v) { if (r != 31) c->x[r] = v; }
/* Write Xn where n=31 means SP. */
static inline void set_xreg_sp(Cpu *c, unsigned r, u64 v) { c->x[r] = v; }

/* Build the PSTATE value as SPSR_ELx would hold it (AArch64 state). */
u64 cpu_get_pstate(const Cpu *c);
/* Restore PSTATE from an SPSR-format value (no legality checks; see eret). */
void cpu_set_pstate(Cpu *c, u64 spsr);
/* Change EL and/or SPSel, banking the stack pointer; refreshes mmu_idx. */
void cpu_set_el_spsel(Cpu *c, unsigned el, unsigned spsel);
/* Read/write the banked SP_ELn regardless of which one is live. */
u64 cpu_sp_el(const Cpu *c, unsigned n);
void cpu_set_sp_el(Cpu *c, unsigned n, u64 v);
/* Recompute cached derived state (ns, mmu_idx) after SCR/HCR/EL changes. */
void cpu_update_derived(Cpu *c);

/* Highest implemented EL and security helpers (Arm ARM D1.1). */
static inline bool cpu_have_el2(const Cpu *c) { return c->have_el2; }
static inline bool cpu_have_el3(const Cpu *c) { return c->have_el3; }

/* Reset a core to its architectural reset state (Arm ARM D1.9 "Reset"). */
void cpu_reset(Cpu *c, unsigned index, u64 mpidr);

#endif
