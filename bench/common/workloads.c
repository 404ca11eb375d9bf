/*
 * workloads.c: the request sequences every allocator runs. They depend on
 * the seed only, never on the addresses an allocator returns, so every
 * allocator sees the same requests (until one of them fails).
 *
 * Every block carries three marker bytes (first, middle, last) written
 * after it is handed out and checked before it is given back, so an
 * allocator that hands out overlapping memory is caught, whichever it is.
 */
#include "bench.h"

#ifndef BENCH_MAX_SLOTS
#define BENCH_MAX_SLOTS 1024u
#endif
/* The realistic workload's shape; a 16 KiB board scales it down. */
#ifndef BENCH_SIZE_OCTAVES
#define BENCH_SIZE_OCTAVES 7u /* 4..512 bytes */
#endif
#ifndef BENCH_ROUND_MIN
#define BENCH_ROUND_MIN 32u
#endif
#ifndef BENCH_ROUND_MAX
#define BENCH_ROUND_MAX 160u
#endif
#define MIN(a, b) ((a) < (b) ? (a) : (b))

const char *const bench_op_names[OP_COUNT] = { "alloc", "free", "aligned_alloc", "realloc" };

/* xorshift32: small, fast, and the same sequence on every target. */
static uint32_t rng_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static uint32_t below(uint32_t *s, uint32_t n)
{
	return (uint32_t)(((uint64_t)rng_next(s) * n) >> 32);
}

static uint32_t seed_state(uint32_t seed)
{
	uint32_t s = seed * 2654435761u + 0x9e3779b9u;

	return s != 0u ? s : 1u;
}

/* 4..512 bytes, log-uniform by octave: each of 4-8, 8-16, ... 256-512 is
 * equally likely, uniform inside it. Median about 45 bytes, mean 109. */
static uint32_t draw_size(uint32_t *s)
{
	uint32_t octave = below(s, BENCH_SIZE_OCTAVES);
	uint32_t lo = 4u << octave;

	return lo + below(s, lo + (octave == BENCH_SIZE_OCTAVES - 1u ? 1u : 0u));
}

/* ------------------------------------------------------------------ */

void run_begin(struct bench_run *r, struct bench_allocator *A, struct bench_hist *hist)
{
	*r = (struct bench_run){ .A = A, .hist = hist };
}

static uint16_t next_tag;

/* Markers at the first, middle and last byte; fewer on 1- and 2-byte
 * blocks, where those positions coincide. */
static void stamp(const struct bench_slot *sl)
{
	uint8_t *p = sl->p;

	p[0] = (uint8_t)sl->tag;
	if (sl->size >= 3u) {
		p[sl->size / 2u] = (uint8_t)(sl->tag >> 8);
	}
	if (sl->size >= 2u) {
		p[sl->size - 1u] = (uint8_t)(sl->tag ^ 0x5au);
	}
}

static bool stamped(const struct bench_slot *sl)
{
	const uint8_t *p = sl->p;

	return p[0] == (uint8_t)sl->tag &&
	       (sl->size < 3u || p[sl->size / 2u] == (uint8_t)(sl->tag >> 8)) &&
	       (sl->size < 2u || p[sl->size - 1u] == (uint8_t)(sl->tag ^ 0x5au));
}

static void record(struct bench_run *r, enum bench_op op)
{
	uint32_t cost = bench_elapsed();

	r->ops++;
#if defined(BENCH_TRACE_OPS)
	/* Debug aid (bench/verify_counts.sh): print the first calls' counts. */
	static uint32_t traced;

	if (r->hist != NULL && traced < BENCH_TRACE_OPS) {
		traced++;
		bprintf("D %s %lu\n", bench_op_names[op], (unsigned long)cost);
	}
#endif
	if (r->hist != NULL) {
		hist_add(&r->hist[op], cost);
	}
	if (r->check && r->A->validate != NULL && !r->A->validate(r->A)) {
		r->corrupt = true;
	}
}

static void note_fail(struct bench_run *r, size_t n)
{
	r->fails++;
	if (!r->failed) {
		r->failed = true;
		r->live_at_fail = r->live;
		r->blocks_at_fail = r->blocks;
		r->footprint_at_fail = r->A->footprint != NULL ? r->A->footprint(r->A) : 0u;
		r->fail_request = n;
	}
}

static bool took(struct bench_run *r, struct bench_slot *sl, void *p, size_t n)
{
	if (p == NULL) {
		sl->p = NULL;
		note_fail(r, n);
		return false;
	}
	sl->p = p;
	sl->size = (uint32_t)n;
	sl->tag = next_tag++;
	stamp(sl);
	r->blocks++;
	r->live += n;
	if (r->live > r->peak) {
		r->peak = r->live;
	}
	return true;
}

#define ARG(x) ((uintptr_t)(x))

static bool do_alloc(struct bench_run *r, struct bench_slot *sl, size_t n)
{
	struct bench_allocator *A = r->A;
	void *p = (void *)(A->heap != NULL
				   ? bench_call(A->alloc_fn, ARG(A->heap), n, A->alloc_extra)
				   : bench_call(A->alloc_fn, n, 0u, 0u));

	record(r, OP_ALLOC);
	return took(r, sl, p, n);
}

static bool do_aligned(struct bench_run *r, struct bench_slot *sl, size_t align, size_t n)
{
	struct bench_allocator *A = r->A;
	void *p = (void *)(A->heap != NULL ? bench_call(A->aligned_fn, ARG(A->heap), align, n)
					   : bench_call(A->aligned_fn, align, n, 0u));

	record(r, OP_ALIGNED);
	if (p != NULL && ((uintptr_t)p & (align - 1u)) != 0u) {
		r->corrupt = true;
	}
	return took(r, sl, p, n);
}

static void do_free(struct bench_run *r, struct bench_slot *sl)
{
	struct bench_allocator *A = r->A;

	if (sl->p == NULL) {
		return;
	}
	if (!stamped(sl)) {
		r->corrupt = true;
	}
	if (A->heap != NULL) {
		(void)bench_call(A->free_fn, ARG(A->heap), ARG(sl->p), 0u);
	} else {
		(void)bench_call(A->free_fn, ARG(sl->p), 0u, 0u);
	}
	record(r, OP_FREE);
	r->live -= sl->size;
	r->blocks--;
	sl->p = NULL;
}

/* realloc of a live block to n > 0 bytes. On failure the block stays. */
static bool do_realloc(struct bench_run *r, struct bench_slot *sl, size_t n)
{
	struct bench_allocator *A = r->A;

	if (!stamped(sl)) {
		r->corrupt = true;
	}
	void *p = (void *)(A->heap != NULL ? bench_call(A->realloc_fn, ARG(A->heap), ARG(sl->p), n)
					   : bench_call(A->realloc_fn, ARG(sl->p), n, 0u));

	record(r, OP_REALLOC);
	if (p == NULL) {
		note_fail(r, n);
		return false;
	}
	/* The first byte always survives a realloc. */
	if (((uint8_t *)p)[0] != (uint8_t)sl->tag) {
		r->corrupt = true;
	}
	r->live -= sl->size;
	r->blocks--;
	return took(r, sl, p, n);
}

/* Free every live slot without timing it. */
static void drain(struct bench_run *r, struct bench_slot *slots, uint32_t n)
{
	struct bench_hist *hist = r->hist;

	r->hist = NULL;
	for (uint32_t i = 0; i < n; i++) {
		do_free(r, &slots[i]);
	}
	r->hist = hist;
}

static bool stopped(const struct bench_run *r)
{
	return (r->stop_on_fail && r->failed) || r->corrupt;
}

static struct bench_slot slots[BENCH_MAX_SLOTS];

/* ------------------------------------------------------------------ */
/* The realistic workload.                                              */

#define ROUND_MAX BENCH_ROUND_MAX
#define KEEP_FOREVER 0xffffu
#define KEEP_DUE 0xfffeu

void wl_realistic(struct bench_run *r, uint32_t seed, uint32_t rounds, bool fill)
{
	uint32_t s = seed_state(seed);
	struct bench_slot *cur = slots;                /* this round's blocks */
	struct bench_slot *kept = slots + ROUND_MAX;   /* kept across rounds */
	const uint32_t kept_max = BENCH_MAX_SLOTS - ROUND_MAX;
	uint32_t nkept = 0u;

	for (uint32_t i = 0; i < ROUND_MAX; i++) {
		cur[i].until = 0u;
	}
	for (uint32_t round = 0; round < rounds && !stopped(r); round++) {
		uint32_t target = BENCH_ROUND_MIN + below(&s, ROUND_MAX - BENCH_ROUND_MIN + 1u);
		uint32_t ncur = 0u;

		/* Fill: allocate up to the target, with some aligned allocs
		 * and reallocs of this round's blocks mixed in. */
		for (uint32_t tries = 0; ncur < target && tries < 4u * ROUND_MAX; tries++) {
			uint32_t x = below(&s, 100u);
			uint32_t size = draw_size(&s);

			if (x < 10u && ncur > 0u) {
				(void)do_realloc(r, &cur[below(&s, ncur)], size);
			} else if (x < 16u) {
				if (do_aligned(r, &cur[ncur], 16u << below(&s, 3u), size)) {
					ncur++;
				}
			} else if (do_alloc(r, &cur[ncur], size)) {
				ncur++;
			}
			if (stopped(r)) {
				break;
			}
		}
		if (stopped(r)) {
			drain(r, cur, ncur);
			break;
		}
		/* Kept blocks whose time is up go back with this round's. */
		for (uint32_t i = 0; i < nkept && ncur < ROUND_MAX;) {
			if (kept[i].until <= round) {
				cur[ncur] = kept[i];
				cur[ncur++].until = KEEP_DUE;
				kept[i] = kept[--nkept];
			} else {
				i++;
			}
		}
		/* Free in random order; one block in eight is kept. */
		for (uint32_t i = ncur; i > 1u; i--) {
			uint32_t j = below(&s, i);
			struct bench_slot t = cur[i - 1u];

			cur[i - 1u] = cur[j];
			cur[j] = t;
		}
		for (uint32_t i = 0; i < ncur; i++) {
			bool due = cur[i].until == KEEP_DUE;

			if (below(&s, 8u) == 0u && nkept < kept_max && !due) {
				kept[nkept] = cur[i];
				kept[nkept].until =
					fill ? KEEP_FOREVER : (uint16_t)(round + 1u + below(&s, 16u));
				nkept++;
			} else {
				do_free(r, &cur[i]);
			}
		}
		for (uint32_t i = 0; i < ROUND_MAX; i++) {
			cur[i].until = 0u;
		}
	}
	drain(r, kept, nkept);
}

/* ------------------------------------------------------------------ */
/* Adversarial workloads.                                               */

/*
 * Many holes: 300 small free blocks (24..40 bytes) between 8-byte pins,
 * then requests that fit none of them. A first-fit list (newlib-nano)
 * walks every hole on each alloc, and on each free of a block above them
 * (its free list is kept in address order). A segregated fit samples its
 * bucket and moves on.
 */
void wl_holes(struct bench_run *r, uint32_t holes, uint32_t seed)
{
	uint32_t s = seed_state(seed);
	struct bench_slot *hole = slots;
	struct bench_slot *pin = slots + holes;
	struct bench_slot *probe = slots + 2u * holes;

	if (3u * holes + 8u > BENCH_MAX_SLOTS) {
		holes = (BENCH_MAX_SLOTS - 8u) / 3u;
		pin = slots + holes;
		probe = slots + 2u * holes;
	}
	for (uint32_t i = 0; i < holes; i++) {
		(void)do_alloc(r, &hole[i], 24u + 8u * (i % 3u));
		(void)do_alloc(r, &pin[i], 8u);
	}
	/* Free the holes in a scattered order (7 or 11 is coprime with
	 * the count, so the stride visits every hole once). */
	uint32_t stride = (holes % 7u) != 0u ? 7u : 11u;

	for (uint32_t i = 0; i < holes; i++) {
		do_free(r, &hole[(i * stride) % holes]);
	}
	for (uint32_t k = 0; k < 48u && !stopped(r); k++) {
		(void)do_alloc(r, &probe[0], 48u + below(&s, 17u));
		(void)do_alloc(r, &probe[1], 8u);
		(void)do_aligned(r, &probe[2], 64u, 48u);
		(void)do_alloc(r, &probe[3], 16u);
		if (probe[3].p != NULL) {
			(void)do_realloc(r, &probe[3], 80u + below(&s, 64u));
		}
		do_free(r, &probe[0]);
		do_free(r, &probe[2]);
		do_free(r, &probe[3]);
		do_free(r, &probe[1]);
	}
	/* Pins go last: each merges with a hole on either side. */
	for (uint32_t i = 0; i < holes; i++) {
		do_free(r, &pin[i]);
	}
	drain(r, probe, 4u);
}

static void hole_workload(struct bench_run *r, uint32_t seed)
{
	wl_holes(r, 300u, seed);
}

/*
 * Near misses: for each bucket b (chunk sizes 2^b..2^(b+1)-1 units of 8
 * bytes, headers included), 20 free chunks one unit short of the top of
 * the bucket, then requests for exactly the top. Every entry the sampling
 * search looks at is too small by 8 bytes, so it runs its whole budget
 * (3 for DEFAULT, 16 for FIT), then splits a chunk of the next bucket.
 */
void wl_near_miss(struct bench_run *r, uint32_t seed)
{
	const uint32_t per = 20u;
	const uint32_t hdr = r->A->hdr_bytes;
	struct bench_slot *probe = slots + BENCH_MAX_SLOTS - 2u;
	uint32_t used = 0u;
	uint32_t s = seed_state(seed);

	/* Buckets too small to hold a request under this header size are
	 * skipped (hardened layouts carry more than a header per block). */
	uint32_t first = 1u;

	while (first < 7u && ((2u << first) - 2u) * 8u <= hdr) {
		first++;
	}
	for (uint32_t b = first; b <= 7u; b++) {
		uint32_t top = (2u << b) - 1u; /* units */

		for (uint32_t i = 0; i < per && used + 2u < BENCH_MAX_SLOTS - 2u; i++) {
			(void)do_alloc(r, &slots[used], (top - 1u) * 8u - hdr);
			(void)do_alloc(r, &slots[used + 1u], 8u);
			used += 2u;
		}
	}
	for (uint32_t i = 0; i < used; i += 2u) {
		do_free(r, &slots[i]);
	}
	for (uint32_t k = 0; k < 24u && !stopped(r); k++) {
		for (uint32_t b = first; b <= 7u; b++) {
			uint32_t top = (2u << b) - 1u;

			(void)do_alloc(r, &probe[0], top * 8u - hdr);
			(void)do_alloc(r, &probe[1], (top - 1u) * 8u - hdr + below(&s, 8u));
			do_free(r, &probe[0]);
			do_free(r, &probe[1]);
		}
	}
	drain(r, slots, used);
}

/*
 * Split and merge: groups [A][B][C] between pins; A and C freed first
 * (no free neighbour), then B, which merges with both, taking two chunks
 * out of lists that hold other entries. The merged chunk is then split by
 * the next round's allocations.
 */
void wl_split_merge(struct bench_run *r, uint32_t seed)
{
	const uint32_t groups = MIN(64u, BENCH_MAX_SLOTS / 4u);
	uint32_t s = seed_state(seed);
	struct bench_slot *g = slots; /* 4 per group: A B C pin */

	for (uint32_t round = 0; round < 6u && !stopped(r); round++) {
		for (uint32_t i = 0; i < groups; i++) {
			for (uint32_t j = 0; j < 3u; j++) {
				(void)do_alloc(r, &g[4u * i + j], 16u + below(&s, 200u));
			}
			if (round == 0u) {
				(void)do_alloc(r, &g[4u * i + 3u], 8u);
			}
		}
		for (uint32_t i = 0; i < groups; i++) {
			do_free(r, &g[4u * i]);
			do_free(r, &g[4u * i + 2u]);
		}
		for (uint32_t i = 0; i < groups; i++) {
			do_free(r, &g[4u * i + 1u]);
		}
	}
	drain(r, g, 4u * groups);
}

/*
 * realloc: grow in place into a free right neighbour, shrink in place,
 * and grow where the right neighbour is live, which moves and copies.
 */
void wl_realloc(struct bench_run *r, uint32_t seed)
{
	uint32_t s = seed_state(seed);
	struct bench_slot *sl = slots;

	const uint32_t iterations = MIN(96u, BENCH_MAX_SLOTS - 3u);

	for (uint32_t k = 0; k < iterations && !stopped(r); k++) {
		uint32_t n = 16u + below(&s, 240u);

		(void)do_alloc(r, &sl[0], n);
		(void)do_alloc(r, &sl[1], 16u + below(&s, 240u));
		(void)do_alloc(r, &sl[2], 8u);
		do_free(r, &sl[1]);
		if (sl[0].p != NULL) {
			(void)do_realloc(r, &sl[0], n + 8u + below(&s, 64u)); /* grow */
			(void)do_realloc(r, &sl[0], 8u + below(&s, n / 2u)); /* shrink */
			(void)do_realloc(r, &sl[0], 512u);                  /* move */
		}
		/* A pin keeps each iteration's blocks from merging with the
		 * next one's, so the heap grows more fragmented. */
		(void)do_alloc(r, &sl[3u + k], 8u);
		do_free(r, &sl[0]);
		do_free(r, &sl[2]);
	}
	drain(r, sl, 3u + iterations);
}

/* Aligned allocation from a fragmented heap: alignments 16..512. */
void wl_aligned(struct bench_run *r, uint32_t seed)
{
	uint32_t s = seed_state(seed);
	const uint32_t n = MIN(192u, BENCH_MAX_SLOTS) & ~1u;

	for (uint32_t i = 0; i < n; i++) {
		(void)do_alloc(r, &slots[i], 8u + below(&s, 120u));
	}
	for (uint32_t i = 0; i < n; i += 2u) {
		do_free(r, &slots[i]);
	}
	for (uint32_t k = 0; k < 4u && !stopped(r); k++) {
		for (uint32_t i = 0; i < n; i += 2u) {
			(void)do_aligned(r, &slots[i], 16u << below(&s, 6u), 8u + below(&s, 248u));
		}
		for (uint32_t i = 0; i < n; i += 2u) {
			/* 37 is coprime with n / 2 for every n we use, so this
			 * visits each even slot once, out of order. */
			do_free(r, &slots[2u * (((i / 2u) * 37u) % (n / 2u))]);
		}
	}
	drain(r, slots, n);
}

const struct bench_workload bench_adversarial[] = {
	{ "holes", hole_workload, "300 small holes, requests that fit none" },
	{ "near_miss", wl_near_miss, "sampled bucket full of chunks 8 bytes too small" },
	{ "split_merge", wl_split_merge, "frees that merge both sides, allocs that split" },
	{ "realloc", wl_realloc, "grow in place, shrink, grow by moving" },
	{ "aligned", wl_aligned, "aligned_alloc 16..512 on a fragmented heap" },
};
const unsigned bench_adversarial_count = sizeof(bench_adversarial) / sizeof(bench_adversarial[0]);

/* ------------------------------------------------------------------ */
/* Traces.                                                              */

static uint32_t fnv(uint32_t h, char c)
{
	return (h ^ (uint8_t)c) * 16777619u;
}

static uint32_t fnv_u32(uint32_t h, uint32_t v)
{
	char tmp[12];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v != 0u);
	while (i > 0) {
		h = fnv(h, tmp[--i]);
	}
	return h;
}

uint32_t trace_hash_op(uint32_t h, const struct trace_op *op)
{
	h = fnv(h, (char)op->kind);
	h = fnv(h, ' ');
	h = fnv_u32(h, op->id);
	switch (op->kind) {
	case TR_CALLOC:
		h = fnv(h, ' ');
		h = fnv_u32(h, op->nmemb);
		h = fnv(h, ' ');
		h = fnv_u32(h, op->nmemb != 0u ? op->size / op->nmemb : 0u);
		break;
	case TR_MEMALIGN:
		h = fnv(h, ' ');
		h = fnv_u32(h, 1u << op->align_log2);
		h = fnv(h, ' ');
		h = fnv_u32(h, op->size);
		break;
	case TR_ALLOC:
	case TR_REALLOC:
		h = fnv(h, ' ');
		h = fnv_u32(h, op->size);
		break;
	default:
		break;
	}
	return fnv(h, '\n');
}

void wl_trace(struct bench_run *r, const struct bench_trace *tr, struct bench_slot *tslots)
{
	uint32_t h = TRACE_HASH_INIT;

	for (uint32_t i = 0; i < tr->count; i++) {
		h = trace_hash_op(h, &tr->ops[i]);
	}
	r->checksum = h;
	for (uint32_t i = 0; i < tr->ids; i++) {
		tslots[i].p = NULL;
	}
	for (uint32_t i = 0; i < tr->count && !stopped(r); i++) {
		const struct trace_op *op = &tr->ops[i];
		if (op->id >= tr->ids) {
			r->corrupt = true;
			break;
		}
		struct bench_slot *sl = &tslots[op->id];
		bool live = sl->p != NULL;

		switch (op->kind) {
		case TR_ALLOC:
		case TR_CALLOC:
			if (live) {
				r->corrupt = true;
				break;
			}
			if (do_alloc(r, sl, op->size) && op->kind == TR_CALLOC) {
				uint8_t *p = sl->p;

				for (uint32_t k = 0; k < op->size; k++) {
					p[k] = 0u;
				}
				stamp(sl);
			}
			break;
		case TR_MEMALIGN:
			if (live) {
				r->corrupt = true;
				break;
			}
			(void)do_aligned(r, sl, (size_t)1u << op->align_log2, op->size);
			break;
		case TR_REALLOC:
			if (!live) {
				r->corrupt = true;
				break;
			}
			(void)do_realloc(r, sl, op->size);
			break;
		case TR_FREE:
			if (!live) {
				r->corrupt = true;
				break;
			}
			do_free(r, sl);
			break;
		default:
			r->corrupt = true;
			break;
		}
		if (r->after_op != NULL) {
			r->after_op(r, i, r->after_op_ctx);
		}
	}
	drain(r, tslots, tr->ids);
}

/* ------------------------------------------------------------------ */

static bool completes(struct bench_allocator *A, uint8_t *arena, size_t bytes, bench_work_fn work,
		      const void *arg, size_t *peak)
{
	struct bench_run r;

	if (!A->reset(A, arena, bytes)) {
		return false;
	}
	run_begin(&r, A, NULL);
	r.stop_on_fail = true;
	work(&r, arg);
	if (peak != NULL) {
		*peak = r.peak;
	}
	return !r.failed && !r.corrupt;
}

size_t bench_min_arena(struct bench_allocator *A, uint8_t *arena, size_t hi, bench_work_fn work,
		       const void *arg, size_t *peak)
{
	size_t p = 0u;

	hi &= ~(size_t)7u;
	if (!completes(A, arena, hi, work, arg, &p)) {
		*peak = p;
		return 0u;
	}
	*peak = p;
	/* Fewer bytes than the peak live request cannot work. */
	size_t lo = p > 8u ? (p & ~(size_t)7u) - 8u : 0u;

	while (hi - lo > 8u) {
		size_t mid = (lo + (hi - lo) / 2u) & ~(size_t)7u;

		if (mid <= lo) {
			mid = lo + 8u;
		}
		if (completes(A, arena, mid, work, arg, NULL)) {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	return hi;
}
