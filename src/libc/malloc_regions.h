/*
 * malloc_regions.h: the four operations of malloc.c over the default
 * capability regions (include/sys_heap_caps.h), chosen at build time with
 * SYS_HEAP_LIBC_REGIONS=1. Included by malloc.c in place of its
 * single-heap ones, after set_errno() and UNLIKELY().
 *
 * malloc draws from the system heap first (rank SYS_HEAP_LIBC_SYSTEM_RANK,
 * capabilities SYS_HEAP_LIBC_SYSTEM_CAPS), then from the firmware's
 * SYS_HEAP_REGION_DEFINE() regions in rank order, never from a reserve;
 * free and realloc take a pointer from any region. A realloc that moves
 * keeps the property bits (SYS_HEAP_CAPS_PROPERTIES: DMA, NOCACHE, the
 * user's) of the region the block was in, and like malloc never takes a
 * reserve (a block malloc placed in a DMA region must not grow into it). Each heap is entered under its
 * own lock, one at a time.
 */
#ifndef SYSHEAP_LIBC_MALLOC_REGIONS_H
#define SYSHEAP_LIBC_MALLOC_REGIONS_H

#include "sys_heap_caps.h"

const struct sys_heap_region *z_sysheap_libc_system_region(void);

/* The system heap as a region: strong, so the default set starts with it
 * (src/multi/regions_default.c has the weak "none"). Called once, while
 * the set is built. */
const struct sys_heap_region *z_sysheap_libc_system_region(void)
{
	static struct sys_heap_region system_region;

	system_region.heap = system_heap_get();
	system_region.name = "system";
	system_region.caps = SYS_HEAP_LIBC_SYSTEM_CAPS;
	system_region.rank = SYS_HEAP_LIBC_SYSTEM_RANK;
	return &system_region;
}

static void *heap_alloc(reent_t *r, size_t align, size_t bytes)
{
	void *mem = sys_heap_regions_alloc(sys_heap_regions_default(), 0u, align,
					   bytes == 0u ? 1u : bytes);

	if (UNLIKELY(mem == NULL)) {
		set_errno(r, ENOMEM);
	}
	return mem;
}

static void heap_free(void *mem)
{
	sys_heap_regions_free(sys_heap_regions_default(), mem);
}

static void *heap_realloc(reent_t *r, void *mem, size_t bytes)
{
	struct sys_heap_regions *set = sys_heap_regions_default();
	const struct sys_heap_region *from = sys_heap_regions_find(set, mem);
	uint32_t keep = (from != NULL ? from->caps & SYS_HEAP_CAPS_PROPERTIES : 0u) |
			SYS_HEAP_CAP_NO_RESERVE;
	/* realloc(p, 0) frees (malloc.c's rule); NULL p allocates. */
	void *moved = sys_heap_regions_realloc(set, keep, mem, 0u, bytes);

	if (UNLIKELY(moved == NULL && bytes != 0u)) {
		set_errno(r, ENOMEM);
	}
	return moved;
}

static size_t heap_usable(void *mem)
{
	const struct sys_heap_region *in = sys_heap_regions_find(sys_heap_regions_default(), mem);

	if (in == NULL) {
		return 0u;
	}
	sys_heap_lock_key_t key = sys_heap_lock_for(in->heap);
	size_t bytes = sys_heap_usable_size(in->heap, mem);

	sys_heap_unlock_for(in->heap, key);
	return bytes;
}

#endif
