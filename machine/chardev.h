/*
 * machine/chardev.h — character devices: the host ends of a serial port,
 * the monitor, or any other byte stream a device exchanges with the host
 * (QEMU's -chardev, spelled as QEMU spells it).
 *
 * Back ends: stdio, file (output; input from input-path= if given), pipe (PATH.in/PATH.out, else PATH
 * both ways), socket (TCP or Unix, server or client, optional telnet
 * negotiation), null.  A chardev with mux=on is shared by several front
 * ends (the serial port and the monitor): input goes to the one that has
 * the focus, output of all of them goes out, and QEMU's escapes are read
 * from the input (Ctrl-A c switch focus, Ctrl-A x quit, Ctrl-A h help,
 * Ctrl-A Ctrl-A a literal Ctrl-A) whether the host end is a terminal, a
 * pipe or a socket.
 *
 * Determinism: host input never reaches a front end directly.  Every byte
 * read from a host back end is stamped with the global step (Machine.steps)
 * of the round boundary at which it was read and queued; the queue is
 * drained at round boundaries, in order, into the focused front end while
 * it has room.  A recorder (machine/record.c) sees every (chardev, step,
 * byte) as it is queued, and replay queues the recorded triples with
 * chardev_input_at() instead of reading the host, so mux escapes, monitor
 * commands and guest input all happen at the same steps again.
 *
 * Output is never held back: it goes into the back end's buffer and is
 * flushed at every round boundary and before the machine idles, so no byte
 * waits longer than one scheduler round.
 *
 * Lifetime: a ChardevSet is opened once per run from the parsed options
 * (chardev_set_open) and outlives machine resets; each machine attaches it
 * (chardev_set_attach) and its devices add themselves as front ends.
 */
#ifndef EMU_MACHINE_CHARDEV_H
#define EMU_MACHINE_CHARDEV_H

#include "common/common.h"
#include "cpu/machine_core.h"

#define CHARDEV_MAX 8          /* chardevs per run */
#define CHARDEV_MAX_FRONTENDS 4  /* front ends of one mux chardev */

typedef enum ChardevBackend {
    CHARDEV_NULL, CHARDEV_STDIO, CHARDEV_FILE, CHARDEV_PIPE, CHARDEV_SOCKET,
} ChardevBackend;

/* One parsed -chardev (or the chardev implied by -serial/-monitor).
 * Strings point into the option text (the caller keeps it alive). */
typedef struct ChardevSpec {
    ChardevBackend backend;
    const char *id;
    const char *path;          /* file, pipe: the file; socket: the Unix socket (NULL: TCP) */
    const char *input_path;    /* file: where its input comes from (input-path=; NULL: none) */
    const char *host;          /* socket over TCP: address ("": 127.0.0.1 when listening) */
    const char *port;          /* socket over TCP: port number */
    bool server;               /* socket: listen (server=on) instead of connecting */
    bool wait;                 /* server: block at start until a client connects (wait=on, QEMU's default) */
    bool telnet;               /* socket: telnet negotiation, IAC sequences removed from input */
    bool mux;                  /* mux=on: several front ends, Ctrl-A escapes */
    bool signal;               /* stdio: a terminal's Ctrl-C still raises SIGINT (signal=on, default) */
    bool append;               /* file: append instead of truncating */
} ChardevSpec;

/* Parse the -chardev argument ARG ("BACKEND,id=ID,..."; modified in place,
 * SPEC's strings point into it) into *SPEC.  False with a message naming
 * the bad part in ERR ("-chardev ...: ..."). */
bool chardev_parse(char *arg, ChardevSpec *spec, char *err, size_t errlen);
/* Parse the short forms -serial and -monitor take (QEMU's compat syntax):
 * stdio, null, none, file:F, pipe:P, tcp:[HOST]:PORT[,server=on][,wait=off]
 * [,telnet=on], telnet:HOST:PORT[,...], unix:PATH[,server=on][,wait=off],
 * with ID as the chardev's id.  ARG is modified in place.  "none" gives
 * *NONE = true and no chardev.  False with a message in ERR. */
bool chardev_parse_compat(const char *opt, char *arg, const char *id, ChardevSpec *spec, bool *none,
                          char *err, size_t errlen);

typedef struct Chardev Chardev;
typedef struct ChardevSet ChardevSet;

/* A front end: the device (or monitor) that receives a chardev's input.
 * CAN_RECEIVE returns how many bytes RECEIVE may be given now (0 holds the
 * input back in the chardev's queue); RECEIVE gets bytes at a round
 * boundary, STEP being the step they were stamped with; FOCUS (may be
 * NULL) is told when a mux chardev gives it (true) or takes away (false)
 * the input focus.  OPAQUE is the front end's. */
typedef struct ChardevFrontend {
    unsigned (*can_receive)(void *opaque);
    void (*receive)(void *opaque, u64 step, const u8 *buf, unsigned n);
    void (*focus)(void *opaque, bool in);
    void *opaque;
} ChardevFrontend;

/* Open the N chardevs of SPECS: files created, pipes opened, server sockets
 * listening (wait=on blocks until the first client), client sockets
 * connected, a stdio terminal put in raw mode (restored by
 * chardev_set_close).  HOST_INPUT false: read no host input at all
 * (replay: server sockets listen but do not wait for a client, a client
 * socket that cannot connect is left unconnected); STDIN_INPUT false:
 * stdio back ends read nothing (--no-stdin).
 * Output goes out in both cases.  NULL with one message in ERR naming the
 * chardev on failure (nothing left open). */
ChardevSet *chardev_set_open(const ChardevSpec *specs, unsigned n, bool host_input, bool stdin_input,
                             char *err, size_t errlen);
/* Flush and close every chardev, restore the terminal.  NULL is allowed. */
void chardev_set_close(ChardevSet *s);

/* Attach S to machine M: a clock polls host input every few rounds and
 * drains the queues at round boundaries, output is flushed every round,
 * and M idles (Machine.idle_wait) by blocking on the host input.  Input
 * read but not delivered when a previous machine was detached is kept,
 * restamped at step 0.  Sets M->chardevs. */
void chardev_set_attach(ChardevSet *s, Machine *m);
/* Flush output and forget M and every front end (the machine is being
 * destroyed or reset).  A mux keeps which front end has the focus: the
 * next machine adds its front ends in the same order, so after a reset the
 * monitor that ran system_reset still has it.  NULL S is allowed. */
void chardev_set_detach(ChardevSet *s);

/* The chardev called ID, or NULL. */
Chardev *chardev_find(ChardevSet *s, const char *id);
/* The id of the first chardev with a front end (the serial port's, which
 * the board connects first), or NULL. */
const char *chardev_default_id(ChardevSet *s);
/* Its id and whether it is a mux. */
const char *chardev_id(const Chardev *c);
bool chardev_is_mux(const Chardev *c);

/* Add FE as a front end of C.  A chardev without mux=on takes one front
 * end; a mux up to CHARDEV_MAX_FRONTENDS, the first added having the
 * focus.  False with a message in ERR ("chardev 'ID' is already in use by
 * another device; use mux=on") when C takes no more. */
bool chardev_add_frontend(Chardev *c, const ChardevFrontend *fe, char *err, size_t errlen);
/* Remove the front end whose opaque is OPAQUE (no-op if absent). */
void chardev_remove_frontend(Chardev *c, void *opaque);
/* Give the input focus of a mux to the front end whose opaque is OPAQUE. */
void chardev_focus(Chardev *c, void *opaque);

/* Send N bytes from a front end to the host.  Never blocks the guest on a
 * missing peer: a socket without a client drops them.  Buffered, flushed at
 * the next round boundary or idle wait at the latest. */
void chardev_write(Chardev *c, const void *buf, size_t n);
/* Write out what chardev_write() buffered. */
void chardev_flush(Chardev *c);

/* Queue BYTE as host input of the chardev called ID at global step STEP
 * (replay).  Steps must not decrease.  False if there is no such chardev or
 * its queue is full. */
bool chardev_input_at(ChardevSet *s, const char *id, u64 step, u8 byte);
/* Call RECORD(opaque, id, step, byte) for every byte of host input as it is
 * queued (record).  RECORD NULL turns it off. */
void chardev_set_recorder(ChardevSet *s, void (*record)(void *opaque, const char *id, u64 step, u8 byte),
                          void *opaque);

#endif
