/*
 * fatal_host.c: the host library's sys_heap_fatal_error() (mk/lib.mk puts
 * it in build/host/libsysheap.a in place of src/core/fatal_trap.c). One
 * line on stderr, then abort(): a host program, a test or a fuzzer stops
 * at the first heap error, with a core dump or a sanitizer's stack.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sys_heap.h"

void sys_heap_fatal_error(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			  void *caller)
{
	fprintf(stderr, "sys_heap error %s (%d): heap %p pointer %p caller %p\n",
		sys_heap_error_name(error), (int)error, (void *)heap, mem, caller);
	abort();
}
