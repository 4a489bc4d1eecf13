#!/usr/bin/env python3
"""virtio_blk_test.py — the bare-metal virtio driver (tests/guests/virtio_blk.c)
against a temporary raw image, checked from the host.

usage: virtio_blk_test.py [--no-trace] HYPERSTEP GUEST_ELF   (--no-trace: a -Dtrace=false build)

For the legacy transport (QEMU 7.2's default) and the modern one
(-global virtio-mmio.force-legacy=false): make a 1 MiB image whose sector S
byte I is (S*7+I) & 0xff, run the guest with the image on
virtio-mmio-bus.3 and a virtio-rng-device; it must exit 0, and the image
must then hold the guest's pattern in sectors 100-101 (byte I = I*3 +
version) and be unchanged elsewhere.  The same run with -snapshot must
leave the image untouched, a second run print the same entropy
(deterministic), and --trace virtio name the requests with their status.
A --record of a -snapshot run replays; after the image changes, the replay
is refused (exit 1) naming the drive image.
"""
import os
import subprocess
import sys
import tempfile

SECTORS = 2048


def pattern():
    return bytes(((s * 7 + i) & 0xff) for s in range(SECTORS) for i in range(512))


def run(hs, elf, img, modern, extra=()):
    args = [hs, '-M', 'virt', '-semihosting', '-kernel', elf,
            '-drive', 'file=%s,if=none,format=raw,id=hd' % img,
            '-device', 'virtio-blk-device,bus=virtio-mmio-bus.3,drive=hd',
            '-device', 'virtio-rng-device'] + list(extra)
    if modern:
        args += ['-global', 'virtio-mmio.force-legacy=false']
    return subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)


def main():
    trace = sys.argv[1] != '--no-trace'
    hs, elf = sys.argv[-2], sys.argv[-1]
    fails = []
    d = tempfile.mkdtemp()
    img = os.path.join(d, 'disk.img')
    base = pattern()
    try:
        for modern in (False, True):
            ver = 2 if modern else 1
            name = 'modern' if modern else 'legacy'
            with open(img, 'wb') as f:
                f.write(base)
            r = run(hs, elf, img, modern)
            out = r.stdout.decode(errors='replace')
            sys.stdout.write('[%s]\n%s' % (name, out))
            if r.returncode != 0 or 'virtio-mmio version %d' % ver not in out:
                fails.append('%s: exit %d\n%s\n%s' % (name, r.returncode, out, r.stderr.decode(errors='replace')))
            got = open(img, 'rb').read()
            want = bytearray(base)
            want[100 * 512:102 * 512] = bytes(((i * 3 + ver) & 0xff) for i in range(1024))
            if got != bytes(want):
                diff = [i for i in range(len(base)) if got[i] != want[i]][:4]
                fails.append('%s: image differs from the expected one at bytes %s' % (name, diff))
            # -snapshot: the guest sees its writes, the file does not change.
            with open(img, 'wb') as f:
                f.write(base)
            r2 = run(hs, elf, img, modern, ['-snapshot'] + (['--trace', 'virtio'] if trace else []))
            if r2.returncode != 0:
                fails.append('%s -snapshot: exit %d\n%s' % (name, r2.returncode, r2.stderr.decode(errors='replace')))
            if open(img, 'rb').read() != base:
                fails.append('%s -snapshot: the image was written' % name)
            if r2.stdout != r.stdout:
                fails.append('%s: a second run printed something else (entropy not deterministic?)' % name)
            tr = r2.stderr.decode(errors='replace')
            for line in () if not trace else ('OUT sector 100 len 1024: status 0', 'IN sector 2048 len 512: status 1',
                         'FLUSH sector 0 len 0: status 0', 'notify queue 0', '32 bytes of entropy'):
                if line not in tr:
                    fails.append('%s: --trace virtio lacks %r' % (name, line))
        # Record/replay: the drive image is part of the record header; a
        # replay of the same image matches, a changed image is refused.
        rec = os.path.join(d, 'run.rec')
        with open(img, 'wb') as f:
            f.write(base)
        r = run(hs, elf, img, True, ['-snapshot', '--record', rec])
        r2 = run(hs, elf, img, True, ['-snapshot', '--replay', rec])
        if r.returncode != 0 or r2.returncode != 0 or r2.stdout != r.stdout:
            fails.append('replay of an unchanged image: exit %d/%d\n%s' % (r.returncode, r2.returncode,
                                                                          r2.stderr.decode(errors='replace')))
        with open(img, 'r+b') as f:
            f.write(b'changed')
        r3 = run(hs, elf, img, True, ['-snapshot', '--replay', rec])
        err = r3.stderr.decode(errors='replace')
        if r3.returncode != 1 or 'image drive' not in err:
            fails.append('replay with a changed image: exit %d, expected 1 naming the drive\n%s' % (r3.returncode, err))
        os.unlink(rec)
    finally:
        if os.path.exists(img):
            os.unlink(img)
        os.rmdir(d)
    for f in fails:
        print('FAIL:', f)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
