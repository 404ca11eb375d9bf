/*
 * test_regions.c: one allocator over several memories. Three heaps carved
 * apart in the arena stand for three RAMs. First Zephyr's sys_multi_heap
 * (sorted table, owner lookup, foreign pointers, refused overlaps, realloc
 * across heaps), then capability regions (rank order, reserves, capability
 * placement, unknown capabilities, statistics), then a randomised run over
 * the regions with a cookie per block and validation after every step.
 * (tests/test_multi.c is the other "many": independent heaps side by side.)
 */
#include <string.h>

#include "sys_heap_caps.h"
#include "sys_heap_define.h"
#include "sys_heap_lock.h"
#include "tests.h"
/* Zephyr's include path, as Zephyr code spells it. */
#include "zephyr/sys/multi_heap.h"

enum { REGIONS = 3 };

/* Each region's size: a third of the arena, at most 16 KiB (so validation
 * after every step stays quick), on a 64-byte boundary. Between regions a
 * 64-byte gap, so that a pointer between them is in none. */
#define REGION_GAP 64u
#define REGION_BYTES_RAW ((TEST_BIG_HEAP_BYTES - REGIONS * REGION_GAP) / REGIONS)
#define REGION_BYTES \
	((REGION_BYTES_RAW < 16384u ? REGION_BYTES_RAW : 16384u) & ~(size_t)63u)

static struct sys_heap heaps[REGIONS];

/* Format the three heaps afresh: heap i at arena offset (2 - i) * stride,
 * so that they are added in descending address order below. */
static void format_heaps(void)
{
	size_t stride = REGION_BYTES + REGION_GAP;

	for (unsigned int i = 0u; i < REGIONS; i++) {
		sys_heap_init(&heaps[i], &test_arena[(REGIONS - 1u - i) * stride], REGION_BYTES);
	}
}

static bool in_heap(const struct sys_heap *heap, const void *p)
{
	const uint8_t *q = p;
	const uint8_t *start = heap->init_mem;

	return q >= start && q < start + heap->init_bytes;
}

static unsigned long hook_calls;
static enum sys_heap_error hook_last;
static void *hook_mem;

static void counting_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	(void)heap;
	(void)caller;
	hook_calls++;
	hook_last = error;
	hook_mem = mem;
}

/* ---- sys_multi_heap ------------------------------------------------------ */

/* Zephyr-style policy: cfg is the index of the heap to use, or NULL for
 * "first that fits", in table order. */
static void *index_choice(struct sys_multi_heap *mheap, void *cfg, size_t align, size_t size)
{
	if (cfg != NULL) {
		struct sys_heap *h = &heaps[*(unsigned int *)cfg];

		return align != 0u ? sys_heap_aligned_alloc(h, align, size) : sys_heap_alloc(h, size);
	}
	for (unsigned int i = 0u; i < mheap->nheaps; i++) {
		void *mem = sys_heap_alloc(mheap->heaps[i].heap, size);

		if (mem != NULL) {
			return mem;
		}
	}
	return NULL;
}

static void multi_table_and_lookup(void)
{
	struct sys_multi_heap m;
	static int tags[REGIONS];

	format_heaps();
	sys_multi_heap_init(&m, index_choice);
	sys_multi_heap_set_error_hook(&m, counting_hook);
	for (unsigned int i = 0u; i < REGIONS; i++) {
		sys_multi_heap_add_heap(&m, &heaps[i], &tags[i]);
	}
	CHECK_EQ(m.nheaps, REGIONS);
	/* Sorted by address whatever the order added. */
	for (unsigned int i = 1u; i < m.nheaps; i++) {
		CHECK((uintptr_t)m.heaps[i - 1u].heap->init_mem < (uintptr_t)m.heaps[i].heap->init_mem);
	}
	for (unsigned int i = 0u; i < REGIONS; i++) {
		uint8_t *start = heaps[i].init_mem;
		const struct sys_multi_heap_rec *rec;

		rec = sys_multi_heap_get_heap(&m, start);
		CHECK(rec != NULL && rec->heap == &heaps[i] && rec->user_data == &tags[i]);
		rec = sys_multi_heap_get_heap(&m, start + REGION_BYTES / 2u);
		CHECK(rec != NULL && rec->heap == &heaps[i]);
		rec = sys_multi_heap_get_heap(&m, start + REGION_BYTES - 1u);
		CHECK(rec != NULL && rec->heap == &heaps[i]);
		/* One past the end is in the gap: no heap. */
		CHECK(sys_multi_heap_get_heap(&m, start + REGION_BYTES) == NULL);
	}
	CHECK(sys_multi_heap_get_heap(&m, &hook_calls) == NULL);

	/* Refusals: overlap (partial and the same heap again), no memory, a
	 * full table. Each reported, the table unchanged. */
	struct sys_heap overlapping = heaps[1];
	overlapping.init_mem = (uint8_t *)heaps[1].init_mem + REGION_BYTES - 64u;
	overlapping.init_bytes = REGION_BYTES_RAW;
	unsigned long before = hook_calls;

	sys_multi_heap_add_heap(&m, &overlapping, NULL);
	CHECK_EQ(hook_calls, before + 1u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_BAD_REGION);
	CHECK_PTR_EQ(hook_mem, overlapping.init_mem);
	sys_multi_heap_add_heap(&m, &heaps[0], NULL);
	sys_multi_heap_add_heap(&m, NULL, NULL);
	CHECK_EQ(hook_calls, before + 3u);
	CHECK_EQ(m.nheaps, REGIONS);

	struct sys_multi_heap full;
	static struct sys_heap tiny[MAX_MULTI_HEAPS + 1u];

	sys_multi_heap_init(&full, index_choice);
	sys_multi_heap_set_error_hook(&full, counting_hook);
	before = hook_calls;
	for (unsigned int i = 0u; i <= MAX_MULTI_HEAPS; i++) {
		/* Handles only: add_heap reads the region, never the heap. */
		tiny[i].init_mem = &test_arena[i * 8u];
		tiny[i].init_bytes = 8u;
		sys_multi_heap_add_heap(&full, &tiny[i], NULL);
	}
	CHECK_EQ(full.nheaps, MAX_MULTI_HEAPS);
	CHECK_EQ(hook_calls, before + 1u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_BAD_REGION);
}

static void multi_alloc_free_realloc(void)
{
	struct sys_multi_heap m;

	format_heaps();
	sys_multi_heap_init(&m, index_choice);
	sys_multi_heap_set_error_hook(&m, counting_hook);
	for (unsigned int i = 0u; i < REGIONS; i++) {
		sys_multi_heap_add_heap(&m, &heaps[i], NULL);
	}
	unsigned int idx[REGIONS] = { 0u, 1u, 2u };
	void *blocks[REGIONS];

	for (unsigned int i = 0u; i < REGIONS; i++) {
		blocks[i] = sys_multi_heap_alloc(&m, &idx[i], 40u);
		CHECK(blocks[i] != NULL && in_heap(&heaps[i], blocks[i]));
	}
	void *aligned = sys_multi_heap_aligned_alloc(&m, &idx[2], 256u, 24u);

	CHECK(aligned != NULL && in_heap(&heaps[2], aligned) && is_aligned(aligned, 256u));
	/* Free by pointer alone, from every heap. */
	for (unsigned int i = 0u; i < REGIONS; i++) {
		sys_multi_heap_free(&m, blocks[i]);
		CHECK_EQ(heap_stats(&heaps[i]).allocated_bytes,
			 i == 2u ? heap_stats(&heaps[2]).allocated_bytes : 0u);
	}
	sys_multi_heap_free(&m, aligned);
	sys_multi_heap_free(&m, NULL);
	CHECK_EQ(heap_stats(&heaps[2]).allocated_bytes, 0u);

	/* A foreign pointer: reported, nothing freed. */
	unsigned long before = hook_calls;
	uint8_t *gap = (uint8_t *)heaps[1].init_mem + REGION_BYTES + 8u;

	sys_multi_heap_free(&m, gap);
	CHECK_EQ(hook_calls, before + 1u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_FOREIGN_POINTER);
	CHECK_PTR_EQ(hook_mem, gap);
	CHECK(sys_multi_heap_realloc(&m, NULL, gap, 10u) == NULL);
	CHECK_EQ(hook_calls, before + 2u);

	/* realloc: NULL allocates; grows in place; moves to another heap when
	 * its own is full, with the contents; 0 frees. */
	void *p = sys_multi_heap_realloc(&m, &idx[0], NULL, 100u);

	CHECK(p != NULL && in_heap(&heaps[0], p));
	fill_pattern(p, 100u, 7u);
	void *filler = sys_heap_alloc(&heaps[0], largest_alloc(&heaps[0]));

	CHECK(filler != NULL);
	void *q = sys_multi_heap_realloc(&m, &idx[1], p, REGION_BYTES / 2u);

	CHECK(q != NULL && in_heap(&heaps[1], q) && pattern_intact(q, 100u, 7u));
	CHECK_EQ(heap_stats(&heaps[0]).allocated_bytes, heap_stats(&heaps[0]).allocated_bytes);
	sys_multi_heap_free(&m, filler);
	CHECK_EQ(heap_stats(&heaps[0]).allocated_bytes, 0u);
	void *r = sys_multi_heap_aligned_realloc(&m, &idx[2], q, 64u, 200u);

	CHECK(r != NULL && is_aligned(r, 64u) && pattern_intact(r, 100u, 7u));
	CHECK(sys_multi_heap_realloc(&m, &idx[0], r, 0u) == NULL);
	for (unsigned int i = 0u; i < REGIONS; i++) {
		CHECK_EQ(heap_stats(&heaps[i]).allocated_bytes, 0u);
		CHECK(sys_heap_validate(&heaps[i]));
	}
}

/* The example of docs/regions.md: the choice picks the heap added with the
 * tag `cfg`, through the locked API. */
static void *by_tag(struct sys_multi_heap *mh, void *cfg, size_t align, size_t size)
{
	for (unsigned int i = 0; i < mh->nheaps; i++) {
		if (mh->heaps[i].user_data == cfg) {
			return sys_heap_locked_aligned_alloc(mh->heaps[i].heap, align ? align : 8, size);
		}
	}
	return NULL;
}

static void multi_doc_example(void)
{
	struct sys_multi_heap mh;
	static int sram_tag, ccm_tag;

	format_heaps();
	sys_multi_heap_init(&mh, by_tag);
	sys_multi_heap_add_heap(&mh, &heaps[0], &sram_tag);
	sys_multi_heap_add_heap(&mh, &heaps[1], &ccm_tag);
	void *p = sys_multi_heap_alloc(&mh, &ccm_tag, 100);

	CHECK(p != NULL && in_heap(&heaps[1], p));
	sys_multi_heap_free(&mh, p);
	CHECK_EQ(heap_stats(&heaps[1]).allocated_bytes, 0u);
}

/* ---- capability regions ---------------------------------------------------- */

#define CAP_SPECIAL SYS_HEAP_CAP_USER(3)

/* fast: internal, first choice; dma: DMA-capable with a DMA reserve;
 * ext: external and DMA-capable, last. */
static const struct sys_heap_region region_desc[REGIONS] = {
	{ &heaps[0], "fast", SYS_HEAP_CAP_FAST, 0u, 0u, 0u },
	{ &heaps[1], "dma", SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_FAST, SYS_HEAP_CAP_DMA, REGION_BYTES / 4u, 1u },
	{ &heaps[2], "ext", SYS_HEAP_CAP_EXTERNAL | SYS_HEAP_CAP_DMA, 0u, 0u, 2u },
};

static void regions_setup(struct sys_heap_regions *set)
{
	format_heaps();
	sys_heap_regions_init(set);
	sys_multi_heap_set_error_hook(&set->multi, counting_hook);
	/* Added worst rank first: the set orders them by rank. */
	for (unsigned int i = REGIONS; i-- > 0u;) {
		CHECK_EQ(sys_heap_regions_add(set, &region_desc[i]), 0);
	}
}

static unsigned int region_index(const struct sys_heap_regions *set, const void *mem)
{
	const struct sys_heap_region *r = sys_heap_regions_find(set, mem);

	return r != NULL ? (unsigned int)(r - region_desc) : REGIONS;
}

static void regions_rank_and_reserve(void)
{
	struct sys_heap_regions set;

	regions_setup(&set);
	CHECK_EQ(sys_heap_regions_count(&set), REGIONS);
	for (unsigned int i = 0u; i < REGIONS; i++) {
		CHECK(sys_heap_regions_at(&set, i) == &region_desc[i]);
	}
	CHECK(sys_heap_regions_at(&set, REGIONS) == NULL);

	/* A flood of plain requests fills in rank order and never takes the
	 * DMA reserve. */
	/* At most 16 blocks of `unit` fit a region: room for all of them
	 * (few and large, so the pointers fit a micro:bit's RAM). */
	enum { FLOOD = REGIONS * 16 + 8 };
	static void *flood[FLOOD];
	unsigned int n = 0u;
	unsigned int last = 0u;
	bool ordered = true;
	size_t unit = REGION_BYTES / 16u;

	while (n < FLOOD) {
		void *p = sys_heap_regions_alloc(&set, 0u, 0u, unit);

		if (p == NULL) {
			break;
		}
		unsigned int at = region_index(&set, p);

		ordered = ordered && at >= last && at < REGIONS;
		last = at;
		flood[n++] = p;
	}
	CHECK(ordered);
	CHECK_EQ(last, 2u);
	CHECK(n < FLOOD);
	CHECK(heap_stats(&heaps[1]).free_bytes >= region_desc[1].reserve_bytes);
	CHECK(sys_heap_regions_validate(&set));

	/* The reserve is there for DMA requests: they land in "dma". */
	void *dma = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_DMA, 0u, region_desc[1].reserve_bytes / 2u);

	CHECK(dma != NULL && region_index(&set, dma) == 1u);
	/* Asked to stay out of reserves, a DMA request goes to "ext". */
	void *kept_out = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_NO_RESERVE, 0u, 8u);

	CHECK(kept_out == NULL || region_index(&set, kept_out) == 2u);
	sys_heap_regions_free(&set, kept_out);
	/* A block in the reserve shrinks in place, whatever the request. */
	void *shrunk = sys_heap_regions_realloc(&set, SYS_HEAP_CAP_NO_RESERVE, dma, 0u, 16u);

	CHECK_PTR_EQ(shrunk, dma);
	/* A FAST request may not use it and finds no other room. */
	CHECK(sys_heap_regions_alloc(&set, SYS_HEAP_CAP_FAST, 0u, unit) == NULL);

	/* Statistics: per region, and the sums. */
	struct sys_memory_stats all;
	struct sys_memory_stats dma_total;

	CHECK_EQ(sys_heap_regions_stats(&set, 0u, &all), 0);
	CHECK_EQ(sys_heap_regions_stats(&set, SYS_HEAP_CAP_DMA, &dma_total), 0);
	CHECK_EQ(all.allocated_bytes, heap_stats(&heaps[0]).allocated_bytes +
					      heap_stats(&heaps[1]).allocated_bytes +
					      heap_stats(&heaps[2]).allocated_bytes);
	CHECK_EQ(dma_total.free_bytes, heap_stats(&heaps[1]).free_bytes + heap_stats(&heaps[2]).free_bytes);

	/* Frees by pointer from every region. */
	for (unsigned int i = 0u; i < n; i++) {
		sys_heap_regions_free(&set, flood[i]);
	}
	sys_heap_regions_free(&set, dma);
	CHECK_EQ(sys_heap_regions_stats(&set, 0u, &all), 0);
	CHECK_EQ(all.allocated_bytes, 0u);
	CHECK(sys_heap_regions_validate(&set));
}

/* A request of exactly the bytes above a reserve passes the first look,
 * but its header would eat into the reserve: refused, the region's free
 * bytes as before, and DMA requests still get the reserve. */
static void regions_reserve_edge(void)
{
	struct sys_heap_regions set;

	format_heaps();
	sys_heap_regions_init(&set);
	CHECK_EQ(sys_heap_regions_add(&set, &region_desc[1]), 0);
	size_t reserve = region_desc[1].reserve_bytes;
	size_t before = heap_stats(&heaps[1]).free_bytes;
	void *big = sys_heap_regions_alloc(&set, 0u, 0u, before - reserve - 256u);

	CHECK(big != NULL);
	size_t above = heap_stats(&heaps[1]).free_bytes - reserve;

	CHECK(above > 0u && above < 256u);
	CHECK(sys_heap_regions_alloc(&set, 0u, 0u, above) == NULL);
	CHECK(sys_heap_regions_alloc(&set, 0u, 64u, above) == NULL);
	CHECK_EQ(heap_stats(&heaps[1]).free_bytes - reserve, above);
	void *dma = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_DMA, 0u, above);

	CHECK(dma != NULL);
	sys_heap_regions_free(&set, dma);
	sys_heap_regions_free(&set, big);
	CHECK_EQ(heap_stats(&heaps[1]).free_bytes, before);
	CHECK(sys_heap_regions_validate(&set));
}

static void regions_caps_placement(void)
{
	struct sys_heap_regions set;

	regions_setup(&set);
	/* Each mask lands only where every bit is present, best rank first. */
	void *a = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_DMA, 0u, 32u);
	void *b = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_EXTERNAL, 0u, 32u);
	void *c = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_FAST, 64u, 32u);
	void *d = sys_heap_regions_alloc(&set, SYS_HEAP_CAP_FAST | SYS_HEAP_CAP_DMA, 0u, 32u);

	CHECK_EQ(region_index(&set, a), 1u);
	CHECK_EQ(region_index(&set, b), 2u);
	CHECK_EQ(region_index(&set, c), 0u);
	CHECK(is_aligned(c, 64u));
	CHECK_EQ(region_index(&set, d), 1u);

	/* A capability no region has: NULL at once, no heap touched. */
	struct sys_memory_stats before;
	struct sys_memory_stats after;

	CHECK_EQ(sys_heap_regions_stats(&set, 0u, &before), 0);
	CHECK(sys_heap_regions_alloc(&set, CAP_SPECIAL, 0u, 8u) == NULL);
	CHECK(sys_heap_regions_alloc(&set, SYS_HEAP_CAP_NOCACHE | SYS_HEAP_CAP_DMA, 0u, 8u) == NULL);
	/* Every bit exists somewhere, but no region has both. */
	CHECK(sys_heap_regions_alloc(&set, SYS_HEAP_CAP_FAST | SYS_HEAP_CAP_EXTERNAL, 0u, 8u) == NULL);
	CHECK_EQ(sys_heap_regions_stats(&set, 0u, &after), 0);
	CHECK_STATS_EQUAL(&before, &after);

	/* realloc keeps the block in a region with the asked capabilities:
	 * a DMA block that outgrows "dma" moves to "ext", not to "fast". */
	fill_pattern(a, 32u, 11u);
	void *filler = sys_heap_alloc(&heaps[1], largest_alloc(&heaps[1]) / 2u);
	void *big = sys_heap_regions_realloc(&set, SYS_HEAP_CAP_DMA, a, 0u, REGION_BYTES / 2u);

	CHECK(filler != NULL);
	CHECK(big != NULL && region_index(&set, big) == 2u && pattern_intact(big, 32u, 11u));
	sys_heap_free(&heaps[1], filler);
	/* A block in a region without the asked bits moves even if it fits. */
	void *moved = sys_heap_regions_realloc(&set, SYS_HEAP_CAP_DMA, c, 0u, 16u);

	CHECK(moved != NULL && region_index(&set, moved) == 1u);
	/* Foreign pointers. */
	unsigned long calls = hook_calls;

	sys_heap_regions_free(&set, &calls);
	CHECK(sys_heap_regions_realloc(&set, 0u, &calls, 0u, 8u) == NULL);
	CHECK_EQ(hook_calls, calls + 2u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_FOREIGN_POINTER);
	/* Overlap refused with a return code too. */
	struct sys_heap twin = heaps[0];
	struct sys_heap_region twin_region = region_desc[0];

	twin_region.heap = &twin;
	CHECK_EQ(sys_heap_regions_add(&set, &twin_region), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_BAD_REGION);
	CHECK_EQ(sys_heap_regions_count(&set), REGIONS);

	sys_heap_regions_free(&set, b);
	sys_heap_regions_free(&set, d);
	sys_heap_regions_free(&set, big);
	CHECK(sys_heap_regions_realloc(&set, 0u, moved, 0u, 0u) == NULL);
	CHECK_EQ(sys_heap_regions_stats(&set, 0u, &after), 0);
	CHECK_EQ(after.allocated_bytes, 0u);
	CHECK(sys_heap_regions_validate(&set));
}

/* ---- the default set ------------------------------------------------------ */

/* A compile-time region, so the default set (built from the registry on
 * first use) has one: a capability of its own, so nothing else lands in it. */
#define CAP_DEFAULT_TEST SYS_HEAP_CAP_USER(7)
/* Room for what regions_default_set() holds at once: 100 bytes growing to
 * 200 beside 40 bytes aligned to 64, each with the layout's overhead. Just
 * that, so the micro:bit's 16 KiB still hold the suite. */
#define TEST_REGIONS_DEFAULT_BYTES SYS_HEAP_BYTES_FOR(100u + 200u + 40u + 64u + 3u * TEST_BLOCK_OVERHEAD_MAX)
SYS_HEAP_REGION_DEFINE(test_regions_default, TEST_REGIONS_DEFAULT_BYTES, SYS_HEAP_BUFFER_SECTION(test_regions_default),
		       CAP_DEFAULT_TEST, 0);

static void regions_default_set(void)
{
	struct sys_heap_regions *set = sys_heap_regions_default();

	CHECK(set == sys_heap_regions_default());
	CHECK_EQ(sys_heap_regions_count(set), 1u);
	CHECK(sys_heap_regions_at(set, 0u)->heap == &test_regions_default);
	CHECK(test_regions_default.heap != NULL);

	void *p = sys_heap_caps_alloc(CAP_DEFAULT_TEST, 100u);
	void *q = sys_heap_caps_aligned_alloc(CAP_DEFAULT_TEST, 64u, 40u);

	CHECK(p != NULL && in_heap(&test_regions_default, p));
	CHECK(q != NULL && in_heap(&test_regions_default, q) && is_aligned(q, 64u));
	fill_pattern(p, 100u, 3u);
	p = sys_heap_caps_realloc(p, CAP_DEFAULT_TEST, 200u);
	CHECK(p != NULL && pattern_intact(p, 100u, 3u));
	CHECK(sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, 8u) == NULL);

	struct sys_memory_stats st;

	CHECK_EQ(sys_heap_caps_get_stats(CAP_DEFAULT_TEST, &st), 0);
	CHECK_EQ(st.allocated_bytes, heap_stats(&test_regions_default).allocated_bytes);
	CHECK(st.allocated_bytes >= 240u);
	sys_heap_caps_free(p);
	sys_heap_caps_free(q);
	sys_heap_caps_free(NULL);
	/* A foreign pointer, with the set's hook counting. */
	unsigned long before = hook_calls;

	sys_multi_heap_set_error_hook(&set->multi, counting_hook);
	sys_heap_caps_free(&before);
	sys_multi_heap_set_error_hook(&set->multi, NULL);
	CHECK_EQ(hook_calls, before + 1u);
	CHECK_EQ(heap_stats(&test_regions_default).allocated_bytes, 0u);
	CHECK(sys_heap_regions_validate(set));
}

/* ---- randomised run -------------------------------------------------------- */

enum { SLOTS = 48 };

static const uint32_t stress_masks[] = {
	0u, SYS_HEAP_CAP_DMA, SYS_HEAP_CAP_FAST, SYS_HEAP_CAP_EXTERNAL,
	SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_FAST, CAP_SPECIAL,
};

static void regions_stress(void)
{
	struct sys_heap_regions set;
	void *mem[SLOTS] = { NULL };
	size_t size[SLOTS] = { 0u };
	uint32_t caps[SLOTS] = { 0u };
	uint32_t cookie[SLOTS] = { 0u };
	struct rng rng;
	unsigned long bad = 0u;
	unsigned long done = 0u;
	uint32_t steps = SCALED(4000u);

	regions_setup(&set);
	rng_seed(&rng, 0x5eed14u);
	for (uint32_t step = 0u; step < steps; step++) {
		uint32_t s = rng_below(&rng, SLOTS);
		uint32_t mask = stress_masks[rng_below(&rng, sizeof(stress_masks) / sizeof(stress_masks[0]))];
		size_t bytes = rng_size(&rng, REGION_BYTES / 6u) + 1u;

		if (mem[s] != NULL && !pattern_intact(mem[s], size[s], cookie[s])) {
			bad++;
		}
		void *p;

		if (mem[s] == NULL) {
			p = sys_heap_regions_alloc(&set, mask, rng_below(&rng, 4u) == 0u ? 32u : 0u, bytes);
		} else if (rng_below(&rng, 3u) == 0u) {
			sys_heap_regions_free(&set, mem[s]);
			mem[s] = NULL;
			p = NULL;
		} else {
			p = sys_heap_regions_realloc(&set, mask, mem[s], 0u, bytes);
			if (p != NULL) {
				/* The old contents up to the smaller size came along. */
				bad += !pattern_intact(p, size[s] < bytes ? size[s] : bytes, cookie[s]);
			} else if (mask == CAP_SPECIAL) {
				/* Unknown capability: the old block stays as it was. */
				bad += !pattern_intact(mem[s], size[s], cookie[s]);
			}
		}
		if (p != NULL) {
			const struct sys_heap_region *r = sys_heap_regions_find(&set, p);

			bad += r == NULL || (r->caps & mask) != mask || mask == CAP_SPECIAL;
			/* Plain and FAST requests that take memory in "dma" never
			 * leave it below its reserve. (A block shrunk in place
			 * takes none: DMA requests may have drained the reserve
			 * before.) */
			if (r == &region_desc[1] && (mask & SYS_HEAP_CAP_DMA) == 0u && p != mem[s]) {
				bad += heap_stats(&heaps[1]).free_bytes < region_desc[1].reserve_bytes;
			}
			mem[s] = p;
			size[s] = bytes;
			caps[s] = mask;
			cookie[s] = hash32(step);
			fill_pattern(p, bytes, cookie[s]);
			done++;
		}
		if (!sys_heap_regions_validate(&set)) {
			bad++;
			break;
		}
	}
	for (unsigned int s = 0u; s < SLOTS; s++) {
		if (mem[s] != NULL) {
			const struct sys_heap_region *r = sys_heap_regions_find(&set, mem[s]);

			bad += !pattern_intact(mem[s], size[s], cookie[s]) || (r->caps & caps[s]) != caps[s];
			sys_heap_regions_free(&set, mem[s]);
		}
	}
	struct sys_memory_stats all;

	CHECK_EQ(bad, 0u);
	CHECK(done > steps / 4u);
	CHECK_EQ(sys_heap_regions_stats(&set, 0u, &all), 0);
	CHECK_EQ(all.allocated_bytes, 0u);
	CHECK_EQ(all.error_count, 0u);
	CHECK(sys_heap_regions_validate(&set));
}

/* Every heap lock taken was released: on the host the lock's key is its
 * nesting depth (boards/host/lock_host.c). */
static void locks_balanced(void)
{
#if !defined(__arm__)
	sys_heap_lock_key_t depth = sys_heap_lock();

	CHECK_EQ(depth, 0u);
	sys_heap_unlock(depth);
#endif
}

void test_regions(void)
{
	multi_table_and_lookup();
	multi_alloc_free_realloc();
	multi_doc_example();
	regions_rank_and_reserve();
	regions_reserve_edge();
	regions_caps_placement();
	regions_default_set();
	regions_stress();
	locks_balanced();
}
