/*
 * regions.c: capability regions on a multi-heap. The multi-heap's table
 * (sorted by address) finds a pointer's region; by_rank (sorted by rank,
 * stable) is the order requests try them in; all_caps turns away a
 * capability no region has before any heap is touched.
 *
 * Invariants: by_rank holds exactly the regions of multi.heaps (each
 * heap's user_data is its region), ranks never decrease along it, and
 * all_caps is the union of their caps.
 */
#include <stddef.h>

#include "multi_internal.h"

_Static_assert(offsetof(struct sys_heap_regions, multi) == 0u,
	       "set_of() finds the set from its multi-heap");

/* The set a multi-heap belongs to: `multi` is its first member. */
static struct sys_heap_regions *set_of(struct sys_multi_heap *mheap)
{
	/* Through an integer: the set is the object, not a reinterpretation
	 * of the multi-heap (and GCC's eager aliasing warning agrees). */
	return (struct sys_heap_regions *)((uintptr_t)mheap - offsetof(struct sys_heap_regions, multi));
}

static uint32_t caps_of(const void *cfg)
{
	return cfg != NULL ? *(const uint32_t *)cfg : 0u;
}

/* Does the region have every capability of the request (its flags aside)? */
static bool has_caps(const struct sys_heap_region *region, uint32_t caps)
{
	uint32_t wanted = caps & ~SYS_HEAP_CAP_NO_RESERVE;

	return (region->caps & wanted) == wanted;
}

/* A request with `caps` must leave the region's reserve alone: it asks
 * for none of the reserve's capabilities, or asks to stay out. */
static bool kept_from_reserve(const struct sys_heap_region *region, uint32_t caps)
{
	return region->reserve_bytes != 0u &&
	       ((caps & region->reserve_caps) == 0u || (caps & SYS_HEAP_CAP_NO_RESERVE) != 0u);
}

/* Free bytes of a heap, 0 when its statistics are unavailable. Called
 * with the heap's lock held. */
static size_t free_bytes(struct sys_heap *heap)
{
	struct sys_memory_stats stats;

	return sys_heap_runtime_stats_get(heap, &stats) == 0 ? stats.free_bytes : 0u;
}

/* One region's try. Under a reserve, a request that may not use it must
 * find reserve + bytes free first, and must still leave the reserve free
 * afterwards (headers and rounding cost more than `bytes`), else the
 * block goes back at once. */
static void *alloc_in_region(const struct sys_heap_region *region, uint32_t caps, size_t align,
			     size_t bytes)
{
	struct sys_heap *heap = region->heap;

	if (!kept_from_reserve(region, caps)) {
		return z_sysheap_multi_alloc_in(heap, align, bytes);
	}
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (key == SYS_HEAP_LOCK_REFUSED) { /* reported */
		return NULL;
	}
	size_t before = free_bytes(heap);
	void *mem = NULL;

	if (before >= region->reserve_bytes && before - region->reserve_bytes >= bytes) {
		mem = align > SYS_HEAP_NATURAL_ALIGN ? sys_heap_aligned_alloc(heap, align, bytes)
						     : sys_heap_alloc(heap, bytes);
		if (mem != NULL && free_bytes(heap) < region->reserve_bytes) {
			sys_heap_free(heap, mem);
			mem = NULL;
		}
	}
	sys_heap_unlock_for(heap, key);
	return mem;
}

/* The multi-heap choice function of every region set: `cfg` points to
 * the capability mask (NULL: none). */
static void *regions_choice(struct sys_multi_heap *mheap, void *cfg, size_t align, size_t bytes)
{
	struct sys_heap_regions *set = set_of(mheap);
	uint32_t caps = caps_of(cfg);

	if ((caps & ~(set->all_caps | SYS_HEAP_CAP_NO_RESERVE)) != 0u) {
		return NULL;
	}
	for (unsigned int i = 0u; i < mheap->nheaps; i++) {
		const struct sys_heap_region *region = set->by_rank[i];

		if (has_caps(region, caps)) {
			void *mem = alloc_in_region(region, caps, align, bytes);

			if (mem != NULL) {
				return mem;
			}
		}
	}
	return NULL;
}

void sys_heap_regions_init(struct sys_heap_regions *regions)
{
	sys_multi_heap_init(&regions->multi, regions_choice);
	regions->all_caps = 0u;
}

int sys_heap_regions_add(struct sys_heap_regions *regions, const struct sys_heap_region *region)
{
	void *caller = __builtin_return_address(0);

	if (region == NULL || (!SYS_HEAP_STATS && region->reserve_bytes != 0u)) {
		z_sysheap_multi_report(&regions->multi, NULL, SYS_HEAP_ERR_BAD_REGION, caller);
		return SYS_HEAP_ERR_INVALID;
	}
	int err = z_sysheap_multi_add(&regions->multi, region->heap, (void *)(uintptr_t)region,
				      caller);

	if (err != 0) {
		return err;
	}
	/* The table grew by one: slide worse-ranked regions up, so equal
	 * ranks keep the order they were added in. */
	unsigned int at = regions->multi.nheaps - 1u;

	while (at > 0u && regions->by_rank[at - 1u]->rank > region->rank) {
		regions->by_rank[at] = regions->by_rank[at - 1u];
		at--;
	}
	regions->by_rank[at] = region;
	regions->all_caps |= region->caps;
	return 0;
}

void *sys_heap_regions_alloc(struct sys_heap_regions *regions, uint32_t caps, size_t align,
			     size_t bytes)
{
	return regions_choice(&regions->multi, &caps, align, bytes);
}

/* A block stays in its region when the region has every requested bit
 * and, if it grows, no reserve is in the way (a move re-checks the
 * reserve exactly; a shrink never eats into it). */
static bool may_stay(const struct sys_multi_heap_rec *rec, void *cfg, bool grows)
{
	const struct sys_heap_region *region = rec->user_data;
	uint32_t caps = caps_of(cfg);

	return has_caps(region, caps) && !(grows && kept_from_reserve(region, caps));
}

void *sys_heap_regions_realloc(struct sys_heap_regions *regions, uint32_t caps, void *mem,
			       size_t align, size_t bytes)
{
	return z_sysheap_multi_realloc(&regions->multi, &caps, mem, align, bytes, may_stay,
				       __builtin_return_address(0));
}

void sys_heap_regions_free(struct sys_heap_regions *regions, void *mem)
{
	if (mem == NULL) {
		return;
	}
	const struct sys_multi_heap_rec *rec =
		z_sysheap_multi_owner(&regions->multi, mem, __builtin_return_address(0));

	if (rec != NULL) {
		z_sysheap_multi_free_in(rec->heap, mem);
	}
}

const struct sys_heap_region *sys_heap_regions_find(const struct sys_heap_regions *regions,
						    const void *mem)
{
	const struct sys_multi_heap_rec *rec =
		sys_multi_heap_get_heap(&regions->multi, (void *)(uintptr_t)mem);

	return rec != NULL ? rec->user_data : NULL;
}

int sys_heap_regions_stats(struct sys_heap_regions *regions, uint32_t caps,
			   struct sys_memory_stats *total)
{
	*total = (struct sys_memory_stats){ 0u, 0u, 0u, 0u };
	for (unsigned int i = 0u; i < regions->multi.nheaps; i++) {
		const struct sys_heap_region *region = regions->by_rank[i];

		if (!has_caps(region, caps)) {
			continue;
		}
		struct sys_memory_stats one;
		int err = sys_heap_locked_runtime_stats_get(region->heap, &one);

		if (err != 0) {
			return err;
		}
		total->free_bytes += one.free_bytes;
		total->allocated_bytes += one.allocated_bytes;
		/* Peaks of different regions need not coincide: the sum bounds
		 * the total's peak from above. */
		total->max_allocated_bytes += one.max_allocated_bytes;
		total->error_count += one.error_count;
	}
	return 0;
}

bool sys_heap_regions_validate(struct sys_heap_regions *regions)
{
	bool ok = true;

	for (unsigned int i = 0u; i < regions->multi.nheaps; i++) {
		ok = sys_heap_locked_validate(regions->by_rank[i]->heap) && ok;
	}
	return ok;
}
