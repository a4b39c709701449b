/* SPDX-License-Identifier: MIT */
/* Units: driver binding, ownership, and giving ownership back on exit. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arch.h"

const char *smmu_arch_name(enum smmu_arch a)
{
	switch (a) {
	case SMMU_ARCH_SMMUV3: return "smmuv3";
	case SMMU_ARCH_VTD: return "vtd";
	case SMMU_ARCH_SMMUV2: return "smmuv2";
	case SMMU_ARCH_AMDVI: return "amdvi";
	}
	return "?";
}
#include "lib/domain.h"

int smmu_unit_bind(struct smmu_unit *u)
{
	int rc;

	if (u->ops)
		return 0;
	u->ops = u->arch == SMMU_ARCH_SMMUV3 ? &smmu_arch_smmuv3
		 : u->arch == SMMU_ARCH_SMMUV2 ? &smmu_arch_smmuv2
		 : u->arch == SMMU_ARCH_AMDVI ? &smmu_arch_amdvi
					       : &smmu_arch_vtd;
	rc = u->ops->probe(u);
	if (rc) {
		u->ops = NULL;
		u->nkept = 0;
	}
	return rc;
}

bool smmu_unit_caches_invalid(struct smmu_unit *u)
{
	return !u->ops || !u->ops->caches_invalid || u->ops->caches_invalid(u);
}

/* For closing: release what can be released, then forget the driver.  A
 * release that failed (the backend is gone) leaves nothing owned in the
 * library either: the driver state that ownership needs is freed here. */
void smmu_unit_unbind(struct smmu_unit *u)
{
	if (u->ops) {
		if (u->owned)
			u->ops->release(u);
		u->ops->destroy(u);
	}
	u->ops = NULL;
	u->owned = false;
	u->nkept = 0;
}

/* After own: what the library kept across the last release goes back in:
 * every table of the unit's domains is written again whole (memory may
 * have changed meanwhile), then every device rejoins its domain. */
static int reinstall(struct smmu_unit *u)
{
	struct smmu_target *t = u->t;
	int rc;

	for (size_t i = 0; i < t->ndomains; i++)
		if (t->domains[i]->unit == u && t->domains[i]->pgt &&
		    (rc = smmu_pgt_rewrite(t->domains[i]->pgt)))
			return rc;
	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *d = &t->devices[i];
		if (d->info.unit == u && d->domain && (rc = u->ops->attach(u, d, d->domain)))
			return rc;
		for (unsigned k = 0; d->info.unit == u && k < d->npasids; k++)
			if ((rc = u->ops->attach_pasid(u, d, d->pasids[k].pasid, d->pasids[k].dom)))
				return rc;
	}
	return 0;
}

/* own, without asking whether an earlier session left the unit owned */
int smmu_unit_own_recovering(struct smmu_unit *u)
{
	int rc = smmu_target_read_only(u->t) ? -SMMU_E_READONLY : smmu_unit_bind(u);

	if (rc)
		return rc;
	if (u->owned)
		return 0;
	if ((rc = smmu_unit_own_precheck(u, NULL, 0))) /* a live machine's reasons (kernel.c) */
		return rc;
	if ((rc = u->ops->own(u)) || (rc = reinstall(u))) {
		/* own fails as a whole: given back as it was, the journal with it;
		 * if that failed too the unit stays owned and the journal stays */
		if (u->owned && !u->ops->release(u))
			u->owned = false;
		if (!u->owned)
			smmu_journal_remove(u);
	}
	return rc;
}

int smmu_unit_own(struct smmu_unit *u)
{
	struct smmu_left_owned lo;
	int rc = smmu_unit_bind(u);

	if (rc)
		return rc;
	if (u->owned)
		return 0;
	/* never save an earlier session's leftovers as "the original" */
	if ((rc = smmu_unit_left_owned(u, &lo)) < 0)
		return rc;
	if (rc)
		return -SMMU_E_LEFTOWNED;
	return smmu_unit_own_recovering(u);
}

int smmu_unit_release(struct smmu_unit *u)
{
	struct smmu_target *t = u->t;
	int rc;

	if (!u->owned)
		return 0;
	(void)t;
	rc = u->ops->release(u);
	if (rc)
		return rc; /* still owned, our tables still live: nothing is freed */
	smmu_journal_remove(u); /* what it recorded is back in the registers */
	/* Domains keep their devices and mappings (the library's record, and the
	 * tables in smmush's table region): the next own installs them again. */
	return 0;
}

bool smmu_unit_owned(const struct smmu_unit *u)
{
	return u->owned;
}

int smmu_unit_status(struct smmu_unit *u, struct smmu_unit_status *st)
{
	int rc = smmu_unit_bind(u);

	memset(st, 0, sizeof(*st));
	if (rc)
		return rc;
	st->owned = u->owned;
	return u->ops->status(u, st);
}

int smmu_target_release_all(struct smmu_target *t)
{
	int first = 0;

	for (size_t i = 0; i < t->nunits; i++) {
		int rc = smmu_unit_release(&t->units[i]);
		if (rc && !first)
			first = rc;
	}
	return first;
}

/* --- release on exit and on signals ------------------------------------------------
 * Release touches only registers and memory that own() already set up, so it
 * is safe from a handler of a signal that interrupted the main program
 * between two library calls; a second signal during release kills at once. */
static struct smmu_target *exit_target;
static volatile sig_atomic_t releasing;
static const int exit_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void release_at_exit(void)
{
	if (exit_target && !releasing) {
		releasing = 1;
		smmu_target_release_all(exit_target);
	}
}

static void release_on_signal(int sig)
{
	if (!releasing && exit_target) {
		releasing = 1;
		smmu_target_release_all(exit_target);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int smmu_release_on_exit(struct smmu_target *t)
{
	static bool registered;

	exit_target = t;
	if (!registered) {
		if (atexit(release_at_exit))
			return -ENOMEM;
		registered = true;
	}
	for (size_t i = 0; i < sizeof(exit_signals) / sizeof(exit_signals[0]); i++) {
		struct sigaction sa = { .sa_handler = t ? release_on_signal : SIG_DFL };
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < sizeof(exit_signals) / sizeof(exit_signals[0]); k++)
			sigaddset(&sa.sa_mask, exit_signals[k]);
		if (sigaction(exit_signals[i], &sa, NULL))
			return -errno;
	}
	return 0;
}
