/*
 * test_sbrk_user.c: link-only. "sbrk(0) minus end" is an old idiom for
 * "how much heap is left" that vendor code still carries. It drags the C
 * library's sbrk into a firmware whose malloc is ours: a second, dead
 * allocator arena nobody notices. The opt-in tripwire
 * (-Wl,--defsym=SYS_HEAP_LIBC_TRIPWIRE=1) turns that into a link error;
 * mk/libc.mk checks that the link fails with it and succeeds without it.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("break at %p\n", sbrk(0));
	return 0;
}
