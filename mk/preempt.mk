# make test-preempt: the preemptive heap stress (tests/preempt/) in QEMU on
# a Cortex-M0 (microbit, PRIMASK), a Cortex-M4 (mps2-an386, BASEPRI) and a
# Cortex-M33 (mps2-an505, BASEPRI): threads switched by PendSV on SysTick
# and the SysTick interrupt share three heaps, 10^6 heap operations per
# board (PREEMPT_OPS). Without -icount: QEMU runs as fast as it can and the
# tick follows the host clock, so the interleaving differs run to run.
# Output: build/<board>/preempt.elf and .log.

PREEMPT_BOARDS := microbit mps2-an386 mps2-an505
PREEMPT_TIMEOUT ?= 240
FW_SRCS_preempt := tests/preempt/kernel.c tests/preempt/preempt_test.c $(TICK_SRCS)
GLUE_FIRMWARES += preempt
$(foreach b,$(PREEMPT_BOARDS),$(eval $(call firmware_rules,$(b),preempt)))

.PHONY: test-preempt $(addprefix test-preempt-,$(PREEMPT_BOARDS))
TEST_TARGETS += test-preempt
test-preempt: deps $(addprefix test-preempt-,$(PREEMPT_BOARDS))
	@echo "test-preempt: passed on $(PREEMPT_BOARDS)"

$(addprefix test-preempt-,$(PREEMPT_BOARDS)): test-preempt-%: $(BUILD)/%/preempt.elf
	@sh tools/qemu_run.sh -q -s -t $(PREEMPT_TIMEOUT) -l $(BUILD)/$*/preempt.log $($*_QEMU) $<
	@sed -n '/^preempt: [0-9]/,/^  SysTick/p' $(BUILD)/$*/preempt.log
