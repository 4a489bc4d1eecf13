/*
 * devices/pl011/pl011.c — PL011 UART (Arm DDI 0183G, chapter 3 "Programmers
 * Model").  Transmission is instantaneous (the TX FIFO never fills); the RX
 * FIFO holds 32 entries.  Interrupts: RX, RT (receive timeout, raised with RX
 * here since bytes arrive at instruction boundaries) and TX.
 *
 * Console: the UART is a front end of a character device
 * (machine/chardev.h).  Transmitted bytes go to the chardev, which flushes
 * them at the next round boundary and before an idle wait, so a prompt
 * without a newline reaches a pipe, file or socket within one scheduler
 * round, with no system call per byte.  Received bytes come from the
 * chardev at round boundaries, stamped with their step, and wait in the
 * input queue (uart_input_at) until the RX FIFO has room.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/pl011/pl011.h"
#include "machine/chardev.h"
#include "machine/machine.h"

/* Host input queue: bytes stamped with the global step at which they enter
 * the RX FIFO (uart_input_at); a record/replay layer stores these pairs. */
#define IN_QUEUE 1024

enum {
    UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024,
    UARTFBRD = 0x028, UARTLCR_H = 0x02c, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038,
    UARTRIS = 0x03c, UARTMIS = 0x040, UARTICR = 0x044, UARTDMACR = 0x048,
};
enum { FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7 };
enum { INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6 };
#define RX_FIFO 32

struct Pl011 {
    u64 base;                /* MMIO window, 4 KiB */
    u32 spi;                 /* interrupt, for the device tree */
    Chardev *chr;            /* host end; NULL: not connected (output dropped, no input) */
    bool secure;                /* Secure-only window, "disabled" for the Normal world in the DT */
    IrqLine irq;
    u32 ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    u8 rx[RX_FIFO];
    unsigned rx_head, rx_count;
    Machine *m;
    struct { u64 step; u8 byte; } inq[IN_QUEUE];
    unsigned in_head, in_count;
};

/* PrimeCell identification (DDI 0183G 3.3.14-3.3.15). */
static const u8 periph_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void update_irq(Pl011 *u)
{
    irq_set(&u->irq, (u->ris & u->imsc) != 0);
}

static bool pl011_read(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 *val)
{
    Pl011 *u = opaque;
    (void)cpu;
    (void)size;
    switch (off) {
    case UARTDR:
        if (u->rx_count) {
            *val = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % RX_FIFO;
            u->rx_count--;
        } else {
            *val = 0;
        }
        if (!u->rx_count)
            u->ris &= ~(u32)(INT_RX | INT_RT);
        update_irq(u);
        return true;
    case UARTRSR: *val = 0; return true;
    case UARTFR:
        *val = FR_TXFE | (u->rx_count ? 0 : FR_RXFE) | (u->rx_count == RX_FIFO ? FR_RXFF : 0);
        return true;
    case UARTILPR: *val = u->ilpr; return true;
    case UARTIBRD: *val = u->ibrd; return true;
    case UARTFBRD: *val = u->fbrd; return true;
    case UARTLCR_H: *val = u->lcr_h; return true;
    case UARTCR: *val = u->cr; return true;
    case UARTIFLS: *val = u->ifls; return true;
    case UARTIMSC: *val = u->imsc; return true;
    case UARTRIS: *val = u->ris; return true;
    case UARTMIS: *val = u->ris & u->imsc; return true;
    case UARTDMACR: *val = u->dmacr; return true;
    default:
        if (off >= 0xfe0 && off < 0x1000) {
            *val = periph_id[(off - 0xfe0) / 4];
            return true;
        }
        *val = 0;   /* reserved offsets read as zero */
        return true;
    }
}

static bool pl011_write(void *opaque, Cpu *cpu, u64 off, unsigned size, u64 val)
{
    Pl011 *u = opaque;
    (void)cpu;
    (void)size;
    switch (off) {
    case UARTDR: {
        u8 ch = (u8)val;
        chardev_write(u->chr, &ch, 1);   /* flushed at the round boundary by the chardev */
        u->ris |= INT_TX;   /* TX FIFO drained at once */
        update_irq(u);
        return true;
    }
    case UARTRSR: return true;   /* error clear */
    case UARTILPR: u->ilpr = val & 0xff; return true;
    case UARTIBRD: u->ibrd = val & 0xffff; return true;
    case UARTFBRD: u->fbrd = val & 0x3f; return true;
    case UARTLCR_H: u->lcr_h = val & 0xff; return true;
    case UARTCR: u->cr = val & 0xff87; return true;
    case UARTIFLS: u->ifls = val & 0x3f; return true;
    case UARTIMSC: u->imsc = val & 0x7ff; update_irq(u); return true;
    case UARTICR: u->ris &= ~(u32)val; update_irq(u); return true;
    case UARTDMACR: u->dmacr = val & 7; return true;
    default:
        return true;   /* read-only or reserved: writes ignored */
    }
}

bool pl011_rx(Pl011 *u, u8 byte)
{
    if (u->rx_count == RX_FIFO)
        return false;
    u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = byte;
    u->rx_count++;
    u->ris |= INT_RX | INT_RT;
    update_irq(u);
    return true;
}

bool uart_input_at(Machine *m, u64 step, u8 byte)
{
    Device *d = machine_find_device(m, "pl011");
    Pl011 *u = d ? d->opaque : NULL;
    if (!u || u->in_count == IN_QUEUE)
        return false;
    if (u->in_count) {
        u64 last = u->inq[(u->in_head + u->in_count - 1) % IN_QUEUE].step;
        if (step < last)
            step = last;   /* keep the queue ordered by step */
    }
    unsigned i = (u->in_head + u->in_count) % IN_QUEUE;
    u->inq[i].step = step;
    u->inq[i].byte = byte;
    u->in_count++;
    return true;
}

/* Chardev front end: room in the input queue, and bytes the chardev
 * delivers at a round boundary with the step they were read at. */
static unsigned pl011_can_receive(void *opaque)
{
    Pl011 *u = opaque;
    return IN_QUEUE - u->in_count;
}

static void pl011_receive(void *opaque, u64 step, const u8 *buf, unsigned n)
{
    Pl011 *u = opaque;
    for (unsigned i = 0; i < n; i++)
        uart_input_at(u->m, step, buf[i]);
}

static void uart_tick(void *opaque, u64 now_ns)
{
    Pl011 *u = opaque;
    (void)now_ns;
    while (u->in_count && u->inq[u->in_head].step <= u->m->steps && u->rx_count < RX_FIFO) {
        pl011_rx(u, u->inq[u->in_head].byte);
        u->in_head = (u->in_head + 1) % IN_QUEUE;
        u->in_count--;
    }
}

static u64 uart_deadline(void *opaque)
{
    Pl011 *u = opaque;
    Machine *m = u->m;
    if (u->in_count && u->rx_count < RX_FIFO) {
        u64 s = u->inq[u->in_head].step;
        return s <= m->steps ? m->round_start_ns : m->round_start_ns + (s - m->steps) * m->ns_per_insn;
    }
    /* Waiting only for the host is not a deadline: virtual time stands still
     * while the machine idles for input (the chardev's idle wait), so typed
     * input enters at the same step however long the user takes to type. */
    return UINT64_MAX;
}

/* Leave the chardev; free. */
static void pl011_destroy(void *opaque)
{
    Pl011 *u = opaque;
    chardev_remove_frontend(u->chr, u);
    free(u);
}

/* Reset values (DDI 0183G 3.3): UARTEN clear with TXE|RXE set, FIFO levels
 * half-full, interrupts masked and clear, the RX FIFO empty.  Host input not
 * yet delivered stays queued: it is on the wire, not in the UART. */
static void pl011_reset(void *opaque)
{
    Pl011 *u = opaque;
    u->ilpr = u->ibrd = u->fbrd = u->lcr_h = u->imsc = u->ris = u->dmacr = 0;
    u->cr = 0x300;
    u->ifls = 0x12;
    u->rx_head = u->rx_count = 0;
    update_irq(u);
}

static int pl011_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    Pl011 *u = opaque;
    static const char compat[] = "arm,pl011\0arm,primecell";
    static const char cn[] = "uartclk\0apb_pclk";
    u32 clk[2] = {ctx->clk_phandle, ctx->clk_phandle};
    char name[32];
    int e;
    snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)u->base);
    if ((e = fdt_begin_node(fdt, name)) < 0 || (e = fdt_property(fdt, "compatible", compat, sizeof(compat))) < 0 ||
        (e = fdt_prop_reg(fdt, u->base, 0x1000)) < 0 || (e = fdt_prop_spi(fdt, u->spi, FDT_IRQ_LEVEL_HIGH)) < 0 ||
        (e = fdt_prop_cells(fdt, "clocks", clk, 2)) < 0 || (e = fdt_property(fdt, "clock-names", cn, sizeof(cn))) < 0)
        return e;
    if (u->secure && ((e = fdt_property_string(fdt, "status", "disabled")) < 0 ||
                      (e = fdt_property_string(fdt, "secure-status", "okay")) < 0))
        return e;
    return fdt_end_node(fdt);
}


void pl011_set_irq(Pl011 *u, IrqLine irq)
{
    u->irq = irq;
    update_irq(u);
}

static void pl011_save_op(void *opaque, SaveBuf *b) { pl011_save(opaque, b); }
static bool pl011_load_op(void *opaque, LoadBuf *b) { return pl011_load(opaque, b); }

static const DeviceOps pl011_ops = {
    .type = "pl011",
    .version = PL011_SAVE_VERSION,
    .reset = pl011_reset,
    .fdt_node = pl011_fdt,
    .save = pl011_save_op,
    .load = pl011_load_op,
    .destroy = pl011_destroy,
};

static Pl011 *create(Machine *m, u64 base, u32 spi, Chardev *chr, IrqLine irq, bool secure)
{
    Pl011 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    u->base = base;
    u->spi = spi;
    u->irq = irq;
    u->m = m;
    u->secure = secure;
    if (chr) {
        char err[160];
        ChardevFrontend fe = {pl011_can_receive, pl011_receive, NULL, u};
        if (!chardev_add_frontend(chr, &fe, err, sizeof(err))) {
            hs_log("hyperstep: serial port pl011@%llx: %s", (unsigned long long)base, err);
            free(u);
            return NULL;
        }
        u->chr = chr;
    }
    u->cr = 0x300;   /* TXE|RXE at reset (DDI 0183G 3.3.8) */
    u->ifls = 0x12;
    char name[32];
    snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)base);
    Device *d = machine_add_device(m, &pl011_ops, u, name);
    if (!d) {
        chardev_remove_frontend(chr, u);
        free(u);
        return NULL;
    }
    device_add_irq(d, 32 + spi);
    if (!device_map_mmio(m, d, "pl011", base, 0x1000, pl011_read, pl011_write, secure))
        return NULL;   /* the registry frees U */
    machine_add_clock(m, uart_tick, uart_deadline, u);
    return u;
}

Pl011 *pl011_create(Machine *m, u64 base, u32 spi, Chardev *chr, IrqLine irq)
{
    return create(m, base, spi, chr, irq, false);
}

Pl011 *pl011_create_secure(Machine *m, u64 base, u32 spi, Chardev *chr, IrqLine irq)
{
    return create(m, base, spi, chr, irq, true);
}

/* ---- save / load (pl011.h: pl011_save, pl011_load) ---- */

void pl011_save(Pl011 *u, SaveBuf *b)
{
    save_u32(b, u->ilpr);
    save_u32(b, u->ibrd);
    save_u32(b, u->fbrd);
    save_u32(b, u->lcr_h);
    save_u32(b, u->cr);
    save_u32(b, u->ifls);
    save_u32(b, u->imsc);
    save_u32(b, u->ris);
    save_u32(b, u->dmacr);
    save_u32(b, u->rx_count);
    for (unsigned i = 0; i < u->rx_count; i++)
        save_u8(b, u->rx[(u->rx_head + i) % RX_FIFO]);
    save_u32(b, u->in_count);
    for (unsigned i = 0; i < u->in_count; i++) {
        unsigned k = (u->in_head + i) % IN_QUEUE;
        save_u64(b, u->inq[k].step);
        save_u8(b, u->inq[k].byte);
    }
}

/* Load a register value that must fit MASK (the bits its write keeps). */
static u32 load_reg(LoadBuf *b, u32 mask)
{
    u32 v = load_u32(b);
    if (v & ~mask)
        load_fail(b);
    return v & mask;
}

bool pl011_load(Pl011 *u, LoadBuf *b)
{
    if (b->bad)
        return false;
    /* Read into a copy so U is unchanged when the record is rejected. */
    Pl011 *t = malloc(sizeof(*t));
    if (!t) {
        load_fail(b);
        return false;
    }
    *t = *u;
    t->ilpr = load_reg(b, 0xff);
    t->ibrd = load_reg(b, 0xffff);
    t->fbrd = load_reg(b, 0x3f);
    t->lcr_h = load_reg(b, 0xff);
    t->cr = load_reg(b, 0xff87);
    t->ifls = load_reg(b, 0x3f);
    t->imsc = load_reg(b, 0x7ff);
    t->ris = load_reg(b, INT_RX | INT_TX | INT_RT);
    t->dmacr = load_reg(b, 7);
    u32 n = load_u32(b);
    if (n > RX_FIFO)
        load_fail(b);
    t->rx_head = 0;
    t->rx_count = b->bad ? 0 : n;
    load_bytes(b, t->rx, t->rx_count);
    n = load_u32(b);
    if (n > IN_QUEUE)
        load_fail(b);
    t->in_head = 0;
    t->in_count = b->bad ? 0 : n;
    for (unsigned i = 0; i < t->in_count && !b->bad; i++) {
        t->inq[i].step = load_u64(b);
        t->inq[i].byte = load_u8(b);
        if (i && t->inq[i].step < t->inq[i - 1].step)
            load_fail(b);   /* uart_input_at() keeps the queue in step order */
    }
    if (b->bad) {
        free(t);
        return false;
    }
    *u = *t;
    free(t);
    update_irq(u);
    return true;
}
