/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi live structures: dte (the Device Table Entry a device's DeviceID
 * selects, through the library's live configuration), beside ste and ctx.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cmd-tables.h"

int cmd_dte(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_device_info di;
	struct smmu_device *d;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct tbl_args a;
	uint16_t bdf, devid;
	char name[16];
	int rc;

	if (tbl_parse_args(sh, argc, argv, 0, 1, 1, &a) || tbl_parse_bdf("dte", a.pos[0], &bdf))
		return -EINVAL;
	if (!(u = tbl_arch_unit(sh, "dte", SMMU_ARCH_AMDVI, &ui)))
		return -ENODEV;
	/* a known device's requests may carry an alias (IVRS): its DTE is there */
	tbl_bdf_text(name, sizeof(name), bdf);
	devid = bdf;
	if ((d = smmu_device_find(sh->t, name))) {
		smmu_device_info(d, &di);
		if (di.unit == u)
			devid = (uint16_t)di.sid;
	}
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ devid, false, 0 }, &cfg)))
		return shell_lib_error("dte", ui.name, rc);
	const struct smmu_cfg_step *dte = smmu_config_step(&cfg, SMMU_CS_DTE);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("dte", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_kstr(&sh->j, "bdf", name);
		smmu_json_khex(&sh->j, "device_id", devid);
		tbl_json_kstep(sh, "dte", &ui, dte);
		tbl_json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%s (DeviceID 0x%04x%s) on %s\n", name, devid, devid != bdf ? ", an alias" : "",
			ui.name);
		if (dte)
			tbl_text_step(sh, &ui, dte);
		else
			fprintf(sh->out, "no device table entry read\n");
		tbl_text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}
