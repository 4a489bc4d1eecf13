#!/usr/bin/env python3
"""uboot_fwcfg.py — Debian's U-Boot (qemu_arm64) on the firmware boot path.

usage: uboot_fwcfg.py HYPERSTEP [--cache DIR] [--timeout S]

1. `-bios u-boot.bin -smp 2 -kernel Image -initrd initramfs.cpio.gz -append`:
   U-Boot's default boot command loads Linux from fw_cfg (qfw) and the
   kernel reaches BOOT-OK cpus=2; the run ends with status 0.
2. The environment lives in flash bank 1 (CONFIG_ENV_ADDR 0x4000000):
   with `-drive if=pflash,format=raw,unit=1,file=F`, `setenv; saveenv` in one
   run is seen by `printenv` in the next, and F holds the variable.
Skipped (77) when the guests cache is absent.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def run(hs, args, stdin_bytes, timeout):
    with tempfile.TemporaryFile() as f:
        f.write(stdin_bytes)
        f.seek(0)
        r = subprocess.run([hs] + args, stdin=f if stdin_bytes else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return r.returncode, r.stdout.decode('utf-8', 'replace')


def expect(log, markers, what):
    pos = 0
    for m in markers:
        i = log.find(m, pos)
        if i < 0:
            print(log[-3000:])
            print('FAIL %s: missing %r' % (what, m))
            return False
        pos = i + len(m)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hyperstep')
    ap.add_argument('--cache', default=os.environ.get('HS_GUESTS_CACHE',
                                                      os.path.join(REPO, '..', 'guests-cache')))
    ap.add_argument('--timeout', type=float, default=1200)
    o = ap.parse_args()
    c = o.cache
    need = ['Image', 'initramfs.cpio.gz', 'u-boot.bin']
    if not all(os.path.exists(os.path.join(c, n)) for n in need):
        print('SKIP: guests cache %s incomplete' % c)
        return 77
    base = ['-M', 'virt,gic-version=3', '-cpu', 'cortex-a53', '-m', '1024', '-nographic', '-no-reboot',
            '-bios', os.path.join(c, 'u-boot.bin')]
    with tempfile.TemporaryDirectory() as d:
        env = os.path.join(d, 'flash1.img')
        with open(env, 'wb') as f:
            f.truncate(64 << 20)
        drive = ['-drive', 'if=pflash,format=raw,unit=1,file=' + env]

        # 1. qfw boot of -kernel/-initrd/-append.
        rc, log = run(o.hyperstep, base + drive + ['--no-stdin', '-smp', '2', '-kernel', os.path.join(c, 'Image'),
                                                  '-initrd', os.path.join(c, 'initramfs.cpio.gz'),
                                                  '-append', 'console=ttyAMA0 panic=-1'], b'', o.timeout)
        if not expect(log, ['U-Boot 2023.01', 'Flash: 64 MiB', 'Starting kernel', 'BOOT-OK cpus=2 el=EL1'],
                      'qfw boot') or rc != 0:
            print('FAIL qfw boot: exit status %d' % rc)
            return 1
        print('ok   qfw boot: BOOT-OK cpus=2')

        # 2. saveenv persists in the bank-1 file.
        rc, log = run(o.hyperstep, base + drive + ['-smp', '1'],
                      b'\nsetenv hstest fwcfg-1234; saveenv; poweroff\n', o.timeout)
        if not expect(log, ['Writing to Flash... done', 'poweroff ...'], 'saveenv') or rc != 0:
            print('FAIL saveenv: exit status %d' % rc)
            return 1
        with open(env, 'rb') as f:
            img = f.read(256 * 1024)
        if b'hstest=fwcfg-1234\0' not in img:
            print('FAIL saveenv: the variable is not in the flash file')
            return 1
        rc, log = run(o.hyperstep, base + drive + ['-smp', '1'], b'\nprintenv hstest; poweroff\n', o.timeout)
        if not expect(log, ['hstest=fwcfg-1234', 'poweroff ...'], 'printenv after restart') or rc != 0:
            print('FAIL printenv: exit status %d' % rc)
            return 1
        print('ok   saveenv persists across runs (bank 1 file)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
