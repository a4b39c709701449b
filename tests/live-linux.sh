#!/usr/bin/env bash
# --target linux end to end, inside Debian's own kernels under QEMU (the
# harness in tests/live/): nine boots, several checks each.
#
#   amd64-own     intel_iommu=off, QEMU intremap=off, memmap=64M$0x30000000:
#                 the refusals (no table region, not root), own, a domain,
#                 edu attached, a DMA round trip with the data checked, an
#                 unmapped and a read-only fault with reason and explanation,
#                 release restoring every register; then smmush killed (-9)
#                 while it owns the unit and `release --recover` in a new run
#   amd64-qi      the same with QEMU's interrupt remapping on (its default):
#                 the kernel keeps the unit for IR and queued invalidation
#                 (intel_iommu=off), and claims it (iomem=relaxed); smmush
#                 keeps IR and QI on, with its own queue while it owns the unit
#   arm64-own     initcall_blacklist=arm_smmu_driver_init, mem=960M of 1 GiB:
#                 the same with SMMUv3
#   amd64-kernel  the kernel owns VT-d, iomem=relaxed: edu bound to vfio-pci,
#                 vfio-map's mapping found by config/walk/xlate at the physical
#                 page pagemap gives; a faulting DMA read back from the kernel
#                 log as a normalized record, explained by walking the kernel's
#                 tables; own refused
#   arm64-kernel  the same with the kernel's arm-smmu-v3
#   arm64-claimed the kernel's SMMU without iomem=relaxed: one line naming
#                 the claim and the boot parameter
#   amd-own       AMD-Vi (QEMU -device amd-iommu), amd_iommu=off, memmap=: as
#                 amd64-own, except that QEMU 7.2 logs no IO_PAGE_FAULT
#                 (qemu72-amdvi-no-io-page-fault-events): the faulting DMAs
#                 are blocked without a record, and smmush says why
#   amd-kernel    the kernel's amd_iommu owns it (iomem=relaxed): the
#                 device table entry of edu and its v1 tables against
#                 pagemap; no event either, so AMD-Vi lines in the kernel's
#                 formats are written to /dev/kmsg and read back as records
#   amd-claimed   the kernel's AMD-Vi without iomem=relaxed: one line
#
# LIVE_ONLY="amd64-own arm64-kernel" runs some of them (while iterating).
# Needs QEMU, the cross compiler and the cache of kernels (setup.sh installs
# and fetches them); without them the test is skipped, except under CI=true.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/live/lib.sh"
live_setup # the same binaries as tests/live-guest.sh, which runs first: nothing is rebuilt

want() { [ -z "${LIVE_ONLY:-}" ] || [[ " $LIVE_ONLY " == *" $1 "* ]]; }

# boot NAME ARCH APPEND GUEST-SCRIPT [live_run options]: the guest's output in $TMP/NAME
boot() {
	local name=$1 arch=$2 append=$3 script=$4
	shift 4
	live_run "$@" "$arch" "$append" "$script" "${bin[$arch]}:/bin/smmush" "${vfio[$arch]}" \
		>"$TMP/$name" 2>"$TMP/$name.err"
	local rc=$?
	echo "# $name: boot ${LIVE_BOOT_MS:-?} ms, whole run ${LIVE_TOTAL_MS:-?} ms, status $rc"
	cp "$LIVE_LOG" "$TMP/$name.console" 2>/dev/null
	[ -z "${LIVE_KEEP:-}" ] || cp "$TMP/$name" "$LIVE_KEEP/$name.out"
	if [ $rc -ne 0 ]; then
		not_ok "$name: the guest script ran to its end (status $rc)"
		sed 's/^/#   /' "$TMP/$name" "$TMP/$name.err" | tail -40
		return 1
	fi
	ok "$name: the guest script ran to its end"
}

# section NAME FILE: the lines after "== NAME" up to the next "== "
section() { sed -n "/^== $1\$/,/^== /p" "$2" | sed '1d;/^== /d'; }

# has WHAT FILE SECTION PATTERN: the section has a line matching the ERE
has() {
	local what=$1 f=$2 s=$3 pat=$4
	if section "$s" "$f" | grep -Eq -- "$pat"; then
		ok "$what"
	else
		not_ok "$what (no /$pat/ in section $s:)"
		section "$s" "$f" | head -30 | sed 's/^/#   /'
	fi
}

# one_line WHAT FILE SECTION PATTERN: smmush failed with exactly one line,
# "smmush: ...", matching the ERE
one_line() {
	local what=$1 f=$2 s=$3 pat=$4 body
	body=$(section "$s" "$f")
	if [ "$(printf '%s\n' "$body" | grep -vc '^rc=')" -eq 1 ] && printf '%s\n' "$body" | grep -q '^rc=[1-9]' &&
		printf '%s\n' "$body" | grep -Eq -- "^smmush: .*$pat"; then
		ok "$what"
	else
		not_ok "$what (want one line /$pat/ and a failure:)"
		printf '%s\n' "$body" | head -10 | sed 's/^/#   /'
	fi
}

# same_regs WHAT FILE BEFORE AFTER: every register field of `regs -j` equal,
# except what the hardware alone sets and software cannot put back: VT-d's
# GSTS.RTPS (set by the first SRTP, cleared only by a reset) and the
# granularity the last invalidation actually used (CCMD.CAIG, IOTLB.IAIG);
# and the fault recording registers, which keep the last record
same_regs() {
	local what=$1 f=$2 diff
	diff=$(python3 - "$f" "$3" "$4" <<'P'
import json, sys
text = open(sys.argv[1]).read().split("\n")
HW = {("GSTS_REG", "RTPS"), ("CCMD_REG", "CAIG"), ("IOTLB_REG", "IAIG")}
def regs(name):
    doc = json.loads(text[text.index("== " + name) + 1])
    out = {}
    for r in doc:
        if r.get("kind") in ("vtd.frcd",):
            continue
        for k, v in r.get("fields", {}).items():
            if (r.get("name"), k) not in HW:
                out["%s.%s" % (r.get("name"), k)] = v
    return out, len(doc)
try:
    (a, na), (b, nb) = regs(sys.argv[2]), regs(sys.argv[3])
except Exception as e:
    print("unreadable: %r" % e); sys.exit(0)
bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
print(" ".join("%s %s->%s" % (k, a.get(k), b.get(k)) for k in bad) if bad else "")
if na < 10: print("only %d registers" % na)
P
)
	if [ -z "$diff" ]; then ok "$what"; else not_ok "$what: $diff"; fi
}

# --- the guest scripts ----------------------------------------------------------------------------
cat >"$TMP/own.sh" <<'G'
case $ARCH in
amd64) T=0x30000000 B=0x32000000 ;;  # memmap=64M$0x30000000
arm64) T=0x7c000000 B=0x7e000000 ;;  # mem=960M of 1 GiB
esac
S="smmush --target linux"
O="-O tables=$T,32M"
B2=$(printf 0x%x $((B + 0x2000)))
b=$(edu_bdf) || exit 1
d=${b#0000:}
echo "== edu"; echo "$d"
echo "== units"; $S -c 'units; devices' 2>&1
echo "== notables"; $S -c own 2>&1; echo "rc=$?"
mkdir -p /etc
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >/etc/group
echo "== notroot"; su -s /bin/sh nobody -c 'smmush --target linux -c units' 2>&1; echo "rc=$?"
echo "== regs-before"; $S -j -c regs 2>&1
echo "== session"
$S $O -c "own; domain create d; attach $d d; map d 0x100000 $B 0x2000 rw; map d 0x102000 $B2 0x1000 r;
dma $d read 0x100000 2048 --pattern inc; dma $d write 0x101000 2048 --expect inc; x/4xb $d:0x101000;
dma $d read 0x200000 64; dma $d write 0x102000 64; faults --explain; walk $d; release" 2>&1
echo "rc=$?"
echo "== regs-after"; $S -j -c regs 2>&1
# killed while it owns the unit: the next run finds the journal
$S $O -c "own; domain create k; attach $d k; map k 0x100000 $B 0x1000 rw; trace --seconds 300" >/tmp/k.out 2>&1 &
pid=$!
i=0
until $S -c units 2>/dev/null | grep -q 'translation on' || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
kill -9 $pid
wait $pid 2>/dev/null
echo "== killed"; cat /tmp/k.out; ls /run/smmush
echo "== regs-owned"; $S -j -c regs 2>&1
echo "== left"; $S $O -c units 2>&1
echo "== recover"; $S $O -c 'release --recover' 2>&1; echo "rc=$?"; ls /run/smmush
echo "== regs-recovered"; $S -j -c regs 2>&1
echo "== end"
G

cat >"$TMP/kernel.sh" <<'G'
load_vfio && b=$(edu_bdf) && bind_vfio "$b" || exit 1
d=${b#0000:}
S="smmush --target linux"
vfio-map --iova 0x140000 --size 0x2000 --check --fault 0x200000 --wait "$b" >/tmp/vm 2>&1 &
vm=$!
i=0
until grep -q '^ready' /tmp/vm 2>/dev/null || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "== edu"; echo "$d"
echo "== vfio-map"; cat /tmp/vm
echo "== own"; $S -c own 2>&1; echo "rc=$?"
echo "== units"; $S -c 'units; devices' 2>&1
echo "== config"; $S -c "config $d" 2>&1
echo "== walk"; $S -c "walk $d" 2>&1
echo "== xlate0"; $S -c "xlate $d 0x140000" 2>&1
echo "== xlate1"; $S -c "xlate $d 0x141008" 2>&1
echo "== audit"; $S -j -c audit 2>&1
# faults: smmush reads the kernel log from when it opened it on
$S -j -c 'trace --count 3 --seconds 120; faults --explain --all' >/tmp/tr 2>&1 &
tr=$!
i=0
until ls -l /proc/$tr/fd 2>/dev/null | grep -q kmsg || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
for n in 1 2 3; do
	kill -USR1 $vm
	i=0
	until [ "$(grep -c '^fault ' /tmp/vm)" -ge $n ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
done
wait $tr
echo "== faults"; cat /tmp/tr
echo "== faultlines"; grep '^fault ' /tmp/vm
echo "== dmesg"; dmesg | grep 'fault addr\|event 0x\|vfio-map: clock mark'
kill $vm
echo "== end"
G

# the kernel owns AMD-Vi: its tables read, and fault lines in its formats.
# QEMU 7.2 logs no event for edu's faulting DMA, so the kernel prints none:
# the test writes lines as amd/iommu.c prints them to /dev/kmsg instead
# (which goes through the same reader, records and explanations)
cat >"$TMP/kernel-amd.sh" <<'G'
load_vfio && b=$(edu_bdf) && bind_vfio "$b" || exit 1
d=${b#0000:}
S="smmush --target linux"
vfio-map --iova 0x140000 --size 0x2000 --check --fault 0x200000 --wait "$b" >/tmp/vm 2>&1 &
vm=$!
i=0
until grep -q '^ready' /tmp/vm 2>/dev/null || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "== edu"; echo "$d"
echo "== vfio-map"; cat /tmp/vm
echo "== own"; $S -c own 2>&1; echo "rc=$?"
echo "== units"; $S -c 'units; devices' 2>&1
echo "== dte"; $S -c "dte $d" 2>&1
echo "== config"; $S -c "config $d" 2>&1
echo "== walk"; $S -c "walk $d" 2>&1
echo "== xlate0"; $S -c "xlate $d 0x140000" 2>&1
echo "== xlate1"; $S -c "xlate $d 0x141008" 2>&1
dom=$($S -c "dte $d" 2>&1 | sed -n 's/.*DomainID=\(0x[0-9a-f]*\).*/\1/p')
$S -j -c 'trace --count 3 --seconds 120; faults --explain --all' >/tmp/tr 2>&1 &
tr=$!
i=0
until ls -l /proc/$tr/fd 2>/dev/null | grep -q kmsg || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
# a real faulting read first: QEMU 7.2 logs nothing for it
kill -USR1 $vm
i=0
until grep -q '^fault ' /tmp/vm || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
echo "== realfault"; grep '^fault ' /tmp/vm; dmesg | grep -c 'Event logged' || true
printf '<3>vfio-pci %s: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x%04x address=0x200000 flags=0x0000]\n' \
	"$b" "$dom" >/dev/kmsg
printf '<3>AMD-Vi: Event logged [IO_PAGE_FAULT device=%s domain=0x%04x address=0x141000 flags=0x0070]\n' \
	"$b" "$dom" >/dev/kmsg
printf '<3>iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:00:1e.0 pasid=0x00000 address=0x3000 flags=0x0000]\n' \
	>/dev/kmsg
wait $tr
echo "== faults"; cat /tmp/tr
echo "== dmesg"; dmesg | grep 'Event logged'
kill $vm
echo "== end"
G

# --- amd64: smmush owns VT-d ------------------------------------------------------------------------
check_own() { # NAME ARCH
	local n=$1 a=$2 f=$TMP/$1 d
	d=$(section edu "$f")
	one_line "$n: own without -O tables is refused in one line naming the boot parameter and -O tables" \
		"$f" notables "no table region.*(memmap=|mem=).*-O tables=ADDR,SIZE"
	one_line "$n: not root is refused in one line" "$f" notroot "not root.*run smmush as root"
	has "$n: own" "$f" session " owned: every register smmush changes was saved"
	has "$n: edu attached" "$f" session "^$d .*attached to domain d"
	has "$n: DMA to the device through the mapping" "$f" session "^dma $d read 0x100000 2048: done$"
	has "$n: DMA back, the data checked" "$f" session \
		"^dma $d write 0x101000 2048: done, memory holds the expected data$"
	has "$n: the data is where the mapping says" "$f" session "0x00 +0x01 +0x02 +0x03"
	if [ "$a" != amdvi ]; then
		has "$n: an unmapped read faults" "$f" session "^dma $d read 0x200000 64: faulted"
		has "$n: a write to a read-only page faults" "$f" session "^dma $d write 0x102000 64: faulted"
	fi
	if [ "$a" = amdvi ]; then
		# qemu72-amdvi-no-io-page-fault-events: blocked, no record; smmush says why
		has "$n: the unmapped read: blocked, no record (QEMU 7.2), explained" "$f" session \
			"^dma $d read 0x200000 64: blocked without a fault record.*0x200000 is not mapped"
		has "$n: the read-only write: blocked, no record (QEMU 7.2), explained" "$f" session \
			"^dma $d write 0x102000 64: blocked without a fault record.*allows R: the write needs W"
	elif [ "$a" = amd64 ]; then
		has "$n: the unmapped fault: record, reason, explanation" "$f" session \
			"^#[0-9]+ .* $d .* read 0x200000 +PTE read access is not set \(0x6\)"
		has "$n: the read-only fault: record, reason" "$f" session \
			"^#[0-9]+ .* $d .* write 0x102000 +PTE write access is not set \(0x5\)"
		has "$n: the read-only fault explained: the leaf allows R, the write needs W" "$f" session \
			"allows R: the write needs W"
	else
		has "$n: the unmapped fault: event, reason" "$f" session \
			"^#[0-9]+ .* $d .* read 0x200000 +F_TRANSLATION \(0x10\)"
		has "$n: the read-only fault: event, reason" "$f" session \
			"^#[0-9]+ .* $d .* write 0x102000 +F_PERMISSION \(0x13\)"
		has "$n: the read-only fault explained" "$f" session "allows R: the write needs W"
	fi
	[ "$a" = amdvi ] || has "$n: the unmapped fault explained: where the walk stopped" "$f" session \
		"0x200000 is not mapped|walk stopped at level"
	has "$n: walk lists the mappings" "$f" session "^0x0+100000-0x0+101fff -> "
	has "$n: release" "$f" session "released|given back|restored"
	same_regs "$n: release restores every register (regs -j before own and after release)" "$f" \
		regs-before regs-after
	has "$n: killed while owning: the journal stays" "$f" killed "\.journal$"
	has "$n: a later run says the unit was left owned" "$f" left "left owned|journal|dead|recover"
	has "$n: release --recover in a new run" "$f" recover "released|given back|restored|recover"
	if section recover "$f" | grep -q '\.journal$'; then
		not_ok "$n: release --recover removes the journal"
	else
		ok "$n: release --recover removes the journal"
	fi
	same_regs "$n: release --recover restores every register" "$f" regs-before regs-recovered
}

if want amd64-own && boot amd64-own amd64 'intel_iommu=off memmap=64M$0x30000000' "$TMP/own.sh"; then
	check_own amd64-own amd64
fi
# interrupt remapping on: smmush keeps it and queued invalidation on
check_qi() { # NAME
	local n=$1 f=$TMP/$1 res
	res=$(python3 - "$f" <<'P'
import json, sys
text = open(sys.argv[1]).read().split("\n")
def regs(name):
    doc = json.loads(text[text.index("== " + name) + 1])
    return {r["name"]: r["fields"] for r in doc if "fields" in r}
b, o = regs("regs-before"), regs("regs-owned")
ok = lambda c, w: print(("ok " if c else "not ok ") + w)
ok(b["GSTS_REG"]["IRES"] and b["GSTS_REG"]["QIES"], "the kernel had interrupt remapping and queued invalidation on")
ok(o["GSTS_REG"]["TES"] and o["GSTS_REG"]["IRES"] and o["GSTS_REG"]["QIES"],
   "owned: translation on, interrupt remapping and queued invalidation still on")
iqa = int(o["IQA_REG"]["IQA"], 16)
ok(0x30000000 <= iqa < 0x32000000, "owned: the invalidation queue is smmush's, in the table region (0x%x)" % iqa)
ok(o["IRTA_REG"] == b["IRTA_REG"], "owned: the interrupt remapping table untouched")
ok(o["IQH_REG"]["QH"] == o["IQT_REG"]["QT"] and int(o["IQT_REG"]["QT"], 16) > 0, "owned: the hardware ran smmush's descriptors")
ok(not any(o["FSTS_REG"][k] for k in ("IQE", "ICE", "ITE")), "owned: no invalidation queue error")
P
)
	while read -r st rest; do
		if [ "$st" = ok ]; then ok "$n: $rest"; else not_ok "$n: ${rest#ok }"; fi
	done <<<"$res"
}
# no_timer_check: with interrupt remapping on, a loaded host can miss the
# kernel's early count of timer ticks, which then panics ("timer doesn't
# work through Interrupt-remapped IO-APIC"); the count proves nothing here
if want amd64-qi && boot amd64-qi amd64 'intel_iommu=off iomem=relaxed no_timer_check memmap=64M$0x30000000' "$TMP/own.sh" \
	-I intel-iommu; then
	check_own amd64-qi amd64
	check_qi amd64-qi
fi
if want arm64-own && boot arm64-own arm64 'initcall_blacklist=arm_smmu_driver_init mem=960M' "$TMP/own.sh" -m 1G; then
	check_own arm64-own arm64
fi

# --- the kernel owns the unit ------------------------------------------------------------------------
check_kernel() { # NAME ARCH
	local n=$1 a=$2 f=$TMP/$1 d phys0 phys1 got0 got1
	d=$(section edu "$f")
	phys0=$(section vfio-map "$f" | sed -n 's/^page iova=0x140000 phys=\(0x[0-9a-f]*\)$/\1/p')
	phys1=$(section vfio-map "$f" | sed -n 's/^page iova=0x141000 phys=\(0x[0-9a-f]*\)$/\1/p')
	check "$n: vfio-map mapped two pages and edu DMAed through them" \
		eval '[ -n "$phys0" ] && [ -n "$phys1" ] && section vfio-map "$f" | grep -q "^check ok iova=0x140000"'
	one_line "$n: own is refused: the kernel drives the unit" "$f" own "the kernel drives"
	has "$n: devices: edu with its driver vfio-pci" "$f" units "^$d .*vfio-pci"
	has "$n: config: the device's live configuration, to the page tables" "$f" config \
		"-> translate"
	got0=$(section xlate0 "$f" | sed -n 's/^result: 0x140000 -> \(0x[0-9a-f]*\) .*/\1/p')
	got1=$(section xlate1 "$f" | sed -n 's/^result: 0x141008 -> \(0x[0-9a-f]*\) .*/\1/p')
	check "$n: xlate 0x140000 gives pagemap's physical page ($got0 = $phys0)" \
		eval '[ -n "$got0" ] && [ $((got0)) -eq $((phys0)) ]'
	check "$n: xlate 0x141008 gives pagemap's second page + 8 ($got1 = $phys1 + 8)" \
		eval '[ -n "$got1" ] && [ $((got1)) -eq $((phys1 + 8)) ]'
	has "$n: walk lists the mapping at 0x140000" "$f" walk "^0x0+140000-0x0+141fff -> |^0x0+140000-"
	section audit "$f" >"$TMP/$n.audit.json"
	check "$n: audit: edu is translated and reaches exactly vfio-map's two pages, at pagemap's addresses" \
		json_valid "$TMP/$n.audit.json" \
		"[x for x in doc['devices'] if x['device'] == '$d'][0]['verdict'] == 'translated'" \
		"sorted((int(r['iova'], 16) + o, int(r['pa'], 16) + o) for r in [x for x in doc['devices'] if x['device'] == '$d'][0]['ranges'] for o in range(0, int(r['size'], 16), 0x1000) if 0x140000 <= int(r['iova'], 16) + o < 0x142000) == [(0x140000, ${phys0:-0}), (0x141000, ${phys1:-0})]"
	# the faults, from the kernel log, as normalized records
	local code name
	if [ "$a" = amd64 ]; then code=0x6 name='PTE read access is not set'; else code=0x10 name=F_TRANSLATION; fi
	section faults "$f" >"$TMP/$n.json"
	check "$n: trace -j and faults -j are valid JSON" json_valid "$TMP/$n.json"
	python3 - "$TMP/$n.json" "$d" "$code" "$name" "$TMP/$n.lat" "$f" >"$TMP/$n.chk" <<'P'
import json, sys, re
docs = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith(("{", "["))]
dev, code, name = sys.argv[2], int(sys.argv[3], 16), sys.argv[4]
recs = [d for d in docs if isinstance(d, dict) and "address" in d]
summ = [d["summary"] for d in docs if isinstance(d, dict) and "summary" in d]
lst = [d for d in docs if isinstance(d, dict) and "faults" in d]
ok = lambda c, w: print(("ok " if c else "not ok ") + w)
ok(len(recs) == 3 and summ and summ[0]["shown"] == 3, "trace shows the 3 faults (%d records)" % len(recs))
ok(all(r["device"] == dev for r in recs), "each record names the device %s (%s)" % (dev, [r["device"] for r in recs]))
ok(all(int(r["address"], 16) == 0x200000 for r in recs), "each record has the address 0x200000")
ok(all(int(r["code"], 16) == code and r["code_name"] == name for r in recs),
   "each record has the reason 0x%x %s (%s)" % (code, name, [(r["code"], r["code_name"]) for r in recs]))
ok(all(r["access"] == ["read"] for r in recs), "each record is a read")
fl = lst[0]["faults"] if lst else []
ex = [r.get("explanation", {}).get("text", "") for r in fl]
ok(len(fl) >= 3 and all(re.search(r"not mapped|stopped at level|no translation|not valid", t) for t in ex),
   "faults --explain walks the kernel's tables: %s" % (ex[:1],))
# latency: the kernel's log line (its timestamp, placed on CLOCK_MONOTONIC by
# vfio-map's mark) to the normalized record (ts_ns, CLOCK_MONOTONIC)
body = open(sys.argv[6]).read()
sect = lambda n: body.split("== %s\n" % n)[1].split("\n== ")[0].splitlines()
m = [l for l in sect("vfio-map") if l.startswith("mark ")]
ts = lambda l: float(re.match(r"\[\s*([0-9.]+)\]", l).group(1)) if re.match(r"\[\s*[0-9.]+\]", l) else None
kmark = [ts(l) for l in sect("dmesg") if "vfio-map: clock mark" in l]
klines = [ts(l) for l in sect("dmesg") if "fault addr 0x200000" in l or "event 0x10 received" in l]
lat = []
if m and kmark and kmark[0] is not None:
    t0, t1 = (int(x.split("=")[1]) for x in m[0].split()[1:3])
    off = (t0 + t1) / 2 - kmark[0] * 1e9
    lat = [(r["ts_ns"] - (k * 1e9 + off)) / 1e6 for r, k in zip(recs, klines)]
open(sys.argv[5], "w").write(" ".join("%.2f" % x for x in lat))
ok(len(lat) == 3, "each record matches its kernel log line (latency %s ms, a figure, not a check)" % ["%.2f" % x for x in lat])
P
	while read -r st rest; do
		if [ "$st" = ok ]; then ok "$n: $rest"; else not_ok "$n: ${rest#ok }"; fi
	done <"$TMP/$n.chk"
	echo "# $n: fault latency, kernel log line -> normalized record: $(cat "$TMP/$n.lat" 2>/dev/null) ms"
}

if want amd64-kernel && boot amd64-kernel amd64 'iomem=relaxed' "$TMP/kernel.sh"; then
	check_kernel amd64-kernel amd64
fi
if want arm64-kernel && boot arm64-kernel arm64 'iomem=relaxed' "$TMP/kernel.sh"; then
	check_kernel arm64-kernel arm64
fi

# --- a claimed unit without iomem=relaxed -----------------------------------------------------------
if want arm64-claimed && boot arm64-claimed arm64 '' - <<'G'; then
echo "== units"; smmush --target linux -c units 2>&1; echo "rc=$?"
G
	one_line "arm64-claimed: the kernel's claim on the registers, in one line naming iomem=relaxed" \
		"$TMP/arm64-claimed" units "claimed: boot with iomem=relaxed"
fi

# --- AMD-Vi: QEMU's amd-iommu on q35 ------------------------------------------------------------
# Linux's amd_iommu binds to it (interrupt remapping on, v1 tables of 3
# levels, strict invalidation "due to virtualization"); amd_iommu=off leaves
# every register alone
if want amd-own && boot amd-own amd64 'amd_iommu=off memmap=64M$0x30000000' "$TMP/own.sh" -I amd-iommu; then
	check_own amd-own amdvi
fi
check_kernel_amd() { # NAME
	local n=$1 f=$TMP/$1 d phys0 phys1 got0 got1
	d=$(section edu "$f")
	phys0=$(section vfio-map "$f" | sed -n 's/^page iova=0x140000 phys=\(0x[0-9a-f]*\)$/\1/p')
	phys1=$(section vfio-map "$f" | sed -n 's/^page iova=0x141000 phys=\(0x[0-9a-f]*\)$/\1/p')
	check "$n: vfio-map mapped two pages and edu DMAed through them" \
		eval '[ -n "$phys0" ] && [ -n "$phys1" ] && section vfio-map "$f" | grep -q "^check ok iova=0x140000"'
	one_line "$n: own is refused: the kernel drives the unit, amd_iommu=off named" "$f" own \
		"the kernel drives .*/sys/class/iommu/ivhd0.*amd_iommu=off"
	has "$n: units: the AMD-Vi unit from IVRS, the kernel's, translating" "$f" units \
		"amdvi@0x[0-9a-f]+ +amdvi +from IVRS +kernel-owned.*translation on"
	has "$n: devices: edu with its driver vfio-pci" "$f" units "^$d .*vfio-pci"
	has "$n: dte: valid, with translation information" "$f" dte "^ +V\+ +TV\+"
	has "$n: dte: v1 tables at a root the kernel set" "$f" dte "PageTableRootPtr=0x[0-9a-f]*[1-9a-f][0-9a-f]*000$"
	has "$n: dte: reads and writes allowed" "$f" dte "^ +IR\+ +IW\+"
	has "$n: config: the device table entry to the page tables" "$f" config \
		"-> translate: v1 tables, [3-6] levels .* at 0x[0-9a-f]+, domain [0-9]+"
	got0=$(section xlate0 "$f" | sed -n 's/^result: 0x140000 -> \(0x[0-9a-f]*\) .*/\1/p')
	got1=$(section xlate1 "$f" | sed -n 's/^result: 0x141008 -> \(0x[0-9a-f]*\) .*/\1/p')
	check "$n: xlate 0x140000 gives pagemap's physical page ($got0 = $phys0)" \
		eval '[ -n "$got0" ] && [ $((got0)) -eq $((phys0)) ]'
	check "$n: xlate 0x141008 gives pagemap's second page + 8 ($got1 = $phys1 + 8)" \
		eval '[ -n "$got1" ] && [ $((got1)) -eq $((phys1 + 8)) ]'
	has "$n: walk lists the mapping at 0x140000" "$f" walk "^0x0+140000-0x0+141fff -> |^0x0+140000-"
	check "$n: QEMU 7.2 logs no event for edu's faulting read (qemu72-amdvi-no-io-page-fault-events)" \
		eval '[ "$(section realfault "$f" | grep -c "^fault iova=0x200000")" = 1 ] && [ "$(section realfault "$f" | tail -1)" = 0 ]'
	section faults "$f" >"$TMP/$n.json"
	check "$n: trace -j and faults -j are valid JSON" json_valid "$TMP/$n.json"
	python3 - "$TMP/$n.json" "$d" >"$TMP/$n.chk" <<'P'
import json, sys, re
docs = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith(("{", "["))]
dev = sys.argv[2]
recs = [d for d in docs if isinstance(d, dict) and "address" in d]
lst = [d for d in docs if isinstance(d, dict) and "faults" in d]
ok = lambda c, w: print(("ok " if c else "not ok ") + w)
ok(len(recs) == 3, "trace shows the 3 kernel-log events as records (%d)" % len(recs))
if len(recs) == 3:
    a, b, c = recs
    ok(a["device"] == dev and int(a["address"], 16) == 0x200000 and int(a["code"], 16) == 2
       and a["code_name"] == "IO_PAGE_FAULT" and a["access"] == ["read"],
       "the requester's own line (pci_err): %s, 0x200000, IO_PAGE_FAULT, a read (%s)" % (dev, a))
    ok(b["device"] == dev and int(b["address"], 16) == 0x141000 and b["code_name"] == "IO_PAGE_FAULT"
       and b["access"] == ["write"], "device= in the line, flags 0x70: a write (%s)" % b)
    ok(int(c["code"], 16) == 1 and c["code_name"] == "ILLEGAL_DEV_TABLE_ENTRY" and int(c["address"], 16) == 0x3000,
       "the IOMMU's own line (iommu ivhd0): ILLEGAL_DEV_TABLE_ENTRY (%s)" % c)
fl = lst[0]["faults"] if lst else []
ex = [r.get("explanation", {}).get("text", "") for r in fl]
ok(len(fl) >= 1 and re.search(r"not mapped|stopped at level|not valid", ex[0] or ""),
   "faults --explain walks the kernel's tables for 0x200000: %s" % (ex[:1],))
ok(len(fl) >= 2 and re.search(r"0x141000", ex[1] or ""), "and for 0x141000: %s" % (ex[1:2],))
P
	while read -r st rest; do
		if [ "$st" = ok ]; then ok "$n: $rest"; else not_ok "$n: ${rest#ok }"; fi
	done <"$TMP/$n.chk"
}
# (interrupt remapping on: no_timer_check, as for amd64-qi)
if want amd-kernel && boot amd-kernel amd64 'iomem=relaxed no_timer_check' "$TMP/kernel-amd.sh" -I amd-iommu; then
	check_kernel_amd amd-kernel
fi
if want amd-claimed && boot amd-claimed amd64 'no_timer_check' - -I amd-iommu <<'G'; then
echo "== units"; smmush --target linux -c units 2>&1; echo "rc=$?"
G
	one_line "amd-claimed: the kernel's claim on the registers, in one line naming iomem=relaxed" \
		"$TMP/amd-claimed" units "'amd_iommu' claimed: boot with iomem=relaxed"
fi

echo "# wall time $(($(live_ms) - t_start)) ms"
finish
