/*
 * heap_locked.c: the plain API inside the heap's critical section
 * (sys_heap_lock_for()), so threads and ISRs can share a heap. Nothing
 * here knows how the lock works. A refused lock (wrong context, re-entry:
 * already reported) makes the call do nothing.
 */
#include "sys_heap_lock.h"

#define REFUSED(key) __builtin_expect((key) == SYS_HEAP_LOCK_REFUSED, 0)

void *sys_heap_locked_alloc(struct sys_heap *heap, size_t bytes)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return NULL;
	}
	void *mem = sys_heap_alloc(heap, bytes);

	sys_heap_unlock_for(heap, key);
	return mem;
}

void sys_heap_locked_free(struct sys_heap *heap, void *mem)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return;
	}
	sys_heap_free(heap, mem);
	sys_heap_unlock_for(heap, key);
}

void *sys_heap_locked_realloc(struct sys_heap *heap, void *mem, size_t bytes)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return NULL;
	}
	void *moved = sys_heap_realloc(heap, mem, bytes);

	sys_heap_unlock_for(heap, key);
	return moved;
}

void *sys_heap_locked_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return NULL;
	}
	void *mem = sys_heap_aligned_alloc(heap, align, bytes);

	sys_heap_unlock_for(heap, key);
	return mem;
}

void *sys_heap_locked_aligned_realloc(struct sys_heap *heap, void *mem, size_t align,
				      size_t bytes)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return NULL;
	}
	void *moved = sys_heap_aligned_realloc(heap, mem, align, bytes);

	sys_heap_unlock_for(heap, key);
	return moved;
}

size_t sys_heap_locked_usable_size(struct sys_heap *heap, void *mem)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return 0u;
	}
	size_t bytes = sys_heap_usable_size(heap, mem);

	sys_heap_unlock_for(heap, key);
	return bytes;
}

bool sys_heap_locked_validate(struct sys_heap *heap)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return false;
	}
	bool ok = sys_heap_validate(heap);

	sys_heap_unlock_for(heap, key);
	return ok;
}

int sys_heap_locked_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (REFUSED(key)) {
		return SYS_HEAP_ERR_INVALID;
	}
	int err = sys_heap_runtime_stats_get(heap, stats);

	sys_heap_unlock_for(heap, key);
	return err;
}
