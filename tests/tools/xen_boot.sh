#!/usr/bin/env bash
# xen_boot.sh — Xen 4.17 + Debian Linux dom0 on hyperstep, exactly the recipe
# of ../shared/guests/README.md with hyperstep in place of qemu-system-aarch64:
# dump our DTB with the same machine options, add the multiboot modules with
# fdtput, place the modules with -device loader, boot Xen.
#
# usage: xen_boot.sh HYPERSTEP GIC(2|3) [SMP] [--qemu]
# $XEN_BOOT_EXTRA (word-split) is appended to the emulator's command line
# (e.g. '--trace exc,psci --trace-file F' or '-gdb tcp::PORT'); the console
# log goes to $XEN_BOOT_LOG when set (so a caller can follow the boot).
# Passes when the log shows the markers in order and the exit status is 0.
# Guests come from $HS_GUESTS_CACHE or <repo>/../guests-cache (fetched once).
set -u
HS=$(readlink -f "$1"); G=$2; SMP=${3:-4}; PROG=$HS
[ "${4:-}" = --qemu ] && PROG=qemu-system-aarch64
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
cache=${HS_GUESTS_CACHE:-$repo/../guests-cache}
if [ ! -f "$cache/xen" ] || [ ! -f "$cache/Image" ]; then
  fetcher=$repo/../shared/guests/fetch-debian-guests
  [ -x "$fetcher" ] || { echo "SKIP: $fetcher not found"; exit 77; }
  "$fetcher" "$cache" >/dev/null || { echo "FAIL: fetching guests"; exit 1; }
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
M=virt,virtualization=on,gic-version=$G
qx() { "$PROG" -cpu cortex-a53 -m 2048 -nographic -nic none -no-reboot "$@"; }
qx -M "$M,dumpdtb=xen.dtb" -smp "$SMP" >/dev/null 2>&1 || { echo "FAIL: dumpdtb"; exit 1; }
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
t0=$(date +%s.%N)
timeout 1200 "$PROG" -cpu cortex-a53 -m 2048 -nographic -nic none -no-reboot -M "$M" -smp "$SMP" \
  -kernel "$cache/xen" -dtb xen.dtb \
  -device loader,file="$cache/Image",addr=0x50000000,force-raw=on \
  -device loader,file="$cache/initramfs.cpio.gz",addr=0x54000000,force-raw=on ${XEN_BOOT_EXTRA:-} </dev/null >"${XEN_BOOT_LOG:-log}" 2>&1
rc=$?
t1=$(date +%s.%N)
wall=$(python3 -c "print(round($t1-$t0,1))")
markers=("(XEN) Xen version 4.17" "*** LOADING DOMAIN 0 ***" "BOOT-OK cpus=$SMP" "--- hypervisor: xen"
         "SMOKE-OK" "(XEN) Hardware Dom0 halted: halting machine")
[ "$G" = 2 ] && markers=("(XEN) Xen version 4.17" "(XEN) GICv2 initialization:" "${markers[@]:1}")
python3 - "$rc" "$wall" "$PROG" "$G" "$SMP" "${XEN_BOOT_LOG:-log}" "${markers[@]}" <<'PY'
import sys
rc, wall, prog, g, smp, logf = sys.argv[1:7]
marks = sys.argv[7:]
out = open(logf, errors='replace').read()
pos, missing = 0, None
for m in marks:
    i = out.find(m, pos)
    if i < 0:
        missing = m
        break
    pos = i + len(m)
ok = missing is None and rc == '0'
print('%s xen gic-version=%s smp=%s on %s: exit %s, wall %.1f s%s' % ('PASS' if ok else 'FAIL', g, smp,
      'qemu' if 'qemu' in prog else 'hyperstep', rc, float(wall), '' if ok else ', missing %r' % missing))
if not ok:
    print(out[-6000:])
print('%d passed, %d failed' % (ok, not ok))
sys.exit(0 if ok else 1)
PY
