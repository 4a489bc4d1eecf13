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

#endif
