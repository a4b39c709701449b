/* SPDX-License-Identifier: MIT */
/* Tab completion from the command tables: commands, subcommands, registers,
 * devices, domains, decoder kinds, files. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "decoders/decode.h"
#include "shell.h"

struct shell *shell_complete_sh; /* set by the REPL */

static const struct shell_cmd *completing;
static enum cmd_complete what;
static bool later; /* completing an argument after the first */

/* Candidate i (0, 1, ...) of the current kind, or NULL past the last. */
static const char *candidate(size_t i)
{
	static char buf[64];
	struct smmu_target *t = shell_complete_sh ? shell_complete_sh->t : NULL;

	switch (what) {
	case COMPLETE_NONE:
	case COMPLETE_FILE:
		break;
	case COMPLETE_KIND: {
		const struct smmu_desc *d = smmu_decoder_at(i);
		return d ? d->kind : i == smmu_decoder_count() ? "acpi" : NULL;
	}
	case COMPLETE_REGISTER: {
		/* registers of the selected unit's architecture, by short name */
		size_t n = smmu_decoder_count(), k = 0;
		const char *arch = "smmuv3.";
		if (t && smmu_unit_count(t)) {
			struct smmu_unit_info ui;
			smmu_unit_info(smmu_unit_at(t, shell_complete_sh->unit), &ui);
			arch = ui.arch == SMMU_ARCH_VTD ? "vtd." : ui.arch == SMMU_ARCH_SMMUV2 ? "smmuv2." : ui.arch == SMMU_ARCH_AMDVI ? "amdvi." : "smmuv3.";
		}
		for (size_t j = 0; j < n; j++) {
			const struct smmu_desc *d = smmu_decoder_at(j);
			if (!(d->flags & SMMU_D_REGISTER) || strncmp(d->kind, arch, strlen(arch)))
				continue;
			if (k++ == i)
				return d->kind + strlen(arch);
		}
		return NULL;
	}
	case COMPLETE_DEVICE: {
		struct smmu_device_info di;
		if (!t || i >= smmu_device_count(t))
			return NULL;
		smmu_device_info(smmu_device_at(t, i), &di);
		return di.addr;
	}
	case COMPLETE_DOMAIN:
		return t && i < smmu_domain_count(t) ? smmu_domain_name(smmu_domain_at(t, i)) : NULL;
	case COMPLETE_WORDS: {
		/* after the first argument: the words for later ones, else the
		 * options again (not the subcommand just completed) */
		bool opts_only = later && !completing->words2;
		const char *w = later && completing->words2 ? completing->words2 : completing->words;
		for (size_t k = 0; w && *w;) {
			size_t len = strcspn(w, " ");
			if (opts_only && *w != '-') {
				w += len + (w[len] == ' ');
				continue;
			}
			if (k++ == i && len < sizeof(buf)) {
				memcpy(buf, w, len);
				buf[len] = '\0';
				return buf;
			}
			w += len + (w[len] == ' ');
		}
		return NULL;
	}
	}
	return NULL;
}

static char *generator(const char *text, int state)
{
	static size_t i;
	const char *c;
	size_t len = strlen(text);

	if (!state)
		i = 0;
	if (!completing) { /* the command word itself */
		const struct shell_cmd *cmd;
		while ((cmd = shell_cmd_at(i++)))
			if (!strncmp(cmd->name, text, len))
				return strdup(cmd->name);
		return NULL;
	}
	while ((c = candidate(i++)))
		if (!strncmp(c, text, len))
			return strdup(c);
	return NULL;
}

char **shell_complete(const char *text, int start, int end)
{
	char word[32];
	const char *line = rl_line_buffer;
	size_t n;

	(void)end;
	/* the command is the first word of the current ';'-separated command */
	const char *cmd_start = line;
	for (const char *p = line; p < line + start; p++)
		if (*p == ';')
			cmd_start = p + 1;
	cmd_start += strspn(cmd_start, " \t");
	n = strcspn(cmd_start, " \t;");
	completing = NULL;
	if (cmd_start + n < line + start && n < sizeof(word)) {
		memcpy(word, cmd_start, n);
		word[n] = '\0';
		for (size_t i = 0; shell_cmd_at(i); i++)
			if (!strcmp(shell_cmd_at(i)->name, word))
				completing = shell_cmd_at(i);
		if (!completing)
			return NULL;
		/* which argument: count the words between the command and here */
		unsigned arg = 0;
		for (const char *p = cmd_start + n; p < line + start; p++)
			if ((*p == ' ' || *p == '\t') && p[1] != ' ' && p[1] != '\t')
				arg++;
		later = arg > 1;
		what = later && completing->complete2 ? completing->complete2 : completing->complete;
		if (what == COMPLETE_FILE) {
			rl_attempted_completion_over = 0;
			return NULL; /* readline's own file names */
		}
	}
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, generator);
}
