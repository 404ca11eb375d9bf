/*
 * test_granule.c: heaps formatted with sys_heap_init_with and a granule
 * (cache line) of 32 or 64 bytes, as handed to DMA: every block starts on
 * a granule and spans whole granules, no granule is shared between two
 * blocks or a block and metadata, under alloc, aligned alloc, realloc
 * and the stress rig. Bad granules are refused.
 */
#include <stdio.h>
#include <string.h>

#include "sys_heap_define.h"
#include "tests.h"

static struct sys_heap heap;

/* Chunks as the walk lists them, checked pairwise for shared granules. */
struct granule_walk {
	size_t granule;
	const uint8_t *prev_end; /* end of the previous chunk's memory */
	unsigned long chunks;
	unsigned long violations;
};

static void check_granules(void *ctx, void *mem, size_t bytes, bool used)
{
	struct granule_walk *w = ctx;
	const uint8_t *p = mem;

	w->chunks++;
	/* Every chunk's memory starts on a granule and spans whole ones (a
	 * free chunk may be a lone header granule, with no bytes). From level
	 * GUARDS up the walk gives requests, and the canary (at least
	 * Z_SYS_HEAP_BLOCK_TAIL_BYTES) fills out the last granule. */
	if (SYS_HEAP_HARDENING >= 2 && (used || bytes != 0u)) {
		uintptr_t end = (uintptr_t)p + bytes + Z_SYS_HEAP_BLOCK_TAIL_BYTES;

		bytes = (size_t)(((end + w->granule - 1u) & ~(uintptr_t)(w->granule - 1u)) -
				 (uintptr_t)p);
	}
	if (!is_aligned(p, w->granule) || bytes % w->granule != 0u || (used && bytes == 0u)) {
		w->violations++;
	}
	/* The header of this chunk lies between the previous chunk's memory
	 * and this one's, in granules of its own: at least one whole
	 * granule of gap. */
	if (w->prev_end != NULL && (p < w->prev_end + w->granule ||
				    (size_t)(p - w->prev_end) % w->granule != 0u)) {
		w->violations++;
	}
	w->prev_end = p + bytes;
}

/* The whole layout rule, from the walk and from the live blocks. */
static bool layout_ok(size_t granule)
{
	struct granule_walk w;

	memset(&w, 0, sizeof(w));
	w.granule = granule;
	sys_heap_walk(&heap, check_granules, &w);
	return w.violations == 0u && w.chunks > 0u;
}

/* A block of a granular heap: aligned to `align` (the granule or more),
 * at least `size` usable, and whole granules of it. */
static bool block_ok(void *p, size_t size, size_t align, size_t granule)
{
	size_t usable = sys_heap_usable_size(&heap, p);

	return p != NULL && is_aligned(p, align) && is_aligned(p, granule) && usable >= size &&
	       USABLE_ON_GRANULE(usable, granule);
}

static void test_granular_heap(size_t granule, size_t offset)
{
	enum { SLOTS = 24 };
	struct sys_heap_options options = { .granule = granule };
	uint8_t *region = guarded_region(offset, TEST_HEAP_BYTES);
	void *blocks[SLOTS] = { NULL };
	size_t sizes[SLOTS] = { 0u };
	uint32_t seeds[SLOTS] = { 0u };
	struct rng rng;
	unsigned long bad = 0u;
	unsigned long bad_layout = 0u;
	unsigned long corrupt = 0u;
	unsigned long invalid = 0u;

	if (!CHECK(sys_heap_init_with(&heap, region, TEST_HEAP_BYTES, &options))) {
		return;
	}
	CHECK(sys_heap_validate(&heap));
	CHECK(layout_ok(granule));
	/* The descriptor does not share a granule with the first block. */
	void *first = sys_heap_alloc(&heap, 1u);

	CHECK(block_ok(first, 1u, granule, granule));
	CHECK((uintptr_t)heap.heap + sizeof(struct z_heap) <=
	      ((uintptr_t)first & ~(uintptr_t)(granule - 1u)));
	sys_heap_free(&heap, first);

	rng_seed(&rng, (uint32_t)(granule * 1000u + offset));
	for (uint32_t op = 0u; op < SCALED(1500u); op++) {
		uint32_t slot = rng_below(&rng, SLOTS);
		uint32_t kind = rng_below(&rng, 4u);

		if (blocks[slot] != NULL && kind == 0u) {
			if (!pattern_intact(blocks[slot], sizes[slot], seeds[slot])) {
				corrupt++;
			}
			sys_heap_free(&heap, blocks[slot]);
			blocks[slot] = NULL;
		} else if (blocks[slot] != NULL) {
			/* Grow or shrink, perhaps with a bigger alignment. */
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 32u);
			size_t align = kind == 1u ? granule * 2u : granule;
			void *r = kind == 1u ? sys_heap_aligned_realloc(&heap, blocks[slot], align, size)
					     : sys_heap_realloc(&heap, blocks[slot], size);

			if (r != NULL) {
				size_t kept = sizes[slot] < size ? sizes[slot] : size;

				if (!pattern_intact(r, kept, seeds[slot])) {
					corrupt++;
				}
				if (!block_ok(r, size, align, granule)) {
					bad++;
				}
				blocks[slot] = r;
				sizes[slot] = size;
				fill_pattern(r, size, seeds[slot]);
			}
		} else {
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 32u);
			/* Aligned requests both below and above the granule. */
			size_t align = kind == 1u ? 16u : kind == 2u ? granule * 4u : 0u;
			void *p = align != 0u ? sys_heap_aligned_alloc(&heap, align, size)
					      : sys_heap_alloc(&heap, size);

			if (p != NULL) {
				if (!block_ok(p, size, align > granule ? align : granule, granule)) {
					bad++;
				}
				blocks[slot] = p;
				sizes[slot] = size;
				seeds[slot] = rng_next(&rng);
				fill_pattern(p, size, seeds[slot]);
			}
		}
		if (!layout_ok(granule)) {
			if (bad_layout++ == 0u) {
				printf("     first bad layout at op %lu\n", (unsigned long)op);
			}
		}
		if (!sys_heap_validate(&heap)) {
			invalid++;
		}
	}
	CHECK_EQ(bad, 0u);
	CHECK_EQ(bad_layout, 0u);
	CHECK_EQ(corrupt, 0u);
	CHECK_EQ(invalid, 0u);
	for (uint32_t slot = 0u; slot < SLOTS; slot++) {
		sys_heap_free(&heap, blocks[slot]);
	}
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK_EQ(walk_heap(&heap, granule).free_chunks, 1u);
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

/* Every block of a granular heap spans whole granules, however small;
 * consecutive blocks have a whole granule (the header's) between them. */
static void test_small_blocks_whole_granules(size_t granule)
{
	struct sys_heap_options options = { .granule = granule };
	void *ring[4] = { NULL, NULL, NULL, NULL };
	unsigned long bad = 0u;

	CHECK(sys_heap_init_with(&heap, guarded_region(1u, TEST_HEAP_BYTES), TEST_HEAP_BYTES,
				 &options));
	for (size_t size = 1u; size <= granule + 1u; size++) {
		void *prev = ring[(size - 1u) % 4u];

		sys_heap_free(&heap, ring[size % 4u]);
		void *p = sys_heap_alloc(&heap, size);

		ring[size % 4u] = p;
		if (!block_ok(p, size, granule, granule)) {
			bad++;
			continue;
		}
		if (prev != NULL && (uint8_t *)p > (uint8_t *)prev &&
		    (uint8_t *)p < (uint8_t *)prev + sys_heap_usable_size(&heap, prev) + granule) {
			bad++;
		}
		if (!layout_ok(granule)) {
			bad++;
		}
	}
	CHECK_EQ(bad, 0u);
	CHECK(sys_heap_validate(&heap));
}

/* Granules up to the natural alignment are the natural layout: the same
 * blocks, at the same addresses, as sys_heap_init. */
static void test_natural_granules(void)
{
	const size_t granules[] = { 0u, 1u, 2u, 4u, 8u, SYS_HEAP_NATURAL_ALIGN };
	uint8_t *region = guarded_region(3u, TEST_HEAP_BYTES);
	void *plain[6];

	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	for (size_t i = 0u; i < 6u; i++) {
		plain[i] = sys_heap_alloc(&heap, 10u + i * 30u);
	}
	for (size_t g = 0u; g < sizeof(granules) / sizeof(granules[0]); g++) {
		struct sys_heap_options options = { .granule = granules[g] };

		CHECK(sys_heap_init_with(&heap, region, TEST_HEAP_BYTES, &options));
		for (size_t i = 0u; i < 6u; i++) {
			CHECK_PTR_EQ(sys_heap_alloc(&heap, 10u + i * 30u), plain[i]);
		}
	}
}

/* Granule 4096 (the largest allowed) still works: page-aligned blocks. */
static void test_page_granule(void)
{
	const size_t bytes = 64u * 1024u;
	struct sys_heap_options options = { .granule = 4096u };

	if (bytes > guarded_region_max(0u)) {
		harness_skip("granule 4096: arena below 64 KiB");
		return;
	}
	CHECK(sys_heap_init_with(&heap, guarded_region(0u, bytes), bytes, &options));
	void *a = sys_heap_alloc(&heap, 1u);
	void *b = sys_heap_alloc(&heap, 5000u);

	CHECK(block_ok(a, 1u, 4096u, 4096u));
	CHECK(block_ok(b, 5000u, 4096u, 4096u));
	CHECK(layout_ok(4096u));
	CHECK(sys_heap_validate(&heap));
}

#if SYS_HEAP_HARDENING >= 1
/* The reports test_pointers_past_blocks' heap made, and the last kind. */
static unsigned long past_reports;
static enum sys_heap_error past_error;

static void record_past(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)h;
	(void)mem;
	(void)caller;
	past_reports++;
	past_error = error;
}

/* Where the last chunk ends: the end marker. (A free chunk's room
 * leaves out the canary a block there would need.) */
static void note_chunk_end(void *ctx, void *mem, size_t bytes, bool used)
{
	*(uint8_t **)ctx = (uint8_t *)mem + bytes + (used ? 0u : Z_SYS_HEAP_BLOCK_TAIL_BYTES);
}
#endif

/*
 * A granular heap puts a whole granule between a chunk's start and its
 * memory, and keeps one after its end marker. Granule-aligned pointers
 * past the last block, at the end marker and just past the region, are
 * in no block: each must be reported foreign, not taken for the memory
 * of one of the last chunks, and nothing may change.
 */
static void test_pointers_past_blocks(size_t granule)
{
#if SYS_HEAP_HARDENING >= 1
	struct sys_heap_options options = { .granule = granule };
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	uint8_t *end_marker = NULL;
	/* Inside the guard bytes after the region (TEST_GUARD_BYTES >= granule). */
	uint8_t *past_region = (uint8_t *)(((uintptr_t)region + TEST_HEAP_BYTES + granule - 1u) &
					   ~(uintptr_t)(granule - 1u));

	if (!CHECK(sys_heap_init_with(&heap, region, TEST_HEAP_BYTES, &options))) {
		return;
	}
	sys_heap_set_error_hook(&heap, record_past);
	void *live = sys_heap_alloc(&heap, 100u);

	CHECK(live != NULL);
	/* The last chunk is the free rest: its memory ends at the marker. */
	sys_heap_walk(&heap, note_chunk_end, &end_marker);
	CHECK(is_aligned(end_marker, granule));

	uint8_t *const bad[] = { end_marker, past_region };

	for (size_t i = 0u; i < sizeof(bad) / sizeof(bad[0]); i++) {
		past_reports = 0u;
		sys_heap_free(&heap, bad[i]);
		CHECK_EQ(past_reports, 1u);
		CHECK_EQ((int)past_error, (int)SYS_HEAP_ERR_FOREIGN_POINTER);
		CHECK_EQ(sys_heap_usable_size(&heap, bad[i]), 0u);
		CHECK_EQ(past_reports, 2u);
		CHECK_EQ((int)past_error, (int)SYS_HEAP_ERR_FOREIGN_POINTER);
	}
	CHECK(sys_heap_validate(&heap));
	CHECK_EQ(walk_heap(&heap, granule).used_chunks, 1u);
	/* The live block is still whole: it frees without a report. */
	past_reports = 0u;
	sys_heap_free(&heap, live);
	CHECK_EQ(past_reports, 0u);
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
#else
	(void)granule;
	harness_skip("pointers past a granular heap's blocks: level 0 trusts pointers");
#endif
}

/* Bad granules: init_with refuses and leaves the heap unformatted, even
 * one that was working before. */
static void test_bad_granules(void)
{
	const size_t bad[] = { 3u, 5u, 24u, 48u, 100u, 4097u, 8192u, 1u << 20, SIZE_MAX };
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	struct sys_memory_stats stats;

	for (size_t i = 0u; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sys_heap_options options = { .granule = bad[i] };

		sys_heap_init(&heap, region, TEST_HEAP_BYTES);
		CHECK(sys_heap_alloc(&heap, 8u) != NULL);
		CHECK(!sys_heap_init_with(&heap, region, TEST_HEAP_BYTES, &options));
		CHECK(sys_heap_alloc(&heap, 8u) == NULL);
		CHECK_EQ(sys_heap_runtime_stats_get(&heap, &stats), SYS_HEAP_ERR_INVALID);
		CHECK(sys_heap_validate(&heap));
	}
	/* A region too small for a granular layout is refused too. */
	struct sys_heap_options options = { .granule = 64u };

	CHECK(!sys_heap_init_with(&heap, region, SYS_HEAP_MIN_BYTES, &options));
	CHECK(sys_heap_alloc(&heap, 1u) == NULL);
	CHECK(guards_intact(region, TEST_HEAP_BYTES));

	/* A region shorter than the skip up to its first page: the layout's
	 * arithmetic must refuse it, not wrap into a huge heap written past
	 * the region (at most offsets the skip is more than 200 bytes). */
	struct sys_heap_options page = { .granule = 4096u };

	for (size_t offset = 0u; offset < 4096u && guarded_region_max(offset) >= 200u;
	     offset += 256u) {
		uint8_t *short_region = guarded_region(offset, 200u);

		CHECK(!sys_heap_init_with(&heap, short_region, 200u, &page));
		CHECK(guards_intact(short_region, 200u));
	}
}

/*
 * Every length up to the smallest page-granular heap, at a page-aligned
 * start and three others: init either refuses the region, or formats a
 * heap that validates and serves a 1-byte block inside the region. The
 * short lengths have room for the descriptor's page but not for a block,
 * which init must see. At the aligned start the documented minimum
 * (SYS_HEAP_GRANULAR_MIN_BYTES) formats.
 */
static void test_granular_lengths(void)
{
	const size_t page_bytes = 4096u;
	const size_t min_bytes = SYS_HEAP_GRANULAR_MIN_BYTES(4096u);
	size_t aligned = (size_t)(0u - (uintptr_t)guarded_region(0u, 0u)) & (page_bytes - 1u);
	const size_t starts[] = { aligned, aligned + 8u, aligned + 2048u, aligned + 4088u };
	struct sys_heap_options page = { .granule = page_bytes };

	for (size_t i = 0u; i < sizeof(starts) / sizeof(starts[0]); i++) {
		for (size_t bytes = page_bytes; bytes <= min_bytes; bytes += 8u) {
			if (guarded_region_max(starts[i]) < bytes) {
				break;
			}
			uint8_t *region = guarded_region(starts[i], bytes);
			bool formatted = sys_heap_init_with(&heap, region, bytes, &page);

			if (formatted) {
				uint8_t *p = sys_heap_alloc(&heap, 1u);

				CHECK(sys_heap_validate(&heap));
				CHECK(p != NULL && p >= region && p + 1 <= region + bytes);
			}
			if (i == 0u && bytes == min_bytes) {
				CHECK(formatted);
			}
			CHECK(guards_intact(region, bytes));
		}
	}
}

void test_granule(void)
{
	const size_t offsets[] = { 0u, 1u, 5u, 13u, 31u, 33u };

	for (size_t i = 0u; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		test_granular_heap(32u, offsets[i]);
		test_granular_heap(64u, offsets[i]);
	}
	test_small_blocks_whole_granules(32u);
	test_small_blocks_whole_granules(64u);
	test_natural_granules();
	test_page_granule();
	test_bad_granules();
	test_granular_lengths();
	test_pointers_past_blocks(32u);
	test_pointers_past_blocks(64u);
	stress_granular_heap(32u);
	stress_granular_heap(64u);
}
