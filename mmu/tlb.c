/*
 * mmu/tlb.c — the per-core soft TLB and the slow paths of loads, stores and
 * instruction fetch: translate, check alignment (Arm ARM B2.5), raise the
 * architectural abort, access RAM or MMIO, refill the TLB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/regs.h"
#include "decoder/decode.h"
#include "cpu/debug.h"
#include "exceptions/exceptions.h"
#include "mmu/mmu.h"
#include "trace/tarmac.h"
#include "trace/trace.h"

void tlb_init(Cpu *c)
{
    c->tlb = calloc(1, sizeof(TlbSet));
    if (!c->tlb)
        hs_fatal("out of memory allocating a TLB");
    tlb_flush_all(c);
}

static void clear_entry(TlbSet *t, unsigned idx, unsigned i)
{
    if (t->x[idx][i].valid && t->x[idx][i].page_bits > TLB_PAGE_BITS)
        t->nlarge[idx]--;
    t->e[idx][i].tag_r = t->e[idx][i].tag_w = t->e[idx][i].tag_x = TLB_TAG_INVALID;
    t->e[idx][i].addend = 0;
    t->x[idx][i].valid = 0;
}

void tlb_flush_idx(Cpu *c, MmuIdx idx)
{
    for (unsigned i = 0; i < TLB_ENTRIES; i++)
        clear_entry(c->tlb, idx, i);
    c->tlb->nlarge[idx] = 0;
    c->tlb->gen++;
    c->pending |= PEND_REFETCH;
}

void tlb_flush_all(Cpu *c)
{
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++)
        tlb_flush_idx(c, (MmuIdx)idx);
}

static bool entry_matches(const TlbExtra *x, const TlbMatch *m)
{
    if (!x->valid)
        return false;
    if (m->vmid >= 0 && x->vmid != (u16)m->vmid)
        return false;
    if (m->by_va) {
        /* VA[55:page_bits]: the whole block/page the entry came from. */
        unsigned b = x->page_bits;
        if (((x->va_page ^ m->va) & MASK64(b, 56 - b)) != 0)
            return false;
        return m->asid < 0 || x->global || x->asid == (u16)m->asid;
    }
    return m->asid < 0 || (!x->global && x->asid == (u16)m->asid);
}

void tlb_flush_match(Cpu *c, MmuIdx idx, const TlbMatch *m)
{
    TlbSet *t = c->tlb;
    if (m->by_va && !t->nlarge[idx]) {
        /* Only 4 KiB translations cached: VA's own slot is the only one. */
        unsigned i = (m->va >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1);
        if (entry_matches(&t->x[idx][i], m))
            clear_entry(t, idx, i);
    } else {
        for (unsigned i = 0; i < TLB_ENTRIES; i++)
            if (entry_matches(&t->x[idx][i], m))
                clear_entry(t, idx, i);
    }
    t->gen++;
    c->pending |= PEND_REFETCH;
}

void tlb_flush_va(Cpu *c, MmuIdx idx, u64 va, int asid)
{
    TlbMatch m = {.by_va = true, .va = va, .asid = asid, .vmid = -1};
    tlb_flush_match(c, idx, &m);
}

void tlb_flush_asid(Cpu *c, MmuIdx idx, u16 asid)
{
    TlbMatch m = {.asid = asid, .vmid = -1};
    tlb_flush_match(c, idx, &m);
}

/* Regime's SCTLR for alignment checks. */
static u64 regime_sctlr(const Cpu *c, MmuIdx idx)
{
    switch (idx) {
    case MMU_E3: return c->sctlr_el[3];
    case MMU_E2: return c->sctlr_el[2];
    default: return c->sctlr_el[1];
    }
}

static bool is_device(u8 attr)
{
    return (attr & 0xf0) == 0;
}

static void fill(Cpu *c, u64 va, MmuIdx idx, const TransResult *r, MemRegion *reg)
{
    unsigned i = (va >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1);
    TlbEntry *e = &c->tlb->e[idx][i];
    TlbExtra *x = &c->tlb->x[idx][i];
    u64 vpage = va & TLB_PAGE_MASK;
    u64 ppage = r->pa & TLB_PAGE_MASK;
    clear_entry(c->tlb, idx, i);
    if (!phys_reads_host(reg))   /* MMIO, or a ROM device in io_mode */
        return;
    /* Watchpoints/breakpoints keep their pages on the slow path; Tarmac
     * keeps data accesses there (to log them) but lets fetches be cached. */
    bool data = true;
    if (unlikely(c->m->slow & (SLOW_BREAK | SLOW_TARMAC))) {
        if (c->m->slow & SLOW_BREAK)
            return;
        data = false;
    }
    /* A page holding an armed guest hardware watchpoint is not cached
     * either: its accesses go through the slow path (cpu/debug.h). */
    if (unlikely(c->watch_armed) && debug_watch_page(c, va))
        return;
    e->addend = (uintptr_t)(reg->host + (ppage - reg->base)) - vpage;
    if ((r->perm & 1) && data)
        e->tag_r = vpage;
    if ((r->perm & 2) && !reg->readonly && data) {
        e->tag_w = vpage;
        phys_mark_dirty(reg, ppage);   /* writes through this entry dirty the page */
    }
    if (r->perm & 4)
        e->tag_x = vpage;
    x->pa_page = ppage;
    x->region = reg;
    x->va_page = vpage;
    x->asid = r->asid;
    x->vmid = r->vmid;
    x->global = r->global;
    x->page_bits = (u8)r->page_bits;
    x->valid = 1;
    if (r->page_bits > TLB_PAGE_BITS)
        c->tlb->nlarge[idx]++;
}

static NORETURN void raise_simple(Cpu *c, u64 va, AccType acc, unsigned flags, FaultType t)
{
    Fault f = {.type = t, .level = -1};
    mmu_raise_fault(c, va, acc, flags, &f);
}

/* --trace mmu: one line per translation done by the slow path. */
static void trace_translation(Cpu *c, u64 va, AccType acc, MmuIdx idx, const TransResult *r,
                              const Fault *f)
{
    if (!trace_wanted(c, c->el, va))
        return;
    static const char *const regime[MMU_IDX_COUNT] = {"NS-EL10/0", "NS-EL10/1", "S-EL10/0",
                                                      "S-EL10/1", "EL2", "EL3"};
    static const char *const kind[] = {"read", "write", "fetch"};
    FILE *out = trace_out(c->m);
    trace_prefix(c);
    fprintf(out, "MMU  %s %s VA 0x%llx", regime[idx], kind[acc], (unsigned long long)va);
    if (r)
        fprintf(out, " -> PA 0x%llx%s attr 0x%02x perm %c%c%c size 2^%u%s asid %u vmid %u\n",
                (unsigned long long)r->pa, r->ns ? " NS" : " S", r->attr, r->perm & 1 ? 'r' : '-',
                r->perm & 2 ? 'w' : '-', r->perm & 4 ? 'x' : '-', r->page_bits,
                r->global ? " global" : "", r->asid, r->vmid);
    else
        fprintf(out, ": fault FSC 0x%02x level %d%s%s ipa 0x%llx\n", mmu_fault_fsc(f), f->level,
                f->stage2 ? " stage 2" : "", f->s1ptw ? " (S1PTW)" : "",
                (unsigned long long)f->ipa);
}

/* Translate + locate; raises on any fault.  Returns the region. */
static MemRegion *resolve(Cpu *c, u64 va, unsigned size, AccType acc, MmuIdx idx,
                          unsigned flags, TransResult *r)
{
    Fault f;
    if ((va & (size - 1)) && ((flags & MEMF_ALIGN) || (regime_sctlr(c, idx) & SCTLR_A)))
        raise_simple(c, va, acc, flags, FAULT_ALIGNMENT);
    bool ok = mmu_translate(c, va, acc, idx, r, &f);
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_MMU)))
        trace_translation(c, va, acc, idx, ok ? r : NULL, &f);
    if (!ok)
        mmu_raise_fault(c, va, acc, flags, &f);
    if ((va & (size - 1)) && acc != ACC_EXEC && is_device(r->attr))
        raise_simple(c, va, acc, flags, FAULT_ALIGNMENT);
    MemRegion *reg = phys_find(c->m, r->pa);
    if (!reg || (reg->secure_only && r->ns) || (acc == ACC_WRITE && reg->readonly && reg->host && !reg->rom_device)) {
        if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_MMIO)))
            trace_mmio(c, reg ? reg->name : "(nothing)", r->pa, size, 0, acc == ACC_WRITE, false);
        raise_simple(c, va, acc, flags, FAULT_SYNC_EXT);
    }
    return reg;
}

u64 mmu_probe_pa(Cpu *c, u64 va, unsigned size, AccType acc, MmuIdx idx, unsigned flags,
                 const u8 **host)
{
    TransResult r;
    MemRegion *reg = resolve(c, va, size, acc, idx, flags, &r);
    *host = reg->host ? reg->host + (r.pa - reg->base) : NULL;
    return r.pa;
}

/* Accesses that cross a 4 KiB page: split into bytes (each checked). */
static bool crosses(u64 va, unsigned size)
{
    return ((va & (TLB_PAGE_SIZE - 1)) + size) > TLB_PAGE_SIZE;
}

/* One access that does not cross a page (or a byte of one that does):
 * translate, check, access; *PA gets its physical address. */
static u64 read_one(Cpu *c, u64 va, unsigned size, MmuIdx idx, unsigned flags, u64 *pa)
{
    TransResult r;
    c->tlb->misses++;
    MemRegion *reg = resolve(c, va, size, ACC_READ, idx, flags, &r);
    *pa = r.pa;
    if (unlikely(c->watch_armed))
        debug_check_watchpoint(c, va, size, false, flags);
    if (phys_reads_host(reg)) {
        fill(c, va, idx, &r, reg);
        return ld_host(reg->host + (r.pa - reg->base), size);
    }
    u64 v = 0;
    bool ok = reg->read && reg->read(reg->opaque, c, r.pa - reg->base, size, &v);
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_MMIO)))
        trace_mmio(c, reg->name, r.pa, size, v, false, ok);
    if (!ok)
        raise_simple(c, va, ACC_READ, flags, FAULT_SYNC_EXT);
    return v;
}

u64 mmu_read_slow(Cpu *c, u64 va, unsigned size, MmuIdx idx, unsigned flags)
{
    u64 v = 0, pa, pa_byte;
    if (unlikely(c->m->slow & SLOW_BREAK) && c->m->hooks.mem_watch)   /* may abandon the instruction */
        c->m->hooks.mem_watch(c->m->hooks.debug_opaque, c, va, size, false, flags);
    if (crosses(va, size) && !(flags & MEMF_ALIGN) && !(regime_sctlr(c, idx) & SCTLR_A)) {
        /* Translate both pages before reading, so a fault leaves no effect. */
        TransResult r;
        c->tlb->misses++;
        /* Full size first: an unaligned access to Device memory faults. */
        resolve(c, va, size, ACC_READ, idx, flags, &r);
        pa = r.pa;
        resolve(c, va + size - 1, 1, ACC_READ, idx, flags, &r);
        for (unsigned i = 0; i < size; i++)
            v |= read_one(c, va + i, 1, idx, flags, &pa_byte) << (8 * i);
    } else {
        v = read_one(c, va, size, idx, flags, &pa);
    }
    if (unlikely(HS_TRACE_ON && (c->m->slow & SLOW_TARMAC)))
        tarmac_mem(c, va, pa, size, v, false);
    return v;
}

static void write_one(Cpu *c, u64 va, unsigned size, u64 val, MmuIdx idx, unsigned flags, u64 *pa)
{
    TransResult r;
    c->tlb->misses++;
    MemRegion *reg = resolve(c, va, size, ACC_WRITE, idx, flags, &r);
    *pa = r.pa;
    if (unlikely(c->watch_armed))
        debug_check_watchpoint(c, va, size, true, flags);
    if (reg->host && !reg->rom_device) {
        u8 *h = reg->host + (r.pa - reg->base);
        fill(c, va, idx, &r, reg);
        phys_mark_dirty(reg, r.pa);
        if (c->m->excl_holders)
            excl_store_hook(c, h, size);
        st_host(h, size, val);
        return;
    }
    bool ok = reg->write && reg->write(reg->opaque, c, r.pa - reg->base, size, val);
    if (unlikely(HS_TRACE_ON && (c->m->trace & TRACE_MMIO)))
        trace_mmio(c, reg->name, r.pa, size, val, true, ok);
    if (!ok)
        raise_simple(c, va, ACC_WRITE, flags, FAULT_SYNC_EXT);
}

void mmu_write_slow(Cpu *c, u64 va, unsigned size, u64 val, MmuIdx idx, unsigned flags)
{
    u64 pa, pa_byte;
    if (unlikely(c->m->slow & SLOW_BREAK) && c->m->hooks.mem_watch)   /* may abandon the instruction */
        c->m->hooks.mem_watch(c->m->hooks.debug_opaque, c, va, size, true, flags);
    if (crosses(va, size) && !(flags & MEMF_ALIGN) && !(regime_sctlr(c, idx) & SCTLR_A)) {
        TransResult r;
        c->tlb->misses++;
        resolve(c, va, size, ACC_WRITE, idx, flags, &r);
        pa = r.pa;
        resolve(c, va + size - 1, 1, ACC_WRITE, idx, flags, &r);
        for (unsigned i = 0; i < size; i++)
            write_one(c, va + i, 1, (val >> (8 * i)) & 0xff, idx, flags, &pa_byte);
    } else {
        write_one(c, va, size, val, idx, flags, &pa);
    }
    if (unlikely(HS_TRACE_ON && (c->m->slow & SLOW_TARMAC)))
        tarmac_mem(c, va, pa, size, val, true);
}

void mmu_fetch_page(Cpu *c, u64 va, const u8 **host, DecodedInsn **code)
{
    MmuIdx idx = (MmuIdx)c->mmu_idx;
    unsigned i = (va >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1);
    TlbEntry *e = &c->tlb->e[idx][i];
    TlbExtra *x = &c->tlb->x[idx][i];
    if (e->tag_x != (va & TLB_PAGE_MASK) || !x->valid) {
        TransResult r;
        MemRegion *reg = resolve(c, va, 4, ACC_EXEC, idx, 0, &r);
        if (!phys_reads_host(reg))
            raise_simple(c, va, ACC_EXEC, 0, FAULT_SYNC_EXT);   /* fetch from MMIO */
        fill(c, va, idx, &r, reg);
        if (!x->valid) {   /* not cacheable (breakpoints active): compute directly */
            u64 ppage = r.pa & TLB_PAGE_MASK;
            *host = reg->host + (ppage - reg->base);
            *code = reg->code + (ppage - reg->base) / 4;
            return;
        }
    }
    u64 off = x->pa_page - x->region->base;
    *host = x->region->host + off;
    *code = x->region->code + off / 4;
}
