/*
 * fw.c: the firmware test-package builds against the INSTALLED package
 * (mk/package.mk), once through pkg-config and once through CMake. It
 * uses what a user's firmware would: a SYS_HEAP_DEFINE heap, the locked
 * API on it, and malloc, strdup and printf switched over to the system
 * heap; and Zephyr's header name with its sizing macro. Prints
 * "N passed, M failed" last; exits nonzero on a failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys_heap.h>
#include <sys_heap_define.h>
#include <sys_heap_libc.h>
#include <sys_heap_lock.h>
#include <zephyr/sys/sys_heap.h> /* Zephyr's name, installed too */

#ifndef PKG_TEST_HOW
#define PKG_TEST_HOW "?"
#endif

SYS_HEAP_DEFINE(app_heap, 4096);

static unsigned passed, failed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL %s\n", what);
	}
}

static int in_heap(const struct sys_heap *h, const void *p)
{
	uintptr_t a = (uintptr_t)p, start = (uintptr_t)h->init_mem;

	return p != NULL && a >= start && a < start + h->init_bytes;
}

int main(void)
{
	struct sys_heap *sys = sys_heap_libc_heap();
	void *a = sys_heap_locked_alloc(&app_heap, 100);
	char *m = malloc(40);
	char *s = strdup("installed");

	printf("package test (%s): system heap %lu bytes\n", PKG_TEST_HOW,
	       (unsigned long)sys->init_bytes);
	check(in_heap(&app_heap, a), "SYS_HEAP_DEFINE heap formatted, locked alloc from it");
	check(in_heap(sys, m), "malloc from the system heap");
	check(in_heap(sys, s) && strcmp(s, "installed") == 0, "strdup from the system heap");
	check(sys_heap_validate(&app_heap) && sys_heap_validate(sys), "both heaps valid");

	static uint8_t zephyr_mem[Z_HEAP_MIN_SIZE_FOR(64)];
	struct sys_heap zephyr_heap;

	sys_heap_init(&zephyr_heap, zephyr_mem, sizeof(zephyr_mem));
	check(in_heap(&zephyr_heap, sys_heap_aligned_alloc(&zephyr_heap, 0, 64)),
	      "<zephyr/sys/sys_heap.h>: Z_HEAP_MIN_SIZE_FOR(64) serves 64 bytes, align 0");
	free(s);
	free(m);
	sys_heap_locked_free(&app_heap, a);
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
