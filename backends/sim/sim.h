/* SPDX-License-Identifier: MIT */
/*
 * The built-in platform model.  A machine is sparse RAM, MMIO regions, a PCI
 * configuration space and firmware tables, plus IOMMU units and DMA test
 * devices.  It is written from the architecture specifications and does not
 * use libsmmu's page-table engine or decoders: it is a second, independent
 * implementation that the library is tested against.
 *
 * Everything is synchronous and deterministic: a DMA completes inside the
 * register write that starts it, and time is a virtual clock that advances by
 * fixed amounts per access.
 */
#ifndef SMMU_SIM_H
#define SMMU_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_machine;

enum sim_platform { SIM_VIRT, SIM_Q35, SIM_MMU500, SIM_AMD };

/* --- parameters ------------------------------------------------------------
 * Every tunable is declared once (name, default, help) in params.c and listed
 * by `smmush --target-help`.  Values are parsed by sim_params_set(). */
struct sim_params {
	enum sim_platform platform;
	uint64_t ram_base;     /* 0x40000000 on virt, 0 on q35 */
	uint64_t ram_size;     /* default 1 GiB */
	unsigned ndevs;        /* PCI DMA test devices (>= 2) */
	unsigned evtq_log2;    /* SMMUv3 EVENTQ size advertised in IDR1.EVENTQS */
	unsigned cmdq_log2;    /* SMMUv3 IDR1.CMDQS */
	unsigned nfr;          /* VT-d fault recording registers */
	unsigned vtd_aw;       /* VT-d host address width (MGAW) in bits: 39, 48 or 57 */
	bool stage2;           /* SMMUv3: advertise stage 2 (and nesting) */
	unsigned ttf;          /* SMMUv3 IDR0.TTF: 1 VMSAv8-32 LPAE, 2 VMSAv8-64, 3 both */
	bool scalable;         /* VT-d: advertise scalable mode */
	/* sim:mmu500 (mmu500.c, mmu500-machine.c) */
	unsigned mmu500_smrg;  /* stream match register groups (1-128) */
	unsigned mmu500_cbs;   /* translation context banks (1-128) */
	bool mmu500_64k;       /* IDR1.PAGESIZE: 64 KiB register pages */
	unsigned mmu500_cells; /* the device tree's #iommu-cells: 1 or 2 */
	unsigned bridge_devs;  /* test devices behind a PCIe-to-PCI bridge at 00:1e.0 (0: no bridge) */
	bool ats;              /* the PCI test devices have an ATS capability, enabled */
	unsigned switch_devs;  /* test devices below a PCIe switch at 00:1d.0 (0: no switch) */
	bool switch_acs;       /* its downstream ports have ACS (SV, RR, CR, UF enabled) */
	bool untranslated;     /* virt: a platform DMA device no IOMMU translates */
	/* firmware's reserved regions: q35 RMRRs (id: a requester ID) in the
	 * DMAR, virt IORT RMR nodes (id: a StreamID), amd IVMDs (id: a DeviceID) */
	struct sim_resv {
		uint32_t id;
		uint64_t base, len;
	} rmrr[4], rmr[4], ivmd[4];
	unsigned nrmrr, nrmr, nivmd;
};

struct sim_param_desc {
	const char *name;  /* "ram", "devs", "evtq", ... */
	const char *def;   /* default, as text */
	const char *help;
	unsigned machines; /* the platforms it applies to: SIM_ON(SIM_VIRT) | ... */
};
#define SIM_ON(plat) (1u << (plat))
#define SIM_ON_ALL   (SIM_ON(SIM_VIRT) | SIM_ON(SIM_Q35) | SIM_ON(SIM_MMU500) | SIM_ON(SIM_AMD))

/* The declared parameters, terminated by .name == NULL. */
extern const struct sim_param_desc sim_param_descs[];
void sim_params_default(struct sim_params *p, enum sim_platform platform);
/* Set one parameter from text: 0, -ENOENT (no such name) or -EINVAL (a bad
 * value, or a parameter of another platform than p->platform's).  With err,
 * a failure leaves one line there naming the allowed values or platforms. */
int sim_params_set(struct sim_params *p, const char *name, const char *value);
int sim_params_set_err(struct sim_params *p, const char *name, const char *value, char *err, size_t errlen);
/* Checks across parameters, once all are set: 0 or -EINVAL with one line in err. */
int sim_params_check(const struct sim_params *p, char *err, size_t errlen);
/* "virt", "q35", "mmu500" */
const char *sim_platform_name(enum sim_platform plat);
/* The largest -O ram the platform's address map holds. */
uint64_t sim_ram_max(enum sim_platform plat);

/* --- the machine ---------------------------------------------------------- */
int sim_machine_create(const struct sim_params *p, struct sim_machine **out);
void sim_machine_destroy(struct sim_machine *m);
const struct sim_params *sim_machine_params(const struct sim_machine *m);

/* Physical memory as a CPU sees it.  -EFAULT outside RAM.  RAM is sparse: a
 * page exists once written and reads as zero before. */
int sim_mem_read(struct sim_machine *m, uint64_t pa, void *buf, size_t len);
int sim_mem_write(struct sim_machine *m, uint64_t pa, const void *buf, size_t len);
/* The same write by anyone but that CPU: a device's DMA, a unit writing its
 * queues or A/D bits.  Every such write moves sim_mem_foreign_writes(), so
 * the CPU's software (libsmmu's table cache) knows when it must look again. */
int sim_dma_write(struct sim_machine *m, uint64_t pa, const void *buf, size_t len);
uint64_t sim_mem_foreign_writes(const struct sim_machine *m);
/* MMIO (size 1, 2, 4 or 8).  -EFAULT where nothing is mapped. */
int sim_mmio_read(struct sim_machine *m, uint64_t addr, unsigned size, uint64_t *val);
int sim_mmio_write(struct sim_machine *m, uint64_t addr, unsigned size, uint64_t val);
/* x86 port I/O (q35: 0xcf8/0xcfc).  -ENODEV on virt. */
int sim_pio_read(struct sim_machine *m, uint16_t port, unsigned size, uint32_t *val);
int sim_pio_write(struct sim_machine *m, uint16_t port, unsigned size, uint32_t val);
/* PCI configuration space by bus/device/function (what ECAM and 0xcf8 reach). */
int sim_pci_cfg_read(struct sim_machine *m, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
int sim_pci_cfg_write(struct sim_machine *m, uint16_t bdf, unsigned off, unsigned size, uint32_t val);
/* The size of a function's memory BAR, as modelled, without sizing it (-ENOENT: none). */
int sim_pci_bar_size(struct sim_machine *m, uint16_t bdf, unsigned bar, uint64_t *size);
/* Firmware blobs by name: "fdt" (virt), "IORT" (virt), "DMAR" (q35), "IVRS" (amd), "MCFG".
 * -ENOENT when the platform has none. */
int sim_fw_table(struct sim_machine *m, const char *name, const void **data, size_t *len);
/* Where the platform puts things (for tests and the backend adapter). */
struct sim_layout {
	uint64_t ram_base, ram_size;
	uint64_t iommu_base, iommu_size; /* SMMUv3 or VT-d register frame */
	uint64_t ecam_base, ecam_size;   /* PCIe ECAM */
	uint64_t mmio32_base;            /* where BARs are assigned */
	uint64_t platdev_base;           /* virt: the platform DMA device's registers (0 on q35) */
	uint32_t platdev_sid;            /* virt: its StreamID */
	uint64_t rogue_base;             /* virt, -O untranslated: a platform DMA device no IOMMU
					  * translates (no iommus, no IORT mapping); 0: none */
	uint64_t fdt_addr;               /* virt: device tree blob in RAM */
	uint64_t table_base, table_size; /* RAM reserved for smmush's own tables */
};
void sim_machine_layout(const struct sim_machine *m, struct sim_layout *l);

/* Deterministic virtual time. */
uint64_t sim_now_ns(const struct sim_machine *m);
void sim_advance_ns(struct sim_machine *m, uint64_t ns);

/* --- MMIO regions (used by units and devices when the machine is built) --- */
struct sim_mmio_ops {
	int (*read)(void *opaque, uint64_t off, unsigned size, uint64_t *val);
	int (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
};
int sim_mmio_map(struct sim_machine *m, uint64_t base, uint64_t size,
		 const struct sim_mmio_ops *ops, void *opaque);

/* --- IOMMU units ----------------------------------------------------------
 * A device's DMA goes through its unit one access at a time (at most up to the
 * next 4 KiB boundary).  The unit walks its tables, checks permissions, and
 * either returns the physical address or records the fault the way the
 * hardware would (event queue, fault recording register) and returns
 * -EFAULT.  The device then drops the access, as hardware does. */
enum sim_access {
	SIM_ACC_READ  = 1 << 0,
	SIM_ACC_WRITE = 1 << 1,
	SIM_ACC_EXEC  = 1 << 2, /* instruction fetch */
	SIM_ACC_PRIV  = 1 << 3, /* privileged */
};
struct sim_txn {
	uint32_t sid;     /* SMMUv3 StreamID, or VT-d source-id (bus << 8 | devfn) */
	bool ssv;         /* a SubstreamID / PASID is present */
	uint32_t ssid;    /* SubstreamID or PASID */
	uint64_t iova;
	unsigned access;  /* enum sim_access */
	bool untranslated;/* from a master no IOMMU sits in front of */
};
struct sim_iommu {
	/* 0 with *pa filled, or -EFAULT after the fault was recorded. */
	int (*translate)(struct sim_iommu *u, const struct sim_txn *t, uint64_t *pa);
	void (*destroy)(struct sim_iommu *u);
};
/* Each machine has one unit; devices find it here. */
struct sim_iommu *sim_machine_iommu(struct sim_machine *m);
void sim_machine_set_iommu(struct sim_machine *m, struct sim_iommu *u);
/* Remember a destructor to run when the machine goes (units, devices). */
int sim_machine_on_destroy(struct sim_machine *m, void (*fn)(void *), void *opaque);

/* --- unit models (smmuv3.c, vtd.c) ----------------------------------------- */
int sim_smmuv3_create(struct sim_machine *m, uint64_t base);
int sim_vtd_create(struct sim_machine *m, uint64_t base);
/* An MMU-500 (SMMUv2) with the parameters' groups, banks and page size, and
 * the bytes of register space it decodes (2 x pages of global space). */
int sim_mmu500_create(struct sim_machine *m, uint64_t base);
uint64_t sim_mmu500_size(const struct sim_params *p);
/* AMD IOMMU (amdvi.c): its MMIO registers span 16 KiB; sim_amdvi_efr() is
 * the Extended Feature Register it reports. */
#define SIM_AMDVI_MMIO_SIZE 0x4000
int sim_amdvi_create(struct sim_machine *m, uint64_t base);
uint64_t sim_amdvi_efr(void);
/* The model's record of untranslated windows: how many times Control turned
 * IommuEn off (DMA then passes untranslated) while some PCI function had bus
 * mastering on.  0 on a machine without an AMD IOMMU. */
uint64_t sim_amdvi_open_windows(struct sim_machine *m);

/* --- DMA test devices (testdev.c) -----------------------------------------
 * Register-compatible with QEMU's edu device (BAR0: 0x00 ID 0x010000ed,
 * 0x80 DMA source, 0x88 destination, 0x90 count, 0x98 command: bit 0 run,
 * bit 1 direction (1 = device buffer to RAM), bit 2 interrupt; the device's
 * 4 KiB buffer is at 0x40000 in its own space) so one script runs on sim and
 * on QEMU.  Extensions above 0x100 that edu does not have:
 *   0x100 SSID/PASID   bit 31 valid, bits 19:0 value, used by the next DMA
 *   0x108 DMA status   bit 0 done, bit 1 faulted (some access was dropped)
 *   0x110 STORM        write N: issue N one-byte reads at the DMA source
 *                      address, as fast as the model can (fault load tests)
 *   0x118 ACCESS       extra access attributes for the next DMA: bit 0
 *                      privileged, bit 1 instruction fetch
 *   0x120 EXT_ID       read-only: SIM_TESTDEV_EXT_MAGIC, so a driver can tell
 *                      these extensions are there (edu reads all ones here)
 *   0x128 SID_SEL      which of the device's StreamIDs the next DMA uses (a
 *                      device with several; index, 0 = the first; others RAZ/WI)
 * PCI devices sit at 00:01.0, 00:02.0, ... (vendor 0x1234, device 0x11e8,
 * like edu).  On virt, one more device with the same registers sits on the
 * platform bus at layout.platdev_base with StreamID layout.platdev_sid. */
#define SIM_TESTDEV_ID          0x00
#define SIM_TESTDEV_DMA_SRC     0x80
#define SIM_TESTDEV_DMA_DST     0x88
#define SIM_TESTDEV_DMA_COUNT   0x90
#define SIM_TESTDEV_DMA_CMD     0x98
#define   SIM_TESTDEV_CMD_RUN     0x1
#define   SIM_TESTDEV_CMD_TO_RAM  0x2
#define   SIM_TESTDEV_CMD_IRQ     0x4
#define SIM_TESTDEV_SSID        0x100
#define   SIM_TESTDEV_SSID_VALID  (1u << 31)
#define SIM_TESTDEV_STATUS      0x108
#define   SIM_TESTDEV_ST_DONE     0x1
#define   SIM_TESTDEV_ST_FAULT    0x2
#define SIM_TESTDEV_STORM       0x110
#define SIM_TESTDEV_ACCESS      0x118
#define SIM_TESTDEV_EXT_ID      0x120
#define SIM_TESTDEV_SID_SEL     0x128
#define   SIM_TESTDEV_EXT_MAGIC   0x736d7368u /* "smsh" */
#define SIM_TESTDEV_BUF         0x40000
#define SIM_TESTDEV_BUF_SIZE    0x1000
#define SIM_TESTDEV_BAR_SIZE    0x100000

#endif
