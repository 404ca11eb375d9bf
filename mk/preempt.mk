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

# make test-freertos: ports/freertos (libsysheap as FreeRTOS's heap) on the
# host against tests/freertos/'s stand-ins for FreeRTOS.h and task.h, once
# per lock (vTaskSuspendAll, and taskENTER_CRITICAL); and built for
# Cortex-M4 to show it compiles for the target.
FREERTOS_DIR := $(BUILD)/host/freertos
FREERTOS_SRCS := ports/freertos/sysheap_freertos.c tests/freertos/test_freertos.c \
	$(HOST_LIB_SRCS) $(HOST_BOARD_SRCS)
FREERTOS_CFLAGS := -std=c11 $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iinclude -Isrc/core -Iports/freertos -Itests/freertos $(CONFIG_DEFS)

$(FREERTOS_DIR)/test_freertos_%: $(FREERTOS_SRCS) ports/freertos/sysheap_freertos.h \
		tests/freertos/FreeRTOS.h tests/freertos/task.h $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(FREERTOS_CFLAGS) -DsysheapFREERTOS_USE_CRITICAL_SECTION=$* \
		$(FREERTOS_SRCS) $(TEST_HOST_LDFLAGS) -o $@

.PHONY: test-freertos
TEST_TARGETS += test-freertos
test-freertos: $(FREERTOS_DIR)/test_freertos_0 $(FREERTOS_DIR)/test_freertos_1
	$(FREERTOS_DIR)/test_freertos_0
	$(FREERTOS_DIR)/test_freertos_1
	$(TARGET_CC) $(call target_flags,cortex-m4) $(SRC_CFLAGS) -Iports/freertos -Itests/freertos \
		-c ports/freertos/sysheap_freertos.c -o $(FREERTOS_DIR)/sysheap_freertos-cortex-m4.o
