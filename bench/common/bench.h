/*
 * bench.h: the portable half of the benchmark suite. The same workloads,
 * statistics and output run in QEMU firmware (bench/fw) and on the host
 * (bench/host); only bench_call() and bench_write() differ.
 *
 * An allocator under test is a struct bench_allocator: four function
 * pointers, called exactly as a user calls them (sys_heap_alloc(heap, n),
 * malloc(n), ...), so what is measured is the allocator's own entry point
 * and nothing of ours.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Platform hooks.                                                     */

/*
 * Call fn(a0, a1, a2) and return its result. On firmware it is an
 * assembly trampoline that reads the cycle/tick counter right before the
 * call and right after it; bench_elapsed() turns the two readings into
 * instructions (QEMU -icount) or cycles (a real board). On the host it is
 * a plain call, and callgrind does the counting.
 */
uintptr_t bench_call(void *fn, uintptr_t a0, uintptr_t a1, uintptr_t a2);

/* Cost of the last bench_call() in the platform's unit (0 on the host). */
uint32_t bench_elapsed(void);

/* Console output. */
void bench_write(const char *buf, size_t len);

/* End of a measured run: the host dumps callgrind's counters here, named
 * after the run, so each workload gets its own costs. Firmware: nothing. */
void bench_mark(const char *label);

/* ------------------------------------------------------------------ */
/* Output: a small printf (%s %c %d %u %lu %llu %zu %x %%), buffered.    */

void bprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bflush(void);

/* ------------------------------------------------------------------ */
/* Allocators.                                                          */

enum bench_op { OP_ALLOC, OP_FREE, OP_ALIGNED, OP_REALLOC, OP_COUNT };

extern const char *const bench_op_names[OP_COUNT];

struct bench_allocator {
	const char *name;
	/* Non-NULL: passed as the first argument of every call (sys_heap). */
	void *heap;
	void *alloc_fn;        /* (heap,) bytes [, alloc_extra] */
	uintptr_t alloc_extra; /* sys_heap_alloc_effort's effort */
	void *free_fn;         /* (heap,) ptr */
	void *aligned_fn;      /* (heap,) align, bytes */
	void *realloc_fn;      /* (heap,) ptr, bytes */
	/* Start over with an empty heap in [arena, arena + bytes). */
	bool (*reset)(struct bench_allocator *a, void *arena, size_t bytes);
	/* Full structural check, or NULL. Used by the replayer's check mode. */
	bool (*validate)(struct bench_allocator *a);
	/* Bytes the live blocks take from the arena, headers, guards and
	 * rounding included (the allocator's own statistics), or NULL when
	 * the allocator cannot tell. Called untimed, at a first failure. */
	size_t (*footprint)(struct bench_allocator *a);
	/* Bytes of the header in front of each block, for the adversarial
	 * workloads that aim at size-class boundaries. */
	unsigned hdr_bytes;
};

/* ------------------------------------------------------------------ */
/* Latency histograms: exact below HIST_EXACT, then HIST_SUB log-linear  */
/* bins per power of two (the max is always exact).                     */

#ifndef HIST_EXACT
#define HIST_EXACT 4096u
#endif
#define HIST_SUB 32u
#ifndef HIST_OCTAVES
#define HIST_OCTAVES 20u
#endif

struct bench_hist {
	uint32_t n;
	uint32_t min;
	uint32_t max;
	uint64_t sum;
	uint32_t exact[HIST_EXACT];
	uint32_t log[HIST_OCTAVES * HIST_SUB];
};

void hist_reset(struct bench_hist *h);
void hist_add(struct bench_hist *h, uint32_t v);
/* Nearest-rank percentile, per mille (500 = median, 990 = p99). */
uint32_t hist_percentile(const struct bench_hist *h, uint32_t permille);
/* "H key n=.. min=.. p50=.. p99=.. max=.. bins=v:c,..." */
void hist_print(const struct bench_hist *h, const char *key);

/* ------------------------------------------------------------------ */
/* Runs.                                                                */

struct bench_run {
	struct bench_allocator *A;
	struct bench_hist *hist; /* OP_COUNT histograms, or NULL: untimed */
	bool check;              /* validate after every op (slow) */
	bool stop_on_fail;       /* stop at the first failed allocation */
	/* Results. */
	uint32_t ops;
	uint32_t fails;
	bool failed;
	bool corrupt;            /* a content check or validate failed */
	size_t live;             /* requested bytes live now */
	size_t peak;             /* ... and at most */
	uint32_t blocks;         /* live blocks now */
	size_t live_at_fail;     /* requested bytes live at the first failure */
	uint32_t blocks_at_fail; /* ... in this many blocks */
	size_t footprint_at_fail; /* ... taking this many bytes (0: unknown) */
	size_t fail_request;     /* the request that failed first */
	uint32_t checksum;       /* trace replay: FNV-1a of the ops */
	/* Trace replay: called after every op (index i), untimed; NULL: none.
	 * The heap-sizing oracle (bench/host/oracle.c) watches the heap here. */
	void (*after_op)(struct bench_run *r, uint32_t i, void *ctx);
	void *after_op_ctx;
};

void run_begin(struct bench_run *r, struct bench_allocator *A, struct bench_hist *hist);

/* The realistic workload: sizes 4..512 bytes, log-uniform (biased
 * small); rounds that fill to 32..160 live blocks with 6% aligned allocs
 * and 10% reallocs, then free the round's blocks in random order. One in
 * eight blocks is kept across rounds: for 1..16 rounds in timing mode, for
 * ever in fill mode (which runs until the first failure). */
void wl_realistic(struct bench_run *r, uint32_t seed, uint32_t rounds, bool fill);

/* Adversarial workloads, each aimed at a known worst case. */
void wl_holes(struct bench_run *r, uint32_t holes, uint32_t seed);
void wl_near_miss(struct bench_run *r, uint32_t seed);
void wl_split_merge(struct bench_run *r, uint32_t seed);
void wl_realloc(struct bench_run *r, uint32_t seed);
void wl_aligned(struct bench_run *r, uint32_t seed);

struct bench_workload {
	const char *name;
	void (*run)(struct bench_run *r, uint32_t seed);
	const char *what;
};
extern const struct bench_workload bench_adversarial[];
extern const unsigned bench_adversarial_count;

/* ------------------------------------------------------------------ */
/* Traces (bench/traces/README.md has the text format).                  */

enum trace_kind { TR_ALLOC = 'a', TR_CALLOC = 'c', TR_MEMALIGN = 'm', TR_REALLOC = 'r', TR_FREE = 'f' };

struct trace_op {
	uint8_t kind;  /* enum trace_kind */
	uint8_t align_log2; /* memalign only */
	uint16_t id;
	uint32_t size; /* bytes; calloc: nmemb * size */
	uint32_t nmemb; /* calloc only (the checksum covers it) */
};

struct bench_trace {
	const char *name;
	const struct trace_op *ops;
	uint32_t count;
	uint32_t ids;      /* ids are 0..ids-1 */
	uint32_t checksum; /* FNV-1a 32 of the canonical op lines */
};

/* FNV-1a over one op's canonical line ("a 3 100\n"). */
uint32_t trace_hash_op(uint32_t h, const struct trace_op *op);
#define TRACE_HASH_INIT 0x811c9dc5u

/* Replay a trace; slots is scratch for tr->ids entries. Frees whatever
 * is still live at the end (untimed). Sets r->checksum. */
struct bench_slot;
void wl_trace(struct bench_run *r, const struct bench_trace *tr, struct bench_slot *slots);

struct bench_slot {
	void *p;
	uint32_t size;
	uint16_t tag;
	uint16_t until; /* realistic: round when a kept block goes */
};

/* ------------------------------------------------------------------ */
/* Smallest arena that completes a workload: binary search in 8-byte
 * steps. `work` runs one complete workload on a fresh heap. Returns 0 if
 * even `hi` bytes do not suffice; *peak gets the workload's peak live
 * requested bytes. */
typedef void (*bench_work_fn)(struct bench_run *r, const void *arg);
size_t bench_min_arena(struct bench_allocator *A, uint8_t *arena, size_t hi, bench_work_fn work,
		       const void *arg, size_t *peak);

#endif /* BENCH_H */
