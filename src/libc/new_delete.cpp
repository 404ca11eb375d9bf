/*
 * new_delete.cpp: the twenty replaceable global allocation functions of
 * C++17, over the system heap's malloc family (src/libc/malloc.c).
 *
 * Built with -fno-exceptions -fno-rtti, so the same object serves C++
 * libraries built with and without exceptions, and with -funwind-tables,
 * so an exception can still travel through these frames (they own no
 * object that would need a cleanup).
 *
 * Failure, as [new.delete] asks:
 *  - the throwing forms loop: allocate; on failure call the installed
 *    std::new_handler and retry; with no handler, report failure through
 *    std::__throw_bad_alloc(). libstdc++ built with exceptions throws
 *    std::bad_alloc from there; one built without (Debian's nano
 *    libstdc++) calls abort(). So a throwing new never returns NULL;
 *  - the nothrow forms run the same loop and return nullptr where the
 *    throwing form would throw. A new_handler that throws inside a nothrow
 *    new is not caught here (this file has no exception handling); in
 *    practice a handler for a nothrow context should return or abort;
 *  - size 0 gets a unique minimal block, as the standard requires.
 *
 * Delete of any form, sized or aligned, is free(): the heap knows every
 * block's size and alignment needs no bookkeeping.
 */
#include <bits/functexcept.h> // std::__throw_bad_alloc(), libstdc++'s own report
#include <cstddef>
#include <cstdlib>
#include <new>
#include <stdlib.h> // ::aligned_alloc (libstdc++ does not put it in std:: here)

#include "sys_heap_libc.h"

namespace {

// One attempt: the plain or the aligned allocator.
inline void *try_alloc(std::size_t bytes, std::size_t align)
{
	return align > SYS_HEAP_NATURAL_ALIGN ? ::aligned_alloc(align, bytes)
					      : std::malloc(bytes);
}

// The standard loop. `nothrow` selects the failure report.
void *alloc_loop(std::size_t bytes, std::size_t align, bool nothrow)
{
	if (bytes == 0u) {
		bytes = 1u;
	}
	for (;;) {
		void *mem = try_alloc(bytes, align);

		if (__builtin_expect(mem != nullptr, 1)) {
			return mem;
		}
		std::new_handler handler = std::get_new_handler();

		if (handler == nullptr) {
			if (nothrow) {
				return nullptr;
			}
			std::__throw_bad_alloc(); // throws, or aborts without exceptions
		}
		handler();
	}
}

} // namespace

void *operator new(std::size_t bytes)
{
	return alloc_loop(bytes, 0u, false);
}

void *operator new[](std::size_t bytes)
{
	return alloc_loop(bytes, 0u, false);
}

void *operator new(std::size_t bytes, const std::nothrow_t &) noexcept
{
	return alloc_loop(bytes, 0u, true);
}

void *operator new[](std::size_t bytes, const std::nothrow_t &) noexcept
{
	return alloc_loop(bytes, 0u, true);
}

void *operator new(std::size_t bytes, std::align_val_t align)
{
	return alloc_loop(bytes, static_cast<std::size_t>(align), false);
}

void *operator new[](std::size_t bytes, std::align_val_t align)
{
	return alloc_loop(bytes, static_cast<std::size_t>(align), false);
}

void *operator new(std::size_t bytes, std::align_val_t align, const std::nothrow_t &) noexcept
{
	return alloc_loop(bytes, static_cast<std::size_t>(align), true);
}

void *operator new[](std::size_t bytes, std::align_val_t align, const std::nothrow_t &) noexcept
{
	return alloc_loop(bytes, static_cast<std::size_t>(align), true);
}

void operator delete(void *mem) noexcept
{
	std::free(mem);
}

void operator delete[](void *mem) noexcept
{
	std::free(mem);
}

void operator delete(void *mem, std::size_t) noexcept
{
	std::free(mem);
}

void operator delete[](void *mem, std::size_t) noexcept
{
	std::free(mem);
}

void operator delete(void *mem, const std::nothrow_t &) noexcept
{
	std::free(mem);
}

void operator delete[](void *mem, const std::nothrow_t &) noexcept
{
	std::free(mem);
}

void operator delete(void *mem, std::align_val_t) noexcept
{
	std::free(mem);
}

void operator delete[](void *mem, std::align_val_t) noexcept
{
	std::free(mem);
}

void operator delete(void *mem, std::size_t, std::align_val_t) noexcept
{
	std::free(mem);
}

void operator delete[](void *mem, std::size_t, std::align_val_t) noexcept
{
	std::free(mem);
}

void operator delete(void *mem, std::align_val_t, const std::nothrow_t &) noexcept
{
	std::free(mem);
}

void operator delete[](void *mem, std::align_val_t, const std::nothrow_t &) noexcept
{
	std::free(mem);
}
