/*
 * devices/gic/gic.c — the GIC as a device of the machine: creation from the
 * board's configuration, reset values, the interrupt-controller device-tree
 * node, registry entry and the hooks it installs.  The interrupt engine is
 * gic_core.c; the memory-mapped front ends gicv2.c and gicv3.c; the GICv3
 * system-register CPU interface gicv3_cpuif.c.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/sysreg.h"
#include "devices/gic/gic_internal.h"

/* MachineHooks.async_refresh: recompute when the core crossed between
 * Non-secure EL0-2 and EL3/Secure (cheap test, rare recomputation). */
static void gic_async_refresh(void *opaque, Cpu *c)
{
    Gic *g = opaque;
    if ((c->el == 3 || !c->ns) != g->cpu[c->index].sec_signal)
        gic_update_cpu(g, c->index);
}

/* MachineHooks.irq_refresh. */
static void gic_irq_refresh(void *opaque, Cpu *c)
{
    gic_update_cpu(opaque, c->index);
}

/* Reset values (IHI 0048B 4.3, IHI 0069 8.9/12.1): everything zero (all
 * interrupts Group 0, disabled, inactive, priority 0) except SGIs
 * edge-triggered, minimum binary points, the GICv3 system register enables
 * and GICR_WAKER asleep, GICv2 SGIs enabled. */
static void reset_fields(Gic *g)
{
    g->ctlr = 0;
    memset(g->irq, 0, sizeof(g->irq));
    memset(g->cpu, 0, sizeof(g->cpu));
    for (unsigned c = 0; c < g->ncpu; c++) {
        GicCpu *gc = &g->cpu[c];
        for (unsigned i = 0; i < 16; i++)
            gc->priv[i].edge = 1;     /* SGIs are edge-triggered */
        gc->bpr[0] = 2;               /* minimum binary points for 5 priority bits */
        gc->bpr[1] = 3;
        gc->sre_el1 = 7;                                  /* SRE RAO, DFB/DIB */
        gc->sre_el2 = 0xf;                                 /* + Enable */
        gc->sre_el3 = 0xf;
        gc->waker = 6;                                     /* ProcessorSleep, ChildrenAsleep */
    }
    if (g->version == 2)
        gicv2_reset(g);
}

/* DeviceOps.reset: reset values, then drive the cores' lines from them. */
static void gic_reset(void *opaque)
{
    Gic *g = opaque;
    reset_fields(g);
    gic_update_all(g);
}

/* The interrupt-controller node as QEMU virt writes it. */
static int gic_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    Gic *g = opaque;
    const GicConfig *cfg = &g->cfg;
    char name[64];
    int r;
    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)cfg->dist_base);
    if ((r = fdt_begin_node(fdt, name)) < 0 || (r = fdt_property_u32(fdt, "phandle", ctx->intc_phandle)) < 0 ||
        (r = fdt_property_u32(fdt, "#interrupt-cells", 3)) < 0 ||
        (r = fdt_property(fdt, "interrupt-controller", NULL, 0)) < 0 ||
        (r = fdt_property_u32(fdt, "#address-cells", 2)) < 0 ||
        (r = fdt_property_u32(fdt, "#size-cells", 2)) < 0 || (r = fdt_property(fdt, "ranges", NULL, 0)) < 0)
        return r;
    u32 maint[3] = {FDT_GIC_PPI, GIC_MAINT_PPI - 16, FDT_IRQ_LEVEL_HIGH};
    if (g->version == 2) {
        static const char gcompat[] = "arm,cortex-a15-gic";
        u64 greg[8] = {cfg->dist_base, 0x10000, cfg->cpu_base, 0x10000,
                       cfg->hyp_base, 0x10000, cfg->vcpu_base, 0x10000};
        if ((r = fdt_property(fdt, "compatible", gcompat, sizeof(gcompat))) < 0 ||
            (r = fdt_prop_u64s(fdt, "reg", greg, cfg->virtualization ? 8 : 4)) < 0)
            return r;
        /* QEMU writes the maintenance PPI without a CPU mask. */
    } else {
        /* The whole redistributor region, as QEMU (frames end at GICR_TYPER.Last). */
        u64 greg[4] = {cfg->dist_base, 0x10000, cfg->redist_base,
                       cfg->redist_size ? cfg->redist_size : (u64)g->ncpu * 0x20000};
        if ((r = fdt_property_string(fdt, "compatible", "arm,gic-v3")) < 0 ||
            (r = fdt_property_u32(fdt, "#redistributor-regions", 1)) < 0 ||
            (r = fdt_prop_u64s(fdt, "reg", greg, 4)) < 0)
            return r;
    }
    if (cfg->virtualization && (r = fdt_prop_cells(fdt, "interrupts", maint, 3)) < 0)
        return r;
    return fdt_end_node(fdt);
}

static void gic_destroy(void *opaque)
{
    Gic *g = opaque;
    Machine *m = g->m;
    if (m->hooks.intc_opaque == g) {
        m->hooks.irq_refresh = NULL;
        m->hooks.async_refresh = NULL;
        m->hooks.intc_opaque = NULL;
    }
    if (m->gic == g) {
        m->gic = NULL;
        m->gic_sysregs = false;
    }
    free(g);
}

static void gic_save_op(void *opaque, SaveBuf *b) { gic_save(opaque, b); }
static bool gic_load_op(void *opaque, LoadBuf *b) { return gic_load(opaque, b); }

static const DeviceOps gicv2_ops = {
    .type = "gicv2",
    .version = GIC_SAVE_VERSION,
    .reset = gic_reset,
    .fdt_node = gic_fdt,
    .save = gic_save_op,
    .load = gic_load_op,
    .destroy = gic_destroy,
};

static const DeviceOps gicv3_ops = {
    .type = "gicv3",
    .version = GIC_SAVE_VERSION,
    .reset = gic_reset,
    .fdt_node = gic_fdt,
    .save = gic_save_op,
    .load = gic_load_op,
    .destroy = gic_destroy,
};

bool gic_create(Machine *m, const GicConfig *cfg)
{
    int version = cfg->version;
    if (version != 2 && version != 3) {
        hs_log("hyperstep: gic-version=%d is not supported (2 or 3)", version);
        return false;
    }
    if (version == 2 && m->ncpu > 8) {
        hs_log("hyperstep: GICv2 supports at most 8 cores (have %u)", m->ncpu);
        return false;
    }
    Gic *g = calloc(1, sizeof(*g));
    if (!g)
        return false;
    g->m = m;
    g->cfg = *cfg;
    g->version = version;
    g->security = cfg->security;
    g->ncpu = m->ncpu;
    reset_fields(g);
    char name[32];
    snprintf(name, sizeof(name), "gicv%d@%llx", version, (unsigned long long)cfg->dist_base);
    Device *d = machine_add_device(m, version == 2 ? &gicv2_ops : &gicv3_ops, g, name);
    if (!d) {
        free(g);
        return false;
    }
    device_add_irq(d, GIC_MAINT_PPI);
    m->gic = g;
    if (version == 2 ? !gicv2_map(g, d, cfg) : !gicv3_map(g, d, cfg))
        return false;   /* the registry frees G */
    /* The ICC_* and ICH_* rows answer UNDEFINED without a GICv3 (m->gic_sysregs),
     * as they always did: the table is added for both versions. */
    if (!sysreg_add_table(m, &sysregs_gicv3))
        return false;
    if (version == 3)
        m->gic_sysregs = true;
    m->hooks.irq_refresh = gic_irq_refresh;
    m->hooks.intc_opaque = g;
    if (version == 3 && cfg->security)
        m->hooks.async_refresh = gic_async_refresh;
    return true;
}
