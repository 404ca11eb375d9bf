/*
 * test_effort.c: sys_heap_alloc_effort. FAST, FIT and DEFAULT all hand
 * out valid memory under churn; in a constructed heap FIT takes the
 * tightest hole where FAST takes a bigger one.
 */
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

static void churn(enum sys_heap_effort effort, uint32_t seed)
{
	enum { SLOTS = 40 };
	void *blocks[SLOTS] = { NULL };
	uint32_t seeds[SLOTS] = { 0u };
	size_t sizes[SLOTS] = { 0u };
	struct rng rng;
	unsigned long bad = 0u;
	unsigned long corrupt = 0u;
	unsigned long invalid = 0u;
	unsigned long successes = 0u;

	rng_seed(&rng, seed);
	sys_heap_init(&heap, guarded_region(effort * 3u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (uint32_t op = 0u; op < SCALED(2500u); op++) {
		uint32_t slot = rng_below(&rng, SLOTS);

		if (blocks[slot] != NULL) {
			if (!pattern_intact(blocks[slot], sizes[slot], seeds[slot])) {
				corrupt++;
			}
			sys_heap_free(&heap, blocks[slot]);
			blocks[slot] = NULL;
			continue;
		}
		sizes[slot] = rng_size(&rng, TEST_HEAP_BYTES / 24u);
		blocks[slot] = sys_heap_alloc_effort(&heap, sizes[slot], effort);
		if (blocks[slot] == NULL) {
			continue;
		}
		successes++;
		if (!is_aligned(blocks[slot], SYS_HEAP_NATURAL_ALIGN) ||
		    sys_heap_usable_size(&heap, blocks[slot]) < sizes[slot]) {
			bad++;
		}
		seeds[slot] = rng_next(&rng);
		fill_pattern(blocks[slot], sizes[slot], seeds[slot]);
		if (!sys_heap_validate(&heap)) {
			invalid++;
		}
	}
	CHECK(successes > SCALED(2500u) / 4u);
	CHECK_EQ(bad, 0u);
	CHECK_EQ(corrupt, 0u);
	CHECK_EQ(invalid, 0u);
	for (uint32_t slot = 0u; slot < SLOTS; slot++) {
		sys_heap_free(&heap, blocks[slot]);
	}
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));
}

/* Which free chunk (by its usable size) contains `p`, from a walk taken
 * before the allocation. */
struct hole_search {
	const uint8_t *target;
	size_t hole_bytes;
};

static void find_hole(void *ctx, void *mem, size_t bytes, bool used)
{
	struct hole_search *s = ctx;
	const uint8_t *start = mem;

	if (!used && s->target >= start && s->target < start + bytes) {
		s->hole_bytes = bytes;
	}
}

/*
 * A heap with three holes, separated by live blocks:
 *   tight: just big enough for the request, in the same power-of-two
 *          class as the request (so only a search of that class sees it);
 *   loose: twice the request, in the next class up;
 *   the rest of the heap at the end.
 * Returns the request size, or 0 when the heap is too small for it.
 */
static size_t build_holes(uint8_t *region, size_t bytes, void **tight_out)
{
	/* Request ~100 units: its class is 64..127 units; the tight hole
	 * (~120 units) shares it, the loose one (~200 units) is above. */
	const size_t request = 800u - 16u;
	const size_t tight = 944u;
	const size_t loose = 1600u;

	if (bytes < 16u * 1024u) {
		return 0u;
	}
	sys_heap_init(&heap, region, bytes);
	void *a = sys_heap_alloc(&heap, 64u);
	void *loose_block = sys_heap_alloc(&heap, loose);
	void *b = sys_heap_alloc(&heap, 64u);
	void *tight_block = sys_heap_alloc(&heap, tight);
	void *c = sys_heap_alloc(&heap, 64u);

	CHECK(a != NULL && b != NULL && c != NULL && loose_block != NULL && tight_block != NULL);
	sys_heap_free(&heap, loose_block);
	sys_heap_free(&heap, tight_block);
	*tight_out = tight_block;
	return request;
}

static size_t hole_of(void *p)
{
	struct hole_search s = { p, 0u };

	sys_heap_walk(&heap, find_hole, &s);
	return s.hole_bytes;
}

/* p lies in the hole whose memory starts at `hole` and spans `bytes`. */
static bool in_hole(const void *p, const void *hole, size_t bytes)
{
	const uint8_t *q = p;
	const uint8_t *h = hole;

	return q >= h && q < h + bytes;
}

static void test_fit_is_tighter(void)
{
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	void *tight = NULL;
	size_t request = build_holes(region, TEST_HEAP_BYTES, &tight);

	if (request == 0u) {
		harness_skip("FIT versus FAST: heap below 16 KiB");
		return;
	}
	size_t tight_hole = hole_of(tight);

	/* FIT: a best fit over the request's own class finds the tight hole. */
	void *fit = sys_heap_alloc_effort(&heap, request, SYS_HEAP_EFFORT_FIT);

	CHECK(check_block(&heap, fit, request, SYS_HEAP_NATURAL_ALIGN));
	CHECK(in_hole(fit, tight, tight_hole));
	CHECK(sys_heap_validate(&heap));

	/* FAST, from the same heap state: any hole that must fit, and the
	 * hole it came from is at least as big as FIT's. */
	build_holes(region, TEST_HEAP_BYTES, &tight);
	struct walk_summary before = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);
	void *fast_probe = sys_heap_alloc_effort(&heap, request, SYS_HEAP_EFFORT_FAST);

	CHECK(check_block(&heap, fast_probe, request, SYS_HEAP_NATURAL_ALIGN));
	sys_heap_free(&heap, fast_probe);
	/* Freed again, the heap is as before, so the walk can say which
	 * hole FAST used. */
	CHECK_EQ(walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).free_chunks, before.free_chunks);
	size_t fast_hole = hole_of(fast_probe);

	CHECK(fast_hole >= tight_hole);
	CHECK(sys_heap_validate(&heap));

	/* DEFAULT samples the request's class too (unless configured not to). */
	build_holes(region, TEST_HEAP_BYTES, &tight);
	void *def = sys_heap_alloc_effort(&heap, request, SYS_HEAP_EFFORT_DEFAULT);

	CHECK(check_block(&heap, def, request, SYS_HEAP_NATURAL_ALIGN));
	if (SYS_HEAP_ALLOC_LOOPS > 0) {
		CHECK(in_hole(def, tight, tight_hole));
	}
	/* And plain alloc is DEFAULT. */
	build_holes(region, TEST_HEAP_BYTES, &tight);
	CHECK_PTR_EQ(sys_heap_alloc(&heap, request), def);
	CHECK(sys_heap_validate(&heap));
}

/*
 * Two holes in the request's own class, the looser one listed first:
 * plain alloc takes the first that fits, or with SYS_HEAP_ALLOC_BEST_FIT
 * the tighter one. (With fewer than two samples it sees only the first.)
 */
static void test_default_sampling_policy(void)
{
	const size_t request = 800u - 16u;

	if (SYS_HEAP_ALLOC_LOOPS < 2 || TEST_HEAP_BYTES < 16u * 1024u) {
		harness_skip("sampling policy: fewer than two samples, or heap below 16 KiB");
		return;
	}
	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *pin0 = sys_heap_alloc(&heap, 64u);
	void *loose = sys_heap_alloc(&heap, 944u);
	void *pin1 = sys_heap_alloc(&heap, 64u);
	void *tight = sys_heap_alloc(&heap, 840u);
	void *pin2 = sys_heap_alloc(&heap, 64u);

	if (!CHECK(pin0 != NULL && loose != NULL && pin1 != NULL && tight != NULL &&
		   pin2 != NULL)) {
		return;
	}
	sys_heap_free(&heap, loose);
	sys_heap_free(&heap, tight);
	void *got = sys_heap_alloc(&heap, request);

	CHECK(check_block(&heap, got, request, SYS_HEAP_NATURAL_ALIGN));
	CHECK_PTR_EQ(got, SYS_HEAP_ALLOC_BEST_FIT ? tight : loose);
	CHECK(sys_heap_validate(&heap));
}

/* Each effort on a fresh heap: small and large blocks, bad sizes refused. */
static void test_efforts_on_fresh_heap(void)
{
	const enum sys_heap_effort efforts[] = {
		SYS_HEAP_EFFORT_DEFAULT, SYS_HEAP_EFFORT_FAST, SYS_HEAP_EFFORT_FIT,
	};

	for (size_t i = 0u; i < 3u; i++) {
		sys_heap_init(&heap, guarded_region(i, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
		void *p = sys_heap_alloc_effort(&heap, 1u, efforts[i]);
		void *q = sys_heap_alloc_effort(&heap, 1000u, efforts[i]);

		CHECK(check_block(&heap, p, 1u, SYS_HEAP_NATURAL_ALIGN));
		CHECK(check_block(&heap, q, 1000u, SYS_HEAP_NATURAL_ALIGN));
		CHECK(sys_heap_alloc_effort(&heap, 0u, efforts[i]) == NULL);
		CHECK(sys_heap_alloc_effort(&heap, SIZE_MAX, efforts[i]) == NULL);
		CHECK(sys_heap_validate(&heap));
	}
}

/*
 * FAST looks once at the head of the request's own size class: a hole
 * there that fits is taken, rather than a larger chunk split for it.
 */
static void test_fast_takes_a_fitting_head(void)
{
	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *pin0 = sys_heap_alloc(&heap, 64u);
	void *hole = sys_heap_alloc(&heap, 200u);
	void *pin1 = sys_heap_alloc(&heap, 64u);

	if (!CHECK(pin0 != NULL && hole != NULL && pin1 != NULL)) {
		return;
	}
	sys_heap_free(&heap, hole);
	void *p = sys_heap_alloc_effort(&heap, 200u, SYS_HEAP_EFFORT_FAST);

	CHECK_PTR_EQ(p, hole);
	CHECK(sys_heap_validate(&heap));
}

/*
 * A request whose only fitting chunk sits in its own size class: FAST has
 * no larger class to take from and must still look at that chunk, or big
 * requests could never be served on the fast path. Every effort serves
 * the largest request a fresh heap can hold.
 */
static void test_efforts_serve_the_largest_request(void)
{
	const enum sys_heap_effort efforts[] = { SYS_HEAP_EFFORT_FAST, SYS_HEAP_EFFORT_DEFAULT,
						 SYS_HEAP_EFFORT_FIT };

	for (size_t i = 0u; i < sizeof(efforts) / sizeof(efforts[0]); i++) {
		sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
		size_t largest = largest_alloc(&heap);

		void *p = sys_heap_alloc_effort(&heap, largest, efforts[i]);

		CHECK(check_block(&heap, p, largest, SYS_HEAP_NATURAL_ALIGN));
		/* And one that fills half of it, the same size class. */
		sys_heap_free(&heap, p);
		p = sys_heap_alloc_effort(&heap, largest / 2u + 1u, efforts[i]);
		CHECK(check_block(&heap, p, largest / 2u + 1u, SYS_HEAP_NATURAL_ALIGN));
		sys_heap_free(&heap, p);
		CHECK(sys_heap_validate(&heap));
	}
}

void test_effort(void)
{
	test_fast_takes_a_fitting_head();
	churn(SYS_HEAP_EFFORT_DEFAULT, 0xeff0u);
	churn(SYS_HEAP_EFFORT_FAST, 0xeff1u);
	churn(SYS_HEAP_EFFORT_FIT, 0xeff2u);
	test_fit_is_tighter();
	test_default_sampling_policy();
	test_efforts_on_fresh_heap();
	test_efforts_serve_the_largest_request();
}
