/*
 * exceptions/sysreg_debug.c — self-hosted debug registers (Arm ARM D2,
 * D17.3) with their traps: MDSCR_EL1.TDCC (EL0 DCC access -> EL1),
 * MDCR_EL2.{TDA,TDOSA,TDRA} (treated as 1 when MDCR_EL2.TDE=1 or
 * HCR_EL2.TGE=1) -> EL2, MDCR_EL3.{TDA,TDOSA} -> EL3.
 *
 * Breakpoint/watchpoint registers: ID_AA64DFR0_EL1 advertises the
 * architectural minimum of 2 breakpoints and 2 watchpoints; the registers
 * hold their values but hardware breakpoints, watchpoints and software step
 * do NOT fire in this model (no debug event is ever generated).  BRK is the
 * only debug exception (exec_sys.c), routed by route_debug_target().
 */
#include <stddef.h>

#include "exceptions/pmu.h"
#include "exceptions/route.h"

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
/* DBGBCR/DBGWCR writable fields (D17.3.2/D17.3.12). */
#define BCR_MASK 0x00f0e1e7ull
#define WCR_MASK 0x1f1fffffull

static const SysRegDesc debug_rows[] = {
    RW("OSDTRRX_EL1", 2, 0, 0, 0, 2, osdtrrx_el1, acc_tda, 0xffffffffull),
    RW("MDCCINT_EL1", 2, 0, 0, 2, 0, mdccint_el1, acc_tda, 3ull << 29),
    RW("MDSCR_EL1", 2, 0, 0, 2, 2, mdscr_el1, acc_tda, 0x0000f001ull),
    RW("OSDTRTX_EL1", 2, 0, 0, 3, 2, osdtrtx_el1, acc_tda, 0xffffffffull),
    RW("OSECCR_EL1", 2, 0, 0, 6, 2, oseccr_el1, acc_tda, 0xffffffffull),
    RW("DBGBVR0_EL1", 2, 0, 0, 0, 4, dbgbvr[0], acc_tda, ~3ull),
    RW("DBGBCR0_EL1", 2, 0, 0, 0, 5, dbgbcr[0], acc_tda, BCR_MASK),
    RW("DBGWVR0_EL1", 2, 0, 0, 0, 6, dbgwvr[0], acc_tda, ~3ull),
    RW("DBGWCR0_EL1", 2, 0, 0, 0, 7, dbgwcr[0], acc_tda, WCR_MASK),
    RW("DBGBVR1_EL1", 2, 0, 0, 1, 4, dbgbvr[1], acc_tda, ~3ull),
    RW("DBGBCR1_EL1", 2, 0, 0, 1, 5, dbgbcr[1], acc_tda, BCR_MASK),
    RW("DBGWVR1_EL1", 2, 0, 0, 1, 6, dbgwvr[1], acc_tda, ~3ull),
    RW("DBGWCR1_EL1", 2, 0, 0, 1, 7, dbgwcr[1], acc_tda, WCR_MASK),
    { ROW("MDRAR_EL1", 2, 0, 1, 0, 0, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tdra, .resetval = 0 },
    { ROW("OSLAR_EL1", 2, 0, 1, 0, 4, SR_PL1_W), .accessfn = acc_tdosa, .write = wr_oslar },
    { ROW("OSLSR_EL1", 2, 0, 1, 1, 4, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tdosa, .offset = OFF(oslsr_el1) },
    RW("OSDLR_EL1", 2, 0, 1, 3, 4, osdlr_el1, acc_tdosa, 1),
    RW("DBGPRCR_EL1", 2, 0, 1, 4, 4, dbgprcr_el1, acc_tdosa, 1),
    { ROW("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, SR_PL1_RW), .accessfn = acc_tda, .read = rd_claimset, .write = wr_claimset },
    { ROW("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, SR_PL1_RW), .accessfn = acc_tda, .read = rd_claimclr, .write = wr_claimclr },
    { ROW("DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6, SR_PL1_R), .flags = SR_F_CONST, .accessfn = acc_tda, .read = rd_authstatus },
    { ROW("MDCCSR_EL0", 2, 3, 0, 1, 0, SR_PL0_R), .flags = SR_F_CONST, .accessfn = acc_dcc, .resetval = 0 },
    { ROW("MDCR_EL2", 3, 4, 1, 1, 1, SR_PL2_RW), .flags = SR_F_EL2, .offset = OFF(mdcr_el2), .write = wr_mdcr_el2 },
    { ROW("MDCR_EL3", 3, 6, 1, 3, 1, SR_PL3_RW), .flags = SR_F_EL3, .offset = OFF(mdcr_el3), .write = wr_mdcr_el3 },
};

const SysRegTable sysregs_debug = SR_TABLE(debug_rows);
