# The MPU guard (SYS_HEAP_GUARD, include/sys_heap_guard.h, src/guard/).
#
#   make test-guard     tests/guard/guard_test.c as QEMU firmware on
#                       $(GUARD_BOARDS) (PMSAv7 on M3 and M4, PMSAv8 on M33),
#                       twice each: overflow mode sampling 1 in 16, and
#                       underflow mode sampling 1 in 1 with caller tracing
#                       (the report's alloc and free sites). Every fault kind
#                       (overflow or underflow, write and read after free)
#                       must trap at its instruction with the right report,
#                       the stress run must draw no report, and the
#                       firmware's own MPU region must still fault. A
#                       third firmware (guard_default) has no hook: the
#                       default one must print the GUARD_FAULT line and stop
#                       (exit 1). The underflow build puts the pool in
#                       SYS_HEAP_GUARD_SECTION (checked in its object). Then
#                       SYS_HEAP_GUARD=1 must refuse to compile for
#                       Cortex-M0 and the host. Last line `N passed, N failed`.
#   make bench-guard    instructions (QEMU -icount) of an unsampled and a
#                       sampled alloc+free through the guard's entry points
#                       against plain sys_heap_alloc+free, RAM per slot and
#                       the guard's flash, on mps2-an386 and mps2-an505;
#                       printed and written to docs/guard-bench.md (`make
#                       bench` runs it).
#
# The library sources are compiled into each firmware with the guard's
# options (the per-CPU libsysheap.a is the default build and is only used
# for what the firmware does not define itself), through mk/boards.mk's
# objdir_rules and firmware_rules, like mk/fault.mk.

GUARD_BOARDS  ?= mps2-an385 mps2-an386 mps2-an505
GUARD_TIMEOUT ?= 120
GUARD_DIR     := $(BUILD)/guard
GUARD_SRCS    := $(LIB_SRCS) $(sort $(wildcard src/guard/*.c)) tests/harness.c
# QEMU's PMSAv7 model caches 1 KiB pages, so a subregion smaller than that
# goes unenforced after a neighbouring access: PMSAv7 boards test 1 KiB
# slots (8 KiB regions). PMSAv8 has no subregions: the default slot size.
GUARD_BOARD_DEFS_mps2-an385 := -DSYS_HEAP_GUARD_SLOT_SIZE=1024
GUARD_BOARD_DEFS_mps2-an386 := -DSYS_HEAP_GUARD_SLOT_SIZE=1024
GUARD_BOARD_DEFS_mps2-an505 :=
GUARD_DEFS := -DSYS_HEAP_GUARD=1 -Isrc/core -Isrc/guard

FW_SRCS_guard_over  := $(GUARD_SRCS) tests/guard/guard_test.c
FW_DEFS_guard_over  := $(GUARD_DEFS) -DSYS_HEAP_GUARD_SAMPLE_RATE=16
FW_SRCS_guard_under := $(GUARD_SRCS) tests/guard/guard_test.c
FW_DEFS_guard_under := $(GUARD_DEFS) -DSYS_HEAP_GUARD_SAMPLE_RATE=1 -DSYS_HEAP_GUARD_UNDERFLOW=1 \
	-DSYS_HEAP_TRACE_CALLERS=1 '-DSYS_HEAP_GUARD_SECTION=".bss.sysheap_guard"'
FW_SRCS_guard_bench := $(GUARD_SRCS) tests/guard/guard_bench.c
FW_DEFS_guard_bench := $(GUARD_DEFS) -DSYS_HEAP_GUARD_SAMPLE_RATE=1000000
# guard_default: no hook of its own, so the default one must stop the run.
FW_SRCS_guard_default := $(GUARD_SRCS) tests/guard/guard_default.c
FW_DEFS_guard_default := $(GUARD_DEFS)
GUARD_FIRMWARES := guard_over guard_under guard_default

ifneq ($(and $(value firmware_rules),$(value objdir_rules),$(value fw_objdir)),)
GUARD_FW_OK := yes
$(foreach b,$(GUARD_BOARDS),$(foreach f,$(GUARD_FIRMWARES) guard_bench,\
	$(eval $(call objdir_rules,$(b),$(call fw_objdir,$(b),$(f)),$(FW_DEFS_$(f)) $(GUARD_BOARD_DEFS_$(b)))) \
	$(eval $(call firmware_rules,$(b),$(f)))))
endif

GUARD_FW = $(foreach b,$(GUARD_BOARDS),$(foreach f,$(GUARD_FIRMWARES),$(BUILD)/$(b)/$(f).elf))

.PHONY: test-guard bench-guard
TEST_TARGETS += test-guard

test-guard: $(if $(GUARD_FW_OK),$(GUARD_FW))
	@$(if $(GUARD_FW_OK),,echo "test-guard: mk/boards.mk's firmware rules are missing"; exit 1)
	@mkdir -p $(GUARD_DIR); passed=0; failed=0; \
	for b in $(GUARD_BOARDS); do \
		for f in guard_over guard_under; do \
			if sh tools/qemu_run.sh -q -s -t $(GUARD_TIMEOUT) -l $(BUILD)/$$b/$$f.log \
				$$b $(BUILD)/$$b/$$f.elf; then passed=$$((passed + 1)); \
				grep -E '^(guard report|stress)' $(BUILD)/$$b/$$f.log | sed "s/^/   /"; \
			else failed=$$((failed + 1)); fi; \
		done; \
		if sh tools/qemu_run.sh -q -e 1 -t $(GUARD_TIMEOUT) -l $(BUILD)/$$b/guard_default.log \
			$$b $(BUILD)/$$b/guard_default.elf >/dev/null && \
			grep -q '^sys_heap error GUARD_FAULT (13): heap default_heap 0x' $(BUILD)/$$b/guard_default.log; then \
			echo "PASS $$b guard_default: no hook of its own, the default one reported GUARD_FAULT and stopped"; \
			passed=$$((passed + 1)); \
		else echo "FAIL $$b guard_default: not exit 1 with the GUARD_FAULT line:"; \
			tail -5 $(BUILD)/$$b/guard_default.log; failed=$$((failed + 1)); fi; \
		if $(CROSS)objdump -t $(call fw_objdir,$$b,guard_under)/src/guard/guard_pool.o | \
			grep -q '^[0-9a-f]* .*\.bss\.sysheap_guard.* z_sysheap_guard_pool$$'; then \
			echo "PASS $$b SYS_HEAP_GUARD_SECTION placed the pool in .bss.sysheap_guard"; passed=$$((passed + 1)); \
		else echo "FAIL $$b: the pool is not in SYS_HEAP_GUARD_SECTION"; failed=$$((failed + 1)); fi; \
	done; \
	for c in cortex-m0 host; do \
		if [ $$c = host ]; then cc="$(HOST_CC)"; else cc="$(TARGET_CC) $(call target_flags,cortex-m0)"; fi; \
		if printf '#include "sys_heap.h"\n' | $$cc -std=c11 -Iinclude -DSYS_HEAP_GUARD=1 -x c -c - \
			-o /dev/null 2>$(GUARD_DIR)/refuse-$$c.log; then \
			echo "FAIL SYS_HEAP_GUARD=1 compiled for $$c"; failed=$$((failed + 1)); \
		elif grep -q 'error: #error "SYS_HEAP_GUARD needs a Cortex-M MPU' $(GUARD_DIR)/refuse-$$c.log; then \
			echo "PASS SYS_HEAP_GUARD=1 refused for $$c with its message"; passed=$$((passed + 1)); \
		else echo "FAIL $$c: not the guard's message:"; cat $(GUARD_DIR)/refuse-$$c.log; \
			failed=$$((failed + 1)); fi; \
	done; \
	echo "test-guard: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

# ---- bench-guard -------------------------------------------------------------

GUARD_BENCH_BOARDS ?= mps2-an386 mps2-an505
GUARD_BENCH_ICOUNT ?= shift=7,align=off,sleep=off
GUARD_BENCH_DOC := docs/guard-bench.md
# One markdown table per board, printed and written to $(GUARD_BENCH_DOC).
bench-guard: $(if $(GUARD_FW_OK),$(foreach b,$(GUARD_BENCH_BOARDS),$(BUILD)/$(b)/guard_bench.elf))
	@{ echo "# MPU guard: measured cost"; echo; \
	echo "Written by \`make bench-guard\` (tests/guard/guard_bench.c in QEMU with"; \
	echo "\`-icount $(GUARD_BENCH_ICOUNT)\`; instructions of an alloc+free pair of 32 bytes,"; \
	echo "loop overhead subtracted). See [hardening.md](hardening.md#mpu-guard-overflows-caught-at-the-faulting-instruction)."; \
	for b in $(GUARD_BENCH_BOARDS); do \
		sh tools/qemu_run.sh -q -i $(GUARD_BENCH_ICOUNT) -l $(BUILD)/$$b/guard_bench.log \
			$$b $(BUILD)/$$b/guard_bench.elf >/dev/null || { cat $(BUILD)/$$b/guard_bench.log >&2; exit 1; }; \
		echo; echo "## $$b"; echo; \
		echo "| measure | value | unit |"; echo "|---|---|---|"; \
		grep '^guard-bench|' $(BUILD)/$$b/guard_bench.log | awk -F'|' '{ printf "| %s | %s | %s |\n", $$2, $$3, $$4 }'; \
		echo "| flash: src/guard (.text+.rodata) | $$($(TARGET_SIZE) -B $(call fw_objdir,$$b,guard_bench)/src/guard/*.o | \
			awk 'NR > 1 { s += $$1 } END { print s }') | bytes |"; \
	done; } >$(GUARD_BENCH_DOC).tmp && mv $(GUARD_BENCH_DOC).tmp $(GUARD_BENCH_DOC) && cat $(GUARD_BENCH_DOC)

# `make bench` measures the guard too.
bench: bench-guard

# The guard firmware's objects are compiled with this file's flags: rebuild
# them when it changes.
ifdef GUARD_FW_OK
$(foreach b,$(GUARD_BOARDS),$(foreach f,$(GUARD_FIRMWARES) guard_bench,\
	$(eval $(call fw_objs,$(b),$(f)): mk/guard.mk)))
endif
