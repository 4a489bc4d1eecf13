/*
 * tests/unit/test_fdt.c — the board's device tree says what the machine is:
 * PSCI method by the conduit rule, cpu reg = MPIDR affinity, GIC regions per
 * version, timer PPIs, chosen properties.
 */
#include <libfdt.h>
#include <string.h>

#include "machine/virt/virt.h"
#include "test.h"

static Machine *board(bool virt, bool secure, int gic, unsigned smp)
{
    VirtOptions o;
    virt_default_options(&o);
    o.virtualization = virt;
    o.secure = secure;
    o.gic_version = gic;
    o.smp = smp;
    o.dump_dtb = "/dev/null";   /* only build: no image needed */
    return virt_create(&o);
}

static const void *prop(const void *f, const char *path, const char *name, int *len)
{
    int off = fdt_path_offset(f, path);
    if (off < 0)
        return NULL;
    return fdt_getprop(f, off, name, len);
}

TEST(fdt_psci_method_follows_conduit)
{
    Machine *m = board(true, false, 3, 4);
    ASSERT_TRUE(m != NULL);
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = 3;
    o.virtualization = true;
    o.smp = 4;
    size_t sz;
    void *f = virt_build_fdt(m, &o, 0, 0, &sz);
    ASSERT_TRUE(f != NULL);
    ASSERT_EQ(fdt_check_header(f), 0);
    int len;
    const char *meth = prop(f, "/psci", "method", &len);
    ASSERT_TRUE(meth && !strcmp(meth, "smc"));
    const fdt32_t *reg = prop(f, "/cpus/cpu@3", "reg", &len);
    ASSERT_TRUE(reg != NULL);
    ASSERT_EQ(fdt32_to_cpu(*reg), 3);
    const char *en = prop(f, "/cpus/cpu@1", "enable-method", &len);
    ASSERT_TRUE(en && !strcmp(en, "psci"));
    const char *gc = prop(f, "/intc@8000000", "compatible", &len);
    ASSERT_TRUE(gc && !strcmp(gc, "arm,gic-v3"));
    const fdt32_t *ti = prop(f, "/timer", "interrupts", &len);
    ASSERT_EQ(len, 12 * 4);
    ASSERT_EQ(fdt32_to_cpu(ti[1]), 13);   /* secure phys PPI 13 = INTID 29 */
    ASSERT_EQ(fdt32_to_cpu(ti[7]), 11);   /* virtual PPI 11 = INTID 27 */
    free(f);
    virt_destroy(m);
}

TEST(fdt_el1_uses_hvc_and_gicv2_regions)
{
    Machine *m = board(false, false, 2, 2);
    ASSERT_TRUE(m != NULL);
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = 2;
    o.smp = 2;
    o.append = "console=ttyAMA0";
    size_t sz;
    void *f = virt_build_fdt(m, &o, 0x48000000, 0x1000, &sz);
    ASSERT_TRUE(f != NULL);
    int len;
    const char *meth = prop(f, "/psci", "method", &len);
    ASSERT_TRUE(meth && !strcmp(meth, "hvc"));
    const char *gc = prop(f, "/intc@8000000", "compatible", &len);
    ASSERT_TRUE(gc && !strcmp(gc, "arm,cortex-a15-gic"));
    prop(f, "/intc@8000000", "reg", &len);
    ASSERT_EQ(len, 4 * 8);   /* dist + cpu (base, size) pairs only: no GICH/GICV without EL2 */
    const char *ba = prop(f, "/chosen", "bootargs", &len);
    ASSERT_TRUE(ba && !strcmp(ba, "console=ttyAMA0"));
    const fdt64_t *is = prop(f, "/chosen", "linux,initrd-end", &len);
    ASSERT_TRUE(is != NULL);
    ASSERT_EQ(fdt64_ld(is), 0x48001000);   /* properties are only 4-byte aligned */
    free(f);
    virt_destroy(m);
}

TEST(fdt_no_psci_node_with_guest_el3_firmware)
{
    Machine *m = board(true, true, 3, 4);
    ASSERT_TRUE(m != NULL);
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = 3;
    o.secure = o.virtualization = true;
    o.smp = 4;
    size_t sz;
    void *f = virt_build_fdt(m, &o, 0, 0, &sz);
    ASSERT_TRUE(f != NULL);
    ASSERT_TRUE(fdt_path_offset(f, "/psci") < 0);
    int len;
    const fdt64_t *reg = prop(f, "/power-controller@90c0000", "reg", &len);
    ASSERT_TRUE(reg != NULL);
    ASSERT_EQ(fdt64_ld(&reg[0]), 0x090c0000);   /* properties are only 4-byte aligned */
    const char *st = prop(f, "/power-controller@90c0000", "secure-status", &len);
    ASSERT_TRUE(st && !strcmp(st, "okay"));
    free(f);
    virt_destroy(m);
}
