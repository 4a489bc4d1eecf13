/*
 * exceptions/pmu.h — the Performance Monitors Extension (PMUv3, Arm ARM
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
 * Overflow sets PMOVSSET_EL0; no overflow interrupt is signalled (the
 * interrupt line to the GIC PPI is not wired in this model).
 */
#ifndef EMU_EXCEPTIONS_PMU_H
#define EMU_EXCEPTIONS_PMU_H

#include "cpu/cpu.h"
#include "cpu/sysreg.h"

#define PMU_NCOUNTERS 6

/* Account instructions retired since the last sync at the current EL. */
void pmu_sync(Cpu *c);
/* Count one occurrence of event EVT (0x09 EXC_TAKEN, 0x0A EXC_RETURN) at the
 * current EL (call after pmu_sync()). */
void pmu_event(Cpu *c, unsigned evt);

extern const SysRegTable sysregs_pmu;     /* exceptions/pmu.c */
extern const SysRegTable sysregs_debug;   /* exceptions/sysreg_debug.c */
extern const SysRegTable sysregs_impdef;  /* exceptions/sysreg_impdef.c */

#endif
