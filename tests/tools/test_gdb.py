#!/usr/bin/env python3
"""test-gdb: tools/gdb/sysheap.py against firmware stopped in QEMU.

    test_gdb.py --machine MACHINE --elf gdb_fw.elf --heaps a,b,c [--timeout S] [--log FILE]

Starts qemu-system-arm halted (-S) with its gdbstub on a free local port,
runs gdb-multiarch in batch mode with the extension and
tests/tools/gdb_check.py (which breaks in checkpoint(), checks the
commands, pokes and restores headers, then detaches), lets the firmware
run to its end, and requires: gdb_check's last line `N passed, 0 failed`,
QEMU's exit status 0 and the firmware's own "heaps valid" line. QEMU and gdb
both run under timeouts and QEMU is killed whatever happens. Prints one
PASS/FAIL line (the gdb transcript goes to --log).
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def gdb_session(machine, elf, console_file, timeout, gdb, gdb_args, env=None):
    """Run `elf` in qemu-system-arm halted (-S) with its gdbstub on a free
    local port, connect gdb in batch mode with `gdb_args`, then let the
    firmware run to its end. Returns (gdb transcript, problems): QEMU's
    gdbstub never listening, a gdb or firmware timeout, an exit status
    other than 0. QEMU is killed whatever happens."""
    problems, gdb_out, qemu = [], "", None
    for attempt in range(3):  # the port may be taken between probe and bind
        port = free_port()
        qemu = subprocess.Popen(
            ["qemu-system-arm", "-M", machine, "-nographic", "-monitor", "none",
             "-serial", "null", "-semihosting-config", "enable=on,target=native",
             "-kernel", elf, "-S", "-gdb", f"tcp:127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL, stdout=console_file, stderr=subprocess.STDOUT,
            start_new_session=True)
        if wait_listening(port, qemu, 10):
            break
        qemu.kill()
        qemu.wait()
        qemu = None
    try:
        if qemu is None:
            problems.append("QEMU's gdbstub never listened")
            return gdb_out, problems
        cmd = [gdb, "-nx", "-batch",
               "-ex", "set pagination off", "-ex", "set confirm off",
               "-ex", f"file {elf}",
               "-ex", f"target remote 127.0.0.1:{port}"] + gdb_args
        try:
            r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=timeout)
            gdb_out = r.stdout + r.stderr
        except subprocess.TimeoutExpired as e:
            gdb_out = (e.stdout or b"").decode(errors="replace") if isinstance(
                e.stdout, bytes) else (e.stdout or "")
            problems.append(f"gdb timed out after {timeout:.0f}s")
        try:
            status = qemu.wait(timeout=timeout)
            if status != 0:
                problems.append(f"QEMU exit status {status}, expected 0")
        except subprocess.TimeoutExpired:
            problems.append("the firmware did not finish after gdb detached")
    finally:
        if qemu is not None and qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)
            qemu.wait()
    return gdb_out, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--heaps", required=True, help="expected registry names, comma-separated")
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--log", help="keep the gdb transcript and console here")
    ap.add_argument("--gdb", default=os.environ.get("GDB", "gdb-multiarch"))
    args = ap.parse_args()

    name = f"{args.machine} gdb"
    log = args.log or tempfile.mktemp(suffix=".log")
    console = log + ".console"
    start = time.monotonic()
    with open(console, "w") as console_file:
        gdb_out, problems = gdb_session(
            args.machine, args.elf, console_file, args.timeout, args.gdb,
            ["-ex", f"source {ROOT}/tools/gdb/sysheap.py",
             "-x", f"{ROOT}/tests/tools/gdb_check.py"],
            dict(os.environ, SYSHEAP_CONSOLE=console, SYSHEAP_HEAPS=args.heaps))

    with open(console, encoding="utf-8", errors="replace") as f:
        console_text = f.read()
    with open(log, "w") as f:
        f.write(gdb_out + "\n---- console ----\n" + console_text)
    summary = [l for l in gdb_out.splitlines() if re.match(r"^\d+ passed, \d+ failed$", l)]
    if not summary or not summary[-1].endswith(" 0 failed"):
        problems.append("gdb_check.py: " + (summary[-1] if summary else "no summary line"))
    if not re.search(r"^gdb_fw: \d+ heaps valid after the checkpoint", console_text, re.M):
        problems.append("the firmware did not report its heaps valid after the checkpoint")
    secs = time.monotonic() - start
    if problems:
        for l in gdb_out.splitlines():
            if l.startswith("FAIL") or l.startswith("     "):
                print(l)
        print(f"FAIL {name} ({secs:.0f}s): " + "; ".join(problems) + f" (log: {log})")
        return 1
    print(f"PASS {name} ({secs:.0f}s): {summary[-1]}; firmware exit status 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
