#!/usr/bin/env python3
"""gpio_power_test.py — the virt board's GPIO power pins, power key and
Secure UART, on the guest tests/guests/gpio_power.c (one ELF per mode).

usage: gpio_power_test.py HYPERSTEP POWEROFF_ELF RESET_ELF RESET_COUNT_ELF KEY_ELF

Checks:
  poweroff     TF-A's SYSTEM_OFF sequence on Secure GPIO pin 0 ends the run
               with status 0 right after the store; the Secure UART's line
               reaches the second -serial file, the first gets the UART's.
  no_reboot    the same on pin 1 (SYSTEM_RESET) with -no-reboot: status 0,
               no second boot.
  reset        pin 1 without -no-reboot: the machine restarts from its boot
               state (the guest counts its boots in a host file) and the
               second boot exits 0.
  no_serial2   secure=on with one -serial: the Secure UART's output is
               discarded (QEMU: no chardev), the run is otherwise the same.
  key          --powerdown-at raises PL061 pin 3 (edge interrupt, SPI 7,
               wakes WFI) and lowers it 100 ms of virtual time later.
  key_replay   --record of the key run replays exactly (--replay, exit 0).
  qemu_*       with qemu-system-aarch64 installed: poweroff and no_reboot
               under QEMU 7.2 pass the same register checks and exit 0.
"""
import os
import shutil
import subprocess
import sys
import tempfile

BOARD = ['-M', 'virt,secure=on,virtualization=on,gic-version=2', '-semihosting', '--no-stdin']


def run(hs, elf, extra, cwd, timeout=120):
    cmd = [hs] + BOARD + ['-kernel', elf] + extra
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return cmd, p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def main():
    if len(sys.argv) != 6:
        print(__doc__)
        return 2
    hs, poweroff, reset, reset_count, key = [os.path.abspath(a) for a in sys.argv[1:]]
    problems = []

    def expect(name, res, status, out_has=(), out_lacks=(), err_has=(), err_lacks=()):
        cmd, rc, out, err = res
        bad = []
        if rc != status:
            bad.append('exit status %d, expected %d' % (rc, status))
        bad += ['stdout lacks %r' % s for s in out_has if s not in out]
        bad += ['stdout has %r' % s for s in out_lacks if s in out]
        bad += ['stderr lacks %r' % s for s in err_has if s not in err]
        bad += ['stderr has %r' % s for s in err_lacks if s in err]
        if bad:
            problems.append('%s: %s\n  command: %s\n  stdout: %s\n  stderr: %s' %
                            (name, '; '.join(bad), ' '.join(cmd), out[-1500:], err[-1500:]))
        else:
            print('ok: %s' % name)

    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, 'serial0.txt'), os.path.join(tmp, 'serial1.txt')
        res = run(hs, poweroff, ['-serial', 'file:' + a, '-serial', 'file:' + b], tmp)
        expect('poweroff', res, 0, err_lacks=['system reset'])
        s0 = open(a).read() if os.path.exists(a) else ''
        s1 = open(b).read() if os.path.exists(b) else ''
        if 'gpio: powering off' not in s0 or 'FAIL' in s0 or 'secure uart' in s0:
            problems.append('poweroff: first -serial file holds %r' % s0[-800:])
        if s1 != 'secure uart: hello\n':
            problems.append('poweroff: second -serial (Secure UART) file holds %r' % s1)

        expect('no_serial2', run(hs, poweroff, [], tmp), 0,
               out_has=['RESULT: ', ' 0 failed', 'gpio: powering off'], out_lacks=['FAIL', 'secure uart'])

        expect('no_reboot', run(hs, reset, ['-no-reboot'], tmp), 0,
               out_has=['gpio: resetting'], out_lacks=['FAIL'], err_lacks=['system reset'])

        res = run(hs, reset_count, [], tmp)
        expect('reset', res, 0, out_has=['boot 1\n', 'gpio: resetting', 'boot 2\n', ' 0 failed'],
               out_lacks=['FAIL', 'boot 3'], err_has=['system reset (#1)'], err_lacks=['system reset (#2)'])

        key_args = ['--powerdown-at', '200000']
        expect('key', run(hs, key, key_args, tmp), 0,
               out_has=['power key pressed', 'power key released', ' 0 failed'], out_lacks=['FAIL'])
        rec = os.path.join(tmp, 'key.rec')
        expect('key_record', run(hs, key, key_args + ['--record', rec], tmp), 0, out_has=[' 0 failed'])
        expect('key_replay', run(hs, key, key_args + ['--replay', rec], tmp), 0, out_has=[' 0 failed'])
        expect('key_replay_other_step', run(hs, key, ['--powerdown-at', '300000', '--replay', rec], tmp), 1)

        # The same guests under QEMU 7.2, when installed: the register checks
        # hold there too, and its gpio-pwr ends the run with status 0.
        qemu = shutil.which('qemu-system-aarch64')
        if qemu:
            for name, elf in (('qemu_poweroff', poweroff), ('qemu_no_reboot', reset)):
                cmd = [qemu, '-M', 'virt,secure=on,virtualization=on,gic-version=2', '-cpu', 'cortex-a53',
                       '-semihosting', '-nographic', '-monitor', 'none', '-no-reboot', '-kernel', elf]
                try:
                    p = subprocess.run(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, timeout=60)
                    res = (cmd, p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace'))
                except subprocess.TimeoutExpired:
                    res = (cmd, 'timeout', '', '')
                expect(name, res, 0, out_has=[' 0 failed'])
        else:
            print('skip: qemu-system-aarch64 not installed (QEMU comparison)')

    for p in problems:
        print('PROBLEM: ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
