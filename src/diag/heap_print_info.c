/*
 * heap_print_info.c: Zephyr's sys_heap_print_info(), our report sent to
 * the replaceable sys_heap_print_output().
 */
#include "sys_heap.h"

void sys_heap_print_info(struct sys_heap *heap, bool dump_chunks)
{
	sys_heap_report(heap, sys_heap_print_output, NULL, dump_chunks);
}
