/*
 * text.h: just enough formatting for the reports, since src/ has no printf.
 * A line is built in a fixed buffer and handed to the user's print
 * callback; a line that would overflow is flushed early rather than cut.
 */
#ifndef SYSHEAP_TEXT_H
#define SYSHEAP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sys_heap.h"

struct text_line {
	sys_heap_print_t print;
	void *ctx;
	size_t len;
	char buf[80];
};

void z_sysheap_text_start(struct text_line *line, sys_heap_print_t print, void *ctx);
void z_sysheap_text_str(struct text_line *line, const char *s);
void z_sysheap_text_dec(struct text_line *line, size_t value);
void z_sysheap_text_hex(struct text_line *line, uintptr_t value);
/* Pad with spaces to column `column`: tables line up without printf. */
void z_sysheap_text_column(struct text_line *line, size_t column);
/* End the line with "\n" and hand it to the callback. */
void z_sysheap_text_end(struct text_line *line);

#endif /* SYSHEAP_TEXT_H */
