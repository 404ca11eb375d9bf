/*
 * guard_pmsav8.c: the pool on a PMSAv8 MPU (Cortex-M33). PMSAv8 has no
 * privileged no-access permission, but an address that two enabled regions
 * match faults. The pool is [gap][slot 0][gap][slot 1]...[gap], gaps of 32
 * bytes. With the live slots sorted by address, s_j..e_j, and
 * e_-2 = e_-1 = pool start, s_L = s_L+1 = pool end, guard region k is
 * [e_(k-2), s_k): regions k and k+1 overlap on [e_(k-1), s_k), the stretch
 * between two live slots, and live slot j is matched by region j+1 alone
 * (read-write, privileged and unprivileged, never executable). L live slots
 * take L + 2 regions; the rest are disabled.
 */
#include "sys_heap_config.h"

#if SYS_HEAP_GUARD

#include "guard.h"

#if Z_GUARD_PMSAV8

#define RBAR_AP_RW_ANY (1u << 1)
#define RBAR_XN        1u
#define RLAR_ENABLE    1u
#define RLAR_ATTR      ((uint32_t)SYS_HEAP_GUARD_MAIR_INDEX << 1)
#define MAIR_NORMAL_WB 0xFFu

uint8_t *z_sysheap_guard_slot_base(unsigned int i)
{
	return &z_sysheap_guard_pool[Z_GUARD_GAP + i * Z_GUARD_PITCH];
}

static void set_region(unsigned int n, uintptr_t start, uintptr_t end)
{
	Z_GUARD_MPU_RNR = SYS_HEAP_GUARD_REGION_FIRST + n;
	Z_GUARD_MPU_RBAR = (uint32_t)start | RBAR_AP_RW_ANY | RBAR_XN;
	Z_GUARD_MPU_RASR = ((uint32_t)(end - 1u) & ~31u) | RLAR_ATTR | RLAR_ENABLE;
}

void z_sysheap_guard_mpu_apply(void)
{
	uintptr_t pool_start = (uintptr_t)z_sysheap_guard_pool;
	uintptr_t pool_end = pool_start + Z_GUARD_POOL_BYTES;
	uintptr_t end_before = pool_start; /* e_(k-2) */
	uintptr_t end_prev = pool_start;   /* e_(k-1) */
	unsigned int n = 0u;

	/* Slots are in address order already. */
	for (unsigned int i = 0u; i < Z_GUARD_SLOTS; i++) {
		if (z_sysheap_guard_slots[i].state != Z_GUARD_LIVE) {
			continue;
		}
		uintptr_t start = (uintptr_t)z_sysheap_guard_slot_base(i);

		set_region(n++, end_before, start);
		end_before = end_prev;
		end_prev = start + SYS_HEAP_GUARD_SLOT_SIZE;
	}
	set_region(n++, end_before, pool_end);
	set_region(n++, end_prev, pool_end);
	while (n < SYS_HEAP_GUARD_REGION_COUNT) {
		Z_GUARD_MPU_RNR = SYS_HEAP_GUARD_REGION_FIRST + n++;
		Z_GUARD_MPU_RASR = 0u;
	}
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* The guard's attribute: normal memory, write-back, read/write-allocate. */
void z_sysheap_guard_mpu_attr(void)
{
	volatile uint32_t *mair = SYS_HEAP_GUARD_MAIR_INDEX < 4 ? &Z_GUARD_MPU_MAIR0 : &Z_GUARD_MPU_MAIR1;
	unsigned int shift = 8u * (SYS_HEAP_GUARD_MAIR_INDEX % 4u);

	*mair = (*mair & ~(0xFFu << shift)) | (MAIR_NORMAL_WB << shift);
}

#endif /* Z_GUARD_PMSAV8 */
#else
typedef int z_sysheap_guard_pmsav8_unused; /* ISO C: no empty translation unit */
#endif /* SYS_HEAP_GUARD */
