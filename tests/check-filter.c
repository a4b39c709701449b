/* SPDX-License-Identifier: MIT */
/*
 * The fault filter language (lib/filter.c): every parse error, each term,
 * negation and combinations, on records made by hand and on real ones; and
 * fault storms (smmu_device_storm): which devices can, and counts exact.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/smmu.h"

static struct smmu_target *open_target(const char *spec)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(spec, NULL, 0, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

/* --- the filter language ------------------------------------------------------------ */

static struct smmu_target *ft;
static struct smmu_device *d1, *d2;

static void filter_setup(void)
{
	ft = open_target("sim:virt");
	d1 = smmu_device_find(ft, "00:01.0");
	d2 = smmu_device_find(ft, "00:02.0");
	ck_assert_ptr_nonnull(d1);
	ck_assert_ptr_nonnull(d2);
}

static void filter_teardown(void)
{
	smmu_target_close(ft);
}

static struct smmu_fault fault(struct smmu_device *d, uint32_t sid, uint64_t addr, uint32_t code,
			       const char *name, enum smmu_fault_class cls)
{
	struct smmu_fault f = { .dev = d, .stream = { .sid = sid }, .addr = addr, .code = code,
				.code_name = name, .cls = cls, .access = SMMU_PROT_R };
	return f;
}

/* A translation fault from 00:01.0 (SID 0x8) at 0x1000, a permission fault
 * from 00:02.0 (SID 0x10) at 0x3000, one from an unknown source at 0x0. */
#define F_XLAT(d) fault(d, 0x8, 0x1000, 0x10, "F_TRANSLATION", SMMU_FC_TRANSLATION)
#define F_PERM(d) fault(d, 0x10, 0x3000, 0x13, "F_PERMISSION", SMMU_FC_PERMISSION)
#define F_NODEV   fault(NULL, 0x77, 0x0, 0x10, "F_TRANSLATION", SMMU_FC_TRANSLATION)

/* Which of the three records the filter lets through, as "xpn" letters. */
static const char *which(const char *text)
{
	static char got[4];
	struct smmu_fault_filter *flt;
	char err[256];
	struct smmu_fault x = F_XLAT(d1), p = F_PERM(d2), n = F_NODEV;

	ck_assert_msg(smmu_fault_filter_parse(ft, text, &flt, err, sizeof(err)) == 0, "'%s': %s", text, err);
	ck_assert_ptr_nonnull(flt);
	char *w = got;
	if (smmu_fault_filter_match(flt, &x))
		*w++ = 'x';
	if (smmu_fault_filter_match(flt, &p))
		*w++ = 'p';
	if (smmu_fault_filter_match(flt, &n))
		*w++ = 'n';
	*w = '\0';
	/* the same again: the remembered answer for a reason name is right too */
	ck_assert_int_eq(smmu_fault_filter_match(flt, &x), strchr(got, 'x') != NULL);
	smmu_fault_filter_free(flt);
	return got;
}

#define MATCHES(text, want) ck_assert_msg(!strcmp(which(text), want), "filter '%s' matched '%s', want '%s'", \
					  text, which(text), want)

static const struct {
	const char *text, *says;
} bad[] = {
	{ "", "empty filter" },
	{ "foo", "'foo': names no device, reason or class" },
	{ "dev=99:00.0", "'dev=99:00.0': no such device" },
	{ "sid=xyz", "'sid=xyz': sid must be a number" },
	{ "sid=0x100000000", "sid must be a number" },
	{ "sid=", "'sid=': expected KEY=VALUE" },
	{ "=0x8", "'=0x8': expected KEY=VALUE" },
	{ "!=0x8", "expected KEY=VALUE" },
	{ "code=F_NOPE", "'code=F_NOPE': unknown fault code" },
	{ "class=weird", "'class=weird': unknown class" },
	{ "addr=0x2000-0x1000", "LOW <= HIGH" },
	{ "addr=0x1-", "expected addr=ADDR" },
	{ "addr=", "expected KEY=VALUE" },
	{ "addr=zz", "expected addr=ADDR" },
	{ ",", "empty term" },
	{ "sid=0x8,", "empty term" },
	{ "sid=0x8,,code=0x10", "empty term" },
	{ "color=red", "'color=red': unknown key" },
	{ "sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1,sid=1",
	  "too many terms" },
};

START_TEST(parse_errors_say_which_term)
{
	struct smmu_fault_filter *flt = (void *)1;
	char err[256];

	ck_assert_int_eq(smmu_fault_filter_parse(ft, bad[_i].text, &flt, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(flt);
	ck_assert_msg(strstr(err, bad[_i].says), "'%s': error '%s' does not say '%s'", bad[_i].text, err,
		      bad[_i].says);
}
END_TEST

START_TEST(too_long)
{
	char text[600], err[128];
	struct smmu_fault_filter *flt;

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ck_assert_int_eq(smmu_fault_filter_parse(ft, text, &flt, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
}
END_TEST

/* Without a target (a front end checking before it opens one): everything
 * but device names is checked; dev= then matches no fault, not the faults
 * without a device. */
START_TEST(checked_without_a_target)
{
	struct smmu_fault_filter *flt;
	struct smmu_fault x = F_XLAT(d1), n = F_NODEV;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = smmu_fault_filter_parse(NULL, bad[i].text, &flt, err, sizeof(err));
		bool names_device = !strcmp(bad[i].text, "foo") || !strncmp(bad[i].text, "dev=", 4);
		ck_assert_msg(rc == (names_device ? 0 : -EINVAL), "'%s' without a target: %d (%s)", bad[i].text, rc, err);
		smmu_fault_filter_free(rc ? NULL : flt);
	}
	ck_assert_int_eq(smmu_fault_filter_parse(NULL, "dev=00:01.0", &flt, err, sizeof(err)), 0);
	ck_assert(!smmu_fault_filter_match(flt, &x) && !smmu_fault_filter_match(flt, &n));
	smmu_fault_filter_free(flt);
	ck_assert_int_eq(smmu_fault_filter_parse(NULL, "translation", &flt, err, sizeof(err)), 0);
	ck_assert(smmu_fault_filter_match(flt, &x));
	smmu_fault_filter_free(flt);
}
END_TEST

START_TEST(each_term)
{
	MATCHES("dev=00:01.0", "x");
	MATCHES("dev=01.0", "x");             /* as smmu_device_find names it */
	MATCHES("dev=00:02.0", "p");
	MATCHES("sid=0x8", "x");
	MATCHES("sid=16", "p");
	MATCHES("code=0x10", "xn");
	MATCHES("code=19", "p");
	MATCHES("code=F_TRANSLATION", "xn");
	MATCHES("code=f_permission", "p");    /* names in any case */
	MATCHES("class=translation", "xn");
	MATCHES("class=Permission", "p");
	MATCHES("addr=0x1000", "x");
	MATCHES("addr=0x0-0x1000", "xn");     /* inclusive at both ends */
	MATCHES("addr=0x1001-0x3000", "p");
	MATCHES("addr=0x3001-0xffffffffffffffff", "");
}
END_TEST

START_TEST(words)
{
	MATCHES("00:01", "x");        /* part of a device's address */
	MATCHES("00:0", "xp");
	MATCHES("edu", "xp");         /* part of a device's name */
	MATCHES("F_TRANS", "xn");     /* part of a reason */
	MATCHES("perm", "p");         /* part of a class (and of F_PERMISSION) */
	MATCHES("0x77", "n");         /* a number names a SID */
	MATCHES("8", "x");
	MATCHES("TRANSLATION", "xn"); /* any case */
	/* on q35 the VT-d reasons are words too */
	struct smmu_fault_filter *flt;
	char err[256];
	ck_assert_int_eq(smmu_fault_filter_parse(ft, "write access", &flt, err, sizeof(err)), 0);
	struct smmu_fault w = fault(NULL, 0x8, 0, 5, "PTE write access is not set", SMMU_FC_PERMISSION);
	struct smmu_fault r = fault(NULL, 0x8, 0, 6, "PTE read access is not set", SMMU_FC_PERMISSION);
	ck_assert(smmu_fault_filter_match(flt, &w));
	ck_assert(!smmu_fault_filter_match(flt, &r));
	ck_assert(smmu_fault_filter_match(flt, &w)); /* remembered per name, not per record */
	smmu_fault_filter_free(flt);
}
END_TEST

START_TEST(negation_and_combinations)
{
	MATCHES("dev!=00:01.0", "pn");
	MATCHES("class!=translation", "p");
	MATCHES("sid=0x8,addr=0x1000", "x");            /* every term must hold */
	MATCHES("sid=0x8,addr=0x3000", "");
	MATCHES("code=0x10,sid!=0x8", "n");
	MATCHES("F_TRANS,addr=0x0-0xfff", "n");
	MATCHES("00:0,class!=permission", "x");
	MATCHES("dev=00:01.0,sid=0x8,code=F_TRANSLATION,class=translation,addr=0x1000", "x");
	MATCHES("edu,edu,edu", "xp");
	MATCHES("class=translation,class=permission", "");
	/* code names with blanks are one value (the trace test types them) */
	struct smmu_fault_filter *flt;
	char err[256];
	ck_assert_int_eq(smmu_fault_filter_parse(ft, "code=PTE read access is not set,addr=0x3000", &flt, err,
						 sizeof(err)), 0);
	smmu_fault_filter_free(flt);
}
END_TEST

START_TEST(null_filter_and_sources)
{
	struct smmu_fault x = F_XLAT(d1);
	struct smmu_fault_filter *flt;
	char err[256];

	ck_assert(smmu_fault_filter_match(NULL, &x));
	smmu_fault_filter_free(NULL);
	struct smmu_fault_source s = { .dev = d2, .sid = 0x10, .count = 3, .last_addr = 0x3000, .last_code = 0x13,
				       .last_code_name = "F_PERMISSION", .last_cls = SMMU_FC_PERMISSION };
	ck_assert_int_eq(smmu_fault_filter_parse(ft, "dev=00:02.0,class=permission", &flt, err, sizeof(err)), 0);
	ck_assert(smmu_fault_filter_match_source(flt, &s));
	s.last_cls = SMMU_FC_TRANSLATION;
	ck_assert(!smmu_fault_filter_match_source(flt, &s));
	smmu_fault_filter_free(flt);
	ck_assert_int_eq(smmu_fault_filter_parse(ft, "F_PERM", &flt, err, sizeof(err)), 0);
	ck_assert(smmu_fault_filter_match_source(flt, &s));
	smmu_fault_filter_free(flt);
}
END_TEST

/* --- storms ------------------------------------------------------------------------------ */

static const char *const specs[] = { "sim:virt", "sim:q35" };

START_TEST(sim_test_devices_can_storm)
{
	struct smmu_target *t = open_target(specs[_i]);
	struct smmu_device_info di;
	size_t dma = 0;

	for (size_t i = 0; i < smmu_device_count(t); i++) {
		smmu_device_info(smmu_device_at(t, i), &di);
		/* every test device of sim's has the extensions; nothing else does */
		ck_assert_msg(!(di.caps & SMMU_DEV_DMA) == !(di.caps & SMMU_DEV_STORM), "%s caps 0x%x", di.addr,
			      di.caps);
		dma += !!(di.caps & SMMU_DEV_DMA);
	}
	ck_assert_uint_ge(dma, _i ? 2 : 3); /* virt: the platform device too */
	struct smmu_device *bridge = smmu_device_find(t, "00:00.0");
	ck_assert_ptr_nonnull(bridge);
	ck_assert_int_eq(smmu_device_storm(bridge, 0, 1, NULL), -EOPNOTSUPP);
	smmu_target_close(t);
}
END_TEST

static size_t faults_matching(struct smmu_target *t, const char *text)
{
	struct smmu_fault_filter *flt;
	struct smmu_fault f;
	char err[256];
	size_t n = 0;

	ck_assert_msg(smmu_fault_filter_parse(t, text, &flt, err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; !smmu_faults_get(t, i, &f); i++)
		n += smmu_fault_filter_match(flt, &f);
	smmu_fault_filter_free(flt);
	return n;
}

START_TEST(storm_counts_are_exact)
{
	struct smmu_target *t = open_target(specs[_i]);
	struct smmu_device *d = smmu_device_find(t, "00:01.0"), *d2 = smmu_device_find(t, "00:02.0");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_unit_status st;
	struct smmu_fault_totals tot;
	struct smmu_fault_source src;
	struct smmu_domain *dom;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "empty", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_device_attach(d2, dom), 0);
	ck_assert_int_eq(smmu_unit_status(u, &st), 0);
	ck_assert_uint_ge(st.fault_slots, 8);

	/* as many as the unit holds: every one is a record, none lost */
	ck_assert_int_eq(smmu_device_storm(d, 0x5000, st.fault_slots, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), (int)st.fault_slots);
	ck_assert_int_eq(smmu_device_storm(d2, 0x7000, 3, NULL), 0);
	ck_assert_int_eq(smmu_device_storm(d2, 0x7000, 0, NULL), 0); /* none */
	ck_assert_int_eq(smmu_faults_poll(t), 3);
	smmu_faults_totals(t, &tot);
	ck_assert_uint_eq(tot.total, st.fault_slots + 3);
	ck_assert_uint_eq(tot.lost_overflow + tot.lost_unread, 0);
	ck_assert_uint_eq(smmu_fault_source_count(t), 2);
	ck_assert_int_eq(smmu_fault_source_get(t, 0, &src), 0);
	ck_assert_ptr_eq(src.dev, d);
	ck_assert_uint_eq(src.count, st.fault_slots);
	ck_assert_uint_eq(src.last_addr & ~0xfffull, 0x5000);
	ck_assert_uint_eq(faults_matching(t, "dev=00:01.0,addr=0x5000-0x5fff"), st.fault_slots);
	ck_assert_uint_eq(faults_matching(t, "dev=00:02.0"), 3);
	ck_assert_uint_eq(faults_matching(t, "dev!=00:01.0,dev!=00:02.0"), 0);

	/* more than it holds: the rest overflow, and are counted as lost */
	ck_assert_int_eq(smmu_device_storm(d, 0x5000, 4 * (uint64_t)st.fault_slots, NULL), 0);
	ck_assert_int_gt(smmu_faults_poll(t), 0);
	smmu_faults_totals(t, &tot);
	ck_assert_uint_ge(tot.lost_overflow, 1);
	ck_assert_uint_lt(tot.total, 5 * (uint64_t)st.fault_slots + 3);
	ck_assert_int_eq(smmu_target_release_all(t), 0);
	smmu_target_close(t);
}
END_TEST

Suite *suite_filter(void);
Suite *suite_filter(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("language");

	tcase_add_checked_fixture(tc, filter_setup, filter_teardown);
	tcase_add_loop_test(tc, parse_errors_say_which_term, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, too_long);
	tcase_add_test(tc, checked_without_a_target);
	tcase_add_test(tc, each_term);
	tcase_add_test(tc, words);
	tcase_add_test(tc, negation_and_combinations);
	tcase_add_test(tc, null_filter_and_sources);
	suite_add_tcase(s, tc);
	return s;
}

Suite *suite_storm(void);
Suite *suite_storm(void)
{
	Suite *s = suite_create("storm");
	TCase *tc = tcase_create("storm");

	tcase_add_loop_test(tc, sim_test_devices_can_storm, 0, 2);
	tcase_add_loop_test(tc, storm_counts_are_exact, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
