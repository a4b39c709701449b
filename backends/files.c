/* SPDX-License-Identifier: MIT */
/*
 * The files pseudo-backend: firmware without a machine.  A device tree blob
 * and ACPI tables read from files (-O fdt=FILE, -O acpi=FILE, repeatable),
 * so discovery shows the units, devices and ID mappings they describe.
 * There are no registers, memory or PCI configuration behind them: every
 * such access is -ENODEV, which discovery takes as "nothing to probe".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/backend.h"
#include "lib/smmu.h"

#define FILES_MAX 16
#define FILE_MAX_BYTES (16u << 20)

static const struct smmu_backend_param files_params[] = {
	{ "fdt", "", "a flattened device tree blob (.dtb) to discover from" },
	{ "acpi", "", "an ACPI table (DMAR, IORT) to discover from; give it once per table" },
	{ NULL, NULL, NULL },
};

struct blob {
	char name[8]; /* "fdt" or the ACPI signature */
	void *data;
	size_t len;
};

struct files_be {
	struct blob blobs[FILES_MAX];
	size_t nblobs;
	char desc[256];
};

static int slurp(const char *path, void **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0;
	uint8_t *buf;

	if (!f)
		return -errno;
	if (!(buf = malloc(cap))) {
		fclose(f);
		return -ENOMEM;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *g = cap < FILE_MAX_BYTES ? realloc(buf, cap * 2) : NULL;
			if (!g) {
				free(buf);
				fclose(f);
				return cap < FILE_MAX_BYTES ? -ENOMEM : -EFBIG;
			}
			buf = g;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

static void files_close(void *priv)
{
	struct files_be *be = priv;

	if (!be)
		return;
	for (size_t i = 0; i < be->nblobs; i++)
		free(be->blobs[i].data);
	free(be);
}

static int files_open(const char *variant, const char *const *opts, size_t nopts, void **priv, char *err,
		      size_t errlen)
{
	struct files_be *be = calloc(1, sizeof(*be));
	int rc;

	if (!be)
		return -ENOMEM;
	(void)variant;
	for (size_t i = 0; i < nopts; i++) {
		bool fdt = !strncmp(opts[i], "fdt=", 4);
		const char *file = strchr(opts[i], '=') + 1;
		struct blob *b = &be->blobs[be->nblobs];
		if (be->nblobs == FILES_MAX) {
			snprintf(err, errlen, "files: more than %d files", FILES_MAX);
			files_close(be);
			return -E2BIG;
		}
		if ((rc = slurp(file, &b->data, &b->len))) {
			snprintf(err, errlen, "files: %s: %s", file, strerror(-rc));
			files_close(be);
			return rc;
		}
		be->nblobs++;
		if (fdt) {
			snprintf(b->name, sizeof(b->name), "fdt");
		} else if (b->len < 36) {
			snprintf(err, errlen, "files: %s: %zu bytes is too short for an ACPI table", file, b->len);
			files_close(be);
			return -SMMU_E_PARSE;
		} else {
			memcpy(b->name, b->data, 4);
			b->name[4] = '\0';
		}
	}
	if (!be->nblobs) {
		snprintf(err, errlen, "files: nothing to read: give -O fdt=FILE and/or -O acpi=FILE");
		files_close(be);
		return -EINVAL;
	}
	*priv = be;
	return 0;
}

static int files_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	struct files_be *be = priv;

	for (size_t i = 0; i < be->nblobs; i++)
		if (!strcmp(be->blobs[i].name, name)) {
			if (!(*data = malloc(be->blobs[i].len)))
				return -ENOMEM;
			memcpy(*data, be->blobs[i].data, be->blobs[i].len);
			*len = be->blobs[i].len;
			return 0;
		}
	return -ENOENT;
}

static int no_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	(void)priv, (void)pa, (void)buf, (void)len;
	return -ENODEV;
}

static int no_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	(void)priv, (void)pa, (void)buf, (void)len;
	return -ENODEV;
}

static int no_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	(void)priv, (void)addr, (void)size;
	*val = 0;
	return -ENODEV;
}

static int no_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	(void)priv, (void)addr, (void)size, (void)val;
	return -ENODEV;
}

static int no_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	(void)priv, (void)bdf, (void)off;
	*val = 0xffffffffu >> (32 - 8 * size);
	return -ENODEV;
}

static int no_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	(void)priv, (void)bdf, (void)off, (void)size, (void)val;
	return -ENODEV;
}

static int no_tables(void *priv, uint64_t *base, uint64_t *size)
{
	(void)priv;
	*base = *size = 0;
	return -ENODEV;
}

static const char *files_describe(void *priv)
{
	struct files_be *be = priv;
	size_t n = 0;

	n += (size_t)snprintf(be->desc, sizeof(be->desc), "firmware files, no machine:");
	for (size_t i = 0; i < be->nblobs && n < sizeof(be->desc); i++)
		n += (size_t)snprintf(be->desc + n, sizeof(be->desc) - n, " %s (%zu bytes)", be->blobs[i].name,
				      be->blobs[i].len);
	return be->desc;
}

const struct smmu_backend_ops smmu_backend_files = {
	.name = "files",
	.help = "firmware files without a machine (-O fdt=FILE, -O acpi=FILE): discovery only",
	.variants = "",
	.params = files_params,
	.open = files_open,
	.close = files_close,
	.mem_read = no_mem_read,
	.mem_write = no_mem_write,
	.mmio_read = no_mmio_read,
	.mmio_write = no_mmio_write,
	.pci_read = no_pci_read,
	.pci_write = no_pci_write,
	.fw_table = files_fw_table,
	.table_region = no_tables,
	.describe = files_describe,
};
