/*
 * test_init.c: formatting regions of every alignment and length, the
 * sizing macros, regions too small to hold a heap, heaps either side of
 * the 256 KiB small/big header switch, and a heap of several MiB.
 */
#include <stdio.h>
#include <string.h>

#include "tests.h"

/* The sizing macros are constant expressions: they size static storage
 * and take part in static assertions. */
_Static_assert(SYS_HEAP_MIN_BYTES == SYS_HEAP_BYTES_FOR(1u), "MIN is the region for one byte");
_Static_assert(SYS_HEAP_OVERHEAD(4096u) >= sizeof(struct z_heap),
	       "the overhead includes the descriptor");
_Static_assert(SYS_HEAP_BYTES_FOR(100u) >= 100u + SYS_HEAP_OVERHEAD(100u),
	       "a region for n bytes holds n bytes and the heap's own overhead");
static const size_t overhead_table[] = {
	SYS_HEAP_OVERHEAD(64u), SYS_HEAP_OVERHEAD(4096u), SYS_HEAP_OVERHEAD(1u << 20),
};

/* A static buffer sized with the macro, the way firmware sizes a heap:
 * the block must fit wherever in the buffer the region starts. */
#define MACRO_SIZED_BLOCK 200u
static _Alignas(64) uint8_t macro_sized_buffer[SYS_HEAP_BYTES_FOR(MACRO_SIZED_BLOCK) + 16u];

/* Regions whose overhead exceeded SYS_HEAP_OVERHEAD: counted, and the
 * worst reported once, so a systematic excess prints one line. */
static unsigned long overhead_exceeded;
static size_t worst_excess;
static size_t worst_excess_bytes;
static uintptr_t worst_excess_misalignment;

/*
 * What every fresh heap must satisfy. Returns the largest block it can
 * hand out, after checking that block can be written whole without
 * touching anything outside the region.
 */
static size_t check_fresh_heap(struct sys_heap *heap, uint8_t *region, size_t bytes)
{
	struct sys_memory_stats fresh = heap_stats(heap);

	CHECK(sys_heap_validate(heap));
	CHECK_EQ(fresh.allocated_bytes, 0u);
	CHECK_EQ(fresh.max_allocated_bytes, 0u);
	CHECK(fresh.free_bytes > 0u && fresh.free_bytes < bytes);
	/* free_bytes counts whole chunks (the first block's header too), so
	 * what the region loses is the start slack, the descriptor, the end
	 * marker and anything lost rounding the end: SYS_HEAP_OVERHEAD's
	 * promise, "at most". */
	if (bytes - fresh.free_bytes > SYS_HEAP_OVERHEAD(bytes)) {
		size_t excess = bytes - fresh.free_bytes - SYS_HEAP_OVERHEAD(bytes);

		overhead_exceeded++;
		if (excess > worst_excess) {
			worst_excess = excess;
			worst_excess_bytes = bytes;
			worst_excess_misalignment = (uintptr_t)region % 64u;
		}
	}

	size_t largest = largest_alloc(heap);

	/* One block can take all the free bytes but its own header. */
	CHECK(largest > 0u && largest < fresh.free_bytes);
	CHECK(fresh.free_bytes - largest <= TEST_BLOCK_OVERHEAD_MAX);

	void *p = sys_heap_alloc(heap, largest);

	if (check_block(heap, p, largest, SYS_HEAP_NATURAL_ALIGN)) {
		memset(p, 0xee, sys_heap_usable_size(heap, p));
		CHECK(sys_heap_validate(heap));
		/* The one block used up the heap. */
		CHECK(sys_heap_alloc(heap, 1u) == NULL);
		sys_heap_free(heap, p);
	}
	CHECK(guards_intact(region, bytes));
	struct sys_memory_stats after = heap_stats(heap);

	CHECK_EQ(after.free_bytes, fresh.free_bytes);
	CHECK_EQ(after.allocated_bytes, 0u);
	return largest;
}

/* Every start misalignment 0..15 with lengths odd and even, small and
 * large: the heap must format, report sane stats and hand out memory. */
static void test_every_offset_and_length(void)
{
	const size_t lengths[] = {
		SYS_HEAP_MIN_BYTES, SYS_HEAP_MIN_BYTES + 1u, SYS_HEAP_MIN_BYTES + 7u, 333u, 1000u,
		1001u, 4097u, 12345u, TEST_HEAP_BYTES - 3u, TEST_HEAP_BYTES,
	};

	bool skipped = false;

	for (size_t offset = 0u; offset < 16u; offset++) {
		for (size_t i = 0u; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
			size_t bytes = lengths[i];
			uint8_t *region = guarded_region(offset, bytes);
			struct sys_heap heap;

			if (region == NULL) {
				skipped = true;
				continue;
			}
			sys_heap_init(&heap, region, bytes);
			/* The handle remembers the region it was given. */
			CHECK_PTR_EQ(heap.init_mem, region);
			CHECK_EQ(heap.init_bytes, bytes);
			CHECK(heap.heap != NULL);
			check_fresh_heap(&heap, region, bytes);

			/* A handful of small blocks, all naturally aligned. */
			void *blocks[8];

			for (size_t b = 0u; b < 8u; b++) {
				blocks[b] = sys_heap_alloc(&heap, 1u + b * 3u);
				if (bytes >= 1000u) {
					CHECK(check_block(&heap, blocks[b], 1u + b * 3u,
							  SYS_HEAP_NATURAL_ALIGN));
				}
			}
			for (size_t b = 0u; b < 8u; b++) {
				sys_heap_free(&heap, blocks[b]);
			}
			CHECK(sys_heap_validate(&heap));
			CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
			CHECK(guards_intact(region, bytes));
		}
	}
	if (skipped) {
		harness_skip("region lengths above the arena");
	}
}

/* SYS_HEAP_MIN_BYTES: the smallest region that holds a heap, at any
 * start address, must give a heap where a 1-byte block fits. */
static void test_min_bytes(void)
{
	for (size_t offset = 0u; offset < 16u; offset++) {
		uint8_t *region = guarded_region(offset, SYS_HEAP_MIN_BYTES);
		struct sys_heap heap;

		sys_heap_init(&heap, region, SYS_HEAP_MIN_BYTES);
		void *p = sys_heap_alloc(&heap, 1u);

		if (check_block(&heap, p, 1u, SYS_HEAP_NATURAL_ALIGN)) {
			memset(p, 0x11, sys_heap_usable_size(&heap, p));
			CHECK(sys_heap_validate(&heap));
			sys_heap_free(&heap, p);
		}
		CHECK(sys_heap_validate(&heap));
		CHECK(guards_intact(region, SYS_HEAP_MIN_BYTES));

		/* init_with reports the same region as usable. */
		region = guarded_region(offset, SYS_HEAP_MIN_BYTES);
		CHECK(sys_heap_init_with(&heap, region, SYS_HEAP_MIN_BYTES, NULL));
		p = sys_heap_alloc(&heap, 1u);
		CHECK(check_block(&heap, p, 1u, SYS_HEAP_NATURAL_ALIGN));
		CHECK(guards_intact(region, SYS_HEAP_MIN_BYTES));
	}
}

/* What an unformatted heap must look like from outside. */
static void check_unformatted(struct sys_heap *heap)
{
	struct sys_memory_stats stats;

	CHECK(sys_heap_alloc(heap, 1u) == NULL);
	CHECK(sys_heap_alloc(heap, 8u) == NULL);
	CHECK(sys_heap_aligned_alloc(heap, 64u, 1u) == NULL);
	CHECK(sys_heap_realloc(heap, NULL, 1u) == NULL);
	CHECK(sys_heap_validate(heap));
	CHECK_EQ(sys_heap_runtime_stats_get(heap, &stats), SYS_HEAP_ERR_INVALID);
}

/*
 * Regions too small for a heap: nothing is handed out, validate still
 * says "consistent", and nothing outside the region is written. The
 * header promises this for every region below SYS_HEAP_MIN_BYTES.
 */
static void test_too_small(void)
{
	const size_t tiny[] = { 0u, 1u, 4u, 8u, 15u, 16u, 24u, 32u, 48u, 64u };

	for (size_t offset = 0u; offset < 16u; offset++) {
		for (size_t i = 0u; i < sizeof(tiny) / sizeof(tiny[0]); i++) {
			uint8_t *region = guarded_region(offset, tiny[i]);
			struct sys_heap heap;

			sys_heap_init(&heap, region, tiny[i]);
			check_unformatted(&heap);
			CHECK(guards_intact(region, tiny[i]));
			region = guarded_region(offset, tiny[i]);
			CHECK(!sys_heap_init_with(&heap, region, tiny[i], NULL));
			check_unformatted(&heap);
			CHECK(guards_intact(region, tiny[i]));
		}
	}

	/* Every length below SYS_HEAP_MIN_BYTES, at every misalignment. */
	unsigned long formatted_below_min = 0u;
	size_t smallest_formatted = SIZE_MAX;
	struct sys_heap heap;

	for (size_t offset = 0u; offset < 16u; offset++) {
		for (size_t bytes = 0u; bytes < SYS_HEAP_MIN_BYTES; bytes++) {
			uint8_t *region = guarded_region(offset, bytes);
			struct sys_heap heap;

			sys_heap_init(&heap, region, bytes);
			if (sys_heap_alloc(&heap, 1u) != NULL) {
				formatted_below_min++;
				if (bytes < smallest_formatted) {
					smallest_formatted = bytes;
				}
			}
			CHECK(sys_heap_validate(&heap));
			if (!guards_intact(region, bytes)) {
				CHECK(guards_intact(region, bytes));
			}
		}
	}
	/* "A region smaller than SYS_HEAP_MIN_BYTES leaves the heap
	 * unformatted, and every allocation from it returns NULL." */
	if (!CHECK_EQ(formatted_below_min, 0u)) {
		printf("     %lu (offset, length) pairs below SYS_HEAP_MIN_BYTES = %lu formatted;"
		       " the smallest was %lu bytes\n",
		       formatted_below_min, (unsigned long)SYS_HEAP_MIN_BYTES,
		       (unsigned long)smallest_formatted);
	}

	/* A region at the very top of the address space: the layout
	 * arithmetic must not wrap into "fits" (nothing there is written:
	 * the region is below the minimum). */
	CHECK(!sys_heap_init_with(&heap, (void *)(UINTPTR_MAX - 63u), 64u, NULL));
	check_unformatted(&heap);
	CHECK(!sys_heap_init_with(&heap, (void *)(UINTPTR_MAX - 15u), 16u, NULL));
	check_unformatted(&heap);
	/* The same with a length that would reach past the top: the region
	 * is clipped at the end of the address space before the layout is
	 * worked out, so what is left is too small, and nothing is written
	 * (unclipped, the heap would be formatted there). */
	CHECK(!sys_heap_init_with(&heap, (void *)(UINTPTR_MAX - 63u), 4096u, NULL));
	check_unformatted(&heap);

	/* A NULL region is never formatted. */

	sys_heap_init(&heap, NULL, 4096u);
	check_unformatted(&heap);
	CHECK(!sys_heap_init_with(&heap, NULL, 4096u, NULL));
	check_unformatted(&heap);

	/* Re-initialising a working heap with a region that is too small
	 * leaves it unformatted, not half-working on the old region. */
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);

	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	CHECK(sys_heap_alloc(&heap, 16u) != NULL);
	sys_heap_init(&heap, region, 8u);
	check_unformatted(&heap);
	CHECK(!sys_heap_init_with(&heap, NULL, 0u, NULL));
}

/* SYS_HEAP_BYTES_FOR(n), at every start misalignment, must hold one
 * n-byte block on a fresh heap; the macro also sizes static storage. */
static void test_bytes_for(void)
{
	const size_t sizes[] = {
		1u, 2u, 7u, 8u, 9u, 15u, 16u, 17u, 24u, 31u, 32u, 33u, 63u, 64u, 100u, 255u, 256u,
		257u, 1000u, 1024u, 4000u, 4096u, 10000u, 65536u, 200000u,
		TEST_SMALL_HEAP_LIMIT - 1024u, TEST_SMALL_HEAP_LIMIT - 600u,
		TEST_SMALL_HEAP_LIMIT - 520u, TEST_SMALL_HEAP_LIMIT - 512u,
		TEST_SMALL_HEAP_LIMIT - 100u, TEST_SMALL_HEAP_LIMIT, TEST_SMALL_HEAP_LIMIT + 100u,
		300000u, 1u << 20, 3u << 20,
	};
	unsigned long skipped = 0u;

	for (size_t i = 0u; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		size_t bytes = SYS_HEAP_BYTES_FOR(n);

		CHECK(bytes > n);
		if (bytes > guarded_region_max(15u) ||
		    (n >= TEST_SMALL_HEAP_LIMIT - 1024u && !TEST_BIG_HEAPS_POSSIBLE)) {
			skipped++;
			continue;
		}
		/* Every misalignment; regions of megabytes at a few, to keep
		 * emulated runs short. */
		for (size_t offset = 0u; offset < 16u; offset += n < 65536u ? 1u : 5u) {
			uint8_t *region = guarded_region(offset, bytes);
			struct sys_heap heap;

			sys_heap_init(&heap, region, bytes);
			void *p = sys_heap_alloc(&heap, n);

			if (check_block(&heap, p, n, SYS_HEAP_NATURAL_ALIGN)) {
				memset(p, 0x5a, sys_heap_usable_size(&heap, p));
			}
			CHECK(sys_heap_validate(&heap));
			CHECK(guards_intact(region, bytes));
		}
	}
	if (skipped != 0u) {
		harness_skip("SYS_HEAP_BYTES_FOR(n) for the n whose region exceeds the arena");
	}

	/* The static buffer sized by the macro, at every start offset. */
	for (size_t offset = 0u; offset < 16u; offset++) {
		struct sys_heap heap;

		sys_heap_init(&heap, macro_sized_buffer + offset,
			      SYS_HEAP_BYTES_FOR(MACRO_SIZED_BLOCK));
		CHECK(check_block(&heap, sys_heap_alloc(&heap, MACRO_SIZED_BLOCK),
				  MACRO_SIZED_BLOCK, SYS_HEAP_NATURAL_ALIGN));
	}

	/* The overhead grows with the heap (more buckets) but stays small,
	 * except where small headers only clip a 1 MiB region to 256 KiB. */
	CHECK(overhead_table[0] <= overhead_table[1] && overhead_table[1] <= overhead_table[2]);
	CHECK(!TEST_BIG_HEAPS_POSSIBLE || overhead_table[2] < 1024u);
}

/* Allocate blocks of `size` until the heap refuses, keeping them in a
 * chain through their first word; returns the count. */
static size_t fill_with_chain(struct sys_heap *heap, size_t size, void **chain)
{
	size_t count = 0u;
	void *p;

	*chain = NULL;
	while ((p = sys_heap_alloc(heap, size)) != NULL) {
		memcpy(p, chain, sizeof(void *));
		*chain = p;
		count++;
	}
	return count;
}

static void free_chain(struct sys_heap *heap, void *chain)
{
	while (chain != NULL) {
		void *next;

		memcpy(&next, chain, sizeof(void *));
		sys_heap_free(heap, chain);
		chain = next;
	}
}

/*
 * A heap of `bytes` at `offset`: fresh checks, then fill it with blocks
 * of `block` bytes, check little is left over, empty it, and check the
 * whole heap is one block again.
 */
static void exercise_heap(size_t offset, size_t bytes, size_t block)
{
	uint8_t *region = guarded_region(offset, bytes);
	struct sys_heap heap;

	sys_heap_init(&heap, region, bytes);
	size_t largest = check_fresh_heap(&heap, region, bytes);
	struct sys_memory_stats fresh = heap_stats(&heap);
	void *chain;
	size_t count = fill_with_chain(&heap, block, &chain);

	CHECK(count > 0u);
	/* Used up: what is left is less than one more block with its header. */
	CHECK(heap_stats(&heap).free_bytes < block + TEST_BLOCK_OVERHEAD_MAX);
	CHECK(sys_heap_validate(&heap));
	free_chain(&heap, chain);
	CHECK(sys_heap_validate(&heap));
	CHECK_EQ(heap_stats(&heap).free_bytes, fresh.free_bytes);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	/* Every block merged back: the largest block is the whole heap again. */
	CHECK_EQ(largest_alloc(&heap), largest);
	CHECK(guards_intact(region, bytes));
}

/*
 * Either side of the 256 KiB switch between 4-byte and 8-byte headers
 * (32-bit targets; 64-bit hosts use 8 bytes throughout): the heap must
 * format and one block must still take nearly all of it.
 */
static void test_small_big_switch(void)
{
	const size_t lengths[] = {
		TEST_SMALL_HEAP_LIMIT - 4096u, TEST_SMALL_HEAP_LIMIT - 64u,
		TEST_SMALL_HEAP_LIMIT - 9u, TEST_SMALL_HEAP_LIMIT - 1u, TEST_SMALL_HEAP_LIMIT,
		TEST_SMALL_HEAP_LIMIT + 1u, TEST_SMALL_HEAP_LIMIT + 8u, TEST_SMALL_HEAP_LIMIT + 64u,
		TEST_SMALL_HEAP_LIMIT + 4096u,
	};
	const size_t offsets[] = { 0u, 1u, 4u, 7u, 12u };
	bool skipped = false;

	for (size_t i = 0u; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		if (lengths[i] > guarded_region_max(12u) ||
		    (lengths[i] >= TEST_SMALL_HEAP_LIMIT - 64u && !TEST_BIG_HEAPS_POSSIBLE)) {
			skipped = true;
			continue;
		}
		for (size_t j = 0u; j < sizeof(offsets) / sizeof(offsets[0]); j++) {
			exercise_heap(offsets[j], lengths[i], 4000u);
		}
	}
	if (skipped) {
		harness_skip("heaps around the 256 KiB header switch that exceed the arena");
	}
}

/* A heap of several MiB (the whole arena): blocks far above 256 KiB. */
static void test_big_heap(void)
{
	size_t bytes = guarded_region_max(3u);

	if (bytes < TEST_SMALL_HEAP_LIMIT + 32u * 1024u || !TEST_BIG_HEAPS_POSSIBLE) {
		harness_skip("heap above 256 KiB: arena too small");
		/* What does fit: the whole arena as one heap. */
		exercise_heap(3u, bytes, 1024u);
		return;
	}
	exercise_heap(3u, bytes, 64u * 1024u);

	uint8_t *region = guarded_region(3u, bytes);
	struct sys_heap heap;

	sys_heap_init(&heap, region, bytes);

	/* Five blocks of a fifth each (minus room for headers): all fit,
	 * each above 256 KiB when the arena is big enough. */
	size_t each = bytes / 5u - 1024u;
	void *blocks[5];

	for (uint32_t i = 0u; i < 5u; i++) {
		blocks[i] = sys_heap_alloc(&heap, each);
		if (check_block(&heap, blocks[i], each, SYS_HEAP_NATURAL_ALIGN)) {
			fill_pattern(blocks[i], each, 0xb16u + i);
		}
	}
	CHECK(sys_heap_validate(&heap));
	for (uint32_t i = 0u; i < 5u; i++) {
		CHECK(blocks[i] == NULL || pattern_intact(blocks[i], each, 0xb16u + i));
	}
	/* Free the middle ones first so the last free merges both ways. */
	const uint32_t order[] = { 1u, 3u, 2u, 0u, 4u };

	for (uint32_t i = 0u; i < 5u; i++) {
		sys_heap_free(&heap, blocks[order[i]]);
		CHECK(sys_heap_validate(&heap));
	}
	/* Shrunk in place a unit at a time against a used neighbour: a
	 * one-unit rest is less than a big heap's smallest chunk (a header
	 * and two links) on 32-bit targets, and must stay in the block. */
	uint8_t *shrinking = sys_heap_alloc(&heap, 64u);
	void *fence = sys_heap_alloc(&heap, 64u);

	CHECK(shrinking != NULL && fence != NULL);
	for (size_t n = 64u; shrinking != NULL && n >= 8u; n -= 8u) {
		CHECK(sys_heap_realloc(&heap, shrinking, n) == shrinking);
		CHECK(sys_heap_validate(&heap));
	}
	sys_heap_free(&heap, shrinking);
	sys_heap_free(&heap, fence);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).free_chunks == 1u);
	CHECK(guards_intact(region, bytes));
}

/*
 * A handle with a region but no formatted heap is what a SYS_HEAP_DEFINE()
 * heap is until sys_heap_init_all() runs: every call on it is reported to
 * the default hook as UNFORMATTED (counted here instead of halting), and
 * validate says false. A heap whose init failed is a documented NULL, not
 * a report.
 */
static void test_unformatted(void)
{
	static uint8_t region[1024];
	struct sys_heap never = { NULL, region, sizeof(region), 0u, NULL, 0u, 0u };

	/* The kinds have names for reports; anything else is UNKNOWN. */
	CHECK(strcmp(sys_heap_error_name(SYS_HEAP_ERR_UNFORMATTED), "UNFORMATTED") == 0);
	CHECK(strcmp(sys_heap_error_name(SYS_HEAP_ERR_SBRK), "SBRK") == 0);
	CHECK(strcmp(sys_heap_error_name(SYS_HEAP_ERR_DOUBLE_FREE), "DOUBLE_FREE") == 0);
	CHECK(strcmp(sys_heap_error_name((enum sys_heap_error)99), "UNKNOWN") == 0);

	if (&test_default_hook_calls == NULL) {
		harness_skip("unformatted heap: the default hook here halts");
		return;
	}
	unsigned long calls = test_default_hook_calls;

	CHECK(sys_heap_alloc(&never, 16u) == NULL);
	CHECK_EQ(test_default_hook_calls, calls + 1u);
	CHECK_EQ(test_default_hook_last, SYS_HEAP_ERR_UNFORMATTED);
	CHECK(sys_heap_alloc_effort(&never, 16u, SYS_HEAP_EFFORT_FAST) == NULL);
	CHECK(sys_heap_aligned_alloc(&never, 64u, 16u) == NULL);
	CHECK(sys_heap_realloc(&never, NULL, 16u) == NULL);
	CHECK(sys_heap_realloc(&never, region + 64, 16u) == NULL);
	sys_heap_free(&never, region + 64);
	CHECK_EQ(test_default_hook_calls, calls + 6u);
	CHECK_EQ(never.error_count, 6u);
	CHECK(!sys_heap_validate(&never));
	sys_heap_free(&never, NULL);
	CHECK_EQ(test_default_hook_calls, calls + 6u);

	/* Formatting it (what sys_heap_init_all() does) ends the reports. */
	sys_heap_init(&never, region, sizeof(region));
	CHECK(sys_heap_validate(&never));
	void *p = sys_heap_alloc(&never, 16u);

	CHECK(p != NULL);
	sys_heap_free(&never, p);

	/* A failed init is not "never formatted": NULL, no report. */
	struct sys_heap small;

	sys_heap_init(&small, region, SYS_HEAP_MIN_BYTES - 1u);
	CHECK(small.heap == NULL && small.init_mem == NULL);
	CHECK(sys_heap_alloc(&small, 1u) == NULL);
	CHECK(sys_heap_validate(&small));
	CHECK_EQ(test_default_hook_calls, calls + 6u);
}

void test_init(void)
{
	test_unformatted();
	test_every_offset_and_length();
	test_min_bytes();
	test_too_small();
	test_bytes_for();
	test_small_big_switch();
	test_big_heap();

	/* A fresh heap of n bytes loses at most SYS_HEAP_OVERHEAD(n) to
	 * itself (region minus free_bytes, which counts whole chunks). */
	if (!CHECK_EQ(overhead_exceeded, 0u)) {
		printf("     region bytes - free_bytes exceeded SYS_HEAP_OVERHEAD(n) for %lu regions;"
		       " worst by %lu bytes (n = %lu, start %% 64 = %lu)\n",
		       overhead_exceeded, (unsigned long)worst_excess,
		       (unsigned long)worst_excess_bytes, (unsigned long)worst_excess_misalignment);
	}
}
