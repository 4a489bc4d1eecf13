/*
 * firmware/psci/psci.c — built-in PSCI 1.1 firmware (Arm DEN0022D) and
 * SMCCC 1.1 (DEN0028) answered as a real EL3 firmware would, for guests
 * that start below EL3 (the QEMU virt convention).  Every call is traced
 * under --trace psci with its arguments, result and, for an error, the
 * precise cause; the last PSCI_HISTORY calls are kept per machine for the
 * gdb stub (psci_history()).
 *
 * Decisions where the specification leaves a choice are listed in psci.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "cpu/power.h"
#include "exceptions/exceptions.h"
#include "devices/device.h"
#include "firmware/psci/psci.h"
#include "trace/trace.h"

/* Where a core suspended by a power-down CPU_SUSPEND resumes. */
typedef struct PsciResume {
    u64 entry;        /* entry point */
    u64 context;      /* context id it gets in X0 */
    u8 el;            /* EL it resumes at */
    bool wake_entry;  /* suspended by a power-down CPU_SUSPEND */
} PsciResume;

typedef struct PsciState {
    Machine *m;
    PsciRecord ring[PSCI_HISTORY];
    unsigned next;    /* slot the next call goes to */
    unsigned count;   /* records held (<= PSCI_HISTORY) */
    PsciResume resume[HS_MAX_CPUS];
} PsciState;

static PsciState *state_of(const Machine *m)
{
    Device *d = machine_find_device((Machine *)m, "psci");
    return d ? d->opaque : NULL;
}

const char *psci_ret_name(s64 r)
{
    switch (r) {
    case PSCI_SUCCESS: return "SUCCESS";
    case PSCI_NOT_SUPPORTED: return "NOT_SUPPORTED";
    case PSCI_INVALID_PARAMETERS: return "INVALID_PARAMETERS";
    case PSCI_DENIED: return "DENIED";
    case PSCI_ALREADY_ON: return "ALREADY_ON";
    case PSCI_ON_PENDING: return "ON_PENDING";
    case PSCI_INTERNAL_FAILURE: return "INTERNAL_FAILURE";
    case PSCI_NOT_PRESENT: return "NOT_PRESENT";
    case PSCI_DISABLED: return "DISABLED";
    case PSCI_INVALID_ADDRESS: return "INVALID_ADDRESS";
    default: return NULL;
    }
}

static bool is_psci_range(u32 fid)
{
    /* Standard Secure Service calls used by PSCI: 0x8400_0000-0x8400_001F and
     * the SMC64 range 0xC400_0000-0xC400_001F (DEN0022 5.1). */
    return (fid & 0xbfffffe0u) == 0x84000000u;
}

void psci_check_wrong_conduit(Cpu *c, Conduit used)
{
    u32 fid = (u32)c->x[0];
    Machine *m = c->m;
    if (!(m->trace & TRACE_PSCI) || !is_psci_range(fid) || m->psci_conduit == used ||
        !trace_wanted(c, c->el, c->pc))
        return;
    const char *nm = psci_func_name(fid);
    const char *ins = used == CONDUIT_SMC ? "SMC" : "HVC";
    FILE *f = trace_out(m);
    trace_prefix(c);
    if (used == CONDUIT_HVC && c->el == 1 && cpu_have_el2(c)) {
        /* Legitimate when a hypervisor emulates PSCI for its guest (seed: an
         * EL1 Linux under an EL2 hypervisor): say where the call goes. */
        fprintf(f, "PSCI note: %s (0x%08x) via HVC at EL1: for the EL2 hypervisor to emulate "
                "(vector VBAR_EL2+0x400 = 0x%llx), not the firmware%s\n", nm ? nm : "PSCI call", fid,
                (unsigned long long)c->vbar_el[2] + 0x400,
                m->psci_conduit == CONDUIT_SMC ? " (SMC conduit)" : "");
        return;
    }
    if (m->psci_conduit == CONDUIT_NONE)
        fprintf(f, "PSCI warning: %s (0x%08x) issued with %s at EL%u, but no built-in firmware "
                "answers it (guest EL3 firmware owns PSCI)\n", nm ? nm : "PSCI call", fid, ins, c->el);
    else
        fprintf(f, "PSCI warning: %s (0x%08x) issued with %s at EL%u, but the firmware conduit is %s "
                "(the device tree says method = \"%s\"): it takes the architectural path instead (%s)\n",
                nm ? nm : "PSCI call", fid, ins, c->el, m->psci_conduit == CONDUIT_SMC ? "SMC" : "HVC",
                m->psci_conduit == CONDUIT_SMC ? "smc" : "hvc",
                used == CONDUIT_HVC ? (c->el >= 2 ? "an exception to the caller's own EL2 vector"
                                                   : "an exception to EL2")
                                    : "UNDEFINED: no EL3 in this machine");
}

Cpu *psci_find_core(Machine *m, u64 target)
{
    return cpu_find_affinity(m, target);
}

/* Is an entry point in memory the caller's (Non-secure) state can execute
 * from: RAM or flash, not MMIO, not Secure-only RAM? */
static bool entry_in_memory(Machine *m, u64 pa)
{
    MemRegion *r = phys_find(m, pa);
    return r && r->host && !r->secure_only;
}

/* Resolve TARGET (bits [63:40] must be zero, [31:24] ignored) to a core;
 * on failure writes the cause and returns NULL. */
static Cpu *target_core(Machine *m, u64 target, bool is32, char *cause, size_t n)
{
    if (target >> 40) {
        snprintf(cause, n, "target_cpu bits [63:40] must be zero");
        return NULL;
    }
    Cpu *t = psci_find_core(m, is32 ? target & 0xffffff : target);
    if (!t)
        snprintf(cause, n, "no core has MPIDR affinity 0x%llx (%u cores)",
                 (unsigned long long)(target & 0xff00ffffffull), m->ncpu);
    return t;
}

/* Entry-point checks shared by CPU_ON and power-down CPU_SUSPEND. */
static s64 check_entry(Machine *m, u64 entry, char *cause, size_t n)
{
    if (entry & 3) {
        snprintf(cause, n, "entry not 4-byte aligned");
        return PSCI_INVALID_PARAMETERS;
    }
    if (!entry_in_memory(m, entry)) {
        snprintf(cause, n, "entry 0x%llx is not in RAM or flash", (unsigned long long)entry);
        return PSCI_INVALID_ADDRESS;
    }
    return PSCI_SUCCESS;
}

/* The EL a core (re)starts in after CPU_ON or a power-down suspend: the
 * highest Non-secure EL implemented. */
static unsigned psci_entry_el(const Cpu *c)
{
    return cpu_have_el2(c) ? 2 : 1;
}

static s64 do_cpu_on(Cpu *c, u64 target, u64 entry, u64 ctx, bool is32, char *cause, size_t n)
{
    Machine *m = c->m;
    Cpu *t = target_core(m, target, is32, cause, n);
    if (!t)
        return PSCI_INVALID_PARAMETERS;
    s64 r = check_entry(m, entry, cause, n);
    if (r)
        return r;
    /* A core whose CPU_ON was accepted is ON for PSCI at once (it has not
     * executed yet: the scheduler starts it at its next slot).  A racing
     * CPU_ON therefore gets ALREADY_ON, as QEMU's and KVM's PSCI answer:
     * ON_PENDING is for firmware that completes CPU_ON asynchronously. */
    if (t->power == CORE_ON_PENDING) {
        snprintf(cause, n, "core %u is on since step %llu (starts at its next slot)", t->index,
                 (unsigned long long)t->power_since);
        return PSCI_ALREADY_ON;
    }
    if (core_is_on(t)) {
        char st[48];
        if (t->power == CORE_ON)
            snprintf(cause, n, "core %u is running since step %llu", t->index,
                     (unsigned long long)t->power_since);
        else
            snprintf(cause, n, "core %u is on (%s) since step %llu", t->index,
                     core_state_reason(t, st, sizeof(st)), (unsigned long long)t->power_since);
        return PSCI_ALREADY_ON;
    }
    /* DEN0022D 6.4.3: the core starts in the highest Non-secure EL the
     * firmware provides (EL2 when implemented, as TF-A and QEMU do — not the
     * caller's EL: Linux calls CPU_ON from EL1 even when it owns EL2), in
     * AArch64, MMU/caches off, DAIF masked, X0 = context id. */
    unsigned el = psci_entry_el(c);
    cpu_power_on_state(t, el, entry, ctx);
    cpu_set_power(t, CORE_ON_PENDING, "CPU_ON");
    snprintf(cause, n, "core %u will start at EL%u 0x%llx", t->index, el, (unsigned long long)entry);
    return PSCI_SUCCESS;
}

static s64 do_cpu_suspend(Cpu *c, u64 pstate, u64 entry, u64 ctx, char *cause, size_t n)
{
    /* Original power_state format (DEN0022D 5.4.2.1): [15:0] StateID,
     * [16] StateType (1 = power-down), [25:24] PowerLevel, rest reserved. */
    if (pstate & ~0x0301ffffull) {
        snprintf(cause, n, "power_state 0x%llx has reserved bits set", (unsigned long long)pstate);
        return PSCI_INVALID_PARAMETERS;
    }
    unsigned level = (pstate >> 24) & 3;
    if (level != 0) {
        snprintf(cause, n, "power level %u not supported (core level 0 only)", level);
        return PSCI_INVALID_PARAMETERS;
    }
    bool powerdown = (pstate >> 16) & 1;
    if (powerdown) {
        s64 r = check_entry(c->m, entry, cause, n);
        if (r)
            return r;
    }
    if (exc_wfi_wakeup(c)) {
        /* A wake-up interrupt is already pending: the implementation may
         * return at once (DEN0022D 5.4.1). */
        snprintf(cause, n, "returned at once: wake-up interrupt pending");
        return PSCI_SUCCESS;
    }
    PsciState *s = state_of(c->m);
    if (s) {
        PsciResume *rs = &s->resume[c->index];
        rs->wake_entry = powerdown;
        rs->entry = entry;
        rs->context = ctx;
        rs->el = (u8)psci_entry_el(c);   /* resume like CPU_ON (DEN0022D 6.4.3) */
    }
    c->suspend_powerdown = powerdown;
    cpu_set_power(c, CORE_SUSPENDED, powerdown ? "CPU_SUSPEND power-down" : "CPU_SUSPEND standby");
    snprintf(cause, n, "core %u %s", c->index,
             powerdown ? "powers down until an interrupt (resumes at the entry point)"
                       : "in standby until an interrupt");
    return PSCI_SUCCESS;
}

static s64 features(u32 q, char *cause, size_t n)
{
    switch (q) {
    case PSCI_CPU_SUSPEND_32:
    case PSCI_CPU_SUSPEND_64:
        /* Feature flags (DEN0022D 5.16.2): bit 1 = 0 original power_state
         * format, bit 0 = 0 OS-initiated mode not supported. */
        return 0;
    case SMCCC_VERSION:
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON_64:
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return PSCI_SUCCESS;
    default:
        snprintf(cause, n, "function 0x%08x is not implemented", q);
        return PSCI_NOT_SUPPORTED;
    }
}

static void record(Machine *m, const PsciRecord *r)
{
    PsciState *s = state_of(m);
    if (!s)
        return;
    s->ring[s->next] = *r;
    s->next = (s->next + 1) % PSCI_HISTORY;
    if (s->count < PSCI_HISTORY)
        s->count++;
}

unsigned psci_history(const Machine *m, PsciRecord *out, unsigned max)
{
    const PsciState *s = state_of(m);
    if (!s || !out)
        return 0;
    unsigned n = s->count < max ? s->count : max;
    unsigned first = (s->next + PSCI_HISTORY - n) % PSCI_HISTORY;
    for (unsigned i = 0; i < n; i++)
        out[i] = s->ring[(first + i) % PSCI_HISTORY];
    return n;
}

/* Argument names per function, for traces (NULL entries are not printed). */
static void arg_names(u32 fid, const char *nm[3])
{
    nm[0] = nm[1] = nm[2] = NULL;
    switch (fid) {
    case PSCI_CPU_SUSPEND_32: case PSCI_CPU_SUSPEND_64:
        nm[0] = "power_state"; nm[1] = "entry"; nm[2] = "context"; break;
    case PSCI_CPU_ON_32: case PSCI_CPU_ON_64:
        nm[0] = "target"; nm[1] = "entry"; nm[2] = "context"; break;
    case PSCI_AFFINITY_INFO_32: case PSCI_AFFINITY_INFO_64:
        nm[0] = "target"; nm[1] = "level"; break;
    case PSCI_FEATURES: case SMCCC_ARCH_FEATURES:
        nm[0] = "fid"; break;
    case SMCCC_VERSION: case PSCI_VERSION: case PSCI_CPU_OFF: case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET:
        break;
    default:
        nm[0] = "x1"; nm[1] = "x2"; nm[2] = "x3"; break;
    }
}

const char *psci_format(const PsciRecord *r, char *buf, size_t n)
{
    const char *an[3];
    const char *fn = psci_func_name(r->fid);
    char unk[24];
    if (!fn) {
        snprintf(unk, sizeof(unk), "fid 0x%08x", r->fid);
        fn = unk;
    }
    arg_names(r->fid, an);
    size_t o = 0;
#define PUT(...) do { int k_ = snprintf(buf + o, o < n ? n - o : 0, __VA_ARGS__); \
                      if (k_ > 0) o += (size_t)k_; } while (0)
    PUT("%s(", fn);
    for (int i = 0; i < 3 && an[i]; i++)
        PUT("%s%s=0x%llx", i ? ", " : "", an[i], (unsigned long long)r->arg[i]);
    PUT(") = ");
    const char *rn = psci_ret_name(r->ret);
    bool value = r->fid == PSCI_VERSION || r->fid == SMCCC_VERSION ||
                 r->fid == PSCI_AFFINITY_INFO_32 || r->fid == PSCI_AFFINITY_INFO_64 ||
                 r->fid == PSCI_MIGRATE_INFO_TYPE;
    if (r->ret < 0 && rn)
        PUT("%s", rn);
    else if (r->fid == PSCI_VERSION || r->fid == SMCCC_VERSION)
        PUT("0x%llx (v%llu.%llu)", (unsigned long long)r->ret, (unsigned long long)(r->ret >> 16),
            (unsigned long long)(r->ret & 0xffff));
    else if (r->fid == PSCI_AFFINITY_INFO_32 || r->fid == PSCI_AFFINITY_INFO_64)
        PUT("%lld (%s)", (long long)r->ret, r->ret == PSCI_AFF_ON ? "ON" : r->ret == PSCI_AFF_OFF ? "OFF"
                                                                                         : "ON_PENDING");
    else if (value || !rn)
        PUT("%lld", (long long)r->ret);
    else
        PUT("%s", rn);
    if (r->cause[0])
        PUT("%s%s", r->ret < 0 ? ": " : " (", r->cause);
    if (r->cause[0] && r->ret >= 0)
        PUT(")");
#undef PUT
    return buf;
}

void psci_call(Cpu *c, Conduit conduit, u16 imm)
{
    Machine *m = c->m;
    u32 fid = (u32)c->x[0];
    bool is32 = !(fid & (1u << 30));
    PsciRecord r;
    memset(&r, 0, sizeof(r));
    r.step = machine_step(m, c);
    r.core = c->index;
    r.el = c->el;
    r.conduit = conduit;
    r.fid = fid;
    for (int i = 0; i < 3; i++)
        r.arg[i] = is32 ? (u32)c->x[1 + i] : c->x[1 + i];
    char *cause = r.cause;
    size_t cn = sizeof(r.cause);
    s64 ret;
    bool returns = true;

    if (imm != 0) {
        /* SMCCC 1.1 (DEN0028 2.x): the immediate must be 0; other values are
         * not firmware calls of this convention. */
        ret = PSCI_NOT_SUPPORTED;
        snprintf(cause, cn, "%s #0x%x: SMCCC calls use immediate 0", conduit == CONDUIT_SMC ? "SMC" : "HVC",
                 imm);
        goto done;
    }
    switch (fid) {
    case SMCCC_VERSION:
        ret = 0x10001;   /* SMCCC v1.1 */
        break;
    case SMCCC_ARCH_FEATURES: {
        u32 q = (u32)r.arg[0];
        if (q == SMCCC_VERSION || q == SMCCC_ARCH_FEATURES) {
            ret = PSCI_SUCCESS;
        } else {
            ret = PSCI_NOT_SUPPORTED;
            if (q == SMCCC_ARCH_WORKAROUND_1 || q == SMCCC_ARCH_WORKAROUND_2 || q == SMCCC_ARCH_WORKAROUND_3)
                snprintf(cause, cn, "%s not needed: Cortex-A53 is not affected", psci_func_name(q));
            else
                snprintf(cause, cn, "no Arm architecture call 0x%08x", q);
        }
        break;
    }
    case PSCI_VERSION:
        ret = 0x10001;   /* PSCI 1.1 */
        break;
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON_64:
        ret = do_cpu_on(c, r.arg[0], r.arg[1], r.arg[2], is32, cause, cn);
        break;
    case PSCI_CPU_OFF:
        /* Does not return on success (DEN0022D 5.5). */
        ret = PSCI_SUCCESS;
        returns = false;
        snprintf(cause, cn, "core %u powers off", c->index);
        cpu_set_power(c, CORE_OFF, "CPU_OFF");
        break;
    case PSCI_CPU_SUSPEND_32:
    case PSCI_CPU_SUSPEND_64:
        ret = do_cpu_suspend(c, r.arg[0], r.arg[1], r.arg[2], cause, cn);
        break;
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64: {
        Cpu *t = target_core(m, r.arg[0], is32, cause, cn);
        if (!t) {
            ret = PSCI_INVALID_PARAMETERS;
        } else if (r.arg[1] != 0) {
            ret = PSCI_INVALID_PARAMETERS;
            snprintf(cause, cn, "lowest_affinity_level %llu not supported (0 only)",
                     (unsigned long long)r.arg[1]);
        } else {
            char st[48];
            /* ON from the moment CPU_ON succeeded (see do_cpu_on). */
            ret = t->power == CORE_ON_PENDING || core_is_on(t) ? PSCI_AFF_ON : PSCI_AFF_OFF;
            snprintf(cause, cn, "core %u %s", t->index, core_state_reason(t, st, sizeof(st)));
        }
        break;
    }
    case PSCI_MIGRATE_INFO_TYPE:
        ret = 2;   /* Trusted OS not present: no migration needed (DEN0022D 5.9) */
        break;
    case PSCI_SYSTEM_OFF:
        ret = PSCI_SUCCESS;
        returns = false;
        snprintf(cause, cn, "machine powers off");
        m->exit_requested = true;
        c->pending |= PEND_STOP;
        break;
    case PSCI_SYSTEM_RESET:
        ret = PSCI_SUCCESS;
        returns = false;
        snprintf(cause, cn, "machine resets");
        m->reset_requested = true;
        m->exit_requested = true;
        c->pending |= PEND_STOP;
        break;
    case PSCI_FEATURES:
        ret = features((u32)r.arg[0], cause, cn);
        break;
    default:
        ret = PSCI_NOT_SUPPORTED;
        snprintf(cause, cn, "%s", fid & (1u << 31) ? "unknown function ID"
                                                    : "yielding calls are not supported (fast calls only)");
        break;
    }
done:
    r.ret = ret;
    record(m, &r);
    if (unlikely(HS_TRACE_ON && (m->trace & TRACE_PSCI)) && trace_wanted(c, c->el, c->pc)) {
        char line[320];
        trace_prefix(c);
        fprintf(trace_out(m), "PSCI via %s: %s\n", conduit == CONDUIT_SMC ? "SMC" : "HVC",
                psci_format(&r, line, sizeof(line)));
    }
    if (!returns)
        return;   /* X0 of a core that powered off / a machine that stops: untouched */
    /* SMC32/HVC32 results are 32-bit (W0); we return them sign-extended
     * in X0 as QEMU does, so both (int) and (long) readings agree. */
    c->x[0] = (u64)ret;
}

/* ---- hooks and registry entry ---- */

static void hook_call(void *opaque, Cpu *c, Conduit conduit, u16 imm)
{
    (void)opaque;
    psci_call(c, conduit, imm);
}

static void hook_wrong_conduit(void *opaque, Cpu *c, Conduit used)
{
    (void)opaque;
    psci_check_wrong_conduit(c, used);
}

/* MachineHooks.wake: a suspended core wakes on an interrupt (DEN0022D 5.4).
 * Standby returns SUCCESS (already in X0) after the SMC/HVC; power-down
 * restarts at the entry point like CPU_ON. */
static bool hook_wake(void *opaque, Cpu *c)
{
    PsciState *s = opaque;
    if (c->power != CORE_SUSPENDED || !exc_wfi_wakeup(c))
        return false;
    PsciResume *rs = &s->resume[c->index];
    if (rs->wake_entry) {
        rs->wake_entry = false;
        cpu_power_on_state(c, rs->el, rs->entry, rs->context);
    }
    cpu_set_power(c, CORE_ON, "CPU_SUSPEND wake-up: interrupt pending");
    return true;
}

/* The /psci node as QEMU's virt writes it (method from the conduit); none
 * when the guest's own EL3 firmware owns PSCI. */
static int psci_fdt(void *opaque, void *fdt, const FdtCtx *ctx)
{
    PsciState *s = opaque;
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    int r;
    (void)ctx;
    if (s->m->psci_conduit == CONDUIT_NONE)
        return 0;
    if ((r = fdt_begin_node(fdt, "psci")) < 0 ||
        (r = fdt_property(fdt, "compatible", compat, sizeof(compat))) < 0 ||
        (r = fdt_property_string(fdt, "method", s->m->psci_conduit == CONDUIT_SMC ? "smc" : "hvc")) < 0 ||
        (r = fdt_property_u32(fdt, "cpu_suspend", PSCI_CPU_SUSPEND_64)) < 0 ||
        (r = fdt_property_u32(fdt, "cpu_off", PSCI_CPU_OFF)) < 0 ||
        (r = fdt_property_u32(fdt, "cpu_on", PSCI_CPU_ON_64)) < 0 ||
        (r = fdt_property_u32(fdt, "migrate", PSCI_MIGRATE_64)) < 0)
        return r;
    return fdt_end_node(fdt);
}

static void psci_reset(void *opaque)
{
    PsciState *s = opaque;
    memset(s->resume, 0, sizeof(s->resume));
}

/* Saved: every core's resume point and the call history (what `monitor
 * psci` shows; its cause strings included). */
static void psci_save(void *opaque, SaveBuf *b)
{
    PsciState *s = opaque;
    save_u32(b, s->m->ncpu);
    for (unsigned i = 0; i < s->m->ncpu; i++) {
        save_u64(b, s->resume[i].entry);
        save_u64(b, s->resume[i].context);
        save_u8(b, s->resume[i].el);
        save_bool(b, s->resume[i].wake_entry);
    }
    save_u32(b, s->next);
    save_u32(b, s->count);
    for (unsigned i = 0; i < PSCI_HISTORY; i++) {
        const PsciRecord *r = &s->ring[i];
        save_u64(b, r->step);
        save_u32(b, r->core);
        save_u8(b, r->el);
        save_u8(b, (u8)r->conduit);
        save_u32(b, r->fid);
        for (int k = 0; k < 3; k++)
            save_u64(b, r->arg[k]);
        save_u64(b, (u64)r->ret);
        save_bytes(b, r->cause, sizeof(r->cause));
    }
}

static bool psci_load(void *opaque, LoadBuf *b)
{
    PsciState *s = opaque;
    if (load_u32(b) != s->m->ncpu)
        return false;
    for (unsigned i = 0; i < s->m->ncpu; i++) {
        PsciResume *rs = &s->resume[i];
        rs->entry = load_u64(b);
        rs->context = load_u64(b);
        rs->el = load_u8(b);
        rs->wake_entry = load_bool(b);
        if (rs->el > 3)
            load_fail(b);
    }
    s->next = load_u32(b);
    s->count = load_u32(b);
    if (s->next >= PSCI_HISTORY || s->count > PSCI_HISTORY)
        load_fail(b);
    for (unsigned i = 0; i < PSCI_HISTORY && !b->bad; i++) {
        PsciRecord *r = &s->ring[i];
        r->step = load_u64(b);
        r->core = load_u32(b);
        r->el = load_u8(b);
        u8 cd = load_u8(b);
        if (cd > CONDUIT_HVC || r->el > 3)
            load_fail(b);
        r->conduit = (Conduit)cd;
        r->fid = load_u32(b);
        for (int k = 0; k < 3; k++)
            r->arg[k] = load_u64(b);
        r->ret = (s64)load_u64(b);
        load_bytes(b, r->cause, sizeof(r->cause));
        r->cause[sizeof(r->cause) - 1] = 0;
    }
    return !b->bad;
}

static void psci_destroy(void *opaque)
{
    PsciState *s = opaque;
    MachineHooks *h = &s->m->hooks;
    if (h->firmware_opaque == s) {
        h->firmware_call = NULL;
        h->wrong_conduit = NULL;
        h->firmware_opaque = NULL;
    }
    if (h->power_opaque == s) {
        h->wake = NULL;
        h->power_opaque = NULL;
    }
    free(s);
}

static const DeviceOps psci_ops = {
    .type = "psci",
    .version = 1,
    .reset = psci_reset,
    .fdt_node = psci_fdt,
    .save = psci_save,
    .load = psci_load,
    .destroy = psci_destroy,
};

bool psci_init(Machine *m)
{
    PsciState *s = calloc(1, sizeof(*s));
    if (!s)
        return false;
    s->m = m;
    bool builtin = m->psci_conduit != CONDUIT_NONE;
    if (!machine_add_device(m, &psci_ops, s, "psci")) {
        free(s);
        return false;
    }
    /* Every conduit instruction reaches the hooks: the wrong-conduit
     * warning applies to guest EL3 firmware too. */
    m->hooks.firmware_call = hook_call;
    m->hooks.wrong_conduit = hook_wrong_conduit;
    m->hooks.firmware_opaque = s;
    if (builtin) {
        emu_assert(!m->hooks.wake);
        m->hooks.wake = hook_wake;
        m->hooks.power_opaque = s;
    }
    return true;
}
