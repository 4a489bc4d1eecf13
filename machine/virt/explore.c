/*
 * machine/virt/explore.c — `hyperstep explore`: run one command line under
 * many schedules (--schedule-seed 1..K, each a deterministic variation of
 * core order, slot lengths and core speeds), K runs at most J at a time in
 * child processes, and report which seeds pass (exit status 0, or the
 * marker text in the guest's output), the first failing one, a passing one,
 * and the first digest where a failing and a passing seed diverge.  Each
 * failing seed replays bit for bit with --schedule-seed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/virt/explore.h"

#define EXPLORE_MAX 4096

static int usage(void)
{
    fprintf(stderr, "usage: hyperstep explore -n K [-j J] [--marker TEXT] [--every N] -- ARGS...\n"
            "  runs 'hyperstep ARGS --schedule-seed S' for S = 1..K (J at a time, default 2);\n"
            "  a seed passes when the run exits 0 (or, with --marker, prints TEXT)\n");
    return 1;
}

/* Does file PATH contain TEXT? */
static bool file_has(const char *path, const char *text)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t tl = strlen(text), cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    bool found = false;
    while (buf && !found) {
        size_t got = fread(buf + len, 1, cap - len, f);
        if (!got)
            break;
        len += got;
        buf[len] = 0;
        found = memmem(buf, len, text, tl) != NULL;
        if (len > tl) {   /* keep the tail: a match may straddle reads */
            memmove(buf, buf + len - tl, tl);
            len = tl;
        }
    }
    free(buf);
    fclose(f);
    return found;
}

/* Print the first digest line (header skipped) where A and B differ. */
static void first_divergence(const char *a, const char *b, unsigned sa, unsigned sb)
{
    FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
    static char la[4096], lb[4096];
    if (fa && fb && fgets(la, sizeof(la), fa) && fgets(lb, sizeof(lb), fb)) {
        for (;;) {
            char *ra = fgets(la, sizeof(la), fa), *rb = fgets(lb, sizeof(lb), fb);
            if (!ra || !rb) {
                printf("digests of seeds %u and %u agree until seed %u's list ends\n", sa, sb, ra ? sb : sa);
                break;
            }
            if (strcmp(la, lb)) {
                printf("first divergence between seed %u (fails) and seed %u (passes):\n  %u: %.160s%s  %u: %.160s%s",
                       sa, sb, sa, la, strlen(la) > 160 ? "...\n" : "", sb, lb, strlen(lb) > 160 ? "...\n" : "");
                break;
            }
        }
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
}

int explore_main(int argc, char **argv)
{
    unsigned k = 8, jobs = 2;
    u64 every = 10000;
    const char *marker = NULL;
    int i = 2;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        char *end;
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            k = (unsigned)strtoul(argv[++i], &end, 0);
            if (*end || !k || k > EXPLORE_MAX)
                return usage();
        } else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
            jobs = (unsigned)strtoul(argv[++i], &end, 0);
            if (*end || !jobs || jobs > 64)
                return usage();
        } else if (!strcmp(argv[i], "--marker") && i + 1 < argc) {
            marker = argv[++i];
        } else if (!strcmp(argv[i], "--every") && i + 1 < argc) {
            every = strtoull(argv[++i], &end, 0);
            if (*end || !every)
                return usage();
        } else {
            return usage();
        }
    }
    if (i >= argc || i + 1 >= argc)
        return usage();
    char **args = argv + i + 1;
    int nargs = argc - i - 1;
    char dir[] = "/tmp/hs-explore-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "hyperstep explore: cannot create a directory in /tmp\n");
        return 1;
    }
    char **cargv = calloc((size_t)nargs + 12, sizeof(char *));
    pid_t *pid = calloc(k + 1, sizeof(pid_t));
    int *status = calloc(k + 1, sizeof(int));
    if (!cargv || !pid || !status)
        return 1;
    unsigned next = 1, running = 0, done = 0;
    while (done < k) {
        while (running < jobs && next <= k) {
            unsigned s = next++;
            char seed[24], ev[24], dig[64], out[64];
            snprintf(seed, sizeof(seed), "%u", s);
            snprintf(ev, sizeof(ev), "%llu", (unsigned long long)every);
            snprintf(dig, sizeof(dig), "%s/%u.digests", dir, s);
            snprintf(out, sizeof(out), "%s/%u.out", dir, s);
            pid_t p = fork();
            if (p == 0) {
                int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                int nul = open("/dev/null", O_RDONLY);
                if (fd < 0 || nul < 0)
                    _exit(127);
                dup2(nul, 0);
                dup2(fd, 1);
                dup2(fd, 2);
                int n = 0;
                cargv[n++] = argv[0];
                for (int a = 0; a < nargs; a++)
                    cargv[n++] = args[a];
                cargv[n++] = "--schedule-seed";
                cargv[n++] = seed;
                cargv[n++] = "--digest-every";
                cargv[n++] = ev;
                cargv[n++] = "--digest-file";
                cargv[n++] = dig;
                cargv[n++] = "--no-stdin";
                cargv[n] = NULL;
                execv("/proc/self/exe", cargv);
                _exit(127);
            }
            if (p < 0) {
                fprintf(stderr, "hyperstep explore: fork: %s\n", strerror(errno));
                return 1;
            }
            pid[s] = p;
            running++;
        }
        int st;
        pid_t w = wait(&st);
        if (w < 0)
            break;
        for (unsigned s = 1; s <= k; s++)
            if (pid[s] == w) {
                status[s] = st;
                pid[s] = 0;
                running--;
                done++;
                break;
            }
    }
    unsigned first_fail = 0, a_pass = 0, nfail = 0;
    for (unsigned s = 1; s <= k; s++) {
        char out[64];
        snprintf(out, sizeof(out), "%s/%u.out", dir, s);
        int code = WIFEXITED(status[s]) ? WEXITSTATUS(status[s]) : 128 + WTERMSIG(status[s]);
        bool pass = marker ? file_has(out, marker) : code == 0;
        printf("seed %u: %s (exit %d)\n", s, pass ? "pass" : "FAIL", code);
        if (!pass) {
            nfail++;
            if (!first_fail)
                first_fail = s;
        } else if (!a_pass) {
            a_pass = s;
        }
    }
    printf("%u of %u seeds fail", nfail, k);
    if (first_fail)
        printf("; first failing seed: %u (replay: hyperstep ARGS --schedule-seed %u)", first_fail, first_fail);
    if (a_pass)
        printf("; a passing seed: %u", a_pass);
    printf("\noutputs and digests: %s/SEED.out, SEED.digests\n", dir);
    if (first_fail && a_pass) {
        char fa[64], pb[64];
        snprintf(fa, sizeof(fa), "%s/%u.digests", dir, first_fail);
        snprintf(pb, sizeof(pb), "%s/%u.digests", dir, a_pass);
        first_divergence(fa, pb, first_fail, a_pass);
    }
    free(cargv);
    free(pid);
    free(status);
    return nfail ? 1 : 0;
}
