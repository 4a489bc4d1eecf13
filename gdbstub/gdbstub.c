/*
 * gdbstub/gdbstub.c — the GDB Remote Serial Protocol server: sockets,
 * packet framing, the stop loop, run control (continue / step / vCont),
 * breakpoints, watchpoints and the packet dispatcher.  See gdbstub.h for
 * the user-visible choices.  Protocol reference: "GDB Remote Serial
 * Protocol" appendix of the GDB manual.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdbstub/internal.h"
#include "mmu/mmu.h"

#if __has_include("cpu/power.h")
#include "cpu/power.h"
#define HAVE_POWER_H 1
#endif

static const char hexd[] = "0123456789abcdef";

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Parse a hex number at *P (at least one digit, at most 16); advances *P. */
static bool parse_hex(const char **p, u64 *v)
{
    const char *s = *p;
    u64 x = 0;
    int n = 0;
    while (hexval(*s) >= 0) {
        if (++n > 16)
            return false;
        x = x << 4 | (u64)hexval(*s++);
    }
    if (!n)
        return false;
    *v = x;
    *p = s;
    return true;
}

/* Decode LEN bytes of hex text at HEX into OUT; false on a bad digit. */
static bool unhex(const char *hex, u8 *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int a = hexval(hex[2 * i]), b = a < 0 ? -1 : hexval(hex[2 * i + 1]);
        if (a < 0 || b < 0)
            return false;
        out[i] = (u8)(a << 4 | b);
    }
    return true;
}

static char *tohex(char *dst, const u8 *src, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        *dst++ = hexd[src[i] >> 4];
        *dst++ = hexd[src[i] & 15];
    }
    *dst = 0;
    return dst;
}

/* ---- connection ---- */

static void close_conn(GdbStub *s)
{
    if (s->conn_fd >= 0)
        close(s->conn_fd);
    s->conn_fd = -1;
    s->rlen = s->rpos = 0;
    s->pstate = 0;
    s->plen = 0;
    s->noack = false;
    s->got_intr = false;
}

/* Write all of BUF; on error or a peer that stops reading for 10 s, drop
 * the connection. */
static void send_raw(GdbStub *s, const char *buf, size_t len)
{
    while (len && s->conn_fd >= 0) {
        ssize_t w = send(s->conn_fd, buf, len, MSG_NOSIGNAL);
        if (w > 0) {
            buf += w;
            len -= (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd p = {.fd = s->conn_fd, .events = POLLOUT};
            if (poll(&p, 1, 10000) > 0)
                continue;
        }
        close_conn(s);
    }
}

/* Send BODY (LEN bytes) as one packet. */
static void send_packet_len(GdbStub *s, const char *body, size_t len)
{
    if (s->conn_fd < 0)
        return;
    u8 sum = 0;
    char *f = s->frame;
    *f++ = '$';
    for (size_t i = 0; i < len; i++) {
        sum += (u8)body[i];
        *f++ = body[i];
    }
    *f++ = '#';
    *f++ = hexd[sum >> 4];
    *f++ = hexd[sum & 15];
    send_raw(s, s->frame, (size_t)(f - s->frame));
}

static void send_str(GdbStub *s, const char *body)
{
    send_packet_len(s, body, strlen(body));
}

static void send_fmt(GdbStub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void send_fmt(GdbStub *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->body, sizeof(s->body), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(s->body))
        n = (int)sizeof(s->body) - 1;
    send_packet_len(s, s->body, (size_t)n);
}

/* Console output: O packets with the text hex-encoded. */
static void send_console(GdbStub *s, const char *text)
{
    size_t len = strlen(text);
    while (len) {
        size_t chunk = len > 2000 ? 2000 : len;
        s->body[0] = 'O';
        char *e = tohex(s->body + 1, (const u8 *)text, chunk);
        send_packet_len(s, s->body, (size_t)(e - s->body));
        text += chunk;
        len -= chunk;
    }
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static bool try_accept(GdbStub *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    if (s->conn_fd >= 0) {
        /* One debugger at a time: refuse the newcomer. */
        close(fd);
        return false;
    }
    set_nonblock(fd);
    if (!s->is_unix) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    close_conn(s);
    s->conn_fd = fd;
    return true;
}

/* Read what is available into rbuf (waiting up to TIMEOUT_MS, -1 forever,
 * while also accepting/refusing on the listening socket).  Returns false if
 * the connection was lost. */
static bool fill(GdbStub *s, int timeout_ms)
{
    struct pollfd p[2] = {
        {.fd = s->conn_fd, .events = POLLIN},
        {.fd = s->listen_fd, .events = POLLIN},
    };
    int r = poll(p, 2, timeout_ms);
    if (r < 0)
        return errno == EINTR;
    if (p[1].revents & POLLIN)
        try_accept(s);   /* refused: a debugger is connected */
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
        return true;
    ssize_t n = recv(s->conn_fd, s->rbuf, sizeof(s->rbuf), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK))
        return false;
    if (n > 0) {
        s->rlen = (size_t)n;
        s->rpos = 0;
    }
    return true;
}

/* Feed buffered bytes to the packet parser.  Returns true when a packet is
 * complete in s->pkt (NUL-terminated; s->overflow if it was too long). */
static bool parse(GdbStub *s)
{
    while (s->rpos < s->rlen) {
        u8 ch = s->rbuf[s->rpos++];
        switch (s->pstate) {
        case 0:
            if (ch == '$') {
                s->pstate = 1;
                s->plen = 0;
                s->csum = 0;
                s->overflow = false;
            } else if (ch == 0x03) {
                s->got_intr = true;
            }
            /* '+', '-' and noise between packets are ignored. */
            break;
        case 1:
            if (ch == '#') {
                s->pstate = 2;
            } else if (ch == '$') {
                /* A new packet before the end of this one: the first was
                 * truncated; start over. */
                s->plen = 0;
                s->csum = 0;
                s->overflow = false;
            } else {
                s->csum += ch;
                if (s->plen < GDB_PKT_MAX)
                    s->pkt[s->plen++] = (char)ch;
                else
                    s->overflow = true;
            }
            break;
        case 2:
        case 3: {
            int v = hexval(ch);
            if (v < 0) {
                /* Not a checksum digit: a broken packet.  NAK it. */
                s->pstate = ch == '$' ? 1 : 0;
                s->plen = 0;
                s->csum = 0;
                if (!s->noack)
                    send_raw(s, "-", 1);
                break;
            }
            if (s->pstate == 2) {
                s->csum_rx = (u8)(v << 4);
                s->pstate = 3;
                break;
            }
            s->csum_rx |= (u8)v;
            s->pstate = 0;
            s->pkt[s->plen] = 0;
            if (!s->noack) {
                if (s->csum_rx != s->csum) {
                    send_raw(s, "-", 1);
                    break;
                }
                send_raw(s, "+", 1);
            }
            return true;
        }
        }
    }
    return false;
}

/* ---- breakpoints, watchpoints, the slow flag ---- */

static void update_slow(GdbStub *s)
{
    bool need = s->nbp || s->nwp || s->frozen || s->wait_initial;
    if (need)
        s->m->slow |= SLOW_BREAK;
    else
        s->m->slow &= ~SLOW_BREAK;
}

static void flush_all_tlbs(Machine *m)
{
    for (unsigned i = 0; i < m->ncpu; i++)
        tlb_flush_all(m->cpu[i]);
}

static void drop_all_points(GdbStub *s)
{
    s->nbp = 0;
    s->nwp = 0;
    s->frozen = 0;
    update_slow(s);
}

/* Z/z packets: type 0 sw, 1 hw breakpoint, 2 write, 3 read, 4 access
 * watchpoint.  "ZT,ADDR,KIND". */
static void handle_z(GdbStub *s, const char *p, bool insert)
{
    u64 type, addr, kind;
    if (!parse_hex(&p, &type) || *p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' ||
        !parse_hex(&p, &kind)) {
        send_str(s, "E22");
        return;
    }
    if (type > 4) {
        send_str(s, "");   /* unsupported type: empty reply */
        return;
    }
    if (type <= 1) {
        bool hw = type == 1;
        for (unsigned i = 0; i < s->nbp; i++) {
            if (s->bp[i].addr == addr && s->bp[i].hw == hw) {
                if (!insert) {
                    s->bp[i] = s->bp[--s->nbp];
                    update_slow(s);
                }
                send_str(s, "OK");
                return;
            }
        }
        if (!insert) {
            send_str(s, "OK");   /* removing what is not there is harmless */
            return;
        }
        if (s->nbp >= GDB_MAX_BP) {
            send_str(s, "E28");
            return;
        }
        s->bp[s->nbp].addr = addr;
        s->bp[s->nbp].hw = hw;
        s->nbp++;
        update_slow(s);
        send_str(s, "OK");
        return;
    }
    StopKind k = type == 2 ? EV_WATCH : type == 3 ? EV_RWATCH : EV_AWATCH;
    if (kind == 0 || kind > (1u << 20) || addr + kind < addr) {
        send_str(s, "E22");
        return;
    }
    for (unsigned i = 0; i < s->nwp; i++) {
        if (s->wp[i].addr == addr && s->wp[i].len == kind && s->wp[i].kind == k) {
            if (!insert) {
                s->wp[i] = s->wp[--s->nwp];
                update_slow(s);
            }
            send_str(s, "OK");
            return;
        }
    }
    if (!insert) {
        send_str(s, "OK");
        return;
    }
    if (s->nwp >= GDB_MAX_WP) {
        send_str(s, "E28");
        return;
    }
    s->wp[s->nwp].addr = addr;
    s->wp[s->nwp].len = kind;
    s->wp[s->nwp].kind = k;
    s->nwp++;
    /* Pages already cached in the TLBs would bypass the slow path. */
    bool was = s->m->slow & SLOW_BREAK;
    update_slow(s);
    if (!was || s->nwp == 1)
        flush_all_tlbs(s->m);
    send_str(s, "OK");
}

/* ---- memory ---- */

bool gdb_mem_access(GdbStub *s, Cpu *c, u64 addr, u8 *buf, size_t len, bool write)
{
    Machine *m = s->m;
    while (len) {
        size_t chunk = TLB_PAGE_SIZE - (addr & (TLB_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        u64 pa = addr;
        bool ns = false;
        if (!s->phys) {
            TransResult r;
            Fault f;
            MmuIdx idx = (MmuIdx)c->mmu_idx;
            /* Ignore permissions as a debugger does: any valid mapping. */
            if (!mmu_translate(c, addr, ACC_READ, idx, &r, &f) &&
                !(f.type == FAULT_PERMISSION && mmu_translate(c, addr, ACC_EXEC, idx, &r, &f)) &&
                !(f.type == FAULT_PERMISSION && mmu_translate(c, addr, ACC_WRITE, idx, &r, &f)))
                return false;
            pa = r.pa;
            ns = r.ns;
        }
        MemRegion *reg = phys_find(m, pa);
        if (!reg || !reg->host || (reg->secure_only && ns) || pa + chunk - 1 > reg->base + reg->size - 1)
            return false;   /* nothing there, MMIO, or out of reach */
        bool ok = write ? phys_write_buf(m, pa, buf, chunk) : phys_read_buf(m, pa, buf, chunk);
        if (!ok)
            return false;
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return true;
}

static Cpu *cur_cpu(GdbStub *s)
{
    return s->m->cpu[s->cur < s->m->ncpu ? s->cur : 0];
}

/* m ADDR,LEN / M ADDR,LEN:HEX / X ADDR,LEN:BIN */
static void handle_mem(GdbStub *s, char op, const char *p, size_t plen)
{
    const char *end = s->pkt + plen;
    u64 addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len)) {
        send_str(s, "E22");
        return;
    }
    static const size_t maxlen = (GDB_PKT_MAX - 8) / 2;
    if (len > maxlen) {
        if (op != 'm') {
            send_str(s, "E22");
            return;
        }
        len = maxlen;   /* gdb accepts a short read */
    }
    u8 *data = s->scratch;
    Cpu *c = cur_cpu(s);
    if (op == 'm') {
        if (!gdb_mem_access(s, c, addr, data, len, false)) {
            send_str(s, "E14");
            return;
        }
        tohex(s->body, data, len);
        send_packet_len(s, s->body, 2 * len);
        return;
    }
    if (*p++ != ':') {
        send_str(s, "E22");
        return;
    }
    if (op == 'M') {
        if ((size_t)(end - p) != 2 * len || !unhex(p, data, len)) {
            send_str(s, "E22");
            return;
        }
    } else {
        size_t n = 0;
        while (p < end && n < len) {
            u8 ch = (u8)*p++;
            if (ch == '}') {
                if (p >= end)
                    break;
                ch = (u8)*p++ ^ 0x20;
            }
            data[n++] = ch;
        }
        if (n != len || p != end) {
            send_str(s, "E22");
            return;
        }
    }
    if (len && !gdb_mem_access(s, c, addr, data, len, true)) {
        send_str(s, "E14");
        return;
    }
    send_str(s, "OK");
}

/* ---- registers ---- */

static void handle_g(GdbStub *s)
{
    Cpu *c = cur_cpu(s);
    char *o = s->body;
    for (unsigned i = 0; i < s->ng; i++) {
        u8 v[16];
        if (!gdbregs_read(s, c, i, v))
            memset(v, 0, sizeof(v));
        o = tohex(o, v, s->regs[i].bytes);
    }
    send_packet_len(s, s->body, (size_t)(o - s->body));
}

static void handle_G(GdbStub *s, const char *p, size_t len)
{
    Cpu *c = cur_cpu(s);
    size_t need = 0;
    for (unsigned i = 0; i < s->ng; i++)
        need += 2 * s->regs[i].bytes;
    if (len != need) {
        send_str(s, "E22");
        return;
    }
    /* Validate everything first: a bad digit changes nothing. */
    for (size_t i = 0; i < len; i++) {
        if (hexval(p[i]) < 0) {
            send_str(s, "E22");
            return;
        }
    }
    for (unsigned i = 0; i < s->ng; i++) {
        u8 v[16];
        unhex(p, v, s->regs[i].bytes);
        gdbregs_write(s, c, i, v);
        p += 2 * s->regs[i].bytes;
    }
    send_str(s, "OK");
}

static void handle_p(GdbStub *s, const char *p, bool write, size_t plen)
{
    u64 n;
    Cpu *c = cur_cpu(s);
    const char *end = s->pkt + plen;
    if (!parse_hex(&p, &n) || n >= s->nregs) {
        send_str(s, "E22");
        return;
    }
    unsigned bytes = s->regs[n].bytes;
    u8 v[16];
    if (!write) {
        if (*p || !gdbregs_read(s, c, (unsigned)n, v)) {
            send_str(s, "E22");
            return;
        }
        tohex(s->body, v, bytes);
        send_packet_len(s, s->body, 2 * bytes);
        return;
    }
    if (*p++ != '=' || (size_t)(end - p) != 2 * bytes || !unhex(p, v, bytes)) {
        send_str(s, "E22");
        return;
    }
    send_str(s, gdbregs_write(s, c, (unsigned)n, v) ? "OK" : "E01");
}

/* ---- threads ---- */

/* Thread id text -> core index; -1 "all", -2 "any" (0), -3 invalid. */
static int parse_tid(GdbStub *s, const char *p, const char **endp)
{
    if (p[0] == '-' && p[1] == '1') {
        if (endp)
            *endp = p + 2;
        return -1;
    }
    u64 v;
    if (p[0] == 'p') {   /* multiprocess form pPID.TID */
        const char *dot = strchr(p, '.');
        if (!dot)
            return -3;
        p = dot + 1;
        if (p[0] == '-' && p[1] == '1') {
            if (endp)
                *endp = p + 2;
            return -1;
        }
    }
    if (!parse_hex(&p, &v))
        return -3;
    if (endp)
        *endp = p;
    if (v == 0)
        return -2;
    if (v > s->m->ncpu)
        return -3;
    return (int)v - 1;
}

const char *gdb_thread_name(const Cpu *c, char *buf, size_t n);

static void build_threads_xml(GdbStub *s)
{
    size_t n = 0, cap = sizeof(s->threads_xml);
    n += (size_t)snprintf(s->threads_xml + n, cap - n, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (unsigned i = 0; i < s->m->ncpu && n < cap; i++) {
        char name[96];
        gdb_thread_name(s->m->cpu[i], name, sizeof(name));
        n += (size_t)snprintf(s->threads_xml + n, cap - n, "<thread id=\"%x\" core=\"%u\">%s</thread>\n",
                              i + 1, i, name);
    }
    if (n < cap)
        n += (size_t)snprintf(s->threads_xml + n, cap - n, "</threads>\n");
    s->threads_len = n < cap ? n : cap - 1;
}

/* qXfer reply for DOC (LEN bytes) at OFF,N: 'm'/'l' + binary-escaped data. */
static void xfer_reply(GdbStub *s, const char *doc, size_t doclen, u64 off, u64 n)
{
    if (off > doclen) {
        send_str(s, "E16");
        return;
    }
    size_t avail = doclen - off;
    if (n > avail)
        n = avail;
    if (n > GDB_PKT_MAX / 2)
        n = GDB_PKT_MAX / 2;
    char *o = s->body;
    *o++ = (off + n >= doclen) ? 'l' : 'm';
    for (size_t i = 0; i < n; i++) {
        char ch = doc[off + i];
        if (ch == '#' || ch == '$' || ch == '}' || ch == '*') {
            *o++ = '}';
            *o++ = ch ^ 0x20;
        } else {
            *o++ = ch;
        }
    }
    send_packet_len(s, s->body, (size_t)(o - s->body));
}

/* ---- stop replies ---- */

static void send_stop(GdbStub *s, const StopEvent *e)
{
    s->last = *e;
    s->cur = e->core;
    s->cont = (int)e->core;
    unsigned tid = e->core + 1;
    switch (e->kind) {
    case EV_SIGINT:
        send_fmt(s, "T02thread:%x;core:%x;", tid, e->core);
        break;
    case EV_SWBREAK:
        send_fmt(s, "T05thread:%x;core:%x;swbreak:;", tid, e->core);
        break;
    case EV_HWBREAK:
        send_fmt(s, "T05thread:%x;core:%x;hwbreak:;", tid, e->core);
        break;
    case EV_WATCH:
    case EV_RWATCH:
    case EV_AWATCH:
        send_fmt(s, "T05thread:%x;core:%x;%s:%llx;", tid, e->core,
                 e->kind == EV_WATCH ? "watch" : e->kind == EV_RWATCH ? "rwatch" : "awatch",
                 (unsigned long long)e->addr);
        break;
    default:
        send_fmt(s, "T05thread:%x;core:%x;", tid, e->core);
        break;
    }
}

/* Why core C cannot execute an instruction now, or NULL if it can. */
static const char *cannot_run(const Cpu *c, bool step)
{
    switch (c->power) {
    case CORE_OFF_NEVER: return "is off (never powered on)";
    case CORE_OFF: return "is off (powered down, e.g. by PSCI CPU_OFF)";
    case CORE_SUSPENDED: return step ? "is suspended (PSCI CPU_SUSPEND)" : NULL;
    case CORE_WFI: return step ? "is waiting in WFI (only an interrupt wakes it)" : NULL;
    case CORE_WFE: return step ? "is waiting in WFE (only an event or interrupt wakes it)" : NULL;
    default: return NULL;
    }
}

/* Step exactly one instruction of core C, others stay stopped. */
static void do_step(GdbStub *s, Cpu *c)
{
    const char *why = cannot_run(c, true);
    if (why) {
        char msg[200];
        snprintf(msg, sizeof(msg), "hyperstep: CPU#%u (thread %u) %s: nothing to step.\n", c->index,
                 c->index + 1, why);
        send_console(s, msg);
        StopEvent e = {EV_TRAP, c->index, 0};
        send_stop(s, &e);
        return;
    }
    Machine *m = s->m;
    if (c->power == CORE_ON_PENDING) {
        /* CPU_ON accepted: the core starts now, as the scheduler would start
         * it at its next slot, and executes its first instruction. */
#ifdef HAVE_POWER_H
        cpu_set_power(c, CORE_ON, c->power_why);
#else
        c->power = CORE_ON;
#endif
        c->pending &= ~PEND_STOP;
    }
    s64 budget = c->budget;
    u64 before = c->icount;
    s->ev.kind = EV_NONE;
    s->stepping = true;
    /* A pending PEND_STOP makes cpu_run leave before executing: retry. */
    for (int i = 0; i < 4 && c->icount == before && c->power == CORE_ON && s->ev.kind == EV_NONE &&
                    !m->exit_requested; i++)
        cpu_run(c, 1);
    s->stepping = false;
    c->budget = budget;
    StopEvent e = {EV_TRAP, c->index, 0};
    if (s->ev.kind != EV_NONE && s->ev.core == c->index) {
        e = s->ev;
        s->skip_icount[c->index] = c->icount;
        s->skip_valid |= 1u << c->index;
    }
    s->ev.kind = EV_NONE;
    send_stop(s, &e);
}

/* Resume: CONT is the mask of cores allowed to run. */
static Action resume(GdbStub *s, u32 cont)
{
    Machine *m = s->m;
    bool any = false;
    unsigned first = s->cur;
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (!(cont & (1u << i)))
            continue;
        if (!cannot_run(m->cpu[i], false))
            any = true;
    }
    if (!any) {
        char msg[256];
        for (unsigned i = 0; i < m->ncpu; i++)
            if (cont & (1u << i)) {
                first = i;
                break;
            }
        snprintf(msg, sizeof(msg), "hyperstep: CPU#%u (thread %u) %s and no other resumed core can run: "
                 "staying stopped (resume another thread, or 'set scheduler-locking off').\n",
                 first, first + 1, cannot_run(m->cpu[first], false) ? cannot_run(m->cpu[first], false)
                 : "cannot run");
        send_console(s, msg);
        StopEvent e = {EV_TRAP, first, 0};
        send_stop(s, &e);
        return ACT_STAY;
    }
    u32 all = m->ncpu >= 32 ? ~0u : (1u << m->ncpu) - 1;
    s->frozen = all & ~cont;
    return ACT_RESUME;
}

/* vCont;ACTION[:TID]... */
static Action handle_vcont(GdbStub *s, const char *p)
{
    Machine *m = s->m;
    char act[HS_MAX_CPUS];
    memset(act, 0, sizeof(act));
    while (*p == ';') {
        p++;
        char a = *p++;
        if (a == 'C' || a == 'S') {
            u64 sig;
            if (!parse_hex(&p, &sig)) {
                send_str(s, "E22");
                return ACT_STAY;
            }
            a = (char)(a - 'A' + 'a');   /* signals mean nothing to a bare-metal core */
        } else if (a != 'c' && a != 's' && a != 't') {
            send_str(s, "E22");
            return ACT_STAY;
        }
        int tid = -1;
        if (*p == ':') {
            const char *e;
            tid = parse_tid(s, p + 1, &e);
            if (tid == -3) {
                send_str(s, "E22");
                return ACT_STAY;
            }
            if (tid == -2)
                tid = (int)s->cur;
            p = e;
        }
        for (unsigned i = 0; i < m->ncpu; i++)
            if (!act[i] && (tid == -1 || (unsigned)tid == i))
                act[i] = a;
    }
    if (*p) {
        send_str(s, "E22");
        return ACT_STAY;
    }
    /* A step of one thread: that core runs one instruction, all others stay
     * stopped (all-stop: the step finishes before anyone else is scheduled). */
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (act[i] == 's') {
            /* Prefer the selected thread if several step. */
            unsigned k = act[s->cur] == 's' ? s->cur : i;
            do_step(s, m->cpu[k]);
            return ACT_STAY;
        }
    }
    u32 cont = 0;
    for (unsigned i = 0; i < m->ncpu; i++)
        if (act[i] == 'c')
            cont |= 1u << i;
    if (!cont) {
        StopEvent e = {EV_NONE, s->cur, 0};
        send_fmt(s, "T00thread:%x;", e.core + 1);
        return ACT_STAY;
    }
    return resume(s, cont);
}

/* ---- monitor, queries ---- */

static void handle_rcmd(GdbStub *s, const char *hex)
{
    size_t n = strlen(hex);
    char cmd[512];
    if (n % 2 || n / 2 >= sizeof(cmd) || !unhex(hex, (u8 *)cmd, n / 2)) {
        send_str(s, "E22");
        return;
    }
    cmd[n / 2] = 0;
    char *buf = malloc(65536);
    if (!buf) {
        send_str(s, "E12");
        return;
    }
    buf[0] = 0;
    gdbmon_run(s, cmd, buf, 65536);
    if (buf[0])
        send_console(s, buf);
    free(buf);
    send_str(s, "OK");
}

static void handle_query(GdbStub *s, const char *p)
{
    Machine *m = s->m;
    if (!strncmp(p, "qSupported", 10)) {
        send_fmt(s, "PacketSize=%x;qXfer:features:read+;qXfer:threads:read+;vContSupported+;"
                 "swbreak+;hwbreak+;QStartNoAckMode+", GDB_PKT_MAX);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        send_str(s, "1");
    } else if (!strcmp(p, "qC")) {
        send_fmt(s, "QC%x", s->cur + 1);
    } else if (!strcmp(p, "qfThreadInfo")) {
        char *o = s->body;
        *o++ = 'm';
        for (unsigned i = 0; i < m->ncpu; i++)
            o += sprintf(o, i ? ",%x" : "%x", i + 1);
        send_packet_len(s, s->body, (size_t)(o - s->body));
    } else if (!strcmp(p, "qsThreadInfo")) {
        send_str(s, "l");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        int t = parse_tid(s, p + 17, NULL);
        if (t < 0) {
            send_str(s, "E22");
            return;
        }
        char name[96];
        gdb_thread_name(m->cpu[t], name, sizeof(name));
        tohex(s->body, (const u8 *)name, strlen(name));
        send_str(s, s->body);
    } else if (!strncmp(p, "qXfer:features:read:", 20)) {
        const char *a = p + 20;
        u64 off, len;
        if (strncmp(a, "target.xml:", 11)) {
            send_str(s, "E00");
            return;
        }
        a += 11;
        if (!parse_hex(&a, &off) || *a++ != ',' || !parse_hex(&a, &len) || *a) {
            send_str(s, "E22");
            return;
        }
        xfer_reply(s, s->tdesc, s->tdesc_len, off, len);
    } else if (!strncmp(p, "qXfer:threads:read::", 20)) {
        const char *a = p + 20;
        u64 off, len;
        if (!parse_hex(&a, &off) || *a++ != ',' || !parse_hex(&a, &len) || *a) {
            send_str(s, "E22");
            return;
        }
        if (off == 0 || !s->threads_len)
            build_threads_xml(s);
        xfer_reply(s, s->threads_xml, s->threads_len, off, len);
    } else if (!strncmp(p, "qRcmd,", 6)) {
        handle_rcmd(s, p + 6);
    } else if (!strcmp(p, "qqemu.PhyMemMode")) {
        send_str(s, s->phys ? "1" : "0");
    } else if (!strcmp(p, "qOffsets")) {
        send_str(s, "Text=0;Data=0;Bss=0");
    } else {
        send_str(s, "");
    }
}

/* Dispatch one packet (in s->pkt). */
static Action handle_packet(GdbStub *s)
{
    Machine *m = s->m;
    const char *p = s->pkt;
    size_t plen = s->plen;
    if (s->overflow) {
        send_str(s, "E22");
        return ACT_STAY;
    }
    if (memchr(p, 0, plen) && p[0] != 'X') {
        send_str(s, "E22");   /* NUL inside a text packet */
        return ACT_STAY;
    }
    switch (p[0]) {
    case '?':
        send_stop(s, &s->last);
        return ACT_STAY;
    case 'g':
        if (p[1])
            send_str(s, "E22");
        else
            handle_g(s);
        return ACT_STAY;
    case 'G':
        handle_G(s, p + 1, plen - 1);
        return ACT_STAY;
    case 'p':
        handle_p(s, p + 1, false, plen);
        return ACT_STAY;
    case 'P':
        handle_p(s, p + 1, true, plen);
        return ACT_STAY;
    case 'm':
    case 'M':
    case 'X':
        handle_mem(s, p[0], p + 1, plen);
        return ACT_STAY;
    case 'c':
    case 'C': {
        u32 all = m->ncpu >= 32 ? ~0u : (1u << m->ncpu) - 1;
        const char *a = p + 1;
        u64 v;
        if (p[0] == 'C' && !parse_hex(&a, &v)) {
            send_str(s, "E22");
            return ACT_STAY;
        }
        if (*a == ';')
            a++;
        if (*a) {
            if (!parse_hex(&a, &v) || *a) {
                send_str(s, "E22");
                return ACT_STAY;
            }
            cur_cpu(s)->pc = v;
        }
        return resume(s, all);
    }
    case 's':
    case 'S': {
        const char *a = p + 1;
        u64 v;
        if (p[0] == 'S' && !parse_hex(&a, &v)) {
            send_str(s, "E22");
            return ACT_STAY;
        }
        if (*a == ';')
            a++;
        Cpu *c = s->cont >= 0 && (unsigned)s->cont < m->ncpu ? m->cpu[s->cont] : cur_cpu(s);
        if (*a) {
            if (!parse_hex(&a, &v) || *a) {
                send_str(s, "E22");
                return ACT_STAY;
            }
            c->pc = v;
        }
        do_step(s, c);
        return ACT_STAY;
    }
    case 'v':
        if (!strcmp(p, "vCont?")) {
            send_str(s, "vCont;c;C;s;S;t");
        } else if (!strncmp(p, "vCont;", 6) || !strcmp(p, "vCont")) {
            return handle_vcont(s, p + 5);
        } else if (!strncmp(p, "vKill", 5)) {
            send_str(s, "OK");
            return ACT_KILL;
        } else {
            send_str(s, "");
        }
        return ACT_STAY;
    case 'H': {
        if (p[1] != 'g' && p[1] != 'c') {
            send_str(s, "E22");
            return ACT_STAY;
        }
        const char *e;
        int t = parse_tid(s, p + 2, &e);
        if (t == -3 || *e) {
            send_str(s, "E22");
            return ACT_STAY;
        }
        if (p[1] == 'g') {
            if (t >= 0)
                s->cur = (unsigned)t;
        } else {
            s->cont = t == -2 ? (int)s->cur : t;
        }
        send_str(s, "OK");
        return ACT_STAY;
    }
    case 'T': {
        const char *e;
        int t = parse_tid(s, p + 1, &e);
        send_str(s, (t >= 0 && !*e) ? "OK" : "E22");
        return ACT_STAY;
    }
    case 'q':
        handle_query(s, p);
        return ACT_STAY;
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            send_str(s, "OK");
            s->noack = true;
        } else if (!strcmp(p, "Qqemu.PhyMemMode:1") || !strcmp(p, "Qqemu.PhyMemMode:0")) {
            s->phys = p[17] == '1';
            send_str(s, "OK");
        } else {
            send_str(s, "");
        }
        return ACT_STAY;
    case 'Z':
    case 'z':
        handle_z(s, p + 1, p[0] == 'Z');
        return ACT_STAY;
    case 'D':
        send_str(s, "OK");
        return ACT_DETACH;
    case 'k':
        return ACT_KILL;
    default:
        send_str(s, "");   /* unsupported packet */
        return ACT_STAY;
    }
}

/* ---- the stop loop ---- */

static void wait_for_connection(GdbStub *s)
{
    hs_log("hyperstep: waiting for gdb to connect");
    while (s->conn_fd < 0) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        if (poll(&p, 1, -1) > 0)
            try_accept(s);
    }
}

/* Serve packets while the machine is stopped.  EV is the reason (sent as a
 * stop reply unless SEND is false: a fresh connection asks with '?'). */
static void stop_loop(GdbStub *s, const StopEvent *ev, bool send)
{
    Machine *m = s->m;
    s->in_loop = true;
    s->frozen = 0;
    s->last = *ev;
    s->cur = ev->core;
    if (s->conn_fd < 0) {
        wait_for_connection(s);
        send = false;   /* a fresh gdb asks with '?' */
    }
    if (send)
        send_stop(s, ev);
    for (;;) {
        if (s->conn_fd < 0) {
            /* Lost the debugger: behave as after a detach. */
            drop_all_points(s);
            break;
        }
        if (s->rpos >= s->rlen && !fill(s, -1)) {
            close_conn(s);
            continue;
        }
        if (!parse(s))
            continue;
        Action a = handle_packet(s);
        if (a == ACT_STAY) {
            if (m->exit_requested)
                break;   /* a step ran SYSTEM_OFF / semihosting exit */
            continue;
        }
        if (a == ACT_DETACH) {
            close_conn(s);
            drop_all_points(s);
        } else if (a == ACT_KILL) {
            close_conn(s);
            drop_all_points(s);
            m->exit_requested = true;
            s->exiting = true;
        }
        break;
    }
    s->got_intr = false;
    s->in_loop = false;
    update_slow(s);
}

/* Core to name in a stop reply when no core caused the stop. */
static unsigned pick_core(GdbStub *s)
{
    Machine *m = s->m;
    if (s->last.core < m->ncpu && m->cpu[s->last.core]->power == CORE_ON)
        return s->last.core;
    for (unsigned i = 0; i < m->ncpu; i++)
        if (m->cpu[i]->power == CORE_ON)
            return i;
    return s->last.core < m->ncpu ? s->last.core : 0;
}

bool gdb_poll(Machine *m)
{
    GdbStub *s = m->gdb;
    if (!s || s->in_loop)
        return m->exit_requested;
    if (s->conn_fd < 0) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0 && try_accept(s)) {
            StopEvent e = {EV_TRAP, pick_core(s), 0};
            stop_loop(s, &e, false);
        }
        return m->exit_requested;
    }
    if (s->rpos >= s->rlen && !fill(s, 0)) {
        close_conn(s);
        drop_all_points(s);
        return m->exit_requested;
    }
    while (parse(s)) {
        /* Packets while running are out of order: only Ctrl-C is acted on. */
        send_str(s, "E16");
    }
    if (s->got_intr) {
        s->got_intr = false;
        StopEvent e = {EV_SIGINT, pick_core(s), 0};
        stop_loop(s, &e, true);
    }
    return m->exit_requested;
}

/* ---- hooks ---- */

bool gdb_insn_hook(Cpu *c)
{
    GdbStub *s = c->m->gdb;
    if (!s)
        return false;
    unsigned i = c->index;
    if (s->in_loop)
        return s->ev.kind != EV_NONE && s->ev.core == i;   /* watch hit during a step */
    if (s->exiting)
        return true;
    StopEvent e = {EV_NONE, i, 0};
    if (s->ev.kind != EV_NONE && s->ev.core == i) {
        e = s->ev;   /* watchpoint: the access was abandoned, PC is at it */
        s->ev.kind = EV_NONE;
    } else if (s->wait_initial) {
        s->wait_initial = false;
        e.kind = EV_TRAP;
    } else {
        if (s->frozen & (1u << i))
            return true;
        if (c->power != CORE_ON)
            return false;   /* just went to sleep/off: PEND_STOP is pending */
        bool skip = (s->skip_valid & (1u << i)) && s->skip_icount[i] == c->icount;
        if (!skip) {
            for (unsigned k = 0; k < s->nbp; k++) {
                if (s->bp[k].addr == c->pc) {
                    e.kind = s->bp[k].hw ? EV_HWBREAK : EV_SWBREAK;
                    break;
                }
            }
        }
        if (e.kind == EV_NONE)
            return false;
    }
    if (e.kind != EV_TRAP) {
        s->skip_icount[i] = c->icount;
        s->skip_valid |= 1u << i;
    }
    stop_loop(s, &e, true);
    if (s->exiting)
        return true;
    return (s->frozen & (1u << i)) != 0;
}

void gdb_watch_hook(Cpu *c, u64 va, unsigned size, bool write, unsigned flags)
{
    GdbStub *s = c->m->gdb;
    if (!s || !s->nwp || (flags & (MEMF_AT | MEMF_NOFAULT)) || !c->exc_jmp)
        return;
    if (s->in_loop && !s->stepping)
        return;
    unsigned i = c->index;
    if ((s->skip_valid & (1u << i)) && s->skip_icount[i] == c->icount)
        return;
    for (unsigned k = 0; k < s->nwp; k++) {
        StopKind kind = s->wp[k].kind;
        if (kind == EV_WATCH && !write)
            continue;
        if (kind == EV_RWATCH && write)
            continue;
        u64 a = s->wp[k].addr, end = a + s->wp[k].len;
        if (va + size <= a || va >= end)
            continue;
        s->ev.kind = kind;
        s->ev.core = i;
        s->ev.addr = va > a ? va : a;
        longjmp(*c->exc_jmp, CPU_JMP_ABORT);
    }
}

/* ---- setup ---- */

static bool listen_tcp(GdbStub *s, const char *host, const char *port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e) {
        hs_log("hyperstep: -gdb tcp:%s:%s: %s", host, port, gai_strerror(e));
        return false;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        hs_log("hyperstep: -gdb tcp:%s:%s: cannot listen: %s", host, port, strerror(errno));
        return false;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    unsigned actual = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        actual = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    s->listen_fd = fd;
    hs_log("hyperstep: gdb stub listening on tcp:%s:%u", host, actual);
    return true;
}

static bool listen_unix(GdbStub *s, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        hs_log("hyperstep: -gdb unix:%s: path too long", path);
        return false;
    }
    strcpy(sa.sun_path, path);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);   /* a stale socket of an earlier run */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
        hs_log("hyperstep: -gdb unix:%s: cannot listen: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    s->listen_fd = fd;
    s->is_unix = true;
    snprintf(s->unix_path, sizeof(s->unix_path), "%s", path);
    hs_log("hyperstep: gdb stub listening on unix:%s", path);
    return true;
}

bool gdb_init(Machine *m, const char *spec, bool wait)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    /* QEMU chardev suffixes. */
    char *comma = strchr(buf, ',');
    if (comma) {
        for (char *save = NULL, *t = strtok_r(comma + 1, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (strcmp(t, "server") && strcmp(t, "nowait") && strcmp(t, "server=on") &&
                strcmp(t, "wait=off") && strcmp(t, "ipv4=on") && strcmp(t, "ipv4")) {
                hs_log("hyperstep: -gdb %s: unsupported option '%s'", spec, t);
                return false;
            }
        }
        *comma = 0;
    }
    GdbStub *s = calloc(1, sizeof(*s));
    if (!s) {
        hs_log("hyperstep: out of memory for the gdb stub");
        return false;
    }
    s->m = m;
    s->listen_fd = s->conn_fd = -1;
    s->cont = -1;
    bool ok = false;
    if (!strncmp(buf, "tcp:", 4)) {
        char *host = buf + 4, *colon = strrchr(host, ':');
        u64 port;
        char *end;
        if (colon) {
            *colon = 0;
            port = strtoull(colon + 1, &end, 10);
            if (!colon[1] || *end || port > 65535) {
                hs_log("hyperstep: -gdb %s: bad port (expected tcp::PORT or tcp:HOST:PORT)", spec);
            } else {
                char ps[16];
                snprintf(ps, sizeof(ps), "%u", (unsigned)port);
                ok = listen_tcp(s, *host ? host : "127.0.0.1", ps);
            }
        } else {
            hs_log("hyperstep: -gdb %s: expected tcp::PORT or tcp:HOST:PORT", spec);
        }
    } else if (!strncmp(buf, "unix:", 5) && buf[5]) {
        ok = listen_unix(s, buf + 5);
    } else {
        hs_log("hyperstep: -gdb %s: expected tcp::PORT, tcp:HOST:PORT or unix:PATH", spec);
    }
    if (!ok) {
        free(s);
        return false;
    }
    set_nonblock(s->listen_fd);
    gdbregs_init(s);
    if (!s->tdesc) {
        close(s->listen_fd);
        free(s);
        hs_log("hyperstep: out of memory for the gdb target description");
        return false;
    }
    s->last.kind = EV_TRAP;
    m->gdb = s;
    m->poll = gdb_poll;
    if (wait) {
        s->wait_initial = true;
        update_slow(s);
    }
    return true;
}

void gdb_destroy(Machine *m)
{
    GdbStub *s = m ? m->gdb : NULL;
    if (!s)
        return;
    if (s->conn_fd >= 0) {
        send_fmt(s, "W%02x", m->exit_code & 0xff);
        close_conn(s);
    }
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->is_unix)
        unlink(s->unix_path);
    free(s->tdesc);
    free(s);
    m->gdb = NULL;
    m->poll = NULL;
}
