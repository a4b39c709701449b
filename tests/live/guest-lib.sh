# shellcheck shell=dash
# Helpers for guest test scripts (busybox sh), sourced by /init before the
# script runs.  Every function returns non-zero and says why on failure.

# The modules Debian's kernel package ships have no modules.dep: load them
# in dependency order.  vfio_iommu_type1 needs allow_unsafe_interrupts=1
# because these machines have no interrupt remapping (intremap=off).
load_vfio() {
	local m
	for m in vfio vfio_iommu_type1 vfio_virqfd irqbypass vfio-pci-core vfio-pci; do
		[ -f "/lib/modules/$m.ko" ] || { [ "$m" = irqbypass ] && continue; echo "load_vfio: $m.ko missing"; return 1; }
		grep -q "^$(echo "$m" | tr - _) " /proc/modules && continue
		case $m in
		vfio_iommu_type1) insmod "/lib/modules/$m.ko" allow_unsafe_interrupts=1 ;;
		*) insmod "/lib/modules/$m.ko" ;;
		esac || { echo "load_vfio: insmod $m failed"; return 1; }
	done
}

# pci_find VENDOR DEVICE: the BDF (0000:00:03.0) of the first such function.
pci_find() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = "0x$1" ] && [ "$(cat "$d/device")" = "0x$2" ] && { basename "$d"; return 0; }
	done
	echo "pci_find: no PCI function $1:$2" >&2
	return 1
}

# QEMU's edu DMA test device.
edu_bdf() { pci_find 1234 11e8; }

# bind_vfio BDF: hand the function to vfio-pci (driver_override, so no other
# device with the same ID is taken); needs load_vfio first.
bind_vfio() {
	local d=/sys/bus/pci/devices/$1
	[ -d "$d" ] || { echo "bind_vfio: no device $1"; return 1; }
	[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
	echo vfio-pci >"$d/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$d/driver")")" = vfio-pci ] || { echo "bind_vfio: $1 is not bound to vfio-pci"; return 1; }
	[ -e "/dev/vfio/$(basename "$(readlink "$d/iommu_group")")" ] || { echo "bind_vfio: no /dev/vfio node for $1"; return 1; }
}

# iommu_group BDF: the function's IOMMU group number.  Empty when no IOMMU
# driver handles the function, and on arm64 (device tree) also until a driver
# binds to it: the SMMU is attached at driver probe (bind_vfio first).
iommu_group() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
