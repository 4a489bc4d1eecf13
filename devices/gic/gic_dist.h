/*
 * devices/gic/gic_dist.h — per-INTID register banks at their distributor
 * offsets (0x080-0xd7f), shared by the GICv2/GICv3 distributors and the
 * GICv3 redistributor SGI frame.
 */
#ifndef EMU_DEVICES_GIC_DIST_H
#define EMU_DEVICES_GIC_DIST_H

#include "devices/gic/gic_internal.h"

/* Read/write the bank register at OFF (size 1/2/4; byte access only for
 * IPRIORITYR/ITARGETSR) for INTIDs in [LO, HI) (others RAZ/WI), banked
 * INTIDs < 32 taken from core CPU.  SECURE: the access is Secure (sees both
 * groups).  Returns false if OFF is not a bank register or SIZE is wrong. */
bool gic_bank_read(Gic *g, unsigned cpu, u32 off, unsigned size, u64 *val, unsigned lo,
                   unsigned hi, bool secure);
bool gic_bank_write(Gic *g, unsigned cpu, u32 off, unsigned size, u64 val, unsigned lo,
                    unsigned hi, bool secure);

#endif
