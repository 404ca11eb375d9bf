/**
 * @file sys_heap.h
 * @brief libsysheap: a bounded-time segregated-fit heap for bare-metal firmware.
 *
 * The API follows Zephyr's `sys_heap`, so code written against Zephyr keeps
 * its calls.
 *
 * **Design.** A heap is any region of memory, at any address and of any
 * length. Its metadata lives inside it. Free chunks sit in power-of-two
 * buckets, with a bitmap of the non-empty ones. Chunks split and merge in
 * 8-byte units. A free merges at once with both neighbours.
 *
 * **Alignment.** Every pointer that plain alloc returns is aligned to
 * ::SYS_HEAP_NATURAL_ALIGN: 8 on 32-bit targets, 16 on 64-bit hosts.
 * Small 32-bit heaps still use 4-byte headers. The region is formatted so
 * that chunk headers sit at addresses that are 4 mod 8, which puts the
 * memory after each header on an 8-byte boundary.
 *
 * **Complexity.** Every call is O(1) except those that walk the heap:
 * sys_heap_validate(), sys_heap_walk(), sys_heap_info_get(),
 * sys_heap_report(), sys_heap_print_info(), sys_heap_leak_report() and
 * the stress rigs; sys_heap_array_get() and sys_heap_array_save(), which
 * are O(heaps); and at
 * ::SYS_HEAP_HARDENING POISON and FULL, which make alloc and free
 * O(block) and O(heap) by design. Alloc examines at most
 * ::SYS_HEAP_ALLOC_LOOPS free-list entries, then one bitmap lookup. Free
 * merges with at most two neighbours. Realloc adds a copy of the block
 * when it has to move.
 *
 * **Thread safety.** None inside these calls. A heap shared by threads or
 * ISRs needs a lock around each call: the board's interrupt-masking lock,
 * or an RTOS mutex.
 *
 * **Bad input.** Allocation calls return NULL, and leave the heap
 * unchanged, for a size of zero, a size that cannot fit, an alignment that
 * is not a power of two, and an uninitialised or too-small heap. With
 * ::SYS_HEAP_HARDENING at BASIC or above, free and realloc check that
 * the pointer is a live block of this heap. If it is not, they call the
 * heap's error hook and touch nothing.
 */
#ifndef SYS_HEAP_H
#define SYS_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_heap_config.h"
#include "sys_heap_link_check.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sys_heap;
struct sys_heap_lock_ops;

/** Kinds of misuse reported to the error hook. */
enum sys_heap_error {
	/** The pointer is not inside this heap's blocks, or not on a block
	 *  boundary: foreign, misaligned, or from another heap. */
	SYS_HEAP_ERR_FOREIGN_POINTER = 1,
	/** The block is already free (a double free or a stale pointer). */
	SYS_HEAP_ERR_DOUBLE_FREE = 2,
	/** A chunk header does not agree with its neighbours: an overflow or
	 *  underflow wrote over it, or the pointer points inside a block. */
	SYS_HEAP_ERR_CORRUPT_HEADER = 3,
	/** The guard header just before the block was overwritten: an
	 *  underflow (level GUARDS and up). */
	SYS_HEAP_ERR_GUARD_HEADER = 4,
	/** The canary after the block was overwritten: an overflow (level
	 *  GUARDS and up). */
	SYS_HEAP_ERR_CANARY = 5,
	/** Freed memory changed while it was free: a write after free (level
	 *  POISON and up). The chunk is kept out of circulation. */
	SYS_HEAP_ERR_USE_AFTER_FREE = 6,
	/** sys_heap_validate() failed on entry to an operation (level FULL). */
	SYS_HEAP_ERR_CORRUPT_HEAP = 7,
	/** The heap was given a region but never formatted: a SYS_HEAP_DEFINE()
	 *  heap used before sys_heap_init_all() ran, or in firmware whose
	 *  startup code never calls it. Reported to the default hook (an
	 *  unformatted heap has no hook of its own, nor statistics); the call
	 *  then returns NULL or does nothing. */
	SYS_HEAP_ERR_UNFORMATTED = 8,
	/** Something called `_sbrk`, which would hand out the system heap's
	 *  memory a second time (the libc glue binds every `_sbrk` reference to
	 *  a trap, ld/sysheap_libc.ld). Reported against the system heap to the
	 *  default hook, with `mem` NULL; `_sbrk` then fails with ENOMEM. */
	SYS_HEAP_ERR_SBRK = 9,
	/** A multi-heap or capability region set refused a heap: it overlaps
	 *  one already added, has no memory, or the table is full
	 *  (sys_multi_heap.h). `heap` is NULL, `mem` the refused memory. */
	SYS_HEAP_ERR_BAD_REGION = 10,
	/** A locked call on a heap whose lock may not be taken in an interrupt
	 *  (an RTOS mutex, sys_heap_lock.h) came from handler mode (IPSR != 0
	 *  on Cortex-M). The lock is not taken: allocations return NULL, free
	 *  and realloc leave the block untouched. */
	SYS_HEAP_ERR_LOCK_CONTEXT = 11,
	/** A locked call on a heap whose lock the same context already holds
	 *  (a listener or an error hook calling back into its heap), with a
	 *  lock that is not recursive. Reported instead of deadlocking or
	 *  re-entering a half-done operation; the call then does nothing, as
	 *  for ::SYS_HEAP_ERR_LOCK_CONTEXT. */
	SYS_HEAP_ERR_LOCK_REENTRY = 12,
	/** A guarded block (SYS_HEAP_GUARD, sys_heap_guard.h) was accessed
	 *  out of bounds or after its free: reported from the MemManage
	 *  handler with `mem` the block and `caller` the faulting PC;
	 *  sys_heap_guard_last_report() has the size and offset. */
	SYS_HEAP_ERR_GUARD_FAULT = 13,
};

/**
 * Error hook.
 * @param heap   The heap that detected the error.
 * @param mem    The pointer that was passed in.
 * @param error  One of ::sys_heap_error.
 * @param caller Return address of the API call that detected it.
 */
typedef void (*sys_heap_error_hook_t)(struct sys_heap *heap, void *mem,
				      enum sys_heap_error error, void *caller);

/** Why an allocation is about to fail (::sys_heap_oom_hook_t). */
enum sys_heap_oom_reason {
	/** No free chunk can serve the request. */
	SYS_HEAP_OOM_NO_MEMORY = 1,
	/** The request would take its owner past its limit
	 *  (SYS_HEAP_OWNERS, sys_heap_owner_set_limit()). */
	SYS_HEAP_OOM_QUOTA = 2,
};

struct sys_heap_owners;

/** Names the owner (0 to SYS_HEAP_OWNERS - 1) of what the running context
 *  allocates: the current task, say. An id out of range counts as 0.
 *  Called once per allocating call; must not use the heap. */
typedef uint32_t (*sys_heap_owner_hook_t)(void *ctx);

/**
 * Out-of-memory hook (SYS_HEAP_OOM_HOOK), set per heap with
 * sys_heap_set_oom_hook().
 *
 * Called from inside an allocating call (alloc, alloc_effort, alloc_at,
 * aligned alloc, realloc and aligned realloc when the block must move)
 * that found no free chunk for the request, before it returns NULL. It
 * runs under the heap's lock when the call was a sys_heap_locked_ one, so
 * it must release memory with the plain calls (sys_heap_free()), never the
 * locked ones. It is never re-entered: an allocation from this heap made
 * inside the hook that fails returns NULL without calling it. A request
 * of 0 bytes or larger than the heap is bad input, not running out: it
 * returns NULL without the hook.
 *
 * @param heap   The heap.
 * @param bytes  The request in bytes.
 * @param align  Its alignment in bytes; 0 for the heap's natural one.
 * @param caller Return address of the allocating API call.
 * @param reason One of ::sys_heap_oom_reason.
 * @param ctx    What was given to sys_heap_set_oom_hook().
 * @return true to have the call search once more (after releasing memory);
 * false to let it return NULL. At most one retry per call: when the retry
 * fails too, the call returns NULL without calling the hook again.
 */
typedef bool (*sys_heap_oom_hook_t)(struct sys_heap *heap, size_t bytes, size_t align,
				    void *caller, enum sys_heap_oom_reason reason, void *ctx);

#ifdef __cplusplus
}
#endif

#include "sys_heap_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A heap handle. Zero it, or define it with SYS_HEAP_DEFINE(), then format
 * it with sys_heap_init().
 */
struct sys_heap {
	/** The formatted descriptor inside the region; NULL until
	 *  sys_heap_init() succeeds. */
	struct z_heap *heap;
	/** Region of the formatted heap, or of a SYS_HEAP_DEFINE() heap not
	 *  formatted yet; NULL after a failed init. */
	void *init_mem;
	/** Length of that region in bytes. */
	size_t init_bytes;
	/** Errors detected on this heap since its init, whatever its hook did
	 *  with them; read it through sys_heap_runtime_stats_get(). Kept in
	 *  the handle, off the allocator's hot data. */
	size_t error_count;
	/** The heap's lock (sys_heap_lock.h): NULL for the shared default,
	 *  sys_heap_lock(). Read by the locked calls only, never by the plain
	 *  API. Set it with sys_heap_set_lock(). */
	const struct sys_heap_lock_ops *lock;
	/** Context holding that lock (0: nobody) and how many times it took
	 *  it: the re-entry check. Written only with the lock held. */
	uintptr_t lock_owner;
	uint32_t lock_depth;
};

/** Runtime statistics of one heap. Each figure counts whole chunks, headers
 *  included, so free_bytes + allocated_bytes is constant for a heap. */
struct sys_memory_stats {
	size_t free_bytes;          /**< Bytes in free chunks. */
	size_t allocated_bytes;     /**< Bytes in live blocks. */
	size_t max_allocated_bytes; /**< Peak of allocated_bytes since init or reset. */
	/** Errors detected on this heap since init, whatever its hook did with
	 *  them (the silent hook included). Not cleared by reset_max. */
	size_t error_count;
};

/** Search effort for sys_heap_alloc_effort(). */
enum sys_heap_effort {
	/** Sample ::SYS_HEAP_ALLOC_LOOPS entries, as sys_heap_alloc() does. */
	SYS_HEAP_EFFORT_DEFAULT = 0,
	/** No sampling: one look at the head of the bucket that may fit, then
	 *  the smallest bucket that must fit. The shortest worst case, for
	 *  ISRs. */
	SYS_HEAP_EFFORT_FAST = 1,
	/** Best fit over ::SYS_HEAP_FIT_LOOPS entries: fragments least, for
	 *  thread context. Still bounded. */
	SYS_HEAP_EFFORT_FIT = 2,
};

/** Negative return of the stats calls for a NULL or uninitialised heap. */
#define SYS_HEAP_ERR_INVALID (-22)
/** Negative return of the stats calls when ::SYS_HEAP_STATS is 0. */
#define SYS_HEAP_ERR_UNSUPPORTED (-134)


/**
 * Format a region as an empty heap.
 *
 * The start is rounded up and the end rounded down to what the layout
 * needs. A region smaller than ::SYS_HEAP_MIN_BYTES (or a NULL one) leaves
 * the heap unformatted, and every allocation from it returns NULL. Heaps
 * whose usable part is under 256 KiB get 4-byte chunk headers on 32-bit
 * targets; larger ones and 64-bit hosts get 8-byte headers.
 *
 * O(1). Not thread-safe: call it before anyone else uses the heap.
 *
 * @param heap  Handle to format; must not be NULL.
 * @param mem   Region start, any alignment.
 * @param bytes Region length in bytes.
 */
void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes);

/** Options for sys_heap_init_with(). Zero means "the default" throughout. */
struct sys_heap_options {
	/**
	 * Granule in bytes: every block starts on it and owns whole granules,
	 * and no block shares a granule with another block or with metadata.
	 * Usable sizes are multiples of it (from ::SYS_HEAP_HARDENING_GUARDS
	 * up, the usable size is the request: the rest of the last granule is
	 * canary). Use the data cache line size (for example 32) for
	 * heaps handed to DMA. 0 or anything up to ::SYS_HEAP_NATURAL_ALIGN
	 * means the natural 8/16-byte layout. Must be a power of two.
	 */
	size_t granule;
	/**
	 * Key for the guards of ::SYS_HEAP_HARDENING_GUARDS and up, so that
	 * stale data or another heap's guards never pass as valid. 0 derives
	 * one from the heap's address; pass a hardware random number where
	 * there is one.
	 */
	uint32_t guard_key;
};

/**
 * Format a region with options. Same as sys_heap_init() otherwise.
 *
 * @return true when the heap is ready. false for a NULL heap or a region
 * too small for the layout. false also for a granule that is not a power of
 * two, or above 4096. The heap is then left unformatted.
 */
bool sys_heap_init_with(struct sys_heap *heap, void *mem, size_t bytes,
			const struct sys_heap_options *options);

/**
 * Allocate `bytes` bytes.
 *
 * @return memory aligned to ::SYS_HEAP_NATURAL_ALIGN (or the heap's
 * granule), or NULL for 0 bytes, a request that does not fit (SIZE_MAX
 * included), or a heap whose init failed. A heap with a region but never
 * formatted (a SYS_HEAP_DEFINE() heap before sys_heap_init_all()) is
 * reported to the default hook as ::SYS_HEAP_ERR_UNFORMATTED, then NULL.
 * O(1): at most ::SYS_HEAP_ALLOC_LOOPS
 * list entries are examined.
 */
void *sys_heap_alloc(struct sys_heap *heap, size_t bytes);

/**
 * Allocate with a per-call search effort: ::SYS_HEAP_EFFORT_FAST for the
 * shortest worst case (ISRs), ::SYS_HEAP_EFFORT_FIT for a bounded best fit
 * that fragments less. Otherwise as sys_heap_alloc().
 */
void *sys_heap_alloc_effort(struct sys_heap *heap, size_t bytes,
			    enum sys_heap_effort effort);

/**
 * Allocate `bytes` bytes aligned to `align`.
 *
 * @param align A power of two, or 0. 0 and anything up to the natural
 *              alignment behave as sys_heap_alloc() (Zephyr's meaning of
 *              0); other non-powers of two return NULL.
 * @return aligned memory or NULL. O(1). The request is padded by up to
 * `align` bytes while it is searched. The padding goes back to the heap
 * straight away.
 */
void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);

/**
 * Return a block to its heap. NULL is a no-op. The block merges at once
 * with free neighbours. O(1).
 *
 * With hardening on, a pointer that is not a live block of this heap is
 * reported to the error hook and otherwise ignored.
 */
void sys_heap_free(struct sys_heap *heap, void *mem);

/**
 * Resize a block, keeping its contents up to the smaller size.
 *
 * realloc(NULL, n) allocates; realloc(p, 0) frees p and returns NULL. A
 * block shrinks in place. It grows in place when its right neighbour is
 * free and large enough; otherwise a new block is allocated, the contents
 * copied and the old block freed.
 *
 * @return the block's (possibly new) address. On failure it returns NULL
 * and the old block is left intact and valid.
 */
void *sys_heap_realloc(struct sys_heap *heap, void *mem, size_t bytes);

/**
 * realloc() that keeps `align` alignment. A power of two or 0, as for
 * sys_heap_aligned_alloc(): 0 behaves as sys_heap_realloc(). A bad `align`
 * returns NULL and leaves `mem` untouched.
 */
void *sys_heap_aligned_realloc(struct sys_heap *heap, void *mem, size_t align,
			       size_t bytes);

/**
 * Bytes the caller may use in a live block: at least what was asked for.
 * 0 for NULL, and for a pointer that is not a live block when hardening
 * is on. O(1).
 */
size_t sys_heap_usable_size(struct sys_heap *heap, void *mem);

/**
 * Walk every chunk of the heap and check every structural invariant:
 * sizes and neighbour links, no two adjacent free chunks, every free chunk
 * in the right bucket exactly once, the bucket bitmap, and the statistics.
 *
 * O(number of chunks). Meant for tests and debug builds.
 *
 * @return true when the heap is consistent, or was never given a region
 * (zeroed, or its init failed); false for a heap that has a region but was
 * never formatted (a SYS_HEAP_DEFINE() heap before sys_heap_init_all()).
 */
bool sys_heap_validate(struct sys_heap *heap);

/**
 * Copy the runtime statistics. O(1).
 * @return 0, ::SYS_HEAP_ERR_INVALID for a NULL or unformatted heap or
 * NULL stats, or ::SYS_HEAP_ERR_UNSUPPORTED when statistics are compiled
 * out.
 */
int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats);

/** Set max_allocated_bytes to the current allocated_bytes. O(1).
 *  @return as sys_heap_runtime_stats_get(). */
int sys_heap_runtime_stats_reset_max(struct sys_heap *heap);

/**
 * The largest request sys_heap_alloc() is guaranteed to serve right now,
 * in bytes. O(1): the highest non-empty bucket b holds only chunks of at
 * least 2^b units, and every allocating call takes a chunk from a bucket
 * whose every entry fits before it gives up, so a request of up to 2^b
 * units less the block overhead always succeeds; a larger one may or may
 * not. It is exact to within a factor of two of the largest free chunk
 * (see sys_heap_largest_free_chunk()). Holds for every effort and for
 * aligned alloc up to the heap's natural alignment.
 * Not thread-safe against concurrent calls on the same heap.
 * @return the bytes, or 0 for a full, NULL or unformatted heap.
 */
size_t sys_heap_largest_free(struct sys_heap *heap);

/**
 * The largest request one free chunk can serve, in bytes: what
 * sys_heap_info_get() reports as largest_free_bytes, without walking the
 * heap. Time bounded by ::SYS_HEAP_LARGEST_FREE_SCAN, not by the heap's
 * size: it reads at most that many entries of the highest non-empty
 * bucket, where the largest free chunk is.
 * @param heap  The heap.
 * @param exact Optional (may be NULL): set true when the answer is exact,
 * that is the bucket held at most SYS_HEAP_LARGEST_FREE_SCAN chunks or
 * one of the bucket's largest possible size was seen; false when more
 * chunks went unread, and the answer is then the largest of those read:
 * never below sys_heap_largest_free(), below twice it.
 * @return the bytes, or 0 for a full, NULL or unformatted heap.
 */
size_t sys_heap_largest_free_chunk(struct sys_heap *heap, bool *exact);

/** Low-water marks of one heap (SYS_HEAP_WATERMARKS), since its init or
 *  the last sys_heap_watermarks_reset(). */
struct sys_heap_watermarks {
	/** The least free bytes (headers included, as free_bytes of
	 *  ::sys_memory_stats) there ever were. */
	size_t min_free_bytes;
	/** The smallest sys_heap_largest_free() seen after any allocation. */
	size_t min_guaranteed_bytes;
	/** Allocations that found no free chunk or (SYS_HEAP_OWNERS) were
	 *  over their owner's quota; each call counts once, whether or not the
	 *  OOM hook's retry then served it. Requests of 0 bytes or above the
	 *  heap's size are not counted. */
	uint32_t failed_allocs;
	/** Now, in O(1): 1000 * (1 - sys_heap_largest_free() / free bytes);
	 *  0 when all free memory can be had in one request, near 1000 when
	 *  little of it can. 1000 for a full heap. A rise with steady free
	 *  bytes is fragmentation; falling free bytes is a leak or load. */
	uint32_t fragmentation_permille;
};

/**
 * Read the low-water marks. O(1).
 * @return 0, ::SYS_HEAP_ERR_INVALID for a NULL or unformatted heap or NULL
 * `marks`, or ::SYS_HEAP_ERR_UNSUPPORTED when SYS_HEAP_WATERMARKS is 0.
 */
int sys_heap_watermarks_get(struct sys_heap *heap, struct sys_heap_watermarks *marks);

/**
 * Start the marks again from the heap as it is now, and zero the failure
 * count. Also resets max_allocated_bytes (sys_heap_runtime_stats_reset_max()),
 * from which min_free_bytes is computed. O(1).
 * @return as sys_heap_watermarks_get().
 */
int sys_heap_watermarks_reset(struct sys_heap *heap);

#if SYS_HEAP_OWNERS
/**
 * A heap's owner table: the caller's memory (static, say), given to
 * sys_heap_owners_attach(). Fields are private: read them with
 * sys_heap_owner_stats_get().
 */
struct sys_heap_owners {
	/** @cond INTERNAL */
	sys_heap_owner_hook_t hook;
	void *ctx;
	uint32_t call_owner;  /* owner + 1 given by sys_heap_alloc_owned(), or 0 */
	uint32_t alloc_owner; /* owner of the allocation in progress */
	size_t bytes[SYS_HEAP_OWNERS];
	size_t peak[SYS_HEAP_OWNERS];
	size_t limit[SYS_HEAP_OWNERS];
	/** @endcond */
};

/**
 * Start charging the heap's blocks to owners, in `table` (cleared here),
 * which must outlive the heap's use. Only on a heap with no live block:
 * blocks allocated before would have no owner. O(SYS_HEAP_OWNERS).
 * @return 0, or ::SYS_HEAP_ERR_INVALID for a NULL or unformatted heap, a
 * NULL table, a heap with a table already or (with SYS_HEAP_STATS) with a
 * live block.
 */
int sys_heap_owners_attach(struct sys_heap *heap, struct sys_heap_owners *table);

/**
 * sys_heap_alloc() charged to `owner` (0 to SYS_HEAP_OWNERS - 1) instead
 * of the owner hook's answer. O(1) more than sys_heap_alloc(). Tracing
 * records this call's return address as the caller.
 * @return NULL for an owner out of range, over its limit, or as
 * sys_heap_alloc().
 */
void *sys_heap_alloc_owned(struct sys_heap *heap, size_t bytes, uint32_t owner);

/** Set the heap's owner hook (NULL: everything not allocated with
 *  sys_heap_alloc_owned() belongs to owner 0). O(1).
 *  @return 0, or ::SYS_HEAP_ERR_INVALID for a NULL or unformatted heap or
 *  one with no owner table. */
int sys_heap_set_owner_hook(struct sys_heap *heap, sys_heap_owner_hook_t hook, void *ctx);

/** One owner's share of a heap, in chunk bytes (headers included, as
 *  allocated_bytes of ::sys_memory_stats). */
struct sys_heap_owner_stats {
	size_t bytes;       /**< Its live blocks now. */
	size_t peak_bytes;  /**< The most it has held since init or the reset. */
	size_t limit_bytes; /**< Its quota; 0: none. */
};

/** Copy one owner's figures. O(1).
 *  @return 0, or ::SYS_HEAP_ERR_INVALID for a NULL or unformatted heap, one
 *  with no owner table, an owner out of range or NULL `stats`. */
int sys_heap_owner_stats_get(struct sys_heap *heap, uint32_t owner,
			     struct sys_heap_owner_stats *stats);

/**
 * Limit what `owner` may hold to `limit_bytes` chunk bytes (0: no limit),
 * and start its peak again from what it holds now. An allocation that
 * would take it past the limit returns NULL after the OOM hook is called
 * with ::SYS_HEAP_OOM_QUOTA (and may free and retry). A block that
 * realloc grows in place stays its owner's, charged without the check; a
 * block realloc moves is a new allocation of the calling context. O(1).
 * @return as sys_heap_owner_stats_get().
 */
int sys_heap_owner_set_limit(struct sys_heap *heap, uint32_t owner, size_t limit_bytes);

/** The owner of live block `mem`, or SYS_HEAP_OWNERS for NULL or a pointer
 *  that is not a live block of the heap (reported as free() would). */
uint32_t sys_heap_get_owner(struct sys_heap *heap, void *mem);
#endif

/**
 * Set the heap's out-of-memory hook (::sys_heap_oom_hook_t); NULL removes
 * it. Set it when no allocation on the heap is in progress. O(1).
 * @return 0, ::SYS_HEAP_ERR_INVALID for a NULL or unformatted heap, or
 * ::SYS_HEAP_ERR_UNSUPPORTED when SYS_HEAP_OOM_HOOK is 0.
 */
int sys_heap_set_oom_hook(struct sys_heap *heap, sys_heap_oom_hook_t hook, void *ctx);

/**
 * Walk callback.
 * @param ctx   The context passed to sys_heap_walk().
 * @param mem   The chunk's memory (what alloc returns or would return).
 * @param bytes For a live block, sys_heap_usable_size(); for a free chunk,
 *              the largest request it can serve.
 * @param used  true for a live block, false for a free chunk.
 */
typedef void (*sys_heap_walker_t)(void *ctx, void *mem, size_t bytes, bool used);

/**
 * Visit every chunk, live or free, in address order. The heap must not
 * change during the walk. O(number of chunks).
 */
void sys_heap_walk(struct sys_heap *heap, sys_heap_walker_t walker, void *ctx);

/**
 * Set the heap's error hook; NULL restores the default,
 * sys_heap_default_error_hook(). Every error is counted in the heap's
 * statistics (sys_memory_stats::error_count) before the hook runs. A hook
 * that returns lets the call carry on as documented: free and realloc
 * leave the block alone, an allocation that met a corrupt free chunk
 * keeps that chunk out of circulation and serves the request from another
 * one, so an error is never mistaken for running out of memory. O(1).
 */
void sys_heap_set_error_hook(struct sys_heap *heap, sys_heap_error_hook_t hook);

/**
 * The default error hook. It is not silent:
 * - on ARMv7-M and ARMv8-M Mainline cores with a debugger attached
 *   (DHCSR.C_DEBUGEN set) it stops at a `bkpt` first, in the frame of the
 *   heap call that found the error;
 * - then it calls sys_heap_fatal_error().
 *
 * Weak: a firmware may define its own (the boards in this repository print
 * a report and abort). Silence is an explicit choice:
 * `sys_heap_set_error_hook(heap, sys_heap_silent_error_hook)`.
 */
void sys_heap_default_error_hook(struct sys_heap *heap, void *mem,
				 enum sys_heap_error error, void *caller);

/**
 * What the default error hook ends in. The library's versions (weak,
 * define your own to replace them):
 * - Cortex-M targets: `udf` (__builtin_trap()), which raises a HardFault
 *   (or a UsageFault when enabled), so the firmware's fault handler and
 *   watchdog see it;
 * - the host library: one line on stderr, then abort().
 *
 * Arguments as for ::sys_heap_error_hook_t. If it returns, the heap call
 * returns as documented for a refused pointer.
 */
void sys_heap_fatal_error(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			  void *caller);

/** A hook that does nothing: errors are only counted in the statistics.
 *  Install it where running on after an error is wanted. */
void sys_heap_silent_error_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error,
				void *caller);

/** The name of an error kind without its prefix ("DOUBLE_FREE"), or
 *  "UNKNOWN". For reports. */
const char *sys_heap_error_name(enum sys_heap_error error);

/** Where an allocation was made, for SYS_HEAP_ALLOC_HERE(). */
struct sys_heap_site {
	const char *file; /**< __FILE__ of the call. */
	int line;         /**< __LINE__ of the call. */
};

/**
 * sys_heap_alloc() that also records `site` for the leak report when
 * ::SYS_HEAP_TRACE_CALLERS is on (ignored otherwise). O(1).
 */
void *sys_heap_alloc_at(struct sys_heap *heap, size_t bytes, const struct sys_heap_site *site);

#if defined(__GNUC__)
/** Allocate and record this file and line (GCC and Clang). */
#define SYS_HEAP_ALLOC_HERE(heap, bytes)                                          \
	__extension__({                                                           \
		static const struct sys_heap_site sys_heap_site_ = { __FILE__, __LINE__ }; \
		sys_heap_alloc_at((heap), (bytes), &sys_heap_site_);              \
	})
#endif

/**
 * Return address of the call that allocated a live block; NULL when
 * tracing is off, or for NULL and for pointers that are not live blocks.
 * A query, not a use: a pointer that is not a live block (freed already,
 * foreign, inside a block) is answered NULL without calling the error
 * hook, at every hardening level. Only a SYS_HEAP_DEFINE() heap that was
 * never formatted is reported (::SYS_HEAP_ERR_UNFORMATTED), as by every
 * call. O(1); not thread-safe against frees of `mem`.
 */
void *sys_heap_get_caller(struct sys_heap *heap, void *mem);

/** The site recorded by SYS_HEAP_ALLOC_HERE() for a live block, or NULL;
 *  quiet like sys_heap_get_caller(). O(1). */
const struct sys_heap_site *sys_heap_get_site(struct sys_heap *heap, void *mem);

/**
 * Output callback of the reports. `text` is a NUL-terminated piece of a
 * line; lines end with "\n". src/ has no printf, so firmware passes one
 * that writes to its console.
 */
typedef void (*sys_heap_print_t)(void *ctx, const char *text);

/** Shape of a heap, from one walk. */
struct sys_heap_info {
	size_t total_bytes;        /**< Bytes in all chunks (free + allocated). */
	size_t free_bytes;         /**< Bytes in free chunks. */
	size_t largest_free_bytes; /**< The largest request one free chunk can serve. */
	uint32_t free_chunks;      /**< Number of free chunks. */
	uint32_t used_chunks;      /**< Number of live blocks. */
	/** 0 = all free memory in one chunk, 1000 = shattered into
	 *  pieces: 1000 * (1 - largest free / all free). */
	uint32_t fragmentation_permille;
	uint32_t bucket_count;     /**< Buckets in use by this heap. */
	/** Free chunks per bucket; bucket b holds chunks of 2^b..2^(b+1)-1
	 *  8-byte units. */
	uint32_t bucket_chunks[SYS_HEAP_MAX_BUCKETS];
};

/** Fill `info` from one walk of the heap. O(number of chunks).
 *  @return 0, or ::SYS_HEAP_ERR_INVALID for a NULL/unformatted heap. */
int sys_heap_info_get(struct sys_heap *heap, struct sys_heap_info *info);

/**
 * Print a heap report: totals, the per-bucket table, the largest free
 * block, the free chunk count and the fragmentation figure, and with
 * `every_chunk` one line per chunk. O(number of chunks).
 */
void sys_heap_report(struct sys_heap *heap, sys_heap_print_t print, void *ctx, bool every_chunk);

/**
 * Print every live block with its size and, when tracing is on, its
 * caller and site: at shutdown or at a quiet point, what is left is a
 * leak. O(number of chunks).
 */
void sys_heap_leak_report(struct sys_heap *heap, sys_heap_print_t print, void *ctx);

/** Callbacks told of every successful operation on one heap (with
 *  ::SYS_HEAP_LISTENERS on). Any member may be NULL. They run inside the
 *  heap call, under the caller's lock: keep them short, and do not call
 *  the heap from them. */
struct sys_heap_listener {
	/** A block of `bytes` (as requested) was handed out at `mem`. */
	void (*on_alloc)(void *ctx, struct sys_heap *heap, void *mem, size_t bytes);
	/** The block at `mem` was freed. */
	void (*on_free)(void *ctx, struct sys_heap *heap, void *mem);
	/** realloc moved or resized `old_mem` to `new_mem` of `bytes`. */
	void (*on_resize)(void *ctx, struct sys_heap *heap, void *old_mem, void *new_mem,
			  size_t bytes);
	void *ctx; /**< Passed to every callback. */
};

/** Attach a listener (NULL detaches). The struct must outlive the heap's
 *  use of it. No effect when ::SYS_HEAP_LISTENERS is 0. O(1). */
void sys_heap_set_listener(struct sys_heap *heap, const struct sys_heap_listener *listener);

/** Results of a stress run: Zephyr's struct, under Zephyr's name. */
struct z_heap_stress_result {
	uint32_t total_allocs;      /**< Allocation attempts. */
	uint32_t successful_allocs; /**< Attempts that returned memory. */
	uint32_t total_frees;       /**< Blocks freed. */
	uint64_t accumulated_in_use_bytes; /**< Sum over all operations of the
					       bytes live after it. */
};

/**
 * Zephyr's stress rig: a deterministic random mix of allocations and frees
 * that drives a heap towards `target_percent` full, through caller
 * callbacks that may add cookies and validate after every operation. The
 * same as sys_heap_stress_seeded() with its default seed, so two runs with
 * the same arguments run the same sequence.
 *
 * @param alloc_fn       Allocates from the heap under test.
 * @param free_fn        Frees a block from alloc_fn.
 * @param arg            Passed back to both callbacks.
 * @param total_bytes    Size of the heap under test.
 * @param op_count       Number of operations to run.
 * @param scratch_mem    Scratch space for the live-block table.
 * @param scratch_bytes  Its size; bounds the number of live blocks.
 * @param target_percent Fill level to steer towards, 0..100 (more than 100
 *                       is taken as 100, less than 0 as 0).
 * @param result         Filled with the run's counts; NULL runs nothing.
 *
 * When the operations are done the rig frees every block still live, so
 * the heap ends as empty as it started; those frees count in total_frees.
 * NULL callbacks or scratch too small for one entry run nothing and leave
 * `result` zeroed. O(op_count) plus what the callbacks cost. Not
 * thread-safe beyond what the callbacks provide.
 */
void sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
		     void (*free_fn)(void *arg, void *p), void *arg,
		     size_t total_bytes, uint32_t op_count, void *scratch_mem,
		     size_t scratch_bytes, int target_percent,
		     struct z_heap_stress_result *result);

/**
 * sys_heap_stress() with a PRNG seed of the caller's choice (our
 * extension): the same seed runs the same sequence, another seed another
 * one; 0 picks the default seed sys_heap_stress() uses.
 */
void sys_heap_stress_seeded(void *(*alloc_fn)(void *arg, size_t bytes),
			    void (*free_fn)(void *arg, void *p), void *arg,
			    size_t total_bytes, uint32_t op_count, void *scratch_mem,
			    size_t scratch_bytes, int target_percent, uint32_t seed,
			    struct z_heap_stress_result *result);

/**
 * Where sys_heap_print_info() sends its text, a piece of a line at a time
 * (lines end with "\n"). Weak: define your own to send it elsewhere. The
 * library's versions:
 * - targets: the C library's `_write(1, ...)`, the call newlib's printf
 *   ends in, so the text goes where the firmware's printf goes (the board
 *   console); nothing when the firmware has no `_write` (picolibc: define
 *   this function);
 * - the host library: stdout.
 */
void sys_heap_print_output(void *ctx, const char *text);

/**
 * Zephyr's heap dump: sys_heap_report() through sys_heap_print_output().
 * Totals, the per-bucket table, the largest free block and the
 * fragmentation, and with `dump_chunks` one line per chunk. A NULL or
 * unformatted heap prints one line saying so. O(number of chunks). Not
 * thread-safe: the heap must not change during the call.
 */
void sys_heap_print_info(struct sys_heap *heap, bool dump_chunks);

/**
 * Add a heap formatted at run time to the list sys_heap_array_get()
 * returns (Zephyr's call; Zephyr's sys_heap_init() makes it itself, ours
 * leaves it to the caller). A heap already listed, SYS_HEAP_DEFINE() heaps
 * included, is not added twice.
 *
 * @return 0, or ::SYS_HEAP_ERR_INVALID for NULL or when the list already
 * holds ::SYS_HEAP_ARRAY_SIZE heaps. O(heaps). Not thread-safe.
 */
int sys_heap_array_save(struct sys_heap *heap);

/**
 * Every heap defined with a SYS_HEAP_DEFINE macro, in name order, then
 * those added with sys_heap_array_save(), in the order they were added.
 *
 * @param heap Receives the array of heap pointers (valid until the next
 *             call of either function).
 * @return the number of heaps, or ::SYS_HEAP_ERR_INVALID for NULL and when
 * the SYS_HEAP_DEFINE() heaps alone are more than ::SYS_HEAP_ARRAY_SIZE
 * (raise it). O(heaps). Not thread-safe.
 */
int sys_heap_array_get(struct sys_heap ***heap);

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_H */
