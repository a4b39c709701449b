/* SPDX-License-Identifier: MIT */
/* The platform model's parameters: declared once here, listed by --target-help. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/sim/sim-internal.h"

#define V  SIM_ON(SIM_VIRT)
#define Q  SIM_ON(SIM_Q35)
#define M5 SIM_ON(SIM_MMU500)
#define A  SIM_ON(SIM_AMD)

/* The ram limits here are sim_ram_max()'s; tests/shell-options.sh checks both. */
const struct sim_param_desc sim_param_descs[] = {
	{ "ram", "1G", "RAM size (K/M/G/T suffixes; a multiple of 4K, at least 1M): at most 261376M "
		       "(255.25G) on virt and mmu500, RAM from 0x40000000; at most 2816M (2.75G) on q35 and amd, "
		       "RAM from 0; pages exist once touched", SIM_ON_ALL },
	{ "devs", "2", "number of PCI DMA test devices, at 00:01.0, 00:02.0, ... (2-31)", SIM_ON_ALL },
	{ "evtq", "19", "virt: SMMUv3 IDR1.EVENTQS: log2 of the largest event queue (0-19)", V },
	{ "cmdq", "19", "virt: SMMUv3 IDR1.CMDQS: log2 of the largest command queue (1-19)", V },
	{ "stage2", "on", "virt: SMMUv3: advertise stage 2 (and nesting) in IDR0.S2P", V },
	{ "ttf", "aa64", "virt: SMMUv3 IDR0.TTF, the table formats: aa64 (VMSAv8-64), aa32 (VMSAv8-32 LPAE) or both", V },
	{ "nfr", "8", "q35: VT-d: number of fault recording registers (1-256)", Q },
	{ "aw", "39", "q35: VT-d: host address width in bits (39, 48 or 57)", Q },
	{ "scalable", "off", "q35: VT-d: advertise scalable mode (ECAP.SMTS)", Q },
	{ "smrg", "16", "mmu500: MMU-500: stream match register groups (1-128)", M5 },
	{ "cbs", "8", "mmu500: MMU-500: translation context banks (1-128)", M5 },
	{ "pagesize", "4K", "mmu500: MMU-500: register page size, IDR1.PAGESIZE (4K or 64K)", M5 },
	{ "cells", "1", "mmu500: the device tree's #iommu-cells (1: stream-match-mask; 2: ID and mask)", M5 },
	{ "bridge", "0", "virt and q35: test devices behind a PCIe-to-PCI bridge at 00:1e.0 (secondary bus 2), "
			 "at 02:00.0, 02:01.0, ...: their DMA carries the bridge's requester ID 02:00.0 (0-8; devs at "
			 "most 29)", V | Q },
	{ "switch", "0", "virt and q35: a PCIe switch, upstream port 00:1d.0, downstream ports 03:00.0, 03:01.0, ... "
			 "each with a test device at 04:00.0, 05:00.0, ... (0-4; devs at most 28)", V | Q },
	{ "acs", "on", "virt and q35: the switch's downstream ports have ACS with SV, RR, CR and UF enabled "
		       "(off: no ACS capability, peer-to-peer between its devices bypasses the IOMMU)", V | Q },
	{ "untranslated", "off", "virt: a platform DMA test device at 0x0c100000 that no IOMMU translates "
				 "(no iommus property, no IORT mapping): its DMA reaches memory directly", V },
	{ "ats", "off", "the PCI test devices have an ATS extended capability, enabled", SIM_ON_ALL },
	{ "rmrr", "", "q35: RMRRs in the DMAR, BDF@ADDR+LEN[,...] (up to 4): a reserved region for PCI "
		      "function BDF (BB:DD.F or DD.F); ADDR and LEN multiples of 4K, inside the RAM window "
		      "(below 0xb0000000)", Q },
	{ "ivmd", "", "amd: IVMD blocks (type 21h, unity, IR and IW) in the IVRS, BDF@ADDR+LEN[,...] (up to 4): "
		      "a reserved region for PCI function BDF; ADDR and LEN multiples of 4K, inside the RAM window "
		      "(below 0xb0000000)", A },
	{ "rmr", "", "virt: IORT RMR nodes, SID@ADDR+LEN[,...] (up to 4): a reserved region for StreamID SID "
		     "(0-0xffff; 00:01.0 is 0x8, the platform device 0x100); ADDR and LEN multiples of 64K (as IORT "
		     "requires), inside the RAM window (0x40000000-0x400fffffff); flags: no remapping, unprivileged, "
		     "Normal write-back", V },
	{ NULL, NULL, NULL, 0 },
};

const char *sim_platform_name(enum sim_platform plat)
{
	return plat == SIM_Q35 ? "q35" : plat == SIM_MMU500 ? "mmu500" : plat == SIM_AMD ? "amd" : "virt";
}

uint64_t sim_ram_max(enum sim_platform plat)
{
	/* the x86 machines (q35, amd) have RAM below their ECAM window at 0xb0000000 */
	return plat == SIM_Q35 || plat == SIM_AMD ? SIM_Q35_ECAM_BASE : SIM_ARM_ECAM_BASE - SIM_ARM_RAM_BASE;
}

void sim_params_default(struct sim_params *p, enum sim_platform platform)
{
	memset(p, 0, sizeof(*p));
	p->platform = platform;
	p->ram_base = platform == SIM_VIRT || platform == SIM_MMU500 ? SIM_ARM_RAM_BASE : 0; /* the Arm machines */
	p->ram_size = 1ULL << 30;
	p->ndevs = 2;
	p->evtq_log2 = 19;
	p->cmdq_log2 = 19;
	p->stage2 = true;
	p->ttf = 2;
	p->nfr = 8;
	p->vtd_aw = 39;
	p->scalable = false;
	p->mmu500_smrg = 16;
	p->mmu500_cbs = 8;
	p->mmu500_64k = false;
	p->mmu500_cells = 1;
	p->switch_acs = true;
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

/* A size as short as it stays exact: "261376M", "1G". */
static void fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}

#define FAIL(...) (err ? (void)snprintf(err, errlen, __VA_ARGS__) : (void)0, -EINVAL)

static int parse_range(const char *name, const char *s, uint64_t lo, uint64_t hi, unsigned *out, char *err,
		       size_t errlen)
{
	uint64_t v;

	if (parse_u64(s, &v, false))
		return FAIL("%s: '%s' is not a number (%" PRIu64 "-%" PRIu64 ")", name, s ? s : "", lo, hi);
	if (v < lo || v > hi)
		return FAIL("%s: %s is not in %" PRIu64 "-%" PRIu64, name, s, lo, hi);
	*out = (unsigned)v;
	return 0;
}

static int set_bool(const char *name, const char *s, bool *out, char *err, size_t errlen)
{
	if (parse_bool(s, out))
		return FAIL("%s: '%s' is not on or off", name, s ? s : "");
	return 0;
}

/* "sim:q35", "sim:virt and sim:q35", "sim:virt, sim:q35 and sim:mmu500" */
static void fmt_machines(unsigned machines, char *buf, size_t len)
{
	unsigned n = 0, total = (unsigned)__builtin_popcount(machines);
	size_t o = 0;

	buf[0] = '\0';
	for (int pl = SIM_VIRT; pl <= SIM_AMD && o < len; pl++) {
		if (!(machines & SIM_ON(pl)))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%ssim:%s",
				      !n ? "" : n + 1 == total ? " and " : ", ", sim_platform_name(pl));
		n++;
	}
}

/* "BB:DD.F" or "DD.F" (bus 0): a requester ID. */
static int parse_bdf(const char *s, size_t n, uint32_t *out)
{
	char buf[16], *e;
	unsigned long bus = 0, dev, fn;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	const char *p = buf;
	if (strchr(p, ':')) {
		bus = strtoul(p, &e, 16);
		if (e == p || *e != ':' || bus > 0xff)
			return -EINVAL;
		p = e + 1;
	}
	dev = strtoul(p, &e, 16);
	if (e == p || *e != '.' || dev > 0x1f)
		return -EINVAL;
	p = e + 1;
	fn = strtoul(p, &e, 16);
	if (e == p || *e || fn > 7)
		return -EINVAL;
	*out = (uint32_t)(bus << 8 | dev << 3 | fn);
	return 0;
}

/* rmrr=, ivmd= and rmr=: ID@ADDR+LEN[,ID@ADDR+LEN...], each range whole `align`
 * pages inside the platform's RAM window. */
static int parse_resv(const struct sim_params *p, const char *name, const char *value, struct sim_resv *out,
		      unsigned *nout, char *err, size_t errlen)
{
	bool bdf = strcmp(name, "rmr") != 0; /* rmrr, ivmd */
	uint64_t align = bdf ? 4096 : 65536;
	uint64_t lo = p->ram_base, hi = p->ram_base + sim_ram_max(p->platform);
	const char *form = bdf ? "BDF@ADDR+LEN" : "SID@ADDR+LEN";
	const char *s = value ? value : "";
	unsigned n = 0;

	if (!*s) {
		*nout = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(s, ","), at = strcspn(s, "@");
		char item[96], num[48];
		struct sim_resv r;
		uint64_t id;

		if (len >= sizeof(item))
			return FAIL("%s: '%.*s...' is too long (%s)", name, 20, s, form);
		memcpy(item, s, len);
		item[len] = '\0';
		char *plus = strchr(item, '+');
		if (at >= len || !plus || plus < item + at)
			return FAIL("%s: '%s' is not %s", name, item, form);
		if (n == 4)
			return FAIL("%s: more than 4 regions", name);
		if (bdf) {
			if (parse_bdf(item, at, &r.id))
				return FAIL("%s: '%.*s' is not a PCI function (BB:DD.F or DD.F)", name, (int)at, item);
		} else {
			snprintf(num, sizeof(num), "%.*s", (int)at, item);
			if (parse_u64(num, &id, false) || id > 0xffff)
				return FAIL("%s: '%s' is not a StreamID (0-0xffff)", name, num);
			r.id = (uint32_t)id;
		}
		snprintf(num, sizeof(num), "%.*s", (int)(plus - item - at - 1), item + at + 1);
		if (parse_u64(num, &r.base, false))
			return FAIL("%s: '%s' is not an address", name, num);
		if (parse_u64(plus + 1, &r.len, true))
			return FAIL("%s: '%s' is not a size (K/M/G suffixes)", name, plus + 1);
		if ((r.base | r.len) & (align - 1) || !r.len)
			return FAIL("%s: 0x%" PRIx64 "+0x%" PRIx64 " is not whole %s pages", name, r.base, r.len,
				    bdf ? "4K" : "64K");
		if (r.base < lo || r.base >= hi || r.len > hi - r.base)
			return FAIL("%s: 0x%" PRIx64 "+0x%" PRIx64 " is not inside sim:%s's RAM window 0x%" PRIx64
				    "-0x%" PRIx64, name, r.base, r.len, sim_platform_name(p->platform), lo, hi - 1);
		out[n++] = r;
		if (!s[len])
			break;
		s += len + 1;
	}
	*nout = n;
	return 0;
}

int sim_params_set(struct sim_params *p, const char *name, const char *value)
{
	return sim_params_set_err(p, name, value, NULL, 0);
}

int sim_params_set_err(struct sim_params *p, const char *name, const char *value, char *err, size_t errlen)
{
	const struct sim_param_desc *d = sim_param_descs;
	const char *plat = sim_platform_name(p->platform);
	uint64_t v;

	while (name && d->name && strcmp(d->name, name))
		d++;
	if (!name || !d->name) {
		if (err)
			snprintf(err, errlen, "sim has no parameter '%s'", name ? name : "");
		return -ENOENT;
	}
	if (!(d->machines & SIM_ON(p->platform))) {
		char on[64];

		fmt_machines(d->machines, on, sizeof(on));
		return FAIL("%s: a parameter of %s, not sim:%s", name, on, plat);
	}
	if (!strcmp(name, "ram")) {
		uint64_t max = sim_ram_max(p->platform);
		char maxs[32];

		fmt_size(max, maxs, sizeof(maxs));
		if (parse_u64(value, &v, true))
			return FAIL("ram: '%s' is not a size (a multiple of 4K, 1M to %s on sim:%s)",
				    value ? value : "", maxs, plat);
		if (v > max)
			return FAIL("ram: %s is more than sim:%s's %s", value, plat, maxs);
		if (v < (1ULL << 20))
			return FAIL("ram: %s is less than 1M", value);
		if (v & (SIM_PAGE_SIZE - 1))
			return FAIL("ram: %s is not a multiple of 4K", value);
		p->ram_size = v;
		return 0;
	}
	if (!strcmp(name, "devs"))
		return parse_range(name, value, 2, 31, &p->ndevs, err, errlen);
	if (!strcmp(name, "evtq"))
		return parse_range(name, value, 0, 19, &p->evtq_log2, err, errlen);
	if (!strcmp(name, "cmdq"))
		return parse_range(name, value, 1, 19, &p->cmdq_log2, err, errlen);
	if (!strcmp(name, "nfr"))
		return parse_range(name, value, 1, 256, &p->nfr, err, errlen);
	if (!strcmp(name, "aw")) {
		uint64_t aw;

		if (parse_u64(value, &aw, false) || (aw != 39 && aw != 48 && aw != 57))
			return FAIL("aw: '%s' is not 39, 48 or 57", value ? value : "");
		p->vtd_aw = (unsigned)aw;
		return 0;
	}
	if (!strcmp(name, "stage2"))
		return set_bool(name, value, &p->stage2, err, errlen);
	if (!strcmp(name, "ttf")) {
		static const char *const names[4] = { NULL, "aa32", "aa64", "both" };

		for (unsigned i = 1; i < 4; i++)
			if (value && !strcmp(value, names[i])) {
				p->ttf = i;
				return 0;
			}
		return FAIL("ttf: '%s' is not aa64, aa32 or both", value ? value : "");
	}
	if (!strcmp(name, "scalable"))
		return set_bool(name, value, &p->scalable, err, errlen);
	if (!strcmp(name, "smrg"))
		return parse_range(name, value, 1, 128, &p->mmu500_smrg, err, errlen);
	if (!strcmp(name, "cbs"))
		return parse_range(name, value, 1, 128, &p->mmu500_cbs, err, errlen);
	if (!strcmp(name, "cells"))
		return parse_range(name, value, 1, 2, &p->mmu500_cells, err, errlen);
	if (!strcmp(name, "pagesize")) {
		if (parse_u64(value, &v, true) || (v != 4096 && v != 65536))
			return FAIL("pagesize: '%s' is not 4K or 64K", value ? value : "");
		p->mmu500_64k = v == 65536;
		return 0;
	}
	if (!strcmp(name, "bridge"))
		return parse_range(name, value, 0, 8, &p->bridge_devs, err, errlen);
	if (!strcmp(name, "switch"))
		return parse_range(name, value, 0, 4, &p->switch_devs, err, errlen);
	if (!strcmp(name, "acs"))
		return set_bool(name, value, &p->switch_acs, err, errlen);
	if (!strcmp(name, "untranslated"))
		return set_bool(name, value, &p->untranslated, err, errlen);
	if (!strcmp(name, "ats"))
		return set_bool(name, value, &p->ats, err, errlen);
	if (!strcmp(name, "rmrr"))
		return parse_resv(p, name, value, p->rmrr, &p->nrmrr, err, errlen);
	if (!strcmp(name, "rmr"))
		return parse_resv(p, name, value, p->rmr, &p->nrmr, err, errlen);
	if (!strcmp(name, "ivmd"))
		return parse_resv(p, name, value, p->ivmd, &p->nivmd, err, errlen);
	return -ENOENT;
}

int sim_params_check(const struct sim_params *p, char *err, size_t errlen)
{
	/* the bridge takes slot 0x1e of bus 0's 32, so test devices at 00:01.0 up fit below it */
	unsigned top = SIM_BRIDGE_DEVFN >> 3;
	if (p->bridge_devs && p->ndevs >= top)
		return FAIL("devs: %u with bridge=%u: bus 0 has 32 slots and the bridge is at 00:%02x.0, "
			    "so devs is at most %u", p->ndevs, p->bridge_devs, top, top - 1);
	/* reserved regions against the RAM the machine gets (the window was checked when set) */
	for (int k = 0; k < 3; k++) {
		static const char *const names[] = { "rmrr", "rmr", "ivmd" };
		const struct sim_resv *r = k == 2 ? p->ivmd : k ? p->rmr : p->rmrr;
		for (unsigned i = 0; i < (k == 2 ? p->nivmd : k ? p->nrmr : p->nrmrr); i++)
			if (r[i].base + r[i].len > p->ram_base + p->ram_size)
				return FAIL("%s: 0x%" PRIx64 "+0x%" PRIx64 " runs past RAM (0x%" PRIx64 "-0x%" PRIx64
					    "): raise ram", names[k], r[i].base, r[i].len, p->ram_base,
					    p->ram_base + p->ram_size - 1);
	}
	return 0;
}
