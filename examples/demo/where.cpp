/*
 * where.cpp: where malloc, strdup, printf and new got their memory. The
 * demo links the C library glue (docs/libc.md), so every one of them must
 * name a sys_heap: the system heap, or a SYS_HEAP_DEFINE heap. C++ for
 * `new`; called from main.c.
 */
/* strdup is POSIX: declared under strict -std=c++17 only when asked for. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys_heap_define.h"
#include "sys_heap_libc.h"
#include "where.h"

namespace {

bool in_region(const void *p, const void *mem, size_t bytes)
{
	uintptr_t a = reinterpret_cast<uintptr_t>(p);
	uintptr_t start = reinterpret_cast<uintptr_t>(mem);

	return p != nullptr && a >= start && a - start < bytes;
}

// The heap that holds p, or nullptr.
const char *heap_of(const void *p)
{
	struct sys_heap *sys = sys_heap_libc_heap();

	if (in_region(p, sys->init_mem, sys->init_bytes)) {
		return "the system heap";
	}
	for (size_t i = 0; i < sys_heap_static_count(); i++) {
		const struct sys_heap_static *d = sys_heap_static_at(i);

		if (in_region(p, d->mem, d->bytes)) {
			return d->name;
		}
	}
	return nullptr;
}

unsigned report(const char *who, const void *p, bool may_be_static)
{
	const char *heap = heap_of(p);

	if (heap != nullptr) {
		printf("  %-22s %p  from %s\n", who, p, heap);
		return 0u;
	}
	printf("  %-22s %p  %s\n", who, p,
	       may_be_static ? "a static buffer (the board's setvbuf), no heap" : "NOT FROM A SYS_HEAP");
	return may_be_static ? 0u : 1u;
}

} // namespace

extern "C" unsigned where_memory_comes_from(void)
{
	struct sys_heap *sys = sys_heap_libc_heap();
	void *m = malloc(48);
	char *s = strdup("where");
	int *n = new int[4];
	unsigned problems = 0u;

	printf("\nthe C library's allocations (system heap: %u bytes at %p):\n",
	       (unsigned)sys->init_bytes, sys->init_mem);
	problems += report("malloc(48)", m, false);
	problems += report("strdup(\"where\")", s, false);
	problems += report("new int[4]", n, false);
#if defined(BOARD_STDOUT_BUFFER) && BOARD_STDOUT_BUFFER > 0
	const bool stdout_static = true;
#else
	const bool stdout_static = false;
#endif
	problems += report("printf's stdout buffer", stdout->_bf._base, stdout_static);
	delete[] n;
	free(s);
	free(m);
	return problems;
}
