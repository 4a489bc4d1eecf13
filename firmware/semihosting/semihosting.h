/*
 * firmware/semihosting/semihosting.h — Arm semihosting (Arm "Semihosting for
 * AArch32 and AArch64", IHI 0080), trapped from HLT #0xF000 with -semihosting.
 */
#ifndef EMU_FIRMWARE_SEMIHOSTING_SEMIHOSTING_H
#define EMU_FIRMWARE_SEMIHOSTING_SEMIHOSTING_H

#include "cpu/cpu.h"

enum {
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_Stopped_ApplicationExit = 0x20026,
};

/* Perform the call in W0 with parameter X1; result in X0.  SYS_EXIT and
 * SYS_EXIT_EXTENDED stop the machine with the guest's status as exit code. */
void semihosting_call(Cpu *c);

/* Enable semihosting on M (-semihosting): HLT #0xF000 reaches
 * semihosting_call() through MachineHooks.semihost. */
void semihosting_attach(Machine *m);

#endif
