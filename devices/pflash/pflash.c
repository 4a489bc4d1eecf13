/*
 * devices/pflash/pflash.c — CFI flash, Intel command set (see pflash.h).
 * Behaviour follows QEMU 7.2's pflash_cfi01 with its virt properties
 * (width 4, device-width 2, id 0x89 0x18 0x00 0x00) so firmware built for
 * QEMU (EDK2's NorFlashDxe, U-Boot's cfi_flash driver) sees the same chip;
 * the CFI table layout is JEDEC JESD68.01 ("Common Flash Interface").
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/pflash/pflash.h"
#include "mmu/mmu.h"

/* Status register bits (Intel StrataFlash "Status Register Definitions"). */
enum { SR_READY = 0x80, SR_ERASE_ERR = 0x20, SR_PROGRAM_ERR = 0x10 };

/* Command codes (first bus cycle). */
enum {
    CMD_READ_ARRAY0 = 0x00,   /* QEMU's internal read-array state */
    CMD_PROGRAM = 0x10, CMD_ERASE = 0x20, CMD_PROGRAM_ALT = 0x40, CMD_CLEAR_STATUS = 0x50,
    CMD_LOCK_SETUP = 0x60, CMD_READ_STATUS = 0x70, CMD_READ_ID = 0x90, CMD_QUERY = 0x98,
    CMD_BUFFERED = 0xe8, CMD_AMD_RESET = 0xf0, CMD_READ_ARRAY = 0xff,
    CMD_CONFIRM = 0xd0, CMD_LOCK_SET = 0x01,
};

#define CFI_TABLE_LEN 0x52

typedef struct PFlashBank {
    struct PFlash *f;
    unsigned index;
    MemRegion *r;
    u64 base;
    int fd;             /* write-through file, or -1 */
    bool readonly;
    /* Command state (QEMU's cmd/wcycle/status/counter). */
    u8 cmd;
    u8 wcycle;
    u8 status;
    u32 counter;        /* buffered program: data cycles left - 1 */
    bool warned;        /* a host write error was reported */
} PFlashBank;

struct PFlash {
    Machine *m;
    PFlashConfig cfg;
    PFlashBank bank[PFLASH_BANKS];
    u8 cfi[CFI_TABLE_LEN];
};

static unsigned ctz(u64 v)
{
    return v ? (unsigned)__builtin_ctzll(v) : 0;
}

/* The query table of one device (JESD68.01 section 4), as QEMU 7.2 fills
 * it for this geometry. */
static void build_cfi(PFlash *f)
{
    const PFlashConfig *c = &f->cfg;
    unsigned ndev = c->bank_width / c->device_width;
    u64 blocks = c->bank_size / c->sector_size;
    u64 sector_per_dev = c->sector_size / ndev;
    u64 device_len = sector_per_dev * blocks;
    u8 *t = f->cfi;
    memset(t, 0, CFI_TABLE_LEN);
    t[0x10] = 'Q', t[0x11] = 'R', t[0x12] = 'Y';
    t[0x13] = 0x01, t[0x14] = 0x00;      /* primary command set: Intel/Sharp extended */
    t[0x15] = 0x31, t[0x16] = 0x00;      /* primary extended table at 0x31 */
    t[0x1b] = 0x45, t[0x1c] = 0x55;      /* Vcc min/max 4.5 V / 5.5 V */
    t[0x1f] = 0x07;                      /* typical word program timeout 2^7 us */
    t[0x20] = 0x07;                      /* typical buffer write timeout */
    t[0x21] = 0x0a;                      /* typical block erase timeout 2^10 ms */
    t[0x23] = 0x04, t[0x24] = 0x04, t[0x25] = 0x04;   /* maximum timeouts (x 2^4) */
    t[0x27] = (u8)ctz(device_len);       /* device size 2^n bytes */
    t[0x28] = 0x02, t[0x29] = 0x00;      /* interface: x8/x16 async */
    t[0x2a] = c->bank_width == 1 ? 0x08 : 0x0b;   /* write buffer 2^n bytes */
    t[0x2c] = 0x01;                      /* one erase block region */
    t[0x2d] = (u8)(blocks - 1), t[0x2e] = (u8)((blocks - 1) >> 8);
    t[0x2f] = (u8)(sector_per_dev >> 8), t[0x30] = (u8)(sector_per_dev >> 16);
    t[0x31] = 'P', t[0x32] = 'R', t[0x33] = 'I';
    t[0x34] = '1', t[0x35] = '0';
    t[0x3f] = 0x01;                      /* protection fields */
}

static void flush_tlbs(Machine *m)
{
    for (unsigned i = 0; i < m->ncpu; i++)
        tlb_flush_all(m->cpu[i]);
}

/* Leave read-array mode: reads go to the callbacks (QEMU romd off). */
static void enter_io_mode(PFlashBank *b)
{
    if (!b->r->io_mode) {
        b->r->io_mode = true;
        flush_tlbs(b->f->m);
    }
}

static void mode_read_array(PFlashBank *b)
{
    b->r->io_mode = false;
    b->wcycle = 0;
    b->cmd = CMD_READ_ARRAY0;
}

/* One device's answer replicated over the bank's devices. */
static u32 replicate(const PFlash *f, u32 v)
{
    unsigned dw = f->cfg.device_width;
    u32 mask = dw >= 4 ? 0xffffffffu : (1u << (8 * dw)) - 1;
    u32 r = 0;
    for (unsigned i = 0; i < f->cfg.bank_width; i += dw)
        r |= (v & mask) << (8 * i);
    return r;
}

/* Byte offset on the bus -> device word index (addresses are in units of
 * the bank width). */
static u64 query_index(const PFlash *f, u64 off)
{
    return off >> ctz(f->cfg.bank_width);
}

static u32 cfi_query(const PFlash *f, u64 off)
{
    u64 i = query_index(f, off);
    return i < CFI_TABLE_LEN ? replicate(f, f->cfi[i]) : 0;
}

static u32 devid_query(const PFlash *f, u64 off)
{
    switch (query_index(f, off) & 0xff) {
    case 0: return replicate(f, f->cfg.ident[0]);
    case 1: return replicate(f, f->cfg.ident[1]);
    default: return 0;   /* block lock status (offsets 2, 3): not locked */
    }
}

static u32 data_read(const PFlashBank *b, u64 off, unsigned size)
{
    u32 v = 0;
    memcpy(&v, b->r->host + off, size);
    return v;
}

/* Read of at most 4 bytes in the current mode. */
static u32 bank_read(PFlashBank *b, u64 off, unsigned size)
{
    const PFlash *f = b->f;
    u32 v;
    switch (b->cmd) {
    case CMD_READ_ARRAY0:
        v = data_read(b, off, size);
        break;
    case CMD_PROGRAM: case CMD_ERASE: case CMD_PROGRAM_ALT: case CMD_CLEAR_STATUS:
    case CMD_LOCK_SETUP: case CMD_READ_STATUS: case CMD_BUFFERED:
        v = size > f->cfg.device_width ? replicate(f, b->status) : b->status;
        break;
    case CMD_READ_ID:
        v = devid_query(f, off);
        break;
    case CMD_QUERY:
        v = cfi_query(f, off);
        break;
    default:
        mode_read_array(b);
        v = data_read(b, off, size);
        break;
    }
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

/* Write LEN bytes at OFF of the contents through to the file. */
static void write_through(PFlashBank *b, u64 off, u64 len)
{
    for (u64 a = (b->base + off) & ~0xfffull; a < b->base + off + len; a += 4096)
        phys_mark_dirty(b->r, a);
    if (b->fd < 0)
        return;
    const u8 *p = b->r->host + off;
    while (len) {
        ssize_t n = pwrite(b->fd, p, len, (off_t)off);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (!b->warned)
                hs_log("hyperstep: flash bank %u: writing its file failed: %s", b->index,
                       n < 0 ? strerror(errno) : "short write");
            b->warned = true;
            return;
        }
        p += n;
        off += (u64)n;
        len -= (u64)n;
    }
}

static void program(PFlashBank *b, u64 off, u32 val, unsigned size)
{
    if (b->readonly) {
        b->status |= SR_PROGRAM_ERR;
        return;
    }
    memcpy(b->r->host + off, &val, size);
    write_through(b, off, size);
}

static void erase_block(PFlashBank *b, u64 off)
{
    if (b->readonly) {
        b->status |= SR_ERASE_ERR;
        return;
    }
    u64 start = off & ~((u64)b->f->cfg.sector_size - 1);
    memset(b->r->host + start, 0xff, b->f->cfg.sector_size);
    write_through(b, start, b->f->cfg.sector_size);
}

/* One bus write of at most 4 bytes: the command state machine. */
static void bank_write(PFlashBank *b, u64 off, u32 val, unsigned size)
{
    u8 cmd = (u8)val;
    if (b->wcycle == 0)
        enter_io_mode(b);
    switch (b->wcycle) {
    case 0:
        switch (cmd) {
        case CMD_READ_ARRAY0: case CMD_READ_ARRAY: case CMD_AMD_RESET:
            mode_read_array(b);
            return;
        case CMD_PROGRAM: case CMD_PROGRAM_ALT: case CMD_ERASE: case CMD_LOCK_SETUP:
        case CMD_QUERY:
            break;
        case CMD_BUFFERED:
            b->status |= SR_READY;
            break;
        case CMD_CLEAR_STATUS:
            b->status = 0;
            mode_read_array(b);
            return;
        case CMD_READ_STATUS: case CMD_READ_ID:
            b->cmd = cmd;
            return;
        default:
            mode_read_array(b);   /* unknown command: back to read array, as QEMU */
            return;
        }
        b->wcycle = 1;
        b->cmd = cmd;
        return;
    case 1:
        switch (b->cmd) {
        case CMD_PROGRAM: case CMD_PROGRAM_ALT:
            program(b, off, val, size);
            b->status |= SR_READY;
            b->wcycle = 0;
            return;
        case CMD_ERASE:
            if (cmd == CMD_CONFIRM) {
                erase_block(b, off);
                b->status |= SR_READY;
                b->wcycle = 0;
            } else {
                mode_read_array(b);
            }
            return;
        case CMD_BUFFERED: {
            unsigned bits = 8 * b->f->cfg.device_width;
            b->counter = bits >= 32 ? val : val & ((1u << bits) - 1);
            b->wcycle = 2;
            return;
        }
        case CMD_LOCK_SETUP:
            if (cmd == CMD_CONFIRM || cmd == CMD_LOCK_SET) {
                b->status |= SR_READY;
                b->wcycle = 0;
            } else {
                mode_read_array(b);
            }
            return;
        case CMD_QUERY:
            if (cmd == CMD_READ_ARRAY)
                mode_read_array(b);
            return;   /* anything else: stay in query mode */
        default:
            mode_read_array(b);
            return;
        }
    case 2:   /* buffered program data cycles */
        if (b->cmd != CMD_BUFFERED) {
            mode_read_array(b);
            return;
        }
        program(b, off, val, size);
        b->status |= SR_READY;
        if (b->counter == 0)
            b->wcycle = 3;
        else
            b->counter--;
        return;
    case 3:   /* buffered program confirm */
        if (b->cmd == CMD_BUFFERED && cmd == CMD_CONFIRM && !(b->status & SR_PROGRAM_ERR)) {
            b->status |= SR_READY;
            b->wcycle = 0;
        } else {
            mode_read_array(b);
        }
        return;
    default:
        mode_read_array(b);
        return;
    }
}

/* MMIO callbacks: accesses wider than the 32-bit bus are split in two, as
 * QEMU's memory core does for this device. */
static bool pflash_rd(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    (void)c;
    PFlashBank *b = opaque;
    if (size == 8)
        *val = bank_read(b, off, 4) | (u64)bank_read(b, off + 4, 4) << 32;
    else
        *val = bank_read(b, off, size);
    return true;
}

static bool pflash_wr(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    (void)c;
    PFlashBank *b = opaque;
    if (size == 8) {
        bank_write(b, off, (u32)val, 4);
        bank_write(b, off + 4, (u32)(val >> 32), 4);
    } else {
        bank_write(b, off, (u32)val, size);
    }
    return true;
}

static void pflash_reset(void *opaque)
{
    PFlash *f = opaque;
    for (unsigned i = 0; i < PFLASH_BANKS; i++) {
        PFlashBank *b = &f->bank[i];
        mode_read_array(b);
        b->status = SR_READY;
        b->counter = 0;
    }
    flush_tlbs(f->m);
}

static int node(void *fdt, const char *name, const u64 *reg, unsigned nreg, bool secure_only)
{
    int e;
    if ((e = fdt_begin_node(fdt, name)) < 0 ||
        (e = fdt_property_string(fdt, "compatible", "cfi-flash")) < 0 ||
        (e = fdt_prop_u64s(fdt, "reg", reg, nreg)) < 0 ||
        (e = fdt_property_u32(fdt, "bank-width", 4)) < 0)
        return e;
    if (secure_only && ((e = fdt_property_string(fdt, "status", "disabled")) < 0 ||
                        (e = fdt_property_string(fdt, "secure-status", "okay")) < 0))
        return e;
    return fdt_end_node(fdt);
}

/* QEMU virt_flash_fdt(): both banks in one node, or with a Secure-only
 * bank 0 a "secflash" node for it and a "flash" node for bank 1, named
 * after bank 1's base as QEMU 7.2's dumpdtb shows (tests/dtb). */
static int pflash_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    (void)ctx;
    PFlash *f = opaque;
    const PFlashConfig *c = &f->cfg;
    char name[40];
    int e;
    if (!c->secure_bank0) {
        u64 reg[4] = {c->base, c->bank_size, c->base + c->bank_size, c->bank_size};
        snprintf(name, sizeof(name), "flash@%llx", (unsigned long long)c->base);
        return node(fdt, name, reg, 4, false);
    }
    u64 sreg[2] = {c->base, c->bank_size}, nreg[2] = {c->base + c->bank_size, c->bank_size};
    snprintf(name, sizeof(name), "secflash@%llx", (unsigned long long)c->base);
    if ((e = node(fdt, name, sreg, 2, true)) < 0)
        return e;
    snprintf(name, sizeof(name), "flash@%llx", (unsigned long long)(c->base + c->bank_size));
    return node(fdt, name, nreg, 2, false);
}

static void pflash_save(void *opaque, SaveBuf *s)
{
    PFlash *f = opaque;
    for (unsigned i = 0; i < PFLASH_BANKS; i++) {
        const PFlashBank *b = &f->bank[i];
        save_u8(s, b->cmd);
        save_u8(s, b->wcycle);
        save_u8(s, b->status);
        save_u32(s, b->counter);
        save_bool(s, b->r->io_mode);
    }
}

static bool valid_cmd(u8 c)
{
    static const u8 ok[] = {CMD_READ_ARRAY0, CMD_PROGRAM, CMD_ERASE, CMD_PROGRAM_ALT, CMD_LOCK_SETUP,
                            CMD_READ_STATUS, CMD_READ_ID, CMD_QUERY, CMD_BUFFERED};
    for (size_t i = 0; i < sizeof(ok); i++)
        if (c == ok[i])
            return true;
    return false;
}

static bool pflash_load(void *opaque, LoadBuf *l)
{
    PFlash *f = opaque;
    struct { u8 cmd, wcycle, status; u32 counter; bool io; } v[PFLASH_BANKS];
    for (unsigned i = 0; i < PFLASH_BANKS; i++) {
        v[i].cmd = load_u8(l);
        v[i].wcycle = load_u8(l);
        v[i].status = load_u8(l);
        v[i].counter = load_u32(l);
        v[i].io = load_bool(l);
        if (!valid_cmd(v[i].cmd) || v[i].wcycle > 3 || (v[i].status & ~(SR_READY | SR_ERASE_ERR | SR_PROGRAM_ERR)) ||
            (v[i].wcycle >= 2 && v[i].cmd != CMD_BUFFERED) || (v[i].cmd == CMD_READ_ARRAY0 && v[i].io))
            load_fail(l);
    }
    if (l->bad)
        return false;
    for (unsigned i = 0; i < PFLASH_BANKS; i++) {
        PFlashBank *b = &f->bank[i];
        b->cmd = v[i].cmd;
        b->wcycle = v[i].wcycle;
        b->status = v[i].status;
        b->counter = v[i].counter;
        b->r->io_mode = v[i].io;
    }
    flush_tlbs(f->m);
    return true;
}

static void pflash_destroy(void *opaque)
{
    PFlash *f = opaque;
    for (unsigned i = 0; i < PFLASH_BANKS; i++)
        if (f->bank[i].fd >= 0)
            close(f->bank[i].fd);
    free(f);
}

static const DeviceOps pflash_ops = {
    .type = "cfi.pflash01",
    .version = PFLASH_SAVE_VERSION,
    .reset = pflash_reset,
    .fdt_node = pflash_fdt,
    .save = pflash_save,
    .load = pflash_load,
    .destroy = pflash_destroy,
};

/* Read FD's BANK_SIZE bytes into HOST, leaving all-zero chunks untouched
 * (the lazily reserved memory is zero already: a sparse varstore costs no
 * resident memory). */
static bool read_image(int fd, u8 *host, u64 size)
{
    static const u8 zero[65536];
    u8 *chunk = malloc(sizeof(zero));
    if (!chunk)
        return false;
    for (u64 off = 0; off < size; off += sizeof(zero)) {
        size_t want = size - off < sizeof(zero) ? (size_t)(size - off) : sizeof(zero);
        size_t got = 0;
        while (got < want) {
            ssize_t n = pread(fd, chunk + got, want - got, (off_t)(off + got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                free(chunk);
                return false;
            }
            got += (size_t)n;
        }
        if (memcmp(chunk, zero, want))
            memcpy(host + off, chunk, want);
    }
    free(chunk);
    return true;
}

/* Open and load the file of bank B; false + ERR. */
static bool open_backing(PFlashBank *b, const PFlashBacking *k, u64 size, char *err, size_t n)
{
    bool write = !k->readonly && !k->snapshot;
    int fd = open(k->file, write ? O_RDWR : O_RDONLY);
    if (fd < 0) {
        snprintf(err, n, "-drive file=%s,if=pflash: cannot open%s: %s", k->file,
                 write ? " for writing (readonly=on opens it read-only)" : "", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, n, "-drive file=%s,if=pflash: not a regular file", k->file);
        close(fd);
        return false;
    }
    if ((u64)st.st_size != size) {
        snprintf(err, n, "-drive file=%s,if=pflash: the flash bank needs a file of exactly %llu bytes "
                 "(%llu MiB), this one has %llu (as QEMU; make one with truncate -s %lluM)", k->file,
                 (unsigned long long)size, (unsigned long long)(size >> 20), (unsigned long long)st.st_size,
                 (unsigned long long)(size >> 20));
        close(fd);
        return false;
    }
    if (!read_image(fd, b->r->host, size)) {
        snprintf(err, n, "-drive file=%s,if=pflash: read failed", k->file);
        close(fd);
        return false;
    }
    if (write)
        b->fd = fd;
    else
        close(fd);
    return true;
}

PFlash *pflash_create(Machine *m, const PFlashConfig *cfg, char *err, size_t errlen)
{
    if (!cfg->sector_size || cfg->bank_size % cfg->sector_size || !cfg->device_width ||
        cfg->bank_width % cfg->device_width || cfg->bank_width > 4) {
        snprintf(err, errlen, "flash: inconsistent geometry");
        return NULL;
    }
    PFlash *f = calloc(1, sizeof(*f));
    if (!f) {
        snprintf(err, errlen, "flash: out of memory");
        return NULL;
    }
    f->m = m;
    f->cfg = *cfg;
    for (unsigned i = 0; i < PFLASH_BANKS; i++) {
        f->bank[i].fd = -1;
        f->cfg.bank[i].file = NULL;   /* not kept: the strings belong to the options */
    }
    build_cfi(f);
    char name[32];
    snprintf(name, sizeof(name), "flash@%llx", (unsigned long long)cfg->base);
    Device *d = machine_add_device(m, &pflash_ops, f, name);
    if (!d) {
        free(f);
        snprintf(err, errlen, "flash: cannot register the device");
        return NULL;
    }
    static const char *const region_names[PFLASH_BANKS] = {"flash0", "flash1"};
    for (unsigned i = 0; i < PFLASH_BANKS; i++) {
        PFlashBank *b = &f->bank[i];
        b->f = f;
        b->index = i;
        b->base = cfg->base + i * cfg->bank_size;
        b->readonly = cfg->bank[i].readonly;
        b->status = SR_READY;
        b->r = phys_add_rom_device(m, region_names[i], b->base, cfg->bank_size, pflash_rd, pflash_wr, b);
        if (!b->r) {
            snprintf(err, errlen, "flash: cannot map bank %u", i);
            return NULL;   /* the registry destroys F */
        }
        b->r->secure_only = i == 0 && cfg->secure_bank0;
        if (d->nmmio < DEVICE_MAX_MMIO) {
            d->mmio[d->nmmio].base = b->base;
            d->mmio[d->nmmio].size = cfg->bank_size;
            d->nmmio++;
        }
        if (cfg->bank[i].file && !open_backing(b, &cfg->bank[i], cfg->bank_size, err, errlen))
            return NULL;
    }
    return f;
}

u8 *pflash_bank_memory(PFlash *f, unsigned i)
{
    return f && i < PFLASH_BANKS ? f->bank[i].r->host : NULL;
}
