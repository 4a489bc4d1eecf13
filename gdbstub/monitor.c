/*
 * gdbstub/monitor.c — thread names, syndrome decoding and the `monitor`
 * commands (qRcmd): help, cores, psci, el, trace, phys, tlb.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/power.h"
#include "cpu/regs.h"
#include "exceptions/exceptions.h"
#include "firmware/psci/psci.h"
#include "gdbstub/internal.h"
#include "mmu/mmu.h"
#include "trace/trace.h"


/* State text with its cause, e.g. "off: never powered on". */
static const char *state_text(const Cpu *c, char *buf, size_t n)
{
    return core_state_reason(c, buf, n);
}

static const char *sec_text(const Cpu *c)
{
    return (c->el == 3 || !c->ns) ? "Secure" : "Non-secure";
}

const char *gdb_thread_name(const Cpu *c, char *buf, size_t n)
{
    char st[80];
    snprintf(buf, n, "CPU#%u [%s] EL%u %s", c->index, state_text(c, st, sizeof(st)), c->el, sec_text(c));
    return buf;
}

/* Fault status code (DFSC/IFSC) names, Arm ARM D17.2.37. */
static const char *fsc_text(unsigned fsc, char *buf, size_t n)
{
    unsigned lvl = fsc & 3;
    switch (fsc >> 2) {
    case 0: snprintf(buf, n, "Address size fault level %u", lvl); return buf;
    case 1: snprintf(buf, n, "Translation fault level %u", lvl); return buf;
    case 2: snprintf(buf, n, "Access flag fault level %u", lvl); return buf;
    case 3: snprintf(buf, n, "Permission fault level %u", lvl); return buf;
    case 5: snprintf(buf, n, "Synchronous External abort on table walk level %u", lvl); return buf;
    default: break;
    }
    switch (fsc) {
    case 0x10: return "Synchronous External abort";
    case 0x11: return "Synchronous tag check fault";
    case 0x21: return "Alignment fault";
    case 0x22: return "Debug exception";
    case 0x30: return "TLB conflict abort";
    default: snprintf(buf, n, "FSC 0x%02x", fsc); return buf;
    }
}

const char *gdb_decode_esr(Machine *m, u32 esr, char *buf, size_t n)
{
    unsigned ec = (esr >> ESR_EC_SHIFT) & 0x3f;
    u32 iss = esr & ESR_ISS;
    char f[80];
    const char *name = exc_ec_name(ec);
    switch (ec) {
    case EC_SVC64:
    case EC_HVC64:
    case EC_SMC64:
    case EC_BRK64:
        snprintf(buf, n, "%s #0x%x", name, iss & 0xffff);
        break;
    case EC_WFX:
        snprintf(buf, n, "%s: trapped %s", name, (iss & 1) ? "WFE" : "WFI");
        break;
    case EC_SYSREG: {
        unsigned op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
        unsigned crn = (iss >> 10) & 15, rt = (iss >> 5) & 31, crm = (iss >> 1) & 15;
        bool rd = iss & 1;
        const SysRegDesc *r = m ? sysreg_find(m, SR_KEY(op0, op1, crn, crm, op2)) : NULL;
        char nm[48];
        if (r)
            snprintf(nm, sizeof(nm), "%s", r->name);
        else
            snprintf(nm, sizeof(nm), "S%u_%u_C%u_C%u_%u", op0, op1, crn, crm, op2);
        if (rd)
            snprintf(buf, n, "%s: trapped MRS x%u, %s", name, rt, nm);
        else
            snprintf(buf, n, "%s: trapped MSR %s, x%u", name, nm, rt);
        break;
    }
    case EC_DABT_LOWER:
    case EC_DABT_CUR: {
        bool isv = iss >> 24 & 1;
        char extra[80] = "";
        if (isv)
            snprintf(extra, sizeof(extra), ", ISV=1 SAS=%u bytes %s%u%s", 1u << ((iss >> 22) & 3),
                     (iss >> 15) & 1 ? "x" : "w", (iss >> 16) & 31, (iss >> 21) & 1 ? " sign-extended" : "");
        snprintf(buf, n, "%s: %s, %s%s%s%s", name, (iss >> 6) & 1 ? "write" : "read",
                 fsc_text(iss & 0x3f, f, sizeof(f)), (iss >> 7) & 1 ? ", on stage-1 table walk (S1PTW)" : "",
                 (iss >> 8) & 1 ? ", cache maintenance" : "", extra);
        break;
    }
    case EC_IABT_LOWER:
    case EC_IABT_CUR:
        snprintf(buf, n, "%s: %s%s", name, fsc_text(iss & 0x3f, f, sizeof(f)),
                 (iss >> 7) & 1 ? ", on stage-1 table walk (S1PTW)" : "");
        break;
    case EC_UNKNOWN:
        snprintf(buf, n, "%s (unallocated/unimplemented instruction or trapped access)", name);
        break;
    default:
        snprintf(buf, n, "%s, ISS 0x%x", name, iss);
        break;
    }
    return buf;
}

/* Output accumulator. */
typedef struct Out {
    char *p;
    size_t len, cap;
} Out;

static void out(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(Out *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static void cmd_cores(GdbStub *s, Out *o)
{
    Machine *m = s->m;
    out(o, "core  thread  state                         EL   security     PC                  last exception\n");
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        char st[80], le[320];
        state_text(c, st, sizeof(st));
        if (!c->last_exc.valid) {
            snprintf(le, sizeof(le), "none");
        } else if (c->last_exc.async) {
            snprintf(le, sizeof(le), "%s EL%u->EL%u at step %llu, ELR=0x%llx", c->last_exc.what ? c->last_exc.what : "async",
                     c->last_exc.from_el, c->last_exc.to_el, (unsigned long long)c->last_exc.step,
                     (unsigned long long)c->last_exc.elr);
        } else {
            char d[200];
            gdb_decode_esr(m, (u32)c->last_exc.esr, d, sizeof(d));
            int k = snprintf(le, sizeof(le), "%s; EL%u->EL%u at step %llu, ESR=0x%08llx ELR=0x%llx", d,
                             c->last_exc.from_el, c->last_exc.to_el, (unsigned long long)c->last_exc.step,
                             (unsigned long long)c->last_exc.esr, (unsigned long long)c->last_exc.elr);
            if (c->last_exc.far_valid && k > 0 && (size_t)k < sizeof(le))
                snprintf(le + k, sizeof(le) - (size_t)k, " FAR=0x%llx", (unsigned long long)c->last_exc.far);
        }
        out(o, "%-4u  %-6u  %-28s  EL%u  %-11s  0x%016llx  %s\n", i, i + 1, st, c->el, sec_text(c),
            (unsigned long long)c->pc, le);
        if (c->last_exc.valid && !c->last_exc.async && c->last_exc.what)
            out(o, "                                                                                  "
                   "cause: %s\n", c->last_exc.what);
    }
}

static void cmd_psci(GdbStub *s, Out *o)
{
    PsciRecord rec[PSCI_HISTORY];
    unsigned n = psci_history(s->m, rec, PSCI_HISTORY);
    if (!n) {
        out(o, "no PSCI calls recorded%s\n",
            s->m->psci_conduit == CONDUIT_NONE ? " (no built-in firmware: the guest owns EL3)" : "");
        return;
    }
    out(o, "last %u PSCI/SMCCC calls, oldest first:\n", n);
    for (unsigned i = 0; i < n; i++) {
        char line[256];
        out(o, "  %s\n", psci_format(&rec[i], line, sizeof(line)));
    }
}

static void cmd_el(GdbStub *s, Out *o)
{
    Cpu *c = s->m->cpu[s->cur < s->m->ncpu ? s->cur : 0];
    static const char *const regime[] = {"NS EL1&0 (EL0 access)", "NS EL1&0", "Secure EL1&0 (EL0 access)",
                                         "Secure EL1&0", "EL2", "EL3"};
    out(o, "CPU#%u: EL%u%s %s, PC=0x%llx, DAIF=%c%c%c%c\n", c->index, c->el, c->el ? (c->spsel ? "h" : "t") : "t",
        sec_text(c), (unsigned long long)c->pc, c->daif & PSTATE_D ? 'D' : '-', c->daif & PSTATE_A ? 'A' : '-',
        c->daif & PSTATE_I ? 'I' : '-', c->daif & PSTATE_F ? 'F' : '-');
    out(o, "  translation regime: %s, stage 1 %s\n", c->mmu_idx < ARRAY_SIZE(regime) ? regime[c->mmu_idx] : "?",
        (c->el == 3 ? c->sctlr_el[3] : c->el == 2 ? c->sctlr_el[2] : c->sctlr_el[1]) & SCTLR_M ? "on" : "off");
    out(o, "  EL2 %s, EL3 %s\n", cpu_have_el2(c) ? "implemented" : "not implemented",
        cpu_have_el3(c) ? "implemented (guest firmware)" : "not implemented (built-in firmware)");
    u64 scr = c->scr_el3;
    out(o, "  SCR_EL3=0x%llx: NS=%u IRQ=%u FIQ=%u EA=%u SMD=%u HCE=%u RW=%u TWI=%u TWE=%u\n",
        (unsigned long long)scr, (unsigned)(scr & 1), (unsigned)(scr >> 1 & 1), (unsigned)(scr >> 2 & 1),
        (unsigned)(scr >> 3 & 1), (unsigned)(scr >> 7 & 1), (unsigned)(scr >> 8 & 1), (unsigned)(scr >> 10 & 1),
        (unsigned)(scr >> 12 & 1), (unsigned)(scr >> 13 & 1));
    u64 h = c->hcr_el2;
    out(o, "  HCR_EL2=0x%llx: VM=%u FMO=%u IMO=%u AMO=%u VF=%u VI=%u VSE=%u DC=%u TWI=%u TWE=%u TSC=%u "
           "TVM=%u TGE=%u RW=%u\n", (unsigned long long)h, (unsigned)(h & 1), (unsigned)(h >> 3 & 1),
        (unsigned)(h >> 4 & 1), (unsigned)(h >> 5 & 1), (unsigned)(h >> 6 & 1), (unsigned)(h >> 7 & 1),
        (unsigned)(h >> 8 & 1), (unsigned)(h >> 12 & 1), (unsigned)(h >> 13 & 1), (unsigned)(h >> 14 & 1),
        (unsigned)(h >> 19 & 1), (unsigned)(h >> 26 & 1), (unsigned)(h >> 27 & 1), (unsigned)(h >> 31 & 1));
    for (unsigned el = 1; el <= 3; el++)
        out(o, "  SCTLR_EL%u=0x%llx (M=%u A=%u C=%u I=%u)  VBAR_EL%u=0x%llx\n", el,
            (unsigned long long)c->sctlr_el[el], (unsigned)(c->sctlr_el[el] & 1), (unsigned)(c->sctlr_el[el] >> 1 & 1),
            (unsigned)(c->sctlr_el[el] >> 2 & 1), (unsigned)(c->sctlr_el[el] >> 12 & 1), el,
            (unsigned long long)c->vbar_el[el]);
}

static void cmd_tlb(GdbStub *s, Out *o)
{
    Cpu *c = s->m->cpu[s->cur < s->m->ncpu ? s->cur : 0];
    static const char *const names[MMU_IDX_COUNT] = {"NS EL1&0 (EL0)", "NS EL1&0 (EL1)", "S EL1&0 (EL0)",
                                                     "S EL1&0 (EL1)", "EL2", "EL3"};
    out(o, "CPU#%u soft TLB (%u entries per regime, 4 KiB pages), current regime: %s\n", c->index, TLB_ENTRIES,
        names[c->mmu_idx < MMU_IDX_COUNT ? c->mmu_idx : 0]);
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++) {
        unsigned valid = 0, global = 0;
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            if (c->tlb->x[idx][i].valid) {
                valid++;
                global += c->tlb->x[idx][i].global;
            }
        }
        out(o, "  %-16s %3u valid (%u global)\n", names[idx], valid, global);
    }
    out(o, "  slow-path hits %llu, misses %llu, flush generation %llu%s\n", (unsigned long long)c->tlb->hits,
        (unsigned long long)c->tlb->misses, (unsigned long long)c->tlb->gen,
        (s->m->slow & SLOW_BREAK) ? "\n  (breakpoints/watchpoints set: pages are not cached)" : "");
}

static void cmd_help(Out *o)
{
    out(o, "hyperstep monitor commands:\n"
           "  help                  this text\n"
           "  cores                 every core: state and reason, EL, security, PC, last exception decoded\n"
           "  psci                  the last PSCI/SMCCC calls handled by the built-in firmware\n"
           "  el                    selected core: EL, regime, SCR_EL3/HCR_EL2/SCTLR_ELx decoded\n"
           "  trace on|off CAT      switch trace categories (insn,exc,psci,mmio,gic,timer,mmu,sched,regs,all)\n"
           "  phys on|off           memory accesses use physical (on) or virtual addresses (off)\n"
           "  tlb                   selected core's soft TLB: valid entries per regime, hit/miss counters\n"
           "  when                  the current step, instructions retired per core, checkpoints\n"
           "  goto STEP             go to the first instruction at global step STEP or later, back or\n"
           "                        forward (--reverse-budget); then 'maint flush register-cache'\n"
           "Threads are cores: thread N = CPU#(N-1).\n");
}

void gdbmon_run(GdbStub *s, const char *cmd, char *buf, size_t n)
{
    Out o = {buf, 0, n};
    buf[0] = 0;
    char w[4][64] = {{0}};
    int nw = sscanf(cmd, "%63s %63s %63s %63s", w[0], w[1], w[2], w[3]);
    if (nw <= 0 || !strcmp(w[0], "help")) {
        cmd_help(&o);
    } else if (!strcmp(w[0], "cores") && nw == 1) {
        cmd_cores(s, &o);
    } else if (!strcmp(w[0], "psci") && nw == 1) {
        cmd_psci(s, &o);
    } else if (!strcmp(w[0], "el") && nw == 1) {
        cmd_el(s, &o);
    } else if (!strcmp(w[0], "tlb") && nw == 1) {
        cmd_tlb(s, &o);
    } else if (!strcmp(w[0], "when") && nw == 1) {
        gdb_rev_when(s, buf, n);
    } else if (!strcmp(w[0], "goto") && nw == 2) {
        u64 step;
        char *end;
        step = strtoull(w[1], &end, 0);
        if (!gdb_reverse_on(s))
            out(&o, "monitor goto needs reverse execution: start hyperstep with --reverse-budget MiB\n");
        else if (*end || !w[1][0])
            out(&o, "usage: monitor goto STEP (a global step number, see 'monitor when')\n");
        else
            s->act_after = gdb_rev_goto_step(s, step);
    } else if (!strcmp(w[0], "phys") && nw <= 2) {
        if (nw == 2 && (!strcmp(w[1], "on") || !strcmp(w[1], "off")))
            s->phys = !strcmp(w[1], "on");
        else if (nw == 2)
            out(&o, "usage: monitor phys on|off\n");
        out(&o, "memory accesses use %s addresses\n", s->phys ? "physical" : "virtual (selected core's regime)");
    } else if (!strcmp(w[0], "trace") && nw == 3 && (!strcmp(w[1], "on") || !strcmp(w[1], "off"))) {
        u32 mask = 0;
        char err[200];
        if (!trace_parse(w[2], &mask, err, sizeof(err))) {
            out(&o, "%s\n", err);
            return;
        }
        if (!HS_TRACE_ON) {   /* built with meson -Dtrace=false: no trace hooks */
            out(&o, "hyperstep was built without tracing (meson -Dtrace=false)\n");
            return;
        }
        Machine *m = s->m;
        if (!strcmp(w[1], "on"))
            m->trace |= mask;
        else
            m->trace &= ~mask;
        if ((m->trace & (TRACE_INSN | TRACE_REGS)) || m->steplog || m->tarmac)   /* step log/Tarmac need it too */
            m->slow |= SLOW_TRACE;
        else
            m->slow &= ~SLOW_TRACE;
        out(&o, "trace mask now 0x%x\n", m->trace);
    } else {
        out(&o, "unknown monitor command '%s' (try 'monitor help')\n", cmd);
    }
}
