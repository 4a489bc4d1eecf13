/*
 * devices/gic/gicv2.c — GICv2 memory-mapped frames (IHI 0048B chapter 4 and
 * 5.3): distributor, CPU interface (banked by the accessing core), and the
 * Virtualization Extensions' GICH (hypervisor control, banked per core) and
 * GICV (the virtual CPU interface a guest sees).  With the Security
 * Extensions, Secure accesses see the Secure/common register views and
 * Non-secure ones the Non-secure views (Group 1 only).
 */
#include "devices/gic/gic_dist.h"

/* GICC_CTLR, Secure layout (kept raw in GicCpu.ctlr_el3). */
enum {
    CC_EN0 = 1u << 0, CC_EN1 = 1u << 1, CC_ACKCTL = 1u << 2, CC_FIQEN = 1u << 3, CC_CBPR = 1u << 4,
    CC_EOIS = 1u << 9, CC_EOINS = 1u << 10,
};

static const u8 ids_v2[12] = {0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static bool is_secure(const Gic *g, const Cpu *c)
{
    return !g->security || !c || c->el == 3 || !c->ns;
}

static unsigned cpu_of(const Cpu *c) { return c ? c->index : 0; }

static bool id_reg(u64 off, u64 *val)
{
    if (off < 0xfd0 || off > 0xffc || (off & 3))
        return false;
    *val = ids_v2[(off - 0xfd0) / 4];
    return true;
}

/* ---- distributor ---- */

static bool gicd_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Gic *g = opaque;
    bool sec = is_secure(g, c);
    unsigned cpu = cpu_of(c);
    if (off >= 0x80 && off < 0xd00)
        return gic_bank_read(g, cpu, (u32)off, size, val, 0, GIC_NIRQ, sec);
    if (off >= 0xf10 && off < 0xf30) {   /* CPENDSGIR / SPENDSGIR: byte per SGI */
        u64 v = 0;
        unsigned first = (unsigned)(off & 0xf);
        for (unsigned b = 0; b < size && first + b < 16; b++)
            v |= (u64)g->cpu[cpu].sgi_src[first + b] << (8 * b);
        *val = v;
        return true;
    }
    if (size != 4)
        return false;
    switch (off) {
    case 0x0:
        *val = sec ? (g->ctlr & 3) : (g->ctlr >> 1) & 1;
        return true;
    case 0x4:   /* GICD_TYPER: ITLinesNumber, CPUNumber, SecurityExtn */
        *val = (GIC_NIRQ / 32 - 1) | (g->ncpu - 1) << 5 | (g->security ? 1u << 10 : 0);
        return true;
    case 0x8: *val = 0x43b; return true;   /* GICD_IIDR: implementer Arm, product/revision 0, as QEMU 7.2 */
    case 0xf00: *val = 0; return true;          /* GICD_SGIR is write-only */
    default:
        if (id_reg(off, val))
            return true;
        *val = 0;
        return true;
    }
}

static bool gicd_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Gic *g = opaque;
    bool sec = is_secure(g, c);
    unsigned cpu = cpu_of(c);
    if (off >= 0x80 && off < 0xd00)
        return gic_bank_write(g, cpu, (u32)off, size, val, 0, GIC_NIRQ, sec);
    if (off >= 0xf10 && off < 0xf30) {
        unsigned first = (unsigned)(off & 0xf);
        bool set = off >= 0xf20;
        for (unsigned b = 0; b < size && first + b < 16; b++) {
            u8 m = (u8)(val >> (8 * b));
            if (set)
                g->cpu[cpu].sgi_src[first + b] |= m;
            else
                g->cpu[cpu].sgi_src[first + b] &= (u8)~m;
        }
        gic_update_cpu(g, cpu);
        return true;
    }
    if (size != 4)
        return false;
    if (off == 0x0) {
        if (sec)
            g->ctlr = (u32)val & 3;
        else
            g->ctlr = (g->ctlr & ~2u) | ((u32)val & 1) << 1;
        gic_update_all(g);
    } else if (off == 0xf00) {   /* GICD_SGIR (IHI 0048B 4.3.15) */
        unsigned id = val & 15, filter = (val >> 24) & 3;
        u32 targets = (val >> 16) & 0xff;
        if (filter == 1)
            targets = ((1u << g->ncpu) - 1) & ~(1u << cpu);
        else if (filter == 2)
            targets = 1u << cpu;
        else if (filter == 3)
            return true;
        /* Security: Non-secure writes, or Secure with NSATT=1, only
         * forward the SGI where it is Group 1; Secure NSATT=0: Group 0. */
        unsigned want = !sec || ((val >> 15) & 1);
        for (unsigned t = 0; t < g->ncpu; t++) {
            if (!((targets >> t) & 1))
                continue;
            if (g->security && g->cpu[t].priv[id].group != want)
                continue;
            g->cpu[t].sgi_src[id] |= (u8)(1u << cpu);
            gic_update_cpu(g, t);
        }
    }
    return true;
}

/* ---- CPU interface ---- */

static void sync_ctlr(GicCpu *gc)
{
    u32 v = (u32)gc->ctlr_el3;
    gc->grpen[0] = v & CC_EN0;
    gc->grpen[1] = (v & CC_EN1) != 0;
    gc->ackctl = (v & CC_ACKCTL) != 0;
    gc->fiqen = (v & CC_FIQEN) != 0;
    gc->cbpr = (v & CC_CBPR) != 0;
}

/* Secure IAR/HPPIR: a Group 1 winner with AckCtl=0 reads as 1022. */
static unsigned sec_pending_id(Gic *g, unsigned cpu, bool ack)
{
    GicCpu *gc = &g->cpu[cpu];
    unsigned id = gic_hppi(g, cpu, 3, NULL);
    if (id != GIC_SPURIOUS && gic_irq(g, cpu, id)->group == 1 && !gc->ackctl)
        return 1022;
    if (!ack)
        return id;
    return gic_ack(g, cpu, gc->ackctl ? 3 : 1);
}

static bool gicc_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Gic *g = opaque;
    unsigned cpu = cpu_of(c);
    GicCpu *gc = &g->cpu[cpu];
    bool sec = is_secure(g, c);
    if (size != 4)
        return false;
    switch (off) {
    case 0x00: {
        u32 v = (u32)gc->ctlr_el3;
        *val = sec ? v : ((v >> 1) & 1) | ((v >> 10) & 1) << 9;
        return true;
    }
    case 0x04: *val = gc->pmr; return true;
    case 0x08: *val = sec ? gc->bpr[0] : gc->bpr[1]; return true;
    case 0x0c: *val = sec ? sec_pending_id(g, cpu, true) : gic_ack(g, cpu, 2); return true;
    case 0x14: { unsigned p = gic_running_prio(gc->ap); *val = p > 0xff ? 0xff : p; return true; }
    case 0x18: *val = sec ? sec_pending_id(g, cpu, false) : gic_hppi(g, cpu, 2, NULL); return true;
    case 0x1c: *val = gc->bpr[1]; return true;
    case 0x20: *val = gic_ack(g, cpu, 2); return true;
    case 0x28: *val = gic_hppi(g, cpu, 2, NULL); return true;
    case 0xd0: *val = sec ? gc->ap[0] : gc->ap[1]; return true;
    case 0xe0: *val = gc->ap[1]; return true;
    case 0xfc: *val = 0x0202043b; return true;   /* GICC_IIDR: Arm, GICv2 */
    default:
        *val = 0;
        return true;
    }
}

static bool gicc_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Gic *g = opaque;
    unsigned cpu = cpu_of(c);
    GicCpu *gc = &g->cpu[cpu];
    bool sec = is_secure(g, c);
    if (size != 4)
        return false;
    switch (off) {
    case 0x00:
        if (sec) {
            gc->ctlr_el3 = val & 0x7ff;
        } else {
            /* Non-secure view: EnableGrp1 (bit0), EOImodeNS (bit9). */
            u32 v = (u32)gc->ctlr_el3 & ~(CC_EN1 | CC_EOINS);
            gc->ctlr_el3 = v | (val & 1 ? CC_EN1 : 0) | ((val >> 9) & 1 ? CC_EOINS : 0);
        }
        sync_ctlr(gc);
        break;
    case 0x04: gc->pmr = (u8)(val & GIC_PRIO_MASK); break;
    case 0x08:
        if (sec)
            gc->bpr[0] = (u8)((val & 7) < 2 ? 2 : val & 7);
        else
            gc->bpr[1] = (u8)((val & 7) < 3 ? 3 : val & 7);
        break;
    case 0x1c: gc->bpr[1] = (u8)((val & 7) < 3 ? 3 : val & 7); break;
    case 0x10: case 0x24:
        /* EOImodeS applies to Secure accesses, EOImodeNS to Non-secure and
         * to AEOIR (IHI 0048B 4.4.1). */
        gc->eoimode = (sec && off == 0x10) ? (gc->ctlr_el3 & CC_EOIS) != 0 : (gc->ctlr_el3 & CC_EOINS) != 0;
        gic_eoi(g, cpu, (unsigned)val & 0x3ff);
        return true;
    case 0xd0: if (sec) gc->ap[0] = (u32)val; else gc->ap[1] = (u32)val; break;
    case 0xe0: gc->ap[1] = (u32)val; break;
    case 0x1000: gic_deactivate(g, cpu, (unsigned)val & 0x3ff); return true;   /* GICC_DIR */
    default: return true;
    }
    gic_update_cpu(g, cpu);
    return true;
}

/* ---- GICH: hypervisor control of core's virtual interface ---- */

/* GICv2 GICH_LR <-> internal ICH_LR layout. */
static u64 lr_from_v2(u32 v)
{
    return (u64)(v & 0x3ff) | (u64)((v >> 10) & 0x3ff) << 32 | (u64)(((v >> 23) & 31) << 3) << 48 |
           (u64)((v >> 30) & 1) << 60 | (u64)((v >> 31) & 1) << 61 | (u64)((v >> 28) & 3) << 62;
}

static u32 lr_to_v2(u64 lr)
{
    return (LR_VINTID(lr) & 0x3ff) | LR_PINTID(lr) << 10 | ((LR_PRIO(lr) >> 3) & 31) << 23 |
           LR_STATE(lr) << 28 | LR_GROUP(lr) << 30 | (lr & LR_HW ? 1u << 31 : 0);
}

static bool gich_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Gic *g = opaque;
    GicVif *v = &g->cpu[cpu_of(c)].v;
    if (size != 4)
        return false;
    if (off >= 0x100 && off < 0x100 + 4 * GIC_NLR) {
        *val = lr_to_v2(v->lr[(off - 0x100) / 4]);
        return true;
    }
    switch (off) {
    case 0x00: *val = (u32)v->hcr; return true;
    case 0x04: *val = (GIC_NLR - 1) | 4u << 26 | 4u << 29; return true;   /* GICH_VTR */
    case 0x08: *val = (u32)v->vmcr; return true;
    case 0x10: *val = gic_vmisr(v); return true;
    case 0x20: *val = gic_veisr(v); return true;
    case 0x30: *val = gic_velrsr(v); return true;
    case 0xf0: *val = v->ap[0] | v->ap[1]; return true;
    default: *val = 0; return true;
    }
}

static bool gich_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Gic *g = opaque;
    unsigned cpu = cpu_of(c);
    GicVif *v = &g->cpu[cpu].v;
    if (size != 4)
        return false;
    if (off >= 0x100 && off < 0x100 + 4 * GIC_NLR) {
        v->lr[(off - 0x100) / 4] = lr_from_v2((u32)val);
    } else if (off == 0x00) {
        v->hcr = val & (0xffull | 31ull << 27);
    } else if (off == 0x08) {
        /* Same layout as ICH_VMCR_EL2 (VMPriMask [31:27] = priority [7:3]). */
        u64 m = VMCR_VENG0 | VMCR_VENG1 | VMCR_VACKCTL | VMCR_VFIQEN | VMCR_VCBPR | VMCR_VEOIM |
                7u << 18 | 7u << 21 | 0xf8ull << 24;
        v->vmcr = val & m;
        if (VMCR_VBPR0(v->vmcr) < 2)
            v->vmcr = (v->vmcr & ~(7ull << 21)) | 2ull << 21;
        if (VMCR_VBPR1(v->vmcr) < 3)
            v->vmcr = (v->vmcr & ~(7ull << 18)) | 3ull << 18;
    } else if (off == 0xf0) {
        v->ap[0] = (u32)val;
        v->ap[1] = 0;
    }
    gic_update_cpu(g, cpu);
    return true;
}

/* ---- GICV: the virtual CPU interface (GICC layout) ---- */

static bool gicv_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Gic *g = opaque;
    unsigned cpu = cpu_of(c);
    GicVif *v = &g->cpu[cpu].v;
    if (size != 4)
        return false;
    switch (off) {
    case 0x00: *val = v->vmcr & 0x21f; return true;
    case 0x04: *val = VMCR_VPMR(v->vmcr) & GIC_PRIO_MASK; return true;
    case 0x08: *val = VMCR_VBPR0(v->vmcr); return true;
    case 0x1c: *val = VMCR_VBPR1(v->vmcr); return true;
    case 0x0c: case 0x18: {
        /* Group 1 winner with AckCtl=0 reads as 1022 (IHI 0048B 5.3). */
        unsigned i = gic_vhppi_lr(g, cpu, 3);
        if (i < GIC_NLR && LR_GROUP(v->lr[i]) == 1 && !(v->vmcr & VMCR_VACKCTL)) {
            *val = 1022;
            return true;
        }
        if (off == 0x18) {
            *val = i < GIC_NLR ? LR_VINTID(v->lr[i]) : GIC_SPURIOUS;
            return true;
        }
        *val = gic_vack(g, cpu, (v->vmcr & VMCR_VACKCTL) ? 3 : 1);
        return true;
    }
    case 0x20: *val = gic_vack(g, cpu, 2); return true;
    case 0x28: {
        unsigned i = gic_vhppi_lr(g, cpu, 2);
        *val = i < GIC_NLR ? LR_VINTID(v->lr[i]) : GIC_SPURIOUS;
        return true;
    }
    case 0x14: { unsigned p = gic_vrunning_prio(v); *val = p > 0xff ? 0xff : p; return true; }
    case 0xd0: *val = v->ap[0] | v->ap[1]; return true;
    case 0xfc: *val = 0x0202043b; return true;
    default: *val = 0; return true;
    }
}

static bool gicv_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Gic *g = opaque;
    unsigned cpu = cpu_of(c);
    GicVif *v = &g->cpu[cpu].v;
    if (size != 4)
        return false;
    switch (off) {
    case 0x00: v->vmcr = (v->vmcr & ~0x21full) | (val & 0x21f); break;
    case 0x04: v->vmcr = (v->vmcr & ~(0xffull << 24)) | (val & GIC_PRIO_MASK) << 24; break;
    case 0x08: v->vmcr = (v->vmcr & ~(7ull << 21)) | (u64)((val & 7) < 2 ? 2 : val & 7) << 21; break;
    case 0x1c: v->vmcr = (v->vmcr & ~(7ull << 18)) | (u64)((val & 7) < 3 ? 3 : val & 7) << 18; break;
    case 0x10: case 0x24: gic_veoi(g, cpu, (unsigned)val & 0x3ff); return true;
    case 0xd0: v->ap[0] = (u32)val; v->ap[1] = 0; break;   /* GICV_APR0 = GICH_APR */
    case 0x1000: gic_vdeactivate(g, cpu, (unsigned)val & 0x3ff); return true;
    default: return true;
    }
    gic_update_cpu(g, cpu);
    return true;
}

/* Initial state of the GICv2-specific fields (after the common reset). */
void gicv2_reset(Gic *g)
{
    for (unsigned c = 0; c < g->ncpu; c++)
        for (unsigned i = 0; i < 16; i++)
            g->cpu[c].priv[i].enabled = 1;   /* SGIs enabled at reset (as QEMU) */
    for (unsigned i = 32; i < GIC_NIRQ; i++)
        g->irq[i].targets = 0;
}

bool gicv2_map(Gic *g, Device *d, const GicConfig *cfg)
{
    Machine *m = g->m;
    return device_map_mmio(m, d, "gicv2-dist", cfg->dist_base, 0x10000, gicd_read, gicd_write, false) &&
           device_map_mmio(m, d, "gicv2-cpu", cfg->cpu_base, 0x10000, gicc_read, gicc_write, false) &&
           device_map_mmio(m, d, "gicv2-hyp", cfg->hyp_base, 0x10000, gich_read, gich_write, false) &&
           device_map_mmio(m, d, "gicv2-vcpu", cfg->vcpu_base, 0x10000, gicv_read, gicv_write, false);
}
