/*
 * test_locked.c: the locked API (sys_heap_lock.h). Each call gives what
 * the plain call gives, leaves the lock as it found it (also when called
 * with the lock already held), and error hooks run with the lock held.
 *
 * The lock state is read portably: sys_heap_lock() returns the state it
 * replaced (a depth on the host, PRIMASK or BASEPRI on Cortex-M), so
 * taking and releasing it once shows the state at that point.
 */
#include <string.h>

#include "sys_heap_lock.h"
#include "tests.h"

static struct sys_heap heap;

static sys_heap_lock_key_t lock_state(void)
{
	sys_heap_lock_key_t key = sys_heap_lock();

	sys_heap_unlock(key);
	return key;
}

static void test_same_as_plain(void)
{
	sys_heap_lock_key_t outside = lock_state();

	sys_heap_init(&heap, guarded_region(2u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *p = sys_heap_locked_alloc(&heap, 100u);

	CHECK(check_block(&heap, p, 100u, SYS_HEAP_NATURAL_ALIGN));
	CHECK_EQ(lock_state(), outside);
	CHECK_EQ(sys_heap_locked_usable_size(&heap, p), sys_heap_usable_size(&heap, p));
	CHECK_EQ(lock_state(), outside);
	fill_pattern(p, 100u, 5u);

	void *r = sys_heap_locked_realloc(&heap, p, TEST_GROW_BYTES);

	CHECK(check_block(&heap, r, TEST_GROW_BYTES, SYS_HEAP_NATURAL_ALIGN));
	CHECK(r != NULL && pattern_intact(r, 100u, 5u));
	CHECK_EQ(lock_state(), outside);

	void *a = sys_heap_locked_aligned_alloc(&heap, 512u, 40u);

	CHECK(check_block(&heap, a, 40u, 512u));
	CHECK_EQ(lock_state(), outside);
	void *b = sys_heap_locked_aligned_realloc(&heap, a, 1024u, 80u);

	CHECK(check_block(&heap, b, 80u, 1024u));
	CHECK_EQ(lock_state(), outside);

	struct sys_memory_stats locked_stats;
	struct sys_memory_stats plain_stats = heap_stats(&heap);

	CHECK_EQ(sys_heap_locked_runtime_stats_get(&heap, &locked_stats), 0);
	CHECK_STATS_EQUAL(&locked_stats, &plain_stats);
	CHECK(sys_heap_locked_validate(&heap));
	CHECK_EQ(lock_state(), outside);

	/* Bad input gets the plain answers. */
	CHECK(sys_heap_locked_alloc(&heap, 0u) == NULL);
	CHECK(sys_heap_locked_alloc(&heap, SIZE_MAX) == NULL);
	CHECK(sys_heap_locked_aligned_alloc(&heap, 3u, 16u) == NULL);
	CHECK(sys_heap_locked_aligned_realloc(&heap, b, 3u, 16u) == NULL);
	CHECK(sys_heap_locked_realloc(&heap, r, SIZE_MAX) == NULL);
	CHECK_EQ(sys_heap_locked_usable_size(&heap, NULL), 0u);
	CHECK_EQ(sys_heap_locked_runtime_stats_get(&heap, NULL), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(lock_state(), outside);

	sys_heap_locked_free(&heap, r);
	sys_heap_locked_free(&heap, b);
	sys_heap_locked_free(&heap, NULL);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK_EQ(lock_state(), outside);
}

/* Called with the lock already held, each call leaves it held. */
static void test_nested(void)
{
	sys_heap_lock_key_t outside = lock_state();
	sys_heap_lock_key_t key = sys_heap_lock();
	sys_heap_lock_key_t held = lock_state();

	void *p = sys_heap_locked_alloc(&heap, 64u);

	CHECK_EQ(lock_state(), held);
	p = sys_heap_locked_realloc(&heap, p, 128u);
	CHECK_EQ(lock_state(), held);
	sys_heap_locked_free(&heap, p);
	CHECK_EQ(lock_state(), held);
	CHECK(sys_heap_locked_validate(&heap));
	CHECK_EQ(lock_state(), held);
	sys_heap_unlock(key);
	CHECK_EQ(lock_state(), outside);
	CHECK(held != outside);
}

#if SYS_HEAP_HARDENING >= 1
static sys_heap_lock_key_t state_in_hook;
static unsigned long hook_calls;

static void hook_reads_lock(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)h;
	(void)mem;
	(void)error;
	(void)caller;
	hook_calls++;
	state_in_hook = lock_state();
}

static void test_hook_under_lock(void)
{
	sys_heap_lock_key_t outside = lock_state();
	void *p = sys_heap_locked_alloc(&heap, 32u);

	sys_heap_set_error_hook(&heap, hook_reads_lock);
	sys_heap_locked_free(&heap, p);
	sys_heap_locked_free(&heap, p); /* a double free */
	CHECK_EQ(hook_calls, 1u);
	CHECK(state_in_hook != outside);
	CHECK_EQ(lock_state(), outside);
	sys_heap_set_error_hook(&heap, NULL);
}
#endif

void test_locked(void)
{
	test_same_as_plain();
	test_nested();
#if SYS_HEAP_HARDENING >= 1
	test_hook_under_lock();
#endif
}
