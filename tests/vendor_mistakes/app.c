/*
 * app.c: the firmware of the vendor-project mistake tests
 * (mk/vendor_mistakes.mk). An application as a user of the STM32CubeIDE
 * project in boards/common/tests/vendor/ would write it: a compile-time
 * heap of APP_HEAP_BYTES, malloc and printf over the libc glue. Built
 * correctly it prints "vendor-app: ok" and exits 0; each mistake target
 * builds it with one thing wrong and expects the library's message.
 *
 * With APP_CALL_SBRK it also calls _sbrk directly, as some vendor HALs do:
 * the glue must catch that call instead of handing out the system heap's
 * bytes a second time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sys_heap_define.h"
#include "sys_heap_libc.h"

#ifndef APP_HEAP_BYTES
#define APP_HEAP_BYTES 8192u
#endif

SYS_HEAP_DEFINE(app_heap, APP_HEAP_BYTES);

void *_sbrk(intptr_t increment);

int main(void)
{
	void *block = sys_heap_alloc(&app_heap, 100u);
	char *text = malloc(4000u);

	printf("vendor-app: app_heap block %p, malloc(4000) %p\n", block, (void *)text);
#ifdef APP_CALL_SBRK
	char *raw = _sbrk(64);

	printf("vendor-app: FAIL, _sbrk returned %p\n", (void *)raw);
	return 2;
#endif
	if (block == NULL || text == NULL) {
		printf("vendor-app: FAIL\n");
		return 1;
	}
	free(text);
	sys_heap_free(&app_heap, block);
	printf("vendor-app: ok\n");
	return 0;
}
