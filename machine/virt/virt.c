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

#include "cpu/regs.h"
#include "cpu/sysreg.h"
#include "devices/pctl/pctl.h"
#include "devices/pl011/pl011.h"
#include "firmware/psci/psci.h"
#include "devices/gic/gic.h"
#include "devices/rtc/pl031.h"
#include "devices/timer/timer.h"
#include "gdbstub/gdbstub.h"
#include "machine/virt/virt.h"
#include "exceptions/pmu.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

void virt_default_options(VirtOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->smp = 1;
    o->clusters = 1;
    o->ram_size = 128ull << 20;   /* QEMU's default -m */
    o->gic_version = 3;
    o->quantum = 1000;
    o->ns_per_insn = 1;
    o->rtc_epoch = 1700000000;
}

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

Machine *virt_create(const VirtOptions *o)
{
    char err[512];
    Machine *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->quantum = o->quantum;
    m->ns_per_insn = o->ns_per_insn;
    m->semihosting = o->semihosting;
    m->trace = o->trace;
    if (o->trace & (TRACE_INSN | TRACE_REGS))
        m->slow |= SLOW_TRACE;
    /* tracefilt: filters, checked by trace_wanted() */
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
    if (!sysreg_init(m) || !psci_init(m))
        goto fail;

    /* Memory. */
    m->ram_base = VIRT_RAM_BASE;
    m->ram_size = o->ram_size;
    if (!phys_add_ram(m, "flash", VIRT_FLASH_BASE, VIRT_FLASH_SIZE, false) ||
        !phys_add_ram(m, "ram", VIRT_RAM_BASE, o->ram_size, false))
        goto fail;
    if (o->secure) {
        MemRegion *s = phys_add_ram(m, "secure-ram", VIRT_SECURE_MEM, VIRT_SECURE_MEM_SIZE, false);
        if (!s)
            goto fail;
        s->secure_only = true;
    }

    /* Cores. */
    m->ncpu = o->smp;
    for (unsigned i = 0; i < o->smp; i++) {
        Cpu *c = aligned_alloc(64, (sizeof(Cpu) + 63) & ~(size_t)63);
        if (!c)
            goto fail;
        memset(c, 0, sizeof(*c));
        c->m = m;
        c->have_el3 = o->secure;
        c->have_el2 = o->virtualization;
        tlb_init(c);
        m->cpu[i] = c;
        c->power = CORE_OFF_NEVER;
        cpu_reset(c, i, mpidr_for(o, i));
    }

    pmu_attach(m);   /* excel2: PMU counters synced every round (exceptions/pmu.h) */

    /* Devices. */
    FILE *serial = stdout;
    if (o->serial_file) {
        serial = fopen(o->serial_file, o->reopen_append ? "a" : "w");
        if (!serial) {
            hs_log("hyperstep: cannot open serial output %s", o->serial_file);
            goto fail;
        }
    }
    IrqLine none = {0};
    m->uart = pl011_create(m, "pl011", VIRT_UART, serial, none);
    if (!m->uart) {
        if (serial != stdout)
            fclose(serial);
        goto fail;
    }
    /* Interrupts and devices (devices/gic, timer, rtc). */
    if (!gic_attach(m, o->gic_version, o->secure) || !timer_attach(m))
        goto fail;
    pl011_set_irq(m->uart, gic_spi_line(m, VIRT_UART_SPI));
    pl011_host_input(m->uart, o->no_stdin ? -1 : 0);
    m->rtc = pl031_create(m, VIRT_RTC, (u32)o->rtc_epoch, gic_spi_line(m, VIRT_RTC_SPI));
    if (!m->rtc)
        goto fail;

    /* Boot EL and firmware. */
    unsigned el = o->secure ? 3 : o->virtualization ? 2 : 1;
    m->boot_el = el;
    m->psci_conduit = o->secure ? CONDUIT_NONE : o->virtualization ? CONDUIT_SMC : CONDUIT_HVC;

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
        if (!pctl_create(m, VIRT_PCTL_BASE))
            goto fail;
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
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (m->cpu[i]) {
            free(m->cpu[i]->tlb);
            free(m->cpu[i]);
        }
    }
    pl011_destroy(m->uart);
    pl031_free(m->rtc);
    timer_free(m);
    gic_free(m);
    trace_free(m);
    phys_free(m);
    if (m->trace_file)
        fclose(m->trace_file);
    free(m->sysreg_index);
    psci_free(m);
    pctl_free(m);
    free(m);
}
