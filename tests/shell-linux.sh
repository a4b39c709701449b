#!/usr/bin/env bash
# The live-machine side of the shell without a live machine: `discover` and
# `decode fdt` on firmware files (a .dts compiled here with dtc, real QEMU
# ACPI tables), and `--target linux` refusing, in one line each, on machines
# fabricated under -O root=DIR (the Check suite tests/check-linux.c covers
# the backend's every path; this checks what a user sees).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
data=$srcdir/tests/data/linux

if ! command -v dtc >/dev/null; then
	not_ok "dtc is needed (apt-get install device-tree-compiler)"
	finish; exit
fi
dtc -q -I dts -O dtb -o "$TMP/board.dtb" "$data/board.dts"

# --- discover from files ----------------------------------------------------------
expect_out "discover --fdt: the SMMU at its CPU address (through ranges)" \
	'^  0  smmuv3@0x102000000 +smmuv3 from fdt$' discover --fdt "$TMP/board.dtb"
expect_out "discover --fdt: a device with every StreamID of its iommus" \
	'platform@0x103001000 +unit 0 +StreamID 0x10,0x11,0x12 +dma@1000' discover --fdt "$TMP/board.dtb"
expect_out "discover --fdt: iommu-map entries with their mask and segment" \
	'iommu-map segment 1 RID 0x0100-0x01ff \(mask 0xfff8\) -> unit 0 StreamID 0x800-0x8ff' \
	discover --fdt "$TMP/board.dtb"
run discover --fdt "$TMP/board.dtb"
check "discover --fdt: disabled nodes and their children are left out" \
	test "$rc" -eq 0 -a "$(grep -c 'gpu@\|video@\|disabled-dev\|0x102100000' "$TMP/out")" -eq 0
expect_out "discover --acpi: IORT and DMAR together" 'dmar@0xfed90000 +vtd +from DMAR' \
	discover --acpi "$data/IORT.qemu-virt-smmuv3" --acpi "$data/DMAR.qemu-q35"
run -j discover --fdt "$TMP/board.dtb" --acpi "$data/DMAR.qemu-q35"
check "discover -j: units, devices, ID mappings" json_valid "$TMP/out" \
	'len(doc["units"]) == 2' 'doc["devices"][0]["sids"] == ["0x10", "0x11", "0x12"]' \
	'doc["id_maps"][0]["rid_mask"] == "0xfff8"' 'doc["id_maps"][-1]["unit"] is None' 'doc["id_maps"][-1]["source"] == "msi-map"'
expect_fail "discover with no files" discover
expect_fail "discover with an unknown argument" discover --dtb x
expect_fail "discover with a missing file" discover --acpi "$TMP/nope"
printf 'not a dtb at all, really' >"$TMP/bad.dtb"
expect_fail "discover with a malformed blob" discover --fdt "$TMP/bad.dtb"

# --- decode fdt ---------------------------------------------------------------------
expect_out "decode fdt: iommus with #iommu-cells of each IOMMU" \
	'iommus\[0\]: /soc/iommu@2200000 0x5 0x6' decode fdt "$TMP/board.dtb"
expect_out "decode fdt: iommu-map entries" \
	'iommu-map\[1\]: RID 0x100-0x1ff -> /soc/iommu@2000000 StreamID 0x800-0x8ff \(256 IDs\)' \
	decode fdt "$TMP/board.dtb"
expect_out "decode fdt: a disabled node says so" 'status: disabled' decode fdt "$TMP/board.dtb"
expect_fail "decode fdt: a malformed blob" decode fdt "$TMP/bad.dtb"

# --- --target linux refuses in one line (a fabricated machine) -----------------------
root=$TMP/root
mkdir -p "$root/proc/self" "$root/dev" "$root/sys/kernel/security"
printf '00001000-0009fbff : System RAM\n00100000-3fffffff : System RAM\n' >"$root/proc/iomem"
printf 'console=ttyS0\n' >"$root/proc/cmdline"
printf 'CapEff:\t000001ffffffffff\n' >"$root/proc/self/status"
printf '[none] integrity confidentiality\n' >"$root/sys/kernel/security/lockdown"
expect_fail "linux: no /dev/mem" --target linux -O root="$root" target info
grep -q 'CONFIG_DEVMEM=y' "$TMP/err" && ok "  ... names CONFIG_DEVMEM" || not_ok "  ... names CONFIG_DEVMEM ($err)"
truncate -s 1M "$root/dev/mem"
expect_out "linux: a fabricated machine opens" 'target linux: this machine .*fabricated under' \
	--target linux -O root="$root" target info
printf 'none [integrity] confidentiality\n' >"$root/sys/kernel/security/lockdown"
expect_fail "linux: lockdown" --target linux -O root="$root" target info
grep -q "lockdown is 'integrity'.*Secure Boot" "$TMP/err" && ok "  ... names lockdown and Secure Boot" ||
	not_ok "  ... names lockdown and Secure Boot ($err)"
printf '[none] integrity confidentiality\n' >"$root/sys/kernel/security/lockdown"
printf 'CapEff:\t0000000000000000\n' >"$root/proc/self/status"
expect_fail "linux: not root" --target linux -O root="$root" target info
grep -q 'not root.*run smmush as root' "$TMP/err" && ok "  ... says run it as root" || not_ok "  ... says run it as root ($err)"
printf 'CapEff:\t000001ffffffffff\n' >"$root/proc/self/status"
expect_fail "linux: tables= in System RAM" --target linux -O root="$root" -O tables=0x200000,16M target info
grep -q 'overlaps System RAM.*memmap=' "$TMP/err" && ok "  ... says how to reserve it" || not_ok "  ... says how to reserve it ($err)"
expect_fail "linux: no variants" --target linux:q35 -O root="$root" target info
expect_out "target list names linux and files" '^linux ' target list
finish
