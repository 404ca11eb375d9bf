/*
 * heap_owner.c: owners and quotas (SYS_HEAP_OWNERS). Each live block
 * names its owner in its prefix; the caller's table keeps every owner's
 * bytes, peak and limit, so each step here is O(1). The hot path calls in
 * three places only: admit before the search, charge when a block is
 * handed out, release when it is freed. A heap with no table charges
 * nobody and every block names owner 0.
 */
#include "hardening.h"

#if SYS_HEAP_OWNERS
static struct block_prefix *prefix_of(const struct z_heap *h, chunkid_t c)
{
	return (struct block_prefix *)chunk_mem(h, c) - 1;
}

/* The owner of this call: sys_heap_alloc_owned()'s, else the hook's. */
static uint32_t current_owner(const struct sys_heap_owners *t)
{
	uint32_t owner = 0u;

	if (t->call_owner != 0u) {
		owner = t->call_owner - 1u;
	} else if (t->hook != NULL) {
		owner = t->hook(t->ctx);
	}
	return (owner < SYS_HEAP_OWNERS) ? owner : 0u;
}

static bool within_limit(const struct sys_heap_owners *t, uint32_t owner, chunksz_t size)
{
	size_t limit = t->limit[owner];

	return limit == 0u ||
	       (t->bytes[owner] <= limit && chunk_bytes(size) <= limit - t->bytes[owner]);
}

bool z_sysheap_owner_admit(struct sys_heap *heap, chunksz_t size, size_t bytes, size_t align,
			   void *caller)
{
	struct sys_heap_owners *t = heap->heap->owners;

	if (t == NULL) {
		return true;
	}
	uint32_t owner = current_owner(t);

	t->alloc_owner = owner;
	if (within_limit(t, owner, size)) {
		return true;
	}
	/* Over quota: the OOM hook may free some of the owner's blocks and
	 * ask once more. */
	return z_sysheap_oom_ask(heap, bytes, align, caller, SYS_HEAP_OOM_QUOTA) &&
	       within_limit(t, owner, size);
}

uint32_t z_sysheap_owner_of_call(const struct z_heap *h)
{
	return (h->owners != NULL) ? h->owners->alloc_owner : 0u;
}

void z_sysheap_owner_charge(struct z_heap *h, chunkid_t c, uint32_t owner)
{
	struct sys_heap_owners *t = h->owners;

	prefix_of(h, c)->owner = owner;
	if (t != NULL) {
		size_t held = t->bytes[owner] + chunk_bytes(chunk_size(h, c));

		t->bytes[owner] = held;
		if (held > t->peak[owner]) {
			t->peak[owner] = held;
		}
	}
}

uint32_t z_sysheap_owner_release(struct z_heap *h, chunkid_t c)
{
	uint32_t owner = (uint32_t)prefix_of(h, c)->owner;

	if (h->owners != NULL) {
		h->owners->bytes[owner] -= chunk_bytes(chunk_size(h, c));
	}
	return owner;
}

/* The table of a formatted heap, or NULL. */
static struct sys_heap_owners *table_of(struct sys_heap *heap)
{
	return (heap != NULL && heap->heap != NULL) ? heap->heap->owners : NULL;
}

int sys_heap_owners_attach(struct sys_heap *heap, struct sys_heap_owners *table)
{
	if (heap == NULL || heap->heap == NULL || table == NULL || heap->heap->owners != NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
#if SYS_HEAP_STATS
	if (heap->heap->allocated_bytes != 0u) {
		return SYS_HEAP_ERR_INVALID;
	}
#endif
	__builtin_memset(table, 0, sizeof(*table));
	heap->heap->owners = table;
	return 0;
}

void *sys_heap_alloc_owned(struct sys_heap *heap, size_t bytes, uint32_t owner)
{
	struct sys_heap_owners *t = table_of(heap);

	if (t == NULL || owner >= SYS_HEAP_OWNERS) {
		/* Unformatted heaps still get their report from alloc. */
		return (heap == NULL || heap->heap == NULL) ? sys_heap_alloc(heap, bytes) : NULL;
	}
	t->call_owner = owner + 1u;
	void *mem = sys_heap_alloc(heap, bytes);

	t->call_owner = 0u;
	return mem;
}

int sys_heap_set_owner_hook(struct sys_heap *heap, sys_heap_owner_hook_t hook, void *ctx)
{
	struct sys_heap_owners *t = table_of(heap);

	if (t == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
	t->hook = hook;
	t->ctx = ctx;
	return 0;
}

int sys_heap_owner_stats_get(struct sys_heap *heap, uint32_t owner,
			     struct sys_heap_owner_stats *stats)
{
	const struct sys_heap_owners *t = table_of(heap);

	if (t == NULL || owner >= SYS_HEAP_OWNERS || stats == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
	stats->bytes = t->bytes[owner];
	stats->peak_bytes = t->peak[owner];
	stats->limit_bytes = t->limit[owner];
	return 0;
}

int sys_heap_owner_set_limit(struct sys_heap *heap, uint32_t owner, size_t limit_bytes)
{
	struct sys_heap_owners *t = table_of(heap);

	if (t == NULL || owner >= SYS_HEAP_OWNERS) {
		return SYS_HEAP_ERR_INVALID;
	}
	t->limit[owner] = limit_bytes;
	t->peak[owner] = t->bytes[owner];
	return 0;
}

uint32_t sys_heap_get_owner(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return SYS_HEAP_OWNERS;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, __builtin_return_address(0));

	return (c != 0u) ? (uint32_t)prefix_of(heap->heap, c)->owner : SYS_HEAP_OWNERS;
}
#endif
