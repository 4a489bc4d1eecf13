/*
 * tests/fuzz/fuzz_dtb.c — -dtb F: a user's device tree is checked
 * (fdt_check_header, sizes) and patched (/chosen bootargs, initrd) before it
 * is placed in guest RAM (machine/virt/boot.c).  Arbitrary bytes as the
 * blob, with a tiny raw kernel.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char kernel[256];
    if (!kernel[0]) {
        /* A raw kernel of one instruction (B .), booted like an Image. */
        const uint8_t insn[4] = {0x00, 0x00, 0x00, 0x14};
        snprintf(kernel, sizeof(kernel), "%s", fuzz_file(insn, sizeof(insn), ".kernel"));
    }
    VirtOptions o;
    virt_default_options(&o);
    o.ram_size = 64ull << 20;
    o.no_stdin = true;
    o.kernel = kernel;
    o.append = "console=ttyAMA0 root=/dev/vda";
    o.dtb = fuzz_file(data, size, ".dtb");
    Machine *m = virt_create(&o);
    virt_destroy(m);
    return 0;
}
