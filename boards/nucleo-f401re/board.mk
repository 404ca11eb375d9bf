# ST NUCLEO-F401RE: STM32F401RE (Cortex-M4F, hard float), on-board
# ST-LINK/V2-1. Console: semihosting (`make console BOARD=nucleo-f401re`).
nucleo-f401re_CPU        := cortex-m4
nucleo-f401re_LDSCRIPT   := boards/nucleo-f401re/memory.ld
nucleo-f401re_DEFS       := -DBOARD_IRQ_COUNT=85
nucleo-f401re_TEST_DEFS  := -DTEST_BIG_HEAP_BYTES=65536 -DTEST_HEAP_BYTES=32768
nucleo-f401re_OPENOCD    := -f board/st_nucleo_f4.cfg
nucleo-f401re_FLASH_SIZE := 0x80000
