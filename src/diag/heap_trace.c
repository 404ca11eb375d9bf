/*
 * heap_trace.c: allocation-site tracing (SYS_HEAP_TRACE_CALLERS) read
 * back: who allocated a block, and the leak report of every live block.
 */
#include "hardening.h"
#include "text.h"

#if SYS_HEAP_TRACE_CALLERS
/* The prefix of the live block at `mem`, or NULL. Quiet: asking who
 * allocated a pointer is a query, not a use of it, so a pointer that is
 * not a live block (one freed already, say, while chasing a bug) is
 * answered NULL without a report, at every hardening level. Only an
 * unformatted heap is reported, as every call on one is. */
static const struct block_prefix *traced_prefix(struct sys_heap *heap, void *mem)
{
	struct z_heap *h = (heap != NULL) ? heap->heap : NULL;
	struct block_view v = { 0 }; /* see check_block(): GCC cannot tell it is filled */

	if (mem == NULL) {
		return NULL;
	}
	if (h == NULL) {
		return z_sysheap_unformatted(heap, mem);
	}
	if (view_checked(h, mem, &v) != (enum sys_heap_error)0) {
		return NULL;
	}
	return (const struct block_prefix *)chunk_mem(h, v.c) - 1;
}
#endif

void *sys_heap_get_caller(struct sys_heap *heap, void *mem)
{
#if SYS_HEAP_TRACE_CALLERS
	const struct block_prefix *p = traced_prefix(heap, mem);

	return (p != NULL) ? p->caller : NULL;
#else
	(void)heap;
	(void)mem;
	return NULL;
#endif
}

const struct sys_heap_site *sys_heap_get_site(struct sys_heap *heap, void *mem)
{
#if SYS_HEAP_TRACE_CALLERS
	const struct block_prefix *p = traced_prefix(heap, mem);

	return (p != NULL) ? p->site : NULL;
#else
	(void)heap;
	(void)mem;
	return NULL;
#endif
}

struct leak_walk {
	struct sys_heap *heap;
	struct text_line line;
	size_t blocks;
	size_t bytes;
#if SYS_HEAP_OWNERS
	uint32_t owner; /* the owner whose blocks this walk lists */
#endif
};

static void print_live_block(void *ctx, void *mem, size_t bytes, bool used)
{
	struct leak_walk *w = ctx;

	if (!used) {
		return;
	}
	chunkid_t c = mem_to_chunk(w->heap->heap, mem);

#if SYS_HEAP_OWNERS
	if (((const struct block_prefix *)mem - 1)->owner != w->owner) {
		return;
	}
#endif
	bytes = block_bytes(w->heap->heap, c);
	w->blocks++;
	w->bytes += bytes;
	z_sysheap_text_str(&w->line, "  ");
	z_sysheap_text_hex(&w->line, (uintptr_t)mem);
	z_sysheap_text_str(&w->line, " ");
	z_sysheap_text_dec(&w->line, bytes);
	z_sysheap_text_str(&w->line, " bytes");
#if SYS_HEAP_TRACE_CALLERS
	const struct block_prefix *p = (const struct block_prefix *)mem - 1;

	z_sysheap_text_str(&w->line, " caller ");
	z_sysheap_text_hex(&w->line, (uintptr_t)p->caller);
	if (p->site != NULL) {
		z_sysheap_text_str(&w->line, " at ");
		z_sysheap_text_str(&w->line, p->site->file);
		z_sysheap_text_str(&w->line, ":");
		z_sysheap_text_dec(&w->line, (size_t)p->site->line);
	}
#endif
	z_sysheap_text_end(&w->line);
}

/* End the line with "  N live blocks, M bytes": an owner's or the heap's. */
static void print_totals(struct leak_walk *w)
{
	z_sysheap_text_str(&w->line, "  ");
	z_sysheap_text_dec(&w->line, w->blocks);
	z_sysheap_text_str(&w->line, " live blocks, ");
	z_sysheap_text_dec(&w->line, w->bytes);
	z_sysheap_text_str(&w->line, " bytes");
	z_sysheap_text_end(&w->line);
}

void sys_heap_leak_report(struct sys_heap *heap, sys_heap_print_t print, void *ctx)
{
	if (print == NULL || heap == NULL || heap->heap == NULL) {
		return;
	}
	struct leak_walk w = { .heap = heap };

	z_sysheap_text_start(&w.line, print, ctx);
	z_sysheap_text_str(&w.line, "live blocks of heap ");
	z_sysheap_text_hex(&w.line, (uintptr_t)heap->init_mem);
	z_sysheap_text_str(&w.line, ":");
	z_sysheap_text_end(&w.line);
#if SYS_HEAP_OWNERS
	/* Grouped by owner: one walk each, a subtotal after each group. */
	size_t blocks = 0u;
	size_t bytes = 0u;

	for (w.owner = 0u; w.owner < SYS_HEAP_OWNERS; w.owner++) {
		w.blocks = 0u;
		w.bytes = 0u;
		sys_heap_walk(heap, print_live_block, &w);
		if (w.blocks != 0u) {
			z_sysheap_text_str(&w.line, "  owner ");
			z_sysheap_text_dec(&w.line, w.owner);
			z_sysheap_text_str(&w.line, ":");
			print_totals(&w);
		}
		blocks += w.blocks;
		bytes += w.bytes;
	}
	w.blocks = blocks;
	w.bytes = bytes;
#else
	sys_heap_walk(heap, print_live_block, &w);
#endif
	print_totals(&w);
}
