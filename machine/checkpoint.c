/*
 * machine/checkpoint.c — see checkpoint.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/savebuf.h"
#include "machine/checkpoint.h"
#include "machine/snapshot.h"
#include "mmu/mmu.h"
#include "trace/digest.h"

#define PAGE 4096u

/* One saved copy of a page: the content at checkpoint ID.  Chains are
 * ordered newest (highest ID) first. */
typedef struct PageVer {
    struct PageVer *older;
    u32 id;
    u8 data[PAGE];
} PageVer;

typedef struct Ckpt {
    CkptInfo info;
    u32 id;               /* increasing in time order */
    SaveBuf state;        /* snapshot_save_state() */
    u8 *digest_dirty[HS_MAX_REGIONS];   /* the digest's dirty bits then */
    u32 *pages;           /* global page numbers with a copy of this id */
    size_t npages, cap;
} Ckpt;

typedef struct CkptStore {
    u64 every, budget, bytes;
    Ckpt **ck;            /* oldest first */
    unsigned n, cap;
    u32 next_id;
    int base;             /* index of the checkpoint the live state last matched */
    u64 next_step;        /* next round end due for a checkpoint */
    /* Per RAM region: first global page number, chains. */
    u64 first_page[HS_MAX_REGIONS];
    PageVer **chain[HS_MAX_REGIONS];
} CkptStore;

/* The store lives in the snapshot module's control state (it owns the
 * round_end hook); no hook, no store. */
static CkptStore *store(const Machine *m)
{
    if (!m->hooks.round_end)
        return NULL;
    void **slot = snapshot_checkpoint_slot((Machine *)m, NULL, NULL);
    return slot ? *slot : NULL;
}

bool checkpoint_enabled(const Machine *m)
{
    return m->hooks.round_end && store(m) != NULL;
}

static size_t dirty_bytes(const MemRegion *r)
{
    return r->size / PAGE / 8 + 1;
}

static bool page_zero(const u8 *p)
{
    static const u64 z[PAGE / 8];
    return !memcmp(p, z, PAGE);
}

/* Region and page of global page number G. */
static unsigned region_of(const Machine *m, const CkptStore *s, u64 g, u64 *pg)
{
    for (unsigned i = m->nregions; i-- > 0;) {
        const MemRegion *r = &m->region[i];
        if (r->host && g >= s->first_page[i]) {
            *pg = g - s->first_page[i];
            return i;
        }
    }
    *pg = 0;
    return 0;
}

static bool add_page(Ckpt *c, u32 g)
{
    if (c->npages == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        u32 *p = realloc(c->pages, cap * sizeof(*p));
        if (!p)
            return false;
        c->pages = p;
        c->cap = cap;
    }
    c->pages[c->npages++] = g;
    return true;
}

static void free_ckpt(Ckpt *c)
{
    savebuf_free(&c->state);
    for (unsigned i = 0; i < HS_MAX_REGIONS; i++)
        free(c->digest_dirty[i]);
    free(c->pages);
    free(c);
}

static u64 ckpt_fixed_bytes(const Machine *m, const Ckpt *c)
{
    u64 b = sizeof(*c) + c->state.cap + c->cap * sizeof(u32);
    for (unsigned i = 0; i < m->nregions; i++)
        if (c->digest_dirty[i])
            b += dirty_bytes(&m->region[i]);
    return b;
}

static void flush_all(Machine *m)
{
    for (unsigned i = 0; i < m->ncpu; i++)
        tlb_flush_all(m->cpu[i]);
}

/* Take a checkpoint now (ALL: copy every non-zero page, the first one). */
static bool take(Machine *m, CkptStore *s, bool all, bool tail)
{
    Ckpt *c = calloc(1, sizeof(*c));
    if (!c)
        return false;
    c->id = s->next_id++;
    c->info.steps = m->steps;
    for (unsigned i = 0; i < m->ncpu; i++)
        c->info.icount[i] = m->cpu[i]->icount;
    if (!snapshot_save_state(m, &c->state, tail)) {
        free_ckpt(c);
        return false;
    }
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (!r->host)
            continue;
        c->digest_dirty[i] = malloc(dirty_bytes(r));
        if (!c->digest_dirty[i]) {
            free_ckpt(c);
            return false;
        }
        memcpy(c->digest_dirty[i], r->dirty, dirty_bytes(r));
        u64 pages = r->size / PAGE;
        u8 *res = all ? snapshot_resident_map(r) : NULL;
        for (u64 pg = 0; pg < pages; pg++) {
            if (all) {
                if ((res && !(res[pg] & 1)) || page_zero(r->host + pg * PAGE))
                    continue;
            } else {
                if ((pg & 7) == 0 && r->ckpt_dirty[pg >> 3] == 0) {
                    pg += 7;
                    continue;
                }
                if (!((r->ckpt_dirty[pg >> 3] >> (pg & 7)) & 1))
                    continue;
            }
            PageVer *v = malloc(sizeof(*v));
            if (!v || !add_page(c, (u32)(s->first_page[i] + pg))) {
                free(v);
                free(res);
                free_ckpt(c);
                return false;
            }
            v->id = c->id;
            memcpy(v->data, r->host + pg * PAGE, PAGE);
            v->older = s->chain[i][pg];
            s->chain[i][pg] = v;
            s->bytes += sizeof(*v);
        }
        free(res);
        memset(r->ckpt_dirty, 0, dirty_bytes(r));
    }
    flush_all(m);   /* writes refill their TLB entries, marking pages again */
    if (s->n == s->cap) {
        unsigned cap = s->cap ? s->cap * 2 : 64;
        Ckpt **p = realloc(s->ck, cap * sizeof(*p));
        if (!p) {
            free_ckpt(c);
            return false;
        }
        s->ck = p;
        s->cap = cap;
    }
    s->ck[s->n++] = c;
    s->base = (int)s->n - 1;
    s->bytes += ckpt_fixed_bytes(m, c);
    return true;
}

/* Merge checkpoint K (neither the first nor the last) into K+1. */
static void merge(Machine *m, CkptStore *s, unsigned k)
{
    Ckpt *c = s->ck[k], *next = s->ck[k + 1];
    for (size_t i = 0; i < c->npages; i++) {
        u64 pg;
        unsigned r = region_of(m, s, c->pages[i], &pg);
        /* Find c's copy and the one just newer in the chain. */
        PageVer **pp = &s->chain[r][pg], *newer = NULL;
        while (*pp && (*pp)->id != c->id) {
            newer = *pp;
            pp = &(*pp)->older;
        }
        PageVer *v = *pp;
        if (!v)
            continue;
        if (newer && newer->id == next->id) {
            *pp = v->older;   /* the next checkpoint has its own copy */
            free(v);
            s->bytes -= sizeof(*v);
        } else {
            v->id = next->id;   /* unchanged until the next checkpoint: it is the next one's copy */
            if (!add_page(next, c->pages[i])) {
                /* Out of memory growing the list: keep K instead. */
                v->id = c->id;
                return;
            }
        }
    }
    s->bytes -= ckpt_fixed_bytes(m, c);
    free_ckpt(c);
    memmove(&s->ck[k], &s->ck[k + 1], (s->n - k - 1) * sizeof(*s->ck));
    s->n--;
    if (s->base > (int)k)
        s->base--;   /* (base == K: index K is now the next one, whose pages cover K's) */
}

/* Thin out until within the budget: merge the checkpoint whose neighbours
 * are closest (the oldest such). */
static void thin(Machine *m, CkptStore *s)
{
    while (s->bytes > s->budget && s->n > 2) {
        unsigned best = 1;
        u64 gap = UINT64_MAX;
        for (unsigned k = 1; k + 1 < s->n; k++) {
            u64 g = s->ck[k + 1]->info.steps - s->ck[k - 1]->info.steps;
            if (g < gap) {
                gap = g;
                best = k;
            }
        }
        unsigned before = s->n;
        merge(m, s, best);
        if (s->n == before)
            break;
    }
}

bool checkpoint_enable(Machine *m, u64 every, u64 budget, bool at_round_end, char *err, size_t errlen)
{
    void **slot = snapshot_checkpoint_slot(m, checkpoint_round_end, checkpoint_free);
    CkptStore *s = slot ? calloc(1, sizeof(*s)) : NULL;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    *slot = s;
    s->every = (every + m->quantum - 1) / m->quantum * m->quantum;
    if (!s->every)
        s->every = m->quantum;
    s->budget = budget;
    u64 g = 0;
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (!r->host)
            continue;
        s->first_page[i] = g;
        g += r->size / PAGE;
        s->chain[i] = calloc(r->size / PAGE, sizeof(PageVer *));
        r->ckpt_dirty = calloc(dirty_bytes(r), 1);
        if (!s->chain[i] || !r->ckpt_dirty || g > UINT32_MAX) {
            snprintf(err, errlen, "out of memory for checkpoints");
            return false;
        }
    }
    if (!take(m, s, true, at_round_end)) {
        snprintf(err, errlen, "out of memory for the first checkpoint");
        return false;
    }
    s->next_step = m->steps + s->every;
    return true;
}

void checkpoint_round_end(Machine *m)
{
    CkptStore *s = store(m);
    if (!s)
        return;
    /* A checkpoint of this very step exists (re-execution): the live state
     * matches it again. */
    for (unsigned k = s->n; k-- > 0;) {
        if (s->ck[k]->info.steps < m->steps)
            break;
        if (s->ck[k]->info.steps == m->steps) {
            if ((int)k > s->base) {
                s->base = (int)k;
                for (unsigned i = 0; i < m->nregions; i++)
                    if (m->region[i].ckpt_dirty)
                        memset(m->region[i].ckpt_dirty, 0, dirty_bytes(&m->region[i]));
                flush_all(m);
            }
            return;
        }
    }
    if (m->steps < s->next_step || (s->n && s->ck[s->n - 1]->info.steps > m->steps))
        return;   /* not due, or behind the newest checkpoint */
    if (!take(m, s, false, true))
        return;   /* out of memory: no checkpoint this time */
    s->next_step = m->steps + s->every;
    thin(m, s);
}

unsigned checkpoint_count(const Machine *m)
{
    const CkptStore *s = store(m);
    return s ? s->n : 0;
}

const CkptInfo *checkpoint_info(const Machine *m, unsigned j)
{
    const CkptStore *s = store(m);
    return s && j < s->n ? &s->ck[j]->info : NULL;
}

/* Put page PG of region R back to its content at checkpoint ID. */
static void revert_page(Machine *m, CkptStore *s, unsigned r, u64 pg, u32 id, u8 *done)
{
    if (done[(s->first_page[r] + pg) >> 3] & (1u << ((s->first_page[r] + pg) & 7)))
        return;
    done[(s->first_page[r] + pg) >> 3] |= (u8)(1u << ((s->first_page[r] + pg) & 7));
    const PageVer *v = s->chain[r][pg];
    while (v && v->id > id)
        v = v->older;
    u8 *h = m->region[r].host + pg * PAGE;
    if (v)
        memcpy(h, v->data, PAGE);
    else
        memset(h, 0, PAGE);
}

bool checkpoint_restore(Machine *m, unsigned j, char *err, size_t errlen)
{
    CkptStore *s = store(m);
    if (!s || j >= s->n) {
        snprintf(err, errlen, "no such checkpoint");
        return false;
    }
    Ckpt *c = s->ck[j];
    u64 total = 0;
    for (unsigned i = 0; i < m->nregions; i++)
        if (m->region[i].host)
            total = s->first_page[i] + m->region[i].size / PAGE;
    u8 *done = calloc(total / 8 + 1, 1);
    if (!done) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    /* Pages written since the live state matched checkpoint BASE... */
    for (unsigned i = 0; i < m->nregions; i++) {
        MemRegion *r = &m->region[i];
        if (!r->host)
            continue;
        u64 pages = r->size / PAGE;
        for (u64 pg = 0; pg < pages; pg++) {
            if (!r->ckpt_dirty[pg >> 3]) {
                pg |= 7;
                continue;
            }
            if ((r->ckpt_dirty[pg >> 3] >> (pg & 7)) & 1)
                revert_page(m, s, i, pg, c->id, done);
        }
        memset(r->ckpt_dirty, 0, dirty_bytes(r));
        memcpy(r->dirty, c->digest_dirty[i], dirty_bytes(r));
    }
    /* ...and those that changed between BASE and J. */
    unsigned lo = (unsigned)(s->base < (int)j ? s->base : (int)j), hi = (unsigned)(s->base < (int)j ? (int)j : s->base);
    for (unsigned k = lo + 1; k <= hi && k < s->n; k++)
        for (size_t p = 0; p < s->ck[k]->npages; p++) {
            u64 pg;
            unsigned r = region_of(m, s, s->ck[k]->pages[p], &pg);
            revert_page(m, s, r, pg, c->id, done);
        }
    free(done);
    LoadBuf lb = loadbuf_of(c->state.data, c->state.len);
    if (!snapshot_load_state(m, &lb, err, errlen))
        return false;
    s->base = (int)j;
    s->next_step = c->info.steps + s->every;
    flush_all(m);
    digest_seek(m);   /* the checkpoints after this step come again */
    return true;
}

void checkpoint_truncate(Machine *m, u64 steps)
{
    CkptStore *s = store(m);
    if (!s)
        return;
    while (s->n > 1 && s->ck[s->n - 1]->info.steps > steps) {
        Ckpt *c = s->ck[--s->n];
        for (size_t i = 0; i < c->npages; i++) {
            u64 pg;
            unsigned r = region_of(m, s, c->pages[i], &pg);
            PageVer **pp = &s->chain[r][pg];
            while (*pp && (*pp)->id != c->id)
                pp = &(*pp)->older;
            if (*pp) {
                PageVer *v = *pp;
                *pp = v->older;
                free(v);
                s->bytes -= sizeof(PageVer);
            }
        }
        s->bytes -= ckpt_fixed_bytes(m, c);
        free_ckpt(c);
    }
    if (s->base >= (int)s->n) {
        /* The live state matched a dropped checkpoint: it now differs from
         * the newest kept one in the pages of the dropped ones, which are
         * no longer known; mark every page of the live RAM as written. */
        s->base = (int)s->n - 1;
        for (unsigned i = 0; i < m->nregions; i++)
            if (m->region[i].ckpt_dirty)
                memset(m->region[i].ckpt_dirty, 0xff, dirty_bytes(&m->region[i]));
    }
    s->next_step = s->ck[s->n - 1]->info.steps + s->every;
    if (s->next_step <= steps)
        s->next_step = (steps / s->every + 1) * s->every;
}

u64 checkpoint_bytes(const Machine *m, u64 *budget)
{
    const CkptStore *s = store(m);
    if (budget)
        *budget = s ? s->budget : 0;
    return s ? s->bytes : 0;
}

void checkpoint_free(Machine *m)
{
    void **slot = m->hooks.round_end ? snapshot_checkpoint_slot(m, NULL, NULL) : NULL;
    CkptStore *s = slot ? *slot : NULL;
    if (!s)
        return;
    for (unsigned k = 0; k < s->n; k++)
        free_ckpt(s->ck[k]);
    free(s->ck);
    for (unsigned i = 0; i < m->nregions; i++) {
        if (!s->chain[i])
            continue;
        u64 pages = m->region[i].size / PAGE;
        for (u64 pg = 0; pg < pages; pg++) {
            PageVer *v = s->chain[i][pg];
            while (v) {
                PageVer *o = v->older;
                free(v);
                v = o;
            }
        }
        free(s->chain[i]);
        free(m->region[i].ckpt_dirty);
        m->region[i].ckpt_dirty = NULL;
    }
    free(s);
    *slot = NULL;
}
