/*
 * tests/fuzz/fuzz_semihosting.c — semihosting calls (firmware/semihosting)
 * with arbitrary operation numbers, parameter blocks and guest buffers.
 * Each 24-byte record of the input is one call: op (1 byte), parameter
 * block address choice (1), 6 bytes of register, 16 bytes written at the
 * block first.  Calls that change the host file system (SYS_REMOVE,
 * SYS_RENAME, SYS_SYSTEM, SYS_OPEN for writing) are skipped: they would act
 * on arbitrary host paths; reads and the rest run, in a private directory.
 */
#include <sys/stat.h>

#include "firmware/semihosting/semihosting.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/hs_board.h"

#define RAM 0x40000000ull

static void enter_private_dir(void)
{
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/hs-fuzz-semi-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    mkdir(dir, 0700);
    if (chdir(dir))
        abort();
    FILE *f = fopen("data.txt", "w");
    if (f) {
        fputs("semihosting fuzz file\n", f);
        fclose(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    if (!init) {
        enter_private_dir();
        init = true;
    }
    VirtOptions o;
    virt_default_options(&o);
    o.ram_size = 64ull << 20;
    o.no_stdin = true;
    o.semihosting = true;
    o.loader[0] = (LoaderSpec){NULL, RAM, true, 0, false};
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        abort();
    Cpu *c = m->cpu[0];
    board_at(c, 1, true, 0);
    /* A file name the calls can open and a buffer. */
    phys_write_buf(m, RAM + 0x1000, "data.txt", 9);
    for (size_t i = 0; i + 24 <= size; i += 24) {
        const uint8_t *r = data + i;
        u32 op = r[0];
        u64 blk;
        switch (r[1] & 3) {
        case 0: blk = RAM + 0x2000; break;                    /* in RAM */
        case 1: blk = RAM + (64ull << 20) - (r[1] >> 2); break; /* straddles the end */
        case 2: blk = 0; break;                                /* flash/unmapped */
        default: memcpy(&blk, r + 2, 6); blk &= 0xffffffffffffull; break;
        }
        if (op == 0x0e || op == 0x0f || op == 0x12)   /* SYS_REMOVE, SYS_RENAME, SYS_SYSTEM */
            continue;
        u64 words[2];
        memcpy(words, r + 8, 16);
        /* Parameter words that point into RAM now and then. */
        if (words[0] & 1)
            words[0] = RAM + 0x1000;
        if (op == 0x01 && (r[1] & 3) != 0)            /* SYS_OPEN only with our block */
            continue;
        if (blk >= RAM && blk + 16 <= RAM + (64ull << 20))
            phys_write_buf(m, blk, words, 16);
        if (op == 0x01) {
            /* OPEN reads name, mode, length: only the file above, modes
             * "r" .. "r+b" (0..3): never creates or truncates a file. */
            u64 p[3] = {RAM + 0x1000, words[1] & 3, 8};
            phys_write_buf(m, blk, p, sizeof(p));
        }
        c->x[0] = op;
        c->x[1] = blk;
        semihosting_call(c);
    }
    virt_destroy(m);
    return 0;
}
