/*
 * host_default_hook.c (host only): the library's default error hook ends
 * in sys_heap_fatal_error(), which aborts. This strong one counts its
 * calls instead, so the suite can run the real default hook (test_hardening
 * checks that sys_heap_set_error_hook(heap, NULL) puts it back, test_init
 * that an unformatted heap is reported) and carry on. Firmware keeps its
 * board's fatal hook, which halts, so there those checks are skipped (the
 * counters below are then absent).
 */
#include "tests.h"

unsigned long test_default_hook_calls;
enum sys_heap_error test_default_hook_last;

void sys_heap_fatal_error(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			  void *caller)
{
	(void)heap;
	(void)mem;
	(void)caller;
	test_default_hook_calls++;
	test_default_hook_last = error;
}
