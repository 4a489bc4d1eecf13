/*
 * tests/unit/test_mmu_walk.c — stage-1 and stage-2 table walks over
 * hand-built translation tables in guest RAM (mmu/walk.c, translate.c):
 * each granule (4K/16K/64K) with pages and blocks, TTBR1, every fault kind
 * with its level, permissions per EL, stage 2 with concatenated tables and
 * S1PTW faults, combined attributes, and the TLB invalidation rules
 * (block-sized entries, ASID, VMID).
 */
#include <string.h>

#include "machine/virt/virt.h"
#include "cpu/regs.h"
#include "mmu/mmu.h"
#include "test.h"

#define AF (1ull << 10)
#define NG (1ull << 11)
#define PXN (1ull << 53)
#define UXN (1ull << 54)
#define AP_RW_EL1 (0ull << 6)
#define AP_RW_ALL (1ull << 6)
#define AP_RO_EL1 (2ull << 6)
#define AP_RO_ALL (3ull << 6)

static Machine *mk(bool virt)
{
    VirtOptions o;
    virt_default_options(&o);
    o.virtualization = virt;
    o.loader[0].addr = 0x40000000;   /* a PC for core 0 (nothing is run) */
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        abort();
    return m;
}

static void wr64(Machine *m, u64 pa, u64 v)
{
    phys_write_buf(m, pa, &v, 8);
}

static u64 tbl(u64 pa) { return pa | 3; }
static u64 page(u64 pa, u64 attrs) { return pa | 3 | AF | attrs; }
static u64 block(u64 pa, u64 attrs) { return pa | 1 | AF | attrs; }

/* Translate expecting success. */
static bool xlate(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *r, Fault *f)
{
    memset(r, 0, sizeof(*r));
    memset(f, 0, sizeof(*f));
    return mmu_translate(c, va, acc, idx, r, f);
}

/* MAIR: idx0 Normal WB, idx1 Device-nGnRE. */
#define MAIR 0x04ffull

static void setup_s1_4k(Cpu *c, unsigned t0sz, u64 ttbr)
{
    c->tcr_el[1] = t0sz | 2ull << 32;     /* TG0=4K, IPS=40 bits */
    c->ttbr0_el[1] = ttbr;
    c->mair_el[1] = MAIR;
    c->sctlr_el[1] |= SCTLR_M;
    tlb_flush_all(c);
}

TEST(mmu_walk_4k_pages_blocks_and_faults)
{
    Machine *m = mk(false);
    Cpu *c = m->cpu[0];
    const u64 L1 = 0x40100000, L2 = 0x40101000, L3 = 0x40102000;
    setup_s1_4k(c, 25, L1);              /* 39-bit VA: start at level 1 */
    wr64(m, L1 + 4 * 8, tbl(L2));                         /* VA[38:30] = 4 */
    wr64(m, L2 + 1 * 8, tbl(L3));                         /* VA[29:21] = 1 */
    wr64(m, L3 + 3 * 8, page(0x40500000, AP_RW_EL1 | 3 << 8));
    wr64(m, L3 + 4 * 8, page(0x40501000, AP_RO_ALL | 1 << 2 | UXN));
    wr64(m, L3 + 5 * 8, page(0x40502000, AP_RW_EL1) & ~AF);
    wr64(m, L3 + 6 * 8, page(0x10000000000ull, AP_RW_EL1));  /* OA above 40 bits */
    wr64(m, L2 + 2 * 8, block(0x40600000, AP_RW_ALL));    /* 2 MiB block */
    wr64(m, L1 + 5 * 8, block(0x40000000, AP_RW_EL1 | PXN)); /* 1 GiB block */
    TransResult r;
    Fault f;
    ASSERT_TRUE(xlate(c, 0x100203abcull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40500abc);
    ASSERT_EQ(r.attr, 0xff);
    ASSERT_EQ(r.sh, 3);
    ASSERT_EQ(r.perm, 7);
    ASSERT_EQ(r.page_bits, 12);
    /* EL0 has no access to AP=00 */
    ASSERT_TRUE(!xlate(c, 0x100203abcull, ACC_READ, MMU_NS_E10_0, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_EQ(f.level, 3);
    /* read-only page, Device attributes, UXN */
    ASSERT_TRUE(xlate(c, 0x100204000ull, ACC_READ, MMU_NS_E10_0, &r, &f));
    ASSERT_EQ(r.attr, 0x04);
    ASSERT_EQ(r.perm, 1);
    ASSERT_TRUE(!xlate(c, 0x100204000ull, ACC_WRITE, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_TRUE(!xlate(c, 0x100204000ull, ACC_EXEC, MMU_NS_E10_0, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    /* Access flag 0 */
    ASSERT_TRUE(!xlate(c, 0x100205000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_ACCESS);
    ASSERT_EQ(f.level, 3);
    /* Output address size */
    ASSERT_TRUE(!xlate(c, 0x100206000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_ADDRSIZE);
    ASSERT_EQ(f.level, 3);
    /* Invalid level-3 entry */
    ASSERT_TRUE(!xlate(c, 0x100207000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 3);
    /* Invalid level-2 entry */
    ASSERT_TRUE(!xlate(c, 0x100600000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 2);
    /* 2 MiB block, EL0 RW, EL1 can't execute memory EL0 can write */
    ASSERT_TRUE(xlate(c, 0x100412345ull, ACC_WRITE, MMU_NS_E10_0, &r, &f));
    ASSERT_EQ(r.pa, 0x40612345);
    ASSERT_EQ(r.page_bits, 21);
    ASSERT_TRUE(!xlate(c, 0x100412345ull, ACC_EXEC, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_EQ(f.level, 2);
    /* 1 GiB block with PXN */
    ASSERT_TRUE(xlate(c, 0x140123456ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40123456);
    ASSERT_EQ(r.page_bits, 30);
    ASSERT_TRUE(!xlate(c, 0x140123456ull, ACC_EXEC, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_EQ(f.level, 1);
    /* VA above the 39-bit range: Translation fault level 0 */
    ASSERT_TRUE(!xlate(c, 0x8000000000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 0);
    /* TBI0 ignores the top byte */
    ASSERT_TRUE(!xlate(c, 0x5a00000100203000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    c->tcr_el[1] |= TCR_TBI0;
    ASSERT_TRUE(xlate(c, 0x5a00000100203000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40500000);
    /* EPD0 */
    c->tcr_el[1] |= TCR_EPD0;
    ASSERT_TRUE(!xlate(c, 0x100203000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 0);
    virt_destroy(m);
}

TEST(mmu_walk_4k_level0_ttbr1_asid_wxn)
{
    Machine *m = mk(false);
    Cpu *c = m->cpu[0];
    const u64 L0 = 0x40200000, L1 = 0x40201000, L2 = 0x40202000, L3 = 0x40203000;
    /* TTBR1, 48-bit (T1SZ=16, TG1=4K): start at level 0 */
    c->tcr_el[1] = 25 | 16ull << 16 | 2ull << 30 | 2ull << 32 | TCR_AS | TCR_A1;
    c->ttbr1_el1 = L0 | 0x1234ull << 48;
    c->mair_el[1] = MAIR;
    c->sctlr_el[1] |= SCTLR_M | SCTLR_WXN;
    u64 va = 0xffff800000201000ull;     /* L0 idx 256, L1 0, L2 1, L3 1 */
    wr64(m, L0 + 256 * 8, tbl(L1));
    wr64(m, L1, tbl(L2));
    wr64(m, L2 + 8, tbl(L3));
    wr64(m, L3 + 8, page(0x40700000, AP_RW_EL1 | NG));
    TransResult r;
    Fault f;
    ASSERT_TRUE(xlate(c, va + 0x10, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40700010);
    ASSERT_EQ(r.asid, 0x1234);
    ASSERT_EQ(r.global, 0);
    ASSERT_EQ(r.perm, 3);                 /* WXN: writable -> not executable */
    /* APTable[1] (no writes below) and APTable[0] (no EL0) */
    wr64(m, L2 + 8, tbl(L3) | 2ull << 61);
    ASSERT_TRUE(xlate(c, va, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.perm, 1 | 4);
    /* Non-canonical for TTBR1: translation fault level 0 */
    ASSERT_TRUE(!xlate(c, 0xfeff800000201000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 0);
    /* TTBR above the PA size: Address size fault level 0 */
    c->ttbr1_el1 = 0x10000000000ull;
    ASSERT_TRUE(!xlate(c, va, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_ADDRSIZE);
    ASSERT_EQ(f.level, 0);
    virt_destroy(m);
}

TEST(mmu_walk_64k_and_16k)
{
    Machine *m = mk(false);
    Cpu *c = m->cpu[0];
    TransResult r;
    Fault f;
    /* 64K, T0SZ=22 (42 bits): start at level 2 (8192 entries of 512 MiB). */
    const u64 L2 = 0x40300000, L3 = 0x40310000;
    c->tcr_el[1] = 22 | 1ull << 14 | 2ull << 32;
    c->ttbr0_el[1] = L2;
    c->mair_el[1] = MAIR;
    c->sctlr_el[1] |= SCTLR_M;
    u64 va = (3ull << 29) | (5ull << 16) | 0x1234;
    wr64(m, L2 + 3 * 8, tbl(L3));
    wr64(m, L3 + 5 * 8, page(0x40a00000, AP_RW_EL1));
    wr64(m, L2 + 4 * 8, block(0x60000000, AP_RW_EL1));   /* 512 MiB block */
    ASSERT_TRUE(xlate(c, va, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40a01234);
    ASSERT_EQ(r.page_bits, 16);
    ASSERT_TRUE(xlate(c, (4ull << 29) | 0x123456, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x60123456);
    ASSERT_EQ(r.page_bits, 29);
    ASSERT_TRUE(!xlate(c, va + 0x10000, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 3);
    /* 16K, T0SZ=17 (47 bits): start at level 1. */
    const u64 M1 = 0x40400000, M2 = 0x40404000, M3 = 0x40408000;
    c->tcr_el[1] = 17 | 2ull << 14 | 2ull << 32;
    c->ttbr0_el[1] = M1;
    u64 va16 = (1ull << 36) | (2ull << 25) | (7ull << 14) | 0x2abc;
    wr64(m, M1 + 1 * 8, tbl(M2));
    wr64(m, M2 + 2 * 8, tbl(M3));
    wr64(m, M3 + 7 * 8, page(0x40b04000, AP_RW_EL1));
    wr64(m, M2 + 3 * 8, block(0x42000000, AP_RW_EL1));   /* 32 MiB block */
    wr64(m, M1 + 2 * 8, block(0, AP_RW_EL1));            /* no level-1 blocks at 16K */
    ASSERT_TRUE(xlate(c, va16, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40b06abc);
    ASSERT_EQ(r.page_bits, 14);
    ASSERT_TRUE(xlate(c, (1ull << 36) | (3ull << 25) | 0x345678, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x42345678);
    ASSERT_EQ(r.page_bits, 25);
    ASSERT_TRUE(!xlate(c, 2ull << 36, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_EQ(f.level, 1);
    virt_destroy(m);
}

TEST(mmu_walk_el2_regime)
{
    Machine *m = mk(true);
    Cpu *c = m->cpu[0];
    const u64 L1 = 0x40120000, L2 = 0x40121000;
    c->tcr_el[2] = 25 | 2ull << 16 | 1ull << 20;    /* PS=40, TBI */
    c->ttbr0_el[2] = L1;
    c->mair_el[2] = MAIR;
    c->sctlr_el[2] |= SCTLR_M;
    wr64(m, L1, tbl(L2));
    wr64(m, L2 + 8, block(0x40800000, AP_RO_EL1 | UXN));
    TransResult r;
    Fault f;
    ASSERT_TRUE(xlate(c, 0xab00000000212345ull, ACC_READ, MMU_E2, &r, &f));
    ASSERT_EQ(r.pa, 0x40812345);
    ASSERT_EQ(r.perm, 1);                             /* AP[2]=1, XN */
    ASSERT_TRUE(!xlate(c, 0x212345, ACC_EXEC, MMU_E2, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_EQ(f.level, 2);
    virt_destroy(m);
}

/* Stage 2: VTCR 4K, T0SZ=24 (40-bit IPA), SL0=1: level 1 with 2
 * concatenated tables. */
static void setup_s2(Machine *m, Cpu *c, u64 s2l1)
{
    (void)m;
    c->vtcr_el2 = 24 | 1u << 6 | 2u << 16;
    c->vttbr_el2 = s2l1 | 5ull << 48;
    c->hcr_el2 |= HCR_EL2_VM;
    tlb_flush_all(c);
}

TEST(mmu_walk_stage2_concatenated_and_s1ptw)
{
    Machine *m = mk(true);
    Cpu *c = m->cpu[0];
    const u64 S2L1 = 0x40140000;   /* 8 KiB: two concatenated level-1 tables */
    const u64 S2L2 = 0x40143000, S2L2b = 0x40144000;
    setup_s2(m, c, S2L1);
    /* IPA 0x40000000-0x7fffffff (index 1 of table 0) via 2 MiB blocks */
    wr64(m, S2L1 + 1 * 8, tbl(S2L2));
    for (unsigned i = 0; i < 512; i++)
        wr64(m, S2L2 + i * 8, block(0x40000000ull + ((u64)i << 21), 3ull << 6 | 0xfull << 2));
    /* IPA 0x8000000000 - 1 region (index 512 = second concatenated table) */
    wr64(m, S2L1 + 512 * 8, tbl(S2L2b));
    wr64(m, S2L2b, block(0x40a00000, 1ull << 6 | 0xfull << 2));   /* read-only */
    TransResult r;
    Fault f;
    /* stage 1 off: IPA = VA */
    c->sctlr_el[1] &= ~SCTLR_M;
    ASSERT_TRUE(xlate(c, 0x40312345, ACC_WRITE, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40312345);
    ASSERT_EQ(r.vmid, 5);
    /* Stage 1 off data is Device: combined attribute is Device-nGnRnE */
    ASSERT_EQ(r.attr, 0x00);
    ASSERT_TRUE(xlate(c, 0x8000000123ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40a00123);
    ASSERT_TRUE(!xlate(c, 0x8000000123ull, ACC_WRITE, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_TRUE(f.stage2);
    ASSERT_EQ(f.level, 2);
    ASSERT_EQ(f.ipa, 0x8000000123ull);
    /* IPA unmapped: stage-2 translation fault level 1 */
    ASSERT_TRUE(!xlate(c, 0x80000000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_TRUE(f.stage2);
    ASSERT_EQ(f.level, 1);
    /* stage 1 off: a VA beyond the 40-bit PA size is a stage-1 Address
     * size fault at level 0 */
    ASSERT_TRUE(!xlate(c, 0x10000000000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_ADDRSIZE);
    ASSERT_TRUE(!f.stage2);
    ASSERT_EQ(f.level, 0);
    /* IPA beyond a 39-bit stage-2 input size: stage-2 Translation fault level 0 */
    c->vtcr_el2 = (c->vtcr_el2 & ~0x3full) | 25;
    ASSERT_TRUE(!xlate(c, 0x8000000000ull, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_TRUE(f.stage2);
    ASSERT_EQ(f.level, 0);
    c->vtcr_el2 = (c->vtcr_el2 & ~0x3full) | 24;

    /* Stage 1 on, its tables at IPAs: one table in a hole of stage 2. */
    const u64 L1 = 0x40150000, L2 = 0x40151000;
    setup_s1_4k(c, 25, L1);
    wr64(m, L1 + 1 * 8, tbl(L2));
    wr64(m, L2, block(0x40200000, AP_RW_EL1 | 1 << 2));  /* Device at stage 1 */
    wr64(m, L1 + 2 * 8, tbl(0x90000000));                /* IPA not mapped at stage 2 */
    ASSERT_TRUE(xlate(c, 0x40001234, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40201234);
    ASSERT_EQ(r.attr, 0x04);                             /* S1 Device-nGnRE wins */
    ASSERT_TRUE(!xlate(c, 0x80001234, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_TRUE(f.stage2);
    ASSERT_TRUE(f.s1ptw);
    ASSERT_EQ(f.ipa, 0x90000000);
    ASSERT_EQ(f.level, 1);
    /* HCR_EL2.PTW: stage-1 walk landing on stage-2 Device memory */
    wr64(m, S2L2 + 0 * 8, block(0x40000000, 3ull << 6 | 0x1ull << 2));  /* Device-nGnRE */
    c->hcr_el2 |= HCR_EL2_PTW;
    const u64 L1b = 0x40010000;   /* inside the Device 2 MiB at IPA 0x40000000 */
    c->ttbr0_el[1] = L1b;
    wr64(m, L1b + 1 * 8, tbl(L2));
    ASSERT_TRUE(!xlate(c, 0x40001234, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_TRUE(f.stage2 && f.s1ptw);
    ASSERT_EQ(f.level, 2);
    c->hcr_el2 &= ~HCR_EL2_PTW;
    ASSERT_TRUE(xlate(c, 0x40001234, ACC_READ, MMU_NS_E10_1, &r, &f));
    virt_destroy(m);
}

TEST(mmu_tlb_block_asid_vmid_invalidation)
{
    Machine *m = mk(true);
    Cpu *c = m->cpu[0];
    const u64 L1 = 0x40160000, L2 = 0x40161000, L3 = 0x40162000;
    setup_s1_4k(c, 25, L1);
    c->ttbr0_el[1] |= 7ull << 48;                          /* ASID 7 */
    wr64(m, L1 + 1 * 8, tbl(L2));
    wr64(m, L2 + 0 * 8, block(0x40600000, AP_RW_EL1 | NG)); /* VA 0x40000000: 2 MiB */
    wr64(m, L2 + 1 * 8, tbl(L3));                           /* VA 0x40200000: pages */
    wr64(m, L3 + 0x10 * 8, page(0x40700000, AP_RW_EL1));    /* global */
    wr64(m, L3 + 0x11 * 8, page(0x40701000, AP_RW_EL1 | NG));
    MmuIdx idx = MMU_NS_E10_1;
    /* Fill: two 4K entries from the block, two from pages */
    mmu_read_slow(c, 0x40000000, 8, idx, 0);
    mmu_read_slow(c, 0x40005000, 8, idx, 0);
    mmu_read_slow(c, 0x40210000, 8, idx, 0);
    mmu_read_slow(c, 0x40211000, 8, idx, 0);
    TlbSet *t = c->tlb;
#define SLOT(va) (&t->x[idx][((va) >> 12) & (TLB_ENTRIES - 1)])
    ASSERT_TRUE(SLOT(0x40000000)->valid && SLOT(0x40005000)->valid);
    ASSERT_EQ(SLOT(0x40005000)->page_bits, 21);
    ASSERT_EQ(SLOT(0x40005000)->asid, 7);
    /* TLBI by VA inside the block drops every entry from that block */
    tlb_flush_va(c, idx, 0x40100000, 7);
    ASSERT_TRUE(!SLOT(0x40000000)->valid && !SLOT(0x40005000)->valid);
    ASSERT_TRUE(SLOT(0x40210000)->valid && SLOT(0x40211000)->valid);
    /* ASID 8 leaves ASID 7 and global entries alone; ASID 7 drops nG only */
    tlb_flush_asid(c, idx, 8);
    ASSERT_TRUE(SLOT(0x40211000)->valid);
    tlb_flush_asid(c, idx, 7);
    ASSERT_TRUE(SLOT(0x40210000)->valid && !SLOT(0x40211000)->valid);
    /* By VA with another ASID still drops a global entry */
    tlb_flush_va(c, idx, 0x40210000, 3);
    ASSERT_TRUE(!SLOT(0x40210000)->valid);
    /* VMID: entries are tagged with VTTBR_EL2.VMID */
    c->vttbr_el2 = 9ull << 48;
    mmu_read_slow(c, 0x40210000, 8, idx, 0);
    ASSERT_EQ(SLOT(0x40210000)->vmid, 9);
    TlbMatch other = {.asid = -1, .vmid = 4};
    tlb_flush_match(c, idx, &other);
    ASSERT_TRUE(SLOT(0x40210000)->valid);
    TlbMatch mine = {.asid = -1, .vmid = 9};
    tlb_flush_match(c, idx, &mine);
    ASSERT_TRUE(!SLOT(0x40210000)->valid);
    virt_destroy(m);
}

TEST(mmu_walk_stage2_64k_16k_and_bad_sl0)
{
    Machine *m = mk(true);
    Cpu *c = m->cpu[0];
    TransResult r;
    Fault f;
    c->sctlr_el[1] &= ~SCTLR_M;
    c->hcr_el2 |= HCR_EL2_VM;
    /* 64K: T0SZ=24, SL0=1 -> level 2 (2048 entries), level-3 64K pages */
    const u64 A2 = 0x40180000, A3 = 0x40190000;
    c->vtcr_el2 = 24 | 1u << 6 | 1u << 14 | 2u << 16;
    c->vttbr_el2 = A2;
    wr64(m, A2 + 2 * 8, tbl(A3));
    wr64(m, A3 + 1 * 8, page(0x40a10000, 3ull << 6 | 0xfull << 2));
    ASSERT_TRUE(xlate(c, 0x40011234, ACC_WRITE, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40a11234);
    ASSERT_EQ(r.page_bits, 16);
    ASSERT_TRUE(!xlate(c, 0x40021234, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_TRUE(f.stage2);
    ASSERT_EQ(f.level, 3);
    /* 16K: T0SZ=28 (36-bit IPA), SL0=1 -> level 2, 16K pages */
    const u64 B2 = 0x401a0000, B3 = 0x401a4000;
    c->vtcr_el2 = 28 | 1u << 6 | 2u << 14 | 2u << 16;
    c->vttbr_el2 = B2;
    wr64(m, B2 + 32 * 8, tbl(B3));
    wr64(m, B3 + 3 * 8, page(0x40b0c000, 1ull << 6 | 0xfull << 2));   /* read-only */
    ASSERT_TRUE(xlate(c, 0x4000c010, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.pa, 0x40b0c010);
    ASSERT_TRUE(!xlate(c, 0x4000c010, ACC_WRITE, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_PERMISSION);
    ASSERT_EQ(f.level, 3);
    /* SL0 inconsistent with T0SZ (4K, level 2 start, 40-bit IPA: 1024
     * concatenated tables > 16): stage-2 Translation fault */
    c->vtcr_el2 = 24 | 0u << 6 | 2u << 16;
    ASSERT_TRUE(!xlate(c, 0x4000c010, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(f.type, FAULT_TRANSLATION);
    ASSERT_TRUE(f.stage2);
    virt_destroy(m);
}

TEST(mmu_walk_secure_ns_and_nstable)
{
    Machine *m = mk(false);
    Cpu *c = m->cpu[0];
    const u64 L1 = 0x401b0000, L2 = 0x401b1000, L2n = 0x401b2000;
    setup_s1_4k(c, 25, L1);
    wr64(m, L1 + 1 * 8, tbl(L2));
    wr64(m, L1 + 2 * 8, tbl(L2n) | 1ull << 63);          /* NSTable */
    wr64(m, L2 + 0 * 8, block(0x40200000, AP_RW_EL1));   /* Secure PA */
    wr64(m, L2 + 1 * 8, block(0x40400000, AP_RW_EL1 | 1 << 5));   /* NS=1 */
    wr64(m, L2n + 0 * 8, block(0x40600000, AP_RW_EL1));
    TransResult r;
    Fault f;
    ASSERT_TRUE(xlate(c, 0x40000000, ACC_READ, MMU_S_E10_1, &r, &f));
    ASSERT_EQ(r.ns, 0);
    ASSERT_TRUE(xlate(c, 0x40200000, ACC_READ, MMU_S_E10_1, &r, &f));
    ASSERT_EQ(r.ns, 1);
    ASSERT_TRUE(xlate(c, 0x80000000, ACC_READ, MMU_S_E10_1, &r, &f));
    ASSERT_EQ(r.ns, 1);
    ASSERT_EQ(r.pa, 0x40600000);
    /* the Non-secure regime ignores NS */
    ASSERT_TRUE(xlate(c, 0x40000000, ACC_READ, MMU_NS_E10_1, &r, &f));
    ASSERT_EQ(r.ns, 1);
    virt_destroy(m);
}
