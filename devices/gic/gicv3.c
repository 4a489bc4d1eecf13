/*
 * devices/gic/gicv3.c — GICv3 distributor (always affinity routed:
 * GICD_CTLR.ARE_S/ARE_NS are RAO/WI, as in QEMU) and redistributors, one per
 * core, each an RD_base frame plus an SGI_base frame at +64 KiB
 * (IHI 0069 chapters 8.9 GICD_*, 8.10/8.11 GICR_*).  No LPIs, no ITS.
 */
#include "devices/gic/gic_dist.h"

#define GICR_STRIDE 0x20000u

/* Identification registers 0xffd0-0xfffc (IHI 0069 8.1.1): PIDR4..7,
 * PIDR0..3, CIDR0..3; PIDR2.ArchRev = 3. */
static bool id_reg(u32 off, u64 *val)
{
    static const u8 ids[12] = {0x44, 0, 0, 0, 0x92, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    if (off < 0xffd0 || off > 0xfffc || (off & 3))
        return false;
    *val = ids[(off - 0xffd0) / 4];
    return true;
}

static bool is_secure(const Gic *g, const Cpu *c)
{
    return !g->security || !c || c->el == 3 || !c->ns;
}

static unsigned cpu_of(const Cpu *c)
{
    return c ? c->index : 0;
}

static bool gicd_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Gic *g = opaque;
    bool sec = is_secure(g, c);
    if (off >= 0x6000 && off < 0x6000 + 8 * GIC_NIRQ) {        /* GICD_IROUTER<n> */
        unsigned id = (unsigned)((off - 0x6000) / 8);
        u64 r = id >= 32 && (sec || g->irq[id].group) ? g->irq[id].route : 0;
        *val = size == 8 ? r : (off & 4) ? r >> 32 : (u32)r;
        return size == 8 ? !(off & 7) : size == 4;
    }
    if (off >= 0x80 && off < 0xd80)
        return gic_bank_read(g, cpu_of(c), (u32)off, size, val, 32, GIC_NIRQ, sec);
    if (size != 4)
        return false;
    switch (off) {
    case 0x0:   /* GICD_CTLR */
        if (!g->security)
            *val = (g->ctlr & 3) | 1u << 4 | 1u << 6;   /* DS=1: one security state */
        else if (sec)
            *val = (g->ctlr & 7) | 1u << 4 | 1u << 5;
        else
            *val = (g->ctlr >> 1 & 1) | (g->ctlr & 2) | 1u << 4;
        return true;
    case 0x4:
        /* GICD_TYPER (IHI 0069 8.9.25) as QEMU 7.2's: No1N=1 (no 1-of-N
         * SPIs), A3V=1, IDbits=15 (16-bit INTIDs), SecurityExtn, LPIS=0
         * (no LPIs here), ITLinesNumber = SPIs / 32 - 1 = 7 for QEMU
         * virt's 256 SPIs: QEMU 7.2 counts the SPIs alone, so INTIDs
         * 256..287 are implemented but not advertised. */
        *val = ((GIC_NIRQ - 32) / 32 - 1) | (g->security ? 1u << 10 : 0) | 15u << 19 | 1u << 24 | 1u << 25;
        return true;
    case 0x8: *val = 0x43b; return true;   /* GICD_IIDR: Arm */
    case 0x10: *val = 0; return true;      /* GICD_STATUSR */
    default:
        if (id_reg((u32)off, val))
            return true;
        *val = 0;   /* reserved / RAZ */
        return true;
    }
}

static bool gicd_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Gic *g = opaque;
    bool sec = is_secure(g, c);
    if (off >= 0x6000 && off < 0x6000 + 8 * GIC_NIRQ) {
        unsigned id = (unsigned)((off - 0x6000) / 8);
        if (id < 32 || !(sec || g->irq[id].group))
            return true;
        u64 *r = &g->irq[id].route;
        if (size == 8)
            *r = val;
        else if (size == 4)
            *r = (off & 4) ? (*r & 0xffffffffull) | val << 32 : (*r & ~0xffffffffull) | (u32)val;
        else
            return false;
        *r &= 0xff80ffffffull;   /* Aff3, IRM, Aff2..0 */
        gic_update_all(g);
        return true;
    }
    if (off >= 0x80 && off < 0xd80)
        return gic_bank_write(g, cpu_of(c), (u32)off, size, val, 32, GIC_NIRQ, sec);
    if (size != 4)
        return false;
    if (off == 0x0) {
        if (!g->security || sec)
            g->ctlr = (u32)val & (g->security ? 7u : 3u);
        else
            g->ctlr = (g->ctlr & ~2u) | ((u32)val & 1u) << 1;   /* NS view: bit0 = EnableGrp1NS */
        gic_update_all(g);
    }
    return true;   /* read-only and reserved registers: writes ignored */
}

static bool gicr_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Gic *g = opaque;
    unsigned n = (unsigned)(off / GICR_STRIDE);
    u32 o = (u32)(off % GICR_STRIDE);
    bool sec = is_secure(g, c);
    if (n >= g->ncpu)
        return false;
    if (o >= 0x10000) {   /* SGI_base frame */
        o -= 0x10000;
        if (o >= 0x80 && o < 0xd80)
            return gic_bank_read(g, n, o, size, val, 0, 32, sec);
        *val = 0;   /* NSACR and reserved: RAZ (no Secure Group 1 access control) */
        return size == 4;
    }
    if (o == 0x8) {   /* GICR_TYPER, 64-bit */
        u64 mp = g->m->cpu[n]->mpidr_el1;
        u64 aff = (mp & 0xffffff) | ((mp >> 32) & 0xff) << 24;
        /* GICR_TYPER (IHI 0069 9.11.35) as QEMU 7.2's: Affinity_Value,
         * CommonLPIAff=0b01, Processor_Number, Last; PLPIS=0 (no LPIs). */
        u64 t = aff << 32 | 1u << 24 | (u64)n << 8 | (n == g->ncpu - 1 ? 1u << 4 : 0);
        *val = size == 8 ? t : (u32)t;
        return size == 8 || size == 4;
    }
    if (o == 0xc && size == 4) {
        u64 mp = g->m->cpu[n]->mpidr_el1;
        *val = (mp & 0xffffff) | ((mp >> 32) & 0xff) << 24;
        return true;
    }
    if (size != 4)
        return false;
    switch (o) {
    case 0x0: *val = 0; return true;        /* GICR_CTLR: no LPIs */
    case 0x4: *val = 0x43b; return true;    /* GICR_IIDR */
    case 0x14: *val = g->cpu[n].waker; return true;
    default:
        if (id_reg(o, val))
            return true;
        *val = 0;
        return true;
    }
}

static bool gicr_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Gic *g = opaque;
    unsigned n = (unsigned)(off / GICR_STRIDE);
    u32 o = (u32)(off % GICR_STRIDE);
    if (n >= g->ncpu)
        return false;
    if (o >= 0x10000) {
        o -= 0x10000;
        if (o >= 0x80 && o < 0xd80)
            return gic_bank_write(g, n, o, size, val, 0, 32, is_secure(g, c));
        return size == 4;
    }
    if (size != 4 && !(o == 0x8 && size == 8))
        return false;
    if (o == 0x14) {
        /* GICR_WAKER: ChildrenAsleep follows ProcessorSleep at once. */
        u32 ps = (u32)val & 2u;
        g->cpu[n].waker = ps | (ps << 1);
    }
    return true;
}

bool gicv3_map(Gic *g, Device *d, const GicConfig *cfg)
{
    Machine *m = g->m;
    return device_map_mmio(m, d, "gicv3-dist", cfg->dist_base, 0x10000, gicd_read, gicd_write, false) &&
           device_map_mmio(m, d, "gicv3-redist", cfg->redist_base, (u64)g->ncpu * GICR_STRIDE,
                           gicr_read, gicr_write, false);
}
