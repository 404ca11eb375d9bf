/*
 * lock_bench.c: what a heap lock costs (issue 15), in instructions under
 * QEMU -icount on Cortex-M4, with the benchmark firmware's counter
 * (bench/fw/timer.c, calibrated every run).
 *
 *  - alloc(64) and free of that block, plain and through
 *    sys_heap_locked_*() with each lock kind: the shared default
 *    (PRIMASK, sys_heap_lock()), PRIMASK, BASEPRI and none attached to the
 *    heap, and user callbacks (an empty mutex stand-in with a `self`);
 *  - the worst interrupt-masked window of the default lock: the longest
 *    locked call in a churn of random allocs, frees and reallocs (each
 *    call's count includes the few instructions outside the mask, so it
 *    bounds the window from above). Realloc is reported apart: a moving
 *    realloc copies with the lock held.
 *
 * Prints a Markdown table between BEGIN/END lines; mk/preempt.mk turns it
 * into docs/bench-locks.md.
 */
#include <stdint.h>
#include <string.h>

#include "bench.h"
#include "sys_heap_lock.h"
#include "timer.h"

#include <stdlib.h>

#define HEAP_BYTES 16384u
#define CHURN_OPS 4000u
#define SLOTS 32u

static uint8_t region[HEAP_BYTES] __attribute__((aligned(8)));
static struct sys_heap heap;

static sys_heap_lock_key_t cb_take(void *arg)
{
	(void)arg;
	return 0u;
}

static void cb_give(void *arg, sys_heap_lock_key_t key)
{
	(void)arg;
	(void)key;
}

static uintptr_t cb_self(void *arg)
{
	return (uintptr_t)arg;
}

static const struct sys_heap_lock_ops callback_ops = { cb_take, cb_give, cb_self, (void *)1, 0u };
SYS_HEAP_LOCK_OPS_BASEPRI(basepri_ops, 0x80);

struct kind {
	const char *name;
	const struct sys_heap_lock_ops *ops;
	bool locked;
};

static const struct kind kinds[] = {
	{ "plain sys_heap_alloc/free (no lock)", NULL, false },
	{ "default: shared sys_heap_lock() (PRIMASK)", NULL, true },
	{ "sys_heap_lock_ops_primask", &sys_heap_lock_ops_primask, true },
	{ "SYS_HEAP_LOCK_OPS_BASEPRI(0x80)", &basepri_ops, true },
	{ "sys_heap_lock_ops_none", &sys_heap_lock_ops_none, true },
	{ "user callbacks (empty mutex stand-in, with self)", &callback_ops, true },
};

static uint32_t timed(void *fn, uintptr_t a, uintptr_t b, uintptr_t c, uintptr_t *ret)
{
	*ret = bench_call(fn, a, b, c);
	return bench_elapsed();
}

static uint32_t rng = 0x2545F491u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

int main(void)
{
	bench_timer_init();
	if (!bench_calibrate()) {
		bprintf("lock_bench: counter calibration failed\n");
		bflush();
		return 1;
	}
	bprintf("BEGIN\n");
	bprintf("| lock | alloc(64) | free | lock cost, alloc + free |\n");
	bprintf("|---|---:|---:|---:|\n");
	uint32_t plain = 0u;

	for (size_t k = 0u; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uintptr_t p;
		uintptr_t unused;

		sys_heap_init(&heap, region, sizeof(region));
		sys_heap_set_lock(&heap, kinds[k].ops);
		/* Warm the path once, then time the second pair. */
		void *warm = sys_heap_alloc(&heap, 64u);

		sys_heap_free(&heap, warm);
		uint32_t a = timed(kinds[k].locked ? (void *)sys_heap_locked_alloc : (void *)sys_heap_alloc,
				   (uintptr_t)&heap, 64u, 0u, &p);
		uint32_t f = timed(kinds[k].locked ? (void *)sys_heap_locked_free : (void *)sys_heap_free,
				   (uintptr_t)&heap, p, 0u, &unused);

		if (k == 0u) {
			plain = a + f;
		}
		bprintf("| %s | %u | %u | %s%u |\n", kinds[k].name, (unsigned)a, (unsigned)f,
			k == 0u ? "" : "+", (unsigned)(a + f - plain));
	}
	bprintf("\n");

	/* The masked window of the default lock. */
	void *slots[SLOTS] = { NULL };
	uint32_t worst_alloc = 0u, worst_free = 0u, worst_realloc = 0u;
	uint32_t worst_realloc_bytes = 0u;

	sys_heap_init(&heap, region, sizeof(region));
	sys_heap_set_lock(&heap, NULL);
	for (uint32_t i = 0u; i < CHURN_OPS; i++) {
		uint32_t r = next_rand();
		uint32_t s = r % SLOTS;
		uint32_t bytes = 8u + (next_rand() % ((r & 0x300u) == 0u ? 1024u : 128u));
		uintptr_t ret;

		if (slots[s] == NULL) {
			uint32_t n = timed((void *)sys_heap_locked_alloc, (uintptr_t)&heap, bytes, 0u, &ret);

			worst_alloc = n > worst_alloc ? n : worst_alloc;
			slots[s] = (void *)ret;
		} else if ((r >> 28) < 4u) {
			uint32_t n = timed((void *)sys_heap_locked_realloc, (uintptr_t)&heap,
					   (uintptr_t)slots[s], bytes, &ret);

			if (n > worst_realloc) {
				worst_realloc = n;
				worst_realloc_bytes = bytes;
			}
			if (ret != 0u) {
				slots[s] = (void *)ret;
			}
		} else {
			uint32_t n = timed((void *)sys_heap_locked_free, (uintptr_t)&heap,
					   (uintptr_t)slots[s], 0u, &ret);

			worst_free = n > worst_free ? n : worst_free;
			slots[s] = NULL;
		}
	}
	bprintf("| worst interrupt-masked window, default lock (%u random ops, 8..1031 bytes) | instructions (upper bound) |\n",
		(unsigned)CHURN_OPS);
	bprintf("|---|---:|\n");
	bprintf("| sys_heap_locked_alloc | %u |\n", (unsigned)worst_alloc);
	bprintf("| sys_heap_locked_free | %u |\n", (unsigned)worst_free);
	bprintf("| sys_heap_locked_realloc (copies under the lock; worst at %u bytes) | %u |\n",
		(unsigned)worst_realloc_bytes, (unsigned)worst_realloc);
	bprintf("END\n");
	bflush();
	return sys_heap_validate(&heap) ? 0 : 1;
}
