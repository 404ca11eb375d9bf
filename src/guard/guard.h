/*
 * guard.h: what the guarded pool (guard_pool.c), the MPU programming
 * (guard_pmsav7.c, guard_pmsav8.c) and the MemManage decoder
 * (guard_fault.c) share. Only compiled with SYS_HEAP_GUARD.
 */
#ifndef SYS_HEAP_GUARD_INTERNAL_H
#define SYS_HEAP_GUARD_INTERNAL_H

#include "sys_heap_guard.h"

#define Z_GUARD_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define Z_GUARD_SHCSR     Z_GUARD_REG(0xE000ED24u)
#define Z_GUARD_CFSR      Z_GUARD_REG(0xE000ED28u)
#define Z_GUARD_MMFAR     Z_GUARD_REG(0xE000ED34u)
#define Z_GUARD_MPU_TYPE  Z_GUARD_REG(0xE000ED90u)
#define Z_GUARD_MPU_CTRL  Z_GUARD_REG(0xE000ED94u)
#define Z_GUARD_MPU_RNR   Z_GUARD_REG(0xE000ED98u)
#define Z_GUARD_MPU_RBAR  Z_GUARD_REG(0xE000ED9Cu)
#define Z_GUARD_MPU_RASR  Z_GUARD_REG(0xE000EDA0u) /* PMSAv8: RLAR */
#define Z_GUARD_MPU_MAIR0 Z_GUARD_REG(0xE000EDC0u)
#define Z_GUARD_MPU_MAIR1 Z_GUARD_REG(0xE000EDC4u)

#define Z_GUARD_CTRL_ENABLE     1u
#define Z_GUARD_CTRL_PRIVDEFENA 4u
#define Z_GUARD_SHCSR_MEMFAULTENA (1u << 16)
#define Z_GUARD_CFSR_MMARVALID  (1u << 7)
#define Z_GUARD_CFSR_MMFSR_MASK 0xFFu

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define Z_GUARD_PMSAV8 1
/* Slots are separated (and the pool bounded) by 32-byte gaps. */
#define Z_GUARD_GAP    32u
#define Z_GUARD_SLOTS  SYS_HEAP_GUARD_V8_SLOTS
#define Z_GUARD_PITCH  (SYS_HEAP_GUARD_SLOT_SIZE + Z_GUARD_GAP)
#define Z_GUARD_POOL_BYTES (Z_GUARD_GAP + Z_GUARD_SLOTS * Z_GUARD_PITCH)
#define Z_GUARD_POOL_ALIGN 32u
#define Z_GUARD_MAX_LIVE (SYS_HEAP_GUARD_REGION_COUNT - 2)
#if SYS_HEAP_GUARD_SLOT_SIZE % 32 != 0 || SYS_HEAP_GUARD_SLOT_SIZE == 0
#error "SYS_HEAP_GUARD_SLOT_SIZE must be a non-zero multiple of 32 on PMSAv8"
#endif
#if SYS_HEAP_GUARD_REGION_COUNT < 3
#error "SYS_HEAP_GUARD_REGION_COUNT must be at least 3 on PMSAv8 (2 + live slots)"
#endif
#else
#define Z_GUARD_PMSAV8 0
/* Region r covers pages 8r..8r+7 of SLOT_SIZE bytes; slots take every
 * other page, the page after (overflow) or before (underflow) is a guard. */
#define Z_GUARD_SLOTS  (4 * SYS_HEAP_GUARD_REGION_COUNT)
#define Z_GUARD_REGION_BYTES (8u * SYS_HEAP_GUARD_SLOT_SIZE)
#define Z_GUARD_POOL_BYTES (SYS_HEAP_GUARD_REGION_COUNT * Z_GUARD_REGION_BYTES)
#define Z_GUARD_POOL_ALIGN Z_GUARD_REGION_BYTES
#define Z_GUARD_MAX_LIVE Z_GUARD_SLOTS
#if SYS_HEAP_GUARD_SLOT_SIZE < 32 || (SYS_HEAP_GUARD_SLOT_SIZE & (SYS_HEAP_GUARD_SLOT_SIZE - 1)) != 0
#error "SYS_HEAP_GUARD_SLOT_SIZE must be a power of two of at least 32 on PMSAv7"
#endif
#if SYS_HEAP_GUARD_REGION_COUNT < 1
#error "SYS_HEAP_GUARD_REGION_COUNT must be at least 1"
#endif
#endif

#if SYS_HEAP_GUARD_REGION_FIRST < 0 || SYS_HEAP_GUARD_REGION_FIRST + SYS_HEAP_GUARD_REGION_COUNT > 16
#error "SYS_HEAP_GUARD_REGION_FIRST + SYS_HEAP_GUARD_REGION_COUNT must fit in the MPU's 16 regions at most"
#endif
#if SYS_HEAP_GUARD_SAMPLE_RATE < 1
#error "SYS_HEAP_GUARD_SAMPLE_RATE must be at least 1"
#endif

#if SYS_HEAP_GUARD_QUARANTINE < 0
#define Z_GUARD_QUARANTINE (Z_GUARD_SLOTS / 2)
#else
#define Z_GUARD_QUARANTINE SYS_HEAP_GUARD_QUARANTINE
#endif
#if Z_GUARD_QUARANTINE >= Z_GUARD_SLOTS
#error "SYS_HEAP_GUARD_QUARANTINE must be below the number of slots"
#endif

enum z_guard_state { Z_GUARD_UNUSED, Z_GUARD_LIVE, Z_GUARD_FREED };

struct z_guard_slot {
	struct sys_heap *heap;
	uint8_t *block;
	uint32_t size;
	uint8_t state; /* enum z_guard_state */
#if SYS_HEAP_TRACE_CALLERS
	void *alloc_caller;
	void *free_caller;
#endif
};

/* The pool and its bookkeeping (guard_pool.c). */
extern uint8_t z_sysheap_guard_pool[Z_GUARD_POOL_BYTES];
extern struct z_guard_slot z_sysheap_guard_slots[Z_GUARD_SLOTS];
extern struct sys_heap_guard_stats z_sysheap_guard_stats;

/* Address of slot i's first byte (guard_pmsav7.c / guard_pmsav8.c). */
uint8_t *z_sysheap_guard_slot_base(unsigned int i);
/* Program the guard's regions from the slots' states: every byte of the
 * pool outside the live slots no-access. Interrupts masked by the caller. */
void z_sysheap_guard_mpu_apply(void);
#if Z_GUARD_PMSAV8
/* Write the guard's MAIR attribute (guard_pmsav8.c). */
void z_sysheap_guard_mpu_attr(void);
#endif
/* Disable the guard's regions (the pool falls back to the firmware's map). */
void z_sysheap_guard_mpu_disarm(void);
/* Once: MPU on (keeping the firmware's regions and PRIVDEFENA), MemManage
 * enabled (guard_fault.c, which also brings in the handler). */
void z_sysheap_guard_mpu_start(void);
void z_sysheap_guard_fault_enable(void);
/* True after a hit disarmed the regions until the next alloc or free. */
extern volatile bool z_sysheap_guard_disarmed;

#endif /* SYS_HEAP_GUARD_INTERNAL_H */
