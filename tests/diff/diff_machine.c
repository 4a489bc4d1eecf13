/*
 * tests/diff/diff_machine.c — see diff_machine.h.  Mirrors the core and RAM
 * part of machine/virt/virt.c virt_create().
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/sysreg.h"
#include "mmu/mmu.h"
#include "trace/trace.h"
#include "tests/diff/diff_machine.h"

Machine *diffm_create(u64 ram_base, u64 ram_size)
{
    Machine *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->quantum = 1000;
    m->ns_per_insn = 1;
    if (!sysreg_init(m))
        goto fail;
    m->ram_base = ram_base;
    m->ram_size = ram_size;
    if (!phys_add_ram(m, "ram", ram_base, ram_size, false))
        goto fail;
    Cpu *c = aligned_alloc(64, (sizeof(Cpu) + 63) & ~(size_t)63);
    if (!c)
        goto fail;
    memset(c, 0, sizeof(*c));
    c->m = m;
    tlb_init(c);
    m->cpu[0] = c;
    m->ncpu = 1;
    cpu_reset(c, 0, 0);
    /* EL1h, DAIF masked (SPSR layout: M[3:0] = 0b0101). */
    cpu_set_pstate(c, PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F | 1u << 2 | 1);
    c->power = CORE_ON;
    tlb_flush_all(c);
    return m;
fail:
    diffm_destroy(m);
    return NULL;
}

void diffm_destroy(Machine *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (m->cpu[i]) {
            free(m->cpu[i]->tlb);
            free(m->cpu[i]);
        }
    }
    free(m->sysreg_index);
    trace_free(m);
    phys_free(m);
    free(m);
}
