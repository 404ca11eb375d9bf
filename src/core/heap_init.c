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

/* Where a heap of one header format lands inside [start, end). */
struct layout {
	uintptr_t base;       /* address of chunk 0, the descriptor */
	chunkid_t end_chunk;  /* unit index of the end marker */
	chunksz_t chunk0;     /* units taken by the descriptor and buckets */
	uint16_t mem_offset;  /* chunk start to user memory */
	uint8_t granule_shift;
	bool big;
};

static uint8_t log2_of(size_t power_of_two)
{
	return (uint8_t)__builtin_ctzl((unsigned long)power_of_two);
}

static size_t round_up(size_t value, size_t power_of_two)
{
	return (value + power_of_two - 1u) & ~(power_of_two - 1u);
}

/*
 * Fit one header format into the region. User memory must land on the
 * granule, so chunk 0 starts `mem_offset` bytes before a granule boundary.
 * On natural heaps mem_offset is the header, so the header of every chunk
 * sits right before the granule (4 mod 8 on small 32-bit heaps). On
 * granular (DMA) heaps it is a whole granule, so no block shares a cache
 * line with a header.
 */
static bool plan_layout(uintptr_t start, uintptr_t end, size_t granule_bytes, bool granular,
			bool big, struct layout *out)
{
	size_t header = big ? 8u : 4u;
	size_t offset = header + BLOCK_PREFIX_BYTES;

	if (granular) {
		offset = round_up(offset, granule_bytes);
	}
	chunksz_t granule = (chunksz_t)(granule_bytes / CHUNK_UNIT);

	if (start > UINTPTR_MAX - offset - granule_bytes) {
		return false;
	}
	uintptr_t base = (uintptr_t)round_up(start + offset, granule_bytes) - offset;

	if (base >= end || end - base < header + granule_bytes) {
		return false;
	}
	size_t units = (end - base - header) / CHUNK_UNIT;
	size_t max_units = big ? BIG_MAX_UNITS : SMALL_MAX_UNITS;

	if (units > max_units) {
		if (SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO && !big) {
			return false; /* too big for small headers: use big ones */
		}
		units = max_units; /* a fixed format clips the region */
	}
	chunkid_t end_chunk = (chunkid_t)units & ~(granule - 1u);
	uint8_t shift = log2_of(granule);
	uint32_t buckets = 32u - (uint32_t)__builtin_clz(end_chunk);
	size_t descriptor = sizeof(struct z_heap) + buckets * sizeof(uint32_t);
	chunksz_t chunk0 = (chunksz_t)(round_up(descriptor, granule_bytes) / CHUNK_UNIT);
	chunksz_t smallest_block =
		(chunksz_t)(round_up(1u + BLOCK_TAIL_BYTES + offset, granule_bytes) / CHUNK_UNIT);

	if (end_chunk < chunk0 || end_chunk - chunk0 < smallest_block) {
		return false;
	}
	*out = (struct layout){
		.base = base,
		.end_chunk = end_chunk,
		.chunk0 = chunk0,
		.mem_offset = (uint16_t)offset,
		.granule_shift = shift,
		.big = big,
	};
	return true;
}

static bool plan(uintptr_t start, uintptr_t end, size_t granule_bytes, bool granular,
		 struct layout *out)
{
	/* With per-heap formats the descriptor's address tells the format
	 * (chunk.h), and a granular heap starts on its granule, so it takes
	 * big headers: they fit in the granule it reserves anyway. */
	bool small_allowed = sizeof(void *) == 4u && SYS_HEAP_HEADER_FORMAT != SYS_HEAP_HEADER_BIG &&
			     !(granular && SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO);
	bool big_allowed = SYS_HEAP_HEADER_FORMAT != SYS_HEAP_HEADER_SMALL;

	/* Small headers first, where allowed; one call site keeps one copy. */
	for (uint32_t big = small_allowed ? 0u : 1u; big <= (big_allowed ? 1u : 0u); big++) {
		if (plan_layout(start, end, granule_bytes, granular, big != 0u, out)) {
			return true;
		}
	}
	return false;
}

static void format(const struct layout *l)
{
	struct z_heap *h = (struct z_heap *)l->base;
	chunkid_t first = l->chunk0;
	chunksz_t free_units = l->end_chunk - first;

	/* Every field that starts at 0 or NULL, the buckets and chunk 0's
	 * header included, in one loop: a store per word beats a store per
	 * field in flash. (NULL is all zero bits on every target we build.) */
	size_t words = sizeof(struct z_heap) / sizeof(uint32_t) +
		       (32u - (uint32_t)__builtin_clz(l->end_chunk));

	for (size_t w = 0u; w < words; w++) {
		((field32_t *)(void *)h)[w] = 0u;
	}
	h->end_chunk = l->end_chunk;
	h->mem_offset = l->mem_offset;
	h->big = l->big ? 1u : 0u;
	h->granule_shift = l->granule_shift;
	/* Two links of a field each: one unit on small heaps, two on big. */
	h->request_bias = (uint32_t)(BLOCK_TAIL_BYTES + l->mem_offset +
				     (CHUNK_UNIT << l->granule_shift) - 1u);
	h->granule_bytes_mask = (CHUNK_UNIT << l->granule_shift) - 1u;
	h->min_chunk = l->big ? 2u : 1u;
	if (h->min_chunk < (1u << l->granule_shift)) {
		h->min_chunk = 1u << l->granule_shift;
	}
	h->max_request = chunk_bytes(free_units) - l->mem_offset - BLOCK_TAIL_BYTES;
	/* Chunk 0's left size (0) and, on small heaps, its two never used
	 * link fields were zeroed above; on big heaps its link fields are
	 * end_chunk and avail_buckets. Nothing relies on them: chunk 0 is
	 * never free, and take_neighbour() (heap.c) refuses a link to it. */
	chunk_resize(h, 0u, first, true);
	chunk_resize(h, first, free_units, false);
	chunk_set_size_used(h, l->end_chunk, 0u, true);
	z_sysheap_free_list_add(h, first);
}

static bool init_region(struct sys_heap *heap, void *mem, size_t bytes,
			const struct sys_heap_options *options)
{
	size_t granule_bytes = SYS_HEAP_NATURAL_ALIGN;
	bool granular = false;
	struct layout l;

	heap->heap = NULL;
	heap->init_mem = mem;
	heap->init_bytes = bytes;
	heap->error_count = 0u;
	if (options != NULL && options->granule != 0u) {
		size_t g = options->granule;

		if ((g & (g - 1u)) != 0u || g > 4096u) {
			return false;
		}
		if (g > SYS_HEAP_NATURAL_ALIGN) {
			granule_bytes = g;
			granular = true;
		}
	}
	/* Below the documented minimum nothing is formatted, even where the
	 * start address would happen to leave room: the promise is exact. */
	if (mem == NULL || bytes < SYS_HEAP_MIN_BYTES) {
		return false;
	}
	uintptr_t start = (uintptr_t)mem;
	uintptr_t end = (bytes > UINTPTR_MAX - start) ? UINTPTR_MAX : start + bytes;

	if (!plan(start, end, granule_bytes, granular, &l)) {
		return false;
	}
	format(&l);
	heap->heap = (struct z_heap *)l.base;
#if HARDENING_GUARDS
	heap->heap->guard_key = (options != NULL && options->guard_key != 0u)
					? options->guard_key
					: z_sysheap_default_guard_key(heap->heap);
#endif
#if HARDENING_POISON
	chunkid_t first = first_chunk(heap->heap);

	block_retire(heap->heap, first);
#endif
	return true;
}

bool sys_heap_init_with(struct sys_heap *heap, void *mem, size_t bytes,
			const struct sys_heap_options *options)
{
	if (heap == NULL) {
		return false;
	}
	bool ok = init_region(heap, mem, bytes, options);

	/* A failed init keeps no region: a handle with a region but no heap
	 * is then only ever one that was never formatted (a SYS_HEAP_DEFINE
	 * heap before sys_heap_init_all(), SYS_HEAP_ERR_UNFORMATTED), while a
	 * failed init stays a documented NULL. */
	if (!ok) {
		heap->init_mem = NULL;
		heap->init_bytes = 0u;
	}
	return ok;
}

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	(void)sys_heap_init_with(heap, mem, bytes, NULL);
}
