#!/usr/bin/env python3
"""SIGTERM, SIGINT and SIGHUP end a run cleanly.

Usage: signal_exit.py HYPERSTEP UART_PROMPT_ELF

Runs tests/guests/uart_prompt.c with --trace exc,gic --trace-file F and
sends one line in its WFI stage (the PL011 interrupt gives gic trace lines).
Then, with the guest either busy polling the UART or asleep in WFI with the
machine idle waiting for host input, the signal is sent after about a
second.  Each run must exit with status 0 (as QEMU 7.2 does) after printing
"hyperstep: terminating on signal N from pid P" on stderr; the console
output must be complete; F must be non-empty, end with a complete line and
hold the gic lines, none of which may reach stderr.
"""
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

WAIT = 5.0


def wait_for(p, buf, text, what):
    end = time.monotonic() + WAIT
    while text not in buf[0]:
        left = end - time.monotonic()
        if left <= 0:
            raise SystemExit('FAIL: %s: %r not seen; console %r' % (what, text, buf[0]))
        r, _, _ = select.select([p.stdout], [], [], min(left, 0.05))
        if r:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                raise SystemExit('FAIL: %s: console closed; console %r' % (what, buf[0]))
            buf[0] += chunk


def run(hyperstep, elf, sig, stage, tmpdir):
    name = '%s/%s' % (signal.Signals(sig).name, stage)
    trace = os.path.join(tmpdir, 'trace-%d-%s.txt' % (sig, stage))
    cmd = [hyperstep, '-semihosting', '-M', 'virt,virtualization=on,gic-version=3', '-kernel', elf,
           '--trace', 'exc,gic', '--trace-file', trace]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    buf = [b'']
    try:
        wait_for(p, buf, b'poll> ', name + ': first prompt')
        p.stdin.write(b'one\n')
        p.stdin.flush()
        wait_for(p, buf, b'got: one\nwfi> ', name + ': WFI prompt')
        p.stdin.write(b'two\n')
        p.stdin.flush()
        wait_for(p, buf, b'got: two\npoll> ', name + ': answer read after WFI')
        if stage == 'idle':
            p.stdin.write(b'three\n')
            p.stdin.flush()
            wait_for(p, buf, b'got: three\nwfi> ', name + ': second WFI prompt')
        time.sleep(1.0)
        if p.poll() is not None:
            raise SystemExit('FAIL: %s: exited (%d) before the signal' % (name, p.returncode))
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            raise SystemExit('FAIL: %s: still running %.0f s after the signal' % (name, WAIT))
        buf[0] += p.stdout.read()
        err = p.stderr.read().decode(errors='replace')
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        for f in (p.stdin, p.stdout, p.stderr):
            try:
                f.close()
            except OSError:
                pass
    fails = []
    if rc != 0:
        fails.append('exit status %d, expected 0' % rc)
    want = 'hyperstep: terminating on signal %d from pid %d' % (sig, os.getpid())
    if want not in err:
        fails.append('stderr lacks %r' % want)
    if 'gic:' in err:
        fails.append('gic trace lines on stderr')
    prompt = b'wfi> ' if stage == 'idle' else b'poll> '
    if not buf[0].endswith(prompt):
        fails.append('console does not end with the prompt %r: %r' % (prompt, buf[0][-40:]))
    with open(trace, 'rb') as f:
        t = f.read()
    if not t:
        fails.append('trace file empty')
    elif not t.endswith(b'\n'):
        fails.append('trace file ends with an incomplete line %r' % t[-80:])
    if b'gic: ' not in t:
        fails.append('no gic lines in the trace file')
    if fails:
        print('FAIL: %s: %s\nstderr: %s' % (name, '; '.join(fails), err))
        return False
    print('ok: %s: exit 0, %d trace bytes, %d gic lines' % (name, len(t), t.count(b'gic: ')))
    return True


def main():
    hyperstep, elf = sys.argv[1], sys.argv[2]
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for sig, stage in ((signal.SIGTERM, 'busy'), (signal.SIGTERM, 'idle'), (signal.SIGINT, 'busy'),
                           (signal.SIGINT, 'idle'), (signal.SIGHUP, 'busy'), (signal.SIGHUP, 'idle')):
            ok &= run(hyperstep, elf, sig, stage, d)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
