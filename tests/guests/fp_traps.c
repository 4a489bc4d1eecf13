/*
 * tests/guests/fp_traps.c — SIMD&FP access trap routing (Arm ARM
 * AArch64.CheckFPAdvSIMDEnabled / CheckFPAdvSIMDTrap, EC 0x07):
 * CPACR_EL1.FPEN (EL0/EL1 -> EL1), CPTR_EL2.TFP (EL0-EL2 -> EL2),
 * CPTR_EL3.TFP (all ELs -> EL3), their priority, and that FPCR/FPSR
 * accesses trap the same way.  Boots at EL3 with EL2 (secure=on,
 * virtualization=on).  Built with -mgeneral-regs-only so the exception
 * handlers never touch SIMD&FP themselves; the FP instructions are
 * emitted as raw words.
 */
#include "lib.h"

extern char hs_vectors[];

#define CPTR_EL2_RES1 0x33ffu
#define TFP (1u << 10)

/* FMOV D0, XZR and MRS X0, FPCR as raw words. */
static u64 do_fp(u64 arg)
{
    __asm__ volatile(".inst 0x9e6703e0" ::: "v0", "memory");   /* fmov d0, xzr */
    return arg + 1;
}

static u64 do_fpcr(u64 arg)
{
    u64 v;
    __asm__ volatile("mrs %0, fpcr" : "=r"(v));
    (void)v;
    return arg + 1;
}

static u64 el1_to_el0(u64 arg)
{
    return hs_call_lower(0, do_fp, arg, 0);
}

/* Run FN at EL TARGET (3 = here) and check exactly one EC 0x07 trap (or
 * none when EXPECT_EL < 0) taken to EXPECT_EL. */
static void expect_trap(int target, u64 (*fn)(u64), int expect_el, const char *what)
{
    hs_exc_reset();
    hs_exc_skip = 1;
    u64 r = target == 3 ? fn(41) : hs_call_lower(target, fn, 41, 0);
    hs_exc_skip = 0;
    CHECK_EQ(r, 42);   /* the trapped instruction was skipped, the rest ran */
    if (expect_el < 0) {
        CHECK_EQ(hs_last.count, 0);
        return;
    }
    if (hs_last.count != 1 || hs_last.el != expect_el || (hs_last.esr >> 26) != 0x07)
        hs_printf("  %s: count %d el %d esr %llx\n", what, hs_last.count, hs_last.el,
                  (unsigned long long)hs_last.esr);
    CHECK_EQ(hs_last.count, 1);
    CHECK_EQ(hs_last.el, expect_el);
    CHECK_EQ(hs_last.esr >> 26, 0x07);
    CHECK_EQ((hs_last.esr >> 25) & 1, 1);   /* IL */
}

int main(void)
{
    CHECK_EQ(hs_current_el(), 3);
    WRITE_SYSREG(vbar_el2, hs_vectors);
    WRITE_SYSREG(vbar_el1, hs_vectors);
    ISB();

    /* Enabled everywhere by boot.S: no traps. */
    expect_trap(3, do_fp, -1, "EL3 enabled");
    expect_trap(2, do_fp, -1, "EL2 enabled");
    expect_trap(1, do_fp, -1, "EL1 enabled");
    expect_trap(1, el1_to_el0, -1, "EL0 enabled");

    /* CPTR_EL3.TFP traps every EL to EL3, including EL3 itself. */
    WRITE_SYSREG(cptr_el3, TFP);
    ISB();
    expect_trap(3, do_fp, 3, "EL3 TFP at EL3");
    expect_trap(3, do_fpcr, 3, "EL3 TFP MRS FPCR");
    expect_trap(2, do_fp, 3, "EL3 TFP at EL2");
    expect_trap(1, do_fp, 3, "EL3 TFP at EL1");
    WRITE_SYSREG(cptr_el3, 0);
    ISB();

    /* CPTR_EL2.TFP traps EL0-EL2 to EL2. */
    WRITE_SYSREG(cptr_el2, CPTR_EL2_RES1 | TFP);
    ISB();
    expect_trap(2, do_fp, 2, "EL2 TFP at EL2");
    expect_trap(1, do_fp, 2, "EL2 TFP at EL1");
    expect_trap(1, do_fpcr, 2, "EL2 TFP MRS FPCR at EL1");
    expect_trap(3, do_fp, -1, "EL2 TFP does not affect EL3");
    /* CPACR_EL1.FPEN=00 is checked first: EL1 wins over CPTR_EL2.TFP. */
    WRITE_SYSREG(cpacr_el1, 0);
    ISB();
    expect_trap(1, do_fp, 1, "FPEN=00 + TFP at EL1");
    WRITE_SYSREG(cptr_el2, CPTR_EL2_RES1);
    ISB();

    /* CPACR_EL1.FPEN: 00 traps EL0/EL1, 01 traps EL0 only, EL2 unaffected. */
    expect_trap(1, do_fp, 1, "FPEN=00 at EL1");
    expect_trap(1, el1_to_el0, 1, "FPEN=00 at EL0");
    expect_trap(2, do_fp, -1, "FPEN=00 at EL2");
    WRITE_SYSREG(cpacr_el1, 1u << 20);
    ISB();
    expect_trap(1, do_fp, -1, "FPEN=01 at EL1");
    expect_trap(1, el1_to_el0, 1, "FPEN=01 at EL0");
    WRITE_SYSREG(cpacr_el1, 2u << 20);
    ISB();
    expect_trap(1, do_fp, 1, "FPEN=10 at EL1");
    WRITE_SYSREG(cpacr_el1, 3u << 20);
    ISB();
    expect_trap(1, el1_to_el0, -1, "FPEN=11 at EL0");
    return hs_report();
}
