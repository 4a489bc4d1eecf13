/*
 * examples/hypervisor/print.c — formatted output to the PL011, one whole
 * line at a time under a spinlock (LDAXR/STXR + WFE) shared by the
 * hypervisor and the guest, so lines from different cores never mix.
 */
#include <stdarg.h>

#include "hyp.h"

static volatile u32 print_lock;

static void lock(void)
{
    u32 tmp;
    __asm__ volatile("   sevl\n"
                     "1: wfe\n"
                     "2: ldaxr %w0, [%1]\n"
                     "   cbnz  %w0, 1b\n"
                     "   stxr  %w0, %w2, [%1]\n"
                     "   cbnz  %w0, 2b\n"
                     : "=&r"(tmp) : "r"(&print_lock), "r"(1u) : "memory");
}

static void unlock(void)
{
    __asm__ volatile("stlr wzr, [%0]" ::"r"(&print_lock) : "memory");
}

static void putc_(char c)
{
    *(volatile u32 *)UART_BASE = (unsigned char)c;
}

static void putnum(u64 v, unsigned base, int width)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width-- > n)
        putc_('0');
    while (n)
        putc_(buf[--n]);
}

void print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lock();
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc_(*fmt);
            continue;
        }
        fmt++;
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            s64 v = va_arg(ap, s64);
            if (v < 0) {
                putc_('-');
                v = -v;
            }
            putnum((u64)v, 10, width);
            break;
        }
        case 'u': putnum(va_arg(ap, u64), 10, width); break;
        case 'x': putnum(va_arg(ap, u64), 16, width); break;
        case 's': for (const char *s = va_arg(ap, const char *); *s; s++) putc_(*s); break;
        default: putc_('?'); break;
        }
    }
    unlock();
    va_end(ap);
}
