#!/usr/bin/env python3
"""linux_boot.py — boot Debian's arm64 Linux with the busybox initramfs.

usage: linux_boot.py HYPERSTEP CASE [--cache DIR] [--timeout S] [--qemu]

CASE: el1-gicv3 | el2-gicv3 | el2-gicv2 | smp1 (4 cores except smp1) | uboot
The guests are fetched once with ../shared/guests/fetch-debian-guests into
DIR (default: $HS_GUESTS_CACHE or <repo>/../guests-cache).  Passes when the
boot log shows the markers of ../shared/guests/README.md in order and the
run ends with exit status 0 after PSCI SYSTEM_OFF.  Prints the wall time;
--qemu runs qemu-system-aarch64 with the same command line for comparison.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

CASES = {
    'el1-gicv3': ('virt,gic-version=3', 4, ['psci: PSCIv1.1 detected in firmware',
                                          'CPU: All CPU(s) started at EL1', 'BOOT-OK cpus=4 el=EL1']),
    'el2-gicv3': ('virt,virtualization=on,gic-version=3', 4,
                  ['psci: PSCIv1.1 detected in firmware', 'CPU: All CPU(s) started at EL2',
                   'kvm [1]: Hyp mode initialized successfully', 'BOOT-OK cpus=4 el=EL2']),
    'el2-gicv2': ('virt,virtualization=on,gic-version=2', 4,
                  ['psci: PSCIv1.1 detected in firmware', 'CPU: All CPU(s) started at EL2',
                   'kvm [1]: Hyp mode initialized successfully', 'BOOT-OK cpus=4 el=EL2']),
    'smp1': ('virt,gic-version=3', 1, ['psci: PSCIv1.1 detected in firmware', 'BOOT-OK cpus=1 el=EL1']),
    # U-Boot qemu_arm64 from flash: the first key stops autoboot, then two commands
    # typed from a file on stdin (deterministic: they enter at step 0).
    'uboot': ('virt,gic-version=3', 1, ['U-Boot 2023.01', 'Hit any key to stop autoboot', '=> version',
                                        'U-Boot 2023.01', '=> poweroff', 'poweroff ...']),
}


def fetch(cache):
    need = ['Image', 'initramfs.cpio.gz', 'u-boot.bin']
    if all(os.path.exists(os.path.join(cache, n)) for n in need):
        return True
    fetcher = os.path.join(REPO, '..', 'shared', 'guests', 'fetch-debian-guests')
    if not os.path.exists(fetcher):
        print('SKIP: %s not found' % fetcher)
        return False
    r = subprocess.run([fetcher, cache])
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hyperstep')
    ap.add_argument('case', choices=sorted(CASES))
    ap.add_argument('--cache', default=os.environ.get('HS_GUESTS_CACHE',
                                                      os.path.join(REPO, '..', 'guests-cache')))
    ap.add_argument('--timeout', type=float, default=1200)
    ap.add_argument('--qemu', action='store_true')
    ap.add_argument('--extra', action='append', default=[])
    o = ap.parse_args()
    if not fetch(o.cache):
        return 77   # meson: skipped
    machine, smp, markers = CASES[o.case]
    args = ['-M', machine, '-cpu', 'cortex-a53', '-smp', str(smp), '-m', '1024', '-nographic', '-no-reboot']
    stdin = subprocess.DEVNULL
    if o.case == 'uboot':
        args += ['-bios', os.path.join(o.cache, 'u-boot.bin')]
        import tempfile
        f = tempfile.TemporaryFile()
        f.write(b'\nversion\npoweroff\n')
        f.seek(0)
        stdin = f
    else:
        args += ['-kernel', os.path.join(o.cache, 'Image'), '-initrd', os.path.join(o.cache, 'initramfs.cpio.gz'),
                 '-append', 'console=ttyAMA0 panic=-1']
    args += o.extra
    prog = 'qemu-system-aarch64' if o.qemu else o.hyperstep
    if o.qemu:
        args += ['-nic', 'none']
    t0 = time.time()
    try:
        p = subprocess.run([prog] + args, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=o.timeout)
        out, rc = p.stdout.decode(errors='replace'), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b'').decode(errors='replace'), 'timeout'
    wall = time.time() - t0
    pos, missing = 0, None
    for mk in markers + ([] if o.case == 'uboot' else ['reboot: Power down']):
        i = out.find(mk, pos)
        if i < 0:
            missing = mk
            break
        pos = i + len(mk)
    ok = missing is None and rc == 0
    print('%s %s on %s: exit %s, wall %.1f s%s' % ('PASS' if ok else 'FAIL', o.case,
          'qemu' if o.qemu else 'hyperstep', rc, wall, '' if ok else ', missing marker %r' % missing))
    if not ok:
        print('--- log (tail) ---\n' + out[-8000:])
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
