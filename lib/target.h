/* SPDX-License-Identifier: MIT */
/* The target, unit and device objects, shared by the library's own files. */
#ifndef SMMU_TARGET_H
#define SMMU_TARGET_H

#include <stdbool.h>

#include "lib/backend.h"
#include "lib/fault.h"
#include "lib/kmsg.h"
#include "lib/pgtable.h"
#include "lib/smmu.h"

#define SMMU_MAX_UNITS 16
#define SMMU_MAX_DEVICES 256
#define SMMU_MAX_PASIDS 8   /* PASID attachments per device */

struct smmu_domain;

/* One register own() saved: what the ownership journal records. */
struct smmu_saved_reg {
	uint32_t off;
	unsigned size; /* 4 or 8 */
	uint64_t val;
};
#define SMMU_SAVED_MAX 2048 /* SMMUv2: every SMR, S2CR and context bank register it changes */

/* What an architecture driver (arch-smmuv3.c, arch-vtd.c) does for a unit. */
struct smmu_arch_ops {
	int (*probe)(struct smmu_unit *u);
	int (*own)(struct smmu_unit *u);
	int (*release)(struct smmu_unit *u);
	/* dom NULL: the device's stream aborts / its context blocks */
	int (*attach)(struct smmu_unit *u, struct smmu_device *d, struct smmu_domain *dom);
	/* the same for one PASID of the device (VT-d scalable mode; NULL elsewhere) */
	int (*attach_pasid)(struct smmu_unit *u, struct smmu_device *d, uint32_t pasid, struct smmu_domain *dom);
	/* invalidate what a domain's mappings changed, with the sync required */
	int (*flush)(struct smmu_unit *u, struct smmu_domain *dom, uint64_t iova, uint64_t size);
	/* Whether the unit may cache invalid (not-present) table entries, so
	 * that filling one needs an invalidation too; NULL: assume it may */
	bool (*caches_invalid)(struct smmu_unit *u);
	int (*drain)(struct smmu_unit *u); /* push every pending fault record */
	int (*status)(struct smmu_unit *u, struct smmu_unit_status *st); /* beyond .owned */
	/* read the live configuration a requester gets */
	int (*config)(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
	void (*destroy)(struct smmu_unit *u);
	/* the registers own() saved (after it saved them): how many */
	size_t (*saved_get)(struct smmu_unit *u, struct smmu_saved_reg *r, size_t max);
	/* replace them (a journal's); releasing: what release() needs besides */
	int (*saved_set)(struct smmu_unit *u, const struct smmu_saved_reg *r, size_t n, bool releasing);
};

struct smmu_unit {
	struct smmu_target *t;
	enum smmu_arch arch;
	unsigned index;
	uint64_t base;
	char name[40];
	const char *source;
	const struct smmu_arch_ops *ops;
	void *arch_priv;
	bool owned;
	/* the ownership journal (journal.c): its file while owned, and the
	 * registers own --recover takes as the originals */
	char journal[256];
	const struct smmu_saved_reg *recover_regs;
	size_t nrecover_regs;
	/* live targets (kernel.c): what the kernel does with it, and the DMA
	 * choice smmu_unit_own_opts() passes to smmu_unit_own() */
	struct smmu_backend_kunit kunit;
	uint32_t stream_match_mask; /* SMMUv2: the device tree's stream-match-mask (0: none) */
	/* AMD-Vi: the IOMMU's own PCI function and its capability block (IVHD) */
	bool pci_fn_known;
	uint16_t pci_segment, pci_bdf, pci_cap;
	bool kunit_known;
	int own_dma;
	bool own_scalable;  /* VT-d: own installs scalable-mode tables (smmu_own_opts.scalable) */
	/* hw.h reg_read*_kept: registers that cannot change under the library
	 * (read-only ID registers; while owned, what only its driver writes),
	 * dropped at any register write but the ID registers */
	struct smmu_reg_kept { uint32_t off; bool id; uint64_t val; } kept[12];
	unsigned nkept;
	/* audit.c: table-region writes since the unit's last invalidation */
	struct { uint64_t pa, len; } stale[8];
	unsigned nstale;
	bool stale_more;
};

/* Firmware's word on which StreamIDs a range of requester IDs uses (one
 * iommu-map entry or IORT ID mapping), kept until PCI devices are known. */
struct smmu_rid_map {
	uint32_t rid_base, sid_base, count;
	uint64_t unit_base; /* 0: an msi-map entry (sid_base is the MSI DeviceID base) */
	uint16_t segment;   /* the PCI segment whose requester IDs these are */
	const char *source; /* "iommu-map", "msi-map", "IORT", "DMAR" */
	uint32_t rid_mask;  /* iommu-map-mask: applied to a requester ID first (0: none) */
	bool single;        /* every requester ID of the range uses sid_base (IVRS aliases) */
};

/* A reserved region as firmware gives it (reserved.c): an RMRR device scope
 * (requester IDs) or an IORT RMR ID mapping (StreamIDs of one SMMU). */
struct smmu_resv {
	const char *source;    /* "RMRR", "IORT RMR" */
	uint32_t fw_offset;
	uint64_t base, size;   /* whole 4 KiB pages */
	unsigned prot;
	uint32_t rmr_flags;
	uint16_t segment;
	bool pci;
	uint32_t first, last;  /* requester IDs (pci) or StreamIDs */
	uint64_t unit_base;    /* IORT RMR: the SMMU */
};
#define SMMU_MAX_RESV 256

struct smmu_device {
	struct smmu_target *t;
	struct smmu_device_info info;
	char addr[40];
	char name[128];
	char driver[48];    /* the kernel's driver bound to it (live targets) */
	struct smmu_domain *domain;
	bool resv_mapped;   /* attach took its reserved regions into the domain */
	size_t resv_refused; /* 1 + the resv[] index its last attach could not map (0: none) */
	/* VT-d scalable mode: domains attached to PASIDs of the device (its
	 * requests without a PASID use the RID_PASID, 0, and domain above) */
	struct smmu_pasid_attach {
		uint32_t pasid;
		struct smmu_domain *dom;
	} pasids[SMMU_MAX_PASIDS];
	unsigned npasids;
};

struct smmu_target {
	const struct smmu_backend_ops *ops;
	void *priv;
	char spec[32];
	bool discovered;
	struct smmu_unit units[SMMU_MAX_UNITS];
	size_t nunits;
	struct smmu_device devices[SMMU_MAX_DEVICES];
	size_t ndevices;
	struct smmu_rid_map rid_maps[256];
	size_t nrid_maps;
	struct smmu_rid_map msi_maps[8];
	size_t nmsi_maps;
	struct smmu_resv resv[SMMU_MAX_RESV]; /* reserved regions (RMRR, IORT RMR) */
	size_t nresv;
	struct smmu_fault_mon faults;
	/* smmush's own table memory, from the backend's table region */
	bool tables_ready;
	struct smmu_region tables;
	struct smmu_table_alloc table_alloc;
	struct smmu_mem mem; /* target memory for the page-table engine */
	struct smmu_domain *domains[64];
	size_t ndomains;
	uint64_t accesses, fail_after; /* fault injection (smmu_target_fail_after) */
	/* mem_written_when_driven: a device may be writing RAM (an MMIO or PCI
	 * write the library does not know the end of), and the foreign-write
	 * epoch handed to the page-table engine */
	bool devices_busy;
	uint64_t foreign_epoch;
	char journal_dir[200];    /* -O journal=DIR; "" = the default place */
	/* The backend said -SMMU_E_BACKEND (QEMU died, the link is gone): every
	 * later access fails the same way without reaching it. */
	bool dead;
	struct smmu_kmsg_parser kmsg;  /* the kernel log's fault reports (kmsg.c) */
};

/* discovery steps (discover-*.c, pci.c); each returns 0 or -errno with err set */
int smmu_discover_fdt(struct smmu_target *t, char *err, size_t errlen);
int smmu_discover_acpi(struct smmu_target *t, char *err, size_t errlen);
int smmu_pci_scan(struct smmu_target *t, char *err, size_t errlen);
/* dma.c: SMMU_DEV_STORM for the DMA devices that have sim's extensions. */
void smmu_dma_probe(struct smmu_target *t);
/* "Vendor Device" from pci.ids (libpci). */
void smmu_pci_name(char *buf, size_t len, uint16_t vendor, uint16_t device);
struct smmu_unit *smmu_unit_by_base(struct smmu_target *t, uint64_t base);
int smmu_unit_new(struct smmu_target *t, enum smmu_arch arch, uint64_t base, const char *source,
		  struct smmu_unit **out);
struct smmu_device *smmu_device_new(struct smmu_target *t);
/* unit.c, domain.c */
int smmu_unit_bind(struct smmu_unit *u);   /* choose the arch driver and probe */
void smmu_unit_unbind(struct smmu_unit *u);
void smmu_domain_unbind(struct smmu_domain *dom);
/* journal.c: own() calls smmu_journal_saved() once the registers are saved
 * and before it writes any: the journal is on disk first (or, recovering,
 * the journal's registers replace what was read). */
int smmu_journal_saved(struct smmu_unit *u);
int smmu_unit_own_recovering(struct smmu_unit *u); /* unit.c: own, not asking */
void smmu_journal_remove(struct smmu_unit *u);
/* Memory the library wrote at [pa, pa + len): domains' cached tables follow.
 * true when all of it lies in domains' page tables and it only filled
 * entries that were zero (invalid): what a unit caching no invalid entry
 * cannot hold stale. */
bool smmu_domains_note_write(struct smmu_target *t, uint64_t pa, const void *buf, size_t len);
/* The device with this StreamID / source-id behind unit u, or NULL. */
struct smmu_device *smmu_device_by_sid(struct smmu_target *t, struct smmu_unit *u, uint32_t sid);
/* kernel.c: live targets */
int smmu_kernel_map_units(struct smmu_target *t, char *err, size_t errlen);
void smmu_kernel_devices(struct smmu_target *t);
int smmu_unit_own_precheck(struct smmu_unit *u, char *err, size_t errlen);
/* kmsg.c: the kernel log as a fault source; records drained (>= 0) or -errno */
int smmu_kmsg_poll(struct smmu_target *t);
/* reserved.c: a reserved region from firmware (-ENOSPC past SMMU_MAX_RESV);
 * the device's regions mapped into / out of its domain at attach / detach */
int smmu_resv_add(struct smmu_target *t, const struct smmu_resv *r);
int smmu_resv_attach(struct smmu_domain *dom, struct smmu_device *d);
void smmu_resv_detach(struct smmu_domain *dom, struct smmu_device *d);
bool smmu_resv_device_has(const struct smmu_resv *r, const struct smmu_device *d);
/* unit.c: smmu_arch_ops.caches_invalid, NULL meaning yes */
bool smmu_unit_caches_invalid(struct smmu_unit *u);
/* target.c: a register write by a unit's driver, which points the unit's
 * own writes (queues, logs, semaphores) only at smmush's memory outside
 * table pages: no device is started by it */
int smmu_unit_reg_write(struct smmu_unit *u, uint32_t off, unsigned size, uint64_t val);
/* A block of registers at off (len a multiple of 8) in one request where
 * the backend can (else 8-byte accesses), in address order. */
int smmu_unit_reg_read_block(struct smmu_unit *u, uint32_t off, void *buf, size_t len);
int smmu_unit_reg_write_block(struct smmu_unit *u, uint32_t off, const void *buf, size_t len);
/* hw.h: a register read once and kept (see smmu_unit.kept); id: a
 * read-only ID register, kept for the session */
int smmu_unit_reg_read_kept(struct smmu_unit *u, uint32_t off, unsigned size, bool id, uint64_t *val);
/* dma.c: a write to a DMA device's own registers (a known device, never a
 * unit): it may start writing RAM */
int smmu_device_mmio_write(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t val);
/* dma.c: the DMA the library started is over (every write it made landed):
 * the devices are as busy as before it started */
void smmu_target_dma_done(struct smmu_target *t, bool busy_before);
/* audit.c: a write into smmush's table region, remembered per owned unit
 * until its next invalidation (smmu_audit_note_flush); fills_invalid: it
 * only filled invalid page-table entries (smmu_domains_note_write) */
void smmu_audit_note_write(struct smmu_target *t, uint64_t pa, size_t len, bool fills_invalid);

#endif
