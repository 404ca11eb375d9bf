# make test-vendor-mistakes: the mistakes a user can make dropping the
# installed libsysheap into a vendor (STM32CubeIDE-style) project, each
# expected to end in the library's own message: options that differ from
# the archive's, no sys_heap_init_all() in Reset_Handler, no INCLUDE
# sysheap_registry.ld, no -T sysheap_libc.ld, libc ahead of the glue, a
# heap too big for RAM, a heap that starves the system heap, a HAL calling
# _sbrk. tests/vendor_mistakes/run.sh does the work; QEMU netduinoplus2.
# Output: build/vendor-mistakes/ (the scratch install under install/).

VENDOR_MISTAKES_DIR := $(BUILD)/vendor-mistakes

# Run by `make test-vendor` (so by `make test`): about 20 s once the glue
# is built.
VENDOR_CHECKS += test-vendor-mistakes

.PHONY: test-vendor-mistakes
test-vendor-mistakes: deps lib libc
	@rm -rf $(VENDOR_MISTAKES_DIR)/install
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(VENDOR_MISTAKES_DIR)/install) \
		PREFIX=/usr >/dev/null
	@sh tests/vendor_mistakes/run.sh $(VENDOR_MISTAKES_DIR) $(VENDOR_MISTAKES_DIR)/install/usr \
		"$(TARGET_CC)" "$(call target_flags,cortex-m4)"
