/*
 * test_listeners.c: sys_heap_set_listener. With SYS_HEAP_LISTENERS on,
 * the listener hears of every successful alloc, free and resize, with the
 * right arguments, and of nothing that failed; detached, it hears
 * nothing. With listeners compiled out, attaching one has no effect.
 */
#include <string.h>

#include "tests.h"

enum event_kind { EV_ALLOC = 1, EV_FREE, EV_RESIZE };

struct event {
	enum event_kind kind;
	struct sys_heap *heap;
	void *mem;
	void *new_mem;
	size_t bytes;
};

struct event_log {
	unsigned count;
	struct event last;
};

static struct event_log log_;
static struct sys_heap heap;

static void on_alloc(void *ctx, struct sys_heap *h, void *mem, size_t bytes)
{
	struct event_log *l = ctx;

	l->count++;
	l->last = (struct event){ EV_ALLOC, h, mem, NULL, bytes };
}

static void on_free(void *ctx, struct sys_heap *h, void *mem)
{
	struct event_log *l = ctx;

	l->count++;
	l->last = (struct event){ EV_FREE, h, mem, NULL, 0u };
}

static void on_resize(void *ctx, struct sys_heap *h, void *old_mem, void *new_mem, size_t bytes)
{
	struct event_log *l = ctx;

	l->count++;
	l->last = (struct event){ EV_RESIZE, h, old_mem, new_mem, bytes };
}

static const struct sys_heap_listener listener = { on_alloc, on_free, on_resize, &log_ };

#if SYS_HEAP_LISTENERS
/* Exactly one event since the last reset, and it was this one. */
static bool heard(enum event_kind kind, void *mem, void *new_mem, size_t bytes)
{
	bool ok = log_.count == 1u && log_.last.kind == kind && log_.last.heap == &heap &&
		  log_.last.mem == mem && log_.last.new_mem == new_mem && log_.last.bytes == bytes;

	memset(&log_, 0, sizeof(log_));
	return ok;
}
#endif

static bool heard_nothing(void)
{
	bool ok = log_.count == 0u;

	memset(&log_, 0, sizeof(log_));
	return ok;
}

void test_listeners(void)
{
	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	memset(&log_, 0, sizeof(log_));
	sys_heap_set_listener(&heap, &listener);

	void *p = sys_heap_alloc(&heap, 100u);
	void *blocker = NULL;

	CHECK(p != NULL);
#if SYS_HEAP_LISTENERS
	CHECK(heard(EV_ALLOC, p, NULL, 100u));
	blocker = sys_heap_alloc(&heap, 16u);
	CHECK(heard(EV_ALLOC, blocker, NULL, 16u));

	/* Failures are not events. */
	CHECK(sys_heap_alloc(&heap, SIZE_MAX) == NULL);
	CHECK(sys_heap_alloc(&heap, 0u) == NULL);
	CHECK(sys_heap_realloc(&heap, p, SIZE_MAX) == NULL);
	CHECK(heard_nothing());

	void *a = sys_heap_aligned_alloc(&heap, 256u, 40u);

	CHECK(heard(EV_ALLOC, a, NULL, 40u));
	void *r = sys_heap_realloc(&heap, p, 2000u); /* moves: blocker is in the way */

	CHECK(r != NULL && r != p);
	CHECK(heard(EV_RESIZE, p, r, 2000u));
	CHECK_PTR_EQ(sys_heap_realloc(&heap, r, 1000u), r); /* shrinks in place */
	CHECK(heard(EV_RESIZE, r, r, 1000u));
	sys_heap_free(&heap, a);
	CHECK(heard(EV_FREE, a, NULL, 0u));

	/* Detached: silence. */
	sys_heap_set_listener(&heap, NULL);
	sys_heap_free(&heap, r);
	sys_heap_free(&heap, sys_heap_alloc(&heap, 8u));
	CHECK(heard_nothing());
#else
	/* Compiled out: attaching has no effect, and the heap works. */
	blocker = sys_heap_alloc(&heap, 16u);
	sys_heap_free(&heap, p);
	CHECK(heard_nothing());
	sys_heap_set_listener(&heap, NULL);
#endif
	sys_heap_free(&heap, blocker);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK(sys_heap_validate(&heap));

	/* Attaching to an unformatted heap is harmless. */
	static struct sys_heap zeroed;

	sys_heap_set_listener(&zeroed, &listener);
	CHECK(sys_heap_alloc(&zeroed, 8u) == NULL);
	CHECK(heard_nothing());
}
