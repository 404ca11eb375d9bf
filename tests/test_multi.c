/*
 * test_multi.c: many heaps at once. Two heaps used in interleaved steps
 * never disturb each other's stats, blocks or validity; a row of tiny
 * heaps packed back to back each hand out memory only from their own
 * region.
 */
#include <string.h>

#include "tests.h"

enum { SLOTS = 24 };

struct tracked_heap {
	struct sys_heap heap;
	uint8_t *start;
	size_t bytes;
	void *blocks[SLOTS];
	size_t sizes[SLOTS];
	uint32_t seeds[SLOTS];
	unsigned long outside;
};

static struct tracked_heap heaps[2];

static bool inside(const struct tracked_heap *t, const void *p, size_t bytes)
{
	const uint8_t *q = p;

	return q >= t->start && q + bytes <= t->start + t->bytes;
}

/* One random step on heap `t`. */
static void step(struct tracked_heap *t, struct rng *rng, unsigned long *corrupt)
{
	uint32_t slot = rng_below(rng, SLOTS);

	if (t->blocks[slot] != NULL) {
		if (!pattern_intact(t->blocks[slot], t->sizes[slot], t->seeds[slot])) {
			(*corrupt)++;
		}
		if (rng_below(rng, 2u) == 0u) {
			sys_heap_free(&t->heap, t->blocks[slot]);
			t->blocks[slot] = NULL;
			return;
		}
		size_t size = rng_size(rng, t->bytes / 32u);
		void *r = sys_heap_realloc(&t->heap, t->blocks[slot], size);

		if (r != NULL) {
			t->blocks[slot] = r;
			t->sizes[slot] = size;
			fill_pattern(r, size, t->seeds[slot]);
		}
		return;
	}
	size_t size = rng_size(rng, t->bytes / 32u);
	void *p = sys_heap_alloc(&t->heap, size);

	if (p != NULL) {
		if (!inside(t, p, size)) {
			t->outside++;
		}
		t->blocks[slot] = p;
		t->sizes[slot] = size;
		t->seeds[slot] = rng_next(rng);
		fill_pattern(p, size, t->seeds[slot]);
	}
}

static void test_two_heaps_interleaved(void)
{
	const size_t half = TEST_HEAP_BYTES / 2u;
	uint8_t *region = guarded_region(1u, TEST_HEAP_BYTES);
	struct rng rng;
	unsigned long corrupt = 0u;
	unsigned long disturbed = 0u;
	unsigned long invalid = 0u;

	memset(heaps, 0, sizeof(heaps));
	rng_seed(&rng, 0x2e2e2u);
	/* Back to back, the second starting at an odd address. */
	heaps[0].start = region;
	heaps[0].bytes = half - 3u;
	heaps[1].start = region + half - 3u;
	heaps[1].bytes = half + 3u;
	for (uint32_t i = 0u; i < 2u; i++) {
		sys_heap_init(&heaps[i].heap, heaps[i].start, heaps[i].bytes);
	}
	for (uint32_t op = 0u; op < SCALED(4000u); op++) {
		uint32_t which = rng_below(&rng, 2u);
		struct tracked_heap *busy = &heaps[which];
		struct tracked_heap *idle = &heaps[1u - which];
		struct sys_memory_stats idle_before = heap_stats(&idle->heap);

		step(busy, &rng, &corrupt);
		struct sys_memory_stats idle_after = heap_stats(&idle->heap);

		if (!stats_equal(&idle_before, &idle_after)) {
			disturbed++;
		}
		if (op % 8u == 0u && (!sys_heap_validate(&heaps[0].heap) ||
				      !sys_heap_validate(&heaps[1].heap))) {
			invalid++;
		}
	}
	CHECK_EQ(corrupt, 0u);
	CHECK_EQ(disturbed, 0u);
	CHECK_EQ(invalid, 0u);
	CHECK_EQ(heaps[0].outside, 0u);
	CHECK_EQ(heaps[1].outside, 0u);
	for (uint32_t i = 0u; i < 2u; i++) {
		for (uint32_t s = 0u; s < SLOTS; s++) {
			if (heaps[i].blocks[s] != NULL) {
				CHECK(pattern_intact(heaps[i].blocks[s], heaps[i].sizes[s],
						     heaps[i].seeds[s]));
			}
			sys_heap_free(&heaps[i].heap, heaps[i].blocks[s]);
		}
		CHECK_EQ(heap_stats(&heaps[i].heap).allocated_bytes, 0u);
		CHECK(sys_heap_validate(&heaps[i].heap));
	}
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

/* Tiny heaps packed back to back at odd sizes: each fills up from its own
 * region only, and emptying one leaves the others' blocks as they were. */
static void test_row_of_tiny_heaps(void)
{
	enum { ROW = 8 };
	static struct sys_heap row[ROW];
	const size_t each = SYS_HEAP_BYTES_FOR(64u) + 13u;
	uint8_t *region = guarded_region(0u, ROW * each);
	void *first[ROW];
	unsigned long outside = 0u;

	for (uint32_t i = 0u; i < ROW; i++) {
		sys_heap_init(&row[i], region + i * each, each);
	}
	for (uint32_t i = 0u; i < ROW; i++) {
		first[i] = sys_heap_alloc(&row[i], 64u);
		CHECK(first[i] != NULL);
		fill_pattern(first[i], 64u, 0x7700u + i);
		/* Fill the rest of this heap with small blocks. */
		void *p;

		while ((p = sys_heap_alloc(&row[i], 8u)) != NULL) {
			if ((uint8_t *)p < region + i * each ||
			    (uint8_t *)p + 8u > region + (i + 1u) * each) {
				outside++;
			}
			memset(p, 0xa0 + (int)i, 8u);
		}
	}
	CHECK_EQ(outside, 0u);
	for (uint32_t i = 0u; i < ROW; i++) {
		CHECK(pattern_intact(first[i], 64u, 0x7700u + i));
		CHECK(sys_heap_validate(&row[i]));
	}
	/* Re-initialising every other heap leaves its neighbours alone. */
	for (uint32_t i = 0u; i < ROW; i += 2u) {
		sys_heap_init(&row[i], region + i * each, each);
	}
	for (uint32_t i = 1u; i < ROW; i += 2u) {
		CHECK(pattern_intact(first[i], 64u, 0x7700u + i));
		CHECK(sys_heap_validate(&row[i]));
	}
	CHECK(guards_intact(region, ROW * each));
}

void test_multi(void)
{
	test_two_heaps_interleaved();
	test_row_of_tiny_heaps();
}
