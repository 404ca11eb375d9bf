/*
 * host_default_hook.c (host only): the library's default error hook is
 * weak and silent; on the host this strong one counts its calls, so
 * test_hardening can check that sys_heap_set_error_hook(heap, NULL) puts
 * the default back. Firmware keeps its board's default hook, which halts,
 * so there the check is skipped (the counter below is then absent).
 */
#include "tests.h"

unsigned long test_default_hook_calls;

void sys_heap_default_error_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error,
				 void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
	test_default_hook_calls++;
}
