/**
 * @file sys_heap_define.h
 * @brief Compile-time heaps: define a heap at file scope, have it
 *        formatted before main (and before C++ constructors).
 *
 * @code
 * #include "sys_heap_define.h"
 *
 * SYS_HEAP_DEFINE(app_heap, 16 * 1024);                   // anywhere in RAM
 * SYS_HEAP_DEFINE_IN(fast_heap, 8192, ".noinit.ccmram");  // a named section
 * SYS_HEAP_DEFINE_ALIGNED(mpu_heap, 4096, 4096);          // MPU-region aligned
 * SYS_HEAP_DEFINE_GRANULAR(dma_heap, 8192, ".dma", 32);   // cache-line blocks
 *
 * void *p = sys_heap_alloc(&app_heap, 100);               // in main, or a ctor
 * @endcode
 *
 * **How it works.** Each macro emits three objects:
 * - the buffer, `uint8_t z_sys_heap_buf_<name>[bytes]`, in section
 *   `.noinit.sysheap.buf.<name>` (or the section you name). It is never
 *   zeroed or loaded: formatting writes every byte of metadata it needs.
 *   The `.noinit.` prefix makes the assembler emit it as NOBITS, so object
 *   files do not carry the zeros either;
 * - `struct sys_heap <name>` in `.data`, with `heap == NULL` and the buffer
 *   recorded in `init_mem`/`init_bytes`;
 * - a const ::sys_heap_static descriptor in `.sysheap.registry.<name>`.
 *
 * The linker script must place them: INCLUDE `ld/sysheap_registry.ld` in a
 * read-only output section and `ld/sysheap_buffers.ld` in a NOLOAD one
 * (docs/porting.md has the snippet for a vendor script). The board startup
 * code calls sys_heap_init_all() after `.data`/`.bss` are initialised and
 * before `__libc_init_array()`.
 *
 * **Misuse caught at compile time.** A size below ::SYS_HEAP_MIN_BYTES, an
 * alignment or granule that is not a power of two, a granule above 4096,
 * and with ::SYS_HEAP_HEADER_SMALL a size above what a small heap can use
 * (256 KiB): each is a `_Static_assert` naming the heap.
 *
 * **Forgotten linker fragment.** Every SYS_HEAP_DEFINE() refers to a
 * symbol that only `ld/sysheap_registry.ld` defines, so without the
 * fragment the link fails, whether or not sys_heap_init_all() is called:
 *
 *     undefined reference to `SYS_HEAP_DEFINE needs INCLUDE sysheap_registry.ld in the linker script'
 *
 * **Forgotten init call.** A heap whose startup code never called
 * sys_heap_init_all() is not formatted on first use: the first allocation
 * or free on it is reported to the default error hook as
 * ::SYS_HEAP_ERR_UNFORMATTED (which stops the firmware), and
 * sys_heap_validate() returns false for it. The system heap of the libc
 * glue is the exception: it is formatted by its first allocation.
 */
#ifndef SYS_HEAP_DEFINE_H
#define SYS_HEAP_DEFINE_H

#include <stddef.h>
#include <stdint.h>

#include "sys_heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The registry entry of one compile-time heap. Const, in flash; the
 * linker collects all of them between `__sysheap_registry_start` and
 * `__sysheap_registry_end`. Debuggers and tools may walk the array.
 */
struct sys_heap_static {
	struct sys_heap *heap; /**< The handle the macro defined. */
	void *mem;             /**< Its buffer. */
	size_t bytes;          /**< Buffer length. */
	size_t granule;        /**< 0 for the natural layout, else the
				    sys_heap_options::granule to format with. */
	const char *name;      /**< The heap's C identifier, for reports. */
};

/**
 * Format every heap defined with a SYS_HEAP_DEFINE macro that is not
 * formatted yet, in name order.
 *
 * The board startup code calls it from Reset_Handler after `.data` is
 * copied and `.bss` zeroed, and before `__libc_init_array()`, so heaps are
 * usable in C++ constructors. Firmware with its own startup code calls it
 * at the same point, once.
 *
 * **Calling it again** is harmless: a heap whose handle is already
 * formatted (`heap->heap != NULL`) is skipped, so live blocks survive. The
 * test is reliable because the handle lives in `.data` with `heap` NULL in
 * its flash image, and sys_heap_init() sets it. It follows that calling it
 * *before* `.data` is initialised reads garbage: do not. A heap that the
 * firmware re-formatted itself with sys_heap_init() is skipped too.
 *
 * **Failure.** A granular heap too small for its granule stays
 * unformatted (every allocation returns NULL); the plain macros cannot
 * fail, their sizes are checked at compile time.
 *
 * O(number of heaps). Not thread-safe: runs before interrupts are enabled.
 */
void sys_heap_init_all(void);

/** Number of compile-time heaps in the firmware. O(1). */
size_t sys_heap_static_count(void);

/** The `index`-th registry entry in name order, or NULL past the end. O(1). */
const struct sys_heap_static *sys_heap_static_at(size_t index);

/** @cond INTERNAL */
/* Defined by ld/sysheap_registry.ld: every SYS_HEAP_DEFINE() refers to it
 * (at no cost, sys_heap_link_check.h), so a linker script without the
 * fragment fails to link with this name as the message, whether or not
 * the firmware calls sys_heap_init_all(). */
#define Z_SYS_HEAP_REGISTRY_SYMBOL "SYS_HEAP_DEFINE needs INCLUDE sysheap_registry.ld in the linker script"

#ifdef __cplusplus
#define Z_SYS_HEAP_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#define Z_SYS_HEAP_NULL nullptr
#else
#define Z_SYS_HEAP_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define Z_SYS_HEAP_NULL ((struct z_heap *)0)
#endif

#define Z_SYS_HEAP_IS_POW2(x) ((x) != 0u && ((x) & ((x) - 1u)) == 0u)

/* A buffer on the natural alignment loses half an alignment in front of a
 * small heap's descriptor; past this, init would clip it unused. */
#define Z_SYS_HEAP_SMALL_DEFINE_MAX (Z_SYS_HEAP_SMALL_REGION_MAX + SYS_HEAP_NATURAL_ALIGN)

/* The one expansion behind every public macro. `sect` is a string
 * literal; `align` and `granule` integer constant expressions. (Attribute
 * names are spelled __section__ etc. so that a macro parameter can never
 * replace them.)
 *
 * The descriptor's explicit alignment is what makes the registry an array:
 * each descriptor sits in its own section, and without a user-given
 * alignment GCC may raise a 40-byte object's to 32 (x86-64 does), padding
 * the gaps between entries. An explicit alignment is never raised. */
#define Z_SYS_HEAP_DEFINE(name, bytes, sect, align, granule) \
	Z_SYS_HEAP_DEFINE_LOCKED(name, bytes, sect, align, granule, NULL)
/* `lock`: the heap's lock (sys_heap_lock.h), an address constant or NULL. */
#define Z_SYS_HEAP_DEFINE_LOCKED(name, bytes, sect, align, granule, lock)        \
	Z_SYS_HEAP_STATIC_ASSERT((size_t)(bytes) >= SYS_HEAP_MIN_BYTES,                \
				 "SYS_HEAP_DEFINE(" #name "): size below SYS_HEAP_MIN_BYTES"); \
	Z_SYS_HEAP_STATIC_ASSERT(!Z_SYS_HEAP_SMALL_ONLY ||                              \
					 (size_t)(bytes) <= Z_SYS_HEAP_SMALL_DEFINE_MAX,        \
				 "SYS_HEAP_DEFINE(" #name "): larger than a "                \
				 "SYS_HEAP_HEADER_SMALL heap can use");                      \
	Z_SYS_HEAP_STATIC_ASSERT(Z_SYS_HEAP_IS_POW2((size_t)(align)),                  \
				 "SYS_HEAP_DEFINE(" #name "): alignment not a power of two"); \
	Z_SYS_HEAP_LINK_REQUIRE(Z_SYS_HEAP_REGISTRY_SYMBOL);                          \
	static uint8_t z_sys_heap_buf_##name[(bytes)]                                \
		__attribute__((__section__(sect), __aligned__(align)));                     \
	struct sys_heap name = { Z_SYS_HEAP_NULL, z_sys_heap_buf_##name, (bytes), 0u,    \
				 (lock), 0u, 0u };                                     \
	__attribute__((__section__(".sysheap.registry." #name), __used__,                    \
		       __aligned__(__alignof__(struct sys_heap_static))))                 \
	static const struct sys_heap_static z_sys_heap_desc_##name = {               \
		&name, z_sys_heap_buf_##name, (bytes), (granule), #name                \
	}
/** @endcond */

/** Section of the buffers of SYS_HEAP_DEFINE() and SYS_HEAP_DEFINE_ALIGNED(). */
#define SYS_HEAP_BUFFER_SECTION(name) ".noinit.sysheap.buf." #name

/**
 * Define `struct sys_heap name`, backed by a `bytes`-byte buffer in the
 * heaps' NOLOAD section (ld/sysheap_buffers.ld), formatted before main.
 *
 * @param name  C identifier of the heap (external linkage; see
 *              SYS_HEAP_DECLARE()).
 * @param bytes Buffer size, at least ::SYS_HEAP_MIN_BYTES (checked at
 *              compile time). Use SYS_HEAP_BYTES_FOR(n) to guarantee an
 *              n-byte allocation fits.
 *
 * The buffer is aligned to ::SYS_HEAP_NATURAL_ALIGN, so no byte is lost
 * to start-alignment slack.
 */
#define SYS_HEAP_DEFINE(name, bytes) \
	Z_SYS_HEAP_DEFINE(name, bytes, SYS_HEAP_BUFFER_SECTION(name), SYS_HEAP_NATURAL_ALIGN, 0u)

/**
 * As SYS_HEAP_DEFINE(), with the buffer in `section` (a string literal):
 * a memory region such as CCM, DTCM, SRAM2 or a DMA-capable RAM.
 *
 * Your linker script must place `section` in a NOLOAD output section in
 * that region (the startup code does not zero it, and a loaded section
 * would copy the whole buffer into flash). Names starting with `.noinit.`
 * or `.bss.` are emitted as NOBITS by the assembler; other names put the
 * zeros in the object file, though not in a NOLOAD image.
 */
#define SYS_HEAP_DEFINE_IN(name, bytes, section) \
	Z_SYS_HEAP_DEFINE(name, bytes, section, SYS_HEAP_NATURAL_ALIGN, 0u)

/**
 * As SYS_HEAP_DEFINE(), with the buffer aligned to `align` bytes (a power
 * of two): a cache line, or an MPU region (on ARMv7-M an MPU region must
 * also be a power of two in size and aligned to it: pass bytes == align).
 */
#define SYS_HEAP_DEFINE_ALIGNED(name, bytes, align) \
	Z_SYS_HEAP_DEFINE(name, bytes, SYS_HEAP_BUFFER_SECTION(name), align, 0u)

/** SYS_HEAP_DEFINE_IN() and SYS_HEAP_DEFINE_ALIGNED() together. */
#define SYS_HEAP_DEFINE_IN_ALIGNED(name, bytes, section, align) \
	Z_SYS_HEAP_DEFINE(name, bytes, section, align, 0u)

/**
 * A buffer size that always holds a granule-aligned heap with `granule`-byte
 * blocks and room for one block: the natural minimum plus three granules
 * (chunk 0 rounded up to a granule, one block with its header granule).
 * Checked against sys_heap_init_with() for every granule from 16 to 4096,
 * on 32- and 64-bit builds.
 */
#define SYS_HEAP_GRANULAR_MIN_BYTES(granule) (SYS_HEAP_MIN_BYTES + 3u * (size_t)(granule))

/**
 * A heap for DMA buffers: every block starts on a `granule` boundary, its
 * usable size is a multiple of `granule`, and no block shares a granule
 * with another block or with heap metadata (see sys_heap_options). The
 * buffer is aligned to `granule` and placed in `section` (as for
 * SYS_HEAP_DEFINE_IN()); the startup hook formats it with
 * sys_heap_init_with().
 *
 * @param granule The data-cache line size, e.g. 32 on Cortex-M7: a power
 *                of two, at most 4096 (checked at compile time).
 */
#define SYS_HEAP_DEFINE_GRANULAR(name, bytes, section, granule)                          \
	Z_SYS_HEAP_STATIC_ASSERT(Z_SYS_HEAP_IS_POW2((size_t)(granule)) &&                 \
					 (size_t)(granule) <= 4096u,                       \
				 "SYS_HEAP_DEFINE_GRANULAR(" #name "): granule not a power " \
				 "of two up to 4096");                                      \
	Z_SYS_HEAP_STATIC_ASSERT((size_t)(bytes) >= SYS_HEAP_GRANULAR_MIN_BYTES(granule),  \
				 "SYS_HEAP_DEFINE_GRANULAR(" #name "): size too small for " \
				 "its granule");                                            \
	Z_SYS_HEAP_DEFINE(name, bytes, section,                                          \
			  ((size_t)(granule) > SYS_HEAP_NATURAL_ALIGN ? (granule)         \
								      : SYS_HEAP_NATURAL_ALIGN), \
			  (granule))

/**
 * SYS_HEAP_DEFINE() with its own lock: `ops` is the address of a
 * `const struct sys_heap_lock_ops` (sys_heap_lock.h), e.g.
 * `&sys_heap_lock_ops_none` for a heap one thread owns, or an RTOS
 * mutex's callbacks. Same as attaching it with sys_heap_set_lock() before
 * the first use.
 */
#define SYS_HEAP_DEFINE_LOCKED(name, bytes, ops) \
	Z_SYS_HEAP_DEFINE_LOCKED(name, bytes, SYS_HEAP_BUFFER_SECTION(name), SYS_HEAP_NATURAL_ALIGN, \
				 0u, ops)

/** Declare a heap defined in another file. */
#define SYS_HEAP_DECLARE(name) extern struct sys_heap name

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_DEFINE_H */
