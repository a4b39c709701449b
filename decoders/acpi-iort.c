/* SPDX-License-Identifier: MIT */
/*
 * IORT, the IO Remapping Table (Arm DEN 0049): the header points at an array
 * of nodes, each of type, length and revision, with an array of ID mappings
 * somewhere inside it whose output references name other nodes by offset.
 *
 * Nodes only grow from one issue of the specification to the next, and a
 * node's ID array follows its fixed part, so a field added by a later
 * revision exists exactly when the node has room for it before its arrays.
 * That rule reads every revision iasl and firmware produce (IORT revisions
 * 0 to 7, node revisions 0 to 5) without a table of which revision added what.
 *
 * Every offset and count is checked in 64-bit arithmetic against the node
 * that holds it; every output reference must name the start of another node,
 * and the references must not form a loop, so that code that follows them
 * (translating a RID to a StreamID to a DeviceID) always ends.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "acpi-priv.h"

#define IORT_FIXED_LEN 48 /* header + Node Count, Node Offset, Reserved */
#define NODE_HDR_LEN 16
#define MAPPING_LEN 20
#define SMMU_IRQ_LEN 8
#define SMMU_GIRQ_LEN 16
#define RMR_DESC_LEN 20

struct iort_type_info {
	const char *name;
	uint16_t min_len; /* header + the fields every revision has */
};

static const struct iort_type_info iort_types[] = {
	[SMMU_ACPI_IORT_ITS_GROUP] = { "ITS group", 20 },
	[SMMU_ACPI_IORT_NAMED_COMPONENT] = { "named component", 29 },
	[SMMU_ACPI_IORT_ROOT_COMPLEX] = { "root complex", 32 },
	[SMMU_ACPI_IORT_SMMU] = { "SMMUv1/v2", 60 },
	[SMMU_ACPI_IORT_SMMUV3] = { "SMMUv3", 60 },
	[SMMU_ACPI_IORT_PMCG] = { "PMCG", 32 },
	[SMMU_ACPI_IORT_RMR] = { "RMR", 28 },
};
#define N_IORT_TYPES (sizeof(iort_types) / sizeof(iort_types[0]))

const char *smmu_acpi_iort_type_name(unsigned type)
{
	return type < N_IORT_TYPES ? iort_types[type].name : NULL;
}

static const char *const smmu_models[] = {
	"generic SMMUv1", "generic SMMUv2", "Arm CoreLink MMU-400", "Arm CoreLink MMU-500",
	"Arm CoreLink MMU-401", "Cavium ThunderX SMMUv2",
};
static const char *const smmuv3_models[] = {
	"generic SMMUv3", "HiSilicon Hi161x", "Cavium CN99xx",
};
static const char *const rmr_attrs[] = {
	"Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE",
	"Normal Non-cacheable", "Normal Inner/Outer Write-back",
};
static const char *const httu_names[] = { "none", "HTTU_ACCESS", "HTTU_ACCESS_DIRTY", "??3" };

#define NAME_OR_NULL(arr, i) ((i) < sizeof(arr) / sizeof((arr)[0]) ? (arr)[i] : NULL)

static const char *node_what(unsigned type, char *buf, size_t n)
{
	const char *name = smmu_acpi_iort_type_name(type);

	if (name)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "type %u", type);
	return buf;
}

void smmu_acpi_iort_free(struct smmu_acpi_iort *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct smmu_acpi_iort_node *n = &t->nodes[i];

		switch (n->type) {
		case SMMU_ACPI_IORT_ITS_GROUP:
			free(n->its.ids);
			break;
		case SMMU_ACPI_IORT_NAMED_COMPONENT:
			free(n->nc.name);
			break;
		case SMMU_ACPI_IORT_SMMU:
			free(n->smmu.context_irqs);
			free(n->smmu.pmu_irqs);
			break;
		case SMMU_ACPI_IORT_RMR:
			free(n->rmr.descs);
			break;
		}
		free(n->mappings);
		free(n->raw);
	}
	free(t->nodes);
	free(t);
}

const struct smmu_acpi_iort_node *smmu_acpi_iort_node_at(const struct smmu_acpi_iort *t,
							 uint32_t offset)
{
	/* nodes are parsed in table order, so their offsets ascend */
	size_t lo = 0, hi = t->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->nodes[mid].offset == offset)
			return &t->nodes[mid];
		if (t->nodes[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- parsing ------------------------------------------------------------------ */

struct iort_ctx {
	const uint8_t *b;
	uint32_t tlen;
	struct smmu_acpi_iort *t;
	char *err;
	size_t errlen;
	char what[24];
};

#define NODE_FAIL(c, n, code, fmt, ...)                                                        \
	acpi_fail((c)->err, (c)->errlen, code, "IORT: %s node at offset 0x%" PRIx32 ": " fmt,      \
		  (c)->what, (n)->offset, __VA_ARGS__)

/*
 * An array of `count` entries of `size` bytes at node offset `at` must lie
 * inside the node, after its header.  64-bit arithmetic: count * size
 * cannot wrap for any 32-bit count.
 */
static int check_array(struct iort_ctx *c, const struct smmu_acpi_iort_node *n, const char *what,
		       uint64_t at, uint64_t count, uint64_t size)
{
	if (!count)
		return 0;
	if (at < NODE_HDR_LEN)
		return NODE_FAIL(c, n, -EINVAL, "%s at node offset 0x%" PRIx64 " overlaps the node header",
				 what, at);
	if (at + count * size > n->length)
		return NODE_FAIL(c, n, -EINVAL,
				 "%" PRIu64 " %s of %" PRIu64 " bytes at node offset 0x%" PRIx64
				 " run past the node end (0x%x)",
				 count, what, size, at, n->length);
	return 0;
}

/* Where the node's fixed fields must end: its length, or its first array. */
static uint32_t fixed_end(const struct smmu_acpi_iort_node *n, uint32_t other_array_at, uint32_t other_count)
{
	uint32_t end = n->length;

	if (n->mapping_count && n->mapping_offset < end)
		end = n->mapping_offset;
	if (other_count && other_array_at < end)
		end = other_array_at;
	return end;
}

static void parse_mem_access(const uint8_t *p, uint32_t offset, struct smmu_acpi_iort_mem_access *m)
{
	m->offset = offset;
	m->cache_coherency = acpi_le32(p);
	m->hints = p[4];
	m->reserved = acpi_le16(p + 5);
	m->flags = p[7];
}

static int alloc_irqs(struct iort_ctx *c, const uint8_t *nb, uint32_t noff, uint32_t at,
		      uint32_t count, struct smmu_acpi_iort_irq **out)
{
	struct smmu_acpi_iort_irq *irq;

	if (!count)
		return 0;
	irq = calloc(count, sizeof(*irq));
	if (!irq)
		return acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *p = nb + at + (size_t)i * SMMU_IRQ_LEN;

		irq[i].offset = noff + at + i * SMMU_IRQ_LEN;
		irq[i].gsiv = acpi_le32(p);
		irq[i].flags = acpi_le32(p + 4);
	}
	*out = irq;
	return 0;
}

static int parse_node_body(struct iort_ctx *c, struct smmu_acpi_iort_node *n)
{
	const uint8_t *nb = c->b + n->offset;
	struct smmu_acpi_warnings *w = &c->t->warnings;
	uint32_t end;
	int rc;

	switch (n->type) {
	case SMMU_ACPI_IORT_ITS_GROUP:
		n->its.count = acpi_le32(nb + 16);
		rc = check_array(c, n, "ITS identifiers", 20, n->its.count, 4);
		if (rc)
			return rc;
		if (n->its.count) {
			n->its.ids = calloc(n->its.count, sizeof(uint32_t));
			if (!n->its.ids)
				return acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
		}
		for (uint32_t i = 0; i < n->its.count; i++)
			n->its.ids[i] = acpi_le32(nb + 20 + (size_t)i * 4);
		if (!n->its.count)
			acpi_warn(w, "ITS group node at 0x%" PRIx32 " has no ITS", n->offset);
		break;
	case SMMU_ACPI_IORT_NAMED_COMPONENT: {
		size_t k;

		n->nc.node_flags = acpi_le32(nb + 16);
		parse_mem_access(nb + 20, n->offset + 20, &n->nc.mem);
		n->nc.address_limit = nb[28];
		end = fixed_end(n, 0, 0);
		/* the name is what the OS matches a device by: it must end inside the node */
		for (k = 29; k < end && nb[k]; k++)
			;
		if (k >= end)
			return NODE_FAIL(c, n, -EINVAL, "the device object name at node offset 0x1d "
					 "has no NUL before 0x%" PRIx32, end);
		n->nc.name = malloc(k - 29 + 1);
		if (!n->nc.name)
			return acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
		for (size_t i = 29; i < k; i++)
			n->nc.name[i - 29] = nb[i] >= 0x20 && nb[i] < 0x7f ? (char)nb[i] : '?';
		n->nc.name[k - 29] = '\0';
		if (k == 29)
			acpi_warn(w, "named component node at 0x%" PRIx32 " has an empty object name",
				  n->offset);
		break;
	}
	case SMMU_ACPI_IORT_ROOT_COMPLEX:
		parse_mem_access(nb + 16, n->offset + 16, &n->rc.mem);
		n->rc.ats_attribute = acpi_le32(nb + 24);
		n->rc.pci_segment = acpi_le32(nb + 28);
		end = fixed_end(n, 0, 0);
		n->rc.has_address_limit = end >= 33;
		if (n->rc.has_address_limit)
			n->rc.address_limit = nb[32];
		/* node revision 4 (issue E.d) turned reserved bytes 33-34 into PASID capabilities */
		n->rc.has_pasid = n->revision >= 4 && end >= 35;
		if (n->rc.has_pasid) {
			n->rc.pasid_capabilities = acpi_le16(nb + 33);
			if (end >= 36)
				n->rc.reserved = nb[35];
		} else {
			for (uint32_t i = 33; i < 36 && i < end; i++)
				n->rc.reserved |= (uint32_t)nb[i] << (8 * (i - 33));
		}
		n->rc.has_flags = n->revision >= 4 && end >= 40;
		if (n->rc.has_flags)
			n->rc.flags = acpi_le32(nb + 36);
		if (n->rc.reserved)
			acpi_warn(w, "root complex node at 0x%" PRIx32 ": Reserved is 0x%" PRIx32 ", not 0",
				  n->offset, n->rc.reserved);
		break;
	case SMMU_ACPI_IORT_SMMU: {
		n->smmu.base = acpi_le64(nb + 16);
		n->smmu.span = acpi_le64(nb + 24);
		n->smmu.model = acpi_le32(nb + 32);
		n->smmu.flags = acpi_le32(nb + 36);
		n->smmu.global_irq_offset = acpi_le32(nb + 40);
		n->smmu.context_irq_count = acpi_le32(nb + 44);
		n->smmu.context_irq_offset = acpi_le32(nb + 48);
		n->smmu.pmu_irq_count = acpi_le32(nb + 52);
		n->smmu.pmu_irq_offset = acpi_le32(nb + 56);
		rc = check_array(c, n, "global interrupt arrays", n->smmu.global_irq_offset, 1,
				 SMMU_GIRQ_LEN);
		if (!rc)
			rc = check_array(c, n, "context interrupts", n->smmu.context_irq_offset,
					 n->smmu.context_irq_count, SMMU_IRQ_LEN);
		if (!rc)
			rc = check_array(c, n, "PMU interrupts", n->smmu.pmu_irq_offset,
					 n->smmu.pmu_irq_count, SMMU_IRQ_LEN);
		if (rc)
			return rc;
		const uint8_t *g = nb + n->smmu.global_irq_offset;
		n->smmu.nsg_irpt = acpi_le32(g);
		n->smmu.nsg_irpt_flags = acpi_le32(g + 4);
		n->smmu.nsg_cfg_irpt = acpi_le32(g + 8);
		n->smmu.nsg_cfg_irpt_flags = acpi_le32(g + 12);
		rc = alloc_irqs(c, nb, n->offset, n->smmu.context_irq_offset,
				n->smmu.context_irq_count, &n->smmu.context_irqs);
		if (!rc)
			rc = alloc_irqs(c, nb, n->offset, n->smmu.pmu_irq_offset,
					n->smmu.pmu_irq_count, &n->smmu.pmu_irqs);
		if (rc)
			return rc;
		if (n->smmu.model >= sizeof(smmu_models) / sizeof(smmu_models[0]))
			acpi_warn(w, "SMMUv1/v2 node at 0x%" PRIx32 ": unknown model %" PRIu32, n->offset,
				  n->smmu.model);
		break;
	}
	case SMMU_ACPI_IORT_SMMUV3:
		n->smmuv3.base = acpi_le64(nb + 16);
		n->smmuv3.flags = acpi_le32(nb + 24);
		n->smmuv3.reserved = acpi_le32(nb + 28);
		n->smmuv3.vatos_address = acpi_le64(nb + 32);
		n->smmuv3.model = acpi_le32(nb + 40);
		n->smmuv3.event_gsiv = acpi_le32(nb + 44);
		n->smmuv3.pri_gsiv = acpi_le32(nb + 48);
		n->smmuv3.gerr_gsiv = acpi_le32(nb + 52);
		n->smmuv3.sync_gsiv = acpi_le32(nb + 56);
		end = fixed_end(n, 0, 0);
		n->smmuv3.has_pxm = end >= 64;
		if (n->smmuv3.has_pxm)
			n->smmuv3.proximity_domain = acpi_le32(nb + 60);
		n->smmuv3.has_id_mapping_index = end >= 68;
		if (n->smmuv3.has_id_mapping_index)
			n->smmuv3.id_mapping_index = acpi_le32(nb + 64);
		if (n->smmuv3.reserved)
			acpi_warn(w, "SMMUv3 node at 0x%" PRIx32 ": Reserved is 0x%" PRIx32 ", not 0",
				  n->offset, n->smmuv3.reserved);
		if (n->smmuv3.base & 0xffff)
			acpi_warn(w, "SMMUv3 node at 0x%" PRIx32 ": base 0x%" PRIx64 " is not 64 KiB aligned",
				  n->offset, n->smmuv3.base);
		if (n->smmuv3.model >= sizeof(smmuv3_models) / sizeof(smmuv3_models[0]))
			acpi_warn(w, "SMMUv3 node at 0x%" PRIx32 ": unknown model %" PRIu32, n->offset,
				  n->smmuv3.model);
		break;
	case SMMU_ACPI_IORT_PMCG:
		n->pmcg.page0_base = acpi_le64(nb + 16);
		n->pmcg.overflow_gsiv = acpi_le32(nb + 24);
		n->pmcg.node_reference = acpi_le32(nb + 28);
		end = fixed_end(n, 0, 0);
		n->pmcg.has_page1 = end >= 40;
		if (n->pmcg.has_page1)
			n->pmcg.page1_base = acpi_le64(nb + 32);
		break;
	case SMMU_ACPI_IORT_RMR:
		n->rmr.flags = acpi_le32(nb + 16);
		n->rmr.desc_count = acpi_le32(nb + 20);
		n->rmr.desc_offset = acpi_le32(nb + 24);
		rc = check_array(c, n, "memory range descriptors", n->rmr.desc_offset,
				 n->rmr.desc_count, RMR_DESC_LEN);
		if (rc)
			return rc;
		if (n->rmr.desc_count) {
			n->rmr.descs = calloc(n->rmr.desc_count, sizeof(*n->rmr.descs));
			if (!n->rmr.descs)
				return acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
		} else {
			acpi_warn(w, "RMR node at 0x%" PRIx32 " has no memory range descriptors",
				  n->offset);
		}
		for (uint32_t i = 0; i < n->rmr.desc_count; i++) {
			struct smmu_acpi_iort_rmr_desc *d = &n->rmr.descs[i];
			const uint8_t *p = nb + n->rmr.desc_offset + (size_t)i * RMR_DESC_LEN;

			d->offset = n->offset + n->rmr.desc_offset + i * RMR_DESC_LEN;
			d->base = acpi_le64(p);
			d->length = acpi_le64(p + 8);
			d->reserved = acpi_le32(p + 16);
			if ((d->base & 0xffff) || (d->length & 0xffff))
				acpi_warn(w, "RMR node at 0x%" PRIx32 ": range 0x%" PRIx64 "+0x%" PRIx64
					  " is not 64 KiB aligned", n->offset, d->base, d->length);
		}
		break;
	default:
		n->nraw = n->length - (size_t)NODE_HDR_LEN;
		if (n->nraw) {
			n->raw = malloc(n->nraw);
			if (!n->raw)
				return acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
			memcpy(n->raw, nb + NODE_HDR_LEN, n->nraw);
		}
		acpi_warn(w, "node at 0x%" PRIx32 ": unknown type %u, shown raw", n->offset, n->type);
		break;
	}
	return 0;
}

static int parse_node(struct iort_ctx *c, struct smmu_acpi_iort_node *n)
{
	const uint8_t *nb = c->b + n->offset;
	int rc;

	n->revision = nb[3];
	n->identifier = acpi_le32(nb + 4);
	n->mapping_count = acpi_le32(nb + 8);
	n->mapping_offset = acpi_le32(nb + 12);
	rc = check_array(c, n, "ID mappings", n->mapping_offset, n->mapping_count, MAPPING_LEN);
	if (rc)
		return rc;
	rc = parse_node_body(c, n);
	if (rc)
		return rc;
	if (n->mapping_count) {
		n->mappings = calloc(n->mapping_count, sizeof(*n->mappings));
		if (!n->mappings)
			return acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
	}
	for (uint32_t i = 0; i < n->mapping_count; i++) {
		struct smmu_acpi_iort_mapping *m = &n->mappings[i];
		const uint8_t *p = nb + n->mapping_offset + (size_t)i * MAPPING_LEN;

		m->offset = n->offset + n->mapping_offset + i * MAPPING_LEN;
		m->input_base = acpi_le32(p);
		m->id_count = acpi_le32(p + 4);
		m->output_base = acpi_le32(p + 8);
		m->output_reference = acpi_le32(p + 12);
		m->flags = acpi_le32(p + 16);
		if ((uint64_t)m->input_base + m->id_count > UINT32_MAX ||
		    (uint64_t)m->output_base + m->id_count > UINT32_MAX)
			acpi_warn(&c->t->warnings,
				  "%s node at 0x%" PRIx32 ": ID mapping %" PRIu32
				  " runs past ID 0xffffffff", c->what, n->offset, i);
	}
	return 0;
}

static const char *ref_type(const struct smmu_acpi_iort *t, size_t idx, char *buf, size_t n)
{
	return node_what(t->nodes[idx].type, buf, n);
}

/* Output references: each names the start of another node, of a type that translates. */
static int resolve_refs(struct iort_ctx *c)
{
	struct smmu_acpi_iort *t = c->t;

	for (size_t i = 0; i < t->nnodes; i++) {
		struct smmu_acpi_iort_node *n = &t->nodes[i];
		char tb[24];

		node_what(n->type, c->what, sizeof(c->what));
		for (uint32_t k = 0; k < n->mapping_count; k++) {
			struct smmu_acpi_iort_mapping *m = &n->mappings[k];
			const struct smmu_acpi_iort_node *o = smmu_acpi_iort_node_at(t, m->output_reference);

			m->output_node = SMMU_ACPI_IORT_NO_NODE;
			if (!m->output_reference) {
				/* iasl's own template has these; the mapping leads nowhere */
				acpi_warn(&t->warnings,
					  "%s node at 0x%" PRIx32 ": ID mapping %" PRIu32
					  " has no output node (reference 0)",
					  c->what, n->offset, k);
				continue;
			}
			if (!o && m->output_reference >= c->tlen)
				return NODE_FAIL(c, n, -EINVAL,
						 "ID mapping %" PRIu32 ": output reference 0x%" PRIx32
						 " is past the table end (0x%" PRIx32 ")",
						 k, m->output_reference, c->tlen);
			if (!o)
				return NODE_FAIL(c, n, -EINVAL,
						 "ID mapping %" PRIu32 ": output reference 0x%" PRIx32
						 " is not the start of a node",
						 k, m->output_reference);
			if (o == n)
				return NODE_FAIL(c, n, -EINVAL,
						 "ID mapping %" PRIu32 ": output reference 0x%" PRIx32
						 " is the node itself",
						 k, m->output_reference);
			m->output_node = (size_t)(o - t->nodes);
			if (o->type != SMMU_ACPI_IORT_ITS_GROUP && o->type != SMMU_ACPI_IORT_SMMU &&
			    o->type != SMMU_ACPI_IORT_SMMUV3)
				acpi_warn(&t->warnings,
					  "%s node at 0x%" PRIx32 ": ID mapping %" PRIu32
					  " outputs to a %s node, which does not translate IDs",
					  c->what, n->offset, k, ref_type(t, m->output_node, tb, sizeof(tb)));
		}
		if (n->type == SMMU_ACPI_IORT_ITS_GROUP && n->mapping_count)
			acpi_warn(&t->warnings, "ITS group node at 0x%" PRIx32 " has ID mappings",
				  n->offset);
		if (n->type == SMMU_ACPI_IORT_PMCG && n->pmcg.node_reference) {
			const struct smmu_acpi_iort_node *o = smmu_acpi_iort_node_at(t, n->pmcg.node_reference);

			if (!o)
				return NODE_FAIL(c, n, -EINVAL,
						 "node reference 0x%" PRIx32 " is not the start of a node",
						 n->pmcg.node_reference);
			if (o == n)
				return NODE_FAIL(c, n, -EINVAL,
						 "node reference 0x%" PRIx32 " is the node itself",
						 n->pmcg.node_reference);
			n->pmcg.ref_node = (size_t)(o - t->nodes);
		}
		if (n->type == SMMU_ACPI_IORT_SMMUV3 && n->smmuv3.has_id_mapping_index) {
			/* issue E.e made the index's validity a flag; before, all-GSIV meant unused */
			bool valid = n->revision >= 5
				? (n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_DEVICEID_VALID) != 0
				: !(n->smmuv3.event_gsiv && n->smmuv3.pri_gsiv && n->smmuv3.gerr_gsiv &&
				    n->smmuv3.sync_gsiv);

			if (valid && n->smmuv3.id_mapping_index >= n->mapping_count)
				acpi_warn(&t->warnings,
					  "SMMUv3 node at 0x%" PRIx32 ": DeviceID mapping index %" PRIu32
					  " but only %" PRIu32 " ID mappings",
					  n->offset, n->smmuv3.id_mapping_index, n->mapping_count);
		}
	}
	return 0;
}

/*
 * Depth-first search over the mapping graph, iterative so a deep chain cannot
 * exhaust the C stack: an edge back to a node still on the stack closes a
 * loop, and that node is on it.
 */
static int check_loops(struct iort_ctx *c)
{
	struct smmu_acpi_iort *t = c->t;
	struct frame {
		size_t node;
		uint32_t next; /* the next mapping to follow */
	} *stack;
	enum { WHITE, GREY, BLACK };
	size_t nn = t->nnodes, sp = 0;
	uint8_t *colour;
	int rc = 0;

	if (!nn)
		return 0;
	colour = calloc(nn, 1);
	stack = calloc(nn, sizeof(*stack));
	if (!colour || !stack) {
		rc = acpi_fail(c->err, c->errlen, -ENOMEM, "IORT: out of memory");
		goto out;
	}
	for (size_t s = 0; s < nn && !rc; s++) {
		if (colour[s] != WHITE)
			continue;
		colour[s] = GREY;
		stack[sp++] = (struct frame){ .node = s };
		while (sp && !rc) {
			struct frame *f = &stack[sp - 1];
			const struct smmu_acpi_iort_node *n = &t->nodes[f->node];

			if (f->next < n->mapping_count) {
				size_t to = n->mappings[f->next++].output_node;

				if (to == SMMU_ACPI_IORT_NO_NODE)
					continue;
				if (colour[to] == GREY) {
					node_what(t->nodes[to].type, c->what, sizeof(c->what));
					rc = NODE_FAIL(c, &t->nodes[to], -EINVAL, "%s",
						       "its ID mappings lead back to it "
						       "(a loop of output references)");
				} else if (colour[to] == WHITE) {
					colour[to] = GREY;
					stack[sp++] = (struct frame){ .node = to };
				}
			} else {
				colour[f->node] = BLACK;
				sp--;
			}
		}
	}
out:
	free(colour);
	free(stack);
	return rc;
}

int smmu_acpi_iort_parse(const void *buf, size_t len, struct smmu_acpi_iort **out, char *err,
			 size_t errlen)
{
	struct iort_ctx c = { .b = buf, .err = err, .errlen = errlen };
	struct smmu_acpi_iort *t;
	uint32_t off;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t)
		return acpi_fail(err, errlen, -ENOMEM, "IORT: out of memory");
	c.t = t;
	rc = acpi_header_parse(c.b, len, "IORT", IORT_FIXED_LEN, &t->hdr, &t->warnings, err, errlen);
	if (rc)
		goto fail;
	c.tlen = t->hdr.length;
	t->node_count = acpi_le32(c.b + 36);
	t->node_offset = acpi_le32(c.b + 40);
	t->reserved = acpi_le32(c.b + 44);
	if (t->reserved)
		acpi_warn(&t->warnings, "Reserved after Node Offset is 0x%" PRIx32 ", not 0", t->reserved);

	if (t->node_count) {
		uint64_t room;

		if (t->node_offset < IORT_FIXED_LEN || t->node_offset > c.tlen) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "IORT: node offset 0x%" PRIx32 " is outside the node area "
				       "(0x%x to the table end, 0x%" PRIx32 ")",
				       t->node_offset, IORT_FIXED_LEN, c.tlen);
			goto fail;
		}
		/* every node has a 16-byte header: bound the count before allocating */
		room = (c.tlen - t->node_offset) / NODE_HDR_LEN;
		if (t->node_count > room) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "IORT: node count %" PRIu32 " cannot fit: the 0x%" PRIx32
				       " bytes from node offset 0x%" PRIx32 " hold at most %" PRIu64 " nodes",
				       t->node_count, c.tlen - t->node_offset, t->node_offset, room);
			goto fail;
		}
		t->nodes = calloc(t->node_count, sizeof(*t->nodes));
		if (!t->nodes) {
			rc = acpi_fail(err, errlen, -ENOMEM, "IORT: out of memory");
			goto fail;
		}
	} else {
		acpi_warn(&t->warnings, "no nodes");
	}

	off = t->node_offset;
	for (uint32_t i = 0; i < t->node_count; i++) {
		struct smmu_acpi_iort_node *n = &t->nodes[t->nnodes];
		uint16_t min;

		if (!acpi_fits(c.tlen, off, NODE_HDR_LEN)) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "IORT: node %" PRIu32 " of %" PRIu32 " at offset 0x%" PRIx32
				       ": its 16-byte header runs past the table end (0x%" PRIx32 ")",
				       i, t->node_count, off, c.tlen);
			goto fail;
		}
		n->offset = off;
		n->type = c.b[off];
		n->length = acpi_le16(c.b + off + 1);
		node_what(n->type, c.what, sizeof(c.what));
		min = n->type < N_IORT_TYPES ? iort_types[n->type].min_len : NODE_HDR_LEN;
		/* shorter than its fixed part, 0 above all, would never advance */
		if (n->length < min) {
			rc = NODE_FAIL(&c, n, -EINVAL, "length 0x%x is shorter than its 0x%x-byte fixed part",
				       n->length, min);
			goto fail;
		}
		if (!acpi_fits(c.tlen, off, n->length)) {
			rc = NODE_FAIL(&c, n, -EINVAL, "length 0x%x runs past the table end (0x%" PRIx32 ")",
				       n->length, c.tlen);
			goto fail;
		}
		/* counted before parsing so that free() sees what was allocated */
		t->nnodes++;
		rc = parse_node(&c, n);
		if (rc)
			goto fail;
		off += n->length;
	}
	if (t->node_count && off < c.tlen)
		acpi_warn(&t->warnings, "0x%" PRIx32 " bytes after the last node (at 0x%" PRIx32 ") ignored",
			  c.tlen - off, off);
	rc = resolve_refs(&c);
	if (!rc)
		rc = check_loops(&c);
	if (rc)
		goto fail;
	*out = t;
	return 0;
fail:
	smmu_acpi_iort_free(t);
	return rc;
}

/* ---- text --------------------------------------------------------------------- */

static void print_mem_access(const struct acpi_text *t, const struct smmu_acpi_iort_mem_access *m)
{
	acpi_text_line(t, 2,
		       "MemoryAccess: CCA=%" PRIu32 " Hints=0x%02x: TR%s WA%s RA%s AHO%s "
		       "Flags=0x%02x: CPM%s DACS%s CANWBS%s",
		       m->cache_coherency, m->hints, acpi_pm(m->hints & SMMU_ACPI_IORT_HINT_TRANSIENT),
		       acpi_pm(m->hints & SMMU_ACPI_IORT_HINT_WRITE),
		       acpi_pm(m->hints & SMMU_ACPI_IORT_HINT_READ),
		       acpi_pm(m->hints & SMMU_ACPI_IORT_HINT_OVERRIDE), m->flags,
		       acpi_pm(m->flags & SMMU_ACPI_IORT_MF_CPM), acpi_pm(m->flags & SMMU_ACPI_IORT_MF_DACS),
		       acpi_pm(m->flags & SMMU_ACPI_IORT_MF_CANWBS));
	if (m->reserved || t->verbose)
		acpi_text_line(t, 2, "MemoryAccess: Reserved=0x%04x", m->reserved);
}

static void print_irqs(const struct acpi_text *t, const char *what,
		       const struct smmu_acpi_iort_irq *irq, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s %" PRIu32 ": GSIV=%" PRIu32 " Flags=0x%" PRIx32
			       ": Edge%s",
			       irq[i].offset, what, i, irq[i].gsiv, irq[i].flags,
			       acpi_pm(irq[i].flags & SMMU_ACPI_IORT_IRQ_EDGE));
}

static void print_name_value(char *buf, size_t n, const char *const *names, size_t count,
			     uint32_t v)
{
	if (v < count)
		snprintf(buf, n, "%" PRIu32 " (%s)", v, names[v]);
	else
		snprintf(buf, n, "??%" PRIu32, v);
}

static void print_node(const struct acpi_text *t, const struct smmu_acpi_iort *io,
		       const struct smmu_acpi_iort_node *n)
{
	char what[24], model[64];

	acpi_text_line(t, 1, "[%03" PRIx32 "] %s%s, length %u, revision %u, Identifier=%" PRIu32
		       ", MappingCount=%" PRIu32 " MappingOffset=0x%" PRIx32,
		       n->offset, smmu_acpi_iort_type_name(n->type) ? "" : "??",
		       node_what(n->type, what, sizeof(what)), n->length, n->revision, n->identifier,
		       n->mapping_count, n->mapping_offset);
	switch (n->type) {
	case SMMU_ACPI_IORT_ITS_GROUP: {
		char ids[256] = "";
		size_t k = 0;

		for (uint32_t i = 0; i < n->its.count && k < sizeof(ids); i++)
			k += (size_t)snprintf(ids + k, sizeof(ids) - k, " %" PRIu32, n->its.ids[i]);
		acpi_text_line(t, 2, "ITSCount=%" PRIu32 " ITSIdentifiers:%s%s", n->its.count, ids,
			       k >= sizeof(ids) ? " ..." : "");
		break;
	}
	case SMMU_ACPI_IORT_NAMED_COMPONENT:
		acpi_text_line(t, 2, "ObjectName=\"%s\"", n->nc.name);
		acpi_text_line(t, 2, "NodeFlags=0x%" PRIx32 ": StallSupported%s PASIDBits=%" PRIu32
			       " MemoryAddressLimit=%u bits",
			       n->nc.node_flags, acpi_pm(n->nc.node_flags & SMMU_ACPI_IORT_NC_STALL_SUPPORTED),
			       (n->nc.node_flags & SMMU_ACPI_IORT_NC_PASID_BITS) >> 1, n->nc.address_limit);
		print_mem_access(t, &n->nc.mem);
		break;
	case SMMU_ACPI_IORT_ROOT_COMPLEX: {
		char lim[48] = "", pasid[48] = "", fl[48] = "";

		if (n->rc.has_address_limit)
			snprintf(lim, sizeof(lim), " MemoryAddressLimit=%u bits", n->rc.address_limit);
		if (n->rc.has_pasid)
			snprintf(pasid, sizeof(pasid), " PASIDCapabilities=0x%04x: MaxPASIDWidth=%u",
				 n->rc.pasid_capabilities,
				 n->rc.pasid_capabilities & SMMU_ACPI_IORT_RC_PASID_MAX_WIDTH);
		if (n->rc.has_flags)
			snprintf(fl, sizeof(fl), " Flags=0x%" PRIx32 ": PASIDSupported%s", n->rc.flags,
				 acpi_pm(n->rc.flags & SMMU_ACPI_IORT_RC_PASID_SUPPORTED));
		acpi_text_line(t, 2, "PCISegment=%04" PRIx32 "%s", n->rc.pci_segment, lim);
		acpi_text_line(t, 2, "ATSAttribute=0x%" PRIx32 ": ATS%s PRI%s PASIDForwarding%s%s%s",
			       n->rc.ats_attribute, acpi_pm(n->rc.ats_attribute & SMMU_ACPI_IORT_RC_ATS_SUPPORTED),
			       acpi_pm(n->rc.ats_attribute & SMMU_ACPI_IORT_RC_PRI_SUPPORTED),
			       acpi_pm(n->rc.ats_attribute & SMMU_ACPI_IORT_RC_PASID_FWD), pasid, fl);
		print_mem_access(t, &n->rc.mem);
		if (n->rc.reserved || t->verbose)
			acpi_text_line(t, 2, "Reserved=0x%" PRIx32, n->rc.reserved);
		break;
	}
	case SMMU_ACPI_IORT_SMMU:
		print_name_value(model, sizeof(model), smmu_models,
				 sizeof(smmu_models) / sizeof(smmu_models[0]), n->smmu.model);
		acpi_text_line(t, 2, "BaseAddress=0x%" PRIx64 " Span=0x%" PRIx64 " Model=%s",
			       n->smmu.base, n->smmu.span, model);
		acpi_text_line(t, 2, "Flags=0x%" PRIx32 ": DVM%s CoherentWalk%s", n->smmu.flags,
			       acpi_pm(n->smmu.flags & SMMU_ACPI_IORT_SMMU_DVM),
			       acpi_pm(n->smmu.flags & SMMU_ACPI_IORT_SMMU_COHERENT_WALK));
		acpi_text_line(t, 2, "GlobalInterruptOffset=0x%" PRIx32 " ContextInterrupts=%" PRIu32
			       " at 0x%" PRIx32 " PMUInterrupts=%" PRIu32 " at 0x%" PRIx32,
			       n->smmu.global_irq_offset, n->smmu.context_irq_count,
			       n->smmu.context_irq_offset, n->smmu.pmu_irq_count, n->smmu.pmu_irq_offset);
		acpi_text_line(t, 2, "SMMU_NSgIrpt=%" PRIu32 " Flags=0x%" PRIx32 ": Edge%s "
			       "SMMU_NSgCfgIrpt=%" PRIu32 " Flags=0x%" PRIx32 ": Edge%s",
			       n->smmu.nsg_irpt, n->smmu.nsg_irpt_flags,
			       acpi_pm(n->smmu.nsg_irpt_flags & SMMU_ACPI_IORT_IRQ_EDGE),
			       n->smmu.nsg_cfg_irpt, n->smmu.nsg_cfg_irpt_flags,
			       acpi_pm(n->smmu.nsg_cfg_irpt_flags & SMMU_ACPI_IORT_IRQ_EDGE));
		print_irqs(t, "ContextInterrupt", n->smmu.context_irqs, n->smmu.context_irq_count);
		print_irqs(t, "PMUInterrupt", n->smmu.pmu_irqs, n->smmu.pmu_irq_count);
		break;
	case SMMU_ACPI_IORT_SMMUV3: {
		uint32_t f = n->smmuv3.flags;
		char tail[96] = "";
		size_t k = 0;

		print_name_value(model, sizeof(model), smmuv3_models,
				 sizeof(smmuv3_models) / sizeof(smmuv3_models[0]), n->smmuv3.model);
		acpi_text_line(t, 2, "BaseAddress=0x%" PRIx64 " Model=%s VATOSAddress=0x%" PRIx64,
			       n->smmuv3.base, model, n->smmuv3.vatos_address);
		acpi_text_line(t, 2, "Flags=0x%" PRIx32 ": COHACC_OVERRIDE%s HTTU_OVERRIDE=%s "
			       "PROXIMITY_DOMAIN_VALID%s DEVICEID_VALID%s",
			       f, acpi_pm(f & SMMU_ACPI_IORT_SMMUV3_COHACC_OVERRIDE),
			       httu_names[(f & SMMU_ACPI_IORT_SMMUV3_HTTU_OVERRIDE) >> 1],
			       acpi_pm(f & SMMU_ACPI_IORT_SMMUV3_PXM_VALID),
			       acpi_pm(f & SMMU_ACPI_IORT_SMMUV3_DEVICEID_VALID));
		acpi_text_line(t, 2, "GSIV: Event=%" PRIu32 " PRI=%" PRIu32 " GERR=%" PRIu32 " Sync=%" PRIu32,
			       n->smmuv3.event_gsiv, n->smmuv3.pri_gsiv, n->smmuv3.gerr_gsiv,
			       n->smmuv3.sync_gsiv);
		if (n->smmuv3.has_pxm)
			k += (size_t)snprintf(tail + k, sizeof(tail) - k, "ProximityDomain=%" PRIu32 " ",
					      n->smmuv3.proximity_domain);
		if (n->smmuv3.has_id_mapping_index)
			snprintf(tail + k, sizeof(tail) - k, "DeviceIDMappingIndex=%" PRIu32,
				 n->smmuv3.id_mapping_index);
		if (tail[0])
			acpi_text_line(t, 2, "%s", tail);
		if (n->smmuv3.reserved || t->verbose)
			acpi_text_line(t, 2, "Reserved=0x%" PRIx32, n->smmuv3.reserved);
		break;
	}
	case SMMU_ACPI_IORT_PMCG: {
		char ref[64] = "none", p1[48] = "";

		if (n->pmcg.node_reference) {
			const struct smmu_acpi_iort_node *o = &io->nodes[n->pmcg.ref_node];
			snprintf(ref, sizeof(ref), "0x%" PRIx32 " (%s [%03" PRIx32 "])",
				 n->pmcg.node_reference, node_what(o->type, what, sizeof(what)), o->offset);
		}
		if (n->pmcg.has_page1)
			snprintf(p1, sizeof(p1), " Page1Base=0x%" PRIx64, n->pmcg.page1_base);
		acpi_text_line(t, 2, "Page0Base=0x%" PRIx64 "%s OverflowGSIV=%" PRIu32, n->pmcg.page0_base,
			       p1, n->pmcg.overflow_gsiv);
		acpi_text_line(t, 2, "NodeReference=%s", ref);
		break;
	}
	case SMMU_ACPI_IORT_RMR: {
		uint32_t f = n->rmr.flags, attr = SMMU_ACPI_IORT_RMR_ACCESS_ATTR(f);

		char attrs[64];

		print_name_value(attrs, sizeof(attrs), rmr_attrs,
				 sizeof(rmr_attrs) / sizeof(rmr_attrs[0]), attr);
		acpi_text_line(t, 2, "Flags=0x%" PRIx32 ": RemappingPermitted%s AccessPrivileged%s "
			       "AccessAttributes=%s",
			       f, acpi_pm(f & SMMU_ACPI_IORT_RMR_REMAP_PERMITTED),
			       acpi_pm(f & SMMU_ACPI_IORT_RMR_ACCESS_PRIV), attrs);
		acpi_text_line(t, 2, "MemoryRanges=%" PRIu32 " at 0x%" PRIx32, n->rmr.desc_count,
			       n->rmr.desc_offset);
		for (uint32_t i = 0; i < n->rmr.desc_count; i++) {
			const struct smmu_acpi_iort_rmr_desc *d = &n->rmr.descs[i];

			acpi_text_line(t, 2, "[%03" PRIx32 "] MemoryRange %" PRIu32 ": Base=0x%" PRIx64
				       " Length=0x%" PRIx64 "%s",
				       d->offset, i, d->base, d->length,
				       d->reserved ? " (Reserved is not 0)" : "");
		}
		break;
	}
	default:
		acpi_text_bytes(t, 2, "Data", n->raw, n->nraw);
		break;
	}
	for (uint32_t i = 0; i < n->mapping_count; i++) {
		const struct smmu_acpi_iort_mapping *m = &n->mappings[i];
		char target[48] = "no node";

		if (m->output_node != SMMU_ACPI_IORT_NO_NODE)
			snprintf(target, sizeof(target), "%s [%03" PRIx32 "]",
				 node_what(io->nodes[m->output_node].type, what, sizeof(what)),
				 io->nodes[m->output_node].offset);
		acpi_text_line(t, 2, "[%03" PRIx32 "] IDMapping %" PRIu32 ": InputBase=0x%" PRIx32
			       " IDCount=%" PRIu32 " (%" PRIu64 " ID%s) OutputBase=0x%" PRIx32
			       " OutputReference=0x%" PRIx32 " (%s) Flags=0x%" PRIx32 ": SINGLE_MAPPING%s",
			       m->offset, i, m->input_base, m->id_count, (uint64_t)m->id_count + 1,
			       m->id_count ? "s" : "", m->output_base, m->output_reference, target,
			       m->flags, acpi_pm(m->flags & SMMU_ACPI_IORT_SINGLE_MAPPING));
	}
}

void smmu_acpi_iort_print(FILE *out, const struct smmu_acpi_iort *io, unsigned verbose)
{
	const struct acpi_text tx = { .out = out, .verbose = verbose }, *t = &tx;

	acpi_text_header(t, &io->hdr, "IO Remapping Table");
	acpi_text_line(t, 1, "NodeCount=%" PRIu32 " NodeOffset=0x%" PRIx32, io->node_count,
		       io->node_offset);
	if (io->reserved || verbose)
		acpi_text_line(t, 1, "Reserved=0x%" PRIx32, io->reserved);
	for (size_t i = 0; i < io->nnodes; i++)
		print_node(t, io, &io->nodes[i]);
	acpi_text_warnings(t, &io->warnings);
}

/* ---- JSON --------------------------------------------------------------------- */

static void json_type_name(struct smmu_json *j, const char *key, const char *name)
{
	smmu_json_key(j, key);
	if (name)
		smmu_json_str(j, name);
	else
		smmu_json_null(j);
}

static void json_mem_access(struct smmu_json *j, const struct smmu_acpi_iort_mem_access *m)
{
	smmu_json_key(j, "memory_access");
	smmu_json_obj_begin(j);
	smmu_json_ku64(j, "offset", m->offset);
	smmu_json_ku64(j, "length", 8);
	smmu_json_ku64(j, "cache_coherency", m->cache_coherency);
	smmu_json_khex(j, "hints", m->hints);
	smmu_json_kbool(j, "transient", m->hints & SMMU_ACPI_IORT_HINT_TRANSIENT);
	smmu_json_kbool(j, "write_allocate", m->hints & SMMU_ACPI_IORT_HINT_WRITE);
	smmu_json_kbool(j, "read_allocate", m->hints & SMMU_ACPI_IORT_HINT_READ);
	smmu_json_kbool(j, "override", m->hints & SMMU_ACPI_IORT_HINT_OVERRIDE);
	smmu_json_ku64(j, "reserved", m->reserved);
	smmu_json_khex(j, "memory_flags", m->flags);
	smmu_json_kbool(j, "cpm", m->flags & SMMU_ACPI_IORT_MF_CPM);
	smmu_json_kbool(j, "dacs", m->flags & SMMU_ACPI_IORT_MF_DACS);
	smmu_json_kbool(j, "canwbs", m->flags & SMMU_ACPI_IORT_MF_CANWBS);
	smmu_json_obj_end(j);
}

static void json_irqs(struct smmu_json *j, const char *key, const struct smmu_acpi_iort_irq *irq,
		      uint32_t count)
{
	smmu_json_key(j, key);
	smmu_json_arr_begin(j);
	for (uint32_t i = 0; i < count; i++) {
		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "offset", irq[i].offset);
		smmu_json_ku64(j, "length", SMMU_IRQ_LEN);
		smmu_json_ku64(j, "gsiv", irq[i].gsiv);
		smmu_json_khex(j, "flags", irq[i].flags);
		smmu_json_kbool(j, "edge_triggered", irq[i].flags & SMMU_ACPI_IORT_IRQ_EDGE);
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
}

static void json_node(struct smmu_json *j, const struct smmu_acpi_iort *io,
		      const struct smmu_acpi_iort_node *n)
{
	smmu_json_obj_begin(j);
	smmu_json_ku64(j, "offset", n->offset);
	smmu_json_ku64(j, "length", n->length);
	smmu_json_ku64(j, "type", n->type);
	json_type_name(j, "type_name", smmu_acpi_iort_type_name(n->type));
	smmu_json_ku64(j, "revision", n->revision);
	smmu_json_ku64(j, "identifier", n->identifier);
	smmu_json_ku64(j, "mapping_count", n->mapping_count);
	smmu_json_khex(j, "mapping_offset", n->mapping_offset);
	switch (n->type) {
	case SMMU_ACPI_IORT_ITS_GROUP:
		smmu_json_ku64(j, "its_count", n->its.count);
		smmu_json_key(j, "its_ids");
		smmu_json_arr_begin(j);
		for (uint32_t i = 0; i < n->its.count; i++)
			smmu_json_u64(j, n->its.ids[i]);
		smmu_json_arr_end(j);
		break;
	case SMMU_ACPI_IORT_NAMED_COMPONENT:
		smmu_json_khex(j, "node_flags", n->nc.node_flags);
		smmu_json_kbool(j, "stall_supported", n->nc.node_flags & SMMU_ACPI_IORT_NC_STALL_SUPPORTED);
		smmu_json_ku64(j, "pasid_bits", (n->nc.node_flags & SMMU_ACPI_IORT_NC_PASID_BITS) >> 1);
		json_mem_access(j, &n->nc.mem);
		smmu_json_ku64(j, "memory_address_limit", n->nc.address_limit);
		smmu_json_kstr(j, "device_name", n->nc.name);
		break;
	case SMMU_ACPI_IORT_ROOT_COMPLEX:
		json_mem_access(j, &n->rc.mem);
		smmu_json_khex(j, "ats_attribute", n->rc.ats_attribute);
		smmu_json_kbool(j, "ats_supported", n->rc.ats_attribute & SMMU_ACPI_IORT_RC_ATS_SUPPORTED);
		smmu_json_kbool(j, "pri_supported", n->rc.ats_attribute & SMMU_ACPI_IORT_RC_PRI_SUPPORTED);
		smmu_json_kbool(j, "pasid_forwarding", n->rc.ats_attribute & SMMU_ACPI_IORT_RC_PASID_FWD);
		smmu_json_ku64(j, "pci_segment", n->rc.pci_segment);
		if (n->rc.has_address_limit)
			smmu_json_ku64(j, "memory_address_limit", n->rc.address_limit);
		if (n->rc.has_pasid) {
			smmu_json_khex(j, "pasid_capabilities", n->rc.pasid_capabilities);
			smmu_json_ku64(j, "max_pasid_width",
				       n->rc.pasid_capabilities & SMMU_ACPI_IORT_RC_PASID_MAX_WIDTH);
		}
		smmu_json_ku64(j, "reserved", n->rc.reserved);
		if (n->rc.has_flags) {
			smmu_json_khex(j, "flags", n->rc.flags);
			smmu_json_kbool(j, "pasid_supported", n->rc.flags & SMMU_ACPI_IORT_RC_PASID_SUPPORTED);
		}
		break;
	case SMMU_ACPI_IORT_SMMU:
		smmu_json_khex(j, "base_address", n->smmu.base);
		smmu_json_khex(j, "span", n->smmu.span);
		smmu_json_ku64(j, "model", n->smmu.model);
		json_type_name(j, "model_name", NAME_OR_NULL(smmu_models, n->smmu.model));
		smmu_json_khex(j, "flags", n->smmu.flags);
		smmu_json_kbool(j, "dvm_supported", n->smmu.flags & SMMU_ACPI_IORT_SMMU_DVM);
		smmu_json_kbool(j, "coherent_walk", n->smmu.flags & SMMU_ACPI_IORT_SMMU_COHERENT_WALK);
		smmu_json_khex(j, "global_interrupt_offset", n->smmu.global_irq_offset);
		smmu_json_ku64(j, "context_interrupt_count", n->smmu.context_irq_count);
		smmu_json_khex(j, "context_interrupt_offset", n->smmu.context_irq_offset);
		smmu_json_ku64(j, "pmu_interrupt_count", n->smmu.pmu_irq_count);
		smmu_json_khex(j, "pmu_interrupt_offset", n->smmu.pmu_irq_offset);
		smmu_json_ku64(j, "nsg_irpt", n->smmu.nsg_irpt);
		smmu_json_khex(j, "nsg_irpt_flags", n->smmu.nsg_irpt_flags);
		smmu_json_kbool(j, "nsg_irpt_edge_triggered", n->smmu.nsg_irpt_flags & SMMU_ACPI_IORT_IRQ_EDGE);
		smmu_json_ku64(j, "nsg_cfg_irpt", n->smmu.nsg_cfg_irpt);
		smmu_json_khex(j, "nsg_cfg_irpt_flags", n->smmu.nsg_cfg_irpt_flags);
		smmu_json_kbool(j, "nsg_cfg_irpt_edge_triggered",
				n->smmu.nsg_cfg_irpt_flags & SMMU_ACPI_IORT_IRQ_EDGE);
		json_irqs(j, "context_interrupts", n->smmu.context_irqs, n->smmu.context_irq_count);
		json_irqs(j, "pmu_interrupts", n->smmu.pmu_irqs, n->smmu.pmu_irq_count);
		break;
	case SMMU_ACPI_IORT_SMMUV3:
		smmu_json_khex(j, "base_address", n->smmuv3.base);
		smmu_json_khex(j, "flags", n->smmuv3.flags);
		smmu_json_kbool(j, "cohacc_override", n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_COHACC_OVERRIDE);
		smmu_json_ku64(j, "httu_override",
			       (n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_HTTU_OVERRIDE) >> 1);
		smmu_json_kbool(j, "proximity_domain_valid", n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_PXM_VALID);
		smmu_json_kbool(j, "deviceid_valid", n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_DEVICEID_VALID);
		smmu_json_ku64(j, "reserved", n->smmuv3.reserved);
		smmu_json_khex(j, "vatos_address", n->smmuv3.vatos_address);
		smmu_json_ku64(j, "model", n->smmuv3.model);
		json_type_name(j, "model_name", NAME_OR_NULL(smmuv3_models, n->smmuv3.model));
		smmu_json_ku64(j, "event_gsiv", n->smmuv3.event_gsiv);
		smmu_json_ku64(j, "pri_gsiv", n->smmuv3.pri_gsiv);
		smmu_json_ku64(j, "gerr_gsiv", n->smmuv3.gerr_gsiv);
		smmu_json_ku64(j, "sync_gsiv", n->smmuv3.sync_gsiv);
		if (n->smmuv3.has_pxm)
			smmu_json_ku64(j, "proximity_domain", n->smmuv3.proximity_domain);
		if (n->smmuv3.has_id_mapping_index)
			smmu_json_ku64(j, "id_mapping_index", n->smmuv3.id_mapping_index);
		break;
	case SMMU_ACPI_IORT_PMCG:
		smmu_json_khex(j, "page0_base_address", n->pmcg.page0_base);
		smmu_json_ku64(j, "overflow_gsiv", n->pmcg.overflow_gsiv);
		smmu_json_khex(j, "node_reference", n->pmcg.node_reference);
		json_type_name(j, "node_reference_type",
			       n->pmcg.node_reference
				       ? smmu_acpi_iort_type_name(io->nodes[n->pmcg.ref_node].type)
				       : NULL);
		if (n->pmcg.has_page1)
			smmu_json_khex(j, "page1_base_address", n->pmcg.page1_base);
		break;
	case SMMU_ACPI_IORT_RMR:
		smmu_json_khex(j, "flags", n->rmr.flags);
		smmu_json_kbool(j, "remapping_permitted", n->rmr.flags & SMMU_ACPI_IORT_RMR_REMAP_PERMITTED);
		smmu_json_kbool(j, "access_privileged", n->rmr.flags & SMMU_ACPI_IORT_RMR_ACCESS_PRIV);
		smmu_json_ku64(j, "access_attributes", SMMU_ACPI_IORT_RMR_ACCESS_ATTR(n->rmr.flags));
		json_type_name(j, "access_attributes_name",
			       NAME_OR_NULL(rmr_attrs, SMMU_ACPI_IORT_RMR_ACCESS_ATTR(n->rmr.flags)));
		smmu_json_ku64(j, "descriptor_count", n->rmr.desc_count);
		smmu_json_khex(j, "descriptor_offset", n->rmr.desc_offset);
		smmu_json_key(j, "descriptors");
		smmu_json_arr_begin(j);
		for (uint32_t i = 0; i < n->rmr.desc_count; i++) {
			const struct smmu_acpi_iort_rmr_desc *d = &n->rmr.descs[i];

			smmu_json_obj_begin(j);
			smmu_json_ku64(j, "offset", d->offset);
			smmu_json_ku64(j, "length", RMR_DESC_LEN);
			smmu_json_khex(j, "base_address", d->base);
			smmu_json_khex(j, "range_length", d->length);
			smmu_json_ku64(j, "reserved", d->reserved);
			smmu_json_obj_end(j);
		}
		smmu_json_arr_end(j);
		break;
	default:
		acpi_json_bytes(j, "raw", n->raw, n->nraw);
		break;
	}
	smmu_json_key(j, "mappings");
	smmu_json_arr_begin(j);
	for (uint32_t i = 0; i < n->mapping_count; i++) {
		const struct smmu_acpi_iort_mapping *m = &n->mappings[i];

		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "offset", m->offset);
		smmu_json_ku64(j, "length", MAPPING_LEN);
		smmu_json_khex(j, "input_base", m->input_base);
		smmu_json_ku64(j, "id_count", m->id_count);
		smmu_json_khex(j, "output_base", m->output_base);
		smmu_json_khex(j, "output_reference", m->output_reference);
		json_type_name(j, "output_type", m->output_node == SMMU_ACPI_IORT_NO_NODE ? NULL :
			       smmu_acpi_iort_type_name(io->nodes[m->output_node].type));
		smmu_json_khex(j, "flags", m->flags);
		smmu_json_kbool(j, "single_mapping", m->flags & SMMU_ACPI_IORT_SINGLE_MAPPING);
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
	smmu_json_obj_end(j);
}

void smmu_acpi_iort_json(struct smmu_json *j, const struct smmu_acpi_iort *io)
{
	smmu_json_obj_begin(j);
	acpi_json_header(j, &io->hdr);
	smmu_json_ku64(j, "node_count", io->node_count);
	smmu_json_khex(j, "node_offset", io->node_offset);
	smmu_json_ku64(j, "reserved", io->reserved);
	smmu_json_key(j, "nodes");
	smmu_json_arr_begin(j);
	for (size_t i = 0; i < io->nnodes; i++)
		json_node(j, io, &io->nodes[i]);
	smmu_json_arr_end(j);
	acpi_json_warnings(j, &io->warnings);
	smmu_json_obj_end(j);
}
