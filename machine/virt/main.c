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
    Machine *m = virt_create(&o);
    if (!m)
        return 1;
    if (o.dump_dtb) {   /* -M virt,dumpdtb=F: write the DTB and exit, as QEMU does */
        virt_destroy(m);
        return 0;
    }
    m->stop_after = o.stop_after;
    int code = machine_run(m);
    fflush(stdout);
    virt_destroy(m);
    return code;
}
