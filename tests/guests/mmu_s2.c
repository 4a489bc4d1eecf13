/*
 * tests/guests/mmu_s2.c — stage-2 translation set up at EL2 for an EL1
 * guest (VTCR_EL2 4K, 40-bit IPA, level-1 start with two concatenated
 * tables): stage-2 permission/access-flag/translation faults taken to EL2
 * with ESR_EL2 (ISV/SAS/SRT), FAR_EL2 and HPFAR_EL2; instruction abort on
 * stage-2 XN; stage-2 fault on the stage-1 table walk (S1PTW), also from
 * AT S1E1R at EL1 (taken to EL2, CM=1); AT S12E1R/S1E1R at EL2 with
 * PAR_EL1; VMID isolation; HCR_EL2.DC.  Output compared with QEMU 7.2
 * (mmu_s2.expected).
 */
#include "mmuutil.h"

static u64 s2l1[1024] __attribute__((aligned(8192)));
static u64 s2l2[512] __attribute__((aligned(4096)));
static u64 s2l3[512] __attribute__((aligned(4096)));
static u64 s2l3b[512] __attribute__((aligned(4096)));   /* VMID 2's view */
static u64 s2l2b[512] __attribute__((aligned(4096)));
static u64 s2l1b[1024] __attribute__((aligned(8192)));
static u64 l1[512] __attribute__((aligned(4096)));
static u64 pages[4][512] __attribute__((aligned(4096)));

#define IPA 0x80000000ul

static volatile u64 hook_esr, hook_far, hook_hpfar;

/* Instruction aborts: return to the caller (x30). */
static int iabt_hook(hs_frame *f, int el, int type)
{
    if (type != 0 || el != 2 || ((READ_SYSREG(esr_el2) >> 26) & 0x3f) != 0x20)
        return 0;
    hook_esr = READ_SYSREG(esr_el2);
    hook_far = READ_SYSREG(far_el2);
    hook_hpfar = READ_SYSREG(hpfar_el2);
    WRITE_SYSREG(elr_el2, f->x[30]);
    return 1;
}

static void s2_show(const char *what, u64 va, int write)
{
    u64 far;
    u64 esr = probe(va, write, &far);
    hs_printf("%s: esr_el2=0x%lx far=0x%lx hpfar=0x%lx el=%d\n", what, esr, far, hs_last.hpfar,
              hs_last.el);
}

static u64 el1_s1off(u64 arg)
{
    (void)arg;
    hs_printf("EL1 (stage 1 off): read IPA page0=0x%lx\n", rd64(IPA));
    s2_show("S2 write RO page", IPA + 0x1000, 1);
    s2_show("S2 read AF=0 page", IPA + 0x2000 + 8, 0);
    s2_show("S2 read unmapped L3", IPA + 0x3000, 0);
    s2_show("S2 read unmapped L2", IPA + 0x200000, 0);
    s2_show("S2 read unmapped L1", 0xc0000000ul, 0);
    /* fetch from a stage-2 XN page */
    hook_esr = 0;
    hs_exc_hook = iabt_hook;
    ((void (*)(void))(IPA + 0x4000))();
    hs_exc_hook = 0;
    hs_printf("S2 XN fetch: esr_el2=0x%lx far=0x%lx hpfar=0x%lx\n", hook_esr, hook_far, hook_hpfar);
    return rd64(IPA + 16);
}

static u64 el1_s1on(u64 arg)
{
    (void)arg;
    l1[0] = D_BLOCK(0, D_ATTR(1) | D_AP_RW_EL1);
    l1[1] = D_BLOCK(0x40000000ul, D_ATTR(0) | D_SH_IS | D_AP_RW_EL1);
    l1[2] = D_TABLE(IPA + 0x3000);        /* next level at an IPA stage 2 lacks */
    WRITE_SYSREG(mair_el1, MAIR_VAL);
    WRITE_SYSREG(tcr_el1, 25 | (2ul << 32) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23));
    WRITE_SYSREG(ttbr0_el1, (u64)l1);
    ISB();
    TLBI_VMALLE1();
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    ISB();
    hs_printf("EL1 (stage 1 on): RAM read ok=%d\n", rd64((u64)&pages[0][0]) == 0x5151);
    s2_show("S1PTW walk fault", IPA + 0x10, 0);
    hs_exc_skip = 1;
    hs_exc_reset();
    WRITE_SYSREG(par_el1, 0);
    u64 par = AT_PAR(s1e1r, IPA + 0x20);
    hs_exc_skip = 0;
    hs_printf("AT S1E1R at EL1 on S2 walk fault: esr_el2=0x%lx far=0x%lx hpfar=0x%lx par=0x%lx\n",
              hs_last.esr, hs_last.far, hs_last.hpfar, par);
    hs_printf("AT S1E1R at EL1 RAM: par=0x%lx\n", AT_PAR(s1e1r, (u64)&pages[0][0]));
    return 0;
}

static u64 el1_read(u64 va)
{
    return rd64(va);
}

static void s2_map(u64 *t1, u64 *t2, u64 *t3, u64 vmid_page)
{
    t1[0] = D_BLOCK(0, S2_DEVICE | S2_RW);
    t1[1] = D_BLOCK(0x40000000ul, S2_NORMAL | S2_RW | D_SH_IS);
    t1[2] = D_TABLE(t2);
    t2[0] = D_TABLE(t3);
    t3[0] = D_PAGE(vmid_page, S2_NORMAL | S2_RW | D_SH_IS);
}

static u64 el2_main(u64 arg)
{
    (void)arg;
    s2_map(s2l1, s2l2, s2l3, (u64)pages[0]);
    s2l3[1] = D_PAGE(pages[1], S2_NORMAL | S2_RO);
    s2l3[2] = D_PAGE(pages[2], S2_NORMAL | S2_RW) & ~D_AF;
    s2l3[4] = D_PAGE(pages[3], S2_NORMAL | S2_RW | (1ul << 54));   /* XN */
    s2_map(s2l1b, s2l2b, s2l3b, (u64)pages[3]);
    pages[0][0] = 0x5151;
    pages[0][2] = 0x5252;
    pages[3][0] = 0x7373;
    WRITE_SYSREG(vtcr_el2, 24 | (1ul << 6) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (2ul << 16) | (1ul << 31));
    WRITE_SYSREG(vttbr_el2, (u64)s2l1 | (1ul << 48));
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | 1 | (1ul << 31));
    ISB();
    __asm__ volatile("tlbi alle1; dsb ish; isb" ::: "memory");
    u64 r = hs_call_lower(1, el1_s1off, 0, 0);
    hs_printf("EL2: EL1 returned 0x%lx\n", r);
    hs_call_lower(1, el1_s1on, 0, 0);
    /* AT from EL2 on the EL1&0 regime (SCTLR_EL1.M=1 still) */
    hs_printf("AT S12E1R walk fault: par=0x%lx\n", AT_PAR(s12e1r, IPA + 0x10));
    hs_printf("AT S1E1R walk fault: par=0x%lx\n", AT_PAR(s1e1r, IPA + 0x10));
    hs_printf("AT S12E1R RAM: par=0x%lx\n", AT_PAR(s12e1r, (u64)&pages[0][0]));
    hs_printf("AT S12E0R RAM (EL1-only): par=0x%lx\n", AT_PAR(s12e0r, (u64)&pages[0][0]));
    hs_printf("AT S12E1R device: par=0x%lx\n", AT_PAR(s12e1r, 0x09000000ul));
    /* stage 1 off for EL1 again */
    WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) & ~1ul);
    ISB();
    hs_printf("AT S12E1R IPA RO page: par=0x%lx\n", AT_PAR(s12e1w, IPA + 0x1000));
    hs_printf("AT S12E1R IPA AF=0 page: par=0x%lx\n", AT_PAR(s12e1r, IPA + 0x2000));
    hs_printf("AT S1E1R IPA (S1 off): par=0x%lx\n", AT_PAR(s1e1r, IPA + 0x2000));
    /* VMID isolation */
    u64 v1 = hs_call_lower(1, el1_read, IPA, 0);
    WRITE_SYSREG(vttbr_el2, (u64)s2l1b | (2ul << 48));
    ISB();
    u64 v2 = hs_call_lower(1, el1_read, IPA, 0);
    WRITE_SYSREG(vttbr_el2, (u64)s2l1 | (1ul << 48));
    ISB();
    u64 v3 = hs_call_lower(1, el1_read, IPA, 0);
    hs_printf("VMID: vmid1=0x%lx vmid2=0x%lx vmid1 again=0x%lx\n", v1, v2, v3);
    /* IPAS2E1 after a stage-2 change */
    s2l3[0] = D_PAGE(pages[3], S2_NORMAL | S2_RW | D_SH_IS);
    __asm__ volatile("dsb ishst; tlbi ipas2e1, %0; dsb ish; tlbi vmalle1; dsb ish; isb" ::"r"(IPA >> 12) : "memory");
    hs_printf("IPAS2E1: now 0x%lx\n", hs_call_lower(1, el1_read, IPA, 0));
    /* HCR_EL2.DC: stage-1 off but Normal WB */
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) | (1ul << 12));
    ISB();
    hs_printf("HCR_EL2.DC AT S12E1R: par=0x%lx\n", AT_PAR(s12e1r, IPA));
    WRITE_SYSREG(hcr_el2, READ_SYSREG(hcr_el2) & ~((1ul << 12) | 1));
    ISB();
    return 0;
}

int main(void)
{
    hs_printf("mmu_s2: start at EL%d\n", hs_current_el());
    if (hs_current_el() == 3)
        hs_call_lower(2, el2_main, 0, 0);
    else
        el2_main(0);
    return hs_report();
}
