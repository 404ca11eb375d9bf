/*
 * out.c: a printf small enough for a Cortex-M0 and free of malloc (newlib's
 * printf may allocate, which would disturb the allocator being measured).
 */
#include <stdarg.h>

#include "bench.h"

static char buf[512];
static size_t used;

void bflush(void)
{
	if (used != 0u) {
		bench_write(buf, used);
		used = 0u;
	}
}

static void put(char c)
{
	if (used == sizeof(buf)) {
		bflush();
	}
	buf[used++] = c;
}

static void put_str(const char *s)
{
	while (*s != '\0') {
		put(*s++);
	}
}

static void put_u64(uint64_t v, unsigned base)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0u);
	while (i > 0) {
		put(tmp[--i]);
	}
}

void bprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *f = fmt; *f != '\0'; f++) {
		if (*f != '%') {
			put(*f);
			continue;
		}
		f++;
		int longs = 0;
		bool size_t_arg = false;

		while (*f == 'l') {
			longs++;
			f++;
		}
		if (*f == 'z') {
			size_t_arg = true;
			f++;
		}
		switch (*f) {
		case 's':
			put_str(va_arg(ap, const char *));
			break;
		case 'c':
			put((char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = longs >= 2 ? va_arg(ap, long long)
				      : longs == 1 ? va_arg(ap, long)
						   : va_arg(ap, int);
			if (v < 0) {
				put('-');
				v = -v;
			}
			put_u64((uint64_t)v, 10u);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = size_t_arg ? va_arg(ap, size_t)
				     : longs >= 2 ? va_arg(ap, unsigned long long)
				     : longs == 1 ? va_arg(ap, unsigned long)
						  : va_arg(ap, unsigned int);
			put_u64(v, *f == 'x' ? 16u : 10u);
			break;
		}
		case '%':
			put('%');
			break;
		default:
			put('?');
			break;
		}
		if (*f == '\0') {
			break;
		}
	}
	va_end(ap);
	if (used > sizeof(buf) - 128u) {
		bflush();
	}
}
