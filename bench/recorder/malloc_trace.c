/*
 * malloc_trace.c: an LD_PRELOAD malloc recorder for glibc hosts. It
 * forwards every call to glibc (__libc_malloc and friends) and writes one
 * line per operation in the trace format of bench/traces/README.md:
 *
 *   SYSHEAP_TRACE=out.raw LD_PRELOAD=build/bench/host/malloc_trace.so prog args
 *
 * Knobs (environment):
 *   SYSHEAP_TRACE           output file (required; nothing is recorded without it)
 *   SYSHEAP_TRACE_SKIP      operations to let pass before recording (default 0)
 *   SYSHEAP_TRACE_START_AT  record nothing until the program asks for a block
 *                           of at least this many bytes (a marker the program
 *                           sets off, e.g. Python's bytearray(1 << 20), to
 *                           skip its own start-up); default: start at once
 *   SYSHEAP_TRACE_MAX_OPS   operations to record, then stop (default 4000)
 *   SYSHEAP_TRACE_MAX_SIZE  larger requests are not recorded, nor is anything
 *                           done to those blocks later (default 4096)
 *
 * A block allocated outside the window (before SKIP, or too large) is
 * unknown: its free is dropped, and a realloc of it that lands inside the
 * size cap is recorded as a fresh allocation. realloc(NULL, n) is recorded
 * as an alloc and realloc(p, 0) as a free. Ids are the recorder's own, not
 * addresses; bench/tracetool.py seal renumbers them densely and adds the
 * checksum. The recorder never allocates, so it cannot recurse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

#define TABLE_BITS 20u
#define TABLE_SIZE (1u << TABLE_BITS)

struct entry {
	uintptr_t ptr; /* 0: empty, 1: deleted */
	uint32_t id;
};

static struct entry table[TABLE_SIZE];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int busy;
static int fd = -1;
static int state; /* 0: not started, 1: recording, 2: off */
static unsigned long skip, max_ops = 4000u, max_size = 4096u, seen, recorded, start_at;
static uint32_t next_id;
static char buf[1 << 16];
static size_t used;

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? strtoul(v, NULL, 0) : dflt;
}

static void flush_buf(void)
{
	size_t off = 0u;

	while (off < used) {
		ssize_t n = write(fd, buf + off, used - off);

		if (n <= 0) {
			break;
		}
		off += (size_t)n;
	}
	used = 0u;
}

static void finish(void)
{
	if (fd >= 0) {
		flush_buf();
		close(fd);
		fd = -1;
	}
	state = 2;
}

__attribute__((destructor)) static void at_exit(void)
{
	pthread_mutex_lock(&lock);
	finish();
	pthread_mutex_unlock(&lock);
}

static void start(void)
{
	const char *path = getenv("SYSHEAP_TRACE");

	state = 2;
	if (path == NULL || *path == '\0') {
		return;
	}
	skip = env_ul("SYSHEAP_TRACE_SKIP", 0u);
	max_ops = env_ul("SYSHEAP_TRACE_MAX_OPS", 4000u);
	max_size = env_ul("SYSHEAP_TRACE_MAX_SIZE", 4096u);
	start_at = env_ul("SYSHEAP_TRACE_START_AT", 0u);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		state = 1;
	}
	/* Only this process is recorded: a child would truncate the file. */
	unsetenv("LD_PRELOAD");
}

__attribute__((constructor)) static void at_start(void)
{
	pthread_mutex_lock(&lock);
	if (state == 0) {
		start();
	}
	pthread_mutex_unlock(&lock);
}

static uint32_t slot_of(uintptr_t p)
{
	return (uint32_t)((p >> 4) * 2654435761u) & (TABLE_SIZE - 1u);
}

static struct entry *lookup(uintptr_t p)
{
	for (uint32_t i = slot_of(p), n = 0; n < TABLE_SIZE; i = (i + 1u) & (TABLE_SIZE - 1u), n++) {
		if (table[i].ptr == p) {
			return &table[i];
		}
		if (table[i].ptr == 0u) {
			return NULL;
		}
	}
	return NULL;
}

static void insert(uintptr_t p, uint32_t id)
{
	for (uint32_t i = slot_of(p);; i = (i + 1u) & (TABLE_SIZE - 1u)) {
		if (table[i].ptr <= 1u) {
			table[i].ptr = p;
			table[i].id = id;
			return;
		}
	}
}

static void put_ul(unsigned long v)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v != 0u);
	while (i > 0) {
		buf[used++] = tmp[--i];
	}
}

/* One line: kind, then up to three numbers (n of them). */
static void emit(char kind, int n, unsigned long a, unsigned long b, unsigned long c)
{
	if (used > sizeof(buf) - 128u) {
		flush_buf();
	}
	buf[used++] = kind;
	unsigned long v[3] = { a, b, c };

	for (int i = 0; i < n; i++) {
		buf[used++] = ' ';
		put_ul(v[i]);
	}
	buf[used++] = '\n';
	if (++recorded >= max_ops) {
		finish();
	}
}

/* Whether to record this call; takes the lock when it returns 1. `bytes`
 * is the request, for the START_AT marker. */
static int enter_sized(size_t bytes)
{
	if (busy || state == 2) {
		return 0;
	}
	busy = 1;
	pthread_mutex_lock(&lock);
	if (state == 0) {
		start();
	}
	if (state == 1 && start_at != 0u) {
		if (bytes < start_at) {
			pthread_mutex_unlock(&lock);
			busy = 0;
			return 0;
		}
		start_at = 0u; /* the marker itself is above max_size: not recorded */
	}
	if (state != 1 || seen++ < skip) {
		pthread_mutex_unlock(&lock);
		busy = 0;
		return 0;
	}
	return 1;
}

static int enter(void)
{
	return enter_sized(0u);
}

static void leave(void)
{
	pthread_mutex_unlock(&lock);
	busy = 0;
}

static void note_new(void *p, char kind, unsigned long a, unsigned long b, size_t bytes)
{
	if (p == NULL || bytes > max_size || bytes == 0u) {
		return;
	}
	uint32_t id = next_id++;

	insert((uintptr_t)p, id);
	if (kind == 'a') {
		emit('a', 2, id, bytes, 0u);
	} else {
		emit(kind, 3, id, a, b);
	}
}

static void note_gone(void *p)
{
	struct entry *e = p != NULL ? lookup((uintptr_t)p) : NULL;

	if (e != NULL) {
		emit('f', 1, e->id, 0u, 0u);
		e->ptr = 1u;
	}
}

void *malloc(size_t n)
{
	void *p = __libc_malloc(n);

	if (enter_sized(n)) {
		note_new(p, 'a', 0u, 0u, n);
		leave();
	}
	return p;
}

void free(void *p)
{
	if (p != NULL && enter()) {
		note_gone(p);
		leave();
	}
	__libc_free(p);
}

void *calloc(size_t nmemb, size_t size)
{
	void *p = __libc_calloc(nmemb, size);

	if (enter_sized(size != 0u && nmemb > SIZE_MAX / size ? SIZE_MAX : nmemb * size)) {
		if (size == 0u || nmemb <= max_size / size) {
			note_new(p, 'c', nmemb, size, nmemb * size);
		}
		leave();
	}
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p = __libc_realloc(old, n);

	if (!enter_sized(n)) {
		return p;
	}
	if (old == NULL) {
		note_new(p, 'a', 0u, 0u, n);
	} else if (n == 0u) {
		note_gone(old);
	} else if (p != NULL) {
		struct entry *e = lookup((uintptr_t)old);

		if (e == NULL) {
			note_new(p, 'a', 0u, 0u, n);
		} else if (n > max_size) {
			emit('f', 1, e->id, 0u, 0u);
			e->ptr = 1u;
		} else {
			uint32_t id = e->id;

			if (p != old) {
				e->ptr = 1u;
				insert((uintptr_t)p, id);
			}
			emit('r', 2, id, n, 0u);
		}
	}
	leave();
	return p;
}

void *memalign(size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	if (enter_sized(n)) {
		note_new(p, 'm', align, n, n);
		leave();
	}
	return p;
}

void *aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1u)) != 0u) {
		return EINVAL;
	}
	void *p = memalign(align, n);

	if (p == NULL) {
		return ENOMEM;
	}
	*out = p;
	return 0;
}

void *valloc(size_t n)
{
	return memalign((size_t)sysconf(_SC_PAGESIZE), n);
}
