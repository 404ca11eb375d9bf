/*
 * kernel.c: the test kernel of kernel.h. PendSV saves the callee-saved
 * registers (and s16-s31 when the thread used the FPU) on the outgoing
 * thread's stack, asks kernel_switch() for the next one, and restores
 * it. All scheduler state is touched with PRIMASK set, in threads and in
 * PendSV, so the tick never sees it half-updated.
 */
#include <stddef.h>

#include "cortexm.h"
#include "kernel.h"
#include "tick.h"

enum { READY, SLEEPING, BLOCKED, EXITED };

struct kthread {
	uint32_t *sp;
	uint32_t wake;
	struct kmutex *waiting;
	uint32_t *stack;
	uint32_t words;
	uint8_t prio;
	volatile uint8_t state;
};

static struct kthread threads[KERNEL_MAX_THREADS];
static uint32_t nthreads;
/* The context main() ran in: saved once, never resumed. */
static struct kthread boot = { NULL, 0u, NULL, NULL, 0u, 0u, EXITED };
static uint32_t boot_stack[64];
struct kthread *volatile kernel_current = &boot;
static volatile uint32_t ticks;
static volatile uint32_t switches;
static volatile uint32_t suspended; /* kernel_suspend() depth */
static volatile bool started;

#define ICSR_PENDSVSET (1u << 28)

static inline uint32_t irq_off(void)
{
	uint32_t pm;

	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(pm) : : "memory");
	return pm;
}

static inline void irq_restore(uint32_t pm)
{
	__asm__ volatile("msr primask, %0" : : "r"(pm) : "memory");
}

static void pend_switch(void)
{
	SCB_ICSR = ICSR_PENDSVSET;
}

static void thread_exit(void)
{
	(void)irq_off();
	kernel_current->state = EXITED;
	pend_switch();
	irq_restore(0u);
	for (;;) {
	}
}

/* Saved by PendSV below the hardware frame: r4-r11, then (mainline) the
 * EXC_RETURN value. */
#if CORTEXM_BASELINE
#define SOFT_FRAME_WORDS 8u
#else
#define SOFT_FRAME_WORDS 9u
#endif
#define HW_FRAME_WORDS 8u

struct kthread *kthread_create(void (*entry)(void *arg), void *arg, uint32_t *stack,
			       uint32_t words, uint8_t prio)
{
	if (nthreads == KERNEL_MAX_THREADS) {
		return NULL;
	}
	struct kthread *t = &threads[nthreads++];

	for (uint32_t i = 0u; i < words; i++) {
		stack[i] = KERNEL_STACK_FILL; /* kthread_stack_unused() counts it */
	}
	t->stack = stack;
	t->words = words;
	/* 8-byte aligned top, as AAPCS wants at a public interface. */
	uint32_t *top = (uint32_t *)((uintptr_t)(stack + words) & ~(uintptr_t)7u);
	uint32_t *sp = top - HW_FRAME_WORDS - SOFT_FRAME_WORDS;

	for (uint32_t i = 0u; i < SOFT_FRAME_WORDS; i++) {
		sp[i] = 0u;
	}
#if !CORTEXM_BASELINE
	sp[8] = 0xFFFFFFFDu; /* EXC_RETURN: thread mode, PSP, no FP frame */
#endif
	uint32_t *hw = sp + SOFT_FRAME_WORDS;

	hw[0] = (uint32_t)(uintptr_t)arg;       /* r0 */
	hw[1] = hw[2] = hw[3] = hw[4] = 0u;     /* r1-r3, r12 */
	hw[5] = (uint32_t)(uintptr_t)thread_exit; /* lr */
	hw[6] = (uint32_t)(uintptr_t)entry & ~1u; /* pc */
	hw[7] = 1u << 24;                       /* xPSR: Thumb */
	t->sp = sp;
	t->prio = prio;
	t->state = READY;
	return t;
}

/* Called by PendSV with interrupts masked: the outgoing thread's stack
 * pointer in, the incoming one's out. Highest priority ready thread;
 * among equals, the next after the current one. */
uint32_t *kernel_switch(uint32_t *sp);
uint32_t *kernel_switch(uint32_t *sp)
{
	struct kthread *cur = kernel_current;
	uint32_t start = cur == &boot ? 0u : (uint32_t)(cur - threads) + 1u;
	struct kthread *best = NULL;

	cur->sp = sp;
	if (suspended != 0u && cur->state == READY) {
		return sp; /* scheduler suspended: no switch until resumed */
	}
	for (uint32_t n = 0u; n < nthreads; n++) {
		struct kthread *t = &threads[(start + n) % nthreads];

		if (t->state == READY && (best == NULL || t->prio > best->prio)) {
			best = t;
		}
	}
	if (best == NULL) {
		best = cur; /* cannot happen with an idle thread; stay */
	}
	if (best != cur) {
		switches++;
	}
	kernel_current = best;
	return best->sp;
}

#if CORTEXM_BASELINE
/* GCC's v6-M inline assembly starts in divided syntax: ask for unified. */
__attribute__((naked)) void PendSV_Handler(void)
{
	__asm__ volatile(".syntax unified\n\t"
			 "mrs r0, psp\n\t"
			 "subs r0, #32\n\t"
			 "stmia r0!, {r4-r7}\n\t"
			 "mov r4, r8\n\t"
			 "mov r5, r9\n\t"
			 "mov r6, r10\n\t"
			 "mov r7, r11\n\t"
			 "stmia r0!, {r4-r7}\n\t"
			 "subs r0, #32\n\t"
			 "push {r3, lr}\n\t"
			 "cpsid i\n\t"
			 "bl kernel_switch\n\t"
			 "cpsie i\n\t"
			 "pop {r2, r3}\n\t"
			 /* Always back to a thread on the PSP (0xFFFFFFFD): the
			  * first switch comes from main() on the MSP. */
			 "movs r3, #2\n\t"
			 "mvns r3, r3\n\t"
			 "mov lr, r3\n\t"
			 "adds r0, #16\n\t"
			 "ldmia r0!, {r4-r7}\n\t"
			 "mov r8, r4\n\t"
			 "mov r9, r5\n\t"
			 "mov r10, r6\n\t"
			 "mov r11, r7\n\t"
			 "subs r0, #32\n\t"
			 "ldmia r0!, {r4-r7}\n\t"
			 "adds r0, #16\n\t"
			 "msr psp, r0\n\t"
			 "bx lr\n");
}
#else
__attribute__((naked)) void PendSV_Handler(void)
{
	__asm__ volatile("mrs r0, psp\n\t"
#if defined(__ARM_FP)
			 "tst lr, #0x10\n\t"
			 "it eq\n\t"
			 "vstmdbeq r0!, {s16-s31}\n\t"
#endif
			 "stmdb r0!, {r4-r11, lr}\n\t"
			 "cpsid i\n\t"
			 "bl kernel_switch\n\t"
			 "cpsie i\n\t"
			 "ldmia r0!, {r4-r11, lr}\n\t"
#if defined(__ARM_FP)
			 "tst lr, #0x10\n\t"
			 "it eq\n\t"
			 "vldmiaeq r0!, {s16-s31}\n\t"
#endif
			 "msr psp, r0\n\t"
			 "bx lr\n");
}
#endif

void tick_handler(void)
{
	uint32_t now = ++ticks;

	kernel_tick_hook();
	uint32_t pm = irq_off();

	for (uint32_t i = 0u; i < nthreads; i++) {
		if (threads[i].state == SLEEPING && (int32_t)(now - threads[i].wake) >= 0) {
			threads[i].state = READY;
		}
	}
	irq_restore(pm);
	pend_switch(); /* time slice */
}

void kernel_start(uint32_t tick_cycles)
{
	/* PendSV lowest; SysTick one step above it, still under BASEPRI
	 * 0x80 (0x80 on the 2-bit v6-M, 0xC0 where there are more bits). */
	uint32_t shpr3 = SCB_SHPR3 & 0x0000FFFFu;

	SCB_SHPR3 = shpr3 | (CORTEXM_BASELINE ? 0x80u : 0xC0u) << 24 | 0xFFu << 16;
	/* main's context is saved to boot_stack on the first switch and never
	 * resumed: from here on, thread mode runs on the PSP. Set before the
	 * tick starts: a tick that pends a switch at once would otherwise save
	 * main's context below a PSP of 0 (seen in QEMU on a loaded host). */
	__asm__ volatile("msr psp, %0\n\tisb" : : "r"(boot_stack + 64) : "memory");
	started = true;
	tick_start(tick_cycles);
	pend_switch();
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	for (;;) {
	}
}

void kernel_suspend(void)
{
	uint32_t pm = irq_off();

	suspended++;
	irq_restore(pm);
}

void kernel_resume(void)
{
	uint32_t pm = irq_off();

	if (--suspended == 0u && started) {
		pend_switch(); /* whatever was held back */
	}
	irq_restore(pm);
}

uint32_t kthread_stack_unused(uint32_t index)
{
	uint32_t n = 0u;

	if (index < nthreads) {
		while (n < threads[index].words && threads[index].stack[n] == KERNEL_STACK_FILL) {
			n++;
		}
	}
	return n * 4u;
}

struct kthread *kthread_self(void)
{
	return kernel_current;
}

uint32_t kernel_ticks(void)
{
	return ticks;
}

uint32_t kernel_switches(void)
{
	return switches;
}

void kernel_stop_tick(void)
{
	tick_stop();
}

void kthread_sleep(uint32_t n)
{
	uint32_t pm = irq_off();

	kernel_current->wake = ticks + (n == 0u ? 1u : n);
	kernel_current->state = SLEEPING;
	pend_switch();
	irq_restore(pm);
}

void kthread_yield(void)
{
	pend_switch();
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

void kmutex_lock(struct kmutex *m)
{
	for (;;) {
		uint32_t pm = irq_off();

		if (m->owner == NULL) {
			m->owner = kernel_current;
			irq_restore(pm);
			return;
		}
		kernel_current->waiting = m;
		kernel_current->state = BLOCKED;
		pend_switch();
		irq_restore(pm); /* PendSV runs here; back when unlocked */
	}
}

void kmutex_unlock(struct kmutex *m)
{
	uint32_t pm = irq_off();
	bool woke = false;

	m->owner = NULL;
	for (uint32_t i = 0u; i < nthreads; i++) {
		if (threads[i].state == BLOCKED && threads[i].waiting == m) {
			threads[i].waiting = NULL;
			threads[i].state = READY;
			woke = true;
		}
	}
	if (woke) {
		pend_switch();
	}
	irq_restore(pm);
}
