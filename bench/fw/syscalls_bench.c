/*
 * syscalls_bench.c: the only system calls the benchmark firmware needs.
 * It replaces boards/common/syscalls.c because newlib's malloc, measured
 * here as a baseline, must grow into a fixed arena of a chosen size that
 * starts over for every run: _sbrk hands out [base, base + bytes) as set
 * by bench_sbrk_set(). Nothing in the firmware uses stdio.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "semihosting.h"
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

/* newlib's exit path refers to the stdio system calls on some
 * multilibs (libc_nano for v6-M); the benchmark never does I/O through
 * them, so they only need to exist. */
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int offset, int whence);
int _fstat(int fd, void *st);
int _isatty(int fd);

int _write(int fd, const char *buf, int len)
{
	(void)fd;
	(void)semihosting_write(buf, (size_t)len);
	return len;
}

int _read(int fd, char *buf, int len)
{
	(void)fd;
	(void)buf;
	(void)len;
	return 0;
}

int _close(int fd)
{
	(void)fd;
	return -1;
}

int _lseek(int fd, int offset, int whence)
{
	(void)fd;
	(void)offset;
	(void)whence;
	return 0;
}

int _fstat(int fd, void *st)
{
	(void)fd;
	(void)st;
	return -1;
}

int _isatty(int fd)
{
	(void)fd;
	return 1;
}

void _exit(int status) __attribute__((noreturn));
void _exit(int status)
{
	semihosting_exit(status);
}
