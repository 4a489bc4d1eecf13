/*
 * tests/unit/test_mmu_sif.c — SCR_EL3.SIF (mmu/translate.c): in a Secure
 * translation regime an output address in the Non-secure PA space is
 * execute-never when SIF=1 (Arm ARM AArch64.CheckPermission, "Restriction
 * on Secure instruction fetch"); data permissions and Non-secure regimes
 * are unaffected.  Also pins hyperstep's behaviour that after MSR SCR_EL3
 * (SIF=1) a fetch from the NS page faults even without a TLBI (the
 * architecture would permit a cached entry to be reused).  Note: removing
 * the tlb_flush_all() in wr_scr alone does not make that case fail (checked
 * by mutation), so something else on this path also re-translates the
 * fetch; the case pins the observable behaviour, not that one flush.
 */
#include <string.h>

#include "machine/virt/virt.h"
#include "cpu/regs.h"
#include "mmu/mmu.h"
#include "test.h"

#define CODE 0x40000000ull     /* Secure identity-mapped code */
#define VBAR 0x40020000ull
#define NSPA 0x40200000ull     /* page reached through an NS=1 descriptor */
#define L1 0x40100000ull
#define L2 0x40101000ull
#define L3 0x40102000ull
#define NSVA 0x80000000ull
#define B_SELF 0x14000000u
#define NOP 0xd503201fu
#define MSR_SCR_X3 0xd51e1103u
#define DESC_NS (1ull << 5)

static void wr64(Machine *m, u64 pa, u64 v) { phys_write_buf(m, pa, &v, 8); }

static Machine *mk(void)
{
    VirtOptions o;
    virt_default_options(&o);
    o.secure = true;
    o.virtualization = true;
    o.loader[0].addr = CODE;
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        abort();
    /* 4K granule, 39-bit VA: L1[1] RAM block (Secure), L1[2]->L2->L3[0] NS page. */
    wr64(m, L1 + 1 * 8, 0x40000000ull | 1 | (1ull << 10));
    wr64(m, L1 + 2 * 8, L2 | 3);
    wr64(m, L2 + 0 * 8, L3 | 3);
    wr64(m, L3 + 0 * 8, NSPA | 3 | (1ull << 10) | DESC_NS);
    for (u64 off = 0; off < 0x800; off += 0x80)
        phys_write_buf(m, VBAR + off, &(u32){B_SELF}, 4);
    phys_write_buf(m, NSPA, &(u32){NOP}, 4);
    phys_write_buf(m, CODE, &(u32){MSR_SCR_X3}, 4);
    Cpu *c = m->cpu[0];
    cpu_set_el_spsel(c, 3, 1);
    c->scr_el3 = 0x30 | SCR_EL3_RW;      /* Secure state, SIF=0 */
    c->vbar_el[3] = VBAR;
    for (unsigned el = 1; el <= 3; el += 2) {
        c->tcr_el[el] = 25 | (el == 3 ? 2ull << 16 : 2ull << 32);
        c->ttbr0_el[el] = L1;
        c->mair_el[el] = 0xff;
        c->sctlr_el[el] |= SCTLR_M;
    }
    tlb_flush_all(c);
    return m;
}

static unsigned perm_of(Cpu *c, u64 va, MmuIdx idx)
{
    TransResult r;
    Fault f;
    memset(&r, 0, sizeof(r));
    if (!mmu_translate(c, va, ACC_READ, idx, &r, &f))
        return 0xff;                      /* fault: fails every check below */
    return r.perm;
}

TEST(mmu_sif_secure_fetch_from_ns_is_xn)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    /* SIF=0: NS page executable in the EL3 and Secure EL1 regimes. */
    ASSERT_EQ(perm_of(c, NSVA, MMU_E3) & 4, 4);
    ASSERT_EQ(perm_of(c, NSVA, MMU_S_E10_1) & 4, 4);
    c->scr_el3 |= SCR_EL3_SIF;
    tlb_flush_all(c);
    ASSERT_EQ(perm_of(c, NSVA, MMU_E3), 3);          /* RW stays, X goes */
    ASSERT_EQ(perm_of(c, NSVA, MMU_S_E10_1), 3);
    ASSERT_EQ(perm_of(c, CODE, MMU_E3) & 4, 4);      /* Secure PA: still X */
    /* Non-secure regime: descriptor NS is ignored, SIF does not apply. */
    ASSERT_EQ(perm_of(c, NSVA, MMU_NS_E10_1) & 4, 4);
    virt_destroy(m);
}

TEST(mmu_sif_msr_scr_drops_cached_executable_entry)
{
    Machine *m = mk();
    Cpu *c = m->cpu[0];
    c->pc = NSVA;                         /* fetch from NS page: warms the TLB */
    cpu_run(c, 1);
    ASSERT_EQ(c->pc, NSVA + 4);
    ASSERT_EQ(c->el, 3);
    c->pc = CODE;                         /* msr scr_el3, x3 (SIF=1), no TLBI */
    c->x[3] = c->scr_el3 | SCR_EL3_SIF;
    cpu_run(c, 1);
    ASSERT_EQ(c->scr_el3 & SCR_EL3_SIF, SCR_EL3_SIF);
    c->pc = NSVA;
    cpu_run(c, 1);                        /* Instruction Abort, same EL */
    ASSERT_EQ(c->el, 3);
    ASSERT_EQ(c->pc, VBAR + 0x200);
    ASSERT_EQ(c->esr_el[3], 0x8600000full);   /* EC 0x21, IL, IFSC perm L3 */
    ASSERT_EQ(c->far_el[3], NSVA);
    virt_destroy(m);
}
