#!/usr/bin/env bash
# The board binaries in real Linux guests (tests/live/): a static smmush for
# each architecture, built by tests/live/build-static.sh, run inside Debian's
# own kernel under QEMU (q35 + VT-d, virt + SMMUv3), with vfio-map giving the
# kernel's IOMMU driver a mapping and edu DMA through it.  The amd64 binary is
# built without readline, capstone and ncurses, so the fallbacks are checked
# here too (on the host, where a pty can drive the plain REPL).
#
# Needs QEMU, the cross compiler and the cache of kernels (setup.sh installs
# and fetches them).  Without them the test is skipped, except under
# CI=true, where that is a failure.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/live/lib.sh"
live_setup

for a in amd64 arm64; do
	f=$(file -b "${bin[$a]}")
	want=x86-64; [ $a = arm64 ] && want=aarch64
	check "$a: smmush is statically linked $want ($f)" eval '[[ $f == *"statically linked"* && $f == *$want* ]]'
done

# --- the amd64 binary's fallbacks, on the host -------------------------------------------------
small=${bin[amd64]}
"$small" --version >"$TMP/ver" 2>&1
check "--without-*: --version lists what was left out" grep -qzE \
	'readline  no: .*capstone  no: .*ncurses   no: .*libpci    no: .*static    yes' "$TMP/ver"
"$small" -c 'dis 0x40000000' >"$TMP/out" 2>"$TMP/err"
check "--without-capstone: dis fails and says so" eval "[ $? -ne 0 ] && grep -q 'built without capstone' \"\$TMP/err\""
"$small" monitor </dev/null >"$TMP/out" 2>"$TMP/err"
check "--without-ncurses: monitor fails and says so" eval "[ $? -ne 0 ] && grep -q 'built without ncurses' \"\$TMP/err\""
# pci.ids read directly names devices as libpci does
"$small" --target sim:q35 -c devices >"$TMP/small" 2>&1
"$SMMUSH" --target sim:q35 -c devices >"$TMP/full" 2>&1
check "--without-libpci: device names equal libpci's" diff -u "$TMP/full" "$TMP/small"
cat >"$TMP/steps.json" <<'J'
[ {"expect": "plain line input", "timeout": 10}, {"expect": "smmush> "}, {"send": "units\r"},
  {"expect": "smmuv3@0x09050000"}, {"expect": "smmush> "}, {"send": "uni\u0003"}, {"expect": "smmush> "},
  {"send": "decode idr0 0x2\r"}, {"expect": "S1P\\+"}, {"send": "\u0004"}, {"exit": 0} ]
J
if python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$small" 2>"$TMP/pty.err"; then
	ok "--without-readline: the plain REPL runs commands, Ctrl-C gives a fresh prompt, Ctrl-D leaves"
else
	not_ok "--without-readline: plain REPL: $(cat "$TMP/pty.err")"
fi

# --- in the guests -------------------------------------------------------------------------------
for a in amd64 arm64; do
	live_run $a "" - "${bin[$a]}:/bin/smmush" "${vfio[$a]}" >"$TMP/g-$a" 2>"$TMP/g-$a.err" <<'G'
echo "== version"; smmush --version
echo "== units"; smmush --target sim -c units
echo "== decode"; smmush -c 'decode smmuv3.idr0 0x0d40101a'
echo "== vfio"; load_vfio && b=$(edu_bdf) && bind_vfio "$b" && vfio-map --check "$b"
G
	rc=$?
	echo "# $a guest: boot ${LIVE_BOOT_MS:-?} ms (kernel ${LIVE_GUEST_UPTIME:-?} s), whole run ${LIVE_TOTAL_MS:-?} ms, status $rc"
	if [ $rc -ne 0 ]; then
		not_ok "$a guest: the script ran to its end with status 0 (status $rc)"
		sed 's/^/#   /' "$TMP/g-$a" "$TMP/g-$a.err" | tail -20
		continue
	fi
	ok "$a guest: the script ran to its end with status 0"
	out=$TMP/g-$a
	check "$a guest: smmush --version says static" grep -q '^  static    yes' "$out"
	check "$a guest: smmush --target sim -c units lists the sim's SMMUv3" grep -q 'smmuv3@0x09050000' "$out"
	check "$a guest: decode smmuv3.idr0 0x0d40101a" grep -q 'ST_LEVEL=2-level' "$out"
	check "$a guest: vfio-map mapped a buffer and edu DMAed through it" \
		eval 'grep -q "^page iova=0x100000 phys=0x" "$out" && grep -q "^check ok iova=0x100000" "$out"'
done
echo "# wall time $(($(live_ms) - t_start)) ms"
finish
