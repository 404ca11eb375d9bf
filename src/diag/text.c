/*
 * text.c: the reports' formatter (see text.h).
 */
#include "text.h"

static void flush(struct text_line *line)
{
	if (line->len != 0u) {
		line->buf[line->len] = '\0';
		line->print(line->ctx, line->buf);
		line->len = 0u;
	}
}

static void put_char(struct text_line *line, char c)
{
	if (line->len + 1u >= sizeof(line->buf)) {
		flush(line);
	}
	line->buf[line->len] = c;
	line->len++;
}

void z_sysheap_text_start(struct text_line *line, sys_heap_print_t print, void *ctx)
{
	line->print = print;
	line->ctx = ctx;
	line->len = 0u;
}

void z_sysheap_text_str(struct text_line *line, const char *s)
{
	while (*s != '\0') {
		put_char(line, *s);
		s++;
	}
}

static void put_digits(struct text_line *line, uintptr_t value, uint32_t base, size_t min_digits)
{
	char digits[24];
	size_t n = 0u;

	do {
		uint32_t d = (uint32_t)(value % base);

		digits[n] = (char)(d < 10u ? '0' + d : 'a' + (d - 10u));
		n++;
		value /= base;
	} while (value != 0u || n < min_digits);
	while (n != 0u) {
		n--;
		put_char(line, digits[n]);
	}
}

void z_sysheap_text_dec(struct text_line *line, size_t value)
{
	put_digits(line, value, 10u, 1u);
}

void z_sysheap_text_hex(struct text_line *line, uintptr_t value)
{
	z_sysheap_text_str(line, "0x");
	put_digits(line, value, 16u, 2u * sizeof(uintptr_t));
}

void z_sysheap_text_column(struct text_line *line, size_t column)
{
	do {
		put_char(line, ' ');
	} while (line->len < column);
}

void z_sysheap_text_end(struct text_line *line)
{
	put_char(line, '\n');
	flush(line);
}
