/* SPDX-License-Identifier: MIT */
/*
 * Names for what the inspection API reports, in one place: verdicts, walk
 * statuses as JSON tokens, the structures a live configuration reads; and
 * the machine's instruction set, for front ends that disassemble.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/target.h"

const char *smmu_cfg_verdict_name(enum smmu_cfg_verdict v)
{
	switch (v) {
	case SMMU_CFG_TRANSLATE: return "translate";
	case SMMU_CFG_BYPASS: return "bypass";
	case SMMU_CFG_ABORT: return "abort";
	default: return "fault";
	}
}

const char *smmu_pgt_fault_id(int fault)
{
	static const char *const ids[SMMU_PGT_F_MAX] = {
		[SMMU_PGT_OK] = "ok", [SMMU_PGT_F_INVALID] = "invalid", [SMMU_PGT_F_PERM] = "permission",
		[SMMU_PGT_F_ACCESS] = "access_flag", [SMMU_PGT_F_ADDR_SIZE] = "address_size",
		[SMMU_PGT_F_INPUT_RANGE] = "input_range", [SMMU_PGT_F_RESERVED] = "reserved",
		[SMMU_PGT_F_TABLE_READ] = "table_read", [SMMU_PGT_F_LOOP] = "loop", [SMMU_PGT_F_ALIAS] = "alias",
		[SMMU_PGT_F_BUDGET] = "budget",
	};
	return fault >= 0 && fault < SMMU_PGT_F_MAX && ids[fault] ? ids[fault] : "unknown";
}

/* The decoder kinds the live readers (live-*.c) record, by structure. */
static const struct {
	const char *kind;
	enum smmu_cfg_struct s;
} structs[] = {
	{ "smmuv3.l1std", SMMU_CS_L1_STD }, { "smmuv3.ste", SMMU_CS_STE }, { "smmuv3.l1cd", SMMU_CS_L1_CD },
	{ "smmuv3.cd", SMMU_CS_CD }, { "vtd.root", SMMU_CS_ROOT }, { "vtd.sm.root", SMMU_CS_ROOT },
	{ "vtd.ctx", SMMU_CS_CONTEXT }, { "vtd.sm.ctx", SMMU_CS_CONTEXT },
	{ "vtd.pasid.dir", SMMU_CS_PASID_DIR }, { "vtd.pasid", SMMU_CS_PASID }, { "amdvi.dte", SMMU_CS_DTE },
};

enum smmu_cfg_struct smmu_cfg_step_struct(const struct smmu_cfg_step *step)
{
	if (!step->reg)
		for (size_t i = 0; i < sizeof(structs) / sizeof(structs[0]); i++)
			if (!strcmp(step->kind, structs[i].kind))
				return structs[i].s;
	return SMMU_CS_REGISTER;
}

const struct smmu_cfg_step *smmu_config_step(const struct smmu_config *cfg, enum smmu_cfg_struct s)
{
	for (unsigned i = 0; i < cfg->nsteps; i++)
		if (smmu_cfg_step_struct(&cfg->step[i]) == s)
			return &cfg->step[i];
	return NULL;
}

static bool has_table(struct smmu_target *t, const char *name)
{
	void *data = NULL;
	size_t len;
	int rc = smmu_fw_table(t, name, &data, &len);

	free(data);
	return !rc;
}

const char *smmu_target_isa(struct smmu_target *t)
{
	if (has_table(t, "DMAR"))
		return "x86-64";
	if (has_table(t, "fdt") || has_table(t, "IORT"))
		return "arm64";
	return NULL;
}
