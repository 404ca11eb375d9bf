/*
 * guard_pmsav7.c: the pool on a PMSAv7 MPU (Cortex-M3/M4/M7). Region r of
 * the guard covers 8 pages of SLOT_SIZE bytes, no-access (AP 000, XN);
 * a page whose subregion is disabled falls through to the firmware's map
 * (its lower regions, or the privileged default map), so a page is opened
 * by setting its subregion-disable bit while its block is live. Slots are
 * the even pages (overflow mode: the odd page after each is a guard) or
 * the odd ones (underflow mode: the even page before).
 */
#include "sys_heap_config.h"

#if SYS_HEAP_GUARD

#include "guard.h"

#if !Z_GUARD_PMSAV8

#define RASR_XN        (1u << 28)
#define RASR_AP_NONE   (0u << 24)
#define RASR_SRD_SHIFT 8u
#define RASR_ENABLE    1u
/* SIZE field: the region is 2^(SIZE + 1) bytes. */
#define RASR_SIZE      ((uint32_t)(__builtin_ctz(Z_GUARD_REGION_BYTES) - 1) << 1)

static unsigned int slot_page(unsigned int i)
{
	return 2u * (i % 4u) + (SYS_HEAP_GUARD_UNDERFLOW != 0 ? 1u : 0u);
}

uint8_t *z_sysheap_guard_slot_base(unsigned int i)
{
	return &z_sysheap_guard_pool[(i / 4u) * Z_GUARD_REGION_BYTES +
				     slot_page(i) * SYS_HEAP_GUARD_SLOT_SIZE];
}

void z_sysheap_guard_mpu_apply(void)
{
	for (unsigned int r = 0u; r < SYS_HEAP_GUARD_REGION_COUNT; r++) {
		uint32_t open = 0u;

		for (unsigned int k = 0u; k < 4u; k++) {
			if (z_sysheap_guard_slots[4u * r + k].state == Z_GUARD_LIVE) {
				open |= 1u << slot_page(4u * r + k);
			}
		}
		Z_GUARD_MPU_RNR = SYS_HEAP_GUARD_REGION_FIRST + r;
		Z_GUARD_MPU_RBAR = (uint32_t)(uintptr_t)&z_sysheap_guard_pool[r * Z_GUARD_REGION_BYTES];
		Z_GUARD_MPU_RASR = RASR_XN | RASR_AP_NONE | (open << RASR_SRD_SHIFT) | RASR_SIZE |
				   RASR_ENABLE;
	}
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

#endif /* !Z_GUARD_PMSAV8 */
#else
typedef int z_sysheap_guard_pmsav7_unused; /* ISO C: no empty translation unit */
#endif /* SYS_HEAP_GUARD */
