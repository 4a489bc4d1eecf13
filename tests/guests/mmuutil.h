/*
 * tests/guests/mmuutil.h — helpers for the MMU guests: descriptor builders,
 * TLB maintenance, AT with PAR_EL1, and a "probe" that performs one load or
 * store and reports the exception it took (hs_exc_skip resumes after it).
 */
#ifndef HS_MMUUTIL_H
#define HS_MMUUTIL_H

#include "lib.h"

#define D_AF (1ul << 10)
#define D_NG (1ul << 11)
#define D_SH_IS (3ul << 8)
#define D_PXN (1ul << 53)
#define D_UXN (1ul << 54)
#define D_AP_RW_EL1 (0ul << 6)
#define D_AP_RW_ALL (1ul << 6)
#define D_AP_RO_EL1 (2ul << 6)
#define D_AP_RO_ALL (3ul << 6)
#define D_ATTR(i) ((u64)(i) << 2)
#define D_TABLE(pa) ((u64)(pa) | 3)
#define D_PAGE(pa, a) ((u64)(pa) | 3 | D_AF | (a))
#define D_BLOCK(pa, a) ((u64)(pa) | 1 | D_AF | (a))
/* Stage 2: S2AP[7:6] (bit6 read, bit7 write), MemAttr[5:2]. */
#define S2_RW (3ul << 6)
#define S2_RO (1ul << 6)
#define S2_NORMAL (0xful << 2)
#define S2_DEVICE (0x1ul << 2)

/* MAIR: idx0 Normal WB RW-allocate, idx1 Device-nGnRnE, idx2 Normal NC. */
#define MAIR_VAL 0x4400ffu

#define TLBI_VMALLE1() __asm__ volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory")
#define TLBI_VAE1(va) __asm__ volatile("dsb ishst; tlbi vae1, %0; dsb ish; isb" ::"r"((u64)(va) >> 12) : "memory")
#define TLBI_ASIDE1(asid) __asm__ volatile("dsb ishst; tlbi aside1, %0; dsb ish; isb" ::"r"((u64)(asid) << 48) : "memory")

/* Load/store through a volatile pointer (LDR/STR x, [xN]). */
static inline u64 rd64(u64 va) { return *(volatile u64 *)va; }
static inline void wr64(u64 va, u64 v) { *(volatile u64 *)va = v; }

/* Run a load (or store) of VA with fault capture; returns the ESR seen
 * (0 when none) and leaves FAR in *far. */
static inline u64 probe(u64 va, int write, u64 *far)
{
    hs_exc_skip = 1;
    hs_exc_reset();
    if (write)
        __asm__ volatile("str xzr, [%0]" ::"r"(va) : "memory");
    else
        __asm__ volatile("ldr x9, [%0]" ::"r"(va) : "x9", "memory");
    hs_exc_skip = 0;
    if (far)
        *far = hs_last.count ? hs_last.far : 0;
    return hs_last.count ? hs_last.esr : 0;
}

#define AT_PAR(op, va) ({ __asm__ volatile("at " #op ", %0; isb" ::"r"((u64)(va)) : "memory"); READ_SYSREG(par_el1); })

#endif
