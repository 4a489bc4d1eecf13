/*
 * trace/digest.c — see digest.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "cpu/machine_core.h"
#include "mmu/mmu.h"
#include "trace/digest.h"
#include "trace/trace.h"

static bool skip_input_line(FILE *f, const char *line);

typedef struct DigestState {
    FILE *out;
    FILE *expect;
    bool own_out;
    bool failed;
    unsigned expect_line;
    long body_at;        /* offset of the expected list's first line after its header */
} DigestState;

u64 digest_hash(u64 h, const void *p, size_t len)
{
    const u8 *b = p;
    h ^= 0x9e3779b97f4a7c15ull + len;
    while (len >= 8) {
        u64 w;
        memcpy(&w, b, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        b += 8;
        len -= 8;
    }
    while (len--)
        h = (h ^ *b++) * 0x100000001b3ull;
    return h ^ (h >> 31);
}

bool digest_setup_streams(Machine *m, u64 every, FILE *out, bool own_out, FILE *expect,
                          const char *expect_name, char *err, size_t errlen)
{
    DigestState *d = calloc(1, sizeof(*d));
    if (!d)
        return false;
    d->out = out;
    d->own_out = own_out;
    d->expect = expect;
    /* The stored list names its cadence and quantum: use them.  Lines before
     * the digest header (a record file's own header) are skipped. */
    if (d->expect) {
        char hdr[4096];
        unsigned long long ev = 0, q = 0;
        bool found = false;
        unsigned long long seed = 0;
        while (fgets(hdr, sizeof(hdr), d->expect)) {
            if (sscanf(hdr, "hyperstep-digests v1 every=%llu quantum=%llu seed=%llu", &ev, &q, &seed) >= 2) {
                found = ev && q;
                break;
            }
        }
        if (found && seed != m->sched_seed) {
            snprintf(err, errlen, "%s was recorded with --schedule-seed %llu, this run uses %llu", expect_name,
                     seed, (unsigned long long)m->sched_seed);
            free(d);
            return false;
        }
        d->body_at = ftell(d->expect);
        if (!found || q != m->quantum) {
            if (!found)
                snprintf(err, errlen, "%s: not a hyperstep digest list (missing 'hyperstep-digests v1' header)",
                         expect_name);
            else
                snprintf(err, errlen, "%s was recorded with --quantum %llu, this run uses %llu", expect_name, q,
                         (unsigned long long)m->quantum);
            free(d);
            return false;
        }
        every = ev;
    }
    m->digest = d;
    m->digest_every = every;
    m->next_digest = every;
    if (m->sched_seed)   /* the schedule is part of what the digests describe */
        fprintf(d->out ? d->out : trace_out(m), "hyperstep-digests v1 every=%llu quantum=%llu seed=%llu\n",
                (unsigned long long)every, (unsigned long long)m->quantum, (unsigned long long)m->sched_seed);
    else
        fprintf(d->out ? d->out : trace_out(m), "hyperstep-digests v1 every=%llu quantum=%llu\n",
                (unsigned long long)every, (unsigned long long)m->quantum);
    return true;
}

bool digest_setup(Machine *m, u64 every, const char *out, const char *expect, char *err, size_t errlen)
{
    FILE *fo = NULL, *fe = NULL;
    if (out && !(fo = fopen(out, "w"))) {
        snprintf(err, errlen, "cannot write digest file %s", out);
        return false;
    }
    if (expect && !(fe = fopen(expect, "r"))) {
        snprintf(err, errlen, "cannot read expected digests %s", expect);
        if (fo)
            fclose(fo);
        return false;
    }
    if (!digest_setup_streams(m, every, fo, fo != NULL, fe, expect, err, errlen)) {
        if (fo)
            fclose(fo);
        if (fe)
            fclose(fe);
        return false;
    }
    return true;
}

void digest_seek(Machine *m)
{
    DigestState *d = m->digest;
    if (!d)
        return;
    m->next_digest = (m->steps / m->digest_every + 1) * m->digest_every;
    if (!d->expect)
        return;
    /* From the start of the list: the state may also have gone back. */
    if (d->body_at >= 0 && fseek(d->expect, d->body_at, SEEK_SET) == 0)
        d->expect_line = 0;
    char line[2048];
    for (;;) {
        long at = ftell(d->expect);
        if (!fgets(line, sizeof(line), d->expect))
            return;
        unsigned long long step;
        if (skip_input_line(d->expect, line))
            continue;
        if (sscanf(line, "#%llu", &step) == 1 && step <= m->steps) {
            d->expect_line++;
            continue;
        }
        fseek(d->expect, at, SEEK_SET);
        return;
    }
}

/* Everything architectural about a core that is not printed in clear. */
static u64 core_hash(const Cpu *c)
{
    u64 h = 0;
    u64 sp[4];
    for (unsigned i = 0; i < 4; i++)
        sp[i] = cpu_sp_el(c, i);
    h = digest_hash(h, sp, sizeof(sp));
    h = digest_hash(h, c->elr_el, sizeof(c->elr_el));
    h = digest_hash(h, c->spsr_el, sizeof(c->spsr_el));
    h = digest_hash(h, c->esr_el, sizeof(c->esr_el));
    h = digest_hash(h, c->far_el, sizeof(c->far_el));
    h = digest_hash(h, c->v, sizeof(c->v));
    u32 fp[2] = {c->fpcr, c->fpsr};
    h = digest_hash(h, fp, sizeof(fp));
    /* The system registers, in the order of the digest format: the
     * contiguous u64 block sctlr_el..mdcr_el3, then RVBAR_EL3 (kept with
     * the core's wiring, cpu/cpu.h), then RMR_EL3. */
    const char *s = (const char *)&c->sctlr_el[0];
    const char *e = (const char *)(&c->mdcr_el3 + 1);
    u8 regs[offsetof(Cpu, mdcr_el3) + 8 - offsetof(Cpu, sctlr_el) + 16];
    memcpy(regs, s, (size_t)(e - s));
    memcpy(regs + (e - s), &c->rvbar_el3, 8);
    memcpy(regs + (e - s) + 8, &c->rmr_el3, 8);
    h = digest_hash(h, regs, sizeof(regs));
    u32 st[3] = {(u32)c->power, c->event, c->daif};
    return digest_hash(h, st, sizeof(st));
}

static u64 memory_hash(Machine *m)
{
    u64 h = 0;
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (!r->dirty)
            continue;
        u64 pages = r->size >> 12;
        for (u64 pg = 0; pg < pages; pg++) {
            if (!(r->dirty[pg >> 3] & (1u << (pg & 7))))
                continue;
            u64 pa = r->base + (pg << 12);
            h = digest_hash(h, &pa, 8);
            h = digest_hash(h, r->host + (pg << 12), 4096);
        }
        memset(r->dirty, 0, pages / 8 + 1);
    }
    /* Re-arm dirty tracking: writes must refill their TLB entries. */
    for (unsigned i = 0; i < m->ncpu; i++)
        tlb_flush_all(m->cpu[i]);
    return h;
}

static int format_core(const Cpu *c, u64 step, char *buf, size_t n)
{
    int k = snprintf(buf, n, "#%llu c%u p%u EL%u pc=%llx pstate=%llx", (unsigned long long)step,
                     c->index, (unsigned)c->power, c->el, (unsigned long long)c->pc,
                     (unsigned long long)cpu_get_pstate(c));
    for (unsigned r = 0; r < 31 && k < (int)n; r++)
        k += snprintf(buf + k, n - (size_t)k, " x%u=%llx", r, (unsigned long long)c->x[r]);
    if (k < (int)n)
        k += snprintf(buf + k, n - (size_t)k, " sp=%llx h=%016llx", (unsigned long long)c->x[31],
                      (unsigned long long)core_hash(c));
    return k;
}

/* Whether LINE (just read from F) is a host-input line of a record ("in",
 * "semi"); the rest of a longer such line is consumed from F. */
static bool skip_input_line(FILE *f, const char *line)
{
    if (strncmp(line, "in ", 3) && strncmp(line, "semi ", 5))
        return false;
    if (!strchr(line, '\n')) {
        int ch;
        while ((ch = fgetc(f)) != EOF && ch != '\n')
            ;
    }
    return true;
}

/* Compare GOT with the next expected line; on a mismatch explain it. */
static void compare(Machine *m, DigestState *d, const char *got)
{
    char want[2048];
    char *r;
    do {   /* a record file interleaves input events ("in ...") with the digests */
        d->expect_line++;
        r = fgets(want, sizeof(want), d->expect);
    } while (r && skip_input_line(d->expect, want));
    if (!r) {
        fprintf(stderr, "hyperstep: digest mismatch: the run continues past the end of the expected "
                "digests (line %u): %s\n", d->expect_line, got);
        d->failed = true;
        return;
    }
    want[strcspn(want, "\n")] = 0;
    if (!strcmp(want, got))
        return;
    d->failed = true;
    fprintf(stderr, "hyperstep: digest mismatch at step %llu (expected line %u): the run diverges from the "
            "recorded one\n  expected: %s\n  got:      %s\n",
            (unsigned long long)m->steps, d->expect_line, want, got);
    /* Name the fields that differ. */
    char a[2048], b[2048];
    snprintf(a, sizeof(a), "%s", want);
    snprintf(b, sizeof(b), "%s", got);
    char *sa = NULL, *sb = NULL;
    char *ta = strtok_r(a, " ", &sa), *tb = strtok_r(b, " ", &sb);
    fprintf(stderr, "  differs:");
    while (ta && tb) {
        if (strcmp(ta, tb))
            fprintf(stderr, " %s (expected) vs %s", ta, tb);
        ta = strtok_r(NULL, " ", &sa);
        tb = strtok_r(NULL, " ", &sb);
    }
    fputc('\n', stderr);
    m->exit_requested = true;
}

void digest_checkpoint(Machine *m)
{
    DigestState *d = m->digest;
    if (!d || d->failed)
        return;
    FILE *out = d->out ? d->out : trace_out(m);
    char line[2048];
    for (unsigned i = 0; i < m->ncpu && !d->failed; i++) {
        format_core(m->cpu[i], m->steps, line, sizeof(line));
        fprintf(out, "%s\n", line);
        if (d->expect)
            compare(m, d, line);
    }
    if (!d->failed) {
        snprintf(line, sizeof(line), "#%llu mem=%016llx", (unsigned long long)m->steps,
                 (unsigned long long)memory_hash(m));
        fprintf(out, "%s\n", line);
        if (d->expect)
            compare(m, d, line);
    }
    if (d->failed)
        m->exit_requested = true;
    while (m->next_digest <= m->steps)
        m->next_digest += m->digest_every;
}

int digest_finish(Machine *m, int code)
{
    DigestState *d = m->digest;
    if (!d)
        return code;
    if (!d->failed)
        digest_checkpoint(m);
    if (!d->failed && d->expect) {
        char want[2048];
        char *r;
        while ((r = fgets(want, sizeof(want), d->expect)) && skip_input_line(d->expect, want))
            ;
        if (r) {
            want[strcspn(want, "\n")] = 0;
            fprintf(stderr, "hyperstep: digest mismatch: the run ended at step %llu but the expected "
                    "digests continue: %s\n", (unsigned long long)m->steps, want);
            d->failed = true;
        }
    }
    if (d->own_out)
        fclose(d->out);
    if (d->expect)
        fclose(d->expect);
    bool failed = d->failed;
    free(d);
    m->digest = NULL;
    return failed ? 5 : code;
}
