/*
 * tests/unit/test_chardev.c — character devices (machine/chardev.c) and
 * the monitor (machine/monitor.c) on a virt board: host input through a
 * pipe back end enters the PL011 at the step it was read and is reported
 * to the recorder; output reaches the host at the round boundary; a mux
 * routes Ctrl-A escapes, the monitor answers, and replayed input
 * (chardev_input_at) takes the same path; x/xp print QEMU's format.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_board.h"
#include "machine/chardev.h"
#include "machine/monitor.h"
#include "test.h"

#define UART 0x09000000ull

static char tmpdir[64];

/* A fresh directory with FIFOs NAME.in and NAME.out. */
static void fifos(const char *name, char *path, size_t n)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/hs_chardev_XXXXXX");
        if (!mkdtemp(tmpdir))
            abort();
    }
    char p[160];
    snprintf(path, n, "%s/%s", tmpdir, name);
    snprintf(p, sizeof(p), "%s.in", path);
    unlink(p);
    mkfifo(p, 0600);
    snprintf(p, sizeof(p), "%s.out", path);
    unlink(p);
    mkfifo(p, 0600);
}

static int open_end(const char *path, const char *suffix, int flags)
{
    char p[160];
    snprintf(p, sizeof(p), "%s%s", path, suffix);
    return open(p, flags);
}

/* A virt board whose serial port (and monitor, if MON) use chardev ID of S. */
static Machine *board_with(ChardevSet *s, const char *id, bool mon)
{
    VirtOptions o;
    virt_default_options(&o);
    o.no_stdin = true;
    o.loader[0] = (LoaderSpec){NULL, 0x40000000, true, 0, false};
    o.nloaders = 1;
    o.chardevs = s;
    o.serial_chardev[0] = id;
    o.monitor_chardev = mon ? id : NULL;
    Machine *m = virt_create(&o);
    if (m)
        for (unsigned i = 0; i < m->ncpu; i++)
            m->cpu[i]->budget = (s64)m->quantum;
    return m;
}

static ChardevSet *open_spec(const char *text, bool host_input)
{
    static char buf[8][256];
    static unsigned k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof(buf[0]), "%s", text);
    ChardevSpec spec;
    char err[256];
    if (!chardev_parse(b, &spec, err, sizeof(err))) {
        fprintf(stderr, "  %s\n", err);
        return NULL;
    }
    ChardevSet *s = chardev_set_open(&spec, 1, host_input, false, err, sizeof(err));
    if (!s)
        fprintf(stderr, "  %s\n", err);
    return s;
}

/* Read what is available on FD into BUF (NUL-terminated). */
static size_t drain_fd(int fd, char *buf, size_t n)
{
    size_t k = 0;
    ssize_t r;
    while (k + 1 < n && (r = read(fd, buf + k, n - 1 - k)) > 0)
        k += (size_t)r;
    buf[k] = 0;
    return k;
}

static u64 rec_log[64];
static char rec_id[64];

static void rec(void *opaque, const char *id, u64 step, u8 byte)
{
    (void)opaque;
    snprintf(rec_id, sizeof(rec_id), "%s", id);
    if (rec_log[0] < 63)
        rec_log[++rec_log[0]] = step << 8 | byte;
}

TEST(chardev_pipe_input_recorded_and_output_flushed)
{
    char path[160], spec[256];
    fifos("p", path, sizeof(path));
    snprintf(spec, sizeof(spec), "pipe,id=c0,path=%s", path);
    ChardevSet *s = open_spec(spec, true);
    ASSERT_TRUE(s);
    Machine *m = board_with(s, "c0", false);
    ASSERT_TRUE(m);
    int w = open_end(path, ".in", O_WRONLY);
    int r = open_end(path, ".out", O_RDONLY | O_NONBLOCK);
    ASSERT_TRUE(w >= 0 && r >= 0);
    ASSERT_EQ(write(w, "ok", 2), 2);
    memset(rec_log, 0, sizeof(rec_log));
    chardev_set_recorder(s, rec, NULL);
    m->steps = 5000;
    board_tick(m, 5000);
    ASSERT_EQ(rec_log[0], 2);
    ASSERT_EQ(rec_log[1], 5000ull << 8 | 'o');
    ASSERT_EQ(rec_log[2], 5000ull << 8 | 'k');
    ASSERT_TRUE(!strcmp(rec_id, "c0"));
    ASSERT_EQ(mmio_rd(m, 0, UART), 'o');
    ASSERT_EQ(mmio_rd(m, 0, UART), 'k');
    /* Output: nothing before the round boundary, all of it after. */
    mmio_wr(m, 0, UART, 'Z');
    mmio_wr(m, 0, UART, '>');
    char out[64];
    ASSERT_EQ(drain_fd(r, out, sizeof(out)), 0);
    board_tick(m, 6000);
    ASSERT_EQ(drain_fd(r, out, sizeof(out)), 2);
    ASSERT_TRUE(!strcmp(out, "Z>"));
    virt_destroy(m);
    chardev_set_close(s);
    close(w);
    close(r);
}

/* Queue TEXT as replayed input of chardev ID at STEP. */
static void feed(ChardevSet *s, const char *id, u64 step, const char *text)
{
    for (const char *p = text; *p; p++)
        chardev_input_at(s, id, step, (u8)*p);
}

TEST(chardev_mux_monitor_escapes)
{
    char path[160], spec[256];
    fifos("mux", path, sizeof(path));
    snprintf(spec, sizeof(spec), "pipe,id=con,path=%s,mux=on", path);
    ChardevSet *s = open_spec(spec, false);   /* host input off: replayed input only */
    ASSERT_TRUE(s);
    Machine *m = board_with(s, "con", true);
    ASSERT_TRUE(m && m->monitor);
    int r = open_end(path, ".out", O_RDONLY | O_NONBLOCK);
    ASSERT_TRUE(r >= 0);
    feed(s, "con", 0, "a\001cinfo status\rstop\ninfo status\n\001\001\001cb");
    feed(s, "con", 3000, "\001x");
    m->steps = 1000;
    board_tick(m, 1000);
    ASSERT_TRUE(m->paused);
    ASSERT_TRUE(!m->exit_requested);
    ASSERT_EQ(mmio_rd(m, 0, UART), 'a');
    ASSERT_EQ(mmio_rd(m, 0, UART), 'b');   /* the Ctrl-A Ctrl-A went to the monitor, not here */
    ASSERT_EQ(mmio_rd(m, 0, UART + 0x18) & 0x10, 0x10);
    char out[2048];
    drain_fd(r, out, sizeof(out));
    ASSERT_TRUE(strstr(out, "monitor - type 'help' for more information\r\n(qemu) info status\r\n"
                            "VM status: running\r\n(qemu) stop\r\n(qemu) info status\r\nVM status: paused\r\n(qemu) "));
    m->steps = 3000;
    board_tick(m, 3000);
    ASSERT_TRUE(m->exit_requested);
    ASSERT_EQ(m->exit_code, 0);
    drain_fd(r, out, sizeof(out));
    ASSERT_TRUE(strstr(out, "Terminated"));
    virt_destroy(m);
    chardev_set_close(s);
    close(r);
}

TEST(monitor_x_xp_info)
{
    char path[160], spec[256];
    fifos("mon", path, sizeof(path));
    snprintf(spec, sizeof(spec), "pipe,id=mon,path=%s", path);
    ChardevSet *s = open_spec(spec, false);
    ASSERT_TRUE(s);
    VirtOptions o;
    virt_default_options(&o);
    o.no_stdin = true;
    o.smp = 2;
    o.loader[0] = (LoaderSpec){NULL, 0x40000000, true, 0, false};
    o.nloaders = 1;
    o.chardevs = s;
    o.monitor_chardev = "mon";
    Machine *m = virt_create(&o);
    ASSERT_TRUE(m && m->monitor);
    int r = open_end(path, ".out", O_RDONLY | O_NONBLOCK);
    char out[4096];
    board_tick(m, 0);
    drain_fd(r, out, sizeof(out));
    ASSERT_TRUE(strstr(out, "(qemu) "));   /* a monitor of its own greets at once */
    static const u32 words[4] = {0x11111111, 0xdeadbeef, 0x00000080, 0xfffffffe};
    ASSERT_TRUE(phys_write_buf(m, 0x40001000, words, sizeof(words)));
    static const struct { const char *cmd, *want; } cases[] = {
        {"xp /4xw 0x40001000", "0000000040001000: 0x11111111 0xdeadbeef 0x00000080 0xfffffffe\r\n"},
        {"xp /2xg 0x40001000", "0000000040001000: 0xdeadbeef11111111 0xfffffffe00000080\r\n"},
        {"xp /2dw 0x40001008", "0000000040001008:        128         -2\r\n"},   /* width 10, as QEMU */
        {"xp /3xb 0x40001004", "0000000040001004: 0xef 0xbe 0xad\r\n"},
        {"x /1xw 0x40001000+4", "0000000040001004: 0xdeadbeef\r\n"},   /* MMU off: VA = PA */
        {"x 0x40001000", "0000000040001000: 0x11111111\r\n"},            /* format and size are sticky */
        {"xp /2xw 0x9000000", "Cannot access memory\r\n"},                 /* MMIO is not read */
        {"xp /2q 0x40001000", "invalid char in format: 'q'\r\n"},
        {"info cpus", "* CPU #0: pc=0x0000000040000000 EL1h Non-secure (running)\r\n"
                      "  CPU #1: pc=0x0000000000000000 EL1h Non-secure (off: never powered on)\r\n"},
        {"info registers", "\r\nCPU#0\r\n PC=0000000040000000 X00="},
        {"info mtree", "0000000040000000-0000000047ffffff (prio 0, ram): ram\r\n"},
        {"system_powerdown", "system_powerdown: not available on this board"},
        {"frobnicate", "unknown command: 'frobnicate'\r\n"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        monitor_command(m->monitor, cases[i].cmd);
        chardev_flush(chardev_find(s, "mon"));
        drain_fd(r, out, sizeof(out));
        if (!strstr(out, cases[i].want))
            fprintf(stderr, "  %s ->\n%s", cases[i].cmd, out);
        ASSERT_TRUE(strstr(out, cases[i].want));
    }
    monitor_command(m->monitor, "info registers -a");
    chardev_flush(chardev_find(s, "mon"));
    drain_fd(r, out, sizeof(out));
    ASSERT_TRUE(strstr(out, "CPU#0") && strstr(out, "CPU#1") && strstr(out, "PSTATE="));
    monitor_command(m->monitor, "quit");
    ASSERT_TRUE(m->exit_requested);
    virt_destroy(m);
    chardev_set_close(s);
    close(r);
}

/* A chardev without mux=on takes one front end. */
TEST(chardev_one_frontend_without_mux)
{
    char path[160], spec[256];
    fifos("one", path, sizeof(path));
    snprintf(spec, sizeof(spec), "pipe,id=c,path=%s", path);
    ChardevSet *s = open_spec(spec, false);
    ASSERT_TRUE(s);
    Machine *m = board_with(s, "c", true);   /* serial port and monitor on one plain chardev */
    ASSERT_TRUE(!m);
    chardev_set_close(s);
}
