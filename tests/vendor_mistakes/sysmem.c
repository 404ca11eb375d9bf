/*
 * sysmem.c: the _sbrk a vendor project generator ships (the STM32CubeIDE
 * shape: an arena from the linker script's `end` up to the stack reserve,
 * `_estack - _Min_Stack_Size`). Kept in the project as a user would keep
 * it; with the libc glue no reference may reach it (ld/sysheap_libc.ld).
 * Written for these tests, not copied from a vendor.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern uint8_t end;
extern uint8_t _estack;
extern uint32_t _Min_Stack_Size;

void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
	static uint8_t *heap_end;
	const uint8_t *limit = &_estack - (uint32_t)&_Min_Stack_Size;

	if (heap_end == NULL) {
		heap_end = &end;
	}
	if (heap_end + incr > limit) {
		errno = ENOMEM;
		return (void *)-1;
	}
	uint8_t *prev = heap_end;

	heap_end += incr;
	return prev;
}
