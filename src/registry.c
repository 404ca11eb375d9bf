/*
 * registry.c: the compile-time heap registry. SYS_HEAP_DEFINE() drops a
 * descriptor into .sysheap.registry.<name>; ld/sysheap_registry.ld
 * gathers them into one array between the two symbols below; the startup
 * code calls sys_heap_init_all() to format them before main.
 */
#include "sys_heap_define.h"

/* Defined by ld/sysheap_registry.ld. Deliberately strong references: a
 * linker script without the fragment fails to link, instead of booting
 * with every compile-time heap silently unformatted. */
extern const struct sys_heap_static __sysheap_registry_start[];
extern const struct sys_heap_static __sysheap_registry_end[];

size_t sys_heap_static_count(void)
{
	/* Subtract addresses, not pointers: the two symbols are distinct
	 * objects as far as C is concerned. */
	uintptr_t bytes = (uintptr_t)__sysheap_registry_end - (uintptr_t)__sysheap_registry_start;

	return (size_t)(bytes / sizeof(struct sys_heap_static));
}

const struct sys_heap_static *sys_heap_static_at(size_t index)
{
	return index < sys_heap_static_count() ? &__sysheap_registry_start[index] : NULL;
}

void sys_heap_init_all(void)
{
	size_t count = sys_heap_static_count();

	for (size_t i = 0u; i < count; i++) {
		const struct sys_heap_static *d = &__sysheap_registry_start[i];

		/* Formatted already (an earlier call, or the firmware's own
		 * sys_heap_init()): formatting again would drop live blocks. */
		if (d->heap->heap != NULL) {
			continue;
		}
		const struct sys_heap_options options = { .granule = d->granule };

		/* A granule of 0 is the natural layout, as with sys_heap_init(). */
		(void)sys_heap_init_with(d->heap, d->mem, d->bytes, &options);
	}
}
