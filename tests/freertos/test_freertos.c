/*
 * test_freertos.c: ports/freertos/sysheap_freertos.c against stand-ins
 * for the scheduler (FreeRTOS.h, task.h here): every function of the
 * port, the statistics after a fill and a drain, the minimum-ever reset,
 * calloc overflow, the malloc-failed hook, heap_5 regions (overlaps
 * refused, a free finding its region, a pointer in none reported), the lock
 * (suspend-all or critical section, balanced and taken by every call),
 * and a call from "handler mode" refused and reported.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "FreeRTOS.h"
#include "sys_heap_lock.h"
#include "sysheap_freertos.h"
#include "task.h"

extern bool sys_heap_host_in_isr;

static unsigned passed, failed;
#define CHECK(c) check((c), __LINE__, #c)
static void check(bool ok, int line, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL line %d: %s\n", line, what);
	}
}

/* ---- the stand-in scheduler ---------------------------------------------- */

static int suspended, critical;
static unsigned suspends, criticals, hook_calls, asserts;

void vTaskSuspendAll(void)
{
	suspended++;
	suspends++;
}

BaseType_t xTaskResumeAll(void)
{
	suspended--;
	return 0;
}

void vTaskEnterCritical(void)
{
	critical++;
	criticals++;
}

void vTaskExitCritical(void)
{
	critical--;
}

void vApplicationMallocFailedHook(void)
{
	hook_calls++;
}

void test_freertos_assert_failed(const char *file, int line)
{
	(void)file;
	(void)line;
	asserts++;
}

static unsigned *lock_counter(void)
{
	return sysheapFREERTOS_USE_CRITICAL_SECTION ? &criticals : &suspends;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_fill_and_drain(void)
{
	enum { N = 64 };
	void *blocks[N];
	HeapStats_t st;

	vPortHeapResetState();
	vPortInitialiseBlocks();
	size_t empty = xPortGetFreeHeapSize();

	CHECK(empty > configTOTAL_HEAP_SIZE - 256u && empty <= configTOTAL_HEAP_SIZE);
	CHECK(xPortGetMinimumEverFreeHeapSize() == empty);
	vPortGetHeapStats(&st);
	CHECK(st.xAvailableHeapSpaceInBytes == empty);
	CHECK(st.xNumberOfFreeBlocks == 1u);
	CHECK(st.xSizeOfLargestFreeBlockInBytes == st.xSizeOfSmallestFreeBlockInBytes);
	CHECK(st.xSizeOfLargestFreeBlockInBytes > empty - 64u);
	CHECK(st.xNumberOfSuccessfulAllocations == 0u && st.xNumberOfSuccessfulFrees == 0u);

	unsigned locks = *lock_counter();
	size_t n = 0u;

	/* Fill until it fails: the failure calls the hook once. */
	hook_calls = 0u;
	while (n < N) {
		blocks[n] = pvPortMalloc(300u);
		if (blocks[n] == NULL) {
			break;
		}
		memset(blocks[n], (int)n, 300u);
		n++;
	}
	CHECK(n > 20u && n < N);
	CHECK(hook_calls == 1u);
	CHECK(*lock_counter() > locks);
	CHECK(suspended == 0 && critical == 0);
	size_t full = xPortGetFreeHeapSize();

	CHECK(full < 400u);
	CHECK(xPortGetMinimumEverFreeHeapSize() == full);
	vPortGetHeapStats(&st);
	CHECK(st.xNumberOfSuccessfulAllocations == n);
	CHECK(st.xMinimumEverFreeBytesRemaining == full);
	CHECK(st.xAvailableHeapSpaceInBytes == full);

	/* Free every other block: holes of one size. */
	for (size_t i = 0u; i < n; i += 2u) {
		vPortFree(blocks[i]);
	}
	vPortGetHeapStats(&st);
	CHECK(st.xNumberOfSuccessfulFrees == (n + 1u) / 2u);
	CHECK(st.xNumberOfFreeBlocks >= (n + 1u) / 2u - 1u);
	CHECK(st.xSizeOfLargestFreeBlockInBytes >= 300u && st.xSizeOfSmallestFreeBlockInBytes > 0u);
	CHECK(st.xSizeOfSmallestFreeBlockInBytes <= st.xSizeOfLargestFreeBlockInBytes);
	CHECK(st.xMinimumEverFreeBytesRemaining == full);

	/* Drain: back to one free block, the minimum stays until reset. */
	for (size_t i = 1u; i < n; i += 2u) {
		CHECK(((unsigned char *)blocks[i])[299] == (unsigned char)i);
		vPortFree(blocks[i]);
	}
	vPortFree(NULL);
	CHECK(xPortGetFreeHeapSize() == empty);
	CHECK(xPortGetMinimumEverFreeHeapSize() == full);
	xPortResetHeapMinimumEverFreeHeapSize();
	CHECK(xPortGetMinimumEverFreeHeapSize() == empty);
	vPortGetHeapStats(&st);
	CHECK(st.xNumberOfFreeBlocks == 1u);
	CHECK(st.xNumberOfSuccessfulFrees == n);
	CHECK(suspended == 0 && critical == 0);
}

static void test_calloc_and_zero(void)
{
	vPortHeapResetState();
	hook_calls = 0u;
	CHECK(pvPortMalloc(0u) == NULL);
	CHECK(hook_calls == 0u);
	CHECK(pvPortCalloc(SIZE_MAX / 2u, 3u) == NULL); /* overflow */
	CHECK(pvPortMalloc(SIZE_MAX) == NULL);
	CHECK(hook_calls == 1u);

	unsigned char *p = pvPortCalloc(10u, 30u);

	CHECK(p != NULL);
	bool zero = true;

	for (size_t i = 0u; p != NULL && i < 300u; i++) {
		zero = zero && p[i] == 0u;
	}
	CHECK(zero);
	vPortFree(p);
	CHECK(xSysHeapFreeRTOSHeap(0) != NULL && xSysHeapFreeRTOSHeap(1) == NULL);
}

static uint8_t region_a[2048] __attribute__((aligned(8)));
static uint8_t region_b[4096] __attribute__((aligned(8)));

static void test_regions(void)
{
	const HeapRegion_t regions[] = {
		{ region_a, sizeof(region_a) },
		{ region_b, sizeof(region_b) },
		{ NULL, 0u },
	};

	vPortHeapResetState();
	vPortDefineHeapRegions(regions);
	CHECK(asserts == 0u);
	size_t empty = xPortGetFreeHeapSize();

	CHECK(empty > 6144u - 512u && empty <= 6144u);
	void *a = pvPortMalloc(1500u);
	void *b = pvPortMalloc(1500u); /* no longer fits in region a */

	CHECK(a != NULL && (uint8_t *)a >= region_a && (uint8_t *)a < region_a + sizeof(region_a));
	CHECK(b != NULL && (uint8_t *)b >= region_b && (uint8_t *)b < region_b + sizeof(region_b));
	CHECK(xSysHeapFreeRTOSHeapOf(b) == xSysHeapFreeRTOSHeap(1));

	HeapStats_t st;

	vPortGetHeapStats(&st);
	CHECK(st.xNumberOfFreeBlocks == 2u);
	vPortFree(a);
	vPortFree(b);
	CHECK(xPortGetFreeHeapSize() == empty);

	/* Regions after the first allocation: refused by configASSERT. */
	vPortDefineHeapRegions(regions);
	CHECK(asserts == 1u);
	asserts = 0u;
}

/* The regions' multi-heap reports here (heap NULL). */
static unsigned bad_regions, foreign_frees;

static void region_hook(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)mem;
	(void)caller;
	if (h == NULL && error == SYS_HEAP_ERR_BAD_REGION) {
		bad_regions++;
	} else if (h == NULL && error == SYS_HEAP_ERR_FOREIGN_POINTER) {
		foreign_frees++;
	}
}

static uint8_t region_c[4096] __attribute__((aligned(8)));

/* An overlapping region, and the same region twice, are refused before
 * they are formatted over the first: configASSERT and the hook hear of
 * each, and the first region's heap stays whole and usable. */
static void test_overlapping_regions(void)
{
	const HeapRegion_t overlapping[] = {
		{ region_c, 2048u },
		{ region_c + 1024u, 2048u },
		{ region_c, 2048u },
		{ NULL, 0u },
	};

	vPortHeapResetState();
	vSysHeapFreeRTOSSetErrorHook(region_hook);
	asserts = bad_regions = 0u;
	vPortDefineHeapRegions(overlapping);
	CHECK(asserts == 2u);
	CHECK(bad_regions == 2u);
	CHECK(xSysHeapFreeRTOSHeap(0) != NULL && xSysHeapFreeRTOSHeap(1) == NULL);
	CHECK(sys_heap_validate(xSysHeapFreeRTOSHeap(0)));
	size_t empty = xPortGetFreeHeapSize();

	CHECK(empty > 2048u - 256u && empty <= 2048u);
	void *p = pvPortMalloc(1000u);

	CHECK(p != NULL && (uint8_t *)p >= region_c && (uint8_t *)p < region_c + 2048u);
	vPortFree(p);
	CHECK(xPortGetFreeHeapSize() == empty);
	CHECK(sys_heap_validate(xSysHeapFreeRTOSHeap(0)));

	/* A region too small to hold a heap fails configASSERT and leaves
	 * no trace: the same memory given again at full size is accepted. */
	const HeapRegion_t too_small_then_whole[] = {
		{ region_c, 8u },
		{ region_c, 2048u },
		{ NULL, 0u },
	};

	vPortHeapResetState();
	asserts = bad_regions = 0u;
	vPortDefineHeapRegions(too_small_then_whole);
	CHECK(asserts == 1u && bad_regions == 0u);
	CHECK(xSysHeapFreeRTOSHeap(0) != NULL && xSysHeapFreeRTOSHeap(1) == NULL);
	CHECK(xSysHeapFreeRTOSHeapOf(region_c + 100u) == xSysHeapFreeRTOSHeap(0));
	asserts = 0u;
}

/* Three regions given out of address order (heap_5 would assert; here
 * disjoint regions in any order are accepted): allocation follows the
 * order given, and a free of a block from the second region goes to the
 * second region's heap and no other. */
static void test_free_finds_region(void)
{
	bool a_first = (uintptr_t)region_a < (uintptr_t)region_b;
	uint8_t *lo = a_first ? region_a : region_b;
	uint8_t *hi = a_first ? region_b : region_a;
	/* Given order: c, then the higher of a/b, then the lower. */
	const HeapRegion_t three[] = {
		{ region_c, 1024u },
		{ hi, 2048u },
		{ lo, 2048u },
		{ NULL, 0u },
	};

	vPortHeapResetState();
	vSysHeapFreeRTOSSetErrorHook(region_hook);
	asserts = 0u;
	vPortDefineHeapRegions(three);
	CHECK(asserts == 0u);
	struct sys_heap *second = xSysHeapFreeRTOSHeap(1);
	struct sys_memory_stats st[3], after[3];

	CHECK(xSysHeapFreeRTOSHeap(2) != NULL && xSysHeapFreeRTOSHeap(3) == NULL);
	void *first = pvPortMalloc(900u);
	void *p = pvPortMalloc(900u); /* no longer fits in the first */

	CHECK(first != NULL && (uint8_t *)first >= region_c && (uint8_t *)first < region_c + 1024u);
	CHECK(p != NULL && (uint8_t *)p >= hi && (uint8_t *)p < hi + 2048u);
	CHECK(xSysHeapFreeRTOSHeapOf(p) == second);
	CHECK(xSysHeapFreeRTOSHeapOf(lo + 100u) == xSysHeapFreeRTOSHeap(2));
	for (size_t i = 0u; i < 3u; i++) {
		CHECK(sys_heap_runtime_stats_get(xSysHeapFreeRTOSHeap(i), &st[i]) == 0);
	}
	vPortFree(p);
	for (size_t i = 0u; i < 3u; i++) {
		CHECK(sys_heap_runtime_stats_get(xSysHeapFreeRTOSHeap(i), &after[i]) == 0);
		CHECK(sys_heap_validate(xSysHeapFreeRTOSHeap(i)));
	}
	CHECK(after[1].free_bytes > st[1].free_bytes);
	CHECK(after[1].allocated_bytes == 0u);
	CHECK(after[0].free_bytes == st[0].free_bytes && after[2].free_bytes == st[2].free_bytes);
	vPortFree(first);
	asserts = 0u;
}

/* vPortFree() of a pointer in no region is reported, whether regions are
 * defined or none is yet, and changes nothing. */
static void test_free_outside_regions(void)
{
	static uint8_t elsewhere[64] __attribute__((aligned(8)));
	const HeapRegion_t one[] = {
		{ region_a, sizeof(region_a) },
		{ NULL, 0u },
	};

	vPortHeapResetState();
	vSysHeapFreeRTOSSetErrorHook(region_hook);
	foreign_frees = 0u;
	vPortFree(elsewhere + 8); /* no region at all yet */
	CHECK(foreign_frees == 1u);

	vPortDefineHeapRegions(one);
	size_t empty = xPortGetFreeHeapSize();
	HeapStats_t hs;

	vPortFree(elsewhere + 8);
	vPortFree(region_a + sizeof(region_a)); /* just past the region */
	CHECK(foreign_frees == 3u);
	CHECK(xPortGetFreeHeapSize() == empty);
	vPortGetHeapStats(&hs);
	CHECK(hs.xNumberOfSuccessfulFrees == 0u);
	CHECK(sys_heap_validate(xSysHeapFreeRTOSHeap(0)));
	CHECK(suspended == 0 && critical == 0);
}

/* Handler mode: the RTOS lock may not be taken there. */
static unsigned isr_errors;

static void isr_hook(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)h;
	(void)mem;
	(void)caller;
	if (error == SYS_HEAP_ERR_LOCK_CONTEXT) {
		isr_errors++;
	}
}

static void test_from_isr(void)
{
	vPortHeapResetState();
	void *p = pvPortMalloc(64u);

	sys_heap_set_error_hook(xSysHeapFreeRTOSHeap(0), isr_hook);
	size_t before = xPortGetFreeHeapSize();
	unsigned locks = *lock_counter();

	sys_heap_host_in_isr = true;
	CHECK(pvPortMalloc(64u) == NULL);
	vPortFree(p);
	sys_heap_host_in_isr = false;
	CHECK(isr_errors == 2u);
	CHECK(*lock_counter() == locks); /* the scheduler lock never taken */
	CHECK(xPortGetFreeHeapSize() == before);
	vPortFree(p);
	CHECK(suspended == 0 && critical == 0);
}

int main(void)
{
	printf("test-freertos: lock %s\n",
	       sysheapFREERTOS_USE_CRITICAL_SECTION ? "taskENTER_CRITICAL" : "vTaskSuspendAll");
	test_fill_and_drain();
	test_calloc_and_zero();
	test_regions();
	test_overlapping_regions();
	test_free_finds_region();
	test_free_outside_regions();
	test_from_isr();
	printf("%u passed, %u failed\n", passed, failed);
	return failed != 0u;
}
