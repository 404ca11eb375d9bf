/**
 * @file sys_heap_record.h
 * @brief Record a heap's allocation sequence on the target, compactly, for
 *        the heap-sizing oracle (tools/heapsize, docs/tools.md).
 *
 * A recorder is a ::sys_heap_listener (build with ::SYS_HEAP_LISTENERS=1)
 * that appends one small binary record per successful call to a RAM
 * buffer the firmware owns: about 5 bytes per call (a tag byte, the
 * block's offset in the heap and the requested size as base-128 varints).
 * When the buffer is full it is handed to a flush callback (stream it over
 * semihosting or a UART) and reused; without a callback recording stops
 * and every later call is counted in `lost`. sys_heap_record_stop() ends
 * the log with the counts, so a truncated log is never mistaken for a
 * whole one (tools/heapsize refuses a log that lost calls, and says so of
 * one read before its end). Pull an unflushed buffer out with the gdb
 * extension: `sysheap record <recorder> FILE`.
 *
 * Log format (version 1), all integers unsigned LEB128 varints:
 *   "SHR1"  heap_addr  heap_bytes  header_bytes         (the header)
 *   'a' offset bytes                     an allocation of `bytes`
 *   'f' offset                           a free
 *   'r' old_offset new_offset bytes      a realloc (moved or not)
 *   'e' records lost                     the end (sys_heap_record_stop())
 * Offsets are the block's address minus heap_addr. Failed calls are not
 * recorded (the listener is not told of them), nor is an aligned
 * allocation's alignment: replays treat it as a plain allocation.
 *
 * Cost: a listener test per heap call when no recorder is attached; with
 * one, some 60 to 110 instructions more per call on Cortex-M4 (measured by
 * `make test-oracle`, docs/tools.md), under the caller's lock.
 * Thread safety: as the heap's (the listener runs inside the call).
 */
#ifndef SYS_HEAP_RECORD_H
#define SYS_HEAP_RECORD_H

#include "sys_heap.h"

/** Called with the filled part of the buffer when it is full, and by
 *  sys_heap_record_flush(); the buffer is reused when it returns. */
typedef void (*sys_heap_record_flush_t)(void *ctx, const uint8_t *data, size_t bytes);

/** One recording. All members are the recorder's; read `used`, `records`
 *  and `lost` freely. */
struct sys_heap_recorder {
	struct sys_heap_listener listener;
	uint8_t *buf;
	size_t size;
	size_t used;                   /**< Bytes in buf not yet flushed. */
	uintptr_t base;                /**< The heap's address (offsets start here). */
	sys_heap_record_flush_t flush; /**< NULL: keep the first `size` bytes. */
	void *flush_ctx;
	uint32_t records;              /**< Calls recorded. */
	uint32_t lost;                 /**< Calls that did not fit (no flush). */
};

/** Largest record, in bytes: a realloc, three varints of values below the
 *  heap size (5 bytes each for heaps under 32 GiB). */
#define SYS_HEAP_RECORD_MAX_BYTES 16u

/**
 * Start recording `heap` into `buf` (at least 48 bytes: the header, a
 * record and the end record). Writes the log
 * header, then attaches the recorder as the heap's listener (replacing any).
 * Returns false, recording nothing, on NULL arguments, a buffer too small,
 * an unformatted heap or a build without ::SYS_HEAP_LISTENERS. O(1).
 */
bool sys_heap_record_start(struct sys_heap_recorder *rec, struct sys_heap *heap, uint8_t *buf,
			   size_t size, sys_heap_record_flush_t flush, void *flush_ctx);

/** Stop recording (detach the listener), end the log with the counts of
 *  recorded and lost calls, and flush what is left. Call it once. O(1)
 *  plus the flush. NULL arguments are ignored. */
void sys_heap_record_stop(struct sys_heap_recorder *rec, struct sys_heap *heap);

/** Hand the buffered bytes to the flush callback now (no-op without one). */
void sys_heap_record_flush(struct sys_heap_recorder *rec);

#endif /* SYS_HEAP_RECORD_H */
