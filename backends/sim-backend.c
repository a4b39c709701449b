/* SPDX-License-Identifier: MIT */
/* The sim backend: the built-in platform model (backends/sim) behind the ops table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/sim/sim.h"
#include "lib/backend.h"
#include "lib/smmu.h"

/* The model declares its parameters once; the backend table is built from
 * them at first use so the two lists cannot differ. */
static struct smmu_backend_param sim_params[32];

static const struct smmu_backend_param *params(void)
{
	if (!sim_params[0].name) {
		size_t i = 0;
		for (; sim_param_descs[i].name && i < sizeof(sim_params) / sizeof(sim_params[0]) - 1; i++)
			sim_params[i] = (struct smmu_backend_param){ sim_param_descs[i].name,
								     sim_param_descs[i].def,
								     sim_param_descs[i].help };
	}
	return sim_params;
}

struct sim_be {
	struct sim_machine *m;
	uint64_t epoch_ns; /* the host's monotonic clock when the target opened */
	char desc[160];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int be_open(const char *variant, const char *const *opts, size_t nopts, void **priv,
		   char *err, size_t errlen)
{
	struct sim_params p;
	enum sim_platform plat;
	struct sim_be *be;
	int rc;

	if (!variant || !strcmp(variant, "virt"))
		plat = SIM_VIRT;
	else if (!strcmp(variant, "q35"))
		plat = SIM_Q35;
	else if (!strcmp(variant, "mmu500"))
		plat = SIM_MMU500;
	else if (!strcmp(variant, "amd"))
		plat = SIM_AMD;
	else {
		snprintf(err, errlen, "sim has no platform '%s' (virt, q35, mmu500, amd)", variant);
		return -ENOENT;
	}
	sim_params_default(&p, plat);
	for (size_t i = 0; i < nopts; i++) {
		char key[64];
		const char *eq = strchr(opts[i], '=');
		size_t klen = eq ? (size_t)(eq - opts[i]) : 0;
		if (!eq || klen >= sizeof(key)) {
			snprintf(err, errlen, "option '%s' is not key=value", opts[i]);
			return -EINVAL;
		}
		memcpy(key, opts[i], klen);
		key[klen] = '\0';
		rc = sim_params_set_err(&p, key, eq + 1, err, errlen);
		if (rc)
			return rc;
	}
	if ((rc = sim_params_check(&p, err, errlen)))
		return rc;
	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	rc = sim_machine_create(&p, &be->m);
	if (rc) {
		snprintf(err, errlen, "sim: cannot build the %s machine: %s",
			 sim_platform_name(plat), strerror(-rc));
		free(be);
		return rc;
	}
	snprintf(be->desc, sizeof(be->desc), "built-in %s model, %llu MiB RAM, %u test devices",
		 plat == SIM_Q35 ? "q35 (VT-d)" : plat == SIM_MMU500 ? "mmu500 (SMMUv2, MMU-500)"
		 : plat == SIM_AMD ? "amd (AMD-Vi)" : "virt (SMMUv3)",
		 (unsigned long long)(p.ram_size >> 20), p.ndevs);
	be->epoch_ns = mono_ns();
	*priv = be;
	return 0;
}

static void be_close(void *priv)
{
	struct sim_be *be = priv;

	sim_machine_destroy(be->m);
	free(be);
}

#define M(priv) (((struct sim_be *)(priv))->m)

/* Outside RAM (MMIO included) is an error that says so, as on every target. */
static bool in_ram(void *priv, uint64_t pa, size_t len)
{
	struct sim_layout l;

	sim_machine_layout(M(priv), &l);
	return pa >= l.ram_base && pa - l.ram_base < l.ram_size && len <= l.ram_size - (pa - l.ram_base);
}

static int be_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	return in_ram(priv, pa, len) ? sim_mem_read(M(priv), pa, buf, len) : -SMMU_E_NOTRAM;
}

static int be_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	return in_ram(priv, pa, len) ? sim_mem_write(M(priv), pa, buf, len) : -SMMU_E_NOTRAM;
}

static uint64_t be_mem_foreign_writes(void *priv)
{
	return sim_mem_foreign_writes(M(priv));
}

struct sim_machine *smmu_sim_machine(void *priv)
{
	return M(priv);
}

static int be_ram_ranges(void *priv, uint64_t (*ranges)[2], size_t max)
{
	struct sim_layout l;

	sim_machine_layout(M(priv), &l);
	if (!max)
		return 0;
	ranges[0][0] = l.ram_base;
	ranges[0][1] = l.ram_size;
	return 1;
}

static int be_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	return sim_mmio_read(M(priv), addr, size, val);
}

static int be_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	return sim_mmio_write(M(priv), addr, size, val);
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	return sim_pci_cfg_read(M(priv), bdf, off, size, val);
}

static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	return sim_pci_cfg_write(M(priv), bdf, off, size, val);
}

static int be_pci_bar_size(void *priv, uint16_t seg, uint16_t bdf, unsigned bar, uint64_t *size)
{
	return seg ? -ENOENT : sim_pci_bar_size(M(priv), bdf, bar, size);
}

static int be_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	const void *src;
	int rc = sim_fw_table(M(priv), name, &src, len);

	if (rc)
		return rc;
	*data = malloc(*len ? *len : 1);
	if (!*data)
		return -ENOMEM;
	memcpy(*data, src, *len);
	return 0;
}

static int be_table_region(void *priv, uint64_t *base, uint64_t *size)
{
	struct sim_layout l;

	sim_machine_layout(M(priv), &l);
	*base = l.table_base;
	*size = l.table_size;
	return l.table_size ? 0 : -ENOSPC;
}

/* The target's clock, as the library sees it (fault times): the host time
 * since the target opened, as QEMU's and the live targets' count, plus the
 * model's own virtual clock, so a sleep still moves it on at once and it
 * never runs backwards.  The model itself keeps only its virtual clock: it
 * stays deterministic.  (The virtual clock alone moves 10 ns a DMA access:
 * every fault of a session would read +0.000000s.) */
static uint64_t be_now(void *priv)
{
	struct sim_be *be = priv;

	return mono_ns() - be->epoch_ns + sim_now_ns(be->m);
}

static int be_sleep(void *priv, uint64_t ns)
{
	sim_advance_ns(M(priv), ns);
	return 0;
}

static const char *be_describe(void *priv)
{
	return ((struct sim_be *)priv)->desc;
}

const struct smmu_backend_ops smmu_backend_sim = {
	.name = "sim",
	.help = "the built-in platform model: an SMMUv3 machine (virt), a VT-d machine (q35), an MMU-500 machine (mmu500) or an AMD-Vi machine (amd)",
	.variants = "virt|q35|mmu500|amd",
	.open = be_open,
	.close = be_close,
	.mem_read = be_mem_read,
	.mem_write = be_mem_write,
	.mem_foreign_writes = be_mem_foreign_writes,
	.mmio_read = be_mmio_read,
	.mmio_write = be_mmio_write,
	.pci_read = be_pci_read,
	.pci_write = be_pci_write,
	.pci_bar_size = be_pci_bar_size,
	.fw_table = be_fw_table,
	.table_region = be_table_region,
	.now_ns = be_now,
	.sleep_ns = be_sleep,
	.describe = be_describe,
	.ram_ranges = be_ram_ranges,
};

/* Called by target.c before listing parameters. */
const struct smmu_backend_param *smmu_backend_sim_params(void);
const struct smmu_backend_param *smmu_backend_sim_params(void)
{
	return params();
}
