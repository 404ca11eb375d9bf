# Host-side diagnostics tools and their tests.
#
#   make test-gdb      tools/gdb/sysheap.py (gdb-multiarch) against
#                      tests/tools/gdb_fw.c stopped in QEMU, on
#                      $(GDB_TEST_BOARDS): list, dump, validate, and
#                      validate again with headers poked by `set var`
#   make test-heapmap  tools/heapmap.py on a known dump: rect count, totals
#   make heapmap       regenerate docs/heapmap-example.svg (and .png where
#                      rsvg-convert exists) from tests/tools/heapmap_demo.c
#
# The firmware is built with mk/boards.mk's rules (the board's flags, start
# code and memory.ld, the per-CPU library).

GDB_TEST_BOARDS ?= mps2-an386 microbit
GDB_TEST_TIMEOUT ?= 90
# The heaps gdb_fw.c defines; ARMv6-M boards have no room for big_heap.
gdb_fw_heaps = app_heap,dma_heap$(if $(filter cortex-m0,$($(1)_CPU)),,$(comma)big_heap)
comma := ,

FW_SRCS_gdb_fw := tests/tools/gdb_fw.c
ifneq ($(value firmware_rules),)
$(foreach b,$(GDB_TEST_BOARDS),$(eval $(call firmware_rules,$(b),gdb_fw)))
endif

.PHONY: test-gdb
TEST_TARGETS += test-gdb
test-gdb: $(foreach b,$(GDB_TEST_BOARDS),$(BUILD)/$(b)/gdb_fw.elf)
	@status=0; \
	$(foreach b,$(GDB_TEST_BOARDS),\
		$(PYTHON) tests/tools/test_gdb.py --machine $($(b)_QEMU) --elf $(BUILD)/$(b)/gdb_fw.elf \
			--heaps $(call gdb_fw_heaps,$(b)) --timeout $(GDB_TEST_TIMEOUT) \
			--log $(BUILD)/$(b)/gdb_fw.gdb.log || status=1;) \
	exit $$status
