/*
 * print_host.c: the host library's sys_heap_print_output() (mk/lib.mk puts
 * it in build/host/libsysheap.a in place of src/diag/print_output.c):
 * sys_heap_print_info() prints on stdout.
 */
#include <stdio.h>

#include "sys_heap.h"

void sys_heap_print_output(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stdout);
}
