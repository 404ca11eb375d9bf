/*
 * listeners.c: attach a listener to a heap (SYS_HEAP_LISTENERS).
 */
#include "chunk.h"

void sys_heap_set_listener(struct sys_heap *heap, const struct sys_heap_listener *listener)
{
#if SYS_HEAP_LISTENERS
	if (heap != NULL && heap->heap != NULL) {
		heap->heap->listener = listener;
	}
#else
	(void)heap;
	(void)listener;
#endif
}
