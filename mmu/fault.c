/*
 * mmu/fault.c — Instruction and Data Abort syndromes (Arm ARM D17.2.37
 * ESR_ELx ISS encodings for EC 0x20-0x25) and their routing.
 */
#include <stdio.h>

#include "cpu/regs.h"
#include "exceptions/exceptions.h"
#include "exceptions/route.h"
#include "mmu/mmu_internal.h"

unsigned mmu_fault_fsc(const Fault *f)
{
    unsigned lvl = f->level < 0 ? 0 : (unsigned)f->level & 3;
    switch (f->type) {
    case FAULT_ADDRSIZE: return 0x00 | lvl;
    case FAULT_TRANSLATION: return 0x04 | lvl;
    case FAULT_ACCESS: return 0x08 | lvl;
    case FAULT_PERMISSION: return 0x0c | lvl;
    case FAULT_SYNC_EXT: return 0x10;
    case FAULT_SYNC_EXT_WALK: return 0x14 | lvl;
    case FAULT_ALIGNMENT: return 0x21;
    case FAULT_TLB_CONFLICT: return 0x30;
    default: return 0x10;
    }
}

static const char *fault_name(FaultType t)
{
    switch (t) {
    case FAULT_ADDRSIZE: return "address size fault";
    case FAULT_TRANSLATION: return "translation fault";
    case FAULT_ACCESS: return "access flag fault";
    case FAULT_PERMISSION: return "permission fault";
    case FAULT_SYNC_EXT: return "synchronous external abort";
    case FAULT_SYNC_EXT_WALK: return "synchronous external abort on table walk";
    case FAULT_ALIGNMENT: return "alignment fault";
    case FAULT_TLB_CONFLICT: return "TLB conflict abort";
    default: return "fault";
    }
}

/*
 * Instruction Specific Syndrome of a single general-purpose register
 * load/store without writeback (ISV=1 fields SAS/SSE/SRT/SF/AR), or 0 when
 * the instruction gives no valid ISS (pairs, SIMD&FP, writeback, exclusives
 * other than acquire/release, PRFM, ...).  Arm ARM D17.2.37 "ISS encoding
 * for an exception from a Data Abort"; declared in mmu/mmu_internal.h.
 */
u32 ldst_iss(u32 insn)
{
    unsigned size = insn >> 30, rt = insn & 31;
    bool sse = false, sf = false, ar = false;
    if (insn & (1u << 26))
        return 0;                                            /* SIMD&FP (V=1) */
    if ((insn & 0x3b000000) == 0x39000000 ||                 /* unsigned imm */
        (insn & 0x3b200c00) == 0x38000000 ||                 /* unscaled */
        (insn & 0x3b200c00) == 0x38000800 ||                 /* unprivileged */
        (insn & 0x3b200c00) == 0x38200800) {                 /* register offset */
        unsigned opc = (insn >> 22) & 3;
        if (opc < 2) {
            sf = size == 3;                                  /* Xt for 64-bit only */
        } else {
            if (size == 3 || (size == 2 && opc == 3))
                return 0;                                    /* PRFM / unallocated */
            sse = true;
            sf = opc == 2;                                   /* LDRS*X / LDRSW: Xt */
        }
    } else if ((insn & 0x3b000000) == 0x18000000) {          /* literal: opc in 31:30 */
        unsigned opc = size;
        if (opc == 3)
            return 0;                                        /* PRFM (literal) */
        size = opc == 1 ? 3 : 2;
        sse = opc == 2;
        sf = opc != 0;
    } else if ((insn & 0x3f000000) == 0x08000000 && (insn & (1u << 23))) {
        /* LDAR/STLR (o2=1, o1=0, o0=1); CAS (o1=1) and LDLAR (o0=0) are
         * not ARMv8.0 instructions. */
        if ((insn & (1u << 21)) || !(insn & (1u << 15)))
            return 0;
        ar = true;
        sf = size == 3;
    } else {
        return 0;
    }
    return 1u << 24 | size << 22 | (u32)sse << 21 | rt << 16 | (u32)sf << 15 | (u32)ar << 14;
}

NORETURN void mmu_raise_fault(Cpu *c, u64 va, AccType acc, unsigned flags, const Fault *f)
{
    unsigned target;
    /* SCR_EL3.EA routes every synchronous External abort (also on a stage-2
     * walk) to EL3; other stage-2 faults go to EL2 (D1.10.1). */
    if ((f->type == FAULT_SYNC_EXT || f->type == FAULT_SYNC_EXT_WALK) && cpu_have_el3(c) &&
        (c->scr_el3 & SCR_EL3_EA))
        target = 3;
    else if (f->stage2)
        target = 2;
    else
        target = exc_default_target(c);
    if (target < c->el)
        target = c->el;
    bool lower = target > c->el;
    u32 iss = mmu_fault_fsc(f);
    if (f->s1ptw)
        iss |= 1u << 7;
    if (f->ea)
        iss |= 1u << 9;
    unsigned ec;
    if (acc == ACC_EXEC) {
        ec = lower ? EC_IABT_LOWER : EC_IABT_CUR;
    } else {
        ec = lower ? EC_DABT_LOWER : EC_DABT_CUR;
        /* CM=1 and WnR=1 for cache maintenance and AT instructions (not DC
         * ZVA, which is a store); otherwise WnR is the access direction,
         * also for a stage-2 fault on the stage-1 walk of that access. */
        if (flags & MEMF_DC)
            iss |= 1u << 8 | 1u << 6;                        /* CM, WnR */
        else if (acc == ACC_WRITE)
            iss |= 1u << 6;
        /* ISV only for stage-2 faults taken to EL2 (not on S1 walks), as
         * ARMv8.0 gives it; other aborts report ISV=0. */
        if (target == 2 && f->stage2 && !f->s1ptw)
            iss |= ldst_iss(c->insn);
    }
    if (f->stage2 && target == 2)
        c->hpfar_el2 = (f->ipa >> 12) << 4;
    int n = snprintf(c->reason_buf, sizeof(c->reason_buf), "%s%s%s at level %d%s",
                     f->stage2 ? "stage-2 " : "", f->s1ptw ? "(on stage-1 walk) " : "",
                     fault_name(f->type), f->level, acc == ACC_EXEC ? " (fetch)" : "");
    if (f->stage2 && n > 0 && (size_t)n < sizeof(c->reason_buf))
        snprintf(c->reason_buf + n, sizeof(c->reason_buf) - n, ", IPA=0x%llx",
                 (unsigned long long)f->ipa);
    exc_take_sync(c, target, syn(ec, iss), va, true, c->pc, c->reason_buf);
}
