/* SPDX-License-Identifier: MIT */
/*
 * VT-d live structures: root (the root table RTADDR names, through the
 * library's root-table visitor), ctx and pasid (one requester's, through the
 * library's live configuration).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cmd-tables.h"

struct root_out {
	struct shell *sh;
	bool one;          /* one bus asked for: shown in full, present or not */
	unsigned present;
};

static int root_entry(void *arg, const struct smmu_ctx_entry *e)
{
	struct root_out *r = arg;
	struct shell *sh = r->sh;

	r->present += e->present;
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_ku64(&sh->j, "bus", e->bus);
		smmu_json_khex(&sh->j, "address", e->addr);
		smmu_json_kbool(&sh->j, "present", e->present);
		smmu_json_key(&sh->j, "decoded");
		shell_render(sh, e->kind, e->words, 0);
		smmu_json_obj_end(&sh->j);
	} else if (r->one) {
		fprintf(sh->out, "root entry for bus %02x at 0x%" PRIx64 ":\n", e->bus, e->addr);
		shell_render(sh, e->kind, e->words, 0);
	} else if (!strcmp(e->kind, "vtd.sm.root")) {
		fprintf(sh->out, "bus %02x at 0x%" PRIx64 ": lower context table %s", e->bus, e->addr,
			e->ctp_present[0] ? "" : "-");
		if (e->ctp_present[0])
			fprintf(sh->out, "0x%" PRIx64, e->ctp[0]);
		fprintf(sh->out, ", upper %s", e->ctp_present[1] ? "" : "-");
		if (e->ctp_present[1])
			fprintf(sh->out, "0x%" PRIx64, e->ctp[1]);
		fprintf(sh->out, "\n");
	} else {
		fprintf(sh->out, "bus %02x at 0x%" PRIx64 ": context table 0x%" PRIx64 "\n", e->bus, e->addr,
			e->ctp[0]);
	}
	return 0;
}

int cmd_root(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_roottab rt;
	struct shell_capture cap;
	uint64_t bus = 0;
	struct tbl_args a;
	int rc;

	if (tbl_parse_args(sh, argc, argv, 0, 0, 1, &a) || (a.npos && shell_parse_u64("root", a.pos[0], &bus)))
		return -EINVAL;
	if (bus > 0xff) {
		shell_error("root: bus 0x%" PRIx64 " is beyond 0xff", bus);
		return -ERANGE;
	}
	if (!(u = tbl_arch_unit(sh, "root", SMMU_ARCH_VTD, &ui)))
		return -ENODEV;
	if ((rc = smmu_roottab_info(u, &rt)))
		return shell_lib_error("root", "reading registers", rc);
	struct root_out r = { .sh = sh, .one = a.npos };
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("root", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_khex(&sh->j, "rtaddr", rt.rtaddr);
		smmu_json_kstr(&sh->j, "mode", rt.mode_name);
		smmu_json_kbool(&sh->j, "remapping", rt.translating);
		smmu_json_khex(&sh->j, "root_table", rt.table);
		smmu_json_key(&sh->j, "entries");
		smmu_json_arr_begin(&sh->j);
	} else {
		const char *note = !rt.has_table ? " (no root table in this mode)"
				   : rt.translating ? "" : " (GSTS.TES=0: remapping off, not in use)";
		fprintf(sh->out, "%s: %s root table at 0x%" PRIx64 "%s\n", ui.name, rt.mode_name, rt.table, note);
	}
	if (rt.has_table && (rc = smmu_roottab_walk(u, a.npos ? bus : 0, a.npos ? bus : 255,
						     a.npos ? SMMU_ROOTTAB_WALK_ABSENT : 0, root_entry, &r))) {
		shell_capture_end(sh, &cap, false);
		return shell_lib_error("root", "reading the root table", rc);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		shell_json_end(sh);
	} else if (!a.npos && rt.has_table) {
		fprintf(sh->out, "%u of 256 root entries present\n", r.present);
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* The translation mode, or NULL when remapping is off (GSTS.TES=0). */
static int vtd_mode(struct smmu_unit *u, const char *cmd, const struct smmu_unit_info *ui, const char **mode)
{
	struct smmu_roottab rt;
	int rc = smmu_roottab_info(u, &rt);

	if (rc)
		return shell_lib_error(cmd, ui->name, rc);
	*mode = rt.translating ? rt.mode_name : NULL;
	return 0;
}

int cmd_ctx(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct tbl_args a;
	const char *mode = NULL;
	uint16_t bdf;
	char name[16];
	int rc;

	if (tbl_parse_args(sh, argc, argv, 0, 1, 1, &a) || tbl_parse_bdf("ctx", a.pos[0], &bdf))
		return -EINVAL;
	if (!(u = tbl_arch_unit(sh, "ctx", SMMU_ARCH_VTD, &ui)))
		return -ENODEV;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ bdf, false, 0 }, &cfg)))
		return shell_lib_error("ctx", ui.name, rc);
	if ((rc = vtd_mode(u, "ctx", &ui, &mode)))
		return rc;
	const struct smmu_cfg_step *root = smmu_config_step(&cfg, SMMU_CS_ROOT);
	const struct smmu_cfg_step *ctx = smmu_config_step(&cfg, SMMU_CS_CONTEXT);
	tbl_bdf_text(name, sizeof(name), bdf);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("ctx", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_kstr(&sh->j, "bdf", name);
		smmu_json_khex(&sh->j, "source_id", bdf);
		smmu_json_kstr(&sh->j, "mode", mode);
		tbl_json_kstep(sh, "root_entry", &ui, root);
		tbl_json_kstep(sh, "context_entry", &ui, ctx);
		tbl_json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s (source-id 0x%04x) on %s: %s\n", name, bdf, ui.name,
			mode ? mode : "remapping off");
		if (root)
			tbl_text_step(sh, &ui, root);
		if (ctx)
			tbl_text_step(sh, &ui, ctx);
		else
			fprintf(sh->out, "no context entry\n");
		tbl_text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

int cmd_pasid(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct tbl_args a;
	const char *mode = NULL;
	uint16_t bdf;
	uint32_t pasid;
	char name[16];
	int rc;

	if (tbl_parse_args(sh, argc, argv, 0, 2, 2, &a) || tbl_parse_bdf("pasid", a.pos[0], &bdf) ||
	    tbl_parse_pasid("pasid", a.pos[1], &pasid))
		return -EINVAL;
	if (!(u = tbl_arch_unit(sh, "pasid", SMMU_ARCH_VTD, &ui)))
		return -ENODEV;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ bdf, true, pasid }, &cfg)))
		return shell_lib_error("pasid", ui.name, rc);
	if ((rc = vtd_mode(u, "pasid", &ui, &mode)))
		return rc;
	if (!mode) {
		shell_error("pasid: DMA remapping is off on %s (GSTS.TES=0): no PASID table is in use", ui.name);
		return -ENXIO;
	}
	if (strcmp(mode, "scalable")) {
		shell_error("pasid: %s is in %s mode (RTADDR.TTM): only scalable mode has PASID tables", ui.name, mode);
		return -ENXIO;
	}
	const struct smmu_cfg_step *root = smmu_config_step(&cfg, SMMU_CS_ROOT);
	const struct smmu_cfg_step *ctx = smmu_config_step(&cfg, SMMU_CS_CONTEXT);
	const struct smmu_cfg_step *dir = smmu_config_step(&cfg, SMMU_CS_PASID_DIR);
	const struct smmu_cfg_step *pe = smmu_config_step(&cfg, SMMU_CS_PASID);
	tbl_bdf_text(name, sizeof(name), bdf);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("pasid", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_kstr(&sh->j, "bdf", name);
		smmu_json_khex(&sh->j, "source_id", bdf);
		smmu_json_ku64(&sh->j, "pasid", pasid);
		smmu_json_kstr(&sh->j, "mode", mode);
		tbl_json_kstep(sh, "root_entry", &ui, root);
		tbl_json_kstep(sh, "context_entry", &ui, ctx);
		tbl_json_kstep(sh, "pasid_dir_entry", &ui, dir);
		tbl_json_kstep(sh, "pasid_entry", &ui, pe);
		tbl_json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s (source-id 0x%04x), PASID 0x%x on %s: scalable mode\n", name, bdf, pasid, ui.name);
		for (unsigned i = 0; i < cfg.nsteps; i++)
			if (!cfg.step[i].reg)
				tbl_text_step(sh, &ui, &cfg.step[i]);
		if (!pe)
			fprintf(sh->out, "no PASID entry\n");
		tbl_text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}
