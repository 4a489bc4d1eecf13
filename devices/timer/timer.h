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

#endif
