#!/usr/bin/env python3
"""digest_selftest.py — determinism checkpoints and step logs work end to end.

usage: digest_selftest.py HYPERSTEP -- GUEST-ARGS...

1. Two runs with --digest-every produce byte-identical digest files.
2. --expect-digests against that file passes (exit status as without it).
3. A file with one register changed fails with exit 5 and names the register.
4. A file with the wrong header is refused with exit 1.
"""
import os
import subprocess
import sys
import tempfile


def run(args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)


def main():
    hs = sys.argv[1]
    guest = sys.argv[sys.argv.index('--') + 1:]
    d = tempfile.mkdtemp()
    f1, f2, bad = (os.path.join(d, n) for n in ('a.txt', 'b.txt', 'bad.txt'))
    base = [hs, '--quantum', '100'] + guest
    r1 = run(base + ['--digest-every', '200', '--digest-file', f1])
    r2 = run(base + ['--digest-every', '200', '--digest-file', f2])
    fails = []
    a, b = open(f1).read(), open(f2).read()
    if a != b or a.count('\n') < 4:
        fails.append('two runs gave different digests (%d vs %d lines)' % (a.count('\n'), b.count('\n')))
    r3 = run(base + ['--expect-digests', f1])
    if r3.returncode != r1.returncode:
        fails.append('--expect-digests on the same run: exit %d, plain run %d: %s' %
                     (r3.returncode, r1.returncode, r3.stderr.decode()[-500:]))
    lines = a.splitlines()
    k = next(i for i, l in enumerate(lines) if ' x5=' in l and i > 2)
    lines[k] = lines[k].replace(' x5=', ' x5=1', 1)
    open(bad, 'w').write('\n'.join(lines) + '\n')
    r4 = run(base + ['--expect-digests', bad])
    err = r4.stderr.decode()
    if r4.returncode != 5 or 'digest mismatch' not in err or 'x5=' not in err.split('differs:')[-1]:
        fails.append('corrupted digests: exit %d, stderr %r' % (r4.returncode, err[-400:]))
    open(bad, 'w').write('garbage\n')
    r5 = run(base + ['--expect-digests', bad])
    if r5.returncode != 1 or 'header' not in r5.stderr.decode():
        fails.append('bad header: exit %d' % r5.returncode)
    # 5. Step logs of two runs are identical for replay-diff; a changed one is not.
    s1, s2 = os.path.join(d, 's1.txt'), os.path.join(d, 's2.txt')
    run(base + ['--step-log', s1])
    run(base + ['--step-log', s2])
    rd = run([hs, 'replay-diff', s1, s2])
    if rd.returncode != 0 or b'identical' not in rd.stdout:
        fails.append('replay-diff of two identical runs: %r' % rd.stdout[-300:])
    lines = open(s2).read().splitlines()
    k = next(i for i, l in enumerate(lines) if ' x' in l and i > 10)
    lines[k] = lines[k] + ' x30=dead'
    open(s2, 'w').write('\n'.join(lines) + '\n')
    rd = run([hs, 'replay-diff', s1, s2])
    if rd.returncode != 1 or ('line %d' % (k + 1)).encode() not in rd.stdout:
        fails.append('replay-diff did not find the changed step %d: %r' % (k + 1, rd.stdout[-300:]))
    for f in fails:
        print('FAIL: ' + f)
    print('%d passed, %d failed' % (6 - len(fails), len(fails)))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
