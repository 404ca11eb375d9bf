/*
 * hardening.c: the checks behind SYS_HEAP_HARDENING. The pointer check of
 * free and realloc (BASIC), the guard prefix and canary (GUARDS), and the
 * poison fill (POISON). Detection only ever reports and refuses; it never
 * repairs, so a corrupt block is not merged into its neighbours.
 */
#include "hardening.h"

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

	heap->error_count++;
	(hook != NULL ? hook : sys_heap_default_error_hook)(heap, mem, error, caller);
	return 0u;
}

chunkid_t z_sysheap_live_chunk(struct sys_heap *heap, void *mem, void *caller)
{
	return z_sysheap_check_block(heap, mem, caller, false);
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

	(void)p; /* the owner alone (heap_owner.c) leaves it unused */
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
