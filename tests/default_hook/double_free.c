/*
 * double_free.c: a host program linked against build/host/libsysheap.a
 * alone, with no hook of its own, frees a block twice. The library's
 * default must not be silent: one line on stderr naming the error, then
 * abort(). Reaching the end of main is the failure. mk/tests.mk runs it
 * (test-default-hook) and checks the exit and the line.
 */
#include <stdio.h>

#include "sys_heap.h"

static char region[4096];

int main(void)
{
	struct sys_heap heap;

	sys_heap_init(&heap, region, sizeof(region));
	void *p = sys_heap_alloc(&heap, 100u);

	sys_heap_free(&heap, p);
	sys_heap_free(&heap, p);
	printf("double_free: FAIL, the default error hook returned\n");
	return 0;
}
