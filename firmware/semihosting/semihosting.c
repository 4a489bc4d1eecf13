/*
 * firmware/semihosting/semihosting.c — the semihosting calls a bare-metal
 * test needs to print and to report an exit status.  Guest memory is read
 * through the caller's current translation regime, so an unmapped parameter
 * block raises the Data Abort a real debugger-hosted call would.
 */
#include <stdio.h>

#include "firmware/semihosting/semihosting.h"
#include "machine/machine.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

static void put(Machine *m, int ch)
{
    (void)m;
    putchar(ch);
    if (ch == '\n')
        fflush(stdout);
}

void semihosting_call(Cpu *c)
{
    Machine *m = c->m;
    u32 op = (u32)c->x[0];
    u64 arg = c->x[1];
    switch (op) {
    case SYS_WRITEC:
        put(m, (int)mem_read(c, arg, 1));
        return;
    case SYS_WRITE0:
        for (u64 a = arg;; a++) {
            int ch = (int)mem_read(c, a, 1);
            if (!ch)
                break;
            put(m, ch);
        }
        return;
    case SYS_WRITE: {
        u64 fd = mem_read(c, arg, 8), buf = mem_read(c, arg + 8, 8), len = mem_read(c, arg + 16, 8);
        if (fd != 1 && fd != 2) {
            c->x[0] = len;   /* nothing written */
            return;
        }
        for (u64 i = 0; i < len; i++) {
            int ch = (int)mem_read(c, buf + i, 1);
            if (fd == 1)
                put(m, ch);
            else
                fputc(ch, stderr);
        }
        c->x[0] = 0;
        return;
    }
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED: {
        /* AArch64: X1 points to {reason, subcode} (IHI 0080 6.5). */
        u64 reason = mem_read(c, arg, 8), code = mem_read(c, arg + 8, 8);
        fflush(stdout);
        m->exit_requested = true;
        m->exit_code = reason == ADP_Stopped_ApplicationExit ? (int)(code & 0xff) : 1;
        if (reason != ADP_Stopped_ApplicationExit)
            fprintf(stderr, "hyperstep: semihosting exit with reason 0x%llx\n", (unsigned long long)reason);
        c->pending |= PEND_STOP;
        return;
    }
    default: {
        char what[64];
        snprintf(what, sizeof(what), "semihosting operation 0x%x", op);
        trace_unimplemented(c, what);
        c->x[0] = (u64)-1;
        return;
    }
    }
}

static void hook_semihost(void *opaque, Cpu *c)
{
    (void)opaque;
    semihosting_call(c);
}

void semihosting_attach(Machine *m)
{
    m->hooks.semihost = hook_semihost;
    m->hooks.semihost_opaque = NULL;
}
