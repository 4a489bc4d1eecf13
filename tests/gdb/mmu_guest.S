/*
 * tests/gdb/mmu_guest.S — one core at EL2 turns its stage-1 MMU on with a
 * 3-level-free layout (4 KiB granule, T0SZ=25: level-1 1 GiB blocks) and
 * runs from an alias: VA 0x80000000 maps PA 0x40000000 (RAM), so the PC is
 * a virtual address that is not a physical one.  Used to check that gdb's
 * `x/4i $pc` reads through the core's translation regime.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    adr     x0, l1_table
    msr     ttbr0_el2, x0
    movz    x0, #0xff                   /* Attr0 Normal WB, Attr1 Device-nGnRnE */
    msr     mair_el2, x0
    movz    x0, #0x3519                 /* T0SZ=25, IRGN0=ORGN0=WBWA, SH0=Inner, TG0=4K */
    movk    x0, #0x8082, lsl #16        /* PS=40 bits (0b010 at [18:16]), RES1 bits 23 and 31 */
    msr     tcr_el2, x0
    isb
    mrs     x0, sctlr_el2
    orr     x0, x0, #1                  /* M */
    msr     sctlr_el2, x0
    isb
    adr     x0, aliased
    movz    x1, #0x4000, lsl #16
    add     x0, x0, x1                  /* same code, VA + 1 GiB */
    br      x0
aliased:
    movz    x2, #0
    .global alias_loop
alias_loop:
    add     x2, x2, #1
    b       alias_loop

    .data
    .balign 4096
l1_table:
    .quad   0x0000000000000405          /* VA 0-1G: Device (AttrIndx 1), AF, block */
    .quad   0x0000000040000701          /* VA 1-2G: RAM, Normal, Inner Shareable, AF */
    .quad   0x0000000040000701          /* VA 2-3G: alias of RAM */
    .fill   509, 8, 0
