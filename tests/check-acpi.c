/* SPDX-License-Identifier: MIT */
/*
 * ACPI DMAR and IORT: tables built byte by byte here, parsed into structs,
 * every field checked; then every way of corrupting them must fail with one
 * line of error and no read outside the table.  Each parse gets a heap copy
 * of exactly the table's size, so an ASan build (--enable-sanitizers) turns
 * any overread into a failure; the exhaustive truncation and byte-mutation
 * tests then walk every byte.
 */
#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/acpi.h"

/* ---- a tiny table builder ------------------------------------------------------- */

struct tb {
	uint8_t b[2048];
	size_t n;
};

static void put(struct tb *t, uint64_t v, int bytes)
{
	ck_assert_uint_le(t->n + (size_t)bytes, sizeof(t->b));
	for (int i = 0; i < bytes; i++)
		t->b[t->n++] = (uint8_t)(v >> (8 * i));
}
#define put8(t, v) put(t, v, 1)
#define put16(t, v) put(t, v, 2)
#define put32(t, v) put(t, v, 4)
#define put64(t, v) put(t, v, 8)

static void putstr(struct tb *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(t, i < strlen(s) ? (uint8_t)s[i] : 0);
}

static void set(struct tb *t, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		t->b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void header(struct tb *t, const char *sig, uint8_t rev)
{
	t->n = 0;
	putstr(t, sig, 4);
	put32(t, 0); /* length: finish() */
	put8(t, rev);
	put8(t, 0); /* checksum: finish() */
	putstr(t, "SMMUSH", 6);
	putstr(t, "CHECKTBL", 8);
	put32(t, 7);
	putstr(t, "SMSH", 4);
	put32(t, 0x20240101);
}

/* length = what was built; checksum so that all bytes sum to 0 */
static void finish(struct tb *t)
{
	uint8_t sum = 0;

	set(t, 4, t->n, 4);
	t->b[9] = 0;
	for (size_t i = 0; i < t->n; i++)
		sum += t->b[i];
	t->b[9] = (uint8_t)-sum;
}

/* exactly len bytes on the heap: ASan sees any read past them */
static void *heap(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(q);
	memcpy(q, p, len);
	return q;
}

static int dmar_parse(const struct tb *t, size_t len, struct smmu_acpi_dmar **d, char *err)
{
	void *copy = heap(t->b, len);
	int rc = smmu_acpi_dmar_parse(copy, len, d, err, 256);

	free(copy);
	return rc;
}

static int iort_parse(const struct tb *t, size_t len, struct smmu_acpi_iort **io, char *err)
{
	void *copy = heap(t->b, len);
	int rc = smmu_acpi_iort_parse(copy, len, io, err, 256);

	free(copy);
	return rc;
}

/* an error is one line that names the table */
static void expect_error_line(const char *err, const char *sig, const char *needle)
{
	ck_assert_msg(err[0], "no error text");
	ck_assert_msg(!strchr(err, '\n'), "error spans lines: %s", err);
	ck_assert_msg(!strncmp(err, sig, strlen(sig)), "error does not start with %s: %s", sig, err);
	if (needle)
		ck_assert_msg(strstr(err, needle), "error lacks \"%s\": %s", needle, err);
}

/* ---- DMAR ------------------------------------------------------------------------- */

struct dmar_offsets {
	size_t drhd0, drhd0_scope, drhd1, rmrr, atsr, rhsa, andd, satc, sidp, unknown;
};

static void scope(struct tb *t, uint8_t type, uint8_t enum_id, uint8_t bus, const uint8_t *path,
		  size_t npath)
{
	put8(t, type);
	put8(t, 6 + 2 * npath);
	put16(t, 0);
	put8(t, enum_id);
	put8(t, bus);
	for (size_t i = 0; i < 2 * npath; i++)
		put8(t, path[i]);
}

static void build_dmar(struct tb *t, struct dmar_offsets *o)
{
	static const uint8_t ioapic[] = { 0x1f, 0x00 }, deep[] = { 0x1c, 0x04, 0x00, 0x00 },
			     usb[] = { 0x14, 0x00 }, rp[] = { 0x1c, 0x00 }, igpu[] = { 0x02, 0x00 };
	size_t at;

	header(t, "DMAR", 1);
	put8(t, 38);   /* Host Address Width: 39 bits */
	put8(t, 0x05); /* INTR_REMAP, DMA_CTRL_PLATFORM_OPT_IN */
	putstr(t, "", 10);

	/* DRHD with scopes: the integrated GPU, and a device two bridges down */
	o->drhd0 = at = t->n;
	put16(t, 0);
	put16(t, 0);
	put8(t, 0);
	put8(t, 2); /* Size: 4 pages */
	put16(t, 0);
	put64(t, 0xfed90000);
	o->drhd0_scope = t->n;
	scope(t, 1, 0, 0, igpu, 1);
	scope(t, 1, 0, 0, deep, 2);
	set(t, at + 2, t->n - at, 2);

	/* DRHD INCLUDE_PCI_ALL on segment 1 with an IOAPIC, then an HPET */
	o->drhd1 = at = t->n;
	put16(t, 0);
	put16(t, 0);
	put8(t, 1);
	put8(t, 0);
	put16(t, 1);
	put64(t, 0xfed91000);
	scope(t, 3, 2, 0xf0, ioapic, 1);
	scope(t, 4, 0, 0, ioapic, 1);
	set(t, at + 2, t->n - at, 2);

	o->rmrr = at = t->n;
	put16(t, 1);
	put16(t, 0);
	put16(t, 0);
	put16(t, 0);
	put64(t, 0x3e2e0000);
	put64(t, 0x3e2fffff);
	scope(t, 1, 0, 0, usb, 1);
	set(t, at + 2, t->n - at, 2);

	o->atsr = at = t->n;
	put16(t, 2);
	put16(t, 0);
	put8(t, 0);
	put8(t, 0);
	put16(t, 0);
	scope(t, 2, 0, 0, rp, 1);
	set(t, at + 2, t->n - at, 2);

	o->rhsa = t->n;
	put16(t, 3);
	put16(t, 20);
	put32(t, 0);
	put64(t, 0xfed91000);
	put32(t, 3);

	o->andd = at = t->n;
	put16(t, 4);
	put16(t, 0);
	put8(t, 0);
	put8(t, 0);
	put8(t, 0);
	put8(t, 5);
	putstr(t, "\\_SB.PCI0.UAR1", 15);
	set(t, at + 2, t->n - at, 2);

	o->satc = at = t->n;
	put16(t, 5);
	put16(t, 0);
	put8(t, 1);
	put8(t, 0);
	put16(t, 0);
	scope(t, 1, 0, 0, igpu, 1);
	set(t, at + 2, t->n - at, 2);

	o->sidp = at = t->n;
	put16(t, 6);
	put16(t, 0);
	put16(t, 0);
	put16(t, 2);
	scope(t, 1, 0, 0, usb, 1);
	set(t, at + 2, t->n - at, 2);

	o->unknown = t->n;
	put16(t, 0x42);
	put16(t, 8);
	put32(t, 0xdeadbeef);
	finish(t);
}

START_TEST(dmar_fields)
{
	struct tb t;
	struct dmar_offsets o;
	struct smmu_acpi_dmar *d;
	char err[256];
	const struct smmu_acpi_dmar_entry *e;

	build_dmar(&t, &o);
	ck_assert_int_eq(dmar_parse(&t, t.n, &d, err), 0);
	ck_assert_str_eq(d->hdr.signature, "DMAR");
	ck_assert_uint_eq(d->hdr.length, t.n);
	ck_assert_uint_eq(d->hdr.revision, 1);
	ck_assert(d->hdr.checksum_ok);
	ck_assert_str_eq(d->hdr.oem_id, "SMMUSH");
	ck_assert_str_eq(d->hdr.oem_table_id, "CHECKTBL");
	ck_assert_uint_eq(d->hdr.oem_revision, 7);
	ck_assert_str_eq(d->hdr.asl_compiler_id, "SMSH");
	ck_assert_uint_eq(d->hdr.asl_compiler_revision, 0x20240101);
	ck_assert_uint_eq(d->host_address_width, 38);
	ck_assert_uint_eq(d->flags, SMMU_ACPI_DMAR_INTR_REMAP | SMMU_ACPI_DMAR_DMA_CTRL_PLATFORM_OPT_IN);
	ck_assert_uint_eq(d->nentries, 9);

	e = &d->entries[0];
	ck_assert_uint_eq(e->offset, o.drhd0);
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_DRHD);
	ck_assert_uint_eq(e->drhd.flags, 0);
	ck_assert_uint_eq(e->drhd.size, 2);
	ck_assert_uint_eq(e->drhd.segment, 0);
	ck_assert_uint_eq(e->drhd.register_base, 0xfed90000);
	ck_assert_uint_eq(e->nscopes, 2);
	ck_assert_uint_eq(e->scopes[0].offset, o.drhd0_scope);
	ck_assert_uint_eq(e->scopes[0].type, SMMU_ACPI_SCOPE_PCI_ENDPOINT);
	ck_assert_uint_eq(e->scopes[0].length, 8);
	ck_assert_uint_eq(e->scopes[0].npath, 1);
	ck_assert_uint_eq(e->scopes[0].path[0].device, 2);
	ck_assert_uint_eq(e->scopes[1].npath, 2);
	ck_assert_uint_eq(e->scopes[1].path[0].device, 0x1c);
	ck_assert_uint_eq(e->scopes[1].path[0].function, 4);
	ck_assert_uint_eq(e->scopes[1].path[1].device, 0);

	e = &d->entries[1];
	ck_assert_uint_eq(e->drhd.flags, SMMU_ACPI_DRHD_INCLUDE_PCI_ALL);
	ck_assert_uint_eq(e->drhd.segment, 1);
	ck_assert_uint_eq(e->nscopes, 2);
	ck_assert_uint_eq(e->scopes[0].type, SMMU_ACPI_SCOPE_IOAPIC);
	ck_assert_uint_eq(e->scopes[0].enumeration_id, 2);
	ck_assert_uint_eq(e->scopes[0].start_bus, 0xf0);
	ck_assert_uint_eq(e->scopes[1].type, SMMU_ACPI_SCOPE_HPET);

	e = &d->entries[2];
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_RMRR);
	ck_assert_uint_eq(e->rmrr.base, 0x3e2e0000);
	ck_assert_uint_eq(e->rmrr.limit, 0x3e2fffff);
	ck_assert_uint_eq(e->scopes[0].path[0].device, 0x14);

	e = &d->entries[3];
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_ATSR);
	ck_assert_uint_eq(e->atsr.flags, 0);
	ck_assert_uint_eq(e->scopes[0].type, SMMU_ACPI_SCOPE_PCI_BRIDGE);

	e = &d->entries[4];
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_RHSA);
	ck_assert_uint_eq(e->rhsa.base, 0xfed91000);
	ck_assert_uint_eq(e->rhsa.proximity_domain, 3);
	ck_assert_uint_eq(e->nscopes, 0);

	e = &d->entries[5];
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_ANDD);
	ck_assert_uint_eq(e->andd.device_number, 5);
	ck_assert_str_eq(e->andd.name, "\\_SB.PCI0.UAR1");

	e = &d->entries[6];
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_SATC);
	ck_assert_uint_eq(e->satc.flags, SMMU_ACPI_SATC_ATC_REQUIRED);
	ck_assert_uint_eq(e->nscopes, 1);

	e = &d->entries[7];
	ck_assert_uint_eq(e->type, SMMU_ACPI_DMAR_SIDP);
	ck_assert_uint_eq(e->sidp.segment, 2);

	e = &d->entries[8];
	ck_assert_uint_eq(e->type, 0x42);
	ck_assert_uint_eq(e->nraw, 4);
	ck_assert_uint_eq(e->raw[0], 0xef);
	/* the unknown type is the one warning */
	ck_assert_uint_eq(d->warnings.count, 1);
	ck_assert_ptr_nonnull(strstr(d->warnings.text[0], "unknown"));
	smmu_acpi_dmar_free(d);
}
END_TEST

START_TEST(dmar_checksum_is_a_warning)
{
	struct tb t;
	struct dmar_offsets o;
	struct smmu_acpi_dmar *d;
	char err[256];

	build_dmar(&t, &o);
	t.b[9] ^= 0x10;
	ck_assert_int_eq(dmar_parse(&t, t.n, &d, err), 0);
	ck_assert(!d->hdr.checksum_ok);
	ck_assert_uint_eq((uint8_t)(d->hdr.checksum ^ d->hdr.checksum_want), 0x10);
	ck_assert_uint_eq(d->warnings.count, 2);
	ck_assert_ptr_nonnull(strstr(d->warnings.text[0], "checksum"));
	smmu_acpi_dmar_free(d);
}
END_TEST

START_TEST(dmar_semantic_warnings)
{
	struct tb t;
	struct dmar_offsets o;
	struct smmu_acpi_dmar *d;
	char err[256];

	build_dmar(&t, &o);
	set(&t, o.drhd0 + 8, 0xfed90800, 8);      /* register base not page aligned */
	set(&t, o.rmrr + 16, 0x3e2e0000 - 1, 8);  /* limit below base */
	t.b[o.atsr + 8] = 1;                       /* ATSR scope of an endpoint */
	t.b[o.drhd0_scope + 6] = 0x20;             /* device 32 does not exist */
	finish(&t);
	ck_assert_int_eq(dmar_parse(&t, t.n, &d, err), 0);
	ck_assert_uint_ge(d->warnings.count, 5);
	smmu_acpi_dmar_free(d);
}
END_TEST

START_TEST(dmar_include_pci_all_not_last)
{
	struct tb t;
	struct dmar_offsets o;
	struct smmu_acpi_dmar *d;
	char err[256];
	bool found = false;

	/* the first DRHD claims all of segment 1, yet another DRHD for it follows */
	build_dmar(&t, &o);
	t.b[o.drhd0 + 4] = SMMU_ACPI_DRHD_INCLUDE_PCI_ALL;
	set(&t, o.drhd0 + 6, 1, 2);
	finish(&t);
	ck_assert_int_eq(dmar_parse(&t, t.n, &d, err), 0);
	for (unsigned i = 0; i < d->warnings.count && i < SMMU_ACPI_MAX_WARNINGS; i++)
		found |= strstr(d->warnings.text[i], "is not the last DRHD") != NULL;
	ck_assert_msg(found, "no warning about the INCLUDE_PCI_ALL order");
	smmu_acpi_dmar_free(d);
}
END_TEST

struct corrupt {
	const char *what;
	size_t off;
	uint64_t value;
	int bytes;
	int rc;
	const char *needle;
};

START_TEST(dmar_corrupt)
{
	struct tb good, t;
	struct dmar_offsets o;
	struct smmu_acpi_dmar *d;
	char err[256];

	build_dmar(&good, &o);
	const struct corrupt cases[] = {
		{ "table length beyond the buffer", 4, good.n + 1, 4, -EOVERFLOW, "truncated" },
		{ "table length below the fixed part", 4, 47, 4, -EINVAL, "fixed part" },
		{ "wrong signature", 0, 0x52414d45, 4, -EINVAL, "signature" },
		{ "structure length 0", o.drhd0 + 2, 0, 2, -EINVAL, "length 0x0" },
		{ "structure length under its fixed part", o.rmrr + 2, 23, 2, -EINVAL, "fixed part" },
		{ "structure past the end", o.unknown + 2, 0x100, 2, -EINVAL, "runs past the table end" },
		{ "scope length 0", o.drhd0_scope + 1, 0, 1, -EINVAL, "6-byte scope header" },
		{ "scope length 5", o.drhd0_scope + 1, 5, 1, -EINVAL, "6-byte scope header" },
		{ "scope path odd", o.drhd0_scope + 1, 9, 1, -EINVAL, "odd path" },
		{ "scope past its structure", o.drhd0_scope + 8 + 1, 0x40, 1, -EINVAL, "past the end of the DRHD" },
		{ "scope tail under 6 bytes", o.atsr + 2, 8 + 4, 2, -EINVAL, "scope header needs 6" },
		{ "RHSA short", o.rhsa + 2, 19, 2, -EINVAL, "fixed part" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct corrupt *c = &cases[i];

		t = good;
		set(&t, c->off, c->value, c->bytes);
		if (c->off != 4)
			finish(&t);
		int rc;

		d = (void *)1;
		rc = dmar_parse(&t, t.n, &d, err);
		ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->what, rc, err);
		ck_assert_ptr_null(d);
		expect_error_line(err, "DMAR", c->needle);
	}
}
END_TEST

/* every prefix of a table is truncated: an error, never a read past it */
START_TEST(dmar_every_truncation)
{
	struct tb t;
	struct dmar_offsets o;
	struct smmu_acpi_dmar *d;
	char err[256];

	build_dmar(&t, &o);
	for (size_t len = 0; len < t.n; len++) {
		int rc = dmar_parse(&t, len, &d, err);

		ck_assert_msg(rc == -EOVERFLOW, "prefix %zu: rc %d", len, rc);
		expect_error_line(err, "DMAR", NULL);
	}
}
END_TEST

/*
 * Every byte of a table set to values that matter to a parser (0, 1, 0x7f,
 * 0x80, 0xff, and one off): each parse either succeeds and renders, or fails
 * with one line.  Under ASan, this also proves every read stays in bounds.
 */
static void mutate_all(struct tb *good, int (*parse_render)(const struct tb *, char *))
{
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	char err[256];

	for (size_t off = 0; off < good->n; off++) {
		uint8_t orig = good->b[off];

		for (size_t v = 0; v <= sizeof(values); v++) {
			struct tb t = *good;
			int rc;

			t.b[off] = v < sizeof(values) ? values[v] : (uint8_t)(orig + 1);
			if (off != 9)
				finish(&t);
			if (off >= 4 && off < 8) /* keep a mutated length: it is the point */
				t.b[off] = v < sizeof(values) ? values[v] : (uint8_t)(orig + 1);
			err[0] = '\0';
			rc = parse_render(&t, err);
			if (rc)
				ck_assert_msg(err[0] && !strchr(err, '\n'),
					      "byte 0x%zx = 0x%02x: rc %d with error \"%s\"", off, t.b[off],
					      rc, err);
		}
	}
}

static int render_both(const struct tb *t, char *err)
{
	void *copy = heap(t->b, t->n);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct smmu_json j;
	int rc;

	ck_assert_ptr_nonnull(mem);
	rc = smmu_acpi_render_text(mem, copy, t->n, 1, err, 256);
	if (!rc) {
		smmu_json_init(&j, mem, false);
		rc = smmu_acpi_render_json(&j, copy, t->n, err, 256);
		ck_assert_int_eq(rc, 0); /* text parsed it, so JSON must too */
		smmu_json_done(&j);
	}
	fclose(mem);
	free(text);
	free(copy);
	return rc;
}

START_TEST(dmar_every_byte)
{
	struct tb t;
	struct dmar_offsets o;

	build_dmar(&t, &o);
	mutate_all(&t, render_both);
}
END_TEST

/* ---- IORT ------------------------------------------------------------------------- */

struct iort_offsets {
	size_t its, smmuv3, smmu, rc, nc, pmcg, rmr, rc4, old_smmuv3;
	size_t smmuv3_map, rc_map, nc_name;
};

static void node_hdr(struct tb *t, uint8_t type, uint8_t rev, uint32_t id, uint32_t nmap,
		     uint32_t map_off)
{
	put8(t, type);
	put16(t, 0); /* length: end_node() */
	put8(t, rev);
	put32(t, id);
	put32(t, nmap);
	put32(t, map_off);
}

static void end_node(struct tb *t, size_t at)
{
	set(t, at + 1, t->n - at, 2);
}

static void id_map(struct tb *t, uint32_t in, uint32_t count, uint32_t out, uint32_t ref,
		   uint32_t flags)
{
	put32(t, in);
	put32(t, count);
	put32(t, out);
	put32(t, ref);
	put32(t, flags);
}

static void mem_access(struct tb *t, uint32_t cca, uint8_t hints, uint8_t flags)
{
	put32(t, cca);
	put8(t, hints);
	put16(t, 0);
	put8(t, flags);
}

/* Node offsets are fixed up front so that references can point forward. */
static void build_iort(struct tb *t, struct iort_offsets *o)
{
	const uint32_t its = 0x30, smmuv3 = its + 28, smmu = smmuv3 + 88;
	size_t at;

	header(t, "IORT", 5);
	put32(t, 9);
	put32(t, 0x30);
	put32(t, 0);

	o->its = at = t->n;
	ck_assert_uint_eq(at, its);
	node_hdr(t, 0, 1, 1, 0, 0);
	put32(t, 2);
	put32(t, 0x10);
	put32(t, 0x11);
	end_node(t, at);

	o->smmuv3 = at = t->n;
	ck_assert_uint_eq(at, smmuv3);
	node_hdr(t, 4, 5, 2, 1, 68);
	put64(t, 0x09050000);
	put32(t, 0x1d); /* COHACC, HTTU=2 (access+dirty), PXM, DEVICEID_VALID */
	put32(t, 0);
	put64(t, 0);
	put32(t, 0);
	put32(t, 106);
	put32(t, 107);
	put32(t, 109);
	put32(t, 108);
	put32(t, 1);
	put32(t, 0);
	o->smmuv3_map = t->n;
	id_map(t, 0, 0, 0x10000, its, 1);
	end_node(t, at);

	o->smmu = at = t->n;
	ck_assert_uint_eq(at, smmu);
	node_hdr(t, 3, 3, 3, 1, 100);
	put64(t, 0x2b400000);
	put64(t, 0x10000);
	put32(t, 3);
	put32(t, 1);
	put32(t, 60);
	put32(t, 2);
	put32(t, 76);
	put32(t, 1);
	put32(t, 92);
	put32(t, 80);
	put32(t, 1);
	put32(t, 81);
	put32(t, 0);
	put32(t, 96);
	put32(t, 1);
	put32(t, 97);
	put32(t, 0);
	put32(t, 98);
	put32(t, 1);
	id_map(t, 0, 0xffff, 0x20000, its, 0);
	end_node(t, at);

	o->rc = at = t->n;
	node_hdr(t, 2, 1, 4, 2, 36);
	mem_access(t, 1, 0x0f, 0x03);
	put32(t, 1);
	put32(t, 0);
	put8(t, 48);
	put8(t, 0);
	put16(t, 0);
	o->rc_map = t->n;
	id_map(t, 0, 0xff, 0, smmuv3, 0);
	id_map(t, 0x100, 0xff, 0x100, smmu, 0);
	end_node(t, at);

	o->nc = at = t->n;
	node_hdr(t, 1, 4, 5, 1, 48);
	put32(t, 1 | 16 << 1); /* stall, 16 PASID bits */
	mem_access(t, 0, 0x02, 0x00);
	put8(t, 40);
	o->nc_name = t->n;
	putstr(t, "\\_SB.ETH0", 19);
	id_map(t, 0, 0, 0x300, smmuv3, 1);
	end_node(t, at);

	o->pmcg = at = t->n;
	node_hdr(t, 5, 2, 6, 1, 40);
	put64(t, 0x09060000);
	put32(t, 112);
	put32(t, smmuv3);
	put64(t, 0x09070000);
	id_map(t, 0, 0, 0x10001, its, 1);
	end_node(t, at);

	o->rmr = at = t->n;
	node_hdr(t, 6, 3, 7, 1, 28);
	put32(t, 1 | 2 | 1 << 2); /* remap permitted, privileged, Device-nGnRE */
	put32(t, 2);
	put32(t, 48);
	id_map(t, 0x400, 0, 0x400, smmuv3, 1);
	put64(t, 0x80000000);
	put64(t, 0x10000);
	put32(t, 0);
	put64(t, 0x80100000);
	put64(t, 0x20000);
	put32(t, 0);
	end_node(t, at);

	/* root complex revision 4: PASID capabilities and Flags */
	o->rc4 = at = t->n;
	node_hdr(t, 2, 4, 8, 1, 40);
	mem_access(t, 1, 0, 3);
	put32(t, 7);
	put32(t, 1);
	put8(t, 44);
	put16(t, 0x14);
	put8(t, 0);
	put32(t, 1);
	id_map(t, 0, 0xffff, 0x10000, smmuv3, 0);
	end_node(t, at);

	/* an SMMUv3 from issue C: 60 bytes, its ID array where PXM now lives */
	o->old_smmuv3 = at = t->n;
	node_hdr(t, 4, 0, 0, 1, 60);
	put64(t, 0x09100000);
	put32(t, 0);
	put32(t, 0);
	put64(t, 0);
	put32(t, 0);
	put32(t, 0);
	put32(t, 0);
	put32(t, 0);
	put32(t, 0);
	id_map(t, 0, 0, 0x10002, its, 1);
	end_node(t, at);
	finish(t);
}

START_TEST(iort_fields)
{
	struct tb t;
	struct iort_offsets o;
	struct smmu_acpi_iort *io;
	const struct smmu_acpi_iort_node *n;
	char err[256];

	build_iort(&t, &o);
	ck_assert_msg(iort_parse(&t, t.n, &io, err) == 0, "%s", err);
	ck_assert_str_eq(io->hdr.signature, "IORT");
	ck_assert_uint_eq(io->hdr.revision, 5);
	ck_assert_uint_eq(io->node_count, 9);
	ck_assert_uint_eq(io->nnodes, 9);
	ck_assert_uint_eq(io->node_offset, 0x30);
	for (unsigned i = 0; i < io->warnings.count && i < SMMU_ACPI_MAX_WARNINGS; i++)
		ck_abort_msg("unexpected warning: %s", io->warnings.text[i]);

	n = smmu_acpi_iort_node_at(io, o.its);
	ck_assert_ptr_eq(n, &io->nodes[0]);
	ck_assert_uint_eq(n->type, SMMU_ACPI_IORT_ITS_GROUP);
	ck_assert_uint_eq(n->identifier, 1);
	ck_assert_uint_eq(n->its.count, 2);
	ck_assert_uint_eq(n->its.ids[1], 0x11);

	n = smmu_acpi_iort_node_at(io, o.smmuv3);
	ck_assert_uint_eq(n->type, SMMU_ACPI_IORT_SMMUV3);
	ck_assert_uint_eq(n->revision, 5);
	ck_assert_uint_eq(n->smmuv3.base, 0x09050000);
	ck_assert_uint_eq((n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_HTTU_OVERRIDE) >> 1, 2);
	ck_assert(n->smmuv3.flags & SMMU_ACPI_IORT_SMMUV3_DEVICEID_VALID);
	ck_assert_uint_eq(n->smmuv3.event_gsiv, 106);
	ck_assert_uint_eq(n->smmuv3.gerr_gsiv, 109);
	ck_assert_uint_eq(n->smmuv3.sync_gsiv, 108);
	ck_assert(n->smmuv3.has_pxm && n->smmuv3.has_id_mapping_index);
	ck_assert_uint_eq(n->smmuv3.proximity_domain, 1);
	ck_assert_uint_eq(n->mapping_count, 1);
	ck_assert_uint_eq(n->mappings[0].offset, o.smmuv3_map);
	ck_assert_uint_eq(n->mappings[0].output_base, 0x10000);
	ck_assert_uint_eq(n->mappings[0].flags, SMMU_ACPI_IORT_SINGLE_MAPPING);
	ck_assert_uint_eq(n->mappings[0].output_node, 0);

	n = smmu_acpi_iort_node_at(io, o.smmu);
	ck_assert_uint_eq(n->type, SMMU_ACPI_IORT_SMMU);
	ck_assert_uint_eq(n->smmu.span, 0x10000);
	ck_assert_uint_eq(n->smmu.model, 3);
	ck_assert_uint_eq(n->smmu.nsg_irpt, 80);
	ck_assert_uint_eq(n->smmu.nsg_irpt_flags, 1);
	ck_assert_uint_eq(n->smmu.nsg_cfg_irpt, 81);
	ck_assert_uint_eq(n->smmu.context_irq_count, 2);
	ck_assert_uint_eq(n->smmu.context_irqs[1].gsiv, 97);
	ck_assert_uint_eq(n->smmu.context_irqs[0].flags, 1);
	ck_assert_uint_eq(n->smmu.context_irqs[1].flags, 0);
	ck_assert_uint_eq(n->smmu.pmu_irqs[0].gsiv, 98);
	ck_assert_uint_eq(n->smmu.pmu_irqs[0].flags, 1);
	ck_assert_uint_eq(n->mappings[0].id_count, 0xffff);

	n = smmu_acpi_iort_node_at(io, o.rc);
	ck_assert_uint_eq(n->type, SMMU_ACPI_IORT_ROOT_COMPLEX);
	ck_assert_uint_eq(n->rc.mem.cache_coherency, 1);
	ck_assert_uint_eq(n->rc.mem.hints, 0x0f);
	ck_assert_uint_eq(n->rc.mem.flags, 3);
	ck_assert_uint_eq(n->rc.ats_attribute, 1);
	ck_assert(n->rc.has_address_limit && !n->rc.has_pasid && !n->rc.has_flags);
	ck_assert_uint_eq(n->rc.address_limit, 48);
	ck_assert_uint_eq(n->mappings[1].input_base, 0x100);
	ck_assert_uint_eq(io->nodes[n->mappings[0].output_node].type, SMMU_ACPI_IORT_SMMUV3);
	ck_assert_uint_eq(io->nodes[n->mappings[1].output_node].type, SMMU_ACPI_IORT_SMMU);

	n = smmu_acpi_iort_node_at(io, o.nc);
	ck_assert_uint_eq(n->type, SMMU_ACPI_IORT_NAMED_COMPONENT);
	ck_assert_str_eq(n->nc.name, "\\_SB.ETH0");
	ck_assert_uint_eq(n->nc.address_limit, 40);
	ck_assert_uint_eq(n->nc.node_flags & SMMU_ACPI_IORT_NC_STALL_SUPPORTED, 1);
	ck_assert_uint_eq((n->nc.node_flags & SMMU_ACPI_IORT_NC_PASID_BITS) >> 1, 16);
	ck_assert_uint_eq(n->nc.mem.hints, SMMU_ACPI_IORT_HINT_WRITE);

	n = smmu_acpi_iort_node_at(io, o.pmcg);
	ck_assert_uint_eq(n->pmcg.page0_base, 0x09060000);
	ck_assert_uint_eq(n->pmcg.overflow_gsiv, 112);
	ck_assert(n->pmcg.has_page1);
	ck_assert_uint_eq(n->pmcg.page1_base, 0x09070000);
	ck_assert_uint_eq(io->nodes[n->pmcg.ref_node].offset, o.smmuv3);

	n = smmu_acpi_iort_node_at(io, o.rmr);
	ck_assert_uint_eq(n->type, SMMU_ACPI_IORT_RMR);
	ck_assert_uint_eq(SMMU_ACPI_IORT_RMR_ACCESS_ATTR(n->rmr.flags), 1);
	ck_assert_uint_eq(n->rmr.desc_count, 2);
	ck_assert_uint_eq(n->rmr.descs[1].base, 0x80100000);
	ck_assert_uint_eq(n->rmr.descs[1].length, 0x20000);
	ck_assert_uint_eq(n->rmr.descs[0].offset, o.rmr + 48);
	ck_assert_uint_eq(n->mappings[0].input_base, 0x400);

	n = smmu_acpi_iort_node_at(io, o.rc4);
	ck_assert(n->rc.has_pasid && n->rc.has_flags);
	ck_assert_uint_eq(n->rc.pasid_capabilities, 0x14);
	ck_assert_uint_eq(n->rc.flags, SMMU_ACPI_IORT_RC_PASID_SUPPORTED);
	ck_assert_uint_eq(n->rc.address_limit, 44);
	ck_assert_uint_eq(n->rc.pci_segment, 1);

	n = smmu_acpi_iort_node_at(io, o.old_smmuv3);
	ck_assert(!n->smmuv3.has_pxm && !n->smmuv3.has_id_mapping_index);
	ck_assert_uint_eq(n->mappings[0].output_base, 0x10002);

	ck_assert_ptr_null(smmu_acpi_iort_node_at(io, o.its + 4));
	smmu_acpi_iort_free(io);
}
END_TEST

START_TEST(iort_zero_reference_is_a_warning)
{
	struct tb t;
	struct iort_offsets o;
	struct smmu_acpi_iort *io;
	char err[256];

	build_iort(&t, &o);
	set(&t, o.smmuv3_map + 12, 0, 4);
	finish(&t);
	ck_assert_msg(iort_parse(&t, t.n, &io, err) == 0, "%s", err);
	ck_assert_uint_eq(io->nodes[1].mappings[0].output_node, SMMU_ACPI_IORT_NO_NODE);
	ck_assert_uint_eq(io->warnings.count, 1);
	ck_assert_ptr_nonnull(strstr(io->warnings.text[0], "no output node"));
	smmu_acpi_iort_free(io);
}
END_TEST

START_TEST(iort_corrupt)
{
	struct tb good, t;
	struct iort_offsets o;
	struct smmu_acpi_iort *io;
	char err[256];

	build_iort(&good, &o);
	const struct corrupt cases[] = {
		{ "table length beyond the buffer", 4, good.n + 4, 4, -EOVERFLOW, "truncated" },
		{ "node offset past the end", 40, 0x10000, 4, -EINVAL, "node offset" },
		{ "node offset in the header", 40, 0x20, 4, -EINVAL, "node offset" },
		{ "node count too big", 36, 0x10000000, 4, -EINVAL, "cannot fit" },
		{ "node count one too many", 36, 10, 4, -EINVAL, "runs past the table end" },
		{ "node length 0", o.smmuv3 + 1, 0, 2, -EINVAL, "length 0x0" },
		{ "node length under its fixed part", o.smmu + 1, 59, 2, -EINVAL, "fixed part" },
		{ "node past the end", o.old_smmuv3 + 1, 0x200, 2, -EINVAL, "runs past the table end" },
		{ "mapping count wraps 32 bits", o.smmuv3 + 8, 0x0ccccccd, 4, -EINVAL, "run past the node end" },
		{ "mapping count just too big", o.smmuv3 + 8, 2, 4, -EINVAL, "run past the node end" },
		{ "mapping offset past the node", o.smmuv3 + 12, 0xffffffff, 4, -EINVAL, "run past the node end" },
		{ "mapping offset in the header", o.smmuv3 + 12, 12, 4, -EINVAL, "node header" },
		{ "ITS count wraps", o.its + 16, 0x40000001, 4, -EINVAL, "ITS identifiers" },
		{ "context IRQs wrap", o.smmu + 44, 0x20000001, 4, -EINVAL, "context interrupts" },
		{ "PMU IRQs past the node", o.smmu + 56, 0x1000, 4, -EINVAL, "PMU interrupts" },
		{ "global IRQs past the node", o.smmu + 40, 0xfffffff8, 4, -EINVAL, "global interrupt" },
		{ "RMR descriptors wrap", o.rmr + 20, 0x0ccccccd, 4, -EINVAL, "memory range descriptors" },
		{ "RMR descriptor offset 0", o.rmr + 24, 0, 4, -EINVAL, "node header" },
		{ "output reference past the end", o.smmuv3_map + 12, 0x10000, 4, -EINVAL, "past the table end" },
		{ "output reference inside a node", o.smmuv3_map + 12, o.its + 16, 4, -EINVAL, "not the start of a node" },
		{ "output reference to itself", o.smmuv3_map + 12, o.smmuv3, 4, -EINVAL, "the node itself" },
		{ "PMCG reference inside a node", o.pmcg + 28, o.smmu + 4, 4, -EINVAL, "not the start of a node" },
		{ "PMCG reference to itself", o.pmcg + 28, o.pmcg, 4, -EINVAL, "the node itself" },
		{ "name without NUL", o.nc_name + 9, 'X', 1, 0, NULL }, /* still NUL-padded after */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct corrupt *c = &cases[i];
		int rc;

		t = good;
		set(&t, c->off, c->value, c->bytes);
		if (c->off != 4)
			finish(&t);
		io = (void *)1;
		rc = iort_parse(&t, t.n, &io, err);
		ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->what, rc, err);
		if (rc) {
			ck_assert_ptr_null(io);
			expect_error_line(err, "IORT", c->needle);
		} else {
			smmu_acpi_iort_free(io);
		}
	}
}
END_TEST

START_TEST(iort_name_unterminated)
{
	struct tb t;
	struct iort_offsets o;
	struct smmu_acpi_iort *io;
	char err[256];

	build_iort(&t, &o);
	memset(t.b + o.nc_name, 'X', 19); /* up to the ID array: no NUL */
	finish(&t);
	ck_assert_int_eq(iort_parse(&t, t.n, &io, err), -EINVAL);
	expect_error_line(err, "IORT", "no NUL");
}
END_TEST

START_TEST(iort_loop)
{
	struct tb t;
	struct iort_offsets o;
	struct smmu_acpi_iort *io;
	char err[256];

	/* SMMUv3 -> SMMUv2 -> SMMUv3: a walk would never end */
	build_iort(&t, &o);
	set(&t, o.smmuv3_map + 12, o.smmu, 4);
	set(&t, o.smmu + 100 + 12, o.smmuv3, 4);
	finish(&t);
	ck_assert_int_eq(iort_parse(&t, t.n, &io, err), -EINVAL);
	expect_error_line(err, "IORT", "loop");
}
END_TEST

START_TEST(iort_every_truncation)
{
	struct tb t;
	struct iort_offsets o;
	struct smmu_acpi_iort *io;
	char err[256];

	build_iort(&t, &o);
	for (size_t len = 0; len < t.n; len++) {
		ck_assert_int_eq(iort_parse(&t, len, &io, err), -EOVERFLOW);
		expect_error_line(err, "IORT", NULL);
	}
}
END_TEST

START_TEST(iort_every_byte)
{
	struct tb t;
	struct iort_offsets o;

	build_iort(&t, &o);
	mutate_all(&t, render_both);
}
END_TEST

/* ---- rendering ---------------------------------------------------------------------- */

static char *render_json_string(const struct tb *t, int *rc)
{
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct smmu_json j;

	smmu_json_init(&j, mem, false);
	*rc = smmu_acpi_render_json(&j, t->b, t->n, err, sizeof(err));
	smmu_json_done(&j);
	fclose(mem);
	return text;
}

static struct json_object *path(struct json_object *o, const char *key, int idx)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	if (idx >= 0)
		v = json_object_array_get_idx(v, (size_t)idx);
	ck_assert_ptr_nonnull(v);
	return v;
}

START_TEST(render_json_parses)
{
	struct tb t;
	struct iort_offsets io;
	struct dmar_offsets dm;
	struct json_object *doc, *n;
	int rc;
	char *s;

	build_iort(&t, &io);
	s = render_json_string(&t, &rc);
	ck_assert_int_eq(rc, 0);
	doc = json_tokener_parse(s);
	ck_assert_msg(doc, "invalid JSON: %s", s);
	ck_assert_str_eq(json_object_get_string(path(doc, "signature", -1)), "IORT");
	n = path(doc, "nodes", 1);
	ck_assert_str_eq(json_object_get_string(path(n, "type_name", -1)), "SMMUv3");
	ck_assert_str_eq(json_object_get_string(path(n, "base_address", -1)), "0x9050000");
	ck_assert_int_eq(json_object_get_int(path(n, "httu_override", -1)), 2);
	n = path(path(doc, "nodes", 3), "mappings", 1);
	ck_assert_str_eq(json_object_get_string(path(n, "output_type", -1)), "SMMUv1/v2");
	n = path(doc, "nodes", 6);
	ck_assert_str_eq(json_object_get_string(path(n, "access_attributes_name", -1)), "Device-nGnRE");
	json_object_put(doc);
	free(s);

	build_dmar(&t, &dm);
	s = render_json_string(&t, &rc);
	ck_assert_int_eq(rc, 0);
	doc = json_tokener_parse(s);
	ck_assert_msg(doc, "invalid JSON: %s", s);
	n = path(path(doc, "structures", 0), "scopes", 1);
	ck_assert_int_eq(json_object_get_int(path(path(n, "path", 1), "device", -1)), 0);
	ck_assert_int_eq(json_object_get_int(path(path(n, "path", 0), "function", -1)), 4);
	n = path(doc, "structures", 5);
	ck_assert_str_eq(json_object_get_string(path(n, "object_name", -1)), "\\_SB.PCI0.UAR1");
	ck_assert_int_eq(json_object_array_length(path(doc, "warnings", -1)), 1);
	json_object_put(doc);
	free(s);
}
END_TEST

static char *render_text_string(const struct tb *t, unsigned verbose, int *rc, char *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	*rc = smmu_acpi_render_text(mem, t->b, t->n, verbose, err, 256);
	fclose(mem);
	return text;
}

START_TEST(render_text)
{
	struct tb t;
	struct iort_offsets io;
	struct dmar_offsets dm;
	char err[256], *s;
	int rc;

	build_dmar(&t, &dm);
	s = render_text_string(&t, 0, &rc, err);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(s, "HostAddressWidth=38 (39-bit DMA addresses)"));
	ck_assert_ptr_nonnull(strstr(s, "INTR_REMAP+ X2APIC_OPT_OUT- DMA_CTRL_PLATFORM_OPT_IN+"));
	ck_assert_ptr_nonnull(strstr(s, "INCLUDE_PCI_ALL+"));
	ck_assert_ptr_nonnull(strstr(s, "Scope: PCI endpoint, EnumerationID=0 StartBus=00 Path=1c.4/00.0"));
	ck_assert_ptr_nonnull(strstr(s, "Scope: IOAPIC, EnumerationID=2 StartBus=f0 Path=1f.0"));
	ck_assert_ptr_nonnull(strstr(s, "ObjectName=\"\\_SB.PCI0.UAR1\""));
	ck_assert_ptr_nonnull(strstr(s, "Warning: "));
	free(s);

	build_iort(&t, &io);
	s = render_text_string(&t, 1, &rc, err);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(s, "HTTU_OVERRIDE=HTTU_ACCESS_DIRTY"));
	ck_assert_ptr_nonnull(strstr(s, "OutputReference=0x30 (ITS group [030])"));
	ck_assert_ptr_nonnull(strstr(s, "OutputReference=0xa4 (SMMUv1/v2 [0a4])"));
	ck_assert_ptr_nonnull(strstr(s, "AccessAttributes=1 (Device-nGnRE)"));
	ck_assert_ptr_nonnull(strstr(s, "PASIDCapabilities=0x0014: MaxPASIDWidth=20"));
	free(s);
}
END_TEST

START_TEST(render_errors)
{
	struct tb t;
	char err[256], *s;
	int rc;

	memset(&t, 0, sizeof(t));
	memcpy(t.b, "FACP\x01\x02", 6);
	t.n = 40;
	s = render_text_string(&t, 0, &rc, err);
	ck_assert_int_eq(rc, -ENOTSUP);
	ck_assert_str_eq(s, "");
	ck_assert_ptr_nonnull(strstr(err, "\"FACP\" is none of DMAR, IORT and IVRS"));
	free(s);

	memcpy(t.b, "\x01MAR", 4);
	s = render_text_string(&t, 0, &rc, err);
	ck_assert_int_eq(rc, -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "\"\\x01MAR\""));
	free(s);

	t.n = 3;
	s = render_text_string(&t, 0, &rc, err);
	ck_assert_int_eq(rc, -EOVERFLOW);
	free(s);

	/* a corrupt table prints nothing at all */
	struct dmar_offsets dm;
	build_dmar(&t, &dm);
	set(&t, dm.rmrr + 2, 0, 2);
	finish(&t);
	s = render_text_string(&t, 0, &rc, err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

Suite *suite_acpi(void);
Suite *suite_acpi(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("dmar");

	tcase_add_test(tc, dmar_fields);
	tcase_add_test(tc, dmar_checksum_is_a_warning);
	tcase_add_test(tc, dmar_semantic_warnings);
	tcase_add_test(tc, dmar_include_pci_all_not_last);
	tcase_add_test(tc, dmar_corrupt);
	tcase_add_test(tc, dmar_every_truncation);
	tcase_add_test(tc, dmar_every_byte);
	/* thousands of parses: room for valgrind and a loaded machine */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("iort");
	tcase_add_test(tc, iort_fields);
	tcase_add_test(tc, iort_zero_reference_is_a_warning);
	tcase_add_test(tc, iort_corrupt);
	tcase_add_test(tc, iort_name_unterminated);
	tcase_add_test(tc, iort_loop);
	tcase_add_test(tc, iort_every_truncation);
	tcase_add_test(tc, iort_every_byte);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_test(tc, render_json_parses);
	tcase_add_test(tc, render_text);
	tcase_add_test(tc, render_errors);
	suite_add_tcase(s, tc);
	return s;
}
