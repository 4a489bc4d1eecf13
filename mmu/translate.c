/*
 * mmu/translate.c — top-level address translation: regime selection,
 * MMU-off behaviour (Arm ARM D5.2.9 "The effects of disabling a stage of
 * address translation") and the combination of stage 1 and stage 2.
 */
#include "cpu/regs.h"
#include "exceptions/route.h"
#include "mmu/mmu_internal.h"

MmuIdx mmu_idx_for_el(const Cpu *c, unsigned el)
{
    if (el == 3)
        return MMU_E3;
    if (el == 2)
        return MMU_E2;
    bool ns = (c->scr_el3 & SCR_EL3_NS) != 0;
    if (ns)
        return el == 0 ? MMU_NS_E10_0 : MMU_NS_E10_1;
    return el == 0 ? MMU_S_E10_0 : MMU_S_E10_1;
}

static bool regime_is_ns_e10(MmuIdx idx)
{
    return idx == MMU_NS_E10_0 || idx == MMU_NS_E10_1;
}

bool mmu_s1_enabled(const Cpu *c, MmuIdx idx)
{
    switch (idx) {
    case MMU_E3: return c->sctlr_el[3] & SCTLR_M;
    case MMU_E2: return c->sctlr_el[2] & SCTLR_M;
    default:
        /* HCR_EL2.TGE=1 or DC=1 make the EL1&0 stage 1 behave as disabled
         * for Non-secure accesses (D5.2.9 / HCR_EL2.{TGE,DC}). */
        if (regime_is_ns_e10(idx) && (c->hcr_el2 & (HCR_EL2_TGE | HCR_EL2_DC)))
            return false;
        return c->sctlr_el[1] & SCTLR_M;
    }
}

bool mmu_s2_enabled(const Cpu *c, MmuIdx idx)
{
    return regime_is_ns_e10(idx) && (c->hcr_el2 & (HCR_EL2_VM | HCR_EL2_DC));
}

bool mmu_translate(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *r, Fault *f)
{
    f->type = FAULT_NONE;
    f->level = 0;
    f->stage2 = f->s1ptw = f->ea = false;
    f->ipa = 0;
    r->ns = !(idx == MMU_E3 || idx == MMU_S_E10_0 || idx == MMU_S_E10_1);
    r->asid = r->vmid = 0;
    r->global = true;
    r->page_bits = 12;
    if (mmu_s1_enabled(c, idx)) {
        if (!mmu_walk_s1(c, va, acc, idx, r, f))
            return false;
    } else {
        /* Stage 1 disabled: flat map; VA bits above the PA size give an
         * Address size fault at level 0.  Data is Device-nGnRnE, fetch is
         * Normal (HCR_EL2.DC makes data Normal Write-Back). */
        if (va >> A53_PARANGE_BITS) {
            f->type = FAULT_ADDRSIZE;
            f->level = 0;
            return false;
        }
        r->pa = va;
        bool dc = regime_is_ns_e10(idx) && (c->hcr_el2 & HCR_EL2_DC);
        r->attr = (acc == ACC_EXEC || dc) ? 0xff : 0x00;
        r->perm = 7;
    }
    if (mmu_s2_enabled(c, idx) && (c->hcr_el2 & HCR_EL2_VM)) {
        u8 s1attr = r->attr;
        u8 s1perm = r->perm;
        if (!mmu_walk_s2(c, r->pa, acc, false, r, f))
            return false;
        r->perm &= s1perm;
        (void)s1attr;
    }
    return true;
}
