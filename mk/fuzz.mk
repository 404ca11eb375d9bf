# The differential fuzzer (tests/fuzz/): one decoder and shadow model,
# three drivers, every compile-time variant.
#
#   make test-fuzz    replay the committed corpus (tests/fuzz/corpus/) and
#                     the saved crash inputs (tests/fuzz/regress/) with the
#                     random driver of every variant, run a short random
#                     campaign in each, and the firmware run on the M0 and
#                     M4 QEMU boards. About 2 minutes.
#   make fuzz         a campaign over every variant, one process at a time:
#                     FUZZ_SECONDS in all (default 1800), split between the
#                     random driver and libFuzzer (ASan + UBSan). Prints
#                     operations per variant and the total. The corpus
#                     grows in build/fuzz/corpus/<variant>/, failing inputs
#                     land in build/fuzz/crashes/.
#
# Outputs: build/fuzz/<variant>/fuzz_random and fuzz_libfuzzer,
# build/<board>/fuzz.elf and its .log.

# clang with its libFuzzer, ASan and UBSan runtimes (64- and 32-bit);
# g++-multilib for linking the 32-bit libFuzzer (a C++ runtime); qemu-user
# runs 32-bit code on kernels that cannot.
DEPS_PACKAGES       += clang libclang-rt-dev
DEPS_PACKAGES_AMD64 += g++-multilib qemu-user

FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SRCS    := tests/fuzz/fuzz_heap.c
FUZZ_HDRS    := tests/fuzz/fuzz.h $(LIB_HDRS)
FUZZ_LIBSRCS := $(LIB_SRCS) $(HOST_BOARD_SRCS)
FUZZ_CORPUS  := tests/fuzz/corpus
FUZZ_REGRESS := tests/fuzz/regress

# name:defs (comma-separated). m32- variants are 32-bit builds: 4-byte
# headers, as on Cortex-M; they run natively where the kernel runs i386
# code, else under qemu-i386 (qemu-user).
FUZZ_VARIANTS := \
	default: \
	h0:-DSYS_HEAP_HARDENING=0 \
	h2:-DSYS_HEAP_HARDENING=2 \
	h3:-DSYS_HEAP_HARDENING=3 \
	h4:-DSYS_HEAP_HARDENING=4 \
	big:-DSYS_HEAP_HEADER_FORMAT=2 \
	speed:-DSYS_HEAP_OPTIMIZE_SPEED=1 \
	loops0:-DSYS_HEAP_ALLOC_LOOPS=0 \
	bestfit:-DSYS_HEAP_ALLOC_BEST_FIT=1 \
	traced:-DSYS_HEAP_TRACE_CALLERS=1,-DSYS_HEAP_LISTENERS=1 \
	traced-h2:-DSYS_HEAP_TRACE_CALLERS=1,-DSYS_HEAP_LISTENERS=1,-DSYS_HEAP_HARDENING=2 \
	m32: \
	m32-h0:-DSYS_HEAP_HARDENING=0 \
	m32-h3:-DSYS_HEAP_HARDENING=3 \
	m32-small:-DSYS_HEAP_HEADER_FORMAT=1 \
	m32-speed-traced:-DSYS_HEAP_OPTIMIZE_SPEED=1,-DSYS_HEAP_TRACE_CALLERS=1,-DSYS_HEAP_LISTENERS=1,-DSYS_HEAP_HARDENING=2
FUZZ_NAMES := $(foreach v,$(FUZZ_VARIANTS),$(firstword $(subst :, ,$(v))))
fuzz_defs = $(subst $(comma), ,$(patsubst $(1):%,%,$(filter $(1):%,$(FUZZ_VARIANTS))))
fuzz_m32 = $(if $(filter m32%,$(1)),-m32)
comma := ,

FUZZ_CFLAGS  := -std=c11 $(WARN) -Iinclude -Isrc/core -Itests -fno-strict-aliasing
FUZZ_LDFLAGS := $(TEST_HOST_LDFLAGS)
FUZZ_CLANG   ?= clang
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1

# ASan's shadow memory does not map under qemu-i386 (it hangs), so there
# the 32-bit libFuzzer drivers keep UBSan only.
fuzz_sanitize = $(if $(and $(call fuzz_m32,$(1)),$(HOST_RUN32_CMD)),\
	$(subst address$(comma),,$(FUZZ_SANITIZE)),$(FUZZ_SANITIZE))

# $(call fuzz_rules,variant)
define fuzz_rules
$(FUZZ_DIR)/$(1)/fuzz_random: $(FUZZ_SRCS) tests/fuzz/fuzz_random.c $(FUZZ_LIBSRCS) $(FUZZ_HDRS) \
		$(TEST_HOST_LDSCRIPT)
	@mkdir -p $$(@D)
	$(HOST_CC) $(call fuzz_m32,$(1)) -O2 -g $(FUZZ_CFLAGS) $(call fuzz_defs,$(1)) \
		$(FUZZ_SRCS) tests/fuzz/fuzz_random.c $(FUZZ_LIBSRCS) $(FUZZ_LDFLAGS) -o $$@

$(FUZZ_DIR)/$(1)/fuzz_libfuzzer: $(FUZZ_SRCS) tests/fuzz/fuzz_libfuzzer.c $(FUZZ_LIBSRCS) \
		$(FUZZ_HDRS) $(TEST_HOST_LDSCRIPT)
	@mkdir -p $$(@D)
	$(FUZZ_CLANG) $(call fuzz_m32,$(1)) $(call fuzz_sanitize,$(1)) $(FUZZ_CFLAGS) $(call fuzz_defs,$(1)) \
		$(FUZZ_SRCS) tests/fuzz/fuzz_libfuzzer.c $(FUZZ_LIBSRCS) $(FUZZ_LDFLAGS) -o $$@
endef
$(foreach v,$(FUZZ_NAMES),$(eval $(call fuzz_rules,$(v))))

# test-fuzz: seconds of random inputs per variant, and their seed (fixed,
# so a failure repeats). make fuzz: seconds in all, and the variants that
# also get a libFuzzer run (all of them get the random driver).
FUZZ_TEST_SECONDS ?= 2
FUZZ_TEST_SEED    ?= 1
FUZZ_SECONDS      ?= 1800
FUZZ_LIBFUZZER_VARIANTS ?= default h2 h3 traced-h2 big m32 m32-small

# $(call fuzz_can_run,variant): empty when this host cannot run it.
fuzz_can_run = $(if $(call fuzz_m32,$(1)),$(HOST_RUN32),yes)

.PHONY: test-fuzz test-fuzz-host test-fuzz-libfuzzer fuzz fuzz-firmware

fuzz: deps $(foreach v,$(FUZZ_NAMES),$(if $(call fuzz_can_run,$(v)),$(FUZZ_DIR)/$(v)/fuzz_random)) \
		$(foreach v,$(FUZZ_LIBFUZZER_VARIANTS),$(if $(call fuzz_can_run,$(v)),$(FUZZ_DIR)/$(v)/fuzz_libfuzzer))
	@sh tests/fuzz/campaign.sh $(FUZZ_SECONDS) $(FUZZ_DIR) "$(HOST_RUN32)" "$(FUZZ_NAMES)" \
		"$(FUZZ_LIBFUZZER_VARIANTS)"
TEST_TARGETS += test-fuzz
test-fuzz: test-fuzz-host test-fuzz-libfuzzer fuzz-firmware

# The committed inputs once more through libFuzzer's build, under ASan and
# UBSan: what the random driver's -O2 build would not notice.
test-fuzz-libfuzzer: $(FUZZ_DIR)/default/fuzz_libfuzzer
	@$(FUZZ_DIR)/default/fuzz_libfuzzer -runs=0 $(FUZZ_CORPUS) $(FUZZ_REGRESS) \
		>$(FUZZ_DIR)/default/test-fuzz-libfuzzer.log 2>&1 \
		|| { tail -20 $(FUZZ_DIR)/default/test-fuzz-libfuzzer.log; exit 1; }
	@echo "  default          libFuzzer (ASan + UBSan) replay: $$(sed -n 's/^operations: //p' \
		$(FUZZ_DIR)/default/test-fuzz-libfuzzer.log) operations"

test-fuzz-host: $(foreach v,$(FUZZ_NAMES),$(if $(call fuzz_can_run,$(v)),$(FUZZ_DIR)/$(v)/fuzz_random))
	@failed=0; passed=0; skipped=""; total=0; \
	for v in $(FUZZ_NAMES); do \
		case "$$v" in m32*) run="$(if $(HOST_RUN32),$(HOST_RUN32_CMD),SKIP)";; *) run="";; esac; \
		if [ "$$run" = SKIP ]; then skipped="$$skipped $$v"; continue; fi; \
		log=$(FUZZ_DIR)/$$v/test-fuzz.log; \
		if $$run $(FUZZ_DIR)/$$v/fuzz_random -s $(FUZZ_TEST_SECONDS) -S $(FUZZ_TEST_SEED) \
			-o $(FUZZ_DIR)/crashes $(FUZZ_CORPUS) $(FUZZ_REGRESS) >$$log 2>&1; then \
			passed=$$((passed + 1)); \
		else failed=$$((failed + 1)); echo "FAIL test-fuzz $$v:"; tail -5 $$log; fi; \
		ops=$$(sed -n 's/^operations: //p' $$log); total=$$((total + $${ops:-0})); \
		printf '  %-16s %s\n' "$$v" "$$(grep -E '^(replayed|random):' $$log | tr '\n' ' ')"; \
	done; \
	[ -z "$$skipped" ] || echo "skip: no way to run 32-bit code here:$$skipped"; \
	echo "test-fuzz: $$total operations checked"; \
	echo "test-fuzz: $$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

# ---- firmware: the same decoder fed by a PRNG, on the M0 and M4 boards ----

FUZZ_FW_BOARDS := microbit mps2-an386
FW_SRCS_fuzz   := tests/fuzz/fuzz_heap.c tests/fuzz/fuzz_firmware.c
FUZZ_FW_OPS    ?= 1000000
FW_DEFS_fuzz   := -DFUZZ_FW_OPS=$(FUZZ_FW_OPS)
# 16 KiB of RAM on the micro:bit. The M4 board could hold the host's
# arena, across the 256 KiB header switch, but at a tenth of the speed:
# the host's 32-bit variants and `make fuzz` cover the switch.
FUZZ_FW_DEFS_microbit   := -DFUZZ_ARENA_BYTES=6144 -DFUZZ_ARENA_ALIGN=64 -DFUZZ_SLOTS=16 \
	-DFUZZ_FW_INPUT=512
FUZZ_FW_DEFS_mps2-an386 := -DFUZZ_ARENA_BYTES=32768

$(foreach b,$(FUZZ_FW_BOARDS),$(eval $(call objdir_rules,$(b),$(BUILD)/$(b)/fuzz/obj,$(FW_DEFS_fuzz) $(FUZZ_FW_DEFS_$(b)))))
$(foreach b,$(FUZZ_FW_BOARDS),$(eval $(call firmware_rules,$(b),fuzz)))
# The flags above live here, not in the board.mk the objects depend on.
$(foreach b,$(FUZZ_FW_BOARDS),$(eval $(call fw_objs,$(b),fuzz): mk/fuzz.mk))

# The boards run side by side: each is one QEMU process on its own core.
fuzz-firmware: $(foreach b,$(FUZZ_FW_BOARDS),$(BUILD)/$(b)/fuzz.elf)
	@failed=0; \
	$(foreach b,$(FUZZ_FW_BOARDS),\
		$(QEMU_RUN) -q -s -l $(BUILD)/$(b)/fuzz.log $($(b)_QEMU) $(BUILD)/$(b)/fuzz.elf \
			>$(BUILD)/$(b)/fuzz.result 2>&1 & pids="$$pids $$!";) \
	for p in $$pids; do wait $$p || failed=$$((failed + 1)); done; \
	$(foreach b,$(FUZZ_FW_BOARDS),cat $(BUILD)/$(b)/fuzz.result; \
		sed -n 's/^fuzz: \([0-9]* operations.*\)/  $(b): \1/p' $(BUILD)/$(b)/fuzz.log;) \
	echo "fuzz-firmware: $$(($(words $(FUZZ_FW_BOARDS)) - failed)) passed, $$failed failed"; \
	[ $$failed -eq 0 ]
