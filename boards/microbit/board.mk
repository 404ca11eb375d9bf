# BBC micro:bit v1 (nRF51822, Cortex-M0, 16 KiB RAM), QEMU machine
# microbit. The test suite is built with small heaps to fit.
microbit_CPU        := cortex-m0
microbit_QEMU       := microbit
microbit_LDSCRIPT   := boards/microbit/memory.ld
# 16 KiB leave the test firmware's system heap (printf's buffers) under the
# glue's default minimum, SYS_HEAP_LIBC_MIN_BYTES (4096): lowered here, as
# docs/libc.md tells a firmware with little RAM to.
microbit_LDFLAGS     := -Wl,--defsym=SYS_HEAP_LIBC_MIN_BYTES=1024
microbit_DEFS       := -DBOARD_IRQ_COUNT=32 -DBOARD_STDOUT_BUFFER=128
microbit_TEST_DEFS  := -DTEST_BIG_HEAP_BYTES=3072 -DTEST_HEAP_BYTES=2048 -DTEST_SCALE=0.25 \
	-DTEST_STRESS_SCRATCH_BYTES=512 \
	-DDEMO_APP_HEAP_BYTES=6144 -DDEMO_IO_HEAP_BYTES=2048 -DDEMO_MAX_LIVE=48 -DISR_TEST_HEAP_BYTES=4096
