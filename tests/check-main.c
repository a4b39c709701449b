/* SPDX-License-Identifier: MIT */
/*
 * One Check runner for every test program: the program's SUITES list (set in
 * Makefile.am as X(name) X(name) ...) names the suite_<name>() functions.
 */
#include <check.h>
#include <stdlib.h>

#define X(n) Suite *suite_##n(void);
SUITES
#undef X

int main(void)
{
#define X(n) suite_##n,
	static Suite *(*const suites[])(void) = { SUITES };
#undef X
	SRunner *sr = srunner_create(NULL);
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
