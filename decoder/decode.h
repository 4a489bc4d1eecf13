/*
 * decoder/decode.h — A64 decoder interface.
 *
 * The decode tables are decoder/a64_*.decode (one line per encoding class,
 * see gen_decoder.py for the format).  The generator produces a handler
 * prototype exec_NAME(Cpu *, const A_NAME *) for every line; handlers live in
 * cpu/exec_*.c.
 */
#ifndef EMU_DECODER_DECODE_H
#define EMU_DECODER_DECODE_H

#include "cpu/cpu.h"

/* A dispatcher: extracts the fields of one encoding and calls exec_NAME. */
typedef void (*InsnFn)(Cpu *c, u32 insn);

typedef struct DecodePattern {
    u32 mask, match;       /* insn & mask == match */
    InsnFn fn;
    const char *name;      /* table line name, e.g. "ADD_imm" */
    const char *table;     /* decode file it came from, e.g. "a64_dp_imm" */
} DecodePattern;

extern const DecodePattern a64_patterns[];   /* most specific first */
extern const unsigned a64_num_patterns;
extern const u16 *const a64_buckets[256];   /* by insn bits [28:21], 0xffff-terminated */

/* Find the pattern for INSN, or NULL if the encoding is unallocated. */
static inline const DecodePattern *a64_decode(u32 insn)
{
    const u16 *b = a64_buckets[(insn >> 21) & 0xff];
    for (; *b != 0xffff; b++) {
        const DecodePattern *p = &a64_patterns[*b];
        if ((insn & p->mask) == p->match)
            return p;
    }
    return NULL;
}

/* Dispatcher used for unallocated encodings: raises UNDEFINED (EC 0x00). */
void a64_unallocated(Cpu *c, u32 insn);


#endif
