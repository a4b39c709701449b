/* SPDX-License-Identifier: MIT */
/*
 * Live tables, read-only: ste, cd, strtab (SMMUv3), root, ctx, pasid (VT-d),
 * and the architecture-neutral config, walk and xlate of a device.  Every
 * structure comes from the library's live configuration (smmu_unit_config);
 * nothing here writes hardware.  Output is built in memory and only printed
 * when the command succeeds, so a failing command leaves stdout empty.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "shell.h"

/* --- arguments ----------------------------------------------------------------- */

enum { OPT_PASID = 1 << 0, OPT_RAW = 1 << 1, OPT_ALL = 1 << 2 };

#define MAX_POS 4

struct args {
	int npos;
	char *pos[MAX_POS];
	bool pasid_set;
	uint32_t pasid;
	bool raw, all;
};

static int parse_pasid(const char *cmd, const char *s, uint32_t *out)
{
	char what[48];
	uint64_t v;

	snprintf(what, sizeof(what), "%s --pasid", cmd);
	if (shell_parse_u64(what, s, &v))
		return -EINVAL;
	if (v > 0xfffff) {
		shell_error("%s: PASID 0x%" PRIx64 " does not fit in 20 bits", cmd, v);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

/* Options may come anywhere; the rest are positional and counted against
 * min..max with the command's synopsis.  A word starting with '-' is always
 * an option: no number the commands take is negative. */
static int parse_args(struct shell *sh, int argc, char **argv, unsigned allowed, int min, int max,
		      struct args *a)
{
	char *words[MAX_POS + 2];
	bool extra = false;

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		/* "-1" is a malformed number, for the number parser to name */
		if (w[0] != '-' || !w[1] || (w[1] >= '0' && w[1] <= '9')) {
			if (a->npos < MAX_POS)
				a->pos[a->npos++] = argv[i];
			else
				extra = true;
			continue;
		}
		if ((allowed & OPT_PASID) && (!strcmp(w, "--pasid") || !strncmp(w, "--pasid=", 8))) {
			const char *v = w[7] == '=' ? w + 8 : i + 1 < argc ? argv[++i] : NULL;
			if (!v || !*v) {
				shell_error("%s: --pasid needs a number", argv[0]);
				return -EINVAL;
			}
			if (parse_pasid(argv[0], v, &a->pasid))
				return -EINVAL;
			a->pasid_set = true;
		} else if ((allowed & OPT_RAW) && !strcmp(w, "--raw")) {
			a->raw = true;
		} else if ((allowed & OPT_ALL) && (!strcmp(w, "--all") || !strcmp(w, "-a"))) {
			a->all = true;
		} else {
			shell_error("%s: unknown option '%s'", argv[0], w);
			return -EINVAL;
		}
	}
	/* the count check words its error from the command's synopsis */
	words[0] = argv[0];
	for (int i = 0; i < a->npos; i++)
		words[i + 1] = a->pos[i];
	return shell_nargs(sh, a->npos + 1 + extra, words, min, max) ? -EINVAL : 0;
}

/* "BB:DD.F", "SSSS:BB:DD.F" (segment 0 only) or "DD.F" on bus 0, all hex. */
static int parse_bdf(const char *cmd, const char *s, uint16_t *bdf)
{
	unsigned seg = 0, bus = 0, dev, fn;
	int n = -1;

	if (!(sscanf(s, "%4x:%2x:%2x.%1x%n", &seg, &bus, &dev, &fn, &n) == 4 && s[n] == '\0')) {
		seg = 0;
		n = -1;
		if (!(sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && s[n] == '\0')) {
			bus = 0;
			n = -1;
			if (!(sscanf(s, "%2x.%1x%n", &dev, &fn, &n) == 2 && s[n] == '\0'))
				n = -1;
		}
	}
	if (n < 0 || seg || dev > 31 || fn > 7 || strchr(s, '-') || strchr(s, '+') || strchr(s, ' ')) {
		shell_error("%s: '%s' is not a PCI address (BB:DD.F)", cmd, s);
		return -EINVAL;
	}
	*bdf = bus << 8 | dev << 3 | fn;
	return 0;
}

/* --- units, devices, fields ---------------------------------------------------------- */

static const char *arch_title(enum smmu_arch a)
{
	return a == SMMU_ARCH_VTD ? "VT-d" : "SMMUv3";
}

/* The selected unit, which must be of architecture `want`. */
static struct smmu_unit *arch_unit(struct shell *sh, const char *cmd, enum smmu_arch want,
				   struct smmu_unit_info *ui)
{
	struct smmu_unit *u = shell_unit(sh);

	if (!u)
		return NULL;
	smmu_unit_info(u, ui);
	if (ui->arch != want) {
		shell_error("%s: unit %u (%s) is %s: '%s' reads %s tables ('unit N' selects another)", cmd,
			    ui->index, ui->name, arch_title(ui->arch), cmd, arch_title(want));
		return NULL;
	}
	return u;
}

static struct smmu_device *device_arg(struct shell *sh, const char *cmd, const char *name,
				      struct smmu_device_info *di, struct smmu_unit_info *ui)
{
	struct smmu_device *d = shell_device(sh, cmd, name);

	if (!d)
		return NULL;
	smmu_device_info(d, di);
	if (!di->unit) {
		shell_error("%s: device %s is not behind an IOMMU unit", cmd, di->addr);
		return NULL;
	}
	smmu_unit_info(di->unit, ui);
	return d;
}

/* A field's value by its specification name, through the decoders (address
 * fields in place, others shifted down); 0 when the kind has no such field. */
static uint64_t fld(const char *kind, const uint64_t *words, const char *name)
{
	const struct smmu_desc *d;
	const struct smmu_field *f;

	if (smmu_decoder_find(kind, &d, NULL) || !(f = smmu_desc_field(smmu_desc_resolve(d, words, NULL), name)))
		return 0;
	return f->fmt == SMMU_F_ADDR ? smmu_field_raw(f, words) << f->lo : smmu_field_raw(f, words);
}

/* An enum field's name ("S1Trans"), "??N" when unnamed. */
static const char *fld_enum(const char *kind, const uint64_t *words, const char *name, char *buf, size_t n)
{
	const struct smmu_desc *d;
	const struct smmu_field *f;
	const char *en;

	if (smmu_decoder_find(kind, &d, NULL) || !(f = smmu_desc_field(smmu_desc_resolve(d, words, NULL), name)))
		return "?";
	if ((en = smmu_enum_name(f, smmu_field_raw(f, words))))
		return en;
	snprintf(buf, n, "??%" PRIu64, smmu_field_raw(f, words));
	return buf;
}

static int reg_read(struct shell *sh, const struct smmu_unit_info *ui, uint32_t off, unsigned size, uint64_t *v)
{
	return smmu_mmio_read(sh->t, ui->base + off, size, v);
}

/* SMMU_IDR1: StreamIDs and SubstreamIDs the unit can have at all. */
static int smmuv3_ids(struct shell *sh, const char *cmd, const struct smmu_unit_info *ui, unsigned *sidsize,
		      unsigned *ssidsize)
{
	uint64_t idr1;
	int rc = reg_read(sh, ui, 0x04, 4, &idr1);

	if (rc)
		return shell_lib_error(cmd, "reading SMMU_IDR1", rc);
	*sidsize = fld("smmuv3.idr1", &idr1, "SIDSIZE");
	*ssidsize = fld("smmuv3.idr1", &idr1, "SSIDSIZE");
	return 0;
}

static int check_sid(const char *cmd, const struct smmu_unit_info *ui, uint64_t sid, unsigned sidsize)
{
	if (sidsize < 64 && sid >> sidsize) {
		shell_error("%s: StreamID 0x%" PRIx64 " is beyond %s's %u-bit StreamIDs: it has no STE", cmd, sid,
			    ui->name, sidsize);
		return -ERANGE;
	}
	return 0;
}

static const struct smmu_cfg_step *find_step(const struct smmu_config *cfg, const char *kind, const char *kind2)
{
	for (unsigned i = 0; i < cfg->nsteps; i++)
		if (!strcmp(cfg->step[i].kind, kind) || (kind2 && !strcmp(cfg->step[i].kind, kind2)))
			return &cfg->step[i];
	return NULL;
}

/* The StreamID lies beyond the live stream table: not a question the table answers. */
static int check_log2size(const char *cmd, const struct smmu_config *cfg, uint64_t sid)
{
	const struct smmu_cfg_step *s = find_step(cfg, "smmuv3.strtab_base_cfg", NULL);
	unsigned log2size;

	if (!s || (log2size = fld(s->kind, s->words, "LOG2SIZE")) >= 32 || !(sid >> log2size))
		return 0;
	shell_error("%s: StreamID 0x%" PRIx64 " is beyond the stream table (LOG2SIZE=%u): it has no STE", cmd, sid,
		    log2size);
	return -ERANGE;
}

/* --- output in memory ---------------------------------------------------------------
 * Commands write to sh->out and sh->j as usual; capture points both at a
 * buffer, and only a command that succeeds (or stops with a warning it must
 * report, like a looping walk) gets its output printed. */

/* --- rendering helpers --------------------------------------------------------------- */

/* One line from the renderer's own tokens: set flags, and fields that say
 * something.  Left out: zero hex fields, and in multi-word structures every
 * zero field but word 0's enums (Config, TT, PGTT...), since their dozens of
 * defaults would drown the rest.  The grid separates tokens by two or more
 * blanks, in field order. */
static void oneline(char *out, size_t n, const char *kind, const uint64_t *words)
{
	const struct smmu_desc *d, *r;
	char *buf = NULL, *p, *line, *save = NULL;
	size_t len = 0, used = 0, ntok = 0, nf = 0;
	const char *tok[128];
	const char *warn[8];
	size_t nwarn = 0;
	FILE *mem;

	out[0] = '\0';
	if (smmu_decoder_find(kind, &d, NULL) || !(mem = open_memstream(&buf, &len))) {
		snprintf(out, n, "(no decoder %s)", kind);
		return;
	}
	smmu_render_text(mem, d, words, SMMU_R_NOHEAD);
	fclose(mem);
	r = smmu_desc_resolve(d, words, NULL);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ')
			line++;
		if (!strncmp(line, "warning: ", 9)) {
			if (nwarn < 8)
				warn[nwarn++] = line + 9;
			continue;
		}
		for (p = line; *p && ntok < 128;) {
			tok[ntok++] = p;
			char *gap = strstr(p, "  ");
			if (!gap)
				break;
			*gap = '\0';
			for (p = gap + 2; *p == ' '; p++)
				;
		}
	}
	for (const struct smmu_field *f = r->fields; f && f->name; f++)
		nf++;
	for (size_t i = 0; i < ntok; i++) {
		if (ntok == nf) {
			const struct smmu_field *f = &r->fields[i];
			uint64_t raw = smmu_field_raw(f, words);
			if (!raw && (f->fmt == SMMU_F_FLAG || f->fmt == SMMU_F_HEX || f->fmt == SMMU_F_IGNORED ||
				     (r->nwords > 1 && (f->fmt != SMMU_F_ENUM || f->word))))
				continue;
		}
		used += snprintf(out + used, used < n ? n - used : 0, "%s%s", used ? " " : "", tok[i]);
	}
	if (!used)
		used += snprintf(out, n, "(all fields zero)");
	for (size_t i = 0; i < nwarn; i++)
		used += snprintf(out + used, used < n ? n - used : 0, " [warning: %s]", warn[i]);
	free(buf);
}

static uint64_t step_addr(const struct smmu_unit_info *ui, const struct smmu_cfg_step *s)
{
	return s->reg ? ui->base + s->addr : s->addr;
}

static void json_step(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s)
{
	smmu_json_obj_begin(&sh->j);
	smmu_json_kstr(&sh->j, "what", s->what);
	smmu_json_kstr(&sh->j, "kind", s->kind);
	smmu_json_kbool(&sh->j, "register", s->reg);
	smmu_json_khex(&sh->j, "address", step_addr(ui, s));
	if (s->reg)
		smmu_json_khex(&sh->j, "offset", s->addr);
	smmu_json_key(&sh->j, "decoded");
	shell_render(sh, s->kind, s->words, 0);
	smmu_json_obj_end(&sh->j);
}

/* "key": step, or null */
static void json_kstep(struct shell *sh, const char *key, const struct smmu_unit_info *ui,
		       const struct smmu_cfg_step *s)
{
	smmu_json_key(&sh->j, key);
	if (s)
		json_step(sh, ui, s);
	else
		smmu_json_null(&sh->j);
}

/* A structure in full: a line saying what and where, then the decoder's rendering. */
static void text_step(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s)
{
	if (s->reg)
		fprintf(sh->out, "%s, register at 0x%" PRIx64 ":\n", s->what, step_addr(ui, s));
	else
		fprintf(sh->out, "%s at 0x%" PRIx64 ":\n", s->what, s->addr);
	shell_render(sh, s->kind, s->words, 0);
}

/* A structure on one line, for traces. */
static void text_step_line(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s,
			   const char *indent)
{
	char line[512];

	oneline(line, sizeof(line), s->kind, s->words);
	fprintf(sh->out, "%s%s%s at 0x%" PRIx64 ": %s\n", indent, s->what, s->reg ? " register" : "",
		step_addr(ui, s), line);
}

static const char *verdict_name(enum smmu_cfg_verdict v)
{
	switch (v) {
	case SMMU_CFG_TRANSLATE: return "translate";
	case SMMU_CFG_BYPASS: return "bypass";
	case SMMU_CFG_ABORT: return "abort";
	default: return "fault";
	}
}

/* What the hardware records for the stop: an SMMUv3 event or a VT-d fault reason. */
static void code_words(char *buf, size_t n, const struct smmu_unit_info *ui, const struct smmu_config *cfg)
{
	buf[0] = '\0';
	if (!cfg->code)
		return;
	if (ui->arch == SMMU_ARCH_VTD)
		snprintf(buf, n, " (fault reason 0x%x%s%s)", cfg->code, cfg->code_name ? ": " : "",
			 cfg->code_name ? cfg->code_name : "");
	else
		snprintf(buf, n, " (event 0x%02x%s%s)", cfg->code, cfg->code_name ? " " : "",
			 cfg->code_name ? cfg->code_name : "");
}

static void text_verdict(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_config *cfg,
			 const char *indent)
{
	char code[160];

	code_words(code, sizeof(code), ui, cfg);
	fprintf(sh->out, "%s-> %s: %s%s\n", indent, verdict_name(cfg->verdict), cfg->reason, code);
}

static const char *pgt_format_name(enum smmu_pgt_format f)
{
	switch (f) {
	case SMMU_PGT_LPAE_S1: return "lpae-s1";
	case SMMU_PGT_LPAE_S2: return "lpae-s2";
	case SMMU_PGT_VTD_SL: return "vtd-sl";
	default: return "vtd-fl";
	}
}

static void json_verdict(struct shell *sh, const struct smmu_config *cfg)
{
	smmu_json_key(&sh->j, "verdict");
	smmu_json_obj_begin(&sh->j);
	smmu_json_kstr(&sh->j, "result", verdict_name(cfg->verdict));
	smmu_json_kstr(&sh->j, "reason", cfg->reason);
	smmu_json_key(&sh->j, "code");
	if (cfg->code)
		smmu_json_u64(&sh->j, cfg->code);
	else
		smmu_json_null(&sh->j);
	smmu_json_kstr(&sh->j, "code_name", cfg->code ? cfg->code_name : NULL);
	smmu_json_key(&sh->j, "tables");
	if (cfg->verdict == SMMU_CFG_TRANSLATE) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_kstr(&sh->j, "format", pgt_format_name(cfg->pgt.fmt));
		smmu_json_ku64(&sh->j, "granule", cfg->pgt.granule ? cfg->pgt.granule : 4096);
		smmu_json_ku64(&sh->j, "ias", cfg->pgt.ias);
		smmu_json_ku64(&sh->j, "oas", cfg->pgt.oas ? cfg->pgt.oas : 48);
		smmu_json_khex(&sh->j, "root", cfg->root);
		smmu_json_obj_end(&sh->j);
	} else {
		smmu_json_null(&sh->j);
	}
	smmu_json_obj_end(&sh->j);
}

static void json_steps(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_config *cfg)
{
	smmu_json_key(&sh->j, "steps");
	smmu_json_arr_begin(&sh->j);
	for (unsigned i = 0; i < cfg->nsteps; i++)
		json_step(sh, ui, &cfg->step[i]);
	smmu_json_arr_end(&sh->j);
}

/* "rw-" (+ " priv", " device") for text; "rw"/"rwp" (the letters map takes) for JSON. */
static void perm_text(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%c%c%c%s%s", prot & SMMU_PROT_R ? 'r' : '-', prot & SMMU_PROT_W ? 'w' : '-',
		 prot & SMMU_PROT_X ? 'x' : '-', prot & SMMU_PROT_PRIV ? " priv" : "",
		 prot & SMMU_PROT_DEVICE ? " device" : "");
}

static void perm_letters(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%s%s%s%s", prot & SMMU_PROT_R ? "r" : "", prot & SMMU_PROT_W ? "w" : "",
		 prot & SMMU_PROT_X ? "x" : "", prot & SMMU_PROT_PRIV ? "p" : "");
}

/* 4K, 2M, 1G when exact, else bytes. */
static void size_text(char *buf, size_t n, uint64_t size)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;

	if (!size || size & 1023) {
		snprintf(buf, n, "%" PRIu64, size);
		return;
	}
	size >>= 10;
	while (!(size & 1023) && u < 5) {
		size >>= 10;
		u++;
	}
	snprintf(buf, n, "%" PRIu64 "%c", size, units[u]);
}

/* Short names of walk statuses and translation faults, for JSON. */
static const char *status_id(int s)
{
	static const char *const ids[SMMU_PGT_F_MAX] = {
		[SMMU_PGT_OK] = "ok", [SMMU_PGT_F_INVALID] = "invalid", [SMMU_PGT_F_PERM] = "permission",
		[SMMU_PGT_F_ACCESS] = "access_flag", [SMMU_PGT_F_ADDR_SIZE] = "address_size",
		[SMMU_PGT_F_INPUT_RANGE] = "input_range", [SMMU_PGT_F_RESERVED] = "reserved",
		[SMMU_PGT_F_TABLE_READ] = "table_read", [SMMU_PGT_F_LOOP] = "loop", [SMMU_PGT_F_ALIAS] = "alias",
		[SMMU_PGT_F_BUDGET] = "budget",
	};
	return s >= 0 && s < SMMU_PGT_F_MAX && ids[s] ? ids[s] : "unknown";
}

static void json_kpasid(struct shell *sh, bool set, uint32_t pasid)
{
	smmu_json_key(&sh->j, "pasid");
	if (set)
		smmu_json_u64(&sh->j, pasid);
	else
		smmu_json_null(&sh->j);
}

static void json_unit(struct shell *sh, const struct smmu_unit_info *ui)
{
	smmu_json_ku64(&sh->j, "unit", ui->index);
	smmu_json_kstr(&sh->j, "unit_name", ui->name);
}

/* --- SMMUv3: ste, cd, strtab -------------------------------------------------------------- */

/* "2-level stream table at 0x7f000000 (LOG2SIZE=16, SPLIT=8)" from the register steps. */
static void strtab_words(char *buf, size_t n, const struct smmu_config *cfg)
{
	const struct smmu_cfg_step *b = find_step(cfg, "smmuv3.strtab_base", NULL);
	const struct smmu_cfg_step *c = find_step(cfg, "smmuv3.strtab_base_cfg", NULL);

	if (!b || !c) {
		snprintf(buf, n, "no stream table in use");
		return;
	}
	if (fld(c->kind, c->words, "FMT") == 1)
		snprintf(buf, n, "2-level stream table at 0x%" PRIx64 " (LOG2SIZE=%u, SPLIT=%u)",
			 fld(b->kind, b->words, "ADDR"), (unsigned)fld(c->kind, c->words, "LOG2SIZE"),
			 (unsigned)fld(c->kind, c->words, "SPLIT"));
	else
		snprintf(buf, n, "linear stream table at 0x%" PRIx64 " (LOG2SIZE=%u)", fld(b->kind, b->words, "ADDR"),
			 (unsigned)fld(c->kind, c->words, "LOG2SIZE"));
}

static void json_strtab(struct shell *sh, const struct smmu_config *cfg)
{
	const struct smmu_cfg_step *b = find_step(cfg, "smmuv3.strtab_base", NULL);
	const struct smmu_cfg_step *c = find_step(cfg, "smmuv3.strtab_base_cfg", NULL);

	smmu_json_key(&sh->j, "stream_table");
	if (!b || !c) {
		smmu_json_null(&sh->j);
		return;
	}
	bool two = fld(c->kind, c->words, "FMT") == 1;
	smmu_json_obj_begin(&sh->j);
	smmu_json_khex(&sh->j, "base", fld(b->kind, b->words, "ADDR"));
	smmu_json_kstr(&sh->j, "format", two ? "2-level" : "linear");
	smmu_json_ku64(&sh->j, "log2size", fld(c->kind, c->words, "LOG2SIZE"));
	smmu_json_key(&sh->j, "split");
	if (two)
		smmu_json_u64(&sh->j, fld(c->kind, c->words, "SPLIT"));
	else
		smmu_json_null(&sh->j);
	smmu_json_obj_end(&sh->j);
}

static int cmd_ste(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	unsigned sidsize, ssidsize;
	uint64_t sid;
	struct args a;
	char where[128];
	int rc;

	if (parse_args(sh, argc, argv, 0, 1, 1, &a) || shell_parse_u64("ste", a.pos[0], &sid))
		return -EINVAL;
	if (!(u = arch_unit(sh, "ste", SMMU_ARCH_SMMUV3, &ui)))
		return -ENODEV;
	if ((rc = smmuv3_ids(sh, "ste", &ui, &sidsize, &ssidsize)) || (rc = check_sid("ste", &ui, sid, sidsize)))
		return rc;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ sid, false, 0 }, &cfg)))
		return shell_lib_error("ste", ui.name, rc);
	if ((rc = check_log2size("ste", &cfg, sid)))
		return rc;
	const struct smmu_cfg_step *l1 = find_step(&cfg, "smmuv3.l1std", NULL);
	const struct smmu_cfg_step *ste = find_step(&cfg, "smmuv3.ste", NULL);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("ste", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_unit(sh, &ui);
		smmu_json_khex(&sh->j, "sid", sid);
		json_strtab(sh, &cfg);
		json_kstep(sh, "l1_descriptor", &ui, l1);
		json_kstep(sh, "ste", &ui, ste);
		json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		strtab_words(where, sizeof(where), &cfg);
		fprintf(sh->out, "StreamID 0x%" PRIx64 " on %s: %s\n", sid, ui.name, where);
		if (l1)
			text_step(sh, &ui, l1);
		if (ste)
			text_step(sh, &ui, ste);
		else
			fprintf(sh->out, "StreamID 0x%" PRIx64 " has no STE\n", sid);
		text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

static int cmd_cd(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	unsigned sidsize, ssidsize;
	uint64_t sid, ssid = 0;
	struct args a;
	int rc;

	if (parse_args(sh, argc, argv, 0, 1, 2, &a) || shell_parse_u64("cd", a.pos[0], &sid) ||
	    (a.npos > 1 && shell_parse_u64("cd", a.pos[1], &ssid)))
		return -EINVAL;
	if (!(u = arch_unit(sh, "cd", SMMU_ARCH_SMMUV3, &ui)))
		return -ENODEV;
	if ((rc = smmuv3_ids(sh, "cd", &ui, &sidsize, &ssidsize)) || (rc = check_sid("cd", &ui, sid, sidsize)))
		return rc;
	if (a.npos > 1 && ssid >> ssidsize) {
		shell_error("cd: SubstreamID 0x%" PRIx64 " is beyond %s's %u-bit SubstreamIDs", ssid, ui.name,
			    ssidsize);
		return -ERANGE;
	}
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ sid, a.npos > 1, ssid }, &cfg)))
		return shell_lib_error("cd", ui.name, rc);
	if ((rc = check_log2size("cd", &cfg, sid)))
		return rc;
	const struct smmu_cfg_step *ste = find_step(&cfg, "smmuv3.ste", NULL);
	const struct smmu_cfg_step *l1 = find_step(&cfg, "smmuv3.l1cd", NULL);
	const struct smmu_cfg_step *cd = find_step(&cfg, "smmuv3.cd", NULL);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("cd", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_unit(sh, &ui);
		smmu_json_khex(&sh->j, "sid", sid);
		smmu_json_key(&sh->j, "ssid");
		if (a.npos > 1)
			smmu_json_u64(&sh->j, ssid);
		else
			smmu_json_null(&sh->j);
		json_kstep(sh, "ste", &ui, ste);
		json_kstep(sh, "l1_cd", &ui, l1);
		json_kstep(sh, "cd", &ui, cd);
		json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "StreamID 0x%" PRIx64, sid);
		if (a.npos > 1)
			fprintf(sh->out, ", SubstreamID 0x%" PRIx64, ssid);
		else
			fprintf(sh->out, " (no SubstreamID)");
		fprintf(sh->out, " on %s\n", ui.name);
		if (ste)
			text_step_line(sh, &ui, ste, "via ");
		if (l1)
			text_step(sh, &ui, l1);
		if (cd)
			text_step(sh, &ui, cd);
		else
			fprintf(sh->out, "no CD\n");
		text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* strtab: one row per run of identical, consecutive valid STEs (--all: per STE). */
struct strtab_walk {
	struct shell *sh;
	struct smmu_unit *u;
	bool all;
	uint64_t valid;
	/* the open run */
	bool open;
	uint64_t first, count, addr;
	uint64_t words[8];
	char *warn[16];
	unsigned nwarn;
};

static void strtab_warn(struct strtab_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void strtab_warn(struct strtab_walk *w, const char *fmt, ...)
{
	va_list ap;
	char buf[192];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w->nwarn < 16)
		w->warn[w->nwarn++] = strdup(buf);
}

static void strtab_row(struct strtab_walk *w)
{
	struct shell *sh = w->sh;
	const uint64_t *ste = w->words;
	char ebuf[16], ctx[64] = "-", id[48] = "-", sids[40];
	unsigned config = fld("smmuv3.ste", ste, "Config");
	const char *cname = fld_enum("smmuv3.ste", ste, "Config", ebuf, sizeof(ebuf));
	bool s1 = config == 5 || config == 7, s2 = config == 6 || config == 7;
	uint64_t ctxptr = fld("smmuv3.ste", ste, "S1ContextPtr"), s2ttb = fld("smmuv3.ste", ste, "S2TTB");
	uint64_t vmid = fld("smmuv3.ste", ste, "S2VMID");
	bool have_asid = false;
	uint64_t asid = 0;

	if (!w->open)
		return;
	w->open = false;
	if (s1) {
		/* the ASID lives in the CD: the library finds it the way the SMMU would */
		struct smmu_config cfg;
		const struct smmu_cfg_step *cd;
		if (!smmu_unit_config(w->u, &(struct smmu_stream){ w->first, false, 0 }, &cfg) && (cd = find_step(&cfg, "smmuv3.cd", NULL))) {
			have_asid = true;
			asid = fld("smmuv3.cd", cd->words, "ASID");
		}
	}
	if (w->count > 1)
		snprintf(sids, sizeof(sids), "0x%04" PRIx64 "-0x%04" PRIx64, w->first, w->first + w->count - 1);
	else
		snprintf(sids, sizeof(sids), "0x%04" PRIx64, w->first);
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_khex(&sh->j, "sid", w->first);
		smmu_json_ku64(&sh->j, "count", w->count);
		smmu_json_khex(&sh->j, "address", w->addr);
		smmu_json_kstr(&sh->j, "config", cname);
		smmu_json_key(&sh->j, "s1_context_ptr");
		s1 ? smmu_json_hex(&sh->j, ctxptr) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "asid");
		have_asid ? smmu_json_u64(&sh->j, asid) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "s2ttb");
		s2 ? smmu_json_hex(&sh->j, s2ttb) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "vmid");
		s2 ? smmu_json_u64(&sh->j, vmid) : smmu_json_null(&sh->j);
		smmu_json_obj_end(&sh->j);
		return;
	}
	if (s1 && s2) {
		snprintf(ctx, sizeof(ctx), "CD 0x%" PRIx64 " S2TTB 0x%" PRIx64, ctxptr, s2ttb);
		snprintf(id, sizeof(id), "ASID %s%" PRIu64 " VMID %" PRIu64, have_asid ? "" : "?", asid, vmid);
	} else if (s1) {
		snprintf(ctx, sizeof(ctx), "CD 0x%" PRIx64, ctxptr);
		if (have_asid)
			snprintf(id, sizeof(id), "ASID %" PRIu64, asid);
	} else if (s2) {
		snprintf(ctx, sizeof(ctx), "S2TTB 0x%" PRIx64, s2ttb);
		snprintf(id, sizeof(id), "VMID %" PRIu64, vmid);
	}
	fprintf(sh->out, "%-14s 0x%-10" PRIx64 " %-9s %-26s %s\n", sids, w->addr, cname, ctx, id);
}

/* One STE at sid; valid ones join or start a run. */
static void strtab_ste(struct strtab_walk *w, uint64_t sid, uint64_t pa, const uint64_t *ste)
{
	if (!(ste[0] & 1)) { /* V */
		strtab_row(w);
		return;
	}
	w->valid++;
	if (w->open && !w->all && sid == w->first + w->count && !memcmp(ste, w->words, 64)) {
		w->count++;
		return;
	}
	strtab_row(w);
	w->open = true;
	w->first = sid;
	w->count = 1;
	w->addr = pa;
	memcpy(w->words, ste, 64);
}

#define PAGE 4096

/* n STEs from pa, a page at a time; -errno when a page cannot be read. */
static int strtab_range(struct strtab_walk *w, uint64_t sid, uint64_t pa, uint64_t n)
{
	static uint64_t buf[PAGE / 8];
	int rc;

	for (uint64_t done = 0; done < n && !shell_stop();) {
		uint64_t chunk = n - done < PAGE / 64 ? n - done : PAGE / 64;
		if ((rc = smmu_mem_read(w->sh->t, pa + done * 64, buf, chunk * 64)))
			return rc;
		for (uint64_t i = 0; i < chunk; i++)
			strtab_ste(w, sid + done + i, pa + (done + i) * 64, buf + i * 8);
		done += chunk;
	}
	return shell_stop() ? -EINTR : 0;
}

static int cmd_strtab(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct shell_capture cap;
	unsigned sidsize, ssidsize;
	uint64_t cr0, base, scfg;
	struct args a;
	int rc;

	if (parse_args(sh, argc, argv, OPT_ALL, 0, 0, &a))
		return -EINVAL;
	if (!(u = arch_unit(sh, "strtab", SMMU_ARCH_SMMUV3, &ui)))
		return -ENODEV;
	if ((rc = smmuv3_ids(sh, "strtab", &ui, &sidsize, &ssidsize)))
		return rc;
	if ((rc = reg_read(sh, &ui, 0x20, 4, &cr0)) || (rc = reg_read(sh, &ui, 0x80, 8, &base)) ||
	    (rc = reg_read(sh, &ui, 0x88, 4, &scfg)))
		return shell_lib_error("strtab", "reading registers", rc);
	bool enabled = fld("smmuv3.cr0", &cr0, "SMMUEN");
	bool two = fld("smmuv3.strtab_base_cfg", &scfg, "FMT") == 1;
	unsigned log2size = fld("smmuv3.strtab_base_cfg", &scfg, "LOG2SIZE");
	unsigned split = fld("smmuv3.strtab_base_cfg", &scfg, "SPLIT");
	uint64_t addr = fld("smmuv3.strtab_base", &base, "ADDR"), nl1 = 0, nl2 = 0;
	/* bounded by what the unit can address, whatever the register says */
	unsigned bits = log2size < sidsize ? log2size : sidsize;
	if (split != 6 && split != 8 && split != 10)
		split = 8; /* reserved SPLIT values behave as one of these, as the library reads them */
	struct strtab_walk w = { .sh = sh, .u = u, .all = a.all };

	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("strtab", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_unit(sh, &ui);
		smmu_json_kbool(&sh->j, "smmu_enabled", enabled);
		smmu_json_khex(&sh->j, "base", addr);
		smmu_json_kstr(&sh->j, "format", two ? "2-level" : "linear");
		smmu_json_ku64(&sh->j, "log2size", log2size);
		smmu_json_key(&sh->j, "split");
		two ? smmu_json_u64(&sh->j, split) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "entries");
		smmu_json_arr_begin(&sh->j);
	} else {
		fprintf(sh->out, "%s: %s stream table at 0x%" PRIx64 ", LOG2SIZE=%u", ui.name,
			two ? "2-level" : "linear", addr, log2size);
		if (two)
			fprintf(sh->out, ", SPLIT=%u", split);
		fprintf(sh->out, "%s\n", enabled ? "" : " (SMMUEN=0: not in use)");
		fprintf(sh->out, "%-14s %-12s %-9s %-26s %s\n", "SID", "STE", "CONFIG", "TABLES", "ASID/VMID");
	}
	if (two) {
		uint64_t l1[PAGE / 8];
		/* LOG2SIZE <= SPLIT: one descriptor, whose table holds the StreamIDs there are */
		nl1 = bits > split ? 1ull << (bits - split) : 1;
		for (uint64_t i = 0; i < nl1 && !rc; i++) {
			uint64_t left = nl1 - i < PAGE / 8 ? nl1 - i : PAGE / 8;
			if (i % (PAGE / 8) == 0 && (rc = smmu_mem_read(sh->t, addr + i * 8, l1, left * 8)))
				break;
			uint64_t d = l1[i % (PAGE / 8)];
			unsigned span = fld("smmuv3.l1std", &d, "Span");
			uint64_t l2 = fld("smmuv3.l1std", &d, "L2Ptr"), n;
			if (!span)
				continue;
			if (span > split + 1) {
				strtab_warn(&w, "L1 descriptor %" PRIu64 " at 0x%" PRIx64 " has a reserved Span (%u)",
					    i, addr + i * 8, span);
				continue;
			}
			nl2++;
			n = 1ull << (span - 1);
			if (bits < split && n > 1ull << bits)
				n = 1ull << bits;
			int r2 = strtab_range(&w, i << split, l2, n);
			if (r2 == -EINTR)
				rc = r2;
			else if (r2)
				strtab_warn(&w, "the level-2 table of L1 descriptor %" PRIu64 " at 0x%" PRIx64
					    " cannot be read: %s", i, l2, smmu_strerror(r2));
		}
	} else {
		rc = strtab_range(&w, 0, addr, 1ull << bits);
	}
	strtab_row(&w);
	if (rc && rc != -EINTR && !enabled) {
		/* a table the SMMU does not use may well be garbage: say so, do not fail */
		strtab_warn(&w, "the stream table at 0x%" PRIx64 " cannot be read: %s", addr, smmu_strerror(rc));
		rc = 0;
	}
	if (rc) {
		shell_capture_end(sh, &cap, false);
		for (unsigned i = 0; i < w.nwarn; i++)
			free(w.warn[i]);
		return shell_lib_error("strtab", rc == -EINTR ? "interrupted" : "reading the stream table", rc);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_ku64(&sh->j, "valid_stes", w.valid);
		smmu_json_key(&sh->j, "l1_descriptors");
		two ? smmu_json_u64(&sh->j, nl1) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "l2_tables");
		two ? smmu_json_u64(&sh->j, nl2) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "warnings");
		smmu_json_arr_begin(&sh->j);
		for (unsigned i = 0; i < w.nwarn; i++)
			smmu_json_str(&sh->j, w.warn[i]);
		smmu_json_arr_end(&sh->j);
		shell_json_end(sh);
	} else {
		for (unsigned i = 0; i < w.nwarn; i++)
			fprintf(sh->out, "warning: %s\n", w.warn[i]);
		fprintf(sh->out, "%" PRIu64 " valid STE%s", w.valid, w.valid == 1 ? "" : "s");
		if (two)
			fprintf(sh->out, "; %" PRIu64 " of %" PRIu64 " L1 descriptors have level-2 tables", nl2, nl1);
		fprintf(sh->out, "\n");
	}
	for (unsigned i = 0; i < w.nwarn; i++)
		free(w.warn[i]);
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* --- VT-d: root, ctx, pasid ---------------------------------------------------------------- */

static const char *ttm_mode(uint64_t rtaddr)
{
	static const char *const modes[] = { "legacy", "scalable", "reserved", "abort-dma" };

	return modes[fld("vtd.rtaddr", &rtaddr, "TTM") & 3];
}

static int cmd_root(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct shell_capture cap;
	uint64_t bus = 0, gsts, rtaddr;
	static uint64_t tbl[PAGE / 8];
	struct args a;
	int rc;

	if (parse_args(sh, argc, argv, 0, 0, 1, &a) || (a.npos && shell_parse_u64("root", a.pos[0], &bus)))
		return -EINVAL;
	if (bus > 0xff) {
		shell_error("root: bus 0x%" PRIx64 " is beyond 0xff", bus);
		return -ERANGE;
	}
	if (!arch_unit(sh, "root", SMMU_ARCH_VTD, &ui))
		return -ENODEV;
	if ((rc = reg_read(sh, &ui, 0x1c, 4, &gsts)) || (rc = reg_read(sh, &ui, 0x20, 8, &rtaddr)))
		return shell_lib_error("root", "reading registers", rc);
	const char *mode = ttm_mode(rtaddr);
	bool sm = !strcmp(mode, "scalable"), has_table = sm || !strcmp(mode, "legacy");
	bool on = fld("vtd.gsts", &gsts, "TES");
	const char *kind = sm ? "vtd.sm.root" : "vtd.root";
	uint64_t rta = fld("vtd.rtaddr", &rtaddr, "RTA");
	if (has_table && (rc = smmu_mem_read(sh->t, rta, tbl, sizeof(tbl))))
		return shell_lib_error("root", "reading the root table", rc);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("root", "output", rc);
	unsigned present = 0, first = a.npos ? bus : 0, last = a.npos ? bus : (has_table ? 255 : 0);
	if (sh->json) {
		shell_json_begin(sh);
		json_unit(sh, &ui);
		smmu_json_khex(&sh->j, "rtaddr", rtaddr);
		smmu_json_kstr(&sh->j, "mode", mode);
		smmu_json_kbool(&sh->j, "remapping", on);
		smmu_json_khex(&sh->j, "root_table", rta);
		smmu_json_key(&sh->j, "entries");
		smmu_json_arr_begin(&sh->j);
	} else {
		const char *note = !has_table ? " (no root table in this mode)"
				   : on ? "" : " (GSTS.TES=0: remapping off, not in use)";
		fprintf(sh->out, "%s: %s root table at 0x%" PRIx64 "%s\n", ui.name, mode, rta, note);
	}
	for (unsigned b = first; has_table && b <= last; b++) {
		const uint64_t *e = &tbl[b * 2];
		bool p = sm ? fld(kind, e, "LP") || fld(kind, e, "UP") : fld(kind, e, "P");
		present += p;
		if (!p && !a.npos)
			continue;
		if (sh->json) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_ku64(&sh->j, "bus", b);
			smmu_json_khex(&sh->j, "address", rta + b * 16);
			smmu_json_kbool(&sh->j, "present", p);
			smmu_json_key(&sh->j, "decoded");
			shell_render(sh, kind, e, 0);
			smmu_json_obj_end(&sh->j);
		} else if (a.npos) {
			fprintf(sh->out, "root entry for bus %02x at 0x%" PRIx64 ":\n", b, rta + b * 16);
			shell_render(sh, kind, e, 0);
		} else if (sm) {
			fprintf(sh->out, "bus %02x at 0x%" PRIx64 ": lower context table %s", b, rta + b * 16,
				fld(kind, e, "LP") ? "" : "-");
			if (fld(kind, e, "LP"))
				fprintf(sh->out, "0x%" PRIx64, fld(kind, e, "LCTP"));
			fprintf(sh->out, ", upper %s", fld(kind, e, "UP") ? "" : "-");
			if (fld(kind, e, "UP"))
				fprintf(sh->out, "0x%" PRIx64, fld(kind, e, "UCTP"));
			fprintf(sh->out, "\n");
		} else {
			fprintf(sh->out, "bus %02x at 0x%" PRIx64 ": context table 0x%" PRIx64 "\n", b, rta + b * 16,
				fld(kind, e, "CTP"));
		}
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		shell_json_end(sh);
	} else if (!a.npos && has_table) {
		fprintf(sh->out, "%u of 256 root entries present\n", present);
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

static void bdf_text(char *buf, size_t n, uint16_t bdf)
{
	snprintf(buf, n, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

/* The mode the live configuration read RTADDR in, or NULL when remapping is off. */
static const char *cfg_vtd_mode(const struct smmu_config *cfg)
{
	const struct smmu_cfg_step *r = find_step(cfg, "vtd.rtaddr", NULL);

	return r ? ttm_mode(r->words[0]) : NULL;
}

static int cmd_ctx(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct args a;
	uint16_t bdf;
	char name[16];
	int rc;

	if (parse_args(sh, argc, argv, 0, 1, 1, &a) || parse_bdf("ctx", a.pos[0], &bdf))
		return -EINVAL;
	if (!(u = arch_unit(sh, "ctx", SMMU_ARCH_VTD, &ui)))
		return -ENODEV;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ bdf, false, 0 }, &cfg)))
		return shell_lib_error("ctx", ui.name, rc);
	const char *mode = cfg_vtd_mode(&cfg);
	const struct smmu_cfg_step *root = find_step(&cfg, "vtd.root", "vtd.sm.root");
	const struct smmu_cfg_step *ctx = find_step(&cfg, "vtd.ctx", "vtd.sm.ctx");
	bdf_text(name, sizeof(name), bdf);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("ctx", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_unit(sh, &ui);
		smmu_json_kstr(&sh->j, "bdf", name);
		smmu_json_khex(&sh->j, "source_id", bdf);
		smmu_json_kstr(&sh->j, "mode", mode);
		json_kstep(sh, "root_entry", &ui, root);
		json_kstep(sh, "context_entry", &ui, ctx);
		json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s (source-id 0x%04x) on %s: %s\n", name, bdf, ui.name,
			mode ? mode : "remapping off");
		if (root)
			text_step(sh, &ui, root);
		if (ctx)
			text_step(sh, &ui, ctx);
		else
			fprintf(sh->out, "no context entry\n");
		text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

static int cmd_pasid(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct args a;
	uint16_t bdf;
	uint32_t pasid;
	char name[16];
	int rc;

	if (parse_args(sh, argc, argv, 0, 2, 2, &a) || parse_bdf("pasid", a.pos[0], &bdf) ||
	    parse_pasid("pasid", a.pos[1], &pasid))
		return -EINVAL;
	if (!(u = arch_unit(sh, "pasid", SMMU_ARCH_VTD, &ui)))
		return -ENODEV;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ bdf, true, pasid }, &cfg)))
		return shell_lib_error("pasid", ui.name, rc);
	const char *mode = cfg_vtd_mode(&cfg);
	if (!mode) {
		shell_error("pasid: DMA remapping is off on %s (GSTS.TES=0): no PASID table is in use", ui.name);
		return -ENXIO;
	}
	if (strcmp(mode, "scalable")) {
		shell_error("pasid: %s is in %s mode (RTADDR.TTM): only scalable mode has PASID tables", ui.name, mode);
		return -ENXIO;
	}
	const struct smmu_cfg_step *root = find_step(&cfg, "vtd.sm.root", NULL);
	const struct smmu_cfg_step *ctx = find_step(&cfg, "vtd.sm.ctx", NULL);
	const struct smmu_cfg_step *dir = find_step(&cfg, "vtd.pasid.dir", NULL);
	const struct smmu_cfg_step *pe = find_step(&cfg, "vtd.pasid", NULL);
	bdf_text(name, sizeof(name), bdf);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("pasid", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_unit(sh, &ui);
		smmu_json_kstr(&sh->j, "bdf", name);
		smmu_json_khex(&sh->j, "source_id", bdf);
		smmu_json_ku64(&sh->j, "pasid", pasid);
		smmu_json_kstr(&sh->j, "mode", mode);
		json_kstep(sh, "root_entry", &ui, root);
		json_kstep(sh, "context_entry", &ui, ctx);
		json_kstep(sh, "pasid_dir_entry", &ui, dir);
		json_kstep(sh, "pasid_entry", &ui, pe);
		json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s (source-id 0x%04x), PASID 0x%x on %s: scalable mode\n", name, bdf, pasid, ui.name);
		for (unsigned i = 0; i < cfg.nsteps; i++)
			if (!cfg.step[i].reg)
				text_step(sh, &ui, &cfg.step[i]);
		if (!pe)
			fprintf(sh->out, "no PASID entry\n");
		text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* --- any architecture: config, walk, xlate ------------------------------------------------- */

/* "00:01.0 (StreamID 0x8) on smmuv3@0x09050000 (unit 0)", ", PASID 0x1" */
static void device_words(char *buf, size_t n, const struct smmu_device_info *di, const struct smmu_unit_info *ui,
			 const struct args *a)
{
	int k = snprintf(buf, n, "%s (%s 0x%x) on %s (unit %u)", di->addr,
			 ui->arch == SMMU_ARCH_VTD ? "source-id" : "StreamID", di->sid, ui->name, ui->index);
	if (a->pasid_set && k > 0 && (size_t)k < n)
		snprintf(buf + k, n - k, ", %s 0x%x", ui->arch == SMMU_ARCH_VTD ? "PASID" : "SubstreamID", a->pasid);
}

static void json_device(struct shell *sh, const struct smmu_device_info *di, const struct smmu_unit_info *ui,
			const struct args *a)
{
	smmu_json_kstr(&sh->j, "device", di->addr);
	json_unit(sh, ui);
	smmu_json_khex(&sh->j, "sid", di->sid);
	json_kpasid(sh, a->pasid_set, a->pasid);
}

static int cmd_config(struct shell *sh, int argc, char **argv)
{
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_device *d;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct args a;
	char head[160];
	int rc;

	if (parse_args(sh, argc, argv, OPT_PASID, 1, 1, &a))
		return -EINVAL;
	if (!(d = device_arg(sh, "config", a.pos[0], &di, &ui)))
		return -ENODEV;
	if ((rc = smmu_device_config(d, a.pasid_set, a.pasid, &cfg)))
		return shell_lib_error("config", di.addr, rc);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("config", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_device(sh, &di, &ui, &a);
		json_steps(sh, &ui, &cfg);
		json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		device_words(head, sizeof(head), &di, &ui, &a);
		fprintf(sh->out, "%s\n", head);
		for (unsigned i = 0; i < cfg.nsteps; i++) {
			fprintf(sh->out, "[%u] ", i + 1);
			text_step(sh, &ui, &cfg.step[i]);
		}
		text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* walk: ranges, or every entry with --raw */
struct walk_out {
	struct shell *sh;
	unsigned granule;
	int digits;          /* hex digits of addresses */
	uint64_t ranges, bytes, empty;
};

static int walk_range(void *arg, const struct smmu_pgt_range *r)
{
	struct walk_out *w = arg;
	struct shell *sh = w->sh;
	char sz[24], perm[32];

	if (shell_stop())
		return -EINTR;
	w->ranges++;
	w->bytes += r->size;
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_khex(&sh->j, "iova", r->iova);
		smmu_json_khex(&sh->j, "pa", r->pa);
		smmu_json_khex(&sh->j, "size", r->size);
		perm_letters(perm, sizeof(perm), r->prot);
		smmu_json_kstr(&sh->j, "permissions", perm);
		smmu_json_kbool(&sh->j, "device", r->prot & SMMU_PROT_DEVICE);
		smmu_json_obj_end(&sh->j);
		return 0;
	}
	size_text(sz, sizeof(sz), r->size);
	perm_text(perm, sizeof(perm), r->prot);
	fprintf(sh->out, "0x%0*" PRIx64 "-0x%0*" PRIx64 " -> 0x%0*" PRIx64 "-0x%0*" PRIx64 "  %6s  %s\n", w->digits,
		r->iova, w->digits, r->iova + r->size - 1, w->digits, r->pa, w->digits, r->pa + r->size - 1, sz, perm);
	return 0;
}

static const char *entry_type(const struct walk_out *w, const struct smmu_pgt_entry *e)
{
	switch (e->type) {
	case SMMU_PGT_E_TABLE: return "table";
	case SMMU_PGT_E_LEAF: return e->size > w->granule ? "block" : "page";
	default: return "invalid";
	}
}

/* Statuses worth a warning line: the entry is not simply valid or empty. */
static bool entry_warns(const struct smmu_pgt_entry *e)
{
	return e->status != SMMU_PGT_OK && e->status != SMMU_PGT_F_INVALID;
}

static int walk_entry(void *arg, const struct smmu_pgt_entry *e)
{
	struct walk_out *w = arg;
	struct shell *sh = w->sh;
	char perm[32];

	if (shell_stop())
		return -EINTR;
	/* empty slots are most of every table: counted, not listed */
	if (e->type == SMMU_PGT_E_INVALID && !e->pte && !entry_warns(e)) {
		w->empty++;
		return 0;
	}
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_key(&sh->j, "level");
		smmu_json_i64(&sh->j, e->level);
		smmu_json_ku64(&sh->j, "depth", e->depth);
		smmu_json_kstr(&sh->j, "type", entry_type(w, e));
		smmu_json_kstr(&sh->j, "kind", e->kind);
		smmu_json_khex(&sh->j, "iova", e->iova);
		smmu_json_khex(&sh->j, "size", e->size);
		smmu_json_khex(&sh->j, "table", e->table_pa);
		smmu_json_ku64(&sh->j, "index", e->index);
		smmu_json_khex(&sh->j, "entry_address", e->entry_pa);
		smmu_json_khex(&sh->j, "pte", e->pte);
		smmu_json_key(&sh->j, "address");
		e->type != SMMU_PGT_E_INVALID ? smmu_json_hex(&sh->j, e->addr) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "permissions");
		if (e->type == SMMU_PGT_E_LEAF) {
			perm_letters(perm, sizeof(perm), e->prot);
			smmu_json_str(&sh->j, perm);
		} else {
			smmu_json_null(&sh->j);
		}
		smmu_json_kstr(&sh->j, "status", status_id(e->status));
		smmu_json_obj_end(&sh->j);
		return 0;
	}
	fprintf(sh->out, "%*sL%d 0x%0*" PRIx64 "-0x%0*" PRIx64 "  @0x%" PRIx64 "  0x%016" PRIx64 "  %s",
		(int)e->depth * 2, "", e->level, w->digits, e->iova, w->digits, e->iova + e->size - 1, e->entry_pa,
		e->pte, entry_type(w, e));
	if (e->type == SMMU_PGT_E_TABLE)
		fprintf(sh->out, " -> 0x%" PRIx64, e->addr);
	if (e->type == SMMU_PGT_E_LEAF) {
		perm_text(perm, sizeof(perm), e->prot);
		fprintf(sh->out, " -> 0x%" PRIx64 " %s", e->addr, perm);
	}
	fprintf(sh->out, "\n");
	if (entry_warns(e))
		fprintf(sh->out, "%*s  warning: %s\n", (int)e->depth * 2, "", smmu_pgt_fault_name(e->status));
	return 0;
}

static void walk_json_stats(struct shell *sh, const struct smmu_pgt_walk_stats *st, const struct walk_out *w,
			    bool raw)
{
	smmu_json_key(&sh->j, "stats");
	smmu_json_obj_begin(&sh->j);
	smmu_json_ku64(&sh->j, "entries", st->steps);
	smmu_json_ku64(&sh->j, "tables", st->tables);
	smmu_json_ku64(&sh->j, "leaves", st->leaves);
	if (raw) {
		smmu_json_ku64(&sh->j, "empty_not_listed", w->empty);
	} else {
		smmu_json_ku64(&sh->j, "ranges", w->ranges);
		smmu_json_khex(&sh->j, "mapped", w->bytes);
	}
	smmu_json_key(&sh->j, "status");
	smmu_json_obj_begin(&sh->j);
	for (int s = SMMU_PGT_F_INVALID; s < SMMU_PGT_F_MAX; s++)
		if (st->count[s])
			smmu_json_ku64(&sh->j, status_id(s), st->count[s]);
	smmu_json_obj_end(&sh->j);
	smmu_json_obj_end(&sh->j);
}

/* Entries with something wrong, as warnings (text: lines; JSON: strings). */
static unsigned walk_warnings(struct shell *sh, const struct smmu_pgt_walk_stats *st)
{
	static const int worth[] = { SMMU_PGT_F_LOOP, SMMU_PGT_F_ALIAS, SMMU_PGT_F_TABLE_READ, SMMU_PGT_F_RESERVED,
				     SMMU_PGT_F_ADDR_SIZE, SMMU_PGT_F_ACCESS, SMMU_PGT_F_BUDGET };
	char msg[128];
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(worth) / sizeof(worth[0]); i++) {
		unsigned c = st->count[worth[i]];
		if (!c)
			continue;
		snprintf(msg, sizeof(msg), "%u entr%s: %s", c, c == 1 ? "y" : "ies", smmu_pgt_fault_name(worth[i]));
		if (sh->json)
			smmu_json_str(&sh->j, msg);
		else
			fprintf(sh->out, "warning: %s\n", msg);
		n++;
	}
	return n;
}

static int cmd_walk(struct shell *sh, int argc, char **argv)
{
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_device *d;
	struct smmu_config cfg;
	struct smmu_pgt_walk_stats st;
	struct shell_capture cap;
	struct args a;
	uint64_t iova = 0, size = 0;
	char head[160];
	int rc;

	if (parse_args(sh, argc, argv, OPT_PASID | OPT_RAW, 1, 3, &a) ||
	    (a.npos > 1 && shell_parse_u64("walk", a.pos[1], &iova)) ||
	    (a.npos > 2 && shell_parse_size("walk", a.pos[2], &size)))
		return -EINVAL;
	if (a.npos > 2 && !size) {
		shell_error("walk: the size must not be 0");
		return -EINVAL;
	}
	if (a.npos > 2 && iova + size < iova) {
		shell_error("walk: 0x%" PRIx64 " + 0x%" PRIx64 " goes past the end of the address space", iova, size);
		return -ERANGE;
	}
	if (!(d = device_arg(sh, "walk", a.pos[0], &di, &ui)))
		return -ENODEV;
	if ((rc = smmu_device_config(d, a.pasid_set, a.pasid, &cfg)))
		return shell_lib_error("walk", di.addr, rc);
	bool tables = cfg.verdict == SMMU_CFG_TRANSLATE;
	unsigned bits = cfg.pgt.ias > cfg.pgt.oas ? cfg.pgt.ias : cfg.pgt.oas ? cfg.pgt.oas : 48;
	struct walk_out w = { .sh = sh, .granule = cfg.pgt.granule ? cfg.pgt.granule : 4096,
			      .digits = bits > 64 ? 16 : (int)(bits + 3) / 4 };
	/* IOVA alone: from there to the end of the input space */
	if (tables && a.npos == 2) {
		if (cfg.pgt.ias >= 64 || iova < 1ull << cfg.pgt.ias) {
			size = cfg.pgt.ias >= 64 ? -iova : (1ull << cfg.pgt.ias) - iova;
		} else {
			shell_error("walk: 0x%" PRIx64 " is beyond the %u-bit input space", iova, cfg.pgt.ias);
			return -ERANGE;
		}
	}
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("walk", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_device(sh, &di, &ui, &a);
		smmu_json_khex(&sh->j, "iova", iova);
		smmu_json_key(&sh->j, "size"); /* null: the whole input space */
		size ? smmu_json_hex(&sh->j, size) : smmu_json_null(&sh->j);
		smmu_json_kbool(&sh->j, "raw", a.raw);
		json_verdict(sh, &cfg);
		smmu_json_key(&sh->j, a.raw ? "entries" : "ranges");
		smmu_json_arr_begin(&sh->j);
	} else {
		device_words(head, sizeof(head), &di, &ui, &a);
		fprintf(sh->out, "%s\n", head);
		text_verdict(sh, &ui, &cfg, "");
	}
	memset(&st, 0, sizeof(st));
	rc = 0;
	if (tables) {
		if (a.raw)
			rc = smmu_walk_raw(di.unit, &(struct smmu_stream){ di.sid, a.pasid_set, a.pasid }, iova,
					   size, walk_entry, &w, &st);
		else
			rc = smmu_list(di.unit, &(struct smmu_stream){ di.sid, a.pasid_set, a.pasid }, iova, size, walk_range, &w, &st);
	}
	if (rc && rc != -SMMU_E_LOOP) {
		shell_capture_end(sh, &cap, false);
		return shell_lib_error("walk", rc == -EINTR ? "interrupted" : "walking the tables", rc);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		walk_json_stats(sh, &st, &w, a.raw);
		smmu_json_key(&sh->j, "warnings");
		smmu_json_arr_begin(&sh->j);
		walk_warnings(sh, &st);
		smmu_json_arr_end(&sh->j);
		smmu_json_kbool(&sh->j, "complete", !rc);
		shell_json_end(sh);
	} else if (tables) {
		char sz[24];
		size_text(sz, sizeof(sz), w.bytes);
		if (!a.raw)
			fprintf(sh->out, "%" PRIu64 " range%s, %s mapped; ", w.ranges, w.ranges == 1 ? "" : "s", sz);
		fprintf(sh->out, "%" PRIu64 " entries visited in %" PRIu64 " table%s, %" PRIu64 " lea%s",
			(uint64_t)st.steps, (uint64_t)st.tables, st.tables == 1 ? "" : "s", (uint64_t)st.leaves,
			st.leaves == 1 ? "f" : "ves");
		if (a.raw)
			fprintf(sh->out, " (%" PRIu64 " empty not shown)", w.empty);
		fprintf(sh->out, "\n");
		walk_warnings(sh, &st);
	}
	shell_capture_end(sh, &cap, true);
	if (rc == -SMMU_E_LOOP) {
		shell_error("walk: %s: %s: the listing above is incomplete", di.addr,
			    st.count[SMMU_PGT_F_BUDGET]
				    ? "the walk ran out of its step budget"
				    : "its tables loop back to a table on the path (not followed again)");
		return rc;
	}
	return 0;
}

/* "r", "w", "x", combined, and "p" for a privileged request: SMMU_PROT_* bits. */
static int parse_access(const char *s, unsigned *acc)
{
	*acc = 0;
	for (const char *p = s; *p; p++) {
		unsigned bit = *p == 'r' ? SMMU_PROT_R : *p == 'w' ? SMMU_PROT_W : *p == 'x' ? SMMU_PROT_X
			     : *p == 'p' ? SMMU_PROT_PRIV : 0;
		if (!bit || (*acc & bit)) {
			shell_error("xlate: access '%s' is not r, w or x (with p for a privileged request)", s);
			return -EINVAL;
		}
		*acc |= bit;
	}
	if (!(*acc & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X))) {
		shell_error("xlate: access '%s' names no r, w or x", s);
		return -EINVAL;
	}
	return 0;
}

static const char *access_text(unsigned acc)
{
	static char buf[32];

	if (!acc)
		return "look up";
	snprintf(buf, sizeof(buf), "%s%s%s%s", acc & SMMU_PROT_R ? "read " : "", acc & SMMU_PROT_W ? "write " : "",
		 acc & SMMU_PROT_X ? "exec " : "", acc & SMMU_PROT_PRIV ? "privileged " : "");
	buf[strlen(buf) - 1] = '\0';
	return buf;
}

static int cmd_xlate(struct shell *sh, int argc, char **argv)
{
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_device *d;
	struct smmu_translation tr;
	struct smmu_explain ex;
	struct shell_capture cap;
	struct args a;
	uint64_t iova;
	unsigned acc = 0;
	char head[160], line[512], perm[32], sz[24];
	int rc;

	if (parse_args(sh, argc, argv, OPT_PASID, 2, 3, &a) || shell_parse_u64("xlate", a.pos[1], &iova) ||
	    (a.npos > 2 && parse_access(a.pos[2], &acc)))
		return -EINVAL;
	if (!(d = device_arg(sh, "xlate", a.pos[0], &di, &ui)))
		return -ENODEV;
	if ((rc = smmu_translate(di.unit, &(struct smmu_stream){ di.sid, a.pasid_set, a.pasid }, iova, acc, &tr)))
		return shell_lib_error("xlate", di.addr, rc);
	const struct smmu_config *cfg = &tr.cfg;
	const struct smmu_pgt_xlate *x = &tr.x;
	/* a walk that stopped is explained the way a fault is */
	ex.text[0] = '\0';
	if (!tr.ok && tr.walked) {
		struct smmu_fault f = { .unit = di.unit, .dev = d, .stream = { di.sid, a.pasid_set, a.pasid },
					.addr = iova, .access = acc };
		if ((rc = smmu_fault_explain(sh->t, &f, &ex)))
			return shell_lib_error("xlate", di.addr, rc);
	} else if (tr.ok && tr.walked) {
		size_text(sz, sizeof(sz), x->page_size);
		perm_text(perm, sizeof(perm), x->prot);
		snprintf(ex.text, sizeof(ex.text), "0x%" PRIx64 " -> 0x%" PRIx64 " (%s %s, %s)", iova, tr.pa, sz,
			 x->page_size > (cfg->pgt.granule ? cfg->pgt.granule : 4096) ? "block" : "page", perm);
	} else if (tr.ok) {
		snprintf(ex.text, sizeof(ex.text), "0x%" PRIx64 " -> 0x%" PRIx64 " untranslated (bypass)", iova, tr.pa);
	} else {
		code_words(head, sizeof(head), &ui, cfg);
		snprintf(ex.text, sizeof(ex.text), "stopped in the configuration (%s): %s%s",
			 verdict_name(cfg->verdict), cfg->reason, head);
	}
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("xlate", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		json_device(sh, &di, &ui, &a);
		smmu_json_khex(&sh->j, "iova", iova);
		perm_letters(perm, sizeof(perm), acc);
		smmu_json_kstr(&sh->j, "access", perm);
		smmu_json_key(&sh->j, "config");
		smmu_json_obj_begin(&sh->j);
		json_steps(sh, &ui, cfg);
		json_verdict(sh, cfg);
		smmu_json_obj_end(&sh->j);
		smmu_json_key(&sh->j, "levels");
		smmu_json_arr_begin(&sh->j);
		for (unsigned i = 0; tr.walked && i < x->nsteps; i++) {
			const struct smmu_pgt_step *s = &x->step[i];
			smmu_json_obj_begin(&sh->j);
			smmu_json_key(&sh->j, "level");
			smmu_json_i64(&sh->j, s->level);
			smmu_json_khex(&sh->j, "table", s->table_pa);
			smmu_json_ku64(&sh->j, "index", s->index);
			smmu_json_khex(&sh->j, "entry_address", s->entry_pa);
			smmu_json_khex(&sh->j, "pte", s->pte);
			smmu_json_kstr(&sh->j, "kind", s->kind);
			smmu_json_key(&sh->j, "decoded");
			shell_render(sh, s->kind, &s->pte, 0);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_arr_end(&sh->j);
		smmu_json_key(&sh->j, "result");
		smmu_json_obj_begin(&sh->j);
		smmu_json_kbool(&sh->j, "translated", tr.ok);
		smmu_json_key(&sh->j, "pa");
		tr.ok ? smmu_json_hex(&sh->j, tr.pa) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "page_size");
		tr.ok && tr.walked ? smmu_json_hex(&sh->j, x->page_size) : smmu_json_null(&sh->j);
		perm_letters(perm, sizeof(perm), x->prot);
		smmu_json_kstr(&sh->j, "permissions", tr.ok && tr.walked ? perm : NULL);
		smmu_json_kstr(&sh->j, "stopped_in", tr.ok ? NULL : tr.walked ? "tables" : "config");
		smmu_json_kstr(&sh->j, "fault", !tr.ok && tr.walked ? status_id(x->fault) : NULL);
		smmu_json_key(&sh->j, "fault_level");
		!tr.ok && tr.walked ? smmu_json_i64(&sh->j, x->fault_level) : smmu_json_null(&sh->j);
		perm_letters(perm, sizeof(perm), x->perm_missing);
		smmu_json_kstr(&sh->j, "missing", !tr.ok && x->fault == SMMU_PGT_F_PERM ? perm : NULL);
		smmu_json_kstr(&sh->j, "explanation", ex.text);
		smmu_json_obj_end(&sh->j);
		shell_json_end(sh);
	} else {
		device_words(head, sizeof(head), &di, &ui, &a);
		fprintf(sh->out, "%s: IOVA 0x%" PRIx64 ", %s\nconfig:\n", head, iova, access_text(acc));
		for (unsigned i = 0; i < cfg->nsteps; i++)
			text_step_line(sh, &ui, &cfg->step[i], "  ");
		text_verdict(sh, &ui, cfg, "  ");
		if (tr.walked && x->nsteps) {
			fprintf(sh->out, "walk:\n");
			for (unsigned i = 0; i < x->nsteps; i++) {
				const struct smmu_pgt_step *s = &x->step[i];
				oneline(line, sizeof(line), s->kind, &s->pte);
				fprintf(sh->out, "  level %d  table 0x%" PRIx64 "  index %-3u  entry 0x%" PRIx64
					"  pte 0x%016" PRIx64 "  %s: %s\n", s->level, s->table_pa, s->index,
					s->entry_pa, s->pte, s->kind, line);
			}
		}
		fprintf(sh->out, "result: %s%s\n", tr.ok ? "" : "fault: ", ex.text);
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

const struct shell_cmd shell_cmds_tables[] = {
	{ "ste", "SID", "SMMUv3: the STE of a StreamID in the live stream table, decoded", CMD_TARGET, cmd_ste },
	{ "cd", "SID [SSID]", "SMMUv3: the context descriptor a StreamID (and SubstreamID) uses", CMD_TARGET,
	  cmd_cd },
	{ "strtab", "[--all]", "SMMUv3: the valid STEs of the live stream table (--all: one line each)",
	  CMD_TARGET, cmd_strtab, COMPLETE_WORDS, "--all" },
	{ "root", "[BUS]", "VT-d: present root entries, or one bus's root entry", CMD_TARGET, cmd_root },
	{ "ctx", "BDF", "VT-d: the context entry of a PCI device (legacy or scalable)", CMD_TARGET, cmd_ctx,
	  COMPLETE_DEVICE },
	{ "pasid", "BDF PASID", "VT-d scalable mode: the PASID directory and table entries of a device",
	  CMD_TARGET, cmd_pasid, COMPLETE_DEVICE },
	{ "config", "DEVICE [--pasid N]", "a device's whole live configuration chain and what it does",
	  CMD_TARGET, cmd_config, COMPLETE_DEVICE },
	{ "walk", "DEVICE [IOVA [SIZE]] [--pasid N] [--raw]",
	  "a device's mappings from its live page tables (--raw: every entry)", CMD_TARGET, cmd_walk,
	  COMPLETE_DEVICE },
	{ "xlate", "DEVICE IOVA [--pasid N] [r|w|x]",
	  "translate one address through a device's live tables, level by level", CMD_TARGET, cmd_xlate,
	  COMPLETE_DEVICE },
	{ .name = NULL },
};
