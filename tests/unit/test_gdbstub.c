/*
 * tests/unit/test_gdbstub.c — gdb stub helpers: thread names (state, cause,
 * EL, security) and the ESR_ELx syndrome decoder used by `monitor cores`.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/sysreg.h"
#include "gdbstub/gdbstub.h"
#include "test.h"

#define ASSERT_STREQ(a, b)                                                     \
    do {                                                                       \
        if (strcmp((a), (b))) {                                                \
            fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b)); \
            test_failed_flag = 1;                                              \
            return;                                                            \
        }                                                                      \
    } while (0)

TEST(gdb_thread_names)
{
    Cpu *c = calloc(1, sizeof(Cpu));
    char buf[128];
    ASSERT_TRUE(c != NULL);
    c->index = 2;
    c->el = 3;
    c->power = CORE_OFF_NEVER;
    ASSERT_STREQ(gdb_thread_name(c, buf, sizeof(buf)), "CPU#2 [off: never powered on] EL3 Secure");
    c->index = 0;
    c->el = 1;
    c->ns = 1;
    c->power = CORE_ON;
    ASSERT_STREQ(gdb_thread_name(c, buf, sizeof(buf)), "CPU#0 [running] EL1 Non-secure");
    c->power = CORE_WFI;
    ASSERT_STREQ(gdb_thread_name(c, buf, sizeof(buf)), "CPU#0 [WFI] EL1 Non-secure");
    c->power = CORE_WFE;
    c->el = 2;
    ASSERT_STREQ(gdb_thread_name(c, buf, sizeof(buf)), "CPU#0 [WFE] EL2 Non-secure");
    c->power = CORE_ON_PENDING;
    c->ns = 0;
    c->el = 1;
    ASSERT_STREQ(gdb_thread_name(c, buf, sizeof(buf)), "CPU#0 [on-pending] EL1 Secure");
    /* A tiny buffer is truncated, never overrun. */
    char small[8];
    gdb_thread_name(c, small, sizeof(small));
    ASSERT_EQ(strlen(small), 7);
    free(c);
}

TEST(gdb_decode_esr_classes)
{
    Machine *m = calloc(1, sizeof(Machine));
    char buf[200];
    ASSERT_TRUE(m && sysreg_init(m));
    ASSERT_STREQ(gdb_decode_esr(m, 0x5a000042, buf, sizeof(buf)), "HVC64 #0x42");
    ASSERT_STREQ(gdb_decode_esr(m, 0x5e000000, buf, sizeof(buf)), "SMC64 #0x0");
    /* Data Abort from a lower EL: ISV=1 SAS=0b11 SSE=0 SRT=3 SF=1 WnR=1
     * DFSC=0b000110 (Translation fault, level 2). */
    u32 iss = 1u << 24 | 3u << 22 | 3u << 16 | 1u << 15 | 1u << 6 | 0x06;
    ASSERT_STREQ(gdb_decode_esr(m, 0x24u << 26 | 1u << 25 | iss, buf, sizeof(buf)),
                 "Data Abort (lower EL): write, Translation fault level 2, ISV=1 SAS=8 bytes x3");
    /* Stage-1 walk fault on a read, Access flag level 3. */
    ASSERT_STREQ(gdb_decode_esr(m, 0x25u << 26 | 1u << 25 | 1u << 7 | 0x0b, buf, sizeof(buf)),
                 "Data Abort (same EL): read, Access flag fault level 3, on stage-1 table walk (S1PTW)");
    /* MRS x5, HCR_EL2 trapped: op0=3 op1=4 CRn=1 CRm=1 op2=0, Rt=5, read. */
    u32 sys = 3u << 20 | 0u << 17 | 4u << 14 | 1u << 10 | 5u << 5 | 1u << 1 | 1;
    ASSERT_STREQ(gdb_decode_esr(m, 0x18u << 26 | 1u << 25 | sys, buf, sizeof(buf)),
                 "MSR/MRS/SYS: trapped MRS x5, HCR_EL2");
    /* Unknown encoding names the register by its fields. */
    u32 sys2 = 3u << 20 | 7u << 17 | 7u << 14 | 15u << 10 | 2u << 5 | 15u << 1;
    ASSERT_STREQ(gdb_decode_esr(m, 0x18u << 26 | 1u << 25 | sys2, buf, sizeof(buf)),
                 "MSR/MRS/SYS: trapped MSR S3_7_C15_C15_7, x2");
    ASSERT_STREQ(gdb_decode_esr(m, 0x01u << 26 | 1u << 25 | 1, buf, sizeof(buf)), "WFI/WFE: trapped WFE");
    ASSERT_STREQ(gdb_decode_esr(m, 0x21u << 26 | 1u << 25 | 0x10, buf, sizeof(buf)),
                 "Instruction Abort (same EL): Synchronous External abort");
    free(m->sysreg_index);
    free(m);
}
