/*
 * tests/unit/hs_board.h — helpers for device unit tests: build a virt
 * machine without an image (a -device loader PC only), access MMIO as a
 * given core, and run MRS/MSR through the real sysreg path with trap
 * capture.
 */
#ifndef HS_TEST_BOARD_H
#define HS_TEST_BOARD_H

#include <setjmp.h>

#include "cpu/sysreg.h"
#include "exceptions/exceptions.h"
#include "machine/virt/virt.h"

static inline Machine *board_new(int gic_version, unsigned smp, bool secure, bool virt)
{
    VirtOptions o;
    virt_default_options(&o);
    o.smp = smp;
    o.secure = secure;
    o.virtualization = virt;
    o.gic_version = gic_version;
    o.no_stdin = true;
    o.loader[0] = (LoaderSpec){NULL, 0x40000000, true, 0, false};
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (m)
        for (unsigned i = 0; i < m->ncpu; i++)
            m->cpu[i]->budget = (s64)m->quantum;   /* machine_now_ns == round_start_ns */
    return m;
}

static inline u32 mmio_rd(Machine *m, unsigned cpu, u64 pa)
{
    u64 v = 0xdeadbeef;
    if (!phys_read(m, m->cpu[cpu], pa, 4, &v))
        return 0xbad0bad0;
    return (u32)v;
}

static inline void mmio_wr(Machine *m, unsigned cpu, u64 pa, u32 v)
{
    phys_write(m, m->cpu[cpu], pa, 4, v);
}

/* Put core C at EL with Non-secure state NS (SCR_EL3.NS) and HCR_EL2 value. */
static inline void board_at(Cpu *c, unsigned el, bool ns, u64 hcr)
{
    c->scr_el3 = (c->scr_el3 & ~1ull) | (ns ? 1 : 0) | (1u << 10) | (1u << 8);
    c->hcr_el2 = hcr | (1ull << 31);
    cpu_set_el_spsel(c, el, 1);
    cpu_update_derived(c);
}

/* MRS/MSR NAME on core C.  Returns 0, or the EL the access was taken to
 * (trap or UNDEFINED) — then *esr holds the syndrome. */
static inline int sr_access(Cpu *c, const char *name, bool isread, u64 *val, u32 *esr)
{
    const SysRegDesc *r = sysreg_find_name(c->m, name);
    if (!r)
        return -1;
    jmp_buf jb;
    c->exc_jmp = &jb;
    if (setjmp(jb)) {
        c->exc_jmp = NULL;
        if (esr)
            *esr = (u32)c->esr_el[c->el];
        return c->el;
    }
    c->x[1] = isread ? 0 : *val;
    sysreg_access(c, SR_ROW_KEY(r), 1, isread);
    c->exc_jmp = NULL;
    if (isread)
        *val = c->x[1];
    return 0;
}

static inline u64 sr_rd(Cpu *c, const char *name)
{
    u64 v = 0xbadbadbad;
    if (sr_access(c, name, true, &v, NULL) != 0)
        return 0xbadbadbad;
    return v;
}

static inline void sr_wr(Cpu *c, const char *name, u64 v)
{
    sr_access(c, name, false, &v, NULL);
}

static inline void board_tick(Machine *m, u64 ns)
{
    m->round_start_ns = ns;
    for (unsigned i = 0; i < m->nclock; i++)
        m->clock[i].tick(m->clock[i].opaque, ns);
}

#endif
