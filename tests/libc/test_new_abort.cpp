/*
 * test_new_abort.cpp: a throwing operator new that cannot allocate and
 * has no new_handler must not return. With libstdc++ built without
 * exceptions (newlib-nano's) the glue's report, std::__throw_bad_alloc(),
 * calls abort(); with exceptions, the uncaught std::bad_alloc ends in
 * std::terminate() and abort(). Either way the program stops with
 * abort()'s exit status, 1, which mk/libc.mk expects. Returning
 * anything (2: a pointer, 3: nullptr) is the failure.
 */
#include <cstddef>
#include <cstdio>
#include <new>

#include "sys_heap_libc.h"

namespace {
volatile std::size_t opaque_too_big = 64u * 1024u * 1024u;
}

int main()
{
	std::printf("new_abort: a throwing new that cannot succeed; abort() expected\n");
	char *p = new char[opaque_too_big];

	std::printf("FAIL: throwing new returned %p\n", static_cast<void *>(p));
	return p != nullptr ? 2 : 3;
}
