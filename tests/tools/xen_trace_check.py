#!/usr/bin/env python3
"""xen_trace_check.py — `--trace exc,psci` on the Xen 4.17 + dom0 run reads well.

usage: xen_trace_check.py HYPERSTEP

Runs tests/tools/xen_boot.sh (GICv3, 4 cores) with
`--trace exc,psci --trace-file F` and checks that the trace shows, in the
wording of trace/trace.c, exceptions/ and firmware/psci/:
  * Xen's PSCI CPU_ON calls via SMC for cores 1-3 with SUCCESS and the EL2
    entry point, and dom0's final SYSTEM_OFF;
  * dom0's HVCs into Xen at EL2: Xen hypercalls (HVC #0xea1, X16 named) and
    PSCI calls (HVC #0 with X0 named, plus the PSCI note saying the
    hypervisor emulates them);
  * dom0's traps into Xen with the control that trapped (HCR_EL2.TWI,
    HCR_EL2.TID3, HCR_EL2.IMO/FMO for ICC_SGI1R_EL1), stage-2 aborts with
    their IPA, physical IRQs taken at EL2 and virtual IRQs delivered to EL1;
  * no line longer than 240 characters.
Prints one sample line per check.  Exit 77 when the guests are missing.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

CHECKS = [
    ('Xen CPU_ON core 1', r'EL2 #\d+\] PSCI via SMC: CPU_ON\(target=0x1, entry=0x[0-9a-f]+, context=0x[0-9a-f]+\) = SUCCESS \(core 1 will start at EL2 0x[0-9a-f]+\)'),
    ('Xen CPU_ON core 2', r'EL2 #\d+\] PSCI via SMC: CPU_ON\(target=0x2, .*= SUCCESS \(core 2 will start at EL2 0x'),
    ('Xen CPU_ON core 3', r'EL2 #\d+\] PSCI via SMC: CPU_ON\(target=0x3, .*= SUCCESS \(core 3 will start at EL2 0x'),
    ('PSCI_VERSION', r'PSCI via SMC: PSCI_VERSION\(\) = 0x10001 \(v1\.1\)'),
    ('dom0 Xen hypercall', r'EXC  EL1 -> EL2 sync EC=0x16 \(HVC64\) .*: HVC #0xea1 Xen hypercall X16=\d+ \([a-z_]+\)$'),
    ('dom0 PSCI via HVC', r'EXC  EL1 -> EL2 sync EC=0x16 \(HVC64\) .*: HVC #0x0 X0=0xc4000003 \(CPU_ON\)$'),
    ('PSCI note', r'PSCI note: CPU_ON \(0xc4000003\) via HVC at EL1: for the EL2 hypervisor to emulate'),
    ('WFI trap', r'EXC  EL1 -> EL2 sync EC=0x01 \(WFI/WFE\) .*: WFI at EL1 trapped to EL2: HCR_EL2\.TWI=1$'),
    ('ID register trap', r'EXC  EL1 -> EL2 sync EC=0x18 \(MSR/MRS/SYS\) .*: MRS ID_\w+ at EL1 trapped to EL2: HCR_EL2\.TID3=1$'),
    ('SGI trap', r'EXC  EL1 -> EL2 sync EC=0x18 \(MSR/MRS/SYS\) .*: MSR ICC_SGI1R_EL1 at EL1 trapped to EL2: HCR_EL2\.IMO/FMO=1 \(SGI generation\)$'),
    ('stage-2 abort', r'EXC  EL1 -> EL2 sync EC=0x2[04] .*: stage-2 translation fault at level \d.*, IPA=0x[0-9a-f]+$'),
    ('IRQ at EL2', r'EXC  EL[12] -> EL2 IRQ ELR=0x'),
    ('virtual IRQ', r'EXC  EL1 -> EL1 virtual IRQ ELR=0x'),
    ('SYSTEM_OFF', r'PSCI via SMC: SYSTEM_OFF\(\) = SUCCESS \(machine powers off\)'),
]


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    cache = os.environ.get('HS_GUESTS_CACHE', os.path.join(REPO, '..', 'guests-cache'))
    if not (os.path.exists(os.path.join(cache, 'xen')) and os.path.exists(os.path.join(cache, 'Image'))):
        print('SKIP: Xen/Linux guests not in %s' % cache)
        return 77
    with tempfile.TemporaryDirectory(prefix='xen-trace-') as tmp:
        tf = os.path.join(tmp, 'trace.txt')
        env = dict(os.environ, HS_GUESTS_CACHE=cache, XEN_BOOT_EXTRA='--trace exc,psci --trace-file ' + tf)
        r = subprocess.run(['timeout', '1200', 'bash', os.path.join(HERE, 'xen_boot.sh'),
                            os.path.abspath(sys.argv[1]), '3', '4'], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = r.stdout.decode(errors='replace')
        print(out.splitlines()[0] if out else '(no output)')
        if r.returncode != 0:
            print(out[-4000:])
            return 1
        lines = open(tf, errors='replace').read().splitlines()
    ok = True
    print('%d trace lines' % len(lines))
    for name, pat in CHECKS:
        rx = re.compile(pat)
        hit = next((ln for ln in lines if rx.search(ln)), None)
        print('%s %-18s %s' % ('ok  ' if hit else 'FAIL', name, hit or '(missing: %s)' % pat))
        ok = ok and hit is not None
    longest = max(lines, key=len) if lines else ''
    print('%s longest line %d chars' % ('ok  ' if len(longest) <= 240 else 'FAIL', len(longest)))
    ok = ok and len(longest) <= 240
    print('%d passed, %d failed' % (ok, not ok))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
