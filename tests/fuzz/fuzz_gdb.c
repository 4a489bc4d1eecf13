/*
 * tests/fuzz/fuzz_gdb.c — the gdb stub's packet layer and dispatcher
 * (gdbstub/rsp.c rsp_parse, packets.c gdb_handle_packet) on arbitrary
 * bytes from "the socket", against a 2-core board.  Replies go to
 * /dev/null.  Packets that resume the guest are answered by the
 * dispatcher but the harness does not run the machine (no guest image).
 * The board and stub live for the whole run (LeakSanitizer sees them as
 * reachable).
 */
#include <fcntl.h>

#include "gdbstub/gdbstub.h"
#include "gdbstub/internal.h"
#include "tests/fuzz/fuzz.h"

/* One board and one stub for the whole campaign (building the register
 * list costs far more than a packet); each input starts a new "connection":
 * no breakpoints or watchpoints, acknowledgements on, parser idle. */
static Machine *m;
static GdbStub *s;

static void setup(void)
{
    m = fuzz_board(3, 2, false, true);
    s = calloc(1, sizeof(*s));
    if (!m || !s)
        abort();
    s->m = m;
    s->listen_fd = -1;
    gdbregs_init(s);
    if (!s->tdesc)
        abort();
    MachineHooks *h = &m->hooks;
    h->insn_check = gdb_insn_hook;
    h->mem_watch = gdb_watch_hook;
    h->slot_stop = gdb_slot_stop;
    h->poll = gdb_poll;
    h->debug_opaque = s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!m)
        setup();
    gdb_drop_points(s);
    s->conn_fd = open("/dev/null", O_WRONLY);
    s->cont = -1;
    s->noack = false;
    s->pstate = 0;
    s->plen = 0;
    s->last.kind = EV_TRAP;
    size_t pos = 0;
    bool done = false;
    while (pos < size && !done && s->conn_fd >= 0) {
        size_t n = size - pos < sizeof(s->rbuf) ? size - pos : sizeof(s->rbuf);
        memcpy(s->rbuf, data + pos, n);
        s->rlen = n;
        s->rpos = 0;
        pos += n;
        while (!done && s->conn_fd >= 0 && rsp_parse(s)) {
            Action a = gdb_handle_packet(s);
            done = a == ACT_DETACH || a == ACT_KILL;
        }
    }
    if (s->conn_fd >= 0)
        close(s->conn_fd);
    s->conn_fd = -1;
    return 0;
}
