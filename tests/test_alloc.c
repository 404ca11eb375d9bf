/*
 * test_alloc.c: plain allocation. Exhaust the heap with fixed and mixed
 * sizes, free in different orders, and check everything merges back into
 * one block as large as the fresh heap's; every pointer naturally aligned;
 * no two blocks overlap.
 */
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

/* Blocks are kept in a chain through their first word, so filling a heap
 * of any size needs no table. The rest of each block holds a pattern
 * seeded by its address, checked when it is freed. */
static void *chain_next(void *block)
{
	void *next;

	memcpy(&next, block, sizeof(next));
	return next;
}

static void chain_set_next(void *block, void *next)
{
	memcpy(block, &next, sizeof(next));
}

static uint32_t block_seed(const void *block)
{
	return hash32((uint32_t)(uintptr_t)block);
}

static void fill_block(void *block, size_t usable)
{
	fill_pattern((uint8_t *)block + sizeof(void *), usable - sizeof(void *), block_seed(block));
}

static bool block_intact(void *block)
{
	size_t usable = sys_heap_usable_size(&heap, block);

	return usable >= sizeof(void *) &&
	       pattern_intact((uint8_t *)block + sizeof(void *), usable - sizeof(void *),
			      block_seed(block));
}

/* Push one block of `size` bytes onto the chain; false when the heap
 * refuses. Sizes below a pointer are rounded up so the link fits. */
static bool chain_push(void **chain, size_t size, unsigned long *bad_blocks)
{
	void *p = sys_heap_alloc(&heap, size);

	if (p == NULL) {
		return false;
	}
	size_t usable = sys_heap_usable_size(&heap, p);
	uint8_t *start = heap.init_mem;

	/* Counted rather than CHECKed per block: thousands of passes would
	 * say nothing more than one. */
	if (!is_aligned(p, SYS_HEAP_NATURAL_ALIGN) || usable < size ||
	    (uint8_t *)p < start || (uint8_t *)p + usable > start + heap.init_bytes) {
		(*bad_blocks)++;
	}
	chain_set_next(p, *chain);
	fill_block(p, usable);
	*chain = p;
	return true;
}

/* Free every other block of the chain (which leaves free chunks between
 * live ones), return the chain of survivors. Counts blocks whose pattern
 * was overwritten. */
static void *free_every_other(void *chain, unsigned long *corrupt)
{
	void *survivors = NULL;
	void *last = NULL;
	bool drop = true;

	while (chain != NULL) {
		void *next = chain_next(chain);

		if (!block_intact(chain)) {
			(*corrupt)++;
		}
		if (drop) {
			sys_heap_free(&heap, chain);
		} else {
			if (last != NULL) {
				chain_set_next(last, chain);
			} else {
				survivors = chain;
			}
			last = chain;
		}
		drop = !drop;
		chain = next;
	}
	if (last != NULL) {
		chain_set_next(last, NULL);
	}
	return survivors;
}

static void free_all(void *chain, unsigned long *corrupt)
{
	while (chain != NULL) {
		void *next = chain_next(chain);

		if (!block_intact(chain)) {
			(*corrupt)++;
		}
		sys_heap_free(&heap, chain);
		chain = next;
	}
}

/* After everything is freed the heap must be exactly as fresh: same
 * stats, one free chunk, and the same largest block. */
static void check_back_to_fresh(const struct sys_memory_stats *fresh, size_t fresh_largest)
{
	struct sys_memory_stats now = heap_stats(&heap);
	struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

	CHECK(sys_heap_validate(&heap));
	CHECK_EQ(now.free_bytes, fresh->free_bytes);
	CHECK_EQ(now.allocated_bytes, 0u);
	CHECK_EQ(walk.used_chunks, 0u);
	CHECK_EQ(walk.free_chunks, 1u);
	CHECK_EQ(largest_alloc(&heap), fresh_largest);
	void *p = sys_heap_alloc(&heap, fresh_largest);

	CHECK(check_block(&heap, p, fresh_largest, SYS_HEAP_NATURAL_ALIGN));
	sys_heap_free(&heap, p);
}

static void test_exhaust_fixed_sizes(void)
{
	const size_t sizes[] = { 1u, 8u, 13u, 24u, 100u, 1000u, 4096u };
	uint8_t *region = guarded_region(5u, TEST_HEAP_BYTES);

	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	struct sys_memory_stats fresh = heap_stats(&heap);
	size_t fresh_largest = largest_alloc(&heap);

	/* Nearly the whole heap is one block: at most the overhead lost. */
	CHECK(fresh_largest + SYS_HEAP_OVERHEAD(TEST_HEAP_BYTES) + TEST_BLOCK_OVERHEAD_MAX >=
	      TEST_HEAP_BYTES);

	for (size_t i = 0u; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i] < sizeof(void *) ? sizeof(void *) : sizes[i];
		void *chain = NULL;

		if (size > fresh.free_bytes / 4u) {
			continue; /* a small board's heap: too few blocks to say much */
		}
		unsigned long count = 0u;
		unsigned long bad = 0u;
		unsigned long corrupt = 0u;

		while (chain_push(&chain, size, &bad)) {
			count++;
		}
		CHECK_EQ(bad, 0u);
		/* The count is what the heap holds, not a lucky few. */
		CHECK(count * (size + TEST_BLOCK_OVERHEAD_MAX) >= fresh.free_bytes - size);
		CHECK(sys_heap_alloc(&heap, size) == NULL);
		CHECK(heap_stats(&heap).free_bytes < size + TEST_BLOCK_OVERHEAD_MAX);
		CHECK(sys_heap_validate(&heap));

		/* Free every other block: each leaves a hole between live ones. */
		chain = free_every_other(chain, &corrupt);
		struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

		CHECK(sys_heap_validate(&heap));
		CHECK(walk.in_order);
		CHECK(!walk.adjacent_free);
		CHECK(walk.free_chunks >= 1u);

		/* Then the rest, which must merge with both neighbours. */
		free_all(chain, &corrupt);
		CHECK_EQ(corrupt, 0u);
		check_back_to_fresh(&fresh, fresh_largest);
	}
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

static void test_exhaust_mixed_sizes(void)
{
	struct rng rng;
	uint8_t *region = guarded_region(3u, TEST_HEAP_BYTES);

	rng_seed(&rng, 0x5eed0001u);
	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	struct sys_memory_stats fresh = heap_stats(&heap);
	size_t fresh_largest = largest_alloc(&heap);

	for (uint32_t round = 0u; round < SCALED(6u); round++) {
		void *chain = NULL;
		unsigned long bad = 0u;
		unsigned long corrupt = 0u;
		unsigned misses = 0u;

		/* Mixed sizes until the heap refuses many in a row. */
		while (misses < 32u) {
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 16u);

			if (size < sizeof(void *)) {
				size = sizeof(void *);
			}
			if (chain_push(&chain, size, &bad)) {
				misses = 0u;
			} else {
				misses++;
			}
		}
		CHECK_EQ(bad, 0u);
		CHECK(sys_heap_validate(&heap));
		/* Full: little is left (blocks of up to a sixteenth were asked for). */
		CHECK(heap_stats(&heap).free_bytes < TEST_HEAP_BYTES / 4u);
		if (round % 2u == 0u) {
			chain = free_every_other(chain, &corrupt);
			CHECK(sys_heap_validate(&heap));
			CHECK(!walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN).adjacent_free);
		}
		free_all(chain, &corrupt);
		CHECK_EQ(corrupt, 0u);
		check_back_to_fresh(&fresh, fresh_largest);
	}
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

/* Every size from 1 to 1024 in turn, several live at once: each
 * naturally aligned and wholly usable without touching another. */
static void test_every_size_aligned(void)
{
	/* A ring of live blocks, as many as the heap holds at 1 KiB each. */
	enum { MAX_RING = 16 };
	const size_t ring = TEST_HEAP_BYTES / 2048u < MAX_RING ? TEST_HEAP_BYTES / 2048u : MAX_RING;
	void *blocks[MAX_RING] = { NULL };
	uint32_t seeds[MAX_RING] = { 0u };
	unsigned long corrupt = 0u;
	unsigned long bad = 0u;

	sys_heap_init(&heap, guarded_region(9u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (size_t size = 1u; size <= 1024u; size++) {
		size_t slot = size % ring;

		if (blocks[slot] != NULL) {
			if (!usable_intact(&heap, blocks[slot], seeds[slot])) {
				corrupt++;
			}
			sys_heap_free(&heap, blocks[slot]);
		}
		blocks[slot] = sys_heap_alloc(&heap, size);
		seeds[slot] = hash32((uint32_t)size);
		if (blocks[slot] == NULL || !is_aligned(blocks[slot], SYS_HEAP_NATURAL_ALIGN) ||
		    sys_heap_usable_size(&heap, blocks[slot]) < size) {
			bad++;
			blocks[slot] = NULL;
			continue;
		}
		fill_usable(&heap, blocks[slot], seeds[slot]);
	}
	CHECK_EQ(bad, 0u);
	CHECK_EQ(corrupt, 0u);
	CHECK(sys_heap_validate(&heap));
	for (size_t slot = 0u; slot < ring; slot++) {
		sys_heap_free(&heap, blocks[slot]);
	}
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
}

/* Two allocations never hand out the same memory: interleave allocs
 * and frees and check every live pattern after each step. */
static void test_no_overlap_under_churn(void)
{
	enum { SLOTS = 24 };
	void *blocks[SLOTS] = { NULL };
	uint32_t seeds[SLOTS];
	struct rng rng;
	unsigned long corrupt = 0u;
	unsigned long misaligned = 0u;

	rng_seed(&rng, 0xc0ffee11u);
	sys_heap_init(&heap, guarded_region(1u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (uint32_t op = 0u; op < SCALED(3000u); op++) {
		uint32_t slot = rng_below(&rng, SLOTS);

		if (blocks[slot] != NULL) {
			if (!usable_intact(&heap, blocks[slot], seeds[slot])) {
				corrupt++;
			}
			sys_heap_free(&heap, blocks[slot]);
			blocks[slot] = NULL;
		} else {
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 64u);

			blocks[slot] = sys_heap_alloc(&heap, size);
			if (blocks[slot] != NULL) {
				if (!is_aligned(blocks[slot], SYS_HEAP_NATURAL_ALIGN)) {
					misaligned++;
				}
				seeds[slot] = rng_next(&rng);
				fill_usable(&heap, blocks[slot], seeds[slot]);
			}
		}
	}
	CHECK_EQ(corrupt, 0u);
	CHECK_EQ(misaligned, 0u);
	CHECK(sys_heap_validate(&heap));
	for (uint32_t slot = 0u; slot < SLOTS; slot++) {
		sys_heap_free(&heap, blocks[slot]);
	}
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
}

/* sys_heap_alloc_at and SYS_HEAP_ALLOC_HERE allocate like sys_heap_alloc
 * (the site is only recorded when tracing is on). */
static void test_alloc_at(void)
{
	static const struct sys_heap_site site = { __FILE__, __LINE__ };

	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *p = sys_heap_alloc_at(&heap, 100u, &site);
	void *q = sys_heap_alloc_at(&heap, 30u, NULL);

	CHECK(check_block(&heap, p, 100u, SYS_HEAP_NATURAL_ALIGN));
	CHECK(check_block(&heap, q, 30u, SYS_HEAP_NATURAL_ALIGN));
	CHECK(sys_heap_alloc_at(&heap, 0u, &site) == NULL);
	CHECK(sys_heap_alloc_at(&heap, SIZE_MAX, &site) == NULL);
#if defined(SYS_HEAP_ALLOC_HERE)
	void *r = SYS_HEAP_ALLOC_HERE(&heap, 64u);

	CHECK(check_block(&heap, r, 64u, SYS_HEAP_NATURAL_ALIGN));
	sys_heap_free(&heap, r);
#endif
	sys_heap_free(&heap, p);
	sys_heap_free(&heap, q);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));
}

void test_alloc(void)
{
	test_alloc_at();
	test_exhaust_fixed_sizes();
	test_exhaust_mixed_sizes();
	test_every_size_aligned();
	test_no_overlap_under_churn();
}
