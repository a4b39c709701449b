/* SPDX-License-Identifier: MIT */
/* The platform model's parameters: declared once here, listed by --target-help. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/sim/sim-internal.h"

const struct sim_param_desc sim_param_descs[] = {
	{ "ram", "1G", "RAM size (K/M/G suffixes; a multiple of 4K, at most 1T); "
		       "RAM starts at 0x40000000 on virt, 0 on q35; pages exist once touched" },
	{ "devs", "2", "number of PCI DMA test devices, at 00:01.0, 00:02.0, ... (2-31)" },
	{ "evtq", "19", "SMMUv3 IDR1.EVENTQS: log2 of the largest event queue (0-19)" },
	{ "cmdq", "19", "SMMUv3 IDR1.CMDQS: log2 of the largest command queue (1-19)" },
	{ "stage2", "on", "SMMUv3: advertise stage 2 (and nesting) in IDR0.S2P" },
	{ "nfr", "8", "VT-d: number of fault recording registers (1-256)" },
	{ "aw", "39", "VT-d: host address width in bits (39, 48 or 57)" },
	{ "scalable", "off", "VT-d: advertise scalable mode (ECAP.SMTS)" },
	{ "smrg", "16", "MMU-500: stream match register groups (1-128)" },
	{ "cbs", "8", "MMU-500: translation context banks (1-128)" },
	{ "pagesize", "4K", "MMU-500: register page size, IDR1.PAGESIZE (4K or 64K)" },
	{ "cells", "1", "MMU-500: the device tree's #iommu-cells (1: stream-match-mask; 2: ID and mask)" },
	{ "bridge", "0", "test devices behind a PCIe-to-PCI bridge at 00:1e.0 (secondary bus 2), at 02:00.0, "
			 "02:01.0, ...: their DMA carries the bridge's requester ID 02:00.0 (0-8; devs at most 29)" },
	{ "ats", "off", "the PCI test devices have an ATS extended capability, enabled" },
	{ NULL, NULL, NULL },
};

void sim_params_default(struct sim_params *p, enum sim_platform platform)
{
	memset(p, 0, sizeof(*p));
	p->platform = platform;
	p->ram_base = platform == SIM_VIRT || platform == SIM_MMU500 ? 0x40000000 : 0; /* the Arm machines */
	p->ram_size = 1ULL << 30;
	p->ndevs = 2;
	p->evtq_log2 = 19;
	p->cmdq_log2 = 19;
	p->stage2 = true;
	p->nfr = 8;
	p->vtd_aw = 39;
	p->scalable = false;
	p->mmu500_smrg = 16;
	p->mmu500_cbs = 8;
	p->mmu500_64k = false;
	p->mmu500_cells = 1;
}

static int parse_u64(const char *s, uint64_t *out, bool suffix)
{
	char *end;
	uint64_t v, mul = 1;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (suffix && *end) {
		switch (*end) {
		case 'k': case 'K': mul = 1ULL << 10; break;
		case 'm': case 'M': mul = 1ULL << 20; break;
		case 'g': case 'G': mul = 1ULL << 30; break;
		case 't': case 'T': mul = 1ULL << 40; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i' || *end == 'I') /* accept "1GiB" and "1GB" */
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
	}
	if (*end)
		return -EINVAL;
	if (v && mul > UINT64_MAX / v)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true", "y" };
	static const char *const no[] = { "0", "off", "no", "false", "n" };

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_range(const char *s, uint64_t lo, uint64_t hi, unsigned *out)
{
	uint64_t v;

	if (parse_u64(s, &v, false) || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int sim_params_set(struct sim_params *p, const char *name, const char *value)
{
	uint64_t v;

	if (!name)
		return -ENOENT;
	if (!strcmp(name, "ram")) {
		if (parse_u64(value, &v, true) || v < (1ULL << 20) || v > (1ULL << 40) ||
		    (v & (SIM_PAGE_SIZE - 1)))
			return -EINVAL;
		p->ram_size = v;
		return 0;
	}
	if (!strcmp(name, "devs"))
		return parse_range(value, 2, 31, &p->ndevs);
	if (!strcmp(name, "evtq"))
		return parse_range(value, 0, 19, &p->evtq_log2);
	if (!strcmp(name, "cmdq"))
		return parse_range(value, 1, 19, &p->cmdq_log2);
	if (!strcmp(name, "nfr"))
		return parse_range(value, 1, 256, &p->nfr);
	if (!strcmp(name, "aw")) {
		unsigned aw;

		if (parse_range(value, 39, 57, &aw) || (aw != 39 && aw != 48 && aw != 57))
			return -EINVAL;
		p->vtd_aw = aw;
		return 0;
	}
	if (!strcmp(name, "stage2"))
		return parse_bool(value, &p->stage2);
	if (!strcmp(name, "scalable"))
		return parse_bool(value, &p->scalable);
	if (!strcmp(name, "smrg"))
		return parse_range(value, 1, 128, &p->mmu500_smrg);
	if (!strcmp(name, "cbs"))
		return parse_range(value, 1, 128, &p->mmu500_cbs);
	if (!strcmp(name, "cells")) {
		unsigned c;
		if (parse_range(value, 1, 2, &c))
			return -EINVAL;
		p->mmu500_cells = c;
		return 0;
	}
	if (!strcmp(name, "pagesize")) {
		if (parse_u64(value, &v, true) || (v != 4096 && v != 65536))
			return -EINVAL;
		p->mmu500_64k = v == 65536;
		return 0;
	}
	if (!strcmp(name, "bridge"))
		return parse_range(value, 0, 8, &p->bridge_devs);
	if (!strcmp(name, "ats"))
		return parse_bool(value, &p->ats);
	return -ENOENT;
}
