#!/usr/bin/env bash
# The shell itself: the REPL in a pseudo-terminal (completion, history,
# Ctrl-C at the prompt, Ctrl-D), settings, scripts and errexit, sourcing,
# options, the generated man page and bash completion.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
export HOME=$TMP/home
mkdir -p "$HOME"

repl() { # repl WHAT JSON-STEPS [ARGS...]
	local what=$1 steps=$2; shift 2
	printf '%s' "$steps" >"$TMP/steps.json"
	if python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$SMMUSH" "$@" 2>"$TMP/pty.err"; then
		ok "$what"
	else
		not_ok "$what: $(cat "$TMP/pty.err")"
	fi
}

repl "REPL: prompt, a command, Ctrl-D exits 0" '[
  {"expect": "smmush> "}, {"send": "units\r"}, {"expect": "smmuv3@0x09050000"},
  {"expect": "smmush> "}, {"send": "\u0004"}, {"exit": 0}]'
repl "REPL: Tab completes a command and a subcommand" '[
  {"expect": "smmush> "}, {"send": "dev\t"}, {"expect": "devices"}, {"send": "\r"},
  {"expect": "00:01.0"}, {"expect": "smmush> "}, {"send": "target li\t\r"},
  {"expect": "sim +\\{virt\\|q35\\|mmu500\\|amd\\}"}, {"send": "\u0004"}, {"exit": 0}]'
repl "REPL: Tab after set errexit/json offers on and off" '[
  {"expect": "smmush> "}, {"send": "set json of\t\r"}, {"expect": "set json off \r\n"}, {"expect": "smmush> "},
  {"send": "set errexit o\t\t"}, {"expect": "off +on"}, {"send": "\u0003"}, {"expect": "smmush> "},
  {"send": "\u0004"}]'
repl "REPL: Tab after a completed subcommand does not offer it again" '[
  {"expect": "smmush> "}, {"send": "unit add \t\r"}, {"expect": "unit add \u0007?\r\n"}, {"expect": "smmush> "},
  {"send": "target list \t\t\r"}, {"expect": "target list \u0007*\r\n"}, {"expect": "sim +\\{virt"},
  {"expect": "smmush> "}, {"send": "\u0004"}]'
repl "REPL: Tab completes register names of the selected unit" '[
  {"expect": "smmush> "}, {"send": "regs gbp\t\r"}, {"expect": "SMMU_GBPA"},
  {"send": "\u0004"}, {"exit": 0}]'
repl "REPL: Tab completes device addresses" '[
  {"expect": "smmush> "}, {"send": "regs\r"}, {"expect": "smmush> "}, {"send": "xlate 00:02\t"},
  {"expect": "00:02.0"}, {"send": "\u0003"}, {"expect": "smmush> "}, {"send": "\u0004"}, {"exit": 0}]'
repl "REPL: Tab completes a domain as attach's second argument, a register after reg write" '[
  {"expect": "smmush> "}, {"send": "domain create alpha\r"}, {"expect": "smmush> "},
  {"send": "attach 00:01.0 al\t"}, {"expect": "alpha"}, {"send": "\u0003"}, {"expect": "smmush> "},
  {"send": "reg write gbp\t"}, {"expect": "gbpa"}, {"send": "\u0003"}, {"expect": "smmush> "},
  {"send": "\u0004"}, {"exit": 0}]'
repl "REPL: Ctrl-C at the prompt clears the line, the shell stays" '[
  {"expect": "smmush> "}, {"send": "this is not a command"}, {"send": "\u0003"},
  {"expect": "smmush> "}, {"send": "units\r"}, {"expect": "smmuv3@"}, {"send": "quit\r"}, {"exit": 0}]'
repl "REPL: a failing command reports and the REPL goes on" '[
  {"expect": "smmush> "}, {"send": "frobnicate\r"}, {"expect": "unknown command"},
  {"send": "units\r"}, {"expect": "smmuv3@"}, {"send": "\u0004"}, {"exit": 1}]'
check "REPL: history is kept in ~/.smmush_history" grep -qx 'units' "$HOME/.smmush_history"
repl "REPL: history recalls the last command (Up arrow)" '[
  {"expect": "smmush> "}, {"send": "\u001b[A\r"}, {"expect": "smmuv3@"}, {"send": "\u0004"}, {"exit": 0}]'

# --- scripts, settings -----------------------------------------------------------------
run -c 'set errexit off; frobnicate; units'
check "set errexit off: the script goes on, exit status still 1" \
	test "$rc" -eq 1 -a -n "$(grep smmuv3@ "$TMP/out")"
printf 'units\n' >"$TMP/inner.smmush"
expect_out "source runs a script" 'smmuv3@' -c "source $TMP/inner.smmush"
printf 'source %s\n' "$TMP/loop.smmush" >"$TMP/loop.smmush"
expect_fail "source: a script that sources itself ends with one error" -c "source $TMP/loop.smmush"
check "  ... naming the script line" grep -q 'loop.smmush:1: source: scripts nest deeper' "$TMP/err"

expect_json "help -j lists every command" help -- 'len(doc) > 20' \
	'all(c["help"] for c in doc)' '{"own","map","dma","faults","trace","walk","xlate","x","dis"} <= {c["name"] for c in doc}'
expect_fail "unknown target" --target nowhere units
expect_fail "unknown target parameter" -O nosuch=1 units
expect_fail "bad target parameter value" -O ram=lots units
expect_out "-O sets a sim parameter" 'test devices|devices 4|units 1' -O devs=3 target
expect_out "--target-help lists parameters with defaults" '-O ram +default 1G' --target-help
expect_out "--target sim:q35" 'dmar@0xfed90000' --target sim:q35 units

# --- units firmware did not name ------------------------------------------------------------
expect_json "unit add at a known unit's address adds nothing" -c 'unit add smmuv3 0x09050000; units' -- \
	'len(docs[-1]) == 1' 'docs[-1][0]["source"] == "fdt"'
expect_fail "unit add where nothing answers" -c 'unit add vtd 0x12340000'
check "  ... says so" grep -q 'no vtd unit answers at 0x12340000' "$TMP/err"
expect_fail "unit add over a unit of another architecture" --target sim:q35 -c 'unit add smmuv3 0xfed90000'
expect_fail "unit add: unknown architecture" -c 'unit add smmuv2 0x1000'
expect_fail "unit add: not a number" -c 'unit add vtd here'

# --- found by review: long numbers, a mistyped target, partial JSON ---------------------------
expect_fail "a 64-character number is refused, not cut short" --write \
	-c "fill 0x40000000 0x$(printf '0%.0s' {1..60})2000 0xaa"
run -c 'set errexit off; own; domain create keep; target open bogus; domain list'
check "target open with a typo keeps the current machine" grep -q '^keep ' "$TMP/out"
run -j -c 'regs nosuch'
check "a failing regs -j prints no half JSON, only its error object" test "$rc" -ne 0 -a "$(wc -l <"$TMP/out")" -eq 1
check "a failing regs -j: the error object on stdout is the line on stderr" json_valid "$TMP/out" \
	"len(docs) == 1 and docs[0]['command'] == 'regs'" \
	"'smmush: ' + docs[0]['error'] + '\\n' == open('$TMP/err').read()"

# --- generated documentation ------------------------------------------------------------------
"$SMMUSH" --gen-man >"$TMP/smmush.1"
check "man page: every command is in it" bash -c "for c in \$(\"$SMMUSH\" -j help | python3 -c 'import json,sys; print(\" \".join(c[\"name\"] for c in json.load(sys.stdin)))'); do grep -q \"^\\\\\\\\fB\$c\\\\\\\\fR\" '$TMP/smmush.1' || { echo missing \$c; exit 1; }; done"
check "man page: groff renders it without warnings" \
	bash -c "groff -man -Tutf8 -ww '$TMP/smmush.1' 2>'$TMP/groff.err' >/dev/null && ! grep -q . '$TMP/groff.err'"
"$SMMUSH" --gen-bash-completion >"$TMP/completion.bash"
check "bash completion: completes commands" bash -c "
	source '$TMP/completion.bash'
	COMP_WORDS=(smmush dev); COMP_CWORD=1; _smmush
	[[ \" \${COMPREPLY[*]} \" == *' devices '* ]]"
check "bash completion: completes decode kinds" bash -c "
	source '$TMP/completion.bash'
	COMP_WORDS=(smmush decode smmuv3.st); COMP_CWORD=2; _smmush
	[[ \" \${COMPREPLY[*]} \" == *' smmuv3.ste '* ]]"
bash_compl() { # bash_compl WORD...: what bash completion offers for the last word
	bash -c '. "$1"; shift; COMP_WORDS=(smmush "$@"); COMP_CWORD=$#; _smmush; echo "${COMPREPLY[*]}"' \
		_ "$TMP/completion.bash" "$@"
}
check "bash completion: set errexit offers on and off" test "$(bash_compl set errexit '')" = "on off"
check "bash completion: set offers the settings" test "$(bash_compl set '')" = "errexit json"
check "bash completion: after target list, not the subcommands again" test -z "$(bash_compl target list '')"
check "bash completion: monitor's options after an option's value" \
	test "$(bash_compl monitor --pace 5 --st)" = --storm

finish
