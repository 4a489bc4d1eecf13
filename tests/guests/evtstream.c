/*
 * tests/guests/evtstream.c — the generic timer event stream wakes WFE:
 * with CNTHCTL_EL2.EVNTEN (EL2, physical counter) and then CNTKCTL_EL1.EVNTEN
 * (EL1, virtual counter), each WFE returns.  On hyperstep a WFE without an
 * event sleeps until one arrives (and the run would end with "nothing can
 * wake it"), so finishing proves the events; on QEMU WFE does not sleep.
 */
#include "lib.h"

static u64 el1_wfes(u64 n)
{
    WRITE_SYSREG(cntkctl_el1, (1ul << 2) | (6ul << 4) | 3);   /* EVNTEN, bit 6 0->1 */
    ISB();
    __asm__ volatile("sevl; wfe");   /* consume any pending event */
    u64 done = 0;
    for (u64 i = 0; i < n; i++) {
        __asm__ volatile("wfe");
        done++;
    }
    WRITE_SYSREG(cntkctl_el1, 3);
    return done;
}

int main(void)
{
    WRITE_SYSREG(cnthctl_el2, (1ul << 2) | (8ul << 4) | 3);   /* EVNTEN, bit 8 0->1 */
    ISB();
    __asm__ volatile("sevl; wfe");
    int n = 0;
    for (int i = 0; i < 10; i++) {
        __asm__ volatile("wfe");
        n++;
    }
    WRITE_SYSREG(cnthctl_el2, 3);
    ISB();
    hs_printf("EL2 event stream: %d WFEs returned\n", n);
    u64 m = hs_call_lower(1, el1_wfes, 10, 0);
    hs_printf("EL1 event stream: %lu WFEs returned\n", m);
    CHECK_EQ(n, 10);
    CHECK_EQ(m, 10);
    return hs_report();
}
