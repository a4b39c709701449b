/* SPDX-License-Identifier: MIT */
/*
 * IVRS, the I/O Virtualization Reporting Structure (AMD IOMMU specification
 * #48882, "ACPI tables"): the header and IVinfo, then blocks of type, flags
 * and length.  IVHD blocks (10h, 11h, 40h) describe one IOMMU and end in
 * device entries whose length follows from their type (00h-3Fh: 4 bytes,
 * 40h-7Fh: 8 bytes, F0h: 22 bytes plus its UID); IVMD blocks (20h, 21h, 22h)
 * describe memory that devices need.
 *
 * Every length is checked against what holds it before it is used, and a
 * length too short to make progress is an error, so no table can make the
 * parser loop or read past the buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "acpi-priv.h"

#define IVRS_FIXED_LEN 48 /* header + IVinfo + 8 reserved bytes */
#define BLOCK_HDR_LEN 4
#define IVHD10_LEN 24
#define IVHD11_LEN 40
#define IVMD_LEN 32
#define HID_FIXED_LEN 22

const char *smmu_acpi_ivrs_type_name(unsigned type)
{
	switch (type) {
	case SMMU_ACPI_IVHD_10:
	case SMMU_ACPI_IVHD_11:
	case SMMU_ACPI_IVHD_40:
		return "IVHD";
	case SMMU_ACPI_IVMD_ALL:
	case SMMU_ACPI_IVMD_SELECT:
	case SMMU_ACPI_IVMD_RANGE:
		return "IVMD";
	}
	return NULL;
}

const char *smmu_acpi_ivhd_dev_name(unsigned type)
{
	switch (type) {
	case SMMU_ACPI_IVHD_DEV_PAD: return "Pad";
	case SMMU_ACPI_IVHD_DEV_ALL: return "All";
	case SMMU_ACPI_IVHD_DEV_SELECT: return "Select";
	case SMMU_ACPI_IVHD_DEV_START: return "Start";
	case SMMU_ACPI_IVHD_DEV_END: return "End";
	case SMMU_ACPI_IVHD_DEV_ALIAS_SELECT: return "Alias Select";
	case SMMU_ACPI_IVHD_DEV_ALIAS_START: return "Alias Start";
	case SMMU_ACPI_IVHD_DEV_EXT_SELECT: return "Extended Select";
	case SMMU_ACPI_IVHD_DEV_EXT_START: return "Extended Start";
	case SMMU_ACPI_IVHD_DEV_SPECIAL: return "Special Device";
	case SMMU_ACPI_IVHD_DEV_ACPI_HID: return "ACPI HID Device";
	}
	return NULL;
}

static bool is_ivhd(unsigned t)
{
	return t == SMMU_ACPI_IVHD_10 || t == SMMU_ACPI_IVHD_11 || t == SMMU_ACPI_IVHD_40;
}

static bool is_ivmd(unsigned t)
{
	return t == SMMU_ACPI_IVMD_ALL || t == SMMU_ACPI_IVMD_SELECT || t == SMMU_ACPI_IVMD_RANGE;
}

static bool is_start(unsigned t)
{
	return t == SMMU_ACPI_IVHD_DEV_START || t == SMMU_ACPI_IVHD_DEV_ALIAS_START ||
	       t == SMMU_ACPI_IVHD_DEV_EXT_START;
}

void smmu_acpi_ivrs_free(struct smmu_acpi_ivrs *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nblocks; i++) {
		struct smmu_acpi_ivrs_block *b = &t->blocks[i];

		for (size_t k = 0; k < b->ndevs; k++)
			free(b->devs[k].uid);
		free(b->devs);
		free(b->ranges);
		free(b->raw);
	}
	free(t->blocks);
	free(t);
}

/* ---- parsing ------------------------------------------------------------------ */

struct ivrs_ctx {
	const uint8_t *b;
	struct smmu_acpi_ivrs *t;
	char *err;
	size_t errlen;
};

/* The length of the device entry at p, or 0 when its type does not say. */
static uint32_t dev_len(const uint8_t *b, uint32_t p, uint32_t end)
{
	uint8_t type = b[p];

	if (type < 0x40)
		return 4;
	if (type < 0x80)
		return 8;
	if (type == SMMU_ACPI_IVHD_DEV_ACPI_HID)
		return end - p >= HID_FIXED_LEN ? HID_FIXED_LEN + b[p + 21] : HID_FIXED_LEN;
	return 0;
}

static void copy_id8(char *dst, const uint8_t *src)
{
	size_t i;

	for (i = 0; i < 8 && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = '\0';
}

static int add_range(struct ivrs_ctx *c, struct smmu_acpi_ivrs_block *blk, size_t *cap, uint16_t first,
		     uint16_t last, uint32_t alias, uint8_t dte, uint8_t type)
{
	if (blk->nranges == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct smmu_acpi_ivhd_range *r = realloc(blk->ranges, n * sizeof(*r));

		if (!r)
			return acpi_fail(c->err, c->errlen, -ENOMEM, "IVRS: out of memory");
		blk->ranges = r;
		*cap = n;
	}
	blk->ranges[blk->nranges++] = (struct smmu_acpi_ivhd_range){
		.first = first, .last = last, .alias = alias, .dte_setting = dte, .entry_type = type,
	};
	return 0;
}

/* Device entries fill [start, end) of their IVHD exactly; two passes, as DMAR scopes. */
static int parse_devs(struct ivrs_ctx *c, struct smmu_acpi_ivrs_block *blk, uint32_t start)
{
	const uint8_t *b = c->b;
	uint32_t end = blk->offset + blk->length;
	size_t n = 0, cap = 0;
	const struct smmu_acpi_ivhd_dev *open = NULL;
	int rc;

	for (uint32_t p = start; p < end;) {
		uint32_t l = dev_len(b, p, end);

		if (!l)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "IVRS: IVHD at offset 0x%" PRIx32 ": device entry at offset 0x%" PRIx32
					 ": type 0x%02x has no length the specification defines",
					 blk->offset, p, b[p]);
		if (l > end - p)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "IVRS: IVHD at offset 0x%" PRIx32 ": device entry at offset 0x%" PRIx32
					 " (type 0x%02x, %" PRIu32 " bytes) runs past the end of the IVHD (0x%" PRIx32 ")",
					 blk->offset, p, b[p], l, end);
		n++;
		p += l;
	}
	if (!n)
		return 0;
	blk->devs = calloc(n, sizeof(*blk->devs));
	if (!blk->devs)
		return acpi_fail(c->err, c->errlen, -ENOMEM, "IVRS: out of memory");
	blk->ndevs = n;
	for (uint32_t p = start, i = 0; p < end; i++) {
		struct smmu_acpi_ivhd_dev *d = &blk->devs[i];
		const uint8_t *e = b + p;

		d->offset = p;
		d->type = e[0];
		d->length = (uint8_t)dev_len(b, p, end);
		d->devid = acpi_le16(e + 1);
		d->dte_setting = e[3];
		switch (d->type) {
		case SMMU_ACPI_IVHD_DEV_PAD:
		case SMMU_ACPI_IVHD_DEV_ALL:
		case SMMU_ACPI_IVHD_DEV_SELECT:
		case SMMU_ACPI_IVHD_DEV_START:
		case SMMU_ACPI_IVHD_DEV_END:
			break;
		case SMMU_ACPI_IVHD_DEV_ALIAS_SELECT:
		case SMMU_ACPI_IVHD_DEV_ALIAS_START:
			d->reserved1 = e[4];
			d->source_devid = acpi_le16(e + 5);
			d->reserved2 = e[7];
			break;
		case SMMU_ACPI_IVHD_DEV_EXT_SELECT:
		case SMMU_ACPI_IVHD_DEV_EXT_START:
			d->ext_data = acpi_le32(e + 4);
			break;
		case SMMU_ACPI_IVHD_DEV_SPECIAL:
			d->handle = e[4];
			d->source_devid = acpi_le16(e + 5);
			d->variety = e[7];
			if (d->variety != SMMU_ACPI_IVHD_SPECIAL_IOAPIC && d->variety != SMMU_ACPI_IVHD_SPECIAL_HPET)
				acpi_warn(&c->t->warnings,
					  "IVHD at 0x%" PRIx32 ": special device at 0x%" PRIx32 ": variety %u is neither IOAPIC (1) nor HPET (2)",
					  blk->offset, p, d->variety);
			break;
		case SMMU_ACPI_IVHD_DEV_ACPI_HID:
			copy_id8(d->hid, e + 4);
			copy_id8(d->cid, e + 12);
			d->uid_format = e[20];
			d->uid_length = e[21];
			if (d->uid_format == 2 && d->uid_length) {
				d->uid = calloc(1, d->uid_length + 1u);
				if (!d->uid)
					return acpi_fail(c->err, c->errlen, -ENOMEM, "IVRS: out of memory");
				for (unsigned k = 0; k < d->uid_length && e[22 + k]; k++)
					d->uid[k] = e[22 + k] >= 0x20 && e[22 + k] < 0x7f ? (char)e[22 + k] : '?';
			} else if (d->uid_format == 1 && d->uid_length) {
				uint64_t v = 0;

				if (d->uid_length > 8)
					acpi_warn(&c->t->warnings,
						  "IVHD at 0x%" PRIx32 ": ACPI HID device at 0x%" PRIx32 ": integer UID of %u bytes (8 at most); the first 8 are shown",
						  blk->offset, p, d->uid_length);
				for (unsigned k = d->uid_length < 8 ? d->uid_length : 8; k-- > 0;)
					v = v << 8 | e[22 + k];
				d->uid = malloc(19);
				if (!d->uid)
					return acpi_fail(c->err, c->errlen, -ENOMEM, "IVRS: out of memory");
				snprintf(d->uid, 19, "0x%" PRIx64, v);
			} else if (d->uid_format > 2) {
				acpi_warn(&c->t->warnings,
					  "IVHD at 0x%" PRIx32 ": ACPI HID device at 0x%" PRIx32 ": unknown UID format %u",
					  blk->offset, p, d->uid_format);
			}
			if (blk->type != SMMU_ACPI_IVHD_40)
				acpi_warn(&c->t->warnings,
					  "IVHD at 0x%" PRIx32 ": ACPI HID device entry at 0x%" PRIx32 " in an IVHD of type %02xh (the specification puts them in type 40h)",
					  blk->offset, p, blk->type);
			break;
		default:
			/* reserved types: their length follows from the type; iasl
			 * shows bytes 4-7 of an 8-byte one as Extended Data */
			d->nraw = d->length - 1u;
			memcpy(d->raw, e + 1, d->nraw);
			if (d->length == 8)
				d->ext_data = acpi_le32(e + 4);
			acpi_warn(&c->t->warnings,
				  "IVHD at 0x%" PRIx32 ": device entry at 0x%" PRIx32 ": unknown type 0x%02x (%u bytes, skipped)",
				  blk->offset, p, d->type, d->length);
			break;
		}

		/* what the entries mean: DeviceID ranges */
		if (open && d->type != SMMU_ACPI_IVHD_DEV_END) {
			acpi_warn(&c->t->warnings,
				  "IVHD at 0x%" PRIx32 ": range start at 0x%" PRIx32 " is not followed by an End entry (0x%" PRIx32 " comes first)",
				  blk->offset, open->offset, p);
			open = NULL;
		}
		switch (d->type) {
		case SMMU_ACPI_IVHD_DEV_ALL:
			rc = add_range(c, blk, &cap, 0, 0xffff, SMMU_ACPI_IVRS_NO_ALIAS, d->dte_setting, d->type);
			break;
		case SMMU_ACPI_IVHD_DEV_SELECT:
		case SMMU_ACPI_IVHD_DEV_EXT_SELECT:
		case SMMU_ACPI_IVHD_DEV_ACPI_HID:
			rc = add_range(c, blk, &cap, d->devid, d->devid, SMMU_ACPI_IVRS_NO_ALIAS, d->dte_setting,
				       d->type);
			break;
		case SMMU_ACPI_IVHD_DEV_ALIAS_SELECT:
			rc = add_range(c, blk, &cap, d->devid, d->devid, d->source_devid, d->dte_setting, d->type);
			break;
		case SMMU_ACPI_IVHD_DEV_END:
			if (!open) {
				acpi_warn(&c->t->warnings,
					  "IVHD at 0x%" PRIx32 ": End entry at 0x%" PRIx32 " closes no range",
					  blk->offset, p);
				rc = 0;
				break;
			}
			blk->devs[open - blk->devs].has_range_end = true;
			blk->devs[open - blk->devs].range_end = d->devid;
			if (d->devid < open->devid) {
				acpi_warn(&c->t->warnings,
					  "IVHD at 0x%" PRIx32 ": range 0x%04x-0x%04x at 0x%" PRIx32 " ends before it starts",
					  blk->offset, open->devid, d->devid, open->offset);
				rc = 0;
			} else {
				rc = add_range(c, blk, &cap, open->devid, d->devid,
					       open->type == SMMU_ACPI_IVHD_DEV_ALIAS_START ? open->source_devid
											  : SMMU_ACPI_IVRS_NO_ALIAS,
					       open->dte_setting, open->type);
			}
			open = NULL;
			break;
		default:
			rc = 0;
			break;
		}
		if (rc)
			return rc;
		if (is_start(d->type))
			open = d;
		p += d->length;
	}
	if (open)
		acpi_warn(&c->t->warnings, "IVHD at 0x%" PRIx32 ": range start at 0x%" PRIx32 " has no End entry",
			  blk->offset, open->offset);
	return 0;
}

static int parse_block(struct ivrs_ctx *c, struct smmu_acpi_ivrs_block *blk)
{
	const uint8_t *b = c->b + blk->offset;
	uint32_t hdr = 0;

	if (is_ivhd(blk->type)) {
		hdr = blk->type == SMMU_ACPI_IVHD_10 ? IVHD10_LEN : IVHD11_LEN;
		if (blk->length < hdr)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "IVRS: IVHD at offset 0x%" PRIx32 ": length 0x%x is shorter than the %" PRIu32
					 " bytes of an IVHD of type %02xh",
					 blk->offset, blk->length, hdr, blk->type);
		blk->devid = acpi_le16(b + 4);
		blk->cap_offset = acpi_le16(b + 6);
		blk->base = acpi_le64(b + 8);
		blk->segment = acpi_le16(b + 16);
		blk->info = acpi_le16(b + 18);
		blk->feature = acpi_le32(b + 20);
		if (blk->type != SMMU_ACPI_IVHD_10) {
			blk->efr = acpi_le64(b + 24);
			blk->efr2 = acpi_le64(b + 32);
		}
		if (!blk->base)
			acpi_warn(&c->t->warnings, "IVHD at 0x%" PRIx32 ": base address 0", blk->offset);
		return parse_devs(c, blk, blk->offset + hdr);
	}
	if (is_ivmd(blk->type)) {
		if (blk->length < IVMD_LEN)
			return acpi_fail(c->err, c->errlen, -EINVAL,
					 "IVRS: IVMD at offset 0x%" PRIx32 ": length 0x%x is shorter than the %d bytes of an IVMD",
					 blk->offset, blk->length, IVMD_LEN);
		blk->devid = acpi_le16(b + 4);
		blk->aux = acpi_le16(b + 6);
		blk->reserved = acpi_le64(b + 8);
		blk->start = acpi_le64(b + 16);
		blk->mem_length = acpi_le64(b + 24);
		if (blk->length > IVMD_LEN)
			acpi_warn(&c->t->warnings, "IVMD at 0x%" PRIx32 ": 0x%x bytes after its %d ignored",
				  blk->offset, blk->length - IVMD_LEN, IVMD_LEN);
		if (blk->type == SMMU_ACPI_IVMD_RANGE && blk->aux < blk->devid)
			acpi_warn(&c->t->warnings, "IVMD at 0x%" PRIx32 ": device range 0x%04x-0x%04x ends before it starts",
				  blk->offset, blk->devid, blk->aux);
		if (blk->mem_length && blk->start + blk->mem_length - 1 < blk->start)
			acpi_warn(&c->t->warnings, "IVMD at 0x%" PRIx32 ": memory range wraps past 2^64",
				  blk->offset);
		return 0;
	}
	blk->nraw = blk->length - BLOCK_HDR_LEN;
	if (blk->nraw) {
		blk->raw = malloc(blk->nraw);
		if (!blk->raw)
			return acpi_fail(c->err, c->errlen, -ENOMEM, "IVRS: out of memory");
		memcpy(blk->raw, b + BLOCK_HDR_LEN, blk->nraw);
	}
	acpi_warn(&c->t->warnings, "block at 0x%" PRIx32 ": unknown type 0x%02x (%u bytes, shown raw)",
		  blk->offset, blk->type, blk->length);
	return 0;
}

int smmu_acpi_ivrs_parse(const void *buf, size_t len, struct smmu_acpi_ivrs **out, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	struct ivrs_ctx c = { .b = b, .err = err, .errlen = errlen };
	struct smmu_acpi_ivrs *t;
	size_t n = 0;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return acpi_fail(err, errlen, -ENOMEM, "IVRS: out of memory");
	c.t = t;
	rc = acpi_header_parse(b, len, "IVRS", IVRS_FIXED_LEN, &t->hdr, &t->warnings, err, errlen);
	if (rc)
		goto fail;
	t->iv_info = acpi_le32(b + 36);
	t->reserved = acpi_le64(b + 40);

	/* pass 1: the blocks tile the table */
	for (uint32_t p = IVRS_FIXED_LEN; p < t->hdr.length;) {
		uint16_t l;
		const char *name;

		if (t->hdr.length - p < BLOCK_HDR_LEN) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "IVRS: block at offset 0x%" PRIx32 ": its 4-byte header runs past the table end (0x%" PRIx32 ")",
				       p, t->hdr.length);
			goto fail;
		}
		l = acpi_le16(b + p + 2);
		name = smmu_acpi_ivrs_type_name(b[p]);
		if (l < BLOCK_HDR_LEN) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "IVRS: %s at offset 0x%" PRIx32 ": length 0x%x is shorter than the %d-byte block header",
				       name ? name : "block", p, l, BLOCK_HDR_LEN);
			goto fail;
		}
		if (!acpi_fits(t->hdr.length, p, l)) {
			rc = acpi_fail(err, errlen, -EINVAL,
				       "IVRS: %s at offset 0x%" PRIx32 ": length 0x%x runs past the table end (0x%" PRIx32 ")",
				       name ? name : "block", p, l, t->hdr.length);
			goto fail;
		}
		n++;
		p += l;
	}
	if (n) {
		t->blocks = calloc(n, sizeof(*t->blocks));
		if (!t->blocks) {
			rc = acpi_fail(err, errlen, -ENOMEM, "IVRS: out of memory");
			goto fail;
		}
	}
	for (uint32_t p = IVRS_FIXED_LEN; p < t->hdr.length; t->nblocks++) {
		struct smmu_acpi_ivrs_block *blk = &t->blocks[t->nblocks];

		blk->offset = p;
		blk->type = b[p];
		blk->flags = b[p + 1];
		blk->length = acpi_le16(b + p + 2);
		rc = parse_block(&c, blk);
		if (rc) {
			t->nblocks++; /* so that free() sees what it allocated */
			goto fail;
		}
		p += blk->length;
	}
	if (t->hdr.revision != 1 && t->hdr.revision != 2)
		acpi_warn(&t->warnings, "revision %u is neither 1 (IVHD 10h/11h only) nor 2 (with 40h)",
			  t->hdr.revision);
	*out = t;
	return 0;
fail:
	smmu_acpi_ivrs_free(t);
	return rc;
}

/* ---- text ---------------------------------------------------------------------- */

static void dte_text(char *s, size_t n, uint8_t d)
{
	snprintf(s, n, "DTE=0x%02x: INITPass%s EIntPass%s NMIPass%s SysMgt=%u Lint0Pass%s Lint1Pass%s", d,
		 acpi_pm(d & SMMU_ACPI_IVHD_DTE_INITPASS), acpi_pm(d & SMMU_ACPI_IVHD_DTE_EINTPASS),
		 acpi_pm(d & SMMU_ACPI_IVHD_DTE_NMIPASS), SMMU_ACPI_IVHD_DTE_SYSMGT(d),
		 acpi_pm(d & SMMU_ACPI_IVHD_DTE_LINT0PASS), acpi_pm(d & SMMU_ACPI_IVHD_DTE_LINT1PASS));
}

static void bdf(char *s, size_t n, unsigned id)
{
	snprintf(s, n, "%02x:%02x.%u", id >> 8, (id >> 3) & 0x1f, id & 7);
}

static void dev_print(const struct acpi_text *t, const struct smmu_acpi_ivhd_dev *d)
{
	const char *name = smmu_acpi_ivhd_dev_name(d->type);
	char dte[160], a[16], s[16];

	dte_text(dte, sizeof(dte), d->dte_setting);
	bdf(a, sizeof(a), d->devid);
	if (!name) {
		acpi_text_line(t, 2, "[%03" PRIx32 "] ??0x%02x: unknown device entry, length %u", d->offset,
			       d->type, d->length);
		acpi_text_bytes(t, 3, "Data", d->raw, d->nraw);
		return;
	}
	switch (d->type) {
	case SMMU_ACPI_IVHD_DEV_PAD:
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s", d->offset, name);
		break;
	case SMMU_ACPI_IVHD_DEV_ALL:
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: every DeviceID %s", d->offset, name, dte);
		break;
	case SMMU_ACPI_IVHD_DEV_END:
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: DeviceID=0x%04x (%s)", d->offset, name, d->devid, a);
		break;
	case SMMU_ACPI_IVHD_DEV_ALIAS_SELECT:
	case SMMU_ACPI_IVHD_DEV_ALIAS_START:
		bdf(s, sizeof(s), d->source_devid);
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: DeviceID=0x%04x (%s) SourceDeviceID=0x%04x (%s) %s",
			       d->offset, name, d->devid, a, d->source_devid, s, dte);
		break;
	case SMMU_ACPI_IVHD_DEV_EXT_SELECT:
	case SMMU_ACPI_IVHD_DEV_EXT_START:
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: DeviceID=0x%04x (%s) ExtendedData=0x%08" PRIx32 " ATS%s %s",
			       d->offset, name, d->devid, a, d->ext_data, d->ext_data & 0x80000000u ? "-" : "+", dte);
		break;
	case SMMU_ACPI_IVHD_DEV_SPECIAL:
		bdf(s, sizeof(s), d->source_devid);
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: %s Handle=%u UsedDeviceID=0x%04x (%s) %s", d->offset, name,
			       d->variety == SMMU_ACPI_IVHD_SPECIAL_IOAPIC ? "IOAPIC"
			       : d->variety == SMMU_ACPI_IVHD_SPECIAL_HPET ? "HPET"
									    : "Variety=??",
			       d->handle, d->source_devid, s, dte);
		break;
	case SMMU_ACPI_IVHD_DEV_ACPI_HID:
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: DeviceID=0x%04x (%s) HID=\"%s\" CID=\"%s\" UIDFormat=%u UID=%s%s%s %s",
			       d->offset, name, d->devid, a, d->hid, d->cid, d->uid_format,
			       d->uid_format == 2 ? "\"" : "", d->uid ? d->uid : "-", d->uid_format == 2 ? "\"" : "",
			       dte);
		break;
	default:
		acpi_text_line(t, 2, "[%03" PRIx32 "] %s: DeviceID=0x%04x (%s) %s", d->offset, name, d->devid, a, dte);
		break;
	}
}

void smmu_acpi_ivrs_print(FILE *out, const struct smmu_acpi_ivrs *r, unsigned verbose)
{
	const struct acpi_text tx = { .out = out, .verbose = verbose }, *t = &tx;
	uint32_t v = r->iv_info;

	acpi_text_header(t, &r->hdr, "I/O Virtualization Reporting Structure");
	acpi_text_line(t, 1, "IVinfo=0x%08" PRIx32 ": EFRSup%s DmaGuardOpt%s GVAsize=%u PAsize=%u VAsize=%u HtAtsResv%s", v,
		       acpi_pm(v & SMMU_ACPI_IVINFO_EFRSUP), acpi_pm(v & SMMU_ACPI_IVINFO_DMA_GUARD_OPT),
		       SMMU_ACPI_IVINFO_GVASIZE(v), SMMU_ACPI_IVINFO_PASIZE(v), SMMU_ACPI_IVINFO_VASIZE(v),
		       acpi_pm(v & SMMU_ACPI_IVINFO_HTATSRESV));
	if (r->reserved || verbose)
		acpi_text_line(t, 1, "Reserved=0x%016" PRIx64, r->reserved);
	for (size_t i = 0; i < r->nblocks; i++) {
		const struct smmu_acpi_ivrs_block *b = &r->blocks[i];
		const char *name = smmu_acpi_ivrs_type_name(b->type);
		uint8_t f = b->flags;

		if (!name) {
			acpi_text_line(t, 1, "[%03" PRIx32 "] ??0x%02x: unknown block, length %u", b->offset, b->type,
				       b->length);
			acpi_text_bytes(t, 2, "Data", b->raw, b->nraw);
			continue;
		}
		acpi_text_line(t, 1, "[%03" PRIx32 "] %s type %02xh, length %u", b->offset, name, b->type, b->length);
		if (is_ivhd(b->type)) {
			char a[16];

			bdf(a, sizeof(a), b->devid);
			acpi_text_line(t, 2,
				       "Flags=0x%02x: HtTunEn%s PassPW%s ResPassPW%s Isoc%s IotlbSup%s Coherent%s PreFSup%s PPRSup%s",
				       f, acpi_pm(f & SMMU_ACPI_IVHD_HTTUNEN), acpi_pm(f & SMMU_ACPI_IVHD_PASSPW),
				       acpi_pm(f & SMMU_ACPI_IVHD_RESPASSPW), acpi_pm(f & SMMU_ACPI_IVHD_ISOC),
				       acpi_pm(f & SMMU_ACPI_IVHD_IOTLBSUP), acpi_pm(f & SMMU_ACPI_IVHD_COHERENT),
				       acpi_pm(f & SMMU_ACPI_IVHD_PREFSUP), acpi_pm(f & SMMU_ACPI_IVHD_PPRSUP));
			acpi_text_line(t, 2,
				       "DeviceID=0x%04x (%s) CapabilityOffset=0x%02x BaseAddress=0x%" PRIx64
				       " Segment=%04x MSINum=%u UnitID=%u",
				       b->devid, a, b->cap_offset, b->base, b->segment, b->info & 0x1f,
				       (b->info >> 8) & 0x1f);
			if (b->type == SMMU_ACPI_IVHD_10)
				acpi_text_line(t, 2,
					       "FeatureReporting=0x%08" PRIx32 ": XTSup%s NXSup%s GTSup%s GLXSup=%u IASup%s GASup%s HESup%s PASmax=%u PNCounters=%u PNBanks=%u MSINumPPR=%u GATS=%u HATS=%u",
					       b->feature, acpi_pm(b->feature & 1), acpi_pm(b->feature & 2),
					       acpi_pm(b->feature & 4), (b->feature >> 3) & 3,
					       acpi_pm(b->feature & 0x20), acpi_pm(b->feature & 0x40),
					       acpi_pm(b->feature & 0x80), (b->feature >> 8) & 0x1f,
					       (b->feature >> 13) & 0xf, (b->feature >> 17) & 0x3f,
					       (b->feature >> 23) & 0x1f, (b->feature >> 28) & 3, b->feature >> 30);
			else
				acpi_text_line(t, 2,
					       "Attributes=0x%08" PRIx32 ": PNCounters=%u PNBanks=%u MSINumPPR=%u EFRImage=0x%016" PRIx64
					       " EFR2Image=0x%016" PRIx64,
					       b->feature, (b->feature >> 13) & 0xf, (b->feature >> 17) & 0x3f,
					       (b->feature >> 23) & 0x1f, b->efr, b->efr2);
			for (size_t k = 0; k < b->ndevs; k++)
				dev_print(t, &b->devs[k]);
			for (size_t k = 0; k < b->nranges; k++) {
				const struct smmu_acpi_ivhd_range *g = &b->ranges[k];
				char f1[16], l1[16], al[32] = "";

				bdf(f1, sizeof(f1), g->first);
				bdf(l1, sizeof(l1), g->last);
				if (g->alias != SMMU_ACPI_IVRS_NO_ALIAS) {
					char s[16];

					bdf(s, sizeof(s), g->alias);
					snprintf(al, sizeof(al), " as 0x%04x (%s)", g->alias, s);
				}
				acpi_text_line(t, 2, "Devices: 0x%04x-0x%04x (%s-%s)%s", g->first, g->last, f1, l1, al);
			}
		} else {
			acpi_text_line(t, 2, "Flags=0x%02x: Unity%s IR%s IW%s ExclusionRange%s", f,
				       acpi_pm(f & SMMU_ACPI_IVMD_UNITY), acpi_pm(f & SMMU_ACPI_IVMD_IR),
				       acpi_pm(f & SMMU_ACPI_IVMD_IW), acpi_pm(f & SMMU_ACPI_IVMD_EXCL));
			if (b->type == SMMU_ACPI_IVMD_ALL)
				acpi_text_line(t, 2, "Devices: all");
			else if (b->type == SMMU_ACPI_IVMD_SELECT)
				acpi_text_line(t, 2, "DeviceID=0x%04x", b->devid);
			else
				acpi_text_line(t, 2, "DeviceID=0x%04x-0x%04x", b->devid, b->aux);
			acpi_text_line(t, 2, "StartAddress=0x%" PRIx64 " Length=0x%" PRIx64, b->start, b->mem_length);
			if (b->reserved || verbose)
				acpi_text_line(t, 2, "Reserved=0x%016" PRIx64, b->reserved);
		}
	}
	acpi_text_warnings(t, &r->warnings);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void dte_json(struct smmu_json *j, uint8_t d)
{
	smmu_json_khex(j, "dte_setting", d);
	smmu_json_kbool(j, "init_pass", d & SMMU_ACPI_IVHD_DTE_INITPASS);
	smmu_json_kbool(j, "eint_pass", d & SMMU_ACPI_IVHD_DTE_EINTPASS);
	smmu_json_kbool(j, "nmi_pass", d & SMMU_ACPI_IVHD_DTE_NMIPASS);
	smmu_json_ku64(j, "sysmgt", SMMU_ACPI_IVHD_DTE_SYSMGT(d));
	smmu_json_kbool(j, "lint0_pass", d & SMMU_ACPI_IVHD_DTE_LINT0PASS);
	smmu_json_kbool(j, "lint1_pass", d & SMMU_ACPI_IVHD_DTE_LINT1PASS);
}

static void dev_json(struct smmu_json *j, const struct smmu_acpi_ivhd_dev *d)
{
	const char *name = smmu_acpi_ivhd_dev_name(d->type);

	smmu_json_obj_begin(j);
	smmu_json_ku64(j, "offset", d->offset);
	smmu_json_ku64(j, "length", d->length);
	smmu_json_ku64(j, "type", d->type);
	smmu_json_key(j, "type_name");
	if (name)
		smmu_json_str(j, name);
	else
		smmu_json_null(j);
	smmu_json_khex(j, "device_id", d->devid);
	dte_json(j, d->dte_setting);
	switch (d->type) {
	case SMMU_ACPI_IVHD_DEV_ALIAS_SELECT:
	case SMMU_ACPI_IVHD_DEV_ALIAS_START:
		smmu_json_ku64(j, "reserved1", d->reserved1);
		smmu_json_khex(j, "source_device_id", d->source_devid);
		smmu_json_ku64(j, "reserved2", d->reserved2);
		break;
	case SMMU_ACPI_IVHD_DEV_EXT_SELECT:
	case SMMU_ACPI_IVHD_DEV_EXT_START:
		smmu_json_khex(j, "extended_data", d->ext_data);
		smmu_json_kbool(j, "ats_disabled", d->ext_data & 0x80000000u);
		break;
	case SMMU_ACPI_IVHD_DEV_SPECIAL:
		smmu_json_ku64(j, "handle", d->handle);
		smmu_json_khex(j, "source_device_id", d->source_devid);
		smmu_json_ku64(j, "variety", d->variety);
		smmu_json_key(j, "variety_name");
		if (d->variety == SMMU_ACPI_IVHD_SPECIAL_IOAPIC)
			smmu_json_str(j, "IOAPIC");
		else if (d->variety == SMMU_ACPI_IVHD_SPECIAL_HPET)
			smmu_json_str(j, "HPET");
		else
			smmu_json_null(j);
		break;
	case SMMU_ACPI_IVHD_DEV_ACPI_HID:
		smmu_json_kstr(j, "hid", d->hid);
		smmu_json_kstr(j, "cid", d->cid);
		smmu_json_ku64(j, "uid_format", d->uid_format);
		smmu_json_ku64(j, "uid_length", d->uid_length);
		smmu_json_key(j, "uid");
		if (d->uid)
			smmu_json_str(j, d->uid);
		else
			smmu_json_null(j);
		break;
	default:
		if (d->nraw)
			acpi_json_bytes(j, "data", d->raw, d->nraw);
		if (d->nraw && d->length == 8)
			smmu_json_khex(j, "extended_data", d->ext_data);
		break;
	}
	if (d->has_range_end)
		smmu_json_khex(j, "range_end", d->range_end);
	smmu_json_obj_end(j);
}

void smmu_acpi_ivrs_json(struct smmu_json *j, const struct smmu_acpi_ivrs *r)
{
	uint32_t v = r->iv_info;

	smmu_json_obj_begin(j);
	acpi_json_header(j, &r->hdr);
	smmu_json_khex(j, "iv_info", v);
	smmu_json_kbool(j, "efr_sup", v & SMMU_ACPI_IVINFO_EFRSUP);
	smmu_json_kbool(j, "dma_guard_opt", v & SMMU_ACPI_IVINFO_DMA_GUARD_OPT);
	smmu_json_ku64(j, "gva_size", SMMU_ACPI_IVINFO_GVASIZE(v));
	smmu_json_ku64(j, "pa_size", SMMU_ACPI_IVINFO_PASIZE(v));
	smmu_json_ku64(j, "va_size", SMMU_ACPI_IVINFO_VASIZE(v));
	smmu_json_kbool(j, "ht_ats_resv", v & SMMU_ACPI_IVINFO_HTATSRESV);
	smmu_json_khex(j, "reserved", r->reserved);
	smmu_json_key(j, "blocks");
	smmu_json_arr_begin(j);
	for (size_t i = 0; i < r->nblocks; i++) {
		const struct smmu_acpi_ivrs_block *b = &r->blocks[i];
		const char *name = smmu_acpi_ivrs_type_name(b->type);

		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "offset", b->offset);
		smmu_json_ku64(j, "length", b->length);
		smmu_json_ku64(j, "type", b->type);
		smmu_json_key(j, "type_name");
		if (name)
			smmu_json_str(j, name);
		else
			smmu_json_null(j);
		smmu_json_khex(j, "flags", b->flags);
		if (is_ivhd(b->type)) {
			smmu_json_kbool(j, "ht_tun_en", b->flags & SMMU_ACPI_IVHD_HTTUNEN);
			smmu_json_kbool(j, "pass_pw", b->flags & SMMU_ACPI_IVHD_PASSPW);
			smmu_json_kbool(j, "res_pass_pw", b->flags & SMMU_ACPI_IVHD_RESPASSPW);
			smmu_json_kbool(j, "isoc", b->flags & SMMU_ACPI_IVHD_ISOC);
			smmu_json_kbool(j, "iotlb_sup", b->flags & SMMU_ACPI_IVHD_IOTLBSUP);
			smmu_json_kbool(j, "coherent", b->flags & SMMU_ACPI_IVHD_COHERENT);
			smmu_json_kbool(j, "pref_sup", b->flags & SMMU_ACPI_IVHD_PREFSUP);
			smmu_json_kbool(j, "ppr_sup", b->flags & SMMU_ACPI_IVHD_PPRSUP);
			smmu_json_khex(j, "device_id", b->devid);
			smmu_json_khex(j, "capability_offset", b->cap_offset);
			smmu_json_khex(j, "base_address", b->base);
			smmu_json_ku64(j, "segment", b->segment);
			smmu_json_khex(j, "info", b->info);
			smmu_json_ku64(j, "msi_num", b->info & 0x1f);
			smmu_json_ku64(j, "unit_id", (b->info >> 8) & 0x1f);
			if (b->type == SMMU_ACPI_IVHD_10) {
				smmu_json_khex(j, "feature_reporting", b->feature);
				smmu_json_ku64(j, "hats", b->feature >> 30);
				smmu_json_ku64(j, "gats", (b->feature >> 28) & 3);
				smmu_json_ku64(j, "pasmax", (b->feature >> 8) & 0x1f);
			} else {
				smmu_json_khex(j, "attributes", b->feature);
				smmu_json_khex(j, "efr_image", b->efr);
				smmu_json_khex(j, "efr2_image", b->efr2);
			}
			smmu_json_ku64(j, "msi_num_ppr", (b->feature >> 23) & 0x1f);
			smmu_json_ku64(j, "pn_banks", (b->feature >> 17) & 0x3f);
			smmu_json_ku64(j, "pn_counters", (b->feature >> 13) & 0xf);
			smmu_json_key(j, "devices");
			smmu_json_arr_begin(j);
			for (size_t k = 0; k < b->ndevs; k++)
				dev_json(j, &b->devs[k]);
			smmu_json_arr_end(j);
			smmu_json_key(j, "device_ranges");
			smmu_json_arr_begin(j);
			for (size_t k = 0; k < b->nranges; k++) {
				const struct smmu_acpi_ivhd_range *g = &b->ranges[k];

				smmu_json_obj_begin(j);
				smmu_json_khex(j, "first", g->first);
				smmu_json_khex(j, "last", g->last);
				smmu_json_key(j, "alias");
				if (g->alias == SMMU_ACPI_IVRS_NO_ALIAS)
					smmu_json_null(j);
				else
					smmu_json_hex(j, g->alias);
				smmu_json_khex(j, "dte_setting", g->dte_setting);
				smmu_json_obj_end(j);
			}
			smmu_json_arr_end(j);
		} else if (is_ivmd(b->type)) {
			smmu_json_kbool(j, "unity", b->flags & SMMU_ACPI_IVMD_UNITY);
			smmu_json_kbool(j, "ir", b->flags & SMMU_ACPI_IVMD_IR);
			smmu_json_kbool(j, "iw", b->flags & SMMU_ACPI_IVMD_IW);
			smmu_json_kbool(j, "exclusion_range", b->flags & SMMU_ACPI_IVMD_EXCL);
			smmu_json_khex(j, "device_id", b->devid);
			smmu_json_khex(j, "aux_data", b->aux);
			smmu_json_khex(j, "reserved", b->reserved);
			smmu_json_khex(j, "start_address", b->start);
			smmu_json_khex(j, "memory_length", b->mem_length);
		} else if (b->nraw) {
			acpi_json_bytes(j, "data", b->raw, b->nraw);
		}
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
	acpi_json_warnings(j, &r->warnings);
	smmu_json_obj_end(j);
}
