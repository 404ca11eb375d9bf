/*
 * ztest_shim.c: the runner behind zephyr/ztest.h. Suites and tests arrive
 * through constructors (in any order); main() runs the suites in name
 * order, each suite's tests in name order, as ztest does, and ends with
 * `N passed, N failed` counting tests. A skipped test is counted apart and
 * never as a pass. Exit status: 0 only when no test failed.
 */
#include <stdarg.h>

#include <zephyr/ztest.h>

static struct ztest_unit_test *tests;
static struct ztest_suite_node *suites;

static enum { TEST_PASSED, TEST_FAILED, TEST_SKIPPED } outcome;

void z_ztest_register_test(struct ztest_unit_test *test)
{
	struct ztest_unit_test **link = &tests;

	while (*link != NULL && strcmp((*link)->name, test->name) < 0) {
		link = &(*link)->next;
	}
	test->next = *link;
	*link = test;
}

void z_ztest_register_suite(struct ztest_suite_node *suite)
{
	struct ztest_suite_node **link = &suites;

	while (*link != NULL && strcmp((*link)->name, suite->name) < 0) {
		link = &(*link)->next;
	}
	suite->next = *link;
	*link = suite;
}

void z_ztest_fail(const char *file, int line, const char *expr)
{
	outcome = TEST_FAILED;
	printf("    Assertion failed at %s:%d: %s\n", file, line, expr);
}

void z_ztest_skip(const char *file, int line)
{
	outcome = TEST_SKIPPED;
	printf("    skipped at %s:%d\n", file, line);
}

void z_ztest_message(const char *fmt, ...)
{
	va_list args;

	if (strcmp(fmt, Z_ZTEST_MSG_INDENT) == 0) {
		return;
	}
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	printf("\n");
}

int main(void)
{
	unsigned passed = 0u;
	unsigned failed = 0u;
	unsigned skipped = 0u;

	for (struct ztest_suite_node *s = suites; s != NULL; s = s->next) {
		printf("Running TESTSUITE %s\n", s->name);
		if (s->predicate != NULL && !s->predicate(NULL)) {
			printf("  suite %s skipped by its predicate\n", s->name);
			continue;
		}
		void *fixture = s->setup != NULL ? s->setup() : NULL;

		for (struct ztest_unit_test *t = tests; t != NULL; t = t->next) {
			if (strcmp(t->suite, s->name) != 0) {
				continue;
			}
			printf("START - %s\n", t->name);
			fflush(stdout);
			outcome = TEST_PASSED;
			if (s->before != NULL) {
				s->before(fixture);
			}
			t->body(fixture);
			if (s->after != NULL) {
				s->after(fixture);
			}
			static const char *const words[] = { "PASS", "FAIL", "SKIP" };

			printf(" %s - %s\n", words[outcome], t->name);
			passed += outcome == TEST_PASSED;
			failed += outcome == TEST_FAILED;
			skipped += outcome == TEST_SKIPPED;
		}
		if (s->teardown != NULL) {
			s->teardown(fixture);
		}
	}
	/* A test registered under a suite that was never declared would
	 * never run: count it as a failure. */
	for (struct ztest_unit_test *t = tests; t != NULL; t = t->next) {
		struct ztest_suite_node *s = suites;

		while (s != NULL && strcmp(t->suite, s->name) != 0) {
			s = s->next;
		}
		if (s == NULL) {
			printf("FAIL - %s: suite %s has no ZTEST_SUITE\n", t->name, t->suite);
			failed++;
		}
	}
	if (skipped != 0u) {
		printf("%u skipped\n", skipped);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0u ? 0 : 1;
}
