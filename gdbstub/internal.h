/*
 * gdbstub/internal.h — state shared by the stub's files (private).
 */
#ifndef EMU_GDBSTUB_INTERNAL_H
#define EMU_GDBSTUB_INTERNAL_H

#include <stddef.h>

#include "cpu/sysreg.h"
#include "gdbstub/gdbstub.h"

#define GDB_PKT_MAX 16384   /* PacketSize we announce: bytes of packet data */
#define GDB_MAX_BP 64
#define GDB_MAX_WP 16
#define GDB_MAX_REGS 320

/* What made the machine stop (for the stop reply). */
typedef enum StopKind {
    EV_NONE,
    EV_TRAP,      /* step finished, new connection, generic SIGTRAP */
    EV_SIGINT,    /* Ctrl-C */
    EV_SWBREAK,   /* Z0 breakpoint */
    EV_HWBREAK,   /* Z1 breakpoint */
    EV_WATCH,     /* Z2 write watchpoint */
    EV_RWATCH,    /* Z3 read watchpoint */
    EV_AWATCH,    /* Z4 access watchpoint */
} StopKind;

typedef struct StopEvent {
    StopKind kind;
    unsigned core;
    u64 addr;     /* data address for watchpoints */
} StopEvent;

/* Kinds of register in the target description. */
typedef enum RegKind { RK_X, RK_SP, RK_PC, RK_CPSR, RK_V, RK_FPSR, RK_FPCR, RK_SYS, RK_CURRENTEL } RegKind;

typedef struct GdbReg {
    const char *name;
    RegKind kind;
    unsigned idx;             /* X/V register number */
    unsigned bytes;           /* size in the g/p packets */
    const SysRegDesc *sr;     /* RK_SYS */
} GdbReg;

/* What a packet asks the stop loop to do next. */
typedef enum Action { ACT_STAY, ACT_RESUME, ACT_DETACH, ACT_KILL } Action;

/* A journey to another position of the run (gdbstub/reverse.c). */
typedef enum TravelMode { TR_NONE, TR_GOTO, TR_SCAN } TravelMode;
typedef struct Travel {
    TravelMode mode;
    /* Target: core CORE about to execute with Cpu.icount == ICOUNT; or
     * (BY_STEP) the first instruction whose global step >= STEP; or (ANY)
     * the first instruction at all; or (END_ROUND, scans) the round end
     * at END_STEPS. */
    unsigned core;
    u64 icount;
    bool by_step, any, end_round;
    u64 step, end_steps;
    unsigned ckpt;            /* scan: the checkpoint its interval starts at */
    bool hit;                 /* scan: last breakpoint/watchpoint hit so far */
    StopEvent hit_ev;
    u64 hit_icount;
    StopEvent report;         /* goto: what to report on arrival */
    bool begin;               /* goto: report replaylog:begin (oldest checkpoint) */
    bool monitor;             /* goto: arrival answers `monitor goto` with OK */
    bool near;                /* the target may be reached this round: SLOW_BREAK */
} Travel;

typedef struct GdbStub {
    Machine *m;
    int listen_fd, conn_fd;
    bool is_unix;
    char unix_path[108];

    /* Receive side: raw bytes and the packet parser. */
    u8 rbuf[4096];
    size_t rlen, rpos;
    int pstate;               /* 0 idle, 1 data, 2/3 checksum digits */
    char pkt[GDB_PKT_MAX + 1];
    size_t plen;
    bool overflow;
    u8 csum, csum_rx;
    bool got_intr;            /* 0x03 seen outside a packet */
    bool noack;

    /* Send side. */
    char body[2 * GDB_PKT_MAX + 64];
    char frame[2 * GDB_PKT_MAX + 80];
    u8 scratch[GDB_PKT_MAX];  /* memory packet data */

    /* Run control. */
    bool in_loop;             /* serving packets while stopped */
    bool stepping;            /* inside a debugger step */
    bool wait_initial;        /* -S: stop before the first instruction */
    bool exiting;
    u32 frozen;               /* cores held stopped by a scheduler-locked resume */
    StopEvent ev;             /* event recorded by a hook, not yet reported */
    bool stop_pending;        /* insn_check ended a slot: serve STOP at slot_stop */
    StopEvent stop;
    StopEvent last;           /* last stop reported ('?') */
    unsigned cur;             /* Hg thread (core index) */
    int cont;                 /* Hc thread (core index) or -1 for all */
    /* Don't re-report the breakpoint (b) / watchpoint (w) that stopped core
     * i at icount *skip_icount[i] when it resumes from that very instruction
     * (a debugger that did not remove it must still make progress). */
    u64 bskip_icount[HS_MAX_CPUS], wskip_icount[HS_MAX_CPUS];
    u32 bskip_valid, wskip_valid;

    /* Reverse execution (gdbstub/reverse.c). */
    Travel tr;
    bool tr_arrived;          /* insn_check reached the travel's target */
    bool tr_begin;            /* the stop reply says replaylog:begin */
    bool tr_reply_ok;         /* the stop answers `monitor goto`: OK, no stop reply */
    Action act_after;         /* a query (monitor goto) resumes the machine */

    struct { u64 addr; bool hw; } bp[GDB_MAX_BP];
    unsigned nbp;
    struct { u64 addr, len; StopKind kind; } wp[GDB_MAX_WP];
    unsigned nwp;
    bool phys;                /* memory packets use physical addresses */

    GdbReg regs[GDB_MAX_REGS];
    unsigned nregs, ng;       /* all registers; how many the g packet holds */
    char *tdesc;              /* target.xml */
    size_t tdesc_len;
    char threads_xml[HS_MAX_CPUS * 128 + 64];
    size_t threads_len;
} GdbStub;


/* ---- hex helpers ---- */
static const char gdb_hexd[] = "0123456789abcdef";

static inline int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Parse a hex number at *P (at least one digit, at most 16); advances *P. */
static inline bool parse_hex(const char **p, u64 *v)
{
    const char *s = *p;
    u64 x = 0;
    int n = 0;
    while (hexval(*s) >= 0) {
        if (++n > 16)
            return false;
        x = x << 4 | (u64)hexval(*s++);
    }
    if (!n)
        return false;
    *v = x;
    *p = s;
    return true;
}

/* Decode LEN bytes of hex text at HEX into OUT; false on a bad digit. */
static inline bool unhex(const char *hex, u8 *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int a = hexval(hex[2 * i]), b = a < 0 ? -1 : hexval(hex[2 * i + 1]);
        if (a < 0 || b < 0)
            return false;
        out[i] = (u8)(a << 4 | b);
    }
    return true;
}

static inline char *tohex(char *dst, const u8 *src, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        *dst++ = gdb_hexd[src[i] >> 4];
        *dst++ = gdb_hexd[src[i] & 15];
    }
    *dst = 0;
    return dst;
}

/* ---- rsp.c: transport ---- */
void rsp_close(GdbStub *s);
/* Write all of BUF (drops the connection on error or a 10 s stall). */
void rsp_send_raw(GdbStub *s, const char *buf, size_t len);
/* Send BODY (LEN bytes) as one $...#cs packet. */
void rsp_send(GdbStub *s, const char *body, size_t len);
void rsp_send_str(GdbStub *s, const char *body);
void rsp_send_fmt(GdbStub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Console output (O packets, hex). */
void rsp_console(GdbStub *s, const char *text);
void rsp_set_nonblock(int fd);
/* Accept a pending connection; refuses (closes) it if one is open. */
bool rsp_accept(GdbStub *s);
/* Read available bytes (wait up to TIMEOUT_MS, -1 forever); false if the
 * connection was lost. */
bool rsp_fill(GdbStub *s, int timeout_ms);
/* Feed buffered bytes to the parser; true when s->pkt holds a packet. */
bool rsp_parse(GdbStub *s);
/* Block until a debugger connects. */
void rsp_wait_connection(GdbStub *s);
bool rsp_listen_tcp(GdbStub *s, const char *host, const char *port);
bool rsp_listen_unix(GdbStub *s, const char *path);

/* ---- packets.c: dispatcher ---- */
/* Set/clear SLOW_BREAK from the breakpoints, watchpoints, frozen cores and
 * a journey in time (reverse.c). */
void gdb_update_slow(GdbStub *s);
void gdb_flush_tlbs(Machine *m);
/* Forget every breakpoint/watchpoint and frozen core (detach, lost gdb). */
void gdb_drop_points(GdbStub *s);
/* The Hg-selected core. */
Cpu *gdb_cur_cpu(GdbStub *s);
/* Thread id text -> core index; -1 all, -2 any, -3 invalid. */
int gdb_parse_tid(GdbStub *s, const char *p, const char **endp);
/* Handle the packet in s->pkt; says what the stop loop does next. */
Action gdb_handle_packet(GdbStub *s);

/* ---- runctl.c: run control ---- */
void gdb_send_stop(GdbStub *s, const StopEvent *e);
/* Step one instruction of C (others stay stopped) and send the stop reply;
 * with reverse execution on, run the schedule until C executed one
 * instruction (ACT_RESUME; the stop reply comes on arrival). */
Action gdb_step(GdbStub *s, Cpu *c);
/* Resume the cores in mask CONT (others frozen), or answer at once if none
 * of them can run. */
Action gdb_resume(GdbStub *s, u32 cont);
/* vCont;... (P points at ";..."). */
Action gdb_vcont(GdbStub *s, const char *p);

/* ---- regs.c ---- */
void gdbregs_init(GdbStub *s);
/* Value of register I of C, little-endian, in OUT (regs[i].bytes). */
bool gdbregs_read(GdbStub *s, Cpu *c, unsigned i, u8 *out);
bool gdbregs_write(GdbStub *s, Cpu *c, unsigned i, const u8 *in);

/* monitor.c: run monitor command CMD, output text into OUT (N bytes). */
void gdbmon_run(GdbStub *s, const char *cmd, char *out, size_t n);

/* ---- reverse.c: reverse execution on checkpoints ---- */
bool gdb_reverse_on(GdbStub *s);
/* Go to position (CORE, ICOUNT), report KIND (ADDR for a watchpoint). */
Action gdb_rev_goto(GdbStub *s, unsigned core, u64 icount, StopKind kind, u64 addr);
/* reverse-continue: the last breakpoint/watchpoint hit before now. */
Action gdb_rev_continue(GdbStub *s);
/* monitor goto STEP. */
Action gdb_rev_goto_step(GdbStub *s, u64 step);
/* monitor when: the current position into OUT. */
void gdb_rev_when(GdbStub *s, char *out, size_t n);
/* Hooks while travelling: insn_check (true = end the slot), a watched
 * access, arrival at a slot stop (true = serve the stop loop with *E),
 * once per round (true = state replaced). */
bool gdb_rev_insn(GdbStub *s, Cpu *c);
void gdb_rev_watch(GdbStub *s, Cpu *c, StopKind kind, u64 addr);
bool gdb_rev_arrived(GdbStub *s, Cpu *c, StopEvent *e);
bool gdb_rev_round(GdbStub *s);
/* Recompute Travel.near. */
void gdb_rev_update_slow(GdbStub *s);
/* The debugger changed registers or memory: later checkpoints are void. */
void gdb_rev_changed(GdbStub *s);

/* gdbstub.c: debugger memory access through the selected core. */
bool gdb_mem_access(GdbStub *s, Cpu *c, u64 addr, u8 *buf, size_t len, bool write);

#endif
