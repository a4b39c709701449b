/* SPDX-License-Identifier: MIT */
/*
 * The linux backend: this machine, through the interfaces a root process
 * has on Linux (reference/live-linux.md has the measured facts):
 *   registers  mmap of /dev/mem, aligned 32/64-bit volatile accesses (pread
 *              of MMIO fails); a region a driver claimed needs iomem=relaxed
 *   RAM        /proc/kcore where /dev/mem refuses it (CONFIG_STRICT_DEVMEM):
 *              its PT_LOAD segments' p_paddr map physical addresses
 *   writes     only outside System RAM (the -O tables= carve-out)
 *   PCI        sysfs config files, every segment (no libpci: board binaries
 *              are static)
 *   firmware   /sys/firmware/acpi/tables/{DMAR,IORT,IVRS}, /sys/firmware/fdt
 *   faults     /dev/kmsg, where the kernel's drivers print what they drained
 * Every refusal is one line naming the cause and the fix.
 *
 * Testing without root or a special kernel: -O root=DIR finds proc/, sys/
 * and dev/ under DIR, fabricated by the tests.  A regular file standing in
 * for /dev/mem cannot refuse anything, so in that mode the backend refuses
 * as Debian's kernel does (STRICT_DEVMEM: RAM above 1 MiB; IO_STRICT_DEVMEM:
 * claimed regions unless iomem=relaxed is on the fabricated command line).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/backend.h"
#include "lib/smmu.h"

#define MAX_IOMEM 4096
#define MAX_KSEG 256
#define MAX_MAPS 64
#define MAX_PCI 4096
#define MAX_PCI_FDS 256 /* config files kept open */
#define FW_TABLE_MAX (16u << 20)
#define KMSG_BUF 8192
#define LOW_RAM (1u << 20) /* STRICT_DEVMEM still lets /dev/mem read the first MiB */

static const struct smmu_backend_param linux_params[] = {
	{ "tables", "", "ADDR,SIZE: memory outside System RAM for smmush's tables when it owns a unit "
			"(reserve it at boot: memmap=SIZE$ADDR on x86, mem= on arm64)" },
	{ "root", "", "TESTS ONLY: find proc/, sys/ and dev/mem under this directory (fabricated files)" },
	{ NULL, NULL, NULL },
};

enum arch { ARCH_X86, ARCH_ARM64, ARCH_OTHER };

struct iomem_ent {
	uint64_t start, end; /* inclusive, as /proc/iomem writes it */
	int depth, parent;   /* parent: index, -1 at the top */
	char name[48];
};

struct kseg {
	uint64_t paddr, size, off;
};

struct map {
	uint64_t base, size;
	volatile uint8_t *p;
};

struct pcidev {
	uint16_t seg, bdf;
	int fd; /* its sysfs config file, -1 until first used */
};

struct linux_be {
	char root[PATH_MAX / 2]; /* "" on the machine itself */
	bool emulate;            /* root= given: refuse as the kernel would */
	enum arch arch;
	int mem_fd, kcore_fd, kmsg_fd;
	int kcore_errno;         /* why /proc/kcore did not open */
	uint64_t epoch_ns;       /* when the target opened: fault times count from it */
	struct iomem_ent *iomem;
	size_t niomem;
	struct kseg kseg[MAX_KSEG];
	size_t nkseg;
	bool relaxed;            /* iomem=relaxed */
	bool have_tables;
	uint64_t tables_base, tables_size;
	struct map maps[MAX_MAPS];
	size_t nmaps;
	struct pcidev pci[MAX_PCI];
	size_t npci, npci_fds;
	uint64_t requests;       /* mem, register and PCI accesses asked for (roundtrips) */
	char boot_id[80];        /* "boot <uuid>": this boot, for the ownership journal */
	char kbuf[KMSG_BUF];     /* kernel log bytes read but not yet returned */
	size_t klen;
	char desc[512];
};

static void fmt(char *err, size_t errlen, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *err, size_t errlen, const char *f, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, f);
	vsnprintf(err, errlen, f, ap);
	va_end(ap);
}

static void path(const struct linux_be *be, char *out, size_t len, const char *p)
{
	snprintf(out, len, "%s%s", be->root, p);
}

/* A small text file ("" when absent), NUL-terminated, at most len - 1 bytes. */
static int read_text(const struct linux_be *be, const char *p, char *out, size_t len)
{
	char full[PATH_MAX];
	size_t n = 0;
	int fd;

	path(be, full, sizeof(full), p);
	out[0] = '\0';
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	while (n + 1 < len) {
		ssize_t r = read(fd, out + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	close(fd);
	return 0;
}

/* "64M", "0x4000000", "1G" */
static int parse_size(const char *s, char **end, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, end, 0);
	if (errno || *end == s)
		return -EINVAL;
	switch (**end) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	default: break;
	}
	if (shift)
		(*end)++;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

/* --- /proc/iomem -------------------------------------------------------------- */

static int load_iomem(struct linux_be *be, char *err, size_t errlen)
{
	char full[PATH_MAX], line[256];
	int stack[16];
	FILE *f;
	bool any_nonzero = false;

	path(be, full, sizeof(full), "/proc/iomem");
	if (!(f = fopen(full, "re"))) {
		fmt(err, errlen, "linux: cannot read %s: %s", full, strerror(errno));
		return -errno;
	}
	free(be->iomem);
	be->niomem = 0;
	if (!(be->iomem = calloc(MAX_IOMEM, sizeof(*be->iomem)))) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f) && be->niomem < MAX_IOMEM) {
		unsigned long long s, e;
		int indent = 0, used = 0;
		while (line[indent] == ' ')
			indent++;
		if (sscanf(line + indent, "%llx-%llx : %n", &s, &e, &used) < 2 || !used || e < s)
			continue;
		struct iomem_ent *ent = &be->iomem[be->niomem];
		int depth = indent / 2;
		if (depth > 15)
			depth = 15;
		ent->start = s;
		ent->end = e;
		ent->depth = depth;
		ent->parent = -1;
		for (int d = depth - 1; d >= 0; d--)
			if (stack[d] >= 0) {
				ent->parent = stack[d];
				break;
			}
		if (ent->parent < 0)
			ent->depth = 0;
		snprintf(ent->name, sizeof(ent->name), "%s", line + indent + used);
		ent->name[strcspn(ent->name, "\n")] = '\0';
		stack[ent->depth] = (int)be->niomem;
		for (int d = ent->depth + 1; d < 16; d++)
			stack[d] = -1;
		any_nonzero |= s || e;
		be->niomem++;
	}
	fclose(f);
	if (be->niomem && !any_nonzero) {
		/* the kernel shows zeros to a reader without CAP_SYS_ADMIN */
		fmt(err, errlen, "linux: /proc/iomem shows no addresses: smmush needs root; run it as root");
		return -SMMU_E_NOTROOT;
	}
	return 0;
}

static bool is_ram(const struct iomem_ent *e)
{
	return e->depth == 0 && !strcmp(e->name, "System RAM");
}

/* Entries that say what a range is rather than who holds it. */
static bool descriptive(const struct linux_be *be, const struct iomem_ent *e)
{
	static const char *const prefixes[] = {
		"System RAM", "Reserved", "reserved", "RAM buffer", "PCI Bus", "PCI MMCONFIG", "PCI ECAM",
		"pnp ", "ACPI", "Kernel ", "Crash kernel", "Persistent Memory", "Soft Reserved",
		"Unknown E820", "PCI mem", "PCI IO",
	};
	unsigned a, b, c, d;
	char tail;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(e->name, prefixes[i], strlen(prefixes[i])))
			return true;
	/* a PCI BAR ("0000:00:02.0") is the device's, not a driver's */
	if (sscanf(e->name, "%x:%x:%x.%u%c", &a, &b, &c, &d, &tail) == 4)
		return true;
	/* a device-tree device's name ("9050000.smmuv3") is a driver's claim
	 * (6.1's arm-smmu-v3 requests its two register pages under it, at the
	 * top level), unless it only holds the claims below it, as a platform
	 * device's own resource did on older kernels */
	const char *dot = strchr(e->name, '.');
	if (dot && dot > e->name && strspn(e->name, "0123456789abcdef") == (size_t)(dot - e->name)) {
		size_t self = (size_t)(e - be->iomem);
		for (size_t i = self + 1; i < be->niomem && be->iomem[i].depth > e->depth; i++)
			if (be->iomem[i].parent == (int)self)
				return true;
		return false;
	}
	return false;
}

/* A driver's claim on any part of [a, b], or NULL. */
static const struct iomem_ent *claim_in(const struct linux_be *be, uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < be->niomem; i++) {
		const struct iomem_ent *e = &be->iomem[i];
		if (e->start <= b && a <= e->end && !descriptive(be, e))
			return e;
	}
	return NULL;
}

/* The System RAM entry overlapping [a, b], or NULL. */
static const struct iomem_ent *ram_in(const struct linux_be *be, uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < be->niomem; i++)
		if (is_ram(&be->iomem[i]) && be->iomem[i].start <= b && a <= be->iomem[i].end)
			return &be->iomem[i];
	return NULL;
}

/* --- /proc/kcore: an ELF core of the kernel's view of memory ----------------------
 * Untrusted input: every header is bounds-checked; segments the headers
 * describe badly are dropped, not followed. */
static int load_kcore(struct linux_be *be, char *err, size_t errlen)
{
	char full[PATH_MAX];
	Elf64_Ehdr eh;

	path(be, full, sizeof(full), "/proc/kcore");
	be->nkseg = 0;
	if ((be->kcore_fd = open(full, O_RDONLY | O_CLOEXEC)) < 0) {
		be->kcore_errno = errno;
		return 0; /* RAM reads will say why when they need it */
	}
	if (pread(be->kcore_fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE) {
		fmt(err, errlen, "linux: %s is not a 64-bit little-endian ELF core", full);
		return -SMMU_E_PARSE;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM ||
	    eh.e_phoff < sizeof(eh) || eh.e_phoff > (uint64_t)INT64_MAX / 2) {
		fmt(err, errlen, "linux: %s: program headers malformed (phoff %llu, phentsize %u, phnum %u)",
		    full, (unsigned long long)eh.e_phoff, eh.e_phentsize, eh.e_phnum);
		return -SMMU_E_PARSE;
	}
	be->arch = eh.e_machine == EM_X86_64 ? ARCH_X86 : eh.e_machine == EM_AARCH64 ? ARCH_ARM64 : ARCH_OTHER;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(be->kcore_fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph)) {
			fmt(err, errlen, "linux: %s: program header %u is past the end of the file", full, i);
			return -SMMU_E_PARSE;
		}
		/* vmalloc and vmemmap segments have no physical address */
		if (ph.p_type != PT_LOAD || ph.p_paddr == UINT64_MAX || !ph.p_filesz)
			continue;
		if (ph.p_paddr + ph.p_filesz < ph.p_paddr || ph.p_offset + ph.p_filesz < ph.p_offset ||
		    ph.p_offset > (uint64_t)INT64_MAX || ph.p_offset + ph.p_filesz > (uint64_t)INT64_MAX)
			continue; /* wraps: not a range of anything */
		if (be->nkseg == MAX_KSEG)
			break;
		be->kseg[be->nkseg++] = (struct kseg){ ph.p_paddr, ph.p_filesz, ph.p_offset };
	}
	return 0;
}

/* Bytes readable through kcore at pa (up to len), with the file offset. */
static size_t kcore_span(const struct linux_be *be, uint64_t pa, size_t len, uint64_t *off)
{
	for (size_t i = 0; i < be->nkseg; i++) {
		const struct kseg *k = &be->kseg[i];
		if (pa >= k->paddr && pa - k->paddr < k->size) {
			uint64_t left = k->size - (pa - k->paddr);
			*off = k->off + (pa - k->paddr);
			return len < left ? len : (size_t)left;
		}
	}
	return 0;
}

/* --- registers: mmap of /dev/mem ------------------------------------------------- */

/* kiommu: the kernel's name of the unit (/sys/class/iommu/NAME), or "" */
static const char *boot_param_own(const struct linux_be *be, const char *kiommu)
{
	if (!strncmp(kiommu, "ivhd", 4))
		return "amd_iommu=off";
	return be->arch == ARCH_ARM64 ? "initcall_blacklist=arm_smmu_driver_init"
	       : be->arch == ARCH_X86 ? "intel_iommu=off (QEMU: also -device intel-iommu,intremap=off)"
				      : "intel_iommu=off (x86) or initcall_blacklist=arm_smmu_driver_init (arm64)";
}

static int claimed_line(const struct linux_be *be, const struct iomem_ent *c, uint64_t a, char *err,
			size_t errlen)
{
	(void)be;
	fmt(err, errlen,
	    "linux: 0x%llx is in 0x%llx-0x%llx, which the kernel's '%s' claimed: boot with iomem=relaxed to "
	    "read it",
	    (unsigned long long)a, (unsigned long long)c->start, (unsigned long long)c->end, c->name);
	return -SMMU_E_CLAIMED;
}

static int map_range(struct linux_be *be, uint64_t base, uint64_t size, char *err, size_t errlen)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t a = base & ~(uint64_t)(pg - 1), e = (base + size + (uint64_t)pg - 1) & ~(uint64_t)(pg - 1);
	const struct iomem_ent *ram = ram_in(be, base, base + size - 1);
	const struct iomem_ent *c = claim_in(be, base, base + size - 1);
	void *p;

	if (!size || base + size < base)
		return -EINVAL;
	for (size_t i = 0; i < be->nmaps; i++)
		if (base >= be->maps[i].base && base + size <= be->maps[i].base + be->maps[i].size)
			return 0;
	if (ram) {
		fmt(err, errlen, "linux: 0x%llx is System RAM, not registers", (unsigned long long)base);
		return -EINVAL;
	}
	if (be->emulate && c && !be->relaxed) /* what CONFIG_IO_STRICT_DEVMEM does */
		return claimed_line(be, c, base, err, errlen);
	if (be->nmaps == MAX_MAPS) {
		fmt(err, errlen, "linux: more than %d register windows mapped", MAX_MAPS);
		return -ENOSPC;
	}
	p = mmap(NULL, e - a, PROT_READ | PROT_WRITE, MAP_SHARED, be->mem_fd, (off_t)a);
	if (p == MAP_FAILED) {
		int rc = errno;
		if ((rc == EPERM || rc == EACCES) && c)
			return claimed_line(be, c, base, err, errlen);
		fmt(err, errlen, "linux: mapping registers at 0x%llx through /dev/mem: %s", (unsigned long long)base,
		    strerror(rc));
		return -rc;
	}
	be->maps[be->nmaps++] = (struct map){ a, e - a, p };
	return 0;
}

static volatile uint8_t *reg_ptr(struct linux_be *be, uint64_t addr, unsigned size)
{
	for (size_t i = 0; i < be->nmaps; i++)
		if (addr >= be->maps[i].base && addr + size <= be->maps[i].base + be->maps[i].size)
			return be->maps[i].p + (addr - be->maps[i].base);
	return NULL;
}

static int be_mmio_map(void *priv, uint64_t base, uint64_t size, char *err, size_t errlen)
{
	return map_range(priv, base, size, err, errlen);
}

static int mmio_access(struct linux_be *be, uint64_t addr, unsigned size, volatile uint8_t **p)
{
	int rc;

	if (addr % size)
		return -EINVAL; /* unaligned device accesses fault on arm64 */
	if (!(*p = reg_ptr(be, addr, size))) {
		if ((rc = map_range(be, addr & ~0xfffull, 0x1000, NULL, 0)))
			return rc;
		*p = reg_ptr(be, addr, size);
	}
	return *p ? 0 : -EFAULT;
}

static int be_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	volatile uint8_t *p;
	int rc = mmio_access(priv, addr, size, &p);

	((struct linux_be *)priv)->requests++;
	if (rc)
		return rc;
	*val = size == 8 ? *(volatile uint64_t *)p : *(volatile uint32_t *)p;
	return 0;
}

static int be_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	volatile uint8_t *p;
	int rc = mmio_access(priv, addr, size, &p);

	((struct linux_be *)priv)->requests++;
	if (rc)
		return rc;
	if (size == 8)
		*(volatile uint64_t *)p = val;
	else
		*(volatile uint32_t *)p = (uint32_t)val;
	return 0;
}

/* --- memory -------------------------------------------------------------------------- */

/* Outside System RAM on arm64, /dev/mem's pread and pwrite give EFAULT:
 * go through a mapping, in aligned words (no memcpy: DC ZVA and unaligned
 * accesses fault on device memory). */
static int mapped_copy(struct linux_be *be, uint64_t pa, void *buf, size_t len, bool write)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < len;) {
		uint64_t a = pa + i;
		volatile uint8_t *p;
		int rc = mmio_access(be, a & ~7ull, 8, &p);
		if (rc)
			return rc;
		volatile uint64_t *w = (volatile uint64_t *)p;
		unsigned skip = (unsigned)(a & 7), n = 8 - skip;
		if (n > len - i)
			n = (unsigned)(len - i);
		uint64_t v = *w;
		if (write) {
			for (unsigned k = 0; k < n; k++) {
				v &= ~(0xffull << 8 * (skip + k));
				v |= (uint64_t)b[i + k] << 8 * (skip + k);
			}
			*w = v;
		} else {
			for (unsigned k = 0; k < n; k++)
				b[i + k] = (uint8_t)(v >> 8 * (skip + k));
		}
		i += n;
	}
	return 0;
}

static int devmem_rw(struct linux_be *be, uint64_t pa, void *buf, size_t len, bool write)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = write ? pwrite(be->mem_fd, (uint8_t *)buf + done, len - done, (off_t)(pa + done))
				  : pread(be->mem_fd, (uint8_t *)buf + done, len - done, (off_t)(pa + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EFAULT || errno == EINVAL))
			return mapped_copy(be, pa + done, (uint8_t *)buf + done, len - done, write);
		if (r < 0)
			return -errno;
		if (r == 0) {
			if (!write) /* past the end of a file standing in for /dev/mem: nothing there */
				memset((uint8_t *)buf + done, 0xff, len - done);
			return write ? -EIO : 0;
		}
		done += (size_t)r;
	}
	return 0;
}

static int ram_read(struct linux_be *be, uint64_t pa, void *buf, size_t len)
{
	while (len) {
		uint64_t off;
		size_t n = kcore_span(be, pa, len, &off);
		if (!n) {
			/* not in kcore: /dev/mem, which STRICT_DEVMEM allows below 1 MiB */
			if (be->emulate && pa + len > LOW_RAM)
				return be->kcore_fd < 0 ? -SMMU_E_NORAM : -EFAULT;
			int rc = devmem_rw(be, pa, buf, len, false);
			if ((rc == -EPERM || rc == -EACCES) && be->kcore_fd < 0)
				return be->kcore_errno == EPERM || be->kcore_errno == EACCES ? -SMMU_E_LOCKDOWN
											: -SMMU_E_NORAM;
			return rc;
		}
		ssize_t r = pread(be->kcore_fd, buf, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		pa += (uint64_t)r;
		buf = (uint8_t *)buf + r;
		len -= (size_t)r;
	}
	return 0;
}

static int be_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	struct linux_be *be = priv;

	be->requests++;
	while (len) {
		/* split at System RAM boundaries: RAM from kcore, the rest from /dev/mem */
		const struct iomem_ent *ram = ram_in(be, pa, pa + len - 1);
		size_t n = len;
		int rc;
		if (ram && ram->start > pa) {
			n = (size_t)(ram->start - pa);
			ram = NULL;
		} else if (ram && ram->end - pa + 1 < len) {
			n = (size_t)(ram->end - pa + 1);
		}
		rc = ram ? ram_read(be, pa, buf, n) : devmem_rw(be, pa, buf, n, false);
		if (rc)
			return rc;
		pa += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

static int be_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	struct linux_be *be = priv;

	be->requests++;
	if (!len)
		return 0;
	if (pa + len - 1 < pa || ram_in(be, pa, pa + len - 1))
		return -SMMU_E_RAMWRITE;
	if (be->emulate && claim_in(be, pa, pa + len - 1) && !be->relaxed)
		return -SMMU_E_CLAIMED;
	return devmem_rw(be, pa, (void *)buf, len, true);
}

/* --- PCI through sysfs ---------------------------------------------------------------
 * /sys/bus/pci/devices/SSSS:BB:DD.F/config for configuration space (the
 * kernel's access method, every segment: what libpci's sysfs method reads
 * too, without the library, which a static board binary cannot link), the
 * driver and iommu_group links beside it. */

/* "0000:00:02.0" -> segment and bdf; false for anything else */
static bool parse_bdf(const char *name, uint16_t *seg, uint16_t *bdf)
{
	unsigned s, b, d, f;
	char tail;

	if (sscanf(name, "%x:%x:%x.%x%c", &s, &b, &d, &f, &tail) != 4 || s > 0xffff || b > 0xff || d > 0x1f || f > 7)
		return false;
	*seg = (uint16_t)s;
	*bdf = (uint16_t)(b << 8 | d << 3 | f);
	return true;
}

static int cmp_pci(const void *a, const void *b)
{
	const struct pcidev *x = a, *y = b;
	return x->seg != y->seg ? (x->seg > y->seg) - (x->seg < y->seg) : (x->bdf > y->bdf) - (x->bdf < y->bdf);
}

static int pci_open(struct linux_be *be, char *err, size_t errlen)
{
	char devs[PATH_MAX];
	struct dirent *de;
	DIR *d;

	(void)err, (void)errlen;
	path(be, devs, sizeof(devs), "/sys/bus/pci/devices");
	if (!(d = opendir(devs)))
		return 0; /* no PCI on this machine */
	while ((de = readdir(d)) && be->npci < MAX_PCI) {
		struct pcidev *p = &be->pci[be->npci];
		if (parse_bdf(de->d_name, &p->seg, &p->bdf)) {
			p->fd = -1;
			be->npci++;
		}
	}
	closedir(d);
	qsort(be->pci, be->npci, sizeof(be->pci[0]), cmp_pci);
	return 0;
}

static struct pcidev *pci_find(struct linux_be *be, uint16_t seg, uint16_t bdf)
{
	for (size_t i = 0; i < be->npci; i++)
		if (be->pci[i].seg == seg && be->pci[i].bdf == bdf)
			return &be->pci[i];
	return NULL;
}

static void pci_rel(const struct pcidev *p, const char *leaf, char *out, size_t len)
{
	snprintf(out, len, "/sys/bus/pci/devices/%04x:%02x:%02x.%x/%s", p->seg, p->bdf >> 8, p->bdf >> 3 & 0x1f,
		 p->bdf & 7, leaf);
}

/* The function's config file (read-write when allowed), kept open for the
 * first MAX_PCI_FDS functions; *transient: the caller closes it. */
static int pci_fd(struct linux_be *be, struct pcidev *p, bool *transient)
{
	char rel[96], full[PATH_MAX];
	int fd;

	*transient = false;
	if (p->fd >= 0)
		return p->fd;
	pci_rel(p, "config", rel, sizeof(rel));
	path(be, full, sizeof(full), rel);
	if ((fd = open(full, O_RDWR | O_CLOEXEC)) < 0 && (fd = open(full, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (be->npci_fds < MAX_PCI_FDS) { /* SR-IOV machines have thousands of functions */
		be->npci_fds++;
		return p->fd = fd;
	}
	*transient = true;
	return fd;
}

static int be_pci_read_seg(void *priv, uint16_t seg, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	struct linux_be *be = priv;
	struct pcidev *p = pci_find(be, seg, bdf);
	uint8_t b[4];
	bool transient;
	int fd;
	ssize_t r;

	be->requests++;
	*val = 0xffffffffu >> (32 - 8 * size);
	if (!p)
		return 0; /* nothing there: all ones, as on the bus */
	if ((fd = pci_fd(be, p, &transient)) < 0)
		return fd;
	r = pread(fd, b, size, (off_t)off);
	if (transient)
		close(fd);
	/* past what sysfs shows (extended space to a non-root reader): all ones */
	if (r != (ssize_t)size)
		return 0;
	*val = b[0] | (size > 1 ? b[1] << 8 : 0) | (size > 2 ? (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24 : 0);
	return 0;
}

/* The kernel's resource file: one "start end flags" line per BAR (0-5). */
static int be_pci_bar_size(void *priv, uint16_t seg, uint16_t bdf, unsigned bar, uint64_t *size)
{
	struct linux_be *be = priv;
	struct pcidev *p = pci_find(be, seg, bdf);
	char rel[96], full[PATH_MAX], line[128];
	unsigned long long start, end, flags;
	FILE *f;
	int rc = -ENOENT;

	if (!p || bar > 5)
		return -ENOENT;
	pci_rel(p, "resource", rel, sizeof(rel));
	path(be, full, sizeof(full), rel);
	if (!(f = fopen(full, "re")))
		return -ENOENT;
	for (unsigned i = 0; fgets(line, sizeof(line), f); i++) {
		if (i != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 && end > start) {
			*size = end - start + 1;
			rc = 0;
		}
		break;
	}
	fclose(f);
	return rc;
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	return be_pci_read_seg(priv, 0, bdf, off, size, val);
}

static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	struct linux_be *be = priv;
	struct pcidev *p = pci_find(be, 0, bdf);
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16), (uint8_t)(val >> 24) };
	bool transient;
	int fd, rc;

	be->requests++;
	if (!p)
		return 0;
	if ((fd = pci_fd(be, p, &transient)) < 0)
		return fd;
	rc = pwrite(fd, b, size, (off_t)off) == (ssize_t)size ? 0 : errno ? -errno : -EIO;
	if (transient)
		close(fd);
	return rc;
}

static int be_pci_segments(void *priv, uint16_t *segs, size_t max)
{
	struct linux_be *be = priv;
	size_t n = 0;

	for (size_t i = 0; i < be->npci; i++) {
		bool seen = false;
		for (size_t k = 0; k < n; k++)
			seen |= segs[k] == be->pci[i].seg;
		if (!seen && n < max)
			segs[n++] = be->pci[i].seg;
	}
	return (int)n;
}

static int be_pci_kernel(void *priv, uint16_t seg, uint16_t bdf, char *driver, size_t len, int *group)
{
	struct linux_be *be = priv;
	struct pcidev *p = pci_find(be, seg, bdf);
	char rel[96], full[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	driver[0] = '\0';
	*group = -1;
	if (!p)
		return -ENOENT;
	pci_rel(p, "driver", rel, sizeof(rel));
	path(be, full, sizeof(full), rel);
	if ((n = readlink(full, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		snprintf(driver, len, "%s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
	}
	pci_rel(p, "iommu_group", rel, sizeof(rel));
	path(be, full, sizeof(full), rel);
	if ((n = readlink(full, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		*group = atoi(strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
	}
	return 0;
}

/* --- firmware tables ------------------------------------------------------------------ */

static int be_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	struct linux_be *be = priv;
	char rel[64], full[PATH_MAX];
	size_t cap = 4096, n = 0;
	uint8_t *buf;
	int fd;

	if (!strcmp(name, "fdt"))
		snprintf(rel, sizeof(rel), "/sys/firmware/fdt");
	else if (strlen(name) == 4 && !strchr(name, '/') && !strchr(name, '.'))
		snprintf(rel, sizeof(rel), "/sys/firmware/acpi/tables/%s", name);
	else
		return -ENOENT;
	path(be, full, sizeof(full), rel);
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == EACCES || errno == EPERM ? -SMMU_E_NOTROOT : -ENOENT;
	if (!(buf = malloc(cap))) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) { /* sysfs sizes are not to be trusted: read to the end */
		if (n == cap) {
			uint8_t *g = cap < FW_TABLE_MAX ? realloc(buf, cap * 2) : NULL;
			if (!g) {
				free(buf);
				close(fd);
				return cap < FW_TABLE_MAX ? -ENOMEM : -EFBIG;
			}
			buf = g;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int rc = -errno;
			free(buf);
			close(fd);
			return rc;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!n) {
		free(buf);
		return -ENOENT;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* --- the kernel and the units ---------------------------------------------------------- */

#define PCI_CAP_PTR 0x34
#define PCI_CAP_ID_SECDEV 0x0f /* AMD's IOMMU capability block ("Secure Device") */

/* An AMD IOMMU's register base from its PCI function's capability block
 * (the kernel's amd_iommu registers the function as the IOMMU's device):
 * IOMMU Base Address Low at +4 (bits 31:14; bit 0 enables it), High at +8. */
static uint64_t amd_cap_base(const struct linux_be *be, const char *name)
{
	char full[PATH_MAX], rel[320];
	uint8_t cfg[256];
	ssize_t n;
	int fd;

	snprintf(rel, sizeof(rel), "/sys/class/iommu/%s/device/config", name);
	path(be, full, sizeof(full), rel);
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n < 64 || !(cfg[6] & 0x10)) /* Status.Capabilities List */
		return 0;
	unsigned at = cfg[PCI_CAP_PTR] & 0xfc;
	for (unsigned hops = 0; at >= 0x40 && at + 12 <= (unsigned)n && hops < 48; hops++) {
		if (cfg[at] == PCI_CAP_ID_SECDEV) {
			uint32_t lo, hi;
			memcpy(&lo, cfg + at + 4, 4);
			memcpy(&hi, cfg + at + 8, 4);
			return (uint64_t)hi << 32 | (lo & 0xffffc000u);
		}
		at = cfg[at + 1] & 0xfc;
	}
	return 0;
}

/* The register base of the IOMMU registered as /sys/class/iommu/NAME, or 0. */
static uint64_t class_iommu_base(const struct linux_be *be, const char *name)
{
	char rel[PATH_MAX], txt[64];
	unsigned long long v;

	if (sscanf(name, "smmu3.0x%llx", &v) == 1) /* arm-smmu-v3: "smmu3.0x%016llx" */
		return v;
	snprintf(rel, sizeof(rel), "/sys/class/iommu/%s/intel-iommu/address", name);
	if (!read_text(be, rel, txt, sizeof(txt)) && sscanf(txt, "%llx", &v) == 1)
		return v;
	if (!strncmp(name, "ivhd", 4)) /* amd_iommu: "ivhd%d" */
		return amd_cap_base(be, name);
	return 0;
}

static int be_unit_kernel(void *priv, uint64_t base, struct smmu_backend_kunit *out)
{
	struct linux_be *be = priv;
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	out->relaxed = be->relaxed;
	const struct iomem_ent *c = claim_in(be, base, base + 0xfff);
	if (c) {
		out->claimed = true;
		snprintf(out->claimer, sizeof(out->claimer), "%.47s", c->name);
	}
	path(be, dir, sizeof(dir), "/sys/class/iommu");
	if ((d = opendir(dir))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.' && class_iommu_base(be, de->d_name) == base) {
				out->registered = true;
				snprintf(out->iommu, sizeof(out->iommu), "%.47s", de->d_name);
			}
		closedir(d);
	}
	return 0;
}

static int be_own_check(void *priv, uint64_t base, char *err, size_t errlen)
{
	struct linux_be *be = priv;
	struct smmu_backend_kunit k;

	be_unit_kernel(be, base, &k);
	if (k.registered) {
		fmt(err, errlen,
		    "the kernel drives the IOMMU at 0x%llx (/sys/class/iommu/%s): smmush only inspects it; to own it, "
		    "boot with %s",
		    (unsigned long long)base, k.iommu, boot_param_own(be, k.iommu));
		return -SMMU_E_KERNEL;
	}
	if (!be->have_tables) {
		fmt(err, errlen,
		    "no table region for smmush's tables: boot with %s and pass -O tables=ADDR,SIZE",
		    be->arch == ARCH_ARM64 ? "mem= below the top of RAM (e.g. mem=960M with 1 GiB)"
					   : "memmap=SIZE$ADDR (e.g. memmap=64M$0x30000000)");
		return -SMMU_E_NOTABLES;
	}
	return 0;
}

static int be_kdev_base(void *priv, const char *kdev, uint64_t *base)
{
	struct linux_be *be = priv;
	char dir[PATH_MAX], link[PATH_MAX + 300], target[PATH_MAX];
	unsigned long long v;
	char *end;
	DIR *d;
	struct dirent *de;

	/* the claim in /proc/iomem carries the device's name ("arm-smmu-v3.0.auto") */
	for (size_t i = 0; i < be->niomem; i++)
		if (!strcmp(be->iomem[i].name, kdev)) {
			*base = be->iomem[i].start;
			return 0;
		}
	/* a registered IOMMU by its own name ("iommu ivhd0: AMD-Vi: ..."), or
	 * one whose device is kdev */
	if (!strchr(kdev, '/') && strcmp(kdev, ".") && strcmp(kdev, "..") && (*base = class_iommu_base(be, kdev)))
		return 0;
	path(be, dir, sizeof(dir), "/sys/class/iommu");
	if ((d = opendir(dir))) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s/device", dir, de->d_name);
			ssize_t n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			const char *slash = strrchr(target, '/');
			if (!strcmp(slash ? slash + 1 : target, kdev) && (*base = class_iommu_base(be, de->d_name))) {
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	/* a device-tree name: "9050000.smmuv3" */
	v = strtoull(kdev, &end, 16);
	if (end != kdev && *end == '.') {
		*base = v;
		return 0;
	}
	return -ENOENT;
}

/* --- the kernel log ------------------------------------------------------------------------ */

static int be_kmsg_read(void *priv, char *buf, size_t len)
{
	struct linux_be *be = priv;

	if (be->kmsg_fd < 0 || !len)
		return 0;
	for (;;) {
		char *nl = memchr(be->kbuf, '\n', be->klen);
		if (nl) {
			size_t n = (size_t)(nl - be->kbuf);
			bool dict = be->kbuf[0] == ' '; /* kmsg's KEY=value lines */
			size_t c = n < len - 1 ? n : len - 1;
			if (!dict) {
				memcpy(buf, be->kbuf, c);
				buf[c] = '\0';
			}
			memmove(be->kbuf, nl + 1, be->klen - n - 1);
			be->klen -= n + 1;
			if (!dict)
				return (int)(c ? c : 1);
			continue;
		}
		if (be->klen == sizeof(be->kbuf)) /* a line longer than the buffer: drop it */
			be->klen = 0;
		ssize_t r = read(be->kmsg_fd, be->kbuf + be->klen, sizeof(be->kbuf) - be->klen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EPIPE)
			return -EPIPE; /* records were overwritten before we read them */
		if (r <= 0)
			return 0;   /* EAGAIN: nothing new; 0: end of a file standing in */
		be->klen += (size_t)r;
		/* /dev/kmsg returns one record per read, without a final newline
		 * only if cut: make every record end in one */
		if (be->kbuf[be->klen - 1] != '\n' && be->klen < sizeof(be->kbuf) && !be->emulate)
			be->kbuf[be->klen++] = '\n';
	}
}

/* --- open and close ----------------------------------------------------------------------- */

static int check_tables(struct linux_be *be, const char *v, char *err, size_t errlen)
{
	uint64_t base, size;
	char *end;

	if (parse_size(v, &end, &base) || *end != ',' || parse_size(end + 1, &end, &size) || *end) {
		fmt(err, errlen, "linux: tables=%s: expected tables=ADDR,SIZE (e.g. tables=0x30000000,64M)", v);
		return -EINVAL;
	}
	if (!size || (base | size) & 0xfff || base + size < base) {
		fmt(err, errlen, "linux: tables=%s: the region must be non-empty and 4 KiB aligned", v);
		return -EINVAL;
	}
	const struct iomem_ent *ram = ram_in(be, base, base + size - 1);
	if (ram) {
		fmt(err, errlen,
		    "linux: tables=%s overlaps System RAM 0x%llx-0x%llx, which the kernel uses: reserve it at boot with "
		    "%s",
		    v, (unsigned long long)ram->start, (unsigned long long)ram->end,
		    be->arch == ARCH_ARM64 ? "mem= (RAM above the limit is left alone)" : "memmap=SIZE$ADDR");
		return -EINVAL;
	}
	const struct iomem_ent *c = claim_in(be, base, base + size - 1);
	if (c) {
		fmt(err, errlen, "linux: tables=%s overlaps 0x%llx-0x%llx, claimed by '%s': choose memory nobody uses",
		    v, (unsigned long long)c->start, (unsigned long long)c->end, c->name);
		return -EBUSY;
	}
	be->have_tables = true;
	be->tables_base = base;
	be->tables_size = size;
	return 0;
}

static void be_close(void *priv)
{
	struct linux_be *be = priv;

	if (!be)
		return;
	for (size_t i = 0; i < be->nmaps; i++)
		munmap((void *)be->maps[i].p, be->maps[i].size);
	if (be->mem_fd >= 0)
		close(be->mem_fd);
	if (be->kcore_fd >= 0)
		close(be->kcore_fd);
	if (be->kmsg_fd >= 0)
		close(be->kmsg_fd);
	for (size_t i = 0; i < be->npci; i++)
		if (be->pci[i].fd >= 0)
			close(be->pci[i].fd);
	free(be->iomem);
	free(be);
}

/* CAP_SYS_RAWIO in the effective set (/proc/self/status), or -1 when unknown. */
static int has_rawio(const struct linux_be *be)
{
	char st[4096], *cap;
	unsigned long long v;

	if (read_text(be, "/proc/self/status", st, sizeof(st)) || !(cap = strstr(st, "CapEff:")) ||
	    sscanf(cap + 7, "%llx", &v) != 1)
		return -1;
	return (int)(v >> 17 & 1);
}

static int be_open(const char *variant, const char *const *opts, size_t nopts, void **priv, char *err,
		   size_t errlen)
{
	struct linux_be *be = calloc(1, sizeof(*be));
	const char *tables = NULL;
	char full[PATH_MAX], txt[4096];
	int rc;

	if (!be)
		return -ENOMEM;
	be->mem_fd = be->kcore_fd = be->kmsg_fd = -1;
	be->epoch_ns = smmu_mono_ns();
	be->arch = (
#if defined(__aarch64__)
		ARCH_ARM64
#elif defined(__x86_64__) || defined(__i386__)
		ARCH_X86
#else
		ARCH_OTHER
#endif
	);
	if (variant && *variant) {
		fmt(err, errlen, "linux: the target is this machine; it has no variants ('%s')", variant);
		free(be);
		return -EINVAL;
	}
	for (size_t i = 0; i < nopts; i++) {
		if (!strncmp(opts[i], "root=", 5)) {
			if (strlen(opts[i] + 5) >= sizeof(be->root)) {
				fmt(err, errlen, "linux: root= is too long");
				free(be);
				return -ENAMETOOLONG;
			}
			snprintf(be->root, sizeof(be->root), "%s", opts[i] + 5);
			be->emulate = be->root[0] != '\0';
		} else if (!strncmp(opts[i], "tables=", 7)) {
			tables = opts[i] + 7;
		}
	}
	/* 1. lockdown: nothing below works under it, and the kernel would only say EPERM */
	if (!read_text(be, "/sys/kernel/security/lockdown", txt, sizeof(txt))) {
		char *sel = strchr(txt, '['), *close = sel ? strchr(sel, ']') : NULL;
		if (sel && close && strncmp(sel + 1, "none]", 5)) {
			*close = '\0';
			fmt(err, errlen,
			    "linux: kernel lockdown is '%s' (Secure Boot turns it on): it refuses /dev/mem and /proc/kcore; "
			    "turn Secure Boot off in the firmware setup (or mokutil --disable-validation) and boot again",
			    sel + 1);
			be_close(be);
			return -SMMU_E_LOCKDOWN;
		}
	}
	/* 2. privilege */
	if (has_rawio(be) == 0) {
		fmt(err, errlen, "linux: not root: /dev/mem and /proc/kcore need CAP_SYS_RAWIO; run smmush as root "
				 "(sudo smmush --target linux)");
		be_close(be);
		return -SMMU_E_NOTROOT;
	}
	path(be, full, sizeof(full), "/dev/mem");
	if ((be->mem_fd = open(full, O_RDWR | O_SYNC | O_CLOEXEC)) < 0) {
		rc = errno;
		if (rc == EACCES || rc == EPERM)
			fmt(err, errlen, "linux: %s: permission denied: run smmush as root (sudo smmush --target linux)", full);
		else if (rc == ENOENT)
			fmt(err, errlen, "linux: no %s: use a kernel with CONFIG_DEVMEM=y", full);
		else
			fmt(err, errlen, "linux: opening %s: %s", full, strerror(rc));
		be_close(be);
		return rc == EACCES || rc == EPERM ? -SMMU_E_NOTROOT : -rc;
	}
	if ((rc = load_iomem(be, err, errlen)) || (rc = load_kcore(be, err, errlen))) {
		be_close(be);
		return rc;
	}
	if (!read_text(be, "/proc/cmdline", txt, sizeof(txt))) {
		for (char *tok = strtok(txt, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
			be->relaxed |= !strcmp(tok, "iomem=relaxed");
	}
	if (tables && (rc = check_tables(be, tables, err, errlen))) {
		be_close(be);
		return rc;
	}
	if ((rc = pci_open(be, err, errlen))) {
		be_close(be);
		return rc;
	}
	path(be, full, sizeof(full), "/dev/kmsg");
	if ((be->kmsg_fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) >= 0)
		lseek(be->kmsg_fd, 0, SEEK_END); /* faults from now on, not the boot's */
	*priv = be;
	return 0;
}

static int be_table_region(void *priv, uint64_t *base, uint64_t *size)
{
	struct linux_be *be = priv;

	if (!be->have_tables) {
		*base = *size = 0;
		return -SMMU_E_NOTABLES;
	}
	*base = be->tables_base;
	*size = be->tables_size;
	return 0;
}

static int be_ram_ranges(void *priv, uint64_t (*ranges)[2], size_t max)
{
	struct linux_be *be = priv;
	size_t n = 0;

	for (size_t i = 0; i < be->niomem && n < max; i++)
		if (is_ram(&be->iomem[i])) {
			ranges[n][0] = be->iomem[i].start;
			ranges[n][1] = be->iomem[i].end - be->iomem[i].start + 1;
			n++;
		}
	return (int)n;
}

/* Time since the target opened, as the sim and QEMU count (not the uptime). */
static uint64_t be_now(void *priv)
{
	return smmu_mono_ns() - ((struct linux_be *)priv)->epoch_ns;
}

static int be_sleep(void *priv, uint64_t ns)
{
	(void)priv;
	smmu_sleep_ns(ns);
	return 0;
}

/* The machine outlives the session, not the boot: a later run on the same
 * boot finds the journal of one that died owning a unit, and a journal left
 * from an earlier boot (whose registers a reset has long put back) is not
 * this machine's any more. */
static const char *be_identity(void *priv)
{
	struct linux_be *be = priv;
	char id[64];

	if (!be->boot_id[0]) {
		if (read_text(be, "/proc/sys/kernel/random/boot_id", id, sizeof(id)) || !id[0])
			return NULL; /* no journal rather than one every boot would share */
		id[strcspn(id, "\n")] = '\0';
		snprintf(be->boot_id, sizeof(be->boot_id), "boot %s", id);
	}
	return be->boot_id;
}

/* What smmush asked of the machine so far (the benchmarks compare it with
 * the remote targets' round trips). */
static uint64_t be_requests(void *priv)
{
	return ((struct linux_be *)priv)->requests;
}

static const char *be_describe(void *priv)
{
	struct linux_be *be = priv;
	char tab[96];

	if (be->have_tables)
		snprintf(tab, sizeof(tab), "tables 0x%llx+%llu MiB", (unsigned long long)be->tables_base,
			 (unsigned long long)(be->tables_size >> 20));
	else
		snprintf(tab, sizeof(tab), "no table region (read-only)");
	snprintf(be->desc, sizeof(be->desc),
		 "this machine (%s%s%.160s): registers via /dev/mem%s, RAM via %s, %zu PCI functions, kernel log %s, %s",
		 be->arch == ARCH_ARM64 ? "arm64" : be->arch == ARCH_X86 ? "x86-64" : "?",
		 be->emulate ? ", fabricated under " : "", be->emulate ? be->root : "",
		 be->relaxed ? " (iomem=relaxed)" : "",
		 be->kcore_fd >= 0 ? "/proc/kcore" : "/dev/mem only (no /proc/kcore)", be->npci,
		 be->kmsg_fd >= 0 ? "read for faults" : "unreadable", tab);
	return be->desc;
}

const struct smmu_backend_ops smmu_backend_linux = {
	.name = "linux",
	.help = "this machine: /dev/mem, /proc/kcore, sysfs and the kernel log (as root)",
	.variants = "",
	.params = linux_params,
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
	.identity = be_identity,
	.roundtrips = be_requests,
	.mmio_map = be_mmio_map,
	.unit_kernel = be_unit_kernel,
	.own_check = be_own_check,
	.pci_read_seg = be_pci_read_seg,
	.pci_bar_size = be_pci_bar_size,
	.pci_segments = be_pci_segments,
	.pci_kernel = be_pci_kernel,
	.kmsg_read = be_kmsg_read,
	.kdev_base = be_kdev_base,
	.ram_ranges = be_ram_ranges,
};
