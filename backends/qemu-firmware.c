/* SPDX-License-Identifier: MIT */
/*
 * The qemu backend's firmware side.  smmush starts QEMU with firmware that
 * only halts, so it does here what firmware would: it assigns PCI BARs,
 * enables q35's ECAM, and reads the firmware tables QEMU built (the device
 * tree at the start of virt's RAM, q35's ACPI tables through fw_cfg).
 * Measured facts about QEMU 7.2 drive the choices here; where it departs
 * from the specifications, comments say so.  Starting and stopping QEMU is
 * backends/qemu.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/qemu-fw.h"
#include "backends/qemu.h"
#include "lib/smmu.h"

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

/* --- PCI configuration ------------------------------------------------------ */

int qemu_pci_read(struct qemu_be *be, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
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

int qemu_pci_write(struct qemu_be *be, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
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

static int fw_cfg_read(void *ctx, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	return qemu_pci_read(ctx, bdf, off, size, val);
}

static int fw_cfg_write(void *ctx, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	return qemu_pci_write(ctx, bdf, off, size, val);
}

int qemu_assign_bars(struct qemu_be *be, char *err, size_t errlen)
{
	const struct qemu_fw_pci pci = { be, fw_cfg_read, fw_cfg_write };

	return qemu_fw_assign_bars(&pci, be->win_base, be->win_end, &be->bars_assigned, err, errlen);
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
int qemu_setup_virt(struct qemu_be *be, char *err, size_t errlen)
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

int qemu_setup_q35(struct qemu_be *be, char *err, size_t errlen)
{
	uint8_t *save = NULL, *dir = NULL, *e820 = NULL;
	uint32_t id, lo, hi, size;
	int sel, rc;

	be->win_base = 0xc0000000;
	be->win_end = 0xfec00000;
	/* ECAM halves the cost of configuration access (one command, not two):
	 * enable the MCH's PCIEXBAR at 0xb0000000, as SeaBIOS does, unless
	 * firmware already did. */
	if ((rc = qemu_pci_read(be, 0, 0, 4, &id)))
		goto out;
	if (id == 0x29c08086) {
		if ((rc = qemu_pci_read(be, 0, 0x60, 4, &lo)) || (rc = qemu_pci_read(be, 0, 0x64, 4, &hi)))
			goto out;
		if (!(lo & 1)) {
			lo = 0xb0000001; /* 256 buses, enabled */
			hi = 0;
			if ((rc = qemu_pci_write(be, 0, 0x64, 4, hi)) || (rc = qemu_pci_write(be, 0, 0x60, 4, lo)))
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
		for (uint32_t o = 0; o + 20 <= size; o += 20) {
			if (rd32le(e820 + o + 16) != 1)
				continue;
			if (be->nram < sizeof(be->ram) / sizeof(be->ram[0])) {
				be->ram[be->nram][0] = rd64le(e820 + o);
				be->ram[be->nram++][1] = rd64le(e820 + o + 8);
			}
			if (rd64le(e820 + o) >= be->ram_base) {
				be->ram_base = rd64le(e820 + o);
				be->ram_size = rd64le(e820 + o + 8);
			}
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
int qemu_acpi_table(struct qemu_be *be, const char *sig, void **data, size_t *len)
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
int qemu_synth_dmar(struct qemu_be *be, void **data, size_t *len)
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

/* --- the firmware image ---------------------------------------------------------- */

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
int qemu_write_firmware(const struct qemu_be *be, const char *path)
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
