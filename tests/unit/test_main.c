/* tests/unit/test_main.c — runner for test.h. */
#include <string.h>

#include "test.h"

#define MAX_TESTS 512
static TestCase tests[MAX_TESTS];
static int ntests;
int test_failed_flag;

void test_register(const char *name, void (*fn)(void))
{
    if (ntests < MAX_TESTS)
        tests[ntests++] = (TestCase){name, fn};
}

int main(int argc, char **argv)
{
    int pass = 0, fail = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        test_failed_flag = 0;
        tests[i].fn();
        printf("%s %s\n", test_failed_flag ? "FAIL" : "ok  ", tests[i].name);
        if (test_failed_flag)
            fail++;
        else
            pass++;
    }
    printf("%d passed, %d failed\n", pass, fail);
    return fail ? 1 : 0;
}
