/*
 * trace/steplog.c — see steplog.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/steplog.h"

typedef struct Snap {
    u64 x[32];
    u32 nzcv, daif, fpsr, fpcr;
    u8 el;
    VReg v[32];
} Snap;

typedef struct StepLog {
    FILE *out;
    bool own;
    Snap snap[HS_MAX_CPUS];
} StepLog;

static void take(Snap *s, const Cpu *c)
{
    memcpy(s->x, c->x, sizeof(s->x));
    s->nzcv = c->nzcv;
    s->daif = c->daif;
    s->fpsr = c->fpsr;
    s->fpcr = c->fpcr;
    s->el = c->el;
    memcpy(s->v, c->v, sizeof(s->v));
}

bool steplog_setup(Machine *m, const char *path, char *err, size_t errlen)
{
    StepLog *l = calloc(1, sizeof(*l));
    if (!l)
        return false;
    if (!strcmp(path, "-")) {
        l->out = stdout;
    } else {
        l->out = fopen(path, "w");
        l->own = true;
        if (!l->out) {
            snprintf(err, errlen, "cannot write step log %s", path);
            free(l);
            return false;
        }
    }
    for (unsigned i = 0; i < m->ncpu; i++)
        take(&l->snap[i], m->cpu[i]);
    m->steplog = l;
    m->slow |= SLOW_TRACE;
    return true;
}

void steplog_post(Cpu *c, u64 pc, u32 insn, bool exception)
{
    StepLog *l = c->m->steplog;
    if (!l)
        return;
    Snap *s = &l->snap[c->index];
    FILE *f = l->out;
    fprintf(f, "c%u #%llu %llx %08x%s", c->index, (unsigned long long)c->icount,
            (unsigned long long)pc, insn, exception ? " exc" : "");
    if (exception || c->pc != pc + 4)
        fprintf(f, " pc=%llx", (unsigned long long)c->pc);
    for (unsigned r = 0; r < 31; r++)
        if (c->x[r] != s->x[r])
            fprintf(f, " x%u=%llx", r, (unsigned long long)c->x[r]);
    if (c->x[31] != s->x[31])
        fprintf(f, " sp=%llx", (unsigned long long)c->x[31]);
    if (c->nzcv != s->nzcv)
        fprintf(f, " nzcv=%x", c->nzcv >> 28);
    if (c->daif != s->daif)
        fprintf(f, " daif=%x", c->daif >> 6);
    if (c->el != s->el)
        fprintf(f, " el=%u", c->el);
    if (c->fpsr != s->fpsr)
        fprintf(f, " fpsr=%x", c->fpsr);
    if (c->fpcr != s->fpcr)
        fprintf(f, " fpcr=%x", c->fpcr);
    for (unsigned r = 0; r < 32; r++)
        if (memcmp(&c->v[r], &s->v[r], sizeof(VReg)))
            fprintf(f, " v%u=%016llx%016llx", r, (unsigned long long)c->v[r].d[1],
                    (unsigned long long)c->v[r].d[0]);
    fputc('\n', f);
    take(s, c);
}

void steplog_finish(Machine *m)
{
    StepLog *l = m->steplog;
    if (!l)
        return;
    if (l->own)
        fclose(l->out);
    else
        fflush(l->out);
    free(l);
    m->steplog = NULL;
}

int replay_diff_main(const char *pa, const char *pb)
{
    FILE *a = fopen(pa, "r"), *b = fopen(pb, "r");
    if (!a || !b) {
        fprintf(stderr, "hyperstep replay-diff: cannot open %s\n", !a ? pa : pb);
        if (a)
            fclose(a);
        if (b)
            fclose(b);
        return 2;
    }
    static char la[8192], lb[8192];
    unsigned long long n = 0;
    int rc = 0;
    for (;;) {
        char *ra = fgets(la, sizeof(la), a), *rb = fgets(lb, sizeof(lb), b);
        n++;
        if (!ra && !rb)
            break;
        if (!ra || !rb) {
            printf("first difference at line %llu: %s ends first\n", n, !ra ? pa : pb);
            printf("  %s: %s", ra ? pa : pb, ra ? la : lb);
            rc = 1;
            break;
        }
        if (strcmp(la, lb)) {
            la[strcspn(la, "\n")] = 0;
            lb[strcspn(lb, "\n")] = 0;
            printf("first difference at line %llu\n  A: %s\n  B: %s\n  fields:", n, la, lb);
            char *sa = NULL, *sb = NULL;
            char *ta = strtok_r(la, " ", &sa), *tb = strtok_r(lb, " ", &sb);
            while (ta || tb) {
                if (!ta || !tb || strcmp(ta, tb))
                    printf(" [%s | %s]", ta ? ta : "-", tb ? tb : "-");
                ta = ta ? strtok_r(NULL, " ", &sa) : NULL;
                tb = tb ? strtok_r(NULL, " ", &sb) : NULL;
            }
            putchar('\n');
            rc = 1;
            break;
        }
    }
    if (!rc)
        printf("identical (%llu lines)\n", n - 1);
    fclose(a);
    fclose(b);
    return rc;
}
