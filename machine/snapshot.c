/*
 * machine/snapshot.c — see snapshot.h.  Also owns the round_end hook
 * (--snapshot-save F@STEP and the in-memory checkpoints of
 * machine/checkpoint.h share it).
 */
#define _GNU_SOURCE   /* MADV_DONTNEED, mincore */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "cpu/power.h"
#include "devices/device.h"
#include "machine/record.h"
#include "machine/snapshot.h"
#include "mmu/mmu.h"

#ifndef HS_VERSION
#define HS_VERSION "unknown"
#endif

static const char snap_magic[] = "hyperstep-snapshot\n";   /* 19 bytes written */
#define SNAP_MAGIC_LEN 19
#define SNAP_END 0x444e4553u   /* "SEND" */
#define PAGE 4096u

/* Bytes of a core's architectural state (cpu/cpu.h part 1). */
#define CPU_ARCH_SIZE offsetof(Cpu, end_reset_fields)

/* ---- state other than RAM ---- */

static void save_str(SaveBuf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 0xffff)
        n = 0xffff;
    save_u16(b, (u16)n);
    save_bytes(b, s ? s : "", n);
}

/* A string saved by save_str() into BUF (N bytes, NUL-terminated). */
static bool load_str(LoadBuf *b, char *buf, size_t n)
{
    u16 len = load_u16(b);
    if (b->bad || len >= n) {
        load_fail(b);
        return false;
    }
    load_bytes(b, buf, len);
    buf[len] = 0;
    return !b->bad;
}

bool snapshot_save_state(Machine *m, SaveBuf *b, bool tail)
{
    save_u32(b, m->ncpu);
    save_u64(b, m->quantum);
    save_u64(b, m->ns_per_insn);
    save_u64(b, m->steps);
    save_u64(b, m->round_start_ns);
    save_u32(b, m->excl_holders);
    save_bool(b, m->round_ran);
    save_bool(b, tail);
    for (unsigned i = 0; i < m->ncpu; i++) {
        const Cpu *c = m->cpu[i];
        save_u64(b, CPU_ARCH_SIZE);
        save_bytes(b, c, CPU_ARCH_SIZE);
        save_u64(b, c->icount);
        save_u64(b, c->pmu_last_icount);
        save_u32(b, c->irq_lines);
        save_u32(b, (u32)c->power);
        save_u64(b, c->power_since);
        save_str(b, c->power_why);
        save_bool(b, c->suspend_powerdown);
        save_bool(b, c->pmu_irq_level);
    }
    u64 in, semi;
    replay_position(m, &in, &semi);
    save_u64(b, in);
    save_u64(b, semi);
    machine_save_devices(m, b);
    return !b->oom;
}

/* Pointers inside the architectural part are host addresses: recompute
 * them (exclusive reservation) or drop them (trace texts). */
static void fix_pointers(Machine *m, Cpu *c)
{
    c->trap_reason = NULL;
    c->last_exc.what = NULL;
    c->excl_host = NULL;
    if (c->excl_size) {
        MemRegion *r = phys_find(m, c->excl_addr);
        if (r && r->host && c->excl_addr - r->base + c->excl_size <= r->size)
            c->excl_host = r->host + (c->excl_addr - r->base);
    }
}

bool snapshot_load_state(Machine *m, LoadBuf *b, char *err, size_t errlen)
{
    u32 ncpu = load_u32(b);
    u64 quantum = load_u64(b), nspi = load_u64(b);
    if (b->bad || ncpu != m->ncpu) {
        snprintf(err, errlen, "the snapshot has %u cores, this machine %u (-smp)", ncpu, m->ncpu);
        return false;
    }
    if (quantum != m->quantum || nspi != m->ns_per_insn) {
        snprintf(err, errlen, "the snapshot was taken with --quantum %llu, this run uses %llu",
                 (unsigned long long)quantum, (unsigned long long)m->quantum);
        return false;
    }
    u64 steps = load_u64(b), rsn = load_u64(b);
    u32 excl = load_u32(b);
    bool ran = load_bool(b);
    bool tail = load_bool(b);
    if (b->bad || excl > m->ncpu) {
        snprintf(err, errlen, "malformed machine state");
        return false;
    }
    u8 *arch = malloc(CPU_ARCH_SIZE);
    if (!arch) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    u32 lines_saved[HS_MAX_CPUS];
    for (unsigned i = 0; i < ncpu; i++) {
        Cpu *c = m->cpu[i];
        u64 sz = load_u64(b);
        if (b->bad || sz != CPU_ARCH_SIZE) {
            snprintf(err, errlen, "core %u: architectural state of %llu bytes, this build has %zu", i,
                     (unsigned long long)sz, (size_t)CPU_ARCH_SIZE);
            free(arch);
            return false;
        }
        load_bytes(b, arch, CPU_ARCH_SIZE);
        u64 icount = load_u64(b), pmu_last = load_u64(b);
        u32 lines = load_u32(b), power = load_u32(b);
        u64 since = load_u64(b);
        char why[sizeof(c->power_why_saved)];
        bool why_ok = load_str(b, why, sizeof(why));
        bool pd = load_bool(b), pmu_level = load_bool(b);
        const Cpu *a = (const Cpu *)(const void *)arch;
        if (b->bad || !why_ok || power > CORE_SUSPENDED || a->el > 3 || a->excl_size > 16 ||
            (a->el == 3 && !c->have_el3) || (a->el == 2 && !c->have_el2)) {
            snprintf(err, errlen, "core %u: malformed state", i);
            free(arch);
            return false;
        }
        memcpy(c, arch, CPU_ARCH_SIZE);
        fix_pointers(m, c);
        c->icount = icount;
        c->pmu_last_icount = pmu_last;
        lines_saved[i] = lines;
        c->power = (CorePower)power;
        c->power_since = since;
        memcpy(c->power_why_saved, why, sizeof(why));
        c->power_why = why[0] ? c->power_why_saved : NULL;
        c->suspend_powerdown = pd;
        c->pmu_irq_level = pmu_level;
        c->budget = 0;
    }
    free(arch);
    u64 in = load_u64(b), semi = load_u64(b);
    if (b->bad || !replay_seek(m, in, semi)) {
        snprintf(err, errlen, "the replay position (input %llu, semihosting %llu) is not in this run's record",
                 (unsigned long long)in, (unsigned long long)semi);
        return false;
    }
    if (!machine_load_devices(m, b, err, errlen))
        return false;
    if (!load_ok(b)) {
        snprintf(err, errlen, "malformed state (trailing or missing bytes)");
        return false;
    }
    /* Device loads may re-drive interrupt lines: the saved wires win. */
    for (unsigned i = 0; i < ncpu; i++)
        m->cpu[i]->irq_lines = lines_saved[i];
    m->steps = steps;
    m->round_start_ns = rsn;
    m->excl_holders = excl;
    m->round_ran = ran;
    m->tail_pending = tail;
    m->current = NULL;
    m->exit_requested = false;
    for (unsigned i = 0; i < ncpu; i++)
        tlb_flush_all(m->cpu[i]);
    return true;
}

/* ---- zstd streams ---- */

typedef struct ZOut {
    FILE *f;
    ZSTD_CCtx *cc;
    u8 *buf;
    size_t cap;
    bool bad;
} ZOut;

static void zout_feed(ZOut *z, const void *p, size_t n, ZSTD_EndDirective mode)
{
    ZSTD_inBuffer in = {p, n, 0};
    for (;;) {
        ZSTD_outBuffer out = {z->buf, z->cap, 0};
        size_t r = ZSTD_compressStream2(z->cc, &out, &in, mode);
        if (ZSTD_isError(r)) {
            z->bad = true;
            return;
        }
        if (out.pos && fwrite(z->buf, 1, out.pos, z->f) != out.pos) {
            z->bad = true;
            return;
        }
        if (mode == ZSTD_e_end ? r == 0 : in.pos == in.size)
            return;
    }
}

static void zput(ZOut *z, const void *p, size_t n)
{
    if (!z->bad && n)
        zout_feed(z, p, n, ZSTD_e_continue);
}

static void zput_u64(ZOut *z, u64 v)
{
    u8 t[8];
    for (unsigned i = 0; i < 8; i++)
        t[i] = (u8)(v >> (8 * i));
    zput(z, t, 8);
}

static void zput_u32(ZOut *z, u32 v)
{
    u8 t[4];
    for (unsigned i = 0; i < 4; i++)
        t[i] = (u8)(v >> (8 * i));
    zput(z, t, 4);
}

typedef struct ZIn {
    FILE *f;
    ZSTD_DCtx *dc;
    u8 *buf;
    size_t cap;
    ZSTD_inBuffer in;
    size_t last;      /* last ZSTD_decompressStream() result: 0 = frame complete */
    bool eof, corrupt;
} ZIn;

/* Read exactly N bytes of the decompressed stream into P; false at the end
 * of the file (truncated) or on corrupt data. */
static bool zget(ZIn *z, void *p, size_t n)
{
    ZSTD_outBuffer out = {p, n, 0};
    while (out.pos < out.size) {
        if (z->in.pos == z->in.size) {
            if (z->eof)
                return false;
            size_t got = fread(z->buf, 1, z->cap, z->f);
            if (!got) {
                z->eof = true;
                return false;
            }
            z->in.src = z->buf;
            z->in.size = got;
            z->in.pos = 0;
        }
        size_t r = ZSTD_decompressStream(z->dc, &out, &z->in);
        if (ZSTD_isError(r)) {
            z->corrupt = true;
            return false;
        }
        z->last = r;
        if (r == 0 && out.pos < out.size)
            return false;   /* the frame ended early */
    }
    return true;
}

static bool zget_u64(ZIn *z, u64 *v)
{
    u8 t[8];
    if (!zget(z, t, 8))
        return false;
    *v = 0;
    for (unsigned i = 0; i < 8; i++)
        *v |= (u64)t[i] << (8 * i);
    return true;
}

static bool zget_u32(ZIn *z, u32 *v)
{
    u8 t[4];
    if (!zget(z, t, 4))
        return false;
    *v = 0;
    for (unsigned i = 0; i < 4; i++)
        *v |= (u32)t[i] << (8 * i);
    return true;
}

/* ---- RAM ---- */

static bool page_zero(const u8 *p)
{
    static const u64 z[PAGE / 8];
    return !memcmp(p, z, PAGE);
}

/* Resident-page map of a region (mincore): pages never touched by the host
 * are zero and need no look.  NULL if unavailable (every page is looked at). */
u8 *snapshot_resident_map(const MemRegion *r)
{
    long hp = sysconf(_SC_PAGESIZE);
    if (hp != (long)PAGE)
        return NULL;
    u8 *v = malloc(r->size / PAGE + 1);
    if (v && mincore(r->host, r->size, v)) {
        free(v);
        return NULL;
    }
    return v;
}

static size_t dirty_bytes(const MemRegion *r)
{
    return r->size / PAGE / 8 + 1;
}

/* ---- the file ---- */

static void put_le(u8 *t, u64 v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        t[i] = (u8)(v >> (8 * i));
}

bool snapshot_write_file(Machine *m, const char *path, const char *ident, char *err, size_t errlen)
{
    SaveBuf st = {0};
    if (!snapshot_save_state(m, &st, true)) {
        savebuf_free(&st);
        snprintf(err, errlen, "out of memory saving the machine state");
        return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        savebuf_free(&st);
        snprintf(err, errlen, "cannot write snapshot file %s", path);
        return false;
    }
    /* Plain header. */
    u8 t[8];
    size_t vl = strlen(HS_VERSION), il = strlen(ident);
    bool ok = fwrite(snap_magic, 1, SNAP_MAGIC_LEN, f) == SNAP_MAGIC_LEN;
    put_le(t, SNAPSHOT_FORMAT, 4);
    ok = ok && fwrite(t, 1, 4, f) == 4;
    put_le(t, vl, 2);
    ok = ok && fwrite(t, 1, 2, f) == 2 && fwrite(HS_VERSION, 1, vl, f) == vl;
    put_le(t, CPU_ARCH_SIZE, 8);
    ok = ok && fwrite(t, 1, 8, f) == 8;
    put_le(t, il, 4);
    ok = ok && fwrite(t, 1, 4, f) == 4 && fwrite(ident, 1, il, f) == il;

    ZOut z = {f, ZSTD_createCCtx(), NULL, ZSTD_CStreamOutSize(), false};
    z.buf = malloc(z.cap);
    if (!z.cc || !z.buf)
        z.bad = true;
    else {
        ZSTD_CCtx_setParameter(z.cc, ZSTD_c_compressionLevel, 1);
        ZSTD_CCtx_setParameter(z.cc, ZSTD_c_checksumFlag, 1);
    }
    zput_u64(&z, st.len);
    zput(&z, st.data, st.len);
    savebuf_free(&st);
    unsigned nram = 0;
    for (unsigned i = 0; i < m->nregions; i++)
        nram += m->region[i].host != NULL;
    zput_u32(&z, nram);
    for (unsigned i = 0; i < m->nregions && !z.bad; i++) {
        const MemRegion *r = &m->region[i];
        if (!r->host)
            continue;
        size_t nl = strlen(r->name);
        u8 l2[2];
        put_le(l2, nl, 2);
        zput(&z, l2, 2);
        zput(&z, r->name, nl);
        zput_u64(&z, r->base);
        zput_u64(&z, r->size);
        zput(&z, r->dirty, dirty_bytes(r));
        u8 *res = snapshot_resident_map(r);
        u64 pages = r->size / PAGE, n = 0;
        for (u64 pg = 0; pg < pages; pg++)
            if ((!res || (res[pg] & 1)) && !page_zero(r->host + pg * PAGE))
                n++;
        zput_u64(&z, n);
        for (u64 pg = 0; pg < pages && !z.bad; pg++) {
            if ((res && !(res[pg] & 1)) || page_zero(r->host + pg * PAGE))
                continue;
            zput_u32(&z, (u32)pg);
            zput(&z, r->host + pg * PAGE, PAGE);
        }
        free(res);
    }
    zput_u32(&z, SNAP_END);
    if (!z.bad)
        zout_feed(&z, NULL, 0, ZSTD_e_end);
    ok = ok && !z.bad;
    ZSTD_freeCCtx(z.cc);
    free(z.buf);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        snprintf(err, errlen, "cannot write snapshot file %s (disk full?)", path);
    return ok;
}

/* Read N header bytes; false at the end of the file. */
static bool hdr(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n;
}

static u64 get_le(const u8 *t, unsigned n)
{
    u64 v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (u64)t[i] << (8 * i);
    return v;
}

/* Print where two identity texts first differ into ERR. */
static void ident_diff(const char *path, const char *was, const char *now, char *err, size_t errlen)
{
    /* Compare line by line: the first line is the command line. */
    const char *a = was, *b = now;
    while (*a && *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la)) {
            snprintf(err, errlen, "%s belongs to other %s\n  snapshot: %.*s\n  now:      %.*s", path,
                     a == was ? "options" : "images", (int)la, a, (int)lb, b);
            return;
        }
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
    snprintf(err, errlen, "%s belongs to other images\n  snapshot: %.*s\n  now:      %.*s", path,
             (int)strcspn(a, "\n"), *a ? a : "(none)", (int)strcspn(b, "\n"), *b ? b : "(none)");
}

bool snapshot_read_file(Machine *m, const char *path, const char *ident, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read snapshot file %s", path);
        return false;
    }
    char magic[SNAP_MAGIC_LEN];
    u8 t[8];
    char ver[256];
    bool ok = false;
    char *was = NULL;
    ZIn z = {f, NULL, NULL, 0, {NULL, 0, 0}, 1, false, false};
    SaveBuf st = {0};
    if (!hdr(f, magic, SNAP_MAGIC_LEN) || memcmp(magic, snap_magic, SNAP_MAGIC_LEN)) {
        snprintf(err, errlen, "%s is not a hyperstep snapshot", path);
        goto out;
    }
    if (!hdr(f, t, 4)) {
        snprintf(err, errlen, "%s: truncated snapshot (header)", path);
        goto out;
    }
    u32 fmt = (u32)get_le(t, 4);
    if (fmt != SNAPSHOT_FORMAT) {
        snprintf(err, errlen, "%s: snapshot format version %u, this hyperstep reads version %u", path, fmt,
                 SNAPSHOT_FORMAT);
        goto out;
    }
    if (!hdr(f, t, 2) || !hdr(f, ver, get_le(t, 2) < sizeof(ver) ? get_le(t, 2) : sizeof(ver))) {
        snprintf(err, errlen, "%s: truncated snapshot (header)", path);
        goto out;
    }
    ver[get_le(t, 2) < sizeof(ver) ? get_le(t, 2) : sizeof(ver) - 1] = 0;
    if (strcmp(ver, HS_VERSION)) {
        snprintf(err, errlen, "%s was written by hyperstep %s, this is hyperstep %s", path, ver, HS_VERSION);
        goto out;
    }
    if (!hdr(f, t, 8)) {
        snprintf(err, errlen, "%s: truncated snapshot (header)", path);
        goto out;
    }
    if (get_le(t, 8) != CPU_ARCH_SIZE) {
        snprintf(err, errlen, "%s was written by another build of hyperstep %s (core state of %llu bytes, "
                 "this build %zu)", path, HS_VERSION, (unsigned long long)get_le(t, 8), (size_t)CPU_ARCH_SIZE);
        goto out;
    }
    if (!hdr(f, t, 4) || get_le(t, 4) > (1u << 24)) {
        snprintf(err, errlen, "%s: truncated snapshot (header)", path);
        goto out;
    }
    size_t il = (size_t)get_le(t, 4);
    was = malloc(il + 1);
    if (!was || !hdr(f, was, il)) {
        snprintf(err, errlen, "%s: truncated snapshot (header)", path);
        goto out;
    }
    was[il] = 0;
    if (strcmp(was, ident)) {
        ident_diff(path, was, ident, err, errlen);
        goto out;
    }

    z.dc = ZSTD_createDCtx();
    z.cap = ZSTD_DStreamInSize();
    z.buf = malloc(z.cap);
    if (!z.dc || !z.buf) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    u64 sl;
    if (!zget_u64(&z, &sl) || sl > (1u << 30))
        goto bad;
    st.data = malloc(sl ? sl : 1);
    if (!st.data) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    st.len = sl;
    if (!zget(&z, st.data, sl))
        goto bad;
    /* RAM before the state: the exclusive monitors' host pointers are
     * computed from the regions, and devices are loaded last. */
    u32 nram;
    unsigned have = 0;
    for (unsigned i = 0; i < m->nregions; i++)
        have += m->region[i].host != NULL;
    if (!zget_u32(&z, &nram))
        goto bad;
    if (nram != have) {
        snprintf(err, errlen, "%s: the snapshot has %u RAM regions, this machine %u (-M virt,secure=)", path,
                 nram, have);
        goto out;
    }
    for (unsigned i = 0, k = 0; k < nram; i++) {
        MemRegion *r = &m->region[i];
        if (!r->host)
            continue;
        k++;
        u8 l2[2];
        char name[64];
        u64 base, size, n;
        if (!zget(&z, l2, 2) || get_le(l2, 2) >= sizeof(name) || !zget(&z, name, get_le(l2, 2)))
            goto bad;
        name[get_le(l2, 2)] = 0;
        if (!zget_u64(&z, &base) || !zget_u64(&z, &size))
            goto bad;
        if (strcmp(name, r->name) || base != r->base || size != r->size) {
            snprintf(err, errlen, "%s: RAM region %s at 0x%llx, %llu MiB in the snapshot; here %s at 0x%llx, "
                     "%llu MiB (-m)", path, name, (unsigned long long)base, (unsigned long long)(size >> 20),
                     r->name, (unsigned long long)r->base, (unsigned long long)(r->size >> 20));
            goto out;
        }
        /* Zero the region (the loader's images included), then fill. */
        madvise(r->host, r->size, MADV_DONTNEED);
        if (!zget(&z, r->dirty, dirty_bytes(r)) || !zget_u64(&z, &n) || n > size / PAGE)
            goto bad;
        u32 prev = 0;
        for (u64 j = 0; j < n; j++) {
            u32 pg;
            if (!zget_u32(&z, &pg) || pg >= size / PAGE || (j && pg <= prev))
                goto bad;
            prev = pg;
            if (!zget(&z, r->host + (u64)pg * PAGE, PAGE))
                goto bad;
        }
    }
    u32 end;
    if (!zget_u32(&z, &end) || end != SNAP_END)
        goto bad;
    /* The frame must end here, checksum verified. */
    u8 extra;
    if (zget(&z, &extra, 1) || z.corrupt || z.last != 0)
        goto bad;
    LoadBuf lb = loadbuf_of(st.data, st.len);
    char e2[512];
    if (!snapshot_load_state(m, &lb, e2, sizeof(e2))) {
        snprintf(err, errlen, "%s: %s", path, e2);
        goto out;
    }
    ok = true;
    goto out;
bad:
    snprintf(err, errlen, "%s: %s snapshot", path, z.corrupt ? "corrupt" : "truncated or malformed");
out:
    savebuf_free(&st);
    free(was);
    ZSTD_freeDCtx(z.dc);
    free(z.buf);
    fclose(f);
    return ok;
}

/* ---- the round_end hook: --snapshot-save F@STEP and checkpoints ---- */

/* Host wall clock, only for the report of a written snapshot. */
static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Write the pending snapshot of S now; reports on stderr. */
static bool write_now(Machine *m, const char *path, const char *ident)
{
    char err[512];
    double t0 = wall_now();
    if (!snapshot_write_file(m, path, ident, err, sizeof(err))) {
        fprintf(stderr, "hyperstep: %s\n", err);
        return false;
    }
    struct stat st;
    fprintf(stderr, "hyperstep: snapshot of step %llu written to %s (%.1f MiB, %.3f s)\n",
            (unsigned long long)m->steps, path, stat(path, &st) ? 0.0 : (double)st.st_size / (1 << 20),
            wall_now() - t0);
    return true;
}

typedef struct SnapCtl {
    char *path;           /* pending --snapshot-save, or NULL */
    u64 step;             /* 0: at exit */
    char *ident;
    bool failed;
    void *ckpt;           /* CkptStore (machine/checkpoint.c), or NULL */
    void (*ckpt_round)(Machine *m);   /* its round-end and free functions */
    void (*ckpt_free)(Machine *m);
} SnapCtl;

static void snap_round_end(void *opaque, Machine *m)
{
    SnapCtl *s = opaque;
    if (s->path && s->step && m->steps >= s->step) {
        if (!write_now(m, s->path, s->ident)) {
            s->failed = true;
            m->exit_requested = true;
            m->exit_code = 1;
        }
        free(s->path);
        s->path = NULL;
    }
    if (s->ckpt && s->ckpt_round)
        s->ckpt_round(m);
}

/* The control state of M, created (and the hook installed) on first use. */
static SnapCtl *snapctl(Machine *m)
{
    if (m->hooks.round_end == snap_round_end)
        return m->hooks.round_opaque;
    SnapCtl *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    m->hooks.round_end = snap_round_end;
    m->hooks.round_opaque = s;
    return s;
}

void **snapshot_checkpoint_slot(Machine *m, void (*round)(Machine *), void (*release)(Machine *))
{
    SnapCtl *s = snapctl(m);
    if (!s)
        return NULL;
    if (round)
        s->ckpt_round = round;
    if (release)
        s->ckpt_free = release;
    return &s->ckpt;
}

bool snapshot_save_at(Machine *m, const char *path, u64 step, const char *ident)
{
    SnapCtl *s = snapctl(m);
    if (!s)
        return false;
    free(s->path);
    free(s->ident);
    s->path = strdup(path);
    s->ident = strdup(ident);
    s->step = step;
    return s->path && s->ident;
}

/* Free the control state of M (and its checkpoints). */
static void snapctl_free(Machine *m, SnapCtl *s)
{
    if (s->ckpt_free)
        s->ckpt_free(m);
    free(s->path);
    free(s->ident);
    free(s);
    m->hooks.round_end = NULL;
    m->hooks.round_opaque = NULL;
}

void snapshot_discard(Machine *m)
{
    if (m && m->hooks.round_end == snap_round_end)
        snapctl_free(m, m->hooks.round_opaque);
}

bool snapshot_at_exit(Machine *m)
{
    if (m->hooks.round_end != snap_round_end)
        return true;
    SnapCtl *s = m->hooks.round_opaque;
    bool ok = !s->failed;
    if (s->path) {
        if (s->step) {
            fprintf(stderr, "hyperstep: --snapshot-save %s@%llu: the run ended at step %llu, no snapshot written\n",
                    s->path, (unsigned long long)s->step, (unsigned long long)m->steps);
            ok = false;
        } else if (!m->tail_pending) {
            fprintf(stderr, "hyperstep: --snapshot-save %s: the guest ended the run mid-round (step %llu), no "
                    "snapshot written (use --stop-after N or F@STEP)\n", s->path, (unsigned long long)m->steps);
            ok = false;
        } else if (!write_now(m, s->path, s->ident)) {
            ok = false;
        }
    }
    snapctl_free(m, s);
    return ok;
}
