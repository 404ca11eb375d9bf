/**
 * @file sys_heap_listener.h
 * @brief Zephyr's global heap listeners: one list of callbacks, each
 *        listening to one kind of event on one heap.
 *
 * The API of Zephyr's `<zephyr/sys/heap_listener.h>` (include that name, or
 * this one), with Zephyr's semantics. Needs ::SYS_HEAP_LISTENERS = 1, in
 * the library and the firmware alike (Zephyr: CONFIG_SYS_HEAP_LISTENER).
 *
 * @code
 * static void on_alloc(uintptr_t heap_id, void *mem, size_t bytes) { ... }
 * HEAP_LISTENER_ALLOC_DEFINE(my_listener, HEAP_ID_FROM_POINTER(&my_heap), on_alloc);
 *
 * heap_listener_register(&my_listener);
 * @endcode
 *
 * **What each heap reports.** Every sys_heap tells the list of its
 * successful operations, under the id HEAP_ID_FROM_POINTER(heap):
 * - an allocation (any alloc call, realloc from NULL): ::HEAP_ALLOC with
 *   the block's usable size, sys_heap_usable_size();
 * - a free (realloc to 0 bytes included): ::HEAP_FREE with the usable size
 *   the block had;
 * - a realloc that succeeds: ::HEAP_ALLOC for the block as it is now, then
 *   ::HEAP_FREE for the block as it was, with the same pointer when it
 *   stayed in place. A realloc that fails reports nothing.
 * The system heap of the libc glue (`malloc` and friends) also reports its
 * events under ::HEAP_ID_LIBC, and ::HEAP_RESIZE from its start to its end
 * when the glue formats it (the libc heap "grows" once, to its full size).
 *
 * **Callbacks** run inside the heap call, under the caller's lock: keep
 * them short, and do not call that heap from them.
 *
 * **Thread safety.** heap_listener_register() and
 * heap_listener_unregister() change the list without a lock: call them
 * before other threads and interrupts use heaps, or with the heaps' lock
 * held.
 *
 * **Listeners compiled out** (::SYS_HEAP_LISTENERS = 0, the default): the
 * notify calls are empty inline functions, as in Zephyr, and a call of
 * heap_listener_register() or heap_listener_unregister() fails the link
 * with an undefined reference to
 * `heap_listener_register_needs_SYS_HEAP_LISTENERS_1`, so a listener never
 * waits silently for events that cannot come.
 */
#ifndef SYS_HEAP_LISTENER_H
#define SYS_HEAP_LISTENER_H

#include <stddef.h>
#include <stdint.h>

#include "sys_heap_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kinds of event a listener listens to. */
enum heap_event_types {
	/** None: a zeroed listener is never called. */
	HEAP_EVT_UNKNOWN = 0,
	/** The heap's end moved (the libc heap, when it is formatted). */
	HEAP_RESIZE,
	/** A block was allocated. */
	HEAP_ALLOC,
	/** A block was freed. */
	HEAP_FREE,
	/** Reserved by Zephyr; no heap reports it (a realloc is an ALLOC and a
	 *  FREE). */
	HEAP_REALLOC,
	/** Number of event kinds. */
	HEAP_MAX_EVENTS
};

/**
 * ::HEAP_RESIZE callback.
 * @param heap_id      The heap's id.
 * @param old_heap_end The end of the heap before.
 * @param new_heap_end The end of the heap now.
 */
typedef void (*heap_listener_resize_cb_t)(uintptr_t heap_id, void *old_heap_end,
					  void *new_heap_end);

/**
 * ::HEAP_ALLOC callback.
 * @param heap_id The heap's id.
 * @param mem     The block.
 * @param bytes   Its usable size: at least what was asked for.
 */
typedef void (*heap_listener_alloc_cb_t)(uintptr_t heap_id, void *mem, size_t bytes);

/**
 * ::HEAP_FREE callback.
 * @param heap_id The heap's id.
 * @param mem     The block, no longer the caller's.
 * @param bytes   The usable size it had.
 */
typedef void (*heap_listener_free_cb_t)(uintptr_t heap_id, void *mem, size_t bytes);

/** The link of a listener in the global list; the list's own business. */
struct heap_listener_node {
	struct heap_listener_node *next; /**< The next listener, or NULL. */
};

/** One listener: one kind of event on one heap. Define it with a
 *  HEAP_LISTENER_*_DEFINE macro; it must stay alive while registered. */
struct heap_listener {
	/** Link in the global list (first, so a node is its listener). */
	struct heap_listener_node node;
	/** The heap listened to: HEAP_ID_FROM_POINTER(heap) or ::HEAP_ID_LIBC. */
	uintptr_t heap_id;
	/** The event listened to; the callback member below matches it. */
	enum heap_event_types event;
	/** The callback of ::event. */
	union {
		heap_listener_alloc_cb_t alloc_cb;   /**< For ::HEAP_ALLOC. */
		heap_listener_free_cb_t free_cb;     /**< For ::HEAP_FREE. */
		heap_listener_resize_cb_t resize_cb; /**< For ::HEAP_RESIZE. */
	};
};

/** The id of the heap object at `heap_pointer` (a `struct sys_heap *`). */
#define HEAP_ID_FROM_POINTER(heap_pointer) ((uintptr_t)(heap_pointer))

/** The id of the C library's heap (`malloc`). */
#define HEAP_ID_LIBC ((uintptr_t)0)

/** Define `name`, a listener calling `callback` (a
 *  ::heap_listener_alloc_cb_t) on each allocation from heap `id`. */
#define HEAP_LISTENER_ALLOC_DEFINE(name, id, callback) \
	struct heap_listener name = { { 0 }, (id), HEAP_ALLOC, { .alloc_cb = (callback) } }

/** Define `name`, a listener calling `callback` (a
 *  ::heap_listener_free_cb_t) on each free on heap `id`. */
#define HEAP_LISTENER_FREE_DEFINE(name, id, callback) \
	struct heap_listener name = { { 0 }, (id), HEAP_FREE, { .free_cb = (callback) } }

/** Define `name`, a listener calling `callback` (a
 *  ::heap_listener_resize_cb_t) when heap `id` changes its end. */
#define HEAP_LISTENER_RESIZE_DEFINE(name, id, callback) \
	struct heap_listener name = { { 0 }, (id), HEAP_RESIZE, { .resize_cb = (callback) } }

#if SYS_HEAP_LISTENERS

/**
 * Add a listener to the global list. It is called from then on for its
 * event on its heap. Registering a listener already in the list does
 * nothing. O(listeners). Not thread-safe (see the file's comment).
 */
void heap_listener_register(struct heap_listener *listener);

/** Remove a listener from the global list; one not in it is ignored.
 *  O(listeners). Not thread-safe. */
void heap_listener_unregister(struct heap_listener *listener);

/** Tell every ::HEAP_ALLOC listener of `heap_id` that `mem` of `bytes`
 *  was allocated (for heaps other than sys_heap, which call it
 *  themselves). O(listeners). */
void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes);

/** Tell every ::HEAP_FREE listener of `heap_id` that `mem` of `bytes` was
 *  freed. O(listeners). */
void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes);

/** Tell every ::HEAP_RESIZE listener of `heap_id` that its end moved.
 *  O(listeners). */
void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end);

/** @cond INTERNAL */
struct sys_heap;
/* The libc glue names its system heap once it is formatted: from then on
 * its events reach ::HEAP_ID_LIBC listeners too, and a ::HEAP_RESIZE from
 * its start to its end says it now spans its region. */
void z_sysheap_listen_libc_heap(struct sys_heap *heap);
/** @endcond */

#else /* !SYS_HEAP_LISTENERS */

/** @cond INTERNAL */
/* Compiled out: registering would wait for events that never come. These
 * names are defined nowhere, so the link fails and says why. */
void heap_listener_register_needs_SYS_HEAP_LISTENERS_1(struct heap_listener *listener);
void heap_listener_unregister_needs_SYS_HEAP_LISTENERS_1(struct heap_listener *listener);
/** @endcond */
#define heap_listener_register(listener) \
	heap_listener_register_needs_SYS_HEAP_LISTENERS_1(listener)
#define heap_listener_unregister(listener) \
	heap_listener_unregister_needs_SYS_HEAP_LISTENERS_1(listener)

static inline void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	(void)heap_id;
	(void)mem;
	(void)bytes;
}

static inline void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	(void)heap_id;
	(void)mem;
	(void)bytes;
}

static inline void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end,
					       void *new_heap_end)
{
	(void)heap_id;
	(void)old_heap_end;
	(void)new_heap_end;
}

#endif /* SYS_HEAP_LISTENERS */

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_LISTENER_H */
