#!/usr/bin/env bash
# Fetches, once, what a guest boot needs into a cache outside the clone:
# Debian's own kernel (only /boot and the vfio modules, plus irqbypass on
# amd64) and busybox-static, per architecture.  Reruns find the cache and
# touch no network; SMMUSH_REFRESH=1 fetches the current Debian kernel again.
#
# usage: fetch.sh [amd64|arm64|all]...      (default: all)
#        fetch.sh --print ARCH              paths of a cached ARCH, as shell
#                                           assignments (fails when not cached)
# Cache: ${SMMUSH_CACHE:-/var/cache/smmush}/ARCH/{vmlinux|Image,modules/,busybox,config,complete}
#   amd64: vmlinux is the bzImage's xz payload decompressed once, an ELF that
#   QEMU boots through its PVH entry (2-3 s instead of 5.5-6.7 s).
#   arm64: Image is Debian's vmlinuz, already an uncompressed arm64 Image.
# Needs: apt-get (root, or the packages already cached), dpkg-deb, xz.
set -euo pipefail

log() { echo "fetch: $*" >&2; }
die() { echo "fetch: $*" >&2; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

print_paths() { # ARCH
	local d=$cache/$1 k
	[ -f "$d/complete" ] || return 1
	k=$(cat "$d/complete")
	case $1 in
	amd64) echo "LIVE_KERNEL=$d/vmlinux" ;;
	arm64) echo "LIVE_KERNEL=$d/Image" ;;
	esac
	echo "LIVE_KABI=$k"
	echo "LIVE_MODULES=$d/modules"
	echo "LIVE_BUSYBOX=$d/busybox"
	echo "LIVE_CONFIG=$d/config"
}

# The ABI of Debian's current kernel, from the metapackage's dependency.
kabi_of() { # ARCH
	local meta=linux-image-$1 k
	[ "$1" = arm64 ] && meta=linux-image-arm64:arm64
	k=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n "s/^ *Depends: linux-image-\([0-9].*\)-$1\(:$1\)\{0,1\}\$/\1/p" | head -1)
	[ -n "$k" ] || die "cannot tell the kernel ABI from 'apt-cache depends $meta' (apt-get update?)"
	echo "$k"
}

# The x86 bzImage carries its kernel as xz: decompress that once to an ELF
# vmlinux (QEMU boots it through the PVH note).
extract_vmlinux() { # BZIMAGE OUT
	local off
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -1 | cut -d: -f1)
	[ -n "$off" ] || die "$1: no xz payload found"
	tail -c +$((off + 1)) "$1" | xz -dc --single-stream >"$2.tmp" 2>/dev/null || true
	[ "$(head -c 4 "$2.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || die "$1: the xz payload is not an ELF vmlinux"
	mv "$2.tmp" "$2"
}

fetch() { # ARCH
	local arch=$1 d=$cache/$1 kabi tmp pat deb
	if [ -f "$d/complete" ] && [ "${SMMUSH_REFRESH:-}" != 1 ]; then
		return 0
	fi
	[ "$arch" = arm64 ] && ensure_arm64_arch
	kabi=$(kabi_of "$arch")
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.fetch-$arch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	local t0=$SECONDS
	local suffix=; [ "$arch" = arm64 ] && suffix=:arm64
	log "$arch: downloading linux-image-$kabi-$arch and busybox-static$suffix"
	download "$tmp" "linux-image-$kabi-$arch$suffix"
	download "$tmp" "busybox-static$suffix"
	mkdir -p "$tmp/root" "$tmp/out/modules"
	pat=('./boot/*' './lib/modules/*/kernel/drivers/vfio/*')
	[ "$arch" = amd64 ] && pat+=('./lib/modules/*/kernel/virt/lib/*')
	deb=$(ls "$tmp"/linux-image-*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/root" --wildcards "${pat[@]}"
	dpkg-deb --fsys-tarfile "$(ls "$tmp"/busybox-static_*.deb)" | tar -x -C "$tmp/root" ./bin/busybox
	case $arch in
	amd64) extract_vmlinux "$tmp/root/boot/vmlinuz-$kabi-$arch" "$tmp/out/vmlinux" ;;
	arm64) cp "$tmp/root/boot/vmlinuz-$kabi-$arch" "$tmp/out/Image" ;;
	esac
	# modules flat in one directory; compressed ones (newer Debian) unpacked
	# here, since busybox's insmod takes plain .ko files
	find "$tmp/root/lib/modules" -name '*.ko*' -exec cp {} "$tmp/out/modules/" \;
	for m in "$tmp/out/modules"/*.ko.xz; do [ -e "$m" ] && xz -d "$m"; done
	for m in "$tmp/out/modules"/*.ko.zst; do [ -e "$m" ] && zstd -qd --rm "$m"; done
	cp "$tmp/root/bin/busybox" "$tmp/out/busybox"
	# the kernel's configuration, to look options up (IOMMU_DEBUGFS, ...)
	cp "$tmp/root/boot/config-$kabi-$arch" "$tmp/out/config"
	echo "$kabi" >"$tmp/out/complete"
	rm -rf "$d"
	mv "$tmp/out" "$d"
	rm -rf "$tmp"
	trap - EXIT
	log "$arch: $kabi cached in $d ($((SECONDS - t0)) s)"
}

if [ "${1:-}" = --print ]; then
	print_paths "${2:?usage: fetch.sh --print ARCH}" || die "${2} is not cached in $cache (run tests/live/fetch.sh ${2})"
	exit 0
fi
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(all)
for a in "${archs[@]}"; do
	case $a in
	all) fetch amd64; fetch arm64 ;;
	amd64 | arm64) fetch "$a" ;;
	*) die "unknown architecture '$a' (amd64, arm64, all)" ;;
	esac
done
