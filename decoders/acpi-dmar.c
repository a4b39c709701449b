/* SPDX-License-Identifier: MIT */
/*
 * DMAR, the DMA Remapping Reporting table (Intel VT-d specification,
 * chapter 8): the header, then remapping structures of type and length, some
 * of which end in device scopes of type, length and a (device, function) path.
 *
 * Every length is checked against the structure that contains it before it
 * is used, and a length too short to make progress is an error, so no table
 * can make the parser loop or read past the buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "acpi-priv.h"

#define DMAR_FIXED_LEN 48 /* header + Host Address Width, Flags, 10 reserved bytes */
#define SCOPE_HDR_LEN 6

struct dmar_type_info {
	const char *name, *title;
	uint16_t min_len;   /* the fixed part */
	uint16_t scopes_at; /* where device scopes start; 0: the type has none */
};

static const struct dmar_type_info dmar_types[] = {
	[SMMU_ACPI_DMAR_DRHD] = { "DRHD", "DMA Remapping Hardware Unit Definition", 16, 16 },
	[SMMU_ACPI_DMAR_RMRR] = { "RMRR", "Reserved Memory Region Reporting", 24, 24 },
	[SMMU_ACPI_DMAR_ATSR] = { "ATSR", "Root Port ATS Capability Reporting", 8, 8 },
	[SMMU_ACPI_DMAR_RHSA] = { "RHSA", "Remapping Hardware Static Affinity", 20, 0 },
	[SMMU_ACPI_DMAR_ANDD] = { "ANDD", "ACPI Name-space Device Declaration", 8, 0 },
	[SMMU_ACPI_DMAR_SATC] = { "SATC", "SoC Integrated Address Translation Cache Reporting", 8, 8 },
	[SMMU_ACPI_DMAR_SIDP] = { "SIDP", "SoC Integrated Device Property Reporting", 8, 8 },
};
#define N_DMAR_TYPES (sizeof(dmar_types) / sizeof(dmar_types[0]))

static const char *const scope_names[] = {
	[SMMU_ACPI_SCOPE_PCI_ENDPOINT] = "PCI endpoint",
	[SMMU_ACPI_SCOPE_PCI_BRIDGE] = "PCI bridge",
	[SMMU_ACPI_SCOPE_IOAPIC] = "IOAPIC",
	[SMMU_ACPI_SCOPE_HPET] = "HPET",
	[SMMU_ACPI_SCOPE_ACPI_NAMESPACE] = "ACPI namespace device",
};

const char *smmu_acpi_dmar_type_name(unsigned type)
{
	return type < N_DMAR_TYPES ? dmar_types[type].name : NULL;
}

const char *smmu_acpi_dmar_type_title(unsigned type)
{
	return type < N_DMAR_TYPES ? dmar_types[type].title : NULL;
}

const char *smmu_acpi_scope_type_name(unsigned type)
{
	return type < sizeof(scope_names) / sizeof(scope_names[0]) ? scope_names[type] : NULL;
}

/* "DRHD", or "type 9" for one this parser does not know: for messages. */
static const char *entry_what(unsigned type, char *buf, size_t n)
{
	const char *name = smmu_acpi_dmar_type_name(type);

	if (name)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "structure of type %u", type);
	return buf;
}

void smmu_acpi_dmar_free(struct smmu_acpi_dmar *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nentries; i++) {
		struct smmu_acpi_dmar_entry *e = &d->entries[i];

		for (size_t k = 0; k < e->nscopes; k++)
			free(e->scopes[k].path);
		free(e->scopes);
		if (e->type == SMMU_ACPI_DMAR_ANDD)
			free(e->andd.name);
		free(e->raw);
	}
	free(d->entries);
	free(d);
}

/* ---- parsing ------------------------------------------------------------------ */

struct dmar_ctx {
	const uint8_t *b;
	struct smmu_acpi_dmar *d;
	char *err;
	size_t errlen;
	char what[32]; /* the structure being parsed, for messages */
};

/*
 * Device scopes fill [start, end) of their structure exactly.  The first pass
 * only validates and counts, so the array is allocated once, at its size.
 */
static int parse_scopes(struct dmar_ctx *c, struct smmu_acpi_dmar_entry *e, uint32_t start)
{
	const uint8_t *b = c->b;
	uint32_t end = e->offset + e->length; /* checked against the table by the caller */
	size_t n = 0, i = 0;

	for (uint32_t p = start; p < end;) {
		uint8_t slen;

		if (end - p < SCOPE_HDR_LEN)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "DMAR: %s at offset 0x%" PRIx32 ": device scope at offset 0x%" PRIx32
					 ": only %" PRIu32 " bytes left in the %s, a scope header needs %d",
					 c->what, e->offset, p, end - p, c->what, SCOPE_HDR_LEN);
		slen = b[p + 1];
		if (slen < SCOPE_HDR_LEN)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "DMAR: %s at offset 0x%" PRIx32 ": device scope at offset 0x%" PRIx32
					 ": length 0x%x is shorter than the %d-byte scope header",
					 c->what, e->offset, p, slen, SCOPE_HDR_LEN);
		if (slen > end - p)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "DMAR: %s at offset 0x%" PRIx32 ": device scope at offset 0x%" PRIx32
					 ": length 0x%x runs past the end of the %s (0x%" PRIx32 ")",
					 c->what, e->offset, p, slen, c->what, end);
		if ((slen - SCOPE_HDR_LEN) & 1)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "DMAR: %s at offset 0x%" PRIx32 ": device scope at offset 0x%" PRIx32
					 ": length 0x%x leaves an odd path of %d bytes, but a path is "
					 "(device, function) byte pairs",
					 c->what, e->offset, p, slen, slen - SCOPE_HDR_LEN);
		n++;
		p += slen;
	}
	if (!n)
		return 0;
	e->scopes = calloc(n, sizeof(*e->scopes));
	if (!e->scopes)
		return acpi_fail(c->err, c->errlen, -ENOMEM, "DMAR: out of memory");
	e->nscopes = n;
	for (uint32_t p = start; p < end; i++) {
		struct smmu_acpi_dmar_scope *s = &e->scopes[i];

		s->offset = p;
		s->type = b[p];
		s->length = b[p + 1];
		s->reserved = acpi_le16(b + p + 2);
		s->enumeration_id = b[p + 4];
		s->start_bus = b[p + 5];
		s->npath = (size_t)(s->length - SCOPE_HDR_LEN) / 2;
		if (s->npath) {
			s->path = calloc(s->npath, sizeof(*s->path));
			if (!s->path)
				return acpi_fail(c->err, c->errlen, -ENOMEM, "DMAR: out of memory");
		}
		for (size_t k = 0; k < s->npath; k++) {
			s->path[k].device = b[p + SCOPE_HDR_LEN + 2 * k];
			s->path[k].function = b[p + SCOPE_HDR_LEN + 2 * k + 1];
			if (s->path[k].device > 31 || s->path[k].function > 7)
				acpi_warn(&c->d->warnings,
					  "%s at 0x%" PRIx32 ": scope at 0x%" PRIx32
					  ": path entry %zu (%02x.%x) is not a PCI device and function",
					  c->what, e->offset, p, k, s->path[k].device,
					  s->path[k].function);
		}
		if (!smmu_acpi_scope_type_name(s->type))
			acpi_warn(&c->d->warnings,
				  "%s at 0x%" PRIx32 ": scope at 0x%" PRIx32 ": unknown type %u",
				  c->what, e->offset, p, s->type);
		if (!s->npath)
			acpi_warn(&c->d->warnings,
				  "%s at 0x%" PRIx32 ": scope at 0x%" PRIx32 " has an empty path",
				  c->what, e->offset, p);
		p += s->length;
	}
	return 0;
}

/* The spec says which scope types each structure may hold; others are suspect. */
static void check_scope_types(struct dmar_ctx *c, const struct smmu_acpi_dmar_entry *e)
{
	for (size_t i = 0; i < e->nscopes; i++) {
		unsigned t = e->scopes[i].type;
		bool ok = true;

		switch (e->type) {
		case SMMU_ACPI_DMAR_DRHD:
			/* an INCLUDE_PCI_ALL unit lists only what PCI enumeration cannot find */
			if (e->drhd.flags & SMMU_ACPI_DRHD_INCLUDE_PCI_ALL)
				ok = t != SMMU_ACPI_SCOPE_PCI_ENDPOINT && t != SMMU_ACPI_SCOPE_PCI_BRIDGE;
			break;
		case SMMU_ACPI_DMAR_RMRR:
		case SMMU_ACPI_DMAR_SATC:
			ok = t == SMMU_ACPI_SCOPE_PCI_ENDPOINT;
			break;
		case SMMU_ACPI_DMAR_ATSR:
			ok = t == SMMU_ACPI_SCOPE_PCI_BRIDGE;
			break;
		}
		if (!ok)
			acpi_warn(&c->d->warnings,
				  "%s at 0x%" PRIx32 ": scope at 0x%" PRIx32 " of type %s does not belong in a%s %s",
				  c->what, e->offset, e->scopes[i].offset,
				  smmu_acpi_scope_type_name(t) ? smmu_acpi_scope_type_name(t) : "??",
				  e->type == SMMU_ACPI_DMAR_DRHD ? "n INCLUDE_PCI_ALL" :
				  e->type == SMMU_ACPI_DMAR_ATSR ? "n" : "",
				  c->what);
	}
}

static int parse_entry(struct dmar_ctx *c, struct smmu_acpi_dmar_entry *e)
{
	const uint8_t *b = c->b + e->offset;
	struct smmu_acpi_warnings *w = &c->d->warnings;
	const char *what = c->what;
	uint32_t off = e->offset;
	int rc;

	switch (e->type) {
	case SMMU_ACPI_DMAR_DRHD:
		e->drhd.flags = b[4];
		e->drhd.size = b[5];
		e->drhd.segment = acpi_le16(b + 6);
		e->drhd.register_base = acpi_le64(b + 8);
		if (e->drhd.flags & ~SMMU_ACPI_DRHD_INCLUDE_PCI_ALL)
			acpi_warn(w, "%s at 0x%" PRIx32 ": reserved Flags bits set (0x%02x)", what, off,
				  e->drhd.flags);
		if (e->drhd.size & 0xf0)
			acpi_warn(w, "%s at 0x%" PRIx32 ": reserved Size bits 7:4 set (0x%02x)", what,
				  off, e->drhd.size);
		if (e->drhd.register_base & 0xfff)
			acpi_warn(w, "%s at 0x%" PRIx32 ": register base 0x%" PRIx64
				  " is not 4 KiB aligned", what, off, e->drhd.register_base);
		break;
	case SMMU_ACPI_DMAR_RMRR:
		e->rmrr.reserved = acpi_le16(b + 4);
		e->rmrr.segment = acpi_le16(b + 6);
		e->rmrr.base = acpi_le64(b + 8);
		e->rmrr.limit = acpi_le64(b + 16);
		if (e->rmrr.reserved)
			acpi_warn(w, "%s at 0x%" PRIx32 ": Reserved is 0x%04x, not 0", what, off,
				  e->rmrr.reserved);
		if (e->rmrr.limit < e->rmrr.base)
			acpi_warn(w, "%s at 0x%" PRIx32 ": limit 0x%" PRIx64 " is below base 0x%" PRIx64,
				  what, off, e->rmrr.limit, e->rmrr.base);
		if ((e->rmrr.base & 0xfff) || ((e->rmrr.limit + 1) & 0xfff))
			acpi_warn(w, "%s at 0x%" PRIx32 ": region 0x%" PRIx64 "-0x%" PRIx64
				  " is not 4 KiB aligned", what, off, e->rmrr.base, e->rmrr.limit);
		break;
	case SMMU_ACPI_DMAR_ATSR:
	case SMMU_ACPI_DMAR_SATC:
		/* same layout; the union members alias */
		e->atsr.flags = b[4];
		e->atsr.reserved = b[5];
		e->atsr.segment = acpi_le16(b + 6);
		if (e->atsr.flags & ~1u)
			acpi_warn(w, "%s at 0x%" PRIx32 ": reserved Flags bits set (0x%02x)", what, off,
				  e->atsr.flags);
		if (e->atsr.reserved)
			acpi_warn(w, "%s at 0x%" PRIx32 ": Reserved is 0x%02x, not 0", what, off,
				  e->atsr.reserved);
		break;
	case SMMU_ACPI_DMAR_RHSA:
		e->rhsa.reserved = acpi_le32(b + 4);
		e->rhsa.base = acpi_le64(b + 8);
		e->rhsa.proximity_domain = acpi_le32(b + 16);
		if (e->rhsa.reserved)
			acpi_warn(w, "%s at 0x%" PRIx32 ": Reserved is 0x%08" PRIx32 ", not 0", what,
				  off, e->rhsa.reserved);
		if (e->length > 20)
			acpi_warn(w, "%s at 0x%" PRIx32 ": %u bytes past its fields ignored", what, off,
				  e->length - 20u);
		break;
	case SMMU_ACPI_DMAR_ANDD: {
		size_t n = e->length - 8u, k;

		e->andd.reserved = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16;
		e->andd.device_number = b[7];
		for (k = 0; k < n && b[8 + k]; k++)
			;
		if (k == n)
			acpi_warn(w, "%s at 0x%" PRIx32 ": the object name is not NUL-terminated", what,
				  off);
		if (!k)
			acpi_warn(w, "%s at 0x%" PRIx32 ": the object name is empty", what, off);
		e->andd.name = malloc(k + 1);
		if (!e->andd.name)
			return acpi_fail(c->err, c->errlen, -ENOMEM, "DMAR: out of memory");
		for (size_t i = 0; i < k; i++)
			e->andd.name[i] = b[8 + i] >= 0x20 && b[8 + i] < 0x7f ? (char)b[8 + i] : '?';
		e->andd.name[k] = '\0';
		if (e->andd.reserved)
			acpi_warn(w, "%s at 0x%" PRIx32 ": Reserved is 0x%06" PRIx32 ", not 0", what,
				  off, e->andd.reserved);
		break;
	}
	case SMMU_ACPI_DMAR_SIDP:
		e->sidp.reserved = acpi_le16(b + 4);
		e->sidp.segment = acpi_le16(b + 6);
		break;
	default:
		e->nraw = e->length - 4u;
		if (e->nraw) {
			e->raw = malloc(e->nraw);
			if (!e->raw)
				return acpi_fail(c->err, c->errlen, -ENOMEM, "DMAR: out of memory");
			memcpy(e->raw, b + 4, e->nraw);
		}
		acpi_warn(w, "%s at 0x%" PRIx32 ": unknown remapping structure type, shown raw",
			  what, off);
		return 0;
	}
	if (dmar_types[e->type].scopes_at) {
		rc = parse_scopes(c, e, off + dmar_types[e->type].scopes_at);
		if (rc)
			return rc;
		check_scope_types(c, e);
	}
	return 0;
}

/* Whole-table rules that no single structure can check. */
static void check_table(struct smmu_acpi_dmar *d)
{
	struct smmu_acpi_warnings *w = &d->warnings;

	if (d->host_address_width >= 64)
		acpi_warn(w, "Host Address Width %u means more than 64 address bits",
			  d->host_address_width);
	if (d->flags & ~7u)
		acpi_warn(w, "reserved Flags bits set (0x%02x)", d->flags);
	for (int i = 0; i < 10; i++)
		if (d->reserved[i]) {
			acpi_warn(w, "the 10 reserved bytes after Flags are not all 0");
			break;
		}
	/*
	 * VT-d: an INCLUDE_PCI_ALL unit must be the last DRHD of its segment.
	 * Walk backwards with a bitmap of segments that have a later DRHD:
	 * linear, where a scan ahead per unit would be quadratic.
	 */
	uint8_t *later = calloc(65536 / 8, 1);

	for (size_t i = d->nentries; later && i-- > 0;) {
		const struct smmu_acpi_dmar_entry *e = &d->entries[i];
		uint16_t seg = e->drhd.segment;

		if (e->type != SMMU_ACPI_DMAR_DRHD)
			continue;
		if ((e->drhd.flags & SMMU_ACPI_DRHD_INCLUDE_PCI_ALL) && (later[seg / 8] & (1u << (seg % 8))))
			acpi_warn(w, "DRHD at 0x%" PRIx32 " has INCLUDE_PCI_ALL for segment %u but "
				  "is not the last DRHD of that segment", e->offset, seg);
		later[seg / 8] |= (uint8_t)(1u << (seg % 8));
	}
	free(later);
	if (!d->nentries)
		acpi_warn(w, "no remapping structures");
}

int smmu_acpi_dmar_parse(const void *buf, size_t len, struct smmu_acpi_dmar **out, char *err,
			 size_t errlen)
{
	struct dmar_ctx c = { .b = buf, .err = err, .errlen = errlen };
	struct smmu_acpi_dmar *d;
	size_t cap = 0;
	uint32_t tlen;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	d = calloc(1, sizeof(*d));
	if (!d)
		return acpi_fail(err, errlen, -ENOMEM, "DMAR: out of memory");
	c.d = d;
	rc = acpi_header_parse(c.b, len, "DMAR", DMAR_FIXED_LEN, &d->hdr, &d->warnings, err, errlen);
	if (rc)
		goto fail;
	tlen = d->hdr.length;
	d->host_address_width = c.b[36];
	d->flags = c.b[37];
	memcpy(d->reserved, c.b + 38, sizeof(d->reserved));

	for (uint32_t off = DMAR_FIXED_LEN; off < tlen;) {
		struct smmu_acpi_dmar_entry *e;
		uint16_t type, elen, min;

		if (!acpi_fits(tlen, off, 4)) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "DMAR: remapping structure at offset 0x%" PRIx32
				       ": its 4-byte header runs past the table end (0x%" PRIx32 ")",
				       off, tlen);
			goto fail;
		}
		type = acpi_le16(c.b + off);
		elen = acpi_le16(c.b + off + 2);
		entry_what(type, c.what, sizeof(c.what));
		min = type < N_DMAR_TYPES ? dmar_types[type].min_len : 4;
		/* a length under the fixed part, 0 above all, would never advance */
		if (elen < min) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "DMAR: %s at offset 0x%" PRIx32 ": length 0x%x is shorter than "
				       "its 0x%x-byte fixed part",
				       c.what, off, elen, min);
			goto fail;
		}
		if (!acpi_fits(tlen, off, elen)) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "DMAR: %s at offset 0x%" PRIx32 ": length 0x%x runs past the "
				       "table end (0x%" PRIx32 ")",
				       c.what, off, elen, tlen);
			goto fail;
		}
		if (d->nentries == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			void *p = realloc(d->entries, ncap * sizeof(*d->entries));

			if (!p) {
				rc = acpi_fail(err, errlen, -ENOMEM, "DMAR: out of memory");
				goto fail;
			}
			d->entries = p;
			cap = ncap;
		}
		e = &d->entries[d->nentries++];
		memset(e, 0, sizeof(*e));
		e->offset = off;
		e->type = type;
		e->length = elen;
		rc = parse_entry(&c, e);
		if (rc)
			goto fail;
		off += elen;
	}
	check_table(d);
	*out = d;
	return 0;
fail:
	smmu_acpi_dmar_free(d);
	return rc;
}

/* ---- text --------------------------------------------------------------------- */

static void format_path(char *buf, size_t n, const struct smmu_acpi_dmar_scope *s)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->npath && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%02x.%x", i ? "/" : "", s->path[i].device,
				      s->path[i].function);
	if (!s->npath)
		snprintf(buf, n, "(empty)");
}

static void print_scopes(const struct acpi_text *t, const struct smmu_acpi_dmar_entry *e)
{
	for (size_t i = 0; i < e->nscopes; i++) {
		const struct smmu_acpi_dmar_scope *s = &e->scopes[i];
		const char *name = smmu_acpi_scope_type_name(s->type);
		char path[128 * 6], type[16], rsvd[32] = "";

		format_path(path, sizeof(path), s);
		if (!name) {
			snprintf(type, sizeof(type), "??%u", s->type);
			name = type;
		}
		if (s->reserved || t->verbose)
			snprintf(rsvd, sizeof(rsvd), " Reserved=0x%04x", s->reserved);
		acpi_text_line(t, 2, "[%03" PRIx32 "] Scope: %s, EnumerationID=%u StartBus=%02x Path=%s%s",
			       s->offset, name, s->enumeration_id, s->start_bus, path, rsvd);
	}
}

void smmu_acpi_dmar_print(FILE *out, const struct smmu_acpi_dmar *d, unsigned verbose)
{
	const struct acpi_text tx = { .out = out, .verbose = verbose }, *t = &tx;

	acpi_text_header(t, &d->hdr, "DMA Remapping table");
	acpi_text_line(t, 1, "HostAddressWidth=%u (%u-bit DMA addresses)", d->host_address_width,
		       d->host_address_width + 1u);
	acpi_text_line(t, 1, "Flags=0x%02x: INTR_REMAP%s X2APIC_OPT_OUT%s DMA_CTRL_PLATFORM_OPT_IN%s",
		       d->flags, acpi_pm(d->flags & SMMU_ACPI_DMAR_INTR_REMAP),
		       acpi_pm(d->flags & SMMU_ACPI_DMAR_X2APIC_OPT_OUT),
		       acpi_pm(d->flags & SMMU_ACPI_DMAR_DMA_CTRL_PLATFORM_OPT_IN));
	if (verbose)
		acpi_text_bytes(t, 1, "Reserved", d->reserved, sizeof(d->reserved));
	for (size_t i = 0; i < d->nentries; i++) {
		const struct smmu_acpi_dmar_entry *e = &d->entries[i];
		const char *name = smmu_acpi_dmar_type_name(e->type);

		if (name)
			acpi_text_line(t, 1, "[%03" PRIx32 "] %s: %s, length %u", e->offset, name,
				       smmu_acpi_dmar_type_title(e->type), e->length);
		else
			acpi_text_line(t, 1, "[%03" PRIx32 "] ??%u: unknown remapping structure, length %u",
				       e->offset, e->type, e->length);
		switch (e->type) {
		case SMMU_ACPI_DMAR_DRHD:
			acpi_text_line(t, 2, "Flags=0x%02x: INCLUDE_PCI_ALL%s", e->drhd.flags,
				       acpi_pm(e->drhd.flags & SMMU_ACPI_DRHD_INCLUDE_PCI_ALL));
			acpi_text_line(t, 2, "Segment=%04x RegisterBase=0x%" PRIx64 " Size=%u (%u KiB)",
				       e->drhd.segment, e->drhd.register_base, e->drhd.size & 0xf,
				       4u << (e->drhd.size & 0xf));
			break;
		case SMMU_ACPI_DMAR_RMRR:
			acpi_text_line(t, 2, "Segment=%04x Base=0x%" PRIx64 " Limit=0x%" PRIx64,
				       e->rmrr.segment, e->rmrr.base, e->rmrr.limit);
			if (e->rmrr.reserved || verbose)
				acpi_text_line(t, 2, "Reserved=0x%04x", e->rmrr.reserved);
			break;
		case SMMU_ACPI_DMAR_ATSR:
		case SMMU_ACPI_DMAR_SATC:
			acpi_text_line(t, 2, "Flags=0x%02x: %s%s Segment=%04x", e->atsr.flags,
				       e->type == SMMU_ACPI_DMAR_ATSR ? "ALL_PORTS" : "ATC_REQUIRED",
				       acpi_pm(e->atsr.flags & 1), e->atsr.segment);
			if (e->atsr.reserved || verbose)
				acpi_text_line(t, 2, "Reserved=0x%02x", e->atsr.reserved);
			break;
		case SMMU_ACPI_DMAR_RHSA:
			acpi_text_line(t, 2, "RegisterBase=0x%" PRIx64 " ProximityDomain=%" PRIu32,
				       e->rhsa.base, e->rhsa.proximity_domain);
			if (e->rhsa.reserved || verbose)
				acpi_text_line(t, 2, "Reserved=0x%08" PRIx32, e->rhsa.reserved);
			break;
		case SMMU_ACPI_DMAR_ANDD:
			acpi_text_line(t, 2, "DeviceNumber=%u ObjectName=\"%s\"", e->andd.device_number,
				       e->andd.name);
			if (e->andd.reserved || verbose)
				acpi_text_line(t, 2, "Reserved=0x%06" PRIx32, e->andd.reserved);
			break;
		case SMMU_ACPI_DMAR_SIDP:
			acpi_text_line(t, 2, "Segment=%04x", e->sidp.segment);
			if (e->sidp.reserved || verbose)
				acpi_text_line(t, 2, "Reserved=0x%04x", e->sidp.reserved);
			break;
		default:
			acpi_text_bytes(t, 2, "Data", e->raw, e->nraw);
			break;
		}
		print_scopes(t, e);
	}
	acpi_text_warnings(t, &d->warnings);
}

/* ---- JSON --------------------------------------------------------------------- */

static void json_scopes(struct smmu_json *j, const struct smmu_acpi_dmar_entry *e)
{
	smmu_json_key(j, "scopes");
	smmu_json_arr_begin(j);
	for (size_t i = 0; i < e->nscopes; i++) {
		const struct smmu_acpi_dmar_scope *s = &e->scopes[i];
		const char *name = smmu_acpi_scope_type_name(s->type);

		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "offset", s->offset);
		smmu_json_ku64(j, "length", s->length);
		smmu_json_ku64(j, "type", s->type);
		smmu_json_key(j, "type_name");
		if (name)
			smmu_json_str(j, name);
		else
			smmu_json_null(j);
		smmu_json_ku64(j, "reserved", s->reserved);
		smmu_json_ku64(j, "enumeration_id", s->enumeration_id);
		smmu_json_ku64(j, "start_bus", s->start_bus);
		smmu_json_key(j, "path");
		smmu_json_arr_begin(j);
		for (size_t k = 0; k < s->npath; k++) {
			smmu_json_obj_begin(j);
			smmu_json_ku64(j, "device", s->path[k].device);
			smmu_json_ku64(j, "function", s->path[k].function);
			smmu_json_obj_end(j);
		}
		smmu_json_arr_end(j);
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
}

void smmu_acpi_dmar_json(struct smmu_json *j, const struct smmu_acpi_dmar *d)
{
	smmu_json_obj_begin(j);
	acpi_json_header(j, &d->hdr);
	smmu_json_ku64(j, "host_address_width", d->host_address_width);
	smmu_json_ku64(j, "dma_address_bits", d->host_address_width + 1u);
	smmu_json_khex(j, "flags", d->flags);
	smmu_json_kbool(j, "intr_remap", d->flags & SMMU_ACPI_DMAR_INTR_REMAP);
	smmu_json_kbool(j, "x2apic_opt_out", d->flags & SMMU_ACPI_DMAR_X2APIC_OPT_OUT);
	smmu_json_kbool(j, "dma_ctrl_platform_opt_in", d->flags & SMMU_ACPI_DMAR_DMA_CTRL_PLATFORM_OPT_IN);
	acpi_json_bytes(j, "reserved", d->reserved, sizeof(d->reserved));
	smmu_json_key(j, "structures");
	smmu_json_arr_begin(j);
	for (size_t i = 0; i < d->nentries; i++) {
		const struct smmu_acpi_dmar_entry *e = &d->entries[i];
		const char *name = smmu_acpi_dmar_type_name(e->type);

		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "offset", e->offset);
		smmu_json_ku64(j, "length", e->length);
		smmu_json_ku64(j, "type", e->type);
		smmu_json_key(j, "type_name");
		if (name)
			smmu_json_str(j, name);
		else
			smmu_json_null(j);
		switch (e->type) {
		case SMMU_ACPI_DMAR_DRHD:
			smmu_json_khex(j, "flags", e->drhd.flags);
			smmu_json_kbool(j, "include_pci_all", e->drhd.flags & SMMU_ACPI_DRHD_INCLUDE_PCI_ALL);
			smmu_json_ku64(j, "size", e->drhd.size);
			smmu_json_ku64(j, "register_set_bytes", 4096ull << (e->drhd.size & 0xf));
			smmu_json_ku64(j, "segment", e->drhd.segment);
			smmu_json_khex(j, "register_base", e->drhd.register_base);
			break;
		case SMMU_ACPI_DMAR_RMRR:
			smmu_json_ku64(j, "reserved", e->rmrr.reserved);
			smmu_json_ku64(j, "segment", e->rmrr.segment);
			smmu_json_khex(j, "base_address", e->rmrr.base);
			smmu_json_khex(j, "limit_address", e->rmrr.limit);
			break;
		case SMMU_ACPI_DMAR_ATSR:
		case SMMU_ACPI_DMAR_SATC:
			smmu_json_khex(j, "flags", e->atsr.flags);
			smmu_json_kbool(j, e->type == SMMU_ACPI_DMAR_ATSR ? "all_ports" : "atc_required",
					e->atsr.flags & 1);
			smmu_json_ku64(j, "reserved", e->atsr.reserved);
			smmu_json_ku64(j, "segment", e->atsr.segment);
			break;
		case SMMU_ACPI_DMAR_RHSA:
			smmu_json_ku64(j, "reserved", e->rhsa.reserved);
			smmu_json_khex(j, "base_address", e->rhsa.base);
			smmu_json_ku64(j, "proximity_domain", e->rhsa.proximity_domain);
			break;
		case SMMU_ACPI_DMAR_ANDD:
			smmu_json_ku64(j, "reserved", e->andd.reserved);
			smmu_json_ku64(j, "device_number", e->andd.device_number);
			smmu_json_kstr(j, "object_name", e->andd.name);
			break;
		case SMMU_ACPI_DMAR_SIDP:
			smmu_json_ku64(j, "reserved", e->sidp.reserved);
			smmu_json_ku64(j, "segment", e->sidp.segment);
			break;
		default:
			acpi_json_bytes(j, "raw", e->raw, e->nraw);
			break;
		}
		if (e->type < N_DMAR_TYPES && dmar_types[e->type].scopes_at)
			json_scopes(j, e);
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
	acpi_json_warnings(j, &d->warnings);
	smmu_json_obj_end(j);
}
