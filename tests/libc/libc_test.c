/*
 * libc_test.c: the system-heap checks of libc_test.h. They read the heap
 * under the glue's lock, through the sys_heap API only.
 */
#include "libc_test.h"

#include <stdio.h>

bool in_system_heap(const void *p)
{
	struct sys_heap *h = sys_heap_libc_heap();
	uintptr_t start = (uintptr_t)h->init_mem;
	uintptr_t a = (uintptr_t)p;

	return p != NULL && a >= start && a < start + h->init_bytes;
}

size_t system_heap_allocated(void)
{
	struct sys_heap *h = sys_heap_libc_heap();
	struct sys_memory_stats st = { 0u, 0u, 0u, 0u };
	sys_heap_lock_key_t key = sys_heap_libc_lock();

	(void)sys_heap_runtime_stats_get(h, &st);
	sys_heap_libc_unlock(key);
	return st.allocated_bytes;
}

bool system_heap_valid(void)
{
	struct sys_heap *h = sys_heap_libc_heap();
	sys_heap_lock_key_t key = sys_heap_libc_lock();
	bool ok = sys_heap_validate(h);

	sys_heap_libc_unlock(key);
	return ok;
}

struct size_range {
	size_t lo, hi, count;
};

static void count_in_range(void *ctx, void *mem, size_t bytes, bool used)
{
	struct size_range *r = ctx;

	(void)mem;
	if (used && bytes >= r->lo && bytes <= r->hi) {
		r->count++;
	}
}

size_t system_heap_used_blocks_between(size_t lo, size_t hi)
{
	struct sys_heap *h = sys_heap_libc_heap();
	struct size_range r = { lo, hi, 0u };
	sys_heap_lock_key_t key = sys_heap_libc_lock();

	sys_heap_walk(h, count_in_range, &r);
	sys_heap_libc_unlock(key);
	return r.count;
}

void system_heap_report(const char *when)
{
	struct sys_heap *h = sys_heap_libc_heap();

	printf("%s: system heap %p, %lu bytes, %lu in use\n", when, h->init_mem,
	       (unsigned long)h->init_bytes, (unsigned long)system_heap_allocated());
}
