/*
 * tests/guests/lib/boot.S — entry, stacks and exception vectors shared by
 * the bare-metal test guests.  Runs at whatever EL the machine starts us in
 * (EL1, EL2 or EL3); every EL's VBAR points at the same table, whose entries
 * save the registers and call exc_dispatch() in lib.c.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x19, mpidr_el1
    and     x19, x19, #0xff          /* core number (Aff0) */
    bl      hs_set_stack             /* SP for this EL and core */
    /* Enable SIMD&FP at every EL before any C code runs (guests built
     * without -mgeneral-regs-only use V registers, e.g. in varargs
     * prologues): CPTR_EL3.TFP=0, CPTR_EL2.TFP=0 (RES1 bits 13:12, 9:0 kept
     * set; only if EL2 is implemented), CPACR_EL1.FPEN=11 (Arm ARM D1.x). */
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    cmp     x0, #3
    b.ne    7f
    msr     cptr_el3, xzr
7:  cmp     x0, #2
    b.lt    8f
    mrs     x1, id_aa64pfr0_el1
    ubfx    x1, x1, #8, #4
    cbz     x1, 8f
    mov     x1, #0x33ff
    msr     cptr_el2, x1
8:  mov     x1, #(3 << 20)
    msr     cpacr_el1, x1
    isb
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    adr     x1, hs_vectors
    cmp     x0, #3
    b.ne    1f
    msr     vbar_el3, x1
    b       3f
1:  cmp     x0, #2
    b.ne    2f
    msr     vbar_el2, x1
    b       3f
2:  msr     vbar_el1, x1
3:  isb
    cbnz    x19, 4f
    /* core 0: clear .bss, run main, exit with its return value */
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
5:  cmp     x0, x1
    b.hs    6f
    str     xzr, [x0], #8
    b       5b
6:  bl      main
    bl      hs_exit
4:  bl      secondary_main
    bl      hs_exit

/* hs_set_stack: SP = __stacks_start + (EL*8 + core + 1) * 16K, core in x19. */
    .global hs_set_stack
hs_set_stack:
    mrs     x9, CurrentEL
    lsr     x9, x9, #2
    mrs     x10, mpidr_el1
    and     x10, x10, #0xff
    add     x9, x10, x9, lsl #3
    add     x9, x9, #1
    ldr     x10, =__stacks_start
    mov     x11, #16384
    madd    x10, x9, x11, x10
    mov     sp, x10
    ret

    .weak secondary_main
secondary_main:
    wfe
    b       secondary_main

/* Vectors: 16 entries of 128 bytes.  Each saves x0-x30 and calls
 * exc_dispatch(frame, type) with type = entry index (0..15). */
.macro VENTRY idx
    .balign 128
    sub     sp, sp, #(34 * 8)
    stp     x0, x1, [sp, #0]
    mov     x0, #\idx
    b       hs_vector_common
.endm

    .balign 2048
    .global hs_vectors
hs_vectors:
    VENTRY 0
    VENTRY 1
    VENTRY 2
    VENTRY 3
    VENTRY 4
    VENTRY 5
    VENTRY 6
    VENTRY 7
    VENTRY 8
    VENTRY 9
    VENTRY 10
    VENTRY 11
    VENTRY 12
    VENTRY 13
    VENTRY 14
    VENTRY 15

hs_vector_common:
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
    mov     x1, x0                   /* type */
    mov     x0, sp                   /* frame */
    bl      exc_dispatch             /* may rewrite frame->x[] and ELR */
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
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #(34 * 8)
    eret

/*
 * hs_call_lower(el, fn, arg, sp): run fn(arg) at the lower EL (EL1h/EL2h or
 * EL0t) and come back here when it returns.  fn's return reaches
 * hs_lower_return, which issues the "return call" (SVC/HVC/SMC #0xFFFE)
 * that exc_dispatch recognises; it restores this context and returns
 * fn's result in x0.
 */
    .global hs_call_lower
hs_call_lower:
    sub     sp, sp, #112
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    mov     x9, sp
    str     x9, [sp, #96]
    /* Save SP for the return path (per EL/core slot via lib.c). */
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    mov     x0, sp
    bl      hs_save_ctx_sp
    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x3, x22
    b       hs_eret_to_lower         /* in lib.c: sets SPSR/ELR/SP_ELx, erets */

    .global hs_lower_trampoline
hs_lower_trampoline:                 /* x0 = arg, x1 = fn, x27 = this EL, x28 = caller EL */
    blr     x1
    /* x27/x28 are callee-saved, so fn preserved them (CurrentEL cannot be
     * read here: MRS CurrentEL is UNDEFINED at EL0). */
    cbz     x27, 1f
    /* from EL1/EL2: HVC if the caller was EL2, SMC if EL3 */
    cmp     x28, #3
    b.eq    2f
    hvc     #0xfffe
1:  svc     #0xfffe
2:  smc     #0xfffe

    .global hs_resume_ctx
hs_resume_ctx:                       /* x0 = saved sp, x1 = return value */
    mov     sp, x0
    mov     x0, x1
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #112
    ret
