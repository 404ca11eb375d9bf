/*
 * init_test.cpp: SYS_HEAP_DEFINE heaps are formatted before main and
 * before C++ static constructors, and stay formatted.
 *
 * A static object's constructor allocates from every compile-time heap
 * (one of them defined right here, in C++) and fills the blocks. main then
 * checks that the constructor succeeded, that its blocks are intact
 * (nobody re-formatted the heaps after it), and that a second
 * sys_heap_init_all() is a no-op. Where each buffer lives is checked
 * outside, on the ELF, by check_sections.py.
 *
 * Built with -fno-exceptions -fno-rtti, as firmware C++ usually is.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sys_heap_define.h"

SYS_HEAP_DECLARE(init_plain);
SYS_HEAP_DECLARE(init_ram2);
SYS_HEAP_DECLARE(init_aligned);
SYS_HEAP_DECLARE(init_dma);

// Defined from C++: the macro must work here too.
SYS_HEAP_DEFINE(init_cxx, 1024);

namespace {

constexpr size_t kHeaps = 5;
constexpr size_t kBlockBytes = 40;

struct Probe {
	struct sys_heap *heap;
	const char *name;
	bool formatted_in_ctor; // heap->heap was set when the constructor ran
	uint8_t *block;         // what the constructor allocated
	size_t allocated_after_ctor;
};

Probe probes[kHeaps] = {
	{ &init_plain, "init_plain", false, nullptr, 0 },
	{ &init_ram2, "init_ram2", false, nullptr, 0 },
	{ &init_aligned, "init_aligned", false, nullptr, 0 },
	{ &init_dma, "init_dma", false, nullptr, 0 },
	{ &init_cxx, "init_cxx", false, nullptr, 0 },
};

int ctor_runs;
int dtor_runs;

// The static object: runs from __libc_init_array(), after sys_heap_init_all().
class EarlyUser {
public:
	EarlyUser()
	{
		ctor_runs++;
		for (Probe &p : probes) {
			p.formatted_in_ctor = p.heap->heap != nullptr;
			p.block = static_cast<uint8_t *>(sys_heap_alloc(p.heap, kBlockBytes));
			if (p.block != nullptr) {
				memset(p.block, 0xC5, kBlockBytes);
			}
			struct sys_memory_stats s = {};
			(void)sys_heap_runtime_stats_get(p.heap, &s);
			p.allocated_after_ctor = s.allocated_bytes;
		}
	}
	~EarlyUser() { dtor_runs++; }
};

EarlyUser early_user;

unsigned passed, failed;

void check(bool ok, const char *what, const char *heap = "")
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s %s\n", heap, what);
	}
}

bool block_intact(const uint8_t *block)
{
	for (size_t i = 0; i < kBlockBytes; i++) {
		if (block[i] != 0xC5) {
			return false;
		}
	}
	return true;
}

size_t allocated(struct sys_heap *heap)
{
	struct sys_memory_stats s = {};
	(void)sys_heap_runtime_stats_get(heap, &s);
	return s.allocated_bytes;
}

} // namespace

int main()
{
	check(ctor_runs == 1, "the static constructor ran once, before main");
	for (const Probe &p : probes) {
		check(p.formatted_in_ctor, "formatted before the constructor ran", p.name);
		check(p.block != nullptr, "the constructor's allocation succeeded", p.name);
		check(p.block != nullptr && block_intact(p.block),
		      "the constructor's block is intact in main", p.name);
		check(allocated(p.heap) == p.allocated_after_ctor && p.allocated_after_ctor > 0,
		      "not re-formatted between the constructor and main", p.name);
		check(sys_heap_validate(p.heap), "validates", p.name);
	}

	// The registry: every heap once, in name order.
	check(sys_heap_static_count() == kHeaps, "the registry holds every heap");
	for (size_t i = 0; i + 1 < sys_heap_static_count(); i++) {
		check(strcmp(sys_heap_static_at(i)->name, sys_heap_static_at(i + 1)->name) < 0,
		      "registry sorted by name");
	}
	check(sys_heap_static_at(kHeaps) == nullptr, "past the end is NULL");

	// Variants: alignment and granule reach the formatted heaps.
	check(((uintptr_t)init_aligned.init_mem & 1023u) == 0u, "buffer aligned to 1024",
	      "init_aligned");
	check(((uintptr_t)probes[3].block & 31u) == 0u, "block on a 32-byte granule", "init_dma");
	check(sys_heap_usable_size(&init_dma, probes[3].block) % 32u == 0u,
	      "usable size a multiple of the granule", "init_dma");

	// A second call is a no-op: the constructor's blocks survive.
	sys_heap_init_all();
	for (const Probe &p : probes) {
		check(allocated(p.heap) == p.allocated_after_ctor && block_intact(p.block),
		      "a second sys_heap_init_all() leaves it alone", p.name);
	}

	for (const Probe &p : probes) {
		printf("init_test: %-12s buffer %p, %u bytes, ctor block %p\n", p.name,
		       p.heap->init_mem, (unsigned)p.heap->init_bytes, (void *)p.block);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return (int)failed;
}
