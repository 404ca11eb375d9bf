// regions_new.cpp: C++ new and delete over the regions. operator new is
// the glue's (src/libc/new_delete.cpp), on malloc, so with the system heap
// full the objects land in the next regions and delete finds them there.
#include <new>

extern "C" {
#include "harness.h"
}
#include "regions_fw.h"

namespace {
struct Frame {
	unsigned char pixels[700];
	int id;
};
} // namespace

void test_new_across_regions(void)
{
	constexpr int count = 64;
	Frame *frames[count] = {};
	int beyond_system = 0;

	for (int i = 0; i < count; i++) {
		frames[i] = new (std::nothrow) Frame;
		if (frames[i] == nullptr) {
			break;
		}
		frames[i]->id = i;
		beyond_system += region_rank_of(frames[i]) > 0;
	}
	CHECK(frames[count - 1] != nullptr);
	CHECK(beyond_system == count);
	bool intact = true;

	for (int i = 0; i < count; i++) {
		intact = intact && frames[i] != nullptr && frames[i]->id == i;
		delete frames[i];
	}
	CHECK(intact);
	int *numbers = new int[4000];

	CHECK(region_rank_of(numbers) > 0);
	delete[] numbers;
}
