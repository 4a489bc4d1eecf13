#!/usr/bin/env python3
"""Console output is written through within a scheduler round.

Usage: console_prompt.py HYPERSTEP UART_PROMPT_ELF [stdio|file]

Runs tests/guests/uart_prompt.c with stdin and stdout on pipes (stdio), or
with its serial port on -chardev file,path=F,input-path=FIFO (file: output
to a file, input written to a FIFO).  The guest prints "poll> " (no newline) and busy
polls the UART, then "wfi> " and sleeps in WFI.  Each prompt must reach the
reader within a few seconds, before anything is sent; then a line is sent
and the guest's answer must arrive the same way.  Exit status 0 on success.
"""
import os
import select
import subprocess
import sys
import tempfile
import time

WAIT = 5.0   # seconds a prompt may take to appear


class Reader:
    """Collects the guest's console output from a pipe or a growing file."""

    def __init__(self, proc, path=None):
        self.proc = proc
        self.path = path
        self.data = b''

    def _more(self, timeout):
        if self.path is None:
            r, _, _ = select.select([self.proc.stdout], [], [], timeout)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if chunk:
                    self.data += chunk
                else:
                    time.sleep(timeout)
        else:
            time.sleep(timeout)
            try:
                with open(self.path, 'rb') as f:
                    self.data = f.read()
            except FileNotFoundError:
                pass   # hyperstep has not created it yet

    def wait_for(self, text, what):
        end = time.monotonic() + WAIT
        while text not in self.data:
            left = end - time.monotonic()
            if left <= 0:
                raise SystemExit('FAIL: %s: %r did not appear within %.0f s; console so far: %r'
                                 % (what, text, WAIT, self.data))
            self._more(min(left, 0.05))
        print('ok: %s' % what)


def main():
    hyperstep, elf = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else 'stdio'
    tmp = tempfile.TemporaryDirectory()
    path = os.path.join(tmp.name, 'serial.txt') if mode == 'file' else None
    cmd = [hyperstep, '-semihosting', '-M', 'virt,virtualization=on,gic-version=3', '-kernel', elf]
    if path:
        fifo = os.path.join(tmp.name, 'input.fifo')
        os.mkfifo(fifo)
        cmd += ['-chardev', 'file,id=ser,path=%s,input-path=%s' % (path, fifo), '-serial', 'chardev:ser',
                '-monitor', 'none']
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if path:
        p.stdin.close()
        p.stdin = open(fifo, 'wb')   # the serial input: what is "typed" below goes here
    try:
        r = Reader(p, path)
        r.wait_for(b'poll> ', 'first prompt (busy polling guest), nothing sent yet')
        p.stdin.write(b'hello\n')
        p.stdin.flush()
        r.wait_for(b'got: hello\n', 'answer to a line read by polling')
        r.wait_for(b'got: hello\nwfi> ', 'prompt of a guest sleeping in WFI')
        p.stdin.write(b'world\n')
        p.stdin.flush()
        r.wait_for(b'got: world\npoll> ', 'answer to a line read after WFI, next prompt')
        p.stdin.write(b'quit\n')
        p.stdin.flush()
        r.wait_for(b'got: quit\n', 'answer to quit')
        rc = p.wait(timeout=WAIT)
        if rc != 0:
            raise SystemExit('FAIL: exit status %d, stderr %r' % (rc, p.stderr.read()))
        print('ok: exit status 0')
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        for f in (p.stdin, p.stdout, p.stderr):
            try:
                f.close()
            except OSError:
                pass


if __name__ == '__main__':
    main()
