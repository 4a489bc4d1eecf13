/*
 * tests/guests/gic_fiq.c — Group 0 interrupts signalled as FIQ and taken at
 * EL3 (secure=on), routed by SCR_EL3.FIQ; built for -DGICV=3 (ICC_SGI0R_EL1,
 * ICC_IAR0_EL1) and -DGICV=2 (GICD_SGIR NSATT=0, GICC_CTLR.FIQEn; plus a
 * Group 1 SGI as IRQ).  Expected output from QEMU in gic_fiq_v*.expected.
 */
#include "lib.h"

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define R32(a) (*(volatile u32 *)(a))

static volatile int fiqs, irqs, last_id = -1, special = -1;

static int hook(hs_frame *f, int el, int type)
{
    (void)f; (void)el;
    if (type == 2) {
#if GICV == 3
        u32 iar = (u32)READ_SYSREG(S3_0_C12_C8_0);   /* ICC_IAR0_EL1 */
        if (iar == 1021) {
            /* Non-secure Group 1 pending at EL3: acknowledge it through the
             * Non-secure ICC_IAR1_EL1 bank (SCR_EL3.NS=1). */
            special = 1021;
            WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | 1);
            ISB();
            iar = (u32)READ_SYSREG(S3_0_C12_C12_0);
            WRITE_SYSREG(S3_0_C12_C12_1, iar);
            WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) & ~1ul);
            ISB();
        } else {
            WRITE_SYSREG(S3_0_C12_C8_1, iar);        /* ICC_EOIR0_EL1 */
        }
#else
        u32 iar = R32(GICC + 0x0c);
        R32(GICC + 0x10) = iar;
#endif
        last_id = (int)(iar & 0x3ff);
        fiqs++;
        return 1;
    }
    if (type == 1) {
#if GICV == 2
        u32 iar = R32(GICC + 0x0c);
        R32(GICC + 0x10) = iar;
        last_id = (int)(iar & 0x3ff);
#endif
        irqs++;
        return 1;
    }
    return 0;
}

#if GICV == 3
static u64 el2_read_iar0(u64 arg)
{
    (void)arg;
    return READ_SYSREG(S3_0_C12_C8_0);
}

static u64 el2_read_iar1(u64 arg)
{
    (void)arg;
    return READ_SYSREG(S3_0_C12_C12_0);
}
#endif

static void send_sgi0(unsigned id)
{
#if GICV == 3
    WRITE_SYSREG(S3_0_C12_C11_7, ((u64)id << 24) | 1);   /* ICC_SGI0R_EL1 to Aff0 0 */
#else
    R32(GICD + 0xf00) = (2u << 24) | id;                  /* self, NSATT=0: Group 0 */
#endif
    ISB();
}

int main(void)
{
    hs_exc_hook = hook;
    hs_printf("GICv%d at EL%d\n", GICV, hs_current_el());
#if GICV == 3
    WRITE_SYSREG(S3_6_C12_C12_5, 0xf);            /* ICC_SRE_EL3 */
    ISB();
    R32(0x080a0000ul + 0x14) = 0;
    R32(GICD) = 0x31;                             /* EnableGrp0, ARE_S, ARE_NS */
    WRITE_SYSREG(S3_0_C12_C12_6, 1);              /* ICC_IGRPEN0_EL1 */
    WRITE_SYSREG(S3_0_C4_C6_0, 0xff);
    R32(0x080a0000ul + 0x10000 + 0x100) = 1u << 5;   /* enable SGI 5 (Group 0 at reset) */
    hs_printf("SGI 5 group %u\n", (R32(0x080a0000ul + 0x10000 + 0x80) >> 5) & 1);
#else
    R32(GICD) = 3;
    R32(GICC) = 0x1 | 0x2 | 0x4 | 0x8;            /* EnableGrp0/1, AckCtl, FIQEn */
    R32(GICC + 4) = 0xff;
    R32(GICD + 0x80) |= 1u << 6;                  /* SGI 6: Group 1 */
    R32(GICD + 0x100) = (1u << 5) | (1u << 6);
    hs_printf("GICD_TYPER SecurityExtn %u\n", (R32(GICD + 4) >> 10) & 1);
#endif
    /* SCR_EL3.FIQ=0: the FIQ targets EL1, so EL3 does not take it. */
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) & ~(1ul << 2));
    ISB();
    __asm__ volatile("msr daifclr, #1\n isb" ::: "memory");
    send_sgi0(5);
    for (volatile int i = 0; i < 100; i++)
        ;
    __asm__ volatile("msr daifset, #1\n isb" ::: "memory");
    hs_printf("SCR_EL3.FIQ=0: fiqs %d\n", fiqs);
    /* SCR_EL3.FIQ=1: taken at EL3 as FIQ. */
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | (1ul << 2));
    ISB();
    __asm__ volatile("msr daifclr, #1\n isb" ::: "memory");
    for (volatile int i = 0; i < 100 && !fiqs; i++)
        ;
    __asm__ volatile("msr daifset, #1\n isb" ::: "memory");
    hs_printf("SCR_EL3.FIQ=1: fiqs %d intid %d\n", fiqs, last_id);
#if GICV == 3
    /* A Non-secure Group 1 SGI is signalled as FIQ while the core is at
     * EL3; ICC_IAR0_EL1 reads the special INTID 1021. */
    R32(0x080a0000ul + 0x10000 + 0x80) |= 1u << 6;
    R32(0x080a0000ul + 0x10000 + 0x100) = 1u << 6;
    R32(GICD) = 0x33;                             /* + EnableGrp1NS */
    WRITE_SYSREG(S3_6_C12_C12_7, 1);              /* ICC_IGRPEN1_EL3.EnableGrp1NS */
    WRITE_SYSREG(S3_0_C12_C11_6, (6ul << 24) | 1);   /* ICC_ASGI1R_EL1 from Secure: Non-secure Group 1 */
    ISB();
    fiqs = 0;
    __asm__ volatile("msr daifclr, #1\n isb" ::: "memory");
    for (volatile int i = 0; i < 100 && !fiqs; i++)
        ;
    __asm__ volatile("msr daifset, #1\n isb" ::: "memory");
    hs_printf("G1NS at EL3: fiqs %d special %d intid %d\n", fiqs, special, last_id);
    fiqs = 1;
    /* SCR_EL3.FIQ=1 traps Group 0 register accesses from EL2 to EL3. */
    hs_exc_skip = 1;
    hs_exc_reset();
    hs_call_lower(2, el2_read_iar0, 0, 0);
    hs_printf("EL2 ICC_IAR0_EL1 with SCR_EL3.FIQ=1: trapped %d to EL%d ec 0x%lx\n", hs_last.count, hs_last.el,
              hs_last.esr >> 26);
    hs_exc_reset();
    u64 r1 = hs_call_lower(2, el2_read_iar1, 0, 0);
    hs_printf("EL2 ICC_IAR1_EL1: trapped %d value %lu\n", hs_last.count, r1);
    hs_exc_skip = 0;
#endif
#if GICV == 2
    /* Group 1 SGI (NSATT=1) is an IRQ, even with FIQEn. */
    WRITE_SYSREG(scr_el3, READ_SYSREG(scr_el3) | (1ul << 1));
    ISB();
    R32(GICD + 0xf00) = (2u << 24) | (1u << 15) | 6;
    __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
    for (volatile int i = 0; i < 100 && !irqs; i++)
        ;
    __asm__ volatile("msr daifset, #2\n isb" ::: "memory");
    hs_printf("group 1 SGI: irqs %d intid %d\n", irqs, last_id);
#endif
    CHECK_EQ(fiqs, 1);
    return hs_report();
}
