/*
 * guard_test.c: the MPU guard (SYS_HEAP_GUARD) in QEMU, on PMSAv7
 * (Cortex-M3, M4) and PMSAv8 (Cortex-M33). Each fault kind is made by one
 * known instruction (guard_store_insn, guard_load_insn below), and the
 * report must name the block, its size, the offset of the access and that
 * instruction's address. A stress run then allocates through the sampled
 * entry point with a check of every block's contents and of the heap, and
 * must draw no report. The firmware's own MPU region (region 0, read-only,
 * set before the guard starts) must still fault a write at the end, with
 * the guard passing that fault on (sys_heap_guard_unhandled) untouched.
 *
 * Built twice per board by mk/guard.mk: overflow mode at 1 in 16, and
 * underflow mode at 1 in 1 with caller tracing (the report's call sites).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sys_heap.h"
#include "sys_heap_define.h"
#include "sys_heap_guard.h"

#define REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define MPU_CTRL  REG(0xE000ED94u)
#define MPU_RNR   REG(0xE000ED98u)
#define MPU_RBAR  REG(0xE000ED9Cu)
#define MPU_RASR  REG(0xE000EDA0u)
#define MPU_MAIR0 REG(0xE000EDC0u)

SYS_HEAP_DEFINE(guard_heap, 64 * 1024);

/* One instruction each, at addresses the checks compare the PC with. */
void guard_store(volatile uint8_t *p, uint32_t v);
uint32_t guard_load(const volatile uint8_t *p);
extern const char guard_store_insn[];
extern const char guard_load_insn[];
__asm__(".section .text.guard_insns,\"ax\",%progbits\n"
	".syntax unified\n.thumb\n"
	".global guard_store\n.type guard_store, %function\n.thumb_func\n"
	"guard_store:\n"
	".global guard_store_insn\nguard_store_insn:\n"
	"\tstrb r1, [r0]\n\tbx lr\n"
	".global guard_load\n.type guard_load, %function\n.thumb_func\n"
	"guard_load:\n"
	".global guard_load_insn\nguard_load_insn:\n"
	"\tldrb r0, [r0]\n\tbx lr\n"
	".text\n");

/* ---- what the hooks saw ----------------------------------------------- */

static struct {
	unsigned int count;
	struct sys_heap *heap;
	void *mem;
	enum sys_heap_error error;
	void *caller;
} seen;

static void record_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	seen.count++;
	seen.heap = heap;
	seen.mem = mem;
	seen.error = error;
	seen.caller = caller;
}

static volatile unsigned int firmware_faults;
static volatile uint32_t firmware_fault_pc;

/* The firmware's own MemManage logic, chained after the guard's: skip the
 * (16-bit) faulting store. */
void sys_heap_guard_unhandled(uint32_t *frame)
{
	firmware_faults++;
	firmware_fault_pc = frame[6];
	frame[6] += 2u;
	REG(0xE000ED28u) = 0xFFu; /* clear MMFSR */
}

/* ---- the firmware's own region ------------------------------------------ */

static uint8_t fw_readonly[1024] __attribute__((aligned(1024)));
static uint32_t fw_rbar, fw_rasr, fw_ctrl;

static void firmware_mpu_setup(void)
{
	MPU_RNR = 0u;
#if defined(__ARM_ARCH_8M_MAIN__)
	MPU_MAIR0 = (MPU_MAIR0 & ~0xFFu) | 0xFFu;                  /* attr 0: normal */
	MPU_RBAR = (uint32_t)(uintptr_t)fw_readonly | (3u << 1) | 1u; /* RO any, XN */
	MPU_RASR = ((uint32_t)(uintptr_t)&fw_readonly[1023] & ~31u) | 1u;
#else
	MPU_RBAR = (uint32_t)(uintptr_t)fw_readonly;
	MPU_RASR = (1u << 28) | (6u << 24) | (9u << 1) | 1u; /* XN, RO, 1 KiB */
#endif
	MPU_CTRL = 5u; /* PRIVDEFENA | ENABLE */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	fw_rbar = MPU_RBAR;
	fw_rasr = MPU_RASR;
	fw_ctrl = MPU_CTRL;
}

static void check_firmware_region(void)
{
	unsigned int before = seen.count;

	MPU_RNR = 0u;
	CHECK_EQ(MPU_RBAR, fw_rbar);
	CHECK_EQ(MPU_RASR, fw_rasr);
	CHECK_EQ(MPU_CTRL, fw_ctrl);
	CHECK_EQ(guard_load(&fw_readonly[5]), 0u);
	CHECK_EQ(firmware_faults, 0u);
	guard_store(&fw_readonly[5], 1u);
	CHECK_EQ(firmware_faults, 1u);
	CHECK_EQ(firmware_fault_pc, (uintptr_t)guard_store_insn);
	CHECK_EQ(fw_readonly[5], 0u);
	CHECK_EQ(seen.count, before);
}

/* ---- the fault kinds ---------------------------------------------------- */

static bool check_report(uint8_t *block, size_t size, ptrdiff_t offset, const char *insn,
			 bool after_free)
{
	const struct sys_heap_guard_report *r = sys_heap_guard_last_report();
	bool ok = CHECK_EQ(seen.count, 1u) && CHECK(r != NULL);

	if (!ok) {
		return false;
	}
	printf("guard report: heap %p block %p size %u offset %d pc %08lx%s\n", (void *)r->heap,
	       r->block, (unsigned int)r->size, (int)r->offset, (unsigned long)r->pc,
	       r->after_free ? " after free" : "");
	ok = CHECK_EQ(seen.error, SYS_HEAP_ERR_GUARD_FAULT) & CHECK_PTR_EQ(seen.heap, &guard_heap) &
	     CHECK_PTR_EQ(seen.mem, block) & CHECK_PTR_EQ(seen.caller, insn) &
	     CHECK_PTR_EQ(r->heap, &guard_heap) & CHECK_PTR_EQ(r->block, block) &
	     CHECK_EQ(r->size, size) & CHECK_EQ(r->offset, offset) &
	     CHECK_EQ(r->pc, (uintptr_t)insn) &
	     CHECK_EQ(r->fault_address, (uintptr_t)(block + offset)) &
	     CHECK_EQ(r->after_free, after_free) &
	     CHECK(strcmp(sys_heap_error_name(seen.error), "GUARD_FAULT") == 0);
#if SYS_HEAP_TRACE_CALLERS
	/* The call sites: the alloc always, the free only after one. */
	ok &= CHECK(r->alloc_caller != NULL) & CHECK((r->free_caller != NULL) == after_free);
#else
	ok &= CHECK(r->alloc_caller == NULL && r->free_caller == NULL);
#endif
	seen.count = 0u;
	return ok;
}

#if !SYS_HEAP_GUARD_UNDERFLOW
static void test_overflow(void)
{
	uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, 13);

	if (!CHECK(p != NULL && sys_heap_guard_owns(p))) {
		return;
	}
	for (unsigned int i = 0; i < 13u; i++) {
		guard_store(&p[i], i); /* in bounds: no report */
	}
	CHECK_EQ(seen.count, 0u);
	guard_store(&p[13], 0xAAu); /* one byte past the end */
	(void)check_report(p, 13u, 13, guard_store_insn, false);
	sys_heap_guard_free(&guard_heap, p);
	CHECK_EQ(seen.count, 0u);
}
#else
static void test_underflow(void)
{
	uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, 24);

	if (!CHECK(p != NULL && sys_heap_guard_owns(p))) {
		return;
	}
	guard_store(&p[0], 1u);
	CHECK_EQ(seen.count, 0u);
	guard_store(p - 1, 0x55u); /* one byte before the start */
	(void)check_report(p, 24u, -1, guard_store_insn, false);
	sys_heap_guard_free(&guard_heap, p);
	CHECK_EQ(seen.count, 0u);
}
#endif

static void test_write_after_free(void)
{
	uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, 40);

	if (!CHECK(p != NULL && sys_heap_guard_owns(p))) {
		return;
	}
	guard_store(&p[0], 7u);
	sys_heap_guard_free(&guard_heap, p);
	CHECK_EQ(seen.count, 0u);
	guard_store(&p[0], 8u);
	(void)check_report(p, 40u, 0, guard_store_insn, true);
}

static void test_read_after_free(void)
{
	uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, 64);

	if (!CHECK(p != NULL && sys_heap_guard_owns(p))) {
		return;
	}
	sys_heap_guard_free(&guard_heap, p);
	(void)guard_load(&p[5]);
	(void)check_report(p, 64u, 5, guard_load_insn, true);
}

/* A second free of a guarded block is refused and reported. */
static void test_double_free(void)
{
	uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, 8);

	if (!CHECK(p != NULL && sys_heap_guard_owns(p))) {
		return;
	}
	sys_heap_guard_free(&guard_heap, p);
	CHECK_EQ(seen.count, 0u);
	sys_heap_guard_free(&guard_heap, p);
	CHECK_EQ(seen.count, 1u);
	CHECK_EQ(seen.error, SYS_HEAP_ERR_DOUBLE_FREE);
	seen.count = 0u;
}

/* Every size a slot holds: the whole block is usable, ends (overflow mode)
 * or starts (underflow mode) at the slot's edge, and is aligned. */
static void test_every_size(void)
{
	for (size_t n = 1u; n <= SYS_HEAP_GUARD_SLOT_SIZE; n++) {
		uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, n);

		if (!CHECK(p != NULL && sys_heap_guard_owns(p))) {
			return;
		}
		size_t align = n & (~n + 1u);

		CHECK_EQ((uintptr_t)p % (align < 8u ? align : 8u), 0u);
		memset(p, 0x5A, n);
		sys_heap_guard_free(&guard_heap, p);
	}
	CHECK_EQ(seen.count, 0u);
	/* Too big for a slot: the heap serves it. */
	uint8_t *big = sys_heap_guard_alloc_marked(&guard_heap, SYS_HEAP_GUARD_SLOT_SIZE + 1u);

	CHECK(big != NULL && !sys_heap_guard_owns(big));
	sys_heap_guard_free(&guard_heap, big);
	CHECK_EQ(seen.count, 0u);
}

/* A NULL heap gets the heap's answer (NULL), not a slot; a pointer into
 * the pool that was never a block is refused and reported. */
static void test_bad_input(void)
{
	struct sys_heap_guard_stats before, after;

	sys_heap_guard_stats_get(&before);
	CHECK(sys_heap_guard_alloc_marked(NULL, 8u) == NULL);
	CHECK(sys_heap_guard_alloc_marked(&guard_heap, 0u) == NULL);
	sys_heap_guard_stats_get(&after);
	CHECK_EQ(after.sampled, before.sampled);
	sys_heap_guard_free(&guard_heap, NULL);
	CHECK_EQ(seen.count, 0u);

	uint8_t *p = sys_heap_guard_alloc_marked(&guard_heap, 16u);

	if (CHECK(p != NULL && sys_heap_guard_owns(p))) {
		sys_heap_guard_free(&guard_heap, p + 1);
		CHECK_EQ(seen.count, 1u);
		CHECK_EQ(seen.error, SYS_HEAP_ERR_FOREIGN_POINTER);
		seen.count = 0u;
		sys_heap_guard_free(&guard_heap, p);
		CHECK_EQ(seen.count, 0u);
	}
}

/* ---- stress: no false reports ------------------------------------------ */

#define STRESS_LIVE 24u
#define STRESS_OPS  20000u

static void test_stress(void)
{
	static uint8_t *live[STRESS_LIVE];
	static size_t sizes[STRESS_LIVE];
	struct sys_heap_guard_stats before, after;
	struct rng r;
	unsigned int bad = 0u;
	unsigned int allocs = 0u;

	sys_heap_guard_stats_get(&before);
	rng_seed(&r, 0x9e3779b9u);
	for (unsigned int op = 0u; op < STRESS_OPS; op++) {
		unsigned int k = rng_below(&r, STRESS_LIVE);

		if (live[k] != NULL) {
			for (size_t i = 0u; i < sizes[k]; i++) {
				bad += live[k][i] != (uint8_t)(k + i);
			}
			sys_heap_guard_free(&guard_heap, live[k]);
			live[k] = NULL;
		} else {
			size_t n = 1u + rng_size(&r, 2u * SYS_HEAP_GUARD_SLOT_SIZE);

			live[k] = sys_heap_guard_alloc(&guard_heap, n);
			allocs++;
			if (live[k] != NULL) {
				sizes[k] = n;
				for (size_t i = 0u; i < n; i++) {
					live[k][i] = (uint8_t)(k + i);
				}
			}
		}
		if (op % 512u == 0u && !CHECK(sys_heap_validate(&guard_heap))) {
			break;
		}
	}
	for (unsigned int k = 0u; k < STRESS_LIVE; k++) {
		sys_heap_guard_free(&guard_heap, live[k]);
		live[k] = NULL;
	}
	sys_heap_guard_stats_get(&after);
	printf("stress at 1 in %d: %u ops, %u sampled, %u fell back to the heap, %u reports\n",
	       SYS_HEAP_GUARD_SAMPLE_RATE, STRESS_OPS, (unsigned int)(after.sampled - before.sampled),
	       (unsigned int)(after.fallbacks - before.fallbacks), seen.count);
	CHECK_EQ(bad, 0u);
	CHECK_EQ(seen.count, 0u);
	CHECK_EQ(after.hits, before.hits);
	/* Every SAMPLE_RATE-th call was sampled: served by a slot, or by the
	 * heap when too big or when every slot was live or in quarantine. */
	CHECK_EQ((after.sampled - before.sampled) + (after.fallbacks - before.fallbacks),
		 allocs / SYS_HEAP_GUARD_SAMPLE_RATE);
	CHECK(after.sampled - before.sampled > 0u);
	CHECK(sys_heap_validate(&guard_heap));
}

int main(void)
{
	struct sys_heap_guard_stats st;

	firmware_mpu_setup();
	sys_heap_set_error_hook(&guard_heap, record_hook);
	printf("guard test: %s mode, 1 in %d, %d-byte slots, MPU regions %d..%d\n",
	       SYS_HEAP_GUARD_UNDERFLOW ? "underflow" : "overflow", SYS_HEAP_GUARD_SAMPLE_RATE,
	       SYS_HEAP_GUARD_SLOT_SIZE, SYS_HEAP_GUARD_REGION_FIRST,
	       SYS_HEAP_GUARD_REGION_FIRST + SYS_HEAP_GUARD_REGION_COUNT - 1);
#if !SYS_HEAP_GUARD_UNDERFLOW
	test_overflow();
#else
	test_underflow();
#endif
	test_write_after_free();
	test_read_after_free();
	test_double_free();
	test_bad_input();
	test_every_size();
	test_stress();
	sys_heap_guard_stats_get(&st);
	CHECK_EQ(st.hits, 3u);
	check_firmware_region();
	return harness_summary() == 0 ? 0 : 1;
}
