/*
 * trace_load.c: the host's trace parser.
 */
#include "trace_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash != NULL ? slash + 1 : path;
	size_t n = strlen(name);
	char *copy = malloc(n + 1u);

	if (copy == NULL) {
		return name;
	}
	memcpy(copy, name, n + 1u);
	char *dot = strrchr(copy, '.');

	if (dot != NULL && strcmp(dot, ".trace") == 0) {
		*dot = '\0';
	}
	return copy;
}

bool trace_load(const char *path, struct bench_trace *tr)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned lineno = 0u;
	size_t cap = 1024u;
	struct trace_op *ops = malloc(cap * sizeof(*ops));
	unsigned char *live = calloc(65536u, 1u);
	bool have_sum = false;
	unsigned long want_sum = 0u;
	uint32_t h = TRACE_HASH_INIT;
	uint32_t count = 0u;
	uint32_t ids = 0u;

	if (f == NULL || ops == NULL || live == NULL) {
		fprintf(stderr, "%s: cannot open or no memory\n", path);
		goto fail;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n' || line[0] == '\0') {
			continue;
		}
		if (have_sum) {
			fprintf(stderr, "%s:%u: op after the checksum line\n", path, lineno);
			goto fail;
		}
		struct trace_op op = { .kind = (uint8_t)line[0] };
		unsigned long id = 0u, a = 0u, b = 0u;
		int n = 0;
		bool ok;

		switch (line[0]) {
		case 'a':
		case 'r':
			ok = sscanf(line + 1, "%lu %lu %n", &id, &a, &n) == 2;
			op.size = (uint32_t)a;
			break;
		case 'c':
			ok = sscanf(line + 1, "%lu %lu %lu %n", &id, &a, &b, &n) == 3;
			op.nmemb = (uint32_t)a;
			op.size = (uint32_t)(a * b);
			ok = ok && a != 0u && b <= UINT32_MAX / a;
			break;
		case 'm':
			ok = sscanf(line + 1, "%lu %lu %lu %n", &id, &a, &b, &n) == 3;
			ok = ok && a != 0u && (a & (a - 1u)) == 0u && a <= (1ul << 20);
			op.align_log2 = ok ? (uint8_t)__builtin_ctzl(a) : 0u;
			op.size = (uint32_t)b;
			break;
		case 'f':
			ok = sscanf(line + 1, "%lu %n", &id, &n) == 1;
			break;
		case 'k':
			ok = sscanf(line + 1, "%lx %n", &want_sum, &n) == 1;
			have_sum = true;
			break;
		default:
			ok = false;
			break;
		}
		if (!ok || line[1 + n] != '\0' || id > 65535u ||
		    (op.kind != 'f' && op.kind != 'k' && op.size == 0u)) {
			fprintf(stderr, "%s:%u: bad line: %s", path, lineno, line);
			goto fail;
		}
		if (op.kind == 'k') {
			continue;
		}
		op.id = (uint16_t)id;
		bool is_live = live[id] != 0u;
		bool wants_live = op.kind == 'r' || op.kind == 'f';

		if (is_live != wants_live) {
			fprintf(stderr, "%s:%u: id %lu is %s\n", path, lineno, id,
				is_live ? "already live" : "not live");
			goto fail;
		}
		live[id] = op.kind != 'f';
		if (id + 1u > ids) {
			ids = (uint32_t)id + 1u;
		}
		if (count == cap) {
			cap *= 2u;
			struct trace_op *more = realloc(ops, cap * sizeof(*ops));

			if (more == NULL) {
				goto fail;
			}
			ops = more;
		}
		ops[count++] = op;
		h = trace_hash_op(h, &op);
	}
	if (!have_sum) {
		fprintf(stderr, "%s: no checksum line ('k <hex>')\n", path);
		goto fail;
	}
	if (h != (uint32_t)want_sum) {
		fprintf(stderr, "%s: checksum mismatch: file says %08lx, ops give %08lx\n", path,
			want_sum, (unsigned long)h);
		goto fail;
	}
	fclose(f);
	free(live);
	*tr = (struct bench_trace){ .name = base_name(path), .ops = ops, .count = count, .ids = ids,
				    .checksum = h };
	return true;
fail:
	if (f != NULL) {
		fclose(f);
	}
	free(ops);
	free(live);
	return false;
}
