/*
 * common/savebuf.c — see savebuf.h.
 */
#include <stdlib.h>
#include <string.h>

#include "common/savebuf.h"

void save_bytes(SaveBuf *b, const void *p, size_t len)
{
    if (b->oom || !len)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len)
            cap *= 2;
        u8 *d = realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, len);
    b->len += len;
}

static void save_le(SaveBuf *b, u64 v, unsigned n)
{
    u8 t[8];
    for (unsigned i = 0; i < n; i++)
        t[i] = (u8)(v >> (8 * i));
    save_bytes(b, t, n);
}

void save_u8(SaveBuf *b, u8 v) { save_le(b, v, 1); }
void save_u16(SaveBuf *b, u16 v) { save_le(b, v, 2); }
void save_u32(SaveBuf *b, u32 v) { save_le(b, v, 4); }
void save_u64(SaveBuf *b, u64 v) { save_le(b, v, 8); }

void savebuf_free(SaveBuf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void load_bytes(LoadBuf *b, void *p, size_t len)
{
    if (b->bad || len > b->len - b->pos) {
        b->bad = true;
        memset(p, 0, len);
        return;
    }
    memcpy(p, b->data + b->pos, len);
    b->pos += len;
}

static u64 load_le(LoadBuf *b, unsigned n)
{
    u8 t[8];
    load_bytes(b, t, n);
    u64 v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (u64)t[i] << (8 * i);
    return v;
}

u8 load_u8(LoadBuf *b) { return (u8)load_le(b, 1); }
u16 load_u16(LoadBuf *b) { return (u16)load_le(b, 2); }
u32 load_u32(LoadBuf *b) { return (u32)load_le(b, 4); }
u64 load_u64(LoadBuf *b) { return load_le(b, 8); }

bool load_bool(LoadBuf *b)
{
    u8 v = load_u8(b);
    if (v > 1)
        b->bad = true;
    return v == 1;
}
