/*
 * regions_default.c: the firmware's default region set, built on first use
 * from the SYS_HEAP_REGION_DEFINE() descriptors the linker gathers
 * (ld/sysheap_registry.ld), and the sys_heap_caps_*() calls over it.
 * Its own file: only firmware that uses the default set needs the
 * linker symbols.
 */
#include "multi_internal.h"

/* Defined by ld/sysheap_registry.ld (empty without regions). */
extern const struct sys_heap_region __sysheap_regions_start[];
extern const struct sys_heap_region __sysheap_regions_end[];

static struct sys_heap_regions default_regions;
/* Set last, once the set is complete; read without a lock. */
static volatile bool default_built;

/* The libc glue over regions (SYS_HEAP_LIBC_REGIONS) defines this to put
 * the system heap first; otherwise there is none. */
__attribute__((weak)) const struct sys_heap_region *z_sysheap_libc_system_region(void)
{
	return NULL;
}

static __attribute__((noinline, cold)) void default_regions_build(void)
{
	/* No set yet, so the lock of "no heap", as the libc glue's first
	 * call takes it. The lock nests: the system heap's set-up takes it
	 * again. */
	sys_heap_lock_key_t key = sys_heap_lock_for(NULL);

	if (!default_built) {
		/* Regions used before the startup code formatted them (a
		 * constructor's malloc): format every registry heap now; the
		 * startup call skips them later. */
		sys_heap_init_all();
		sys_heap_regions_init(&default_regions);
		const struct sys_heap_region *system = z_sysheap_libc_system_region();

		if (system != NULL) {
			(void)sys_heap_regions_add(&default_regions, system);
		}
		uintptr_t bytes =
			(uintptr_t)__sysheap_regions_end - (uintptr_t)__sysheap_regions_start;

		for (size_t i = 0u; i < bytes / sizeof(struct sys_heap_region); i++) {
			/* A refused region (overlap) has been reported. */
			(void)sys_heap_regions_add(&default_regions, &__sysheap_regions_start[i]);
		}
		default_built = true;
	}
	sys_heap_unlock_for(NULL, key);
}

struct sys_heap_regions *sys_heap_regions_default(void)
{
	if (!default_built) {
		default_regions_build();
	}
	return &default_regions;
}

void *sys_heap_caps_alloc(uint32_t caps, size_t bytes)
{
	return sys_heap_regions_alloc(sys_heap_regions_default(), caps, 0u, bytes);
}

void *sys_heap_caps_aligned_alloc(uint32_t caps, size_t align, size_t bytes)
{
	return sys_heap_regions_alloc(sys_heap_regions_default(), caps, align, bytes);
}

void *sys_heap_caps_realloc(void *mem, uint32_t caps, size_t bytes)
{
	return sys_heap_regions_realloc(sys_heap_regions_default(), caps, mem, 0u, bytes);
}

void sys_heap_caps_free(void *mem)
{
	sys_heap_regions_free(sys_heap_regions_default(), mem);
}

int sys_heap_caps_get_stats(uint32_t caps, struct sys_memory_stats *total)
{
	return sys_heap_regions_stats(sys_heap_regions_default(), caps, total);
}
