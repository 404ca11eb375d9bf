# make test-regions: one allocator over several memories (issue 14).
#
# Firmware for mps2-an386 with three RAMs (tests/regions/memory.ld) and
# the library and its newlib-nano glue built with SYS_HEAP_LIBC_REGIONS=1
# in their own tree (build/regions/<cpu>/): malloc fills and spills across
# the system heap and three SYS_HEAP_REGION_DEFINE() regions in rank
# order, the DMA reserve holds against a malloc flood, capability requests
# land only in matching regions, frees from every region, C++ new and
# printf across regions, every heap validated after each phase
# (tests/regions/regions_fw.c). The link map is checked for where each
# region's buffer went and for a malloc that is the glue's. The same
# sources' host suite is tests/test_regions.c (make test-host).

REGIONS_DIR   := $(BUILD)/regions
REGIONS_BOARD := mps2-an386
REGIONS_CPU   := $($(REGIONS_BOARD)_CPU)
REGIONS_DEFS  := -DSYS_HEAP_LIBC_REGIONS=1
REGIONS_GLUE  := $(REGIONS_DIR)/$(REGIONS_CPU)/libsysheap_libc_nano.a
REGIONS_LIB   := $(REGIONS_DIR)/$(REGIONS_CPU)/libsysheap.a
# The portable part (the capability API over SYS_HEAP_REGION_DEFINE()
# regions), built for the host too; the firmware adds malloc, new, printf.
REGIONS_PORTABLE_SRCS := tests/regions/main.c tests/regions/regions_defs.c \
	tests/regions/regions_caps.c tests/harness.c
REGIONS_SRCS  := $(REGIONS_PORTABLE_SRCS) tests/regions/regions_libc.c tests/regions/regions_new.cpp \
	$(addprefix boards/common/,startup.c fault.c semihosting.c syscalls.c)
REGIONS_OBJS  := $(patsubst %,$(REGIONS_DIR)/fw/%.o,$(basename $(REGIONS_SRCS)))
REGIONS_ELF   := $(REGIONS_DIR)/regions.elf
REGIONS_FLAGS  = --specs=nano.specs $(call target_flags,$(REGIONS_CPU)) -Iinclude -Iboards/common \
	-Itests -Itests/regions $(CONFIG_DEFS) $(REGIONS_DEFS) $($(REGIONS_BOARD)_DEFS) \
	-DBOARD_NAME=\"$(REGIONS_BOARD)\" -MMD -MP

# The archives at the option, by the ordinary rules in a tree of their own.
.PHONY: regions-libs
regions-libs:
	@$(MAKE) --no-print-directory -s BUILD=$(REGIONS_DIR) CPUS=$(REGIONS_CPU) \
		CONFIG_DEFS="$(CONFIG_DEFS) $(REGIONS_DEFS)" $(REGIONS_LIB) $(REGIONS_GLUE)
$(REGIONS_LIB) $(REGIONS_GLUE): regions-libs ;

$(REGIONS_DIR)/fw/%.o: %.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(REGIONS_FLAGS) -std=gnu11 $(WARN) -c $< -o $@
$(REGIONS_DIR)/fw/%.o: %.cpp
	@mkdir -p $(@D)
	$(TARGET_CXX) $(REGIONS_FLAGS) -std=gnu++17 $(WARN) -fno-exceptions -fno-rtti \
		-fno-threadsafe-statics -c $< -o $@
-include $(REGIONS_OBJS:.o=.d)

# The documented link: the glue before libsysheap.a, -T sysheap_libc.ld
# after the board's script.
$(REGIONS_ELF): $(REGIONS_OBJS) $(REGIONS_GLUE) $(REGIONS_LIB) tests/regions/memory.ld \
		boards/common/cortexm.ld ld/sysheap_registry.ld ld/sysheap_libc.ld
	$(TARGET_CXX) --specs=nano.specs $(call target_flags,$(REGIONS_CPU)) -nostartfiles \
		-Wl,--gc-sections -Wl,-z,start-stop-gc -Wl,--orphan-handling=warn -Wl,--fatal-warnings \
		-Lboards/common -Lld -T tests/regions/memory.ld -T sysheap_libc.ld -Wl,-Map=$@.map \
		$(filter %.o %.a,$^) -o $@

# The host program: the portable part and the library's sources, under
# ASan and UBSan, with the registry fragment (tests/host_registry.ld).
REGIONS_HOST := $(REGIONS_DIR)/host/regions_host
$(REGIONS_HOST): $(REGIONS_PORTABLE_SRCS) $(wildcard tests/regions/*.h) $(LIB_SRCS) $(LIB_HDRS) \
		$(HOST_BOARD_SRCS) boards/host/fatal_host.c $(TEST_HOST_LDSCRIPT) ld/sysheap_registry.ld
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 $(WARN) -Iinclude -Isrc/core -Itests -Itests/regions $(CONFIG_DEFS) \
		-O1 -g $(TEST_SANITIZE) $(filter %.c,$(filter-out src/core/fatal_trap.c,$^)) \
		$(TEST_HOST_LDFLAGS) -o $@

TEST_TARGETS += test-regions
.PHONY: test-regions
test-regions: deps $(REGIONS_ELF) $(REGIONS_HOST)
	@status=0; \
	echo "-- $(REGIONS_HOST)"; \
	$(REGIONS_HOST) >$(REGIONS_DIR)/host.log 2>&1 || status=1; grep -E "FAIL|passed" $(REGIONS_DIR)/host.log; \
	sh tools/qemu_run.sh -q -s -t 120 -l $(REGIONS_DIR)/regions.log $($(REGIONS_BOARD)_QEMU) \
		$(REGIONS_ELF) || status=1; \
	sh tests/regions/check_map.sh $(REGIONS_ELF).map $(REGIONS_GLUE) || status=1; \
	exit $$status

# ---- make bench-regions ---------------------------------------------------------
# Multi-heap alloc/free instructions on Cortex-M4 (QEMU -icount, as `make
# bench`), one heap against 2 and 4 regions over the same arena
# (bench/fw/regions_main.c), and the code size of the multi-heap objects
# and of the glue over regions; tools/bench_regions.py writes
# docs/bench-regions.md. `make bench` runs it. The default library is
# measured: the regions code is linked only because this firmware uses it.

REGIONS_BENCH_DIR  := $(BUILD)/bench-regions
REGIONS_BENCH_SRCS := bench/fw/regions_main.c bench/fw/timer.c bench/fw/syscalls_bench.c \
	bench/fw/timed_call.S bench/fw/calib.S $(sort $(wildcard bench/common/*.c)) \
	bench/adapters/alloc_sysheap.c bench/adapters/alloc_regions.c \
	boards/common/startup.c boards/common/fault.c boards/common/semihosting.c \
	boards/common/syscalls.c
REGIONS_BENCH_OBJS := $(patsubst %,$(REGIONS_BENCH_DIR)/obj/%.o,$(basename $(REGIONS_BENCH_SRCS)))
REGIONS_BENCH_ELF  := $(REGIONS_BENCH_DIR)/regions-bench.elf
REGIONS_BENCH_LOG  := $(REGIONS_BENCH_DIR)/regions-bench.log
REGIONS_BENCH_CFLAGS = $(call target_flags,$(REGIONS_CPU)) -Iinclude -Iboards/common -Ibench/common \
	-Ibench/adapters -Ibench/fw $(CONFIG_DEFS) $(filter-out -DBOARD_STDOUT_BUFFER=%,$($(REGIONS_BOARD)_DEFS)) \
	-DBOARD_NAME=\"$(REGIONS_BOARD)\" -DBENCH_CPU=\"$(REGIONS_CPU)\" -DBENCH_QEMU -DBENCH_UNIT_INSN \
	-DBENCH_ALLOC_SYSHEAP -DBENCH_TRACES=0 -std=c11 $(WARN) -MMD -MP

$(REGIONS_BENCH_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(REGIONS_BENCH_CFLAGS) -c $< -o $@
$(REGIONS_BENCH_DIR)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(TARGET_CC) $(call target_flags,$(REGIONS_CPU)) -c $< -o $@
-include $(REGIONS_BENCH_OBJS:.o=.d)

$(REGIONS_BENCH_ELF): $(REGIONS_BENCH_OBJS) $(BUILD)/$(REGIONS_CPU)/libsysheap.a \
		$($(REGIONS_BOARD)_LDSCRIPT) boards/common/cortexm.ld
	$(TARGET_CC) $(call target_flags,$(REGIONS_CPU)) --specs=nano.specs -nostartfiles \
		-Wl,--gc-sections -Wl,-z,start-stop-gc -Wl,--orphan-handling=warn -Wl,--fatal-warnings \
		-Lboards/common -Lld -T $($(REGIONS_BOARD)_LDSCRIPT) -Wl,-Map=$@.map \
		$(filter %.o %.a,$^) -lgcc -o $@

$(REGIONS_BENCH_LOG): $(REGIONS_BENCH_ELF) tools/qemu_run.sh
	@sh tools/qemu_run.sh -q -t $(BENCH_TIMEOUT) -i $(BENCH_ICOUNT) -L "END status=0" \
		-l $@.tmp $($(REGIONS_BOARD)_QEMU) $< && mv $@.tmp $@

.PHONY: bench-regions
bench-regions: deps $(REGIONS_BENCH_LOG) $(BUILD)/$(REGIONS_CPU)/libsysheap.a regions-libs \
		$(BUILD)/$(REGIONS_CPU)/libsysheap_libc_nano.a
	@$(PYTHON) tools/bench_regions.py --log $(REGIONS_BENCH_LOG) --size "$(TARGET_SIZE)" \
		--multi-objs "$(addprefix $(BUILD)/$(REGIONS_CPU)/obj/,multi/multi_heap.o multi/regions.o multi/regions_default.o)" \
		--glue $(BUILD)/$(REGIONS_CPU)/libc-nano/glue/malloc.o \
		--glue-regions $(REGIONS_DIR)/$(REGIONS_CPU)/libc-nano/glue/malloc.o \
		--out docs/bench-regions.md
bench: bench-regions
# make test builds the benchmark firmware too, so it cannot rot unseen.
test-regions: $(REGIONS_BENCH_ELF)
