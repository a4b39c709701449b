#!/usr/bin/env bash
# The README's two commands, on a fresh Debian 12 machine:
#   ./setup.sh demo    install what is missing, build, run the demonstration on sim
#   ./setup.sh check   install what is missing, build, run the whole test suite
# Builds go to build/ (plain, -O2), build-check/ (AddressSanitizer + UBSan)
# and, for check, build-fuzz/ (clang: the libFuzzer harnesses alone).
set -euo pipefail
mode=${1:-demo}
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

packages=(build-essential autoconf automake libtool pkg-config
	libreadline-dev libncurses-dev libcapstone-dev libpci-dev pci.ids check libfdt-dev
	libjson-c-dev acpica-tools device-tree-compiler clang libclang-rt-14-dev python3 valgrind tmux
	qemu-system-arm qemu-system-x86 groff-base procps diffutils
	cpio gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "setup: installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] ||
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
jobs=$(nproc)

build() { # build DIR TARGET [configure args]
	local dir=$1 target=$2; shift 2
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } && make -s -j"$jobs" "$target" >/dev/null)
}

case $mode in
demo)
	build build all
	exec build/smmush -i -f shell/demo.smmush
	;;
check)
	# Debian's kernels, busybox and the arm64 sysroot, once, into the cache
	# (tests/live/README.md): tests/live-guest.sh then needs no network
	{ tests/live/fetch.sh all && tests/live/build-static.sh --prepare arm64; } ||
		echo "setup: no live guests: tests/live-guest.sh will skip (and fail under CI=true)" >&2
	build build all
	build build-check all --enable-sanitizers
	build build-fuzz fuzz CC=clang CFLAGS='-g -O1' --enable-fuzzing
	rc=0
	# automake prints one line per result, a thousand PASS lines: the
	# failures and its summary are what to read (every line is in the logs)
	(cd build-check && make -s -j"$jobs" check VALGRIND_SMMUSH="$top/build/smmush" \
		FUZZ_BUILDDIR="$top/build-fuzz") | sed '/^PASS: /d' || rc=$?
	tests/summary.sh build-check || rc=1
	exit $rc
	;;
*)
	echo "usage: $0 demo|check" >&2
	exit 2
	;;
esac
