/*
 * fatal_trap.c: the freestanding end of the default error hook. `udf`
 * raises a HardFault (a UsageFault where enabled), which the firmware's
 * fault handler, a debugger and a watchdog all see. The host library is
 * built with boards/host/fatal_host.c in its place (mk/lib.mk): src/ has
 * no stdio to print with.
 */
#include "sys_heap.h"

__attribute__((weak)) void sys_heap_fatal_error(struct sys_heap *heap, void *mem,
						enum sys_heap_error error, void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
	__builtin_trap();
}
