# The heap-sizing oracle (tools/heapsize, docs/tools.md).
#
#   make test-oracle   (part of `make test`) end to end on $(ORACLE_BOARD):
#                      record tests/oracle/oracle_fw.c's heap in QEMU,
#                      size it with tools/heapsize, rebuild the firmware
#                      with exactly that size and show it completes, and
#                      with 8 bytes less (the next size down, failing in
#                      the search) and show it fails; then size every
#                      bench/traces/*.trace on the host. Also runs:
#   make oracle-record    the recording alone (build/oracle/<board>/*.log)
#   make oracle-gdb-pull  the same log kept in RAM and pulled out with the
#                         gdb extension; it must match the streamed one
#   make oracle-docs   regenerate docs/oracle-*.svg and the oracle section
#                      of docs/tools.md from the same run
#
# The replayer (bench/host/oracle.c) is the bench's trace replay compiled
# with the library's sources for the target: -m32 (4-byte headers under
# 256 KiB, as on Cortex-M; run under qemu-i386 where the kernel cannot run
# 32-bit code) and the firmware's options (ORACLE_DEFS). The instruction
# counts come from the bench firmware replaying the recorded trace under
# -icount, once as recorded and once with a recorder attached.

ORACLE_BOARD   ?= mps2-an386
ORACLE_CPU     := $($(ORACLE_BOARD)_CPU)
ORACLE_DIR     := $(BUILD)/oracle
# The options of the recorded firmware: the recorder is a heap listener.
ORACLE_DEFS    := $(filter-out -DSYS_HEAP_LISTENERS=%,$(CONFIG_DEFS)) -DSYS_HEAP_LISTENERS=1
# The size the firmware is configured with before it is sized.
ORACLE_CONFIG_BYTES ?= 24576
ORACLE_TIMEOUT ?= 60
# The size the bench traces are sized against on the host.
ORACLE_TRACE_CONFIG ?= 98304

# ---- host replayers: $(call oracle_replayer,name) ------------------------------

# Where the host cannot run 32-bit programs (a kernel without ia32
# emulation), QEMU's user-mode emulator runs the replayer: the same code.
DEPS_PACKAGES_AMD64 += qemu-user
ifneq ($(filter test-oracle oracle-docs oracle-record oracle-gdb-pull,$(MAKECMDGOALS)),)
ORACLE_HOST_M32 := $(shell mkdir -p $(BUILD) && printf 'int main(void){return 0;}' | \
	$(HOST_CC) -m32 -x c - -o $(BUILD)/.oracle-m32probe 2>/dev/null && \
	$(BUILD)/.oracle-m32probe 2>/dev/null && echo yes; rm -f $(BUILD)/.oracle-m32probe)
endif
ORACLE_EXEC := $(if $(ORACLE_HOST_M32),,qemu-i386 )

ORACLE_REPLAY_SRCS := bench/host/oracle.c $(BENCH_COMMON_SRCS) bench/adapters/alloc_sysheap.c \
	bench/host/platform_host.c bench/host/trace_load.c \
	$(filter-out src/core/fatal_trap.c,$(filter src/core/% src/diag/%,$(LIB_SRCS))) boards/host/fatal_host.c
oracle_replayer = $(ORACLE_DIR)/host-$(1)/bench_oracle

# $(call oracle_replayer_rule,name,defs)
define oracle_replayer_rule
$(call oracle_replayer,$(1)): $(ORACLE_REPLAY_SRCS) $(wildcard include/*.h src/*/*.h bench/*/*.h)
	@mkdir -p $$(@D)
	$(HOST_CC) -std=c11 -O2 -g $(WARN) -m32 -no-pie -Iinclude -Isrc/core -Ibench/common \
		-Ibench/adapters -Ibench/host -D_DEFAULT_SOURCE $(2) \
		$(ORACLE_REPLAY_SRCS) -o $$@
endef
$(eval $(call oracle_replayer_rule,fw,$(ORACLE_DEFS)))
$(eval $(call oracle_replayer_rule,default,$(CONFIG_DEFS)))

# ---- the recorded firmware, one build per heap size --------------------------

ORACLE_LIB := $(ORACLE_DIR)/$(ORACLE_CPU)/libsysheap.a
ORACLE_FW_CFLAGS = $(call target_flags,$(ORACLE_CPU)) $(FW_INCLUDES) $(ORACLE_DEFS) \
	-DBOARD_NAME=\"$(ORACLE_BOARD)\" $($(ORACLE_BOARD)_DEFS) $(FW_CFLAGS)

$(ORACLE_DIR)/$(ORACLE_CPU)/obj/%.o: src/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(TARGET_CC) $(filter-out -DSYS_HEAP_LISTENERS=%,$(SRC_CFLAGS)) -DSYS_HEAP_LISTENERS=1 \
		$(call target_flags,$(ORACLE_CPU)) -c $< -o $@
$(ORACLE_LIB): $(patsubst src/%.c,$(ORACLE_DIR)/$(ORACLE_CPU)/obj/%.o,$(TARGET_LIB_SRCS))
	@rm -f $@
	$(TARGET_AR) rcs $@ $^
$(ORACLE_DIR)/$(ORACLE_BOARD)/obj/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(TARGET_CC) $(ORACLE_FW_CFLAGS) -c $< -o $@

ORACLE_COMMON_OBJS := $(patsubst %.c,$(ORACLE_DIR)/$(ORACLE_BOARD)/obj/%.o,$(BOARD_COMMON_SRCS))
.SECONDARY: $(ORACLE_COMMON_OBJS)

# build/oracle/<board>/oracle_fw-<bytes>.elf: the firmware with a heap of
# <bytes>; only its own source is compiled again per size.
# oracle_fw_keep-<bytes>.elf keeps the whole log in RAM for gdb instead.
ORACLE_FW_DEPS := tests/oracle/oracle_fw.c tests/harness.c $(ORACLE_COMMON_OBJS) $(ORACLE_LIB) \
	$($(ORACLE_BOARD)_LDSCRIPT) $(FW_LINK_DEPS)
oracle_fw_link = $(TARGET_CC) $(ORACLE_FW_CFLAGS) $(FW_LDFLAGS) -T $($(ORACLE_BOARD)_LDSCRIPT) \
	-Wl,-Map=$@.map $(filter %.c %.o %.a,$^) -o $@
$(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw-%.elf: $(ORACLE_FW_DEPS)
	@mkdir -p $(@D)
	$(oracle_fw_link) -DORACLE_HEAP_BYTES=$*u
$(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw_keep-%.elf: $(ORACLE_FW_DEPS)
	@mkdir -p $(@D)
	$(oracle_fw_link) -DORACLE_HEAP_BYTES=$*u -DORACLE_RECORD_KEEP

# $(call oracle_run,bytes,status): run the firmware of that size in QEMU;
# its log lands in build/oracle/<board>/oracle_fw-<bytes>.log.
oracle_run = $(MAKE) -s --no-print-directory $(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw-$(1).elf && \
	sh tools/qemu_run.sh -q -t $(ORACLE_TIMEOUT) -e $(2) -l $(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw-$(1).log \
	$($(ORACLE_BOARD)_QEMU) $(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw-$(1).elf

ORACLE_REPORT := $(ORACLE_DIR)/oracle_fw.report
ORACLE_FW_LOG := $(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw-$(ORACLE_CONFIG_BYTES).log
# tools/heapsize's arguments for the recorded firmware (the pictures go
# under build/; oracle-docs writes them to docs/).
ORACLE_HEAPSIZE = $(PYTHON) tools/heapsize --replayer "$(ORACLE_EXEC)$(call oracle_replayer,fw)" \
	--out $(ORACLE_DIR)/fw --icount-log $(ORACLE_ICOUNT_DIR)/replay.log \
	--icount-record-log $(ORACLE_ICOUNT_DIR)/replay-record.log

.PHONY: test-oracle oracle-docs oracle-record
# The recording: the firmware at its configured size, run every time.
oracle-record: deps $(call oracle_replayer,fw)
	@rm -f $(ORACLE_FW_LOG) $(ORACLE_TRACE)
	@$(call oracle_run,$(ORACLE_CONFIG_BYTES),0)
	@$(PYTHON) tools/heapsize --replayer "$(ORACLE_EXEC)$(call oracle_replayer,fw)" \
		--out $(ORACLE_DIR)/fw --trace-only $(ORACLE_FW_LOG) >/dev/null

# The same recording pulled out of RAM by the gdb extension instead: the
# same sequence, op for op.
ORACLE_KEEP_ELF := $(ORACLE_DIR)/$(ORACLE_BOARD)/oracle_fw_keep-$(ORACLE_CONFIG_BYTES).elf
.PHONY: oracle-gdb-pull
oracle-gdb-pull: oracle-record $(ORACLE_KEEP_ELF)
	@$(PYTHON) tests/oracle/gdb_pull.py --machine $($(ORACLE_BOARD)_QEMU) --elf $(ORACLE_KEEP_ELF) \
		--out $(ORACLE_DIR)/fw/pulled.shr --timeout $(ORACLE_TIMEOUT)
	@$(PYTHON) tools/heapsize --replayer "$(ORACLE_EXEC)$(call oracle_replayer,fw)" \
		--out $(ORACLE_DIR)/fw --trace-only $(ORACLE_DIR)/fw/pulled.shr >/dev/null
	@grep -v '^#' $(ORACLE_DIR)/fw/pulled.trace > $(ORACLE_DIR)/fw/pulled.ops
	@grep -v '^#' $(ORACLE_TRACE) > $(ORACLE_DIR)/fw/streamed.ops
	@cmp -s $(ORACLE_DIR)/fw/pulled.ops $(ORACLE_DIR)/fw/streamed.ops || \
		{ echo "test-oracle: the log pulled by gdb differs from the streamed one"; exit 1; }
	@$(PYTHON) tests/oracle/test_record_log.py $(ORACLE_DIR)/fw/pulled.shr
	@echo "oracle-gdb-pull: the log gdb pulled from RAM is the streamed log, op for op"

TEST_TARGETS += test-oracle
test-oracle: oracle-record oracle-gdb-pull $(call oracle_replayer,default)
	@$(MAKE) -s --no-print-directory $(ORACLE_ICOUNT_DIR)/replay.log \
		$(ORACLE_ICOUNT_DIR)/replay-record.log
	@set -e; d=$(ORACLE_DIR)/$(ORACLE_BOARD); \
	$(ORACLE_HEAPSIZE) --svg $(ORACLE_DIR)/oracle $(ORACLE_FW_LOG) > $(ORACLE_REPORT); \
	cat $(ORACLE_REPORT); \
	size=$$(sed -n 's/^smallest heap that never fails: \([0-9]*\) bytes.*/\1/p' $(ORACLE_REPORT)); \
	below=$$(sed -n 's/^next size down: \([0-9]*\) bytes fails.*/\1/p' $(ORACLE_REPORT)); \
	[ -n "$$size" ] && [ -n "$$below" ] || { echo "test-oracle: no size in the report"; exit 1; }; \
	$(call oracle_run,$$size,0); \
	tail -n 1 $$d/oracle_fw-$$size.log; \
	$(call oracle_run,$$below,1); \
	tail -n 1 $$d/oracle_fw-$$below.log; \
	grep -q "^oracle_fw: completed" $$d/oracle_fw-$$size.log; \
	$(PYTHON) tools/heapsize --replayer "$(ORACLE_EXEC)$(call oracle_replayer,fw)" \
		--out $(ORACLE_DIR)/fw --trace-only $$d/oracle_fw-$$size.log >/dev/null; \
	grep -v '^#' $(ORACLE_DIR)/fw/oracle_fw-$$size.trace | cmp -s - $(ORACLE_DIR)/fw/streamed.ops || \
		{ echo "test-oracle: the firmware at $$size bytes made other calls than the recording"; exit 1; }; \
	grep -q "^oracle_fw: call [0-9]* failed" $$d/oracle_fw-$$below.log; \
	for t in $(BENCH_TRACES); do \
		$(PYTHON) tools/heapsize --replayer "$(ORACLE_EXEC)$(call oracle_replayer,default)" \
			--config $(ORACLE_TRACE_CONFIG) --brief $$t; \
	done; \
	echo "test-oracle: firmware recorded at $(ORACLE_CONFIG_BYTES) bytes, sized to $$size: completes in QEMU at $$size (the same calls), fails at $$below; $(words $(BENCH_TRACES)) bench traces sized on the host"

# docs/tools.md's example: the same recording, its report between the
# oracle-report markers and its pictures in docs/.
oracle-docs: oracle-record
	@$(MAKE) -s --no-print-directory $(ORACLE_ICOUNT_DIR)/replay.log \
		$(ORACLE_ICOUNT_DIR)/replay-record.log
	$(ORACLE_HEAPSIZE) --svg docs/oracle --docs docs/tools.md $(ORACLE_FW_LOG)

# ---- the same sequence as firmware, timed with -icount -----------------------

# The bench firmware (bench/fw/main.c) with BENCH_TRACES_ONLY: the recorded
# trace, compiled in as C arrays by bench/tracetool.py, replayed on a heap
# of the configured size with every call counted (mk/bench.mk's method).
ORACLE_TRACE := $(ORACLE_DIR)/fw/oracle_fw-$(ORACLE_CONFIG_BYTES).trace
ORACLE_ICOUNT_DIR := $(ORACLE_DIR)/$(ORACLE_BOARD)/icount
ORACLE_ICOUNT_SRCS := $(BENCH_FW_SRCS) bench/adapters/alloc_sysheap.c
ORACLE_ICOUNT_CFLAGS = $(call target_flags,$(ORACLE_CPU)) $(BENCH_FW_INCLUDES) $(ORACLE_DEFS) \
	$(filter-out -DBOARD_STDOUT_BUFFER=%,$($(ORACLE_BOARD)_DEFS)) -DBOARD_NAME=\"$(ORACLE_BOARD)\" \
	-DBENCH_CPU=\"$(ORACLE_CPU)\" -DBENCH_QEMU -DBENCH_UNIT_INSN -DBENCH_ALLOC_SYSHEAP \
	-DBENCH_TRACES_ONLY -DBENCH_SMALL_BYTES=$(ORACLE_CONFIG_BYTES)u -DBENCH_BIG_BYTES=0u \
	-std=c11 $(WARN)

$(ORACLE_ICOUNT_DIR)/traces.c: $(ORACLE_TRACE) bench/tracetool.py
	@mkdir -p $(@D)
	$(PYTHON) bench/tracetool.py c $@ $<

# $(call oracle_icount_rules,variant,extra flags): replay (the calls as
# recorded) and replay-record (the same with a recorder attached: what
# recording costs per call).
define oracle_icount_rules
$(ORACLE_ICOUNT_DIR)/$(1)/obj/traces.o: $(ORACLE_ICOUNT_DIR)/traces.c
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(ORACLE_ICOUNT_CFLAGS) $(2) -c $$< -o $$@
$(ORACLE_ICOUNT_DIR)/$(1)/obj/%.o: %.c $$(LIB_HDRS) $$(wildcard bench/*/*.h)
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(ORACLE_ICOUNT_CFLAGS) $(2) -c $$< -o $$@
$(ORACLE_ICOUNT_DIR)/$(1)/obj/%.o: %.S
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(call target_flags,$$(ORACLE_CPU)) -c $$< -o $$@
$(ORACLE_ICOUNT_DIR)/$(1).elf: $$(patsubst %,$(ORACLE_ICOUNT_DIR)/$(1)/obj/%.o,$$(basename \
		$$(ORACLE_ICOUNT_SRCS)) traces) $$(ORACLE_LIB) $$($$(ORACLE_BOARD)_LDSCRIPT)
	$$(TARGET_CC) $$(call target_flags,$$(ORACLE_CPU)) --specs=nano.specs $$(BENCH_FW_LDFLAGS) \
		-T $$($$(ORACLE_BOARD)_LDSCRIPT) $$(filter %.o %.a,$$^) -lgcc -o $$@
$(ORACLE_ICOUNT_DIR)/$(1).log: $(ORACLE_ICOUNT_DIR)/$(1).elf tools/qemu_run.sh
	@sh tools/qemu_run.sh -q -t $$(BENCH_TIMEOUT) -i $$(BENCH_ICOUNT) -L "END status=0" \
		-l $$@.tmp $$($$(ORACLE_BOARD)_QEMU) $$< && mv $$@.tmp $$@
endef
$(eval $(call oracle_icount_rules,replay,))
$(eval $(call oracle_icount_rules,replay-record,-DBENCH_RECORD))
