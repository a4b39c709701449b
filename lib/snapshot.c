/* SPDX-License-Identifier: MIT */
/*
 * The snapshot reader: an ELF core image (smmush's own, or a kdump vmcore /
 * /proc/kcore taken as memory only) checked and indexed.  Every offset and
 * size in the file is checked against the image before it is used, in
 * 64-bit arithmetic that cannot wrap; anything wrong ends with one line
 * saying what and where.  The library's side of a snapshot target is in
 * snapshot-restore.c, so this file stands alone (tests/fuzz/fuzz-snapshot.c).
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fault.h"
#include "lib/snapshot.h"
#include "lib/target.h"

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* names in the message come from the file: it stays one printable line */
	for (char *c = err; errlen && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -SMMU_E_PARSE;
}

/* [off, off + n) lies inside an image of len bytes (no wrap-around). */
static bool inside(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off;
}

/* Copy NUL-terminated string number k (0-based) of [p, p + n) into out. */
static void str_at(const uint8_t *p, size_t n, unsigned k, char *out, size_t outlen)
{
	size_t i = 0;

	for (; k && i < n; i++)
		if (!p[i])
			k--;
	size_t start = i;
	while (i < n && p[i])
		i++;
	size_t m = i - start < outlen - 1 ? i - start : outlen - 1;
	memcpy(out, p + start, m);
	out[m] = '\0';
}

static int grow(void **arr, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, nc * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct smmu_snap_seg *x = a, *y = b;
	/* by address; at one address the larger first */
	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	if (x->memsz != y->memsz)
		return x->memsz > y->memsz ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

static int cmp_reg(const void *a, const void *b)
{
	const struct smmu_snap_reg *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->size - (int)y->size;
}

struct parse {
	struct smmu_snap *s;
	size_t capseg, capreg, capfw, cappci, capwarn, capbars;
	char *err;
	size_t errlen;
};

static int note_header(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;

	if (s->ours)
		return bad(p->err, p->errlen, "two header notes");
	if (n < SMMU_SNAP_HEADER_FIXED)
		return bad(p->err, p->errlen, "header note of %zu bytes (at least %d)", n, SMMU_SNAP_HEADER_FIXED);
	s->ours = true;
	s->version = snap_rd32(d);
	s->flags = snap_rd32(d + 4);
	s->time_ns = snap_rd64(d + 8);
	s->clock_ns = snap_rd64(d + 16);
	if (s->version == 0 || s->version > SMMU_SNAP_VERSION)
		return bad(p->err, p->errlen, "snapshot format version %u (this smmush reads version %d)",
			   s->version, SMMU_SNAP_VERSION);
	d += SMMU_SNAP_HEADER_FIXED;
	n -= SMMU_SNAP_HEADER_FIXED;
	str_at(d, n, 0, s->smmush_version, sizeof(s->smmush_version));
	str_at(d, n, 1, s->spec, sizeof(s->spec));
	str_at(d, n, 2, s->describe, sizeof(s->describe));
	str_at(d, n, 3, s->method, sizeof(s->method));
	str_at(d, n, 4, s->note, sizeof(s->note));
	return 0;
}

static int note_unit(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;
	struct smmu_snap_unit *u;

	if (n < SMMU_SNAP_UNIT_FIXED)
		return bad(p->err, p->errlen, "unit note of %zu bytes (at least %d)", n, SMMU_SNAP_UNIT_FIXED);
	if (s->nunits == SMMU_MAX_UNITS)
		return bad(p->err, p->errlen, "more than %d units", SMMU_MAX_UNITS);
	if (!s->units && !(s->units = calloc(SMMU_MAX_UNITS, sizeof(*s->units))))
		return -ENOMEM;
	u = &s->units[s->nunits++];
	u->arch = snap_rd32(d + 4);
	u->base = snap_rd64(d + 8);
	if (u->arch > SMMU_ARCH_AMDVI)
		return bad(p->err, p->errlen, "unit %zu: unknown architecture %u", s->nunits - 1, u->arch);
	for (size_t i = 0; i + 1 < s->nunits; i++)
		if (s->units[i].base == u->base)
			return bad(p->err, p->errlen, "two units at 0x%" PRIx64, u->base);
	str_at(d + SMMU_SNAP_UNIT_FIXED, n - SMMU_SNAP_UNIT_FIXED, 0, u->name, sizeof(u->name));
	str_at(d + SMMU_SNAP_UNIT_FIXED, n - SMMU_SNAP_UNIT_FIXED, 1, u->source, sizeof(u->source));
	return 0;
}

static int note_regs(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;

	if (n < SMMU_SNAP_REGS_FIXED)
		return bad(p->err, p->errlen, "register note of %zu bytes (at least %d)", n, SMMU_SNAP_REGS_FIXED);
	uint64_t base = snap_rd64(d);
	uint32_t count = snap_rd32(d + 8), rsize = snap_rd32(d + 12);
	if (rsize < SMMU_SNAP_REG_SIZE || count > (n - SMMU_SNAP_REGS_FIXED) / rsize)
		return bad(p->err, p->errlen, "register note of unit 0x%" PRIx64 ": %" PRIu32 " records of %" PRIu32
			   " bytes do not fit its %zu bytes", base, count, rsize, n);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *r = d + SMMU_SNAP_REGS_FIXED + (size_t)i * rsize;
		uint32_t off = snap_rd32(r);
		uint8_t size = r[4];
		if (size != 4 && size != 8)
			return bad(p->err, p->errlen, "register 0x%" PRIx64 "+0x%" PRIx32 ": access size %u", base, off,
				   size);
		if (base + off < base)
			return bad(p->err, p->errlen, "register 0x%" PRIx64 "+0x%" PRIx32 " wraps", base, off);
		if (grow((void **)&s->regs, s->nregs, &p->capreg, sizeof(*s->regs)))
			return -ENOMEM;
		s->regs[s->nregs++] = (struct smmu_snap_reg){ .addr = base + off, .size = size, .flags = r[5],
							      .value = snap_rd64(r + 8) };
	}
	return 0;
}

static int note_bars(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;
	struct smmu_snap_bars b;

	if (n < SMMU_SNAP_BARS_SIZE)
		return bad(p->err, p->errlen, "BAR sizes note of %zu bytes (at least %d)", n, SMMU_SNAP_BARS_SIZE);
	b.seg = snap_rd16(d);
	b.bdf = snap_rd16(d + 2);
	for (unsigned i = 0; i < 6; i++)
		b.size[i] = snap_rd64(d + 8 + 8 * i);
	if (grow((void **)&s->bars, s->nbars, &p->capbars, sizeof(*s->bars)))
		return -ENOMEM;
	s->bars[s->nbars++] = b;
	return 0;
}

int smmu_snap_bar_size(const struct smmu_snap *s, uint16_t seg, uint16_t bdf, unsigned bar, uint64_t *size)
{
	for (size_t i = 0; i < s->nbars; i++)
		if (s->bars[i].seg == seg && s->bars[i].bdf == bdf && bar < 6 && s->bars[i].size[bar]) {
			*size = s->bars[i].size[bar];
			return 0;
		}
	return -ENOENT;
}

static int note_blob(struct parse *p, bool fw, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;
	struct smmu_snap_blob b = { 0 };
	size_t fixed = fw ? SMMU_SNAP_FW_FIXED : SMMU_SNAP_PCI_FIXED;
	uint32_t len;

	if (n < fixed)
		return bad(p->err, p->errlen, "%s note of %zu bytes (at least %zu)", fw ? "firmware" : "PCI", n, fixed);
	uint32_t present;
	if (fw) {
		memcpy(b.name, d, 8);
		b.name[8] = '\0';
		for (char *c = b.name; *c; c++) /* a signature from the file, shown to people */
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
		len = snap_rd32(d + 8);
		present = snap_rd32(d + 12);
		if (len > SMMU_SNAP_MAX_FW || present > len)
			return bad(p->err, p->errlen, "firmware table %s: %" PRIu32 " bytes of %" PRIu32 " (at most %u MiB)",
				   b.name, present, len, SMMU_SNAP_MAX_FW >> 20);
	} else {
		b.bdf = snap_rd16(d + 2);
		len = snap_rd32(d + 4);
		if (len > 4096)
			return bad(p->err, p->errlen, "PCI %04x: %" PRIu32 " bytes of configuration space", b.bdf, len);
		present = len;
	}
	if (present > n - fixed)
		return bad(p->err, p->errlen, "%s note: %" PRIu32 " bytes claimed, %zu present", fw ? "firmware" : "PCI",
			   present, n - fixed);
	b.data = d + fixed;
	b.len = len;
	b.present = present;
	struct smmu_snap_blob **arr = fw ? &s->fw : &s->pci;
	size_t *cnt = fw ? &s->nfw : &s->npci;
	if (grow((void **)arr, *cnt, fw ? &p->capfw : &p->cappci, sizeof(**arr)))
		return -ENOMEM;
	(*arr)[(*cnt)++] = b;
	return 0;
}

static int note_faults(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;

	if (s->has_faults)
		return bad(p->err, p->errlen, "two fault notes");
	if (n < SMMU_SNAP_FAULTS_FIXED)
		return bad(p->err, p->errlen, "fault note of %zu bytes (at least %d)", n, SMMU_SNAP_FAULTS_FIXED);
	s->has_faults = true;
	s->totals = (struct smmu_fault_totals){ snap_rd64(d), snap_rd64(d + 8), snap_rd64(d + 16),
						snap_rd64(d + 24), snap_rd64(d + 32) };
	uint32_t count = snap_rd32(d + 40), rsize = snap_rd32(d + 44);
	if (rsize < SMMU_SNAP_FAULT_SIZE || count > (n - SMMU_SNAP_FAULTS_FIXED) / rsize)
		return bad(p->err, p->errlen, "fault note: %" PRIu32 " records of %" PRIu32 " bytes do not fit its %zu bytes",
			   count, rsize, n);
	if (count > SMMU_FAULT_RING)
		return bad(p->err, p->errlen, "fault note: %" PRIu32 " records (at most %d)", count, SMMU_FAULT_RING);
	if (count && !(s->faults = calloc(count, sizeof(*s->faults))))
		return -ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *r = d + SMMU_SNAP_FAULTS_FIXED + (size_t)i * rsize;
		struct smmu_snap_fault *f = &s->faults[s->nfaults++];
		f->f.seq = snap_rd64(r);
		f->f.ts_ns = snap_rd64(r + 8);
		f->unit_base = snap_rd64(r + 16);
		f->f.addr = snap_rd64(r + 24);
		f->f.stream.sid = snap_rd32(r + 32);
		f->f.stream.ssid = snap_rd32(r + 36);
		f->f.access = snap_rd32(r + 40);
		f->f.code = snap_rd32(r + 44);
		f->f.cls = snap_rd32(r + 48) <= SMMU_FC_OTHER ? (enum smmu_fault_class)snap_rd32(r + 48) : SMMU_FC_OTHER;
		f->f.stream.ssv = r[52] != 0;
		f->f.nraw = r[53] <= 4 ? r[53] : 4;
		for (int k = 0; k < 4; k++)
			f->f.raw[k] = snap_rd64(r + 56 + 8 * k);
		str_at(r + 88, 48, 0, f->code_name, sizeof(f->code_name));
		str_at(r + 136, 24, 0, f->raw_kind, sizeof(f->raw_kind));
	}
	return 0;
}

static int note_warning(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;
	char buf[256];

	str_at(d, n, 0, buf, sizeof(buf));
	if (grow((void **)&s->warnings, s->nwarnings, &p->capwarn, sizeof(*s->warnings)))
		return -ENOMEM;
	if (!(s->warnings[s->nwarnings] = strdup(buf)))
		return -ENOMEM;
	s->nwarnings++;
	return 0;
}

/* RAM ranges: at most SMMU_SNAP_MAX_RAM, each inside the 64-bit space. */
static int note_ram(struct parse *p, const uint8_t *d, size_t n)
{
	struct smmu_snap *s = p->s;

	if (n < SMMU_SNAP_RAM_FIXED)
		return bad(p->err, p->errlen, "RAM note of %zu bytes (at least %d)", n, SMMU_SNAP_RAM_FIXED);
	uint32_t count = snap_rd32(d);
	if (count > SMMU_SNAP_MAX_RAM || (n - SMMU_SNAP_RAM_FIXED) / 16 < count)
		return bad(p->err, p->errlen, "RAM note: %" PRIu32 " ranges in %zu bytes (at most %d)", count, n,
			   SMMU_SNAP_MAX_RAM);
	if (s->has_ram)
		return bad(p->err, p->errlen, "two RAM notes");
	for (uint32_t i = 0; i < count; i++) {
		uint64_t b = snap_rd64(d + SMMU_SNAP_RAM_FIXED + 16 * i), l = snap_rd64(d + SMMU_SNAP_RAM_FIXED + 16 * i + 8);
		if (!l || b + (l - 1) < b)
			return bad(p->err, p->errlen, "RAM range %" PRIu32 ": 0x%" PRIx64 "+0x%" PRIx64 " is empty or wraps", i,
				   b, l);
		s->ram[i][0] = b;
		s->ram[i][1] = l;
	}
	s->nram = count;
	s->has_ram = true;
	return 0;
}

static int parse_notes(struct parse *p, const uint8_t *d, size_t n, unsigned align, size_t *nnotes)
{
	size_t off = 0;

	while (off < n) {
		if (n - off < 12)
			return bad(p->err, p->errlen, "a note header cut short at note offset %zu", off);
		uint64_t namesz = snap_rd32(d + off), descsz = snap_rd32(d + off + 4);
		uint32_t type = snap_rd32(d + off + 8);
		uint64_t name_off = off + 12;
		uint64_t desc_off = name_off + ((namesz + align - 1) & ~(uint64_t)(align - 1));
		uint64_t next = desc_off + ((descsz + align - 1) & ~(uint64_t)(align - 1));
		if (!inside(name_off, namesz, n) || !inside(desc_off, descsz, n))
			return bad(p->err, p->errlen, "note %zu (type %" PRIu32 ") runs past its segment: name %" PRIu64
				   " and %" PRIu64 " bytes of data at offset %zu", *nnotes, type, namesz, descsz, off);
		if (++*nnotes > SMMU_SNAP_MAX_NOTES)
			return bad(p->err, p->errlen, "more than %u notes", SMMU_SNAP_MAX_NOTES);
		const uint8_t *desc = d + desc_off;
		if (namesz == sizeof(SMMU_SNAP_OWNER) && !memcmp(d + name_off, SMMU_SNAP_OWNER, namesz)) {
			int rc = 0;
			switch (type) {
			case SMMU_SNAP_NT_HEADER: rc = note_header(p, desc, descsz); break;
			case SMMU_SNAP_NT_UNIT: rc = note_unit(p, desc, descsz); break;
			case SMMU_SNAP_NT_REGS: rc = note_regs(p, desc, descsz); break;
			case SMMU_SNAP_NT_FW: rc = note_blob(p, true, desc, descsz); break;
			case SMMU_SNAP_NT_PCI: rc = note_blob(p, false, desc, descsz); break;
			case SMMU_SNAP_NT_DEVICE:
				if (descsz < SMMU_SNAP_DEVICE_FIXED)
					rc = bad(p->err, p->errlen, "device note of %" PRIu64 " bytes (at least %d)", descsz,
						 SMMU_SNAP_DEVICE_FIXED);
				p->s->ndevices++;
				break;
			case SMMU_SNAP_NT_FAULTS: rc = note_faults(p, desc, descsz); break;
			case SMMU_SNAP_NT_WARNING: rc = note_warning(p, desc, descsz); break;
			case SMMU_SNAP_NT_RAM: rc = note_ram(p, desc, descsz); break;
			case SMMU_SNAP_NT_BARS: rc = note_bars(p, desc, descsz); break;
			default: break; /* a newer minor addition: skipped */
			}
			if (rc)
				return rc;
		}
		if (next > n)
			break; /* the last note's padding may be absent */
		off = next;
	}
	return 0;
}

/* Bytes of the file: from the map, or read. */
static int src_read(const struct smmu_snap *s, uint64_t off, void *buf, size_t len)
{
	if (!inside(off, len, s->size))
		return -EFAULT;
	if (s->mapped) {
		memcpy(buf, s->map + off, len);
		return 0;
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(s->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

static int parse(struct smmu_snap *s, char *err, size_t errlen)
{
	struct parse p = { .s = s, .err = err, .errlen = errlen };
	uint8_t eh[sizeof(Elf64_Ehdr)], *ph = NULL;
	uint64_t note_bytes = 0;
	size_t nnotes = 0;
	int rc;

	if (s->size < sizeof(eh) || src_read(s, 0, eh, sizeof(eh)) || memcmp(eh, ELFMAG, SELFMAG))
		return bad(err, errlen, "not an ELF file");
	if (eh[EI_CLASS] != ELFCLASS64)
		return bad(err, errlen, "not a 64-bit ELF file (class %u)", eh[EI_CLASS]);
	if (eh[EI_DATA] != ELFDATA2LSB)
		return bad(err, errlen, "a big-endian ELF file (only little-endian cores are read)");
	if (snap_rd16(eh + 16) != ET_CORE)
		return bad(err, errlen, "not an ELF core file (e_type %u)", snap_rd16(eh + 16));
	s->e_machine = snap_rd16(eh + 18);
	uint64_t phoff = snap_rd64(eh + 32), shoff = snap_rd64(eh + 40);
	uint16_t phentsize = snap_rd16(eh + 54), shentsize = snap_rd16(eh + 58);
	uint64_t phnum = snap_rd16(eh + 56);
	if (phnum == PN_XNUM) { /* the real count is section 0's sh_info */
		uint8_t sh[sizeof(Elf64_Shdr)];
		if (shentsize != sizeof(Elf64_Shdr) || src_read(s, shoff, sh, sizeof(sh)))
			return bad(err, errlen, "e_phnum is PN_XNUM but section header 0 is not in the file");
		phnum = snap_rd32(sh + 44);
	}
	if (phnum && phentsize != sizeof(Elf64_Phdr))
		return bad(err, errlen, "program headers of %u bytes (ELF64 has %zu)", phentsize, sizeof(Elf64_Phdr));
	if (phnum > SMMU_SNAP_MAX_SEGMENTS)
		return bad(err, errlen, "%" PRIu64 " program headers (at most %u)", phnum, SMMU_SNAP_MAX_SEGMENTS);
	if (!inside(phoff, phnum * sizeof(Elf64_Phdr), s->size))
		return bad(err, errlen, "%" PRIu64 " program headers at offset %" PRIu64
			   " run past the end of the file (%" PRIu64 " bytes)", phnum, phoff, s->size);
	if (phnum && !(ph = malloc(phnum * sizeof(Elf64_Phdr))))
		return -ENOMEM;
	if (phnum && (rc = src_read(s, phoff, ph, phnum * sizeof(Elf64_Phdr)))) {
		free(ph);
		return bad(err, errlen, "cannot read the program headers: %s", strerror(-rc));
	}
	/* notes first: they say whether the file is smmush's */
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *h = ph + i * sizeof(Elf64_Phdr);
		uint64_t off = snap_rd64(h + 8), filesz = snap_rd64(h + 32), align = snap_rd64(h + 48);
		if (snap_rd32(h) != PT_NOTE)
			continue;
		if (!inside(off, filesz, s->size)) {
			rc = bad(err, errlen, "note segment %" PRIu64 ": %" PRIu64 " bytes at offset %" PRIu64
				 " run past the end of the file (%" PRIu64 " bytes)", i, filesz, off, s->size);
			goto fail;
		}
		if ((note_bytes += filesz) > SMMU_SNAP_MAX_NOTE_BYTES) {
			rc = bad(err, errlen, "more than %u MiB of notes", SMMU_SNAP_MAX_NOTE_BYTES >> 20);
			goto fail;
		}
		uint8_t *nb = malloc(filesz ? filesz : 1), **nbs;
		if (!nb || !(nbs = realloc(s->notebufs, (s->nnotebufs + 1) * sizeof(*nbs)))) {
			free(nb);
			rc = -ENOMEM;
			goto fail;
		}
		s->notebufs = nbs;
		s->notebufs[s->nnotebufs++] = nb;
		if ((rc = src_read(s, off, nb, filesz))) {
			rc = bad(err, errlen, "cannot read note segment %" PRIu64 ": %s", i, strerror(-rc));
			goto fail;
		}
		if ((rc = parse_notes(&p, nb, filesz, align == 8 ? 8 : 4, &nnotes)))
			goto fail;
	}
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *h = ph + i * sizeof(Elf64_Phdr);
		uint64_t off = snap_rd64(h + 8), paddr = snap_rd64(h + 24);
		uint64_t filesz = snap_rd64(h + 32), memsz = snap_rd64(h + 40);
		if (snap_rd32(h) != PT_LOAD)
			continue;
		if (filesz > memsz) {
			rc = bad(err, errlen, "segment %" PRIu64 ": %" PRIu64 " bytes in the file but %" PRIu64 " in memory",
				 i, filesz, memsz);
			goto fail;
		}
		if (!inside(off, filesz, s->size)) {
			rc = bad(err, errlen, "segment %" PRIu64 " (0x%" PRIx64 "): %" PRIu64 " bytes at offset %" PRIu64
				 " run past the end of the file (%" PRIu64 " bytes)", i, paddr, filesz, off, s->size);
			goto fail;
		}
		if (!memsz)
			continue;
		if (paddr == UINT64_MAX && !s->ours) { /* /proc/kcore: no physical address */
			s->skipped++;
			continue;
		}
		if (paddr + (memsz - 1) < paddr) {
			rc = bad(err, errlen, "segment %" PRIu64 ": 0x%" PRIx64 " + 0x%" PRIx64 " wraps around the address space",
				 i, paddr, memsz);
			goto fail;
		}
		if ((rc = grow((void **)&s->segs, s->nsegs, &p.capseg, sizeof(*s->segs))))
			goto fail;
		s->segs[s->nsegs++] = (struct smmu_snap_seg){ paddr, memsz, filesz, off };
	}
	free(ph);
	ph = NULL;
	if (s->nsegs)
		qsort(s->segs, s->nsegs, sizeof(*s->segs), cmp_seg);
	size_t k = 0;
	for (size_t i = 0; i < s->nsegs; i++) {
		struct smmu_snap_seg g = s->segs[i];
		if (k && g.pa <= s->segs[k - 1].pa + (s->segs[k - 1].memsz - 1)) {
			if (s->ours) {
				rc = bad(err, errlen, "segments at 0x%" PRIx64 " and 0x%" PRIx64 " overlap", s->segs[k - 1].pa,
					 g.pa);
				goto fail;
			}
			/* A vmcore maps the kernel image twice, once inside a RAM
			 * range: what an earlier (larger, see cmp_seg) segment
			 * covers is taken from it, the rest of this one is kept. */
			uint64_t end = s->segs[k - 1].pa + (s->segs[k - 1].memsz - 1);
			if (g.pa + (g.memsz - 1) <= end) {
				s->skipped++;
				continue;
			}
			uint64_t cut = end + 1 - g.pa;
			g.pa += cut;
			g.memsz -= cut;
			g.off += cut < g.filesz ? cut : g.filesz;
			g.filesz -= cut < g.filesz ? cut : g.filesz;
		}
		s->segs[k++] = g;
	}
	s->nsegs = k;
	if (s->nregs) {
		qsort(s->regs, s->nregs, sizeof(*s->regs), cmp_reg);
		for (size_t i = 1; i < s->nregs; i++)
			if (s->regs[i].addr == s->regs[i - 1].addr && s->regs[i].size == s->regs[i - 1].size) {
				rc = bad(err, errlen, "register 0x%" PRIx64 " recorded twice", s->regs[i].addr);
				goto fail;
			}
	}
	return 0;
fail:
	free(ph);
	return rc;
}

int smmu_snap_parse(struct smmu_snap *s, const void *buf, size_t len, char *err, size_t errlen)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->map = buf;
	s->size = len;
	s->mapped = true;
	s->fd = -1;
	if ((rc = parse(s, err, errlen)))
		smmu_snap_free(s);
	return rc;
}

int smmu_snap_open(struct smmu_snap *s, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: is a directory", path);
		return -EISDIR;
	}
	s->size = (uint64_t)st.st_size;
	void *m = S_ISREG(st.st_mode) && st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
							 : MAP_FAILED;
	if (m != MAP_FAILED) {
		s->map = m;
		s->mapped = s->owns_map = true;
		close(fd);
	} else {
		s->fd = fd; /* /proc/kcore: read as needed */
	}
	if ((rc = parse(s, err, errlen))) {
		char why[256];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
		smmu_snap_free(s);
	}
	return rc;
}

void smmu_snap_free(struct smmu_snap *s)
{
	if (s->owns_map && s->map)
		munmap((void *)s->map, (size_t)s->size);
	if (!s->mapped && s->fd >= 0)
		close(s->fd);
	for (size_t i = 0; i < s->nnotebufs; i++)
		free(s->notebufs[i]);
	free(s->notebufs);
	free(s->segs);
	free(s->regs);
	free(s->units);
	free(s->fw);
	free(s->pci);
	free(s->bars);
	free(s->faults);
	for (size_t i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* The segment holding pa, or NULL. */
static const struct smmu_snap_seg *seg_at(const struct smmu_snap *s, uint64_t pa)
{
	size_t lo = 0, hi = s->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct smmu_snap_seg *g = &s->segs[mid];
		if (pa < g->pa)
			hi = mid;
		else if (pa - g->pa >= g->memsz)
			lo = mid + 1;
		else
			return g;
	}
	return NULL;
}

int smmu_snap_mem(const struct smmu_snap *s, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		const struct smmu_snap_seg *g = seg_at(s, pa);
		if (!g)
			return -EFAULT;
		uint64_t off = pa - g->pa, n = g->memsz - off;
		if (n > len)
			n = len;
		for (uint64_t done = 0; done < n;) { /* file bytes, then zeros past filesz */
			uint64_t o = off + done, m = n - done;
			if (o < g->filesz) {
				if (m > g->filesz - o)
					m = g->filesz - o;
				int rc = src_read(s, g->off + o, out + done, m);
				if (rc)
					return rc;
			} else {
				memset(out + done, 0, m);
			}
			done += m;
		}
		out += n;
		len -= n;
		pa += n;
		if (len && !pa)
			return -EFAULT; /* past the top of the address space */
	}
	return 0;
}

uint64_t smmu_snap_mem_bytes(const struct smmu_snap *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < s->nsegs; i++)
		n += s->segs[i].memsz;
	return n;
}

static const struct smmu_snap_reg *reg_at(const struct smmu_snap *s, uint64_t addr, unsigned size)
{
	size_t lo = 0, hi = s->nregs;
	struct smmu_snap_reg key = { .addr = addr, .size = (uint8_t)size };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_reg(&key, &s->regs[mid]);
		if (!c)
			return &s->regs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int smmu_snap_reg(const struct smmu_snap *s, uint64_t addr, unsigned size, uint64_t *v)
{
	const struct smmu_snap_reg *r = reg_at(s, addr, size), *hi;

	if (r) {
		*v = r->value;
		return r->flags & SMMU_SNAP_REG_FAILED ? -EIO : 0;
	}
	if (size == 8 && (r = reg_at(s, addr, 4)) && (hi = reg_at(s, addr + 4, 4))) {
		*v = (r->value & 0xffffffffu) | hi->value << 32;
		return (r->flags | hi->flags) & SMMU_SNAP_REG_FAILED ? -EIO : 0;
	}
	if (size == 4 && (r = reg_at(s, addr, 8))) {
		*v = r->value & 0xffffffffu;
		return r->flags & SMMU_SNAP_REG_FAILED ? -EIO : 0;
	}
	if (size == 4 && addr >= 4 && (r = reg_at(s, addr - 4, 8))) {
		*v = r->value >> 32;
		return r->flags & SMMU_SNAP_REG_FAILED ? -EIO : 0;
	}
	return -ENXIO;
}
