/*
 * devices/pl061/pl061.c — PrimeCell GPIO PL061 (Arm DDI 0190B); the
 * register map is in pl061.h.
 *
 * Pin levels: an output pin carries its GPIODATA bit, an input pin the
 * level driven from outside (pl061_set_input, 0 when undriven).  Edge
 * interrupts latch in GPIORIS on a change of an input pin (GPIOIBE: either
 * edge; else the edge GPIOIEV selects) until GPIOIC clears them; level
 * interrupts are GPIORIS bits that follow the pin while GPIOIS is set.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/pl061/pl061.h"

struct Pl061 {
    Machine *m;
    u64 base;
    u32 spi;
    bool secure;
    u32 phandle;
    IrqLine irq;                  /* GPIOINTR */
    IrqLine out[PL061_NPINS];     /* what each pin drives */
    /* Guest-visible state (saved). */
    u8 data;                      /* GPIODATA output latch */
    u8 dir, is, ibe, iev, ie, afsel;
    u8 edge_ris;                  /* latched edge interrupts (GPIORIS, GPIOIS = 0 pins) */
    u8 in;                        /* levels driven onto the pins from outside */
    u8 out_level;                 /* levels last driven onto OUT lines */
};

static const u8 pl061_ids[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* The level on every pin. */
static u8 pins(const Pl061 *g)
{
    return (u8)((g->data & g->dir) | (g->in & ~g->dir));
}

/* GPIORIS: latched edges plus level conditions that hold now. */
static u8 ris(const Pl061 *g)
{
    u8 level = (u8)(~(pins(g) ^ g->iev) & g->is);
    return (u8)(g->edge_ris | level);
}

/* Latch the edges of input pins that went from OLD to the current level,
 * drive changed outputs, and update GPIOINTR. */
static void update(Pl061 *g, u8 old)
{
    u8 now = pins(g);
    u8 changed = (u8)((old ^ now) & ~g->dir & ~g->is);
    if (changed) {
        u8 hit = (u8)(changed & (g->ibe | ~(now ^ g->iev)));
        g->edge_ris |= hit;
    }
    u8 out = (u8)(g->data & g->dir);
    u8 diff = out ^ g->out_level;
    g->out_level = out;
    for (unsigned i = 0; diff && i < PL061_NPINS; i++)
        if (diff & (1u << i))
            irq_set(&g->out[i], (out >> i) & 1);
    irq_set(&g->irq, (ris(g) & g->ie) != 0);
}

static bool pl061_read(void *opaque, Cpu *c, u64 off, unsigned size, u64 *val)
{
    Pl061 *g = opaque;
    (void)c;
    if (size > 4)
        return false;
    if (off < GPIODIR) {
        *val = pins(g) & ((off >> 2) & 0xff);
        return true;
    }
    switch (off) {
    case GPIODIR: *val = g->dir; return true;
    case GPIOIS: *val = g->is; return true;
    case GPIOIBE: *val = g->ibe; return true;
    case GPIOIEV: *val = g->iev; return true;
    case GPIOIE: *val = g->ie; return true;
    case GPIORIS: *val = ris(g); return true;
    case GPIOMIS: *val = ris(g) & g->ie; return true;
    case GPIOAFSEL: *val = g->afsel; return true;
    default:
        if (off >= 0xfe0 && off < 0x1000 && !(off & 3))
            *val = pl061_ids[(off - 0xfe0) / 4];
        else
            *val = 0;   /* GPIOIC is write-only; reserved offsets read as zero */
        return true;
    }
}

static bool pl061_write(void *opaque, Cpu *c, u64 off, unsigned size, u64 val)
{
    Pl061 *g = opaque;
    (void)c;
    if (size > 4)
        return false;
    u8 v = (u8)val;
    u8 old = pins(g);
    if (off < GPIODIR) {
        u8 mask = (u8)((off >> 2) & g->dir);
        g->data = (u8)((g->data & ~mask) | (v & mask));
    } else {
        switch (off) {
        case GPIODIR: g->dir = v; break;
        case GPIOIS: g->is = v; break;
        case GPIOIBE: g->ibe = v; break;
        case GPIOIEV: g->iev = v; break;
        case GPIOIE: g->ie = v; break;
        case GPIOIC: g->edge_ris &= (u8)~v; break;
        case GPIOAFSEL: g->afsel = v; break;
        default: return true;   /* read-only or reserved: ignored */
        }
    }
    update(g, old);
    return true;
}

void pl061_set_input(void *opaque, unsigned pin, bool level)
{
    Pl061 *g = opaque;
    if (pin >= PL061_NPINS)
        return;
    u8 old = pins(g);
    g->in = (u8)((g->in & ~(1u << pin)) | ((level ? 1u : 0u) << pin));
    update(g, old);
}

void pl061_connect_out(Pl061 *g, unsigned pin, IrqLine out)
{
    if (pin < PL061_NPINS)
        g->out[pin] = out;
}

u32 pl061_phandle(const Pl061 *g)
{
    return g->phandle;
}

/* Reset (DDI 0190B 3.3: every register 0): outputs fall to 0, latched
 * interrupts clear; levels driven from outside stay. */
static void pl061_reset(void *opaque)
{
    Pl061 *g = opaque;
    g->data = g->dir = g->is = g->ibe = g->iev = g->ie = g->afsel = 0;
    g->edge_ris = 0;
    update(g, pins(g));   /* no edges from a reset */
}

/* QEMU 7.2 hw/arm/virt.c create_gpio_devices(): the node and, for the
 * Secure one, "disabled" for the Non-secure world. */
static int pl061_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    Pl061 *g = opaque;
    static const char compat[] = "arm,pl061\0arm,primecell";
    char name[32];
    int e;
    snprintf(name, sizeof(name), "pl061@%llx", (unsigned long long)g->base);
    if ((e = fdt_begin_node(fdt, name)) < 0 || (e = fdt_property(fdt, "compatible", compat, sizeof(compat))) < 0 ||
        (e = fdt_prop_reg(fdt, g->base, PL061_SIZE)) < 0 || (e = fdt_property_u32(fdt, "#gpio-cells", 2)) < 0 ||
        (e = fdt_property(fdt, "gpio-controller", NULL, 0)) < 0 ||
        (e = fdt_prop_spi(fdt, g->spi, FDT_IRQ_LEVEL_HIGH)) < 0 ||
        (e = fdt_property_u32(fdt, "clocks", ctx->clk_phandle)) < 0 ||
        (e = fdt_property_string(fdt, "clock-names", "apb_pclk")) < 0 ||
        (e = fdt_property_u32(fdt, "phandle", g->phandle)) < 0)
        return e;
    if (g->secure && ((e = fdt_property_string(fdt, "status", "disabled")) < 0 ||
                      (e = fdt_property_string(fdt, "secure-status", "okay")) < 0))
        return e;
    return fdt_end_node(fdt);
}

static void pl061_save(void *opaque, SaveBuf *b)
{
    Pl061 *g = opaque;
    u8 v[9] = {g->data, g->dir, g->is, g->ibe, g->iev, g->ie, g->afsel, g->edge_ris, g->in};
    save_bytes(b, v, sizeof(v));
}

/* Every 8-bit value is a valid register value; the outputs are recomputed
 * without driving them (a loaded state does not power anything off). */
static bool pl061_load(void *opaque, LoadBuf *b)
{
    Pl061 *g = opaque;
    u8 v[9];
    load_bytes(b, v, sizeof(v));
    if (b->bad)
        return false;
    g->data = v[0];
    g->dir = v[1];
    g->is = v[2];
    g->ibe = v[3];
    g->iev = v[4];
    g->ie = v[5];
    g->afsel = v[6];
    g->edge_ris = v[7];
    g->in = v[8];
    g->out_level = (u8)(g->data & g->dir);
    irq_set(&g->irq, (ris(g) & g->ie) != 0);
    return true;
}

static void pl061_destroy(void *opaque)
{
    free(opaque);
}

static const DeviceOps pl061_ops = {
    .type = "pl061",
    .version = PL061_SAVE_VERSION,
    .reset = pl061_reset,
    .fdt_node = pl061_fdt,
    .save = pl061_save,
    .load = pl061_load,
    .destroy = pl061_destroy,
};

Pl061 *pl061_create(Machine *m, u64 base, u32 spi, bool secure, u32 phandle, IrqLine irq)
{
    Pl061 *g = calloc(1, sizeof(*g));
    if (!g) {
        hs_log("hyperstep: pl061: out of memory");
        return NULL;
    }
    g->m = m;
    g->base = base;
    g->spi = spi;
    g->secure = secure;
    g->phandle = phandle;
    g->irq = irq;
    char name[32];
    snprintf(name, sizeof(name), "pl061@%llx", (unsigned long long)base);
    Device *d = machine_add_device(m, &pl061_ops, g, name);
    if (!d) {
        free(g);
        return NULL;
    }
    device_add_irq(d, 32 + spi);
    if (!device_map_mmio(m, d, "pl061", base, PL061_SIZE, pl061_read, pl061_write, secure))
        return NULL;   /* the registry frees G */
    return g;
}
