/*
 * guard_default.c: a guarded overflow in a firmware with no error hook of
 * its own. The MemManage handler must report it to the default hook, which
 * (boards/common/error_hook.c) prints the one report line naming the kind,
 * GUARD_FAULT, and the heap, and ends the run with status 1: the fault
 * never returns to the program. mk/guard.mk checks the line and status.
 */
#include <stdio.h>

#include "sys_heap.h"
#include "sys_heap_define.h"
#include "sys_heap_guard.h"

SYS_HEAP_DEFINE(default_heap, 4096);

int main(void)
{
	volatile uint8_t *p = sys_heap_guard_alloc_marked(&default_heap, 16u);

	printf("guarded block %p\n", (void *)p);
	p[16] = 1u; /* one past the end: never returns */
	printf("FAIL: the overflow did not stop the firmware\n");
	return 2;
}
