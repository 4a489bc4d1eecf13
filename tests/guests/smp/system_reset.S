/*
 * tests/guests/smp/system_reset.S — PSCI SYSTEM_RESET (EL2, SMC).  With
 * -no-reboot hyperstep exits (status 0) instead of re-creating the machine,
 * as QEMU does; if SYSTEM_RESET returned, exit with status 1.
 */
#include "smp_macros.h"

    .section .text.boot, "ax"
    .global _start
_start:
    FID     x0, 0x8400, 0x0009         /* SYSTEM_RESET */
    smc     #0
    EXIT_WITH exit_fail

    .data
    .balign 16
exit_fail:
    .quad 0x20026, 1
