#!/usr/bin/env bash
# -O: each sim parameter's range is the machine's real one, an error names
# the allowed values, and a parameter of another machine is refused.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# expect_err WHAT PATTERN ARGS...: expect_fail, and the one line matches PATTERN.
expect_err() {
	local what=$1 pat=$2; shift 2
	expect_fail "$what" "$@"
	[[ $err =~ $pat ]] && ok "$what: says /$pat/" || not_ok "$what: says /$pat/ (got: $err)"
}

# --- ram: the address map's limit, named when exceeded --------------------------------------
# virt and mmu500: RAM from 0x40000000 up to the ECAM at 0x4010000000; q35: from 0 up to 0xb0000000
for m in virt mmu500; do
	expect_out "$m: ram=261376M, the largest that fits, opens" "not owned" --target sim:$m -O ram=261376M -c units
	expect_err "$m: ram=261380M is refused" "ram: 261380M is more than sim:$m's 261376M$" \
		--target sim:$m -O ram=261380M -c units
	expect_err "$m: ram=1T is refused" "ram: 1T is more than sim:$m's 261376M$" --target sim:$m -O ram=1T -c units
done
expect_out "q35: ram=2816M, the largest below the PCI hole, opens" "not owned" --target sim:q35 -O ram=2816M -c units
expect_err "q35: ram=3G is refused with q35's limit" "ram: 3G is more than sim:q35's 2816M$" \
	--target sim:q35 -O ram=3G -c units
expect_err "ram=lots: what a size is, and the range" "ram: 'lots' is not a size \(a multiple of 4K, 1M to 261376M on sim:virt\)$" \
	-O ram=lots -c units
expect_err "ram=1025K: not a multiple of 4K" "ram: 1025K is not a multiple of 4K$" -O ram=1025K -c units
expect_err "ram=512K: below 1M" "ram: 512K is less than 1M$" -O ram=512K -c units
run --target-help
check "--target-help gives virt's and q35's real ram limits" \
	grep -q "at most 261376M (255.25G) on virt and mmu500.*at most 2816M (2.75G) on q35" "$TMP/out"

# --- ranges named in errors -----------------------------------------------------------------
expect_err "smrg=200: the range" "smrg: 200 is not in 1-128$" --target sim:mmu500 -O smrg=200 -c units
expect_err "devs=x: the range" "devs: 'x' is not a number \(2-31\)$" -O devs=x -c units
expect_err "aw=40: the values" "aw: '40' is not 39, 48 or 57$" --target sim:q35 -O aw=40 -c units
expect_err "pagesize=8K: the values" "pagesize: '8K' is not 4K or 64K$" --target sim:mmu500 -O pagesize=8K -c units
expect_err "switch=5: the range" "switch: 5 is not in 0-4$" -O switch=5 -c units
expect_err "acs=maybe: the values" "acs: 'maybe' is not on or off$" -O acs=maybe -c units
expect_err "stage2=maybe: the values" "stage2: 'maybe' is not on or off$" -O stage2=maybe -c units
expect_err "ttf=aa16: the values" "ttf: 'aa16' is not aa64, aa32 or both$" -O ttf=aa16 -c units

# --- reserved regions: the form, whole pages, inside the RAM window and RAM --------------------
expect_err "rmrr=01.0: the form" "rmrr: '01.0' is not BDF@ADDR\+LEN$" --target sim:q35 -O rmrr=01.0 -c units
expect_err "rmrr=20.0@...: not a PCI function" "rmrr: '20.0' is not a PCI function \(BB:DD.F or DD.F\)$" \
	--target sim:q35 -O rmrr=20.0@0x100000+4K -c units
expect_err "rmrr: not whole 4K pages" "rmrr: 0x100800\+0x1000 is not whole 4K pages$" \
	--target sim:q35 -O rmrr=01.0@0x100800+4K -c units
expect_err "rmrr: outside q35's RAM window" "rmrr: 0xb0000000\+0x1000 is not inside sim:q35's RAM window 0x0-0xafffffff$" \
	--target sim:q35 -O rmrr=01.0@0xb0000000+4K -c units
expect_err "rmrr: past the RAM the machine has" "rmrr: 0x40000000\+0x1000 runs past RAM \(0x0-0x3fffffff\): raise ram$" \
	--target sim:q35 -O rmrr=01.0@0x40000000+4K -c units
expect_out "rmrr: ... and with ram=2G it opens" "not owned" --target sim:q35 -O ram=2G -O rmrr=01.0@0x40000000+4K -c units
expect_err "ivmd=01.0: the form" "ivmd: '01.0' is not BDF@ADDR\+LEN$" --target sim:amd -O ivmd=01.0 -c units
expect_err "ivmd: not whole 4K pages" "ivmd: 0x100800\+0x1000 is not whole 4K pages$" \
	--target sim:amd -O ivmd=01.0@0x100800+4K -c units
expect_err "ivmd: past the RAM the machine has" "ivmd: 0x40000000\+0x1000 runs past RAM \(0x0-0x3fffffff\): raise ram$" \
	--target sim:amd -O ivmd=01.0@0x40000000+4K -c units
expect_err "ivmd on sim:q35: names the machine it belongs to" "ivmd: a parameter of sim:amd, not sim:q35$" \
	--target sim:q35 -O ivmd=01.0@0x100000+4K -c units
expect_err "rmrr: at most 4" "rmrr: more than 4 regions$" --target sim:q35 \
	-O rmrr=01.0@0x100000+4K,01.0@0x200000+4K,01.0@0x300000+4K,01.0@0x400000+4K,01.0@0x500000+4K -c units
expect_err "rmr: a StreamID's range" "rmr: '0x10000' is not a StreamID \(0-0xffff\)$" -O rmr=0x10000@0x48000000+64K -c units
expect_err "rmr: 64K pages, as IORT requires" "rmr: 0x48000000\+0x1000 is not whole 64K pages$" \
	-O rmr=0x8@0x48000000+4K -c units
expect_err "rmr: below virt's RAM window" "rmr: 0x0\+0x10000 is not inside sim:virt's RAM window 0x40000000-0x400fffffff$" \
	-O rmr=0x8@0+64K -c units
expect_err "rmr: a size" "rmr: 'lots' is not a size \(K/M/G suffixes\)$" -O rmr=0x8@0x48000000+lots -c units
# devices and the bridge share bus 0's 32 slots: the limit is named, not "Invalid argument"
for m in virt q35; do
	expect_err "$m: bridge=2 with devs=30: the slot limit" \
		"devs: 30 with bridge=2: bus 0 has 32 slots and the bridge is at 00:1e.0, so devs is at most 29$" \
		--target sim:$m -O bridge=2 -O devs=30 -c units
	expect_out "$m: bridge=2 with devs=29 builds" "not owned" --target sim:$m -O bridge=2 -O devs=29 -c units
done

# --- a parameter of another machine: refused, naming the machines it applies to --------------
declare -A ON=([evtq]=virt [cmdq]=virt [stage2]=virt [ttf]=virt [nfr]=q35 [aw]=q35 [scalable]=q35
	[smrg]=mmu500 [cbs]=mmu500 [pagesize]=mmu500 [cells]=mmu500 [bridge]="virt q35"
	[switch]="virt q35" [acs]="virt q35" [untranslated]=virt
	[ram]="virt q35 mmu500 amd" [devs]="virt q35 mmu500 amd" [ats]="virt q35 mmu500 amd" [rmrr]=q35 [rmr]=virt [ivmd]=amd)
declare -A DEF=([evtq]=19 [cmdq]=19 [stage2]=on [ttf]=aa64 [nfr]=8 [aw]=39 [scalable]=off [smrg]=16 [cbs]=8
	[pagesize]=4K [cells]=1 [bridge]=0 [switch]=0 [acs]=on [untranslated]=off [ram]=1G [devs]=2 [ats]=off [rmrr]= [rmr]= [ivmd]=)
run --target-help
sim_keys=$(awk '/^[^ ]/ { on = /^sim:/ } on && $1 == "-O" { print $2 }' "$TMP/out")
check "--target-help lists sim's parameters" test "$(echo "$sim_keys" | wc -w)" -ge 14
for k in $sim_keys; do
	check "--target-help's $k is in this test's table" test -n "${ON[$k]}"
done
for k in "${!ON[@]}"; do
	for m in virt q35 mmu500 amd; do
		if [[ " ${ON[$k]} " == *" $m "* ]]; then
			expect_out "$m: -O $k=${DEF[$k]} applies" "not owned" --target sim:$m -O "$k=${DEF[$k]}" -c units
		else
			on=$(for x in ${ON[$k]}; do printf 'sim:%s\n' "$x"; done | paste -sd, | sed 's/,\([^,]*\)$/ and \1/; s/,/, /g')
			expect_err "$m: -O $k= is refused" "$k: a parameter of $on, not sim:$m$" \
				--target sim:$m -O "$k=${DEF[$k]}" -c units
		fi
	done
done

finish
