/*
 * tests/unit/test_exec_ldst.c — general-purpose loads/stores executed on a
 * real virt machine (cpu/exec_ldst.c): writeback values, the documented
 * CONSTRAINED UNPREDICTABLE choices, pairs, literal, register offset,
 * unprivileged regime, exclusives incl. a store by another core, and the
 * aborts (alignment, External abort, SP alignment, atomicity of a store
 * pair that faults half-way).  Instruction words come from GNU as.
 */
#include <string.h>

#include "machine/virt/virt.h"
#include "cpu/regs.h"
#include "mmu/mmu.h"
#include "test.h"

#define CODE 0x40000000ull
#define DATA 0x40010000ull
#define VBAR 0x40020000ull
#define B_SELF 0x14000000u   /* b . */

static Machine *mk(unsigned smp)
{
    VirtOptions o;
    virt_default_options(&o);
    o.smp = smp;
    o.loader[0].addr = CODE;
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        abort();
    for (unsigned i = 0; i < smp; i++) {
        Cpu *c = m->cpu[i];
        c->vbar_el[1] = VBAR;
        /* every synchronous vector spins, so ESR/FAR stay as the fault left them */
        for (u64 off = 0; off < 0x800; off += 0x80)
            phys_write_buf(m, VBAR + off, &(u32){B_SELF}, 4);
    }
    return m;
}

static void run(Cpu *c, u64 pc, const u32 *code, unsigned n)
{
    phys_write_buf(c->m, pc, code, n * 4);
    c->pc = pc;
    cpu_run(c, n);
}

static u64 rd64(Machine *m, u64 pa)
{
    u64 v = 0;
    phys_read_buf(m, pa, &v, 8);
    return v;
}

static void wr64(Machine *m, u64 pa, u64 v)
{
    phys_write_buf(m, pa, &v, 8);
}

static bool faulted(const Cpu *c)
{
    return (c->pc & ~0x7ffull) == VBAR;
}

TEST(exec_ldst_writeback_and_cu_choices)
{
    Machine *m = mk(1);
    Cpu *c = m->cpu[0];
    wr64(m, DATA, 0x1111);
    wr64(m, DATA + 8, 0x2222);
    static const u32 code[] = {
        0xf8408c20,   /* ldr x0, [x1, #8]! */
        0xf85f8462,   /* ldr x2, [x3], #-8 */
        0xf8008c84,   /* str x4, [x4, #8]!  (Rn == Rt) */
        0xf84084a5,   /* ldr x5, [x5], #8   (Rn == Rt) */
        0xa9402549,   /* ldp x9, x9, [x10]  (Rt == Rt2) */
    };
    c->x[1] = DATA;
    c->x[3] = DATA;
    c->x[4] = DATA + 8;
    c->x[5] = DATA;
    c->x[10] = DATA;
    run(c, CODE, code, 5);
    ASSERT_TRUE(!faulted(c));
    ASSERT_EQ(c->x[0], 0x2222);
    ASSERT_EQ(c->x[1], DATA + 8);
    ASSERT_EQ(c->x[2], 0x1111);
    ASSERT_EQ(c->x[3], DATA - 8);
    ASSERT_EQ(rd64(m, DATA + 16), DATA + 8);   /* original value stored */
    ASSERT_EQ(c->x[4], DATA + 16);
    ASSERT_EQ(c->x[5], DATA + 8);              /* writeback wins */
    ASSERT_EQ(c->x[9], 0x1111);                /* lower element wins */
    virt_destroy(m);
}

TEST(exec_ldst_pairs_regoff_literal)
{
    Machine *m = mk(1);
    Cpu *c = m->cpu[0];
    wr64(m, DATA + 16, 0xaaaa);
    wr64(m, DATA + 24, 0xbbbb);
    wr64(m, DATA + 32, 0x80000001fffffffeull);
    static const u32 code[] = {
        0xa9c10440,   /* ldp x0, x1, [x2, #16]! */
        0x28bf10a3,   /* stp w3, w4, [x5], #-8 */
        0x69401d06,   /* ldpsw x6, x7, [x8] */
    };
    c->x[2] = DATA;
    c->x[3] = 0x33;
    c->x[4] = 0x44;
    c->x[5] = DATA + 48;
    c->x[8] = DATA + 32;
    run(c, CODE, code, 3);
    ASSERT_TRUE(!faulted(c));
    ASSERT_EQ(c->x[0], 0xaaaa);
    ASSERT_EQ(c->x[1], 0xbbbb);
    ASSERT_EQ(c->x[2], DATA + 16);
    ASSERT_EQ(rd64(m, DATA + 48), 0x0000004400000033ull);
    ASSERT_EQ(c->x[5], DATA + 40);
    ASSERT_EQ(c->x[6], 0xfffffffffffffffeull);
    ASSERT_EQ(c->x[7], 0xffffffff80000001ull);

    static const u32 code2[] = {
        0xf862d820,   /* ldr x0, [x1, w2, sxtw #3] */
        0x38e46823,   /* ldrsb w3, [x1, x4] */
    };
    c->x[1] = DATA + 48;
    c->x[2] = 0xfffffffcull;   /* -4 as W: DATA + 16 */
    c->x[4] = (u64)-9;         /* DATA + 39: top byte of 0x8000... */
    run(c, CODE, code2, 2);
    ASSERT_TRUE(!faulted(c));
    ASSERT_EQ(c->x[0], 0xaaaa);
    ASSERT_EQ(c->x[3], 0xffffff80u);

    /* literal: "ldr x0, 1f; ldrsw x1, 1f" with 1f at +0x40 and +0x3c */
    u32 lit[32] = {0x58000200, 0x980001e1};
    lit[0x40 / 4] = 0xfedcba98;
    lit[0x44 / 4] = 0x80000000;
    phys_write_buf(m, CODE, lit, sizeof(lit));
    run(c, CODE, lit, 2);
    ASSERT_EQ(c->x[0], 0x80000000fedcba98ull);
    ASSERT_EQ(c->x[1], 0xfffffffffedcba98ull);
    virt_destroy(m);
}

TEST(exec_ldst_unallocated)
{
    Machine *m = mk(1);
    Cpu *c = m->cpu[0];
    static const u32 words[] = {
        0xf8620820,   /* ldr x0, [x1, w2, uxtb]: option<1> = 0 */
        0xe9400861,   /* LDP with opc=11 */
        0x68000861,   /* STGP-like opc=01 L=0 (v8.5) */
        0x68400861,   /* LDPSW non-temporal (opc=01, idx=00) */
        /* (ldr d0, [x1] is decoded by the SIMD&FP load/store table) */
        0xf8c00020,   /* size=11 opc=11 unscaled */
        0xf8800c20,   /* prfm with pre-index: unallocated */
        0x08a07c20,   /* CAS (v8.1) */
        0x88df7c20,   /* LDLAR (v8.1) */
        0x48207c20,   /* CASP-like: o1=1 size=01 */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(words); i++) {
        c->x[1] = DATA;
        c->esr_el[1] = 0;
        run(c, CODE, &words[i], 1);
        if (!faulted(c) || c->esr_el[1] != 0x02000000u)
            fprintf(stderr, "  word %08x not UNDEFINED\n", words[i]);
        ASSERT_TRUE(faulted(c));
        ASSERT_EQ(c->esr_el[1], 0x02000000u);
    }
    /* PRFM forms execute as NOPs, even with reserved prfop / SP base */
    static const u32 prf[] = {
        0xf9800020,   /* prfm pldl1keep, [x1] */
        0xf8801020,   /* prfum pldl1keep, [x1, #1] */
        0xd80000df,   /* prfm #31, label */
        0xf8a268ff,   /* prfm #31, [x7, x2] */
    };
    c->x[7] = 0xdead0000;   /* no access is made */
    run(c, CODE, prf, 4);
    ASSERT_TRUE(!faulted(c));
    ASSERT_EQ(c->pc, CODE + 16);
    virt_destroy(m);
}

TEST(exec_ldst_exclusive_monitor)
{
    Machine *m = mk(2);
    Cpu *c = m->cpu[0], *o = m->cpu[1];
    static const u32 ld[] = {0xc85f7c20};                /* ldxr x0, [x1] */
    static const u32 st[] = {0xc8027c23};                /* stxr w2, x3, [x1] */
    static const u32 clrex_st[] = {0xd5033f5f, 0xc8027c23};
    static const u32 other_str[] = {0xf90000c5};         /* str x5, [x6] */
    wr64(m, DATA, 5);
    c->x[1] = DATA;
    c->x[3] = 6;
    run(c, CODE, ld, 1);
    ASSERT_EQ(c->x[0], 5);
    ASSERT_EQ(m->excl_holders, 1);
    run(c, CODE + 4, st, 1);
    ASSERT_EQ(c->x[2], 0);
    ASSERT_EQ(rd64(m, DATA), 6);
    ASSERT_EQ(m->excl_holders, 0);
    c->x[3] = 7;
    run(c, CODE + 4, st, 1);   /* no reservation */
    ASSERT_EQ(c->x[2], 1);
    ASSERT_EQ(rd64(m, DATA), 6);
    run(c, CODE, ld, 1);
    run(c, CODE + 8, clrex_st, 2);
    ASSERT_EQ(c->x[2], 1);
    ASSERT_EQ(rd64(m, DATA), 6);
    /* another core's store to the same 64-byte granule clears it */
    run(c, CODE, ld, 1);
    o->x[5] = 0x99;
    o->x[6] = DATA + 56;
    run(o, CODE + 0x100, other_str, 1);
    run(c, CODE + 4, st, 1);
    ASSERT_EQ(c->x[2], 1);
    ASSERT_EQ(rd64(m, DATA), 6);
    /* the clearing is a WFE wake-up event for the other core */
    o->event = false;
    o->x[1] = DATA;
    run(o, CODE + 0x100, ld, 1);     /* core 1 reserves DATA */
    c->x[5] = 1;
    c->x[6] = DATA + 40;
    run(c, CODE + 0x200, other_str, 1);
    ASSERT_TRUE(o->event);
    ASSERT_EQ(o->excl_size, 0);
    o->event = false;
    /* ... but not a store to another granule */
    run(c, CODE, ld, 1);
    o->x[6] = DATA + 64;
    run(o, CODE + 0x100, other_str, 1);
    run(c, CODE + 4, st, 1);
    ASSERT_EQ(c->x[2], 0);
    ASSERT_EQ(rd64(m, DATA), 7);
    /* another core's successful STXR clears ours */
    run(c, CODE, ld, 1);
    o->x[1] = DATA;
    o->x[3] = 0x55;
    run(o, CODE + 0x100, ld, 1);
    run(o, CODE + 0x104, st, 1);
    ASSERT_EQ(o->x[2], 0);
    c->x[3] = 0x66;
    run(c, CODE + 4, st, 1);
    ASSERT_EQ(c->x[2], 1);
    ASSERT_EQ(rd64(m, DATA), 0x55);
    /* a store-exclusive to another address than the reservation fails */
    run(c, CODE, ld, 1);
    c->x[1] = DATA + 8;
    c->x[3] = 0x77;
    run(c, CODE + 4, st, 1);
    ASSERT_EQ(c->x[2], 1);
    ASSERT_EQ(rd64(m, DATA + 8), 0);
    ASSERT_EQ(m->excl_holders, 0);
    /* pairs: ldxp/stxp 2x64 */
    static const u32 pair[] = {0xc87f0440, 0xc8231444};   /* ldxp x0,x1,[x2]; stxp w3,x4,x5,[x2] */
    c->x[2] = DATA + 16;
    c->x[4] = 0xa;
    c->x[5] = 0xb;
    run(c, CODE, pair, 2);
    ASSERT_EQ(c->x[3], 0);
    ASSERT_EQ(rd64(m, DATA + 16), 0xa);
    ASSERT_EQ(rd64(m, DATA + 24), 0xb);
    static const u32 same[] = {0xc85f7c41, 0xc8017c41};   /* ldxr x1,[x2]; stxr w1,x1,[x2] */
    run(c, CODE, same, 2);   /* Ws == Rt: value stored, then status */
    ASSERT_EQ(c->x[1], 0);
    ASSERT_EQ(rd64(m, DATA + 16), 0xa);
    virt_destroy(m);
}

TEST(exec_ldst_aborts)
{
    Machine *m = mk(1);
    Cpu *c = m->cpu[0];
    static const u32 ldxr[] = {0xc85f7c20};   /* ldxr x0, [x1] */
    c->x[1] = DATA + 4;
    run(c, CODE, ldxr, 1);
    ASSERT_TRUE(faulted(c));
    ASSERT_EQ(c->esr_el[1], 0x96000021u);
    ASSERT_EQ(c->far_el[1], DATA + 4);
    ASSERT_EQ(c->elr_el[1], CODE);
    ASSERT_EQ(m->excl_holders, 0);
    static const u32 ldxp[] = {0xc87f0440};   /* ldxp x0, x1, [x2]: needs 16 */
    c->x[2] = DATA + 8;
    run(c, CODE, ldxp, 1);
    ASSERT_EQ(c->esr_el[1], 0x96000021u);
    static const u32 stlrh[] = {0x489ffc62};  /* stlrh w2, [x3] */
    c->x[3] = DATA + 1;
    run(c, CODE, stlrh, 1);
    ASSERT_EQ(c->esr_el[1], 0x96000061u);
    ASSERT_EQ(c->far_el[1], DATA + 1);
    /* STXR: the alignment check comes first, even with no reservation
     * (AArch64.ExclusiveMonitorsPass); Ws is not written */
    static const u32 stxr[] = {0xc8027c23};   /* stxr w2, x3, [x1] */
    c->x[1] = DATA + 4;
    c->x[2] = 0x55;
    run(c, CODE, stxr, 1);
    ASSERT_EQ(c->esr_el[1], 0x96000061u);
    ASSERT_EQ(c->far_el[1], DATA + 4);
    ASSERT_EQ(c->x[2], 0x55);
    /* plain unaligned load, MMU off: Device memory */
    static const u32 ldurh[] = {0x785ff020};  /* ldurh w0, [x1, #-1] */
    c->x[1] = DATA + 2;
    run(c, CODE, ldurh, 1);
    ASSERT_EQ(c->esr_el[1], 0x96000021u);
    ASSERT_EQ(c->far_el[1], DATA + 1);
    /* External abort, no writeback and no register change */
    static const u32 ldr_post[] = {0xf85f8462};  /* ldr x2, [x3], #-8 */
    c->x[2] = 0x77;
    c->x[3] = 0x0b000000;
    run(c, CODE, ldr_post, 1);
    ASSERT_EQ(c->esr_el[1], 0x96000010u);
    ASSERT_EQ(c->far_el[1], 0x0b000000);
    ASSERT_EQ(c->x[2], 0x77);
    ASSERT_EQ(c->x[3], 0x0b000000);
    /* store pair crossing from RAM into nothing: faults, writes nothing */
    u64 end = VIRT_RAM_BASE + m->ram_size;
    static const u32 stp[] = {0xa9000440};    /* stp x0, x1, [x2] */
    wr64(m, end - 8, 0x1234);
    c->x[0] = 0xaaaa;
    c->x[1] = 0xbbbb;
    c->x[2] = end - 8;
    run(c, CODE, stp, 1);
    ASSERT_EQ(c->esr_el[1], 0x96000050u);
    ASSERT_EQ(c->far_el[1], end);
    ASSERT_EQ(rd64(m, end - 8), 0x1234);
    /* SP alignment (SCTLR_EL1.SA) */
    static const u32 ldr_sp[] = {0xf94003e0};  /* ldr x0, [sp] */
    c->x[31] = DATA + 8;
    c->sctlr_el[1] &= ~SCTLR_SA;
    c->x[0] = 0;
    wr64(m, DATA + 8, 0x5150);
    run(c, CODE, ldr_sp, 1);
    ASSERT_TRUE(!faulted(c));
    ASSERT_EQ(c->x[0], 0x5150);
    c->sctlr_el[1] |= SCTLR_SA;
    c->x[31] = DATA + 8;
    run(c, CODE, ldr_sp, 1);
    ASSERT_TRUE(faulted(c));
    ASSERT_EQ(c->esr_el[1], 0x9a000000u);
    virt_destroy(m);
}

TEST(exec_ldst_unprivileged_regime)
{
    Machine *m = mk(1);
    Cpu *c = m->cpu[0];
    static const u32 ldtr[] = {0xf8400820, 0x381ff820};   /* ldtr x0, [x1]; sttrb w0, [x1, #-1] */
    wr64(m, DATA + 0x3000, 0x42);
    c->x[1] = DATA + 0x3000;
    tlb_flush_all(c);
    run(c, CODE, ldtr, 2);
    ASSERT_TRUE(!faulted(c));
    ASSERT_EQ(c->x[0], 0x42);
    ASSERT_EQ(rd64(m, DATA + 0x2ff8) >> 56, 0x42);
    /* at EL1 the accesses went through the EL0 regime's TLB, not EL1's */
    unsigned i = ((DATA + 0x3000) >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1);
    ASSERT_EQ(c->tlb->e[MMU_NS_E10_0][i].tag_r, DATA + 0x3000);
    ASSERT_TRUE(c->tlb->e[MMU_NS_E10_1][i].tag_r != DATA + 0x3000);
    virt_destroy(m);
}
