#!/usr/bin/env python3
"""monitor_test.py — the monitor on a mux chardev, driven through a pipe.

usage: monitor_test.py HYPERSTEP UART_PROMPT_ELF [--replay]

Runs NuttX's qemu-armv8a command line verbatim (only the kernel is ours,
tests/guests/uart_prompt.c):
  -cpu cortex-a53 -nographic -machine virt,virtualization=on,gic-version=3
  -net none -chardev stdio,id=con,mux=on -serial chardev:con
  -mon chardev=con,mode=readline -kernel ELF
with stdin and stdout on pipes.  A line goes to the guest, then Ctrl-A c
switches to the monitor, `info cpus` must name core 0 sleeping in WFI,
`info registers` must dump it, `x` must read guest memory, Ctrl-A c goes back
to the console (the guest still answers), and Ctrl-A x ends the run with
status 0.

--replay: the same session with -semihosting and --record R (stop/cont and
quit through the guest instead of Ctrl-A x), then --replay R with no input
must print exactly the same console and monitor output and exit the same.
"""
import os
import select
import subprocess
import sys
import tempfile
import time

WAIT = 10.0

NUTTX = ['-cpu', 'cortex-a53', '-nographic', '-machine', 'virt,virtualization=on,gic-version=3',
         '-net', 'none', '-chardev', 'stdio,id=con,mux=on', '-serial', 'chardev:con',
         '-mon', 'chardev=con,mode=readline']


class Session:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.data = b''

    def send(self, b):
        self.p.stdin.write(b)
        self.p.stdin.flush()

    def wait_for(self, text, what):
        end = time.monotonic() + WAIT
        while text not in self.data:
            left = end - time.monotonic()
            if left <= 0:
                self.p.kill()
                raise SystemExit('FAIL: %s: %r did not appear within %.0f s; output so far: %r; stderr %r'
                                 % (what, text, WAIT, self.data, self.p.stderr.read()))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.05))
            if r:
                chunk = os.read(self.p.stdout.fileno(), 4096)
                if not chunk:
                    time.sleep(0.05)
                self.data += chunk
        print('ok: %s' % what)

    def finish(self):
        out, err = self.p.communicate(timeout=WAIT)
        self.data += out
        return self.p.returncode, err


def session(s, quit_by_guest):
    s.wait_for(b'poll> ', 'guest prompt through the mux')
    s.send(b'hello\n')
    s.wait_for(b'got: hello\n', 'console input reaches the guest')
    s.wait_for(b'wfi> ', 'guest waits in WFI')
    s.send(b'\x01c')
    s.wait_for(b"monitor - type 'help' for more information\r\n(qemu) ", 'Ctrl-A c: monitor banner and prompt')
    s.send(b'info cpus\n')
    s.wait_for(b'* CPU #0: pc=0x', 'info cpus answers')
    s.wait_for(b' (WFI)\r\n(qemu) ', 'info cpus gives the halt reason')
    s.send(b'info registers\n')
    s.wait_for(b'PSTATE=', 'info registers')
    s.send(b'x /2xw $pc\n')
    s.wait_for(b': 0x', 'x reads memory at $pc')
    if quit_by_guest:
        s.send(b'stop\n')
        s.send(b'info status\n')
        s.wait_for(b'VM status: paused', 'stop')
        s.send(b'cont\n')
        s.wait_for(b'(qemu) cont\r\n(qemu) ', 'cont')
    s.send(b'\x01c')
    s.send(b'world\n')
    s.wait_for(b'got: world\n', 'Ctrl-A c back to the console: the guest answers')
    s.wait_for(b'poll> ', 'next guest prompt')
    if quit_by_guest:
        s.send(b'quit\n')
        s.wait_for(b'got: quit\n', 'guest quits')
    else:
        s.send(b'\x01x')
    rc, err = s.finish()
    if rc != 0:
        raise SystemExit('FAIL: exit status %d, stderr %r' % (rc, err))
    print('ok: exit status 0')
    return s.data


def main():
    hs, elf = sys.argv[1], sys.argv[2]
    replay = '--replay' in sys.argv[3:]
    if not replay:
        out = session(Session([hs] + NUTTX + ['-kernel', elf]), False)
        if b'Terminated' not in out:
            raise SystemExit('FAIL: Ctrl-A x did not print Terminated: %r' % out[-200:])
        print('ok: Ctrl-A x through a pipe')
        return 0
    d = tempfile.mkdtemp()
    rec = os.path.join(d, 'mon.rec')
    base = NUTTX + ['-semihosting', '-kernel', elf]
    out1 = session(Session([hs] + base + ['--record', rec]), True)
    ins = [l for l in open(rec).read().splitlines() if l.startswith('in ')]
    if not any(l.endswith(' 01 con') for l in ins):
        raise SystemExit('FAIL: the record holds no Ctrl-A for chardev con: %r' % ins[:10])
    print('ok: %d input bytes recorded with their chardev' % len(ins))
    r = subprocess.run([hs] + base + ['--replay', rec], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0 or r.stdout != out1:
        raise SystemExit('FAIL: replay exit %d, output %s\nrecorded: %r\nreplayed: %r\nstderr %r'
                         % (r.returncode, 'same' if r.stdout == out1 else 'differs', out1[-600:],
                            r.stdout[-600:], r.stderr[-400:]))
    print('ok: replay prints the same console and monitor output, exit 0')
    return 0


if __name__ == '__main__':
    sys.exit(main())
