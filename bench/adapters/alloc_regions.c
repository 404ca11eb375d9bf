/*
 * alloc_regions.c: a region set as a bench_allocator. The timed free is
 * sys_heap_regions_free() itself; alloc, aligned alloc and realloc go
 * through one-line shims that put the caps 0 (and alignment 0) argument
 * in, since the suite calls (heap, bytes): a tail call of a few
 * instructions, counted in the results (docs/bench-regions.md says so).
 */
#include "alloc_regions.h"

#include "alloc_sysheap.h"
#include "sys_heap_caps.h"

static struct sys_heap heaps[BENCH_REGIONS_MAX];
static struct sys_heap_region regions[BENCH_REGIONS_MAX];
static struct sys_heap_regions set;
static unsigned region_count;

static void *regions_alloc_shim(struct sys_heap_regions *s, size_t bytes)
{
	return sys_heap_regions_alloc(s, 0u, 0u, bytes);
}

static void *regions_aligned_shim(struct sys_heap_regions *s, size_t align, size_t bytes)
{
	return sys_heap_regions_alloc(s, 0u, align, bytes);
}

static void *regions_realloc_shim(struct sys_heap_regions *s, void *mem, size_t bytes)
{
	return sys_heap_regions_realloc(s, 0u, mem, 0u, bytes);
}

/* Equal parts of the arena, each on an 8-byte boundary, ranks in address
 * order. */
static bool regions_reset(struct bench_allocator *a, void *arena, size_t bytes)
{
	(void)a;
	size_t part = (bytes / region_count) & ~(size_t)7u;

	sys_heap_regions_init(&set);
	sys_multi_heap_set_error_hook(&set.multi, sysheap_count_error);
	for (unsigned i = 0u; i < region_count; i++) {
		sys_heap_init(&heaps[i], (uint8_t *)arena + i * part, part);
		if (heaps[i].heap == NULL) {
			return false;
		}
		sys_heap_set_error_hook(&heaps[i], sysheap_count_error);
		regions[i] = (struct sys_heap_region){ .heap = &heaps[i], .name = "bench",
						       .rank = (uint8_t)i };
		if (sys_heap_regions_add(&set, &regions[i]) != 0) {
			return false;
		}
	}
	return true;
}

static bool regions_validate(struct bench_allocator *a)
{
	(void)a;
	return sysheap_error_hook_calls() == 0u && sys_heap_regions_validate(&set);
}

static size_t regions_footprint(struct bench_allocator *a)
{
	struct sys_memory_stats st;

	(void)a;
	return sys_heap_regions_stats(&set, 0u, &st) == 0 ? st.allocated_bytes : 0u;
}

void regions_allocator(struct bench_allocator *a, const char *name, unsigned count)
{
	region_count = count < BENCH_REGIONS_MAX ? count : BENCH_REGIONS_MAX;
	*a = (struct bench_allocator){
		.name = name,
		.heap = &set,
		.alloc_fn = (void *)regions_alloc_shim,
		.free_fn = (void *)sys_heap_regions_free,
		.aligned_fn = (void *)regions_aligned_shim,
		.realloc_fn = (void *)regions_realloc_shim,
		.reset = regions_reset,
		.validate = regions_validate,
		.footprint = regions_footprint,
		.hdr_bytes = sizeof(void *) > 4u ? 8u : 4u,
	};
}
