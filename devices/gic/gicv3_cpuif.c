/*
 * devices/gic/gicv3_cpuif.c — the GICv3 CPU interface system registers:
 * ICC_* (physical interface), ICV_* behaviour seen by Non-secure EL1 when
 * HCR_EL2.IMO/FMO route interrupts to EL2, and ICH_* (the hypervisor's view
 * of the virtual interface, list registers, maintenance status).
 * IHI 0069 chapters 12.2 (ICC), 12.3 (ICV), 12.4 (ICH); trap rules from the
 * registers' "Configurations"/access pseudocode.
 */
#include "cpu/regs.h"
#include "cpu/sysreg.h"
#include "devices/gic/gic_internal.h"
#include "exceptions/route.h"

/* Which group a register belongs to, for IMO/FMO virtualisation and traps. */
enum { KG0, KG1, KCOMMON, KSGI, KOTHER };

static Gic *gic_of(Cpu *c) { return c->m->gic; }
static GicCpu *gcpu(Cpu *c) { return &gic_of(c)->cpu[c->index]; }

/* Register kind per row, kept in the row's resetval (unused otherwise). */
static unsigned kind_of(const SysRegDesc *r) { return (unsigned)r->resetval; }

/* EL1 Non-secure access redirected to the virtual interface (ICV_*)? */
static bool is_virtual(const Cpu *c, unsigned kind)
{
    if (c->el != 1 || !route_el2_enabled(c))
        return false;
    bool imo = (c->hcr_el2 & HCR_EL2_IMO) != 0, fmo = (c->hcr_el2 & HCR_EL2_FMO) != 0;
    switch (kind) {
    case KG0: return fmo;
    case KG1: return imo;
    case KCOMMON: return imo || fmo;
    default: return false;
    }
}

/* Secure bank of a banked register for this access (IGRPEN1, CTLR). */
static bool secure_bank(const Cpu *c)
{
    if (!gic_of((Cpu *)c)->security)
        return false;
    return c->el == 3 ? !(c->scr_el3 & SCR_EL3_NS) : !c->ns;
}

static SrAccess acc_icc(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)isread;
    if (!c->m->gic_sysregs || !c->m->gic) {
        c->trap_reason = "no GICv3 system register interface (gic-version=2)";
        return SR_UNDEF;
    }
    unsigned k = kind_of(r);
    if (c->el == 1 && route_el2_enabled(c)) {
        u64 hcr = c->hcr_el2, ich = gcpu(c)->v.hcr;
        if (k == KSGI && (hcr & (HCR_EL2_IMO | HCR_EL2_FMO))) {
            c->trap_reason = "HCR_EL2.IMO/FMO=1 (SGI generation)";
            return SR_TRAP_EL2;
        }
        if (is_virtual(c, k)) {
            if ((k == KG0 && (ich & (1u << 11))) || (k == KG1 && (ich & (1u << 12))) ||
                (k == KCOMMON && (ich & (1u << 10)))) {
                c->trap_reason = k == KG0 ? "ICH_HCR_EL2.TALL0=1" : k == KG1 ? "ICH_HCR_EL2.TALL1=1"
                                                                           : "ICH_HCR_EL2.TC=1";
                return SR_TRAP_EL2;
            }
        }
    }
    /* SCR_EL3.FIQ traps Group 0 registers, SCR_EL3.IRQ Group 1 ones, both
     * together the common and SGI registers, from EL1 (unless virtualised by
     * HCR_EL2.FMO/IMO) and EL2 to EL3 (IHI 0069 12.2, register access
     * pseudocode). */
    if (cpu_have_el3(c) && c->el < 3 && (c->el == 2 || !is_virtual(c, k))) {
        bool fiq = (c->scr_el3 & SCR_EL3_FIQ) != 0, irq = (c->scr_el3 & SCR_EL3_IRQ) != 0;
        bool trap = k == KG0 ? fiq : k == KG1 ? irq : (k == KCOMMON || k == KSGI) ? fiq && irq : false;
        if (trap) {
            c->trap_reason = k == KG0 ? "SCR_EL3.FIQ=1 (Group 0 register)" : k == KG1 ? "SCR_EL3.IRQ=1 (Group 1 register)"
                                                                           : "SCR_EL3.IRQ=FIQ=1";
            return SR_TRAP_EL3;
        }
    }
    return SR_OK;
}

/* ICC_SRE_EL1/EL2: ICC_SRE_EL2.Enable / ICC_SRE_EL3.Enable (IHI 0069 12.2.20). */
static SrAccess acc_sre(Cpu *c, const SysRegDesc *r, bool isread)
{
    SrAccess a = acc_icc(c, r, isread);
    if (a != SR_OK)
        return a;
    GicCpu *gc = gcpu(c);
    if (c->el == 1 && route_el2_enabled(c) && !(gc->sre_el2 & 8)) {
        c->trap_reason = "ICC_SRE_EL2.Enable=0";
        return SR_TRAP_EL2;
    }
    if (c->el < 3 && cpu_have_el3(c) && !(gc->sre_el3 & 8)) {
        c->trap_reason = "ICC_SRE_EL3.Enable=0";
        return SR_TRAP_EL3;
    }
    return SR_OK;
}

static unsigned grp_of(const SysRegDesc *r) { return kind_of(r) == KG1 ? 1 : 0; }

/* ---- ICC/ICV handlers ---- */

static u64 rd_pmr(Cpu *c, const SysRegDesc *r)
{
    if (is_virtual(c, kind_of(r)))
        return VMCR_VPMR(gcpu(c)->v.vmcr) & GIC_PRIO_MASK;
    return gcpu(c)->pmr;
}

static void wr_pmr(Cpu *c, const SysRegDesc *r, u64 v)
{
    GicCpu *gc = gcpu(c);
    if (is_virtual(c, kind_of(r)))
        gc->v.vmcr = (gc->v.vmcr & ~(0xffull << 24)) | (v & GIC_PRIO_MASK) << 24;
    else
        gc->pmr = (u8)(v & GIC_PRIO_MASK);
    gic_update_cpu(gic_of(c), c->index);
}

/* ICC_IAR0/HPPIR0 at EL3: INTID 1021 says the highest-priority pending
 * interrupt is Non-secure Group 1 (IHI 0069 2.2.1 special INTIDs). */
static bool el3_g1ns_special(Cpu *c, unsigned g)
{
    Gic *gic = gic_of(c);
    if (g != 0 || c->el != 3 || !gic->security)
        return false;
    unsigned id = gic_hppi(gic, c->index, 3, NULL);
    return id != GIC_SPURIOUS && gic_irq(gic, c->index, id)->group == 1;
}

static u64 rd_iar(Cpu *c, const SysRegDesc *r)
{
    unsigned g = grp_of(r);
    if (is_virtual(c, kind_of(r)))
        return gic_vack(gic_of(c), c->index, 1u << g);
    if (el3_g1ns_special(c, g))
        return 1021;
    return gic_ack(gic_of(c), c->index, 1u << g);
}

/* The EOImode that applies to the current EL/security state (ICC_CTLR_EL3
 * EOImode_EL3 bit2, EOImode_EL1S bit3, EOImode_EL1NS bit4). */
static bool cur_eoimode(Cpu *c)
{
    GicCpu *gc = gcpu(c);
    if (c->el == 3)
        return (gc->ctlr_el3 >> 2) & 1;
    return secure_bank(c) ? (gc->ctlr_el3 >> 3) & 1 : (gc->ctlr_el3 >> 4) & 1;
}

static void wr_eoir(Cpu *c, const SysRegDesc *r, u64 v)
{
    if (is_virtual(c, kind_of(r))) {
        gic_veoi(gic_of(c), c->index, (unsigned)v & 0xffffff);
        return;
    }
    gcpu(c)->eoimode = cur_eoimode(c);
    gic_eoi(gic_of(c), c->index, (unsigned)v & 0xffffff);
}

static u64 rd_hppir(Cpu *c, const SysRegDesc *r)
{
    unsigned g = grp_of(r);
    if (is_virtual(c, kind_of(r))) {
        unsigned i = gic_vhppi_lr(gic_of(c), c->index, 1u << g);
        return i < GIC_NLR ? LR_VINTID(gcpu(c)->v.lr[i]) : GIC_SPURIOUS;
    }
    if (el3_g1ns_special(c, g))
        return 1021;
    return gic_hppi(gic_of(c), c->index, 1u << g, NULL);
}

static u64 rd_bpr(Cpu *c, const SysRegDesc *r)
{
    unsigned g = grp_of(r);
    GicCpu *gc = gcpu(c);
    if (is_virtual(c, kind_of(r)))
        return g ? VMCR_VBPR1(gc->v.vmcr) : VMCR_VBPR0(gc->v.vmcr);
    return gc->bpr[g];
}

static void wr_bpr(Cpu *c, const SysRegDesc *r, u64 v)
{
    unsigned g = grp_of(r);
    GicCpu *gc = gcpu(c);
    unsigned min = g ? 3 : 2;   /* 5 priority bits: minimum binary points */
    unsigned b = (unsigned)v & 7;
    if (b < min)
        b = min;
    if (is_virtual(c, kind_of(r))) {
        unsigned sh = g ? 18 : 21;
        gc->v.vmcr = (gc->v.vmcr & ~(7ull << sh)) | (u64)b << sh;
    } else {
        gc->bpr[g] = (u8)b;
    }
    gic_update_cpu(gic_of(c), c->index);
}

static u64 rd_apr(Cpu *c, const SysRegDesc *r)
{
    unsigned g = grp_of(r);
    return is_virtual(c, kind_of(r)) ? gcpu(c)->v.ap[g] : gcpu(c)->ap[g];
}

static void wr_apr(Cpu *c, const SysRegDesc *r, u64 v)
{
    unsigned g = grp_of(r);
    if (is_virtual(c, kind_of(r)))
        gcpu(c)->v.ap[g] = (u32)v;
    else
        gcpu(c)->ap[g] = (u32)v;
    gic_update_cpu(gic_of(c), c->index);
}

static void wr_dir(Cpu *c, const SysRegDesc *r, u64 v)
{
    if (is_virtual(c, kind_of(r)))
        gic_vdeactivate(gic_of(c), c->index, (unsigned)v & 0xffffff);
    else
        gic_deactivate(gic_of(c), c->index, (unsigned)v & 0xffffff);
}

static u64 rd_rpr(Cpu *c, const SysRegDesc *r)
{
    unsigned p = is_virtual(c, kind_of(r)) ? gic_vrunning_prio(&gcpu(c)->v) : gic_running_prio(gcpu(c)->ap);
    return p > 0xff ? 0xff : p;
}

/* ICC_CTLR_EL1 read-only fields: PRIbits=4 (5 bits), IDbits=0 (16), A3V. */
#define CTLR_RO ((4u << 8) | (1u << 15))

static u64 rd_ctlr(Cpu *c, const SysRegDesc *r)
{
    GicCpu *gc = gcpu(c);
    if (is_virtual(c, kind_of(r)))
        return CTLR_RO | ((gc->v.vmcr & VMCR_VCBPR) ? 1 : 0) | ((gc->v.vmcr & VMCR_VEOIM) ? 2 : 0);
    bool s = secure_bank(c);
    u64 cbpr = (gc->ctlr_el3 >> (s ? 0 : 1)) & 1;
    u64 eoi = (gc->ctlr_el3 >> (s ? 3 : 4)) & 1;
    return CTLR_RO | cbpr | eoi << 1;
}

static void wr_ctlr(Cpu *c, const SysRegDesc *r, u64 v)
{
    GicCpu *gc = gcpu(c);
    if (is_virtual(c, kind_of(r))) {
        gc->v.vmcr = (gc->v.vmcr & ~(u64)(VMCR_VCBPR | VMCR_VEOIM)) | ((v & 1) ? VMCR_VCBPR : 0) |
                     ((v & 2) ? VMCR_VEOIM : 0);
    } else {
        bool s = secure_bank(c);
        unsigned cb = s ? 0 : 1, eo = s ? 3 : 4;
        gc->ctlr_el3 = (gc->ctlr_el3 & ~(1ull << cb | 1ull << eo)) | (v & 1) << cb | ((v >> 1) & 1) << eo;
        gc->cbpr = (gc->ctlr_el3 >> 1) & 1;   /* the Non-secure Group 1 view */
    }
    gic_update_cpu(gic_of(c), c->index);
}

static u64 rd_ctlr_el3(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    return (gcpu(c)->ctlr_el3 & 0x1f) | CTLR_RO;
}

static void wr_ctlr_el3(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    GicCpu *gc = gcpu(c);
    gc->ctlr_el3 = v & 0x1f;   /* CBPR_EL1S/NS, EOImode_EL3/EL1S/EL1NS; RM RAZ/WI */
    gc->cbpr = (gc->ctlr_el3 >> 1) & 1;
    gic_update_cpu(gic_of(c), c->index);
}

static u64 rd_igrpen(Cpu *c, const SysRegDesc *r)
{
    GicCpu *gc = gcpu(c);
    unsigned g = grp_of(r);
    if (is_virtual(c, kind_of(r)))
        return (gc->v.vmcr >> g) & 1;
    if (g == 1 && secure_bank(c))
        return gc->grpen1_s;
    return gc->grpen[g];
}

static void wr_igrpen(Cpu *c, const SysRegDesc *r, u64 v)
{
    GicCpu *gc = gcpu(c);
    unsigned g = grp_of(r);
    if (is_virtual(c, kind_of(r)))
        gc->v.vmcr = (gc->v.vmcr & ~(1ull << g)) | (v & 1) << g;
    else if (g == 1 && secure_bank(c))
        gc->grpen1_s = v & 1;
    else
        gc->grpen[g] = v & 1;
    gic_update_cpu(gic_of(c), c->index);
}

static u64 rd_igrpen1_el3(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    return (u64)gcpu(c)->grpen[1] | (u64)gcpu(c)->grpen1_s << 1;
}

static void wr_igrpen1_el3(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    gcpu(c)->grpen[1] = v & 1;
    gcpu(c)->grpen1_s = (v >> 1) & 1;
    gic_update_cpu(gic_of(c), c->index);
}

static u64 rd_sre(Cpu *c, const SysRegDesc *r)
{
    GicCpu *gc = gcpu(c);
    return r->op1 == 6 ? gc->sre_el3 : r->op1 == 4 ? gc->sre_el2 : gc->sre_el1;
}

static void wr_sre(Cpu *c, const SysRegDesc *r, u64 v)
{
    /* SRE is RAO/WI (no legacy memory-mapped interface); DFB/DIB RAO/WI;
     * Enable (EL2/EL3) writable. */
    GicCpu *gc = gcpu(c);
    if (r->op1 == 6)
        gc->sre_el3 = 7 | (v & 8);
    else if (r->op1 == 4)
        gc->sre_el2 = 7 | (v & 8);
}

/* ICC_SGI0R/SGI1R/ASGI1R (IHI 0069 12.2.21). */
static void wr_sgi(Cpu *c, const SysRegDesc *r, u64 v)
{
    Gic *g = gic_of(c);
    unsigned intid = (v >> 24) & 15;
    bool irm = (v >> 40) & 1;
    unsigned rs = (v >> 44) & 15;
    u64 aff321 = ((v >> 16) & 0xff) << 8 | ((v >> 32) & 0xff) << 16 | ((v >> 48) & 0xffull) << 32;
    /* Which configured group the generated SGI must match. */
    bool s = secure_bank(c);
    int want_group, want_mod = 0;
    if (r->op2 == 7) {
        want_group = 0;                          /* SGI0R: Group 0 */
    } else {
        bool g1s = g->security && ((r->op2 == 5) == s);   /* SGI1R: own state; ASGI1R: the other */
        want_group = g1s ? 0 : 1;
        want_mod = g1s;
    }
    for (unsigned t = 0; t < g->ncpu; t++) {
        u64 mp = c->m->cpu[t]->mpidr_el1;
        bool hit;
        if (irm) {
            hit = t != c->index;
        } else {
            u64 taff = (mp & 0xffff00) | ((mp >> 32) & 0xff) << 32;
            unsigned a0 = mp & 0xff;
            hit = taff == aff321 && a0 / 16 == rs && ((v >> (a0 % 16)) & 1);
        }
        GicIrq *q = &g->cpu[t].priv[intid];
        if (!hit || q->group != want_group || (want_group == 0 && g->security && q->grpmod != want_mod))
            continue;
        q->latch = 1;
        gic_update_cpu(g, t);
    }
}

/* ---- ICH_* (hypervisor) ---- */

static GicVif *vif(Cpu *c) { return &gcpu(c)->v; }

static SrAccess acc_ich(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (!c->m->gic_sysregs || !c->m->gic) {
        c->trap_reason = "no GICv3 system register interface (gic-version=2)";
        return SR_UNDEF;
    }
    return SR_OK;
}

static u64 rd_ich(Cpu *c, const SysRegDesc *r)
{
    GicVif *v = vif(c);
    if (r->crm == 12)
        return v->lr[r->op2];
    if (r->crm == 8 || r->crm == 9)
        return v->ap[r->crm - 8];
    switch (r->op2) {
    case 0: return v->hcr;
    case 1: return 3u | 1u << 21 | 4u << 26 | 4u << 29;   /* VTR: 4 LRs, A3V, 5 pre/pri bits */
    case 2: return gic_vmisr(v);
    case 3: return gic_veisr(v);
    case 5: return gic_velrsr(v);
    case 7: return v->vmcr;
    default: return 0;
    }
}

static void wr_ich(Cpu *c, const SysRegDesc *r, u64 val)
{
    GicVif *v = vif(c);
    if (r->crm == 12) {
        v->lr[r->op2] = val & ~(7ull << 45);
    } else if (r->crm == 8 || r->crm == 9) {
        v->ap[r->crm - 8] = (u32)val;
    } else if (r->op2 == 0) {
        /* En, UIE, LRENPIE, NPIE, VGrp*IE, TC, TALL0, TALL1, EOIcount. */
        v->hcr = val & (0xffull | 7ull << 10 | 31ull << 27);
    } else if (r->op2 == 7) {
        u64 m = VMCR_VENG0 | VMCR_VENG1 | VMCR_VACKCTL | VMCR_VFIQEN | VMCR_VCBPR | VMCR_VEOIM |
                7u << 18 | 7u << 21 | 0xf8ull << 24;
        val &= m;
        if (VMCR_VBPR0(val) < 2)
            val = (val & ~(7ull << 21)) | 2ull << 21;
        if (VMCR_VBPR1(val) < 3)
            val = (val & ~(7ull << 18)) | 3ull << 18;
        v->vmcr = val;
    }
    gic_update_cpu(gic_of(c), c->index);
}

#define ICC(nm, o1, n, m, o2, acc, kind, rd, wr, fn) \
    {nm, 3, o1, n, m, o2, acc, SR_F_IO, fn, rd, wr, 0, kind, 0}
#define ICCX(nm, o1, n, m, o2, acc, kind, rd, wr, fn, fl) \
    {nm, 3, o1, n, m, o2, acc, SR_F_IO | (fl), fn, rd, wr, 0, kind, 0}
#define ICH(nm, m, o2, acc) \
    {nm, 3, 4, 12, m, o2, acc, SR_F_IO | SR_F_EL2, acc_ich, rd_ich, wr_ich, 0, KOTHER, 0}

static const SysRegDesc rows[] = {
    ICC("ICC_PMR_EL1", 0, 4, 6, 0, SR_PL1_RW, KCOMMON, rd_pmr, wr_pmr, acc_icc),
    ICC("ICC_IAR0_EL1", 0, 12, 8, 0, SR_PL1_R, KG0, rd_iar, NULL, acc_icc),
    ICC("ICC_EOIR0_EL1", 0, 12, 8, 1, SR_PL1_W, KG0, NULL, wr_eoir, acc_icc),
    ICC("ICC_HPPIR0_EL1", 0, 12, 8, 2, SR_PL1_R, KG0, rd_hppir, NULL, acc_icc),
    ICC("ICC_BPR0_EL1", 0, 12, 8, 3, SR_PL1_RW, KG0, rd_bpr, wr_bpr, acc_icc),
    ICC("ICC_AP0R0_EL1", 0, 12, 8, 4, SR_PL1_RW, KG0, rd_apr, wr_apr, acc_icc),
    ICC("ICC_AP1R0_EL1", 0, 12, 9, 0, SR_PL1_RW, KG1, rd_apr, wr_apr, acc_icc),
    ICC("ICC_DIR_EL1", 0, 12, 11, 1, SR_PL1_W, KCOMMON, NULL, wr_dir, acc_icc),
    ICC("ICC_RPR_EL1", 0, 12, 11, 3, SR_PL1_R, KCOMMON, rd_rpr, NULL, acc_icc),
    ICC("ICC_SGI1R_EL1", 0, 12, 11, 5, SR_PL1_W, KSGI, NULL, wr_sgi, acc_icc),
    ICC("ICC_ASGI1R_EL1", 0, 12, 11, 6, SR_PL1_W, KSGI, NULL, wr_sgi, acc_icc),
    ICC("ICC_SGI0R_EL1", 0, 12, 11, 7, SR_PL1_W, KSGI, NULL, wr_sgi, acc_icc),
    ICC("ICC_IAR1_EL1", 0, 12, 12, 0, SR_PL1_R, KG1, rd_iar, NULL, acc_icc),
    ICC("ICC_EOIR1_EL1", 0, 12, 12, 1, SR_PL1_W, KG1, NULL, wr_eoir, acc_icc),
    ICC("ICC_HPPIR1_EL1", 0, 12, 12, 2, SR_PL1_R, KG1, rd_hppir, NULL, acc_icc),
    ICC("ICC_BPR1_EL1", 0, 12, 12, 3, SR_PL1_RW, KG1, rd_bpr, wr_bpr, acc_icc),
    ICC("ICC_CTLR_EL1", 0, 12, 12, 4, SR_PL1_RW, KCOMMON, rd_ctlr, wr_ctlr, acc_icc),
    ICC("ICC_SRE_EL1", 0, 12, 12, 5, SR_PL1_RW, KOTHER, rd_sre, wr_sre, acc_sre),
    ICC("ICC_IGRPEN0_EL1", 0, 12, 12, 6, SR_PL1_RW, KG0, rd_igrpen, wr_igrpen, acc_icc),
    ICC("ICC_IGRPEN1_EL1", 0, 12, 12, 7, SR_PL1_RW, KG1, rd_igrpen, wr_igrpen, acc_icc),
    ICCX("ICC_SRE_EL2", 4, 12, 9, 5, SR_PL2_RW, KOTHER, rd_sre, wr_sre, acc_sre, SR_F_EL2),
    ICCX("ICC_CTLR_EL3", 6, 12, 12, 4, SR_PL3_RW, KOTHER, rd_ctlr_el3, wr_ctlr_el3, acc_icc, SR_F_EL3),
    ICCX("ICC_SRE_EL3", 6, 12, 12, 5, SR_PL3_RW, KOTHER, rd_sre, wr_sre, acc_icc, SR_F_EL3),
    ICCX("ICC_IGRPEN1_EL3", 6, 12, 12, 7, SR_PL3_RW, KOTHER, rd_igrpen1_el3, wr_igrpen1_el3, acc_icc, SR_F_EL3),
    ICH("ICH_AP0R0_EL2", 8, 0, SR_PL2_RW),
    ICH("ICH_AP1R0_EL2", 9, 0, SR_PL2_RW),
    ICH("ICH_HCR_EL2", 11, 0, SR_PL2_RW),
    ICH("ICH_VTR_EL2", 11, 1, SR_PL2_R),
    ICH("ICH_MISR_EL2", 11, 2, SR_PL2_R),
    ICH("ICH_EISR_EL2", 11, 3, SR_PL2_R),
    ICH("ICH_ELRSR_EL2", 11, 5, SR_PL2_R),
    ICH("ICH_VMCR_EL2", 11, 7, SR_PL2_RW),
    ICH("ICH_LR0_EL2", 12, 0, SR_PL2_RW),
    ICH("ICH_LR1_EL2", 12, 1, SR_PL2_RW),
    ICH("ICH_LR2_EL2", 12, 2, SR_PL2_RW),
    ICH("ICH_LR3_EL2", 12, 3, SR_PL2_RW),
};

const SysRegTable sysregs_gicv3 = SR_TABLE(rows);
