/*
 * zephyr/ztest.h: a small ztest-compatible shim, so tests written in
 * Zephyr's style (ZTEST_SUITE, ZTEST, zassert_*) build and run on the host
 * and as bare-metal firmware. Written from Zephyr's documented API; only
 * what the suites here use, with Zephyr's meaning:
 *
 *   ZTEST_SUITE(suite, predicate, setup, before, after, teardown)
 *   ZTEST(suite, test) { ... }          ZTEST_F(suite, test) { fixture-> }
 *   zassert_true/false/equal/not_equal/is_null/not_null/equal_ptr/
 *   mem_equal/within/unreachable(..., [msg, args...])
 *   zassume_true(cond, ...)             ztest_test_skip()    TC_PRINT(...)
 *
 * A failed zassert ends its test (it returns from the test body, as
 * Zephyr's does where tests are not run in threads), so use them in the
 * test body, not in helpers returning a value. Tests register with
 * constructors; ztest_shim.c provides main(), which runs every suite and
 * prints `N passed, N failed` (tests, not checks) as the last line.
 */
#ifndef ZTEST_SHIM_ZTEST_H
#define ZTEST_SHIM_ZTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ztest_unit_test {
	const char *suite;
	const char *name;
	void (*body)(void *fixture);
	struct ztest_unit_test *next;
};

struct ztest_suite_node {
	const char *name;
	bool (*predicate)(const void *state);
	void *(*setup)(void);
	void (*before)(void *fixture);
	void (*after)(void *fixture);
	void (*teardown)(void *fixture);
	struct ztest_suite_node *next;
};

void z_ztest_register_test(struct ztest_unit_test *test);
void z_ztest_register_suite(struct ztest_suite_node *suite);
/* Record a failed assertion of the running test (prints where and why). */
void z_ztest_fail(const char *file, int line, const char *expr);
void z_ztest_skip(const char *file, int line);
/* printf for the message part of an assertion, after its FAIL line. */
void z_ztest_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TC_PRINT(...) printf(__VA_ARGS__)

#define ZTEST_SUITE(suite, predicate_fn, setup_fn, before_fn, after_fn, teardown_fn) \
	static struct ztest_suite_node z_ztest_suite_##suite = {                     \
		#suite, (predicate_fn), (setup_fn), (before_fn), (after_fn),        \
		(teardown_fn), NULL };                                               \
	__attribute__((constructor)) static void z_ztest_register_suite_##suite(void) \
	{                                                                            \
		z_ztest_register_suite(&z_ztest_suite_##suite);                      \
	}                                                                            \
	struct z_ztest_suite_semicolon_##suite

#define Z_ZTEST_DEFINE(suite, fn, fixture_param, fixture_decl)                       \
	static void suite##_##fn(fixture_decl);                                      \
	static void z_ztest_run_##suite##_##fn(void *fixture_param)                  \
	{                                                                            \
		suite##_##fn(fixture_param);                                         \
	}                                                                            \
	static struct ztest_unit_test z_ztest_unit_##suite##_##fn = {                \
		#suite, #fn, z_ztest_run_##suite##_##fn, NULL };                     \
	__attribute__((constructor)) static void z_ztest_register_##suite##_##fn(void) \
	{                                                                            \
		z_ztest_register_test(&z_ztest_unit_##suite##_##fn);                 \
	}                                                                            \
	static void suite##_##fn(fixture_decl)

/* The fixture argument is unused in a plain test. */
#define ZTEST(suite, fn) \
	Z_ZTEST_DEFINE(suite, fn, fixture, __attribute__((unused)) void *z_ztest_unused_fixture)

/* A test that receives the suite's fixture as `fixture`, a pointer to
 * struct <suite>_fixture (what the suite's setup returned). */
#define ZTEST_F(suite, fn) Z_ZTEST_DEFINE(suite, fn, fixture, struct suite##_fixture *fixture)

/* Zephyr's message arguments are optional: the indent is the whole format
 * when they are left out, and is printed only in front of a message. */
#define Z_ZTEST_MSG_INDENT "    "
#define Z_ZTEST_MSG(...) z_ztest_message(Z_ZTEST_MSG_INDENT __VA_ARGS__)

#define zassert(cond, expr, ...)                                 \
	do {                                                     \
		if (!(cond)) {                                   \
			z_ztest_fail(__FILE__, __LINE__, expr);  \
			Z_ZTEST_MSG(__VA_ARGS__);                \
			return;                                  \
		}                                                \
	} while (0)

#define zassert_true(cond, ...) zassert((cond), #cond " is false", __VA_ARGS__)
#define zassert_false(cond, ...) zassert(!(cond), #cond " is true", __VA_ARGS__)
#define zassert_is_null(ptr, ...) zassert((ptr) == NULL, #ptr " is not NULL", __VA_ARGS__)
#define zassert_not_null(ptr, ...) zassert((ptr) != NULL, #ptr " is NULL", __VA_ARGS__)
#define zassert_equal(a, b, ...) zassert((a) == (b), #a " not equal to " #b, __VA_ARGS__)
#define zassert_not_equal(a, b, ...) zassert((a) != (b), #a " equal to " #b, __VA_ARGS__)
#define zassert_equal_ptr(a, b, ...) \
	zassert((const void *)(a) == (const void *)(b), #a " not equal to " #b, __VA_ARGS__)
#define zassert_mem_equal(a, b, size, ...) \
	zassert(memcmp((a), (b), (size)) == 0, #a " not equal to " #b, __VA_ARGS__)
#define zassert_within(a, b, delta, ...)                                             \
	zassert(((a) >= (b) ? (a) - (b) : (b) - (a)) <= (delta),                     \
		#a " not within " #delta " of " #b, __VA_ARGS__)
#define zassert_unreachable(...) zassert(0, "reached unreachable code", __VA_ARGS__)

/* An unmet assumption skips the test instead of failing it. */
#define zassume_true(cond, ...)                          \
	do {                                             \
		if (!(cond)) {                           \
			z_ztest_skip(__FILE__, __LINE__); \
			return;                          \
		}                                        \
	} while (0)

#define ztest_test_skip()                         \
	do {                                      \
		z_ztest_skip(__FILE__, __LINE__); \
		return;                           \
	} while (0)

#endif /* ZTEST_SHIM_ZTEST_H */
