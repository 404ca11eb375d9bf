# ARM MPS2 with the AN386 FPGA image: Cortex-M4 with FPU (hard float),
# QEMU machine mps2-an386. Also runs the ISR test with the BASEPRI lock.
mps2-an386_CPU        := cortex-m4
mps2-an386_QEMU       := mps2-an386
mps2-an386_LDSCRIPT   := boards/mps2-an386/memory.ld
mps2-an386_DEFS       := -DBOARD_IRQ_COUNT=32
mps2-an386_TEST_DEFS  :=
