/*
 * tests/guests/lib/lib.c — see lib.h.
 */
#include <stdarg.h>

#include "lib.h"

#define UART_DR ((volatile u32 *)0x09000000)

int hs_failures, hs_checks;
volatile struct hs_exc hs_last;
volatile int hs_exc_skip;
volatile u64 hs_scr_clear;
volatile int hs_secure_lower;
volatile int hs_psci_use_hvc = -1;
int (*volatile hs_exc_hook)(hs_frame *f, int el, int type);
/* Saved SP of hs_call_lower per (EL, core). */
static u64 saved_sp[4][8];

void hs_putc(char c) { *UART_DR = (u8)c; }

void hs_puts(const char *s)
{
    while (*s)
        hs_putc(*s++);
}

static void put_num(u64 v, unsigned base, int width, int zero, int neg)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    while (n < width)
        hs_putc(zero ? '0' : ' '), width--;
    while (n)
        hs_putc(buf[--n]);
}

void hs_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            hs_putc(*fmt);
            continue;
        }
        fmt++;
        int zero = 0, width = 0, lng = 0;
        if (*fmt == '0')
            zero = 1, fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            lng++, fmt++;
        switch (*fmt) {
        case 'd': {
            s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
            put_num(v < 0 ? (u64)-v : (u64)v, 10, width, zero, v < 0);
            break;
        }
        case 'u': put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, width, zero, 0); break;
        case 'x': put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, width, zero, 0); break;
        case 'p': hs_puts("0x"); put_num(va_arg(ap, u64), 16, 0, 0, 0); break;
        case 's': hs_puts(va_arg(ap, const char *)); break;
        case 'c': hs_putc((char)va_arg(ap, int)); break;
        case '%': hs_putc('%'); break;
        default: hs_putc('?'); break;
        }
    }
    va_end(ap);
}

__attribute__((noreturn)) void hs_exit(int code)
{
    static volatile u64 block[2];
    block[0] = 0x20026;   /* ADP_Stopped_ApplicationExit */
    block[1] = (u64)code;
    register u64 x0 __asm__("x0") = 0x18;   /* SYS_EXIT */
    register u64 x1 __asm__("x1") = (u64)block;
    __asm__ volatile("hlt #0xf000" ::"r"(x0), "r"(x1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

int hs_current_el(void) { return (int)(READ_SYSREG(CurrentEL) >> 2); }
int hs_core_id(void) { return (int)(READ_SYSREG(mpidr_el1) & 0xff); }

void hs_check(int ok, const char *what, const char *file, int line)
{
    hs_checks++;
    if (!ok) {
        hs_failures++;
        hs_printf("FAIL %s:%d: %s\n", file, line, what);
    }
}

void hs_check_eq(u64 a, u64 b, const char *sa, const char *sb, const char *file, int line)
{
    hs_checks++;
    if (a != b) {
        hs_failures++;
        hs_printf("FAIL %s:%d: %s == 0x%lx, expected %s == 0x%lx\n", file, line, sa, a, sb, b);
    }
}

int hs_report(void)
{
    hs_printf("RESULT: %d checks, %d failed\n", hs_checks, hs_failures);
    return hs_failures;
}

void hs_exc_reset(void)
{
    hs_last.count = 0;
    hs_last.el = -1;
    hs_last.esr = hs_last.elr = hs_last.far = hs_last.spsr = hs_last.hpfar = 0;
}

void hs_save_ctx_sp(u64 sp) { saved_sp[hs_current_el()][hs_core_id() & 7] = sp; }
extern void hs_resume_ctx(u64 sp, u64 ret) __attribute__((noreturn));
extern char hs_lower_trampoline[], hs_vectors[], __stacks_start[];

static u64 lower_stack(int el)
{
    return (u64)__stacks_start + ((u64)(el * 8 + (hs_core_id() & 7) + 1)) * 16384;
}

void hs_eret_to_lower(int target, u64 (*fn)(u64), u64 arg, u64 sp)
{
    int cur = hs_current_el();
    u64 spsr = 0x3c0 | ((u64)target << 2) | (target ? 1 : 0);
    if (!sp)
        sp = lower_stack(target);
    if (cur == 3) {
        u64 scr = READ_SYSREG(scr_el3) | (1ul << 10) | (1ul << 8);
        scr = hs_secure_lower ? scr & ~1ul : scr | 1ul;
        scr &= ~hs_scr_clear;
        WRITE_SYSREG(scr_el3, scr);
        if (target == 2) {
            WRITE_SYSREG(sp_el2, sp);
            WRITE_SYSREG(vbar_el2, hs_vectors);
        } else if (target == 1) {
            WRITE_SYSREG(sp_el1, sp);
            WRITE_SYSREG(vbar_el1, hs_vectors);
            if (!hs_secure_lower)
                WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 31));
        } else {
            WRITE_SYSREG(sp_el0, sp);
        }
        WRITE_SYSREG(spsr_el3, spsr);
        WRITE_SYSREG(elr_el3, hs_lower_trampoline);
    } else if (cur == 2) {
        WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 31));
        if (target == 1) {
            WRITE_SYSREG(sp_el1, sp);
            WRITE_SYSREG(vbar_el1, hs_vectors);
        } else {
            WRITE_SYSREG(sp_el0, sp);
        }
        WRITE_SYSREG(spsr_el2, spsr);
        WRITE_SYSREG(elr_el2, hs_lower_trampoline);
    } else {
        WRITE_SYSREG(sp_el0, sp);
        WRITE_SYSREG(spsr_el1, spsr);
        WRITE_SYSREG(elr_el1, hs_lower_trampoline);
    }
    register u64 x0 __asm__("x0") = arg;
    register u64 x1 __asm__("x1") = (u64)fn;
    register u64 x27 __asm__("x27") = (u64)target;
    register u64 x28 __asm__("x28") = (u64)cur;
    __asm__ volatile("isb; eret" ::"r"(x0), "r"(x1), "r"(x27), "r"(x28) : "memory");
    __builtin_unreachable();
}

static void read_exc_regs(int el, u64 *esr, u64 *elr, u64 *far, u64 *spsr)
{
    switch (el) {
    case 3:
        *esr = READ_SYSREG(esr_el3); *elr = READ_SYSREG(elr_el3);
        *far = READ_SYSREG(far_el3); *spsr = READ_SYSREG(spsr_el3);
        break;
    case 2:
        *esr = READ_SYSREG(esr_el2); *elr = READ_SYSREG(elr_el2);
        *far = READ_SYSREG(far_el2); *spsr = READ_SYSREG(spsr_el2);
        break;
    default:
        *esr = READ_SYSREG(esr_el1); *elr = READ_SYSREG(elr_el1);
        *far = READ_SYSREG(far_el1); *spsr = READ_SYSREG(spsr_el1);
        break;
    }
}

static void write_elr(int el, u64 v)
{
    if (el == 3)
        WRITE_SYSREG(elr_el3, v);
    else if (el == 2)
        WRITE_SYSREG(elr_el2, v);
    else
        WRITE_SYSREG(elr_el1, v);
}

void exc_dispatch(hs_frame *f, u64 vec)
{
    int el = hs_current_el();
    u64 esr, elr, far, spsr;
    read_exc_regs(el, &esr, &elr, &far, &spsr);
    int type = (int)(vec & 3), source = (int)(vec >> 2);
    unsigned ec = (unsigned)(esr >> 26);
    if (type == 0 && source == 2 && (esr & 0xffff) == 0xfffe && (ec == 0x15 || ec == 0x16 || ec == 0x17))
        hs_resume_ctx(saved_sp[el][hs_core_id() & 7], f->x[0]);   /* hs_call_lower returns */
    hs_last.el = el;
    hs_last.type = type;
    hs_last.source = source;
    hs_last.esr = esr;
    hs_last.elr = elr;
    hs_last.far = far;
    hs_last.spsr = spsr;
    hs_last.hpfar = el == 2 ? READ_SYSREG(hpfar_el2) : 0;
    hs_last.count++;
    if (hs_exc_hook && hs_exc_hook(f, el, type))
        return;
    if (type == 0 && hs_exc_skip) {
        write_elr(el, elr + 4);
        return;
    }
    hs_printf("UNEXPECTED exception at EL%d type %d source %d: ESR=0x%lx ELR=0x%lx FAR=0x%lx SPSR=0x%lx\n",
              el, type, source, esr, elr, far, spsr);
    hs_exit(100);
}

s64 hs_psci(u32 fid, u64 a1, u64 a2, u64 a3)
{
    int hvc = hs_psci_use_hvc < 0 ? hs_current_el() == 1 : hs_psci_use_hvc;
    register u64 x0 __asm__("x0") = fid;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    if (hvc)
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    else
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    return (s64)x0;
}
