#!/bin/sh
# Level 0 (SYS_HEAP_HARDENING=0) must be the same code as a build without
# hardening: no object of the allocator refers to a check, guard, poison or
# report routine, and no check code is compiled in. Compiles src/ at level 0
# for each CPU given and inspects the objects' symbols.
#
# usage: check_level0.sh OUTDIR "CC FLAGS..." SRC...
set -eu
out=$1; cc=$2; shift 2
rm -rf "$out"
mkdir -p "$out/level1"
passed=0; failed=0

check() { # check DESCRIPTION COMMAND...
	what=$1; shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL level0: $what"; fi
}

for src in "$@"; do
	obj=$out/$(echo "$src" | tr / _).o
	# shellcheck disable=SC2086
	$cc -DSYS_HEAP_HARDENING=0 -c "$src" -o "$obj"
done

nm_tool=$(echo "$cc" | awk '{print $1}' | sed 's/gcc$/nm/')
[ -x "$(command -v "$nm_tool")" ] || nm_tool=nm

# The routines only hardening calls; none may be referenced at level 0.
hardening_refs='z_sysheap_report|z_sysheap_guards_intact|z_sysheap_block_arm|z_sysheap_poison|z_sysheap_default_guard_key|sys_heap_default_error_hook'
# unformatted.c reports a heap that was never formatted (a forgotten
# sys_heap_init_all()) to the default hook at every level: it is no check
# of the hot path, and nothing calls it while heaps are formatted.
for obj in "$out"/*.o; do
	case $obj in *hardening.c.o | *unformatted.c.o) continue ;; esac
	check "$(basename "$obj") refers to a hardening routine" \
		sh -c "! $nm_tool -u '$obj' | grep -Eq '$hardening_refs'"
done
# hardening.c at level 0 keeps only the API entry points: the hook setter,
# the weak default hook, the report and the unchecked pointer lookup
# (the chunk of a block; the verifier itself is heap.c's).
hobj=$(ls "$out"/*hardening.c.o)
extra=$($nm_tool --defined-only "$hobj" | awk '$2 ~ /[tT]/ {print $3}' |
	grep -Ev '^(sys_heap_set_error_hook|sys_heap_default_error_hook|z_sysheap_report|z_sysheap_live_chunk)$' || true)
check "hardening.c compiles check code at level 0: $extra" test -z "$extra"
# And at level 1 the same scan must find the checks, or it proves nothing.
# The pointer check is heap.c's z_sysheap_check_block (one shared copy).
# shellcheck disable=SC2086
$cc -DSYS_HEAP_HARDENING=1 -c src/core/heap.c -o "$out/level1/heap.o"
check "the scan finds the level-1 report call in heap.o" \
	sh -c "$nm_tool -u '$out/level1/heap.o' | grep -Eq '$hardening_refs'"

echo "test-level0: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
