# Host side of the guest test harness: boots Debian's own kernel in QEMU
# (TCG) with a busybox initramfs, runs one test script inside, and hands its
# output and exit status back.  Source it from a test script (bash):
#
#   . "$srcdir/tests/live/lib.sh"
#   live_need amd64 || ...                       # QEMU, kernel, busybox present?
#   live_run amd64 'intel_iommu=off' "$TMP/guest.sh" "$smmush:/bin/smmush" >"$TMP/out"
#   rc=$?                                        # the guest script's status
#
# live_run [OPTIONS] ARCH APPEND SCRIPT [FILE[:GUESTPATH]]...
#   ARCH     amd64 (q35 + intel-iommu,intremap=off + edu, -cpu max) or arm64
#            (virt,iommu=smmuv3 + edu, -cpu cortex-a57); x86_64 and aarch64
#            are accepted too
#   APPEND   added to the kernel command line (after console=..., panic=-1,
#            quiet: a later loglevel=N overrides quiet)
#   SCRIPT   the guest script (busybox sh) as a file, or - to read it from
#            standard input (a here-document).  It runs in /live with
#            /live/guest-lib.sh sourced; see tests/live/init.
#   FILE     copied into the initramfs, at GUESTPATH (default
#            /live/bin/BASENAME, which is on the guest's PATH)
#   options: -t SECONDS  hard time limit (default $LIVE_TIMEOUT or 180)
#            -m MEM      guest memory (default 1G)
#            -I DEVICE   the IOMMU device on amd64 (default
#                        intel-iommu,intremap=off); '' for none
#            -M MACHINE  the machine on arm64 (default virt,iommu=smmuv3)
#            -q ARGS     more QEMU arguments (split on blanks)
# Prints the script's output (stdout and stderr, in order) on standard
# output.  Returns the script's exit status; 124 when the time limit ended
# the guest; 125 when the guest never ran the script or never reported its end
# (the console's last lines go to standard error).  Sets:
#   LIVE_RC        that status
#   LIVE_OUT       a file with the script's output
#   LIVE_LOG       the whole console log
#   LIVE_QEMU_ERR  QEMU's own standard error (its device models' complaints,
#                  e.g. vtd_iommu_translate: detected translation failure)
#   LIVE_BOOT_MS   QEMU start to the script's start (seen on the host,
#                  to within 50 ms)
#   LIVE_GUEST_UPTIME  the guest's /proc/uptime when the script started (s)
#   LIVE_TOTAL_MS  QEMU start to QEMU's exit
# Work files go to $LIVE_TMP (default: $TMP from tests/lib.sh, else a new
# temporary directory).  The kernel and busybox come from the cache that
# tests/live/fetch.sh fills (${SMMUSH_CACHE:-/var/cache/smmush}).
# shellcheck shell=bash

LIVE_DIR=${LIVE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

live_arch() { # normalize an architecture name
	case $1 in
	amd64 | x86_64) echo amd64 ;;
	arm64 | aarch64) echo arm64 ;;
	*) echo "live: unknown architecture '$1' (amd64, arm64)" >&2; return 1 ;;
	esac
}

live_qemu() { # the QEMU binary for ARCH
	case $1 in
	amd64) echo qemu-system-x86_64 ;;
	arm64) echo qemu-system-aarch64 ;;
	esac
}

# live_need ARCH: QEMU, cpio, and a cached kernel and busybox for ARCH
# (fetching them when they are not cached yet).  On failure prints why on
# standard error and returns 1.
live_need() {
	local arch
	arch=$(live_arch "$1") || return 1
	command -v "$(live_qemu "$arch")" >/dev/null ||
		{ echo "live: $(live_qemu "$arch") is not installed (apt-get install qemu-system-${arch/amd64/x86})" >&2; return 1; }
	command -v cpio >/dev/null || { echo "live: cpio is not installed (apt-get install cpio)" >&2; return 1; }
	"$LIVE_DIR/fetch.sh" --print "$arch" >/dev/null 2>&1 ||
		"$LIVE_DIR/fetch.sh" "$arch" || { echo "live: no kernel for $arch in the cache" >&2; return 1; }
}

live_ms() { echo $(($(date +%s%N) / 1000000)); }

# The start of tests/live-guest.sh and tests/live-linux.sh (after
# tests/lib.sh): HOME in $TMP, t_start for the wall time, both guests, and
# the board binaries, the amd64 one built without readline, capstone and
# ncurses, in bin[ARCH] and vfio[ARCH] (the same build directories for both
# scripts, so the second rebuilds nothing).  What is missing fails under
# CI=true and skips elsewhere (live_missing), ending the script.
live_missing() { # WHAT
	if [ "${CI:-}" = true ]; then
		not_ok "$1"
	else
		echo "# SKIP: $1"
	fi
	finish
	exit
}

live_build() { # ARCH [CONFIGURE-ARG...]
	local a=$1 t0
	t0=$(live_ms)
	if BUILDDIR=$static_dir/$a "$srcdir/tests/live/build-static.sh" "$@" >"$TMP/paths-$a" 2>"$TMP/build-$a"; then
		bin[$a]=$(sed -n 1p "$TMP/paths-$a") vfio[$a]=$(sed -n 2p "$TMP/paths-$a")
		echo "# $a static build: $(($(live_ms) - t0)) ms, smmush $(stat -c %s "${bin[$a]}") bytes"
		return 0
	fi
	grep -v 'statically linked applications\|in function\|^(.text' "$TMP/build-$a" | tail -5 | sed 's/^/#   /'
	live_missing "build-static.sh $*"
}

live_setup() {
	export HOME=$TMP/home
	mkdir -p "$HOME"
	t_start=$(live_ms)
	for a in amd64 arm64; do
		live_need "$a" 2>"$TMP/need" || live_missing "no $a guest: $(cat "$TMP/need")"
	done
	declare -gA bin vfio
	static_dir=${builddir:-$TMP}/live-static
	live_build amd64 --without-readline --without-capstone --without-ncurses
	live_build arm64
}

live_run() {
	local timeout=${LIVE_TIMEOUT:-180} mem=1G iommu=intel-iommu,intremap=off machine=virt,iommu=smmuv3
	local extra=() opt OPTIND=1
	while getopts "t:m:I:M:q:" opt; do
		case $opt in
		t) timeout=$OPTARG ;;
		m) mem=$OPTARG ;;
		I) iommu=$OPTARG ;;
		M) machine=$OPTARG ;;
		q) read -ra extra <<<"$OPTARG" ;;
		*) echo "live_run: bad option" >&2; return 125 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -ge 3 ] || { echo "usage: live_run [-t S] [-m MEM] [-I DEV] [-M MACH] [-q ARGS] ARCH APPEND SCRIPT [FILE[:PATH]]..." >&2; return 125; }
	local arch append=$2 script=$3
	arch=$(live_arch "$1") || return 125
	shift 3
	LIVE_RC=125 LIVE_BOOT_MS='' LIVE_TOTAL_MS='' LIVE_GUEST_UPTIME=''
	live_need "$arch" || return 125
	local LIVE_KERNEL LIVE_MODULES LIVE_BUSYBOX LIVE_KABI LIVE_CONFIG
	eval "$("$LIVE_DIR/fetch.sh" --print "$arch")"

	if [ -z "${LIVE_TMP:-}" ]; then
		LIVE_TMP=${TMP:-$(mktemp -d "${TMPDIR:-/tmp}/smmush-live.XXXXXX")}
	fi
	local w
	w=$(mktemp -d "$LIVE_TMP/live-$arch.XXXXXX") || return 125
	LIVE_OUT=$w/out LIVE_LOG=$w/console.log LIVE_QEMU_ERR=$w/qemu.err

	# --- the initramfs: busybox, /init, the helpers, the script, the files -----------
	local r=$w/root f src dst
	mkdir -p "$r/bin" "$r/live/bin" "$r/lib/modules"
	cp "$LIVE_BUSYBOX" "$r/bin/busybox"
	cp "$LIVE_DIR/init" "$r/init"
	cp "$LIVE_DIR/guest-lib.sh" "$r/live/guest-lib.sh"
	cp "$LIVE_MODULES"/*.ko "$r/lib/modules/"
	if [ "$script" = - ]; then cat >"$r/live/test.sh"; else cp "$script" "$r/live/test.sh"; fi || return 125
	for f in "$@"; do
		src=${f%%:*} dst=${f#*:}
		[ "$dst" != "$f" ] || dst=/live/bin/$(basename "$src")
		[ -f "$src" ] || { echo "live_run: $src: no such file" >&2; return 125; }
		mkdir -p "$r$(dirname "$dst")"
		cp "$src" "$r$dst"
	done
	chmod 755 "$r/init" "$r/bin/busybox"
	# uncompressed: the guest would spend longer inflating it than QEMU
	# spends copying it
	(cd "$r" && find . | cpio -o -H newc -R 0:0 --quiet >"$w/initramfs.cpio") || return 125

	# --- the machine ---------------------------------------------------------------------
	local cmd
	case $arch in
	amd64)
		cmd=(qemu-system-x86_64 -M q35 -accel tcg -cpu max)
		[ -z "$iommu" ] || cmd+=(-device "$iommu")
		append="console=ttyS0 panic=-1 quiet $append"
		;;
	arm64)
		cmd=(qemu-system-aarch64 -M "$machine" -accel tcg -cpu cortex-a57)
		append="console=ttyAMA0 panic=-1 quiet $append"
		;;
	esac
	cmd+=(-smp 1 -m "$mem" -nographic -no-reboot -nic none -device edu
		-kernel "$LIVE_KERNEL" -initrd "$w/initramfs.cpio" -append "$append" "${extra[@]}")
	echo "${cmd[*]}" >"$w/qemu-cmdline"

	local t0 pid rc=0 end
	: >"$LIVE_LOG"
	t0=$(live_ms)
	timeout -k 5 "$timeout" "${cmd[@]}" </dev/null >"$LIVE_LOG" 2>"$LIVE_QEMU_ERR" &
	pid=$!
	# the boot time: until the script's start marker shows on the console
	# (looked for once more after QEMU ended: a short script may end first)
	local alive=1
	while [ $alive = 1 ]; do
		kill -0 "$pid" 2>/dev/null || alive=0
		if grep -aq '^@@LIVE-BEGIN' "$LIVE_LOG"; then
			LIVE_BOOT_MS=$(($(live_ms) - t0))
			break
		fi
		[ $alive = 0 ] || sleep 0.05
	done
	wait "$pid" || rc=$?
	LIVE_TOTAL_MS=$(($(live_ms) - t0))

	LIVE_GUEST_UPTIME=$(tr -d '\r' <"$LIVE_LOG" | sed -n 's/^@@LIVE-BEGIN uptime=\([0-9.]*\)@@$/\1/p' | head -1)
	tr -d '\r' <"$LIVE_LOG" | sed -n '/^@@LIVE-BEGIN.*@@$/,/^@@LIVE-END rc=[0-9]*@@$/p' |
		sed '1d;/^@@LIVE-END rc=[0-9]*@@$/d' >"$LIVE_OUT"
	end=$(tr -d '\r' <"$LIVE_LOG" | sed -n 's/^@@LIVE-END rc=\([0-9]*\)@@$/\1/p' | tail -1)
	cat "$LIVE_OUT"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "live_run: $arch guest killed after the ${timeout} s limit; console (tail) in $LIVE_LOG:" >&2
		tail -15 "$LIVE_LOG" | tr -d '\r' | sed 's/^/#   /' >&2
		LIVE_RC=124
	elif [ -z "$end" ]; then
		echo "live_run: the $arch guest ${LIVE_BOOT_MS:+ran the script but }never reported its end (QEMU status $rc); console (tail) in $LIVE_LOG:" >&2
		tail -15 "$LIVE_LOG" | tr -d '\r' | sed 's/^/#   /' >&2
		[ -s "$LIVE_QEMU_ERR" ] && tail -5 "$LIVE_QEMU_ERR" | sed 's/^/#   qemu: /' >&2
		LIVE_RC=125
	else
		LIVE_RC=$end
	fi
	return "$LIVE_RC"
}
