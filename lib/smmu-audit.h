/* SPDX-License-Identifier: MIT */
/*
 * libsmmu's isolation audit: is DMA isolation really in place?  For every
 * unit and every DMA-capable device, what the live configuration does with
 * its requests (translated, bypass, abort, or no IOMMU at all), the physical
 * memory it can reach through every stage (coalesced ranges with their
 * permissions, classified as RAM, another device's MMIO, the IOMMU's own
 * registers and tables, or firmware-reserved), and findings, each with a
 * severity and a one-line reason.
 *
 * And a policy in QNX smmuman's configuration language (`device pci:B:D.F
 * NAME`, `device mem:PADDR NAME`, `allow NAME START,LEN[,PERMS]`, ...):
 * parsed, compared with what the hardware allows (violations: reachable
 * beyond the policy; misses: allowed by the policy, not by the hardware, so
 * the device will fault), and applied (a domain per device name, identity
 * mappings from the allow lines).
 *
 * Nothing here writes to the machine except smmu_policy_apply().
 */
#ifndef SMMU_AUDIT_H
#define SMMU_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu-export.h"
#include "smmu-manager.h"

enum smmu_severity {
	SMMU_SEV_INFO,
	SMMU_SEV_LOW,
	SMMU_SEV_MEDIUM,
	SMMU_SEV_HIGH,
	SMMU_SEV_CRITICAL,
};
/* "info", "low", "medium", "high", "critical" */
SMMU_EXPORT const char *smmu_severity_name(enum smmu_severity s);
/* A name (any case) or its first letter; -EINVAL otherwise. */
SMMU_EXPORT int smmu_severity_parse(const char *s, enum smmu_severity *out);

/* What a device's requests get (requests without a PASID / SubstreamID). */
enum smmu_audit_verdict {
	SMMU_AUDIT_TRANSLATED, /* through page tables: see stages and ranges */
	SMMU_AUDIT_BYPASS,     /* untranslated: it reaches all memory */
	SMMU_AUDIT_ABORT,      /* aborted / blocked (or a bad configuration the unit refuses) */
	SMMU_AUDIT_UNCOVERED,  /* no IOMMU covers it: it reaches all memory */
};
/* "translated", "bypass", "abort", "uncovered" */
SMMU_EXPORT const char *smmu_audit_verdict_name(enum smmu_audit_verdict v);

enum smmu_audit_stage {
	SMMU_AUDIT_S1 = 1 << 0, /* SMMUv3 stage 1, VT-d first level */
	SMMU_AUDIT_S2 = 1 << 1, /* SMMUv3 stage 2, VT-d second level */
	SMMU_AUDIT_V1 = 1 << 2, /* AMD-Vi host translation: v1 tables, its one stage */
};

/* What a piece of physical memory is. */
enum smmu_mem_kind {
	SMMU_MEM_RAM,
	SMMU_MEM_MMIO,        /* another device's registers (PCI BAR, platform device) */
	SMMU_MEM_IOMMU_REGS,  /* an IOMMU unit's registers */
	SMMU_MEM_IOMMU_TABLE, /* a structure an IOMMU reads: stream table, CD, root/context/
			       * PASID table, page table, command/event/invalidation queue */
	SMMU_MEM_RESERVED,    /* firmware-reserved (RMRR, IORT RMR) */
	SMMU_MEM_UNKNOWN,     /* nothing the target describes */
};
/* "ram", "mmio", "iommu-registers", "iommu-table", "reserved", "unknown" */
SMMU_EXPORT const char *smmu_mem_kind_name(enum smmu_mem_kind k);

/* One coalesced range a device reaches: IOVA -> PA with SMMU_PROT_* (PRIV:
 * privileged accesses only).  Bypass and uncovered devices have one range,
 * the whole physical address space, identity. */
struct smmu_audit_range {
	uint64_t iova, pa, size;
	unsigned prot;
};

/* A piece of a reached range that falls on described memory. */
struct smmu_audit_hit {
	uint64_t pa, size;
	enum smmu_mem_kind kind;
	const char *what; /* "RAM", "stream table of smmuv3@0x09050000", "BAR0 of 00:02.0" */
};

/* Since 0.4 (0.5: every one the live tables hold, whoever wrote them): a
 * valid SubstreamID (SMMUv3 CD) or PASID (VT-d scalable-mode PASID entry) of
 * the device (smmu_unit_substreams).  Its requests reach ranges[first,
 * first + nranges) of the device, after those of its requests without one. */
struct smmu_audit_pasid {
	uint32_t pasid;
	const char *domain; /* smmush's domain when smmush attached it, else NULL */
	size_t first, nranges;
};

struct smmu_audit_device {
	struct smmu_device *dev;
	const char *addr, *name;
	struct smmu_unit *unit;    /* NULL: uncovered */
	uint32_t sid;              /* what firmware gives it */
	/* what its DMA presents: a PCIe-to-PCI bridge takes ownership of the
	 * requests from behind it (requester ID secondary-bus:00.0) */
	bool aliased;
	uint16_t dma_rid;
	uint32_t dma_sid;
	const char *alias_via;     /* the bridge ("00:1e.0"), or NULL */
	enum smmu_audit_verdict verdict;
	unsigned stages;           /* enum smmu_audit_stage */
	bool nested;               /* both stages: ranges are their composition */
	char reason[192];          /* the configuration's words */
	const char *domain;        /* smmush's domain, or NULL */
	const struct smmu_audit_range *ranges;
	size_t nranges;
	const struct smmu_audit_hit *hits;  /* pieces of those ranges on described memory */
	size_t nhits;
	uint64_t bytes[SMMU_MEM_UNKNOWN + 1]; /* reached bytes by kind */
	uint64_t bytes_r, bytes_w, bytes_x;   /* reached bytes readable, writable, executable */
	/* PCIe capabilities */
	bool ats, ats_enabled, ats_accepted, pri, pasid;
	bool walk_incomplete;      /* the tables could not be walked in full (loop, unreadable) */
	/* since 0.4: its SubstreamIDs / PASIDs, each walked through the live tables */
	const struct smmu_audit_pasid *pasids;
	size_t npasids;
	/* since 0.5: the target cannot tell its BARs' sizes (sizing writes a
	 * BAR: QEMU, gdb, snapshots without them): each counts as its first page
	 * in the memory map, so memory past it is not known as its MMIO */
	bool bar_sizes_unknown;
	/* since 0.6: the physical bytes it reaches, each once (bytes_r/_w/_x
	 * and bytes[] count each once too, however many substreams reach it) */
	uint64_t bytes_total;
};

struct smmu_audit_unit {
	struct smmu_unit *unit;
	const char *name;
	bool owned, translating;
	/* with translation off: what every device behind it gets */
	enum smmu_audit_verdict global;
	char state[192];
	size_t ndevices;
};

struct smmu_audit_finding {
	enum smmu_severity sev;
	const char *id;   /* stable token: "bypass", "uncovered", "unit-bypass", "unit-abort",
			   * "identity-shared", "p2p", "reaches-iommu", "overlap", "write-exec",
			   * "priv-unusable", "ats-translated", "ats-unaccepted", "pri",
			   * "pasid", "stale", "reserved", "walk-incomplete",
			   * "policy-violation", "policy-fault" */
	struct smmu_unit *unit;
	const char *dev, *other;  /* device addresses (other: the second one, or NULL) */
	bool has_range;
	uint64_t pa, size;
	char reason[256];
};

struct smmu_audit_opts {
	/* a policy to check against (smmu_policy_parse), or NULL */
	const struct smmu_policy *policy;
};

struct smmu_audit;
struct smmu_policy;

/* Audit the target (discovered).  -errno when it cannot be read at all. */
SMMU_EXPORT int smmu_audit_run(struct smmu_target *t, const struct smmu_audit_opts *o, struct smmu_audit **out);
SMMU_EXPORT void smmu_audit_free(struct smmu_audit *a);
SMMU_EXPORT size_t smmu_audit_unit_count(const struct smmu_audit *a);
SMMU_EXPORT const struct smmu_audit_unit *smmu_audit_unit_at(const struct smmu_audit *a, size_t i);
SMMU_EXPORT size_t smmu_audit_device_count(const struct smmu_audit *a);
SMMU_EXPORT const struct smmu_audit_device *smmu_audit_device_at(const struct smmu_audit *a, size_t i);
/* Findings, most severe first. */
SMMU_EXPORT size_t smmu_audit_finding_count(const struct smmu_audit *a);
SMMU_EXPORT const struct smmu_audit_finding *smmu_audit_finding_at(const struct smmu_audit *a, size_t i);
/* The most severe finding's severity; -1 when there is none. */
SMMU_EXPORT int smmu_audit_worst(const struct smmu_audit *a);

/* Stale state: memory smmush wrote (smmu_mem_write) into the table region of
 * an owned unit with no invalidation issued on that unit since.  The audit
 * reports the structures such a write hit.  The library calls these; a front
 * end never needs to. */
SMMU_EXPORT void smmu_audit_note_flush(struct smmu_unit *u);

/* --- policies: QNX smmuman's configuration language -----------------------------
 *   # comment                         (to the end of the line)
 *   device pci:BUS:DEV.FUNC NAME      (also pci:SEG:BUS:DEV.FUNC; a field may be *)
 *   device mem:PADDR NAME             (a platform device by any address in its registers)
 *   allow NAME START,LEN[,PERMS]      (PERMS: letters r w x, default rw)
 *   reserved NAME START,LEN[,PERMS]   (a region the device needs: allowed too)
 *   smmu ..., unit ..., debug N, foreground, verbose   (accepted, ignored here)
 * Numbers are hex, with or without 0x, with an optional K, M or G suffix.
 * Repeated lines accumulate: several devices may share a NAME (one object),
 * and a NAME's allow lines add up. */
struct smmu_policy_range {
	uint64_t start, len;
	unsigned prot;     /* SMMU_PROT_R/W/X */
	bool reserved;     /* from a `reserved` line */
	unsigned line;
};
struct smmu_policy_dev {
	bool pci;
	int seg, bus, dev, fn; /* -1: wildcard */
	uint64_t paddr;        /* mem: */
	unsigned line;
};
struct smmu_policy_obj {
	const char *name;
	const struct smmu_policy_dev *devs;
	size_t ndevs;
	const struct smmu_policy_range *ranges;
	size_t nranges;
};
/* text (len bytes, no NUL needed), file for the messages.  On error, -EINVAL
 * (or -ENOMEM) and one line in err: "FILE:LINE: what is wrong". */
SMMU_EXPORT int smmu_policy_parse(const char *text, size_t len, const char *file, struct smmu_policy **out,
				  char *err, size_t errlen);
/* The same from a file (-errno with "FILE: reason" when it cannot be read). */
SMMU_EXPORT int smmu_policy_load(const char *path, struct smmu_policy **out, char *err, size_t errlen);
SMMU_EXPORT void smmu_policy_free(struct smmu_policy *p);
SMMU_EXPORT size_t smmu_policy_obj_count(const struct smmu_policy *p);
SMMU_EXPORT const struct smmu_policy_obj *smmu_policy_obj_at(const struct smmu_policy *p, size_t i);
/* Whether a policy device line names d. */
SMMU_EXPORT bool smmu_policy_dev_match(const struct smmu_policy_dev *pd, struct smmu_device *d);
/* own --policy: for each NAME a domain called NAME, its devices attached
 * (their units must be owned), each allow/reserved range mapped IOVA = PA.
 * An existing domain of that name is reused.  One line in err on failure. */
SMMU_EXPORT int smmu_policy_apply(struct smmu_target *t, const struct smmu_policy *p, char *err, size_t errlen);

#endif
