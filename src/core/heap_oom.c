/*
 * heap_oom.c: what an allocating call does when it cannot be served: no
 * chunk fits, or (SYS_HEAP_OWNERS) its owner's quota is spent.
 * SYS_HEAP_WATERMARKS counts it; SYS_HEAP_OOM_HOOK asks the heap's hook
 * whether to try once more. Only the failure path comes here, so the path
 * that succeeds pays nothing for the hook.
 */
#include "stats.h"

#if SYSHEAP_ALLOC_FAILURE_HOOK || SYS_HEAP_OWNERS
bool z_sysheap_oom_ask(struct sys_heap *heap, size_t bytes, size_t align, void *caller,
		       enum sys_heap_oom_reason reason)
{
	struct z_heap *h = heap->heap;
	bool retry = false;

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
		retry = hook(heap, bytes, align, caller, reason, h->oom_ctx);
		h->in_oom_hook = 0u;
	}
#else
	(void)h;
	(void)bytes;
	(void)align;
	(void)caller;
	(void)reason;
#endif
	return retry;
}
#endif

#if SYSHEAP_ALLOC_FAILURE_HOOK
chunkid_t z_sysheap_alloc_failed(struct sys_heap *heap, chunksz_t size, size_t bytes,
				 size_t align, void *caller, uint32_t loops, bool best_fit)
{
	bool retry = z_sysheap_oom_ask(heap, bytes, align, caller, SYS_HEAP_OOM_NO_MEMORY);

#if SYS_HEAP_OOM_HOOK
	/* The one retry is this search, which does not come back here. */
	if (retry) {
		return z_sysheap_alloc_chunk(heap->heap, size, loops, best_fit);
	}
#else
	(void)retry;
	(void)size;
	(void)loops;
	(void)best_fit;
#endif
	return 0u;
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
