/*
 * devices/pl011/pl011.c — PL011 UART (Arm DDI 0183G, chapter 3 "Programmers
 * Model").  Transmission is instantaneous (the TX FIFO never fills); the RX
 * FIFO holds 32 entries.  Interrupts: RX, RT (receive timeout, raised with RX
 * here since bytes arrive at instruction boundaries) and TX.
 */
#include <stdlib.h>

#include "devices/pl011/pl011.h"

enum {
    UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024,
    UARTFBRD = 0x028, UARTLCR_H = 0x02c, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038,
    UARTRIS = 0x03c, UARTMIS = 0x040, UARTICR = 0x044, UARTDMACR = 0x048,
};
enum { FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7 };
enum { INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6 };
#define RX_FIFO 32

struct Pl011 {
    FILE *out;
    IrqLine irq;
    u32 ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    u8 rx[RX_FIFO];
    unsigned rx_head, rx_count;
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
    case UARTDR:
        fputc((int)(val & 0xff), u->out);
        if ((val & 0xff) == '\n')
            fflush(u->out);
        u->ris |= INT_TX;   /* TX FIFO drained at once */
        update_irq(u);
        return true;
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

void pl011_set_irq(Pl011 *u, IrqLine irq)
{
    u->irq = irq;
    update_irq(u);
}

Pl011 *pl011_create(Machine *m, const char *name, u64 base, FILE *out, IrqLine irq)
{
    Pl011 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    u->out = out;
    u->irq = irq;
    u->cr = 0x300;   /* TXE|RXE at reset (DDI 0183G 3.3.8) */
    u->ifls = 0x12;
    if (!phys_add_mmio(m, name, base, 0x1000, pl011_read, pl011_write, u)) {
        free(u);
        return NULL;
    }
    return u;
}
