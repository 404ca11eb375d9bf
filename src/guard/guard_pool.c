/*
 * guard_pool.c: the sampled entry points and the guarded pool: which
 * allocation is sampled, which slot serves it, where the block sits in
 * it, and the FIFO of free slots that makes the quarantine.
 */
#include "sys_heap_config.h"

#if SYS_HEAP_GUARD

#include "guard.h"
#include "hardening.h"
#include "sys_heap_lock.h"

#ifdef SYS_HEAP_GUARD_SECTION
#define Z_GUARD_POOL_ATTR __attribute__((aligned(Z_GUARD_POOL_ALIGN), section(SYS_HEAP_GUARD_SECTION)))
#else
#define Z_GUARD_POOL_ATTR __attribute__((aligned(Z_GUARD_POOL_ALIGN)))
#endif

uint8_t z_sysheap_guard_pool[Z_GUARD_POOL_BYTES] Z_GUARD_POOL_ATTR;
struct z_guard_slot z_sysheap_guard_slots[Z_GUARD_SLOTS];
struct sys_heap_guard_stats z_sysheap_guard_stats;

/* Free slots, oldest first: a slot is taken from the head only while more
 * than Z_GUARD_QUARANTINE wait, so a freed slot stays no-access until at
 * least that many other free slots have been queued behind it. */
static uint8_t free_fifo[Z_GUARD_SLOTS];
static unsigned int fifo_head;
static unsigned int fifo_count;
static unsigned int live_count;
static bool started;
static uint32_t countdown = SYS_HEAP_GUARD_SAMPLE_RATE;

static void start_once(void)
{
	for (unsigned int i = 0; i < Z_GUARD_SLOTS; i++) {
		free_fifo[i] = (uint8_t)i;
	}
	fifo_head = 0u;
	fifo_count = Z_GUARD_SLOTS;
	z_sysheap_guard_fault_enable();
	z_sysheap_guard_mpu_apply();
	z_sysheap_guard_mpu_start();
	started = true;
}

static void *guarded_alloc(struct sys_heap *heap, size_t bytes, void *caller)
{
	uint8_t *block = NULL;

	(void)caller;
	/* A NULL or unformatted heap gets the heap's own answer. */
	if (heap != NULL && heap->heap != NULL && bytes != 0u && bytes <= SYS_HEAP_GUARD_SLOT_SIZE) {
		sys_heap_lock_key_t key = sys_heap_lock_for(heap);

		if (!started) {
			start_once();
		}
		if (fifo_count > Z_GUARD_QUARANTINE && live_count < Z_GUARD_MAX_LIVE) {
			unsigned int i = free_fifo[fifo_head];
			struct z_guard_slot *s = &z_sysheap_guard_slots[i];

			fifo_head = (fifo_head + 1u) % Z_GUARD_SLOTS;
			fifo_count--;
			live_count++;
			block = z_sysheap_guard_slot_base(i);
			/* Overflow mode: the block ends at the slot's end, which is
			 * 32-aligned at least, so the block is aligned to the largest
			 * power of two dividing its size: enough for any object that
			 * fills it. */
			if (SYS_HEAP_GUARD_UNDERFLOW == 0) {
				block += SYS_HEAP_GUARD_SLOT_SIZE - bytes;
			}
			s->heap = heap;
			s->block = block;
			s->size = (uint32_t)bytes;
			s->state = Z_GUARD_LIVE;
#if SYS_HEAP_TRACE_CALLERS
			s->alloc_caller = caller;
			s->free_caller = NULL;
#endif
			z_sysheap_guard_stats.sampled++;
			z_sysheap_guard_mpu_apply();
		}
		sys_heap_unlock_for(heap, key);
	}
	if (block == NULL) {
		z_sysheap_guard_stats.fallbacks++;
		return sys_heap_alloc(heap, bytes);
	}
	return block;
}

void *sys_heap_guard_alloc(struct sys_heap *heap, size_t bytes)
{
	/* The sampling decision: the whole cost of an unsampled call. */
	if (--countdown != 0u) {
		return sys_heap_alloc(heap, bytes);
	}
	countdown = SYS_HEAP_GUARD_SAMPLE_RATE;
	return guarded_alloc(heap, bytes, __builtin_return_address(0));
}

void *sys_heap_guard_alloc_marked(struct sys_heap *heap, size_t bytes)
{
	return guarded_alloc(heap, bytes, __builtin_return_address(0));
}

bool sys_heap_guard_owns(const void *mem)
{
	uintptr_t p = (uintptr_t)mem;
	uintptr_t base = (uintptr_t)z_sysheap_guard_pool;

	return p - base < Z_GUARD_POOL_BYTES;
}

static void guarded_free(struct sys_heap *heap, uint8_t *mem, void *caller)
{
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);
	struct z_guard_slot *found = NULL;
	unsigned int i;

	(void)caller;
	for (i = 0u; i < Z_GUARD_SLOTS; i++) {
		if (z_sysheap_guard_slots[i].block == mem) {
			found = &z_sysheap_guard_slots[i];
			break;
		}
	}
	if (found != NULL && found->state == Z_GUARD_LIVE) {
		found->state = Z_GUARD_FREED;
#if SYS_HEAP_TRACE_CALLERS
		found->free_caller = caller;
#endif
		free_fifo[(fifo_head + fifo_count) % Z_GUARD_SLOTS] = (uint8_t)i;
		fifo_count++;
		live_count--;
		z_sysheap_guard_mpu_apply();
		sys_heap_unlock_for(heap, key);
		return;
	}
	sys_heap_unlock_for(heap, key);
	struct sys_heap *owner = found != NULL ? found->heap : heap;
	enum sys_heap_error error = found != NULL ? SYS_HEAP_ERR_DOUBLE_FREE : SYS_HEAP_ERR_FOREIGN_POINTER;

	if (owner != NULL && owner->heap != NULL) {
		(void)z_sysheap_report(owner, mem, error, caller);
	} else {
		sys_heap_default_error_hook(owner, mem, error, caller); /* no hook of its own */
	}
}

void sys_heap_guard_free(struct sys_heap *heap, void *mem)
{
	if (!sys_heap_guard_owns(mem)) {
		sys_heap_free(heap, mem);
		return;
	}
	guarded_free(heap, mem, __builtin_return_address(0));
}

void sys_heap_guard_stats_get(struct sys_heap_guard_stats *stats)
{
	if (stats != NULL) {
		*stats = z_sysheap_guard_stats;
	}
}

#else
typedef int z_sysheap_guard_pool_unused; /* ISO C: no empty translation unit */
#endif /* SYS_HEAP_GUARD */
