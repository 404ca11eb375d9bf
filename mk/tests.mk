# Host test targets. tests/*.c (the portable suites, also built into the
# QEMU firmware by mk/boards.mk) are compiled together with the library
# sources on the host, four ways:
#
#   make test-host      -O2, -Wall -Wextra -Werror; run (and again as a
#                       32-bit binary where the compiler has -m32, natively
#                       or under qemu-i386, which exercises the 4-byte
#                       headers Cortex-M heaps use)
#   make test-asan      the library and tests built with ASan + UBSan
#   make test-valgrind  the test-host binary under valgrind memcheck
#   make coverage       --coverage build, run, gcovr line coverage of
#                       src/; fails below 95 %
#
# Each fails when any check fails (the binary exits non-zero).

TEST_SRCS := $(sort $(wildcard tests/*.c))
TEST_HDRS := $(wildcard tests/*.h)
TEST_LIB_HDRS := $(wildcard include/*.h src/*.h src/*/*.h)
# heap_locked.c calls sys_heap_lock(); on the host the boards' no-op
# lock provides it.
# sys_heap_print_info() prints on stdout, as in the host library.
TEST_HOST_SUPPORT_SRCS := $(wildcard boards/host/lock_host.c boards/host/print_host.c)
# src/registry.c needs the registry bounds from ld/sysheap_registry.ld.
TEST_HOST_LDSCRIPT := tests/host_registry.ld
TEST_HOST_LDFLAGS := -Wl,-L,ld -Wl,-T,$(TEST_HOST_LDSCRIPT)

TEST_CFLAGS := -std=c11 $(WARN) -Iinclude -Itests $(CONFIG_DEFS)
TEST_HOST_OPT ?= -O2 -g
TEST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_COVERAGE_FLAGS := -O0 -g --coverage
TEST_COVERAGE_MIN ?= 95

TEST_HOST_DIR     := $(BUILD)/host/tests
TEST_HOST32_DIR   := $(BUILD)/host/tests-m32
TEST_ASAN_DIR     := $(BUILD)/host/tests-asan
TEST_COVERAGE_DIR := $(BUILD)/coverage

TEST_BIN := sysheap_tests

# How this host runs a 32-bit x86 binary, the host suites' 4-byte-header
# build: "native", "qemu-i386" (qemu-user, where the kernel runs no i386
# code, as on CI's machines), or empty when the compiler has no -m32.
# Probed once, only when a target that uses it was asked for (the fault
# matrix, the fuzzers and the Zephyr suite use it too).
ifneq ($(filter test-host coverage test-fault fault-matrix fault-probe test-zephyr,$(MAKECMDGOALS))$(findstring fuzz,$(MAKECMDGOALS)),)
HOST_RUN32 := $(shell mkdir -p $(BUILD) && printf 'int main(void){return 0;}' | \
	$(HOST_CC) -m32 -x c - -o $(BUILD)/.m32probe 2>/dev/null && \
	{ if $(BUILD)/.m32probe 2>/dev/null; then echo native; \
	  elif qemu-i386 $(BUILD)/.m32probe 2>/dev/null; then echo qemu-i386; fi; }; \
	rm -f $(BUILD)/.m32probe)
endif
# The command that runs a 32-bit binary: empty when it runs natively.
HOST_RUN32_CMD := $(filter qemu-i386,$(HOST_RUN32))

# $(call test_objs,dir): every object of one test binary.
# The host build prints through boards/host/print_host.c, as the host
# library does, in place of src/'s _write one.
test_objs = $(patsubst %.c,$(1)/obj/%.o,$(filter-out src/diag/print_output.c,$(LIB_SRCS)) \
	$(TEST_SRCS) $(TEST_HOST_SUPPORT_SRCS))

# $(call test_binary_rules,dir,flags): compile the library with its own
# strict flags, the tests and host support with the test flags, all with
# the variant's `flags` (optimisation, sanitizers, coverage, -m32).
define test_binary_rules
$(1)/obj/src/%.o: src/%.c $$(TEST_LIB_HDRS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(SRC_CFLAGS) $(2) -c $$< -o $$@

$(1)/obj/tests/%.o: tests/%.c $$(TEST_HDRS) $$(TEST_LIB_HDRS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(TEST_CFLAGS) $(2) -c $$< -o $$@

$(1)/obj/boards/%.o: boards/%.c $$(TEST_LIB_HDRS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(TEST_CFLAGS) $(2) -c $$< -o $$@

$(1)/$(TEST_BIN): $$(call test_objs,$(1)) $$(TEST_HOST_LDSCRIPT)
	$$(HOST_CC) $(2) $$(filter %.o,$$^) $$(TEST_HOST_LDFLAGS) -o $$@
endef

$(eval $(call test_binary_rules,$(TEST_HOST_DIR),$(TEST_HOST_OPT)))
$(eval $(call test_binary_rules,$(TEST_HOST32_DIR),-m32 $(TEST_HOST_OPT)))
$(eval $(call test_binary_rules,$(TEST_ASAN_DIR),-O1 -g $(TEST_SANITIZE)))
$(eval $(call test_binary_rules,$(TEST_COVERAGE_DIR)/m64,$(TEST_COVERAGE_FLAGS)))
$(eval $(call test_binary_rules,$(TEST_COVERAGE_DIR)/m32,-m32 $(TEST_COVERAGE_FLAGS)))

.PHONY: test-host test-asan test-valgrind coverage
TEST_TARGETS += test-host test-asan test-valgrind coverage

# Both word sizes run even when the first fails: two reports say more.
test-host: $(TEST_HOST_DIR)/$(TEST_BIN) $(if $(HOST_RUN32),$(TEST_HOST32_DIR)/$(TEST_BIN))
	@status=0; \
	echo "-- $(TEST_HOST_DIR)/$(TEST_BIN)"; \
	$(TEST_HOST_DIR)/$(TEST_BIN) || status=1; \
	if [ -n "$(HOST_RUN32)" ]; then \
		echo "-- $(TEST_HOST32_DIR)/$(TEST_BIN) (32-bit, $(HOST_RUN32): 4-byte headers, as on Cortex-M)"; \
		$(HOST_RUN32_CMD) $(TEST_HOST32_DIR)/$(TEST_BIN) || status=1; \
	else \
		echo "skip: no -m32 on this host, 32-bit host run skipped"; \
	fi; \
	exit $$status

test-asan: $(TEST_ASAN_DIR)/$(TEST_BIN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(TEST_ASAN_DIR)/$(TEST_BIN)

test-valgrind: $(TEST_HOST_DIR)/$(TEST_BIN)
	valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
		$(TEST_HOST_DIR)/$(TEST_BIN)

# Stale counters from an earlier run would inflate the figures: clear
# them, run both word sizes where possible (the 4-byte-header code only
# runs in a 32-bit build), then let gcovr merge and judge. A failing test
# still gets its coverage printed, and then fails the target.
coverage: $(TEST_COVERAGE_DIR)/m64/$(TEST_BIN) \
		$(if $(HOST_RUN32),$(TEST_COVERAGE_DIR)/m32/$(TEST_BIN))
	@find $(TEST_COVERAGE_DIR) -name '*.gcda' -delete
	@status=0; \
	echo "-- $(TEST_COVERAGE_DIR)/m64/$(TEST_BIN)"; \
	$(TEST_COVERAGE_DIR)/m64/$(TEST_BIN) || status=1; \
	if [ -n "$(HOST_RUN32)" ]; then \
		echo "-- $(TEST_COVERAGE_DIR)/m32/$(TEST_BIN) ($(HOST_RUN32))"; \
		$(HOST_RUN32_CMD) $(TEST_COVERAGE_DIR)/m32/$(TEST_BIN) || status=1; \
	else \
		echo "skip: no -m32 on this host, coverage from the 64-bit run only"; \
	fi; \
	gcovr -r . --filter 'src/' --fail-under-line $(TEST_COVERAGE_MIN) \
		$(TEST_COVERAGE_DIR)/m64 $(if $(HOST_RUN32),$(TEST_COVERAGE_DIR)/m32) \
		|| status=1; \
	if [ $$status -ne 0 ]; then \
		echo "coverage: a test failed or line coverage is below $(TEST_COVERAGE_MIN)%"; \
	fi; \
	exit $$status

# SYS_HEAP_DEFINE's compile-time refusals, each with its message, for the
# target compiler (tests/compile_fail/).
TEST_TARGETS += test-define-errors
.PHONY: test-define-errors
test-define-errors:
	@sh tests/compile_fail/run.sh "$(TARGET_CC) -std=c11 $(WARN) -Iinclude $(CONFIG_DEFS) $(call target_flags,cortex-m4)"

# The host suite again under the other compile-time configurations a
# firmware may choose (include/sys_heap_config.h), each in its own build
# directory: the defaults are not the only build that must hold. A row is
# name:-D,-D...; TEST_CONFIG_VARS_<name> adds make variables to its build.
# h2-traced and h3-owners-traced put caller records and owner words next
# to the guard words: the biggest block prefixes, far more than a unit
# between a chunk's start and its memory, which no other row builds.
TEST_CONFIGS := \
	hardening0:-DSYS_HEAP_HARDENING=0 \
	hardening2:-DSYS_HEAP_HARDENING=2 \
	hardening3:-DSYS_HEAP_HARDENING=3 \
	big-headers:-DSYS_HEAP_HEADER_FORMAT=2 \
	loops0:-DSYS_HEAP_ALLOC_LOOPS=0 \
	bestfit:-DSYS_HEAP_ALLOC_BEST_FIT=1 \
	traced:-DSYS_HEAP_TRACE_CALLERS=1,-DSYS_HEAP_LISTENERS=1 \
	speed:-DSYS_HEAP_OPTIMIZE_SPEED=1 \
	know:-DSYS_HEAP_WATERMARKS=1,-DSYS_HEAP_OOM_HOOK=1 \
	know-h3:-DSYS_HEAP_WATERMARKS=1,-DSYS_HEAP_OOM_HOOK=1,-DSYS_HEAP_HARDENING=3 \
	owners:-DSYS_HEAP_OWNERS=8 \
	owners-know:-DSYS_HEAP_OWNERS=4,-DSYS_HEAP_WATERMARKS=1,-DSYS_HEAP_OOM_HOOK=1 \
	h2-traced:-DSYS_HEAP_HARDENING=2,-DSYS_HEAP_TRACE_CALLERS=1 \
	h3-owners-traced:-DSYS_HEAP_HARDENING=3,-DSYS_HEAP_OWNERS=8,-DSYS_HEAP_TRACE_CALLERS=1 \
	strict-aliasing:
# A firmware that compiles the sources into its own build with plain
# flags: strict aliasing on, whole-program -O2 -flto, and GCC's most
# eager aliasing warning (an error under -Werror).
TEST_CONFIG_VARS_strict-aliasing := SRC_ALIASING= \
	"TEST_HOST_OPT=-O2 -flto=auto -g -Wstrict-aliasing=1"
TEST_TARGETS += test-configs
.PHONY: test-configs
test-configs:
	@failed=0; \
	run() { name=$$1; defs=$$(echo "$$2" | tr , ' '); shift 2; \
		echo "-- test-host with $$defs $$*"; \
		$(MAKE) --no-print-directory -s BUILD=$(BUILD)/configs/$$name \
			CONFIG_DEFS="$(CONFIG_DEFS) $$defs" "$$@" test-host >$(BUILD)/configs-$$name.log 2>&1 \
			|| { failed=$$((failed + 1)); echo "FAIL test-configs $$name:"; tail -20 $(BUILD)/configs-$$name.log; }; \
		grep -E '^[0-9]+ passed, [0-9]+ failed' $(BUILD)/configs-$$name.log | sed "s/^/   $$name: /"; \
	}; \
	$(foreach c,$(TEST_CONFIGS),run $(firstword $(subst :, ,$(c))) "$(patsubst $(firstword $(subst :, ,$(c))):%,%,$(c))" $(TEST_CONFIG_VARS_$(firstword $(subst :, ,$(c))));) \
	echo "test-configs: $$(( $(words $(TEST_CONFIGS)) - failed )) passed, $$failed failed"; \
	[ $$failed -eq 0 ]

# The core suite as firmware in QEMU with the know-your-heap options on:
# the default firmware only sees those calls refuse. Owners run on the
# Cortex-M3 board; the micro:bit's 2 KiB test heap is too small for the
# suites' fill ratios with an owner word per block, so the Cortex-M0 runs
# the marks and the OOM hook only. Own build dirs.
TEST_KNOW_QEMU_DEFS := -DSYS_HEAP_WATERMARKS=1 -DSYS_HEAP_OOM_HOOK=1
TEST_TARGETS += test-know-qemu
.PHONY: test-know-qemu
test-know-qemu: deps
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/know-qemu-owners \
		CONFIG_DEFS="$(CONFIG_DEFS) $(TEST_KNOW_QEMU_DEFS) -DSYS_HEAP_OWNERS=4" \
		qemu-tests-mps2-an385
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/know-qemu \
		CONFIG_DEFS="$(CONFIG_DEFS) $(TEST_KNOW_QEMU_DEFS)" qemu-tests-microbit
	@echo "test-know-qemu: the suite passed in QEMU with $(TEST_KNOW_QEMU_DEFS) (and SYS_HEAP_OWNERS=4 on mps2-an385)"

# The suite as firmware with the biggest block prefix, test-configs' row
# h3-owners-traced, on the Cortex-M4. On a target the default error hook
# halts, so a report that the host build's hook lets pass fails here: the
# tracing queries once reported freed pointers this way, unseen on the host.
TEST_TRACED_QEMU_DEFS := -DSYS_HEAP_HARDENING=3 -DSYS_HEAP_OWNERS=8 -DSYS_HEAP_TRACE_CALLERS=1
TEST_TARGETS += test-traced-qemu
.PHONY: test-traced-qemu
test-traced-qemu: deps
	@$(MAKE) --no-print-directory -s BUILD=$(BUILD)/traced-qemu \
		CONFIG_DEFS="$(CONFIG_DEFS) $(TEST_TRACED_QEMU_DEFS)" qemu-tests-mps2-an386
	@echo "test-traced-qemu: the suite passed in QEMU with $(TEST_TRACED_QEMU_DEFS)"

# The host library's default error hook is not silent: a double free in a
# program with no hook of its own prints one line on stderr and aborts
# (tests/default_hook/double_free.c against build/host/libsysheap.a).
TEST_TARGETS += test-default-hook
.PHONY: test-default-hook
TEST_DEFAULT_HOOK_DIR := $(BUILD)/host/default-hook
test-default-hook: $(HOST_LIB)
	@mkdir -p $(TEST_DEFAULT_HOOK_DIR)
	@$(HOST_CC) $(TEST_CFLAGS) tests/default_hook/double_free.c $(HOST_LIB) \
		-o $(TEST_DEFAULT_HOOK_DIR)/double_free
	@status=0; sh -c 'exec "$$0" >"$$1" 2>"$$2"' $(TEST_DEFAULT_HOOK_DIR)/double_free \
		$(TEST_DEFAULT_HOOK_DIR)/out.log $(TEST_DEFAULT_HOOK_DIR)/err.log 2>/dev/null || status=$$?; \
	failed=0; \
	if [ $$status -ne 134 ]; then echo "FAIL default hook: exit status $$status, not 134 (abort)"; failed=$$((failed + 1)); fi; \
	if [ "$$(wc -l <$(TEST_DEFAULT_HOOK_DIR)/err.log)" -ne 1 ] || \
	   ! grep -q '^sys_heap error DOUBLE_FREE (2): heap ' $(TEST_DEFAULT_HOOK_DIR)/err.log; then \
		echo "FAIL default hook: stderr is not the one report line:"; cat $(TEST_DEFAULT_HOOK_DIR)/err.log; \
		failed=$$((failed + 1)); fi; \
	echo "test-default-hook: $$((2 - failed)) passed, $$failed failed"; [ $$failed -eq 0 ]
