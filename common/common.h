/*
 * common/common.h — basic types, bit helpers, logging and the FIELD() macro
 * used throughout hyperstep.  Register fields are named as in the Arm ARM
 * (DDI 0487): FIELD(HCR_EL2, TSC, 19, 1) gives HCR_EL2_TSC (mask),
 * HCR_EL2_TSC_SHIFT and HCR_EL2_TSC_LEN.
 */
#ifndef EMU_COMMON_COMMON_H
#define EMU_COMMON_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned __int128 u128;
typedef __int128 s128;

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* 0 when built with meson -Dtrace=false: the tracing tests of the hot path
 * (run loop, exception entry/return, MMU slow paths) compile away, and the
 * options that need them are refused ("built without tracing"). */
#ifndef HS_TRACE_ON
#define HS_TRACE_ON 1
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Mask of LEN bits at SHIFT (LEN may be 64). */
#define MASK64(shift, len) \
    ((((len) >= 64) ? ~0ull : ((1ull << (len)) - 1)) << (shift))

#define FIELD(reg, name, shift, len)                                   \
    enum { reg##_##name##_SHIFT = (shift), reg##_##name##_LEN = (len) }; \
    static const u64 reg##_##name = MASK64(shift, len)

/* Extract LEN bits at SHIFT from X. */
static inline u64 extract64(u64 x, unsigned shift, unsigned len)
{
    return (x >> shift) & (len >= 64 ? ~0ull : ((1ull << len) - 1));
}
static inline u32 extract32(u32 x, unsigned shift, unsigned len)
{
    return (x >> shift) & (len >= 32 ? ~0u : ((1u << len) - 1));
}
/* Sign-extend the low LEN bits of X. */
static inline s64 sextract64(u64 x, unsigned shift, unsigned len)
{
    return (s64)(x << (64 - shift - len)) >> (64 - len);
}
static inline u64 deposit64(u64 x, unsigned shift, unsigned len, u64 v)
{
    u64 m = MASK64(shift, len);
    return (x & ~m) | ((v << shift) & m);
}

/* Logging: to stderr, with a category prefix.  Never used on the hot path. */
void hs_log(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Emulator bug (never a guest error): print and abort. */
NORETURN void hs_fatal(const char *fmt, ...) PRINTF_LIKE(1, 2);
#define emu_assert(c)                                                      \
    do {                                                                   \
        if (unlikely(!(c)))                                                \
            hs_fatal("internal error: %s:%d: %s", __FILE__, __LINE__, #c); \
    } while (0)

#endif
