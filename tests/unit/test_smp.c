/*
 * tests/unit/test_smp.c — built-in PSCI firmware (every function and error
 * code, trace causes, history ring), core power states, MPIDR layouts and
 * the FVP-style power controller, driven directly on a virt machine.
 */
#include <string.h>

#include "cpu/cpu_internal.h"
#include "cpu/power.h"
#include "devices/pctl/pctl.h"
#include "firmware/psci/psci.h"
#include "machine/virt/virt.h"
#include "test.h"

#define ENTRY 0x40000000ull

static Machine *make(unsigned smp, bool virt, bool secure)
{
    VirtOptions o;
    virt_default_options(&o);
    o.gic_version = 3;
    o.smp = smp;
    o.virtualization = virt;
    o.secure = secure;
    o.pctl_startup_core0 = true;
    o.loader[0] = (LoaderSpec){.file = NULL, .addr = ENTRY, .has_addr = true, .cpu_num = 0};
    o.nloaders = 1;
    return virt_create(&o);
}

static s64 call(Cpu *c, u32 fid, u64 a1, u64 a2, u64 a3)
{
    c->x[0] = fid;
    c->x[1] = a1;
    c->x[2] = a2;
    c->x[3] = a3;
    psci_call(c, c->m->psci_conduit, 0);
    return (s64)c->x[0];
}

static PsciRecord last(Machine *m)
{
    static PsciRecord r[PSCI_HISTORY];
    unsigned n = psci_history(m, r, PSCI_HISTORY);
    PsciRecord z;
    memset(&z, 0, sizeof(z));
    return n ? r[n - 1] : z;
}

TEST(psci_version_features)
{
    Machine *m = make(4, true, false);
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    ASSERT_EQ(m->psci_conduit, CONDUIT_SMC);
    ASSERT_EQ(call(c, PSCI_VERSION, 0, 0, 0), 0x10001);
    ASSERT_EQ(call(c, SMCCC_VERSION, 0, 0, 0), 0x10001);
    ASSERT_EQ(call(c, PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0), 0);   /* flags: original format, no OSI */
    ASSERT_EQ(call(c, PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0), PSCI_SUCCESS);
    ASSERT_EQ(call(c, PSCI_FEATURES, SMCCC_VERSION, 0, 0), PSCI_SUCCESS);
    ASSERT_EQ(call(c, PSCI_FEATURES, 0x84000005u /* CPU_MIGRATE */, 0, 0), (u64)(s64)PSCI_NOT_SUPPORTED);
    ASSERT_EQ(call(c, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0), (u64)(s64)PSCI_NOT_SUPPORTED);
    ASSERT_TRUE(strstr(last(m).cause, "not affected"));
    ASSERT_EQ(call(c, SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0), PSCI_SUCCESS);
    ASSERT_EQ(call(c, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
    ASSERT_EQ(call(c, 0x8400001Fu, 0, 0, 0), (u64)(s64)PSCI_NOT_SUPPORTED);
    ASSERT_EQ(call(c, 0x04000000u, 0, 0, 0), (u64)(s64)PSCI_NOT_SUPPORTED);
    ASSERT_TRUE(strstr(last(m).cause, "yielding"));
    /* A non-zero immediate is not an SMCCC call. */
    c->x[0] = PSCI_VERSION;
    psci_call(c, CONDUIT_SMC, 1);
    ASSERT_EQ(c->x[0], (u64)(s64)PSCI_NOT_SUPPORTED);
    virt_destroy(m);
}

TEST(psci_cpu_on_errors_and_entry_state)
{
    Machine *m = make(4, true, false);
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0], *t = m->cpu[1];
    char buf[200];
    ASSERT_EQ(t->power, CORE_OFF_NEVER);
    ASSERT_TRUE(!strcmp(core_state_reason(t, buf, sizeof(buf)), "off: never powered on"));
    /* The example, exact trace text. */
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 0x80000001, 0x40080002, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    PsciRecord r = last(m);
    ASSERT_TRUE(!strcmp(psci_format(&r, buf, sizeof(buf)),
                        "CPU_ON(target=0x80000001, entry=0x40080002, context=0x0) = INVALID_PARAMETERS: "
                        "entry not 4-byte aligned"));
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 0x7, ENTRY, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    ASSERT_TRUE(strstr(last(m).cause, "no core has MPIDR affinity 0x7"));
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1ull << 40 | 1, ENTRY, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1, 0x09000000, 0), (u64)(s64)PSCI_INVALID_ADDRESS);
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1, 0x100000000ull, 0), (u64)(s64)PSCI_INVALID_ADDRESS);
    ASSERT_EQ(t->power, CORE_OFF_NEVER);
    /* Success: entry state per DEN0022D 6.4.3. */
    t->x[5] = 0x1234;
    t->sctlr_el[2] |= 1;
    t->icount = 77;
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1, ENTRY + 0x100, 0xc0ffee), PSCI_SUCCESS);
    ASSERT_EQ(t->power, CORE_ON_PENDING);
    ASSERT_EQ(t->pc, ENTRY + 0x100);
    ASSERT_EQ(t->x[0], 0xc0ffee);
    ASSERT_EQ(t->x[5], 0);
    ASSERT_EQ(t->el, 2);
    ASSERT_EQ(t->spsel, 1);
    ASSERT_EQ(t->daif, 0xfu << 6);
    ASSERT_EQ(t->sctlr_el[2] & 1, 0);
    ASSERT_EQ(t->mpidr_el1, 0x80000001ull);
    ASSERT_EQ(t->icount, 77);   /* retired-instruction count survives the power cycle */
    ASSERT_TRUE(!strcmp(core_state_reason(t, buf, sizeof(buf)), "on-pending"));
    /* ON for PSCI at once, before it ran (QEMU/KVM): a racing CPU_ON is
     * ALREADY_ON, AFFINITY_INFO says ON; it still waits for its slot. */
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1, ENTRY, 0), (u64)(s64)PSCI_ALREADY_ON);
    ASSERT_TRUE(strstr(last(m).cause, "core 1 is on since step"));
    ASSERT_EQ(call(c, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_ON);
    ASSERT_EQ(t->power, CORE_ON_PENDING);
    ASSERT_EQ(t->pc, ENTRY + 0x100);   /* the racing call changed nothing */
    ASSERT_EQ(t->x[0], 0xc0ffee);
    /* The scheduler starts it. */
    cpu_set_power(t, CORE_ON, "test");
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1, ENTRY, 0), (u64)(s64)PSCI_ALREADY_ON);
    ASSERT_TRUE(strstr(last(m).cause, "core 1 is running since step"));
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 0, ENTRY, 0), (u64)(s64)PSCI_ALREADY_ON);   /* itself */
    ASSERT_EQ(call(c, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_ON);
    ASSERT_EQ(call(c, PSCI_AFFINITY_INFO_64, 2, 0, 0), PSCI_AFF_OFF);
    ASSERT_EQ(call(c, PSCI_AFFINITY_INFO_64, 2, 1, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    ASSERT_EQ(call(c, PSCI_AFFINITY_INFO_64, 0x55, 0, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    /* 32-bit IDs use W registers only. */
    ASSERT_EQ(call(c, PSCI_CPU_ON_32, 0xffffffff00000002ull, 0xdead00004000f000ull, 7), PSCI_SUCCESS);
    ASSERT_EQ(m->cpu[2]->pc, 0x4000f000);
    /* CPU_OFF from core 1. */
    call(t, PSCI_CPU_OFF, 0, 0, 0);
    ASSERT_EQ(t->power, CORE_OFF);
    ASSERT_TRUE(t->pending & PEND_STOP);
    ASSERT_TRUE(!strcmp(core_state_reason(t, buf, sizeof(buf)), "off: CPU_OFF"));
    ASSERT_EQ(call(c, PSCI_AFFINITY_INFO_64, 1, 0, 0), PSCI_AFF_OFF);
    ASSERT_EQ(call(c, PSCI_CPU_ON_64, 1, ENTRY + 8, 0), PSCI_SUCCESS);   /* and on again */
    ASSERT_EQ(t->pc, ENTRY + 8);
    virt_destroy(m);
}

TEST(psci_el1_conduit_hvc_and_caller_el)
{
    Machine *m = make(2, false, false);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->psci_conduit, CONDUIT_HVC);
    ASSERT_EQ(call(m->cpu[0], PSCI_CPU_ON_64, 1, ENTRY, 0), PSCI_SUCCESS);
    ASSERT_EQ(m->cpu[1]->el, 1);
    ASSERT_EQ(m->cpu[1]->hcr_el2 & HCR_EL2_RW, HCR_EL2_RW);
    virt_destroy(m);
}

TEST(psci_cpu_suspend)
{
    Machine *m = make(2, true, false);
    ASSERT_TRUE(m);
    Cpu *c = m->cpu[0];
    char buf[64];
    ASSERT_EQ(call(c, PSCI_CPU_SUSPEND_64, 1u << 30, 0, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    ASSERT_EQ(call(c, PSCI_CPU_SUSPEND_64, 1u << 24, 0, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    ASSERT_EQ(call(c, PSCI_CPU_SUSPEND_64, 1u << 16, 0x40000001, 0), (u64)(s64)PSCI_INVALID_PARAMETERS);
    ASSERT_EQ(c->power, CORE_ON);
    /* Standby: returns SUCCESS when woken. */
    ASSERT_EQ(call(c, PSCI_CPU_SUSPEND_64, 0, 0, 0), PSCI_SUCCESS);
    ASSERT_EQ(c->power, CORE_SUSPENDED);
    ASSERT_TRUE(!strcmp(core_state_reason(c, buf, sizeof(buf)), "suspended (standby)"));
    cpu_set_power(c, CORE_ON, "test");
    /* Power-down: remembers where to resume. */
    ASSERT_EQ(call(c, PSCI_CPU_SUSPEND_64, 1u << 16, ENTRY + 0x40, 99), PSCI_SUCCESS);
    ASSERT_TRUE(!strcmp(core_state_reason(c, buf, sizeof(buf)), "suspended (power-down)"));
    ASSERT_EQ(call(m->cpu[1], PSCI_AFFINITY_INFO_64, 0, 0, 0), PSCI_AFF_ON);   /* suspended counts as ON */
    /* An interrupt wakes it at the remembered entry, with the context id. */
    c->irq_lines = CPU_LINE_IRQ;
    ASSERT_TRUE(m->hooks.wake(m->hooks.power_opaque, c));
    ASSERT_EQ(c->power, CORE_ON);
    ASSERT_EQ(c->pc, ENTRY + 0x40);
    ASSERT_EQ(c->x[0], 99);
    /* An interrupt already pending: returns at once. */
    cpu_set_power(c, CORE_ON, "test");
    c->irq_lines = CPU_LINE_IRQ;
    ASSERT_EQ(call(c, PSCI_CPU_SUSPEND_64, 0, 0, 0), PSCI_SUCCESS);
    ASSERT_EQ(c->power, CORE_ON);
    virt_destroy(m);
}

TEST(psci_system_off_reset_and_history)
{
    Machine *m = make(2, true, false);
    ASSERT_TRUE(m);
    for (int i = 0; i < 70; i++)
        call(m->cpu[0], PSCI_VERSION, (u64)i, 0, 0);
    static PsciRecord r[PSCI_HISTORY];
    ASSERT_EQ(psci_history(m, r, PSCI_HISTORY), PSCI_HISTORY);
    ASSERT_EQ(r[0].arg[0], 6);            /* oldest kept */
    ASSERT_EQ(r[PSCI_HISTORY - 1].arg[0], 69);
    ASSERT_EQ(psci_history(m, r, 3), 3);
    ASSERT_EQ(r[2].arg[0], 69);
    call(m->cpu[1], PSCI_SYSTEM_OFF, 0, 0, 0);
    ASSERT_TRUE(m->exit_requested);
    ASSERT_TRUE(!m->reset_requested);
    ASSERT_EQ(last(m).core, 1);
    virt_destroy(m);
    m = make(1, true, false);
    call(m->cpu[0], PSCI_SYSTEM_RESET, 0, 0, 0);
    ASSERT_TRUE(m->exit_requested && m->reset_requested);
    virt_destroy(m);
}

TEST(mpidr_layouts)
{
    VirtOptions o;
    virt_default_options(&o);
    o.loader[0] = (LoaderSpec){.file = NULL, .addr = ENTRY, .has_addr = true, .cpu_num = 0};
    o.nloaders = 1;
    o.smp = 20;
    Machine *m = virt_create(&o);   /* default gic-version=2: at most 8 cores */
    ASSERT_TRUE(m == NULL);
    o.gic_version = 3;
    m = virt_create(&o);            /* QEMU, GICv3: 16 per Aff1 */
    ASSERT_TRUE(m);
    ASSERT_EQ(m->cpu[3]->mpidr_el1, 0x80000003ull);
    ASSERT_EQ(m->cpu[17]->mpidr_el1, 0x80000101ull);
    ASSERT_EQ(m->cpu[17]->mpidr_el1 & (1u << 24), 0);   /* MT = 0 */
    virt_destroy(m);
    o.gic_version = 2;   /* at most 8 cores: Aff0 only */
    o.smp = 8;
    m = virt_create(&o);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->cpu[7]->mpidr_el1, 0x80000007ull);
    virt_destroy(m);
    o.gic_version = 3;
    o.smp = 8;
    o.clusters = 2;
    o.mpidr_fvp = true;
    m = virt_create(&o);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->cpu[5]->mpidr_el1, 0x80000101ull);
    ASSERT_TRUE(psci_find_core(m, 0x103) == m->cpu[7]);
    virt_destroy(m);
    o.clusters = 1;   /* FVP default: 4 cores per cluster */
    m = virt_create(&o);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->cpu[4]->mpidr_el1, 0x80000100ull);
    virt_destroy(m);
}

static u32 rd(Machine *m, u64 off)
{
    u64 v = 0;
    phys_read(m, m->cpu[0], VIRT_PCTL_BASE + off, 4, &v);
    return (u32)v;
}

TEST(pctl_power_controller)
{
    Machine *m = make(4, true, true);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->psci_conduit, CONDUIT_NONE);
    Cpu *t = m->cpu[2];
    ASSERT_EQ(t->power, CORE_OFF_NEVER);   /* --pctl-startup core0 */
    ASSERT_TRUE(phys_write(m, m->cpu[0], VIRT_PCTL_BASE + PCTL_PSYSR, 4, 2));
    ASSERT_EQ(rd(m, PCTL_PSYSR) & PCTL_PSYSR_AFF_L0, 0);
    ASSERT_TRUE(phys_write(m, m->cpu[0], VIRT_PCTL_BASE + PCTL_PPONR, 4, 2));
    ASSERT_EQ(t->power, CORE_ON_PENDING);
    ASSERT_EQ(t->el, 3);
    ASSERT_EQ(t->pc, ENTRY);   /* the boot entry */
    ASSERT_EQ(t->rvbar_el3, 0);   /* reads 0, as QEMU */
    u32 s = rd(m, PCTL_PSYSR);
    ASSERT_EQ(s & PCTL_PSYSR_AFF_L0, PCTL_PSYSR_AFF_L0);
    ASSERT_EQ((s >> PCTL_PSYSR_WK_SHIFT) & 3, PCTL_WK_PPONR);
    cpu_set_power(t, CORE_ON, "test");
    /* PPOFFR: off at the next WFI. */
    ASSERT_TRUE(phys_write(m, m->cpu[0], VIRT_PCTL_BASE + PCTL_PPOFFR, 4, 2));
    ASSERT_EQ(t->power, CORE_ON);
    ASSERT_EQ(rd(m, PCTL_PSYSR) & PCTL_PSYSR_PP, PCTL_PSYSR_PP);
    cpu_wait(t, false);
    ASSERT_EQ(t->power, CORE_OFF);
    ASSERT_EQ(rd(m, PCTL_PSYSR) & (PCTL_PSYSR_AFF_L0 | PCTL_PSYSR_PP), 0);
    /* Wake-up enable: a pending interrupt powers it on. */
    ASSERT_TRUE(phys_write(m, m->cpu[0], VIRT_PCTL_BASE + PCTL_PWKUPR, 4, PCTL_PWKUPR_WEN | 2));
    ASSERT_EQ(rd(m, PCTL_PSYSR) & PCTL_PSYSR_WEN, PCTL_PSYSR_WEN);
    ASSERT_TRUE(!m->hooks.wake(m->hooks.power_opaque, t));
    t->irq_lines = CPU_LINE_IRQ;
    ASSERT_TRUE(m->hooks.wake(m->hooks.power_opaque, t));
    ASSERT_EQ(t->power, CORE_ON_PENDING);
    ASSERT_EQ((rd(m, PCTL_PSYSR) >> PCTL_PSYSR_WK_SHIFT) & 3, PCTL_WK_GIC);
    /* Non-32-bit access: slave error. */
    u64 v;
    ASSERT_TRUE(!phys_read(m, m->cpu[0], VIRT_PCTL_BASE + PCTL_PSYSR, 8, &v));
    virt_destroy(m);
}
