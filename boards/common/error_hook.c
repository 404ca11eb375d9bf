/*
 * error_hook.c: the boards' end of a detected heap error. The library's
 * default hook (src/core/error_default.c) stops at a `bkpt` when a
 * debugger is attached, then calls sys_heap_fatal_error(); the library's
 * own fatal hook only traps. This strong one makes the stop readable:
 *
 *   1. report on the board console: the error, the heap (its registry
 *      name when it is a SYS_HEAP_DEFINE heap), the pointer, and the
 *      return address of the heap call that detected it. The caller is a
 *      Thumb address (bit 0 set); `arm-none-eabi-addr2line -e fw.elf` or
 *      gdb's `info symbol` turn it into a source line;
 *   2. abort(): exit status 1 under QEMU (semihosting), a stopped core on
 *      hardware.
 *
 * The report is formatted by hand into a stack buffer and written straight
 * to semihosting: the hook runs inside a heap call, on a heap that is
 * known to be damaged, and printf may allocate (with the libc glue, from
 * that very heap). stdout is flushed first so earlier output comes before
 * the report.
 *
 * Tests that provoke errors on purpose install their own hook with
 * sys_heap_set_error_hook(), so they never reach this one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "semihosting.h"
#include "sys_heap.h"
#include "sys_heap_define.h"

/* The registry name of a compile-time heap, or NULL. */
static const char *heap_name(const struct sys_heap *heap)
{
	for (size_t i = 0u; i < sys_heap_static_count(); i++) {
		const struct sys_heap_static *d = sys_heap_static_at(i);

		if (d->heap == heap) {
			return d->name;
		}
	}
	return NULL;
}

struct out {
	char buf[160];
	size_t len;
};

static void put_str(struct out *o, const char *s)
{
	while (*s != '\0' && o->len < sizeof(o->buf)) {
		o->buf[o->len++] = *s++;
	}
}

static void put_hex(struct out *o, uintptr_t value)
{
	char digits[2u * sizeof(uintptr_t) + 3u];
	size_t n = sizeof(digits) - 1u;

	digits[n] = '\0';
	for (size_t i = 0u; i < 2u * sizeof(uintptr_t); i++) {
		digits[--n] = "0123456789abcdef"[value & 0xfu];
		value >>= 4;
	}
	digits[--n] = 'x';
	digits[--n] = '0';
	put_str(o, &digits[n]);
}

static void put_dec(struct out *o, unsigned value)
{
	char digits[12];
	size_t n = sizeof(digits) - 1u;

	digits[n] = '\0';
	do {
		digits[--n] = (char)('0' + value % 10u);
		value /= 10u;
	} while (value != 0u);
	put_str(o, &digits[n]);
}

void sys_heap_fatal_error(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			  void *caller)
{
	struct out o = { .len = 0u };
	const char *name = heap_name(heap);

	put_str(&o, "\nsys_heap error ");
	put_str(&o, sys_heap_error_name(error));
	put_str(&o, " (");
	put_dec(&o, (unsigned)error);
	put_str(&o, "): heap ");
	if (name != NULL) {
		put_str(&o, name);
		put_str(&o, " ");
	}
	put_hex(&o, (uintptr_t)heap);
	put_str(&o, " region ");
	put_hex(&o, heap != NULL ? (uintptr_t)heap->init_mem : 0u);
	put_str(&o, " pointer ");
	put_hex(&o, (uintptr_t)mem);
	put_str(&o, " caller ");
	put_hex(&o, (uintptr_t)caller);
	put_str(&o, "\n");

	(void)fflush(stdout);
	(void)semihosting_write(o.buf, o.len);
	abort();
}
