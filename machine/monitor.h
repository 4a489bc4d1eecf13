/*
 * machine/monitor.h — the human monitor (QEMU's HMP, mode=readline) on a
 * character device: -mon chardev=ID, -monitor DEV, or the monitor half of a
 * mux chardev (Ctrl-A c).
 *
 * Commands, spelled as QEMU's:
 *   info cpus               one line per core: PC, EL, security state and
 *                           our run/halt state with its cause
 *   info registers [-a]     register dump of the current core (-a: every core)
 *   info mtree              the physical address map
 *   info status             running / paused
 *   x /FMT ADDR, xp /FMT ADDR   memory by virtual address (the current core's
 *                           translation) or physical address; FMT is
 *                           [COUNT][x|d|u|o|c|a|i][b|h|w|g], sticky as QEMU's;
 *                           ADDR a number, $pc, $sp, $xN, with + and -
 *   cpu N                   select the current core
 *   stop / cont (c)         freeze / resume every core (virtual time stands still)
 *   system_reset            reset the machine (exits under -no-reboot)
 *   system_powerdown        press the board's power button (if the board
 *                           registered one with monitor_set_powerdown)
 *   quit (q)                end the run, status 0
 *   help (?)                list the commands
 * Commands are read from the chardev's input, which is recorded and
 * replayed with its steps (machine/chardev.h), and run at round boundaries,
 * so a recorded session replays exactly.
 */
#ifndef EMU_MACHINE_MONITOR_H
#define EMU_MACHINE_MONITOR_H

#include "machine/chardev.h"

typedef struct Monitor Monitor;

/* Create M's monitor on CHR (added as a front end).  On a mux chardev it
 * waits for the focus (Ctrl-A c) and prints its banner then; on a chardev
 * of its own it prints the banner and prompt at once.  Sets M->monitor.
 * NULL after logging (CHR already taken, no memory). */
Monitor *monitor_create(Machine *m, Chardev *chr);
/* Leave the chardev and free.  NULL is allowed. */
void monitor_destroy(Monitor *mon);

/* Let system_powerdown press the board's power button: PRESS(opaque) is
 * called at the round boundary the command runs at; it returns false with
 * a message in ERR when the press cannot happen.  Without it the command
 * answers that the board has no power button. */
void monitor_set_powerdown(Monitor *mon, bool (*press)(void *opaque, char *err, size_t errlen), void *opaque);

/* Run one command line (no trailing newline) as if typed; its answer goes
 * to the chardev.  For tests and the board. */
void monitor_command(Monitor *mon, const char *line);

#endif
