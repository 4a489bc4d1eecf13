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

typedef struct DecodedInsn DecodedInsn;

/* A dispatcher: runs the instruction of a predecode entry.  The generic
 * ones (d_NAME, generated) extract the fields of D->insn and call
 * exec_NAME; the specialised ones (cpu/exec_fast.c) read only the operands
 * the predecoder stored in D. */
typedef void (*InsnFn)(Cpu *c, const DecodedInsn *d);

/* Predecode cache entry, one per 4 bytes of guest RAM/ROM (MemRegion.code),
 * 24 bytes.  INSN is the raw word it was decoded from: the run loop re-checks
 * it on every fetch, so code written by the guest is never run stale (the
 * Arm ARM allows a stale fetch until IC IVAU + ISB; we are stricter).  RD,
 * RN, RM, AUX and IMM are the pre-extracted operands of a specialised
 * handler (register numbers 0-31, a shift amount or bit number in AUX, an
 * immediate, mask or branch offset in IMM); generic handlers ignore them. */
struct DecodedInsn {
    InsnFn fn;
    u32 insn;
    u8 rd, rn, rm, aux;
    u64 imm;
};
_Static_assert(sizeof(DecodedInsn) == 24, "DecodedInsn must stay 24 bytes");

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
void a64_unallocated(Cpu *c, const DecodedInsn *d);

/* Fill D for INSN: a specialised handler and its operands when INSN is one of
 * the common forms cpu/exec_fast.c handles, else the generic dispatcher of
 * its table line (or a64_unallocated). */
void a64_predecode(DecodedInsn *d, u32 insn);


#endif
