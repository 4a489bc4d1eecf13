/*
 * cpu/exclusive.h — exclusive monitors (Arm ARM B2.9).
 */
#ifndef EMU_CPU_EXCLUSIVE_H
#define EMU_CPU_EXCLUSIVE_H

#include "cpu/cpu.h"

/* Mark a reservation for SIZE bytes at physical PA (host address HOST). */
void excl_set(Cpu *c, u64 pa, const u8 *host, unsigned size);
/* CLREX / ERET / store-exclusive completion: drop the local reservation. */
void excl_clear(Cpu *c);
/* Does the reservation still cover PA/SIZE exactly (store-exclusive test)? */
bool excl_check(Cpu *c, u64 pa, unsigned size);

#endif
