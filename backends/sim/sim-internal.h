/* SPDX-License-Identifier: MIT */
/*
 * The platform model's internal API: what machine.c, ram.c, pci.c and
 * testdev.c give to the platform builders (virt.c, q35.c) and to the unit
 * models (smmuv3.c, vtd.c).  Not used outside backends/sim.
 *
 * Build order (sim_machine_create):
 *   1. the machine is allocated, parameters copied, RAM set up from
 *      p->ram_base/p->ram_size (sparse, nothing allocated yet);
 *   2. sim_virt_build() or sim_q35_build() runs.  A builder:
 *        - fills a struct sim_layout and calls sim_set_layout();
 *        - creates its unit (sim_smmuv3_create / sim_vtd_create), which
 *          maps its registers and calls sim_machine_set_iommu();
 *        - calls sim_pci_init() (maps ECAM; on q35 the core then also
 *          answers 0xcf8/0xcfc) and sim_pci_add_testdevs();
 *        - on virt, sim_testdev_create_platform();
 *        - builds its firmware tables and hands them to sim_fw_add().
 *   On failure the builder just returns a negative errno: the machine is
 *   destroyed, running everything registered so far.
 */
#ifndef SMMU_SIM_INTERNAL_H
#define SMMU_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/sim/sim.h"

#define SIM_PAGE_SHIFT 12
#define SIM_PAGE_SIZE  (1ULL << SIM_PAGE_SHIFT)

/* The address maps' RAM windows, shared with params.c so that -O ram's
 * documented and checked limits are the machines' own.  virt and mmu500:
 * RAM from 1G up to the high PCIe ECAM; q35: RAM from 0 up to the ECAM
 * below 4G. */
#define SIM_ARM_RAM_BASE  0x40000000ULL
#define SIM_ARM_ECAM_BASE 0x4010000000ULL
#define SIM_Q35_ECAM_BASE 0xb0000000ULL

/* --- the machine --------------------------------------------------------- */

/* Platform builders: one per platform. */
int sim_virt_build(struct sim_machine *m);  /* virt.c */
int sim_q35_build(struct sim_machine *m);   /* q35.c */
int sim_mmu500_build(struct sim_machine *m); /* mmu500-machine.c */
int sim_amd_build(struct sim_machine *m);   /* amd.c */

/* Record where things are; sim_machine_layout() returns it.  ram_base and
 * ram_size are taken from the parameters, whatever l says. */
void sim_set_layout(struct sim_machine *m, const struct sim_layout *l);

/* Add a firmware blob ("fdt", "IORT", "DMAR", "MCFG", ...).  The machine takes
 * ownership of data (malloc'd; freed on destroy, also when this fails).
 * -EEXIST if the name is taken. */
int sim_fw_add(struct sim_machine *m, const char *name, void *data, size_t len);

/* ACPI helpers for builders: fill the 36-byte standard header (OEM "SMMUSH",
 * table id "SIMMACH ") and, once the body is complete, the checksum. */
void sim_acpi_header(void *table, const char sig[4], uint32_t len, uint8_t rev);
void sim_acpi_checksum(void *table, size_t len);

/* Little-endian stores for the firmware tables the builders lay out. */
static inline void sim_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void sim_put32(uint8_t *p, uint32_t v)
{
	sim_put16(p, (uint16_t)v);
	sim_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void sim_put64(uint8_t *p, uint64_t v)
{
	sim_put32(p, (uint32_t)v);
	sim_put32(p + 4, (uint32_t)(v >> 32));
}

/* What every builder does once its addresses are in l: check the test
 * device count (1 to 31, the functions bus 0 has after 00:00.0), put
 * smmush's own tables at the top of RAM (a quarter of it when RAM is
 * small), and record l.  -EINVAL on a bad count. */
int sim_layout_finish(struct sim_machine *m, struct sim_layout *l);

/* Build the MCFG for one ECAM window on segment 0 and add it (dmar.c). */
int sim_fw_add_mcfg(struct sim_machine *m, uint64_t ecam_base, uint64_t ecam_size);

/* Virtual time: every DMA access and every table fetch costs a fixed amount,
 * so the same script gives the same timestamps. */
#define SIM_NS_PER_ACCESS 10
#define SIM_NS_PER_FETCH  5

/* --- RAM (ram.c) ----------------------------------------------------------
 * Sparse: 4 KiB pages allocated on first write.  These are the fast paths for
 * unit models (table walks) and devices; sim_mem_read/sim_mem_write are the
 * general ones. */

/* The 4 KiB page holding pa.  write=false: an untouched page is a shared
 * zero page (do not write through it).  NULL outside RAM (or on allocation
 * failure). */
uint8_t *sim_ram_page(struct sim_machine *m, uint64_t pa, bool write);
/* Aligned little-endian 64-bit accesses (pa must be 8-byte aligned):
 * 0 or -EFAULT outside RAM.  What a unit uses to fetch STEs, CDs, PTEs. */
int sim_ram_read64(struct sim_machine *m, uint64_t pa, uint64_t *val);
int sim_ram_write64(struct sim_machine *m, uint64_t pa, uint64_t val); /* counts as foreign */
bool sim_ram_contains(const struct sim_machine *m, uint64_t pa, uint64_t len);
/* Number of pages touched so far (tests, memory accounting). */
size_t sim_ram_pages(const struct sim_machine *m);

/* --- PCI (pci.c) ---------------------------------------------------------- */
struct sim_pci_dev;

/* Create the host bridge at 00:00.0 (vendor:device as given) and map ECAM at
 * base (size: 1 MiB per bus).  On SIM_Q35 the core also answers port I/O
 * 0xcf8/0xcfc.  BARs are assigned from mmio32_base upwards, the way firmware
 * would (see sim_pci_register). */
int sim_pci_init(struct sim_machine *m, uint64_t ecam_base, uint64_t ecam_size,
		 uint64_t mmio32_base, uint16_t host_vendor, uint16_t host_device);

/* A PCI function with one 32-bit memory BAR0 of bar_size bytes (a power of
 * two >= 4 KiB, or 0 for none) served by ops/opaque.  The BAR is
 * pre-assigned (next free slot from mmio32_base) and COMMAND has memory space
 * enabled but bus master off: software turns bus master on before DMA, as on
 * QEMU.  Software may move the BAR; writing 0xffffffff sizes it.  The
 * device's StreamID / source-id is its bdf (identity mapping on both
 * platforms). */
int sim_pci_register(struct sim_machine *m, uint16_t bdf, uint16_t vendor,
		     uint16_t device, uint32_t class_rev, uint32_t bar_size,
		     const struct sim_mmio_ops *ops, void *opaque,
		     struct sim_pci_dev **out);
/* A PCIe-to-PCI bridge at bdf with a PCI Express capability (type 7) and
 * one secondary bus (its subordinate too).  The requests of devices behind it
 * carry the requester ID secondary:00.0 (PCIe to PCI/PCI-X Bridge
 * specification 1.0, 2.3): whoever builds them gives them that StreamID. */
int sim_pci_add_bridge(struct sim_machine *m, uint16_t bdf, uint8_t secondary);
/* A PCIe switch port at bdf (upstream: type 5, else a downstream port,
 * type 6) forwarding buses secondary..subordinate; a downstream port with acs
 * has an ACS capability with SV, RR, CR and UF enabled. */
int sim_pci_add_switch_port(struct sim_machine *m, uint16_t bdf, bool upstream, uint8_t secondary,
			    uint8_t subordinate, bool acs);
/* An ATS extended capability at 0x100 (its Enable bit as given). */
int sim_pci_add_ats(struct sim_pci_dev *d, bool enabled);
/* COMMAND.BME (bit 2) set: the device may master DMA. */
bool sim_pci_bus_master(const struct sim_pci_dev *d);
/* Some function of the machine may master DMA. */
bool sim_pci_any_bus_master(const struct sim_machine *m);
/* A read-only dword of configuration space (capability registers), and a
 * capability list of one entry at off (Status.CapList, Capabilities Pointer). */
void sim_pci_cfg_set32(struct sim_pci_dev *d, unsigned off, uint32_t val);
void sim_pci_add_cap(struct sim_pci_dev *d, uint8_t off);
uint16_t sim_pci_bdf(const struct sim_pci_dev *d);

/* n edu-compatible test devices at 00:01.0, 00:02.0, ... (vendor 0x1234,
 * device 0x11e8, class 0x00ff00, 1 MiB BAR0). */
int sim_pci_add_testdevs(struct sim_machine *m, unsigned n);

/* Used by machine.c: a BAR that decodes addr (memory space enabled). */
int sim_pci_bar_access(struct sim_machine *m, uint64_t addr, unsigned size,
		       uint64_t *val, bool write);
int sim_pci_pio(struct sim_machine *m, uint16_t port, unsigned size,
		uint32_t *val, bool write);

/* --- test devices (testdev.c) --------------------------------------------- */
struct sim_testdev;

/* The PCI test device at bdf; its DMA uses StreamID/source-id sid and is
 * gated by COMMAND.BME. */
int sim_testdev_create_pci(struct sim_machine *m, uint16_t bdf, uint32_t sid,
			   struct sim_testdev **out);
/* -O bridge=N: the bridge at 00:1e.0 (secondary bus SIM_BRIDGE_BUS) and N
 * test devices behind it at SIM_BRIDGE_BUS:00.0, :01.0, ... */
#define SIM_BRIDGE_DEVFN 0xf0
#define SIM_BRIDGE_BUS 2
int sim_pci_add_bridged_testdevs(struct sim_machine *m, unsigned n);
/* -O switch=N: a PCIe switch, its upstream port at 00:1d.0 (secondary bus
 * SIM_SWITCH_BUS), downstream ports at SIM_SWITCH_BUS:00.0, :01.0, ... each
 * with one test device at (SIM_SWITCH_BUS + 1 + i):00.0 (its own requester
 * ID); acs: the downstream ports' ACS capability (-O acs=). */
#define SIM_SWITCH_DEVFN 0xe8
#define SIM_SWITCH_BUS 3
int sim_pci_add_switched_testdevs(struct sim_machine *m, unsigned n, bool acs);
/* virt and q35: the test devices on bus 0, behind the bridge and behind the
 * switch, as many as the parameters say. */
int sim_pci_add_param_testdevs(struct sim_machine *m);
/* The platform (non-PCI) test device: registers at base (SIM_TESTDEV_BAR_SIZE
 * bytes), DMA always enabled, StreamID sid. */
int sim_testdev_create_platform(struct sim_machine *m, uint64_t base, uint32_t sid,
				struct sim_testdev **out);
/* A platform test device whose DMA goes to memory untranslated (no IOMMU
 * in front of it). */
int sim_testdev_create_untranslated(struct sim_machine *m, uint64_t base);
/* Give a device several StreamIDs (at most 4; the first is the default):
 * SIM_TESTDEV_SID_SEL picks the one its next DMA uses. */
int sim_testdev_set_sids(struct sim_testdev *d, const uint32_t *sids, unsigned n);

/* One DMA access through the machine's unit, the way every device does it:
 * split at 4 KiB boundaries, each chunk translated (no unit: identity) and
 * then read or written in RAM.  Returns 0, or -EFAULT when any chunk faulted
 * or fell outside RAM (that chunk is dropped: reads give zeros).  Exposed so
 * unit tests and other devices do not reimplement it. */
int sim_dma(struct sim_machine *m, const struct sim_txn *t, void *buf, size_t len);

/* --- core state ------------------------------------------------------------
 * Defined here for machine.c, ram.c, pci.c and testdev.c.  Builders and unit
 * models should use the functions above, not these fields. */
struct sim_ram;
struct sim_pci;

struct sim_region {
	uint64_t base, size;
	const struct sim_mmio_ops *ops;
	void *opaque;
};

struct sim_fw_blob {
	char name[16];
	void *data;
	size_t len;
};

struct sim_dtor {
	void (*fn)(void *);
	void *opaque;
};

struct sim_machine {
	struct sim_params p;
	struct sim_layout layout;
	struct sim_ram *ram;
	struct sim_pci *pci;
	struct sim_iommu *iommu;
	struct sim_region *regions;
	size_t nregions;
	struct sim_fw_blob *fw;
	size_t nfw;
	struct sim_dtor *dtors;
	size_t ndtors;
	uint64_t now_ns;
	/* one-entry lookup cache for MMIO dispatch */
	const struct sim_region *last_region;
};

int sim_ram_init(struct sim_machine *m);
void sim_ram_fini(struct sim_machine *m);
void sim_pci_fini(struct sim_machine *m);

#endif
