/*
 * heap.c: the hot path. Free lists and buckets, alloc, free, split and
 * merge. One copy serves both header formats: chunk.h tests the format
 * per access, on the descriptor's address, never with a load. The list
 * operations are shared functions (SYSHEAP_HOT), forced inline with
 * SYS_HEAP_OPTIMIZE_SPEED, which also compiles alloc and free once per
 * header format. Three pieces earn a copy of their own in the default
 * build, each measured by make bench: the sampling loop (once per format),
 * alloc's unlink, and free's merge inside the one verifier
 * (z_sysheap_check_block()).
 */
#include "hardening.h"
#include "listeners.h"
#include "stats.h"

/* Whether alloc keeps its own copy of the unlink (see alloc_block()). */
#define INLINE_ALLOC_UNLINK \
	(SYS_HEAP_OPTIMIZE_SPEED || SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC)

/* Bits of the buckets strictly above b. */
#define BUCKETS_ABOVE(b) (~((2u << (b)) - 1u))

/* Make chunk c a free chunk of `size` units, its right neighbour's
 * back-link included (I2), and file it at the tail of its bucket's
 * circular list: the sampling loop starts at the head, so older entries
 * are looked at first. Writing the header here, in the one shared copy,
 * keeps both header formats' stores out of every caller. */
SYSHEAP_HOT void file_free(struct z_heap *h, chunkid_t c, chunksz_t size)
{
	uint32_t b = bucket_index(size);
	chunkid_t head = h->buckets[b];

	chunk_resize(h, c, size, false);
	if (head == 0u) {
		h->avail_buckets |= 1u << b;
		h->buckets[b] = c;
		set_free_prev(h, c, c);
		set_free_next(h, c, c);
	} else {
		chunkid_t tail = free_prev(h, head);

		set_free_prev(h, c, tail);
		set_free_next(h, c, head);
		set_free_next(h, tail, c);
		set_free_prev(h, head, c);
	}
}

/* Unlink free chunk c from bucket b. The head moves on to c's successor,
 * which also spreads the sampling over the list. */
SYSHEAP_INLINE void list_unlink(struct z_heap *h, chunkid_t c, uint32_t b)
{
	chunkid_t next = free_next(h, c);

	if (next == c) {
		h->avail_buckets &= ~(1u << b);
		next = 0u;
	} else {
		chunkid_t prev = free_prev(h, c);

		set_free_next(h, prev, next);
		set_free_prev(h, next, prev);
	}
	h->buckets[b] = next;
}

/* Unlink free chunk c from bucket b, trusted: for the callers that
 * found c on its list, or checked it on the way in. */
SYSHEAP_HOT void list_remove(struct z_heap *h, chunkid_t c, uint32_t b)
{
	list_unlink(h, c, b);
}

void z_sysheap_file_free(struct z_heap *h, chunkid_t c, chunksz_t size)
{
	file_free(h, c, size);
}

chunksz_t z_sysheap_absorb_right(struct z_heap *h, chunkid_t c, chunksz_t size,
				 chunksz_t right_size)
{
	list_remove(h, c + size, bucket_index(right_size));
	chunk_resize(h, c, size + right_size, true);
	return size + right_size;
}

void z_sysheap_account_alloc(struct z_heap *h, chunksz_t size)
{
	account_alloc(h, size);
}

void z_sysheap_account_free(struct z_heap *h, chunksz_t size)
{
	account_free(h, size);
}

#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
/* What take_neighbour() answers for a neighbour whose links are damaged. */
#define NEIGHBOUR_DAMAGED UINT32_MAX

/*
 * Take free chunk n, whose header word is `word`, off its bucket's list
 * for a merge; with `write` false only check that it could be. Returns
 * its size, or NEIGHBOUR_DAMAGED. At BASIC and up its links are checked first, in the
 * reads the unlink makes anyway: both must name chunks of this heap that
 * link straight back to n, and a chunk linked to itself must be its
 * bucket's only entry, its head. An overflow that flipped a used bit
 * leaves user data there, which must never be spliced into the lists.
 * Damaged links are left as they are. One copy, called for each
 * neighbour of a block being freed or checked.
 */
SYSHEAP_HOT chunksz_t take_neighbour(struct z_heap *h, chunkid_t n, uint32_t word, bool write)
{
	uint32_t b = bucket_index(word_size(word));
	chunkid_t end = h->end_chunk;
	chunkid_t next = free_next(h, n);
	chunkid_t prev = free_prev(h, n);

	/* A link to chunk 0 is refused outright: chunk 0 is never free, and
	 * on big heaps its link fields hold end_chunk and avail_buckets, so
	 * free_next(0) could equal n by chance. (A next of 0 fails anyway:
	 * free_prev(0) is 0 or end_chunk, never n.) */
	if (next >= end || prev == 0u || prev >= end || free_prev(h, next) != n ||
	    free_next(h, prev) != n || (next == n && h->buckets[b] != n)) {
		return NEIGHBOUR_DAMAGED;
	}
	/* The unlink is inlined here, reusing the links just read: measured
	 * (make bench-quick) 44 bytes for 16 instructions of worst free
	 * against a tail call of list_remove(). */
	if (write) {
		list_unlink(h, n, b);
	}
	return word_size(word);
}
#endif

/* Make used chunk c of `size` units free, merged with its right neighbour
 * (`right_size` units, 0 when in use) and left neighbour `left`
 * (`left_size` units, 0 when in use), both already off their lists, and
 * file the result. Chunk 0 and the end marker are always used, so neither
 * merge needs a bounds check. */
SYSHEAP_INLINE void merge_taken(struct z_heap *h, chunkid_t c, chunksz_t size, chunkid_t left,
				chunksz_t right_size, chunksz_t left_size)
{
	chunksz_t merged = size + right_size + left_size;

	if (right_size != 0u) {
		block_retire_header(h, c + size);
	}
	if (left_size != 0u) {
		/* c's header stays behind inside the merged chunk; marked free
		 * (or poisoned) it lets a second free of c be named a double free. */
		chunk_set_size_used(h, c, size, false);
		block_retire_header(h, c);
		c = left;
	}
	file_free(h, c, merged);
}

/* Make the viewed block free, merged with whichever neighbours are free
 * (taken off their lists here), and file the result. */
SYSHEAP_INLINE void merge_view(struct z_heap *h, const struct block_view *view)
{
	/* A copy: header stores may alias anything, `view` included. */
	const struct block_view v = *view;
	chunksz_t right_size = 0u;
	chunksz_t left_size = 0u;

	if (!word_used(v.right_word)) {
		right_size = word_size(v.right_word);
		list_remove(h, v.right, bucket_index(right_size));
	}
	if (!word_used(v.left_word)) {
		left_size = word_size(v.left_word);
		list_remove(h, v.left, bucket_index(left_size));
	}
	merge_taken(h, v.c, v.size, v.left, right_size, left_size);
}

/* Free and merge used chunk c of `size` units: the colder callers (split
 * remainders and the blocks realloc moved) share this one copy of
 * merge_view(); the checked free (z_sysheap_check_block()) keeps its own,
 * fed from the headers it read. Their neighbours are trusted: the block
 * was checked on the way in. */
__attribute__((noinline)) static void merge_and_file(struct z_heap *h, chunkid_t c, chunksz_t size)
{
	struct block_view v;

	view_block(h, c, size, &v);
	merge_view(h, &v);
}

/* Cut used chunk c of `size` units down to `keep` units when what is
 * left over makes a chunk of its own, and give that back to the heap
 * straight away. Returns c's size now. */
chunksz_t z_sysheap_split_tail(struct z_heap *h, chunkid_t c, chunksz_t size, chunksz_t keep)
{
	if (size - keep < min_chunk_size(h)) {
		return size;
	}
	chunkid_t rest = c + keep;

	chunk_resize(h, c, keep, true);
	chunk_resize(h, rest, size - keep, true);
	merge_and_file(h, rest, size - keep);
	return keep;
}

/*
 * The sampling round of take_chunk(): look at up to `loops` entries of the
 * list starting at `first`, and return the first that holds `size` units
 * or, with `best_fit`, the smallest of them; NULL when none does. *stop is
 * where the walk ended. Walked by address: the loop then needs no shift per
 * entry, and the id is worked out only for the entry taken. One copy per
 * header format (`big` is a constant at each of the two calls): one loop
 * with a format test per entry measured both larger and slower (make
 * bench-quick: +4 bytes, +9 worst alloc).
 */
SYSHEAP_INLINE const uint8_t *sample_list(const struct z_heap *h, const uint8_t *first,
					  chunksz_t size, uint32_t loops, bool best_fit,
					  const uint8_t **stop, const bool big)
{
	const uint8_t *p = first;
	const uint8_t *best = NULL;
	chunksz_t best_size = UINT32_MAX;

	if (heap_is_big(h) != big) {
		__builtin_unreachable();
	}

	/* By default the first sampled entry that fits: the best of the
	 * samples (SYS_HEAP_ALLOC_BEST_FIT) keeps a little more of the arena
	 * usable for a longer worst case, both measured by make bench. A list
	 * shorter than `loops` is then simply seen twice. */
#if SYS_HEAP_OPTIMIZE_SPEED && defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
	do {
		chunksz_t s = word_size(chunk_field_at(h, p, FIELD_SIZE_AND_USED));

		if (s >= size && (!best_fit || s < best_size)) {
			best = p;
			best_size = s;
			if (!best_fit) {
				break;
			}
		}
		p = chunk_addr(h, chunk_field_at(h, p, FIELD_FREE_NEXT));
	} while (--loops != 0u && (!best_fit || p != first));
	*stop = p;
	return best;
}

/*
 * Find a free chunk of at least `size` units and take it off its list.
 * First look at up to `loops` entries of the smallest bucket that may hold
 * one, taking the first that fits or, with `best_fit`, the smallest of
 * them; then take the head of the smallest bucket whose every entry fits.
 * Returns 0 when nothing fits.
 */
SYSHEAP_INLINE chunkid_t take_chunk(struct z_heap *h, chunksz_t size, uint32_t loops,
				    bool best_fit, const bool inline_unlink)
{
	uint32_t b = bucket_index(size);
	chunkid_t c = h->buckets[b];
	if (c != 0u && loops != 0u) {
		const uint8_t *stop;
		const uint8_t *best =
			heap_is_big(h)
				? sample_list(h, chunk_addr(h, c), size, loops, best_fit, &stop, true)
				: sample_list(h, chunk_addr(h, c), size, loops, best_fit, &stop, false);

		if (best != NULL) {
			c = chunk_at(h, best);
			goto take;
		}
		/* Start the next search where this one stopped, so repeated
		 * misses do not keep sampling the same entries. */
		h->buckets[b] = chunk_at(h, stop);
	}

	/* Without a sampling round (loops 0, the FAST effort) the head of
	 * bucket b still gets one look: a fit there spares a larger chunk the
	 * split, so FAST is never slower than plain alloc, and a request in
	 * the top bucket can be served at all. */
	if (loops == 0u && c != 0u && chunk_size(h, c) >= size) {
		goto take;
	}
	uint32_t larger = h->avail_buckets & BUCKETS_ABOVE(b);

	if (larger == 0u) {
		return 0u;
	}
	b = (uint32_t)__builtin_ctz(larger);
	c = h->buckets[b];
take:
	/* One place takes the chunk off its list, whichever way it was found:
	 * plain alloc and FAST inline it, the shared search calls it. */
	if (inline_unlink) {
		list_unlink(h, c, b);
	} else {
		list_remove(h, c, b);
	}
	return c;
}

/* take_chunk() for aligned alloc: its search honours the same policy
 * (SYS_HEAP_ALLOC_LOOPS, SYS_HEAP_ALLOC_BEST_FIT) as plain alloc. */
chunkid_t z_sysheap_alloc_chunk(struct z_heap *h, chunksz_t size, uint32_t loops, bool best_fit)
{
	return take_chunk(h, size, loops, best_fit, false);
}

/* The formatted heap behind `heap`, or NULL. */
SYSHEAP_INLINE struct z_heap *heap_of(const struct sys_heap *heap)
{
	return (heap != NULL) ? heap->heap : NULL;
}

/* Common body of the plain allocating calls, for formatted heap h:
 * `bytes` is checked here, once. */
SYSHEAP_INLINE void *alloc_block(struct sys_heap *heap, struct z_heap *h, size_t bytes,
				 uint32_t loops, bool best_fit, void *caller,
				 const struct sys_heap_site *site, const bool inline_search)
{
	/* bytes - 1 wraps for 0, so one compare rejects both 0 and too big. */
	if (SYSHEAP_UNLIKELY(bytes - 1u >= h->max_request) || !heap_entry_ok(heap, caller)) {
		return NULL;
	}
	chunksz_t size = bytes_to_chunksz(h, bytes);
#if SYS_HEAP_OWNERS
	if (!z_sysheap_owner_admit(heap, size, bytes, 0u, caller)) {
		return NULL;
	}
#endif
#if HARDENING_POISON
again:;
#endif
	/* Plain alloc and the FAST effort keep inlined copies of the search;
	 * the other calls share z_sysheap_alloc_chunk(). The unlink is inlined
	 * too where free does not link list_remove() into the program anyway
	 * (it unlinks inside its check at BASIC and up): 2 bytes for 6
	 * instructions there, 40 bytes saved without hardening. */
	chunkid_t c = inline_search ? take_chunk(h, size, loops, best_fit, INLINE_ALLOC_UNLINK)
				    : z_sysheap_alloc_chunk(h, size, loops, best_fit);

	if (SYSHEAP_UNLIKELY(c == 0u)) {
#if SYSHEAP_ALLOC_FAILURE_HOOK
		c = z_sysheap_alloc_failed(heap, size, bytes, 0u, caller, loops, best_fit);
		if (c == 0u)
#endif
			return NULL;
	}
	chunksz_t have = chunk_size(h, c);
	chunksz_t rest = have - size;

	if (rest >= min_chunk_size(h)) {
		/* c was free, so both its neighbours are used: the rest is filed
		 * as it is, with nothing to merge. */
		file_free(h, c + size, rest);
		have = size;
	}
	chunk_resize(h, c, have, true);
	void *mem = block_hand_out(heap, h, c, have, bytes, caller, site);

#if HARDENING_POISON
	/* Only a chunk written while free fails: reported, and kept out of
	 * circulation. Serve the request from another chunk, so the caller
	 * never mistakes the error for running out of memory. */
	if (mem == NULL) {
		goto again;
	}
#endif
	return notify_alloc(heap, mem, bytes);
}

/* sys_heap_alloc() and SYS_HEAP_EFFORT_FAST keep their own inlined copies
 * of alloc_block, where the search policy is a constant; the other
 * allocating calls share this one, where it is a parameter. */
__attribute__((noinline)) static void *alloc_block_shared(struct sys_heap *heap, size_t bytes,
							 uint32_t loops, bool best_fit, void *caller,
							 const struct sys_heap_site *site)
{
	struct z_heap *h = heap_of(heap);

	return (h != NULL) ? alloc_block(heap, h, bytes, loops, best_fit, caller, site, false)
			   : z_sysheap_unformatted(heap, NULL);
}

#if SYS_HEAP_OPTIMIZE_SPEED
/* The speed option's copy of plain alloc for one header format: `big`
 * is a constant at each of the two calls in sys_heap_alloc(), so every
 * header access below is one load or store, and a small heap's layout
 * values are constants (chunk.h's layout_is_constant()). */
SYSHEAP_INLINE void *alloc_in_format(struct sys_heap *heap, struct z_heap *h, size_t bytes,
				     void *caller, const bool big)
{
	if (heap_is_big(h) != big) {
		__builtin_unreachable();
	}
	return alloc_block(heap, h, bytes, SYS_HEAP_ALLOC_LOOPS, SYS_HEAP_ALLOC_BEST_FIT, caller,
			   NULL, true);
}
#endif

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	void *caller = __builtin_return_address(0);
	struct z_heap *h = heap_of(heap);

	if (SYSHEAP_UNLIKELY(h == NULL)) {
		return z_sysheap_unformatted(heap, NULL);
	}
#if SYS_HEAP_OPTIMIZE_SPEED
	if (heap_is_big(h)) {
		return alloc_in_format(heap, h, bytes, caller, true);
	}
	return alloc_in_format(heap, h, bytes, caller, false);
#else
	return alloc_block(heap, h, bytes, SYS_HEAP_ALLOC_LOOPS, SYS_HEAP_ALLOC_BEST_FIT, caller,
			   NULL, true);
#endif
}

void *sys_heap_alloc_at(struct sys_heap *heap, size_t bytes, const struct sys_heap_site *site)
{
	return alloc_block_shared(heap, bytes, SYS_HEAP_ALLOC_LOOPS, SYS_HEAP_ALLOC_BEST_FIT,
				  __builtin_return_address(0), site);
}

void *sys_heap_alloc_effort(struct sys_heap *heap, size_t bytes, enum sys_heap_effort effort)
{
	uint32_t loops = SYS_HEAP_ALLOC_LOOPS;
	bool best_fit = SYS_HEAP_ALLOC_BEST_FIT;

	if (effort == SYS_HEAP_EFFORT_FAST) {
		/* Its own copy with the sampling compiled out, so that the
		 * effort meant for ISRs is never slower than plain alloc. */
		struct z_heap *h = heap_of(heap);

		return (h != NULL) ? alloc_block(heap, h, bytes, 0u, false,
						 __builtin_return_address(0), NULL, true)
				   : z_sysheap_unformatted(heap, NULL);
	}
	if (effort == SYS_HEAP_EFFORT_FIT) {
		loops = SYS_HEAP_FIT_LOOPS;
		best_fit = true;
	}
	return alloc_block_shared(heap, bytes, loops, best_fit, __builtin_return_address(0), NULL);
}

/* Give a live block back: poison it when asked to, count it, merge it. */
SYSHEAP_INLINE void free_block(struct z_heap *h, chunkid_t c)
{
	chunksz_t size = chunk_size(h, c);

#if SYS_HEAP_OWNERS
	(void)z_sysheap_owner_release(h, c);
#endif
	block_retire(h, c);
	account_free(h, size);
	merge_and_file(h, c, size);
}

void z_sysheap_free_block(struct sys_heap *heap, chunkid_t c)
{
	free_block(heap->heap, c);
}

/* The live block at `mem` on formatted heap h: its chunk, or 0 once
 * reported. With `release` it is also freed (sys_heap_free()): the block
 * and its neighbours are read once, checked (at BASIC and up), and merged
 * from what was read. */
SYSHEAP_INLINE chunkid_t check_block(struct sys_heap *heap, struct z_heap *h, void *mem,
				     void *caller, bool release)
{
	/* Zeroed: with everything inlined, GCC cannot always see that a true
	 * answer filled the view, and warns (-Wmaybe-uninitialized, at the
	 * guard levels). The stores fold away. */
	struct block_view v = { 0 };

	if (!live_view(heap, h, mem, caller, &v)) {
		return 0u;
	}
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
	/* The neighbours' links are checked (and, freeing, the neighbours
	 * taken off their lists) before anything changes. */
	chunksz_t right_size =
		word_used(v.right_word) ? 0u : take_neighbour(h, v.right, v.right_word, release);
	chunksz_t left_size = (right_size == NEIGHBOUR_DAMAGED) ? NEIGHBOUR_DAMAGED
			      : word_used(v.left_word)
				      ? 0u
				      : take_neighbour(h, v.left, v.left_word, release);

	if (left_size == NEIGHBOUR_DAMAGED) {
		/* Leave the lists as they were: file a right neighbour taken off. */
		if (release && right_size != 0u && right_size != NEIGHBOUR_DAMAGED) {
			file_free(h, v.right, right_size);
		}
		return z_sysheap_report(heap, mem, SYS_HEAP_ERR_CORRUPT_HEADER, caller);
	}
#endif
	if (release) {
		notify_free(heap, mem);
#if SYS_HEAP_OWNERS
		(void)z_sysheap_owner_release(h, v.c);
#endif
		block_retire(h, v.c);
		account_free(h, v.size);
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
		merge_taken(h, v.c, v.size, v.left, right_size, left_size);
#else
		merge_view(h, &v);
#endif
	}
	return v.c;
}

/* check_block() out of line: the one verifier that free, realloc,
 * usable_size and tracing share. Four arguments, all in registers: h is
 * loaded here, and a NULL or unformatted heap answered here too, so the
 * callers need no test of their own. SYS_HEAP_OPTIMIZE_SPEED inlines a
 * copy into free, so this one then never releases, and compiles without
 * the merge. */
chunkid_t z_sysheap_check_block(struct sys_heap *heap, void *mem, void *caller, bool release)
{
	struct z_heap *h = heap_of(heap);

	if (SYSHEAP_UNLIKELY(h == NULL)) {
		(void)z_sysheap_unformatted(heap, mem);
		return 0u;
	}
	return check_block(heap, h, mem, caller, release && !SYS_HEAP_OPTIMIZE_SPEED);
}

#if SYS_HEAP_OPTIMIZE_SPEED
/* The speed option's copy of free for one header format (see
 * alloc_in_format()). */
SYSHEAP_INLINE void free_in_format(struct sys_heap *heap, struct z_heap *h, void *mem,
				   void *caller, const bool big)
{
	if (heap_is_big(h) != big) {
		__builtin_unreachable();
	}
	(void)check_block(heap, h, mem, caller, true);
}
#endif

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return;
	}
#if SYS_HEAP_OPTIMIZE_SPEED
	void *caller = __builtin_return_address(0);
	struct z_heap *h = heap_of(heap);

	if (SYSHEAP_UNLIKELY(h == NULL)) {
		(void)z_sysheap_unformatted(heap, mem);
	} else if (heap_is_big(h)) {
		free_in_format(heap, h, mem, caller, true);
	} else {
		free_in_format(heap, h, mem, caller, false);
	}
#else
	(void)z_sysheap_check_block(heap, mem, __builtin_return_address(0), true);
#endif
}

size_t sys_heap_usable_size(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return 0u;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, __builtin_return_address(0));

	return (c != 0u) ? block_bytes(heap->heap, c) : 0u;
}
