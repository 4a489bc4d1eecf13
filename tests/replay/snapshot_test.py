#!/usr/bin/env python3
"""snapshot_test.py — machine snapshots against the golden digests.

usage: snapshot_test.py HYPERSTEP CASE GOLDEN_DIR STEP[,STEP...] [IMAGE] [--bad-input]

For each STEP: run CASE (tests/replay/golden.py) from reset to STEP with
--snapshot-save F (same digest cadence as the golden, so the digest state
is that of the golden run), then run it again from --snapshot-load F to the
case's end with --expect-digests on the golden file: every checkpoint after
STEP must equal the straight run's.  --bad-input also checks that a
truncated file, a foreign file, a file of another format version, and a
snapshot loaded with other images or other options are each refused with
exit status 1 and their own message.

Exit status: 0 pass, 1 fail, 77 skipped (Debian guests missing or
HS_GOLDEN_LINUX=0 for a Linux case).
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import golden  # noqa: E402  (CASES, the image paths)


def run(cmd, timeout=900):
    t0 = time.time()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace'), time.time() - t0


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def case_args(o_case, image, cache):
    args, want_exit, every, kind = golden.CASES[o_case]
    if kind == 'linux':
        if os.environ.get('HS_GOLDEN_LINUX', '1') == '0':
            print('SKIP: HS_GOLDEN_LINUX=0 (Linux cases disabled for this build)')
            sys.exit(77)
        imgs = [os.path.join(cache, n) for n in ('Image', 'initramfs.cpio.gz')]
        if not all(os.path.exists(p) for p in imgs):
            print('SKIP: Debian guests not in %s' % cache)
            sys.exit(77)
        args = args + ['-kernel', imgs[0], '-initrd', imgs[1]]
    else:
        args = args + ['-kernel', image]
    return args, want_exit, every


def without_stop(args):
    out, i = [], 0
    while i < len(args):
        if args[i] == '--stop-after':
            i += 2
            continue
        out.append(args[i])
        i += 1
    return out


def expect_refused(cmd, what, needle):
    code, _, err, _ = run(cmd, 120)
    if code != 1 or needle not in err:
        fail('%s: expected exit 1 and "%s", got exit %d: %s' % (what, needle, code, err.strip()[-500:]))
    print('ok: %s refused: %s' % (what, err.strip().splitlines()[0]))


def main():
    argv = [a for a in sys.argv[1:] if a != '--bad-input']
    bad_input = '--bad-input' in sys.argv
    if len(argv) < 4:
        raise SystemExit(__doc__)
    hs, case, gdir, steps = argv[:4]
    image = argv[4] if len(argv) > 4 else None
    cache = os.environ.get('HS_GUESTS_CACHE', os.path.join(golden.REPO, '..', 'guests-cache'))
    args, want_exit, every = case_args(case, image, cache)
    gfile = os.path.join(gdir, case + '.digests')
    base = [hs, '-nographic', '--no-stdin'] + args
    tmp = tempfile.mkdtemp(prefix='hs-snap-')
    snap = None
    for step in [int(s) for s in steps.split(',')]:
        snap = os.path.join(tmp, '%s@%d.snap' % (case, step))
        code, _, err, t_save = run(without_stop(base) + ['--stop-after', str(step), '--snapshot-save', snap,
                                                         '--digest-every', str(every), '--digest-file',
                                                         os.devnull])
        if code != 4 or not os.path.exists(snap):
            fail('saving at step %d: exit %d: %s' % (step, code, err.strip()[-800:]))
        size = os.path.getsize(snap)
        save_line = [l for l in err.splitlines() if 'snapshot of step' in l]
        code, _, err, t_load = run(base + ['--snapshot-load', snap, '--expect-digests', gfile,
                                           '--digest-file', os.devnull, '--stats'])
        if code != want_exit:
            fail('from the snapshot of step %d: exit %d (expected %d; 5 = digests differ from %s):\n%s'
                 % (step, code, want_exit, gfile, err.strip()[-2000:]))
        load_line = [l for l in err.splitlines() if l.startswith('snapshot ')]
        print('PASS: %s: snapshot at step %d (%d bytes, save run %.1f s: %s), loaded and run to the end: '
              'digests identical to %s (%.1f s; %s)' % (case, step, size, t_save,
                                                         save_line[0] if save_line else '',
                                                         os.path.basename(gfile), t_load,
                                                         load_line[0] if load_line else ''))
    if bad_input:
        with open(snap, 'rb') as f:
            data = f.read()
        trunc = os.path.join(tmp, 'truncated.snap')
        with open(trunc, 'wb') as f:
            f.write(data[:len(data) * 2 // 3])
        expect_refused(base + ['--snapshot-load', trunc], 'a truncated snapshot', 'truncated')
        foreign = os.path.join(tmp, 'foreign.snap')
        with open(foreign, 'wb') as f:
            f.write(b'\x7fELF' + data[4:200])
        expect_refused(base + ['--snapshot-load', foreign], 'a foreign file', 'is not a hyperstep snapshot')
        other = os.path.join(tmp, 'version.snap')
        with open(other, 'wb') as f:
            f.write(data[:19] + bytes([data[19] + 1]) + data[20:])
        expect_refused(base + ['--snapshot-load', other], 'another format version', 'snapshot format version')
        corrupt = os.path.join(tmp, 'corrupt.snap')
        with open(corrupt, 'wb') as f:
            mid = len(data) // 2
            f.write(data[:mid] + bytes([data[mid] ^ 0x55]) + data[mid + 1:])
        code, _, err, _ = run(base + ['--snapshot-load', corrupt], 120)
        if code != 1 or ('corrupt' not in err and 'truncated or malformed' not in err):
            fail('a corrupt snapshot: exit %d: %s' % (code, err.strip()[-300:]))
        print('ok: a corrupt snapshot refused: %s' % err.strip().splitlines()[0])
        if image:
            # Same path, other bytes: the image hash differs, the options do not.
            img2 = os.path.join(tmp, 'guest.elf')
            with open(image, 'rb') as f:
                e = f.read()
            with open(img2, 'wb') as f:
                f.write(e)
            base2 = [a if a != image else img2 for a in without_stop(base)]
            snap2 = os.path.join(tmp, 'img.snap')
            code, _, err, _ = run(base2 + ['--stop-after', '2000', '--snapshot-save', snap2])
            if code != 4:
                fail('saving with a copied image: exit %d: %s' % (code, err.strip()[-300:]))
            with open(img2, 'ab') as f:
                f.write(b'\0')
            expect_refused(base2 + ['--snapshot-load', snap2], 'a snapshot for other images',
                           'belongs to other images')
        smp = list(base)
        smp[smp.index('-smp') + 1] = '2'
        expect_refused(smp + ['--snapshot-load', snap], 'a snapshot for other options', 'belongs to other options')
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
