#!/bin/sh
# Install the Debian packages libsysheap's build and tests need, when any is
# missing. Called by `make deps` (and so by `make test`, `make run`; plain
# `make` never installs anything).
set -eu

PACKAGES="make gcc binutils gcc-arm-none-eabi libnewlib-arm-none-eabi \
libstdc++-arm-none-eabi-newlib picolibc-arm-none-eabi libstdc++-arm-none-eabi-picolibc \
qemu-system-arm openocd gdb-multiarch valgrind gcovr python3 librsvg2-bin \
cmake pkgconf"
# The host suite also runs as 32-bit code (4-byte headers, as on Cortex-M)
# where the host compiler can target i386.
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
	PACKAGES="$PACKAGES gcc-multilib ${DEPS_PACKAGES_AMD64:-}"
fi
# What the mk/ fragments add for their own targets (mk/deps.mk).
PACKAGES="$PACKAGES ${DEPS_PACKAGES:-}"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "libsysheap needs these Debian packages:$missing" >&2
	echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null
