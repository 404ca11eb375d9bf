# ARM MPS2 with the AN505 FPGA image: Cortex-M33 (ARMv8-M Mainline) with
# FPU (hard float), running Secure; QEMU machine mps2-an505.
mps2-an505_CPU        := cortex-m33
mps2-an505_QEMU       := mps2-an505
mps2-an505_LDSCRIPT   := boards/mps2-an505/memory.ld
mps2-an505_DEFS       := -DBOARD_IRQ_COUNT=96
mps2-an505_TEST_DEFS  :=
