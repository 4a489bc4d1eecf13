#!/usr/bin/env python3
"""replay_test.py — UART input typed during a recorded 4-core run is replayed
exactly; a changed image or a changed input is reported as a divergence.

usage: replay_test.py HYPERSTEP GUEST_ELF

1. Record: feed "hi\\n" to the guest's UART slowly (with pauses, as typing),
   --record R.  2. Replay R with no input: same stdout, same exit status, every
   checkpoint matches.  3. Replay with a changed image: refused (exit 1,
   "images differ").  4. Replay a record whose second input byte was edited:
   the run diverges and stops (exit 5, "digest mismatch at step N").
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time


def main():
    hs, elf = sys.argv[1], sys.argv[2]
    d = tempfile.mkdtemp()
    rec = os.path.join(d, 'run.rec')
    base = ['-M', 'virt,virtualization=on,gic-version=3', '-smp', '4', '-semihosting', '--quantum', '200',
            '--digest-every', '20000']
    fails = []
    # 1. record, typing slowly
    p = subprocess.Popen([hs] + base + ['--record', rec, '-kernel', elf], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for ch in b'hi\n':
        time.sleep(0.3)
        p.stdin.write(bytes([ch]))
        p.stdin.flush()
    out1, err1 = p.communicate(timeout=120)
    if p.returncode != 0 or b'got 0x0a' not in out1:
        fails.append('record run: exit %d out %r err %r' % (p.returncode, out1[-300:], err1[-300:]))
    ins = [l for l in open(rec).read().splitlines() if l.startswith('in ')]
    if len(ins) != 3:
        fails.append('record holds %d input events, expected 3' % len(ins))
    # 2. replay
    r = subprocess.run([hs] + base[:-2] + ['--replay', rec, '-kernel', elf], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0 or r.stdout != out1:
        fails.append('replay: exit %d, output %s\n%r\n%r' % (r.returncode, 'same' if r.stdout == out1
                     else 'differs', r.stdout[-300:], r.stderr[-500:]))
    # 3. changed image
    elf2 = os.path.join(d, 'changed.elf')
    shutil.copy(elf, elf2)
    data = bytearray(open(elf2, 'rb').read())
    i = data.find(b'ready')
    data[i] = ord('R')
    open(elf2, 'wb').write(data)
    rec2 = os.path.join(d, 'run2.rec')
    text = open(rec).read().replace(elf, elf2)
    open(rec2, 'w').write(text)
    r = subprocess.run([hs] + base[:-2] + ['--replay', rec2, '-kernel', elf2], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 1 or b'images differ' not in r.stderr:
        fails.append('changed image: exit %d, %r' % (r.returncode, r.stderr[-300:]))
    # 4. edited input
    lines = open(rec).read().splitlines()
    k = [n for n, l in enumerate(lines) if l.startswith('in ')][1]
    step = lines[k].split()[1]
    lines[k] = 'in %s 78' % step
    rec3 = os.path.join(d, 'run3.rec')
    open(rec3, 'w').write('\n'.join(lines) + '\n')
    r = subprocess.run([hs] + base[:-2] + ['--replay', rec3, '-kernel', elf], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 5 or b'digest mismatch at step' not in r.stderr:
        fails.append('edited input: exit %d, %r' % (r.returncode, r.stderr[-400:]))
    for f in fails:
        print('FAIL: ' + f)
    print(out1.decode(errors='replace'))
    print('%d passed, %d failed' % (4 - len(fails), len(fails)))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
