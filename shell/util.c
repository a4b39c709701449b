/* SPDX-License-Identifier: MIT */
/* Helpers every command uses: errors, numbers, the target, devices, guards, output. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "shell.h"

volatile sig_atomic_t shell_interrupted;

bool shell_stop(void)
{
	sigset_t pending;

	if (shell_interrupted)
		return true;
	/* a signal held back while the command runs (see shell_run) */
	return !sigpending(&pending) && (sigismember(&pending, SIGTERM) == 1 ||
					 sigismember(&pending, SIGHUP) == 1 ||
					 sigismember(&pending, SIGINT) == 1);
}
const char *shell_where;

static FILE *error_stream; /* NULL: stderr */

FILE *shell_error_to(FILE *f)
{
	FILE *old = error_stream;

	error_stream = f;
	return old;
}

/* The last message shell_error() printed on stderr and no JSON error object
 * has carried yet (see shell_json_error). */
static char pending_error[1024];

void shell_error(const char *fmt, ...)
{
	FILE *f = error_stream ? error_stream : stderr;
	char msg[1024];
	va_list ap;
	int n = 0;

	if (shell_where)
		n = snprintf(msg, sizeof(msg), "%s: ", shell_where);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (!error_stream) { /* on the terminal: after what stdout has so far */
		fflush(stdout);
		fputs("smmush: ", f);
		snprintf(pending_error, sizeof(pending_error), "%s", msg);
	}
	fprintf(f, "%s\n", msg);
}

/* The library's words name no shell command: what to type next is ours. */
const char *shell_lib_hint(int rc)
{
	switch (rc < 0 ? -rc : rc) {
	case SMMU_E_NOTOWNED:
		return " (use 'own', or --write to write anyway)";
	case SMMU_E_LEFTOWNED:
		return ": 'own --recover' takes it over, 'release --recover' restores the registers that session saved";
	case SMMU_E_STALE:
		return ": nothing was done; 'own' replaces that journal";
	case SMMU_E_DMA_ACTIVE:
		return " (own --dma abort|passthrough)";
	default:
		return "";
	}
}

void shell_json_error(struct shell *sh, const char *cmd)
{
	struct smmu_json j;

	if (!sh->json || !pending_error[0])
		return;
	/* a document of its own, whatever a failed command left half-written */
	smmu_json_init(&j, stdout, sh->pretty);
	smmu_json_obj_begin(&j);
	smmu_json_kstr(&j, "error", pending_error);
	smmu_json_kstr(&j, "command", cmd);
	smmu_json_obj_end(&j);
	smmu_json_done(&j);
	fflush(stdout);
	pending_error[0] = '\0';
}

void shell_error_forget(void)
{
	pending_error[0] = '\0';
}

/* The shell whose target errors may concern (shell_target sets it). */
static struct shell *errors_sh;
static const struct smmu_target *gone_told; /* the dead target whose cause was said */

int shell_lib_error(const char *cmd, const char *what, int rc)
{
	const char *gone;

	/* a backend that went away: what happened, once; then that it is gone */
	if (rc == -SMMU_E_BACKEND && errors_sh && errors_sh->t && (gone = smmu_target_gone(errors_sh->t))) {
		if (gone_told != errors_sh->t)
			shell_error("%s: %s: target %s is gone: %s ('target reopen' starts it again)", cmd, what,
				    smmu_target_spec(errors_sh->t), gone);
		else
			shell_error("%s: %s: target %s is gone ('target reopen' starts it again)", cmd, what,
				    smmu_target_spec(errors_sh->t));
		gone_told = errors_sh->t;
		return rc;
	}
	shell_error("%s: %s: %s%s", cmd, what, smmu_strerror(rc), shell_lib_hint(rc));
	return rc < 0 ? rc : -rc;
}

void shell_target_gone_once(struct shell *sh, const char *cmd)
{
	const char *gone = sh->t ? smmu_target_gone(sh->t) : NULL;

	if (gone && gone_told != sh->t) {
		shell_error("%s: target %s is gone: %s", cmd, smmu_target_spec(sh->t), gone);
		gone_told = sh->t;
	}
}

void shell_target_forget(struct shell *sh, struct smmu_target *t)
{
	(void)sh;
	if (gone_told == t)
		gone_told = NULL;
}

int shell_mem_error(struct shell *sh, const char *cmd, const char *what, int rc)
{
	char ram[160];

	if (rc != -SMMU_E_NOTRAM || !sh->t)
		return shell_lib_error(cmd, what, rc);
	shell_error("%s: %s: not RAM (RAM here: %s)", cmd, what, smmu_target_ram_words(sh->t, ram, sizeof(ram)));
	return rc;
}

int shell_parse_u64(const char *what, const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ') {
		shell_error("%s: '%s' is not a number", what, s);
		return -EINVAL;
	}
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno == ERANGE) {
		shell_error("%s: '%s' does not fit in 64 bits", what, s);
		return -ERANGE;
	}
	if (*end) {
		shell_error("%s: '%s' is not a number", what, s);
		return -EINVAL;
	}
	return 0;
}

int shell_parse_size(const char *what, const char *s, uint64_t *out)
{
	char buf[64];
	size_t n = strlen(s);
	unsigned shift = 0;

	if (n >= sizeof(buf)) {
		shell_error("%s: '%.20s...' is too long for a number", what, s);
		return -EINVAL;
	}
	if (n) {
		switch (s[n - 1]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		}
	}
	memcpy(buf, s, n + 1 < sizeof(buf) ? n + 1 : sizeof(buf));
	buf[sizeof(buf) - 1] = '\0';
	if (shift)
		buf[n - 1] = '\0';
	if (shell_parse_u64(what, buf, out))
		return -EINVAL;
	if (shift && *out > UINT64_MAX >> shift) {
		shell_error("%s: '%s' does not fit in 64 bits", what, s);
		return -ERANGE;
	}
	*out <<= shift;
	return 0;
}

int shell_parse_perms(const char *what, const char *s, unsigned *out)
{
	*out = 0;
	for (const char *p = s; *p; p++) {
		unsigned bit = *p == 'r' || *p == 'R' ? SMMU_PROT_R : *p == 'w' || *p == 'W' ? SMMU_PROT_W
			     : *p == 'x' || *p == 'X' ? SMMU_PROT_X : *p == 'p' || *p == 'P' ? SMMU_PROT_PRIV : 0;
		if (!bit || (*out & bit)) {
			shell_error("%s: permissions '%s' are not a combination of r, w, x and p", what, s);
			return -EINVAL;
		}
		*out |= bit;
	}
	if (!(*out & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X))) {
		shell_error("%s: permissions '%s' allow nothing (use r, w or x)", what, s);
		return -EINVAL;
	}
	return 0;
}

int shell_nargs(const struct shell *sh, int argc, char **argv, int min, int max)
{
	const struct shell_cmd *c;

	(void)sh;
	if (argc - 1 >= min && argc - 1 <= max)
		return 0;
	for (size_t i = 0; (c = shell_cmd_at(i)); i++)
		if (!strcmp(c->name, argv[0]))
			break;
	shell_error("%s: %s arguments: expected %s%s%s", argv[0], argc - 1 < min ? "missing" : "too many",
		    argv[0], c && *c->args ? " " : "", c ? c->args : "");
	return -EINVAL;
}

/* " (see --target-help)" when SPEC names no target or OPTS a parameter it
 * lacks (the checks smmu_target_open makes first, in its order); else "". */
const char *shell_target_hint(const char *spec, const char *const *opts, size_t nopts)
{
	struct smmu_backend_info bi;
	struct smmu_param_info pi;
	size_t nlen = strcspn(spec, ":");

	for (size_t b = 0; !smmu_backend_info(b, &bi); b++) {
		if (strlen(bi.name) != nlen || strncmp(bi.name, spec, nlen))
			continue;
		for (size_t i = 0; i < nopts; i++) {
			size_t klen = strcspn(opts[i], "=");
			bool known = false;
			if (!klen || !opts[i][klen])
				return ""; /* not key=value: the hint would not help */
			for (size_t k = 0; !smmu_backend_param(b, k, &pi); k++)
				known |= strlen(pi.name) == klen && !strncmp(pi.name, opts[i], klen);
			if (!known)
				return " (see --target-help)";
		}
		return "";
	}
	return " (see --target-help)";
}

struct smmu_target *shell_target(struct shell *sh)
{
	char err[256] = "";
	int rc;

	errors_sh = sh;
	if (sh->t)
		return sh->t;
	/* as every error, the line names the command that needed the target
	 * ("units: target qemu:bad: ..."); opened with no command running (the
	 * REPL starting), the target command's ("target: qemu:bad: ...") */
	const char *cmd = sh->cmd && strcmp(sh->cmd, "target") ? sh->cmd : NULL;
	if ((rc = smmu_target_open(sh->target_spec, sh->opts, sh->nopts, &sh->t, err, sizeof(err)))) {
		shell_error("%s: %s%s: %s%s", cmd ? cmd : "target", cmd ? "target " : "", sh->target_spec,
			    err[0] ? err : smmu_strerror(rc),
			    shell_target_hint(sh->target_spec, sh->opts, sh->nopts));
		sh->t = NULL;
		return NULL;
	}
	if ((rc = smmu_discover(sh->t, err, sizeof(err)))) {
		shell_error("%s: %s%s: discovery: %s", cmd ? cmd : "target", cmd ? "target " : "", sh->target_spec,
			    err[0] ? err : smmu_strerror(rc));
		smmu_target_close(sh->t);
		sh->t = NULL;
		return NULL;
	}
	/* owned units go back on exit and on SIGTERM/SIGHUP (SIGINT is the
	 * shell's own: it stops a command, not the shell) */
	smmu_release_on_exit(sh->t);
	shell_signals();
	return sh->t;
}

struct smmu_unit *shell_unit(struct shell *sh)
{
	struct smmu_target *t = shell_target(sh);

	if (!t)
		return NULL;
	if (!smmu_unit_count(t)) {
		shell_error("%s: target %s has no IOMMU unit (firmware named none; 'unit add' adds one)",
			    sh->cmd ? sh->cmd : "target", smmu_target_spec(t));
		return NULL;
	}
	if (sh->unit >= smmu_unit_count(t))
		sh->unit = 0;
	return smmu_unit_at(t, sh->unit);
}

struct smmu_device *shell_device(struct shell *sh, const char *cmd, const char *name)
{
	struct smmu_target *t = shell_target(sh);
	struct smmu_device *d;

	if (!t)
		return NULL;
	if (!(d = smmu_device_find(t, name)))
		shell_error("%s: no device '%s' ('devices' lists them)", cmd, name);
	return d;
}

struct smmu_domain *shell_domain(struct shell *sh, const char *cmd, const char *name)
{
	struct smmu_target *t = shell_target(sh);
	struct smmu_domain *dom;

	if (!t)
		return NULL;
	if (!(dom = smmu_domain_find(t, name)))
		shell_error("%s: no domain '%s' ('domain list' lists them)", cmd, name);
	return dom;
}

int shell_may_write_selected(struct shell *sh, const char *cmd)
{
	struct smmu_unit *u = sh->write_ok ? NULL : shell_unit(sh);

	if (!sh->write_ok && !u)
		return -ENODEV;
	return u ? shell_may_write(sh, cmd, u) : 0;
}

int shell_may_write(struct shell *sh, const char *cmd, struct smmu_unit *u)
{
	struct smmu_unit_info ui;

	if (sh->t && smmu_target_read_only(sh->t)) {
		shell_error("%s: snapshot targets are read-only", cmd);
		return -SMMU_E_READONLY;
	}
	if (sh->write_ok || smmu_unit_owned(u))
		return 0;
	smmu_unit_info(u, &ui);
	shell_error("%s: refusing to write hardware: %s is not owned (use 'own', or --write)", cmd, ui.name);
	return -SMMU_E_NOTOWNED;
}

void shell_render(struct shell *sh, const char *kind, const uint64_t *words, unsigned flags)
{
	const struct smmu_desc *d;

	if (smmu_decoder_find(kind, &d, NULL)) {
		shell_error("internal: no decoder '%s'", kind);
		return;
	}
	if (sh->json)
		smmu_render_json(&sh->j, d, words);
	else
		smmu_render_text(sh->out, d, words, flags);
}

void shell_json_begin(struct shell *sh)
{
	smmu_json_obj_begin(&sh->j);
}

void shell_json_end(struct shell *sh)
{
	smmu_json_obj_end(&sh->j);
	smmu_json_done(&sh->j);
}

int shell_capture_begin(struct shell *sh, struct shell_capture *c)
{
	c->buf = NULL;
	c->len = 0;
	if (!(c->mem = open_memstream(&c->buf, &c->len))) {
		shell_error("out of memory");
		return -ENOMEM;
	}
	c->out = sh->out;
	c->j = sh->j;
	sh->out = c->mem;
	smmu_json_init(&sh->j, c->mem, sh->pretty);
	return 0;
}

void shell_capture_end(struct shell *sh, struct shell_capture *c, bool print)
{
	fclose(c->mem);
	sh->out = c->out;
	sh->j = c->j;
	if (print)
		fwrite(c->buf, 1, c->len, sh->out);
	free(c->buf);
}
