/*
 * devices/gic/gic_dist.c — the per-INTID register banks shared by the GICv2
 * distributor, the GICv3 distributor and the GICv3 redistributor SGI frame:
 * IGROUPR, ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER,
 * IPRIORITYR, ITARGETSR, ICFGR, IGRPMODR at their architected offsets
 * (IHI 0048B 4.3, IHI 0069 8.9/8.10).
 */
#include "devices/gic/gic_dist.h"

/* Is INTID visible to this access?  Out-of-range INTIDs are RAZ/WI; with
 * two security states, Non-secure accesses see only Group 1 interrupts
 * (IHI 0069 3.6.1). */
static bool visible(Gic *g, unsigned cpu, unsigned id, unsigned lo, unsigned hi, bool secure)
{
    if (id < lo || id >= hi || id >= GIC_NIRQ)
        return false;
    return secure || !g->security || gic_irq(g, cpu, id)->group == 1;
}

bool gic_bank_read(Gic *g, unsigned cpu, u32 off, unsigned size, u64 *val, unsigned lo,
                   unsigned hi, bool secure)
{
    u64 v = 0;
    if (off >= 0x400 && off < 0x800) {            /* IPRIORITYR, byte-accessible */
        for (unsigned b = 0; b < size; b++) {
            unsigned id = off - 0x400 + b;
            if (visible(g, cpu, id, lo, hi, secure))
                v |= (u64)gic_irq(g, cpu, id)->prio << (8 * b);
        }
        *val = v;
        return true;
    }
    if (off >= 0x800 && off < 0xc00) {            /* ITARGETSR (GICv2) */
        for (unsigned b = 0; b < size; b++) {
            unsigned id = off - 0x800 + b;
            if (!visible(g, cpu, id, lo, hi, secure))
                continue;
            /* SGI/PPI bytes read as the accessing core's own bit. */
            u8 t = id < 32 ? (u8)(1u << cpu) : gic_irq(g, cpu, id)->targets;
            v |= (u64)t << (8 * b);
        }
        *val = v;
        return true;
    }
    if (size != 4)
        return false;
    if (off >= 0xc00 && off < 0xd00) {            /* ICFGR: 2 bits per INTID */
        unsigned base = (off - 0xc00) * 4;
        for (unsigned i = 0; i < 16; i++)
            if (visible(g, cpu, base + i, lo, hi, secure) && gic_irq(g, cpu, base + i)->edge)
                v |= 2u << (2 * i);
        *val = v;
        return true;
    }
    unsigned kind = off >> 7;   /* 1 IGROUPR .. 7 ICACTIVER, 0x1a IGRPMODR */
    unsigned base = (off & 0x7f) * 8;
    if (off < 0x80 || (off >= 0x400 && !(off >= 0xd00 && off < 0xd80)))
        return false;
    for (unsigned i = 0; i < 32; i++) {
        unsigned id = base + i;
        if (!visible(g, cpu, id, lo, hi, secure))
            continue;
        GicIrq *q = gic_irq(g, cpu, id);
        bool bit;
        switch (kind) {
        case 1: bit = q->group; break;
        case 2: case 3: bit = q->enabled; break;
        case 4: case 5: bit = gic_irq_pending(g, cpu, id); break;
        case 6: case 7: bit = q->active; break;
        case 0x1a: bit = q->grpmod; break;
        default: bit = false; break;
        }
        if (kind == 1 && !secure && g->security)
            bit = false;   /* IGROUPR is RAZ/WI to Non-secure accesses */
        if (kind == 0x1a && !secure && g->security)
            bit = false;
        v |= (u64)bit << i;
    }
    *val = v;
    return true;
}

bool gic_bank_write(Gic *g, unsigned cpu, u32 off, unsigned size, u64 val, unsigned lo,
                    unsigned hi, bool secure)
{
    if (off >= 0x400 && off < 0x800) {
        for (unsigned b = 0; b < size; b++) {
            unsigned id = off - 0x400 + b;
            if (visible(g, cpu, id, lo, hi, secure))
                gic_irq(g, cpu, id)->prio = (u8)(val >> (8 * b)) & GIC_PRIO_MASK;
        }
        gic_update_all(g);
        return true;
    }
    if (off >= 0x800 && off < 0xc00) {
        for (unsigned b = 0; b < size; b++) {
            unsigned id = off - 0x800 + b;
            if (id >= 32 && visible(g, cpu, id, lo, hi, secure))
                gic_irq(g, cpu, id)->targets = (u8)(val >> (8 * b)) & (u8)((1u << g->ncpu) - 1);
        }
        gic_update_all(g);
        return true;
    }
    if (size != 4)
        return false;
    if (off >= 0xc00 && off < 0xd00) {
        unsigned base = (off - 0xc00) * 4;
        for (unsigned i = 0; i < 16; i++) {
            unsigned id = base + i;
            if (id >= 16 && visible(g, cpu, id, lo, hi, secure))   /* SGI config is read-only */
                gic_irq(g, cpu, id)->edge = (val >> (2 * i + 1)) & 1;
        }
        gic_update_all(g);
        return true;
    }
    unsigned kind = off >> 7;
    unsigned base = (off & 0x7f) * 8;
    if (off < 0x80 || (off >= 0x400 && !(off >= 0xd00 && off < 0xd80)))
        return false;
    for (unsigned i = 0; i < 32; i++) {
        unsigned id = base + i;
        bool bit = (val >> i) & 1;
        if (!visible(g, cpu, id, lo, hi, secure))
            continue;
        GicIrq *q = gic_irq(g, cpu, id);
        switch (kind) {
        case 1: if (secure || !g->security) q->group = bit; break;
        case 2: if (bit) q->enabled = 1; break;
        case 3: if (bit) q->enabled = 0; break;
        case 4: if (bit) gic_set_pending(g, cpu, id, true); break;
        case 5: if (bit) gic_set_pending(g, cpu, id, false); break;
        case 6: if (bit) q->active = 1; break;
        case 7: if (bit) q->active = 0; break;
        case 0x1a: if (secure || !g->security) q->grpmod = bit; break;
        default: break;
        }
    }
    gic_update_all(g);
    return true;
}
