/*
 * mmu/physmem.h — the guest physical address map: RAM/ROM regions backed by
 * lazily reserved host memory and MMIO windows with device callbacks
 * (mmu/physmem.c).  The board builds it (RAM, flash) and devices add their
 * windows through the registry (devices/device.h device_map_mmio); the MMU
 * looks it up on every TLB fill.
 */
#ifndef EMU_MMU_PHYSMEM_H
#define EMU_MMU_PHYSMEM_H

#include "cpu/cpu.h"

#define HS_MAX_REGIONS 64

/* An MMIO device callback.  OFF is the byte offset inside the region, SIZE
 * 1/2/4/8 bytes, CPU the accessing core (for banked registers; may be NULL
 * for debugger accesses).  Return false to signal a slave error, which the
 * core takes as a synchronous External abort (DFSC 0x10). */
typedef bool (*MmioRead)(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 *val);
typedef bool (*MmioWrite)(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 val);

/* Predecode cache entry (decoder/decode.h). */
typedef struct DecodedInsn DecodedInsn;

typedef struct MemRegion {
    const char *name;
    u64 base, size;           /* bytes */
    u8 *host;                 /* RAM/ROM: host memory, else NULL (MMIO) */
    DecodedInsn *code;        /* RAM/ROM: predecode array, one per 4 bytes */
    bool readonly;            /* ROM/flash: writes abort */
    bool secure_only;         /* only reachable from the Secure PA space */
    /* ROM device (CFI flash): HOST holds the contents and WRITE gets every
     * write; reads come from HOST while !io_mode (read-array: the soft TLB
     * caches them) and from READ while io_mode (command/status modes: no
     * TLB entries).  A device that sets io_mode flushes every core's TLB. */
    bool rom_device;
    bool io_mode;
    u8 *dirty;                /* RAM/ROM: one bit per 4 KiB page written since
                                 the last digest checkpoint (trace/digest.c) */
    u8 *ckpt_dirty;           /* RAM/ROM: same, since the last in-memory checkpoint
                                 (machine/checkpoint.c); NULL when those are off */
    MmioRead read;
    MmioWrite write;
    void *opaque;
} MemRegion;

/* Add guest RAM of SIZE bytes at BASE, reserved lazily (no resident cost
 * until touched).  Returns the region or NULL (after logging) on overlap or
 * host allocation failure. */
MemRegion *phys_add_ram(Machine *m, const char *name, u64 base, u64 size, bool readonly);
/* Add an MMIO device window (devices use device_map_mmio()).  NULL after
 * logging on overlap or a full map. */
MemRegion *phys_add_mmio(Machine *m, const char *name, u64 base, u64 size,
                         MmioRead rd, MmioWrite wr, void *opaque);
/* Add a ROM device of SIZE bytes at BASE (see MemRegion.rom_device):
 * lazily reserved host memory for the contents plus the callbacks that
 * take writes (always) and reads (in io_mode).  NULL after logging. */
MemRegion *phys_add_rom_device(Machine *m, const char *name, u64 base, u64 size,
                               MmioRead rd, MmioWrite wr, void *opaque);
/* Release the host memory of every region of M. */
void phys_free(Machine *m);
/* Region containing PA, or NULL. */
MemRegion *phys_find(Machine *m, u64 pa);
/* Debugger/loader access: copy LEN bytes to/from guest physical memory
 * (RAM/ROM only).  Returns false if any byte is outside RAM/ROM. */
bool phys_write_buf(Machine *m, u64 pa, const void *buf, u64 len);
bool phys_read_buf(Machine *m, u64 pa, void *buf, u64 len);
/* One access of SIZE bytes (1/2/4/8) at PA, RAM or MMIO.  Returns false on
 * an access to nothing or a device error (the caller raises the abort). */
bool phys_read(Machine *m, Cpu *cpu, u64 pa, unsigned size, u64 *val);
bool phys_write(Machine *m, Cpu *cpu, u64 pa, unsigned size, u64 val);

/* Reads of R come from its host memory (RAM, ROM, ROM device in
 * read-array mode). */
static inline bool phys_reads_host(const MemRegion *r)
{
    return r->host && !r->io_mode;
}

/* Mark the 4 KiB page of PA in RAM region R as written (cold: called when a
 * write TLB entry is filled and on slow-path/debugger writes). */
static inline void phys_mark_dirty(MemRegion *r, u64 pa)
{
    if (r->dirty) {
        u64 pg = (pa - r->base) >> 12;
        r->dirty[pg >> 3] |= (u8)(1u << (pg & 7));
        if (unlikely(r->ckpt_dirty))
            r->ckpt_dirty[pg >> 3] |= (u8)(1u << (pg & 7));
    }
}

#endif
