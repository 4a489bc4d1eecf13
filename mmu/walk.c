/*
 * mmu/walk.c — stage-1 and stage-2 translation table walks.
 * Placeholder of the foundation: translation with the MMU on is built by the
 * MMU work (issue 4); until then an enabled stage raises a Translation fault
 * at level 0 and logs that it is not implemented.
 */
#include "mmu/mmu_internal.h"
#include "trace/trace.h"

bool mmu_walk_s1(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *r, Fault *f)
{
    (void)va; (void)acc; (void)idx; (void)r;
    trace_unimplemented(c, "stage-1 translation table walk");
    f->type = FAULT_TRANSLATION;
    f->level = 0;
    return false;
}

bool mmu_walk_s2(Cpu *c, u64 ipa, AccType acc, bool s1ptw, TransResult *r, Fault *f)
{
    (void)acc; (void)r;
    trace_unimplemented(c, "stage-2 translation table walk");
    f->type = FAULT_TRANSLATION;
    f->level = 0;
    f->stage2 = true;
    f->s1ptw = s1ptw;
    f->ipa = ipa;
    return false;
}
