/*
 * heap_array.c: Zephyr's heap array. sys_heap_array_get() lists every
 * SYS_HEAP_DEFINE() heap (from the registry, so they need no call) and
 * then the heaps added with sys_heap_array_save(). The RAM it costs is
 * linked only into firmware that calls it.
 */
#include "sys_heap_define.h"

/* [0, static_count): the registry's heaps, refreshed by each get;
 * [static_count, count): the saved ones, kept in the order of saving. */
static struct sys_heap *heap_array[SYS_HEAP_ARRAY_SIZE > 0 ? SYS_HEAP_ARRAY_SIZE : 1];
static size_t saved_count;

static bool is_static_heap(const struct sys_heap *heap)
{
	for (size_t i = 0u; i < sys_heap_static_count(); i++) {
		if (sys_heap_static_at(i)->heap == heap) {
			return true;
		}
	}
	return false;
}

int sys_heap_array_save(struct sys_heap *heap)
{
	size_t statics = sys_heap_static_count();

	if (heap == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
	if (is_static_heap(heap)) {
		return 0;
	}
	for (size_t i = 0u; i < saved_count; i++) {
		if (heap_array[statics + i] == heap) {
			return 0;
		}
	}
	if (statics + saved_count >= SYS_HEAP_ARRAY_SIZE) {
		return SYS_HEAP_ERR_INVALID;
	}
	heap_array[statics + saved_count] = heap;
	saved_count++;
	return 0;
}

int sys_heap_array_get(struct sys_heap ***heap)
{
	size_t statics = sys_heap_static_count();

	if (heap == NULL || statics > SYS_HEAP_ARRAY_SIZE) {
		return SYS_HEAP_ERR_INVALID;
	}
	for (size_t i = 0u; i < statics; i++) {
		heap_array[i] = sys_heap_static_at(i)->heap;
	}
	*heap = heap_array;
	return (int)(statics + saved_count);
}
