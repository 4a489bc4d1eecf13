/*
 * mmu/walk.c — stage-1 and stage-2 translation table walks of the VMSAv8-64
 * long-descriptor format (Arm ARM D5.2 "The VMSAv8-64 address translation
 * system", D5.3 "VMSAv8-64 translation table format descriptors", pseudocode
 * AArch64.TranslationTableWalk of ARMv8.0).
 *
 * Supported: 4 KiB, 16 KiB and 64 KiB granules, every legal start level,
 * block and page descriptors at every legal level, concatenated stage-2
 * first-level tables, TBI, 8/16-bit ASIDs, 8-bit VMIDs, NS/NSTable in the
 * Secure regimes, hierarchical APTable/XNTable/PXNTable, output and input
 * address size checks, Access flag faults (no hardware AF update in v8.0),
 * stage-2 translation of the stage-1 walk itself (S1PTW) incl. HCR_EL2.PTW.
 * Big-endian descriptors (SCTLR_ELx.EE=1) are not supported: EE is RES0 on
 * this core (ID_AA64MMFR0_EL1.BigEnd=0).
 */
#include "cpu/regs.h"
#include "exceptions/route.h"
#include "mmu/mmu_internal.h"

/* Descriptor fields (D5.3.1-D5.3.3). */
#define DESC_VALID 1ull
#define DESC_TABLE 2ull
#define DESC_ATTRINDX(d) (((d) >> 2) & 7)
#define DESC_NS (1ull << 5)
#define DESC_AP(d) (((d) >> 6) & 3)       /* AP[2:1] (stage 1) / S2AP (stage 2) */
#define DESC_SH(d) (((d) >> 8) & 3)
#define DESC_AF (1ull << 10)
#define DESC_NG (1ull << 11)
#define DESC_PXN (1ull << 53)
#define DESC_XN (1ull << 54)              /* UXN in EL1&0, XN elsewhere */
#define DESC_PXNTABLE (1ull << 59)
#define DESC_XNTABLE (1ull << 60)
#define DESC_APTABLE(d) (((d) >> 61) & 3)
#define DESC_NSTABLE (1ull << 63)
#define OA_MASK 0x0000fffffffff000ull     /* bits 47:12 */

/* PS/IPS encoding to bits, capped at the implemented PARange (D17 TCR_ELx.IPS:
 * a value above ID_AA64MMFR0_EL1.PARange is treated as PARange). */
unsigned mmu_ps_bits(const Cpu *c, unsigned ps)
{
    static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    unsigned b = bits[ps & 7];
    return b > c->pa_bits ? c->pa_bits : b;
}

/* Granule log2 from TG0 (stage 1 TCR.TG0 and VTCR_EL2.TG0 share it). */
static unsigned tg0_bits(unsigned tg)
{
    switch (tg & 3) {
    case 1: return 16;
    case 2: return 14;
    default: return 12;   /* 0, and reserved 3: IMPLEMENTATION DEFINED -> 4K */
    }
}

/* Granule log2 from TCR_EL1.TG1 (different encoding). */
static unsigned tg1_bits(unsigned tg)
{
    switch (tg & 3) {
    case 1: return 14;
    case 3: return 16;
    default: return 12;   /* 2, and reserved 0 -> 4K */
    }
}

static unsigned clamp_txsz(unsigned t)
{
    /* ARMv8.0: 16 <= TxSZ <= 39; other values are clamped (a permitted
     * IMPLEMENTATION DEFINED choice, as QEMU does). */
    return t < 16 ? 16 : t > 39 ? 39 : t;
}

/* First lookup level for INSIZE input bits and granule GBITS (D5.2.6). */
static int start_level(unsigned insize, unsigned gbits)
{
    unsigned stride = gbits - 3;
    return 4 - (int)(1 + (insize - gbits - 1) / stride);
}

/* Can a block descriptor appear at LEVEL with this granule? (D5.3.1) */
static bool block_ok(unsigned gbits, int level)
{
    if (gbits == 12)
        return level == 1 || level == 2;
    return level == 2;   /* 16K and 64K: 32 MiB / 512 MiB blocks at level 2 */
}

static void set_fault(Fault *f, FaultType t, int level, bool s2)
{
    f->type = t;
    f->level = level;
    f->stage2 = s2;
}

/* Read a descriptor at PA (NS selects the PA space).  False on an access to
 * nothing/ device error (-> synchronous External abort on the walk). */
static bool read_desc(Cpu *c, u64 pa, bool ns, u64 *d)
{
    MemRegion *reg = phys_find(c->m, pa);
    if (!reg || (reg->secure_only && ns) || pa - reg->base + 8 > reg->size)
        return false;
    if (phys_reads_host(reg)) {
        memcpy(d, reg->host + (pa - reg->base), 8);
        return true;
    }
    return reg->read && reg->read(reg->opaque, c, pa - reg->base, 8, d);
}

/* Generic walk shared by both stages.  Returns the leaf descriptor, or false
 * with *f set (type, level; stage2/s1ptw/ipa set by the caller). */
typedef struct WalkIn {
    u64 addr;             /* input address (VA with top bits stripped, or IPA) */
    unsigned insize;      /* input address bits */
    unsigned gbits;       /* granule log2 */
    int level;            /* start level */
    u64 base;             /* table base (PA or, for stage 1 with S2, IPA) */
    unsigned outsize;     /* output address bits */
    bool ns;              /* PA space of the first table */
    bool secure_regime;   /* NSTable honoured */
    bool stage2;
    MmuIdx idx;           /* stage 1: regime (for S1PTW) */
} WalkIn;

typedef struct WalkOut {
    u64 desc;
    int level;
    u64 oa;               /* output address of the access */
    unsigned page_bits;
    unsigned aptable;     /* accumulated APTable */
    bool xntable, pxntable, ns;
} WalkOut;

static bool walk(Cpu *c, const WalkIn *in, WalkOut *o, Fault *f)
{
    unsigned stride = in->gbits - 3;
    int level = in->level;
    u64 base = in->base;
    bool ns = in->ns;
    unsigned top = in->insize - 1;
    o->aptable = 0;
    o->xntable = o->pxntable = false;
    for (;;) {
        unsigned bottom = (3 - level) * stride + in->gbits;
        u64 index = extract64(in->addr, bottom, top - bottom + 1);
        u64 descaddr = base + index * 8;
        if (!in->stage2 && mmu_s2_enabled(c, in->idx)) {
            /* The stage-1 table access is an IPA: translate it (S1PTW). */
            TransResult s2;
            if (!mmu_walk_s2(c, descaddr, ACC_READ, true, &s2, f))
                return false;
            if ((c->hcr_el2 & HCR_EL2_PTW) && (s2.attr & 0xf0) == 0) {
                /* HCR_EL2.PTW: a stage-1 walk to Device memory is a stage-2
                 * Permission fault (D5.2.x "Stage 2 fault on a stage 1 walk"). */
                set_fault(f, FAULT_PERMISSION, s2.walk_level, true);
                f->s1ptw = true;
                f->ipa = descaddr;
                return false;
            }
            descaddr = s2.pa;
        }
        u64 d;
        if (!read_desc(c, descaddr, ns, &d)) {
            set_fault(f, FAULT_SYNC_EXT_WALK, level, in->stage2);
            return false;
        }
        if (!(d & DESC_VALID) || (level == 3 && !(d & DESC_TABLE)) ||
            (level < 3 && !(d & DESC_TABLE) && !block_ok(in->gbits, level))) {
            set_fault(f, FAULT_TRANSLATION, level, in->stage2);
            return false;
        }
        if (level < 3 && (d & DESC_TABLE)) {
            /* Table descriptor. */
            u64 next = d & OA_MASK & ~((1ull << in->gbits) - 1);
            if (next >> in->outsize) {
                set_fault(f, FAULT_ADDRSIZE, level, in->stage2);
                return false;
            }
            if (!in->stage2) {
                o->aptable |= DESC_APTABLE(d);
                o->xntable |= (d & DESC_XNTABLE) != 0;
                o->pxntable |= (d & DESC_PXNTABLE) != 0;
                if (in->secure_regime && (d & DESC_NSTABLE))
                    ns = true;
            }
            base = next;
            level++;
            top = bottom - 1;
            continue;
        }
        /* Block or page descriptor. */
        u64 oa = d & OA_MASK & ~((1ull << bottom) - 1);
        if (oa >> in->outsize) {
            set_fault(f, FAULT_ADDRSIZE, level, in->stage2);
            return false;
        }
        o->desc = d;
        o->level = level;
        o->page_bits = bottom;
        o->oa = oa | extract64(in->addr, 0, bottom);
        o->ns = in->secure_regime ? (ns || (d & DESC_NS)) : ns;
        return true;
    }
}

/* ---- stage 1 ---- */

static bool is_e10(MmuIdx idx)
{
    return idx <= MMU_S_E10_1;
}

bool mmu_walk_s1(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *r, Fault *f)
{
    (void)acc;
    WalkIn in = {.idx = idx};
    u64 tcr, ttbr, mair, sctlr;
    unsigned el = idx == MMU_E3 ? 3 : idx == MMU_E2 ? 2 : 1;
    bool tbi, epd, upper = false;
    unsigned txsz, gbits, ps;
    tcr = c->tcr_el[el];
    mair = c->mair_el[el];
    sctlr = c->sctlr_el[el];
    if (is_e10(idx)) {
        upper = (va >> 55) & 1;
        tbi = upper ? (tcr & TCR_TBI1) : (tcr & TCR_TBI0);
        if (upper) {
            txsz = (unsigned)extract64(tcr, TCR_T1SZ_SHIFT, 6);
            epd = tcr & TCR_EPD1;
            gbits = tg1_bits((unsigned)extract64(tcr, TCR_TG1_SHIFT, 2));
            ttbr = c->ttbr1_el1;
        } else {
            txsz = (unsigned)extract64(tcr, TCR_T0SZ_SHIFT, 6);
            epd = tcr & TCR_EPD0;
            gbits = tg0_bits((unsigned)extract64(tcr, TCR_TG0_SHIFT, 2));
            ttbr = c->ttbr0_el[1];
        }
        ps = (unsigned)extract64(tcr, TCR_IPS_SHIFT, 3);
        /* ASID from TTBR0 or TTBR1 per TCR_EL1.A1; 8 bits unless TCR_EL1.AS. */
        u64 asid = ((tcr & TCR_A1) ? c->ttbr1_el1 : c->ttbr0_el[1]) >> 48;
        r->asid = (u16)((tcr & TCR_AS) ? asid : asid & 0xff);
    } else {
        tbi = (tcr >> 20) & 1;
        txsz = (unsigned)extract64(tcr, 0, 6);
        epd = false;
        gbits = tg0_bits((unsigned)extract64(tcr, 14, 2));
        ttbr = c->ttbr0_el[el];
        ps = (unsigned)extract64(tcr, 16, 3);
        r->asid = 0;
    }
    txsz = clamp_txsz(txsz);
    in.insize = 64 - txsz;
    in.gbits = gbits;
    in.outsize = mmu_ps_bits(c, ps);
    in.stage2 = false;
    in.secure_regime = idx == MMU_E3 || idx == MMU_S_E10_0 || idx == MMU_S_E10_1;
    in.ns = !in.secure_regime;
    /* Input address range: bits [top:insize] must all equal the select bit
     * (TTBR1: ones, else zeros); else Translation fault at level 0. */
    unsigned top = tbi ? 55 : 63;
    u64 hi = extract64(va, in.insize, top - in.insize + 1);
    u64 want = upper ? MASK64(0, top - in.insize + 1) : 0;
    if (hi != want || epd) {
        set_fault(f, FAULT_TRANSLATION, 0, false);
        return false;
    }
    in.addr = va & MASK64(0, in.insize);
    in.level = start_level(in.insize, gbits);
    /* Table base: TTBR.BADDR[47:x], x from the start table size; bits above
     * the output size -> Address size fault at level 0. */
    unsigned stride = gbits - 3;
    unsigned lowbound = 3 + in.insize - ((3 - in.level) * stride + gbits);
    if (lowbound < 4)
        lowbound = 4;   /* a table is at least 16 bytes (16K level 0: 2 entries) */
    u64 baddr = ttbr & 0x0000fffffffffffeull;
    if (baddr >> in.outsize) {
        set_fault(f, FAULT_ADDRSIZE, 0, false);
        return false;
    }
    in.base = baddr & ~((1ull << lowbound) - 1);

    WalkOut o;
    if (!walk(c, &in, &o, f))
        return false;   /* stage1 fault, or stage-2 fault on the walk (S1PTW) */
    u64 d = o.desc;
    r->pa = o.oa;
    r->ns = o.ns;
    r->page_bits = o.page_bits;
    r->walk_level = (u8)o.level;
    r->global = !(d & DESC_NG) || !is_e10(idx);
    r->attr = (u8)(mair >> (8 * DESC_ATTRINDX(d)));
    r->sh = (u8)DESC_SH(d);

    if (!(d & DESC_AF)) {
        set_fault(f, FAULT_ACCESS, o.level, false);
        return false;
    }
    /* Permissions (D5.4 "Memory access control", AArch64.CheckPermission). */
    unsigned ap = DESC_AP(d);            /* bit1 = AP[2] read-only, bit0 = AP[1] EL0 */
    if (o.aptable & 2)
        ap |= 2;
    bool wxn = (sctlr & SCTLR_WXN) != 0;
    unsigned perm;
    if (is_e10(idx)) {
        if (o.aptable & 1)
            ap &= ~1u;
        bool user_r = ap & 1, user_w = (ap & 1) && !(ap & 2), priv_w = !(ap & 2);
        bool uxn = (d & DESC_XN) || o.xntable;
        bool pxn = (d & DESC_PXN) || o.pxntable;
        if (idx == MMU_NS_E10_0 || idx == MMU_S_E10_0) {
            bool x = !uxn && user_r && !(wxn && user_w);
            perm = (user_r ? 1 : 0) | (user_w ? 2 : 0) | (x ? 4 : 0);
        } else {
            bool x = !pxn && !user_w && !(wxn && priv_w);
            perm = 1 | (priv_w ? 2 : 0) | (x ? 4 : 0);
        }
    } else {
        bool w = !(ap & 2);
        bool xn = (d & DESC_XN) || o.xntable;
        perm = 1 | (w ? 2 : 0) | (!xn && !(wxn && w) ? 4 : 0);
    }
    r->perm = (u8)perm;
    return true;
}

/* ---- stage 2 ---- */

/* Stage-2 MemAttr[3:0] in MAIR format (D5.5.5). */
static u8 s2_attr_to_mair(unsigned memattr)
{
    unsigned hi = (memattr >> 2) & 3, lo = memattr & 3;
    if (hi == 0)
        return (u8)(lo << 2);          /* Device-nGnRnE/nGnRE/nGRE/GRE */
    static const u8 nib[4] = {0x4, 0x4, 0xa, 0xf};   /* -, NC, WT, WB */
    if (lo == 0)
        return (u8)(nib[hi] << 4 | 0x4);   /* reserved inner -> NC (UNPREDICTABLE) */
    return (u8)(nib[hi] << 4 | nib[lo]);
}

static bool walk_s2(Cpu *c, u64 ipa, bool s1ptw, TransResult *r, Fault *f)
{
    u64 vtcr = c->vtcr_el2;
    WalkIn in = {.stage2 = true, .idx = MMU_NS_E10_1};
    unsigned t0sz = clamp_txsz((unsigned)extract64(vtcr, 0, 6));
    unsigned sl0 = (unsigned)extract64(vtcr, 6, 2);
    in.gbits = tg0_bits((unsigned)extract64(vtcr, 14, 2));
    in.insize = 64 - t0sz;
    in.outsize = mmu_ps_bits(c, (unsigned)extract64(vtcr, 16, 3));
    in.ns = true;
    in.secure_regime = false;
    if (ipa >> in.insize) {
        set_fault(f, FAULT_TRANSLATION, 0, true);
        return false;
    }
    /* Start level from SL0 (VTCR_EL2.SL0 meaning depends on the granule). */
    int level = in.gbits == 12 ? 2 - (int)sl0 : 3 - (int)sl0;
    unsigned stride = in.gbits - 3;
    /* SL0=3 is reserved; 4K level-0 start needs a PA range of 44+ bits; an
     * IPA wider than the output size is CONSTRAINED UNPREDICTABLE: fault. */
    bool bad = sl0 == 3 || (in.gbits == 12 && sl0 == 2 && c->pa_bits < 44) ||
               in.insize > in.outsize;
    if (!bad) {
        /* The start table may be up to 16 concatenated tables (D5.2.7);
         * fewer index bits than a single table would need one more level. */
        int bits = (int)in.insize - (int)((3 - level) * stride + in.gbits);
        bad = bits < 1 || bits > (int)stride + 4;
    }
    if (bad) {
        set_fault(f, FAULT_TRANSLATION, level < 0 ? 0 : level, true);
        return false;
    }
    in.level = level;
    in.addr = ipa;
    unsigned lowbound = 3 + in.insize - ((3 - level) * stride + in.gbits);
    if (lowbound < 4)
        lowbound = 4;
    u64 baddr = c->vttbr_el2 & 0x0000fffffffffffeull;
    if (baddr >> in.outsize) {
        set_fault(f, FAULT_ADDRSIZE, 0, true);
        return false;
    }
    in.base = baddr & ~((1ull << lowbound) - 1);
    WalkOut o;
    if (!walk(c, &in, &o, f))
        return false;
    u64 d = o.desc;
    r->pa = o.oa;
    r->ns = true;
    r->page_bits = o.page_bits;
    r->walk_level = (u8)o.level;
    r->vmid = (u16)((c->vttbr_el2 >> 48) & 0xff);
    r->attr = s2_attr_to_mair((unsigned)extract64(d, 2, 4));
    r->sh = (u8)DESC_SH(d);
    if (!(d & DESC_AF)) {
        set_fault(f, FAULT_ACCESS, o.level, true);
        return false;
    }
    unsigned s2ap = DESC_AP(d);   /* bit0 read, bit1 write */
    r->perm = (u8)((s2ap & 1 ? 1 : 0) | (s2ap & 2 ? 2 : 0) | (d & DESC_XN ? 0 : 4));
    if (s1ptw && !(r->perm & 1)) {
        /* Stage-1 table reads need stage-2 read permission. */
        set_fault(f, FAULT_PERMISSION, o.level, true);
        return false;
    }
    return true;
}

bool mmu_walk_s2(Cpu *c, u64 ipa, AccType acc, bool s1ptw, TransResult *r, Fault *f)
{
    (void)acc;
    if (walk_s2(c, ipa, s1ptw, r, f))
        return true;
    /* The fault keeps the level of the stage-2 lookup that failed, also on
     * a stage-1 walk (AArch64.TranslationTableWalk propagates it). */
    f->stage2 = true;
    f->s1ptw = s1ptw;
    f->ipa = ipa;
    return false;
}
