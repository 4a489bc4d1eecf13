/*
 * tests/gdb/smp_guest.S — 4-core guest for the gdb stub tests.  Runs at EL2
 * (-M virt,virtualization=on, built-in PSCI over SMC) and uses only a few
 * basic instructions so it runs on the smallest instruction set.
 *
 * Core 0: takes one HVC (recorded as its last exception), powers on cores
 * 1-3 with PSCI CPU_ON (context id = address of the core's counter), then
 * counts in slots[0] forever.  Cores 1 and 2 count in their slot forever;
 * core 3 powers itself off at once with PSCI CPU_OFF; core 4 (if any)
 * sleeps in WFI.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    adr     x1, vectors
    msr     vbar_el2, x1
    isb
    .global before_hvc
before_hvc:
    hvc     #0x42
    .global before_cpu_on
before_cpu_on:
    movz    x0, #0x0003
    movk    x0, #0xc400, lsl #16        /* PSCI CPU_ON (SMC64) */
    movz    x1, #1
    adr     x2, secondary
    adr     x3, slots
    add     x3, x3, #8
    smc     #0
    movz    x0, #0x0003
    movk    x0, #0xc400, lsl #16
    movz    x1, #2
    adr     x2, secondary
    adr     x3, slots
    add     x3, x3, #16
    smc     #0
    movz    x0, #0x0003
    movk    x0, #0xc400, lsl #16
    movz    x1, #3
    adr     x2, secondary_off
    adr     x3, slots
    add     x3, x3, #24
    smc     #0
    movz    x0, #0x0003
    movk    x0, #0xc400, lsl #16
    movz    x1, #4                      /* core 4 (only with -smp 5 or more: */
    adr     x2, secondary_wfi           /*  else INVALID_PARAMETERS, ignored) */
    movz    x3, #0
    smc     #0
    .global after_cpu_on
after_cpu_on:
    adr     x1, slots
    movz    x2, #0
loop0:
    add     x2, x2, #1
    .global store0
store0:
    str     x2, [x1]
    b       loop0

    .global secondary
secondary:                              /* x0 = &slots[core] */
    movz    x2, #0
sec_loop:
    add     x2, x2, #1
    .global sec_store
sec_store:
    str     x2, [x0]
    b       sec_loop

    .global secondary_off
secondary_off:                          /* core 3: powers itself down at once */
    movz    x0, #0x0002
    movk    x0, #0x8400, lsl #16        /* PSCI CPU_OFF */
    smc     #0
    b       .                           /* not reached: CPU_OFF does not return */

    .global secondary_wfi
secondary_wfi:                          /* core 4: sleeps in WFI (no interrupt will come) */
    wfi
    b       secondary_wfi

    .balign 2048
vectors:
    .skip   0x200
    eret                                /* current EL with SP_ELx, synchronous */

    .data
    .balign 8
    .global slots
slots:
    .quad   0, 0, 0, 0
