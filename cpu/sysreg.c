/*
 * cpu/sysreg.c — system register index and the MRS/MSR/SYS access path
 * (Arm ARM D13 "The AArch64 System Register Interface", C5.2/C5.3, and the
 * pseudocode AArch64.SystemAccessTrap for EC 0x18).
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "cpu/sysreg.h"
#include "exceptions/exceptions.h"
#include "cpu/pmu.h"
#include "exceptions/route.h"
#include "cpu/machine_core.h"
#include "trace/trace.h"

/* The CPU's own tables: architecture, MMU maintenance, PMU, self-hosted
 * debug, Cortex-A53 IMPLEMENTATION DEFINED registers, FP.  Devices with a
 * system register interface (GIC CPU interface, generic timer) add theirs
 * with sysreg_add_table() when they attach. */
static const SysRegTable *const cpu_tables[] = {
    &sysregs_core,
    &sysregs_mmu,
    &sysregs_pmu,      /* cpu/pmu.c */
    &sysregs_debug,    /* cpu/sysreg_debug.c */
    &sysregs_impdef,   /* cpu/sysreg_impdef.c */
    &sysregs_fp,
};

bool sysreg_add_table(Machine *m, const SysRegTable *tab)
{
    const SysRegDesc **idx = m->sysreg_index;
    for (size_t i = 0; i < tab->n; i++) {
        unsigned k = SR_ROW_KEY(&tab->rows[i]);
        if (idx[k]) {
            hs_log("hyperstep: system registers %s and %s share an encoding", idx[k]->name,
                   tab->rows[i].name);
            for (size_t j = 0; j < i; j++)   /* leave the index as it was */
                idx[SR_ROW_KEY(&tab->rows[j])] = NULL;
            return false;
        }
        idx[k] = &tab->rows[i];
    }
    return true;
}

bool sysreg_init(Machine *m)
{
    m->sysreg_index = calloc(65536, sizeof(*m->sysreg_index));
    if (!m->sysreg_index)
        return false;
    for (size_t t = 0; t < ARRAY_SIZE(cpu_tables); t++) {
        if (!sysreg_add_table(m, cpu_tables[t])) {
            free(m->sysreg_index);
            m->sysreg_index = NULL;
            return false;
        }
    }
    return true;
}

const SysRegDesc *sysreg_find(const Machine *m, unsigned key)
{
    return m->sysreg_index[key & 0xffff];
}

const SysRegDesc *sysreg_find_name(const Machine *m, const char *name)
{
    for (unsigned k = 0; k < 65536; k++) {
        const SysRegDesc *r = m->sysreg_index[k];
        if (r && !strcasecmp(r->name, name))
            return r;
    }
    return NULL;
}

NORETURN void sysreg_trap(Cpu *c, unsigned target, unsigned key, unsigned rt,
                          bool isread, const char *reason)
{
    unsigned op0 = key >> 14, op1 = (key >> 11) & 7, crn = (key >> 7) & 15;
    unsigned crm = (key >> 3) & 15, op2 = key & 7;
    /* ISS for EC 0x18: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Dir[0]. */
    u32 iss = op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (isread ? 1 : 0);
    exc_take_sync(c, target, syn(EC_SYSREG, iss), 0, false, c->pc, reason);
}

static void name_of(unsigned key, const SysRegDesc *r, char *buf, size_t n)
{
    if (r)
        snprintf(buf, n, "%s", r->name);
    else
        snprintf(buf, n, "S%u_%u_C%u_C%u_%u", key >> 14, (key >> 11) & 7, (key >> 7) & 15,
                 (key >> 3) & 15, key & 7);
}

static u64 *field(Cpu *c, const SysRegDesc *r)
{
    return (u64 *)((char *)c + r->offset);
}

static u64 do_read(Cpu *c, const SysRegDesc *r)
{
    if (r->flags & SR_F_RAZ_WI)
        return 0;
    if (r->read)
        return r->read(c, r);
    if (r->offset)
        return *field(c, r);
    return r->resetval;
}

static void do_write(Cpu *c, const SysRegDesc *r, u64 v)
{
    if (r->flags & SR_F_RAZ_WI)
        return;
    if (r->write) {
        r->write(c, r, v);
        return;
    }
    if (r->offset) {
        u64 *p = field(c, r);
        *p = r->wmask ? ((*p & ~r->wmask) | (v & r->wmask)) : v;
    }
}

void sysreg_access(Cpu *c, unsigned key, unsigned rt, bool isread)
{
    const SysRegDesc *r = sysreg_find(c->m, key);
    char nm[48];
    if (!r && isread && (key >> 7) == SR_KEY(3, 0, 0, 0, 0) >> 7 && ((key >> 3) & 15) >= 1 && c->el >= 1) {
        /* Reserved encodings of the ID register space (op0=3, op1=0, CRn=0,
         * CRm=1..7) read as zero (Arm ARM D13.2 "ID register space"). */
        if (c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TID3)) {
            name_of(key, NULL, nm, sizeof(nm));
            snprintf(c->reason_buf, sizeof(c->reason_buf), "MRS %s at EL1 trapped to EL2: HCR_EL2.TID3=1", nm);
            sysreg_trap(c, 2, key, rt, isread, c->reason_buf);
        }
        set_xreg(c, rt, 0);
        return;
    }
    if (!r && (key >> 14) == 3 && (((key >> 7) & 15) == 11 || ((key >> 7) & 15) == 15) &&
        c->el == 1 && route_el2_enabled(c) && (c->hcr_el2 & HCR_EL2_TIDCP)) {
        /* IMPLEMENTATION DEFINED space without a row: still trapped by TIDCP. */
        name_of(key, NULL, nm, sizeof(nm));
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s %s at EL1 trapped to EL2: HCR_EL2.TIDCP=1",
                 isread ? "MRS" : "MSR", nm);
        sysreg_trap(c, 2, key, rt, isread, c->reason_buf);
    }
    if (!r) {
        name_of(key, NULL, nm, sizeof(nm));
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s %s: unimplemented %s",
                 isread ? "MRS" : "MSR", nm, (key >> 14) == 1 ? "system instruction" : "system register");
        exc_unimplemented(c, c->reason_buf);
    }
    if (((r->flags & SR_F_EL2) && !cpu_have_el2(c)) || ((r->flags & SR_F_EL3) && !cpu_have_el3(c))) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s %s: EL%c not implemented",
                 isread ? "MRS" : "MSR", r->name, (r->flags & SR_F_EL3) ? '3' : '2');
        exc_undefined(c, c->reason_buf);
    }
    unsigned need = isread ? (SR_EL0_R << (2 * c->el)) : (SR_EL0_W << (2 * c->el));
    if (!(r->access & need)) {
        snprintf(c->reason_buf, sizeof(c->reason_buf), "%s %s at EL%u: %s", isread ? "MRS" : "MSR",
                 r->name, c->el, isread ? "not readable at this EL" : "not writable at this EL");
        exc_undefined(c, c->reason_buf);
    }
    if (r->accessfn) {
        c->trap_reason = NULL;
        SrAccess a = r->accessfn(c, r, isread);
        if (a != SR_OK) {
            char why[96];   /* copy: accessfns may compose their reason in reason_buf */
            snprintf(why, sizeof(why), "%s", c->trap_reason ? c->trap_reason : "access check");
            unsigned tgt = route_trap_target(c, a);
            if (a == SR_UNDEF) {
                snprintf(c->reason_buf, sizeof(c->reason_buf), "%s %s UNDEFINED: %s",
                         isread ? "MRS" : "MSR", r->name, why);
                exc_undefined(c, c->reason_buf);
            }
            snprintf(c->reason_buf, sizeof(c->reason_buf), "%s %s at EL%u trapped to EL%u: %s",
                     (r->flags & SR_F_SYS) ? (isread ? "SYSL" : "SYS") : (isread ? "MRS" : "MSR"),
                     r->name, c->el, tgt, why);
            sysreg_trap(c, tgt, key, rt, isread, c->reason_buf);
        }
    }
    if (isread) {
        set_xreg(c, rt, do_read(c, r));
    } else {
        if ((r->flags & SR_F_CONST) && !r->write) {
            snprintf(c->reason_buf, sizeof(c->reason_buf), "MSR %s: read-only register", r->name);
            exc_undefined(c, c->reason_buf);
        }
        do_write(c, r, xreg(c, rt));
    }
    if (r->flags & SR_F_IO)
        c->pending |= PEND_ASYNC;
}

bool sysreg_debug_read(Cpu *c, const SysRegDesc *r, u64 *v)
{
    if (r->flags & SR_F_SYS)
        return false;
    *v = do_read(c, r);
    return true;
}

bool sysreg_debug_write(Cpu *c, const SysRegDesc *r, u64 v)
{
    if ((r->flags & SR_F_SYS) || ((r->flags & SR_F_CONST) && !r->write))
        return false;
    do_write(c, r, v);
    return true;
}
