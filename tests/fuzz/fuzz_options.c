/*
 * tests/fuzz/fuzz_options.c — the command-line parser (machine/virt/
 * options.c) on argument vectors made of the input split at NUL bytes.
 * Only parsing runs: building the machine would open the files and sockets
 * the arguments name.
 */
#include "machine/virt/options.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    char *argv[130];
    int argc = 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    argv[argc++] = "hyperstep";
    for (size_t i = 0; i <= size && argc < 128;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    /* --help prints to stdout: harmless.  Parsing must not crash or leak. */
    VirtOptions o;
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w");
    opt_parse(argc, argv, &o);
    fclose(stderr);
    stderr = saved;
    opt_free(&o);
    free(buf);
    return 0;
}
