/*
 * gdbstub/rsp.c — the Remote Serial Protocol transport: listening sockets
 * (TCP, Unix), the connection, packet framing ($data#cs, acks, NAKs,
 * Ctrl-C) and sending packets.  Malformed input is NAKed or dropped here.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdbstub/internal.h"

/* ---- connection ---- */

void rsp_close(GdbStub *s)
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
void rsp_send_raw(GdbStub *s, const char *buf, size_t len)
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
        rsp_close(s);
    }
}

/* Send BODY (LEN bytes) as one packet. */
void rsp_send(GdbStub *s, const char *body, size_t len)
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
    *f++ = gdb_hexd[sum >> 4];
    *f++ = gdb_hexd[sum & 15];
    rsp_send_raw(s, s->frame, (size_t)(f - s->frame));
}

void rsp_send_str(GdbStub *s, const char *body)
{
    rsp_send(s, body, strlen(body));
}

void rsp_send_fmt(GdbStub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rsp_send_fmt(GdbStub *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->body, sizeof(s->body), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(s->body))
        n = (int)sizeof(s->body) - 1;
    rsp_send(s, s->body, (size_t)n);
}

/* Console output: O packets with the text hex-encoded. */
void rsp_console(GdbStub *s, const char *text)
{
    size_t len = strlen(text);
    while (len) {
        size_t chunk = len > 2000 ? 2000 : len;
        s->body[0] = 'O';
        char *e = tohex(s->body + 1, (const u8 *)text, chunk);
        rsp_send(s, s->body, (size_t)(e - s->body));
        text += chunk;
        len -= chunk;
    }
}

void rsp_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

bool rsp_accept(GdbStub *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    if (s->conn_fd >= 0) {
        /* One debugger at a time: tell the newcomer why (an RSP error
         * packet with text, which gdb prints) and close it. */
        static const char body[] = "E.hyperstep: another debugger is connected (one at a time)";
        char pkt[sizeof(body) + 8];
        u8 sum = 0;
        for (const char *p = body; *p; p++)
            sum = (u8)(sum + (u8)*p);
        int n = snprintf(pkt, sizeof(pkt), "$%s#%02x", body, sum);
        /* Best effort: the newcomer is closed whether or not this arrives. */
        ssize_t sent = send(fd, pkt, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)sent;
        close(fd);
        hs_log("hyperstep: gdb: refused a second debugger connection (one at a time)");
        return false;
    }
    rsp_set_nonblock(fd);
    if (!s->is_unix) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    rsp_close(s);
    s->conn_fd = fd;
    return true;
}

/* Read what is available into rbuf (waiting up to TIMEOUT_MS, -1 forever,
 * while also accepting/refusing on the listening socket).  Returns false if
 * the connection was lost. */
bool rsp_fill(GdbStub *s, int timeout_ms)
{
    struct pollfd p[2] = {
        {.fd = s->conn_fd, .events = POLLIN},
        {.fd = s->listen_fd, .events = POLLIN},
    };
    int r = poll(p, 2, timeout_ms);
    if (r < 0)
        return errno == EINTR;
    if (p[1].revents & POLLIN)
        rsp_accept(s);   /* refused: a debugger is connected */
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
bool rsp_parse(GdbStub *s)
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
                    rsp_send_raw(s, "-", 1);
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
                    rsp_send_raw(s, "-", 1);
                    break;
                }
                rsp_send_raw(s, "+", 1);
            }
            return true;
        }
        }
    }
    return false;
}

void rsp_wait_connection(GdbStub *s)
{
    hs_log("hyperstep: waiting for gdb to connect");
    while (s->conn_fd < 0) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        if (poll(&p, 1, -1) > 0)
            rsp_accept(s);
    }
}

bool rsp_listen_tcp(GdbStub *s, const char *host, const char *port)
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

bool rsp_listen_unix(GdbStub *s, const char *path)
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

