/*
 * trace/tarmac.c — see tarmac.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tarmac.h"
#include "trace/trace.h"

typedef struct TarSnap {
    u64 x[32];
    u64 pstate;
} TarSnap;

/* A data access waiting for its instruction's IT/IS line (tarmac_post runs
 * after the instruction executed, so its accesses are buffered per core). */
typedef struct TarMem {
    u64 va, pa, val;
    u8 size;
    bool w;
} TarMem;

#define TARMAC_MEM_MAX 128   /* per core and instruction (LD4/ST4 do up to 64) */

typedef struct Tarmac {
    FILE *out;
    TarSnap snap[HS_MAX_CPUS];
    TarMem mem[HS_MAX_CPUS][TARMAC_MEM_MAX];
    unsigned nmem[HS_MAX_CPUS];
} Tarmac;

static void mem_line(Tarmac *t, unsigned long long ts, unsigned cpu, const TarMem *r)
{
    fprintf(t->out, "%llu clk cpu%u M%c%u %016llx:%010llx %0*llx\n", ts, cpu, r->w ? 'W' : 'R',
            r->size, (unsigned long long)r->va, (unsigned long long)r->pa, (int)(2 * r->size),
            (unsigned long long)r->val);
}

bool tarmac_setup(Machine *m, const char *path, char *err, size_t errlen)
{
    Tarmac *t = calloc(1, sizeof(*t));
    if (!t)
        return false;
    t->out = fopen(path, "w");
    if (!t->out) {
        snprintf(err, errlen, "cannot write tarmac file %s", path);
        free(t);
        return false;
    }
    for (unsigned i = 0; i < m->ncpu; i++) {
        memcpy(t->snap[i].x, m->cpu[i]->x, sizeof(t->snap[i].x));
        t->snap[i].pstate = cpu_get_pstate(m->cpu[i]);
    }
    m->tarmac = t;
    m->slow |= SLOW_TRACE | SLOW_TARMAC;   /* SLOW_TARMAC: data accesses skip the soft TLB */
    return true;
}

static void mode_name(const Cpu *c, char *buf, size_t n)
{
    snprintf(buf, n, "EL%u%c_%c", c->el, c->el && c->spsel ? 'h' : 't', c->ns ? 'n' : 's');
}

void tarmac_post(Cpu *c, u64 pc, u32 insn, bool exception)
{
    Tarmac *t = c->m->tarmac;
    if (!t)
        return;
    TarSnap *s = &t->snap[c->index];
    unsigned long long ts = (unsigned long long)machine_step(c->m, c);
    char dis[128], mode[16];
    trace_disas(c->m, pc, insn, dis, sizeof(dis));
    /* The mode column names the state the instruction executed in; after an
     * exception that is the state before entry (saved in SPSR_ELx). */
    if (exception) {
        u64 sp = c->spsr_el[c->el];
        snprintf(mode, sizeof(mode), "EL%uh_%c", (unsigned)((sp >> 2) & 3), c->ns ? 'n' : 's');
        if (!((sp >> 2) & 3))
            snprintf(mode, sizeof(mode), "EL0t_%c", c->ns ? 'n' : 's');
    } else {
        mode_name(c, mode, sizeof(mode));
    }
    fprintf(t->out, "%llu clk cpu%u %s (%llu) %016llx %08x O %s : %s\n", ts, c->index,
            exception ? "IS" : "IT", (unsigned long long)c->icount, (unsigned long long)pc, insn, mode, dis);
    for (unsigned r = 0; r < 31; r++)
        if (c->x[r] != s->x[r])
            fprintf(t->out, "%llu clk cpu%u R X%u %016llx\n", ts, c->index, r, (unsigned long long)c->x[r]);
    if (c->x[31] != s->x[31])
        fprintf(t->out, "%llu clk cpu%u R SP_EL%u %016llx\n", ts, c->index, c->spsel ? c->el : 0,
                (unsigned long long)c->x[31]);
    u64 ps = cpu_get_pstate(c);
    if (ps != s->pstate)
        fprintf(t->out, "%llu clk cpu%u R CPSR %08llx\n", ts, c->index, (unsigned long long)ps);
    if (exception)
        fprintf(t->out, "%llu clk cpu%u E %016llx %08llx CoreEvent_SYNC_EXCEPTION\n", ts, c->index,
                (unsigned long long)c->pc, (unsigned long long)c->esr_el[c->el]);
    for (unsigned i = 0; i < t->nmem[c->index]; i++)
        mem_line(t, ts, c->index, &t->mem[c->index][i]);
    t->nmem[c->index] = 0;
    memcpy(s->x, c->x, sizeof(s->x));
    s->pstate = ps;
}

void tarmac_mem(Cpu *c, u64 va, u64 pa, unsigned size, u64 val, bool w)
{
    Tarmac *t = c->m->tarmac;
    if (!t)
        return;
    unsigned *n = &t->nmem[c->index];
    if (*n == TARMAC_MEM_MAX) {
        /* Cannot happen for one A64 instruction: say so rather than drop it silently. */
        hs_log("hyperstep: tarmac: more than %u accesses in one instruction at PC=0x%llx",
               TARMAC_MEM_MAX, (unsigned long long)c->pc);
        return;
    }
    t->mem[c->index][(*n)++] = (TarMem){.va = va, .pa = pa, .val = val, .size = (u8)size, .w = w};
}

void tarmac_finish(Machine *m)
{
    Tarmac *t = m->tarmac;
    if (!t)
        return;
    fclose(t->out);
    free(t);
    m->tarmac = NULL;
}
