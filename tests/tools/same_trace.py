#!/usr/bin/env python3
"""same_trace.py — determinism check: run hyperstep twice with the same
arguments and --trace insn into two files; pass when both runs exit with the
same status, the traces are byte-identical, non-trivial, and show every core
in --cores executing.

usage: same_trace.py --hyperstep BIN --outdir DIR [--cores N] -- ARGS...
"""
import argparse
import filecmp
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hyperstep', required=True)
    ap.add_argument('--outdir', required=True)
    ap.add_argument('--cores', type=int, default=1)
    ap.add_argument('--timeout', type=float, default=120)
    ap.add_argument('args', nargs=argparse.REMAINDER)
    o = ap.parse_args()
    args = o.args[1:] if o.args and o.args[0] == '--' else o.args
    os.makedirs(o.outdir, exist_ok=True)
    files, codes = [], []
    for run in (1, 2):
        f = os.path.join(o.outdir, 'trace%d.txt' % run)
        cmd = [o.hyperstep] + args + ['--trace', 'insn', '--trace-file', f]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=o.timeout)
        files.append(f)
        codes.append(p.returncode)
    problems = []
    if codes[0] != codes[1]:
        problems.append('exit status differs: %d vs %d' % tuple(codes))
    if not filecmp.cmp(files[0], files[1], shallow=False):
        with open(files[0]) as a, open(files[1]) as b:
            for n, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    problems.append('traces differ at line %d:\n  %s  %s' % (n + 1, x, y))
                    break
            else:
                problems.append('traces differ in length')
    with open(files[0]) as a:
        text = a.read()
    lines = text.count('\n')
    if lines < 100:
        problems.append('trace has only %d lines' % lines)
    for c in range(o.cores):
        if '[c%d ' % c not in text:
            problems.append('core %d never appears in the trace' % c)
    if problems:
        print('command: ' + ' '.join([o.hyperstep] + args))
        for p in problems:
            print('PROBLEM: ' + p)
        return 1
    print('identical traces: %d lines, %d bytes, exit %d' % (lines, len(text), codes[0]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
