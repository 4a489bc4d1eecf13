/*
 * tests/guests/traputil.h — helpers for the exception/trap guests: one-line
 * asm functions whose first instruction is the one under test, and a
 * printer for the last exception so hyperstep's output can be compared with
 * QEMU's (NAME.expected).  ELR is printed relative to the function, so the
 * lines do not depend on the link address.
 */
#ifndef HS_TRAPUTIL_H
#define HS_TRAPUTIL_H

#include "lib.h"

extern char hs_vectors[];

/* NAME: INSN...; nop; ret.  The nop lets hs_exc_skip (resume at ELR+4) land
 * safely after instructions whose preferred return is the next one. */
#define TRAP_FN(name, insn)                                                   \
    extern char name[];                                                       \
    __asm__(".text\n.balign 4\n.global " #name "\n.type " #name ", %function\n" \
            #name ":\n" insn "\nnop\nret\n")

typedef u64 (*lower_fn)(u64);

/* Run FN(ARG) at EL (the current EL: a plain call). */
static inline u64 run_at(int el, const char *fn, u64 arg)
{
    hs_exc_reset();
    hs_last.type = hs_last.source = -1;
    if (el == hs_current_el())
        return ((lower_fn)(void *)fn)(arg);
    return hs_call_lower(el, (lower_fn)(void *)fn, arg, 0);
}

/* Print the last exception: TAG: n=count el=EL src=SOURCE esr=ESR
 * elr=FN+OFF spsr=SPSR (FAR when WITH_FAR, relative to FN too). */
static inline void show(const char *tag, const char *fn, int with_far)
{
    hs_printf("%s: n=%d el=%d type=%d src=%d esr=0x%08lx elr=+%ld spsr=0x%lx", tag, hs_last.count,
              hs_last.el, hs_last.type, hs_last.source, hs_last.esr, (s64)(hs_last.elr - (u64)fn),
              hs_last.spsr);
    if (with_far)
        hs_printf(" far=+%ld", (s64)(hs_last.far - (u64)fn));
    hs_printf("\n");
}

/* Check target EL, EC/ISS (whole ESR) and ELR offset of the last exception. */
#define EXPECT_EXC(el_, esr_, fn_, off_)                    \
    do {                                                    \
        CHECK_EQ(hs_last.count, 1);                         \
        CHECK_EQ(hs_last.el, el_);                          \
        CHECK_EQ(hs_last.esr, esr_);                        \
        CHECK_EQ(hs_last.elr - (u64)(fn_), off_);           \
    } while (0)

#define EXPECT_NONE() CHECK_EQ(hs_last.count, 0)

/* ESR helpers (IL=1 for every A64 instruction trap). */
#define ESR(ec, iss) (((u64)(ec) << 26) | (1ul << 25) | (u64)(iss))
/* EC 0x18 ISS: Op0 Op2 Op1 CRn Rt CRm Dir. */
#define SYSISS(op0, op1, crn, crm, op2, rt, rd) \
    (((u64)(op0) << 20) | ((u64)(op2) << 17) | ((u64)(op1) << 14) | ((u64)(crn) << 10) | ((u64)(rt) << 5) | ((u64)(crm) << 1) | (rd))

#endif
