# Firmware for the boards in boards/, run under QEMU or flashed with OpenOCD.
#
#   make run [BOARD=b]            build the demo (examples/demo) and run it in
#                                 QEMU; BOARD defaults to mps2-an385
#   make test-qemu [BOARD=b]      every target test on every QEMU board, or one:
#                                 the core suite (tests/), the ISR test (PRIMASK
#                                 lock, and BASEPRI where the core has it), the
#                                 init-order test (C++), the ELF section check,
#                                 the exit-status check, the demo and every
#                                 firmware's link map (no libc allocator); without
#                                 BOARD also qemu-vendor-ld (the porting
#                                 snippet in an STM32CubeIDE-style project)
#   make flash BOARD=b [FIRMWARE=demo|tests|isr_test|init_test|exit_test]
#                                 program a dev board: openocd program/verify/reset
#   make console BOARD=b          attach OpenOCD with semihosting on, to see a
#                                 dev board's console (the boards print over it)
#   make flash-check [BOARD=b]    without hardware: every ELF's load segments
#                                 inside the flash bank of the board's OpenOCD
#                                 configuration (all dev boards by default)
#   make firmware [BOARD=b]       build every firmware of a board
#   make size                     library code size per CPU
#
# Outputs: build/<board>/<firmware>.elf (.map next to it, .log of its last
# QEMU run), objects under build/<board>/obj/. Firmware links against the
# per-CPU library, build/<cpu>/libsysheap.a (which carries the heap lock),
# and the board firmware against the newlib-nano glue (GLUE_FIRMWARES).
#
# Every firmware links with --gc-sections, -z start-stop-gc and
# --orphan-handling=warn, warnings fatal: the ld/ fragments are tested
# under all three on every build.

# A failed link (say, a fatal linker warning) can leave a truncated ELF
# behind; without this, the next make would take it as up to date.
.DELETE_ON_ERROR:

QEMU_BOARDS   := mps2-an385 mps2-an386 mps2-an500 mps2-an505 microbit
DEV_BOARDS    := nucleo-f401re nrf52840dk bluepill
BOARDS        := $(QEMU_BOARDS) $(DEV_BOARDS)
DEFAULT_BOARD := mps2-an385

# A BOARD on the command line narrows test-qemu and flash-check to it.
BOARD_GIVEN := $(BOARD)
BOARD       ?= $(DEFAULT_BOARD)
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD) is not a board; choose one of: $(BOARDS))
endif

# Each board.mk sets <board>_CPU, _LDSCRIPT, _DEFS, _TEST_DEFS, and either
# _QEMU (the machine) or _OPENOCD and _FLASH_SIZE; optionally _LDFLAGS
# (extra link flags of its firmware).
include $(foreach b,$(BOARDS),boards/$(b)/board.mk)

QEMU_TIMEOUT ?= 300
FIRMWARE     ?= demo
OPENOCD      ?= openocd
PYTHON       ?= python3

# The host builds' lock (a no-op that nests), for test binaries that link
# src/heap_locked.c: add $(HOST_BOARD_OBJS) to the link, or compile
# $(HOST_BOARD_SRCS) with the test sources.
HOST_BOARD_SRCS := boards/host/lock_host.c
HOST_BOARD_OBJS := $(patsubst boards/host/%.c,$(BUILD)/host/boards/%.o,$(HOST_BOARD_SRCS))

$(BUILD)/host/boards/%.o: boards/host/%.c $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(SRC_CFLAGS) $(HOST_LIB_CFLAGS) -c $< -o $@

# ---- sources ---------------------------------------------------------------

# The lock comes from libsysheap.a (src/lock/), as in a user's firmware.
BOARD_COMMON_SRCS := $(addprefix boards/common/,startup.c fault.c semihosting.c syscalls.c error_hook.c)
TICK_SRCS  := boards/common/tick_systick.c
DEMO_SRCS  := $(sort $(wildcard examples/demo/*.c examples/demo/*.cpp))
# The core suite: every tests/*.c but the host-only ones.
SUITE_SRCS := $(sort $(filter-out tests/host_%.c,$(wildcard tests/*.c)))

# Firmware name -> sources. isr_test_basepri is isr_test again with the
# BASEPRI lock; only ARMv7-M and ARMv8-M Mainline cores have BASEPRI.
FW_SRCS_demo             := $(DEMO_SRCS)
FW_SRCS_tests            := $(SUITE_SRCS)
FW_SRCS_isr_test         := boards/common/tests/isr_test.c $(TICK_SRCS)
FW_SRCS_isr_test_basepri := $(FW_SRCS_isr_test) boards/common/tests/lock_basepri.c
FW_SRCS_init_test        := boards/common/tests/init_heaps.c boards/common/tests/init_test.cpp
FW_SRCS_exit_test        := boards/common/tests/exit_test.c

# Extra flags of a firmware that change how shared sources compile; such
# a firmware gets its own object directory.
LOCK_BASEPRI ?= 0x80
FW_DEFS_isr_test_basepri := -DSYS_HEAP_LOCK_BASEPRI=$(LOCK_BASEPRI)

FIRMWARES := demo tests isr_test init_test exit_test
BASEPRI_CPUS := cortex-m3 cortex-m4 cortex-m7 cortex-m33
board_firmwares = $(FIRMWARES) $(if $(filter $($(1)_CPU),$(BASEPRI_CPUS)),isr_test_basepri)

# ---- flags -----------------------------------------------------------------

FW_INCLUDES := -Iinclude -Iboards/common -Itests
FW_CFLAGS   := -std=c11 $(WARN)
FW_CXXFLAGS := -std=c++17 $(WARN) -fno-exceptions -fno-rtti -fno-threadsafe-statics
FW_LDFLAGS  := --specs=nano.specs -nostartfiles \
	-Wl,--gc-sections -Wl,-z,start-stop-gc \
	-Wl,--orphan-handling=warn -Wl,--fatal-warnings \
	-Lboards/common -Lld

# $(call fw_flags,board): compile flags every object of a board shares.
fw_flags = $(call target_flags,$($(1)_CPU)) $(FW_INCLUDES) $(CONFIG_DEFS) -DBOARD_NAME=\"$(1)\" \
	$($(1)_DEFS) $($(1)_TEST_DEFS) -MMD -MP
# $(call fw_objdir,board,firmware)
fw_objdir = $(BUILD)/$(1)/$(if $(FW_DEFS_$(2)),$(2)/)obj
# $(call fw_objs,board,firmware): the firmware's objects, common code included.
fw_objs = $(patsubst %,$(call fw_objdir,$(1),$(2))/%.o,$(basename \
	$(FW_SRCS_$(2)) $(BOARD_COMMON_SRCS)))

FW_LINK_DEPS := boards/common/cortexm.ld ld/sysheap_registry.ld ld/sysheap_buffers.ld

# $(call objdir_rules,board,objdir,extra flags). Objects depend on the
# board.mk too: its flags (heap sizes of small boards) change what they are.
define objdir_rules
$(2)/%.o: %.c boards/$(1)/board.mk
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(call fw_flags,$(1)) $(3) $$(FW_CFLAGS) -c $$< -o $$@
$(2)/%.o: %.cpp boards/$(1)/board.mk
	@mkdir -p $$(@D)
	$$(TARGET_CXX) $$(call fw_flags,$(1)) $(3) $$(FW_CXXFLAGS) -c $$< -o $$@
endef

# The firmware `make run` and `make flash` deliver use the switch the
# library sells: the whole malloc family on the glue (docs/libc.md), with
# the documented lines, -lsysheap_libc_nano before libsysheap.a and
# -T sysheap_libc.ld after the board's script. The others (fault, gdb)
# build the library at other options and keep libc's own malloc.
GLUE_FIRMWARES := $(FIRMWARES) isr_test_basepri
# $(call fw_glue,board,firmware): the glue archive, or nothing.
fw_glue = $(if $(filter $(2),$(GLUE_FIRMWARES)),$(BUILD)/$($(1)_CPU)/libsysheap_libc_nano.a)

# $(call firmware_rules,board,firmware). C++ objects link with g++.
define firmware_rules
$(BUILD)/$(1)/$(2).elf: $(call fw_objs,$(1),$(2)) $(call fw_glue,$(1),$(2)) \
		$(BUILD)/$($(1)_CPU)/libsysheap.a $($(1)_LDSCRIPT) $(FW_LINK_DEPS) \
		$(if $(call fw_glue,$(1),$(2)),ld/sysheap_libc.ld)
	$(if $(filter %.cpp,$(FW_SRCS_$(2))),$$(TARGET_CXX),$$(TARGET_CC)) \
		$$(call target_flags,$($(1)_CPU)) $$(FW_LDFLAGS) $($(1)_LDFLAGS) -T $($(1)_LDSCRIPT) \
		$(if $(call fw_glue,$(1),$(2)),-T sysheap_libc.ld) \
		-Wl,-Map=$$@.map $$(filter %.o %.a,$$^) -o $$@
endef

# $(call fw_map_check,board,firmwares): no libc allocator in their maps.
fw_map_check = $(foreach f,$(filter $(GLUE_FIRMWARES),$(2)),sh tests/libc/check_map.sh \
	$(BUILD)/$(1)/$(f).elf.map libsysheap_libc_nano.a >/dev/null || \
	{ sh tests/libc/check_map.sh $(BUILD)/$(1)/$(f).elf.map libsysheap_libc_nano.a; exit 1; };)

define board_rules
$(eval $(call objdir_rules,$(1),$(BUILD)/$(1)/obj,))
$(eval $(call objdir_rules,$(1),$(BUILD)/$(1)/isr_test_basepri/obj,$(FW_DEFS_isr_test_basepri)))
$(foreach f,$(call board_firmwares,$(1)),$(eval $(call firmware_rules,$(1),$(f))))
.PHONY: firmware-$(1)
firmware-$(1): $(foreach f,$(call board_firmwares,$(1)),$(BUILD)/$(1)/$(f).elf)
endef
$(foreach b,$(BOARDS),$(eval $(call board_rules,$(b))))

-include $(shell find $(BUILD) -path '$(BUILD)/*/obj/*' -name '*.d' 2>/dev/null)

.PHONY: firmware demo
firmware: deps firmware-$(BOARD)
demo: $(BUILD)/$(BOARD)/demo.elf

# ---- QEMU ------------------------------------------------------------------

QEMU_RUN := sh tools/qemu_run.sh -t $(QEMU_TIMEOUT)

.PHONY: run
run: deps $(BUILD)/$(BOARD)/demo.elf
	@$(if $($(BOARD)_QEMU),,echo "$(BOARD) is a dev board: 'make flash BOARD=$(BOARD)'"; exit 1)
	$(QEMU_RUN) -l $(BUILD)/$(BOARD)/demo.log $($(BOARD)_QEMU) $(BUILD)/$(BOARD)/demo.elf

TEST_QEMU_BOARDS := $(if $(BOARD_GIVEN),$(BOARD),$(QEMU_BOARDS))

.PHONY: test-qemu
TEST_TARGETS += test-qemu flash-check
test-qemu: deps
	@$(if $(filter $(TEST_QEMU_BOARDS),$(QEMU_BOARDS)),,echo "$(BOARD) has no QEMU model"; exit 1)
	@$(if $(SUITE_SRCS),,echo "test-qemu: tests/*.c (the core suite) is missing"; exit 1)
	@$(MAKE) --no-print-directory $(foreach b,$(TEST_QEMU_BOARDS),test-qemu-$(b)) \
		$(if $(BOARD_GIVEN),,qemu-vendor-ld)
	@echo "test-qemu: every test passed on $(TEST_QEMU_BOARDS)$(if $(BOARD_GIVEN),, and the vendor-style project)"

# $(call qemu_test_rules,board): one phony target per check, so `make -j`
# runs them side by side; qemu_run.sh -q keeps each report to one line.
define qemu_test_rules
.PHONY: test-qemu-$(1) qemu-tests-$(1) qemu-isr_test-$(1) qemu-isr_test_basepri-$(1) \
	qemu-init_test-$(1) qemu-exit_test-$(1) qemu-demo-$(1) sections-$(1)
test-qemu-$(1): qemu-tests-$(1) qemu-isr_test-$(1) qemu-init_test-$(1) sections-$(1) \
	qemu-exit_test-$(1) qemu-demo-$(1) maps-$(1) \
	$(if $(filter isr_test_basepri,$(call board_firmwares,$(1))),qemu-isr_test_basepri-$(1))
qemu-tests-$(1) qemu-isr_test-$(1) qemu-isr_test_basepri-$(1) qemu-init_test-$(1): \
		qemu-%-$(1): $(BUILD)/$(1)/%.elf
	@$(QEMU_RUN) -q -s -l $(BUILD)/$(1)/$$*.log $($(1)_QEMU) $$<
qemu-exit_test-$(1): $(BUILD)/$(1)/exit_test.elf
	@$(QEMU_RUN) -q -e 42 -l $(BUILD)/$(1)/exit_test.log $($(1)_QEMU) $$<
qemu-demo-$(1): $(BUILD)/$(1)/demo.elf
	@$(QEMU_RUN) -q -l $(BUILD)/$(1)/demo.log $($(1)_QEMU) $$<
.PHONY: maps-$(1)
maps-$(1): $(foreach f,$(call board_firmwares,$(1)),$(BUILD)/$(1)/$(f).elf)
	@$(call fw_map_check,$(1),$(call board_firmwares,$(1)))
	@echo "PASS $(1) maps: no libc allocator in $(call board_firmwares,$(1))"
sections-$(1): $(BUILD)/$(1)/init_test.elf $(BUILD)/$(1)/demo.elf
	@$(PYTHON) boards/common/tests/check_sections.py --board $(1) \
		--elf $(BUILD)/$(1)/init_test.elf \
		--expect init_plain=.sysheap_buffers --expect init_aligned=.sysheap_buffers \
		--expect init_cxx=.sysheap_buffers \
		--expect init_ram2=.ram2:RAM2 --expect init_dma=.ram2:RAM2
	@$(PYTHON) boards/common/tests/check_sections.py --board $(1) \
		--elf $(BUILD)/$(1)/demo.elf \
		--expect app_heap=.sysheap_buffers --expect io_heap=.ram2:RAM2
endef
$(foreach b,$(QEMU_BOARDS),$(eval $(call qemu_test_rules,$(b))))

# ---- dev boards --------------------------------------------------------------

define require_dev_board
@$(if $($(BOARD)_OPENOCD),,echo "$(BOARD) is a QEMU board: 'make run BOARD=$(BOARD)'"; exit 1)
endef

.PHONY: flash console
flash: deps $(BUILD)/$(BOARD)/$(FIRMWARE).elf
	$(require_dev_board)
	$(OPENOCD) $($(BOARD)_OPENOCD) -c "program $(BUILD)/$(BOARD)/$(FIRMWARE).elf verify reset exit"

# Semihosting needs the debugger attached; without it the firmware runs
# with its console silenced (boards/common/fault.c).
console: deps
	$(require_dev_board)
	$(OPENOCD) $($(BOARD)_OPENOCD) -c "init" -c "arm semihosting enable" -c "reset run"

FLASH_CHECK_BOARDS := $(if $(BOARD_GIVEN),$(BOARD),$(DEV_BOARDS))
# The firmware a dev board can be flashed with (the core suite when it fits).
FLASH_CHECK_FIRMWARES := demo isr_test init_test

.PHONY: flash-check
flash-check: deps
	@$(if $(filter $(FLASH_CHECK_BOARDS),$(DEV_BOARDS)),,echo "flash-check: $(BOARD) is not a dev board ($(DEV_BOARDS))"; exit 1)
	@$(MAKE) --no-print-directory $(foreach b,$(FLASH_CHECK_BOARDS),flash-check-$(b))

define flash_check_rules
.PHONY: flash-check-$(1)
flash-check-$(1): $(foreach f,$(FLASH_CHECK_FIRMWARES),$(BUILD)/$(1)/$(f).elf)
	@$(PYTHON) tools/flash_check.py --board $(1) --openocd-args "$($(1)_OPENOCD)" \
		--flash-size $($(1)_FLASH_SIZE) $$^
	@$(call fw_map_check,$(1),$(FLASH_CHECK_FIRMWARES))
	@echo "PASS $(1) maps: no libc allocator in $(FLASH_CHECK_FIRMWARES)"
endef
$(foreach b,$(DEV_BOARDS),$(eval $(call flash_check_rules,$(b))))

# ---- size ------------------------------------------------------------------

.PHONY: size
size: deps $(CPU_LIBS)
	@for c in $(CPUS); do \
		echo "== $$c ($(BUILD)/$$c/libsysheap.a, $(TARGET_OPT))"; \
		$(TARGET_SIZE) -t $(BUILD)/$$c/libsysheap.a | sed 's| (ex $(BUILD)/'$$c'/libsysheap.a)||'; \
	done
	@echo "== totals (every object; a firmware links only what it calls)"
	@printf '%-11s %7s %6s %6s\n' cpu text data bss
	@for c in $(CPUS); do \
		$(TARGET_SIZE) -t $(BUILD)/$$c/libsysheap.a | \
			awk -v c=$$c '/TOTALS/ { printf "%-11s %7s %6s %6s\n", c, $$1, $$2, $$3 }'; \
	done

# ---- a vendor-style project ------------------------------------------------
# init_test linked with an STM32CubeIDE-style script and startup file
# carrying exactly the lines docs/porting.md adds, run on QEMU's
# netduinoplus2 (an STM32F405): the documented snippet, tested. Links like
# a vendor project does (with the toolchain's start files), plus our flags.

VENDOR_DIR     := boards/common/tests/vendor
VENDOR_CPU     := cortex-m4
VENDOR_LD      := $(VENDOR_DIR)/STM32F405RGTX_FLASH.ld
VENDOR_OBJDIR  := $(BUILD)/vendor-ld/obj
VENDOR_SRCS    := $(VENDOR_DIR)/startup_stm32f405rgtx.s boards/common/tests/init_heaps.c \
	boards/common/tests/init_test.cpp boards/common/semihosting.c boards/common/syscalls.c
VENDOR_OBJS    := $(patsubst %,$(VENDOR_OBJDIR)/%.o,$(basename $(VENDOR_SRCS)))
VENDOR_CFLAGS  := $(call target_flags,$(VENDOR_CPU)) $(FW_INCLUDES) $(CONFIG_DEFS) -MMD -MP

$(VENDOR_OBJDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(VENDOR_CFLAGS) $(FW_CFLAGS) -c $< -o $@
$(VENDOR_OBJDIR)/%.o: %.cpp
	@mkdir -p $(@D)
	$(TARGET_CXX) $(VENDOR_CFLAGS) $(FW_CXXFLAGS) -c $< -o $@
$(VENDOR_OBJDIR)/%.o: %.s
	@mkdir -p $(@D)
	$(TARGET_CC) $(call target_flags,$(VENDOR_CPU)) -c $< -o $@

# The vendor script names its sbrk arena end.._estack - _Min_Stack_Size;
# boards/common/syscalls.c calls the bounds __sbrk_start__/__sbrk_end__.
# A vendor script leaves debug sections and crtbegin.o's extras to orphan
# placement, so warnings cannot be fatal here; instead the link fails if
# any orphan warning names a section of ours.
$(BUILD)/vendor-ld/init_test.elf: $(VENDOR_OBJS) $(BUILD)/$(VENDOR_CPU)/libsysheap.a \
		$(VENDOR_LD) ld/sysheap_registry.ld ld/sysheap_buffers.ld
	$(TARGET_CXX) $(call target_flags,$(VENDOR_CPU)) --specs=nano.specs \
		-Wl,--gc-sections -Wl,-z,start-stop-gc -Wl,--orphan-handling=warn \
		-Lld -T $(VENDOR_LD) -Wl,-Map=$@.map \
		-Wl,--defsym=__sbrk_start__=end -Wl,--defsym=__sbrk_end__=_estack-_Min_Stack_Size \
		$(filter %.o %.a,$^) -o $@ 2>$@.warnings
	@if grep -E "orphan section .[.](sysheap|noinit[.]sysheap|ram2)" $@.warnings; then \
		echo "vendor-ld: libsysheap sections left to orphan placement"; rm -f $@; exit 1; \
	fi
	@echo "vendor-ld: linked; $$(grep -c 'orphan section' $@.warnings) orphan warning(s), all from the vendor script's own gaps (debug info, crtbegin.o), none from libsysheap"

.PHONY: qemu-vendor-ld
qemu-vendor-ld: $(BUILD)/vendor-ld/init_test.elf
	@$(QEMU_RUN) -q -s -t 60 -l $(BUILD)/vendor-ld/init_test.log netduinoplus2 $<
	@$(PYTHON) boards/common/tests/check_sections.py --board vendor-ld --elf $< \
		--ldscript $(VENDOR_LD) \
		--expect init_plain=.sysheap_buffers:RAM --expect init_aligned=.sysheap_buffers:RAM \
		--expect init_cxx=.sysheap_buffers:RAM \
		--expect init_ram2=.sram3_noinit:SRAM3 --expect init_dma=.sram3_noinit:SRAM3
