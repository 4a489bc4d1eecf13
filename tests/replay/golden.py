#!/usr/bin/env python3
"""golden.py — check a run against stored determinism checkpoints (golden digests).

usage: golden.py [--regen] [--wrapper CMD] [--cache DIR] HYPERSTEP CASE GOLDEN_DIR [IMAGE]

CASE is one of CASES below; IMAGE is the guest ELF the case loads (built by
meson; not needed for the Linux cases, which take Debian's Image and
initramfs from DIR = $HS_GUESTS_CACHE or <repo>/../guests-cache).

The golden file GOLDEN_DIR/CASE.digests is the `--digest-file` output of a
reference run, preceded by one comment line naming the SHA-256 of the guest's
loaded bytes (ELF PT_LOAD segments, or the image files) it was made with.
The check runs hyperstep with `--expect-digests` on that file and passes when
the run ends with the case's exit status (not 5 = digest mismatch).

A changed guest input (another cross compiler, a new Debian kernel) is
reported as such, not as an emulator divergence: regenerate then.
--wrapper runs hyperstep under another program (e.g. 'qemu-x86_64 -cpu
Nehalem'): the digests must be the same on any host CPU.
--regen rewrites the golden file (use tests/replay/regen; see README.md).

Exit status: 0 pass, 1 fail, 77 skipped (guest images or wrapper missing).
"""
import argparse
import hashlib
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

HYP = ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a53', '-smp', '4', '-m', '1G']
LINUX = ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a53', '-smp', '4', '-m', '1024',
         '-append', 'console=ttyAMA0 panic=-1', '-no-reboot']

# name: (hyperstep args, expected exit status, --digest-every, kind)
#   kind 'elf': IMAGE is loaded with -kernel; 'linux': Debian Image + initramfs.
CASES = {
    # The example hypervisor (examples/hypervisor) on 4 cores, as ./run-example runs it.
    'hypervisor_smp4': (HYP + ['-semihosting'], 0, 1000, 'elf'),
    # Same, with a 1-instruction quantum: cores interleave at every step.
    'hypervisor_smp4_q1': (HYP + ['-semihosting', '--quantum', '1'], 0, 1000, 'elf'),
    # tests/guests/smp_sync.c: spinlocks, exclusives, barriers on 4 cores.
    'smp_sync_smp4': (['-M', 'virt,virtualization=on,gic-version=3', '-smp', '4', '--quantum', '50', '-semihosting'],
                      0, 4000, 'elf'),
    # tests/guests/smp/psci_smp.S: PSCI CPU_ON/OFF/AFFINITY_INFO/SYSTEM_OFF on 4 cores.
    'psci_smp4': (['-M', 'virt,virtualization=on,gic-version=3', '-smp', '4', '-semihosting'], 0, 250, 'elf'),
    'psci_smp4_q7': (['-M', 'virt,virtualization=on,gic-version=3', '-smp', '4', '--quantum', '7', '-semihosting'],
                     0, 250, 'elf'),
    # Debian Linux boot prefix at EL2 with GICv3 on 4 cores: a fixed budget from reset.
    'linux_el2_gicv3_prefix': (LINUX + ['--stop-after', '300000000'], 4, 10000000, 'linux'),
    # A shorter prefix for slow runners (hyperstep under qemu-x86_64).
    'linux_el2_gicv3_short': (LINUX + ['--stop-after', '40000000'], 4, 4000000, 'linux'),
}


def elf_load_hash(path):
    """SHA-256 of an ELF64's PT_LOAD segments (address, size, bytes): what the
    loader puts in guest memory, independent of debug info and build paths."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise SystemExit('%s: not an ELF64 file' % path)
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    for i in range(phnum):
        p_type, _flags, off, vaddr, paddr, filesz, memsz, _align = struct.unpack_from(
            '<IIQQQQQQ', data, phoff + i * phentsize)
        if p_type == 1:
            h.update(struct.pack('<QQQ', paddr, filesz, memsz))
            h.update(data[off:off + filesz])
    return h.hexdigest()


def file_hash(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hyperstep')
    ap.add_argument('case', choices=sorted(CASES))
    ap.add_argument('golden_dir')
    ap.add_argument('image', nargs='?')
    ap.add_argument('--regen', action='store_true')
    ap.add_argument('--wrapper', default='')
    ap.add_argument('--cache', default=os.environ.get('HS_GUESTS_CACHE',
                                                      os.path.join(REPO, '..', 'guests-cache')))
    ap.add_argument('--timeout', type=float, default=600)
    o = ap.parse_args()
    args, want_exit, every, kind = CASES[o.case]
    golden = os.path.join(o.golden_dir, o.case + '.digests')

    wrapper = shlex.split(o.wrapper)
    if wrapper and not shutil.which(wrapper[0]):
        print('SKIP: %s not installed' % wrapper[0])
        return 77
    if kind == 'linux':
        if os.environ.get('HS_GOLDEN_LINUX', '1') == '0':
            print('SKIP: HS_GOLDEN_LINUX=0 (Linux golden disabled for this build)')
            return 77
        imgs = [os.path.join(o.cache, n) for n in ('Image', 'initramfs.cpio.gz')]
        if not all(os.path.exists(p) for p in imgs):
            sys.path.insert(0, os.path.join(REPO, 'tests', 'tools'))
            import linux_boot   # the shared fetcher (../shared/guests/fetch-debian-guests), as realsw uses
            linux_boot.fetch(o.cache)
        if not all(os.path.exists(p) for p in imgs):
            print('SKIP: Debian guests not in %s (set HS_GUESTS_CACHE; see tests/tools/linux_boot.py)'
                  % o.cache)
            return 77
        args = args + ['-kernel', imgs[0], '-initrd', imgs[1]]
        inputs = 'Image+initramfs.cpio.gz sha256=' + file_hash(imgs)
    else:
        if not o.image:
            raise SystemExit('case %s needs the guest ELF' % o.case)
        args = args + ['-kernel', o.image]
        inputs = '%s load-sha256=%s' % (os.path.basename(o.image), elf_load_hash(o.image))
    header = '# golden %s: %s\n' % (o.case, inputs)
    cmd = wrapper + [o.hyperstep, '-nographic', '--no-stdin'] + args

    tmp = tempfile.mkdtemp(prefix='hs-golden-')
    got = os.path.join(tmp, o.case + '.digests')
    if o.regen:
        cmd += ['--digest-every', str(every), '--digest-file', got]
    else:
        if not os.path.exists(golden):
            print('FAIL: no golden file %s (create it with tests/replay/regen)' % golden)
            return 1
        with open(golden) as f:
            first = f.readline()
        if first != header:
            print('FAIL: the guest input differs from the one %s was made with:\n  stored: %s  now:    %s'
                  'This is not an emulator divergence: if the guest (toolchain, Debian image) changed on '
                  'purpose, regenerate with tests/replay/regen.' % (golden, first, header))
            return 1
        cmd += ['--expect-digests', golden, '--digest-file', got]
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=o.timeout)
    except subprocess.TimeoutExpired:
        print('FAIL: timeout after %.0f s: %s' % (o.timeout, ' '.join(cmd)))
        return 1
    wall = time.time() - t0
    err = p.stderr.decode(errors='replace')
    if p.returncode != want_exit:
        print('FAIL: exit %d, expected %d (5 = digest mismatch): %s' % (p.returncode, want_exit, ' '.join(cmd)))
        print(err[-3000:])
        print('this run\'s digests: %s' % got)
        return 1
    with open(got) as f:
        n = sum(1 for l in f if l.startswith('#'))
    if o.regen:
        with open(got) as f:
            body = f.read()
        with open(golden, 'w') as f:
            f.write(header + body)
        print('wrote %s: %d digest lines, %.1f s' % (golden, n, wall))
    else:
        print('PASS: %s: %d digest lines identical to %s, %.1f s%s' %
              (o.case, n, os.path.basename(golden), wall, (' under ' + o.wrapper) if wrapper else ''))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
