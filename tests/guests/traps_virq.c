/*
 * traps_virq.c — virtual interrupts (Arm ARM D1.16.3, HCR_EL2.{VI,VF,VSE}
 * with {IMO,FMO,AMO}): taken at EL1 only, masked by PSTATE at EL1, never
 * taken at EL2, not taken when the routing bit is clear; ISR_EL1 shows them;
 * taking a virtual SError clears HCR_EL2.VSE and reports EC 0x2F.
 * Runs with -M virt,secure=on,virtualization=on; expected output taken from
 * QEMU 7.2 (traps_virq.expected).
 */
#include "traputil.h"

/* Unmask one PSTATE bit for one NOP, then mask it again. */
TRAP_FN(f_irq, "msr daifclr, #2\nnop\nmsr daifset, #2");
TRAP_FN(f_fiq, "msr daifclr, #1\nnop\nmsr daifset, #1");
TRAP_FN(f_serr, "msr daifclr, #4\nnop\nmsr daifset, #4");
TRAP_FN(f_isr, "mrs x0, isr_el1");

#define IMO (1ul << 4)
#define FMO (1ul << 3)
#define AMO (1ul << 5)
#define VF (1ul << 6)
#define VI (1ul << 7)
#define VSE (1ul << 8)

/* Asynchronous exception at EL1 or EL2: keep it masked on return (the
 * virtual line stays asserted until EL2 clears it). */
static int mask_on_return(hs_frame *f, int el, int type)
{
    (void)f;
    if (type == 0 || el == 3)
        return 0;
    u64 bit = type == 1 ? (1ul << 7) : type == 2 ? (1ul << 6) : (1ul << 8);
    if (el == 1)
        WRITE_SYSREG(spsr_el1, READ_SYSREG(spsr_el1) | bit);
    else
        WRITE_SYSREG(spsr_el2, READ_SYSREG(spsr_el2) | bit);
    return 1;
}

static void hcr(u64 set, u64 clr)
{
    WRITE_SYSREG(hcr_el2, (READ_SYSREG(hcr_el2) | set) & ~clr);
    ISB();
}

static void async_case(const char *tag, u64 set, const char *fn, int el, int type)
{
    hcr(set, 0);
    run_at(el, fn, 0);
    u64 h = READ_SYSREG(hcr_el2);
    hcr(0, set);
    show(tag, fn, 0);
    if (type) {
        CHECK_EQ(hs_last.count, 1);
        CHECK_EQ(hs_last.el, 1);
        CHECK_EQ(hs_last.type, type);
        CHECK_EQ(hs_last.source, 1);                 /* current EL, SP_ELx */
        CHECK_EQ(hs_last.elr - (u64)fn, 4);          /* before the NOP */
    } else {
        EXPECT_NONE();
    }
    if (set & VSE) {
        hs_printf("%s: HCR_EL2.VSE after = %lu\n", tag, (h >> 8) & 1);
        CHECK_EQ((h >> 8) & 1, type ? 0 : 1);
    }
}

static u64 el2_main(u64 arg)
{
    (void)arg;
    async_case("vIRQ at EL1", IMO | VI, f_irq, 1, 1);
    async_case("vFIQ at EL1", FMO | VF, f_fiq, 1, 2);
    async_case("vSError at EL1", AMO | VSE, f_serr, 1, 3);
    CHECK_EQ(hs_last.esr, 0xbe000000ul);              /* EC 0x2F, IL=1 */
    async_case("vIRQ with IMO=0", VI, f_irq, 1, 0);
    async_case("vSError with AMO=0", VSE, f_serr, 1, 0);
    async_case("vIRQ at EL2 (never)", IMO | VI, f_irq, 2, 0);
    async_case("vFIQ at EL2 (never)", FMO | VF, f_fiq, 2, 0);

    hcr(IMO | VI, 0);
    u64 isr = run_at(1, f_isr, 0);
    hcr(0, IMO | VI);
    hs_printf("ISR_EL1 with vIRQ pending, masked: 0x%lx\n", isr);
    CHECK_EQ(isr, 0x80);
    hcr(FMO | VF | AMO | VSE, 0);
    isr = run_at(1, f_isr, 0);
    hcr(0, FMO | VF | AMO | VSE);
    hs_printf("ISR_EL1 with vFIQ+vSError pending: 0x%lx\n", isr);
    CHECK_EQ(isr, 0x140);
    hcr(VI | VF, 0);
    isr = run_at(1, f_isr, 0);
    hcr(0, VI | VF);
    hs_printf("ISR_EL1 with VI/VF but IMO=FMO=0: 0x%lx\n", isr);
    CHECK_EQ(isr, 0);
    return 0;
}

int main(void)
{
    hs_exc_hook = mask_on_return;
    hs_call_lower(2, el2_main, 0, 0);
    return hs_report();
}
