/*
 * hardening.h: what each SYS_HEAP_HARDENING level and SYS_HEAP_TRACE_CALLERS
 * add to a block, and the hooks the hot path calls. Everything here
 * compiles to nothing at the levels that do not need it, so level 0 is the
 * same code as a build without hardening.
 *
 * With guards or tracing, every block carries a prefix between its chunk
 * header and the memory handed out:
 *
 *   [chunk header][caller][site][requested][check] | user memory | canary...
 *                 `-- tracing --'`------ guards ----'               `- guards
 *
 * `check` is a keyed hash of the chunk id and the requested size, so
 * neither stale data nor another heap's guard passes for it. The canary
 * fills every byte from the end of the request to the end of the chunk.
 */
#ifndef SYSHEAP_HARDENING_H
#define SYSHEAP_HARDENING_H

#include "chunk.h"
#include "stats.h"

#define HARDENING_GUARDS (SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_GUARDS)
#define HARDENING_POISON (SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_POISON)
#define HARDENING_FULL (SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_FULL)
#define BLOCK_HAS_PREFIX (HARDENING_GUARDS || SYS_HEAP_TRACE_CALLERS || SYS_HEAP_OWNERS)

#if BLOCK_HAS_PREFIX
struct block_prefix {
#if SYS_HEAP_OWNERS
	size_t owner; /* heap_owner.c */
#endif
#if SYS_HEAP_TRACE_CALLERS
	void *caller;
	const struct sys_heap_site *site;
#endif
#if HARDENING_GUARDS
	size_t requested;
#if UINTPTR_MAX > 0xffffffffu
	uint32_t unused; /* keeps `check` right against the memory */
#endif
	uint32_t check; /* last, so any underflow hits it first */
#endif
};
_Static_assert(sizeof(struct block_prefix) <= BLOCK_PREFIX_BYTES, "prefix fits its room");
#if HARDENING_GUARDS
_Static_assert(offsetof(struct block_prefix, check) + sizeof(uint32_t) ==
		       sizeof(struct block_prefix),
	       "the check word ends where the memory begins");
#endif
#endif

/* Fill byte of free memory at level POISON. */
#define POISON_BYTE 0xa5u

/* Free chunks keep their header and two links; what follows is poisoned. */
SYSHEAP_INLINE size_t chunk_meta_bytes(const struct z_heap *h)
{
	return 2u * chunk_header_bytes(h);
}

/* Report a misuse to the heap's error hook. Returns 0, the "no chunk"
 * value, so checks can `return z_sysheap_report(...)`. */
chunkid_t z_sysheap_report(struct sys_heap *heap, void *mem, enum sys_heap_error error,
			   void *caller);

/* A call on a heap with no formatted descriptor: when it has a region (a
 * SYS_HEAP_DEFINE heap whose startup never ran sys_heap_init_all()),
 * count and report SYS_HEAP_ERR_UNFORMATTED to the default hook (with no
 * caller: the heap's name says what was forgotten). Returns
 * NULL, what the call returns (unformatted.c). */
void *z_sysheap_unformatted(struct sys_heap *heap, void *mem);

/* Key of a heap whose options gave none. */
uint32_t z_sysheap_default_guard_key(const struct z_heap *h);

/* Guards and tracing: write the prefix and canary of a block handed out
 * for `bytes` (hardening.c). */
void *z_sysheap_block_arm(struct z_heap *h, chunkid_t c, size_t bytes, void *caller,
			  const struct sys_heap_site *site);
/* True when the guard header and canary of used chunk c are intact. */
bool z_sysheap_guards_intact(const struct z_heap *h, chunkid_t c, enum sys_heap_error *error);
/* True when every byte in [from, to) still holds the poison pattern. */
bool z_sysheap_poison_intact(const uint8_t *from, const uint8_t *to);
void z_sysheap_poison(uint8_t *from, uint8_t *to);

/* The bytes a caller may use in a live block. */
SYSHEAP_INLINE size_t block_bytes(const struct z_heap *h, chunkid_t c)
{
#if HARDENING_GUARDS
	const struct block_prefix *p = (const struct block_prefix *)chunk_mem(h, c) - 1;

	return p->requested;
#else
	return chunk_usable_bytes(h, c);
#endif
}

/* Write the prefix and canary of a block now holding `bytes`. */
SYSHEAP_INLINE void *block_arm(struct z_heap *h, chunkid_t c, size_t bytes, void *caller,
			      const struct sys_heap_site *site)
{
#if BLOCK_HAS_PREFIX
	return z_sysheap_block_arm(h, c, bytes, caller, site);
#else
	(void)bytes;
	(void)caller;
	(void)site;
	return chunk_mem(h, c);
#endif
}

/* True unless free chunk c was written while free (level POISON). */
SYSHEAP_INLINE bool block_free_memory_clean(const struct z_heap *h, chunkid_t c)
{
#if HARDENING_POISON
	return z_sysheap_poison_intact(chunk_addr(h, c) + chunk_meta_bytes(h),
				       chunk_addr(h, right_chunk(h, c)));
#else
	(void)h;
	(void)c;
	return true;
#endif
}

/* Finish an allocation: count it, check the memory was not written while
 * free, and arm its guards. NULL when a write after free was found; the
 * chunk then stays allocated, out of circulation. */
SYSHEAP_INLINE void *block_hand_out(struct sys_heap *heap, struct z_heap *h, chunkid_t c,
				   chunksz_t size, size_t bytes, void *caller,
				   const struct sys_heap_site *site)
{
	/* h is heap->heap, passed in: the header stores above may alias
	 * `heap`, so reading it again would cost a load and a format test. */
	bool clean = block_free_memory_clean(h, c);

#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
	/* Its free-list links stay behind in the user's first bytes; break
	 * them, so a used bit flipped by an overflow cannot pass for a listed
	 * free chunk (free_neighbour_sane). */
	set_free_next(h, c, 0u);
#endif
	void *mem = block_arm(h, c, bytes, caller, site);

	account_alloc(h, size);
#if SYS_HEAP_OWNERS
	z_sysheap_owner_charge(h, c, z_sysheap_owner_of_call(h));
#endif
	if (!clean) {
		(void)z_sysheap_report(heap, mem, SYS_HEAP_ERR_USE_AFTER_FREE, caller);
		return NULL;
	}
	return mem;
}

/* A block is being freed: poison its body so a later write shows. */
SYSHEAP_INLINE void block_retire(struct z_heap *h, chunkid_t c)
{
#if HARDENING_POISON
	z_sysheap_poison(chunk_addr(h, c) + chunk_meta_bytes(h), chunk_addr(h, right_chunk(h, c)));
#else
	(void)h;
	(void)c;
#endif
}

/* A chunk was merged into its left neighbour: its header and links are
 * now free memory inside that chunk, and are poisoned like the rest. */
SYSHEAP_INLINE void block_retire_header(struct z_heap *h, chunkid_t c)
{
#if HARDENING_POISON
	z_sysheap_poison(chunk_addr(h, c), chunk_addr(h, c) + chunk_meta_bytes(h));
#else
	(void)h;
	(void)c;
#endif
}

/* A live block shrinks to `keep` units: the part it gives up is user
 * data, so poison it before it becomes free memory. */
SYSHEAP_INLINE void block_retire_tail(struct z_heap *h, chunkid_t c, chunksz_t keep)
{
#if HARDENING_POISON
	z_sysheap_poison(chunk_addr(h, c + keep), chunk_addr(h, right_chunk(h, c)));
#else
	(void)h;
	(void)c;
	(void)keep;
#endif
}

/* Level FULL: the whole heap must be valid before any operation. */
SYSHEAP_INLINE bool heap_entry_ok(struct sys_heap *heap, void *caller)
{
#if HARDENING_FULL
	if (!sys_heap_validate(heap)) {
		(void)z_sysheap_report(heap, NULL, SYS_HEAP_ERR_CORRUPT_HEAP, caller);
		return false;
	}
#else
	(void)heap;
	(void)caller;
#endif
	return true;
}

/* Compiled at every level: the check behind BASIC, and at any level the
 * quiet answer of the tracing queries (heap_trace.c). */
SYSHEAP_INLINE bool header_poisoned(const struct z_heap *h, chunkid_t c)
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

/*
 * Prove `mem` is the start of a live block of this heap, and that the
 * chunks on either side of it are what their headers say, before anything
 * trusts a header; fill in the view on the way. Every read stays inside the
 * heap, whatever `mem` is. A free header with a plausible size, or a
 * poisoned one, is memory that was freed already; anything else
 * implausible is damage, or a pointer into the middle of a block.
 * Returns 0 or the error to report. The view is built in locals and
 * stored once at the end: header reads may alias anything, so a store
 * through `out` on the way would force every field to be read again.
 */
SYSHEAP_INLINE enum sys_heap_error view_checked(const struct z_heap *h, const void *mem,
						struct block_view *out)
{
	uintptr_t from_heap = (uintptr_t)mem - (uintptr_t)h;
	uintptr_t offset = from_heap - mem_offset(h);
	chunkid_t end = h->end_chunk;

	/* The bounds are on `mem` itself, not on its chunk: every block's
	 * memory lies below the end marker, but a guard prefix, caller record
	 * or granule can put more than a unit between a chunk's start and its
	 * memory, so a pointer just past the heap would name one of its last
	 * chunks (and the prefix read before it would leave the heap). From
	 * here on from_heap is small, so offset is negative exactly when mem
	 * lies before the first chunk's memory. */
	if (from_heap >= chunk_bytes(end) || (offset & granule_bytes_mask(h)) != 0u ||
	    (intptr_t)offset < (intptr_t)chunk_bytes(first_chunk(h))) {
		return SYS_HEAP_ERR_FOREIGN_POINTER;
	}
	chunkid_t c = (chunkid_t)(offset / CHUNK_UNIT);
	uint32_t word = chunk_field(h, c, FIELD_SIZE_AND_USED);
	chunksz_t size = word_size(word);
	bool size_sane = size != 0u && size <= end - c;

	if ((!word_used(word) && size_sane) || header_poisoned(h, c)) {
		return SYS_HEAP_ERR_DOUBLE_FREE;
	}
	chunksz_t to_left = left_size(h, c);

	if (!word_used(word) || !size_sane || left_size(h, c + size) != size || to_left > c) {
		return SYS_HEAP_ERR_CORRUPT_HEADER;
	}
	struct block_view v = {
		.c = c,
		.size = size,
		.left = c - to_left,
		.right = c + size,
	};

	v.right_word = chunk_field(h, v.right, FIELD_SIZE_AND_USED);
	v.left_word = chunk_field(h, v.left, FIELD_SIZE_AND_USED);

	/* The right neighbour's size is checked against its own right
	 * neighbour; a free size 0 (the end marker's, which has none) fails
	 * that too, as left_size(right) is c's size, not 0. The left one's
	 * was matched against c's left_size. Their free-list links are checked
	 * where they are read, by heap.c's list_remove(). */
	chunksz_t right_size = word_size(v.right_word);
	bool right_free = !word_used(v.right_word);

	if (word_size(v.left_word) != to_left ||
	    (right_free && (right_size > end - v.right ||
			    left_size(h, v.right + right_size) != right_size))) {
		return SYS_HEAP_ERR_CORRUPT_HEADER;
	}
#if HARDENING_GUARDS
	enum sys_heap_error error;

	if (!z_sysheap_guards_intact(h, c, &error)) {
		return error;
	}
#endif
	*out = v;
	return (enum sys_heap_error)0;
}

/*
 * Fill in the view of the live block at `mem` and return true, or report
 * and return false when `mem` is not one; at level FULL the whole heap must
 * be valid too. Without hardening the caller is trusted.
 */
SYSHEAP_INLINE bool live_view(struct sys_heap *heap, struct z_heap *h, void *mem, void *caller,
			      struct block_view *v)
{
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
	enum sys_heap_error error = view_checked(h, mem, v);

	if (error != (enum sys_heap_error)0) {
		(void)z_sysheap_report(heap, mem, error, caller);
		return false;
	}
	/* The block's own check first: it names the error more precisely
	 * than the whole-heap check of level FULL would. */
	return heap_entry_ok(heap, caller);
#else
	chunkid_t c = mem_to_chunk(h, mem);

	(void)heap;
	(void)caller;
	view_block(h, c, chunk_size(h, c), v);
	return true;
#endif
}

/* The one out-of-line verifier (heap.c): the chunk of the live block at
 * `mem` on formatted heap heap->heap, or 0 once reported; with `release`
 * the block is also freed, merged from the headers the check read. */
chunkid_t z_sysheap_check_block(struct sys_heap *heap, void *mem, void *caller, bool release);

#endif /* SYSHEAP_HARDENING_H */
