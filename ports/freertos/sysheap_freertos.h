/**
 * @file sysheap_freertos.h
 * @brief libsysheap as FreeRTOS's heap: ports/freertos/sysheap_freertos.c
 *        replaces heap_4.c or heap_5.c.
 *
 * Build sysheap_freertos.c instead of FreeRTOS's heap_N.c, with this
 * folder and libsysheap's include/ on the include path, and link
 * libsysheap.a. The functions are the ones FreeRTOS's portable.h declares:
 * pvPortMalloc, vPortFree, pvPortCalloc, xPortGetFreeHeapSize,
 * xPortGetMinimumEverFreeHeapSize, xPortResetHeapMinimumEverFreeHeapSize,
 * vPortGetHeapStats, vPortInitialiseBlocks, vPortHeapResetState and
 * vPortDefineHeapRegions.
 *
 * **Memory.** Like heap_4: `ucHeap[configTOTAL_HEAP_SIZE]` (defined here,
 * or by the application with configAPPLICATION_ALLOCATED_HEAP 1),
 * formatted on the first pvPortMalloc(). Like heap_5: call
 * vPortDefineHeapRegions() before the first allocation and every region
 * becomes a heap of its own (up to sysheapFREERTOS_MAX_REGIONS), added to
 * one sys_multi_heap (sys_multi_heap.h); allocation tries them in the
 * order given, free finds the block's region by binary search of the
 * multi-heap (O(log regions)). A region that overlaps one given before it
 * (or repeats it), or is too small to hold a heap, is left out before
 * anything is written to it, and fails configASSERT(); an overlap is also
 * reported to the port's error hook (vSysHeapFreeRTOSSetErrorHook()) as
 * SYS_HEAP_ERR_BAD_REGION. heap_5 asserts on regions out of address
 * order; here disjoint regions in any order are accepted. A second call,
 * or one after the first allocation, fails configASSERT() and changes
 * nothing.
 *
 * **Lock.** Each region heap gets its own lock (sys_heap_set_lock()):
 * vTaskSuspendAll()/xTaskResumeAll() as heap_4 does, or with
 * sysheapFREERTOS_USE_CRITICAL_SECTION 1 taskENTER_CRITICAL()/
 * taskEXIT_CRITICAL(). Both nest, so the lock is recursive; neither may be
 * taken in an interrupt, so a call from handler mode is reported to the
 * heap's error hook (SYS_HEAP_ERR_LOCK_CONTEXT) and fails (NULL), where
 * FreeRTOS would corrupt its scheduler state.
 *
 * **Failure.** pvPortMalloc() returns NULL for 0 bytes, for what does not
 * fit, and pvPortCalloc() for a count * size that overflows; with
 * configUSE_MALLOC_FAILED_HOOK 1 the failure of a non-zero request calls
 * vApplicationMallocFailedHook(). vPortFree() of a pointer in no region
 * goes to the port's error hook as SYS_HEAP_ERR_FOREIGN_POINTER, and a bad
 * pointer inside a region to that region heap's own hook (libsysheap's
 * hardening); neither gets into the lists.
 *
 * **Statistics.** Free bytes count whole chunks, headers included, as
 * heap_4's xBlockSize does. vPortGetHeapStats() walks every region heap
 * (O(blocks), with the lock held per region, as heap_4 walks its list).
 *
 * **Tested against the documented API only.** The FreeRTOS kernel is not
 * in Debian and is not copied here: the port is built against
 * FreeRTOS.h/task.h as FreeRTOS documents them, and `make test-freertos`
 * builds it against tests/freertos/'s own minimal stand-ins for those
 * headers and the scheduler calls.
 */
#ifndef SYSHEAP_FREERTOS_H
#define SYSHEAP_FREERTOS_H

#include "sys_heap.h"

/** Region heaps at most (heap_5's region list). */
#ifndef sysheapFREERTOS_MAX_REGIONS
#define sysheapFREERTOS_MAX_REGIONS 4
#endif

/** 1: lock with taskENTER_CRITICAL()/taskEXIT_CRITICAL() (a heap also
 *  used while the scheduler is suspended); 0: vTaskSuspendAll(). */
#ifndef sysheapFREERTOS_USE_CRITICAL_SECTION
#define sysheapFREERTOS_USE_CRITICAL_SECTION 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** The region heap that owns `mem`, or NULL (O(log regions)); for diagnostics
 *  (sys_heap_report(), sys_heap_set_error_hook()). */
struct sys_heap *xSysHeapFreeRTOSHeapOf(void *mem);

/** Where the regions' multi-heap reports: a region refused by
 *  vPortDefineHeapRegions() (::SYS_HEAP_ERR_BAD_REGION) and vPortFree() of
 *  a pointer in no region (::SYS_HEAP_ERR_FOREIGN_POINTER), with `heap`
 *  NULL. NULL: sys_heap_default_error_hook(). Kept by
 *  vPortHeapResetState(). Each region heap's own hook is set with
 *  sys_heap_set_error_hook(xSysHeapFreeRTOSHeap(i), ...). */
void vSysHeapFreeRTOSSetErrorHook(sys_heap_error_hook_t hook);

/** Region heap `index` in the order given (0 is ucHeap in heap_4 mode),
 *  or NULL. Formats ucHeap first if nothing was allocated yet. */
struct sys_heap *xSysHeapFreeRTOSHeap(size_t index);

#ifdef __cplusplus
}
#endif

#endif /* SYSHEAP_FREERTOS_H */
