#!/bin/sh
# run.sh: the mistakes a user can make dropping libsysheap into a vendor
# (STM32CubeIDE-style) project, each expected to end in the library's own
# message. Builds tests/vendor_mistakes/app.c with the vendor script and
# startup file of boards/common/tests/vendor/, against an installed
# libsysheap, newlib-nano and the libc glue, and runs on QEMU's
# netduinoplus2 (STM32F405). A correct build must link and run first, so
# each mistake is the only difference from a working firmware.
#
# usage: run.sh OUT ROOT "CC" "CPU FLAGS"
#   OUT   scratch directory; ROOT the install prefix (include/, lib/)
set -u
out=$1; root=$2; cc=$3; cpu=$4
vendor=boards/common/tests/vendor
lib=$root/lib/libsysheap
nm=$(echo "$cc" | sed 's/gcc$/nm/')
qemu="sh tools/qemu_run.sh -q -t 60"
passed=0; failed=0
mkdir -p "$out"

pass() { passed=$((passed + 1)); echo "PASS vendor-mistakes $1"; }
fail() { failed=$((failed + 1)); echo "FAIL vendor-mistakes $1"; [ -f "$2" ] && tail -n 15 "$2"; }

cflags="--specs=nano.specs $cpu -Os -std=gnu11 -Wall -Wextra -Werror -I$root/include/libsysheap -Iboards/common"
compile() { # compile OBJ SRC [FLAGS...]
	o=$1; src=$2; shift 2
	# shellcheck disable=SC2086
	$cc $cflags "$@" -c "$src" -o "$o" || { echo "vendor-mistakes: cannot compile $src"; exit 1; }
}
support=""
for s in boards/common/semihosting.c boards/common/syscalls.c \
	 boards/common/error_hook.c tests/vendor_mistakes/sysmem.c; do
	o=$out/$(basename "$s" .c).o
	compile "$o" "$s"
	support="$support $o"
done
$cc $cpu -c $vendor/startup_stm32f405rgtx.s -o "$out/startup.o" || exit 1
# The startup file without its one libsysheap line: the forgotten init call.
grep -v 'bl sys_heap_init_all' $vendor/startup_stm32f405rgtx.s >"$out/startup_no_init.s"
$cc $cpu -c "$out/startup_no_init.s" -o "$out/startup_no_init.o" || exit 1
# The vendor script without the registry fragment.
grep -v 'INCLUDE sysheap_registry.ld' $vendor/STM32F405RGTX_FLASH.ld >"$out/no_registry.ld"

# link NAME APP.o STARTUP.o SCRIPT LIBC_SCRIPT PRE_LIBS [LDFLAGS...]: NAME.elf, NAME.log
link() {
	name=$1; app=$2; start=$3; script=$4; script2=$5; pre=$6; shift 6
	# The boards' syscalls.c names its sbrk arena __sbrk_start__/__sbrk_end__
	# (its weak _sbrk loses to the vendor's sysmem.c anyway).
	# shellcheck disable=SC2086
	$cc $cpu --specs=nano.specs -Wl,--gc-sections -L"$lib/ld" -L"$lib/cortex-m4" \
		-T "$script" $script2 -Wl,--defsym=__sbrk_start__=end \
		-Wl,--defsym=__sbrk_end__=_estack-_Min_Stack_Size -Wl,-Map="$out/$name.map" \
		"$app" "$start" $support $pre -lsysheap_libc_nano -lsysheap "$@" \
		-o "$out/$name.elf" >"$out/$name.log" 2>&1
}
# expect_link_error NAME TEXT [FIRST]: the link failed and its output has
# TEXT (on the first line with FIRST).
expect_link_error() {
	if [ -f "$out/$1.elf" ]; then fail "$1: linked" "$out/$1.log"; return; fi
	if [ $# -ge 3 ]; then
		head -n 1 "$out/$1.log" | grep -qF -- "$2" && { pass "$1: first line names it"; return; }
	else
		grep -qF -- "$2" "$out/$1.log" && { pass "$1: the link says so"; return; }
	fi
	fail "$1: the link failed without \"$2\"" "$out/$1.log"
}
# expect_run NAME STATUS TEXT: ran to STATUS with TEXT in its console.
expect_run() {
	if [ ! -f "$out/$1.elf" ]; then fail "$1: did not link" "$out/$1.log"; return; fi
	$qemu -e "$2" -l "$out/$1.run.log" netduinoplus2 "$out/$1.elf" >/dev/null 2>&1 ||
		{ fail "$1: exit status not $2" "$out/$1.run.log"; return; }
	grep -qF -- "$3" "$out/$1.run.log" && { pass "$1: $3"; return; }
	fail "$1: no \"$3\" on the console" "$out/$1.run.log"
}
libc_script="-T sysheap_libc.ld"
rm -f "$out"/*.elf

# The control: the project as docs/porting.md and docs/libc.md say.
compile "$out/app.o" tests/vendor_mistakes/app.c
link good "$out/app.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" ""
expect_run good 0 "vendor-app: ok"

# 1. The firmware compiled with other options than the archive.
compile "$out/app_h2.o" tests/vendor_mistakes/app.c -DSYS_HEAP_HARDENING=2
link options "$out/app_h2.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" ""
expect_link_error options "undefined reference to \`libsysheap built with SYS_HEAP_HARDENING=2 "
# ... and the same under -flto: the reference survives link-time optimisation.
compile "$out/app_h2_lto.o" tests/vendor_mistakes/app.c -DSYS_HEAP_HARDENING=2 -flto
link options_lto "$out/app_h2_lto.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" "" -flto
expect_link_error options_lto "undefined reference to \`libsysheap built with SYS_HEAP_HARDENING=2 "

# 2. Reset_Handler without sys_heap_init_all().
link no_init "$out/app.o" "$out/startup_no_init.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" ""
expect_run no_init 1 "sys_heap error UNFORMATTED (8): heap app_heap"

# 3. The script without INCLUDE sysheap_registry.ld.
link no_registry "$out/app.o" "$out/startup.o" "$out/no_registry.ld" "$libc_script" ""
expect_link_error no_registry "SYS_HEAP_DEFINE needs INCLUDE sysheap_registry.ld in the linker script"
# ... also when Reset_Handler lacks sys_heap_init_all(), so nothing of the
# registry's own code is linked.
link no_registry_no_init "$out/app.o" "$out/startup_no_init.o" "$out/no_registry.ld" "$libc_script" ""
expect_link_error no_registry_no_init "SYS_HEAP_DEFINE needs INCLUDE sysheap_registry.ld in the linker script"

# 4. No -T sysheap_libc.ld.
link no_libc_script "$out/app.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "" ""
expect_link_error no_libc_script "the libc glue needs -T sysheap_libc.ld after the linker script"

# 5. The C library ahead of the glue: the tripwire, on the first line.
link libc_first "$out/app.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" "-lc"
expect_link_error libc_first "SYS_HEAP_LIBC_TRIPWIRE: the C library's own malloc" first

# 6. A heap larger than the RAM.
compile "$out/app_big.o" tests/vendor_mistakes/app.c -DAPP_HEAP_BYTES=140000u
link too_big "$out/app_big.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" ""
expect_link_error too_big "region \`RAM' overflowed"

# 7. A heap that fits but leaves the system heap 2 KiB: the good build's
# system heap, less 2 KiB, added to the 8 KiB app heap.
start=$($nm "$out/good.elf" | awk '$3 == "__sysheap_ram_start" {print $1}')
end=$($nm "$out/good.elf" | awk '$3 == "__sysheap_ram_end" {print $1}')
if [ -n "$start" ] && [ -n "$end" ]; then
	starve=$(( (8192 + 0x$end - 0x$start - 2048) / 8 * 8 ))
	compile "$out/app_starve.o" tests/vendor_mistakes/app.c -DAPP_HEAP_BYTES=${starve}u
	link starved "$out/app_starve.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" ""
	expect_link_error starved "SYS_HEAP_LIBC_MIN_BYTES: the system heap"
else
	fail "starved: no system heap bounds in good.elf" "$out/good.log"
fi

# 8. A HAL calling the vendor's _sbrk directly.
compile "$out/app_sbrk.o" tests/vendor_mistakes/app.c -DAPP_CALL_SBRK
link sbrk "$out/app_sbrk.o" "$out/startup.o" $vendor/STM32F405RGTX_FLASH.ld "$libc_script" ""
expect_run sbrk 1 "sys_heap error SBRK (9)"

echo "test-vendor-mistakes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
