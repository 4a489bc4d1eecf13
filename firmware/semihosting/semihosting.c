/*
 * firmware/semihosting/semihosting.c — Arm semihosting (IHI 0080) calls of
 * the A64 convention: see semihosting.h for the memory, handle and
 * determinism rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/semihosting/semihosting.h"
#include "machine/machine.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

#define SEMI_EFAULT 14
#define SEMI_EBADF 9
#define SEMI_EINVAL 22
#define SEMI_ENAMETOOLONG 36
#define SEMI_MAX_PATH 4096
#define SEMI_MAX_IMAGES 16

/* What a handle refers to. */
typedef enum SemiKind {
    SK_FREE,
    SK_STDIN,
    SK_STDOUT,
    SK_STDERR,
    SK_FEATURES,   /* ":semihosting-features" */
    SK_FILE,       /* a host file (host fd, or -1 in replay) */
} SemiKind;

typedef struct SemiFile {
    SemiKind kind;
    int fd;
    u64 pos;       /* SK_FEATURES read position */
} SemiFile;

typedef struct SemiState {
    Machine *m;
    SemiFile file[SEMI_MAX_FILES];
    int err;                       /* SYS_ERRNO */
    char *cmdline;
    u64 epoch;
    struct { u64 base, size; } image[SEMI_MAX_IMAGES];
    unsigned nimage;
    SemiRecordFn record;
    SemiReplayFn replay;
    void *io_opaque;
} SemiState;

/* The feature-bits file: magic, then byte 0 (SH_EXT_EXIT_EXTENDED bit 0,
 * SH_EXT_STDOUT_STDERR bit 1), IHI 0080 section 5. */
static const u8 semi_features[] = {'S', 'H', 'F', 'B', 0x03};

/* ---- guest memory ---- */

/* Copy LEN bytes between guest VA and BUF in page-sized pieces (TO_GUEST
 * selects the direction); with BUF NULL only checks the range. */
static bool guest_copy(Cpu *c, u64 va, void *buf, u64 len, bool to_guest)
{
    Machine *m = c->m;
    if (len > m->ram_size || va + len < va)
        return false;
    /* Check every page before touching any byte. */
    for (int pass = buf ? 0 : 1; pass < 2; pass++) {
        u64 a = va, left = len;
        u8 *p = buf;
        while (left) {
            u64 chunk = TLB_PAGE_SIZE - (a & (TLB_PAGE_SIZE - 1));
            if (chunk > left)
                chunk = left;
            TransResult r;
            Fault f;
            if (!mmu_translate(c, a, to_guest ? ACC_WRITE : ACC_READ, (MmuIdx)c->mmu_idx, &r, &f))
                return false;
            MemRegion *reg = phys_find(m, r.pa);
            if (!reg || !reg->host || (reg->secure_only && r.ns) || (to_guest && reg->readonly) ||
                r.pa + chunk - 1 > reg->base + reg->size - 1)
                return false;
            if (pass == 1 && p) {
                bool ok = to_guest ? phys_write_buf(m, r.pa, p, chunk) : phys_read_buf(m, r.pa, p, chunk);
                if (!ok)
                    return false;
            }
            a += chunk;
            left -= chunk;
            if (p)
                p += chunk;
        }
    }
    return true;
}

bool semihosting_read_guest(Cpu *c, u64 va, void *buf, u64 len)
{
    return guest_copy(c, va, buf, len, false);
}

bool semihosting_write_guest(Cpu *c, u64 va, const void *buf, u64 len)
{
    return guest_copy(c, va, (void *)buf, len, true);
}

/* Read the N 64-bit fields of the parameter block at VA. */
static bool read_args(Cpu *c, u64 va, u64 *f, unsigned n)
{
    u8 b[8 * 4];
    if (!semihosting_read_guest(c, va, b, 8ull * n))
        return false;
    for (unsigned i = 0; i < n; i++) {
        u64 v = 0;
        for (unsigned k = 0; k < 8; k++)
            v |= (u64)b[8 * i + k] << (8 * k);
        f[i] = v;
    }
    return true;
}

static bool write_u64(Cpu *c, u64 va, u64 v)
{
    u8 b[8];
    for (unsigned k = 0; k < 8; k++)
        b[k] = (u8)(v >> (8 * k));
    return semihosting_write_guest(c, va, b, 8);
}

/* ---- results ---- */

static void ret(Cpu *c, s64 v)
{
    c->x[0] = (u64)v;
}

static void fail(SemiState *s, Cpu *c, int err)
{
    s->err = err;
    ret(c, -1);
}

static void put(int ch, FILE *f)
{
    fputc(ch, f);
    if (ch == '\n')
        fflush(f);
}

/* The result of host operation OP: computed by HOST(s, ctx, r) when live
 * (and recorded), or the recorded one in replay.  False when the replay
 * diverges (the machine is stopped with exit status 5). */
static bool host_op(SemiState *s, Cpu *c, u32 op, SemiResult *r,
                    void (*host)(SemiState *s, void *ctx, SemiResult *r), void *ctx)
{
    u64 step = machine_step(s->m, c);
    if (s->replay) {
        if (!s->replay(s->io_opaque, step, op, r)) {
            fflush(stdout);
            s->m->exit_requested = true;
            s->m->exit_code = 5;
            c->pending |= PEND_STOP;
            return false;
        }
        return true;
    }
    host(s, ctx, r);
    if (s->record)
        s->record(s->io_opaque, step, op, r);
    return true;
}

static void apply(SemiState *s, Cpu *c, const SemiResult *r)
{
    if (r->err)
        s->err = r->err;
    ret(c, r->ret);
}

/* ---- handles ---- */

static int alloc_handle(SemiState *s)
{
    for (int i = 0; i < SEMI_MAX_FILES; i++)
        if (s->file[i].kind == SK_FREE)
            return i;
    return -1;
}

static SemiFile *handle(SemiState *s, u64 h)
{
    return h < SEMI_MAX_FILES && s->file[h].kind != SK_FREE ? &s->file[h] : NULL;
}

/* ---- host operations (live runs only) ---- */

typedef struct OpenCtx {
    const char *path;
    int flags;
    int slot;
} OpenCtx;

static void host_open(SemiState *s, void *ctx, SemiResult *r)
{
    OpenCtx *o = ctx;
    int fd = open(o->path, o->flags | O_CLOEXEC, 0644);
    if (fd < 0) {
        r->ret = -1;
        r->err = errno;
        return;
    }
    s->file[o->slot].fd = fd;
    r->ret = o->slot;
}

typedef struct IoCtx {
    int fd;
    u8 *buf;
    u64 len;       /* bytes to transfer now */
    u64 pos;       /* SYS_SEEK target */
    u64 asked;     /* SYS_READ: bytes the guest asked for */
} IoCtx;

/* Most bytes one SYS_READ takes from the host (a larger request returns
 * the rest as not read, as a short read): bounds a record line. */
#define SEMI_READ_MAX (1u << 20)

static void host_read(SemiState *s, void *ctx, SemiResult *r)
{
    IoCtx *io = ctx;
    (void)s;
    u64 got = 0;
    while (got < io->len) {
        ssize_t n = read(io->fd, io->buf + got, io->len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r->err = errno;
            break;
        }
        if (n == 0)
            break;
        got += (u64)n;
    }
    r->ret = (s64)(io->asked - got);   /* bytes not read */
    r->data = io->buf;
    r->len = got;
}

static void host_write(SemiState *s, void *ctx, SemiResult *r)
{
    IoCtx *io = ctx;
    (void)s;
    u64 put_n = 0;
    while (put_n < io->len) {
        ssize_t n = write(io->fd, io->buf + put_n, io->len - put_n);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            r->err = n < 0 ? errno : 0;
            break;
        }
        put_n += (u64)n;
    }
    r->ret = (s64)(io->len - put_n);   /* bytes not written */
}

static void host_seek(SemiState *s, void *ctx, SemiResult *r)
{
    IoCtx *io = ctx;
    (void)s;
    if (io->pos > (u64)INT64_MAX || lseek(io->fd, (off_t)io->pos, SEEK_SET) < 0) {
        r->ret = -1;
        r->err = io->pos > (u64)INT64_MAX ? SEMI_EINVAL : errno;
    } else {
        r->ret = 0;
    }
}

static void host_flen(SemiState *s, void *ctx, SemiResult *r)
{
    IoCtx *io = ctx;
    (void)s;
    struct stat st;
    if (fstat(io->fd, &st) < 0) {
        r->ret = -1;
        r->err = errno;
    } else {
        r->ret = (s64)st.st_size;
    }
}

static void host_istty(SemiState *s, void *ctx, SemiResult *r)
{
    IoCtx *io = ctx;
    (void)s;
    errno = 0;
    r->ret = isatty(io->fd) ? 1 : 0;
    if (!r->ret && errno != ENOTTY && errno)
        r->err = errno;
}

static void host_close(SemiState *s, void *ctx, SemiResult *r)
{
    IoCtx *io = ctx;
    (void)s;
    r->ret = close(io->fd) < 0 ? -1 : 0;
    if (r->ret)
        r->err = errno;
}

static void host_readc(SemiState *s, void *ctx, SemiResult *r)
{
    static u8 byte;
    (void)s;
    (void)ctx;
    fflush(stdout);
    int ch = getchar();
    byte = (u8)ch;
    r->ret = ch == EOF ? -1 : ch;
    r->data = ch == EOF ? NULL : &byte;
    r->len = ch == EOF ? 0 : 1;
}

typedef struct PathCtx {
    const char *a, *b;
} PathCtx;

static void host_remove(SemiState *s, void *ctx, SemiResult *r)
{
    PathCtx *p = ctx;
    (void)s;
    r->ret = remove(p->a) < 0 ? -1 : 0;
    if (r->ret)
        r->err = errno;
}

static void host_rename(SemiState *s, void *ctx, SemiResult *r)
{
    PathCtx *p = ctx;
    (void)s;
    r->ret = rename(p->a, p->b) < 0 ? -1 : 0;
    if (r->ret)
        r->err = errno;
}

/* Read a guest string of LEN bytes (no NUL needed) at VA into BUF. */
static bool read_path(Cpu *c, u64 va, u64 len, char *buf, int *err)
{
    if (len >= SEMI_MAX_PATH) {
        *err = len > c->m->ram_size ? SEMI_EFAULT : SEMI_ENAMETOOLONG;
        return false;
    }
    if (!semihosting_read_guest(c, va, buf, len)) {
        *err = SEMI_EFAULT;
        return false;
    }
    buf[len] = 0;
    return true;
}

/* ---- the calls ---- */

static void sys_open(SemiState *s, Cpu *c, u64 arg)
{
    static const int flags[6] = {
        O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
        O_WRONLY | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND,
    };
    u64 f[3];
    char path[SEMI_MAX_PATH];
    int err;
    if (!read_args(c, arg, f, 3))
        return fail(s, c, SEMI_EFAULT);
    if (!read_path(c, f[0], f[2], path, &err))
        return fail(s, c, err);
    if (f[1] > 11)
        return fail(s, c, SEMI_EINVAL);
    int slot = alloc_handle(s);
    if (slot < 0)
        return fail(s, c, 24 /* EMFILE */);
    if (!strcmp(path, ":tt")) {
        s->file[slot].kind = f[1] < 4 ? SK_STDIN : f[1] < 8 ? SK_STDOUT : SK_STDERR;
        return ret(c, slot);
    }
    if (!strcmp(path, ":semihosting-features")) {
        if (f[1] >= 2)
            return fail(s, c, 13 /* EACCES */);
        s->file[slot].kind = SK_FEATURES;
        s->file[slot].pos = 0;
        return ret(c, slot);
    }
    OpenCtx o = {path, flags[f[1] / 2], slot};
    SemiResult r = {0};
    s->file[slot].fd = -1;
    if (!host_op(s, c, SYS_OPEN, &r, host_open, &o))
        return;
    if (r.ret >= 0 && r.ret != slot) {
        /* A record whose handles disagree with this run's table. */
        fprintf(stderr, "hyperstep: replay diverges at step %llu: SYS_OPEN returned handle %lld in the "
                "recording, %d now\n", (unsigned long long)machine_step(s->m, c), (long long)r.ret, slot);
        s->m->exit_requested = true;
        s->m->exit_code = 5;
        c->pending |= PEND_STOP;
        return;
    }
    if (r.ret >= 0)
        s->file[slot].kind = SK_FILE;
    if (r.ret < 0 && (s->m->trace & TRACE_PSCI) && trace_wanted(c, c->el, c->pc)) {
        trace_prefix(c);
        fprintf(trace_out(s->m), "semihosting: SYS_OPEN \"%s\" mode %llu failed: %s\n", path,
                (unsigned long long)f[1], strerror(r.err));
    }
    apply(s, c, &r);
}

static void sys_close(SemiState *s, Cpu *c, u64 arg)
{
    u64 h;
    if (!read_args(c, arg, &h, 1))
        return fail(s, c, SEMI_EFAULT);
    SemiFile *fl = handle(s, h);
    if (!fl)
        return fail(s, c, SEMI_EBADF);
    if (fl->kind == SK_FILE) {
        IoCtx io = {fl->fd, NULL, 0, 0, 0};
        SemiResult r = {0};
        if (!host_op(s, c, SYS_CLOSE, &r, host_close, &io))
            return;
        fl->kind = SK_FREE;
        fl->fd = -1;
        return apply(s, c, &r);
    }
    fl->kind = SK_FREE;
    ret(c, 0);
}

/* The parameter block {handle, buffer, length} of SYS_READ / SYS_WRITE at
 * ARG into F, with the handle's file and the buffer checked: the whole
 * buffer must be guest RAM reachable for writing (TO_GUEST, SYS_READ) or
 * reading.  NULL after answering -1 with EFAULT or EBADF. */
static SemiFile *io_args(SemiState *s, Cpu *c, u64 arg, u64 f[3], bool to_guest)
{
    if (!read_args(c, arg, f, 3)) {
        fail(s, c, SEMI_EFAULT);
        return NULL;
    }
    SemiFile *fl = handle(s, f[0]);
    if (!fl) {
        fail(s, c, SEMI_EBADF);
        return NULL;
    }
    if (f[2] > c->m->ram_size || !guest_copy(c, f[1], NULL, f[2], to_guest)) {
        fail(s, c, SEMI_EFAULT);
        return NULL;
    }
    return fl;
}

static void sys_write(SemiState *s, Cpu *c, u64 arg)
{
    u64 f[3];
    SemiFile *fl = io_args(s, c, arg, f, false);
    if (!fl)
        return;
    if (fl->kind == SK_STDIN || fl->kind == SK_FEATURES)
        return fail(s, c, SEMI_EBADF);
    u8 *buf = malloc(f[2] ? f[2] : 1);
    if (!buf)
        return fail(s, c, 12 /* ENOMEM */);
    if (!semihosting_read_guest(c, f[1], buf, f[2])) {
        free(buf);
        return fail(s, c, SEMI_EFAULT);
    }
    if (fl->kind == SK_FILE) {
        IoCtx io = {fl->fd, buf, f[2], 0, 0};
        SemiResult r = {0};
        if (host_op(s, c, SYS_WRITE, &r, host_write, &io))
            apply(s, c, &r);
    } else {
        FILE *out = fl->kind == SK_STDOUT ? stdout : stderr;
        for (u64 i = 0; i < f[2]; i++)
            put(buf[i], out);
        ret(c, 0);
    }
    free(buf);
}

static void sys_read(SemiState *s, Cpu *c, u64 arg)
{
    u64 f[3];
    SemiFile *fl = io_args(s, c, arg, f, true);
    if (!fl)
        return;
    if (fl->kind == SK_STDOUT || fl->kind == SK_STDERR)
        return fail(s, c, SEMI_EBADF);
    if (fl->kind == SK_FEATURES) {
        u64 avail = fl->pos < sizeof(semi_features) ? sizeof(semi_features) - fl->pos : 0;
        u64 n = f[2] < avail ? f[2] : avail;
        if (!semihosting_write_guest(c, f[1], semi_features + fl->pos, n))
            return fail(s, c, SEMI_EFAULT);
        fl->pos += n;
        return ret(c, (s64)(f[2] - n));
    }
    u64 now = f[2] < SEMI_READ_MAX ? f[2] : SEMI_READ_MAX;
    u8 *buf = malloc(now ? now : 1);
    if (!buf)
        return fail(s, c, 12 /* ENOMEM */);
    if (fl->kind == SK_STDIN)
        fflush(stdout);
    IoCtx io = {fl->kind == SK_STDIN ? 0 : fl->fd, buf, now, 0, f[2]};
    SemiResult r = {0};
    if (host_op(s, c, SYS_READ, &r, host_read, &io)) {
        if (r.len > now || r.ret < 0 || (u64)r.ret != f[2] - r.len) {
            fprintf(stderr, "hyperstep: replay diverges at step %llu: SYS_READ of %llu bytes got %zu recorded\n",
                    (unsigned long long)machine_step(s->m, c), (unsigned long long)f[2], r.len);
            s->m->exit_requested = true;
            s->m->exit_code = 5;
            c->pending |= PEND_STOP;
        } else if (!semihosting_write_guest(c, f[1], r.data, r.len)) {
            fail(s, c, SEMI_EFAULT);
        } else {
            apply(s, c, &r);
        }
    }
    free(buf);
}

static void sys_seek_flen_istty(SemiState *s, Cpu *c, u32 op, u64 arg)
{
    u64 f[2];
    if (!read_args(c, arg, f, op == SYS_SEEK ? 2 : 1))
        return fail(s, c, SEMI_EFAULT);
    SemiFile *fl = handle(s, f[0]);
    if (!fl)
        return fail(s, c, SEMI_EBADF);
    if (fl->kind == SK_FILE) {
        IoCtx io = {fl->fd, NULL, 0, op == SYS_SEEK ? f[1] : 0, 0};
        SemiResult r = {0};
        if (host_op(s, c, op, &r, op == SYS_SEEK ? host_seek : op == SYS_FLEN ? host_flen : host_istty, &io))
            apply(s, c, &r);
        return;
    }
    bool console = fl->kind != SK_FEATURES;
    switch (op) {
    case SYS_ISTTY:
        return ret(c, console ? 1 : 0);
    case SYS_FLEN:
        return console ? fail(s, c, SEMI_EBADF) : ret(c, sizeof(semi_features));
    default:   /* SYS_SEEK */
        if (console)
            return fail(s, c, 29 /* ESPIPE */);
        if (f[1] > sizeof(semi_features))
            return fail(s, c, SEMI_EINVAL);
        fl->pos = f[1];
        return ret(c, 0);
    }
}

static void sys_remove_rename(SemiState *s, Cpu *c, u32 op, u64 arg)
{
    u64 f[4];
    char a[SEMI_MAX_PATH], b[SEMI_MAX_PATH];
    int err;
    if (!read_args(c, arg, f, op == SYS_RENAME ? 4 : 2))
        return fail(s, c, SEMI_EFAULT);
    if (!read_path(c, f[0], f[1], a, &err) || (op == SYS_RENAME && !read_path(c, f[2], f[3], b, &err)))
        return fail(s, c, err);
    PathCtx p = {a, b};
    SemiResult r = {0};
    if (host_op(s, c, op, &r, op == SYS_RENAME ? host_rename : host_remove, &p))
        apply(s, c, &r);
}

static void sys_tmpnam(SemiState *s, Cpu *c, u64 arg)
{
    u64 f[3];
    char name[64];
    if (!read_args(c, arg, f, 3))
        return fail(s, c, SEMI_EFAULT);
    if (f[1] > 255)
        return fail(s, c, SEMI_EINVAL);
    int n = snprintf(name, sizeof(name), "/tmp/hyperstep-semi-%03u", (unsigned)f[1]);
    if ((u64)n + 1 > f[2])
        return fail(s, c, SEMI_EINVAL);
    if (!semihosting_write_guest(c, f[0], name, (u64)n + 1))
        return fail(s, c, SEMI_EFAULT);
    ret(c, 0);
}

static void sys_get_cmdline(SemiState *s, Cpu *c, u64 arg)
{
    u64 f[2];
    if (!read_args(c, arg, f, 2))
        return fail(s, c, SEMI_EFAULT);
    const char *cl = s->cmdline ? s->cmdline : "";
    u64 n = strlen(cl);
    if (n + 1 > f[1])
        return fail(s, c, SEMI_EINVAL);
    if (!semihosting_write_guest(c, f[0], cl, n + 1) || !write_u64(c, arg + 8, n))
        return fail(s, c, SEMI_EFAULT);
    ret(c, 0);
}

/* Heap in the largest RAM gap between loaded images, from its start to its
 * end; the stack base at the same end and the stack limit 0 (the layout
 * QEMU's virt board reports). */
static void sys_heapinfo(SemiState *s, Cpu *c, u64 arg)
{
    Machine *m = s->m;
    u64 block;
    if (!read_args(c, arg, &block, 1))
        return fail(s, c, SEMI_EFAULT);
    u64 lo = m->ram_base, hi = m->ram_base + m->ram_size;
    u64 best_base = lo, best_size = 0, cur = lo;
    for (;;) {
        /* The next image at or above CUR. */
        u64 next = hi, next_end = hi;
        for (unsigned i = 0; i < s->nimage; i++) {
            u64 b = s->image[i].base, e = b + s->image[i].size;
            if (e > cur && b < next) {
                next = b < cur ? cur : b;
                next_end = e;
            }
        }
        if (next > hi)
            next = hi;
        if (next - cur > best_size) {
            best_base = cur;
            best_size = next - cur;
        }
        if (next >= hi)
            break;
        cur = next_end > hi ? hi : next_end;
        if (cur >= hi)
            break;
    }
    u64 v[4] = {best_base, best_base + best_size, best_base + best_size, 0};
    u8 b[32];
    for (unsigned i = 0; i < 4; i++)
        for (unsigned k = 0; k < 8; k++)
            b[8 * i + k] = (u8)(v[i] >> (8 * k));
    if (!semihosting_write_guest(c, block, b, sizeof(b)))
        return fail(s, c, SEMI_EFAULT);
    ret(c, 0);
}

static void sys_exit(SemiState *s, Cpu *c, u64 arg)
{
    Machine *m = s->m;
    /* AArch64: X1 points to {reason, subcode} (IHI 0080 6.5). */
    u64 f[2];
    if (!read_args(c, arg, f, 2))
        return fail(s, c, SEMI_EFAULT);
    fflush(stdout);
    m->exit_requested = true;
    m->exit_code = f[0] == ADP_Stopped_ApplicationExit ? (int)(f[1] & 0xff) : 1;
    if (f[0] != ADP_Stopped_ApplicationExit)
        fprintf(stderr, "hyperstep: semihosting exit with reason 0x%llx\n", (unsigned long long)f[0]);
    c->pending |= PEND_STOP;
}

void semihosting_call(Cpu *c)
{
    Machine *m = c->m;
    SemiState *s = m->hooks.semihost_opaque;
    u32 op = (u32)c->x[0];
    u64 arg = c->x[1];
    u64 now = machine_now_ns(m, c);
    switch (op) {
    case SYS_WRITEC: {
        u8 ch;
        if (!semihosting_read_guest(c, arg, &ch, 1))
            return fail(s, c, SEMI_EFAULT);
        put(ch, stdout);
        return;
    }
    case SYS_WRITE0:
        for (u64 a = arg;; a++) {
            u8 ch;
            if (!semihosting_read_guest(c, a, &ch, 1))
                return fail(s, c, SEMI_EFAULT);
            if (!ch)
                break;
            put(ch, stdout);
        }
        return;
    case SYS_OPEN:
        return sys_open(s, c, arg);
    case SYS_CLOSE:
        return sys_close(s, c, arg);
    case SYS_WRITE:
        return sys_write(s, c, arg);
    case SYS_READ:
        return sys_read(s, c, arg);
    case SYS_READC: {
        SemiResult r = {0};
        if (host_op(s, c, SYS_READC, &r, host_readc, NULL))
            apply(s, c, &r);
        return;
    }
    case SYS_ISERROR: {
        u64 v;
        if (!read_args(c, arg, &v, 1))
            return fail(s, c, SEMI_EFAULT);
        return ret(c, (s64)v < 0 ? 1 : 0);
    }
    case SYS_ISTTY:
    case SYS_SEEK:
    case SYS_FLEN:
        return sys_seek_flen_istty(s, c, op, arg);
    case SYS_TMPNAM:
        return sys_tmpnam(s, c, arg);
    case SYS_REMOVE:
    case SYS_RENAME:
        return sys_remove_rename(s, c, op, arg);
    case SYS_CLOCK:
        return ret(c, (s64)(now / 10000000));
    case SYS_TIME:
        return ret(c, (s64)(s->epoch + now / 1000000000));
    case SYS_ELAPSED:
        if (!write_u64(c, arg, now * (SEMI_TICKFREQ / 1000000000)))
            return fail(s, c, SEMI_EFAULT);
        return ret(c, 0);
    case SYS_TICKFREQ:
        return ret(c, (s64)SEMI_TICKFREQ);
    case SYS_ERRNO:
        return ret(c, s->err);
    case SYS_GET_CMDLINE:
        return sys_get_cmdline(s, c, arg);
    case SYS_HEAPINFO:
        return sys_heapinfo(s, c, arg);
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED:
        return sys_exit(s, c, arg);
    default: {
        char what[64];
        snprintf(what, sizeof(what), "semihosting operation 0x%x", op);
        trace_unimplemented(c, what);
        return fail(s, c, 38 /* ENOSYS */);
    }
    }
}

static void hook_semihost(void *opaque, Cpu *c)
{
    (void)opaque;
    semihosting_call(c);
}

bool semihosting_attach(Machine *m, const char *cmdline, u64 epoch)
{
    SemiState *s = calloc(1, sizeof(*s));
    if (!s)
        return false;
    s->m = m;
    s->epoch = epoch;
    s->cmdline = strdup(cmdline ? cmdline : "");
    if (!s->cmdline) {
        free(s);
        return false;
    }
    for (int i = 0; i < SEMI_MAX_FILES; i++)
        s->file[i].fd = -1;
    /* Handles 0-2: the console, as if opened with ":tt". */
    s->file[0].kind = SK_STDIN;
    s->file[1].kind = SK_STDOUT;
    s->file[2].kind = SK_STDERR;
    m->hooks.semihost = hook_semihost;
    m->hooks.semihost_opaque = s;
    return true;
}

bool semihosting_enabled(Machine *m)
{
    return m->hooks.semihost == hook_semihost && m->hooks.semihost_opaque;
}

void semihosting_detach(Machine *m)
{
    if (!semihosting_enabled(m))
        return;
    SemiState *s = m->hooks.semihost_opaque;
    for (int i = 0; i < SEMI_MAX_FILES; i++)
        if (s->file[i].kind == SK_FILE && s->file[i].fd >= 0)
            close(s->file[i].fd);
    free(s->cmdline);
    free(s);
    m->hooks.semihost = NULL;
    m->hooks.semihost_opaque = NULL;
}

void semihosting_note_image(Machine *m, u64 base, u64 size)
{
    if (!semihosting_enabled(m) || !size)
        return;
    SemiState *s = m->hooks.semihost_opaque;
    if (s->nimage < SEMI_MAX_IMAGES) {
        s->image[s->nimage].base = base;
        s->image[s->nimage].size = size;
        s->nimage++;
    }
}

void semihosting_set_io(Machine *m, SemiRecordFn record, SemiReplayFn replay, void *opaque)
{
    if (!semihosting_enabled(m))
        return;
    SemiState *s = m->hooks.semihost_opaque;
    s->record = record;
    s->replay = replay;
    s->io_opaque = opaque;
}
