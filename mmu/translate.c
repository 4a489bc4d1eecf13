/*
 * mmu/translate.c — top-level address translation: regime selection,
 * MMU-off behaviour (Arm ARM D5.2.9 "The effects of disabling a stage of
 * address translation"), permission checks of each stage and the
 * combination of stage 1 and stage 2 (D5.5.5 "Combining the stage 1 and
 * stage 2 attributes").
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
        if (regime_is_ns_e10(idx) && cpu_have_el2(c) && (c->hcr_el2 & (HCR_EL2_TGE | HCR_EL2_DC)))
            return false;
        return c->sctlr_el[1] & SCTLR_M;
    }
}

bool mmu_s2_enabled(const Cpu *c, MmuIdx idx)
{
    /* HCR_EL2.DC=1 behaves as VM=1 for all purposes but reading HCR_EL2. */
    return regime_is_ns_e10(idx) && cpu_have_el2(c) && (c->hcr_el2 & (HCR_EL2_VM | HCR_EL2_DC));
}

static bool is_device(u8 attr)
{
    return (attr & 0xf0) == 0;
}

/* Combine one cacheability nibble of stage 1 (MAIR format) and stage 2:
 * the weaker of the two (NC < WT < WB), keeping stage 1's hints. */
static u8 combine_nibble(u8 s1, u8 s2)
{
    if (s1 == 4 || s2 == 4)
        return 4;
    unsigned t1 = s1 >> 2, t2 = s2 >> 2;   /* 0/2 WT, 1/3 WB */
    if (t1 == 0 || t1 == 2)
        return s1;
    if (t2 == 0 || t2 == 2)
        return s2;
    return s1;
}

static u8 combine_attr(u8 s1, u8 s2)
{
    if (is_device(s1) || is_device(s2)) {
        /* The more restrictive Device type (nGnRnE < nGnRE < nGRE < GRE). */
        u8 d1 = is_device(s1) ? s1 : 0x0c, d2 = is_device(s2) ? s2 : 0x0c;
        return d1 < d2 ? d1 : d2;
    }
    return (u8)(combine_nibble(s1 >> 4, s2 >> 4) << 4 | combine_nibble(s1 & 15, s2 & 15));
}

static u8 combine_sh(u8 s1, u8 s2)
{
    if (s1 == 2 || s2 == 2)
        return 2;
    if (s1 == 3 || s2 == 3)
        return 3;
    return 0;
}

/* Does PERM allow ACC?  (bit0 R, bit1 W, bit2 X) */
static bool perm_ok(unsigned perm, AccType acc)
{
    return (perm >> (acc == ACC_READ ? 0 : acc == ACC_WRITE ? 1 : 2)) & 1;
}

bool mmu_translate_ex(Cpu *c, u64 va, AccType acc, MmuIdx idx, unsigned flags,
                      TransResult *r, Fault *f)
{
    f->type = FAULT_NONE;
    f->level = 0;
    f->stage2 = f->s1ptw = f->ea = false;
    f->ipa = 0;
    r->ns = !(idx == MMU_E3 || idx == MMU_S_E10_0 || idx == MMU_S_E10_1);
    r->asid = r->vmid = 0;
    r->global = true;
    r->page_bits = 12;
    r->walk_level = 0;
    r->sh = 0;
    bool s2 = mmu_s2_enabled(c, idx);
    bool s1on = mmu_s1_enabled(c, idx);
    if (s1on) {
        if (!mmu_walk_s1(c, va, acc, idx, r, f))
            return false;
        /* Secure instruction fetch (SCR_EL3.SIF; Arm ARM D5.4
         * AArch64.CheckPermission, "Restriction on Secure instruction
         * fetch"): in a Secure regime, an output address in the
         * Non-secure PA space (descriptor NS / NSTable) is execute-never.
         * The TLB caches r->perm; every SCR_EL3 write flushes this core's
         * TLB (cpu/sysreg_core.c wr_scr), so a change of SIF never leaves
         * a stale executable entry. */
        if (!regime_is_ns_e10(idx) && idx != MMU_E2 && r->ns && cpu_have_el3(c) &&
            (c->scr_el3 & SCR_EL3_SIF))
            r->perm &= (u8)~4u;
        if (!(flags & MEMF_NOPERM) && !perm_ok(r->perm, acc)) {
            f->type = FAULT_PERMISSION;
            f->level = r->walk_level;
            return false;
        }
    } else {
        /* Stage 1 disabled: flat map; VA bits above the PA size give an
         * Address size fault at level 0 (top byte ignored per TBI in the
         * EL1&0 regime, AArch64.TranslateAddressS1Off).  Data is
         * Device-nGnRnE Outer Shareable, fetch is Normal; HCR_EL2.DC makes
         * it Normal Write-Back Non-shareable. */
        u64 a = va;
        unsigned el = idx == MMU_E3 ? 3 : idx == MMU_E2 ? 2 : 1;
        u64 tcr = c->tcr_el[el];
        bool tbi = el == 1 ? (((va >> 55) & 1) ? (tcr & TCR_TBI1) : (tcr & TCR_TBI0)) : ((tcr >> 20) & 1);
        if (tbi)
            a &= 0x00ffffffffffffffull;
        if (a >> c->pa_bits) {
            f->type = FAULT_ADDRSIZE;
            f->level = 0;
            return false;
        }
        r->pa = a;
        bool dc = regime_is_ns_e10(idx) && cpu_have_el2(c) && (c->hcr_el2 & HCR_EL2_DC);
        if (dc) {
            r->attr = 0xff;
            r->sh = 0;
        } else if (acc == ACC_EXEC) {
            r->attr = (c->sctlr_el[el] & SCTLR_I) ? 0xaa : 0x44;
            r->sh = 2;
        } else {
            r->attr = 0x00;
            r->sh = 0;   /* PAR_EL1.SH: descriptor-less, reported as 0 (QEMU does too) */
        }
        r->perm = 7;
    }
    /* Entries of the Non-secure EL1&0 regime are tagged with the VMID
     * whenever EL2 is implemented (even with stage 2 off). */
    if (regime_is_ns_e10(idx) && cpu_have_el2(c))
        r->vmid = (u16)((c->vttbr_el2 >> 48) & 0xff);
    if (s2 && !(flags & MEMF_S1ONLY)) {
        TransResult s1 = *r;
        if (!mmu_walk_s2(c, s1.pa, acc, false, r, f))
            return false;
        if (!(flags & MEMF_NOPERM) && !perm_ok(r->perm, acc)) {
            f->type = FAULT_PERMISSION;
            f->level = r->walk_level;
            f->stage2 = true;
            f->ipa = s1.pa;
            return false;
        }
        r->perm &= s1.perm;
        r->attr = combine_attr(s1.attr, r->attr);
        r->sh = combine_sh(s1.sh, r->sh);
        /* Device and Normal Non-cacheable are Outer Shareable (D5.5.x). */
        if (is_device(r->attr) || r->attr == 0x44)
            r->sh = 2;
        r->asid = s1.asid;
        r->global = s1.global;
        r->ns = true;
        /* Mapping size: the smaller stage (stage 1 off maps flat). */
        if (s1on && s1.page_bits < r->page_bits)
            r->page_bits = s1.page_bits;
    }
    return true;
}

bool mmu_translate(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *r, Fault *f)
{
    return mmu_translate_ex(c, va, acc, idx, 0, r, f);
}
