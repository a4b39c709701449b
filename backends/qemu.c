/* SPDX-License-Identifier: MIT */
/*
 * The qemu backend: QEMU's own SMMUv3 (virt) and VT-d (q35) models, driven
 * over qtest with no guest OS.  By default smmush starts QEMU itself with
 * firmware that only halts, so smmush does what firmware would: it assigns
 * PCI BARs, enables q35's ECAM, and reads the firmware tables QEMU built
 * (the device tree at the start of virt's RAM, q35's ACPI tables through
 * fw_cfg).  With socket=PATH it attaches to a QEMU started elsewhere with
 * `-qtest unix:PATH,server=on`.  Measured facts about QEMU 7.2 drive the
 * choices here; where it departs from the specifications, comments say so.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, mkdtemp, memmem */
#endif
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/qemu-fw.h"
#include "backends/qemu-qtest.h"
#include "lib/backend.h"
#include "lib/smmu.h"

#define QEMU_MAGIC 0x51454d55u /* "QEMU": smmu_qemu_roundtrips() checks it */
#define START_LIMIT_MS 10000   /* QEMU connects in ~50 ms; this is for slow hosts */
#define STOP_LIMIT_MS 1000     /* after SIGTERM, before SIGKILL */
#define MAX_EDU 16

static const struct smmu_backend_param qemu_params[] = {
	{ "binary", "", "QEMU to run (default qemu-system-aarch64 for virt, qemu-system-x86_64 for q35)" },
	{ "args", "", "extra QEMU arguments, separated by spaces" },
	{ "edu", "2", "number of edu DMA test devices (00:01.0, 00:02.0, ...)" },
	{ "ram", "512M", "guest RAM (MiB unless suffixed K, M or G)" },
	{ "tables", "16M", "RAM at the top reserved for smmush's tables (MiB unless suffixed)" },
	{ "socket", "", "attach to a QEMU started with -qtest unix:PATH,server=on instead of starting one" },
	{ "timeout", "2", "seconds QEMU may take to answer one qtest command" },
	{ NULL, NULL, NULL },
};

enum plat { VIRT, Q35 };

/* One ACPI table inside etc/acpi/tables, as the table loader checksums it. */
struct acpi_entry {
	uint32_t start, len, cksum;
};

struct qemu_be {
	uint32_t magic;
	enum plat plat;
	struct qtest q;
	pid_t pid;              /* 0: attached, not ours to stop */
	char dir[96];           /* our temporary directory ("" when attached) */
	char sock[128];         /* socket=PATH, when attached */
	uint64_t ram_base, ram_size; /* the RAM range the table region tops */
	uint64_t tables_size;
	uint64_t ecam;          /* 0: q35 without ECAM, use ports 0xcf8/0xcfc */
	unsigned ecam_buses;
	uint64_t win_base, win_end; /* 32-bit PCI memory window for BARs */
	unsigned nedu, bars_assigned;
	uint64_t start_ns;      /* from fork to QEMU's first answer */
	/* q35: etc/acpi/tables (the part holding tables) and its loader's checksums */
	uint8_t *acpi;
	size_t acpi_len;
	struct acpi_entry *acpi_tab;
	size_t nacpi;
	bool dmar_synth;        /* fw_cfg failed: the DMAR is made up (see fw_table) */
	/* virt: the device tree, read once (QEMU pads it to 1 MiB: 16 commands) */
	void *fdt;
	size_t fdt_len;
	char desc[640];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t rd32le(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64le(const uint8_t *p)
{
	return rd32le(p) | (uint64_t)rd32le(p + 4) << 32;
}

static uint32_t rd32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* "512M", "1G", "16" (MiB, as QEMU's -m reads it) */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	unsigned shift = 20;

	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 'b': case 'B': shift = 0; end++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* --- PCI configuration ------------------------------------------------------ */

static int cfg_read(struct qemu_be *be, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	int rc;

	if (be->ecam) {
		uint64_t v;
		if ((unsigned)(bdf >> 8) >= be->ecam_buses) {
			*val = 0xffffffffu >> (32 - 8 * size);
			return 0;
		}
		rc = qtest_mmio_read(&be->q, be->ecam + ((uint64_t)bdf << 12) + off, size, &v);
		*val = (uint32_t)v;
		return rc;
	}
	if (off >= 256) { /* the port mechanism reaches only the first 256 bytes */
		*val = 0xffffffffu >> (32 - 8 * size);
		return 0;
	}
	if ((rc = qtest_pio_write(&be->q, 0xcf8, 4, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xfc))))
		return rc;
	return qtest_pio_read(&be->q, 0xcfc + (off & 3), size, val);
}

static int cfg_write(struct qemu_be *be, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	int rc;

	if (be->ecam) {
		if ((unsigned)(bdf >> 8) >= be->ecam_buses)
			return 0;
		return qtest_mmio_write(&be->q, be->ecam + ((uint64_t)bdf << 12) + off, size, val);
	}
	if (off >= 256)
		return 0;
	if ((rc = qtest_pio_write(&be->q, 0xcf8, 4, 0x80000000u | (uint32_t)bdf << 8 | (off & 0xfc))))
		return rc;
	return qtest_pio_write(&be->q, 0xcfc + (off & 3), size, val);
}

/* The halting firmware assigns nothing: give every unassigned memory BAR on
 * bus 0 an address in the 32-bit window (after whatever is there already)
 * and turn on memory decoding.  Bus mastering is the library's to enable.
 * Any backend's configuration access will do (the gdb backend uses it). */
int qemu_fw_assign_bars(const struct qemu_fw_pci *pci, uint64_t win_base, uint64_t win_end,
			unsigned *assigned, char *err, size_t errlen)
{
	struct bar_req { uint16_t bdf; uint8_t bar; bool is64; uint64_t size; } todo[64];
	size_t ntodo = 0;
	uint64_t next = win_base;
	uint32_t v, hdr;
	int rc;

	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint16_t bdf = (uint16_t)(dev << 3 | fn);
			if ((rc = pci->read(pci->ctx, bdf, 0, 4, &v)))
				return rc;
			if ((v & 0xffff) == 0xffff || !(v & 0xffff)) {
				if (!fn)
					break;
				continue;
			}
			if ((rc = pci->read(pci->ctx, bdf, 0x0e, 1, &hdr)))
				return rc;
			unsigned nbars = (hdr & 0x7f) == 0 ? 6 : (hdr & 0x7f) == 1 ? 2 : 0;
			for (unsigned b = 0; b < nbars; b++) {
				unsigned off = 0x10 + 4 * b;
				uint32_t lo, hi = 0, mask_lo, mask_hi = 0xffffffff;
				if ((rc = pci->read(pci->ctx, bdf, off, 4, &lo)))
					return rc;
				if (lo & 1) /* I/O space: nothing here uses it */
					continue;
				bool is64 = (lo & 6) == 4 && b + 1 < nbars;
				if (is64 && (rc = pci->read(pci->ctx, bdf, off + 4, 4, &hi)))
					return rc;
				uint64_t addr = ((uint64_t)hi << 32 | lo) & ~0xfull;
				if (addr) { /* firmware (or someone) assigned it: keep clear of it */
					if (addr >= win_base && addr < win_end) {
						/* its size, to step past it; the BAR is restored */
						if ((rc = pci->write(pci->ctx, bdf, off, 4, 0xffffffff)) ||
						    (rc = pci->read(pci->ctx, bdf, off, 4, &mask_lo)) ||
						    (rc = pci->write(pci->ctx, bdf, off, 4, lo)))
							return rc;
						uint64_t sz = (uint64_t)(~(mask_lo & ~0xfu)) + 1;
						if (addr + sz > next)
							next = addr + sz;
					}
					b += is64;
					continue;
				}
				if ((rc = pci->write(pci->ctx, bdf, off, 4, 0xffffffff)) ||
				    (rc = pci->read(pci->ctx, bdf, off, 4, &mask_lo)))
					return rc;
				if (is64 && ((rc = pci->write(pci->ctx, bdf, off + 4, 4, 0xffffffff)) ||
					     (rc = pci->read(pci->ctx, bdf, off + 4, 4, &mask_hi)) ||
					     (rc = pci->write(pci->ctx, bdf, off + 4, 4, 0))))
					return rc;
				if ((rc = pci->write(pci->ctx, bdf, off, 4, 0)))
					return rc;
				uint64_t m = ((uint64_t)(is64 ? mask_hi : 0xffffffff) << 32) | (mask_lo & ~0xfu);
				if (mask_lo & ~0xfu && ntodo < sizeof(todo) / sizeof(todo[0]))
					todo[ntodo++] = (struct bar_req){ bdf, (uint8_t)b, is64, ~m + 1 };
				b += is64;
			}
			if (!fn && !(hdr & 0x80))
				break;
		}
	}
	/* largest first, so alignment wastes nothing */
	for (size_t i = 0; i < ntodo; i++)
		for (size_t j = i + 1; j < ntodo; j++)
			if (todo[j].size > todo[i].size) {
				struct bar_req tmp = todo[i];
				todo[i] = todo[j];
				todo[j] = tmp;
			}
	for (size_t i = 0; i < ntodo; i++) {
		uint64_t sz = todo[i].size, addr = (next + sz - 1) & ~(sz - 1);
		unsigned off = 0x10 + 4 * todo[i].bar;
		uint32_t cmd;
		if (addr + sz > win_end || addr + sz < addr) {
			snprintf(err, errlen, "no room for BAR%u of %02x:%02x.%x (%llu KiB) in the PCI window",
				 todo[i].bar, todo[i].bdf >> 8, todo[i].bdf >> 3 & 31, todo[i].bdf & 7,
				 (unsigned long long)(sz >> 10));
			return -ENOSPC;
		}
		if ((rc = pci->write(pci->ctx, todo[i].bdf, off, 4, (uint32_t)addr)) ||
		    (todo[i].is64 && (rc = pci->write(pci->ctx, todo[i].bdf, off + 4, 4, (uint32_t)(addr >> 32)))) ||
		    (rc = pci->read(pci->ctx, todo[i].bdf, 0x04, 2, &cmd)) ||
		    (rc = pci->write(pci->ctx, todo[i].bdf, 0x04, 2, cmd | 0x2)))
			return rc;
		next = addr + sz;
		++*assigned;
	}
	return 0;
}

/* --- virt: the device tree at the start of RAM -------------------------------- */

static int read_fdt(struct qemu_be *be, void **out, size_t *len)
{
	struct fdt_header h;
	int rc = qtest_mem_read(&be->q, 0x40000000, &h, sizeof(h));

	if (rc)
		return rc;
	uint32_t size = fdt32_to_cpu(h.totalsize);
	if (fdt32_to_cpu(h.magic) != FDT_MAGIC || size < sizeof(h) || size > (16u << 20))
		return -ENOENT; /* some other firmware put something else there */
	void *fdt = malloc(size);
	if (!fdt)
		return -ENOMEM;
	if ((rc = qtest_mem_read(&be->q, 0x40000000, fdt, size))) {
		free(fdt);
		return rc;
	}
	*out = fdt;
	*len = size;
	return 0;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* RAM, ECAM and the 32-bit PCI window, from the device tree; the oracle's
 * numbers where it is silent. */
static int setup_virt(struct qemu_be *be, char *err, size_t errlen)
{
	void *fdt;
	size_t len;
	int rc = read_fdt(be, &fdt, &len), node, plen;
	const fdt32_t *p;

	be->ram_base = 0x40000000;
	be->ecam = 0x4010000000ull;
	be->ecam_buses = 256;
	be->win_base = 0x10000000;
	be->win_end = 0x3eff0000;
	if (rc) {
		snprintf(err, errlen, "qemu: no device tree at the start of RAM (0x40000000)%s%s",
			 rc == -ENOENT ? "" : ": ", rc == -ENOENT ? "" : smmu_strerror(rc));
		return rc == -ENOENT ? -ENODEV : rc;
	}
	if (fdt_check_header(fdt)) {
		free(fdt);
		snprintf(err, errlen, "qemu: the device tree at 0x40000000 is malformed");
		return -EINVAL;
	}
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		ac = sc = 2;
	node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", sizeof("memory"));
	if (node >= 0 && (p = fdt_getprop(fdt, node, "reg", &plen)) && plen >= 4 * (ac + sc)) {
		be->ram_base = cells(p, ac);
		be->ram_size = cells(p + ac, sc);
	}
	node = fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");
	if (node >= 0) {
		if ((p = fdt_getprop(fdt, node, "reg", &plen)) && plen >= 4 * (ac + sc)) {
			be->ecam = cells(p, ac);
			uint64_t sz = cells(p + ac, sc) >> 20;
			be->ecam_buses = sz > 256 ? 256 : (unsigned)sz;
		}
		/* ranges: (3 PCI cells, ac parent cells, 2 size cells) per window */
		p = fdt_getprop(fdt, node, "ranges", &plen);
		int step = 3 + ac + 2;
		for (int i = 0; p && (i + 1) * step * 4 <= plen; i++) {
			const fdt32_t *r = p + i * step;
			if ((fdt32_to_cpu(r[0]) >> 24 & 3) != 2) /* 32-bit memory space */
				continue;
			be->win_base = cells(r + 3, ac);
			be->win_end = be->win_base + cells(r + 3 + ac, 2);
			break;
		}
	}
	be->fdt = fdt;
	be->fdt_len = len;
	return 0;
}

/* --- q35: fw_cfg (ports 0x510, 0x511, DMA at 0x514) ---------------------------- */

/* fw_cfg DMA moves file contents into guest RAM; this low-RAM scratch is
 * saved first and put back afterwards, so even a live guest keeps it. */
#define FWCFG_DESC 0x10000u
#define FWCFG_BUF  0x11000u
#define FWCFG_BUFLEN 0xf000u

static uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* One DMA read of len bytes (<= FWCFG_BUFLEN) of the selected item (sel >= 0
 * selects first, from offset 0) into out. */
static int fwcfg_dma(struct qemu_be *be, int sel, void *out, uint32_t len)
{
	uint8_t d[16];
	uint32_t ctl = (sel >= 0 ? (uint32_t)sel << 16 | 0x08 : 0) | 0x02; /* select, read */
	uint64_t v;
	int rc;

	for (int i = 0; i < 4; i++) {
		d[i] = (uint8_t)(ctl >> (24 - 8 * i));
		d[4 + i] = (uint8_t)(len >> (24 - 8 * i));
	}
	for (int i = 0; i < 8; i++)
		d[8 + i] = (uint8_t)((uint64_t)FWCFG_BUF >> (56 - 8 * i));
	/* the DMA address register is big-endian; writing its low half starts
	 * the transfer, which completes before the write returns */
	if ((rc = qtest_mem_write(&be->q, FWCFG_DESC, d, sizeof(d))) ||
	    (rc = qtest_pio_write(&be->q, 0x514, 4, 0)) ||
	    (rc = qtest_pio_write(&be->q, 0x518, 4, bswap32(FWCFG_DESC))) ||
	    (rc = qtest_mmio_read(&be->q, FWCFG_DESC, 4, &v)))
		return rc;
	if (v) /* the control word reads 0 when done, bit 0 on error */
		return -EIO;
	return qtest_mem_read(&be->q, FWCFG_BUF, out, len);
}

/* A whole fw_cfg item (up to max bytes) into a malloc'd buffer. */
static int fwcfg_read(struct qemu_be *be, int sel, uint32_t len, uint8_t **out)
{
	uint8_t *buf = malloc(len ? len : 1);
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	for (uint32_t off = 0; off < len && !rc; off += FWCFG_BUFLEN) {
		uint32_t n = len - off < FWCFG_BUFLEN ? len - off : FWCFG_BUFLEN;
		rc = fwcfg_dma(be, off ? -1 : sel, buf + off, n);
	}
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	return 0;
}

/* The file directory: selector and size of a named file; -ENOENT if none. */
static int fwcfg_find(const uint8_t *dir, size_t dirlen, const char *name, int *sel, uint32_t *size)
{
	uint32_t n = rd32be(dir);

	for (uint32_t i = 0; i < n && 4 + (i + 1) * 64 <= dirlen; i++) {
		const uint8_t *e = dir + 4 + i * 64;
		if (!strncmp((const char *)e + 8, name, 56)) {
			*size = rd32be(e);
			*sel = e[4] << 8 | e[5];
			return 0;
		}
	}
	return -ENOENT;
}

/* The loader's ADD_CHECKSUM commands on etc/acpi/tables mark where each ACPI
 * table starts and ends: no signature scanning (which finds "HPET" inside
 * the DSDT's AML, for one). */
static int load_acpi(struct qemu_be *be, const uint8_t *dir, size_t dirlen)
{
	int tsel, lsel;
	uint32_t tsize, lsize;
	uint8_t *loader;
	size_t extent = 0;
	int rc;

	if ((rc = fwcfg_find(dir, dirlen, "etc/acpi/tables", &tsel, &tsize)) ||
	    (rc = fwcfg_find(dir, dirlen, "etc/table-loader", &lsel, &lsize)))
		return rc;
	if (lsize > (1u << 20) || (rc = fwcfg_read(be, lsel, lsize, &loader)))
		return rc ? rc : -E2BIG;
	be->acpi_tab = calloc(lsize / 128 + 1, sizeof(*be->acpi_tab));
	if (!be->acpi_tab) {
		free(loader);
		return -ENOMEM;
	}
	for (uint32_t off = 0; off + 128 <= lsize; off += 128) {
		const uint8_t *c = loader + off;
		if (rd32le(c) != 3 || strncmp((const char *)c + 4, "etc/acpi/tables", 56))
			continue; /* 3: ADD_CHECKSUM */
		struct acpi_entry e = { rd32le(c + 64), rd32le(c + 68), rd32le(c + 60) };
		if (e.len < 36 || e.start > tsize || e.len > tsize - e.start ||
		    e.cksum < e.start || e.cksum >= e.start + e.len)
			continue;
		be->acpi_tab[be->nacpi++] = e;
		if (e.start + e.len > extent)
			extent = e.start + e.len;
	}
	free(loader);
	/* only the part holding tables: the file is padded to 128 KiB */
	if ((rc = fwcfg_read(be, tsel, (uint32_t)extent, &be->acpi))) {
		be->nacpi = 0;
		return rc;
	}
	be->acpi_len = extent;
	return 0;
}

static int setup_q35(struct qemu_be *be, char *err, size_t errlen)
{
	uint8_t *save = NULL, *dir = NULL, *e820 = NULL;
	uint32_t id, lo, hi, size;
	int sel, rc;

	be->win_base = 0xc0000000;
	be->win_end = 0xfec00000;
	/* ECAM halves the cost of configuration access (one command, not two):
	 * enable the MCH's PCIEXBAR at 0xb0000000, as SeaBIOS does, unless
	 * firmware already did. */
	if ((rc = cfg_read(be, 0, 0, 4, &id)))
		goto out;
	if (id == 0x29c08086) {
		if ((rc = cfg_read(be, 0, 0x60, 4, &lo)) || (rc = cfg_read(be, 0, 0x64, 4, &hi)))
			goto out;
		if (!(lo & 1)) {
			lo = 0xb0000001; /* 256 buses, enabled */
			hi = 0;
			if ((rc = cfg_write(be, 0, 0x64, 4, hi)) || (rc = cfg_write(be, 0, 0x60, 4, lo)))
				goto out;
		}
		unsigned lenbits = lo >> 1 & 3; /* 0: 256, 1: 128, 2: 64 buses */
		be->ecam_buses = lenbits == 3 ? 256 : 256u >> lenbits;
		be->ecam = ((uint64_t)hi << 32 | lo) & ~((uint64_t)be->ecam_buses * 0x100000 - 1);
	}

	/* fw_cfg through its DMA interface: byte-wide reads would cost one
	 * round trip per byte */
	save = malloc(0x10000);
	if (!save) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = qtest_mem_read(&be->q, FWCFG_DESC, save, 0x10000)))
		goto out;
	rc = fwcfg_read(be, 0x19, 4 + 64 * 128, &dir);
	if (!rc && !fwcfg_find(dir, 4 + 64 * 128, "etc/e820", &sel, &size) && size <= 20 * 128 &&
	    !(rc = fwcfg_read(be, sel, size, &e820))) {
		/* the table region tops the highest RAM entry */
		for (uint32_t o = 0; o + 20 <= size; o += 20)
			if (rd32le(e820 + o + 16) == 1 && rd64le(e820 + o) >= be->ram_base) {
				be->ram_base = rd64le(e820 + o);
				be->ram_size = rd64le(e820 + o + 8);
			}
	}
	if (!rc && dir)
		rc = load_acpi(be, dir, 4 + 64 * 128);
	if (rc == -EIO || rc == -ENOENT) {
		/* no usable fw_cfg: fall back to the DMAR QEMU 7.2 would have
		 * built (see fw_table), rather than refuse the machine */
		be->dmar_synth = true;
		rc = 0;
	}
	int rc2 = qtest_mem_write(&be->q, FWCFG_DESC, save, 0x10000);
	if (!rc)
		rc = rc2;
out:
	if (rc)
		snprintf(err, errlen, "qemu: q35 firmware set-up failed: %s", smmu_strerror(rc));
	free(save);
	free(dir);
	free(e820);
	return rc;
}

/* Applies the loader's checksum to a copy, as firmware would: the table
 * then sums to zero.  Pointers between tables (FADT, RSDT) stay offsets
 * into etc/acpi/tables; the DMAR has none. */
static int acpi_table(struct qemu_be *be, const char *sig, void **data, size_t *len)
{
	for (size_t i = 0; i < be->nacpi; i++) {
		const struct acpi_entry *e = &be->acpi_tab[i];
		const uint8_t *t = be->acpi + e->start;
		if (memcmp(t, sig, 4) || rd32le(t + 4) != e->len)
			continue;
		uint8_t *c = malloc(e->len);
		if (!c)
			return -ENOMEM;
		memcpy(c, t, e->len);
		uint8_t sum = 0;
		for (uint32_t k = 0; k < e->len; k++)
			sum += c[k];
		c[e->cksum - e->start] -= sum;
		*data = c;
		*len = e->len;
		return 0;
	}
	return -ENOENT;
}

/* The documented fallback when fw_cfg is unusable: one DRHD at 0xfed90000
 * with INCLUDE_PCI_ALL, if a VT-d unit answers there. */
static int synth_dmar(struct qemu_be *be, void **data, size_t *len)
{
	uint64_t ver, cap;
	int rc;

	if ((rc = qtest_mmio_read(&be->q, 0xfed90000, 4, &ver)) ||
	    (rc = qtest_mmio_read(&be->q, 0xfed90008, 8, &cap)))
		return rc;
	if (!ver || ver == 0xffffffff)
		return -ENOENT;
	uint8_t *t = calloc(1, 64);
	if (!t)
		return -ENOMEM;
	memcpy(t, "DMAR", 4);
	t[4] = 64;
	t[8] = 1;
	memcpy(t + 10, "SMMUSH", 6);
	memcpy(t + 16, "SYNTHDMR", 8);
	t[36] = (uint8_t)(cap >> 16 & 0x3f); /* host address width - 1 = CAP.MGAW */
	t[48 + 2] = 16;          /* DRHD, 16 bytes, no scopes */
	t[48 + 4] = 1;           /* INCLUDE_PCI_ALL */
	for (int i = 0; i < 8; i++)
		t[48 + 8 + i] = (uint8_t)(0xfed90000ull >> (8 * i));
	uint8_t sum = 0;
	for (int i = 0; i < 64; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
	*data = t;
	*len = 64;
	return 0;
}

/* --- starting and stopping QEMU ------------------------------------------------ */

/* The first line of QEMU's log worth showing: an error before warnings. */
static void log_line(const struct qemu_be *be, char *out, size_t outlen)
{
	char path[160], line[200], first[200] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/qemu.log", be->dir);
	*out = '\0';
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (!*first)
			snprintf(first, sizeof(first), "%s", line);
		if (!strstr(line, "warning:")) {
			snprintf(out, outlen, "%s", line);
			break;
		}
	}
	if (!*out)
		snprintf(out, outlen, "%s", *first ? first : "(QEMU wrote nothing to its log)");
	fclose(f);
}

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, data, len);
	int rc = n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return rc;
}

/* Firmware that halts: QEMU's CPU runs under TCG, and with nothing to run
 * it would execute zeros.  Neither image touches memory. */
static int write_firmware(const struct qemu_be *be, const char *path)
{
	if (be->plat == VIRT) {
		static const uint8_t wfi_loop[8] = { 0x7f, 0x20, 0x03, 0xd5,   /* wfi */
						     0xff, 0xff, 0xff, 0x17 }; /* b . - 4 */
		return write_file(path, wfi_loop, sizeof(wfi_loop));
	}
	uint8_t *img = malloc(0x10000);
	if (!img)
		return -ENOMEM;
	memset(img, 0xff, 0x10000);
	/* The PIT comes out of reset ticking (channel 0, mode 3), and with
	 * -icount sleep=off QEMU would race virtual time from tick to tick on a
	 * whole host CPU: make channel 0 one-shot first (mode 0, count 65536),
	 * then cli; hlt; jmp back to the hlt. */
	static const uint8_t code[] = { 0xb0, 0x30,       /* mov al, 0x30: ch 0, lo/hi, mode 0 */
					0xe6, 0x43,       /* out 0x43, al */
					0x31, 0xc0,       /* xor ax, ax */
					0xe6, 0x40,       /* out 0x40, al: count low */
					0xe6, 0x40,       /* out 0x40, al: count high */
					0xfa, 0xf4,       /* cli; hlt */
					0xeb, 0xfd };     /* jmp back to the hlt */
	memcpy(img + 0xff00, code, sizeof(code));
	/* the reset vector (0xfffffff0, IP 0xfff0): jmp near 0xff00 */
	memcpy(img + 0xfff0, "\xe9\x0d\xff", 3);
	int rc = write_file(path, img, 0x10000);
	free(img);
	return rc;
}

/* PATH lookup here, not in the child: after fork only async-signal-safe
 * calls are allowed. */
static int find_binary(const char *name, char *out, size_t outlen)
{
	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name);
		return access(out, X_OK) ? -errno : 0;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(out, outlen, "%.*s/%s", (int)n, path, name);
		if (n && !access(out, X_OK))
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

static void stop_qemu(struct qemu_be *be)
{
	int status;

	if (be->pid <= 0)
		return;
	/* qtest has no quit command: SIGTERM is QEMU's orderly shutdown */
	kill(be->pid, SIGTERM);
	kill(be->pid, SIGCONT); /* a stopped QEMU acts on SIGTERM only once continued */
	for (uint64_t t0 = mono_ns(); mono_ns() - t0 < STOP_LIMIT_MS * 1000000ull;) {
		pid_t r = waitpid(be->pid, &status, WNOHANG);
		if (r == be->pid || (r < 0 && errno == ECHILD)) {
			be->pid = 0;
			return;
		}
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	}
	kill(be->pid, SIGKILL);
	while (waitpid(be->pid, &status, 0) < 0 && errno == EINTR)
		;
	be->pid = 0;
}

static void remove_dir(struct qemu_be *be)
{
	static const char *const files[] = { "qtest.sock", "qemu.log", "firmware.bin" };
	char path[160];

	if (!*be->dir)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", be->dir, files[i]);
		unlink(path);
	}
	rmdir(be->dir);
	*be->dir = '\0';
}

/* Splits extra arguments at spaces into argv (modifying buf). */
static size_t split_args(char *buf, const char **argv, size_t max)
{
	size_t n = 0;

	for (char *tok = strtok(buf, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	return n;
}

static int start_qemu(struct qemu_be *be, const char *binary, const char *extra, uint64_t ram,
		      char *err, size_t errlen)
{
	char bin[256], fw[160], sockpath[108], logpath[160], sockarg[180], mem[32], extra_buf[1024];
	const char *argv[128];
	size_t argc = 0;
	int lfd = -1, cfd = -1, logfd = -1, pfd[2] = { -1, -1 }, rc;
	const char *tmp = getenv("TMPDIR");

	if ((rc = find_binary(binary, bin, sizeof(bin)))) {
		snprintf(err, errlen, "qemu: cannot run '%s': %s", binary,
			 rc == -ENOENT ? "not found (install QEMU, or say binary=PATH)" : strerror(-rc));
		return -ENOENT;
	}
	/* a Unix socket path has room for 107 bytes: fall back to /tmp */
	if (!tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(be->dir, sizeof(be->dir), "%s/smmush-qemu-XXXXXX", tmp);
	if (!mkdtemp(be->dir)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot create a temporary directory in %s: %s", tmp,
			 strerror(errno));
		*be->dir = '\0';
		return rc;
	}
	snprintf(fw, sizeof(fw), "%s/firmware.bin", be->dir);
	snprintf(sockpath, sizeof(sockpath), "%s/qtest.sock", be->dir);
	snprintf(logpath, sizeof(logpath), "%s/qemu.log", be->dir);
	if ((rc = write_firmware(be, fw))) {
		snprintf(err, errlen, "qemu: cannot write %s: %s", fw, strerror(-rc));
		return rc;
	}

	/* smmush listens; QEMU connects as the client (-qtest unix:PATH) */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot listen on %s: %s", sockpath, strerror(errno));
		goto fail;
	}
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "qemu: cannot create %s: %s", logpath, strerror(errno));
		goto fail;
	}

	snprintf(sockarg, sizeof(sockarg), "unix:%s", sockpath);
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(ram >> 20));
	argv[argc++] = bin;
	if (be->plat == VIRT) {
		argv[argc++] = "-machine";
		argv[argc++] = "virt,iommu=smmuv3";
		argv[argc++] = "-cpu";
		argv[argc++] = "cortex-a57";
	} else {
		argv[argc++] = "-machine";
		argv[argc++] = "q35,kernel-irqchip=split";
	}
	const char *common[] = { "-m", mem, "-nodefaults", "-display", "none", "-serial", "none",
				 "-monitor", "none", "-bios", fw,
				 /* without icount, an edu DMA waits ~100 ms of real time */
				 "-icount", "shift=0,sleep=off", "-qtest", sockarg,
				 /* QEMU 7.2 logs every qtest command to stderr unless told */
				 "-qtest-log", "/dev/null" };
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		argv[argc++] = common[i];
	if (be->plat == Q35) { /* before any PCI device */
		argv[argc++] = "-device";
		argv[argc++] = "intel-iommu,intremap=on";
	}
	for (unsigned i = 0; i < be->nedu; i++) {
		argv[argc++] = "-device";
		argv[argc++] = "edu,dma_mask=0xffffffffffffffff"; /* default: 28 bits */
	}
	snprintf(extra_buf, sizeof(extra_buf), "%s", extra ? extra : "");
	argc += split_args(extra_buf, argv + argc, sizeof(argv) / sizeof(argv[0]) - argc - 1);
	argv[argc] = NULL;

	if (pipe2(pfd, O_CLOEXEC)) {
		rc = -errno;
		snprintf(err, errlen, "qemu: pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t parent = getpid();
	uint64_t t0 = mono_ns();
	be->pid = fork();
	if (be->pid < 0) {
		rc = -errno;
		be->pid = 0;
		snprintf(err, errlen, "qemu: fork: %s", strerror(errno));
		goto fail;
	}
	if (be->pid == 0) {
		/* its own process group: the terminal's Ctrl-C is for smmush,
		 * which must release the unit before QEMU goes; and QEMU dies
		 * with smmush rather than run on, orphaned */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		execv(bin, (char *const *)argv);
		int e = errno;
		ssize_t w = write(pfd[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close(pfd[1]);
	pfd[1] = -1;
	int child_errno = 0;
	ssize_t n;
	while ((n = read(pfd[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
		;
	if (n == sizeof(child_errno)) {
		snprintf(err, errlen, "qemu: cannot run '%s': %s", bin, strerror(child_errno));
		rc = -child_errno;
		goto fail;
	}

	/* wait for QEMU to connect, or to die trying */
	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int status;
		if (poll(&p, 1, 20) > 0 && (cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			break;
		if (waitpid(be->pid, &status, WNOHANG) == be->pid) {
			char line[200];
			be->pid = 0;
			log_line(be, line, sizeof(line));
			snprintf(err, errlen, "qemu: QEMU exited (%s %d) at start: %s",
				 WIFEXITED(status) ? "status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line);
			rc = -SMMU_E_BACKEND;
			goto fail;
		}
		if (mono_ns() - t0 > START_LIMIT_MS * 1000000ull) {
			char line[200];
			log_line(be, line, sizeof(line));
			snprintf(err, errlen, "qemu: QEMU did not connect within %d s: %s",
				 START_LIMIT_MS / 1000, line);
			rc = -SMMU_E_TIMEOUT;
			goto fail;
		}
	}
	close(lfd);
	close(logfd);
	close(pfd[0]);
	unlink(sockpath); /* connected: the name is no longer needed */
	qtest_init(&be->q, cfd, be->q.timeout_ms);
	/* the first answer comes once the machine is built */
	uint64_t v;
	if ((rc = qtest_mmio_read(&be->q, be->plat == VIRT ? 0x40000000 : 0xfed90000, 4, &v))) {
		/* QEMU connects before it builds the machine: a bad -device
		 * makes it exit right after */
		char line[200];
		int status;
		pid_t r = 0;
		for (int i = 0; i < 100 && !(r = waitpid(be->pid, &status, WNOHANG)); i++)
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		log_line(be, line, sizeof(line));
		if (r == be->pid) {
			be->pid = 0;
			snprintf(err, errlen, "qemu: QEMU exited (%s %d) at start: %s",
				 WIFEXITED(status) ? "status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line);
		} else {
			snprintf(err, errlen, "qemu: QEMU connected but did not answer: %s", line);
		}
		return rc;
	}
	be->start_ns = mono_ns() - t0;
	return 0;
fail:
	if (lfd >= 0)
		close(lfd);
	if (logfd >= 0)
		close(logfd);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	return rc;
}

static int attach_qemu(struct qemu_be *be, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "qemu: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(be->sock, sizeof(be->sock), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		snprintf(err, errlen, "qemu: cannot connect to %s: %s (start QEMU with -qtest unix:%s,server=on,wait=off)",
			 path, strerror(e), path);
		if (fd >= 0)
			close(fd);
		return -e;
	}
	uint64_t t0 = mono_ns();
	qtest_init(&be->q, fd, be->q.timeout_ms);
	uint64_t v;
	int rc = qtest_mmio_read(&be->q, 0x0, 4, &v);
	if (rc) {
		snprintf(err, errlen, "qemu: %s does not answer qtest commands: %s", path,
			 be->q.why[0] ? be->q.why : smmu_strerror(rc));
		return rc;
	}
	be->start_ns = mono_ns() - t0;
	return 0;
}

/* --- the ops table ----------------------------------------------------------------- */

static void be_close(void *priv)
{
	struct qemu_be *be = priv;

	qtest_fini(&be->q);
	stop_qemu(be);
	remove_dir(be);
	free(be->acpi);
	free(be->acpi_tab);
	free(be->fdt);
	be->magic = 0;
	free(be);
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val);

static const char *opt(const char *const *opts, size_t nopts, const char *key)
{
	const char *v = NULL;
	size_t k = strlen(key);

	for (size_t i = 0; i < nopts; i++)
		if (!strncmp(opts[i], key, k) && opts[i][k] == '=')
			v = opts[i] + k + 1; /* the last one wins */
	return v;
}

static int be_open(const char *variant, const char *const *opts, size_t nopts, void **priv,
		   char *err, size_t errlen)
{
	struct qemu_be *be;
	const char *binary, *sock, *s;
	uint64_t ram = 512ull << 20, tables = 16ull << 20;
	unsigned long nedu = 2;
	double timeout = 2;
	char *end;
	int rc;

	enum plat plat;
	if (!variant || !strcmp(variant, "virt"))
		plat = VIRT;
	else if (!strcmp(variant, "q35"))
		plat = Q35;
	else {
		snprintf(err, errlen, "qemu has no platform '%s' (virt, q35)", variant);
		return -ENOENT;
	}
	if ((s = opt(opts, nopts, "ram")) && (parse_size(s, &ram) || ram < (64ull << 20) || ram & 0xfffff)) {
		snprintf(err, errlen, "qemu: bad ram '%s' (whole MiB, at least 64M)", s);
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "tables")) &&
	    (parse_size(s, &tables) || tables < 0x10000 || tables & 0xfff)) {
		snprintf(err, errlen, "qemu: bad tables '%s' (at least 64K, whole pages)", s);
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "edu"))) {
		errno = 0;
		nedu = strtoul(s, &end, 0);
		if (errno || end == s || *end || nedu > MAX_EDU) {
			snprintf(err, errlen, "qemu: bad edu '%s' (0 to %d)", s, MAX_EDU);
			return -EINVAL;
		}
	}
	if ((s = opt(opts, nopts, "timeout"))) {
		timeout = strtod(s, &end);
		if (end == s || *end || !(timeout >= 0.01 && timeout <= 600)) {
			snprintf(err, errlen, "qemu: bad timeout '%s' (seconds, 0.01 to 600)", s);
			return -EINVAL;
		}
	}
	binary = opt(opts, nopts, "binary");
	if (!binary || !*binary)
		binary = plat == VIRT ? "qemu-system-aarch64" : "qemu-system-x86_64";
	sock = opt(opts, nopts, "socket");

	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->magic = QEMU_MAGIC;
	be->plat = plat;
	be->q.fd = -1;
	be->q.timeout_ms = (int)(timeout * 1000);
	be->nedu = (unsigned)nedu;
	be->ram_base = plat == VIRT ? 0x40000000 : 0;
	be->ram_size = ram;
	be->tables_size = tables;

	if (sock && *sock)
		rc = attach_qemu(be, sock, err, errlen);
	else
		rc = start_qemu(be, binary, opt(opts, nopts, "args"), ram, err, errlen);
	if (!rc)
		rc = plat == VIRT ? setup_virt(be, err, errlen) : setup_q35(be, err, errlen);
	if (!rc && be->tables_size > be->ram_size / 2) {
		snprintf(err, errlen, "qemu: tables (%llu MiB) is more than half of RAM (%llu MiB)",
			 (unsigned long long)(be->tables_size >> 20),
			 (unsigned long long)(be->ram_size >> 20));
		rc = -EINVAL;
	}
	if (!rc && (rc = qemu_fw_assign_bars(&(struct qemu_fw_pci){ be, be_pci_read, be_pci_write },
					     be->win_base, be->win_end, &be->bars_assigned, err, errlen)) &&
	    !*err)
		snprintf(err, errlen, "qemu: assigning PCI BARs: %s", smmu_strerror(rc));
	if (rc) {
		if (!*err)
			snprintf(err, errlen, "qemu: %s", be->q.why[0] ? be->q.why : smmu_strerror(rc));
		be_close(be);
		return rc;
	}
	*priv = be;
	return 0;
}

#define BE(priv) ((struct qemu_be *)(priv))

static int be_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	return qtest_mem_read(&BE(priv)->q, pa, buf, len);
}

static int be_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	return qtest_mem_write(&BE(priv)->q, pa, buf, len);
}

static int be_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	return qtest_mmio_read(&BE(priv)->q, addr, size, val);
}

static int be_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	return qtest_mmio_write(&BE(priv)->q, addr, size, val);
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	return cfg_read(BE(priv), bdf, off, size, val);
}

static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	return cfg_write(BE(priv), bdf, off, size, val);
}

static int be_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	struct qemu_be *be = priv;

	if (be->q.dead)
		return -SMMU_E_BACKEND;
	if (be->plat == VIRT) {
		if (strcmp(name, "fdt") || !be->fdt)
			return -ENOENT;
		if (!(*data = malloc(be->fdt_len)))
			return -ENOMEM;
		memcpy(*data, be->fdt, be->fdt_len);
		*len = be->fdt_len;
		return 0;
	}
	if (strlen(name) != 4)
		return -ENOENT;
	if (be->dmar_synth)
		return strcmp(name, "DMAR") ? -ENOENT : synth_dmar(be, data, len);
	return acpi_table(be, name, data, len);
}

static int be_table_region(void *priv, uint64_t *base, uint64_t *size)
{
	struct qemu_be *be = priv;

	*base = be->ram_base + be->ram_size - be->tables_size;
	*size = be->tables_size;
	return 0;
}

static uint64_t be_now(void *priv)
{
	(void)priv;
	return mono_ns();
}

/* QEMU runs on its own (icount without sleep): time passes by itself. */
static int be_sleep(void *priv, uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	(void)priv;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}

static const char *be_describe(void *priv)
{
	struct qemu_be *be = priv;
	uint64_t tb, ts;
	char who[160];

	be_table_region(be, &tb, &ts);
	if (be->pid)
		snprintf(who, sizeof(who), "pid %d, started in %llu ms", (int)be->pid,
			 (unsigned long long)(be->start_ns / 1000000));
	else if (*be->sock)
		snprintf(who, sizeof(who), "at %s", be->sock);
	else
		snprintf(who, sizeof(who), "stopped");
	snprintf(be->desc, sizeof(be->desc),
		 "QEMU %s (%s) over qtest, %s%s%s%s, RAM %llu MiB at 0x%llx, tables 0x%llx+%llu MiB, "
		 "%u BARs assigned, %llu qtest round trips%s",
		 be->plat == VIRT ? "virt" : "q35", be->plat == VIRT ? "SMMUv3" : "VT-d", who,
		 be->q.dead ? " (gone: " : "", be->q.dead ? be->q.why : "", be->q.dead ? ")" : "",
		 (unsigned long long)(be->ram_size >> 20), (unsigned long long)be->ram_base, (unsigned long long)tb,
		 (unsigned long long)(ts >> 20), be->bars_assigned, (unsigned long long)be->q.roundtrips,
		 be->dmar_synth ? ", DMAR synthesized (fw_cfg unusable)" : "");
	return be->desc;
}

static uint64_t qemu_roundtrips(void *priv)
{
	struct qemu_be *be = priv;

	return be && be->magic == QEMU_MAGIC ? be->q.roundtrips : 0;
}

/* Attached over socket=: the QEMU outlives us, and the path names it. */
static const char *qemu_identity(void *priv)
{
	struct qemu_be *be = priv;

	return *be->sock ? be->sock : NULL;
}

const struct smmu_backend_ops smmu_backend_qemu = {
	.name = "qemu",
	.help = "QEMU's SMMUv3 (virt) or VT-d (q35) model, started by smmush and driven over qtest",
	.variants = "virt|q35",
	.params = qemu_params,
	.open = be_open,
	.close = be_close,
	.mem_read = be_mem_read,
	.mem_write = be_mem_write,
	.mmio_read = be_mmio_read,
	.mmio_write = be_mmio_write,
	.pci_read = be_pci_read,
	.pci_write = be_pci_write,
	.fw_table = be_fw_table,
	.table_region = be_table_region,
	.now_ns = be_now,
	.sleep_ns = be_sleep,
	.describe = be_describe,
	.roundtrips = qemu_roundtrips,
	.identity = qemu_identity,
};
