/*
 * alloc_sysheap.c: sys_heap as a bench_allocator, at each search effort.
 * The timed calls are the public API itself: sys_heap_alloc(),
 * sys_heap_alloc_effort(), sys_heap_free(), sys_heap_aligned_alloc(),
 * sys_heap_realloc().
 */
#include "alloc_sysheap.h"

static struct sys_heap heaps[4];
static unsigned hook_calls;

static void count_error(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
	hook_calls++;
}

static bool sysheap_reset(struct bench_allocator *a, void *arena, size_t bytes)
{
	struct sys_heap *h = a->heap;

	sys_heap_init(h, arena, bytes);
	if (h->heap == NULL) {
		return false;
	}
	sys_heap_set_error_hook(h, count_error);
	return true;
}

static bool sysheap_validate(struct bench_allocator *a)
{
	return hook_calls == 0u && sys_heap_validate(a->heap);
}

void sysheap_allocator(struct bench_allocator *a, const char *name, enum bench_sysheap_mode mode)
{
	*a = (struct bench_allocator){
		.name = name,
		.heap = &heaps[mode],
		.alloc_fn = (void *)sys_heap_alloc,
		.free_fn = (void *)sys_heap_free,
		.aligned_fn = (void *)sys_heap_aligned_alloc,
		.realloc_fn = (void *)sys_heap_realloc,
		.reset = sysheap_reset,
		.validate = sysheap_validate,
		.hdr_bytes = sizeof(void *) > 4u ? 8u : 4u,
	};
	if (mode != BENCH_SYSHEAP_PLAIN) {
		a->alloc_fn = (void *)sys_heap_alloc_effort;
		a->alloc_extra = mode == BENCH_SYSHEAP_FAST ? SYS_HEAP_EFFORT_FAST
				 : mode == BENCH_SYSHEAP_FIT ? SYS_HEAP_EFFORT_FIT
							     : SYS_HEAP_EFFORT_DEFAULT;
	}
}

unsigned sysheap_error_hook_calls(void)
{
	return hook_calls;
}
