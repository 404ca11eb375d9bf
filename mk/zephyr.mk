# Zephyr source compatibility (docs/zephyr.md):
#
#   make test-zephyr    the Zephyr-style suite (tests/zephyr/, written for
#                       Zephyr's headers against the ztest shim) on the host,
#                       64-bit and 32-bit (natively or under qemu-i386), with
#                       listeners on (64-bit also under ASan + UBSan) and once
#                       with the defaults; in QEMU on
#                       $(ZEPHYR_QEMU_BOARDS) with listeners on and the libc
#                       glue; and the compile test: a file that includes only
#                       <zephyr/sys/sys_heap.h> and <zephyr/sys/heap_listener.h>
#                       built with -Werror for the host and Cortex-M4 (also
#                       as C++17), with listeners on and off (off, its link
#                       must fail naming SYS_HEAP_LISTENERS).
#
# Outputs under build/host/zephyr/ and build/zephyr-listeners/ (the QEMU
# firmware: build/zephyr-listeners/<board>/zephyr_test.elf).

ZEPHYR_SUITE_SRCS := $(sort $(filter-out tests/zephyr/compile_test.c,$(wildcard tests/zephyr/*.c)))
ZEPHYR_SHIM_HDRS  := $(wildcard tests/zephyr/shim/zephyr/*.h)
ZEPHYR_INCLUDES   := -Itests/zephyr/shim
ZEPHYR_LISTEN     := -DSYS_HEAP_LISTENERS=1
ZEPHYR_HOST_DIR   := $(BUILD)/host/zephyr
# Boards the firmware runs on: an M3 and an M33 (the suite's heaps and the
# glue's system heap want more than the micro:bit's 16 KiB of RAM).
ZEPHYR_QEMU_BOARDS ?= mps2-an385 mps2-an505
ZEPHYR_BIN        := zephyr_tests

# The suite defines sys_heap_print_output() itself (it checks what
# sys_heap_print_info() prints), so the library's default stays out.
zephyr_objs = $(patsubst %.c,$(1)/obj/%.o,$(filter-out src/diag/print_output.c,$(LIB_SRCS)) \
	$(ZEPHYR_SUITE_SRCS) boards/host/lock_host.c)

# $(call zephyr_host_rules,dir,flags): one host build of the suite, its
# objects compiled by mk/tests.mk's rules with `flags`.
define zephyr_host_rules
$(eval $(call test_binary_rules,$(1),$(2)))
$(1)/obj/tests/zephyr/%.o: TEST_CFLAGS += $(ZEPHYR_INCLUDES)
$(patsubst %.c,$(1)/obj/%.o,$(ZEPHYR_SUITE_SRCS)): $(ZEPHYR_SHIM_HDRS)
$(1)/$(ZEPHYR_BIN): $$(call zephyr_objs,$(1)) $$(TEST_HOST_LDSCRIPT)
	$$(HOST_CC) $(2) $$(filter %.o,$$^) $$(TEST_HOST_LDFLAGS) -o $$@
endef
$(eval $(call zephyr_host_rules,$(ZEPHYR_HOST_DIR)/m64,$(TEST_HOST_OPT) $(ZEPHYR_LISTEN)))
$(eval $(call zephyr_host_rules,$(ZEPHYR_HOST_DIR)/m32,-m32 $(TEST_HOST_OPT) $(ZEPHYR_LISTEN)))
$(eval $(call zephyr_host_rules,$(ZEPHYR_HOST_DIR)/default,$(TEST_HOST_OPT)))
$(eval $(call zephyr_host_rules,$(ZEPHYR_HOST_DIR)/asan,-O1 -g $(TEST_SANITIZE) $(ZEPHYR_LISTEN)))

# The QEMU firmware: the suite on a board, with the newlib-nano glue (so
# malloc reports under HEAP_ID_LIBC), built by a sub-make whose library
# and glue have listeners on.
FW_SRCS_zephyr_test := $(ZEPHYR_SUITE_SRCS)
GLUE_FIRMWARES += zephyr_test
$(foreach b,$(QEMU_BOARDS),$(eval $(call firmware_rules,$(b),zephyr_test)))
$(foreach b,$(QEMU_BOARDS),$(eval \
	$(BUILD)/$(b)/obj/tests/zephyr/%.o: FW_CFLAGS += $(ZEPHYR_INCLUDES) -DZEPHYR_SUITE_LIBC_GLUE=1))
.PHONY: $(foreach b,$(QEMU_BOARDS),qemu-zephyr_test-$(b))
$(foreach b,$(QEMU_BOARDS),$(eval qemu-zephyr_test-$(b): $(BUILD)/$(b)/zephyr_test.elf ; \
	@$$(QEMU_RUN) -q -s -l $(BUILD)/$(b)/zephyr_test.log $($(b)_QEMU) $$<))

ZEPHYR_COMPILE_FLAGS := -std=c11 $(WARN) -Iinclude $(CONFIG_DEFS)
ZEPHYR_COMPILE_CXXFLAGS := -std=c++17 $(WARN) -Iinclude $(CONFIG_DEFS)
ZEPHYR_LINK_MISSING  := heap_listener_register_needs_SYS_HEAP_LISTENERS_1

.PHONY: test-zephyr zephyr-compile-test
TEST_TARGETS += test-zephyr

zephyr-compile-test: $(HOST_LIB)
	@mkdir -p $(ZEPHYR_HOST_DIR)
	@set -e; for defs in "" "$(ZEPHYR_LISTEN)"; do \
		$(HOST_CC) $(ZEPHYR_COMPILE_FLAGS) $$defs -c tests/zephyr/compile_test.c \
			-o $(ZEPHYR_HOST_DIR)/compile_test.o; \
		$(TARGET_CC) $(ZEPHYR_COMPILE_FLAGS) $(call target_flags,cortex-m4) $$defs \
			-c tests/zephyr/compile_test.c -o $(ZEPHYR_HOST_DIR)/compile_test-m4.o; \
		$(TARGET_CXX) -x c++ $(ZEPHYR_COMPILE_CXXFLAGS) $(call target_flags,cortex-m4) $$defs \
			-c tests/zephyr/compile_test.c -o $(ZEPHYR_HOST_DIR)/compile_test-m4-cxx.o; \
	done
	@printf 'int zephyr_compile_test(void);\nint main(void){return zephyr_compile_test();}\n' \
		>$(ZEPHYR_HOST_DIR)/compile_main.c
	@if $(HOST_CC) $(ZEPHYR_COMPILE_FLAGS) tests/zephyr/compile_test.c \
		$(ZEPHYR_HOST_DIR)/compile_main.c $(HOST_LIB) -o $(ZEPHYR_HOST_DIR)/compile_test \
		>$(ZEPHYR_HOST_DIR)/compile_link.log 2>&1; then \
		echo "FAIL zephyr compile test: heap_listener_register linked with listeners compiled out"; exit 1; fi
	@grep -q "undefined reference to .$(ZEPHYR_LINK_MISSING)" $(ZEPHYR_HOST_DIR)/compile_link.log || \
		{ cat $(ZEPHYR_HOST_DIR)/compile_link.log; \
		  echo "FAIL zephyr compile test: the link failed without naming SYS_HEAP_LISTENERS"; exit 1; }
	@echo "PASS zephyr compile test: host and cortex-m4 (C11, and C++17 on the M4), listeners on and off, -Werror; off fails the link naming SYS_HEAP_LISTENERS"

# Every part runs even when one fails; the last line counts them.
# 32-bit: natively or under qemu-i386, as mk/tests.mk found (HOST_RUN32).
test-zephyr: deps $(ZEPHYR_HOST_DIR)/m64/$(ZEPHYR_BIN) \
		$(ZEPHYR_HOST_DIR)/default/$(ZEPHYR_BIN) $(ZEPHYR_HOST_DIR)/asan/$(ZEPHYR_BIN) \
		$(if $(HOST_RUN32),$(ZEPHYR_HOST_DIR)/m32/$(ZEPHYR_BIN))
	@passed=0; failed=0; \
	run() { echo "-- $$1"; shift; if "$$@"; then passed=$$((passed + 1)); \
		else failed=$$((failed + 1)); echo "FAIL test-zephyr: $$*"; fi; }; \
	host() { $$run32 "$$1" >"$$1.log" 2>&1; s=$$?; tail -n 2 "$$1.log"; \
		[ $$s -eq 0 ] || { tail -n 40 "$$1.log"; return 1; }; }; \
	run "compile test" $(MAKE) --no-print-directory zephyr-compile-test; \
	run "host 64-bit, listeners on" host $(ZEPHYR_HOST_DIR)/m64/$(ZEPHYR_BIN); \
	run "host 64-bit, defaults (listener tests skip)" host $(ZEPHYR_HOST_DIR)/default/$(ZEPHYR_BIN); \
	run "host 64-bit, listeners on, ASan + UBSan" host $(ZEPHYR_HOST_DIR)/asan/$(ZEPHYR_BIN); \
	run32=""; \
	if [ -n "$(HOST_RUN32)" ]; then \
		run32="$(HOST_RUN32_CMD)"; \
		run "host 32-bit ($(HOST_RUN32)), listeners on" host $(ZEPHYR_HOST_DIR)/m32/$(ZEPHYR_BIN); \
		run32=""; \
	else echo "skip: this host neither runs nor emulates 32-bit binaries: 32-bit run skipped"; fi; \
	for b in $(ZEPHYR_QEMU_BOARDS); do \
		run "QEMU $$b, listeners on" $(MAKE) --no-print-directory BUILD=$(BUILD)/zephyr-listeners \
			CONFIG_DEFS="$(CONFIG_DEFS) $(ZEPHYR_LISTEN)" qemu-zephyr_test-$$b; \
	done; \
	echo "test-zephyr: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]
