/*
 * system_heap_ram.c: the default system heap, all RAM between the end of
 * the static data and the stack reserve.
 *
 * This is the archive's default for sys_heap_libc_heap_select(): the
 * linker extracts this member only when nothing linked before it defines
 * the function, that is when the firmware did not use
 * SYS_HEAP_LIBC_HEAP() or write its own. So a firmware with a fixed-size
 * system heap neither needs the two region symbols nor carries this code.
 *
 * The region comes from ld/sysheap_libc.ld, which derives it from the
 * symbols the firmware's linker script already has (see that file).
 */
#include <stdint.h>

#include "sys_heap_libc.h"

/* Weak: without ld/sysheap_libc.ld the link fails on the glue's own
 * reference that names the script (malloc.c), not on these two. */
extern char __sysheap_ram_start[] __attribute__((weak));
extern char __sysheap_ram_end[] __attribute__((weak));

/* The handle. Its region is filled in at the first call rather than by a
 * static initialiser: the length is a difference of two link-time
 * symbols, which C cannot compute at compile time. */
static struct sys_heap ram_heap;

struct sys_heap *sys_heap_libc_heap_select(void)
{
	uintptr_t start = (uintptr_t)__sysheap_ram_start;
	uintptr_t end = (uintptr_t)__sysheap_ram_end;

	if (ram_heap.heap == NULL) {
		ram_heap.init_mem = __sysheap_ram_start;
		/* An inverted region (static data past the stack reserve)
		 * gives an empty heap: every allocation fails. */
		ram_heap.init_bytes = (end > start) ? (size_t)(end - start) : 0u;
	}
	return &ram_heap;
}
