# "Blue pill": STM32F103C8 (Cortex-M3), through an ST-LINK/V2 dongle on
# SWD. Console: semihosting. Small RAM: tests are built with small heaps.
bluepill_CPU        := cortex-m3
bluepill_LDSCRIPT   := boards/bluepill/memory.ld
bluepill_DEFS       := -DBOARD_IRQ_COUNT=60
bluepill_TEST_DEFS  := -DTEST_BIG_HEAP_BYTES=6144 -DTEST_HEAP_BYTES=4096 -DTEST_SCALE=0.25 \
	-DTEST_STRESS_SCRATCH_BYTES=1024 \
	-DDEMO_APP_HEAP_BYTES=8192 -DDEMO_IO_HEAP_BYTES=2048 -DDEMO_MAX_LIVE=64 -DISR_TEST_HEAP_BYTES=4096
bluepill_OPENOCD    := -f interface/stlink.cfg -f target/stm32f1x.cfg
bluepill_FLASH_SIZE := 0x10000
