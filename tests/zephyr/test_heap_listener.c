/*
 * test_heap_listener.c: Zephyr's heap listeners as a Zephyr test uses
 * them: one global list, filtered by heap id, on a sys_heap and on the
 * libc heap (HEAP_ID_LIBC). Built without SYS_HEAP_LISTENERS (Zephyr:
 * without CONFIG_SYS_HEAP_LISTENER) the tests skip, as they would there.
 */
#include <zephyr/ztest.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/sys/heap_listener.h>

#include <stdlib.h>

#if SYS_HEAP_LISTENERS

#define HEAP_BYTES 2048u

static uint8_t heapmem[HEAP_BYTES] __attribute__((aligned(8)));
static struct sys_heap heap;
static struct sys_heap other_heap;
static uint8_t other_mem[1024] __attribute__((aligned(8)));

/* What the callbacks saw last, and how often. Volatile: the compiler
 * takes malloc() and free() for calls that touch no global, and would
 * read the counts from before them. */
struct events {
	unsigned allocs, frees, resizes;
	uintptr_t heap_id;
	void *mem;
	size_t bytes;
	void *old_end, *new_end;
	/* The order of the last two events: 'a' alloc, 'f' free. */
	char order[2];
};
static volatile struct events seen;

static void note(char event)
{
	seen.order[0] = seen.order[1];
	seen.order[1] = event;
}

static void record(uintptr_t heap_id, void *mem, size_t bytes, char event)
{
	seen.heap_id = heap_id;
	seen.mem = mem;
	seen.bytes = bytes;
	note(event);
}

static void on_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	seen.allocs++;
	record(heap_id, mem, bytes, 'a');
}

static void on_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	seen.frees++;
	record(heap_id, mem, bytes, 'f');
}

static void on_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end)
{
	seen.resizes++;
	seen.heap_id = heap_id;
	seen.old_end = old_heap_end;
	seen.new_end = new_heap_end;
}

HEAP_LISTENER_ALLOC_DEFINE(alloc_listener, HEAP_ID_FROM_POINTER(&heap), on_alloc);
HEAP_LISTENER_FREE_DEFINE(free_listener, HEAP_ID_FROM_POINTER(&heap), on_free);
HEAP_LISTENER_RESIZE_DEFINE(resize_listener, HEAP_ID_LIBC, on_resize);
HEAP_LISTENER_ALLOC_DEFINE(libc_alloc_listener, HEAP_ID_LIBC, on_alloc);
HEAP_LISTENER_FREE_DEFINE(libc_free_listener, HEAP_ID_LIBC, on_free);

static void reset_seen(void *fixture)
{
	(void)fixture;
	seen = (struct events){ 0 };
	sys_heap_init(&heap, heapmem, sizeof(heapmem));
	sys_heap_init(&other_heap, other_mem, sizeof(other_mem));
}

static void unregister_all(void *fixture)
{
	(void)fixture;
	heap_listener_unregister(&alloc_listener);
	heap_listener_unregister(&free_listener);
	heap_listener_unregister(&resize_listener);
	heap_listener_unregister(&libc_alloc_listener);
	heap_listener_unregister(&libc_free_listener);
}

ZTEST_SUITE(lib_heap_listener, NULL, NULL, reset_seen, unregister_all, NULL);

/* Alloc and free on the listened heap reach the listeners with the
 * block's usable size; another heap's events do not. */
ZTEST(lib_heap_listener, test_alloc_free)
{
	heap_listener_register(&alloc_listener);
	heap_listener_register(&free_listener);

	void *p = sys_heap_alloc(&heap, 100);

	zassert_not_null(p);
	zassert_equal(seen.allocs, 1u);
	zassert_equal(seen.heap_id, HEAP_ID_FROM_POINTER(&heap));
	zassert_equal_ptr(seen.mem, p);
	zassert_equal(seen.bytes, sys_heap_usable_size(&heap, p));
	zassert_true(seen.bytes >= 100u);

	size_t usable = sys_heap_usable_size(&heap, p);

	sys_heap_free(&heap, p);
	zassert_equal(seen.frees, 1u);
	zassert_equal_ptr(seen.mem, p);
	zassert_equal(seen.bytes, usable);

	/* Aligned alloc is an allocation too. */
	void *q = sys_heap_aligned_alloc(&heap, 64, 10);

	zassert_not_null(q);
	zassert_equal(seen.allocs, 2u);
	zassert_equal_ptr(seen.mem, q);

	/* Other heaps, failures and NULL frees are not reported. */
	void *o = sys_heap_alloc(&other_heap, 16);

	zassert_not_null(o);
	sys_heap_free(&other_heap, o);
	zassert_is_null(sys_heap_alloc(&heap, HEAP_BYTES * 2u));
	sys_heap_free(&heap, NULL);
	zassert_equal(seen.allocs, 2u);
	zassert_equal(seen.frees, 1u);

	/* Unregistered: silence. Registering twice lists it once. */
	heap_listener_unregister(&alloc_listener);
	heap_listener_register(&free_listener);
	void *r = sys_heap_alloc(&heap, 8);

	zassert_equal(seen.allocs, 2u);
	sys_heap_free(&heap, r);
	zassert_equal(seen.frees, 2u, "a listener registered twice is called once");
	sys_heap_free(&heap, q);
	zassert_true(sys_heap_validate(&heap));
}

/* A realloc is the new block's allocation, then the old block's free: in
 * place (same pointer, new and old sizes) and when it moves. */
ZTEST(lib_heap_listener, test_realloc)
{
	void *p = sys_heap_alloc(&heap, 200);

	zassert_not_null(p);
	size_t old = sys_heap_usable_size(&heap, p);

	heap_listener_register(&alloc_listener);
	heap_listener_register(&free_listener);

	zassert_equal_ptr(sys_heap_realloc(&heap, p, 40), p);
	zassert_equal(seen.allocs, 1u);
	zassert_equal(seen.frees, 1u);
	zassert_true(seen.order[0] == 'a' && seen.order[1] == 'f', "alloc, then free");
	zassert_equal_ptr(seen.mem, p);
	zassert_equal(seen.bytes, old, "the free carries the old size");

	void *wall = sys_heap_alloc(&heap, 8);
	size_t small = sys_heap_usable_size(&heap, p);

	zassert_not_null(wall);
	void *moved = sys_heap_aligned_realloc(&heap, p, 0, 600);

	zassert_not_null(moved);
	zassert_true(moved != p);
	zassert_equal(seen.allocs, 3u);
	zassert_equal(seen.frees, 2u);
	zassert_equal_ptr(seen.mem, p, "the old block is freed last");
	zassert_equal(seen.bytes, small);

	/* A failing realloc reports nothing. */
	zassert_is_null(sys_heap_realloc(&heap, moved, HEAP_BYTES * 2u));
	zassert_equal(seen.allocs, 3u);
	zassert_equal(seen.frees, 2u);
	sys_heap_free(&heap, moved);
	sys_heap_free(&heap, wall);
	zassert_true(sys_heap_validate(&heap));
}

/* The libc heap's id: what Zephyr's C libraries notify, and in firmware
 * built with the libc glue, what malloc and free report. */
ZTEST(lib_heap_listener, test_libc_heap)
{
	heap_listener_register(&libc_alloc_listener);
	heap_listener_register(&libc_free_listener);
	heap_listener_register(&resize_listener);

	static char region[64];

	heap_listener_notify_resize(HEAP_ID_LIBC, region, region + sizeof(region));
	zassert_equal(seen.resizes, 1u);
	zassert_equal(seen.heap_id, HEAP_ID_LIBC);
	zassert_equal_ptr(seen.old_end, region);
	zassert_equal_ptr(seen.new_end, region + sizeof(region));
	heap_listener_notify_alloc(HEAP_ID_LIBC, region, 16);
	zassert_equal(seen.allocs, 1u);
	heap_listener_notify_free(HEAP_ID_LIBC, region, 16);
	zassert_equal(seen.frees, 1u);
	zassert_equal(seen.bytes, 16u);

	/* A sys_heap's events do not reach HEAP_ID_LIBC listeners. */
	sys_heap_free(&heap, sys_heap_alloc(&heap, 32));
	zassert_equal(seen.allocs, 1u);
	zassert_equal(seen.frees, 1u);

#if defined(ZEPHYR_SUITE_LIBC_GLUE)
	/* malloc() is served by the system heap, which reports as libc. */
	char *m = malloc(100);

	zassert_not_null(m);
	zassert_equal(seen.allocs, 2u);
	zassert_equal(seen.heap_id, HEAP_ID_LIBC);
	zassert_equal_ptr(seen.mem, m);
	zassert_true(seen.bytes >= 100u);
	free(m);
	zassert_equal(seen.frees, 2u);
	zassert_equal_ptr(seen.mem, m);
#else
	TC_PRINT("    malloc() is not the libc glue's here: notify calls only\n");
#endif
}

/* A listener may unregister itself from its callback. */
static void once(uintptr_t heap_id, void *mem, size_t bytes);
HEAP_LISTENER_ALLOC_DEFINE(once_listener, HEAP_ID_FROM_POINTER(&heap), once);

static void once(uintptr_t heap_id, void *mem, size_t bytes)
{
	on_alloc(heap_id, mem, bytes);
	heap_listener_unregister(&once_listener);
}

ZTEST(lib_heap_listener, test_unregister_in_callback)
{
	heap_listener_register(&once_listener);
	heap_listener_register(&alloc_listener);
	void *a = sys_heap_alloc(&heap, 8);
	void *b = sys_heap_alloc(&heap, 8);

	zassert_equal(seen.allocs, 3u, "once, then the other listener twice");
	heap_listener_unregister(&alloc_listener);
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, b);
}

#else /* !SYS_HEAP_LISTENERS */

ZTEST_SUITE(lib_heap_listener, NULL, NULL, NULL, NULL, NULL);

ZTEST(lib_heap_listener, test_listeners_compiled_out)
{
	/* Zephyr builds its listener tests only with CONFIG_SYS_HEAP_LISTENER;
	 * the notify calls still compile, and do nothing. */
	heap_listener_notify_alloc(HEAP_ID_LIBC, NULL, 0);
	ztest_test_skip();
}

#endif /* SYS_HEAP_LISTENERS */
