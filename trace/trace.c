/*
 * trace/trace.c — human-readable trace lines (Capstone for disassembly).
 */
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exceptions/exceptions.h"
#include "exceptions/smccc.h"
#include "cpu/machine_core.h"
#include "trace/steplog.h"
#include "trace/tarmac.h"
#include "trace/trace.h"

static const struct { const char *name; u32 bit; } cats[] = {
    {"insn", TRACE_INSN}, {"exc", TRACE_EXC}, {"psci", TRACE_PSCI}, {"mmio", TRACE_MMIO},
    {"gic", TRACE_GIC}, {"timer", TRACE_TIMER}, {"mmu", TRACE_MMU}, {"sched", TRACE_SCHED},
    {"regs", TRACE_REGS}, {"virtio", TRACE_VIRTIO}, {"all", ~0u},
};

bool trace_parse(const char *spec, u32 *mask, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        bool found = false;
        for (size_t i = 0; i < ARRAY_SIZE(cats); i++) {
            if (!strcmp(t, cats[i].name)) {
                *mask |= cats[i].bit;
                found = true;
            }
        }
        if (!found) {
            snprintf(err, errlen, "unknown trace category '%s' (known: insn, exc, psci, mmio, gic, "
                     "timer, mmu, sched, regs, virtio, all)", t);
            return false;
        }
    }
    return true;
}

bool trace_wanted(const Cpu *c, unsigned el, u64 addr)
{
    if (!c)
        return true;
    const Machine *m = c->m;
    if (!m->trace_filtered)
        return true;
    if (m->trace_cores && !(m->trace_cores & (1ull << c->index)))
        return false;
    if (m->trace_els && !(m->trace_els & (1u << el)))
        return false;
    if (m->trace_range && (addr < m->trace_lo || addr > m->trace_hi))
        return false;
    return true;
}

/* Parse a list of numbers and N-M ranges, each <= MAX, into a bitmask. */
static bool parse_list(const char *what, const char *spec, unsigned max, u64 *mask, char *err,
                       size_t errlen)
{
    const char *p = spec;
    u64 m = 0;
    for (;;) {
        char *end;
        if (*p < '0' || *p > '9')
            goto bad;
        unsigned long a = strtoul(p, &end, 10), b = a;
        p = end;
        if (*p == '-') {
            if (p[1] < '0' || p[1] > '9')
                goto bad;
            b = strtoul(p + 1, &end, 10);
            p = end;
        }
        if (a > max || b > max || b < a)
            goto bad;
        for (unsigned long i = a; i <= b; i++)
            m |= 1ull << i;
        if (!*p)
            break;
        if (*p++ != ',')
            goto bad;
    }
    *mask |= m;
    return true;
bad:
    snprintf(err, errlen, "'%s': expected a list of %ss 0..%u like 0,2 or 1-3", spec, what, max);
    return false;
}

bool trace_parse_cores(const char *spec, u64 *mask, char *err, size_t errlen)
{
    return parse_list("core", spec, HS_MAX_CPUS - 1, mask, err, errlen);
}

bool trace_parse_els(const char *spec, u32 *mask, char *err, size_t errlen)
{
    u64 m = 0;
    if (!parse_list("EL", spec, 3, &m, err, errlen))
        return false;
    *mask |= (u32)m;
    return true;
}

bool trace_parse_range(const char *spec, u64 *lo, u64 *hi, char *err, size_t errlen)
{
    char *end;
    const char *dash = strchr(spec, '-');
    if (!dash || dash == spec || !dash[1])
        goto bad;
    *lo = strtoull(spec, &end, 0);
    if (end != dash)
        goto bad;
    *hi = strtoull(dash + 1, &end, 0);
    if (*end || *hi < *lo)
        goto bad;
    return true;
bad:
    snprintf(err, errlen, "'%s': expected LO-HI, inclusive, e.g. 0x40080000-0x400fffff", spec);
    return false;
}

FILE *trace_out(const Machine *m)
{
    return m->trace_file ? (FILE *)m->trace_file : stderr;
}

void trace_line(const Machine *m, const char *fmt, ...)
{
    FILE *f = trace_out(m);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

void trace_prefix(const Cpu *c)
{
    fprintf(trace_out(c->m), "[c%u EL%u #%llu] ", c->index, c->el,
            (unsigned long long)machine_step(c->m, c));
}

void trace_free(Machine *m)
{
    if (m->capstone) {
        cs_close((csh *)m->capstone);
        free(m->capstone);
        m->capstone = NULL;
    }
}

void trace_disas(Machine *m, u64 pc, u32 insn, char *buf, size_t len)
{
    if (!m->capstone) {
        csh *h = calloc(1, sizeof(csh));
        if (h && cs_open(CS_ARCH_ARM64, CS_MODE_ARM, h) == CS_ERR_OK)
            m->capstone = h;
        else
            free(h);
    }
    cs_insn *ci = NULL;
    size_t n = m->capstone ? cs_disasm(*(csh *)m->capstone, (const u8 *)&insn, 4, pc, 1, &ci) : 0;
    if (n == 1)
        snprintf(buf, len, "%s %s", ci->mnemonic, ci->op_str);
    else
        snprintf(buf, len, "(undecodable)");
    if (ci)
        cs_free(ci, n);
}

void trace_insn(Cpu *c, u64 pc, u32 insn)
{
    if (!(c->m->trace & TRACE_INSN) || !trace_wanted(c, c->el, pc))
        return;
    char dis[128];
    trace_disas(c->m, pc, insn, dis, sizeof(dis));
    trace_prefix(c);
    fprintf(trace_out(c->m), "%016llx: %08x  %s\n", (unsigned long long)pc, insn, dis);
}

/* --trace regs: the general registers, SP and NZCV an instruction changed,
 * one line per instruction, against a per-core snapshot (allocated on first
 * use: cold path).  The EL is the one the instruction ran at (before an
 * exception it took). */
typedef struct RegSnap {
    u64 x[32];
    u32 nzcv;
    bool valid;
} RegSnap;

static void trace_regs(Cpu *c, u64 pc, bool exception)
{
    Machine *m = c->m;
    if (!m->trace_regs) {
        m->trace_regs = calloc(HS_MAX_CPUS, sizeof(RegSnap));
        if (!m->trace_regs)
            return;
    }
    RegSnap *s = &((RegSnap *)m->trace_regs)[c->index];
    unsigned el = exception ? (unsigned)((c->spsr_el[c->el] >> 2) & 3) : c->el;
    if (s->valid && trace_wanted(c, el, pc)) {
        FILE *f = trace_out(m);
        bool any = false;
        for (unsigned r = 0; r < 32; r++) {
            if (c->x[r] == s->x[r])
                continue;
            if (!any) {
                trace_prefix(c);
                fprintf(f, "REGS %016llx:", (unsigned long long)pc);
                any = true;
            }
            if (r == 31)
                fprintf(f, " SP=%016llx", (unsigned long long)c->x[r]);
            else
                fprintf(f, " X%u=%016llx", r, (unsigned long long)c->x[r]);
        }
        if (c->nzcv != s->nzcv) {
            if (!any) {
                trace_prefix(c);
                fprintf(f, "REGS %016llx:", (unsigned long long)pc);
                any = true;
            }
            fprintf(f, " NZCV=%x", (unsigned)(c->nzcv >> 28));
        }
        if (any)
            fputc('\n', f);
    }
    memcpy(s->x, c->x, sizeof(s->x));
    s->nzcv = (u32)c->nzcv;
    s->valid = true;
}

void trace_post(Cpu *c, u64 pc, u32 insn, bool exception)
{
    if (c->m->steplog)
        steplog_post(c, pc, insn, exception);
    if (c->m->tarmac)
        tarmac_post(c, pc, insn, exception);
    if (c->m->trace & TRACE_REGS)
        trace_regs(c, pc, exception);
}

/* Xen's hypercall numbers (xen/include/public/xen.h, __HYPERVISOR_*): the
 * ones an Arm guest uses.  NULL for others. */
static const char *xen_hypercall_name(u64 nr)
{
    switch (nr) {
    case 7: return "platform_op";
    case 12: return "memory_op";
    case 13: return "multicall";
    case 17: return "xen_version";
    case 18: return "console_io";
    case 20: return "grant_table_op";
    case 21: return "vm_assist";
    case 24: return "vcpu_op";
    case 27: return "xsm_op";
    case 29: return "sched_op";
    case 32: return "event_channel_op";
    case 33: return "physdev_op";
    case 34: return "hvm_op";
    case 35: return "sysctl";
    case 36: return "domctl";
    case 39: return "argo_op";
    case 41: return "dm_op";
    case 42: return "hypfs_op";
    default: return NULL;
    }
}

/* What an SVC/HVC/SMC taken without a trap reason asked for: its immediate,
 * X0 (the SMCCC function ID, named when it is a PSCI/SMCCC one) or, for
 * Xen's hypercall immediate 0xEA1, the hypercall number in X16. */
static void trace_call_args(FILE *f, const Cpu *c, unsigned ec, u32 esr)
{
    const char *insn = ec == EC_SVC64 ? "SVC" : ec == EC_HVC64 ? "HVC" : "SMC";
    unsigned imm = esr & 0xffff;
    if (ec == EC_HVC64 && imm == 0xea1) {
        const char *n = xen_hypercall_name(xreg(c, 16));
        fprintf(f, ": HVC #0xea1 Xen hypercall X16=%llu%s%s%s", (unsigned long long)xreg(c, 16),
                n ? " (" : "", n ? n : "", n ? ")" : "");
        return;
    }
    fprintf(f, ": %s #0x%x X0=0x%llx", insn, imm, (unsigned long long)xreg(c, 0));
    const char *n = ec != EC_SVC64 ? psci_func_name((u32)xreg(c, 0)) : NULL;
    if (n)
        fprintf(f, " (%s)", n);
}

void trace_exception(Cpu *c, unsigned from, unsigned to, u32 esr, u64 far, bool far_valid,
                     u64 elr, const char *reason)
{
    if (!trace_wanted(c, to, c->trace_pc))
        return;
    FILE *f = trace_out(c->m);
    unsigned ec = esr >> ESR_EC_SHIFT;
    trace_prefix(c);
    fprintf(f, "EXC  EL%u -> EL%u sync EC=0x%02x (%s) ISS=0x%07x ESR=0x%08x ELR=0x%llx", from, to,
            ec, exc_ec_name(ec), (unsigned)(esr & ESR_ISS), esr, (unsigned long long)elr);
    if (far_valid)
        fprintf(f, " FAR=0x%llx", (unsigned long long)far);
    if (reason)
        fprintf(f, ": %s", reason);
    else if (ec == EC_SVC64 || ec == EC_HVC64 || ec == EC_SMC64)
        trace_call_args(f, c, ec, esr);
    fputc('\n', f);
}

void trace_async(Cpu *c, unsigned from, unsigned to, const char *what)
{
    if (!trace_wanted(c, to, c->elr_el[to]))
        return;
    trace_prefix(c);
    fprintf(trace_out(c->m), "EXC  EL%u -> EL%u %s ELR=0x%llx\n", from, to, what,
            (unsigned long long)c->elr_el[to]);
}

void trace_eret(Cpu *c, unsigned from, u64 elr, u64 spsr, const char *illegal)
{
    if (!trace_wanted(c, from, c->pc))
        return;
    trace_prefix(c);
    if (illegal)
        fprintf(trace_out(c->m), "ERET from EL%u ILLEGAL (%s): PSTATE.IL=1, PC=0x%llx SPSR=0x%llx\n",
                from, illegal, (unsigned long long)elr, (unsigned long long)spsr);
    else
        fprintf(trace_out(c->m), "ERET EL%u -> EL%u%s PC=0x%llx SPSR=0x%llx\n", from,
                (unsigned)((spsr >> 2) & 3), (spsr & 1) ? "h" : "t", (unsigned long long)elr,
                (unsigned long long)spsr);
}

void trace_mmio(Cpu *c, const char *dev, u64 pa, unsigned size, u64 val, bool write, bool ok)
{
    if (!trace_wanted(c, c->el, pa))
        return;
    trace_prefix(c);
    fprintf(trace_out(c->m), "MMIO %s %s 0x%llx size %u %s 0x%llx%s\n", write ? "write" : "read ",
            dev, (unsigned long long)pa, size, write ? "<-" : "->", (unsigned long long)val,
            ok ? "" : " (external abort)");
}

void trace_sched(Cpu *c, const char *what)
{
    if (!trace_wanted(c, c->el, c->pc))
        return;
    trace_prefix(c);
    fprintf(trace_out(c->m), "SCHED core %u %s at PC=0x%llx\n", c->index, what,
            (unsigned long long)c->pc);
}

void trace_unimplemented(Cpu *c, const char *what)
{
    /* FNV-1a of the message; log each distinct one once.  Once the table
     * of logged messages is full, one last line says so and the rest are
     * not logged (a guest executing random words would otherwise flood
     * stderr); --trace exc still shows every exception taken. */
    u64 h = 1469598103934665603ull;
    for (const char *p = what; *p; p++)
        h = (h ^ (u8)*p) * 1099511628211ull;
    h |= 1;
    Machine *m = c->m;
    unsigned i;
    for (i = 0; i < ARRAY_SIZE(m->unimp_seen); i++) {
        if (m->unimp_seen[i] == h)
            return;
        if (!m->unimp_seen[i]) {
            m->unimp_seen[i] = h;
            break;
        }
    }
    if (i == ARRAY_SIZE(m->unimp_seen))
        return;
    fprintf(stderr, "hyperstep: core %u EL%u PC=0x%llx: %s -> UNDEFINED\n", c->index, c->el,
            (unsigned long long)c->pc, what);
    if (i == ARRAY_SIZE(m->unimp_seen) - 1)
        fprintf(stderr, "hyperstep: %u different UNDEFINED causes logged; further ones are not "
                "(--trace exc shows every exception)\n", i + 1);
}
