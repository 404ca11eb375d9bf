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
REGIONS_SRCS  := tests/regions/regions_fw.c tests/regions/regions_new.cpp tests/harness.c \
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

TEST_TARGETS += test-regions
.PHONY: test-regions
test-regions: deps $(REGIONS_ELF)
	@status=0; \
	sh tools/qemu_run.sh -q -s -t 120 -l $(REGIONS_DIR)/regions.log $($(REGIONS_BOARD)_QEMU) \
		$(REGIONS_ELF) || status=1; \
	sh tests/regions/check_map.sh $(REGIONS_ELF).map $(REGIONS_GLUE) || status=1; \
	exit $$status
