/*
 * trace/trace.h — trace output (--trace CATEGORY,...).  Every function here
 * is cold: callers test m->trace / m->slow first.  Lines start with
 * "[cN ELx #step]" so a log of several cores reads in order.
 */
#ifndef EMU_TRACE_TRACE_H
#define EMU_TRACE_TRACE_H

#include <stdio.h>

#include "cpu/cpu.h"

typedef struct Machine Machine;

/* Parse "insn,exc,psci" into TRACE_* bits; returns false on an unknown name
 * (and names it in ERR). */
bool trace_parse(const char *spec, u32 *mask, char *err, size_t errlen);
/* Trace filters (--trace-core / --trace-el / --trace-range): should a line
 * about core C at exception level EL concerning address ADDR print?
 * ADDR is the instruction PC for insn/exc/regs lines, the address printed on
 * mmio (PA) and mmu (VA) lines, the core's PC for the other categories.
 * EL is the EL the line is about: the target EL of an exception, the EL an
 * ERET returns from, else the core's current EL.  C NULL (no core) passes
 * the core and EL filters.  Cold: called only where a line would print. */
bool trace_wanted(const Cpu *c, unsigned el, u64 addr);
/* Parse "0,2,5-7" into a bitmask of cores (< HS_MAX_CPUS); false + ERR on junk. */
bool trace_parse_cores(const char *spec, u64 *mask, char *err, size_t errlen);
/* Parse "1,2" into a bitmask of ELs 0..3; false + ERR on junk. */
bool trace_parse_els(const char *spec, u32 *mask, char *err, size_t errlen);
/* Parse "LO-HI" (hex with 0x or decimal, inclusive); false + ERR on junk. */
bool trace_parse_range(const char *spec, u64 *lo, u64 *hi, char *err, size_t errlen);
/* Output stream for traces (stderr unless --trace-file). */
FILE *trace_out(const Machine *m);
/* Write one trace line (printf FMT, newline appended) to trace_out(M). */
void trace_line(const Machine *m, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Write the "[cN ELx #step] " prefix. */
void trace_prefix(const Cpu *c);

void trace_insn(Cpu *c, u64 pc, u32 insn);
/* After an instruction retired (EXCEPTION: it took a synchronous exception):
 * step log and register-write traces. */
void trace_post(Cpu *c, u64 pc, u32 insn, bool exception);
void trace_exception(Cpu *c, unsigned from, unsigned to, u32 esr, u64 far, bool far_valid,
                     u64 elr, const char *reason);
void trace_async(Cpu *c, unsigned from, unsigned to, const char *what);
void trace_eret(Cpu *c, unsigned from, u64 elr, u64 spsr, const char *illegal);
void trace_mmio(Cpu *c, const char *dev, u64 pa, unsigned size, u64 val, bool write, bool ok);
void trace_sched(Cpu *c, const char *what);
/* Always logged (once per distinct WHAT): an unimplemented feature was used. */
void trace_unimplemented(Cpu *c, const char *what);
/* Disassemble INSN at PC with Capstone into BUF. */
void trace_disas(Machine *m, u64 pc, u32 insn, char *buf, size_t len);
/* Close the Capstone handle trace_disas() opened, if any (virt_destroy). */
void trace_free(Machine *m);

#endif
