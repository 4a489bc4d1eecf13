/*
 * devices/gic/gic_internal.h — state shared by the GICv2 and GICv3 front
 * ends (distributor/redistributor MMIO, GICC/GICV MMIO, ICC/ICH sysregs) and
 * the common interrupt engine in gic_core.c.
 *
 * Model: 288 INTIDs (32 private + 256 SPIs, as QEMU virt), 5 priority bits
 * (32 levels: priority fields keep bits [7:3]), 4 list registers.  Private
 * interrupts (SGI 0-15, PPI 16-31) are banked per core in GicCpu.priv; SPIs
 * live in Gic.irq.  Active priorities are kept as the architected APR
 * bitmaps (one bit per group priority, IHI 0069 4.8 / IHI 0048B 3.3), which
 * give the running priority and priority drop order.
 */
#ifndef EMU_DEVICES_GIC_INTERNAL_H
#define EMU_DEVICES_GIC_INTERNAL_H

#include "devices/gic/gic.h"

#define GIC_NIRQ 288
#define GIC_NLR 4
#define GIC_PRIO_MASK 0xf8u      /* implemented priority bits [7:3] */
#define GIC_SPURIOUS 1023u
#define GIC_MAINT_PPI 25u

typedef struct GicIrq {
    u8 prio;        /* priority, bits [7:3] implemented */
    u8 group;       /* IGROUPR bit: 0 = Group 0, 1 = Group 1 (Non-secure) */
    u8 grpmod;      /* GICv3 IGRPMODR bit (stored, see gicv3.c) */
    u8 enabled;
    u8 latch;       /* pending latch (edge event, ISPENDR, SGI) */
    u8 level;       /* input line level (level-sensitive pending source) */
    u8 active;
    u8 edge;        /* ICFGR: 1 = edge-triggered */
    u8 targets;     /* GICv2 ITARGETSR byte */
    u64 route;      /* GICv3 GICD_IROUTER */
} GicIrq;

/* Virtual CPU interface state, always in GICv3 ICH_* layouts (the GICv2
 * GICH/GICV front end converts; the VMCR layouts coincide). */
typedef struct GicVif {
    u64 hcr;            /* ICH_HCR_EL2 */
    u64 vmcr;           /* ICH_VMCR_EL2 */
    u64 lr[GIC_NLR];    /* ICH_LR<n>_EL2 */
    u32 ap[2];          /* ICH_AP0R0_EL2 / ICH_AP1R0_EL2 */
} GicVif;

/* ICH_LR<n>_EL2 fields (IHI 0069 12.4.6). */
#define LR_VINTID(lr) ((u32)(lr) & 0xffffu)
#define LR_PINTID(lr) ((unsigned)((lr) >> 32) & 0x3ffu)
#define LR_EOI (1ull << 41)
#define LR_PRIO(lr) ((unsigned)((lr) >> 48) & 0xffu)
#define LR_GROUP(lr) ((unsigned)((lr) >> 60) & 1u)
#define LR_HW (1ull << 61)
#define LR_STATE(lr) ((unsigned)((lr) >> 62) & 3u)
#define LR_PENDING 1u
#define LR_ACTIVE 2u
/* ICH_VMCR_EL2 fields. */
#define VMCR_VENG0 (1u << 0)
#define VMCR_VENG1 (1u << 1)
#define VMCR_VACKCTL (1u << 2)
#define VMCR_VFIQEN (1u << 3)
#define VMCR_VCBPR (1u << 4)
#define VMCR_VEOIM (1u << 9)
#define VMCR_VBPR1(v) ((unsigned)((v) >> 18) & 7u)
#define VMCR_VBPR0(v) ((unsigned)((v) >> 21) & 7u)
#define VMCR_VPMR(v) ((unsigned)((v) >> 24) & 0xffu)
/* ICH_HCR_EL2 fields. */
#define ICH_HCR_EN (1u << 0)
#define ICH_HCR_UIE (1u << 1)
#define ICH_HCR_LRENPIE (1u << 2)
#define ICH_HCR_NPIE (1u << 3)
#define ICH_HCR_VGRP0EIE (1u << 4)
#define ICH_HCR_VGRP0DIE (1u << 5)
#define ICH_HCR_VGRP1EIE (1u << 6)
#define ICH_HCR_VGRP1DIE (1u << 7)
#define ICH_HCR_EOICOUNT_SHIFT 27

typedef struct GicCpu {
    GicIrq priv[32];        /* SGIs and PPIs of this core */
    u8 sgi_src[16];         /* GICv2: pending SGI source cores (bitmask) */
    u8 sgi_ack_src[16];     /* GICv2: source of the last acknowledged SGI */
    u8 pmr;                 /* priority mask */
    u8 bpr[2];              /* BPR0 (GICC_BPR), BPR1 (GICC_ABPR) */
    bool grpen[2];          /* CPU interface group enables (GICC_CTLR / ICC_IGRPEN<n>) */
    bool grpen1_s;          /* GICv3 Secure ICC_IGRPEN1 (stored; no Secure Group 1 model) */
    bool eoimode;           /* EOImode: EOIR only drops priority, DIR deactivates */
    bool ackctl;            /* GICv2 AckCtl */
    bool fiqen;             /* GICv2 FIQEn: Group 0 signalled as FIQ */
    bool cbpr;              /* BPR0 also controls Group 1 */
    u32 ap[2];              /* active priorities, Group 0 / Group 1 */
    u64 ctlr_el3;           /* GICv3 ICC_CTLR_EL3 writable bits */
    u64 sre_el2, sre_el3;   /* GICv3 ICC_SRE_EL2/EL3 (SRE RAO) */
    u64 sre_el1;
    u32 waker;              /* GICv3 GICR_WAKER */
    GicVif v;
    u32 lines;              /* CPU_LINE_* this GIC currently drives */
    bool maint_level;       /* maintenance interrupt output */
    bool sec_signal;        /* GICv3: core was at EL3 or Secure when lines were computed */
} GicCpu;

struct Gic {
    Machine *m;
    GicConfig cfg;          /* as created: addresses, version, options */
    int version;
    bool security;
    unsigned ncpu;
    u32 ctlr;               /* bit0 EnableGrp0, bit1 EnableGrp1(NS), bit2 EnableGrp1S */
    GicIrq irq[GIC_NIRQ];   /* [32..] SPIs */
    GicCpu cpu[HS_MAX_CPUS];
};

/* ---- front ends (gicv2.c, gicv3.c) ---- */

/* Map the front end's frames at CFG's addresses, as windows of device D. */
bool gicv2_map(Gic *g, Device *d, const GicConfig *cfg);
bool gicv3_map(Gic *g, Device *d, const GicConfig *cfg);
/* GICv2-specific reset values (after the common ones). */
void gicv2_reset(Gic *g);

/* ---- gic_core.c: the interrupt engine ---- */

/* State of INTID for core CPU (banked for INTID < 32). */
GicIrq *gic_irq(Gic *g, unsigned cpu, unsigned intid);
bool gic_irq_pending(Gic *g, unsigned cpu, unsigned intid);
/* Set/clear the pending state the way ISPENDR/ICPENDR do. */
void gic_set_pending(Gic *g, unsigned cpu, unsigned intid, bool pend);
/* Recompute every core's lines. */
void gic_update_all(Gic *g);
/* Highest-priority pending interrupt of core CPU among groups in GROUPMASK
 * (bit0 Group 0, bit1 Group 1), ignoring PMR and running priority; 1023 if
 * none.  *PRIO gets its priority. */
unsigned gic_hppi(Gic *g, unsigned cpu, unsigned groupmask, unsigned *prio);
/* Running priority (0x100 when idle: nothing active). */
unsigned gic_running_prio(const u32 ap[2]);
/* Group priority of PRIO in GROUP under the binary points. */
unsigned gic_group_prio(unsigned prio, unsigned group, unsigned bpr0, unsigned bpr1, bool cbpr);
/* Acknowledge (IAR): highest pending in GROUPMASK if it beats PMR and the
 * running priority; makes it active and returns its INTID (GICv2 SGIs carry
 * the source core in bits [12:10]); 1023 if none. */
unsigned gic_ack(Gic *g, unsigned cpu, unsigned groupmask);
/* End of interrupt: priority drop, plus deactivation unless EOImode. */
void gic_eoi(Gic *g, unsigned cpu, unsigned intid);
/* Deactivate INTID (DIR, or EOI with EOImode=0). */
void gic_deactivate(Gic *g, unsigned cpu, unsigned intid);
/* Send SGI INTID from core SRC to the cores in TARGETS (bitmask). */
void gic_send_sgi(Gic *g, unsigned src, unsigned intid, u32 targets);

/* Virtual interface (on GicCpu.v of core CPU). */
unsigned gic_vhppi_lr(Gic *g, unsigned cpu, unsigned groupmask);   /* LR index or GIC_NLR */
unsigned gic_vack(Gic *g, unsigned cpu, unsigned groupmask);
void gic_veoi(Gic *g, unsigned cpu, unsigned intid);
void gic_vdeactivate(Gic *g, unsigned cpu, unsigned intid);
unsigned gic_vrunning_prio(const GicVif *v);
u32 gic_vmisr(const GicVif *v);
u32 gic_veisr(const GicVif *v);
u32 gic_velrsr(const GicVif *v);

#endif
