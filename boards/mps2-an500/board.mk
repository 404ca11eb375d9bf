# ARM MPS2 with the AN500 FPGA image: Cortex-M7 with double-precision FPU
# (hard float), QEMU machine mps2-an500.
mps2-an500_CPU        := cortex-m7
mps2-an500_QEMU       := mps2-an500
mps2-an500_LDSCRIPT   := boards/mps2-an500/memory.ld
mps2-an500_DEFS       := -DBOARD_IRQ_COUNT=32
mps2-an500_TEST_DEFS  :=
