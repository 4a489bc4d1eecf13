/*
 * machine/virt/fdt.c — the device tree of the virt board, built with libfdt
 * the way QEMU's hw/arm/virt.c lays it out (so guests and tools that know
 * QEMU's DTB find the same nodes): memory, cpus (reg = MPIDR affinity),
 * psci (method from the conduit rule), GIC v2/v3 with the virtualization
 * regions and maintenance interrupt, timer PPIs, PL011, PL031, chosen.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pctl/pctl.h"
#include "machine/virt/virt.h"

/* GIC interrupt specifier cells (Linux dt-bindings/interrupt-controller/arm-gic.h). */
enum { GIC_SPI = 0, GIC_PPI = 1, IRQ_LEVEL_HIGH = 4, IRQ_LEVEL_LOW = 8 };
#define PHANDLE_GIC 0x8001
#define PHANDLE_CLK 0x8000

#define CHECK(x)                 \
    do {                         \
        if ((x) < 0)             \
            goto fail;           \
    } while (0)

static int prop_u64_pairs(void *fdt, const char *name, const u64 *v, unsigned n)
{
    fdt64_t buf[16];
    for (unsigned i = 0; i < n && i < 16; i++)
        buf[i] = cpu_to_fdt64(v[i]);
    return fdt_property(fdt, name, buf, (int)(n * sizeof(fdt64_t)));
}

static int prop_cells(void *fdt, const char *name, const u32 *v, unsigned n)
{
    fdt32_t buf[32];
    for (unsigned i = 0; i < n && i < 32; i++)
        buf[i] = cpu_to_fdt32(v[i]);
    return fdt_property(fdt, name, buf, (int)(n * sizeof(fdt32_t)));
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
    snprintf(name, sizeof(name), "/pl011@%llx", (unsigned long long)VIRT_UART);
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
    u64 reg[2] = {m->ram_base, m->ram_size};
    CHECK(prop_u64_pairs(fdt, "reg", reg, 2));
    CHECK(fdt_end_node(fdt));

    /* psci: only when the built-in firmware owns EL3 */
    if (m->psci_conduit != CONDUIT_NONE) {
        CHECK(fdt_begin_node(fdt, "psci"));
        static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
        CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
        CHECK(fdt_property_string(fdt, "method", m->psci_conduit == CONDUIT_SMC ? "smc" : "hvc"));
        CHECK(fdt_property_u32(fdt, "cpu_suspend", 0xc4000001));
        CHECK(fdt_property_u32(fdt, "cpu_off", 0x84000002));
        CHECK(fdt_property_u32(fdt, "cpu_on", 0xc4000003));
        CHECK(fdt_property_u32(fdt, "migrate", 0xc4000005));
        CHECK(fdt_end_node(fdt));
    }

    /* Power controller: only when the guest's own EL3 firmware owns PSCI.
     * Register layout of the Arm FVP Base power controller (PPOFFR, PPONR,
     * PCOFFR, PWKUPR, PSYSR); reachable from the Secure state only. */
    if (m->psci_conduit == CONDUIT_NONE) {
        snprintf(name, sizeof(name), "power-controller@%llx", (unsigned long long)VIRT_PCTL_BASE);
        CHECK(fdt_begin_node(fdt, name));
        static const char pc[] = "hyperstep,fvp-pwrc\0arm,fvp-pwrc";
        CHECK(fdt_property(fdt, "compatible", pc, sizeof(pc)));
        u64 r[2] = {VIRT_PCTL_BASE, VIRT_PCTL_SIZE};
        CHECK(prop_u64_pairs(fdt, "reg", r, 2));
        CHECK(fdt_property_string(fdt, "status", "disabled"));
        CHECK(fdt_property_string(fdt, "secure-status", "okay"));
        CHECK(fdt_end_node(fdt));
    }

    /* cpus */
    CHECK(fdt_begin_node(fdt, "cpus"));
    CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    CHECK(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < m->ncpu; i++) {
        u32 aff = (u32)(m->cpu[i]->mpidr_el1 & 0xffffff);
        snprintf(name, sizeof(name), "cpu@%x", aff);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        CHECK(fdt_property_string(fdt, "compatible", "arm,cortex-a53"));
        CHECK(fdt_property_u32(fdt, "reg", aff));
        if (m->psci_conduit != CONDUIT_NONE && m->ncpu > 1)
            CHECK(fdt_property_string(fdt, "enable-method", "psci"));
        CHECK(fdt_end_node(fdt));
    }
    CHECK(fdt_end_node(fdt));

    /* timer: secure phys PPI 13, non-secure phys 14, virtual 11, hyp 10 */
    CHECK(fdt_begin_node(fdt, "timer"));
    static const char tcompat[] = "arm,armv8-timer\0arm,armv7-timer";
    CHECK(fdt_property(fdt, "compatible", tcompat, sizeof(tcompat)));
    u32 flags = IRQ_LEVEL_HIGH;
    if (o->gic_version == 2)
        flags |= ((1u << m->ncpu) - 1) << 8;   /* GICv2 PPI CPU mask */
    u32 tirq[12] = {GIC_PPI, 13, flags, GIC_PPI, 14, flags, GIC_PPI, 11, flags, GIC_PPI, 10, flags};
    CHECK(prop_cells(fdt, "interrupts", tirq, 12));
    CHECK(fdt_property(fdt, "always-on", NULL, 0));
    CHECK(fdt_end_node(fdt));

    /* interrupt controller */
    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VIRT_GIC_DIST);
    CHECK(fdt_begin_node(fdt, name));
    CHECK(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
    CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
    CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
    CHECK(fdt_property_u32(fdt, "#address-cells", 2));
    CHECK(fdt_property_u32(fdt, "#size-cells", 2));
    CHECK(fdt_property(fdt, "ranges", NULL, 0));
    u32 maint[3] = {GIC_PPI, 9, IRQ_LEVEL_HIGH};
    if (o->gic_version == 2) {
        static const char gcompat[] = "arm,cortex-a15-gic";
        CHECK(fdt_property(fdt, "compatible", gcompat, sizeof(gcompat)));
        u64 greg[8] = {VIRT_GIC_DIST, 0x10000, VIRT_GIC_CPU, 0x10000,
                       VIRT_GIC_HYP, 0x10000, VIRT_GIC_VCPU, 0x10000};
        CHECK(prop_u64_pairs(fdt, "reg", greg, o->virtualization ? 8 : 4));
        maint[2] |= ((1u << m->ncpu) - 1) << 8;
    } else {
        CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
        CHECK(fdt_property_u32(fdt, "#redistributor-regions", 1));
        u64 greg[4] = {VIRT_GIC_DIST, 0x10000, VIRT_GIC_REDIST, (u64)m->ncpu * 0x20000};
        CHECK(prop_u64_pairs(fdt, "reg", greg, 4));
    }
    if (o->virtualization)
        CHECK(prop_cells(fdt, "interrupts", maint, 3));
    CHECK(fdt_end_node(fdt));

    /* APB clock for the PrimeCells */
    CHECK(fdt_begin_node(fdt, "apb-pclk"));
    CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
    CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
    CHECK(fdt_property_u32(fdt, "clock-frequency", 24000000));
    CHECK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    CHECK(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
    CHECK(fdt_end_node(fdt));

    /* PL011 UART (SPI 1) and PL031 RTC (SPI 2) */
    static const struct { const char *node; const char *compat; size_t clen; u64 base; u32 spi; } pc[] = {
        {"pl011", "arm,pl011\0arm,primecell", sizeof("arm,pl011\0arm,primecell"), VIRT_UART, VIRT_UART_SPI},
        {"pl031", "arm,pl031\0arm,primecell", sizeof("arm,pl031\0arm,primecell"), VIRT_RTC, VIRT_RTC_SPI},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(pc); i++) {
        snprintf(name, sizeof(name), "%s@%llx", pc[i].node, (unsigned long long)pc[i].base);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property(fdt, "compatible", pc[i].compat, (int)pc[i].clen));
        u64 r[2] = {pc[i].base, 0x1000};
        CHECK(prop_u64_pairs(fdt, "reg", r, 2));
        u32 irq[3] = {GIC_SPI, pc[i].spi, IRQ_LEVEL_HIGH};
        CHECK(prop_cells(fdt, "interrupts", irq, 3));
        if (i == 0) {
            u32 clk[2] = {PHANDLE_CLK, PHANDLE_CLK};
            CHECK(prop_cells(fdt, "clocks", clk, 2));
            static const char cn[] = "uartclk\0apb_pclk";
            CHECK(fdt_property(fdt, "clock-names", cn, sizeof(cn)));
        } else {
            CHECK(fdt_property_u32(fdt, "clocks", PHANDLE_CLK));
            CHECK(fdt_property_string(fdt, "clock-names", "apb_pclk"));
        }
        CHECK(fdt_end_node(fdt));
    }

    CHECK(fdt_end_node(fdt));
    CHECK(fdt_finish(fdt));
    CHECK(fdt_pack(fdt));
    *size = fdt_totalsize(fdt);
    return fdt;
fail:
    free(fdt);
    return NULL;
}
