#!/usr/bin/env bash
# The README's two commands, on a fresh Debian 12 machine:
#   ./setup.sh demo    install what is missing, build, run the demonstration on sim
#   ./setup.sh check   install what is missing, build, run the whole test suite
# Builds go to build/ (plain, -O2) and build-check/ (AddressSanitizer + UBSan).
set -euo pipefail
mode=${1:-demo}
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

packages=(build-essential autoconf automake libtool pkg-config
	libreadline-dev libncurses-dev libcapstone-dev libpci-dev pci.ids check libfdt-dev
	libjson-c-dev acpica-tools device-tree-compiler clang libclang-rt-14-dev python3 valgrind tmux
	qemu-system-arm qemu-system-x86 groff-base procps diffutils)
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

build() { # build DIR [configure args]
	local dir=$1; shift
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } && make -s -j"$jobs" >/dev/null)
}

case $mode in
demo)
	build build
	exec build/smmush -i -f shell/demo.smmush
	;;
check)
	build build
	build build-check --enable-sanitizers
	rc=0
	(cd build-check && make -s -j"$jobs" check VALGRIND_SMMUSH="$top/build/smmush") || rc=$?
	tests/summary.sh build-check || rc=1
	exit $rc
	;;
*)
	echo "usage: $0 demo|check" >&2
	exit 2
	;;
esac
