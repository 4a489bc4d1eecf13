/*
 * devices/fw_cfg/fw_cfg.c — QEMU fw_cfg, MMIO + DMA (see fw_cfg.h).
 * Items are fixed when the machine is built (command line, board), so the
 * device state a guest changes is only the selection, the offset in it and
 * the DMA address register.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fw_cfg/fw_cfg.h"

#define FW_CFG_ENTRIES (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_ENTRY_MASK 0x3fff
#define FW_CFG_WINDOW 0x18
#define DMA_SIGNATURE "QEMU CFG"   /* big-endian 0x51454d5520434647 */

typedef struct FwCfgEntry {
    u8 *data;   /* malloc'ed, NULL when empty */
    u32 len;
} FwCfgEntry;

struct FwCfg {
    Machine *m;
    u64 base;
    FwCfgEntry entry[FW_CFG_ENTRIES];
    char file[FW_CFG_FILE_SLOTS][FW_CFG_MAX_FILE_PATH];   /* sorted names */
    unsigned nfiles;
    /* Guest-visible state. */
    u16 cur;          /* selected key, FW_CFG_INVALID if none */
    u32 offset;       /* next byte of the selected item */
    u64 dma_addr;     /* DMA address register (high half written first) */
};

static void put_be32(u8 *p, u32 v)
{
    p[0] = (u8)(v >> 24), p[1] = (u8)(v >> 16), p[2] = (u8)(v >> 8), p[3] = (u8)v;
}

static u32 get_be32(const u8 *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static bool set_entry(FwCfg *s, unsigned key, const void *data, u32 len)
{
    u8 *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            return false;
        memcpy(copy, data, len);
    }
    free(s->entry[key].data);
    s->entry[key].data = copy;
    s->entry[key].len = len;
    return true;
}

bool fw_cfg_add_bytes(FwCfg *s, u16 key, const void *data, u32 len)
{
    if (key >= FW_CFG_FILE_FIRST || key == FW_CFG_FILE_DIR)
        return false;
    return set_entry(s, key, data, len);
}

bool fw_cfg_add_i16(FwCfg *s, u16 key, u16 v)
{
    u8 b[2] = {(u8)v, (u8)(v >> 8)};
    return fw_cfg_add_bytes(s, key, b, 2);
}

bool fw_cfg_add_i32(FwCfg *s, u16 key, u32 v)
{
    u8 b[4] = {(u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24)};
    return fw_cfg_add_bytes(s, key, b, 4);
}

/* FW_CFG_FILE_DIR: be32 count, then per file {be32 size, be16 select,
 * be16 reserved, char name[56]} (fw_cfg.txt "File Directory"). */
static bool rebuild_dir(FwCfg *s)
{
    u32 len = 4 + s->nfiles * (8 + FW_CFG_MAX_FILE_PATH);
    u8 *d = calloc(1, len);
    if (!d)
        return false;
    put_be32(d, s->nfiles);
    for (unsigned i = 0; i < s->nfiles; i++) {
        u8 *e = d + 4 + i * (8 + FW_CFG_MAX_FILE_PATH);
        put_be32(e, s->entry[FW_CFG_FILE_FIRST + i].len);
        e[4] = (u8)((FW_CFG_FILE_FIRST + i) >> 8);
        e[5] = (u8)(FW_CFG_FILE_FIRST + i);
        memcpy(e + 8, s->file[i], FW_CFG_MAX_FILE_PATH);
    }
    free(s->entry[FW_CFG_FILE_DIR].data);
    s->entry[FW_CFG_FILE_DIR].data = d;
    s->entry[FW_CFG_FILE_DIR].len = len;
    return true;
}

bool fw_cfg_add_file(FwCfg *s, const char *name, const void *data, u32 len, char *err, size_t errlen)
{
    size_t nl = strlen(name);
    if (nl == 0 || nl >= FW_CFG_MAX_FILE_PATH) {
        snprintf(err, errlen, "fw_cfg file name '%s': %s", name,
                 nl ? "too long (at most 55 characters)" : "empty");
        return false;
    }
    unsigned at = 0;
    while (at < s->nfiles && strcmp(s->file[at], name) < 0)
        at++;
    if (at < s->nfiles && !strcmp(s->file[at], name)) {
        snprintf(err, errlen, "duplicate fw_cfg file name: %s", name);
        return false;
    }
    if (s->nfiles >= FW_CFG_FILE_SLOTS) {
        snprintf(err, errlen, "fw_cfg: no free file slot for %s (%d files at most)", name, FW_CFG_FILE_SLOTS);
        return false;
    }
    u8 *copy = NULL;
    if (len && !(copy = malloc(len))) {
        snprintf(err, errlen, "fw_cfg: out of memory for %s", name);
        return false;
    }
    if (len)
        memcpy(copy, data, len);
    /* Insert: the files after AT move up one key. */
    for (unsigned i = s->nfiles; i > at; i--) {
        memcpy(s->file[i], s->file[i - 1], FW_CFG_MAX_FILE_PATH);
        s->entry[FW_CFG_FILE_FIRST + i] = s->entry[FW_CFG_FILE_FIRST + i - 1];
    }
    memset(s->file[at], 0, FW_CFG_MAX_FILE_PATH);
    memcpy(s->file[at], name, nl);
    s->entry[FW_CFG_FILE_FIRST + at] = (FwCfgEntry){copy, len};
    s->nfiles++;
    if (!rebuild_dir(s)) {
        snprintf(err, errlen, "fw_cfg: out of memory");
        return false;
    }
    return true;
}

u16 fw_cfg_file_key(const FwCfg *s, const char *name)
{
    for (unsigned i = 0; i < s->nfiles; i++)
        if (!strncmp(s->file[i], name, FW_CFG_MAX_FILE_PATH))
            return (u16)(FW_CFG_FILE_FIRST + i);
    return FW_CFG_INVALID;
}

/* The selected item, or NULL (no selection, an arch-local key: none on
 * this board, or an empty key). */
static const FwCfgEntry *current(const FwCfg *s)
{
    if (s->cur == FW_CFG_INVALID || (s->cur & FW_CFG_ARCH_LOCAL))
        return NULL;
    const FwCfgEntry *e = &s->entry[s->cur & FW_CFG_ENTRY_MASK];
    return e->data ? e : NULL;
}

/* fw_cfg_select(): keys beyond the table select nothing. */
static void select_key(FwCfg *s, u16 key)
{
    s->offset = 0;
    s->cur = (key & FW_CFG_ENTRY_MASK) >= FW_CFG_ENTRIES ? FW_CFG_INVALID : key;
}

/* [PA, PA+LEN) lies in Non-secure guest RAM (DMA never reaches devices,
 * flash or Secure memory). */
static bool dma_range_ok(Machine *m, u64 pa, u64 len)
{
    if (len == 0)
        return true;
    if (pa + len - 1 < pa)
        return false;
    while (len) {
        MemRegion *r = phys_find(m, pa);
        if (!r || !r->host || r->readonly || r->rom_device || r->secure_only)
            return false;
        u64 n = r->base + r->size - pa;
        if (n >= len)
            return true;
        pa += n;
        len -= n;
    }
    return true;
}

static bool dma_write(FwCfg *s, u64 pa, const void *src, u64 len)
{
    return dma_range_ok(s->m, pa, len) && phys_write_buf(s->m, pa, src, len);
}

/* Zero LEN guest bytes at PA (a read past the item's end). */
static bool dma_zero(FwCfg *s, u64 pa, u64 len)
{
    static const u8 zero[4096];
    if (!dma_range_ok(s->m, pa, len))
        return false;
    while (len) {
        u64 n = len < sizeof(zero) ? len : sizeof(zero);
        phys_write_buf(s->m, pa, zero, n);
        pa += n;
        len -= n;
    }
    return true;
}

/* QEMU fw_cfg_dma_transfer(): read the descriptor, optionally select,
 * then read/skip/write LENGTH bytes; the resulting control word (0, or
 * FW_CFG_DMA_CTL_ERROR) is written back big-endian into the descriptor. */
void fw_cfg_dma_run(FwCfg *s, u64 desc)
{
    u8 d[16];
    if (!dma_range_ok(s->m, desc, 16) || !phys_read_buf(s->m, desc, d, 16)) {
        u8 e[4];
        put_be32(e, FW_CFG_DMA_CTL_ERROR);
        dma_write(s, desc, e, 4);   /* if even that is outside RAM: nothing */
        return;
    }
    u32 control = get_be32(d), length = get_be32(d + 4);
    u64 addr = (u64)get_be32(d + 8) << 32 | get_be32(d + 12);
    if (control & FW_CFG_DMA_CTL_SELECT)
        select_key(s, (u16)(control >> 16));
    bool read = false, write = false;
    if (control & FW_CFG_DMA_CTL_READ)
        read = true;
    else if (control & FW_CFG_DMA_CTL_WRITE)
        write = true;
    else if (!(control & FW_CFG_DMA_CTL_SKIP))
        length = 0;
    u32 result = 0;
    while (length > 0 && !(result & FW_CFG_DMA_CTL_ERROR)) {
        const FwCfgEntry *e = current(s);
        u32 len;
        if (!e || s->offset >= e->len) {
            len = length;
            if (read && !dma_zero(s, addr, len))
                result |= FW_CFG_DMA_CTL_ERROR;
            if (write)
                result |= FW_CFG_DMA_CTL_ERROR;
        } else {
            len = e->len - s->offset < length ? e->len - s->offset : length;
            if (read && !dma_write(s, addr, e->data + s->offset, len))
                result |= FW_CFG_DMA_CTL_ERROR;
            if (write)   /* no item of this board is guest-writable */
                result |= FW_CFG_DMA_CTL_ERROR;
            s->offset += len;
        }
        addr += len;
        length -= len;
    }
    u8 c[4];
    put_be32(c, result);
    dma_write(s, desc, c, 4);
}

static u64 bswap(u64 v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((u16)v);
    case 4: return __builtin_bswap32((u32)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

static bool fw_cfg_rd(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    (void)c;
    FwCfg *s = opaque;
    if (off + size <= 8) {   /* data: the next SIZE bytes in item order, zero-padded */
        const FwCfgEntry *e = current(s);
        u64 v = 0;
        for (unsigned i = 0; i < size && e && s->offset < e->len; i++)
            v |= (u64)e->data[s->offset++] << (8 * i);
        *val = v;
        return true;
    }
    if (off >= 16 && off + size <= 24) {   /* DMA register reads: the signature */
        u64 v = 0;
        memcpy(&v, DMA_SIGNATURE + (off - 16), size);
        *val = v;
        return true;
    }
    return false;   /* selector reads, the hole: decode error */
}

static bool fw_cfg_wr(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    (void)c;
    FwCfg *s = opaque;
    if (off + size <= 8)
        return true;   /* data writes are ignored (QEMU >= 2.4) */
    if (off == 8 && size == 2) {
        select_key(s, (u16)bswap(val, 2));
        return true;
    }
    if (off == 16 && size == 4) {
        s->dma_addr = bswap(val, 4) << 32;
        return true;
    }
    if (off == 20 && size == 4) {
        s->dma_addr |= bswap(val, 4);
        u64 desc = s->dma_addr;
        s->dma_addr = 0;
        fw_cfg_dma_run(s, desc);
        return true;
    }
    if (off == 16 && size == 8) {
        s->dma_addr = 0;
        fw_cfg_dma_run(s, bswap(val, 8));
        return true;
    }
    return false;
}

static void fw_cfg_reset(void *opaque)
{
    FwCfg *s = opaque;
    s->cur = FW_CFG_INVALID;
    s->offset = 0;
    s->dma_addr = 0;
}

static int fw_cfg_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    (void)ctx;
    FwCfg *s = opaque;
    char name[32];
    int e;
    snprintf(name, sizeof(name), "fw-cfg@%llx", (unsigned long long)s->base);
    if ((e = fdt_begin_node(fdt, name)) < 0 || (e = fdt_property(fdt, "dma-coherent", NULL, 0)) < 0 ||
        (e = fdt_prop_reg(fdt, s->base, FW_CFG_WINDOW)) < 0 ||
        (e = fdt_property_string(fdt, "compatible", "qemu,fw-cfg-mmio")) < 0)
        return e;
    return fdt_end_node(fdt);
}

static void fw_cfg_save(void *opaque, SaveBuf *b)
{
    FwCfg *s = opaque;
    save_u16(b, s->cur);
    save_u32(b, s->offset);
    save_u64(b, s->dma_addr);
}

static bool fw_cfg_load(void *opaque, LoadBuf *b)
{
    FwCfg *s = opaque;
    u16 cur = load_u16(b);
    u32 offset = load_u32(b);
    u64 dma = load_u64(b);
    if (cur != FW_CFG_INVALID && (cur & FW_CFG_ENTRY_MASK) >= FW_CFG_ENTRIES)
        load_fail(b);
    if (b->bad)
        return false;
    s->cur = cur;
    s->offset = offset;   /* any offset is safe: reads stop at the item's end */
    s->dma_addr = dma;
    return true;
}

static void fw_cfg_destroy(void *opaque)
{
    FwCfg *s = opaque;
    for (unsigned i = 0; i < FW_CFG_ENTRIES; i++)
        free(s->entry[i].data);
    free(s);
}

static const DeviceOps fw_cfg_ops = {
    .type = "fw_cfg",
    .version = FW_CFG_SAVE_VERSION,
    .reset = fw_cfg_reset,
    .fdt_node = fw_cfg_fdt,
    .save = fw_cfg_save,
    .load = fw_cfg_load,
    .destroy = fw_cfg_destroy,
};

FwCfg *fw_cfg_create(Machine *m, u64 base)
{
    FwCfg *s = calloc(1, sizeof(*s));
    if (!s) {
        hs_log("hyperstep: fw_cfg: out of memory");
        return NULL;
    }
    s->m = m;
    s->base = base;
    fw_cfg_reset(s);
    char name[32];
    snprintf(name, sizeof(name), "fw-cfg@%llx", (unsigned long long)base);
    Device *d = machine_add_device(m, &fw_cfg_ops, s, name);
    if (!d) {
        free(s);
        return NULL;
    }
    if (!device_map_mmio(m, d, "fw_cfg", base, FW_CFG_WINDOW, fw_cfg_rd, fw_cfg_wr, false))
        return NULL;
    static const u8 uuid[16];
    u32 rt = 0xffffffffu;   /* etc/boot-fail-wait: le32 -1, no reboot timeout */
    u8 rt_le[4] = {(u8)rt, (u8)(rt >> 8), (u8)(rt >> 16), (u8)(rt >> 24)};
    char err[128];
    if (!fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4) ||
        !fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid)) ||
        !fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, 1) || !fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, 0) ||
        !fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA) ||
        !fw_cfg_add_file(s, "etc/boot-fail-wait", rt_le, 4, err, sizeof(err)) ||
        !fw_cfg_add_file(s, "bootorder", NULL, 0, err, sizeof(err)) ||
        !fw_cfg_add_file(s, "bios-geometry", NULL, 0, err, sizeof(err)) || !rebuild_dir(s)) {
        hs_log("hyperstep: fw_cfg: out of memory");
        return NULL;
    }
    return s;
}
