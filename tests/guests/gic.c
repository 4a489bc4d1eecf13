/*
 * tests/guests/gic.c — interrupts end to end at EL2 (Non-secure, EL1 guest
 * below), built twice: -DGICV=3 (ICC/ICH system registers, redistributor)
 * and -DGICV=2 (GICD/GICC/GICH/GICV frames).  Prints only values that are
 * the same on QEMU and hyperstep; expected output from QEMU in
 * gic_v2.expected / gic_v3.expected.
 */
#include "lib.h"

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define GICH 0x08030000ul
#define GICV_BASE 0x08040000ul
#define GICR_SGI (0x080a0000ul + 0x10000ul)
#define R32(a) (*(volatile u32 *)(a))
#define R8(a) (*(volatile u8 *)(a))

#if GICV == 3
#define BANK(off) (GICR_SGI + (off))   /* INTID 0-31 registers */
#else
#define BANK(off) (GICD + (off))
#endif

static volatile u32 got[32];
static volatile int ngot;
static volatile int timer_ok, vgot, maint_misr = -1, maint_eisr = -1;

static u32 ack(int el)
{
#if GICV == 3
    (void)el;
    return (u32)READ_SYSREG(S3_0_C12_C12_0);   /* ICC_IAR1_EL1 (ICV_IAR1_EL1 at EL1 under IMO) */
#else
    return R32((el == 1 ? GICV_BASE : GICC) + 0x0c);
#endif
}

static void eoi(int el, u32 iar)
{
#if GICV == 3
    (void)el;
    WRITE_SYSREG(S3_0_C12_C12_1, iar);         /* ICC_EOIR1_EL1 */
#else
    R32((el == 1 ? GICV_BASE : GICC) + 0x10) = iar;
#endif
}

static void dir(u32 id)
{
#if GICV == 3
    WRITE_SYSREG(S3_0_C12_C11_1, id);          /* ICC_DIR_EL1 */
#else
    R32(GICC + 0x1000) = id;
#endif
}

static u32 rpr(void)
{
#if GICV == 3
    return (u32)READ_SYSREG(S3_0_C12_C11_3);
#else
    return R32(GICC + 0x14);
#endif
}

static u32 hppir(void)
{
#if GICV == 3
    return (u32)READ_SYSREG(S3_0_C12_C12_2);
#else
    return R32(GICC + 0x18);
#endif
}

static void set_pmr(u32 v)
{
#if GICV == 3
    WRITE_SYSREG(S3_0_C4_C6_0, v);
#else
    R32(GICC + 4) = v;
#endif
}

static void set_bpr(u32 v)
{
#if GICV == 3
    WRITE_SYSREG(S3_0_C12_C12_3, v);           /* ICC_BPR1_EL1 */
#else
    R32(GICC + 0x08) = v;
    R32(GICC + 0x1c) = v;
#endif
}

static void set_eoimode(int on)
{
#if GICV == 3
    WRITE_SYSREG(S3_0_C12_C12_4, on ? 2 : 0);  /* ICC_CTLR_EL1.EOImode */
#else
    R32(GICC) = 0x7 | (on ? 1u << 9 : 0);      /* EnableGrp0/1, AckCtl, EOImode */
#endif
}

static void lr0_write(u64 v)
{
#if GICV == 3
    WRITE_SYSREG(S3_4_C12_C12_0, v);
#else
    R32(GICH + 0x100) = (u32)v;
#endif
}

static u32 misr(void)
{
#if GICV == 3
    return (u32)READ_SYSREG(S3_4_C12_C11_2);
#else
    return R32(GICH + 0x10);
#endif
}

static u32 eisr(void)
{
#if GICV == 3
    return (u32)READ_SYSREG(S3_4_C12_C11_3);
#else
    return R32(GICH + 0x20);
#endif
}

static void setup_irq(u32 id, u32 prio)
{
    u64 base = id < 32 ? BANK(0) : GICD;
    R32(base + 0x80 + (id / 32) * 4) |= 1u << (id % 32);   /* Group 1 */
    R8(base + 0x400 + id) = (u8)prio;
#if GICV == 2
    if (id >= 32)
        R8(GICD + 0x800 + id) = 1;                        /* to core 0 */
#else
    if (id >= 32)
        *(volatile u64 *)(GICD + 0x6000 + 8 * id) = 0;    /* Aff 0.0.0.0 */
#endif
    R32(base + 0x100 + (id / 32) * 4) = 1u << (id % 32);  /* enable */
}

static void pend(u32 id) { R32((id < 32 ? BANK(0) : GICD) + 0x200 + (id / 32) * 4) = 1u << (id % 32); }
static int is_pending(u32 id) { return (R32((id < 32 ? BANK(0) : GICD) + 0x200 + (id / 32) * 4) >> (id % 32)) & 1; }
static int is_active(u32 id) { return (R32((id < 32 ? BANK(0) : GICD) + 0x300 + (id / 32) * 4) >> (id % 32)) & 1; }

static int irq_hook(hs_frame *f, int el, int type)
{
    (void)f;
    if (type != 1)
        return 0;
    u32 iar = ack(el);
    u32 id = iar & 0x3ff;
    if (id >= 1020)
        return 1;
    if (el == 1) {
        vgot = (int)id;
    } else {
        if (ngot < 32)
            got[ngot++] = iar;
        if (id == 27) {
            timer_ok = READ_SYSREG(cntvct_el0) >= READ_SYSREG(cntv_cval_el0) && (READ_SYSREG(cntv_ctl_el0) & 4);
            WRITE_SYSREG(cntv_ctl_el0, 3);   /* IMASK: the level drops */
        } else if (id == 26) {
            timer_ok = (READ_SYSREG(cnthp_ctl_el2) & 4) != 0;
            WRITE_SYSREG(cnthp_ctl_el2, 3);
        } else if (id == 25) {
            maint_misr = (int)misr();
            maint_eisr = (int)eisr();
            lr0_write(0);
        }
    }
    eoi(el, iar);
    return 1;
}

static void print_got(const char *what)
{
    hs_printf("%s:", what);
    for (int i = 0; i < ngot; i++)
        hs_printf(" %u", got[i]);
    hs_printf("\n");
    ngot = 0;
}

static void unmask_wait(int n)
{
    __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
    for (int i = 0; i < 1000 && ngot < n; i++)
        __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2\n isb" ::: "memory");
}

static u64 el1_read_cntpct(u64 arg)
{
    (void)arg;
    return READ_SYSREG(cntpct_el0);
}

static u64 el1_guest(u64 arg)
{
    (void)arg;
    __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
    for (int i = 0; i < 100 && !vgot; i++)
        __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    return (u64)vgot;
}

int main(void)
{
    hs_exc_hook = irq_hook;
    hs_printf("GICv%d at EL%d\n", GICV, hs_current_el());
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 31) | (1ul << 4) | (1ul << 3));   /* RW, IMO, FMO */
#if GICV == 3
    WRITE_SYSREG(S3_4_C12_C9_5, 0xf);            /* ICC_SRE_EL2: SRE, Enable */
    ISB();
    R32(0x080a0000ul + 0x14) = 0;                /* GICR_WAKER: awake */
    R32(GICD) = 0x12;                            /* EnableGrp1, ARE */
    WRITE_SYSREG(S3_0_C12_C12_7, 1);             /* ICC_IGRPEN1_EL1 */
    hs_printf("GICD_PIDR2 arch %u\n", (R32(GICD + 0xffe8) >> 4) & 15);
    hs_printf("GICR_TYPER last %u\n", (R32(0x080a0000ul + 8) >> 4) & 1);
#else
    R32(GICD) = 3;
    R32(GICC) = 0x7;                             /* EnableGrp0/1, AckCtl */
    hs_printf("GICD_TYPER lines %u\n", R32(GICD + 4) & 31);
    hs_printf("GICC_IIDR arch %u\n", (R32(GICC + 0xfc) >> 16) & 15);
#endif
    set_pmr(0xff);
    set_bpr(0);

    /* 1. SGI to self. */
    setup_irq(3, 0x80);
#if GICV == 3
    WRITE_SYSREG(S3_0_C12_C11_5, (3ul << 24) | 1);   /* ICC_SGI1R_EL1: INTID 3, Aff0 target 0 */
#else
    R32(GICD + 0xf00) = (2u << 24) | 3;              /* GICD_SGIR: self */
#endif
    unmask_wait(1);
    print_got("sgi");

    /* 2. Priority order among pending SPIs. */
    setup_irq(40, 0xa0);
    setup_irq(41, 0x60);
    setup_irq(42, 0x80);
    setup_irq(43, 0x90);
    pend(40);
    pend(41);
    pend(42);
    unmask_wait(3);
    print_got("priority order");

    /* 3. PMR masking. */
    set_pmr(0x80);
    pend(40);
    pend(41);
    unmask_wait(1);   /* 0xa0 is masked: only 0x60 can be taken */
    print_got("pmr 0x80");
    set_pmr(0xff);
    unmask_wait(1);
    print_got("pmr 0xff");

    /* 4. Preemption and running priority (polled, PSTATE.I set). */
    pend(40);
    u32 a = ack(2);
    hs_printf("ack %u rpr 0x%x\n", a, rpr());
    pend(41);
    hs_printf("hppir %u\n", hppir());
    u32 b = ack(2);
    hs_printf("preempt ack %u rpr 0x%x\n", b, rpr());
    eoi(2, b);
    hs_printf("after eoi rpr 0x%x\n", rpr());
    eoi(2, a);
    hs_printf("idle rpr 0x%x\n", rpr());
    /* Binary point 7: 0x90 cannot preempt 0xa0 (same group priority). */
    set_bpr(7);
    pend(40);
    a = ack(2);
    pend(43);
    hs_printf("bpr7: ack %u\n", ack(2) & 0x3ff);
    eoi(2, a);
    hs_printf("bpr7: after eoi ack %u\n", (b = ack(2)) & 0x3ff);
    eoi(2, b);
    set_bpr(0);

    /* 5. Active and pending. */
    pend(40);
    a = ack(2);
    pend(40);
    hs_printf("active %d pending %d\n", is_active(40), is_pending(40));
    eoi(2, a);
    hs_printf("after eoi active %d pending %d\n", is_active(40), is_pending(40));
    a = ack(2);
    eoi(2, a);
    hs_printf("again %u, active %d pending %d\n", a, is_active(40), is_pending(40));

    /* 6. EOImode split: EOIR drops priority, DIR deactivates. */
    set_eoimode(1);
    pend(42);
    a = ack(2);
    eoi(2, a);
    hs_printf("eoimode: rpr 0x%x active %d\n", rpr(), is_active(42));
    dir(a);
    hs_printf("eoimode: after dir active %d\n", is_active(42));
    set_eoimode(0);

    /* 7. Generic timers: CNTVOFF, virtual timer (PPI 27), hyp timer (PPI 26). */
    WRITE_SYSREG(cnthctl_el2, 3);
    WRITE_SYSREG(cntvoff_el2, -0x100000l);   /* virtual count runs 0x100000 ahead */
    ISB();
    u64 p0 = READ_SYSREG(cntpct_el0);
    u64 v = READ_SYSREG(cntvct_el0);
    u64 p1 = READ_SYSREG(cntpct_el0);
    hs_printf("cntfrq %lu cntvoff ok %d\n", READ_SYSREG(cntfrq_el0), v - 0x100000 >= p0 && v - 0x100000 <= p1);
    setup_irq(27, 0x80);
    setup_irq(26, 0x80);
    WRITE_SYSREG(cntv_cval_el0, READ_SYSREG(cntvct_el0) + 6250);   /* 100 us */
    WRITE_SYSREG(cntv_ctl_el0, 1);
    hs_printf("cntv istatus before %lu\n", (READ_SYSREG(cntv_ctl_el0) >> 2) & 1);
    unmask_wait(1);
    print_got("virtual timer");
    hs_printf("virtual timer cnt>=cval %d\n", timer_ok);
    timer_ok = 0;
    WRITE_SYSREG(cnthp_tval_el2, 625);   /* 10 us */
    WRITE_SYSREG(cnthp_ctl_el2, 1);
    unmask_wait(1);
    print_got("hyp timer");
    hs_printf("hyp timer istatus %d\n", timer_ok);

    /* 8. CNTHCTL_EL2.EL1PCTEN=0 traps EL1 CNTPCT_EL0 reads to EL2. */
    WRITE_SYSREG(cnthctl_el2, 0);
    hs_exc_skip = 1;
    hs_exc_reset();
    hs_call_lower(1, el1_read_cntpct, 0, 0);
    hs_printf("cntpct trap: count %d el %d ec 0x%lx\n", hs_last.count, hs_last.el, hs_last.esr >> 26);
    hs_exc_skip = 0;
    WRITE_SYSREG(cnthctl_el2, 3);

    /* 9. Virtual interrupt injected through a list register, acknowledged
     * by the EL1 guest, maintenance interrupt on EOI. */
    setup_irq(25, 0x80);
#if GICV == 3
    WRITE_SYSREG(S3_4_C12_C11_7, (0xf8ul << 24) | 2);   /* ICH_VMCR_EL2: VPMR, VENG1 */
    WRITE_SYSREG(S3_4_C12_C11_0, 1);                    /* ICH_HCR_EL2.En */
    hs_printf("ICH_VTR listregs %lu\n", (READ_SYSREG(S3_4_C12_C11_1) & 31) + 1);
    lr0_write(1ul << 62 | 1ul << 60 | 0x80ul << 48 | 1ul << 41 | 55);
#else
    R32(GICH + 0x08) = (0x1fu << 27) | 0x6;             /* GICH_VMCR: VMPriMask, AckCtl, Grp1 */
    R32(GICH + 0x00) = 1;
    hs_printf("GICH_VTR listregs %u\n", (R32(GICH + 4) & 63) + 1);
    lr0_write(1u << 28 | 1u << 30 | 16u << 23 | 1u << 19 | 55);
#endif
    __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
    u64 r = hs_call_lower(1, el1_guest, 0, 0);
    __asm__ volatile("msr daifset, #2" ::: "memory");
    hs_printf("virtual: guest acknowledged %lu\n", r);
    hs_printf("maintenance: misr 0x%x eisr 0x%x\n", maint_misr, maint_eisr);
    print_got("physical");

    CHECK_EQ(r, 55);
    CHECK_EQ(maint_misr & 1, 1);
    return hs_report();
}
