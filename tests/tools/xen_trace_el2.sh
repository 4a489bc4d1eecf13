#!/usr/bin/env bash
# xen_trace_el2.sh — "a user following Xen alone": boot Xen 4.17 + Debian dom0
# (the recipe of xen_boot.sh) with --trace exc --trace-el 2 and check that the
# trace holds only exceptions taken to EL2 ("-> EL2") and ERETs from EL2, that
# it is non-empty, and that dom0's traps to Xen (EL1 -> EL2) are among them.
#
# usage: xen_trace_el2.sh HYPERSTEP [STEPS]   (stop after STEPS instructions,
# default 400000000; exit 4 of --stop-after is expected).  Exit 77 (skip)
# when the Debian guest images are missing ($HS_GUESTS_CACHE or
# <repo>/../guests-cache).
set -u
HS=$(readlink -f "$1"); STEPS=${2:-400000000}
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
cache=${HS_GUESTS_CACHE:-$repo/../guests-cache}
if [ ! -f "$cache/xen" ] || [ ! -f "$cache/Image" ] || [ ! -f "$cache/initramfs.cpio.gz" ]; then
  echo "SKIP: Xen/Debian guest images not in $cache"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
M=virt,virtualization=on,gic-version=3
"$HS" -cpu cortex-a53 -m 2048 -M "$M,dumpdtb=xen.dtb" -smp 2 >/dev/null 2>&1 || { echo "FAIL: dumpdtb"; exit 1; }
KS=$(printf 0x%x "$(stat -c %s "$cache/Image")"); RS=$(printf 0x%x "$(stat -c %s "$cache/initramfs.cpio.gz")")
fdtput -t x xen.dtb /chosen '#address-cells' 2
fdtput -t x xen.dtb /chosen '#size-cells' 2
fdtput -t s xen.dtb /chosen xen,xen-bootargs 'console=dtuart dtuart=/pl011@9000000 dom0_mem=512M'
fdtput -c xen.dtb /chosen/module@50000000
fdtput -t s xen.dtb /chosen/module@50000000 compatible multiboot,kernel multiboot,module
fdtput -t x xen.dtb /chosen/module@50000000 reg 0 0x50000000 0 "$KS"
fdtput -t s xen.dtb /chosen/module@50000000 bootargs 'console=hvc0 panic=-1'
fdtput -c xen.dtb /chosen/module@54000000
fdtput -t s xen.dtb /chosen/module@54000000 compatible multiboot,ramdisk multiboot,module
fdtput -t x xen.dtb /chosen/module@54000000 reg 0 0x54000000 0 "$RS"
timeout 1200 "$HS" -cpu cortex-a53 -m 2048 -nographic -nic none -no-reboot -M "$M" -smp 2 \
  -kernel "$cache/xen" -dtb xen.dtb --no-stdin --stop-after "$STEPS" \
  --trace exc --trace-el 2 --trace-file trace.log \
  -device loader,file="$cache/Image",addr=0x50000000,force-raw=on \
  -device loader,file="$cache/initramfs.cpio.gz",addr=0x54000000,force-raw=on </dev/null >log 2>&1
rc=$?
python3 - "$rc" <<'PY'
import re, sys
rc = sys.argv[1]
lines = open('trace.log', errors='replace').read().splitlines()
log = open('log', errors='replace').read()
exc = re.compile(r'^\[c\d+ EL\d #\d+\] EXC  EL(\d) -> EL(\d) ')
eret = re.compile(r'^\[c\d+ EL\d #\d+\] ERET (?:from )?EL(\d)')
bad, n_exc, n_eret, from_el1 = [], 0, 0, 0
for l in lines:
    m = exc.match(l)
    if m:
        n_exc += 1
        from_el1 += m.group(1) == '1'
        if m.group(2) != '2':
            bad.append(l)
        continue
    m = eret.match(l)
    if m:
        n_eret += 1
        if m.group(1) != '2':
            bad.append(l)
        continue
    bad.append(l)   # nothing else may be in an exc-only trace
fails = []
if rc not in ('0', '4'):
    fails.append('exit status %s' % rc)
if '(XEN) Xen version 4.17' not in log:
    fails.append('Xen did not start')
if n_exc == 0 or n_eret == 0:
    fails.append('no exception / ERET lines (%d / %d)' % (n_exc, n_eret))
if from_el1 == 0:
    fails.append('no EL1 -> EL2 exception (dom0 trapping to Xen)')
for l in bad[:10]:
    fails.append('line not about EL2: ' + l)
print('exit %s; %d "-> EL2" exceptions (%d from EL1), %d ERETs from EL2, %d other lines; dom0 loaded: %s'
      % (rc, n_exc, from_el1, n_eret, len(bad), '*** LOADING DOMAIN 0 ***' in log))
for f in fails:
    print('FAIL ' + f)
if fails:
    print(log[-3000:])
print('%d passed, %d failed' % (0 if fails else 1, 1 if fails else 0))
sys.exit(1 if fails else 0)
PY
