/*
 * test_libcxx.cpp: a C++ program on the libc glue, with a fixed-size
 * system heap (SYS_HEAP_LIBC_HEAP). new/delete in all their forms,
 * std::vector, std::string, std::map, over-aligned objects, the
 * new_handler loop, nothrow new, and exceptions where the C++ library
 * has them. Static constructors allocate before main, and so does
 * libstdc++'s emergency exception pool: both must land in the system
 * heap, which sys_heap's statistics and walk confirm.
 *
 * LIBC_TEST_CXX_EXCEPTIONS (set by mk/libc.mk from the C++ library
 * itself) says whether libstdc++ was built with exceptions; Debian's
 * newlib-nano libstdc++ was not, and the exception checks then print a
 * `skip:` line rather than pass.
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>
#if LIBC_TEST_CXX_EXCEPTIONS
#include <stdexcept>
#endif

#include "libc_test.h"

#ifndef LIBC_TEST_HEAP_BYTES
#define LIBC_TEST_HEAP_BYTES (64u * 1024u)
#endif

SYS_HEAP_LIBC_HEAP(cxx_system_heap, LIBC_TEST_HEAP_BYTES);

namespace {

// Through a volatile, so the compiler neither warns about nor folds them.
volatile std::size_t opaque_too_big = 64u * 1024u * 1024u;
std::size_t too_big() { return opaque_too_big; }

struct alignas(64) Aligned {
	unsigned char bytes[80];
};

bool aligned64(const void *p) { return (reinterpret_cast<std::uintptr_t>(p) & 63u) == 0u; }

// ---- before main ----------------------------------------------------------

// Dynamic initialisation: these run from __libc_init_array(), after the
// boards' startup formatted the SYS_HEAP_DEFINE heaps (or, if it had not,
// the glue would format the system heap on this first call).
std::string early_string("a string too long for the small-string buffer");
std::vector<int> early_vector(50, 7);
Aligned *early_aligned = new Aligned();

void test_before_main()
{
	CHECK(in_system_heap(early_string.data()));
	CHECK(early_string == "a string too long for the small-string buffer");
	CHECK(in_system_heap(early_vector.data()));
	CHECK_EQ(early_vector.size(), 50);
	CHECK(early_aligned != nullptr && aligned64(early_aligned));
	CHECK(in_system_heap(early_aligned));
	delete early_aligned;
	early_aligned = nullptr;
#if LIBC_TEST_CXX_EXCEPTIONS
	// libstdc++'s emergency pool for exceptions thrown when the heap is
	// exhausted: one malloc of about 2.5 KiB, from a static constructor
	// in eh_alloc.o. It must be in the system heap before main runs.
	CHECK(system_heap_used_blocks_between(2400u, 4096u) >= 1u);
#else
	harness_skip("emergency exception pool: this libstdc++ has no exceptions");
#endif
}

// ---- new and delete ---------------------------------------------------------

void test_new_delete()
{
	std::size_t before = system_heap_allocated();
	int *one = new int(42);
	int *many = new int[100];

	CHECK(in_system_heap(one));
	CHECK(in_system_heap(many));
	CHECK_EQ(*one, 42);
	for (int i = 0; i < 100; i++) {
		many[i] = i;
	}
	CHECK_EQ(many[99], 99);
	CHECK(system_heap_allocated() >= before + 404u);
	delete one;  // sized delete under C++14 and later
	delete[] many;
	int *nt = new (std::nothrow) int(7);

	CHECK(nt != nullptr && in_system_heap(nt));
	::operator delete(nt, std::nothrow);
	void *zero = ::operator new(0);
	void *zero2 = ::operator new(0);

	CHECK(zero != nullptr && zero2 != nullptr && zero != zero2);
	::operator delete(zero);
	::operator delete(zero2);
	CHECK_EQ(system_heap_allocated(), before);
}

void test_aligned_new()
{
	std::size_t before = system_heap_allocated();
	Aligned *a = new Aligned();
	Aligned *arr = new Aligned[3];
	Aligned *nt = new (std::nothrow) Aligned();

	CHECK(a != nullptr && aligned64(a) && in_system_heap(a));
	CHECK(arr != nullptr && aligned64(arr) && in_system_heap(arr));
	CHECK(aligned64(&arr[1]) && aligned64(&arr[2]));
	CHECK(nt != nullptr && aligned64(nt));
	void *big = ::operator new(100, std::align_val_t(256));

	CHECK((reinterpret_cast<std::uintptr_t>(big) & 255u) == 0u);
	::operator delete(big, 100, std::align_val_t(256));
	delete a;
	delete[] arr;
	delete nt;
	CHECK_EQ(system_heap_allocated(), before);
}

// ---- the standard library's containers --------------------------------------

void test_containers()
{
	std::size_t before = system_heap_allocated();
	{
		std::vector<int> v;

		for (int i = 0; i < 300; i++) {
			v.push_back(i * 3);
		}
		CHECK(in_system_heap(v.data()));
		CHECK_EQ(v[299], 897);

		std::string s;

		for (int i = 0; i < 20; i++) {
			s += "chunk-";
			s += std::to_string(i);
		}
		CHECK(in_system_heap(s.data()));
		CHECK(s.find("chunk-19") != std::string::npos);

		std::map<int, std::string> m;

		for (int i = 0; i < 60; i++) {
			m[i * 7 % 61] = "value number " + std::to_string(i);
		}
		CHECK_EQ(m.size(), 60);
		CHECK(m.at(7) == "value number 1");
		CHECK(in_system_heap(&*m.begin()));
		CHECK(system_heap_allocated() > before + 1200u + 60u * 24u);
		CHECK(system_heap_valid());
	}
	CHECK_EQ(system_heap_allocated(), before);
}

// ---- failure -----------------------------------------------------------------

int handler_calls;
void *reserve;

void release_reserve()
{
	handler_calls++;
	std::free(reserve);
	reserve = nullptr;
	std::set_new_handler(nullptr);
}

void give_up()
{
	handler_calls++;
	std::set_new_handler(nullptr);
}

void test_new_handler()
{
	// nothrow new: the handler runs, uninstalls itself, and nothrow new
	// then returns nullptr instead of throwing.
	handler_calls = 0;
	std::set_new_handler(give_up);
	char *p = new (std::nothrow) char[too_big()];

	CHECK(p == nullptr);
	CHECK_EQ(handler_calls, 1);

	// A handler that frees memory makes the retry succeed: hold most of
	// the free space, ask for more than is left, let the handler let go.
	struct sys_memory_stats st;

	CHECK_EQ(sys_heap_runtime_stats_get(&cxx_system_heap, &st), 0);
	reserve = std::malloc(st.free_bytes / 4u * 3u);
	if (!CHECK(reserve != nullptr)) {
		return;
	}
	handler_calls = 0;
	std::set_new_handler(release_reserve);
	char *q = new char[st.free_bytes / 2u]; // fails until the reserve goes

	CHECK(q != nullptr && in_system_heap(q));
	CHECK_EQ(handler_calls, 1);
	CHECK(reserve == nullptr);
	delete[] q;
	CHECK(std::get_new_handler() == nullptr);
}

void test_exceptions()
{
#if LIBC_TEST_CXX_EXCEPTIONS
	bool caught = false;

	try {
		char *p = new char[too_big()];

		std::printf("FAIL: new returned %p\n", static_cast<void *>(p));
	} catch (const std::bad_alloc &) {
		caught = true;
	}
	CHECK(caught);

	// An ordinary exception: its object comes from malloc in eh_alloc.o.
	std::size_t before = system_heap_allocated();
	bool caught_runtime = false;

	try {
		throw std::runtime_error("an exception message long enough to allocate");
	} catch (const std::runtime_error &e) {
		caught_runtime = std::strcmp(e.what(),
					     "an exception message long enough to allocate") == 0;
		CHECK(system_heap_allocated() > before);
	}
	CHECK(caught_runtime);
	CHECK_EQ(system_heap_allocated(), before);
#else
	harness_skip("exceptions: this libstdc++ was built without them "
		     "(throwing new aborts; test_new_abort checks that)");
#endif
}

} // namespace

int main()
{
	std::printf("libc glue test, C++, %s\n", LIBC_TEST_FLAVOUR);
	system_heap_report("start");
	CHECK(sys_heap_libc_heap() == &cxx_system_heap);
	test_before_main();
	test_new_delete();
	test_aligned_new();
	test_containers();
	test_new_handler();
	test_exceptions();
	CHECK(system_heap_valid());
	system_heap_report("end");
	return harness_summary();
}
