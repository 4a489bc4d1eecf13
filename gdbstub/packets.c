/*
 * gdbstub/packets.c — the packet dispatcher: registers (g/G/p/P), memory
 * (m/M/X, virtual or physical), breakpoints and watchpoints (Z/z), threads
 * (H/T/q*ThreadInfo/qXfer:threads), queries (qSupported, qXfer:features,
 * qRcmd...) and the resume packets, which it hands to runctl.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/internal.h"
#include "mmu/mmu.h"

/* ---- breakpoints, watchpoints, the slow flag ---- */

void gdb_flush_tlbs(Machine *m)
{
    for (unsigned i = 0; i < m->ncpu; i++)
        tlb_flush_all(m->cpu[i]);
}

void gdb_drop_points(GdbStub *s)
{
    s->nbp = 0;
    s->nwp = 0;
    s->frozen = 0;
    gdb_update_slow(s);
}

/* Z/z packets: type 0 sw, 1 hw breakpoint, 2 write, 3 read, 4 access
 * watchpoint.  "ZT,ADDR,KIND". */
static void handle_z(GdbStub *s, const char *p, bool insert)
{
    u64 type, addr, kind;
    if (!parse_hex(&p, &type) || *p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' ||
        !parse_hex(&p, &kind)) {
        rsp_send_str(s, "E22");
        return;
    }
    if (type > 4) {
        rsp_send_str(s, "");   /* unsupported type: empty reply */
        return;
    }
    if (type <= 1) {
        bool hw = type == 1;
        for (unsigned i = 0; i < s->nbp; i++) {
            if (s->bp[i].addr == addr && s->bp[i].hw == hw) {
                if (!insert) {
                    s->bp[i] = s->bp[--s->nbp];
                    gdb_update_slow(s);
                }
                rsp_send_str(s, "OK");
                return;
            }
        }
        if (!insert) {
            rsp_send_str(s, "OK");   /* removing what is not there is harmless */
            return;
        }
        if (s->nbp >= GDB_MAX_BP) {
            rsp_send_str(s, "E28");
            return;
        }
        s->bp[s->nbp].addr = addr;
        s->bp[s->nbp].hw = hw;
        s->nbp++;
        gdb_update_slow(s);
        rsp_send_str(s, "OK");
        return;
    }
    StopKind k = type == 2 ? EV_WATCH : type == 3 ? EV_RWATCH : EV_AWATCH;
    if (kind == 0 || kind > (1u << 20) || addr + kind < addr) {
        rsp_send_str(s, "E22");
        return;
    }
    for (unsigned i = 0; i < s->nwp; i++) {
        if (s->wp[i].addr == addr && s->wp[i].len == kind && s->wp[i].kind == k) {
            if (!insert) {
                s->wp[i] = s->wp[--s->nwp];
                gdb_update_slow(s);
            }
            rsp_send_str(s, "OK");
            return;
        }
    }
    if (!insert) {
        rsp_send_str(s, "OK");
        return;
    }
    if (s->nwp >= GDB_MAX_WP) {
        rsp_send_str(s, "E28");
        return;
    }
    s->wp[s->nwp].addr = addr;
    s->wp[s->nwp].len = kind;
    s->wp[s->nwp].kind = k;
    s->nwp++;
    /* Pages already cached in the TLBs would bypass the slow path. */
    bool was = s->m->slow & SLOW_BREAK;
    gdb_update_slow(s);
    if (!was || s->nwp == 1)
        gdb_flush_tlbs(s->m);
    rsp_send_str(s, "OK");
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

Cpu *gdb_cur_cpu(GdbStub *s)
{
    return s->m->cpu[s->cur < s->m->ncpu ? s->cur : 0];
}

/* m ADDR,LEN / M ADDR,LEN:HEX / X ADDR,LEN:BIN */
static void handle_mem(GdbStub *s, char op, const char *p, size_t plen)
{
    const char *end = s->pkt + plen;
    u64 addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len)) {
        rsp_send_str(s, "E22");
        return;
    }
    static const size_t maxlen = (GDB_PKT_MAX - 8) / 2;
    if (len > maxlen) {
        if (op != 'm') {
            rsp_send_str(s, "E22");
            return;
        }
        len = maxlen;   /* gdb accepts a short read */
    }
    u8 *data = s->scratch;
    Cpu *c = gdb_cur_cpu(s);
    if (op == 'm') {
        if (!gdb_mem_access(s, c, addr, data, len, false)) {
            rsp_send_str(s, "E14");
            return;
        }
        tohex(s->body, data, len);
        rsp_send(s, s->body, 2 * len);
        return;
    }
    if (*p++ != ':') {
        rsp_send_str(s, "E22");
        return;
    }
    if (op == 'M') {
        if ((size_t)(end - p) != 2 * len || !unhex(p, data, len)) {
            rsp_send_str(s, "E22");
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
            rsp_send_str(s, "E22");
            return;
        }
    }
    if (len && !gdb_mem_access(s, c, addr, data, len, true)) {
        rsp_send_str(s, "E14");
        return;
    }
    if (len)
        gdb_rev_changed(s);
    rsp_send_str(s, "OK");
}


/* ---- registers ---- */

static void handle_g(GdbStub *s)
{
    Cpu *c = gdb_cur_cpu(s);
    char *o = s->body;
    for (unsigned i = 0; i < s->ng; i++) {
        u8 v[16];
        if (!gdbregs_read(s, c, i, v))
            memset(v, 0, sizeof(v));
        o = tohex(o, v, s->regs[i].bytes);
    }
    rsp_send(s, s->body, (size_t)(o - s->body));
}

static void handle_G(GdbStub *s, const char *p, size_t len)
{
    Cpu *c = gdb_cur_cpu(s);
    size_t need = 0;
    for (unsigned i = 0; i < s->ng; i++)
        need += 2 * s->regs[i].bytes;
    if (len != need) {
        rsp_send_str(s, "E22");
        return;
    }
    /* Validate everything first: a bad digit changes nothing. */
    for (size_t i = 0; i < len; i++) {
        if (hexval(p[i]) < 0) {
            rsp_send_str(s, "E22");
            return;
        }
    }
    for (unsigned i = 0; i < s->ng; i++) {
        u8 v[16];
        unhex(p, v, s->regs[i].bytes);
        gdbregs_write(s, c, i, v);
        p += 2 * s->regs[i].bytes;
    }
    gdb_rev_changed(s);
    rsp_send_str(s, "OK");
}

static void handle_p(GdbStub *s, const char *p, bool write, size_t plen)
{
    u64 n;
    Cpu *c = gdb_cur_cpu(s);
    const char *end = s->pkt + plen;
    if (!parse_hex(&p, &n) || n >= s->nregs) {
        rsp_send_str(s, "E22");
        return;
    }
    unsigned bytes = s->regs[n].bytes;
    u8 v[16];
    if (!write) {
        if (*p || !gdbregs_read(s, c, (unsigned)n, v)) {
            rsp_send_str(s, "E22");
            return;
        }
        tohex(s->body, v, bytes);
        rsp_send(s, s->body, 2 * bytes);
        return;
    }
    if (*p++ != '=' || (size_t)(end - p) != 2 * bytes || !unhex(p, v, bytes)) {
        rsp_send_str(s, "E22");
        return;
    }
    bool ok = gdbregs_write(s, c, (unsigned)n, v);
    if (ok)
        gdb_rev_changed(s);
    rsp_send_str(s, ok ? "OK" : "E01");
}


/* ---- threads ---- */

/* Thread id text -> core index; -1 "all", -2 "any" (0), -3 invalid. */
int gdb_parse_tid(GdbStub *s, const char *p, const char **endp)
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
        rsp_send_str(s, "E16");
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
    rsp_send(s, s->body, (size_t)(o - s->body));
}


/* ---- monitor, queries ---- */

static void handle_rcmd(GdbStub *s, const char *hex)
{
    size_t n = strlen(hex);
    char cmd[512];
    if (n % 2 || n / 2 >= sizeof(cmd) || !unhex(hex, (u8 *)cmd, n / 2)) {
        rsp_send_str(s, "E22");
        return;
    }
    cmd[n / 2] = 0;
    char *buf = malloc(65536);
    if (!buf) {
        rsp_send_str(s, "E12");
        return;
    }
    buf[0] = 0;
    gdbmon_run(s, cmd, buf, 65536);
    if (buf[0])
        rsp_console(s, buf);
    free(buf);
    if (s->act_after != ACT_RESUME)   /* monitor goto answers OK on arrival */
        rsp_send_str(s, "OK");
}

static void handle_query(GdbStub *s, const char *p)
{
    Machine *m = s->m;
    if (!strncmp(p, "qSupported", 10)) {
        rsp_send_fmt(s, "PacketSize=%x;qXfer:features:read+;qXfer:threads:read+;vContSupported+;"
                 "swbreak+;hwbreak+;QStartNoAckMode+%s", GDB_PKT_MAX,
                 gdb_reverse_on(s) ? ";ReverseStep+;ReverseContinue+" : "");
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        rsp_send_str(s, "1");
    } else if (!strcmp(p, "qC")) {
        rsp_send_fmt(s, "QC%x", s->cur + 1);
    } else if (!strcmp(p, "qfThreadInfo")) {
        char *o = s->body;
        *o++ = 'm';
        for (unsigned i = 0; i < m->ncpu; i++)
            o += sprintf(o, i ? ",%x" : "%x", i + 1);
        rsp_send(s, s->body, (size_t)(o - s->body));
    } else if (!strcmp(p, "qsThreadInfo")) {
        rsp_send_str(s, "l");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        int t = gdb_parse_tid(s, p + 17, NULL);
        if (t < 0) {
            rsp_send_str(s, "E22");
            return;
        }
        char name[96];
        gdb_thread_name(m->cpu[t], name, sizeof(name));
        tohex(s->body, (const u8 *)name, strlen(name));
        rsp_send_str(s, s->body);
    } else if (!strncmp(p, "qXfer:features:read:", 20)) {
        const char *a = p + 20;
        u64 off, len;
        if (strncmp(a, "target.xml:", 11)) {
            rsp_send_str(s, "E00");
            return;
        }
        a += 11;
        if (!parse_hex(&a, &off) || *a++ != ',' || !parse_hex(&a, &len) || *a) {
            rsp_send_str(s, "E22");
            return;
        }
        xfer_reply(s, s->tdesc, s->tdesc_len, off, len);
    } else if (!strncmp(p, "qXfer:threads:read::", 20)) {
        const char *a = p + 20;
        u64 off, len;
        if (!parse_hex(&a, &off) || *a++ != ',' || !parse_hex(&a, &len) || *a) {
            rsp_send_str(s, "E22");
            return;
        }
        if (off == 0 || !s->threads_len)
            build_threads_xml(s);
        xfer_reply(s, s->threads_xml, s->threads_len, off, len);
    } else if (!strncmp(p, "qRcmd,", 6)) {
        handle_rcmd(s, p + 6);
    } else if (!strcmp(p, "qqemu.PhyMemMode")) {
        rsp_send_str(s, s->phys ? "1" : "0");
    } else if (!strcmp(p, "qOffsets")) {
        rsp_send_str(s, "Text=0;Data=0;Bss=0");
    } else {
        rsp_send_str(s, "");
    }
}

/* Dispatch one packet (in s->pkt). */
Action gdb_handle_packet(GdbStub *s)
{
    Machine *m = s->m;
    const char *p = s->pkt;
    size_t plen = s->plen;
    if (s->overflow) {
        rsp_send_str(s, "E22");
        return ACT_STAY;
    }
    if (memchr(p, 0, plen) && p[0] != 'X') {
        rsp_send_str(s, "E22");   /* NUL inside a text packet */
        return ACT_STAY;
    }
    switch (p[0]) {
    case '?':
        gdb_send_stop(s, &s->last);
        return ACT_STAY;
    case 'g':
        if (p[1])
            rsp_send_str(s, "E22");
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
            rsp_send_str(s, "E22");
            return ACT_STAY;
        }
        if (*a == ';')
            a++;
        if (*a) {
            if (!parse_hex(&a, &v) || *a) {
                rsp_send_str(s, "E22");
                return ACT_STAY;
            }
            gdb_cur_cpu(s)->pc = v;
            gdb_rev_changed(s);
        }
        return gdb_resume(s, all);
    }
    case 's':
    case 'S': {
        const char *a = p + 1;
        u64 v;
        if (p[0] == 'S' && !parse_hex(&a, &v)) {
            rsp_send_str(s, "E22");
            return ACT_STAY;
        }
        if (*a == ';')
            a++;
        Cpu *c = s->cont >= 0 && (unsigned)s->cont < m->ncpu ? m->cpu[s->cont] : gdb_cur_cpu(s);
        if (*a) {
            if (!parse_hex(&a, &v) || *a) {
                rsp_send_str(s, "E22");
                return ACT_STAY;
            }
            c->pc = v;
            gdb_rev_changed(s);
        }
        return gdb_step(s, c);
    }
    case 'v':
        if (!strcmp(p, "vCont?")) {
            rsp_send_str(s, "vCont;c;C;s;S;t");
        } else if (!strncmp(p, "vCont;", 6) || !strcmp(p, "vCont")) {
            return gdb_vcont(s, p + 5);
        } else if (!strncmp(p, "vKill", 5)) {
            rsp_send_str(s, "OK");
            return ACT_KILL;
        } else {
            rsp_send_str(s, "");
        }
        return ACT_STAY;
    case 'H': {
        if (p[1] != 'g' && p[1] != 'c') {
            rsp_send_str(s, "E22");
            return ACT_STAY;
        }
        const char *e;
        int t = gdb_parse_tid(s, p + 2, &e);
        if (t == -3 || *e) {
            rsp_send_str(s, "E22");
            return ACT_STAY;
        }
        if (p[1] == 'g') {
            if (t >= 0)
                s->cur = (unsigned)t;
        } else {
            s->cont = t == -2 ? (int)s->cur : t;
        }
        rsp_send_str(s, "OK");
        return ACT_STAY;
    }
    case 'T': {
        const char *e;
        int t = gdb_parse_tid(s, p + 1, &e);
        rsp_send_str(s, (t >= 0 && !*e) ? "OK" : "E22");
        return ACT_STAY;
    }
    case 'q': {
        s->act_after = ACT_STAY;
        handle_query(s, p);
        Action a = s->act_after;
        s->act_after = ACT_STAY;
        return a;
    }
    case 'b':
        /* bs / bc: reverse step / continue (gdb's reverse-* commands). */
        if (!gdb_reverse_on(s) || (strcmp(p, "bs") && strcmp(p, "bc"))) {
            rsp_send_str(s, "");
            return ACT_STAY;
        }
        if (p[1] == 'c')
            return gdb_rev_continue(s);
        {
            Cpu *c = s->cont >= 0 && (unsigned)s->cont < m->ncpu ? m->cpu[s->cont] : gdb_cur_cpu(s);
            if (c->icount == 0) {
                s->tr_begin = true;
                StopEvent e = {EV_TRAP, c->index, 0};
                gdb_send_stop(s, &e);
                return ACT_STAY;
            }
            return gdb_rev_goto(s, c->index, c->icount - 1, EV_TRAP, 0);
        }
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            rsp_send_str(s, "OK");
            s->noack = true;
        } else if (!strcmp(p, "Qqemu.PhyMemMode:1") || !strcmp(p, "Qqemu.PhyMemMode:0")) {
            s->phys = p[17] == '1';
            rsp_send_str(s, "OK");
        } else {
            rsp_send_str(s, "");
        }
        return ACT_STAY;
    case 'Z':
    case 'z':
        handle_z(s, p + 1, p[0] == 'Z');
        return ACT_STAY;
    case 'D':
        rsp_send_str(s, "OK");
        return ACT_DETACH;
    case 'k':
        return ACT_KILL;
    default:
        rsp_send_str(s, "");   /* unsupported packet */
        return ACT_STAY;
    }
}

/* vCont;ACTION[:TID]... */
Action gdb_vcont(GdbStub *s, const char *p)
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
                rsp_send_str(s, "E22");
                return ACT_STAY;
            }
            a = (char)(a - 'A' + 'a');   /* signals mean nothing to a bare-metal core */
        } else if (a != 'c' && a != 's' && a != 't') {
            rsp_send_str(s, "E22");
            return ACT_STAY;
        }
        int tid = -1;
        if (*p == ':') {
            const char *e;
            tid = gdb_parse_tid(s, p + 1, &e);
            if (tid == -3) {
                rsp_send_str(s, "E22");
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
        rsp_send_str(s, "E22");
        return ACT_STAY;
    }
    /* A step of one thread: that core runs one instruction, all others stay
     * stopped (all-stop: the step finishes before anyone else is scheduled). */
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (act[i] == 's') {
            /* Prefer the selected thread if several step. */
            unsigned k = act[s->cur] == 's' ? s->cur : i;
            return gdb_step(s, m->cpu[k]);
        }
    }
    u32 cont = 0;
    for (unsigned i = 0; i < m->ncpu; i++)
        if (act[i] == 'c')
            cont |= 1u << i;
    if (!cont) {
        StopEvent e = {EV_NONE, s->cur, 0};
        rsp_send_fmt(s, "T00thread:%x;", e.core + 1);
        return ACT_STAY;
    }
    return gdb_resume(s, cont);
}
