/**
 * @file sys_heap_link_check.h
 * @brief Link-time checks that the pieces of a firmware fit together.
 *
 * Included by sys_heap.h. Every translation unit that includes it refers,
 * from a zero-byte section, to a symbol whose name spells the options it
 * was compiled with:
 *
 *     libsysheap built with SYS_HEAP_HARDENING=1 SYS_HEAP_HEADER_FORMAT=0
 *     SYS_HEAP_STATS=1 SYS_HEAP_TRACE_CALLERS=0 SYS_HEAP_LISTENERS=0
 *
 * (one line). libsysheap.a defines the one symbol for the options it was
 * built with (src/core/link_check.c), so a firmware compiled with other values
 * of any option that changes the sizing macros or the heap layout fails to
 * link with an `undefined reference` naming its own values; the options the
 * archive was built with are in `sysheap_options.txt` next to it.
 *
 * The reference is an R_*_NONE relocation in an empty section marked
 * SHF_GNU_RETAIN, named `.rodata.z_sysheap_link_check` so that every
 * linker script's `*(.rodata*)` places it: it costs no byte of flash or
 * RAM and no instruction, and survives --gc-sections and -flto (GCC keeps
 * top-level asm through LTO). SYS_HEAP_DEFINE() adds one more such
 * reference, to a symbol of ld/sysheap_registry.ld (sys_heap_define.h).
 *
 * Define SYS_HEAP_NO_LINK_CHECK to leave the references out (a toolchain
 * whose assembler lacks `.reloc` or the "R" section flag: GNU as 2.36 and
 * later have both). Then nothing checks that the options agree.
 */
#ifndef SYS_HEAP_LINK_CHECK_H
#define SYS_HEAP_LINK_CHECK_H

#include "sys_heap_config.h"

/** @cond INTERNAL */
#if SYS_HEAP_HARDENING == 0
#define Z_SYS_HEAP_LC_HARDENING "0"
#elif SYS_HEAP_HARDENING == 1
#define Z_SYS_HEAP_LC_HARDENING "1"
#elif SYS_HEAP_HARDENING == 2
#define Z_SYS_HEAP_LC_HARDENING "2"
#elif SYS_HEAP_HARDENING == 3
#define Z_SYS_HEAP_LC_HARDENING "3"
#else /* 4: sys_heap_config.h refuses any other value */
#define Z_SYS_HEAP_LC_HARDENING "4"
#endif

#if SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_AUTO
#define Z_SYS_HEAP_LC_HEADER "0"
#elif SYS_HEAP_HEADER_FORMAT == SYS_HEAP_HEADER_SMALL
#define Z_SYS_HEAP_LC_HEADER "1"
#else /* BIG: sys_heap_config.h refuses any other value */
#define Z_SYS_HEAP_LC_HEADER "2"
#endif

#if SYS_HEAP_STATS
#define Z_SYS_HEAP_LC_STATS "1"
#else
#define Z_SYS_HEAP_LC_STATS "0"
#endif
#if SYS_HEAP_TRACE_CALLERS
#define Z_SYS_HEAP_LC_TRACE "1"
#else
#define Z_SYS_HEAP_LC_TRACE "0"
#endif
#if SYS_HEAP_LISTENERS
#define Z_SYS_HEAP_LC_LISTENERS "1"
#else
#define Z_SYS_HEAP_LC_LISTENERS "0"
#endif

/* The know-your-heap options add descriptor fields (owners a block word); named only when on, so
 * the default build's symbol keeps its name. */
#if SYS_HEAP_WATERMARKS
#define Z_SYS_HEAP_LC_WATERMARKS " SYS_HEAP_WATERMARKS=1"
#else
#define Z_SYS_HEAP_LC_WATERMARKS ""
#endif
#if SYS_HEAP_OOM_HOOK
#define Z_SYS_HEAP_LC_OOM " SYS_HEAP_OOM_HOOK=1"
#else
#define Z_SYS_HEAP_LC_OOM ""
#endif
#if SYS_HEAP_OWNERS
#define Z_SYS_HEAP_LC_STR(x) #x
#define Z_SYS_HEAP_LC_XSTR(x) Z_SYS_HEAP_LC_STR(x)
#define Z_SYS_HEAP_LC_OWNERS " SYS_HEAP_OWNERS=" Z_SYS_HEAP_LC_XSTR(SYS_HEAP_OWNERS)
#else
#define Z_SYS_HEAP_LC_OWNERS ""
#endif

/* The enum size is part of the ABI (sys_heap_listener.h's event struct
 * holds an enum; the hooks take them): arm-none-eabi-gcc makes enums as
 * small as their values by default, and a firmware built with
 * -fno-short-enums against an archive built without would only draw a
 * linker warning. Named only when it differs from that default. */
#if defined(__ARM_SIZEOF_MINIMAL_ENUM) && __ARM_SIZEOF_MINIMAL_ENUM != 1
#define Z_SYS_HEAP_LC_ENUMS " __ARM_SIZEOF_MINIMAL_ENUM=4"
#else
#define Z_SYS_HEAP_LC_ENUMS ""
#endif

/* The options that change the sizing macros or struct layouts. The others
 * (SYS_HEAP_ALLOC_LOOPS, ...) only tune code inside the library. */
#define Z_SYS_HEAP_OPTIONS_SYMBOL                                                   \
	"libsysheap built with SYS_HEAP_HARDENING=" Z_SYS_HEAP_LC_HARDENING            \
	" SYS_HEAP_HEADER_FORMAT=" Z_SYS_HEAP_LC_HEADER " SYS_HEAP_STATS=" Z_SYS_HEAP_LC_STATS \
	" SYS_HEAP_TRACE_CALLERS=" Z_SYS_HEAP_LC_TRACE " SYS_HEAP_LISTENERS=" Z_SYS_HEAP_LC_LISTENERS   \
	Z_SYS_HEAP_LC_WATERMARKS Z_SYS_HEAP_LC_OOM Z_SYS_HEAP_LC_OWNERS Z_SYS_HEAP_LC_ENUMS

/* Symbols with spaces are quoted in the assembler. */
#define Z_SYS_HEAP_LINK_SECTION \
	".pushsection .rodata.z_sysheap_link_check,\"aR\",%progbits\n\t"

#if defined(__GNUC__) && !defined(SYS_HEAP_NO_LINK_CHECK)
/* A file-scope declaration: refer to `sym` from this object, at no cost. */
#define Z_SYS_HEAP_LINK_REQUIRE(sym) \
	__asm__(Z_SYS_HEAP_LINK_SECTION ".reloc ., BFD_RELOC_NONE, \"" sym "\"\n\t.popsection")
/* A file-scope declaration: define `sym` here (a zero-byte label). */
#define Z_SYS_HEAP_LINK_PROVIDE(sym) \
	__asm__(Z_SYS_HEAP_LINK_SECTION ".globl \"" sym "\"\n\"" sym "\":\n\t.popsection")
#else
#define Z_SYS_HEAP_LINK_REQUIRE(sym) struct z_sys_heap_link_unchecked
#define Z_SYS_HEAP_LINK_PROVIDE(sym) struct z_sys_heap_link_unchecked
#endif

Z_SYS_HEAP_LINK_REQUIRE(Z_SYS_HEAP_OPTIONS_SYMBOL);
/** @endcond */

#endif /* SYS_HEAP_LINK_CHECK_H */
