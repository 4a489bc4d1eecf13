/*
 * tests/unit/test_ldst_iss.c — ldst_iss() (mmu/fault.c): the ISV/SAS/SSE/
 * SRT/SF/AR syndrome bits a Data Abort reports for each load/store form
 * (Arm ARM D17.2.37).  Instruction words come from GNU as (listed beside).
 */
#include "mmu/mmu_internal.h"
#include "test.h"

/* Expected ISS[24:14] with ISV=1. */
static u32 isv(unsigned sas, unsigned sse, unsigned srt, unsigned sf, unsigned ar)
{
    return 1u << 24 | sas << 22 | sse << 21 | srt << 16 | sf << 15 | ar << 14;
}

TEST(ldst_iss_unsigned_offset)
{
    ASSERT_EQ(ldst_iss(0xf9400423), isv(3, 0, 3, 1, 0));    /* ldr x3, [x1, #8] */
    ASSERT_EQ(ldst_iss(0xb9400045), isv(2, 0, 5, 0, 0));    /* ldr w5, [x2] */
    ASSERT_EQ(ldst_iss(0x39400407), isv(0, 0, 7, 0, 0));    /* ldrb w7, [x0, #1] */
    ASSERT_EQ(ldst_iss(0x794007e9), isv(1, 0, 9, 0, 0));    /* ldrh w9, [sp, #2] */
    ASSERT_EQ(ldst_iss(0x3980002a), isv(0, 1, 10, 1, 0));   /* ldrsb x10, [x1] */
    ASSERT_EQ(ldst_iss(0x39c0002b), isv(0, 1, 11, 0, 0));   /* ldrsb w11, [x1] */
    ASSERT_EQ(ldst_iss(0x7980002c), isv(1, 1, 12, 1, 0));   /* ldrsh x12, [x1] */
    ASSERT_EQ(ldst_iss(0xb980042d), isv(2, 1, 13, 1, 0));   /* ldrsw x13, [x1, #4] */
    ASSERT_EQ(ldst_iss(0xf900002e), isv(3, 0, 14, 1, 0));   /* str x14, [x1] */
    ASSERT_EQ(ldst_iss(0x3900002f), isv(0, 0, 15, 0, 0));   /* strb w15, [x1] */
    ASSERT_EQ(ldst_iss(0x7900003f), isv(1, 0, 31, 0, 0));   /* strh wzr, [x1] */
}

TEST(ldst_iss_unscaled_unpriv_regoff)
{
    ASSERT_EQ(ldst_iss(0xf85fd030), isv(3, 0, 16, 1, 0));   /* ldur x16, [x1, #-3] */
    ASSERT_EQ(ldst_iss(0x78001031), isv(1, 0, 17, 0, 0));   /* sturh w17, [x1, #1] */
    ASSERT_EQ(ldst_iss(0xf8400832), isv(3, 0, 18, 1, 0));   /* ldtr x18, [x1] */
    ASSERT_EQ(ldst_iss(0x38000833), isv(0, 0, 19, 0, 0));   /* sttrb w19, [x1] */
    ASSERT_EQ(ldst_iss(0x78c00834), isv(1, 1, 20, 0, 0));   /* ldtrsh w20, [x1] */
    ASSERT_EQ(ldst_iss(0xf8627835), isv(3, 0, 21, 1, 0));   /* ldr x21, [x1, x2, lsl #3] */
    ASSERT_EQ(ldst_iss(0xb8a2c836), isv(2, 1, 22, 1, 0));   /* ldrsw x22, [x1, w2, sxtw] */
    ASSERT_EQ(ldst_iss(0xb8225837), isv(2, 0, 23, 0, 0));   /* str w23, [x1, w2, uxtw #2] */
}

TEST(ldst_iss_literal)
{
    ASSERT_EQ(ldst_iss(0x58000318), isv(3, 0, 24, 1, 0));   /* ldr x24, label */
    ASSERT_EQ(ldst_iss(0x180002f9), isv(2, 0, 25, 0, 0));   /* ldr w25, label */
    ASSERT_EQ(ldst_iss(0x980002da), isv(2, 1, 26, 1, 0));   /* ldrsw x26, label */
    ASSERT_EQ(ldst_iss(0xd80000c0), 0);                     /* prfm pldl1keep, label */
}

TEST(ldst_iss_acquire_release)
{
    ASSERT_EQ(ldst_iss(0xc8dffc3b), isv(3, 0, 27, 1, 1));   /* ldar x27, [x1] */
    ASSERT_EQ(ldst_iss(0x089ffc3c), isv(0, 0, 28, 0, 1));   /* stlrb w28, [x1] */
    ASSERT_EQ(ldst_iss(0x48dffc3d), isv(1, 0, 29, 0, 1));   /* ldarh w29, [x1] */
}

TEST(ldst_iss_no_valid_syndrome)
{
    ASSERT_EQ(ldst_iss(0xf8408c41), 0);   /* ldr x1, [x2, #8]! */
    ASSERT_EQ(ldst_iss(0xf8408441), 0);   /* ldr x1, [x2], #8 */
    ASSERT_EQ(ldst_iss(0xb81fcc43), 0);   /* str w3, [x2, #-4]! */
    ASSERT_EQ(ldst_iss(0xa9400861), 0);   /* ldp x1, x2, [x3] */
    ASSERT_EQ(ldst_iss(0x29810861), 0);   /* stp w1, w2, [x3, #8]! */
    ASSERT_EQ(ldst_iss(0x69400861), 0);   /* ldpsw x1, x2, [x3] */
    ASSERT_EQ(ldst_iss(0xa8400861), 0);   /* ldnp x1, x2, [x3] */
    ASSERT_EQ(ldst_iss(0xc85f7c41), 0);   /* ldxr x1, [x2] */
    ASSERT_EQ(ldst_iss(0xc8037c41), 0);   /* stxr w3, x1, [x2] */
    ASSERT_EQ(ldst_iss(0x885ffc41), 0);   /* ldaxr w1, [x2] */
    ASSERT_EQ(ldst_iss(0xc87f0861), 0);   /* ldxp x1, x2, [x3] */
    ASSERT_EQ(ldst_iss(0xf9800020), 0);   /* prfm pldl1keep, [x1] */
    ASSERT_EQ(ldst_iss(0xf8801020), 0);   /* prfum pldl1keep, [x1, #1] */
    ASSERT_EQ(ldst_iss(0xfd400020), 0);   /* ldr d0, [x1] */
    ASSERT_EQ(ldst_iss(0x3ce26820), 0);   /* ldr q0, [x1, x2] */
    ASSERT_EQ(ldst_iss(0xbc401021), 0);   /* ldur s1, [x1, #1] */
    ASSERT_EQ(ldst_iss(0x1c000022), 0);   /* ldr s2, label */
    ASSERT_EQ(ldst_iss(0xd503201f), 0);   /* nop */
}
