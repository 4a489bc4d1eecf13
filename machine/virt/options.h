/*
 * machine/virt/options.h — command-line parsing into VirtOptions.
 */
#ifndef EMU_MACHINE_VIRT_OPTIONS_H
#define EMU_MACHINE_VIRT_OPTIONS_H

#include <stdio.h>

#include "machine/virt/virt.h"

enum { OPT_OK = 0, OPT_ERROR = 1, OPT_EXIT = 2 };

/* Parse ARGV into O (defaults first).  OPT_ERROR after printing one message
 * naming the bad option; OPT_EXIT after --help. */
int opt_parse(int argc, char **argv, VirtOptions *o);
/* Free the argument copies opt_parse() kept in O (O's string fields that
 * point into them become invalid).  Safe on a defaulted or failed O. */
void opt_free(VirtOptions *o);
void opt_usage(FILE *f);
bool opt_parse_u64(const char *s, u64 *v);

#endif
