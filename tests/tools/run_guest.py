#!/usr/bin/env python3
"""run_guest.py — run hyperstep on a guest and check what it did.

usage: run_guest.py --hyperstep BIN [--expect-exit N] [--expect FILE]
                    [--expect-line TEXT ...] [--expect-stderr TEXT ...]
                    [--stdin FILE] [--timeout S] -- HYPERSTEP-ARGS...

Passes when the exit status is N (default 0), every line of FILE and every
--expect-line appears in stdout in that order (as substrings), and every
--expect-stderr text appears in stderr.  On failure prints the output.
"""
import argparse
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hyperstep', required=True)
    ap.add_argument('--expect-exit', type=int, default=0)
    ap.add_argument('--expect')
    ap.add_argument('--expect-line', action='append', default=[])
    ap.add_argument('--expect-stderr', action='append', default=[])
    ap.add_argument('--stdin')
    ap.add_argument('--timeout', type=float, default=120)
    ap.add_argument('args', nargs=argparse.REMAINDER)
    o = ap.parse_args()
    args = o.args[1:] if o.args and o.args[0] == '--' else o.args
    cmd = [o.hyperstep] + args
    stdin = open(o.stdin, 'rb') if o.stdin else subprocess.DEVNULL
    try:
        p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=o.timeout)
    except subprocess.TimeoutExpired as e:
        print('TIMEOUT after %ss: %s' % (o.timeout, ' '.join(cmd)))
        print((e.stdout or b'').decode(errors='replace')[-4000:])
        return 1
    out = p.stdout.decode(errors='replace')
    err = p.stderr.decode(errors='replace')
    want = list(o.expect_line)
    if o.expect:
        with open(o.expect) as f:
            want = [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')] + want
    problems = []
    if p.returncode != o.expect_exit:
        problems.append('exit status %d, expected %d' % (p.returncode, o.expect_exit))
    pos = 0
    for w in want:
        i = out.find(w, pos)
        if i < 0:
            problems.append('missing (in order) in stdout: %r' % w)
            break
        pos = i + len(w)
    for w in o.expect_stderr:
        if w not in err:
            problems.append('missing in stderr: %r' % w)
    if problems:
        print('command: ' + ' '.join(cmd))
        for pr in problems:
            print('PROBLEM: ' + pr)
        print('--- stdout (tail) ---\n' + out[-6000:])
        print('--- stderr (tail) ---\n' + err[-4000:])
        return 1
    sys.stdout.write(out[-2000:])
    return 0


if __name__ == '__main__':
    sys.exit(main())
