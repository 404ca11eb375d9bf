# ARM MPS2 with the AN385 FPGA image: Cortex-M3, QEMU machine mps2-an385.
# The default board.
mps2-an385_CPU        := cortex-m3
mps2-an385_QEMU       := mps2-an385
mps2-an385_LDSCRIPT   := boards/mps2-an385/memory.ld
mps2-an385_DEFS       := -DBOARD_IRQ_COUNT=32
mps2-an385_TEST_DEFS  :=
