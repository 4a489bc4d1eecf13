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

typedef struct CpusNode {
    Machine *m;
    unsigned clusters;   /* -smp clusters= (cores per cluster: ncpu / clusters) */
} CpusNode;

/* The /cpus node: QEMU 7.2's cpu-map (socket0/clusterC/coreK -> the core's
 * phandle, from the -smp topology), then one cpu@AFF per core (reg = MPIDR
 * affinity), enable-method psci when the built-in firmware can start
 * secondaries. */
static int cpus_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    CpusNode *cn = opaque;
    Machine *m = cn->m;
    char name[64], compat[32];
    (void)ctx;
    unsigned clusters = cn->clusters ? cn->clusters : 1;
    unsigned per = m->ncpu / clusters ? m->ncpu / clusters : 1;
    /* compatible "arm,<model>" as QEMU's dt-compatible of the CPU class */
    snprintf(compat, sizeof(compat), "arm,%s", m->cpu_model ? m->cpu_model->name : "cortex-a53");
    CHECK(fdt_begin_node(fdt, "cpus"));
    CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    CHECK(fdt_property_u32(fdt, "#size-cells", 0));
    CHECK(fdt_begin_node(fdt, "cpu-map"));
    for (unsigned s = 0; s * per * clusters < m->ncpu; s++) {
        snprintf(name, sizeof(name), "socket%u", s);
        CHECK(fdt_begin_node(fdt, name));
        for (unsigned cl = 0; cl < clusters && (s * clusters + cl) * per < m->ncpu; cl++) {
            snprintf(name, sizeof(name), "cluster%u", cl);
            CHECK(fdt_begin_node(fdt, name));
            for (unsigned k = 0; k < per && (s * clusters + cl) * per + k < m->ncpu; k++) {
                snprintf(name, sizeof(name), "core%u", k);
                CHECK(fdt_begin_node(fdt, name));
                CHECK(fdt_property_u32(fdt, "cpu", VIRT_PHANDLE_CPU0 + (s * clusters + cl) * per + k));
                CHECK(fdt_end_node(fdt));
            }
            CHECK(fdt_end_node(fdt));
        }
        CHECK(fdt_end_node(fdt));
    }
    CHECK(fdt_end_node(fdt));
    for (unsigned i = 0; i < m->ncpu; i++) {
        u32 aff = (u32)(m->cpu[i]->mpidr_el1 & 0xffffff);
        snprintf(name, sizeof(name), "cpu@%x", aff);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        CHECK(fdt_property_string(fdt, "compatible", compat));
        CHECK(fdt_property_u32(fdt, "reg", aff));
        if (m->psci_conduit != CONDUIT_NONE && m->ncpu > 1)
            CHECK(fdt_property_string(fdt, "enable-method", "psci"));
        CHECK(fdt_property_u32(fdt, "phandle", VIRT_PHANDLE_CPU0 + i));
        CHECK(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
fail:
    return -FDT_ERR_NOSPACE;
}

static const DeviceOps cpus_ops = {.type = "cpus", .version = 1, .fdt_node = cpus_fdt, .destroy = free};

bool virt_add_cpus_node(Machine *m, unsigned clusters)
{
    CpusNode *cn = calloc(1, sizeof(*cn));
    if (!cn)
        return false;
    cn->m = m;
    cn->clusters = clusters;
    if (!machine_add_device(m, &cpus_ops, cn, "cpus")) {
        free(cn);
        return false;
    }
    return true;
}

/* /pmu: the PMUv3 overflow interrupt, PPI 7 (INTID 23), level-high; GICv2
 * specifiers carry the CPU mask (QEMU virt fdt_add_pmu_nodes()). */
static int pmu_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    (void)opaque;
    u32 flags = FDT_IRQ_LEVEL_HIGH;
    if (ctx->gic_version == 2)
        flags |= ((1u << ctx->ncpu) - 1) << 8;
    u32 irq[3] = {FDT_GIC_PPI, 23 - 16, flags};
    CHECK(fdt_begin_node(fdt, "pmu"));
    CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
    CHECK(fdt_prop_cells(fdt, "interrupts", irq, 3));
    return fdt_end_node(fdt);
fail:
    return -FDT_ERR_NOSPACE;
}

static const DeviceOps pmu_node_ops = {.type = "pmu", .version = 1, .fdt_node = pmu_fdt};

bool virt_add_pmu_node(Machine *m)
{
    return machine_add_device(m, &pmu_node_ops, NULL, "pmu") != NULL;
}

/* A window of the board, for the nodes below. */
typedef struct BoardWindow {
    u64 base, size;
} BoardWindow;

static int secram_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    BoardWindow *w = opaque;
    char name[64];
    (void)ctx;
    snprintf(name, sizeof(name), "secram@%llx", (unsigned long long)w->base);
    CHECK(fdt_begin_node(fdt, name));
    CHECK(fdt_property_string(fdt, "device_type", "memory"));
    CHECK(fdt_prop_reg(fdt, w->base, w->size));
    CHECK(fdt_property_string(fdt, "status", "disabled"));
    CHECK(fdt_property_string(fdt, "secure-status", "okay"));
    return fdt_end_node(fdt);
fail:
    return -FDT_ERR_NOSPACE;
}

static int platform_bus_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    BoardWindow *w = opaque;
    static const char compat[] = "qemu,platform\0simple-bus";
    char name[64];
    snprintf(name, sizeof(name), "platform-bus@%llx", (unsigned long long)w->base);
    u32 ranges[4] = {0, (u32)(w->base >> 32), (u32)w->base, (u32)w->size};
    CHECK(fdt_begin_node(fdt, name));
    CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    CHECK(fdt_property_u32(fdt, "#size-cells", 1));
    CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    CHECK(fdt_prop_cells(fdt, "ranges", ranges, 4));
    CHECK(fdt_property_u32(fdt, "interrupt-parent", ctx->intc_phandle));
    return fdt_end_node(fdt);
fail:
    return -FDT_ERR_NOSPACE;
}

static const DeviceOps secram_node_ops = {.type = "secram", .version = 1, .fdt_node = secram_fdt, .destroy = free};
static const DeviceOps platform_bus_ops = {
    .type = "platform-bus", .version = 1, .fdt_node = platform_bus_fdt, .destroy = free};

static bool add_window(Machine *m, const DeviceOps *ops, const char *name, u64 base, u64 size)
{
    BoardWindow *w = calloc(1, sizeof(*w));
    if (!w)
        return false;
    w->base = base;
    w->size = size;
    if (!machine_add_device(m, ops, w, name)) {
        free(w);
        return false;
    }
    return true;
}

bool virt_add_secram_node(Machine *m, u64 base, u64 size)
{
    return add_window(m, &secram_node_ops, "secram", base, size);
}

bool virt_add_platform_bus_node(Machine *m, u64 base, u64 size)
{
    return add_window(m, &platform_bus_ops, "platform-bus", base, size);
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
    /* secure-chosen: the Secure world's console (QEMU create_uart()). */
    if (o->secure) {
        CHECK(fdt_begin_node(fdt, "secure-chosen"));
        snprintf(name, sizeof(name), "/pl011@%llx", (unsigned long long)virt_memmap[VIRT_SECURE_UART].base);
        CHECK(fdt_property_string(fdt, "stdout-path", name));
        CHECK(fdt_end_node(fdt));
    }

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
