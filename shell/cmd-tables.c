/* SPDX-License-Identifier: MIT */
/*
 * Live tables, read-only: the command table of ste, cd, strtab (SMMUv3,
 * cmd-smmuv3.c), root, ctx, pasid (VT-d, cmd-vtd.c) and the
 * architecture-neutral config, walk and xlate of a device (cmd-walk.c), and
 * what they share: arguments, and the rendering of what the library returns.
 * Every structure comes from the library; nothing here writes hardware.
 * Output is built in memory and only printed when the command succeeds, so a
 * failing command leaves stdout empty.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "cmd-tables.h"

/* --- arguments ----------------------------------------------------------------- */

int tbl_parse_pasid(const char *cmd, const char *s, uint32_t *out)
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
int tbl_parse_args(struct shell *sh, int argc, char **argv, unsigned allowed, int min, int max,
		      struct tbl_args *a)
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
			if (tbl_parse_pasid(argv[0], v, &a->pasid))
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
int tbl_parse_bdf(const char *cmd, const char *s, uint16_t *bdf)
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

/* --- units, devices ---------------------------------------------------------------- */

static const char *arch_title(enum smmu_arch a)
{
	return a == SMMU_ARCH_VTD ? "VT-d" : a == SMMU_ARCH_SMMUV2 ? "SMMUv2" : a == SMMU_ARCH_AMDVI ? "AMD-Vi" : "SMMUv3";
}

/* The selected unit, which must be of architecture `want`. */
struct smmu_unit *tbl_arch_unit(struct shell *sh, const char *cmd, enum smmu_arch want,
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

struct smmu_device *tbl_device_arg(struct shell *sh, const char *cmd, const char *name,
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
/* --- rendering helpers --------------------------------------------------------------- */

/* One line from the renderer's own tokens: set flags, and fields that say
 * something.  Left out: zero hex fields, and in multi-word structures every
 * zero field but word 0's enums (Config, TT, PGTT...), since their dozens of
 * defaults would drown the rest.  The grid separates tokens by two or more
 * blanks, in field order. */
void tbl_oneline(char *out, size_t n, const char *kind, const uint64_t *words)
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

void tbl_json_step(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s)
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
void tbl_json_kstep(struct shell *sh, const char *key, const struct smmu_unit_info *ui,
		       const struct smmu_cfg_step *s)
{
	smmu_json_key(&sh->j, key);
	if (s)
		tbl_json_step(sh, ui, s);
	else
		smmu_json_null(&sh->j);
}

/* A structure in full: a line saying what and where, then the decoder's rendering. */
void tbl_text_step(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s)
{
	if (s->reg)
		fprintf(sh->out, "%s, register at 0x%" PRIx64 ":\n", s->what, step_addr(ui, s));
	else
		fprintf(sh->out, "%s at 0x%" PRIx64 ":\n", s->what, s->addr);
	shell_render(sh, s->kind, s->words, 0);
}

/* A structure on one line, for traces. */
void tbl_text_step_line(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s,
			   const char *indent)
{
	char line[512];

	tbl_oneline(line, sizeof(line), s->kind, s->words);
	fprintf(sh->out, "%s%s%s at 0x%" PRIx64 ": %s\n", indent, s->what, s->reg ? " register" : "",
		step_addr(ui, s), line);
}

/* What the hardware records for the stop: an SMMUv3 event or a VT-d fault reason. */
void tbl_code_words(char *buf, size_t n, const struct smmu_unit_info *ui, const struct smmu_config *cfg)
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

void tbl_text_verdict(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_config *cfg,
			 const char *indent)
{
	char code[160];

	tbl_code_words(code, sizeof(code), ui, cfg);
	fprintf(sh->out, "%s-> %s: %s%s\n", indent, smmu_cfg_verdict_name(cfg->verdict), cfg->reason, code);
}

static const char *pgt_format_name(enum smmu_pgt_format f)
{
	switch (f) {
	case SMMU_PGT_LPAE_S1: return "lpae-s1";
	case SMMU_PGT_LPAE_S2: return "lpae-s2";
	case SMMU_PGT_VTD_SL: return "vtd-sl";
	case SMMU_PGT_AMD_V1: return "amd-v1";
	default: return "vtd-fl";
	}
}

void tbl_json_verdict(struct shell *sh, const struct smmu_config *cfg)
{
	smmu_json_key(&sh->j, "verdict");
	smmu_json_obj_begin(&sh->j);
	smmu_json_kstr(&sh->j, "result", smmu_cfg_verdict_name(cfg->verdict));
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

void tbl_json_steps(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_config *cfg)
{
	smmu_json_key(&sh->j, "steps");
	smmu_json_arr_begin(&sh->j);
	for (unsigned i = 0; i < cfg->nsteps; i++)
		tbl_json_step(sh, ui, &cfg->step[i]);
	smmu_json_arr_end(&sh->j);
}

/* "rw-" (+ " priv", " device") for text; "rw"/"rwp" (the letters map takes) for JSON. */
void tbl_perm_text(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%c%c%c%s%s", prot & SMMU_PROT_R ? 'r' : '-', prot & SMMU_PROT_W ? 'w' : '-',
		 prot & SMMU_PROT_X ? 'x' : '-', prot & SMMU_PROT_PRIV ? " priv" : "",
		 prot & SMMU_PROT_DEVICE ? " device" : "");
}

void tbl_perm_letters(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%s%s%s%s", prot & SMMU_PROT_R ? "r" : "", prot & SMMU_PROT_W ? "w" : "",
		 prot & SMMU_PROT_X ? "x" : "", prot & SMMU_PROT_PRIV ? "p" : "");
}

void tbl_json_denied_by(struct smmu_json *j, const struct smmu_pgt_xlate *x)
{
	static const char *const from[] = { [SMMU_PGT_PERM_LEAF] = "leaf", [SMMU_PGT_PERM_TABLE] = "table",
					    [SMMU_PGT_PERM_CONFIG] = "config" };
	smmu_json_kstr(j, "denied_by", x ? from[x->perm_from] : NULL);
	smmu_json_key(j, "denied_level");
	x && x->perm_from != SMMU_PGT_PERM_CONFIG ? smmu_json_i64(j, x->perm_level) : smmu_json_null(j);
}

/* 4K, 2M, 1G when exact, else bytes. */
/* Exact, in binary units: 64K, 2M, or the parts of an odd size largest
 * first (128P+4K), never a long run of digits in one small unit. */
void tbl_size_text(char *buf, size_t n, uint64_t size)
{
	static const char units[] = "KMGTPE";
	size_t o = 0;

	if (!size || size & 1023) {
		snprintf(buf, n, "%" PRIu64, size);
		return;
	}
	for (int u = 5; u >= 0 && o < n; u--) {
		uint64_t part = size >> (10 * (u + 1)) & 1023;
		if (u == 5)
			part = size >> 60; /* E: what is left above P */
		if (part)
			o += (size_t)snprintf(buf + o, n - o, "%s%" PRIu64 "%c", o ? "+" : "", part, units[u]);
	}
}

void tbl_json_kpasid(struct shell *sh, bool set, uint32_t pasid)
{
	smmu_json_key(&sh->j, "pasid");
	if (set)
		smmu_json_u64(&sh->j, pasid);
	else
		smmu_json_null(&sh->j);
}

void tbl_json_unit(struct shell *sh, const struct smmu_unit_info *ui)
{
	smmu_json_ku64(&sh->j, "unit", ui->index);
	smmu_json_kstr(&sh->j, "unit_name", ui->name);
}

void tbl_bdf_text(char *buf, size_t n, uint16_t bdf)
{
	snprintf(buf, n, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

/* --- devices in headings ---------------------------------------------------------------- */

/* "00:01.0 (StreamID 0x8) on smmuv3@0x09050000 (unit 0)", ", PASID 0x1" */
void tbl_device_words(char *buf, size_t n, const struct smmu_device_info *di, const struct smmu_unit_info *ui,
			 const struct tbl_args *a)
{
	int k = snprintf(buf, n, "%s (%s 0x%x) on %s (unit %u)", di->addr,
			 ui->arch == SMMU_ARCH_VTD ? "source-id" : ui->arch == SMMU_ARCH_AMDVI ? "DeviceID" : "StreamID", di->sid, ui->name, ui->index);
	if (a->pasid_set && k > 0 && (size_t)k < n)
		snprintf(buf + k, n - k, ", %s 0x%x", ui->arch == SMMU_ARCH_VTD || ui->arch == SMMU_ARCH_AMDVI ? "PASID" : "SubstreamID", a->pasid);
}

void tbl_json_device(struct shell *sh, const struct smmu_device_info *di, const struct smmu_unit_info *ui,
			const struct tbl_args *a)
{
	smmu_json_kstr(&sh->j, "device", di->addr);
	tbl_json_unit(sh, ui);
	smmu_json_khex(&sh->j, "sid", di->sid);
	tbl_json_kpasid(sh, a->pasid_set, a->pasid);
}

const struct shell_cmd shell_cmds_tables[] = {
	{ "ste", "SID", "SMMUv3: the STE of a StreamID in the live stream table, decoded", CMD_TARGET | CMD_OPENS_LATE, cmd_ste },
	{ "cd", "SID [SSID]", "SMMUv3: the context descriptor a StreamID (and SubstreamID) uses", CMD_TARGET | CMD_OPENS_LATE,
	  cmd_cd },
	{ "strtab", "[--all]", "SMMUv3: the valid STEs of the live stream table (--all: one line each)",
	  CMD_TARGET, cmd_strtab, COMPLETE_WORDS, "--all" },
	{ "root", "[BUS]", "VT-d: present root entries, or one bus's root entry", CMD_TARGET | CMD_OPENS_LATE, cmd_root },
	{ "ctx", "BDF", "VT-d: the context entry of a PCI device (legacy or scalable)", CMD_TARGET | CMD_OPENS_LATE, cmd_ctx,
	  COMPLETE_DEVICE },
	{ "dte", "BDF", "AMD-Vi: the device table entry of a PCI device (its DeviceID or alias), decoded",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_dte, COMPLETE_DEVICE },
	{ "pasid", "BDF PASID", "VT-d scalable mode: the PASID directory and table entries of a device",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_pasid, COMPLETE_DEVICE },
	{ "config", "DEVICE [--pasid N]", "a device's whole live configuration chain and what it does",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_config, COMPLETE_DEVICE },
	{ "walk", "DEVICE [IOVA [SIZE]] [--pasid N] [--raw]",
	  "a device's mappings from its live page tables (--raw: every entry)", CMD_TARGET | CMD_OPENS_LATE, cmd_walk,
	  COMPLETE_DEVICE },
	{ "xlate", "DEVICE IOVA [--pasid N] [r|w|x]",
	  "translate one address through a device's live tables, level by level", CMD_TARGET | CMD_OPENS_LATE, cmd_xlate,
	  COMPLETE_DEVICE },
	{ .name = NULL },
};
