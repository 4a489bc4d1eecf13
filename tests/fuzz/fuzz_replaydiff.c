/*
 * tests/fuzz/fuzz_replaydiff.c — `hyperstep replay-diff A B` (trace/
 * steplog.c) on two arbitrary files: the input up to its first NUL byte is
 * A, the rest is B.
 */
#include "trace/steplog.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char a[256];
    static bool quiet;
    if (!quiet) {
        quiet = freopen("/dev/null", "w", stdout) != NULL;
    }
    const uint8_t *nul = memchr(data, 0, size);
    size_t na = nul ? (size_t)(nul - data) : size;
    snprintf(a, sizeof(a), "%s", fuzz_file(data, na, ".a"));
    /* fuzz_file reuses one path per suffix: A and B get different ones. */
    const char *b = fuzz_file(nul ? nul + 1 : data + size, nul ? size - na - 1 : 0, ".b");
    replay_diff_main(a, b);
    return 0;
}
