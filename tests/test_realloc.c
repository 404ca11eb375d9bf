/*
 * test_realloc.c: every case of sys_heap_realloc and
 * sys_heap_aligned_realloc, each with its contents checked.
 */
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

static void fresh_heap(void)
{
	sys_heap_init(&heap, guarded_region(4u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
}

static void find_live(void *ctx, void *mem, size_t bytes, bool used)
{
	void **target = ctx;

	(void)bytes;
	if (used && mem == target[0]) {
		target[1] = mem;
	}
}

/* True when p is a live block according to the walk (independent of
 * usable_size, which the hardening checks may short-cut). */
static bool walk_says_live(void *p)
{
	void *ctx[2] = { p, NULL };

	sys_heap_walk(&heap, find_live, ctx);
	return ctx[1] != NULL;
}

static void test_realloc_null_allocates(void)
{
	fresh_heap();
	struct sys_memory_stats before = heap_stats(&heap);
	void *p = sys_heap_realloc(&heap, NULL, 100u);

	CHECK(check_block(&heap, p, 100u, SYS_HEAP_NATURAL_ALIGN));
	CHECK(heap_stats(&heap).allocated_bytes >= before.allocated_bytes + 100u);
	CHECK(walk_says_live(p));

	void *q = sys_heap_aligned_realloc(&heap, NULL, 256u, 100u);

	CHECK(check_block(&heap, q, 100u, 256u));
	CHECK(walk_says_live(q));
	CHECK_EQ(walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).used_chunks, 2u);
	CHECK(sys_heap_validate(&heap));
}

static void test_realloc_zero_frees(void)
{
	fresh_heap();
	struct sys_memory_stats empty = heap_stats(&heap);
	void *p = sys_heap_alloc(&heap, 200u);

	fill_usable(&heap, p, 1u);
	CHECK(sys_heap_realloc(&heap, p, 0u) == NULL);
	struct sys_memory_stats after = heap_stats(&heap);

	/* Freed: the heap is as empty as before the block. */
	CHECK_EQ(after.allocated_bytes, empty.allocated_bytes);
	CHECK_EQ(after.free_bytes, empty.free_bytes);
	CHECK(!walk_says_live(p));
	CHECK(sys_heap_validate(&heap));

	/* Between two live blocks, and through aligned_realloc. */
	void *a = sys_heap_alloc(&heap, 64u);

	p = sys_heap_aligned_alloc(&heap, 64u, 300u);
	void *b = sys_heap_alloc(&heap, 64u);
	struct sys_memory_stats with_p = heap_stats(&heap);

	CHECK(sys_heap_aligned_realloc(&heap, p, 64u, 0u) == NULL);
	CHECK(heap_stats(&heap).allocated_bytes + 300u <= with_p.allocated_bytes);
	CHECK(!walk_says_live(p));
	CHECK(walk_says_live(a) && walk_says_live(b));
	CHECK_EQ(walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).used_chunks, 2u);
	CHECK(sys_heap_validate(&heap));
}

static void test_shrink_in_place(void)
{
	fresh_heap();
	void *p = sys_heap_alloc(&heap, TEST_GROW_BYTES);
	void *q = sys_heap_alloc(&heap, 64u); /* a live right neighbour */

	fill_usable(&heap, p, 2u);
	fill_usable(&heap, q, 3u);
	struct sys_memory_stats before = heap_stats(&heap);

	CHECK_PTR_EQ(sys_heap_realloc(&heap, p, 100u), p);
	CHECK(pattern_intact(p, 100u, 2u));
	CHECK(sys_heap_usable_size(&heap, p) >= 100u);
	/* The cut-off tail went back to the heap. */
	CHECK(heap_stats(&heap).allocated_bytes < before.allocated_bytes);
	CHECK(usable_intact(&heap, q, 3u));
	CHECK(sys_heap_validate(&heap));

	/* Shrinking by one byte, and "resizing" to the usable size. */
	CHECK_PTR_EQ(sys_heap_realloc(&heap, p, 99u), p);
	CHECK(pattern_intact(p, 99u, 2u));
	size_t usable = sys_heap_usable_size(&heap, p);
	struct sys_memory_stats same = heap_stats(&heap);

	CHECK_PTR_EQ(sys_heap_realloc(&heap, p, usable), p);
	struct sys_memory_stats after_same = heap_stats(&heap);

	CHECK_STATS_EQUAL(&after_same, &same);

	/* With a free right neighbour the cut-off tail merges into it. */
	sys_heap_free(&heap, q);
	fill_usable(&heap, p, 4u);
	CHECK_PTR_EQ(sys_heap_realloc(&heap, p, 16u), p);
	CHECK(pattern_intact(p, 16u, 4u));
	struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

	CHECK(!walk.adjacent_free);
	CHECK_EQ(walk.used_chunks, 1u);
	CHECK(sys_heap_validate(&heap));
}

static void test_grow_in_place(void)
{
	fresh_heap();
	void *a = sys_heap_alloc(&heap, 100u);
	void *b = sys_heap_alloc(&heap, 400u);
	void *c = sys_heap_alloc(&heap, 100u);

	fill_usable(&heap, a, 5u);
	fill_usable(&heap, c, 6u);
	size_t usable_a = sys_heap_usable_size(&heap, a);
	size_t usable_b = sys_heap_usable_size(&heap, b);

	/* b must lie between a and c for the neighbour to be b. */
	CHECK((uint8_t *)a < (uint8_t *)b && (uint8_t *)b < (uint8_t *)c);
	sys_heap_free(&heap, b);
	CHECK_PTR_EQ(sys_heap_realloc(&heap, a, 300u), a);
	CHECK(pattern_intact(a, usable_a, 5u));
	CHECK(sys_heap_usable_size(&heap, a) >= 300u);
	CHECK(usable_intact(&heap, c, 6u));
	CHECK(sys_heap_validate(&heap));

	/* Growing into the whole neighbour, its header included. */
	CHECK_PTR_EQ(sys_heap_realloc(&heap, a, usable_a + usable_b), a);
	CHECK(pattern_intact(a, usable_a, 5u));
	struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

	CHECK_EQ(walk.used_chunks, 2u);
#if TEST_NATURAL_LAYOUT
	/* Only the heap's tail is free: the neighbour was taken whole. (With
	 * a per-block prefix, the sum of two usable sizes no longer spans two
	 * whole chunks.) */
	CHECK_EQ(walk.free_chunks, 1u);
#endif
	CHECK(usable_intact(&heap, c, 6u));
	CHECK(sys_heap_validate(&heap));

	/* Growing the last block into the rest of the heap. */
	fresh_heap();
	void *p = sys_heap_alloc(&heap, 100u);

	fill_usable(&heap, p, 7u);
	usable_a = sys_heap_usable_size(&heap, p);
	CHECK_PTR_EQ(sys_heap_realloc(&heap, p, TEST_HEAP_BYTES / 4u), p);
	CHECK(pattern_intact(p, usable_a, 7u));
	CHECK(sys_heap_usable_size(&heap, p) >= TEST_HEAP_BYTES / 4u);
	CHECK(sys_heap_validate(&heap));
}

static void test_moving_grow(void)
{
	fresh_heap();
	void *a = sys_heap_alloc(&heap, 100u);
	void *b = sys_heap_alloc(&heap, 100u); /* a's right neighbour, live */

	fill_usable(&heap, a, 8u);
	fill_usable(&heap, b, 9u);
	struct sys_memory_stats before = heap_stats(&heap);
	void *r = sys_heap_realloc(&heap, a, TEST_GROW_BYTES);

	CHECK(check_block(&heap, r, TEST_GROW_BYTES, SYS_HEAP_NATURAL_ALIGN));
	CHECK(r != a);
	CHECK(r != NULL && pattern_intact(r, 100u, 8u));
	CHECK(usable_intact(&heap, b, 9u));
	/* The old block was freed: two live blocks, not three. */
	CHECK(!walk_says_live(a));
	CHECK_EQ(walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).used_chunks, 2u);
	CHECK(heap_stats(&heap).allocated_bytes > before.allocated_bytes);
	CHECK(sys_heap_validate(&heap));
}

/* A grow that cannot be met returns NULL and leaves the block as it was. */
static void check_failed_grow(void *a, uint32_t seed, size_t bytes)
{
	size_t usable = sys_heap_usable_size(&heap, a);
	struct sys_memory_stats before = heap_stats(&heap);
	struct walk_summary walk_before = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

	CHECK(sys_heap_realloc(&heap, a, bytes) == NULL);
	CHECK(sys_heap_aligned_realloc(&heap, a, 64u, bytes) == NULL);
	struct sys_memory_stats after = heap_stats(&heap);
	struct walk_summary walk_after = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

	CHECK_STATS_EQUAL(&after, &before);
	CHECK_EQ(walk_after.chunks, walk_before.chunks);
	CHECK_EQ(sys_heap_usable_size(&heap, a), usable);
	CHECK(pattern_intact(a, usable, seed));
	CHECK(walk_says_live(a));
	CHECK(sys_heap_validate(&heap));
}

static void test_failing_grow(void)
{
	/* No room anywhere. */
	fresh_heap();
	void *a = sys_heap_alloc(&heap, 100u);
	void *rest = sys_heap_alloc(&heap, largest_alloc(&heap));

	CHECK(rest != NULL);
	fill_usable(&heap, a, 10u);
	check_failed_grow(a, 10u, 5000u);
	check_failed_grow(a, 10u, TEST_HEAP_BYTES * 2u);
	check_failed_grow(a, 10u, SIZE_MAX);
	check_failed_grow(a, 10u, SIZE_MAX - 7u);

	/* A free right neighbour, but too small, and no room elsewhere. */
	fresh_heap();
	a = sys_heap_alloc(&heap, 100u);
	void *x = sys_heap_alloc(&heap, 200u);

	rest = sys_heap_alloc(&heap, largest_alloc(&heap));
	CHECK(rest != NULL);
	sys_heap_free(&heap, x);
	fill_usable(&heap, a, 11u);
	check_failed_grow(a, 11u, 1000u);
	CHECK_EQ(walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).free_chunks, 1u);

	/* The block still works normally afterwards. */
	CHECK_PTR_EQ(sys_heap_realloc(&heap, a, 150u), a);
	CHECK(pattern_intact(a, 100u, 11u));
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, rest);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));
}

/* Allocate `size`-byte blocks until the heap is full, chained through
 * their first word. */
static void *fill_heap(size_t size)
{
	void *chain = NULL;
	void *p;

	while ((p = sys_heap_alloc(&heap, size)) != NULL) {
		memcpy(p, &chain, sizeof(chain));
		chain = p;
	}
	return chain;
}

/* Free the first `count` blocks of a chain (the most recent ones); return
 * the rest. */
static void *free_chain(void *chain, size_t count)
{
	while (chain != NULL && count-- != 0u) {
		void *next;

		memcpy(&next, chain, sizeof(next));
		sys_heap_free(&heap, chain);
		chain = next;
	}
	return chain;
}

static void test_aligned_realloc(void)
{
	/* In place: the right neighbour is the free rest of the heap. */
	fresh_heap();
	void *p = sys_heap_aligned_alloc(&heap, 256u, 100u);

	CHECK(check_block(&heap, p, 100u, 256u));
	fill_usable(&heap, p, 12u);
	size_t usable = sys_heap_usable_size(&heap, p);

	CHECK_PTR_EQ(sys_heap_aligned_realloc(&heap, p, 256u, TEST_GROW_BYTES), p);
	CHECK(pattern_intact(p, usable, 12u));
	CHECK(sys_heap_usable_size(&heap, p) >= TEST_GROW_BYTES);
	CHECK_PTR_EQ(sys_heap_aligned_realloc(&heap, p, 256u, 50u), p);
	CHECK(pattern_intact(p, 50u, 12u));
	CHECK(sys_heap_validate(&heap));

	/* Moving because the block is not aligned enough for the new align. */
	fresh_heap();
	p = sys_heap_alloc(&heap, 100u);
	if (is_aligned(p, TEST_BIG_ALIGN)) {
		p = sys_heap_alloc(&heap, 100u);
	}
	fill_usable(&heap, p, 13u);
	void *r = sys_heap_aligned_realloc(&heap, p, TEST_BIG_ALIGN, 200u);

	CHECK(check_block(&heap, r, 200u, TEST_BIG_ALIGN));
	CHECK(r != p);
	CHECK(r != NULL && pattern_intact(r, 100u, 13u));
	CHECK(!walk_says_live(p));
	CHECK(sys_heap_validate(&heap));

	/* Moving because the right neighbour is live; the new block keeps
	 * the alignment. */
	fresh_heap();
	p = sys_heap_aligned_alloc(&heap, 64u, 100u);
	CHECK(check_block(&heap, p, 100u, 64u));
	fill_usable(&heap, p, 14u);
	void *chain = fill_heap(32u);

	/* A hole at the top for the move (blocks of 32 cost 48 or more). */
	chain = free_chain(chain, TEST_GROW_BYTES / 16u + 8u);
	r = sys_heap_aligned_realloc(&heap, p, 64u, TEST_GROW_BYTES);
	CHECK(check_block(&heap, r, TEST_GROW_BYTES, 64u));
	CHECK(r != p);
	CHECK(r != NULL && pattern_intact(r, 100u, 14u));
	CHECK(!walk_says_live(p));
	CHECK(sys_heap_validate(&heap));
	free_chain(chain, SIZE_MAX);
	sys_heap_free(&heap, r);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);

	/* NULL allocates aligned; size 0 frees. */
	p = sys_heap_aligned_realloc(&heap, NULL, 512u, 100u);
	CHECK(check_block(&heap, p, 100u, 512u));
	CHECK(sys_heap_aligned_realloc(&heap, p, 512u, 0u) == NULL);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));
}

/* Align 0 (Zephyr's sys_heap_realloc() passes it) is sys_heap_realloc():
 * it shrinks and grows in place, allocates from NULL and frees at 0. */
static void test_aligned_realloc_align_zero(void)
{
	fresh_heap();
	void *p = sys_heap_aligned_realloc(&heap, NULL, 0u, 100u);

	CHECK(check_block(&heap, p, 100u, SYS_HEAP_NATURAL_ALIGN));
	fill_usable(&heap, p, 16u);
	CHECK_PTR_EQ(sys_heap_aligned_realloc(&heap, p, 0u, 40u), p);
	CHECK(pattern_intact(p, 40u, 16u));
	CHECK_PTR_EQ(sys_heap_aligned_realloc(&heap, p, 0u, TEST_GROW_BYTES), p);
	CHECK(pattern_intact(p, 40u, 16u));
	CHECK(sys_heap_validate(&heap));
	CHECK(sys_heap_aligned_realloc(&heap, p, 0u, 0u) == NULL);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));
}

/* A bad alignment returns NULL and leaves the block untouched, even with
 * a size of 0 (which would otherwise free it). */
static void test_aligned_realloc_bad_align(void)
{
	const size_t bad_aligns[] = { 3u, 24u, 100u, 4097u, SIZE_MAX };

	fresh_heap();
	void *p = sys_heap_alloc(&heap, 100u);

	fill_usable(&heap, p, 15u);
	size_t usable = sys_heap_usable_size(&heap, p);
	struct sys_memory_stats before = heap_stats(&heap);

	for (size_t i = 0u; i < sizeof(bad_aligns) / sizeof(bad_aligns[0]); i++) {
		CHECK(sys_heap_aligned_realloc(&heap, p, bad_aligns[i], 200u) == NULL);
		CHECK(sys_heap_aligned_realloc(&heap, p, bad_aligns[i], 50u) == NULL);
		CHECK(sys_heap_aligned_realloc(&heap, p, bad_aligns[i], 0u) == NULL);
		CHECK(sys_heap_aligned_realloc(&heap, NULL, bad_aligns[i], 100u) == NULL);
		struct sys_memory_stats after = heap_stats(&heap);

		CHECK_STATS_EQUAL(&after, &before);
		CHECK_EQ(sys_heap_usable_size(&heap, p), usable);
		CHECK(walk_says_live(p));
	}
	CHECK(pattern_intact(p, usable, 15u));
	CHECK(sys_heap_validate(&heap));
}

/* A random mix of realloc and aligned_realloc on many blocks: contents up
 * to the smaller size always survive, alignment always holds. */
static void test_random_realloc(void)
{
	enum { SLOTS = 24 };
	struct slot {
		void *mem;
		size_t size;
		size_t align;
		uint32_t seed;
	} slots[SLOTS];
	struct rng rng;
	unsigned long lost = 0u;
	unsigned long bad = 0u;
	unsigned long invalid = 0u;

	memset(slots, 0, sizeof(slots));
	rng_seed(&rng, 0x7e5a110cu);
	fresh_heap();
	for (uint32_t op = 0u; op < SCALED(3000u); op++) {
		struct slot *s = &slots[rng_below(&rng, SLOTS)];
		size_t size = rng_below(&rng, 8u) == 0u ? 0u : rng_size(&rng, TEST_HEAP_BYTES / 32u);
		size_t align = rng_below(&rng, 3u) == 0u ? (size_t)8u << rng_below(&rng, 7u) : 0u;
		void *r = align != 0u ? sys_heap_aligned_realloc(&heap, s->mem, align, size)
				      : sys_heap_realloc(&heap, s->mem, size);
		size_t want = align > SYS_HEAP_NATURAL_ALIGN ? align : SYS_HEAP_NATURAL_ALIGN;

		if (size == 0u) {
			if (r != NULL) {
				bad++;
			}
			s->mem = NULL;
		} else if (r == NULL) {
			/* Failed: the old block, if any, is intact. */
			if (s->mem != NULL && !pattern_intact(s->mem, s->size, s->seed)) {
				lost++;
			}
		} else {
			size_t kept = s->mem == NULL ? 0u : (s->size < size ? s->size : size);

			if (!pattern_intact(r, kept, s->seed)) {
				lost++;
			}
			if (!is_aligned(r, want) || sys_heap_usable_size(&heap, r) < size) {
				bad++;
			}
			s->mem = r;
			s->size = size;
			s->align = want;
			s->seed = rng_next(&rng);
			fill_pattern(r, size, s->seed);
		}
		if (!sys_heap_validate(&heap)) {
			invalid++;
		}
	}
	CHECK_EQ(lost, 0u);
	CHECK_EQ(bad, 0u);
	CHECK_EQ(invalid, 0u);
	for (size_t i = 0u; i < SLOTS; i++) {
		sys_heap_free(&heap, slots[i].mem);
	}
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));
}

void test_realloc(void)
{
	test_realloc_null_allocates();
	test_realloc_zero_frees();
	test_shrink_in_place();
	test_grow_in_place();
	test_moving_grow();
	test_failing_grow();
	test_aligned_realloc();
	test_aligned_realloc_align_zero();
	test_aligned_realloc_bad_align();
	test_random_realloc();
}
