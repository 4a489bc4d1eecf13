#!/usr/bin/env python3
"""linux_virtio_blk.py — Debian's Linux on 4 cores writes a file to an ext4
disk on virtio-blk (virtio-mmio), checked from the host with e2fsprogs.

usage: linux_virtio_blk.py HYPERSTEP [--cache DIR] [--modern] [--qemu] [--keep DIR] [--bench-mib N]

Builds a test initramfs from the guests cache (DIR, default
$HS_GUESTS_CACHE or <repo>/../guests-cache): busybox plus the modules
virtio_mmio, virtio_blk and ext4 taken from the linux-image .deb in
DIR/debs, with every module they depend on (the "depends=" field of each
module's .modinfo, since the .deb carries no modules.dep), loaded in
dependency order by /init.  A 32 MiB ext4 image is made with mkfs.ext4.
/init mounts /dev/vda, writes /f, syncs, unmounts and powers off.  Passes
when the run exits 0 and `debugfs -R 'cat /f' IMAGE` prints the line.
--modern adds -global virtio-mmio.force-legacy=false; --qemu runs
qemu-system-aarch64 with the same command line.  Exit 77 (skipped) when the
cache, dpkg-deb, busybox or e2fsprogs are missing.
--bench-mib N: the image is N MiB (at least 32) and, after the check, the
guest reads N MiB of /dev/vda with dd (bs=1M); the host prints that phase's
wall time and MB/s (host time between the DD-START and DD-END lines).
"""
import argparse
import glob
import gzip
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WANT = ['virtio_mmio', 'virtio_blk', 'crc32c_generic', 'ext4']
LINE = 'written by linux on virtio-blk'

INIT = """#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in %(mods)s; do insmod /lib/modules/$m.ko || echo "INSMOD-FAIL $m"; done
n=0
while [ ! -b /dev/vda ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
echo "cpus=$(grep -c ^processor /proc/cpuinfo)"
mkdir -p /mnt
if mount -t ext4 /dev/vda /mnt; then
  echo "%(line)s" > /mnt/f
  sync
  cat /mnt/f
  umount /mnt && echo VIRTIO-BLK-OK
else
  echo VIRTIO-BLK-MOUNT-FAIL
fi
if grep -q hsbench= /proc/cmdline; then
  mib=$(sed 's/.*hsbench=\\([0-9]*\\).*/\\1/' /proc/cmdline)
  echo 3 > /proc/sys/vm/drop_caches
  echo DD-START
  dd if=/dev/vda of=/dev/null bs=1M count=$mib
  echo DD-END
fi
poweroff -f
"""


def modinfo_depends(path):
    data = open(path, 'rb').read()
    i = data.find(b'\x00depends=')
    if i < 0:
        return []
    j = data.index(b'\x00', i + 1)
    dep = data[i + len(b'\x00depends='):j].decode()
    return [d for d in dep.split(',') if d]


def build_initramfs(cache, work):
    debs = glob.glob(os.path.join(cache, 'debs', 'linux-image-*.deb'))
    busybox = os.path.join(cache, 'busybox')
    if not debs or not os.path.exists(busybox) or not shutil.which('dpkg-deb'):
        return None
    # Every module of the .deb by name (modules only: the .deb is large).
    tarpath = os.path.join(work, 'data.tar')
    with open(tarpath, 'wb') as f:
        subprocess.run(['dpkg-deb', '--fsys-tarfile', debs[0]], stdout=f, check=True)
    byname = {}
    with tarfile.open(tarpath) as t:
        for m in t.getmembers():
            if m.name.endswith('.ko'):
                byname[os.path.basename(m.name)[:-3].replace('-', '_')] = m
        order, seen = [], set()
        modroot = os.path.join(work, 'mods')
        os.makedirs(modroot)

        def add(name):
            name = name.replace('-', '_')
            if name in seen:
                return
            seen.add(name)
            m = byname.get(name)
            if m is None:
                raise SystemExit('module %s not in the .deb' % name)
            src = t.extractfile(m).read()
            dst = os.path.join(modroot, name + '.ko')
            open(dst, 'wb').write(src)
            for d in modinfo_depends(dst):
                add(d)
            order.append(name)

        for w in WANT:
            add(w)
    os.unlink(tarpath)
    root = os.path.join(work, 'root')
    for d in ('bin', 'dev', 'proc', 'sys', 'mnt', 'lib/modules'):
        os.makedirs(os.path.join(root, d))
    shutil.copy(busybox, os.path.join(root, 'bin', 'busybox'))
    for n in order:
        shutil.copy(os.path.join(modroot, n + '.ko'), os.path.join(root, 'lib', 'modules'))
    with open(os.path.join(root, 'init'), 'w') as f:
        f.write(INIT % {'mods': ' '.join(order), 'line': LINE})
    os.chmod(os.path.join(root, 'init'), 0o755)
    os.chmod(os.path.join(root, 'bin', 'busybox'), 0o755)
    files = subprocess.run('find . | sort', shell=True, cwd=root, stdout=subprocess.PIPE,
                           check=True).stdout
    cpio = subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], cwd=root, input=files,
                          stdout=subprocess.PIPE, check=True).stdout
    out = os.path.join(work, 'initramfs.cpio.gz')
    with gzip.open(out, 'wb') as f:
        f.write(cpio)
    print('initramfs: modules %s' % ' '.join(order))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hyperstep')
    ap.add_argument('--cache', default=os.environ.get('HS_GUESTS_CACHE', os.path.join(REPO, '..', 'guests-cache')))
    ap.add_argument('--modern', action='store_true')
    ap.add_argument('--qemu', action='store_true')
    ap.add_argument('--timeout', type=float, default=1800)
    ap.add_argument('--keep', help='leave the initramfs and image in this directory')
    ap.add_argument('--bench-mib', type=int, default=0)
    o = ap.parse_args()
    kernel = os.path.join(o.cache, 'Image')
    if not os.path.exists(kernel) or not shutil.which('mkfs.ext4') or not shutil.which('debugfs'):
        print('SKIP: needs %s, mkfs.ext4 and debugfs (e2fsprogs)' % kernel)
        return 77
    work = o.keep or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    try:
        initrd = build_initramfs(o.cache, work)
        if not initrd:
            print('SKIP: no linux-image .deb / busybox in %s' % o.cache)
            return 77
        img = os.path.join(work, 'disk.img')
        with open(img, 'wb') as f:
            f.truncate(max(32, o.bench_mib) << 20)
        subprocess.run(['mkfs.ext4', '-q', '-F', img], check=True)
        args = ['-M', 'virt', '-cpu', 'cortex-a53', '-smp', '4', '-m', '1024', '-nographic', '-no-reboot',
                '-kernel', kernel, '-initrd', initrd,
                '-append', 'console=ttyAMA0 panic=-1' + (' hsbench=%d' % o.bench_mib if o.bench_mib else ''),
                '-drive', 'file=%s,if=none,format=raw,id=hd' % img,
                '-device', 'virtio-blk-device,drive=hd']
        if o.modern:
            args += ['-global', 'virtio-mmio.force-legacy=false']
        prog = 'qemu-system-aarch64' if o.qemu else o.hyperstep
        t0 = time.time()
        p = subprocess.Popen([prog] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        lines, marks = [], {}
        for raw in p.stdout:
            line = raw.decode(errors='replace')
            lines.append(line)
            for mk in ('DD-START', 'DD-END'):
                if line.strip() == mk:
                    marks[mk] = time.time()
            if time.time() - t0 > o.timeout:
                p.kill()
                break
        p.wait()
        out, rc = ''.join(lines), p.returncode if time.time() - t0 <= o.timeout else 'timeout'
        wall = time.time() - t0
        if o.bench_mib and len(marks) == 2:
            dt = marks['DD-END'] - marks['DD-START']
            print('BENCH sequential read %d MiB of /dev/vda (dd bs=1M) on %s: %.1f s, %.1f MB/s' % (
                o.bench_mib, 'qemu' if o.qemu else 'hyperstep', dt, o.bench_mib * 1.048576 / dt))
        got = subprocess.run(['debugfs', '-R', 'cat /f', img], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode(errors='replace')
        ok = rc == 0 and 'VIRTIO-BLK-OK' in out and 'cpus=4' in out and LINE in got
        print('%s linux virtio-blk (%s) on %s: exit %s, wall %.1f s, host reads /f: %r' % (
            'PASS' if ok else 'FAIL', 'modern' if o.modern else 'legacy', 'qemu' if o.qemu else 'hyperstep',
            rc, wall, got.strip()))
        if not ok:
            print('--- log (tail) ---\n' + out[-6000:])
        return 0 if ok else 1
    finally:
        if not o.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
