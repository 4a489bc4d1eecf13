#!/usr/bin/env python3
"""reverse_linux.py — reverse execution on the Debian Linux 4-core EL2 GICv3
boot (the golden prefix case) under gdb-multiarch in batch mode.

usage: reverse_linux.py HYPERSTEP GOLDEN_DIR [BUDGET_MIB]

hyperstep runs the boot with --reverse-budget, --expect-digests on the
golden list and -S; gdb goes forward to step 150.5M (monitor goto), back
1M steps (timed), reverse-stepi and stepi on CPU#1, back 10000 and 20000
steps more, then continues to the end (--stop-after 300M).  Passes when
hyperstep ends with status 4 (not 5): every checkpoint of the run,
including those passed again after going back, equals the straight run's.
Prints the time of going back 1M steps.  BUDGET_MIB (default 2048): a
small one (100) makes the checkpoints thin out (merges) during the run.  Skipped (77) without the Debian
guests or with HS_GOLDEN_LINUX=0.
"""
import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    hs, gdir = sys.argv[1:3]
    budget = sys.argv[3] if len(sys.argv) > 3 else '2048'
    if os.environ.get('HS_GOLDEN_LINUX', '1') == '0':
        print('SKIP: HS_GOLDEN_LINUX=0')
        return 77
    cache = os.environ.get('HS_GUESTS_CACHE', os.path.join(REPO, '..', 'guests-cache'))
    imgs = [os.path.join(cache, n) for n in ('Image', 'initramfs.cpio.gz')]
    if not all(os.path.exists(p) for p in imgs):
        print('SKIP: Debian guests not in %s' % cache)
        return 77
    port = free_port()
    golden = os.path.join(gdir, 'linux_el2_gicv3_prefix.digests')
    err = open(os.devnull, 'w')
    p = subprocess.Popen([hs, '-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a53', '-smp', '4',
                          '-m', '1024', '-append', 'console=ttyAMA0 panic=-1', '-no-reboot', '-kernel', imgs[0],
                          '-initrd', imgs[1], '-nographic', '--no-stdin', '--stop-after', '300000000',
                          '--expect-digests', golden, '--digest-file', os.devnull, '-gdb', 'tcp::%d' % port, '-S',
                          '--reverse-budget', budget],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1)
    cmds = ['set architecture aarch64', 'set pagination off', 'set confirm off', 'set remotetimeout 120',
            'target remote 127.0.0.1:%d' % port,
            'monitor goto 150500000', 'shell date +T0=%s.%N', 'monitor goto 149500000', 'shell date +T1=%s.%N',
            'maint flush register-cache', 'info threads', 'thread 2', 'p/x $pc', 'reverse-stepi', 'p/x $pc',
            'stepi', 'p/x $pc', 'monitor goto 149490000', 'monitor goto 149480000', 'monitor when', 'continue']
    # (monitor when prints the checkpoints kept and their memory)
    args = ['gdb-multiarch', '-batch', '-nx']
    for c in cmds:
        args += ['-ex', c]
    try:
        out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             timeout=600).stdout.decode(errors='replace')
    except subprocess.TimeoutExpired:
        p.kill()
        print('FAIL: gdb timed out')
        return 1
    try:
        code = p.wait(120)
    except subprocess.TimeoutExpired:
        p.kill()
        code = -1
    log = p.stderr.read().decode(errors='replace')
    err.close()
    t0 = re.search(r'T0=([\d.]+)', out)
    t1 = re.search(r'T1=([\d.]+)', out)
    problems = []
    if code != 4:
        problems.append('hyperstep exit %d (4 expected; 5 = a digest differs from the golden run)' % code)
    for want in (r'now at step 149500000, CPU#0', r'now at step 149480000, CPU#0',
                 r'exited with code 04'):
        if not re.search(want, out):
            problems.append('missing /%s/' % want)
    if problems:
        print(out)
        print(log[-3000:])
        for pr in problems:
            print('PROBLEM: ' + pr)
        return 1
    ck = re.search(r'checkpoints: .*', out)
    print('PASS: Linux 4-core boot, --reverse-budget %s: forward to 150.5M, back 1M steps in %.3f s, '
          'reverse-stepi/stepi on CPU#1, back 10000 and 20000 more, on to 300M: every digest equals the golden '
          'run (%s)' % (budget, float(t1.group(1)) - float(t0.group(1)) if t0 and t1 else -1,
                       ck.group(0) if ck else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
