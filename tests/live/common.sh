# Shared by fetch.sh and build-static.sh: apt-get as these scripts use it.
# shellcheck shell=bash

cache=${SMMUSH_CACHE:-/var/cache/smmush}

# As root, apt-get download would warn that _apt cannot write the private
# temporary directory: download as root, which is who runs this anyway.
apt_quiet() {
	local o=(-o DPkg::Lock::Timeout=300)
	[ "$(id -u)" -ne 0 ] || o+=(-o APT::Sandbox::User=root)
	DEBIAN_FRONTEND=noninteractive apt-get "${o[@]}" -qq "$@"
}

ensure_arm64_arch() {
	dpkg --print-foreign-architectures | grep -qx arm64 && return
	[ "$(id -u)" -eq 0 ] || die "arm64 is not a dpkg architecture here: run as root (dpkg --add-architecture arm64 && apt-get update)"
	log "adding the arm64 architecture to dpkg"
	dpkg --add-architecture arm64
	apt_quiet update
}

# download DIR PACKAGE...: apt-get download, retried once after an apt-get
# update (a stale package list names files the mirror no longer has).
download() {
	local dir=$1; shift
	(cd "$dir" && apt_quiet download "$@") && return
	[ "$(id -u)" -eq 0 ] || die "apt-get download $* failed"
	log "apt-get download $* failed: updating the package lists and retrying"
	apt_quiet update
	(cd "$dir" && apt_quiet download "$@") || die "apt-get download $* failed"
}

# ensure_installed PACKAGE...: apt-get install what is not installed yet.
ensure_installed() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	[ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: run as root, or apt-get install them"
	log "installing ${missing[*]}"
	apt_quiet install -y --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt_quiet update && apt_quiet install -y --no-install-recommends "${missing[@]}" >/dev/null; } ||
		die "apt-get install ${missing[*]} failed"
}
