/*
 * examples/hypervisor/guest.c — the EL1 guest: vCPU 0 starts the other
 * vCPUs with PSCI CPU_ON over HVC (the hypervisor emulates it), every vCPU
 * prints from its core, and vCPU 0 turns the system off.
 */
#include "hyp.h"

static volatile u64 vcpus_up;

void guest_main(u64 vcpu)
{
    u64 mpidr = READ_SYSREG(mpidr_el1);   /* the hypervisor's VMPIDR_EL2 */
    u64 el = READ_SYSREG(CurrentEL) >> 2;
    print("guest: vCPU %u up at EL%u, MPIDR_EL1=0x%x\n", vcpu, el, mpidr);
    if (vcpu != 0) {
        hvc_call(PSCI_VERSION, 0, 0, 0);   /* one trap per vCPU: the hypervisor checks TPIDR_EL2 */
        __atomic_fetch_add(&vcpus_up, 1, __ATOMIC_SEQ_CST);
        __asm__ volatile("dsb ish\n sev" ::: "memory");
        for (;;)
            __asm__ volatile("wfe");
    }
    s64 v = hvc_call(PSCI_VERSION, 0, 0, 0);
    print("guest: PSCI %d.%d through HVC\n", v >> 16, v & 0xffff);
    for (u64 c = 1; c < NCPU; c++) {
        s64 r = hvc_call(PSCI_CPU_ON, c, (u64)guest_vcpu_entry, c);
        print("guest: CPU_ON(vCPU %u) = %d\n", c, r);
    }
    s64 bad = hvc_call(PSCI_CPU_ON, 7, (u64)guest_vcpu_entry, 7);
    print("guest: CPU_ON(vCPU 7) = %d (expected -2: INVALID_PARAMETERS)\n", bad);
    while (vcpus_up != NCPU - 1)
        __asm__ volatile("wfe" ::: "memory");
    print("guest: all %u vCPUs up\n", (u64)NCPU);
#if HYP_STAGE2
    u64 id = *(volatile u32 *)EMU_DEV_IPA;
    print("guest: emulated device at 0x%x reads 0x%x\n", EMU_DEV_IPA, id);
#endif
    hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
