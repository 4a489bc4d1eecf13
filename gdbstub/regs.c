/*
 * gdbstub/regs.c — the target description (qXfer:features:read target.xml)
 * and register access for g/G/p/P.
 *
 * Register numbers: 0-30 x0-x30, 31 sp, 32 pc, 33 cpsr
 * (org.gnu.gdb.aarch64.core), 34-65 v0-v31, 66 fpsr, 67 fpcr
 * (org.gnu.gdb.aarch64.fpu), then the system registers of
 * org.hyperstep.sysregs, read and written through the sysreg table by name
 * (sysreg_debug_read/write: no traps).  A name missing from the table (or
 * needing an EL the machine lacks) is simply not listed.  The g packet
 * holds the core and FP registers; gdb fetches system registers with p.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/regs.h"
#include "gdbstub/internal.h"
#include "mmu/mmu.h"

/* System registers a hypervisor/firmware author needs, in display order.
 * After these, every readable CNT*, ICC_* and ICH_* register of the table. */
static const char *const wanted[] = {
    "CurrentEL", "SCTLR_EL1", "SCTLR_EL2", "SCTLR_EL3", "HCR_EL2", "SCR_EL3",
    "VBAR_EL1", "VBAR_EL2", "VBAR_EL3",
    "ESR_EL1", "ESR_EL2", "ESR_EL3", "FAR_EL1", "FAR_EL2", "FAR_EL3", "HPFAR_EL2",
    "ELR_EL1", "ELR_EL2", "ELR_EL3", "SPSR_EL1", "SPSR_EL2", "SPSR_EL3",
    "SP_EL0", "SP_EL1", "SP_EL2",
    "TPIDR_EL0", "TPIDR_EL1", "TPIDR_EL2", "TPIDR_EL3", "TPIDRRO_EL0",
    "TTBR0_EL1", "TTBR1_EL1", "TTBR0_EL2", "TTBR0_EL3", "TCR_EL1", "TCR_EL2", "TCR_EL3",
    "MAIR_EL1", "MAIR_EL2", "MAIR_EL3", "VTTBR_EL2", "VTCR_EL2",
    "CPACR_EL1", "CPTR_EL2", "CPTR_EL3", "MDCR_EL2", "MDCR_EL3", "HSTR_EL2",
    "PAR_EL1", "CONTEXTIDR_EL1", "MIDR_EL1", "MPIDR_EL1", "VPIDR_EL2", "VMPIDR_EL2",
};

static bool el_ok(const Cpu *c, const SysRegDesc *r)
{
    if ((r->flags & SR_F_EL2) && !cpu_have_el2(c))
        return false;
    if ((r->flags & SR_F_EL3) && !cpu_have_el3(c))
        return false;
    return true;
}

static bool listable(const Cpu *c, const SysRegDesc *r)
{
    const u16 readable = SR_EL0_R | SR_EL1_R | SR_EL2_R | SR_EL3_R;
    if (!r || (r->flags & SR_F_SYS) || !(r->access & readable) || !el_ok(c, r))
        return false;
    /* Reading the interrupt acknowledge registers acknowledges an
     * interrupt: never let the debugger do that behind the guest's back. */
    if (strstr(r->name, "IAR"))
        return false;
    return true;
}

static bool already(const GdbStub *s, const SysRegDesc *r)
{
    for (unsigned i = 0; i < s->nregs; i++)
        if (s->regs[i].sr == r)
            return true;
    return false;
}

static void add(GdbStub *s, const char *name, RegKind k, unsigned idx, unsigned bytes, const SysRegDesc *r)
{
    if (s->nregs >= GDB_MAX_REGS)
        return;
    GdbReg *g = &s->regs[s->nregs++];
    g->name = name;
    g->kind = k;
    g->idx = idx;
    g->bytes = bytes;
    g->sr = r;
}

/* Growable string for the XML. */
typedef struct Str {
    char *p;
    size_t len, cap;
    bool oom;
} Str;

static void sappend(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sappend(Str *s, const char *fmt, ...)
{
    if (s->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(s->p ? s->p + s->len : NULL, s->p ? s->cap - s->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            s->oom = true;
            return;
        }
        if (s->p && s->len + (size_t)n < s->cap) {
            s->len += (size_t)n;
            return;
        }
        size_t ncap = (s->cap ? s->cap * 2 : 8192) + (size_t)n;
        char *q = realloc(s->p, ncap);
        if (!q) {
            s->oom = true;
            return;
        }
        s->p = q;
        s->cap = ncap;
    }
}

static const char *const xnames[31] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
    "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
};
static const char *const vnames[32] = {
    "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15",
    "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
    "v30", "v31",
};

void gdbregs_init(GdbStub *s)
{
    Machine *m = s->m;
    Cpu *c0 = m->cpu[0];
    s->nregs = 0;
    for (unsigned i = 0; i < 31; i++)
        add(s, xnames[i], RK_X, i, 8, NULL);
    add(s, "sp", RK_SP, 31, 8, NULL);
    add(s, "pc", RK_PC, 0, 8, NULL);
    add(s, "cpsr", RK_CPSR, 0, 4, NULL);
    for (unsigned i = 0; i < 32; i++)
        add(s, vnames[i], RK_V, i, 16, NULL);
    add(s, "fpsr", RK_FPSR, 0, 4, NULL);
    add(s, "fpcr", RK_FPCR, 0, 4, NULL);
    s->ng = s->nregs;
    for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
        const SysRegDesc *r = sysreg_find_name(m, wanted[i]);
        if (listable(c0, r) && !already(s, r))
            add(s, r->name, RK_SYS, 0, 8, r);
        else if (!r && !strcmp(wanted[i], "CurrentEL"))
            add(s, "CurrentEL", RK_CURRENTEL, 0, 8, NULL);   /* PSTATE.EL << 2 */
    }
    static const char *const prefixes[] = {"CNT", "ICC_", "ICH_"};
    for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++) {
        for (unsigned k = 0; k < 65536; k++) {
            const SysRegDesc *r = m->sysreg_index[k];
            if (r && !strncmp(r->name, prefixes[p], strlen(prefixes[p])) && listable(c0, r) && !already(s, r))
                add(s, r->name, RK_SYS, 0, 8, r);
        }
    }

    Str x = {0};
    sappend(&x, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                "<target version=\"1.0\">\n<architecture>aarch64</architecture>\n");
    sappend(&x, "<feature name=\"org.gnu.gdb.aarch64.core\">\n"
                "<flags id=\"cpsr_flags\" size=\"4\">\n"
                " <field name=\"SP\" start=\"0\" end=\"0\"/>\n"
                " <field name=\"EL\" start=\"2\" end=\"3\"/>\n"
                " <field name=\"nRW\" start=\"4\" end=\"4\"/>\n"
                " <field name=\"F\" start=\"6\" end=\"6\"/>\n"
                " <field name=\"I\" start=\"7\" end=\"7\"/>\n"
                " <field name=\"A\" start=\"8\" end=\"8\"/>\n"
                " <field name=\"D\" start=\"9\" end=\"9\"/>\n"
                " <field name=\"IL\" start=\"20\" end=\"20\"/>\n"
                " <field name=\"SS\" start=\"21\" end=\"21\"/>\n"
                " <field name=\"V\" start=\"28\" end=\"28\"/>\n"
                " <field name=\"C\" start=\"29\" end=\"29\"/>\n"
                " <field name=\"Z\" start=\"30\" end=\"30\"/>\n"
                " <field name=\"N\" start=\"31\" end=\"31\"/>\n"
                "</flags>\n");
    for (unsigned i = 0; i < 31; i++)
        sappend(&x, "<reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n", xnames[i], i);
    sappend(&x, "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"31\"/>\n"
                "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n"
                "<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\" regnum=\"33\"/>\n"
                "</feature>\n");
    sappend(&x, "<feature name=\"org.gnu.gdb.aarch64.fpu\">\n"
                "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
                "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>\n"
                "<vector id=\"v2i\" type=\"int64\" count=\"2\"/>\n"
                "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
                "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>\n"
                "<vector id=\"v4i\" type=\"int32\" count=\"4\"/>\n"
                "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>\n"
                "<vector id=\"v8i\" type=\"int16\" count=\"8\"/>\n"
                "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>\n"
                "<vector id=\"v16i\" type=\"int8\" count=\"16\"/>\n"
                "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>\n"
                "<vector id=\"v1i\" type=\"int128\" count=\"1\"/>\n"
                "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/>"
                "<field name=\"s\" type=\"v2i\"/></union>\n"
                "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/>"
                "<field name=\"s\" type=\"v4i\"/></union>\n"
                "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/></union>\n"
                "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/></union>\n"
                "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/></union>\n"
                "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
                "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/>"
                "<field name=\"q\" type=\"vnq\"/></union>\n");
    for (unsigned i = 0; i < 32; i++)
        sappend(&x, "<reg name=\"%s\" bitsize=\"128\" type=\"aarch64v\" regnum=\"%u\"/>\n", vnames[i], 34 + i);
    sappend(&x, "<reg name=\"fpsr\" bitsize=\"32\" type=\"int\" regnum=\"66\"/>\n"
                "<reg name=\"fpcr\" bitsize=\"32\" type=\"int\" regnum=\"67\"/>\n</feature>\n");
    sappend(&x, "<feature name=\"org.hyperstep.sysregs\">\n");
    for (unsigned i = s->ng; i < s->nregs; i++)
        sappend(&x, "<reg name=\"%s\" bitsize=\"64\" type=\"uint64\" group=\"system\" regnum=\"%u\"/>\n",
                s->regs[i].name, i);
    sappend(&x, "</feature>\n</target>\n");
    if (x.oom) {
        free(x.p);
        s->tdesc = NULL;
        return;
    }
    s->tdesc = x.p;
    s->tdesc_len = x.len;
}

static void put(u8 *out, u64 v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        out[i] = (u8)(v >> (8 * i));
}

static u64 get(const u8 *in, unsigned bytes)
{
    u64 v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (u64)in[i] << (8 * i);
    return v;
}

/* Run a sysreg table handler for the debugger.  A handler that raises an
 * exception (longjmp through c->exc_jmp) must not unwind the stop loop or
 * change the core: the core is snapshotted and restored, and the access
 * fails.  Cold path (one memcpy of the Cpu per debugger sysreg access). */
static bool guarded_sysreg(Cpu *c, const SysRegDesc *r, u64 *v, bool write)
{
    Cpu *snap = malloc(sizeof(*snap));
    if (!snap)
        return false;
    memcpy(snap, c, sizeof(*snap));
    jmp_buf jb;
    jmp_buf *volatile saved = c->exc_jmp;
    volatile bool ok = false;
    c->exc_jmp = &jb;
    if (!setjmp(jb))
        ok = write ? sysreg_debug_write(c, r, *v) : sysreg_debug_read(c, r, v);
    else
        memcpy(c, snap, sizeof(*c));   /* the handler raised: undo */
    c->exc_jmp = saved;
    free(snap);
    return ok;
}

bool gdbregs_read(GdbStub *s, Cpu *c, unsigned i, u8 *out)
{
    if (i >= s->nregs)
        return false;
    const GdbReg *g = &s->regs[i];
    u64 v = 0;
    switch (g->kind) {
    case RK_X: v = c->x[g->idx]; break;
    case RK_SP: v = c->x[31]; break;
    case RK_PC: v = c->pc; break;
    case RK_CPSR: v = cpu_get_pstate(c); break;
    case RK_V: memcpy(out, c->v[g->idx].b, 16); return true;
    case RK_FPSR: v = c->fpsr; break;
    case RK_FPCR: v = c->fpcr; break;
    case RK_CURRENTEL: v = (u64)c->el << 2; break;
    case RK_SYS:
        if (!guarded_sysreg(c, g->sr, &v, false))
            return false;
        break;
    }
    put(out, v, g->bytes);
    return true;
}

bool gdbregs_write(GdbStub *s, Cpu *c, unsigned i, const u8 *in)
{
    if (i >= s->nregs)
        return false;
    const GdbReg *g = &s->regs[i];
    u64 v = get(in, g->bytes > 8 ? 8 : g->bytes);
    switch (g->kind) {
    case RK_X: c->x[g->idx] = v; return true;
    case RK_SP: c->x[31] = v; return true;
    case RK_PC: c->pc = v; return true;
    case RK_CPSR: {
        unsigned el = (v >> PSTATE_EL_SHIFT) & 3;
        /* Only AArch64 states the core implements: nRW=0, M[1]=0, EL present. */
        if ((v & PSTATE_nRW) || (v & 2) || (el == 2 && !cpu_have_el2(c)) ||
            (el == 3 && !cpu_have_el3(c) && c->el != 3))
            return false;
        bool il = (v & PSTATE_IL) != 0;
        cpu_set_pstate(c, v);
        if (il)
            c->pending |= PEND_IL;
        else
            c->pending &= ~PEND_IL;
        if (c->tlb)
            c->tlb->gen++;
        return true;
    }
    case RK_V: memcpy(c->v[g->idx].b, in, 16); return true;
    case RK_FPSR: c->fpsr = (u32)v; return true;
    case RK_FPCR: c->fpcr = (u32)v; return true;
    case RK_CURRENTEL: return false;   /* read-only: write cpsr to change EL */
    case RK_SYS:
        if (!guarded_sysreg(c, g->sr, &v, true))
            return false;
        /* Translation controls may have changed: drop cached translations
         * and re-derive the security state/regime. */
        cpu_update_derived(c);
        tlb_flush_all(c);
        c->pending |= PEND_ASYNC;
        return true;
    }
    return false;
}
