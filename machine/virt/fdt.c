/*
 * machine/virt/fdt.c — the device tree of the virt board, built with libfdt
 * the way QEMU's hw/arm/virt.c lays it out (so guests and tools that know
 * QEMU's DTB find the same nodes).  The board writes the root, /chosen and
 * /memory; every other node is written by its device through the registry
 * (devices/device.h), in registration order.  Here too: the board's /cpus
 * node (reg = MPIDR affinity) and its APB clock.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_model.h"
#include "devices/device.h"
#include "machine/virt/virt.h"

#define PHANDLE_GIC 0x8001
#define PHANDLE_CLK 0x8000

#define CHECK(x)                 \
    do {                         \
        if ((x) < 0)             \
            goto fail;           \
    } while (0)

/* The /cpus node: one cpu@AFF per core (reg = MPIDR affinity), enable-method
 * psci when the built-in firmware can start secondaries. */
static int cpus_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    Machine *m = opaque;
    char name[64], compat[32];
    (void)ctx;
    /* compatible "arm,<model>" as QEMU's dt-compatible of the CPU class */
    snprintf(compat, sizeof(compat), "arm,%s", m->cpu_model ? m->cpu_model->name : "cortex-a53");
    CHECK(fdt_begin_node(fdt, "cpus"));
    CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    CHECK(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < m->ncpu; i++) {
        u32 aff = (u32)(m->cpu[i]->mpidr_el1 & 0xffffff);
        snprintf(name, sizeof(name), "cpu@%x", aff);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        CHECK(fdt_property_string(fdt, "compatible", compat));
        CHECK(fdt_property_u32(fdt, "reg", aff));
        if (m->psci_conduit != CONDUIT_NONE && m->ncpu > 1)
            CHECK(fdt_property_string(fdt, "enable-method", "psci"));
        CHECK(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
fail:
    return -FDT_ERR_NOSPACE;
}

static const DeviceOps cpus_ops = {.type = "cpus", .version = 1, .fdt_node = cpus_fdt};

bool virt_add_cpus_node(Machine *m)
{
    return machine_add_device(m, &cpus_ops, m, "cpus") != NULL;
}

/* The 24 MHz APB clock of the PrimeCells (a fixed clock). */
static int apb_clock_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    (void)opaque;
    CHECK(fdt_begin_node(fdt, "apb-pclk"));
    CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
    CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
    CHECK(fdt_property_u32(fdt, "clock-frequency", 24000000));
    CHECK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    CHECK(fdt_property_u32(fdt, "phandle", ctx->clk_phandle));
    return fdt_end_node(fdt);
fail:
    return -FDT_ERR_NOSPACE;
}

static const DeviceOps apb_clock_ops = {.type = "fixed-clock", .version = 1, .fdt_node = apb_clock_fdt};

bool virt_add_apb_clock(Machine *m)
{
    return machine_add_device(m, &apb_clock_ops, NULL, "apb-pclk") != NULL;
}

void *virt_build_fdt(Machine *m, const VirtOptions *o, u64 initrd_start, u64 initrd_size, size_t *size)
{
    size_t cap = 1 << 16;
    void *fdt = calloc(1, cap);
    char name[64];
    if (!fdt)
        return NULL;
    CHECK(fdt_create(fdt, (int)cap));
    CHECK(fdt_finish_reservemap(fdt));
    CHECK(fdt_begin_node(fdt, ""));
    CHECK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
    CHECK(fdt_property_u32(fdt, "#address-cells", 2));
    CHECK(fdt_property_u32(fdt, "#size-cells", 2));
    CHECK(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
    CHECK(fdt_property_string(fdt, "model", "hyperstep virt (QEMU virt compatible)"));

    /* chosen */
    CHECK(fdt_begin_node(fdt, "chosen"));
    snprintf(name, sizeof(name), "/pl011@%llx", (unsigned long long)virt_memmap[VIRT_UART].base);
    CHECK(fdt_property_string(fdt, "stdout-path", name));
    if (o->append)
        CHECK(fdt_property_string(fdt, "bootargs", o->append));
    if (initrd_size) {
        CHECK(fdt_property_u64(fdt, "linux,initrd-start", initrd_start));
        CHECK(fdt_property_u64(fdt, "linux,initrd-end", initrd_start + initrd_size));
    }
    CHECK(fdt_end_node(fdt));

    /* memory */
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)m->ram_base);
    CHECK(fdt_begin_node(fdt, name));
    CHECK(fdt_property_string(fdt, "device_type", "memory"));
    CHECK(fdt_prop_reg(fdt, m->ram_base, m->ram_size));
    CHECK(fdt_end_node(fdt));

    /* Every device's node, in registration order. */
    FdtCtx ctx = {.intc_phandle = PHANDLE_GIC, .clk_phandle = PHANDLE_CLK,
                  .gic_version = (unsigned)o->gic_version, .ncpu = m->ncpu};
    CHECK(machine_fdt_devices(m, fdt, &ctx));

    CHECK(fdt_end_node(fdt));
    CHECK(fdt_finish(fdt));
    CHECK(fdt_pack(fdt));
    *size = fdt_totalsize(fdt);
    return fdt;
fail:
    free(fdt);
    return NULL;
}
