/*
 * cpu/pmu.h — the Performance Monitors Extension (PMUv3, Arm ARM
 * D5 "The Performance Monitors Extension") of the modelled Cortex-A53:
 * PMCR_EL0.N = 6 event counters plus the cycle counter.
 *
 * Time in hyperstep is instructions retired, so "CPU cycles" (the cycle
 * counter and event 0x11 CPU_CYCLES) count instructions retired, exactly as
 * event 0x08 INST_RETIRED does: deterministic.  Events counted:
 *   0x00 SW_INCR (PMSWINC_EL0 writes), 0x08 INST_RETIRED, 0x09 EXC_TAKEN,
 *   0x0A EXC_RETURN, 0x11 CPU_CYCLES.  PMCEID0_EL0 advertises exactly these.
 * Counting is lazy: pmu_sync() adds the instructions retired since the last
 * sync to every counter enabled for the current EL/security state; it is
 * called before every EL change (exception entry/return) and every access to
 * a register that affects counting.
 *
 * Overflow sets PMOVSSET_EL0 and drives the core's PMU interrupt output
 * (level = PMCR_EL0.E && PMOVSSET & PMINTENSET != 0) if the board connected
 * it (pmu_connect_irq; on virt: PPI 23).  Overflow is detected when counters
 * are synced: at every PMU register access, exception entry/return and at
 * least once per scheduler round (pmu_attach), so the interrupt is raised
 * at most one quantum of instructions after the overflow — deterministic.
 */
#ifndef EMU_CPU_PMU_H
#define EMU_CPU_PMU_H

#include "cpu/cpu.h"
#include "cpu/sysreg.h"

#define PMU_NCOUNTERS 6

/* Account instructions retired since the last sync at the current EL. */
void pmu_sync(Cpu *c);
/* Count N instructions retired at the current EL (pmu_sync's core; the
 * exception code uses it for SVC/HVC/SMC, which retire although they end in
 * an exception, while other synchronous exceptions do not retire). */
void pmu_retire(Cpu *c, u64 n);
/* Count one occurrence of event EVT (0x09 EXC_TAKEN, 0x0A EXC_RETURN) at the
 * current EL (call after pmu_sync()). */
void pmu_event(Cpu *c, unsigned evt);

typedef struct Machine Machine;
/* Register the once-per-round PMU sync of every core (call once from the
 * board after the cores exist). */
void pmu_attach(Machine *m);
/* Wire core C's PMU overflow interrupt to input LINE of SET/OPAQUE (the
 * fields of an IrqLine, e.g. gic_ppi_line(m, cpu, 23)). */
void pmu_connect_irq(Cpu *c, void (*set)(void *, unsigned, bool), void *opaque, unsigned line);

extern const SysRegTable sysregs_pmu;     /* cpu/pmu.c */
extern const SysRegTable sysregs_debug;   /* cpu/sysreg_debug.c */
extern const SysRegTable sysregs_impdef;  /* cpu/sysreg_impdef.c */

#endif
