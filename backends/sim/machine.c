/* SPDX-License-Identifier: MIT */
/*
 * The machine: creation and teardown, MMIO dispatch, firmware blobs, the
 * virtual clock.  Platform specifics live in virt.c and q35.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

int sim_machine_create(const struct sim_params *p, struct sim_machine **out)
{
	struct sim_machine *m;
	int rc;

	*out = NULL;
	if (!p || p->ram_size == 0 || (p->ram_size & (SIM_PAGE_SIZE - 1)) ||
	    (p->ram_base & (SIM_PAGE_SIZE - 1)))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->p = *p;
	m->layout.ram_base = p->ram_base;
	m->layout.ram_size = p->ram_size;
	rc = sim_ram_init(m);
	if (rc == 0)
		rc = p->platform == SIM_Q35 ? sim_q35_build(m)
		     : p->platform == SIM_MMU500 ? sim_mmu500_build(m)
		     : p->platform == SIM_AMD ? sim_amd_build(m)
						 : sim_virt_build(m);
	if (rc) {
		sim_machine_destroy(m);
		return rc;
	}
	*out = m;
	return 0;
}

void sim_machine_destroy(struct sim_machine *m)
{
	if (!m)
		return;
	/* Reverse order: things registered later may use earlier ones. */
	while (m->ndtors) {
		struct sim_dtor *d = &m->dtors[--m->ndtors];
		d->fn(d->opaque);
	}
	free(m->dtors);
	if (m->iommu && m->iommu->destroy)
		m->iommu->destroy(m->iommu);
	sim_pci_fini(m);
	for (size_t i = 0; i < m->nfw; i++)
		free(m->fw[i].data);
	free(m->fw);
	free(m->regions);
	sim_ram_fini(m);
	free(m);
}

const struct sim_params *sim_machine_params(const struct sim_machine *m)
{
	return &m->p;
}

int sim_machine_on_destroy(struct sim_machine *m, void (*fn)(void *), void *opaque)
{
	struct sim_dtor *d = realloc(m->dtors, (m->ndtors + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	m->dtors = d;
	d[m->ndtors].fn = fn;
	d[m->ndtors].opaque = opaque;
	m->ndtors++;
	return 0;
}

void sim_set_layout(struct sim_machine *m, const struct sim_layout *l)
{
	m->layout = *l;
	m->layout.ram_base = m->p.ram_base;
	m->layout.ram_size = m->p.ram_size;
}

#define SIM_TABLE_MAX (16ULL << 20)

int sim_layout_finish(struct sim_machine *m, struct sim_layout *l)
{
	const struct sim_params *p = &m->p;

	if (p->ndevs < 1 || p->ndevs > 31)
		return -EINVAL;
	l->table_size = p->ram_size / 4 < SIM_TABLE_MAX ? (p->ram_size / 4) & ~0xfffULL : SIM_TABLE_MAX;
	l->table_base = p->ram_base + p->ram_size - l->table_size;
	sim_set_layout(m, l);
	return 0;
}

void sim_machine_layout(const struct sim_machine *m, struct sim_layout *l)
{
	*l = m->layout;
}

struct sim_iommu *sim_machine_iommu(struct sim_machine *m)
{
	return m->iommu;
}

void sim_machine_set_iommu(struct sim_machine *m, struct sim_iommu *u)
{
	m->iommu = u;
}

uint64_t sim_now_ns(const struct sim_machine *m)
{
	return m->now_ns;
}

void sim_advance_ns(struct sim_machine *m, uint64_t ns)
{
	m->now_ns += ns;
}

/* --- MMIO ----------------------------------------------------------------- */

int sim_mmio_map(struct sim_machine *m, uint64_t base, uint64_t size,
		 const struct sim_mmio_ops *ops, void *opaque)
{
	struct sim_region *r;

	if (size == 0 || base + size < base)
		return -EINVAL;
	for (size_t i = 0; i < m->nregions; i++) {
		r = &m->regions[i];
		if (base < r->base + r->size && r->base < base + size)
			return -EBUSY;
	}
	r = realloc(m->regions, (m->nregions + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	m->regions = r;
	m->last_region = NULL; /* the array may have moved */
	r[m->nregions] = (struct sim_region){ base, size, ops, opaque };
	m->nregions++;
	return 0;
}

static const struct sim_region *find_region(struct sim_machine *m, uint64_t addr)
{
	const struct sim_region *r = m->last_region;

	if (r && addr - r->base < r->size)
		return r;
	for (size_t i = 0; i < m->nregions; i++) {
		r = &m->regions[i];
		if (addr - r->base < r->size) {
			m->last_region = r;
			return r;
		}
	}
	return NULL;
}

static bool good_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

int sim_mmio_read(struct sim_machine *m, uint64_t addr, unsigned size, uint64_t *val)
{
	const struct sim_region *r;

	*val = 0;
	if (!good_size(size))
		return -EINVAL;
	r = find_region(m, addr);
	if (r) {
		if (addr + size - r->base > r->size)
			return -EFAULT;
		return r->ops->read(r->opaque, addr - r->base, size, val);
	}
	return sim_pci_bar_access(m, addr, size, val, false);
}

int sim_mmio_write(struct sim_machine *m, uint64_t addr, unsigned size, uint64_t val)
{
	const struct sim_region *r;

	if (!good_size(size))
		return -EINVAL;
	if (size < 8)
		val &= (1ULL << (8 * size)) - 1;
	r = find_region(m, addr);
	if (r) {
		if (addr + size - r->base > r->size)
			return -EFAULT;
		return r->ops->write(r->opaque, addr - r->base, size, val);
	}
	return sim_pci_bar_access(m, addr, size, &val, true);
}

int sim_pio_read(struct sim_machine *m, uint16_t port, unsigned size, uint32_t *val)
{
	*val = ~0u;
	if (m->p.platform != SIM_Q35 && m->p.platform != SIM_AMD) /* port I/O: the x86 machines */
		return -ENODEV;
	return sim_pci_pio(m, port, size, val, false);
}

int sim_pio_write(struct sim_machine *m, uint16_t port, unsigned size, uint32_t val)
{
	if (m->p.platform != SIM_Q35 && m->p.platform != SIM_AMD) /* port I/O: the x86 machines */
		return -ENODEV;
	return sim_pci_pio(m, port, size, &val, true);
}

/* --- firmware ------------------------------------------------------------- */

int sim_fw_add(struct sim_machine *m, const char *name, void *data, size_t len)
{
	struct sim_fw_blob *f;

	if (strlen(name) >= sizeof(f->name)) {
		free(data);
		return -EINVAL;
	}
	for (size_t i = 0; i < m->nfw; i++) {
		if (!strcmp(m->fw[i].name, name)) {
			free(data);
			return -EEXIST;
		}
	}
	f = realloc(m->fw, (m->nfw + 1) * sizeof(*f));
	if (!f) {
		free(data);
		return -ENOMEM;
	}
	m->fw = f;
	f = &m->fw[m->nfw++];
	memset(f, 0, sizeof(*f));
	strcpy(f->name, name);
	f->data = data;
	f->len = len;
	return 0;
}

int sim_fw_table(struct sim_machine *m, const char *name, const void **data, size_t *len)
{
	for (size_t i = 0; i < m->nfw; i++) {
		if (!strcmp(m->fw[i].name, name)) {
			*data = m->fw[i].data;
			*len = m->fw[i].len;
			return 0;
		}
	}
	*data = NULL;
	*len = 0;
	return -ENOENT;
}

void sim_acpi_header(void *table, const char sig[4], uint32_t len, uint8_t rev)
{
	uint8_t *t = table;

	memset(t, 0, 36);
	memcpy(t, sig, 4);
	sim_put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "SMMUSH", 6);
	memcpy(t + 16, "SIMMACH ", 8);
	sim_put32(t + 24, 1);          /* OEM revision */
	memcpy(t + 28, "SMSH", 4);    /* creator id */
	sim_put32(t + 32, 1);          /* creator revision */
}

void sim_acpi_checksum(void *table, size_t len)
{
	uint8_t *t = table, sum = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}
