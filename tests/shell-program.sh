#!/usr/bin/env bash
# The programming commands end to end (own, release, domain, attach, detach,
# map, unmap, dma) on sim:virt and sim:q35: results, JSON field by field, the
# words of every refusal, and no hardware write on bad arguments.  Then, on a
# QEMU this script starts itself, SIGTERM while owning puts the registers back.
# shellcheck disable=SC2154,SC2054,SC2034 # lib.sh sets rc/out/err; QEMU options hold commas
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# regs JSON compared register by register; VT-d keeps documented traces of
# having been owned: GSTS.RTPS stays latched, CCMD and IOTLB show the last
# invalidation, IVA its address.
REGS_SAME='all(a == b or (a["kind"] == "vtd.gsts" and int(a["words"][0], 16) & ~0x40000000 == int(b["words"][0], 16) & ~0x40000000) or a["kind"] in ("vtd.ccmd", "vtd.iotlb", "vtd.iva") for a, b in zip(docs[0], docs[-1])) and len(docs[0]) == len(docs[-1]) > 5'

for tgt in sim:virt sim:q35; do
	T=(--target "$tgt")
	if [ "$tgt" = sim:virt ]; then
		RAM=0x40100000 TABLES=lpae-s1 TREG=0x7f000000
	else
		RAM=0x00100000 TABLES=vtd-sl TREG=0x3f000000
	fi
	P1=$(printf '0x%x' $((RAM + 0x1000)))
	P2=$(printf '0x%x' $((RAM + 0x2000)))
	P3=$(printf '0x%x' $((RAM + 0x3000)))
	P2M=$(printf '0x%x' $(((RAM + 0x200000) & ~0x1fffff)))
	SETUP="own; domain create d; attach 00:01.0 d"

	# --- own / release --------------------------------------------------------------
	run "${T[@]}" -c 'units; own; units; release; units'
	check "$tgt: units: not owned, owned after own, not owned after release" test "$rc" -eq 0 -a \
		"$(grep -Ec '^\*0 .*(not owned, translation off|owned, translation on)$' "$TMP/out")" -eq 3 -a \
		"$(grep -c 'not owned, translation off' "$TMP/out")" -eq 2
	expect_json "$tgt: own -j: saved and installed registers" "${T[@]}" -c 'own; own; release; release' -- \
		'docs[0]["owned"] is True and docs[0]["was_owned"] is False and docs[0]["index"] == 0' \
		'all(v.startswith("0x") for v in docs[0]["saved"].values())' \
		'docs[0]["installed"] != docs[0]["saved"]' \
		'docs[1]["was_owned"] is True and "saved" not in docs[1]' \
		'docs[2]["owned"] is False and docs[2]["was_owned"] is True' \
		'docs[3]["was_owned"] is False and len(docs) == 4'
	run -j "${T[@]}" -c 'regs'
	cp "$TMP/out" "$TMP/regs-before"
	run -j "${T[@]}" -c "$SETUP; map d 0x1000 $P1 4K rw; dma 00:01.0 read 0x1000 16; release; regs"
	cat "$TMP/regs-before" "$TMP/out" >"$TMP/regs-both"
	check "$tgt: regs before own equal regs after release" json_valid "$TMP/regs-both" "$REGS_SAME"
	expect_out "$tgt: own names the unit and what it installed" "(smmuv3|dmar)@0x[0-9a-f]+ owned.*" "${T[@]}" own

	# --- domains --------------------------------------------------------------------
	expect_json "$tgt: domain create / list / destroy" "${T[@]}" -c \
		'domain create d; domain create e2.x_y; domain list; domain destroy d; domain' -- \
		'docs[0] == {"domain": "d", "stage2": False, "stage": "default", "nested_in": None, "granule": None, "ias": None, "oas": None, "levels": None}' \
		'[x["name"] for x in docs[2]] == ["d", "e2.x_y"]' \
		'docs[2][0] == {"name": "d", "unit": None, "tables": None, "devices": [], "pasids": [], "ranges": None, "mapped_bytes": None, "leaves": None}' \
		'docs[3] == {"domain": "d", "destroyed": True}' '[x["name"] for x in docs[4]] == ["e2.x_y"]'
	expect_out "$tgt: domain list, none" "^no domains" "${T[@]}" domain list
	expect_err "$tgt: domain create: duplicate" "domain 'd' already exists" "${T[@]}" -c 'domain create d; domain create d'
	expect_err "$tgt: domain destroy while attached is refused" "d has 1 device\(s\) attached \(detach them first\)" \
		"${T[@]}" -c "$SETUP; domain destroy d"
	expect_json "$tgt: detach, then destroy" "${T[@]}" -c "$SETUP; detach 00:01.0; domain destroy d; domain list" -- \
		'docs[-3] == {"device": "00:01.0", "domain": "d"}' 'docs[-2]["destroyed"] is True' 'docs[-1] == []'
	if [ "$tgt" = sim:virt ]; then
		expect_json "$tgt: a stage-2 domain walks stage-2 tables" "${T[@]}" -c \
			"own; domain create s --stage2; attach 00:02.0 s; map s 0x1000 $P1 4K rw; domain list" -- \
			'docs[1]["stage2"] is True' 'docs[-1][0]["tables"] == "lpae-s2"' 'docs[-1][0]["leaves"] == 1'
	else
		expect_fail "$tgt: --stage2 is refused on VT-d" "${T[@]}" domain create s --stage2
		expect_err "$tgt: attach: a device no unit translates" "attach: 00:00.0: no unit translates it" \
			"${T[@]}" -c 'own; domain create d; attach 00:00.0 d'
	fi

	# --- attach / detach --------------------------------------------------------------
	expect_json "$tgt: attach -j" "${T[@]}" -c "$SETUP; attach 00:02.0 d; domain list" -- \
		'docs[2] == {"device": "00:01.0", "domain": "d", "unit": 0, "sid": "0x8", "reserved": []}' \
		'docs[3]["sid"] == "0x10"' 'docs[-1][0]["devices"] == ["00:01.0", "00:02.0"]' \
		"docs[-1][0][\"tables\"] == \"$TABLES\"" 'docs[-1][0]["unit"] == 0' 'docs[-1][0]["ranges"] == 0'
	expect_err "$tgt: attach: already in another domain (EBUSY)" "attach: 00:01.0 is already in domain d" \
		"${T[@]}" -c "$SETUP; domain create e; attach 00:01.0 e"
	expect_out "$tgt: attach to the same domain again is fine" "attached to domain d" "${T[@]}" -c \
		"$SETUP; attach 00:01.0 d"
	expect_err "$tgt: attach without own" "attach: 00:01.0: unit 0 \(.*\) not owned \(use own\)" \
		"${T[@]}" -c 'domain create d; attach 00:01.0 d'
	expect_err "$tgt: detach: not in a domain" "detach: 00:01.0 is not in a domain" "${T[@]}" detach 00:01.0
	run -j "${T[@]}" -c "$SETUP; release; devices"
	check "$tgt: release keeps devices in their domains (for the next own)" json_valid "$TMP/out" \
		'[d["domain"] for d in docs[-1] if d["addr"] == "00:01.0"] == ["d"]'

	# --- map / unmap ------------------------------------------------------------------
	expect_json "$tgt: map -j, size with a suffix" "${T[@]}" -c "$SETUP; map d 0x10000 $P1 8K rw; domain list" -- \
		"docs[3] == {\"domain\": \"d\", \"iova\": \"0x10000\", \"pa\": \"$P1\", \"size\": \"0x2000\", \"perms\": \"rw\", \"pages_only\": False, \"warnings\": []}" \
		'docs[-1][0]["ranges"] == 1 and docs[-1][0]["mapped_bytes"] == 8192 and docs[-1][0]["leaves"] == 2'
	expect_json "$tgt: a 2M mapping is one block; --pages makes 512 pages" "${T[@]}" -c \
		"$SETUP; map d 0x200000 $P2M 2M rw; domain list; unmap d 0x200000 2m; map d 0x200000 $P2M 2M rw --pages; domain list" -- \
		'docs[4][0]["mapped_bytes"] == 2 << 20 and docs[4][0]["leaves"] == 1' \
		'docs[5] == {"domain": "d", "iova": "0x200000", "size": "0x200000"}' \
		'docs[-1][0]["mapped_bytes"] == 2 << 20 and docs[-1][0]["leaves"] == 512'
	expect_json "$tgt: permission letters" "${T[@]}" -c "$SETUP; map d 0x1000 $P1 4K R; map d 0x2000 $P2 4K wr" -- \
		'docs[3]["perms"] == "r"' 'docs[4]["perms"] == "rw"'
	if [ "$tgt" = sim:virt ]; then # stage 1 has AP[1]: privileged-only
		expect_json "$tgt: privileged-only at stage 1" "${T[@]}" -c "$SETUP; map d 0x3000 $P3 4K rwp" -- \
			'docs[3]["perms"] == "rwp"'
		# stage 2: execute-only is S2AP=00 XN=0; there is no privileged-only
		expect_json "$tgt: stage 2: execute-only is mapped, a DMA read through it is a permission fault" \
			"${T[@]}" -c "own; domain create s --stage2; attach 00:01.0 s; map s 0x10000 $P1 4K x; dma 00:01.0 read 0x10000 64; faults" -- \
			'docs[3]["perms"] == "x"' 'docs[4]["faulted"] is True' \
			'docs[5]["faults"][0]["code_name"] == "F_PERMISSION" and docs[5]["faults"][0]["class"] == "permission"'
		expect_err "$tgt: stage 2: privileged-only is refused" "map: s: permissions the page-table format cannot express" \
			"${T[@]}" -c "own; domain create s --stage2; attach 00:01.0 s; map s 0x10000 $P1 4K rp"
		run -j "${T[@]}" -c "own; domain create s --stage2; attach 00:01.0 s; set errexit off; map s 0x10000 $P1 4K rwp; domain list"
		check "$tgt: stage 2: a refused 'p' mapping changed nothing" json_valid "$TMP/out" 'docs[-1][0]["leaves"] == 0'
	else # VT-d second level has no U/S bit
		expect_err "$tgt: privileged-only is refused at the second level" \
			"map: d: permissions the page-table format cannot express" "${T[@]}" -c "$SETUP; map d 0x3000 $P3 4K rwp"
	fi
	expect_err "$tgt: map: overlap (EEXIST)" "map: d: the range overlaps an existing mapping \(nothing changed\)" \
		"${T[@]}" -c "$SETUP; map d 0x10000 $P1 8K rw; map d 0x11000 $P3 4K rw"
	expect_err "$tgt: map: out of range (ERANGE)" "map: d: out of range" \
		"${T[@]}" -c "$SETUP; map d 0x1000000000000000 $P1 4K rw"
	expect_err "$tgt: map without own" "map: d: unit not owned \(use own\)" "${T[@]}" -c \
		"domain create d; map d 0x1000 $P1 4K rw"
	expect_err "$tgt: unmap: nothing mapped" "unmap: d: nothing is mapped in that range" "${T[@]}" -c \
		"$SETUP; unmap d 0x1000 4K"
	expect_fail "$tgt: map: misaligned IOVA" "${T[@]}" map d 0x1800 "$P1" 4K rw
	expect_err "$tgt: map: misaligned IOVA, in words" "map: IOVA 0x1800 is not a multiple of 4 KiB" \
		"${T[@]}" -c "$SETUP; map d 0x1800 $P1 4K rw"
	expect_err "$tgt: map: misaligned PA" "map: PA 0x[0-9a-f]+ is not a multiple of 4 KiB" \
		"${T[@]}" -c "$SETUP; map d 0x1000 $((RAM + 8)) 4K rw"
	expect_err "$tgt: map: misaligned size" "map: size 0x800 is not a non-zero multiple of 4 KiB" \
		"${T[@]}" -c "$SETUP; map d 0x1000 $P1 2K rw"
	expect_err "$tgt: map: bad permission letter" "permissions 'rq' are not a combination" \
		"${T[@]}" -c "$SETUP; map d 0x1000 $P1 4K rq"
	expect_err "$tgt: map: execute-only at stage 1 / VT-d" "map: d: permissions the page-table format cannot express: execute-only \(x\) needs stage 2" \
		"${T[@]}" -c "$SETUP; map d 0x1000 $P1 4K x"
	expect_err "$tgt: map: permissions that allow nothing" "allow nothing" "${T[@]}" -c "$SETUP; map d 0x1000 $P1 4K p"

	# --- dma ----------------------------------------------------------------------------
	# a round trip: the device reads the seeded page, writes it to a second page,
	# and --expect reads that page back from physical memory
	expect_json "$tgt: dma round trip through two mapped pages" "${T[@]}" -c \
		"$SETUP; map d 0x10000 $P1 8K rw; dma 00:01.0 read 0x10000 100 --pattern inc; dma 00:01.0 write 0x11000 100 --expect inc" -- \
		'docs[4] == {"device": "00:01.0", "direction": "read", "iova": "0x10000", "length": 100, "transfers": 1, "faulted": False, "faults": 0, "lost": 0, "blocked": False, "blocked_reason": None}' \
		'docs[5]["direction"] == "write" and docs[5]["iova"] == "0x11000" and docs[5]["faulted"] is False' \
		'docs[5]["data_ok"] is True'
	expect_out "$tgt: dma round trip, text" "dma 00:01.0 write 0x11000 100: done, memory holds the expected data" \
		"${T[@]}" -c "$SETUP; map d 0x10000 $P1 8K rw; dma 00:01.0 read 0x10000 100 --pattern 0xa5; dma 00:01.0 write 0x11000 100 --expect 0xa5"
	expect_err "$tgt: dma --expect notices different data" "dma: --expect: IOVA 0x11000 holds 0xa5, expected 0x5a" \
		"${T[@]}" -c "$SETUP; map d 0x10000 $P1 8K rw; dma 00:01.0 read 0x10000 16 --pattern 0xa5; dma 00:01.0 write 0x11000 16 --expect 0x5a"
	expect_json "$tgt: a transfer across a page boundary, repeated" "${T[@]}" -c \
		"$SETUP; map d 0x10000 $P1 8K rw; dma 00:01.0 read 0x10f00 512 --pattern inc; dma 00:01.0 write 0x10e00 512 --expect inc --count 3" -- \
		'docs[-1]["transfers"] == 3 and docs[-1]["faulted"] is False and docs[-1]["data_ok"] is True'
	expect_json "$tgt: dma to an unmapped IOVA faults" "${T[@]}" -c "$SETUP; map d 0x10000 $P1 4K rw; dma 00:01.0 read 0x20000 16" -- \
		'docs[-1]["faulted"] is True and docs[-1]["faults"] == 1 and docs[-1]["lost"] == 0'
	expect_out "$tgt: dma fault, text" "faulted: 1 fault record\(s\) \(see 'faults'\)" "${T[@]}" -c \
		"$SETUP; dma 00:01.0 read 0x20000 16"
	expect_json "$tgt: dma write to a read-only mapping faults, a read does not" "${T[@]}" -c \
		"$SETUP; map d 0x10000 $P1 4K r; dma 00:01.0 read 0x10000 16; dma 00:01.0 write 0x10000 16" -- \
		'docs[-2]["faulted"] is False' 'docs[-1]["faulted"] is True and docs[-1]["faults"] == 1'
	expect_json "$tgt: unmap, then the same dma faults (invalidation)" "${T[@]}" -c \
		"$SETUP; map d 0x10000 $P1 4K rw; dma 00:01.0 read 0x10000 16; unmap d 0x10000 4K; dma 00:01.0 read 0x10000 16" -- \
		'docs[-3]["faulted"] is False' 'docs[-1]["faulted"] is True and docs[-1]["faults"] == 1'
	if [ "$tgt" = sim:virt ]; then
		# STE.Config abort terminates transactions without an event: the live
		# configuration tells dma that the transfer was blocked
		expect_json "$tgt: a detached device's dma is blocked (no event by design)" "${T[@]}" -c \
			"$SETUP; map d 0x10000 $P1 4K rw; detach 00:01.0; dma 00:01.0 read 0x10000 16" -- \
			'docs[-1]["faults"] == 0 and docs[-1]["faulted"] is False and docs[-1]["blocked"] is True'
		expect_out "$tgt: blocked, text" "blocked without a fault record at 0x10000: .*abort" "${T[@]}" -c \
			"$SETUP; detach 00:01.0; dma 00:01.0 read 0x10000 16"
	else
		expect_json "$tgt: a detached device's dma faults" "${T[@]}" -c \
			"$SETUP; map d 0x10000 $P1 4K rw; detach 00:01.0; dma 00:01.0 read 0x10000 16" -- \
			'docs[-1]["faults"] == 1 and docs[-1]["blocked"] is False'
	fi
	expect_err "$tgt: dma --pattern where nothing translates" "dma: --pattern: IOVA 0x20000 does not translate for 00:01.0" \
		"${T[@]}" -c "$SETUP; dma 00:01.0 read 0x20000 16 --pattern 1"
	expect_err "$tgt: dma --pattern into smmush's table region is refused" "inside smmush's table region" \
		"${T[@]}" -c "$SETUP; map d 0x10000 $TREG 4K rw; dma 00:01.0 read 0x10000 16 --pattern 1"
	expect_err "$tgt: dma on a unit not owned is refused" "dma: refusing to write hardware: .* is not owned" \
		"${T[@]}" -c 'dma 00:01.0 read 0x1000 16'
	expect_out "$tgt: dma with --write on a unit not owned" "dma 00:01.0 read 0x[0-9a-f]+ 16: done" \
		"${T[@]}" --write dma 00:01.0 read "$P1" 16
	expect_json "$tgt: release -j" "${T[@]}" -c "$SETUP; release; units" -- \
		'docs[-2] == {"unit": docs[0]["unit"], "index": 0, "owned": False, "was_owned": True}' \
		'docs[-1][0]["owned"] is False and docs[-1][0]["translating"] is False'

	# --- bad arguments: one line on stderr, nothing on stdout, no hardware write ------
	bad=(
		"own x" "release x"
		"domain frob" "domain create" "domain create a b" "domain create -x" "domain create 'a b'"
		"domain create d --stage3" "domain destroy" "domain destroy a b" "domain destroy nosuch" "domain list x"
		"attach" "attach 00:01.0" "attach 00:01.0 d e" "attach 09:00.0 d" "attach 00:01.0 nosuch"
		"detach" "detach 00:01.0 x" "detach 09:00.0"
		"map" "map d 0x1000 $P1 4K" "map d 0x1000 $P1 4K rw x" "map d 0xzz $P1 4K rw" "map d 0x1000 pa 4K rw"
		"map d 0x1000 $P1 12Q rw" "map d 0x1000 $P1 0 rw" "map d 0x1000 $P1 4K ''" "map d 0x1000 $P1 4K rwr"
		"map d 0x1000 $P1 4K rw --huge" "map d 0xfffffffffffff000 $P1 8K rw" "map nosuch 0x1000 $P1 4K rw"
		"map d -1 $P1 4K rw"
		"unmap" "unmap d 0x1000" "unmap d 0x1000 4K x" "unmap d 1x 4K" "unmap d 0x1000 1K" "unmap nosuch 0x1000 4K"
		"dma" "dma 00:01.0 read 0x1000" "dma 00:01.0 read 0x1000 16 17" "dma 00:01.0 sideways 0x1000 16"
		"dma 00:01.0 read 0xg 16" "dma 00:01.0 read 0x1000 0" "dma 00:01.0 read 0x1000 4096"
		"dma 00:01.0 read 0x1000 4K" "dma 00:01.0 read 0x1000 1x" "dma 00:01.0 read 0x1000 16 --pattern 256"
		"dma 00:01.0 read 0x1000 16 --pattern" "dma 00:01.0 read 0x1000 16 --pattern dec"
		"dma 00:01.0 write 0x1000 16 --pattern 1" "dma 00:01.0 read 0x1000 16 --expect 1"
		"dma 00:01.0 read 0x1000 16 --pasid 0x100000" "dma 00:01.0 read 0x1000 16 --count 0"
		"dma 00:01.0 read 0x1000 16 --fast" "dma 09:00.0 read 0x1000 16" "dma 00:00.0 read 0x1000 16"
		"dma 00:01.0 read 0xfffffffffffffff8 16"
	)
	script="domain create d; set errexit off; regs"
	nbad=0
	for c in "${bad[@]}"; do
		run "${T[@]}" --write -c "domain create d; set errexit off; $c"
		if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [[ $err == smmush:* ]] &&
		   [ "$(grep -vc '^domain d created$' "$TMP/out")" -eq 0 ]; then
			ok "$tgt: bad arguments: '$c' ($err)"
		else
			not_ok "$tgt: bad arguments: '$c' (rc=$rc; stderr: $err; stdout: ${out:0:120})"
		fi
		script+="; $c"
		nbad=$((nbad + 1))
	done
	run -j "${T[@]}" --write -c "$script; regs"
	check "$tgt: $nbad bad commands: $nbad errors, registers unchanged" test "$rc" -ne 0 -a \
		"$(grep -c '^smmush: ' "$TMP/err")" -eq "$nbad"
	check "$tgt: $nbad bad commands wrote no register" json_valid "$TMP/out" "len(docs) == 3 + $nbad" 'docs[1] == docs[-1]' \
		'all(set(d) == {"error", "command"} for d in docs[2:-1])'
done

# --- SIGTERM while owning puts the registers back (QEMU: sim dies with smmush) ----
qemu_sigterm() {
	local plat=$1 bin=$2 sock=$TMP/qtest-$1 fifo=$TMP/fifo-$1 spid i
	start_qemu "$plat" "$bin"
	local Q=(--target "qemu:$plat" -O "socket=$sock")
	run -j "${Q[@]}" -c regs
	cp "$TMP/out" "$TMP/q-before"
	check "qemu:$plat: regs through socket=" test "$rc" -eq 0 -a -s "$TMP/q-before"
	# an smmush that owns the unit and waits for its next command
	mkfifo "$fifo"
	"$SMMUSH" "${Q[@]}" <"$fifo" >"$TMP/q-own" 2>"$TMP/q-own.err" &
	spid=$!
	exec 7>"$fifo"
	# dma flushes its output, so the line shows while smmush waits for more
	echo "own; domain create d; attach 00:01.0 d; map d 0x1000 $3 4K rw; dma 00:01.0 read 0x1000 16" >&7
	for i in $(seq 200); do grep -q 'dma 00:01.0' "$TMP/q-own" 2>/dev/null && break; sleep 0.05; done
	check "qemu:$plat: owned, mapped, did DMA, waiting" grep -q 'dma 00:01.0 read 0x1000 16: done' "$TMP/q-own"
	kill -TERM "$spid"
	for i in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$spid" 2>/dev/null # a hung release fails the checks below
	wait "$spid"
	local src=$?
	exec 7>&-
	check "qemu:$plat: SIGTERM ended the owner (status $src)" test "$src" -eq 143
	run -j "${Q[@]}" -c regs
	cat "$TMP/q-before" "$TMP/out" >"$TMP/q-both"
	check "qemu:$plat: registers after SIGTERM equal those before own" json_valid "$TMP/q-both" "$REGS_SAME"
	expect_json "qemu:$plat: own, round trip, fault, release" "${Q[@]}" -c \
		"own; domain create d; attach 00:01.0 d; map d 0x1000 $3 8K rw; dma 00:01.0 read 0x1000 64 --pattern inc; dma 00:01.0 write 0x2000 64 --expect inc; dma 00:01.0 read 0x5000 8; release" -- \
		'docs[-3]["data_ok"] is True' 'docs[-2]["faulted"] is True and docs[-2]["faults"] >= 1' \
		'docs[-1]["was_owned"] is True'
	if [ "$plat" = virt ]; then # one QEMU DMA takes ~0.5 ms: long enough to interrupt
		python3 - "$SMMUSH" "$sock" "$3" >"$TMP/ctrl-c" 2>&1 <<'PY'
import os, pty, select, sys, time
smmush, sock, ram = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(smmush, [smmush, "-q", "--target", "qemu:virt", "-O", "socket=" + sock])
out = b""
def until(word, t=10):
    global out
    end = time.time() + t
    while word not in out and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return
os.write(fd, f"own; domain create d; attach 00:01.0 d; map d 0 {ram} 4K rw; dma 00:01.0 read 0 16 --count 1000000\r".encode())
until(b"d: mapped")
time.sleep(0.5)
os.write(fd, b"\x03")
until(b"interrupted after")
os.write(fd, b"units\r")
until(b"translation on")
os.write(fd, b"quit\r")
until(b"\0", 2)
sys.stdout.write(out.decode(errors="replace"))
PY
		check "qemu:virt: Ctrl-C stops a dma --count loop between transfers" \
			grep -Eq 'dma: interrupted after [0-9]+ of 1000000 transfers' "$TMP/ctrl-c"
		check "qemu:virt: after Ctrl-C the shell goes on, the unit still owned" \
			grep -q 'owned, translation on' "$TMP/ctrl-c"
	fi
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	trap 'rm -rf "$TMP"' EXIT
}

for q in "virt qemu-system-aarch64 0x40100000" "q35 qemu-system-x86_64 0x00100000"; do
	set -- $q
	if command -v "$2" >/dev/null; then
		qemu_sigterm "$1" "$2" "$3"
	elif [ "${CI:-}" = true ]; then
		not_ok "qemu:$1: $2 is missing (CI=true needs it)"
	else
		echo "# skip qemu:$1: $2 not installed"
	fi
done

finish
