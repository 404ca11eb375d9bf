# `make test-vendor`: a vendor project, switched over as the docs say,
# built against the INSTALLED package (a staged `make install`).
#
# The firmware is boards/common/tests/vendor/: an STM32CubeIDE-style linker
# script and CubeMX-style startup (the edits docs/porting.md shows, marked
# "libsysheap"), and vendor_main.cpp. It is linked with the README's
# switch-over lines and nothing from the build tree but the boards'
# semihosting console, once with newlib-nano and once with picolibc
# (docs/libc.md, "picolibc with vendor startup code"), and run in QEMU's
# netduinoplus2 (STM32F405; QEMU models no CCM there). Each run checks its
# console ("N passed, 0 failed") and its link map (no libc allocator).
#
# Other fragments add their own checks by appending phony targets to
# VENDOR_CHECKS; test-vendor runs them all (mk/vendor_mistakes.mk adds
# test-vendor-mistakes).
#
# Outputs: build/vendor-test/<libc>/vendor.elf (.map, .log).

VENDOR_TEST_DIR  := $(BUILD)/vendor-test
VENDOR_TEST_SRC  := boards/common/tests/vendor
VENDOR_TEST_CPU  := cortex-m4
# The staged install of test-package (mk/package.mk).
VENDOR_PREFIX    := $(PKG_TEST_ROOT)/usr
VENDOR_INC       := -I$(VENDOR_PREFIX)/include/libsysheap
VENDOR_LIBDIRS   := -L$(VENDOR_PREFIX)/lib/libsysheap/ld -L$(VENDOR_PREFIX)/lib/libsysheap/$(VENDOR_TEST_CPU)
VENDOR_CXXFLAGS  := -std=gnu++17 $(WARN) -fno-exceptions -fno-rtti -fno-threadsafe-statics
VENDOR_APP       := $(VENDOR_TEST_SRC)/startup_stm32f405rgtx.s $(VENDOR_TEST_SRC)/vendor_main.cpp

# Per C library: its console, its link flags, and its extra script.
# newlib-nano keeps the toolchain's start files, as a CubeIDE project
# does; boards/common/syscalls.c stands in for the vendor's syscalls.c and
# sysmem.c (its weak _sbrk names its arena __sbrk_start__/__sbrk_end__,
# the vendor script end.._estack - _Min_Stack_Size).
VENDOR_SRCS_nano      := $(VENDOR_APP) boards/common/semihosting.c boards/common/syscalls.c
VENDOR_LDFLAGS_nano   := -u _printf_float \
	-Wl,--defsym=__sbrk_start__=end -Wl,--defsym=__sbrk_end__=_estack-_Min_Stack_Size
VENDOR_SCRIPTS_nano   :=
# picolibc: the vendor startup replaces picolibc's crt0 (-nostartfiles);
# the TLS block and its sections as docs/libc.md shows.
VENDOR_SRCS_picolibc    := $(VENDOR_APP) tests/libc/picolibc_tls.c
VENDOR_LDFLAGS_picolibc := --oslib=semihost -nostartfiles -Ltests/libc
VENDOR_SCRIPTS_picolibc := -T picolibc_tls.ld

VENDOR_CHECKS ?=

# A vendor-* target run alone stages the install first.
$(VENDOR_PREFIX)/lib/libsysheap/$(VENDOR_TEST_CPU)/libsysheap.a: $(BUILD)/$(VENDOR_TEST_CPU)/libsysheap.a \
		$(foreach f,nano picolibc,$(call libc_glue,$(VENDOR_TEST_CPU),$(f)))
	@$(MAKE) --no-print-directory package-install

# $(call vendor_objs,libc)
vendor_objs = $(patsubst %,$(VENDOR_TEST_DIR)/$(1)/obj/%.o,$(basename $(VENDOR_SRCS_$(1))))
vendor_cflags = $(LIBC_SPECS_$(1)) $(call target_flags,$(VENDOR_TEST_CPU)) $(VENDOR_INC) -Iboards/common

# $(call vendor_rules,libc). The objects depend on the staged install,
# so they are rebuilt against whatever it holds.
define vendor_rules
$(VENDOR_TEST_DIR)/$(1)/obj/%.o: %.c $(VENDOR_PREFIX)/lib/libsysheap/$(VENDOR_TEST_CPU)/libsysheap.a
	@mkdir -p $$(@D)
	@$(TARGET_CC) $(call vendor_cflags,$(1)) -std=gnu11 $(WARN) -c $$< -o $$@
$(VENDOR_TEST_DIR)/$(1)/obj/%.o: %.cpp $(VENDOR_PREFIX)/lib/libsysheap/$(VENDOR_TEST_CPU)/libsysheap.a
	@mkdir -p $$(@D)
	@$(TARGET_CXX) $(call vendor_cflags,$(1)) $(VENDOR_CXXFLAGS) -c $$< -o $$@
$(VENDOR_TEST_DIR)/$(1)/obj/%.o: %.s
	@mkdir -p $$(@D)
	@$(TARGET_CC) $(call target_flags,$(VENDOR_TEST_CPU)) -c $$< -o $$@
$(VENDOR_TEST_DIR)/$(1)/vendor.elf: $(call vendor_objs,$(1)) \
		$(VENDOR_PREFIX)/lib/libsysheap/$(VENDOR_TEST_CPU)/libsysheap.a
	@echo "LD    $$@"
	@$(TARGET_CXX) $(LIBC_SPECS_$(1)) $(call target_flags,$(VENDOR_TEST_CPU)) \
		-Wl,--gc-sections $(VENDOR_LDFLAGS_$(1)) $(VENDOR_LIBDIRS) \
		-T $(VENDOR_TEST_SRC)/STM32F405RGTX_FLASH.ld $(VENDOR_SCRIPTS_$(1)) -T sysheap_libc.ld \
		-Wl,-Map=$$@.map $(call vendor_objs,$(1)) -lsysheap_libc_$(1) -lsysheap -o $$@
.PHONY: vendor-$(1)
vendor-$(1): $(VENDOR_TEST_DIR)/$(1)/vendor.elf
	@$(QEMU_RUN) -q -s -t 60 -l $(VENDOR_TEST_DIR)/$(1)/vendor.log netduinoplus2 $$<
	@sh tests/libc/check_map.sh $$<.map libsysheap_libc_$(1).a cxx
VENDOR_CHECKS += vendor-$(1)
endef
$(foreach f,nano picolibc,$(eval $(call vendor_rules,$(f))))

.PHONY: test-vendor
TEST_TARGETS += test-vendor
test-vendor: deps
	@$(MAKE) --no-print-directory package-install
	@set -e; checks="$(strip $(VENDOR_CHECKS))"; \
	$(MAKE) --no-print-directory $$checks; \
	echo "test-vendor: $$(echo $$checks | wc -w) passed, 0 failed ($$checks)"
