/*
 * tests/unit/test.h — a tiny blink-style unit test harness: TEST(name) {...}
 * with ASSERT_EQ/ASSERT_TRUE; main() runs every test and prints
 * "N passed, N failed"; exit status is nonzero on any failure.
 */
#ifndef HS_TEST_H
#define HS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct TestCase { const char *name; void (*fn)(void); } TestCase;
extern int test_failed_flag;
void test_register(const char *name, void (*fn)(void));

#define TEST(n)                                                          \
    static void test_##n(void);                                          \
    __attribute__((constructor)) static void reg_##n(void) { test_register(#n, test_##n); } \
    static void test_##n(void)

#define ASSERT_TRUE(c)                                                   \
    do {                                                                 \
        if (!(c)) {                                                      \
            fprintf(stderr, "  %s:%d: ASSERT_TRUE(%s) failed\n", __FILE__, __LINE__, #c); \
            test_failed_flag = 1;                                        \
            return;                                                      \
        }                                                                \
    } while (0)
#define ASSERT_EQ(a, b)                                                  \
    do {                                                                 \
        uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);                 \
        if (_a != _b) {                                                  \
            fprintf(stderr, "  %s:%d: %s == 0x%" PRIx64 ", expected %s == 0x%" PRIx64 "\n", \
                    __FILE__, __LINE__, #a, _a, #b, _b);                 \
            test_failed_flag = 1;                                        \
            return;                                                      \
        }                                                                \
    } while (0)

#endif
