# libsysheap: see README.md for the targets. `make help` lists them.

.DEFAULT_GOAL := all
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

include toolchain.mk

BUILD ?= build

# Compile-time options shared by the library and whatever links it
# (include/sys_heap_config.h documents each). Example: make CONFIG_DEFS=-DSYS_HEAP_ALLOC_LOOPS=5
CONFIG_DEFS ?=
ifdef SYS_HEAP_HARDENING
CONFIG_DEFS += -DSYS_HEAP_HARDENING=$(SYS_HEAP_HARDENING)
endif

WARN        := -Wall -Wextra -Werror
SRC_WARN    := $(WARN) -Wconversion -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# The archives name their sources relative to the tree (./src/...), so
# they carry no path of the machine that built them (test-install checks).
PREFIX_MAP  := -ffile-prefix-map=$(CURDIR)=.
# The sources are defined without it too (test-configs' strict-aliasing row);
# it stays here as a belt for the diag code's struct views of heap memory.
SRC_ALIASING ?= -fno-strict-aliasing
SRC_CFLAGS  := -std=c11 -ffreestanding $(SRC_ALIASING) $(SRC_WARN) -Iinclude -Isrc/core \
	$(PREFIX_MAP) $(CONFIG_DEFS)

# Every mk/ fragment adds the targets it owns to these lists.
TEST_TARGETS :=
ALL_TARGETS  :=

include mk/deps.mk
include mk/lib.mk
-include mk/tests.mk
-include mk/boards.mk
-include mk/bench.mk
-include mk/libc.mk
-include mk/package.mk
-include mk/vendor.mk
-include mk/fault.mk
-include mk/tools.mk
-include mk/vendor_mistakes.mk
-include mk/fuzz.mk
-include mk/zephyr.mk
-include mk/oracle.mk
-include mk/regions.mk
-include mk/preempt.mk
-include mk/guard.mk

.PHONY: all test clean help
# Plain `make` builds the libraries and installs nothing: no `deps` here
# (run, test and deps install what is missing).
all: $(ALL_TARGETS)

# Every target runs even when one fails, so one run shows every failure;
# the last line counts the targets and the exit status is nonzero on any.
test: deps
	@passed=0; failed=0; failures=""; \
	for t in $(TEST_TARGETS); do \
		echo "==> make $$t"; \
		if $(MAKE) --no-print-directory $$t; then passed=$$((passed + 1)); \
		else failed=$$((failed + 1)); failures="$$failures $$t"; fi; \
	done; \
	[ -z "$$failures" ] || echo "failed test targets:$$failures"; \
	echo "targets: $$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

clean:
	rm -rf $(BUILD)

# The targets table of the README is the one list of targets.
help:
	@awk '/^## Make targets/{on=1; next} /^## /{on=0} on' README.md
