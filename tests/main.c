/*
 * main.c: run every suite in order. The same file is main() on the host
 * and in the QEMU firmware; the last line printed is the summary.
 */
#include <stdio.h>

#include "tests.h"

struct suite {
	const char *name;
	void (*run)(void);
};

static const struct suite suites[] = {
	{ "init", test_init },
	{ "alloc", test_alloc },
	{ "aligned", test_aligned },
	{ "realloc", test_realloc },
	{ "bad_input", test_bad_input },
	{ "stats", test_stats },
	{ "effort", test_effort },
	{ "granule", test_granule },
	{ "hardening", test_hardening },
	{ "validate", test_validate },
	{ "multi", test_multi },
	{ "regions", test_regions },
	{ "define", test_define },
	{ "locked", test_locked },
	{ "lock_kinds", test_lock_kinds },
	{ "listeners", test_listeners },
	{ "record", test_record },
	{ "report", test_report },
	{ "stress", test_stress },
	{ "fuzz_findings", test_fuzz_findings },
	{ "know", test_know },
};

const char *test_current_suite;

int main(void)
{
	for (size_t i = 0u; i < sizeof(suites) / sizeof(suites[0]); i++) {
		test_current_suite = suites[i].name;
		printf("== %s\n", suites[i].name);
		/* A crash in a suite must not swallow the lines before it. */
		fflush(stdout);
		suites[i].run();
	}
	return harness_summary();
}
