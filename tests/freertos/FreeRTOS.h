/*
 * FreeRTOS.h: a minimal stand-in for the test of ports/freertos, our own
 * declarations of what the port uses, as FreeRTOS documents them (the
 * kernel is not in Debian and is not copied here). Configuration as a
 * FreeRTOSConfig.h would give it.
 */
#ifndef TEST_FREERTOS_H
#define TEST_FREERTOS_H

#include <stddef.h>
#include <stdint.h>

typedef long BaseType_t;
typedef unsigned long UBaseType_t;

/* 16 KiB; less on the 16 KiB micro:bit, where tests/preempt uses it. */
#ifndef configTOTAL_HEAP_SIZE
#if defined(__ARM_ARCH_6M__)
#define configTOTAL_HEAP_SIZE 1024u
#else
#define configTOTAL_HEAP_SIZE (16u * 1024u)
#endif
#endif
#define configUSE_MALLOC_FAILED_HOOK 1

void test_freertos_assert_failed(const char *file, int line);
#define configASSERT(x) ((x) ? (void)0 : test_freertos_assert_failed(__FILE__, __LINE__))

/* portable.h */
typedef struct HeapRegion {
	uint8_t *pucStartAddress;
	size_t xSizeInBytes;
} HeapRegion_t;

typedef struct xHeapStats {
	size_t xAvailableHeapSpaceInBytes;
	size_t xSizeOfLargestFreeBlockInBytes;
	size_t xSizeOfSmallestFreeBlockInBytes;
	size_t xNumberOfFreeBlocks;
	size_t xMinimumEverFreeBytesRemaining;
	size_t xNumberOfSuccessfulAllocations;
	size_t xNumberOfSuccessfulFrees;
} HeapStats_t;

void *pvPortMalloc(size_t xWantedSize);
void *pvPortCalloc(size_t xNum, size_t xSize);
void vPortFree(void *pv);
void vPortInitialiseBlocks(void);
size_t xPortGetFreeHeapSize(void);
size_t xPortGetMinimumEverFreeHeapSize(void);
void xPortResetHeapMinimumEverFreeHeapSize(void);
void vPortGetHeapStats(HeapStats_t *pxHeapStats);
void vPortHeapResetState(void);
void vPortDefineHeapRegions(const HeapRegion_t *const pxHeapRegions);
void vApplicationMallocFailedHook(void);

#endif
