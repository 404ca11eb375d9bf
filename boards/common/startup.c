/*
 * startup.c: the vector table and Reset_Handler shared by every Cortex-M
 * board. Reset order matters and is the point of this file:
 *
 *   1. FPU on (hard-float code may touch s0..s31 anywhere after this),
 *   2. .data copied from flash, .bss zeroed,
 *   3. board_early_init() (clocks, external RAM: before any heap in it),
 *   4. sys_heap_init_all(): every SYS_HEAP_DEFINE heap formatted,
 *   5. stdio_init() (small-RAM boards: a static stdout buffer),
 *   6. __libc_init_array(): C++ constructors, which may allocate,
 *   7. exit(main()).
 *
 * The heap buffers themselves are never zeroed: formatting writes every
 * byte of metadata it needs, so zeroing them would only cost boot time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cortexm.h"
#include "sys_heap_define.h"

/* Linker-script symbols (boards/common/cortexm.ld). */
extern uint32_t __data_load_start__[];
extern uint32_t __data_start__[];
extern uint32_t __data_end__[];
extern uint32_t __bss_start__[];
extern uint32_t __bss_end__[];
extern uint32_t __stack_top__[];

extern void __libc_init_array(void);
void _init(void);
void _fini(void);
extern void *__dso_handle;
void board_early_init(void);
extern int main(void);

void Reset_Handler(void) __attribute__((noreturn));

#ifndef BOARD_IRQ_COUNT
#define BOARD_IRQ_COUNT 30
#endif

void Default_Handler(void);

/* Every unhandled exception lands here (every handler below is a weak alias of
 * it). Finds the stacked frame (MSP or PSP, from EXC_RETURN bit 2) and
 * hands it to C. Naked: it must see the registers exactly as the core left
 * them. Baseline-only instructions, so it assembles for v6-M too. */
__attribute__((naked)) void Default_Handler(void)
{
	__asm__ volatile(
		"movs r0, #4\n\t"
		"mov r1, lr\n\t"
		"tst r0, r1\n\t"
		"beq 1f\n\t"
		"mrs r0, psp\n\t"
		"b 2f\n"
		"1:\n\t"
		"mrs r0, msp\n"
		"2:\n\t"
		"push {r4, lr}\n\t"
		"bl fault_dispatch\n\t"
		"pop {r4, pc}\n");
}

/* Every handler is a weak alias of Default_Handler, so firmware overrides
 * one by defining a function of the same name. */
#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")));

WEAK_HANDLER(NMI_Handler)
WEAK_HANDLER(HardFault_Handler)
WEAK_HANDLER(MemManage_Handler)
WEAK_HANDLER(BusFault_Handler)
WEAK_HANDLER(UsageFault_Handler)
WEAK_HANDLER(SecureFault_Handler)
WEAK_HANDLER(SVC_Handler)
WEAK_HANDLER(DebugMon_Handler)
WEAK_HANDLER(PendSV_Handler)
WEAK_HANDLER(SysTick_Handler)

/* External interrupts IRQ0_Handler, IRQ1_Handler..., in decades, so a
 * board's BOARD_IRQ_COUNT (rounded up to 10) sizes the table without a
 * per-board file. IRQ_Dn is IRQ_ON when decade n (IRQs n0..n9) exists. */
#define IRQ_DECADE(X, d) \
	X(d##0) X(d##1) X(d##2) X(d##3) X(d##4) X(d##5) X(d##6) X(d##7) X(d##8) X(d##9)
#define IRQ_ON(X, d) IRQ_DECADE(X, d)
#define IRQ_OFF(X, d)
#define IRQ_DECLARE(n) WEAK_HANDLER(IRQ##n##_Handler)
#define IRQ_ENTRY(n) IRQ##n##_Handler,

#if BOARD_IRQ_COUNT > 100
#error "BOARD_IRQ_COUNT above 100: add decades in boards/common/startup.c"
#endif
#if BOARD_IRQ_COUNT > 30
#define IRQ_D3 IRQ_ON
#else
#define IRQ_D3 IRQ_OFF
#endif
#if BOARD_IRQ_COUNT > 40
#define IRQ_D4 IRQ_ON
#else
#define IRQ_D4 IRQ_OFF
#endif
#if BOARD_IRQ_COUNT > 50
#define IRQ_D5 IRQ_ON
#else
#define IRQ_D5 IRQ_OFF
#endif
#if BOARD_IRQ_COUNT > 60
#define IRQ_D6 IRQ_ON
#else
#define IRQ_D6 IRQ_OFF
#endif
#if BOARD_IRQ_COUNT > 70
#define IRQ_D7 IRQ_ON
#else
#define IRQ_D7 IRQ_OFF
#endif
#if BOARD_IRQ_COUNT > 80
#define IRQ_D8 IRQ_ON
#else
#define IRQ_D8 IRQ_OFF
#endif
#if BOARD_IRQ_COUNT > 90
#define IRQ_D9 IRQ_ON
#else
#define IRQ_D9 IRQ_OFF
#endif

#define IRQ_TABLE(X) \
	IRQ_DECADE(X, ) IRQ_DECADE(X, 1) IRQ_DECADE(X, 2) IRQ_D3(X, 3) IRQ_D4(X, 4) \
	IRQ_D5(X, 5) IRQ_D6(X, 6) IRQ_D7(X, 7) IRQ_D8(X, 8) IRQ_D9(X, 9)

IRQ_TABLE(IRQ_DECLARE)

typedef void (*handler_t)(void);

struct vector_table {
	uint32_t *initial_sp;
	handler_t exceptions[15];
	handler_t irqs[(BOARD_IRQ_COUNT + 9) / 10 * 10];
};

/* KEEP()'d by the linker script: nothing references the table by name. */
__attribute__((section(".isr_vector"), used))
const struct vector_table vector_table = {
	.initial_sp = __stack_top__,
	.exceptions = {
		Reset_Handler,
		NMI_Handler,
		HardFault_Handler,
		MemManage_Handler,
		BusFault_Handler,
		UsageFault_Handler,
		SecureFault_Handler,
		0, 0, 0,
		SVC_Handler,
		DebugMon_Handler,
		0,
		PendSV_Handler,
		SysTick_Handler,
	},
	.irqs = { IRQ_TABLE(IRQ_ENTRY) },
};

/* __libc_init_array() calls _init() and exit() calls _fini(): the crti.o
 * versions are left out with -nostartfiles, and .init_array does the work
 * on EABI targets, so empty ones do. Weak, in case crti.o is linked. */
__attribute__((weak)) void _init(void)
{
}

__attribute__((weak)) void _fini(void)
{
}

/* The "DSO" C++ static destructors register against (crtbegin.o's, left
 * out with -nostartfiles): a static executable is its one and only DSO,
 * whose handle is null. */
__attribute__((weak)) void *__dso_handle = 0;

__attribute__((weak)) void board_early_init(void)
{
}

/* Hard-float code may use the FPU from the first C statement that deals
 * in floats; CP10/CP11 are off at reset, so turn them on first. */
static inline void fpu_enable(void)
{
#if defined(__ARM_FP) && !defined(__SOFTFP__)
	SCB_CPACR |= (0xFu << 20); /* CP10 and CP11: full access */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

/* A bootloader may have started us with VTOR pointing at its own table. */
static inline void vtor_set(void)
{
#if BOARD_HAS_VTOR
	SCB_VTOR = (uint32_t)(uintptr_t)&vector_table;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

/* memcpy and memset are safe this early: they touch no libc state. (GCC
 * turns hand-written copy loops into these calls anyway.) */
static void sections_init(void)
{
	memcpy(__data_start__, __data_load_start__,
	       (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__));
	memset(__bss_start__, 0, (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
}

/* On small-RAM boards, a static stdout buffer of BOARD_STDOUT_BUFFER
 * bytes replaces the BUFSIZ (1 KiB) one stdio would take from sbrk on the
 * first printf. newlib-nano still allocates its FILE objects there, so the
 * linker script keeps a minimum sbrk arena (__sbrk_min_size__). */
static void stdio_init(void)
{
#if defined(BOARD_STDOUT_BUFFER) && BOARD_STDOUT_BUFFER > 0
	static char stdout_buffer[BOARD_STDOUT_BUFFER];

	(void)setvbuf(stdout, stdout_buffer, _IOLBF, sizeof(stdout_buffer));
#endif
}

void Reset_Handler(void)
{
	fpu_enable();
	vtor_set();
	sections_init();
	board_early_init();
	sys_heap_init_all();
	stdio_init();
	__libc_init_array();
	exit(main());
}
