/*
 * tests/fuzz/soak.c — hs-soak: whole-system soak with random instruction
 * streams.  A 4-core virt board (secure=on, virtualization=on) runs random
 * A64 code at a chosen EL on every core; each chunk of CHUNK steps starts
 * from fresh random state (registers, PC, the code itself) at that EL, so
 * exceptions, traps, EL changes, MMU and system-register writes, GIC/UART/
 * RTC MMIO and PSCI calls all happen in whatever order the dice give, while
 * the time spent stays at the EL under test.  The run must end without a
 * host crash, a sanitizer report or an emulator hang (every chunk is
 * bounded by stop_after).
 *
 * usage: hs-soak [--el 0|1|2|3|all] [--insns N] [--seed S] [--gic 2|3]
 *                [--chunk STEPS]
 *   --insns   instructions to retire per EL, summed over the 4 cores
 *             (default 1000000)
 * Prints per EL: instructions retired, chunks, exceptions seen by the
 * final EL, and MIPS; exit status 0 when every EL reached its count.
 *
 * The instruction mix (per word): 30% uniformly random; 20% random in the
 * data-processing/load-store/SIMD encoding groups; 15% MSR/MRS of a
 * system register the machine knows (random op, random Rt); 15% loads and
 * stores whose base x0..x7 holds a device or RAM address; 10% branches
 * and exception-generating/barrier/hint/ERET; 10% NOP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/power.h"
#include "cpu/sysreg.h"
#include "machine/virt/virt.h"
#include "mmu/mmu.h"

#define RAM 0x40000000ull
#define CODE_SIZE (256u << 10)   /* bytes of random code at RAM + 1 MiB */
#define CODE_BASE (RAM + (1u << 20))

static u64 rng_state;

/* xorshift64*: the soak's only source of randomness (seeded by --seed). */
static u64 rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned sysreg_keys[4096];
static unsigned nsysreg_keys;

/* Device and RAM addresses the load/store bases point at. */
static const u64 targets[] = {
    0x08000000, 0x08010000, 0x08020000, 0x08030000, 0x08040000, 0x080a0000, 0x080c0000,
    0x09000000, 0x09010000, 0x090c0000, 0x0e000000, RAM, CODE_BASE, RAM + 0x3ff0000,
};

static u32 random_insn(void)
{
    unsigned pick = (unsigned)(rnd() % 100);
    u32 r = (u32)rnd();
    if (pick < 30)
        return r;
    if (pick < 50) {
        /* op0 bits 28:25: 100x DP-imm, x101 DP-reg, x111 SIMD/FP, x1x0 ld/st. */
        static const u32 groups[] = {0x8, 0x9, 0x5, 0xd, 0x7, 0xf, 0x4, 0x6, 0xc, 0xe};
        return (r & ~(0xfu << 25)) | groups[rnd() % ARRAY_SIZE(groups)] << 25;
    }
    if (pick < 65 && nsysreg_keys) {
        unsigned k = sysreg_keys[rnd() % nsysreg_keys];
        unsigned op0 = k >> 14, op1 = (k >> 11) & 7, crn = (k >> 7) & 15, crm = (k >> 3) & 15, op2 = k & 7;
        return 0xd5000000u | (u32)(rnd() & 1) << 21 | op0 << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 |
               (u32)(rnd() % 31);
    }
    if (pick < 80) {
        /* LDR/STR (unsigned offset), sizes 8..64, base x0..x7, small offset. */
        u32 size = (u32)(rnd() & 3), opc = (u32)(rnd() & 1);
        return size << 30 | 0x39000000u | opc << 22 | (u32)(rnd() & 0x3f) << 10 | (u32)(rnd() & 7) << 5 |
               (u32)(8 + rnd() % 22);
    }
    if (pick < 90) {
        static const u32 fixed[] = {
            0xd4000001, /* SVC #0 */ 0xd4000002, /* HVC #0 */ 0xd4000003, /* SMC #0 */
            0xd69f03e0, /* ERET */ 0xd503207f, /* WFI */ 0xd503205f, /* WFE */ 0xd503209f, /* SEV */
            0xd5033f9f, /* DSB SY */ 0xd5033fdf, /* ISB */ 0xd508871f, /* TLBI VMALLE1 */
            0xd50b7520, /* IC IVAU, x0 */ 0xd50b7e20, /* DC CIVAC, x0 */ 0xd5087800, /* AT S1E1R, x0 */
            0xd4200000, /* BRK #0 */ 0xd4400000, /* HLT #0 */ 0xd503233f, /* PACIASP (hint) */
        };
        if (rnd() & 1)
            return fixed[rnd() % ARRAY_SIZE(fixed)];
        static const u32 br[] = {0x14000000, 0x94000000, 0x54000000, 0xb4000000, 0x36000000};
        u32 b = br[rnd() % ARRAY_SIZE(br)];
        s32 off = (s32)(rnd() % 64) - 32;
        if (b == 0x14000000 || b == 0x94000000)
            return b | ((u32)off & 0x3ffffff);
        if (b == 0x36000000)
            return b | ((u32)off & 0x3fff) << 5 | (u32)(rnd() & 31) | (u32)(rnd() & 31) << 19;
        return b | ((u32)off & 0x7ffff) << 5 | (u32)(rnd() & 31);
    }
    return 0xd503201f;   /* NOP */
}

/* Fresh random state at EL on core C: registers, stack, vector bases (into
 * the random code, so a taken exception runs more of it), PC. */
static void randomize_core(Machine *m, Cpu *c, unsigned el)
{
    for (unsigned i = 0; i < 31; i++)
        c->x[i] = i < 8 ? targets[rnd() % ARRAY_SIZE(targets)] + (rnd() & 0xff8) : rnd();
    bool ns = el < 3 && (rnd() % 8);   /* mostly Non-secure below EL3 */
    c->scr_el3 = (rnd() & ~1ull & 0x3fff) | (ns ? 1 : 0) | 1u << 10 | 1u << 8;
    c->hcr_el2 = (rnd() & 0xffffffffull & ~(1ull << 27)) | 1ull << 31;   /* RW; TGE off */
    if (rnd() & 1)
        c->hcr_el2 &= ~0xfffull;   /* often no traps/virtual interrupts at all */
    u64 vbar = CODE_BASE + ((rnd() % (CODE_SIZE / 0x800)) * 0x800);
    c->vbar_el[1] = c->vbar_el[2] = c->vbar_el[3] = vbar;
    for (unsigned i = 0; i < 4; i++)
        c->sp_el[i] = RAM + 0x3f00000 - (rnd() & 0xff0);
    cpu_set_el_spsel(c, el, el ? (unsigned)(rnd() & 1) : 0);
    c->daif = (u32)(rnd() & 0xf) << 6;
    c->pc = CODE_BASE + (rnd() % (CODE_SIZE / 4)) * 4;
    cpu_update_derived(c);
    if (c->power != CORE_ON)
        cpu_set_power(c, CORE_ON, "soak restart");
    tlb_flush_all(c);
    (void)m;
}

static void fill_code(Machine *m)
{
    static u32 buf[CODE_SIZE / 4];
    for (unsigned i = 0; i < ARRAY_SIZE(buf); i++)
        buf[i] = random_insn();
    phys_write_buf(m, CODE_BASE, buf, sizeof(buf));
}

static int usage(void)
{
    fprintf(stderr, "usage: hs-soak [--el 0|1|2|3|all] [--insns N] [--seed S] [--gic 2|3] [--chunk STEPS]\n");
    return 1;
}

int main(int argc, char **argv)
{
    int el_only = -1, gic = 3;
    u64 insns = 1000000, seed = 1, chunk = 20000;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        if (!strcmp(argv[i], "--el"))
            el_only = strcmp(v, "all") ? atoi(v) : -1;
        else if (!strcmp(argv[i], "--insns"))
            insns = strtoull(v, NULL, 0);
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(v, NULL, 0);
        else if (!strcmp(argv[i], "--gic"))
            gic = atoi(v);
        else if (!strcmp(argv[i], "--chunk"))
            chunk = strtoull(v, NULL, 0);
        else
            return usage();
        i++;
    }
    if (el_only > 3 || (gic != 2 && gic != 3) || !insns || chunk < 1000)
        return usage();
    rng_state = seed * 0x9e3779b97f4a7c15ull | 1;
    int status = 0;
    for (unsigned el = 0; el < 4; el++) {
        if (el_only >= 0 && el != (unsigned)el_only)
            continue;
        VirtOptions o;
        virt_default_options(&o);
        o.smp = 4;
        o.gic_version = gic;
        o.secure = o.virtualization = true;
        o.ram_size = 64ull << 20;
        o.no_stdin = true;
        o.loader[0] = (LoaderSpec){NULL, CODE_BASE, true, 0, false};
        o.nloaders = 1;
        Machine *m = virt_create(&o);
        if (!m)
            return 1;
        nsysreg_keys = 0;
        for (unsigned k = 0; k < 65536 && nsysreg_keys < ARRAY_SIZE(sysreg_keys); k++)
            if (m->sysreg_index[k])
                sysreg_keys[nsysreg_keys++] = k;
        u64 retired = 0, chunks = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        while (retired < insns) {
            if (chunks % 16 == 0)
                fill_code(m);
            for (unsigned i = 0; i < m->ncpu; i++)
                randomize_core(m, m->cpu[i], el);
            u64 before = 0;
            for (unsigned i = 0; i < m->ncpu; i++)
                before += m->cpu[i]->icount;
            m->exit_requested = false;
            m->reset_requested = false;
            m->exit_code = 0;
            m->stop_after = m->steps + chunk;
            machine_run(m);
            u64 after = 0;
            for (unsigned i = 0; i < m->ncpu; i++)
                after += m->cpu[i]->icount;
            retired += after - before;
            chunks++;
            if (chunks > insns / 10 + 1000) {
                /* Chunks that retire nothing (every core asleep at once,
                 * again and again) would loop forever: a harness failure. */
                fprintf(stderr, "hs-soak: EL%u: %llu chunks retired only %llu instructions\n", el,
                        (unsigned long long)chunks, (unsigned long long)retired);
                status = 1;
                break;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        printf("EL%u: %llu instructions in %llu chunks, %.1f s, %.1f MIPS (seed %llu, GICv%d)\n", el,
               (unsigned long long)retired, (unsigned long long)chunks, secs, (double)retired / secs / 1e6,
               (unsigned long long)seed, gic);
        fflush(stdout);
        virt_destroy(m);
    }
    return status;
}
