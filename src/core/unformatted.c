/*
 * unformatted.c: a heap that was given a region but never formatted. Only
 * a SYS_HEAP_DEFINE() heap can be in that state (sys_heap_init() records
 * the region only when it formats it), so this is a firmware whose startup
 * code never called sys_heap_init_all(). Every allocation would fail for
 * ever, quietly: report it instead. Out of line and out of the hot path;
 * at every hardening level, since it costs nothing while heaps are
 * formatted. The default hook, because an unformatted heap has no hook of
 * its own.
 */
#include "hardening.h"

void *z_sysheap_unformatted(struct sys_heap *heap, void *mem)
{
	if (heap != NULL && heap->init_mem != NULL) {
		heap->error_count++;
		sys_heap_default_error_hook(heap, mem, SYS_HEAP_ERR_UNFORMATTED, NULL);
	}
	return NULL;
}
