/*
 * test_validate.c: sys_heap_validate must notice corruption, not only
 * bless a healthy heap. Each case damages one thing (a block header, a
 * free chunk's list links, a field of the descriptor in
 * sys_heap_layout.h), checks validate says false, restores the bytes and
 * checks validate says true again, so the verdict is about that damage.
 */
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

/* A heap with live blocks and free chunks between them. */
static void build_heap(void *blocks[6])
{
	sys_heap_init(&heap, guarded_region(8u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (uint32_t i = 0u; i < 6u; i++) {
		blocks[i] = sys_heap_alloc(&heap, 40u + 24u * i);
		fill_pattern(blocks[i], 40u + 24u * i, i);
	}
	/* Free two blocks, each between live neighbours. */
	sys_heap_free(&heap, blocks[1]);
	sys_heap_free(&heap, blocks[3]);
	blocks[1] = blocks[3] = NULL;
	CHECK(sys_heap_validate(&heap));
}

#if TEST_NATURAL_LAYOUT
/* Overwrite `bytes` at `at` with `fill`, validate, put them back. */
static bool detects(void *at, size_t bytes, uint8_t fill)
{
	uint8_t saved[64];

	memcpy(saved, at, bytes);
	memset(at, fill, bytes);
	bool caught = !sys_heap_validate(&heap);

	memcpy(at, saved, bytes);
	return caught;
}

static void test_clobbered_headers(void)
{
	void *blocks[6];
	const uint8_t fills[] = { 0x00u, 0xffu, 0x5au };

	build_heap(blocks);
	for (size_t f = 0u; f < sizeof(fills); f++) {
		/* The header of a live block: the bytes just before it. */
		CHECK(detects((uint8_t *)blocks[2] - 8, 8u, fills[f]));
		CHECK(sys_heap_validate(&heap));
		CHECK(detects((uint8_t *)blocks[5] - 8, 8u, fills[f]));
		CHECK(sys_heap_validate(&heap));
	}
	/* A single flipped bit in the header of a block. */
	uint8_t *hdr = (uint8_t *)blocks[4] - 4;
	uint8_t saved = *hdr;

	*hdr ^= 0x10u;
	CHECK(!sys_heap_validate(&heap));
	*hdr = saved;
	CHECK(sys_heap_validate(&heap));
}

/*
 * A free chunk keeps its list links in what was the block's memory (the
 * seed design, and Zephyr's): a write after free over them breaks the
 * bucket lists, which validate walks.
 */
static void test_clobbered_free_links(void)
{
	void *blocks[6];
	void *victim;
	const uint8_t fills[] = { 0x00u, 0xffu, 0x5au };

	sys_heap_init(&heap, guarded_region(8u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (uint32_t i = 0u; i < 6u; i++) {
		blocks[i] = sys_heap_alloc(&heap, 48u);
	}
	victim = blocks[2];
	sys_heap_free(&heap, victim);
	CHECK(sys_heap_validate(&heap));
	for (size_t f = 0u; f < sizeof(fills); f++) {
		CHECK(detects(victim, 16u, fills[f]));
		CHECK(sys_heap_validate(&heap));
	}
}

#endif

/* Fields of the descriptor (struct z_heap in sys_heap_layout.h). */
static void test_clobbered_descriptor(void)
{
	void *blocks[6];

	build_heap(blocks);
	struct z_heap *h = heap.heap;
	struct z_heap saved = *h;

	/* Statistics that do not match the chunks. */
	h->allocated_bytes += 8u;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;
	h->allocated_bytes -= 8u;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;
	h->max_allocated_bytes = h->allocated_bytes - 1u;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;
	CHECK(sys_heap_validate(&heap));

	/* The bucket bitmap: a non-empty bucket marked empty, and an empty
	 * one marked non-empty. */
	uint32_t lowest = h->avail_buckets & (~h->avail_buckets + 1u);

	h->avail_buckets &= ~lowest;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;
	for (uint32_t b = 0u; b < 8u; b++) {
		if ((saved.avail_buckets & (1u << b)) == 0u) {
			h->avail_buckets |= 1u << b;
			CHECK(!sys_heap_validate(&heap));
			*h = saved;
			break;
		}
	}

	/* A bit above the last bucket this heap has. */
	h->avail_buckets |= 1u << 31;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;

	/* The end marker moved. */
	h->end_chunk += 2u;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;
	h->end_chunk -= 2u;
	CHECK(!sys_heap_validate(&heap));
	*h = saved;

	/* Chunk 0's own header. */
	memset(h->chunk0_header, 0, sizeof(h->chunk0_header));
	CHECK(!sys_heap_validate(&heap));
	*h = saved;
	memset(h->chunk0_header, 0xff, sizeof(h->chunk0_header));
	CHECK(!sys_heap_validate(&heap));
	*h = saved;

	CHECK(sys_heap_validate(&heap));
	for (uint32_t i = 0u; i < 6u; i++) {
		if (blocks[i] != NULL) {
			CHECK(pattern_intact(blocks[i], 40u + 24u * i, i));
		}
	}
}

/* The bucket heads: a list head pointing at the wrong chunk. */
static void test_clobbered_bucket_heads(void)
{
	void *blocks[6];

	build_heap(blocks);
	struct z_heap *h = heap.heap;

	for (uint32_t b = 0u; b < 32u; b++) {
		if ((h->avail_buckets & (1u << b)) == 0u) {
			continue;
		}
		uint32_t head = h->buckets[b];

		h->buckets[b] = 0u;
		CHECK(!sys_heap_validate(&heap));
		h->buckets[b] = head + 1u;
		CHECK(!sys_heap_validate(&heap));
		h->buckets[b] = 0xffffffffu;
		CHECK(!sys_heap_validate(&heap));
		h->buckets[b] = head;
		CHECK(sys_heap_validate(&heap));
	}
}

void test_validate(void)
{
#if TEST_NATURAL_LAYOUT
	/* Where a block's header and a free chunk's links sit is only known
	 * for the plain layout. */
	test_clobbered_headers();
	test_clobbered_free_links();
#else
	harness_skip("validate on clobbered headers: blocks have a prefix here");
#endif
	test_clobbered_descriptor();
	test_clobbered_bucket_heads();
}
