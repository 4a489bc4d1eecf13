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
    StopEvent last;           /* last stop reported ('?') */
    unsigned cur;             /* Hg thread (core index) */
    int cont;                 /* Hc thread (core index) or -1 for all */
    /* Don't re-report the breakpoint/watchpoint that stopped core i at
     * icount skip_icount[i] when it resumes from that very instruction. */
    u64 skip_icount[HS_MAX_CPUS];
    u32 skip_valid;

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

/* regs.c */
void gdbregs_init(GdbStub *s);
/* Value of register I of C, little-endian, in OUT (regs[i].bytes). */
bool gdbregs_read(GdbStub *s, Cpu *c, unsigned i, u8 *out);
bool gdbregs_write(GdbStub *s, Cpu *c, unsigned i, const u8 *in);

/* monitor.c: run monitor command CMD, output text into OUT (N bytes). */
void gdbmon_run(GdbStub *s, const char *cmd, char *out, size_t n);

/* gdbstub.c: debugger memory access through the selected core. */
bool gdb_mem_access(GdbStub *s, Cpu *c, u64 addr, u8 *buf, size_t len, bool write);

#endif
