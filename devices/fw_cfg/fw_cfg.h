/*
 * devices/fw_cfg/fw_cfg.h — QEMU's firmware configuration device, MMIO
 * flavour with the DMA interface (QEMU docs/specs/fw_cfg.txt, behaviour of
 * QEMU 7.2 hw/nvram/fw_cfg.c), as on the virt board (0x09020000, 0x18
 * bytes, "qemu,fw-cfg-mmio"):
 *   +0   data      read 1/2/4/8 bytes of the selected item, in item order;
 *                  writes are ignored (QEMU >= 2.4)
 *   +8   selector  16-bit big-endian write: select an item, offset 0
 *   +16  DMA       64-bit big-endian address of a FWCfgDmaAccess
 *                  {be32 control, be32 length, be64 address}; a 64-bit
 *                  write or the write of the low 32-bit half (+20) runs it;
 *                  reads return the signature "QEMU CFG"
 * Other accesses (selector reads, odd widths on DMA, the hole at +10) are
 * slave errors, as QEMU's decode errors.
 *
 * DMA descriptors and buffers come from the guest: every range is checked
 * against the guest's Non-secure RAM; anything else (MMIO, flash, Secure
 * RAM, nothing, wrap-around) ends the transfer with FW_CFG_DMA_CTL_ERROR,
 * never a host access outside guest RAM.
 */
#ifndef EMU_DEVICES_FW_CFG_FW_CFG_H
#define EMU_DEVICES_FW_CFG_FW_CFG_H

#include "devices/device.h"

/* Selector keys (fw_cfg.txt "Selector (Control) Register", QEMU
 * include/standard-headers/linux/qemu_fw_cfg.h). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_FILE_SLOTS = 0x20,   /* QEMU 7.2 machines' x-file-slots */
    FW_CFG_WRITE_CHANNEL = 0x4000,
    FW_CFG_ARCH_LOCAL = 0x8000,
    FW_CFG_INVALID = 0xffff,
};

/* FW_CFG_ID feature bits. */
enum { FW_CFG_VERSION = 0x01, FW_CFG_VERSION_DMA = 0x02 };

/* FWCfgDmaAccess.control bits. */
enum {
    FW_CFG_DMA_CTL_ERROR = 0x01,
    FW_CFG_DMA_CTL_READ = 0x02,
    FW_CFG_DMA_CTL_SKIP = 0x04,
    FW_CFG_DMA_CTL_SELECT = 0x08,
    FW_CFG_DMA_CTL_WRITE = 0x10,
};

/* Longest file name with its NUL (FWCfgFile.name). */
#define FW_CFG_MAX_FILE_PATH 56

typedef struct FwCfg FwCfg;

/*
 * Create the device at BASE (0x18 bytes) and register it (type "fw_cfg",
 * node "fw-cfg@BASE" with compatible "qemu,fw-cfg-mmio" and dma-coherent,
 * as QEMU virt's create_fw_cfg()).  It starts with QEMU's common items:
 * signature "QEMU", ID (FW_CFG_VERSION | FW_CFG_VERSION_DMA), a zero UUID,
 * NOGRAPHIC = 1 (hyperstep has no display), BOOT_MENU = 0, and the files
 * "bootorder" and "bios-geometry" (empty: no device has a bootindex) and
 * "etc/boot-fail-wait" (le32 -1).  NULL after logging.
 */
FwCfg *fw_cfg_create(Machine *m, u64 base);

/* Set item KEY (< FW_CFG_FILE_FIRST) to a copy of LEN bytes of DATA
 * (replacing any previous value).  False on a bad key or no memory. */
bool fw_cfg_add_bytes(FwCfg *s, u16 key, const void *data, u32 len);
/* Little-endian integers, as QEMU's fw_cfg_add_i16/i32. */
bool fw_cfg_add_i16(FwCfg *s, u16 key, u16 v);
bool fw_cfg_add_i32(FwCfg *s, u16 key, u32 v);
/*
 * Add file NAME (shorter than FW_CFG_MAX_FILE_PATH) with a copy of LEN
 * bytes of DATA; the directory stays sorted by name (strcmp), files taking
 * keys FW_CFG_FILE_FIRST.. in that order, as QEMU does for current machine
 * types.  False with a message in ERR on a duplicate name, a name too long,
 * too many files or no memory.
 */
bool fw_cfg_add_file(FwCfg *s, const char *name, const void *data, u32 len, char *err, size_t errlen);
/* The key of file NAME, or FW_CFG_INVALID. */
u16 fw_cfg_file_key(const FwCfg *s, const char *name);

/* Run the DMA transfer whose descriptor is at guest PA DESC (what a write
 * of the DMA address register does); exposed for tests. */
void fw_cfg_dma_run(FwCfg *s, u64 desc);

/* Save format version: the selected key, the offset in it and the pending
 * DMA address (items themselves come from the command line). */
#define FW_CFG_SAVE_VERSION 1

#endif
