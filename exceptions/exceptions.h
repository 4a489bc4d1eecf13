/*
 * exceptions/exceptions.h — taking and returning from exceptions
 * (Arm ARM D1.10 "Exception entry", D1.11 "Exception return",
 * pseudocode AArch64.TakeException / AArch64.ExceptionReturn).
 *
 * Synchronous exceptions raised while executing an instruction never return:
 * they update the architectural state and longjmp back to the run loop
 * (Cpu.exc_jmp), which continues at the vector.
 */
#ifndef EMU_EXCEPTIONS_EXCEPTIONS_H
#define EMU_EXCEPTIONS_EXCEPTIONS_H

#include "cpu/cpu.h"
#include "cpu/regs.h"

/* ESR_ELx.EC values (Arm ARM D17.2.37). */
enum {
    EC_UNKNOWN = 0x00,
    EC_WFX = 0x01,
    EC_FP_ACCESS = 0x07,
    EC_ILLEGAL_STATE = 0x0e,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_IABT_LOWER = 0x20,
    EC_IABT_CUR = 0x21,
    EC_PC_ALIGN = 0x22,
    EC_DABT_LOWER = 0x24,
    EC_DABT_CUR = 0x25,
    EC_SP_ALIGN = 0x26,
    EC_FP_EXC64 = 0x2c,
    EC_SERROR = 0x2f,
    EC_BKPT_LOWER = 0x30,
    EC_BKPT_CUR = 0x31,
    EC_SSTEP_LOWER = 0x32,
    EC_SSTEP_CUR = 0x33,
    EC_WATCH_LOWER = 0x34,
    EC_WATCH_CUR = 0x35,
    EC_BRK64 = 0x3c,
};

FIELD(ESR, EC, 26, 6);
FIELD(ESR, IL, 25, 1);
FIELD(ESR, ISS, 0, 25);

/* Vector offsets from VBAR_ELx (Arm ARM D1.10.2). */
enum {
    VEC_CUR_SP0 = 0x000,
    VEC_CUR_SPX = 0x200,
    VEC_LOWER_A64 = 0x400,
    VEC_LOWER_A32 = 0x600,
    VEC_SYNC = 0x000,
    VEC_IRQ = 0x080,
    VEC_FIQ = 0x100,
    VEC_SERROR = 0x180,
};

/* Build an ESR value with IL=1 (32-bit instruction). */
static inline u32 syn(unsigned ec, u32 iss)
{
    return (u32)ec << ESR_EC_SHIFT | ESR_IL | (iss & ESR_ISS);
}

/* Name of an exception class for traces, e.g. "HVC64". */
const char *exc_ec_name(unsigned ec);

/*
 * Take a synchronous exception to TARGET_EL with syndrome ESR.
 * FAR is written when FAR_VALID (aborts, PC/watchpoint faults).
 * RET is the preferred return address (ELR).  REASON, if not NULL, is a
 * static string naming the control that caused it (e.g. "HCR_EL2.TSC=1"),
 * printed by --trace exc.  Never returns (longjmp to the run loop).
 */
NORETURN void exc_take_sync(Cpu *c, unsigned target_el, u32 esr, u64 far,
                            bool far_valid, u64 ret, const char *reason);

/* Enter TARGET_EL at VBAR+OFFSET for an asynchronous exception taken
 * between instructions (IRQ/FIQ/SError, physical or virtual); returns. */
void exc_enter_async(Cpu *c, unsigned target_el, unsigned type_offset, const char *what);

/*
 * Target EL for exceptions "taken to the default place" from the current
 * state: EL0 -> EL1, or EL2 when HCR_EL2.TGE=1 (Non-secure); ELn -> ELn.
 * (Arm ARM D1.10.1, pseudocode AArch64.TakeException routing.)
 */
unsigned exc_default_target(const Cpu *c);

/* UNDEFINED: EC 0x00 to the default target.  Logs WHY under --trace exc. */
NORETURN void exc_undefined(Cpu *c, const char *why);

/* Log once per encoding that an instruction/register is not implemented,
 * then raise UNDEFINED. */
NORETURN void exc_unimplemented(Cpu *c, const char *what);

/* ERET (Arm ARM D1.11, AArch64.ExceptionReturn) incl. illegal return checks. */
void exc_return(Cpu *c);

/* An asynchronous exception the core would take now (exc_pending_async). */
typedef struct AsyncException {
    int kind;             /* ROUTE_IRQ, ROUTE_FIQ or ROUTE_SERROR (exceptions/route.h) */
    bool is_virtual;      /* virtual: HCR_EL2.VI/VF/VSE or the GIC's virtual CPU interface */
    unsigned target_el;   /* EL it is taken to (always 1 for a virtual one) */
    unsigned offset;      /* vector offset from VBAR_ELx: VEC_IRQ, VEC_FIQ or VEC_SERROR */
    const char *name;     /* static: "IRQ", "FIQ", "SError", "virtual IRQ", ... */
} AsyncException;

/*
 * The one decision "is an asynchronous exception taken now": the first of
 * physical SError, FIQ, IRQ, then virtual SError, FIQ, IRQ that is pending,
 * routed to the current EL or a higher one (route_async_target: SCR_EL3.
 * {EA,FIQ,IRQ}, HCR_EL2.{AMO,FMO,IMO}, TGE) and not masked by PSTATE.{A,F,I}
 * (Arm ARM D1.16.1).  Virtual ones are taken to EL1 from EL0/EL1 Non-secure
 * with EL2 enabled, TGE=0 and the matching {AMO,FMO,IMO}=1 (D1.16.3).
 * Reads Cpu.irq_lines as they are (exc_check_async() refreshes them first).
 * Returns false if none would be taken; else true and, if OUT is not NULL,
 * fills *OUT.  Changes no state.
 */
bool exc_pending_async(const Cpu *c, AsyncException *out);

/* Refresh the interrupt lines (Machine hook async_refresh) and take the
 * exception exc_pending_async() selects, if any: a virtual SError clears
 * HCR_EL2.VSE; an SError writes ESR_ELx (EC 0x2F, ISS 0).  Returns true if
 * an exception was taken. */
bool exc_check_async(Cpu *c);
/* True if an interrupt is pending that would wake the core from WFI
 * regardless of PSTATE masking (Arm ARM D1.16.2): any physical line, or a
 * virtual interrupt that is asserted and routed (route_virtual_enabled). */
bool exc_wfi_wakeup(const Cpu *c);

#endif
