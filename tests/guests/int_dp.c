/*
 * Integer data-processing known answers (Arm ARM C6.2), a few tricky cases
 * per class, written as inline asm so the compiler cannot fold them:
 * bitmask immediates, bitfield aliases, EXTR, shifted/extended register
 * forms, carry, conditional compare/select, CLZ/CLS/RBIT/REV, division edge
 * cases, CRC32/CRC32C of "123456789", multiply-high/long.  Also checks that
 * reserved encodings are UNDEFINED.
 */
#include "lib.h"

#define OP1(insn, a) ({ u64 __r; __asm__ volatile(insn : "=r"(__r) : "r"((u64)(a))); __r; })
#define OP2(insn, a, b) ({ u64 __r; __asm__ volatile(insn : "=r"(__r) : "r"((u64)(a)), "r"((u64)(b))); __r; })
#define OP3(insn, a, b, c) ({ u64 __r; __asm__ volatile(insn : "=r"(__r) : "r"((u64)(a)), "r"((u64)(b)), "r"((u64)(c))); __r; })
/* NZCV after INSN (which sets flags from %1, %2). */
#define FLAGS2(insn, a, b) ({ u64 __r; __asm__ volatile(insn "\n mrs %0, nzcv" : "=&r"(__r) : "r"((u64)(a)), "r"((u64)(b)) : "cc"); __r >> 28; })

static void test_logical_imm(void)
{
    CHECK_EQ(OP1("and %0, %1, #0x5555555555555555", ~0ul), 0x5555555555555555ul);
    CHECK_EQ(OP1("orr %0, %1, #0xff00ff00ff00ff00", 0x11), 0xff00ff00ff00ff11ul);
    CHECK_EQ(OP1("eor %w0, %w1, #0x80000001", 0xffffffffffffffffull), 0x7ffffffeul);
    CHECK_EQ(OP1("and %0, %1, #0xfffffffffffffffe", 0x1235), 0x1234);
    CHECK_EQ(OP1("and %0, %1, #0x3c", 0xff), 0x3c);
    CHECK_EQ(OP1("orr %0, %1, #0x0101010101010101", 0), 0x0101010101010101ul);
    CHECK_EQ(OP1("ands %0, %1, #0x8000000000000000\n mrs %0, nzcv", 1ul << 63), 0x80000000ul); /* N */
    CHECK_EQ(OP1("ands %w0, %w1, #0xf\n mrs %0, nzcv", 0xf0), 0x40000000ul);                  /* Z */
}

static void test_bitfield(void)
{
    CHECK_EQ(OP1("ubfx %0, %1, #8, #12", 0x123456789abcdefull), 0xbcd);
    CHECK_EQ(OP1("sbfx %0, %1, #4, #8", 0xf80), 0xfffffffffffffff8ul);
    CHECK_EQ(OP1("sbfx %w0, %w1, #4, #8", 0xf80), 0xfffffff8ul);
    CHECK_EQ(OP2("mov %0, %2\n bfi %0, %1, #8, #16", 0xabcd, 0x1111111111111111ul), 0x1111111111abcd11ul);
    CHECK_EQ(OP2("mov %0, %2\n bfxil %0, %1, #4, #8", 0xabcd, 0xffffffffffffffff), 0xffffffffffffffbcul);
    CHECK_EQ(OP1("asr %0, %1, #63", 1ul << 63), ~0ul);
    CHECK_EQ(OP1("lsl %w0, %w1, #31", 3), 0x80000000ul);
    CHECK_EQ(OP1("lsr %0, %1, #60", ~0ul), 0xf);
    CHECK_EQ(OP1("sxtb %0, %w1", 0x80), 0xffffffffffffff80ul);
    CHECK_EQ(OP1("sxth %w0, %w1", 0x8000), 0xffff8000ul);
    CHECK_EQ(OP1("sxtw %0, %w1", 0x80000000ul), 0xffffffff80000000ul);
    CHECK_EQ(OP1("uxtb %w0, %w1", 0x1ff), 0xff);
    CHECK_EQ(OP1("sbfiz %0, %1, #60, #4", 0x8), 0x8000000000000000ul);
    CHECK_EQ(OP1("ubfiz %w0, %w1, #24, #8", 0x1ff), 0xff000000ul);
    CHECK_EQ(OP2("extr %0, %1, %2, #8", 0x11, 0xaabbccddeeff0011ul), 0x11aabbccddeeff00ul);
    CHECK_EQ(OP2("extr %w0, %w1, %w2, #31", 0x1, 0x80000000ul), 0x3ul);
    CHECK_EQ(OP1("ror %0, %1, #4", 0x1), 0x1000000000000000ul);
}

static void test_addsub_logic_reg(void)
{
    CHECK_EQ(OP2("add %0, %1, %2, lsl #63", 1, 1), 0x8000000000000001ul);
    CHECK_EQ(OP2("sub %w0, %w1, %w2, asr #31", 5, 0x80000000ul), 6);
    CHECK_EQ(OP2("add %0, %1, %w2, sxtw #3", 0x100, 0xffffffff), 0xf8);
    CHECK_EQ(OP2("add %0, %1, %w2, uxtb #4", 0, 0x1234), 0x340);
    CHECK_EQ(OP2("sub %w0, %w1, %w2, sxth", 0, 0x8000), 0x8000);
    CHECK_EQ(OP2("bic %0, %1, %2, ror #4", ~0ul, 0xf), 0x0ffffffffffffffful);
    CHECK_EQ(OP2("orn %w0, %w1, %w2", 0, 0xffff0000), 0xfffful);
    CHECK_EQ(OP2("eon %0, %1, %2, lsr #32", 0, 0xffffffff00000000ul), 0xffffffff00000000ul);
    CHECK_EQ(FLAGS2("cmp %1, %2", 0, 1), 0x8);                                     /* N */
    CHECK_EQ(FLAGS2("cmp %1, %2", 1, 1), 0x6);                                     /* ZC */
    CHECK_EQ(FLAGS2("cmn %1, %2", 0x7fffffffffffffff, 1), 0x9);                    /* NV */
    CHECK_EQ(FLAGS2("cmp %w1, %w2", 0x80000000, 1), 0x3);                          /* CV */
    CHECK_EQ(FLAGS2("bics %0, %2, %1", 0xf, 0xf0), 0x0);
    /* ADC/SBC use the carry in */
    CHECK_EQ(OP2("cmp xzr, xzr\n adc %0, %1, %2", 1, 2), 4);                        /* C=1 */
    CHECK_EQ(OP2("cmn %1, %1\n sbc %0, %1, %2", 5, 2), 2);                          /* C=0 */
    CHECK_EQ(FLAGS2("cmp xzr, xzr\n adcs %0, %1, %2", ~0ul, 0), 0x6);
    CHECK_EQ(FLAGS2("cmp xzr, xzr\n sbcs %w0, %w1, %w2", 0x80000000ul, 1), 0x3);
}

static void test_cond(void)
{
    /* CCMP: condition true -> compare, false -> the immediate NZCV */
    CHECK_EQ(FLAGS2("cmp %1, %1\n ccmp %1, %2, #0xf, eq", 1, 2), 0x8);
    CHECK_EQ(FLAGS2("cmp %1, %2\n ccmp %1, %2, #0x5, eq", 1, 2), 0x5);
    CHECK_EQ(FLAGS2("cmp %1, %1\n ccmn %w1, #31, #0, ne", 1, 2), 0x0);
    CHECK_EQ(FLAGS2("cmp %1, %1\n ccmn %1, #1, #2, eq", ~0ul, 0), 0x6);
    CHECK_EQ(OP2("cmp %1, %2\n csel %0, %1, %2, lt", 3, 4), 3);
    CHECK_EQ(OP2("cmp %1, %2\n csinc %0, %1, %2, gt", 3, 4), 5);
    CHECK_EQ(OP2("cmp %1, %2\n csinv %w0, %w1, %w2, hi", 3, 4), 0xfffffffbul);
    CHECK_EQ(OP2("cmp %1, %2\n csneg %0, %1, %2, ge", 3, 4), (u64)-4);
    CHECK_EQ(OP2("cmp %1, %2\n cset %0, ls", 3, 4), 1);
    CHECK_EQ(OP2("cmp %1, %2\n csetm %w0, ne", 3, 4), 0xffffffffu);
    CHECK_EQ(OP2("cmp %1, %2\n csel %0, %1, %2, nv", 3, 4), 3);   /* NV behaves as AL */
}

static void test_1src(void)
{
    CHECK_EQ(OP1("clz %0, %1", 0), 64);
    CHECK_EQ(OP1("clz %w0, %w1", 0), 32);
    CHECK_EQ(OP1("clz %0, %1", 1), 63);
    CHECK_EQ(OP1("cls %0, %1", 0), 63);
    CHECK_EQ(OP1("cls %w0, %w1", 0), 31);
    CHECK_EQ(OP1("cls %0, %1", ~0ul), 63);
    CHECK_EQ(OP1("cls %0, %1", 0x4000000000000000ul), 0);
    CHECK_EQ(OP1("cls %w0, %w1", 0xfff00000), 11);
    CHECK_EQ(OP1("rbit %w0, %w1", 1), 0x80000000ul);
    CHECK_EQ(OP1("rbit %0, %1", 0x3), 0xc000000000000000ul);
    CHECK_EQ(OP1("rev16 %0, %1", 0x0102030405060708ul), 0x0201040306050807ul);
    CHECK_EQ(OP1("rev32 %0, %1", 0x0102030405060708ul), 0x0403020108070605ul);
    CHECK_EQ(OP1("rev %0, %1", 0x0102030405060708ul), 0x0807060504030201ul);
    CHECK_EQ(OP1("rev %w0, %w1", 0x0102030405060708ul), 0x08070605ul);
}

static void test_2src(void)
{
    CHECK_EQ(OP2("sdiv %0, %1, %2", 1ul << 63, ~0ul), 1ul << 63);
    CHECK_EQ(OP2("sdiv %w0, %w1, %w2", 0x80000000ul, 0xffffffff), 0x80000000ul);
    CHECK_EQ(OP2("sdiv %0, %1, %2", 7, 0), 0);
    CHECK_EQ(OP2("udiv %0, %1, %2", 7, 0), 0);
    CHECK_EQ(OP2("sdiv %0, %1, %2", (u64)-7, 2), (u64)-3);      /* rounds toward zero */
    CHECK_EQ(OP2("udiv %w0, %w1, %w2", 0xffffffff, 0x10), 0x0fffffff);
    CHECK_EQ(OP2("lsl %0, %1, %2", 1, 65), 2);                  /* amount mod 64 */
    CHECK_EQ(OP2("lsr %w0, %w1, %w2", 0x80000000ul, 33), 0x40000000ul);
    CHECK_EQ(OP2("asr %0, %1, %2", 1ul << 63, 127), ~0ul);
    CHECK_EQ(OP2("ror %w0, %w1, %w2", 1, 1), 0x80000000ul);

    /* CRC-32 and CRC-32C check values of "123456789" (init ~0, final ~). */
    static const char s[] = "123456789";
    u32 crc = 0xffffffff, crcc = 0xffffffff;
    for (int i = 0; i < 9; i++) {
        __asm__ volatile("crc32b %w0, %w0, %w1" : "+r"(crc) : "r"((u32)s[i]));
        __asm__ volatile("crc32cb %w0, %w0, %w1" : "+r"(crcc) : "r"((u32)s[i]));
    }
    CHECK_EQ(~crc, 0xCBF43926u);
    CHECK_EQ(~crcc, 0xE3069283u);
    /* Wider forms: "12345678" as X / W / H, then "9" as B. */
    u64 w8 = 0x3837363534333231ul;
    u32 c1 = 0xffffffff, c2 = 0xffffffff, c3 = 0xffffffff, c4 = 0xffffffff;
    __asm__ volatile("crc32cx %w0, %w0, %1\n crc32cb %w0, %w0, %w2" : "+r"(c1) : "r"(w8), "r"(0x39));
    __asm__ volatile("crc32x %w0, %w0, %1\n crc32b %w0, %w0, %w2" : "+r"(c2) : "r"(w8), "r"(0x39));
    __asm__ volatile("crc32cw %w0, %w0, %w1\n crc32cw %w0, %w0, %w2\n crc32cb %w0, %w0, %w3"
                     : "+r"(c3) : "r"((u32)w8), "r"((u32)(w8 >> 32)), "r"(0x39));
    __asm__ volatile("crc32h %w0, %w0, %w1\n crc32h %w0, %w0, %w2\n crc32h %w0, %w0, %w3\n"
                     "crc32h %w0, %w0, %w4\n crc32b %w0, %w0, %w5"
                     : "+r"(c4) : "r"(0x3231), "r"(0x3433), "r"(0x3635), "r"(0x3837), "r"(0x39));
    CHECK_EQ(~c1, 0xE3069283u);
    CHECK_EQ(~c2, 0xCBF43926u);
    CHECK_EQ(~c3, 0xE3069283u);
    CHECK_EQ(~c4, 0xCBF43926u);
}

static void test_3src(void)
{
    CHECK_EQ(OP2("smulh %0, %1, %2", ~0ul, 1), ~0ul);
    CHECK_EQ(OP2("umulh %0, %1, %2", ~0ul, ~0ul), 0xfffffffffffffffeul);
    CHECK_EQ(OP2("smulh %0, %1, %2", 1ul << 63, 1ul << 63), 0x4000000000000000ul);
    CHECK_EQ(OP2("umulh %0, %1, %2", 1ul << 32, 1ul << 32), 1);
    CHECK_EQ(OP3("madd %0, %1, %2, %3", 3, 4, 5), 17);
    CHECK_EQ(OP3("msub %w0, %w1, %w2, %w3", 3, 4, 5), 0xfffffff9ul);
    CHECK_EQ(OP3("smaddl %0, %w1, %w2, %3", 0xfffffffe, 3, 10), 4);
    CHECK_EQ(OP3("smsubl %0, %w1, %w2, %3", 0x80000000, 0x80000000, 0), 0xc000000000000000ul);
    CHECK_EQ(OP3("umaddl %0, %w1, %w2, %3", 0xffffffff, 0xffffffff, 1), 0xfffffffe00000002ul);
    CHECK_EQ(OP3("umsubl %0, %w1, %w2, %3", 2, 3, 0), (u64)-6);
    CHECK_EQ(OP2("mneg %0, %1, %2", 3, 4), (u64)-12);
}

/* Reserved encodings must be UNDEFINED (EC 0x00): the library records the
 * exception and resumes after the word (hs_exc_skip).  Rd/Rn are X0. */
#define EXPECT_UNDEF(word)                                                  \
    do {                                                                    \
        hs_exc_reset();                                                     \
        __asm__ volatile(".inst " #word ::: "x0", "cc", "memory");          \
        CHECK_EQ(hs_last.count, 1);                                         \
        CHECK_EQ(hs_last.esr >> 26, 0);                                     \
    } while (0)

static void test_unallocated(void)
{
    hs_exc_skip = 1;
    EXPECT_UNDEF(0x12400000);   /* AND (immediate) 32-bit with N=1 */
    EXPECT_UNDEF(0x9240fc00);   /* AND (immediate) all-ones element (imms=111111, N=1) */
    EXPECT_UNDEF(0x0a208000);   /* BIC 32-bit with imm6=32 */
    EXPECT_UNDEF(0x8bc00000);   /* ADD (shifted register) shift=11 */
    EXPECT_UNDEF(0x8b201400);   /* ADD (extended register) shift=5 */
    EXPECT_UNDEF(0x1ac04c00);   /* CRC32X with sf=0 */
    EXPECT_UNDEF(0x9ac04000);   /* CRC32B with sf=1 */
    EXPECT_UNDEF(0x5ac00c00);   /* REV (opc=11) with sf=0 */
    EXPECT_UNDEF(0x1b200000);   /* SMADDL with sf=0 */
    EXPECT_UNDEF(0x9b408000);   /* SMULH with o0=1 */
    EXPECT_UNDEF(0xfb000000);   /* 3-source op54=11 */
    EXPECT_UNDEF(0x9be00000);   /* 3-source op31=111 */
    EXPECT_UNDEF(0x73000000);   /* bitfield opc=11 */
    EXPECT_UNDEF(0x13400000);   /* SBFM 32-bit with N=1 */
    EXPECT_UNDEF(0x3a400c00);   /* CCMN (immediate) with o2=1 */
    EXPECT_UNDEF(0x1a800c00);   /* CSEL op2=11 */
    EXPECT_UNDEF(0x1ac00000);   /* 2-source opcode=000000 */
    EXPECT_UNDEF(0x5ac01800);   /* 1-source opcode=000110 */
    EXPECT_UNDEF(0x9a000800);   /* ADC with bits 15:10 != 0 */
    hs_exc_skip = 0;
}

/* A branch to a misaligned address completes; the next fetch takes a PC
 * alignment fault (EC 0x22) with ELR = FAR = the misaligned PC.  The hook
 * resumes at the branch's return address (X30 from BLR). */
static int pc_align_hook(hs_frame *f, int el, int type)
{
    if (type != 0 || (hs_last.esr >> 26) != 0x22)
        return 0;
    __asm__ volatile("msr elr_el1, %0" ::"r"(f->x[30]));
    return 1;
}

static void test_pc_alignment(void)
{
    hs_exc_reset();
    hs_exc_hook = pc_align_hook;
    u64 target = (u64)&test_pc_alignment + 2;
    __asm__ volatile("blr %0" ::"r"(target) : "x30", "memory");
    hs_exc_hook = 0;
    CHECK_EQ(hs_last.count, 1);
    CHECK_EQ(hs_last.esr >> 26, 0x22);
    CHECK_EQ(hs_last.elr, target);
}

int main(void)
{
    test_logical_imm();
    test_bitfield();
    test_addsub_logic_reg();
    test_cond();
    test_1src();
    test_2src();
    test_3src();
    test_unallocated();
    test_pc_alignment();
    return hs_report();
}
