/*
 * timed_call.S: uintptr_t bench_call(void *fn, uintptr_t a0, uintptr_t a1,
 *                                    uintptr_t a2)
 *
 * Calls fn(a0, a1, a2) between two reads of the counter whose address is
 * in bench_counter_addr (SysTick CVR or DWT CYCCNT), and stores the two
 * readings in bench_ticks[0] and bench_ticks[1]. Between the reads run
 * exactly: the first read itself, `blx`, and the callee up to and
 * including its return, so a one-instruction callee (`bx lr`) costs
 * three instructions; bench_calibrate() measures that overhead rather
 * than assuming it. Thumb-1 only, so one file serves v6-M to v8-M.
 */
	.syntax unified
	.thumb
	.text
	.align 2
	.global bench_call
	.type bench_call, %function
	.thumb_func
bench_call:
	push {r4-r7, lr}
	mov r5, r0          /* fn */
	mov r0, r1
	mov r1, r2
	mov r2, r3
	ldr r4, =bench_counter_addr
	ldr r4, [r4]
	ldr r6, [r4]        /* t0 */
	blx r5
	ldr r7, [r4]        /* t1 */
	ldr r3, =bench_ticks
	str r6, [r3]
	str r7, [r3, #4]
	pop {r4-r7, pc}
	.ltorg
	.size bench_call, . - bench_call
