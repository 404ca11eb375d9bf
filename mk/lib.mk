# libsysheap.a for the host and for every CPU in $(CPUS):
#   build/host/libsysheap.a, build/<cpu>/libsysheap.a
# `make lib`; `make install` is in mk/package.mk.

# src/core: the allocator; src/diag: validation, walk, stress, reports;
# src/multi: multi-heaps and capability regions (linked only when used).
# (src/libc is the C library glue, built separately by mk/libc.mk.)
LIB_SRCS := $(sort $(wildcard src/*.c src/core/*.c src/diag/*.c src/multi/*.c))
# src/lock: the Cortex-M lock (weak), in the target archives only.
TARGET_LIB_SRCS := $(LIB_SRCS) $(sort $(wildcard src/lock/*.c))
# src/guard: the MPU guard (include/sys_heap_guard.h), only in archives
# built with SYS_HEAP_GUARD=1, so the default archive keeps its members.
TARGET_LIB_SRCS += $(if $(filter -DSYS_HEAP_GUARD -DSYS_HEAP_GUARD=1,$(CONFIG_DEFS)),\
	$(sort $(wildcard src/guard/*.c)))
LIB_HDRS := $(wildcard include/*.h src/*.h src/core/*.h src/diag/*.h src/multi/*.h src/guard/*.h)
HOST_LIB_CFLAGS ?= -O2 -g

# The host library ends the default error hook with a line on stderr
# (boards/host/fatal_host.c) instead of src/'s freestanding trap, and
# prints sys_heap_print_info() on stdout (boards/host/print_host.c).
HOST_LIB_SRCS := $(filter-out src/core/fatal_trap.c src/diag/print_output.c,$(LIB_SRCS)) \
	boards/host/fatal_host.c boards/host/print_host.c

HOST_LIB := $(BUILD)/host/libsysheap.a
CPU_LIBS := $(foreach c,$(CPUS),$(BUILD)/$(c)/libsysheap.a)

# Next to each archive, the options it was built with: the ones the
# firmware must be compiled with (include/sys_heap_link_check.h).
LIB_OPTION_FILES := $(BUILD)/host/sysheap_options.txt $(foreach c,$(CPUS),$(BUILD)/$(c)/sysheap_options.txt)

ALL_TARGETS += lib
.PHONY: lib
lib: $(HOST_LIB) $(CPU_LIBS) $(LIB_OPTION_FILES)

# $(call lib_options_file,cc): the text of sysheap_options.txt, from the
# preprocessor's view of the options symbol.
lib_options_file = { \
	echo "\# The options libsysheap.a in this directory was built with. Compile the"; \
	echo "\# firmware with the same values (include/sys_heap_config.h): any other value"; \
	echo "\# fails the link with an undefined reference to 'libsysheap built with ...'."; \
	printf '\043include "sys_heap_link_check.h"\nZ_SYS_HEAP_OPTIONS_SYMBOL\n' | \
		$(1) -E -P -Iinclude $(CONFIG_DEFS) -x c - | tail -n 1 | sed 's/" *"//g; s/"//g' | \
		tr ' ' '\n' | grep '='; \
	echo "CONFIG_DEFS=$(strip $(CONFIG_DEFS))"; }
$(BUILD)/host/sysheap_options.txt: $(LIB_HDRS)
	@mkdir -p $(@D)
	@$(call lib_options_file,$(HOST_CC)) >$@
$(BUILD)/%/sysheap_options.txt: $(LIB_HDRS)
	@mkdir -p $(@D)
	@$(call lib_options_file,$(TARGET_CC)) >$@

$(BUILD)/host/obj/%.o: src/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(SRC_CFLAGS) $(HOST_LIB_CFLAGS) -c $< -o $@

$(BUILD)/host/obj/boards/host/%.o: boards/host/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 $(WARN) -Iinclude $(PREFIX_MAP) $(CONFIG_DEFS) $(HOST_LIB_CFLAGS) -c $< -o $@

$(HOST_LIB): $(patsubst src/%.c,$(BUILD)/host/obj/%.o,$(filter src/%,$(HOST_LIB_SRCS))) \
		$(patsubst %.c,$(BUILD)/host/obj/%.o,$(filter boards/%,$(HOST_LIB_SRCS)))
	@rm -f $@
	$(HOST_AR) rcs $@ $^

# One pattern per CPU, so each gets its own flags.
define cpu_lib_rules
$(BUILD)/$(1)/obj/%.o: src/%.c $$(LIB_HDRS)
	@mkdir -p $$(@D)
	$(TARGET_CC) $(SRC_CFLAGS) $(call target_flags,$(1)) -c $$< -o $$@

$(BUILD)/$(1)/libsysheap.a: $(patsubst src/%.c,$(BUILD)/$(1)/obj/%.o,$(TARGET_LIB_SRCS))
	@rm -f $$@
	$(TARGET_AR) rcs $$@ $$^
endef
$(foreach c,$(CPUS),$(eval $(call cpu_lib_rules,$(c))))

# `make install` and the package files: mk/package.mk.

# Install into a scratch DESTDIR and build a program against what landed
# there, the way a user's build would: headers, host and target archives,
# the linker fragments.
TEST_TARGETS += test-install
.PHONY: test-install
test-install:
	@rm -rf $(BUILD)/install-test
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(BUILD)/install-test) PREFIX=/usr >/dev/null
	@set -e; root=$(BUILD)/install-test/usr; \
	for f in include/libsysheap/sys_heap.h include/libsysheap/sys_heap_define.h \
		 include/libsysheap/zephyr/sys/sys_heap.h include/libsysheap/zephyr/sys/heap_listener.h \
		 lib/libsysheap/ld/sysheap_registry.ld lib/libsysheap/host/libsysheap.a \
		 lib/libsysheap/host/sysheap_options.txt \
		 $(foreach c,$(CPUS),lib/libsysheap/$(c)/libsysheap.a lib/libsysheap/$(c)/sysheap_options.txt); do \
		[ -f $$root/$$f ] || { echo "test-install: $$f missing"; exit 1; }; \
	done; \
	printf '#include <sys_heap.h>\nstatic char b[4096];\nint main(void){struct sys_heap h;sys_heap_init(&h,b,sizeof b);void*p=sys_heap_alloc(&h,100);int ok=p!=0&&sys_heap_validate(&h);sys_heap_free(&h,p);return ok?0:1;}\n' \
		> $(BUILD)/install-test/use.c; \
	$(HOST_CC) -I$$root/include/libsysheap $(BUILD)/install-test/use.c \
		$$root/lib/libsysheap/host/libsysheap.a -o $(BUILD)/install-test/use; \
	$(BUILD)/install-test/use; \
	for a in $$root/lib/libsysheap/*/*.a; do \
		if strings -a $$a | grep -qF '$(CURDIR)'; then \
			echo "test-install: $$a carries the build path $(CURDIR)"; exit 1; fi; \
	done; \
	grep -qx 'SYS_HEAP_HARDENING=[0-4]' $$root/lib/libsysheap/host/sysheap_options.txt || \
		{ echo "test-install: sysheap_options.txt does not record SYS_HEAP_HARDENING"; exit 1; }; \
	other=$$(sed -n 's/^SYS_HEAP_HARDENING=//p' $$root/lib/libsysheap/host/sysheap_options.txt); \
	other=$$(( (other + 1) % 5 )); \
	if $(HOST_CC) -DSYS_HEAP_HARDENING=$$other -I$$root/include/libsysheap $(BUILD)/install-test/use.c \
		$$root/lib/libsysheap/host/libsysheap.a -o $(BUILD)/install-test/use-mismatch \
		>$(BUILD)/install-test/mismatch.log 2>&1; then \
		echo "test-install: a program built with SYS_HEAP_HARDENING=$$other linked against the other archive"; exit 1; fi; \
	grep -q "undefined reference to .libsysheap built with SYS_HEAP_HARDENING=$$other " $(BUILD)/install-test/mismatch.log || \
		{ cat $(BUILD)/install-test/mismatch.log; echo "test-install: the option mismatch failed without naming the option"; exit 1; }; \
	$(TARGET_CC) $(call target_flags,cortex-m4) -I$$root/include/libsysheap \
		$(BUILD)/install-test/use.c $$root/lib/libsysheap/cortex-m4/libsysheap.a \
		--specs=nosys.specs -o $(BUILD)/install-test/use-m4.elf; \
	if $(TARGET_CC) $(call target_flags,cortex-m4) -fno-short-enums -I$$root/include/libsysheap \
		$(BUILD)/install-test/use.c $$root/lib/libsysheap/cortex-m4/libsysheap.a \
		--specs=nosys.specs -o $(BUILD)/install-test/use-m4-enums.elf \
		>$(BUILD)/install-test/enums.log 2>&1; then \
		echo "test-install: a firmware built with -fno-short-enums linked against the short-enum archive"; exit 1; fi; \
	grep -q "undefined reference to .libsysheap built with .* __ARM_SIZEOF_MINIMAL_ENUM=4" $(BUILD)/install-test/enums.log || \
		{ cat $(BUILD)/install-test/enums.log; echo "test-install: the enum size mismatch failed without naming it"; exit 1; }; \
	$(HOST_CC) -std=c11 $(WARN) -I$$root/include/libsysheap -c tests/zephyr/compile_test.c \
		-o $(BUILD)/install-test/zephyr.o; \
	echo "test-install: 5 passed, 0 failed (the last: Zephyr's header names, installed)"
