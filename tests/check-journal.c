/* SPDX-License-Identifier: MIT */
/*
 * The ownership journal (lib/journal.c) through libsmmu's API, on sim
 * machines made to look like ones that outlive the session (a backend with
 * an identity and an instance, as QEMU attached over socket= has):
 *  - own writes it before any register write, release removes it, and a
 *    journal left by a dead session is found and recovered from;
 *  - it is replaced whole (temporary file and rename): no partial file, no
 *    temporary left; when it cannot be written own writes nothing;
 *  - a journal of another instance of the machine is stale: reported, never
 *    acted on, replaced by the next own;
 *  - a corrupt journal is one error, never a half-read set of registers.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/smmu.h"
#include "lib/backend.h"
#include "lib/target.h" /* to give the sim an identity and point its journal at a test directory */

static const struct {
	const char *spec;
	uint64_t base;
	uint32_t root_reg; /* a register own() changes: the stream table, root table or device table base */
} plats[] = {
	{ "sim:virt", 0x09050000, 0x80 },
	{ "sim:q35", 0xfed90000, 0x20 },
	{ "sim:amd", 0xfed80000, 0x00 },
};
#define NPLATS ((int)(sizeof(plats) / sizeof(plats[0])))

static char instance_now[64];
static const char *fake_identity(void *priv)
{
	(void)priv;
	return "/tmp/check-journal.sock";
}
static const char *fake_instance(void *priv)
{
	(void)priv;
	return instance_now;
}

struct fixture {
	struct smmu_target *t;
	struct smmu_unit *u;
	struct smmu_backend_ops ops;
	char dir[64];
	char path[512];
};

static void open_fixture(struct fixture *f, int i)
{
	char err[256] = "";

	ck_assert_msg(smmu_target_open(plats[i].spec, NULL, 0, &f->t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_discover(f->t, err, sizeof(err)) == 0, "%s", err);
	f->ops = *f->t->ops;
	f->ops.identity = fake_identity;
	f->ops.instance = fake_instance;
	f->t->ops = &f->ops;
	snprintf(f->dir, sizeof(f->dir), "/tmp/check-journal-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->t->journal_dir, sizeof(f->t->journal_dir), "%s", f->dir);
	snprintf(instance_now, sizeof(instance_now), "qemu pid 100 start 1");
	f->u = smmu_unit_at(f->t, 0);
	ck_assert_ptr_nonnull(f->u);
}

static void close_fixture(struct fixture *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char p[600];

	smmu_target_close(f->t);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(f->dir);
}

/* Files in the journal directory; *tmp: how many are temporaries. */
static int files(const struct fixture *f, int *tmp)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	int n = 0;

	*tmp = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			n++;
			*tmp += strstr(e->d_name, ".tmp") != NULL;
		}
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void spew(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

static uint64_t reg(struct fixture *f, int i)
{
	uint64_t v;

	ck_assert_int_eq(smmu_mmio_read(f->t, plats[i].base + plats[i].root_reg, 4, &v), 0);
	return v;
}

/* own; keep a copy of its journal; release (the copy stands for a session
 * that died owning the unit). */
static char *own_copy_release(struct fixture *f)
{
	struct smmu_left_owned lo;
	int tmp;
	char *copy;

	ck_assert_int_eq(smmu_unit_own(f->u), 0);
	ck_assert_int_eq(files(f, &tmp), 1);
	ck_assert_int_eq(tmp, 0);
	ck_assert_int_eq(smmu_unit_left_owned(f->u, &lo), 0); /* ours: not left by anyone */
	ck_assert_int_eq(strlen(f->t->units[0].journal) > 0, 1);
	snprintf(f->path, sizeof(f->path), "%s", f->t->units[0].journal);
	copy = strdup(slurp(f->path));
	ck_assert_int_eq(smmu_unit_release(f->u), 0);
	ck_assert_int_eq(access(f->path, F_OK), -1); /* release removes it */
	return copy;
}

START_TEST(written_before_own_writes_removed_after_release_recovered_from)
{
	struct fixture f;
	struct smmu_left_owned lo;
	int tmp;

	open_fixture(&f, _i);
	uint64_t before = reg(&f, _i);
	char *copy = own_copy_release(&f);
	ck_assert_msg(strstr(copy, "smmush-journal 1\n") && strstr(copy, "identity /tmp/check-journal.sock\n") &&
			      strstr(copy, "instance qemu pid 100 start 1\n") && strstr(copy, "\nreg 0x"),
		      "journal: %s", copy);
	ck_assert_uint_eq(reg(&f, _i), before);

	/* a session that died owning it: its journal is found, with its pid */
	spew(f.path, copy);
	ck_assert_int_eq(smmu_unit_left_owned(f.u, &lo), 1);
	ck_assert(lo.journal && !lo.stale);
	ck_assert_str_eq(lo.path, f.path);
	ck_assert_int_eq(lo.pid, getpid());
	ck_assert_int_eq(smmu_unit_own(f.u), -SMMU_E_LEFTOWNED); /* never saves leftovers as the original */
	ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_RELEASE), 0);
	ck_assert_int_eq(access(f.path, F_OK), -1);
	ck_assert_int_eq(smmu_unit_left_owned(f.u, &lo), 0);
	ck_assert_uint_eq(reg(&f, _i), before);
	ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_RELEASE), -ENOENT);

	/* own --recover: the journal's registers become the originals */
	spew(f.path, copy);
	ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_OWN), 0);
	ck_assert(smmu_unit_owned(f.u));
	ck_assert_int_eq(files(&f, &tmp), 1);
	ck_assert_int_eq(smmu_unit_release(f.u), 0);
	ck_assert_int_eq(files(&f, &tmp), 0);
	ck_assert_uint_eq(reg(&f, _i), before);
	free(copy);
	close_fixture(&f);
}
END_TEST

START_TEST(written_whole_or_not_at_all)
{
	struct fixture f;
	int tmp;

	open_fixture(&f, _i);
	uint64_t before = reg(&f, _i);
	/* a journal that cannot be written: own fails and writes nothing */
	rmdir(f.dir);
	spew(f.dir, "not a directory");
	ck_assert_int_ne(smmu_unit_own(f.u), 0);
	ck_assert(!smmu_unit_owned(f.u));
	ck_assert_uint_eq(reg(&f, _i), before);
	unlink(f.dir);
	ck_assert_int_eq(mkdir(f.dir, 0700), 0);

	/* over a stale one (another instance): replaced whole, no temporary left */
	char *copy = own_copy_release(&f);
	char stale[8300];
	char *at = strstr(copy, "instance qemu pid 100 start 1\n");
	ck_assert_ptr_nonnull(at);
	snprintf(stale, sizeof(stale), "%.*sinstance qemu pid 99 start 0\n%sreg 0x0 4 0xdead\n", (int)(at - copy), copy,
		 at + strlen("instance qemu pid 100 start 1\n"));
	spew(f.path, stale);
	ck_assert_int_eq(smmu_unit_own(f.u), 0);
	ck_assert_msg(!strstr(slurp(f.path), "0xdead") && strstr(slurp(f.path), "instance qemu pid 100 start 1\n"),
		      "%s", slurp(f.path));
	ck_assert_int_eq(files(&f, &tmp), 1);
	ck_assert_int_eq(tmp, 0);
	ck_assert_int_eq(smmu_unit_release(f.u), 0);
	free(copy);
	close_fixture(&f);
}
END_TEST

START_TEST(stale_journal_reported_never_acted_on)
{
	struct fixture f;
	struct smmu_left_owned lo;

	open_fixture(&f, _i);
	uint64_t before = reg(&f, _i);
	char *copy = own_copy_release(&f);
	spew(f.path, copy);
	/* the machine restarted on the same socket: another pid */
	snprintf(instance_now, sizeof(instance_now), "qemu pid 200 start 7");
	ck_assert_int_eq(smmu_unit_left_owned(f.u, &lo), 0);
	ck_assert(lo.stale && !lo.journal);
	ck_assert_str_eq(lo.path, f.path);
	ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_RELEASE), -SMMU_E_STALE);
	ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_OWN), -SMMU_E_STALE);
	ck_assert(!smmu_unit_owned(f.u));
	ck_assert_uint_eq(reg(&f, _i), before); /* not acted on */
	ck_assert_str_eq(slurp(f.path), copy);  /* nor removed */
	ck_assert_ptr_nonnull(strstr(smmu_strerror(-SMMU_E_STALE), "earlier start"));
	/* own replaces it with this instance's */
	ck_assert_int_eq(smmu_unit_own(f.u), 0);
	ck_assert_ptr_nonnull(strstr(slurp(f.path), "instance qemu pid 200 start 7\n"));
	ck_assert_int_eq(smmu_unit_release(f.u), 0);
	ck_assert_int_eq(access(f.path, F_OK), -1);
	free(copy);
	close_fixture(&f);
}
END_TEST

START_TEST(corrupt_journal_is_one_error)
{
	static const char *const bad[] = {
		"",                                              /* empty */
		"garbage\n\x01\x02",                             /* not ours */
		"smmush-journal 2\nidentity /tmp/check-journal.sock\n", /* another version */
		NULL,                                            /* ours, truncated before any register */
	};
	struct fixture f;
	struct smmu_left_owned lo;

	open_fixture(&f, _i);
	uint64_t before = reg(&f, _i);
	char *copy = own_copy_release(&f);
	char *truncated = strdup(copy);
	*strstr(truncated, "\nreg ") = '\0';
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		spew(f.path, bad[k] ? bad[k] : truncated);
		ck_assert_int_eq(smmu_unit_left_owned(f.u, &lo), 1); /* something is there: said */
		ck_assert(lo.journal && !lo.stale && lo.pid == 0);
		ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_RELEASE), -SMMU_E_PARSE);
		ck_assert_int_eq(smmu_unit_recover(f.u, SMMU_RECOVER_OWN), -SMMU_E_PARSE);
		ck_assert_int_eq(smmu_unit_own(f.u), -SMMU_E_LEFTOWNED);
		ck_assert_uint_eq(reg(&f, _i), before);
	}
	free(truncated);
	free(copy);
	close_fixture(&f);
}
END_TEST

Suite *suite_journal(void);
Suite *suite_journal(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("sim");

	tcase_add_loop_test(tc, written_before_own_writes_removed_after_release_recovered_from, 0, NPLATS);
	tcase_add_loop_test(tc, written_whole_or_not_at_all, 0, NPLATS);
	tcase_add_loop_test(tc, stale_journal_reported_never_acted_on, 0, NPLATS);
	tcase_add_loop_test(tc, corrupt_journal_is_one_error, 0, NPLATS);
	suite_add_tcase(s, tc);
	return s;
}
