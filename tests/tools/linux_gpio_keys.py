#!/usr/bin/env python3
"""linux_gpio_keys.py — Debian's Linux sees the virt board's power key.

usage: linux_gpio_keys.py HYPERSTEP [--cache DIR] [--press STEP] [--timeout S]

Builds a small initramfs from the guests cache (DIR, default
$HS_GUESTS_CACHE or <repo>/../guests-cache): Debian's static busybox and the
modules evdev.ko and gpio_keys.ko taken from the cached linux-image .deb
(CONFIG_KEYBOARD_GPIO=m; the PL061 driver is built in).  Its /init loads
them, finds the input device named "gpio-keys", prints GPIO-KEYS-READY and
waits for one input event; a KEY_POWER press (EV_KEY, code 116, value 1)
makes it power the machine off (busybox poweroff -f -> PSCI SYSTEM_OFF).
hyperstep presses the key with --powerdown-at STEP.  Passes when the log
shows READY, the KEY_POWER event and "reboot: Power down", with exit
status 0.  Exit 77 (skipped) when the cache lacks the kernel, busybox or
the .deb.  (With QEMU the same initramfs powers off on the monitor's
system_powerdown, which presses the same key.)
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

INIT = r'''#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
insmod /evdev.ko
insmod /gpio_keys.ko
ev=
for e in /sys/class/input/event*; do
  [ "$(cat $e/device/name 2>/dev/null)" = gpio-keys ] && ev=/dev/input/${e##*/}
done
if [ -z "$ev" ]; then
  echo "GPIO-KEYS-MISSING"; cat /proc/bus/input/devices; poweroff -f
fi
echo "GPIO-KEYS-READY $ev"
# struct input_event on arm64: 16 bytes of time, u16 type, u16 code, s32 value
hex=$(dd if=$ev bs=24 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')
echo "EVENT ${hex#????????????????????????????????}"
case "$hex" in
  *0100740001000000) echo "KEY_POWER pressed: powering off"; poweroff -f ;;
esac
echo "GPIO-KEYS-UNEXPECTED-EVENT"
poweroff -f
'''


def build_initramfs(cache, out):
    debs = glob.glob(os.path.join(cache, 'debs', 'linux-image-*.deb'))
    busybox = os.path.join(cache, 'busybox')
    if not debs or not os.path.exists(busybox):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, 'deb')
        os.mkdir(x)
        tar = subprocess.run(['dpkg-deb', '--fsys-tarfile', debs[0]], stdout=subprocess.PIPE, check=True).stdout
        names = subprocess.run(['tar', '-t'], input=tar, stdout=subprocess.PIPE, check=True).stdout.decode().split()
        want = [n for n in names if n.endswith('/input/evdev.ko') or n.endswith('/keyboard/gpio_keys.ko')]
        if len(want) != 2:
            return False
        subprocess.run(['tar', '-x', '-C', x] + want, input=tar, check=True)
        root = os.path.join(tmp, 'root')
        for d in ('bin', 'sbin', 'dev', 'proc', 'sys'):
            os.makedirs(os.path.join(root, d))
        shutil.copy(busybox, os.path.join(root, 'bin', 'busybox'))
        os.chmod(os.path.join(root, 'bin', 'busybox'), 0o755)
        for w in want:
            shutil.copy(os.path.join(x, w), os.path.join(root, os.path.basename(w)))
        with open(os.path.join(root, 'init'), 'w') as f:
            f.write(INIT)
        os.chmod(os.path.join(root, 'init'), 0o755)
        files = subprocess.run(['find', '.'], cwd=root, stdout=subprocess.PIPE, check=True).stdout
        with open(out, 'wb') as f:
            subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], cwd=root, input=files, stdout=f, check=True)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hyperstep')
    ap.add_argument('--cache', default=os.environ.get('HS_GUESTS_CACHE',
                                                      os.path.join(REPO, '..', 'guests-cache')))
    ap.add_argument('--press', default='3000000000')
    ap.add_argument('--timeout', type=float, default=1800)
    o = ap.parse_args()
    image = os.path.join(o.cache, 'Image')
    if not os.path.exists(image) or not shutil.which('cpio') or not shutil.which('dpkg-deb'):
        print('SKIP: Image, cpio or dpkg-deb missing')
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, 'initrd.cpio')
        if not build_initramfs(o.cache, initrd):
            print('SKIP: busybox or the linux-image .deb (with gpio_keys.ko, evdev.ko) missing in %s' % o.cache)
            return 77
        cmd = [o.hyperstep, '-M', 'virt,gic-version=3', '-cpu', 'cortex-a53', '-smp', '1', '-m', '512',
               '-nographic', '-no-reboot', '--no-stdin', '-kernel', image, '-initrd', initrd,
               '-append', 'console=ttyAMA0 panic=-1', '--powerdown-at', o.press, '--trace', 'psci']
        t0 = time.time()
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=o.timeout)
            out, rc = p.stdout.decode(errors='replace'), p.returncode
        except subprocess.TimeoutExpired as e:
            out, rc = (e.stdout or b'').decode(errors='replace'), 'timeout'
    wall = time.time() - t0
    pos, missing = 0, None
    for mk in ['GPIO-KEYS-READY /dev/input/event', 'gpio-keys: power key pressed at step',
               'EVENT 0100740001000000', 'KEY_POWER pressed: powering off', 'reboot: Power down']:
        i = out.find(mk, pos)
        if i < 0:
            missing = mk
            break
        pos = i + len(mk)
    ok = missing is None and rc == 0
    print('%s linux gpio-keys: exit %s, wall %.1f s%s' % ('PASS' if ok else 'FAIL', rc, wall,
          '' if ok else ', missing marker %r' % missing))
    print('--- log (tail) ---\n' + out[-3000:] if not ok else
          '\n'.join(l for l in out.splitlines() if 'gpio' in l.lower() or 'KEY' in l or 'Power' in l))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
