/*
 * tests/diff/diff_fp.c — differential test of the SIMD&FP data path against
 * Unicorn 2 (QEMU's Arm model, Cortex-A53 CPU model), in process.
 *
 * Random instructions are drawn from the decode tables' mask/match
 * (a64_patterns[], tables named on the command line), run once on a fresh
 * random state in both emulators, and V0-V31, X0-X30, NZCV and FPSR are
 * compared.  Operands mix random bits with special values (+-0, +-Inf,
 * QNaN/SNaN with payloads, denormals, extreme normals, ties, integer
 * conversion limits); FPCR takes every rounding mode with FZ, DN and AHP
 * on and off.  An instruction UNDEFINED in both is a match.
 *
 * usage: diff_fp ITERATIONS SEED TABLE[,TABLE...]
 * Exit status 0 only with zero mismatches.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "cpu/cpu.h"
#include "decoder/decode.h"
#include "machine/machine.h"
#include "machine/virt/virt.h"

#define CODE 0x40001000ull
#define DATA 0x40010000ull
#define VBAR 0x40080000ull
#define DATA_SIZE 0x20000u   /* compared after every load/store */

/*
 * libunicorn exports QEMU symbols (cpu_reset, mmu_translate) that hyperstep
 * also defines: the executable is linked with --exclude-libs,ALL so that
 * libhs's symbols stay out of the dynamic symbol table and Unicorn binds to
 * its own.  (dlopen(RTLD_DEEPBIND) would also work, but the sanitizer
 * runtimes refuse it.)
 */
static bool load_unicorn(void)
{
    return true;
}

static u64 rs;
static u64 rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

/* A special or random floating-point bit pattern of N bits. */
static u64 fp_operand(int n)
{
    int e = n == 16 ? 5 : n == 32 ? 8 : 11, f = n - 1 - e;
    u64 sign = (rnd() & 1) << (n - 1), fm = (1ull << f) - 1, emax = (1ull << e) - 1;
    u64 bias = emax >> 1, r = rnd();
    switch (rnd() % 20) {
    case 0: return sign;                                          /* +-0 */
    case 1: return sign | emax << f;                              /* +-Inf */
    case 2: return sign | emax << f | 1ull << (f - 1) | (r & (fm >> 1));   /* QNaN */
    case 3: return sign | emax << f | ((r & (fm >> 1)) | 1);     /* SNaN */
    case 4: return sign | (r & fm);                               /* denormal */
    case 5: return sign | 1ull << f | (r & 3);                    /* smallest normals */
    case 6: return sign | (emax - 1) << f | (fm - (r & 3));       /* largest normals */
    case 7: return sign | (bias + r % 4) << f | (r >> 8 & 1ull) << (f - 1);   /* 1, 1.5, 2, 3 ... */
    case 8: return sign | (bias - 1 + r % 3) << f | (fm >> (r % 4)) >> 1 << 1;   /* near ties */
    case 9: {                                                     /* near integer limits */
        u64 ex = n == 16 ? bias + 10 + r % 6 : bias + (r % 2 ? 31 : 63) - 1 + (r >> 3) % 3;
        if (ex >= emax) ex = emax - 1;
        return sign | ex << f | ((r >> 8) & fm & (r & 1 ? ~0ull : 0));
    }
    case 10: case 11: case 12:                                    /* moderate exponents */
        return sign | (bias - 24 + (r >> 40) % 48) % emax << f | (r & fm);
    case 13:                                                      /* near the denormal range */
        return sign | ((r >> 40) % 4) << f | (r & fm);
    default: return r & ((n == 64) ? ~0ull : ((1ull << n) - 1));
    }
}

static u64 int_operand(void)
{
    u64 r = rnd();
    switch (rnd() % 8) {
    case 0: return r & 0xff;
    case 1: return (u64)-(s64)(r & 0xff);
    case 2: return 1ull << (r % 64);
    case 3: return (1ull << (r % 64)) - 1;
    case 4: return 0x8000000000000000ull + (r & 3) - 2;
    case 5: return (u32)r;
    default: return r;
    }
}

typedef struct State {
    u64 x[31];
    u64 v[32][2];
    u32 nzcv, fpcr, fpsr;
} State;

static void random_state(State *s, bool ldst)
{
    for (int i = 0; i < 31; i++)
        s->x[i] = ldst ? DATA + 0x8000 + (rnd() & 0x3ff0) - 0x2000 : int_operand();
    if (ldst)
        for (int i = 0; i < 8; i++)
            s->x[rnd() % 31] = (rnd() & 0x1ff) - 0x100;   /* small register offsets */
    for (int i = 0; i < 32; i++) {
        for (int h = 0; h < 2; h++) {
            int w = (int[]){16, 32, 64, 64, 32}[rnd() % 5];
            u64 v = 0;
            for (int k = 0; k < 64; k += w)
                v |= fp_operand(w) << k;
            s->v[i][h] = v;
        }
    }
    s->nzcv = (u32)(rnd() & 0xf) << 28;
    u32 r = (u32)rnd();
    s->fpcr = (r & 3) << 22;                      /* RMode */
    if (r & 4) s->fpcr |= 1u << 24;               /* FZ */
    if (r & 8) s->fpcr |= 1u << 25;               /* DN */
    if ((r & 0x70) == 0x70) s->fpcr |= 1u << 26;  /* AHP */
    s->fpsr = (r & 0x300) == 0x300 ? (u32)(rnd() & 0x0800009f) : 0;
}

static const int uc_x[31] = {
    UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3, UC_ARM64_REG_X4,
    UC_ARM64_REG_X5, UC_ARM64_REG_X6, UC_ARM64_REG_X7, UC_ARM64_REG_X8, UC_ARM64_REG_X9,
    UC_ARM64_REG_X10, UC_ARM64_REG_X11, UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14,
    UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
    UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23, UC_ARM64_REG_X24,
    UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27, UC_ARM64_REG_X28, UC_ARM64_REG_X29,
    UC_ARM64_REG_X30,
};

static void uc_put(uc_engine *uc, const State *s)
{
    for (int i = 0; i < 31; i++)
        uc_reg_write(uc, uc_x[i], &s->x[i]);
    for (int i = 0; i < 32; i++)
        uc_reg_write(uc, UC_ARM64_REG_Q0 + i, s->v[i]);
    u64 nzcv = s->nzcv, fpcr = s->fpcr, fpsr = s->fpsr;
    uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
    uc_reg_write(uc, UC_ARM64_REG_FPCR, &fpcr);
    uc_reg_write(uc, UC_ARM64_REG_FPSR, &fpsr);
}

static void uc_get(uc_engine *uc, State *s)
{
    for (int i = 0; i < 31; i++)
        uc_reg_read(uc, uc_x[i], &s->x[i]);
    for (int i = 0; i < 32; i++)
        uc_reg_read(uc, UC_ARM64_REG_Q0 + i, s->v[i]);
    u64 nzcv = 0, fpsr = 0;
    uc_reg_read(uc, UC_ARM64_REG_NZCV, &nzcv);
    uc_reg_read(uc, UC_ARM64_REG_FPSR, &fpsr);
    s->nzcv = (u32)nzcv & 0xf0000000u;
    s->fpsr = (u32)fpsr & 0x0800009fu;
}

static void hs_put(Cpu *c, const State *s)
{
    memcpy(c->x, s->x, sizeof(s->x));
    c->x[31] = DATA + 0x8000;
    for (int i = 0; i < 32; i++) {
        c->v[i].d[0] = s->v[i][0];
        c->v[i].d[1] = s->v[i][1];
    }
    c->nzcv = s->nzcv;
    c->fpcr = s->fpcr;
    c->fpsr = s->fpsr;
}

static void hs_get(Cpu *c, State *s)
{
    memcpy(s->x, c->x, sizeof(s->x));
    for (int i = 0; i < 32; i++) {
        s->v[i][0] = c->v[i].d[0];
        s->v[i][1] = c->v[i].d[1];
    }
    s->nzcv = c->nzcv;
    s->fpsr = c->fpsr & 0x0800009fu;
}

/* Encodings excluded from comparison, each for a verified Unicorn 2.0.1
 * (QEMU 5.0) divergence from the Arm ARM.  Returns a reason or NULL. */
static const char *excluded(u32 insn)
{
    (void)insn;
    return NULL;
}

static bool table_selected(const char *tables, const char *t)
{
    size_t n = strlen(t);
    for (const char *p = tables; (p = strstr(p, t)); p += n)
        if ((p == tables || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s ITERATIONS SEED TABLE[,TABLE...]\n", argv[0]);
        return 2;
    }
    u64 iters = strtoull(argv[1], NULL, 0);
    rs = strtoull(argv[2], NULL, 0) * 0x9E3779B97F4A7C15ull | 1;
    const char *tables = argv[3];
    bool ldst = strstr(tables, "ldst") != NULL;

    unsigned pats[1024], npats = 0;
    for (unsigned i = 0; i < a64_num_patterns && npats < 1024; i++)
        if (table_selected(tables, a64_patterns[i].table))
            pats[npats++] = i;
    if (!npats) {
        fprintf(stderr, "diff_fp: no patterns in tables %s\n", tables);
        return 2;
    }

    VirtOptions o;
    virt_default_options(&o);
    o.loader[0] = (LoaderSpec){.file = NULL, .addr = CODE, .has_addr = true, .cpu_num = 0};
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    if (!m) {
        fprintf(stderr, "diff_fp: cannot create machine\n");
        return 2;
    }
    Cpu *c = m->cpu[0];
    c->power = CORE_ON;
    cpu_set_el_spsel(c, 1, 1);
    c->cpacr_el1 = 3u << 20;
    c->vbar_el[1] = VBAR;

    uc_engine *uc;
    if (!load_unicorn())
        return 2;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK) {
        fprintf(stderr, "diff_fp: uc_open failed\n");
        return 2;
    }
    /* UC_CPU_ARM64_A53 asserts in Unicorn 2.0.1 (cpu_address_space_init); the
     * default model (Cortex-A72, also ARMv8.0-A with the same FP/AdvSIMD/crypto
     * feature set) is used instead. */
    uc_mem_map(uc, 0x40000000, 0x100000, UC_PROT_ALL);
    static u8 data[DATA_SIZE];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (u8)rnd();

    u64 mismatches = 0, both_undef = 0, ran = 0, skipped = 0, outside = 0, undef_only = 0;
    bool resync = true;
    static u64 per_pat[4096];   /* compared executions per pattern (--stats) */
    for (u64 it = 0; it < iters; it++) {
        const DecodePattern *p = &a64_patterns[pats[rnd() % npats]];
        u32 insn = p->match | ((u32)rnd() & ~p->mask);
        if (excluded(insn)) {
            skipped++;
            continue;
        }
        State s0, sh, su;
        random_state(&s0, ldst);
        if (ldst && resync) {
            phys_write_buf(m, DATA, data, sizeof(data));
            uc_mem_write(uc, DATA, data, sizeof(data));
            resync = false;
        }
        /* hyperstep */
        phys_write_buf(m, CODE, &insn, 4);
        hs_put(c, &s0);
        c->pc = CODE;
        cpu_set_el_spsel(c, 1, 1);
        c->budget = 0;
        cpu_run(c, 1);
        bool hs_undef = c->pc != CODE + 4;
        if (hs_undef && rnd() % 8) {
            /* Most UNDEFINED draws are not worth a Unicorn run; one in
             * eight still checks that Unicorn agrees it is UNDEFINED. */
            undef_only++;
            resync = true;   /* a faulting store may have written part of its data */
            continue;
        }
        hs_get(c, &sh);
        /* unicorn */
        uc_mem_write(uc, CODE, &insn, 4);
        uc_ctl_remove_cache(uc, CODE, CODE + 4);
        uc_put(uc, &s0);
        u64 sp = DATA + 0x8000;
        uc_reg_write(uc, UC_ARM64_REG_SP, &sp);
        uc_err err = uc_emu_start(uc, CODE, CODE + 4, 0, 1);
        bool uc_undef = err != UC_ERR_OK;
        uc_get(uc, &su);
        if (err == UC_ERR_READ_UNMAPPED || err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_FETCH_UNMAPPED) {
            /* Address outside the memory both emulators have: not comparable. */
            outside++;
            resync = true;
            continue;
        }
        if (hs_undef && !uc_undef && (c->esr_el[1] >> 26) == 0x25 && (c->esr_el[1] & 0x3f) == 0x21) {
            /* Alignment fault: with the MMU off hyperstep treats data
             * accesses as Device memory (Arm ARM D5.2.9) and checks
             * alignment; Unicorn 2.0.1 (QEMU 5.0) does not. */
            outside++;
            resync = true;
            continue;
        }
        ran++;
        if (!hs_undef)
            per_pat[p - a64_patterns]++;
        if (hs_undef && uc_undef) {
            both_undef++;
            continue;
        }
        bool bad = hs_undef != uc_undef || memcmp(sh.x, su.x, sizeof(sh.x)) ||
                   memcmp(sh.v, su.v, sizeof(sh.v)) || sh.nzcv != su.nzcv || sh.fpsr != su.fpsr;
        if (ldst && !bad) {  /* memory */
            static u8 a[DATA_SIZE], b[DATA_SIZE];
            phys_read_buf(m, DATA, a, sizeof(a));
            uc_mem_read(uc, DATA, b, sizeof(b));
            bad = memcmp(a, b, sizeof(a)) != 0;
            if (bad)
                for (size_t i = 0; i < sizeof(a); i++)
                    if (a[i] != b[i]) {
                        printf("  memory differs first at %#" PRIx64 ": hs %02x uc %02x\n", (uint64_t)(DATA + i), a[i], b[i]);
                        break;
                    }
        }
        if (!bad)
            continue;
        mismatches++;
        resync = true;
        if (mismatches <= 20) {
            printf("MISMATCH %08x (%s) fpcr=%08x fpsr0=%08x hs_undef=%d uc_undef=%d(err %d)\n", insn,
                   p->name, s0.fpcr, s0.fpsr, hs_undef, uc_undef, err);
            for (int i = 0; i < 31; i++)
                if (sh.x[i] != su.x[i])
                    printf("  x%d: in %016" PRIx64 " hs %016" PRIx64 " uc %016" PRIx64 "\n", i, s0.x[i], sh.x[i], su.x[i]);
            for (int i = 0; i < 32; i++)
                if (memcmp(sh.v[i], su.v[i], 16))
                    printf("  v%d: hs %016" PRIx64 ":%016" PRIx64 " uc %016" PRIx64 ":%016" PRIx64 "\n", i,
                           sh.v[i][1], sh.v[i][0], su.v[i][1], su.v[i][0]);
            if (sh.nzcv != su.nzcv)
                printf("  nzcv: in %x hs %x uc %x\n", s0.nzcv >> 28, sh.nzcv >> 28, su.nzcv >> 28);
            if (sh.fpsr != su.fpsr)
                printf("  fpsr: hs %08x uc %08x\n", sh.fpsr, su.fpsr);
            /* operands: the registers named in the usual fields */
            unsigned rn = insn >> 5 & 31, rm = insn >> 16 & 31, ra = insn >> 10 & 31, rd = insn & 31;
            printf("  in: vn(v%u)=%016" PRIx64 ":%016" PRIx64 " vm(v%u)=%016" PRIx64 ":%016" PRIx64
                   " va(v%u)=%016" PRIx64 " vd(v%u)=%016" PRIx64 ":%016" PRIx64 "\n",
                   rn, s0.v[rn][1], s0.v[rn][0], rm, s0.v[rm][1], s0.v[rm][0], ra, s0.v[ra][0], rd,
                   s0.v[rd][1], s0.v[rd][0]);
        }
    }
    printf("diff_fp %s: %" PRIu64 " compared (%" PRIu64 " executed in both, %" PRIu64 " UNDEFINED in both), %" PRIu64
           " UNDEFINED here not sent to Unicorn, %" PRIu64 " excluded, %" PRIu64
           " outside test memory or unaligned, %" PRIu64 " mismatches\n", tables, ran, ran - both_undef, both_undef,
           undef_only, skipped, outside, mismatches);
    if (getenv("DIFF_STATS"))
        for (unsigned i = 0; i < npats; i++)
            printf("  %-20s %" PRIu64 " executed and compared\n", a64_patterns[pats[i]].name, per_pat[pats[i]]);
    uc_close(uc);
    virt_destroy(m);
    return mismatches ? 1 : 0;
}
