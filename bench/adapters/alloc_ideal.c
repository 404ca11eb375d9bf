/*
 * alloc_ideal.c: the ideal packer (alloc_ideal.h) as a bench_allocator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_ideal.h"

/* Kept just below each block's memory: the request, which free and
 * realloc must give back to the accounting, and the region to free. */
struct ideal_tag {
	void *raw;
	size_t bytes;
};

/* What plain alloc and realloc promise, as malloc does. */
#define NATURAL_ALIGN _Alignof(max_align_t)

static size_t round_up(size_t n, size_t unit)
{
	return (n + unit - 1u) / unit * unit;
}

static size_t cost(const struct ideal_packer *p, size_t n)
{
	return round_up(n + p->hdr, p->unit);
}

static struct ideal_tag *tag_of(void *mem)
{
	return (struct ideal_tag *)mem - 1;
}

/* Whether the live blocks still fit once `freed` bytes of cost are given
 * back and `taken` are added. */
static bool fits(const struct ideal_packer *p, size_t freed, size_t taken)
{
	return p->used - freed + taken <= p->capacity;
}

/* n bytes aligned to `align` (a power of two, at least NATURAL_ALIGN),
 * tagged. The host running out of memory ends the run: a NULL here would
 * pass for the packer's own decision and lower the ceiling. */
static void *back(size_t align, size_t n)
{
	size_t room = round_up(sizeof(struct ideal_tag), align);
	void *raw;

	if (posix_memalign(&raw, align, room + n) != 0) {
		fprintf(stderr, "alloc_ideal: the host is out of memory\n");
		abort();
	}
	void *mem = (char *)raw + room;

	*tag_of(mem) = (struct ideal_tag){ .raw = raw, .bytes = n };
	return mem;
}

static void *ideal_aligned_alloc(struct ideal_packer *p, size_t align, size_t n)
{
	if (!fits(p, 0u, cost(p, n))) {
		return NULL;
	}
	p->used += cost(p, n);
	return back(align > NATURAL_ALIGN ? align : NATURAL_ALIGN, n);
}

static void *ideal_alloc(struct ideal_packer *p, size_t n)
{
	return ideal_aligned_alloc(p, NATURAL_ALIGN, n);
}

static void ideal_free(struct ideal_packer *p, void *mem)
{
	if (mem == NULL) {
		return;
	}
	struct ideal_tag *t = tag_of(mem);

	p->used -= cost(p, t->bytes);
	free(t->raw);
}

/* The block's cost changes to that of n bytes; on failure it stays. */
static void *ideal_realloc(struct ideal_packer *p, void *mem, size_t n)
{
	if (mem == NULL) {
		return ideal_alloc(p, n);
	}
	size_t old = tag_of(mem)->bytes;

	if (!fits(p, cost(p, old), cost(p, n))) {
		return NULL;
	}
	void *moved = back(NATURAL_ALIGN, n);

	memcpy(moved, mem, old < n ? old : n);
	ideal_free(p, mem);
	p->used += cost(p, n);
	return moved;
}

/* The workloads free every block before the next reset, so there is
 * nothing to give back; the arena is not used. */
static bool ideal_reset(struct bench_allocator *a, void *arena, size_t bytes)
{
	struct ideal_packer *p = a->heap;

	(void)arena;
	(void)bytes;
	p->used = 0u;
	return true;
}

static bool ideal_validate(struct bench_allocator *a)
{
	const struct ideal_packer *p = a->heap;

	return p->used <= p->capacity;
}

static size_t ideal_footprint(struct bench_allocator *a)
{
	const struct ideal_packer *p = a->heap;

	return p->used;
}

void ideal_allocator(struct bench_allocator *a, const char *name, struct ideal_packer *p,
		     size_t hdr, size_t unit, size_t capacity)
{
	*p = (struct ideal_packer){ .hdr = hdr, .unit = unit, .capacity = capacity };
	*a = (struct bench_allocator){
		.name = name,
		.heap = p,
		.alloc_fn = (void *)ideal_alloc,
		.free_fn = (void *)ideal_free,
		.aligned_fn = (void *)ideal_aligned_alloc,
		.realloc_fn = (void *)ideal_realloc,
		.reset = ideal_reset,
		.validate = ideal_validate,
		.footprint = ideal_footprint,
		.hdr_bytes = (unsigned)hdr,
	};
}
