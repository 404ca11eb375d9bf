/*
 * test_record.c: the allocation recorder (include/sys_heap_record.h).
 * With SYS_HEAP_LISTENERS on, every successful call lands in the log with
 * the block's offset and size, in order, and nothing that failed does; a
 * full buffer goes to the flush callback whole records at a time, or,
 * without one, recording stops and counts what it lost; the end record
 * carries both counts. Bad arguments and
 * builds without listeners record nothing and say so.
 */
#include <string.h>

#include "sys_heap_record.h"
#include "tests.h"

static struct sys_heap heap;
/* Only the streamed run (listeners on) fills it: without listeners a
 * token buffer, so that boards with 16 KiB of RAM keep theirs. */
#if SYS_HEAP_LISTENERS
static uint8_t flushed[1024];
#else
static uint8_t flushed[8];
#endif
static size_t flushed_bytes;
static unsigned flush_calls;

static void collect(void *ctx, const uint8_t *data, size_t bytes)
{
	(void)ctx;
	flush_calls++;
	if (flushed_bytes + bytes <= sizeof(flushed)) {
		memcpy(flushed + flushed_bytes, data, bytes);
	}
	flushed_bytes += bytes;
}

#if SYS_HEAP_LISTENERS
static size_t get_varint(const uint8_t *log, size_t *pos)
{
	size_t value = 0u;
	unsigned shift = 0u;
	uint8_t b;

	do {
		b = log[(*pos)++];
		value |= (size_t)(b & 0x7fu) << shift;
		shift += 7u;
	} while ((b & 0x80u) != 0u);
	return value;
}

/* The next record is `tag` with these values (ignored when ~0). */
static bool next_record(const uint8_t *log, size_t *pos, char tag, size_t v1, size_t v2,
			size_t v3)
{
	if (log[(*pos)++] != (uint8_t)tag) {
		return false;
	}
	size_t got[3] = { get_varint(log, pos), 0u, 0u };
	size_t want[3] = { v1, v2, v3 };
	unsigned n = tag == 'f' ? 1u : (tag == 'a' || tag == 'e') ? 2u : 3u;

	for (unsigned i = 1; i < n; i++) {
		got[i] = get_varint(log, pos);
	}
	for (unsigned i = 0; i < n; i++) {
		if (want[i] != (size_t)~0u && got[i] != want[i]) {
			return false;
		}
	}
	return true;
}

static size_t off(const void *p)
{
	return (size_t)((uintptr_t)p - (uintptr_t)heap.init_mem);
}
#endif

void test_record(void)
{
	static uint8_t buf[64];
	struct sys_heap_recorder rec;
	void *mem = guarded_region(0u, TEST_HEAP_BYTES);

	sys_heap_init(&heap, mem, TEST_HEAP_BYTES);
	CHECK(!sys_heap_record_start(NULL, &heap, buf, sizeof(buf), NULL, NULL));
	CHECK(!sys_heap_record_start(&rec, NULL, buf, sizeof(buf), NULL, NULL));
	CHECK(!sys_heap_record_start(&rec, &heap, NULL, sizeof(buf), NULL, NULL));
	CHECK(!sys_heap_record_start(&rec, &heap, buf, 16u, NULL, NULL));
	sys_heap_record_stop(NULL, &heap);
	sys_heap_record_flush(NULL);
#if SYS_HEAP_LISTENERS
	/* Streamed: a 64-byte buffer flushed as it fills. */
	flushed_bytes = 0u;
	flush_calls = 0u;
	CHECK(sys_heap_record_start(&rec, &heap, buf, sizeof(buf), collect, NULL));
	void *p[20];

	for (unsigned i = 0; i < 20u; i++) {
		p[i] = sys_heap_alloc(&heap, 24u + 40u * i);
	}
	CHECK(sys_heap_alloc(&heap, SIZE_MAX) == NULL); /* not recorded */
	void *q = sys_heap_realloc(&heap, p[3], 3000u);

	CHECK(q != NULL);
	for (unsigned i = 0; i < 20u; i++) {
		sys_heap_free(&heap, i == 3u ? q : p[i]);
	}
	sys_heap_record_stop(&rec, &heap);
	CHECK(flush_calls > 1u);
	CHECK_EQ(rec.records, 41u);
	CHECK_EQ(rec.lost, 0u);
	CHECK(flushed_bytes <= sizeof(flushed));

	size_t pos = 4u;

	CHECK(memcmp(flushed, "SHR1", 4u) == 0);
	CHECK_EQ(get_varint(flushed, &pos), (uintptr_t)heap.init_mem);
	CHECK_EQ(get_varint(flushed, &pos), TEST_HEAP_BYTES);
	CHECK_EQ(get_varint(flushed, &pos), sizeof(void *) == 4u ? 4u : 8u);
	bool ok = true;

	for (unsigned i = 0; i < 20u; i++) {
		ok = ok && next_record(flushed, &pos, 'a', off(p[i]), 24u + 40u * i, 0u);
	}
	ok = ok && next_record(flushed, &pos, 'r', off(p[3]), off(q), 3000u);
	for (unsigned i = 0; i < 20u; i++) {
		ok = ok && next_record(flushed, &pos, 'f', off(i == 3u ? q : p[i]), 0u, 0u);
	}
	CHECK(ok);
	CHECK(next_record(flushed, &pos, 'e', 41u, 0u, 0u));
	CHECK_EQ(pos, flushed_bytes);

	/* Kept: no flush, so the buffer keeps the first records and counts
	 * the rest as lost; nothing is half written. */
	sys_heap_init(&heap, mem, TEST_HEAP_BYTES);
	CHECK(sys_heap_record_start(&rec, &heap, buf, sizeof(buf), NULL, NULL));
	for (unsigned i = 0; i < 20u; i++) {
		sys_heap_free(&heap, sys_heap_alloc(&heap, 100u));
	}
	sys_heap_record_stop(&rec, &heap);
	CHECK(rec.lost > 0u);
	CHECK_EQ(rec.records + rec.lost, 40u);
	CHECK(rec.used <= sizeof(buf));
	pos = 4u;
	(void)get_varint(buf, &pos);
	(void)get_varint(buf, &pos);
	(void)get_varint(buf, &pos);
	for (uint32_t i = 0; i < rec.records; i++) {
		ok = ok && next_record(buf, &pos, (i & 1u) ? 'f' : 'a', (size_t)~0u,
				       (i & 1u) ? 0u : 100u, 0u);
	}
	CHECK(ok);
	CHECK(next_record(buf, &pos, 'e', rec.records, rec.lost, 0u));
	CHECK_EQ(pos, rec.used);
#else
	/* Compiled out: nothing to record with, and the caller is told. */
	CHECK(!sys_heap_record_start(&rec, &heap, buf, sizeof(buf), collect, NULL));
#endif
	CHECK(sys_heap_validate(&heap));
}
