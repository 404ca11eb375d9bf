/**
 * @file sys_heap_guard.h
 * @brief MPU-guarded sampled allocations (SYS_HEAP_GUARD): heap overflows,
 *        underflows and uses after free caught at the faulting instruction.
 *
 * **What it does.** Allocations made through sys_heap_guard_alloc() are
 * sampled: one in ::SYS_HEAP_GUARD_SAMPLE_RATE (and every one made through
 * sys_heap_guard_alloc_marked(), for the call sites you suspect) is served
 * from a small **guarded pool** instead of the heap. Each pool slot sits
 * next to memory the MPU makes no-access. In the default (overflow) mode
 * the block ends exactly where that memory starts, so a one-byte overflow
 * faults; with ::SYS_HEAP_GUARD_UNDERFLOW the block starts right after it.
 * A freed slot stays no-access until it is reused (the quarantine), so a
 * read or write after free faults too. The MemManage handler decodes the
 * fault address (MMFAR), finds the slot and reports through the heap's
 * error hook with ::SYS_HEAP_ERR_GUARD_FAULT: `mem` is the block, `caller`
 * the faulting PC; sys_heap_guard_last_report() adds the size, the offset
 * of the access and the allocation and free call sites. The default hook
 * then stops, as for any heap error.
 *
 * **Alignment.** In overflow mode a guarded block ends exactly at the
 * boundary, so it is aligned to the largest power of two that divides its
 * size (up to 32): every object that fills the block is aligned, but a
 * 13-byte block is only byte-aligned. In underflow mode it starts at the
 * slot, aligned to 32 at least.
 * A request larger than ::SYS_HEAP_GUARD_SLOT_SIZE, or made while every
 * slot is live or in quarantine, is served by the heap as usual.
 *
 * **MPU use.** The guard programs only the regions
 * ::SYS_HEAP_GUARD_REGION_FIRST .. FIRST + ::SYS_HEAP_GUARD_REGION_COUNT - 1;
 * the firmware's own regions and the background-map bit (PRIVDEFENA) are
 * left as the firmware set them. If the MPU is off when the guard starts,
 * it is turned on with PRIVDEFENA (the default map for privileged code),
 * so the firmware's behaviour outside the pool does not change. The guard
 * also enables the MemManage exception (SHCSR.MEMFAULTENA).
 * - PMSAv7 (Cortex-M3/M4/M7): each region covers 8 pages of
 *   SLOT_SIZE bytes; even pages are slots and odd pages guards (overflow
 *   mode), or the reverse (underflow mode); a page is opened with its
 *   subregion-disable bit only while its block is live. 4 slots per region.
 * - PMSAv8 (Cortex-M33): no privileged no-access permission exists, but an
 *   address that two regions match faults; the guard chains its regions so
 *   that consecutive ones overlap exactly on the pool outside the live
 *   slots. Slots are separated by 32-byte gaps; at most REGION_COUNT - 2
 *   slots are live at once. It claims MAIR attribute
 *   ::SYS_HEAP_GUARD_MAIR_INDEX (set to normal write-back memory).
 *
 * **The MemManage handler.** With ::SYS_HEAP_GUARD_HANDLER (default 1) the
 * library defines `MemManage_Handler`. A fault that is not the guard's is
 * passed on to sys_heap_guard_unhandled(), which a firmware with its own
 * MemManage logic overrides (chaining); its default traps (`udf`), which
 * escalates to HardFault. A firmware that keeps its own handler builds with
 * SYS_HEAP_GUARD_HANDLER=0 and calls sys_heap_guard_handle_fault() first.
 * A fault taken where MemManage cannot preempt (PRIMASK set, or a handler
 * at its priority) escalates to HardFault, where the fault status is still
 * valid: a HardFault handler may call sys_heap_guard_handle_fault() too.
 * If the error hook returns, the faulting access is let through once: the
 * guard disarms its regions and re-arms them at the next guarded alloc or
 * free (hits are counted in the statistics either way).
 *
 * **Thread safety.** The pool is shared by every heap; its alloc and free
 * take the lock of the heap they were called with (sys_heap_lock_for()),
 * whose default is the one interrupt-masking lock of every heap. The
 * sampling counter is read without it (a race only moves a sample).
 * The heap call underneath is the plain, unlocked one: lock around
 * sys_heap_guard_alloc() and sys_heap_guard_free() as around sys_heap_alloc().
 *
 * **Cost.** An unsampled alloc pays the sampling decision (a countdown),
 * an unsampled free two compares against the pool bounds; `make
 * bench-guard` measures both and the sampled path, RAM per slot and flash.
 */
#ifndef SYS_HEAP_GUARD_H
#define SYS_HEAP_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_heap.h"

/** One allocation in this many made through sys_heap_guard_alloc() is
 *  guarded. 1 guards every one. Default 64. */
#ifndef SYS_HEAP_GUARD_SAMPLE_RATE
#define SYS_HEAP_GUARD_SAMPLE_RATE 64
#endif

/** Bytes per slot: the largest guarded block. PMSAv7: a power of two, at
 *  least 32 (a region is 8 such pages, and holds 4 slots). PMSAv8: a
 *  multiple of 32. QEMU's MPU model caches 1 KiB pages, so the QEMU tests
 *  of PMSAv7 use 1024; real parts work down to 32. Default 256. */
#ifndef SYS_HEAP_GUARD_SLOT_SIZE
#define SYS_HEAP_GUARD_SLOT_SIZE 256
#endif

/** The first MPU region number the guard may program. Default 4. */
#ifndef SYS_HEAP_GUARD_REGION_FIRST
#define SYS_HEAP_GUARD_REGION_FIRST 4
#endif

/** How many MPU regions, from ::SYS_HEAP_GUARD_REGION_FIRST up, the guard
 *  may program. PMSAv7: 4 slots each. PMSAv8: at least 3; REGION_COUNT - 2
 *  slots may be live at once. Default 2 (PMSAv7), 4 (PMSAv8). */
#ifndef SYS_HEAP_GUARD_REGION_COUNT
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define SYS_HEAP_GUARD_REGION_COUNT 4
#else
#define SYS_HEAP_GUARD_REGION_COUNT 2
#endif
#endif

/** PMSAv8 only: slots in the pool (live or in quarantine). PMSAv7 has
 *  4 per region. Default 8. */
#ifndef SYS_HEAP_GUARD_V8_SLOTS
#define SYS_HEAP_GUARD_V8_SLOTS 8
#endif

/** 0: blocks end at a guard (overflows trap). 1: blocks start right after
 *  one (underflows trap). Default 0. */
#ifndef SYS_HEAP_GUARD_UNDERFLOW
#define SYS_HEAP_GUARD_UNDERFLOW 0
#endif

/** A freed slot is reused only while more than this many slots are free,
 *  so it waits behind at least this many others (FIFO): the use-after-free
 *  window. A sample that finds no slot beyond it goes to the heap.
 *  Default: half the slots. */
#ifndef SYS_HEAP_GUARD_QUARANTINE
#define SYS_HEAP_GUARD_QUARANTINE (-1)
#endif

/** PMSAv8 only: the MAIR attribute index the guard's regions use; the
 *  guard writes it as normal write-back memory. Default 7. */
#ifndef SYS_HEAP_GUARD_MAIR_INDEX
#define SYS_HEAP_GUARD_MAIR_INDEX 7
#endif

/** Define `MemManage_Handler` in the library (1), or leave the vector to
 *  the firmware, which calls sys_heap_guard_handle_fault() (0). Default 1. */
#ifndef SYS_HEAP_GUARD_HANDLER
#define SYS_HEAP_GUARD_HANDLER 1
#endif

/* SYS_HEAP_GUARD_SECTION: define it as the linker section of the pool
 * (e.g. ".sram2.guard"; zero-initialised or NOLOAD) to place it there.
 * Not defined by default: the pool is in .bss. */

#ifdef __cplusplus
extern "C" {
#endif

/** What the guard reports of a fault (see sys_heap_guard_last_report()). */
struct sys_heap_guard_report {
	struct sys_heap *heap;   /**< the heap the block was allocated for */
	void *block;             /**< the guarded block */
	size_t size;             /**< its requested size in bytes */
	ptrdiff_t offset;        /**< fault address - block: size.. overflow, <0 underflow */
	uintptr_t fault_address; /**< MMFAR */
	uintptr_t pc;            /**< the faulting instruction */
	bool after_free;         /**< the block had been freed */
	void *alloc_caller;      /**< return address of the alloc (SYS_HEAP_TRACE_CALLERS), or NULL */
	void *free_caller;       /**< return address of the free (SYS_HEAP_TRACE_CALLERS), or NULL */
};

/** Counters of the guard since reset. */
struct sys_heap_guard_stats {
	size_t sampled;   /**< allocations served from the pool */
	size_t fallbacks; /**< samples served by the heap (too big, no slot free) */
	size_t hits;      /**< faults the guard decoded and reported */
};

/**
 * Allocate like sys_heap_alloc(); one call in ::SYS_HEAP_GUARD_SAMPLE_RATE
 * is served from the guarded pool. NULL for 0 bytes or as sys_heap_alloc().
 * O(1). Not locked: see the file comment.
 */
void *sys_heap_guard_alloc(struct sys_heap *heap, size_t bytes);

/** Like sys_heap_guard_alloc(), but always tries the pool: use it at the
 *  call sites (or for the sizes) you suspect. O(1). */
void *sys_heap_guard_alloc_marked(struct sys_heap *heap, size_t bytes);

/**
 * Free a block from sys_heap_guard_alloc() or sys_heap_alloc() of `heap`.
 * Guarded blocks must be freed here: to sys_heap_free(), realloc and
 * usable_size they are foreign pointers.
 * A guarded block's slot becomes no-access (quarantine). Freeing a pointer
 * inside the pool that is not a live guarded block is reported to the
 * error hook (::SYS_HEAP_ERR_DOUBLE_FREE after a free, else
 * ::SYS_HEAP_ERR_FOREIGN_POINTER) and ignored. NULL is ignored. O(1).
 */
void sys_heap_guard_free(struct sys_heap *heap, void *mem);

/** True if `mem` lies in the guarded pool. O(1). */
bool sys_heap_guard_owns(const void *mem);

/**
 * The decoder, for a firmware with its own MemManage handler
 * (SYS_HEAP_GUARD_HANDLER=0): `frame` is the stacked exception frame
 * (r0-r3, r12, lr, pc, xpsr). Returns true when the fault was the guard's
 * (reported, and the access let through if the hook returned); false
 * otherwise, touching nothing.
 */
bool sys_heap_guard_handle_fault(uint32_t *frame);

/** Called by the library's MemManage_Handler with the stacked frame for a
 *  fault that is not the guard's. Weak; the default traps. */
void sys_heap_guard_unhandled(uint32_t *frame);

/** The last fault the guard reported, or NULL before the first. */
const struct sys_heap_guard_report *sys_heap_guard_last_report(void);

/** Read the counters. */
void sys_heap_guard_stats_get(struct sys_heap_guard_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_GUARD_H */
