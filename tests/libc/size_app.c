/*
 * size_app.c: the firmware `make size-libc` measures, once on the libc
 * glue and once on the C library's own malloc. What small firmware does
 * with a heap: a queue of formatted messages (malloc, strdup, realloc,
 * calloc, free) printed with printf. No float formatting, so newlib-nano
 * keeps its small printf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg {
	struct msg *next;
	char *text;
};

int main(void)
{
	struct msg *head = NULL;
	char line[48];

	for (int i = 0; i < 8; i++) {
		struct msg *m = calloc(1, sizeof(*m));

		if (m == NULL) {
			return 1;
		}
		snprintf(line, sizeof(line), "message %d of 8", i + 1);
		m->text = strdup(line);
		m->next = head;
		head = m;
	}
	char *all = NULL;
	size_t len = 0;

	while (head != NULL) {
		struct msg *m = head;
		size_t n = strlen(m->text);
		char *grown = realloc(all, len + n + 2);

		if (grown == NULL) {
			return 1;
		}
		all = grown;
		memcpy(all + len, m->text, n);
		len += n;
		all[len++] = '\n';
		all[len] = '\0';
		head = m->next;
		free(m->text);
		free(m);
	}
	printf("%s", all);
	free(all);
	return 0;
}
