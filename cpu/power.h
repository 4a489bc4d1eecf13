/*
 * cpu/power.h — the one place where a core's power/run state changes
 * (Cpu.power, Cpu.power_since, Cpu.power_why).  Used by the built-in PSCI
 * firmware, the power-controller device, the scheduler (WFI/WFE), the gdb
 * stub (thread names) and the traces (--trace sched).
 *
 * States (cpu/cpu.h CorePower):
 *   CORE_OFF_NEVER   off since machine reset (secondaries waiting for CPU_ON)
 *   CORE_OFF         powered off (PSCI CPU_OFF, power controller PPOFFR)
 *   CORE_ON_PENDING  CPU_ON accepted; the core starts when the round-robin
 *                    scheduler next reaches it (deterministic)
 *   CORE_ON          running
 *   CORE_WFI/WFE     sleeping in WFI/WFE (no host time used)
 *   CORE_SUSPENDED   PSCI CPU_SUSPEND (standby or power-down)
 */
#ifndef EMU_CPU_POWER_H
#define EMU_CPU_POWER_H

#include <stddef.h>

#include "cpu/cpu.h"

/* Change the power state of C to P.  WHY is a static string naming the cause
 * ("CPU_OFF", "CPU_ON from core 0", "PPONR write"...), kept in
 * Cpu.power_why for core_state_reason().  Records the global step in
 * Cpu.power_since, traces under --trace sched, and if C stops running makes
 * its run loop leave the quantum (PEND_STOP). */
void cpu_set_power(Cpu *c, CorePower p, const char *why);

/* Short name of a power state: "off", "on-pending", "running", "WFI",
 * "WFE", "suspended". */
const char *core_power_name(CorePower p);

/* Human-readable state with its cause, written to BUF (N bytes) and
 * returned, e.g. "off: never powered on", "off: CPU_OFF", "on-pending",
 * "WFI", "WFE", "suspended (power-down)", "running".  Safe for any N >= 1. */
const char *core_state_reason(const Cpu *c, char *buf, size_t n);

/* Is the core powered (running, sleeping or suspended) as PSCI
 * AFFINITY_INFO sees it (DEN0022D 5.1.5: ON = 0)? */
static inline bool core_is_on(const Cpu *c)
{
    return c->power >= CORE_ON;
}

/* Core of M whose MPIDR affinity (Aff3..Aff0, bits [39:32] and [23:0])
 * equals that of TARGET, or NULL. */
Cpu *cpu_find_affinity(Machine *m, u64 target);

/* Put C into the state a PSCI CPU_ON (or a power-down CPU_SUSPEND wake-up)
 * leaves it in (DEN0022D 6.4.3 "CPU_ON" / 5.1.4 entry state): core reset
 * (SCTLR_ELx at reset value: MMU and caches off), then EL = EL (1..3),
 * AArch64, SP_ELxh, DAIF all masked, PC = ENTRY, X0 = CONTEXT_ID, other
 * registers zero; SCR_EL3 / HCR_EL2 set up for EL as the boot code does
 * (NS=1, RW=1, HCE=1 when EL2 exists).  Does not change the power state. */
void cpu_power_on_state(Cpu *c, unsigned el, u64 entry, u64 context_id);

#endif
