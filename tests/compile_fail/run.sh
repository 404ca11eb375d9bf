#!/bin/sh
# SYS_HEAP_DEFINE refuses bad arguments, and include/sys_heap_config.h
# bad option values, at compile time with a clear message. Each tests/compile_fail/*.c names, on its first line, the message
# its compile must fail with, or "compiles" for the control.
# usage: run.sh "CC FLAGS..."
set -u
cc=$1
passed=0; failed=0
for src in "$(dirname "$0")"/*.c; do
	expect=$(sed -n '1s/^\/\* expect: \(.*\) \*\/$/\1/p' "$src")
	# shellcheck disable=SC2086
	log=$($cc -c "$src" -o /dev/null 2>&1); status=$?
	case $expect in
	compiles*) ok=$([ $status -eq 0 ] && echo yes) ;;
	*) ok=$([ $status -ne 0 ] && printf '%s' "$log" | grep -qF "$expect" && echo yes) ;;
	esac
	if [ "$ok" = yes ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $(basename "$src"): expected '$expect', compiler said:"
		printf '%s\n' "$log" | head -5
	fi
done
echo "test-define-errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
