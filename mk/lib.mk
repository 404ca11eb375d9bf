# libsysheap.a for the host and for every CPU in $(CPUS):
#   build/host/libsysheap.a, build/<cpu>/libsysheap.a
# `make lib`, `make install PREFIX=/usr/local DESTDIR=`.

# src/core: the allocator; src/diag: validation, walk, stress, reports.
# (src/libc is the C library glue, built separately by mk/libc.mk.)
LIB_SRCS := $(sort $(wildcard src/*.c src/core/*.c src/diag/*.c))
LIB_HDRS := $(wildcard include/*.h src/*.h src/core/*.h src/diag/*.h)
HOST_LIB_CFLAGS ?= -O2 -g

HOST_LIB := $(BUILD)/host/libsysheap.a
CPU_LIBS := $(foreach c,$(CPUS),$(BUILD)/$(c)/libsysheap.a)

ALL_TARGETS += lib
.PHONY: lib install
lib: $(HOST_LIB) $(CPU_LIBS)

$(BUILD)/host/obj/%.o: src/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(SRC_CFLAGS) $(HOST_LIB_CFLAGS) -c $< -o $@

$(HOST_LIB): $(patsubst src/%.c,$(BUILD)/host/obj/%.o,$(LIB_SRCS))
	@rm -f $@
	$(HOST_AR) rcs $@ $^

# One pattern per CPU, so each gets its own flags.
define cpu_lib_rules
$(BUILD)/$(1)/obj/%.o: src/%.c $$(LIB_HDRS)
	@mkdir -p $$(@D)
	$(TARGET_CC) $(SRC_CFLAGS) $(call target_flags,$(1)) -c $$< -o $$@

$(BUILD)/$(1)/libsysheap.a: $(patsubst src/%.c,$(BUILD)/$(1)/obj/%.o,$(LIB_SRCS))
	@rm -f $$@
	$(TARGET_AR) rcs $$@ $$^
endef
$(foreach c,$(CPUS),$(eval $(call cpu_lib_rules,$(c))))

PREFIX  ?= /usr/local
DESTDIR ?=
install: lib
	install -d $(DESTDIR)$(PREFIX)/include/libsysheap $(DESTDIR)$(PREFIX)/lib/libsysheap
	install -m 644 include/*.h $(DESTDIR)$(PREFIX)/include/libsysheap/
	install -d $(DESTDIR)$(PREFIX)/lib/libsysheap/ld
	install -m 644 $(wildcard ld/*.ld) $(DESTDIR)$(PREFIX)/lib/libsysheap/ld/ 2>/dev/null || true
	install -d $(DESTDIR)$(PREFIX)/lib/libsysheap/host
	install -m 644 $(HOST_LIB) $(DESTDIR)$(PREFIX)/lib/libsysheap/host/
	set -e; for c in $(CPUS); do \
		install -d $(DESTDIR)$(PREFIX)/lib/libsysheap/$$c; \
		install -m 644 $(BUILD)/$$c/libsysheap.a $(DESTDIR)$(PREFIX)/lib/libsysheap/$$c/; \
	done
