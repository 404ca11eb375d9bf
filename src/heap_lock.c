/*
 * heap_lock.c: the one lock path of every heap. sys_heap_lock_for() takes
 * the heap's own lock (or the shared default) and runs the two context
 * checks first, so each locked entry point (heap_locked.c, the libc glue,
 * C++ new, the ports) gets them by calling it.
 *
 * sys_heap_lock_for() itself is inline (sys_heap_lock.h): the shared
 * default is a direct call of sys_heap_lock(); a heap with a lock of its
 * own comes here.
 *
 * The re-entry check needs to know who holds the lock. The handle records
 * the holder's id and depth, written only by the holder. A lock that
 * masks interrupts needs no id: once it is taken nobody else can run, so
 * a holder already recorded can only be this context. A lock that blocks
 * (a mutex) gives an id through ops->self, and the check runs before the
 * take that would deadlock.
 */
#include "core/hardening.h"
#include "sys_heap_lock.h"

static sys_heap_lock_key_t none_lock(void *arg)
{
	(void)arg;
	return 0u;
}

static void none_unlock(void *arg, sys_heap_lock_key_t key)
{
	(void)arg;
	(void)key;
}

const struct sys_heap_lock_ops sys_heap_lock_ops_none = {
	none_lock, none_unlock, NULL, NULL, SYS_HEAP_LOCK_IRQ_SAFE,
};

void sys_heap_set_lock(struct sys_heap *heap, const struct sys_heap_lock_ops *ops)
{
	if (heap != NULL) {
		heap->lock = ops;
		heap->lock_owner = 0u;
		heap->lock_depth = 0u;
	}
}

/* To the heap's hook when it has one; an unformatted heap has only the
 * default hook. */
static __attribute__((noinline, cold)) sys_heap_lock_key_t refuse(struct sys_heap *heap,
								  enum sys_heap_error error,
								  void *caller)
{
	if (heap->heap != NULL) {
		(void)z_sysheap_report(heap, NULL, error, caller);
	} else {
		heap->error_count++;
		sys_heap_default_error_hook(heap, NULL, error, caller);
	}
	return SYS_HEAP_LOCK_REFUSED;
}

sys_heap_lock_key_t z_sysheap_lock_own(struct sys_heap *heap, void *caller)
{
	const struct sys_heap_lock_ops *ops = heap->lock;
	bool recursive = (ops->flags & SYS_HEAP_LOCK_RECURSIVE) != 0u;

	if ((ops->flags & SYS_HEAP_LOCK_IRQ_SAFE) == 0u && z_sysheap_in_isr()) {
		return refuse(heap, SYS_HEAP_ERR_LOCK_CONTEXT, caller);
	}
	uintptr_t self = ops->self != NULL ? ops->self(ops->arg) : 1u;

	if (!recursive && ops->self != NULL && heap->lock_owner == self) {
		return refuse(heap, SYS_HEAP_ERR_LOCK_REENTRY, caller);
	}
	sys_heap_lock_key_t key = ops->lock(ops->arg);

	/* We hold the lock now, so a recorded holder is this context. */
	if (heap->lock_owner != 0u) {
		if (!recursive) {
			ops->unlock(ops->arg, key);
			return refuse(heap, SYS_HEAP_ERR_LOCK_REENTRY, caller);
		}
		heap->lock_depth++;
		return key;
	}
	heap->lock_owner = self;
	heap->lock_depth = 1u;
	return key;
}

bool sys_heap_lock_held(struct sys_heap *heap)
{
	const struct sys_heap_lock_ops *ops = heap != NULL ? heap->lock : NULL;

	if (ops == NULL || heap->lock_owner == 0u) {
		return false;
	}
	/* A mask without an id: while it is held only its holder runs. */
	return ops->self == NULL || heap->lock_owner == ops->self(ops->arg);
}

void z_sysheap_unlock_own(struct sys_heap *heap, sys_heap_lock_key_t key)
{
	const struct sys_heap_lock_ops *ops = heap->lock;

	if (key == SYS_HEAP_LOCK_REFUSED) {
		return;
	}
	if (--heap->lock_depth == 0u) {
		heap->lock_owner = 0u;
	}
	ops->unlock(ops->arg, key);
}
