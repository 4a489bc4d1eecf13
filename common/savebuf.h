/*
 * common/savebuf.h — byte buffers for saving and loading guest-visible
 * state (device registry save/load, machine snapshots).
 *
 * Format: little-endian fixed-width integers and raw byte runs, written and
 * read in the same order by one module; no self-description beyond what the
 * writer puts in.  Writers never fail visibly: an allocation failure sets
 * SaveBuf.oom and later writes are dropped (check it once at the end).
 * Readers never read past the end: an overrun sets LoadBuf.bad, returns 0
 * and zero-fills; check it once at the end (load_ok()).
 */
#ifndef EMU_COMMON_SAVEBUF_H
#define EMU_COMMON_SAVEBUF_H

#include <stddef.h>

#include "common/common.h"

typedef struct SaveBuf {
    u8 *data;        /* malloc'ed; owned by the buffer (savebuf_free) */
    size_t len;      /* bytes written */
    size_t cap;      /* bytes allocated */
    bool oom;        /* an allocation failed: the contents are incomplete */
} SaveBuf;

typedef struct LoadBuf {
    const u8 *data;  /* not owned */
    size_t len;      /* bytes available */
    size_t pos;      /* next byte to read */
    bool bad;        /* read past the end, or a reader found a bad value */
} LoadBuf;

/* Append LEN bytes / one integer of 1, 2, 4 or 8 bytes. */
void save_bytes(SaveBuf *b, const void *p, size_t len);
void save_u8(SaveBuf *b, u8 v);
void save_u16(SaveBuf *b, u16 v);
void save_u32(SaveBuf *b, u32 v);
void save_u64(SaveBuf *b, u64 v);
static inline void save_bool(SaveBuf *b, bool v) { save_u8(b, v ? 1 : 0); }
/* Release the buffer's memory and make it empty. */
void savebuf_free(SaveBuf *b);

/* A reader over LEN bytes at P. */
static inline LoadBuf loadbuf_of(const void *p, size_t len)
{
    LoadBuf l = {(const u8 *)p, len, 0, false};
    return l;
}
/* Take LEN bytes / one integer; past the end: zeros and LoadBuf.bad. */
void load_bytes(LoadBuf *b, void *p, size_t len);
u8 load_u8(LoadBuf *b);
u16 load_u16(LoadBuf *b);
u32 load_u32(LoadBuf *b);
u64 load_u64(LoadBuf *b);
/* A bool saved by save_bool(); any value other than 0/1 sets LoadBuf.bad. */
bool load_bool(LoadBuf *b);
/* Mark the input malformed (a reader found an out-of-range value). */
static inline void load_fail(LoadBuf *b) { b->bad = true; }
/* Everything read, nothing malformed, nothing left over. */
static inline bool load_ok(const LoadBuf *b) { return !b->bad && b->pos == b->len; }

#endif
