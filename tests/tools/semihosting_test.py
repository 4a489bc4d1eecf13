#!/usr/bin/env python3
"""semihosting_test.py — the semihosting guest (tests/guests/semihosting.c)
against host files, and record/replay of its host-derived results.

usage: semihosting_test.py [--replay] HYPERSTEP GUEST_ELF

Plain: make a temp dir with input.txt, run the guest with -append DIR
(reaching it through SYS_GET_CMDLINE); it must exit 0 with every check
passed, print input.txt's first line, and leave DIR/result.txt with the
text it wrote (out.txt renamed then removed: gone).  A second run prints
exactly the same (virtual time only: CLOCK, ELAPSED, TIME are the same).

--replay: record a run (--record R, digests every 5000 steps), change
input.txt, replay R: same output, exit 0, every digest matches, input.txt
never read (the old first line is printed).  Then a record whose first
"semi" line names another operation: the replay stops with exit 5
("replay diverges"); and a replay with other guest args (-append) is
refused before step 0 (exit 1).
"""
import os
import shutil
import subprocess
import sys
import tempfile


def run(hs, args, timeout=120):
    return subprocess.run([hs] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)


def main():
    replay = sys.argv[1] == '--replay'
    hs, elf = sys.argv[-2], sys.argv[-1]
    d = tempfile.mkdtemp()
    fails = []
    try:
        with open(os.path.join(d, 'input.txt'), 'w') as f:
            f.write('first line of the input\nsecond\n')
        base = ['-M', 'virt', '-semihosting', '-kernel', elf, '-append', d]
        if not replay:
            r = run(hs, base)
            out = r.stdout.decode(errors='replace')
            if r.returncode != 0 or 'RESULT:' not in out or ', 0 failed' not in out:
                fails.append('run: exit %d\n%s\n%s' % (r.returncode, out, r.stderr.decode(errors='replace')))
            if 'input: first line of the input' not in out:
                fails.append('input.txt not read: %r' % out)
            if 'console via :tt' not in out:
                fails.append(':tt output missing')
            res = os.path.join(d, 'result.txt')
            if not os.path.exists(res) or open(res).read() != 'written by the guest\n':
                fails.append('result.txt missing or wrong')
            for gone in ('out.txt', 'renamed.txt'):
                if os.path.exists(os.path.join(d, gone)):
                    fails.append('%s should be gone' % gone)
            r2 = run(hs, base)
            if r2.stdout != r.stdout or r2.returncode != r.returncode:
                fails.append('second run differs:\n%s\n%s' % (r.stdout.decode(), r2.stdout.decode()))
            sys.stdout.write(out)
        else:
            rec = os.path.join(d, 'run.rec')
            r = run(hs, base + ['--record', rec, '--digest-every', '5000'])
            if r.returncode != 0:
                fails.append('record: exit %d %r' % (r.returncode, r.stderr[-500:]))
            lines = open(rec).read().splitlines()
            semi = [l for l in lines if l.startswith('semi ')]
            if len(semi) < 10:
                fails.append('record holds %d semi lines' % len(semi))
            with open(os.path.join(d, 'input.txt'), 'w') as f:
                f.write('CHANGED after recording\n')
            p = run(hs, base + ['--replay', rec])
            if p.returncode != 0 or p.stdout != r.stdout or b'first line of the input' not in p.stdout:
                fails.append('replay: exit %d, output %s\n%r\n%r' % (
                    p.returncode, 'same' if p.stdout == r.stdout else 'differs', p.stdout[-400:],
                    p.stderr[-500:]))
            if os.path.exists(os.path.join(d, 'out.txt')) or os.path.exists(os.path.join(d, 'renamed.txt')):
                fails.append('replay touched the host files')
            # A recorded call sequence that differs from the run: divergence.
            bad = os.path.join(d, 'bad.rec')
            out, done = [], False
            for l in lines:
                if not done and l.startswith('semi '):
                    f = l.split(' ')
                    f[2] = '6' if f[2] != '6' else '5'
                    l = ' '.join(f)
                    done = True
                out.append(l)
            open(bad, 'w').write('\n'.join(out) + '\n')
            p = run(hs, base + ['--replay', bad])
            if p.returncode != 5 or b'replay diverges' not in p.stderr:
                fails.append('changed sequence: exit %d %r' % (p.returncode, p.stderr[-400:]))
            # Other guest arguments: refused before step 0.
            other = ['-M', 'virt', '-semihosting', '-kernel', elf, '-append', d + '/x']
            p = run(hs, other + ['--replay', rec])
            if p.returncode != 1 or b'command line' not in p.stderr:
                fails.append('other args: exit %d %r' % (p.returncode, p.stderr[-400:]))
            # A record without semi lines still replays (old format).
            sys.stdout.write('record: %d semi lines\n' % len(semi))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for f in fails:
        print('FAIL:', f)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
