/*
 * tests/unit/test_gic.c — GICv3 and GICv2 driven through their MMIO frames
 * and the ICC/ICH system registers, checking the CPU lines they drive.
 */
#include "test.h"
#include "hs_board.h"
#include "devices/gic/gic.h"

#define GICD 0x08000000ull
#define GICR(n) (0x080a0000ull + (n) * 0x20000ull)
#define SGI(n) (GICR(n) + 0x10000)
#define GICC 0x08010000ull
#define GICH 0x08030000ull
#define GICV 0x08040000ull

static u32 lines(Machine *m, unsigned cpu) { return m->cpu[cpu]->irq_lines; }

/* GICv3 without security extensions (secure=off, GICD_CTLR.DS=1), cores
 * at Non-secure EL2 with both groups enabled and PMR open. */
static Machine *v3_setup(unsigned smp)
{
    Machine *m = board_new(3, smp, false, true);
    if (!m)
        return NULL;
    mmio_wr(m, 0, GICD, 3);   /* EnableGrp0 | EnableGrp1 */
    for (unsigned i = 0; i < smp; i++) {
        Cpu *c = m->cpu[i];
        board_at(c, 2, true, 0);
        sr_wr(c, "ICC_PMR_EL1", 0xff);
        sr_wr(c, "ICC_IGRPEN1_EL1", 1);
        sr_wr(c, "ICC_IGRPEN0_EL1", 1);
        mmio_wr(m, i, GICR(i) + 0x14, 0);   /* wake */
    }
    return m;
}

/* GICv3 with two security states (secure=on), core 0 at EL3. */
static Machine *v3_setup_secure(void)
{
    Machine *m = board_new(3, 1, true, true);
    if (!m)
        return NULL;
    Cpu *c = m->cpu[0];
    board_at(c, 3, false, 0);
    mmio_wr(m, 0, GICD, 3);
    sr_wr(c, "ICC_PMR_EL1", 0xff);
    sr_wr(c, "ICC_IGRPEN1_EL3", 1);
    sr_wr(c, "ICC_IGRPEN0_EL1", 1);
    mmio_wr(m, 0, GICR(0) + 0x14, 0);
    return m;
}

TEST(gicv3_ids)
{
    Machine *m = board_new(3, 2, true, true);
    ASSERT_TRUE(m);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0xffe8), 0x3b);
    u32 typer = mmio_rd(m, 0, GICD + 4);
    ASSERT_EQ(typer & 0x1f, 7);            /* QEMU 7.2: 256 SPIs / 32 - 1 */
    ASSERT_EQ((typer >> 17) & 1, 0);       /* no LPIs */
    ASSERT_EQ(typer >> 24 & 3, 3);         /* No1N, A3V */
    ASSERT_EQ(typer >> 19 & 31, 15);       /* IDbits: 16-bit INTIDs */
    ASSERT_EQ(mmio_rd(m, 0, GICR(0) + 8) >> 24 & 3, 1);   /* CommonLPIAff */
    ASSERT_EQ(mmio_rd(m, 0, GICD) & 0x30, 0x30);   /* ARE_S, ARE_NS */
    ASSERT_EQ(mmio_rd(m, 0, GICR(0) + 8) & 0x10, 0);
    ASSERT_EQ(mmio_rd(m, 0, GICR(1) + 8) & 0x10, 0x10);   /* Last */
    ASSERT_EQ(mmio_rd(m, 0, GICR(1) + 8) >> 8 & 0xffff, 1);
    ASSERT_EQ(mmio_rd(m, 0, GICR(1) + 0xc), 1);           /* Aff0 = 1 */
    ASSERT_EQ(mmio_rd(m, 0, GICR(0) + 0x14), 6);          /* asleep at reset */
    mmio_wr(m, 0, GICR(0) + 0x14, 0);
    ASSERT_EQ(mmio_rd(m, 0, GICR(0) + 0x14), 0);
    ASSERT_EQ(sr_rd(m->cpu[0], "ID_AA64PFR0_EL1") >> 24 & 15, 1);
    virt_destroy(m);
}

TEST(gicv3_sgi_self_ack_eoi)
{
    Machine *m = v3_setup(1);
    Cpu *c = m->cpu[0];
    mmio_wr(m, 0, SGI(0) + 0x80, 1u << 3);        /* SGI 3: Group 1 */
    mmio_wr(m, 0, SGI(0) + 0x400, 0x80u << 24);    /* priority 0x80 */
    mmio_wr(m, 0, SGI(0) + 0x100, 1u << 3);       /* enable */
    ASSERT_EQ(lines(m, 0), 0);
    sr_wr(c, "ICC_SGI1R_EL1", 3ull << 24 | 1);    /* Non-secure Group 1, to Aff0=0 */
    ASSERT_EQ(lines(m, 0) & CPU_LINE_IRQ, CPU_LINE_IRQ);
    ASSERT_EQ(mmio_rd(m, 0, SGI(0) + 0x200) & (1u << 3), 1u << 3);   /* ISPENDR0 */
    ASSERT_EQ(sr_rd(c, "ICC_HPPIR1_EL1"), 3);
    ASSERT_EQ(sr_rd(c, "ICC_IAR0_EL1"), 1023);    /* not Group 0 */
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 3);
    ASSERT_EQ(lines(m, 0), 0);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0x80);
    ASSERT_EQ(mmio_rd(m, 0, SGI(0) + 0x300) & (1u << 3), 1u << 3);   /* active */
    ASSERT_EQ(sr_rd(c, "ICC_AP1R0_EL1"), 1u << (0x80 >> 3));
    sr_wr(c, "ICC_EOIR1_EL1", 3);
    ASSERT_EQ(mmio_rd(m, 0, SGI(0) + 0x300) & (1u << 3), 0);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0xff);
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 1023);
    virt_destroy(m);
}

TEST(gicv3_sgi_affinity_targeting)
{
    Machine *m = v3_setup(4);
    for (unsigned i = 0; i < 4; i++) {
        mmio_wr(m, i, SGI(i) + 0x80, 1u << 1);
        mmio_wr(m, i, SGI(i) + 0x100, 1u << 1);
    }
    /* Aff0 targets 1 and 3. */
    sr_wr(m->cpu[0], "ICC_SGI1R_EL1", 1ull << 24 | 0xa);
    ASSERT_EQ(lines(m, 0), 0);
    ASSERT_EQ(lines(m, 1), CPU_LINE_IRQ);
    ASSERT_EQ(lines(m, 2), 0);
    ASSERT_EQ(lines(m, 3), CPU_LINE_IRQ);
    /* IRM=1: everyone but the sender. */
    sr_wr(m->cpu[3], "ICC_SGI1R_EL1", 1ull << 40 | 1ull << 24);
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    ASSERT_EQ(lines(m, 2), CPU_LINE_IRQ);
    ASSERT_EQ(sr_rd(m->cpu[1], "ICC_IAR1_EL1"), 1);
    virt_destroy(m);
}

TEST(gicv3_spi_routing_level)
{
    Machine *m = v3_setup(2);
    Gic *g = m->gic;
    unsigned id = 40;
    mmio_wr(m, 0, GICD + 0x80 + 4, 1u << (id - 32));     /* Group 1 */
    mmio_wr(m, 0, GICD + 0x400 + id, 0x40);               /* byte priority... */
    phys_write(m, m->cpu[0], GICD + 0x400 + id, 1, 0x40);
    phys_write(m, m->cpu[0], GICD + 0x6000 + 8 * id, 8, 1);   /* route to Aff0=1 */
    mmio_wr(m, 0, GICD + 0x100 + 4, 1u << (id - 32));
    gic_set_input(g, 0, id, true);
    ASSERT_EQ(lines(m, 0), 0);
    ASSERT_EQ(lines(m, 1), CPU_LINE_IRQ);
    ASSERT_EQ(sr_rd(m->cpu[1], "ICC_IAR1_EL1"), id);
    sr_wr(m->cpu[1], "ICC_EOIR1_EL1", id);
    /* Level still high: pending again. */
    ASSERT_EQ(lines(m, 1), CPU_LINE_IRQ);
    gic_set_input(g, 0, id, false);
    ASSERT_EQ(lines(m, 1), 0);
    /* Masking by PMR. */
    gic_set_input(g, 0, id, true);
    sr_wr(m->cpu[1], "ICC_PMR_EL1", 0x40);
    ASSERT_EQ(lines(m, 1), 0);
    ASSERT_EQ(sr_rd(m->cpu[1], "ICC_IAR1_EL1"), 1023);
    sr_wr(m->cpu[1], "ICC_PMR_EL1", 0x48);
    ASSERT_EQ(lines(m, 1), CPU_LINE_IRQ);
    virt_destroy(m);
}

TEST(gicv3_priority_preemption_binary_point)
{
    Machine *m = v3_setup(1);
    Cpu *c = m->cpu[0];
    /* SPIs 33 (prio 0x60), 34 (prio 0x40), 35 (prio 0x50): Group 1, to core 0. */
    u8 pr[3] = {0x60, 0x40, 0x50};
    for (unsigned i = 0; i < 3; i++) {
        unsigned id = 33 + i;
        phys_write(m, c, GICD + 0x400 + id, 1, pr[i]);
        phys_write(m, c, GICD + 0x6000 + 8 * id, 8, 0);
    }
    mmio_wr(m, 0, GICD + 0x84, 0xe);
    mmio_wr(m, 0, GICD + 0x104, 0xe);
    /* BPR1=7: group priority is bit 7 only, so 0x50 cannot preempt 0x60. */
    sr_wr(c, "ICC_BPR1_EL1", 7);
    ASSERT_EQ(sr_rd(c, "ICC_BPR1_EL1"), 7);
    mmio_wr(m, 0, GICD + 0x204, 1u << 1);   /* pend 33 */
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 33);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0);
    mmio_wr(m, 0, GICD + 0x204, 1u << 3);   /* pend 35 */
    ASSERT_EQ(lines(m, 0), 0);
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 1023);
    ASSERT_EQ(sr_rd(c, "ICC_HPPIR1_EL1"), 35);
    sr_wr(c, "ICC_EOIR1_EL1", 33);
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    /* BPR1=3: full 5-bit group priority; 0x40 preempts 0x50. */
    sr_wr(c, "ICC_BPR1_EL1", 0);
    ASSERT_EQ(sr_rd(c, "ICC_BPR1_EL1"), 3);   /* minimum binary point */
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 35);
    mmio_wr(m, 0, GICD + 0x204, 1u << 2);   /* 34 (0x40) preempts 0x50 */
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 34);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0x40);
    ASSERT_EQ(sr_rd(c, "ICC_AP1R0_EL1"), (1u << 8) | (1u << 10));
    sr_wr(c, "ICC_EOIR1_EL1", 34);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0x50);
    sr_wr(c, "ICC_EOIR1_EL1", 35);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0xff);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x304), 0);   /* nothing active */
    virt_destroy(m);
}

TEST(gicv3_eoimode_split_and_group0_fiq)
{
    Machine *m = v3_setup(1);
    Cpu *c = m->cpu[0];
    /* SGI 7 in Group 0 -> FIQ. */
    mmio_wr(m, 0, SGI(0) + 0x100, 1u << 7);
    sr_wr(c, "ICC_SGI0R_EL1", 7ull << 24 | 1);
    ASSERT_EQ(lines(m, 0), CPU_LINE_FIQ);
    sr_wr(c, "ICC_CTLR_EL1", 2);   /* EOImode */
    ASSERT_EQ(sr_rd(c, "ICC_CTLR_EL1") & 3, 2);
    ASSERT_EQ(sr_rd(c, "ICC_IAR0_EL1"), 7);
    sr_wr(c, "ICC_EOIR0_EL1", 7);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0xff);                       /* priority dropped */
    ASSERT_EQ(mmio_rd(m, 0, SGI(0) + 0x300), 1u << 7);             /* still active */
    sr_wr(c, "ICC_SGI0R_EL1", 7ull << 24 | 1);
    ASSERT_EQ(lines(m, 0), 0);                                      /* active: not re-signalled */
    sr_wr(c, "ICC_DIR_EL1", 7);
    ASSERT_EQ(mmio_rd(m, 0, SGI(0) + 0x300), 0);
    ASSERT_EQ(lines(m, 0), CPU_LINE_FIQ);                           /* pending again */
    virt_destroy(m);
}

TEST(gicv3_virtual_interface_and_maintenance)
{
    Machine *m = v3_setup(1);
    Cpu *c = m->cpu[0];
    /* Maintenance PPI 25 as Group 1 so we can see it. */
    mmio_wr(m, 0, SGI(0) + 0x80, 1u << 25);
    mmio_wr(m, 0, SGI(0) + 0x100, 1u << 25);
    board_at(c, 2, true, 0);
    sr_wr(c, "ICH_VMCR_EL2", 0xf0ull << 24 | 2);
    sr_wr(c, "ICH_HCR_EL2", 1);
    ASSERT_EQ(sr_rd(c, "ICH_VTR_EL2") & 31, 3);
    ASSERT_EQ(sr_rd(c, "ICH_ELRSR_EL2"), 0xf);
    /* LR0: pending, Group 1, priority 0xa0, vINTID 44, EOI maintenance. */
    u64 lr = 1ull << 62 | 1ull << 60 | 0xa0ull << 48 | 1ull << 41 | 44;
    sr_wr(c, "ICH_LR0_EL2", lr);
    ASSERT_EQ(sr_rd(c, "ICH_ELRSR_EL2"), 0xe);
    ASSERT_EQ(lines(m, 0) & CPU_LINE_VIRQ, CPU_LINE_VIRQ);
    /* Guest at EL1 with IMO: ICC_IAR1_EL1 is ICV_IAR1_EL1. */
    board_at(c, 1, true, (1u << 4) | (1u << 3));
    ASSERT_EQ(sr_rd(c, "ICC_HPPIR1_EL1"), 44);
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 44);
    ASSERT_EQ(lines(m, 0) & CPU_LINE_VIRQ, 0);
    ASSERT_EQ(sr_rd(c, "ICC_RPR_EL1"), 0xa0);
    sr_wr(c, "ICC_EOIR1_EL1", 44);
    /* SGI generation from a guest traps to EL2. */
    u64 v = 1;
    u32 esr = 0;
    ASSERT_EQ(sr_access(c, "ICC_SGI1R_EL1", false, &v, &esr), 2);
    ASSERT_EQ(esr >> 26, 0x18);
    board_at(c, 2, true, 0);
    ASSERT_EQ(sr_rd(c, "ICH_LR0_EL2") >> 62, 0);        /* invalid */
    ASSERT_EQ(sr_rd(c, "ICH_EISR_EL2"), 1);
    ASSERT_EQ(sr_rd(c, "ICH_MISR_EL2") & 1, 1);
    ASSERT_EQ(lines(m, 0) & CPU_LINE_IRQ, CPU_LINE_IRQ); /* maintenance interrupt */
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 25);
    sr_wr(c, "ICH_LR0_EL2", 0);
    ASSERT_EQ(sr_rd(c, "ICH_MISR_EL2"), 0);
    /* EOI of an INTID in no list register: EOIcount. */
    board_at(c, 1, true, (1u << 4) | (1u << 3));
    sr_wr(c, "ICC_EOIR1_EL1", 99);
    board_at(c, 2, true, 0);
    ASSERT_EQ(sr_rd(c, "ICH_HCR_EL2") >> 27, 1);
    virt_destroy(m);
}

TEST(gicv3_group1ns_is_fiq_at_el3)
{
    Machine *m = v3_setup_secure();
    Cpu *c = m->cpu[0];
    /* Non-secure accesses see only Group 1: configure from EL3. */
    mmio_wr(m, 0, SGI(0) + 0x80, 1u << 4);
    mmio_wr(m, 0, SGI(0) + 0x100, 1u << 4);
    board_at(c, 2, true, 0);
    ASSERT_EQ(mmio_rd(m, 0, SGI(0) + 0x80), 0);   /* IGROUPR0 RAZ to Non-secure */
    sr_wr(c, "ICC_SGI1R_EL1", 4ull << 24 | 1);
    m->hooks.async_refresh(m->hooks.intc_opaque, c);
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    board_at(c, 3, false, 0);      /* to EL3: the run loop's exc_check_async refreshes */
    m->hooks.async_refresh(m->hooks.intc_opaque, c);
    ASSERT_EQ(lines(m, 0), CPU_LINE_FIQ);
    ASSERT_EQ(sr_rd(c, "ICC_HPPIR0_EL1"), 1021);
    ASSERT_EQ(sr_rd(c, "ICC_IAR0_EL1"), 1021);   /* not acknowledged */
    board_at(c, 1, true, 0);
    m->hooks.async_refresh(m->hooks.intc_opaque, c);
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    ASSERT_EQ(sr_rd(c, "ICC_IAR1_EL1"), 4);
    virt_destroy(m);
}

TEST(gicv3_scr_el3_traps)
{
    Machine *m = v3_setup_secure();
    Cpu *c = m->cpu[0];
    u64 v;
    u32 esr = 0;
    c->scr_el3 |= SCR_EL3_FIQ;
    board_at(c, 2, true, 0);
    c->scr_el3 |= SCR_EL3_FIQ;
    ASSERT_EQ(sr_access(c, "ICC_IAR0_EL1", true, &v, &esr), 3);
    ASSERT_EQ(esr >> 26, 0x18);
    board_at(c, 2, true, 0);
    c->scr_el3 |= SCR_EL3_FIQ;
    ASSERT_EQ(sr_access(c, "ICC_IAR1_EL1", true, &v, &esr), 0);    /* Group 1: not trapped */
    ASSERT_EQ(sr_access(c, "ICC_PMR_EL1", true, &v, &esr), 0);     /* needs IRQ and FIQ */
    c->scr_el3 |= SCR_EL3_IRQ;
    ASSERT_EQ(sr_access(c, "ICC_PMR_EL1", true, &v, &esr), 3);
    /* EL1 with HCR_EL2.FMO: the virtual interface, no EL3 trap. */
    board_at(c, 1, true, HCR_EL2_FMO | HCR_EL2_IMO);
    c->scr_el3 |= SCR_EL3_FIQ | SCR_EL3_IRQ;
    ASSERT_EQ(sr_access(c, "ICC_IAR0_EL1", true, &v, &esr), 0);
    ASSERT_EQ(v, 1023);
    virt_destroy(m);
}

TEST(gicv3_sre_enable_traps)
{
    Machine *m = v3_setup_secure();
    Cpu *c = m->cpu[0];
    board_at(c, 2, true, 0);
    sr_wr(c, "ICC_SRE_EL2", 7);    /* Enable=0 */
    board_at(c, 1, true, 0);
    u64 v;
    u32 esr = 0;
    ASSERT_EQ(sr_access(c, "ICC_SRE_EL1", true, &v, &esr), 2);
    ASSERT_EQ(esr >> 26, 0x18);
    board_at(c, 3, false, 0);
    sr_wr(c, "ICC_SRE_EL3", 7);
    board_at(c, 2, true, 0);
    ASSERT_EQ(sr_access(c, "ICC_SRE_EL2", true, &v, &esr), 3);
    virt_destroy(m);
}

TEST(gicv2_not_sysregs)
{
    Machine *m = board_new(2, 1, true, true);
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    board_at(c, 3, false, 0);
    u64 v;
    u32 esr = 0;
    ASSERT_EQ(sr_access(c, "ICC_IAR1_EL1", true, &v, &esr), 3);   /* UNDEFINED */
    ASSERT_EQ(esr >> 26, 0);
    ASSERT_EQ(sr_rd(c, "ID_AA64PFR0_EL1") >> 24 & 15, 0);
    virt_destroy(m);
}

static Machine *v2_setup(unsigned smp)
{
    Machine *m = board_new(2, smp, true, true);
    if (!m)
        return NULL;
    mmio_wr(m, 0, GICD, 3);
    for (unsigned i = 0; i < smp; i++) {
        board_at(m->cpu[i], 3, false, 0);
        mmio_wr(m, i, GICC + 0, 0x3 | 0x4);   /* EnableGrp0/1, AckCtl */
        mmio_wr(m, i, GICC + 4, 0xff);
    }
    return m;
}

TEST(gicv2_ids_and_sgi_source)
{
    Machine *m = v2_setup(2);
    u32 typer = mmio_rd(m, 0, GICD + 4);
    ASSERT_EQ(typer & 0x1f, 8);
    ASSERT_EQ((typer >> 5) & 7, 1);      /* two cores */
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0xfe8), 0x2b);
    /* Core 1 sends SGI 5 to core 0 (Group 0 -> IRQ without FIQEn). */
    mmio_wr(m, 1, GICD + 0xf00, 1u << 16 | 5);
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    ASSERT_EQ(lines(m, 1), 0);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0xf14) & 0xff00, 0x0200);   /* SPENDSGIR byte 5: source 1 */
    u32 iar = mmio_rd(m, 0, GICC + 0x0c);
    ASSERT_EQ(iar, 5u | 1u << 10);
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x14), 0);                   /* RPR */
    mmio_wr(m, 0, GICC + 0x10, iar);
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x14), 0xff);
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x0c), 1023);
    /* Self-only filter. */
    mmio_wr(m, 1, GICD + 0xf00, 2u << 24 | 9);
    ASSERT_EQ(mmio_rd(m, 1, GICC + 0x0c), 9u | 1u << 10);
    virt_destroy(m);
}

TEST(gicv2_groups_fiqen_eoimode)
{
    Machine *m = v2_setup(1);
    /* SPI 33 Group 1 prio 0x80, SPI 34 Group 0 prio 0x40, both to core 0. */
    mmio_wr(m, 0, GICD + 0x84, 1u << 1);
    phys_write(m, m->cpu[0], GICD + 0x400 + 33, 1, 0x80);
    phys_write(m, m->cpu[0], GICD + 0x400 + 34, 1, 0x40);
    phys_write(m, m->cpu[0], GICD + 0x800 + 33, 1, 1);
    phys_write(m, m->cpu[0], GICD + 0x800 + 34, 1, 1);
    mmio_wr(m, 0, GICD + 0x104, 6);
    mmio_wr(m, 0, GICC, 0x3 | 0x4 | 0x8);   /* FIQEn */
    gic_set_input(m->gic, 0, 34, true);
    ASSERT_EQ(lines(m, 0), CPU_LINE_FIQ);
    gic_set_input(m->gic, 0, 33, true);
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x28), 33);   /* AHPPIR: Group 1 */
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x0c), 34);
    ASSERT_EQ(lines(m, 0), 0);                    /* 0x80 cannot preempt 0x40 */
    mmio_wr(m, 0, GICC + 0x10, 34);
    ASSERT_EQ(lines(m, 0), CPU_LINE_FIQ);         /* level 34 still high */
    gic_set_input(m->gic, 0, 34, false);
    ASSERT_EQ(lines(m, 0), CPU_LINE_IRQ);
    mmio_wr(m, 0, GICC, 0x3 | 0x4 | 0x8 | 1u << 9);   /* EOImodeS */
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x20), 33);        /* AIAR */
    mmio_wr(m, 0, GICC + 0x10, 33);
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x304) & 2, 2);    /* still active */
    mmio_wr(m, 0, GICC + 0x1000, 33);                 /* GICC_DIR */
    ASSERT_EQ(mmio_rd(m, 0, GICD + 0x304) & 2, 0);
    virt_destroy(m);
}

TEST(gicv2_virtualization)
{
    Machine *m = v2_setup(1);
    Cpu *c = m->cpu[0];
    phys_write(m, c, GICD + 0x400 + 25, 1, 0x10);
    mmio_wr(m, 0, GICD + 0x100, 1u << 25);     /* maintenance PPI enabled */
    mmio_wr(m, 0, GICH + 0x08, 0x3 | 0xf8u << 24);   /* VMCR: Grp0/1 enabled, VMPriMask */
    mmio_wr(m, 0, GICH + 0x00, 1);                  /* En */
    ASSERT_EQ(mmio_rd(m, 0, GICH + 0x04) & 0x3f, 3);
    /* LR0: pending, Group 0, prio 0x50 (>>3 = 10), vID 27, EOI (bit 19). */
    mmio_wr(m, 0, GICH + 0x100, 1u << 28 | 10u << 23 | 1u << 19 | 27);
    ASSERT_EQ(lines(m, 0) & CPU_LINE_VIRQ, CPU_LINE_VIRQ);
    ASSERT_EQ(mmio_rd(m, 0, GICV + 0x0c), 27);
    ASSERT_EQ(mmio_rd(m, 0, GICH + 0x100) >> 28 & 3, 2);   /* active */
    ASSERT_EQ(mmio_rd(m, 0, GICV + 0x14), 0x50);
    mmio_wr(m, 0, GICV + 0x10, 27);
    ASSERT_EQ(mmio_rd(m, 0, GICH + 0x100) >> 28 & 3, 0);
    ASSERT_EQ(mmio_rd(m, 0, GICH + 0x20), 1);               /* EISR */
    ASSERT_EQ(mmio_rd(m, 0, GICH + 0x10) & 1, 1);           /* MISR.EOI */
    ASSERT_EQ(lines(m, 0) & CPU_LINE_IRQ, CPU_LINE_IRQ);    /* maintenance PPI 25 */
    ASSERT_EQ(mmio_rd(m, 0, GICC + 0x0c), 25);
    virt_destroy(m);
}
