/* SPDX-License-Identifier: MIT */
/*
 * The live-table commands' shared parts (cmd-tables.c): argument parsing,
 * units and devices, and the rendering of configuration steps, verdicts and
 * permissions that ste/cd/strtab (cmd-smmuv3.c), root/ctx/pasid (cmd-vtd.c)
 * and config/walk/xlate (cmd-walk.c) all use.  Every structure comes from the
 * library; these only format it.
 */
#ifndef SMMU_SHELL_CMD_TABLES_H
#define SMMU_SHELL_CMD_TABLES_H

#include "shell.h"

/* --- arguments ------------------------------------------------------------------ */
enum { OPT_PASID = 1 << 0, OPT_RAW = 1 << 1, OPT_ALL = 1 << 2 };

#define MAX_POS 4

struct tbl_args {
	int npos;
	char *pos[MAX_POS];
	bool pasid_set;
	uint32_t pasid;
	bool raw, all;
};

/* A PASID that fits 20 bits; reported when not. */
int tbl_parse_pasid(const char *cmd, const char *s, uint32_t *out);
/* Options (of `allowed`) anywhere, min..max positional words; reported when wrong. */
int tbl_parse_args(struct shell *sh, int argc, char **argv, unsigned allowed, int min, int max,
		   struct tbl_args *a);
/* "BB:DD.F", "SSSS:BB:DD.F" (segment 0 only) or "DD.F" on bus 0, all hex. */
int tbl_parse_bdf(const char *cmd, const char *s, uint16_t *bdf);

/* --- units and devices ------------------------------------------------------------ */
/* The selected unit, which must be of architecture `want`; NULL (reported) otherwise. */
struct smmu_unit *tbl_arch_unit(struct shell *sh, const char *cmd, enum smmu_arch want,
				struct smmu_unit_info *ui);
/* A device behind a unit; NULL (reported) otherwise. */
struct smmu_device *tbl_device_arg(struct shell *sh, const char *cmd, const char *name,
				   struct smmu_device_info *di, struct smmu_unit_info *ui);

/* --- rendering ---------------------------------------------------------------------- */
/* One line from the decoders' rendering: fields that say something. */
void tbl_oneline(char *out, size_t n, const char *kind, const uint64_t *words);
void tbl_json_step(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s);
/* "key": step, or null */
void tbl_json_kstep(struct shell *sh, const char *key, const struct smmu_unit_info *ui,
		    const struct smmu_cfg_step *s);
/* A structure in full: what and where, then the decoders' rendering. */
void tbl_text_step(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s);
/* A structure on one line, for traces. */
void tbl_text_step_line(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_cfg_step *s,
			const char *indent);
/* " (event 0x10 F_TRANSLATION)", " (fault reason 0x6: ...)", or "". */
void tbl_code_words(char *buf, size_t n, const struct smmu_unit_info *ui, const struct smmu_config *cfg);
void tbl_text_verdict(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_config *cfg,
		      const char *indent);
void tbl_json_verdict(struct shell *sh, const struct smmu_config *cfg);
void tbl_json_steps(struct shell *sh, const struct smmu_unit_info *ui, const struct smmu_config *cfg);
/* "rw-" (+ " priv", " device") for text; "rw"/"rwp" (the letters map takes) for JSON. */
void tbl_perm_text(char *buf, size_t n, unsigned prot);
void tbl_perm_letters(char *buf, size_t n, unsigned prot);
/* a permission fault's "denied_by" (leaf, table, config) and "denied_level";
 * both null when x is NULL (no permission fault) */
void tbl_json_denied_by(struct smmu_json *j, const struct smmu_pgt_xlate *x);
/* 4K, 2M, 1G when exact, else bytes. */
void tbl_size_text(char *buf, size_t n, uint64_t size);
void tbl_json_kpasid(struct shell *sh, bool set, uint32_t pasid);
void tbl_json_unit(struct shell *sh, const struct smmu_unit_info *ui);
void tbl_bdf_text(char *buf, size_t n, uint16_t bdf);
/* "00:01.0 (StreamID 0x8) on smmuv3@0x09050000 (unit 0)", ", PASID 0x1" */
void tbl_device_words(char *buf, size_t n, const struct smmu_device_info *di, const struct smmu_unit_info *ui,
		      const struct tbl_args *a);
void tbl_json_device(struct shell *sh, const struct smmu_device_info *di, const struct smmu_unit_info *ui,
		     const struct tbl_args *a);

/* --- the commands --------------------------------------------------------------------- */
int cmd_ste(struct shell *sh, int argc, char **argv);
int cmd_cd(struct shell *sh, int argc, char **argv);
int cmd_strtab(struct shell *sh, int argc, char **argv);
int cmd_root(struct shell *sh, int argc, char **argv);
int cmd_dte(struct shell *sh, int argc, char **argv);
int cmd_ctx(struct shell *sh, int argc, char **argv);
int cmd_pasid(struct shell *sh, int argc, char **argv);
int cmd_config(struct shell *sh, int argc, char **argv);
int cmd_walk(struct shell *sh, int argc, char **argv);
int cmd_xlate(struct shell *sh, int argc, char **argv);

#endif
