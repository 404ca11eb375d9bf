/*
 * test_define.c: compile-time heaps (sys_heap_define.h). Heaps defined
 * with the SYS_HEAP_DEFINE macros are in the registry, in name order, and
 * sys_heap_init_all() formats each as declared (alignment, granule); a
 * second call leaves formatted heaps and their live blocks alone.
 *
 * On the boards the startup code has already called sys_heap_init_all()
 * before main; on the host this suite is the first to call it.
 */
#include <stdio.h>
#include <string.h>

#include "sys_heap_define.h"
#include "tests.h"

/* Small: these live in every test firmware's RAM, the micro:bit's too. */
#define PLAIN_BYTES 384u
#define ALIGNED_BYTES 320u
#define ALIGNED_ALIGN 64u
#define IN_BYTES 256u
#define DMA_BYTES 512u
#define DMA_GRANULE 32u
/* A block every one of them holds. */
#define DEFINED_BLOCK 48u

SYS_HEAP_DEFINE(test_define_plain, PLAIN_BYTES);
SYS_HEAP_DEFINE_ALIGNED(test_define_aligned, ALIGNED_BYTES, ALIGNED_ALIGN);
SYS_HEAP_DEFINE_IN(test_define_in, IN_BYTES, ".noinit.test_define_in");
SYS_HEAP_DEFINE_GRANULAR(test_define_dma, DMA_BYTES, ".noinit.test_define_dma", DMA_GRANULE);

struct expected_heap {
	const char *name;
	struct sys_heap *heap;
	size_t bytes;
	size_t granule;
	/* The macro's own registry entry (white box: found by address, so
	 * a registry with the wrong stride is reported, not dereferenced). */
	const struct sys_heap_static *entry;
};

static const struct expected_heap expected[] = {
	{ "test_define_plain", &test_define_plain, PLAIN_BYTES, 0u,
	  &z_sys_heap_desc_test_define_plain },
	{ "test_define_aligned", &test_define_aligned, ALIGNED_BYTES, 0u,
	  &z_sys_heap_desc_test_define_aligned },
	{ "test_define_in", &test_define_in, IN_BYTES, 0u, &z_sys_heap_desc_test_define_in },
	{ "test_define_dma", &test_define_dma, DMA_BYTES, DMA_GRANULE,
	  &z_sys_heap_desc_test_define_dma },
};

#define EXPECTED_COUNT (sizeof(expected) / sizeof(expected[0]))

/* True when every one of our entries is where the registry says an entry
 * is. Only then are the entries safe to read. */
static bool registry_intact(void)
{
	size_t count = sys_heap_static_count();
	bool all = true;

	for (size_t k = 0u; k < EXPECTED_COUNT; k++) {
		bool found = false;

		for (size_t i = 0u; i < count; i++) {
			found |= sys_heap_static_at(i) == expected[k].entry;
		}
		if (!CHECK(found)) {
			printf("     %s: registry entry not found (count %lu)\n", expected[k].name,
			       (unsigned long)count);
			all = false;
		}
	}
	return all;
}

static void test_registry(void)
{
	size_t count = sys_heap_static_count();

	/* In name order, so the format order is deterministic. */
	for (size_t i = 1u; i < count; i++) {
		const struct sys_heap_static *a = sys_heap_static_at(i - 1u);
		const struct sys_heap_static *b = sys_heap_static_at(i);

		CHECK(a != NULL && b != NULL && text_compare(a->name, b->name) < 0);
	}
	for (size_t i = 0u; i < EXPECTED_COUNT; i++) {
		const struct sys_heap_static *d = expected[i].entry;

		CHECK(text_compare(d->name, expected[i].name) == 0);
		CHECK_PTR_EQ(d->heap, expected[i].heap);
		CHECK_PTR_EQ(d->mem, expected[i].heap->init_mem);
		CHECK_EQ(d->bytes, expected[i].bytes);
		CHECK_EQ(d->granule, expected[i].granule);
		CHECK_EQ(expected[i].heap->init_bytes, expected[i].bytes);
	}
}

static void test_formatted(void)
{
	sys_heap_init_all();
	for (size_t i = 0u; i < EXPECTED_COUNT; i++) {
		struct sys_heap *heap = expected[i].heap;
		size_t align = expected[i].granule > SYS_HEAP_NATURAL_ALIGN ? expected[i].granule
									     : SYS_HEAP_NATURAL_ALIGN;

		CHECK(heap->heap != NULL);
		CHECK(sys_heap_validate(heap));
		/* The buffer is aligned as declared: natural, or more. */
		CHECK(is_aligned(heap->init_mem, align));
		void *p = sys_heap_alloc(heap, DEFINED_BLOCK);

		if (check_block(heap, p, DEFINED_BLOCK, align)) {
			memset(p, 0x42, sys_heap_usable_size(heap, p));
			if (expected[i].granule != 0u) {
				CHECK(USABLE_ON_GRANULE(sys_heap_usable_size(heap, p),
							expected[i].granule));
			}
		}
		sys_heap_free(heap, p);
		CHECK_EQ(heap_stats(heap).allocated_bytes, 0u);
	}
	CHECK(is_aligned(test_define_aligned.init_mem, ALIGNED_ALIGN));

	/* A declared size of SYS_HEAP_BYTES_FOR-style room is all usable:
	 * the plain heap holds a block of most of its buffer. */
	CHECK(largest_alloc(&test_define_plain) + SYS_HEAP_OVERHEAD(PLAIN_BYTES) +
		      TEST_BLOCK_OVERHEAD_MAX >= PLAIN_BYTES);
}

/* A second sys_heap_init_all() skips formatted heaps: live blocks live on. */
static void test_init_all_again(void)
{
	void *blocks[EXPECTED_COUNT];
	struct sys_memory_stats before[EXPECTED_COUNT];

	for (size_t i = 0u; i < EXPECTED_COUNT; i++) {
		blocks[i] = sys_heap_alloc(expected[i].heap, DEFINED_BLOCK);
		CHECK(blocks[i] != NULL);
		if (blocks[i] != NULL) {
			fill_pattern(blocks[i], DEFINED_BLOCK, (uint32_t)i);
		}
		before[i] = heap_stats(expected[i].heap);
	}
	sys_heap_init_all();
	for (size_t i = 0u; i < EXPECTED_COUNT; i++) {
		struct sys_memory_stats after = heap_stats(expected[i].heap);

		CHECK_STATS_EQUAL(&after, &before[i]);
		if (blocks[i] != NULL) {
			CHECK(pattern_intact(blocks[i], DEFINED_BLOCK, (uint32_t)i));
			CHECK(sys_heap_usable_size(expected[i].heap, blocks[i]) >= DEFINED_BLOCK);
		}
		sys_heap_free(expected[i].heap, blocks[i]);
		CHECK(sys_heap_validate(expected[i].heap));
	}
}

/* sys_heap_array_get() lists every registry heap, then the saved ones,
 * each once; the array refuses what it cannot hold. */
static void test_heap_array(void)
{
	static struct sys_heap saved[SYS_HEAP_ARRAY_SIZE];
	struct sys_heap **heaps = NULL;
	size_t count = sys_heap_static_count();

	CHECK_EQ(sys_heap_array_get(NULL), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_array_save(NULL), SYS_HEAP_ERR_INVALID);
	if (count > SYS_HEAP_ARRAY_SIZE) {
		CHECK_EQ(sys_heap_array_get(&heaps), SYS_HEAP_ERR_INVALID);
		return;
	}
	if (!CHECK_EQ(sys_heap_array_get(&heaps), count)) {
		return;
	}
	for (size_t i = 0u; i < count; i++) {
		CHECK_PTR_EQ(heaps[i], sys_heap_static_at(i)->heap);
	}
	/* A registry heap is listed already; saved heaps follow, once each. */
	CHECK_EQ(sys_heap_array_save(&test_define_plain), 0);
	size_t room = SYS_HEAP_ARRAY_SIZE - count;

	for (size_t i = 0u; i < SYS_HEAP_ARRAY_SIZE; i++) {
		CHECK_EQ(sys_heap_array_save(&saved[i]), i < room ? 0 : SYS_HEAP_ERR_INVALID);
	}
	if (room != 0u) {
		CHECK_EQ(sys_heap_array_save(&saved[0]), 0);
	}
	if (CHECK_EQ(sys_heap_array_get(&heaps), SYS_HEAP_ARRAY_SIZE)) {
		for (size_t i = 0u; i < room; i++) {
			CHECK_PTR_EQ(heaps[count + i], &saved[i]);
		}
	}
}

void test_define(void)
{
	size_t count = sys_heap_static_count();

	/* Ours at least; the firmware may define more (a system heap). */
	CHECK(count >= EXPECTED_COUNT);
	CHECK(sys_heap_static_at(count) == NULL);
	CHECK(sys_heap_static_at(count + 100u) == NULL);
	/* Reading entries, or formatting from them, is only safe when the
	 * registry is laid out as the array it claims to be. */
	if (!registry_intact()) {
		harness_skip("compile-time heap checks: the registry is unreadable");
		return;
	}
	test_registry();
	test_heap_array();
	test_formatted();
	test_init_all_again();
}
