/* SPDX-License-Identifier: MIT */
/* Programming a unit: own, release, domain, attach, detach, map, unmap, dma. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell.h"
#include "cmd-tables.h"

#define PAGE 4096ull

static const char *arch_name(enum smmu_arch a)
{
	return smmu_arch_name(a);
}

/* "4 KiB", "2 MiB", or hex bytes when not a whole KiB. */
static const char *size_str(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	if (!n || n & 1023) {
		snprintf(buf, len, n ? "0x%" PRIx64 " bytes" : "%" PRIu64 " bytes", n);
		return buf;
	}
	n >>= 10;
	while (u + 1 < sizeof(units) / sizeof(units[0]) && !(n & 1023) && n >= 1024)
		n >>= 10, u++;
	snprintf(buf, len, "%" PRIu64 " %s", n, units[u]);
	return buf;
}

static const char *perms_str(unsigned prot, char *buf)
{
	char *p = buf;

	if (prot & SMMU_PROT_R)
		*p++ = 'r';
	if (prot & SMMU_PROT_W)
		*p++ = 'w';
	if (prot & SMMU_PROT_X)
		*p++ = 'x';
	if (prot & SMMU_PROT_PRIV)
		*p++ = 'p';
	*p = '\0';
	return buf;
}

/* --- own, release -------------------------------------------------------------------
 * The registers that show what ownership changed, as the library names them:
 * the enable bits and the root of the translation structures. */
#define OWN_REGS 4

static int read_own_regs(struct smmu_unit *u, uint64_t *v)
{
	const char *const *names = smmu_unit_own_regs(u);
	struct smmu_reg reg;
	int rc;

	for (unsigned i = 0; names[i] && i < OWN_REGS; i++)
		if ((rc = smmu_reg_find(u, names[i], &reg)) || (rc = smmu_reg_read(u, &reg, 0, &v[i])))
			return rc;
	return 0;
}

static void print_own_regs(struct shell *sh, struct smmu_unit *u, const char *key, const uint64_t *v)
{
	const char *const *r = smmu_unit_own_regs(u);

	if (sh->json) {
		smmu_json_key(&sh->j, key);
		smmu_json_obj_begin(&sh->j);
		for (unsigned i = 0; r[i] && i < OWN_REGS; i++) {
			char k[32]; /* snake_case keys: the name in lower case */
			size_t n;
			for (n = 0; r[i][n] && n + 1 < sizeof(k); n++)
				k[n] = (char)tolower((unsigned char)r[i][n]);
			k[n] = '\0';
			smmu_json_khex(&sh->j, k, v[i]);
		}
		smmu_json_obj_end(&sh->j);
		return;
	}
	for (unsigned i = 0; r[i] && i < OWN_REGS; i++)
		fprintf(sh->out, " %s=0x%" PRIx64, r[i], v[i]);
}

static int cmd_own(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit *u;
	struct smmu_unit_info ui;
	uint64_t was[OWN_REGS] = { 0 }, now[OWN_REGS] = { 0 };
	struct smmu_own_opts oo = { SMMU_OWN_DMA_REFUSE };
	char why[768] = "";
	bool already, recover = argc >= 2 && !strcmp(argv[1], "--recover");
	const char *policy_file = NULL;
	struct smmu_policy *policy = NULL;
	int rc;

	/* own --scalable: VT-d scalable-mode tables (beside any other option) */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--scalable")) {
			oo.scalable = true;
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
			argc--;
			break;
		}
	if (oo.scalable && recover) {
		shell_error("own: --scalable and --recover: a recovered unit keeps the tables it has");
		return -EINVAL;
	}

	/* own --policy FILE: a smmuman configuration applied once owned (cmd-audit.c) */
	if (argc == 3 && !strcmp(argv[1], "--policy")) {
		if ((rc = shell_policy_load("own", argv[2], &policy)))
			return rc;
		policy_file = argv[2];
		argc = 1;
	}

	/* own --dma abort|passthrough: what happens to DMA already running */
	if (argc == 3 && !strcmp(argv[1], "--dma")) {
		if (strcmp(argv[2], "abort") && strcmp(argv[2], "passthrough")) {
			shell_error("own: --dma '%s' is not abort or passthrough", argv[2]);
			return -EINVAL;
		}
		oo.dma = !strcmp(argv[2], "abort") ? SMMU_OWN_DMA_ABORT : SMMU_OWN_DMA_PASSTHROUGH;
		argc = 1;
	}
	if (recover && argc > 2) {
		shell_error("own: too many arguments: expected own --recover");
		return -EINVAL;
	}
	if (!recover && shell_nargs(sh, argc, argv, 0, 0))
		return smmu_policy_free(policy), -EINVAL;
	if (!(u = shell_unit(sh)))
		return smmu_policy_free(policy), -ENODEV;
	smmu_unit_info(u, &ui);
	already = smmu_unit_owned(u);
	/* a journal of an earlier start of the machine: not acted on, replaced */
	struct smmu_left_owned lo;
	bool stale = !already && !recover && smmu_unit_left_owned(u, &lo) >= 0 && lo.stale;
	if ((rc = read_own_regs(u, was)))
		return smmu_policy_free(policy), shell_lib_error("own", ui.name, rc);
	if (recover) {
		/* the journal of the session that left it owned has the originals */
		if ((rc = smmu_unit_recover(u, SMMU_RECOVER_OWN)) == -ENOENT)
			shell_error("own: %s: --recover: no journal names this unit: what an earlier session saved is unknown", ui.name);
		if (rc)
			return rc == -ENOENT ? rc : shell_lib_error("own", ui.name, rc);
	} else if ((rc = smmu_unit_own_opts(u, &oo, why, sizeof(why)))) {
		smmu_policy_free(policy);
		if (!why[0])
			return shell_lib_error("own", ui.name, rc);
		shell_error("own: %s%s", why, shell_lib_hint(rc)); /* one line: the cause and the fix */
		return rc;
	}
	if ((rc = read_own_regs(u, now)))
		return smmu_policy_free(policy), shell_lib_error("own", ui.name, rc);
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "unit", ui.name);
		smmu_json_ku64(&sh->j, "index", ui.index);
		smmu_json_kstr(&sh->j, "arch", arch_name(ui.arch));
		smmu_json_kbool(&sh->j, "owned", true);
		smmu_json_kbool(&sh->j, "was_owned", already);
		if (ui.arch == SMMU_ARCH_VTD && !already)
			smmu_json_kbool(&sh->j, "scalable", oo.scalable); /* the table mode installed */
		smmu_json_kbool(&sh->j, "replaced_stale_journal", stale);
		if (!already)
			print_own_regs(sh, u, "saved", was);
		print_own_regs(sh, u, "installed", now);
		shell_json_end(sh);
	} else if (already) {
		fprintf(sh->out, "%s is already owned\n", ui.name);
	} else if (sh->quiet) {
		fprintf(sh->out, "%s owned\n", ui.name); /* -q: the result, not the banner */
	} else {
		fprintf(sh->out, "%s owned: every register smmush changes was saved ('release' or exit puts them back)\n  was:      ",
			ui.name);
		print_own_regs(sh, u, NULL, was);
		fprintf(sh->out, "\n  now:      ");
		print_own_regs(sh, u, NULL, now);
		fprintf(sh->out, "\n  installed smmush's %stables: every %s until a device is attached\n",
			oo.scalable ? "scalable-mode " : "",
			ui.arch == SMMU_ARCH_VTD ? "context blocks" : ui.arch == SMMU_ARCH_AMDVI ? "DTE blocks DMA" : "stream aborts");
	}
	if (stale && !sh->json)
		fprintf(sh->out, "  replaced the journal of an earlier start of this machine (%s): it no longer applied\n", lo.path);
	if (policy) {
		rc = shell_policy_apply(sh, "own", policy_file, policy);
		smmu_policy_free(policy);
		if (rc)
			return rc;
	}
	/* a script may be killed while it owns the unit: what it did is visible */
	fflush(sh->out);
	return 0;
}

static int cmd_release(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit *u;
	struct smmu_unit_info ui;
	bool was, recover = argc == 2 && !strcmp(argv[1], "--recover");
	int rc;

	if (!recover && shell_nargs(sh, argc, argv, 0, 0))
		return -EINVAL;
	if (!(u = shell_unit(sh)))
		return -ENODEV;
	smmu_unit_info(u, &ui);
	was = smmu_unit_owned(u) || recover;
	/* --recover: put back what the journal of the session that left it owned saved */
	if ((rc = recover ? smmu_unit_recover(u, SMMU_RECOVER_RELEASE) : smmu_unit_release(u)) == -ENOENT && recover)
		shell_error("release: %s: --recover: no journal names this unit: what an earlier session saved is unknown", ui.name);
	if (rc)
		return rc == -ENOENT && recover ? rc : shell_lib_error("release", ui.name, rc);
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "unit", ui.name);
		smmu_json_ku64(&sh->j, "index", ui.index);
		smmu_json_kbool(&sh->j, "owned", false);
		smmu_json_kbool(&sh->j, "was_owned", was);
		shell_json_end(sh);
	} else if (recover) {
		fprintf(sh->out, "%s released: the registers the earlier session saved are back; its journal is removed\n",
			ui.name);
	} else if (was) {
		fprintf(sh->out, "%s released: the saved registers are back; domains, their devices and mappings are kept for the next 'own'\n",
			ui.name);
	} else {
		fprintf(sh->out, "%s was not owned: nothing to release\n", ui.name);
	}
	fflush(sh->out);
	return 0;
}

/* --- domains ------------------------------------------------------------------------- */

#define SMMU_MAX_PASIDS_SHOWN 64

/* The PASIDs of d attached to dom (VT-d scalable mode), up to max. */
static size_t device_pasids_in(struct smmu_device *d, struct smmu_domain *dom, uint32_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < smmu_device_pasid_count(d); i++) {
		uint32_t p;
		struct smmu_domain *x;
		if (!smmu_device_pasid_at(d, i, &p, &x) && x == dom && n < max)
			out[n++] = p;
	}
	return n;
}

static size_t domain_devices(struct smmu_target *t, struct smmu_domain *dom, struct smmu_device **first)
{
	size_t n = 0;
	uint32_t p;

	if (first)
		*first = NULL;
	for (size_t i = 0; i < smmu_device_count(t); i++) {
		struct smmu_device *d = smmu_device_at(t, i);
		if (smmu_device_domain(d) != dom && !device_pasids_in(d, dom, &p, 1))
			continue;
		if (!n++ && first)
			*first = d;
	}
	return n;
}

/* Names are words a script can type back: no quoting, no option look-alikes. */
static bool good_name(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9') &&
		    *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

struct list_acc {
	uint64_t ranges, bytes;
};

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	struct list_acc *a = arg;

	a->ranges++;
	a->bytes += r->size;
	return 0;
}

static const char *fmt_name(enum smmu_pgt_format f)
{
	switch (f) {
	case SMMU_PGT_LPAE_S1: return "lpae-s1";
	case SMMU_PGT_LPAE_S2: return "lpae-s2";
	case SMMU_PGT_VTD_SL: return "vtd-sl";
	case SMMU_PGT_VTD_FL: return "vtd-fl";
	case SMMU_PGT_AMD_V1: return "amd-v1";
	}
	return "?";
}

/* A number, or null when it is not known. */
static void json_opt_u64(struct shell *sh, const char *key, bool known, uint64_t v)
{
	smmu_json_key(&sh->j, key);
	if (known)
		smmu_json_u64(&sh->j, v);
	else
		smmu_json_null(&sh->j);
}

/* The library keeps no per-domain list: a domain's mappings are read from
 * the live tables of a device attached to it, so a domain without a device
 * shows none (honestly "-", not 0). */
static int domain_list(struct shell *sh)
{
	struct smmu_target *t = sh->t;
	size_t n = smmu_domain_count(t);
	char bad[32] = "";
	int err = 0;

	if (sh->json)
		smmu_json_arr_begin(&sh->j);
	else if (!n)
		fprintf(sh->out, "no domains ('domain create NAME' makes one)\n");
	else
		fprintf(sh->out, "%-12s %-4s %-8s %-24s %s\n", "DOMAIN", "UNIT", "TABLES", "DEVICES", "MAPPINGS");
	for (size_t i = 0; i < n; i++) {
		struct smmu_domain *dom = smmu_domain_at(t, i);
		struct smmu_device *first;
		struct smmu_device_info di = { 0 };
		struct smmu_unit_info ui = { 0 };
		struct smmu_config cfg;
		struct smmu_pgt_walk_stats st = { 0 };
		struct list_acc acc = { 0, 0 };
		bool have_cfg = false, listed = false;
		char devs[256] = "", unit[8] = "-", sz[32];

		domain_devices(t, dom, &first);
		if (first) {
			smmu_device_info(first, &di);
			smmu_unit_info(di.unit, &ui);
			snprintf(unit, sizeof(unit), "%u", ui.index);
			/* its requests without a PASID, or with the first PASID attached to dom */
			uint32_t pasid = 0;
			bool ssv = smmu_device_domain(first) != dom && device_pasids_in(first, dom, &pasid, 1);
			have_cfg = !smmu_device_config(first, ssv, pasid, &cfg) && cfg.verdict == SMMU_CFG_TRANSLATE;
			int rc = smmu_list(di.unit, &(struct smmu_stream){ di.sid, ssv, pasid }, 0, 0, count_range, &acc, &st);
			listed = !rc;
			if (rc && rc != -ENXIO && !err) { /* reported once the document is whole */
				err = rc;
				snprintf(bad, sizeof(bad), "%s", smmu_domain_name(dom));
			}
		}
		if (sh->json) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "name", smmu_domain_name(dom));
			smmu_json_key(&sh->j, "unit");
			if (first)
				smmu_json_u64(&sh->j, ui.index);
			else
				smmu_json_null(&sh->j);
			smmu_json_kstr(&sh->j, "tables", have_cfg ? fmt_name(cfg.pgt.fmt) : NULL);
			smmu_json_key(&sh->j, "devices");
			smmu_json_arr_begin(&sh->j);
			for (size_t k = 0; k < smmu_device_count(t); k++) {
				struct smmu_device *d = smmu_device_at(t, k);
				struct smmu_device_info dk;
				if (smmu_device_domain(d) != dom)
					continue;
				smmu_device_info(d, &dk);
				smmu_json_str(&sh->j, dk.addr);
			}
			smmu_json_arr_end(&sh->j);
			smmu_json_key(&sh->j, "pasids"); /* PASID-granular attachments */
			smmu_json_arr_begin(&sh->j);
			for (size_t k = 0; k < smmu_device_count(t); k++) {
				struct smmu_device *d = smmu_device_at(t, k);
				struct smmu_device_info dk;
				uint32_t ps[SMMU_MAX_PASIDS_SHOWN];
				size_t np = device_pasids_in(d, dom, ps, SMMU_MAX_PASIDS_SHOWN);
				smmu_device_info(d, &dk);
				for (size_t q = 0; q < np; q++) {
					smmu_json_obj_begin(&sh->j);
					smmu_json_kstr(&sh->j, "device", dk.addr);
					smmu_json_ku64(&sh->j, "pasid", ps[q]);
					smmu_json_obj_end(&sh->j);
				}
			}
			smmu_json_arr_end(&sh->j);
			json_opt_u64(sh, "ranges", listed, acc.ranges);
			json_opt_u64(sh, "mapped_bytes", listed, acc.bytes);
			json_opt_u64(sh, "leaves", listed, st.leaves);
			smmu_json_obj_end(&sh->j);
			continue;
		}
		for (size_t k = 0; k < smmu_device_count(t); k++) {
			struct smmu_device *d = smmu_device_at(t, k);
			struct smmu_device_info dk;
			uint32_t ps[SMMU_MAX_PASIDS_SHOWN];
			size_t np = device_pasids_in(d, dom, ps, SMMU_MAX_PASIDS_SHOWN);
			smmu_device_info(d, &dk);
			if (smmu_device_domain(d) == dom) {
				if (*devs)
					strncat(devs, ",", sizeof(devs) - strlen(devs) - 1);
				strncat(devs, dk.addr, sizeof(devs) - strlen(devs) - 1);
			}
			for (size_t q = 0; q < np; q++) { /* DEVICE/PASID: one PASID of it */
				char one[48];
				snprintf(one, sizeof(one), "%s%s/PASID 0x%x", *devs ? "," : "", dk.addr, ps[q]);
				strncat(devs, one, sizeof(devs) - strlen(devs) - 1);
			}
		}
		fprintf(sh->out, "%-12s %-4s %-8s %-24s ", smmu_domain_name(dom), unit,
			have_cfg ? fmt_name(cfg.pgt.fmt) : "-", *devs ? devs : "-");
		if (listed)
			fprintf(sh->out, "%" PRIu64 " range%s, %s in %" PRIu64 " lea%s\n", acc.ranges,
				acc.ranges == 1 ? "" : "s", size_str(acc.bytes, sz, sizeof(sz)), st.leaves,
				st.leaves == 1 ? "f" : "ves");
		else
			fprintf(sh->out, "- (seen through an attached device's tables)\n");
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
	}
	return err ? shell_lib_error("domain list", bad, err) : 0;
}

/* The values are checked before the target opens (CMD_OPENS_LATE). */
static int cmd_domain(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t;
	const char *sub = argc > 1 ? argv[1] : "list";
	int rc;

	if (!strcmp(sub, "list")) {
		if (argc > 2) {
			shell_error("domain list: too many arguments: expected domain list");
			return -EINVAL;
		}
		return shell_target(sh) ? domain_list(sh) : -ENODEV;
	}
	if (!strcmp(sub, "create")) {
		static const char usage[] = "domain create NAME [--stage2 | --stage 1|2|nested] [--nested-in DOMAIN] "
					    "[--granule 4K|16K|64K] [--ias BITS] [--oas BITS] [--levels N] "
					    "[--first-level | --second-level]";
		struct smmu_domain_geometry g = { 0 };
		const char *name = NULL, *parent = NULL;
		bool v3_flag = false;
		char err[256];
		for (int i = 2; i < argc; i++) {
			const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
			unsigned long n = 0;
			bool takes = !strcmp(o, "--stage") || !strcmp(o, "--nested-in") || !strcmp(o, "--granule") ||
				     !strcmp(o, "--ias") || !strcmp(o, "--oas") || !strcmp(o, "--levels");
			if (takes && !v) {
				shell_error("domain create: %s needs a value: expected %s", o, usage);
				return -EINVAL;
			}
			if (takes && strcmp(o, "--stage") && strcmp(o, "--nested-in") && strcmp(o, "--granule")) {
				char *end;
				n = strtoul(v, &end, 10);
				if (*end || !n || n > 64) {
					shell_error("domain create: %s '%s' is not a number of bits or levels", o, v);
					return -EINVAL;
				}
			}
			if (!strcmp(o, "--stage2") || !strcmp(o, "--second-level")) {
				g.stage = SMMU_STAGE_2;
				v3_flag |= !strcmp(o, "--stage2");
			} else if (!strcmp(o, "--first-level")) {
				g.stage = SMMU_STAGE_1;
			} else if (!strcmp(o, "--stage")) {
				g.stage = !strcmp(v, "1") ? SMMU_STAGE_1 : !strcmp(v, "2") ? SMMU_STAGE_2
					: !strcmp(v, "nested") ? SMMU_STAGE_NESTED : SMMU_STAGE_DEFAULT;
				if (!g.stage) {
					shell_error("domain create: --stage '%s' is not 1, 2 or nested", v);
					return -EINVAL;
				}
			} else if (!strcmp(o, "--nested-in")) {
				parent = v;
				g.stage = SMMU_STAGE_NESTED;
			} else if (!strcmp(o, "--granule")) {
				g.granule = !strcasecmp(v, "4K") || !strcmp(v, "4096") ? 4096
					  : !strcasecmp(v, "16K") || !strcmp(v, "16384") ? 16384
					  : !strcasecmp(v, "64K") || !strcmp(v, "65536") ? 65536 : 0;
				if (!g.granule) {
					shell_error("domain create: --granule '%s' is not 4K, 16K or 64K", v);
					return -EINVAL;
				}
			} else if (!strcmp(o, "--ias")) {
				g.ias = (unsigned)n;
			} else if (!strcmp(o, "--oas")) {
				g.oas = (unsigned)n;
			} else if (!strcmp(o, "--levels")) {
				g.levels = (unsigned)n;
			} else if (o[0] == '-' && o[1]) {
				shell_error("domain create: unknown option '%s': expected %s", o, usage);
				return -EINVAL;
			} else if (name) {
				shell_error("domain create: too many arguments: expected %s", usage);
				return -EINVAL;
			} else {
				name = o;
			}
			if (takes)
				i++;
		}
		if (!name) {
			shell_error("domain create: missing arguments: expected %s", usage);
			return -EINVAL;
		}
		if (!good_name(name) || strlen(name) > 31) {
			shell_error("domain create: bad name '%s' (up to 31 letters, digits, '_', '-', '.'; not starting with '-')",
				    name);
			return -EINVAL;
		}
		if (g.stage == SMMU_STAGE_NESTED && !parent) {
			shell_error("domain create: a nested domain needs --nested-in DOMAIN (a stage-2 domain)");
			return -EINVAL;
		}
		if (!(t = shell_target(sh)))
			return -ENODEV;
		if (parent && !(g.parent = shell_domain(sh, "domain create", parent)))
			return -ENOENT;
		if (v3_flag) {
			bool smmuv3 = false;
			struct smmu_unit_info ui;
			for (size_t i = 0; i < smmu_unit_count(t); i++) {
				smmu_unit_info(smmu_unit_at(t, i), &ui);
				smmuv3 |= ui.arch == SMMU_ARCH_SMMUV3;
			}
			if (!smmuv3) {
				shell_error("domain create: --stage2 needs an SMMUv3 unit (VT-d: --second-level, the default)");
				return -EOPNOTSUPP;
			}
		}
		if (smmu_domain_find(t, name)) {
			shell_error("domain create: domain '%s' already exists", name);
			return -EEXIST;
		}
		if ((rc = smmu_domain_create_geom(t, name, &g, NULL, err, sizeof(err)))) {
			if (rc == -ENOSPC)
				shell_error("domain create: too many domains (destroy one first)");
			else if (*err)
				shell_error("domain create: %s: %s", name, err);
			else
				return shell_lib_error("domain create", name, rc);
			return rc;
		}
		static const char *const stage_word[] = { "", " (stage 2)", " (stage 2)", "" };
		char geo[160] = "";
		int k = 0;
		if (g.stage == SMMU_STAGE_1)
			k += snprintf(geo + k, sizeof(geo) - (size_t)k, " (stage 1 / first level)");
		else if (g.stage == SMMU_STAGE_NESTED)
			k += snprintf(geo + k, sizeof(geo) - (size_t)k, " (nested in %s)", parent);
		else
			k += snprintf(geo + k, sizeof(geo) - (size_t)k, "%s", stage_word[g.stage]);
		if (g.granule)
			k += snprintf(geo + k, sizeof(geo) - (size_t)k, ", %u KiB granule", g.granule / 1024);
		if (g.ias)
			k += snprintf(geo + k, sizeof(geo) - (size_t)k, ", %u-bit input", g.ias);
		if (g.oas)
			k += snprintf(geo + k, sizeof(geo) - (size_t)k, ", %u-bit output", g.oas);
		if (g.levels)
			snprintf(geo + k, sizeof(geo) - (size_t)k, ", %u levels", g.levels);
		if (sh->json) {
			static const char *const stage_id[] = { "default", "1", "2", "nested" };
			shell_json_begin(sh);
			smmu_json_kstr(&sh->j, "domain", name);
			smmu_json_kbool(&sh->j, "stage2", g.stage == SMMU_STAGE_2);
			smmu_json_kstr(&sh->j, "stage", stage_id[g.stage]);
			smmu_json_kstr(&sh->j, "nested_in", parent);
			json_opt_u64(sh, "granule", g.granule, g.granule);
			json_opt_u64(sh, "ias", g.ias, g.ias);
			json_opt_u64(sh, "oas", g.oas, g.oas);
			json_opt_u64(sh, "levels", g.levels, g.levels);
			shell_json_end(sh);
		} else {
			fprintf(sh->out, "domain %s created%s\n", name, geo);
		}
		return 0;
	}
	if (!strcmp(sub, "destroy")) {
		struct smmu_domain *dom;
		if (argc != 3) {
			shell_error("domain destroy: %s arguments: expected domain destroy NAME",
				    argc < 3 ? "missing" : "too many");
			return -EINVAL;
		}
		if (!(dom = shell_domain(sh, "domain destroy", argv[2])))
			return sh->t ? -ENOENT : -ENODEV;
		t = sh->t;
		if ((rc = smmu_domain_destroy(dom))) {
			if (rc == -EBUSY) {
				shell_error("domain destroy: %s has %zu device(s) attached (detach them first)", argv[2],
					    domain_devices(t, dom, NULL));
				return rc;
			}
			return shell_lib_error("domain destroy", argv[2], rc);
		}
		if (sh->json) {
			shell_json_begin(sh);
			smmu_json_kstr(&sh->j, "domain", argv[2]);
			smmu_json_kbool(&sh->j, "destroyed", true);
			shell_json_end(sh);
		} else {
			fprintf(sh->out, "domain %s destroyed\n", argv[2]);
		}
		return 0;
	}
	shell_error("domain: unknown subcommand '%s' (create, destroy, list)", sub);
	return -EINVAL;
}

/* --- attach, detach ------------------------------------------------------------------ */

/* attach's refusal over a reserved region: which one, and why. */
static int attach_reserved_error(struct smmu_device *d, struct smmu_domain *dom, const char *addr, int rc)
{
	struct smmu_reserved_region r[16];
	size_t n = smmu_device_reserved(d, r, 16);
	char words[96];

	for (size_t i = 0; i < n && i < 16; i++)
		if (r[i].refused) {
			shell_error("attach: %s: its reserved region %s %s domain %s (nothing changed): %s --no-reserved",
				    addr, smmu_reserved_words(&r[i], words, sizeof(words)),
				    rc == -ERANGE ? "is beyond the IOVA space of" : "collides with a mapping of",
				    smmu_domain_name(dom), rc == -ERANGE ? "attach it with" : "unmap that, or attach it with");
			return rc;
		}
	return shell_lib_error("attach", addr, rc);
}

/* --pasid N (VT-d scalable mode), taken out of argv: checked against the
 * device's unit before anything is written.  1: absent, 0: taken, <0: bad. */
static int pasid_option(const char *cmd, int *argc, char **argv, uint32_t *pasid)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--pasid"))
			continue;
		if (i + 1 >= *argc || tbl_parse_pasid(cmd, argv[i + 1], pasid))
			return i + 1 >= *argc ? (shell_error("%s: --pasid needs a number", cmd), -EINVAL) : -EINVAL;
		memmove(&argv[i], &argv[i + 2], (size_t)(*argc - i - 1) * sizeof(*argv));
		*argc -= 2;
		return 0;
	}
	return 1;
}

/* A PASID the device's unit can take in PASID-granular attach, or one line why not. */
static int pasid_check(const char *cmd, const struct smmu_device_info *di, uint32_t pasid)
{
	struct smmu_unit_status us;
	struct smmu_unit_info ui;
	int rc;

	if (!di->unit) {
		shell_error("%s: %s: no unit translates it", cmd, di->addr);
		return -ENOENT;
	}
	smmu_unit_info(di->unit, &ui);
	if (ui.arch != SMMU_ARCH_VTD) {
		shell_error("%s: %s: --pasid is VT-d scalable mode's (%s is %s)", cmd, di->addr, ui.name, smmu_arch_name(ui.arch));
		return -EOPNOTSUPP;
	}
	if ((rc = smmu_unit_status(di->unit, &us)))
		return shell_lib_error(cmd, ui.name, rc);
	if (!us.ssid_bits) {
		shell_error("%s: %s: %s has no PASIDs (ECAP.PASID=0)", cmd, di->addr, ui.name);
		return -EOPNOTSUPP;
	}
	if (!pasid) {
		shell_error("%s: PASID 0x0 is the RID_PASID: requests without a PASID use it (%s without --pasid)", cmd, cmd);
		return -ERANGE;
	}
	if (pasid >> us.ssid_bits) {
		shell_error("%s: PASID 0x%x is beyond %s's PASIDs: it takes 1-0x%x (ECAP.PSS: %u-bit PASIDs)", cmd, pasid,
			    ui.name, (1u << us.ssid_bits) - 1, us.ssid_bits);
		return -ERANGE;
	}
	return 0;
}

static int cmd_attach(struct shell *sh, int argc, char **argv)
{
	struct smmu_device *d;
	struct smmu_domain *dom, *cur;
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	char *pos[3] = { argv[0] };
	int npos = 1;
	unsigned flags = 0;
	uint32_t pasid = 0;
	int rc, with_pasid;

	if ((with_pasid = pasid_option("attach", &argc, argv, &pasid)) < 0)
		return with_pasid;
	with_pasid = !with_pasid;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-reserved")) {
			flags |= SMMU_ATTACH_NO_RESERVED;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			shell_error("attach: unknown option '%s' (--no-reserved, --pasid N)", argv[i]);
			return -EINVAL;
		} else if (npos == 3) {
			shell_error("attach: too many arguments: expected attach DEVICE DOMAIN [--no-reserved] [--pasid N]");
			return -EINVAL;
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos < 3) {
		shell_error("attach: missing arguments: expected attach DEVICE DOMAIN [--no-reserved] [--pasid N]");
		return -EINVAL;
	}
	argv = pos;
	if (!(d = shell_device(sh, "attach", argv[1])) || !(dom = shell_domain(sh, "attach", argv[2])))
		return -ENOENT;
	smmu_device_info(d, &di);
	if (with_pasid && (rc = pasid_check("attach", &di, pasid)))
		return rc;
	/* reserved regions go with the requester ID's domain only, as in Linux */
	rc = with_pasid ? smmu_device_attach_pasid(d, pasid, dom) : smmu_device_attach_flags(d, dom, flags);
	switch (rc) {
	case 0:
		break;
	case -EEXIST:
	case -ERANGE:
		if (!with_pasid && !(flags & SMMU_ATTACH_NO_RESERVED) && smmu_device_reserved(d, NULL, 0))
			return attach_reserved_error(d, dom, di.addr, rc);
		return shell_lib_error("attach", di.addr, rc);
	case -EBUSY:
		cur = smmu_device_domain(d);
		for (size_t i = 0; with_pasid && i < smmu_device_pasid_count(d); i++) {
			uint32_t p;
			struct smmu_domain *x;
			if (!smmu_device_pasid_at(d, i, &p, &x) && p == pasid)
				cur = x;
		}
		shell_error("attach: %s%s is already in domain %s (detach it first)", di.addr,
			    with_pasid ? " PASID" : "", cur ? smmu_domain_name(cur) : "?");
		return rc;
	case -ENOSPC:
		shell_error("attach: %s has %d PASID attachments, the most smmush keeps per device", di.addr,
			    (int)smmu_device_pasid_count(d));
		return rc;
	case -ENOENT:
		shell_error("attach: %s: no unit translates it", di.addr);
		return rc;
	case -SMMU_E_NOTOWNED:
		smmu_unit_info(di.unit, &ui);
		shell_error("attach: %s: unit %u (%s) not owned (use own)", di.addr, ui.index, ui.name);
		return rc;
	case -EXDEV:
		shell_error("attach: domain %s belongs to another unit than %s's (a domain spans one unit)",
			    argv[2], di.addr);
		return rc;
	case -EOPNOTSUPP:
		smmu_unit_info(di.unit, &ui);
		if (ui.arch == SMMU_ARCH_VTD) {
			struct smmu_domain_geometry g;
			smmu_domain_geometry(dom, &g);
			if (with_pasid || g.stage == SMMU_STAGE_1 || g.stage == SMMU_STAGE_NESTED) {
				shell_error("attach: %s: %s needs scalable-mode tables, and %s has legacy ones (release, then own --scalable)",
					    di.addr, with_pasid ? "PASID-granular attach" : "a first-level or nested domain", ui.name);
				return rc;
			}
		}
		shell_error("attach: %s's unit cannot translate domain %s's tables (stage 2 not supported?)",
			    di.addr, argv[2]);
		return rc;
	default:
		return shell_lib_error("attach", di.addr, rc);
	}
	smmu_unit_info(di.unit, &ui);
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "device", di.addr);
		smmu_json_kstr(&sh->j, "domain", argv[2]);
		smmu_json_ku64(&sh->j, "unit", ui.index);
		smmu_json_khex(&sh->j, "sid", di.sid);
		shell_device_reserved_json(sh, d);
		if (with_pasid) /* the key only then: the shape without --pasid stays as it was */
			smmu_json_ku64(&sh->j, "pasid", pasid);
		shell_json_end(sh);
	} else if (with_pasid) {
		fprintf(sh->out, "%s (source-id 0x%x) PASID 0x%x attached to domain %s on %s\n", di.addr, di.sid, pasid,
			argv[2], ui.name);
	} else {
		fprintf(sh->out, "%s (%s 0x%x) attached to domain %s on %s\n", di.addr,
			ui.arch == SMMU_ARCH_VTD ? "source-id" : ui.arch == SMMU_ARCH_AMDVI ? "DeviceID" : "StreamID", di.sid, argv[2], ui.name);
		shell_device_reserved_text(sh, "  ", d);
	}
	return 0;
}

static int cmd_detach(struct shell *sh, int argc, char **argv)
{
	struct smmu_device *d;
	struct smmu_domain *dom;
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	char name[32];
	uint32_t pasid = 0;
	int rc, with_pasid;

	if ((with_pasid = pasid_option("detach", &argc, argv, &pasid)) < 0)
		return with_pasid;
	with_pasid = !with_pasid;
	if (shell_nargs(sh, argc, argv, 1, 1))
		return -EINVAL;
	if (!(d = shell_device(sh, "detach", argv[1])))
		return -ENOENT;
	smmu_device_info(d, &di);
	if (with_pasid) {
		dom = NULL;
		for (size_t i = 0; i < smmu_device_pasid_count(d); i++) {
			uint32_t p;
			struct smmu_domain *x;
			if (!smmu_device_pasid_at(d, i, &p, &x) && p == pasid)
				dom = x;
		}
		if (!dom) {
			shell_error("detach: %s PASID 0x%x is not in a domain", di.addr, pasid);
			return -ENOENT;
		}
	} else if (!(dom = smmu_device_domain(d))) {
		shell_error("detach: %s is not in a domain", di.addr);
		return -ENOENT;
	}
	snprintf(name, sizeof(name), "%s", smmu_domain_name(dom));
	if ((rc = with_pasid ? smmu_device_detach_pasid(d, pasid) : smmu_device_detach(d))) {
		if (rc == -SMMU_E_NOTOWNED) {
			smmu_unit_info(di.unit, &ui);
			shell_error("detach: %s: unit %u (%s) not owned (use own)", di.addr, ui.index, ui.name);
			return rc;
		}
		return shell_lib_error("detach", di.addr, rc);
	}
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "device", di.addr);
		smmu_json_kstr(&sh->j, "domain", name);
		if (with_pasid)
			smmu_json_ku64(&sh->j, "pasid", pasid);
		shell_json_end(sh);
	} else if (with_pasid) {
		fprintf(sh->out, "%s PASID 0x%x detached from domain %s: its DMA with that PASID is blocked again\n", di.addr,
			pasid, name);
	} else {
		smmu_unit_info(di.unit, &ui);
		fprintf(sh->out, "%s detached from domain %s: its DMA %s again\n", di.addr, name,
			ui.arch != SMMU_ARCH_SMMUV3 ? "is blocked" : "aborts");
	}
	return 0;
}

/* --- map, unmap ---------------------------------------------------------------------- */

/* Library errors of map/unmap in words. */
static int map_error(struct shell *sh, const char *cmd, const char *domain, int rc)
{
	switch (rc) {
	case -EINVAL:
		shell_error("%s: %s: misaligned (addresses and size must be multiples of 4 KiB) or permissions not supported",
			    cmd, domain);
		break;
	case -EEXIST:
		shell_error("%s: %s: the range overlaps an existing mapping (nothing changed)", cmd, domain);
		break;
	case -ERANGE:
		shell_error("%s: %s: out of range: the IOVA is beyond the unit's input size or the PA beyond its output size",
			    cmd, domain);
		break;
	case -SMMU_E_NOTOWNED:
		shell_error("%s: %s: unit not owned (use own)", cmd, domain);
		break;
	case -EDESTADDRREQ:
		shell_error("%s: %s: the target has %zu units: attach a device first so the domain knows its unit",
			    cmd, domain, smmu_unit_count(sh->t));
		break;
	case -ENOMEM:
		shell_error("%s: %s: out of table memory", cmd, domain);
		break;
	case -ENOENT:
		shell_error("%s: %s: nothing is mapped in that range", cmd, domain);
		break;
	case -SMMU_E_CONFLICT: {
		struct smmu_table_conflict c;
		smmu_domain_conflicts(smmu_domain_find(sh->t, domain), &c);
		shell_error("%s: %s: the entry at 0x%" PRIx64 " was changed in memory by someone else (smmush last saw 0x%" PRIx64
			    ", memory holds 0x%" PRIx64 "): nothing changed; run %s again to go ahead on memory's tables",
			    cmd, domain, c.entry_pa, c.cached, c.memory, cmd);
		break;
	}
	default:
		return shell_lib_error(cmd, domain, rc);
	}
	return rc;
}

/* map/unmap over a reserved region attach mapped: name it. */
static int reserved_error(const char *cmd, struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	struct smmu_reserved_region r;
	char words[96];

	if (!smmu_domain_reserved_at(dom, iova, size, &r))
		return -SMMU_E_RESERVED;
	shell_error("%s: %s: 0x%" PRIx64 "-0x%" PRIx64 " overlaps reserved region %s, which the domain maps IOVA = PA "
		    "for its devices (detach them, or attach them with --no-reserved)", cmd, smmu_domain_name(dom), iova,
		    iova + size - 1, smmu_reserved_words(&r, words, sizeof(words)));
	return -SMMU_E_RESERVED;
}

/* Page-aligned, non-empty, not wrapping: checked here so the words are precise. */
static int check_range(const char *cmd, const char *what, uint64_t addr, uint64_t size)
{
	if (addr & (PAGE - 1)) {
		shell_error("%s: %s 0x%" PRIx64 " is not a multiple of 4 KiB", cmd, what, addr);
		return -EINVAL;
	}
	if (addr + size - 1 < addr) {
		shell_error("%s: %s 0x%" PRIx64 " + size 0x%" PRIx64 " wraps past 2^64", cmd, what, addr, size);
		return -ERANGE;
	}
	return 0;
}

static int check_size(const char *cmd, uint64_t size)
{
	if (!size || size & (PAGE - 1)) {
		shell_error("%s: size 0x%" PRIx64 " is not a non-zero multiple of 4 KiB", cmd, size);
		return -EINVAL;
	}
	return 0;
}

static int cmd_map(struct shell *sh, int argc, char **argv)
{
	struct smmu_domain *dom;
	uint64_t iova, pa, size;
	unsigned prot;
	char *pos[5], sz[32], perms[8];
	int npos = 0, rc;
	bool pages = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pages"))
			pages = true;
		else if (argv[i][0] == '-' && argv[i][1] == '-') {
			shell_error("map: unknown option '%s' (--pages)", argv[i]);
			return -EINVAL;
		} else if (npos == 5) {
			shell_error("map: too many arguments: expected map DOMAIN IOVA PA SIZE PERMS [--pages]");
			return -EINVAL;
		} else
			pos[npos++] = argv[i];
	}
	if (npos < 5) {
		shell_error("map: missing arguments: expected map DOMAIN IOVA PA SIZE PERMS [--pages]");
		return -EINVAL;
	}
	if (shell_parse_u64("map: IOVA", pos[1], &iova) || shell_parse_u64("map: PA", pos[2], &pa) ||
	    shell_parse_size("map: SIZE", pos[3], &size) || shell_parse_perms("map", pos[4], &prot))
		return -EINVAL;
	if ((rc = check_size("map", size)) || (rc = check_range("map", "IOVA", iova, size)) ||
	    (rc = check_range("map", "PA", pa, size)))
		return rc;
	if (!(dom = shell_domain(sh, "map", pos[0])))
		return -ENOENT;
	if ((rc = smmu_map(dom, iova, pa, size, prot | (pages ? SMMU_MAP_PAGES : 0))))
		return rc == -SMMU_E_RESERVED ? reserved_error("map", dom, iova, size) : map_error(sh, "map", pos[0], rc);
	perms_str(prot, perms);
	/* a PA that is not RAM is worth saying now, not at the first DMA */
	char warn[256] = "", ram[160];
	if (!smmu_target_is_ram(sh->t, pa, size))
		snprintf(warn, sizeof(warn), "PA 0x%" PRIx64 "-0x%" PRIx64 " is not RAM (RAM here: %s): DMA through "
			 "this mapping reaches no memory", pa, pa + size - 1, smmu_target_ram_words(sh->t, ram, sizeof(ram)));
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "domain", pos[0]);
		smmu_json_khex(&sh->j, "iova", iova);
		smmu_json_khex(&sh->j, "pa", pa);
		smmu_json_khex(&sh->j, "size", size);
		smmu_json_kstr(&sh->j, "perms", perms);
		smmu_json_kbool(&sh->j, "pages_only", pages);
		smmu_json_key(&sh->j, "warnings");
		smmu_json_arr_begin(&sh->j);
		if (*warn)
			smmu_json_str(&sh->j, warn);
		smmu_json_arr_end(&sh->j);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s: mapped 0x%" PRIx64 "-0x%" PRIx64 " -> 0x%" PRIx64 " (%s, %s)\n", pos[0], iova,
			iova + size - 1, pa, size_str(size, sz, sizeof(sz)), perms);
		if (*warn)
			fprintf(sh->out, "warning: %s\n", warn);
	}
	return 0;
}

static int cmd_unmap(struct shell *sh, int argc, char **argv)
{
	struct smmu_domain *dom;
	uint64_t iova, size;
	char sz[32];
	int rc;

	if (shell_nargs(sh, argc, argv, 3, 3))
		return -EINVAL;
	if (shell_parse_u64("unmap: IOVA", argv[2], &iova) || shell_parse_size("unmap: SIZE", argv[3], &size))
		return -EINVAL;
	if ((rc = check_size("unmap", size)) || (rc = check_range("unmap", "IOVA", iova, size)))
		return rc;
	if (!(dom = shell_domain(sh, "unmap", argv[1])))
		return -ENOENT;
	if ((rc = smmu_unmap(dom, iova, size)))
		return rc == -SMMU_E_RESERVED ? reserved_error("unmap", dom, iova, size)
					      : map_error(sh, "unmap", argv[1], rc);
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "domain", argv[1]);
		smmu_json_khex(&sh->j, "iova", iova);
		smmu_json_khex(&sh->j, "size", size);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s: unmapped 0x%" PRIx64 "-0x%" PRIx64 " (%s; TLBs invalidated)\n", argv[1], iova,
			iova + size - 1, size_str(size, sz, sizeof(sz)));
	}
	return 0;
}

/* --- dma ----------------------------------------------------------------------------- */

/* A byte, or -1 for "inc" (0, 1, 2, ... from the first byte of the transfer). */
static int parse_pattern(const char *opt, const char *s, int *out)
{
	uint64_t v;

	if (!strcmp(s, "inc")) {
		*out = -1;
		return 0;
	}
	if (*s < '0' || *s > '9') {
		shell_error("%s: '%s' is not a byte (0-0xff) or inc", opt, s);
		return -EINVAL;
	}
	if (shell_parse_u64(opt, s, &v))
		return -EINVAL;
	if (v > 0xff) {
		shell_error("%s: '%s' is not a byte (0-0xff, or inc)", opt, s);
		return -ERANGE;
	}
	*out = (int)v;
	return 0;
}

static uint8_t pattern_byte(int pat, size_t i)
{
	return pat < 0 ? (uint8_t)i : (uint8_t)pat;
}

/* Where the device's IOVA lands in physical memory, one page at a time:
 * its live translation (untranslated when no unit is in front of it). */
struct dma_ctx {
	struct shell *sh;
	struct smmu_device_info di;
	struct smmu_dma_opts o;
	uint64_t iova;
	size_t len;
};

typedef int (*chunk_fn)(struct dma_ctx *c, uint64_t pa, size_t off, size_t n, void *arg);

static int for_each_chunk(struct dma_ctx *c, const char *opt, unsigned access, chunk_fn fn, void *arg)
{
	struct smmu_translation *tr = malloc(sizeof(*tr));
	size_t off = 0;
	int rc = 0;

	if (!tr)
		return -ENOMEM;
	while (off < c->len && !rc) {
		uint64_t a = c->iova + off, pa = a;
		size_t n = PAGE - (a & (PAGE - 1));
		if (n > c->len - off)
			n = c->len - off;
		if (c->di.unit) {
			if ((rc = smmu_translate(c->di.unit, &(struct smmu_stream){ c->di.sid, c->o.ssv, c->o.ssid }, a, access, tr))) {
				shell_lib_error("dma", opt, rc);
				break;
			}
			if (!tr->ok) {
				shell_error("dma: %s: IOVA 0x%" PRIx64 " does not translate for %s (%s)", opt, a,
					    c->di.addr, tr->cfg.reason[0] ? tr->cfg.reason : "no mapping");
				rc = -EFAULT;
				break;
			}
			pa = tr->pa;
		}
		rc = fn(c, pa, off, n, arg);
		off += n;
	}
	free(tr);
	return rc;
}

/* smmush's own tables live in the table region: never scribble there. */
static int chunk_check(struct dma_ctx *c, uint64_t pa, size_t off, size_t n, void *arg)
{
	uint64_t base = 0, size = 0;

	(void)off;
	(void)arg;
	smmu_target_table_region(c->sh->t, &base, &size);
	if (pa < base + size && pa + n > base) {
		shell_error("dma: --pattern: IOVA maps to 0x%" PRIx64 ", inside smmush's table region: refusing to write there",
			    pa);
		return -EPERM;
	}
	return 0;
}

static int chunk_fill(struct dma_ctx *c, uint64_t pa, size_t off, size_t n, void *arg)
{
	uint8_t buf[PAGE];
	int pat = *(int *)arg, rc;

	for (size_t i = 0; i < n; i++)
		buf[i] = pattern_byte(pat, off + i);
	if ((rc = smmu_mem_write(c->sh->t, pa, buf, n)))
		return shell_lib_error("dma", "--pattern: writing memory", rc);
	return 0;
}

struct expect_state {
	int pat;
	bool ok;
	uint64_t bad_iova;
	uint8_t got, want;
};

static int chunk_compare(struct dma_ctx *c, uint64_t pa, size_t off, size_t n, void *arg)
{
	struct expect_state *e = arg;
	uint8_t buf[PAGE];
	int rc;

	if ((rc = smmu_mem_read(c->sh->t, pa, buf, n)))
		return shell_lib_error("dma", "--expect: reading memory", rc);
	for (size_t i = 0; i < n && e->ok; i++)
		if (buf[i] != pattern_byte(e->pat, off + i)) {
			e->ok = false;
			e->bad_iova = c->iova + off + i;
			e->got = buf[i];
			e->want = pattern_byte(e->pat, off + i);
		}
	return 0;
}

/* Where a transfer stops, by the live configuration and tables. */
struct blocked_state {
	bool blocked;
	uint64_t iova;
	char reason[512];
};

static int dma_blocked(struct dma_ctx *c, unsigned access, struct blocked_state *b)
{
	struct smmu_explain *ex;
	int rc = 0;

	b->blocked = false;
	if (!c->di.unit)
		return 0;
	if (!(ex = malloc(sizeof(*ex))))
		return -ENOMEM;
	for (size_t off = 0; off < c->len && !b->blocked; off += PAGE - ((c->iova + off) & (PAGE - 1))) {
		/* explained as a fault would be: where the walk stopped, and why */
		struct smmu_fault f = { .unit = c->di.unit, .stream = { c->di.sid, c->o.ssv, c->o.ssid },
					.addr = c->iova + off, .access = access, .cls = SMMU_FC_TRANSLATION };
		if ((rc = smmu_fault_explain(c->sh->t, &f, ex)))
			break;
		if (ex->tr.ok)
			continue;
		b->blocked = true;
		b->iova = f.addr;
		snprintf(b->reason, sizeof(b->reason), "%s", ex->text[0] ? ex->text : "no translation");
	}
	free(ex);
	return rc;
}

#define DMA_USAGE "expected dma DEVICE read|write IOVA LEN [--pattern P] [--expect P] [--pasid N] [--count N] [--priv] [--exec]"

struct dma_args {
	const char *dev, *dirword;
	enum smmu_dma_dir dir;
	int pattern, expect; /* parse_pattern() values */
	bool has_pattern, has_expect;
	uint64_t count;
};

/* The option that takes a value: --pattern, --expect, --pasid, --count. */
static int dma_option(struct dma_ctx *c, struct dma_args *a, const char *o, const char *val)
{
	char what[32];
	uint64_t v;

	snprintf(what, sizeof(what), "dma: %s", o);
	if (!strcmp(o, "--pattern")) {
		a->has_pattern = true;
		return parse_pattern(what, val, &a->pattern);
	}
	if (!strcmp(o, "--expect")) {
		a->has_expect = true;
		return parse_pattern(what, val, &a->expect);
	}
	if (shell_parse_u64(what, val, &v))
		return -EINVAL;
	if (!strcmp(o, "--pasid")) {
		if (v > 0xfffff) {
			shell_error("dma: --pasid %s: more than 20 bits", val);
			return -ERANGE;
		}
		c->o.ssv = true;
		c->o.ssid = (uint32_t)v;
		return 0;
	}
	if (!v || v > 1000000) {
		shell_error("dma: --count %s: expected 1 to 1000000", val);
		return -ERANGE;
	}
	a->count = v;
	return 0;
}

/* Everything about the arguments is checked here, before any hardware access. */
static int dma_parse(struct dma_ctx *c, struct dma_args *a, int argc, char **argv)
{
	const char *pos[4];
	int npos = 0, rc;
	uint64_t v;

	a->count = 1;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "--priv"))
			c->o.priv = true;
		else if (!strcmp(o, "--exec"))
			c->o.exec = true;
		else if (!strcmp(o, "--pattern") || !strcmp(o, "--expect") || !strcmp(o, "--pasid") ||
			 !strcmp(o, "--count")) {
			if (i + 1 == argc) {
				shell_error("dma: %s needs a value", o);
				return -EINVAL;
			}
			if ((rc = dma_option(c, a, o, argv[++i])))
				return rc;
		} else if (o[0] == '-' && o[1] == '-') {
			shell_error("dma: unknown option '%s' (--pattern, --expect, --pasid, --count, --priv, --exec)", o);
			return -EINVAL;
		} else if (npos == 4) {
			shell_error("dma: too many arguments: " DMA_USAGE);
			return -EINVAL;
		} else
			pos[npos++] = o;
	}
	if (npos < 4) {
		shell_error("dma: missing arguments: " DMA_USAGE);
		return -EINVAL;
	}
	a->dev = pos[0];
	a->dirword = pos[1];
	if (!strcmp(pos[1], "read"))
		a->dir = SMMU_DMA_FROM_MEM;
	else if (!strcmp(pos[1], "write"))
		a->dir = SMMU_DMA_TO_MEM;
	else {
		shell_error("dma: direction '%s': expected read (the device reads memory) or write (it writes memory)",
			    pos[1]);
		return -EINVAL;
	}
	if (shell_parse_u64("dma: IOVA", pos[2], &c->iova) || shell_parse_size("dma: LEN", pos[3], &v))
		return -EINVAL;
	if (!v || v > SMMU_DMA_MAX) {
		shell_error("dma: length %s: expected 1 to %d bytes", pos[3], SMMU_DMA_MAX);
		return -ERANGE;
	}
	c->len = (size_t)v;
	if (c->iova + c->len - 1 < c->iova) {
		shell_error("dma: IOVA 0x%" PRIx64 " + %zu wraps past 2^64", c->iova, c->len);
		return -ERANGE;
	}
	/* the device buffer cannot be filled from outside on QEMU: a pattern
	 * seeds the memory a 'read' will fetch, and --expect checks what a
	 * 'write' stored */
	if (a->has_pattern && a->dir != SMMU_DMA_FROM_MEM) {
		shell_error("dma: --pattern seeds memory for 'read'; the device's buffer cannot be filled directly (use --expect to check a write)");
		return -EINVAL;
	}
	if (a->has_expect && a->dir != SMMU_DMA_TO_MEM) {
		shell_error("dma: --expect checks memory after 'write'; after a read the data is in the device's buffer");
		return -EINVAL;
	}
	return 0;
}

static int cmd_dma(struct shell *sh, int argc, char **argv)
{
	struct dma_ctx c = { .sh = sh };
	struct dma_args a = { 0 };
	struct smmu_device *d;
	struct smmu_fault_totals before, after;
	uint64_t done, faults = 0;
	int rc;

	if ((rc = dma_parse(&c, &a, argc, argv)))
		return rc;
	unsigned acc = (a.dir == SMMU_DMA_TO_MEM ? SMMU_PROT_W : SMMU_PROT_R) |
		       (c.o.priv ? SMMU_PROT_PRIV : 0) | (c.o.exec ? SMMU_PROT_X : 0);
	if (!(d = shell_device(sh, "dma", a.dev)))
		return -ENOENT;
	smmu_device_info(d, &c.di);
	if (!(c.di.caps & SMMU_DEV_DMA)) {
		shell_error("dma: %s has no DMA engine ('devices' shows which do)", c.di.addr);
		return -ENODEV;
	}
	if (c.o.ssv && !(c.di.caps & SMMU_DEV_PASID)) {
		shell_error("dma: %s cannot tag its requests with a PASID/SubstreamID (QEMU's edu has no such capability; "
			    "the sim's test devices do)", c.di.addr);
		return -EOPNOTSUPP;
	}
	/* the unit the device sits behind (a device none translates: the selected one) */
	if ((rc = c.di.unit ? shell_may_write(sh, "dma", c.di.unit) : shell_may_write_selected(sh, "dma")))
		return rc;
	if (a.has_pattern) {
		if ((rc = for_each_chunk(&c, "--pattern", acc, chunk_check, NULL)) ||
		    (rc = for_each_chunk(&c, "--pattern", acc, chunk_fill, &a.pattern)))
			return rc;
	}
	/* faults from before belong to earlier commands: drain them first (the
	 * records stay for 'faults') */
	if ((rc = smmu_faults_poll(sh->t)) < 0)
		return shell_lib_error("dma", "reading faults", rc);
	smmu_faults_totals(sh->t, &before);
	for (done = 0; done < a.count; done++) {
		if (shell_stop())
			break;
		if ((rc = smmu_dma(d, a.dir, c.iova, c.len, &c.o))) {
			if (rc == -SMMU_E_TIMEOUT)
				shell_error("dma: %s never finished the transfer", c.di.addr);
			else
				shell_lib_error("dma", c.di.addr, rc);
			return rc;
		}
		if ((rc = smmu_faults_poll(sh->t)) < 0)
			return shell_lib_error("dma", "reading faults", rc);
		faults += (uint64_t)rc;
	}
	smmu_faults_totals(sh->t, &after);
	uint64_t lost = after.lost_overflow + after.lost_unread - before.lost_overflow - before.lost_unread;
	bool faulted = faults || lost;
	/* an abort the configuration asks for (SMMUv3 STE.Config abort) records
	 * no fault: ask the live tables whether the transfer could get through */
	struct blocked_state b = { .blocked = false };
	if (!faulted && (rc = dma_blocked(&c, acc, &b)))
		return shell_lib_error("dma", "reading the device's tables", rc);
	bool stopped = faulted || b.blocked;
	struct expect_state e = { .pat = a.expect, .ok = true };
	if (a.has_expect && !stopped && done == a.count &&
	    (rc = for_each_chunk(&c, "--expect", acc, chunk_compare, &e)))
		return rc;
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "device", c.di.addr);
		smmu_json_kstr(&sh->j, "direction", a.dirword);
		smmu_json_khex(&sh->j, "iova", c.iova);
		smmu_json_ku64(&sh->j, "length", c.len);
		if (c.o.ssv)
			smmu_json_ku64(&sh->j, "pasid", c.o.ssid);
		smmu_json_ku64(&sh->j, "transfers", done);
		smmu_json_kbool(&sh->j, "faulted", faulted);
		smmu_json_ku64(&sh->j, "faults", faults);
		smmu_json_ku64(&sh->j, "lost", lost);
		smmu_json_kbool(&sh->j, "blocked", b.blocked);
		smmu_json_kstr(&sh->j, "blocked_reason", b.blocked ? b.reason : NULL);
		if (a.has_expect && !stopped && done == a.count)
			smmu_json_kbool(&sh->j, "data_ok", e.ok);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "dma %s %s 0x%" PRIx64 " %zu", c.di.addr, a.dirword, c.iova, c.len);
		if (a.count > 1)
			fprintf(sh->out, " x%" PRIu64, done);
		if (b.blocked) {
			fprintf(sh->out, ": blocked without a fault record at 0x%" PRIx64 ": %s\n", b.iova, b.reason);
		} else if (faulted) {
			fprintf(sh->out, ": faulted: %" PRIu64 " fault record(s)", faults);
			if (lost)
				fprintf(sh->out, ", %" PRIu64 " lost", lost);
			fprintf(sh->out, " (see 'faults')\n");
		} else {
			fprintf(sh->out, ": done%s\n", a.has_expect && e.ok ? ", memory holds the expected data" : "");
		}
	}
	fflush(sh->out); /* a script on a pipe shows how far it got */
	if (done < a.count) {
		shell_error("dma: interrupted after %" PRIu64 " of %" PRIu64 " transfers", done, a.count);
		return -EINTR;
	}
	if (a.has_expect && stopped) {
		shell_error("dma: --expect: the transfer %s, so memory was not checked",
			    b.blocked ? "was blocked" : "faulted");
		return -EIO;
	}
	if (a.has_expect && !e.ok) {
		shell_error("dma: --expect: IOVA 0x%" PRIx64 " holds 0x%02x, expected 0x%02x", e.bad_iova, e.got,
			    e.want);
		return -EIO;
	}
	return 0;
}

const struct shell_cmd shell_cmds_program[] = {
	{ "own", "[--recover | --dma abort|passthrough | --policy FILE] [--scalable]", "take ownership of the selected unit: save its registers (journaled), install smmush's tables (and the domains kept since 'release'); --recover: take over a unit an earlier session left owned, its journal's registers as the originals; --dma: what happens to the DMA of devices a kernel driver runs (live machines: own refuses until told); --policy: then apply a QNX smmuman configuration (a domain per device name, allow lines mapped IOVA = PA; see 'help audit'); --scalable: VT-d scalable-mode tables (ECAP.SMTS): a PASID directory per device, requests without a PASID at PASID 0, first-level and nested domains, attach --pasid",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_own },
	{ "release", "[--recover]", "give the selected unit back: restore the registers 'own' saved; domains and mappings are kept for the next 'own'; --recover: restore what an earlier session that left it owned saved",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_release },
	{ "domain", "[list | create NAME [--stage2 | --stage 1|2|nested] [--nested-in DOMAIN] [--granule G] [--ias N] [--oas N] [--levels N] [--first-level | --second-level] | destroy NAME]", "create, destroy or list domains",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_domain, COMPLETE_WORDS, "create destroy list", COMPLETE_DOMAIN },
	{ "attach", "DEVICE DOMAIN [--no-reserved] [--pasid N]", "put a device in a domain (its unit must be owned); its reserved regions (RMRR, IORT RMR, IVMD: see 'devices') are mapped IOVA = PA with it, unless --no-reserved; --pasid: only its requests with that PASID (VT-d, own --scalable; reserved regions stay with the device's own domain)", CMD_TARGET | CMD_OPENS_LATE,
	  cmd_attach, COMPLETE_DEVICE, NULL, COMPLETE_DOMAIN },
	{ "detach", "DEVICE [--pasid N]", "take a device (or one PASID of it) out of its domain: its DMA aborts again", CMD_TARGET | CMD_OPENS_LATE, cmd_detach,
	  COMPLETE_DEVICE },
	{ "map", "DOMAIN IOVA PA SIZE PERMS [--pages]",
	  "map IOVA to PA in a domain (SIZE with K/M/G; PERMS of r, w, x, p; x alone at stage 2 only, p not at stage 2 or VT-d)", CMD_TARGET | CMD_OPENS_LATE, cmd_map,
	  COMPLETE_DOMAIN },
	{ "unmap", "DOMAIN IOVA SIZE", "unmap a range of a domain and invalidate", CMD_TARGET | CMD_OPENS_LATE, cmd_unmap,
	  COMPLETE_DOMAIN },
	{ "dma", "DEVICE read|write IOVA LEN [--pattern P] [--expect P] [--pasid N] [--count N] [--priv] [--exec]",
	  "test DMA: the device reads (read) or writes (write) memory at IOVA", CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE,
	  cmd_dma, COMPLETE_DEVICE },
	{ .name = NULL },
};
