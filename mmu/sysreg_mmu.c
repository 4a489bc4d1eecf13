/*
 * mmu/sysreg_mmu.c — the MMU's system instructions (op0=1): TLB maintenance
 * (TLBI, Arm ARM C5.5 / D5.10), address translation (AT, C5.4 / D5.9.2
 * with PAR_EL1 results), data and instruction cache maintenance (DC, IC,
 * C5.3 / D4.4.8; DCZID_EL0 is in cpu/sysreg_impdef.c).  Every ARMv8.0 encoding of these groups is
 * a row here.
 *
 * Caches are not modelled (the interpreter re-checks each fetched word, so
 * code written by the guest is always seen), so set/way and invalidate-all
 * operations only run their trap checks; by-VA operations translate the
 * address and take the MMU faults the architecture gives them (CM=1).
 */
#include <stddef.h>

#include "cpu/regs.h"
#include "cpu/sysreg.h"
#include "exceptions/exceptions.h"
#include "exceptions/route.h"
#include "exceptions/traps.h"
#include "cpu/machine_core.h"
#include "mmu/mmu.h"

/* ---- trap checks: the shared rules of exceptions/traps.h ---- */

static SrAccess acc_tlbi_el1(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_tlbi(c);
}

/* AT S1E2x/S12Ex executed at EL3 need SCR_EL3.NS=1 (no Secure EL2 in v8.0:
 * UNDEFINED otherwise).  EL2 TLBIs are permitted at EL3 in either state. */
static SrAccess acc_el2_op(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    if (c->el == 3 && !(c->scr_el3 & SCR_EL3_NS)) {
        c->trap_reason = "EL2 translation regime operation at EL3 with SCR_EL3.NS=0";
        return SR_UNDEF;
    }
    return SR_OK;
}

static SrAccess acc_at(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_at(c);
}

static SrAccess acc_dc_sw(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_dc_sw(c);
}

static SrAccess acc_dc_poc(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_dc_poc(c);
}

static SrAccess acc_dc_pou(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_dc_pou(c);
}

static SrAccess acc_ic_ivau(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_ic_ivau(c);
}

static SrAccess acc_ic(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_ic(c);
}

static SrAccess acc_zva(Cpu *c, const SysRegDesc *r, bool isread)
{
    (void)r; (void)isread;
    return trap_check_dc_zva(c);
}

/* ---- TLB maintenance ---- */

/* The EL1&0 regime an EL1 TLBI/AT acts on: the current security state, or
 * SCR_EL3.NS at EL3. */
static bool e10_ns(const Cpu *c)
{
    return c->el == 3 ? (c->scr_el3 & SCR_EL3_NS) != 0 : c->ns;
}

/* Current VMID for EL1&0 operations (-1 when EL2 does not apply). */
static int cur_vmid(const Cpu *c)
{
    if (!cpu_have_el2(c) || !e10_ns(c))
        return -1;
    return (int)((c->vttbr_el2 >> 48) & 0xff);
}

/* ASID operand (Xt[63:48]), 8 bits unless TCR_EL1.AS. */
static int op_asid(const Cpu *c, u64 v)
{
    u64 a = v >> 48;
    return (int)((c->tcr_el[1] & TCR_AS) ? a : a & 0xff);
}

/* VA operand: Xt[43:0] = VA[55:12]. */
static u64 op_va(u64 v)
{
    return (v & 0x00000fffffffffffull) << 12;
}

/* Apply M to regime(s) on this core or, when IS, on every core. */
static void tlbi_apply(Cpu *c, bool is, MmuIdx a, MmuIdx b, const TlbMatch *m)
{
    Machine *mach = c->m;
    for (unsigned i = 0; i < mach->ncpu; i++) {
        Cpu *o = mach->cpu[i];
        if (!is && o != c)
            continue;
        tlb_flush_match(o, a, m);
        if (b != a)
            tlb_flush_match(o, b, m);
    }
}

/* Row op2/CRm decode helpers: IS forms have CRm=3 (EL1/2/3 groups) or 0. */
static bool row_is(const SysRegDesc *r)
{
    return r->crm == 3 || r->crm == 0;
}

static void wr_tlbi_el1(Cpu *c, const SysRegDesc *r, u64 v)
{
    bool is = row_is(r);
    /* HCR_EL2.FB: EL1 TLB maintenance is broadcast (Inner Shareable). */
    if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_FB))
        is = true;
    bool ns = e10_ns(c);
    MmuIdx a = ns ? MMU_NS_E10_0 : MMU_S_E10_0, b = ns ? MMU_NS_E10_1 : MMU_S_E10_1;
    TlbMatch m = {.asid = -1, .vmid = cur_vmid(c)};
    switch (r->op2) {
    case 0: break;                                             /* VMALLE1 */
    case 1: case 5:                                            /* VAE1, VALE1 */
        m.by_va = true; m.va = op_va(v); m.asid = op_asid(c, v); break;
    case 2: m.asid = op_asid(c, v); break;                     /* ASIDE1 */
    case 3: case 7: m.by_va = true; m.va = op_va(v); break;    /* VAAE1, VAALE1 */
    default: exc_unimplemented(c, r->name);
    }
    tlbi_apply(c, is, a, b, &m);
}

static void wr_tlbi_el2(Cpu *c, const SysRegDesc *r, u64 v)
{
    bool is = row_is(r);
    TlbMatch m = {.asid = -1, .vmid = -1};
    switch (r->op2) {
    case 0:                                                    /* ALLE2 */
        tlbi_apply(c, is, MMU_E2, MMU_E2, &m);
        return;
    case 1: case 5:                                            /* VAE2, VALE2 / IPAS2(L)E1 */
        if (r->crm == 0 || r->crm == 4) {
            /* IPAS2E1/IPAS2LE1: our entries combine both stages, so drop
             * every Non-secure EL1&0 entry of the current VMID (a superset
             * of what the architecture requires). */
            (void)v;
            m.vmid = cur_vmid(c);
            tlbi_apply(c, is, MMU_NS_E10_0, MMU_NS_E10_1, &m);
            return;
        }
        m.by_va = true;
        m.va = op_va(v);
        tlbi_apply(c, is, MMU_E2, MMU_E2, &m);
        return;
    case 4:                                                    /* ALLE1: every VMID */
        tlbi_apply(c, is, MMU_NS_E10_0, MMU_NS_E10_1, &m);
        tlbi_apply(c, is, MMU_S_E10_0, MMU_S_E10_1, &m);
        return;
    case 6:                                                    /* VMALLS12E1 */
        m.vmid = cur_vmid(c);
        tlbi_apply(c, is, MMU_NS_E10_0, MMU_NS_E10_1, &m);
        return;
    default:
        exc_unimplemented(c, r->name);
    }
}

static void wr_tlbi_el3(Cpu *c, const SysRegDesc *r, u64 v)
{
    TlbMatch m = {.asid = -1, .vmid = -1};
    if (r->op2 != 0) {                                         /* VAE3, VALE3 */
        m.by_va = true;
        m.va = op_va(v);
    }
    tlbi_apply(c, row_is(r), MMU_E3, MMU_E3, &m);
}

/* ---- address translation (AT) ---- */

/* PAR_EL1 for a successful translation (D17.2 PAR_EL1, F=0). */
static u64 par_ok(const TransResult *r)
{
    u64 par = 1ull << 11;   /* RES1 */
    /* SH as the descriptor gives it (the resulting attribute is also
     * permitted; translate.c already reports Outer Shareable for Device
     * and Normal Non-cacheable results of two stages, as QEMU does). */
    unsigned sh = r->sh;
    par |= (u64)r->attr << 56;
    par |= r->pa & 0x000000fffffff000ull;
    par |= (u64)(r->ns ? 1 : 0) << 9;
    par |= (u64)sh << 7;
    return par;
}

/* PAR_EL1 for a fault: F=1, FST, PTW, S. */
static u64 par_fault(const Fault *f)
{
    return 1ull << 11 | (u64)(f->stage2 ? 1 : 0) << 9 | (u64)(f->s1ptw ? 1 : 0) << 8 |
           (u64)mmu_fault_fsc(f) << 1 | 1;
}

static void wr_at(Cpu *c, const SysRegDesc *r, u64 va)
{
    bool w = r->op2 & 1;
    AccType acc = w ? ACC_WRITE : ACC_READ;
    MmuIdx idx;
    unsigned flags = 0;
    bool ns = e10_ns(c);
    switch (r->op1 << 3 | r->op2) {
    case 0: case 1:                     /* S1E1R/W */
        idx = ns ? MMU_NS_E10_1 : MMU_S_E10_1;
        flags = MEMF_S1ONLY;
        break;
    case 2: case 3:                     /* S1E0R/W */
        idx = ns ? MMU_NS_E10_0 : MMU_S_E10_0;
        flags = MEMF_S1ONLY;
        break;
    case 4 << 3 | 0: case 4 << 3 | 1:   /* S1E2R/W */
        idx = MMU_E2;
        break;
    case 4 << 3 | 4: case 4 << 3 | 5:   /* S12E1R/W */
        idx = ns ? MMU_NS_E10_1 : MMU_S_E10_1;
        break;
    case 4 << 3 | 6: case 4 << 3 | 7:   /* S12E0R/W */
        idx = ns ? MMU_NS_E10_0 : MMU_S_E10_0;
        break;
    case 6 << 3 | 0: case 6 << 3 | 1:   /* S1E3R/W */
        idx = MMU_E3;
        break;
    default:
        exc_unimplemented(c, r->name);
    }
    TransResult res;
    Fault f;
    if (mmu_translate_ex(c, va, acc, idx, flags, &res, &f)) {
        c->par_el1 = par_ok(&res);
        return;
    }
    /* AT S1E0x and S1E1x from Non-secure EL1: a stage-2 fault on the stage-1
     * walk is taken to EL2 (or a synchronous External abort to EL3 under
     * SCR_EL3.EA) as a Data Abort with CM=1, WnR=1, S1PTW=1 (D5.9.2). */
    if (c->el == 1 && f.s1ptw)
        mmu_raise_fault(c, va, ACC_READ, MEMF_DC, &f);
    c->par_el1 = par_fault(&f);
}

/* ---- cache maintenance ---- */

/* Translate VA for a by-VA cache maintenance instruction; raise its abort
 * (CM=1, WnR=1).  DC IVAC needs write permission; at EL0 the others need
 * read permission; otherwise no permission fault (D5.10.x). */
static void cmo_translate(Cpu *c, u64 va, bool need_write)
{
    TransResult r;
    Fault f;
    unsigned tflags = 0;
    AccType acc = ACC_READ;
    if (need_write)
        acc = ACC_WRITE;
    else if (c->el != 0)
        tflags = MEMF_NOPERM;
    if (!mmu_translate_ex(c, va, acc, (MmuIdx)c->mmu_idx, tflags, &r, &f))
        mmu_raise_fault(c, va, acc, MEMF_DC, &f);
}

static void wr_dc_va(Cpu *c, const SysRegDesc *r, u64 v)
{
    bool ivac = r->op1 == 0 && r->crm == 6;
    cmo_translate(c, v, ivac);
}

static void wr_ic_ivau(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    cmo_translate(c, v, false);
}

/* Set/way and invalidate-all operations: nothing is cached. */
static void wr_cache_nop(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)c; (void)r; (void)v;
}

#define DCZ_BLOCK 64u

/* DC ZVA: zero the 64-byte block containing Xt as a store (permission and
 * translation faults are writes with CM=0; Device memory gives an
 * Alignment fault, D4.4.8 / C5.3.?). */
static void wr_dc_zva(Cpu *c, const SysRegDesc *r, u64 v)
{
    (void)r;
    u64 va = v & ~(u64)(DCZ_BLOCK - 1);
    MmuIdx idx = (MmuIdx)c->mmu_idx;
    TransResult res;
    Fault f;
    if (!mmu_translate_ex(c, va, ACC_WRITE, idx, 0, &res, &f))
        mmu_raise_fault(c, v, ACC_WRITE, 0, &f);
    if ((res.attr & 0xf0) == 0) {
        Fault al = {.type = FAULT_ALIGNMENT, .level = -1};
        mmu_raise_fault(c, v, ACC_WRITE, 0, &al);
    }
    for (unsigned i = 0; i < DCZ_BLOCK; i += 8)
        mem_write_idx(c, va + i, 8, 0, idx);
}

#define ROW(n, o1, cn, cm, o2, acc) .name = n, .op0 = 1, .op1 = o1, .crn = cn, .crm = cm, .op2 = o2, .access = acc
#define TLBI1(n, cm, o2) { ROW("TLBI " n, 0, 8, cm, o2, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_tlbi_el1, .write = wr_tlbi_el1 }
#define TLBI2(n, cm, o2, fn) { ROW("TLBI " n, 4, 8, cm, o2, SR_PL2_W), .flags = SR_F_SYS | SR_F_EL2, .accessfn = fn, .write = wr_tlbi_el2 }
#define TLBI3(n, cm, o2) { ROW("TLBI " n, 6, 8, cm, o2, SR_PL3_W), .flags = SR_F_SYS | SR_F_EL3, .write = wr_tlbi_el3 }
#define AT(n, o1, o2, acc, fl, fn) { ROW("AT " n, o1, 7, 8, o2, acc), .flags = SR_F_SYS | (fl), .accessfn = fn, .write = wr_at }

static const SysRegDesc mmu_rows[] = {
    TLBI1("VMALLE1IS", 3, 0), TLBI1("VAE1IS", 3, 1), TLBI1("ASIDE1IS", 3, 2),
    TLBI1("VAAE1IS", 3, 3), TLBI1("VALE1IS", 3, 5), TLBI1("VAALE1IS", 3, 7),
    TLBI1("VMALLE1", 7, 0), TLBI1("VAE1", 7, 1), TLBI1("ASIDE1", 7, 2),
    TLBI1("VAAE1", 7, 3), TLBI1("VALE1", 7, 5), TLBI1("VAALE1", 7, 7),
    TLBI2("IPAS2E1IS", 0, 1, NULL), TLBI2("IPAS2LE1IS", 0, 5, NULL),
    TLBI2("ALLE2IS", 3, 0, NULL), TLBI2("VAE2IS", 3, 1, NULL),
    TLBI2("ALLE1IS", 3, 4, NULL), TLBI2("VALE2IS", 3, 5, NULL),
    TLBI2("VMALLS12E1IS", 3, 6, NULL),
    TLBI2("IPAS2E1", 4, 1, NULL), TLBI2("IPAS2LE1", 4, 5, NULL),
    TLBI2("ALLE2", 7, 0, NULL), TLBI2("VAE2", 7, 1, NULL),
    TLBI2("ALLE1", 7, 4, NULL), TLBI2("VALE2", 7, 5, NULL),
    TLBI2("VMALLS12E1", 7, 6, NULL),
    TLBI3("ALLE3IS", 3, 0), TLBI3("VAE3IS", 3, 1), TLBI3("VALE3IS", 3, 5),
    TLBI3("ALLE3", 7, 0), TLBI3("VAE3", 7, 1), TLBI3("VALE3", 7, 5),

    AT("S1E1R", 0, 0, SR_PL1_W, 0, acc_at), AT("S1E1W", 0, 1, SR_PL1_W, 0, acc_at),
    AT("S1E0R", 0, 2, SR_PL1_W, 0, acc_at), AT("S1E0W", 0, 3, SR_PL1_W, 0, acc_at),
    AT("S1E2R", 4, 0, SR_PL2_W, SR_F_EL2, acc_el2_op), AT("S1E2W", 4, 1, SR_PL2_W, SR_F_EL2, acc_el2_op),
    AT("S12E1R", 4, 4, SR_PL2_W, SR_F_EL2, acc_el2_op), AT("S12E1W", 4, 5, SR_PL2_W, SR_F_EL2, acc_el2_op),
    AT("S12E0R", 4, 6, SR_PL2_W, SR_F_EL2, acc_el2_op), AT("S12E0W", 4, 7, SR_PL2_W, SR_F_EL2, acc_el2_op),
    AT("S1E3R", 6, 0, SR_PL3_W, SR_F_EL3, NULL), AT("S1E3W", 6, 1, SR_PL3_W, SR_F_EL3, NULL),

    { ROW("IC IALLUIS", 0, 7, 1, 0, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_ic, .write = wr_cache_nop },
    { ROW("IC IALLU", 0, 7, 5, 0, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_ic, .write = wr_cache_nop },
    { ROW("IC IVAU", 3, 7, 5, 1, SR_PL0_W), .flags = SR_F_SYS, .accessfn = acc_ic_ivau, .write = wr_ic_ivau },
    { ROW("DC IVAC", 0, 7, 6, 1, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_dc_poc, .write = wr_dc_va },
    { ROW("DC ISW", 0, 7, 6, 2, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_dc_sw, .write = wr_cache_nop },
    { ROW("DC CSW", 0, 7, 10, 2, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_dc_sw, .write = wr_cache_nop },
    { ROW("DC CISW", 0, 7, 14, 2, SR_PL1_W), .flags = SR_F_SYS, .accessfn = acc_dc_sw, .write = wr_cache_nop },
    { ROW("DC ZVA", 3, 7, 4, 1, SR_PL0_W), .flags = SR_F_SYS, .accessfn = acc_zva, .write = wr_dc_zva },
    { ROW("DC CVAC", 3, 7, 10, 1, SR_PL0_W), .flags = SR_F_SYS, .accessfn = acc_dc_poc, .write = wr_dc_va },
    { ROW("DC CVAU", 3, 7, 11, 1, SR_PL0_W), .flags = SR_F_SYS, .accessfn = acc_dc_pou, .write = wr_dc_va },
    { ROW("DC CIVAC", 3, 7, 14, 1, SR_PL0_W), .flags = SR_F_SYS, .accessfn = acc_dc_poc, .write = wr_dc_va },

};

const SysRegTable sysregs_mmu = SR_TABLE(mmu_rows);
