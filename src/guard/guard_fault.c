/*
 * guard_fault.c: turning the MPU on for the guard, and the MemManage side:
 * decode MMFAR into a slot, block and offset, report through the heap's
 * error hook, and let the access through if the hook returns.
 */
#include "sys_heap_config.h"

#if SYS_HEAP_GUARD

#include "guard.h"
#include "hardening.h"

volatile bool z_sysheap_guard_disarmed;
static struct sys_heap_guard_report last_report;
static bool have_report;

void z_sysheap_guard_fault_enable(void)
{
	Z_GUARD_SHCSR |= Z_GUARD_SHCSR_MEMFAULTENA;
}

void z_sysheap_guard_mpu_start(void)
{
	uint32_t ctrl = Z_GUARD_MPU_CTRL;

#if Z_GUARD_PMSAV8
	z_sysheap_guard_mpu_attr();
#endif
	/* Off: turn it on over the default map, as the firmware saw memory. */
	if ((ctrl & Z_GUARD_CTRL_ENABLE) == 0u) {
		ctrl |= Z_GUARD_CTRL_PRIVDEFENA;
	}
	Z_GUARD_MPU_CTRL = ctrl | Z_GUARD_CTRL_ENABLE;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

void z_sysheap_guard_mpu_disarm(void)
{
	for (unsigned int r = 0u; r < SYS_HEAP_GUARD_REGION_COUNT; r++) {
		Z_GUARD_MPU_RNR = SYS_HEAP_GUARD_REGION_FIRST + r;
		Z_GUARD_MPU_RASR = 0u; /* RASR (v7) and RLAR (v8): ENABLE is bit 0 */
	}
	z_sysheap_guard_disarmed = true;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* The slot the access belongs to: the freed slot it landed in, else the
 * live block nearest to it (the one it overflowed or underflowed). */
static const struct z_guard_slot *blame(uintptr_t addr)
{
	const struct z_guard_slot *best = NULL;
	uintptr_t best_distance = UINTPTR_MAX;

	for (unsigned int i = 0u; i < Z_GUARD_SLOTS; i++) {
		const struct z_guard_slot *s = &z_sysheap_guard_slots[i];
		uintptr_t base = (uintptr_t)z_sysheap_guard_slot_base(i);
		uintptr_t start = (uintptr_t)s->block;
		uintptr_t end = start + s->size;
		uintptr_t distance;

		if (s->state == Z_GUARD_FREED && addr - base < SYS_HEAP_GUARD_SLOT_SIZE) {
			return s;
		}
		if (s->state != Z_GUARD_LIVE) {
			continue;
		}
		distance = addr < start ? start - addr : addr - end;
		if (distance < best_distance) {
			best_distance = distance;
			best = s;
		}
	}
	return best;
}

bool sys_heap_guard_handle_fault(uint32_t *frame)
{
	uint32_t cfsr = Z_GUARD_CFSR;
	uintptr_t addr = Z_GUARD_MMFAR;
	const struct z_guard_slot *s;

	if ((cfsr & Z_GUARD_CFSR_MMARVALID) == 0u || !sys_heap_guard_owns((const void *)addr)) {
		return false;
	}
	s = blame(addr);
	if (s == NULL) {
		return false; /* no block: a stray access into an unused pool */
	}
	last_report = (struct sys_heap_guard_report){
		.heap = s->heap,
		.block = s->block,
		.size = s->size,
		.offset = (ptrdiff_t)(addr - (uintptr_t)s->block),
		.fault_address = addr,
		.pc = frame[6],
		.after_free = s->state == Z_GUARD_FREED,
#if SYS_HEAP_TRACE_CALLERS
		.alloc_caller = s->alloc_caller,
		.free_caller = s->free_caller,
#endif
	};
	have_report = true;
	z_sysheap_guard_stats.hits++;
	Z_GUARD_CFSR = cfsr & Z_GUARD_CFSR_MMFSR_MASK; /* write one to clear */
	/* Open the pool before the hook: the access runs again on return. */
	z_sysheap_guard_mpu_disarm();
	(void)z_sysheap_report(s->heap, s->block, SYS_HEAP_ERR_GUARD_FAULT,
			       (void *)(uintptr_t)frame[6]);
	return true;
}

const struct sys_heap_guard_report *sys_heap_guard_last_report(void)
{
	return have_report ? &last_report : NULL;
}

__attribute__((weak)) void sys_heap_guard_unhandled(uint32_t *frame)
{
	(void)frame;
	__builtin_trap(); /* udf in a handler: escalates to HardFault */
}

#if SYS_HEAP_GUARD_HANDLER
void z_sysheap_guard_memmanage(uint32_t *frame);
void MemManage_Handler(void);

void z_sysheap_guard_memmanage(uint32_t *frame)
{
	if (!sys_heap_guard_handle_fault(frame)) {
		sys_heap_guard_unhandled(frame);
	}
}

/* The frame is on the stack the interrupted code used (EXC_RETURN bit 2). */
__attribute__((naked)) void MemManage_Handler(void)
{
	__asm__ volatile("tst lr, #4\n\t"
			 "ite eq\n\t"
			 "mrseq r0, msp\n\t"
			 "mrsne r0, psp\n\t"
			 "b z_sysheap_guard_memmanage\n\t");
}
#endif

#else
typedef int z_sysheap_guard_fault_unused; /* ISO C: no empty translation unit */
#endif /* SYS_HEAP_GUARD */
