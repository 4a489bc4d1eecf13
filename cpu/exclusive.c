/*
 * cpu/exclusive.c — local and global exclusive monitors (Arm ARM B2.9
 * "Synchronization and semaphores").  A reservation is a naturally aligned
 * granule; we use the accessed bytes rounded out to 16 bytes (the A53 ERG is
 * 16 words = 64 bytes; any granule between the access size and 2 KiB is
 * architecturally allowed: CTR_EL0.ERG reports 64 bytes, so we use 64).
 */
#include "cpu/exclusive.h"
#include "cpu/machine_core.h"

#define EXCL_GRANULE 64u

void excl_set(Cpu *c, u64 pa, const u8 *host, unsigned size)
{
    if (!c->excl_size)
        c->m->excl_holders++;
    c->excl_addr = pa;
    c->excl_host = host;
    c->excl_size = (u8)size;
}

void excl_clear(Cpu *c)
{
    if (c->excl_size)
        c->m->excl_holders--;
    c->excl_size = 0;
    c->excl_host = NULL;
}

static bool same_granule(uintptr_t a, uintptr_t b)
{
    return (a & ~(uintptr_t)(EXCL_GRANULE - 1)) == (b & ~(uintptr_t)(EXCL_GRANULE - 1));
}

void excl_store_hook(Cpu *c, const u8 *h, unsigned size)
{
    Machine *m = c->m;
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *o = m->cpu[i];
        if (o == c || !o->excl_size || !o->excl_host)
            continue;
        if (same_granule((uintptr_t)o->excl_host, (uintptr_t)h) ||
            same_granule((uintptr_t)o->excl_host, (uintptr_t)(h + size - 1))) {
            excl_clear(o);
            /* Clearing a PE's global monitor is a WFE wake-up event (Arm
             * ARM D1.16.1): spinlocks sleep in WFE after LDAXR. */
            o->event = true;
        }
    }
}

bool excl_check(Cpu *c, u64 pa, unsigned size)
{
    return c->excl_size && c->excl_addr == pa && c->excl_size == size;
}
