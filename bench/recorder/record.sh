#!/bin/sh
# record.sh: how the shipped traces in bench/traces/ were made.
#
#   sh bench/recorder/record.sh MALLOC_TRACE_SO OUTDIR      (or: make bench-traces)
#
# Each trace is one real program run on the host under the LD_PRELOAD
# recorder (bench/recorder/malloc_trace.c), with glibc doing the actual
# allocating. Inputs are generated here, deterministically, into files
# first, so only the program of interest runs under the recorder. Caps for
# firmware plausibility: at most 4000 operations, and requests above 2048
# bytes (with everything later done to those blocks) left out. Then
# bench/tracetool.py seal renumbers the ids densely and adds the checksum.
#
# The programs are whatever this host has (sqlite3, grep, mawk, python3),
# so a re-recording on another machine may differ in detail; the shipped
# traces are inputs to `make bench`, not outputs.
set -eu
so=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# record NAME DESCRIPTION [VAR=value ...] -- PROGRAM ARGS...   (stdin: the input)
record() {
	name=$1
	desc=$2
	shift 2
	vars=""
	while [ "$1" != "--" ]; do
		vars="$vars $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	env SYSHEAP_TRACE="$tmp/$name.raw" SYSHEAP_TRACE_MAX_OPS=4000 SYSHEAP_TRACE_MAX_SIZE=2048 \
		$vars LD_PRELOAD="$so" "$@" >/dev/null
	python3 "$here/tracetool.py" seal "$tmp/$name.raw" "$out/$name.trace" --source "$desc"
}

# 1. sqlite3: an in-memory database: create, insert 300 rows, index, group,
#    update, delete, query. The whole run (start-up included).
sql="create table t(id integer primary key, name text, qty int, price real);
with recursive c(x) as (select 1 union all select x+1 from c where x<300)
  insert into t select x, 'item-'||x||substr('abcdefghij',1,x%10), x%17, x*1.25 from c;
create index i on t(qty);
select qty, count(*), sum(price), group_concat(name) from t group by qty order by 2 desc;
update t set name=name||'-updated' where qty<5;
delete from t where id%3=0;
select name from t where name like '%7%' order by name limit 20;"
record sqlite "sqlite3 :memory: (create, insert 300 rows, index, group by, update, delete); whole run" \
	-- sqlite3 :memory: "$sql" </dev/null

# 2. grep: four extended regular expressions compiled and matched over 2000
#    lines. The whole run.
seq 1 2000 >"$tmp/numbers.txt"
record grep-regex "grep -E -c with 4 patterns over 2000 lines; whole run" \
	-- grep -E -c -e '^(1[0-9]+|2[13579]{2,3}|([4-6][0-9])+)$' -e '(12|34|56)+7?$' \
	-e '^[0-9]{2}(0|5)[1-3]*$' -e 'a|b|c|(d(e|f))+' "$tmp/numbers.txt"

# 3. sed: two regular-expression substitutions on each of 2000 lines, the
#    second on a numbered match: pattern buffers grown and freed per line.
#    The first 4000 operations.
record sed-regex "sed -E with two substitutions over 2000 lines; first 4000 operations" \
	-- sed -E 's/([0-9])([0-9])?/<\2\1>/g; s/<([^>]*)>/[\1]/2' "$tmp/numbers.txt"

# 4. Python, with PYTHONMALLOC=malloc so every object comes from malloc:
#    JSON encode/decode of 40 sensor records, six times. Interpreter
#    start-up, the import and building the records are skipped: recording
#    starts at the script's bytearray(1 << 20) marker.
py='import json
d=[{"id":i,"name":"sensor-%d"%i,"vals":[i*j%97 for j in range(i%12)],"tags":{"k%d"%(i%5):i%3==0}} for i in range(40)]
bytearray(1 << 20)
for k in range(6):
    s=json.dumps(d)
    e=json.loads(s)
    d=[dict(x, id=x["id"]+k) for x in e]
print(len(s))'
record python-json "python3 (PYTHONMALLOC=malloc) JSON round trips of 40 records; from a marker after start-up, first 4000 operations" \
	SYSHEAP_TRACE_START_AT=1048576 PYTHONMALLOC=malloc PYTHONHASHSEED=0 -- /usr/bin/python3 -c "$py" </dev/null
