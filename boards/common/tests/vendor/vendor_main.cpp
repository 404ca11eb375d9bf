/*
 * vendor_main.cpp: the application of the vendor-project test
 * (mk/vendor.mk, `make test-vendor`). Linked with the STM32CubeIDE-style
 * script and CubeMX-style startup of this directory, against the
 * installed package, with newlib-nano or picolibc.
 *
 * It checks what a user switching over relies on:
 *  - every SYS_HEAP_DEFINE heap is formatted before C++ constructors run
 *    (a static object's constructor allocates from one, and with new);
 *  - every pointer malloc, strdup, printf's stdio and new hand out lies
 *    in a sys_heap region (the system heap, or a defined heap).
 * That libc's allocator is not linked at all is checked on the link map.
 * Prints "N passed, M failed" last; main's return is the exit status.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys_heap_define.h"
#include "sys_heap_libc.h"

SYS_HEAP_DEFINE(vendor_heap, 2048);

namespace {

unsigned passed, failed;

void check(bool ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
	}
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

bool in_heap(const struct sys_heap *h, const void *p)
{
	uintptr_t a = reinterpret_cast<uintptr_t>(p);
	uintptr_t start = reinterpret_cast<uintptr_t>(h->init_mem);

	return p != nullptr && a >= start && a < start + h->init_bytes;
}

bool in_system_heap(const void *p)
{
	return in_heap(sys_heap_libc_heap(), p);
}

// Runs from __libc_init_array(), which the vendor startup calls after
// sys_heap_init_all().
struct EarlyUser {
	bool heap_formatted;
	void *block;
	int *object;

	EarlyUser()
		: heap_formatted(vendor_heap.heap != nullptr),
		  block(sys_heap_alloc(&vendor_heap, 64)), object(new int(42))
	{
	}
};

EarlyUser early;

} // namespace

int main(void)
{
	check(early.heap_formatted, "SYS_HEAP_DEFINE heap formatted before C++ constructors");
	check(in_heap(&vendor_heap, early.block), "a constructor allocated from it");
	check(in_system_heap(early.object), "new in a constructor: system heap");

	void *m = malloc(100);
	char *s = strdup("vendor project");
	int *array = new int[16];

	check(in_system_heap(m), "malloc: system heap");
	check(in_system_heap(s) && strcmp(s, "vendor project") == 0, "strdup: system heap");
	check(in_system_heap(array), "new[]: system heap");

	// printf's allocations: newlib's stdout buffer (picolibc's stdio over
	// semihosting allocates none; its map check covers the rest).
	printf("printf with a float: %.3f\n", 2.5);
#if defined(_NEWLIB_VERSION) && !defined(__PICOLIBC__)
	check(in_system_heap(stdout->_bf._base), "printf's stdout buffer: system heap");
#endif
	check(sys_heap_validate(sys_heap_libc_heap()) && sys_heap_validate(&vendor_heap),
	      "both heaps valid");

	delete[] array;
	free(s);
	free(m);
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
