#!/usr/bin/env python3
"""bad_inputs.py — malformed inputs each give one clear error and exit 1.

usage: bad_inputs.py HYPERSTEP GOOD_ELF

Builds the bad files from GOOD_ELF in a temporary directory: truncated ELF,
wrong machine (x86-64), 32-bit ELF class, a segment outside RAM, a missing
file, a directory, garbage options.  Each run must exit with status 1, print
exactly one line on stderr starting with 'hyperstep:' that names the
problem, and not crash (no signal, no sanitizer report).
"""
import os
import struct
import subprocess
import sys
import tempfile


def run(hs, args, want_words):
    p = subprocess.run([hs] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    err = p.stderr.decode(errors='replace')
    lines = [l for l in err.splitlines() if l.strip()]
    ok = p.returncode == 1 and len(lines) == 1 and lines[0].startswith('hyperstep:') and \
        all(w in lines[0] for w in want_words)
    print('%s %s -> %d %r' % ('ok  ' if ok else 'FAIL', ' '.join(args[-2:]), p.returncode, err.strip()))
    return ok


def main():
    hs, good = sys.argv[1], sys.argv[2]
    data = open(good, 'rb').read()
    d = tempfile.mkdtemp()
    path = lambda n: os.path.join(d, n)
    # Truncated: keep the headers, cut the segment data.
    phoff = struct.unpack_from('<Q', data, 0x20)[0]
    open(path('trunc.elf'), 'wb').write(data[:phoff + 56 * 2])
    open(path('tiny.elf'), 'wb').write(data[:20])
    # Wrong machine: e_machine = EM_X86_64 (62).
    b = bytearray(data)
    struct.pack_into('<H', b, 18, 62)
    open(path('x86.elf'), 'wb').write(b)
    # 32-bit class.
    b = bytearray(data)
    b[4] = 1
    open(path('class32.elf'), 'wb').write(b)
    # Segment outside RAM: move the first PT_LOAD's paddr to 0x20000000 (nothing there).
    b = bytearray(data)
    phnum = struct.unpack_from('<H', data, 0x38)[0]
    for i in range(phnum):
        off = phoff + i * 56
        if struct.unpack_from('<I', b, off)[0] == 1:
            struct.pack_into('<Q', b, off + 24, 0x20000000)
            break
    open(path('outside.elf'), 'wb').write(b)
    cases = [
        (['-kernel', path('trunc.elf')], ['trunc.elf']),
        (['-kernel', path('tiny.elf')], ['tiny.elf']),
        (['-kernel', path('x86.elf')], ['not AArch64']),
        (['-kernel', path('class32.elf')], ['class32.elf']),
        (['-kernel', path('outside.elf')], ['outside guest RAM']),
        (['-kernel', path('missing.elf')], ['missing.elf']),
        (['-kernel', d], ['not a regular file']),
        (['-bios', path('missing.bin')], ['missing.bin']),
        (['-M', 'virt,gic-version=7', '-kernel', good], ['gic-version']),
        (['-m', 'lots', '-kernel', good], ['-m']),
        (['-smp', '99', '-kernel', good], ['-smp']),
        (['-cpu', 'max', '-kernel', good], ['-cpu max']),
        (['-cpu', 'cortex-a76', '-kernel', good], ['cortex-a76']),
        (['-smp', '9', '-kernel', good], ['GICv2']),   # default gic-version=2: 8 cores at most
        (['--frobnicate', '-kernel', good], ['--frobnicate']),
        (['-device', 'loader,file=' + path('missing.bin') + ',addr=0x40000000'], ['missing.bin']),
        (['-device', 'loader,file=' + good + ',addr=zz'], ['addr']),
        ([], ['nothing to run']),
        (['-serial', 'chardev:nope', '-kernel', good], ['chardev:nope']),
        (['-chardev', 'socket,id=c0', '-kernel', good], ['socket']),
        (['-dtb', path('tiny.elf'), '-kernel', good], ['device tree']),
        (['-drive', 'file=x.img', '-kernel', good], ['if=']),
        (['-drive', 'file=x.img,if=none,format=qcow2,id=d', '-kernel', good], ['qcow2']),
        (['-drive', 'file=x.img,if=scsi,id=d', '-kernel', good], ['if=scsi']),
        (['-drive', 'if=none,id=d', '-kernel', good], ['file=']),
        (['-drive', 'file=x.img,if=none', '-kernel', good], ['id=']),
        (['-drive', 'file=x.img,if=none,id=d,cache=fast', '-kernel', good], ['cache=fast']),
        (['-global', 'frob.prop=1', '-kernel', good], ['frob.prop']),
        (['-global', 'nodot=1', '-kernel', good], ['nodot']),
        (['-device', 'frobnicator,x=1', '-kernel', good], ['frobnicator']),
        (['--powerdown-at', 'soon', '-kernel', good], ['--powerdown-at']),
        (['-serial', 'stdio', '-serial', 'stdio', '-serial', 'stdio', '-kernel', good], ['-serial', 'at most two']),
        (['-M', 'virt,secure=on', '-serial', 'stdio', '-serial', 'file:' + path('nodir/x'), '-kernel', good],
         ['nodir/x']),
        # character devices, the monitor, -accel, -icount, -machine
        (['-icount', 'shift=11', '-kernel', good], ['-icount', 'shift=11']),
        (['-icount', 'shift=2,sleep=on', '-kernel', good], ['-icount', 'sleep=on']),
        (['-icount', 'rr=record', '-kernel', good], ['-icount', 'rr']),
        (['-accel', 'kvm', '-kernel', good], ['-accel', 'kvm']),
        (['-accel', 'tcg,thread=many', '-kernel', good], ['thread=many']),
        (['-machine', 'virt,accel=hvf', '-kernel', good], ['accel=hvf']),
        (['-M', 'virt', '-M', 'type=sbsa-ref', '-kernel', good], ['sbsa-ref']),
        (['-chardev', 'stdio,id=c', '-mon', 'chardev=c,mode=control', '-kernel', good], ['-mon', 'control']),
        (['-mon', 'chardev=nope', '-kernel', good], ['nope']),
        (['-serial', 'vc', '-kernel', good], ['-serial', 'vc']),
        (['-chardev', 'ringbuf,id=r', '-kernel', good], ['ringbuf']),
        (['-chardev', 'socket,id=s,port=70000', '-kernel', good], ['port=70000']),
        (['-chardev', 'pipe,id=p,path=' + path('nopipe'), '-serial', 'chardev:p', '-kernel', good], ['nopipe']),
        (['-chardev', 'socket,id=s,port=1,server=off', '-serial', 'chardev:s', '-kernel', good],
         ["chardev 's'", 'connect']),
        (['-serial', 'stdio', '-monitor', 'stdio', '-kernel', good], ['stdio']),
        (['-chardev', 'stdio,id=c', '-serial', 'chardev:c', '-mon', 'chardev=c', '-kernel', good],
         ["'c'", 'mux=on']),
        (['-chardev', 'file,id=f,path=' + d, '-serial', 'chardev:f', '-kernel', good], ["chardev 'f'"]),
    ]
    passed = sum(run(hs, a, w) for a, w in cases)
    failed = len(cases) - passed
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
