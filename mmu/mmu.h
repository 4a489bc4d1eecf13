/*
 * mmu/mmu.h — virtual memory access for instruction handlers: per-core soft
 * TLB (one set per translation regime, QEMU's mmu_idx idea), the inline
 * fast path for loads/stores/fetch, and the translation interface that the
 * slow path uses (stage 1 + stage 2, Arm ARM D5 "The AArch64 Virtual Memory
 * System Architecture").
 *
 * Fast path: an entry's tag equals the page-aligned VA when that access kind
 * is permitted and the page is RAM; low tag bits (misalignment, MMIO,
 * watchpoints, invalid) make the compare fail and send the access to the
 * slow path, which translates, checks, raises the architectural abort on a
 * fault (longjmp, never returns) and refills the entry.
 */
#ifndef EMU_MMU_MMU_H
#define EMU_MMU_MMU_H

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/machine_core.h"

/* Translation regime + privilege of an access (Arm ARM D5.1 / QEMU mmu_idx). */
typedef enum MmuIdx {
    MMU_NS_E10_0,  /* Non-secure EL1&0 regime, EL0 access (incl. LDTR/STTR) */
    MMU_NS_E10_1,  /* Non-secure EL1&0 regime, EL1 access */
    MMU_S_E10_0,   /* Secure EL1&0, EL0 access */
    MMU_S_E10_1,   /* Secure EL1&0, EL1 access */
    MMU_E2,        /* EL2 regime (Non-secure only in ARMv8.0) */
    MMU_E3,        /* EL3 regime */
    MMU_IDX_COUNT
} MmuIdx;

typedef enum AccType { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 } AccType;

/* Extra access properties for the slow path. */
enum {
    MEMF_ALIGN = 1u << 0,   /* must be naturally aligned (exclusives, acquire/release) */
    MEMF_EXCL = 1u << 1,    /* exclusive access */
    MEMF_DC = 1u << 2,      /* cache maintenance or AT (not DC ZVA): ISS.CM=1, WnR=1 */
    MEMF_AT = 1u << 3,      /* address translation instruction: report, don't raise */
    MEMF_NOFAULT = 1u << 4, /* debugger access: return failure instead of raising */
    MEMF_NOPERM = 1u << 5,  /* mmu_translate_ex: no permission check (CMOs at EL1+) */
    MEMF_S1ONLY = 1u << 6,  /* mmu_translate_ex: stop after stage 1 (AT S1E*): IPA out */
};

#define TLB_PAGE_BITS 12
#define TLB_PAGE_SIZE (1ull << TLB_PAGE_BITS)
#define TLB_PAGE_MASK (~(TLB_PAGE_SIZE - 1))
#define TLB_BITS 8
#define TLB_ENTRIES (1u << TLB_BITS)
/* Never equals va & (TLB_PAGE_MASK | (size - 1)) for any access (size <= 16):
 * with 1, an odd-address access to VA page 0 hit an empty entry (found by
 * tests/diff/diff_int.c: ldrh at VA 0x27 used a NULL host addend). */
#define TLB_TAG_INVALID (1ull << 11)

typedef struct TlbEntry {
    u64 tag_r, tag_w, tag_x;  /* page VA if permitted & RAM, else has low bits set */
    uintptr_t addend;         /* host = va + addend */
} TlbEntry;
_Static_assert(sizeof(TlbEntry) == 32, "TlbEntry must stay 32 bytes");

/* Cold data kept beside each entry for the slow path and traces. */
typedef struct TlbExtra {
    u64 pa_page;          /* physical page */
    MemRegion *region;    /* region holding pa_page */
    u64 va_page;          /* VA page the entry maps (TLBI by VA of a block) */
    u16 asid, vmid;       /* tags for selective TLBI */
    u8 global;            /* nG=0 */
    u8 valid;
    u8 page_bits;         /* log2 size of the translation it came from (>= 12) */
} TlbExtra;

struct TlbSet {
    TlbEntry e[MMU_IDX_COUNT][TLB_ENTRIES];
    TlbExtra x[MMU_IDX_COUNT][TLB_ENTRIES];
    u64 gen;              /* bumped on every flush; invalidates cached fetch pages */
    u64 hits, misses;     /* slow-path counters (statistics) */
    u32 nlarge[MMU_IDX_COUNT]; /* valid entries from blocks > 4 KiB (TLBI by VA scans) */
};

/* Selector of a TLB invalidation (TLBI operation semantics, D5.10.2). */
typedef struct TlbMatch {
    bool by_va;           /* only entries whose translation contains VA */
    u64 va;               /* VA (bits 55:12 compared) */
    int asid;             /* >= 0: non-global entries of this ASID only (global
                           * entries still match a by-VA operation); -1: any */
    int vmid;             /* >= 0: entries of this VMID only; -1: any */
} TlbMatch;

/* Result of a successful translation. */
typedef struct TransResult {
    u64 pa;               /* physical address */
    bool ns;              /* Non-secure PA space */
    u8 attr;              /* MAIR-format memory attributes (0x00 = Device-nGnRnE) */
    u8 perm;              /* bit0 R, bit1 W, bit2 X for the regime/EL of the access */
    u16 asid, vmid;
    bool global;
    unsigned page_bits;   /* log2 of the mapping size (>= 12) */
    u8 sh;                /* shareability SH[1:0] (0 NSH, 2 OSH, 3 ISH) */
    u8 walk_level;        /* level of the leaf descriptor (PAR, PTW faults) */
} TransResult;

/* Why a translation failed (Arm ARM D5.10 / ESR_ELx.DFSC). */
typedef enum FaultType {
    FAULT_NONE,
    FAULT_ADDRSIZE,       /* 0b0000LL */
    FAULT_TRANSLATION,    /* 0b0001LL */
    FAULT_ACCESS,         /* 0b0010LL, Access flag */
    FAULT_PERMISSION,     /* 0b0011LL */
    FAULT_SYNC_EXT,       /* 0b010000 */
    FAULT_SYNC_EXT_WALK,  /* 0b0101LL, on a table walk */
    FAULT_ALIGNMENT,      /* 0b100001 */
    FAULT_TLB_CONFLICT,   /* 0b110000 */
} FaultType;

typedef struct Fault {
    FaultType type;
    int level;            /* lookup level, or -1 when not applicable */
    bool stage2;          /* fault on stage 2 -> reported to EL2 with HPFAR */
    bool s1ptw;           /* stage-2 fault on a stage-1 table walk */
    u64 ipa;              /* faulting IPA for stage-2 faults */
    bool ea;              /* External abort type (ISS.EA) */
} Fault;

/* Translate VA for an ACC access in regime IDX.  Returns true and fills *res,
 * or false and fills *f.  No side effects on the TLB. (mmu/translate.c) */
bool mmu_translate(Cpu *c, u64 va, AccType acc, MmuIdx idx, TransResult *res, Fault *f);
/* Same with MEMF_NOPERM / MEMF_S1ONLY in FLAGS (AT, cache maintenance). */
bool mmu_translate_ex(Cpu *c, u64 va, AccType acc, MmuIdx idx, unsigned flags,
                      TransResult *res, Fault *f);
/* Output size in bits of a TCR.PS/IPS or VTCR.PS encoding, capped at C's
 * physical address size (Cpu.pa_bits: 40 or 44 by CPU model). */
unsigned mmu_ps_bits(const Cpu *c, unsigned ps);

/* Raise the Instruction/Data Abort for fault F (never returns).
 * Chooses target EL (stage 2 -> EL2, HCR_EL2.TGE, SCR_EL3.EA...), builds
 * ESR (EC, IL, ISS incl. ISV/SAS/SRT/WnR/CM/S1PTW/DFSC), FAR and HPFAR. */
/* Fault status code (ESR DFSC/IFSC, PAR_EL1.FST) of F. */
unsigned mmu_fault_fsc(const Fault *f);

NORETURN void mmu_raise_fault(Cpu *c, u64 va, AccType acc, unsigned flags, const Fault *f);

/* Slow paths (mmu/tlb.c): translate, check, raise or access, refill TLB. */
u64 mmu_read_slow(Cpu *c, u64 va, unsigned size, MmuIdx idx, unsigned flags);
void mmu_write_slow(Cpu *c, u64 va, unsigned size, u64 val, MmuIdx idx, unsigned flags);
/* Translate VA for an ACC access of SIZE bytes (1..16, not crossing a page)
 * in regime IDX with FLAGS, raising the abort a real access would take
 * (alignment, translation/permission, External abort for unbacked PAs), but
 * perform no access and leave the TLB alone.  Returns the physical address
 * and sets *HOST to the host byte for RAM, NULL for MMIO.  Used by the
 * exclusive monitor (Arm ARM B2.9: reservations are on physical addresses)
 * and to check every page of a multi-access store before writing any. */
u64 mmu_probe_pa(Cpu *c, u64 va, unsigned size, AccType acc, MmuIdx idx, unsigned flags,
                 const u8 **host);
/* Translate PC's page for execution; returns host page and predecode array.
 * Raises Instruction Abort on a fault. */
void mmu_fetch_page(Cpu *c, u64 va, const u8 **host, DecodedInsn **code);

/* Invalidate the TLB of core C: all regimes, or only IDX. */
void tlb_flush_all(Cpu *c);
void tlb_flush_idx(Cpu *c, MmuIdx idx);
/* Invalidate entries of regime IDX that map VA (any ASID when asid < 0;
 * LAST_LEVEL ignored: we flush conservatively). */
void tlb_flush_va(Cpu *c, MmuIdx idx, u64 va, int asid);
/* Invalidate entries of regime IDX with ASID (non-global only). */
void tlb_flush_asid(Cpu *c, MmuIdx idx, u16 asid);
/* Invalidate entries of regime IDX selected by M. */
void tlb_flush_match(Cpu *c, MmuIdx idx, const TlbMatch *m);
void tlb_init(Cpu *c);

/* Regime index for an access by core C at EL (D5.1 translation regimes). */
MmuIdx mmu_idx_for_el(const Cpu *c, unsigned el);

/* Hook for the global exclusive monitor: a store to host bytes [h, h+size). */
void excl_store_hook(Cpu *c, const u8 *h, unsigned size);

/* ---- fast paths ---- */

static inline u64 ld_host(const u8 *h, unsigned size)
{
    switch (size) {
    case 1: return *h;
    case 2: { u16 v; memcpy(&v, h, 2); return v; }
    case 4: { u32 v; memcpy(&v, h, 4); return v; }
    default: { u64 v; memcpy(&v, h, 8); return v; }
    }
}

static inline void st_host(u8 *h, unsigned size, u64 v)
{
    switch (size) {
    case 1: *h = (u8)v; break;
    case 2: { u16 t = (u16)v; memcpy(h, &t, 2); break; }
    case 4: { u32 t = (u32)v; memcpy(h, &t, 4); break; }
    default: memcpy(h, &v, 8); break;
    }
}

/* Load SIZE (1/2/4/8) bytes at VA in regime IDX, zero-extended. */
static inline u64 mem_read_idx(Cpu *c, u64 va, unsigned size, MmuIdx idx)
{
    const TlbEntry *e = &c->tlb->e[idx][(va >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1)];
    if (likely(e->tag_r == (va & (TLB_PAGE_MASK | (size - 1)))))
        return ld_host((const u8 *)(uintptr_t)(va + e->addend), size);
    return mmu_read_slow(c, va, size, idx, 0);
}

static inline void mem_write_idx(Cpu *c, u64 va, unsigned size, u64 v, MmuIdx idx)
{
    const TlbEntry *e = &c->tlb->e[idx][(va >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1)];
    if (likely(e->tag_w == (va & (TLB_PAGE_MASK | (size - 1))))) {
        u8 *h = (u8 *)(uintptr_t)(va + e->addend);
        if (unlikely(c->m->excl_holders))
            excl_store_hook(c, h, size);
        st_host(h, size, v);
        return;
    }
    mmu_write_slow(c, va, size, v, idx, 0);
}

/* Loads/stores with extra access properties (MEMF_*, e.g. MEMF_ALIGN for
 * exclusives and acquire/release, Arm ARM B2.5.2): a misaligned access takes
 * the slow path with FLAGS, which raises the Alignment fault (DFSC 0x21);
 * aligned ones use the fast path (the flags only matter for misalignment). */
static inline u64 mem_read_flags(Cpu *c, u64 va, unsigned size, MmuIdx idx, unsigned flags)
{
    if (unlikely(va & (size - 1)))
        return mmu_read_slow(c, va, size, idx, flags);
    return mem_read_idx(c, va, size, idx);
}
static inline void mem_write_flags(Cpu *c, u64 va, unsigned size, u64 v, MmuIdx idx, unsigned flags)
{
    if (unlikely(va & (size - 1))) {
        mmu_write_slow(c, va, size, v, idx, flags);
        return;
    }
    mem_write_idx(c, va, size, v, idx);
}

/* Loads/stores at the current EL's regime. */
static inline u64 mem_read(Cpu *c, u64 va, unsigned size)
{
    return mem_read_idx(c, va, size, (MmuIdx)c->mmu_idx);
}
static inline void mem_write(Cpu *c, u64 va, unsigned size, u64 v)
{
    mem_write_idx(c, va, size, v, (MmuIdx)c->mmu_idx);
}

#endif
