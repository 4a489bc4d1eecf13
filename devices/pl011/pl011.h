/*
 * devices/pl011/pl011.h — Arm PrimeCell UART PL011 (Arm DDI 0183G).
 */
#ifndef EMU_DEVICES_PL011_PL011_H
#define EMU_DEVICES_PL011_PL011_H

#include <stdio.h>

#include "devices/mmio.h"

typedef struct Pl011 Pl011;

/* Create a PL011 at BASE (4 KiB window) writing transmitted bytes to OUT.
 * IRQ is its interrupt output (may be unconnected).  Returns NULL on error. */
Pl011 *pl011_create(Machine *m, const char *name, u64 base, FILE *out, IrqLine irq);
/* Connect the interrupt output after creation (the GIC is made later). */
void pl011_set_irq(Pl011 *u, IrqLine irq);
/* Offer one received byte (host input at a deterministic step); false if
 * the RX FIFO is full. */
bool pl011_rx(Pl011 *u, u8 byte);

#endif
