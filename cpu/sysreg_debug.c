/*
 * cpu/sysreg_debug.c — self-hosted debug registers (Arm ARM D2,
 * D17.3) with their traps: MDSCR_EL1.TDCC (EL0 DCC access -> EL1),
 * MDCR_EL2.{TDA,TDOSA,TDRA} (treated as 1 when MDCR_EL2.TDE=1 or
 * HCR_EL2.TGE=1) -> EL2, MDCR_EL3.{TDA,TDOSA} -> EL3.
 *
 * Breakpoint/watchpoint registers: ID_AA64DFR0_EL1 advertises what a
 * Cortex-A53 has: 6 breakpoints (DBGBVR/DBGBCR 0-5), the last two
 * context-aware (4 and 5), and 4 watchpoints (DBGWVR/DBGWCR 0-3), with
 * address, context ID, VMID and linked matching (see debug.h).
 */
#include <stddef.h>
#include <stdio.h>

#include "cpu/debug.h"
#include "exceptions/exceptions.h"
#include "cpu/pmu.h"
#include "exceptions/route.h"
#include "mmu/mmu.h"

#define OFF(f) offsetof(Cpu, f)

typedef enum { DBG_TDA, DBG_TDOSA, DBG_TDRA } DbgGroup;

static SrAccess dbg_trap(Cpu *c, DbgGroup g)
{
    static const u64 el2bit[] = {MDCR_EL2_TDA, MDCR_EL2_TDOSA, MDCR_EL2_TDRA};
    static const char *const el2why[] = {"MDCR_EL2.TDA=1", "MDCR_EL2.TDOSA=1", "MDCR_EL2.TDRA=1"};
    if (c->el <= 1 && route_el2_enabled(c)) {
        const char *why = NULL;
        if (c->mdcr_el2 & el2bit[g])
            why = el2why[g];
        else if (c->mdcr_el2 & MDCR_EL2_TDE)
            why = "MDCR_EL2.TDE=1";
        else if (c->hcr_el2 & HCR_EL2_TGE)
            why = "HCR_EL2.TGE=1";
        if (why) {
            c->trap_reason = why;
            return SR_TRAP_EL2;
        }
    }
    /* MDCR_EL3.TDA also covers MDRAR_EL1 (there is no MDCR_EL3.TDRA). */
    if (c->el <= 2 && cpu_have_el3(c)) {
        if (g != DBG_TDOSA && (c->mdcr_el3 & MDCR_EL3_TDA)) {
            c->trap_reason = "MDCR_EL3.TDA=1";
            return SR_TRAP_EL3;
        }
        if (g == DBG_TDOSA && (c->mdcr_el3 & MDCR_EL3_TDOSA)) {
            c->trap_reason = "MDCR_EL3.TDOSA=1";
            return SR_TRAP_EL3;
        }
    }
    return SR_OK;
}

static SrAccess acc_tda(Cpu *c, const SysRegDesc *r, bool isread) { (void)r; (void)isread; return dbg_trap(c, DBG_TDA); }
static SrAccess acc_tdosa(Cpu *c, const SysRegDesc *r, bool isread) { (void)r; (void)isread; return dbg_trap(c, DBG_TDOSA); }
static SrAccess acc_tdra(Cpu *c, const SysRegDesc *r, bool isread) { (void)r; (void)isread; return dbg_trap(c, DBG_TDRA); }

/* MDCCSR_EL0 at EL0: MDSCR_EL1.TDCC=1 -> EL1 first. */
static SrAccess acc_dcc(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 0 && (c->mdscr_el1 & (1u << 12))) {
        c->trap_reason = "MDSCR_EL1.TDCC=1";
        return SR_TRAP_EL1;
    }
    return dbg_trap(c, DBG_TDA);
}

static void wr_oslar(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    c->oslsr_el1 = (c->oslsr_el1 & ~2ull) | ((v & 1) << 1);
    debug_update(c);
}

/* Plain store + re-arm for registers that affect breakpoints. */
static void wr_dbg(Cpu *c, const SysRegDesc *r, u64 v)
{
    u64 *p = (u64 *)((char *)c + r->offset);
    *p = (*p & ~r->wmask) | (v & r->wmask);
    debug_update(c);
}

#define MDSCR_SS (1u << 0)
#define MDSCR_KDE (1u << 13)
#define MDSCR_MDE (1u << 15)
#define BCR_E 1u

void debug_update(Cpu *c)
{
    bool armed = (c->mdscr_el1 & MDSCR_SS) != 0;
    if (c->mdscr_el1 & MDSCR_MDE)
        for (unsigned i = 0; i < DBG_NUM_BRPS; i++)
            armed |= (c->dbgbcr[i] & BCR_E) != 0;
    if (armed)
        c->pending |= PEND_DEBUG;
    else
        c->pending &= ~PEND_DEBUG;
    bool watch = false;
    if (c->mdscr_el1 & MDSCR_MDE)
        for (unsigned i = 0; i < DBG_NUM_WRPS; i++)
            watch |= (c->dbgwcr[i] & 1) != 0;
    if (watch)
        tlb_flush_all(c);   /* drop soft-TLB entries of (possibly) watched pages */
    c->watch_armed = watch;
}

static bool debug_enabled(const Cpu *c, unsigned *target);

/* DBGBCR<n>_EL1.BT breakpoint types (D2.9.3, AArch64.BreakpointValueMatch):
 * bit 0 = linked; 0b000x address match, 0b001x context ID match, 0b100x
 * VMID match, 0b101x VMID and context ID match.  0b010x (address
 * mismatch) is AArch32 only and 0b011x/0b11xx need ARMv8.1 VHE: reserved
 * here, they behave as disabled (a CONSTRAINED UNPREDICTABLE choice, as
 * QEMU makes).  Context types need a context-aware breakpoint, VMID types
 * EL2. */
enum { BT_ADDR = 0x0, BT_CID = 0x2, BT_VMID = 0x8, BT_VMID_CID = 0xa };

static unsigned bcr_type(const Cpu *c, unsigned n)
{
    unsigned bt = (unsigned)(c->dbgbcr[n] >> 20) & 15;
    unsigned kind = bt & ~1u;
    bool ctx_aware = n >= DBG_FIRST_CTX_BRP;
    if (kind == BT_ADDR)
        return bt;
    if ((kind == BT_CID || kind == BT_VMID || kind == BT_VMID_CID) && ctx_aware &&
        (kind == BT_CID || cpu_have_el2(c)))
        return bt;
    return 0xff;   /* reserved: never matches */
}

/* AArch64.BreakpointValueMatch(n, PC, linked_to) for breakpoint N: the
 * value comparison alone (no EL/security checks).  LINKED_TO: asked on
 * behalf of a linked breakpoint or watchpoint naming N in its LBN, so only
 * an enabled linked context type matches; otherwise linked context types
 * never match on their own. */
static bool bp_value_match(const Cpu *c, unsigned n, bool linked_to)
{
    if (n >= DBG_NUM_BRPS || !(c->dbgbcr[n] & BCR_E))
        return false;
    unsigned bt = bcr_type(c, n);
    if (bt == 0xff)
        return false;
    bool match_addr = (bt & ~1u) == BT_ADDR, linked = bt & 1;
    if (linked_to && (!linked || match_addr))
        return false;
    if (!linked_to && linked && !match_addr)
        return false;
    u64 bvr = c->dbgbvr[n];
    if (match_addr) {
        /* A64 instructions are word aligned: any BAS bit set matches. */
        const u64 va_mask = (1ull << 49) - 4;
        if (!((c->dbgbcr[n] >> 5) & 15) || ((c->pc ^ bvr) & va_mask))
            return false;
    }
    /* Context ID: CONTEXTIDR_EL1 against DBGBVR[31:0], at EL0/EL1. */
    if ((bt & ~1u) == BT_CID || (bt & ~1u) == BT_VMID_CID)
        if (c->el > 1 || (c->contextidr_el1 & 0xffffffffull) != (bvr & 0xffffffffull))
            return false;
    /* VMID: VTTBR_EL2.VMID[7:0] against DBGBVR[39:32], at EL0/EL1 with EL2
     * enabled (8-bit VMIDs: ARMv8.0). */
    if ((bt & ~1u) == BT_VMID || (bt & ~1u) == BT_VMID_CID)
        if (c->el > 1 || !route_el2_enabled(c) || ((c->vttbr_el2 >> 48) & 0xff) != ((bvr >> 32) & 0xff))
            return false;
    return true;
}

/* AArch64.StateMatch(SSC, HMC, PxC, linked, LBN, isbreakpnt): the EL and
 * security checks of a breakpoint or watchpoint control register, then the
 * linked context breakpoint if LINKED.  An LBN that is not a
 * context-aware breakpoint never matches (CONSTRAINED UNPREDICTABLE:
 * disabled). */
static bool state_match(const Cpu *c, u64 ctl, bool linked)
{
    unsigned pxc = (ctl >> 1) & 3, hmc = (ctl >> 13) & 1, ssc = (ctl >> 14) & 3;
    bool el_ok = c->el == 0 ? (pxc & 2) : c->el == 1 ? (pxc & 1) : c->el == 2 ? hmc && cpu_have_el2(c) : false;
    bool sec_ok = ssc == 1 ? c->ns : ssc == 2 ? !c->ns : true;
    if (!el_ok || !sec_ok)
        return false;
    if (!linked)
        return true;
    unsigned lbn = (unsigned)(ctl >> 16) & 15;
    return lbn >= DBG_FIRST_CTX_BRP && bp_value_match(c, lbn, true);
}

/* Watched byte range [*lo, *hi) of watchpoint I, false if it cannot match. */
static bool wp_range(const Cpu *c, unsigned i, u64 *lo, u64 *hi, unsigned *bas)
{
    u64 wcr = c->dbgwcr[i], wvr = c->dbgwvr[i] & ((1ull << 49) - 1);
    if (!(wcr & 1))                          /* disabled */
        return false;
    unsigned mask = (wcr >> 24) & 31;
    *bas = (wcr >> 5) & 0xff;
    if (mask) {
        if (mask < 3)
            return false;                    /* reserved MASK values */
        *lo = wvr & ~((1ull << mask) - 1);
        *hi = *lo + (1ull << mask);
        *bas = 0xff;
        return true;
    }
    if (!*bas)
        return false;
    *lo = wvr & ~7ull;
    *hi = *lo + 8;
    if (wvr & 4)                             /* word-aligned address: BAS[3:0] */
        *bas = (*bas & 0xf) << 4;
    return true;
}

bool debug_watch_page(const Cpu *c, u64 va)
{
    u64 page = va & TLB_PAGE_MASK & ((1ull << 49) - 1), lo, hi;
    unsigned bas;
    for (unsigned i = 0; i < DBG_NUM_WRPS; i++)
        if (wp_range(c, i, &lo, &hi, &bas) && lo < page + TLB_PAGE_SIZE && hi > page)
            return true;
    return false;
}

void debug_check_watchpoint(Cpu *c, u64 va, unsigned size, bool write, unsigned flags)
{
    (void)flags;
    unsigned target;
    if (!(c->mdscr_el1 & MDSCR_MDE) || !debug_enabled(c, &target))
        return;
    u64 a = va & ((1ull << 49) - 1);
    for (unsigned i = 0; i < DBG_NUM_WRPS; i++) {
        u64 wcr = c->dbgwcr[i], lo, hi;
        unsigned bas;
        if (!wp_range(c, i, &lo, &hi, &bas))
            continue;
        unsigned lsc = (wcr >> 3) & 3;
        if (!(lsc & (write ? 2 : 1)))
            continue;
        /* WT=1: linked to the context breakpoint DBGWCR.LBN. */
        if (!state_match(c, wcr, (wcr >> 20) & 1))
            continue;
        bool hit = false;
        for (u64 b = a; b < a + size && !hit; b++)
            hit = b >= lo && b < hi && (hi - lo > 8 || ((bas >> (b - lo)) & 1));
        if (!hit)
            continue;
        snprintf(c->reason_buf, sizeof(c->reason_buf), "hardware watchpoint %u (DBGWVR%u_EL1) %s at EL%u%s", i, i,
                 write ? "store" : "load", c->el,
                 target == 2 ? ((c->mdcr_el2 & MDCR_EL2_TDE) ? ", routed by MDCR_EL2.TDE=1" : ", routed by HCR_EL2.TGE=1") : "");
        unsigned ec = target > c->el ? EC_WATCH_LOWER : EC_WATCH_CUR;
        /* FAR: an address of the access within the watched range (the
         * Arm ARM allows any in the block; this is QEMU's choice too). */
        u64 far = va + (lo > a ? lo - a : 0);
        exc_take_sync(c, target, syn(ec, (write ? 1u << 6 : 0) | 0x22), far, true, c->pc, c->reason_buf);
    }
}

/* Debug target EL and AArch64.GenerateDebugExceptionsFrom(PSTATE.EL, ...). */
static bool debug_enabled(const Cpu *c, unsigned *target)
{
    bool secure = !c->ns;
    *target = (cpu_have_el2(c) && !secure &&
               ((c->hcr_el2 & HCR_EL2_TGE) || (c->mdcr_el2 & MDCR_EL2_TDE))) ? 2 : 1;
    if ((c->oslsr_el1 & 2) || (c->osdlr_el1 & 1))
        return false;
    if (cpu_have_el3(c) && secure && (c->mdcr_el3 & MDCR_EL3_SDD))
        return false;
    if (c->el == *target)
        return (c->mdscr_el1 & MDSCR_KDE) && !(c->daif & PSTATE_D);
    return *target > c->el;
}

/* AArch64.BreakpointMatch(n): breakpoint I fires on this instruction.  A
 * linked address breakpoint (BT=0b0001) also needs its LBN context
 * breakpoint to match. */
static bool bp_matches(const Cpu *c, unsigned i)
{
    if (!bp_value_match(c, i, false))
        return false;
    unsigned bt = bcr_type(c, i);
    return state_match(c, c->dbgbcr[i], bt == (BT_ADDR | 1));
}

static const char *bp_kind(const Cpu *c, unsigned i)
{
    switch (bcr_type(c, i)) {
    case BT_ADDR | 1: return "linked address";
    case BT_CID: return "context ID";
    case BT_VMID: return "VMID";
    case BT_VMID_CID: return "VMID+context ID";
    default: return "address";
    }
}

bool debug_step_active(const Cpu *c)
{
    unsigned target;
    return (c->mdscr_el1 & MDSCR_SS) && debug_enabled(c, &target);
}

/* Software step state machine (D2.12.3), run before each instruction. */
static void check_step(Cpu *c, unsigned target)
{
    bool ex = false, isv = false;
    if (c->ss) {
        if (!c->step_armed || c->icount == c->step_icount) {
            /* active-not-pending: let one instruction execute */
            c->step_armed = true;
            c->step_icount = c->icount;
            return;
        }
        /* the stepped instruction completed: active-pending now */
        c->ss = 0;
        isv = true;   /* an instruction was stepped: EX is valid */
        ex = (c->insn & 0x3fc00000u) == 0x08400000u;   /* LDXR/LDAXR/LDXP/LDAXP */
    }
    c->step_armed = false;
    snprintf(c->reason_buf, sizeof(c->reason_buf), "software step at EL%u (MDSCR_EL1.SS=1)%s", c->el,
             target == 2 ? ((c->mdcr_el2 & MDCR_EL2_TDE) ? ", routed by MDCR_EL2.TDE=1" : ", routed by HCR_EL2.TGE=1") : "");
    unsigned ec = target > c->el ? EC_SSTEP_LOWER : EC_SSTEP_CUR;
    exc_take_sync(c, target, syn(ec, (isv ? 1u << 24 : 0) | (ex ? 1u << 6 : 0) | 0x22), 0, false, c->pc, c->reason_buf);
}

void debug_check_breakpoint(Cpu *c)
{
    unsigned target;
    if (!debug_enabled(c, &target))
        return;
    if (c->mdscr_el1 & MDSCR_SS)
        check_step(c, target);
    if (!(c->mdscr_el1 & MDSCR_MDE))
        return;
    for (unsigned i = 0; i < DBG_NUM_BRPS; i++) {
        if (!bp_matches(c, i))
            continue;
        snprintf(c->reason_buf, sizeof(c->reason_buf), "hardware breakpoint %u (DBGBVR%u_EL1, %s match) at EL%u%s", i, i,
                 bp_kind(c, i), c->el, target == 2 ? ((c->mdcr_el2 & MDCR_EL2_TDE) ? ", routed by MDCR_EL2.TDE=1" : ", routed by HCR_EL2.TGE=1") : "");
        unsigned ec = target > c->el ? EC_BKPT_LOWER : EC_BKPT_CUR;
        exc_take_sync(c, target, syn(ec, 0x22), 0, false, c->pc, c->reason_buf);
    }
}

static u64 rd_claimset(Cpu *c, const SysRegDesc *r) { (void)c; (void)r; return 0xff; }
static void wr_claimset(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->dbgclaim |= v & 0xff; }
static u64 rd_claimclr(Cpu *c, const SysRegDesc *r) { (void)r; return c->dbgclaim; }
static void wr_claimclr(Cpu *c, const SysRegDesc *r, u64 v) { (void)r; c->dbgclaim &= ~(v & 0xff); }

/* DBGAUTHSTATUS_EL1: Non-secure invasive/non-invasive debug implemented and
 * enabled (0b11 each); Secure ones implemented, enabled unless
 * MDCR_EL3.SDD=1 disables Secure invasive debug (0b10). */
static u64 rd_authstatus(Cpu *c, const SysRegDesc *r)
{
    (void)r;
    u64 v = 0x3 | 0x3 << 2;
    if (cpu_have_el3(c))
        v |= ((c->mdcr_el3 & MDCR_EL3_SDD) ? 0x2u : 0x3u) << 4 | 0x3 << 6;
    return v;
}

/* MDCR_EL2/EL3 writes change PMU counting: account before the change. */
static void wr_mdcr_el2(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    pmu_sync(c);
    c->mdcr_el2 = v & 0xfffull;   /* HPMN..TDRA (ARMv8.0 bits 11:0) */
}
static void wr_mdcr_el3(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    pmu_sync(c);
    /* TPM(6) TDA(9) TDOSA(10) NSPB(13:12) SDD(16) SPME(17) EDAD(20) EPMAD(21) */
    c->mdcr_el3 = v & 0x333640ull;
}

#define ROW(n, o0, o1, cn, cm, o2, acc) .name = n, .op0 = o0, .op1 = o1, .crn = cn, .crm = cm, .op2 = o2, .access = acc
#define RW(n, o0, o1, cn, cm, o2, fld, fn, mask) \
    { ROW(n, o0, o1, cn, cm, o2, SR_PL1_RW), .accessfn = fn, .offset = OFF(fld), .wmask = mask }
#define RWD(n, o0, o1, cn, cm, o2, fld, fn, mask) \
    { ROW(n, o0, o1, cn, cm, o2, SR_PL1_RW), .accessfn = fn, .offset = OFF(fld), .wmask = mask, .write = wr_dbg, .flags = SR_F_IO }
/* DBGBCR/DBGWCR writable fields (D17.3.2/D17.3.12). */
#define BCR_MASK 0x00ffe1e7ull   /* E, PMC, BAS, HMC, SSC, LBN, BT */
#define WCR_MASK 0x1f1fffffull

static const SysRegDesc debug_rows[] = {
    RW("OSDTRRX_EL1", 2, 0, 0, 0, 2, osdtrrx_el1, acc_tda, 0xffffffffull),
    RW("MDCCINT_EL1", 2, 0, 0, 2, 0, mdccint_el1, acc_tda, 3ull << 29),
    RWD("MDSCR_EL1", 2, 0, 0, 2, 2, mdscr_el1, acc_tda, 0x0000f001ull),
    RW("OSDTRTX_EL1", 2, 0, 0, 3, 2, osdtrtx_el1, acc_tda, 0xffffffffull),
    RW("OSECCR_EL1", 2, 0, 0, 6, 2, oseccr_el1, acc_tda, 0xffffffffull),
    RWD("DBGBVR0_EL1", 2, 0, 0, 0, 4, dbgbvr[0], acc_tda, ~3ull),
    RWD("DBGBCR0_EL1", 2, 0, 0, 0, 5, dbgbcr[0], acc_tda, BCR_MASK),
    RWD("DBGWVR0_EL1", 2, 0, 0, 0, 6, dbgwvr[0], acc_tda, ~3ull),
    RWD("DBGWCR0_EL1", 2, 0, 0, 0, 7, dbgwcr[0], acc_tda, WCR_MASK),
    RWD("DBGBVR1_EL1", 2, 0, 0, 1, 4, dbgbvr[1], acc_tda, ~3ull),
    RWD("DBGBCR1_EL1", 2, 0, 0, 1, 5, dbgbcr[1], acc_tda, BCR_MASK),
    RWD("DBGWVR1_EL1", 2, 0, 0, 1, 6, dbgwvr[1], acc_tda, ~3ull),
    RWD("DBGWCR1_EL1", 2, 0, 0, 1, 7, dbgwcr[1], acc_tda, WCR_MASK),
    RWD("DBGBVR2_EL1", 2, 0, 0, 2, 4, dbgbvr[2], acc_tda, ~3ull),
    RWD("DBGBCR2_EL1", 2, 0, 0, 2, 5, dbgbcr[2], acc_tda, BCR_MASK),
    RWD("DBGWVR2_EL1", 2, 0, 0, 2, 6, dbgwvr[2], acc_tda, ~3ull),
    RWD("DBGWCR2_EL1", 2, 0, 0, 2, 7, dbgwcr[2], acc_tda, WCR_MASK),
    RWD("DBGBVR3_EL1", 2, 0, 0, 3, 4, dbgbvr[3], acc_tda, ~3ull),
    RWD("DBGBCR3_EL1", 2, 0, 0, 3, 5, dbgbcr[3], acc_tda, BCR_MASK),
    RWD("DBGWVR3_EL1", 2, 0, 0, 3, 6, dbgwvr[3], acc_tda, ~3ull),
    RWD("DBGWCR3_EL1", 2, 0, 0, 3, 7, dbgwcr[3], acc_tda, WCR_MASK),
    /* context-aware: DBGBVR[31:0] may hold a context ID, [39:32] a VMID */
    RWD("DBGBVR4_EL1", 2, 0, 0, 4, 4, dbgbvr[4], acc_tda, ~0ull),
    RWD("DBGBCR4_EL1", 2, 0, 0, 4, 5, dbgbcr[4], acc_tda, BCR_MASK),
    RWD("DBGBVR5_EL1", 2, 0, 0, 5, 4, dbgbvr[5], acc_tda, ~0ull),
    RWD("DBGBCR5_EL1", 2, 0, 0, 5, 5, dbgbcr[5], acc_tda, BCR_MASK),
    { ROW("MDRAR_EL1", 2, 0, 1, 0, 0, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tdra, .resetval = 0 },
    { ROW("OSLAR_EL1", 2, 0, 1, 0, 4, SR_PL1_W), .accessfn = acc_tdosa, .write = wr_oslar },
    { ROW("OSLSR_EL1", 2, 0, 1, 1, 4, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tdosa, .offset = OFF(oslsr_el1) },
    RWD("OSDLR_EL1", 2, 0, 1, 3, 4, osdlr_el1, acc_tdosa, 1),
    RW("DBGPRCR_EL1", 2, 0, 1, 4, 4, dbgprcr_el1, acc_tdosa, 1),
    { ROW("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, SR_PL1_RW), .accessfn = acc_tda, .read = rd_claimset, .write = wr_claimset },
    { ROW("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, SR_PL1_RW), .accessfn = acc_tda, .read = rd_claimclr, .write = wr_claimclr },
    { ROW("DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tda, .read = rd_authstatus },
    { ROW("MDCCSR_EL0", 2, 3, 0, 1, 0, SR_PL0_R), .flags = SR_F_CONST, .accessfn = acc_dcc, .resetval = 0 },
    { ROW("MDCR_EL2", 3, 4, 1, 1, 1, SR_PL2_RW), .flags = SR_F_EL2, .offset = OFF(mdcr_el2), .write = wr_mdcr_el2 },
    { ROW("MDCR_EL3", 3, 6, 1, 3, 1, SR_PL3_RW), .flags = SR_F_EL3, .offset = OFF(mdcr_el3), .write = wr_mdcr_el3 },
};

const SysRegTable sysregs_debug = SR_TABLE(debug_rows);
