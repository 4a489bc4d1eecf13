/* common/log.c — stderr logging helpers (cold path only). */
#include "common/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void hs_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void hs_fatal(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("hyperstep: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
