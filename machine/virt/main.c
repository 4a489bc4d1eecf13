/*
 * machine/virt/main.c — the hyperstep executable.
 */
#include <stdio.h>
#include <stdlib.h>

#include "machine/virt/options.h"
#include "machine/virt/virt.h"

int main(int argc, char **argv)
{
    VirtOptions o;
    int r = opt_parse(argc, argv, &o);
    if (r == OPT_EXIT)
        return 0;
    if (r != OPT_OK)
        return 1;
    for (unsigned resets = 0;; resets++) {
        Machine *m = virt_create(&o);
        if (!m)
            return 1;
        m->stop_after = o.stop_after;
        int code = machine_run(m);
        fflush(stdout);
        bool reset = m->reset_requested;
        virt_destroy(m);
        /* PSCI SYSTEM_RESET: the whole machine is re-created from the options
         * (every core back to its boot state, images reloaded), unless
         * -no-reboot, which makes a reset exit (status 0) as QEMU does. */
        if (!reset || o.no_reboot)
            return code;
        fprintf(stderr, "hyperstep: system reset (#%u)\n", resets + 1);
    }
}
