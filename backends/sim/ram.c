/* SPDX-License-Identifier: MIT */
/*
 * Sparse RAM: a two-level radix of 4 KiB pages (512 pages per 2 MiB chunk),
 * allocated on first write.  A lookup is two array indexes, which keeps table
 * walks over millions of entries cheap; untouched pages read as zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

#define CHUNK_SHIFT 21
#define PAGES_PER_CHUNK (1u << (CHUNK_SHIFT - SIM_PAGE_SHIFT))

struct sim_ram {
	uint64_t base, size;
	size_t nchunks;
	size_t npages;       /* pages allocated */
	uint64_t foreign;    /* writes by anyone but the CPU (sim_dma_write) */
	uint8_t **chunks[];  /* each NULL or PAGES_PER_CHUNK page pointers */
};

static const uint8_t zero_page[SIM_PAGE_SIZE];

int sim_ram_init(struct sim_machine *m)
{
	uint64_t size = m->p.ram_size;
	size_t n = (size + (1ULL << CHUNK_SHIFT) - 1) >> CHUNK_SHIFT;
	struct sim_ram *r;

	if (m->p.ram_base + size < m->p.ram_base)
		return -EINVAL;
	r = calloc(1, sizeof(*r) + n * sizeof(r->chunks[0]));
	if (!r)
		return -ENOMEM;
	r->base = m->p.ram_base;
	r->size = size;
	r->nchunks = n;
	m->ram = r;
	return 0;
}

void sim_ram_fini(struct sim_machine *m)
{
	struct sim_ram *r = m->ram;

	if (!r)
		return;
	for (size_t i = 0; i < r->nchunks; i++) {
		if (!r->chunks[i])
			continue;
		for (unsigned j = 0; j < PAGES_PER_CHUNK; j++)
			free(r->chunks[i][j]);
		free(r->chunks[i]);
	}
	free(r);
	m->ram = NULL;
}

bool sim_ram_contains(const struct sim_machine *m, uint64_t pa, uint64_t len)
{
	const struct sim_ram *r = m->ram;
	uint64_t off = pa - r->base;

	return pa >= r->base && off < r->size && len <= r->size - off;
}

size_t sim_ram_pages(const struct sim_machine *m)
{
	return m->ram->npages;
}

uint8_t *sim_ram_page(struct sim_machine *m, uint64_t pa, bool write)
{
	struct sim_ram *r = m->ram;
	uint64_t off = pa - r->base;
	uint8_t **chunk, *page;
	size_t ci;
	unsigned pi;

	if (pa < r->base || off >= r->size)
		return NULL;
	ci = off >> CHUNK_SHIFT;
	pi = (off >> SIM_PAGE_SHIFT) & (PAGES_PER_CHUNK - 1);
	chunk = r->chunks[ci];
	if (chunk && chunk[pi])
		return chunk[pi];
	if (!write)
		return (uint8_t *)zero_page;
	if (!chunk) {
		chunk = calloc(PAGES_PER_CHUNK, sizeof(*chunk));
		if (!chunk)
			return NULL;
		r->chunks[ci] = chunk;
	}
	page = calloc(1, SIM_PAGE_SIZE);
	if (!page)
		return NULL;
	chunk[pi] = page;
	r->npages++;
	return page;
}

int sim_ram_read64(struct sim_machine *m, uint64_t pa, uint64_t *val)
{
	const uint8_t *p = sim_ram_page(m, pa, false);
	uint64_t v = 0;

	if (!p || (pa & 7)) {
		*val = 0;
		return -EFAULT;
	}
	p += pa & (SIM_PAGE_SIZE - 1);
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	*val = v;
	return 0;
}

int sim_ram_write64(struct sim_machine *m, uint64_t pa, uint64_t val)
{
	uint8_t *p;

	if (pa & 7)
		return -EFAULT;
	p = sim_ram_page(m, pa, true);
	if (!p)
		return -EFAULT;
	m->ram->foreign++; /* only unit models write this way */
	p += pa & (SIM_PAGE_SIZE - 1);
	for (int i = 0; i < 8; i++)
		p[i] = val >> (8 * i);
	return 0;
}

int sim_mem_read(struct sim_machine *m, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (!sim_ram_contains(m, pa, len))
		return -EFAULT;
	while (len) {
		size_t in = SIM_PAGE_SIZE - (pa & (SIM_PAGE_SIZE - 1));
		const uint8_t *p = sim_ram_page(m, pa, false);

		if (in > len)
			in = len;
		if (!p)
			return -EFAULT;
		memcpy(out, p + (pa & (SIM_PAGE_SIZE - 1)), in);
		out += in;
		pa += in;
		len -= in;
	}
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int sim_mem_write(struct sim_machine *m, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *in = buf;

	if (!sim_ram_contains(m, pa, len))
		return -EFAULT;
	while (len) {
		size_t n = SIM_PAGE_SIZE - (pa & (SIM_PAGE_SIZE - 1));
		uint8_t *p;

		if (n > len)
			n = len;
		/* Writing zeros to an untouched page changes nothing: keep it sparse
		 * (a memset of a big table region costs no memory). */
		p = sim_ram_page(m, pa, false);
		if (!p)
			return -EFAULT;
		if (p == zero_page && all_zero(in, n))
			goto next;
		p = sim_ram_page(m, pa, true);
		if (!p)
			return -ENOMEM;
		memcpy(p + (pa & (SIM_PAGE_SIZE - 1)), in, n);
next:
		in += n;
		pa += n;
		len -= n;
	}
	return 0;
}

int sim_dma_write(struct sim_machine *m, uint64_t pa, const void *buf, size_t len)
{
	/* counted before the bytes land: a failed write may have changed some */
	m->ram->foreign++;
	return sim_mem_write(m, pa, buf, len);
}

uint64_t sim_mem_foreign_writes(const struct sim_machine *m)
{
	return m->ram->foreign;
}
