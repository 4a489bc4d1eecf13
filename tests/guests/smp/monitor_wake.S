/*
 * tests/guests/smp/monitor_wake.S — a core waiting in WFE with an exclusive
 * reservation (LDAXR) is woken by another core's plain store to the
 * reserved granule: clearing its global monitor is a WFE wake-up event
 * (Arm ARM D1.16.2).  Nobody executes SEV; without that event both cores
 * sleep forever and hyperstep stops with status 3.  Core 1 turns the
 * machine off (status 0) once it sees the store.
 */
#include "smp_macros.h"

    .section .text.boot, "ax"
    .global _start
_start:
    FID     x0, CPU_ON64
    movz    x1, #1
    adr     x2, waiter
    movz    x3, #0
    smc     #0
    cbnz    x0, fail
    movz    x5, #5000                  /* let core 1 reserve and sleep */
1:  subs    x5, x5, #1
    b.ne    1b
    adr     x20, flag
    movz    x1, #1
    str     x1, [x20]                  /* plain store, no SEV */
2:  wfe
    b       2b

waiter:
    adr     x20, flag
    sevl
    wfe                                /* consume the local event */
1:  ldaxr   x1, [x20]
    cbnz    x1, 2f
    wfe
    b       1b
2:  FID     x0, SYSTEM_OFF_
    smc     #0
fail:
    EXIT_WITH exit_fail

    .data
    .balign 64
flag:      .quad 0
    .balign 16
exit_fail: .quad 0x20026, 1
