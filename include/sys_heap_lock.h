/**
 * @file sys_heap_lock.h
 * @brief The lock that lets threads and ISRs share a heap, and the locked
 *        API built on it.
 *
 * **The lock.** One lock path per heap: every locked entry point, the
 * sys_heap_locked_*() calls and the C library glue (sys_heap_libc.h)
 * alike, enters a heap's critical section through sys_heap_lock_for()
 * and leaves it through sys_heap_unlock_for(). A heap takes the lock
 * attached to it (sys_heap_set_lock(): PRIMASK, a BASEPRI threshold,
 * none, or an RTOS mutex as a pair of callbacks); a heap with none
 * attached, the default, shares sys_heap_lock()/sys_heap_unlock(), so
 * replacing that pair replaces the default everywhere.
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
 * lock held. When sys_heap_lock_for() refuses (wrong context, re-entry),
 * the call does nothing after the report: allocations return NULL, free
 * and realloc leave the block alone, validate returns false and the stats
 * call ::SYS_HEAP_ERR_INVALID.
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

/** The lock may be taken in handler mode: it masks interrupts (or does
 *  nothing). Without it, a locked call from an interrupt is reported as
 *  ::SYS_HEAP_ERR_LOCK_CONTEXT and refused. */
#define SYS_HEAP_LOCK_IRQ_SAFE 1u
/** The holder may take the lock again (a nesting mask, a recursive
 *  mutex). Without it, a second take by the holder is reported as
 *  ::SYS_HEAP_ERR_LOCK_REENTRY and refused. */
#define SYS_HEAP_LOCK_RECURSIVE 2u

/** What sys_heap_lock_for() returns when it refused (and reported) the
 *  call: sys_heap_unlock_for() ignores it. A lock callback must never
 *  return this value as a key. */
#define SYS_HEAP_LOCK_REFUSED UINT32_MAX

/**
 * A heap's lock: a pair of callbacks and what they promise. Attach one
 * with sys_heap_set_lock(); the library ships sys_heap_lock_ops_none,
 * sys_heap_lock_ops_primask (Cortex-M) and SYS_HEAP_LOCK_OPS_BASEPRI();
 * an RTOS mutex or critical section is a pair of user callbacks.
 * Keep the object alive (const, static) while the heap uses it.
 */
struct sys_heap_lock_ops {
	/** Take the lock; returns what `unlock` needs (never
	 *  ::SYS_HEAP_LOCK_REFUSED). */
	sys_heap_lock_key_t (*lock)(void *arg);
	/** Release it with the key `lock` returned. */
	void (*unlock)(void *arg, sys_heap_lock_key_t key);
	/** Optional: a nonzero id of the calling context (the RTOS task
	 *  handle). A lock that blocks (a mutex) needs it, so that re-entry is
	 *  caught before the take that would deadlock; an interrupt mask does
	 *  not (only its holder can run while it is held). */
	uintptr_t (*self)(void *arg);
	/** Passed to the callbacks (the mutex handle, the BASEPRI byte). */
	void *arg;
	/** ::SYS_HEAP_LOCK_IRQ_SAFE, ::SYS_HEAP_LOCK_RECURSIVE. */
	uint32_t flags;
};

/** No lock: a heap used by one context only. Callable anywhere; re-entry
 *  is reported. */
extern const struct sys_heap_lock_ops sys_heap_lock_ops_none;

/** PRIMASK (every Cortex-M): masks all interrupts but NMI and HardFault.
 *  Callable anywhere; re-entry is reported (unlike the shared default,
 *  which nests). Target archives only. */
extern const struct sys_heap_lock_ops sys_heap_lock_ops_primask;

/** @cond INTERNAL */
/* The masks themselves, shared by the archive's default lock, the lock
 * objects and sys_heap_lock_basepri.h. Each returns the state to restore. */
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
static inline sys_heap_lock_key_t z_sysheap_primask_raise(void)
{
	uint32_t key;

	/* cpsid is self-synchronising: no isb needed. */
	__asm__ volatile("mrs %0, primask\n\t"
			 "cpsid i"
			 : "=r"(key)
			 :
			 : "memory");
	return key;
}

static inline void z_sysheap_primask_restore(sys_heap_lock_key_t key)
{
	__asm__ volatile("msr primask, %0" : : "r"(key) : "memory");
}
#endif

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
	defined(__ARM_ARCH_8_1M_MAIN__)
#define Z_SYS_HEAP_HAVE_BASEPRI 1
/* BASEPRI_MAX only ever raises the mask, so the lock nests. */
static inline sys_heap_lock_key_t z_sysheap_basepri_raise(uint32_t threshold)
{
	uint32_t key;

	__asm__ volatile("mrs %0, basepri\n\t"
			 "msr basepri_max, %1\n\t"
			 "isb" /* the new mask applies from the next instruction */
			 : "=&r"(key)
			 : "r"(threshold)
			 : "memory");
	return key;
}

static inline void z_sysheap_basepri_restore(sys_heap_lock_key_t key)
{
	__asm__ volatile("msr basepri, %0\n\t"
			 "isb"
			 :
			 : "r"(key)
			 : "memory");
}
#endif
/** @endcond */

/** @cond INTERNAL */
sys_heap_lock_key_t z_sysheap_basepri_lock(void *arg);
void z_sysheap_basepri_unlock(void *arg, sys_heap_lock_key_t key);
/** @endcond */

/**
 * Define `const struct sys_heap_lock_ops name`: a BASEPRI mask at the raw
 * byte `threshold` (1..255, already shifted as BASEPRI holds it), for
 * ARMv7-M and ARMv8-M Mainline. Interrupts more urgent than the threshold
 * keep running and must not call the heap. Callable anywhere; re-entry is
 * reported.
 */
#define SYS_HEAP_LOCK_OPS_BASEPRI(name, threshold)                                      \
	_Static_assert((threshold) > 0 && (threshold) <= 255,                           \
		       "SYS_HEAP_LOCK_OPS_BASEPRI: threshold must be 1..255");          \
	const struct sys_heap_lock_ops name = { z_sysheap_basepri_lock,                 \
						z_sysheap_basepri_unlock, NULL,         \
						(void *)(uintptr_t)(threshold),         \
						SYS_HEAP_LOCK_IRQ_SAFE }

/**
 * Attach `ops` to `heap` (NULL: back to the shared default). Do it before
 * the heap is shared, not while a context holds its lock. Survives
 * sys_heap_init(). O(1).
 */
void sys_heap_set_lock(struct sys_heap *heap, const struct sys_heap_lock_ops *ops);

/**
 * Enter the critical section that guards `heap`: the lock every locked
 * entry point takes for it. Bracket several plain calls on a shared heap
 * with this pair. A heap without its own lock (sys_heap::lock NULL, the
 * default) and a NULL `heap` take sys_heap_lock(): nesting, any context.
 *
 * With a lock of its own, the checks: a lock without
 * ::SYS_HEAP_LOCK_IRQ_SAFE taken in handler mode, and a second take by
 * the holder of a lock without ::SYS_HEAP_LOCK_RECURSIVE, are reported to
 * the heap's error hook (::SYS_HEAP_ERR_LOCK_CONTEXT,
 * ::SYS_HEAP_ERR_LOCK_REENTRY) and return ::SYS_HEAP_LOCK_REFUSED
 * without taking the lock. O(1) plus the lock's own cost.
 */
static inline sys_heap_lock_key_t sys_heap_lock_for(struct sys_heap *heap);

/** Leave the critical section of `heap` entered by the
 *  sys_heap_lock_for() that returned `key` (a no-op for
 *  ::SYS_HEAP_LOCK_REFUSED). */
static inline void sys_heap_unlock_for(struct sys_heap *heap, sys_heap_lock_key_t key);

/** @cond INTERNAL */
/* A heap with a lock of its own: the checks and the callbacks, out of
 * line. The shared default stays a direct call, as it always was. */
sys_heap_lock_key_t z_sysheap_lock_own(struct sys_heap *heap, void *caller);
void z_sysheap_unlock_own(struct sys_heap *heap, sys_heap_lock_key_t key);

static inline sys_heap_lock_key_t sys_heap_lock_for(struct sys_heap *heap)
{
	if (heap == NULL || heap->lock == NULL) {
		return sys_heap_lock();
	}
	return z_sysheap_lock_own(heap, __builtin_return_address(0));
}

static inline void sys_heap_unlock_for(struct sys_heap *heap, sys_heap_lock_key_t key)
{
	if (heap == NULL || heap->lock == NULL) {
		sys_heap_unlock(key);
	} else {
		z_sysheap_unlock_own(heap, key);
	}
}
/** @endcond */

/**
 * True when the calling context holds `heap`'s own lock (taken through
 * sys_heap_lock_for()). Always false for a heap on the shared default,
 * which keeps no holder. A blocking lock needs its `self` callback for a
 * true answer. O(1).
 */
bool sys_heap_lock_held(struct sys_heap *heap);

/** @cond INTERNAL */
/** True in an exception handler (IPSR != 0 on Cortex-M). The host build
 *  takes it from boards/host/lock_host.c, where tests can pretend. */
bool z_sysheap_in_isr(void);
/** @endcond */

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
