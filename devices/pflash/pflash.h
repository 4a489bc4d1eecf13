/*
 * devices/pflash/pflash.h — CFI parallel NOR flash with the Intel/Sharp
 * command set, as QEMU 7.2's pflash_cfi01 on the virt board: two banks
 * side by side (virt: 64 MiB each at 0x0 and 0x04000000), each made of two
 * x16 devices on a 32-bit bus (bank width 4, device width 2), uniform
 * erase blocks (virt: 256 KiB per bank, 128 KiB per device).
 *
 * Commands (Intel "Common Flash Interface" / StrataFlash command set,
 * first bus cycle): 0xff/0x00 read array, 0x90 read identifier,
 * 0x98 CFI query, 0x70 read status, 0x50 clear status, 0x10/0x40 word
 * program, 0xe8 buffered program (count, data..., 0xd0), 0x20 block erase
 * (0xd0 confirms), 0x60 block lock setup (0x01/0xd0: accepted, no lock is
 * modelled, as QEMU), 0xf0 (AMD reset probe: back to read array).
 * Status register: bit 7 WSM ready, bit 5 erase error, bit 4 program error
 * (a read-only bank sets them instead of changing its contents).
 *
 * Reads in read-array mode come straight from host memory (a ROM device
 * region, mmu/physmem.h: the soft TLB caches them); the first command write
 * switches the bank to io_mode until it returns to read array.
 */
#ifndef EMU_DEVICES_PFLASH_PFLASH_H
#define EMU_DEVICES_PFLASH_PFLASH_H

#include "devices/device.h"

#define PFLASH_BANKS 2

/* How one bank is backed. */
typedef struct PFlashBacking {
    const char *file;   /* raw image the bank reads and writes through, or
                           NULL: contents in memory only, erased to zero as
                           QEMU's flash without a drive */
    bool readonly;      /* program/erase fail with status bits 4/5 */
    bool snapshot;      /* file read at start, writes stay in memory */
} PFlashBacking;

/* The flash pair as the board places it. */
typedef struct PFlashConfig {
    u64 base;           /* bank 0; bank 1 follows at base + bank_size */
    u64 bank_size;      /* bytes per bank (a multiple of sector_size) */
    u32 sector_size;    /* erase block of the bank, bytes */
    unsigned bank_width;    /* bytes on the bus (4) */
    unsigned device_width;  /* bytes per device (2); bank_width / device_width devices */
    u8 ident[4];        /* read-identifier codes: manufacturer, device, 2 more */
    bool secure_bank0;  /* bank 0 reachable from the Secure PA space only
                           (QEMU virt with secure=on) */
    PFlashBacking bank[PFLASH_BANKS];
} PFlashConfig;

typedef struct PFlash PFlash;

/*
 * Create both banks, load each file-backed bank from its file and register
 * the device (type "cfi.pflash01": one device-tree node as QEMU virt writes
 * it, `flash@BASE` with both banks, or with secure_bank0 `secflash@BASE`
 * for bank 0 and `flash@BASE` for bank 1).  A file whose size is not
 * exactly bank_size (QEMU 7.2 refuses those too), that cannot be opened
 * (for writing unless readonly/snapshot) or read is one clear error in ERR;
 * NULL then.
 */
PFlash *pflash_create(Machine *m, const PFlashConfig *cfg, char *err, size_t errlen);

/* Host pointer to the contents of bank I (bank_size bytes), for loaders
 * (-bios); NULL for a bad index. */
u8 *pflash_bank_memory(PFlash *f, unsigned i);

/* Save format version (DeviceOps.version).  The state saved is each bank's
 * command state (command, write cycle, status, buffered-program count and
 * read mode); the contents live in the bank's memory region, saved with
 * guest memory. */
#define PFLASH_SAVE_VERSION 1

#endif
