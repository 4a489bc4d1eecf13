/*
 * tests/guests/smp/wfi_forever.S — core 0 waits in WFI with nothing that can
 * wake it (no timer, no other core): hyperstep must not spin but stop with
 * status 3 and say why (the all-cores-asleep path of machine_run()).
 */
    .section .text.boot, "ax"
    .global _start
_start:
    wfi
    b       _start
