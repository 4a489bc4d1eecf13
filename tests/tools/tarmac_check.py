#!/usr/bin/env python3
"""tarmac_check.py — a strict reader of the Tarmac text format, written from
Arm's description of Tarmac trace files (instruction "IT/IS", register "R",
memory "MR<n>/MW<n>" and event "E" records, each prefixed by a timestamp,
its unit and an optional "cpu<N>" source).  With HYPERSTEP and guest
arguments it first produces the trace with --tarmac.

usage: tarmac_check.py [--need-mem] FILE
       tarmac_check.py [--need-mem] --run HYPERSTEP -- GUEST-ARGS...

--need-mem: also require at least one MR and one MW record, each right after
the IT/IS and R records of its instruction (program order).

Checks: every line parses; timestamps never go backwards; each core's
instruction index ("(n)") increases by exactly 1; R/M/E records follow an
instruction of the same core at the same timestamp; register names and widths
are valid (X0-X30 64-bit, SP_ELn, CPSR 32-bit); memory sizes 1/2/4/8 with a
matching value width; disassembly present for every instruction.
"""
import os
import re
import subprocess
import sys
import tempfile

HEAD = r'(?P<t>\d+) (?P<unit>clk|ns|ps|cyc) (?:cpu(?P<cpu>\d+) )?'
INSN = re.compile(HEAD + r'(?P<k>IT|IS) \((?P<n>\d+)\) (?P<va>[0-9a-f]{16})(?::(?P<pa>[0-9a-f]+))? '
                  r'(?P<op>[0-9a-f]{8}) (?P<iset>[AOT]) (?P<mode>EL[0-3][ht]_[sn]) : (?P<dis>\S.*)$')
REG = re.compile(HEAD + r'R (?P<r>X(?:[0-9]|[12][0-9]|30)|SP_EL[0-3]|CPSR) (?P<v>[0-9a-f]+)$')
MEM = re.compile(HEAD + r'M(?P<d>[RW])(?P<sz>[1248]) (?P<va>[0-9a-f]{16})(?::(?P<pa>[0-9a-f]+))? (?P<v>[0-9a-f]+)$')
EVT = re.compile(HEAD + r'E (?P<va>[0-9a-f]{16}) (?P<v>[0-9a-f]+) (?P<what>\w+)$')


def check(path):
    errors = []
    last_t = -1
    last_n = {}
    last_insn = {}
    last_kind = {}
    count = 0
    mem = {'R': 0, 'W': 0}
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip('\n')
            m = INSN.match(line) or REG.match(line) or MEM.match(line) or EVT.match(line)
            if not m:
                errors.append('%d: unparsable: %r' % (ln, line))
                continue
            t, cpu = int(m['t']), m['cpu'] or '0'
            if t < last_t:
                errors.append('%d: time goes backwards' % ln)
            last_t = t
            if m.re is INSN:
                n = int(m['n'])
                if cpu in last_n and n != last_n[cpu] + 1:
                    errors.append('%d: cpu%s index %d after %d' % (ln, cpu, n, last_n[cpu]))
                last_n[cpu] = n
                last_insn[cpu] = t
                count += 1
            else:
                if last_insn.get(cpu) != t:
                    errors.append('%d: record without an instruction of cpu%s at time %d' % (ln, cpu, t))
                if m.re is REG:
                    want = 8 if m['r'] == 'CPSR' else 16
                    if len(m['v']) != want:
                        errors.append('%d: %s value width %d' % (ln, m['r'], len(m['v'])))
                if m.re is MEM and len(m['v']) != 2 * int(m['sz']):
                    errors.append('%d: memory value width' % ln)
                if m.re is MEM:
                    mem[m['d']] += 1
                    if last_kind.get(cpu) not in (INSN, REG, MEM):
                        errors.append('%d: memory record after an event record' % ln)
                if m.re is REG and last_kind.get(cpu) is MEM:
                    errors.append('%d: register record after a memory record' % ln)
            last_kind[cpu] = m.re
    return count, errors, mem


def main():
    need_mem = '--need-mem' in sys.argv[1:2]
    if need_mem:
        del sys.argv[1]
    if sys.argv[1] == '--run':
        hs = sys.argv[2]
        guest = sys.argv[sys.argv.index('--') + 1:]
        path = os.path.join(tempfile.mkdtemp(), 'run.tarmac')
        subprocess.run([hs, '--tarmac', path] + guest, stdout=subprocess.DEVNULL, timeout=300)
    else:
        path = sys.argv[1]
    count, errors, mem = check(path)
    if need_mem and not (mem['R'] and mem['W']):
        errors.append('no MR or no MW record (%d MR, %d MW)' % (mem['R'], mem['W']))
    for e in errors[:20]:
        print('FAIL ' + e)
    ok = count > 10 and not errors
    print('%s: %d instructions, %d MR, %d MW, %d errors' % (path, count, mem['R'], mem['W'], len(errors)))
    print('%d passed, %d failed' % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
