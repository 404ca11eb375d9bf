/*
 * regions_fw.c: malloc, capability allocations, new and printf over three
 * RAMs (tests/regions/memory.ld) and the system heap, with the library
 * and its newlib-nano glue built with SYS_HEAP_LIBC_REGIONS=1. Every heap
 * is validated after each phase. Run by `make test-regions`, which also
 * checks the regions' placement in the link map.
 *
 *   rank 0  system  PSRAM    FAST            (the libc system heap)
 *   rank 1  tcm     SSRAM2   FAST
 *   rank 2  dma     SSRAM3   DMA | NOCACHE   reserve 8 KiB for DMA
 *   rank 3  ext     PSRAM    EXTERNAL | DMA
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "regions_fw.h"
#include "sys_heap_libc.h"

#define SYSTEM_BYTES (48u * 1024u)
#define TCM_BYTES (32u * 1024u)
#define DMA_BYTES (32u * 1024u)
#define DMA_RESERVE (8u * 1024u)
#define EXT_BYTES (96u * 1024u)
#define CAP_CAMERA SYS_HEAP_CAP_USER(0)

SYS_HEAP_LIBC_HEAP(system_heap, SYSTEM_BYTES);
SYS_HEAP_REGION_DEFINE(tcm, TCM_BYTES, ".ram2.tcm", SYS_HEAP_CAP_FAST, 1);
SYS_HEAP_REGION_DEFINE_RESERVE(dma, DMA_BYTES, ".ram3.dma", SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_NOCACHE,
			       2, SYS_HEAP_CAP_DMA, DMA_RESERVE);
SYS_HEAP_REGION_DEFINE(ext, EXT_BYTES, ".noinit.ext", SYS_HEAP_CAP_EXTERNAL | SYS_HEAP_CAP_DMA, 3);

/* The memories of memory.ld, to check where blocks land. */
static bool in_memory(const void *p, uintptr_t origin, uintptr_t length)
{
	return (uintptr_t)p >= origin && (uintptr_t)p < origin + length;
}
#define IN_SSRAM2(p) in_memory((p), 0x20000000u, 0x200000u)
#define IN_SSRAM3(p) in_memory((p), 0x20200000u, 0x200000u)
#define IN_PSRAM(p) in_memory((p), 0x21000000u, 0x1000000u)

int region_rank_of(const void *mem)
{
	struct sys_heap_regions *set = sys_heap_regions_default();
	const struct sys_heap_region *r = sys_heap_regions_find(set, mem);

	for (size_t i = 0u; r != NULL && i < sys_heap_regions_count(set); i++) {
		if (sys_heap_regions_at(set, i) == r) {
			return (int)i;
		}
	}
	return -1;
}

static size_t allocated(struct sys_heap *heap)
{
	struct sys_memory_stats s;

	return sys_heap_runtime_stats_get(heap, &s) == 0 ? s.allocated_bytes : 0u;
}

static size_t free_of(struct sys_heap *heap)
{
	struct sys_memory_stats s;

	return sys_heap_runtime_stats_get(heap, &s) == 0 ? s.free_bytes : 0u;
}

static void validate_all(const char *phase)
{
	if (!CHECK(sys_heap_regions_validate(sys_heap_regions_default()))) {
		printf("validation failed after %s\n", phase);
	}
}

static void test_default_set(void)
{
	struct sys_heap_regions *set = sys_heap_regions_default();

	CHECK_EQ(sys_heap_regions_count(set), 4u);
	CHECK(sys_heap_regions_at(set, 0u)->heap == sys_heap_libc_heap());
	CHECK(sys_heap_regions_at(set, 1u)->heap == &tcm);
	CHECK(sys_heap_regions_at(set, 2u)->heap == &dma);
	CHECK(sys_heap_regions_at(set, 3u)->heap == &ext);
	/* Placed by the linker script where their sections say. */
	CHECK(IN_SSRAM2(tcm.init_mem) && IN_SSRAM3(dma.init_mem) && IN_PSRAM(ext.init_mem));
	CHECK(IN_PSRAM(system_heap.init_mem));
	validate_all("start");
}

enum { FLOOD = 1024, UNIT = 512 };
static void *flood[FLOOD];

/* malloc until it fails: the blocks go system, tcm, dma, ext, in that
 * order, and the DMA reserve is never touched. */
static void test_malloc_flood(void)
{
	/* What stdio keeps from the first printf (its buffer, in tcm). */
	size_t kept = allocated(&tcm) + allocated(&dma) + allocated(&ext);
	unsigned int n = 0u;
	int last = 0;
	bool ordered = true;
	bool seen[4] = { false, false, false, false };

	while (n < FLOOD) {
		void *p = malloc(UNIT);

		if (p == NULL) {
			break;
		}
		int rank = region_rank_of(p);

		ordered = ordered && rank >= last;
		last = rank;
		if (rank >= 0) {
			seen[rank] = true;
		}
		memset(p, (int)(n & 0xffu), UNIT);
		flood[n++] = p;
	}
	CHECK(ordered);
	CHECK(seen[0] && seen[1] && seen[2] && seen[3]);
	CHECK(n < FLOOD);
	CHECK(free_of(&dma) >= DMA_RESERVE);
	validate_all("malloc flood");

	/* The reserve serves DMA requests, and only them. */
	void *rx = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, DMA_RESERVE / 2u);

	CHECK(rx != NULL && IN_SSRAM3(rx));
	CHECK(sys_heap_caps_alloc(SYS_HEAP_CAP_NOCACHE, DMA_RESERVE / 8u) == NULL);
	sys_heap_caps_free(rx);
	/* Small mallocs fill the gaps the big ones left, never the reserve. */
	static void *crumbs[256];
	unsigned int crumb_count = 0u;

	while (crumb_count < 256u && (crumbs[crumb_count] = malloc(64)) != NULL) {
		crumb_count++;
	}
	CHECK(crumb_count < 256u);
	CHECK(free_of(&dma) >= DMA_RESERVE);
	for (unsigned int i = 0u; i < crumb_count; i++) {
		free(crumbs[i]);
	}

	/* Every block still holds what was written; free from every region. */
	bool intact = true;

	for (unsigned int i = 0u; i < n; i++) {
		const unsigned char *b = flood[i];

		intact = intact && b[0] == (i & 0xffu) && b[UNIT - 1] == (i & 0xffu);
		free(flood[i]);
	}
	CHECK(intact);
	CHECK_EQ(allocated(&tcm) + allocated(&dma) + allocated(&ext), kept);
	validate_all("frees");
}

static void test_caps_placement(void)
{
	size_t kept = allocated(&tcm) + allocated(&dma) + allocated(&ext);
	void *a = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, 256u);
	void *b = sys_heap_caps_alloc(SYS_HEAP_CAP_EXTERNAL, 256u);
	void *c = sys_heap_caps_alloc(SYS_HEAP_CAP_FAST, 256u);
	void *d = sys_heap_caps_aligned_alloc(SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_NOCACHE, 1024u, 100u);

	CHECK(a != NULL && IN_SSRAM3(a));
	CHECK(b != NULL && IN_PSRAM(b) && region_rank_of(b) == 3);
	CHECK(c != NULL && region_rank_of(c) == 0);
	CHECK(d != NULL && IN_SSRAM3(d) && ((uintptr_t)d & 1023u) == 0u);
	/* Capabilities nobody has, or no region has together: NULL at once. */
	CHECK(sys_heap_caps_alloc(CAP_CAMERA, 16u) == NULL);
	CHECK(sys_heap_caps_alloc(SYS_HEAP_CAP_FAST | SYS_HEAP_CAP_DMA, 16u) == NULL);

	/* realloc() keeps the property bits of the block's region: "dma" is
	 * the only NOCACHE region, so a block too big for it stays put. Asked
	 * for DMA alone, it moves to "ext", the other DMA region, never to a
	 * FAST one; contents kept. */
	memset(a, 0x5a, 256u);
	/* Through a volatile: GCC takes a after realloc for a use after free. */
	void *(*volatile libc_realloc)(void *, size_t) = realloc;

	CHECK(libc_realloc(a, DMA_BYTES) == NULL);
	void *grown = sys_heap_caps_realloc(a, SYS_HEAP_CAP_DMA, DMA_BYTES);

	CHECK(grown != NULL && region_rank_of(grown) == 3);
	CHECK(grown != NULL && ((unsigned char *)grown)[255] == 0x5a);
	void *moved = sys_heap_caps_realloc(c, SYS_HEAP_CAP_DMA, 64u);

	CHECK(moved != NULL && IN_SSRAM3(moved));

	struct sys_memory_stats total;
	struct sys_memory_stats dma_only;

	CHECK_EQ(sys_heap_caps_get_stats(0u, &total), 0);
	CHECK_EQ(sys_heap_caps_get_stats(SYS_HEAP_CAP_DMA, &dma_only), 0);
	CHECK_EQ(total.allocated_bytes,
		 allocated(sys_heap_libc_heap()) + allocated(&tcm) + allocated(&dma) + allocated(&ext));
	CHECK_EQ(dma_only.allocated_bytes, allocated(&dma) + allocated(&ext));
	free(grown);
	free(b);
	sys_heap_caps_free(moved);
	free(d);
	CHECK_EQ(allocated(&tcm) + allocated(&dma) + allocated(&ext), kept);
	validate_all("capabilities");
}

/* printf's buffers and new, with the system heap full: they come from the
 * next region. */
static void test_printf_and_new_spill(void)
{
	unsigned int n = 0u;

	while (n < FLOOD) {
		void *p = malloc(UNIT);

		if (p == NULL || region_rank_of(p) != 0) {
			free(p);
			break;
		}
		flood[n++] = p;
	}
	size_t tcm_before = allocated(&tcm);

	/* The first output of this firmware: stdio allocates its buffer now. */
	printf("regions: system heap full after %u blocks; printf from tcm\n", n);
	CHECK(allocated(&tcm) > tcm_before);
	test_new_across_regions();
	for (unsigned int i = 0u; i < n; i++) {
		free(flood[i]);
	}
	validate_all("printf and new");
}

static unsigned int foreign_reports;

static void counting_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			  void *caller)
{
	(void)mem;
	(void)caller;
	foreign_reports += heap == NULL && error == SYS_HEAP_ERR_FOREIGN_POINTER;
}

static void test_foreign_free(void)
{
	struct sys_heap_regions *set = sys_heap_regions_default();
	const struct sys_memory_stats zero = { 0u, 0u, 0u, 0u };
	struct sys_memory_stats before = zero;
	struct sys_memory_stats after = zero;

	/* The firmware's default hook stops it: count instead. */
	CHECK_EQ(sys_heap_caps_get_stats(0u, &before), 0);
	sys_multi_heap_set_error_hook(&set->multi, counting_hook);
	static int not_heap;
	/* volatile: GCC refuses a visible free of a static at compile time. */
	void *volatile foreign = &not_heap;
	void *p = malloc(16);

	free(foreign);
	CHECK(realloc(foreign, 8) == NULL);
	free(p);
	sys_multi_heap_set_error_hook(&set->multi, NULL);
	CHECK_EQ(foreign_reports, 2u);
	CHECK_EQ(sys_heap_caps_get_stats(0u, &after), 0);
	CHECK_EQ(after.allocated_bytes, before.allocated_bytes);
	validate_all("foreign free");
}

int main(void)
{
	test_default_set();
	test_printf_and_new_spill();
	test_malloc_flood();
	test_caps_placement();
	test_foreign_free();
	return harness_summary();
}
