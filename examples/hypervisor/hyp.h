/*
 * examples/hypervisor/hyp.h — a small SMP hypervisor for hyperstep's virt
 * machine (-M virt,virtualization=on -smp 4): shared declarations.
 */
#ifndef HYP_H
#define HYP_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef long s64;

#define NCPU 4
#define UART_BASE 0x09000000ul
/* The hole in the guest's stage-2 map: an emulated MMIO page (unused in
 * QEMU's virt map below 0x0a000000's virtio-mmio range). */
#define EMU_DEV_IPA 0x0a000000ul
#define EMU_DEV_ID 0x48595053u   /* "HYPS" */

/* PSCI function IDs and errors (Arm DEN0022D). */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xC4000003u
#define PSCI_AFFINITY_INFO 0xC4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)

#define READ_SYSREG(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define WRITE_SYSREG(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((u64)(v)) : "memory")

/* Saved registers of a trap from the guest (start.S layout). */
typedef struct Frame { u64 x[31]; u64 pad; } Frame;

/* Per-physical-core hypervisor context, reached through TPIDR_EL2. */
typedef struct PerCpu {
    u64 core;              /* physical core number (MPIDR.Aff0) */
    u64 vcpu_entry;        /* guest entry for the vCPU this core runs */
    u64 vcpu_context;      /* ... and its context id (guest X0) */
    u64 traps;             /* guest traps handled on this core */
} PerCpu;

/* print.c: whole lines under one lock shared by hypervisor and guest. */
void print(const char *fmt, ...);
/* start.S */
s64 smc_call(u64 fid, u64 a1, u64 a2, u64 a3);
s64 hvc_call(u64 fid, u64 a1, u64 a2, u64 a3);
void enter_guest(u64 entry, u64 x0, u64 sp) __attribute__((noreturn));
extern char hyp_secondary_entry[], hyp_vcpu_entry[], guest_entry[], guest_vcpu_entry[];
void guest_main(u64 vcpu);

#endif
