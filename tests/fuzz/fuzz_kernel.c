/*
 * tests/fuzz/fuzz_kernel.c — the -kernel loader (machine/virt/boot.c,
 * loader.c) on arbitrary bytes: ELF (libelf + our segment checks), Linux
 * arm64 Image header, gzip-compressed Image, raw binary.  A bad file must be
 * refused with a message; nothing may be written outside guest RAM.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VirtOptions o;
    virt_default_options(&o);
    o.ram_size = 64ull << 20;
    o.no_stdin = true;
    o.kernel = fuzz_file(data, size, ".kernel");
    o.append = "console=ttyAMA0";
    Machine *m = virt_create(&o);   /* NULL after one message for a bad image */
    virt_destroy(m);
    return 0;
}
