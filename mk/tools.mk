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

# ---- heap maps ---------------------------------------------------------------

# tests/tools/heapmap_demo.c with the library, for the host. 32-bit where
# the compiler can (4-byte headers, 8-byte granules: a Cortex-M heap's
# layout) and never position-independent, so its addresses, and the
# example map, are the same on every run.
HEAPMAP_DEMO := $(BUILD)/host/tools/heapmap_demo
HEAPMAP_DEMO_SRCS := tests/tools/heapmap_demo.c $(filter src/core/% src/diag/%,$(LIB_SRCS))
ifneq ($(filter test-heapmap heapmap,$(MAKECMDGOALS)),)
TOOLS_HAVE_M32 := $(shell mkdir -p $(BUILD) && printf 'int main(void){return 0;}' | \
	$(HOST_CC) -m32 -x c - -o $(BUILD)/.tools-m32probe 2>/dev/null && \
	$(BUILD)/.tools-m32probe && echo yes; rm -f $(BUILD)/.tools-m32probe)
endif

$(HEAPMAP_DEMO): $(HEAPMAP_DEMO_SRCS) $(wildcard include/*.h src/*/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 $(WARN) -O2 -Iinclude -Isrc/core $(CONFIG_DEFS) \
		$(if $(TOOLS_HAVE_M32),-m32) -no-pie $(HEAPMAP_DEMO_SRCS) -o $@

.PHONY: test-heapmap heapmap
TEST_TARGETS += test-heapmap
test-heapmap: $(HEAPMAP_DEMO)
	@$(PYTHON) tests/tools/test_heapmap.py --demo $(HEAPMAP_DEMO) --workdir $(BUILD)/host/tools/heapmap

# The example in the docs: the demo's heap, drawn; a PNG beside it when
# librsvg's rsvg-convert is installed.
heapmap: $(HEAPMAP_DEMO)
	$(HEAPMAP_DEMO) >$(BUILD)/host/tools/heapmap-example.txt
	$(PYTHON) tools/heapmap.py $(BUILD)/host/tools/heapmap-example.txt -o docs/heapmap-example.svg \
		--title "libsysheap heap map: tests/tools/heapmap_demo.c, a fragmented 16 KiB heap"
	@if command -v rsvg-convert >/dev/null 2>&1; then \
		rsvg-convert docs/heapmap-example.svg -o docs/heapmap-example.png && \
		echo "heapmap: docs/heapmap-example.png"; \
	else echo "heapmap: no rsvg-convert (Debian librsvg2-bin), no PNG"; fi
