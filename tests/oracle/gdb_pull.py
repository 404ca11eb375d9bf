#!/usr/bin/env python3
"""gdb_pull.py: pull a recorder's log out of a running firmware with the gdb
extension (tools/gdb/sysheap.py: `sysheap record`), as a user does over SWD.

    gdb_pull.py --machine MACHINE --elf oracle_fw_keep.elf --out LOG [--timeout S]

Starts qemu-system-arm halted with its gdbstub, breaks in oracle_recorded()
(tests/oracle/oracle_fw.c with ORACLE_RECORD_KEEP: the whole log kept in
RAM), runs `sysheap record recorder LOG`, lets the firmware finish and
requires its exit status 0 and a log that starts with the recorder's
header. Prints one PASS/FAIL line.
"""
import argparse
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from test_gdb import free_port, wait_listening  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--machine", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--gdb", default=os.environ.get("GDB", "gdb-multiarch"))
    args = ap.parse_args()
    if os.path.exists(args.out):
        os.remove(args.out)
    problems, out = [], ""
    port = free_port()
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-M", args.machine, "-nographic", "-monitor", "none",
         "-serial", "null", "-semihosting-config", "enable=on,target=native",
         "-kernel", args.elf, "-S", "-gdb", f"tcp:127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        if not wait_listening(port, qemu, 10):
            problems.append("QEMU's gdbstub never listened")
        else:
            cmd = [args.gdb, "-nx", "-batch", "-ex", "set pagination off",
                   "-ex", "set confirm off", "-ex", f"file {args.elf}",
                   "-ex", f"target remote 127.0.0.1:{port}",
                   "-ex", f"source {ROOT}/tools/gdb/sysheap.py",
                   "-ex", "break oracle_recorded", "-ex", "continue",
                   "-ex", f"sysheap record recorder {args.out}",
                   "-ex", "delete", "-ex", "detach"]
            try:
                r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                   text=True, timeout=args.timeout)
                out = r.stdout + r.stderr
            except subprocess.TimeoutExpired:
                problems.append(f"gdb timed out after {args.timeout:.0f}s")
            try:
                status = qemu.wait(timeout=args.timeout)
                if status != 0:
                    problems.append(f"firmware exit status {status}, expected 0")
            except subprocess.TimeoutExpired:
                problems.append("the firmware did not finish after gdb detached")
    finally:
        if qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)
        qemu.wait()
    line = [l for l in out.splitlines() if l.startswith("sysheap record")]
    if not line or "lost" not in line[-1] or "INCOMPLETE" in line[-1]:
        problems.append("sysheap record: " + (line[-1] if line else "no output"))
    if not os.path.exists(args.out) or open(args.out, "rb").read(4) != b"SHR1":
        problems.append("the pulled log does not start with the recorder's header")
    if problems:
        print(out)
        print("FAIL %s gdb pull: %s" % (args.machine, "; ".join(problems)))
        return 1
    print("PASS %s gdb pull: %s" % (args.machine, line[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
