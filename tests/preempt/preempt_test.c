/*
 * preempt_test.c: heaps under real preemption (issue 15). Worker threads
 * at three priorities (two share one, round-robin), switched by PendSV on
 * every SysTick, the SysTick interrupt itself, and a peripheral timer
 * interrupt above SysTick's priority (irq_timer_<board>.c; it preempts the
 * threads and the SysTick handler, and stays under the BASEPRI threshold),
 * hammer the heaps:
 *
 *   isr_heap    interrupt-masked (PRIMASK on v6-M/v8-M Baseline, a BASEPRI
 *               threshold elsewhere): every thread and both interrupts;
 *   mutex_heap  locked by the kernel's mutex (not interrupt-safe): threads
 *               only; the interrupt calls it now and then on purpose, and
 *               each call must be refused and reported (LOCK_CONTEXT);
 *   the system heap through malloc/realloc/free (its default lock);
 *   FreeRTOS's heap: ports/freertos (pvPortMalloc/vPortFree, locked by
 *               vTaskSuspendAll, which the kernel provides in
 *               freertos_shim.c): threads only; the interrupt probes it
 *               too, and must be refused and reported.
 *
 * Every block carries its owner's cookie in every word; it is checked
 * before each free and realloc. Each thread validates all three heaps
 * every VALIDATE_EVERY operations. The run ends after PREEMPT_OPS heap
 * operations in all; then every block is freed and the heaps must be
 * empty, valid, and have reported exactly the expected errors. It prints
 * the operations per context and `N passed, N failed`; the exit status
 * is the number of failures.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "FreeRTOS.h"
#include "irq_timer.h"
#include "kernel.h"
#include "sysheap_freertos.h"
#include "sys_heap_define.h"
#include "sys_heap_libc.h"
#include "sys_heap_lock.h"

#ifndef PREEMPT_OPS
#define PREEMPT_OPS 1000000u
#endif
#ifndef PREEMPT_TICK_CYCLES
#define PREEMPT_TICK_CYCLES 5000u
#endif
#if defined(__ARM_ARCH_6M__)
#define HEAP_BYTES 1280u
#define SLOTS 8u
#define STACK_WORDS 320u
#else
#define HEAP_BYTES 8192u
#define SLOTS 16u
#define STACK_WORDS 256u
#endif
#define MAX_BYTES 96u
#define ISR_OPS_PER_TICK 8u
#define TIMER_OPS_PER_IRQ 4u
#define TIMER_MIN_IRQS 100u /* far fewer than any run takes: it must be firing */
#define ISR_SLOTS 8u
#define ISR_MUTEX_PROBE_EVERY 64u /* ticks */
#define VALIDATE_EVERY 512u
#define SLEEP_EVERY 128u
#define WORKERS 4u

/* ---- the heaps and their locks ---------------------------------------- */

static struct kmutex heap_mutex;

static sys_heap_lock_key_t mutex_take(void *arg)
{
	kmutex_lock(arg);
	return 0u;
}

static void mutex_give(void *arg, sys_heap_lock_key_t key)
{
	(void)key;
	kmutex_unlock(arg);
}

static uintptr_t mutex_self(void *arg)
{
	(void)arg;
	return (uintptr_t)kthread_self();
}

static const struct sys_heap_lock_ops mutex_lock_ops = {
	mutex_take, mutex_give, mutex_self, &heap_mutex, 0u,
};

#if defined(Z_SYS_HEAP_HAVE_BASEPRI)
SYS_HEAP_LOCK_OPS_BASEPRI(isr_lock_ops, 0x80);
#define ISR_LOCK (&isr_lock_ops)
#define ISR_LOCK_NAME "BASEPRI 0x80"
#else
#define ISR_LOCK (&sys_heap_lock_ops_primask)
#define ISR_LOCK_NAME "PRIMASK"
#endif

SYS_HEAP_DEFINE_LOCKED(isr_heap, HEAP_BYTES, ISR_LOCK);
SYS_HEAP_DEFINE_LOCKED(mutex_heap, HEAP_BYTES, &mutex_lock_ops);

enum { ON_ISR_HEAP, ON_MUTEX_HEAP, ON_MALLOC, ON_FREERTOS, HEAP_KINDS };

extern volatile uint32_t freertos_asserts;
extern volatile uint32_t freertos_malloc_failed;

static volatile uint32_t unexpected_errors;
static volatile uint32_t context_errors;

static void count_hook(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)h;
	(void)mem;
	(void)caller;
	if (error == SYS_HEAP_ERR_LOCK_CONTEXT) {
		context_errors++;
	} else {
		unexpected_errors++;
	}
}

/* ---- blocks with cookies ---------------------------------------------- */

struct slot {
	uint32_t *mem;
	uint32_t words;
	uint32_t cookie;
	uint8_t kind;
};

struct context {
	const char *name;
	struct slot *slots;
	uint32_t nslots;
	uint32_t rng;
	uint32_t id;
	volatile uint32_t ops;
	uint32_t alloc_failures;
	uint32_t bad_cookies;
	uint32_t failed_validations;
	volatile bool done;
};

static uint32_t next_rand(struct context *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 17;
	c->rng ^= c->rng << 5;
	return c->rng;
}

static void fill(struct slot *s)
{
	for (uint32_t i = 0u; i < s->words; i++) {
		s->mem[i] = s->cookie + i;
	}
}

static void check(struct context *c, const struct slot *s, uint32_t words)
{
	for (uint32_t i = 0u; i < words; i++) {
		if (s->mem[i] != s->cookie + i) {
			c->bad_cookies++;
			return;
		}
	}
}

static void *kind_alloc(uint8_t kind, size_t bytes)
{
	switch (kind) {
	case ON_ISR_HEAP:
		return sys_heap_locked_alloc(&isr_heap, bytes);
	case ON_MUTEX_HEAP:
		return sys_heap_locked_alloc(&mutex_heap, bytes);
	case ON_FREERTOS:
		return pvPortMalloc(bytes);
	default:
		return malloc(bytes);
	}
}

static void *kind_realloc(uint8_t kind, void *mem, size_t bytes)
{
	switch (kind) {
	case ON_ISR_HEAP:
		return sys_heap_locked_realloc(&isr_heap, mem, bytes);
	case ON_MUTEX_HEAP:
		return sys_heap_locked_realloc(&mutex_heap, mem, bytes);
	case ON_FREERTOS:
		return NULL; /* FreeRTOS has no realloc: the block stays */
	default:
		return realloc(mem, bytes);
	}
}

static void kind_free(uint8_t kind, void *mem)
{
	switch (kind) {
	case ON_ISR_HEAP:
		sys_heap_locked_free(&isr_heap, mem);
		break;
	case ON_MUTEX_HEAP:
		sys_heap_locked_free(&mutex_heap, mem);
		break;
	case ON_FREERTOS:
		vPortFree(mem);
		break;
	default:
		free(mem);
		break;
	}
}

static void release(struct context *c, struct slot *s)
{
	check(c, s, s->words);
	kind_free(s->kind, s->mem);
	s->mem = NULL;
}

/* One heap operation on a random slot: alloc into an empty one; realloc
 * (a quarter of the time) or free a full one. */
static void one_op(struct context *c, uint8_t kinds)
{
	struct slot *s = &c->slots[next_rand(c) % c->nslots];
	uint32_t r = next_rand(c);
	/* Mostly small blocks, sometimes up to MAX_BYTES. */
	uint32_t words = 1u + ((r & 3u) == 0u ? (r >> 8) % (MAX_BYTES / 4u) : (r >> 8) % 6u);

	c->ops++;
	if (s->mem == NULL) {
		s->kind = (uint8_t)((r >> 20) % kinds);
		s->mem = kind_alloc(s->kind, words * 4u);
		if (s->mem == NULL) {
			c->alloc_failures++;
			return;
		}
		s->words = words;
		s->cookie = (c->id << 24) ^ (uint32_t)(uintptr_t)s->mem ^ (r & 0xFFF0u);
		fill(s);
	} else if ((r >> 30) == 0u && s->kind != ON_FREERTOS) { /* FreeRTOS: no realloc */
		check(c, s, s->words);
		uint32_t *moved = kind_realloc(s->kind, s->mem, words * 4u);

		if (moved == NULL) {
			c->alloc_failures++;
			return; /* the old block stays, untouched */
		}
		s->mem = moved;
		check(c, s, s->words < words ? s->words : words);
		s->words = words;
		s->cookie ^= 0x5A5A0000u;
		fill(s);
	} else {
		release(c, s);
	}
}

static void validate_all(struct context *c)
{
	if (!sys_heap_locked_validate(&isr_heap) || !sys_heap_locked_validate(&mutex_heap) ||
	    !sys_heap_locked_validate(sys_heap_libc_heap()) ||
	    !sys_heap_locked_validate(xSysHeapFreeRTOSHeap(0))) {
		c->failed_validations++;
	}
}

/* ---- contexts ----------------------------------------------------------- */

static struct slot worker_slots[WORKERS][SLOTS];
static struct slot isr_slots[ISR_SLOTS];
static uint32_t worker_stacks[WORKERS][STACK_WORDS] __attribute__((aligned(8)));
static uint32_t super_stack[STACK_WORDS + 128u] __attribute__((aligned(8)));
static uint32_t idle_stack[64] __attribute__((aligned(8)));
static struct context workers[WORKERS];
static struct slot timer_slots[ISR_SLOTS];
static struct context isr_ctx = { "SysTick ISR", isr_slots, ISR_SLOTS, 0x9E3779B9u, 9u, 0u, 0u, 0u, 0u, false };
static struct context timer_ctx = { "timer ISR", timer_slots, ISR_SLOTS, 0x7F4A7C15u, 10u, 0u, 0u, 0u, 0u, false };
static volatile bool in_tick_hook;   /* the SysTick hook is running */
static volatile uint32_t timer_irqs;
static volatile uint32_t timer_in_tick; /* timer interrupts that preempted the SysTick hook */
static volatile bool stop;
static volatile bool isr_stop;
static size_t freertos_empty;
static uint32_t isr_probes;
static uint32_t isr_probe_accepted;

static const uint8_t worker_prio[WORKERS] = { 3u, 2u, 2u, 1u };
static const char *const worker_name[WORKERS] = { "thread prio 3", "thread prio 2a",
						 "thread prio 2b", "thread prio 1" };

static void worker(void *arg)
{
	struct context *c = arg;

	while (!stop) {
		one_op(c, HEAP_KINDS);
		if (c->ops % VALIDATE_EVERY == 0u) {
			validate_all(c);
		}
		if (c->ops % SLEEP_EVERY == 0u) {
			kthread_sleep(1u + (next_rand(c) & 1u));
		}
	}
	for (uint32_t i = 0u; i < c->nslots; i++) {
		if (c->slots[i].mem != NULL) {
			release(c, &c->slots[i]);
		}
	}
	c->done = true;
}

/* In an interrupt at the end of the run: free what is left, once.
 * True when the interrupt has nothing more to do. */
static bool isr_finished(struct context *c)
{
	if (!isr_stop) {
		return false;
	}
	if (!c->done) {
		for (uint32_t i = 0u; i < c->nslots; i++) {
			if (c->slots[i].mem != NULL) {
				release(c, &c->slots[i]);
			}
		}
		c->done = true;
	}
	return true;
}

void irq_timer_hook(void)
{
	struct context *c = &timer_ctx;

	timer_irqs++;
	if (in_tick_hook) {
		timer_in_tick++;
	}
	if (isr_finished(c)) {
		return;
	}
	for (uint32_t i = 0u; i < TIMER_OPS_PER_IRQ; i++) {
		one_op(c, 1u); /* the interrupt-masked heap only */
	}
}

void kernel_tick_hook(void)
{
	struct context *c = &isr_ctx;

	if (isr_finished(c)) {
		return;
	}
	in_tick_hook = true;
	for (uint32_t i = 0u; i < ISR_OPS_PER_TICK; i++) {
		one_op(c, 1u); /* the interrupt-masked heap only */
	}
	in_tick_hook = false;
	if (kernel_ticks() % ISR_MUTEX_PROBE_EVERY == 0u) {
		/* Not allowed here: must come back NULL, reported. */
		void *p = sys_heap_locked_alloc(&mutex_heap, 16u);

		void *q = pvPortMalloc(16u);

		isr_probes++;
		if (p != NULL || q != NULL) {
			isr_probe_accepted++;
		}
	}
	if (kernel_ticks() % 256u == 0u && !sys_heap_locked_validate(&isr_heap)) {
		c->failed_validations++; /* the only heap an interrupt may lock */
	}
}

static uint32_t total_ops(void)
{
	uint32_t n = isr_ctx.ops + timer_ctx.ops;

	for (uint32_t i = 0u; i < WORKERS; i++) {
		n += workers[i].ops;
	}
	return n;
}

static uint32_t passed, failed;

static void expect(bool ok, const char *what, uint32_t value)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL %s (%lu)\n", what, (unsigned long)value);
	}
}

static void report(const struct context *c)
{
	printf("  %-15s %8lu ops %6lu alloc failures\n", c->name, (unsigned long)c->ops,
	       (unsigned long)c->alloc_failures);
	expect(c->bad_cookies == 0u, "cookie intact", c->bad_cookies);
	expect(c->failed_validations == 0u, "heaps valid", c->failed_validations);
	expect(c->ops > 0u, "context ran", c->ops);
}

static void supervisor(void *arg)
{
	(void)arg;
	while (total_ops() < PREEMPT_OPS) {
		kthread_sleep(16u);
	}
	stop = true;
	for (uint32_t i = 0u; i < WORKERS; i++) {
		while (!workers[i].done) {
			kthread_sleep(1u);
		}
	}
	isr_stop = true;
	while (!isr_ctx.done) {
		kthread_sleep(1u);
	}
	/* Bounded: a timer that never fires must fail the checks below, not
	 * hang the run. Once it is stopped, its blocks are ours to free. */
	for (uint32_t waited = 0u; !timer_ctx.done && waited < 64u; waited++) {
		kthread_sleep(1u);
	}
	irq_timer_stop();
	(void)isr_finished(&timer_ctx);
	kernel_stop_tick();

	uint32_t ops = total_ops();

	printf("preempt: %lu heap operations, %lu ticks, %lu thread switches; isr_heap %s\n",
	       (unsigned long)ops, (unsigned long)kernel_ticks(), (unsigned long)kernel_switches(),
	       ISR_LOCK_NAME);
	for (uint32_t i = 0u; i < WORKERS; i++) {
		report(&workers[i]);
	}
	report(&isr_ctx);
	report(&timer_ctx);
	printf("  timer interrupts %lu, %lu of them preempted the SysTick handler\n",
	       (unsigned long)timer_irqs, (unsigned long)timer_in_tick);
	expect(timer_irqs >= TIMER_MIN_IRQS, "timer interrupt fired", timer_irqs);
	expect(timer_in_tick > 0u, "timer interrupt preempted the SysTick handler", timer_in_tick);
	expect(ops >= PREEMPT_OPS, "operations done", ops);
	expect(kernel_switches() > 1000u, "threads preempted", kernel_switches());
	expect(sys_heap_validate(&isr_heap) && sys_heap_validate(&mutex_heap) &&
		       sys_heap_validate(sys_heap_libc_heap()),
	       "heaps valid at the end", 0u);

	struct sys_memory_stats st;

	(void)sys_heap_runtime_stats_get(&isr_heap, &st);
	expect(st.allocated_bytes == 0u, "isr_heap empty", (uint32_t)st.allocated_bytes);
	(void)sys_heap_runtime_stats_get(&mutex_heap, &st);
	expect(st.allocated_bytes == 0u, "mutex_heap empty", (uint32_t)st.allocated_bytes);
	uint32_t spare = UINT32_MAX;

	for (uint32_t i = 0u; i < WORKERS + 2u; i++) {
		spare = kthread_stack_unused(i) < spare ? kthread_stack_unused(i) : spare;
		expect(kthread_stack_unused(i) >= 64u, "thread stack kept 64 bytes spare",
		       kthread_stack_unused(i));
	}
	expect(unexpected_errors == 0u, "no unexpected heap errors", unexpected_errors);
	expect(isr_probes > 0u && isr_probe_accepted == 0u && context_errors == 2u * isr_probes,
	       "mutex and FreeRTOS heaps refused and reported in the ISR", context_errors);
	expect(freertos_asserts == 0u, "no FreeRTOS assertion", freertos_asserts);
	expect(xPortGetFreeHeapSize() == freertos_empty && sys_heap_validate(xSysHeapFreeRTOSHeap(0)),
	       "FreeRTOS heap empty and valid", (uint32_t)xPortGetFreeHeapSize());
	printf("  FreeRTOS heap: min ever free %lu of %lu bytes, %lu malloc-failed hook calls (the ISR probes included);"
	       " least thread stack spare %lu bytes\n",
	       (unsigned long)xPortGetMinimumEverFreeHeapSize(), (unsigned long)freertos_empty,
	       (unsigned long)freertos_malloc_failed, (unsigned long)spare);
	printf("%lu passed, %lu failed\n", (unsigned long)passed, (unsigned long)failed);
	exit((int)failed);
}

static void idle(void *arg)
{
	(void)arg;
	for (;;) {
		__asm__ volatile("wfi");
	}
}

int main(void)
{
	freertos_empty = xPortGetFreeHeapSize(); /* formats ucHeap */
	sys_heap_set_error_hook(xSysHeapFreeRTOSHeap(0), count_hook);
	sys_heap_set_error_hook(&isr_heap, count_hook);
	sys_heap_set_error_hook(&mutex_heap, count_hook);
	for (uint32_t i = 0u; i < WORKERS; i++) {
		workers[i] = (struct context){ worker_name[i], worker_slots[i], SLOTS,
					       0x12345678u * (i + 1u), i + 1u, 0u, 0u, 0u, 0u, false };
		(void)kthread_create(worker, &workers[i], worker_stacks[i], STACK_WORDS,
				     worker_prio[i]);
	}
	(void)kthread_create(supervisor, NULL, super_stack, STACK_WORDS + 128u, 4u);
	(void)kthread_create(idle, NULL, idle_stack, 64u, 0u);
	printf("preempt: %u threads, SysTick every %u cycles, a timer interrupt above it,"
	       " target %lu operations\n",
	       (unsigned)WORKERS, (unsigned)PREEMPT_TICK_CYCLES, (unsigned long)PREEMPT_OPS);
	irq_timer_start();
	kernel_start(PREEMPT_TICK_CYCLES);
}
