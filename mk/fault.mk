# The fault-injection suite (tests/fault/): every bug class injected at every
# SYS_HEAP_HARDENING level, on the host and in QEMU.
#
#   make test-fault     build tests/fault/fault_test.c with the library
#                       sources once per level 0..4: host 64-bit, host 32-bit
#                       (where the compiler has -m32: 4-byte headers, as on
#                       Cortex-M) and firmware for $(FAULT_QEMU_BOARDS); run
#                       them all, print the detection matrix of each
#                       platform, fail unless every level kept its promise
#                       and the stress runs drew no report (last line
#                       `N passed, N failed`)
#   make fault-matrix   the host runs only, and write docs/fault-matrix.md
#
# Each level needs the library compiled with that level, so the library
# sources are compiled into each binary (the per-CPU libsysheap.a is built
# with the default level and is not used here). Firmware is built with
# mk/boards.mk's own rules (objdir_rules, firmware_rules): board flags,
# boards/common startup and console, the board's memory.ld, plus
# boards/common/error_hook.c (the halting default hook; the suite installs
# its own hook everywhere, so reaching the default one is a failure).

FAULT_LEVELS      := 0 1 2 3 4
FAULT_QEMU_BOARDS ?= mps2-an386 microbit
FAULT_TIMEOUT     ?= 120
FAULT_SRCS        := tests/fault/fault_test.c tests/harness.c
FAULT_DIR         := $(BUILD)/fault
FAULT_LIB_HDRS    := $(wildcard include/*.h src/*.h src/*/*.h)
FAULT_CFLAGS      := -std=c11 $(WARN) -Iinclude -Itests $(CONFIG_DEFS)
FAULT_HOST_OPT    ?= -O2 -g
# The library's lock shim and registry bounds, as the host tests link them.
FAULT_HOST_SUPPORT := boards/host/lock_host.c
FAULT_HOST_LDFLAGS := -Wl,-L,ld -Wl,-T,tests/host_registry.ld

# $(call fault_level_defs,level): the level, whatever CONFIG_DEFS said.
fault_level_defs = -USYS_HEAP_HARDENING -DSYS_HEAP_HARDENING=$(1)

# The 32-bit variant where this host runs 32-bit code, natively or under
# qemu-i386 (HOST_RUN32, mk/tests.mk).
FAULT_HOST_VARIANTS := m64 $(if $(HOST_RUN32),m32)
FAULT_VARIANT_FLAGS_m64 :=
FAULT_VARIANT_FLAGS_m32 := -m32

# ---- host ------------------------------------------------------------------

# $(call fault_host_rules,variant,level)
define fault_host_rules
$(FAULT_DIR)/host-$(1)/L$(2)/obj/src/%.o: src/%.c $$(FAULT_LIB_HDRS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(SRC_CFLAGS) $(call fault_level_defs,$(2)) $$(FAULT_VARIANT_FLAGS_$(1)) \
		$$(FAULT_HOST_OPT) -c $$< -o $$@
$(FAULT_DIR)/host-$(1)/L$(2)/obj/tests/%.o: tests/%.c $$(FAULT_LIB_HDRS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(FAULT_CFLAGS) $(call fault_level_defs,$(2)) $$(FAULT_VARIANT_FLAGS_$(1)) \
		$$(FAULT_HOST_OPT) -c $$< -o $$@
$(FAULT_DIR)/host-$(1)/L$(2)/obj/boards/%.o: boards/%.c $$(FAULT_LIB_HDRS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(FAULT_CFLAGS) $(call fault_level_defs,$(2)) $$(FAULT_VARIANT_FLAGS_$(1)) \
		$$(FAULT_HOST_OPT) -c $$< -o $$@
$(FAULT_DIR)/host-$(1)/L$(2)/fault_test: $(patsubst %.c,$(FAULT_DIR)/host-$(1)/L$(2)/obj/%.o,\
		$(LIB_SRCS) $(FAULT_SRCS) $(FAULT_HOST_SUPPORT)) tests/host_registry.ld
	$$(HOST_CC) $$(FAULT_VARIANT_FLAGS_$(1)) $$(filter %.o,$$^) $$(FAULT_HOST_LDFLAGS) -o $$@
$(FAULT_DIR)/host-$(1)/L$(2)/probe: $(patsubst %.c,$(FAULT_DIR)/host-$(1)/L$(2)/obj/%.o,\
		$(LIB_SRCS) tests/fault/probe.c $(FAULT_HOST_SUPPORT)) tests/host_registry.ld
	$$(HOST_CC) $$(FAULT_VARIANT_FLAGS_$(1)) $$(filter %.o,$$^) $$(FAULT_HOST_LDFLAGS) -o $$@
endef
$(foreach v,m64 m32,$(foreach l,$(FAULT_LEVELS),$(eval $(call fault_host_rules,$(v),$(l)))))

FAULT_HOST_BINS = $(foreach v,$(FAULT_HOST_VARIANTS),\
	$(foreach l,$(FAULT_LEVELS),$(FAULT_DIR)/host-$(v)/L$(l)/fault_test))

# ---- QEMU firmware, through mk/boards.mk's rules -----------------------------

# fault_l<N>: the suite, the library sources at level N, the halting hook.
define fault_fw_vars
FW_SRCS_fault_l$(1) := $(FAULT_SRCS) $(LIB_SRCS) boards/common/error_hook.c
FW_DEFS_fault_l$(1) := $(call fault_level_defs,$(1)) -Isrc/core
endef
$(foreach l,$(FAULT_LEVELS),$(eval $(call fault_fw_vars,$(l))))

ifneq ($(and $(value firmware_rules),$(value objdir_rules),$(value fw_objdir)),)
FAULT_FW_OK := yes
$(foreach b,$(FAULT_QEMU_BOARDS),$(foreach l,$(FAULT_LEVELS),\
	$(eval $(call objdir_rules,$(b),$(call fw_objdir,$(b),fault_l$(l)),$(FW_DEFS_fault_l$(l)))) \
	$(eval $(call firmware_rules,$(b),fault_l$(l)))))
endif

# hook_test: the default hook itself, at the default level, with the
# per-CPU library: a double free must print the report and exit 1.
# trap_test: the same program with only the library's default hook and
# fatal hook: the double free must end in a fault (udf), which the boards'
# fault handler turns into exit status 131 (HardFault), not in a return.
FW_SRCS_hook_test := tests/fault/hook_test.c boards/common/error_hook.c
FW_SRCS_trap_test := tests/fault/hook_test.c
# $(call trap_test_rules,board): the boards' link without their fatal hook.
define trap_test_rules
$(BUILD)/$(1)/trap_test.elf: $(filter-out %/boards/common/error_hook.o,$(call fw_objs,$(1),trap_test)) \
		$(BUILD)/$($(1)_CPU)/libsysheap.a $($(1)_LDSCRIPT) $(FW_LINK_DEPS)
	$$(TARGET_CC) $$(call target_flags,$($(1)_CPU)) $$(FW_LDFLAGS) -T $($(1)_LDSCRIPT) \
		-Wl,-Map=$$@.map $$(filter %.o %.a,$$^) -o $$@
endef
ifdef FAULT_FW_OK
$(foreach b,$(FAULT_QEMU_BOARDS),$(eval $(call firmware_rules,$(b),hook_test)))
$(foreach b,$(FAULT_QEMU_BOARDS),$(eval $(call trap_test_rules,$(b))))
endif

FAULT_FW = $(foreach b,$(FAULT_QEMU_BOARDS),$(BUILD)/$(b)/hook_test.elf $(BUILD)/$(b)/trap_test.elf) \
	$(foreach b,$(FAULT_QEMU_BOARDS),\
	$(foreach l,$(FAULT_LEVELS),$(BUILD)/$(b)/fault_l$(l).elf))

# ---- running ---------------------------------------------------------------

# $(call fault_run_host,variants): run each variant's five binaries, the
# logs next to them. A crash leaves a log without its summary line, which
# matrix.py reports; nothing stops here.
fault_run_host = @for v in $(1); do for l in $(FAULT_LEVELS); do \
		d=$(FAULT_DIR)/host-$$v/L$$l; \
		run=""; [ $$v = m32 ] && run="$(HOST_RUN32_CMD)"; \
		timeout -k 5 $(FAULT_TIMEOUT) $$run $$d/fault_test >$$d/fault.log 2>&1; \
		echo "host-$$v level $$l: $$(tail -n 1 $$d/fault.log)"; \
	done; done
fault_host_platform = --platform "host $(if $(filter m32,$(1)),32,64)-bit" \
	$(foreach l,$(FAULT_LEVELS),$(FAULT_DIR)/host-$(1)/L$(l)/fault.log)
fault_qemu_platform = --platform "$(1) ($($(1)_CPU), QEMU)" \
	$(foreach l,$(FAULT_LEVELS),$(BUILD)/$(1)/fault_l$(l).log)

# $(call fault_hook_run,board,firmware,status,console regex,what passing means):
# one line of hook_test.results.
fault_hook_run = if sh tools/qemu_run.sh -q -e $(3) -t 60 -l $(BUILD)/$(1)/$(2).log \
			$($(1)_QEMU) $(BUILD)/$(1)/$(2).elf && grep -q '$(strip $(4))' $(BUILD)/$(1)/$(2).log; \
		then echo "PASS $(1) $(2): $(strip $(5))" >>$(FAULT_DIR)/hook_test.results; \
		else echo "FAIL $(1) $(2): not exit $(3) with '$(strip $(4))' in $(BUILD)/$(1)/$(2).log" \
			>>$(FAULT_DIR)/hook_test.results; fi;

.PHONY: test-fault fault-matrix
TEST_TARGETS += test-fault

test-fault: $(FAULT_HOST_BINS) $(if $(FAULT_FW_OK),$(FAULT_FW))
	@$(if $(FAULT_FW_OK),,echo "test-fault: mk/boards.mk's firmware rules are missing"; exit 1)
	@mkdir -p $(FAULT_DIR) && rm -f $(FAULT_DIR)/hook_test.results
	$(call fault_run_host,$(FAULT_HOST_VARIANTS))
	@$(if $(HOST_RUN32),,echo "skip: no -m32 on this host, the 32-bit host run is skipped")
	@$(foreach b,$(FAULT_QEMU_BOARDS),$(foreach l,$(FAULT_LEVELS),\
		sh tools/qemu_run.sh -q -s -t $(FAULT_TIMEOUT) -l $(BUILD)/$(b)/fault_l$(l).log \
			$($(b)_QEMU) $(BUILD)/$(b)/fault_l$(l).elf || true;))
	@$(foreach b,$(FAULT_QEMU_BOARDS),$(call fault_hook_run,$(b),hook_test,1,\
		^sys_heap error DOUBLE_FREE (2): heap hook_heap 0x,the default hook reported and aborted))
	@$(foreach b,$(FAULT_QEMU_BOARDS),$(call fault_hook_run,$(b),trap_test,131,\
		^fatal: exception 00000003 at pc ,the library's default hook trapped (HardFault)))
	@$(PYTHON) tests/fault/matrix.py --extra-results $(FAULT_DIR)/hook_test.results \
		$(foreach v,$(FAULT_HOST_VARIANTS),$(call fault_host_platform,$(v))) \
		$(foreach b,$(FAULT_QEMU_BOARDS),$(call fault_qemu_platform,$(b)))

# The contract's edges (tests/fault/probe.c): not pass/fail, a table.
FAULT_PROBE_LEVELS := 1 2 3 4
.PHONY: fault-probe
fault-probe: $(foreach v,$(FAULT_HOST_VARIANTS),$(foreach l,$(FAULT_PROBE_LEVELS),\
		$(FAULT_DIR)/host-$(v)/L$(l)/probe))
	@for v in $(FAULT_HOST_VARIANTS); do for l in $(FAULT_PROBE_LEVELS); do \
		timeout -k 5 60 $(FAULT_DIR)/host-$$v/L$$l/probe | grep '^probe|'; \
	done; done | awk -F'|' '{ printf "level %s %2s-bit  %-55s %s\n", $$2, $$3, $$4, $$5 }'

fault-matrix: $(FAULT_HOST_BINS)
	$(call fault_run_host,$(FAULT_HOST_VARIANTS))
	@$(PYTHON) tests/fault/matrix.py --markdown docs/fault-matrix.md \
		$(foreach v,$(FAULT_HOST_VARIANTS),$(call fault_host_platform,$(v)))

# Level 0 is the same code as a build without hardening (docs/hardening.md):
# tests/fault/check_level0.sh compiles src/ at level 0 for M0 and M4 and
# fails if any object still refers to a check.
TEST_TARGETS += test-level0
.PHONY: test-level0
test-level0:
	@set -e; $(foreach c,cortex-m0 cortex-m4,\
		sh tests/fault/check_level0.sh $(BUILD)/level0/$(c) \
			"$(TARGET_CC) $(filter-out -DSYS_HEAP_HARDENING=%,$(SRC_CFLAGS)) $(call target_flags,$(c))" \
			$(filter src/core/% src/diag/%,$(LIB_SRCS));)
