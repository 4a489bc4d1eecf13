/*
 * machine/virt/virt.h — the QEMU-virt-compatible board: options, memory map
 * (QEMU hw/arm/virt.c base_memmap addresses) and construction.
 */
#ifndef EMU_MACHINE_VIRT_VIRT_H
#define EMU_MACHINE_VIRT_VIRT_H

#include "machine/machine.h"

/* The memory map, as QEMU 7.2 hw/arm/virt.c base_memmap[] (the parts we
 * model); one table, from which the board hands each device its address. */
typedef enum VirtMapId {
    VIRT_FLASH,
    VIRT_GIC_DIST,
    VIRT_GIC_CPU,
    VIRT_GIC_HYP,
    VIRT_GIC_VCPU,
    VIRT_GIC_REDIST,
    VIRT_UART,
    VIRT_RTC,
    VIRT_FW_CFG,
    VIRT_SECURE_UART,
    VIRT_PCTL,          /* not in QEMU: the FVP-style power controller (devices/pctl) */
    VIRT_SECURE_MEM,
    VIRT_MEM,
    VIRT_MAP_N
} VirtMapId;

typedef struct VirtMemMapEntry {
    u64 base, size;   /* bytes */
} VirtMemMapEntry;

extern const VirtMemMapEntry virt_memmap[VIRT_MAP_N];
/* Interrupts (SPI numbers, INTID = 32 + SPI) as QEMU virt's a15irqmap[]. */
extern const u32 virt_irqmap[VIRT_MAP_N];

#define VIRT_FLASH_BASE (virt_memmap[VIRT_FLASH].base)
#define VIRT_RAM_BASE (virt_memmap[VIRT_MEM].base)
#define VIRT_PCTL_BASE (virt_memmap[VIRT_PCTL].base)

#define VIRT_MAX_LOADERS 16
#define VIRT_MAX_DRIVES 16
#define VIRT_MAX_DEVICES 64
#define VIRT_MAX_GLOBALS 16
#define VIRT_MAX_FW_CFG 16

/* One -device loader,... */
typedef struct LoaderSpec {
    const char *file;   /* NULL: only set a PC */
    u64 addr;
    bool has_addr;
    int cpu_num;        /* -1 if not given */
    bool force_raw;
} LoaderSpec;

/* -drive interface (QEMU's if=): the ones we model. */
typedef enum DriveIf {
    DRIVE_IF_NONE,      /* if=none: used by a -device ...,drive=ID */
    DRIVE_IF_PFLASH,    /* if=pflash: CFI flash bank UNIT (0, 1) */
} DriveIf;

/* One -drive file=F,if=none|pflash,format=raw[,id=ID][,unit=N][,readonly=on]
 * [,cache=MODE][,snapshot=on] (QEMU's spelling).  Only raw images: other
 * formats are refused while parsing. */
typedef struct DriveSpec {
    const char *id;      /* id=, NULL if not given */
    const char *file;    /* file= (required) */
    DriveIf iface;
    int unit;            /* unit=, -1 if not given */
    bool readonly;       /* readonly=on */
    bool snapshot;       /* snapshot=on or -snapshot: writes stay in memory */
    const char *cache;   /* cache= as given (writeback, none, writethrough, directsync, unsafe), or NULL */
} DriveSpec;

/* One -device DRIVER[,PROPS] other than `loader` (which is LoaderSpec).
 * The board looks DRIVER up among the devices it models and refuses any
 * other by name; PROPS ("k=v,k=v", NULL if none) is walked with
 * opt_next_prop() (machine/virt/options.h). */
typedef struct DeviceSpec {
    const char *driver;
    char *props;
} DeviceSpec;

/* One -global DRIVER.PROP=VALUE; only the names in options.c's
 * known_globals[] are accepted. */
typedef struct GlobalSpec {
    const char *driver, *prop, *value;
} GlobalSpec;

/* One -fw_cfg [name=]NAME,file=F|string=S (QEMU's spelling): a file item
 * of the fw_cfg device, read from F (at machine creation) or the bytes of
 * S without a NUL. */
typedef struct FwCfgSpec {
    const char *name;
    const char *file;     /* exactly one of file and string is set */
    const char *string;
} FwCfgSpec;

typedef struct VirtOptions {
    unsigned smp;               /* cores */
    unsigned clusters;          /* topology: cores per cluster = smp / clusters */
    bool mpidr_fvp;             /* FVP-style affinity: Aff0 core in cluster, Aff1 cluster */
    u64 ram_size;               /* bytes */
    bool secure;                /* -M virt,secure=on: start at EL3, guest firmware */
    bool virtualization;        /* -M virt,virtualization=on: EL2 */
    int gic_version;            /* 2 or 3 */
    const char *kernel, *bios, *initrd, *append, *dtb, *dump_dtb;
    LoaderSpec loader[VIRT_MAX_LOADERS];
    unsigned nloaders;
    DriveSpec drive[VIRT_MAX_DRIVES];     /* -drive, in command-line order */
    unsigned ndrives;
    DeviceSpec device[VIRT_MAX_DEVICES];  /* -device other than loader, in order */
    unsigned ndevices;
    GlobalSpec global[VIRT_MAX_GLOBALS];  /* -global */
    unsigned nglobals;
    bool snapshot;              /* -snapshot: every -drive as snapshot=on */
    FwCfgSpec fw_cfg[VIRT_MAX_FW_CFG];    /* -fw_cfg, in order */
    unsigned nfw_cfg;
    bool semihosting;
    const char *semihosting_config;  /* -semihosting-config value (its arg= parts), or NULL */
    bool no_reboot;
    u32 trace;
    const char *trace_file;
    const char *serial_file;    /* NULL: stdout */
    struct { const char *id, *path; } chardev[4];   /* -chardev (path NULL: stdio) */
    unsigned nchardevs;
    u64 quantum;                /* instructions per round-robin slot */
    u64 ns_per_insn;
    u64 stop_after;             /* 0: no limit */
    u64 digest_every;           /* 0: no determinism checkpoints */
    const char *digest_file, *expect_digests;
    const char *step_log;       /* --step-log F */
    const char *tarmac;         /* --tarmac F */
    const char *record, *replay;  /* --record F / --replay F */
    const char *gdb;            /* NULL, or "tcp::PORT" / "unix:PATH" */
    bool gdb_wait;              /* -S */
    bool stats;                 /* --stats: instructions, wall time and MIPS to stderr at exit */
    bool pctl_startup_core0;    /* --pctl-startup core0: guest-EL3 mode powers on core 0 only */
    bool reopen_append;         /* after SYSTEM_RESET: trace/serial files are appended to */
    u64 rtc_epoch;              /* --rtc-epoch: PL031 counter at reset, seconds */
    bool no_stdin;              /* --no-stdin: the UART reads no host input */
    /* Trace filters --trace-core / --trace-el / --trace-range (see Machine) */
    u64 trace_cores;
    u32 trace_els;
    bool trace_range;
    u64 trace_lo, trace_hi;
    /* Copies of option arguments that fields above point into (-M,
     * -device); freed by opt_free() (machine/virt/options.h). */
    char *owned[VIRT_MAX_LOADERS + VIRT_MAX_DRIVES + VIRT_MAX_DEVICES + VIRT_MAX_GLOBALS + VIRT_MAX_FW_CFG + 8];
    unsigned nowned;
} VirtOptions;

void virt_default_options(VirtOptions *o);
/* Build the machine and load the images.  Returns NULL after printing one
 * clear error (bad image, no memory...). */
Machine *virt_create(const VirtOptions *o);
void virt_destroy(Machine *m);

/* Load images, build/place the DTB and set the boot registers (boot.c).
 * With o->dump_dtb only writes the DTB.  False + ERR on failure. */
bool virt_boot(Machine *m, const VirtOptions *o, char *err, size_t errlen);

/* ---- device tree (machine/virt/fdt.c) ---- */

/* Build the board's DTB (libfdt): the board's own nodes (root, chosen,
 * memory) and every registered device's.  INITRD_* describe a loaded
 * initrd (size 0 for none).  Returns a malloc'ed blob and its size, or
 * NULL. */
void *virt_build_fdt(Machine *m, const VirtOptions *o, u64 initrd_start, u64 initrd_size, size_t *size);
/* Register the board's own device-tree entries that are not devices of
 * their own folder: the /cpus node (topology) and the APB clock. */
bool virt_add_cpus_node(Machine *m);
bool virt_add_apb_clock(Machine *m);

/* ---- loader (machine/virt/loader.c) ---- */

/* Load an ELF file's PT_LOAD segments into guest memory. Returns false with
 * a message in ERR on a missing/truncated/non-AArch64 file or a segment
 * outside RAM/flash; *ENTRY gets the entry point. */
bool load_elf(Machine *m, const char *path, u64 *entry, char *err, size_t errlen);
/* Is PATH an ELF file (by its magic)? */
bool file_is_elf(const char *path);
/* Load a raw file at PA; returns its size in *size. */
bool load_raw(Machine *m, const char *path, u64 pa, u64 *size, char *err, size_t errlen);

#endif
