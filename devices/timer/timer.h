/*
 * devices/timer/timer.h — the Arm generic timer (Arm ARM D11 "The Generic
 * Timer in AArch64 state"): system counter at 62.5 MHz derived from virtual
 * time, the EL1 physical, virtual, EL2 physical and secure physical timers of
 * every core as CNT* system registers, their PPIs into the GIC (QEMU virt
 * wiring: CNTPS 29, CNTP 30, CNTV 27, CNTHP 26, level-sensitive), access
 * controls CNTKCTL_EL1/CNTHCTL_EL2/SCR_EL3.ST, and the event stream.
 */
#ifndef EMU_DEVICES_TIMER_TIMER_H
#define EMU_DEVICES_TIMER_TIMER_H

#include "devices/device.h"

#define TIMER_FREQ_HZ 62500000ull
#define TIMER_NS_PER_TICK 16ull    /* 1e9 / 62.5e6 */

enum { TIMER_PPI_HYP = 26, TIMER_PPI_VIRT = 27, TIMER_PPI_SEC = 29, TIMER_PPI_PHYS = 30 };

/* Create the per-core timers of M and register them (devices/device.h,
 * type "armv8-timer", with the /timer node), their CNT* system registers
 * and the clock that fires them and schedules idle wake-ups.  Their outputs
 * are PPIs of the GIC in m->gic (driven once it exists).  Returns false on
 * allocation failure. */
bool timer_attach(Machine *m);

/* Physical count (CNTPCT) of core C now: virtual ns / 16. */
u64 timer_cntpct(const Cpu *c);

/* Re-evaluate core C's timer outputs (after a write to a CNT* register). */
void timer_update_cpu(Cpu *c);

struct SysRegTable;
extern const struct SysRegTable sysregs_timer;

/* ---- save / load ---- */

#include "common/savebuf.h"

/* Save format version of timer_save()/timer_load() (DeviceOps.version). */
#define TIMER_SAVE_VERSION 1

/* Append to B, in format TIMER_SAVE_VERSION, the number of cores and, per
 * core, the generic-timer state that is not an architectural Cpu field: for
 * the EL1 physical, virtual, EL2 physical and Secure physical timers (in
 * that order) CNT*_CTL ENABLE/IMASK, CNT*_CVAL and the level driven into
 * the GIC, then the counter value at the last event-stream check (decides
 * the next event).  CNTFRQ_EL0, CNTKCTL_EL1, CNTHCTL_EL2 and CNTVOFF_EL2
 * are Cpu fields and are not saved here; the count itself is virtual time. */
void timer_save(Machine *m, SaveBuf *b);
/* Read one record written by timer_save() from B into M's timers and drive
 * the saved output levels into the GIC.  Returns false, leaving the timers
 * unchanged and setting B->bad, when the record is truncated, was saved
 * with another number of cores, has CTL bits other than ENABLE/IMASK or an
 * output asserted while its timer is disabled or masked, or when M has no
 * timers.  Bytes after the record are left for the caller. */
bool timer_load(Machine *m, LoadBuf *b);

#endif
