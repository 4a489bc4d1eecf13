/*
 * firmware/psci/psci.c — built-in PSCI 1.1 firmware (Arm DEN0022D) and
 * SMCCC 1.1 (DEN0028) answered as a real EL3 firmware would.
 * Foundation part: PSCI_VERSION, SYSTEM_OFF, SYSTEM_RESET, SMCCC_VERSION;
 * other IDs return NOT_SUPPORTED (-1), as DEN0022 5.2.2 requires.
 */
#include <stdio.h>

#include "exceptions/exceptions.h"
#include "firmware/psci/psci.h"
#include "trace/trace.h"

const char *psci_func_name(u32 fid)
{
    switch (fid) {
    case SMCCC_VERSION: return "SMCCC_VERSION";
    case SMCCC_ARCH_FEATURES: return "SMCCC_ARCH_FEATURES";
    case PSCI_VERSION: return "PSCI_VERSION";
    case PSCI_CPU_SUSPEND_32: return "CPU_SUSPEND32";
    case PSCI_CPU_SUSPEND_64: return "CPU_SUSPEND64";
    case PSCI_CPU_OFF: return "CPU_OFF";
    case PSCI_CPU_ON_32: return "CPU_ON32";
    case PSCI_CPU_ON_64: return "CPU_ON64";
    case PSCI_AFFINITY_INFO_32: return "AFFINITY_INFO32";
    case PSCI_AFFINITY_INFO_64: return "AFFINITY_INFO64";
    case PSCI_MIGRATE_INFO_TYPE: return "MIGRATE_INFO_TYPE";
    case PSCI_SYSTEM_OFF: return "SYSTEM_OFF";
    case PSCI_SYSTEM_RESET: return "SYSTEM_RESET";
    case PSCI_FEATURES: return "PSCI_FEATURES";
    default: return NULL;
    }
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
    if (!(c->m->trace & TRACE_PSCI) || !is_psci_range(fid) || c->m->psci_conduit == used)
        return;
    const char *nm = psci_func_name(fid);
    trace_prefix(c);
    if (c->m->psci_conduit == CONDUIT_NONE)
        fprintf(trace_out(c->m), "PSCI warning: %s (0x%08x) issued with %s at EL%u, but no built-in "
                "firmware answers it (guest EL3 firmware owns PSCI)\n",
                nm ? nm : "PSCI call", fid, used == CONDUIT_SMC ? "SMC" : "HVC", c->el);
    else
        fprintf(trace_out(c->m), "PSCI warning: %s (0x%08x) issued with %s at EL%u, but the firmware "
                "conduit is %s (the device tree says method = \"%s\"): it takes the architectural path "
                "instead\n", nm ? nm : "PSCI call", fid, used == CONDUIT_SMC ? "SMC" : "HVC", c->el,
                c->m->psci_conduit == CONDUIT_SMC ? "SMC" : "HVC",
                c->m->psci_conduit == CONDUIT_SMC ? "smc" : "hvc");
}

void psci_call(Cpu *c, Conduit conduit, u16 imm)
{
    Machine *m = c->m;
    u32 fid = (u32)c->x[0];
    s64 ret;
    const char *cause = NULL;
    (void)conduit;
    (void)imm;
    switch (fid) {
    case SMCCC_VERSION:
        ret = 0x10001;   /* SMCCC v1.1 */
        break;
    case PSCI_VERSION:
        ret = 0x10001;   /* PSCI 1.1 */
        break;
    case PSCI_SYSTEM_OFF:
        ret = PSCI_SUCCESS;
        m->exit_requested = true;
        break;
    case PSCI_SYSTEM_RESET:
        ret = PSCI_SUCCESS;
        m->reset_requested = true;
        m->exit_requested = true;
        break;
    default:
        ret = PSCI_NOT_SUPPORTED;
        cause = "function not implemented by the built-in firmware";
        break;
    }
    if (unlikely(m->trace & TRACE_PSCI)) {
        const char *nm = psci_func_name(fid);
        const char *rn = psci_ret_name(ret);
        trace_prefix(c);
        fprintf(trace_out(m), "PSCI %s(0x%llx, 0x%llx, 0x%llx) via %s = ", nm ? nm : "unknown",
                (unsigned long long)c->x[1], (unsigned long long)c->x[2], (unsigned long long)c->x[3],
                conduit == CONDUIT_SMC ? "SMC" : "HVC");
        if (rn && ret <= 0)
            fprintf(trace_out(m), "%s", rn);
        else
            fprintf(trace_out(m), "0x%llx", (unsigned long long)ret);
        if (!nm)
            fprintf(trace_out(m), " (function id 0x%08x)", fid);
        if (cause)
            fprintf(trace_out(m), ": %s", cause);
        fputc('\n', trace_out(m));
    }
    c->x[0] = (u64)ret;
    if (m->exit_requested)
        c->pending |= PEND_STOP;
}
