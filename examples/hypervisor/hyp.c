/*
 * examples/hypervisor/hyp.c — the hypervisor proper (EL2).
 *
 * Boot (core 0 at EL2, -M virt,virtualization=on -smp 4): bring up cores
 * 1-3 with PSCI CPU_ON over SMC (the firmware's conduit); each gets its
 * per-core context in TPIDR_EL2, says hello and parks itself with CPU_OFF.
 * Core 0 then runs the guest's vCPU 0 at EL1.  The guest starts its other
 * vCPUs with PSCI CPU_ON over HVC (its conduit: it runs at EL1); the
 * hypervisor emulates that call by forwarding it to the real CPU_ON for
 * the physical core of the same number, which enters the guest at the
 * guest's entry point with the guest's context id.  The guest's SYSTEM_OFF
 * is forwarded too.
 *
 * Stage 2 (HYP_STAGE2=1): the guest sees RAM and the devices identity
 * mapped, except one page at EMU_DEV_IPA left unmapped: the guest's loads
 * there fault to EL2 (stage-2 translation fault, HPFAR_EL2 holds the IPA),
 * where the hypervisor emulates a tiny ID register.
 */
#include "hyp.h"

static PerCpu percpu[NCPU];
static volatile u64 online;
/* TPIDR_EL2 proof: on every guest trap, the context TPIDR_EL2 points at must
 * be this physical core's (MPIDR_EL1.Aff0). */
static volatile u64 ctx_checks, ctx_wrong, ctx_cores;

static PerCpu *this_cpu(void)
{
    return (PerCpu *)READ_SYSREG(tpidr_el2);
}

static u64 core_id(void)
{
    return READ_SYSREG(mpidr_el1) & 0xff;
}

static void wfe(void)
{
    __asm__ volatile("wfe" ::: "memory");
}

static void sev(void)
{
    __asm__ volatile("dsb ish\n sev" ::: "memory");
}

static void set_context(u64 core)
{
    percpu[core].core = core;
    WRITE_SYSREG(tpidr_el2, &percpu[core]);
}

#if HYP_STAGE2
/* Stage-2 tables: 4 GiB IPA space starting at level 1 (VTCR_EL2.SL0=1). */
static u64 s2_l1[512] __attribute__((aligned(4096)));
static u64 s2_l2_low[512] __attribute__((aligned(4096)));

#define S2_AF (1ul << 10)
#define S2_SH_INNER (3ul << 8)
#define S2_AP_RW (3ul << 6)
#define S2_MEM_NORMAL_WB (0xful << 2)
#define S2_MEM_DEVICE (0x1ul << 2)

static void stage2_build(void)
{
    if (s2_l1[1])
        return;
    /* 0x08000000-0x09ffffff (GIC, UART, RTC...): 2 MiB device blocks;
     * 0x0a000000 onwards (the emulated page) stays unmapped. */
    for (u64 i = 0x08000000ul >> 21; i < EMU_DEV_IPA >> 21; i++)
        s2_l2_low[i] = (i << 21) | S2_AF | S2_AP_RW | S2_MEM_DEVICE | 1;
    s2_l1[0] = (u64)s2_l2_low | 3;                       /* table */
    s2_l1[1] = 0x40000000ul | S2_AF | S2_SH_INNER | S2_AP_RW | S2_MEM_NORMAL_WB | 1;   /* RAM */
    __asm__ volatile("dsb ishst" ::: "memory");
}
#endif

/* EL1 environment of a vCPU on this core. */
static void setup_vcpu(u64 vcpu)
{
    u64 hcr = 1ul << 31;    /* HCR_EL2.RW: EL1 is AArch64 */
    WRITE_SYSREG(vmpidr_el2, (1ul << 31) | vcpu);
    WRITE_SYSREG(vpidr_el2, READ_SYSREG(midr_el1));
#if HYP_STAGE2
    stage2_build();
    /* T0SZ=32, SL0=1, inner/outer WB, inner shareable, 4K granule, PS=4GB */
    WRITE_SYSREG(vtcr_el2, (1ul << 31) | 32 | (1ul << 6) | (1ul << 8) | (1ul << 10) | (3ul << 12));
    WRITE_SYSREG(vttbr_el2, (u64)s2_l1);
    __asm__ volatile("isb\n tlbi vmalls12e1\n dsb ish\n isb" ::: "memory");
    hcr |= 1;               /* HCR_EL2.VM: stage 2 on */
#endif
    WRITE_SYSREG(hcr_el2, hcr);
    __asm__ volatile("isb" ::: "memory");
}

void hyp_main(void)
{
    set_context(0);
    print("hyp: core 0 at EL2, TPIDR_EL2=0x%x, stage 2 %s\n", (u64)this_cpu(),
          HYP_STAGE2 ? "on" : "off");
    s64 v = smc_call(PSCI_VERSION, 0, 0, 0);
    print("hyp: firmware PSCI %d.%d (SMC)\n", v >> 16, v & 0xffff);
    for (u64 c = 1; c < NCPU; c++) {
        s64 r = smc_call(PSCI_CPU_ON, c, (u64)hyp_secondary_entry, c);
        print("hyp: CPU_ON(core %u) = %d\n", c, r);
    }
    while (online != NCPU - 1)
        wfe();
    for (u64 c = 1; c < NCPU; c++)
        while (smc_call(PSCI_AFFINITY_INFO, c, 0, 0) != 1)   /* until OFF */
            ;
    print("hyp: cores 1-%u parked (CPU_OFF); starting the guest's vCPU 0 on core 0\n", (u64)NCPU - 1);
    setup_vcpu(0);
    enter_guest((u64)guest_entry, 0, 0);
}

void hyp_secondary(u64 core)
{
    set_context(core);
    print("hyp: core %u online at EL2, TPIDR_EL2=0x%x; parking with CPU_OFF\n", core, (u64)this_cpu());
    __atomic_fetch_add(&online, 1, __ATOMIC_SEQ_CST);
    sev();
    smc_call(PSCI_CPU_OFF, 0, 0, 0);
    print("hyp: core %u: CPU_OFF returned!\n", core);
}

void hyp_vcpu_start(u64 core)
{
    set_context(core);
    PerCpu *pc = this_cpu();
    print("hyp: core %u runs vCPU %u from 0x%x\n", core, core, pc->vcpu_entry);
    setup_vcpu(core);
    enter_guest(pc->vcpu_entry, pc->vcpu_context, 0);
}

/* The guest's PSCI call (HVC #0), emulated. */
static void guest_psci(Frame *f)
{
    PerCpu *pc = this_cpu();
    u32 fid = (u32)f->x[0];
    switch (fid) {
    case PSCI_VERSION:
    case PSCI_AFFINITY_INFO:   /* vCPU n is physical core n */
    case PSCI_CPU_OFF:
        f->x[0] = (u64)smc_call(fid, f->x[1], f->x[2], f->x[3]);
        break;
    case PSCI_CPU_ON: {
        u64 v = f->x[1] & 0xffffff;
        if (v >= NCPU) {
            print("hyp: vCPU %u: CPU_ON(vCPU 0x%x) = INVALID_PARAMETERS (no such vCPU)\n", pc->core, v);
            f->x[0] = (u64)PSCI_INVALID_PARAMETERS;
            break;
        }
        percpu[v].vcpu_entry = f->x[2];
        percpu[v].vcpu_context = f->x[3];
        s64 r = smc_call(PSCI_CPU_ON, v, (u64)hyp_vcpu_entry, v);
        print("hyp: vCPU %u: CPU_ON(vCPU %u, entry 0x%x) -> firmware CPU_ON(core %u) = %d\n", pc->core, v,
              f->x[2], v, r);
        f->x[0] = (u64)r;
        break;
    }
    case PSCI_SYSTEM_OFF:
        print("hyp: TPIDR_EL2 per-core context checked on %u guest traps, cores mask 0x%x: %u wrong\n",
              ctx_checks, ctx_cores, ctx_wrong);
        print("hyp: vCPU %u asks SYSTEM_OFF after %u traps on this core: powering off\n", pc->core,
              pc->traps);
        smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
        break;
    default:
        f->x[0] = (u64)PSCI_NOT_SUPPORTED;
        break;
    }
}

void hyp_guest_trap(Frame *f)
{
    PerCpu *pc = this_cpu();
    u64 esr = READ_SYSREG(esr_el2);
    u64 ec = esr >> 26;
    pc->traps++;
    __atomic_add_fetch(&ctx_checks, 1, __ATOMIC_RELAXED);
    __atomic_or_fetch(&ctx_cores, 1ul << core_id(), __ATOMIC_RELAXED);
    if (pc->core != core_id()) {
        __atomic_add_fetch(&ctx_wrong, 1, __ATOMIC_RELAXED);
        print("hyp: core %u: TPIDR_EL2 points at core %u's context!\n", core_id(), pc->core);
    }
    if (ec == 0x16 && (esr & 0xffff) == 0) {           /* HVC #0 from EL1 */
        guest_psci(f);
        return;
    }
#if HYP_STAGE2
    if (ec == 0x24 && (esr & 0x3f) >= 4 && (esr & 0x3f) <= 7 && (esr & (1ul << 24))) {
        /* Stage-2 translation fault with a valid syndrome (ISV): emulate. */
        u64 ipa = (READ_SYSREG(hpfar_el2) >> 4) << 12 | (READ_SYSREG(far_el2) & 0xfff);
        unsigned srt = (esr >> 16) & 31;
        int write = (esr >> 6) & 1;
        if ((ipa & ~0xffful) == EMU_DEV_IPA) {
            if (!write && srt != 31)
                f->x[srt] = (ipa & 0xfff) == 0 ? EMU_DEV_ID : 0;
            print("hyp: vCPU %u: stage-2 fault at IPA 0x%x (%s), emulated\n", pc->core, ipa,
                  write ? "write" : "read");
            WRITE_SYSREG(elr_el2, READ_SYSREG(elr_el2) + 4);
            return;
        }
    }
#endif
    print("hyp: core %u: unexpected trap from the guest: ESR_EL2=0x%x ELR_EL2=0x%x FAR_EL2=0x%x\n", pc->core,
          esr, READ_SYSREG(elr_el2), READ_SYSREG(far_el2));
    smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void hyp_panic_trap(Frame *f)
{
    (void)f;
    print("hyp: core %u: exception at EL2: ESR_EL2=0x%x ELR_EL2=0x%x\n", core_id(), READ_SYSREG(esr_el2),
          READ_SYSREG(elr_el2));
    smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
