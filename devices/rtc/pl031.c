/*
 * devices/rtc/pl031.c — PL031 RTC (Arm DDI 0224B, 3.3 "Register
 * descriptions"): RTCDR data, RTCMR match, RTCLR load, RTCCR control,
 * RTCIMSC mask, RTCRIS/RTCMIS status, RTCICR clear, PrimeCell IDs.
 * The counter is epoch + virtual seconds: deterministic.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/rtc/pl031.h"

enum { RTCDR = 0x00, RTCMR = 0x04, RTCLR = 0x08, RTCCR = 0x0c, RTCIMSC = 0x10, RTCRIS = 0x14,
       RTCMIS = 0x18, RTCICR = 0x1c };

struct Pl031 {
    Machine *m;
    u64 base;           /* MMIO window, 4 KiB */
    u32 spi;            /* interrupt, for the device tree */
    IrqLine irq;
    u32 base_count;     /* counter value at virtual time base_ns */
    u64 base_ns;
    u32 mr, cr, imsc, ris;
    u32 last;           /* counter at the previous clock tick */
};

/* PeriphID2 = 0x14 (revision 1) as QEMU 7.2 reports. */
static const u8 ids[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static u32 count_at(const Pl031 *r, u64 ns)
{
    return r->base_count + (u32)((ns - r->base_ns) / 1000000000ull);
}

static void update_irq(Pl031 *r)
{
    irq_set(&r->irq, (r->ris & r->imsc & 1) != 0);
}

static bool rd(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Pl031 *r = opaque;
    if (size != 4)
        return false;
    switch (off) {
    case RTCDR: *val = count_at(r, machine_now_ns(r->m, c)); return true;
    case RTCMR: *val = r->mr; return true;
    case RTCLR: *val = count_at(r, machine_now_ns(r->m, c)); return true;
    case RTCCR: *val = r->cr; return true;
    case RTCIMSC: *val = r->imsc; return true;
    case RTCRIS: *val = r->ris; return true;
    case RTCMIS: *val = r->ris & r->imsc; return true;
    default:
        if (off >= 0xfe0 && off < 0x1000) {
            *val = ids[(off - 0xfe0) / 4];
            return true;
        }
        *val = 0;
        return true;
    }
}

static bool wr(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Pl031 *r = opaque;
    if (size != 4)
        return false;
    switch (off) {
    case RTCMR: r->mr = (u32)val; break;
    case RTCLR:
        r->base_count = (u32)val;
        r->base_ns = machine_now_ns(r->m, c);
        r->last = r->base_count;
        break;
    case RTCCR: r->cr = 1; break;   /* the RTC cannot be stopped once started (3.3.4) */
    case RTCIMSC: r->imsc = (u32)val & 1; break;
    case RTCICR: r->ris &= ~((u32)val & 1); break;
    default: return true;
    }
    update_irq(r);
    return true;
}

/* At each round: raise the match interrupt when the counter reaches RTCMR. */
static void tick(void *opaque, u64 now_ns)
{
    Pl031 *r = opaque;
    if (now_ns < r->base_ns)
        return;
    u32 now = count_at(r, now_ns);
    if (now != r->last) {
        /* Any value in (last, now] equal to the match register fires. */
        if ((u32)(r->mr - r->last - 1) < (u32)(now - r->last)) {
            r->ris |= 1;
            update_irq(r);
        }
        r->last = now;
    }
}

static u64 deadline(void *opaque)
{
    Pl031 *r = opaque;
    if (!(r->imsc & 1) || (r->ris & 1))
        return UINT64_MAX;
    u32 delta = r->mr - r->last;   /* seconds until the match, modulo 2^32 */
    u64 secs = delta ? delta : 1ull << 32;   /* matched at 'last' already: next wrap */
    return r->base_ns + ((u64)(r->last - r->base_count) + secs) * 1000000000ull;
}

/* Reset: match, control, mask and status to their reset values; the
 * counter runs on (a battery-backed clock, like the host clock QEMU reads). */
static void pl031_reset(void *opaque)
{
    Pl031 *r = opaque;
    r->mr = 0;
    r->cr = 1;
    r->imsc = 0;
    r->ris = 0;
    update_irq(r);
}

static int pl031_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    Pl031 *r = opaque;
    static const char compat[] = "arm,pl031\0arm,primecell";
    char name[32];
    int e;
    snprintf(name, sizeof(name), "pl031@%llx", (unsigned long long)r->base);
    if ((e = fdt_begin_node(fdt, name)) < 0 || (e = fdt_property(fdt, "compatible", compat, sizeof(compat))) < 0 ||
        (e = fdt_prop_reg(fdt, r->base, 0x1000)) < 0 || (e = fdt_prop_spi(fdt, r->spi, FDT_IRQ_LEVEL_HIGH)) < 0 ||
        (e = fdt_property_u32(fdt, "clocks", ctx->clk_phandle)) < 0 ||
        (e = fdt_property_string(fdt, "clock-names", "apb_pclk")) < 0)
        return e;
    return fdt_end_node(fdt);
}

static void pl031_destroy(void *opaque)
{
    free(opaque);
}


static void pl031_save_op(void *opaque, SaveBuf *b) { pl031_save(opaque, b); }
static bool pl031_load_op(void *opaque, LoadBuf *b) { return pl031_load(opaque, b); }

static const DeviceOps pl031_ops = {
    .type = "pl031",
    .version = PL031_SAVE_VERSION,
    .reset = pl031_reset,
    .fdt_node = pl031_fdt,
    .save = pl031_save_op,
    .load = pl031_load_op,
    .destroy = pl031_destroy,
};

Pl031 *pl031_create(Machine *m, u64 base, u32 spi, u32 epoch, IrqLine irq)
{
    Pl031 *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->m = m;
    r->base = base;
    r->spi = spi;
    r->irq = irq;
    r->base_count = epoch;
    r->last = epoch;
    r->cr = 1;
    char name[32];
    snprintf(name, sizeof(name), "pl031@%llx", (unsigned long long)base);
    Device *d = machine_add_device(m, &pl031_ops, r, name);
    if (!d) {
        free(r);
        return NULL;
    }
    device_add_irq(d, 32 + spi);
    if (!device_map_mmio(m, d, "pl031", base, 0x1000, rd, wr, false))
        return NULL;   /* the registry frees R */
    machine_add_clock(m, tick, deadline, r);
    return r;
}

/* ---- save / load (pl031.h: pl031_save, pl031_load) ---- */

void pl031_save(Pl031 *r, SaveBuf *b)
{
    save_u32(b, r->base_count);
    save_u64(b, r->base_ns);
    save_u32(b, r->last);
    save_u32(b, r->mr);
    save_u32(b, r->cr);
    save_u32(b, r->imsc);
    save_u32(b, r->ris);
}

bool pl031_load(Pl031 *r, LoadBuf *b)
{
    if (b->bad)
        return false;
    Pl031 t = *r;
    t.base_count = load_u32(b);
    t.base_ns = load_u64(b);
    t.last = load_u32(b);
    t.mr = load_u32(b);
    t.cr = load_u32(b);
    t.imsc = load_u32(b);
    t.ris = load_u32(b);
    if (b->bad || t.cr > 1 || t.imsc > 1 || t.ris > 1) {
        load_fail(b);
        return false;
    }
    *r = t;
    update_irq(r);
    return true;
}
