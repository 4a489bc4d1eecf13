/*
 * tests/guests/smp/wrong_conduit.S — the mistake of a hypervisor at EL2
 * calling PSCI with HVC (the firmware's conduit is SMC): the HVC takes its
 * architectural path, an exception to the caller's own EL2 vector, and
 * --trace psci warns.  The vector exits with status 0; a return from the
 * HVC (a firmware answer) exits with status 1.
 */
#include "smp_macros.h"

    .section .text.boot, "ax"
    .global _start
_start:
    adr     x1, vectors
    msr     vbar_el2, x1
    isb
    FID     x0, PSCI_VERSION_
    hvc     #0
    EXIT_WITH exit_fail

    .balign 2048
vectors:
    .skip 0x200
    EXIT_WITH exit_ok                  /* current EL, SPx, synchronous */

    .data
    .balign 16
exit_ok:   .quad 0x20026, 0
exit_fail: .quad 0x20026, 1
