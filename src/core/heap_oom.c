/*
 * heap_oom.c: what an allocating call does when its search found no chunk
 * (SYS_HEAP_WATERMARKS counts it, SYS_HEAP_OOM_HOOK asks the heap's hook
 * whether to search once more). Only the failure path comes here, so the
 * path that succeeds pays nothing for either option.
 */
#include "stats.h"

#if SYSHEAP_ALLOC_FAILURE_HOOK
bool z_sysheap_alloc_failed(struct sys_heap *heap, size_t bytes, size_t align, void *caller,
			    bool may_retry)
{
	struct z_heap *h = heap->heap;
	bool retry = false;

	if (!may_retry) {
		/* The retry failed as well: the call counted once already,
		 * and the hook has had its one chance. */
		return false;
	}
#if SYS_HEAP_WATERMARKS
	if (h->failed_allocs != UINT32_MAX) {
		h->failed_allocs++;
	}
#endif
#if SYS_HEAP_OOM_HOOK
	sys_heap_oom_hook_t hook = h->oom_hook;

	/* Never from inside the hook: an allocation the hook makes that
	 * fails just returns NULL. */
	if (hook != NULL && h->in_oom_hook == 0u) {
		h->in_oom_hook = 1u;
		retry = hook(heap, bytes, align, caller, SYS_HEAP_OOM_NO_MEMORY, h->oom_ctx);
		h->in_oom_hook = 0u;
	}
#else
	(void)bytes;
	(void)align;
	(void)caller;
#endif
	return retry;
}
#endif

int sys_heap_set_oom_hook(struct sys_heap *heap, sys_heap_oom_hook_t hook, void *ctx)
{
	if (heap == NULL || heap->heap == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
#if SYS_HEAP_OOM_HOOK
	heap->heap->oom_hook = hook;
	heap->heap->oom_ctx = ctx;
	return 0;
#else
	(void)hook;
	(void)ctx;
	return SYS_HEAP_ERR_UNSUPPORTED;
#endif
}
