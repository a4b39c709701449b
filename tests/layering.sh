#!/usr/bin/env bash
# The layers (DESIGN): lib/ is the only code that knows register offsets and
# table layouts; the shell and the monitor are two front ends that format what
# the library returns.  These checks read the front ends' sources and fail when
# hardware knowledge leaks back into them, or when the monitor leans on the
# shell again.  Each failure names the file and line.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$srcdir" || exit 1
front=(shell/*.c shell/*.h tui/*.c tui/*.h)

# none KIND PATTERN [FILES...]: no line of FILES matches the grep -E pattern
none() {
	local what=$1 pat=$2; shift 2
	local hits
	hits=$(grep -nE -- "$pat" "$@" | grep -vE '^[^:]+:[0-9]+:\s*(/?\*|//)')
	if [ -z "$hits" ]; then
		ok "$what"
	else
		not_ok "$what:"
		sed 's/^/#   /' <<<"$hits" | head -10
	fi
}

none "no raw MMIO or PCI access in shell/ or tui/ (registers go through smmu_reg_*)" \
	'\bsmmu_(mmio|pci)_(read|write)\s*\(' "${front[@]}"
none "no register offset arithmetic on a unit base in shell/ or tui/" \
	'\bbase\s*\+\s*(0x[0-9a-fA-F]+|[A-Z][A-Z0-9_]+)\b' "${front[@]}"
none "no generated register or field constant in shell/ or tui/" \
	'\b(SMMUV3|VTD|LPAE)_[A-Z0-9]+_[A-Za-z0-9_]+\b|\bSMMU_(GET|GETW|MASK|PREP|ADDRW|FIELD_GET|GENMASK)\s*\(' \
	"${front[@]}"
none "shell/ and tui/ include no internal library header" \
	'#include\s+"(lib/(target|backend|hw|arch|live|regs|domain|fault|pgtable|journal|kmsg|smmuv3|vtd|amdvi)\.h|backends/|decoders/[a-z-]+\.def|decoders/def)' \
	"${front[@]}"
none "tui/ includes no shell/ header" '#include\s+"(\.\./)?(shell/|shell\.h)' tui/*.c tui/*.h
none "front ends ask for capabilities, not target names" \
	'str(n)?(case)?cmp\s*\([^;]*"(sim|qemu|gdb|linux)(:|")' "${front[@]}"

# the monitor is a row of the command table: help, man page and completion come from it
if [ -x "$SMMUSH" ]; then
	run --gen-man
	check "the man page lists monitor from the command table" grep -q '^\.B monitor\|monitor' "$TMP/out"
	run --gen-bash-completion
	check "bash completion offers monitor" grep -qw monitor "$TMP/out"
	run help monitor
	check "help monitor describes it" eval '[ "$rc" -eq 0 ] && grep -qi "fault" "$TMP/out"'
fi
finish
