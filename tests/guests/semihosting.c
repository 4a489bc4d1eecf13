/* Semihosting file, console, time and error calls (IHI 0080), A64
 * convention.  The command line (SYS_GET_CMDLINE: kernel name, then
 * -append) names a host directory holding input.txt; the guest writes,
 * seeks, reads back, renames and removes files there, leaves result.txt,
 * and exits with SYS_EXIT_EXTENDED and its failure count. */
#include "lib.h"

static s64 semi(u64 op, const void *arg)
{
    register u64 x0 __asm__("x0") = op;
    register u64 x1 __asm__("x1") = (u64)arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (s64)x0;
}

static u64 slen(const char *s)
{
    u64 n = 0;
    while (s[n])
        n++;
    return n;
}

static char *join(char *buf, const char *dir, const char *name)
{
    char *p = buf;
    while (*dir)
        *p++ = *dir++;
    *p++ = '/';
    while (*name)
        *p++ = *name++;
    *p = 0;
    return buf;
}

static s64 sopen(const char *path, u64 mode)
{
    volatile u64 b[3] = {(u64)path, mode, slen(path)};
    return semi(0x01, (const void *)b);
}

static s64 sclose(s64 h)
{
    volatile u64 b[1] = {(u64)h};
    return semi(0x02, (const void *)b);
}

static s64 swrite(s64 h, const void *p, u64 n)
{
    volatile u64 b[3] = {(u64)h, (u64)p, n};
    return semi(0x05, (const void *)b);
}

static s64 sread(s64 h, void *p, u64 n)
{
    volatile u64 b[3] = {(u64)h, (u64)p, n};
    return semi(0x06, (const void *)b);
}

static s64 sone(u64 op, u64 v)
{
    volatile u64 b[1] = {v};
    return semi(op, (const void *)b);
}

static s64 sseek(s64 h, u64 pos)
{
    volatile u64 b[2] = {(u64)h, pos};
    return semi(0x0a, (const void *)b);
}

static int same(const char *a, const char *b, u64 n)
{
    for (u64 i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static u64 elapsed(void)
{
    volatile u64 t = 0;
    CHECK_EQ(semi(0x30, (const void *)&t), 0);
    return t;
}

int main(void)
{
    static char cmd[512], a[300], b[300], c[300], buf[128];
    volatile u64 cl[2] = {(u64)cmd, sizeof(cmd)};
    CHECK_EQ(semi(0x15, (const void *)cl), 0);
    CHECK_EQ(cl[1], slen(cmd));
    const char *dir = cmd;
    for (const char *p = cmd; *p; p++)
        if (*p == ' ')
            dir = p + 1;

    /* Write a file, read parts of it back. */
    static const char text[] = "hello semihosting 0123456789";
    s64 h = sopen(join(a, dir, "out.txt"), 4);
    CHECK(h > 2);
    CHECK_EQ(swrite(h, text, 28), 0);
    CHECK_EQ(sclose(h), 0);
    CHECK_EQ(sclose(h), -1);   /* already closed */
    h = sopen(a, 1);
    CHECK(h > 2);
    CHECK_EQ(sone(0x0c, h), 28);   /* FLEN */
    CHECK_EQ(sone(0x09, h), 0);    /* ISTTY */
    CHECK_EQ(sseek(h, 6), 0);
    CHECK_EQ(sread(h, buf, 11), 0);
    CHECK(same(buf, "semihosting", 11));
    CHECK_EQ(sread(h, buf, 100), 100 - 11);   /* bytes not read at end of file */
    CHECK(same(buf, " 0123456789", 11));
    CHECK_EQ(sread(h, buf, 10), 10);
    CHECK_EQ(sclose(h), 0);

    /* Rename, then the old name is gone. */
    volatile u64 rn[4] = {(u64)a, slen(a), (u64)join(b, dir, "renamed.txt"), 0};
    rn[3] = slen(b);
    CHECK_EQ(semi(0x0f, (const void *)rn), 0);
    CHECK_EQ(sopen(a, 0), -1);
    CHECK_EQ(semi(0x13, 0), 2);   /* ERRNO: ENOENT */
    h = sopen(b, 0);
    CHECK(h > 2);
    CHECK_EQ(sone(0x0c, h), 28);
    CHECK_EQ(sclose(h), 0);

    /* Remove. */
    volatile u64 rm[2] = {(u64)b, slen(b)};
    CHECK_EQ(semi(0x0e, (const void *)rm), 0);
    CHECK_EQ(semi(0x0e, (const void *)rm), -1);
    CHECK_EQ(semi(0x13, 0), 2);
    CHECK_EQ(sopen(join(c, dir, "missing.txt"), 0), -1);
    CHECK_EQ(semi(0x13, 0), 2);

    /* Host input: the first line of input.txt. */
    h = sopen(join(c, dir, "input.txt"), 0);
    CHECK(h > 2);
    s64 n = sone(0x0c, h);
    CHECK(n > 0);
    for (u64 i = 0; i < sizeof(buf); i++)
        buf[i] = 0;
    CHECK(sread(h, buf, sizeof(buf) - 1) >= 0);
    CHECK_EQ(sclose(h), 0);
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = 0;
    hs_printf("input: %s\n", buf);

    /* Feature bits. */
    h = sopen(":semihosting-features", 0);
    CHECK(h > 2);
    CHECK_EQ(sone(0x0c, h), 5);
    CHECK_EQ(sone(0x09, h), 0);
    CHECK_EQ(sread(h, buf, 8), 3);
    CHECK(same(buf, "SHFB\x03", 5));
    CHECK_EQ(sseek(h, 4), 0);
    CHECK_EQ(sread(h, buf, 1), 0);
    CHECK_EQ(buf[0], 3);
    CHECK_EQ(sclose(h), 0);
    CHECK_EQ(sopen(":semihosting-features", 4), -1);

    /* The console through :tt. */
    h = sopen(":tt", 0);
    CHECK(h > 2);
    CHECK_EQ(sone(0x09, h), 1);
    CHECK_EQ(sclose(h), 0);
    h = sopen(":tt", 4);
    CHECK_EQ(swrite(h, "console via :tt\n", 16), 0);
    CHECK_EQ(sclose(h), 0);

    /* Bad pointers and lengths: -1 and EFAULT (14), never a crash. */
    CHECK_EQ(semi(0x01, (const void *)0x7f0000000000ul), -1);
    CHECK_EQ(semi(0x13, 0), 14);
    CHECK_EQ(swrite(1, (const void *)0x7f0000000000ul, 4), -1);
    CHECK_EQ(sread(1, buf, ~0ul), -1);
    volatile u64 bad[3] = {(u64)a, 0, ~0ul};
    CHECK_EQ(semi(0x01, (const void *)bad), -1);
    CHECK_EQ(semi(0x13, 0), 14);

    /* ISERROR. */
    CHECK(sone(0x08, (u64)-1) != 0);
    CHECK_EQ(sone(0x08, 0), 0);

    /* Virtual time: CLOCK (cs), ELAPSED (ticks) at TICKFREQ. */
    u64 freq = (u64)semi(0x31, 0);
    CHECK_EQ(freq, 1000000000);
    s64 c0 = semi(0x10, 0);
    u64 e0 = elapsed();
    for (volatile u64 i = 0; i < 4000000; i++)
        ;
    s64 c1 = semi(0x10, 0);
    u64 e1 = elapsed();
    CHECK(e1 > e0);
    CHECK(c1 > c0);
    u64 dcs = (e1 - e0) / (freq / 100);
    CHECK((u64)(c1 - c0) + 1 >= dcs && (u64)(c1 - c0) <= dcs + 1);
    hs_printf("elapsed %lu ticks, clock %ld -> %ld cs\n", e1 - e0, c0, c1);
    s64 t = semi(0x11, 0);
    CHECK(t >= 1700000000 && t < 1700000100);
    hs_printf("time %ld\n", t);

    /* HEAPINFO: heap inside RAM, stack base at its top. */
    volatile u64 heap[4] = {0};
    volatile u64 hp = (u64)heap;
    CHECK_EQ(semi(0x16, (const void *)&hp), 0);
    CHECK(heap[0] >= 0x40000000ul && heap[0] < heap[1]);
    CHECK_EQ(heap[2], heap[1]);
    CHECK_EQ(heap[3], 0);
    hs_printf("heap 0x%lx-0x%lx\n", heap[0], heap[1]);

    /* TMPNAM. */
    volatile u64 tn[3] = {(u64)buf, 7, sizeof(buf)};
    CHECK_EQ(semi(0x0d, (const void *)tn), 0);
    CHECK(slen(buf) > 0);

    /* Leave a file for the host to check. */
    h = sopen(join(c, dir, "result.txt"), 4);
    CHECK_EQ(swrite(h, "written by the guest\n", 21), 0);
    CHECK_EQ(sclose(h), 0);

    hs_report();
    volatile u64 ex[2] = {0x20026, (u64)hs_failures};
    semi(0x20, (const void *)ex);
    return 100;
}
