# `make install PREFIX=/usr/local DESTDIR=`: the package, laid out as
#
#   $(PREFIX)/include/libsysheap/            the headers (zephyr/sys/: Zephyr's names)
#   $(PREFIX)/lib/libsysheap/<cpu>/          libsysheap.a, libsysheap_libc_<libc>.a
#                                            (<cpu>: $(CPUS), host)
#   $(PREFIX)/lib/libsysheap/ld/             the linker fragments
#   $(PREFIX)/lib/pkgconfig/sysheap-<cpu>.pc, sysheap-<cpu>-<libc>.pc
#   $(PREFIX)/lib/cmake/sysheap/sysheap-config.cmake
#                                            find_package(sysheap)
#
# The .pc and .cmake files find the prefix from their own place, so an
# install under DESTDIR, or a tree moved elsewhere, works as it is.
#
#   make test-package   install into build/package-test/ and build, link
#                       and run (QEMU mps2-an386) one small firmware
#                       through pkg-config and one through CMake, against
#                       nothing but the installed tree

PREFIX  ?= /usr/local
DESTDIR ?=
SYSHEAP_VERSION := 0.1
PKG_DIR := $(BUILD)/pkg

# The CPUs' flags and the C libraries' specs, as CMake lines.
PKG_CPU_FLAG_LINES := $(foreach c,$(CPUS),set(SYSHEAP_CPU_FLAGS_$(c) $(CPU_FLAGS_$(c)))\n)
PKG_LIBC_SPECS_LINES := $(foreach f,$(LIBC_FLAVOURS),set(SYSHEAP_LIBC_SPECS_$(f) $(LIBC_SPECS_$(f)))\n)
pkg_subst = sed -e 's|@VERSION@|$(SYSHEAP_VERSION)|g' -e 's|@CONFIG_DEFS@|$(strip $(CONFIG_DEFS))|g'

# The generated files depend on the Makefiles: a changed option or CPU
# list regenerates them.
PKG_FILES := $(PKG_DIR)/sysheap-config.cmake \
	$(foreach c,host $(CPUS),$(PKG_DIR)/sysheap-$(c).pc) \
	$(foreach c,$(CPUS),$(foreach f,$(LIBC_FLAVOURS),$(PKG_DIR)/sysheap-$(c)-$(f).pc))

$(PKG_DIR)/sysheap-config.cmake: pkg/sysheap-config.cmake.in $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@$(pkg_subst) -e 's|@CPUS@|$(CPUS)|g' -e 's|@LIBCS@|$(LIBC_FLAVOURS)|g' \
		-e 's|@CONFIG_DEFINES@|$(patsubst -D%,%,$(filter -D%,$(CONFIG_DEFS)))|g' \
		-e 's|@CPU_FLAG_LINES@|$(PKG_CPU_FLAG_LINES)|' \
		-e 's|@LIBC_SPECS_LINES@|$(PKG_LIBC_SPECS_LINES)|' $< > $@
$(PKG_DIR)/sysheap-%.pc: pkg/sysheap.pc.in $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@$(pkg_subst) -e 's|@CPU@|$*|g' -e 's|@CPU_FLAGS@|$(CPU_FLAGS_$*)|g' $< > $@
define pkg_libc_rule
$(PKG_DIR)/sysheap-$(1)-$(2).pc: pkg/sysheap-libc.pc.in $(MAKEFILE_LIST)
	@mkdir -p $$(@D)
	@$$(pkg_subst) -e 's|@CPU@|$(1)|g' -e 's|@LIBC@|$(2)|g' \
		-e 's|@LIBC_SPECS@|$(LIBC_SPECS_$(2))|g' $$< > $$@
endef
$(foreach c,$(CPUS),$(foreach f,$(LIBC_FLAVOURS),$(eval $(call pkg_libc_rule,$(c),$(f)))))

.PHONY: install
install: lib $(PKG_FILES)
	install -d $(DESTDIR)$(PREFIX)/include/libsysheap $(DESTDIR)$(PREFIX)/lib/libsysheap/ld \
		$(DESTDIR)$(PREFIX)/lib/libsysheap/host $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/lib/cmake/sysheap
	install -m 644 include/*.h $(DESTDIR)$(PREFIX)/include/libsysheap/
	install -d $(DESTDIR)$(PREFIX)/include/libsysheap/zephyr/sys
	install -m 644 include/zephyr/sys/*.h $(DESTDIR)$(PREFIX)/include/libsysheap/zephyr/sys/
	install -m 644 ld/*.ld $(DESTDIR)$(PREFIX)/lib/libsysheap/ld/
	install -m 644 $(HOST_LIB) $(BUILD)/host/sysheap_options.txt $(DESTDIR)$(PREFIX)/lib/libsysheap/host/
	set -e; for c in $(CPUS); do \
		install -d $(DESTDIR)$(PREFIX)/lib/libsysheap/$$c; \
		install -m 644 $(BUILD)/$$c/libsysheap*.a $(BUILD)/$$c/sysheap_options.txt \
			$(DESTDIR)$(PREFIX)/lib/libsysheap/$$c/; \
	done
	install -m 644 $(filter %.pc,$(PKG_FILES)) $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 $(PKG_DIR)/sysheap-config.cmake $(DESTDIR)$(PREFIX)/lib/cmake/sysheap/

# ---- test-package --------------------------------------------------------------

PKG_TEST_DIR   := $(BUILD)/package-test
PKG_TEST_ROOT  := $(abspath $(PKG_TEST_DIR)/root)
PKG_TEST_BOARD := mps2-an386
PKG_TEST_CPU   := $($(PKG_TEST_BOARD)_CPU)
# The firmware: a program of its own plus the boards' startup, console and
# script, the parts a user's project brings; libsysheap comes only from
# the installed tree.
PKG_TEST_SRCS  := tests/package/fw.c boards/common/startup.c boards/common/semihosting.c \
	boards/common/syscalls.c boards/common/fault.c
PKG_TEST_PC    := PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$(PKG_TEST_ROOT)/usr/lib/pkgconfig pkg-config

.PHONY: test-package package-install
TEST_TARGETS += test-package
package-install: $(PKG_FILES) lib libc
	@rm -rf $(PKG_TEST_ROOT)
	@$(MAKE) --no-print-directory install DESTDIR=$(PKG_TEST_ROOT) PREFIX=/usr >/dev/null

test-package: deps package-install
	@if $(MAKE) --no-print-directory -n all 2>/dev/null | grep -q 'deps[.]sh'; then \
		echo "FAIL test-package: plain make would run tools/deps.sh"; exit 1; fi
	@set -e; pc=sysheap-$(PKG_TEST_CPU)-nano; out=$(PKG_TEST_DIR)/pkgconfig; mkdir -p $$out; \
	specs=$$($(PKG_TEST_PC) --variable=libc_specs $$pc); \
	flags=$$($(PKG_TEST_PC) --variable=cpu_flags sysheap-$(PKG_TEST_CPU)); \
	$(TARGET_CC) $$specs $$flags -mthumb -Os -std=gnu11 $(WARN) -Iboards/common \
		$($(PKG_TEST_BOARD)_DEFS) -DPKG_TEST_HOW='"pkg-config"' \
		$$($(PKG_TEST_PC) --cflags $$pc) -nostartfiles -Wl,--gc-sections \
		-T $($(PKG_TEST_BOARD)_LDSCRIPT) -T $$($(PKG_TEST_PC) --variable=ldscript $$pc) \
		-Lboards/common -Wl,-Map=$$out/fw.elf.map $(PKG_TEST_SRCS) \
		$$($(PKG_TEST_PC) --libs $$pc) -o $$out/fw.elf
	@$(QEMU_RUN) -q -s -l $(PKG_TEST_DIR)/pkgconfig/fw.log $($(PKG_TEST_BOARD)_QEMU) \
		$(PKG_TEST_DIR)/pkgconfig/fw.elf
	@sh tests/libc/check_map.sh $(PKG_TEST_DIR)/pkgconfig/fw.elf.map libsysheap_libc_nano.a
	@rm -rf $(PKG_TEST_DIR)/cmake
	@cmake -S tests/package -B $(PKG_TEST_DIR)/cmake -DCMAKE_PREFIX_PATH=$(PKG_TEST_ROOT)/usr \
		-DCMAKE_TOOLCHAIN_FILE=$(abspath tests/package/arm-none-eabi.cmake) \
		-DSYSHEAP_TEST_CPU=$(PKG_TEST_CPU) -DSYSHEAP_TEST_LIBC=picolibc \
		-DSYSHEAP_TEST_BOARD_DEFS="$($(PKG_TEST_BOARD)_DEFS)" \
		-DSYSHEAP_TEST_LDSCRIPT=$(abspath $($(PKG_TEST_BOARD)_LDSCRIPT)) \
		-DSYSHEAP_TEST_BOARD_DIR=$(abspath boards/common) \
		-DSYSHEAP_TEST_SRCS="$(abspath $(filter-out %/syscalls.c,$(PKG_TEST_SRCS)) tests/libc/picolibc_tls.c)" \
		-DSYSHEAP_TEST_TLS_LD=$(abspath tests/libc/picolibc_tls.ld) >$(PKG_TEST_DIR)/cmake.log 2>&1 || \
		{ cat $(PKG_TEST_DIR)/cmake.log; exit 1; }
	@cmake --build $(PKG_TEST_DIR)/cmake >>$(PKG_TEST_DIR)/cmake.log 2>&1 || \
		{ cat $(PKG_TEST_DIR)/cmake.log; exit 1; }
	@$(QEMU_RUN) -q -s -l $(PKG_TEST_DIR)/cmake/fw.log $($(PKG_TEST_BOARD)_QEMU) \
		$(PKG_TEST_DIR)/cmake/fw.elf
	@sh tests/libc/check_map.sh $(PKG_TEST_DIR)/cmake/fw.elf.map libsysheap_libc_picolibc.a
	@echo "test-package: 3 passed, 0 failed (plain make installs nothing; pkg-config + newlib-nano, CMake + picolibc, from the installed tree)"
