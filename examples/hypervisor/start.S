/*
 * examples/hypervisor/start.S — entry points, EL2 vectors and world switch.
 *
 *   _start               core 0 at EL2 (boot)
 *   hyp_secondary_entry  a core started by the hypervisor's own CPU_ON
 *   hyp_vcpu_entry       a core started to run a guest vCPU
 *   guest_entry          vCPU 0's first instruction at EL1
 *   guest_vcpu_entry     where vCPUs started by the guest's CPU_ON begin
 */
    .section .text.boot, "ax"
    .global _start
_start:
    bl      set_hyp_stack
    bl      hyp_main
1:  wfe
    b       1b

    .global hyp_secondary_entry
hyp_secondary_entry:
    mov     x19, x0
    bl      set_hyp_stack
    mov     x0, x19
    bl      hyp_secondary
1:  wfe
    b       1b

    .global hyp_vcpu_entry
hyp_vcpu_entry:
    mov     x19, x0
    bl      set_hyp_stack
    mov     x0, x19
    bl      hyp_vcpu_start           /* does not return: ERETs to the guest */
1:  wfe
    b       1b

/* SP = hyp_stacks + (core + 1) * 8K, core = MPIDR.Aff0 */
set_hyp_stack:
    mrs     x9, mpidr_el1
    and     x9, x9, #0xff
    add     x9, x9, #1
    adrp    x10, hyp_stacks
    add     x10, x10, :lo12:hyp_stacks
    lsl     x9, x9, #13
    add     sp, x10, x9
    adr     x9, hyp_vectors
    msr     vbar_el2, x9
    isb
    ret

    .global smc_call
smc_call:
    smc     #0
    ret

    .global hvc_call
hvc_call:
    hvc     #0
    ret

/* enter_guest(entry, x0, sp): EL1h, DAIF masked, MMU off. */
    .global enter_guest
enter_guest:
    msr     elr_el2, x0
    mov     x9, #0x3c5
    msr     spsr_el2, x9
    msr     sp_el1, x2
    mov     x0, x1
    mov     x1, xzr
    mov     x2, xzr
    isb
    eret

/* Guest side: set the vCPU's stack and run guest_main(vcpu). */
    .global guest_entry
    .global guest_vcpu_entry
guest_entry:
guest_vcpu_entry:
    mov     x19, x0
    mrs     x9, mpidr_el1            /* VMPIDR_EL2: the vCPU number */
    and     x9, x9, #0xff
    add     x9, x9, #1
    adrp    x10, guest_stacks
    add     x10, x10, :lo12:guest_stacks
    lsl     x9, x9, #13
    add     sp, x10, x9
    mov     x0, x19
    bl      guest_main
1:  wfe
    b       1b

/* ---- EL2 vectors ---- */
.macro TRAP handler
    .balign 128
    sub     sp, sp, #256
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x0, sp
    bl      \handler
    b       trap_return
.endm

    .balign 2048
hyp_vectors:
    TRAP hyp_panic_trap    /* current EL, SP0 */
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap    /* current EL, SPx */
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap
    TRAP hyp_guest_trap    /* lower EL, AArch64: synchronous */
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap
    TRAP hyp_panic_trap

trap_return:
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #256
    eret

    .bss
    .balign 4096
    .global hyp_stacks
hyp_stacks:
    .skip (4 + 1) * 8192
    .global guest_stacks
guest_stacks:
    .skip (4 + 1) * 8192
