/*
 * heap_record.c: the allocation recorder (include/sys_heap_record.h), a
 * heap listener writing a compact binary log for tools/heapsize.
 */
#include "sys_heap_record.h"
#include "chunk.h"

#if SYS_HEAP_LISTENERS

/* Room for a whole record: flush (or give up) before writing, never in
 * the middle of one, so the log always splits on record boundaries. */
static bool make_room(struct sys_heap_recorder *rec)
{
	/* Without a flush, room for the end record stays in reserve. */
	size_t reserve = rec->flush != NULL ? 0u : SYS_HEAP_RECORD_MAX_BYTES;

	if (rec->size - rec->used >= SYS_HEAP_RECORD_MAX_BYTES + reserve && rec->lost == 0u) {
		return true;
	}
	if (rec->flush != NULL) {
		sys_heap_record_flush(rec);
		return true;
	}
	rec->lost++;
	return false;
}

static void put_varint(struct sys_heap_recorder *rec, uintptr_t v)
{
	while (v >= 0x80u) {
		rec->buf[rec->used++] = (uint8_t)(v | 0x80u);
		v >>= 7;
	}
	rec->buf[rec->used++] = (uint8_t)v;
}

static uintptr_t offset_of(const struct sys_heap_recorder *rec, const void *mem)
{
	return (uintptr_t)mem - rec->base;
}

static void on_alloc(void *ctx, struct sys_heap *heap, void *mem, size_t bytes)
{
	struct sys_heap_recorder *rec = ctx;

	(void)heap;
	if (make_room(rec)) {
		rec->buf[rec->used++] = 'a';
		put_varint(rec, offset_of(rec, mem));
		put_varint(rec, bytes);
		rec->records++;
	}
}

static void on_free(void *ctx, struct sys_heap *heap, void *mem)
{
	struct sys_heap_recorder *rec = ctx;

	(void)heap;
	if (make_room(rec)) {
		rec->buf[rec->used++] = 'f';
		put_varint(rec, offset_of(rec, mem));
		rec->records++;
	}
}

static void on_resize(void *ctx, struct sys_heap *heap, void *old_mem, void *new_mem, size_t bytes)
{
	struct sys_heap_recorder *rec = ctx;

	(void)heap;
	if (make_room(rec)) {
		rec->buf[rec->used++] = 'r';
		put_varint(rec, offset_of(rec, old_mem));
		put_varint(rec, offset_of(rec, new_mem));
		put_varint(rec, bytes);
		rec->records++;
	}
}

bool sys_heap_record_start(struct sys_heap_recorder *rec, struct sys_heap *heap, uint8_t *buf,
			   size_t size, sys_heap_record_flush_t flush, void *flush_ctx)
{
	if (rec == NULL || heap == NULL || heap->heap == NULL ||
	    buf == NULL || size < 3u * SYS_HEAP_RECORD_MAX_BYTES) {
		return false;
	}
	*rec = (struct sys_heap_recorder){
		.listener = { .on_alloc = on_alloc, .on_free = on_free, .on_resize = on_resize,
			      .ctx = rec },
		.buf = buf,
		.size = size,
		.base = (uintptr_t)heap->init_mem,
		.flush = flush,
		.flush_ctx = flush_ctx,
	};
	static const uint8_t magic[4] = { 'S', 'H', 'R', '1' };

	for (unsigned i = 0; i < sizeof(magic); i++) {
		rec->buf[rec->used++] = magic[i];
	}
	put_varint(rec, rec->base);
	put_varint(rec, heap->init_bytes);
	put_varint(rec, chunk_header_bytes(heap->heap));
	sys_heap_set_listener(heap, &rec->listener);
	return true;
}

void sys_heap_record_flush(struct sys_heap_recorder *rec)
{
	if (rec != NULL && rec->flush != NULL && rec->used != 0u) {
		rec->flush(rec->flush_ctx, rec->buf, rec->used);
		rec->used = 0u;
	}
}

void sys_heap_record_stop(struct sys_heap_recorder *rec, struct sys_heap *heap)
{
	if (rec == NULL || heap == NULL) {
		return;
	}
	sys_heap_set_listener(heap, NULL);
	/* The end record: a reader tells a whole log from a cut one. */
	if (rec->flush != NULL && rec->size - rec->used < SYS_HEAP_RECORD_MAX_BYTES) {
		sys_heap_record_flush(rec);
	}
	rec->buf[rec->used++] = 'e';
	put_varint(rec, rec->records);
	put_varint(rec, rec->lost);
	sys_heap_record_flush(rec);
}
#else
/* Without listeners there is nothing to hear the heap with: say so. */
bool sys_heap_record_start(struct sys_heap_recorder *rec, struct sys_heap *heap, uint8_t *buf,
			   size_t size, sys_heap_record_flush_t flush, void *flush_ctx)
{
	(void)rec;
	(void)heap;
	(void)buf;
	(void)size;
	(void)flush;
	(void)flush_ctx;
	return false;
}

void sys_heap_record_flush(struct sys_heap_recorder *rec)
{
	(void)rec;
}

void sys_heap_record_stop(struct sys_heap_recorder *rec, struct sys_heap *heap)
{
	(void)rec;
	(void)heap;
}
#endif
