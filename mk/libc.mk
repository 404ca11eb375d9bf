# The C library glue (src/libc/, docs/libc.md): malloc and friends,
# newlib's _malloc_r family and C++ new/delete over one system heap.
#
#   make libc        build/<cpu>/libsysheap_libc_<libc>.a for every CPU in
#                    $(CPUS) and every C library: nano (newlib-nano),
#                    newlib (full) and picolibc
#   make test-libc   the glue's programs under QEMU on microbit (Cortex-M0)
#                    and mps2-an386 (Cortex-M4F), with each C library:
#                      c            C program, "all RAM" system heap
#                      cxx          C++ program, SYS_HEAP_LIBC_HEAP heap
#                      printf_only  no allocator call of its own (the
#                                   "nothing extracted" trap)
#                      new_abort    throwing new that cannot succeed
#                    c and printf_only in plain, --gc-sections and -flto
#                    links, cxx in --gc-sections and -flto; every link map
#                    checked for libc allocator objects; the tripwire, and a
#                    control link that shows the trap without sysheap_libc.ld
#   make size-libc   flash and static RAM of one firmware on the glue next
#                    to the same firmware on the C library's own malloc
#
# Outputs: build/<board>/libc-<libc>/<libc>-<program>-<link>.elf (.map, .log).
# Firmware reuses the boards' startup, linker scripts, lock and QEMU runner
# (mk/boards.mk, tools/qemu_run.sh). picolibc needs two things the boards'
# newlib-shaped cortexm.ld and startup lack, added here from tests/libc/:
# thread-local storage for errno (picolibc_tls.ld, picolibc_tls.c), and
# libsemihost for its console in place of boards/common/syscalls.c.

LIBC_FLAVOURS := nano newlib picolibc
LIBC_SPECS_nano     := --specs=nano.specs
LIBC_SPECS_newlib   :=
LIBC_SPECS_picolibc := --specs=picolibc.specs

# ---- the glue archives -------------------------------------------------------

LIBC_GLUE_SRCS := $(sort $(wildcard src/libc/*.c src/libc/*.cpp))
LIBC_GLUE_HDRS := $(wildcard include/*.h src/libc/*.h)
LIBC_GLUE_CFLAGS := $(SRC_CFLAGS)
# -funwind-tables: an exception thrown by std::__throw_bad_alloc() (or a
# new_handler) unwinds through operator new, which has no cleanups.
LIBC_GLUE_CXXFLAGS := -std=c++17 -fno-exceptions -fno-rtti -funwind-tables \
	$(WARN) -Wconversion -Wshadow -Iinclude $(PREFIX_MAP) $(CONFIG_DEFS)

# $(call libc_glue,cpu,libc)
libc_glue = $(BUILD)/$(1)/libsysheap_libc_$(2).a
libc_glue_objs = $(patsubst src/libc/%,$(BUILD)/$(1)/libc-$(2)/glue/%.o,$(basename $(LIBC_GLUE_SRCS)))
LIBC_GLUE_LIBS := $(foreach c,$(CPUS),$(foreach f,$(LIBC_FLAVOURS),$(call libc_glue,$(c),$(f))))

define libc_glue_rules
$(BUILD)/$(1)/libc-$(2)/glue/%.o: src/libc/%.c $$(LIBC_GLUE_HDRS)
	@mkdir -p $$(@D)
	@echo "CC    $$@"
	@$$(TARGET_CC) $$(LIBC_SPECS_$(2)) $$(call target_flags,$(1)) $$(LIBC_GLUE_CFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/libc-$(2)/glue/%.o: src/libc/%.cpp $$(LIBC_GLUE_HDRS)
	@mkdir -p $$(@D)
	@echo "CXX   $$@"
	@$$(TARGET_CXX) $$(LIBC_SPECS_$(2)) $$(call target_flags,$(1)) $$(LIBC_GLUE_CXXFLAGS) -c $$< -o $$@
$(call libc_glue,$(1),$(2)): $(call libc_glue_objs,$(1),$(2))
	@rm -f $$@
	@echo "AR    $$@"
	@$$(TARGET_AR) rcs $$@ $$^
endef
$(foreach c,$(CPUS),$(foreach f,$(LIBC_FLAVOURS),$(eval $(call libc_glue_rules,$(c),$(f)))))

.PHONY: libc
libc: $(LIBC_GLUE_LIBS)
ALL_TARGETS += libc

# ---- test firmware -------------------------------------------------------------

LIBC_TEST_BOARDS := microbit mps2-an386
# mk/boards.mk includes every board.mk; include ours if it did not.
$(foreach b,$(LIBC_TEST_BOARDS),$(if $($(b)_CPU),,$(eval include boards/$(b)/board.mk)))

# The fixed-size system heaps of the cxx and printf_only programs.
LIBC_TEST_HEAP_microbit   := 8192
LIBC_TEST_HEAP_mps2-an386 := 65536

LIBC_BOARD_SRCS := $(addprefix boards/common/,startup.c fault.c semihosting.c)
# newlib's system calls come from the boards; picolibc's from libsemihost.
LIBC_FW_SRCS_nano     := $(LIBC_BOARD_SRCS) boards/common/syscalls.c tests/harness.c
LIBC_FW_SRCS_newlib   := $(LIBC_FW_SRCS_nano)
LIBC_FW_SRCS_picolibc := $(LIBC_BOARD_SRCS) tests/libc/picolibc_tls.c tests/harness.c

LIBC_PROG_SRCS_c           := tests/libc/test_libc.c tests/libc/libc_test.c boards/common/tick_systick.c
LIBC_PROG_SRCS_cxx         := tests/libc/test_libcxx.cpp tests/libc/libc_test.c
LIBC_PROG_SRCS_printf_only := tests/libc/test_printf_only.c
LIBC_PROG_SRCS_new_abort   := tests/libc/test_new_abort.cpp
LIBC_PROG_SRCS_sbrk_user   := tests/libc/test_sbrk_user.c
LIBC_PROG_SRCS_size_app    := tests/libc/size_app.c
LIBC_PROG_SRCS_old_lock_port := tests/libc/old_lock_port.c

# Link modes. "plain" is an archive link without --gc-sections (picolibc's
# specs add --gc-sections, so it is switched off explicitly).
LIBC_MODE_LDFLAGS_plain := -Wl,--no-gc-sections
LIBC_MODE_LDFLAGS_gc    := -Wl,--gc-sections
LIBC_MODE_LDFLAGS_lto   := -flto -Wl,--gc-sections
LIBC_MODE_OBJS_plain := obj
LIBC_MODE_OBJS_gc    := obj
LIBC_MODE_OBJS_lto   := obj-lto

# Does this C library's libstdc++ throw? Debian's nano libstdc++ was built
# without exceptions: its std::__throw_bad_alloc() calls abort().
libc_multidir = $(shell $(TARGET_CC) $(call target_flags,$(1)) -print-multi-directory)
LIBC_LIBSTDCXX_nano     = /usr/lib/arm-none-eabi/lib/$(call libc_multidir,$(1))/libstdc++_nano.a
LIBC_LIBSTDCXX_newlib   = /usr/lib/arm-none-eabi/lib/$(call libc_multidir,$(1))/libstdc++.a
LIBC_LIBSTDCXX_picolibc = /usr/lib/picolibc/arm-none-eabi/lib/$(call libc_multidir,$(1))/libstdc++.a
libc_cxx_exceptions = $(shell $(CROSS)nm -A $(call LIBC_LIBSTDCXX_$(2),$(1)) 2>/dev/null | \
	grep -q 'functexcept.o:.* U __cxa_throw' && echo 1 || echo 0)
# $(call libc_cxx_exc,cpu,libc): 1 or 0, asked once per make and only when
# a recipe needs it, so parsing the Makefile stays quick.
libc_cxx_exc = $(or $(LIBC_CXX_EXC_$(1)_$(2)),$(eval LIBC_CXX_EXC_$(1)_$(2) := \
	$(call libc_cxx_exceptions,$(1),$(2)))$(LIBC_CXX_EXC_$(1)_$(2)))

LIBC_FW_CFLAGS   := -std=gnu11 $(WARN)
LIBC_FW_CXXFLAGS_EXC0 := -std=gnu++17 $(WARN) -fno-exceptions -fno-rtti -fno-threadsafe-statics
LIBC_FW_CXXFLAGS_EXC1 := -std=gnu++17 $(WARN) -fexceptions -frtti -fno-threadsafe-statics
LIBC_FW_INCLUDES := -Iinclude -Iboards/common -Itests -Itests/libc

# $(call libc_fw_flags,board,libc): compile flags of a board's firmware objects.
libc_fw_flags = $(LIBC_SPECS_$(2)) $(call target_flags,$($(1)_CPU)) $(LIBC_FW_INCLUDES) \
	$(CONFIG_DEFS) $($(1)_DEFS) -DLIBC_TEST_FLAVOUR='"$(2)"' \
	-DLIBC_TEST_HEAP_BYTES=$(LIBC_TEST_HEAP_$(1))u \
	-DLIBC_TEST_CXX_EXCEPTIONS=$(call libc_cxx_exc,$($(1)_CPU),$(2)) -MMD -MP

LIBC_FW_LDFLAGS := -nostartfiles -Wl,--orphan-handling=warn -Wl,--fatal-warnings \
	-Lboards/common -Lld -Ltests/libc
LIBC_FW_LDFLAGS_nano     :=
LIBC_FW_LDFLAGS_newlib   :=
LIBC_FW_LDFLAGS_picolibc := --oslib=semihost
# The programs that print floats; newlib-nano's printf needs asking.
LIBC_FLOAT_PROGS := c cxx printf_only
LIBC_FLOAT_LDFLAGS_nano := -u _printf_float
LIBC_FW_SCRIPTS_picolibc := -T picolibc_tls.ld

# $(call libc_objdir,board,libc,objset)
libc_objdir = $(BUILD)/$(1)/libc-$(2)/$(3)
# $(call libc_prog_objs,board,libc,program,mode). Under -flto only the
# program's own sources are LTO objects: the boards' startup and system
# calls are referenced by nothing but libc (_init, _fini, _write...), which
# the LTO plugin never sees, so as IR they would be dropped. That is the
# same trap the glue's EXTERN lines defuse, and firmware meets it the same
# way: build the support code without -flto (or mark it used).
libc_prog_objs = $(patsubst %,$(call libc_objdir,$(1),$(2),$(LIBC_MODE_OBJS_$(4)))/%.o, \
	$(basename $(LIBC_PROG_SRCS_$(3)))) \
	$(patsubst %,$(call libc_objdir,$(1),$(2),obj)/%.o,$(basename $(LIBC_FW_SRCS_$(2))))
libc_elf = $(BUILD)/$(1)/libc-$(2)/$(2)-$(3)-$(4).elf

# $(call libc_objdir_rules,board,libc,objset,extra flags)
define libc_objdir_rules
$(call libc_objdir,$(1),$(2),$(3))/%.o: %.c
	@mkdir -p $$(@D)
	@echo "CC    $$@"
	@$$(TARGET_CC) $$(call libc_fw_flags,$(1),$(2)) $(4) $$(LIBC_FW_CFLAGS) -c $$< -o $$@
$(call libc_objdir,$(1),$(2),$(3))/%.o: %.cpp
	@mkdir -p $$(@D)
	@echo "CXX   $$@"
	@$$(TARGET_CXX) $$(call libc_fw_flags,$(1),$(2)) $(4) \
		$$(LIBC_FW_CXXFLAGS_EXC$$(call libc_cxx_exc,$$($(1)_CPU),$(2))) -c $$< -o $$@
endef

# $(call libc_link,board,libc,program,mode,extra link flags,scripts): the link
# command. `scripts` replaces the default sysheap_libc.ld.
libc_link_cmd = $(if $(filter %.cpp,$(LIBC_PROG_SRCS_$(3))),$(TARGET_CXX),$(TARGET_CC)) \
	$(LIBC_SPECS_$(2)) $(call target_flags,$($(1)_CPU)) $(LIBC_FW_LDFLAGS) \
	$(LIBC_MODE_LDFLAGS_$(4)) $(LIBC_FW_LDFLAGS_$(2)) \
	$(if $(filter $(3),$(LIBC_FLOAT_PROGS)),$(LIBC_FLOAT_LDFLAGS_$(2))) \
	-T $($(1)_LDSCRIPT) $(LIBC_FW_SCRIPTS_$(2)) $(6)

# $(call libc_fw_rules,board,libc,program,mode)
define libc_fw_rules
$(call libc_elf,$(1),$(2),$(3),$(4)): $(call libc_prog_objs,$(1),$(2),$(3),$(4)) \
		$(call libc_glue,$($(1)_CPU),$(2)) $(BUILD)/$($(1)_CPU)/libsysheap.a \
		$($(1)_LDSCRIPT) ld/sysheap_libc.ld tests/libc/picolibc_tls.ld
	@echo "LD    $$@"
	@$(call libc_link_cmd,$(1),$(2),$(3),$(4),,-T sysheap_libc.ld) -Wl,-Map=$$@.map \
		$$(filter %.o %.a,$$^) -o $$@
endef

# What runs: program -> link modes.
LIBC_RUN_MODES_c           := plain gc lto
LIBC_RUN_MODES_printf_only := plain gc lto
LIBC_RUN_MODES_cxx         := gc lto
LIBC_RUN_MODES_new_abort   := gc
LIBC_RUN_PROGS := c printf_only cxx new_abort
LIBC_CXX_PROGS := cxx new_abort

LIBC_QEMU_RUN := sh tools/qemu_run.sh -t 120
# abort()'s exit status: newlib's abort ends in _exit(1), picolibc's in
# _exit(128 + SIGABRT).
LIBC_ABORT_STATUS_nano     := 1
LIBC_ABORT_STATUS_newlib   := 1
LIBC_ABORT_STATUS_picolibc := 134

# $(call libc_check_rules,board,libc,program,mode): run it, check its map.
define libc_check_rules
.PHONY: libc-run-$(1)-$(2)-$(3)-$(4) libc-map-$(1)-$(2)-$(3)-$(4)
libc-run-$(1)-$(2)-$(3)-$(4): $(call libc_elf,$(1),$(2),$(3),$(4))
	@$$(LIBC_QEMU_RUN) -q $(if $(filter new_abort,$(3)),-e $(LIBC_ABORT_STATUS_$(2)),-s) \
		-l $$(basename $$<).log $($(1)_QEMU) $$<
libc-map-$(1)-$(2)-$(3)-$(4): $(call libc_elf,$(1),$(2),$(3),$(4))
	@sh tests/libc/check_map.sh $$<.map $(call libc_glue,$($(1)_CPU),$(2)) \
		$(if $(filter $(3),$(LIBC_CXX_PROGS)),cxx)
LIBC_CHECKS += libc-run-$(1)-$(2)-$(3)-$(4) libc-map-$(1)-$(2)-$(3)-$(4)
endef

# The tripwire (link-only, on the first board): a firmware that calls sbrk
# links with it turned off, and must fail to link by default, naming the
# tripwire on the first line of the linker's output.
# picolibc's sbrk wants picolibc.ld's heap symbols: give it the boards'.
LIBC_SBRK_DEFS_picolibc := -Wl,--defsym=__heap_start=__sbrk_start__ -Wl,--defsym=__heap_end=__sbrk_end__

# $(call libc_tripwire_rules,board,libc)
define libc_tripwire_rules
.PHONY: libc-tripwire-$(1)-$(2)
libc-tripwire-$(1)-$(2): $(call libc_prog_objs,$(1),$(2),sbrk_user,gc) \
		$(call libc_glue,$($(1)_CPU),$(2)) $(BUILD)/$($(1)_CPU)/libsysheap.a
	@$(call libc_link_cmd,$(1),$(2),sbrk_user,gc,,-T sysheap_libc.ld) $(LIBC_SBRK_DEFS_$(2)) \
		-Wl,--defsym=SYS_HEAP_LIBC_TRIPWIRE=0 \
		$$(filter %.o %.a,$$^) -o $(BUILD)/$(1)/libc-$(2)/tripwire-off.elf \
		>$(BUILD)/$(1)/libc-$(2)/tripwire-off.log 2>&1 || \
		{ cat $(BUILD)/$(1)/libc-$(2)/tripwire-off.log; \
		  echo "FAIL tripwire $(1) $(2): the sbrk user does not link even without the tripwire"; exit 1; }
	@if $(call libc_link_cmd,$(1),$(2),sbrk_user,gc,,-T sysheap_libc.ld) $(LIBC_SBRK_DEFS_$(2)) \
		$$(filter %.o %.a,$$^) \
		-o $(BUILD)/$(1)/libc-$(2)/tripwire-on.elf >$(BUILD)/$(1)/libc-$(2)/tripwire-on.log 2>&1; then \
		echo "FAIL tripwire $(1) $(2): linked although libc's sbrk is in"; exit 1; fi
	@head -n 1 $(BUILD)/$(1)/libc-$(2)/tripwire-on.log | grep -q 'SYS_HEAP_LIBC_TRIPWIRE: the C library' || \
		{ cat $(BUILD)/$(1)/libc-$(2)/tripwire-on.log; \
		  echo "FAIL tripwire $(1) $(2): the link failed, but its first line is not the tripwire"; exit 1; }
	@echo "PASS tripwire $(1) $(2): sbrk user links with it off, fails on it by default"
LIBC_CHECKS += libc-tripwire-$(1)-$(2)
endef

# The control (link-only): printf_only linked without sysheap_libc.ld gets
# the C library's own malloc, so the EXTERN lines are what the passing
# printf_only runs depend on. The map must show libc's allocator.
define libc_control_rules
.PHONY: libc-control-$(1)-$(2)
libc-control-$(1)-$(2): $(call libc_prog_objs,$(1),$(2),printf_only,gc) \
		$(call libc_glue,$($(1)_CPU),$(2)) $(BUILD)/$($(1)_CPU)/libsysheap.a
	@$(call libc_link_cmd,$(1),$(2),printf_only,gc,,) -Wl,--defsym=__sysheap_ram_start=0 \
		-Wl,--defsym=__sysheap_ram_end=0 -Wl,-Map=$(BUILD)/$(1)/libc-$(2)/control.map \
		$$(filter %.o %.a,$$^) -o $(BUILD)/$(1)/libc-$(2)/control.elf
	@if sh tests/libc/check_map.sh $(BUILD)/$(1)/libc-$(2)/control.map \
		$(call libc_glue,$($(1)_CPU),$(2)) >/dev/null; then \
		echo "FAIL control $(1) $(2): without sysheap_libc.ld the trap should spring"; exit 1; fi
	@echo "PASS control $(1) $(2): without sysheap_libc.ld, libc's malloc is linked (the trap)"
LIBC_CHECKS += libc-control-$(1)-$(2)
endef

# A vendor project switching over: the C program linked with the
# STM32CubeIDE-style script and startup file of boards/common/tests/vendor
# (newlib-nano, its own crt0 and start files, its own _sbrk arena symbols),
# plus only what docs/libc.md adds: the glue, libsysheap and
# `-T sysheap_libc.ld` after the vendor script. Run on QEMU's netduinoplus2
# (STM32F405). The region comes from the script's own end/_end and
# _estack - _Min_Stack_Size.
LIBC_VENDOR_DIR    := boards/common/tests/vendor
LIBC_VENDOR_CPU    := cortex-m4
LIBC_VENDOR_OBJDIR := $(BUILD)/vendor-ld/libc-nano/obj
LIBC_VENDOR_SRCS   := $(LIBC_VENDOR_DIR)/startup_stm32f405rgtx.s $(LIBC_PROG_SRCS_c) \
	tests/harness.c boards/common/semihosting.c boards/common/syscalls.c
LIBC_VENDOR_OBJS   := $(patsubst %,$(LIBC_VENDOR_OBJDIR)/%.o,$(basename $(LIBC_VENDOR_SRCS)))
LIBC_VENDOR_ELF    := $(BUILD)/vendor-ld/libc-nano/c.elf
LIBC_VENDOR_CFLAGS := --specs=nano.specs $(call target_flags,$(LIBC_VENDOR_CPU)) \
	$(LIBC_FW_INCLUDES) $(CONFIG_DEFS) -DLIBC_TEST_FLAVOUR='"nano, vendor script"' -MMD -MP

$(LIBC_VENDOR_OBJDIR)/%.o: %.c
	@mkdir -p $(@D)
	@echo "CC    $@"
	@$(TARGET_CC) $(LIBC_VENDOR_CFLAGS) $(LIBC_FW_CFLAGS) -c $< -o $@
$(LIBC_VENDOR_OBJDIR)/%.o: %.s
	@mkdir -p $(@D)
	@echo "AS    $@"
	@$(TARGET_CC) $(call target_flags,$(LIBC_VENDOR_CPU)) -c $< -o $@

# boards/common/syscalls.c names its sbrk arena __sbrk_start__/__sbrk_end__;
# the vendor script calls it end.._estack - _Min_Stack_Size. Only the
# vendor's _sbrk would use them, and with the glue nothing calls it.
$(LIBC_VENDOR_ELF): $(LIBC_VENDOR_OBJS) $(call libc_glue,$(LIBC_VENDOR_CPU),nano) \
		$(BUILD)/$(LIBC_VENDOR_CPU)/libsysheap.a $(LIBC_VENDOR_DIR)/STM32F405RGTX_FLASH.ld \
		ld/sysheap_libc.ld
	@echo "LD    $@"
	@$(TARGET_CC) $(call target_flags,$(LIBC_VENDOR_CPU)) --specs=nano.specs -u _printf_float \
		-Wl,--gc-sections -Lld -T $(LIBC_VENDOR_DIR)/STM32F405RGTX_FLASH.ld -T sysheap_libc.ld \
		-Wl,--defsym=__sbrk_start__=end -Wl,--defsym=__sbrk_end__=_estack-_Min_Stack_Size \
		-Wl,-Map=$@.map $(filter %.o %.a,$^) -o $@

.PHONY: libc-vendor
libc-vendor: $(LIBC_VENDOR_ELF)
	@$(LIBC_QEMU_RUN) -q -s -l $(basename $<).log netduinoplus2 $<
	@sh tests/libc/check_map.sh $<.map $(call libc_glue,$(LIBC_VENDOR_CPU),nano)
	@sh tests/libc/check_region.sh $(CROSS)nm $< _end _estack _Min_Stack_Size

# SYS_HEAP_STACK_RESERVE (link-only, first board): the region ends that far
# below the stack top, whichever side of the -T scripts the --defsym lands.
LIBC_RESERVE_BOARD := $(firstword $(LIBC_TEST_BOARDS))
LIBC_RESERVE_ELF   := $(BUILD)/$(LIBC_RESERVE_BOARD)/libc-nano/c-reserve.elf
$(LIBC_RESERVE_ELF): $(call libc_prog_objs,$(LIBC_RESERVE_BOARD),nano,c,gc) \
		$(call libc_glue,$($(LIBC_RESERVE_BOARD)_CPU),nano) $(BUILD)/$($(LIBC_RESERVE_BOARD)_CPU)/libsysheap.a
	@echo "LD    $@"
	@$(call libc_link_cmd,$(LIBC_RESERVE_BOARD),nano,c,gc,,-T sysheap_libc.ld) \
		$(filter %.o %.a,$^) -Wl,--defsym=SYS_HEAP_STACK_RESERVE=4096 -o $@

.PHONY: libc-reserve
libc-reserve: $(LIBC_RESERVE_ELF)
	@sh tests/libc/check_region.sh $(CROSS)nm $< __sbrk_start__ __stack_top__ 4096

# picolibc the picolibc way (mps2-an386): its own crt0 (crt0-semihost) and
# picolibc.ld, plus `-T sysheap_libc.ld`; the region is picolibc.ld's
# __heap_start..__heap_end. picolibc.ld takes the memory map from
# --defsym; its vector table calls SysTick arm_systick_isr.
LIBC_PICO_ELF := $(BUILD)/mps2-an386/libc-picolibc/c-picolibc-ld.elf
LIBC_PICO_OBJS := $(patsubst %,$(call libc_objdir,mps2-an386,picolibc,obj)/%.o,$(basename \
	$(LIBC_PROG_SRCS_c) tests/harness.c))
$(LIBC_PICO_ELF): $(LIBC_PICO_OBJS) $(call libc_glue,$(mps2-an386_CPU),picolibc) \
		$(BUILD)/$(mps2-an386_CPU)/libsysheap.a ld/sysheap_libc.ld
	@echo "LD    $@"
	@$(TARGET_CC) --specs=picolibc.specs --oslib=semihost --crt0=semihost \
		$(call target_flags,$(mps2-an386_CPU)) -Wl,--defsym=__flash=0 \
		-Wl,--defsym=__flash_size=0x400000 -Wl,--defsym=__ram=0x21000000 \
		-Wl,--defsym=__ram_size=0x1000000 -Wl,--defsym=arm_systick_isr=SysTick_Handler \
		-Lld -T picolibc.ld -T sysheap_libc.ld -Wl,-Map=$@.map $(filter %.o %.a,$^) -o $@

.PHONY: libc-picolibc-ld
libc-picolibc-ld: $(LIBC_PICO_ELF)
	@$(LIBC_QEMU_RUN) -q -s -l $(basename $<).log mps2-an386 $<
	@sh tests/libc/check_map.sh $<.map $(call libc_glue,$(mps2-an386_CPU),picolibc)
	@sh tests/libc/check_region.sh $(CROSS)nm $< __heap_start __heap_end 0

LIBC_CHECKS := libc-vendor libc-reserve $(if $(filter mps2-an386,$(LIBC_TEST_BOARDS)),libc-picolibc-ld)
define libc_board_rules
$(foreach f,$(LIBC_FLAVOURS),\
	$(eval $(call libc_objdir_rules,$(1),$(f),obj,)) \
	$(eval $(call libc_objdir_rules,$(1),$(f),obj-lto,-flto)) \
	$(foreach p,$(LIBC_RUN_PROGS),$(foreach m,$(LIBC_RUN_MODES_$(p)),\
		$(eval $(call libc_fw_rules,$(1),$(f),$(p),$(m))) \
		$(eval $(call libc_check_rules,$(1),$(f),$(p),$(m))))) \
	$(eval $(call libc_fw_rules,$(1),$(f),size_app,gc)))
endef
$(foreach b,$(LIBC_TEST_BOARDS),$(eval $(call libc_board_rules,$(b))))
$(foreach f,$(LIBC_FLAVOURS),$(eval $(call libc_tripwire_rules,$(firstword $(LIBC_TEST_BOARDS)),$(f))))
$(foreach f,nano newlib,$(eval $(call libc_control_rules,$(firstword $(LIBC_TEST_BOARDS)),$(f))))

-include $(shell find $(BUILD) -path '$(BUILD)/*/libc-*/obj*/*' -name '*.d' 2>/dev/null)

# Parallel inside, so the whole matrix stays well under five minutes.
LIBC_JOBS ?= $(shell nproc 2>/dev/null || echo 4)

.PHONY: test-libc libc-checks
TEST_TARGETS += test-libc
test-libc: deps
	@$(MAKE) --no-print-directory -j$(LIBC_JOBS) libc-checks
	@echo "test-libc: $(words $(LIBC_CHECKS)) checks passed on $(LIBC_TEST_BOARDS) with $(LIBC_FLAVOURS)"

libc-checks: $(LIBC_CHECKS)

# ---- size ----------------------------------------------------------------------

# size_app on the glue (its "all RAM" system heap) and on the C library's
# own malloc over the boards' _sbrk (picolibc's over the same arena).
LIBC_STOCK_DEFS_nano     :=
LIBC_STOCK_DEFS_newlib   :=
LIBC_STOCK_DEFS_picolibc := $(LIBC_SBRK_DEFS_picolibc)

# $(call libc_size_rules,board,libc)
define libc_size_rules
$(BUILD)/$(1)/libc-$(2)/$(2)-size_app-stock.elf: $(call libc_prog_objs,$(1),$(2),size_app,gc) \
		$($(1)_LDSCRIPT)
	@echo "LD    $$@"
	@$(call libc_link_cmd,$(1),$(2),size_app,gc,,) $(LIBC_STOCK_DEFS_$(2)) \
		-Wl,-Map=$$@.map $$(filter %.o,$$^) $(BUILD)/$($(1)_CPU)/libsysheap.a -o $$@
LIBC_SIZE_ELFS += $(call libc_elf,$(1),$(2),size_app,gc) $(BUILD)/$(1)/libc-$(2)/$(2)-size_app-stock.elf
endef
LIBC_SIZE_ELFS :=
$(foreach b,$(LIBC_TEST_BOARDS),$(foreach f,$(LIBC_FLAVOURS),$(eval $(call libc_size_rules,$(b),$(f)))))

.PHONY: size-libc
size-libc: deps $(LIBC_SIZE_ELFS)
	@sh tests/libc/size_report.sh $(TARGET_SIZE) $(BUILD) "$(LIBC_TEST_BOARDS)" "$(LIBC_FLAVOURS)"

# `make install` ships the glue archives next to the library.
install: libc

# `make size` also shows what a firmware pays for the glue against stock
# newlib-nano malloc.
size: size-libc

# mallinfo reads the O(1) statistics: the glue's malloc.o must not walk
# the heap (with the lock held, that walk would be interrupt latency of
# O(chunks)).
.PHONY: libc-no-walk
libc-no-walk: $(foreach f,$(LIBC_FLAVOURS),$(call libc_glue,cortex-m4,$(f)))
	@for a in $^; do \
		if $(CROSS)nm -u $$a 2>/dev/null | sed -n '/^malloc\.o:/,/^$$/p' | \
			grep -E 'sys_heap_(walk|validate|info_get)$$'; then \
			echo "FAIL libc-no-walk: $$a(malloc.o) walks the heap"; exit 1; fi; \
	done; echo "PASS libc-no-walk: malloc.o calls no heap walk ($(LIBC_FLAVOURS))"
LIBC_CHECKS += libc-no-walk

# One lock path: a port that defines only the old libc lock pair must fail
# to link (link-only, first board, newlib-nano), naming the symbol.
LIBC_OLD_LOCK_BOARD := $(firstword $(LIBC_TEST_BOARDS))
.PHONY: libc-old-lock-port
libc-old-lock-port: $(call libc_prog_objs,$(LIBC_OLD_LOCK_BOARD),nano,old_lock_port,gc) \
		$(call libc_glue,$($(LIBC_OLD_LOCK_BOARD)_CPU),nano) $(BUILD)/$($(LIBC_OLD_LOCK_BOARD)_CPU)/libsysheap.a
	@if $(call libc_link_cmd,$(LIBC_OLD_LOCK_BOARD),nano,old_lock_port,gc,,-T sysheap_libc.ld) \
		$(filter %.o %.a,$^) -o $(BUILD)/$(LIBC_OLD_LOCK_BOARD)/libc-nano/old-lock.elf \
		>$(BUILD)/$(LIBC_OLD_LOCK_BOARD)/libc-nano/old-lock.log 2>&1; then \
		echo "FAIL libc-old-lock-port: a second libc lock linked quietly"; exit 1; fi
	@grep -q "multiple definition of .sys_heap_libc_lock" $(BUILD)/$(LIBC_OLD_LOCK_BOARD)/libc-nano/old-lock.log || \
		{ cat $(BUILD)/$(LIBC_OLD_LOCK_BOARD)/libc-nano/old-lock.log; \
		  echo "FAIL libc-old-lock-port: the link failed, but not on sys_heap_libc_lock"; exit 1; }
	@echo "PASS libc-old-lock-port: a port defining sys_heap_libc_lock fails to link, naming it"
LIBC_CHECKS += libc-old-lock-port
