/*
 * tests/guests/smp_sync.c — 4 cores (-smp 4, EL2, PSCI over SMC): bring-up
 * with CPU_ON and an entry point of our own, a spinlock built on
 * LDAXR/STXR + WFE (the waiters sleep and are woken only by the holder's
 * STLR clearing their exclusive monitor: no SEV), a lock-free LDXR/STXR
 * counter, a WFE/SEV handshake, CPU_OFF + CPU_ON of a core with
 * AFFINITY_INFO in between, and SYSTEM_OFF from a secondary at the end.
 * The totals must be exact.
 */
#include "lib.h"

#define CPU_ON 0xC4000003u
#define CPU_OFF 0x84000002u
#define AFFINITY_INFO 0xC4000004u
#define SYSTEM_OFF 0x84000008u
#define NCORES 4
#define ROUNDS 300

static volatile u32 lock_word;
static volatile u64 locked_counter;      /* protected by lock_word */
static volatile u64 atomic_counter;      /* LDXR/STXR increments */
static volatile u64 done[NCORES];
static volatile u64 go;                  /* WFE/SEV handshake flag */
static volatile u64 off_request[NCORES];
static volatile u64 sysoff_request;
static volatile u64 started[NCORES];

static void lock(volatile u32 *l)
{
    u32 tmp;
    __asm__ volatile("   sevl\n"
                     "1: wfe\n"
                     "2: ldaxr %w0, [%1]\n"
                     "   cbnz  %w0, 1b\n"
                     "   stxr  %w0, %w2, [%1]\n"
                     "   cbnz  %w0, 2b\n"
                     : "=&r"(tmp) : "r"(l), "r"(1u) : "memory");
}

static void unlock(volatile u32 *l)
{
    __asm__ volatile("stlr wzr, [%0]" ::"r"(l) : "memory");
}

static void atomic_inc(volatile u64 *p)
{
    u64 v;
    u32 fail;
    __asm__ volatile("1: ldxr %0, [%2]\n"
                     "   add  %0, %0, #1\n"
                     "   stxr %w1, %0, [%2]\n"
                     "   cbnz %w1, 1b\n"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}

static void work(int core)
{
    for (int i = 0; i < ROUNDS; i++) {
        lock(&lock_word);
        u64 v = locked_counter;
        /* widen the critical section so other cores contend */
        for (volatile int k = 0; k < 3; k++)
            ;
        locked_counter = v + 1;
        unlock(&lock_word);
        atomic_inc(&atomic_counter);
    }
    done[core] = 1;
    __asm__ volatile("sev" ::: "memory");
}

/* C side of a secondary started by CPU_ON (X0 = context id = core). */
void smp_secondary(u64 core)
{
    started[core]++;
    __asm__ volatile("sev" ::: "memory");
    while (!go)
        __asm__ volatile("wfe" ::: "memory");
    work((int)core);
    for (;;) {
        if (off_request[core]) {
            off_request[core] = 0;
            hs_psci(CPU_OFF, 0, 0, 0);
            hs_printf("core %d: CPU_OFF returned\n", (int)core);
            hs_exit(90);
        }
        if (sysoff_request && core == 3) {
            hs_printf("core 3: SYSTEM_OFF\n");
            hs_psci(SYSTEM_OFF, 0, 0, 0);
            hs_exit(91);
        }
        __asm__ volatile("wfe" ::: "memory");
    }
}

/* Entry point given to CPU_ON: stack, vectors, then C. */
__asm__(".global smp_entry\n"
        "smp_entry:\n"
        "    mov   x19, x0\n"
        "    bl    hs_set_stack\n"
        "    adr   x1, hs_vectors\n"
        "    msr   vbar_el2, x1\n"
        "    isb\n"
        "    mov   x0, x19\n"
        "    bl    smp_secondary\n"
        "1:  b     1b\n");
extern char smp_entry[];

static void wait_all(volatile u64 *flags, int from)
{
    for (int c = from; c < NCORES; c++)
        while (!flags[c])
            __asm__ volatile("wfe" ::: "memory");
}

int main(void)
{
    CHECK_EQ(hs_current_el(), 2);
    CHECK_EQ(READ_SYSREG(mpidr_el1) & 0xffffff, 0);
    for (u64 c = 1; c < NCORES; c++)
        CHECK_EQ(hs_psci(CPU_ON, c, (u64)smp_entry, c), 0);
    wait_all(started, 1);
    for (int c = 1; c < NCORES; c++)
        CHECK_EQ(hs_psci(AFFINITY_INFO, (u64)c, 0, 0), 0);
    /* Handshake: they sleep in WFE until go + SEV. */
    go = 1;
    __asm__ volatile("dsb sy\n sev" ::: "memory");
    work(0);
    wait_all(done, 0);
    CHECK_EQ(locked_counter, NCORES * ROUNDS);
    CHECK_EQ(atomic_counter, NCORES * ROUNDS);
    hs_printf("counters: locked %lu atomic %lu (expected %d)\n", locked_counter, atomic_counter,
              NCORES * ROUNDS);

    /* Core 2 off and on again. */
    off_request[2] = 1;
    __asm__ volatile("sev" ::: "memory");
    int spins = 0;
    while (hs_psci(AFFINITY_INFO, 2, 0, 0) != 1 && spins < 100000)
        spins++;
    CHECK_EQ(hs_psci(AFFINITY_INFO, 2, 0, 0), 1);
    CHECK_EQ(started[2], 1);
    go = 0;
    done[2] = 0;
    CHECK_EQ(hs_psci(CPU_ON, 2, (u64)smp_entry, 2), 0);
    /* ON at once (QEMU/KVM): ALREADY_ON before and after its first slot. */
    CHECK_EQ(hs_psci(CPU_ON, 2, (u64)smp_entry, 2), (u64)-4);
    CHECK_EQ(hs_psci(AFFINITY_INFO, 2, 0, 0), 0);
    while (started[2] != 2)
        __asm__ volatile("wfe" ::: "memory");
    CHECK_EQ(hs_psci(AFFINITY_INFO, 2, 0, 0), 0);
    go = 1;
    __asm__ volatile("sev" ::: "memory");
    wait_all(done, 2);
    CHECK_EQ(locked_counter, (NCORES + 1) * ROUNDS);

    int failed = hs_report();
    if (failed)
        return failed;
    /* Success: a secondary turns the machine off (exit status 0). */
    sysoff_request = 1;
    __asm__ volatile("sev" ::: "memory");
    for (;;)
        __asm__ volatile("wfe" ::: "memory");
}
