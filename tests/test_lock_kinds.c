/*
 * test_lock_kinds.c: the lock chosen per heap (sys_heap_set_lock()) and
 * the two context checks of sys_heap_lock_for(). A fake mutex stands for
 * an RTOS lock: it counts takes and records a take while held (which a
 * real mutex would turn into a deadlock). Each check has a test that
 * fails without it: a mutex-locked heap called from an interrupt, and a
 * locked call made by the holder of a non-recursive lock (a hook or a
 * listener calling back into its heap), must be reported and refused.
 *
 * Handler mode: on Cortex-M the call really runs in PendSV; on the host,
 * boards/host/lock_host.c lets the test pretend.
 */
#include <string.h>

#include "sys_heap_lock.h"
#include "tests.h"

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define ON_CORTEX_M 1
#include "cortexm.h"
#else
#define ON_CORTEX_M 0
extern bool sys_heap_host_in_isr;
#endif

static struct sys_heap heap;

struct fake_mutex {
	uintptr_t holder;     /* 0: free */
	uintptr_t current;    /* the running "task" */
	unsigned takes;
	unsigned deadlocks;   /* a take by the holder of a non-recursive mutex */
	bool recursive;
	unsigned depth;
};

static struct fake_mutex mutex;

static sys_heap_lock_key_t mutex_take(void *arg)
{
	struct fake_mutex *m = arg;

	m->takes++;
	if (m->holder == m->current && m->depth != 0u) {
		if (!m->recursive) {
			m->deadlocks++;
		}
		m->depth++;
		return 0u;
	}
	m->holder = m->current;
	m->depth = 1u;
	return 0u;
}

static void mutex_give(void *arg, sys_heap_lock_key_t key)
{
	struct fake_mutex *m = arg;

	(void)key;
	if (m->depth != 0u && --m->depth == 0u) {
		m->holder = 0u;
	}
}

static uintptr_t mutex_self(void *arg)
{
	return ((struct fake_mutex *)arg)->current;
}

static const struct sys_heap_lock_ops mutex_ops = {
	mutex_take, mutex_give, mutex_self, &mutex, 0u,
};
static const struct sys_heap_lock_ops recursive_mutex_ops = {
	mutex_take, mutex_give, mutex_self, &mutex, SYS_HEAP_LOCK_RECURSIVE,
};

static unsigned hook_calls;
static enum sys_heap_error hook_last;

static void counting_hook(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)h;
	(void)mem;
	(void)caller;
	hook_calls++;
	hook_last = error;
}

static void setup(const struct sys_heap_lock_ops *ops)
{
	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	sys_heap_set_error_hook(&heap, counting_hook);
	sys_heap_set_lock(&heap, ops);
	memset(&mutex, 0, sizeof(mutex));
	mutex.current = 0x1000u;
	mutex.recursive = ops == &recursive_mutex_ops;
	hook_calls = 0u;
	hook_last = (enum sys_heap_error)0;
}

/* ---- handler mode ---------------------------------------------------- */

static void (*volatile in_isr_fn)(void);

#if ON_CORTEX_M
void PendSV_Handler(void);
void PendSV_Handler(void)
{
	in_isr_fn();
}

static void run_in_isr(void (*fn)(void))
{
	in_isr_fn = fn;
	SCB_ICSR = 1u << 28; /* PENDSVSET: taken at once, PRIMASK is clear */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}
#else
static void run_in_isr(void (*fn)(void))
{
	sys_heap_host_in_isr = true;
	fn();
	sys_heap_host_in_isr = false;
}
#endif

static void *isr_result;
static void *isr_block;

static void isr_alloc(void)
{
	isr_result = sys_heap_locked_alloc(&heap, 32u);
}

static void isr_free(void)
{
	sys_heap_locked_free(&heap, isr_block);
}

static void test_mutex_in_isr(void)
{
	setup(&mutex_ops);
	isr_block = sys_heap_locked_alloc(&heap, 48u);
	CHECK(isr_block != NULL);
	CHECK_EQ(mutex.takes, 1u);

	isr_result = &heap;
	run_in_isr(isr_alloc);
	CHECK(isr_result == NULL);
	CHECK_EQ(hook_calls, 1u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_LOCK_CONTEXT);
	CHECK_EQ(mutex.takes, 1u); /* the mutex was never touched */

	size_t before = heap_stats(&heap).allocated_bytes;

	run_in_isr(isr_free);
	CHECK_EQ(hook_calls, 2u);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, before); /* block untouched */
	CHECK_EQ(heap_stats(&heap).error_count, 2u);

	/* Thread context again: works. */
	sys_heap_locked_free(&heap, isr_block);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK_EQ(hook_calls, 2u);
	CHECK_EQ(mutex.deadlocks, 0u);
}

/* An interrupt-safe lock is fine in handler mode. */
static void test_irq_safe_in_isr(void)
{
	setup(&sys_heap_lock_ops_none);
	isr_result = NULL;
	run_in_isr(isr_alloc);
	CHECK(isr_result != NULL);
	CHECK_EQ(hook_calls, 0u);
	sys_heap_locked_free(&heap, isr_result);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
}

/* ---- re-entry -------------------------------------------------------- */

/* The holder of the lock calls a locked function on the same heap. */
static void test_reentry(const struct sys_heap_lock_ops *ops)
{
	setup(ops);
	void *p = sys_heap_locked_alloc(&heap, 16u);
	sys_heap_lock_key_t key = sys_heap_lock_for(&heap);

	CHECK(key != SYS_HEAP_LOCK_REFUSED);
	CHECK(sys_heap_lock_held(&heap));
	mutex.current = 0x2000u; /* another task: not the holder */
	CHECK(ops->self == NULL || !sys_heap_lock_held(&heap));
	mutex.current = 0x1000u;
	CHECK(sys_heap_locked_alloc(&heap, 16u) == NULL);
	CHECK_EQ(hook_calls, 1u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_LOCK_REENTRY);
	sys_heap_locked_free(&heap, p);
	CHECK_EQ(hook_calls, 2u);
	CHECK(!sys_heap_locked_validate(&heap));
	CHECK_EQ(sys_heap_lock_for(&heap), SYS_HEAP_LOCK_REFUSED);
	sys_heap_unlock_for(&heap, SYS_HEAP_LOCK_REFUSED); /* ignored */
	CHECK_EQ(hook_calls, 4u);
	CHECK_EQ(mutex.deadlocks, 0u);
	sys_heap_unlock_for(&heap, key);

	/* Released: the same calls work again. */
	CHECK(sys_heap_locked_validate(&heap));
	sys_heap_locked_free(&heap, p);
	CHECK_EQ(heap_stats(&heap).allocated_bytes, 0u);
	CHECK_EQ(hook_calls, 4u);
	CHECK_EQ(heap.lock_owner, 0u);
	CHECK(!sys_heap_lock_held(&heap));
}

/* A recursive lock lets its holder in, and is released at the outermost
 * unlock only. */
static void test_recursive(void)
{
	setup(&recursive_mutex_ops);
	sys_heap_lock_key_t key = sys_heap_lock_for(&heap);
	void *p = sys_heap_locked_alloc(&heap, 16u);

	CHECK(p != NULL);
	CHECK_EQ(mutex.depth, 1u);
	sys_heap_locked_free(&heap, p);
	CHECK_EQ(hook_calls, 0u);
	CHECK(heap.lock_owner != 0u);
	sys_heap_unlock_for(&heap, key);
	CHECK_EQ(heap.lock_owner, 0u);
	CHECK_EQ(mutex.depth, 0u);
}

/* The shared default nests, as it always did: no report. */
static void test_default_nests(void)
{
	setup(NULL);
	sys_heap_lock_key_t key = sys_heap_lock_for(&heap);

	CHECK(!sys_heap_lock_held(&heap)); /* the shared default keeps no holder */
	void *p = sys_heap_locked_alloc(&heap, 16u);

	CHECK(p != NULL);
	sys_heap_locked_free(&heap, p);
	sys_heap_unlock_for(&heap, key);
	CHECK_EQ(hook_calls, 0u);
}

/* An error hook that calls back into its heap: the re-entry a real
 * firmware makes. The inner call is refused, the outer one completes. */
#if SYS_HEAP_HARDENING >= 1
static void *hook_inner;

static void reentering_hook(struct sys_heap *h, void *mem, enum sys_heap_error error,
			    void *caller)
{
	counting_hook(h, mem, error, caller);
	if (error != SYS_HEAP_ERR_LOCK_REENTRY) {
		hook_inner = sys_heap_locked_alloc(h, 8u);
	}
}

static void test_hook_reenters(void)
{
	setup(&mutex_ops);
	sys_heap_set_error_hook(&heap, reentering_hook);
	void *p = sys_heap_locked_alloc(&heap, 24u);

	sys_heap_locked_free(&heap, p);
	hook_inner = &heap;
	sys_heap_locked_free(&heap, p); /* double free: the hook re-enters */
	CHECK(hook_inner == NULL);
	CHECK_EQ(hook_calls, 2u);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_LOCK_REENTRY);
	CHECK_EQ(mutex.deadlocks, 0u);
	CHECK_EQ(heap.lock_owner, 0u);
	CHECK(sys_heap_validate(&heap));
}
#endif

#if SYS_HEAP_LISTENERS
static void *listener_inner;

static void listener_alloc(void *ctx, struct sys_heap *h, void *mem, size_t bytes)
{
	(void)ctx;
	(void)mem;
	(void)bytes;
	listener_inner = sys_heap_locked_alloc(h, 8u);
}

static const struct sys_heap_listener reentering_listener = { listener_alloc, NULL, NULL, NULL };

static void test_listener_reenters(void)
{
	setup(&sys_heap_lock_ops_none);
	sys_heap_set_listener(&heap, &reentering_listener);
	listener_inner = &heap;
	void *p = sys_heap_locked_alloc(&heap, 24u);

	CHECK(p != NULL);
	CHECK(listener_inner == NULL);
	CHECK_EQ(hook_last, SYS_HEAP_ERR_LOCK_REENTRY);
	sys_heap_set_listener(&heap, NULL);
	sys_heap_locked_free(&heap, p);
	CHECK(sys_heap_validate(&heap));
}
#endif

void test_lock_kinds(void)
{
	test_mutex_in_isr();
	test_irq_safe_in_isr();
	test_reentry(&mutex_ops);
	test_reentry(&sys_heap_lock_ops_none);
#if ON_CORTEX_M
	test_reentry(&sys_heap_lock_ops_primask);
#endif
	test_recursive();
	test_default_nests();
#if SYS_HEAP_HARDENING >= 1
	test_hook_reenters();
#endif
#if SYS_HEAP_LISTENERS
	test_listener_reenters();
#endif
	sys_heap_set_lock(&heap, NULL);
}
