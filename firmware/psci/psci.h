/*
 * firmware/psci/psci.h — the built-in EL3 firmware: PSCI 1.1 (Arm DEN0022D)
 * and SMCCC 1.1 (Arm DEN0028) calls made through the conduit instruction
 * chosen as QEMU's virt does (guest starting at EL2 -> SMC, at EL1 -> HVC).
 * With -M virt,secure=on / -bios the guest owns EL3 and there is no
 * built-in firmware (m->psci_conduit == CONDUIT_NONE): its PSCI drives the
 * power controller (devices/pctl).
 *
 * Choices where DEN0022D leaves room (documented in psci.c):
 *  - CPU_ON / CPU_SUSPEND entry not 4-byte aligned -> INVALID_PARAMETERS
 *    (as QEMU); entry not in RAM/flash reachable by the caller ->
 *    INVALID_ADDRESS (DEN0022D 5.1.4, as TF-A's ns-entrypoint check).
 *  - target_cpu bits [31:24] are ignored (guests often pass MPIDR_EL1 as read,
 *    with its RES1 bit 31; TF-A masks them too); bits [63:40] set ->
 *    INVALID_PARAMETERS; no such core -> INVALID_PARAMETERS.
 *  - AFFINITY_INFO: lowest_affinity_level 0 only, else INVALID_PARAMETERS.
 *  - CPU_SUSPEND: original power_state format, power level 0 only.
 *  - MIGRATE_INFO_TYPE = 2 (no Trusted OS: no migration needed).
 *  - SMCCC_ARCH_FEATURES: WORKAROUND_1/2/3 -> NOT_SUPPORTED (Cortex-A53 is
 *    not affected by Spectre-v2/v4/BHB, so no firmware mitigation exists).
 */
#ifndef EMU_FIRMWARE_PSCI_PSCI_H
#define EMU_FIRMWARE_PSCI_PSCI_H

#include "cpu/cpu.h"
#include "exceptions/smccc.h"
#include "machine/machine.h"

/* Return codes (DEN0022 5.2.2). */
enum {
    PSCI_SUCCESS = 0,
    PSCI_NOT_SUPPORTED = -1,
    PSCI_INVALID_PARAMETERS = -2,
    PSCI_DENIED = -3,
    PSCI_ALREADY_ON = -4,
    PSCI_ON_PENDING = -5,
    PSCI_INTERNAL_FAILURE = -6,
    PSCI_NOT_PRESENT = -7,
    PSCI_DISABLED = -8,
    PSCI_INVALID_ADDRESS = -9,
};

/* AFFINITY_INFO results (DEN0022D 5.1.5). */
enum { PSCI_AFF_ON = 0, PSCI_AFF_OFF = 1, PSCI_AFF_ON_PENDING = 2 };

/* One firmware call, as kept in the per-machine history ring. */
typedef struct PsciRecord {
    u64 step;            /* machine_step() when the call was made */
    unsigned core;       /* calling core index */
    u8 el;               /* caller's EL */
    Conduit conduit;     /* SMC or HVC */
    u32 fid;             /* function ID (W0) */
    u64 arg[3];          /* X1..X3 (32-bit IDs: zero-extended W1..W3) */
    s64 ret;             /* value returned in X0 (CPU_OFF: 0, it does not return) */
    char cause[112];     /* why it failed / what it did; "" if nothing to say */
} PsciRecord;

#define PSCI_HISTORY 64

/* Create the firmware state of M (per-core resume points, history ring),
 * register it (devices/device.h, type "psci"; it writes the /psci node
 * when M->psci_conduit is set) and install its hooks (MachineHooks
 * firmware_call / wrong_conduit, and wake for CPU_SUSPEND).  Called once by
 * the board after it chose the conduit.  False on allocation failure. */
bool psci_init(Machine *m);

/* Handle the firmware call in W0/X0..X3 of core C made with CONDUIT (IMM is
 * the instruction's immediate, which SMCCC requires to be 0).  Writes the
 * result to X0 (and leaves X1-X17 as SMCCC v1.1 requires); may power cores
 * on/off or request machine exit/reset.  Returns normally (the caller
 * continues after the SMC/HVC) except that CPU_OFF/CPU_SUSPEND make the core
 * stop at the end of the instruction (PEND_STOP). */
void psci_call(Cpu *c, Conduit conduit, u16 imm);

/*
 * The last calls (at most PSCI_HISTORY, for the gdb stub's `monitor psci`):
 * copies up to MAX records into OUT, oldest first, and returns how many.
 * Returns 0 if M has no firmware state.
 */
unsigned psci_history(const Machine *m, PsciRecord *out, unsigned max);

/* Format a record as one line without newline, e.g.
 * "c0 #51234 SMC CPU_ON(target=0x1, entry=0x40080002, context=0x0) =
 * INVALID_PARAMETERS: entry not 4-byte aligned".  Returns BUF. */
const char *psci_format(const PsciRecord *r, char *buf, size_t n);

/* Under --trace psci: warn when a guest issues a PSCI function ID with the
 * instruction that is NOT the firmware's conduit (the call then takes its
 * architectural path: the caller's own EL2 vector, or UNDEFINED). */
void psci_check_wrong_conduit(Cpu *c, Conduit used);

/* Name of a PSCI return code, or NULL. */
const char *psci_ret_name(s64 ret);

/* Core of M whose MPIDR affinity (Aff3..Aff0, bits [39:32] and [23:0])
 * equals that of TARGET, or NULL. */
Cpu *psci_find_core(Machine *m, u64 target);

#endif
