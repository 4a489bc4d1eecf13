/*
 * tests/unit/test_fwcfg.c — the firmware boot path devices driven through
 * their MMIO windows: fw_cfg (selector, data, DMA with hostile
 * descriptors: outside RAM, in flash/MMIO, wrapping, writes) and the CFI
 * flash command state machine (CFI query and identifier values as QEMU's
 * pflash_cfi01 on virt, word and buffered program, block erase, status,
 * read-only banks) with its write-through to the backing file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "hs_board.h"
#include "devices/fw_cfg/fw_cfg.h"

#define FWCFG 0x09020000ull
#define RAM 0x40000000ull
#define BANK1 0x04000000ull
#define BANK_SIZE (64ull << 20)

static Machine *make(VirtOptions *o)
{
    o->no_stdin = true;
    o->loader[0] = (LoaderSpec){NULL, RAM, true, 0, false};
    o->nloaders = 1;
    return virt_create(o);
}

static u64 rd(Machine *m, u64 pa, unsigned size)
{
    u64 v = 0;
    if (!phys_read(m, m->cpu[0], pa, size, &v))
        return 0xbadbadbadull;
    return v;
}

static bool wr(Machine *m, u64 pa, unsigned size, u64 v)
{
    return phys_write(m, m->cpu[0], pa, size, v);
}

static void select_key(Machine *m, u16 key)
{
    wr(m, FWCFG + 8, 2, __builtin_bswap16(key));
}

/* Build a DMA descriptor at DESC and trigger it through the register. */
static u32 dma(Machine *m, u64 desc, u32 control, u32 len, u64 addr)
{
    u8 d[16];
    u32 c = __builtin_bswap32(control), l = __builtin_bswap32(len);
    u64 a = __builtin_bswap64(addr);
    memcpy(d, &c, 4), memcpy(d + 4, &l, 4), memcpy(d + 8, &a, 8);
    phys_write_buf(m, desc, d, 16);
    wr(m, FWCFG + 16, 4, __builtin_bswap32((u32)(desc >> 32)));
    wr(m, FWCFG + 20, 4, __builtin_bswap32((u32)desc));
    u32 r;
    phys_read_buf(m, desc, &r, 4);
    return __builtin_bswap32(r);
}

TEST(fwcfg_registers)
{
    VirtOptions o;
    virt_default_options(&o);
    o.smp = 2;
    o.fw_cfg[0] = (FwCfgSpec){"opt/hello", NULL, "hi there"};
    o.nfw_cfg = 1;
    Machine *m = make(&o);
    ASSERT_TRUE(m != NULL);
    select_key(m, FW_CFG_SIGNATURE);
    ASSERT_EQ(rd(m, FWCFG, 4), 0x554d4551ull);   /* "QEMU" in memory order */
    select_key(m, FW_CFG_ID);
    ASSERT_EQ(rd(m, FWCFG, 4), 3ull);
    select_key(m, FW_CFG_NB_CPUS);
    ASSERT_EQ(rd(m, FWCFG, 2), 2ull);
    ASSERT_EQ(rd(m, FWCFG, 2), 0ull);             /* past the end: zeros */
    ASSERT_EQ(rd(m, FWCFG + 16, 8), 0x47464320554d4551ull);   /* "QEMU CFG" */
    ASSERT_TRUE(!phys_read(m, m->cpu[0], FWCFG + 8, 2, &(u64){0}));   /* selector is write-only */
    ASSERT_TRUE(!wr(m, FWCFG + 16, 2, 0));        /* DMA register: 4 or 8 bytes */
    /* Directory: sorted names; find opt/hello and read it by key. */
    select_key(m, FW_CFG_FILE_DIR);
    u32 n = __builtin_bswap32((u32)rd(m, FWCFG, 4));
    ASSERT_EQ(n, 4u);
    char prev[56] = "";
    u16 hello = 0;
    u32 hello_len = 0;
    for (u32 i = 0; i < n; i++) {
        u8 e[64];
        for (unsigned k = 0; k < 64; k += 8) {
            u64 v = rd(m, FWCFG, 8);
            memcpy(e + k, &v, 8);
        }
        char name[57] = {0};
        memcpy(name, e + 8, 56);
        ASSERT_TRUE(strcmp(prev, name) < 0);
        strcpy(prev, name);
        if (!strcmp(name, "opt/hello")) {
            hello = (u16)(e[4] << 8 | e[5]);
            hello_len = (u32)e[0] << 24 | (u32)e[1] << 16 | (u32)e[2] << 8 | e[3];
        }
    }
    ASSERT_EQ(hello_len, 8u);
    ASSERT_EQ(hello, 0x23);   /* bios-geometry, bootorder, etc/boot-fail-wait, opt/hello */
    /* DMA read with select. */
    ASSERT_EQ(dma(m, RAM + 0x1000, (u32)hello << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 8,
                  RAM + 0x2000), 0u);
    char buf[9] = {0};
    phys_read_buf(m, RAM + 0x2000, buf, 8);
    ASSERT_TRUE(!strcmp(buf, "hi there"));
    /* Skip 3 then read 5; a read past the end zero-fills. */
    ASSERT_EQ(dma(m, RAM + 0x1000, (u32)hello << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 3, 0), 0u);
    memset(buf, 0x55, 8);
    phys_write_buf(m, RAM + 0x3000, buf, 8);
    ASSERT_EQ(dma(m, RAM + 0x1000, FW_CFG_DMA_CTL_READ, 8, RAM + 0x3000), 0u);
    phys_read_buf(m, RAM + 0x3000, buf, 8);
    ASSERT_TRUE(!memcmp(buf, "there\0\0\0", 8));
    virt_destroy(m);
}

TEST(fwcfg_dma_hostile)
{
    VirtOptions o;
    virt_default_options(&o);
    Machine *m = make(&o);
    ASSERT_TRUE(m != NULL);
    u64 ram_end = RAM + o.ram_size;
    u32 sel_sig = (u32)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    /* Buffer outside RAM: in flash, in the GIC, in nothing, wrapping, straddling RAM's end. */
    ASSERT_EQ(dma(m, RAM, sel_sig, 4, 0x1000), (u32)FW_CFG_DMA_CTL_ERROR);
    ASSERT_EQ(dma(m, RAM, sel_sig, 4, 0x08000000), (u32)FW_CFG_DMA_CTL_ERROR);
    ASSERT_EQ(dma(m, RAM, sel_sig, 4, 0x20000000), (u32)FW_CFG_DMA_CTL_ERROR);
    ASSERT_EQ(dma(m, RAM, sel_sig, 4, ~0ull - 1), (u32)FW_CFG_DMA_CTL_ERROR);
    ASSERT_EQ(dma(m, RAM, sel_sig, 4, ram_end - 2), (u32)FW_CFG_DMA_CTL_ERROR);
    /* Zero fill past the item's end, far beyond RAM. */
    ASSERT_EQ(dma(m, RAM, sel_sig, 0xffffffffu, RAM + 0x100), (u32)FW_CFG_DMA_CTL_ERROR);
    /* Writes: no writable item. */
    ASSERT_EQ(dma(m, RAM, (u32)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4,
                  RAM + 0x100), (u32)FW_CFG_DMA_CTL_ERROR);
    ASSERT_EQ(dma(m, RAM, FW_CFG_DMA_CTL_WRITE, 4, RAM + 0x100), (u32)FW_CFG_DMA_CTL_ERROR);
    /* No operation bit: nothing done, no error. */
    ASSERT_EQ(dma(m, RAM, 0, 4, 0x1000), 0u);
    /* Descriptors outside RAM: nothing to report into, no host fault. */
    wr(m, FWCFG + 16, 8, __builtin_bswap64(0x1000));            /* flash */
    wr(m, FWCFG + 16, 8, __builtin_bswap64(FWCFG));             /* the device itself */
    wr(m, FWCFG + 16, 8, __builtin_bswap64(~0ull - 7));         /* wraps */
    wr(m, FWCFG + 16, 8, __builtin_bswap64(ram_end - 8));       /* straddles RAM's end */
    u8 tail[8];
    phys_read_buf(m, ram_end - 8, tail, 8);
    ASSERT_EQ(tail[0], 0);   /* no error word written outside a whole descriptor either */
    /* Descriptor whose control word alone is in RAM: the error lands there. */
    wr(m, FWCFG + 16, 8, __builtin_bswap64(ram_end - 4));
    u32 c;
    phys_read_buf(m, ram_end - 4, &c, 4);
    ASSERT_EQ(__builtin_bswap32(c), (u32)FW_CFG_DMA_CTL_ERROR);
    /* Still working afterwards. */
    ASSERT_EQ(dma(m, RAM, sel_sig, 4, RAM + 0x200), 0u);
    ASSERT_EQ((u32)rd(m, RAM + 0x200, 4), 0x554d4551u);
    virt_destroy(m);
}

/* A zero-filled 64 MiB file (sparse). */
static void make_image(const char *path, u64 size)
{
    FILE *f = fopen(path, "wb");
    fclose(f);
    ASSERT_TRUE(truncate(path, (off_t)size) == 0);
}

static u32 file_word(const char *path, u64 off)
{
    FILE *f = fopen(path, "rb");
    u32 v = 0;
    fseek(f, (long)off, SEEK_SET);
    if (fread(&v, 4, 1, f) != 1)
        v = 0xdeadbeef;
    fclose(f);
    return v;
}

TEST(pflash_commands)
{
    char path[] = "/tmp/hs_pflash_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_TRUE(fd >= 0);
    close(fd);
    make_image(path, BANK_SIZE);
    VirtOptions o;
    virt_default_options(&o);
    o.drive[0] = (DriveSpec){.file = path, .iface = DRIVE_IF_PFLASH, .unit = 1};
    o.ndrives = 1;
    Machine *m = make(&o);
    ASSERT_TRUE(m != NULL);
    MemRegion *r = phys_find(m, BANK1);
    ASSERT_TRUE(r && r->rom_device && !r->io_mode);
    /* CFI query (0x98): "QRY" at word 0x10, replicated over both x16 devices. */
    ASSERT_TRUE(wr(m, BANK1 + 0x55 * 4, 4, 0x98));
    ASSERT_TRUE(r->io_mode);
    ASSERT_EQ(rd(m, BANK1 + 0x10 * 4, 4), 0x00510051ull);
    ASSERT_EQ(rd(m, BANK1 + 0x11 * 4, 4), 0x00520052ull);
    ASSERT_EQ(rd(m, BANK1 + 0x12 * 4, 4), 0x00590059ull);
    ASSERT_EQ(rd(m, BANK1 + 0x13 * 4, 4), 0x00010001ull);   /* Intel command set */
    ASSERT_EQ(rd(m, BANK1 + 0x27 * 4, 4), 0x00190019ull);   /* 32 MiB per device */
    ASSERT_EQ(rd(m, BANK1 + 0x2a * 4, 4), 0x000b000bull);   /* 2 KiB write buffer */
    ASSERT_EQ(rd(m, BANK1 + 0x2c * 4, 4), 0x00010001ull);
    ASSERT_EQ(rd(m, BANK1 + 0x2d * 4, 4), 0x00ff00ffull);   /* 256 blocks */
    ASSERT_EQ(rd(m, BANK1 + 0x2e * 4, 4), 0ull);
    ASSERT_EQ(rd(m, BANK1 + 0x2f * 4, 4), 0ull);            /* 128 KiB per device */
    ASSERT_EQ(rd(m, BANK1 + 0x30 * 4, 4), 0x00020002ull);
    ASSERT_EQ(rd(m, BANK1 + 0x31 * 4, 1), (u64)'P');
    ASSERT_EQ(rd(m, BANK1 + 0x60 * 4, 4), 0ull);            /* beyond the table */
    ASSERT_TRUE(wr(m, BANK1, 4, 0xff));
    ASSERT_TRUE(!r->io_mode);
    ASSERT_EQ(rd(m, BANK1, 4), 0ull);                       /* the (zero) contents */
    /* Read identifier (0x90). */
    wr(m, BANK1, 4, 0x90);
    ASSERT_EQ(rd(m, BANK1, 4), 0x00890089ull);
    ASSERT_EQ(rd(m, BANK1 + 4, 4), 0x00180018ull);
    ASSERT_EQ(rd(m, BANK1 + 8, 4), 0ull);
    /* Block erase (0x20, 0xd0) of block 1; status 0x80 on both devices. */
    wr(m, BANK1, 4, 0xff);
    wr(m, BANK1 + 0x40000, 4, 0x20);
    wr(m, BANK1 + 0x40000, 4, 0xd0);
    ASSERT_EQ(rd(m, BANK1 + 0x40000, 4), 0x00800080ull);
    ASSERT_EQ(rd(m, BANK1 + 0x40000, 1), 0x80ull);
    wr(m, BANK1, 4, 0xff);
    ASSERT_EQ(rd(m, BANK1 + 0x40000, 4), 0xffffffffull);
    ASSERT_EQ(rd(m, BANK1 + 0x7fffc, 4), 0xffffffffull);
    ASSERT_EQ(rd(m, BANK1 + 0x80000, 4), 0ull);             /* next block untouched */
    ASSERT_EQ(file_word(path, 0x7fffc), 0xffffffffu);       /* written through */
    /* Word program (0x40 then data). */
    wr(m, BANK1 + 0x40010, 4, 0x40);
    wr(m, BANK1 + 0x40010, 4, 0x12345678);
    ASSERT_EQ(rd(m, BANK1 + 0x40010, 4), 0x00800080ull);    /* status after programming */
    wr(m, BANK1, 4, 0xff);
    ASSERT_EQ(rd(m, BANK1 + 0x40010, 4), 0x12345678ull);
    ASSERT_EQ(file_word(path, 0x40010), 0x12345678u);
    /* Buffered program: 0xe8, count-1, N words, 0xd0. */
    wr(m, BANK1 + 0x40100, 4, 0xe8);
    ASSERT_EQ(rd(m, BANK1 + 0x40100, 4), 0x00800080ull);    /* XSR: buffer ready */
    wr(m, BANK1 + 0x40100, 4, 0x00010001);                  /* 2 words per device */
    wr(m, BANK1 + 0x40100, 4, 0xaaaa5555);
    wr(m, BANK1 + 0x40104, 4, 0x0badcafe);
    wr(m, BANK1 + 0x40100, 4, 0xd0);
    wr(m, BANK1, 4, 0x70);
    ASSERT_EQ(rd(m, BANK1, 4), 0x00800080ull);
    wr(m, BANK1, 4, 0xff);
    ASSERT_EQ(rd(m, BANK1 + 0x40100, 8), 0x0badcafeaaaa5555ull);
    ASSERT_EQ(file_word(path, 0x40104), 0x0badcafeu);
    /* Block lock setup / unlock confirm is accepted. */
    wr(m, BANK1, 4, 0x60);
    wr(m, BANK1, 4, 0xd0);
    ASSERT_EQ(rd(m, BANK1, 4), 0x00800080ull);
    /* Clear status (0x50) goes back to read array. */
    wr(m, BANK1, 4, 0x50);
    ASSERT_TRUE(!r->io_mode);
    /* Reset returns to read array. */
    wr(m, BANK1, 4, 0x70);
    machine_reset_devices(m);
    ASSERT_TRUE(!r->io_mode);
    virt_destroy(m);

    /* The next run sees what was written. */
    Machine *m2 = make(&o);
    ASSERT_TRUE(m2 != NULL);
    ASSERT_EQ(rd(m2, BANK1 + 0x40010, 4), 0x12345678ull);
    virt_destroy(m2);

    /* Read-only bank: program and erase set the error bits, contents stay. */
    o.drive[0].readonly = true;
    Machine *m3 = make(&o);
    ASSERT_TRUE(m3 != NULL);
    wr(m3, BANK1 + 0x40010, 4, 0x40);
    wr(m3, BANK1 + 0x40010, 4, 0);
    ASSERT_EQ(rd(m3, BANK1, 4), 0x00900090ull);
    wr(m3, BANK1, 4, 0x50);
    wr(m3, BANK1 + 0x40000, 4, 0x20);
    wr(m3, BANK1 + 0x40000, 4, 0xd0);
    ASSERT_EQ(rd(m3, BANK1, 4), 0x00a000a0ull);
    wr(m3, BANK1, 4, 0xff);
    ASSERT_EQ(rd(m3, BANK1 + 0x40010, 4), 0x12345678ull);
    virt_destroy(m3);
    ASSERT_EQ(file_word(path, 0x40010), 0x12345678u);

    /* A file of another size is refused. */
    o.drive[0].readonly = false;
    ASSERT_TRUE(truncate(path, 1 << 20) == 0);
    ASSERT_TRUE(make(&o) == NULL);
    unlink(path);
}

TEST(pflash_bios_and_units)
{
    VirtOptions o;
    virt_default_options(&o);
    /* Two drives for unit 0 / -bios with unit 0 / unit 2: refused. */
    o.drive[0] = (DriveSpec){.file = "/nonexistent", .iface = DRIVE_IF_PFLASH, .unit = 2};
    o.ndrives = 1;
    ASSERT_TRUE(make(&o) == NULL);
    o.drive[0].unit = 0;
    o.bios = "/nonexistent";
    ASSERT_TRUE(make(&o) == NULL);
    o.bios = NULL;
    ASSERT_TRUE(make(&o) == NULL);   /* missing file */
    /* Without drives: flash reads as zeros, the first command switches mode. */
    o.ndrives = 0;
    Machine *m = make(&o);
    ASSERT_TRUE(m != NULL);
    ASSERT_EQ(rd(m, 0x100, 4), 0ull);
    wr(m, 0x100, 4, 0x98);
    ASSERT_EQ(rd(m, 0x40, 4), 0x00510051ull);
    virt_destroy(m);
}
