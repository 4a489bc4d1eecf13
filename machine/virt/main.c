/*
 * machine/virt/main.c — the hyperstep executable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/chardev.h"
#include "machine/virt/explore.h"
#include "machine/virt/options.h"
#include "machine/virt/virt.h"
#include "machine/machine.h"
#include "machine/record.h"
#include "machine/checkpoint.h"
#include "machine/snapshot.h"
#include "trace/digest.h"
#include "trace/steplog.h"
#include "trace/tarmac.h"

/* --stats: print instructions retired (sum of per-core icount), host wall
 * time and MIPS to stderr at exit.  The host clock is only read for this
 * report; it never reaches the guest. */
static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_stats(const Machine *m, double secs)
{
    u64 n = 0;
    for (unsigned i = 0; i < m->ncpu; i++)
        n += m->cpu[i]->icount;
    fprintf(stderr, "instructions retired: %llu, wall: %.3f s, MIPS: %.1f\n", (unsigned long long)n, secs,
            secs > 0 ? (double)n / secs / 1e6 : 0.0);
}

/* Create and run the machine described by O until it exits (re-creating it
 * after PSCI SYSTEM_RESET).  Returns the exit status. */
static int run_machine(VirtOptions *o, int argc, char **argv)
{
    for (unsigned resets = 0;; resets++) {
        Machine *m = virt_create(o);
        if (!m)
            return 1;
        if (o->dump_dtb) {   /* -M virt,dumpdtb=F: write the DTB and exit, as QEMU does */
            virt_destroy(m);
            return 0;
        }
        m->stop_after = o->stop_after;
        if (o->record || o->replay) {
            char err[1024];
            static char args[8192], images[8192];
            record_args_line(argc, argv, args, sizeof(args));
            record_image_lines(o, images, sizeof(images));
            bool ok = o->record ? record_start(m, args, images, o->record,
                                              o->digest_every ? o->digest_every : 1000000, err, sizeof(err))
                               : replay_start(m, args, images, o->replay, err, sizeof(err));
            if (!ok) {
                fprintf(stderr, "hyperstep: %s\n", err);
                virt_destroy(m);
                return 1;
            }
        } else if (o->digest_every || o->expect_digests) {
            char err[256];
            if (!digest_setup(m, o->digest_every ? o->digest_every : 1000000, o->digest_file, o->expect_digests,
                              err, sizeof(err))) {
                fprintf(stderr, "hyperstep: %s\n", err);
                virt_destroy(m);
                return 1;
            }
        }
        if (o->step_log) {
            char err[256];
            if (!steplog_setup(m, o->step_log, err, sizeof(err))) {
                fprintf(stderr, "hyperstep: %s\n", err);
                virt_destroy(m);
                return 1;
            }
        }
        if (o->tarmac) {
            char err[256];
            if (!tarmac_setup(m, o->tarmac, err, sizeof(err))) {
                fprintf(stderr, "hyperstep: %s\n", err);
                virt_destroy(m);
                return 1;
            }
        }
        if (o->snapshot_load || o->snapshot_save) {
            static char ident[16384];
            char err[1024];
            snapshot_ident(argc, argv, o, ident, sizeof(ident));
            if (o->snapshot_load) {
                double l0 = wall_seconds();
                if (!snapshot_read_file(m, o->snapshot_load, ident, err, sizeof(err))) {
                    fprintf(stderr, "hyperstep: %s\n", err);
                    virt_destroy(m);
                    return 1;
                }
                if (o->stats)
                    fprintf(stderr, "snapshot %s loaded (step %llu) in %.3f s\n", o->snapshot_load,
                            (unsigned long long)m->steps, wall_seconds() - l0);
                digest_seek(m);
                o->snapshot_load = NULL;   /* after a SYSTEM_RESET the machine starts from reset */
            }
            if (o->snapshot_save && !snapshot_save_at(m, o->snapshot_save, o->snapshot_save_step, ident)) {
                fprintf(stderr, "hyperstep: out of memory\n");
                snapshot_discard(m);
                virt_destroy(m);
                return 1;
            }
        }
        if (o->reverse_budget) {
            char err[256];
            if (!checkpoint_enable(m, o->reverse_every ? o->reverse_every : 1000000, o->reverse_budget,
                                   m->tail_pending, err, sizeof(err))) {
                fprintf(stderr, "hyperstep: --reverse-budget: %s\n", err);
                snapshot_discard(m);
                virt_destroy(m);
                return 1;
            }
        }
        double t0 = wall_seconds();
        int code = machine_run(m);
        if (o->stats)
            print_stats(m, wall_seconds() - t0);
        if (!snapshot_at_exit(m) && code != 5)
            code = 1;
        steplog_finish(m);
        tarmac_finish(m);
        code = digest_finish(m, code);
        record_finish(m);
        fflush(stdout);
        bool reset = m->reset_requested;
        virt_destroy(m);
        /* PSCI SYSTEM_RESET: the whole machine is re-created from the options
         * (every core back to its boot state, images reloaded), unless
         * -no-reboot, which makes a reset exit (status 0) as QEMU does. */
        if (!reset || o->no_reboot)
            return code;
        fprintf(stderr, "hyperstep: system reset (#%u)\n", resets + 1);
        o->gdb_wait = false;   /* -S waits for the debugger only before the very first instruction */
        o->reopen_append = true;   /* one trace / serial log across resets */
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "explore"))
        return explore_main(argc, argv);
    if (argc == 4 && !strcmp(argv[1], "replay-diff"))
        return replay_diff_main(argv[2], argv[3]);
    VirtOptions o;
    int r = opt_parse(argc, argv, &o);
    if (r == OPT_OK) {
        /* The character devices live across machine resets (machine/chardev.h). */
        char err[512];
        o.chardevs = chardev_set_open(o.chardev, o.nchardevs, !o.replay, !o.no_stdin, err, sizeof(err));
        if (!o.chardevs) {
            fprintf(stderr, "hyperstep: %s\n", err);
            r = OPT_ERROR;
        }
    }
    if (r == OPT_OK)
        machine_catch_signals();   /* SIGINT/SIGTERM/SIGHUP end the run cleanly (machine_run) */
    int code = r == OPT_EXIT ? 0 : r != OPT_OK ? 1 : run_machine(&o, argc, argv);
    chardev_set_close(o.chardevs);
    opt_free(&o);
    return code;
}
