#!/usr/bin/env python3
"""trace_filter_check.py — proves --trace-core / --trace-el / --trace-range.

usage: trace_filter_check.py HYPERSTEP TRACE-ARGS... -- GUEST-ARGS...

TRACE-ARGS hold --trace LIST and the filters under test.  The script runs
the guest twice: with TRACE-ARGS, and with the same --trace but no filter.
It passes when
  * the filtered trace is non-empty;
  * every filtered line belongs to a requested core (the "[cN" prefix; gic/
    timer lines "core N"), EL (exception lines: the TARGET EL "-> ELn", ERET
    lines: the EL returned from; others: the prefix's EL) and address range
    (insn/regs: the PC; mmio: the PA; mmu: the VA);
  * the unfiltered trace has lines the filter rejects (so the filter did
    something) and each filtered line also appears in it (filtering drops
    lines, it changes none).
"""
import re
import subprocess
import sys

PREFIX = re.compile(r'^\[c(?P<core>\d+) EL(?P<el>\d) #\d+\] (?P<rest>.*)$')
INSN = re.compile(r'^(?P<pc>[0-9a-f]{16}): [0-9a-f]{8} ')
REGS = re.compile(r'^REGS (?P<pc>[0-9a-f]{16}):')
EXC = re.compile(r'^EXC  EL\d -> EL(?P<el>\d) ')
ERET = re.compile(r'^ERET (?:from )?EL(?P<el>\d)')
MMIO = re.compile(r'^MMIO (?:read |write) \S+ 0x(?P<a>[0-9a-f]+) ')
MMU = re.compile(r'^MMU  \S+ \S+ VA 0x(?P<a>[0-9a-f]+)')
CORELINE = re.compile(r'^(?:gic|timer): core (?P<core>\d+) ')


def parse_list(s):
    out = set()
    for part in s.split(','):
        lo, _, hi = part.partition('-')
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def run(hs, args):
    p = subprocess.run([hs] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=600, errors='replace')
    return [l for l in p.stderr.splitlines()]


def verdict(line, cores, els, rng):
    """None for lines that are not trace lines, else (wanted, why-not)."""
    m = PREFIX.match(line)
    if not m:
        c = CORELINE.match(line)
        if c and cores is not None:
            return (int(c['core']) in cores, 'core')
        return None
    core, el, rest = int(m['core']), int(m['el']), m['rest']
    addr = None
    for rx, kind in ((EXC, 'el'), (ERET, 'el'), (INSN, 'pc'), (REGS, 'pc'), (MMIO, 'a'), (MMU, 'a')):
        x = rx.match(rest)
        if x:
            if kind == 'el':
                el = int(x['el'])
            else:
                addr = int(x[kind], 16)
            break
    if cores is not None and core not in cores:
        return (False, 'core %d' % core)
    if els is not None and el not in els:
        return (False, 'EL %d' % el)
    if rng is not None and addr is not None and not (rng[0] <= addr <= rng[1]):
        return (False, 'address 0x%x' % addr)
    return (True, '')


def main():
    hs = sys.argv[1]
    sep = sys.argv.index('--')
    targs, guest = sys.argv[2:sep], sys.argv[sep + 1:]
    cores = els = rng = None
    plain = []
    i = 0
    while i < len(targs):
        a, v = targs[i], targs[i + 1]
        if a == '--trace-core':
            cores = parse_list(v)
        elif a == '--trace-el':
            els = parse_list(v)
        elif a == '--trace-range':
            lo, hi = v.split('-')
            rng = (int(lo, 0), int(hi, 0))
        else:
            plain += [a, v]
        i += 2
    filtered = run(hs, targs + guest)
    full = run(hs, plain + guest)
    fails = []
    n = 0
    for line in filtered:
        v = verdict(line, cores, els, rng)
        if v is None:
            continue
        n += 1
        if not v[0]:
            fails.append('filtered output has a line of the wrong %s: %s' % (v[1], line))
    rejected = sum(1 for l in full if (verdict(l, cores, els, rng) or (True,))[0] is False)
    fullset = set(full)
    missing = [l for l in filtered if PREFIX.match(l) and l not in fullset]
    if n == 0:
        fails.append('filtered trace is empty')
    if rejected == 0:
        fails.append('the unfiltered trace has no line the filter should drop: test proves nothing')
    for l in missing[:5]:
        fails.append('line absent from the unfiltered trace: ' + l)
    for f in fails[:20]:
        print('FAIL ' + f)
    print('%d filtered lines, %d lines of the unfiltered trace rejected by the filter' % (n, rejected))
    print('%d passed, %d failed' % (0 if fails else 1, 1 if fails else 0))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
