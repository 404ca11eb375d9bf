/*
 * regions_libc.c: malloc, free, realloc and printf over the regions, with
 * the library and its newlib-nano glue built with SYS_HEAP_LIBC_REGIONS=1
 * (firmware only).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "regions_fw.h"
#include "sys_heap_libc.h"

enum { FLOOD = 1024, UNIT = 512 };
static void *flood_blocks[FLOOD];

/* printf's buffer and new, with the system heap full: they come from the
 * next regions. Runs before anything prints. */
void test_printf_and_new_spill(void)
{
	unsigned int n = 0u;

	while (n < FLOOD) {
		void *p = malloc(UNIT);

		if (p == NULL || region_rank_of(p) != 0) {
			free(p);
			break;
		}
		flood_blocks[n++] = p;
	}
	size_t before = regions_allocated();

	/* The first output of this firmware: stdio allocates its buffer now. */
	printf("regions: system heap full after %u blocks; printf from the next region\n", n);
	CHECK(regions_allocated() > before);
	test_new_across_regions();
	for (unsigned int i = 0u; i < n; i++) {
		free(flood_blocks[i]);
	}
	validate_all("printf and new");
}

/* malloc until it fails: system, tcm, dma, ext in that order, never the
 * DMA reserve; then small blocks into the gaps, still not the reserve. */
void test_malloc_flood(void)
{
	size_t kept = regions_allocated();
	struct flood f;

	flood_fill(&f, flood_blocks, FLOOD, malloc, UNIT);
	CHECK(f.ordered);
	CHECK_EQ(f.seen, 0xfu);
	CHECK(f.count < FLOOD);
	CHECK(free_of(&dma) >= DMA_RESERVE);
	static void *crumbs[256];
	unsigned int crumb_count = 0u;

	while (crumb_count < 256u && (crumbs[crumb_count] = malloc(64)) != NULL) {
		crumb_count++;
	}
	CHECK(crumb_count < 256u);
	CHECK(free_of(&dma) >= DMA_RESERVE);
	validate_all("malloc flood");

	void *rx = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, DMA_RESERVE / 2u);

	CHECK(rx != NULL && IN_SSRAM3(rx));
	free(rx);
	for (unsigned int i = 0u; i < crumb_count; i++) {
		free(crumbs[i]);
	}
	CHECK(flood_release(&f, free, UNIT));
	CHECK_EQ(regions_allocated(), kept);
	validate_all("malloc frees");
}

/* realloc() keeps the property bits of the block's region: "dma" is the
 * only NOCACHE region, so a block too big for it stays put; a plain block
 * grows across regions. Foreign pointers go to the hook. */
void test_libc_realloc_and_foreign(void)
{
	size_t kept = regions_allocated();
	void *a = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_NOCACHE, 256u);
	/* Through a volatile: GCC takes `a` after a failed realloc for a use
	 * after free. */
	void *(*volatile libc_realloc)(void *, size_t) = realloc;

	CHECK(a != NULL && IN_SSRAM3(a));
	memset(a, 0x5a, 256u);
	CHECK(libc_realloc(a, DMA_BYTES) == NULL);
	CHECK(((unsigned char *)a)[255] == 0x5a);
	free(a);

	void *p = malloc(100);

	CHECK(p != NULL && region_rank_of(p) == 0);
	memset(p, 0x33, 100u);
	void *big = realloc(p, SYSTEM_BYTES);

	CHECK(big != NULL && region_rank_of(big) == region_rank_of_heap(&ext));
	CHECK(big != NULL && ((unsigned char *)big)[99] == 0x33);
	CHECK(malloc_usable_size(big) >= SYSTEM_BYTES);
	free(big);

	struct sys_heap_regions *set = sys_heap_regions_default();
	static int not_heap;
	void *volatile foreign = &not_heap;

	sys_multi_heap_set_error_hook(&set->multi, counting_hook);
	foreign_reports = 0u;
	free(foreign);
	CHECK(libc_realloc(foreign, 8) == NULL);
	CHECK_EQ(foreign_reports, 2u);
	sys_multi_heap_set_error_hook(&set->multi, NULL);
	CHECK_EQ(regions_allocated(), kept);
	validate_all("realloc and foreign");
}
