#!/usr/bin/env python3
"""explore_test.py — --schedule-seed and `hyperstep explore` on the example
hypervisor (4 cores, GICv3, EL2).

usage: explore_test.py HYPERSTEP HYPERVISOR_ELF [SGI_RACE_ELF]

Checks: the same seed twice gives identical digests (bit for bit); two
seeds give different runs; the seed is in the digest header and a list of
one seed is refused for another; explore over 6 seeds with a step budget
(--stop-after 30000: a run that has not finished by then fails) names
failing and passing seeds and where the first failing one diverges from a
passing one; the failing seed replays with the same digests.  With
SGI_RACE_ELF (tests/guests/sgi_race.c, an SGI sent before the target core
clears its pending SGIs): the fixed round robin fails, and explore over 12
seeds finds both failing and passing seeds.
"""
import os
import re
import subprocess
import sys
import tempfile


def run(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def main():
    hs, elf = sys.argv[1:3]
    race = sys.argv[3] if len(sys.argv) > 3 else None
    base = [hs, '-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a53', '-smp', '4', '-m', '1G',
            '-semihosting', '-kernel', elf, '-nographic', '--no-stdin']
    tmp = tempfile.mkdtemp(prefix='hs-explore-test-')
    problems = []

    def digests(seed, name, extra=()):
        f = os.path.join(tmp, name)
        code, _, err = run(base + ['--schedule-seed', str(seed), '--digest-every', '1000', '--digest-file', f]
                           + list(extra))
        return code, open(f).read() if os.path.exists(f) else '', err

    c1, d1, _ = digests(3, 'a')
    c2, d2, _ = digests(3, 'b')
    c3, d3, _ = digests(5, 'c')
    if not d1 or d1 != d2 or c1 != c2:
        problems.append('seed 3 twice: the runs differ (exit %d/%d)' % (c1, c2))
    if d1 == d3:
        problems.append('seeds 3 and 5 give the same run')
    if not d1.startswith('hyperstep-digests v1 every=1000 quantum=1000 seed=3\n'):
        problems.append('digest header without the seed: %r' % d1[:80])
    code, _, err = run(base + ['--schedule-seed', '5', '--expect-digests', os.path.join(tmp, 'a')])
    if code != 1 or 'recorded with --schedule-seed 3, this run uses 5' not in err:
        problems.append('a digest list of seed 3 is not refused for seed 5: exit %d %s' % (code, err[-200:]))
    code, out, err = run([hs, 'explore', '-n', '6', '-j', '2', '--every', '1000', '--'] + base[1:]
                         + ['--stop-after', '30000'])
    print(out)
    m = re.search(r'first failing seed: (\d+).*a passing seed: (\d+)', out)
    if code != 1 or not m or 'first divergence between seed' not in out:
        problems.append('explore did not name a failing and a passing seed and their divergence (exit %d): %s'
                        % (code, err[-300:]))
    else:
        bad = m.group(1)
        d = re.search(r'outputs and digests: (\S+)/SEED.out', out).group(1)
        code, _, err = run(base + ['--schedule-seed', bad, '--stop-after', '30000', '--expect-digests',
                                   os.path.join(d, bad + '.digests')])
        if code != 4:
            problems.append('failing seed %s does not replay with its digests: exit %d %s' % (bad, code, err[-300:]))
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)
    if race:
        rargs = ['-M', 'virt,secure=on,virtualization=on,gic-version=3', '-smp', '4', '-semihosting',
                 '-kernel', race, '-nographic']
        code, out, _ = run([hs] + rargs + ['--no-stdin'])
        if code != 1 or 'was lost' not in out:
            problems.append('sgi_race with the fixed round robin: exit %d (1, SGI lost, expected)' % code)
        code, out, err = run([hs, 'explore', '-n', '12', '-j', '2', '--'] + rargs)
        print(out)
        m = re.search(r'first failing seed: (\d+).*a passing seed: (\d+)', out)
        if not m:
            problems.append('explore on sgi_race did not find both a failing and a passing seed: %s' % out[-500:])
        d = re.search(r'outputs and digests: (\S+)/SEED.out', out)
        if d:
            for f in os.listdir(d.group(1)):
                os.unlink(os.path.join(d.group(1), f))
            os.rmdir(d.group(1))
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    for p in problems:
        print('PROBLEM: ' + p)
    if problems:
        return 1
    print('PASS: same seed -> same digests; seeds differ; seed in the digest header; explore names failing and '
          'passing seeds; the failing seed replays')
    return 0


if __name__ == '__main__':
    sys.exit(main())
