/*
 * tests/unit/test_saveload.c — device save/load: gic_save/gic_load (GICv2
 * with GICH/GICV, GICv3 with ICC/ICH), timer_save/timer_load,
 * pl011_save/pl011_load and pl031_save/pl031_load.
 *
 * Each device is driven into a distinctive state through its MMIO frames,
 * system registers and inputs, saved, and loaded into a fresh machine built
 * with the same options.  Then (1) saving the second machine gives the same
 * bytes and (2) both machines read the same registers and behave the same
 * afterwards (acknowledges, EOIs, timer expiries, UART input, RTC match).
 * White-box checks make sure the distinctive state reaches every saved GIC
 * field and that a random valid GIC state survives a round trip field by
 * field.  Truncated records, garbage, mutated records and records from a
 * differently built device must be refused (or accepted consistently)
 * without crashing and without changing the device.
 */
#include <string.h>

#include "test.h"
#include "hs_board.h"
#include "common/savebuf.h"
#include "cpu/regs.h"
#include "devices/gic/gic_internal.h"
#include "devices/pl011/pl011.h"
#include "devices/rtc/pl031.h"
#include "devices/timer/timer.h"

#define GICD 0x08000000ull
#define GICR(n) (0x080a0000ull + (n) * 0x20000ull)
#define SGI(n) (GICR(n) + 0x10000)
#define GICC 0x08010000ull
#define GICH 0x08030000ull
#define GICV 0x08040000ull
#define UART 0x09000000ull
#define RTC 0x09010000ull

/* Deterministic pseudo-random numbers (xorshift64*). */
static u64 rnd(u64 *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static bool same_bytes(const SaveBuf *a, const SaveBuf *b)
{
    return !a->oom && !b->oom && a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static u64 min_deadline(Machine *m)
{
    u64 d = UINT64_MAX;
    for (unsigned i = 0; i < m->nclock; i++) {
        u64 t = m->clock[i].deadline ? m->clock[i].deadline(m->clock[i].opaque) : UINT64_MAX;
        if (t < d)
            d = t;
    }
    return d;
}

/* Give B the virtual time of A without running B's clocks. */
static void same_time(Machine *b, const Machine *a)
{
    b->steps = a->steps;
    b->round_start_ns = a->round_start_ns;
}

/* What exc_check_async() does before it samples Cpu.irq_lines. */
static void refresh(Machine *m)
{
    for (unsigned i = 0; i < m->ncpu; i++)
        if (m->hooks.async_refresh)
            m->hooks.async_refresh(m->hooks.intc_opaque, m->cpu[i]);
}

static void all_at_el3(Machine *m)
{
    for (unsigned i = 0; i < m->ncpu; i++)
        board_at(m->cpu[i], 3, false, 0);
}

/* ---- observations: a list of register values read without side effects ---- */

typedef struct Obs {
    u64 *v;
    unsigned n, cap;
} Obs;

static Obs obs_new(void)
{
    Obs o = {calloc(32768, sizeof(u64)), 0, 32768};
    return o;
}

static void put(Obs *o, u64 v)
{
    if (o->v && o->n < o->cap)
        o->v[o->n++] = v;
}

/* Index of the first difference (printed), or -1 when equal. */
static long obs_diff(const Obs *a, const Obs *b)
{
    if (!a->v || !b->v)
        return -2;
    unsigned n = a->n < b->n ? a->n : b->n;
    for (unsigned i = 0; i < n; i++)
        if (a->v[i] != b->v[i]) {
            fprintf(stderr, "  observation %u: 0x%" PRIx64 " vs 0x%" PRIx64 "\n", i, a->v[i], b->v[i]);
            return (long)i;
        }
    return a->n == b->n ? -1 : (long)n;
}

static unsigned obs_count_diff(const Obs *a, const Obs *b)
{
    unsigned d = 0;
    for (unsigned i = 0; i < a->n && i < b->n; i++)
        d += a->v[i] != b->v[i];
    return d;
}

static void obs_free(Obs *o)
{
    free(o->v);
    o->v = NULL;
}

/* ---- white-box GIC comparison ---- */

/* GicIrq fields, as bits of a difference mask. */
enum { I_PRIO = 1, I_GROUP = 2, I_GRPMOD = 4, I_ENABLED = 8, I_LATCH = 16, I_LEVEL = 32, I_ACTIVE = 64,
       I_EDGE = 128, I_TARGETS = 256, I_ROUTE = 512 };

/* Per-core fields (and GICD_CTLR) as bits of a difference mask. */
enum {
    C_SGI_SRC = 1u << 0, C_SGI_ACK_SRC = 1u << 1, C_PMR = 1u << 2, C_BPR0 = 1u << 3, C_BPR1 = 1u << 4,
    C_GRPEN0 = 1u << 5, C_GRPEN1 = 1u << 6, C_GRPEN1_S = 1u << 7, C_EOIMODE = 1u << 8, C_ACKCTL = 1u << 9,
    C_FIQEN = 1u << 10, C_CBPR = 1u << 11, C_AP0 = 1u << 12, C_AP1 = 1u << 13, C_CTLR_EL3 = 1u << 14,
    C_SRE_EL1 = 1u << 15, C_SRE_EL2 = 1u << 16, C_SRE_EL3 = 1u << 17, C_WAKER = 1u << 18,
    C_ICH_HCR = 1u << 19, C_ICH_VMCR = 1u << 20, C_ICH_LR = 1u << 21, C_ICH_AP0 = 1u << 22,
    C_ICH_AP1 = 1u << 23, C_GICD_CTLR = 1u << 24,
};

static unsigned irq_diff(const GicIrq *a, const GicIrq *b)
{
    return (a->prio != b->prio ? I_PRIO : 0) | (a->group != b->group ? I_GROUP : 0) |
           (a->grpmod != b->grpmod ? I_GRPMOD : 0) | (a->enabled != b->enabled ? I_ENABLED : 0) |
           (a->latch != b->latch ? I_LATCH : 0) | (a->level != b->level ? I_LEVEL : 0) |
           (a->active != b->active ? I_ACTIVE : 0) | (a->edge != b->edge ? I_EDGE : 0) |
           (a->targets != b->targets ? I_TARGETS : 0) | (a->route != b->route ? I_ROUTE : 0);
}

typedef struct GicDiff {
    unsigned spi, priv, cpu;
} GicDiff;

/* Which saved fields differ between A and B, anywhere. */
static GicDiff gic_diff(const Gic *a, const Gic *b)
{
    GicDiff d = {0, 0, a->ctlr != b->ctlr ? C_GICD_CTLR : 0};
    for (unsigned id = 32; id < GIC_NIRQ; id++)
        d.spi |= irq_diff(&a->irq[id], &b->irq[id]);
    for (unsigned c = 0; c < a->ncpu; c++) {
        const GicCpu *x = &a->cpu[c], *y = &b->cpu[c];
        for (unsigned id = 0; id < 32; id++)
            d.priv |= irq_diff(&x->priv[id], &y->priv[id]);
        d.cpu |= (memcmp(x->sgi_src, y->sgi_src, 16) ? C_SGI_SRC : 0) |
                 (memcmp(x->sgi_ack_src, y->sgi_ack_src, 16) ? C_SGI_ACK_SRC : 0) |
                 (x->pmr != y->pmr ? C_PMR : 0) | (x->bpr[0] != y->bpr[0] ? C_BPR0 : 0) |
                 (x->bpr[1] != y->bpr[1] ? C_BPR1 : 0) | (x->grpen[0] != y->grpen[0] ? C_GRPEN0 : 0) |
                 (x->grpen[1] != y->grpen[1] ? C_GRPEN1 : 0) | (x->grpen1_s != y->grpen1_s ? C_GRPEN1_S : 0) |
                 (x->eoimode != y->eoimode ? C_EOIMODE : 0) | (x->ackctl != y->ackctl ? C_ACKCTL : 0) |
                 (x->fiqen != y->fiqen ? C_FIQEN : 0) | (x->cbpr != y->cbpr ? C_CBPR : 0) |
                 (x->ap[0] != y->ap[0] ? C_AP0 : 0) | (x->ap[1] != y->ap[1] ? C_AP1 : 0) |
                 (x->ctlr_el3 != y->ctlr_el3 ? C_CTLR_EL3 : 0) | (x->sre_el1 != y->sre_el1 ? C_SRE_EL1 : 0) |
                 (x->sre_el2 != y->sre_el2 ? C_SRE_EL2 : 0) | (x->sre_el3 != y->sre_el3 ? C_SRE_EL3 : 0) |
                 (x->waker != y->waker ? C_WAKER : 0) | (x->v.hcr != y->v.hcr ? C_ICH_HCR : 0) |
                 (x->v.vmcr != y->v.vmcr ? C_ICH_VMCR : 0) |
                 (memcmp(x->v.lr, y->v.lr, sizeof(x->v.lr)) ? C_ICH_LR : 0) |
                 (x->v.ap[0] != y->v.ap[0] ? C_ICH_AP0 : 0) | (x->v.ap[1] != y->v.ap[1] ? C_ICH_AP1 : 0);
    }
    return d;
}

/* Every per-INTID field a guest can change, per architecture version
 * (GICv2 has no IGRPMODR/IROUTER; ITARGETSR is not GICv3 state). */
#define IRQ_ALL_COMMON (I_PRIO | I_GROUP | I_ENABLED | I_LATCH | I_LEVEL | I_ACTIVE | I_EDGE)
#define V2_SPI_FIELDS (IRQ_ALL_COMMON | I_TARGETS)
#define V3_SPI_FIELDS (IRQ_ALL_COMMON | I_GRPMOD | I_ROUTE)
#define V2_PRIV_FIELDS IRQ_ALL_COMMON
#define V3_PRIV_FIELDS (IRQ_ALL_COMMON | I_GRPMOD)
/* Every per-core field a guest can change (ICC_SRE_EL1 is constant). */
#define CPU_COMMON_FIELDS                                                                           \
    (C_PMR | C_BPR0 | C_BPR1 | C_GRPEN0 | C_GRPEN1 | C_EOIMODE | C_CBPR | C_AP0 | C_AP1 | C_CTLR_EL3 | \
     C_ICH_HCR | C_ICH_VMCR | C_ICH_LR | C_ICH_AP0 | C_ICH_AP1 | C_GICD_CTLR)
#define V2_CPU_FIELDS (CPU_COMMON_FIELDS | C_SGI_SRC | C_SGI_ACK_SRC | C_ACKCTL | C_FIQEN)
#define V3_CPU_FIELDS (CPU_COMMON_FIELDS | C_GRPEN1_S | C_SRE_EL2 | C_SRE_EL3 | C_WAKER)

/* Save A's GIC, load it into B's; check the second save is identical. */
static bool gic_copy(Machine *a, Machine *b)
{
    SaveBuf s1 = {0}, s2 = {0};
    gic_save(a->gic, &s1);
    LoadBuf l = loadbuf_of(s1.data, s1.len);
    bool ok = !s1.oom && gic_load(b->gic, &l) && load_ok(&l);
    if (ok) {
        gic_save(b->gic, &s2);
        ok = same_bytes(&s1, &s2);
    }
    savebuf_free(&s1);
    savebuf_free(&s2);
    return ok;
}

/* ---- GICv3 ---- */

/* Drive a 4-core GICv3 with two security states into a distinctive state
 * (cores at Secure EL3, except the virtual acknowledge at EL1). */
static void v3_dirty(Machine *m)
{
    u64 s = 0x5eed3;
    unsigned n = m->ncpu;
    Cpu *c0 = m->cpu[0];
    all_at_el3(m);
    mmio_wr(m, 0, GICD, 7);   /* EnableGrp0 | EnableGrp1NS | EnableGrp1S */
    /* SPIs: group, modifier, enable, trigger, priority, routing. */
    for (unsigned w = 1; w < GIC_NIRQ / 32; w++) {
        mmio_wr(m, 0, GICD + 0x080 + 4 * w, (u32)rnd(&s));                 /* IGROUPR */
        mmio_wr(m, 0, GICD + 0xd00 + 4 * w, (u32)rnd(&s) & (u32)rnd(&s));  /* IGRPMODR */
        mmio_wr(m, 0, GICD + 0x100 + 4 * w, (u32)rnd(&s));                 /* ISENABLER */
        mmio_wr(m, 0, GICD + 0xc00 + 8 * w, (u32)rnd(&s) & 0xaaaaaaaau);   /* ICFGR */
        mmio_wr(m, 0, GICD + 0xc04 + 8 * w, (u32)rnd(&s) & 0xaaaaaaaau);
    }
    for (unsigned id = 32; id < GIC_NIRQ; id++) {
        phys_write(m, c0, GICD + 0x400 + id, 1, (rnd(&s) | 0x10) & 0xff);   /* IPRIORITYR */
        u64 route = id % 11 == 0 ? 1ull << 31                                /* 1 of N */
                    : id % 13 == 0 ? 0x5a00030201ull                          /* no such core */
                                   : (u64)(id % n);                           /* Aff0 = core */
        phys_write(m, c0, GICD + 0x6000 + 8 * id, 8, route);                 /* GICD_IROUTER */
    }
    /* Pending, active, input levels (a rising then falling edge leaves the latch). */
    for (unsigned w = 1; w < GIC_NIRQ / 32; w++) {
        mmio_wr(m, 0, GICD + 0x200 + 4 * w, (u32)rnd(&s) & (u32)rnd(&s));                 /* ISPENDR */
        mmio_wr(m, 0, GICD + 0x300 + 4 * w, (u32)rnd(&s) & (u32)rnd(&s) & (u32)rnd(&s));  /* ISACTIVER */
    }
    for (unsigned id = 32; id < GIC_NIRQ; id += 3)
        gic_set_input(m->gic, 0, id, true);
    for (unsigned id = 32; id < GIC_NIRQ; id += 6)
        gic_set_input(m->gic, 0, id, false);

    for (unsigned i = 0; i < n; i++) {
        Cpu *c = m->cpu[i];
        u64 sgi = SGI(i);
        /* SGI 15 (priority 0x08, the highest) in Group 0 on even cores,
         * Non-secure Group 1 on odd ones. */
        u32 grp = ((u32)rnd(&s) & ~(1u << 15)) | (i & 1) << 15;
        mmio_wr(m, i, sgi + 0x080, grp);                                  /* IGROUPR0 */
        mmio_wr(m, i, sgi + 0xd00, (u32)rnd(&s) & (u32)rnd(&s) & ~(1u << 15));   /* IGRPMODR0 */
        for (unsigned id = 0; id < 32; id++)
            phys_write(m, c, sgi + 0x400 + id, 1, id == 15 ? 0x08 : (rnd(&s) | 0x10) & 0xff);
        mmio_wr(m, i, sgi + 0xc04, (u32)rnd(&s) & 0xaaaaaaaau);          /* ICFGR1: PPI trigger */
        mmio_wr(m, i, sgi + 0x100, (u32)rnd(&s) | 1u << 15);              /* ISENABLER0 */
        mmio_wr(m, i, sgi + 0x200, (u32)rnd(&s) & (u32)rnd(&s) & ~(1u << 15));   /* ISPENDR0 */
        mmio_wr(m, i, sgi + 0x300, 1u << (8 + i));                       /* ISACTIVER0 */
        gic_set_input(m->gic, i, 20 + i, true);                          /* PPI levels */
        gic_set_input(m->gic, i, 24, i & 1);
        if (i % 2 == 0)
            mmio_wr(m, 0, GICR(i) + 0x14, 0);                            /* GICR_WAKER: awake */
        sr_wr(c, "ICC_PMR_EL1", 0xf8 - 8 * i);
        sr_wr(c, "ICC_BPR0_EL1", 2 + i);
        sr_wr(c, "ICC_BPR1_EL1", 3 + i);
        sr_wr(c, "ICC_IGRPEN0_EL1", i != 1);
        sr_wr(c, "ICC_IGRPEN1_EL3", i == 2 ? 1 : 3);                     /* Non-secure, Secure */
        static const u8 ctlr_el3[4] = {0x05, 0x12, 0x08, 0x1f};         /* CBPR_*, EOImode_* */
        sr_wr(c, "ICC_CTLR_EL3", ctlr_el3[i % 4]);
        if (i == 1)
            sr_wr(c, "ICC_SRE_EL2", 7);                                  /* Enable = 0 */
        if (i == 3)
            sr_wr(c, "ICC_SRE_EL3", 7);
    }
    /* SGIs between cores: Group 0 and Non-secure Group 1 (ASGI1R from Secure). */
    for (unsigned i = 0; i < n; i++) {
        sr_wr(m->cpu[i], "ICC_SGI0R_EL1", 15ull << 24 | 1u << ((i + 1) % n));
        sr_wr(m->cpu[i], "ICC_ASGI1R_EL1", 15ull << 24 | 1u << ((i + 1) % n));
        sr_wr(m->cpu[i], "ICC_ASGI1R_EL1", (u64)(2 + i) << 24 | 0xf);
    }
    for (unsigned i = 0; i < n; i++) {
        Cpu *c = m->cpu[i];
        /* Acknowledge SGI 15, EOI it (a priority drop only where EOImode_EL3
         * is set), acknowledge again. */
        u64 id = sr_rd(c, i & 1 ? "ICC_IAR1_EL1" : "ICC_IAR0_EL1");
        if (id < 1020)
            sr_wr(c, i & 1 ? "ICC_EOIR1_EL1" : "ICC_EOIR0_EL1", id);
        sr_rd(c, "ICC_IAR1_EL1");
        sr_rd(c, "ICC_IAR0_EL1");
        if (i == 2)
            sr_wr(c, "ICC_AP1R0_EL1", sr_rd(c, "ICC_AP1R0_EL1") | 1u << 31);
        if (i == 1)
            sr_wr(c, "ICC_AP0R0_EL1", sr_rd(c, "ICC_AP0R0_EL1") | 1u << 30);

        /* Virtual interface. */
        u64 vmcr = VMCR_VENG0 | VMCR_VENG1 | (i & 1 ? VMCR_VEOIM : 0) | (i == 2 ? VMCR_VCBPR : 0) |
                   (i == 3 ? VMCR_VACKCTL | VMCR_VFIQEN : 0) | (u64)(2 + i) << 21 | (u64)(3 + i) << 18 |
                   (u64)(0xf8 - 8 * i) << 24;
        sr_wr(c, "ICH_VMCR_EL2", vmcr);
        sr_wr(c, "ICH_HCR_EL2", ICH_HCR_EN | ICH_HCR_NPIE | (i == 1 ? ICH_HCR_UIE : 0) |
                                    (i == 3 ? 1u << 11 : 0) | (u64)(i + 2) << ICH_HCR_EOICOUNT_SHIFT);
        sr_wr(c, "ICH_LR0_EL2", 1ull << 62 | 1ull << 60 | (u64)(0x30 + 8 * i) << 48 | (100 + i));
        sr_wr(c, "ICH_LR1_EL2", 2ull << 62 | LR_HW | (u64)(40 + i) << 32 | 0x20ull << 48 | (40 + i));
        sr_wr(c, "ICH_LR2_EL2", 3ull << 62 | 1ull << 60 | LR_EOI | 0x90ull << 48 | (0x1234 + i));
        sr_wr(c, "ICH_LR3_EL2", i % 2 == 0 ? LR_EOI | 7 : 0);
        sr_wr(c, "ICH_AP0R0_EL2", i == 0 ? 0 : 1u << 4);
        sr_wr(c, "ICH_AP1R0_EL2", i == 0 ? 0 : 1u << (i + 10));
        if (i == 0) {
            board_at(c, 1, true, HCR_EL2_IMO | HCR_EL2_FMO);
            sr_rd(c, "ICC_IAR1_EL1");   /* ICV_IAR1: acknowledges LR0 */
            board_at(c, 3, false, 0);
        }
        /* SGI 14 at priority 0 preempts whatever is active: the lines are up. */
        u64 sgi = SGI(i);
        phys_write(m, c, sgi + 0x400 + 14, 1, 0);
        mmio_wr(m, i, sgi + 0x080, (mmio_rd(m, i, sgi + 0x080) & ~(1u << 14)) | (i & 1) << 14);
        mmio_wr(m, i, sgi + 0xd00, mmio_rd(m, i, sgi + 0xd00) & ~(1u << 14));
        mmio_wr(m, i, sgi + 0x100, 1u << 14);
        mmio_wr(m, i, sgi + 0x200, 1u << 14);
    }
    refresh(m);
}

/* Everything a GICv3 lets the cores read without side effects. */
static void v3_observe(Machine *m, Obs *o)
{
    static const char *const secure_regs[] = {
        "ICC_PMR_EL1", "ICC_BPR0_EL1", "ICC_BPR1_EL1", "ICC_AP0R0_EL1", "ICC_AP1R0_EL1",
        "ICC_CTLR_EL1", "ICC_CTLR_EL3", "ICC_IGRPEN0_EL1", "ICC_IGRPEN1_EL1", "ICC_IGRPEN1_EL3",
        "ICC_SRE_EL1", "ICC_SRE_EL2", "ICC_SRE_EL3", "ICC_HPPIR0_EL1", "ICC_HPPIR1_EL1", "ICC_RPR_EL1",
        "ICH_HCR_EL2", "ICH_VTR_EL2", "ICH_MISR_EL2", "ICH_EISR_EL2", "ICH_ELRSR_EL2", "ICH_VMCR_EL2",
        "ICH_LR0_EL2", "ICH_LR1_EL2", "ICH_LR2_EL2", "ICH_LR3_EL2", "ICH_AP0R0_EL2", "ICH_AP1R0_EL2",
    };
    static const char *const virtual_regs[] = {
        "ICC_HPPIR0_EL1", "ICC_HPPIR1_EL1", "ICC_RPR_EL1", "ICC_PMR_EL1", "ICC_BPR0_EL1", "ICC_BPR1_EL1",
        "ICC_CTLR_EL1", "ICC_IGRPEN0_EL1", "ICC_IGRPEN1_EL1", "ICC_AP0R0_EL1", "ICC_AP1R0_EL1",
    };
    all_at_el3(m);
    put(o, mmio_rd(m, 0, GICD));
    for (u32 off = 0x80; off < 0xd80; off += 4)
        put(o, mmio_rd(m, 0, GICD + off));
    for (unsigned id = 32; id < GIC_NIRQ; id++) {
        put(o, mmio_rd(m, 0, GICD + 0x6000 + 8 * id));
        put(o, mmio_rd(m, 0, GICD + 0x6004 + 8 * id));
    }
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        put(o, mmio_rd(m, i, GICR(i) + 0x14));
        for (u32 off = 0x80; off < 0xd80; off += 4)
            put(o, mmio_rd(m, i, SGI(i) + off));
        for (unsigned r = 0; r < sizeof(secure_regs) / sizeof(secure_regs[0]); r++)
            put(o, sr_rd(c, secure_regs[r]));
        board_at(c, 3, true, 0);   /* Non-secure banks */
        put(o, sr_rd(c, "ICC_CTLR_EL1"));
        put(o, sr_rd(c, "ICC_IGRPEN1_EL1"));
        board_at(c, 1, true, HCR_EL2_IMO | HCR_EL2_FMO);   /* ICV_* */
        for (unsigned r = 0; r < sizeof(virtual_regs) / sizeof(virtual_regs[0]); r++) {
            put(o, sr_rd(c, virtual_regs[r]));
            board_at(c, 1, true, HCR_EL2_IMO | HCR_EL2_FMO);   /* after a trap */
        }
        board_at(c, 3, false, 0);
        put(o, c->irq_lines);
    }
}

/* Acknowledge and complete what each core can take, physical then
 * virtual, recording every INTID, line and running priority.  Returns how
 * many INTIDs were acknowledged. */
static unsigned v3_drain(Machine *m, Obs *o)
{
    unsigned acks = 0;
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        /* Forget the active priorities (as a context switch restoring
         * APRs would), so lower-priority interrupts can be taken. */
        sr_wr(c, "ICC_AP0R0_EL1", 0);
        sr_wr(c, "ICC_AP1R0_EL1", 0);
        sr_wr(c, "ICH_AP0R0_EL2", 0);
        sr_wr(c, "ICH_AP1R0_EL2", 0);
        for (unsigned k = 0; k < 6; k++) {
            u64 id0 = sr_rd(c, "ICC_IAR0_EL1"), id1 = sr_rd(c, "ICC_IAR1_EL1");
            put(o, id0);
            put(o, id1);
            acks += (id0 < 1020) + (id1 < 1020);
            put(o, c->irq_lines);
            put(o, sr_rd(c, "ICC_RPR_EL1"));
            if (id1 < 1020) {
                sr_wr(c, "ICC_EOIR1_EL1", id1);
                sr_wr(c, "ICC_DIR_EL1", id1);
            }
            if (id0 < 1020) {
                sr_wr(c, "ICC_EOIR0_EL1", id0);
                sr_wr(c, "ICC_DIR_EL1", id0);
            }
            put(o, sr_rd(c, "ICC_AP0R0_EL1"));
            put(o, sr_rd(c, "ICC_AP1R0_EL1"));
        }
        board_at(c, 1, true, HCR_EL2_IMO | HCR_EL2_FMO);
        for (unsigned k = 0; k < 3; k++) {
            u64 v1 = sr_rd(c, "ICC_IAR1_EL1");
            board_at(c, 1, true, HCR_EL2_IMO | HCR_EL2_FMO);
            put(o, v1);
            acks += v1 < 1020;
            if (v1 < 1020)
                sr_wr(c, "ICC_EOIR1_EL1", v1);
            board_at(c, 1, true, HCR_EL2_IMO | HCR_EL2_FMO);
        }
        board_at(c, 3, false, 0);
        put(o, sr_rd(c, "ICH_MISR_EL2"));
        put(o, sr_rd(c, "ICH_HCR_EL2"));
    }
    /* New inputs after the load behave the same too. */
    for (unsigned id = 33; id < GIC_NIRQ; id += 17)
        gic_set_input(m->gic, 0, id, true);
    refresh(m);
    for (unsigned i = 0; i < m->ncpu; i++) {
        put(o, m->cpu[i]->irq_lines);
        put(o, sr_rd(m->cpu[i], "ICC_HPPIR1_EL1"));
    }
    return acks;
}

TEST(gicv3_save_load_roundtrip)
{
    Machine *a = board_new(3, 4, true, true), *b = board_new(3, 4, true, true);
    Machine *fresh = board_new(3, 4, true, true);
    ASSERT_TRUE(a && b && fresh);
    v3_dirty(a);
    all_at_el3(b);
    all_at_el3(fresh);
    /* The state reaches every field the save format holds. */
    GicDiff cov = gic_diff(a->gic, fresh->gic);
    ASSERT_EQ(cov.spi & V3_SPI_FIELDS, V3_SPI_FIELDS);
    ASSERT_EQ(cov.priv & V3_PRIV_FIELDS, V3_PRIV_FIELDS);
    ASSERT_EQ(cov.cpu & V3_CPU_FIELDS, V3_CPU_FIELDS);

    ASSERT_TRUE(gic_copy(a, b));
    GicDiff d = gic_diff(a->gic, b->gic);
    ASSERT_EQ(d.spi | d.priv | d.cpu, 0);
    u32 any = 0;
    for (unsigned i = 0; i < 4; i++) {
        ASSERT_EQ(b->cpu[i]->irq_lines, a->cpu[i]->irq_lines);
        any |= a->cpu[i]->irq_lines;
    }
    ASSERT_TRUE(any != 0);

    Obs oa = obs_new(), ob = obs_new(), of = obs_new();
    v3_observe(a, &oa);
    v3_observe(b, &ob);
    v3_observe(fresh, &of);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_TRUE(obs_count_diff(&oa, &of) > 200);
    oa.n = ob.n = 0;
    unsigned acks = v3_drain(a, &oa);
    ASSERT_EQ(v3_drain(b, &ob), acks);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_TRUE(acks >= 8);
    oa.n = ob.n = 0;
    v3_observe(a, &oa);
    v3_observe(b, &ob);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    obs_free(&oa);
    obs_free(&ob);
    obs_free(&of);
    virt_destroy(a);
    virt_destroy(b);
    virt_destroy(fresh);
}

/* ---- GICv2 ---- */

static void v2_dirty(Machine *m)
{
    u64 s = 0x5eed2;
    unsigned n = m->ncpu;
    Cpu *c0 = m->cpu[0];
    all_at_el3(m);
    mmio_wr(m, 0, GICD, 3);
    for (unsigned w = 1; w < GIC_NIRQ / 32; w++) {
        mmio_wr(m, 0, GICD + 0x080 + 4 * w, (u32)rnd(&s));                 /* IGROUPR */
        mmio_wr(m, 0, GICD + 0x100 + 4 * w, (u32)rnd(&s));                 /* ISENABLER */
        mmio_wr(m, 0, GICD + 0xc00 + 8 * w, (u32)rnd(&s) & 0xaaaaaaaau);   /* ICFGR */
        mmio_wr(m, 0, GICD + 0xc04 + 8 * w, (u32)rnd(&s) & 0xaaaaaaaau);
    }
    for (unsigned id = 32; id < GIC_NIRQ; id++) {
        phys_write(m, c0, GICD + 0x400 + id, 1, (rnd(&s) | 0x10) & 0xff);   /* IPRIORITYR */
        phys_write(m, c0, GICD + 0x800 + id, 1, rnd(&s) & 0xff);             /* ITARGETSR */
    }
    for (unsigned w = 1; w < GIC_NIRQ / 32; w++) {
        mmio_wr(m, 0, GICD + 0x200 + 4 * w, (u32)rnd(&s) & (u32)rnd(&s));
        mmio_wr(m, 0, GICD + 0x300 + 4 * w, (u32)rnd(&s) & (u32)rnd(&s) & (u32)rnd(&s));
    }
    for (unsigned id = 32; id < GIC_NIRQ; id += 3)
        gic_set_input(m->gic, 0, id, true);
    for (unsigned id = 32; id < GIC_NIRQ; id += 6)
        gic_set_input(m->gic, 0, id, false);

    /* GICC_CTLR (Secure layout): EnableGrp0/1, AckCtl everywhere; FIQEn,
     * CBPR, FIQBypDis/IRQBypDis, EOImodeS/NS on some cores. */
    static const u32 gicc_ctlr[4] = {0x007, 0x01f, 0x207, 0x5e7};
    for (unsigned i = 0; i < n; i++) {
        Cpu *c = m->cpu[i];
        u32 grp = ((u32)rnd(&s) & ~(1u << 15)) | (i & 1) << 15;   /* SGI 15: Group (i & 1) */
        mmio_wr(m, i, GICD + 0x080, grp);
        for (unsigned id = 0; id < 32; id++)
            phys_write(m, c, GICD + 0x400 + id, 1, id == 15 ? 0x08 : (rnd(&s) | 0x10) & 0xff);
        mmio_wr(m, i, GICD + 0xc04, (u32)rnd(&s) & 0xaaaaaaaau);
        mmio_wr(m, i, GICD + 0x100, (u32)rnd(&s) | 1u << 15);
        mmio_wr(m, i, GICD + 0x180, 1u << (i + 1));                  /* ICENABLER0: one SGI off */
        mmio_wr(m, i, GICD + 0x200, (u32)rnd(&s) & 0xffff0000u);     /* ISPENDR0: PPIs */
        mmio_wr(m, i, GICD + 0x300, 1u << (8 + i));
        gic_set_input(m->gic, i, 20 + i, true);
        mmio_wr(m, i, GICD + 0xf20, (u32)rnd(&s) & (u32)rnd(&s));   /* SPENDSGIR: SGIs 0-3 sources */
        mmio_wr(m, i, GICD + 0xf28, (u32)rnd(&s) & (u32)rnd(&s) & 0x00ffffffu);   /* SGIs 8-10 */
        mmio_wr(m, i, GICC + 0x00, gicc_ctlr[i % 4]);
        mmio_wr(m, i, GICC + 0x04, 0xf8 - 8 * i);                    /* GICC_PMR */
        mmio_wr(m, i, GICC + 0x08, 2 + i);                           /* GICC_BPR */
        mmio_wr(m, i, GICC + 0x1c, 3 + i);                           /* GICC_ABPR */
    }
    /* SGI 15 from core i to core i + 1, in the target's group (NSATT). */
    for (unsigned i = 0; i < n; i++) {
        unsigned t = (i + 1) % n;
        mmio_wr(m, i, GICD + 0xf00, (t & 1) << 15 | 1u << (16 + t) | 15);
    }
    for (unsigned i = 0; i < n; i++) {
        Cpu *c = m->cpu[i];
        u32 iar = mmio_rd(m, i, GICC + 0x0c);   /* SGI 15 from core i - 1 */
        if ((iar & 0x3ff) < 1020)
            mmio_wr(m, i, GICC + 0x10, iar);    /* EOImodeS on core 2: priority drop only */
        mmio_rd(m, i, GICC + 0x0c);
        if (i == 3) {
            mmio_wr(m, i, GICC + 0xd0, mmio_rd(m, i, GICC + 0xd0) | 1u << 30);   /* GICC_APR */
            mmio_wr(m, i, GICC + 0xe0, mmio_rd(m, i, GICC + 0xe0) | 1u << 29);   /* GICC_NSAPR */
        }
        /* Virtual interface through GICH (v2 list register layout). */
        u32 vmcr = VMCR_VENG0 | VMCR_VENG1 | (i != 1 ? VMCR_VACKCTL : 0) | (i == 3 ? VMCR_VFIQEN : 0) |
                   (i == 2 ? VMCR_VCBPR | VMCR_VEOIM : 0) | (2 + i) << 21 | (3 + i) << 18 |
                   (0xf8u - 8 * i) << 24;
        mmio_wr(m, i, GICH + 0x08, vmcr);
        mmio_wr(m, i, GICH + 0x00, ICH_HCR_EN | ICH_HCR_NPIE | (i == 1 ? ICH_HCR_UIE : 0) |
                                       (u32)(i + 2) << ICH_HCR_EOICOUNT_SHIFT);
        mmio_wr(m, i, GICH + 0x100, 1u << 28 | 1u << 30 | 6u << 23 | (100 + i));            /* pending G1 */
        mmio_wr(m, i, GICH + 0x104, 2u << 28 | 1u << 31 | (40u + i) << 10 | 4u << 23 | 40);  /* active HW */
        mmio_wr(m, i, GICH + 0x108, 3u << 28 | 1u << 19 | 18u << 23 | (200 + i));           /* EOI */
        mmio_wr(m, i, GICH + 0x10c, i % 2 == 0 ? 1u << 19 | 7 : 0);
        mmio_wr(m, i, GICH + 0xf0, i == 0 ? 0 : 1u << 4);                                  /* GICH_APR */
        if (i == 0)
            mmio_rd(m, i, GICV + 0x0c);   /* GICV_IAR: acknowledges LR0 (Group 1, AckCtl) */
        if (i == 1)
            mmio_wr(m, i, GICV + 0x04, 0xe8);   /* GICV_PMR */
        /* SGI 14 at priority 0 (from core i + 2) preempts: the lines are up. */
        phys_write(m, c, GICD + 0x400 + 14, 1, 0);
        mmio_wr(m, i, GICD + 0x080, (mmio_rd(m, i, GICD + 0x080) & ~(1u << 14)) | (i & 1) << 14);
        mmio_wr(m, i, GICD + 0x100, 1u << 14);
        phys_write(m, c, GICD + 0xf2e, 1, 1u << ((i + 2) % n));   /* SPENDSGIR3 byte 2 */
    }
    refresh(m);
}

/* Everything a GICv2 lets each core read without side effects, in the
 * Secure and Non-secure views. */
static void v2_observe(Machine *m, Obs *o)
{
    static const u32 gicc_regs[] = {0x00, 0x04, 0x08, 0x14, 0x18, 0x1c, 0x28, 0xd0, 0xe0};
    static const u32 gich_regs[] = {0x00, 0x04, 0x08, 0x10, 0x20, 0x30, 0xf0, 0x100, 0x104, 0x108, 0x10c};
    static const u32 gicv_regs[] = {0x00, 0x04, 0x08, 0x14, 0x18, 0x1c, 0x28, 0xd0};
    all_at_el3(m);
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        for (u32 off = 0; off < 0x1000; off += 4)
            put(o, mmio_rd(m, i, GICD + off));
        for (int ns = 0; ns < 2; ns++) {   /* Secure, then Non-secure views */
            board_at(c, ns ? 1 : 3, ns, 0);
            for (unsigned r = 0; r < sizeof(gicc_regs) / sizeof(gicc_regs[0]); r++)
                put(o, mmio_rd(m, i, GICC + gicc_regs[r]));
            put(o, mmio_rd(m, i, GICD));
        }
        board_at(c, 3, false, 0);
        for (unsigned r = 0; r < sizeof(gich_regs) / sizeof(gich_regs[0]); r++)
            put(o, mmio_rd(m, i, GICH + gich_regs[r]));
        for (unsigned r = 0; r < sizeof(gicv_regs) / sizeof(gicv_regs[0]); r++)
            put(o, mmio_rd(m, i, GICV + gicv_regs[r]));
        put(o, c->irq_lines);
    }
}

static unsigned v2_drain(Machine *m, Obs *o)
{
    unsigned acks = 0;
    for (unsigned i = 0; i < m->ncpu; i++) {
        mmio_wr(m, i, GICC + 0xd0, 0);   /* GICC_APR, GICC_NSAPR, GICH_APR */
        mmio_wr(m, i, GICC + 0xe0, 0);
        mmio_wr(m, i, GICH + 0xf0, 0);
        for (unsigned k = 0; k < 8; k++) {
            u32 iar = mmio_rd(m, i, GICC + 0x0c);
            put(o, iar);
            acks += (iar & 0x3ff) < 1020;
            put(o, m->cpu[i]->irq_lines);
            put(o, mmio_rd(m, i, GICC + 0x14));
            if ((iar & 0x3ff) < 1020) {
                mmio_wr(m, i, GICC + 0x10, iar);
                mmio_wr(m, i, GICC + 0x1000, iar);   /* GICC_DIR (EOImode) */
            }
        }
        for (unsigned k = 0; k < 3; k++) {
            u32 v = mmio_rd(m, i, GICV + 0x0c);
            put(o, v);
            acks += (v & 0x3ff) < 1020;
            if ((v & 0x3ff) < 1020)
                mmio_wr(m, i, GICV + 0x10, v);
            put(o, mmio_rd(m, i, GICH + 0x10));
        }
    }
    for (unsigned id = 33; id < GIC_NIRQ; id += 17)
        gic_set_input(m->gic, 0, id, true);
    mmio_wr(m, 2, GICD + 0xf00, 1u << 24 | 3);   /* SGI 3 to all but core 2 */
    for (unsigned i = 0; i < m->ncpu; i++) {
        put(o, m->cpu[i]->irq_lines);
        put(o, mmio_rd(m, i, GICC + 0x18));
    }
    return acks;
}

TEST(gicv2_save_load_roundtrip)
{
    Machine *a = board_new(2, 4, true, true), *b = board_new(2, 4, true, true);
    Machine *fresh = board_new(2, 4, true, true);
    ASSERT_TRUE(a && b && fresh);
    v2_dirty(a);
    all_at_el3(b);
    all_at_el3(fresh);
    GicDiff cov = gic_diff(a->gic, fresh->gic);
    ASSERT_EQ(cov.spi & V2_SPI_FIELDS, V2_SPI_FIELDS);
    ASSERT_EQ(cov.priv & V2_PRIV_FIELDS, V2_PRIV_FIELDS);
    ASSERT_EQ(cov.cpu & V2_CPU_FIELDS, V2_CPU_FIELDS);

    ASSERT_TRUE(gic_copy(a, b));
    GicDiff d = gic_diff(a->gic, b->gic);
    ASSERT_EQ(d.spi | d.priv | d.cpu, 0);
    for (unsigned i = 0; i < 4; i++)
        ASSERT_EQ(b->cpu[i]->irq_lines, a->cpu[i]->irq_lines);

    Obs oa = obs_new(), ob = obs_new(), of = obs_new();
    v2_observe(a, &oa);
    v2_observe(b, &ob);
    v2_observe(fresh, &of);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_TRUE(obs_count_diff(&oa, &of) > 200);
    oa.n = ob.n = 0;
    unsigned acks = v2_drain(a, &oa);
    ASSERT_EQ(v2_drain(b, &ob), acks);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_TRUE(acks >= 8);
    oa.n = ob.n = 0;
    v2_observe(a, &oa);
    v2_observe(b, &ob);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    obs_free(&oa);
    obs_free(&ob);
    obs_free(&of);
    virt_destroy(a);
    virt_destroy(b);
    virt_destroy(fresh);
}

/* A random state within what the registers can hold, written straight
 * into the GIC: every saved field must come back. */
static void gic_random_state(Gic *g, u64 seed)
{
    u64 s = seed;
    bool v2 = g->version == 2;
    u8 tmask = g->ncpu >= 8 ? 0xff : (u8)((1u << g->ncpu) - 1);
    g->ctlr = (u32)rnd(&s) & (v2 || !g->security ? 3u : 7u);
    for (unsigned id = 32; id < GIC_NIRQ; id++) {
        GicIrq *q = &g->irq[id];
        u64 r = rnd(&s);
        q->prio = (u8)r & GIC_PRIO_MASK;
        q->group = (r >> 8) & 1;
        q->grpmod = v2 ? 0 : (r >> 9) & 1;
        q->enabled = (r >> 10) & 1;
        q->latch = (r >> 11) & 1;
        q->level = (r >> 12) & 1;
        q->active = (r >> 13) & 1;
        q->edge = (r >> 14) & 1;
        q->targets = (u8)(r >> 16) & tmask;
        q->route = v2 ? 0 : rnd(&s) & 0xff80ffffffull;
    }
    for (unsigned c = 0; c < g->ncpu; c++) {
        GicCpu *gc = &g->cpu[c];
        for (unsigned id = 0; id < 32; id++) {
            GicIrq *q = &gc->priv[id];
            u64 r = rnd(&s);
            q->prio = (u8)r & GIC_PRIO_MASK;
            q->group = (r >> 8) & 1;
            q->grpmod = v2 ? 0 : (r >> 9) & 1;
            q->enabled = (r >> 10) & 1;
            q->latch = (r >> 11) & 1;
            q->level = (r >> 12) & 1;
            q->active = (r >> 13) & 1;
            q->edge = id < 16 ? 1 : (r >> 14) & 1;
        }
        for (unsigned i = 0; i < 16; i++) {
            gc->sgi_src[i] = v2 ? (u8)rnd(&s) : 0;
            gc->sgi_ack_src[i] = v2 ? (u8)(rnd(&s) & 7) : 0;
        }
        u64 r = rnd(&s);
        gc->waker = r & 1 ? 6 : 0;
        gc->pmr = (u8)(r >> 8) & GIC_PRIO_MASK;
        gc->bpr[0] = (u8)(2 + (r >> 16) % 6);
        gc->bpr[1] = (u8)(3 + (r >> 24) % 5);
        gc->grpen[0] = (r >> 32) & 1;
        gc->grpen[1] = (r >> 33) & 1;
        gc->grpen1_s = (r >> 34) & 1;
        gc->eoimode = (r >> 35) & 1;
        gc->ackctl = (r >> 36) & 1;
        gc->fiqen = (r >> 37) & 1;
        gc->cbpr = (r >> 38) & 1;
        gc->ap[0] = (u32)rnd(&s);
        gc->ap[1] = (u32)rnd(&s);
        gc->ctlr_el3 = rnd(&s) & (v2 ? 0x7ff : 0x1f);
        gc->sre_el2 = 7 | (r >> 40 & 8);
        gc->sre_el3 = 7 | (r >> 44 & 8);
        gc->v.hcr = rnd(&s) & (v2 ? 0xffull | 31ull << 27 : 0xffull | 7ull << 10 | 31ull << 27);
        gc->v.vmcr = rnd(&s) & (0x21full | 7ull << 18 | 7ull << 21 | 0xf8ull << 24);
        for (unsigned i = 0; i < GIC_NLR; i++)
            gc->v.lr[i] = rnd(&s) & (v2 ? 0x3ffull | 0x3ffull << 32 | 0xf8ull << 48 | 0xfull << 60
                                        : ~(7ull << 45));
        gc->v.ap[0] = (u32)rnd(&s);
        gc->v.ap[1] = (u32)rnd(&s);
        /* The maintenance output follows the virtual interface. */
        gc->maint_level = gc->priv[GIC_MAINT_PPI].level;
    }
    gic_update_all(g);
}

static void gic_random_roundtrip(int version, bool security, unsigned ncpu)
{
    for (u64 seed = 1; seed <= 4; seed++) {
        Machine *a = board_new(version, ncpu, security, true), *b = board_new(version, ncpu, security, true);
        ASSERT_TRUE(a && b);
        gic_random_state(a->gic, seed * 0x9e3779b97f4a7c15ull);
        refresh(a);
        ASSERT_TRUE(gic_copy(a, b));
        GicDiff d = gic_diff(a->gic, b->gic);
        ASSERT_EQ(d.spi, 0);
        ASSERT_EQ(d.priv, 0);
        ASSERT_EQ(d.cpu, 0);
        for (unsigned i = 0; i < ncpu; i++)
            ASSERT_EQ(b->cpu[i]->irq_lines, a->cpu[i]->irq_lines);
        virt_destroy(a);
        virt_destroy(b);
    }
}

TEST(gic_random_state_roundtrip)
{
    gic_random_roundtrip(3, true, 4);
    gic_random_roundtrip(3, false, 2);
    gic_random_roundtrip(2, true, 8);
    gic_random_roundtrip(2, false, 1);
}

/* The load drives the lines from the loaded state even where the core's
 * lines were changed behind the GIC's back (a Cpu restored separately). */
TEST(gic_load_redrives_lines)
{
    for (int version = 2; version <= 3; version++) {
        Machine *a = board_new(version, 2, true, true), *b = board_new(version, 2, true, true);
        ASSERT_TRUE(a && b);
        all_at_el3(a);
        all_at_el3(b);
        /* A: SGI 5 pending and enabled on core 1 only, Group 0. */
        mmio_wr(a, 0, GICD, 3);
        for (unsigned i = 0; i < 2; i++) {
            if (version == 3) {
                mmio_wr(a, 0, GICR(i) + 0x14, 0);
                sr_wr(a->cpu[i], "ICC_PMR_EL1", 0xff);
                sr_wr(a->cpu[i], "ICC_IGRPEN0_EL1", 1);
            } else {
                mmio_wr(a, i, GICC, 1);
                mmio_wr(a, i, GICC + 4, 0xff);
            }
        }
        if (version == 3) {
            mmio_wr(a, 1, SGI(1) + 0x100, 1u << 5);
            mmio_wr(a, 1, SGI(1) + 0x200, 1u << 5);
        } else {
            mmio_wr(a, 0, GICD + 0xf00, 2u << 16 | 5);
        }
        ASSERT_EQ(a->cpu[0]->irq_lines, 0);
        ASSERT_TRUE(a->cpu[1]->irq_lines != 0);
        /* B's cores show the opposite lines. */
        b->cpu[0]->irq_lines = CPU_LINE_IRQ | CPU_LINE_VFIQ;
        b->cpu[1]->irq_lines = 0;
        b->cpu[0]->pending = b->cpu[1]->pending = 0;
        ASSERT_TRUE(gic_copy(a, b));
        ASSERT_EQ(b->cpu[0]->irq_lines, 0);
        ASSERT_EQ(b->cpu[1]->irq_lines, a->cpu[1]->irq_lines);
        ASSERT_TRUE(b->cpu[0]->pending & PEND_ASYNC);
        ASSERT_TRUE(b->cpu[1]->pending & PEND_ASYNC);
        virt_destroy(a);
        virt_destroy(b);
    }
}

TEST(gic_refuses_other_configuration)
{
    Machine *a = board_new(3, 4, true, true);
    ASSERT_TRUE(a);
    v3_dirty(a);
    SaveBuf s = {0};
    gic_save(a->gic, &s);
    struct { int version; unsigned ncpu; bool security; } other[] = {
        {3, 2, true}, {3, 8, true}, {2, 4, true}, {3, 4, false},
    };
    for (unsigned k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
        Machine *b = board_new(other[k].version, other[k].ncpu, other[k].security, true);
        ASSERT_TRUE(b);
        SaveBuf before = {0}, after = {0};
        gic_save(b->gic, &before);
        LoadBuf l = loadbuf_of(s.data, s.len);
        ASSERT_TRUE(!gic_load(b->gic, &l));
        ASSERT_TRUE(l.bad);
        gic_save(b->gic, &after);
        ASSERT_TRUE(same_bytes(&before, &after));
        savebuf_free(&before);
        savebuf_free(&after);
        virt_destroy(b);
    }
    /* The same machine but the record's core count or version edited. */
    Machine *b = board_new(3, 4, true, true);
    u8 *t = malloc(s.len);
    memcpy(t, s.data, s.len);
    t[2] = 3;   /* ncpu, low byte */
    LoadBuf l = loadbuf_of(t, s.len);
    ASSERT_TRUE(!gic_load(b->gic, &l));
    memcpy(t, s.data, s.len);
    t[0] = 2;   /* architecture version */
    l = loadbuf_of(t, s.len);
    ASSERT_TRUE(!gic_load(b->gic, &l));
    /* A reader that already failed stays failed. */
    l = loadbuf_of(s.data, s.len);
    load_fail(&l);
    ASSERT_TRUE(!gic_load(b->gic, &l));
    l = loadbuf_of(s.data, s.len);
    ASSERT_TRUE(gic_load(b->gic, &l) && load_ok(&l));
    free(t);
    savebuf_free(&s);
    virt_destroy(a);
    virt_destroy(b);
}

/* ---- malformed input, for every device ---- */

typedef struct DevIo {
    void (*save)(void *dev, SaveBuf *b);
    bool (*load)(void *dev, LoadBuf *b);
    void *dev;
    bool exact;   /* an accepted record saves back byte for byte */
} DevIo;

static void gic_save_io(void *d, SaveBuf *b) { gic_save(d, b); }
static bool gic_load_io(void *d, LoadBuf *b) { return gic_load(d, b); }
static void timer_save_io(void *d, SaveBuf *b) { timer_save(d, b); }
static bool timer_load_io(void *d, LoadBuf *b) { return timer_load(d, b); }
static void pl011_save_io(void *d, SaveBuf *b) { pl011_save(d, b); }
static bool pl011_load_io(void *d, LoadBuf *b) { return pl011_load(d, b); }
static void pl031_save_io(void *d, SaveBuf *b) { pl031_save(d, b); }
static bool pl031_load_io(void *d, LoadBuf *b) { return pl031_load(d, b); }

/* The device's current record. */
static SaveBuf dev_record(const DevIo *io)
{
    SaveBuf s = {0};
    io->save(io->dev, &s);
    return s;
}

/* Truncations, garbage and mutations of VALID (a record of a device like
 * IO's) against IO's device: a refused record changes nothing; an accepted
 * one leaves a device that saves and loads consistently.  Returns false on
 * the first violation (after printing it). */
static bool fuzz_device(const DevIo *io, const SaveBuf *valid, u64 seed, unsigned header)
{
    bool ok = true;
    SaveBuf ref = dev_record(io);
    size_t n = valid->len;
    u8 *t = malloc(2 * n + 64);
    if (!t)
        return false;

    /* Every proper prefix. */
    for (size_t len = 0; len < n && ok; len++) {
        memcpy(t, valid->data, len);
        LoadBuf l = loadbuf_of(t, len);
        if (io->load(io->dev, &l) || !l.bad) {
            fprintf(stderr, "  prefix of %zu/%zu bytes accepted\n", len, n);
            ok = false;
        }
        SaveBuf now = dev_record(io);
        if (!same_bytes(&now, &ref)) {
            fprintf(stderr, "  prefix of %zu bytes changed the device\n", len);
            ok = false;
        }
        savebuf_free(&now);
    }

    /* Garbage, and garbage behind a valid header. */
    u64 s = seed;
    for (unsigned k = 0; k < 400 && ok; k++) {
        size_t len = (size_t)(rnd(&s) % (2 * n + 64));
        for (size_t i = 0; i < len; i++)
            t[i] = (u8)rnd(&s);
        if (k & 1 && len >= header)
            memcpy(t, valid->data, header);
        LoadBuf l = loadbuf_of(t, len);
        bool accepted = io->load(io->dev, &l);
        SaveBuf now = dev_record(io);
        if (accepted) {
            fprintf(stderr, "  garbage of %zu bytes accepted\n", len);
            ok = false;
        } else if (!same_bytes(&now, &ref)) {
            fprintf(stderr, "  garbage of %zu bytes changed the device\n", len);
            ok = false;
        }
        savebuf_free(&now);
    }

    /* Mutations of one to three bytes. */
    unsigned accepted_n = 0, refused_n = 0;
    for (unsigned k = 0; k < 1500 && ok; k++) {
        memcpy(t, valid->data, n);
        unsigned m = 1 + (unsigned)(rnd(&s) % 3);
        for (unsigned j = 0; j < m; j++) {
            u64 r = rnd(&s);
            t[r % n] = (u8)(r >> 32);
        }
        LoadBuf l = loadbuf_of(t, n);
        bool accepted = io->load(io->dev, &l);
        SaveBuf now = dev_record(io);
        if (!accepted) {
            refused_n++;
            if (!same_bytes(&now, &ref)) {
                fprintf(stderr, "  refused mutation %u changed the device\n", k);
                ok = false;
            }
        } else {
            accepted_n++;
            /* Whatever was accepted loads back and saves the same. */
            LoadBuf l2 = loadbuf_of(now.data, now.len);
            SaveBuf again = {0};
            if (!io->load(io->dev, &l2) || !load_ok(&l2)) {
                fprintf(stderr, "  accepted mutation %u does not load back\n", k);
                ok = false;
            }
            io->save(io->dev, &again);
            if (!same_bytes(&now, &again)) {
                fprintf(stderr, "  accepted mutation %u does not save back the same\n", k);
                ok = false;
            }
            if (io->exact && l.pos == l.len && (now.len != n || memcmp(now.data, t, n))) {
                fprintf(stderr, "  accepted mutation %u is not stored exactly\n", k);
                ok = false;
            }
            savebuf_free(&again);
            savebuf_free(&ref);
            ref = dev_record(io);
        }
        savebuf_free(&now);
    }
    if (ok && (accepted_n == 0 || refused_n == 0)) {
        fprintf(stderr, "  mutations: %u accepted, %u refused\n", accepted_n, refused_n);
        ok = false;
    }
    free(t);
    savebuf_free(&ref);
    return ok;
}

TEST(gic_malformed_records)
{
    /* GICv3 */
    Machine *a = board_new(3, 4, true, true), *b = board_new(3, 4, true, true);
    ASSERT_TRUE(a && b);
    v3_dirty(a);
    all_at_el3(b);
    DevIo io3 = {gic_save_io, gic_load_io, b->gic, false};
    SaveBuf s = {0};
    gic_save(a->gic, &s);
    ASSERT_TRUE(fuzz_device(&io3, &s, 31, 14));
    savebuf_free(&s);
    virt_destroy(a);
    virt_destroy(b);
    /* GICv2 */
    a = board_new(2, 4, true, true);
    b = board_new(2, 4, true, true);
    ASSERT_TRUE(a && b);
    v2_dirty(a);
    all_at_el3(b);
    DevIo io2 = {gic_save_io, gic_load_io, b->gic, false};
    gic_save(a->gic, &s);
    ASSERT_TRUE(fuzz_device(&io2, &s, 32, 14));
    savebuf_free(&s);
    virt_destroy(a);
    virt_destroy(b);
}

/* ---- generic timer ---- */

static const char *const timer_ctl[4] = {"CNTP_CTL_EL0", "CNTV_CTL_EL0", "CNTHP_CTL_EL2", "CNTPS_CTL_EL1"};
static const char *const timer_cval[4] = {"CNTP_CVAL_EL0", "CNTV_CVAL_EL0", "CNTHP_CVAL_EL2", "CNTPS_CVAL_EL1"};
static const char *const timer_tval[4] = {"CNTP_TVAL_EL0", "CNTV_TVAL_EL0", "CNTHP_TVAL_EL2", "CNTPS_TVAL_EL1"};

/* Timer PPIs in Non-secure Group 1, enabled; controls that are Cpu fields
 * (not timer_save state): CNTVOFF_EL2 per core, the physical event stream
 * on counter bit 3. */
static void timer_board(Machine *m)
{
    all_at_el3(m);
    mmio_wr(m, 0, GICD, 7);
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        u32 ppis = 1u << 26 | 1u << 27 | 1u << 29 | 1u << 30;
        mmio_wr(m, i, SGI(i) + 0x80, ppis);
        mmio_wr(m, i, SGI(i) + 0x100, ppis);
        mmio_wr(m, 0, GICR(i) + 0x14, 0);
        sr_wr(c, "ICC_PMR_EL1", 0xff);
        sr_wr(c, "ICC_IGRPEN1_EL3", 1);
        sr_wr(c, "CNTVOFF_EL2", 10 * i);
        sr_wr(c, "CNTHCTL_EL2", 3 | 4 | 3u << 4);   /* EL1PCTEN, EL1PCEN, EVNTEN, EVNTI=3 */
        board_at(c, 2, true, 0);
    }
}

static void timer_observe(Machine *m, Obs *o)
{
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        board_at(c, 3, false, 0);
        for (unsigned t = 0; t < 4; t++) {
            put(o, sr_rd(c, timer_ctl[t]));
            put(o, sr_rd(c, timer_cval[t]));
            put(o, sr_rd(c, timer_tval[t]));
        }
        put(o, mmio_rd(m, i, SGI(i) + 0x200));   /* GICR_ISPENDR0: the timer PPI levels */
        put(o, sr_rd(c, "ICC_HPPIR1_EL1"));
        board_at(c, 2, true, 0);
        put(o, c->irq_lines);
        put(o, c->event);
    }
    put(o, min_deadline(m));
}

TEST(timer_save_load_roundtrip)
{
    Machine *a = board_new(3, 4, true, true), *b = board_new(3, 4, true, true);
    Machine *c3 = board_new(3, 4, true, true);
    ASSERT_TRUE(a && b && c3);
    timer_board(a);
    timer_board(b);
    timer_board(c3);
    board_tick(a, 50 * 16);
    /* CTL 0 (off), 1 (on), 3 (masked); some compare values already passed. */
    static const u8 ctl[4][4] = {{1, 1, 3, 1}, {3, 1, 1, 0}, {1, 0, 1, 3}, {1, 3, 0, 1}};
    for (unsigned i = 0; i < 4; i++) {
        Cpu *c = a->cpu[i];
        board_at(c, 3, false, 0);
        for (unsigned t = 0; t < 4; t++) {
            sr_wr(c, timer_cval[t], 40 + 37 * i + 23 * t + (t == 1 ? 1ull << 40 : 0) * (i == 3));
            sr_wr(c, timer_ctl[t], ctl[i][t]);
        }
        board_at(c, 2, true, 0);
    }
    board_tick(a, 100 * 16);   /* count 100: several fired; event stream checked at 100 */
    refresh(a);

    SaveBuf s1 = {0}, s2 = {0};
    gic_save(a->gic, &s1);
    timer_save(a, &s1);
    same_time(b, a);
    same_time(c3, a);
    LoadBuf l = loadbuf_of(s1.data, s1.len);
    ASSERT_TRUE(gic_load(b->gic, &l));
    ASSERT_TRUE(timer_load(b, &l));
    ASSERT_TRUE(load_ok(&l));
    gic_save(b->gic, &s2);
    timer_save(b, &s2);
    ASSERT_TRUE(same_bytes(&s1, &s2));

    /* Loading only the timers re-drives their PPIs into C3's GIC. */
    SaveBuf st = {0};
    timer_save(a, &st);
    l = loadbuf_of(st.data, st.len);
    ASSERT_TRUE(timer_load(c3, &l) && load_ok(&l));
    refresh(c3);

    /* The event register is a Cpu field: start all from the same value. */
    for (unsigned i = 0; i < 4; i++)
        a->cpu[i]->event = b->cpu[i]->event = c3->cpu[i]->event = false;
    Obs oa = obs_new(), ob = obs_new(), oc = obs_new();
    timer_observe(a, &oa);
    timer_observe(b, &ob);
    timer_observe(c3, &oc);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_EQ(obs_diff(&oa, &oc), -1);
    ASSERT_TRUE(a->cpu[0]->irq_lines != 0);

    /* The same future: events, expiries, then masking every timer (an
     * asserted output must drop in both). */
    Machine *ms[3] = {a, b, c3};
    Obs *os[3] = {&oa, &ob, &oc};
    for (unsigned k = 0; k < 3; k++) {
        Machine *m = ms[k];
        os[k]->n = 0;
        for (unsigned i = 0; i < 4; i++)
            m->cpu[i]->event = false;
        board_tick(m, 101 * 16);   /* no bit-3 transition since count 100 */
        timer_observe(m, os[k]);
        board_tick(m, 150 * 16);
        timer_observe(m, os[k]);
        for (unsigned i = 0; i < 4; i++) {
            Cpu *c = m->cpu[i];
            board_at(c, 3, false, 0);
            for (unsigned t = 0; t < 4; t++)
                sr_wr(c, timer_ctl[t], 3);
            board_at(c, 2, true, 0);
        }
        refresh(m);
        timer_observe(m, os[k]);
        board_tick(m, 400 * 16);
        timer_observe(m, os[k]);
    }
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_EQ(obs_diff(&oa, &oc), -1);
    /* 16 values per core, then the deadline: no event at count 101 (bit 3
     * did not change since count 100), events by count 150. */
    for (unsigned i = 0; i < 4; i++) {
        ASSERT_EQ(oa.v[i * 16 + 15], 0);
        ASSERT_EQ(oa.v[65 + i * 16 + 15], 1);
    }
    obs_free(&oa);
    obs_free(&ob);
    obs_free(&oc);
    savebuf_free(&s1);
    savebuf_free(&s2);
    savebuf_free(&st);
    virt_destroy(a);
    virt_destroy(b);
    virt_destroy(c3);
}

TEST(timer_refuses_other_core_count_and_malformed)
{
    Machine *a = board_new(3, 4, true, true), *b = board_new(3, 2, true, true);
    Machine *c = board_new(3, 4, true, true);
    ASSERT_TRUE(a && b && c);
    timer_board(a);
    timer_board(c);
    for (unsigned i = 0; i < 4; i++) {
        board_at(a->cpu[i], 3, false, 0);
        for (unsigned t = 0; t < 4; t++) {
            sr_wr(a->cpu[i], timer_cval[t], 1000 + 10 * i + t);
            sr_wr(a->cpu[i], timer_ctl[t], (i + t) % 4 == 2 ? 0 : (i + t) % 4 == 3 ? 3 : 1);
        }
    }
    board_tick(a, 1005 * 16);
    SaveBuf s = {0}, before = {0}, after = {0};
    timer_save(a, &s);
    timer_save(b, &before);
    LoadBuf l = loadbuf_of(s.data, s.len);
    ASSERT_TRUE(!timer_load(b, &l));
    timer_save(b, &after);
    ASSERT_TRUE(same_bytes(&before, &after));
    DevIo io = {timer_save_io, timer_load_io, c, true};
    ASSERT_TRUE(fuzz_device(&io, &s, 41, 4));
    savebuf_free(&s);
    savebuf_free(&before);
    savebuf_free(&after);
    virt_destroy(a);
    virt_destroy(b);
    virt_destroy(c);
}

/* ---- PL011 ---- */

static void uart_observe(Machine *m, Obs *o)
{
    static const u32 regs[] = {0x018, 0x020, 0x024, 0x028, 0x02c, 0x030, 0x034, 0x038, 0x03c, 0x040, 0x048};
    for (unsigned r = 0; r < sizeof(regs) / sizeof(regs[0]); r++)
        put(o, mmio_rd(m, 0, UART + regs[r]));
    put(o, mmio_rd(m, 0, GICD + 0x204) & 2);   /* INTID 33 pending */
    put(o, min_deadline(m));
}

/* Read the RX FIFO empty, recording every byte and status. */
static unsigned uart_drain(Machine *m, Obs *o)
{
    unsigned k = 0;
    while (!(mmio_rd(m, 0, UART + 0x018) & 0x10) && k < 64) {
        put(o, mmio_rd(m, 0, UART + 0x000));
        uart_observe(m, o);
        k++;
    }
    return k;
}

static Machine *uart_board(void)
{
    Machine *m = board_new(3, 1, true, true);
    if (m)
        all_at_el3(m);
    return m;
}

TEST(pl011_save_load_roundtrip)
{
    Machine *a = uart_board(), *b = uart_board();
    ASSERT_TRUE(a && b);
    mmio_wr(a, 0, UART + 0x020, 0x5a);     /* UARTILPR */
    mmio_wr(a, 0, UART + 0x024, 0x1234);   /* UARTIBRD */
    mmio_wr(a, 0, UART + 0x028, 0x2a);     /* UARTFBRD */
    mmio_wr(a, 0, UART + 0x02c, 0x76);     /* UARTLCR_H */
    mmio_wr(a, 0, UART + 0x030, 0xb01);    /* UARTCR */
    mmio_wr(a, 0, UART + 0x034, 0x2d);     /* UARTIFLS */
    mmio_wr(a, 0, UART + 0x038, 0x350);    /* UARTIMSC: RT, TX, ... */
    mmio_wr(a, 0, UART + 0x048, 5);        /* UARTDMACR */
    mmio_wr(a, 0, UART + 0x000, '\n');     /* transmit: TX raw status */
    /* 40 bytes due now: 32 fill the FIFO, 8 wait in the queue. */
    for (unsigned k = 0; k < 40; k++)
        ASSERT_TRUE(uart_input_at(a, 0, (u8)('A' + k)));
    board_tick(a, 0);
    ASSERT_EQ(mmio_rd(a, 0, UART + 0x018) & 0x40, 0x40);   /* RXFF */
    for (unsigned k = 0; k < 3; k++)
        ASSERT_EQ(mmio_rd(a, 0, UART + 0x000), 'A' + k);
    board_tick(a, 0);   /* 3 more enter; 5 wait */
    ASSERT_TRUE(uart_input_at(a, 5000, 'p'));
    ASSERT_TRUE(uart_input_at(a, 6000, 'q'));
    ASSERT_TRUE(uart_input_at(a, 6000, 'r'));

    SaveBuf s1 = {0}, s2 = {0};
    pl011_save(((Pl011 *)machine_find_device(a, "pl011")->opaque), &s1);
    same_time(b, a);
    LoadBuf l = loadbuf_of(s1.data, s1.len);
    ASSERT_TRUE(pl011_load(((Pl011 *)machine_find_device(b, "pl011")->opaque), &l) && load_ok(&l));
    pl011_save(((Pl011 *)machine_find_device(b, "pl011")->opaque), &s2);
    ASSERT_TRUE(same_bytes(&s1, &s2));

    Obs oa = obs_new(), ob = obs_new();
    uart_observe(a, &oa);
    uart_observe(b, &ob);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_EQ(oa.v[1], 0x5a);
    ASSERT_EQ(oa.v[8] & 0x70, 0x70);   /* RIS: RX, TX, RT */
    ASSERT_EQ(oa.v[11], 2);            /* INTID 33 pending */
    /* Same bytes, at the same steps. */
    Machine *ms[2] = {a, b};
    Obs *os[2] = {&oa, &ob};
    unsigned got[2] = {0, 0};
    for (unsigned k = 0; k < 2; k++) {
        Machine *m = ms[k];
        os[k]->n = 0;
        static const u64 steps[] = {0, 0, 4999, 5000, 5999, 6000};
        for (unsigned j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
            m->steps = steps[j];
            board_tick(m, steps[j]);
            put(os[k], 0x1000 + j);
            got[k] += uart_drain(m, os[k]);
        }
    }
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_EQ(got[0], 40u);   /* 32 in the FIFO, 5 queued behind it, then p, q, r */
    obs_free(&oa);
    obs_free(&ob);
    savebuf_free(&s1);
    savebuf_free(&s2);
    virt_destroy(a);
    virt_destroy(b);
}

TEST(pl011_malformed_records)
{
    Machine *a = uart_board(), *b = uart_board();
    ASSERT_TRUE(a && b);
    mmio_wr(a, 0, UART + 0x030, 0x301);
    mmio_wr(a, 0, UART + 0x038, 0x10);
    for (unsigned k = 0; k < 36; k++)
        uart_input_at(a, 0, (u8)k);
    board_tick(a, 0);
    mmio_rd(a, 0, UART);
    for (unsigned k = 0; k < 6; k++)
        uart_input_at(a, 100 + 50 * k, (u8)(0x80 + k));
    SaveBuf s = {0};
    pl011_save(((Pl011 *)machine_find_device(a, "pl011")->opaque), &s);
    DevIo io = {pl011_save_io, pl011_load_io, ((Pl011 *)machine_find_device(b, "pl011")->opaque), true};
    ASSERT_TRUE(fuzz_device(&io, &s, 51, 0));
    /* Counts beyond the FIFO / queue capacity. */
    u8 t[64] = {0};
    memcpy(t, s.data, 36);
    t[36] = 33;   /* RX count */
    LoadBuf l = loadbuf_of(t, sizeof(t));
    ASSERT_TRUE(!pl011_load(((Pl011 *)machine_find_device(b, "pl011")->opaque), &l));
    savebuf_free(&s);
    virt_destroy(a);
    virt_destroy(b);
}

/* ---- PL031 ---- */

static void rtc_observe(Machine *m, Obs *o)
{
    for (u32 off = 0; off < 0x20; off += 4)
        put(o, mmio_rd(m, 0, RTC + off));
    put(o, mmio_rd(m, 0, GICD + 0x204) & 4);   /* INTID 34 pending */
    put(o, min_deadline(m));
}

TEST(pl031_save_load_roundtrip)
{
    Machine *a = board_new(3, 1, true, true), *b = board_new(3, 1, true, true);
    ASSERT_TRUE(a && b);
    board_tick(a, 2500000000ull);
    mmio_wr(a, 0, RTC + 0x08, 100);   /* RTCLR at 2.5 s */
    mmio_wr(a, 0, RTC + 0x04, 103);   /* RTCMR */
    mmio_wr(a, 0, RTC + 0x10, 1);     /* RTCIMSC */
    board_tick(a, 5500000000ull);     /* count 103: match */
    ASSERT_EQ(mmio_rd(a, 0, RTC + 0x14), 1);
    mmio_wr(a, 0, RTC + 0x04, 110);
    board_tick(a, 6200000000ull);     /* count 103 still */

    SaveBuf s1 = {0}, s2 = {0};
    pl031_save(((Pl031 *)machine_find_device(a, "pl031")->opaque), &s1);
    same_time(b, a);
    LoadBuf l = loadbuf_of(s1.data, s1.len);
    ASSERT_TRUE(pl031_load(((Pl031 *)machine_find_device(b, "pl031")->opaque), &l) && load_ok(&l));
    pl031_save(((Pl031 *)machine_find_device(b, "pl031")->opaque), &s2);
    ASSERT_TRUE(same_bytes(&s1, &s2));

    Obs oa = obs_new(), ob = obs_new();
    rtc_observe(a, &oa);
    rtc_observe(b, &ob);
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_EQ(oa.v[0], 103);   /* RTCDR */
    ASSERT_EQ(oa.v[5], 1);     /* RTCRIS */
    ASSERT_EQ(oa.v[8], 4);     /* INTID 34 pending */
    Machine *ms[2] = {a, b};
    Obs *os[2] = {&oa, &ob};
    for (unsigned k = 0; k < 2; k++) {
        Machine *m = ms[k];
        os[k]->n = 0;
        mmio_wr(m, 0, RTC + 0x1c, 1);   /* RTCICR: the next match is a deadline */
        rtc_observe(m, os[k]);
        for (u64 t = 7; t <= 14; t++) {
            board_tick(m, t * 1000000000ull + 500000000ull);
            rtc_observe(m, os[k]);
        }
        mmio_wr(m, 0, RTC + 0x08, 5);
        mmio_wr(m, 0, RTC + 0x10, 0);
        rtc_observe(m, os[k]);
    }
    ASSERT_EQ(obs_diff(&oa, &ob), -1);
    ASSERT_EQ(oa.v[9], 12500000000ull);   /* match at count 110 */
    obs_free(&oa);
    obs_free(&ob);
    savebuf_free(&s1);
    savebuf_free(&s2);
    virt_destroy(a);
    virt_destroy(b);
}

TEST(pl031_malformed_records)
{
    Machine *a = board_new(3, 1, true, true), *b = board_new(3, 1, true, true);
    ASSERT_TRUE(a && b);
    board_tick(a, 3000000000ull);
    mmio_wr(a, 0, RTC + 0x08, 0x12345678);
    mmio_wr(a, 0, RTC + 0x04, 0x12345679);
    mmio_wr(a, 0, RTC + 0x10, 1);
    board_tick(a, 4100000000ull);
    SaveBuf s = {0};
    pl031_save(((Pl031 *)machine_find_device(a, "pl031")->opaque), &s);
    DevIo io = {pl031_save_io, pl031_load_io, ((Pl031 *)machine_find_device(b, "pl031")->opaque), true};
    ASSERT_TRUE(fuzz_device(&io, &s, 61, 0));
    savebuf_free(&s);
    virt_destroy(a);
    virt_destroy(b);
}
