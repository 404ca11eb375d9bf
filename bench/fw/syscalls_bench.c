/*
 * syscalls_bench.c: the benchmark firmware's _sbrk. newlib's malloc,
 * measured here as a baseline, must grow into a fixed arena of a chosen
 * size that starts over for every run: _sbrk hands out [base, base + bytes)
 * as set by bench_sbrk_set(). It overrides the boards' weak _sbrk; the
 * other system calls (nothing in the firmware uses stdio, but newlib's
 * exit path refers to them on some multilibs) are the boards' own,
 * boards/common/syscalls.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls_bench.h"

#undef errno
extern int errno;

static char *sbrk_base;
static char *sbrk_brk;
static char *sbrk_limit;

void bench_sbrk_set(void *base, size_t bytes)
{
	sbrk_base = base;
	sbrk_brk = base;
	sbrk_limit = (char *)base + bytes;
}

void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
	char *prev = sbrk_brk;

	if (sbrk_base == NULL || increment > sbrk_limit - sbrk_brk ||
	    increment < sbrk_base - sbrk_brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	sbrk_brk += increment;
	return prev;
}
