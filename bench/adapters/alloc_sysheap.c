/*
 * alloc_sysheap.c: sys_heap as a bench_allocator, at each search effort,
 * and on granular (DMA) heaps. The timed calls are the public API itself:
 * sys_heap_alloc(), sys_heap_alloc_effort(), sys_heap_free(),
 * sys_heap_aligned_alloc(), sys_heap_realloc().
 */
#include "alloc_sysheap.h"

/* One heap per effort, then the granular ones. The handle comes first, so
 * a bench_allocator's heap pointer is also its slot. */
struct bench_sysheap {
	struct sys_heap heap;
	size_t granule; /* 0: sys_heap_init() */
};
static struct bench_sysheap heaps[4u + BENCH_SYSHEAP_GRANULAR];
static unsigned granular_used;
static unsigned hook_calls;

void sysheap_count_error(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
	hook_calls++;
}

#if defined(BENCH_RECORD)
/* The recorder's cost (mk/oracle.mk): every heap recorded into a buffer
 * whose flush drops the bytes, so the timed calls include the recording. */
#include "sys_heap_record.h"

static struct sys_heap_recorder recorder;
static uint8_t record_buf[256];

static void drop(void *ctx, const uint8_t *data, size_t bytes)
{
	(void)ctx;
	(void)data;
	(void)bytes;
}
#endif

static bool sysheap_reset(struct bench_allocator *a, void *arena, size_t bytes)
{
	struct bench_sysheap *s = a->heap;
	struct sys_heap *h = &s->heap;

	if (s->granule != 0u) {
		const struct sys_heap_options options = { .granule = s->granule };

		if (!sys_heap_init_with(h, arena, bytes, &options)) {
			return false;
		}
	} else {
		sys_heap_init(h, arena, bytes);
	}
	if (h->heap == NULL) {
		return false;
	}
	sys_heap_set_error_hook(h, sysheap_count_error);
#if defined(BENCH_RECORD)
	if (!sys_heap_record_start(&recorder, h, record_buf, sizeof(record_buf), drop, NULL)) {
		return false;
	}
#endif
	return true;
}

static bool sysheap_validate(struct bench_allocator *a)
{
	return hook_calls == 0u && sys_heap_validate(a->heap);
}

/* Bytes in live chunks, headers and guards included (0 without stats). */
static size_t sysheap_footprint(struct bench_allocator *a)
{
	struct sys_memory_stats st;

	return sys_heap_runtime_stats_get(a->heap, &st) == 0 ? st.allocated_bytes : 0u;
}

static void fill(struct bench_allocator *a, const char *name, struct bench_sysheap *s)
{
	*a = (struct bench_allocator){
		.name = name,
		.heap = &s->heap,
		.alloc_fn = (void *)sys_heap_alloc,
		.free_fn = (void *)sys_heap_free,
		.aligned_fn = (void *)sys_heap_aligned_alloc,
		.realloc_fn = (void *)sys_heap_realloc,
		.reset = sysheap_reset,
		.validate = sysheap_validate,
		.footprint = sysheap_footprint,
		.hdr_bytes = sizeof(void *) > 4u ? 8u : 4u,
	};
}

void sysheap_allocator(struct bench_allocator *a, const char *name, enum bench_sysheap_mode mode)
{
	fill(a, name, &heaps[mode]);
	if (mode != BENCH_SYSHEAP_PLAIN) {
		a->alloc_fn = (void *)sys_heap_alloc_effort;
		a->alloc_extra = mode == BENCH_SYSHEAP_FAST ? SYS_HEAP_EFFORT_FAST
				 : mode == BENCH_SYSHEAP_FIT ? SYS_HEAP_EFFORT_FIT
							     : SYS_HEAP_EFFORT_DEFAULT;
	}
}

void sysheap_granular_allocator(struct bench_allocator *a, const char *name, size_t granule)
{
	struct bench_sysheap *s = &heaps[4u + granular_used % BENCH_SYSHEAP_GRANULAR];

	granular_used++;
	s->granule = granule;
	fill(a, name, s);
}

unsigned sysheap_error_hook_calls(void)
{
	return hook_calls;
}
