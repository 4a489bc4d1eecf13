/*
 * machine/monitor.c — see monitor.h.  Output formats follow QEMU 7.2's HMP
 * (monitor/hmp-cmds.c, target/arm/cpu.c aarch64_cpu_dump_state,
 * monitor/misc.c memory_dump) so scripts that read QEMU's answers read ours.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/power.h"
#include "machine/machine.h"
#include "machine/monitor.h"
#include "mmu/mmu.h"
#include "trace/trace.h"

#ifndef HS_VERSION
#define HS_VERSION "unknown"
#endif

#define LINE_MAX_LEN 512

struct Monitor {
    Machine *m;
    Chardev *chr;
    char line[LINE_MAX_LEN];
    unsigned len;
    bool greeted;            /* banner printed */
    bool last_cr;            /* the previous byte was CR (a CR LF pair is one Enter) */
    int esc;                 /* 0, or inside an ANSI escape sequence (arrow keys): 1 ESC, 2 CSI */
    unsigned cpu;            /* current core ("cpu N") */
    char fmt;                /* x/xp format and unit size, sticky (QEMU: last_format/size) */
    unsigned size;
    bool (*powerdown)(void *opaque, char *err, size_t errlen);
    void *powerdown_opaque;
};

/* Monitor output: "\n" becomes "\r\n" as QEMU's monitor_puts does. */
static void mon_printf(Monitor *mon, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++) {
        if (*p == '\n')
            chardev_write(mon->chr, "\r", 1);
        chardev_write(mon->chr, p, 1);
    }
}

static void prompt(Monitor *mon)
{
    mon_printf(mon, "(qemu) ");
}

static void greet(Monitor *mon)
{
    if (!mon->greeted)
        mon_printf(mon, "hyperstep %s monitor - type 'help' for more information\n", HS_VERSION);
    mon->greeted = true;
    prompt(mon);
}

/* A number, decimal or 0x hex; false on garbage. */
static bool number(const char *s, u64 *v)
{
    char *end;
    if (!s || !*s)
        return false;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end)
        return false;
    *v = x;
    return true;
}

/* ---- info ---- */

static void info_cpus(Monitor *mon)
{
    Machine *m = mon->m;
    for (unsigned i = 0; i < m->ncpu; i++) {
        Cpu *c = m->cpu[i];
        char st[96];
        mon_printf(mon, "%c CPU #%u: pc=0x%016llx EL%u%c %s (%s)\n", i == mon->cpu ? '*' : ' ', i,
                   (unsigned long long)c->pc, c->el, c->spsel ? 'h' : 't',
                   (c->el == 3 || !c->ns) ? "Secure" : "Non-secure", core_state_reason(c, st, sizeof(st)));
    }
    if (m->paused)
        mon_printf(mon, "(stopped by the monitor)\n");
}

/* One core's registers as QEMU's aarch64_cpu_dump_state() with CPU_DUMP_FPU. */
static void dump_cpu(Monitor *mon, Cpu *c)
{
    mon_printf(mon, "\nCPU#%u\n", c->index);
    mon_printf(mon, " PC=%016llx ", (unsigned long long)c->pc);
    for (unsigned i = 0; i < 31; i++)
        mon_printf(mon, "X%02u=%016llx%s", i, (unsigned long long)c->x[i], (i + 2) % 3 ? " " : "\n");
    mon_printf(mon, " SP=%016llx\n", (unsigned long long)c->x[31]);
    u32 ps = (u32)cpu_get_pstate(c);
    const char *ns = c->have_el3 && c->el != 3 ? (c->ns ? "NS " : "S ") : "";
    mon_printf(mon, "PSTATE=%08x %c%c%c%c %sEL%u%c     FPCR=%08x FPSR=%08x\n", ps, ps & (1u << 31) ? 'N' : '-',
               ps & (1u << 30) ? 'Z' : '-', ps & (1u << 29) ? 'C' : '-', ps & (1u << 28) ? 'V' : '-', ns, c->el,
               c->spsel ? 'h' : 't', c->fpcr, c->fpsr);
    for (unsigned i = 0; i < 32; i++)
        mon_printf(mon, "Q%02u=%016llx:%016llx%s", i, (unsigned long long)c->v[i].d[1],
                   (unsigned long long)c->v[i].d[0], i & 1 ? "\n" : " ");
    char st[96];
    mon_printf(mon, "state: %s\n", core_state_reason(c, st, sizeof(st)));
}

static void info_mtree(Monitor *mon)
{
    Machine *m = mon->m;
    mon_printf(mon, "address-space: memory\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n");
    for (unsigned i = 0; i < m->nregions; i++) {
        const MemRegion *r = &m->region[i];
        const char *kind = !r->host ? "i/o" : r->readonly ? "rom" : "ram";
        mon_printf(mon, "    %016llx-%016llx (prio 0, %s): %s%s\n", (unsigned long long)r->base,
                   (unsigned long long)(r->base + r->size - 1), kind, r->name,
                   r->secure_only ? " [secure]" : "");
    }
}

/* ---- x / xp ---- */

/* Value of one term: a number, $pc, $sp, $xN (current core). */
static bool term(Monitor *mon, const char *s, size_t n, u64 *v)
{
    Cpu *c = mon->m->cpu[mon->cpu];
    char t[64];
    if (n == 0 || n >= sizeof(t))
        return false;
    memcpy(t, s, n);
    t[n] = 0;
    if (t[0] == '$') {
        unsigned r;
        char *end;
        if (!strcmp(t, "$pc"))
            *v = c->pc;
        else if (!strcmp(t, "$sp"))
            *v = c->x[31];
        else if ((t[1] == 'x' || t[1] == 'X') && isdigit((unsigned char)t[2]) &&
                 (r = (unsigned)strtoul(t + 2, &end, 10)) <= 30 && !*end)
            *v = c->x[r];
        else
            return false;
        return true;
    }
    return number(t, v);
}

/* Evaluate EXPR: terms joined by + and -. */
static bool eval(Monitor *mon, const char *e, u64 *v)
{
    u64 acc = 0;
    int sign = 1;
    while (*e == ' ')
        e++;
    if (!*e)
        return false;
    for (;;) {
        size_t n = strcspn(e, "+- ");
        u64 t;
        if (!term(mon, e, n, &t))
            return false;
        acc = sign > 0 ? acc + t : acc - t;
        e += n;
        while (*e == ' ')
            e++;
        if (!*e)
            break;
        if (*e != '+' && *e != '-')
            return false;
        sign = *e == '+' ? 1 : -1;
        e++;
        while (*e == ' ')
            e++;
    }
    *v = acc;
    return true;
}

/* Read SIZE bytes at ADDR (virtual through the current core's regime, or
 * physical), RAM/ROM only: MMIO is not read (it could have side effects). */
static bool mon_read(Monitor *mon, u64 addr, bool phys, unsigned size, u64 *v)
{
    Machine *m = mon->m;
    Cpu *c = m->cpu[mon->cpu];
    u64 pa = addr;
    bool ns = false;
    if (!phys) {
        TransResult r;
        Fault f;
        MmuIdx idx = (MmuIdx)c->mmu_idx;
        if (!mmu_translate(c, addr, ACC_READ, idx, &r, &f) &&
            !(f.type == FAULT_PERMISSION && mmu_translate(c, addr, ACC_EXEC, idx, &r, &f)))
            return false;
        pa = r.pa;
        ns = r.ns;
    }
    MemRegion *reg = phys_find(m, pa);
    if (!reg || !reg->host || (reg->secure_only && ns) || pa + size - 1 > reg->base + reg->size - 1)
        return false;
    u8 b[8] = {0};
    if (!phys_read_buf(m, pa, b, size))
        return false;
    u64 x = 0;
    for (unsigned i = 0; i < size; i++)
        x |= (u64)b[i] << (8 * i);
    *v = x;
    return true;
}

/* x/xp: parse "/FMT ADDR" and dump as QEMU's memory_dump(). */
static void cmd_x(Monitor *mon, const char *args, bool phys)
{
    const char *name = phys ? "xp" : "x";
    unsigned count = 1;
    char fmt = mon->fmt;
    unsigned size = mon->size;
    bool size_given = false;
    while (*args == ' ')
        args++;
    if (*args == '/') {
        args++;
        if (isdigit((unsigned char)*args)) {
            count = (unsigned)strtoul(args, (char **)&args, 10);
            if (count == 0 || count > 4096) {
                mon_printf(mon, "%s: count must be 1..4096\n", name);
                return;
            }
        }
        for (; *args && *args != ' '; args++) {
            switch (*args) {
            case 'x': case 'd': case 'u': case 'o': case 'c': case 'a': case 'i':
                fmt = *args;
                break;
            case 'b': size = 1; size_given = true; break;
            case 'h': size = 2; size_given = true; break;
            case 'w': size = 4; size_given = true; break;
            case 'g': size = 8; size_given = true; break;
            default:
                mon_printf(mon, "invalid char in format: '%c'\n", *args);
                return;
            }
        }
    }
    u64 addr;
    if (!eval(mon, args, &addr)) {
        mon_printf(mon, "%s: expected an address (number, $pc, $sp, $xN, + and -): '%s'\n", name, args);
        return;
    }
    if (fmt == 'a') {
        size = 8;
    } else if (fmt == 'c') {
        size = 1;
    } else if (fmt == 'i') {
        size = 4;
    }
    mon->fmt = fmt;
    if (size_given || fmt == 'a')
        mon->size = size;
    if (fmt == 'i') {
        for (unsigned k = 0; k < count; k++, addr += 4) {
            u64 w;
            char dis[128];
            if (!mon_read(mon, addr, phys, 4, &w)) {
                mon_printf(mon, "Cannot access memory\n");
                return;
            }
            trace_disas(mon->m, addr, (u32)w, dis, sizeof(dis));
            mon_printf(mon, "0x%016llx:  %08x      %s\n", (unsigned long long)addr, (u32)w, dis);
        }
        return;
    }
    unsigned line = size == 1 ? 8 : 16;
    unsigned digits = fmt == 'o' ? (size * 8 + 2) / 3 : fmt == 'u' || fmt == 'd' ? (size * 8 * 10 + 32) / 33
                                                                                  : size * 2;
    u64 len = (u64)count * size;
    while (len) {
        unsigned l = len < line ? (unsigned)len : line;
        mon_printf(mon, "%016llx:", (unsigned long long)addr);
        for (unsigned i = 0; i < l; i += size) {
            u64 v;
            if (!mon_read(mon, addr + i, phys, size, &v)) {
                mon_printf(mon, "\nCannot access memory\n");
                return;
            }
            switch (fmt) {
            case 'o': mon_printf(mon, " %#*llo", digits, (unsigned long long)v); break;
            case 'u': mon_printf(mon, " %*llu", digits, (unsigned long long)v); break;
            case 'd': {
                s64 sv = size == 8 ? (s64)v : (s64)(v << (64 - 8 * size)) >> (64 - 8 * size);
                mon_printf(mon, " %*lld", digits, (long long)sv);
                break;
            }
            case 'c':
                if (v >= 32 && v < 127 && v != '\'')
                    mon_printf(mon, " '%c'", (int)v);
                else
                    mon_printf(mon, " '\\x%02x'", (unsigned)v);
                break;
            default: mon_printf(mon, " 0x%0*llx", digits, (unsigned long long)v); break;
            }
        }
        mon_printf(mon, "\n");
        addr += l;
        len -= l;
    }
}

/* ---- commands ---- */

static void help(Monitor *mon)
{
    mon_printf(mon,
               "cont|c -- resume emulation\n"
               "cpu index -- set the default CPU\n"
               "help|? -- show the help\n"
               "info cpus -- show infos for each CPU\n"
               "info mtree -- show memory tree\n"
               "info registers [-a] -- show the cpu registers (-a: all CPUs)\n"
               "info status -- show the current VM status (running|paused)\n"
               "quit|q -- quit the emulator\n"
               "stop -- stop emulation\n"
               "system_powerdown -- send system power down event\n"
               "system_reset -- reset the system\n"
               "x /fmt addr -- virtual memory dump starting at 'addr'\n"
               "xp /fmt addr -- physical memory dump starting at 'addr'\n");
}

void monitor_command(Monitor *mon, const char *line)
{
    Machine *m = mon->m;
    char cmd[LINE_MAX_LEN];
    snprintf(cmd, sizeof(cmd), "%s", line);
    char *p = cmd;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t e = strlen(p);
    while (e && (p[e - 1] == ' ' || p[e - 1] == '\t'))
        p[--e] = 0;
    if (!*p)
        return;
    char *args = p + strcspn(p, " \t");
    if (*args)
        *args++ = 0;
    while (*args == ' ' || *args == '\t')
        args++;
    if (!strcmp(p, "help") || !strcmp(p, "?")) {
        help(mon);
    } else if (!strcmp(p, "info")) {
        if (!strcmp(args, "cpus")) {
            info_cpus(mon);
        } else if (!strcmp(args, "registers")) {
            dump_cpu(mon, m->cpu[mon->cpu]);
        } else if (!strcmp(args, "registers -a")) {
            for (unsigned i = 0; i < m->ncpu; i++)
                dump_cpu(mon, m->cpu[i]);
        } else if (!strcmp(args, "mtree")) {
            info_mtree(mon);
        } else if (!strcmp(args, "status")) {
            mon_printf(mon, "VM status: %s\n", m->paused ? "paused" : "running");
        } else if (!*args) {
            mon_printf(mon, "info cpus\ninfo mtree\ninfo registers [-a]\ninfo status\n");
        } else {
            mon_printf(mon, "info %s: not supported by hyperstep (cpus, registers [-a], mtree, status)\n", args);
        }
    } else if (!strcmp(p, "x") || !strcmp(p, "xp")) {
        cmd_x(mon, args, p[1] == 'p');
    } else if (!strcmp(p, "cpu")) {
        u64 n;
        if (!number(args, &n) || n >= m->ncpu)
            mon_printf(mon, "invalid CPU index (0..%u)\n", m->ncpu - 1);
        else
            mon->cpu = (unsigned)n;
    } else if (!strcmp(p, "stop")) {
        m->paused = true;
    } else if (!strcmp(p, "cont") || !strcmp(p, "c")) {
        m->paused = false;
    } else if (!strcmp(p, "system_reset")) {
        m->reset_requested = true;
        m->exit_requested = true;
    } else if (!strcmp(p, "system_powerdown")) {
        char err[160] = "";
        if (!mon->powerdown)
            mon_printf(mon, "system_powerdown: not available on this board (it has no power button "
                            "device: the PL061 gpio-keys key is not modelled)\n");
        else if (!mon->powerdown(mon->powerdown_opaque, err, sizeof(err)))
            mon_printf(mon, "system_powerdown: %s\n", err);
    } else if (!strcmp(p, "quit") || !strcmp(p, "q")) {
        m->exit_requested = true;
        m->exit_code = 0;
    } else {
        mon_printf(mon, "unknown command: '%s'\n", p);
    }
}

/* ---- readline input ---- */

static unsigned mon_can_receive(void *opaque)
{
    (void)opaque;
    return LINE_MAX_LEN;
}

static void mon_byte(Monitor *mon, u8 b)
{
    bool cr = b == '\r';
    if (mon->esc) {   /* swallow ESC [ ... final byte */
        if (mon->esc == 1)
            mon->esc = b == '[' || b == 'O' ? 2 : 0;
        else if (b >= 0x40 && b <= 0x7e)
            mon->esc = 0;
        return;
    }
    if (b == '\n' && mon->last_cr) {
        mon->last_cr = false;
        return;
    }
    mon->last_cr = cr;
    if (b == '\r' || b == '\n') {
        mon_printf(mon, "\n");
        mon->line[mon->len] = 0;
        mon->len = 0;
        monitor_command(mon, mon->line);
        if (!mon->m->exit_requested || (mon->m->reset_requested && chardev_is_mux(mon->chr)))
            prompt(mon);   /* after system_reset on a mux: the next machine's monitor, which keeps the
                            * focus, reads the next line (a monitor of its own greets again) */
        return;
    }
    if (b == 0x1b) {
        mon->esc = 1;
    } else if (b == 8 || b == 127) {
        if (mon->len) {
            mon->len--;
            mon_printf(mon, "\b \b");
        }
    } else if (b >= 32 && b < 127 && mon->len < LINE_MAX_LEN - 1) {
        mon->line[mon->len++] = (char)b;
        chardev_write(mon->chr, &b, 1);   /* echo, as readline mode does */
    }
}

static void mon_receive(void *opaque, u64 step, const u8 *buf, unsigned n)
{
    Monitor *mon = opaque;
    (void)step;
    for (unsigned i = 0; i < n && !mon->m->exit_requested; i++)
        mon_byte(mon, buf[i]);
}

static void mon_focus(void *opaque, bool in)
{
    Monitor *mon = opaque;
    if (in)
        greet(mon);
}

Monitor *monitor_create(Machine *m, Chardev *chr)
{
    Monitor *mon = calloc(1, sizeof(*mon));
    if (!mon) {
        hs_log("hyperstep: out of memory creating the monitor");
        return NULL;
    }
    mon->m = m;
    mon->chr = chr;
    mon->fmt = 'x';
    mon->size = 4;
    ChardevFrontend fe = {mon_can_receive, mon_receive, mon_focus, mon};
    char err[160];
    if (!chardev_add_frontend(chr, &fe, err, sizeof(err))) {
        hs_log("hyperstep: -mon: %s", err);
        free(mon);
        return NULL;
    }
    m->monitor = mon;
    if (!chardev_is_mux(chr))
        greet(mon);
    return mon;
}

void monitor_destroy(Monitor *mon)
{
    if (!mon)
        return;
    chardev_remove_frontend(mon->chr, mon);
    if (mon->m->monitor == mon)
        mon->m->monitor = NULL;
    free(mon);
}

void monitor_set_powerdown(Monitor *mon, bool (*press)(void *opaque, char *err, size_t errlen), void *opaque)
{
    mon->powerdown = press;
    mon->powerdown_opaque = opaque;
}
