/*
 * tests/guests/smp/el3_pctl_fw.S — a tiny EL3 firmware of our own plus an
 * EL2 payload, for guest-EL3 mode (-M virt,secure=on,virtualization=on
 * -smp 4 --pctl-startup core0): there is no built-in PSCI, so the firmware
 * implements PSCI CPU_ON / CPU_OFF / SYSTEM_OFF for the payload with the
 * FVP-style power controller (devices/pctl, Secure-only at 0x090c0000):
 *   CPU_ON   -> mailbox[target] = {entry, context}; PSYSR says whether the
 *               core is on (ALREADY_ON); PPONR powers it: it starts at
 *               RVBAR_EL3 (= _start) in EL3, reads its mailbox and ERETs to
 *               EL2 at the entry with X0 = context;
 *   CPU_OFF  -> PPOFFR(self), then WFI: the controller powers the core off;
 *   SYSTEM_OFF -> semihosting exit 0.
 * The payload brings up cores 1-3, checks ALREADY_ON and INVALID_PARAMETERS,
 * powers core 2 off and on again, and shuts down.  Written with the
 * instructions implemented today (see smp_macros.h).
 */
#include "smp_macros.h"

#define PCTL_HI 0x090c
#define PPOFFR 0x0
#define PPONR 0x4
#define PSYSR 0x10

/* x2 = \base + 16 * (core number in bits [1:0] of \reg) */
.macro PER_CORE reg, base, tmp
    adr     x2, \base
    tbz     \reg, #0, 91f
    add     x2, x2, #16
91: tbz     \reg, #1, 92f
    add     x2, x2, #32
92:
.endm

    .section .text.boot, "ax"
    .global _start
_start:
    /* Every core starts here at EL3 (RVBAR_EL3). */
    adr     x1, el3_vectors
    msr     vbar_el3, x1
    movz    x1, #0x531                 /* SCR_EL3: NS, RES1 [5:4], HCE, RW */
    msr     scr_el3, x1
    mrs     x0, mpidr_el1
    PER_CORE x0, el3_stacks, x1
    add     sp, x2, #0
    movz    x1, #0x3c9                 /* SPSR_EL3: EL2h, DAIF masked */
    msr     spsr_el3, x1
    tbnz    x0, #0, 1f
    tbnz    x0, #1, 1f
    adr     x1, payload_main           /* core 0: the payload's entry */
    msr     elr_el3, x1
    movz    x0, #0
    eret
1:  PER_CORE x0, mailbox, x1           /* secondaries: their CPU_ON request */
    ldr     x1, [x2]
    msr     elr_el3, x1
    ldr     x0, [x2, #8]
    isb
    eret

/* ---- EL3: PSCI over SMC from EL2 (lower EL, AArch64, synchronous) ---- */
el3_smc:
    str     x0, [sp]                   /* split the function ID into bytes */
    ldrb    w9, [sp, #3]
    ldrb    w10, [sp, #2]
    ldrb    w11, [sp, #1]
    ldrb    w12, [sp]
    cbnz    w10, fw_unknown
    cbnz    w11, fw_unknown
    cmp     w9, #0xc4
    b.eq    1f
    cmp     w9, #0x84
    b.ne    fw_unknown
    cmp     w12, #2
    b.eq    fw_cpu_off
    cmp     w12, #8
    b.eq    fw_system_off
    b       fw_unknown
1:  cmp     w12, #3
    b.eq    fw_cpu_on
fw_unknown:
    movn    x0, #0                     /* NOT_SUPPORTED */
    eret

fw_cpu_on:                             /* x1 target, x2 entry, x3 context */
    cmp     x1, #3
    b.hi    2f
    movz    x9, #PCTL_HI, lsl #16
    str     w1, [x9, #PSYSR]
    ldr     w10, [x9, #PSYSR]
    tbnz    w10, #29, 3f               /* PSYSR.AFF_L0: core is on */
    add     x10, x2, #0
    PER_CORE x1, mailbox, x11
    str     x10, [x2]
    str     x3, [x2, #8]
    str     w1, [x9, #PPONR]
    movz    x0, #0                     /* SUCCESS */
    eret
2:  movn    x0, #1                     /* INVALID_PARAMETERS (-2) */
    eret
3:  movn    x0, #3                     /* ALREADY_ON (-4) */
    eret

fw_cpu_off:
    mrs     x1, mpidr_el1
    movz    x9, #PCTL_HI, lsl #16
    str     w1, [x9, #PPOFFR]
    dsb     sy
4:  wfi                                /* the power controller turns us off */
    b       4b

fw_system_off:
    EXIT_WITH exit_ok

/* ---- EL2 payload ---- */
payload_main:
    adr     x20, slots
    FID     x0, CPU_ON64
    movz    x1, #1
    adr     x2, payload_secondary
    add     x3, x20, #16
    smc     #0
    EXPECT  0
    FID     x0, CPU_ON64
    movz    x1, #2
    adr     x2, payload_secondary
    add     x3, x20, #32
    smc     #0
    EXPECT  0
    FID     x0, CPU_ON64
    movz    x1, #3
    adr     x2, payload_secondary
    add     x3, x20, #48
    smc     #0
    EXPECT  0
    FID     x0, CPU_ON64
    movz    x1, #1
    adr     x2, payload_secondary
    smc     #0
    EXPECT_NEG 4                       /* ALREADY_ON */
    FID     x0, CPU_ON64
    movz    x1, #9
    smc     #0
    EXPECT_NEG 2                       /* INVALID_PARAMETERS */
1:  wfe                                /* all three alive */
    ldr     x1, [x20, #16]
    cbz     x1, 1b
    ldr     x1, [x20, #32]
    cbz     x1, 1b
    ldr     x1, [x20, #48]
    cbz     x1, 1b
    movz    x1, #1                     /* core 2: power off */
    str     x1, [x20, #40]
    sev
2:  FID     x0, CPU_ON64               /* on again once it is off */
    movz    x1, #2
    adr     x2, payload_secondary
    add     x3, x20, #64
    smc     #0
    cbnz    x0, 2b
3:  wfe
    ldr     x1, [x20, #64]
    cbz     x1, 3b
    FID     x0, SYSTEM_OFF_
    smc     #0
fail:
    EXIT_WITH exit_fail

/* X0 = its slot {alive, off request}. */
payload_secondary:
    movz    x1, #1
    str     x1, [x0]
    sev
1:  wfe
    ldr     x1, [x0, #8]
    cbz     x1, 1b
    FID     x0, CPU_OFF_
    smc     #0
    b       fail

    .balign 2048
el3_vectors:
    .skip 0x400
    b       el3_smc                    /* lower EL, AArch64, synchronous */
    .skip 0x7c
    b       fail                       /* IRQ */

    .data
    .balign 16
slots:    .skip 80
mailbox:  .skip 64
el3_stacks: .skip 64
exit_ok:   .quad 0x20026, 0
exit_fail: .quad 0x20026, 1
