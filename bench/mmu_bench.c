/*
 * bench/mmu_bench.c — MMU fast-path benchmark: the same memory-bound loop
 * (load, add, store every 64 bytes over an 8 MiB working set, 2048 4 KiB
 * pages: 8x the 256-entry soft TLB, so every pass refills it) run at EL1
 * with the MMU on (4 KiB pages, built below) or off (-DMMU_ON=0).  Prints a
 * checksum that must be the same in both builds; bench/run-mmu-bench
 * reports both MIPS figures (hyperstep --stats).
 */
#include "lib.h"

#ifndef MMU_ON
#define MMU_ON 1
#endif

#define WS_BASE 0x40400000ul
#define WS_SIZE (8ul << 20)
#define ROUNDS 120

static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[WS_SIZE >> 21][512] __attribute__((aligned(4096)));

static void mmu_setup(void)
{
    const u64 af = 1ul << 10, sh = 3ul << 8;
    l1[0] = 0 | 1 | af | (1ul << 2);                 /* devices: 1 GiB Device block */
    l1[1] = (u64)l2 | 3;                             /* RAM: level-2 table */
    for (u64 i = 0; i < 512; i++)
        l2[i] = (0x40000000ul + (i << 21)) | 1 | af | sh;   /* 2 MiB Normal blocks */
    for (u64 t = 0; t < (WS_SIZE >> 21); t++) {
        for (u64 i = 0; i < 512; i++)
            l3[t][i] = (WS_BASE + (t << 21) + (i << 12)) | 3 | af | sh;   /* 4 KiB pages */
        l2[((WS_BASE - 0x40000000ul) >> 21) + t] = (u64)l3[t] | 3;
    }
    WRITE_SYSREG(mair_el1, 0x00ff);                  /* idx0 Normal WB, idx1 Device */
    WRITE_SYSREG(tcr_el1, 25 | (2ul << 32) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23));
    WRITE_SYSREG(ttbr0_el1, (u64)l1);
    __asm__ volatile("isb; tlbi vmalle1; dsb ish; isb" ::: "memory");
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    ISB();
}

int main(void)
{
    if (MMU_ON)
        mmu_setup();
    volatile u64 *p = (volatile u64 *)WS_BASE;
    u64 sum = 0;
    for (u64 i = 0; i < WS_SIZE / 8; i += 8)
        p[i] = i;
    for (int r = 0; r < ROUNDS; r++) {
        for (u64 i = 0; i < WS_SIZE / 8; i += 8) {
            sum += p[i] ^ (u64)r;
            p[i] = sum;
        }
    }
    hs_printf("mmu_bench (MMU %s): checksum 0x%lx\n", MMU_ON ? "on" : "off", sum);
    CHECK(sum != 0);
    return hs_report();
}
