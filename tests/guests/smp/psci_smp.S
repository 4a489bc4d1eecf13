/*
 * tests/guests/smp/psci_smp.S — 4 cores (-smp 4, EL2, PSCI over SMC):
 * core 0 checks every CPU_ON / AFFINITY_INFO error code, brings up cores
 * 1-3 with CPU_ON (context id = the address of the core's "alive" slot),
 * waits for them with WFE (they SEV), makes core 1 CPU_OFF and powers it on
 * again, checks PSCI_VERSION / MIGRATE_INFO_TYPE / PSCI_FEATURES, then core 3
 * turns the machine off with SYSTEM_OFF (exit status 0).  Any failed check
 * exits with status 1 through semihosting.  Each secondary also spins a
 * counting loop so that the cores interleave (used by the determinism test).
 */
#include "smp_macros.h"

    .section .text.boot, "ax"
    .global _start
_start:
    adr     x20, data
    /* CPU_ON with an entry point that is not 4-byte aligned. */
    FID x0, CPU_ON64
    movz    x1, #1
    adr     x2, entry1
    add     x2, x2, #2
    movz    x3, #0
    smc     #0
    EXPECT_NEG 2                       /* INVALID_PARAMETERS */
    /* CPU_ON of a core that does not exist. */
    FID x0, CPU_ON64
    movz    x1, #7
    adr     x2, entry1
    smc     #0
    EXPECT_NEG 2                       /* INVALID_PARAMETERS */
    /* CPU_ON at an entry point outside RAM/flash (the UART). */
    FID x0, CPU_ON64
    movz    x1, #1
    movz    x2, #0x0900, lsl #16
    smc     #0
    EXPECT_NEG 9                       /* INVALID_ADDRESS */
    /* AFFINITY_INFO: core 1 is off; level 1 is not supported. */
    FID x0, AFFINITY_INFO64
    movz    x1, #1
    movz    x2, #0
    smc     #0
    EXPECT  1                          /* OFF */
    FID x0, AFFINITY_INFO64
    movz    x1, #1
    movz    x2, #1
    smc     #0
    EXPECT_NEG 2

    /* Bring up cores 1, 2, 3. */
    FID x0, CPU_ON64
    movz    x1, #1
    adr     x2, entry1
    add     x3, x20, #8                /* slot 1 */
    smc     #0
    EXPECT  0
    FID x0, CPU_ON64
    movz    x1, #2
    adr     x2, entry2
    add     x3, x20, #16
    smc     #0
    EXPECT  0
    FID x0, CPU_ON64
    movz    x1, #3
    adr     x2, entry3
    add     x3, x20, #24
    smc     #0
    EXPECT  0
    /* Core 1 is ON from the moment its CPU_ON succeeded, whether it has
     * run yet (tiny --quantum) or not (it starts in its round-robin slot):
     * a second CPU_ON is ALREADY_ON and AFFINITY_INFO says ON (0), as
     * QEMU's and KVM's PSCI answer.  (The --trace psci test checks that
     * it had not run yet.) */
    FID x0, CPU_ON64
    movz    x1, #1
    adr     x2, entry1
    smc     #0
    EXPECT_NEG 4                       /* ALREADY_ON */
    FID x0, AFFINITY_INFO64
    movz    x1, #1
    movz    x2, #0
    smc     #0
    EXPECT  0                          /* ON */

    /* Wait (WFE) until all three are alive. */
1:  wfe
    ldr     x1, [x20, #8]
    cbz     x1, 1b
    ldr     x1, [x20, #16]
    cbz     x1, 1b
    ldr     x1, [x20, #24]
    cbz     x1, 1b

    FID x0, CPU_ON64
    movz    x1, #2
    adr     x2, entry2
    smc     #0
    EXPECT_NEG 4                       /* ALREADY_ON */
    FID x0, AFFINITY_INFO64
    movz    x1, #2
    movz    x2, #0
    smc     #0
    EXPECT  0                          /* ON */

    /* Core 1: CPU_OFF, then on again at another entry point. */
    movz    x1, #1
    str     x1, [x20, #32]             /* flag: core 1 may power off */
    sev
2:  FID x0, AFFINITY_INFO64
    movz    x1, #1
    movz    x2, #0
    smc     #0
    cmp     x0, #1
    b.ne    2b
    FID x0, CPU_ON64
    movz    x1, #1
    adr     x2, entry1b
    add     x3, x20, #48               /* second-life slot */
    smc     #0
    EXPECT  0
3:  wfe
    ldr     x1, [x20, #48]
    cbz     x1, 3b

    /* Version and discovery. */
    FID x0, PSCI_VERSION_
    smc     #0
    sub     x0, x0, #0x10, lsl #12
    EXPECT  1                          /* 0x10001: PSCI 1.1 */
    FID x0, MIGRATE_INFO_TYPE_
    smc     #0
    EXPECT  2
    FID x0, PSCI_FEATURES_
    FID x1, CPU_SUSPEND64
    smc     #0
    EXPECT  0
    FID x0, PSCI_FEATURES_
    FID x1, 0x8400, 0x0005            /* CPU_MIGRATE: not implemented */
    smc     #0
    EXPECT_NEG 1

    /* Core 3 powers the machine off. */
    movz    x1, #1
    str     x1, [x20, #40]
    sev
4:  wfe
    b       4b

fail:
    EXIT_WITH exit_fail

/* Each entry gets X0 = context id = its slot's address. */
entry1:
    movz    x1, #1
    str     x1, [x0]
    sev
    adr     x20, data
    bl      spin
1:  wfe
    ldr     x1, [x20, #32]
    cbz     x1, 1b
    FID x0, CPU_OFF_
    smc     #0
    b       fail                       /* CPU_OFF does not return */

entry1b:
    movz    x1, #1
    str     x1, [x0]
    sev
    bl      spin
1:  wfe
    b       1b

entry2:
    movz    x1, #1
    str     x1, [x0]
    sev
    bl      spin
1:  wfe
    b       1b

entry3:
    movz    x1, #1
    str     x1, [x0]
    sev
    adr     x20, data
    bl      spin
1:  wfe
    ldr     x1, [x20, #40]
    cbz     x1, 1b
    FID x0, SYSTEM_OFF_
    smc     #0
    b       fail

/* A counting loop of 300 iterations (interleaves the cores). */
spin:
    movz    x6, #300
    movz    x5, #0
1:  add     x5, x5, #1
    subs    x6, x6, #1
    b.ne    1b
    ret

    .data
    .balign 16
data:
    .quad 0, 0, 0, 0         /* 0: unused, 8/16/24: alive slots of cores 1-3 */
    .quad 0, 0, 0, 0         /* 32: core 1 may CPU_OFF, 40: core 3 may SYSTEM_OFF, 48: core 1 again */
exit_fail:
    .quad 0x20026, 1
