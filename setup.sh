#!/usr/bin/env bash
# setup.sh — install what hyperstep needs to build and test on Debian 12.
# Run as root, or as a user who may use sudo (asked only when a package is
# missing). Idempotent.
set -euo pipefail
PKGS=(meson ninja-build gcc pkg-config python3 libcapstone-dev libelf-dev libfdt-dev libzstd-dev
      libsdl2-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libunicorn-dev
      gdb-multiarch qemu-system-arm qemu-user device-tree-compiler cpio gzip
      clang libclang-rt-14-dev e2fsprogs)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup.sh: missing packages (${missing[*]}) and not root: run it as root, or install sudo" >&2
      exit 1
    fi
    SUDO=sudo
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
echo "setup.sh: all build and test dependencies are installed"
