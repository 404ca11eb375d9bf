/*
 * hardening.c: the checks behind SYS_HEAP_HARDENING. The pointer check of
 * free and realloc (BASIC), the guard prefix and canary (GUARDS), and the
 * poison fill (POISON). Detection only ever reports and refuses; it never
 * repairs, so a corrupt block is not merged into its neighbours.
 */
#include "hardening.h"

__attribute__((weak)) void sys_heap_default_error_hook(struct sys_heap *heap, void *mem,
						       enum sys_heap_error error, void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
}

void sys_heap_set_error_hook(struct sys_heap *heap, sys_heap_error_hook_t hook)
{
	if (heap != NULL && heap->heap != NULL) {
		heap->heap->error_hook = hook;
	}
}

chunkid_t z_sysheap_report(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			   void *caller)
{
	sys_heap_error_hook_t hook = heap->heap->error_hook;

	(hook != NULL ? hook : sys_heap_default_error_hook)(heap, mem, error, caller);
	return 0u;
}

#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
static bool header_poisoned(const struct z_heap *h, chunkid_t c)
{
#if HARDENING_POISON
	const uint8_t *header = chunk_addr(h, c);

	return z_sysheap_poison_intact(header, header + chunk_header_bytes(h));
#else
	(void)h;
	(void)c;
	return false;
#endif
}

/* Prove `mem` is the start of a live block of this heap before anything
 * trusts its header. Every read stays inside the heap, whatever `mem` is. */
static chunkid_t checked_live_chunk(struct sys_heap *heap, void *mem, void *caller)
{
	struct z_heap *h = heap->heap;
	uintptr_t addr = (uintptr_t)mem;
	uintptr_t lowest = (uintptr_t)chunk_mem(h, first_chunk(h));
	uintptr_t limit = (uintptr_t)chunk_mem(h, h->end_chunk);
	uintptr_t granule_bytes = (uintptr_t)CHUNK_UNIT << h->granule_shift;

	if (addr < lowest || addr >= limit || ((addr - lowest) & (granule_bytes - 1u)) != 0u) {
		return z_sysheap_report(heap, mem, SYS_HEAP_ERR_FOREIGN_POINTER, caller);
	}
	chunkid_t c = mem_to_chunk(h, mem);
	chunksz_t size = chunk_size(h, c);
	bool size_sane = size >= min_chunk_size(h) && size <= h->end_chunk - c;

	/* A free header with a plausible size, or a poisoned one, is memory
	 * that was freed already; anything else implausible is damage or a
	 * pointer into the middle of a block. */
	if ((!chunk_used(h, c) && size_sane) || header_poisoned(h, c)) {
		return z_sysheap_report(heap, mem, SYS_HEAP_ERR_DOUBLE_FREE, caller);
	}
	chunksz_t left = left_size(h, c);

	if (!chunk_used(h, c) || !size_sane || left_size(h, c + size) != size || left > c ||
	    right_chunk(h, c - left) != c) {
		return z_sysheap_report(heap, mem, SYS_HEAP_ERR_CORRUPT_HEADER, caller);
	}
#if HARDENING_GUARDS
	enum sys_heap_error error;

	if (!z_sysheap_guards_intact(h, c, &error)) {
		return z_sysheap_report(heap, mem, error, caller);
	}
#endif
	return c;
}
#endif

chunkid_t z_sysheap_live_chunk(struct sys_heap *heap, void *mem, void *caller)
{
	if (heap == NULL || heap->heap == NULL) {
		return 0u;
	}
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
	/* The block's own check first: it names the error more precisely
	 * than the whole-heap check of level FULL would. */
	chunkid_t c = checked_live_chunk(heap, mem, caller);

	return (c != 0u && heap_entry_ok(heap, caller)) ? c : 0u;
#else
	return mem_to_chunk(heap->heap, mem);
#endif
}

#if HARDENING_GUARDS
/* Murmur3's finaliser: every input bit moves every output bit. */
static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

uint32_t z_sysheap_default_guard_key(const struct z_heap *h)
{
	return mix32((uint32_t)(uintptr_t)h ^ 0x5bd1e995u) | 1u;
}

static uint32_t guard_check_word(const struct z_heap *h, chunkid_t c, size_t requested)
{
	return mix32(h->guard_key ^ (c * 0x9e3779b1u) ^ (uint32_t)requested);
}

/* Canary bytes come from the key, one key byte per address mod 4. Forced
 * odd and below 0x80 so neither a zero fill nor a 0xff fill matches. */
static uint8_t canary_byte(const struct z_heap *h, const uint8_t *at)
{
	uint32_t shift = (uint32_t)((uintptr_t)at & 3u) * 8u;

	return (uint8_t)(((h->guard_key >> shift) & 0x7eu) | 1u);
}

bool z_sysheap_guards_intact(const struct z_heap *h, chunkid_t c, enum sys_heap_error *error)
{
	const uint8_t *mem = chunk_mem(h, c);
	const struct block_prefix *p = (const struct block_prefix *)mem - 1;
	const uint8_t *end = chunk_addr(h, right_chunk(h, c));

	if (p->requested > (size_t)(end - mem) - BLOCK_TAIL_BYTES ||
	    p->check != guard_check_word(h, c, p->requested)) {
		*error = SYS_HEAP_ERR_GUARD_HEADER;
		return false;
	}
	for (const uint8_t *at = mem + p->requested; at < end; at++) {
		if (*at != canary_byte(h, at)) {
			*error = SYS_HEAP_ERR_CANARY;
			return false;
		}
	}
	return true;
}
#endif

#if BLOCK_HAS_PREFIX
void *z_sysheap_block_arm(struct z_heap *h, chunkid_t c, size_t bytes, void *caller,
			  const struct sys_heap_site *site)
{
	uint8_t *mem = chunk_mem(h, c);
	struct block_prefix *p = (struct block_prefix *)(void *)mem - 1;

#if SYS_HEAP_TRACE_CALLERS
	p->caller = caller;
	p->site = site;
#else
	(void)caller;
	(void)site;
#endif
#if HARDENING_GUARDS
	uint8_t *end = chunk_addr(h, right_chunk(h, c));

	p->requested = bytes;
	p->check = guard_check_word(h, c, bytes);
	for (uint8_t *at = mem + bytes; at < end; at++) {
		*at = canary_byte(h, at);
	}
#else
	(void)bytes;
#endif
	return mem;
}
#endif

#if HARDENING_POISON
void z_sysheap_poison(uint8_t *from, uint8_t *to)
{
	if (from < to) {
		__builtin_memset(from, (int)POISON_BYTE, (size_t)(to - from));
	}
}

bool z_sysheap_poison_intact(const uint8_t *from, const uint8_t *to)
{
	for (const uint8_t *at = from; at < to; at++) {
		if (*at != POISON_BYTE) {
			return false;
		}
	}
	return true;
}
#endif
