/*
 * tests/fuzz/fuzz.h — shared helpers of the libFuzzer targets
 * (LLVMFuzzerTestOneInput in each fuzz_*.c): a virt board without an image,
 * and a private temporary file that holds the fuzzer's bytes for the
 * parsers that read files.  Built only with meson -Dfuzz=enabled (clang).
 */
#ifndef HS_FUZZ_H
#define HS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/virt/virt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A board as the command line "-M virt,gic-version=GIC[,secure=on]
 * [,virtualization=on] -smp SMP -m 64M -device loader,addr=0x40000000,cpu-num=0"
 * would build, reading no host input; NULL if it cannot be built. */
static inline Machine *fuzz_board(int gic, unsigned smp, bool secure, bool virt)
{
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = gic;
    o.smp = smp;
    o.secure = secure;
    o.virtualization = virt;
    o.ram_size = 64ull << 20;
    o.no_stdin = true;
    o.loader[0] = (LoaderSpec){NULL, 0x40000000, true, 0, false};
    o.nloaders = 1;
    return virt_create(&o);
}

/* Write DATA to a file private to this process and return its path (the
 * same path every call; overwritten each time).  Aborts if the temporary
 * directory cannot be written, as that is a harness failure. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[256];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof(path), "%s/hs-fuzz-%d%s", dir, (int)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(path);
        abort();
    }
    return path;
}

#endif
