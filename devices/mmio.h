/*
 * devices/mmio.h — what a device model needs: MMIO callbacks (see
 * machine/machine.h MmioRead/MmioWrite) and interrupt lines.
 */
#ifndef EMU_DEVICES_MMIO_H
#define EMU_DEVICES_MMIO_H

#include "machine/machine.h"

/* An interrupt output: calling irq_set() drives input LINE of the sink
 * (e.g. a GIC SPI number) to LEVEL. */
typedef struct IrqLine {
    void (*set)(void *opaque, unsigned line, bool level);
    void *opaque;
    unsigned line;
} IrqLine;

static inline void irq_set(const IrqLine *l, bool level)
{
    if (l->set)
        l->set(l->opaque, l->line, level);
}

#endif
