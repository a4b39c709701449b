/* SPDX-License-Identifier: MIT */
/*
 * The gdb backend: a machine halted in a debugger, reached through a GDB
 * remote server (OpenOCD, SEGGER J-Link GDB Server, QEMU's gdbstub) with
 * `--target gdb:HOST:PORT` or `gdb:unix:PATH`.
 *
 * Everything goes through memory packets: RAM and tables in whole pages per
 * call (as many packets as the server's PacketSize needs), MMIO as aligned
 * 4- and 8-byte accesses, PCI configuration through the ECAM window.  The
 * addresses must be physical: QEMU's gdbstub is switched to physical memory
 * (Qqemu.PhyMemMode:1); for other servers the user says so (physical=yes:
 * an OpenOCD mem_ap target, a CPU with its MMU off).
 *
 * A halted QEMU does not advance its devices, so while the library waits
 * for a DMA (sleep_ns) the machine is resumed for that interval and halted
 * again; run=free leaves the machine alone, for servers that read while it
 * runs.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/gdb-rsp.h"
#include "backends/qemu-fw.h"
#include "lib/backend.h"
#include "lib/smmu.h"

#define GDB_MAGIC 0x47444221u
#define MAX_TABLE (1u << 20)  /* the largest firmware table read from target memory */
#define MAX_ACPI 32

static const struct smmu_backend_param gdb_params[] = {
	{ "timeout", "2", "seconds the server may take to answer one request" },
	{ "physical", "auto",
	  "auto: switch QEMU's gdbstub to physical memory (Qqemu.PhyMemMode:1); yes: the server's "
	  "addresses are physical already (OpenOCD mem_ap target, a CPU with its MMU off)" },
	{ "fdt", "", "the device tree: FILE, or ADDR of the blob in target memory (QEMU virt: 0x40000000)" },
	{ "acpi", "",
	  "ACPI tables: FILE[,FILE...], ADDR of the RSDP in target memory, or 'scan' (the x86 BIOS "
	  "area); on QEMU's gdbstub both are looked for when neither is given" },
	{ "ecam", "", "PCI ECAM window ADDR[,BUSES] (default: from MCFG or the device tree)" },
	{ "tables", "",
	  "ADDR,SIZE of RAM smmush may use for its own tables (default: the top 16 MiB of the device "
	  "tree's memory)" },
	{ "ram", "",
	  "ADDR,SIZE of the machine's RAM, which audit tells from MMIO (default: the device tree's "
	  "memory; nothing on x86, whose firmware keeps its memory map in its own memory)" },
	{ "assign-bars", "no",
	  "yes: give unassigned memory BARs on bus 0 addresses in the device tree's PCI window "
	  "(firmware that assigned nothing); BASE,SIZE: in that window" },
	{ "run", "halt",
	  "halt: the machine stays halted and runs only while smmush waits on it (DMA); free: never "
	  "resume or interrupt it (a server that reads while it runs, e.g. an OpenOCD mem_ap target)" },
	{ "slice", "100", "microseconds the machine runs, at least, each time smmush waits on it" },
	{ NULL, NULL, NULL },
};

struct acpi_tab {
	char sig[5];
	uint64_t addr;     /* in target memory, or 0 when from a file */
	uint32_t len;
	void *data;        /* read on first use (or the file's contents) */
};

struct gdb_be {
	uint32_t magic;
	struct rsp r;
	char where[128];
	bool physical_qemu;      /* PhyMemMode on; else the user said physical=yes */
	bool run_free;
	uint64_t slice_ns;
	uint64_t resumes;        /* times the machine was let run */
	uint64_t epoch_ns;       /* when the target opened: fault times count from it */
	uint64_t ecam;           /* 0: no configuration access */
	unsigned ecam_buses;
	const char *ecam_from;
	void *fdt;               /* the device tree, when there is one */
	size_t fdt_len;
	char fdt_from[96];
	struct acpi_tab acpi[MAX_ACPI];
	size_t nacpi;
	char acpi_from[96];
	uint64_t tbase, tsize;   /* table region, 0 size: none */
	uint64_t ram_base, ram_size; /* -O ram, 0 size: not given */
	const char *tables_from;
	unsigned bars_assigned;
	char desc[1280];
};

static uint32_t rd32le(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64le(const uint8_t *p)
{
	return rd32le(p) | (uint64_t)rd32le(p + 4) << 32;
}

static const char *opt(const char *const *opts, size_t nopts, const char *key)
{
	const char *v = NULL;
	size_t k = strlen(key);

	for (size_t i = 0; i < nopts; i++)
		if (!strncmp(opts[i], key, k) && opts[i][k] == '=')
			v = opts[i] + k + 1; /* the last one wins */
	return v;
}

/* "0x1000", "4096", "16M": a number with an optional K/M/G suffix */
static int parse_num(const char *s, const char **end, uint64_t *out)
{
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 0);

	if (errno || e == s || *s == '-')
		return -EINVAL;
	unsigned shift = *e == 'K' || *e == 'k' ? 10 : *e == 'M' || *e == 'm' ? 20 : *e == 'G' || *e == 'g' ? 30 : 0;
	if (shift) {
		e++;
		if (v > (UINT64_MAX >> shift))
			return -EINVAL;
	}
	*out = (uint64_t)v << shift;
	*end = e;
	return 0;
}

/* "ADDR,SIZE" */
static int parse_pair(const char *s, uint64_t *a, uint64_t *b, bool second_optional)
{
	const char *e;

	if (parse_num(s, &e, a))
		return -EINVAL;
	if (!*e && second_optional)
		return 0;
	if (*e != ',' || parse_num(e + 1, &e, b) || *e)
		return -EINVAL;
	return 0;
}

static bool is_addr(const char *s)
{
	const char *e;
	uint64_t v;

	return !parse_num(s, &e, &v) && !*e;
}

static int read_file(const char *path, void **data, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				fclose(f);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 65536;
			uint8_t *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = p;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (!k)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return -EIO;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* --- the device tree -------------------------------------------------------------------- */

static int fdt_from_memory(struct gdb_be *be, uint64_t addr, bool quiet, char *err, size_t errlen)
{
	struct fdt_header h;
	int rc = rsp_mem_read(&be->r, addr, &h, sizeof(h));

	if (rc) {
		snprintf(err, errlen, "gdb: reading the device tree at 0x%llx: %s", (unsigned long long)addr,
			 be->r.why[0] ? be->r.why : smmu_strerror(rc));
		return rc;
	}
	uint32_t size = fdt32_to_cpu(h.totalsize);
	if (fdt32_to_cpu(h.magic) != FDT_MAGIC || size < sizeof(h) || size > (16u << 20)) {
		if (!quiet)
			snprintf(err, errlen, "gdb: no device tree at 0x%llx (magic 0x%08x)", (unsigned long long)addr,
				 fdt32_to_cpu(h.magic));
		return -ENOENT;
	}
	/* only what the header says is used: QEMU pads the blob to 1 MiB */
	uint32_t used = fdt32_to_cpu(h.off_mem_rsvmap) + 16;
	uint32_t ends[] = { fdt32_to_cpu(h.off_dt_struct) + fdt32_to_cpu(h.size_dt_struct),
			    fdt32_to_cpu(h.off_dt_strings) + fdt32_to_cpu(h.size_dt_strings) };
	for (size_t i = 0; i < 2; i++)
		if (ends[i] > used)
			used = ends[i];
	if (used > size || fdt32_to_cpu(h.version) < 17)
		used = size;
	void *fdt = calloc(1, size);
	if (!fdt)
		return -ENOMEM;
	if ((rc = rsp_mem_read(&be->r, addr, fdt, used))) {
		free(fdt);
		snprintf(err, errlen, "gdb: reading the device tree at 0x%llx: %s", (unsigned long long)addr,
			 be->r.why[0] ? be->r.why : smmu_strerror(rc));
		return rc;
	}
	be->fdt = fdt;
	be->fdt_len = size;
	snprintf(be->fdt_from, sizeof(be->fdt_from), "at 0x%llx in target memory", (unsigned long long)addr);
	return 0;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static void parent_cells(const void *fdt, int node, int *ac, int *sc)
{
	int parent = fdt_parent_offset(fdt, node);

	*ac = fdt_address_cells(fdt, parent >= 0 ? parent : 0);
	*sc = fdt_size_cells(fdt, parent >= 0 ? parent : 0);
	if (*ac < 1 || *ac > 2)
		*ac = 2;
	if (*sc < 0 || *sc > 2)
		*sc = 2;
}

/* ECAM of the generic PCIe host bridge */
static void fdt_ecam(struct gdb_be *be)
{
	int node = fdt_node_offset_by_compatible(be->fdt, -1, "pci-host-ecam-generic"), ac, sc, len;
	const fdt32_t *p;

	if (node < 0 || !(p = fdt_getprop(be->fdt, node, "reg", &len)))
		return;
	parent_cells(be->fdt, node, &ac, &sc);
	if (len < 4 * (ac + sc))
		return;
	uint64_t base = cells(p, ac), size = cells(p + ac, sc);
	unsigned first = 0;
	const fdt32_t *br = fdt_getprop(be->fdt, node, "bus-range", &len);
	if (br && len >= 8)
		first = fdt32_to_cpu(br[0]) & 0xff;
	be->ecam = base - ((uint64_t)first << 20);
	be->ecam_buses = first + (unsigned)((size >> 20) > 256 ? 256 : size >> 20);
	if (be->ecam_buses > 256)
		be->ecam_buses = 256;
	be->ecam_from = "the device tree";
}

/* the 32-bit memory window of the PCIe host bridge's ranges */
static int fdt_pci_window(struct gdb_be *be, uint64_t *base, uint64_t *end)
{
	int node, ac, sc, len;
	const fdt32_t *p;

	if (!be->fdt)
		return -ENOENT;
	node = fdt_node_offset_by_compatible(be->fdt, -1, "pci-host-ecam-generic");
	if (node < 0 || !(p = fdt_getprop(be->fdt, node, "ranges", &len)))
		return -ENOENT;
	parent_cells(be->fdt, node, &ac, &sc);
	int step = 3 + ac + 2;
	for (int i = 0; (i + 1) * step * 4 <= len; i++) {
		const fdt32_t *r = p + i * step;
		if ((fdt32_to_cpu(r[0]) >> 24 & 3) != 2) /* 32-bit memory space */
			continue;
		*base = cells(r + 3, ac);
		*end = *base + cells(r + 3 + ac, 2);
		return 0;
	}
	return -ENOENT;
}

/* the top 16 MiB of the first memory node, as the qemu backend takes */
static void fdt_tables(struct gdb_be *be)
{
	int node = fdt_node_offset_by_prop_value(be->fdt, -1, "device_type", "memory", sizeof("memory"));
	int ac, sc, len;
	const fdt32_t *p;

	if (node < 0 || !(p = fdt_getprop(be->fdt, node, "reg", &len)))
		return;
	parent_cells(be->fdt, node, &ac, &sc);
	if (len < 4 * (ac + sc))
		return;
	uint64_t base = cells(p, ac), size = cells(p + ac, sc);
	if (size < (64ull << 20))
		return;
	be->tsize = 16ull << 20;
	be->tbase = base + size - be->tsize;
	be->tables_from = "the top of the device tree's memory";
}

/* --- ACPI ---------------------------------------------------------------------------------- */

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static int acpi_add(struct gdb_be *be, const char *sig, uint64_t addr, uint32_t len, void *data)
{
	if (be->nacpi == MAX_ACPI)
		return -ENOSPC;
	struct acpi_tab *t = &be->acpi[be->nacpi++];
	memcpy(t->sig, sig, 4);
	t->sig[4] = '\0';
	t->addr = addr;
	t->len = len;
	t->data = data;
	return 0;
}

static int acpi_files(struct gdb_be *be, const char *list, char *err, size_t errlen)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		void *data;
		size_t len;
		int rc = read_file(f, &data, &len, 16u << 20);
		if (rc) {
			snprintf(err, errlen, "gdb: acpi: cannot read %s: %s", f, strerror(-rc));
			return rc;
		}
		if (len < 36 || rd32le((uint8_t *)data + 4) != len) {
			free(data);
			snprintf(err, errlen, "gdb: acpi: %s is not one ACPI table (header length %s)", f,
				 len < 36 ? "missing" : "differs from the file's size");
			return -SMMU_E_PARSE;
		}
		char sig[5];
		memcpy(sig, data, 4);
		if ((rc = acpi_add(be, sig, 0, (uint32_t)len, data))) {
			free(data);
			snprintf(err, errlen, "gdb: acpi: more than %d tables", MAX_ACPI);
			return rc;
		}
	}
	snprintf(be->acpi_from, sizeof(be->acpi_from), "from %zu file%s", be->nacpi, be->nacpi == 1 ? "" : "s");
	return 0;
}

/* The RSDP in the x86 BIOS area, 16-byte aligned: 0 if none. */
static int rsdp_scan(struct gdb_be *be, uint64_t *addr)
{
	uint8_t *area = malloc(0x20000);
	int rc;

	if (!area)
		return -ENOMEM;
	*addr = 0;
	if ((rc = rsp_mem_read(&be->r, 0xe0000, area, 0x20000))) {
		free(area);
		return rc;
	}
	for (size_t o = 0; o + 20 <= 0x20000; o += 16)
		if (!memcmp(area + o, "RSD PTR ", 8) && !sum8(area + o, 20)) {
			*addr = 0xe0000 + o;
			break;
		}
	free(area);
	return 0;
}

/* RSDP -> RSDT/XSDT -> each table's header, read into an index; the tables
 * themselves are read when asked for. */
static int acpi_memory(struct gdb_be *be, uint64_t rsdp_addr, char *err, size_t errlen)
{
	uint8_t rsdp[36], hdr[36];
	int rc;

	if ((rc = rsp_mem_read(&be->r, rsdp_addr, rsdp, sizeof(rsdp))))
		goto io;
	if (memcmp(rsdp, "RSD PTR ", 8) || sum8(rsdp, 20)) {
		snprintf(err, errlen, "gdb: acpi: no RSDP at 0x%llx", (unsigned long long)rsdp_addr);
		return -ENOENT;
	}
	bool xsdt = rsdp[15] >= 2 && rd64le(rsdp + 24);
	uint64_t root = xsdt ? rd64le(rsdp + 24) : rd32le(rsdp + 16);
	if ((rc = rsp_mem_read(&be->r, root, hdr, sizeof(hdr))))
		goto io;
	uint32_t len = rd32le(hdr + 4);
	if (memcmp(hdr, xsdt ? "XSDT" : "RSDT", 4) || len < 36 || len > 36 + 8 * MAX_ACPI) {
		snprintf(err, errlen, "gdb: acpi: no %s at 0x%llx", xsdt ? "XSDT" : "RSDT", (unsigned long long)root);
		return -SMMU_E_PARSE;
	}
	uint8_t *ents = malloc(len);
	if (!ents)
		return -ENOMEM;
	if ((rc = rsp_mem_read(&be->r, root, ents, len))) {
		free(ents);
		goto io;
	}
	unsigned esz = xsdt ? 8 : 4;
	for (uint32_t o = 36; o + esz <= len; o += esz) {
		uint64_t a = xsdt ? rd64le(ents + o) : rd32le(ents + o);
		if ((rc = rsp_mem_read(&be->r, a, hdr, sizeof(hdr)))) {
			free(ents);
			goto io;
		}
		char sig[5] = { (char)hdr[0], (char)hdr[1], (char)hdr[2], (char)hdr[3], 0 };
		uint32_t tl = rd32le(hdr + 4);
		if (tl >= 36 && tl <= MAX_TABLE && acpi_add(be, sig, a, tl, NULL))
			break;
	}
	free(ents);
	snprintf(be->acpi_from, sizeof(be->acpi_from), "RSDP at 0x%llx, %zu tables",
		 (unsigned long long)rsdp_addr, be->nacpi);
	return 0;
io:
	snprintf(err, errlen, "gdb: acpi: reading target memory: %s", be->r.why[0] ? be->r.why : smmu_strerror(rc));
	return rc;
}

static int acpi_get(struct gdb_be *be, const char *sig, const uint8_t **data, size_t *len)
{
	for (size_t i = 0; i < be->nacpi; i++) {
		struct acpi_tab *t = &be->acpi[i];
		if (memcmp(t->sig, sig, 4))
			continue;
		if (!t->data) {
			void *d = malloc(t->len);
			int rc;
			if (!d)
				return -ENOMEM;
			if ((rc = rsp_mem_read(&be->r, t->addr, d, t->len))) {
				free(d);
				return rc;
			}
			t->data = d;
		}
		*data = t->data;
		*len = t->len;
		return 0;
	}
	return -ENOENT;
}

static void mcfg_ecam(struct gdb_be *be)
{
	const uint8_t *m;
	size_t len;

	if (acpi_get(be, "MCFG", &m, &len))
		return;
	for (size_t o = 44; o + 16 <= len; o += 16) {
		if (m[o + 8] | m[o + 9]) /* segment 0 only */
			continue;
		be->ecam = rd64le(m + o); /* the address of bus 0 */
		be->ecam_buses = (unsigned)m[o + 11] + 1;
		be->ecam_from = "MCFG";
		return;
	}
}

/* --- PCI configuration through ECAM ---------------------------------------------------- */

static int mem_le(struct gdb_be *be, uint64_t addr, unsigned size, uint64_t *val)
{
	uint8_t b[8];
	int rc = rsp_mem_read(&be->r, addr, b, size);

	if (rc)
		return rc;
	*val = 0;
	for (unsigned i = 0; i < size; i++)
		*val |= (uint64_t)b[i] << (8 * i);
	return 0;
}

static int put_le(struct gdb_be *be, uint64_t addr, unsigned size, uint64_t val)
{
	uint8_t b[8];

	for (unsigned i = 0; i < size; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	return rsp_mem_write(&be->r, addr, b, size);
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	struct gdb_be *be = priv;
	uint64_t v;
	int rc;

	if (!be->ecam || (unsigned)(bdf >> 8) >= be->ecam_buses) {
		if (be->r.dead)
			return -SMMU_E_BACKEND;
		*val = 0xffffffffu >> (32 - 8 * size);
		return 0;
	}
	if ((rc = mem_le(be, be->ecam + ((uint64_t)bdf << 12) + off, size, &v)))
		return rc;
	*val = (uint32_t)v;
	return 0;
}

static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	struct gdb_be *be = priv;

	if (!be->ecam || (unsigned)(bdf >> 8) >= be->ecam_buses)
		return be->r.dead ? -SMMU_E_BACKEND : 0;
	return put_le(be, be->ecam + ((uint64_t)bdf << 12) + off, size, val);
}

/* --- open and close -------------------------------------------------------------------------- */

static void be_close(void *priv)
{
	struct gdb_be *be = priv;

	if (!be)
		return;
	if (!be->r.dead && be->physical_qemu) /* as we found it: gdb expects virtual addresses */
		rsp_request(&be->r, NULL, NULL, "Qqemu.PhyMemMode:0");
	rsp_detach(&be->r);
	rsp_fini(&be->r);
	free(be->fdt);
	for (size_t i = 0; i < be->nacpi; i++)
		free(be->acpi[i].data);
	be->magic = 0;
	free(be);
}

#define FAIL(code, ...)                                   \
	do {                                              \
		snprintf(err, errlen, __VA_ARGS__);       \
		rc = (code);                              \
		goto fail;                                \
	} while (0)

static const char *why(struct gdb_be *be, int rc)
{
	return be->r.why[0] ? be->r.why : smmu_strerror(rc);
}

static int be_open(const char *variant, const char *const *opts, size_t nopts, void **priv,
		   char *err, size_t errlen)
{
	const char *s, *fdt = opt(opts, nopts, "fdt"), *acpi = opt(opts, nopts, "acpi");
	double timeout = 2, slice_us = 100;
	char *end;
	int rc;

	if (!variant || !*variant) {
		snprintf(err, errlen, "gdb: say where the server is: gdb:HOST:PORT or gdb:unix:PATH");
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "timeout"))) {
		timeout = strtod(s, &end);
		if (end == s || *end || !(timeout >= 0.01 && timeout <= 600)) {
			snprintf(err, errlen, "gdb: bad timeout '%s' (seconds, 0.01 to 600)", s);
			return -EINVAL;
		}
	}
	if ((s = opt(opts, nopts, "slice"))) {
		slice_us = strtod(s, &end);
		if (end == s || *end || !(slice_us >= 0 && slice_us <= 1e6)) {
			snprintf(err, errlen, "gdb: bad slice '%s' (microseconds, 0 to 1000000)", s);
			return -EINVAL;
		}
	}
	const char *phys = opt(opts, nopts, "physical"), *run = opt(opts, nopts, "run"),
		   *bars = opt(opts, nopts, "assign-bars");
	if (phys && strcmp(phys, "auto") && strcmp(phys, "yes")) {
		snprintf(err, errlen, "gdb: physical is auto or yes, not '%s'", phys);
		return -EINVAL;
	}
	if (run && strcmp(run, "halt") && strcmp(run, "free")) {
		snprintf(err, errlen, "gdb: run is halt or free, not '%s'", run);
		return -EINVAL;
	}
	uint64_t win_base = 0, win_size = 0, tb = 0, ts = 0, ecam = 0, buses = 256;
	bool assign = bars && strcmp(bars, "no");
	if (assign && strcmp(bars, "yes") && (parse_pair(bars, &win_base, &win_size, false) || !win_size)) {
		snprintf(err, errlen, "gdb: assign-bars is no, yes or BASE,SIZE, not '%s'", bars);
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "tables")) && *s &&
	    (parse_pair(s, &tb, &ts, false) || ts < 0x10000 || (tb | ts) & 0xfff)) {
		snprintf(err, errlen, "gdb: bad tables '%s' (ADDR,SIZE: whole pages, at least 64K)", s);
		return -EINVAL;
	}
	uint64_t rb = 0, rs = 0;
	if ((s = opt(opts, nopts, "ram")) && *s && (parse_pair(s, &rb, &rs, false) || !rs || rb + (rs - 1) < rb)) {
		snprintf(err, errlen, "gdb: bad ram '%s' (ADDR,SIZE)", s);
		return -EINVAL;
	}
	if ((s = opt(opts, nopts, "ecam")) && *s &&
	    (parse_pair(s, &ecam, &buses, true) || !buses || buses > 256 || ecam & 0xfffff)) {
		snprintf(err, errlen, "gdb: bad ecam '%s' (ADDR[,BUSES]: 1 MiB aligned, 1 to 256 buses)", s);
		return -EINVAL;
	}

	struct gdb_be *be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->magic = GDB_MAGIC;
	be->ram_base = rb;
	be->ram_size = rs;
	be->r.fd = -1;
	be->epoch_ns = smmu_mono_ns();
	be->run_free = run && !strcmp(run, "free");
	be->slice_ns = (uint64_t)(slice_us * 1000);
	snprintf(be->where, sizeof(be->where), "%s", variant);
	if ((rc = rsp_connect(&be->r, variant, (int)(timeout * 1000), err, errlen)))
		goto fail;
	if ((rc = rsp_handshake(&be->r)))
		FAIL(rc, "gdb: %s: %s", variant, why(be, rc));

	/* physical addresses */
	if (!phys || !strcmp(phys, "auto")) {
		rc = rsp_request(&be->r, NULL, NULL, "Qqemu.PhyMemMode:1");
		if (rc == -ENOTSUP)
			FAIL(-EINVAL, "gdb: %s is not QEMU's gdbstub, so its addresses may be virtual: if they are "
			     "physical (an OpenOCD mem_ap target, a CPU with its MMU off), say -O physical=yes", variant);
		if (rc == -EIO)
			FAIL(-EIO, "gdb: QEMU's gdbstub refused physical memory mode (Qqemu.PhyMemMode:1: %s); "
			     "say -O physical=yes if its addresses are physical anyway", be->r.why);
		if (rc)
			FAIL(rc, "gdb: %s: %s", variant, why(be, rc));
		be->physical_qemu = be->r.qemu = true;
	}

	/* firmware tables */
	if (fdt && *fdt) {
		if (is_addr(fdt)) {
			uint64_t a;
			const char *e;
			parse_num(fdt, &e, &a);
			if ((rc = fdt_from_memory(be, a, false, err, errlen)))
				goto fail;
		} else {
			if ((rc = read_file(fdt, &be->fdt, &be->fdt_len, 16u << 20)))
				FAIL(rc, "gdb: fdt: cannot read %s: %s", fdt, strerror(-rc));
			snprintf(be->fdt_from, sizeof(be->fdt_from), "from %s", fdt);
		}
		if (fdt_check_header(be->fdt) || fdt_totalsize(be->fdt) > be->fdt_len)
			FAIL(-SMMU_E_PARSE, "gdb: the device tree %s is malformed", be->fdt_from);
	}
	if (acpi && *acpi) {
		uint64_t a = 0;
		if (!strcmp(acpi, "scan")) {
			if ((rc = rsdp_scan(be, &a)))
				FAIL(rc, "gdb: acpi: scanning 0xe0000-0xfffff: %s", why(be, rc));
			if (!a)
				FAIL(-ENOENT, "gdb: acpi: no RSDP in 0xe0000-0xfffff (say acpi=ADDR or acpi=FILE,...)");
			rc = acpi_memory(be, a, err, errlen);
		} else if (is_addr(acpi)) {
			const char *e;
			parse_num(acpi, &e, &a);
			rc = acpi_memory(be, a, err, errlen);
		} else {
			rc = acpi_files(be, acpi, err, errlen);
		}
		if (rc)
			goto fail;
	}
	if ((!fdt || !*fdt) && (!acpi || !*acpi) && be->physical_qemu) {
		/* QEMU's gdbstub: probing is harmless (unassigned memory reads
		 * zeros).  virt keeps the device tree at the start of RAM for
		 * firmware; PC firmware leaves an RSDP in the BIOS area. */
		uint64_t a;
		if ((rc = fdt_from_memory(be, 0x40000000, true, err, errlen)) && rc != -ENOENT)
			goto fail;
		if (rc && (rc = rsdp_scan(be, &a)))
			FAIL(rc, "gdb: scanning for the RSDP: %s", why(be, rc));
		if (!be->fdt && a && (rc = acpi_memory(be, a, err, errlen)))
			goto fail;
		*err = '\0';
	}

	/* PCI configuration */
	if (ecam) {
		be->ecam = ecam;
		be->ecam_buses = (unsigned)buses;
		be->ecam_from = "-O ecam";
	} else {
		mcfg_ecam(be);
		if (!be->ecam && be->fdt)
			fdt_ecam(be);
	}
	if (be->r.dead)
		FAIL(-SMMU_E_BACKEND, "gdb: %s: %s", variant, be->r.why);

	/* the table region */
	if (ts) {
		be->tbase = tb;
		be->tsize = ts;
		be->tables_from = "-O tables";
	} else if (be->fdt) {
		fdt_tables(be);
	}

	if (assign) {
		uint64_t wb = win_base, we = win_base + win_size;
		if (!win_size && fdt_pci_window(be, &wb, &we))
			FAIL(-ENOENT, "gdb: assign-bars=yes needs the device tree's PCI window: say assign-bars=BASE,SIZE");
		if (!be->ecam)
			FAIL(-ENOENT, "gdb: assign-bars needs PCI configuration access: no ECAM (say -O ecam=ADDR)");
		if ((rc = qemu_fw_assign_bars(&(struct qemu_fw_pci){ be, be_pci_read, be_pci_write }, wb, we,
					      &be->bars_assigned, err, errlen))) {
			if (*err) {
				char tmp[256];
				snprintf(tmp, sizeof(tmp), "gdb: %s", err);
				snprintf(err, errlen, "%s", tmp);
			} else {
				snprintf(err, errlen, "gdb: assigning PCI BARs: %s", why(be, rc));
			}
			goto fail;
		}
	}
	*priv = be;
	return 0;
fail:
	if (!*err)
		snprintf(err, errlen, "gdb: %s", why(be, rc));
	be_close(be);
	return rc;
}

/* --- the ops ------------------------------------------------------------------------------------ */

#define BE(priv) ((struct gdb_be *)(priv))

static int be_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	return rsp_mem_read(&BE(priv)->r, pa, buf, len);
}

static int be_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	return rsp_mem_write(&BE(priv)->r, pa, buf, len);
}

/* One aligned access of the register's size: a memory packet for exactly
 * its bytes, which QEMU (and a mem_ap) turn into one bus access. */
static int be_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	if (addr % size)
		return -EINVAL;
	return mem_le(BE(priv), addr, size, val);
}

static int be_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	if (addr % size)
		return -EINVAL;
	return put_le(BE(priv), addr, size, val);
}

/* A block of registers: one memory packet (QEMU splits it into accesses
 * of the region's size) */
static int be_mmio_read_block(void *priv, uint64_t addr, void *buf, size_t len)
{
	return rsp_mem_read(&BE(priv)->r, addr, buf, len);
}

static int be_mmio_write_block(void *priv, uint64_t addr, const void *buf, size_t len)
{
	return rsp_mem_write(&BE(priv)->r, addr, buf, len);
}

static int be_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	struct gdb_be *be = priv;
	const uint8_t *src;
	size_t n;
	int rc;

	if (be->r.dead)
		return -SMMU_E_BACKEND;
	if (!strcmp(name, "fdt")) {
		if (!be->fdt)
			return -ENOENT;
		src = be->fdt;
		n = be->fdt_len;
	} else if (strlen(name) != 4) {
		return -ENOENT;
	} else if ((rc = acpi_get(be, name, &src, &n))) {
		return rc;
	}
	if (!(*data = malloc(n)))
		return -ENOMEM;
	memcpy(*data, src, n);
	*len = n;
	return 0;
}

static int be_table_region(void *priv, uint64_t *base, uint64_t *size)
{
	struct gdb_be *be = priv;

	if (!be->tsize)
		return -ENOTSUP;
	*base = be->tbase;
	*size = be->tsize;
	return 0;
}

/* Time since the target opened, as the sim and QEMU count. */
static uint64_t be_now(void *priv)
{
	return smmu_mono_ns() - ((struct gdb_be *)priv)->epoch_ns;
}

/* Lets the machine run for at least ns: resumed, then interrupted again
 * (a halted QEMU advances neither its clock nor its devices). */
static int be_sleep(void *priv, uint64_t ns)
{
	struct gdb_be *be = priv;
	int rc;

	if (!be->run_free) {
		if (ns < be->slice_ns)
			ns = be->slice_ns;
		if ((rc = rsp_resume(&be->r)))
			return rc;
		be->resumes++;
	}
	smmu_sleep_ns(ns);
	return be->run_free ? 0 : rsp_interrupt(&be->r);
}

static const char *be_describe(void *priv)
{
	struct gdb_be *be = priv;
	struct rsp *r = &be->r;
	char ecam[128], tables[128], fw[256];

	if (be->ecam)
		snprintf(ecam, sizeof(ecam), "ECAM 0x%llx (%u buses, from %s)", (unsigned long long)be->ecam,
			 be->ecam_buses, be->ecam_from);
	else
		snprintf(ecam, sizeof(ecam), "no PCI configuration access (no ECAM: say -O ecam=ADDR)");
	if (be->tsize)
		snprintf(tables, sizeof(tables), "tables 0x%llx+%llu KiB (%s)", (unsigned long long)be->tbase,
			 (unsigned long long)(be->tsize >> 10), be->tables_from);
	else
		snprintf(tables, sizeof(tables), "no table region (say -O tables=ADDR,SIZE)");
	snprintf(fw, sizeof(fw), "%s%s%s%s%s%s", be->fdt ? "device tree " : "", be->fdt ? be->fdt_from : "",
		 be->fdt && be->nacpi ? ", " : "", be->nacpi ? "ACPI " : "", be->nacpi ? be->acpi_from : "",
		 !be->fdt && !be->nacpi ? "no firmware tables (say -O fdt= or -O acpi=)" : "");
	snprintf(be->desc, sizeof(be->desc),
		 "GDB remote server at %s%s%s%s; addresses physical: %s; PacketSize %zu, %s, %s writes; "
		 "machine %s; %s; %s; %s%s; %llu requests, %llu resends, %llu resumes",
		 be->where, r->dead ? " (gone: " : "", r->dead ? r->why : "", r->dead ? ")" : "",
		 be->physical_qemu ? "QEMU's physical memory mode (Qqemu.PhyMemMode:1)" :
				     "as the user stated (physical=yes)",
		 r->pktsize, r->noack ? "no acknowledgements" : "acknowledged packets",
		 r->x_ok == 1 ? "binary X" : r->x_ok == 0 ? "hex M (no X)" : "X or M",
		 be->run_free ? "left to run (run=free)" : r->running ? "running" : "halted, run while waiting on DMA",
		 ecam, fw, tables, be->bars_assigned ? ", BARs assigned by smmush" : "",
		 (unsigned long long)r->requests, (unsigned long long)r->resends, (unsigned long long)be->resumes);
	return be->desc;
}

static uint64_t gdb_requests(void *priv)
{
	struct gdb_be *be = priv;

	return be && be->magic == GDB_MAGIC ? be->r.requests : 0;
}

/* RAM as -O ram says; without it not known here (audit reads the device tree's) */
static int be_ram_ranges(void *priv, uint64_t (*ranges)[2], size_t max)
{
	struct gdb_be *be = priv;

	if (!be->ram_size)
		return -ENOTSUP;
	if (!max)
		return 0;
	ranges[0][0] = be->ram_base;
	ranges[0][1] = be->ram_size;
	return 1;
}

const struct smmu_backend_ops smmu_backend_gdb = {
	.name = "gdb",
	.help = "a machine halted in a debugger, through a GDB remote server (OpenOCD, J-Link, QEMU's gdbstub)",
	.variants = "HOST:PORT|unix:PATH",
	.params = gdb_params,
	.open = be_open,
	.close = be_close,
	.mem_read = be_mem_read,
	.mem_write = be_mem_write,
	.mmio_read = be_mmio_read,
	.mmio_write = be_mmio_write,
	.mmio_read_block = be_mmio_read_block,
	.mmio_write_block = be_mmio_write_block,
	.pci_read = be_pci_read,
	.pci_write = be_pci_write,
	.fw_table = be_fw_table,
	.table_region = be_table_region,
	.ram_ranges = be_ram_ranges,
	.now_ns = be_now,
	.sleep_ns = be_sleep,
	.describe = be_describe,
	.roundtrips = gdb_requests,
};
