/*
 * suite.c: the measurements, as a sequence of runs that print one line
 * each. Firmware and host run the same functions; tools/bench_report.py
 * reads the lines:
 *
 *   H alloc= heap= wl= op= n= min= p50= p99= max= sum= bins=v:c,...
 *   W alloc= heap= wl= ops= fails= corrupt= peak=
 *   U alloc= arena= seed= live= blocks= footprint= request= peak= ops=
 *                                                         (fill to failure: requested
 *                                                          bytes, blocks and the bytes they
 *                                                          take, 0 if unknown, at the first
 *                                                          failed allocation)
 *   M alloc= wl= peak= arena=                             (smallest arena)
 *   O alloc= arena= max_single= per_block= min_block=     (overhead)
 *   T alloc= trace= ops= checksum=ok|bad                  (trace check)
 */
#include "suite.h"

static struct bench_hist hists[OP_COUNT];

bool suite_failed;

static void check_run(const struct bench_run *r, const char *what)
{
	if (r->corrupt) {
		suite_failed = true;
		bprintf("ERROR corrupt heap or block contents: %s\n", what);
	}
}

/* bprintf has no snprintf: join strings by hand. */
static void join(char *out, size_t size, const char *const *parts, unsigned n)
{
	size_t k = 0u;

	for (unsigned i = 0; i < n; i++) {
		for (const char *c = parts[i]; *c != '\0' && k + 1u < size; c++) {
			out[k++] = *c;
		}
	}
	out[k] = '\0';
}

static void print_hists(const char *alloc, const char *heap, const char *wl)
{
	char key[160];
	const char *label[] = { "alloc=", alloc, " heap=", heap, " wl=", wl };

	join(key, sizeof(key), label, 6u);
	bench_mark(key);
	for (unsigned op = 0; op < OP_COUNT; op++) {
		if (hists[op].n == 0u) {
			continue;
		}
		const char *parts[] = { key, " op=", bench_op_names[op] };

		join(key, sizeof(key), label, 6u);
		char full[200];

		join(full, sizeof(full), parts, 3u);
		hist_print(&hists[op], full);
	}
}

static void reset_hists(void)
{
	for (unsigned op = 0; op < OP_COUNT; op++) {
		hist_reset(&hists[op]);
	}
}

static void print_run(const struct bench_run *r, const char *alloc, const char *heap,
		      const char *wl)
{
	bprintf("W alloc=%s heap=%s wl=%s ops=%lu fails=%lu corrupt=%u peak=%lu\n", alloc, heap, wl,
		(unsigned long)r->ops, (unsigned long)r->fails, r->corrupt ? 1u : 0u,
		(unsigned long)r->peak);
}

static bool fresh(struct bench_allocator *A, uint8_t *arena, size_t bytes)
{
	if (!A->reset(A, arena, bytes)) {
		bprintf("ERROR %s: reset over %lu bytes failed\n", A->name, (unsigned long)bytes);
		suite_failed = true;
		return false;
	}
	return true;
}

void suite_timing(struct bench_allocator *A, const char *heap, uint8_t *arena, size_t bytes,
		  uint32_t rounds, bool adversarial)
{
	struct bench_run r;
	bool timed = bench_timed;

	if (fresh(A, arena, bytes)) {
		reset_hists();
		run_begin(&r, A, timed ? hists : NULL);
		wl_realistic(&r, 1u, rounds, false);
		print_run(&r, A->name, heap, "realistic");
		check_run(&r, "realistic");
		print_hists(A->name, heap, "realistic");
	}
	for (unsigned w = 0; adversarial && w < bench_adversarial_count; w++) {
		if (!fresh(A, arena, bytes)) {
			continue;
		}
		reset_hists();
		run_begin(&r, A, timed ? hists : NULL);
		bench_adversarial[w].run(&r, 7u + w);
		print_run(&r, A->name, heap, bench_adversarial[w].name);
		check_run(&r, bench_adversarial[w].name);
		print_hists(A->name, heap, bench_adversarial[w].name);
	}
	bflush();
}

void suite_utilisation(struct bench_allocator *A, uint8_t *arena, size_t bytes, uint32_t seeds)
{
	for (uint32_t seed = 1u; seed <= seeds; seed++) {
		struct bench_run r;

		if (!fresh(A, arena, bytes)) {
			return;
		}
		run_begin(&r, A, NULL);
		r.stop_on_fail = true;
		wl_realistic(&r, seed, 100000u, true);
		check_run(&r, "fill");
		bprintf("U alloc=%s arena=%lu seed=%lu live=%lu blocks=%lu footprint=%lu request=%lu "
			"peak=%lu ops=%lu\n",
			A->name, (unsigned long)bytes, (unsigned long)seed,
			(unsigned long)(r.failed ? r.live_at_fail : 0u),
			(unsigned long)(r.failed ? r.blocks_at_fail : 0u),
			(unsigned long)(r.failed ? r.footprint_at_fail : 0u),
			(unsigned long)r.fail_request, (unsigned long)r.peak, (unsigned long)r.ops);
	}
	bflush();
}

/* The workload the smallest-arena search repeats: realistic, seed 1. */
static void realistic_work(struct bench_run *r, const void *arg)
{
	wl_realistic(r, 1u, *(const uint32_t *)arg, false);
}

static struct bench_slot trace_slots[BENCH_TRACE_MAX_IDS];

static void trace_work(struct bench_run *r, const void *arg)
{
	wl_trace(r, arg, trace_slots);
}

void suite_min_arena(struct bench_allocator *A, uint8_t *arena, size_t hi, uint32_t rounds,
		     const struct bench_trace *const *traces, unsigned ntraces)
{
	size_t peak;
	size_t best = bench_min_arena(A, arena, hi, realistic_work, &rounds, &peak);

	bprintf("M alloc=%s wl=realistic peak=%lu arena=%lu\n", A->name, (unsigned long)peak,
		(unsigned long)best);
	bflush();
	for (unsigned t = 0; t < ntraces; t++) {
		if (traces[t]->ids > BENCH_TRACE_MAX_IDS) {
			continue;
		}
		best = bench_min_arena(A, arena, hi, trace_work, traces[t], &peak);
		bprintf("M alloc=%s wl=trace:%s peak=%lu arena=%lu\n", A->name, traces[t]->name,
			(unsigned long)peak, (unsigned long)best);
		bflush();
	}
}

void suite_traces(struct bench_allocator *A, const char *heap, uint8_t *arena, size_t bytes,
		  const struct bench_trace *const *traces, unsigned ntraces)
{
	for (unsigned t = 0; t < ntraces; t++) {
		const struct bench_trace *tr = traces[t];
		struct bench_run r;

		if (tr->ids > BENCH_TRACE_MAX_IDS || !fresh(A, arena, bytes)) {
			bprintf("ERROR trace %s: %lu ids, room for %u\n", tr->name,
				(unsigned long)tr->ids, (unsigned)BENCH_TRACE_MAX_IDS);
			suite_failed = true;
			continue;
		}
		reset_hists();
		run_begin(&r, A, bench_timed ? hists : NULL);
		wl_trace(&r, tr, trace_slots);
		bool sum_ok = r.checksum == tr->checksum;

		if (!sum_ok) {
			suite_failed = true;
		}
		char wl[64] = "trace:";
		size_t k = 6u;

		for (const char *c = tr->name; *c != '\0' && k + 1u < sizeof(wl); c++) {
			wl[k++] = *c;
		}
		wl[k] = '\0';
		bprintf("T alloc=%s trace=%s ops=%lu fails=%lu checksum=%s\n", A->name, tr->name,
			(unsigned long)r.ops, (unsigned long)r.fails, sum_ok ? "ok" : "bad");
		print_run(&r, A->name, heap, wl);
		check_run(&r, wl);
		print_hists(A->name, heap, wl);
		bflush();
	}
}

/* Address distance between two fresh allocations of n bytes: what one
 * block of n bytes costs, header and rounding included. */
static void *raw_alloc(struct bench_allocator *A, size_t n)
{
	return (void *)(A->heap != NULL ? bench_call(A->alloc_fn, (uintptr_t)A->heap, n, A->alloc_extra)
					: bench_call(A->alloc_fn, n, 0u, 0u));
}

/* Address distance between two fresh allocations of n bytes: what one
 * block of n bytes costs, header and rounding included. */
static size_t stride_of(struct bench_allocator *A, uint8_t *arena, size_t bytes, size_t n)
{
	if (!A->reset(A, arena, bytes)) {
		return 0u;
	}
	uintptr_t a = (uintptr_t)raw_alloc(A, n);
	uintptr_t b = (uintptr_t)raw_alloc(A, n);

	if (a == 0u || b == 0u) {
		return 0u;
	}
	return b > a ? (size_t)(b - a) : (size_t)(a - b);
}

void suite_overhead(struct bench_allocator *A, uint8_t *arena, size_t bytes)
{
	/* Largest single block a fresh heap of `bytes` gives out. */
	size_t lo = 0u;
	size_t hi = bytes + 1u;

	while (hi - lo > 1u) {
		size_t mid = lo + (hi - lo) / 2u;
		if (!A->reset(A, arena, bytes)) {
			break;
		}
		if (raw_alloc(A, mid) != NULL) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	/* Per block: the smallest stride is what a 1-byte block costs; the
	 * largest request with that same stride tells the header. */
	size_t min_block = stride_of(A, arena, bytes, 1u);
	size_t n = 1u;

	while (n < 256u && stride_of(A, arena, bytes, n + 1u) == min_block) {
		n++;
	}
	bprintf("O alloc=%s arena=%lu max_single=%lu min_block=%lu per_block=%lu\n", A->name,
		(unsigned long)bytes, (unsigned long)lo, (unsigned long)min_block,
		(unsigned long)(min_block - n));
	bflush();
	A->hdr_bytes = (unsigned)(min_block - n);
}
