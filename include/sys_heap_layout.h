/**
 * @file sys_heap_layout.h
 * @brief The in-region heap descriptor and the arithmetic behind the
 *        sizing macros.
 *
 * Firmware never touches these fields. They are public only so that
 * SYS_HEAP_MIN_BYTES(), SYS_HEAP_OVERHEAD() and SYS_HEAP_BYTES_FOR() can be
 * constant expressions. The allocator's own view of this memory is in
 * `src/chunk.h`.
 *
 * Layout of a formatted region (addresses grow to the right):
 *
 *     [slack][chunk 0: z_heap + bucket heads][chunk][chunk]...[end marker][slack]
 *
 * Every chunk begins with its header; user memory begins `mem_offset`
 * bytes later. The start of chunk 0 is chosen so that user memory lands on
 * the heap's granule (8 bytes on 32-bit targets, 16 on 64-bit hosts, or a
 * cache line for DMA heaps).
 */
#ifndef SYS_HEAP_LAYOUT_H
#define SYS_HEAP_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "sys_heap_config.h"

/* Included from sys_heap.h, after sys_heap_error_hook_t. */

/** Unit in which chunks split and merge, in bytes. */
#define SYS_HEAP_CHUNK_UNIT 8u

/** Alignment of every pointer returned by plain alloc: 8 on 32-bit targets
 *  (the Arm EABI's malloc promise), 16 on 64-bit hosts (max_align_t). */
#define SYS_HEAP_NATURAL_ALIGN (sizeof(void *) > 4u ? 16u : 8u)

/** Largest heap, in chunk units, whose sizes fit a 15-bit field (the small,
 *  4-byte header). */
#define SYS_HEAP_SMALL_MAX_UNITS 0x7fffu

/** Bucket heads are 32-bit chunk ids, and there is one bucket per power of
 *  two, so a heap holds at most 2^31 units (16 GiB). */
#define SYS_HEAP_MAX_BUCKETS 32u

/**
 * The descriptor formatted at the start of the region (chunk 0).
 * Private: read through `src/chunk.h` only.
 */
struct z_heap {
	/** Chunk 0's own header lives here, so that chunk 0 looks like any
	 *  other used chunk to its right neighbour. */
	uint32_t chunk0_header[2];
	/** Chunk id of the end marker, a used chunk of size 0 past the last
	 *  real chunk, so merging right needs no bounds check. */
	uint32_t end_chunk;
	/** Bit b set when bucket b holds at least one free chunk. */
	uint32_t avail_buckets;
	/** Largest request that can possibly fit; anything above fails at once
	 *  and no size arithmetic can overflow below it. */
	size_t max_request;
	/** Bytes from the start of a chunk to the memory handed out. */
	uint16_t mem_offset;
	/** Nonzero when chunk headers are 8 bytes (32-bit fields). */
	uint8_t big;
	/** log2 of the granule in chunk units: chunk ids and sizes are
	 *  multiples of (1 << granule_shift). */
	uint8_t granule_shift;
	/** Smallest chunk, in units: a header and two free-list links, and at
	 *  least a granule. Kept here because alloc tests it on every split. */
	uint32_t min_chunk;
	/** Chunk units for a request of n bytes are
	 *  ((n + request_bias) & ~granule_bytes_mask) >> 3: the header, any
	 *  guard bytes and the rounding up to a granule, precomputed. */
	uint32_t request_bias;
	/** Granule in bytes - 1: also what a block's offset must have clear. */
	uint32_t granule_bytes_mask;
#if SYS_HEAP_STATS
	size_t allocated_bytes;     /**< Bytes in live chunks, headers included. */
	size_t max_allocated_bytes; /**< Peak of allocated_bytes since reset. */
#endif
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_GUARDS
	uint32_t guard_key; /**< Keys the guard words of this heap. */
#endif
#if SYS_HEAP_LISTENERS
	const struct sys_heap_listener *listener; /**< NULL when none. */
#endif
#if SYS_HEAP_WATERMARKS
	/** ~(lowest avail_buckets seen after an allocation since reset): its
	 *  top bit bounds the smallest guaranteed request. Stored inverted so
	 *  that 0 means "none yet". */
	uint32_t low_avail_inverted;
	/** Allocations that failed for want of memory since reset. */
	uint32_t failed_allocs;
#endif
#if SYS_HEAP_OWNERS
	/** The caller's table (sys_heap_owners_attach()), kept out of the
	 *  descriptor so small heaps stay small; NULL: no accounting. */
	struct sys_heap_owners *owners;
#endif
#if SYS_HEAP_OOM_HOOK
	/** Told of allocations about to fail; NULL when none. */
	sys_heap_oom_hook_t oom_hook;
	void *oom_ctx;        /**< Passed back to oom_hook. */
	uint32_t in_oom_hook; /**< Nonzero while oom_hook runs. */
#endif
	/** Called on a detected misuse; NULL means the default hook. */
	sys_heap_error_hook_t error_hook;
	/** Head chunk id of each bucket's circular free list; 0 when empty. */
	uint32_t buckets[];
};

/** @cond INTERNAL */
/* floor(log2(x)) for 1 <= x < 2^32 as a constant expression. */
#define Z_SYS_HEAP_LOG2_4(x) ((x) >= 8u ? 3u : (x) >= 4u ? 2u : (x) >= 2u ? 1u : 0u)
#define Z_SYS_HEAP_LOG2_8(x) ((x) >= 16u ? 4u + Z_SYS_HEAP_LOG2_4((x) >> 4) : Z_SYS_HEAP_LOG2_4(x))
#define Z_SYS_HEAP_LOG2_16(x) ((x) >= 256u ? 8u + Z_SYS_HEAP_LOG2_8((x) >> 8) : Z_SYS_HEAP_LOG2_8(x))
#define Z_SYS_HEAP_LOG2(x) \
	((uint64_t)(x) >= 65536u ? 16u + Z_SYS_HEAP_LOG2_16((uint64_t)(x) >> 16) \
				 : Z_SYS_HEAP_LOG2_16((uint64_t)(x)))

#define Z_SYS_HEAP_ROUND_UP(x, a) ((((x) + (a) - 1u) / (a)) * (a))

/* Per-block bytes that hardening and tracing add before the memory (kept
 * a multiple of the natural alignment) and after it. */
#define Z_SYS_HEAP_BLOCK_PREFIX_BYTES                                                     \
	Z_SYS_HEAP_ROUND_UP((SYS_HEAP_TRACE_CALLERS ? 2u * sizeof(void *) : 0u) +          \
				    (SYS_HEAP_OWNERS ? sizeof(size_t) : 0u) +                  \
				    (SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_GUARDS           \
					     ? 2u * sizeof(size_t)                             \
					     : 0u),                                            \
			    SYS_HEAP_NATURAL_ALIGN)
#define Z_SYS_HEAP_BLOCK_TAIL_BYTES (SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_GUARDS ? 4u : 0u)

/* Header bytes a heap of about `bytes` gets: conservative near the
 * small/big switch so that the sizing macros never undershoot. */
#define Z_SYS_HEAP_HDR_BYTES(bytes) \
	((sizeof(void *) > 4u || SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_BIG || \
	  (SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO && \
	   (bytes) / SYS_HEAP_CHUNK_UNIT + 64u > SYS_HEAP_SMALL_MAX_UNITS)) ? 8u : 4u)

/* An upper bound of the bucket count of a region of about `bytes`. */
#define Z_SYS_HEAP_BUCKETS(bytes) \
	(Z_SYS_HEAP_LOG2((bytes) / SYS_HEAP_CHUNK_UNIT + 64u) + 1u)

/* Chunk 0: the descriptor and the bucket heads, rounded to the granule. */
#define Z_SYS_HEAP_CHUNK0_BYTES(bytes) \
	Z_SYS_HEAP_ROUND_UP(sizeof(struct z_heap) + 4u * Z_SYS_HEAP_BUCKETS(bytes), \
			    SYS_HEAP_NATURAL_ALIGN)
/* Every heap has 4-byte headers: SYS_HEAP_HEADER_SMALL on a 32-bit target. */
#define Z_SYS_HEAP_SMALL_ONLY \
	(SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_SMALL && sizeof(void *) == 4u)

/* The most of a region, from the descriptor on, that a small heap uses:
 * its largest chunk span and the end marker's header. Init clips the rest. */
#define Z_SYS_HEAP_SMALL_REGION_MAX \
	((size_t)SYS_HEAP_SMALL_MAX_UNITS * SYS_HEAP_CHUNK_UNIT + 4u)

/* Bytes of an n-byte region that a small-only build clips away, at most. */
#define Z_SYS_HEAP_CLIPPED_BYTES(n) \
	((Z_SYS_HEAP_SMALL_ONLY && (size_t)(n) > Z_SYS_HEAP_SMALL_REGION_MAX) \
		 ? (size_t)(n) - Z_SYS_HEAP_SMALL_REGION_MAX \
		 : 0u)

/* The largest request the largest small heap serves, at least. */
#define Z_SYS_HEAP_SMALL_MAX_REQUEST \
	((size_t)SYS_HEAP_SMALL_MAX_UNITS * SYS_HEAP_CHUNK_UNIT - \
	 Z_SYS_HEAP_CHUNK0_BYTES(Z_SYS_HEAP_SMALL_REGION_MAX) - 4u - Z_SYS_HEAP_BLOCK_PREFIX_BYTES - \
	 Z_SYS_HEAP_BLOCK_TAIL_BYTES)
/** @endcond */

/**
 * Bytes of an N-byte region that do not end up in chunks, at most: the
 * start-alignment slack, the descriptor and bucket heads, the end marker
 * and the end's rounding, and with ::SYS_HEAP_HEADER_SMALL whatever lies
 * beyond the largest small heap (about 256 KiB). A fresh heap's
 * free_bytes is at least N - SYS_HEAP_OVERHEAD(N). A constant expression.
 */
#define SYS_HEAP_OVERHEAD(n) \
	(2u * (SYS_HEAP_NATURAL_ALIGN - 1u) + Z_SYS_HEAP_CHUNK0_BYTES(n) + Z_SYS_HEAP_HDR_BYTES(n) + \
	 Z_SYS_HEAP_CLIPPED_BYTES(n))

/**
 * A region size, at any start address, that guarantees one allocation of
 * `n` bytes succeeds on a fresh heap with the natural granule. Use it to
 * size heaps at compile time: `static uint8_t buf[SYS_HEAP_BYTES_FOR(4096)];`.
 * A constant expression.
 *
 * With ::SYS_HEAP_HEADER_SMALL no region serves a request beyond what the
 * largest small heap holds (about 256 KiB): SYS_HEAP_BYTES_FOR() is then
 * SIZE_MAX, which an array size or SYS_HEAP_DEFINE() refuses at compile
 * time.
 */
#define SYS_HEAP_BYTES_FOR(n) \
	((Z_SYS_HEAP_SMALL_ONLY && (size_t)(n) > Z_SYS_HEAP_SMALL_MAX_REQUEST) \
		 ? SIZE_MAX \
		 : (SYS_HEAP_OVERHEAD((n) + 512u) + \
		    Z_SYS_HEAP_ROUND_UP((size_t)(n) + Z_SYS_HEAP_BLOCK_TAIL_BYTES + \
						Z_SYS_HEAP_HDR_BYTES((n) + 512u) + \
						Z_SYS_HEAP_BLOCK_PREFIX_BYTES, \
					SYS_HEAP_NATURAL_ALIGN)))

/**
 * The smallest region, at any start address, that holds a heap with room
 * for one block. sys_heap_init() formats nothing smaller: the heap stays
 * empty and every allocation from it fails. A constant expression.
 */
#define SYS_HEAP_MIN_BYTES SYS_HEAP_BYTES_FOR(1u)

#endif /* SYS_HEAP_LAYOUT_H */
