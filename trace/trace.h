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
/* Output stream for traces (stderr unless --trace-file). */
FILE *trace_out(const Machine *m);
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
