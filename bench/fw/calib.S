/*
 * calib.S: code of known instruction counts for bench_calibrate().
 *   bench_cal_1       1 instruction  (bx lr)
 *   bench_cal_7       7 instructions
 *   bench_cal_100   100 instructions
 *   bench_cal_1000 1000 instructions
 *   bench_cal_loop(n) 2n + 1 instructions (n >= 1)
 */
	.syntax unified
	.thumb
	.text

	.macro known name, nops
	.align 2
	.global \name
	.type \name, %function
	.thumb_func
\name:
	.rept \nops
	nop
	.endr
	bx lr
	.size \name, . - \name
	.endm

	known bench_cal_1, 0
	known bench_cal_7, 6
	known bench_cal_100, 99
	known bench_cal_1000, 999

	.align 2
	.global bench_cal_loop
	.type bench_cal_loop, %function
	.thumb_func
bench_cal_loop:
1:	subs r0, r0, #1
	bne 1b
	bx lr
	.size bench_cal_loop, . - bench_cal_loop
