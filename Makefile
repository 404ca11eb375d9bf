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
SRC_CFLAGS  := -std=c11 -ffreestanding -fno-strict-aliasing $(SRC_WARN) -Iinclude -Isrc/core $(CONFIG_DEFS)

# Every mk/ fragment adds the targets it owns to these lists.
TEST_TARGETS :=
ALL_TARGETS  :=

include mk/deps.mk
include mk/lib.mk
-include mk/tests.mk
-include mk/boards.mk
-include mk/bench.mk
-include mk/libc.mk
-include mk/fault.mk
-include mk/tools.mk

.PHONY: all test clean help
all: deps $(ALL_TARGETS)

test: deps
	@set -e; for t in $(TEST_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done
	@echo "all test targets passed: $(TEST_TARGETS)"

clean:
	rm -rf $(BUILD)

help:
	@sed -n 's/^## //p' README.md 2>/dev/null | head -40 || true
