/*
 * machine/chardev.c — see chardev.h.
 */
#define _GNU_SOURCE   /* MSG_NOSIGNAL */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "machine/chardev.h"
#include "machine/machine.h"

#define CHR_INQ 4096         /* host input read but not yet delivered, per chardev */
#define CHR_OUTBUF 4096      /* buffered output of a descriptor back end */
#define POLL_ROUNDS 16       /* read the host every this many rounds */
#define MUX_ESCAPE 0x01      /* Ctrl-A, QEMU's default escape character */

/* Telnet (RFC 854) bytes. */
enum { TN_SE = 240, TN_SB = 250, TN_WILL = 251, TN_DONT = 254, TN_IAC = 255 };
/* Telnet input decoder states. */
enum { TS_DATA, TS_IAC, TS_OPTION, TS_SUB, TS_SUB_IAC };

struct Chardev {
    ChardevSpec spec;
    char id[64];
    ChardevSet *set;
    FILE *out_file;          /* stdio, file: output through stdio (ordered with other stdout users) */
    bool out_pending;        /* bytes in OUT_FILE's buffer */
    int out_fd;              /* pipe: output descriptor; -1 if none */
    int in_fd;               /* stdio, pipe: input descriptor; -1 if none (or at end of input) */
    int listen_fd;           /* socket server: listening descriptor */
    int conn_fd;             /* socket: the connected peer; -1 if none */
    bool tty;                /* IN_FD is a terminal put in raw mode */
    struct termios saved;    /* its mode to restore */
    u8 out[CHR_OUTBUF];      /* descriptor back ends: buffered output */
    size_t out_len;
    struct { u64 step; u8 byte; } inq[CHR_INQ];
    unsigned in_head, in_count;
    ChardevFrontend fe[CHARDEV_MAX_FRONTENDS];
    unsigned nfe, focus;
    bool escape;             /* mux: Ctrl-A seen, the next byte is a command */
    int telnet_state;
};

struct ChardevSet {
    Chardev chr[CHARDEV_MAX];
    unsigned n;
    Machine *m;              /* attached machine, NULL between machines */
    bool host_input;
    unsigned rounds;
    void (*record)(void *opaque, const char *id, u64 step, u8 byte);
    void *record_opaque;
};

/* ---- option parsing ---- */

static bool on_off(const char *v, bool *out)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;   /* a bare flag ("server") means on, as QEMU's short form */
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
        return true;
    }
    return false;
}

static void spec_defaults(ChardevSpec *s)
{
    memset(s, 0, sizeof(*s));
    s->wait = true;
    s->signal = true;
}

/* Apply KEY=VAL (VAL NULL for a bare flag) to S; false with ERR.  WHAT names
 * the option for messages. */
static bool chardev_prop(ChardevSpec *s, const char *what, const char *k, const char *v, char *err, size_t n)
{
    bool *flag = NULL;
    if (!strcmp(k, "nowait")) {
        s->wait = false;
        return true;
    }
    if (!strcmp(k, "mux"))
        flag = &s->mux;
    else if (!strcmp(k, "server"))
        flag = &s->server;
    else if (!strcmp(k, "wait"))
        flag = &s->wait;
    else if (!strcmp(k, "telnet"))
        flag = &s->telnet;
    else if (!strcmp(k, "signal"))
        flag = &s->signal;
    else if (!strcmp(k, "append"))
        flag = &s->append;
    if (flag) {
        if (!on_off(v, flag)) {
            snprintf(err, n, "%s: %s=%s: expected on or off", what, k, v);
            return false;
        }
        return true;
    }
    if (!strcmp(k, "nodelay")) {   /* TCP_NODELAY: output is flushed every round anyway */
        bool b;
        if (!on_off(v, &b)) {
            snprintf(err, n, "%s: nodelay=%s: expected on or off", what, v);
            return false;
        }
        return true;
    }
    if (!v) {
        snprintf(err, n, "%s: '%s' needs a value", what, k);
        return false;
    }
    if (!strcmp(k, "id"))
        s->id = v;
    else if (!strcmp(k, "path"))
        s->path = v;
    else if (!strcmp(k, "input-path"))
        s->input_path = v;
    else if (!strcmp(k, "host"))
        s->host = v;
    else if (!strcmp(k, "port"))
        s->port = v;
    else {
        snprintf(err, n, "%s: unsupported option '%s=%s'", what, k, v);
        return false;
    }
    return true;
}

/* Which options each back end takes, and the required ones. */
static bool chardev_check(const ChardevSpec *s, const char *what, char *err, size_t n)
{
    bool sock = s->backend == CHARDEV_SOCKET;
    if (!s->id || !*s->id) {
        snprintf(err, n, "%s: needs id=", what);
        return false;
    }
    if ((s->host || s->port || s->server || s->telnet || !s->wait) && !sock) {
        snprintf(err, n, "%s: host/port/server/wait/telnet apply to socket chardevs only", what);
        return false;
    }
    if (s->path && (s->backend == CHARDEV_STDIO || s->backend == CHARDEV_NULL)) {
        snprintf(err, n, "%s: path= applies to file, pipe and socket chardevs", what);
        return false;
    }
    if (s->input_path && s->backend != CHARDEV_FILE) {
        snprintf(err, n, "%s: input-path= applies to file chardevs only", what);
        return false;
    }
    if ((s->backend == CHARDEV_FILE || s->backend == CHARDEV_PIPE) && !s->path) {
        snprintf(err, n, "%s: needs path=F", what);
        return false;
    }
    if (sock && !s->path && !s->port) {
        snprintf(err, n, "%s: needs port=N (TCP) or path=F (Unix socket)", what);
        return false;
    }
    if (sock && s->path && (s->host || s->port)) {
        snprintf(err, n, "%s: path= (Unix) and host=/port= (TCP) exclude each other", what);
        return false;
    }
    if (sock && s->port) {
        char *end;
        long p = strtol(s->port, &end, 10);
        if (*end || !*s->port || p < 0 || p > 65535) {
            snprintf(err, n, "%s: port=%s: expected 0..65535", what, s->port);
            return false;
        }
    }
    return true;
}

bool chardev_parse(char *arg, ChardevSpec *spec, char *err, size_t errlen)
{
    static const struct { const char *name; ChardevBackend b; } backends[] = {
        {"stdio", CHARDEV_STDIO}, {"file", CHARDEV_FILE}, {"pipe", CHARDEV_PIPE},
        {"socket", CHARDEV_SOCKET}, {"null", CHARDEV_NULL},
    };
    char what[96];
    spec_defaults(spec);
    char *save = NULL;
    char *b = strtok_r(arg, ",", &save);
    size_t i;
    for (i = 0; b && i < ARRAY_SIZE(backends) && strcmp(b, backends[i].name); i++)
        ;
    if (!b || i == ARRAY_SIZE(backends)) {
        snprintf(err, errlen, "-chardev %s: unsupported backend (stdio, file, pipe, socket, null)", b ? b : "");
        return false;
    }
    spec->backend = backends[i].b;
    snprintf(what, sizeof(what), "-chardev %s", b);
    for (char *t = strtok_r(NULL, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (eq)
            *eq = 0;
        if (!chardev_prop(spec, what, t, eq ? eq + 1 : NULL, err, errlen))
            return false;
    }
    if (spec->id)
        snprintf(what, sizeof(what), "-chardev %s,id=%s", b, spec->id);
    return chardev_check(spec, what, err, errlen);
}

bool chardev_parse_compat(const char *opt, char *arg, const char *id, ChardevSpec *spec, bool *none,
                          char *err, size_t errlen)
{
    char what[96];
    snprintf(what, sizeof(what), "%s %.60s", opt, arg);
    spec_defaults(spec);
    spec->id = id;
    *none = false;
    char *save = NULL, *rest;
    if (!strcmp(arg, "none")) {
        *none = true;
        return true;
    }
    if (!strcmp(arg, "stdio")) {
        spec->backend = CHARDEV_STDIO;
        return true;
    }
    if (!strcmp(arg, "null")) {
        spec->backend = CHARDEV_NULL;
        return true;
    }
    if (!strncmp(arg, "file:", 5) && arg[5]) {
        spec->backend = CHARDEV_FILE;
        spec->path = arg + 5;
        return true;
    }
    if (!strncmp(arg, "pipe:", 5) && arg[5]) {
        spec->backend = CHARDEV_PIPE;
        spec->path = arg + 5;
        return true;
    }
    bool tcp = !strncmp(arg, "tcp:", 4), telnet = !strncmp(arg, "telnet:", 7), unx = !strncmp(arg, "unix:", 5);
    if (!tcp && !telnet && !unx) {
        snprintf(err, errlen, "%s: unsupported (stdio, null, none, file:F, pipe:P, tcp:HOST:PORT, "
                 "telnet:HOST:PORT, unix:PATH, chardev:ID)", what);
        return false;
    }
    spec->backend = CHARDEV_SOCKET;
    spec->telnet = telnet;
    char *addr = strtok_r(arg + (tcp ? 4 : telnet ? 7 : 5), ",", &save);
    if (!addr || !*addr) {
        snprintf(err, errlen, "%s: needs an address", what);
        return false;
    }
    if (unx) {
        spec->path = addr;
    } else {
        char *colon = strrchr(addr, ':');
        if (!colon) {
            snprintf(err, errlen, "%s: expected HOST:PORT", what);
            return false;
        }
        *colon = 0;
        spec->host = addr;
        spec->port = colon + 1;
    }
    while ((rest = strtok_r(NULL, ",", &save))) {
        char *eq = strchr(rest, '=');
        if (eq)
            *eq = 0;
        if (!chardev_prop(spec, what, rest, eq ? eq + 1 : NULL, err, errlen))
            return false;
    }
    return chardev_check(spec, what, err, errlen);
}

/* ---- opening and closing ---- */

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Put the terminal on FD in raw mode as QEMU's stdio chardev does (no echo,
 * no line editing, 8-bit input; ISIG kept unless signal=off). */
static void tty_raw(Chardev *c, int fd)
{
    if (!isatty(fd) || tcgetattr(fd, &c->saved) != 0)
        return;
    struct termios t = c->saved;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    if (!c->spec.signal)
        t.c_lflag &= ~(tcflag_t)ISIG;
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) == 0)
        c->tty = true;
}

/* Telnet options a server announces to its client (as QEMU): it echoes,
 * suppresses go-ahead and uses binary mode both ways. */
static void telnet_init(Chardev *c)
{
    static const u8 init[] = {TN_IAC, TN_WILL, 1, TN_IAC, TN_WILL, 3, TN_IAC, TN_WILL, 0, TN_IAC, 253, 0};
    if (send(c->conn_fd, init, sizeof(init), MSG_NOSIGNAL) < 0) {
        close(c->conn_fd);
        c->conn_fd = -1;
    }
    c->telnet_state = TS_DATA;
}

static void describe(const Chardev *c, char *buf, size_t n)
{
    if (c->spec.path)
        snprintf(buf, n, "unix:%s", c->spec.path);
    else
        snprintf(buf, n, "tcp:%s:%s", c->spec.host && *c->spec.host ? c->spec.host : "127.0.0.1", c->spec.port);
}

/* Open C's socket: listen (and with wait=on accept the first client), or
 * connect.  False with ERR. */
static bool open_socket(Chardev *c, char *err, size_t n)
{
    bool replay = !c->set->host_input;
    char where[160];
    describe(c, where, sizeof(where));
    int fd = -1;
    if (c->spec.path) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(c->spec.path) >= sizeof(sa.sun_path)) {
            snprintf(err, n, "chardev '%s': socket path too long: %s", c->id, c->spec.path);
            return false;
        }
        strcpy(sa.sun_path, c->spec.path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && c->spec.server)
            unlink(c->spec.path);   /* a stale socket file from an earlier run */
        if (fd < 0 || (c->spec.server ? bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)
                                      : connect(fd, (struct sockaddr *)&sa, sizeof(sa)))) {
            if (replay && !c->spec.server && fd >= 0) {
                close(fd);   /* replaying: no peer needed, output is dropped */
                return true;
            }
            snprintf(err, n, "chardev '%s': cannot %s %s: %s", c->id, c->spec.server ? "listen on" : "connect to",
                     where, strerror(errno));
            if (fd >= 0)
                close(fd);
            return false;
        }
    } else {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                                 .ai_flags = c->spec.server ? AI_PASSIVE : 0};
        struct addrinfo *res = NULL;
        const char *host = c->spec.host && *c->spec.host ? c->spec.host : "127.0.0.1";
        int gai = getaddrinfo(host, c->spec.port, &hints, &res);
        if (gai) {
            snprintf(err, n, "chardev '%s': %s: %s", c->id, where, gai_strerror(gai));
            return false;
        }
        int e = 0;
        for (struct addrinfo *a = res; a; a = a->ai_next) {
            fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) {
                e = errno;
                continue;
            }
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (c->spec.server ? bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0
                               : connect(fd, a->ai_addr, a->ai_addrlen) == 0)
                break;
            e = errno;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0 && replay && !c->spec.server)
            return true;   /* replaying: no peer needed, output is dropped */
        if (fd < 0) {
            snprintf(err, n, "chardev '%s': cannot %s %s: %s", c->id, c->spec.server ? "listen on" : "connect to",
                     where, strerror(e));
            return false;
        }
    }
    if (!c->spec.server) {
        c->conn_fd = fd;
        return true;
    }
    c->listen_fd = fd;
    if (c->spec.wait && !replay) {   /* a replay reads no client: it does not wait for one */
        fprintf(stderr, "hyperstep: waiting for connection on chardev '%s' (%s)\n", c->id, where);
        c->conn_fd = accept(fd, NULL, NULL);
        if (c->conn_fd < 0) {
            snprintf(err, n, "chardev '%s': accept on %s: %s", c->id, where, strerror(errno));
            return false;
        }
        if (c->spec.telnet)
            telnet_init(c);
    }
    set_nonblock(fd);
    return true;
}

static bool open_one(ChardevSet *s, Chardev *c, bool stdin_input, char *err, size_t n)
{
    switch (c->spec.backend) {
    case CHARDEV_NULL:
        return true;
    case CHARDEV_STDIO:
        c->out_file = stdout;
        if (s->host_input && stdin_input) {
            c->in_fd = 0;
            tty_raw(c, 0);
        }
        return true;
    case CHARDEV_FILE:
        c->out_file = fopen(c->spec.path, c->spec.append ? "a" : "w");
        if (!c->out_file) {
            snprintf(err, n, "chardev '%s': cannot open %s: %s", c->id, c->spec.path, strerror(errno));
            return false;
        }
        if (c->spec.input_path && s->host_input) {
            /* A FIFO is opened read-write: its writers may come and go
             * without the chardev seeing end of input. */
            struct stat st;
            bool fifo = stat(c->spec.input_path, &st) == 0 && S_ISFIFO(st.st_mode);
            c->in_fd = open(c->spec.input_path, (fifo ? O_RDWR : O_RDONLY) | O_CLOEXEC);
            if (c->in_fd < 0) {
                snprintf(err, n, "chardev '%s': cannot open input-path %s: %s", c->id, c->spec.input_path,
                         strerror(errno));
                return false;
            }
        }
        return true;
    case CHARDEV_PIPE: {
        /* QEMU's pipe back end: PATH.in and PATH.out if both open, else PATH
         * both ways (read-write, so opening a FIFO does not wait for its peer). */
        char pin[4096], pout[4096];
        snprintf(pin, sizeof(pin), "%s.in", c->spec.path);
        snprintf(pout, sizeof(pout), "%s.out", c->spec.path);
        int fi = open(pin, O_RDWR | O_CLOEXEC), fo = open(pout, O_RDWR | O_CLOEXEC);
        if (fi < 0 || fo < 0) {
            if (fi >= 0)
                close(fi);
            if (fo >= 0)
                close(fo);
            fi = open(c->spec.path, O_RDWR | O_CLOEXEC);
            if (fi < 0) {
                snprintf(err, n, "chardev '%s': cannot open %s (nor %s and %s): %s", c->id, c->spec.path, pin,
                         pout, strerror(errno));
                return false;
            }
            fo = dup(fi);
        }
        c->out_fd = fo;
        if (s->host_input)
            c->in_fd = fi;
        else
            close(fi);
        return true;
    }
    case CHARDEV_SOCKET:
        return open_socket(c, err, n);
    }
    return false;
}

static void close_one(Chardev *c)
{
    chardev_flush(c);
    if (c->tty)
        tcsetattr(c->in_fd >= 0 ? c->in_fd : 0, TCSANOW, &c->saved);
    if (c->out_file && c->out_file != stdout)
        fclose(c->out_file);
    if (c->in_fd > 0)
        close(c->in_fd);
    if (c->out_fd >= 0)
        close(c->out_fd);
    if (c->conn_fd >= 0)
        close(c->conn_fd);
    if (c->listen_fd >= 0)
        close(c->listen_fd);
    if (c->spec.backend == CHARDEV_SOCKET && c->spec.server && c->spec.path)
        unlink(c->spec.path);
}

ChardevSet *chardev_set_open(const ChardevSpec *specs, unsigned n, bool host_input, bool stdin_input,
                             char *err, size_t errlen)
{
    if (n > CHARDEV_MAX) {
        snprintf(err, errlen, "too many character devices (at most %d)", CHARDEV_MAX);
        return NULL;
    }
    ChardevSet *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->host_input = host_input;
    bool stdio_seen = false;
    for (unsigned i = 0; i < n; i++) {
        Chardev *c = &s->chr[i];
        c->spec = specs[i];
        c->set = s;
        c->in_fd = c->out_fd = c->listen_fd = c->conn_fd = -1;
        snprintf(c->id, sizeof(c->id), "%s", specs[i].id ? specs[i].id : "");
        for (unsigned k = 0; k < i; k++) {
            if (!strcmp(s->chr[k].id, c->id)) {
                snprintf(err, errlen, "chardev id '%s' is defined twice", c->id);
                chardev_set_close(s);
                return NULL;
            }
        }
        if (c->spec.backend == CHARDEV_STDIO) {
            if (stdio_seen) {
                snprintf(err, errlen, "chardev '%s': stdio is already used by another character device "
                         "(share it with mux=on)", c->id);
                chardev_set_close(s);
                return NULL;
            }
            stdio_seen = true;
        }
        s->n = i + 1;
        if (!open_one(s, c, stdin_input, err, errlen)) {
            chardev_set_close(s);
            return NULL;
        }
    }
    return s;
}

void chardev_set_close(ChardevSet *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n; i++)
        close_one(&s->chr[i]);
    free(s);
}

/* ---- output ---- */

/* Write all of BUF to FD; false when the peer is gone. */
static bool write_all(int fd, const u8 *buf, size_t n, bool sock)
{
    while (n) {
        ssize_t w = sock ? send(fd, buf, n, MSG_NOSIGNAL) : write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

void chardev_flush(Chardev *c)
{
    if (c->out_pending) {
        c->out_pending = false;
        fflush(c->out_file);
    }
    if (!c->out_len)
        return;
    bool sock = c->spec.backend == CHARDEV_SOCKET;
    int fd = sock ? c->conn_fd : c->out_fd;
    if (fd >= 0 && !write_all(fd, c->out, c->out_len, sock) && sock) {
        close(c->conn_fd);   /* the client went away: wait for the next one */
        c->conn_fd = -1;
    }
    c->out_len = 0;
}

void chardev_write(Chardev *c, const void *buf, size_t n)
{
    if (!c)
        return;
    if (c->out_file) {
        fwrite(buf, 1, n, c->out_file);
        c->out_pending = true;
        return;
    }
    bool sock = c->spec.backend == CHARDEV_SOCKET;
    if ((sock ? c->conn_fd : c->out_fd) < 0)
        return;   /* null, or a socket nobody is connected to: dropped */
    const u8 *p = buf;
    while (n) {
        size_t k = CHR_OUTBUF - c->out_len < n ? CHR_OUTBUF - c->out_len : n;
        memcpy(c->out + c->out_len, p, k);
        c->out_len += k;
        p += k;
        n -= k;
        if (c->out_len == CHR_OUTBUF)
            chardev_flush(c);
    }
}

static void write_str(Chardev *c, const char *s)
{
    chardev_write(c, s, strlen(s));
}

/* ---- front ends and the mux ---- */

Chardev *chardev_find(ChardevSet *s, const char *id)
{
    for (unsigned i = 0; s && id && i < s->n; i++)
        if (!strcmp(s->chr[i].id, id))
            return &s->chr[i];
    return NULL;
}

const char *chardev_default_id(ChardevSet *s)
{
    for (unsigned i = 0; s && i < s->n; i++)
        if (s->chr[i].nfe)
            return s->chr[i].id;
    return NULL;
}

const char *chardev_id(const Chardev *c)
{
    return c->id;
}

bool chardev_is_mux(const Chardev *c)
{
    return c->spec.mux;
}

bool chardev_add_frontend(Chardev *c, const ChardevFrontend *fe, char *err, size_t errlen)
{
    if (c->nfe >= (c->spec.mux ? CHARDEV_MAX_FRONTENDS : 1)) {
        snprintf(err, errlen, "chardev '%s' is already in use by another device%s", c->id,
                 c->spec.mux ? "" : " (share it with mux=on)");
        return false;
    }
    c->fe[c->nfe++] = *fe;
    return true;
}

void chardev_remove_frontend(Chardev *c, void *opaque)
{
    for (unsigned i = 0; c && i < c->nfe; i++) {
        if (c->fe[i].opaque != opaque)
            continue;
        memmove(&c->fe[i], &c->fe[i + 1], (c->nfe - i - 1) * sizeof(c->fe[0]));
        c->nfe--;
        if (c->focus >= c->nfe)
            c->focus = 0;
        return;
    }
}

static void set_focus(Chardev *c, unsigned k)
{
    if (k >= c->nfe || k == c->focus)
        return;
    if (c->focus < c->nfe && c->fe[c->focus].focus)
        c->fe[c->focus].focus(c->fe[c->focus].opaque, false);
    c->focus = k;
    if (c->fe[k].focus)
        c->fe[k].focus(c->fe[k].opaque, true);
}

void chardev_focus(Chardev *c, void *opaque)
{
    for (unsigned i = 0; i < c->nfe; i++)
        if (c->fe[i].opaque == opaque)
            set_focus(c, i);
}

/* A mux command: the byte after Ctrl-A (QEMU chardev/char-mux.c keys). */
static void mux_command(Chardev *c, u8 b)
{
    Machine *m = c->set->m;
    switch (b) {
    case 'x':
        write_str(c, "hyperstep: Terminated\n\r");
        if (m) {
            m->exit_requested = true;
            m->exit_code = 0;
        }
        break;
    case 'h':
    case '?':
        write_str(c, "\n\rC-a h    print this help\n\r"
                     "C-a x    exit emulator\n\r"
                     "C-a c    switch between console and monitor\n\r"
                     "C-a C-a  sends C-a\n\r");
        break;
    case 'c':
        if (c->nfe > 1)
            set_focus(c, (c->focus + 1) % c->nfe);
        break;
    case 's':
    case 't':
    case 'b':
        write_str(c, b == 's' ? "\n\rC-a s: not available (hyperstep has no -snapshot)\n\r"
                  : b == 't' ? "\n\rC-a t: console timestamps are not supported\n\r"
                             : "\n\rC-a b: a break condition is not modelled\n\r");
        break;
    default:
        break;   /* other keys after Ctrl-A are swallowed, as in QEMU */
    }
}

/* Deliver queued input stamped at or before STEP: mux escapes first, then
 * the focused front end while it has room. */
static void drain(Chardev *c, u64 step)
{
    while (c->in_count && c->inq[c->in_head].step <= step && !(c->set->m && c->set->m->exit_requested)) {
        u64 st = c->inq[c->in_head].step;
        u8 b = c->inq[c->in_head].byte;
        if (c->spec.mux && !c->escape && b == MUX_ESCAPE) {
            c->escape = true;
            c->in_head = (c->in_head + 1) % CHR_INQ;
            c->in_count--;
            continue;
        }
        if (c->spec.mux && c->escape && b != MUX_ESCAPE) {
            c->escape = false;
            c->in_head = (c->in_head + 1) % CHR_INQ;
            c->in_count--;
            mux_command(c, b);
            continue;
        }
        ChardevFrontend *fe = c->focus < c->nfe ? &c->fe[c->focus] : c->nfe ? &c->fe[0] : NULL;
        if (fe && fe->can_receive(fe->opaque) == 0)
            break;   /* held back until the front end has room */
        c->escape = false;
        c->in_head = (c->in_head + 1) % CHR_INQ;
        c->in_count--;
        if (fe)
            fe->receive(fe->opaque, st, &b, 1);
    }
}

/* Can the head of C's queue be consumed now (at STEP)? */
static bool deliverable(Chardev *c)
{
    u8 b = c->inq[c->in_head].byte;
    if (c->spec.mux && (c->escape || b == MUX_ESCAPE))
        return true;
    const ChardevFrontend *fe = c->focus < c->nfe ? &c->fe[c->focus] : c->nfe ? &c->fe[0] : NULL;
    return !fe || fe->can_receive(fe->opaque) > 0;
}

/* ---- host input ---- */

static bool queue_byte(Chardev *c, u64 step, u8 b)
{
    if (c->in_count == CHR_INQ)
        return false;
    if (c->in_count) {
        u64 last = c->inq[(c->in_head + c->in_count - 1) % CHR_INQ].step;
        if (step < last)
            step = last;
    }
    unsigned i = (c->in_head + c->in_count) % CHR_INQ;
    c->inq[i].step = step;
    c->inq[i].byte = b;
    c->in_count++;
    return true;
}

/* Queue host bytes BUF[0..N) (telnet commands removed) at the current step
 * and tell the recorder. */
static void host_bytes(Chardev *c, const u8 *buf, size_t n)
{
    ChardevSet *s = c->set;
    u64 step = s->m ? s->m->steps : 0;
    for (size_t i = 0; i < n; i++) {
        u8 b = buf[i];
        if (c->spec.telnet) {
            int st = c->telnet_state;
            c->telnet_state = st == TS_DATA ? (b == TN_IAC ? TS_IAC : TS_DATA)
                            : st == TS_IAC ? (b == TN_IAC ? TS_DATA : b == TN_SB ? TS_SUB
                                              : b >= TN_WILL && b <= TN_DONT ? TS_OPTION : TS_DATA)
                            : st == TS_OPTION ? TS_DATA
                            : st == TS_SUB ? (b == TN_IAC ? TS_SUB_IAC : TS_SUB)
                            : (b == TN_SE ? TS_DATA : TS_SUB);
            bool data = (st == TS_DATA && b != TN_IAC) || (st == TS_IAC && b == TN_IAC);
            if (!data)
                continue;
        }
        if (queue_byte(c, step, b) && s->record)
            s->record(s->record_opaque, c->id, step, b);
    }
}

/* The descriptor C reads from now, or -1. */
static int input_fd(const Chardev *c)
{
    if (c->spec.backend == CHARDEV_SOCKET)
        return c->conn_fd >= 0 ? c->conn_fd : c->listen_fd;
    return c->in_fd;
}

/* Serve what poll() found ready on C's input descriptor. */
static void serve(Chardev *c, short revents)
{
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return;
    if (c->spec.backend == CHARDEV_SOCKET && c->conn_fd < 0) {
        int fd = accept(c->listen_fd, NULL, NULL);
        if (fd >= 0) {
            c->conn_fd = fd;
            if (c->spec.telnet)
                telnet_init(c);
        }
        return;
    }
    unsigned room = CHR_INQ - c->in_count;
    if (!room)
        return;
    u8 buf[512];
    int fd = input_fd(c);
    ssize_t n = read(fd, buf, room < sizeof(buf) ? room : sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {   /* end of input */
        if (c->spec.backend == CHARDEV_SOCKET) {
            close(c->conn_fd);
            c->conn_fd = -1;   /* a server waits for the next client */
        } else {
            if (c->in_fd > 0 && c->in_fd != c->out_fd)
                close(c->in_fd);
            c->in_fd = -1;
        }
        return;
    }
    host_bytes(c, buf, (size_t)n);
}

/* Read whatever the host has ready on every chardev, without blocking. */
static void poll_host(ChardevSet *s)
{
    struct pollfd p[CHARDEV_MAX];
    Chardev *who[CHARDEV_MAX];
    unsigned n = 0;
    for (unsigned i = 0; i < s->n; i++) {
        int fd = input_fd(&s->chr[i]);
        if (fd >= 0) {
            p[n] = (struct pollfd){.fd = fd, .events = POLLIN};
            who[n++] = &s->chr[i];
        }
    }
    if (n == 0 || poll(p, n, 0) <= 0)
        return;
    for (unsigned i = 0; i < n; i++)
        serve(who[i], p[i].revents);
}

/* ---- the machine's view: clock and idle wait ---- */

static void chr_tick(void *opaque, u64 now_ns)
{
    ChardevSet *s = opaque;
    (void)now_ns;
    for (unsigned i = 0; i < s->n; i++)
        chardev_flush(&s->chr[i]);
    if (s->host_input && s->rounds++ % POLL_ROUNDS == 0)
        poll_host(s);
    for (unsigned i = 0; i < s->n; i++)
        drain(&s->chr[i], s->m->steps);
    for (unsigned i = 0; i < s->n; i++)
        chardev_flush(&s->chr[i]);   /* what the input made front ends say (the monitor) */
}

static u64 chr_deadline(void *opaque)
{
    ChardevSet *s = opaque;
    Machine *m = s->m;
    u64 d = UINT64_MAX;
    for (unsigned i = 0; i < s->n; i++) {
        Chardev *c = &s->chr[i];
        if (!c->in_count || !deliverable(c))
            continue;
        u64 st = c->inq[c->in_head].step;
        u64 t = st <= m->steps ? m->round_start_ns : m->round_start_ns + (st - m->steps) * m->ns_per_insn;
        if (t < d)
            d = t;
    }
    return d;
}

/* Machine.idle_wait: every core sleeps (or the monitor stopped them) and no
 * device has a deadline: flush, then block until a host end has input (or
 * a client connects).  False when there is no host input left to wait for. */
static bool chr_idle(void *opaque, Machine *m)
{
    ChardevSet *s = opaque;
    (void)m;
    for (unsigned i = 0; i < s->n; i++)
        chardev_flush(&s->chr[i]);
    if (!s->host_input)
        return false;
    struct pollfd p[CHARDEV_MAX];
    unsigned n = 0;
    for (unsigned i = 0; i < s->n; i++) {
        int fd = input_fd(&s->chr[i]);
        if (fd >= 0)
            p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    }
    if (n == 0)
        return false;
    if (machine_idle_poll(p, n) < 0)
        return errno == EINTR;   /* a caught signal: machine_run() ends the run */
    poll_host(s);
    return true;
}

void chardev_set_attach(ChardevSet *s, Machine *m)
{
    s->m = m;
    s->rounds = 0;
    m->chardevs = s;
    for (unsigned i = 0; i < s->n; i++) {
        Chardev *c = &s->chr[i];
        for (unsigned k = 0; k < c->in_count; k++)
            c->inq[(c->in_head + k) % CHR_INQ].step = 0;
    }
    machine_add_clock(m, chr_tick, chr_deadline, s);
    m->idle_wait = chr_idle;
    m->idle_opaque = s;
}

void chardev_set_detach(ChardevSet *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n; i++) {
        chardev_flush(&s->chr[i]);
        s->chr[i].nfe = 0;   /* the focus index stays: the next machine adds its front ends in the same order */
        s->chr[i].escape = false;
    }
    s->m = NULL;
}

bool chardev_input_at(ChardevSet *s, const char *id, u64 step, u8 byte)
{
    Chardev *c = chardev_find(s, id);
    return c && queue_byte(c, step, byte);
}

void chardev_set_recorder(ChardevSet *s, void (*record)(void *opaque, const char *id, u64 step, u8 byte),
                          void *opaque)
{
    s->record = record;
    s->record_opaque = opaque;
}
