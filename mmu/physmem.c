/*
 * mmu/physmem.c — guest physical address map: RAM/ROM regions backed by
 * lazily reserved host memory, and MMIO windows with device callbacks.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "cpu/machine_core.h"
#include "decoder/decode.h"
#include "mmu/physmem.h"

static void *reserve(u64 bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static MemRegion *add_region(Machine *m, const char *name, u64 base, u64 size)
{
    if (m->nregions >= HS_MAX_REGIONS) {
        hs_log("hyperstep: too many memory regions (adding %s)", name);
        return NULL;
    }
    for (unsigned i = 0; i < m->nregions; i++) {
        const MemRegion *r = &m->region[i];
        if (base < r->base + r->size && r->base < base + size) {
            hs_log("hyperstep: region %s [0x%llx+0x%llx) overlaps %s", name,
                   (unsigned long long)base, (unsigned long long)size, r->name);
            return NULL;
        }
    }
    MemRegion *r = &m->region[m->nregions++];
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->base = base;
    r->size = size;
    return r;
}

MemRegion *phys_add_ram(Machine *m, const char *name, u64 base, u64 size, bool readonly)
{
    MemRegion *r = add_region(m, name, base, size);
    if (!r)
        return NULL;
    r->host = reserve(size);
    r->code = reserve(size / 4 * sizeof(DecodedInsn));
    r->dirty = calloc(size / 4096 / 8 + 1, 1);
    if (!r->host || !r->code || !r->dirty) {
        hs_log("hyperstep: cannot reserve %llu MiB of host memory for %s",
               (unsigned long long)(size >> 20), name);
        if (r->host)
            munmap(r->host, size);
        if (r->code)
            munmap(r->code, size / 4 * sizeof(DecodedInsn));
        free(r->dirty);
        m->nregions--;
        return NULL;
    }
    r->readonly = readonly;
    return r;
}

void phys_free(Machine *m)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (r->host)
            munmap(r->host, r->size);
        if (r->code)
            munmap(r->code, r->size / 4 * sizeof(DecodedInsn));
        free(r->dirty);
        free(r->ckpt_dirty);
        r->ckpt_dirty = NULL;
        r->host = NULL;
        r->code = NULL;
        r->dirty = NULL;
    }
    m->nregions = 0;
}

MemRegion *phys_add_mmio(Machine *m, const char *name, u64 base, u64 size,
                         MmioRead rd, MmioWrite wr, void *opaque)
{
    MemRegion *r = add_region(m, name, base, size);
    if (!r)
        return NULL;
    r->read = rd;
    r->write = wr;
    r->opaque = opaque;
    return r;
}

MemRegion *phys_add_rom_device(Machine *m, const char *name, u64 base, u64 size,
                               MmioRead rd, MmioWrite wr, void *opaque)
{
    MemRegion *r = phys_add_ram(m, name, base, size, true);
    if (!r)
        return NULL;
    r->rom_device = true;
    r->read = rd;
    r->write = wr;
    r->opaque = opaque;
    return r;
}

MemRegion *phys_find(Machine *m, u64 pa)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (pa - r->base < r->size)
            return r;
    }
    return NULL;
}

static bool buf_access(Machine *m, u64 pa, void *buf, u64 len, bool write)
{
    u8 *p = buf;
    while (len) {
        MemRegion *r = phys_find(m, pa);
        if (!r || !r->host)
            return false;
        u64 off = pa - r->base;
        u64 n = r->size - off < len ? r->size - off : len;
        if (write) {
            memcpy(r->host + off, p, n);
            for (u64 a = pa & ~0xfffull; a < pa + n; a += 4096)
                phys_mark_dirty(r, a);
        }
        else
            memcpy(p, r->host + off, n);
        p += n;
        pa += n;
        len -= n;
    }
    return true;
}

bool phys_write_buf(Machine *m, u64 pa, const void *buf, u64 len)
{
    return buf_access(m, pa, (void *)buf, len, true);
}

bool phys_read_buf(Machine *m, u64 pa, void *buf, u64 len)
{
    return buf_access(m, pa, buf, len, false);
}

bool phys_read(Machine *m, Cpu *cpu, u64 pa, unsigned size, u64 *val)
{
    MemRegion *r = phys_find(m, pa);
    if (!r || pa - r->base + size > r->size)
        return false;
    if (phys_reads_host(r)) {
        u64 v = 0;
        memcpy(&v, r->host + (pa - r->base), size);
        *val = v;
        return true;
    }
    if (!r->read)
        return false;
    return r->read(r->opaque, cpu, pa - r->base, size, val);
}

bool phys_write(Machine *m, Cpu *cpu, u64 pa, unsigned size, u64 val)
{
    MemRegion *r = phys_find(m, pa);
    if (!r || pa - r->base + size > r->size)
        return false;
    if (r->host && !r->rom_device) {
        if (r->readonly)
            return false;
        phys_mark_dirty(r, pa);
        memcpy(r->host + (pa - r->base), &val, size);
        return true;
    }
    if (!r->write)
        return false;
    return r->write(r->opaque, cpu, pa - r->base, size, val);
}
