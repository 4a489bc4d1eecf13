/*
 * gdbstub/gdbstub.c — setting up and tearing down the gdb stub (see
 * gdbstub.h for what it does; rsp.c transport, packets.c dispatcher,
 * runctl.c run control, regs.c target description, monitor.c monitor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdbstub/internal.h"
#include "mmu/mmu.h"

bool gdb_init(Machine *m, const char *spec, bool wait)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec);
    /* QEMU chardev suffixes. */
    char *comma = strchr(buf, ',');
    if (comma) {
        for (char *save = NULL, *t = strtok_r(comma + 1, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (strcmp(t, "server") && strcmp(t, "nowait") && strcmp(t, "server=on") &&
                strcmp(t, "wait=off") && strcmp(t, "ipv4=on") && strcmp(t, "ipv4")) {
                hs_log("hyperstep: -gdb %s: unsupported option '%s'", spec, t);
                return false;
            }
        }
        *comma = 0;
    }
    GdbStub *s = calloc(1, sizeof(*s));
    if (!s) {
        hs_log("hyperstep: out of memory for the gdb stub");
        return false;
    }
    s->m = m;
    s->listen_fd = s->conn_fd = -1;
    s->cont = -1;
    bool ok = false;
    if (!strncmp(buf, "tcp:", 4)) {
        char *host = buf + 4, *colon = strrchr(host, ':');
        u64 port;
        char *end;
        if (colon) {
            *colon = 0;
            port = strtoull(colon + 1, &end, 10);
            if (!colon[1] || *end || port > 65535) {
                hs_log("hyperstep: -gdb %s: bad port (expected tcp::PORT or tcp:HOST:PORT)", spec);
            } else {
                char ps[16];
                snprintf(ps, sizeof(ps), "%u", (unsigned)port);
                ok = rsp_listen_tcp(s, *host ? host : "127.0.0.1", ps);
            }
        } else {
            hs_log("hyperstep: -gdb %s: expected tcp::PORT or tcp:HOST:PORT", spec);
        }
    } else if (!strncmp(buf, "unix:", 5) && buf[5]) {
        ok = rsp_listen_unix(s, buf + 5);
    } else {
        hs_log("hyperstep: -gdb %s: expected tcp::PORT, tcp:HOST:PORT or unix:PATH", spec);
    }
    if (!ok) {
        free(s);
        return false;
    }
    rsp_set_nonblock(s->listen_fd);
    gdbregs_init(s);
    if (!s->tdesc) {
        close(s->listen_fd);
        free(s);
        hs_log("hyperstep: out of memory for the gdb target description");
        return false;
    }
    s->last.kind = EV_TRAP;
    MachineHooks *h = &m->hooks;
    h->insn_check = gdb_insn_hook;
    h->mem_watch = gdb_watch_hook;
    h->slot_stop = gdb_slot_stop;
    h->poll = gdb_poll;
    h->debug_opaque = s;
    if (wait) {
        s->wait_initial = true;
        gdb_update_slow(s);
    }
    return true;
}

void gdb_destroy(Machine *m)
{
    GdbStub *s = m && m->hooks.poll == gdb_poll ? m->hooks.debug_opaque : NULL;
    if (!s)
        return;
    if (s->conn_fd >= 0) {
        rsp_send_fmt(s, "W%02x", m->exit_code & 0xff);
        rsp_close(s);
    }
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->is_unix)
        unlink(s->unix_path);
    free(s->tdesc);
    free(s);
    MachineHooks *h = &m->hooks;
    h->insn_check = NULL;
    h->mem_watch = NULL;
    h->slot_stop = NULL;
    h->poll = NULL;
    h->debug_opaque = NULL;
}

