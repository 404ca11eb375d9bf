/**
 * @file sys_heap_caps.h
 * @brief Capability heaps: several RAM regions, each with capability bits,
 *        a preference rank and an optional reserve, behind one allocator.
 *
 * @code
 * #include "sys_heap_caps.h"
 *
 * // Compile time: the buffer in a linker section of that RAM, formatted
 * // before main and added to the default regions in rank order.
 * SYS_HEAP_REGION_DEFINE(ccm, 48 * 1024, ".ram2.ccm", SYS_HEAP_CAP_FAST, 1);
 * SYS_HEAP_REGION_DEFINE_RESERVE(sram, 64 * 1024, ".noinit.sram",
 *                                SYS_HEAP_CAP_DMA, 0, SYS_HEAP_CAP_DMA, 8192);
 *
 * void *rx = sys_heap_caps_alloc(SYS_HEAP_CAP_DMA, 512);  // only from sram
 * void *any = sys_heap_caps_alloc(0, 100);                // sram, then ccm,
 *                                                          // never the reserve
 * sys_heap_caps_free(rx);                                  // from any region
 * @endcode
 *
 * **Choice.** A request with capability mask `caps` is served by the
 * best-ranked region (lowest rank; equal ranks in the order added) whose
 * capabilities include every bit of `caps`, falling back in rank order.
 * A mask no region can satisfy returns NULL at once, without trying any.
 *
 * **Reserves.** A region may keep `reserve_bytes` of its free memory for
 * requests that ask for one of its `reserve_caps`: any other request
 * (plain malloc included) is refused by that region when it would leave
 * fewer free bytes than the reserve, and moves on to the next. The reserve
 * counts bytes, not one contiguous block. Needs ::SYS_HEAP_STATS (a region
 * with a reserve is refused without it).
 *
 * **Cost.** Nothing unless used: the single-heap API never calls into this
 * file. An allocation tries at most one heap per region; free finds the
 * region by binary search (sys_multi_heap_get_heap()).
 *
 * **Thread safety.** As sys_multi_heap.h: each region's heap is entered
 * through its own lock (sys_heap_lock_for()), one at a time, and there is
 * no lock of the capability layer. Adding regions is not thread-safe; the
 * default regions are built once, on first use (see
 * sys_heap_regions_default()).
 *
 * **Bad input.** A pointer in no region, freed or reallocated, goes to
 * the error hook as ::SYS_HEAP_ERR_FOREIGN_POINTER; an overlapping region
 * is refused (::SYS_HEAP_ERR_INVALID and ::SYS_HEAP_ERR_BAD_REGION to the
 * hook); an unknown capability gets NULL.
 */
#ifndef SYS_HEAP_CAPS_H
#define SYS_HEAP_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include "sys_heap.h"
#include "sys_heap_define.h"
#include "sys_multi_heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Capability bits
 *  A region has a capability when every block it hands out has it.
 *  @{ */
#define SYS_HEAP_CAP_DMA      (1u << 0) /**< DMA engines can reach it. */
#define SYS_HEAP_CAP_FAST     (1u << 1) /**< Internal, zero-wait-state (TCM, CCM, SRAM). */
#define SYS_HEAP_CAP_EXTERNAL (1u << 2) /**< External memory (SDRAM, PSRAM). */
#define SYS_HEAP_CAP_NOCACHE  (1u << 3) /**< Not cached (MPU region): no cache maintenance. */
/** The user's own bits: n from 0 to 22. */
#define SYS_HEAP_CAP_USER(n)  (1u << (8u + (unsigned)(n)))
/** Not a capability but a request flag: serve the other bits, never from
 *  a reserve (the libc realloc asks so). Ignored in a region's caps. */
#define SYS_HEAP_CAP_NO_RESERVE (1u << 31)
/** Bits that describe what memory *is* rather than how fast it is: a
 *  realloc that moves a block keeps those of its old region. */
#define SYS_HEAP_CAPS_PROPERTIES \
	(~(SYS_HEAP_CAP_FAST | SYS_HEAP_CAP_EXTERNAL | SYS_HEAP_CAP_NO_RESERVE))
/** @} */

/** One region: a heap and how to choose it. Const, may live in flash. */
struct sys_heap_region {
	struct sys_heap *heap; /**< The region's heap (formatted, or defined). */
	const char *name;      /**< For reports. */
	uint32_t caps;         /**< Its capability bits. */
	uint32_t reserve_caps; /**< Requests with any of these bits may use the reserve. */
	size_t reserve_bytes;  /**< Free bytes kept for them; 0 for none. */
	uint8_t rank;          /**< Preference: 0 first. */
};

/** A set of regions: a multi-heap, and its regions in rank order. */
struct sys_heap_regions {
	struct sys_multi_heap multi; /**< Table by address; user_data is the region. */
	/** The regions, best rank first. */
	const struct sys_heap_region *by_rank[MAX_MULTI_HEAPS];
	uint32_t all_caps; /**< Union of every region's caps. */
};

/** Make `regions` empty. O(1). */
void sys_heap_regions_init(struct sys_heap_regions *regions);

/**
 * Add `region` (the descriptor is kept by pointer: it must outlive the
 * set). Returns 0, or ::SYS_HEAP_ERR_INVALID when refused: overlapping
 * memory, no memory, a full table, or a reserve without
 * ::SYS_HEAP_STATS. A refusal is also reported to the hook as
 * ::SYS_HEAP_ERR_BAD_REGION. O(number of regions). Not thread-safe.
 */
int sys_heap_regions_add(struct sys_heap_regions *regions, const struct sys_heap_region *region);

/**
 * A block of `bytes` aligned to `align` (0 or a power of two) from the
 * best-ranked region that has every bit of `caps` and can serve it
 * without eating a reserve `caps` may not use. NULL when none can, or at
 * once when no region has `caps`. Each region tried is entered under its
 * own lock. O(number of regions) heap allocations at most.
 */
void *sys_heap_regions_alloc(struct sys_heap_regions *regions, uint32_t caps, size_t align,
			     size_t bytes);

/**
 * Resize `mem`: in place when its region has every bit of `caps` and no
 * reserve stands in the way, else moved to a region chosen as by
 * sys_heap_regions_alloc() for `caps`. NULL `mem` allocates, `bytes` 0
 * frees and returns NULL; on failure `mem` is untouched.
 */
void *sys_heap_regions_realloc(struct sys_heap_regions *regions, uint32_t caps, void *mem,
			       size_t align, size_t bytes);

/** Free `mem` into its region (NULL: nothing; a pointer in no region: the
 *  hook, ::SYS_HEAP_ERR_FOREIGN_POINTER). O(log regions) + one free. */
void sys_heap_regions_free(struct sys_heap_regions *regions, void *mem);

/** The region holding `mem`, or NULL. O(log regions), no lock. */
const struct sys_heap_region *sys_heap_regions_find(const struct sys_heap_regions *regions,
						    const void *mem);

/**
 * Sum the statistics of every region having all bits of `caps` (0: all
 * regions) into `total`, each read under its own lock. Returns 0, or the
 * first negative code of sys_heap_runtime_stats_get().
 */
int sys_heap_regions_stats(struct sys_heap_regions *regions, uint32_t caps,
			   struct sys_memory_stats *total);

/** sys_heap_validate() of every region, each under its own lock. */
bool sys_heap_regions_validate(struct sys_heap_regions *regions);

/** Number of regions in the set. */
static inline size_t sys_heap_regions_count(const struct sys_heap_regions *regions)
{
	return regions->multi.nheaps;
}

/** The `index`-th region in rank order, or NULL past the end. */
static inline const struct sys_heap_region *
sys_heap_regions_at(const struct sys_heap_regions *regions, size_t index)
{
	return index < regions->multi.nheaps ? regions->by_rank[index] : NULL;
}

/**
 * The default regions: every SYS_HEAP_REGION_DEFINE() region of the
 * firmware, in rank order. Built on first use (by any sys_heap_caps_*()
 * call, or this one) from the linker-collected table; heaps not formatted
 * yet are formatted then. Call it once from main, or before any thread
 * can race it, when the first use could come from two contexts at once.
 */
struct sys_heap_regions *sys_heap_regions_default(void);

/** @name The capability API over the default regions
 *  sys_heap_regions_*() on sys_heap_regions_default(), ESP-IDF style.
 *  @{ */
void *sys_heap_caps_alloc(uint32_t caps, size_t bytes);
void *sys_heap_caps_aligned_alloc(uint32_t caps, size_t align, size_t bytes);
void *sys_heap_caps_realloc(void *mem, uint32_t caps, size_t bytes);
void sys_heap_caps_free(void *mem);
int sys_heap_caps_get_stats(uint32_t caps, struct sys_memory_stats *total);
/** @} */

/** @name malloc over regions (the libc glue, docs/regions.md)
 *  Build the library and its libc glue with -DSYS_HEAP_LIBC_REGIONS=1 and
 *  malloc, free, realloc, new and printf's buffers draw from the system
 *  heap first, then from every SYS_HEAP_REGION_DEFINE() region in rank
 *  order (never from a reserve); free and realloc accept a pointer from
 *  any of them. A moving realloc keeps the ::SYS_HEAP_CAPS_PROPERTIES
 *  bits of the block's region, and never takes a reserve
 *  (::SYS_HEAP_CAP_NO_RESERVE).
 *  @{ */
#ifndef SYS_HEAP_LIBC_REGIONS
#define SYS_HEAP_LIBC_REGIONS 0
#endif
/** The system heap's capabilities as a region. */
#ifndef SYS_HEAP_LIBC_SYSTEM_CAPS
#define SYS_HEAP_LIBC_SYSTEM_CAPS SYS_HEAP_CAP_FAST
#endif
/** The system heap's rank: 0, and added first, so first among equals. */
#ifndef SYS_HEAP_LIBC_SYSTEM_RANK
#define SYS_HEAP_LIBC_SYSTEM_RANK 0u
#endif
/** @} */

/** @cond INTERNAL */
/* What ld/sysheap_registry.ld gathers between __sysheap_regions_start and
 * __sysheap_regions_end. */
#define Z_SYS_HEAP_REGION(name, caps_, rank_, rcaps, rbytes)                            \
	__attribute__((__section__(".sysheap.regions." #name), __used__,                \
		       __aligned__(__alignof__(struct sys_heap_region))))               \
	static const struct sys_heap_region z_sys_heap_region_##name = {                     \
		&name, #name, (caps_), (rcaps), (rbytes), (rank_)                       \
	}
/** @endcond */

/**
 * Define `struct sys_heap name` over a `bytes`-byte buffer in `section`
 * (as SYS_HEAP_DEFINE_IN(): a NOLOAD output section in that RAM),
 * formatted before main, and a region of the default set with `caps` and
 * preference `rank` (0 first).
 */
#define SYS_HEAP_REGION_DEFINE(name, bytes, section, caps, rank) \
	SYS_HEAP_DEFINE_IN(name, bytes, section);                \
	Z_SYS_HEAP_REGION(name, caps, rank, 0u, 0u)

/** As SYS_HEAP_REGION_DEFINE(), keeping `reserve_bytes` free for requests
 *  that ask for one of `reserve_caps`. */
#define SYS_HEAP_REGION_DEFINE_RESERVE(name, bytes, section, caps, rank, reserve_caps,     \
				       reserve_bytes)                                        \
	SYS_HEAP_DEFINE_IN(name, bytes, section);                                            \
	Z_SYS_HEAP_REGION(name, caps, rank, reserve_caps, reserve_bytes)

/** Make a region of the default set from a heap defined elsewhere (the
 *  libc system heap, or a SYS_HEAP_DEFINE_GRANULAR() DMA heap). */
#define SYS_HEAP_REGION(heap_name, caps, rank, reserve_caps, reserve_bytes) \
	Z_SYS_HEAP_REGION(heap_name, caps, rank, reserve_caps, reserve_bytes)

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_CAPS_H */
