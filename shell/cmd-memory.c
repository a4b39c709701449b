/* SPDX-License-Identifier: MIT */
/*
 * Memory as the CPU sees it: x (examine, gdb-like), dis (disassemble with
 * capstone), wb/wh/ww/wg (store values) and fill.  An address is physical,
 * or DEVICE:IOVA resolved through the device's live translation page by
 * page, so a range that crosses pages follows the tables.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_CAPSTONE
#include "shell/capstone-load.h"
#endif

#include "memfmt.h"
#include "shell.h"

#define X_MAX_BYTES (1u << 20)     /* one x: output a person can still page through */
#define DIS_MAX 4096               /* instructions per dis */
#define FILL_MAX (64u << 20)
#define PIECE 4096                 /* reads go in page pieces: backends move pages */
#define ERRLEN 256

/* One contiguous piece of a range: IOVA (or physical) va maps to pa. */
struct seg {
	uint64_t va, pa, len;
};

/* An address argument, resolved to physical segments. */
struct span {
	const char *arg;            /* as typed, for messages */
	struct mem_addr a;
	struct smmu_device *dev;    /* NULL: a physical address */
	bool identity;              /* a device no unit translates: IOVA = PA */
	struct seg *seg;
	size_t nseg, cap;
	uint64_t len;               /* bytes resolved */
	char stop[600];             /* a partial span: why the rest did not resolve */
};

static void span_free(struct span *s)
{
	free(s->seg);
	s->seg = NULL;
	s->nseg = s->cap = 0;
}

/* Parse ADDR and look its device up: no hardware access yet. */
static int parse_addr(struct shell *sh, const char *cmd, const char *arg, struct span *s)
{
	char err[ERRLEN];
	int rc;

	memset(s, 0, sizeof(*s));
	s->arg = arg;
	if ((rc = mem_parse_addr(arg, &s->a, err, sizeof(err)))) {
		shell_error("%s: %s", cmd, err);
		return rc;
	}
	if (s->a.dev && !(s->dev = shell_device(sh, cmd, s->a.device)))
		return -ENODEV;
	/* the last of a memory command's arguments: the machine is needed now */
	return shell_target(sh) ? 0 : -ENODEV;
}

static int span_add(struct span *s, uint64_t va, uint64_t pa, uint64_t len)
{
	struct seg *last = s->nseg ? &s->seg[s->nseg - 1] : NULL;

	s->len += len;
	if (last && last->va + last->len == va && last->pa + last->len == pa) {
		last->len += len; /* physically contiguous pages read as one */
		return 0;
	}
	if (s->nseg == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct seg *n = realloc(s->seg, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->seg = n;
		s->cap = cap;
	}
	s->seg[s->nseg++] = (struct seg){ va, pa, len };
	return 0;
}

/*
 * Resolve len bytes at the span's address to physical segments.  Nothing is
 * accessed but the translation structures.  partial: a page that does not
 * translate ends the span (its reason kept in stop) once some bytes resolved.
 */
static int resolve(struct shell *sh, const char *cmd, struct span *s, uint64_t len, bool partial)
{
	struct smmu_device_info di;
	uint64_t done = 0;
	int rc;

	if (s->a.addr > UINT64_MAX - (len - 1)) {
		shell_error("%s: %s: %" PRIu64 " bytes run past the end of the address space", cmd, s->arg, len);
		return -ERANGE;
	}
	if (!s->dev)
		return span_add(s, s->a.addr, s->a.addr, len);
	smmu_device_info(s->dev, &di);
	if (!di.unit) {
		s->identity = true;
		return span_add(s, s->a.addr, s->a.addr, len);
	}
	while (done < len) {
		struct smmu_fault f = { .unit = di.unit, .dev = s->dev, .stream.sid = di.sid };
		struct smmu_explain ex;
		uint64_t va = s->a.addr + done, chunk = len - done;

		f.addr = va;
		/* access 0: smmush is the CPU here, so any valid mapping resolves */
		if ((rc = smmu_fault_explain(sh->t, &f, &ex)))
			return shell_lib_error(cmd, "reading the translation", rc);
		if (!ex.tr.ok) {
			if (partial && done) {
				snprintf(s->stop, sizeof(s->stop), "%s IOVA 0x%" PRIx64 " does not translate: %s",
					 di.addr, va, ex.text);
				return 0;
			}
			shell_error("%s: %s IOVA 0x%" PRIx64 " does not translate: %s", cmd, di.addr, va, ex.text);
			return -EFAULT;
		}
		if (ex.tr.walked && ex.tr.x.page_size) {
			uint64_t left = ex.tr.x.page_size - (va & (ex.tr.x.page_size - 1));
			if (left < chunk)
				chunk = left;
		}
		if ((rc = span_add(s, va, ex.tr.pa, chunk)))
			return shell_lib_error(cmd, "resolving", rc);
		done += chunk;
	}
	return 0;
}

/* Where a physical access went wrong, for messages. */
static void where(const char *verb, const struct span *s, const struct seg *g, uint64_t off, char *buf,
		  size_t n)
{
	if (s->dev)
		snprintf(buf, n, "%s %s IOVA 0x%" PRIx64 " (physical 0x%" PRIx64 ")", verb, s->a.device,
			 g->va + off, g->pa + off);
	else
		snprintf(buf, n, "%s 0x%" PRIx64, verb, g->pa + off);
}

/* Read the resolved span into buf; partial: a failing read after the first
 * piece shortens the span instead of failing. */
static int span_read(struct shell *sh, const char *cmd, struct span *s, uint8_t *buf, bool partial)
{
	uint64_t got = 0;
	char w[160];
	int rc;

	for (size_t i = 0; i < s->nseg; i++) {
		const struct seg *g = &s->seg[i];
		for (uint64_t off = 0; off < g->len;) {
			uint64_t n = PIECE - ((g->pa + off) & (PIECE - 1));
			if (n > g->len - off)
				n = g->len - off;
			if ((rc = smmu_mem_read(sh->t, g->pa + off, buf + got, n))) {
				where("reading", s, g, off, w, sizeof(w));
				if (partial && got) {
					snprintf(s->stop, sizeof(s->stop), "%s: %s", w, smmu_strerror(rc));
					s->len = got;
					return 0;
				}
				return shell_mem_error(sh, cmd, w, rc);
			}
			off += n;
			got += n;
		}
	}
	return 0;
}

static int span_write(struct shell *sh, const char *cmd, struct span *s, const uint8_t *buf, uint64_t stride)
{
	uint64_t done = 0;
	char w[160];
	int rc;

	/* stride 0: buf holds the whole range; otherwise buf repeats every stride bytes */
	for (size_t i = 0; i < s->nseg; i++) {
		const struct seg *g = &s->seg[i];
		for (uint64_t off = 0; off < g->len;) {
			uint64_t n = g->len - off;
			if (stride && n > stride)
				n = stride;
			if ((rc = smmu_mem_write(sh->t, g->pa + off, stride ? buf : buf + done, n))) {
				where("writing", s, g, off, w, sizeof(w));
				return shell_mem_error(sh, cmd, w, rc);
			}
			off += n;
			done += n;
		}
	}
	return 0;
}

#if HAVE_CAPSTONE
/* Keep only the first len bytes (what dis used of what it read). */
static void span_trim(struct span *s, uint64_t len)
{
	uint64_t at = 0;

	for (size_t i = 0; i < s->nseg; i++) {
		if (at + s->seg[i].len >= len) {
			s->seg[i].len = len - at;
			s->nseg = i + 1;
			break;
		}
		at += s->seg[i].len;
	}
	s->len = len;
}
#endif

/* Text output through a device says where each piece really is. */
static void print_segments(struct shell *sh, const struct span *s)
{
	if (!s->dev || sh->json)
		return;
	if (s->identity) {
		fprintf(sh->out, "# %s: no IOMMU unit translates it: IOVA = physical\n", s->a.device);
		return;
	}
	for (size_t i = 0; i < s->nseg; i++)
		fprintf(sh->out, "# %s IOVA 0x%" PRIx64 "-0x%" PRIx64 " -> physical 0x%" PRIx64 "-0x%" PRIx64 "\n",
			s->a.device, s->seg[i].va, s->seg[i].va + s->seg[i].len - 1, s->seg[i].pa,
			s->seg[i].pa + s->seg[i].len - 1);
}

static void json_segments(struct shell *sh, const struct span *s)
{
	if (!s->dev)
		return;
	smmu_json_kstr(&sh->j, "device", s->a.device);
	smmu_json_key(&sh->j, "translation");
	smmu_json_arr_begin(&sh->j);
	for (size_t i = 0; i < s->nseg; i++) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_khex(&sh->j, "iova", s->seg[i].va);
		smmu_json_khex(&sh->j, "physical", s->seg[i].pa);
		smmu_json_khex(&sh->j, "size", s->seg[i].len);
		smmu_json_obj_end(&sh->j);
	}
	smmu_json_arr_end(&sh->j);
}

static unsigned hex_digits(uint64_t v)
{
	unsigned n = 1;

	while (v >>= 4)
		n++;
	return n;
}

/* --- x ------------------------------------------------------------------------------ */

static uint64_t load_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size; i--;)
		v = v << 8 | p[i];
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned shift = 64 - size * 8;

	return (int64_t)(v << shift) >> shift;
}

static int value_width(char format, unsigned size)
{
	static const int dec[] = { [1] = 4, [2] = 6, [4] = 11, [8] = 20 };
	static const int udec[] = { [1] = 3, [2] = 5, [4] = 10, [8] = 20 };

	return format == 'd' ? dec[size] : format == 'u' ? udec[size] : 2 + 2 * (int)size;
}

static void x_text(struct shell *sh, const struct span *s, const uint8_t *buf, unsigned size, char format,
		   uint64_t count)
{
	unsigned per_row = 16 / size, aw = hex_digits(s->a.addr + count * size - 1);
	int vw = value_width(format, size);

	if (aw < 8)
		aw = 8;
	print_segments(sh, s);
	for (uint64_t i = 0; i < count; i += per_row) {
		unsigned n = count - i < per_row ? (unsigned)(count - i) : per_row;
		fprintf(sh->out, "0x%0*" PRIx64 ":", (int)aw, s->a.addr + i * size);
		for (unsigned k = 0; k < n; k++) {
			uint64_t v = load_le(buf + (i + k) * size, size);
			if (format == 'd')
				fprintf(sh->out, "  %*" PRId64, vw, sign_extend(v, size));
			else if (format == 'u')
				fprintf(sh->out, "  %*" PRIu64, vw, v);
			else
				fprintf(sh->out, "  0x%0*" PRIx64, vw - 2, v);
		}
		if (size == 1 && format == 'x') { /* hexdump's printable column, aligned across rows */
			fprintf(sh->out, "%*s  |", count > per_row ? (int)(per_row - n) * (vw + 2) : 0, "");
			for (unsigned k = 0; k < n; k++) {
				uint8_t c = buf[i + k];
				fputc(c >= 0x20 && c < 0x7f ? c : '.', sh->out);
			}
			fputc('|', sh->out);
		}
		fputc('\n', sh->out);
	}
}

static void x_json(struct shell *sh, const struct span *s, const uint8_t *buf, unsigned size, char format,
		   uint64_t count)
{
	char f[2] = { format, '\0' };

	shell_json_begin(sh);
	smmu_json_khex(&sh->j, "address", s->a.addr);
	smmu_json_ku64(&sh->j, "unit_size", size);
	smmu_json_kstr(&sh->j, "format", f);
	json_segments(sh, s);
	smmu_json_key(&sh->j, "values");
	smmu_json_arr_begin(&sh->j);
	/* hex as "0x.." strings (JSON numbers lose bits past 2^53), d and u as numbers */
	for (uint64_t i = 0; i < count; i++) {
		uint64_t v = load_le(buf + i * size, size);
		if (format == 'd')
			smmu_json_i64(&sh->j, sign_extend(v, size));
		else if (format == 'u')
			smmu_json_u64(&sh->j, v);
		else
			smmu_json_hex(&sh->j, v);
	}
	smmu_json_arr_end(&sh->j);
	shell_json_end(sh);
}

static int cmd_x(struct shell *sh, int argc, char **argv)
{
	struct mem_fmt fmt = { 0 };
	struct span s;
	char err[ERRLEN];
	uint64_t count;
	uint8_t *buf;
	int i = 1, rc;

	if (argc > 1 && argv[1][0] == '/') {
		if ((rc = mem_parse_fmt(argv[1], &fmt, err, sizeof(err)))) {
			shell_error("x: %s", err);
			return rc;
		}
		i++;
	}
	if (argc - i < 1 || argc - i > 2) {
		shell_error("x: %s arguments: expected x[/FMT] ADDR [N]", argc - i < 1 ? "missing" : "too many");
		return -EINVAL;
	}
	unsigned size = fmt.size ? fmt.size : 4;
	char format = fmt.format ? fmt.format : 'x';
	count = fmt.count ? fmt.count : 1;
	if (argc - i == 2) {
		if (fmt.count) {
			shell_error("x: the count is given twice ('%s' and N %s)", argv[1], argv[i + 1]);
			return -EINVAL;
		}
		if (shell_parse_u64("x: N", argv[i + 1], &count))
			return -EINVAL;
		if (!count) {
			shell_error("x: N must be at least 1");
			return -EINVAL;
		}
	}
	if (count > X_MAX_BYTES / size) {
		shell_error("x: %" PRIu64 " units of %u bytes: more than x shows at once (%u KiB)", count, size,
			    X_MAX_BYTES >> 10);
		return -E2BIG;
	}
	if ((rc = parse_addr(sh, "x", argv[i], &s)))
		return rc;
	if ((rc = resolve(sh, "x", &s, count * size, false))) {
		span_free(&s);
		return rc;
	}
	if (!(buf = malloc(count * size))) {
		span_free(&s);
		return shell_lib_error("x", "buffer", -ENOMEM);
	}
	if (!(rc = span_read(sh, "x", &s, buf, false))) {
		if (sh->json)
			x_json(sh, &s, buf, size, format, count);
		else
			x_text(sh, &s, buf, size, format, count);
	}
	free(buf);
	span_free(&s);
	return rc;
}

/* --- dis ---------------------------------------------------------------------------- */
#if HAVE_CAPSTONE

struct dis_arch {
	const char *name;
	cs_arch arch;
	cs_mode mode;
	unsigned min, max;   /* instruction length: the skip over bad bytes, the most one takes */
};

static const struct dis_arch dis_arches[] = {
	{ "arm64", CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, 4, 4 },
	{ "arm", CS_ARCH_ARM, CS_MODE_ARM, 4, 4 },
	{ "thumb", CS_ARCH_ARM, CS_MODE_THUMB, 2, 4 },
	{ "x86-64", CS_ARCH_X86, CS_MODE_64, 1, 15 },
#if CS_API_MAJOR >= 5
	{ "riscv64", CS_ARCH_RISCV, CS_MODE_RISCV64 | CS_MODE_RISCVC, 2, 4 },
#else
	{ "riscv64", CS_ARCH_MAX, 0, 2, 4 }, /* capstone 4 has no RISC-V */
#endif
};

struct dis_line {
	uint64_t addr;
	unsigned size;
	uint8_t bytes[16];
	char mnemonic[32];
	char operands[160];
};

static const struct dis_arch *find_arch(const char *name)
{
	for (size_t k = 0; k < sizeof(dis_arches) / sizeof(dis_arches[0]); k++)
		if (!strcmp(name, dis_arches[k].name))
			return &dis_arches[k];
	return NULL;
}

static const struct dis_arch *default_arch(struct shell *sh)
{
	struct smmu_unit_info ui;
	const char *isa;

	/* the CPU that goes with the IOMMU: Arm with SMMUv3, x86 with VT-d;
	 * without units, what the machine's firmware tables say */
	if (smmu_unit_count(sh->t)) {
		smmu_unit_info(smmu_unit_at(sh->t, sh->unit < smmu_unit_count(sh->t) ? sh->unit : 0), &ui);
		isa = ui.arch == SMMU_ARCH_SMMUV3 ? "arm64" : "x86-64";
	} else {
		isa = smmu_target_isa(sh->t);
	}
	return find_arch(isa && find_arch(isa) ? isa : "arm64");
}

static void dis_bad(struct dis_line *l, uint64_t addr, const uint8_t *p, unsigned n)
{
	size_t len = 0;

	l->addr = addr;
	l->size = n;
	memcpy(l->bytes, p, n);
	snprintf(l->mnemonic, sizeof(l->mnemonic), ".byte");
	l->operands[0] = '\0';
	for (unsigned k = 0; k < n; k++)
		len += snprintf(l->operands + len, sizeof(l->operands) - len, "%s0x%02x", k ? ", " : "", p[k]);
}

static void dis_print(struct shell *sh, const struct dis_arch *da, const struct dis_line *l, size_t n)
{
	unsigned bw = (da->max > 8 ? 8 : da->max) * 3, aw = 8;

	if (n && hex_digits(l[n - 1].addr) > aw)
		aw = hex_digits(l[n - 1].addr);
	if (sh->json)
		smmu_json_arr_begin(&sh->j);
	for (size_t i = 0; i < n; i++) {
		char bytes[16 * 3 + 1] = "";
		size_t len = 0;
		for (unsigned k = 0; k < l[i].size; k++)
			len += snprintf(bytes + len, sizeof(bytes) - len, sh->json ? "%02x" : "%02x ", l[i].bytes[k]);
		if (sh->json) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_khex(&sh->j, "address", l[i].addr);
			smmu_json_kstr(&sh->j, "bytes", bytes);
			smmu_json_kstr(&sh->j, "mnemonic", l[i].mnemonic);
			smmu_json_kstr(&sh->j, "operands", l[i].operands);
			smmu_json_obj_end(&sh->j);
			continue;
		}
		if (l[i].operands[0])
			fprintf(sh->out, "0x%0*" PRIx64 ":  %-*s %-7s %s\n", (int)aw, l[i].addr, (int)bw, bytes,
				l[i].mnemonic, l[i].operands);
		else
			fprintf(sh->out, "0x%0*" PRIx64 ":  %-*s %s\n", (int)aw, l[i].addr, (int)bw, bytes,
				l[i].mnemonic);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
	}
}

static int cmd_dis(struct shell *sh, int argc, char **argv)
{
	const struct dis_arch *da = NULL;
	const char *pos[2];
	int npos = 0, rc;
	uint64_t count = 16;
	struct span s;

	for (int i = 1; i < argc; i++) {
		const char *name = NULL;
		if (!strcmp(argv[i], "--arch")) {
			if (++i == argc) {
				shell_error("dis: --arch needs a value (arm64, arm, thumb, x86-64, riscv64)");
				return -EINVAL;
			}
			name = argv[i];
		} else if (!strncmp(argv[i], "--arch=", 7)) {
			name = argv[i] + 7;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			shell_error("dis: unknown option '%s' (--arch)", argv[i]);
			return -EINVAL;
		} else if (npos == 2) {
			shell_error("dis: too many arguments: expected dis ADDR [N] [--arch ARCH]");
			return -EINVAL;
		} else {
			pos[npos++] = argv[i];
			continue;
		}
		if (!(da = find_arch(name))) {
			shell_error("dis: unknown architecture '%s' (arm64, arm, thumb, x86-64, riscv64)", name);
			return -EINVAL;
		}
	}
	if (!npos) {
		shell_error("dis: missing arguments: expected dis ADDR [N] [--arch ARCH]");
		return -EINVAL;
	}
	if (da && da->arch == CS_ARCH_MAX) {
		shell_error("dis: riscv64 needs capstone 5 (smmush was built with capstone %d.%d)", CS_API_MAJOR,
			    CS_API_MINOR);
		return -ENOTSUP;
	}
	if (npos == 2) {
		if (shell_parse_u64("dis: N", pos[1], &count))
			return -EINVAL;
		if (!count || count > DIS_MAX) {
			shell_error("dis: N must be 1 to %u, not %s", DIS_MAX, pos[1]);
			return -EINVAL;
		}
	}
	if ((rc = parse_addr(sh, "dis", pos[0], &s)))
		return rc;
	if (!da)
		da = default_arch(sh);

	const char *why;
	const struct capstone_fns *cf = shell_capstone(&why);
	if (!cf) {
		shell_error("dis: the disassembler is not installed: %s", why);
		return -ENOTSUP;
	}
	csh cs;
	cs_err ce = cf->open(da->arch, da->mode, &cs);
	if (ce != CS_ERR_OK) {
		shell_error("dis: capstone cannot disassemble %s: %s", da->name, cf->strerror(ce));
		return -ENOTSUP;
	}
	uint64_t want = count * da->max;
	uint8_t *buf = NULL;
	struct dis_line *lines = NULL;
	cs_insn *insn = NULL;
	size_t n = 0;
	/* an instruction sequence may end before the memory does: read what resolves */
	if ((rc = resolve(sh, "dis", &s, want, true)))
		goto out;
	rc = -ENOMEM;
	if (!(buf = malloc(s.len)) || !(lines = calloc(count, sizeof(*lines))) || !(insn = cf->malloc(cs))) {
		shell_lib_error("dis", "buffer", rc);
		goto out;
	}
	if ((rc = span_read(sh, "dis", &s, buf, true)))
		goto out;
	const uint8_t *code = buf;
	size_t left = s.len;
	uint64_t addr = s.a.addr;
	while (n < count && left) {
		const uint8_t *at = code;
		uint64_t a0 = addr;
		if (cf->disasm_iter(cs, &code, &left, &addr, insn)) {
			struct dis_line *l = &lines[n++];
			l->addr = insn->address;
			l->size = insn->size < sizeof(l->bytes) ? insn->size : sizeof(l->bytes);
			memcpy(l->bytes, insn->bytes, l->size);
			snprintf(l->mnemonic, sizeof(l->mnemonic), "%s", insn->mnemonic);
			snprintf(l->operands, sizeof(l->operands), "%s", insn->op_str);
			continue;
		}
		/* undecodable: show the bytes and step over the shortest instruction,
		 * unless the bytes simply ran out where memory stopped resolving */
		if (s.stop[0] && left < da->max)
			break;
		unsigned skip = left < da->min ? (unsigned)left : da->min;
		dis_bad(&lines[n++], a0, at, skip);
		code = at + skip;
		left -= skip;
		addr = a0 + skip;
	}
	if (n < count) {
		shell_error("dis: %zu of %" PRIu64 " instructions: %s", n, count, s.stop[0] ? s.stop : "memory ended");
		rc = -EFAULT;
		goto out;
	}
	span_trim(&s, lines[n - 1].addr + lines[n - 1].size - s.a.addr);
	print_segments(sh, &s);
	dis_print(sh, da, lines, n);
	rc = 0;
out:
	if (insn)
		cf->free(insn, 1);
	cf->close(&cs);
	free(lines);
	free(buf);
	span_free(&s);
	return rc;
}
#else
static int cmd_dis(struct shell *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	shell_error("dis: smmush was built without capstone (configure --without-capstone): no disassembler");
	return -ENOTSUP;
}
#endif

/* --- writes ---------------------------------------------------------------------------- */

/* wb, wh, ww, wg: every value parsed and every page resolved before the first store. */
static int cmd_w(struct shell *sh, int argc, char **argv)
{
	const char *cmd = argv[0];
	unsigned size = cmd[1] == 'b' ? 1 : cmd[1] == 'h' ? 2 : cmd[1] == 'w' ? 4 : 8;
	uint8_t buf[64 * 8];
	char err[ERRLEN];
	struct span s;
	int rc;

	if (argc < 3) {
		shell_error("%s: missing arguments: expected %s ADDR VALUE...", cmd, cmd);
		return -EINVAL;
	}
	if ((size_t)(argc - 2) * size > sizeof(buf)) {
		/* a command line holds 64 words: the command, ADDR and 62 values */
		size_t most = sizeof(buf) / size < 62 ? sizeof(buf) / size : 62;
		shell_error("%s: too many values (at most %zu)", cmd, most);
		return -E2BIG;
	}
	for (int i = 2; i < argc; i++) {
		uint64_t v;
		if ((rc = mem_parse_value(argv[i], size, &v, err, sizeof(err)))) {
			shell_error("%s: %s", cmd, err);
			return rc;
		}
		for (unsigned k = 0; k < size; k++) /* little-endian, like both CPUs */
			buf[(i - 2) * size + k] = (uint8_t)(v >> (8 * k));
	}
	if ((rc = parse_addr(sh, cmd, argv[1], &s)))
		return rc;
	if (!shell_target(sh))
		rc = -ENODEV;
	else if (!(rc = shell_may_write_selected(sh, cmd)) && !(rc = resolve(sh, cmd, &s, (uint64_t)(argc - 2) * size, false)))
		rc = span_write(sh, cmd, &s, buf, 0);
	span_free(&s);
	return rc;
}

static int cmd_fill(struct shell *sh, int argc, char **argv)
{
	static uint8_t buf[64 << 10];
	char err[ERRLEN];
	uint64_t len, byte;
	struct span s;
	int rc;

	if (shell_nargs(sh, argc, argv, 3, 3))
		return -EINVAL;
	if (shell_parse_size("fill: LEN", argv[2], &len))
		return -EINVAL;
	if (!len || len > FILL_MAX) {
		shell_error("fill: LEN must be 1 to %u MiB, not %s", FILL_MAX >> 20, argv[2]);
		return -EINVAL;
	}
	if ((rc = mem_parse_value(argv[3], 1, &byte, err, sizeof(err)))) {
		shell_error("fill: %s", err);
		return rc;
	}
	if ((rc = parse_addr(sh, "fill", argv[1], &s)))
		return rc;
	memset(buf, (int)byte, sizeof(buf));
	if (!shell_target(sh))
		rc = -ENODEV;
	else if (!(rc = shell_may_write_selected(sh, "fill")) && !(rc = resolve(sh, "fill", &s, len, false)))
		rc = span_write(sh, "fill", &s, buf, sizeof(buf));
	span_free(&s);
	return rc;
}

/* Through DEV:IOVA, a store goes to the physical address the tables give,
 * whatever the mapping's permissions: smmush is the CPU, not the device. */
const struct shell_cmd shell_cmds_memory[] = {
	{ "x", "[/[N][bhwg][xdu]] ADDR|DEV:IOVA [N]",
	  "examine memory like gdb's x (DEV:IOVA: through the device's live tables)", CMD_TARGET | CMD_OPENS_LATE, cmd_x },
	{ "dis", "ADDR|DEV:IOVA [N] [--arch ARCH]",
	  "disassemble N (16) instructions: arm64, arm, thumb, x86-64, riscv64", CMD_TARGET | CMD_OPENS_LATE, cmd_dis },
	{ "wb", "ADDR|DEV:IOVA VALUE...", "store bytes (DEV:IOVA: at the physical address it maps to)",
	  CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE, cmd_w },
	{ "wh", "ADDR|DEV:IOVA VALUE...", "store 16-bit little-endian values (as wb)", CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE,
	  cmd_w },
	{ "ww", "ADDR|DEV:IOVA VALUE...", "store 32-bit little-endian values (as wb)", CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE,
	  cmd_w },
	{ "wg", "ADDR|DEV:IOVA VALUE...", "store 64-bit little-endian values (as wb)", CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE,
	  cmd_w },
	{ "fill", "ADDR|DEV:IOVA LEN BYTE", "store LEN (K, M suffixes) copies of BYTE (as wb)",
	  CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE, cmd_fill },
	{ .name = NULL },
};
