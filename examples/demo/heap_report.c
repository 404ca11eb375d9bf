/*
 * heap_report.c: a heap at a glance.
 *
 * The map is MAP_COLUMNS characters wide; each covers an equal slice of
 * the heap's region, and shows what the chunks in that slice are:
 *
 *   '#' all in live blocks     '.' all free
 *   '+' live and free mixed    ' ' heap metadata / not covered by chunks
 *
 * Under it: chunk counts, the largest free chunk (what the biggest
 * allocation could get), and the runtime statistics.
 */
#include "heap_report.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAP_COLUMNS 64u

struct map {
	uintptr_t base;
	size_t slice; /* bytes per column */
	uint8_t used[MAP_COLUMNS], free[MAP_COLUMNS];
	unsigned used_chunks, free_chunks;
	size_t used_bytes, free_bytes, largest_free;
};

static void mark(struct map *m, uintptr_t start, size_t bytes, bool used)
{
	if (bytes == 0u || start < m->base) {
		return;
	}
	size_t first = (start - m->base) / m->slice;
	size_t last = (start + bytes - 1u - m->base) / m->slice;

	for (size_t col = first; col <= last && col < MAP_COLUMNS; col++) {
		if (used) {
			m->used[col] = 1u;
		} else {
			m->free[col] = 1u;
		}
	}
}

static void visit(void *ctx, void *mem, size_t bytes, bool used)
{
	struct map *m = ctx;

	mark(m, (uintptr_t)mem, bytes, used);
	if (used) {
		m->used_chunks++;
		m->used_bytes += bytes;
	} else {
		m->free_chunks++;
		m->free_bytes += bytes;
		if (bytes > m->largest_free) {
			m->largest_free = bytes;
		}
	}
}

void heap_report(const char *name, struct sys_heap *heap)
{
	struct map m;
	char line[MAP_COLUMNS + 1u];

	memset(&m, 0, sizeof(m));
	m.base = (uintptr_t)heap->init_mem;
	m.slice = (heap->init_bytes + MAP_COLUMNS - 1u) / MAP_COLUMNS;
	sys_heap_walk(heap, visit, &m);

	for (size_t col = 0; col < MAP_COLUMNS; col++) {
		line[col] = m.used[col] ? (m.free[col] ? '+' : '#') : (m.free[col] ? '.' : ' ');
	}
	line[MAP_COLUMNS] = '\0';

	printf("%s: %u bytes at %p, %u bytes per column\n", name, (unsigned)heap->init_bytes,
	       heap->init_mem, (unsigned)m.slice);
	printf("  [%s]\n", line);
	printf("  %u live blocks (%u usable bytes), %u free chunks (%u bytes), largest free %u\n",
	       m.used_chunks, (unsigned)m.used_bytes, m.free_chunks, (unsigned)m.free_bytes,
	       (unsigned)m.largest_free);

	struct sys_memory_stats s;

	if (sys_heap_runtime_stats_get(heap, &s) == 0) {
		printf("  stats: allocated %u, free %u, peak allocated %u (bytes, headers included)\n",
		       (unsigned)s.allocated_bytes, (unsigned)s.free_bytes,
		       (unsigned)s.max_allocated_bytes);
	}
}
