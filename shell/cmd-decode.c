/* SPDX-License-Identifier: MIT */
/* decode: any descriptor from raw values, or an ACPI table from a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decoders/acpi.h"
#include "decoders/decode.h"
#include "shell.h"

#define ACPI_FILE_MAX (1u << 20) /* firmware tables are kilobytes; refuse anything absurd */

static int decode_list(struct shell *sh)
{
	size_t n = smmu_decoder_count();

	if (sh->json) {
		smmu_json_arr_begin(&sh->j);
		for (size_t i = 0; i < n; i++) {
			const struct smmu_desc *d = smmu_decoder_at(i);
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "kind", d->kind);
			smmu_json_kstr(&sh->j, "name", d->name);
			smmu_json_kstr(&sh->j, "title", d->title);
			smmu_json_ku64(&sh->j, "words", d->nwords);
			smmu_json_ku64(&sh->j, "width", d->width);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_obj_begin(&sh->j);
		smmu_json_kstr(&sh->j, "kind", "acpi");
		smmu_json_kstr(&sh->j, "name", "DMAR/IORT");
		smmu_json_kstr(&sh->j, "title", "ACPI DMAR or IORT table from a file");
		smmu_json_obj_end(&sh->j);
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		fprintf(sh->out, "%-28s %u x %2u-bit  %s\n", d->kind, d->nwords, d->width, d->title);
	}
	fprintf(sh->out, "%-28s %-12s %s\n", "acpi", "FILE", "ACPI DMAR or IORT table from a file");
	fprintf(sh->out, "%-28s %-12s %s\n", "fdt", "FILE", "a device tree blob's IOMMU-relevant nodes");
	return 0;
}

static int read_file(const char *path, void **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *p;

	if (!f) {
		shell_error("decode acpi: %s: %s", path, strerror(errno));
		return -errno;
	}
	if (!(p = malloc(cap))) {
		fclose(f);
		shell_error("decode acpi: %s: out of memory", path);
		return -ENOMEM;
	}
	for (;;) {
		if (n == cap && cap >= ACPI_FILE_MAX) {
			/* exactly the limit is fine; one byte more is not */
			char probe;
			if (fread(&probe, 1, 1, f) == 0)
				break;
		}
		if (n == cap) {
			char *grown = cap < ACPI_FILE_MAX ? realloc(p, cap * 2) : NULL;
			if (!grown) {
				if (cap >= ACPI_FILE_MAX)
					shell_error("decode acpi: %s: larger than %u bytes", path, ACPI_FILE_MAX);
				else
					shell_error("decode acpi: %s: out of memory", path);
				free(p);
				fclose(f);
				return cap >= ACPI_FILE_MAX ? -EFBIG : -ENOMEM;
			}
			p = grown;
			cap *= 2;
		}
		size_t got = fread(p + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	if (ferror(f)) {
		shell_error("decode acpi: %s: read error", path);
		free(p);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*buf = p;
	*len = n;
	return 0;
}

static int decode_acpi(struct shell *sh, const char *path, bool verbose)
{
	char err[256] = "";
	void *buf = NULL;
	size_t len = 0;
	int rc = read_file(path, &buf, &len);

	if (rc)
		return rc;
	if (sh->json) {
		/* Render into memory first: a table that fails half-way must not
		 * leave half a JSON document on stdout. */
		char *text = NULL;
		size_t tlen = 0;
		FILE *mem = open_memstream(&text, &tlen);
		struct smmu_json j;
		if (!mem) {
			free(buf);
			shell_error("decode acpi: out of memory");
			return -ENOMEM;
		}
		smmu_json_init(&j, mem, sh->pretty);
		rc = smmu_acpi_render_json(&j, buf, len, err, sizeof(err));
		smmu_json_done(&j);
		fclose(mem);
		if (!rc)
			fwrite(text, 1, tlen, sh->out);
		free(text);
	} else {
		rc = smmu_acpi_render_text(sh->out, buf, len, verbose, err, sizeof(err));
	}
	free(buf);
	if (rc)
		shell_error("decode acpi: %s: %s", path, err[0] ? err : strerror(-rc));
	return rc;
}

int cmd_decode(struct shell *sh, int argc, char **argv)
{
	const struct smmu_desc *d;
	const char *cands = NULL;
	uint64_t words[8];
	bool verbose = false;
	int i = 1, rc;

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		if (argc > 2) {
			shell_error("decode: --list takes no arguments");
			return -EINVAL;
		}
		return decode_list(sh);
	}
	if (argc > i && !strcmp(argv[i], "-v")) {
		verbose = true;
		i++;
	}
	if (argc <= i) {
		shell_error("decode: which KIND? ('decode --list' names them)");
		return -EINVAL;
	}
	if (!strcasecmp(argv[i], "acpi")) {
		if (argc != i + 2) {
			shell_error("decode acpi: expected one FILE");
			return -EINVAL;
		}
		return decode_acpi(sh, argv[i + 1], verbose);
	}
	if (!strcasecmp(argv[i], "fdt")) {
		if (argc != i + 2) {
			shell_error("decode fdt: expected one FILE (a .dtb)");
			return -EINVAL;
		}
		return shell_decode_fdt(sh, argv[i + 1]);
	}
	rc = smmu_decoder_find(argv[i], &d, &cands);
	if (rc == -EINVAL) {
		shell_error("decode: '%s' is ambiguous: %s", argv[i], cands);
		return rc;
	}
	if (rc) {
		shell_error("decode: unknown kind '%s' ('decode --list' names them)", argv[i]);
		return rc;
	}
	if (argc - i - 1 != d->nwords) {
		shell_error("decode: %s: expected %u value%s of %u bits, got %d", d->kind, d->nwords,
			    d->nwords == 1 ? "" : "s", d->width, argc - i - 1);
		return -EINVAL;
	}
	for (unsigned w = 0; w < d->nwords; w++) {
		char who[80];
		snprintf(who, sizeof(who), "decode: %s", d->kind);
		rc = shell_parse_u64(who, argv[i + 1 + w], &words[w]);
		if (rc)
			return rc;
		if (d->width < 64 && words[w] >> d->width) {
			shell_error("decode: %s: '%s' does not fit in %u bits", d->kind,
				    argv[i + 1 + w], d->width);
			return -ERANGE;
		}
	}
	if (sh->json) {
		smmu_render_json(&sh->j, d, words);
		smmu_json_done(&sh->j);
		return 0;
	}
	return smmu_render_text(sh->out, d, words, verbose ? SMMU_R_VERBOSE : 0);
}
