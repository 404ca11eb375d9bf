/*
 * old_lock_port.c: an RTOS port written for the old, separate libc lock:
 * it defines sys_heap_libc_lock()/sys_heap_libc_unlock() only, which would
 * leave sys_heap_locked_*() on another lock. libc-old-lock-port links it
 * and expects the link to fail on a multiple definition, never a quiet
 * second lock.
 */
#include <stdlib.h>

#include "sys_heap_libc.h"

sys_heap_lock_key_t sys_heap_libc_lock(void)
{
	return 0u;
}

void sys_heap_libc_unlock(sys_heap_lock_key_t key)
{
	(void)key;
}

int main(void)
{
	void *p = malloc(16);

	free(p);
	return p == NULL;
}
