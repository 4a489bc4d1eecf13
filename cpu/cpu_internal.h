/*
 * cpu/cpu_internal.h — private to cpu/: what instruction handlers share.
 */
#ifndef EMU_CPU_CPU_INTERNAL_H
#define EMU_CPU_CPU_INTERNAL_H

#include "cpu/cpu.h"
#include "cpu/regs.h"
#include "decoder/decode_gen.h"
#include "exceptions/exceptions.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"

/* ConditionHolds() (Arm ARM J1, shared/functions/system/ConditionHolds). */
static inline bool cond_holds(u32 nzcv, unsigned cond)
{
    bool n = nzcv >> 31 & 1, z = nzcv >> 30 & 1, cf = nzcv >> 29 & 1, v = nzcv >> 28 & 1;
    bool r;
    switch (cond >> 1) {
    case 0: r = z; break;                 /* EQ/NE */
    case 1: r = cf; break;                /* CS/CC */
    case 2: r = n; break;                 /* MI/PL */
    case 3: r = v; break;                 /* VS/VC */
    case 4: r = cf && !z; break;          /* HI/LS */
    case 5: r = n == v; break;            /* GE/LT */
    case 6: r = n == v && !z; break;      /* GT/LE */
    default: r = true; break;             /* AL/NV */
    }
    if ((cond & 1) && cond != 15)
        r = !r;
    return r;
}

/* Raise UNDEFINED for a reserved field value of the current instruction. */
#define UNDEF_IF(cond, why)             \
    do {                                \
        if (unlikely(cond))             \
            exc_undefined(c, (why));    \
    } while (0)

/* WFI/WFE: put the core to sleep (cpu/run.c). */
void cpu_wait(Cpu *c, bool wfe);

#endif
