/*
 * machine/record.c — see record.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pl011/pl011.h"
#include "machine/record.h"
#include "trace/digest.h"

#ifndef HS_VERSION
#define HS_VERSION "unknown"
#endif

static void record_input(void *opaque, u64 step, u8 byte);

typedef struct RecordState {
    FILE *f;
} RecordState;

typedef struct ReplayIn {
    u64 step;
    u8 byte;
} ReplayIn;

typedef struct ReplayState {
    ReplayIn *in;
    size_t n, next;
} ReplayState;

bool record_start(Machine *m, const char *args, const char *images, const char *path, u64 every,
                  char *err, size_t errlen)
{
    RecordState *r = calloc(1, sizeof(*r));
    if (!r)
        return false;
    r->f = fopen(path, "w");
    if (!r->f) {
        snprintf(err, errlen, "cannot write record file %s", path);
        free(r);
        return false;
    }
    fprintf(r->f, "hyperstep-record v1\nversion %s\nargs %s\n%s", HS_VERSION, args, images);
    if (!digest_setup_streams(m, every, r->f, false, NULL, NULL, err, errlen)) {
        fclose(r->f);
        free(r);
        return false;
    }
    m->record = r;
    Device *d = machine_find_device(m, "pl011");
    if (d)
        pl011_set_recorder(d->opaque, record_input, m);
    return true;
}

/* The UART's recorder: a byte of host input entered at STEP. */
static void record_input(void *opaque, u64 step, u8 byte)
{
    Machine *m = opaque;
    RecordState *r = m->record;
    if (r)
        fprintf(r->f, "in %llu %02x\n", (unsigned long long)step, byte);
}

static void replay_tick(void *opaque, u64 now_ns)
{
    Machine *m = opaque;
    ReplayState *p = m->replay;
    (void)now_ns;
    while (p->next < p->n && p->in[p->next].step <= m->steps + m->quantum &&
           uart_input_at(m, p->in[p->next].step, p->in[p->next].byte))
        p->next++;
}

static u64 replay_deadline(void *opaque)
{
    Machine *m = opaque;
    ReplayState *p = m->replay;
    if (p->next >= p->n)
        return UINT64_MAX;
    u64 s = p->in[p->next].step;
    return s <= m->steps ? m->round_start_ns : m->round_start_ns + (s - m->steps) * m->ns_per_insn;
}

/* Compare a header line of the record with what this run would write. */
static bool expect_line(FILE *f, const char *want_prefix, const char *now, const char *what, const char *path,
                        char *err, size_t errlen)
{
    static char line[8192];
    if (!fgets(line, sizeof(line), f) || strncmp(line, want_prefix, strlen(want_prefix))) {
        snprintf(err, errlen, "%s: not a hyperstep record (no '%s' line)", path, want_prefix);
        return false;
    }
    line[strcspn(line, "\n")] = 0;
    if (strcmp(line + strlen(want_prefix), now)) {
        snprintf(err, errlen, "replay diverges before step 0: %s differs from the recording\n"
                 "  recorded: %s\n  now:      %s", what, line + strlen(want_prefix), now);
        return false;
    }
    return true;
}

bool replay_start(Machine *m, const char *args, const char *images, const char *path,
                  char *err, size_t errlen)
{
    static char rec_images[8192], line[256];
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read record file %s", path);
        return false;
    }
    bool ok = fgets(line, sizeof(line), f) && !strcmp(line, "hyperstep-record v1\n");
    if (!ok) {
        snprintf(err, errlen, "%s: not a hyperstep record (missing 'hyperstep-record v1')", path);
        fclose(f);
        return false;
    }
    if (!expect_line(f, "version ", HS_VERSION, "the hyperstep version", path, err, errlen) ||
        !expect_line(f, "args ", args, "the command line", path, err, errlen)) {
        fclose(f);
        return false;
    }
    /* Image lines up to the digest header. */
    size_t k = 0;
    rec_images[0] = 0;
    while (fgets(line, sizeof(line), f) && strncmp(line, "hyperstep-digests", 17))
        k += (size_t)snprintf(rec_images + k, k < sizeof(rec_images) ? sizeof(rec_images) - k : 0, "%s", line);
    if (strcmp(rec_images, images)) {
        snprintf(err, errlen, "replay diverges before step 0: the images differ from the recording\n"
                 "  recorded:\n%s  now:\n%s", rec_images, images);
        fclose(f);
        return false;
    }
    ReplayState *p = calloc(1, sizeof(*p));
    size_t cap = 0;
    while (p && fgets(line, sizeof(line), f)) {
        unsigned long long s;
        unsigned b;
        if (sscanf(line, "in %llu %x", &s, &b) != 2)
            continue;
        if (p->n == cap) {
            cap = cap ? cap * 2 : 256;
            ReplayIn *n = realloc(p->in, cap * sizeof(*n));
            if (!n)
                break;
            p->in = n;
        }
        p->in[p->n].step = s;
        p->in[p->n].byte = (u8)b;
        p->n++;
    }
    fclose(f);
    if (!p)
        return false;
    m->replay = p;
    machine_add_clock(m, replay_tick, replay_deadline, m);
    /* The checkpoints: compared by the digest module, reading the same file. */
    FILE *e = fopen(path, "r");
    if (!e || !digest_setup_streams(m, 1, NULL, false, e, path, err, errlen)) {
        if (e)
            fclose(e);
        return false;
    }
    return true;
}

void record_finish(Machine *m)
{
    RecordState *r = m->record;
    ReplayState *p = m->replay;
    if (r) {
        fclose(r->f);
        free(r);
        m->record = NULL;
    }
    if (p) {
        free(p->in);
        free(p);
        m->replay = NULL;
    }
}
