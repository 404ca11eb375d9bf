/*
 * sysheap_freertos.c: FreeRTOS's heap on libsysheap (sysheap_freertos.h
 * says how to use it). One sys_heap per region, each with the lock
 * FreeRTOS's own heaps use, so every call goes through that heap's
 * sys_heap_lock_for() (with the library's context checks); the regions
 * are the heaps of one sys_multi_heap, which refuses overlapping regions
 * before they are formatted and finds a pointer's region by binary search.
 */
#include <stdint.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "sys_heap_lock.h"
#include "sys_multi_heap.h"
#include "sysheap_freertos.h"

#ifndef traceMALLOC
#define traceMALLOC(pvAddress, uiSize)
#endif
#ifndef traceFREE
#define traceFREE(pvAddress, uiSize)
#endif
#ifndef configUSE_MALLOC_FAILED_HOOK
#define configUSE_MALLOC_FAILED_HOOK 0
#endif

/* ---- the lock ------------------------------------------------------------ */

static sys_heap_lock_key_t rtos_lock(void *arg)
{
	(void)arg;
#if sysheapFREERTOS_USE_CRITICAL_SECTION
	taskENTER_CRITICAL();
#else
	vTaskSuspendAll();
#endif
	return 0u;
}

static void rtos_unlock(void *arg, sys_heap_lock_key_t key)
{
	(void)arg;
	(void)key;
#if sysheapFREERTOS_USE_CRITICAL_SECTION
	taskEXIT_CRITICAL();
#else
	(void)xTaskResumeAll();
#endif
}

/* Both nest (uxSchedulerSuspended, uxCriticalNesting): recursive. */
static const struct sys_heap_lock_ops rtos_lock_ops = {
	rtos_lock, rtos_unlock, NULL, NULL, SYS_HEAP_LOCK_RECURSIVE,
};

/* ---- the regions ----------------------------------------------------------- */

#ifdef configTOTAL_HEAP_SIZE
#if defined(configAPPLICATION_ALLOCATED_HEAP) && (configAPPLICATION_ALLOCATED_HEAP == 1)
extern uint8_t ucHeap[configTOTAL_HEAP_SIZE];
#else
static uint8_t ucHeap[configTOTAL_HEAP_SIZE] __attribute__((aligned(8)));
#endif
#endif

_Static_assert(sysheapFREERTOS_MAX_REGIONS <= MAX_MULTI_HEAPS,
	       "every region heap must fit in the multi-heap's table");

/* heaps[] in the order the regions were given (allocation order, as
 * heap_5's); `regions` holds the same heaps sorted by address, for the
 * owner of a pointer (binary search) and the overlap check. */
static struct sys_heap heaps[sysheapFREERTOS_MAX_REGIONS];
static size_t heap_count;
static void *alloc_in_given_order(struct sys_multi_heap *mheap, void *cfg, size_t align,
				  size_t bytes);
/* Zeroed, an empty multi-heap (in .bss: no flash for an initial image);
 * add_region() sets its choice function, and its hook survives
 * vPortHeapResetState(). */
static struct sys_multi_heap regions;
static size_t min_ever_free;
static size_t allocations;
static size_t frees;

static size_t free_bytes_unlocked(void)
{
	size_t total = 0u;

	for (size_t i = 0u; i < heap_count; i++) {
		struct sys_memory_stats st;

		if (sys_heap_runtime_stats_get(&heaps[i], &st) == 0) {
			total += st.free_bytes;
		}
	}
	return total;
}

/* Take back `h`, which the table accepted but which could not be formatted. */
static void drop_from_table(const struct sys_heap *h)
{
	unsigned int kept = 0u;

	for (unsigned int i = 0u; i < regions.nheaps; i++) {
		if (regions.heaps[i].heap != h) {
			regions.heaps[kept++] = regions.heaps[i];
		}
	}
	regions.nheaps = kept;
}

/* The multi-heap vets the region before anything is written to it: one
 * that overlaps a region already added (the same one twice included), or
 * has no memory, is refused and reported to the multi-heap's hook
 * (SYS_HEAP_ERR_BAD_REGION), and never formatted over a live heap. */
static bool add_region(void *start, size_t bytes)
{
	if (heap_count == sysheapFREERTOS_MAX_REGIONS) {
		return false;
	}
	struct sys_heap *h = &heaps[heap_count];
	unsigned int before = regions.nheaps;

	regions.choice = alloc_in_given_order;
	memset(h, 0, sizeof(*h));
	h->init_mem = start; /* the region, not formatted yet */
	h->init_bytes = bytes;
	sys_multi_heap_add_heap(&regions, h, NULL);
	if (regions.nheaps == before) {
		memset(h, 0, sizeof(*h));
		return false;
	}
	sys_heap_init(h, start, bytes);
	if (h->heap == NULL) { /* too small */
		drop_from_table(h);
		return false;
	}
	sys_heap_set_lock(h, &rtos_lock_ops);
	heap_count++;
	return true;
}

/* heap_4 mode: ucHeap on first use. The first call comes before the
 * scheduler runs or from one task with it suspended (vTaskSuspendAll
 * guards it as heap_4 guards its own first-use init). */
static void ensure_heaps(void)
{
#ifdef configTOTAL_HEAP_SIZE
	if (heap_count == 0u) {
		vTaskSuspendAll();
		if (heap_count == 0u && add_region(ucHeap, sizeof(ucHeap))) {
			min_ever_free = free_bytes_unlocked();
		}
		(void)xTaskResumeAll();
	}
#endif
}

void vPortDefineHeapRegions(const HeapRegion_t *const pxHeapRegions)
{
	/* Heaps in use (an allocation came first, or a second call): leave
	 * them alone. */
	configASSERT(heap_count == 0u);
	if (heap_count != 0u) {
		return;
	}
	for (const HeapRegion_t *r = pxHeapRegions; r->xSizeInBytes > 0u; r++) {
		bool added = add_region(r->pucStartAddress, r->xSizeInBytes);

		configASSERT(added);
		(void)added;
	}
	min_ever_free = free_bytes_unlocked();
}

void vSysHeapFreeRTOSSetErrorHook(sys_heap_error_hook_t hook)
{
	sys_multi_heap_set_error_hook(&regions, hook);
}

struct sys_heap *xSysHeapFreeRTOSHeap(size_t index)
{
	ensure_heaps();
	return index < heap_count ? &heaps[index] : NULL;
}

struct sys_heap *xSysHeapFreeRTOSHeapOf(void *mem)
{
	const struct sys_multi_heap_rec *rec = sys_multi_heap_get_heap(&regions, mem);

	return rec != NULL ? rec->heap : NULL;
}

/* ---- allocation --------------------------------------------------------------- */

static void note_alloc_locked(void)
{
	size_t now = free_bytes_unlocked();

	allocations++;
	if (now < min_ever_free) {
		min_ever_free = now;
	}
}

/* The regions in the order given, as heap_5 tries them, each under its
 * own lock; also the multi-heap's choice function. */
static void *alloc_in_given_order(struct sys_multi_heap *mheap, void *cfg, size_t align,
				  size_t bytes)
{
	void *mem = NULL;

	(void)mheap;
	(void)cfg;
	(void)align; /* pvPortMalloc() asks for none */
	for (size_t i = 0u; i < heap_count && mem == NULL && bytes > 0u; i++) {
		sys_heap_lock_key_t key = sys_heap_lock_for(&heaps[i]);

		if (key == SYS_HEAP_LOCK_REFUSED) {
			break; /* reported: wrong context */
		}
		mem = sys_heap_alloc(&heaps[i], bytes);
		if (mem != NULL) {
			note_alloc_locked();
		}
		sys_heap_unlock_for(&heaps[i], key);
	}
	return mem;
}

void *pvPortMalloc(size_t xWantedSize)
{
	ensure_heaps();
	void *mem = alloc_in_given_order(&regions, NULL, 0u, xWantedSize);

	traceMALLOC(mem, xWantedSize);
#if configUSE_MALLOC_FAILED_HOOK == 1
	if (mem == NULL && xWantedSize > 0u) {
		vApplicationMallocFailedHook();
	}
#endif
	return mem;
}

void *pvPortCalloc(size_t xNum, size_t xSize)
{
	size_t bytes;

	if (__builtin_mul_overflow(xNum, xSize, &bytes)) {
		return NULL;
	}
	void *mem = pvPortMalloc(bytes);

	if (mem != NULL) {
		memset(mem, 0, bytes);
	}
	return mem;
}

void vPortFree(void *pv)
{
	if (pv == NULL) {
		return;
	}
	struct sys_heap *h = xSysHeapFreeRTOSHeapOf(pv);

	if (h == NULL) {
		/* In no region: the multi-heap reports it to its hook
		 * (SYS_HEAP_ERR_FOREIGN_POINTER) and touches nothing. */
		sys_multi_heap_free(&regions, pv);
		return;
	}
	sys_heap_lock_key_t key = sys_heap_lock_for(h);

	if (key == SYS_HEAP_LOCK_REFUSED) {
		return;
	}
	size_t before = free_bytes_unlocked();

	traceFREE(pv, sys_heap_usable_size(h, pv));
	sys_heap_free(h, pv);
	if (free_bytes_unlocked() != before) {
		frees++;
	}
	sys_heap_unlock_for(h, key);
}

/* ---- statistics ---------------------------------------------------------------- */

size_t xPortGetFreeHeapSize(void)
{
	ensure_heaps();
	vTaskSuspendAll();
	size_t bytes = free_bytes_unlocked();

	(void)xTaskResumeAll();
	return bytes;
}

size_t xPortGetMinimumEverFreeHeapSize(void)
{
	ensure_heaps();
	return min_ever_free;
}

void xPortResetHeapMinimumEverFreeHeapSize(void)
{
	ensure_heaps();
	vTaskSuspendAll();
	min_ever_free = free_bytes_unlocked();
	(void)xTaskResumeAll();
}

struct walk_totals {
	size_t largest, smallest, count;
};

static void count_free(void *ctx, void *mem, size_t bytes, bool used)
{
	struct walk_totals *t = ctx;

	(void)mem;
	if (!used) {
		t->count++;
		t->largest = bytes > t->largest ? bytes : t->largest;
		t->smallest = bytes < t->smallest ? bytes : t->smallest;
	}
}

void vPortGetHeapStats(HeapStats_t *pxHeapStats)
{
	struct walk_totals t = { 0u, SIZE_MAX, 0u };

	ensure_heaps();
	for (size_t i = 0u; i < heap_count; i++) {
		sys_heap_lock_key_t key = sys_heap_lock_for(&heaps[i]);

		if (key != SYS_HEAP_LOCK_REFUSED) {
			sys_heap_walk(&heaps[i], count_free, &t);
			sys_heap_unlock_for(&heaps[i], key);
		}
	}
	vTaskSuspendAll();
	pxHeapStats->xAvailableHeapSpaceInBytes = free_bytes_unlocked();
	pxHeapStats->xSizeOfLargestFreeBlockInBytes = t.largest;
	pxHeapStats->xSizeOfSmallestFreeBlockInBytes = t.count != 0u ? t.smallest : 0u;
	pxHeapStats->xNumberOfFreeBlocks = t.count;
	pxHeapStats->xMinimumEverFreeBytesRemaining = min_ever_free;
	pxHeapStats->xNumberOfSuccessfulAllocations = allocations;
	pxHeapStats->xNumberOfSuccessfulFrees = frees;
	(void)xTaskResumeAll();
}

/* heap_4's own is empty too: formatting needs no pre-cleared memory. */
void vPortInitialiseBlocks(void)
{
}

/* Forget every region and statistic: the next pvPortMalloc() formats
 * ucHeap afresh (heap_4), or vPortDefineHeapRegions() may be called again
 * (heap_5). The port's error hook stays. For restarting the scheduler
 * and for tests. */
void vPortHeapResetState(void)
{
	memset(heaps, 0, sizeof(heaps));
	heap_count = 0u;
	regions.nheaps = 0u; /* the hook stays */
	min_ever_free = 0u;
	allocations = 0u;
	frees = 0u;
}
