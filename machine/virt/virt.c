/*
 * machine/virt/virt.c — builds the virt board: cores with their MPIDR
 * topology, RAM, flash, secure RAM, devices, then loads images and puts the
 * boot core in the state QEMU's boot code leaves it in (hw/arm/boot.c):
 *   secure=on          -> EL3, no built-in firmware (guest owns EL3);
 *   virtualization=on  -> EL2, built-in PSCI over SMC;
 *   otherwise          -> EL1, built-in PSCI over HVC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/pmu.h"
#include "cpu/power.h"
#include "devices/fw_cfg/fw_cfg.h"
#include "devices/gic/gic.h"
#include "devices/pctl/pctl.h"
#include "devices/pflash/pflash.h"
#include "devices/pl011/pl011.h"
#include "devices/pl061/pl061.h"
#include "devices/rtc/pl031.h"
#include "devices/timer/timer.h"
#include "firmware/psci/psci.h"
#include "firmware/semihosting/semihosting.h"
#include "gdbstub/gdbstub.h"
#include "machine/monitor.h"
#include "machine/virt/virt.h"
#include "mmu/mmu.h"

const VirtMemMapEntry virt_memmap[VIRT_MAP_N] = {
    [VIRT_FLASH] = {0x00000000, 0x08000000},
    [VIRT_GIC_DIST] = {0x08000000, 0x00010000},
    [VIRT_GIC_CPU] = {0x08010000, 0x00010000},
    [VIRT_GIC_HYP] = {0x08030000, 0x00010000},
    [VIRT_GIC_VCPU] = {0x08040000, 0x00010000},
    [VIRT_GIC_REDIST] = {0x080a0000, 0x00f60000},
    [VIRT_UART] = {0x09000000, 0x00001000},
    [VIRT_RTC] = {0x09010000, 0x00001000},
    [VIRT_FW_CFG] = {0x09020000, 0x00000018},
    [VIRT_GPIO] = {0x09030000, 0x00001000},
    [VIRT_SECURE_UART] = {0x09040000, 0x00001000},
    [VIRT_SECURE_GPIO] = {0x090b0000, 0x00001000},
    [VIRT_MMIO] = {0x0a000000, 0x00000200},
    [VIRT_PCTL] = {0x090c0000, 0x00001000},
    [VIRT_PLATFORM_BUS] = {0x0c000000, 0x02000000},
    [VIRT_SECURE_MEM] = {0x0e000000, 0x01000000},
    [VIRT_MEM] = {0x40000000, 0},   /* size: -m */
};

const u32 virt_irqmap[VIRT_MAP_N] = {
    [VIRT_UART] = 1,
    [VIRT_RTC] = 2,
    [VIRT_GPIO] = 7,
    [VIRT_SECURE_UART] = 8,
    [VIRT_SECURE_GPIO] = 0,   /* none in QEMU's a15irqmap: its PL061 is wired to SPI 0 */
    [VIRT_MMIO] = 16,   /* to 16 + VIRT_NUM_VIRTIO_TRANSPORTS - 1 */
};

/* MPIDR affinity of core I (Arm ARM D17.2.100; MT=0, U=0).
 *  qemu (default): QEMU virt's virt_cpu_mp_affinity(): Aff0 = I % N,
 *       Aff1 = I / N with N = 8 for GICv2 (target list width) and 16 for
 *       GICv3; -smp clusters= does not change MPIDR (as QEMU 7.2).
 *  fvp (--mpidr-layout fvp): FVP Base with mpidr_layout=0: Aff1 = cluster,
 *       Aff0 = core within the cluster; clusters from -smp clusters=/cores=,
 *       default 4 cores per cluster (cluster0.NUM_CORES=4). */
static u64 mpidr_for(const VirtOptions *o, unsigned i)
{
    unsigned per;
    if (o->mpidr_fvp)
        per = o->clusters > 1 ? o->smp / o->clusters : 4;
    else
        per = o->gic_version == 2 ? 8 : 16;
    if (per == 0)
        per = 1;
    return (u64)(i / per) << 8 | (i % per);
}

/* What SYS_GET_CMDLINE returns (as QEMU): the arg= parts of
 * -semihosting-config joined by spaces if any, else the -kernel file name
 * followed by the -append string. */
static void semihosting_cmdline(const VirtOptions *o, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    const char *p = o->semihosting_config;
    while (p && (p = strstr(p, "arg=")) != NULL) {
        if (p != o->semihosting_config && p[-1] != ',') {
            p += 4;
            continue;
        }
        p += 4;
        size_t len = strcspn(p, ",");
        if (k + len + 2 <= n) {
            if (k)
                buf[k++] = ' ';
            memcpy(buf + k, p, len);
            k += len;
            buf[k] = 0;
        }
        p += len;
    }
    if (k)
        return;
    snprintf(buf, n, "%s%s%s", o->kernel ? o->kernel : "", o->append && o->kernel ? " " : "",
             o->append ? o->append : "");
}

/* A -device driver the board builds: CREATE makes the device from D's
 * properties (opt_next_prop) or returns false with one message in ERR. */
typedef struct VirtDeviceType {
    const char *driver;   /* QEMU's name */
    bool (*create)(Machine *m, const VirtOptions *o, const DeviceSpec *d, char *err, size_t n);
} VirtDeviceType;

/* Every -device driver of the board, NULL-terminated. */
static const VirtDeviceType virt_device_types[] = {
    {"virtio-blk-device", virt_create_virtio_blk},
    {"virtio-rng-device", virt_create_virtio_rng},
    {NULL, NULL},
};

/* Build the -device devices in command-line order; false + ERR naming the
 * first driver we do not model or that fails. */
static bool virt_create_devices(Machine *m, const VirtOptions *o, char *err, size_t n)
{
    for (unsigned i = 0; i < o->ndevices; i++) {
        const DeviceSpec *d = &o->device[i];
        const VirtDeviceType *t = virt_device_types;
        while (t->driver && strcmp(t->driver, d->driver))
            t++;
        if (!t->driver) {
            snprintf(err, n, "-device %s: device not modelled on this board", d->driver);
            return false;
        }
        if (!t->create(m, o, d, err, n))
            return false;
    }
    return true;
}

/* The two CFI flash banks of QEMU virt (virt_flash_create1(): 256 KiB
 * sectors, width 4, device-width 2, Intel ids 0x89 0x18), backed by the
 * -drive if=pflash units 0 and 1; with secure=on bank 0 is Secure only.
 * A drive without unit= takes the first free unit, as QEMU. */
static bool virt_flash_create(Machine *m, const VirtOptions *o, char *err, size_t n)
{
    PFlashConfig fc = {
        .base = virt_memmap[VIRT_FLASH].base, .bank_size = virt_memmap[VIRT_FLASH].size / 2,
        .sector_size = 256 * 1024, .bank_width = 4, .device_width = 2,
        .ident = {0x89, 0x18, 0x00, 0x00}, .secure_bank0 = o->secure,
    };
    bool used[PFLASH_BANKS] = {false, false};
    const DriveSpec *unit[PFLASH_BANKS] = {NULL, NULL};
    for (int pass = 0; pass < 2; pass++)   /* explicit units first, then the rest */
        for (unsigned i = 0; i < o->ndrives; i++) {
            const DriveSpec *d = &o->drive[i];
            if (d->iface != DRIVE_IF_PFLASH || (pass == 0) != (d->unit >= 0))
                continue;
            int u = d->unit;
            if (u < 0)
                for (u = 0; u < PFLASH_BANKS && used[u]; u++)
                    ;
            if (u >= PFLASH_BANKS) {
                snprintf(err, n, "-drive file=%s,if=pflash,unit=%d: the virt board has flash units 0 and 1 only",
                         d->file, u);
                return false;
            }
            if (used[u]) {
                snprintf(err, n, "-drive file=%s,if=pflash,unit=%d: unit %d is already in use", d->file, u, u);
                return false;
            }
            used[u] = true;
            unit[u] = d;
            fc.bank[u] = (PFlashBacking){d->file, d->readonly, d->snapshot || o->snapshot};
        }
    if (o->bios && unit[0]) {
        snprintf(err, n, "-bios %s and -drive file=%s,if=pflash,unit=0 both give the first flash bank; "
                 "use one of them (as QEMU)", o->bios, unit[0]->file);
        return false;
    }
    return pflash_create(m, &fc, err, n) != NULL;
}

/* fw_cfg as QEMU virt's create_fw_cfg(): the common items, NB_CPUS, and
 * the -fw_cfg files (read now; host input hashed into a record's header by
 * record_image_lines()).  The -kernel/-initrd/-append items are added by
 * virt_boot() when -bios is given. */
static bool virt_fw_cfg_create(Machine *m, const VirtOptions *o, char *err, size_t n)
{
    FwCfg *s = fw_cfg_create(m, virt_memmap[VIRT_FW_CFG].base);
    if (!s || !fw_cfg_add_i16(s, FW_CFG_NB_CPUS, (u16)o->smp)) {
        snprintf(err, n, "fw_cfg: cannot create the device");
        return false;
    }
    for (unsigned i = 0; i < o->nfw_cfg; i++) {
        const FwCfgSpec *f = &o->fw_cfg[i];
        if (f->string) {
            if (!fw_cfg_add_file(s, f->name, f->string, (u32)strlen(f->string), err, n))
                return false;
            continue;
        }
        FILE *fp = fopen(f->file, "rb");
        long len = -1;
        if (fp && !fseek(fp, 0, SEEK_END))
            len = ftell(fp);
        if (!fp || len < 0 || len > 0x7fffffffL || fseek(fp, 0, SEEK_SET)) {
            snprintf(err, n, "-fw_cfg name=%s,file=%s: can't load %s: %s", f->name, f->file, f->file,
                     fp ? "not a readable regular file" : "no such file or cannot open");
            if (fp)
                fclose(fp);
            return false;
        }
        u8 *buf = malloc(len ? (size_t)len : 1);
        bool ok = buf && fread(buf, 1, (size_t)len, fp) == (size_t)len;
        fclose(fp);
        if (!ok) {
            snprintf(err, n, "-fw_cfg name=%s,file=%s: read failed", f->name, f->file);
            free(buf);
            return false;
        }
        ok = fw_cfg_add_file(s, f->name, buf, (u32)len, err, n);
        free(buf);
        if (!ok)
            return false;
    }
    return true;
}

Machine *virt_create(const VirtOptions *o)
{
    char err[512];
    const VirtMemMapEntry *map = virt_memmap;
    Machine *m = machine_new(o->quantum, o->ns_per_insn);
    if (!m)
        return NULL;
    if (o->chardevs)
        chardev_set_attach(o->chardevs, m);   /* before the devices: its clock ticks first */
    m->trace = o->trace;
    m->sched_seed = o->schedule_seed;
    if (o->trace & (TRACE_INSN | TRACE_REGS))
        m->slow |= SLOW_TRACE;
    /* Trace filters, checked by trace_wanted(). */
    m->trace_cores = o->trace_cores;
    m->trace_els = o->trace_els;
    m->trace_range = o->trace_range;
    m->trace_lo = o->trace_lo;
    m->trace_hi = o->trace_hi;
    m->trace_filtered = o->trace_cores || o->trace_els || o->trace_range;
    if (o->trace_file) {
        m->trace_file = fopen(o->trace_file, o->reopen_append ? "a" : "w");
        if (!m->trace_file) {
            hs_log("hyperstep: cannot open trace file %s", o->trace_file);
            goto fail;
        }
    }

    /* Memory. */
    m->ram_base = map[VIRT_MEM].base;
    m->ram_size = o->ram_size;
    if (!phys_add_ram(m, "ram", m->ram_base, o->ram_size, false))
        goto fail;
    if (o->secure) {
        MemRegion *s = phys_add_ram(m, "secure-ram", map[VIRT_SECURE_MEM].base, map[VIRT_SECURE_MEM].size, false);
        if (!s)
            goto fail;
        s->secure_only = true;
    }

    /* Cores: the CPU model, and PERIPHBASE (CBAR_EL1) = the GIC
     * distributor, as QEMU virt wires its cores' reset-cbar. */
    m->cpu_model = o->cpu_model;
    m->periphbase = map[VIRT_GIC_DIST].base;
    u64 mpidr[HS_MAX_CPUS];
    for (unsigned i = 0; i < o->smp; i++)
        mpidr[i] = mpidr_for(o, i);
    if (!machine_add_cpus(m, o->smp, mpidr, o->virtualization, o->secure))
        goto fail;
    pmu_attach(m);   /* PMU counters synced every round (cpu/pmu.h) */

    /* Boot EL and firmware: secure=on -> EL3, guest firmware (power
     * controller); virtualization=on -> EL2, PSCI over SMC; else EL1, HVC. */
    unsigned el = o->secure ? 3 : o->virtualization ? 2 : 1;
    m->boot_el = el;
    m->psci_conduit = o->secure ? CONDUIT_NONE : o->virtualization ? CONDUIT_SMC : CONDUIT_HVC;
    if (o->semihosting) {
        char cmdline[4096];
        semihosting_cmdline(o, cmdline, sizeof(cmdline));
        if (!semihosting_attach(m, cmdline, o->rtc_epoch))
            goto fail;
    }

    /* Devices, in device-tree order (each writes its own node). */
    if (!psci_init(m))
        goto fail;
    if (m->psci_conduit == CONDUIT_NONE && !pctl_create(m, map[VIRT_PCTL].base, 0))
        goto fail;
    if (!virt_add_cpus_node(m, o->clusters) || !timer_attach(m))
        goto fail;
    GicConfig gc = {
        .version = o->gic_version, .security = o->secure, .virtualization = o->virtualization,
        .dist_base = map[VIRT_GIC_DIST].base, .cpu_base = map[VIRT_GIC_CPU].base,
        .hyp_base = map[VIRT_GIC_HYP].base, .vcpu_base = map[VIRT_GIC_VCPU].base,
        .redist_base = map[VIRT_GIC_REDIST].base, .redist_size = map[VIRT_GIC_REDIST].size,
    };
    if (!gic_create(m, &gc) || !virt_add_pmu_node(m) || !virt_add_apb_clock(m))
        goto fail;
    for (unsigned i = 0; i < m->ncpu; i++) {   /* PMU overflow: PPI 23 of each core */
        IrqLine l = gic_ppi_line(m, i, 23);
        pmu_connect_irq(m->cpu[i], l.set, l.opaque, l.line);
    }
    Chardev *serial = chardev_find(o->chardevs, o->serial_chardev[0]);
    Pl011 *uart = pl011_create(m, map[VIRT_UART].base, virt_irqmap[VIRT_UART], serial,
                               gic_spi_line(m, virt_irqmap[VIRT_UART]));
    if (!uart)
        goto fail;
    if (o->secure) {
        /* Secure UART: output to the second -serial; without one, QEMU's
         * PL011 has no chardev and its output is discarded. */
        Chardev *sout = o->nserial >= 2 ? chardev_find(o->chardevs, o->serial_chardev[1]) : NULL;
        if (!virt_add_secram_node(m, map[VIRT_SECURE_MEM].base, map[VIRT_SECURE_MEM].size) ||
            !pl011_create_secure(m, map[VIRT_SECURE_UART].base, virt_irqmap[VIRT_SECURE_UART], sout,
                                 gic_spi_line(m, virt_irqmap[VIRT_SECURE_UART])))
            goto fail;
    }
    Chardev *mon = chardev_find(o->chardevs, o->monitor_chardev);
    if (mon && !monitor_create(m, mon))
        goto fail;
    if (!pl031_create(m, map[VIRT_RTC].base, virt_irqmap[VIRT_RTC], (u32)o->rtc_epoch,
                      gic_spi_line(m, virt_irqmap[VIRT_RTC])))
        goto fail;
    /* GPIO: the power key on the Non-secure PL061; with secure=on the
     * Secure PL061's power-off and reset pins (QEMU create_gpio_devices). */
    Pl061 *gpio = pl061_create(m, map[VIRT_GPIO].base, virt_irqmap[VIRT_GPIO], false, VIRT_PHANDLE_GPIO,
                               gic_spi_line(m, virt_irqmap[VIRT_GPIO]));
    if (!gpio || !gpio_key_create(m, gpio, VIRT_GPIO_KEY_PIN))
        goto fail;
    for (unsigned i = 0; i < o->npowerdown; i++)
        gpio_key_press_at(m, o->powerdown_at[i]);
    if (o->secure) {
        Pl061 *sgpio = pl061_create(m, map[VIRT_SECURE_GPIO].base, virt_irqmap[VIRT_SECURE_GPIO], true,
                                    VIRT_PHANDLE_SECURE_GPIO, gic_spi_line(m, virt_irqmap[VIRT_SECURE_GPIO]));
        if (!sgpio || !gpio_pwr_create(m, sgpio, VIRT_SECURE_GPIO_POWEROFF, VIRT_SECURE_GPIO_RESET))
            goto fail;
    }
    if (!virt_create_virtio_transports(m, o, err, sizeof(err)))
        goto fail_msg;
    if (!virt_add_platform_bus_node(m, map[VIRT_PLATFORM_BUS].base, map[VIRT_PLATFORM_BUS].size))
        goto fail;

    if (!virt_flash_create(m, o, err, sizeof(err)) || !virt_fw_cfg_create(m, o, err, sizeof(err)))
        goto fail_msg;

    if (!virt_create_devices(m, o, err, sizeof(err)))
        goto fail_msg;

    /* Images, device tree and the boot core's registers (boot.c). */
    if (!virt_boot(m, o, err, sizeof(err)))
        goto fail_msg;
    for (unsigned i = 0; i < m->ncpu; i++)
        tlb_flush_all(m->cpu[i]);
    m->cpu[0]->power = CORE_ON;
    /* With built-in PSCI the secondaries wait for CPU_ON.  Without it (guest
     * EL3 firmware) the power controller owns them: --pctl-startup all
     * (default, as QEMU virt starts every core of a secure-boot guest at the
     * entry) or core0 (FVP pctl.startup=0.0.0.0: secondaries wait for PPONR
     * and then start at the entry in EL3). */
    if (m->psci_conduit == CONDUIT_NONE) {
        u64 entry = m->cpu[0]->pc;
        pctl_set_reset_pc(m, entry);
        for (unsigned i = 0; i < m->ncpu; i++) {
            Cpu *c = m->cpu[i];
            if (c->pc == 0)   /* no -device loader,cpu-num=i: the common entry */
                c->pc = entry;
            if (i > 0 && !o->pctl_startup_core0) {
                c->power = CORE_ON;
                c->power_why = "power controller startup policy: all";
            }
        }
    }
    if (o->gdb && !gdb_init(m, o->gdb, o->gdb_wait))
        goto fail;
    return m;

fail_msg:
    hs_log("hyperstep: %s", err);
fail:
    virt_destroy(m);
    return NULL;
}

void virt_destroy(Machine *m)
{
    if (!m)
        return;
    gdb_destroy(m);
    semihosting_detach(m);
    chardev_set_detach(m->chardevs);   /* first: a mux keeps its focus for the next machine */
    monitor_destroy(m->monitor);
    machine_free(m);
}
