/*
 * tests/fuzz/fuzz_record.c — the --replay reader (machine/record.c) on
 * arbitrary record files: header lines, "in" input lines, "semi" results
 * with hex payloads, digest checkpoints.  The expected header ("args" and
 * image lines) is fixed, so the seed corpus carries it and the fuzzer can
 * get past it to the body.
 */
#include "machine/record.h"
#include "trace/digest.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Machine *m = fuzz_board(3, 2, false, false);
    if (!m)
        abort();
    char err[512];
    const char *path = fuzz_file(data, size, ".rec");
    replay_start(m, "-M virt -smp 2 -kernel fuzz.elf", "", path, err, sizeof(err));
    /* As main() ends a run: compare the remaining checkpoints, then free. */
    digest_finish(m, 0);
    record_finish(m);
    virt_destroy(m);
    return 0;
}
