/* SPDX-License-Identifier: MIT */
/* Targets and hardware: target, units, unit, regs, reg, devices. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decoders/decode.h"
#include "shell.h"

static const char *arch_name(enum smmu_arch a)
{
	return smmu_arch_name(a);
}

static int cmd_target(struct shell *sh, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "info";

	if (!strcmp(sub, "list")) {
		struct smmu_backend_info bi;
		if (shell_nargs(sh, argc, argv, 1, 1))
			return -EINVAL;
		if (sh->json)
			smmu_json_arr_begin(&sh->j);
		for (size_t b = 0; !smmu_backend_info(b, &bi); b++) {
			if (!sh->json) {
				fprintf(sh->out, "%-6s {%s}  %s\n", bi.name, bi.variants, bi.help);
				continue;
			}
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "name", bi.name);
			smmu_json_kstr(&sh->j, "variants", bi.variants);
			smmu_json_kstr(&sh->j, "help", bi.help);
			smmu_json_obj_end(&sh->j);
		}
		if (sh->json) {
			smmu_json_arr_end(&sh->j);
			smmu_json_done(&sh->j);
		}
		return 0;
	}
	if (!strcmp(sub, "open") || !strcmp(sub, "reopen")) {
		bool reopen = !strcmp(sub, "reopen");
		if (reopen ? argc != 2 : argc < 3) {
			shell_error(reopen ? "target reopen: expected target reopen (the current target, its options again)"
					   : "target open: expected target open SPEC [KEY=VALUE...]");
			return -EINVAL;
		}
		static char spec[64];
		static char *opts[32];
		static size_t nopts;
		char *nopt[32], nspec[64];
		size_t nnew = 0;
		/* reopen: the current target's name and options */
		const char *want = reopen ? sh->target_spec : argv[2];
		const char *const *from = reopen ? sh->opts : (const char *const *)argv + 3;
		size_t nfrom = reopen ? sh->nopts : (size_t)(argc - 3);
		if (strlen(want) >= sizeof(spec) || nfrom > 32) {
			shell_error("target %s: %s", sub, nfrom > 32 ? "more than 32 options" : "target name too long");
			return -EINVAL;
		}
		snprintf(nspec, sizeof(nspec), "%s", want);
		for (size_t i = 0; i < nfrom; i++)
			if (!(nopt[nnew++] = strdup(from[i]))) {
				while (nnew)
					free(nopt[--nnew]);
				shell_error("target %s: out of memory", sub);
				return -ENOMEM;
			}
		/* reopen: the old machine goes first (it may hold what the new
		 * one needs, a QEMU socket); open: the new machine first, so a
		 * typo does not cost the current one */
		int rc;
		if (reopen && sh->t) {
			if ((rc = smmu_target_release_all(sh->t)) && !smmu_target_gone(sh->t)) {
				while (nnew)
					free(nopt[--nnew]);
				return shell_lib_error("target reopen", "releasing the current target", rc);
			}
			smmu_release_on_exit(NULL);
			shell_target_forget(sh, sh->t);
			smmu_target_close(sh->t);
			sh->t = NULL;
		}
		struct smmu_target *nt;
		char err[256] = "";
		rc = smmu_target_open(nspec, (const char *const *)nopt, nnew, &nt, err, sizeof(err));
		if (!rc && (rc = smmu_discover(nt, err, sizeof(err))))
			smmu_target_close(nt);
		if (rc) {
			shell_error("target %s: %s: %s%s", sub, nspec, err[0] ? err : smmu_strerror(rc),
				    shell_target_hint(nspec, (const char *const *)nopt, nnew));
			while (nnew)
				free(nopt[--nnew]);
			return rc;
		}
		if (sh->t) { /* the old machine's owned units go back before it closes */
			/* a machine that is gone has nothing to give back: it does
			 * not keep the new one from opening */
			if ((rc = smmu_target_release_all(sh->t)) && !smmu_target_gone(sh->t)) {
				smmu_target_close(nt);
				while (nnew)
					free(nopt[--nnew]);
				return shell_lib_error("target open", "releasing the current target", rc);
			}
			smmu_release_on_exit(NULL);
			shell_target_forget(sh, sh->t);
			smmu_target_close(sh->t);
		}
		while (nopts)
			free(opts[--nopts]);
		memcpy(opts, nopt, nnew * sizeof(*nopt));
		nopts = nnew;
		snprintf(spec, sizeof(spec), "%s", nspec);
		sh->target_spec = spec;
		sh->opts = (const char **)opts;
		sh->nopts = nopts;
		sh->unit = 0;
		sh->t = nt;
		smmu_release_on_exit(nt);
		shell_signals();
		if (!sh->quiet && !sh->json)
			fprintf(sh->out, "target %s: %s\n", smmu_target_spec(nt), smmu_target_describe(nt));
		return 0;
	}
	if (strcmp(sub, "info")) {
		shell_error("target: unknown subcommand '%s' (info, list, open, reopen)", sub);
		return -EINVAL;
	}
	if (shell_nargs(sh, argc, argv, 0, 1))
		return -EINVAL;
	struct smmu_target *t = shell_target(sh);
	uint64_t base = 0, size = 0;
	if (!t)
		return -ENODEV;
	smmu_target_table_region(t, &base, &size);
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "target", smmu_target_spec(t));
		smmu_json_kstr(&sh->j, "description", smmu_target_describe(t));
		smmu_json_ku64(&sh->j, "units", smmu_unit_count(t));
		smmu_json_ku64(&sh->j, "devices", smmu_device_count(t));
		smmu_json_key(&sh->j, "table_region");
		smmu_json_obj_begin(&sh->j);
		smmu_json_khex(&sh->j, "base", base);
		smmu_json_khex(&sh->j, "size", size);
		smmu_json_obj_end(&sh->j);
		shell_json_end(sh);
		return 0;
	}
	fprintf(sh->out, "target %s: %s\n  units %zu, devices %zu\n  table region 0x%" PRIx64 "-0x%" PRIx64
		" (%" PRIu64 " KiB, reserved for smmush's own tables)\n",
		smmu_target_spec(t), smmu_target_describe(t), smmu_unit_count(t), smmu_device_count(t), base,
		base + size - (size != 0), size >> 10);
	return 0;
}

static int cmd_units(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t = sh->t;
	struct smmu_unit_info ui;
	struct smmu_left_owned lo;
	struct shell_capture cap;
	int rc;

	if (shell_nargs(sh, argc, argv, 0, 0))
		return -EINVAL;
	if ((rc = shell_capture_begin(sh, &cap)))
		return rc;
	if (sh->json)
		smmu_json_arr_begin(&sh->j);
	for (size_t i = 0; i < smmu_unit_count(t); i++) {
		struct smmu_unit *u = smmu_unit_at(t, i);
		struct smmu_unit_status st;
		if ((rc = smmu_unit_status(u, &st))) {
			shell_capture_end(sh, &cap, false);
			return shell_lib_error("units", "reading the unit", rc);
		}
		bool on = st.translating;
		smmu_unit_info(u, &ui);
		struct smmu_unit_kernel kern;
		smmu_unit_kernel(u, &kern); /* known only on a live machine */
		if (sh->json) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_ku64(&sh->j, "index", ui.index);
			smmu_json_kstr(&sh->j, "name", ui.name);
			smmu_json_kstr(&sh->j, "arch", arch_name(ui.arch));
			smmu_json_khex(&sh->j, "base", ui.base);
			smmu_json_kstr(&sh->j, "source", ui.source);
			smmu_json_kbool(&sh->j, "owned", smmu_unit_owned(u));
			smmu_json_kbool(&sh->j, "translating", on);
			smmu_json_kbool(&sh->j, "left_owned", smmu_unit_left_owned(u, &lo) > 0);
			smmu_json_kbool(&sh->j, "stale_journal", lo.stale);
			smmu_json_kbool(&sh->j, "selected", i == sh->unit);
			if (kern.known) {
				smmu_json_kbool(&sh->j, "kernel_owned", kern.kernel_owned);
				smmu_json_kstr(&sh->j, "kernel_claim", kern.claimer);
				smmu_json_kbool(&sh->j, "kernel_irq_remap", kern.irq_remap);
			}
			smmu_json_obj_end(&sh->j);
			continue;
		}
		fprintf(sh->out, "%c%zu  %-22s %-6s from %-5s %s, translation %s%s%s\n", i == sh->unit ? '*' : ' ',
			i, ui.name, arch_name(ui.arch), ui.source,
			kern.kernel_owned ? "kernel-owned (read-only)" : smmu_unit_owned(u) ? "owned" : "not owned",
			on ? "on" : "off", kern.irq_remap ? ", kernel interrupt remapping" : "",
			kern.known && kern.claimed && !kern.kernel_owned ? ", claimed by the kernel" : "");
		if (smmu_unit_left_owned(u, &lo) > 0)
			fprintf(sh->out, "    left owned by an earlier session (%s): 'own --recover' takes it over, 'release --recover' restores its saved registers\n",
				lo.journal ? lo.path : "its registers point into smmush's tables; no journal");
		else if (lo.stale)
			fprintf(sh->out, "    a journal of an earlier start of this machine (%s) no longer applies: ignored; 'own' replaces it\n",
				lo.path);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
	} else if (!smmu_unit_count(t)) {
		fprintf(sh->out, "no units: firmware named none ('unit add smmuv3|vtd|amdvi ADDR' adds one)\n");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

static int cmd_unit(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t;
	uint64_t v;
	int rc;

	/* the values first, then the target (CMD_OPENS_LATE) */
	if (argc > 1 && !strcmp(argv[1], "add")) {
		struct smmu_unit *u;
		enum smmu_arch arch;
		if (argc != 4) {
			shell_error("unit add: expected unit add smmuv3|smmuv2|vtd|amdvi ADDR");
			return -EINVAL;
		}
		if (!strcmp(argv[2], "smmuv3"))
			arch = SMMU_ARCH_SMMUV3;
		else if (!strcmp(argv[2], "vtd"))
			arch = SMMU_ARCH_VTD;
		else if (!strcmp(argv[2], "smmuv2"))
			arch = SMMU_ARCH_SMMUV2;
		else if (!strcmp(argv[2], "amdvi"))
			arch = SMMU_ARCH_AMDVI;
		else {
			shell_error("unit add: unknown architecture '%s' (smmuv3, smmuv2, vtd, amdvi)", argv[2]);
			return -EINVAL;
		}
		if (shell_parse_u64("unit add", argv[3], &v))
			return -EINVAL;
		if (!(t = shell_target(sh)))
			return -ENODEV;
		if ((rc = smmu_unit_add(t, arch, v, &u))) {
			if (rc == -EEXIST)
				shell_error("unit add: a unit of another architecture is already at %s", argv[3]);
			else if (rc == -EFAULT || rc == -ENODEV)
				shell_error("unit add: no %s unit answers at %s", argv[2], argv[3]);
			else
				return shell_lib_error("unit add", argv[3], rc);
			return rc;
		}
		return 0;
	}
	if (shell_nargs(sh, argc, argv, 1, 1) || shell_parse_u64("unit", argv[1], &v))
		return -EINVAL;
	if (!(t = shell_target(sh)))
		return -ENODEV;
	if (v >= smmu_unit_count(t)) {
		shell_error("unit: no unit %s (the target has %zu)", argv[1], smmu_unit_count(t));
		return -ENOENT;
	}
	sh->unit = v;
	return 0;
}

/* --- registers --------------------------------------------------------------------- */

static const char *arch_prefix(struct smmu_unit *u)
{
	struct smmu_unit_info ui;

	smmu_unit_info(u, &ui);
	return ui.arch == SMMU_ARCH_VTD ? "vtd." : ui.arch == SMMU_ARCH_SMMUV2 ? "smmuv2." : ui.arch == SMMU_ARCH_AMDVI ? "amdvi." : "smmuv3.";
}

/* A register of the unit by name ("cr0", "smmuv3.cr0"); reported when there is none. */
static int find_reg(struct smmu_unit *u, const char *cmd, const char *name, struct smmu_reg *reg)
{
	int rc = smmu_reg_find(u, name, reg);

	if (rc == -ENOENT)
		shell_error("%s: no %.*s register '%s'", cmd, (int)strlen(arch_prefix(u)) - 1, arch_prefix(u), name);
	else if (rc)
		shell_lib_error(cmd, name, rc);
	return rc;
}

/* Every instance of a register (VT-d has several fault recording registers). */
static int show_reg(struct shell *sh, struct smmu_unit *u, const struct smmu_reg *reg, unsigned flags)
{
	int rc;

	for (unsigned i = 0; i < reg->count; i++) {
		uint64_t words[2] = { 0, 0 };
		if ((rc = smmu_reg_read(u, reg, i, words)))
			return rc;
		if (reg->count > 1 && !sh->json)
			fprintf(sh->out, "[%u] @0x%05x ", i, reg->offset + i * reg->stride);
		shell_render(sh, reg->desc->kind, words, flags);
	}
	return 0;
}

static int cmd_regs(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit *u = shell_unit(sh);
	unsigned flags = 0;
	int i = 1, rc;

	if (!u)
		return -ENODEV;
	if (argc > 1 && !strcmp(argv[1], "-v"))
		flags = SMMU_R_VERBOSE, i++;
	if (argc - i > 1) {
		shell_error("regs: too many arguments: expected regs [-v] [NAME]");
		return -EINVAL;
	}
	struct smmu_reg one = { .desc = NULL };
	if (argc - i == 1 && (rc = find_reg(u, "regs", argv[i], &one)))
		return rc;
	struct shell_capture cap;
	if ((rc = shell_capture_begin(sh, &cap)))
		return rc;
	if (sh->json)
		smmu_json_arr_begin(&sh->j);
	if (one.desc) {
		rc = show_reg(sh, u, &one, flags);
	} else {
		struct smmu_reg reg;
		for (size_t k = 0; !(rc = smmu_reg_at(u, k, &reg)) && !(rc = show_reg(sh, u, &reg, flags)); k++)
			;
		if (rc == -ENOENT)
			rc = 0;
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
	}
	shell_capture_end(sh, &cap, !rc);
	return rc ? shell_lib_error("regs", "reading registers", rc) : 0;
}

/* "NAME" or "NAME[N]" (an instance: VT-d has several fault recording registers) */
static int reg_arg(struct smmu_unit *u, const char *arg, struct smmu_reg *reg, unsigned *index)
{
	char name[64];
	const char *br = strchr(arg, '[');
	char *end;

	*index = 0;
	snprintf(name, sizeof(name), "%.*s", br ? (int)(br - arg) : (int)strlen(arg), arg);
	if (br) {
		errno = 0;
		unsigned long n = strtoul(br + 1, &end, 0);
		if (errno || end == br + 1 || strcmp(end, "]")) {
			shell_error("reg write: '%s' is not NAME or NAME[N]", arg);
			return -EINVAL;
		}
		*index = (unsigned)n;
	}
	int rc = find_reg(u, "reg write", name, reg);
	if (rc)
		return rc;
	if (*index >= reg->count) {
		shell_error("reg write: %s has %u instance%s (0 to %u)", reg->desc->name, reg->count,
			    reg->count == 1 ? "" : "s", reg->count - 1);
		return -ERANGE;
	}
	if (reg->count > 1 && !br) {
		shell_error("reg write: %s has %u instances: say which, %s[0] to %s[%u]", reg->desc->name, reg->count,
			    name, name, reg->count - 1);
		return -EINVAL;
	}
	return 0;
}

#define REG_USAGE "expected reg write NAME[N] VALUE... (one value per 64-bit word, the low word first; " \
		  "'regs NAME' reads one)"

static int cmd_reg(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit *u = shell_unit(sh);
	struct smmu_reg reg;
	uint64_t v[8] = { 0 }, now[8] = { 0 };
	unsigned index;
	char why[128];
	int rc;

	if (!u)
		return -ENODEV;
	if (argc < 2 || strcmp(argv[1], "write")) {
		shell_error("reg: " REG_USAGE);
		return -EINVAL;
	}
	if (argc < 4) {
		shell_error("reg write: " REG_USAGE);
		return -EINVAL;
	}
	if ((rc = reg_arg(u, argv[2], &reg, &index)))
		return rc;
	const struct smmu_desc *d = reg.desc;
	if ((unsigned)(argc - 3) != d->nwords) {
		shell_error("reg write: %s is %u word%s of %u bits: give %u value%s, the low word first", d->name,
			    d->nwords, d->nwords == 1 ? "" : "s", d->width, d->nwords, d->nwords == 1 ? "" : "s");
		return -EINVAL;
	}
	for (unsigned w = 0; w < d->nwords; w++) {
		if (shell_parse_u64("reg write", argv[3 + w], &v[w]))
			return -EINVAL;
		if (d->width < 64 && v[w] >> d->width) {
			shell_error("reg write: 0x%" PRIx64 " does not fit the %u-bit %s", v[w], d->width, d->name);
			return -ERANGE;
		}
	}
	bool writable = false;
	for (const struct smmu_field *f = d->fields; f->name; f++)
		writable |= f->access != SMMU_A_RO && f->access != SMMU_A_RSVD;
	if (!writable) {
		shell_error("reg write: %s is read-only", d->name);
		return -EPERM;
	}
	if ((rc = shell_may_write(sh, "reg write", u)))
		return rc;
	if ((rc = smmu_reg_write_words(u, &reg, index, v)))
		return shell_lib_error("reg write", d->name, rc);
	/* the hardware may ignore a write in its current state: read it back */
	if ((rc = smmu_reg_write_took(u, &reg, index, v, now, why, sizeof(why))) < 0)
		return shell_lib_error("reg write", "reading it back", rc);
	if (!rc) {
		char got[64];
		snprintf(got, sizeof(got), "0x%" PRIx64, now[0]);
		if (d->nwords > 1)
			snprintf(got, sizeof(got), "0x%" PRIx64 " 0x%" PRIx64, now[0], now[1]);
		shell_error("reg write: %s did not take: it reads %s%s%s%s", d->name, got, *why ? " (" : "",
			    why, *why ? ")" : "");
		return -EAGAIN;
	}
	return 0;
}

/* SMMUv2: do two StreamIDs (with their stream-match masks) fall into one
 * stream-match entry?  Then the devices are one stream to the SMMU. */
static bool streams_collide(uint32_t a, uint32_t am, uint32_t b, uint32_t bm)
{
	return !((a ^ b) & 0x7fff & ~(am | bm));
}

/* The other devices of d's unit that one of its StreamIDs collides with:
 * calls fn for each (device, its StreamID, d's StreamID, the masks). */
static void each_collision(struct smmu_target *t, const struct smmu_device_info *di,
			   void (*fn)(void *, const struct smmu_device_info *, unsigned, unsigned), void *ctx)
{
	struct smmu_unit_info ui;

	if (!di->unit)
		return;
	smmu_unit_info(di->unit, &ui);
	if (ui.arch != SMMU_ARCH_SMMUV2)
		return;
	for (size_t j = 0; j < smmu_device_count(t); j++) {
		struct smmu_device_info o;
		smmu_device_info(smmu_device_at(t, j), &o);
		if (o.unit != di->unit || !strcmp(o.addr, di->addr) ||
		    (o.nsids == di->nsids && !memcmp(o.sids, di->sids, di->nsids * sizeof(di->sids[0]))))
			continue; /* itself, or itself described twice (device tree and IORT) */
		for (unsigned a = 0; a < di->nsids; a++)
			for (unsigned b = 0; b < o.nsids; b++)
				if (streams_collide(di->sids[a], di->sid_masks[a], o.sids[b], o.sid_masks[b]) &&
				    (di->sids[a] != o.sids[b] || di->sid_masks[a] != o.sid_masks[b])) {
					fn(ctx, &o, a, b);
					a = di->nsids; /* once per other device */
					break;
				}
	}
}

struct coll_ctx {
	struct shell *sh;
	const struct smmu_device_info *di;
};

static void collision_text(void *ctx, const struct smmu_device_info *o, unsigned a, unsigned b)
{
	struct shell *sh = ((struct coll_ctx *)ctx)->sh;
	const struct smmu_device_info *di = ((struct coll_ctx *)ctx)->di;

	fprintf(sh->out, "%-20s   StreamID 0x%x/mask 0x%x is one stream with %s's 0x%x/mask 0x%x: one entry, one domain\n",
		"", di->sids[a], di->sid_masks[a], o->addr, o->sids[b], o->sid_masks[b]);
}

static void collision_json(void *ctx, const struct smmu_device_info *o, unsigned a, unsigned b)
{
	struct shell *sh = ctx;

	(void)a;
	(void)b;
	smmu_json_str(&sh->j, o->addr);
}

static int cmd_devices(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t = sh->t;
	struct smmu_device_info di;

	if (shell_nargs(sh, argc, argv, 0, 0))
		return -EINVAL;
	if (sh->json)
		smmu_json_arr_begin(&sh->j);
	for (size_t i = 0; i < smmu_device_count(t); i++) {
		struct smmu_device *d = smmu_device_at(t, i);
		struct smmu_domain *dom = smmu_device_domain(d);
		struct smmu_unit_info ui = { .name = "-" };
		smmu_device_info(d, &di);
		if (di.unit)
			smmu_unit_info(di.unit, &ui);
		if (sh->json) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "addr", di.addr);
			smmu_json_kstr(&sh->j, "bus", di.bus == SMMU_BUS_PCI ? "pci" : "platform");
			smmu_json_kstr(&sh->j, "name", di.name);
			if (di.bus == SMMU_BUS_PCI) {
				smmu_json_khex(&sh->j, "vendor", di.vendor);
				smmu_json_khex(&sh->j, "device", di.device);
			} else {
				smmu_json_khex(&sh->j, "mmio_base", di.mmio_base);
				smmu_json_khex(&sh->j, "mmio_size", di.mmio_size);
			}
			smmu_json_key(&sh->j, "unit");
			if (di.unit)
				smmu_json_u64(&sh->j, ui.index);
			else
				smmu_json_null(&sh->j);
			smmu_json_khex(&sh->j, "sid", di.sid);
			smmu_json_key(&sh->j, "msi_id");
			if (di.has_msi_id)
				smmu_json_hex(&sh->j, di.msi_id);
			else
				smmu_json_null(&sh->j);
			smmu_json_kstr(&sh->j, "domain", dom ? smmu_domain_name(dom) : NULL);
			smmu_json_key(&sh->j, "pasids"); /* VT-d scalable mode: PASID-granular attachments */
			smmu_json_arr_begin(&sh->j);
			for (size_t k = 0; k < smmu_device_pasid_count(d); k++) {
				uint32_t p;
				struct smmu_domain *x;
				if (smmu_device_pasid_at(d, k, &p, &x))
					continue;
				smmu_json_obj_begin(&sh->j);
				smmu_json_ku64(&sh->j, "pasid", p);
				smmu_json_kstr(&sh->j, "domain", smmu_domain_name(x));
				smmu_json_obj_end(&sh->j);
			}
			smmu_json_arr_end(&sh->j);
			smmu_json_kbool(&sh->j, "dma_engine", di.caps & SMMU_DEV_DMA);
			smmu_json_kstr(&sh->j, "driver", di.driver);
			smmu_json_key(&sh->j, "sids");
			smmu_json_arr_begin(&sh->j);
			for (unsigned k = 0; k < di.nsids; k++)
				smmu_json_hex(&sh->j, di.sids[k]);
			smmu_json_arr_end(&sh->j);
			if (di.unit && ui.arch == SMMU_ARCH_SMMUV2) {
				smmu_json_key(&sh->j, "sid_masks");
				smmu_json_arr_begin(&sh->j);
				for (unsigned k = 0; k < di.nsids; k++)
					smmu_json_hex(&sh->j, di.sid_masks[k]);
				smmu_json_arr_end(&sh->j);
				smmu_json_key(&sh->j, "same_stream_as"); /* devices one stream-match entry serves */
				smmu_json_arr_begin(&sh->j);
				each_collision(t, &di, collision_json, sh);
				smmu_json_arr_end(&sh->j);
			}
			smmu_json_key(&sh->j, "iommu_group");
			if (di.iommu_group >= 0)
				smmu_json_u64(&sh->j, (uint64_t)di.iommu_group);
			else
				smmu_json_null(&sh->j);
			shell_device_reserved_json(sh, d);
			smmu_json_obj_end(&sh->j);
			continue;
		}
		if (!i)
			fprintf(sh->out, "%-20s %-4s %-6s %-8s %-8s %s\n", "DEVICE", "UNIT", "SID", "DOMAIN", "DMA", "NAME");
		char unit[8] = "-", sid[12] = "-";
		if (di.unit) {
			snprintf(unit, sizeof(unit), "%u", ui.index);
			snprintf(sid, sizeof(sid), "0x%x", di.sid);
		}
		char kern[64] = "";
		if (di.driver || di.iommu_group >= 0) /* a live machine: the kernel's side */
			snprintf(kern, sizeof(kern), "  (driver %s, group %d)", di.driver ? di.driver : "none", di.iommu_group);
		if (di.bus == SMMU_BUS_PCI)
			fprintf(sh->out, "%-20s %-4s %-6s %-8s %-8s [%04x:%04x] %s%s\n", di.addr, unit, sid,
				dom ? smmu_domain_name(dom) : "-", (di.caps & SMMU_DEV_DMA) ? "yes" : "-", di.vendor, di.device,
				di.name, kern);
		else
			fprintf(sh->out, "%-20s %-4s %-6s %-8s %-8s %s\n", di.addr, unit, sid,
				dom ? smmu_domain_name(dom) : "-", (di.caps & SMMU_DEV_DMA) ? "yes" : "-", di.name);
		for (size_t k = 0; k < smmu_device_pasid_count(d); k++) {
			uint32_t p;
			struct smmu_domain *x;
			if (!smmu_device_pasid_at(d, k, &p, &x))
				fprintf(sh->out, "%-20s   PASID 0x%x: domain %s\n", "", p, smmu_domain_name(x));
		}
		if (di.nsids > 1) {
			fprintf(sh->out, "%-20s   StreamIDs", "");
			for (unsigned k = 0; k < di.nsids; k++)
				fprintf(sh->out, "%s 0x%x", k ? "," : "", di.sids[k]);
			fputc('\n', sh->out);
		}
		struct coll_ctx cc = { sh, &di };
		each_collision(t, &di, collision_text, &cc);
		shell_device_reserved_text(sh, "                       ", d);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
	}
	return 0;
}

const struct shell_cmd shell_cmds_target[] = {
	{ "target", "[info | list | open SPEC [KEY=VALUE...] | reopen]",
	  "show, list or open the target machine; reopen: the current one again (after QEMU died)",
	  0, cmd_target, COMPLETE_WORDS, "info list open reopen" },
	{ "units", "", "list IOMMU units: where found, owned, translating", CMD_TARGET, cmd_units },
	{ "unit", "N | add smmuv3|smmuv2|vtd|amdvi ADDR", "select unit N, or add one firmware does not name",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_unit, COMPLETE_WORDS, "add" },
	/* regs and reg: a register's name, and how many values it takes, are
	 * the selected unit's architecture's, known only once the target is open */
	{ "regs", "[-v] [NAME]", "the selected unit's registers, decoded", CMD_TARGET, cmd_regs,
	  COMPLETE_REGISTER },
	{ "reg", "write NAME[N] VALUE...", "write a register of the selected unit (N: the instance, VT-d FRCD)",
	  CMD_TARGET | CMD_WRITES_HW,
	  cmd_reg, COMPLETE_WORDS, "write", COMPLETE_REGISTER },
	{ "devices", "", "PCI and platform devices: unit, StreamID / source-id, domain, name", CMD_TARGET,
	  cmd_devices },
	{ .name = NULL },
};
