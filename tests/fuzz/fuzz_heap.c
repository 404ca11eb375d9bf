/*
 * fuzz_heap.c: the decoder and the shadow model behind every fuzz driver.
 *
 * Input layout: a header of 12 bytes (region size class and length,
 * offset, junk fill, granule, guard key), then operations of one opcode
 * byte and a few argument bytes each, until the input ends. A missing
 * byte reads as 0, so every input is valid.
 *
 * After every operation the whole heap is checked against the model:
 *   - every live block inside the region, aligned as promised, usable_size
 *     at least the request, its content intact, no two overlapping;
 *   - sys_heap_walk(): blocks in address order, exactly the model's live
 *     blocks, no free chunk serving more than its room, no two free
 *     chunks adjacent;
 *   - sys_heap_info_get() equal to the walk, fragmentation within 0-1000;
 *   - the statistics equal to the chunk sizes the walk shows;
 *   - sys_heap_validate() true;
 *   - the error hook called exactly once per hostile call, never
 *     otherwise; listener calls exactly those of the operation;
 *   - the bytes around the region and the second heap untouched.
 *
 * Content is filled with even bytes only: a chunk header read from user
 * data then never has its used bit set, so a hostile pointer into a block
 * can never pass for a live block by chance, and "hook called once" stays
 * a fair demand.
 */
#include "fuzz.h"

#include <stdio.h>
#include <string.h>

#include "sys_heap.h"
#include "sys_heap_define.h"

/* ---- failures ------------------------------------------------------------ */

static char failure[160];
static bool run_failed;

static bool fuzz_check(bool ok, int line, const char *expr)
{
	if (!ok && !run_failed) {
		run_failed = true;
		snprintf(failure, sizeof(failure), "tests/fuzz/fuzz_heap.c:%d: %s", line, expr);
	}
	return ok;
}
#define FCHECK(cond) fuzz_check((cond) ? true : false, __LINE__, #cond)

const char *fuzz_failure(void)
{
	return failure;
}

/* ---- input --------------------------------------------------------------- */

struct input {
	const uint8_t *data;
	size_t size;
	size_t at;
};

static uint8_t get8(struct input *in)
{
	return in->at < in->size ? in->data[in->at++] : 0u;
}

static uint32_t get16(struct input *in)
{
	uint32_t lo = get8(in);

	return lo | ((uint32_t)get8(in) << 8);
}

static uint32_t get32(struct input *in)
{
	uint32_t lo = get16(in);

	return lo | (get16(in) << 16);
}

/* ---- memory ------------------------------------------------------------- */

#define GUARD_BYTES 64u
#define GUARD_FILL 0x5au
#define OTHER_HEAP_BYTES 1024u

_Alignas(FUZZ_ARENA_ALIGN) static uint8_t arena[FUZZ_ARENA_BYTES];
_Alignas(16) static uint8_t other_mem[OTHER_HEAP_BYTES];
static uint8_t stress_scratch[512];

/* The largest region that fits at an offset, with a guard band each side. */
static size_t region_max(size_t offset)
{
	return FUZZ_ARENA_BYTES - 2u * GUARD_BYTES - offset;
}

/* ---- the model ------------------------------------------------------------ */

struct block {
	uint8_t *mem;     /* NULL: free slot */
	size_t request;   /* bytes asked for */
	size_t usable;    /* usable_size() when handed out; all of it is filled */
	size_t align;     /* alignment promised */
	uint8_t tag;      /* content pattern */
};

struct event {
	char kind; /* 'a'lloc, 'f'ree, 'r'esize */
	void *old_mem;
	void *mem;
	size_t bytes;
};

#define MAX_EVENTS 4u
#define MAX_CHUNKS (2u * FUZZ_SLOTS + 4u)

struct chunk_seen {
	uint8_t *mem;
	size_t bytes;
	bool used;
};

static struct {
	struct sys_heap heap;
	struct sys_heap other;
	uint8_t *region;
	size_t region_bytes;
	size_t granule;       /* the heap's, or the natural alignment */
	bool formatted;
	struct block blocks[FUZZ_SLOTS];
	uint32_t live;
	uint8_t next_tag;
	size_t total_bytes;   /* chunk bytes, constant for the heap's life */
	size_t peak;          /* max_allocated_bytes as the model sees it */
	size_t allocated;     /* from the last check */
	uint32_t hook_calls;
	uint32_t hooks_expected;
	struct event events[MAX_EVENTS];
	uint32_t event_count;
	uint32_t stress_events;  /* listener calls a stress op may make */
	bool peak_exact;      /* the op has no transient allocation */
	struct chunk_seen chunks[MAX_CHUNKS];
	uint32_t chunk_count;
	void *other_block;
} m;

static void on_error(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	(void)mem;
	(void)caller;
	FCHECK(heap == &m.heap);
	FCHECK(error >= SYS_HEAP_ERR_FOREIGN_POINTER && error <= SYS_HEAP_ERR_CORRUPT_HEAP);
	m.hook_calls++;
}

static void on_other_error(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			   void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
	m.hook_calls += 1000u; /* never expected */
}

#if SYS_HEAP_LISTENERS
static void record(char kind, void *old_mem, void *mem, size_t bytes)
{
	if (m.stress_events != 0u) {
		m.stress_events--;
		return;
	}
	if (FCHECK(m.event_count < MAX_EVENTS)) {
		m.events[m.event_count++] = (struct event){ kind, old_mem, mem, bytes };
	}
}

static void listen_alloc(void *ctx, struct sys_heap *heap, void *mem, size_t bytes)
{
	(void)ctx;
	FCHECK(heap == &m.heap);
	record('a', NULL, mem, bytes);
}

static void listen_free(void *ctx, struct sys_heap *heap, void *mem)
{
	(void)ctx;
	FCHECK(heap == &m.heap);
	record('f', NULL, mem, 0u);
}

static void listen_resize(void *ctx, struct sys_heap *heap, void *old_mem, void *new_mem,
			  size_t bytes)
{
	(void)ctx;
	FCHECK(heap == &m.heap);
	record('r', old_mem, new_mem, bytes);
}

static const struct sys_heap_listener listener = { listen_alloc, listen_free, listen_resize,
						    NULL };
#endif

/* The listener calls an operation should have made, in order. */
static struct event expected[MAX_EVENTS];
static uint32_t expected_count;

static void expect(char kind, void *old_mem, void *mem, size_t bytes)
{
	if (expected_count < MAX_EVENTS) {
		expected[expected_count++] = (struct event){ kind, old_mem, mem, bytes };
	}
}

/* ---- content ------------------------------------------------------------- */

/* Even bytes only (see the top of the file), position dependent: byte i
 * of a block with tag t is 2 * (t + i) mod 256, which repeats every 128
 * bytes, so whole pieces compare with memcmp against one table. */
#define PATTERN_PERIOD 128u

static uint8_t pattern[2u * PATTERN_PERIOD];

static void make_pattern(void)
{
	for (size_t i = 0u; i < sizeof(pattern); i++) {
		pattern[i] = (uint8_t)(i << 1);
	}
}

static const uint8_t *pattern_at(uint8_t tag, size_t i)
{
	return pattern + (tag + i) % PATTERN_PERIOD;
}

static void fill(uint8_t *p, size_t from, size_t to, uint8_t tag)
{
	while (from < to) {
		size_t n = to - from < PATTERN_PERIOD ? to - from : PATTERN_PERIOD;

		memcpy(p + from, pattern_at(tag, from), n);
		from += n;
	}
}

static bool intact(const uint8_t *p, size_t bytes, uint8_t tag)
{
	for (size_t at = 0u; at < bytes; at += PATTERN_PERIOD) {
		size_t n = bytes - at < PATTERN_PERIOD ? bytes - at : PATTERN_PERIOD;

		if (memcmp(p + at, pattern_at(tag, at), n) != 0) {
			return false;
		}
	}
	return true;
}

/* Every byte in [p, p + bytes) is the guard fill. */
static bool guard_intact(const uint8_t *p, size_t bytes)
{
	static uint8_t fill_bytes[256];

	if (fill_bytes[0] != GUARD_FILL) {
		memset(fill_bytes, GUARD_FILL, sizeof(fill_bytes));
	}
	for (size_t at = 0u; at < bytes; at += sizeof(fill_bytes)) {
		size_t n = bytes - at < sizeof(fill_bytes) ? bytes - at : sizeof(fill_bytes);

		if (memcmp(p + at, fill_bytes, n) != 0) {
			return false;
		}
	}
	return true;
}

/* ---- checks after every operation ------------------------------------------ */

static void walk_record(void *ctx, void *mem, size_t bytes, bool used)
{
	(void)ctx;
	if (FCHECK(m.chunk_count < MAX_CHUNKS)) {
		m.chunks[m.chunk_count++] = (struct chunk_seen){ mem, bytes, used };
	}
}

static struct block *find_block(const void *mem)
{
	for (uint32_t i = 0u; i < FUZZ_SLOTS; i++) {
		if (m.blocks[i].mem == mem && mem != NULL) {
			return &m.blocks[i];
		}
	}
	return NULL;
}

static bool inside_region(const uint8_t *p, size_t bytes)
{
	return p >= m.region && bytes <= m.region_bytes &&
	       (size_t)(p - m.region) <= m.region_bytes - bytes;
}

static void check_block(const struct block *b)
{
	FCHECK(inside_region(b->mem, b->usable));
	FCHECK(((uintptr_t)b->mem & (b->align - 1u)) == 0u);
	FCHECK(b->usable >= b->request);
	FCHECK(sys_heap_usable_size(&m.heap, b->mem) == b->usable);
	FCHECK(intact(b->mem, b->usable, b->tag));
}

/* The walk against the model; returns the bytes of used chunks. */
static size_t check_walk(size_t *free_bytes, size_t *largest_free)
{
	size_t allocated = 0u;
	uint32_t used = 0u;

	m.chunk_count = 0u;
	sys_heap_walk(&m.heap, walk_record, NULL);
	*free_bytes = 0u;
	*largest_free = 0u;
	if (!FCHECK(m.chunk_count >= 1u)) {
		return 0u;
	}
	uint8_t *first = m.chunks[0].mem;

	for (uint32_t i = 0u; i < m.chunk_count; i++) {
		const struct chunk_seen *c = &m.chunks[i];
		/* Chunks have one layout, so memory to memory is chunk to chunk;
		 * the last chunk holds what the others leave of the total. */
		size_t room = (i + 1u < m.chunk_count) ? (size_t)(m.chunks[i + 1u].mem - c->mem)
						       : m.total_bytes - (size_t)(c->mem - first);

		/* A free chunk too small to serve anything (bytes 0) names the
		 * memory it would hand out, which may lie past the region. */
		FCHECK(c->bytes == 0u || inside_region(c->mem, c->bytes));
		if (i + 1u < m.chunk_count) {
			FCHECK(m.chunks[i + 1u].mem > c->mem);
			FCHECK(c->used || m.chunks[i + 1u].used);
		}
		FCHECK(room <= m.total_bytes);
		/* What a chunk serves ends before the next chunk's header. */
		FCHECK(c->bytes < room);
		if (c->used) {
			used++;
			allocated += room;
			FCHECK(find_block(c->mem) != NULL);
		} else {
			*free_bytes += room;
			if (c->bytes > *largest_free) {
				*largest_free = c->bytes;
			}
		}
	}
	FCHECK(used == m.live);
	return allocated;
}

static void check_info(size_t free_bytes, size_t largest_free)
{
	struct sys_heap_info info;

	if (!FCHECK(sys_heap_info_get(&m.heap, &info) == 0)) {
		return;
	}
	uint32_t listed = 0u;

	for (uint32_t b = 0u; b < info.bucket_count && b < SYS_HEAP_MAX_BUCKETS; b++) {
		listed += info.bucket_chunks[b];
	}
	FCHECK(info.total_bytes == m.total_bytes);
	FCHECK(info.free_bytes == free_bytes);
	FCHECK(info.largest_free_bytes == largest_free);
	FCHECK(info.used_chunks == m.live);
	FCHECK(info.used_chunks + info.free_chunks == m.chunk_count);
	FCHECK(listed == info.free_chunks);
	FCHECK(info.fragmentation_permille <= 1000u);
	FCHECK(info.bucket_count <= SYS_HEAP_MAX_BUCKETS);
}

static void check_stats(size_t allocated, size_t free_bytes)
{
	struct sys_memory_stats s;

	if (!FCHECK(sys_heap_runtime_stats_get(&m.heap, &s) == 0)) {
		return;
	}
	FCHECK(s.allocated_bytes == allocated);
	FCHECK(s.free_bytes == free_bytes);
	FCHECK(s.free_bytes + s.allocated_bytes == m.total_bytes);
	size_t peak = m.peak > allocated ? m.peak : allocated;

	/* Realloc and aligned alloc hold two blocks, or padding, for a moment. */
	FCHECK(m.peak_exact ? s.max_allocated_bytes == peak : s.max_allocated_bytes >= peak);
	FCHECK(s.max_allocated_bytes <= m.total_bytes);
	m.peak = s.max_allocated_bytes;
	m.allocated = allocated;
}

static void check_surroundings(void)
{
	FCHECK(guard_intact(m.region - GUARD_BYTES, GUARD_BYTES));
	FCHECK(guard_intact(m.region + m.region_bytes, GUARD_BYTES));
	if (m.other_block != NULL) {
		FCHECK(intact(m.other_block, 64u, 0x33u));
		FCHECK(sys_heap_validate(&m.other));
	}
}

static void check_events(void)
{
	FCHECK(m.hook_calls == m.hooks_expected);
#if SYS_HEAP_LISTENERS
	FCHECK(m.stress_events == 0u);
	if (FCHECK(m.event_count == expected_count)) {
		for (uint32_t i = 0u; i < expected_count; i++) {
			const struct event *a = &m.events[i];
			const struct event *e = &expected[i];

			FCHECK(a->kind == e->kind && a->mem == e->mem && a->old_mem == e->old_mem &&
			       a->bytes == e->bytes);
		}
	}
#endif
	m.event_count = 0u;
	expected_count = 0u;
}

static void check_all(void)
{
	check_surroundings();
	check_events();
	if (!m.formatted) {
		return;
	}
	FCHECK(sys_heap_validate(&m.heap));
	for (uint32_t i = 0u; i < FUZZ_SLOTS; i++) {
		if (m.blocks[i].mem != NULL) {
			check_block(&m.blocks[i]);
		}
	}
	size_t free_bytes;
	size_t largest_free;
	size_t allocated = check_walk(&free_bytes, &largest_free);

	check_info(free_bytes, largest_free);
	check_stats(allocated, free_bytes);
	m.peak_exact = true;
}

/* ---- the model's bookkeeping ------------------------------------------------ */

static struct block *free_slot(void)
{
	for (uint32_t i = 0u; i < FUZZ_SLOTS; i++) {
		if (m.blocks[i].mem == NULL) {
			return &m.blocks[i];
		}
	}
	return NULL;
}

/* The live block an argument byte names, or NULL (also when none is live). */
static struct block *pick_block(uint8_t arg)
{
	if (m.live == 0u) {
		return NULL;
	}
	uint32_t n = arg % (m.live + 1u);

	for (uint32_t i = 0u; i < FUZZ_SLOTS; i++) {
		if (m.blocks[i].mem != NULL && n-- == 0u) {
			return &m.blocks[i];
		}
	}
	return NULL;
}

static size_t promised_align(size_t align)
{
	size_t natural = m.granule;

	return (align != 0u && (align & (align - 1u)) == 0u && align > natural) ? align : natural;
}

/* Take a block the heap handed out into the model and fill it. */
static void adopt(struct block *b, void *mem, size_t request, size_t align)
{
	b->mem = mem;
	b->request = request;
	b->align = promised_align(align);
	b->usable = sys_heap_usable_size(&m.heap, mem);
	b->tag = m.next_tag++;
	m.live++;
	if (FCHECK(b->usable >= request) && FCHECK(inside_region(b->mem, b->usable))) {
		fill(b->mem, 0u, b->usable, b->tag);
	}
}

static void forget(struct block *b)
{
	b->mem = NULL;
	m.live--;
}

/* ---- argument decoding ------------------------------------------------------ */

static size_t decode_size(struct input *in)
{
	uint8_t kind = get8(in);
	uint32_t v = get16(in);

	switch (kind & 7u) {
	case 0:
	case 1:
	case 2:
		return 1u + (v & 63u);
	case 3:
		return 1u + (v & 1023u);
	case 4:
		return v;                                  /* 0 included */
	case 5:
		return m.region_bytes > v ? m.region_bytes - v : 0u; /* near the whole heap */
	case 6:
		return (size_t)v * 16u;
	default:
		return SIZE_MAX - (v & 255u);              /* cannot fit */
	}
}

static size_t decode_align(struct input *in)
{
	uint8_t a = get8(in);

	switch (a >> 5) {
	case 0:
		return 0u;
	case 1:
		return (size_t)3u << (a & 7u);             /* not a power of two */
	case 2:
		return (size_t)1u << ((a & 63u) % (sizeof(size_t) * 8u)); /* up to huge */
	default:
		return (size_t)1u << (a & 7u);             /* 1..128, the usual */
	}
}

/* ---- operations --------------------------------------------------------------- */

static bool is_pow2(size_t x)
{
	return x != 0u && (x & (x - 1u)) == 0u;
}

/* What the aligned calls accept: a power of two, or 0 (Zephyr's "no
 * alignment beyond the natural one"). */
static bool valid_align(size_t x)
{
	return x == 0u || is_pow2(x);
}

static void op_alloc(struct input *in, uint8_t op)
{
	size_t bytes = decode_size(in);
	struct block *b = free_slot();

	if (b == NULL) {
		return;
	}
	void *mem;

	switch (op) {
	case 0:
		mem = sys_heap_alloc(&m.heap, bytes);
		break;
	case 1:
		mem = sys_heap_alloc_effort(&m.heap, bytes, (enum sys_heap_effort)(get8(in) % 3u));
		break;
	default: {
		static const struct sys_heap_site site = { "fuzz", 42 };

		mem = sys_heap_alloc_at(&m.heap, bytes, &site);
		if (mem != NULL) {
			FCHECK(sys_heap_get_site(&m.heap, mem) ==
			       (SYS_HEAP_TRACE_CALLERS ? &site : NULL));
			FCHECK((sys_heap_get_caller(&m.heap, mem) != NULL) ==
			       (SYS_HEAP_TRACE_CALLERS != 0));
		}
		break;
	}
	}
	if (bytes == 0u || bytes > m.region_bytes) {
		FCHECK(mem == NULL);
	}
	if (mem != NULL) {
		adopt(b, mem, bytes, 0u);
		expect('a', NULL, mem, bytes);
	}
}

static void op_aligned_alloc(struct input *in)
{
	size_t align = decode_align(in);
	size_t bytes = decode_size(in);
	struct block *b = free_slot();

	if (b == NULL) {
		return;
	}
	m.peak_exact = false;
	void *mem = sys_heap_aligned_alloc(&m.heap, align, bytes);

	if (!valid_align(align) || bytes == 0u || bytes > m.region_bytes) {
		FCHECK(mem == NULL);
	}
	if (mem != NULL) {
		adopt(b, mem, bytes, align);
		expect('a', NULL, mem, bytes);
	}
}

static void op_realloc(struct input *in, bool aligned)
{
	struct block *b = pick_block(get8(in));
	size_t align = aligned ? decode_align(in) : 0u;
	size_t bytes = decode_size(in);
	void *old = b != NULL ? b->mem : NULL;

	if (b == NULL && (b = free_slot()) == NULL) {
		return;
	}
	m.peak_exact = false;
	void *mem = aligned ? sys_heap_aligned_realloc(&m.heap, old, align, bytes)
			    : sys_heap_realloc(&m.heap, old, bytes);

	if ((aligned && !valid_align(align)) || bytes == 0u || bytes > m.region_bytes) {
		FCHECK(mem == NULL);
	}
	if (old == NULL) {
		if (mem != NULL) {
			adopt(b, mem, bytes, align);
			expect('a', NULL, mem, bytes);
		}
		return;
	}
	if (bytes == 0u && (!aligned || valid_align(align))) {
		forget(b); /* realloc(p, 0) frees p */
		expect('f', NULL, old, 0u);
		return;
	}
	if (mem == NULL) {
		return; /* the old block must be intact: check_all sees to it */
	}
	size_t kept = b->usable < bytes ? b->usable : bytes;

	FCHECK(intact(mem, kept, b->tag));
	b->mem = mem;
	b->request = bytes;
	b->align = promised_align(align);
	b->usable = sys_heap_usable_size(&m.heap, mem);
	if (FCHECK(b->usable >= bytes) && FCHECK(inside_region(b->mem, b->usable))) {
		fill(b->mem, kept, b->usable, b->tag);
	}
	expect('r', old, mem, bytes);
}

static void op_free(struct input *in)
{
	struct block *b = pick_block(get8(in));

	if (b == NULL) {
		sys_heap_free(&m.heap, NULL);
		return;
	}
	void *mem = b->mem;

	sys_heap_free(&m.heap, mem);
	forget(b);
	expect('f', NULL, mem, 0u);
}

static void op_stats(struct input *in)
{
	if ((get8(in) & 1u) != 0u) {
		FCHECK(sys_heap_runtime_stats_reset_max(&m.heap) == 0);
		m.peak = m.allocated;
	}
	FCHECK(sys_heap_runtime_stats_get(&m.heap, NULL) == SYS_HEAP_ERR_INVALID);
}

static void print_nothing(void *ctx, const char *text)
{
	size_t *chars = ctx;

	*chars += strlen(text);
}

static void op_report(struct input *in)
{
	size_t chars = 0u;

	sys_heap_report(&m.heap, print_nothing, &chars, (get8(in) & 1u) != 0u);
	FCHECK(chars > 0u);
	chars = 0u;
	sys_heap_leak_report(&m.heap, print_nothing, &chars);
	FCHECK(m.live == 0u || chars > 0u);
}

static void *stress_alloc(void *arg, size_t bytes)
{
	return sys_heap_alloc(arg, bytes);
}

static void stress_free(void *arg, void *p)
{
	sys_heap_free(arg, p);
}

static void op_stress(struct input *in)
{
	struct z_heap_stress_result r;
	uint32_t ops = get8(in) % 64u;
	uint32_t seed = get32(in);

	m.peak_exact = false;
#if SYS_HEAP_LISTENERS
	const uint32_t budget = 1u << 30;

	m.stress_events = budget;
#endif
	sys_heap_stress_seeded(stress_alloc, stress_free, &m.heap, m.region_bytes, ops,
			       stress_scratch, sizeof(stress_scratch), get8(in) % 101u, seed, &r);
	FCHECK(r.total_frees == r.successful_allocs);
	FCHECK(r.successful_allocs <= r.total_allocs);
#if SYS_HEAP_LISTENERS
	/* The rig's own calls are told too; they are not the model's. */
	FCHECK(budget - m.stress_events == r.successful_allocs + r.total_frees);
	m.stress_events = 0u;
#endif
}

#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
/* A pointer that is not a live block of this heap. */
static void *hostile_pointer(struct input *in, void *on_stack)
{
	static const uint8_t static_bytes[32] = { 1 };
	uint8_t kind = get8(in);
	uint32_t arg = get16(in);
	struct block *b = pick_block((uint8_t)arg);

	switch (kind % 8u) {
	case 0:
		return (void *)(uintptr_t)static_bytes;
	case 1:
		return on_stack;
	case 2:
		if (b != NULL && b->usable > 1u) {
			/* Misaligned, or far enough in that the header it would have
			 * lies in the block's own (even) data. */
			size_t k = 1u + (arg >> 8) % (b->usable - 1u);

			if ((k & 7u) != 0u || k >= 64u) {
				return b->mem + k;
			}
		}
		return m.region;
	case 3:
		return m.region + m.region_bytes;
	case 4:
		return m.region + arg % 64u; /* the slack and the descriptor */
	case 5:
		return m.other_block != NULL ? m.other_block : m.region;
	case 6:
		return (uint8_t *)m.heap.heap;
	default:
		return (void *)(uintptr_t)(SIZE_MAX - (arg & 15u));
	}
}

static void op_hostile(struct input *in)
{
	uint8_t call = get8(in);
	uint8_t on_stack[16] = { 0 };
	void *p = hostile_pointer(in, on_stack);

	/* A pointer into a live block is hostile only when it is not one. */
	if (find_block(p) != NULL) {
		return;
	}
	if (call % 5u == 4u) {
		/* The queries: quiet about what is not a live block, and
		 * still reading nothing outside the heap. */
		FCHECK(sys_heap_get_caller(&m.heap, p) == NULL);
		FCHECK(sys_heap_get_site(&m.heap, p) == NULL);
		return;
	}
	m.hooks_expected++;
	switch (call % 5u) {
	case 0:
		sys_heap_free(&m.heap, p);
		break;
	case 1:
		FCHECK(sys_heap_realloc(&m.heap, p, 1u + call) == NULL);
		break;
	case 2:
		FCHECK(sys_heap_aligned_realloc(&m.heap, p, 64u, 16u) == NULL);
		break;
	default:
		FCHECK(sys_heap_usable_size(&m.heap, p) == 0u);
		break;
	}
}

/* Free a live block, then free (or realloc) it again: a stale pointer. */
static void op_double_free(struct input *in)
{
	struct block *b = pick_block(get8(in));
	uint8_t how = get8(in);

	if (b == NULL) {
		return;
	}
	uint8_t *mem = b->mem;

	sys_heap_free(&m.heap, mem);
	forget(b);
	expect('f', NULL, mem, 0u);
	m.hooks_expected++;
	if ((how & 1u) != 0u) {
		sys_heap_free(&m.heap, mem);
	} else {
		FCHECK(sys_heap_realloc(&m.heap, mem, 8u) == NULL);
	}
}
#endif

/* A foreign heap's block given to ours, and ours to it. */
static void op_other_heap(struct input *in)
{
	(void)in;
	FCHECK(sys_heap_usable_size(&m.other, NULL) == 0u);
	FCHECK(sys_heap_alloc(&m.other, 0u) == NULL);
	FCHECK(sys_heap_aligned_alloc(&m.other, 3u, 8u) == NULL);
}

static void run_op(struct input *in)
{
	uint8_t op = get8(in);

	switch (op % 16u) {
	case 0:
	case 1:
	case 2:
		op_alloc(in, 0u);
		break;
	case 3:
		op_alloc(in, 1u);
		break;
	case 4:
		op_alloc(in, 2u);
		break;
	case 5:
		op_aligned_alloc(in);
		break;
	case 6:
		op_realloc(in, false);
		break;
	case 7:
		op_realloc(in, true);
		break;
	case 8:
	case 9:
	case 10:
		op_free(in);
		break;
	case 11:
		op_stats(in);
		break;
	case 12:
		if ((op & 0xf0u) == 0u) {
			op_report(in);
		} else if ((op & 0xf0u) == 0x10u) {
			op_stress(in);
		} else {
			op_other_heap(in);
		}
		break;
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
	case 13:
	case 14:
		op_hostile(in);
		break;
	case 15:
		op_double_free(in);
		break;
#endif
	default:
		op_free(in);
		break;
	}
}

/* ---- the heap ------------------------------------------------------------------ */

/* Largest n whose SYS_HEAP_BYTES_FOR(n) fits in `bytes`, 0 if none. */
static size_t promised_request(size_t bytes)
{
	size_t lo = 0u;
	size_t hi = bytes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1u) / 2u;

		if (SYS_HEAP_BYTES_FOR(mid) <= bytes) {
			lo = mid;
		} else {
			hi = mid - 1u;
		}
	}
	return lo;
}

static size_t decode_region_bytes(struct input *in, size_t granule, size_t max)
{
	uint8_t kind = get8(in);
	uint32_t v = get16(in);
	size_t bytes;

	switch (kind % 8u) {
	case 0:
		bytes = SYS_HEAP_MIN_BYTES - 8u + v % 24u;
		break;
	case 1:
		bytes = 64u + v % 2048u;
		break;
	case 2:
		bytes = 2048u + v % 16384u;
		break;
	case 3:
		bytes = 16384u + v;
		break;
	case 4: /* around the small/big header switch */
		bytes = (size_t)SYS_HEAP_SMALL_MAX_UNITS * SYS_HEAP_CHUNK_UNIT - 1024u + v % 2048u;
		break;
	case 5:
		bytes = SYS_HEAP_GRANULAR_MIN_BYTES(granule > 8u ? granule : 8u) - 24u + v % 64u;
		break;
	case 6:
		bytes = SYS_HEAP_BYTES_FOR((size_t)v * 8u) - 4u + (kind >> 3) % 8u;
		break;
	default:
		bytes = max;
		break;
	}
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_FULL
	/* Every call validates the whole heap, poison included: keep heaps
	 * small enough for the checks' hundred calls per operation. */
	max = max < 16384u ? max : 16384u;
#endif
	return bytes < max ? bytes : max;
}

static size_t decode_granule(uint8_t g)
{
	if (g < 128u) {
		return 0u; /* plain sys_heap_init() */
	}
	switch (g % 16u) {
	case 13:
		return 24u;     /* not a power of two */
	case 14:
		return 8192u;   /* too large */
	case 15:
		return 3u;
	default:
		return (size_t)1u << (g % 16u); /* 1..4096 */
	}
}

static void check_fresh_heap(size_t bytes, bool natural)
{
	struct sys_memory_stats s;

	if (!natural || !FCHECK(sys_heap_runtime_stats_get(&m.heap, &s) == 0)) {
		return;
	}
	/* The sizing macros' promises (include/sys_heap_layout.h). */
	FCHECK(s.free_bytes + SYS_HEAP_OVERHEAD(bytes) >= bytes);
	size_t n = promised_request(bytes);

	if (n != 0u) {
		void *p = sys_heap_alloc(&m.heap, n);

		FCHECK(p != NULL);
		sys_heap_free(&m.heap, p);
		FCHECK(sys_heap_runtime_stats_reset_max(&m.heap) == 0);
	}
}

static void start_heap(struct input *in)
{
	uint8_t offset = get8(in) % 64u;
	uint8_t junk = get8(in);
	size_t granule = decode_granule(get8(in));
	uint32_t key = get32(in);
	size_t bytes = decode_region_bytes(in, granule, region_max(offset));
	uint8_t *region = arena + GUARD_BYTES + offset;

	memset(&m, 0, sizeof(m));
	m.region = region;
	m.region_bytes = bytes;
	m.peak_exact = true;
	/* The whole arena around the region is checked when the run ends,
	 * the bands next to it after every operation. */
	memset(arena, GUARD_FILL, (size_t)(region - arena));
	memset(region, junk, bytes);
	memset(region + bytes, GUARD_FILL, sizeof(arena) - (size_t)(region - arena) - bytes);

	bool natural = granule <= SYS_HEAP_NATURAL_ALIGN;
	bool ok;

	if (granule == 0u && (key & 1u) == 0u) {
		sys_heap_init(&m.heap, region, bytes);
		ok = m.heap.heap != NULL;
	} else {
		struct sys_heap_options opt = { granule, key >> 1 };

		ok = sys_heap_init_with(&m.heap, region, bytes, &opt);
		FCHECK(ok == (m.heap.heap != NULL));
	}
	bool valid = is_pow2(granule) ? granule <= 4096u : granule == 0u;

	if (!valid || bytes < SYS_HEAP_MIN_BYTES) {
		FCHECK(!ok);
	} else if (natural) {
		FCHECK(ok);
	} else if (((uintptr_t)region & (granule - 1u)) == 0u &&
		   bytes >= SYS_HEAP_GRANULAR_MIN_BYTES(granule)) {
		FCHECK(ok);
	}
	m.granule = natural ? SYS_HEAP_NATURAL_ALIGN : granule;
	m.formatted = ok;

	sys_heap_init(&m.other, other_mem, sizeof(other_mem));
	sys_heap_set_error_hook(&m.other, on_other_error);
	m.other_block = sys_heap_alloc(&m.other, 64u);
	if (FCHECK(m.other_block != NULL)) {
		fill(m.other_block, 0u, 64u, 0x33u);
	}
	if (!ok) {
		return;
	}
	sys_heap_set_error_hook(&m.heap, on_error);
#if SYS_HEAP_LISTENERS
	sys_heap_set_listener(&m.heap, &listener);
#endif
	struct sys_memory_stats s;

	if (FCHECK(sys_heap_runtime_stats_get(&m.heap, &s) == 0)) {
		m.total_bytes = s.free_bytes + s.allocated_bytes;
		FCHECK(s.allocated_bytes == 0u && s.max_allocated_bytes == 0u);
	}
	FCHECK(m.total_bytes <= bytes);
	check_fresh_heap(bytes, natural);
	m.event_count = 0u; /* the promise check's own alloc and free */
}

/* Free everything: the heap must be one free chunk again, serving the
 * largest request the walk names. */
static void finish_heap(void)
{
	for (uint32_t i = 0u; i < FUZZ_SLOTS && !run_failed; i++) {
		if (m.blocks[i].mem != NULL) {
			void *mem = m.blocks[i].mem;

			sys_heap_free(&m.heap, mem);
			forget(&m.blocks[i]);
			expect('f', NULL, mem, 0u);
			check_all();
		}
	}
	if (run_failed) {
		return;
	}
	FCHECK(m.chunk_count == 1u && !m.chunks[0].used);
	size_t largest = m.chunks[0].bytes;
	void *p = sys_heap_alloc(&m.heap, largest);

	FCHECK(p != NULL);
	sys_heap_free(&m.heap, p);
	FCHECK(sys_heap_alloc(&m.heap, largest + 1u) == NULL);
	m.event_count = 0u;
	FCHECK(sys_heap_validate(&m.heap));
}

uint32_t fuzz_run(const uint8_t *data, size_t size, bool *failed)
{
	struct input in = { data, size < FUZZ_MAX_INPUT ? size : FUZZ_MAX_INPUT, 0u };
	uint32_t ops = 0u;

	run_failed = false;
	failure[0] = '\0';
	if (pattern[1] == 0u) {
		make_pattern();
	}
	start_heap(&in);
	check_all();
	while (in.at < in.size && !run_failed) {
		if (m.formatted) {
			run_op(&in);
		} else {
			/* An unformatted heap answers everything with NULL or 0. */
			size_t bytes = decode_size(&in);

			FCHECK(sys_heap_alloc(&m.heap, bytes) == NULL);
			FCHECK(sys_heap_aligned_alloc(&m.heap, 16u, bytes) == NULL);
			FCHECK(sys_heap_realloc(&m.heap, NULL, bytes) == NULL);
			FCHECK(sys_heap_validate(&m.heap));
		}
		ops++;
		check_all();
	}
	if (m.formatted && !run_failed) {
		finish_heap();
	}
	size_t before = (size_t)(m.region - arena);

	FCHECK(guard_intact(arena, before));
	FCHECK(guard_intact(m.region + m.region_bytes, sizeof(arena) - before - m.region_bytes));
	*failed = run_failed;
	return ops;
}

size_t fuzz_random_input(uint32_t *state, uint8_t *buf, size_t max)
{
	uint32_t x = *state;
	size_t len;

#define XORSHIFT() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
	len = 12u + XORSHIFT() % (max - 12u);
	for (size_t i = 0u; i < len; i++) {
		buf[i] = (uint8_t)(XORSHIFT() >> 24);
	}
#undef XORSHIFT
	*state = x;
	return len;
}

#define FUZZ_STR2(x) #x
#define FUZZ_STR(x) FUZZ_STR2(x)

const char *fuzz_variant(void)
{
	return "hardening=" FUZZ_STR(SYS_HEAP_HARDENING) " header_format=" FUZZ_STR(
		SYS_HEAP_HEADER_FORMAT) " optimize_speed=" FUZZ_STR(SYS_HEAP_OPTIMIZE_SPEED)
		" alloc_loops=" FUZZ_STR(SYS_HEAP_ALLOC_LOOPS) " best_fit=" FUZZ_STR(
			SYS_HEAP_ALLOC_BEST_FIT) " trace=" FUZZ_STR(SYS_HEAP_TRACE_CALLERS)
			" listeners=" FUZZ_STR(SYS_HEAP_LISTENERS);
}
