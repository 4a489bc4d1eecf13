/*
 * machine/virt/virt.h — the QEMU-virt-compatible board: options, memory map
 * (QEMU hw/arm/virt.c base_memmap addresses) and construction.
 */
#ifndef EMU_MACHINE_VIRT_VIRT_H
#define EMU_MACHINE_VIRT_VIRT_H

#include "machine/chardev.h"
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
    VIRT_GPIO,
    VIRT_SECURE_UART,
    VIRT_MMIO,          /* the first of VIRT_NUM_VIRTIO_TRANSPORTS virtio-mmio transports; size: one */
    VIRT_PCTL,          /* not in QEMU: the FVP-style power controller (devices/pctl) */
    VIRT_SECURE_GPIO,
    VIRT_PLATFORM_BUS,
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

/* Device-tree phandles the board hands out (the GIC's and the APB clock's
 * are machine/virt/fdt.c's PHANDLE_GIC / PHANDLE_CLK). */
#define VIRT_PHANDLE_GPIO 0x8007
#define VIRT_PHANDLE_SECURE_GPIO 0x8008
#define VIRT_PHANDLE_CPU0 0x8100   /* core I: VIRT_PHANDLE_CPU0 + I (cpu-map) */

/* QEMU virt's GPIO wiring (create_gpio_keys, create_secure_gpio_pwr). */
#define VIRT_GPIO_KEY_PIN 3
#define VIRT_SECURE_GPIO_POWEROFF 0
#define VIRT_SECURE_GPIO_RESET 1

/* virtio-mmio transports at VIRT_MMIO (QEMU's NUM_VIRTIO_TRANSPORTS). */
#define VIRT_NUM_VIRTIO_TRANSPORTS 32

#define VIRT_MAX_LOADERS 16
#define VIRT_MAX_DRIVES 16
#define VIRT_MAX_DEVICES 64
#define VIRT_MAX_GLOBALS 16
#define VIRT_MAX_SERIAL 2   /* the UART and the Secure UART */
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
    int gic_version;            /* 2 or 3; default 2, as QEMU 7.2 */
    const struct CpuModel *cpu_model;  /* -cpu (cpu/cpu_model.h); NULL = cortex-a53 */
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
    /* Character devices (machine/chardev.h): every -chardev plus those
     * -serial, -monitor and the defaults imply (opt_parse resolves them);
     * the chardev ids of the serial port and of the monitor (NULL: not
     * connected / no monitor); the set main() opens from them (NULL: the
     * serial port is not connected, e.g. in unit tests). */
    ChardevSpec chardev[CHARDEV_MAX];
    unsigned nchardevs;
    const char *serial_chardev[VIRT_MAX_SERIAL];   /* [0]: the PL011 at 0x09000000; [1]: QEMU's second
                                                    * -serial, the Secure UART's */
    const char *monitor_chardev;
    const char *serial_arg[VIRT_MAX_SERIAL], *monitor_arg;   /* as typed, resolved after parsing */
    unsigned nserial;
    bool nodefaults;                        /* -nodefaults: no default serial port or monitor */
    struct ChardevSet *chardevs;
    u64 quantum;                /* instructions per round-robin slot */
    u64 ns_per_insn;
    u64 stop_after;             /* 0: no limit */
    u64 digest_every;           /* 0: no determinism checkpoints */
    const char *digest_file, *expect_digests;
    const char *step_log;       /* --step-log F */
    const char *tarmac;         /* --tarmac F */
    const char *record, *replay;  /* --record F / --replay F */
    /* Snapshots and reverse debugging (machine/snapshot.h, gdbstub/). */
    const char *snapshot_save;  /* --snapshot-save F[@STEP] (the F part) */
    u64 snapshot_save_step;     /* its STEP, 0: at exit */
    const char *snapshot_load;  /* --snapshot-load F */
    u64 reverse_budget;         /* --reverse-budget MiB, in bytes (0: off) */
    u64 reverse_every;          /* --reverse-every N steps between checkpoints */
    u64 schedule_seed;          /* --schedule-seed N (0: the fixed round robin) */
    const char *gdb;            /* NULL, or "tcp::PORT" / "unix:PATH" */
    bool gdb_wait;              /* -S */
    bool stats;                 /* --stats: instructions, wall time and MIPS to stderr at exit */
    bool pctl_startup_core0;    /* --pctl-startup core0: guest-EL3 mode powers on core 0 only */
    bool reopen_append;         /* after SYSTEM_RESET: trace/serial files are appended to */
    u64 rtc_epoch;              /* --rtc-epoch: PL031 counter at reset, seconds */
    bool no_stdin;              /* --no-stdin: the UART reads no host input */
    u64 powerdown_at[8];        /* --powerdown-at: steps at which the power key is pressed */
    unsigned npowerdown;
    /* Trace filters --trace-core / --trace-el / --trace-range (see Machine) */
    u64 trace_cores;
    u32 trace_els;
    bool trace_range;
    u64 trace_lo, trace_hi;
    /* Copies of option arguments that fields above point into (-M,
     * -device); freed by opt_free() (machine/virt/options.h). */
    char *owned[VIRT_MAX_LOADERS + VIRT_MAX_DRIVES + VIRT_MAX_DEVICES + VIRT_MAX_GLOBALS + VIRT_MAX_FW_CFG + 32];
    unsigned nowned;
} VirtOptions;

/* Fill O with the defaults (options.c). */
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
bool virt_add_cpus_node(Machine *m, unsigned clusters);
bool virt_add_apb_clock(Machine *m);
/* QEMU virt's /pmu node: compatible "arm,armv8-pmuv3", the PMU overflow PPI
 * (INTID 23) of every core. */
bool virt_add_pmu_node(Machine *m);
/* The /secram@BASE node of the Secure RAM (device_type memory, "disabled"
 * for the Normal world, secure-status "okay"). */
bool virt_add_secram_node(Machine *m, u64 base, u64 size);
/* QEMU's /platform-bus@BASE node (compatible "qemu,platform",
 * "simple-bus"; ranges map bus offset 0 to BASE, SIZE bytes).  No device
 * is ever plugged into it here: the node only describes the window. */
bool virt_add_platform_bus_node(Machine *m, u64 base, u64 size);

/* ---- virtio (machine/virt/virtio.c) ---- */

/* Create the VIRT_NUM_VIRTIO_TRANSPORTS virtio-mmio transports (empty;
 * legacy unless -global virtio-mmio.force-legacy=off).  False + ERR. */
bool virt_create_virtio_transports(Machine *m, const VirtOptions *o, char *err, size_t n);
/* -device virtio-blk-device,drive=ID[,serial=S] and -device
 * virtio-rng-device[,seed=N], each with [bus=virtio-mmio-bus.N][,id=X]
 * [,indirect_desc=on|off][,event_idx=on|off]: build the device and plug it
 * into its transport.  False + ERR naming the bad property. */
bool virt_create_virtio_blk(Machine *m, const VirtOptions *o, const DeviceSpec *d, char *err, size_t n);
bool virt_create_virtio_rng(Machine *m, const VirtOptions *o, const DeviceSpec *d, char *err, size_t n);

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
