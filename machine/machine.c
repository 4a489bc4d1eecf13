/*
 * machine/machine.c — a machine's life: building it (cores, system register
 * index), the deterministic round-robin scheduler with its clocks and idle
 * time jumps, and the device registry (devices/device.h).
 *
 * Scheduling (the determinism contract, README): every round, each core in
 * index order runs one slot of Machine.quantum instructions unless it is
 * off or sleeps; then the clocks tick at the round's virtual time.  When
 * every core sleeps, virtual time jumps to the next clock deadline.  A
 * debugger stop in the middle of a slot ends the interpreter call; the
 * debugger is served here, outside the interpreter, and the core then
 * finishes the rest of its slot, so a debugged run follows the same
 * schedule as an undebugged one.
 */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/power.h"
#include "cpu/sysreg.h"
#include "devices/device.h"
#include "machine/machine.h"
#include "mmu/mmu.h"
#include "trace/digest.h"
#include "trace/trace.h"

Machine *machine_new(u64 quantum, u64 ns_per_insn)
{
    Machine *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->quantum = quantum;
    m->ns_per_insn = ns_per_insn;
    if (!sysreg_init(m)) {
        free(m);
        return NULL;
    }
    return m;
}

bool machine_add_cpus(Machine *m, unsigned ncpu, const u64 *mpidr, bool have_el2, bool have_el3)
{
    emu_assert(ncpu <= HS_MAX_CPUS && m->ncpu == 0);
    for (unsigned i = 0; i < ncpu; i++) {
        Cpu *c = aligned_alloc(64, (sizeof(Cpu) + 63) & ~(size_t)63);
        if (!c)
            return false;
        memset(c, 0, sizeof(*c));
        c->m = m;
        c->have_el3 = have_el3;
        c->have_el2 = have_el2;
        tlb_init(c);
        m->cpu[i] = c;
        m->ncpu = i + 1;
        c->power = CORE_OFF_NEVER;
        cpu_reset(c, i, mpidr[i]);
    }
    return true;
}

void machine_free(Machine *m)
{
    if (!m)
        return;
    machine_destroy_devices(m);
    for (unsigned i = 0; i < m->ncpu; i++) {
        if (m->cpu[i]) {
            free(m->cpu[i]->tlb);
            free(m->cpu[i]);
        }
    }
    trace_free(m);
    phys_free(m);
    if (m->trace_file)
        fclose(m->trace_file);
    free(m->sysreg_index);
    free(m);
}

/* ---- device registry ---- */

Device *machine_add_device(Machine *m, const DeviceOps *ops, void *opaque, const char *name)
{
    if (m->ndev >= ARRAY_SIZE(m->dev)) {
        hs_log("hyperstep: too many devices (adding %s)", name);
        return NULL;
    }
    Device *d = calloc(1, sizeof(*d));
    if (!d) {
        hs_log("hyperstep: out of memory adding device %s", name);
        return NULL;
    }
    d->ops = ops;
    d->opaque = opaque;
    snprintf(d->name, sizeof(d->name), "%s", name);
    m->dev[m->ndev++] = d;
    return d;
}

MemRegion *device_map_mmio(Machine *m, Device *d, const char *name, u64 base, u64 size,
                           MmioRead rd, MmioWrite wr, bool secure_only)
{
    if (d->nmmio >= DEVICE_MAX_MMIO) {
        hs_log("hyperstep: device %s has too many MMIO windows", d->name);
        return NULL;
    }
    MemRegion *r = phys_add_mmio(m, name, base, size, rd, wr, d->opaque);
    if (!r)
        return NULL;
    r->secure_only = secure_only;
    d->mmio[d->nmmio].base = base;
    d->mmio[d->nmmio].size = size;
    d->nmmio++;
    return r;
}

void device_add_irq(Device *d, u32 intid)
{
    if (d->nirq < DEVICE_MAX_IRQS)
        d->irq[d->nirq++] = intid;
}

Device *machine_find_device(Machine *m, const char *type)
{
    for (unsigned i = 0; i < m->ndev; i++)
        if (!strcmp(m->dev[i]->ops->type, type))
            return m->dev[i];
    return NULL;
}

bool machine_msi_write(Machine *m, u64 addr, u32 data, u32 rid)
{
    for (unsigned i = 0; i < m->ndev; i++) {
        Device *d = m->dev[i];
        if (!d->ops->msi)
            continue;
        for (unsigned w = 0; w < d->nmmio; w++)
            if (addr >= d->mmio[w].base && addr - d->mmio[w].base < d->mmio[w].size)
                return d->ops->msi(d->opaque, addr, data, rid);
    }
    const MemRegion *r = phys_find(m, addr);
    if (!r || r->secure_only)   /* bus masters issue Non-secure writes */
        return false;
    return phys_write(m, NULL, addr, 4, data);
}

void machine_reset_devices(Machine *m)
{
    for (unsigned i = 0; i < m->ndev; i++)
        if (m->dev[i]->ops->reset)
            m->dev[i]->ops->reset(m->dev[i]->opaque);
}

int machine_fdt_devices(Machine *m, void *fdt, const FdtCtx *ctx)
{
    for (unsigned i = 0; i < m->ndev; i++) {
        if (!m->dev[i]->ops->fdt_node)
            continue;
        int r = m->dev[i]->ops->fdt_node(m->dev[i]->opaque, fdt, ctx);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Save format: u32 device count, then per device: type (u16 length +
 * bytes), u32 version, u64 state length, state. */
bool machine_save_devices(Machine *m, SaveBuf *b)
{
    save_u32(b, m->ndev);
    for (unsigned i = 0; i < m->ndev; i++) {
        const Device *d = m->dev[i];
        size_t tl = strlen(d->ops->type);
        save_u16(b, (u16)tl);
        save_bytes(b, d->ops->type, tl);
        save_u32(b, d->ops->version);
        SaveBuf s = {0};
        if (d->ops->save)
            d->ops->save(d->opaque, &s);
        save_u64(b, s.len);
        save_bytes(b, s.data, s.len);
        bool oom = s.oom;
        savebuf_free(&s);
        if (oom)
            b->oom = true;
    }
    return !b->oom;
}

bool machine_load_devices(Machine *m, LoadBuf *b, char *err, size_t errlen)
{
    u32 n = load_u32(b);
    if (b->bad || n != m->ndev) {
        snprintf(err, errlen, "saved state has %u devices, this machine %u", n, m->ndev);
        return false;
    }
    for (unsigned i = 0; i < m->ndev; i++) {
        const Device *d = m->dev[i];
        char type[64];
        u16 tl = load_u16(b);
        if (b->bad || tl >= sizeof(type)) {
            snprintf(err, errlen, "device %u: malformed type name", i);
            return false;
        }
        load_bytes(b, type, tl);
        type[tl] = 0;
        u32 version = load_u32(b);
        u64 len = load_u64(b);
        if (b->bad || len > b->len - b->pos) {
            snprintf(err, errlen, "device %u (%s): truncated", i, d->ops->type);
            return false;
        }
        if (strcmp(type, d->ops->type)) {
            snprintf(err, errlen, "device %u is %s in the saved state, %s here", i, type, d->ops->type);
            return false;
        }
        if (version != d->ops->version) {
            snprintf(err, errlen, "device %s: saved state version %u, this build reads %u", d->name,
                     version, d->ops->version);
            return false;
        }
        LoadBuf s = loadbuf_of(b->data + b->pos, (size_t)len);
        b->pos += (size_t)len;
        bool ok = d->ops->load ? d->ops->load(d->opaque, &s) && load_ok(&s) : len == 0;
        if (!ok) {
            snprintf(err, errlen, "device %s: malformed saved state", d->name);
            return false;
        }
    }
    return true;
}

void machine_destroy_devices(Machine *m)
{
    while (m->ndev) {
        Device *d = m->dev[--m->ndev];
        if (d->ops->destroy)
            d->ops->destroy(d->opaque);
        free(d);
    }
}

/* ---- host signals ---- */

/* A signal handler reaches no Machine: the caught signal and its sender are
 * the process's only mutable statics, written by the handler alone and
 * cleared when the run acts on them. */
static volatile sig_atomic_t caught_signal;
static volatile sig_atomic_t caught_pid;

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    caught_pid = info ? (sig_atomic_t)info->si_pid : 0;
    caught_signal = sig;
}

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP};

void machine_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;   /* no SA_RESTART: a blocked wait returns EINTR */
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < ARRAY_SIZE(caught_signals); i++)
        sigaction(caught_signals[i], &sa, NULL);
}

int machine_signal_pending(void)
{
    return caught_signal;
}

int machine_idle_poll(struct pollfd *fds, unsigned n)
{
    sigset_t block, old;
    sigemptyset(&block);
    for (unsigned i = 0; i < ARRAY_SIZE(caught_signals); i++)
        sigaddset(&block, caught_signals[i]);
    sigprocmask(SIG_BLOCK, &block, &old);
    int r;
    if (caught_signal) {
        errno = EINTR;
        r = -1;
    } else {
        r = ppoll(fds, n, NULL, &old);
    }
    int e = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return r;
}

/* End the run for the caught signal, as QEMU does: report it and exit 0. */
static void signal_exit(Machine *m)
{
    int sig = caught_signal;
    caught_signal = 0;
    fflush(stdout);
    if (caught_pid > 0)
        fprintf(stderr, "hyperstep: terminating on signal %d from pid %d\n", sig, (int)caught_pid);
    else   /* sent by the kernel (a terminal's Ctrl-C): no sender to name */
        fprintf(stderr, "hyperstep: terminating on signal %d\n", sig);
    m->exit_requested = true;
    m->exit_code = 0;
}

/* ---- scheduler ---- */

static void tick_devices(Machine *m)
{
    for (unsigned i = 0; i < m->nclock; i++)
        m->clock[i].tick(m->clock[i].opaque, m->round_start_ns);
}

static u64 next_deadline(Machine *m)
{
    u64 d = UINT64_MAX;
    for (unsigned i = 0; i < m->nclock; i++) {
        u64 t = m->clock[i].deadline ? m->clock[i].deadline(m->clock[i].opaque) : UINT64_MAX;
        if (t < d)
            d = t;
    }
    return d;
}

/* Can core C run this slot?  Starts an on-pending core, wakes a sleeping
 * one whose wake-up condition holds (architectural, or the power hook's for
 * off/suspended cores). */
static bool ready(Machine *m, Cpu *c)
{
    if (c->power == CORE_ON_PENDING) {
        cpu_set_power(c, CORE_ON, c->power_why);
        c->pending &= ~PEND_STOP;
    }
    if (c->power == CORE_ON)
        return true;
    if (cpu_try_wake(c))
        return true;
    if ((c->power == CORE_OFF || c->power == CORE_OFF_NEVER || c->power == CORE_SUSPENDED) &&
        m->hooks.wake && m->hooks.wake(m->hooks.power_opaque, c)) {
        if (c->power == CORE_ON_PENDING)
            cpu_set_power(c, CORE_ON, c->power_why);
        c->pending &= ~PEND_STOP;
        return c->power == CORE_ON;
    }
    return false;
}

/* splitmix64: the schedule's pseudo-random numbers (deterministic). */
static u64 mix64(u64 x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The round's schedule under --schedule-seed: core ORDER (a permutation)
 * and slot lengths LEN (1..quantum instructions: each core has a speed of
 * 25-100% of the quantum fixed by the seed, less up to a quarter of a
 * quantum of jitter per round).  Only the seed and Machine.steps decide:
 * the same seed gives the same run. */
static void schedule_round(const Machine *m, unsigned *order, u64 *len)
{
    u64 r = mix64(m->sched_seed ^ mix64(m->steps / m->quantum));
    for (unsigned i = 0; i < m->ncpu; i++)
        order[i] = i;
    for (unsigned i = m->ncpu; i > 1; i--) {
        r = mix64(r);
        unsigned j = (unsigned)(r % i);
        unsigned t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (unsigned i = 0; i < m->ncpu; i++) {
        u64 speed = 25 + mix64(m->sched_seed * 0x100 + i) % 76;   /* percent, per core and seed */
        r = mix64(r);
        u64 jitter = r % (m->quantum / 4 + 1);
        u64 n = m->quantum * speed / 100;
        len[i] = n > jitter ? n - jitter : 1;
    }
}

/* One slot of core C: up to N instructions (a quantum unless
 * --schedule-seed).  A debugger stop ends cpu_run() early; the debugger is
 * served outside the interpreter and C then runs the rest of its slot
 * unless the debugger froze it. */
static void run_slot(Machine *m, Cpu *c, u64 n)
{
    m->current = c;
    cpu_run(c, n);
    while (unlikely(m->hooks.slot_stop) && c->budget > 0 && !m->exit_requested &&
           m->hooks.slot_stop(m->hooks.debug_opaque, c) && c->power == CORE_ON && !m->exit_requested)
        cpu_run(c, (u64)c->budget);
    m->current = NULL;
}

/* The end of a round after its bookkeeping: virtual time advances by a
 * quantum when a core ran (RAN), else jumps to the next device deadline
 * (every core sleeps).  False when the run must stop (exit code set). */
static bool round_tail(Machine *m, bool ran)
{
    if (ran) {
        m->round_start_ns += m->quantum * m->ns_per_insn;
        return true;
    }
    /* Every core sleeps: jump virtual time to the next device deadline. */
    u64 d = next_deadline(m);
    if (d == UINT64_MAX && m->idle_wait && m->idle_wait(m->idle_opaque, m))
        return true;   /* host input arrived while every core slept */
    if (d == UINT64_MAX) {
        bool any_on = false;
        for (unsigned i = 0; i < m->ncpu; i++)
            any_on |= m->cpu[i]->power == CORE_WFI || m->cpu[i]->power == CORE_WFE ||
                      m->cpu[i]->power == CORE_SUSPENDED;
        hs_log("hyperstep: every core is %s and nothing can wake it (step %llu): stopping",
               any_on ? "waiting (WFI/WFE/CPU_SUSPEND)" : "powered off", (unsigned long long)m->steps);
        m->exit_requested = true;
        m->exit_code = any_on ? 3 : 0;
        return false;
    }
    if (d > m->round_start_ns)
        m->round_start_ns = d;
    else
        m->round_start_ns += m->quantum * m->ns_per_insn;
    return true;
}

/* The monitor stopped the machine ("stop"): no core runs and virtual time
 * stands still; wait for what can change that — input already due (a
 * replayed command), host input, the debugger.  False when nothing can:
 * the run ends (status 3). */
static bool paused_wait(Machine *m)
{
    if (m->trace_file)
        fflush(m->trace_file);
    if (m->hooks.poll && m->hooks.poll(m->hooks.debug_opaque, m))
        return false;
    if (next_deadline(m) <= m->round_start_ns)
        return true;   /* input due now: the next tick delivers it */
    if (m->idle_wait && m->idle_wait(m->idle_opaque, m))
        return true;
    if (!m->exit_requested) {
        hs_log("hyperstep: the machine is stopped (monitor 'stop') and no host input is left to "
               "continue it (step %llu): stopping", (unsigned long long)m->steps);
        m->exit_requested = true;
        m->exit_code = 3;
    }
    return false;
}

int machine_run(Machine *m)
{
    /* A machine restored at a round end (machine/snapshot.h) first finishes
     * that round. */
    if (m->tail_pending) {
        m->tail_pending = false;
        if (!m->exit_requested && !round_tail(m, m->round_ran))
            return m->exit_code;
    }
    while (!m->exit_requested) {
        bool ran = false;
        if (unlikely(caught_signal)) {
            signal_exit(m);
            break;
        }
        tick_devices(m);
        if (unlikely(m->paused) && !m->exit_requested) {
            if (paused_wait(m))
                continue;
            break;
        }
        unsigned order[HS_MAX_CPUS];
        u64 len[HS_MAX_CPUS];
        if (unlikely(m->sched_seed))
            schedule_round(m, order, len);
        for (unsigned k = 0; k < m->ncpu && !m->exit_requested && !m->restart_round; k++) {
            unsigned i = unlikely(m->sched_seed) ? order[k] : k;
            u64 n = unlikely(m->sched_seed) ? len[i] : m->quantum;
            Cpu *c = m->cpu[i];
            /* machine_step(): at this slot's start (a shorter slot starts
             * later in the round's virtual time). */
            c->budget = (s64)n;
            if (!ready(m, c))
                continue;
            run_slot(m, c, n);
            ran = true;
        }
        if (unlikely(m->restart_round))
            goto restart;
        m->steps += m->quantum;
        if (m->trace_file)
            fflush(m->trace_file);   /* only writes when the round traced something */
        if (m->digest && m->steps >= m->next_digest)
            digest_checkpoint(m);
        m->round_ran = ran;
        if (unlikely(m->hooks.round_end)) {
            m->hooks.round_end(m->hooks.round_opaque, m);
            if (unlikely(m->restart_round))
                goto restart;
        }
        if (m->stop_after && m->steps >= m->stop_after) {
            m->exit_code = 4;
            m->tail_pending = true;
            break;
        }
        if (m->hooks.poll && m->hooks.poll(m->hooks.debug_opaque, m)) {
            m->tail_pending = !m->restart_round;
            break;
        }
        if (unlikely(m->restart_round))
            goto restart;
        if (!round_tail(m, ran))
            break;
        continue;
    restart:
        /* The machine state was replaced by a round-end state (a debugger
         * went back in time, machine/snapshot.h): finish that round. */
        m->restart_round = false;
        if (m->tail_pending) {
            m->tail_pending = false;
            if (!round_tail(m, m->round_ran))
                break;
        }
    }
    return m->exit_code;
}
