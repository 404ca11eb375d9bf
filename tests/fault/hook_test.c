/*
 * hook_test.c: the firmware's default error hook (boards/common/error_hook.c)
 * reached for real. A compile-time heap, no hook of its own, a double
 * free: the hook must print its report on the console and end the program
 * with abort(), which QEMU turns into exit status 1. Returning from the
 * free is the failure (exit status 0, and a line saying so).
 */
#include <stdio.h>

#include "sys_heap_define.h"

SYS_HEAP_DEFINE(hook_heap, 1024);

int main(void)
{
	void *p = sys_heap_alloc(&hook_heap, 40u);

	printf("hook_test: block %p of hook_heap; freeing it twice\n", p);
	sys_heap_free(&hook_heap, p);
	sys_heap_free(&hook_heap, p);
	printf("hook_test: FAIL, the default error hook returned\n");
	return 0;
}
