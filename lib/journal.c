/* SPDX-License-Identifier: MIT */
/*
 * The ownership journal: what own() saved, on disk before own() writes a
 * register, so that a session that dies while it owns a unit can be
 * recovered from by the next one (see smmu-manager.h).  One text file per
 * machine and unit:
 *
 *   smmush-journal 1
 *   target qemu:virt
 *   identity /tmp/qtest.sock
 *   instance qemu pid 4321 start 98765
 *   arch smmuv3
 *   base 0x9050000
 *   pid 1234
 *   time 1700000000
 *   reg 0x20 4 0x0
 *   ...
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/hw.h"
#include "lib/smmuv3.h"
#include "lib/vtd.h"
#include "lib/amdvi.h"

static const char *arch_word(enum smmu_arch a)
{
	return smmu_arch_name(a);
}

/* The machine's name for journals, or NULL: no journal for this target. */
static const char *identity(struct smmu_target *t)
{
	return t->ops->identity ? t->ops->identity(t->priv) : NULL;
}

/* This start of that machine, or NULL: unknown. */
static const char *instance(struct smmu_target *t)
{
	return t->ops->instance ? t->ops->instance(t->priv) : NULL;
}

static int journal_dir(struct smmu_target *t, char *dir, size_t len)
{
	const char *d = *t->journal_dir ? t->journal_dir : getenv("SMMUSH_JOURNAL_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (d && *d)
		n = snprintf(dir, len, "%s", d);
	else if (xdg && *xdg)
		n = snprintf(dir, len, "%s/smmush", xdg);
	else if (geteuid() == 0)
		n = snprintf(dir, len, "/run/smmush");
	else
		n = snprintf(dir, len, "/tmp/smmush-%u", (unsigned)geteuid());
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* DIR/<hash of the identity>-<unit base>.journal */
static int journal_path(struct smmu_unit *u, char *path, size_t len)
{
	const char *id = identity(u->t);
	char dir[256];
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	int rc, n;

	if (!id)
		return -ENOENT;
	if ((rc = journal_dir(u->t, dir, sizeof(dir))))
		return rc;
	for (const char *c = id; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	n = snprintf(path, len, "%s/%016" PRIx64 "-%" PRIx64 ".journal", dir, h, u->base);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct journal {
	char identity[256];
	char instance[128];
	char arch[16];
	uint64_t base;
	long pid;
	long long time;
	struct smmu_saved_reg regs[SMMU_SAVED_MAX];
	size_t nregs;
};

/* 0, -ENOENT (no journal), -SMMU_E_PARSE (not one of ours, or not this
 * unit's), or -SMMU_E_STALE (this unit's, from an earlier start of the
 * machine: j is filled in). */
static int journal_read(struct smmu_unit *u, const char *path, struct journal *j)
{
	char line[512];
	int version = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	memset(j, 0, sizeof(*j));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long off, val;
		unsigned size;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "identity ", 9))
			snprintf(j->identity, sizeof(j->identity), "%.255s", line + 9);
		else if (!strncmp(line, "instance ", 9))
			snprintf(j->instance, sizeof(j->instance), "%.127s", line + 9);
		else if (sscanf(line, "smmush-journal %d", &version) == 1 ||
			 sscanf(line, "arch %15s", j->arch) == 1 || sscanf(line, "base %" SCNx64, &j->base) == 1 ||
			 sscanf(line, "pid %ld", &j->pid) == 1 || sscanf(line, "time %lld", &j->time) == 1)
			;
		else if (sscanf(line, "reg %llx %u %llx", &off, &size, &val) == 3 && j->nregs < SMMU_SAVED_MAX &&
			 (size == 4 || size == 8))
			j->regs[j->nregs++] = (struct smmu_saved_reg){ (uint32_t)off, size, val };
	}
	fclose(f);
	if (version != 1 || strcmp(j->identity, identity(u->t)) || j->base != u->base ||
	    strcmp(j->arch, arch_word(u->arch)) || !j->nregs)
		return -SMMU_E_PARSE;
	/* the same place, another machine: what it saved was reset long ago
	 * (without an instance on either side the place is all we know) */
	const char *now = instance(u->t);
	if (now && *j->instance && strcmp(now, j->instance))
		return -SMMU_E_STALE;
	return 0;
}

static int mkdir_p(const char *dir)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0700) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	return mkdir(buf, 0700) && errno != EEXIST ? -errno : 0;
}

/* Write temp, fsync, rename over, fsync the directory: a reader sees the
 * whole old journal or the whole new one, and it is on disk. */
static int journal_write(struct smmu_unit *u, const char *path)
{
	struct smmu_saved_reg r[SMMU_SAVED_MAX];
	size_t n = u->ops->saved_get(u, r, SMMU_SAVED_MAX);
	char tmp[300], dir[256];
	int fd, rc = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if ((rc = mkdir_p(dir)))
		return rc;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -errno;
	if (!(f = fdopen(fd, "w"))) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	fprintf(f, "smmush-journal 1\n# what 'own' saved; 'release --recover' puts it back\n");
	fprintf(f, "target %s\nidentity %s\n", smmu_target_spec(u->t), identity(u->t));
	if (instance(u->t))
		fprintf(f, "instance %s\n", instance(u->t));
	fprintf(f, "arch %s\nbase 0x%" PRIx64 "\npid %ld\ntime %lld\n", arch_word(u->arch), u->base, (long)getpid(),
		(long long)time(NULL));
	for (size_t i = 0; i < n; i++)
		fprintf(f, "reg 0x%" PRIx32 " %u 0x%" PRIx64 "\n", r[i].off, r[i].size, r[i].val);
	if (fflush(f) || fsync(fd))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

int smmu_journal_saved(struct smmu_unit *u)
{
	char path[256];
	int rc;

	if (u->recover_regs && (rc = u->ops->saved_set(u, u->recover_regs, u->nrecover_regs, false)))
		return rc; /* own --recover: the journal's registers are the originals */
	if ((rc = journal_path(u, path, sizeof(path))))
		return rc == -ENOENT ? 0 : rc; /* a machine that dies with the session */
	if ((rc = journal_write(u, path)))
		return rc; /* no journal, no own: nothing was written yet */
	snprintf(u->journal, sizeof(u->journal), "%s", path);
	return 0;
}

/* After a successful release (also from a signal handler: unlink only). */
void smmu_journal_remove(struct smmu_unit *u)
{
	if (*u->journal)
		unlink(u->journal);
	u->journal[0] = '\0';
}

/* Do the unit's registers point into smmush's table region? */
static int regs_in_tables(struct smmu_unit *u, bool *in)
{
	uint64_t base, size, v;
	int rc;

	*in = false;
	if (smmu_target_table_region(u->t, &base, &size))
		return 0; /* no region: nothing can point into it */
	if (u->arch == SMMU_ARCH_SMMUV2)
		return 0; /* no one root: the journal alone says (its banks' TTBRs are many) */
	if (u->arch == SMMU_ARCH_VTD) {
		if ((rc = reg_read64(u, VTD_RTADDR, &v)))
			return rc;
		v &= SMMU_MASK(VTD_RTADDR_RTA);
	} else if (u->arch == SMMU_ARCH_AMDVI) {
		if ((rc = reg_read64(u, AMDVI_DEVTAB_BASE, &v)))
			return rc;
		v &= SMMU_MASK(AMDVI_DEVTAB_BASE_DevTabBase);
	} else {
		if ((rc = reg_read64(u, SMMUV3_STRTAB_BASE, &v)))
			return rc;
		v &= SMMU_MASK(SMMUV3_STRTAB_BASE_ADDR);
	}
	*in = v >= base && v - base < size;
	return 0;
}

int smmu_unit_left_owned(struct smmu_unit *u, struct smmu_left_owned *info)
{
	struct journal *j;
	char path[256];
	int rc;

	memset(info, 0, sizeof(*info));
	if (u->owned)
		return 0; /* ours now */
	if ((rc = regs_in_tables(u, &info->tables)))
		return rc;
	if (!journal_path(u, path, sizeof(path)) && (j = malloc(sizeof(*j)))) {
		if ((rc = journal_read(u, path, j)) != -ENOENT) {
			bool stale = rc == -SMMU_E_STALE;
			info->journal = !stale;
			info->stale = stale;
			snprintf(info->path, sizeof(info->path), "%s", path);
			info->pid = rc && !stale ? 0 : j->pid;
			info->time = rc && !stale ? 0 : j->time;
		}
		free(j);
	}
	return info->journal || info->tables;
}

int smmu_unit_recover(struct smmu_unit *u, enum smmu_recover how)
{
	struct journal *j;
	char path[256];
	int rc;

	if ((rc = smmu_unit_bind(u)))
		return rc;
	if (u->owned)
		return -EALREADY;
	if ((rc = journal_path(u, path, sizeof(path))))
		return rc;
	if (!(j = malloc(sizeof(*j))))
		return -ENOMEM;
	if ((rc = journal_read(u, path, j)))
		goto out;
	if (how == SMMU_RECOVER_OWN) {
		u->recover_regs = j->regs;
		u->nrecover_regs = j->nregs;
		rc = smmu_unit_own_recovering(u);
		u->recover_regs = NULL;
		u->nrecover_regs = 0;
		goto out;
	}
	/* release as the session that died would have: its saved registers back */
	if ((rc = u->ops->saved_set(u, j->regs, j->nregs, true)))
		goto out;
	u->owned = true;
	snprintf(u->journal, sizeof(u->journal), "%s", path);
	rc = smmu_unit_release(u); /* removes the journal when it worked */
out:
	free(j);
	return rc;
}
