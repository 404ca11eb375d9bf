/*
 * harness.h: the one test harness, portable to the host and to firmware.
 *
 * Checks count passes and failures; only failures print, as
 * `FAIL file:line: expr`, so a clean run stays short on a slow UART.
 * harness_summary() prints `N passed, N failed` as the last line.
 * Everything here needs only printf from <stdio.h>.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each check evaluates to true when it passed, so a test can stop early
 * when going on would only cascade: `if (!CHECK(p != NULL)) return;`. */
#define CHECK(cond) harness_check((cond) ? true : false, __FILE__, __LINE__, #cond)

/* Integer equality; prints both values on failure. Signed and unsigned
 * operands both go through unsigned long long, which keeps equality. */
#define CHECK_EQ(a, b) \
	harness_check_eq((unsigned long long)(a), (unsigned long long)(b), __FILE__, __LINE__, \
			 #a " == " #b)

#define CHECK_PTR_EQ(a, b) \
	harness_check_ptr_eq((const void *)(a), (const void *)(b), __FILE__, __LINE__, \
			     #a " == " #b)

bool harness_check(bool ok, const char *file, int line, const char *expr);
bool harness_check_eq(unsigned long long a, unsigned long long b, const char *file, int line,
		      const char *expr);
bool harness_check_ptr_eq(const void *a, const void *b, const char *file, int line,
			  const char *expr);

/* A test that cannot run here (too little RAM, a feature compiled out)
 * says so; a skip is never counted as a pass. */
void harness_skip(const char *what);

/* Prints `N passed, N failed` as the last line; 0 when nothing failed. */
int harness_summary(void);

unsigned long harness_failures(void);

/* xorshift32: a deterministic PRNG, so every run (host or QEMU) executes
 * the same sequence and a failure can be replayed. */
struct rng {
	uint32_t state;
};

void rng_seed(struct rng *r, uint32_t seed);
uint32_t rng_next(struct rng *r);
/* Uniform-ish in [0, n); 0 when n is 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Sizes biased to small ones but reaching max: what programs ask for. */
size_t rng_size(struct rng *r, size_t max);

/* A 32-bit mix (murmur3's finaliser), for cookies and content patterns. */
uint32_t hash32(uint32_t x);

#endif /* TESTS_HARNESS_H */
