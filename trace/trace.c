/*
 * trace/trace.c — human-readable trace lines (Capstone for disassembly).
 */
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "exceptions/exceptions.h"
#include "machine/machine.h"
#include "trace/steplog.h"
#include "trace/tarmac.h"
#include "trace/trace.h"

static const struct { const char *name; u32 bit; } cats[] = {
    {"insn", TRACE_INSN}, {"exc", TRACE_EXC}, {"psci", TRACE_PSCI}, {"mmio", TRACE_MMIO},
    {"gic", TRACE_GIC}, {"timer", TRACE_TIMER}, {"mmu", TRACE_MMU}, {"sched", TRACE_SCHED},
    {"regs", TRACE_REGS}, {"all", ~0u},
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
                     "timer, mmu, sched, regs, all)", t);
            return false;
        }
    }
    return true;
}

FILE *trace_out(const Machine *m)
{
    return m->trace_file ? (FILE *)m->trace_file : stderr;
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
    if (!(c->m->trace & TRACE_INSN))
        return;
    char dis[128];
    trace_disas(c->m, pc, insn, dis, sizeof(dis));
    trace_prefix(c);
    fprintf(trace_out(c->m), "%016llx: %08x  %s\n", (unsigned long long)pc, insn, dis);
}

void trace_post(Cpu *c, u64 pc, u32 insn, bool exception)
{
    if (c->m->steplog)
        steplog_post(c, pc, insn, exception);
    if (c->m->tarmac)
        tarmac_post(c, pc, insn, exception);
}

void trace_exception(Cpu *c, unsigned from, unsigned to, u32 esr, u64 far, bool far_valid,
                     u64 elr, const char *reason)
{
    FILE *f = trace_out(c->m);
    unsigned ec = esr >> ESR_EC_SHIFT;
    trace_prefix(c);
    fprintf(f, "EXC  EL%u -> EL%u sync EC=0x%02x (%s) ISS=0x%07x ESR=0x%08x ELR=0x%llx", from, to,
            ec, exc_ec_name(ec), (unsigned)(esr & ESR_ISS), esr, (unsigned long long)elr);
    if (far_valid)
        fprintf(f, " FAR=0x%llx", (unsigned long long)far);
    if (reason)
        fprintf(f, ": %s", reason);
    fputc('\n', f);
}

void trace_async(Cpu *c, unsigned from, unsigned to, const char *what)
{
    trace_prefix(c);
    fprintf(trace_out(c->m), "EXC  EL%u -> EL%u %s ELR=0x%llx\n", from, to, what,
            (unsigned long long)c->elr_el[to]);
}

void trace_eret(Cpu *c, unsigned from, u64 elr, u64 spsr, const char *illegal)
{
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
    trace_prefix(c);
    fprintf(trace_out(c->m), "MMIO %s %s 0x%llx size %u %s 0x%llx%s\n", write ? "write" : "read ",
            dev, (unsigned long long)pa, size, write ? "<-" : "->", (unsigned long long)val,
            ok ? "" : " (external abort)");
}

void trace_sched(Cpu *c, const char *what)
{
    trace_prefix(c);
    fprintf(trace_out(c->m), "SCHED core %u %s at PC=0x%llx\n", c->index, what,
            (unsigned long long)c->pc);
}

void trace_unimplemented(Cpu *c, const char *what)
{
    /* FNV-1a of the message; log each distinct one once. */
    u64 h = 1469598103934665603ull;
    for (const char *p = what; *p; p++)
        h = (h ^ (u8)*p) * 1099511628211ull;
    h |= 1;
    Machine *m = c->m;
    for (unsigned i = 0; i < ARRAY_SIZE(m->unimp_seen); i++) {
        if (m->unimp_seen[i] == h)
            return;
        if (!m->unimp_seen[i]) {
            m->unimp_seen[i] = h;
            break;
        }
    }
    fprintf(stderr, "hyperstep: core %u EL%u PC=0x%llx: %s -> UNDEFINED\n", c->index, c->el,
            (unsigned long long)c->pc, what);
}
