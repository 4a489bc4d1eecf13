/*
 * firmware/semihosting/semihosting.h — Arm semihosting (Arm "Semihosting for
 * AArch32 and AArch64", IHI 0080), trapped from HLT #0xF000 with -semihosting.
 *
 * The A64 convention: operation in W0, parameter block address in X1,
 * result in X0.  Guest memory is reached through the caller's current
 * translation regime and checked: a block, buffer or string that is not
 * mapped to guest RAM makes the call return -1 with the semihosting errno
 * EFAULT (never a host crash, never a guest abort).
 *
 * Host files live in a per-machine handle table (the guest sees small
 * handles, never host descriptors), closed when the machine is torn down.
 *
 * Determinism: every result that comes from the host (opening, reading,
 * writing, seeking, sizing, removing and renaming files, ISTTY, READC) is
 * host input.  A recorder (machine/record.c, --record) is told each one with
 * its step; in replay the results come from the record instead of the host.
 * Time calls use virtual time only: CLOCK and ELAPSED count from the start
 * of the run, TIME is the board's epoch (--rtc-epoch) plus virtual seconds.
 */
#ifndef EMU_FIRMWARE_SEMIHOSTING_SEMIHOSTING_H
#define EMU_FIRMWARE_SEMIHOSTING_SEMIHOSTING_H

#include <stddef.h>

#include "cpu/cpu.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_TMPNAM = 0x0d,
    SYS_REMOVE = 0x0e,
    SYS_RENAME = 0x0f,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_SYSTEM = 0x12,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
    ADP_Stopped_ApplicationExit = 0x20026,
};

/* Virtual ticks per second reported by SYS_TICKFREQ (SYS_ELAPSED counts
 * virtual nanoseconds). */
#define SEMI_TICKFREQ 1000000000ull

/* Handles the table holds at once. */
#define SEMI_MAX_FILES 64

/* A host-derived result: the call's return value, the semihosting errno it
 * set (0: unchanged) and, for reads, the bytes it returned. */
typedef struct SemiResult {
    s64 ret;
    int err;
    const u8 *data;
    size_t len;
} SemiResult;

/* Told each host-derived result of operation OP at global STEP. */
typedef void (*SemiRecordFn)(void *opaque, u64 step, u32 op, const SemiResult *r);
/* Gives the recorded result of operation OP at STEP in *R (R->data points
 * into the replayer's storage).  False when the record holds no such call
 * next (the run diverges): the replayer has printed why. */
typedef bool (*SemiReplayFn)(void *opaque, u64 step, u32 op, SemiResult *r);

/* Perform the call in W0 with parameter X1; result in X0.  SYS_EXIT and
 * SYS_EXIT_EXTENDED stop the machine with the guest's status as exit code. */
void semihosting_call(Cpu *c);

/* Enable semihosting on M (-semihosting): HLT #0xF000 reaches
 * semihosting_call() through MachineHooks.semihost.  CMDLINE is what
 * SYS_GET_CMDLINE returns (copied; NULL = empty); EPOCH the seconds SYS_TIME
 * reports at virtual time 0.  False on allocation failure. */
bool semihosting_attach(Machine *m, const char *cmdline, u64 epoch);

/* Close every host file and free the semihosting state of M (no-op when
 * semihosting is off). */
void semihosting_detach(Machine *m);

/* Whether semihosting is attached to M. */
bool semihosting_enabled(Machine *m);

/* Tell semihosting that guest RAM [BASE, BASE+SIZE) holds a loaded image
 * (SYS_HEAPINFO places the heap in the largest RAM gap between images). */
void semihosting_note_image(Machine *m, u64 base, u64 size);

/* Send host-derived results to RECORD (--record) or take them from REPLAY
 * (--replay); at most one is non-NULL.  No-op when semihosting is off. */
void semihosting_set_io(Machine *m, SemiRecordFn record, SemiReplayFn replay, void *opaque);

/* Copy LEN bytes between guest virtual memory (the current regime of C) and
 * BUF; false, touching nothing, if any byte is not mapped to guest RAM. */
bool semihosting_read_guest(Cpu *c, u64 va, void *buf, u64 len);
bool semihosting_write_guest(Cpu *c, u64 va, const void *buf, u64 len);

#endif
