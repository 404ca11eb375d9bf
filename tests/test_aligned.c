/*
 * test_aligned.c: sys_heap_aligned_alloc. Every power-of-two alignment
 * from 8 to 4096 (and beyond on big heaps) with a spread of sizes, on
 * small and big heaps; bad alignments; alignments up to the natural one
 * behaving exactly like plain alloc.
 */
#include <string.h>

#include "tests.h"

enum { SWEEP_SIZES = 9 };
static const size_t sweep_sizes[SWEEP_SIZES] = { 1u, 3u, 8u, 17u, 100u, 1000u, 2047u, 4000u, 9000u };

/*
 * For each alignment: a fresh heap, then every size in turn, each after a
 * small plain "spacer" block so the aligned block does not always start
 * where the free chunk starts. All stay live until the end, so later
 * blocks are carved from a fragmented heap.
 */
static bool sweep(struct sys_heap *heap, uint8_t *region, size_t bytes, size_t max_align)
{
	struct rng rng;
	bool skipped = false;

	rng_seed(&rng, 0xa11a11u);
	for (size_t align = 8u; align <= max_align; align *= 2u) {
		void *blocks[SWEEP_SIZES] = { NULL };
		void *spacers[SWEEP_SIZES] = { NULL };
		size_t budget = 0u;

		sys_heap_init(heap, region, bytes);
		size_t free_bytes = heap_stats(heap).free_bytes;

		for (size_t i = 0u; i < SWEEP_SIZES; i++) {
			size_t size = sweep_sizes[i];
			size_t spacer = 1u + rng_below(&rng, 48u);

			spacers[i] = sys_heap_alloc(heap, spacer);
			blocks[i] = sys_heap_aligned_alloc(heap, align, size);
			/* Most memory this step can take: the block, its padding
			 * and the spacer, each with its header and rounding. */
			budget += size + align + spacer + 2u * TEST_BLOCK_OVERHEAD_MAX;
			if (budget + 1024u > free_bytes) {
				/* Might not fit: success is not required. */
				if (blocks[i] == NULL) {
					skipped = true;
					continue;
				}
			}
			if (!check_block(heap, blocks[i], size, align)) {
				blocks[i] = NULL;
				continue;
			}
			/* The whole usable size is the caller's. */
			fill_usable(heap, blocks[i], (uint32_t)(align * 31u + i));
			CHECK(sys_heap_validate(heap));
		}
		for (size_t i = 0u; i < SWEEP_SIZES; i++) {
			if (blocks[i] != NULL) {
				CHECK(usable_intact(heap, blocks[i], (uint32_t)(align * 31u + i)));
			}
		}
		/* Free spacers first (holes between aligned blocks), then the
		 * blocks from the middle out. */
		for (size_t i = 0u; i < SWEEP_SIZES; i++) {
			sys_heap_free(heap, spacers[i]);
		}
		CHECK(sys_heap_validate(heap));
		CHECK(!walk_heap(heap, SYS_HEAP_NATURAL_ALIGN).adjacent_free);
		for (size_t i = 0u; i < SWEEP_SIZES; i++) {
			sys_heap_free(heap, blocks[(i * 4u + 4u) % SWEEP_SIZES]);
		}
		CHECK(sys_heap_validate(heap));
		CHECK_EQ(heap_stats(heap).allocated_bytes, 0u);
		CHECK_EQ(heap_stats(heap).free_bytes, free_bytes);
		CHECK_EQ(walk_heap(heap, SYS_HEAP_NATURAL_ALIGN).free_chunks, 1u);
		CHECK(guards_intact(region, bytes));
	}
	return skipped;
}

static void test_sweep_small_heap(void)
{
	struct sys_heap heap;
	bool skipped = false;

	for (size_t offset = 0u; offset < 16u; offset += 5u) {
		uint8_t *region = guarded_region(offset, TEST_HEAP_BYTES);

		skipped |= sweep(&heap, region, TEST_HEAP_BYTES, 4096u);
	}
	if (skipped) {
		harness_skip("aligned blocks too big for this heap");
	}
}

/* Above 256 KiB a 32-bit heap has 8-byte headers and a bigger smallest
 * chunk: the padding cut off in front of an aligned block must still
 * make a valid chunk. */
static void test_sweep_big_heap(void)
{
	const size_t bytes = TEST_SMALL_HEAP_LIMIT + 64u * 1024u;
	struct sys_heap heap;

	if (bytes > guarded_region_max(15u) || !TEST_BIG_HEAPS_POSSIBLE) {
		harness_skip("aligned alloc on a heap above 256 KiB: arena too small");
		return;
	}
	bool skipped = false;

	for (size_t offset = 0u; offset < 16u; offset += 3u) {
		skipped |= sweep(&heap, guarded_region(offset, bytes), bytes, 16384u);
	}
	CHECK(!skipped); /* everything fits a heap this size */
}

/* Many aligned blocks of random alignment and size, freed at random:
 * alignment holds throughout and the heap stays valid. */
static void test_random_aligned(void)
{
	enum { SLOTS = 32 };
	void *blocks[SLOTS] = { NULL };
	uint32_t seeds[SLOTS] = { 0u };
	struct sys_heap heap;
	struct rng rng;
	unsigned long bad = 0u;
	unsigned long corrupt = 0u;
	unsigned long invalid = 0u;

	rng_seed(&rng, 0xa1b2c3d4u);
	sys_heap_init(&heap, guarded_region(7u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (uint32_t op = 0u; op < SCALED(2000u); op++) {
		uint32_t slot = rng_below(&rng, SLOTS);

		if (blocks[slot] != NULL) {
			if (!usable_intact(&heap, blocks[slot], seeds[slot])) {
				corrupt++;
			}
			sys_heap_free(&heap, blocks[slot]);
			blocks[slot] = NULL;
		} else {
			size_t align = (size_t)1u << rng_below(&rng, 11u); /* 1..1024 */
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 64u);

			blocks[slot] = sys_heap_aligned_alloc(&heap, align, size);
			if (blocks[slot] != NULL) {
				size_t want = align > SYS_HEAP_NATURAL_ALIGN ? align
									   : SYS_HEAP_NATURAL_ALIGN;

				if (!is_aligned(blocks[slot], want) ||
				    sys_heap_usable_size(&heap, blocks[slot]) < size) {
					bad++;
				}
				seeds[slot] = rng_next(&rng);
				fill_usable(&heap, blocks[slot], seeds[slot]);
			}
		}
		if (op % 16u == 0u && !sys_heap_validate(&heap)) {
			invalid++;
		}
	}
	CHECK_EQ(bad, 0u);
	CHECK_EQ(corrupt, 0u);
	CHECK_EQ(invalid, 0u);
	for (uint32_t slot = 0u; slot < SLOTS; slot++) {
		sys_heap_free(&heap, blocks[slot]);
	}
	CHECK(sys_heap_validate(&heap));
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
}

/* Anything not a power of two (but 0, Zephyr's "no alignment", which
 * test_natural_alignment covers) is refused, whatever the size, and the
 * heap is left exactly as it was. */
static void test_bad_alignments(void)
{
	const size_t bad_aligns[] = {
		3u, 5u, 6u, 7u, 9u, 12u, 24u, 48u, 100u, 1000u, 4095u, 4097u, 3u << 10,
		(SIZE_MAX >> 1), SIZE_MAX, SIZE_MAX - 1u,
	};
	struct sys_heap heap;

	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *live = sys_heap_alloc(&heap, 40u);
	struct sys_memory_stats before = heap_stats(&heap);

	for (size_t i = 0u; i < sizeof(bad_aligns) / sizeof(bad_aligns[0]); i++) {
		CHECK(sys_heap_aligned_alloc(&heap, bad_aligns[i], 1u) == NULL);
		CHECK(sys_heap_aligned_alloc(&heap, bad_aligns[i], 64u) == NULL);
		CHECK(sys_heap_aligned_alloc(&heap, bad_aligns[i], 0u) == NULL);
		struct sys_memory_stats after = heap_stats(&heap);

		CHECK_STATS_EQUAL(&after, &before);
	}
	/* Powers of two too large for the heap, up to the top bit: the
	 * padding arithmetic must not wrap into a "fit". */
	size_t too_big = 1u;

	while (too_big < TEST_HEAP_BYTES) {
		too_big <<= 1;
	}
	for (size_t align = too_big; align != 0u; align <<= 1) {
		CHECK(sys_heap_aligned_alloc(&heap, align, 16u) == NULL);
		CHECK(sys_heap_aligned_alloc(&heap, align, SIZE_MAX - align + 1u) == NULL);
	}
	struct sys_memory_stats after = heap_stats(&heap);

	CHECK_STATS_EQUAL(&after, &before);
	CHECK(sys_heap_validate(&heap));
	CHECK(sys_heap_usable_size(&heap, live) >= 40u);
}

/*
 * An alignment up to the natural one, and 0 (Zephyr's "no alignment"),
 * "behaves as sys_heap_alloc()": from the same heap state it returns the
 * same block, with the same stats.
 */
static void test_small_alignment_is_plain_alloc(void)
{
	const size_t sizes[] = { 1u, 8u, 24u, 100u, 777u };
	struct sys_heap heap;
	uint8_t *region = guarded_region(11u, TEST_HEAP_BYTES);

	/* 0 first, then 1, 2, 4... */
	for (size_t align = 0u; align <= SYS_HEAP_NATURAL_ALIGN; align = align != 0u ? align * 2u : 1u) {
		for (size_t i = 0u; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			/* Twice the same history: plain first, then aligned. */
			void *plain;
			void *aligned;
			struct sys_memory_stats plain_stats;
			struct sys_memory_stats aligned_stats;

			sys_heap_init(&heap, region, TEST_HEAP_BYTES);
			sys_heap_free(&heap, sys_heap_alloc(&heap, 300u)); /* a used then freed */
			void *keep = sys_heap_alloc(&heap, 50u);

			plain = sys_heap_alloc(&heap, sizes[i]);
			plain_stats = heap_stats(&heap);
			(void)keep;

			sys_heap_init(&heap, region, TEST_HEAP_BYTES);
			sys_heap_free(&heap, sys_heap_alloc(&heap, 300u));
			keep = sys_heap_alloc(&heap, 50u);
			aligned = sys_heap_aligned_alloc(&heap, align, sizes[i]);
			aligned_stats = heap_stats(&heap);

			CHECK(check_block(&heap, aligned, sizes[i], SYS_HEAP_NATURAL_ALIGN));
			CHECK_PTR_EQ(aligned, plain);
			CHECK_STATS_EQUAL(&aligned_stats, &plain_stats);
			CHECK(sys_heap_validate(&heap));
		}
	}
}

/*
 * ... and it needs no more room than plain alloc: on a full heap whose only
 * free chunk is one freed block, a natural-or-smaller alignment of the same
 * size gets exactly that block. On heaps with 8-byte headers the minimum
 * chunk is wider than the natural granule; padding for it there would make
 * this fail.
 */
static void test_small_alignment_needs_no_padding(void)
{
	const size_t heap_sizes[] = { TEST_HEAP_BYTES, 300u * 1024u };
	const size_t block = 40u;

	for (size_t k = 0u; k < sizeof(heap_sizes) / sizeof(heap_sizes[0]); k++) {
		size_t bytes = heap_sizes[k];

		if (bytes + 1024u > TEST_BIG_HEAP_BYTES) {
			harness_skip("aligned alloc needs no padding: no room for a big heap");
			continue;
		}
		for (size_t align = 1u; align <= SYS_HEAP_NATURAL_ALIGN; align *= 2u) {
			struct sys_heap heap;
			uint8_t *hole = NULL;
			size_t count = 0u;

			sys_heap_init(&heap, guarded_region(0u, bytes), bytes);
			for (uint8_t *p; (p = sys_heap_alloc(&heap, block)) != NULL; count++) {
				hole = (count == 2u) ? p : hole;
			}
			while (sys_heap_alloc(&heap, 1u) != NULL) {
				/* fill the tail, so the hole is the only room left */
			}
			if (!CHECK(count > 4u && hole != NULL)) {
				return;
			}
			sys_heap_free(&heap, hole);
			CHECK_PTR_EQ(sys_heap_aligned_alloc(&heap, align, block), hole);
			CHECK(sys_heap_validate(&heap));
		}
	}
}

void test_aligned(void)
{
	test_sweep_small_heap();
	test_sweep_big_heap();
	test_random_aligned();
	test_bad_alignments();
	test_small_alignment_is_plain_alloc();
	test_small_alignment_needs_no_padding();
}
