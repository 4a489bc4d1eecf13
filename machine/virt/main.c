/*
 * machine/virt/main.c — the hyperstep executable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/virt/options.h"
#include "machine/virt/virt.h"
#include "trace/digest.h"
#include "trace/steplog.h"

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "replay-diff"))
        return replay_diff_main(argv[2], argv[3]);
    VirtOptions o;
    int r = opt_parse(argc, argv, &o);
    if (r == OPT_EXIT)
        return 0;
    if (r != OPT_OK)
        return 1;
    Machine *m = virt_create(&o);
    if (!m)
        return 1;
    if (o.dump_dtb) {   /* -M virt,dumpdtb=F: write the DTB and exit, as QEMU does */
        virt_destroy(m);
        return 0;
    }
    m->stop_after = o.stop_after;
    if (o.digest_every || o.expect_digests) {
        char err[256];
        if (!digest_setup(m, o.digest_every ? o.digest_every : 1000000, o.digest_file, o.expect_digests,
                          err, sizeof(err))) {
            fprintf(stderr, "hyperstep: %s\n", err);
            virt_destroy(m);
            return 1;
        }
    }
    if (o.step_log) {
        char err[256];
        if (!steplog_setup(m, o.step_log, err, sizeof(err))) {
            fprintf(stderr, "hyperstep: %s\n", err);
            virt_destroy(m);
            return 1;
        }
    }
    int code = machine_run(m);
    steplog_finish(m);
    code = digest_finish(m, code);
    fflush(stdout);
    virt_destroy(m);
    return code;
}
