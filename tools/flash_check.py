#!/usr/bin/env python3
"""flash_check.py: will OpenOCD's `program` put this ELF into the board's
flash? Checked without hardware.

1. Read the board's OpenOCD configuration (the -f files and -c commands of
   `make flash`), following `source [find ...]`, `set` and the
   `if {[info exists VAR]}` defaults the target scripts use, and collect its
   `flash bank` lines. The main bank is the first one named `*.flash`.
2. Resolve what the configuration leaves to the driver: a base of 0 for a
   driver that places its bank itself (stm32f2x: 0x08000000), and a size of
   0 (probed from the chip at run time), which becomes the board's flash
   size from board.mk.
3. Where openocd is installed, let it evaluate the same configuration
   (`flash banks`, no adapter needed) and insist it agrees with step 1.
4. Every LOAD segment of each ELF with bytes in the file (readelf -l,
   PhysAddr..+FileSiz: what `program` writes) must lie inside the main bank,
   and the lowest must start at its base, where the core finds the vector
   table at reset.

Usage: flash_check.py --board B --openocd-args "-f board/x.cfg" --flash-size N ELF...
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

READELF = os.environ.get("READELF", "arm-none-eabi-readelf")
SCRIPT_DIRS = [d for d in (os.environ.get("OPENOCD_SCRIPTS"),
                           "/usr/share/openocd/scripts",
                           "/usr/local/share/openocd/scripts") if d]

# Drivers that place their main bank themselves when the configuration
# says 0. stm32f2x (the STM32F2/F4/F7 driver) "autoconfigures itself": its
# probe sets the base of the main flash to 0x08000000.
DRIVER_BASE = {"stm32f2x": 0x08000000}


class Tcl:
    """Just enough Tcl to read OpenOCD target scripts: commands, braces,
    brackets, quotes, variables, `source [find]`, `set`, `if`/`else`."""

    def __init__(self, script_dirs):
        self.dirs = script_dirs
        self.vars = {}
        self.banks = []  # (name, driver, base, size)
        self.files = []

    def find(self, name):
        for d in self.dirs:
            path = os.path.join(d, name)
            if os.path.isfile(path):
                return path
        if os.path.isfile(name):
            return name
        raise FileNotFoundError(f"OpenOCD script {name} not found in {self.dirs}")

    def source(self, name):
        path = self.find(name)
        self.files.append(path)
        with open(path) as f:
            self.run(f.read())

    @staticmethod
    def commands(text):
        """Split a script into commands: newlines and ';' end one, except
        inside braces, brackets or quotes; '#' starts a comment where a
        command could start."""
        cmds, cur, depth, i, quote = [], [], 0, 0, False
        text = text.replace("\\\n", " ")
        at_start = True
        while i < len(text):
            c = text[i]
            if at_start and depth == 0 and not quote:
                if c in " \t":
                    i += 1
                    continue
                if c == "#":
                    while i < len(text) and text[i] != "\n":
                        i += 1
                    continue
                at_start = False
            if c == "\\" and i + 1 < len(text):
                cur.append(text[i:i + 2])
                i += 2
                continue
            if c == '"' and depth == 0:
                quote = not quote
            elif c in "{[" and not quote:
                depth += 1
            elif c in "}]" and not quote:
                depth -= 1
            if c in "\n;" and depth == 0 and not quote:
                cmd = "".join(cur).strip()
                if cmd:
                    cmds.append(cmd)
                cur, at_start = [], True
            else:
                cur.append(c)
            i += 1
        cmd = "".join(cur).strip()
        if cmd:
            cmds.append(cmd)
        return cmds

    @staticmethod
    def words(cmd):
        """Split one command into words, keeping {...} and [...] whole."""
        out, i = [], 0
        while i < len(cmd):
            if cmd[i] in " \t\n":
                i += 1
                continue
            start, depth = i, 0
            if cmd[i] == "{":
                while i < len(cmd):
                    depth += {"{": 1, "}": -1}.get(cmd[i], 0)
                    i += 1
                    if depth == 0:
                        break
                out.append(cmd[start:i])
                continue
            if cmd[i] == '"':
                i += 1
                while i < len(cmd) and cmd[i] != '"':
                    i += 1
                out.append(cmd[start:i + 1])
                i += 1
                continue
            while i < len(cmd) and (cmd[i] not in " \t\n" or depth > 0):
                depth += {"[": 1, "]": -1}.get(cmd[i], 0)
                i += 1
            out.append(cmd[start:i])
        return out

    def subst(self, word):
        if word.startswith("{") and word.endswith("}"):
            return word[1:-1]
        if word.startswith('"') and word.endswith('"'):
            word = word[1:-1]
        m = re.fullmatch(r"\[\s*find\s+(\S+)\s*\]", word)
        if m:
            return self.find(self.subst(m.group(1)))
        return re.sub(r"\$\{?(\w+)\}?", lambda v: self.vars.get(v.group(1), ""), word)

    def condition(self, cond):
        cond = cond.strip()
        if cond.startswith("{") and cond.endswith("}"):
            cond = cond[1:-1].strip()
        negate = cond.startswith("!")
        cond = cond.lstrip("!").strip()
        m = re.fullmatch(r"\[\s*info\s+exists\s+(\w+)\s*\]", cond)
        if m:
            value = m.group(1) in self.vars
        elif re.fullmatch(r"\$\w+", cond):
            value = self.vars.get(cond[1:], "0") not in ("0", "", "false", "no")
        else:
            # [using_jtag], [using_hla], expressions: nothing a flash bank
            # depends on in the scripts we read; take the plain branch.
            value = False
        return value != negate

    def run(self, text):
        for cmd in self.commands(text):
            w = self.words(cmd)
            if not w:
                continue
            if w[0] == "source" and len(w) >= 2:
                arg = w[-1]
                m = re.fullmatch(r"\[\s*find\s+(\S+)\s*\]", arg)
                self.source(self.subst(m.group(1)) if m else self.subst(arg))
            elif w[0] == "set" and len(w) == 3:
                self.vars[w[1]] = self.subst(w[2])
            elif w[0] == "if":
                self.run_if(w[1:])
            elif w[0] == "flash" and len(w) >= 6 and w[1] == "bank":
                self.banks.append((self.subst(w[2]), self.subst(w[3]),
                                   int(self.subst(w[4]), 0), int(self.subst(w[5]) or "0", 0)))
            # Anything else (proc, target create, adapter ...) does not
            # change where flash is.

    def run_if(self, w):
        while w:
            cond, body = w[0], w[1] if len(w) > 1 else "{}"
            rest = w[2:]
            if rest and rest[0] == "then":
                body, rest = rest[1], rest[2:]
            if self.condition(cond):
                self.run(body[1:-1])
                return
            if rest and rest[0] == "elseif":
                w = rest[1:]
            elif rest and rest[0] == "else":
                self.run(rest[1][1:-1])
                return
            else:
                return


def openocd_banks(openocd_args):
    """The banks openocd itself reports for the configuration, or None."""
    exe = shutil.which("openocd")
    if exe is None:
        return None
    try:
        p = subprocess.run([exe] + shlex.split(openocd_args) + ["-c", "flash banks", "-c", "shutdown"],
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    banks = re.findall(r"#\d+ : (\S+) \((\S+)\) at (0x[0-9a-f]+), size (0x[0-9a-f]+)",
                       p.stdout + p.stderr)
    return [(n, d, int(b, 16), int(s, 16)) for n, d, b, s in banks] or None


def load_segments(elf):
    """(PhysAddr, FileSiz) of every LOAD segment with file bytes."""
    segs = []
    for line in subprocess.run([READELF, "-lW", elf], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            phys, filesz = int(f[3], 16), int(f[4], 16)
            if filesz:
                segs.append((phys, filesz))
    return segs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--board", required=True)
    ap.add_argument("--openocd-args", required=True, help='as for make flash: "-f board/x.cfg"')
    ap.add_argument("--flash-size", required=True, type=lambda s: int(s, 0),
                    help="the board's flash size, for banks whose size is probed")
    ap.add_argument("elf", nargs="+")
    args = ap.parse_args()

    tcl = Tcl(SCRIPT_DIRS)
    argv = shlex.split(args.openocd_args)
    for opt, val in zip(argv[::2], argv[1::2]):
        if opt == "-f":
            tcl.source(val)
        elif opt == "-c":
            tcl.run(val)
    if not tcl.banks:
        print(f"FAIL flash-check {args.board}: no 'flash bank' in {args.openocd_args}")
        return 1
    main_bank = next((b for b in tcl.banks if b[0].endswith(".flash")), tcl.banks[0])
    name, driver, base, size = main_bank

    problems = []
    reported = openocd_banks(args.openocd_args)
    if reported is None:
        cross = "openocd cross-check skipped (openocd not runnable)"
    elif main_bank not in reported:
        problems.append(f"openocd reports banks {reported}, the parser found {main_bank}")
        cross = "openocd disagrees"
    else:
        cross = "openocd agrees"

    base_from = "cfg"
    if base == 0 and driver in DRIVER_BASE:
        base, base_from = DRIVER_BASE[driver], f"{driver} driver default"
    size_from = "cfg"
    if size == 0:
        size, size_from = args.flash_size, "board.mk (probed by the driver)"
    end = base + size

    print(f"{args.board}: bank {name} ({driver}) [{base:#010x}, {end:#010x}): "
          f"base from {base_from}, size from {size_from}; {cross}")
    for elf in args.elf:
        segs = load_segments(elf)
        label = os.path.basename(elf)
        bad = [(a, n) for a, n in segs if not (base <= a and a + n <= end)]
        for a, n in bad:
            problems.append(f"{label}: LOAD [{a:#010x}, {a + n:#010x}) outside the flash bank")
        if not segs:
            problems.append(f"{label}: no LOAD segment with bytes to program")
        elif min(a for a, _ in segs) != base:
            problems.append(f"{label}: image starts at {min(a for a, _ in segs):#010x}, "
                            f"not at the bank base {base:#010x} (no vector table at reset)")
        if segs and not bad:
            used = max(a + n for a, n in segs) - base
            print(f"  {label}: {len(segs)} LOAD segment(s), {used} bytes, "
                  f"{100.0 * used / size:.1f}% of flash")
    if problems:
        for p in problems:
            print(f"  {p}")
        print(f"FAIL flash-check {args.board}")
        return 1
    print(f"PASS flash-check {args.board}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
