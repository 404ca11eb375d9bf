/*
 * syscalls.c: the newlib(-nano) system calls, on top of the semihosting
 * console. stdout and stderr go to the host; there is no file system and
 * no input (reads return end of file, so nothing ever waits on stdin).
 *
 * _sbrk hands out the RAM between the end of the static data and the
 * stack reserve (__sbrk_start__..__sbrk_end__ in cortexm.ld). Only libc's
 * own malloc (stdio buffers) uses it; firmware heaps are SYS_HEAP_DEFINE.
 * It is weak: firmware that needs another arena links its own _sbrk
 * (the benchmark's bench/fw/syscalls_bench.c) and keeps the rest.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/times.h>

#include "semihosting.h"

#undef errno
extern int errno;

extern char __sbrk_start__[];
extern char __sbrk_end__[];

/* Prototypes: newlib calls these by name and declares none of them. */
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int offset, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
void *_sbrk(intptr_t increment);
int _kill(int pid, int sig);
int _getpid(void);
clock_t _times(struct tms *buf);
void _exit(int status) __attribute__((noreturn));

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	if (len <= 0) {
		return 0;
	}
	size_t left = semihosting_write(buf, (size_t)len);

	/* A missing host reports everything unwritten: pretend it went out,
	 * so printf does not spin retrying a console that is not there. */
	return left > (size_t)len ? len : len - (int)left;
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

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR; /* a character device: stdio line-buffers it */
	return 0;
}

int _isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

__attribute__((weak)) void *_sbrk(intptr_t increment)
{
	static char *brk = __sbrk_start__;
	char *prev = brk;

	if (increment > __sbrk_end__ - brk || increment < __sbrk_start__ - brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	brk += increment;
	return prev;
}

int _kill(int pid, int sig)
{
	(void)pid;
	(void)sig;
	errno = EINVAL;
	return -1;
}

int _getpid(void)
{
	return 1;
}

clock_t _times(struct tms *buf)
{
	(void)buf;
	errno = ENOSYS;
	return (clock_t)-1;
}

void _exit(int status)
{
	semihosting_exit(status);
}
