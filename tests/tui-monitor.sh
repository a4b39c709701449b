#!/usr/bin/env bash
# `smmush monitor` end to end, in tmux: send-keys drives it, capture-pane reads
# it.  Header counts, a device row after a scripted burst, filter, pause, the
# detail pane's explanation, resize, colour, storm counts equal to the counts
# generated, and the terminal restored after q, SIGTERM, SIGINT and a crash.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

SMMUSH=$(cd "$(dirname "$SMMUSH")" && pwd)/$(basename "$SMMUSH")

# --- without a terminal, and bad options: refused before anything starts -------
expect_fail "no terminal: refused" monitor </dev/null
check "no terminal: the message suggests smmush trace" grep -q "smmush trace" "$TMP/err"
expect_fail "unknown option refused" monitor --bogus </dev/null
expect_fail "--storm needs a number" monitor --storm lots </dev/null
expect_out "--help lists the options" '--script FILE' monitor --help
expect_fail "--device nosuch: refused at the start, not when S is pressed" monitor --device nosuch </dev/null
check "--device nosuch: says there is no such device" grep -q "^smmush: monitor: --device: no device 'nosuch'" "$TMP/err"
expect_fail "--device that cannot storm: refused at the start" monitor --device 00:00.0 </dev/null
check "--device 00:00.0: says it cannot storm" grep -q "^smmush: monitor: --device 00:00.0 cannot raise fault storms" "$TMP/err"

# --- monitor is a row of the command table: help, the man page, completion --------
expect_out "help monitor: its options, from the command table" '^ +--storm N ' help monitor
expect_out "help lists monitor with the other commands" '^  monitor +\[--script FILE\]' help
man_lists_monitor() {
	"$SMMUSH" --gen-man >"$TMP/man" &&
		grep -A1 -x '\.TP' "$TMP/man" | grep -q '^\\fBmonitor\\fR \[\\-\\-script FILE\]' &&
		! sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$TMP/man" | grep -q monitor
}
check "the man page lists monitor among the commands, not by hand" man_lists_monitor
complete_words() { # complete_words WORD...: what bash completion offers for the last word
	"$SMMUSH" --gen-bash-completion >"$TMP/compl" &&
		bash -c '. "$1"; shift; COMP_WORDS=(smmush "$@"); COMP_CWORD=$#; _smmush; echo "${COMPREPLY[*]}"' \
			_ "$TMP/compl" "$@"
}
check "bash completion: 'mon' completes to monitor" test "$(complete_words mon)" = monitor
check "bash completion: monitor's options" test "$(complete_words monitor --st)" = --storm
check "the completion's command list comes from the table alone" \
	test "$(grep "local cmds=" "$TMP/compl" | grep -ow monitor | wc -l)" -eq 1

if ! command -v tmux >/dev/null; then
	if [ "${CI:-}" = true ]; then not_ok "tmux is not installed (CI=true needs it)"; fi
	echo "# tmux missing: the terminal tests are skipped"
	finish
	exit $?
fi

# a server of our own, its socket in $TMP
tm() { tmux -S "$TMP/tmux.sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
# a session that outlives the others keeps the server up between them
tm new-session -d -s keep -x 80 -y 24 "sleep 120"

# Each session runs the monitor, then says how it ended and whether the
# terminal came back cooked (echo and icanon, not -echo -icanon).
cat >"$TMP/run.sh" <<'EOF'
pidf=$1; shift
bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$SMMUSH" "$@" 2>"$pidf.err"
echo "EXIT=$?"
echo "TTY: $(stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ')"
sleep 120
EOF
start() { # start NAME W H ARGS...
	local name=$1 w=$2 h=$3; shift 3
	tm new-session -d -s "$name" -x "$w" -y "$h" \
		"SMMUSH=$SMMUSH bash $TMP/run.sh $TMP/$name.pid $*"
}
screen() { tm capture-pane -p -t "$1:"; }
# wait_for NAME PATTERN [SECONDS]: until the screen matches (grep -E)
wait_for() {
	local i
	for ((i = 0; i < ${3:-5} * 10; i++)); do
		screen "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
keys() { local n=$1; shift; tm send-keys -t "$n:" "$@"; sleep 0.3; }
num() { screen "$1" | grep -oE -- "$2" | head -1 | grep -oE '[0-9]+$'; }
restored() { # restored NAME STATUS
	wait_for "$1" "EXIT=$2" 5 && wait_for "$1" 'TTY: (icanon echo|echo icanon)' 2 &&
		! screen "$1" | grep -q 'smmush monitor  sim'
}

# --- a scripted burst: 7 faults from 00:01.0, one good DMA ------------------------
cat >"$TMP/burst.smmush" <<'EOF'
# own the unit, give 00:01.0 one page, then read there and where nothing is mapped
own
domain create d
attach 00:01.0 d
map d 0x100000 0x40100000 4K rw
dma 00:01.0 read 0x100000 8
dma 00:01.0 read 0x200000 8 --count 7
EOF
start a 100 30 monitor --script "$TMP/burst.smmush" --pace 20
check "header: target and units" wait_for a 'smmush monitor  sim:virt' 5
check "header: the unit is owned, translation on" wait_for a 'smmuv3@0x09050000 owned, translation on' 5
check "header: total 7, lost 0" wait_for a 'total 7  lost 0 \(overflow episodes 0, unreadable 0\)' 5
check "a device row with its count after the burst" \
	wait_for a '^ 00:01\.0 +QEMU edu.* 0x8 +7 +[0-9]+ 0x200000 +F_TRANSLATION' 2
check "the log shows the records" wait_for a '#7 .*00:01\.0 +0x8 +0x200000 +R +F_TRANSLATION' 2
check "the script's output is on the status line" wait_for a 'script .*burst.smmush:7: .*7 fault record' 2
colour() { tm capture-pane -e -p -t a: | grep -q $'\e\[[0-9;]*4[0-7]m'; }
check "uses colour" colour

# filter by device: nothing from 00:02.0; by reason: the row is back
keys a / 0 0 : 0 2 Enter
check "filter by device hides other devices" wait_for a 'SOURCES 0 shown of 1 .*filter: 00:02' 2
check "filter: the log says nothing matches" wait_for a 'no fault records match the filter' 1
keys a / C-u F _ T R A N S Enter
check "filter by reason shows the row" wait_for a '^ 00:01\.0 .* 7 ' 2
keys a / C-u Enter
check "filter cleared" wait_for a 'SOURCES 1  sort: count' 2
# the filter language of trace --filter: terms, and a bad one refused
keys a /
keys a -l 'sid=0x8,class=translation'
keys a Enter
check "filter terms: sid and class" wait_for a 'SOURCES 1  sort: count  filter: sid=0x8,class=translation' 2
check "filter terms: the row is there" wait_for a '^ 00:01\.0 .* 7 ' 1
keys a / C-u
keys a -l 'dev!=00:01.0'
keys a Enter
check "filter: a negated term hides the device" wait_for a 'SOURCES 0 shown of 1 .*filter: dev!=00:01.0' 2
keys a / C-u
keys a -l 'bogus=1'
keys a Enter
check "filter: a bad term is refused, saying why" wait_for a "filter: 'bogus=1': unknown key" 2
check "filter: ... and the filter before it stays" wait_for a 'filter: dev!=00:01.0' 1
keys a / C-u Enter
check "filter cleared again" wait_for a 'SOURCES 1  sort: count' 2

# pause: the view holds while a storm runs, then catches up exactly
keys a p
check "pause: PAUSED shown" wait_for a 'PAUSED' 2
keys a S
sleep 0.5
check "paused: the counts shown hold" wait_for a 'total 7  lost' 1
keys a S
keys a p
check "resumed: the storm appears" wait_for a 'STORM off: [0-9]+ generated' 3
gen=$(num a 'STORM off: [0-9]+'); total=$(num a 'total [0-9]+')
check "resumed: total = 7 + storm generated ($total = 7 + $gen)" test "$total" -eq $((gen + 7))
check "resumed: the storm's source row has its exact count" wait_for a "^ platform@0x0c000000 .*0x100 +$gen " 2

# the detail pane: the newest fault, decoded and explained
keys a Up Enter
check "detail: the raw record decoded" wait_for a 'Raw record \(smmuv3\.event\)' 2
check "detail: the explanation says where the walk stopped" wait_for a 'the walk stopped at level [0-3]' 2
check "detail: ... and why" wait_for a 'entry not valid, 0x[0-9a-f]+ is not mapped' 1
walk_shown() {
	local s
	s=$(screen a)
	grep -q '^   STE ' <<<"$s" && grep -q '^   CD ' <<<"$s" && grep -q 'level 0 .*<- stopped' <<<"$s"
}
check "detail: the walk lists the STE, CD and the levels" walk_shown
keys a Escape
check "detail closes" wait_for a 'SOURCES 2' 2

# VT-d: the detail's class is the explanation's, the one the walk below shows (VT-d reports a
# missing entry by reason 0x6, "PTE read access is not set": its class is translation)
cat >"$TMP/vtd.smmush" <<'EOF'
own
domain create d
attach 00:01.0 d
map d 0x10000 0x100000 4K r
dma 00:01.0 read 0x20000 8
dma 00:01.0 write 0x10000 8
dma 00:02.0 read 0x10000 8
EOF
start vtd 120 60 --target sim:q35 monitor --script "$TMP/vtd.smmush" --pace 20
check "q35: three faults" wait_for vtd 'total 3  lost' 5
keys vtd Up Enter
declare -A seen=()
for i in 1 2 3; do
	wait_for vtd 'Walk:|cannot explain' 2
	s=$(screen vtd)
	cls=$(grep -oE 'class [a-z_]+' <<<"$s" | head -1 | cut -d' ' -f2)
	code=$(grep -oE 'reason .*\((0x[0-9a-f]+)\)' <<<"$s" | head -1 | grep -oE '0x[0-9a-f]+\)$' | tr -d ')')
	if grep -q 'entry not valid, 0x[0-9a-f]* is not mapped' <<<"$s"; then want=translation
	elif grep -q 'allows R: the write needs W' <<<"$s"; then want=permission
	elif grep -q 'result: configuration fault' <<<"$s"; then want=configuration
	else want="?"; fi
	seen[${code:-none}]=$cls
	check "q35 detail, reason $code: class $cls agrees with the walk below it ($want)" test "$cls" = "$want"
	if [ "$want" = translation ]; then
		check "  ... and says the reason code alone reads as permission" \
			grep -q "class translation (the walk's; the reason code alone reads as permission)" <<<"$(tr -s ' \n' ' ' <<<"$s")"
	fi
	keys vtd Up
done
check "q35: three different kinds (${!seen[*]}: ${seen[*]})" test "${#seen[@]}" -eq 3
keys vtd Escape
keys vtd q

# AMD-Vi Mode 6: the detail agrees with xlate: class permission, the walk from
# the level-6 top entry down, the top entry (IW=0) named as what denies
cat >"$TMP/amd6.smmush" <<'EOF'
own
domain create d --levels 5
attach 01.0 d
map d 0x1000 0x200000 4K rw
wg 0x10000028 0x200000003f009601
wg 0x3f000100 0x6000000010000c03
dma 01.0 write 0xa00000000001000 16
EOF
start amd6 150 60 --target sim:amd monitor --script "$TMP/amd6.smmush" --pace 20
check "sim:amd Mode 6: one fault" wait_for amd6 'total 1  lost' 5
keys amd6 Up Enter
amd6_detail() {
	local s
	wait_for amd6 'Walk:' 2 || return 1
	s=$(screen amd6)
	grep -q 'reason IO_PAGE_FAULT (0x2), class permission' <<<"$s" &&
		grep -Eq '^ +level 6 +@  0x10000000 +\[  5\] 200000003f009601  amdvi\.pde' <<<"$s" &&
		grep -Eq '^ +level 1 +@  0x3f007000 +\[  1\] 6000000000200001  amdvi\.pte\.leaf  <- stopped: permission' <<<"$s" &&
		grep -q 'which the entry at level 6 (amdvi.pde 0x200000003f009601 at 0x10000028) takes away' <<<"$(tr -s ' \n' ' ' <<<"$s")"
}
check "sim:amd Mode 6 detail: class, walk and the entry named agree with xlate" amd6_detail
keys amd6 Escape
keys amd6 q

# AMD-Vi PAGE_TAB_HARDWARE_ERROR logs the failing entry's address (slot 3 of
# a level-1 table outside RAM), not the IOVA: the detail explains that fetch
# and the table it belongs to, and shows no walk of it as an IOVA
cat >"$TMP/amdpt.smmush" <<'EOF'
own
domain create d
attach 01.0 d
map d 0x40203000 0x200000 4K rw
wg 0x3f008008 0x6000010000000201
dma 01.0 write 0x40203000 16
EOF
start amdpt 150 60 --target sim:amd monitor --script "$TMP/amdpt.smmush" --pace 20
check "sim:amd PAGE_TAB_HARDWARE_ERROR: one fault" wait_for amdpt 'total 1  lost' 5
keys amdpt Up Enter
amdpt_detail() {
	local s flat
	wait_for amdpt 'Walk:' 2 || return 1
	s=$(screen amdpt)
	flat=$(tr -s ' \n' ' ' <<<"$s")
	grep -q 'reason PAGE_TAB_HARDWARE_ERROR (0x4), class table-fetch' <<<"$s" &&
		grep -q 'reading the page-table entry at 0x10000000018 failed (the event holds that address, not the IOVA): it is outside RAM' <<<"$flat" &&
		grep -q 'entry 3 of the level-1 table at 0x10000000000, which the level-2 entry (amdvi.pde 0x6000010000000201 at 0x3f008008) points to, for IOVA 0x40203000-0x40203fff' <<<"$flat" &&
		! grep -Eq '^ +level [0-9]+ +@' <<<"$s"
}
check "sim:amd PAGE_TAB_HARDWARE_ERROR detail: the failing fetch and its table, no walk of the address as an IOVA" amdpt_detail
keys amdpt Escape
keys amdpt q

# sort cycles; ? lists the keys from the table
keys a s
check "sort by rate" wait_for a 'sort: rate' 2
keys a '?'
check "? lists the keys" wait_for a 'Enter +details of the selected fault' 2
keys a x

# resize: 80x24 works, smaller says so, larger uses the room
tm resize-window -t a: -x 80 -y 24; sleep 0.4
fits() {
	local s
	s=$(screen a)
	grep -q 'total [0-9]*  lost' <<<"$s" && grep -q '^ 00:01.0' <<<"$s" && grep -q 'q quit' <<<"$s"
}
check "80x24: header, table and status line fit" fits
tm resize-window -t a: -x 60 -y 20; sleep 0.4
check "60x20: asks for 80x24" wait_for a 'needs at least 80x24' 2
tm resize-window -t a: -x 130 -y 40; sleep 0.4
check "130x40: the log gains the time column" wait_for a '#[0-9]+ +[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' 2

keys a q
check "q: leaves, status 0, terminal restored" restored a 0
check "q: nothing on stderr" test ! -s "$TMP/a.pid.err"

# --- c: counts and record numbers start again --------------------------------------
{
	printf 'own\ndomain create d\nattach 00:01.0 d\ndma 00:01.0 read 0x200000 8 --count 3\n'
	for i in $(seq 12); do echo units; done
	printf 'dma 00:01.0 read 0x200000 8 --count 2\n'
} >"$TMP/twice.smmush"
start clr 100 30 monitor --script "$TMP/twice.smmush" --pace 250
check "c: before, 3 faults numbered up to #3" wait_for clr 'total 3  lost' 5 && wait_for clr '^ *#3 ' 1
keys clr c
check "c: after, the second burst is total 2 ..." wait_for clr 'total 2  lost' 8
numbered_again() {
	local s
	s=$(screen clr)
	grep -Eq '^ *#1 ' <<<"$s" && grep -Eq '^ *#2 ' <<<"$s" && ! grep -Eq '^ *#[45] ' <<<"$s"
}
check "  ... numbered #1 and #2, not #4 and #5" numbered_again
keys clr q
check "c test: q leaves, status 0" restored clr 0

# --- rates: one style in the header and the table ---------------------------------
# 5000 faults a tick: thousands a second, in k as a storm's millions are in M
{
	printf 'own\ndomain create d\nattach 00:01.0 d\n'
	for i in $(seq 60); do echo "storm 00:01.0 5000"; done
} >"$TMP/rate.smmush"
start rt 100 30 monitor --script "$TMP/rate.smmush" --pace 100
one_style() { # the header's faults/s and the source's RATE/s: "950" or "12.5k"/"3.1M"/"1.0G"
	local s h r
	s=$(screen rt)
	h=$(grep -oE 'faults/s [^ ]+' <<<"$s" | head -1 | cut -d' ' -f2)
	r=$(grep -E '^ 00:01\.0 ' <<<"$s" | awk '{ print $(NF-2) }')
	echo "# header '$h', row '$r'"
	[[ $h =~ ^([0-9]{1,3}|[0-9]{1,3}\.[0-9][kMG])$ ]] && [[ $r =~ ^([0-9]{1,3}|[0-9]{1,3}\.[0-9][kMG])$ ]]
}
check "script storms: faults come" wait_for rt 'total [0-9]{5,}' 8
check "rates: one style, header and row (thousands a second: in k, not 4 digits)" one_style
keys rt q
check "rates test: q leaves, status 0" restored rt 0

# --- storm: the counts shown equal the counts generated ---------------------------
start b 100 30 monitor --storm 1000000
check "storm: 1000000 generated" wait_for b 'STORM off: 1000000 generated' 10
check "storm: total 1000000, lost 0" wait_for b 'total 1000000  lost 0 ' 2
check "storm: the device row counts 1000000" wait_for b "^ platform@0x0c000000 .*0x100 +1000000 " 2
pid=$(cat "$TMP/b.pid")
kill -TERM "$pid"
check "SIGTERM: terminal restored, died of the signal" restored b 143
check "SIGTERM: nothing on stderr" test ! -s "$TMP/b.pid.err"

start c 100 30 --target sim:q35 monitor --storm 100000
check "q35 storm: counts exact" wait_for c 'STORM off: 100000 generated' 10
check "q35 storm: total 100000, lost 0" wait_for c 'total 100000  lost 0 ' 2
check "q35: the unit is a VT-d unit, owned" wait_for c 'dmar@0xfed90000 owned, translation on' 1
kill -INT "$(cat "$TMP/c.pid")"
check "SIGINT: terminal restored, died of the signal" restored c 130

# a failing script line stops the script; the error shows, the monitor goes on
printf 'units\nmap nosuch 0x0 0x40100000 4K r\nunits\n' >"$TMP/bad.smmush"
start d 80 24 monitor --script "$TMP/bad.smmush"
check "script error: on the status line, the script stops" wait_for d "bad.smmush:2: stopped: map: no domain 'nosuch'" 5
check "script error: the monitor goes on" wait_for d 'total 0  lost 0' 1
kill -SEGV "$(cat "$TMP/d.pid")"
check "crash signal: terminal restored, died of SIGSEGV" restored d 139
check "crash signal: says so on stderr" grep -q 'crashed; terminal restored' "$TMP/d.pid.err"

finish
