#!/usr/bin/env bash
# Builds the board binaries for ARCH: a fully static smmush and the guest
# test program vfio-map, in a build directory of their own.
#
# usage: tests/live/build-static.sh [--prepare] ARCH [CONFIGURE-ARG...]
#   --prepare  only install and fetch what the build needs (setup.sh check
#              does this, so the test suite itself needs no network)
#   ARCH       amd64 (x86_64) or arm64 (aarch64, cross-compiled)
#   arguments  passed to configure after the defaults
#              --enable-static-smmush --without-libpci --disable-shared
#              (e.g. --without-readline --without-ncurses --without-capstone)
#   BUILDDIR   build directory (default: build-static-ARCH in the source tree)
# Prints the stripped binaries' paths: BUILDDIR/board/smmush,
# BUILDDIR/board/vfio-map and BUILDDIR/board/bench-live (tests/bench-live.c).  Reruns configure only when the arguments changed.
#
# What it installs (apt-get, skipped when present; needs root the first time):
#   amd64: the host's -dev packages (setup.sh's list)
#   arm64: gcc-aarch64-linux-gnu and libc6-dev-arm64-cross, and a private
#          sysroot in ${SMMUSH_CACHE:-/var/cache/smmush}/sysroot-arm64 made of
#          the :arm64 -dev packages, fetched with apt-get download and
#          unpacked with dpkg -x.  Not installed as :arm64 packages: libfdt-dev
#          cannot be (it would remove the host's), and the others would drag
#          in libc6-dev:arm64 and with it upgrades of host libraries (libssl3,
#          krb5, e2fsprogs) on a shared machine; only their static archives,
#          headers and .pc files are used anyway.
# libpci is left out because it cannot be static on Debian: libpci-dev ships
# no libpci.a, and libudev (which libpci needs) is never built static.
set -euo pipefail
log() { echo "build-static: $*" >&2; }
die() { echo "build-static: $*" >&2; exit 1; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/common.sh"

[ $# -ge 1 ] || die "usage: build-static.sh [--prepare] amd64|arm64 [CONFIGURE-ARG...]"
prepare=false
[ "$1" != --prepare ] || { prepare=true; shift; }
case $1 in
amd64 | x86_64) arch=amd64 triplet=x86_64-linux-gnu ;;
arm64 | aarch64) arch=arm64 triplet=aarch64-linux-gnu ;;
*) die "unknown architecture '$1' (amd64, arm64)" ;;
esac
shift
bdir=${BUILDDIR:-$top/build-static-$arch}
args=(--enable-static-smmush --without-libpci --disable-shared "$@")
# the arm64 sysroot's -dev packages (static archives, headers, .pc files)
sysroot_pkgs=(libfdt-dev libreadline-dev libncurses-dev libcapstone-dev libjson-c-dev check libsubunit-dev)

sysroot_arm64() {
	local s=$cache/sysroot-arm64 want have tmp
	want=$(printf '%s\n' "${sysroot_pkgs[@]}")
	have=$(cat "$s/packages" 2>/dev/null || true)
	[ "$want" = "$have" ] && return 0
	ensure_arm64_arch
	log "making the arm64 sysroot $s (apt-get download + dpkg -x)"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.sysroot.XXXXXX")
	download "$tmp" "${sysroot_pkgs[@]/%/:arm64}"
	mkdir "$tmp/root"
	for d in "$tmp"/*.deb; do dpkg -x "$d" "$tmp/root"; done
	echo "$want" >"$tmp/root/packages"
	rm -rf "$s"
	mv "$tmp/root" "$s"
	rm -rf "$tmp"
}

t0=$SECONDS
env=()
case $arch in
amd64)
	[ "$(uname -m)" = x86_64 ] || die "amd64: build on an x86_64 host"
	ensure_installed build-essential pkg-config libfdt-dev libreadline-dev libncurses-dev libcapstone-dev check libjson-c-dev
	cc=gcc
	;;
arm64)
	ensure_installed gcc-aarch64-linux-gnu libc6-dev-arm64-cross pkg-config
	sysroot_arm64
	s=$cache/sysroot-arm64
	cc=aarch64-linux-gnu-gcc
	# pkg-config answers from the sysroot's .pc files, with the sysroot
	# put before every -I and -L; libfdt has no .pc file on Debian 12
	env=(CC=$cc PKG_CONFIG=pkg-config
		PKG_CONFIG_LIBDIR="$s/usr/lib/$triplet/pkgconfig:$s/usr/share/pkgconfig"
		PKG_CONFIG_SYSROOT_DIR="$s"
		FDT_CFLAGS="-I$s/usr/include" FDT_LIBS="-L$s/usr/lib/$triplet -lfdt")
	args=(--host=$triplet "${args[@]}")
	;;
esac
! $prepare || exit 0

[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)
mkdir -p "$bdir"
cd "$bdir"
stamp="${args[*]} ${env[*]}"
if [ ! -f Makefile ] || [ "$(cat .build-static-args 2>/dev/null)" != "$stamp" ] || [ "$top/configure" -nt Makefile ]; then
	log "$arch: configure ${args[*]}"
	env "${env[@]}" "$top/configure" -q "${args[@]}" >configure.out 2>&1 ||
		{ cat configure.out >&2; die "$arch: configure failed (see $bdir/config.log)"; }
	# flags changed: make would not relink what they change by itself
	make -s clean >/dev/null 2>&1 || true
	echo "$stamp" >.build-static-args
fi
# only smmush: the man page and the tests run what they build, which a
# cross build cannot
make -s -j"$(nproc)" smmush tests/bench_live >make.out 2>&1 || { cat make.out >&2; die "$arch: make failed"; }
mkdir -p board
"$cc" -std=gnu11 -Wall -Wextra -O2 -static -o board/vfio-map.tmp "$top/tests/live/vfio-map.c"
"$triplet-strip" -o board/smmush.tmp smmush
"$triplet-strip" board/vfio-map.tmp
mv board/smmush.tmp board/smmush
mv board/vfio-map.tmp board/vfio-map
"$triplet-strip" -o board/bench-live tests/bench_live
for b in board/smmush board/vfio-map board/bench-live; do
	f=$(file -b "$b")
	case $arch in
	amd64) [[ $f == *x86-64* ]] || die "$b is not x86-64: $f" ;;
	arm64) [[ $f == *aarch64* ]] || die "$b is not aarch64: $f" ;;
	esac
	[[ $f == *"statically linked"* ]] || die "$b is not statically linked: $f"
done
log "$arch: $(stat -c %s board/smmush) bytes smmush, $(stat -c %s board/vfio-map) bytes vfio-map ($((SECONDS - t0)) s)"
echo "$bdir/board/smmush"
echo "$bdir/board/vfio-map"
echo "$bdir/board/bench-live"
