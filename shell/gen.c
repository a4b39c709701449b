/* SPDX-License-Identifier: MIT */
/* The man page and bash completion, generated from the command tables at build time. */
#include <stdio.h>
#include <string.h>

#include "decoders/decode.h"
#include "shell.h"

/* troff: a leading '.' or '\'' and every backslash would be read as markup */
static void roff(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

int shell_gen_man(FILE *out)
{
	const struct shell_cmd *c;
	struct smmu_backend_info bi;
	struct smmu_param_info pi;

	fprintf(out, ".TH SMMUSH 1 \"\" \"smmush %s\" \"User Commands\"\n", smmu_version());
	fputs(".SH NAME\nsmmush \\- inspect, program and trace Arm SMMUv3 and Intel VT\\-d IOMMUs\n"
	      ".SH SYNOPSIS\n.B smmush\n[\\fIoptions\\fR] [\\fICOMMAND\\fR [\\fIARG\\fR...]]\n.br\n"
	      ".B smmush\n[\\fIoptions\\fR] \\fB\\-c\\fR '\\fICMD\\fR; \\fICMD\\fR...'\n.br\n"
	      ".B smmush\n[\\fIoptions\\fR] \\fB\\-f\\fR \\fISCRIPT\\fR\n"
	      ".SH DESCRIPTION\nsmmush takes ownership of an Arm SMMUv3 or Intel VT\\-d unit, walks and decodes "
	      "its live stream tables, context tables and page tables, programs test mappings, drives test DMA "
	      "through them and traces DMA faults, explaining each one. Without a command it reads commands "
	      "from standard input, or runs an interactive shell on a terminal. Hardware is written only "
	      "when the unit is owned (\\fBown\\fR) or \\fB\\-\\-write\\fR was given; owned units are "
	      "released on exit, on SIGINT and on SIGTERM.\n"
	      ".SH OPTIONS\n"
	      ".TP\n\\fB\\-c\\fR \\fICMDS\\fR\nRun ';'\\-separated commands, then exit.\n"
	      ".TP\n\\fB\\-f\\fR \\fIFILE\\fR\nRun a script: '#' starts a comment, '\\e' at the end of a line continues it. "
	      "A script stops at the first failing command and exits non\\-zero, unless it said \\fBset errexit off\\fR. "
	      "A script that is not text (a directory, a line holding a NUL byte) is refused. "
	      "\\fB\\-c\\fR and \\fB\\-f\\fR may be given more than once: they run in the order given, and a "
	      "failure stops those after it.\n"
	      ".TP\n\\fB\\-i\\fR\nAfter \\fB\\-c\\fR or \\fB\\-f\\fR, stay at the interactive prompt (on a terminal).\n"
	      ".TP\n\\fB\\-\\-target\\fR \\fINAME\\fR\nThe machine: see TARGETS. Default \\fBsim\\fR.\n"
	      ".TP\n\\fB\\-O\\fR \\fIKEY\\fR=\\fIVALUE\\fR\nA target parameter.\n"
	      ".TP\n\\fB\\-\\-target\\-help\\fR\nList targets and their parameters.\n"
	      ".TP\n\\fB\\-j\\fR, \\fB\\-p\\fR\nJSON output (\\-p: pretty): one document per command, and "
	      "\\fBtrace\\fR one per fault record as it comes. A failing command also prints its error, the line "
	      "it writes on standard error, as a document of its own: {\\(dqerror\\(dq: \\fITEXT\\fR, "
	      "\\(dqcommand\\(dq: \\fINAME\\fR}.\n"
	      ".TP\n\\fB\\-q\\fR\nQuiet: no banners.\n"
	      ".TP\n\\fB\\-\\-write\\fR\nAllow hardware writes to units that are not owned.\n"
	      ".TP\n\\fB\\-\\-version\\fR\nPrint the version and exit.\n"
	      ".TP\n\\fB\\-\\-help\\fR\nPrint the options and exit.\n"
	      ".SH COMMANDS\n", out);
	for (size_t i = 0; (c = shell_cmd_at(i)); i++) {
		fputs(".TP\n\\fB", out);
		roff(out, c->name);
		fputs("\\fR ", out);
		roff(out, c->args);
		fputs("\n", out);
		roff(out, c->help);
		if (c->flags & CMD_WRITES_HW)
			fputs(" Writes hardware: needs \\fBown\\fR or \\fB\\-\\-write\\fR.", out);
		fputs("\n", out);
		if (c->details) { /* kept as typed: an indented block, one line a line */
			fputs(".RS\n.nf\n", out);
			for (const char *p = c->details, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
				nl = strchr(p, '\n');
				char line[256];
				snprintf(line, sizeof(line), "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
				roff(out, line);
				fputs("\n", out);
			}
			fputs(".fi\n.RE\n", out);
		}
		const char *key, *khelp;
		for (size_t k = 0; c->key_at && (key = c->key_at(k, &khelp)); k++) {
			fputs(k ? ".br\n" : ".RS\nKeys:\n.br\n", out);
			fputs("\\fB", out);
			roff(out, key);
			fputs("\\fR  ", out);
			roff(out, khelp);
			fputs("\n", out);
			if (!c->key_at(k + 1, &khelp))
				fputs(".RE\n", out);
		}
	}
	fputs(".SH TARGETS\n", out);
	for (size_t b = 0; !smmu_backend_info(b, &bi); b++) {
		fprintf(out, ".TP\n\\fB%s\\fR:{%s}\n", bi.name, bi.variants);
		roff(out, bi.help);
		fputs("\n", out);
		for (size_t k = 0; !smmu_backend_param(b, k, &pi); k++) {
			fprintf(out, ".br\n\\fB\\-O %s\\fR=\\fI%s\\fR: ", pi.name, pi.def);
			roff(out, pi.help);
			fputs("\n", out);
		}
	}
	fputs(".SH EXIT STATUS\n0 when every command succeeded, 1 when one failed, 2 for bad options.\n"
	      ".SH FILES\n~/.smmush_history\n", out);
	return ferror(out) ? -1 : 0;
}

int shell_gen_bash_completion(FILE *out)
{
	const struct shell_cmd *c;

	fputs("# bash completion for smmush (generated from its command table)\n_smmush() {\n"
	      "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "    case $prev in\n"
	      "    --target) COMPREPLY=($(compgen -W 'sim sim:virt sim:q35 qemu:virt qemu:q35 gdb: linux files' -- \"$cur\")); return;;\n"
	      "    -f) COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n"
	      "    esac\n"
	      "    local cmds='", out);
	for (size_t i = 0; (c = shell_cmd_at(i)); i++)
		fprintf(out, "%s%s", i ? " " : "", c->name);
	fputs("'\n    local i cmd=\n"
	      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "        case ${COMP_WORDS[i]} in -c|-f|-O|--target) ((i++));; -*) ;; *) cmd=${COMP_WORDS[i]}; break;; esac\n"
	      "    done\n"
	      "    if [[ -z $cmd ]]; then\n"
	      "        if [[ $cur == -* ]]; then\n"
	      "            COMPREPLY=($(compgen -W '-c -f -i -j -p -q -O --target --target-help --write --version --help' -- \"$cur\"))\n"
	      "        else\n            COMPREPLY=($(compgen -W \"$cmds\" -- \"$cur\"))\n        fi\n        return\n    fi\n"
	      "    case $cmd in\n", out);
	for (size_t i = 0; (c = shell_cmd_at(i)); i++) {
		if (c->complete == COMPLETE_WORDS)
			fprintf(out, "    %s) COMPREPLY=($(compgen -W '%s' -- \"$cur\"));;\n", c->name, c->words);
		else if (c->complete == COMPLETE_FILE)
			fprintf(out, "    %s) COMPREPLY=($(compgen -f -- \"$cur\"));;\n", c->name);
		else if (c->complete == COMPLETE_KIND) {
			fprintf(out, "    %s) COMPREPLY=($(compgen -W 'acpi --list -v", c->name);
			for (size_t k = 0; k < smmu_decoder_count(); k++)
				fprintf(out, " %s", smmu_decoder_at(k)->kind);
			fputs("' -- \"$cur\"));;\n", out);
		}
	}
	fputs("    esac\n}\ncomplete -F _smmush smmush\n", out);
	return ferror(out) ? -1 : 0;
}
