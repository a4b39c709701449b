#!/usr/bin/env bash
# `make bench`'s figures for --target linux, measured inside Debian's own
# kernels under QEMU (tests/live/), one boot per architecture, the kernel
# owning the IOMMU (iomem=relaxed), edu bound to vfio-pci with a 64 MiB +
# 4 KiB mapping (vfio-map):
#   ARCH_live_units_devices_*  `units; devices` (tests/bench-live.c)
#   ARCH_live_walk_64m4k_*     walking the kernel's tables of that mapping
#   ARCH_live_fault_latency_*  the kernel's fault report (its log line's
#                              timestamp, placed on CLOCK_MONOTONIC by
#                              vfio-map's clock mark) to smmush's normalized
#                              record (trace), over 3 faults (the kernel's
#                              DMAR reports are rate-limited: 10 lines in 5 s)
# Prints `# skipped: why` and succeeds when the guests are not available
# (no QEMU, no cached kernels, no cross compiler).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$PWD}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LIVE_TMP=$TMP
. "$srcdir/tests/live/lib.sh"

for arch in amd64 arm64; do
	if ! live_need "$arch" 2>"$TMP/need"; then
		echo "# skipped: $arch guest: $(cat "$TMP/need")"
		continue
	fi
	extra=()
	[ "$arch" = amd64 ] && extra=(--without-readline --without-capstone --without-ncurses) # as tests/live-guest.sh
	if ! BUILDDIR=$builddir/live-static/$arch "$srcdir/tests/live/build-static.sh" "$arch" "${extra[@]}" \
		>"$TMP/paths" 2>"$TMP/build"; then
		echo "# skipped: $arch: build-static.sh failed: $(tail -1 "$TMP/build")"
		continue
	fi
	mapfile -t bins <"$TMP/paths"
	live_run "$arch" iomem=relaxed - "${bins[0]}:/bin/smmush" "${bins[1]}" "${bins[2]}" >"$TMP/out" 2>&1 <<G
load_vfio && b=\$(edu_bdf) && bind_vfio "\$b" || exit 1
d=\${b#0000:}
vfio-map --iova 0x1000000 --size 0x4001000 --fault 0x200000 --wait "\$b" >/tmp/vm 2>&1 &
vm=\$!
i=0
until grep -q '^ready' /tmp/vm 2>/dev/null || [ \$i -ge 600 ]; do sleep 0.1; i=\$((i + 1)); done
bench-live $arch "\$d" || exit 1
smmush --target linux -j -c 'trace --count 3 --seconds 30' >/tmp/tr 2>&1 &
tr=\$!
i=0
until ls -l /proc/\$tr/fd 2>/dev/null | grep -q kmsg || [ \$i -ge 300 ]; do sleep 0.1; i=\$((i + 1)); done
for n in 1 2 3; do
	kill -USR1 \$vm
	i=0
	until [ "\$(grep -c '^fault ' /tmp/vm)" -ge \$n ] || [ \$i -ge 100 ]; do sleep 0.1; i=\$((i + 1)); done
done
wait \$tr
kill \$vm
echo "== vm"; cat /tmp/vm
echo "== trace"; cat /tmp/tr
echo "== dmesg"; dmesg | grep 'fault addr\|event 0x\|vfio-map: clock mark'
G
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "# $arch guest failed (status $rc):"
		tail -5 "$TMP/out" | sed 's/^/#   /'
		continue
	fi
	grep "^${arch}_live_" "$TMP/out"
	python3 - "$TMP/out" "$arch" <<'P'
import json, re, sys
body, arch = open(sys.argv[1]).read(), sys.argv[2]
sect = lambda n: body.split("== %s\n" % n)[1].split("\n== ")[0].splitlines()
recs = [json.loads(l) for l in sect("trace") if l.startswith('{"seq"')]
ts = lambda l: float(re.match(r"\[\s*([0-9.]+)\]", l).group(1))
mark = [l for l in sect("vm") if l.startswith("mark ")]
kmark = [ts(l) for l in sect("dmesg") if "vfio-map: clock mark" in l]
klines = [ts(l) for l in sect("dmesg") if "fault addr" in l or "event 0x10 received" in l]
if not (mark and kmark and len(recs) == len(klines) == 3):
    print("# %s: fault latency not measured (%d records, %d log lines)" % (arch, len(recs), len(klines)))
    sys.exit(0)
t0, t1 = (int(x.split("=")[1]) for x in mark[0].split()[1:3])
off = (t0 + t1) / 2 - kmark[0] * 1e9
lat = sorted((r["ts_ns"] - (k * 1e9 + off)) / 1e6 for r, k in zip(recs, klines))
print("%s_live_fault_latency_median %.2f ms (log line -> normalized record; 3 faults, %.2f-%.2f)" %
      (arch, lat[1], lat[0], lat[-1]))
P
done
