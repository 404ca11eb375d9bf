/*
 * regions_caps.c: the capability API over the default regions, on the
 * host and in the firmware: the set's composition and order, a flood of
 * plain requests that spills in rank order and leaves the DMA reserve,
 * placement by capability, realloc across regions, statistics, foreign
 * pointers. Every heap validated after each phase.
 */
#include <stdio.h>

#include "harness.h"
#include "regions_fw.h"

bool regions_in_memory(const void *p, uintptr_t origin, uintptr_t length)
{
	return (uintptr_t)p >= origin && (uintptr_t)p < origin + length;
}

int region_rank_of(const void *mem)
{
	struct sys_heap_regions *set = sys_heap_regions_default();
	const struct sys_heap_region *r = sys_heap_regions_find(set, mem);

	return r != NULL ? region_rank_of_heap(r->heap) : -1;
}

int region_rank_of_heap(const struct sys_heap *heap)
{
	struct sys_heap_regions *set = sys_heap_regions_default();

	for (size_t i = 0u; i < sys_heap_regions_count(set); i++) {
		if (sys_heap_regions_at(set, i)->heap == heap) {
			return (int)i;
		}
	}
	return -1;
}

size_t allocated(struct sys_heap *heap)
{
	struct sys_memory_stats s;

	return sys_heap_runtime_stats_get(heap, &s) == 0 ? s.allocated_bytes : 0u;
}

size_t free_of(struct sys_heap *heap)
{
	struct sys_memory_stats s;

	return sys_heap_runtime_stats_get(heap, &s) == 0 ? s.free_bytes : 0u;
}

size_t regions_allocated(void)
{
	return allocated(&tcm) + allocated(&dma) + allocated(&ext);
}

void validate_all(const char *phase)
{
	if (!CHECK(sys_heap_regions_validate(sys_heap_regions_default()))) {
		printf("validation failed after: %s\n", phase);
	}
}

unsigned int foreign_reports;

void counting_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	(void)mem;
	(void)caller;
	foreign_reports += heap == NULL && error == SYS_HEAP_ERR_FOREIGN_POINTER;
}

void test_default_set(void)
{
	struct sys_heap_regions *set = sys_heap_regions_default();

	CHECK_EQ(sys_heap_regions_count(set), 3u + SYSTEM_REGIONS);
	CHECK_EQ(region_rank_of_heap(&tcm), SYSTEM_REGIONS + 0);
	CHECK_EQ(region_rank_of_heap(&dma), SYSTEM_REGIONS + 1);
	CHECK_EQ(region_rank_of_heap(&ext), SYSTEM_REGIONS + 2);
	/* Formatted before main by the registry. */
	CHECK(tcm.heap != NULL && dma.heap != NULL && ext.heap != NULL);
	/* Placed where their sections say (memory.ld). */
	CHECK(IN_SSRAM2(tcm.init_mem) && IN_SSRAM3(dma.init_mem) && IN_PSRAM(ext.init_mem));
	validate_all("start");
}

void flood_fill(struct flood *f, void **blocks, unsigned int max, void *(*alloc)(size_t),
		size_t unit)
{
	int last = 0;

	*f = (struct flood){ blocks, 0u, true, 0u };
	while (f->count < max) {
		unsigned char *p = alloc(unit);

		if (p == NULL) {
			break;
		}
		int rank = region_rank_of(p);

		f->ordered = f->ordered && rank >= last;
		last = rank;
		f->seen |= rank >= 0 ? 1u << rank : 0u;
		for (size_t i = 0u; i < unit; i++) {
			p[i] = (unsigned char)f->count;
		}
		blocks[f->count++] = p;
	}
}

bool flood_release(struct flood *f, void (*release)(void *), size_t unit)
{
	bool intact = true;

	for (unsigned int n = 0u; n < f->count; n++) {
		const unsigned char *b = f->blocks[n];

		intact = intact && b[0] == (unsigned char)n && b[unit - 1u] == (unsigned char)n;
		release(f->blocks[n]);
	}
	f->count = 0u;
	return intact;
}

enum { FLOOD = 1024, UNIT = 512 };
static void *flood_blocks[FLOOD];

static void *plain_caps_alloc(size_t bytes)
{
	return sys_heap_caps_alloc(0u, bytes);
}

/* Plain requests until none fits: the regions fill in rank order and the
 * DMA reserve stays, for DMA requests only. */
void test_caps_flood(void)
{
	size_t kept = regions_allocated();
	struct flood f;

	flood_fill(&f, flood_blocks, FLOOD, plain_caps_alloc, UNIT);
	CHECK(f.ordered);
	CHECK_EQ(f.seen, (1u << (3 + SYSTEM_REGIONS)) - 1u);
	CHECK(f.count < FLOOD);
	CHECK(free_of(&dma) >= DMA_RESERVE);
	validate_all("caps flood");

	void *rx = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, DMA_RESERVE / 2u);

	CHECK(rx != NULL && region_rank_of(rx) == region_rank_of_heap(&dma));
	CHECK(IN_SSRAM3(rx));
	/* NOCACHE is no reserve capability: it may not dip in. */
	CHECK(sys_heap_caps_alloc(SYS_HEAP_CAP_NOCACHE, DMA_RESERVE / 8u) == NULL);
	sys_heap_caps_free(rx);
	CHECK(flood_release(&f, sys_heap_caps_free, UNIT));
	CHECK_EQ(regions_allocated(), kept);
	validate_all("caps frees");
}

void test_caps_placement(void)
{
	size_t kept = regions_allocated();
	void *a = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, 256u);
	void *b = sys_heap_caps_alloc(SYS_HEAP_CAP_EXTERNAL, 256u);
	void *c = sys_heap_caps_alloc(SYS_HEAP_CAP_FAST, 256u);
	void *d = sys_heap_caps_aligned_alloc(SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_NOCACHE, 1024u, 100u);

	CHECK(a != NULL && region_rank_of(a) == region_rank_of_heap(&dma) && IN_SSRAM3(a));
	/* The granular heap's blocks start on its granule. */
	CHECK(((uintptr_t)a & (DMA_GRANULE - 1u)) == 0u);
	CHECK(b != NULL && region_rank_of(b) == region_rank_of_heap(&ext) && IN_PSRAM(b));
	/* FAST: the best-ranked FAST region, the system heap when it is one. */
	CHECK(c != NULL && region_rank_of(c) == 0);
	CHECK(d != NULL && region_rank_of(d) == region_rank_of_heap(&dma) &&
	      ((uintptr_t)d & 1023u) == 0u);
	/* Capabilities nobody has, or no region has together: NULL at once. */
	CHECK(sys_heap_caps_alloc(CAP_CAMERA, 16u) == NULL);
	CHECK(sys_heap_caps_alloc(SYS_HEAP_CAP_FAST | SYS_HEAP_CAP_DMA, 16u) == NULL);

	/* A DMA block that outgrows "dma" moves to "ext", the other DMA
	 * region, never to a FAST one; contents kept. */
	for (unsigned int i = 0u; i < 256u; i++) {
		((unsigned char *)a)[i] = (unsigned char)(i ^ 0x5au);
	}
	void *grown = sys_heap_caps_realloc(a, SYS_HEAP_CAP_DMA, DMA_BYTES);

	CHECK(grown != NULL && region_rank_of(grown) == region_rank_of_heap(&ext));
	CHECK(grown != NULL && ((unsigned char *)grown)[255] == (255u ^ 0x5au));
	/* A block in a region without the asked bits moves, even if it fits. */
	void *moved = sys_heap_caps_realloc(c, SYS_HEAP_CAP_DMA, 64u);

	CHECK(moved != NULL && region_rank_of(moved) == region_rank_of_heap(&dma));

	struct sys_memory_stats total;
	struct sys_memory_stats dma_only;

	CHECK_EQ(sys_heap_caps_get_stats(0u, &total), 0);
	CHECK_EQ(sys_heap_caps_get_stats(SYS_HEAP_CAP_DMA, &dma_only), 0);
	CHECK_EQ(total.allocated_bytes,
		 regions_allocated() +
			 (SYSTEM_REGIONS ? allocated(sys_heap_regions_at(sys_heap_regions_default(), 0u)->heap)
					 : 0u));
	CHECK_EQ(dma_only.allocated_bytes, allocated(&dma) + allocated(&ext));
	sys_heap_caps_free(grown);
	sys_heap_caps_free(b);
	sys_heap_caps_free(moved);
	sys_heap_caps_free(d);
	CHECK(sys_heap_caps_realloc(sys_heap_caps_alloc(0u, 8u), 0u, 0u) == NULL);
	CHECK_EQ(regions_allocated(), kept);
	validate_all("capabilities");
}

void test_caps_foreign(void)
{
	struct sys_heap_regions *set = sys_heap_regions_default();
	static int not_heap;
	/* volatile: GCC refuses a visible free of a static at compile time. */
	void *volatile foreign = &not_heap;
	struct sys_memory_stats before;
	struct sys_memory_stats after;

	CHECK_EQ(sys_heap_caps_get_stats(0u, &before), 0);
	/* The default hook stops the program: count instead. */
	sys_multi_heap_set_error_hook(&set->multi, counting_hook);
	foreign_reports = 0u;
	sys_heap_caps_free(foreign);
	CHECK(sys_heap_caps_realloc(foreign, 0u, 8u) == NULL);
	CHECK_EQ(foreign_reports, 2u);
	/* Overlapping regions are refused: the set stays as it was. */
	static struct sys_heap alias;
	static const struct sys_heap_region alias_region = { &alias, "alias", SYS_HEAP_CAP_DMA,
							     0u, 0u, 0u };

	alias.init_mem = (unsigned char *)ext.init_mem + 64;
	alias.init_bytes = 64u;
	CHECK_EQ(sys_heap_regions_add(set, &alias_region), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_regions_count(set), 3u + SYSTEM_REGIONS);
	sys_multi_heap_set_error_hook(&set->multi, NULL);
	CHECK_EQ(sys_heap_caps_get_stats(0u, &after), 0);
	CHECK_EQ(after.allocated_bytes, before.allocated_bytes);
	validate_all("foreign pointers");
}
