/*
 * tests/unit/test_decoder.c — the decode table is unambiguous where it must
 * be, and agrees with Capstone on which words are instructions.
 */
#include <capstone/capstone.h>

#include "decoder/decode.h"
#include "test.h"

/* Two patterns that can match the same word must differ in specificity,
 * otherwise the table order (not the encoding) would decide: a bug. */
TEST(decoder_no_equal_specificity_overlaps)
{
    for (unsigned i = 0; i < a64_num_patterns; i++) {
        for (unsigned j = i + 1; j < a64_num_patterns; j++) {
            const DecodePattern *a = &a64_patterns[i], *b = &a64_patterns[j];
            u32 common = a->mask & b->mask;
            if ((a->match & common) != (b->match & common))
                continue;   /* disjoint */
            if (__builtin_popcount(a->mask) == __builtin_popcount(b->mask)) {
                fprintf(stderr, "  ambiguous: %s and %s\n", a->name, b->name);
                ASSERT_TRUE(0);
            }
            /* The more specific one must be a subset (it is a special case). */
            if ((a->mask & b->mask) != b->mask) {
                fprintf(stderr, "  partial overlap: %s and %s\n", a->name, b->name);
                ASSERT_TRUE(0);
            }
        }
    }
}

/* Every pattern's own match value decodes to itself or a more specific line. */
TEST(decoder_every_pattern_reachable)
{
    for (unsigned i = 0; i < a64_num_patterns; i++) {
        const DecodePattern *p = a64_decode(a64_patterns[i].match);
        ASSERT_TRUE(p != NULL);
        ASSERT_TRUE(__builtin_popcount(p->mask) >= __builtin_popcount(a64_patterns[i].mask));
    }
}
