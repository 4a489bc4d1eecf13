#!/usr/bin/env python3
"""xen_gdb.py — gdb-multiarch (batch mode) on the Xen 4.17 + dom0 run.

usage: xen_gdb.py HYPERSTEP [--timeout S]

Starts tests/tools/xen_boot.sh (GICv3, 4 cores) with `-gdb tcp::PORT` and
follows its console log.  Once Xen says "Brought up 4 CPUs" and dom0's Linux
says "smp: Brought up 1 node, 4 CPUs", gdb attaches to the running machine (the stub stops every
core on a new connection) and checks:
  * `info threads` lists 4 threads, each `CPU#n [state] EL2|EL1 Non-secure`
    with a state (running, WFI, ...);
  * `break *($VBAR_EL2 + 0x400)` (Xen's vector for a synchronous exception
    from a lower EL: dom0's HVCs, WFI and sysreg traps) stops a core at that
    PC with its thread selected, CurrentEL = EL2, and ESR_EL2/ELR_EL2 of the
    trap;
then deletes the breakpoint and detaches: the boot must go on to dom0's
power-off with xen_boot.sh's markers (exit 0).  Exit 77 when the guests are
missing.  Every process is bounded by a timeout.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
XEN_BOOT = os.path.join(REPO, 'tests', 'tools', 'xen_boot.sh')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def fail(msg, *logs):
    print('FAIL: ' + msg)
    for name, text in logs:
        print('--- %s ---\n%s' % (name, text[-6000:]))
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hyperstep')
    ap.add_argument('--timeout', type=float, default=900)
    o = ap.parse_args()
    cache = os.environ.get('HS_GUESTS_CACHE', os.path.join(REPO, '..', 'guests-cache'))
    if not (os.path.exists(os.path.join(cache, 'xen')) and os.path.exists(os.path.join(cache, 'Image'))):
        print('SKIP: Xen/Linux guests not in %s' % cache)
        return 77
    port = free_port()
    tmp = tempfile.mkdtemp(prefix='xen-gdb-')
    logf = os.path.join(tmp, 'console.log')
    env = dict(os.environ, HS_GUESTS_CACHE=cache, XEN_BOOT_LOG=logf,
               XEN_BOOT_EXTRA='-gdb tcp::%d' % port)
    t0 = time.time()
    run = subprocess.Popen(['timeout', str(int(o.timeout)), 'bash', XEN_BOOT,
                            os.path.abspath(o.hyperstep), '3', '4'],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def console():
        try:
            return open(logf, errors='replace').read()
        except OSError:
            return ''

    # Wait until Xen has all 4 cores up and dom0 (Linux) has its 4 vCPUs up.
    while 'smp: Brought up 1 node, 4 CPUs' not in console():
        if run.poll() is not None or time.time() - t0 > o.timeout:
            out = run.communicate()[0].decode(errors='replace') if run.poll() is not None else ''
            run.kill()
            return fail('dom0 did not bring up its 4 vCPUs', ('console', console()), ('xen_boot', out))
        time.sleep(0.2)
    t_attach = time.time() - t0
    if 'Brought up 4 CPUs' not in console():
        run.kill()
        return fail('Xen did not bring up 4 CPUs', ('console', console()))

    cmds = ['set pagination off', 'set confirm off', 'set architecture aarch64',
            'target remote 127.0.0.1:%d' % port,
            'info threads',
            'p/x $VBAR_EL2',
            'break *($VBAR_EL2 + 0x400)',
            'continue',
            'info threads',
            'p/x $pc - $VBAR_EL2',
            'p $CurrentEL >> 2',
            'p/x $ESR_EL2 >> 26',
            'p/x $ELR_EL2',
            'delete',
            'detach']
    args = ['gdb-multiarch', '-nx', '-batch'] + [x for c in cmds for x in ('-ex', c)]
    try:
        g = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        gout = g.stdout.decode(errors='replace')
    except subprocess.TimeoutExpired as e:
        run.kill()
        return fail('gdb timed out', ('gdb', (e.stdout or b'').decode(errors='replace')))
    t_gdb = time.time() - t0
    try:
        bout = run.communicate(timeout=max(60, o.timeout - (time.time() - t0)))[0].decode(errors='replace')
    except subprocess.TimeoutExpired:
        run.kill()
        bout = run.communicate()[0].decode(errors='replace')
    wall = time.time() - t0
    print(gout)
    print(bout.strip().splitlines()[0] if bout.strip() else '(no xen_boot output)')

    ok = True

    def want(cond, what):
        nonlocal ok
        print('%s %s' % ('ok  ' if cond else 'FAIL', what))
        ok = ok and cond

    # First `info threads`: 4 cores, each at EL2 or EL1 with a state.
    listings = re.split(r'^\s*Id\s+Target Id', gout, flags=re.M)
    want(len(listings) >= 3, 'two `info threads` listings')
    th = re.compile(r'^[ *]\s*(\d+)\s+Thread \d+ \(CPU#(\d) \[([^\]]+)\] (EL[12]) Non-secure\)', re.M)
    first = th.findall(listings[1]) if len(listings) > 1 else []
    want(sorted(int(t[1]) for t in first) == [0, 1, 2, 3],
         'first listing has CPU#0..3 each at EL1/EL2 Non-secure: %s' % [t[1:] for t in first])
    want(all(t[2] for t in first), 'every core shows a state')
    # The breakpoint stop: thread selected (marked '*'), at VBAR_EL2+0x400, EL2.
    m = re.search(r'^Thread (\d+) hit Breakpoint 1, (0x[0-9a-f]+)', gout, re.M)
    want(m is not None, 'gdb reports the thread (core) that hit the breakpoint')
    if m:
        sel = re.search(r'^\*\s+%s\s+Thread %s \(CPU#%d \[[^\]]+\] EL2 Non-secure\)\s+0x0*%x in'
                        % (m.group(1), m.group(1), int(m.group(1)) - 1, int(m.group(2), 16)),
                        listings[2] if len(listings) > 2 else '', re.M)
        want(sel is not None, 'that thread is the selected one in `info threads`, at EL2, at the breakpoint')
    want(re.search(r'^\$\d+ = 0x400$', gout, re.M) is not None, '$pc == $VBAR_EL2 + 0x400')
    want(re.search(r'^\$\d+ = 2$', gout, re.M) is not None, 'CurrentEL.EL == 2 at the stop')
    ec = re.findall(r'^\$\d+ = (0x[0-9a-f]+)$', gout, re.M)
    want(len(ec) >= 2 and int(ec[-2], 16) in (0x01, 0x16, 0x17, 0x18, 0x20, 0x24),
         'ESR_EL2.EC at the stop is a lower-EL trap (WFx, HVC, SMC, sysreg, abort): %s' % ec[-2:-1])
    want(re.search(r'\[Inferior 1 \(Remote target\) detached\]', gout) is not None, 'gdb detached')
    want(bout.startswith('PASS'), 'the Xen run went on to dom0 power-off after the detach')
    print('attach after %.1f s, gdb done after %.1f s, run ended after %.1f s; ESR_EL2.EC/ELR_EL2 at stop: %s'
          % (t_attach, t_gdb, wall, ec[-2:]))
    if not ok:
        print('--- console tail ---\n' + console()[-3000:])
    print('%d passed, %d failed' % (ok, not ok))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
