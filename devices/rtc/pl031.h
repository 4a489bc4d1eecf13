/*
 * devices/rtc/pl031.h — Arm PrimeCell real-time clock PL031 (Arm DDI 0224).
 */
#ifndef EMU_DEVICES_RTC_PL031_H
#define EMU_DEVICES_RTC_PL031_H

#include "devices/device.h"

typedef struct Pl031 Pl031;

/* Create a PL031 at BASE (4 KiB) whose counter reads EPOCH (seconds) plus
 * the virtual seconds elapsed since reset (never the host clock).  IRQ is
 * the match interrupt output, GIC SPI number SPI (for the device tree).
 * Registers it (devices/device.h, type "pl031", which frees it) and a clock
 * so a match fires on time.  Returns NULL after logging on failure. */
Pl031 *pl031_create(Machine *m, u64 base, u32 spi, u32 epoch, IrqLine irq);

/* ---- save / load ---- */

#include "common/savebuf.h"

/* Save format version of pl031_save()/pl031_load() (DeviceOps.version). */
#define PL031_SAVE_VERSION 1

/* Append to B, in format PL031_SAVE_VERSION, R's guest-visible state: the
 * counter value last loaded (RTCLR, or the epoch) and the virtual time in
 * ns at which it was loaded (the counter RTCDR follows from them), the
 * counter at the last clock tick (decides when a match fires), RTCMR,
 * RTCCR, RTCIMSC and RTCRIS. */
void pl031_save(Pl031 *r, SaveBuf *b);
/* Read one record written by pl031_save() from B into R and re-drive its
 * interrupt output.  Returns false, leaving R unchanged and setting B->bad,
 * when the record is truncated or RTCCR, RTCIMSC or RTCRIS has a bit other
 * than bit 0 set.  Bytes after the record are left for the caller. */
bool pl031_load(Pl031 *r, LoadBuf *b);

#endif
