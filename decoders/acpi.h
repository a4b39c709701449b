/* SPDX-License-Identifier: MIT */
/*
 * ACPI DMAR (Intel VT-d), IORT (Arm) and IVRS (AMD-Vi) tables: a bounds-checked parser into
 * plain structs, then decoders that print every parsed field as text or JSON.
 *
 * The parsers trust nothing in the table: every length, offset and count is
 * checked against the buffer and the structure that holds it before a byte is
 * read, with arithmetic that cannot wrap.  They either return a complete
 * struct or an error; they never return half a table.
 *
 * Return values (parsers and renderers alike):
 *   0            success; the struct may still carry warnings
 *   -EOVERFLOW   truncated: the buffer is shorter than an ACPI header, or than
 *                the table length its header claims
 *   -EINVAL      corrupt: a structure that does not fit where it must, a
 *                length of 0, an odd device scope path, an ID array that
 *                overflows its node, a reference to no node, a loop ...
 *   -ENOTSUP     smmu_acpi_render_*: a signature other than DMAR, IORT or IVRS
 *   -ENOMEM      out of memory
 * On any error `err` holds one line that says what and where, e.g.
 *   "DMAR: DRHD at offset 0x58: length 0x40 runs past the table end (0x70)".
 *
 * Warnings are facts about a table that is still usable, kept in the struct
 * and printed with it: a wrong checksum is one, not an error, because real
 * firmware ships wrong checksums and Linux uses those tables anyway; so are
 * reserved fields that are not zero and references of an unexpected type.
 */
#ifndef SMMU_ACPI_H
#define SMMU_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "smmu-export.h"
#include "json.h"

#define SMMU_ACPI_HEADER_LEN 36

struct smmu_acpi_header {
	char signature[5];        /* NUL-terminated copies of the fixed-size fields */
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;         /* the byte as stored */
	bool checksum_ok;         /* all `length` bytes sum to 0 (mod 256) */
	uint8_t checksum_want;    /* the value that would make them sum to 0 */
	char oem_id[7];
	char oem_table_id[9];
	uint32_t oem_revision;
	char asl_compiler_id[5];
	uint32_t asl_compiler_revision;
};

#define SMMU_ACPI_MAX_WARNINGS 32
#define SMMU_ACPI_WARNING_LEN 160

struct smmu_acpi_warnings {
	unsigned count; /* may exceed SMMU_ACPI_MAX_WARNINGS: the rest were counted, not kept */
	char text[SMMU_ACPI_MAX_WARNINGS][SMMU_ACPI_WARNING_LEN];
};

/* ---- DMAR: Intel VT-d specification, chapter 8 ---------------------------- */

enum smmu_acpi_dmar_type {
	SMMU_ACPI_DMAR_DRHD = 0, /* DMA Remapping Hardware Unit Definition */
	SMMU_ACPI_DMAR_RMRR = 1, /* Reserved Memory Region Reporting */
	SMMU_ACPI_DMAR_ATSR = 2, /* Root Port ATS Capability Reporting */
	SMMU_ACPI_DMAR_RHSA = 3, /* Remapping Hardware Static Affinity */
	SMMU_ACPI_DMAR_ANDD = 4, /* ACPI Name-space Device Declaration */
	SMMU_ACPI_DMAR_SATC = 5, /* SoC Integrated Address Translation Cache */
	SMMU_ACPI_DMAR_SIDP = 6, /* SoC Integrated Device Property (VT-d 4.1) */
};

/* DMAR header Flags */
#define SMMU_ACPI_DMAR_INTR_REMAP               (1u << 0)
#define SMMU_ACPI_DMAR_X2APIC_OPT_OUT           (1u << 1)
#define SMMU_ACPI_DMAR_DMA_CTRL_PLATFORM_OPT_IN (1u << 2)
/* DRHD Flags */
#define SMMU_ACPI_DRHD_INCLUDE_PCI_ALL (1u << 0)
/* ATSR Flags */
#define SMMU_ACPI_ATSR_ALL_PORTS (1u << 0)
/* SATC Flags */
#define SMMU_ACPI_SATC_ATC_REQUIRED (1u << 0)

enum smmu_acpi_scope_type {
	SMMU_ACPI_SCOPE_PCI_ENDPOINT = 1,
	SMMU_ACPI_SCOPE_PCI_BRIDGE = 2,   /* a PCI sub-hierarchy */
	SMMU_ACPI_SCOPE_IOAPIC = 3,
	SMMU_ACPI_SCOPE_HPET = 4,         /* MSI-capable HPET */
	SMMU_ACPI_SCOPE_ACPI_NAMESPACE = 5,
};

struct smmu_acpi_pci_path {
	uint8_t device, function;
};

struct smmu_acpi_dmar_scope {
	uint32_t offset;        /* from the start of the table */
	uint8_t type, length;
	uint16_t reserved;
	uint8_t enumeration_id; /* IOAPIC ID, HPET number or ANDD device number */
	uint8_t start_bus;
	size_t npath;           /* (length - 6) / 2, at least 1 */
	struct smmu_acpi_pci_path *path;
};

struct smmu_acpi_dmar_entry {
	uint32_t offset;  /* from the start of the table */
	uint16_t type, length;
	union {
		struct {
			uint8_t flags;
			uint8_t size; /* register set: 2^size 4 KiB pages (VT-d 3.0; reserved before) */
			uint16_t segment;
			uint64_t register_base;
		} drhd;
		struct {
			uint16_t reserved, segment;
			uint64_t base, limit; /* limit is the last byte, inclusive */
		} rmrr;
		struct {
			uint8_t flags, reserved;
			uint16_t segment;
		} atsr, satc;
		struct {
			uint32_t reserved;
			uint64_t base;
			uint32_t proximity_domain;
		} rhsa;
		struct {
			uint32_t reserved;      /* 3 bytes */
			uint8_t device_number;
			char *name;             /* NUL-terminated copy */
		} andd;
		struct {
			uint16_t reserved, segment;
		} sidp;
	};
	size_t nscopes;
	struct smmu_acpi_dmar_scope *scopes;
	/* a type this parser does not know: its bytes after type and length */
	size_t nraw;
	uint8_t *raw;
};

struct smmu_acpi_dmar {
	struct smmu_acpi_header hdr;
	uint8_t host_address_width; /* as stored: DMA addresses are width + 1 bits */
	uint8_t flags;
	uint8_t reserved[10];
	size_t nentries;
	struct smmu_acpi_dmar_entry *entries;
	struct smmu_acpi_warnings warnings;
};

SMMU_EXPORT int smmu_acpi_dmar_parse(const void *buf, size_t len, struct smmu_acpi_dmar **out, char *err,
				     size_t errlen);
SMMU_EXPORT void smmu_acpi_dmar_free(struct smmu_acpi_dmar *d);
/* "DRHD" ... or NULL; long names for text output. */
SMMU_EXPORT const char *smmu_acpi_dmar_type_name(unsigned type);
SMMU_EXPORT const char *smmu_acpi_dmar_type_title(unsigned type);
SMMU_EXPORT const char *smmu_acpi_scope_type_name(unsigned type);

/* ---- IORT: Arm DEN 0049 (IO Remapping Table) ------------------------------ */

enum smmu_acpi_iort_type {
	SMMU_ACPI_IORT_ITS_GROUP = 0,
	SMMU_ACPI_IORT_NAMED_COMPONENT = 1,
	SMMU_ACPI_IORT_ROOT_COMPLEX = 2,
	SMMU_ACPI_IORT_SMMU = 3,   /* SMMUv1 or SMMUv2 */
	SMMU_ACPI_IORT_SMMUV3 = 4,
	SMMU_ACPI_IORT_PMCG = 5,
	SMMU_ACPI_IORT_RMR = 6,
};

/* ID mapping Flags */
#define SMMU_ACPI_IORT_SINGLE_MAPPING (1u << 0)
/* Memory access properties: Allocation hints and Memory access flags */
#define SMMU_ACPI_IORT_HINT_TRANSIENT (1u << 0)
#define SMMU_ACPI_IORT_HINT_WRITE     (1u << 1)
#define SMMU_ACPI_IORT_HINT_READ      (1u << 2)
#define SMMU_ACPI_IORT_HINT_OVERRIDE  (1u << 3)
#define SMMU_ACPI_IORT_MF_CPM         (1u << 0) /* coherent path to memory */
#define SMMU_ACPI_IORT_MF_DACS        (1u << 1) /* device attributes are cacheable, inner shareable */
#define SMMU_ACPI_IORT_MF_CANWBS      (1u << 2) /* coherent for normal write-back shareable (E.f) */
/* Named component node flags (E.e) */
#define SMMU_ACPI_IORT_NC_STALL_SUPPORTED (1u << 0)
#define SMMU_ACPI_IORT_NC_PASID_BITS      (0x1fu << 1)
/* Root complex ATS attribute, PASID capabilities, flags */
#define SMMU_ACPI_IORT_RC_ATS_SUPPORTED  (1u << 0)
#define SMMU_ACPI_IORT_RC_PRI_SUPPORTED  (1u << 1)
#define SMMU_ACPI_IORT_RC_PASID_FWD      (1u << 2)
#define SMMU_ACPI_IORT_RC_PASID_MAX_WIDTH 0x1fu
#define SMMU_ACPI_IORT_RC_PASID_SUPPORTED (1u << 0)
/* SMMUv1/v2 flags and interrupt flags */
#define SMMU_ACPI_IORT_SMMU_DVM           (1u << 0)
#define SMMU_ACPI_IORT_SMMU_COHERENT_WALK (1u << 1)
#define SMMU_ACPI_IORT_IRQ_EDGE           (1u << 0)
/* SMMUv3 flags */
#define SMMU_ACPI_IORT_SMMUV3_COHACC_OVERRIDE (1u << 0)
#define SMMU_ACPI_IORT_SMMUV3_HTTU_OVERRIDE   (3u << 1)
#define SMMU_ACPI_IORT_SMMUV3_PXM_VALID       (1u << 3)
#define SMMU_ACPI_IORT_SMMUV3_DEVICEID_VALID  (1u << 4)
/* RMR flags */
#define SMMU_ACPI_IORT_RMR_REMAP_PERMITTED (1u << 0)
#define SMMU_ACPI_IORT_RMR_ACCESS_PRIV     (1u << 1)
#define SMMU_ACPI_IORT_RMR_ACCESS_ATTR(f)  (((f) >> 2) & 0xffu)

#define SMMU_ACPI_IORT_NO_NODE SIZE_MAX

struct smmu_acpi_iort_mapping {
	uint32_t offset;           /* from the start of the table */
	uint32_t input_base;
	uint32_t id_count;         /* the number of IDs minus one, as the spec defines it */
	uint32_t output_base;
	uint32_t output_reference; /* table offset of the output node */
	uint32_t flags;
	size_t output_node;        /* index of that node in smmu_acpi_iort.nodes, or
				      SMMU_ACPI_IORT_NO_NODE for a reference of 0 (a warning) */
};

struct smmu_acpi_iort_mem_access {
	uint32_t offset;
	uint32_t cache_coherency;  /* 1: fully coherent */
	uint8_t hints;
	uint16_t reserved;
	uint8_t flags;
};

struct smmu_acpi_iort_irq {
	uint32_t offset;
	uint32_t gsiv, flags;
};

struct smmu_acpi_iort_rmr_desc {
	uint32_t offset;
	uint64_t base, length;
	uint32_t reserved;
};

/*
 * Fields that later revisions of the specification added exist only when the
 * node is long enough to hold them before its ID array: `has_*` says so.
 */
struct smmu_acpi_iort_node {
	uint32_t offset;     /* from the start of the table */
	uint8_t type;
	uint16_t length;
	uint8_t revision;
	uint32_t identifier; /* "Reserved" before IORT issue E */
	uint32_t mapping_count, mapping_offset;
	union {
		struct {
			uint32_t count;
			uint32_t *ids;
		} its;
		struct {
			uint32_t node_flags;
			struct smmu_acpi_iort_mem_access mem;
			uint8_t address_limit; /* device memory address size limit, bits */
			char *name;            /* device object name, NUL-terminated copy */
		} nc;
		struct {
			struct smmu_acpi_iort_mem_access mem;
			uint32_t ats_attribute, pci_segment;
			bool has_address_limit, has_pasid;
			uint8_t address_limit;
			uint16_t pasid_capabilities; /* node revision >= 4 */
			uint32_t reserved;           /* 3 bytes (1 when has_pasid) */
			bool has_flags;
			uint32_t flags;
		} rc;
		struct {
			uint64_t base, span;
			uint32_t model, flags;
			uint32_t global_irq_offset;
			uint32_t context_irq_count, context_irq_offset;
			uint32_t pmu_irq_count, pmu_irq_offset;
			uint32_t nsg_irpt, nsg_irpt_flags, nsg_cfg_irpt, nsg_cfg_irpt_flags;
			struct smmu_acpi_iort_irq *context_irqs, *pmu_irqs;
		} smmu;
		struct {
			uint64_t base;
			uint32_t flags, reserved;
			uint64_t vatos_address;
			uint32_t model;
			uint32_t event_gsiv, pri_gsiv, gerr_gsiv, sync_gsiv;
			bool has_pxm, has_id_mapping_index;
			uint32_t proximity_domain, id_mapping_index;
		} smmuv3;
		struct {
			uint64_t page0_base;
			uint32_t overflow_gsiv, node_reference;
			bool has_page1;
			uint64_t page1_base;
			size_t ref_node; /* index of the referenced node, when node_reference != 0 */
		} pmcg;
		struct {
			uint32_t flags, desc_count, desc_offset;
			struct smmu_acpi_iort_rmr_desc *descs;
		} rmr;
	};
	struct smmu_acpi_iort_mapping *mappings; /* mapping_count of them */
	size_t nraw;                             /* unknown type: bytes after the node header */
	uint8_t *raw;
};

struct smmu_acpi_iort {
	struct smmu_acpi_header hdr;
	uint32_t node_count, node_offset, reserved;
	size_t nnodes;
	struct smmu_acpi_iort_node *nodes;
	struct smmu_acpi_warnings warnings;
};

SMMU_EXPORT int smmu_acpi_iort_parse(const void *buf, size_t len, struct smmu_acpi_iort **out, char *err,
				     size_t errlen);
SMMU_EXPORT void smmu_acpi_iort_free(struct smmu_acpi_iort *t);
/* The node that starts at table offset `offset`, or NULL. */
SMMU_EXPORT const struct smmu_acpi_iort_node *smmu_acpi_iort_node_at(const struct smmu_acpi_iort *t,
								     uint32_t offset);
SMMU_EXPORT const char *smmu_acpi_iort_type_name(unsigned type);

/* ---- IVRS: AMD I/O Virtualization Reporting Structure (AMD IOMMU spec #48882) -- */

enum smmu_acpi_ivrs_type {
	SMMU_ACPI_IVHD_10 = 0x10, /* I/O virtualization hardware definition, legacy */
	SMMU_ACPI_IVHD_11 = 0x11, /* ... with the EFR image */
	SMMU_ACPI_IVHD_40 = 0x40, /* ... with ACPI HID device entries */
	SMMU_ACPI_IVMD_ALL = 0x20,    /* I/O virtualization memory definition: every device */
	SMMU_ACPI_IVMD_SELECT = 0x21, /* ... one device */
	SMMU_ACPI_IVMD_RANGE = 0x22,  /* ... a range of devices */
};

/* IVHD device entry types */
enum smmu_acpi_ivhd_dev_type {
	SMMU_ACPI_IVHD_DEV_PAD = 0x00,
	SMMU_ACPI_IVHD_DEV_ALL = 0x01,
	SMMU_ACPI_IVHD_DEV_SELECT = 0x02,
	SMMU_ACPI_IVHD_DEV_START = 0x03,
	SMMU_ACPI_IVHD_DEV_END = 0x04,
	SMMU_ACPI_IVHD_DEV_ALIAS_SELECT = 0x42,
	SMMU_ACPI_IVHD_DEV_ALIAS_START = 0x43,
	SMMU_ACPI_IVHD_DEV_EXT_SELECT = 0x46,
	SMMU_ACPI_IVHD_DEV_EXT_START = 0x47,
	SMMU_ACPI_IVHD_DEV_SPECIAL = 0x48,
	SMMU_ACPI_IVHD_DEV_ACPI_HID = 0xf0,
};

/* IVinfo */
#define SMMU_ACPI_IVINFO_EFRSUP        (1u << 0)
#define SMMU_ACPI_IVINFO_DMA_GUARD_OPT (1u << 1)
#define SMMU_ACPI_IVINFO_GVASIZE(v)    (((v) >> 5) & 0x7u)
#define SMMU_ACPI_IVINFO_PASIZE(v)     (((v) >> 8) & 0x7fu)
#define SMMU_ACPI_IVINFO_VASIZE(v)     (((v) >> 15) & 0x7fu)
#define SMMU_ACPI_IVINFO_HTATSRESV     (1u << 22)
/* IVHD flags */
#define SMMU_ACPI_IVHD_HTTUNEN   (1u << 0)
#define SMMU_ACPI_IVHD_PASSPW    (1u << 1)
#define SMMU_ACPI_IVHD_RESPASSPW (1u << 2)
#define SMMU_ACPI_IVHD_ISOC      (1u << 3)
#define SMMU_ACPI_IVHD_IOTLBSUP  (1u << 4)
#define SMMU_ACPI_IVHD_COHERENT  (1u << 5)
#define SMMU_ACPI_IVHD_PREFSUP   (1u << 6)
#define SMMU_ACPI_IVHD_PPRSUP    (1u << 7)
/* IVMD flags */
#define SMMU_ACPI_IVMD_UNITY     (1u << 0)
#define SMMU_ACPI_IVMD_IR        (1u << 1)
#define SMMU_ACPI_IVMD_IW        (1u << 2)
#define SMMU_ACPI_IVMD_EXCL      (1u << 3)
/* special device variety */
#define SMMU_ACPI_IVHD_SPECIAL_IOAPIC 1
#define SMMU_ACPI_IVHD_SPECIAL_HPET   2
/* DTE setting bits of a device entry */
#define SMMU_ACPI_IVHD_DTE_INITPASS  (1u << 0)
#define SMMU_ACPI_IVHD_DTE_EINTPASS  (1u << 1)
#define SMMU_ACPI_IVHD_DTE_NMIPASS   (1u << 2)
#define SMMU_ACPI_IVHD_DTE_SYSMGT(v) (((v) >> 4) & 3u)
#define SMMU_ACPI_IVHD_DTE_LINT0PASS (1u << 6)
#define SMMU_ACPI_IVHD_DTE_LINT1PASS (1u << 7)

#define SMMU_ACPI_IVRS_NO_ALIAS 0xffffffffu

struct smmu_acpi_ivhd_dev {
	uint32_t offset;       /* from the start of the table */
	uint8_t type;
	uint8_t length;        /* 4, 8, or 22 + UID length for ACPI HID entries */
	uint16_t devid;        /* Device ID; reserved in a special-device entry */
	uint8_t dte_setting;
	uint8_t reserved1, reserved2; /* alias entries: bytes 4 and 7 */
	uint16_t source_devid; /* alias: the DeviceID requests carry; special: the used DeviceID */
	uint32_t ext_data;     /* extended entries */
	uint8_t handle, variety; /* special devices: IOAPIC ID / HPET number; 1 IOAPIC, 2 HPET */
	char hid[9], cid[9];   /* ACPI HID entries: NUL-terminated, non-printable bytes as '?' */
	uint8_t uid_format, uid_length;
	char *uid;             /* uid_format 2: the string; 1: the integer in hex; else NULL */
	/* START entries: the DeviceID of the END entry that closes the range */
	bool has_range_end;
	uint16_t range_end;
	size_t nraw;           /* a type this parser does not know (4 or 8 bytes): bytes after the type */
	uint8_t raw[8];
};

/*
 * What the device entries of one IVHD mean, flattened: DeviceIDs first..last
 * (inclusive) are translated by this IOMMU; requests from them carry `alias`
 * (SMMU_ACPI_IVRS_NO_ALIAS: their own DeviceID).
 */
struct smmu_acpi_ivhd_range {
	uint16_t first, last;
	uint32_t alias;
	uint8_t dte_setting;
	uint8_t entry_type; /* the entry that made it (the START of a range) */
};

struct smmu_acpi_ivrs_block {
	uint32_t offset;
	uint8_t type, flags;
	uint16_t length;
	uint16_t devid;        /* IVHD: the IOMMU's own DeviceID; IVMD: first device (21h, 22h) */
	/* IVHD */
	uint16_t cap_offset;
	uint64_t base;
	uint16_t segment;
	uint16_t info;         /* IOMMU info: MSINum 4:0, UnitID 12:8 */
	uint32_t feature;      /* 10h: feature reporting; 11h, 40h: attributes */
	uint64_t efr, efr2;    /* 11h, 40h: EFR register image and EFR2 image (reserved before rev. 3.05) */
	size_t ndevs;
	struct smmu_acpi_ivhd_dev *devs;
	size_t nranges;
	struct smmu_acpi_ivhd_range *ranges;
	/* IVMD */
	uint16_t aux;          /* 22h: last DeviceID of the range */
	uint64_t reserved;
	uint64_t start, mem_length;
	/* a type this parser does not know: its bytes after the 4-byte header */
	size_t nraw;
	uint8_t *raw;
};

struct smmu_acpi_ivrs {
	struct smmu_acpi_header hdr;
	uint32_t iv_info;
	uint64_t reserved;
	size_t nblocks;
	struct smmu_acpi_ivrs_block *blocks;
	struct smmu_acpi_warnings warnings;
};

SMMU_EXPORT int smmu_acpi_ivrs_parse(const void *buf, size_t len, struct smmu_acpi_ivrs **out, char *err,
				     size_t errlen);
SMMU_EXPORT void smmu_acpi_ivrs_free(struct smmu_acpi_ivrs *t);
/* "IVHD", "IVMD" or NULL; a device entry's name ("Select", "Alias Start" ...) or NULL. */
SMMU_EXPORT const char *smmu_acpi_ivrs_type_name(unsigned type);
SMMU_EXPORT const char *smmu_acpi_ivhd_dev_name(unsigned type);
SMMU_EXPORT void smmu_acpi_ivrs_print(FILE *out, const struct smmu_acpi_ivrs *t, unsigned verbose);
SMMU_EXPORT void smmu_acpi_ivrs_json(struct smmu_json *j, const struct smmu_acpi_ivrs *t);

/* ---- rendering ------------------------------------------------------------ */

/* Print a parsed table: lspci-like "Name=value" lines, one block per structure. */
SMMU_EXPORT void smmu_acpi_dmar_print(FILE *out, const struct smmu_acpi_dmar *d, unsigned verbose);
SMMU_EXPORT void smmu_acpi_iort_print(FILE *out, const struct smmu_acpi_iort *t, unsigned verbose);
/* One JSON object with every field; structures carry "offset" and "length". */
SMMU_EXPORT void smmu_acpi_dmar_json(struct smmu_json *j, const struct smmu_acpi_dmar *d);
SMMU_EXPORT void smmu_acpi_iort_json(struct smmu_json *j, const struct smmu_acpi_iort *t);

/*
 * Detect the signature, parse, print.  Nothing is written unless the whole
 * table parsed, so a corrupt table leaves `out` untouched.  The JSON variant
 * writes one object and leaves smmu_json_done() to the caller.
 */
SMMU_EXPORT int smmu_acpi_render_text(FILE *out, const void *buf, size_t len, unsigned verbose, char *err,
				      size_t errlen);
SMMU_EXPORT int smmu_acpi_render_json(struct smmu_json *j, const void *buf, size_t len, char *err,
				      size_t errlen);

#endif
