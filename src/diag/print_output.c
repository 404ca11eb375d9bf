/*
 * print_output.c: where sys_heap_print_info() writes on a target, unless
 * the firmware defines sys_heap_print_output() itself. The host library
 * has boards/host/print_host.c (stdout) in its place (mk/lib.mk).
 *
 * src/ has no stdio, so the text goes to `_write(1, ...)`, the system call
 * newlib's printf ends in: the board console wherever printf works. The
 * reference is weak, so a firmware without `_write` still links; it then
 * prints nothing, as documented in sys_heap.h.
 */
#include "sys_heap.h"

extern int _write(int fd, const char *buf, int len) __attribute__((weak));

__attribute__((weak)) void sys_heap_print_output(void *ctx, const char *text)
{
	(void)ctx;
	if (_write != NULL) {
		(void)_write(1, text, (int)__builtin_strlen(text));
	}
}
