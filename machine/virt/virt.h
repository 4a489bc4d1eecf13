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
#define VIRT_MAX_SERIAL 4

/* One -device loader,... */
typedef struct LoaderSpec {
    const char *file;   /* NULL: only set a PC */
    u64 addr;
    bool has_addr;
    int cpu_num;        /* -1 if not given */
    bool force_raw;
} LoaderSpec;

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
    char *owned[VIRT_MAX_LOADERS + 32];
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
