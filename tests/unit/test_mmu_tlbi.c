/*
 * tests/unit/test_mmu_tlbi.c — TLBI instructions executed by a core
 * (mmu/sysreg_mmu.c): Inner Shareable forms reach every core, local forms
 * only the issuer, HCR_EL2.FB broadcasts, EL1 operations act on the
 * current VMID only, HCR_EL2.TTLB traps, and EL2 operations UNDEFINED at
 * EL1.
 */
#include <string.h>

#include "machine/virt/virt.h"
#include "cpu/regs.h"
#include "mmu/mmu.h"
#include "test.h"

#define CODE 0x40000000ull
#define VBAR 0x40020000ull
#define DATA 0x40100000ull
#define B_SELF 0x14000000u

static Machine *mk(void)
{
    VirtOptions o;
    virt_default_options(&o);
    o.smp = 2;
    o.virtualization = true;
    o.loader[0].addr = CODE;
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        abort();
    for (unsigned i = 0; i < 2; i++) {
        Cpu *c = m->cpu[i];
        cpu_set_el_spsel(c, 1, 1);
        c->hcr_el2 = HCR_EL2_RW;
        c->vbar_el[1] = c->vbar_el[2] = VBAR;
    }
    for (u64 off = 0; off < 0x800; off += 0x80)
        phys_write_buf(m, VBAR + off, &(u32){B_SELF}, 4);
    return m;
}

static void run1(Cpu *c, u32 insn)
{
    u64 pc = CODE + 0x100 * c->index;
    phys_write_buf(c->m, pc, &insn, 4);
    c->pc = pc;
    c->x[1] = DATA >> 12;
    cpu_run(c, 1);
}

static bool cached(Cpu *c, u64 va)
{
    const TlbExtra *x = &c->tlb->x[MMU_NS_E10_1][(va >> 12) & (TLB_ENTRIES - 1)];
    return x->valid && x->va_page == (va & ~0xfffull);
}

static void fill(Cpu *c)
{
    mmu_read_slow(c, DATA, 8, MMU_NS_E10_1, 0);
}

TEST(mmu_tlbi_broadcast_local_fb_vmid)
{
    Machine *m = mk();
    Cpu *a = m->cpu[0], *b = m->cpu[1];
    fill(a); fill(b);
    ASSERT_TRUE(cached(a, DATA) && cached(b, DATA));
    run1(a, 0xd508871f);                   /* tlbi vmalle1: local */
    ASSERT_TRUE(!cached(a, DATA) && cached(b, DATA));
    fill(a);
    run1(a, 0xd508831f);                   /* tlbi vmalle1is: every core */
    ASSERT_TRUE(!cached(a, DATA) && !cached(b, DATA));
    fill(a); fill(b);
    a->hcr_el2 |= HCR_EL2_FB;              /* FB: local forms broadcast */
    run1(a, 0xd508871f);
    ASSERT_TRUE(!cached(b, DATA));
    a->hcr_el2 &= ~HCR_EL2_FB;
    fill(b);
    run1(a, 0xd5088321);                   /* tlbi vae1is, x1 (VA = DATA) */
    ASSERT_TRUE(!cached(b, DATA));
    /* b runs another VM: a's VMALLE1IS (VMID 0) leaves it alone */
    b->vttbr_el2 = 3ull << 48;
    fill(b);
    run1(a, 0xd508831f);
    ASSERT_TRUE(cached(b, DATA));
    virt_destroy(m);
}

TEST(mmu_tlbi_traps_and_el2_ops)
{
    Machine *m = mk();
    Cpu *a = m->cpu[0];
    a->hcr_el2 |= HCR_EL2_TTLB;
    run1(a, 0xd508831f);
    ASSERT_EQ(a->el, 2);
    ASSERT_EQ(a->esr_el[2] >> 26, 0x18);
    ASSERT_EQ(a->esr_el[2] & 0x1ffffff, 0x1 << 20 | 0 << 17 | 0 << 14 | 8 << 10 | 31 << 5 | 3 << 1);
    cpu_set_el_spsel(a, 1, 1);
    a->hcr_el2 &= ~HCR_EL2_TTLB;
    run1(a, 0xd50c839f);                   /* tlbi alle1is at EL1: UNDEFINED */
    ASSERT_EQ(a->el, 1);
    ASSERT_EQ(a->esr_el[1], 0x02000000u);
    /* at EL2: ALLE1IS drops every VMID on every core */
    Cpu *b = m->cpu[1];
    b->vttbr_el2 = 3ull << 48;
    fill(b);
    cpu_set_el_spsel(a, 2, 1);
    run1(a, 0xd50c839f);
    ASSERT_TRUE(!cached(b, DATA));
    /* VMALLS12E1IS at EL2 with VMID 0 keeps VMID 3 */
    fill(b);
    run1(a, 0xd50c83df);
    ASSERT_TRUE(cached(b, DATA));
    virt_destroy(m);
}

/* An unaligned load that crosses a page into Device memory (MMU off) is an
 * Alignment fault, not two byte-wise halves. */
TEST(mmu_unaligned_device_crossing_page)
{
    Machine *m = mk();
    Cpu *a = m->cpu[0];
    u32 insn = 0xf9400020;                 /* ldr x0, [x1] */
    u64 pc = CODE + 0x200;
    phys_write_buf(m, pc, &insn, 4);
    a->pc = pc;
    a->x[1] = DATA + 0xffc;
    cpu_run(a, 1);
    ASSERT_EQ(a->el, 1);
    ASSERT_EQ(a->esr_el[1], 0x96000021u);
    ASSERT_EQ(a->far_el[1], DATA + 0xffc);
    virt_destroy(m);
}

/* HCR_EL2.TGE=1: EL0 data aborts go to EL2 (stage 1 of EL1&0 is off, so a
 * VA beyond the 40-bit PA size is an Address size fault, level 0). */
TEST(mmu_tge_routes_el0_abort_to_el2)
{
    Machine *m = mk();
    Cpu *a = m->cpu[0];
    a->hcr_el2 |= HCR_EL2_TGE;
    a->sctlr_el[1] |= SCTLR_M;             /* ignored under TGE */
    cpu_set_el_spsel(a, 0, 0);
    u32 insn = 0xf9400020;                 /* ldr x0, [x1] */
    u64 pc = CODE + 0x300;
    phys_write_buf(m, pc, &insn, 4);
    a->pc = pc;
    a->x[1] = 1ull << 41;
    cpu_run(a, 1);
    ASSERT_EQ(a->el, 2);
    ASSERT_EQ(a->esr_el[2], 0x92000000u);  /* EC 0x24 (lower EL), DFSC 0x00 */
    ASSERT_EQ(a->far_el[2], 1ull << 41);
    virt_destroy(m);
}

/* AT and cache maintenance access rules executed by the core. */
TEST(mmu_at_dc_ic_access_rules)
{
    Machine *m = mk();
    Cpu *a = m->cpu[0];
    run1(a, 0xd50c7881);                   /* at s12e1r at EL1: UNDEFINED */
    ASSERT_EQ(a->el, 1);
    ASSERT_EQ(a->esr_el[1], 0x02000000u);
    cpu_set_el_spsel(a, 2, 1);
    a->par_el1 = 0;
    run1(a, 0xd50c7881);                   /* at EL2: PAR = PA of x1 (MMU off: flat) */
    ASSERT_EQ(a->el, 2);
    /* run1 sets x1 = DATA >> 12 = 0x40100: flat, so PAR.PA = 0x40000, NS */
    ASSERT_EQ(a->par_el1 & 0xfffffffff001ull, 0x40000);
    ASSERT_TRUE(a->par_el1 & (1u << 9));
    ASSERT_EQ(a->par_el1 & 1, 0);
    /* EL0: DC CVAU with SCTLR_EL1.UCI=0 traps to EL1 (EC 0x18); DC IVAC UNDEF */
    cpu_set_el_spsel(a, 0, 0);
    a->sctlr_el[1] &= ~SCTLR_UCI;
    run1(a, 0xd50b7b21);
    ASSERT_EQ(a->el, 1);
    ASSERT_EQ(a->esr_el[1] >> 26, 0x18);
    cpu_set_el_spsel(a, 0, 0);
    a->sctlr_el[1] |= SCTLR_UCI;
    run1(a, 0xd50b7521);                   /* ic ivau at EL0 with UCI: ok */
    ASSERT_EQ(a->el, 0);
    run1(a, 0xd5087621);                   /* dc ivac at EL0: UNDEFINED */
    ASSERT_EQ(a->el, 1);
    ASSERT_EQ(a->esr_el[1], 0x02000000u);
    /* EL1 with HCR_EL2.TPU: IC IVAU traps to EL2 */
    a->hcr_el2 |= HCR_EL2_TPU;
    run1(a, 0xd50b7521);
    ASSERT_EQ(a->el, 2);
    ASSERT_EQ(a->esr_el[2] >> 26, 0x18);
    virt_destroy(m);
}

static void wr64(Machine *m, u64 pa, u64 v)
{
    phys_write_buf(m, pa, &v, 8);
}

/* Instruction fetch through stage 1: PXN block -> Instruction Abort
 * (EC 0x21, IFSC permission level 2), unmapped -> translation level 2,
 * FAR and ELR = the fetched address. */
TEST(mmu_instruction_aborts)
{
    Machine *m = mk();
    Cpu *a = m->cpu[0];
    const u64 L1 = 0x40300000, L2 = 0x40301000;
    wr64(m, L1 + 1 * 8, 0x40000000ull | 1 | 1 << 10);                   /* RAM, EL1 RW */
    wr64(m, L1 + 2 * 8, L2 | 3);
    wr64(m, L2 + 0 * 8, 0x40200000ull | 1 | 1 << 10 | 1ull << 53);     /* PXN */
    a->tcr_el[1] = 25 | 2ull << 32;
    a->ttbr0_el[1] = L1;
    a->mair_el[1] = 0xff;
    a->sctlr_el[1] |= SCTLR_M;
    tlb_flush_all(a);
    a->pc = 0x80000000;
    cpu_run(a, 1);
    ASSERT_EQ(a->el, 1);
    ASSERT_EQ(a->esr_el[1], 0x8600000eu);
    ASSERT_EQ(a->far_el[1], 0x80000000);
    ASSERT_EQ(a->elr_el[1], 0x80000000);
    a->pc = 0x80200000;
    cpu_run(a, 1);
    ASSERT_EQ(a->esr_el[1], 0x86000006u);
    ASSERT_EQ(a->far_el[1], 0x80200000);
    virt_destroy(m);
}
