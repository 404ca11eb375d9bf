/*
 * heap_init.c: turn any region into a formatted heap in O(1): plan where
 * chunk 0 and the end marker go, write the descriptor, and file the one
 * free chunk in between.
 */
#include "hardening.h"

/* Chunk sizes are stored shifted left by one (the used flag). */
#define SMALL_MAX_UNITS SYS_HEAP_SMALL_MAX_UNITS
#define BIG_MAX_UNITS 0x7fffffffu

_Static_assert(SYS_HEAP_NATURAL_ALIGN % CHUNK_UNIT == 0u, "granules are whole units");

/* Whether small headers may be used at all: with per-heap formats the
 * descriptor's address tells the format (chunk.h), and a granular heap
 * starts on its granule, so it takes big headers: they fit in the granule
 * it reserves anyway. */
static bool small_headers_allowed(bool granular)
{
	return sizeof(void *) == 4u && SYS_HEAP_HEADER_FORMAT != SYS_HEAP_HEADER_BIG &&
	       !(granular && SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO);
}

static size_t round_up(size_t value, size_t power_of_two)
{
	return (value + power_of_two - 1u) & ~(power_of_two - 1u);
}

/* Bytes from `start` up to the first address at which `offset` more
 * bytes end on a granule: where chunk 0 goes. */
static size_t skip_to_base(uintptr_t start, size_t offset, size_t granule_bytes)
{
	return (size_t)(0u - start - offset) & (granule_bytes - 1u);
}

/*
 * Format [start, start + room) in one pass, or return NULL when it holds
 * no heap. User memory must land on the granule, so chunk 0 starts
 * `offset` bytes before a granule boundary. On natural heaps the offset is
 * the header (and any prefix), so every chunk's header sits right before
 * the granule (4 mod 8 on small 32-bit heaps). On granular (DMA) heaps it
 * is a whole granule, so no block shares a cache line with a header.
 *
 * The header format is chosen first: small headers where allowed and
 * where the region's units fit a small field; a fixed format instead
 * clips the region to the largest heap it can describe.
 */
static struct z_heap *format_region(uintptr_t start, size_t room, size_t granule_bytes,
				    bool granular)
{
	size_t header = 4u;

	if (!small_headers_allowed(granular) ||
	    (SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO &&
	     room - skip_to_base(start, 4u + BLOCK_PREFIX_BYTES, granule_bytes) - 4u >=
		     (size_t)(SMALL_MAX_UNITS + 1u) * CHUNK_UNIT)) {
		header = 8u;
	}
	size_t offset = header + BLOCK_PREFIX_BYTES;

	if (granular) {
		offset = round_up(offset, granule_bytes);
	}
	size_t skip = skip_to_base(start, offset, granule_bytes);

	/* room ends at or below UINTPTR_MAX, so nothing past here overflows. */
	if (room < skip + header + granule_bytes) {
		return NULL;
	}
	size_t units = (room - skip - header) / CHUNK_UNIT;
	size_t max_units = (header == 8u) ? BIG_MAX_UNITS : SMALL_MAX_UNITS;

	if (units > max_units) {
		units = max_units; /* a fixed format clips the region */
	}
	chunksz_t granule = (chunksz_t)(granule_bytes / CHUNK_UNIT);
	chunkid_t end_chunk = (chunkid_t)units & ~(granule - 1u);
	uint32_t buckets = 32u - (uint32_t)__builtin_clz(end_chunk);
	size_t descriptor_words = sizeof(struct z_heap) / sizeof(uint32_t) + buckets;
	chunksz_t first =
		(chunksz_t)(round_up(descriptor_words * sizeof(uint32_t), granule_bytes) / CHUNK_UNIT);

	/* Room for chunk 0 and one block of a byte, or no heap. */
	if (end_chunk < first ||
	    chunk_bytes(end_chunk - first) < round_up(1u + BLOCK_TAIL_BYTES + offset, granule_bytes)) {
		return NULL;
	}
	struct z_heap *h = (struct z_heap *)(start + skip);
	chunksz_t free_units = end_chunk - first;

	/* Every field that starts at 0 or NULL, the buckets and chunk 0's
	 * header included, in one loop: a store per word beats a store per
	 * field in flash. (NULL is all zero bits on every target we build.) */
	for (size_t w = 0u; w < descriptor_words; w++) {
		((field32_t *)(void *)h)[w] = 0u;
	}
	h->end_chunk = end_chunk;
	h->mem_offset = (uint16_t)offset;
	h->big = (header == 8u) ? 1u : 0u;
	h->granule_shift = (uint8_t)__builtin_ctz(granule);
	h->request_bias = (uint32_t)(BLOCK_TAIL_BYTES + offset + granule_bytes - 1u);
	h->granule_bytes_mask = (uint32_t)(granule_bytes - 1u);
	/* A header and two links of a field each: one unit on small heaps,
	 * two on big ones; at least a granule. */
	h->min_chunk = (granule > header / 4u) ? granule : (chunksz_t)(header / 4u);
	h->max_request = chunk_bytes(free_units) - offset - BLOCK_TAIL_BYTES;
	/* Chunk 0's left size (0) and, on small heaps, its two never used
	 * link fields were zeroed above; on big heaps its link fields are
	 * end_chunk and avail_buckets. Nothing relies on them: chunk 0 is
	 * never free, and take_neighbour() (heap.c) refuses a link to it. */
	chunk_resize(h, 0u, first, true);
	chunk_set_size_used(h, end_chunk, 0u, true);
	z_sysheap_file_free(h, first, free_units);
	return h;
}

static bool init_region(struct sys_heap *heap, void *mem, size_t bytes,
			const struct sys_heap_options *options)
{
	size_t granule_bytes = SYS_HEAP_NATURAL_ALIGN;
	size_t g = (options != NULL) ? options->granule : 0u;

	if ((g & (g - 1u)) != 0u || g > 4096u) {
		return false;
	}
	if (g > granule_bytes) {
		granule_bytes = g;
	}
	/* Below the documented minimum nothing is formatted, even where the
	 * start address would happen to leave room: the promise is exact. */
	if (mem == NULL || bytes < SYS_HEAP_MIN_BYTES) {
		return false;
	}
	uintptr_t start = (uintptr_t)mem;
	size_t room = (bytes > UINTPTR_MAX - start) ? (size_t)(UINTPTR_MAX - start) : bytes;
	struct z_heap *h =
		format_region(start, room, granule_bytes, granule_bytes > SYS_HEAP_NATURAL_ALIGN);

	if (h == NULL) {
		return false;
	}
	heap->heap = h;
#if HARDENING_GUARDS
	h->guard_key = (options != NULL && options->guard_key != 0u)
			       ? options->guard_key
			       : z_sysheap_default_guard_key(h);
#endif
#if HARDENING_POISON
	block_retire(h, first_chunk(h));
#endif
	return true;
}

bool sys_heap_init_with(struct sys_heap *heap, void *mem, size_t bytes,
			const struct sys_heap_options *options)
{
	if (heap == NULL) {
		return false;
	}
	/* A failed init keeps no region: a handle with a region but no heap
	 * is then only ever one that was never formatted (a SYS_HEAP_DEFINE
	 * heap before sys_heap_init_all(), SYS_HEAP_ERR_UNFORMATTED), while a
	 * failed init stays a documented NULL. */
	heap->heap = NULL;
	heap->init_mem = NULL;
	heap->init_bytes = 0u;
	heap->error_count = 0u;
	if (!init_region(heap, mem, bytes, options)) {
		return false;
	}
	heap->init_mem = mem;
	heap->init_bytes = bytes;
	return true;
}

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	(void)sys_heap_init_with(heap, mem, bytes, NULL);
}
