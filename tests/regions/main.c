/*
 * main.c: the regions test (make test-regions), on the host and as QEMU
 * firmware. The last line is the harness's `N passed, N failed`.
 */
#include "harness.h"
#include "regions_fw.h"

int main(void)
{
	test_default_set();
#if SYS_HEAP_LIBC_REGIONS
	/* Before anything prints: it checks where printf's buffer goes. */
	test_printf_and_new_spill();
#endif
	test_caps_flood();
	test_caps_placement();
	test_caps_foreign();
#if SYS_HEAP_LIBC_REGIONS
	test_malloc_flood();
	test_libc_realloc_and_foreign();
#endif
	return harness_summary();
}
