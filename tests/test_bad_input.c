/*
 * test_bad_input.c: sizes that cannot fit (zero, the top of size_t,
 * anything whose chunk arithmetic would overflow, just above what the
 * heap holds), NULL pointers, NULL and zeroed heap handles. Each must
 * fail cleanly and leave the heap exactly as it was.
 */
#include <stdio.h>
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

static void walker_count(void *ctx, void *mem, size_t bytes, bool used)
{
	(void)mem;
	(void)bytes;
	(void)used;
	(*(unsigned long *)ctx)++;
}

/* Every allocating entry point refuses `bytes`, and nothing changes. */
static void check_refused(size_t bytes, const struct sys_memory_stats *before)
{
	bool all_null = true;

	all_null &= sys_heap_alloc(&heap, bytes) == NULL;
	all_null &= sys_heap_alloc_effort(&heap, bytes, SYS_HEAP_EFFORT_FAST) == NULL;
	all_null &= sys_heap_alloc_effort(&heap, bytes, SYS_HEAP_EFFORT_FIT) == NULL;
	all_null &= sys_heap_alloc_effort(&heap, bytes, SYS_HEAP_EFFORT_DEFAULT) == NULL;
	all_null &= sys_heap_aligned_alloc(&heap, 1u, bytes) == NULL;
	all_null &= sys_heap_aligned_alloc(&heap, SYS_HEAP_NATURAL_ALIGN, bytes) == NULL;
	all_null &= sys_heap_aligned_alloc(&heap, 64u, bytes) == NULL;
	all_null &= sys_heap_aligned_alloc(&heap, 4096u, bytes) == NULL;
	all_null &= sys_heap_realloc(&heap, NULL, bytes) == NULL;
	all_null &= sys_heap_aligned_realloc(&heap, NULL, 256u, bytes) == NULL;
	if (!all_null) {
		printf("     refused size was %lu\n", (unsigned long)bytes);
	}
	CHECK(all_null);
	struct sys_memory_stats after = heap_stats(&heap);

	CHECK_STATS_EQUAL(&after, before);
}

static void test_sizes_that_cannot_fit(void)
{
	sys_heap_init(&heap, guarded_region(2u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *live = sys_heap_alloc(&heap, 100u);
	size_t largest = largest_alloc(&heap);
	struct sys_memory_stats before = heap_stats(&heap);

	check_refused(0u, &before);
	/* The top of size_t, where bytes + header + rounding wraps. */
	for (size_t k = 0u; k <= 64u; k++) {
		check_refused(SIZE_MAX - k, &before);
	}
	check_refused(SIZE_MAX - 4095u, &before);
	check_refused(SIZE_MAX - 4096u, &before);
	check_refused(SIZE_MAX / 2u, &before);
	check_refused(SIZE_MAX / 2u + 1u, &before);
	check_refused(SIZE_MAX / 4u + 1u, &before);
	/* Where bytes / 8 no longer fits the 32-bit chunk size fields. */
	check_refused(SIZE_MAX / 8u + 1u, &before);
	check_refused(SIZE_MAX / 16u + 1u, &before);
	if (SIZE_MAX > UINT32_MAX) {
		check_refused((size_t)UINT32_MAX + 1u, &before);
		check_refused((size_t)UINT32_MAX * 8u, &before);
		check_refused((size_t)UINT32_MAX * 8u + 8u, &before);
		check_refused((size_t)UINT32_MAX * 16u + 1u, &before);
		check_refused((size_t)0x800000000ull, &before);
	}
	check_refused((size_t)UINT32_MAX, &before);
	check_refused((size_t)UINT32_MAX - 7u, &before);
	check_refused((size_t)INT32_MAX + 1u, &before);
	/* Just above the heap, and just above the largest block that fits. */
	check_refused(TEST_HEAP_BYTES, &before);
	check_refused(TEST_HEAP_BYTES + 1u, &before);
	check_refused(TEST_HEAP_BYTES * 2u, &before);
	for (size_t k = 1u; k <= 32u; k++) {
		CHECK(sys_heap_alloc(&heap, largest + k) == NULL);
	}
	struct sys_memory_stats after = heap_stats(&heap);

	CHECK_STATS_EQUAL(&after, &before);
	CHECK(sys_heap_validate(&heap));

	/* The heap still works: the largest block is still there. */
	void *p = sys_heap_alloc(&heap, largest);

	CHECK(check_block(&heap, p, largest, SYS_HEAP_NATURAL_ALIGN));
	sys_heap_free(&heap, p);

	/* realloc to an impossible size fails and keeps the block. */
	fill_pattern(live, 100u, 77u);
	CHECK(sys_heap_realloc(&heap, live, SIZE_MAX) == NULL);
	CHECK(sys_heap_realloc(&heap, live, SIZE_MAX - 8u) == NULL);
	CHECK(sys_heap_aligned_realloc(&heap, live, 4096u, SIZE_MAX - 4000u) == NULL);
	CHECK(pattern_intact(live, 100u, 77u));
	after = heap_stats(&heap);
	CHECK_STATS_EQUAL(&after, &before);
	CHECK(sys_heap_validate(&heap));
}

static void test_null_pointers(void)
{
	sys_heap_init(&heap, guarded_region(2u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *live = sys_heap_alloc(&heap, 10u);
	struct sys_memory_stats before = heap_stats(&heap);

	/* free(NULL) is a no-op. */
	sys_heap_free(&heap, NULL);
	struct sys_memory_stats after = heap_stats(&heap);

	CHECK_STATS_EQUAL(&after, &before);
	CHECK_EQ(sys_heap_usable_size(&heap, NULL), 0u);
	CHECK(sys_heap_validate(&heap));
	CHECK(sys_heap_usable_size(&heap, live) >= 10u);

	/* NULL stats pointer and NULL heap handle. */
	struct sys_memory_stats stats;

	CHECK_EQ(sys_heap_runtime_stats_get(&heap, NULL), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_runtime_stats_get(NULL, &stats), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_runtime_stats_get(NULL, NULL), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_runtime_stats_reset_max(NULL), SYS_HEAP_ERR_INVALID);

	/* A NULL heap handle: every call answers NULL or 0 and touches no
	 * heap (each entry point tests it; the FAST effort has its own). */
	CHECK(sys_heap_alloc(NULL, 16u) == NULL);
	CHECK(sys_heap_alloc_at(NULL, 16u, NULL) == NULL);
	CHECK(sys_heap_alloc_effort(NULL, 16u, SYS_HEAP_EFFORT_FAST) == NULL);
	CHECK(sys_heap_alloc_effort(NULL, 16u, SYS_HEAP_EFFORT_FIT) == NULL);
	CHECK(sys_heap_aligned_alloc(NULL, 64u, 16u) == NULL);
	CHECK(sys_heap_realloc(NULL, NULL, 16u) == NULL);
	CHECK(sys_heap_realloc(NULL, live, 16u) == NULL);
	CHECK_EQ(sys_heap_usable_size(NULL, live), 0u);
	sys_heap_free(NULL, live);
	after = heap_stats(&heap);
	CHECK_STATS_EQUAL(&after, &before);
	CHECK(sys_heap_usable_size(&heap, live) >= 10u);
	CHECK(sys_heap_validate(&heap));
	/* Last: the region it is handed overlaps the heap above. */
	CHECK(!sys_heap_init_with(NULL, guarded_region(0u, 4096u), 4096u, NULL));
}

/* A zeroed handle (never initialised): nothing is handed out, stats say
 * invalid, validate says fine (there is nothing to be inconsistent). */
static void test_zeroed_heap(void)
{
	static struct sys_heap zeroed; /* static: zero-initialised */
	struct sys_memory_stats stats;
	unsigned long chunks = 0u;

	CHECK(sys_heap_alloc(&zeroed, 16u) == NULL);
	CHECK(sys_heap_alloc(&zeroed, 1u) == NULL);
	CHECK(sys_heap_alloc_effort(&zeroed, 16u, SYS_HEAP_EFFORT_FAST) == NULL);
	CHECK(sys_heap_alloc_effort(&zeroed, 16u, SYS_HEAP_EFFORT_FIT) == NULL);
	CHECK(sys_heap_alloc_effort(&zeroed, 16u, SYS_HEAP_EFFORT_DEFAULT) == NULL);
	CHECK(sys_heap_aligned_alloc(&zeroed, 64u, 16u) == NULL);
	CHECK(sys_heap_aligned_alloc(&zeroed, 4u, 16u) == NULL);
	CHECK(sys_heap_realloc(&zeroed, NULL, 16u) == NULL);
	CHECK(sys_heap_aligned_realloc(&zeroed, NULL, 64u, 16u) == NULL);
	CHECK_EQ(sys_heap_runtime_stats_get(&zeroed, &stats), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_runtime_stats_reset_max(&zeroed), SYS_HEAP_ERR_INVALID);
	CHECK(sys_heap_validate(&zeroed));
	CHECK_EQ(sys_heap_usable_size(&zeroed, NULL), 0u);
	sys_heap_free(&zeroed, NULL);
	sys_heap_walk(&zeroed, walker_count, &chunks);
	CHECK_EQ(chunks, 0u);
	/* A pointer is never a live block of a heap that has none. */
	uint64_t not_a_block[4] = { 0u, 0u, 0u, 0u };

	CHECK_EQ(sys_heap_usable_size(&zeroed, &not_a_block[2]), 0u);
	CHECK(sys_heap_realloc(&zeroed, &not_a_block[2], 16u) == NULL);
	CHECK(sys_heap_aligned_realloc(&zeroed, &not_a_block[2], 64u, 16u) == NULL);
	sys_heap_free(&zeroed, &not_a_block[2]);
	CHECK(not_a_block[0] == 0u && not_a_block[1] == 0u && not_a_block[2] == 0u &&
	      not_a_block[3] == 0u);
	/* Still all zero: none of the calls wrote to the handle. */
	static const struct sys_heap zero;

	CHECK(memcmp(&zeroed, &zero, sizeof(zero)) == 0);
}

void test_bad_input(void)
{
	test_sizes_that_cannot_fit();
	test_null_pointers();
	test_zeroed_heap();
}
