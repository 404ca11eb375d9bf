/*
 * compile_test.c: a translation unit that includes only Zephyr's two heap
 * headers and calls everything they declare with Zephyr's argument types,
 * as code written for Zephyr does. Built with -Werror by make
 * test-zephyr, with listeners on and off; never run. Off, it must also
 * fail to link, naming SYS_HEAP_LISTENERS (a registered listener would
 * never hear anything).
 */
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/heap_listener.h>

static void *stress_alloc(void *arg, size_t bytes)
{
	return sys_heap_alloc((struct sys_heap *)arg, bytes);
}

static void stress_free(void *arg, void *p)
{
	sys_heap_free((struct sys_heap *)arg, p);
}

static void on_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	(void)heap_id;
	(void)mem;
	(void)bytes;
}

static void on_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	(void)heap_id;
	(void)mem;
	(void)bytes;
}

static void on_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end)
{
	(void)heap_id;
	(void)old_heap_end;
	(void)new_heap_end;
}

static struct sys_heap heap;
static char heap_mem[Z_HEAP_MIN_SIZE_FOR(256)];
static char min_mem[Z_HEAP_MIN_SIZE];

HEAP_LISTENER_ALLOC_DEFINE(alloc_listener, HEAP_ID_FROM_POINTER(&heap), on_alloc);
HEAP_LISTENER_FREE_DEFINE(free_listener, HEAP_ID_LIBC, on_free);
HEAP_LISTENER_RESIZE_DEFINE(resize_listener, HEAP_ID_LIBC, on_resize);

int zephyr_compile_test(void);

int zephyr_compile_test(void)
{
	struct sys_memory_stats stats;
	struct z_heap_stress_result result;
	struct sys_heap **heaps;
	static char scratch[256];
	heap_listener_alloc_cb_t alloc_cb = on_alloc;
	heap_listener_free_cb_t free_cb = on_free;
	heap_listener_resize_cb_t resize_cb = on_resize;
	enum heap_event_types kinds[] = { HEAP_EVT_UNKNOWN, HEAP_RESIZE, HEAP_ALLOC, HEAP_FREE,
					  HEAP_REALLOC, HEAP_MAX_EVENTS };
	struct heap_listener *listener = &alloc_listener;
	int status = 0;

	sys_heap_init(&heap, min_mem, sizeof(min_mem));
	sys_heap_init(&heap, heap_mem, sizeof(heap_mem));
	void *p = sys_heap_alloc(&heap, 16);
	void *q = sys_heap_aligned_alloc(&heap, 0, 16);

	p = sys_heap_realloc(&heap, p, 32);
	q = sys_heap_aligned_realloc(&heap, q, 64, 32);
	size_t usable = sys_heap_usable_size(&heap, p);

	sys_heap_free(&heap, p);
	sys_heap_free(&heap, q);
	bool valid = sys_heap_validate(&heap);

	status |= sys_heap_runtime_stats_get(&heap, &stats);
	status |= sys_heap_runtime_stats_reset_max(&heap);
	sys_heap_stress(stress_alloc, stress_free, &heap, sizeof(heap_mem), 100u, scratch,
			sizeof(scratch), 50, &result);
	sys_heap_print_info(&heap, true);
	status |= sys_heap_array_save(&heap);
	status |= sys_heap_array_get(&heaps);

	heap_listener_register(listener);
	heap_listener_register(&free_listener);
	heap_listener_register(&resize_listener);
	heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(&heap), heap_mem, 16);
	heap_listener_notify_free(HEAP_ID_LIBC, heap_mem, 16);
	heap_listener_notify_resize(HEAP_ID_LIBC, heap_mem, heap_mem + 16);
	heap_listener_unregister(listener);
	heap_listener_unregister(&free_listener);
	heap_listener_unregister(&resize_listener);

	alloc_cb(listener->heap_id, heap_mem, 1);
	free_cb(free_listener.heap_id, heap_mem, 1);
	resize_cb(resize_listener.heap_id, heap_mem, heap_mem);
	return status + (int)usable + (int)valid + (int)kinds[listener->event] +
	       (int)result.total_allocs;
}
