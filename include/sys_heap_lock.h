/**
 * @file sys_heap_lock.h
 * @brief The lock that lets threads and ISRs share a heap, and the locked
 *        API built on it.
 *
 * **The lock.** One lock path per heap: every locked entry point, the
 * sys_heap_locked_*() calls and the C library glue (sys_heap_libc.h)
 * alike, enters a heap's critical section through sys_heap_lock_for()
 * and leaves it through sys_heap_unlock_for(). Today every heap shares
 * one lock, sys_heap_lock()/sys_heap_unlock(), so replacing that pair
 * replaces the lock everywhere.
 *
 * The Cortex-M archives (`libsysheap.a` for each CPU) carry a weak
 * PRIMASK mask, so nothing else has to be linked. To replace it, define
 * both functions in the firmware: an RTOS port (a mutex if no ISR uses
 * the heap, a critical section if one does; docs/porting.md), or the
 * BASEPRI threshold of sys_heap_lock_basepri.h. The host archive has no
 * lock; a host program defines the pair (boards/host/lock_host.c is a
 * no-op for single-threaded tests).
 *
 * The lock must nest: sys_heap_lock() returns the previous state and
 * sys_heap_unlock() restores exactly that, so a locked call made with
 * interrupts already masked leaves them masked.
 *
 * **The locked API.** Each sys_heap_locked_*() call is the plain call of
 * the same name between sys_heap_lock_for() and sys_heap_unlock_for(), with the
 * same arguments, results, alignment and bad-input behaviour (see
 * sys_heap.h). Interrupt latency grows by the call's duration: O(1) for
 * all of them except realloc when the block moves (a copy of up to the old
 * size) and validate (a walk of every chunk). An error hook runs with the
 * lock held.
 */
#ifndef SYS_HEAP_LOCK_H
#define SYS_HEAP_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Whatever sys_heap_lock() must hand back to sys_heap_unlock(): the
 *  saved PRIMASK or BASEPRI on Cortex-M. */
typedef uint32_t sys_heap_lock_key_t;

/**
 * Enter the heap's critical section. Nesting-safe: returns the state to
 * restore. Callable from thread and interrupt context. O(1).
 */
sys_heap_lock_key_t sys_heap_lock(void);

/** Leave it, restoring the state `key` from the matching sys_heap_lock(). */
void sys_heap_unlock(sys_heap_lock_key_t key);

/**
 * Enter the critical section that guards `heap`: the lock every locked
 * entry point takes for it. Bracket several plain calls on a shared heap
 * with this pair. Today it is sys_heap_lock() for every heap (`heap` is
 * not read and may be NULL). Nesting-safe, O(1), any context.
 */
static inline sys_heap_lock_key_t sys_heap_lock_for(struct sys_heap *heap)
{
	(void)heap;
	return sys_heap_lock();
}

/** Leave the critical section of `heap` entered by the
 *  sys_heap_lock_for() that returned `key`. */
static inline void sys_heap_unlock_for(struct sys_heap *heap, sys_heap_lock_key_t key)
{
	(void)heap;
	sys_heap_unlock(key);
}

/** sys_heap_alloc() under the lock. */
void *sys_heap_locked_alloc(struct sys_heap *heap, size_t bytes);

/** sys_heap_free() under the lock. */
void sys_heap_locked_free(struct sys_heap *heap, void *mem);

/** sys_heap_realloc() under the lock. A move copies with the lock held. */
void *sys_heap_locked_realloc(struct sys_heap *heap, void *mem, size_t bytes);

/** sys_heap_aligned_alloc() under the lock. */
void *sys_heap_locked_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);

/** sys_heap_aligned_realloc() under the lock. A move copies with the lock held. */
void *sys_heap_locked_aligned_realloc(struct sys_heap *heap, void *mem, size_t align,
				      size_t bytes);

/** sys_heap_usable_size() under the lock. */
size_t sys_heap_locked_usable_size(struct sys_heap *heap, void *mem);

/** sys_heap_validate() under the lock: O(chunks) with interrupts masked,
 *  so for tests and debug builds. */
bool sys_heap_locked_validate(struct sys_heap *heap);

/** sys_heap_runtime_stats_get() under the lock: a consistent snapshot. */
int sys_heap_locked_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_LOCK_H */
