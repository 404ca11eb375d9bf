/*
 * harness.c: pass/fail counting, the summary line, and the PRNG.
 */
#include "harness.h"

#include <stdio.h>

/* After this many FAIL lines only the count grows: a broken loop must not
 * flood a QEMU console for minutes. */
#define HARNESS_MAX_PRINTED_FAILURES 60u

static unsigned long passes;
static unsigned long failures;
static unsigned long skips;

static void report_failure(const char *file, int line, const char *expr)
{
	failures++;
	if (failures <= HARNESS_MAX_PRINTED_FAILURES) {
		printf("FAIL %s:%d: %s\n", file, line, expr);
	} else if (failures == HARNESS_MAX_PRINTED_FAILURES + 1u) {
		printf("(further failures are counted, not printed)\n");
	}
}

bool harness_check(bool ok, const char *file, int line, const char *expr)
{
	if (ok) {
		passes++;
	} else {
		report_failure(file, line, expr);
	}
	return ok;
}

/* Counts the check as harness_check does; true when it failed and its
 * values belong under the FAIL line (failures are still being printed). */
static bool print_values(bool ok, const char *file, int line, const char *expr)
{
	return !harness_check(ok, file, line, expr) && failures <= HARNESS_MAX_PRINTED_FAILURES;
}

bool harness_check_eq(unsigned long long a, unsigned long long b, const char *file, int line,
		      const char *expr)
{
	if (print_values(a == b, file, line, expr)) {
		/* long, not long long: newlib-nano's printf has no %ll. */
		printf("     got %ld (0x%lx), expected %ld (0x%lx)\n", (long)a, (unsigned long)a,
		       (long)b, (unsigned long)b);
	}
	return a == b;
}

bool harness_check_ptr_eq(const void *a, const void *b, const char *file, int line,
			  const char *expr)
{
	if (print_values(a == b, file, line, expr)) {
		printf("     got %p, expected %p\n", a, b);
	}
	return a == b;
}

void harness_skip(const char *what)
{
	skips++;
	printf("skip: %s\n", what);
}

unsigned long harness_failures(void)
{
	return failures;
}

int harness_summary(void)
{
	if (skips != 0u) {
		printf("%lu skipped\n", skips);
	}
	printf("%lu passed, %lu failed\n", passes, failures);
	return failures == 0u ? 0 : 1;
}

void rng_seed(struct rng *r, uint32_t seed)
{
	/* xorshift never leaves 0, so 0 gets a fixed stand-in. */
	r->state = seed != 0u ? seed : 0x2545f491u;
}

uint32_t rng_next(struct rng *r)
{
	uint32_t x = r->state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->state = x;
	return x;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n != 0u ? rng_next(r) % n : 0u;
}

size_t rng_size(struct rng *r, size_t max)
{
	/* Pick a power-of-two ceiling first, then a size under it: small
	 * sizes dominate, the way real requests do, yet every scale shows up. */
	uint32_t bits = 0u;

	while (((size_t)2u << bits) <= max && bits < 30u) {
		bits++;
	}
	uint32_t ceiling_bits = rng_below(r, bits + 1u);
	size_t ceiling = (size_t)1u << ceiling_bits;
	size_t size = 1u + (size_t)rng_below(r, (uint32_t)(ceiling * 2u));

	return size > max ? max : size;
}

uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}
