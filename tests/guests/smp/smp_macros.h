/*
 * tests/guests/smp/smp_macros.h — assembler helpers for the SMP test guests.
 * These guests are written with the instructions the core implements today
 * (MOVZ/MOVK, ADD/SUB immediate, LDR/STR, branches, hints, SMC/HVC, HLT), so
 * they exercise the scheduler and the firmware independently of the rest of
 * the instruction set.
 */
/* FID xN, HI, LO: load a 32-bit function ID. */
.macro FID reg, hi, lo
    movz    \reg, #\lo
    movk    \reg, #\hi, lsl #16
.endm

#define PSCI_VERSION_ 0x8400, 0x0000
#define CPU_SUSPEND64 0xC400, 0x0001
#define CPU_OFF_ 0x8400, 0x0002
#define CPU_ON64 0xC400, 0x0003
#define AFFINITY_INFO64 0xC400, 0x0004
#define MIGRATE_INFO_TYPE_ 0x8400, 0x0006
#define SYSTEM_OFF_ 0x8400, 0x0008
#define PSCI_FEATURES_ 0x8400, 0x000A

/* Semihosting SYS_EXIT with status \code (needs the exit blocks below). */
.macro EXIT_WITH blk
    movz    w0, #0x18
    adr     x1, \blk
    hlt     #0xf000
.endm

/* x0 must equal -\n (PSCI error code), else fail with status \line. */
.macro EXPECT_NEG n
    cmn     x0, #\n
    b.ne    fail
.endm
.macro EXPECT n
    cmp     x0, #\n
    b.ne    fail
.endm
