/*
 * tests/unit/test_semihosting.c — semihosting calls with bad parameter
 * blocks, buffers and lengths return -1 and set the semihosting errno
 * (EFAULT), touching neither the host nor the guest state beyond X0.
 */
#include <string.h>

#include "test.h"
#include "hs_board.h"
#include "firmware/semihosting/semihosting.h"

#define RAM 0x40000000ull
#define OUTSIDE 0x7f0000000000ull

static Machine *semi_board(void)
{
    VirtOptions o;
    virt_default_options(&o);
    o.no_stdin = true;
    o.semihosting = true;
    o.loader[0] = (LoaderSpec){NULL, RAM, true, 0, false};
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (m)
        board_at(m->cpu[0], 1, true, 0);   /* EL1, MMU off: VA = PA */
    return m;
}

static s64 call(Cpu *c, u32 op, u64 x1)
{
    c->x[0] = op;
    c->x[1] = x1;
    semihosting_call(c);
    return (s64)c->x[0];
}

static void put64(Machine *m, u64 pa, u64 v)
{
    ASSERT_TRUE(phys_write_buf(m, pa, &v, 8));
}

static s64 semi_errno(Cpu *c)
{
    return call(c, SYS_ERRNO, 0);
}

TEST(semihosting_block_outside_ram)
{
    Machine *m = semi_board();
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    const u32 ops[] = {SYS_OPEN, SYS_CLOSE, SYS_WRITE, SYS_READ, SYS_ISTTY, SYS_SEEK, SYS_FLEN,
                       SYS_TMPNAM, SYS_REMOVE, SYS_RENAME, SYS_GET_CMDLINE, SYS_HEAPINFO, SYS_ELAPSED,
                       SYS_ISERROR, SYS_WRITEC, SYS_WRITE0, SYS_EXIT_EXTENDED};
    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        ASSERT_EQ(call(c, ops[i], OUTSIDE), -1);
        ASSERT_EQ(semi_errno(c), 14);
        ASSERT_EQ(call(c, ops[i], UINT64_MAX - 3), -1);   /* block wraps around */
    }
    ASSERT_TRUE(!m->exit_requested);
    virt_destroy(m);
}

TEST(semihosting_bad_buffers_and_lengths)
{
    Machine *m = semi_board();
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    u64 blk = RAM + 0x1000, name = RAM + 0x2000;
    /* WRITE/READ on the console with buffers outside RAM or huge lengths. */
    const u64 bufs[][2] = {{OUTSIDE, 4}, {RAM, UINT64_MAX}, {RAM, m->ram_size + 1},
                           {RAM + m->ram_size - 2, 4}, {UINT64_MAX - 1, 8}};
    for (size_t i = 0; i < ARRAY_SIZE(bufs); i++) {
        put64(m, blk, 1);
        put64(m, blk + 8, bufs[i][0]);
        put64(m, blk + 16, bufs[i][1]);
        ASSERT_EQ(call(c, SYS_WRITE, blk), -1);
        ASSERT_EQ(semi_errno(c), 14);
        put64(m, blk, 0);
        ASSERT_EQ(call(c, SYS_READ, blk), -1);
        ASSERT_EQ(semi_errno(c), 14);
    }
    /* OPEN/REMOVE/RENAME with a name outside RAM or a huge name length. */
    ASSERT_TRUE(phys_write_buf(m, name, "x", 2));
    const u64 names[][2] = {{OUTSIDE, 1}, {name, UINT64_MAX}, {name, 1u << 20}};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        put64(m, blk, names[i][0]);
        put64(m, blk + 8, 0);
        put64(m, blk + 16, names[i][1]);
        ASSERT_EQ(call(c, SYS_OPEN, blk), -1);
        ASSERT_TRUE(semi_errno(c) == 14 || semi_errno(c) == 36);
        put64(m, blk + 8, names[i][1]);
        ASSERT_EQ(call(c, SYS_REMOVE, blk), -1);
    }
    /* Bad handles. */
    const u64 handles[] = {3, 64, UINT64_MAX, 1u << 31};
    for (size_t i = 0; i < ARRAY_SIZE(handles); i++) {
        put64(m, blk, handles[i]);
        ASSERT_EQ(call(c, SYS_CLOSE, blk), -1);
        ASSERT_EQ(semi_errno(c), 9);
        ASSERT_EQ(call(c, SYS_FLEN, blk), -1);
    }
    /* GET_CMDLINE / HEAPINFO / ELAPSED writing outside RAM. */
    put64(m, blk, OUTSIDE);
    put64(m, blk + 8, 100);
    ASSERT_EQ(call(c, SYS_GET_CMDLINE, blk), -1);
    ASSERT_EQ(call(c, SYS_HEAPINFO, blk), -1);
    ASSERT_EQ(semi_errno(c), 14);
    ASSERT_EQ(call(c, SYS_ELAPSED, OUTSIDE), -1);
    /* Good calls still work afterwards. */
    ASSERT_EQ(call(c, SYS_TICKFREQ, 0), 1000000000);
    put64(m, blk, RAM + 0x3000);
    ASSERT_EQ(call(c, SYS_HEAPINFO, blk), 0);
    ASSERT_TRUE(!m->exit_requested);
    virt_destroy(m);
}

TEST(semihosting_missing_file_enoent)
{
    Machine *m = semi_board();
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    const char *path = "/nonexistent-hyperstep-dir/missing";
    u64 blk = RAM + 0x1000, name = RAM + 0x2000;
    ASSERT_TRUE(phys_write_buf(m, name, path, strlen(path) + 1));
    put64(m, blk, name);
    put64(m, blk + 8, 0);
    put64(m, blk + 16, strlen(path));
    ASSERT_EQ(call(c, SYS_OPEN, blk), -1);
    ASSERT_EQ(semi_errno(c), 2);
    virt_destroy(m);
}
