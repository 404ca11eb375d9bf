/*
 * chunk.h: the chunk layout and its accessors. The only file that knows
 * the bits: which field sits where, how wide it is, where the used flag
 * lives. Everything else reads and writes chunks through these helpers.
 *
 * A heap is an array of 8-byte units starting at the descriptor
 * (struct z_heap). A chunk is a run of units named by the index of its
 * first unit (a chunkid_t). Each chunk starts with a header of two fields:
 *
 *   SIZE_AND_USED  chunk size in units << 1 | used flag
 *   LEFT_SIZE      size of the chunk to the left, for merging left
 *
 * Fields are 16 bits wide on small heaps (a 4-byte header) and 32 bits on
 * big heaps (8 bytes). A free chunk also holds two free-list links right
 * after its header, in memory the user does not own while it is free:
 *
 *   FREE_PREV, FREE_NEXT  neighbours in the bucket's circular list
 *
 * so the smallest chunk is 8 bytes on small heaps and 16 on big ones.
 *
 * Invariants, all checked by sys_heap_validate():
 *   I1  chunk 0 holds the descriptor and is used; the end marker (size 0)
 *       is used; every other chunk's size >= min_chunk_size().
 *   I2  right_chunk(c) == c + chunk_size(c), and the left_size of that
 *       chunk equals chunk_size(c).
 *   I3  no two free chunks are adjacent (a free merges at once).
 *   I4  every free chunk is in exactly the bucket bucket_index(size), and
 *       in no other; bucket b's bit in avail_buckets is set iff its list
 *       is non-empty.
 *   I5  chunk ids and sizes are multiples of the granule (1 << shift).
 *   I6  allocated_bytes == the bytes of all used chunks between chunk 0
 *       and the end marker (so the free ones hold the rest).
 *   I7  the memory of every chunk (its start + mem_offset) lies on the
 *       granule: 8 bytes on 32-bit targets, 16 on 64-bit hosts, or the
 *       heap's own. With per-heap formats a small heap's descriptor sits
 *       at 4 mod 8 and a big heap's at 0 mod 8 (see heap_is_big()).
 */
#ifndef SYSHEAP_CHUNK_H
#define SYSHEAP_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_heap.h"

typedef uint32_t chunkid_t;
typedef uint32_t chunksz_t;

enum chunk_field {
	FIELD_SIZE_AND_USED = 0,
	FIELD_LEFT_SIZE = 1,
	FIELD_FREE_PREV = 2,
	FIELD_FREE_NEXT = 3,
};

#define CHUNK_UNIT SYS_HEAP_CHUNK_UNIT

/* The accessors are a notation, not functions: -Os would otherwise turn
 * each field access into a call. */
#if defined(__GNUC__)
#define SYSHEAP_INLINE static inline __attribute__((always_inline))
#define SYSHEAP_LIKELY(x) __builtin_expect(!!(x), 1)
#define SYSHEAP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SYSHEAP_INLINE static inline
#define SYSHEAP_LIKELY(x) (x)
#define SYSHEAP_UNLIKELY(x) (x)
#endif

/* The larger pieces of the hot path (list operations, merging): one shared
 * copy each by default, where flash is the headline; inlined into alloc
 * and free with SYS_HEAP_OPTIMIZE_SPEED. */
#if !SYS_HEAP_OPTIMIZE_SPEED && defined(__GNUC__)
#define SYSHEAP_HOT static __attribute__((noinline))
#else
#define SYSHEAP_HOT SYSHEAP_INLINE
#endif

/* Headers and links are 16- and 32-bit values inside byte buffers and
 * inside memory the user had: these types may alias anything, so a
 * firmware that compiles the sources with plain -O2 (strict aliasing on)
 * stays defined. Each access is still one load or store. */
#if defined(__GNUC__)
typedef uint16_t __attribute__((__may_alias__)) field16_t;
typedef uint32_t __attribute__((__may_alias__)) field32_t;
#else
#error "libsysheap needs GCC or Clang (may_alias, builtins)"
#endif

/* Bytes each block carries before and after its memory for the hardening
 * level and tracing in force (hardening.h says what goes there). */
#define BLOCK_PREFIX_BYTES Z_SYS_HEAP_BLOCK_PREFIX_BYTES
#define BLOCK_TAIL_BYTES Z_SYS_HEAP_BLOCK_TAIL_BYTES

/* Layout assumptions the accessors rely on. */
_Static_assert(CHUNK_UNIT == 8u, "fields of a big header must fit one unit");
_Static_assert(sizeof(void *) == 4u || sizeof(void *) == 8u, "32- or 64-bit targets only");
_Static_assert(offsetof(struct z_heap, chunk0_header) == 0u,
	       "chunk 0's header must be the first bytes of the descriptor");
_Static_assert(sizeof(void *) == 4u || SYS_HEAP_HEADER_FORMAT != SYS_HEAP_HEADER_SMALL,
	       "64-bit heaps need 8-byte headers to keep 16-byte alignment");

/*
 * The header format of a heap. A fixed format lets the compiler drop the
 * test. With per-heap formats on 32-bit targets, the format is read from
 * the descriptor's address rather than from memory: heap_init places
 * chunk 0 of a small heap at 4 mod 8 and of a big heap at 0 mod 8, so the
 * test is one instruction on a register and no store can force a reload.
 */
SYSHEAP_INLINE bool heap_is_big(const struct z_heap *h)
{
#if SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_BIG
	(void)h;
	return true;
#elif SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_SMALL
	(void)h;
	return false;
#else
	return sizeof(void *) > 4u || ((uintptr_t)h & 4u) == 0u;
#endif
}

SYSHEAP_INLINE uint8_t *heap_base(const struct z_heap *h)
{
	return (uint8_t *)(uintptr_t)h;
}

SYSHEAP_INLINE uint8_t *chunk_addr(const struct z_heap *h, chunkid_t c)
{
	return heap_base(h) + (size_t)c * CHUNK_UNIT;
}

SYSHEAP_INLINE size_t chunk_header_bytes(const struct z_heap *h)
{
	return heap_is_big(h) ? 8u : 4u;
}

/* The chunk starting at address p (a chunk_addr()). */
SYSHEAP_INLINE chunkid_t chunk_at(const struct z_heap *h, const uint8_t *p)
{
	return (chunkid_t)((size_t)(p - heap_base(h)) / CHUNK_UNIT);
}

/* Field f of the chunk at address p: for loops that walk by address. */
SYSHEAP_INLINE uint32_t chunk_field_at(const struct z_heap *h, const uint8_t *p, enum chunk_field f)
{
	if (heap_is_big(h)) {
		return ((const field32_t *)(const void *)p)[f];
	}
	return ((const field16_t *)(const void *)p)[f];
}

SYSHEAP_INLINE uint32_t chunk_field(const struct z_heap *h, chunkid_t c, enum chunk_field f)
{
	return chunk_field_at(h, chunk_addr(h, c), f);
}

SYSHEAP_INLINE void chunk_field_set(struct z_heap *h, chunkid_t c, enum chunk_field f,
				   uint32_t value)
{
	uint8_t *p = chunk_addr(h, c);

	if (heap_is_big(h)) {
		((field32_t *)(void *)p)[f] = value;
	} else {
		((field16_t *)(void *)p)[f] = (uint16_t)value;
	}
}

/* A SIZE_AND_USED word, decoded: callers that read a header once (free's
 * view, the sampling loop) keep the word and take it apart here. */
SYSHEAP_INLINE chunksz_t word_size(uint32_t size_and_used)
{
	return size_and_used >> 1;
}

SYSHEAP_INLINE bool word_used(uint32_t size_and_used)
{
	return (size_and_used & 1u) != 0u;
}

SYSHEAP_INLINE chunksz_t chunk_size(const struct z_heap *h, chunkid_t c)
{
	return word_size(chunk_field(h, c, FIELD_SIZE_AND_USED));
}

SYSHEAP_INLINE bool chunk_used(const struct z_heap *h, chunkid_t c)
{
	return word_used(chunk_field(h, c, FIELD_SIZE_AND_USED));
}

/* Size and used flag share a field, so they are written together. */
SYSHEAP_INLINE void chunk_set_size_used(struct z_heap *h, chunkid_t c, chunksz_t size, bool used)
{
	chunk_field_set(h, c, FIELD_SIZE_AND_USED, (size << 1) | (used ? 1u : 0u));
}

SYSHEAP_INLINE void chunk_set_used(struct z_heap *h, chunkid_t c, bool used)
{
	chunk_set_size_used(h, c, chunk_size(h, c), used);
}

SYSHEAP_INLINE chunksz_t left_size(const struct z_heap *h, chunkid_t c)
{
	return chunk_field(h, c, FIELD_LEFT_SIZE);
}

SYSHEAP_INLINE void set_left_size(struct z_heap *h, chunkid_t c, chunksz_t size)
{
	chunk_field_set(h, c, FIELD_LEFT_SIZE, size);
}

SYSHEAP_INLINE chunkid_t free_prev(const struct z_heap *h, chunkid_t c)
{
	return chunk_field(h, c, FIELD_FREE_PREV);
}

SYSHEAP_INLINE chunkid_t free_next(const struct z_heap *h, chunkid_t c)
{
	return chunk_field(h, c, FIELD_FREE_NEXT);
}

SYSHEAP_INLINE void set_free_prev(struct z_heap *h, chunkid_t c, chunkid_t prev)
{
	chunk_field_set(h, c, FIELD_FREE_PREV, prev);
}

SYSHEAP_INLINE void set_free_next(struct z_heap *h, chunkid_t c, chunkid_t next)
{
	chunk_field_set(h, c, FIELD_FREE_NEXT, next);
}

SYSHEAP_INLINE chunkid_t right_chunk(const struct z_heap *h, chunkid_t c)
{
	return c + chunk_size(h, c);
}

SYSHEAP_INLINE chunkid_t left_chunk(const struct z_heap *h, chunkid_t c)
{
	return c - left_size(h, c);
}

/* Write a chunk's size and keep its right neighbour's back-link in step
 * (invariant I2), so no caller can update one and forget the other. */
SYSHEAP_INLINE void chunk_resize(struct z_heap *h, chunkid_t c, chunksz_t size, bool used)
{
	chunk_set_size_used(h, c, size, used);
	set_left_size(h, c + size, size);
}

SYSHEAP_INLINE chunksz_t granule_units(const struct z_heap *h)
{
	return (chunksz_t)1u << h->granule_shift;
}

SYSHEAP_INLINE size_t chunk_bytes(chunksz_t size)
{
	return (size_t)size * CHUNK_UNIT;
}

/*
 * With per-heap formats a small heap always has the natural granule:
 * heap_init gives a granular (DMA) heap big headers. heap_init stores
 * the values below for it, and sys_heap_validate() checks them.
 */
SYSHEAP_INLINE bool heap_is_natural_small(const struct z_heap *h)
{
	return SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO && !heap_is_big(h);
}

/* True where the layout values below are constants rather than loads:
 * in the small-header copy of alloc and free that SYS_HEAP_OPTIMIZE_SPEED
 * compiles (heap.c), where heap_is_big() is a known false. Everywhere
 * else a load from the descriptor is smaller than a test. */
SYSHEAP_INLINE bool layout_is_constant(const struct z_heap *h)
{
	return SYS_HEAP_OPTIMIZE_SPEED && heap_is_natural_small(h);
}

/* What a natural small heap's descriptor holds: a 4-byte header (and
 * any prefix) before the memory, the tail after it, one unit of links. */
#define NATURAL_SMALL_MEM_OFFSET (4u + BLOCK_PREFIX_BYTES)
#define NATURAL_SMALL_REQUEST_BIAS (BLOCK_TAIL_BYTES + NATURAL_SMALL_MEM_OFFSET + CHUNK_UNIT - 1u)

/* Bytes from a chunk's start to the memory handed out. */
SYSHEAP_INLINE size_t mem_offset(const struct z_heap *h)
{
	return layout_is_constant(h) ? NATURAL_SMALL_MEM_OFFSET : h->mem_offset;
}

/* The granule in bytes, less one. */
SYSHEAP_INLINE uint32_t granule_bytes_mask(const struct z_heap *h)
{
	return layout_is_constant(h) ? CHUNK_UNIT - 1u : h->granule_bytes_mask;
}

/* Smallest chunk: a header plus two free-list links, at least a granule
 * (computed once by heap_init). */
SYSHEAP_INLINE chunksz_t min_chunk_size(const struct z_heap *h)
{
	return layout_is_constant(h) ? 1u : h->min_chunk;
}

SYSHEAP_INLINE void *chunk_mem(const struct z_heap *h, chunkid_t c)
{
	return chunk_addr(h, c) + mem_offset(h);
}

SYSHEAP_INLINE chunkid_t mem_to_chunk(const struct z_heap *h, const void *mem)
{
	uintptr_t offset = (uintptr_t)mem - mem_offset(h) - (uintptr_t)h;

	return (chunkid_t)(offset / CHUNK_UNIT);
}

/* Bytes the user may use in a chunk. */
SYSHEAP_INLINE size_t chunk_usable_bytes(const struct z_heap *h, chunkid_t c)
{
	return chunk_bytes(chunk_size(h, c)) - mem_offset(h);
}

/* Chunk size that holds `bytes` of user memory. The caller has checked
 * bytes <= h->max_request, which keeps this from overflowing. */
SYSHEAP_INLINE chunksz_t bytes_to_chunksz(const struct z_heap *h, size_t bytes)
{
	size_t bias = layout_is_constant(h) ? NATURAL_SMALL_REQUEST_BIAS : h->request_bias;

	return (chunksz_t)(((bytes + bias) & ~(size_t)granule_bytes_mask(h)) / CHUNK_UNIT);
}

/* Bucket b holds free chunks of [2^b, 2^(b+1)) units. (Granular heaps
 * leave their lowest buckets empty; a few unused words beat a shift on
 * every list operation.) */
SYSHEAP_INLINE uint32_t bucket_index(chunksz_t size)
{
	return 31u - (uint32_t)__builtin_clz(size);
}

SYSHEAP_INLINE uint32_t bucket_count(const struct z_heap *h)
{
	return bucket_index(h->end_chunk) + 1u;
}

/* First chunk after the descriptor, where the blocks begin. */
SYSHEAP_INLINE chunkid_t first_chunk(const struct z_heap *h)
{
	return chunk_size(h, 0u);
}

/*
 * A block being given back and the chunks on either side of it, each
 * header read once: free checks the view (hardening.h) and merges from it,
 * so no header is loaded twice on the way.
 */
struct block_view {
	chunkid_t c;         /* the block's chunk */
	chunksz_t size;      /* its size in units */
	chunkid_t left;      /* the chunk before it */
	chunkid_t right;     /* the chunk after it (the end marker at the end) */
	uint32_t left_word;  /* SIZE_AND_USED of left */
	uint32_t right_word; /* SIZE_AND_USED of right */
};

/* The view of used chunk c of `size` units, trusted as it stands. */
SYSHEAP_INLINE void view_block(const struct z_heap *h, chunkid_t c, chunksz_t size,
			       struct block_view *v)
{
	v->c = c;
	v->size = size;
	v->right = c + size;
	v->right_word = chunk_field(h, v->right, FIELD_SIZE_AND_USED);
	v->left = left_chunk(h, c);
	v->left_word = chunk_field(h, v->left, FIELD_SIZE_AND_USED);
}

/* Shared between the files of the core; defined in heap.c. */
void z_sysheap_file_free(struct z_heap *h, chunkid_t c, chunksz_t size);
chunksz_t z_sysheap_absorb_right(struct z_heap *h, chunkid_t c, chunksz_t size,
				 chunksz_t right_size);
chunksz_t z_sysheap_split_tail(struct z_heap *h, chunkid_t c, chunksz_t size, chunksz_t keep);
chunkid_t z_sysheap_alloc_chunk(struct z_heap *h, chunksz_t size, uint32_t loops, bool best_fit);
chunkid_t z_sysheap_live_chunk(struct sys_heap *heap, void *mem, void *caller);
void z_sysheap_account_alloc(struct z_heap *h, chunksz_t size);
void z_sysheap_account_free(struct z_heap *h, chunksz_t size);
void z_sysheap_free_block(struct sys_heap *heap, chunkid_t c);

#endif /* SYSHEAP_CHUNK_H */
