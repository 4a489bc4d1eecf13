#!/usr/bin/env python3
"""seed_cmdline.py — a qemu-system-aarch64 command line that boots Linux with
the Image and DTB placed by -device loader runs unchanged apart from the
program name (plus -semihosting so the test guest can exit):

  -machine virt,gic-version=2,virtualization=on -cpu cortex-a53 -nographic -smp 4
  -m 4096 -kernel X.elf -device loader,file=Image,addr=0x80200000
  -device loader,file=X.dtb,addr=0x88000000

usage: seed_cmdline.py HYPERSTEP GUEST_ELF
The guest prints the first 8 bytes at both addresses; they must be the
markers written at the start of the two files.
"""
import os
import struct
import subprocess
import sys
import tempfile


def main():
    hs, elf = sys.argv[1], sys.argv[2]
    d = tempfile.mkdtemp()
    img, dtb = os.path.join(d, 'Image'), os.path.join(d, '1gb_4core.dtb')
    open(img, 'wb').write(struct.pack('<Q', 0x1122334455667788) + b'\0' * 4096)
    open(dtb, 'wb').write(struct.pack('<Q', 0x0badc0dedeadbeef) + b'\0' * 64)
    cmd = [hs, '-machine', 'virt,gic-version=2,virtualization=on', '-cpu', 'cortex-a53', '-nographic',
           '-smp', '4', '-m', '4096', '-kernel', elf, '-device', 'loader,file=%s,addr=0x80200000' % img,
           '-device', 'loader,file=%s,addr=0x88000000' % dtb, '-semihosting']
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode()
    want = ['at 0x80200000: 1122334455667788', 'at 0x88000000: 0badc0dedeadbeef', 'EL2']
    missing = [w for w in want if w not in out]
    ok = p.returncode == 0 and not missing
    print(out + p.stderr.decode())
    print('%s: exit %d, missing %r' % ('ok' if ok else 'FAIL', p.returncode, missing))
    print('%d passed, %d failed' % (ok, not ok))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
