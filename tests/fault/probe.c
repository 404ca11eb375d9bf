/*
 * probe.c: host-only probes of the edges of the hardening contract, the
 * cases tests/fault/fault_test.c does not inject because a level that
 * promises them would corrupt memory when it misses them. Each case runs in
 * a forked child, so a crash is a result, not the end of the probe:
 *
 *   free(x) KIND                      that free was reported (first kind)
 *   free(x) silent, heap valid        no report, sys_heap_validate() passes
 *   free(x) SILENT, HEAP NOW CORRUPT  no report, and the heap is now
 *                                     inconsistent: the miss that matters
 *   CRASH (signal N)                  the child died
 *
 * `make fault-probe` prints the table for levels 1..4 (host, 64- and
 * 32-bit). It is not a pass/fail test: it documents what each level does
 * with these inputs (docs/hardening.md, "Limits").
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys_heap.h"

#define HEAP_BYTES 2048u

static _Alignas(16) uint8_t arena[HEAP_BYTES];
static struct sys_heap heap;
static unsigned calls;
static enum sys_heap_error first;

static const char *const kind_names[] = {
	"?",           "FOREIGN_POINTER", "DOUBLE_FREE",    "CORRUPT_HEADER",
	"GUARD_HEADER", "CANARY",          "USE_AFTER_FREE", "CORRUPT_HEAP",
};

static void hook(struct sys_heap *h, void *mem, enum sys_heap_error e, void *caller)
{
	(void)h;
	(void)mem;
	(void)caller;
	if (calls++ == 0u) {
		first = e;
	}
}

/* What each freeing step of a case came to, e.g.
 * "free(a) silent, heap now corrupt; free(b) DOUBLE_FREE". */
static char steps[160];

static void step(const char *what, void *mem)
{
	unsigned before = calls;
	size_t len = strlen(steps);

	sys_heap_free(&heap, mem);
	snprintf(steps + len, sizeof(steps) - len, "%s%s %s", len != 0u ? "; " : "", what,
		 calls != before ? kind_names[first & 7u]
		 : sys_heap_validate(&heap) ? "silent, heap valid" : "SILENT, HEAP NOW CORRUPT");
	if (calls != before) {
		calls = 0u;
	}
}

static void fresh(void)
{
	memset(arena, 0x3c, sizeof(arena));
	sys_heap_init(&heap, arena, sizeof(arena));
	sys_heap_set_error_hook(&heap, hook);
	calls = 0u;
	steps[0] = '\0';
}

/* Three neighbours a | b | c, a sized so its usable bytes end right where
 * b's chunk begins (no slack, no canary room beyond `tail`). */
struct trio {
	uint8_t *a, *b, *c;
	size_t a_end; /* offset from a of the first byte past a's chunk */
};

static int make_trio(struct trio *t, size_t bytes)
{
	t->a = sys_heap_alloc(&heap, bytes);
	t->b = sys_heap_alloc(&heap, 40u);
	t->c = sys_heap_alloc(&heap, 40u);
	if (t->a == NULL || t->b == NULL || t->c == NULL) {
		return -1;
	}
	/* b's chunk header sits right before b's memory, at the end of a's
	 * chunk: mem_offset bytes before b (that includes guard prefixes). */
	t->a_end = (size_t)(t->b - t->a) - heap.heap->mem_offset;
	return 0;
}

/* Case 1: the first byte past a's chunk (the low byte of b's size-and-used
 * field) loses its used bit. Then a is freed, then b. */
static int case_used_bit_then_free_a(void)
{
	struct trio t;

	fresh();
	if (make_trio(&t, 60u) != 0) {
		return -1;
	}
	t.a[t.a_end] &= 0xfeu;
	step("free(a)", t.a);
	step("free(b)", t.b);
	return 0;
}

/* Case 2: the same byte, then only c (b's right neighbour) is freed: its
 * left neighbour b now reads as free. */
static int case_used_bit_then_free_c(void)
{
	struct trio t;

	fresh();
	if (make_trio(&t, 60u) != 0) {
		return -1;
	}
	t.a[t.a_end] &= 0xfeu;
	step("free(c)", t.c);
	return 0;
}

/* Case 3: the first byte past a's chunk zeroed (b's size field's low byte:
 * size and used bit both change). a freed, then b. */
static int case_size_byte_zero(void)
{
	struct trio t;

	fresh();
	if (make_trio(&t, 60u) != 0) {
		return -1;
	}
	t.a[t.a_end] = 0u;
	step("free(a)", t.a);
	step("free(b)", t.b);
	return 0;
}

/* Case 4: a contiguous overflow from the end of the request through that
 * byte: every byte in between changed too (with guards: the canary). */
static int case_contiguous(void)
{
	struct trio t;

	fresh();
	if (make_trio(&t, 60u) != 0) {
		return -1;
	}
	for (size_t i = 60u; i < t.a_end; i++) {
		t.a[i] ^= 0x80u;
	}
	t.a[t.a_end] &= 0xfeu;
	step("free(a)", t.a);
	step("free(b)", t.b);
	return 0;
}

/* Case 5: a pointer 16 bytes into a live 64-byte block whose contents
 * happen to look like a chain of chunk headers (say, a copy of heap
 * memory): a fake used chunk F of 2 units at mem + 16, its left
 * neighbour a fake 1-unit chunk, its right neighbour's left_size 2. */
static void put_field(uint8_t *chunk, unsigned f, uint32_t v)
{
	if (sizeof(void *) > 4u || heap.heap->big != 0u) {
		memcpy(chunk + 4u * f, &v, 4u);
	} else {
		uint16_t v16 = (uint16_t)v;

		memcpy(chunk + 2u * f, &v16, 2u);
	}
}

static int case_interior_fake_headers(void)
{
	fresh();
	uint8_t *a = sys_heap_alloc(&heap, 64u);

	if (a == NULL || sys_heap_alloc(&heap, 64u) == NULL) {
		return -1;
	}
	uint8_t *chunk_a = a - heap.heap->mem_offset;

	put_field(chunk_a + 8u, 0u, (1u << 1) | 1u);  /* Y = A+1: used, 1 unit */
	put_field(chunk_a + 16u, 0u, (2u << 1) | 1u); /* F = A+2: used, 2 units */
	put_field(chunk_a + 16u, 1u, 1u);             /*   left_size 1 (Y) */
	put_field(chunk_a + 32u, 0u, (1u << 1) | 1u); /* A+4: used */
	put_field(chunk_a + 32u, 1u, 2u);             /*   left_size 2 (F) */
	step("free(a + 16)", a + 16u);
	return 0;
}

struct probe {
	const char *name;
	int (*run)(void);
};

static const struct probe probes[] = {
	{ "next header's used bit cleared; free(a), free(b)", case_used_bit_then_free_a },
	{ "next header's used bit cleared; free(c)", case_used_bit_then_free_c },
	{ "next header's size byte zeroed; free(a), free(b)", case_size_byte_zero },
	{ "contiguous overflow to the used bit; free(a), free(b)", case_contiguous },
	{ "interior pointer into fake headers; free(a + 16)", case_interior_fake_headers },
};

int main(void)
{
	printf("probe at SYS_HEAP_HARDENING=%d, %u-bit\n", SYS_HEAP_HARDENING,
	       (unsigned)(8u * sizeof(void *)));
	for (size_t i = 0u; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int fds[2];

		if (pipe(fds) != 0) {
			return 2;
		}
		(void)fflush(stdout);
		pid_t pid = fork();

		if (pid == 0) {
			char out[sizeof(steps)];
			int r = probes[i].run();

			if (r != 0) {
				snprintf(out, sizeof(out), "setup failed");
			} else {
				snprintf(out, sizeof(out), "%s", steps);
			}
			(void)write(fds[1], out, strlen(out) + 1u);
			_exit(0);
		}
		char result[sizeof(steps)] = "";
		int status = 0;

		close(fds[1]);
		ssize_t n = read(fds[0], result, sizeof(result) - 1u);

		close(fds[0]);
		(void)waitpid(pid, &status, 0);
		if (WIFSIGNALED(status) || n <= 0) {
			snprintf(result, sizeof(result), "CRASH (signal %d)",
				 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		}
		printf("probe|%d|%u|%s|%s\n", SYS_HEAP_HARDENING, (unsigned)(8u * sizeof(void *)),
		       probes[i].name, result);
	}
	return 0;
}
