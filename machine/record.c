/*
 * machine/record.c — see record.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/semihosting/semihosting.h"
#include "machine/chardev.h"
#include "machine/record.h"
#include "trace/digest.h"

#ifndef HS_VERSION
#define HS_VERSION "unknown"
#endif

/* Longest record line read: a semi line holds up to half this many bytes of a
 * read, as hex. */
#define REPLAY_LINE_MAX (1u << 22)

static void record_input(void *opaque, const char *id, u64 step, u8 byte);
static void record_semi(void *opaque, u64 step, u32 op, const SemiResult *r);
static bool replay_semi(void *opaque, u64 step, u32 op, SemiResult *r);

typedef struct RecordState {
    FILE *f;
} RecordState;

typedef struct ReplayIn {
    u64 step;
    u8 byte;
    char id[64];   /* the chardev it entered */
} ReplayIn;

/* A recorded semihosting result (a "semi" line). */
typedef struct ReplaySemi {
    u64 step;
    u32 op;
    s64 ret;
    int err;
    u8 *data;
    size_t len;
} ReplaySemi;

typedef struct ReplayState {
    ReplayIn *in;
    size_t n, next;
    ReplaySemi *semi;
    size_t nsemi, next_semi;
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
    if (m->chardevs)
        chardev_set_recorder(m->chardevs, record_input, m);
    semihosting_set_io(m, record_semi, NULL, m);
    return true;
}

/* Semihosting's recorder: "semi <step> <op> <result> <errno> <hex bytes or ->". */
static void record_semi(void *opaque, u64 step, u32 op, const SemiResult *r)
{
    Machine *m = opaque;
    RecordState *rs = m->record;
    if (!rs)
        return;
    fprintf(rs->f, "semi %llu %u %lld %d ", (unsigned long long)step, op, (long long)r->ret, r->err);
    if (!r->len)
        fputc('-', rs->f);
    for (size_t i = 0; i < r->len; i++)
        fprintf(rs->f, "%02x", r->data[i]);
    fputc('\n', rs->f);
}

/* Semihosting's replayer: the next "semi" line must be this call. */
static bool replay_semi(void *opaque, u64 step, u32 op, SemiResult *r)
{
    Machine *m = opaque;
    ReplayState *p = m->replay;
    if (p->next_semi >= p->nsemi) {
        fprintf(stderr, "hyperstep: replay diverges at step %llu: semihosting call 0x%x reads host input, "
                "the recording has no more\n", (unsigned long long)step, op);
        return false;
    }
    const ReplaySemi *e = &p->semi[p->next_semi];
    if (e->step != step || e->op != op) {
        fprintf(stderr, "hyperstep: replay diverges at step %llu: semihosting call 0x%x, the recording has "
                "call 0x%x at step %llu\n", (unsigned long long)step, op, e->op, (unsigned long long)e->step);
        return false;
    }
    p->next_semi++;
    r->ret = e->ret;
    r->err = e->err;
    r->data = e->data;
    r->len = e->len;
    return true;
}

/* Parse a "semi" line into *E (data allocated); false if malformed. */
static bool parse_semi(const char *line, ReplaySemi *e)
{
    unsigned long long step;
    unsigned op;
    long long rv;
    int err, pos = 0;
    if (sscanf(line, "semi %llu %u %lld %d %n", &step, &op, &rv, &err, &pos) != 4 || !pos)
        return false;
    const char *h = line + pos;
    size_t hl = strcspn(h, "\n");
    e->step = step;
    e->op = op;
    e->ret = rv;
    e->err = err;
    e->data = NULL;
    e->len = 0;
    if (hl == 1 && h[0] == '-')
        return true;
    if (hl % 2)
        return false;
    e->data = malloc(hl / 2 ? hl / 2 : 1);
    if (!e->data)
        return false;
    for (size_t i = 0; i < hl / 2; i++) {
        unsigned b;
        if (sscanf(h + 2 * i, "%2x", &b) != 1) {
            free(e->data);
            e->data = NULL;
            return false;
        }
        e->data[i] = (u8)b;
    }
    e->len = hl / 2;
    return true;
}

/* The chardevs' recorder: a byte of host input read into chardev ID at STEP. */
static void record_input(void *opaque, const char *id, u64 step, u8 byte)
{
    Machine *m = opaque;
    RecordState *r = m->record;
    if (r)
        fprintf(r->f, "in %llu %02x %s\n", (unsigned long long)step, byte, id);
}

static void replay_tick(void *opaque, u64 now_ns)
{
    Machine *m = opaque;
    ReplayState *p = m->replay;
    (void)now_ns;
    while (p->next < p->n && p->in[p->next].step <= m->steps + m->quantum) {
        const ReplayIn *e = &p->in[p->next];
        if (!chardev_input_at(m->chardevs, e->id, e->step, e->byte)) {
            if (!chardev_find(m->chardevs, e->id)) {
                hs_log("hyperstep: replay: the recording has input for chardev '%s', which this "
                       "command line does not define: ignored", e->id);
                p->next++;
                continue;
            }
            break;   /* its queue is full: retried at the next round */
        }
        p->next++;
    }
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

/* The chardev "in" lines without an id go to: the serial port's. */
static const char *default_chardev(Machine *m)
{
    const char *id = m->chardevs ? chardev_default_id(m->chardevs) : NULL;
    return id ? id : "serial0";
}

static void replay_free(ReplayState *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsemi; i++)
        free(p->semi[i].data);
    free(p->semi);
    free(p->in);
    free(p);
}

bool replay_start(Machine *m, const char *args, const char *images, const char *path,
                  char *err, size_t errlen)
{
    static char rec_images[8192];
    char *line = malloc(REPLAY_LINE_MAX);
    if (!line) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read record file %s", path);
        free(line);
        return false;
    }
    bool ok = fgets(line, REPLAY_LINE_MAX, f) && !strcmp(line, "hyperstep-record v1\n");
    if (!ok) {
        snprintf(err, errlen, "%s: not a hyperstep record (missing 'hyperstep-record v1')", path);
        fclose(f);
        free(line);
        return false;
    }
    if (!expect_line(f, "version ", HS_VERSION, "the hyperstep version", path, err, errlen) ||
        !expect_line(f, "args ", args, "the command line", path, err, errlen)) {
        fclose(f);
        free(line);
        return false;
    }
    /* Image lines up to the digest header. */
    size_t k = 0;
    rec_images[0] = 0;
    while (fgets(line, REPLAY_LINE_MAX, f) && strncmp(line, "hyperstep-digests", 17))
        k += (size_t)snprintf(rec_images + k, k < sizeof(rec_images) ? sizeof(rec_images) - k : 0, "%s", line);
    if (strcmp(rec_images, images)) {
        snprintf(err, errlen, "replay diverges before step 0: the images differ from the recording\n"
                 "  recorded:\n%s  now:\n%s", rec_images, images);
        fclose(f);
        free(line);
        return false;
    }
    ReplayState *p = calloc(1, sizeof(*p));
    size_t cap = 0, scap = 0;
    while (p && fgets(line, REPLAY_LINE_MAX, f)) {
        unsigned long long s;
        unsigned b;
        if (!strncmp(line, "semi ", 5)) {
            if (p->nsemi == scap) {
                scap = scap ? scap * 2 : 64;
                ReplaySemi *n = realloc(p->semi, scap * sizeof(*n));
                if (!n)
                    break;
                p->semi = n;
            }
            if (!parse_semi(line, &p->semi[p->nsemi])) {
                snprintf(err, errlen, "%s: malformed semi line: %.80s", path, line);
                fclose(f);
                free(line);
                replay_free(p);
                return false;
            }
            p->nsemi++;
            continue;
        }
        char id[64] = "";
        int nf = sscanf(line, "in %llu %x %63s", &s, &b, id);
        if (nf < 2)
            continue;
        if (nf == 2)   /* a record without chardev ids: the serial port's default chardev */
            snprintf(id, sizeof(id), "%s", default_chardev(m));
        if (p->n == cap) {
            cap = cap ? cap * 2 : 256;
            ReplayIn *n = realloc(p->in, cap * sizeof(*n));
            if (!n)
                break;
            p->in = n;
        }
        p->in[p->n].step = s;
        p->in[p->n].byte = (u8)b;
        snprintf(p->in[p->n].id, sizeof(p->in[p->n].id), "%s", id);
        p->n++;
    }
    fclose(f);
    free(line);
    if (!p)
        return false;
    m->replay = p;
    semihosting_set_io(m, NULL, replay_semi, m);
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

void replay_position(const Machine *m, u64 *in, u64 *semi)
{
    const ReplayState *p = m->replay;
    *in = p ? p->next : 0;
    *semi = p ? p->next_semi : 0;
}

bool replay_seek(Machine *m, u64 in, u64 semi)
{
    ReplayState *p = m->replay;
    if (!p)
        return in == 0 && semi == 0;
    if (in > p->n || semi > p->nsemi)
        return false;
    p->next = (size_t)in;
    p->next_semi = (size_t)semi;
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
        replay_free(p);
        m->replay = NULL;
    }
    semihosting_set_io(m, NULL, NULL, NULL);
    if (m->chardevs)
        chardev_set_recorder(m->chardevs, NULL, NULL);
}
