# Nordic nRF52840 DK: nRF52840 (Cortex-M4F, hard float), on-board J-Link
# OB, flashed with OpenOCD's nrf52 target. Console: semihosting.
nrf52840dk_CPU        := cortex-m4
nrf52840dk_LDSCRIPT   := boards/nrf52840dk/memory.ld
nrf52840dk_DEFS       := -DBOARD_IRQ_COUNT=48
nrf52840dk_TEST_DEFS  := -DTEST_BIG_HEAP_BYTES=196608 -DTEST_HEAP_BYTES=65536
nrf52840dk_OPENOCD    := -f board/nordic_nrf52_dk.cfg
nrf52840dk_FLASH_SIZE := 0x100000
