/*
 * devices/pl011/pl011.h — Arm PrimeCell UART PL011 (Arm DDI 0183G).
 */
#ifndef EMU_DEVICES_PL011_PL011_H
#define EMU_DEVICES_PL011_PL011_H

#include <stdio.h>

#include "devices/device.h"

typedef struct Pl011 Pl011;

/* Create a PL011 at BASE (4 KiB window) writing transmitted bytes to OUT.
 * IRQ is its interrupt output (may be unconnected), GIC SPI number SPI (for
 * the device tree).  Registers it (devices/device.h, type "pl011"): the
 * registry destroys it, closing OUT unless it is stdout or stderr (OUT is
 * the UART's from the call on, also when creation fails), and
 * restoring a terminal put in raw mode.  Returns NULL after logging. */
Pl011 *pl011_create(Machine *m, u64 base, u32 spi, FILE *out, IrqLine irq);
/* The same for a UART of the Secure world (QEMU virt's Secure UART): its
 * window is reachable from the Secure PA space only, its DT node says
 * status = "disabled", secure-status = "okay".  OUT may be NULL: the bytes
 * are discarded (QEMU's PL011 without a chardev).  Host input goes to the
 * first UART created (uart_input_at), not to this one. */
Pl011 *pl011_create_secure(Machine *m, u64 base, u32 spi, FILE *out, IrqLine irq);
/* Connect the interrupt output after creation (the GIC is made later). */
void pl011_set_irq(Pl011 *u, IrqLine irq);
/* Offer one received byte (host input at a deterministic step); false if
 * the RX FIFO is full. */
bool pl011_rx(Pl011 *u, u8 byte);

/* Queue BYTE to enter M's UART RX FIFO at global step STEP (delivered at the
 * first round boundary at or after STEP, once the FIFO has room).  The only
 * path host input takes, so a record/replay layer can store (step, byte).
 * Returns false if the queue (1024 bytes) is full. */
bool uart_input_at(Machine *m, u64 step, u8 byte);
/* Read host input from FD (e.g. 0 = stdin) at round boundaries, without
 * blocking; a terminal is put in raw mode (Ctrl-A x quits) until
 * pl011_destroy().  */
bool pl011_host_input(Pl011 *u, int fd);
/* Call RECORD(opaque, step, byte) for every byte taken from the host (after
 * it is queued with uart_input_at), so a record/replay layer can store the
 * pairs and later replay them with uart_input_at() and no host input. */
void pl011_set_recorder(Pl011 *u, void (*record)(void *opaque, u64 step, u8 byte), void *opaque);

/* ---- save / load ---- */

#include "common/savebuf.h"

/* Save format version of pl011_save()/pl011_load() (DeviceOps.version). */
#define PL011_SAVE_VERSION 1

/* Append to B, in format PL011_SAVE_VERSION, U's guest-visible state:
 * UARTILPR, UARTIBRD, UARTFBRD, UARTLCR_H, UARTCR, UARTIFLS, UARTIMSC,
 * UARTRIS, UARTDMACR; the RX FIFO contents, oldest byte first; and the
 * host input queued by uart_input_at() that has not entered the FIFO yet,
 * as (step, byte) pairs in delivery order.  Not saved: the output file,
 * host input descriptor and terminal mode, the Ctrl-A escape state, the
 * host polling cadence and the record hook (host resources). */
void pl011_save(Pl011 *u, SaveBuf *b);
/* Read one record written by pl011_save() from B into U and re-drive its
 * interrupt output.  Returns false, leaving U unchanged and setting
 * B->bad, when the record is truncated, a register has bits the register
 * does not implement, the RX FIFO holds more than 32 bytes, the input queue
 * more than 1024 pairs or pairs out of step order, or memory runs out.
 * Bytes after the record are left for the caller. */
bool pl011_load(Pl011 *u, LoadBuf *b);

#endif
