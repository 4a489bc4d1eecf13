/*
 * devices/pl061/pl061.h — Arm PrimeCell GPIO PL061 (Arm DDI 0190B, 3.3
 * "Register descriptions") and the two board parts QEMU's virt connects to
 * it (hw/gpio/gpio_key.c, hw/gpio/gpio_pwr.c):
 *
 *   gpio-keys: a power key on an input pin of the Non-secure PL061; a press
 *              drives the pin high for 100 ms of virtual time (QEMU's
 *              GPIO_KEY_LATENCY), Linux's gpio-keys driver reports KEY_POWER.
 *   gpio-pwr:  output pin 0 of the Secure PL061 powers the machine off and
 *              pin 1 resets it on a rising level (what TF-A PLAT=qemu
 *              writes for PSCI SYSTEM_OFF / SYSTEM_RESET).
 *
 * PL061 registers (byte offsets in its 4 KiB window, 8 pins):
 *   0x000-0x3fc GPIODATA  address bits [9:2] mask the pins read or written;
 *                         writes change output pins only; reads give the
 *                         output latch for outputs, the pin level for inputs
 *   0x400 GPIODIR   1 = output        0x404 GPIOIS   1 = level-sensitive
 *   0x408 GPIOIBE   1 = both edges    0x40c GPIOIEV  1 = rising edge / high
 *   0x410 GPIOIE    interrupt mask    0x414 GPIORIS  raw status (RO)
 *   0x418 GPIOMIS   RIS & IE (RO)     0x41c GPIOIC   write 1 clears an edge
 *   0x420 GPIOAFSEL (stored; no alternate function is wired)
 *   0xfe0-0xffc GPIOPeriphID0-3 = 0x61 0x10 0x04 0x00, GPIOPCellID0-3 =
 *               0x0d 0xf0 0x05 0xb1 (as QEMU 7.2)
 * Other offsets read as zero and ignore writes.  Accesses of 1, 2 or 4
 * bytes are accepted (the registers are 8 bits wide); 8-byte accesses are a
 * slave error.  The interrupt output is GPIOMIS != 0 (GPIOINTR).
 * Undriven input pins read 0 (QEMU virt's PL061 pulls every pin down).
 */
#ifndef EMU_DEVICES_PL061_PL061_H
#define EMU_DEVICES_PL061_PL061_H

#include "common/savebuf.h"
#include "devices/device.h"

#define PL061_NPINS 8
#define PL061_SIZE 0x1000ull
/* Save format of pl061/gpio-keys/gpio-pwr (DeviceOps.version). */
#define PL061_SAVE_VERSION 1

enum {
    GPIODIR = 0x400,
    GPIOIS = 0x404,
    GPIOIBE = 0x408,
    GPIOIEV = 0x40c,
    GPIOIE = 0x410,
    GPIORIS = 0x414,
    GPIOMIS = 0x418,
    GPIOIC = 0x41c,
    GPIOAFSEL = 0x420,
};

typedef struct Pl061 Pl061;

/* Create a PL061 at BASE (4 KiB window) interrupting through IRQ, GIC SPI
 * number SPI (for the device tree).  SECURE: the window is reachable from
 * the Secure PA space only and the DT node says status = "disabled",
 * secure-status = "okay" (as QEMU's Secure GPIO).  PHANDLE: the phandle of
 * its DT node (gpio-keys / gpio-poweroff refer to it).  Registers it (type
 * "pl061", instance "pl061@BASE").  NULL after logging on failure. */
Pl061 *pl061_create(Machine *m, u64 base, u32 spi, bool secure, u32 phandle, IrqLine irq);
/* Connect output pin PIN (0..7) to OUT: OUT is driven with the pin's level
 * whenever it changes (level = GPIODATA bit when GPIODIR makes the pin an
 * output, else 0). */
void pl061_connect_out(Pl061 *g, unsigned pin, IrqLine out);
/* Drive input pin PIN to LEVEL from outside (edges and levels raise
 * interrupts as GPIOIS/IBE/IEV say; a pin configured as output ignores it
 * until it becomes an input).  Usable as an IrqLine.set with OPAQUE = G. */
void pl061_set_input(void *g, unsigned pin, bool level);
/* The DT phandle given at creation. */
u32 pl061_phandle(const Pl061 *g);

/* ---- gpio-keys (devices/pl061/gpio_key.c) ---- */

/* Linux input event code of the power key (linux/input-event-codes.h). */
#define GPIO_KEY_POWER_CODE 116
/* How long a press holds the pin high: QEMU's GPIO_KEY_LATENCY, ns. */
#define GPIO_KEY_LATENCY_NS 100000000ull

/* Attach QEMU virt's power key to input PIN of G: registers the device
 * (type "gpio-keys") that writes the /gpio-keys node (its poweroff child:
 * label "GPIO Key Poweroff", linux,code KEY_POWER, gpios <G PIN 0>).  False
 * after logging. */
bool gpio_key_create(Machine *m, Pl061 *g, unsigned pin);
/* Press M's power key at global step STEP (the first round boundary at or
 * after it; a step already past means the next boundary): the pin goes high
 * and falls GPIO_KEY_LATENCY_NS of virtual time later.  The path every
 * press takes (--powerdown-at, a monitor's system_powerdown), so a
 * record/replay layer can store the step.  Up to 16 presses may be queued.
 * False when M has no power key or the queue is full. */
bool gpio_key_press_at(Machine *m, u64 step);

/* ---- gpio-pwr (devices/pl061/gpio_pwr.c) ---- */

/* Inputs of the power/reset sink (IrqLine.line values). */
enum { GPIO_PWR_SHUTDOWN = 0, GPIO_PWR_RESET = 1 };

/* Connect G's output pins POWEROFF_PIN and RESET_PIN to the machine's
 * power: a rising level on the first ends the run with status 0 (as QEMU's
 * shutdown request), on the second requests a machine reset
 * (Machine.reset_requested; the board re-creates the machine, or exits with
 * status 0 under -no-reboot).  Registers a device (type "gpio-pwr") that
 * writes QEMU's /gpio-poweroff and /gpio-restart nodes (Secure only:
 * status "disabled", secure-status "okay").  False after logging. */
bool gpio_pwr_create(Machine *m, Pl061 *g, unsigned poweroff_pin, unsigned reset_pin);

#endif
