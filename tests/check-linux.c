/* SPDX-License-Identifier: MIT */
/*
 * --target linux without root or a special kernel: each test fabricates a
 * machine under a temporary directory (-O root=DIR) — /proc/iomem,
 * /proc/cmdline, /proc/self/status, an ELF /proc/kcore, a sparse regular
 * file standing in for /dev/mem holding the sim models' register pages, a
 * kernel log file, sysfs firmware tables (real QEMU tables from
 * tests/data/linux) and a sysfs PCI tree that libpci reads — and checks
 * every refusal line and every path: registers, RAM through kcore, writes
 * only outside System RAM, the table carve-out, kernel-owned units, the
 * kernel's interrupt remapping, devices doing DMA, and faults from the
 * kernel log reaching the fault monitor.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/smmu.h"
#include "lib/target.h" /* smmu_unit_own_precheck, struct smmu_unit */

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* ---- a fabricated machine ------------------------------------------------------------ */

struct fx {
	char dir[128];
	char opt_root[160];
	const char *opts[4];
	size_t nopts;
};

static void mkparents(const char *full)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", full);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
}

static void fx_write(struct fx *f, const char *rel, const void *data, size_t len)
{
	char full[512];
	FILE *fp;

	snprintf(full, sizeof(full), "%s%s", f->dir, rel);
	mkparents(full);
	ck_assert_msg((fp = fopen(full, "wb")) != NULL, "%s: %s", full, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static void fx_text(struct fx *f, const char *rel, const char *text)
{
	fx_write(f, rel, text, strlen(text));
}

static void fx_append(struct fx *f, const char *rel, const char *text)
{
	char full[512];
	FILE *fp;

	snprintf(full, sizeof(full), "%s%s", f->dir, rel);
	ck_assert((fp = fopen(full, "ab")) != NULL);
	fputs(text, fp);
	fclose(fp);
}

static void fx_link(struct fx *f, const char *target, const char *rel)
{
	char full[512];

	snprintf(full, sizeof(full), "%s%s", f->dir, rel);
	mkparents(full);
	ck_assert_msg(symlink(target, full) == 0, "%s: %s", full, strerror(errno));
}

static void fx_mkdir(struct fx *f, const char *rel)
{
	char full[512];

	snprintf(full, sizeof(full), "%s%s/", f->dir, rel);
	mkparents(full);
}

static void fx_rm(struct fx *f, const char *rel)
{
	char full[512];

	snprintf(full, sizeof(full), "%s%s", f->dir, rel);
	unlink(full);
}

/* bytes at a physical address of the file standing in for /dev/mem */
static void fx_mem(struct fx *f, uint64_t pa, const void *data, size_t len)
{
	char full[512];
	int fd;

	snprintf(full, sizeof(full), "%s/dev/mem", f->dir);
	mkparents(full);
	ck_assert((fd = open(full, O_RDWR | O_CREAT, 0600)) >= 0);
	ck_assert(pwrite(fd, data, len, (off_t)pa) == (ssize_t)len);
	close(fd);
}

static void fx_mem_read(struct fx *f, uint64_t pa, void *data, size_t len)
{
	char full[512];
	int fd;

	snprintf(full, sizeof(full), "%s/dev/mem", f->dir);
	ck_assert((fd = open(full, O_RDONLY)) >= 0);
	ck_assert(pread(fd, data, len, (off_t)pa) == (ssize_t)len);
	close(fd);
}

static void fx_mem32(struct fx *f, uint64_t pa, uint32_t v)
{
	fx_mem(f, pa, &v, 4);
}

static void copy_file(struct fx *f, const char *src, const char *rel)
{
	char full[512];
	static char buf[1 << 16];
	FILE *fp;
	size_t n;

	snprintf(full, sizeof(full), "%s/%s", SRCDIR, src);
	ck_assert_msg((fp = fopen(full, "rb")) != NULL, "%s: %s", full, strerror(errno));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	fx_write(f, rel, buf, n);
}

/* The register pages of one of the sim models, into /dev/mem at base. */
static void fx_sim_regs_at(struct fx *f, const char *spec, uint64_t base, uint64_t dst, size_t len)
{
	struct smmu_target *t;
	char err[256];
	uint32_t *page = calloc(len / 4, 4);

	ck_assert(page);
	ck_assert_msg(!smmu_target_open(spec, NULL, 0, &t, err, sizeof(err)), "%s", err);
	for (size_t off = 0; off < len; off += 4) {
		uint64_t v = 0;
		smmu_mmio_read(t, base + off, 4, &v);
		page[off / 4] = (uint32_t)v;
	}
	smmu_target_close(t);
	fx_mem(f, dst, page, len);
	free(page);
}

static void fx_sim_regs(struct fx *f, const char *spec, uint64_t base, size_t len)
{
	fx_sim_regs_at(f, spec, base, base, len);
}

struct seg {
	uint32_t type;
	uint64_t paddr, size;
	const char *data; /* written at the segment's start (NULL: none) */
	uint64_t data_off;
};

/* An ELF core like /proc/kcore: ELF header, program headers, then data. */
static void fx_kcore(struct fx *f, uint16_t machine, const struct seg *segs, unsigned n)
{
	size_t hdr = sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr), len = hdr;
	uint64_t off = (hdr + 0xfff) & ~0xfffull;

	const uint64_t area = 0x200000; /* file bytes per segment */
	len = (size_t)(off + area * n);
	uint8_t *b = calloc(1, len);
	ck_assert(b);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)n;
	for (unsigned i = 0; i < n; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(*eh)) + i;
		ph->p_type = segs[i].type;
		ph->p_paddr = segs[i].paddr;
		ph->p_vaddr = 0xffff888000000000ull + i * 0x10000000ull;
		ph->p_filesz = ph->p_memsz = segs[i].size;
		ph->p_offset = off + area * i;
		ck_assert(segs[i].data_off + 64 <= area);
		if (segs[i].data)
			memcpy(b + ph->p_offset + segs[i].data_off, segs[i].data, strlen(segs[i].data));
	}
	fx_write(f, "/proc/kcore", b, len);
	free(b);
}

static void fx_pci_hdr(struct fx *f, const char *addr, uint16_t vendor, uint16_t device, uint16_t command,
		       const char *driver, int group, uint8_t hdr)
{
	uint8_t cfg[256] = { 0 };
	char rel[256], tgt[256];

	cfg[0] = (uint8_t)vendor, cfg[1] = (uint8_t)(vendor >> 8);
	cfg[2] = (uint8_t)device, cfg[3] = (uint8_t)(device >> 8);
	cfg[4] = (uint8_t)command, cfg[5] = (uint8_t)(command >> 8);
	cfg[0x0e] = hdr;
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/config", addr);
	fx_write(f, rel, cfg, sizeof(cfg));
	if (driver) {
		snprintf(rel, sizeof(rel), "/sys/bus/pci/drivers/%s", driver);
		fx_mkdir(f, rel);
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/driver", addr);
		snprintf(tgt, sizeof(tgt), "../../drivers/%s", driver);
		fx_link(f, tgt, rel);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "/sys/kernel/iommu_groups/%d", group);
		fx_mkdir(f, rel);
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/iommu_group", addr);
		snprintf(tgt, sizeof(tgt), "../../../../kernel/iommu_groups/%d", group);
		fx_link(f, tgt, rel);
	}
}

/* a PCI-to-PCI bridge to buses [sec, sub] */
static void fx_bridge(struct fx *f, const char *addr, uint8_t hdr, uint8_t sec, uint8_t sub)
{
	uint8_t cfg[256] = { 0x86, 0x80, 0x40, 0x24 };
	char rel[256];

	cfg[0x0e] = hdr;
	cfg[0x18] = 0, cfg[0x19] = sec, cfg[0x1a] = sub;
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/config", addr);
	fx_write(f, rel, cfg, sizeof(cfg));
}

static void fx_pci(struct fx *f, const char *addr, uint16_t vendor, uint16_t device, uint16_t command,
		   const char *driver, int group)
{
	fx_pci_hdr(f, addr, vendor, device, command, driver, group, 0);
}

#define Q35_IOMEM \
	"00000000-00000fff : Reserved\n" \
	"00001000-0009fbff : System RAM\n" \
	"000a0000-000bffff : PCI Bus 0000:00\n" \
	"00100000-3fffffff : System RAM\n" \
	"  01000000-01ffffff : Kernel code\n" \
	"40000000-43ffffff : Reserved\n" \
	"44000000-44ffffff : Reserved\n" \
	"  44000000-44000fff : some-driver\n" \
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n" \
	"fea00000-feafffff : PCI Bus 0000:00\n" \
	"  fea00000-feafffff : 0000:00:01.0\n" \
	"    fea00000-feafffff : edu\n"
#define Q35_DMAR_CLAIM "fed90000-fed90fff : dmar0\n"
#define VTD 0xfed90000ull
#define VTD_GSTS 0x1c
#define GSTS_TES (1u << 31)
#define GSTS_QIES (1u << 26)
#define GSTS_IRES (1u << 25)

/* q35 with VT-d: the kernel left the unit alone unless a test says otherwise */
/* A fresh directory for the machine's files, and root= naming it. */
static void fx_root(struct fx *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/smmush-linux-XXXXXX");
	ck_assert(mkdtemp(f->dir));
	snprintf(f->opt_root, sizeof(f->opt_root), "root=%s", f->dir);
	f->opts[0] = f->opt_root;
	f->nopts = 1;
}

static void fx_q35(struct fx *f)
{
	static const struct seg segs[] = {
		{ PT_LOAD, UINT64_MAX, 0x10000, NULL, 0 },                /* vmalloc: no physical address */
		{ PT_LOAD, 0x100000, 0x1ff000, "KCORE-RAM-AT-0x200000", 0x100000 },
		{ PT_NOTE, 0x300000, 0x1000, NULL, 0 },                   /* not a load segment */
	};

	fx_root(f);
	fx_text(f, "/proc/iomem", Q35_IOMEM);
	fx_text(f, "/proc/cmdline", "BOOT_IMAGE=/vmlinuz console=ttyS0 intel_iommu=off\n");
	fx_text(f, "/proc/self/status", "Name:\tsmmush\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n");
	fx_text(f, "/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	fx_kcore(f, EM_X86_64, segs, 3);
	fx_sim_regs(f, "sim:q35", VTD, 0x1000);
	fx_mem32(f, VTD + VTD_GSTS, 0);
	fx_mem(f, 0x2000, "LOW-MEMORY", 10);
	fx_mem(f, 0x200000, "DEVMEM-SAYS-NO", 14);
	copy_file(f, "tests/data/linux/DMAR.qemu-q35", "/sys/firmware/acpi/tables/DMAR");
	fx_pci(f, "0000:00:00.0", 0x8086, 0x29c0, 0x0006, NULL, -1);
	fx_pci(f, "0000:00:01.0", 0x1234, 0x11e8, 0x0002, "edu", 3);
	fx_pci_hdr(f, "0000:00:1f.0", 0x8086, 0x2918, 0x0007, "lpc_ich", 4, 0x80); /* multi-function */
	fx_pci(f, "0000:00:1f.2", 0x8086, 0x2922, 0x0007, "ahci", 4);
	fx_pci(f, "0001:00:00.0", 0x1b36, 0x0010, 0x0000, NULL, -1);
	fx_text(f, "/dev/kmsg", "6,100,1000,-;Linux version 6.1.0 (boot)\n");
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static void fx_free(struct fx *f)
{
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fx_opt(struct fx *f, const char *opt)
{
	f->opts[f->nopts++] = opt;
}

static int fx_open(struct fx *f, struct smmu_target **t, char *err, size_t errlen)
{
	err[0] = '\0';
	return smmu_target_open("linux", f->opts, f->nopts, t, err, errlen);
}

static struct smmu_target *fx_open_ok(struct fx *f)
{
	struct smmu_target *t;
	char err[512];

	ck_assert_msg(fx_open(f, &t, err, sizeof(err)) == 0, "open: %s", err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "discover: %s", err);
	return t;
}

/* The q35 tests' machine, fabricated afresh for each (a checked fixture). */
static struct fx F;

static void q35_setup(void)
{
	memset(&F, 0, sizeof(F));
	fx_q35(&F);
}

static void q35_teardown(void)
{
	fx_free(&F);
}

/* Opening refuses with one line containing each needle. */
static void expect_refusal(struct fx *f, int want_rc, const char *n1, const char *n2)
{
	struct smmu_target *t = NULL;
	char err[512];
	int rc = fx_open(f, &t, err, sizeof(err));

	ck_assert_msg(rc == want_rc, "rc %d (%s), want %d; err: %s", rc, smmu_strerror(rc), want_rc, err);
	ck_assert_msg(!strchr(err, '\n'), "one line: %s", err);
	ck_assert_msg(strstr(err, n1), "'%s' not in: %s", n1, err);
	ck_assert_msg(!n2 || strstr(err, n2), "'%s' not in: %s", n2, err);
}

/* ---- refusals at open -------------------------------------------------------------------- */

START_TEST(refuses_lockdown)
{
	fx_text(&F, "/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	expect_refusal(&F, -SMMU_E_LOCKDOWN, "lockdown is 'integrity'", "Secure Boot off");
	fx_text(&F, "/sys/kernel/security/lockdown", "none integrity [confidentiality]\n");
	expect_refusal(&F, -SMMU_E_LOCKDOWN, "'confidentiality'", "/dev/mem and /proc/kcore");
}
END_TEST

START_TEST(refuses_not_root)
{
	fx_text(&F, "/proc/self/status", "Name:\tsmmush\nCapEff:\t0000000000000000\n");
	expect_refusal(&F, -SMMU_E_NOTROOT, "not root", "run smmush as root");
	/* an unprivileged reader sees /proc/iomem with every address zero */
	fx_text(&F, "/proc/self/status", "Name:\tsmmush\n");
	fx_text(&F, "/proc/iomem", "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n");
	expect_refusal(&F, -SMMU_E_NOTROOT, "/proc/iomem shows no addresses", "run it as root");
}
END_TEST

START_TEST(refuses_no_devmem)
{
	fx_rm(&F, "/dev/mem");
	expect_refusal(&F, -ENOENT, "no ", "CONFIG_DEVMEM=y");
}
END_TEST

START_TEST(refuses_bad_kcore)
{
	uint8_t junk[64] = "not an ELF file at all";
	fx_write(&F, "/proc/kcore", junk, sizeof(junk));
	expect_refusal(&F, -SMMU_E_PARSE, "kcore is not a 64-bit little-endian ELF core", NULL);
	/* program headers said to lie past the end of the file */
	static const struct seg one[] = { { PT_LOAD, 0x100000, 0x1000, NULL, 0 } };
	fx_kcore(&F, EM_X86_64, one, 1);
	char full[512];
	snprintf(full, sizeof(full), "%s/proc/kcore", F.dir);
	int fd = open(full, O_RDWR);
	Elf64_Ehdr eh;
	ck_assert(pread(fd, &eh, sizeof(eh), 0) == sizeof(eh));
	eh.e_phnum = 4000;
	ck_assert(pwrite(fd, &eh, sizeof(eh), 0) == sizeof(eh));
	ck_assert(ftruncate(fd, sizeof(eh) + sizeof(Elf64_Phdr)) == 0);
	expect_refusal(&F, -SMMU_E_PARSE, "program header 1 is past the end", NULL);
	eh.e_phentsize = 17;
	ck_assert(pwrite(fd, &eh, sizeof(eh), 0) == sizeof(eh));
	expect_refusal(&F, -SMMU_E_PARSE, "program headers malformed", NULL);
	close(fd);
}
END_TEST

START_TEST(kcore_wrapping_segments_ignored)
{
	static const struct seg segs[] = {
		{ PT_LOAD, 0xfffffffffffff000ull, 0x2000, NULL, 0 }, /* wraps */
		{ PT_LOAD, 0x100000, 0x200000, "KCORE", 0x1000 },
	};
	char buf[8] = { 0 };
	fx_kcore(&F, EM_X86_64, segs, 2);
	struct smmu_target *t = fx_open_ok(&F);
	ck_assert_int_eq(smmu_mem_read(t, 0x101000, buf, 5), 0);
	ck_assert_str_eq(buf, "KCORE");
	smmu_target_close(t);
}
END_TEST

START_TEST(refuses_bad_tables)
{
	fx_opt(&F, "tables=0x3f000000,64M");
	expect_refusal(&F, -EINVAL, "overlaps System RAM 0x100000-0x3fffffff", "memmap=SIZE$ADDR");
	F.opts[1] = "tables=0x44000000,16M";
	expect_refusal(&F, -EBUSY, "claimed by 'some-driver'", NULL);
	F.opts[1] = "tables=0x40000800,64M";
	expect_refusal(&F, -EINVAL, "4 KiB aligned", NULL);
	F.opts[1] = "tables=banana";
	expect_refusal(&F, -EINVAL, "expected tables=ADDR,SIZE", NULL);
	F.opts[1] = "tables=0x40000000,64M";
	struct smmu_target *t = fx_open_ok(&F);
	uint64_t base, size;
	ck_assert_int_eq(smmu_target_table_region(t, &base, &size), 0);
	ck_assert_uint_eq(base, 0x40000000);
	ck_assert_uint_eq(size, 64 << 20);
	smmu_target_close(t);
}
END_TEST

START_TEST(refuses_claimed_registers)
{
	struct smmu_target *t;
	char err[512];
	fx_text(&F, "/proc/iomem", Q35_IOMEM Q35_DMAR_CLAIM);
	ck_assert_int_eq(fx_open(&F, &t, err, sizeof(err)), 0);
	int rc = smmu_discover(t, err, sizeof(err));
	ck_assert_int_eq(rc, -SMMU_E_CLAIMED);
	ck_assert_msg(strstr(err, "dmar@0xfed90000") && strstr(err, "claimed") && strstr(err, "'dmar0'") &&
			      strstr(err, "boot with iomem=relaxed") && !strchr(err, '\n'),
		      "%s", err);
	smmu_target_close(t);
	/* with iomem=relaxed the same registers are readable */
	fx_text(&F, "/proc/cmdline", "console=ttyS0 iomem=relaxed\n");
	t = fx_open_ok(&F);
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	ck_assert_ptr_nonnull(strstr(smmu_target_describe(t), "iomem=relaxed"));
	smmu_target_close(t);
}
END_TEST

/* ---- paths: registers, memory, PCI, firmware ---------------------------------------------- */

START_TEST(registers_through_devmem)
{
	uint64_t v, cap_file;
	struct smmu_target *t = fx_open_ok(&F);
	ck_assert_str_eq(smmu_target_spec(t), "linux");
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	struct smmu_unit_info ui;
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, VTD);
	ck_assert_str_eq(ui.source, "DMAR");
	fx_mem_read(&F, VTD + 8, &cap_file, 8);
	ck_assert_int_eq(smmu_mmio_read(t, VTD + 8, 8, &v), 0);
	ck_assert_uint_eq(v, cap_file);
	ck_assert_uint_ne(v, 0);
	ck_assert_int_eq(smmu_mmio_read(t, VTD + 8, 4, &v), 0);
	ck_assert_uint_eq(v, (uint32_t)cap_file);
	ck_assert_int_eq(smmu_mmio_write(t, VTD + 0x38, 4, 0x12345678), 0); /* FEDATA */
	uint32_t w;
	fx_mem_read(&F, VTD + 0x38, &w, 4);
	ck_assert_uint_eq(w, 0x12345678);
	ck_assert_int_eq(smmu_mmio_read(t, VTD + 2, 4, &v), -EINVAL); /* unaligned */
	/* registers are not RAM */
	ck_assert_int_eq(smmu_mmio_read(t, 0x200000, 4, &v), -EINVAL);
	smmu_target_close(t);
}
END_TEST

START_TEST(ram_through_kcore)
{
	char buf[32] = { 0 };
	struct smmu_target *t = fx_open_ok(&F);
	/* System RAM above 1 MiB: from kcore, never from /dev/mem */
	ck_assert_int_eq(smmu_mem_read(t, 0x200000, buf, 21), 0);
	ck_assert_str_eq(buf, "KCORE-RAM-AT-0x200000");
	/* the first MiB: /dev/mem (STRICT_DEVMEM allows it) */
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(smmu_mem_read(t, 0x2000, buf, 10), 0);
	ck_assert_str_eq(buf, "LOW-MEMORY");
	/* RAM kcore does not cover and /dev/mem refuses */
	ck_assert_int_eq(smmu_mem_read(t, 0x10000000, buf, 8), -EFAULT);
	/* System RAM is never written; outside it is */
	ck_assert_int_eq(smmu_mem_write(t, 0x200000, "x", 1), -SMMU_E_RAMWRITE);
	ck_assert_int_eq(smmu_mem_write(t, 0x3ffffff0, "0123456789abcdefXYZ", 19), -SMMU_E_RAMWRITE);
	ck_assert_int_eq(smmu_mem_write(t, 0x40000010, "CARVE-OUT", 9), 0);
	memset(buf, 0, sizeof(buf));
	fx_mem_read(&F, 0x40000010, buf, 9);
	ck_assert_str_eq(buf, "CARVE-OUT");
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(smmu_mem_read(t, 0x40000010, buf, 9), 0);
	ck_assert_str_eq(buf, "CARVE-OUT");
	/* a region a driver claimed: refused without iomem=relaxed */
	ck_assert_int_eq(smmu_mem_write(t, 0x44000000, "x", 1), -SMMU_E_CLAIMED);
	/* a read straddling the end of System RAM: kcore part refused */
	ck_assert_int_eq(smmu_mem_read(t, 0x3ffffff8, buf, 16), -EFAULT);
	smmu_target_close(t);
}
END_TEST

START_TEST(refuses_ram_without_kcore)
{
	char buf[8];
	fx_rm(&F, "/proc/kcore");
	struct smmu_target *t = fx_open_ok(&F);
	int rc = smmu_mem_read(t, 0x200000, buf, 8);
	ck_assert_int_eq(rc, -SMMU_E_NORAM);
	ck_assert_ptr_nonnull(strstr(smmu_strerror(rc), "CONFIG_PROC_KCORE"));
	ck_assert_ptr_nonnull(strstr(smmu_target_describe(t), "no /proc/kcore"));
	/* the first MiB is still there */
	ck_assert_int_eq(smmu_mem_read(t, 0x2000, buf, 8), 0);
	smmu_target_close(t);
}
END_TEST

START_TEST(pci_through_libpci_sysfs)
{
	struct smmu_device_info di;
	struct smmu_target *t = fx_open_ok(&F);
	ck_assert_uint_eq(smmu_device_count(t), 5);
	struct smmu_device *edu = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(edu);
	smmu_device_info(edu, &di);
	ck_assert_uint_eq(di.vendor, 0x1234);
	ck_assert_str_eq(di.driver, "edu");
	ck_assert_int_eq(di.iommu_group, 3);
	ck_assert_ptr_nonnull(di.unit); /* the DMAR's scope names 00:01.0 */
	ck_assert_uint_eq(di.sid, 0x0008);
	smmu_device_info(smmu_device_find(t, "00:00.0"), &di);
	ck_assert_ptr_null(di.driver);
	ck_assert_int_eq(di.iommu_group, -1);
	/* segment 1: found, named with its segment, behind no unit of segment 0's DMAR */
	struct smmu_device *s1 = smmu_device_find_pci(t, 1, 0, 0, 0);
	ck_assert_ptr_nonnull(s1);
	smmu_device_info(s1, &di);
	ck_assert_str_eq(di.addr, "0001:00:00.0");
	ck_assert_uint_eq(di.segment, 1);
	ck_assert_uint_eq(di.vendor, 0x1b36);
	ck_assert_ptr_null(di.unit);
	ck_assert_ptr_eq(smmu_device_find(t, "0001:00:00.0"), s1);
	/* configuration writes reach the file */
	uint32_t v;
	ck_assert_int_eq(smmu_pci_write(t, 0x0008, 0x04, 2, 0x0006), 0);
	ck_assert_int_eq(smmu_pci_read(t, 0x0008, 0x04, 2, &v), 0);
	ck_assert_uint_eq(v, 0x0006);
	/* an absent function reads as all ones */
	ck_assert_int_eq(smmu_pci_read(t, 0x0100, 0, 4, &v), 0);
	ck_assert_uint_eq(v, 0xffffffff);
	smmu_target_close(t);
}
END_TEST

START_TEST(firmware_tables_from_sysfs)
{
	void *data;
	size_t len;
	struct smmu_target *t = fx_open_ok(&F);
	ck_assert_int_eq(smmu_fw_table(t, "DMAR", &data, &len), 0);
	ck_assert_uint_eq(len, 120);
	ck_assert(!memcmp(data, "DMAR", 4));
	free(data);
	ck_assert_int_eq(smmu_fw_table(t, "IORT", &data, &len), -ENOENT);
	ck_assert_int_eq(smmu_fw_table(t, "fdt", &data, &len), -ENOENT);
	ck_assert_int_eq(smmu_fw_table(t, "../x", &data, &len), -ENOENT);
	smmu_target_close(t);
}
END_TEST

/* ---- the kernel and ownership ---------------------------------------------------------- */

START_TEST(kernel_owned_unit_is_read_only)
{
	struct smmu_unit_kernel k;
	char err[512];
	fx_text(&F, "/proc/iomem", Q35_IOMEM Q35_DMAR_CLAIM);
	fx_text(&F, "/proc/cmdline", "iomem=relaxed\n");
	fx_text(&F, "/sys/class/iommu/dmar0/intel-iommu/address", "fed90000\n");
	fx_mem32(&F, VTD + VTD_GSTS, GSTS_TES | GSTS_QIES | GSTS_IRES);
	fx_opt(&F, "tables=0x40000000,64M");
	struct smmu_target *t = fx_open_ok(&F);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_kernel(u, &k), 0);
	ck_assert(k.known && k.kernel_owned && k.claimed && k.translating && k.irq_remap && k.queued_inv);
	ck_assert_str_eq(k.claimer, "dmar0");
	ck_assert_str_eq(k.iommu, "dmar0");
	int rc = smmu_unit_own_opts(u, NULL, err, sizeof(err));
	ck_assert_int_eq(rc, -SMMU_E_KERNEL);
	ck_assert_msg(strstr(err, "the kernel drives the IOMMU at 0xfed90000") && strstr(err, "intel_iommu=off") &&
			      strstr(err, "intremap=off") && !strchr(err, '\n'),
		      "%s", err);
	ck_assert_int_eq(smmu_unit_own(u), -SMMU_E_KERNEL);
	ck_assert(!smmu_unit_owned(u));
	/* nothing was written: GSTS is as the kernel left it */
	uint32_t gsts;
	fx_mem_read(&F, VTD + VTD_GSTS, &gsts, 4);
	ck_assert_uint_eq(gsts, GSTS_TES | GSTS_QIES | GSTS_IRES);
	/* inspection still works */
	struct smmu_unit_status st;
	ck_assert_int_eq(smmu_unit_status(u, &st), 0);
	ck_assert(st.translating);
	smmu_target_close(t);
}
END_TEST

START_TEST(kernel_owned_without_sysfs_registration)
{
	/* claimed and translating, but no /sys/class/iommu entry (older kernels) */
	struct smmu_unit_kernel k;
	char err[512];
	fx_text(&F, "/proc/iomem", Q35_IOMEM Q35_DMAR_CLAIM);
	fx_text(&F, "/proc/cmdline", "iomem=relaxed\n");
	fx_mem32(&F, VTD + VTD_GSTS, GSTS_TES);
	fx_opt(&F, "tables=0x40000000,64M");
	struct smmu_target *t = fx_open_ok(&F);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_kernel(u, &k), 0);
	ck_assert(k.kernel_owned && !k.iommu);
	ck_assert_int_eq(smmu_unit_own_opts(u, NULL, err, sizeof(err)), -SMMU_E_KERNEL);
	ck_assert_msg(strstr(err, "the kernel drives this unit (dmar0, translation on)"), "%s", err);
	smmu_target_close(t);
}
END_TEST

START_TEST(kernel_interrupt_remapping_reported)
{
	/* intel_iommu=off with interrupt remapping on: the kernel still holds
	 * the unit for IR and queued invalidation, which smmush keeps on (it
	 * swaps in a queue of its own): seen, and no reason to refuse */
	struct smmu_unit_kernel k;
	char err[512] = "";
	fx_text(&F, "/proc/iomem", Q35_IOMEM Q35_DMAR_CLAIM);
	fx_text(&F, "/proc/cmdline", "intel_iommu=off iomem=relaxed\n");
	fx_mem32(&F, VTD + VTD_GSTS, GSTS_QIES | GSTS_IRES);
	fx_opt(&F, "tables=0x40000000,64M");
	struct smmu_target *t = fx_open_ok(&F);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_kernel(u, &k), 0);
	ck_assert(!k.kernel_owned && k.claimed && k.irq_remap && k.queued_inv && !k.translating);
	/* (the devices doing DMA are what is left to decide on) */
	int rc = smmu_unit_own_precheck(u, err, sizeof(err));
	ck_assert_msg(rc == -SMMU_E_DMA_ACTIVE, "%d %s", rc, err);
	u->own_dma = SMMU_OWN_DMA_ABORT;
	ck_assert_int_eq(smmu_unit_own_precheck(u, err, sizeof(err)), 0);
	smmu_target_close(t);
}
END_TEST

START_TEST(own_needs_a_table_region)
{
	char err[512];
	struct smmu_target *t = fx_open_ok(&F);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	uint64_t b, s;
	ck_assert_int_eq(smmu_target_table_region(t, &b, &s), -SMMU_E_NOTABLES);
	ck_assert_int_eq(smmu_unit_own_opts(u, NULL, err, sizeof(err)), -SMMU_E_NOTABLES);
	ck_assert_msg(strstr(err, "no table region") && strstr(err, "memmap=") && strstr(err, "-O tables=ADDR,SIZE"),
		      "%s", err);
	smmu_target_close(t);
}
END_TEST

START_TEST(own_names_devices_doing_dma)
{
	char err[768];
	fx_opt(&F, "tables=0x40000000,64M");
	struct smmu_target *t = fx_open_ok(&F);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *act[4];
	/* 00:1f.0 (lpc_ich) and 00:1f.2 (ahci) have bus mastering on; 00:01.0
	 * (edu) has a driver but not BME; 00:00.0 has BME but no driver */
	ck_assert_uint_eq(smmu_unit_dma_active(u, act, 4), 2);
	ck_assert_ptr_eq(act[0], smmu_device_find(t, "00:1f.0"));
	ck_assert_ptr_eq(act[1], smmu_device_find(t, "00:1f.2"));
	ck_assert_int_eq(smmu_unit_own_opts(u, NULL, err, sizeof(err)), -SMMU_E_DMA_ACTIVE);
	ck_assert_msg(strstr(err, "2 devices behind it may be doing DMA") && strstr(err, "00:1f.0 (lpc_ich) 00:1f.2 (ahci)") &&
			      strstr(err, "abort it") && strstr(err, "pass it through") && !strchr(err, '\n'),
		      "%s", err);
	ck_assert_int_eq(smmu_unit_own(u), -SMMU_E_DMA_ACTIVE);
	/* with a choice, the checks pass and the driver goes on to the
	 * registers (a file does not answer GCMD: it times out, proving it
	 * got past every refusal) */
	struct smmu_own_opts o = { SMMU_OWN_DMA_ABORT };
	int rc = smmu_unit_own_opts(u, &o, err, sizeof(err));
	ck_assert_msg(rc != -SMMU_E_DMA_ACTIVE && rc != -SMMU_E_NOTABLES && rc != -SMMU_E_KERNEL, "%d %s", rc, err);
	smmu_target_close(t);
}
END_TEST

/* ---- faults from the kernel log ------------------------------------------------------------ */

START_TEST(kmsg_faults_reach_the_monitor)
{
	struct smmu_fault fl;
	fx_text(&F, "/proc/iomem", Q35_IOMEM Q35_DMAR_CLAIM);
	fx_text(&F, "/proc/cmdline", "iomem=relaxed\n");
	fx_text(&F, "/sys/class/iommu/dmar0/intel-iommu/address", "fed90000\n");
	fx_mem32(&F, VTD + VTD_GSTS, GSTS_TES);
	struct smmu_target *t = fx_open_ok(&F);
	/* what was in the log before open is not reported */
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	fx_append(&F, "/dev/kmsg",
		  "3,101,2000,-;DMAR: DRHD: handling fault status reg 2\n"
		  "3,102,2001,-;DMAR: [DMA Read NO_PASID] Request device [00:01.0] fault addr 0x200000 "
		  "[fault reason 0x06] PTE Read access is not set\n"
		  " SUBSYSTEM=pci\n"
		  "3,103,2002,-;DMAR: [DMA Write PASID 0x5] Request device [00:1f.2] fault addr 0x7000 "
		  "[fault reason 0x05] PTE Write access is not set\n");
	ck_assert_int_eq(smmu_faults_poll(t), 2);
	ck_assert_uint_eq(smmu_faults_kept(t), 2);
	ck_assert_int_eq(smmu_faults_get(t, 0, &fl), 0);
	ck_assert_ptr_eq(fl.unit, smmu_unit_at(t, 0));
	ck_assert_ptr_eq(fl.dev, smmu_device_find(t, "00:01.0"));
	ck_assert_uint_eq(fl.stream.sid, 0x08);
	ck_assert(!fl.stream.ssv);
	ck_assert_uint_eq(fl.addr, 0x200000);
	ck_assert_uint_eq(fl.code, 6);
	ck_assert_uint_eq(fl.access, SMMU_PROT_R);
	ck_assert_int_eq(fl.cls, SMMU_FC_PERMISSION);
	ck_assert_str_eq(fl.raw_kind, "vtd.frcd");
	ck_assert_uint_eq(fl.nraw, 2);
	ck_assert_ptr_nonnull(fl.code_name);
	ck_assert_int_eq(smmu_faults_get(t, 1, &fl), 0);
	ck_assert_uint_eq(fl.stream.sid, 0xfa);
	ck_assert(fl.stream.ssv);
	ck_assert_uint_eq(fl.stream.ssid, 5);
	ck_assert_uint_eq(fl.access, SMMU_PROT_W);
	ck_assert_uint_eq(fl.code, 5);
	ck_assert_ptr_eq(fl.dev, smmu_device_find(t, "00:1f.2"));
	/* nothing new: nothing drained */
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	smmu_target_close(t);
}
END_TEST

/* q35 with QEMU's amd-iommu, which the kernel's amd_iommu drives: its
 * IVRS (QEMU's), the register claim, /sys/class/iommu/ivhd0 whose device is
 * the IOMMU's PCI function, the base in that function's capability block */
#define AMD 0xfed80000ull
#define AMD_CONTROL 0x18

static void fx_q35_amd(struct fx *f)
{
	uint8_t cfg[256] = { 0x22, 0x10, 0x10, 0x00 }; /* 1022:0010 */
	char dmar[sizeof(f->dir) + 64];

	fx_q35(f);
	snprintf(dmar, sizeof(dmar), "%s/sys/firmware/acpi/tables/DMAR", f->dir);
	ck_assert_int_eq(unlink(dmar), 0);
	copy_file(f, "tests/data/acpi/qemu-q35-ivrs-2024.dat", "/sys/firmware/acpi/tables/IVRS");
	fx_text(f, "/proc/iomem", Q35_IOMEM "fed80000-fed83fff : amd_iommu\n");
	fx_text(f, "/proc/cmdline", "iomem=relaxed\n");
	fx_sim_regs(f, "sim:amd", AMD, 0x4000);
	fx_mem32(f, AMD + AMD_CONTROL, 1); /* IommuEn */
	cfg[0x06] = 0x10;                  /* Status: a capabilities list */
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x0f;                  /* the IOMMU capability block */
	cfg[0x43] = 0x01;
	uint32_t lo = (uint32_t)AMD | 1, hi = 0;
	memcpy(cfg + 0x44, &lo, 4);
	memcpy(cfg + 0x48, &hi, 4);
	fx_write(f, "/sys/bus/pci/devices/0000:00:02.0/config", cfg, sizeof(cfg));
	fx_mkdir(f, "/sys/class/iommu/ivhd0/amd-iommu");
	fx_link(f, "../../../bus/pci/devices/0000:00:02.0", "/sys/class/iommu/ivhd0/device");
}

START_TEST(amdvi_kernel_owned_and_events)
{
	struct fx f = { 0 };
	struct smmu_unit_kernel k;
	struct smmu_fault fl;
	char err[512];
	uint32_t ctl;
	fx_q35_amd(&f);
	fx_opt(&f, "tables=0x40000000,64M");
	struct smmu_target *t = fx_open_ok(&f);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_unit_info ui;
	smmu_unit_info(u, &ui);
	ck_assert_uint_eq(ui.base, AMD);
	ck_assert_str_eq(ui.source, "IVRS");
	ck_assert_int_eq(smmu_unit_kernel(u, &k), 0);
	ck_assert(k.known && k.kernel_owned && k.claimed && k.translating);
	ck_assert_str_eq(k.claimer, "amd_iommu");
	ck_assert_str_eq(k.iommu, "ivhd0"); /* found through the capability block's base */
	ck_assert_int_eq(smmu_unit_own_opts(u, NULL, err, sizeof(err)), -SMMU_E_KERNEL);
	ck_assert_msg(strstr(err, "the kernel drives the IOMMU at 0xfed80000 (/sys/class/iommu/ivhd0)") &&
			      strstr(err, "amd_iommu=off") && !strstr(err, "intel") && !strchr(err, '\n'),
		      "%s", err);
	fx_mem_read(&f, AMD + AMD_CONTROL, &ctl, 4);
	ck_assert_uint_eq(ctl, 1); /* nothing written */
	/* events the kernel drained and printed */
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	fx_append(&f, "/dev/kmsg",
		  "3,101,2000,-;edu 0000:00:01.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0002 "
		  "address=0x200000 flags=0x0020]\n"
		  "3,102,2001,-;iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:00:1f.0 "
		  "pasid=0x00000 address=0x3000 flags=0x0000]\n"
		  "3,103,2002,-;iommu ivhd0: AMD-Vi: Control Reg : 0x1\n"
		  "3,104,2003,-;AMD-Vi: DTE[0]: 0000000000000000\n");
	ck_assert_int_eq(smmu_faults_poll(t), 2);
	ck_assert_int_eq(smmu_faults_get(t, 0, &fl), 0);
	ck_assert_ptr_eq(fl.unit, u);
	ck_assert_ptr_eq(fl.dev, smmu_device_find(t, "00:01.0"));
	ck_assert_uint_eq(fl.stream.sid, 0x08);
	ck_assert_uint_eq(fl.addr, 0x200000);
	ck_assert_uint_eq(fl.code, 2);
	ck_assert_str_eq(fl.code_name, "IO_PAGE_FAULT");
	ck_assert_uint_eq(fl.access, SMMU_PROT_W);
	ck_assert_int_eq(fl.cls, SMMU_FC_TRANSLATION);
	ck_assert_str_eq(fl.raw_kind, "amdvi.evt");
	ck_assert_int_eq(smmu_faults_get(t, 1, &fl), 0);
	ck_assert_ptr_eq(fl.unit, u); /* the line names the IOMMU: ivhd0 */
	ck_assert_ptr_eq(fl.dev, smmu_device_find(t, "00:1f.0"));
	ck_assert_uint_eq(fl.code, 1);
	ck_assert_int_eq(fl.cls, SMMU_FC_CONFIG);
	ck_assert_uint_eq(fl.addr, 0x3000);
	smmu_target_close(t);
	fx_free(&f);
}
END_TEST

#define VIRT_IOMEM \
	"09000000-09000fff : pl011@9000000\n" \
	"09050000-0906ffff : arm-smmu-v3.0.auto\n" \
	"40000000-7bffffff : System RAM\n" \
	"  40210000-41bfffff : Kernel code\n" \
	"7c000000-7fffffff : Reserved\n"
#define SMMU 0x09050000ull

static void fx_virt(struct fx *f)
{
	static const struct seg segs[] = {
		{ PT_LOAD, UINT64_MAX, 0x10000, NULL, 0 },
		{ PT_LOAD, 0x40000000, 0x100000, "ARM64-LINEAR-MAP", 0x2000 },
	};
	fx_root(f);
	fx_text(f, "/proc/iomem", VIRT_IOMEM);
	fx_text(f, "/proc/cmdline", "console=ttyAMA0 iomem=relaxed\n");
	fx_text(f, "/proc/self/status", "CapEff:\t000001ffffffffff\n");
	fx_kcore(f, EM_AARCH64, segs, 2);
	fx_sim_regs(f, "sim:virt", SMMU, 0x20000);
	copy_file(f, "tests/data/linux/IORT.qemu-virt-smmuv3", "/sys/firmware/acpi/tables/IORT");
	fx_pci(f, "0000:00:00.0", 0x1b36, 0x0008, 0x0000, NULL, -1);
	fx_pci(f, "0000:00:02.0", 0x1234, 0x11e8, 0x0006, "vfio-pci", 7);
	fx_text(f, "/dev/kmsg", "");
}

/* Device-tree boots name claims by device: 6.1's arm-smmu-v3 requests its
 * two register pages at the top level as "9050000.smmuv3" (seen in a
 * Debian guest); a platform device's resource holding its driver's claim
 * ("9030000.pl061 ...") below it is only a description. */
START_TEST(refuses_claimed_registers_devicetree_names)
{
	struct fx f = { 0 };
	struct smmu_target *t;
	struct smmu_unit_kernel k;
	char err[512];
	fx_virt(&f);
	fx_text(&f, "/proc/iomem",
		"09030000-09030fff : 9030000.pl061\n"
		"  09030000-09030fff : 9030000.pl061 pl061@9030000\n"
		"09050000-09050dff : 9050000.smmuv3\n"
		"09060000-09060dff : 9050000.smmuv3\n"
		"40000000-7bffffff : System RAM\n");
	fx_text(&f, "/proc/cmdline", "console=ttyAMA0\n");
	ck_assert_int_eq(fx_open(&f, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_discover(t, err, sizeof(err)), -SMMU_E_CLAIMED);
	ck_assert_msg(strstr(err, "'9050000.smmuv3'") && strstr(err, "boot with iomem=relaxed"), "%s", err);
	smmu_target_close(t);
	fx_text(&f, "/proc/cmdline", "console=ttyAMA0 iomem=relaxed\n");
	t = fx_open_ok(&f);
	ck_assert_int_eq(smmu_unit_kernel(smmu_unit_at(t, 0), &k), 0);
	ck_assert(k.claimed && !k.kernel_owned); /* SMMUEN off: not translating */
	ck_assert_str_eq(k.claimer, "9050000.smmuv3");
	smmu_target_close(t);
	fx_free(&f);
}
END_TEST

START_TEST(smmuv3_kernel_owned_and_events)
{
	struct fx f = { 0 };
	struct smmu_unit_kernel k;
	struct smmu_fault fl;
	char err[512], buf[17] = { 0 };
	fx_virt(&f);
	fx_mkdir(&f, "/sys/class/iommu/smmu3.0x0000000009050000");
	/* the kernel turned SMMUEN on (CR0 and CR0ACK) */
	fx_mem32(&f, SMMU + 0x20, 1);
	fx_mem32(&f, SMMU + 0x24, 1);
	fx_opt(&f, "tables=0x7c000000,64M");
	struct smmu_target *t = fx_open_ok(&f);
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_kernel(u, &k), 0);
	ck_assert(k.kernel_owned && k.translating && !k.irq_remap);
	ck_assert_str_eq(k.iommu, "smmu3.0x0000000009050000");
	ck_assert_str_eq(k.claimer, "arm-smmu-v3.0.auto");
	ck_assert_int_eq(smmu_unit_own_opts(u, NULL, err, sizeof(err)), -SMMU_E_KERNEL);
	ck_assert_msg(strstr(err, "initcall_blacklist=arm_smmu_driver_init"), "%s", err);
	/* the linear map from kcore, at its physical address */
	ck_assert_int_eq(smmu_mem_read(t, 0x40002000, buf, 16), 0);
	ck_assert_str_eq(buf, "ARM64-LINEAR-MAP");
	/* the device behind it: IORT maps RID 0x10 to StreamID 0x10 */
	struct smmu_device_info di;
	smmu_device_info(smmu_device_find(t, "00:02.0"), &di);
	ck_assert_ptr_eq(di.unit, u);
	ck_assert_uint_eq(di.sid, 0x10);
	ck_assert_str_eq(di.driver, "vfio-pci");
	ck_assert_int_eq(di.iommu_group, 7);
	/* an F_TRANSLATION event as arm-smmu-v3 prints it, tab escaped as kmsg does */
	fx_append(&f, "/dev/kmsg",
		  "6,200,5000,-;arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n"
		  " SUBSYSTEM=platform\n DEVICE=+platform:arm-smmu-v3.0.auto\n"
		  "6,201,5000,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000001000000010\n"
		  "6,202,5000,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000800000000\n"
		  "6,203,5000,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000000123000\n"
		  "6,204,5000,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000000000000\n");
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 0, &fl), 0);
	ck_assert_ptr_eq(fl.unit, u);
	ck_assert_uint_eq(fl.code, 0x10);
	ck_assert_str_eq(fl.code_name, "F_TRANSLATION");
	ck_assert_int_eq(fl.cls, SMMU_FC_TRANSLATION);
	ck_assert_uint_eq(fl.stream.sid, 0x10);
	ck_assert_uint_eq(fl.addr, 0x123000);
	ck_assert_uint_eq(fl.access, SMMU_PROT_R);
	ck_assert_str_eq(fl.raw_kind, "smmuv3.event");
	ck_assert_uint_eq(fl.raw[0], 0x0000001000000010ull);
	ck_assert_ptr_eq(fl.dev, smmu_device_find(t, "00:02.0"));
	smmu_target_close(t);
	fx_free(&f);
}
END_TEST

START_TEST(smmuv3_left_alone_own_checks_pass)
{
	struct fx f = { 0 };
	struct smmu_unit_kernel k;
	char err[512];
	fx_virt(&f);
	fx_text(&f, "/proc/iomem", "40000000-7bffffff : System RAM\n7c000000-7fffffff : Reserved\n");
	fx_text(&f, "/proc/cmdline", "initcall_blacklist=arm_smmu_driver_init mem=960M\n");
	fx_opt(&f, "tables=0x7c000000,64M");
	struct smmu_target *t = fx_open_ok(&f);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_kernel(u, &k), 0);
	ck_assert(!k.kernel_owned && !k.claimed && !k.translating);
	/* vfio-pci with BME on: refused until the user says */
	ck_assert_int_eq(smmu_unit_own_opts(u, NULL, err, sizeof(err)), -SMMU_E_DMA_ACTIVE);
	ck_assert_msg(strstr(err, "00:02.0 (vfio-pci)"), "%s", err);
	smmu_target_close(t);
	fx_free(&f);
}
END_TEST

/* ---- discovery on a machine: DMAR scopes through bridges, segments; iommu-map-mask ---- */

struct tbl {
	uint8_t b[512];
	size_t n;
};

static void put(struct tbl *t, uint64_t v, int bytes) /* bytes <= 8 */
{
	ck_assert(bytes <= 8 && t->n + (size_t)bytes <= sizeof(t->b));
	for (int i = 0; i < bytes; i++)
		t->b[t->n++] = (uint8_t)(v >> (8 * i));
}

START_TEST(dmar_scopes_through_bridges_and_segments)
{
	struct tbl d = { .n = 0 };
	struct smmu_device_info di;

	/* DMAR: DRHD 0 (segment 0): endpoint 00:1c.4 -> 00.0 (through a bridge)
	 * and bridge 00:1c.0's buses; DRHD 1 (segment 1): INCLUDE_PCI_ALL */
	memcpy(d.b, "DMAR", 4), d.n = 4;
	put(&d, 0, 4), put(&d, 1, 1), put(&d, 0, 1);
	memcpy(d.b + d.n, "SMMUSHCHECKTBL", 14), d.n += 14;
	put(&d, 1, 4), put(&d, 0x534d5348, 4), put(&d, 1, 4);
	put(&d, 38, 1), put(&d, 0, 1), put(&d, 0, 8), put(&d, 0, 2); /* HAW, flags, 10 reserved */
	put(&d, 0, 2), put(&d, 16 + 10 + 8, 2), put(&d, 0, 1), put(&d, 0, 1), put(&d, 0, 2), put(&d, VTD, 8);
	put(&d, 1, 1), put(&d, 10, 1), put(&d, 0, 2), put(&d, 0, 1), put(&d, 0, 1);
	put(&d, 0x1c, 1), put(&d, 4, 1), put(&d, 0, 1), put(&d, 0, 1); /* 1c.4 / 00.0 */
	put(&d, 2, 1), put(&d, 8, 1), put(&d, 0, 2), put(&d, 0, 1), put(&d, 0, 1), put(&d, 0x1c, 1), put(&d, 0, 1);
	put(&d, 0, 2), put(&d, 16, 2), put(&d, 1, 1), put(&d, 0, 1), put(&d, 1, 2), put(&d, VTD + 0x1000, 8);
	d.b[4] = (uint8_t)d.n;
	uint8_t sum = 0;
	for (size_t i = 0; i < d.n; i++)
		sum += d.b[i];
	d.b[9] = (uint8_t)-sum;
	fx_write(&F, "/sys/firmware/acpi/tables/DMAR", d.b, d.n);
	fx_sim_regs_at(&F, "sim:q35", VTD, VTD + 0x1000, 0x1000);
	fx_bridge(&F, "0000:00:1c.0", 0x81, 2, 3);
	fx_bridge(&F, "0000:00:1c.4", 0x01, 5, 5);
	fx_pci(&F, "0000:02:00.0", 0x8086, 0x10d3, 0, "e1000e", 9);
	fx_pci(&F, "0000:05:00.0", 0x1234, 0x11e8, 0, NULL, -1);
	struct smmu_target *t = fx_open_ok(&F);
	ck_assert_uint_eq(smmu_unit_count(t), 2);
	smmu_device_info(smmu_device_find(t, "05:00.0"), &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(di.sid, 0x0500);
	smmu_device_info(smmu_device_find(t, "02:00.0"), &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(di.sid, 0x0200);
	ck_assert_str_eq(di.driver, "e1000e");
	smmu_device_info(smmu_device_find(t, "00:01.0"), &di);
	ck_assert_ptr_null(di.unit); /* no scope names it */
	smmu_device_info(smmu_device_find(t, "0001:00:00.0"), &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 1));
	ck_assert_uint_eq(di.sid, 0);
	smmu_target_close(t);
}
END_TEST

START_TEST(fdt_iommu_map_mask_on_pci)
{
	struct fx f = { 0 };
	struct smmu_device_info di;
	char cmd[600];

	fx_virt(&f);
	fx_rm(&f, "/sys/firmware/acpi/tables/IORT");
	fx_mkdir(&f, "/sys/firmware");
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s/sys/firmware/fdt %s/tests/data/linux/board.dts", f.dir,
		 SRCDIR);
	ck_assert_msg(system(cmd) == 0, "dtc failed (apt-get install device-tree-compiler)");
	fx_sim_regs_at(&f, "sim:virt", SMMU, 0x102000000ull, 0x20000);
	fx_pci_hdr(&f, "0001:00:01.0", 0x1234, 0x11e8, 0, NULL, -1, 0x80);
	fx_pci(&f, "0001:00:01.1", 0x1234, 0x11e8, 0, NULL, -1);
	fx_pci(&f, "0001:00:1f.0", 0x1234, 0x11e8, 0, NULL, -1);
	/* 0001:00:1f.0 decodes a 256 KiB BAR0 at 0x50000000: the kernel's
	 * resource file gives the size (sizing would write the BAR) */
	uint8_t cfg[256] = { 0x34, 0x12, 0xe8, 0x11, 0x02 };
	cfg[0x12] = 0x00, cfg[0x13] = 0x50;
	fx_write(&f, "/sys/bus/pci/devices/0001:00:1f.0/config", cfg, sizeof(cfg));
	const char *res = "0x0000000050000000 0x000000005003ffff 0x0000000000040200\n"
			  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
	fx_write(&f, "/sys/bus/pci/devices/0001:00:1f.0/resource", res, strlen(res));
	struct smmu_target *t = fx_open_ok(&f);
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	/* the mask drops the function: both functions share StreamID 0x108 */
	smmu_device_info(smmu_device_find(t, "0001:00:01.0"), &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(di.sid, 0x108);
	ck_assert(di.has_msi_id);
	ck_assert_uint_eq(di.msi_id, 0x08);
	smmu_device_info(smmu_device_find(t, "0001:00:01.1"), &di);
	ck_assert_uint_eq(di.sid, 0x108);
	ck_assert_uint_eq(di.msi_id, 0x09); /* msi-map has no mask */
	smmu_device_info(smmu_device_find(t, "0001:00:1f.0"), &di);
	ck_assert_uint_eq(di.sid, 0x1f8);
	/* segment 0's devices are on no host the device tree maps */
	smmu_device_info(smmu_device_find(t, "00:02.0"), &di);
	ck_assert_ptr_null(di.unit);
	/* the platform device behind two buses of ranges, with its three StreamIDs */
	struct smmu_device *dma = smmu_device_find_mmio(t, 0x103001000ull);
	ck_assert_ptr_nonnull(dma);
	smmu_device_info(dma, &di);
	ck_assert_uint_eq(di.nsids, 3);
	/* audit: the map gives both functions one ID; segment 0's functions
	 * (00:00.0 has class 0 in this fixture, no bridge) no IOMMU */
	struct smmu_audit *au;
	unsigned shared = 0, uncovered = 0;
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	for (size_t i = 0; i < smmu_audit_finding_count(au); i++) {
		const struct smmu_audit_finding *af = smmu_audit_finding_at(au, i);
		if (!strcmp(af->id, "identity-shared")) {
			shared++;
			ck_assert_str_eq(af->dev, "0001:00:01.0");
			ck_assert_str_eq(af->other, "0001:00:01.1");
			ck_assert_msg(strstr(af->reason, "StreamID 0x108") && strstr(af->reason, "firmware maps both requester IDs"),
				      "%s", af->reason);
		} else if (!strcmp(af->id, "uncovered")) {
			uncovered++;
			ck_assert_msg(!strcmp(af->dev, "00:02.0") || !strcmp(af->dev, "00:00.0"), "%s", af->dev);
		}
	}
	ck_assert_uint_eq(shared, 1);
	ck_assert_uint_eq(uncovered, 2);
	/* an uncovered device reaches everything: the BAR, whole */
	bool bar = false;
	for (size_t i = 0; i < smmu_audit_device_count(au); i++) {
		const struct smmu_audit_device *ad = smmu_audit_device_at(au, i);
		for (size_t h = 0; h < ad->nhits; h++)
			if (ad->hits[h].kind == SMMU_MEM_MMIO && !strcmp(ad->hits[h].what, "BAR0 of 0001:00:1f.0")) {
				ck_assert_uint_eq(ad->hits[h].pa, 0x50000000);
				ck_assert_uint_eq(ad->hits[h].size, 0x40000);
				bar = true;
			}
	}
	ck_assert(bar);
	smmu_audit_free(au);
	smmu_target_close(t);
	fx_free(&f);
}
END_TEST

/* QEMU virt's IORT with its second SMMU mapping (RIDs 0x1000-0x10ff) sent
 * to StreamIDs 0x0-0xff, the first mapping's: 10:01.0 (RID 0x1008) and
 * 00:01.0 (RID 0x8) get one StreamID, which audit reports. */
START_TEST(iort_several_rids_one_streamid)
{
	struct fx f = { 0 };
	struct smmu_device_info di;
	struct smmu_audit *au;
	uint8_t iort[276];
	char full[512];
	FILE *fp;

	snprintf(full, sizeof(full), "%s/tests/data/linux/IORT.qemu-virt-smmuv3", SRCDIR);
	ck_assert_msg((fp = fopen(full, "rb")) != NULL, "%s: %s", full, strerror(errno));
	ck_assert_uint_eq(fread(iort, 1, sizeof(iort), fp), sizeof(iort));
	fclose(fp);
	/* the root complex's mapping at 0xd8: input 0x1000, 0x100 IDs, output 0x1000 -> 0 */
	ck_assert_uint_eq(iort[0xd8 + 8] | iort[0xd8 + 9] << 8, 0x1000);
	iort[0xd8 + 8] = iort[0xd8 + 9] = 0;
	iort[9] = (uint8_t)(iort[9] + 0x10); /* the checksum: the bytes still sum to 0 */
	fx_virt(&f);
	fx_write(&f, "/sys/firmware/acpi/tables/IORT", iort, sizeof(iort));
	fx_pci(&f, "0000:00:01.0", 0x1234, 0x11e8, 0x0006, NULL, -1);
	fx_bridge(&f, "0000:00:1c.0", 0x01, 0x10, 0x10);
	fx_pci(&f, "0000:10:01.0", 0x1234, 0x11e8, 0x0006, NULL, -1);
	struct smmu_target *t = fx_open_ok(&f);
	smmu_device_info(smmu_device_find(t, "10:01.0"), &di);
	ck_assert_uint_eq(di.sid, 0x8);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	unsigned shared = 0;
	for (size_t i = 0; i < smmu_audit_finding_count(au); i++) {
		const struct smmu_audit_finding *af = smmu_audit_finding_at(au, i);
		if (strcmp(af->id, "identity-shared"))
			continue;
		shared++;
		ck_assert_str_eq(af->dev, "00:01.0");
		ck_assert_str_eq(af->other, "10:01.0");
		ck_assert_msg(strstr(af->reason, "StreamID 0x8") && strstr(af->reason, "firmware maps both requester IDs"),
			      "%s", af->reason);
	}
	ck_assert_uint_eq(shared, 1);
	smmu_audit_free(au);
	smmu_target_close(t);
	fx_free(&f);
}
END_TEST

Suite *suite_linux(void)
{
	Suite *s = suite_create("linux");
	TCase *q35 = tcase_create("backend-q35"), *tc = tcase_create("backend");

	tcase_add_checked_fixture(q35, q35_setup, q35_teardown);
	tcase_set_timeout(q35, 30);
	tcase_set_timeout(tc, 30);
	tcase_add_test(q35, refuses_lockdown);
	tcase_add_test(q35, refuses_not_root);
	tcase_add_test(q35, refuses_no_devmem);
	tcase_add_test(q35, refuses_bad_kcore);
	tcase_add_test(q35, kcore_wrapping_segments_ignored);
	tcase_add_test(q35, refuses_bad_tables);
	tcase_add_test(q35, refuses_claimed_registers);
	tcase_add_test(tc, refuses_claimed_registers_devicetree_names);
	tcase_add_test(q35, registers_through_devmem);
	tcase_add_test(q35, ram_through_kcore);
	tcase_add_test(q35, refuses_ram_without_kcore);
	tcase_add_test(q35, pci_through_libpci_sysfs);
	tcase_add_test(q35, firmware_tables_from_sysfs);
	tcase_add_test(q35, kernel_owned_unit_is_read_only);
	tcase_add_test(q35, kernel_owned_without_sysfs_registration);
	tcase_add_test(q35, kernel_interrupt_remapping_reported);
	tcase_add_test(q35, own_needs_a_table_region);
	tcase_add_test(q35, own_names_devices_doing_dma);
	tcase_add_test(q35, kmsg_faults_reach_the_monitor);
	tcase_add_test(tc, amdvi_kernel_owned_and_events);
	tcase_add_test(tc, smmuv3_kernel_owned_and_events);
	tcase_add_test(tc, smmuv3_left_alone_own_checks_pass);
	tcase_add_test(q35, dmar_scopes_through_bridges_and_segments);
	tcase_add_test(tc, fdt_iommu_map_mask_on_pci);
	tcase_add_test(tc, iort_several_rids_one_streamid);
	suite_add_tcase(s, q35);
	suite_add_tcase(s, tc);
	return s;
}
