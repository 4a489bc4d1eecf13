/*
 * tests/unit/test_exec_fast.c — every specialised handler the predecoder
 * picks (cpu/exec_fast.c) gives the same registers, NZCV, next PC and
 * memory as the generic handler of its table line, on random encodings of
 * the lines it covers and random register values (ALU forms: any values,
 * with the edge cases 0, 1, ~0, INT_MIN/MAX of both sizes over-represented;
 * loads/stores: small index values and a base register inside a RAM
 * buffer, so every access hits RAM).
 */
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include "machine/virt/virt.h"
#include "decoder/decode.h"
#include "decoder/decode_gen.h"
#include "mmu/mmu.h"
#include "test.h"

#define CODE 0x40000000ull
#define DATA 0x40100000ull    /* the compared window: DATA .. DATA + WIN */
#define WIN 0x20000u

static u64 rng = 0x9E3779B97F4A7C15ull;
static u64 rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static u64 rnd_value(void)
{
    static const u64 edge[] = {0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                               0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull};
    return rnd() % 4 ? rnd() : edge[rnd() % ARRAY_SIZE(edge)];
}

typedef struct State {
    u64 x[32], next_pc;
    u64 esr, far;   /* after an exception: the syndrome and FAR at the target EL */
    u32 nzcv;
    u8 mem[WIN];
} State;

/* MEM: the instruction may access memory (copy the window too). */
static void save(const Cpu *c, State *s, bool mem)
{
    memcpy(s->x, c->x, sizeof(s->x));
    s->next_pc = c->next_pc;
    s->nzcv = c->nzcv;
    if (mem)
        phys_read_buf(c->m, DATA, s->mem, WIN);
}

static void load(Cpu *c, const State *s, bool mem)
{
    memcpy(c->x, s->x, sizeof(s->x));
    c->nzcv = s->nzcv;
    c->pc = CODE + 0x1000;
    c->next_pc = c->pc + 4;
    if (mem)
        phys_write_buf(c->m, DATA, s->mem, WIN);
}

/* Architectural state of the core at reset: restored before every run, so
 * an exception taken by one run (EL, ESR, FAR, ...) does not leak into the
 * next. */
static u8 reset_state[offsetof(Cpu, end_reset_fields)];

/* Run one handler on state IN; false if it raised an exception (then OUT
 * holds the syndrome and fault address it reported). */
static bool run_one(Cpu *c, InsnFn fn, const DecodedInsn *d, const State *in, State *out,
                    bool mem)
{
    jmp_buf jb;
    memcpy(c, reset_state, sizeof(reset_state));
    load(c, in, mem);
    c->insn = d->insn;
    c->exc_jmp = &jb;
    if (setjmp(jb)) {
        c->exc_jmp = NULL;
        out->esr = c->esr_el[c->el];
        out->far = c->far_el[c->el];
        return false;
    }
    fn(c, d);
    c->exc_jmp = NULL;
    save(c, out, mem);
    return true;
}

static const unsigned lines[] = {
    A64_PAT_ADDSUB_imm, A64_PAT_ADDSUB_reg, A64_PAT_LOGIC_reg, A64_PAT_LOGIC_imm,
    A64_PAT_MOVW, A64_PAT_BITFIELD, A64_PAT_CSEL, A64_PAT_B_imm, A64_PAT_B_cond,
    A64_PAT_CB, A64_PAT_TB, A64_PAT_LDST_uimm, A64_PAT_LDST_imm9, A64_PAT_LDST_reg,
    A64_PAT_LDST_pair,
};

TEST(exec_fast_matches_generic)
{
    VirtOptions o;
    virt_default_options(&o);
    o.loader[0].addr = CODE;   /* a generic loader: no kernel image needed */
    o.loader[0].has_addr = true;
    o.loader[0].cpu_num = 0;
    o.nloaders = 1;
    Machine *m = virt_create(&o);
    ASSERT_TRUE(m != NULL);
    Cpu *c = m->cpu[0];
    memcpy(reset_state, c, sizeof(reset_state));
    static State in, a, b;
    unsigned specialised[ARRAY_SIZE(lines)] = {0}, faulted = 0;
    for (unsigned iter = 0; iter < 40000; iter++) {
        unsigned li = (unsigned)(rnd() % ARRAY_SIZE(lines));
        const DecodePattern *p = &a64_patterns[lines[li]];
        u32 insn = p->match | ((u32)rnd() & ~p->mask);
        if (a64_decode(insn) != p)
            continue;   /* a more specific line owns this word */
        DecodedInsn fast, slow;
        a64_predecode(&fast, insn);
        if (fast.fn == p->fn)
            continue;   /* not a specialised case */
        if (lines[li] == A64_PAT_LDST_reg && fast.rm == fast.rn)
            continue;   /* index = base: the address would leave RAM */
        memset(&slow, 0, sizeof(slow));
        slow.insn = insn;
        specialised[li]++;
        unsigned l = lines[li];
        bool ldst = l == A64_PAT_LDST_uimm || l == A64_PAT_LDST_imm9 ||
                    l == A64_PAT_LDST_reg || l == A64_PAT_LDST_pair;
        for (unsigned r = 0; r < 32; r++)
            in.x[r] = ldst ? rnd() & 0xff0 : rnd_value();
        if (ldst)   /* base in RAM, SP-aligned (no SP alignment fault) */
            in.x[fast.rn] = DATA + 0x8000 + (rnd() & 0xff0);
        in.nzcv = (u32)(rnd() & 0xf) << 28;
        if (ldst)
            for (unsigned i = 0; i < WIN; i += 8) {
                u64 v = rnd();
                memcpy(&in.mem[i], &v, 8);
            }
        bool ok_a = run_one(c, p->fn, &slow, &in, &a, ldst);
        bool ok_b = run_one(c, fast.fn, &fast, &in, &b, ldst);
        if (ok_a != ok_b)
            fprintf(stderr, "exec_fast: %s 0x%08x: only the %s handler raised an exception\n",
                    p->name, insn, ok_a ? "fast" : "generic");
        ASSERT_EQ(ok_a, ok_b);
        if (!ok_a) {   /* both raised (e.g. a misaligned access with the MMU off) */
            ASSERT_EQ(a.esr, b.esr);
            ASSERT_EQ(a.far, b.far);
            faulted++;
            continue;
        }
        if (memcmp(a.x, b.x, sizeof(a.x)) || a.nzcv != b.nzcv || a.next_pc != b.next_pc ||
            memcmp(a.mem, b.mem, WIN)) {
            fprintf(stderr, "exec_fast: %s 0x%08x differs from the generic handler\n",
                    p->name, insn);
            for (unsigned r = 0; r < 32; r++)
                if (a.x[r] != b.x[r])
                    fprintf(stderr, "  x%u: generic %016llx fast %016llx\n", r,
                            (unsigned long long)a.x[r], (unsigned long long)b.x[r]);
            ASSERT_EQ(a.nzcv, b.nzcv);
            ASSERT_EQ(a.next_pc, b.next_pc);
            ASSERT_TRUE(false);
        }
    }
    unsigned total = 0;
    for (unsigned li = 0; li < ARRAY_SIZE(lines); li++) {
        ASSERT_TRUE(specialised[li] > 100);
        total += specialised[li];
    }
    printf("exec_fast: %u specialised encodings compared, %u raised the same exception on both\n",
           total, faulted);   /* every line's fast forms were exercised */
    virt_destroy(m);
}
