/*
 * tests/diff/diff_ldst.c — differential test of the general-purpose
 * load/store instructions (cpu/exec_ldst.c) against Unicorn (QEMU's
 * translator, Cortex-A53 model).
 *
 * Each iteration builds one random instruction from the ARMv8.0 load/store
 * classes (unsigned offset, unscaled/pre/post/unprivileged, register offset
 * incl. unallocated extend options, literal, pairs incl. LDPSW/LDNP/STNP and
 * opc=11, LDAR/STLR, LDXR+STXR / LDXP+STXP sequences), with random register
 * values and a base register pointing into a shared random data area, runs
 * it on both, and compares X0-X30, SP, whether an exception was taken, and
 * the memory the instruction could reach.  Memory is Normal (HCR_EL2.DC=1
 * on hyperstep; Unicorn does not model Device alignment), so unaligned
 * plain accesses are allowed and exercised.  CONSTRAINED UNPREDICTABLE
 * register overlaps are not generated.
 *
 * usage: diff_ldst [ITERATIONS [SEED]]; exit 0 when every iteration agrees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "cpu/exclusive.h"
#include "cpu/regs.h"
#include "machine/virt/virt.h"
#include "mmu/mmu.h"

#define MEM 0x40000000ull
#define MEM_SIZE 0x40000ull
#define CODE 0x40020000ull
#define VBAR 0x40030000ull
#define WIN 0x1400ull   /* bytes either side of the base that may be written */

static u64 rng_state;
static u64 rnd(void)
{
    u64 x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static unsigned rn_(unsigned n) { return (unsigned)(rnd() % n); }

static int uc_xreg(unsigned i)
{
    return i < 29 ? UC_ARM64_REG_X0 + (int)i : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

typedef struct Case {
    u32 insn[3];
    unsigned n;
    unsigned base;        /* base register (31 = SP) or 32 for literal */
    u64 regs[32];         /* x0..x30, sp */
} Case;

/* Pick a register in 0..30 not in the AVOID mask. */
static unsigned pick(u32 avoid)
{
    for (;;) {
        unsigned r = rn_(31);
        if (!(avoid & (1u << r)))
            return r;
    }
}

static void gen(Case *k)
{
    for (unsigned i = 0; i < 31; i++)
        k->regs[i] = rnd();
    unsigned rn = rn_(8) == 0 ? 31 : pick(0);
    u64 base = MEM + 0x8000 + (rnd() % 0x10000 & ~15ull);
    k->regs[rn == 31 ? 31 : rn] = base;
    if (rn != 31)
        k->regs[31] = MEM + 0x3ff0;
    k->base = rn;
    k->n = 1;
    u32 rbit = rn == 31 ? 0 : 1u << rn;
    unsigned size = rn_(4), opc = rn_(4), rt = rn_(32), rt2;
    switch (rn_(7)) {
    case 0:   /* unsigned offset */
        k->insn[0] = size << 30 | 0x39000000u | opc << 22 | (u32)rn_(0x200) << 10 | rn << 5 | rt;
        break;
    case 1: { /* imm9: unscaled, post, unprivileged, pre */
        unsigned idx = rn_(4);
        if ((idx & 1) && rn != 31)
            rt = pick(rbit);   /* writeback with Rn == Rt: CONSTRAINED UNPREDICTABLE */
        k->insn[0] = size << 30 | 0x38000000u | opc << 22 | (u32)rn_(0x200) << 12 | idx << 10 | rn << 5 | rt;
        break;
    }
    case 2: { /* register offset */
        unsigned option = rn_(5) == 0 ? rn_(8) : (unsigned[]){2, 3, 6, 7}[rn_(4)];
        unsigned rm = rn_(3) == 0 ? 31 : pick(rbit);
        s64 idx = (s64)rn_(0x400) - 0x200;
        if (rm != 31)
            k->regs[rm] = option == 2 ? (u64)(idx & 0x1ff) | rnd() << 32
                        : option == 6 ? (u64)(u32)idx | rnd() << 32 : (u64)idx;
        k->insn[0] = size << 30 | 0x38200800u | opc << 22 | rm << 16 | option << 13 |
                     (u32)rn_(2) << 12 | rn << 5 | rt;
        break;
    }
    case 3:   /* literal */
        k->base = 32;
        k->insn[0] = opc << 30 | 0x18000000u | ((u32)(rn_(0x8000) - 0x4000) & 0x7ffff) << 5 | rt;
        break;
    case 4: { /* pairs */
        unsigned idx = rn_(4), l = rn_(2);
        rt = rn_(32);
        rt2 = rn_(32);
        if (l && rt == rt2)
            rt2 = (rt + 1) & 31;
        if ((idx & 1) && rn != 31) {
            rt = pick(rbit);
            rt2 = pick(rbit | (l ? 1u << rt : 0));
        }
        k->insn[0] = opc << 30 | 0x28000000u | idx << 23 | l << 22 | (u32)rn_(128) << 15 |
                     rt2 << 10 | rn << 5 | rt;
        break;
    }
    case 5:   /* LDAR/STLR */
        k->insn[0] = size << 30 | 0x089ffc00u | (u32)rn_(2) << 22 | rn << 5 | rt;
        break;
    default: { /* LDXR/LDAXR [+CLREX] + STXR/STLXR, or the pair forms */
        bool pair = rn_(2) && size >= 2;
        unsigned lt = pick(rbit), lt2 = pick(rbit | 1u << lt);
        unsigned st = rn_(32), st2 = rn_(32), ws = pick(rbit | 1u << st | 1u << st2);
        u32 p = pair ? 1u << 21 : 0;
        u32 ld = size << 30 | 0x085f7c00u | p | (u32)rn_(2) << 15 | rn << 5 | lt;
        if (pair)
            ld = (ld & ~(31u << 10)) | lt2 << 10;
        u32 stx = size << 30 | 0x08007c00u | p | ws << 16 | (u32)rn_(2) << 15 | rn << 5 | st;
        if (pair)
            stx = (stx & ~(31u << 10)) | st2 << 10;
        if (rn_(4) == 0) {         /* store-exclusive alone: no reservation */
            k->insn[0] = stx;
        } else if (rn_(4) == 0) {  /* CLREX in between */
            k->insn[0] = ld;
            k->insn[1] = 0xd503305fu | (u32)rn_(16) << 8;
            k->insn[2] = stx;
            k->n = 3;
        } else {
            k->insn[0] = ld;
            k->insn[1] = stx;
            k->n = 2;
        }
        break;
    }
    }
}

static void report(const Case *k, const char *what)
{
    fprintf(stderr, "diff_ldst: mismatch (%s) on", what);
    for (unsigned i = 0; i < k->n; i++)
        fprintf(stderr, " %08x", k->insn[i]);
    fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
    unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x2545f4914f6cdd1dull;
    if (!rng_state)
        rng_state = 1;

    VirtOptions o;
    virt_default_options(&o);
    o.loader[0].addr = CODE;
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m)
        return 2;
    Cpu *c = m->cpu[0];
    /* Data memory must be Normal (unaligned accesses allowed, as in Unicorn):
     * turn the EL1 stage-1 MMU on with an identity map of the test area in
     * 4 KiB pages, Normal Write-Back (MAIR attr 0), 39-bit VAs.  Data pages
     * are EL0+EL1 read/write (AP=01) so LDTR/STTR work; the code and vector
     * pages are EL1-only (AP=00), since EL0-writable pages are never
     * executable at EL1.  (HCR_EL2.DC would also make memory Normal, but it
     * enables stage 2 as well.) */
    const u64 l1 = 0x47ff0000ull, l2 = l1 + 0x1000, l3 = l1 + 0x2000;
    u64 d = l2 | 3;
    phys_write_buf(m, l1 + 8 * 1, &d, 8);          /* VA[38:30] = 1 -> 0x40000000 */
    d = l3 | 3;
    phys_write_buf(m, l2, &d, 8);                  /* first 2 MiB */
    for (u64 pg = 0; pg < 512; pg++) {
        u64 pa = MEM + (pg << 12);
        bool code = pa >= CODE && pa < VBAR + 0x1000;
        d = pa | 1ull << 10 | 3ull << 8 | (code ? 0 : 1ull << 6) | 3;   /* AF, ISH, AP, page */
        phys_write_buf(m, l3 + 8 * pg, &d, 8);
    }
    c->mair_el[1] = 0xff;
    c->tcr_el[1] = 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23;   /* T0SZ=25, WB, ISH, EPD1 */
    c->ttbr0_el[1] = l1;
    c->sctlr_el[1] |= SCTLR_M;
    c->vbar_el[1] = VBAR;
    tlb_flush_all(c);

    uc_engine *uc;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK) {
        fprintf(stderr, "diff_ldst: cannot create a Unicorn engine\n");
        return 2;
    }
    /* (Unicorn 2.0.1 asserts when the A53 model is selected; its default
     * A72 model decodes the ARMv8.0 load/store classes identically.) */
    uc_mem_map(uc, MEM, MEM_SIZE, UC_PROT_ALL);

    u8 *img = malloc(MEM_SIZE), *a = malloc(2 * WIN + 64), *b = malloc(2 * WIN + 64);
    if (!img || !a || !b)
        return 2;
    for (u64 i = 0; i < MEM_SIZE; i++)
        img[i] = (u8)rnd();
    for (u64 off = 0; off < 0x800; off += 4)   /* vectors: b . */
        memcpy(img + (VBAR - MEM) + off, &(u32){0x14000000u}, 4);
    memcpy(img + (CODE - 4 - MEM), &(u32){0xd503305fu}, 4);   /* clrex */
    phys_write_buf(m, MEM, img, MEM_SIZE);
    uc_mem_write(uc, MEM, img, MEM_SIZE);

    unsigned long bad = 0, undef = 0;
    for (unsigned long it = 0; it < iters && bad < 10; it++) {
        Case k;
        memset(&k, 0, sizeof(k));
        gen(&k);
        for (unsigned i = 0; i < k.n; i++) {
            phys_write_buf(m, CODE + 4 * i, &k.insn[i], 4);
            uc_mem_write(uc, CODE + 4 * i, &k.insn[i], 4);
        }
        for (unsigned i = 0; i < 31; i++) {
            c->x[i] = k.regs[i];
            uc_reg_write(uc, uc_xreg(i), &k.regs[i]);
        }
        c->x[31] = k.regs[31];
        uc_reg_write(uc, UC_ARM64_REG_SP, &k.regs[31]);
        /* Both local monitors start clear (Unicorn's through the CLREX
         * placed before CODE in both memories). */
        uc_emu_start(uc, CODE - 4, 0, 0, 1);
        excl_clear(c);

        c->pc = CODE;
        cpu_run(c, k.n);
        bool hs_exc = (c->pc & ~0x7ffull) == VBAR;
        uc_err e = uc_emu_start(uc, CODE, CODE + 4 * k.n, 0, k.n);
        bool uc_exc = e != UC_ERR_OK;
        if (hs_exc)
            undef++;
        if (hs_exc != uc_exc) {
            report(&k, hs_exc ? "hyperstep took an exception, Unicorn did not" : "Unicorn faulted, hyperstep did not");
            fprintf(stderr, "  hyperstep ESR_EL1=0x%llx, unicorn: %s\n",
                    (unsigned long long)c->esr_el[1], uc_strerror(e));
            bad++;
            continue;
        }
        for (unsigned i = 0; i < 32; i++) {
            u64 v = 0;
            uc_reg_read(uc, i == 31 ? UC_ARM64_REG_SP : uc_xreg(i), &v);
            if (v != c->x[i]) {
                report(&k, "register");
                fprintf(stderr, "  X%u: hyperstep 0x%llx, unicorn 0x%llx\n", i,
                        (unsigned long long)c->x[i], (unsigned long long)v);
                bad++;
                break;
            }
        }
        if (k.base < 32 && !hs_exc) {
            u64 lo = k.regs[k.base] - WIN;
            phys_read_buf(m, lo, a, 2 * WIN + 64);
            uc_mem_read(uc, lo, b, 2 * WIN + 64);
            if (memcmp(a, b, 2 * WIN + 64)) {
                report(&k, "memory");
                bad++;
                /* resynchronise the window so later iterations stay meaningful */
                phys_write_buf(m, lo, b, 2 * WIN + 64);
            }
        }
    }
    printf("diff_ldst: %lu iterations, %lu with exceptions, %lu mismatches\n", iters, undef, bad);
    uc_close(uc);
    virt_destroy(m);
    free(img);
    free(a);
    free(b);
    return bad ? 1 : 0;
}
