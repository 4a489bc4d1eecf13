/*
 * tests/unit/test_tlb_empty.c — an empty soft-TLB entry must never satisfy
 * the inline fast path.  Regression: with TLB_TAG_INVALID = 1, a 2-byte load
 * at an odd address of VA page 0 (tag compare value 0 | 1) matched the empty
 * entry and dereferenced a NULL host addend (found by tests/diff/diff_int.c).
 * Here such loads must take the architectural path: no RAM at PA 0 with the
 * MMU off -> a synchronous External abort, Data Abort from the current EL.
 */
#include <setjmp.h>

#include "mmu/mmu.h"
#include "tests/diff/diff_machine.h"
#include "test.h"

static unsigned read_ec(Cpu *c, u64 va, unsigned size)
{
    jmp_buf jb;
    jmp_buf *saved = c->exc_jmp;
    c->exc_jmp = &jb;
    c->esr_el[1] = 0;
    if (!setjmp(jb))
        (void)mem_read_idx(c, va, size, (MmuIdx)c->mmu_idx);
    c->exc_jmp = saved;
    return (unsigned)(c->esr_el[1] >> 26);
}

TEST(tlb_empty_entry_never_hits)
{
    Machine *m = diffm_create(0x40000000, 0x10000);
    ASSERT_TRUE(m != NULL);
    Cpu *c = m->cpu[0];
    ASSERT_EQ(read_ec(c, 0x27, 2), 0x25);   /* EC_DABT_CUR */
    ASSERT_EQ(read_ec(c, 0x1, 8), 0x25);
    ASSERT_EQ(read_ec(c, 0x3, 4), 0x25);
    diffm_destroy(m);
}
