#!/usr/bin/env python3
"""dtb_compare.py — hyperstep's -M virt,dumpdtb= against QEMU 7.2's.

usage: dtb_compare.py HYPERSTEP DATA_DIR README

For every DATA_DIR/qemu-7.2-virt+SPEC.dtb (',' in SPEC spelled '+') (see DATA_DIR/README.md) runs
  HYPERSTEP -M virt,SPEC,dumpdtb=F -cpu cortex-a53 -smp 4 -m 1024 -nographic
and checks that every node of QEMU's tree exists in hyperstep's with equal
compatible, reg, interrupts, status and secure-status, except the nodes
matched by DATA_DIR/not_modelled.txt; every pattern of that list must appear
in README (so the README says what is missing).  The DTB is parsed here
(the flattened format of the Devicetree Specification v0.4, chapter 5), so
the test needs neither QEMU nor dtc.
"""
import fnmatch
import os
import struct
import subprocess
import sys
import tempfile

COMPARED = ('compatible', 'reg', 'interrupts', 'status', 'secure-status')
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


def parse_dtb(blob):
    """Return {node path: {property name: bytes}}, paths in tree order."""
    magic, _total, off_struct, off_strings = struct.unpack_from('>4I', blob, 0)
    if magic != 0xd00dfeed:
        raise ValueError('not a flattened device tree (magic %#x)' % magic)
    nodes = {}
    stack = []
    pos = off_struct
    while True:
        (tok,) = struct.unpack_from('>I', blob, pos)
        pos += 4
        if tok == FDT_BEGIN_NODE:
            end = blob.index(b'\0', pos)
            name = blob[pos:end].decode()
            pos = (end + 4) & ~3
            stack.append(name)
            path = '/' + '/'.join(stack[1:])
            nodes[path] = {}
        elif tok == FDT_END_NODE:
            stack.pop()
        elif tok == FDT_PROP:
            length, nameoff = struct.unpack_from('>2I', blob, pos)
            pos += 8
            value = blob[pos:pos + length]
            pos = (pos + length + 3) & ~3
            pname = blob[off_strings + nameoff:blob.index(b'\0', off_strings + nameoff)].decode()
            nodes['/' + '/'.join(stack[1:])][pname] = value
        elif tok == FDT_NOP:
            continue
        elif tok == FDT_END:
            return nodes
        else:
            raise ValueError('bad token %d at %#x' % (tok, pos - 4))


def show(name, v):
    if v is None:
        return 'absent'
    if name in ('compatible', 'status', 'secure-status'):
        return '"' + '", "'.join(s.decode(errors='replace') for s in v.rstrip(b'\0').split(b'\0')) + '"'
    return '<' + ' '.join('%#x' % c for c in struct.unpack('>%dI' % (len(v) // 4), v)) + '>'


def skipped(path, patterns):
    parts = path.split('/')
    for i in range(2, len(parts) + 1):
        prefix = '/'.join(parts[:i])
        if any(fnmatch.fnmatchcase(prefix, p) for p in patterns):
            return True
    return False


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hyperstep, data, readme = sys.argv[1:]
    with open(os.path.join(data, 'not_modelled.txt')) as f:
        patterns = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    with open(readme) as f:
        readme_text = f.read()
    problems = []
    for p in patterns:
        if '`' + p + '`' not in readme_text:
            problems.append('README does not list not-modelled node `%s`' % p)
    files = sorted(f for f in os.listdir(data) if f.startswith('qemu-7.2-virt+') and f.endswith('.dtb'))
    if not files:
        problems.append('no QEMU DTBs in %s' % data)
    for fn in files:
        spec = fn[len('qemu-7.2-virt+'):-len('.dtb')].replace('+', ',')
        with open(os.path.join(data, fn), 'rb') as f:
            qemu = parse_dtb(f.read())
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'hs.dtb')
            cmd = [hyperstep, '-M', 'virt,%s,dumpdtb=%s' % (spec, out), '-cpu', 'cortex-a53', '-smp', '4',
                   '-m', '1024', '-nographic']
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
            if p.returncode != 0 or not os.path.exists(out):
                problems.append('%s: %s failed (%d): %s' % (spec, ' '.join(cmd), p.returncode,
                                                           p.stdout.decode(errors='replace')))
                continue
            with open(out, 'rb') as f:
                ours = parse_dtb(f.read())
        checked = 0
        for path, props in qemu.items():
            if skipped(path, patterns):
                continue
            checked += 1
            if path not in ours:
                problems.append('%s: node %s missing' % (spec, path))
                continue
            for name in COMPARED:
                a, b = props.get(name), ours[path].get(name)
                if a != b:
                    problems.append('%s: %s %s is %s, QEMU: %s' % (spec, path, name, show(name, b), show(name, a)))
        extra = [p for p in ours if p not in qemu]
        print('%s: %d QEMU nodes compared, %d skipped as not modelled%s' %
              (spec, checked, len(qemu) - checked, '; only ours: ' + ', '.join(extra) if extra else ''))
    for pr in problems:
        print('PROBLEM: ' + pr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
