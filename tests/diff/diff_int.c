/*
 * tests/diff/diff_int.c — differential test of the A64 integer instructions
 * against Unicorn 2 (QEMU-based, in-process).
 *
 * Random instruction words are generated from the decoder's own pattern
 * table (a64_patterns[]): every pattern of an allowed table (data processing
 * immediate/register, branches, loads/stores) gets its don't-care bits and
 * fields filled randomly, so every encoding class, including its reserved
 * field values, is exercised.  Registers get random and edge values (0, -1,
 * INT_MIN, INT_MAX, small numbers, pointers into the RAM window), NZCV is
 * random.  One instruction is run on both models, then X0-X30, SP, PC, NZCV
 * and (for loads/stores) the RAM window are compared.
 *
 * Instructions where either side takes an exception are skipped but
 * counted; the run fails if fewer than MIN_EXEC_RATIO of them executed, if
 * some allowed pattern never executed, or on any mismatch.  An asymmetric
 * outcome (one side executes, the other raises) in a table without memory
 * accesses is reported as a failure as well (it means a missing or extra
 * UNDEF); for loads/stores it is expected (alignment and SP-alignment checks
 * with the MMU off, which QEMU 5 / Unicorn 2.0 does not implement) and only
 * counted, as are store-exclusives whose status register overlaps Rt/Rn
 * (CONSTRAINED UNPREDICTABLE, Arm ARM K1.2: QEMU UNDEFs, hyperstep executes).
 * Both local exclusive monitors are cleared (CLREX) before every exclusive.
 * No Unicorn bug has needed excluding for these classes so far.
 *
 * Usage: diff_int [--iterations N] [--seed S] [--only NAME] [--verbose]
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "cpu/exclusive.h"
#include "decoder/decode.h"
#include "tests/diff/diff_machine.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x10000ull             /* the window mapped in both models */
#define CODE_PC (RAM_BASE + 0x8000)     /* middle, so PC-relative loads can hit */
#define PRELUDE_PC (CODE_PC + 4)        /* CLREX before exclusives */
#define MIN_EXEC_RATIO 0.5
#define ESR_SENTINEL 0xdead0000beefull

/* Tables whose patterns are tested; NAMES, if non-NULL, restricts a table
 * to the listed pattern names (branch_sys also holds system instructions
 * and exception generators, which cannot be compared one-shot). */
static const char *const branch_names[] = {"B_imm", "B_cond", "CB", "TB", "BR", "BLR", "RET", NULL};
static const struct {
    const char *table;
    const char *const *names;
    bool memory;   /* accesses memory: compare RAM, tolerate asymmetric faults */
} allow[] = {
    {"a64_dp_imm", NULL, false},
    {"a64_dp_reg", NULL, false},
    {"a64_branch_sys", branch_names, false},
    {"a64_ldst", NULL, true},
};

typedef struct PatStat {
    const DecodePattern *p;
    bool memory;
    bool exclusive;
    u64 tried, executed, both_exc, asym_hs_exc, asym_uc_exc;
} PatStat;

/* xorshift64* — deterministic from the printed seed. */
typedef struct Rng { u64 s; } Rng;
static u64 rnd(Rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

static u64 rand_value(Rng *r)
{
    u64 k = rnd(r) % 16;
    switch (k) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 1ull << 63;
    case 3: return ~0ull >> 1;
    case 4: return 0x80000000ull;
    case 5: return 0xffffffff80000000ull;
    case 6: return 0x7fffffffull;
    case 7: return 0xffffffffull;
    case 8: return rnd(r) % 70;                 /* small / shift amounts */
    case 9: return (u64)-(s64)(rnd(r) % 70);
    case 10: case 11: case 12:                  /* pointer into the window */
        return (RAM_BASE + 0x100 + rnd(r) % (RAM_SIZE - 0x200)) & (rnd(r) % 8 ? ~7ull : ~0ull);
    case 13: return (u32)rnd(r);
    default: return rnd(r);
    }
}

typedef struct State {
    u64 x[31], sp, pc;
    u32 nzcv;
} State;

static const int uc_xregs[31] = {
    UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3, UC_ARM64_REG_X4,
    UC_ARM64_REG_X5, UC_ARM64_REG_X6, UC_ARM64_REG_X7, UC_ARM64_REG_X8, UC_ARM64_REG_X9,
    UC_ARM64_REG_X10, UC_ARM64_REG_X11, UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14,
    UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
    UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23, UC_ARM64_REG_X24,
    UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27, UC_ARM64_REG_X28, UC_ARM64_REG_X29,
    UC_ARM64_REG_X30,
};

typedef struct Ctx {
    Machine *m;
    Cpu *c;
    uc_engine *uc;
    csh cs;
    u8 *hs_mem, *uc_mem;   /* scratch for RAM comparison */
} Ctx;

static void uc_check(uc_err e, const char *what)
{
    if (e != UC_ERR_OK) {
        fprintf(stderr, "diff_int: unicorn %s: %s\n", what, uc_strerror(e));
        exit(2);
    }
}

static void uc_set_state(Ctx *x, const State *s)
{
    for (int i = 0; i < 31; i++)
        uc_check(uc_reg_write(x->uc, uc_xregs[i], &s->x[i]), "reg_write");
    uc_check(uc_reg_write(x->uc, UC_ARM64_REG_SP, &s->sp), "reg_write sp");
    u64 nzcv = s->nzcv;
    uc_check(uc_reg_write(x->uc, UC_ARM64_REG_NZCV, &nzcv), "reg_write nzcv");
}

static void uc_get_state(Ctx *x, State *s)
{
    for (int i = 0; i < 31; i++)
        uc_check(uc_reg_read(x->uc, uc_xregs[i], &s->x[i]), "reg_read");
    uc_check(uc_reg_read(x->uc, UC_ARM64_REG_SP, &s->sp), "reg_read sp");
    uc_check(uc_reg_read(x->uc, UC_ARM64_REG_PC, &s->pc), "reg_read pc");
    u64 nzcv = 0;
    uc_check(uc_reg_read(x->uc, UC_ARM64_REG_NZCV, &nzcv), "reg_read nzcv");
    s->nzcv = (u32)nzcv & 0xf0000000u;
}

/* Run one instruction at PC on Unicorn; true if it executed. */
static bool uc_step(Ctx *x, u64 pc, u32 insn)
{
    uc_check(uc_mem_write(x->uc, pc, &insn, 4), "mem_write code");
    uc_check(uc_ctl_remove_cache(x->uc, pc, pc + 4), "remove_cache");
    uc_err e = uc_emu_start(x->uc, pc, pc + 4, 0, 1);
    if (e == UC_ERR_FETCH_UNMAPPED) {
        /* A branch out of the window: the instruction completed, only the
         * (never executed) next fetch failed. */
        u64 npc = 0;
        uc_check(uc_reg_read(x->uc, UC_ARM64_REG_PC, &npc), "reg_read pc");
        return npc != pc;
    }
    return e == UC_ERR_OK;
}

/* Run one instruction at PC on hyperstep; true if no exception was taken. */
static bool hs_step(Ctx *x, u64 pc, u32 insn)
{
    Cpu *c = x->c;
    if (!phys_write_buf(x->m, pc, &insn, 4)) {
        fprintf(stderr, "diff_int: cannot write code\n");
        exit(2);
    }
    cpu_set_pstate(c, PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F | 1u << 2 | 1 | c->nzcv);
    c->esr_el[1] = ESR_SENTINEL;
    c->pc = pc;
    cpu_run(c, 1);
    return c->esr_el[1] == ESR_SENTINEL && c->el == 1;
}

static void hs_set_state(Ctx *x, const State *s)
{
    Cpu *c = x->c;
    cpu_set_pstate(c, PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F | 1u << 2 | 1);
    memcpy(c->x, s->x, sizeof(s->x));
    c->x[31] = s->sp;
    c->nzcv = s->nzcv;
}

static void hs_get_state(Ctx *x, State *s)
{
    memcpy(s->x, x->c->x, sizeof(s->x));
    s->sp = x->c->x[31];
    s->pc = x->c->pc;
    s->nzcv = x->c->nzcv;
}

/* (Re)create the Unicorn engine with the RAM window mapped (contents are
 * synced by the caller).  Unicorn 2.0.1 grows its translated-code state
 * with every uc_ctl_remove_cache() and eventually crashed (SIGSEGV in
 * cpu_restore_state from an unaligned exclusive access) after ~3M
 * single-instruction runs, so main() restarts it every UC_RESTART_EVERY. */
#define UC_RESTART_EVERY 100000
static void uc_restart(Ctx *x)
{
    if (x->uc)
        uc_close(x->uc);
    uc_check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &x->uc), "open");
    /* Default CPU model (Cortex-A72, ARMv8.0 + CRC32 like the A53):
     * selecting UC_CPU_ARM64_A53 asserts in Unicorn 2.0.1 (num_ases). */
    uc_check(uc_mem_map(x->uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL), "mem_map");
}

/* Copy hyperstep's RAM window into Unicorn's (after a divergence that the
 * test tolerates, e.g. a store only one side executed). */
static void sync_ram(Ctx *x)
{
    phys_read_buf(x->m, RAM_BASE, x->hs_mem, RAM_SIZE);
    uc_check(uc_mem_write(x->uc, RAM_BASE, x->hs_mem, RAM_SIZE), "mem_write ram");
}

static void print_insn(Ctx *x, u32 insn, u64 pc)
{
    cs_insn *ci;
    size_t n = cs_disasm(x->cs, (const u8 *)&insn, 4, pc, 1, &ci);
    if (n) {
        printf("  insn 0x%08x  %s %s\n", insn, ci->mnemonic, ci->op_str);
        cs_free(ci, n);
    } else {
        printf("  insn 0x%08x  (capstone: not an instruction)\n", insn);
    }
}

static void print_state(const char *tag, const State *s)
{
    printf("  %s:", tag);
    for (int i = 0; i < 31; i++)
        printf("%s x%d=%016" PRIx64, i % 4 ? "" : "\n   ", i, s->x[i]);
    printf("\n    sp=%016" PRIx64 " pc=%016" PRIx64 " nzcv=%x\n", s->sp, s->pc, s->nzcv >> 28);
}

static int compare(const State *a, const State *b)
{
    int bad = 0;
    for (int i = 0; i < 31; i++) {
        if (a->x[i] != b->x[i]) {
            printf("  x%d: hyperstep %016" PRIx64 " unicorn %016" PRIx64 "\n", i, a->x[i], b->x[i]);
            bad++;
        }
    }
    if (a->sp != b->sp) {
        printf("  sp: hyperstep %016" PRIx64 " unicorn %016" PRIx64 "\n", a->sp, b->sp);
        bad++;
    }
    if (a->pc != b->pc) {
        printf("  pc: hyperstep %016" PRIx64 " unicorn %016" PRIx64 "\n", a->pc, b->pc);
        bad++;
    }
    if (a->nzcv != b->nzcv) {
        printf("  nzcv: hyperstep %x unicorn %x\n", a->nzcv >> 28, b->nzcv >> 28);
        bad++;
    }
    return bad;
}

static int compare_ram(Ctx *x)
{
    phys_read_buf(x->m, RAM_BASE, x->hs_mem, RAM_SIZE);
    uc_check(uc_mem_read(x->uc, RAM_BASE, x->uc_mem, RAM_SIZE), "mem_read ram");
    int bad = 0;
    for (u64 i = 0; i < RAM_SIZE; i++) {
        if (x->hs_mem[i] != x->uc_mem[i]) {
            if (bad < 16)
                printf("  mem[%016" PRIx64 "]: hyperstep %02x unicorn %02x\n", (u64)(RAM_BASE + i),
                       x->hs_mem[i], x->uc_mem[i]);
            bad++;
        }
    }
    return bad;
}

static bool pattern_allowed(const DecodePattern *p, bool *memory)
{
    for (unsigned t = 0; t < ARRAY_SIZE(allow); t++) {
        if (strcmp(p->table, allow[t].table))
            continue;
        *memory = allow[t].memory;
        if (!allow[t].names)
            return true;
        for (const char *const *n = allow[t].names; *n; n++)
            if (!strcmp(*n, p->name))
                return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    u64 iterations = 200000, seed = 0;
    const char *only = NULL;
    bool verbose = false, trace = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
            iterations = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else if (!strcmp(argv[i], "--trace"))   /* print every instruction before running it */
            trace = true;
        else {
            fprintf(stderr, "usage: diff_int [--iterations N] [--seed S] [--only PATTERN] [--verbose] [--trace]\n");
            return 2;
        }
    }
    if (!seed)
        seed = 0x5eed0000cafef00dull;   /* fixed default: the test run is reproducible */
    printf("diff_int: seed 0x%016" PRIx64 ", %" PRIu64 " iterations\n", seed, iterations);

    /* Candidate patterns. */
    PatStat *ps = calloc(a64_num_patterns, sizeof(*ps));
    PatStat **by_index = calloc(a64_num_patterns, sizeof(*by_index));
    unsigned np = 0;
    for (unsigned i = 0; i < a64_num_patterns; i++) {
        const DecodePattern *p = &a64_patterns[i];
        bool mem = false;
        if (!pattern_allowed(p, &mem) || (only && strcmp(only, p->name)))
            continue;
        ps[np].p = p;
        ps[np].memory = mem;
        ps[np].exclusive = !strcmp(p->name, "LDST_excl");
        by_index[i] = &ps[np];
        np++;
    }
    if (!np) {
        fprintf(stderr, "diff_int: no pattern to test\n");
        return 2;
    }

    Ctx x = {0};
    x.m = diffm_create(RAM_BASE, RAM_SIZE);
    if (!x.m) {
        fprintf(stderr, "diff_int: cannot create the machine\n");
        return 2;
    }
    x.c = x.m->cpu[0];
    x.hs_mem = malloc(RAM_SIZE);
    x.uc_mem = malloc(RAM_SIZE);
    uc_restart(&x);
    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &x.cs) != CS_ERR_OK) {
        fprintf(stderr, "diff_int: capstone\n");
        return 2;
    }

    Rng rng = {seed};
    for (u64 i = 0; i < RAM_SIZE; i += 8) {
        u64 v = rnd(&rng);
        memcpy(x.hs_mem + i, &v, 8);
    }
    phys_write_buf(x.m, RAM_BASE, x.hs_mem, RAM_SIZE);
    sync_ram(&x);

    u64 executed = 0, both_exc = 0, asym = 0, mismatches = 0;
    clock_t t0 = clock();
    for (u64 it = 0; it < iterations; it++) {
        if (it && it % UC_RESTART_EVERY == 0) {
            uc_restart(&x);
            sync_ram(&x);
        }
        PatStat *st = &ps[rnd(&rng) % np];
        /* Half the words get sparse random bits (density 1/8), so classes
         * whose reserved fields must be zero (ADC op2, 1-source opcode2...)
         * are still reached often. */
        u32 bits = (u32)rnd(&rng);
        if (rnd(&rng) & 1)
            bits &= (u32)rnd(&rng) & (u32)rnd(&rng);
        u32 insn = st->p->match | (bits & ~st->p->mask);
        /* A more specific line (another class) may own this word. */
        const DecodePattern *owner = a64_decode(insn);
        if (owner != st->p) {
            if (!owner || !by_index[owner - a64_patterns]) {
                it--;
                continue;
            }
            st = by_index[owner - a64_patterns];
        }
        st->tried++;

        State in, hs, ucs;
        for (int r = 0; r < 31; r++)
            in.x[r] = rand_value(&rng);
        in.sp = (RAM_BASE + 0x100 + rnd(&rng) % (RAM_SIZE - 0x200)) & (rnd(&rng) % 16 ? ~15ull : ~0ull);
        in.nzcv = (u32)(rnd(&rng) & 0xf) << 28;
        in.pc = CODE_PC;

        if (st->exclusive) {
            /* Clear both local monitors: a store by the same PE to a
             * reserved address may or may not clear it (IMPLEMENTATION
             * DEFINED, Arm ARM B2.9.5), and QEMU compares values. */
            if (!hs_step(&x, PRELUDE_PC, 0xd503305f) || !uc_step(&x, PRELUDE_PC, 0xd503305f)) {
                fprintf(stderr, "diff_int: CLREX failed\n");   /* CLREX */
                return 2;
            }
        }
        if (trace) {
            printf("#%" PRIu64 " %s", it, st->p->name);
            print_insn(&x, insn, CODE_PC);
            print_state("input", &in);
            fflush(stdout);
        }
        hs_set_state(&x, &in);
        bool hs_ok = hs_step(&x, CODE_PC, insn);
        hs_get_state(&x, &hs);
        uc_set_state(&x, &in);
        bool uc_ok = uc_step(&x, CODE_PC, insn);
        uc_get_state(&x, &ucs);

        if (!hs_ok || !uc_ok) {
            if (!hs_ok && !uc_ok) {
                st->both_exc++;
                both_exc++;
            } else {
                asym++;
                if (!hs_ok)
                    st->asym_hs_exc++;
                else
                    st->asym_uc_exc++;
                if ((!st->memory || verbose) && (st->asym_hs_exc + st->asym_uc_exc) <= 3) {
                    printf("ASYMMETRIC #%" PRIu64 " (%s raised, %s executed) pattern %s:\n", it,
                           hs_ok ? "unicorn" : "hyperstep", hs_ok ? "hyperstep" : "unicorn", st->p->name);
                    print_insn(&x, insn, CODE_PC);
                    if (!hs_ok)
                        printf("  hyperstep: %s\n", x.c->trap_reason ? x.c->trap_reason : "?");
                }
            }
            if (st->memory)
                sync_ram(&x);
            continue;
        }
        executed++;
        st->executed++;
        int bad = compare(&hs, &ucs);
        if (st->memory)
            bad += compare_ram(&x);
        if (bad) {
            mismatches++;
            printf("MISMATCH #%" PRIu64 " pattern %s:\n", it, st->p->name);
            print_insn(&x, insn, CODE_PC);
            print_state("input", &in);
            if (st->memory)
                sync_ram(&x);
            if (mismatches >= 20) {
                printf("diff_int: too many mismatches, stopping\n");
                break;
            }
        }
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;

    int fail = mismatches != 0;
    u64 tried = executed + both_exc + asym;
    u64 asym_nomem = 0;
    printf("%-16s %10s %10s %10s %10s %10s\n", "pattern", "tried", "executed", "both-exc", "hs-exc", "uc-exc");
    for (unsigned i = 0; i < np; i++) {
        PatStat *s = &ps[i];
        if (verbose || !s->executed || (!s->memory && (s->asym_hs_exc | s->asym_uc_exc)))
            printf("%-16s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "%s\n",
                   s->p->name, s->tried, s->executed, s->both_exc, s->asym_hs_exc, s->asym_uc_exc,
                   s->executed ? "" : "  <- never executed");
        if (!s->memory)
            asym_nomem += s->asym_hs_exc + s->asym_uc_exc;
        if (!s->executed && iterations >= 10000)
            fail = 1;
    }
    double ratio = tried ? (double)executed / (double)tried : 0;
    printf("diff_int: %" PRIu64 " instructions: %" PRIu64 " executed on both (%.1f%%), %" PRIu64
           " raised on both, %" PRIu64 " raised on one side only (%" PRIu64 " outside loads/stores), %"
           PRIu64 " mismatches; %.2f s\n",
           tried, executed, ratio * 100, both_exc, asym, asym_nomem, mismatches, secs);
    if (!only && tried && ratio < MIN_EXEC_RATIO) {   /* one class alone may be mostly reserved encodings */
        printf("diff_int: FAIL: only %.1f%% executed (need %.0f%%)\n", ratio * 100, MIN_EXEC_RATIO * 100);
        fail = 1;
    }
    if (asym_nomem) {
        printf("diff_int: FAIL: one-sided exceptions outside loads/stores\n");
        fail = 1;
    }
    printf("diff_int: %s\n", fail ? "FAIL" : "PASS");
    cs_close(&x.cs);
    uc_close(x.uc);
    diffm_destroy(x.m);
    free(x.hs_mem);
    free(x.uc_mem);
    free(ps);
    free(by_index);
    return fail;
}
