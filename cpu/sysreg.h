/*
 * cpu/sysreg.h — the system register table: one row per register or system
 * instruction (op0=1: AT/DC/IC/TLBI), giving its encoding, reset value, the
 * lowest EL that may access it, the trap rules that route an access to a
 * higher EL, and its read/write behaviour.  QEMU's ARMCPRegInfo idea.
 *
 * Modules own their rows: the CPU's tables (core, MMU TLBI/AT/DC/IC, PMU,
 * debug, IMPDEF, FP) are indexed by sysreg_init(); a device with a system
 * register interface (GIC ICC_* and ICH_*, timer CNT*) adds its table with
 * sysreg_add_table() when it attaches.  The machine keeps a 64K
 * index by the 16-bit key op0:op1:CRn:CRm:op2 — the same fields ESR_ELx.ISS
 * reports for EC 0x18 — so lookup is one array load.
 */
#ifndef EMU_CPU_SYSREG_H
#define EMU_CPU_SYSREG_H

#include <stddef.h>

#include "cpu/cpu.h"

typedef struct Machine Machine;

/* Result of an access check. */
typedef enum SrAccess {
    SR_OK,
    SR_UNDEF,      /* UNDEFINED at the current EL */
    SR_TRAP_EL1,   /* trapped to EL1 (EL0 accesses, e.g. SCTLR_EL1.UCT) */
    SR_TRAP_EL2,   /* trapped to EL2 (HCR_EL2/CPTR_EL2/MDCR_EL2/CNTHCTL_EL2 ...) */
    SR_TRAP_EL3,   /* trapped to EL3 (SCR_EL3/CPTR_EL3/MDCR_EL3 ...) */
} SrAccess;

/* Minimum-EL permission bits (row.access).  SR_EL1_RW means EL1 and above. */
enum {
    SR_EL0_R = 1u << 0, SR_EL0_W = 1u << 1,
    SR_EL1_R = 1u << 2, SR_EL1_W = 1u << 3,
    SR_EL2_R = 1u << 4, SR_EL2_W = 1u << 5,
    SR_EL3_R = 1u << 6, SR_EL3_W = 1u << 7,
};
#define SR_PL3_R (SR_EL3_R)
#define SR_PL3_W (SR_EL3_W)
#define SR_PL3_RW (SR_PL3_R | SR_PL3_W)
#define SR_PL2_R (SR_EL2_R | SR_PL3_R)
#define SR_PL2_W (SR_EL2_W | SR_PL3_W)
#define SR_PL2_RW (SR_PL2_R | SR_PL2_W)
#define SR_PL1_R (SR_EL1_R | SR_PL2_R)
#define SR_PL1_W (SR_EL1_W | SR_PL2_W)
#define SR_PL1_RW (SR_PL1_R | SR_PL1_W)
#define SR_PL0_R (SR_EL0_R | SR_PL1_R)
#define SR_PL0_W (SR_EL0_W | SR_PL1_W)
#define SR_PL0_RW (SR_PL0_R | SR_PL0_W)

/* Row flags. */
enum {
    SR_F_CONST = 1u << 0,   /* read returns .resetval, writes UNDEFINED unless W bits */
    SR_F_RAZ_WI = 1u << 1,  /* reads zero, writes ignored */
    SR_F_IO = 1u << 2,      /* has side effects: end the block after access */
    SR_F_SYS = 1u << 3,     /* system instruction (SYS/SYSL), not a register */
    SR_F_EL2 = 1u << 4,     /* needs EL2 implemented (else UNDEFINED) */
    SR_F_EL3 = 1u << 5,     /* needs EL3 implemented (else UNDEFINED) */
};

typedef struct SysRegDesc SysRegDesc;
struct SysRegDesc {
    const char *name;                 /* Arm ARM name, e.g. "HCR_EL2" */
    u8 op0, op1, crn, crm, op2;
    u16 access;                       /* SR_EL*_R/W minimum-EL bits */
    u16 flags;                        /* SR_F_* */
    /* Trap checks beyond the minimum EL; set c->trap_reason when trapping. */
    SrAccess (*accessfn)(Cpu *c, const SysRegDesc *r, bool isread);
    u64 (*read)(Cpu *c, const SysRegDesc *r);
    void (*write)(Cpu *c, const SysRegDesc *r, u64 v);
    size_t offset;                    /* offsetof(Cpu, field) for plain storage, 0 = none */
    u64 resetval;                     /* CONST value / reset value */
    u64 wmask;                        /* writable bits for plain storage (0 = all) */
};

typedef struct SysRegTable {
    const SysRegDesc *rows;
    size_t n;
} SysRegTable;

#define SR_KEY(op0, op1, crn, crm, op2) \
    ((unsigned)(op0) << 14 | (unsigned)(op1) << 11 | (unsigned)(crn) << 7 | (unsigned)(crm) << 3 | (unsigned)(op2))
#define SR_ROW_KEY(r) SR_KEY((r)->op0, (r)->op1, (r)->crn, (r)->crm, (r)->op2)
#define SR_TABLE(rows) { rows, sizeof(rows) / sizeof((rows)[0]) }

/* Build the per-machine index from the CPU's own tables.  Returns false (and
 * logs) on allocation failure or if two rows claim the same encoding. */
bool sysreg_init(Machine *m);
/* Add a device's table TAB (which must outlive M) to M's index.  Returns
 * false (and logs, leaving the index unchanged) if a row's encoding is
 * already taken. */
bool sysreg_add_table(Machine *m, const SysRegTable *tab);
/* Row for KEY, or NULL. */
const SysRegDesc *sysreg_find(const Machine *m, unsigned key);
/* Row by name (case-insensitive), for the gdb stub and tests, or NULL. */
const SysRegDesc *sysreg_find_name(const Machine *m, const char *name);

/* Execute MRS (isread) / MSR / SYS / SYSL with register RT; raises UNDEFINED
 * or the trap exception (EC 0x18 with full ISS) as the checks decide. */
void sysreg_access(Cpu *c, unsigned key, unsigned rt, bool isread);

/* Debugger access (no traps, no side-effect checks beyond the handlers). */
bool sysreg_debug_read(Cpu *c, const SysRegDesc *r, u64 *v);
bool sysreg_debug_write(Cpu *c, const SysRegDesc *r, u64 v);

/* Raise the EC 0x18 trap for an access to KEY to TARGET_EL. */
NORETURN void sysreg_trap(Cpu *c, unsigned target_el, unsigned key, unsigned rt,
                          bool isread, const char *reason);

/* Module tables (each defined by its module). */
extern const SysRegTable sysregs_core;     /* cpu/sysreg_core.c */
extern const SysRegTable sysregs_mmu;      /* mmu/sysreg_mmu.c: TLBI, AT, DC, IC */
extern const SysRegTable sysregs_fp;       /* cpu/sysreg_fp.c: FPCR, FPSR */

#endif
