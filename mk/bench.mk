# Benchmarks (docs/benchmarks.md explains every number).
#
#   make bench          everything: firmware for every hardening level and the
#                       baselines (newlib-nano, newlib) run in QEMU with -icount,
#                       code size per CPU, host runs (sys_heap and glibc under
#                       callgrind), trace replays, the packing ceiling of the
#                       utilisation figure (an ideal packer, on the host), DMA
#                       (granular) heaps against the ordinary one; writes
#                       docs/benchmarks.md,
#                       docs/bench-*.svg and the README's block between the
#                       bench-summary markers; and the configuration
#                       trade-off table: a library, a firmware and the
#                       code-size programs per row of BENCH_CFG_ROWS.
#                       About a minute on 2 cores.
#   make bench-quick    the lead's loop: worst-case alloc/free instructions on
#                       Cortex-M4 and .text core/full, printed, nothing written
#                       to docs/. Well under a minute.
#   make test-bench     (part of `make test`) builds the benchmark firmware and
#                       checks the trace replayer: every shipped trace verified
#                       and replayed with sys_heap_validate() after every op,
#                       on an ordinary and on a granular (DMA) heap, and a
#                       tampered trace must be rejected; the ideal packer
#                       must run a fill with every block's markers intact;
#                       the README must keep the markers `make bench` writes
#                       between.
#   make bench-hw       the quick firmware for the dev boards, counting cycles
#                       (DWT or SysTick), to flash by hand; not run here.
#   make bench-verify   recount the first timed calls by single-stepping them
#                       under gdb; the counts must match.
#   make bench-traces   re-record bench/traces/*.trace (bench/recorder/record.sh);
#                       not part of `make bench`: the traces are inputs.
#
# Outputs under build/bench/: firmware and its logs (results/*.log), the
# code-size ELFs and their nm listings (size/), host tools and callgrind
# output (host/, results/host-*).

BENCH_DIR     := $(BUILD)/bench
BENCH_RESULTS := $(BENCH_DIR)/results
PYTHON        ?= python3
BENCH_JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

# QEMU's instruction counter: 2^7 ns per instruction makes a SysTick tick
# (40-62.5 ns on our boards) shorter than half an instruction, so counts
# come out exact (bench/fw/timer.c; the firmware verifies it every run).
BENCH_ICOUNT  ?= shift=7,align=off,sleep=off
BENCH_TIMEOUT ?= 300

# The board the targets are measured on, and the per-CPU boards.
BENCH_BOARD      := mps2-an386
BENCH_CPU_BOARDS := microbit mps2-an385 mps2-an505
BENCH_ALL_BOARDS := $(BENCH_BOARD) $(BENCH_CPU_BOARDS)
# mk/boards.mk includes these too; := makes a second include harmless.
$(foreach b,$(BENCH_ALL_BOARDS),$(if $($(b)_CPU),,$(eval include boards/$(b)/board.mk)))

# Hardening levels: every SYS_HEAP_HARDENING_<NAME> <n> the config header
# defines, and the one the configuration picks by default.
BENCH_LEVELS := $(shell sed -n 's/^\#define[[:space:]]\+SYS_HEAP_HARDENING_[A-Z_]\+[[:space:]]\+\([0-9]\+\).*/\1/p' include/sys_heap_config.h)
BENCH_CONFIG_DEFS := $(filter-out -DSYS_HEAP_HARDENING=%,$(CONFIG_DEFS))
BENCH_HASH := \#
BENCH_DEFAULT_LEVEL := $(shell printf '$(BENCH_HASH)include "sys_heap_config.h"\nSYS_HEAP_HARDENING\n' | \
	$(HOST_CC) -E -P -Iinclude $(CONFIG_DEFS) - 2>/dev/null | tail -n 1)

BENCH_TRACES := $(sort $(wildcard bench/traces/*.trace))

# Levels from BENCH_SLOW_FROM up poison freed memory or validate the heap on
# every call: O(block) or O(heap) per operation by design. Their firmware
# runs fewer rounds on smaller heaps (still one over 256 KiB, with the
# realistic workload only) and two utilisation seeds, so that `make bench`
# stays within minutes; the report prints the sizes used.
BENCH_SLOW_FROM ?= 3
BENCH_SLOW_DEFS := -DBENCH_ROUNDS=40u -DBENCH_SMALL_BYTES=65536u -DBENCH_BIG_BYTES=270336u \
	-DBENCH_BIG_ROUNDS=10u -DBENCH_BIG_ADVERSARIAL=0 -DBENCH_SEEDS=2u
BENCH_SLOW_LEVELS := $(shell for l in $(BENCH_LEVELS); do [ $$l -ge $(BENCH_SLOW_FROM) ] && echo $$l; done)
BENCH_CODE_CPUS := cortex-m0 cortex-m3 cortex-m4 cortex-m33

# Configuration trade-offs: one row of docs/benchmarks.md's trade-off table
# per entry, each its own build of the library, the firmware and the
# code-size programs on Cortex-M4 (BENCH_BOARD), with the row's -D passed to
# all three. `default` is the headline configuration; every other row
# changes one option of include/sys_heap_config.h (`lean`: two). All run at
# the default hardening level unless the row sets its own.
BENCH_CFG_ROWS      := default speed hdr-small hdr-big bestfit loops1 loops0 nostats lean lean-speed listeners know owners
BENCH_CFG_default   :=
BENCH_CFG_speed     := -DSYS_HEAP_OPTIMIZE_SPEED=1
BENCH_CFG_hdr-small := -DSYS_HEAP_HEADER_FORMAT=1
BENCH_CFG_hdr-big   := -DSYS_HEAP_HEADER_FORMAT=2
BENCH_CFG_bestfit   := -DSYS_HEAP_ALLOC_BEST_FIT=1
BENCH_CFG_loops1    := -DSYS_HEAP_ALLOC_LOOPS=1
BENCH_CFG_loops0    := -DSYS_HEAP_ALLOC_LOOPS=0
BENCH_CFG_nostats   := -DSYS_HEAP_STATS=0
BENCH_CFG_lean      := -DSYS_HEAP_HARDENING=0 -DSYS_HEAP_HEADER_FORMAT=1
BENCH_CFG_lean-speed := -DSYS_HEAP_HARDENING=0 -DSYS_HEAP_HEADER_FORMAT=1 -DSYS_HEAP_OPTIMIZE_SPEED=1
BENCH_CFG_listeners := -DSYS_HEAP_LISTENERS=1
# The low-water marks and the OOM hook (include/sys_heap_config.h), both on.
BENCH_CFG_know      := -DSYS_HEAP_WATERMARKS=1 -DSYS_HEAP_OOM_HOOK=1
# Owners and quotas (SYS_HEAP_OWNERS): a word per block, a call per alloc and free.
BENCH_CFG_owners    := -DSYS_HEAP_OWNERS=8
BENCH_CFG_CPU := $($(BENCH_BOARD)_CPU)

# $(call bench_cfg_row,variant): the row of a sysheap-cfg-<row> variant, or empty.
bench_cfg_row = $(patsubst sysheap-cfg-%,%,$(filter sysheap-cfg-%,$(1)))
# $(call bench_cfg_defs,row): the row's -D, its hardening level included.
bench_cfg_defs = $(if $(filter -DSYS_HEAP_HARDENING=%,$(BENCH_CFG_$(1))),,\
	-DSYS_HEAP_HARDENING=$(BENCH_DEFAULT_LEVEL)) $(BENCH_CFG_$(1))
# $(call bench_cfg_base,flags,row): flags without the options the row sets
# (CONFIG_DEFS may set them too, and a macro defined twice is an error).
bench_cfg_base = $(filter-out $(foreach d,$(call bench_cfg_defs,$(2)),\
	$(firstword $(subst =, ,$(d))) $(firstword $(subst =, ,$(d)))=%),$(1))
bench_cfg_fw_defs = -DBENCH_ALLOC_SYSHEAP $(call bench_cfg_defs,$(1)) -DBENCH_BIG_BYTES=0u
bench_cfg_lib = $(BENCH_DIR)/lib/$(BENCH_CFG_CPU)-cfg-$(1)/libsysheap.a

# ---- libsysheap at each hardening level, per CPU -----------------------------

BENCH_SRC_CFLAGS := $(filter-out -DSYS_HEAP_HARDENING=%,$(SRC_CFLAGS))

# $(call bench_lib,cpu,level)
bench_lib = $(BENCH_DIR)/lib/$(1)-h$(2)/libsysheap.a

define bench_lib_rules
$(BENCH_DIR)/lib/$(1)-h$(2)/obj/%.o: src/%.c $$(LIB_HDRS)
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(BENCH_SRC_CFLAGS) -DSYS_HEAP_HARDENING=$(2) $$(call target_flags,$(1)) -c $$< -o $$@
$(call bench_lib,$(1),$(2)): $(patsubst src/%.c,$(BENCH_DIR)/lib/$(1)-h$(2)/obj/%.o,$(LIB_SRCS))
	@rm -f $$@
	$$(TARGET_AR) rcs $$@ $$^
endef
$(foreach c,$(sort $(BENCH_CODE_CPUS) $(foreach b,$(BENCH_ALL_BOARDS),$($(b)_CPU))),\
	$(foreach l,$(BENCH_LEVELS),$(eval $(call bench_lib_rules,$(c),$(l)))))

# ---- benchmark firmware --------------------------------------------------------

BENCH_COMMON_SRCS := $(sort $(wildcard bench/common/*.c))
BENCH_FW_SRCS := bench/fw/main.c bench/fw/timer.c bench/fw/syscalls_bench.c \
	bench/fw/timed_call.S bench/fw/calib.S $(BENCH_COMMON_SRCS) \
	boards/common/startup.c boards/common/fault.c boards/common/semihosting.c \
	boards/common/syscalls.c
BENCH_TRACES_C := $(BENCH_DIR)/traces.c

# Variants: sysheap-h<level>, newlib-nano, newlib; "-quick" ones run the
# small-heap timings only (bench-quick, and the per-CPU boards).
BENCH_VARIANTS_MAIN := $(foreach l,$(BENCH_LEVELS),sysheap-h$(l)) newlib-nano newlib
BENCH_VARIANTS_CPU  := sysheap-h$(BENCH_DEFAULT_LEVEL)-quick newlib-nano-quick

# The benchmark firmware uses no stdio, so no board gets a stdout buffer
# (set up before main, it would allocate through _sbrk: see
# bench/fw/alloc_newlib.c). 16 KiB of RAM: a scaled-down workload (sizes 4-64, 8-24 live blocks per
# round), small histograms, no traces.
BENCH_PROFILE_microbit := -DBENCH_SMALL_BYTES=4096u -DBENCH_BIG_BYTES=0u -DBENCH_UTIL_BYTES=4096u \
	-DHIST_EXACT=256u -DHIST_OCTAVES=6u -DBENCH_MAX_SLOTS=96u -DBENCH_TRACES=0 \
	-DBENCH_TRACE_MAX_IDS=1u -DBENCH_SIZE_OCTAVES=4u -DBENCH_ROUND_MIN=8u -DBENCH_ROUND_MAX=24u \
	-DBENCH_SEEDS=4u -DBENCH_ARENA_ALIGN=8

# $(call bench_variant_defs,variant)
bench_level = $(patsubst sysheap-h%,%,$(firstword $(subst -quick, ,$(1))))
bench_variant_defs = $(if $(call bench_cfg_row,$(1)),$(call bench_cfg_fw_defs,$(call bench_cfg_row,$(1))),\
	$(call bench_variant_defs_levels,$(1)))
bench_variant_defs_levels = $(if $(filter sysheap-%,$(1)),-DBENCH_ALLOC_SYSHEAP \
	-DSYS_HEAP_HARDENING=$(call bench_level,$(1)) \
	$(if $(filter $(BENCH_DEFAULT_LEVEL),$(call bench_level,$(1))),-DBENCH_DEFAULT_LEVEL)) \
	$(if $(filter newlib-nano%,$(1)),-DBENCH_NEWLIB_NANO) \
	$(if $(findstring -quick,$(1)),-DBENCH_QUICK) \
	$(if $(filter sysheap-%,$(1)),$(if $(filter $(call bench_level,$(1)),$(BENCH_SLOW_LEVELS)),$(BENCH_SLOW_DEFS)))
bench_variant_lib = $(if $(call bench_cfg_row,$(1)),$(call bench_cfg_lib,$(call bench_cfg_row,$(1))),\
	$(if $(filter sysheap-%,$(1)),$(call bench_lib,$(2),$(call bench_level,$(1))),\
	$(call bench_lib,$(2),$(BENCH_DEFAULT_LEVEL))))
# The configuration options every firmware but a trade-off row's takes
# from CONFIG_DEFS (the hardening level is the variant's own).
bench_variant_config_defs = $(if $(call bench_cfg_row,$(1)),$(call bench_cfg_base,$(CONFIG_DEFS),\
	$(call bench_cfg_row,$(1))),$(BENCH_CONFIG_DEFS))
bench_variant_specs = $(if $(filter newlib newlib-quick newlib-quick-hw,$(1)),,--specs=nano.specs)
bench_variant_srcs = $(BENCH_FW_SRCS) $(if $(filter sysheap-%,$(1)),bench/adapters/alloc_sysheap.c,\
	bench/fw/alloc_newlib.c)

BENCH_FW_INCLUDES := -Iinclude -Iboards/common -Ibench/common -Ibench/adapters -Ibench/fw
BENCH_FW_LDFLAGS := -nostartfiles -Wl,--gc-sections -Wl,-z,start-stop-gc \
	-Wl,--orphan-handling=warn -Wl,--fatal-warnings -Lboards/common -Lld

# $(call bench_fw_rules,board,variant)
define bench_fw_rules
BENCH_OBJS_$(1)_$(2) := $$(patsubst %,$(BENCH_DIR)/$(1)/$(2)/obj/%.o,$$(basename $$(call bench_variant_srcs,$(2)))) \
	$(if $(filter -DBENCH_TRACES=0,$(BENCH_PROFILE_$(1))),,$(BENCH_DIR)/$(1)/$(2)/obj/traces.o)
BENCH_CFLAGS_$(1)_$(2) := $$(call target_flags,$($(1)_CPU)) $(BENCH_FW_INCLUDES) $$(call bench_variant_config_defs,$(2)) \
	$(filter-out -DBOARD_STDOUT_BUFFER=%,$($(1)_DEFS)) -DBOARD_NAME=\"$(1)\" -DBENCH_CPU=\"$($(1)_CPU)\" \
	$(if $(findstring -hw,$(2)),,-DBENCH_QEMU -DBENCH_UNIT_INSN) \
	$(BENCH_PROFILE_$(1)) $$(call bench_variant_defs,$(2)) -std=c11 $(WARN) -MMD -MP

$(BENCH_DIR)/$(1)/$(2)/obj/%.o: %.c
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(BENCH_CFLAGS_$(1)_$(2)) -c $$< -o $$@
$(BENCH_DIR)/$(1)/$(2)/obj/%.o: %.S
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(call target_flags,$($(1)_CPU)) -c $$< -o $$@
$(BENCH_DIR)/$(1)/$(2)/obj/traces.o: $(BENCH_TRACES_C)
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(BENCH_CFLAGS_$(1)_$(2)) -c $$< -o $$@

$(BENCH_DIR)/$(1)/$(2).elf: $$(BENCH_OBJS_$(1)_$(2)) $$(call bench_variant_lib,$(2),$($(1)_CPU)) \
		$($(1)_LDSCRIPT) boards/common/cortexm.ld
	$$(TARGET_CC) $$(call target_flags,$($(1)_CPU)) $$(call bench_variant_specs,$(2)) \
		$(BENCH_FW_LDFLAGS) -T $($(1)_LDSCRIPT) -Wl,-Map=$$@.map \
		$$(filter %.o %.a,$$^) -lgcc -o $$@
	$(if $(filter newlib newlib-quick,$(2)),@$$(CROSS)nm -S $$@ | grep -q ' 00000408 [dD] __malloc_av_$$$$' || \
		{ echo "$$@: newlib's __malloc_av_ is not 0x408 bytes: update bench/fw/alloc_newlib.c"; rm -f $$@; exit 1; })

# A run passes when the firmware exits 0 and its last line is "END
# status=0"; -k keeps a failed run's log too (ending "RUNFAIL status=N"),
# so one fault costs only that run's results. The log lands whole or not
# at all.
$(BENCH_RESULTS)/$(1)-$(2).log: $(BENCH_DIR)/$(1)/$(2).elf tools/qemu_run.sh
	@sh tools/qemu_run.sh -q -k -t $(BENCH_TIMEOUT) -i $(BENCH_ICOUNT) -L "END status=0" \
		-l $$@.tmp $($(1)_QEMU) $$< && mv $$@.tmp $$@
endef
$(foreach v,$(BENCH_VARIANTS_MAIN) sysheap-h$(BENCH_DEFAULT_LEVEL)-quick,\
	$(eval $(call bench_fw_rules,$(BENCH_BOARD),$(v))))
$(foreach b,$(BENCH_CPU_BOARDS),$(foreach v,$(BENCH_VARIANTS_CPU),$(eval $(call bench_fw_rules,$(b),$(v)))))

# Real boards: the same quick firmware, counting cycles rather than
# instructions (DWT CYCCNT on M3 and later, SysTick on M0; calibrated the
# same way, the CAL line then says unit=cycle). `make bench-hw` builds
# build/bench/<board>/{sysheap-h<level>,newlib-nano}-quick-hw.elf for each
# dev board; program one with OpenOCD (the board's <board>_OPENOCD
# arguments, `-c "program <elf> verify reset exit"`) and read its console
# with `make console BOARD=<board>`. Built here, never run here.
BENCH_HW_BOARDS := $(filter nucleo-f401re nrf52840dk bluepill,$(DEV_BOARDS))
BENCH_HW_VARIANTS := sysheap-h$(BENCH_DEFAULT_LEVEL)-quick-hw newlib-nano-quick-hw
BENCH_PROFILE_nucleo-f401re := -DBENCH_SMALL_BYTES=49152u -DBENCH_BIG_BYTES=0u \
	-DBENCH_UTIL_BYTES=36864u -DHIST_EXACT=1024u -DHIST_OCTAVES=10u -DBENCH_MAX_SLOTS=600u \
	-DBENCH_TRACES=0 -DBENCH_TRACE_MAX_IDS=1u -DBENCH_ARENA_ALIGN=8
BENCH_PROFILE_nrf52840dk := $(BENCH_PROFILE_nucleo-f401re)
BENCH_PROFILE_bluepill := $(BENCH_PROFILE_microbit)
$(foreach b,$(BENCH_HW_BOARDS),$(foreach v,$(BENCH_HW_VARIANTS),$(eval $(call bench_fw_rules,$(b),$(v)))))
BENCH_HW_ELFS := $(foreach b,$(BENCH_HW_BOARDS),$(foreach v,$(BENCH_HW_VARIANTS),$(BENCH_DIR)/$(b)/$(v).elf))

.PHONY: bench-hw
bench-hw: deps $(BENCH_HW_ELFS)
	@echo "bench-hw: built $(BENCH_HW_ELFS)"

-include $(shell find $(BENCH_DIR) -name '*.d' 2>/dev/null)

$(BENCH_TRACES_C): $(BENCH_TRACES) bench/tracetool.py
	@mkdir -p $(@D)
	$(PYTHON) bench/tracetool.py c $@ $(BENCH_TRACES)

BENCH_ELFS := $(foreach v,$(BENCH_VARIANTS_MAIN),$(BENCH_DIR)/$(BENCH_BOARD)/$(v).elf) \
	$(foreach b,$(BENCH_CPU_BOARDS),$(foreach v,$(BENCH_VARIANTS_CPU),$(BENCH_DIR)/$(b)/$(v).elf))
BENCH_LOGS := $(foreach v,$(BENCH_VARIANTS_MAIN),$(BENCH_RESULTS)/$(BENCH_BOARD)-$(v).log) \
	$(foreach b,$(BENCH_CPU_BOARDS),$(foreach v,$(BENCH_VARIANTS_CPU),$(BENCH_RESULTS)/$(b)-$(v).log))

# ---- code size ------------------------------------------------------------------

# newlib's own libc for a CPU: what the firmware link would pick.
bench_libc = $(shell $(TARGET_CC) $(call target_flags,$(1)) -print-file-name=$(2))

bench_size_def = SIZE_$(if $(filter sysheap-%,$(1)),SYSHEAP,LIBC)_$(if $(filter %-core,$(1)),CORE,FULL)

# $(call bench_size_rules,cpu,config,level): config is sysheap-core, sysheap-full,
# nano-core, nano-full, newlib-core, newlib-full.
define bench_size_rules
$(BENCH_DIR)/size/$(1)/$(2)-h$(3).elf: bench/fw/size_prog.c $(if $(filter sysheap-%,$(2)),$(call bench_lib,$(1),$(3)))
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(call target_flags,$(1)) -std=c11 $(WARN) -Iinclude $(BENCH_CONFIG_DEFS) \
		-DSYS_HEAP_HARDENING=$(3) \
		-D$(call bench_size_def,$(2)) \
		$(if $(filter newlib-%,$(2)),,--specs=nano.specs) -nostartfiles \
		-Wl,--gc-sections -Wl,-e,bench_size_entry -Wl,-Map=$$@.map \
		$$(filter %.c %.a,$$^) -o $$@
	$$(CROSS)nm --size-sort -S $$@ > $$@.nm
	$$(CROSS)nm -S --defined-only $$@ > $$@.all.nm
endef
BENCH_SIZE_ELFS :=
$(foreach c,$(BENCH_CODE_CPUS),$(foreach l,$(BENCH_LEVELS),$(foreach g,sysheap-core sysheap-full,\
	$(eval $(call bench_size_rules,$(c),$(g),$(l)))\
	$(eval BENCH_SIZE_ELFS += $(BENCH_DIR)/size/$(c)/$(g)-h$(l).elf))))
$(foreach c,$(BENCH_CODE_CPUS),$(foreach g,nano-core nano-full newlib-core newlib-full,\
	$(eval $(call bench_size_rules,$(c),$(g),$(BENCH_DEFAULT_LEVEL)))\
	$(eval BENCH_SIZE_ELFS += $(BENCH_DIR)/size/$(c)/$(g)-h$(BENCH_DEFAULT_LEVEL).elf)))

# The library's own symbols, per CPU and level: the ones the size sums count.
BENCH_LIB_NMS := $(foreach c,$(BENCH_CODE_CPUS),$(foreach l,$(BENCH_LEVELS),$(BENCH_DIR)/size/$(c)/lib-h$(l).nm))
define bench_lib_nm_rule
$(BENCH_DIR)/size/$(1)/lib-h$(2).nm: $(call bench_lib,$(1),$(2))
	@mkdir -p $$(@D)
	$$(CROSS)nm -A --defined-only $$< > $$@
endef
$(foreach c,$(BENCH_CODE_CPUS),$(foreach l,$(BENCH_LEVELS),$(eval $(call bench_lib_nm_rule,$(c),$(l)))))

# ---- configuration trade-offs -----------------------------------------------------

# The rows' library, firmware and code-size programs (BENCH_CFG_ROWS above).
# The firmware (variant sysheap-cfg-<row>) runs what the headline table and
# the utilisation figure need: the small-heap timings of every workload and
# the realistic fill of the 36 KiB arena; no big heap, no efforts.

# $(call bench_cfg_rules,row)
define bench_cfg_rules
$(BENCH_DIR)/lib/$(BENCH_CFG_CPU)-cfg-$(1)/obj/%.o: src/%.c $$(LIB_HDRS)
	@mkdir -p $$(@D)
	$$(TARGET_CC) $(call bench_cfg_base,$(SRC_CFLAGS),$(1)) $(call bench_cfg_defs,$(1)) \
		$$(call target_flags,$(BENCH_CFG_CPU)) -c $$< -o $$@
$(call bench_cfg_lib,$(1)): $(patsubst src/%.c,$(BENCH_DIR)/lib/$(BENCH_CFG_CPU)-cfg-$(1)/obj/%.o,$(LIB_SRCS))
	@rm -f $$@
	$$(TARGET_AR) rcs $$@ $$^
$(BENCH_DIR)/size/$(BENCH_CFG_CPU)/lib-cfg-$(1).nm: $(call bench_cfg_lib,$(1))
	@mkdir -p $$(@D)
	$$(CROSS)nm -A --defined-only $$< > $$@
$(BENCH_DIR)/size/$(BENCH_CFG_CPU)/cfg-$(1)-%.elf: bench/fw/size_prog.c $(call bench_cfg_lib,$(1))
	@mkdir -p $$(@D)
	$$(TARGET_CC) $$(call target_flags,$(BENCH_CFG_CPU)) -std=c11 $(WARN) -Iinclude \
		$(call bench_cfg_base,$(CONFIG_DEFS),$(1)) $(call bench_cfg_defs,$(1)) \
		-DSIZE_SYSHEAP_$$(if $$(filter core,$$*),CORE,FULL) \
		--specs=nano.specs -nostartfiles \
		-Wl,--gc-sections -Wl,-e,bench_size_entry -Wl,-Map=$$@.map \
		$$(filter %.c %.a,$$^) -o $$@
	$$(CROSS)nm --size-sort -S $$@ > $$@.nm
	$$(CROSS)nm -S --defined-only $$@ > $$@.all.nm
endef
$(foreach r,$(BENCH_CFG_ROWS),$(eval $(call bench_cfg_rules,$(r)))\
	$(eval $(call bench_fw_rules,$(BENCH_BOARD),sysheap-cfg-$(r))))

BENCH_CFG_ELFS := $(foreach r,$(BENCH_CFG_ROWS),$(BENCH_DIR)/$(BENCH_BOARD)/sysheap-cfg-$(r).elf)
BENCH_CFG_LOGS := $(foreach r,$(BENCH_CFG_ROWS),$(BENCH_RESULTS)/$(BENCH_BOARD)-sysheap-cfg-$(r).log)
BENCH_CFG_SIZE := $(foreach r,$(BENCH_CFG_ROWS),$(BENCH_DIR)/size/$(BENCH_CFG_CPU)/lib-cfg-$(r).nm \
	$(foreach g,core full,$(BENCH_DIR)/size/$(BENCH_CFG_CPU)/cfg-$(r)-$(g).elf))
BENCH_ELFS += $(BENCH_CFG_ELFS)
BENCH_LOGS += $(BENCH_CFG_LOGS)

# ---- host ---------------------------------------------------------------------------

BENCH_HOST_CFLAGS := -std=c11 -O2 -g $(WARN) -Wshadow -Iinclude -Ibench/common -Ibench/adapters \
	-Ibench/host $(CONFIG_DEFS) -D_DEFAULT_SOURCE
BENCH_HOST_COMMON := $(BENCH_COMMON_SRCS) bench/adapters/alloc_sysheap.c bench/host/platform_host.c \
	bench/host/trace_load.c

$(BENCH_DIR)/host/bench_host: $(BENCH_HOST_COMMON) bench/host/host_bench.c $(HOST_LIB) $(wildcard bench/*/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) $(filter %.c %.a,$^) -o $@
$(BENCH_DIR)/host/bench_replay: $(BENCH_HOST_COMMON) bench/host/replay.c $(HOST_LIB) $(wildcard bench/*/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) $(filter %.c %.a,$^) -o $@
$(BENCH_DIR)/host/malloc_trace.so: bench/recorder/malloc_trace.c
	@mkdir -p $(@D)
	$(HOST_CC) -O2 -shared -fPIC $(WARN) $< -o $@ -lpthread

# callgrind counts every instruction; each op is a call from bench_call().
$(BENCH_RESULTS)/host-%.callgrind: $(BENCH_DIR)/host/bench_host $(BENCH_TRACES)
	@mkdir -p $(@D)
	valgrind --tool=callgrind --callgrind-out-file=$@.tmp --dump-instr=no --compress-strings=no \
		--compress-pos=no $< $* $(BENCH_TRACES) > $(BENCH_RESULTS)/host-$*.log 2> $@.err
	@mv $@.tmp $@

# Host replays: each trace checked, and its smallest arena per effort (64-bit).
$(BENCH_RESULTS)/host-replay.log: $(BENCH_DIR)/host/bench_replay $(BENCH_TRACES)
	@mkdir -p $(@D)
	@set -e; for e in plain fast default fit; do echo "effort $$e"; \
		$< --check --min-arena --arena 1048576 --effort $$e $(BENCH_TRACES); done > $@.tmp
	@mv $@.tmp $@

$(BENCH_DIR)/host/bench_ceiling: $(BENCH_COMMON_SRCS) bench/host/platform_host.c \
		bench/adapters/alloc_ideal.c bench/host/ceiling.c $(wildcard bench/*/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) $(filter %.c,$^) -o $@

# The packing ceiling of the utilisation figure (bench/host/ceiling.c): the
# ideal packer on the requests of the headline firmware's fill runs, with
# that firmware's arena and seeds (its CFG line) and, as the room for
# blocks, what its fresh heap has for them: the largest single block plus
# that block's header (its O line on the same arena).
BENCH_MAIN_LOG := $(BENCH_RESULTS)/$(BENCH_BOARD)-sysheap-h$(BENCH_DEFAULT_LEVEL).log
# $(call bench_log_field,field): sed script printing the value of field=
bench_log_field = sed -n 's/.*[[:space:]]$(1)=\([0-9]*\).*/\1/p'

$(BENCH_RESULTS)/host-ceiling.log: $(BENCH_DIR)/host/bench_ceiling $(BENCH_MAIN_LOG)
	@set -e; cfg=$$(grep '^CFG ' $(BENCH_MAIN_LOG)); \
	arena=$$(echo "$$cfg" | $(call bench_log_field,util)); \
	seeds=$$(echo "$$cfg" | $(call bench_log_field,seeds)); \
	over=$$(grep "^O alloc=sysheap arena=$$arena " $(BENCH_MAIN_LOG)); \
	max=$$(echo "$$over" | $(call bench_log_field,max_single)); \
	hdr=$$(echo "$$over" | $(call bench_log_field,per_block)); \
	$< --arena $$arena --seeds $$seeds --capacity $$((max + hdr)) > $@.tmp
	@mv $@.tmp $@

BENCH_HOST_OUT := $(BENCH_RESULTS)/host-sysheap.callgrind $(BENCH_RESULTS)/host-glibc.callgrind \
	$(BENCH_RESULTS)/host-replay.log $(BENCH_RESULTS)/host-ceiling.log

# ---- the targets ------------------------------------------------------------------------

.PHONY: bench bench-results bench-quick bench-firmware test-bench bench-traces

# -k: a firmware that does not build or a run that faults costs only its
# own numbers; the report lists what is missing, and bench fails at the end.
bench: deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -k -j$(BENCH_JOBS) bench-results; built=$$?; \
	$(PYTHON) tools/bench_report.py --results $(BENCH_DIR) --docs docs \
		--icount $(BENCH_ICOUNT) --board $(BENCH_BOARD) --default-level $(BENCH_DEFAULT_LEVEL) \
		--levels "$(BENCH_LEVELS)" --configs "$(BENCH_CFG_ROWS)" --readme README.md \
		--elapsed $$(( $$(date +%s) - start )); reported=$$?; \
	[ $$built -eq 0 ] && [ $$reported -eq 0 ]

bench-results: $(BENCH_LOGS) $(BENCH_SIZE_ELFS) $(BENCH_LIB_NMS) $(BENCH_CFG_SIZE) $(BENCH_HOST_OUT)

bench-firmware: $(BENCH_ELFS)

BENCH_QUICK_LOG := $(BENCH_RESULTS)/$(BENCH_BOARD)-sysheap-h$(BENCH_DEFAULT_LEVEL)-quick.log
BENCH_QUICK_SIZE := $(foreach g,sysheap-core sysheap-full,$(BENCH_DIR)/size/cortex-m4/$(g)-h$(BENCH_DEFAULT_LEVEL).elf) \
	$(BENCH_DIR)/size/cortex-m4/lib-h$(BENCH_DEFAULT_LEVEL).nm

bench-quick: deps
	@rm -f $(BENCH_QUICK_LOG)
	@$(MAKE) -s --no-print-directory -j$(BENCH_JOBS) $(BENCH_QUICK_LOG) $(BENCH_QUICK_SIZE)
	@$(PYTHON) tools/bench_report.py --quick --results $(BENCH_DIR) --board $(BENCH_BOARD) \
		--default-level $(BENCH_DEFAULT_LEVEL)

# The smoke test: all benchmark firmware builds; the replayer accepts every
# shipped trace, replays it with sys_heap_validate() after every operation,
# and rejects a trace whose checksum no longer matches; the ideal packer
# (the packing ceiling) runs one fill without a bad marker byte.
TEST_TARGETS += test-bench
test-bench: deps
	@$(MAKE) -s --no-print-directory -j$(BENCH_JOBS) $(BENCH_ELFS) $(BENCH_HW_ELFS) \
		$(BENCH_DIR)/host/bench_replay $(BENCH_DIR)/host/bench_ceiling
	@$(PYTHON) bench/tracetool.py check $(BENCH_TRACES) >/dev/null
	@$(BENCH_DIR)/host/bench_replay --check $(firstword $(BENCH_TRACES))
	@$(BENCH_DIR)/host/bench_replay --check --granule 32 $(firstword $(BENCH_TRACES))
	@$(BENCH_DIR)/host/bench_ceiling --arena 36864 --seeds 1 --capacity 36864 >/dev/null
	@$(PYTHON) tools/bench_report.py --check-readme README.md
	@sed '0,/^a \([0-9]*\) \([0-9]*\)$$/s//a \1 1\2/' $(firstword $(BENCH_TRACES)) \
		> $(BENCH_DIR)/tampered.trace
	@if $(BENCH_DIR)/host/bench_replay --check $(BENCH_DIR)/tampered.trace 2>/dev/null; then \
		echo "test-bench: a tampered trace was accepted"; exit 1; fi
	@echo "test-bench: $(words $(BENCH_ELFS) $(BENCH_HW_ELFS)) firmware images built, $(words $(BENCH_TRACES)) traces verified, replay validated (ordinary and granule-32 heap), packing ceiling ran, README markers present"

bench-traces: $(BENCH_DIR)/host/malloc_trace.so
	sh bench/recorder/record.sh $(BENCH_DIR)/host/malloc_trace.so bench/traces

# Cross-check the counting method: the first calls' counts against gdb
# single-stepping the same calls (bench/verify/verify_counts.sh).
.PHONY: bench-verify
bench-verify: deps
	sh bench/verify/verify_counts.sh 12
