/*
 * heap_validate.c: the structural walk. It is the executable form of the
 * invariants listed in chunk.h, and it survives any corruption: every
 * read stays inside the heap and every loop is bounded. It lives in the
 * core, not in diag/, because level FULL runs it on entry to every call
 * (hardening.h): the core depends on nothing outside src/core.
 */
#include "hardening.h"

/* Counts gathered by the walk in address order. */
struct walk_totals {
	uint32_t free_chunks;
	size_t free_bytes;
	size_t used_bytes;
};

static bool chunk_size_sane(const struct z_heap *h, chunkid_t c, chunksz_t size)
{
	return size >= min_chunk_size(h) && size <= h->end_chunk - c &&
	       (size & (granule_units(h) - 1u)) == 0u;
}

/* Guards of live blocks (level GUARDS) and poison of free chunks (level
 * POISON). Only called once the chunk's size is known to be sane. */
static bool block_contents_sane(const struct z_heap *h, chunkid_t c, bool used)
{
#if HARDENING_GUARDS
	enum sys_heap_error error;

	if (used) {
		return z_sysheap_guards_intact(h, c, &error);
	}
#endif
	(void)used;
	return block_free_memory_clean(h, c);
}

/* I1, I2, I3, I5: walk every chunk from the first to the end marker. */
static bool walk_chunks(const struct z_heap *h, struct walk_totals *t)
{
	chunkid_t c = first_chunk(h);
	chunksz_t prev_size = c;
	bool prev_free = false;

	while (c < h->end_chunk) {
		chunksz_t size = chunk_size(h, c);
		bool used = chunk_used(h, c);

		if (!chunk_size_sane(h, c, size) || left_size(h, c) != prev_size ||
		    (!used && prev_free)) {
			return false;
		}
		if (!block_contents_sane(h, c, used)) {
			return false;
		}
		if (used) {
			t->used_bytes += chunk_bytes(size);
		} else {
			t->free_chunks++;
			t->free_bytes += chunk_bytes(size);
		}
		prev_free = !used;
		prev_size = size;
		c += size;
	}
	return c == h->end_chunk && left_size(h, c) == prev_size;
}

/* A listed chunk must be a real free chunk start: inside the heap, on the
 * granule, free, in this bucket, linked both ways, and reachable from its
 * left neighbour. */
static bool listed_chunk_sane(const struct z_heap *h, chunkid_t c, uint32_t bucket)
{
	chunkid_t first = first_chunk(h);

	if (c < first || c >= h->end_chunk || (c & (granule_units(h) - 1u)) != 0u) {
		return false;
	}
	chunksz_t size = chunk_size(h, c);
	chunksz_t left = left_size(h, c);
	chunkid_t next = free_next(h, c);

	return !chunk_used(h, c) && chunk_size_sane(h, c, size) &&
	       bucket_index(size) == bucket && left <= c && right_chunk(h, c - left) == c &&
	       next >= first && next < h->end_chunk && free_prev(h, next) == c;
}

/* I4: every bucket list is a proper cycle of free chunks of its size class,
 * the bitmap agrees, and together they hold exactly the free chunks the
 * walk found (lists are disjoint by size class, so equal counts mean each
 * free chunk is listed once). */
static bool check_buckets(const struct z_heap *h, uint32_t free_chunks)
{
	uint32_t buckets = bucket_count(h);
	uint32_t listed = 0u;

	if (buckets < 32u && (h->avail_buckets >> buckets) != 0u) {
		return false;
	}
	for (uint32_t b = 0u; b < buckets; b++) {
		chunkid_t head = h->buckets[b];
		bool bit = ((h->avail_buckets >> b) & 1u) != 0u;

		if ((head != 0u) != bit) {
			return false;
		}
		if (head == 0u) {
			continue;
		}
		chunkid_t c = head;

		do {
			if (listed >= free_chunks || !listed_chunk_sane(h, c, b)) {
				return false;
			}
			listed++;
			c = free_next(h, c);
		} while (c != head);
	}
	return listed == free_chunks;
}

/* The descriptor itself, read before anything trusts its fields: the end
 * marker must lie inside the region the heap was given. */
static bool check_descriptor(const struct sys_heap *heap, const struct z_heap *h)
{
	uintptr_t region_end = (uintptr_t)heap->init_mem + heap->init_bytes;

	uintptr_t granule_mask = ((uintptr_t)CHUNK_UNIT << h->granule_shift) - 1u;

	/* The hot path takes a natural small heap's layout as constants. */
	bool natural_small_ok = !heap_is_natural_small(h) ||
				(h->mem_offset == NATURAL_SMALL_MEM_OFFSET && h->granule_shift == 0u);

	if ((uintptr_t)h < (uintptr_t)heap->init_mem || h->granule_shift >= 10u ||
	    !natural_small_ok || heap_is_big(h) != (h->big != 0u) ||
	    (((uintptr_t)h + h->mem_offset) & granule_mask) != 0u ||
	    (uintptr_t)chunk_addr(h, h->end_chunk) + chunk_header_bytes(h) > region_end) {
		return false;
	}
	chunkid_t first = first_chunk(h);
	chunksz_t granule = granule_units(h);

	chunksz_t links = heap_is_big(h) ? 2u : 1u;

	uint32_t bias = (uint32_t)(BLOCK_TAIL_BYTES + h->mem_offset + chunk_bytes(granule) - 1u);

	return h->min_chunk == (links > granule ? links : granule) && h->request_bias == bias &&
	       h->granule_bytes_mask == chunk_bytes(granule) - 1u && chunk_used(h, 0u) &&
	       left_size(h, 0u) == 0u &&
	       first > 0u && first < h->end_chunk && (first & (granule - 1u)) == 0u &&
	       (h->end_chunk & (granule - 1u)) == 0u && chunk_used(h, h->end_chunk) &&
	       chunk_size(h, h->end_chunk) == 0u && h->mem_offset >= chunk_header_bytes(h) &&
	       h->max_request == chunk_bytes(h->end_chunk - first) - h->mem_offset - BLOCK_TAIL_BYTES;
}

bool sys_heap_validate(struct sys_heap *heap)
{
	if (heap == NULL || heap->heap == NULL) {
		/* A region never formatted is a forgotten sys_heap_init_all(). */
		return heap == NULL || heap->init_mem == NULL;
	}
	const struct z_heap *h = heap->heap;
	struct walk_totals t = { 0u, 0u, 0u };

	if (!check_descriptor(heap, h) || !walk_chunks(h, &t) || !check_buckets(h, t.free_chunks)) {
		return false;
	}
#if SYS_HEAP_STATS
	/* I6: the incremental counters match what the walk saw. */
	if (h->allocated_bytes != t.used_bytes ||
	    t.free_bytes + t.used_bytes != chunk_area_bytes(h) ||
	    h->max_allocated_bytes < h->allocated_bytes) {
		return false;
	}
#endif
	return true;
}
