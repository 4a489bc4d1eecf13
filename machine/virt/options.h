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
/* Print the --help text to F. */
void opt_usage(FILE *f);
/* Parse the number S (decimal, or hex with 0x) into *V; false on garbage
 * or overflow. */
bool opt_parse_u64(const char *s, u64 *v);

/* Walk the "k=v,k=v" list at *CURSOR (a -device's props; modified in
 * place): the next key in *KEY and its value in *VAL (NULL for a bare
 * "k").  False at the end.  *CURSOR may be NULL (no props). */
bool opt_next_prop(char **cursor, char **key, char **val);
/* The -drive with id=ID, or NULL. */
const DriveSpec *opt_find_drive(const VirtOptions *o, const char *id);
/* The value of -global DRIVER.PROP=V (the last one given), or NULL. */
const char *opt_global(const VirtOptions *o, const char *driver, const char *prop);

/* Does ARG name an option that only observes a run (traces, checkpoints,
 * the debugger, --stats) or names the record itself (--record/--replay)?
 * Such options are left out of a record's command line (machine/record.c).
 * *NARGS, if NARGS is not NULL, gets the number of arguments
 * the option occupies: 2 when it takes a value, else 1 (also for an ARG
 * that is no option).  Spellings as opt_parse() accepts them ("--gdb" is
 * "-gdb"). */
bool opt_is_observer(const char *arg, int *nargs);
/* The I-th row of the option table (for tests):
 * its spelling, and in *VALUE / *OBSERVER (if not NULL) whether it takes a
 * value and whether it only observes.  NULL once I is past the end. */
const char *opt_name_at(unsigned i, bool *value, bool *observer);

/* The header lines of a record (machine/record.h) for this command line:
 * ARGS gets the command line without the options that only observe the run
 * (opt_is_observer); IMAGES one "image OPTION FILE HASH" line per loaded
 * file (-kernel, -bios, -initrd, -dtb, -device loader,file=, -drive file=).  Both are
 * truncated to N bytes. */
void record_args_line(int argc, char **argv, char *buf, size_t n);
void record_image_lines(const VirtOptions *o, char *buf, size_t n);
/* A snapshot's identity (machine/snapshot.h): the command line without
 * observer options and without --stop-after, a newline, then the image
 * lines of record_image_lines().  Truncated to N bytes. */
void snapshot_ident(int argc, char **argv, const VirtOptions *o, char *buf, size_t n);

#endif
