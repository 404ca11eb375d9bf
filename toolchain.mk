# Toolchains and per-CPU flags. Included by the Makefile; firmware projects
# may include it too to get the same flags the library was built with.

HOST_CC      ?= cc
HOST_AR      ?= ar
CROSS        ?= arm-none-eabi-
TARGET_CC    := $(CROSS)gcc
TARGET_CXX   := $(CROSS)g++
TARGET_AR    := $(CROSS)ar
TARGET_SIZE  := $(CROSS)size
TARGET_OBJCOPY := $(CROSS)objcopy

# The Cortex-M CPUs we ship a library for.
CPUS := cortex-m0 cortex-m3 cortex-m4 cortex-m7 cortex-m33

# Each CPU's -mcpu and float ABI. M4, M7 and M33 boards have an FPU, so
# they get the hard-float ABI, the one their firmware is built with.
CPU_FLAGS_cortex-m0  := -mcpu=cortex-m0 -mfloat-abi=soft
CPU_FLAGS_cortex-m3  := -mcpu=cortex-m3 -mfloat-abi=soft
CPU_FLAGS_cortex-m4  := -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
CPU_FLAGS_cortex-m7  := -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard
CPU_FLAGS_cortex-m33 := -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard

TARGET_OPT   ?= -Os
TARGET_FLAGS_COMMON := -mthumb $(TARGET_OPT) -ffunction-sections -fdata-sections -g3

# $(call target_flags,cpu)
target_flags = $(CPU_FLAGS_$(1)) $(TARGET_FLAGS_COMMON)
