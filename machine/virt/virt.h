/*
 * machine/virt/virt.h — the QEMU-virt-compatible board: options, memory map
 * (QEMU hw/arm/virt.c base_memmap addresses) and construction.
 */
#ifndef EMU_MACHINE_VIRT_VIRT_H
#define EMU_MACHINE_VIRT_VIRT_H

#include "machine/machine.h"

/* QEMU virt memory map. */
#define VIRT_FLASH_BASE 0x00000000ull
#define VIRT_FLASH_SIZE 0x08000000ull
#define VIRT_GIC_DIST 0x08000000ull
#define VIRT_GIC_CPU 0x08010000ull
#define VIRT_GIC_HYP 0x08030000ull
#define VIRT_GIC_VCPU 0x08040000ull
#define VIRT_GIC_REDIST 0x080a0000ull
#define VIRT_UART 0x09000000ull
#define VIRT_RTC 0x09010000ull
#define VIRT_SECURE_UART 0x09040000ull
#define VIRT_SECURE_MEM 0x0e000000ull
#define VIRT_SECURE_MEM_SIZE 0x01000000ull
#define VIRT_RAM_BASE 0x40000000ull
/* Interrupts (SPI numbers, INTID = 32 + SPI) as QEMU virt wires them. */
#define VIRT_UART_SPI 1
#define VIRT_RTC_SPI 2

#define VIRT_MAX_LOADERS 16

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

    /* ---- smp ---- */
    bool pctl_startup_core0;    /* --pctl-startup core0: guest-EL3 mode powers on core 0 only */
    bool reopen_append;         /* after SYSTEM_RESET: trace/serial files are appended to */
    /* devices (gic branch) */
    u64 rtc_epoch;              /* --rtc-epoch: PL031 counter at reset, seconds */
    bool no_stdin;              /* --no-stdin: the UART reads no host input */
    /* tracefilt: --trace-core / --trace-el / --trace-range (see Machine) */
    u64 trace_cores;
    u32 trace_els;
    bool trace_range;
    u64 trace_lo, trace_hi;
    /* ---- sanitize: copies of option arguments that fields above point
     * into (-M, -device); freed by opt_free() (machine/virt/options.h) ---- */
    char *owned[VIRT_MAX_LOADERS + 8];
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

/* Build the board's DTB (libfdt).  INITRD_* describe a loaded initrd (size
 * 0 for none).  Returns a malloc'ed blob and its size, or NULL. */
void *virt_build_fdt(Machine *m, const VirtOptions *o, u64 initrd_start, u64 initrd_size, size_t *size);

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
