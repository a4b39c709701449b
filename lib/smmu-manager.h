/* SPDX-License-Identifier: MIT */
/*
 * libsmmu's manager API, in the style of QNX's smmuman: targets, units,
 * devices, domains that devices join, mappings with R/W/X permissions, test
 * DMA and fault reports.  Functions return 0 or a negative errno;
 * smmu_strerror() is the one place that turns an error into words.  The
 * library never prints and never exits.
 */
#ifndef SMMU_MANAGER_H
#define SMMU_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu-export.h"

/* The library's version, "MAJOR.MINOR.PATCH". */
SMMU_EXPORT const char *smmu_version(void);

/* Errors specific to smmush, beyond errno values (still returned negated). */
enum smmu_error {
	SMMU_E_BASE = 4096,
	SMMU_E_NOTOWNED,   /* a write to a unit that is not owned, without --write */
	SMMU_E_LOOP,       /* a table walk found a cycle or ran out of its step budget */
	SMMU_E_TIMEOUT,    /* the hardware did not answer within its time limit */
	SMMU_E_BACKEND,    /* the backend (QEMU, /dev/mem) failed or went away */
	SMMU_E_PARSE,      /* malformed input (script, snapshot, firmware table) */
	SMMU_E_PROT,       /* map: permissions the domain's table format cannot express */
	SMMU_E_CONFLICT,   /* map/unmap: tables in memory changed beneath smmush's cache */
	SMMU_E_LEFTOWNED,  /* own: an earlier session left the unit owned (see smmu_unit_recover) */
	/* a live Linux machine (--target linux) refuses: each says why and what to do */
	SMMU_E_NOTROOT,    /* /dev/mem and /proc/kcore need root (CAP_SYS_RAWIO) */
	SMMU_E_LOCKDOWN,   /* kernel lockdown (Secure Boot) refuses /dev/mem and /proc/kcore */
	SMMU_E_CLAIMED,    /* a kernel driver claimed the region (boot with iomem=relaxed) */
	SMMU_E_NORAM,      /* RAM is not readable: no /proc/kcore and /dev/mem refuses it */
	SMMU_E_RAMWRITE,   /* a write to System RAM: only a carve-out may be written */
	SMMU_E_NOTABLES,   /* no memory for smmush's tables (-O tables=ADDR,SIZE) */
	SMMU_E_KERNEL,     /* the kernel drives the unit: inspection only */
	SMMU_E_DMA_ACTIVE, /* devices behind the unit may be doing DMA: say what happens to it */
	SMMU_E_READONLY,   /* a write to a target that cannot change (a snapshot) */
	/* SMMUv2 attach (since 0.3) */
	SMMU_E_NOSMR,      /* every stream-match register group is in use */
	SMMU_E_NOCB,       /* every translation context bank is in use */
	SMMU_E_SHARED,     /* a StreamID shares its stream-match entry with a device in another domain */
	SMMU_E_NOTRAM,     /* a memory access outside the target's RAM (smmu_target_ram_words says where RAM is) */
	SMMU_E_CMDQ,       /* SMMUv3: the command queue stopped on an error (CMDQ_CONS.ERR, GERROR.CMDQ_ERR) */
	SMMU_E_RESERVED,   /* map/unmap: the range overlaps a device's reserved region (smmu_domain_reserved_at) */
	SMMU_E_STALE,      /* the ownership journal is from an earlier start of the machine */
	SMMU_E_MAX,
};

/* Text for a negative (or positive) error code; never NULL. */
SMMU_EXPORT const char *smmu_strerror(int err);

/* One set of permission bits: what a mapping allows (map, list, translate
 * results) and what an access asks for (translate, fault records). */
enum smmu_prot {
	SMMU_PROT_R      = 1 << 0,
	SMMU_PROT_W      = 1 << 1,
	SMMU_PROT_X      = 1 << 2,
	/* a mapping: privileged accesses only (S1 AP[1]=0, VT-d FL U/S=0);
	 * an access: a privileged request */
	SMMU_PROT_PRIV   = 1 << 3,
	SMMU_PROT_DEVICE = 1 << 4, /* map at stage 2: MemAttr Device-nGnRE instead of Normal WB */
	SMMU_MAP_PAGES   = 1 << 5, /* map: the smallest pages only, no blocks */
	/* bits 8..10: stage 1 AttrIndx (MAIR index), SMMU_PROT_ATTR(); default 0 */
};
#define SMMU_PROT_ATTR(idx) (((unsigned)(idx) & 7) << 8)
#define SMMU_PROT_ATTR_GET(prot) (((prot) >> 8) & 7)

/* A requester as the IOMMU sees it: StreamID (SMMUv3) or source-id (VT-d),
 * with its SubstreamID / PASID when ssv is set. */
struct smmu_stream {
	uint32_t sid;
	bool ssv;
	uint32_t ssid;
};

/* --- targets --------------------------------------------------------------
 * A target is one machine reached through a backend: "sim" (= "sim:virt"),
 * "sim:q35", "qemu:virt", "qemu:q35", ...  Options are "key=value" strings
 * declared by the backend. */
struct smmu_target;

SMMU_EXPORT int smmu_target_open(const char *spec, const char *const *opts, size_t nopts,
				 struct smmu_target **out, char *err, size_t errlen);
SMMU_EXPORT void smmu_target_close(struct smmu_target *t);
SMMU_EXPORT const char *smmu_target_spec(const struct smmu_target *t);  /* "sim:virt" */
SMMU_EXPORT const char *smmu_target_describe(const struct smmu_target *t);
SMMU_EXPORT int smmu_target_table_region(struct smmu_target *t, uint64_t *base, uint64_t *size);
/* The machine's clock: nanoseconds since the target started (the sim's
 * machine, a QEMU smmush started) or opened (attached or live machines);
 * fault records carry it. */
SMMU_EXPORT uint64_t smmu_target_now_ns(struct smmu_target *t);
/* NULL while the target answers; once its backend failed for good (every
 * access then fails with -SMMU_E_BACKEND), why, in one line. */
SMMU_EXPORT const char *smmu_target_gone(struct smmu_target *t);
/* The target's RAM: up to max [base, size] pairs, lowest first; returns how
 * many, or -ENOTSUP when the backend does not know (gdb). */
SMMU_EXPORT int smmu_target_ram(struct smmu_target *t, uint64_t (*ranges)[2], size_t max);
/* The same for messages: "0x40000000-0x7fffffff" (ranges joined by ", "),
 * "unknown" when the backend does not know.  Returns buf. */
SMMU_EXPORT const char *smmu_target_ram_words(struct smmu_target *t, char *buf, size_t len);
/* 1 when [pa, pa + len) lies in one RAM range, 0 when it does not, -ENOTSUP unknown. */
SMMU_EXPORT int smmu_target_is_ram(struct smmu_target *t, uint64_t pa, uint64_t len);
/* Requests sent to a remote machine (QEMU's qtest commands) so far; 0 for local ones. */
SMMU_EXPORT uint64_t smmu_target_roundtrips(struct smmu_target *t);

/* Backends and their parameters, for --target-help. */
struct smmu_backend_info {
	const char *name, *help, *variants;
};
struct smmu_param_info {
	const char *name, *def, *help;
};
SMMU_EXPORT size_t smmu_backend_count(void);
SMMU_EXPORT int smmu_backend_info(size_t i, struct smmu_backend_info *info);
/* The i-th parameter of backend b; -ENOENT past the last. */
SMMU_EXPORT int smmu_backend_param(size_t b, size_t i, struct smmu_param_info *info);

/* Raw access through the target (inspection; writes are the caller's
 * responsibility to guard).  Sizes: MMIO 4 or 8, PCI 1, 2 or 4. */
SMMU_EXPORT int smmu_mem_read(struct smmu_target *t, uint64_t pa, void *buf, size_t len);
SMMU_EXPORT int smmu_mem_write(struct smmu_target *t, uint64_t pa, const void *buf, size_t len);
SMMU_EXPORT int smmu_mmio_read(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t *val);
SMMU_EXPORT int smmu_mmio_write(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t val);
SMMU_EXPORT int smmu_pci_read(struct smmu_target *t, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
SMMU_EXPORT int smmu_pci_write(struct smmu_target *t, uint16_t bdf, unsigned off, unsigned size, uint32_t val);
/* A firmware table ("fdt", "IORT", "DMAR"): a malloc'd copy the caller frees. */
SMMU_EXPORT int smmu_fw_table(struct smmu_target *t, const char *name, void **data, size_t *len);
/* --- units and devices ------------------------------------------------------
 * Units (IOMMU instances) and the devices behind them are found from the
 * target's firmware tables (device tree, IORT, DMAR) and PCI enumeration. */
enum smmu_arch { SMMU_ARCH_SMMUV3, SMMU_ARCH_VTD, SMMU_ARCH_SMMUV2 /* since 0.3: SMMUv1/v2, MMU-500 */,
		 SMMU_ARCH_AMDVI };
/* "smmuv3", "vtd", "smmuv2", "amdvi": the prefix of the architecture's decoder kinds */
SMMU_EXPORT const char *smmu_arch_name(enum smmu_arch a);

struct smmu_unit;
struct smmu_device;
struct smmu_fault;

/* Find units and devices (once per target; again after smmu_unit_add). */
SMMU_EXPORT int smmu_discover(struct smmu_target *t, char *err, size_t errlen);
SMMU_EXPORT size_t smmu_unit_count(const struct smmu_target *t);
SMMU_EXPORT struct smmu_unit *smmu_unit_at(struct smmu_target *t, size_t i);
/* For boards whose firmware is wrong: a unit at a given register base. */
SMMU_EXPORT int smmu_unit_add(struct smmu_target *t, enum smmu_arch arch, uint64_t base,
			      struct smmu_unit **out);

struct smmu_unit_info {
	enum smmu_arch arch;
	unsigned index;
	uint64_t base;
	const char *name;    /* "smmuv3@0x09050000", "dmar@0xfed90000" */
	const char *source;  /* where it was found: "fdt", "IORT", "DMAR", "manual" */
};
SMMU_EXPORT void smmu_unit_info(const struct smmu_unit *u, struct smmu_unit_info *info);

SMMU_EXPORT size_t smmu_device_count(const struct smmu_target *t);
SMMU_EXPORT struct smmu_device *smmu_device_at(struct smmu_target *t, size_t i);

enum smmu_bus { SMMU_BUS_PCI, SMMU_BUS_PLATFORM };
struct smmu_device_info {
	enum smmu_bus bus;
	uint16_t bdf;              /* PCI: bus << 8 | device << 3 | function */
	uint64_t mmio_base, mmio_size; /* platform device: its register range */
	uint16_t vendor, device;   /* PCI IDs */
	uint32_t class_rev;
	const char *addr;          /* "00:01.0" or "platform@0x0a000000" */
	const char *name;          /* from pci.ids via libpci, or the firmware node */
	struct smmu_unit *unit;    /* NULL: no unit translates it */
	uint32_t sid;              /* StreamID or source-id */
	bool has_msi_id;           /* the device tree's msi-map names its MSI DeviceID */
	uint32_t msi_id;
	unsigned caps;             /* enum smmu_device_caps */
	/* since 0.2 */
	uint16_t segment;          /* PCI segment (domain) */
	const char *driver;        /* live targets: the kernel driver bound to it, or NULL */
	int iommu_group;           /* live targets: the kernel's IOMMU group, or -1 */
	uint32_t sids[8];          /* every StreamID firmware gives it (sids[0] == sid) */
	unsigned nsids;            /* 0 when it has none (no unit) */
	/* since 0.3 */
	uint32_t sid_masks[8];     /* SMMUv2: StreamID bits stream matching may ignore, per
				    * sids[] (the device tree's stream-match-mask or second
				    * #iommu-cells cell; 0: exact) */
};
/* How firmware maps requester IDs to StreamIDs (iommu-map, IORT ID
 * mappings, DMAR device scopes) or to MSI DeviceIDs (msi-map). */
struct smmu_id_map_info {
	const char *source;       /* "iommu-map", "msi-map", "IORT", "DMAR" */
	uint16_t segment;         /* PCI segment */
	uint32_t rid_base, count; /* requester IDs [rid_base, rid_base + count), after rid_mask */
	uint32_t rid_mask;        /* iommu-map-mask (0xffffffff: none) */
	struct smmu_unit *unit;   /* NULL for msi-map: out_base is an MSI DeviceID */
	uint32_t out_base;        /* StreamID / source-id of rid_base */
};
SMMU_EXPORT size_t smmu_id_map_count(const struct smmu_target *t);
SMMU_EXPORT int smmu_id_map_get(struct smmu_target *t, size_t i, struct smmu_id_map_info *out);

enum smmu_device_caps {
	SMMU_DEV_DMA   = 1 << 0, /* a test device smmush can drive DMA with (smmu_dma) */
	SMMU_DEV_STORM = 1 << 1, /* it can also raise fault storms (the sim's test devices) */
	/* since 0.4: its requests can carry a PASID / SubstreamID (the sim's test
	 * devices; QEMU's edu cannot: smmu_dma() with ssv fails, -EOPNOTSUPP) */
	SMMU_DEV_PASID = 1 << 2,
};
SMMU_EXPORT void smmu_device_info(const struct smmu_device *d, struct smmu_device_info *info);
/* By PCI address ("00:01.0", or "01.0" on bus 0), by "platform@0x...", or by
 * any MMIO address ("0x0c000010") inside a platform device's registers. */
SMMU_EXPORT struct smmu_device *smmu_device_find(struct smmu_target *t, const char *name);
/* By numbers: a PCI function, or any MMIO address inside a platform device. */
SMMU_EXPORT struct smmu_device *smmu_device_find_pci(struct smmu_target *t, uint16_t segment, uint8_t bus,
						     uint8_t dev, uint8_t fn);
SMMU_EXPORT struct smmu_device *smmu_device_find_mmio(struct smmu_target *t, uint64_t addr);


/* --- ownership -------------------------------------------------------------
 * Nothing is written to a unit until it is owned.  smmu_unit_own() saves every
 * register it will change, installs smmush's own tables in which every stream
 * aborts (SMMUv3) or every context blocks (VT-d) until a device is attached,
 * and enables translation with no window in which DMA bypasses it.
 * smmu_unit_release() puts back exactly what was saved.
 *
 * Domains outlive ownership: release keeps every domain, its mappings (the
 * library's record and smmush's tables in the table region) and the devices
 * in it; map, unmap and attach wait for the next own (-SMMU_E_NOTOWNED),
 * detach and domain destroy only change the record.  The next own installs
 * it all again: every table rewritten, every device re-attached, so DMA
 * that worked before release works after the next own. */
SMMU_EXPORT int smmu_unit_own(struct smmu_unit *u);
SMMU_EXPORT int smmu_unit_release(struct smmu_unit *u);
SMMU_EXPORT bool smmu_unit_owned(const struct smmu_unit *u);

/* --- the ownership journal ------------------------------------------------------
 * A session can die while it owns a unit (SIGKILL, a crash, the power of the
 * host): the unit keeps translating with smmush's tables and nobody knows
 * what the registers were.  So own() writes what it saved (target, unit base,
 * architecture, every saved register) to a journal file, atomically (a
 * temporary file, fsync, rename) and BEFORE its first register write;
 * release() removes it.  The journal lives in DIR from the target option
 * "journal=DIR", else $SMMUSH_JOURNAL_DIR, else $XDG_RUNTIME_DIR/smmush,
 * else /run/smmush (root) or /tmp/smmush-UID, one file per machine and unit.
 * Only machines that outlive a session have one: the backend names them
 * (QEMU attached with socket=PATH: the path); sim and a QEMU smmush started
 * die with the session.
 *
 * A unit is left owned when a journal names it, or when its registers point
 * into smmush's table region while this session does not own it.  Then
 * smmu_unit_own() refuses (-SMMU_E_LEFTOWNED) rather than save smmush's
 * leftovers as "the original", and smmu_unit_recover() decides:
 * SMMU_RECOVER_RELEASE restores the journal's registers and removes the
 * journal; SMMU_RECOVER_OWN owns the unit with the journal's registers as the
 * originals (a later release restores them).  -ENOENT when no journal names
 * the unit (the saved registers are unknown), -SMMU_E_STALE when its journal
 * is from an earlier start of the machine (the backend's instance differs). */
struct smmu_left_owned {
	bool journal;     /* a journal of an earlier session names the unit */
	bool tables;      /* its registers point into smmush's table region */
	char path[256];   /* the journal ("" when none) */
	long pid;         /* the session that wrote it (0: unknown) */
	long long time;   /* when (Unix time; 0: unknown) */
	/* since 0.4: a journal names the unit but was written for an earlier start of the
	 * machine (then journal is false): it is reported, never acted on, and
	 * the next own replaces it; smmu_unit_recover() says -SMMU_E_STALE */
	bool stale;
};
/* 1: left owned (info says how), 0: not, or a negative errno. */
SMMU_EXPORT int smmu_unit_left_owned(struct smmu_unit *u, struct smmu_left_owned *info);
enum smmu_recover { SMMU_RECOVER_RELEASE, SMMU_RECOVER_OWN };
SMMU_EXPORT int smmu_unit_recover(struct smmu_unit *u, enum smmu_recover how);

/* What a unit is doing now, read from its registers. */
struct smmu_unit_status {
	bool owned;
	bool translating;      /* SMMUv3 CR0.SMMUEN, VT-d GSTS.TES */
	unsigned sid_bits;     /* StreamID / source-id width */
	unsigned ssid_bits;    /* SubstreamID / PASID width (0: none) */
	unsigned fault_slots;  /* records the unit holds before it loses one: event
				* queue entries (SMMUv3), fault recording registers (VT-d) */
};
SMMU_EXPORT int smmu_unit_status(struct smmu_unit *u, struct smmu_unit_status *st);
/* What smmu_unit_own() does about devices that may be doing DMA when it
 * takes a unit over (on a live machine: a kernel driver bound, bus mastering
 * on).  Without a choice, it refuses while there are any. */
enum smmu_own_dma {
	SMMU_OWN_DMA_REFUSE,      /* refuse (-SMMU_E_DMA_ACTIVE) while there are any */
	SMMU_OWN_DMA_ABORT,       /* their DMA aborts (faults) from then on */
	SMMU_OWN_DMA_PASSTHROUGH, /* they join an identity domain over System RAM */
};
struct smmu_own_opts {
	enum smmu_own_dma dma;
	/* since 0.4: VT-d, install scalable-mode tables (RTADDR.TTM=01: a PASID
	 * directory per device, requests without a PASID at PASID 0); needs
	 * ECAP.SMTS (-EOPNOTSUPP).  false: legacy root and context tables */
	bool scalable;
};
/* smmu_unit_own() with a choice for active DMA (o NULL: refuse) and, on
 * failure, one line in err saying why and what to do. */
SMMU_EXPORT int smmu_unit_own_opts(struct smmu_unit *u, const struct smmu_own_opts *o, char *err, size_t errlen);
/* Devices behind u that may be doing DMA now (up to max into out); the count. */
SMMU_EXPORT size_t smmu_unit_dma_active(struct smmu_unit *u, struct smmu_device **out, size_t max);

/* What the running kernel does with a unit (live targets; known false elsewhere). */
struct smmu_unit_kernel {
	bool known;           /* the target can tell (--target linux) */
	bool kernel_owned;    /* the kernel's IOMMU driver drives it: smmush only inspects it */
	bool claimed;         /* a kernel driver holds its registers (/proc/iomem) */
	const char *claimer;  /* that claim's name ("dmar0"), or NULL */
	const char *iommu;    /* its name under /sys/class/iommu, or NULL */
	bool translating;     /* SMMUv3 CR0.SMMUEN, VT-d GSTS.TES */
	bool irq_remap;       /* VT-d GSTS.IRES: interrupts are remapped through it */
	bool queued_inv;      /* VT-d GSTS.QIES: its invalidation queue is on */
};
SMMU_EXPORT int smmu_unit_kernel(struct smmu_unit *u, struct smmu_unit_kernel *out);

/* Release every owned unit of the target: for exit paths. */
SMMU_EXPORT int smmu_target_release_all(struct smmu_target *t);
/* Release t's owned units at exit and on SIGINT, SIGTERM and SIGHUP (then the
 * signal's default action runs).  One target per process; NULL removes it.
 * The release runs in the signal handler: a front end holds those signals
 * while it calls into the library (sigprocmask, as smmush does), so the
 * release never interrupts a call that shares the backend or the heap. */
SMMU_EXPORT int smmu_release_on_exit(struct smmu_target *t);

/* --- domains and mappings -------------------------------------------------------
 * Devices that join a domain share its mappings.  A domain is bound to the
 * unit of its first device (or, on a target with one unit, of its first
 * mapping). */
enum smmu_domain_flags {
	SMMU_DOMAIN_STAGE2 = 1 << 0, /* SMMUv3: translate with stage 2 */
};
struct smmu_domain;

SMMU_EXPORT int smmu_domain_create(struct smmu_target *t, const char *name, unsigned flags,
				   struct smmu_domain **out);

/* The table format a domain is to use, for people testing one: zero fields
 * take the defaults (those of smmu_domain_create: SMMUv3 stage 1, VT-d
 * second level, 4 KiB granule, the widest input and output the unit has
 * up to 48 bits).  Checked against every unit of the target when created
 * (one that could take it suffices) and against the domain's unit when it
 * is bound: -EOPNOTSUPP (a stage or table type the unit lacks), -ERANGE (a
 * size beyond the unit's), -EINVAL (no such format), with err naming the
 * limit. */
enum smmu_domain_stage {
	SMMU_STAGE_DEFAULT,
	SMMU_STAGE_1,       /* SMMUv3 stage 1 (CD); VT-d first level (scalable mode, PASID entry) */
	SMMU_STAGE_2,       /* SMMUv3 stage 2 (STE); VT-d second level */
	SMMU_STAGE_NESTED,  /* stage 1 nested in a stage-2 domain (parent): a pass-through
			     * device's setup, its tables and output at IPAs */
};
struct smmu_domain_geometry {
	enum smmu_domain_stage stage;
	struct smmu_domain *parent; /* SMMU_STAGE_NESTED: the stage-2 ("host") domain.  The
				     * nested domain's tables get IPA = PA mappings in it; map
				     * the IPAs its mappings output in the parent yourself */
	unsigned granule;           /* 4096, 16384, 65536 (SMMUv3) */
	unsigned ias, oas;          /* input and output address bits */
	unsigned levels;            /* VT-d: 3, 4 or 5 levels (second level), 4 or 5 (first); AMD-Vi: 1 to 5 (EFR.HATS) */
};
SMMU_EXPORT int smmu_domain_create_geom(struct smmu_target *t, const char *name, const struct smmu_domain_geometry *g,
					struct smmu_domain **out, char *err, size_t errlen);
/* What a domain was created with, and, once bound to a unit, the format its
 * tables have (granule, ias, oas, levels filled in). */
SMMU_EXPORT int smmu_domain_geometry(const struct smmu_domain *dom, struct smmu_domain_geometry *g);
/* -EBUSY while devices are attached. */
SMMU_EXPORT int smmu_domain_destroy(struct smmu_domain *dom);
SMMU_EXPORT struct smmu_domain *smmu_domain_find(struct smmu_target *t, const char *name);
SMMU_EXPORT size_t smmu_domain_count(const struct smmu_target *t);
SMMU_EXPORT struct smmu_domain *smmu_domain_at(struct smmu_target *t, size_t i);
SMMU_EXPORT const char *smmu_domain_name(const struct smmu_domain *dom);

/* -ENOENT: no unit translates the device; -EBUSY: it is in another domain;
 * -SMMU_E_NOTOWNED: its unit is not owned. */
SMMU_EXPORT int smmu_device_attach(struct smmu_device *d, struct smmu_domain *dom);
SMMU_EXPORT int smmu_device_detach(struct smmu_device *d);
SMMU_EXPORT struct smmu_domain *smmu_device_domain(const struct smmu_device *d);
/* Since 0.4, VT-d scalable mode (own with smmu_own_opts.scalable): a domain
 * for the requests of one PASID of the device (1 <= pasid < 2^ECAP.PSS+1;
 * PASID 0 is the RID_PASID, which smmu_device_attach() sets).  -EOPNOTSUPP:
 * the unit's tables are not scalable-mode ones; -ERANGE: PASID 0 or beyond
 * the unit's PASIDs; -EBUSY: the PASID has another domain; -ENOSPC: the
 * device has SMMU_MAX_PASIDS (8) already.  Detach blocks the PASID again. */
SMMU_EXPORT int smmu_device_attach_pasid(struct smmu_device *d, uint32_t pasid, struct smmu_domain *dom);
SMMU_EXPORT int smmu_device_detach_pasid(struct smmu_device *d, uint32_t pasid);
SMMU_EXPORT size_t smmu_device_pasid_count(const struct smmu_device *d);
/* The i-th PASID attachment; -ENOENT past the last. */
SMMU_EXPORT int smmu_device_pasid_at(const struct smmu_device *d, size_t i, uint32_t *pasid,
				     struct smmu_domain **dom);

/* --- reserved regions ---------------------------------------------------------
 * Memory firmware says a device uses by DMA before and after an OS takes the
 * IOMMU over (QNX smmuman's smmu_device_report_reserved): VT-d RMRRs (DMAR,
 * per device scope) and Arm IORT RMR nodes (per StreamID of their ID
 * mappings).  Found at discovery.  smmu_device_attach() maps a device's
 * regions IOVA = PA into its domain, as Linux does, so a display or USB
 * controller keeps working once smmush owns the unit; detach unmaps them
 * once no device of the domain needs them.  Permissions: an RMRR read and
 * write; an IORT RMR read and write, SMMU_PROT_PRIV when its flags say
 * "access privileged", SMMU_PROT_DEVICE when its access attributes are a
 * Device type (stage 2 honours it).  What the domain's format cannot express
 * (PRIV at stage 2 or VT-d second level) is left out. */
struct smmu_reserved_region {
	const char *source;     /* "RMRR", "IORT RMR", "IVMD" or "IVMD exclusion" */
	uint32_t fw_offset;     /* the RMRR structure / RMR node's offset in its table */
	uint64_t base, size;    /* the range, mapped IOVA = PA (whole 4 KiB pages) */
	unsigned prot;          /* SMMU_PROT_*: what firmware implies */
	uint32_t rmr_flags;     /* IORT RMR Flags as stored (0 for an RMRR) */
	bool remap_permitted;   /* IORT RMR flag: the OS may leave it out or map it elsewhere */
	const char *attrs;      /* IORT RMR access attributes' name ("Device-nGnRE", ...), NULL for an RMRR */
	uint16_t segment;       /* RMRR: PCI segment */
	bool pci;               /* RMRR: requester IDs rid_first..rid_last (a device scope) */
	uint32_t rid_first, rid_last;
	struct smmu_unit *unit; /* IORT RMR: the SMMU whose StreamIDs sid_first..sid_last it names */
	uint32_t sid_first, sid_last;
	struct smmu_device *dev; /* the device asked about, or the first device it names (NULL: none found) */
	bool mapped;            /* in dev's smmush domain now (IOVA = PA, by attach) */
	bool refused;           /* smmu_device_reserved: dev's last attach failed on it: it
				 * overlaps a mapping of the domain, or lies beyond its input size */
};
/* Every reserved region firmware describes (one per RMRR device scope, per
 * RMR ID mapping), whether or not a device was found for it. */
SMMU_EXPORT size_t smmu_reserved_count(const struct smmu_target *t);
SMMU_EXPORT int smmu_reserved_get(struct smmu_target *t, size_t i, struct smmu_reserved_region *out);
/* The regions of one device: up to max into out; returns how many it has. */
SMMU_EXPORT size_t smmu_device_reserved(const struct smmu_device *d, struct smmu_reserved_region *out, size_t max);
/* "RMRR 0x8d000000-0x8f7fffff (DMAR offset 0xb0)": for messages; returns buf. */
SMMU_EXPORT const char *smmu_reserved_words(const struct smmu_reserved_region *r, char *buf, size_t len);
/* The reserved region a domain maps for its devices that overlaps
 * [iova, iova + size): 1 (out filled), or 0 when none does. */
SMMU_EXPORT int smmu_domain_reserved_at(const struct smmu_domain *dom, uint64_t iova, uint64_t size,
					struct smmu_reserved_region *out);
enum smmu_attach_flags {
	SMMU_ATTACH_NO_RESERVED = 1 << 0, /* leave the device's reserved regions out of the domain */
};
/* smmu_device_attach() with flags.  Beyond its errors: -EEXIST when a
 * reserved region of the device overlaps a mapping the domain has (nothing
 * changed; smmu_device_reserved names the regions). */
SMMU_EXPORT int smmu_device_attach_flags(struct smmu_device *d, struct smmu_domain *dom, unsigned flags);

/* Map [iova, iova + size) to physical pa with SMMU_PROT_* permissions.  Sizes
 * and addresses are multiples of 4 KiB (of the granule); -EINVAL when not,
 * -EEXIST when overlapping a mapping (nothing changed), -SMMU_E_RESERVED
 * when overlapping a reserved region attach mapped (unmap too), except the
 * same identity mapping with the same permissions asked for again (0).  Invalidation is
 * batched: one sync per call, never skipped. */
SMMU_EXPORT int smmu_map(struct smmu_domain *dom, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot);
SMMU_EXPORT int smmu_unmap(struct smmu_domain *dom, uint64_t iova, uint64_t size);

/* A domain's tables are in target memory, which others may write too.
 * Writes through this library (smmu_mem_write) reach smmush's cached copy
 * of the tables; map and unmap write back only the entries they changed; and
 * before they change a table they compare it with memory.  An entry that
 * changed beneath the cache (written by another agent) makes the call fail
 * with -SMMU_E_CONFLICT having changed nothing: the cache takes memory's
 * value (nothing of the other agent's is overwritten), and a second call
 * works on it.  The count of such entries and the last one: */
struct smmu_table_conflict {
	uint64_t count;    /* entries found changed beneath the cache, ever */
	uint64_t entry_pa; /* the last one: where, */
	uint64_t cached;   /* what smmush had last read or written there, */
	uint64_t memory;   /* and what memory held instead */
};
/* -ENOENT: the domain has no tables yet. */
SMMU_EXPORT int smmu_domain_conflicts(const struct smmu_domain *dom, struct smmu_table_conflict *c);

/* --- test DMA ------------------------------------------------------------------
 * Devices with a DMA engine (edu-compatible test devices: QEMU's edu, sim's)
 * move up to 4 KiB between memory at an IOVA and their own buffer, through
 * their unit's translation.  A transfer that faults is dropped by the device
 * and shows up in the fault monitor. */
enum smmu_dma_dir {
	SMMU_DMA_FROM_MEM, /* the device reads memory at iova into its buffer */
	SMMU_DMA_TO_MEM,   /* the device writes its buffer to memory at iova */
};
#define SMMU_DMA_MAX 4095 /* QEMU 7.2's edu dies on a 4096-byte transfer */
struct smmu_dma_opts {
	bool ssv;        /* with a SubstreamID / PASID */
	uint32_t ssid;
	bool priv, exec; /* request attributes (sim only) */
};
/* 0 when the device finished the transfer (whether or not it faulted);
 * -ENODEV: no DMA engine; -SMMU_E_TIMEOUT: it never finished. */
SMMU_EXPORT int smmu_dma(struct smmu_device *d, enum smmu_dma_dir dir, uint64_t iova, size_t len,
			 const struct smmu_dma_opts *opts);
/* A fault storm: count one-byte reads at iova, issued by the device as fast
 * as it can (with opts' SubstreamID and attributes), for devices with
 * SMMU_DEV_STORM.  Nobody drains meanwhile: more faults than the unit holds
 * (smmu_unit_status().fault_slots) overflow, and are counted as lost.
 * 0 when all were issued; -EOPNOTSUPP: the device cannot storm. */
SMMU_EXPORT int smmu_device_storm(struct smmu_device *d, uint64_t iova, uint64_t count,
				  const struct smmu_dma_opts *opts);
/* --- faults -----------------------------------------------------------------
 * Every unit's fault source (SMMUv3 event queue and GERROR; VT-d fault
 * recording registers) is drained into one normalized record.  Records that
 * could not be kept (queue overflow, PFO, unreadable) are counted as lost,
 * never silently dropped. */
enum smmu_fault_class {
	SMMU_FC_TRANSLATION, /* no valid entry for the address */
	SMMU_FC_PERMISSION,  /* an entry denies the access */
	SMMU_FC_ACCESS,      /* access flag clear */
	SMMU_FC_ADDR_SIZE,   /* input or output address out of range */
	SMMU_FC_CONFIG,      /* bad or absent STE / CD / root / context / PASID entry */
	SMMU_FC_FETCH,       /* a table fetch failed (external abort) */
	SMMU_FC_STREAM,      /* stream disabled, forbidden or unknown */
	SMMU_FC_OTHER,
};
SMMU_EXPORT const char *smmu_fault_class_name(enum smmu_fault_class c);

struct smmu_fault {
	uint64_t seq;          /* 1, 2, 3... in drain order, per target */
	uint64_t ts_ns;        /* the target's clock when drained */
	struct smmu_unit *unit;
	struct smmu_device *dev; /* NULL when no known device has the source id */
	struct smmu_stream stream; /* StreamID or source-id, SubstreamID / PASID */
	uint64_t addr;         /* faulting input address (VT-d: page address) */
	unsigned access;       /* SMMU_PROT_R/W/X/PRIV: what the request asked for */
	uint32_t code;         /* EventID or VT-d fault reason */
	const char *code_name; /* "F_TRANSLATION", "SL PTE read access not set" */
	enum smmu_fault_class cls;
	const char *raw_kind;  /* decoder kind of the raw record */
	uint64_t raw[4];
	unsigned nraw;
};

struct smmu_fault_source {
	struct smmu_unit *unit;
	struct smmu_device *dev;
	uint32_t sid;
	uint64_t count;
	uint64_t first_ns, last_ns;
	uint64_t last_addr;
	uint32_t last_code;
	const char *last_code_name;
	enum smmu_fault_class last_cls;
};

struct smmu_fault_totals {
	uint64_t total;         /* records drained */
	uint64_t lost_overflow; /* queue overflow episodes / PFO seen */
	uint64_t lost_unread;   /* records that could not be read */
	uint64_t quirks;        /* departures from the specification detected (see below) */
	uint64_t gerrors;       /* global errors (GERROR) acknowledged */
};

/* Drain every unit once; returns records drained (>= 0) or -errno. */
SMMU_EXPORT int smmu_faults_poll(struct smmu_target *t);
SMMU_EXPORT void smmu_faults_totals(const struct smmu_target *t, struct smmu_fault_totals *out);
/* The ring keeps the newest records (capacity fixed at open). i = 0 is the
 * oldest kept; -ENOENT past the newest. */
SMMU_EXPORT size_t smmu_faults_kept(const struct smmu_target *t);
SMMU_EXPORT int smmu_faults_get(const struct smmu_target *t, size_t i, struct smmu_fault *out);
/* Per-source statistics. */
SMMU_EXPORT size_t smmu_fault_source_count(const struct smmu_target *t);
SMMU_EXPORT int smmu_fault_source_get(const struct smmu_target *t, size_t i, struct smmu_fault_source *out);
/* Forget kept records and statistics (totals stay). */
SMMU_EXPORT void smmu_faults_clear(struct smmu_target *t);
/* A callback per record; a batch callback after each poll that drained any. */
typedef void (*smmu_fault_cb)(void *ctx, const struct smmu_fault *f);
typedef void (*smmu_fault_batch_cb)(void *ctx, size_t n);
SMMU_EXPORT int smmu_fault_subscribe(struct smmu_target *t, smmu_fault_cb each, smmu_fault_batch_cb batch,
				     void *ctx);
SMMU_EXPORT void smmu_fault_unsubscribe(struct smmu_target *t, void *ctx);

/* --- registers by name ----------------------------------------------------------
 * A unit's registers as the decoders describe them (kind, specification
 * name, width, fields), found by name: "cr0", "CR0", "smmuv3.cr0".  The
 * library says where each one is: SMMUv3 page-1 registers, and the VT-d
 * registers CAP and ECAP place (fault recording, IVA, IOTLB).  As with
 * smmu_mmio_write(), guarding writes (own, or the user's --write) is the
 * caller's business. */
struct smmu_desc;
struct smmu_reg {
	const struct smmu_desc *desc; /* what it is: kind, name, nwords x width, fields */
	uint32_t offset;  /* byte offset of instance 0 in the unit's register frame */
	unsigned count;   /* instances: CAP.NFR + 1 VT-d fault recording registers, else 1 */
	unsigned stride;  /* bytes from one instance to the next */
};
/* -ENOENT when the unit's architecture has no register of that name. */
SMMU_EXPORT int smmu_reg_find(struct smmu_unit *u, const char *name, struct smmu_reg *reg);
/* The unit's i-th register, in the decoders' order; -ENOENT past the last. */
SMMU_EXPORT int smmu_reg_at(struct smmu_unit *u, size_t i, struct smmu_reg *reg);
/* Instance `index` (0 <= index < count): desc->nwords words. */
SMMU_EXPORT int smmu_reg_read(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, uint64_t *words);
/* One-word registers only: -EINVAL for wider ones, -ERANGE when value does not
 * fit the register, -EPERM when no field of it is writable. */
SMMU_EXPORT int smmu_reg_write(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, uint64_t value);
/* Any width: desc->nwords words, written low word first (a VT-d fault
 * recording register is cleared by writing its high word with F=1). */
SMMU_EXPORT int smmu_reg_write_words(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index,
				     const uint64_t *words);
/* After a write: whether the register holds it (its read-write fields; a
 * flag written 1 that reads 0 was a request the hardware completed).  1 when
 * it took, 0 when it did not (now: what it reads; why: what the architecture
 * says about it, or ""), -errno when it cannot be read back. */
SMMU_EXPORT int smmu_reg_write_took(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index,
				    const uint64_t *written, uint64_t *now, char *why, size_t len);
/* The registers whose values show what smmu_unit_own() and smmu_unit_release()
 * change (enables, table roots): names for smmu_reg_find(), NULL-terminated. */
SMMU_EXPORT const char *const *smmu_unit_own_regs(const struct smmu_unit *u);

/* --- snapshots ---------------------------------------------------------------------
 * A machine's IOMMU state in one ELF core file (README.md, "Snapshot file
 * format"): every unit's registers, firmware tables, PCI configuration space,
 * units, devices and kept fault records as notes, and every page of memory
 * the units' live configuration reaches (stream tables, CDs, root, context
 * and PASID tables, page tables of every stage, queues) as PT_LOAD segments.
 * Open one with smmu_target_open("snapshot:FILE"): every read works, every
 * write fails with -SMMU_E_READONLY. */
enum smmu_snapshot_flags {
	SMMU_SNAPSHOT_RAM = 1 << 0, /* all of the machine's RAM too */
};
struct smmu_snapshot_report {
	uint64_t memory_bytes;   /* bytes of memory saved */
	uint64_t table_bytes;    /* of which pages the walks read (without --ram's extra) */
	uint64_t file_bytes;
	unsigned segments;       /* PT_LOAD segments (adjacent pages coalesced) */
	unsigned units, devices, registers, fw_tables, faults, walks;
	unsigned warnings;       /* the capture went on past something wrong */
	char warning[256];       /* the first of them */
	uint64_t elapsed_ns;
};
/* Called now and then during a capture; a non-zero return cancels it (-EINTR). */
typedef int (*smmu_snapshot_progress_fn)(void *arg, const char *phase, uint64_t done, uint64_t total);
/* Drains faults first.  The file appears complete or not at all (written
 * beside it, then renamed).  note: free text kept in the file, or NULL. */
SMMU_EXPORT int smmu_snapshot_save(struct smmu_target *t, const char *path, unsigned flags, const char *note,
		       smmu_snapshot_progress_fn progress, void *arg, struct smmu_snapshot_report *rep);
/* A target that refuses every write (a snapshot). */
SMMU_EXPORT bool smmu_target_read_only(const struct smmu_target *t);

/* The instruction set of the machine's CPUs ("arm64", "x86-64"), from its
 * firmware tables; NULL when they do not say. */
SMMU_EXPORT const char *smmu_target_isa(struct smmu_target *t);

/* --- fault filters ------------------------------------------------------------
 * One language for every front end (smmush's trace --filter and faults
 * --filter, the monitor's '/'): terms separated by ',', all of which must hold.
 *   dev=DEVICE      the device, as smmu_device_find() names it
 *   sid=N           StreamID / source-id
 *   code=N|NAME     the reason: EventID or VT-d fault reason, or its name
 *                   (F_TRANSLATION, "PTE read access is not set")
 *   class=CLASS     translation, permission, access-flag, address-size,
 *                   configuration, table-fetch, stream, other
 *   addr=A|LO-HI    the faulting address, or an inclusive range
 *   WORD            a word without '=': a device whose address or name, or a
 *                   reason or class whose name contains it (any case); a
 *                   number also names that SID.  A word that names nothing on
 *                   the target is an error, like dev= a device it does not have.
 *   KEY!=VALUE      the term negated.
 * Errors (-EINVAL) come with the term at fault in err: "'sid=xyz': sid must be
 * a number".  Devices are resolved on t when parsing.  With t NULL (a front
 * end whose target is not open yet) everything but device names is checked:
 * dev= then matches no fault and a word only SIDs, reasons and classes, so
 * parse again with the target to filter. */
struct smmu_fault_filter;
SMMU_EXPORT int smmu_fault_filter_parse(struct smmu_target *t, const char *text, struct smmu_fault_filter **out,
					char *err, size_t errlen);
SMMU_EXPORT void smmu_fault_filter_free(struct smmu_fault_filter *f);
/* A NULL filter matches everything.  A filter remembers its last answer for
 * a reason name, so it is used by one thread at a time. */
SMMU_EXPORT bool smmu_fault_filter_match(struct smmu_fault_filter *f, const struct smmu_fault *fault);
/* A source matches when its newest record would (per-source statistics). */
SMMU_EXPORT bool smmu_fault_filter_match_source(struct smmu_fault_filter *f, const struct smmu_fault_source *s);

#endif
