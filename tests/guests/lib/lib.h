/*
 * tests/guests/lib/lib.h — runtime for bare-metal test guests: PL011 output,
 * printf, self-checking macros, semihosting exit, exception capture, and
 * calls into lower ELs.  Every guest's main() returns its failure count,
 * which becomes hyperstep's exit status through semihosting SYS_EXIT.
 */
#ifndef HS_GUEST_LIB_H
#define HS_GUEST_LIB_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long s64;
typedef int s32;

#define READ_SYSREG(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define WRITE_SYSREG(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((u64)(v)) : "memory")
#define ISB() __asm__ volatile("isb" ::: "memory")
#define DSB() __asm__ volatile("dsb sy" ::: "memory")

void hs_putc(char c);
void hs_puts(const char *s);
void hs_printf(const char *fmt, ...);
__attribute__((noreturn)) void hs_exit(int code);
int hs_current_el(void);
int hs_core_id(void);

/* Self-checking. */
extern int hs_failures, hs_checks;
#define CHECK(cond) hs_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) hs_check_eq((u64)(a), (u64)(b), #a, #b, __FILE__, __LINE__)
void hs_check(int ok, const char *what, const char *file, int line);
void hs_check_eq(u64 a, u64 b, const char *sa, const char *sb, const char *file, int line);
/* Print "RESULT: N checks, M failed" and return M (use as main's return). */
int hs_report(void);

/* Exception capture.  Every exception taken by the guest lands in
 * exc_dispatch(); the last one is recorded here. */
struct hs_exc {
    int el;         /* EL that took it */
    int type;       /* 0 sync, 1 IRQ, 2 FIQ, 3 SError */
    int source;     /* 0 current EL SP0, 1 current SPx, 2 lower A64, 3 lower A32 */
    u64 esr, elr, far, spsr, hpfar;
    int count;      /* exceptions taken since hs_exc_reset() */
};
extern volatile struct hs_exc hs_last;
void hs_exc_reset(void);
/* When an unexpected synchronous exception arrives: 0 = print and exit(100)
 * (default), 1 = record it and resume at ELR+4 (skip the instruction). */
extern volatile int hs_exc_skip;
/* Optional hook: return 1 if handled (frame/ELR adjusted by the hook). */
typedef struct hs_frame { u64 x[31]; u64 pad[3]; } hs_frame;
extern int (*volatile hs_exc_hook)(hs_frame *f, int el, int type);

/* Run fn(arg) at lower EL TARGET (0..2) and return its result.  The lower EL
 * returns with SVC (EL0->EL1), HVC (EL1->EL2) or SMC (->EL3) #0xFFFE, so do
 * not leave traps on those when returning (HCR_EL2.TSC, SCR_EL3.SMD...).
 * SCR_EL3.NS=1 unless hs_secure_lower is set; SCR_EL3.RW/HCE and
 * HCR_EL2.RW are set as needed. */
u64 hs_call_lower(int target, u64 (*fn)(u64), u64 arg, u64 sp);
extern volatile int hs_secure_lower;
/* SCR_EL3 bits hs_call_lower clears after setting its own (e.g. HCE, to
 * test HVC with SCR_EL3.HCE=0 at a lower EL that returns by SMC). */
extern volatile u64 hs_scr_clear;

/* PSCI through the conduit (default SMC at EL2, HVC at EL1). */
s64 hs_psci(u32 fid, u64 a1, u64 a2, u64 a3);
extern volatile int hs_psci_use_hvc;   /* -1 auto by EL, 0 SMC, 1 HVC */

/* Secondary cores enter here (weak default: WFE loop). */
void secondary_main(void);

#endif
