/**
 * @file sys_heap_config.h
 * @brief Every compile-time option of libsysheap, with its default and its cost.
 *
 * Each option may be set with `-D` on the compiler command line (the
 * Makefile passes `make VAR=value` through for the ones named below) or by
 * defining it before including `sys_heap.h`. The library and the firmware
 * that uses it must agree on every option, so set them in one place: the
 * Makefile's `CONFIG_DEFS`. The link checks the ones that change the
 * sizing macros or the heap layout (HARDENING, HEADER_FORMAT, STATS,
 * TRACE_CALLERS, LISTENERS): a firmware compiled with other values fails
 * with an undefined reference to `libsysheap built with <its values>`
 * (sys_heap_link_check.h). `sysheap_options.txt`, installed next to each
 * archive, lists the values the archive was built with.
 */
#ifndef SYS_HEAP_CONFIG_H
#define SYS_HEAP_CONFIG_H

/**
 * How many entries of the smallest bucket that *might* fit an allocation
 * the default alloc samples (it takes the first that fits) before it takes
 * the smallest bucket that *must* fit. Higher values fragment less and cost
 * about 9 instructions per extra sample in the worst case. 0 skips the
 * sampling entirely. Default 3.
 */
#ifndef SYS_HEAP_ALLOC_LOOPS
#define SYS_HEAP_ALLOC_LOOPS 3
#endif

/**
 * 1: the default alloc keeps the smallest of its SYS_HEAP_ALLOC_LOOPS
 * samples instead of the first that fits. Slightly less fragmentation for
 * a longer worst case: docs/benchmarks.md's configuration table has both,
 * measured. Default 0.
 */
#ifndef SYS_HEAP_ALLOC_BEST_FIT
#define SYS_HEAP_ALLOC_BEST_FIT 0
#endif

/**
 * Sample size of the "fit" search effort (::SYS_HEAP_EFFORT_FIT): the
 * bounded best-fit search (the smallest of the entries sampled) a
 * thread-context caller can ask for per call.
 * Default 16.
 */
#ifndef SYS_HEAP_FIT_LOOPS
#define SYS_HEAP_FIT_LOOPS 16
#endif

/** Header format value: chosen per heap from its size (the default). */
#define SYS_HEAP_HEADER_AUTO 0
/** Header format value: every heap uses 4-byte headers; larger regions are
 *  clipped to the largest small heap (about 256 KiB). 32-bit targets only. */
#define SYS_HEAP_HEADER_SMALL 1
/** Header format value: every heap uses 8-byte headers. */
#define SYS_HEAP_HEADER_BIG 2

/**
 * Chunk header format. `AUTO` gives heaps under 256 KiB 4-byte headers and
 * larger ones 8-byte headers, at the cost of a branch in each field access.
 * `SMALL` or `BIG` fix the format and let the compiler drop that branch
 * (smaller, faster code). 64-bit builds always use `BIG`.
 */
#ifndef SYS_HEAP_HEADER_FORMAT
#define SYS_HEAP_HEADER_FORMAT SYS_HEAP_HEADER_AUTO
#endif

/**
 * Speed against code size. 0 (the default) favours flash: one copy of
 * alloc and free serves both header formats, and the list operations and
 * the pointer check of BASIC are shared out-of-line functions. 1 compiles
 * a copy of alloc and free per header format, inlines the list operations
 * and the pointer check, and unrolls the sampling loop: about a third
 * fewer instructions per call for 1.5 to 1.7 times the code. `make bench`
 * measures both (docs/benchmarks.md, configuration table).
 */
#ifndef SYS_HEAP_OPTIMIZE_SPEED
#define SYS_HEAP_OPTIMIZE_SPEED 0
#endif
#ifdef SYS_HEAP_OPTIMIZE_SIZE
#error "SYS_HEAP_OPTIMIZE_SIZE is gone: the default build is the small one; SYS_HEAP_OPTIMIZE_SPEED=1 selects the fast one"
#endif

/**
 * Runtime statistics (free, allocated and peak allocated bytes), kept up to
 * date on every operation. Costs three words per heap and a few
 * instructions per operation. 0 removes them; the stats calls then return
 * ::SYS_HEAP_ERR_UNSUPPORTED. Default 1.
 */
#ifndef SYS_HEAP_STATS
#define SYS_HEAP_STATS 1
#endif

/** Hardening level: no checks at all; the same code as a build without
 *  hardening. */
#define SYS_HEAP_HARDENING_NONE 0
/** Hardening level: free and realloc reject pointers that are not live
 *  blocks of this heap (double free, foreign, misaligned, interior, another
 *  heap's), a clobbered header on either side, and free-list links of a
 *  neighbour that do not link back before it is unlinked. No extra bytes;
 *  on Cortex-M4 about 75 more instructions per free at the median, 120 in
 *  the worst case (make bench, Hardening levels). */
#define SYS_HEAP_HARDENING_BASIC 1
/** Hardening level: BASIC plus a checked guard header before every block
 *  and a canary after it, keyed by a per-heap secret. Checked at free,
 *  realloc and validate. 8 bytes (16 on 64-bit) before each block and at
 *  least 4 after it. */
#define SYS_HEAP_HARDENING_GUARDS 2
/** Hardening level: GUARDS plus poisoning: freed memory is filled with a
 *  pattern that is checked when it is handed out again, so a write after
 *  free is caught. Free and alloc become O(block size). */
#define SYS_HEAP_HARDENING_POISON 3
/** Hardening level: POISON plus a full sys_heap_validate() on entry to
 *  every operation. O(heap) per call: debug builds only. */
#define SYS_HEAP_HARDENING_FULL 4

/**
 * How much checking the heap does; each level includes the ones below.
 * Default BASIC: it turns double frees, foreign pointers and header
 * overflows into a call of the error hook instead of silent corruption.
 */
#ifndef SYS_HEAP_HARDENING
#define SYS_HEAP_HARDENING SYS_HEAP_HARDENING_BASIC
#endif

/**
 * Allocation-site tracing: each live block records the return address of
 * the call that allocated it, and the file and line when it was allocated
 * through SYS_HEAP_ALLOC_HERE(). Read back with sys_heap_get_caller() and
 * listed by sys_heap_leak_report(). Costs two pointers per block. Default 0.
 */
#ifndef SYS_HEAP_TRACE_CALLERS
#define SYS_HEAP_TRACE_CALLERS 0
#endif

/**
 * Listener hooks (Zephyr's CONFIG_SYS_HEAP_LISTENER): a per-heap struct of
 * callbacks (sys_heap_set_listener()) and Zephyr's global listener list
 * (sys_heap_listener.h, heap_listener_register()), told of every alloc,
 * free and resize. Costs a pointer per heap and a walk of the global list
 * per operation. At 0 nothing of them is compiled in, and a call of
 * heap_listener_register() fails the link with a name that says so.
 * Default 0.
 */
#ifndef SYS_HEAP_LISTENERS
#define SYS_HEAP_LISTENERS 0
#endif

/**
 * Capacity of the array sys_heap_array_get() returns (Zephyr's
 * CONFIG_SYS_HEAP_ARRAY_SIZE): the SYS_HEAP_DEFINE() heaps plus those added
 * with sys_heap_array_save(). One pointer of RAM each, linked only into
 * firmware that calls either function. Default 8.
 */
#ifndef SYS_HEAP_ARRAY_SIZE
#define SYS_HEAP_ARRAY_SIZE 8
#endif

/**
 * MPU-guarded sampled allocations (include/sys_heap_guard.h, src/guard/):
 * one allocation in ::SYS_HEAP_GUARD_SAMPLE_RATE made through
 * sys_heap_guard_alloc() is served from a small pool whose slots sit next
 * to no-access MPU memory, so an overflow, underflow or use after free
 * traps at the faulting instruction. ARMv7-M (PMSAv7: Cortex-M3/M4/M7)
 * and ARMv8-M Mainline (PMSAv8: Cortex-M33) only; refused elsewhere.
 * Nothing of it is compiled at 0. Default 0. The other SYS_HEAP_GUARD_*
 * options (rate, slot size, MPU regions, mode, quarantine, pool section)
 * are documented in sys_heap_guard.h.
 */
#ifndef SYS_HEAP_GUARD
#define SYS_HEAP_GUARD 0
#endif
#if SYS_HEAP_GUARD && !(defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
			defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__))
#error "SYS_HEAP_GUARD needs a Cortex-M MPU (ARMv7-M: M3/M4/M7, or ARMv8-M Mainline: M33); Cortex-M0/M0+/M23 and hosts have none: build with SYS_HEAP_GUARD=0"
#endif

/**
 * Low-water marks: the smallest "largest request guaranteed to succeed"
 * since init or the last reset, and the number of allocations that failed
 * for want of memory, read with sys_heap_watermarks_get() in O(1) (with
 * the minimum free bytes, which SYS_HEAP_STATS already keeps). Costs two
 * words in the heap's descriptor, a compare and a store per allocation
 * (measured on Cortex-M4: 8 more instructions in the worst alloc, 10 at
 * the median; 76 bytes more in the core; `make bench`, row `know` with the
 * OOM hook), and a call on the failure path. Needs SYS_HEAP_STATS.
 * Default 0: compiled out, the calls return ::SYS_HEAP_ERR_UNSUPPORTED and
 * nothing is kept.
 */
#ifndef SYS_HEAP_WATERMARKS
#define SYS_HEAP_WATERMARKS 0
#endif
#if SYS_HEAP_WATERMARKS && !SYS_HEAP_STATS
#error "SYS_HEAP_WATERMARKS needs SYS_HEAP_STATS (the minimum free bytes is the peak of the allocated bytes)"
#endif

/**
 * Owners and quotas: the number of owner ids (a task, a module: 0 to
 * SYS_HEAP_OWNERS - 1) a block can be charged to; 0 (the default) turns
 * the feature off and the owner calls are not declared. Each block records
 * its owner in its prefix (a word: 4 bytes on 32-bit targets, rounded up
 * with the rest of the prefix to 8), set per call (sys_heap_alloc_owned())
 * or by a per-heap hook that names the running context's owner
 * (sys_heap_set_owner_hook()). The heap keeps each owner's bytes and peak
 * in O(1) and refuses an allocation that would take an owner past its
 * limit (sys_heap_owner_set_limit()), telling the OOM hook why. The
 * counts live in a table the caller gives (sys_heap_owners_attach(), three
 * words per owner), so the descriptor grows by a pointer only. Measured by
 * `make bench` (row `owners`, 8 owners, no table attached) on Cortex-M4:
 * 8 more bytes per block (the word, rounded to the 8-byte granule), about
 * 50 more instructions per alloc and 6 to 12 per free, 328 bytes more in
 * the core.
 */
#ifndef SYS_HEAP_OWNERS
#define SYS_HEAP_OWNERS 0
#endif

/**
 * The most free-list entries sys_heap_largest_free_chunk() reads: its
 * bound on time, about 5 instructions per entry. When the highest
 * non-empty bucket holds more, it says the answer is not exact. Tunes the
 * library only. Default 32.
 */
#ifndef SYS_HEAP_LARGEST_FREE_SCAN
#define SYS_HEAP_LARGEST_FREE_SCAN 32
#endif

/**
 * Out-of-memory hook: a per-heap callback (sys_heap_set_oom_hook()) told of
 * every allocation about to fail for want of memory, which may release
 * memory and ask for one retry. Costs two pointers and a flag in the
 * heap's descriptor and a call on the failure path, which links the
 * out-of-line search aligned alloc uses (on Cortex-M4, 350 bytes more in a
 * firmware with only init, alloc and free, 196 with the full API; the
 * alloc that succeeds takes about 4 instructions more, from code layout).
 * Default 0: compiled out, sys_heap_set_oom_hook() returns
 * ::SYS_HEAP_ERR_UNSUPPORTED.
 */
#ifndef SYS_HEAP_OOM_HOOK
#define SYS_HEAP_OOM_HOOK 0
#endif

/*
 * Every option's value is checked here, so a typo in a firmware's build
 * flags stops the build instead of choosing a configuration silently. The
 * preprocessor reads an unknown name as 0 (-DSYS_HEAP_HARDENING=GUARDS would
 * be level NONE), so the levels, formats and switches must paste into one
 * of the names below: a digit in range, or a macro that expands to one.
 */
#define Z_SYS_HEAP_PASTE_(a, b) a##b
#define Z_SYS_HEAP_PASTE(a, b) Z_SYS_HEAP_PASTE_(a, b)
#define Z_SYS_HEAP_DIGIT_0 1
#define Z_SYS_HEAP_DIGIT_1 1
#define Z_SYS_HEAP_DIGIT_2 1
#define Z_SYS_HEAP_DIGIT_3 1
#define Z_SYS_HEAP_DIGIT_4 1
/* 1 when `v` is a single digit 0..max (or a macro naming one). */
#define Z_SYS_HEAP_DIGIT_UP_TO(v, max) (Z_SYS_HEAP_PASTE(Z_SYS_HEAP_DIGIT_, v) && (v) <= (max))

#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_HARDENING, 4)
#error "SYS_HEAP_HARDENING must be 0 to 4, or one of SYS_HEAP_HARDENING_NONE, _BASIC, _GUARDS, _POISON, _FULL"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_HEADER_FORMAT, 2)
#error "SYS_HEAP_HEADER_FORMAT must be 0 to 2, or one of SYS_HEAP_HEADER_AUTO, _SMALL, _BIG"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_ALLOC_BEST_FIT, 1)
#error "SYS_HEAP_ALLOC_BEST_FIT must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_OPTIMIZE_SPEED, 1)
#error "SYS_HEAP_OPTIMIZE_SPEED must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_STATS, 1)
#error "SYS_HEAP_STATS must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_TRACE_CALLERS, 1)
#error "SYS_HEAP_TRACE_CALLERS must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_LISTENERS, 1)
#error "SYS_HEAP_LISTENERS must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_GUARD, 1)
#error "SYS_HEAP_GUARD must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_WATERMARKS, 1)
#error "SYS_HEAP_WATERMARKS must be 0 or 1"
#endif
#if !Z_SYS_HEAP_DIGIT_UP_TO(SYS_HEAP_OOM_HOOK, 1)
#error "SYS_HEAP_OOM_HOOK must be 0 or 1"
#endif
/* Counts: any number in range (a name the preprocessor does not know
 * reads as 0, which each of them allows). */
#if SYS_HEAP_ALLOC_LOOPS < 0 || SYS_HEAP_FIT_LOOPS < 0
#error "SYS_HEAP_ALLOC_LOOPS and SYS_HEAP_FIT_LOOPS count samples: 0 or more"
#endif
#if SYS_HEAP_OWNERS < 0
#error "SYS_HEAP_OWNERS must be 0 (off) or the number of owner ids"
#endif
#if SYS_HEAP_ARRAY_SIZE < 1 || SYS_HEAP_LARGEST_FREE_SCAN < 1
#error "SYS_HEAP_ARRAY_SIZE and SYS_HEAP_LARGEST_FREE_SCAN must be 1 or more"
#endif

#endif /* SYS_HEAP_CONFIG_H */
