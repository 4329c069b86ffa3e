#!/usr/bin/env python3
"""xv6 under hvlab and under QEMU's TCG, side by side: the speed anchor of DESIGN.md section 17.

Boots the same unmodified xv6 kernel (a Multiboot ELF) with the same file system in both, types
the same commands at its shell, and times each from the moment it is typed to xv6's next prompt
(the boot: from process start to the first prompt). QEMU runs without KVM (TCG), as a user of a
machine without hardware virtualization would run it; hvlab runs the kernel deprivileged at CPL 3
under trap-and-emulate or binary translation.

    benchmarks/scripts/xv6-versus-qemu.py XV6_BUILD [--modes trap,bt] [--commands forktest,usertests]
    benchmarks/scripts/xv6-versus-qemu.py XV6_BUILD --modes trap --commands usertests --until "mem test"

XV6_BUILD holds kernel and fs.img (../shared/xv6/build.sh XV6_BUILD makes them). Each run works
on its own copy of fs.img. Prints one line per step and a JSON summary (--json FILE) with the
seconds each took and the ratios hvlab/QEMU. During usertests each test's start is printed as a
lap ("createdelete test" at 4.94 s); --until TEXT ends the last command when TEXT appears instead
of at the prompt (usertests' "mem test", which hvlab on Unicorn 2.0.1 does not finish: DESIGN.md
section 17), so the tests before it are timed side by side.
"""
import argparse, json, os, select, shutil, subprocess, sys, tempfile, time

PROMPT = b"$ "


def run(name, argv, commands, timeout, log, until=None, laps=None):
    """Starts argv, answers each prompt with the next command; returns {step: seconds} or raises.

    until: bytes that end the last command where they appear, instead of its prompt.
    laps: a dict filled with {line: seconds since usertests was typed} for each line ending in "test".
    """
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen, steps, pending, line = b"", {}, list(commands), b""
    step, step_started = "boot", started
    try:
        while True:
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{name}: no prompt after {timeout} s in step '{step}'")
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"{name}: exited in step '{step}'")
            log.write(chunk); log.flush()
            seen += chunk
            if step == "usertests" and laps is not None:
                for byte in chunk.replace(b"\r", b""):
                    if byte == 10:
                        text = line.decode("latin-1").strip()
                        if text.endswith(" test") and text not in laps:
                            laps[text] = time.monotonic() - step_started
                            print(f"{name:10} {'lap':12} {laps[text]:8.2f} s  {text}", flush=True)
                        line = b""
                    else:
                        line += bytes([byte])
            if until is not None and not pending and step != "boot" and until in seen:
                steps[step] = time.monotonic() - step_started
                print(f"{name:10} {step:12} {steps[step]:8.2f} s  (until {until.decode()!r})", flush=True)
                return steps
            if seen.endswith(PROMPT) or seen.endswith(PROMPT + b"\n"):
                steps[step] = time.monotonic() - step_started
                print(f"{name:10} {step:12} {steps[step]:8.2f} s", flush=True)
                if step != "boot" and step in ("usertests",) and until is None and b"ALL TESTS PASSED" not in seen:
                    raise RuntimeError(f"{name}: usertests did not pass")
                if not pending:
                    return steps
                step = pending.pop(0)
                seen = b""
                time.sleep(0.2)
                step_started = time.monotonic()
                proc.stdin.write(step.encode() + b"\n"); proc.stdin.flush()
    finally:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--modes", default="trap,bt")
    ap.add_argument("--commands", default="forktest,usertests")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--hv", default=os.path.join(os.path.dirname(__file__), "..", "..", "hv"))
    ap.add_argument("--until", help='end the last command when this text appears (e.g. "mem test")')
    ap.add_argument("--json")
    args = ap.parse_args()
    until = args.until.encode() if args.until else None
    laps = {}
    kernel, fs = os.path.join(args.build, "kernel"), os.path.join(args.build, "fs.img")
    commands = [c for c in args.commands.split(",") if c]
    work = tempfile.mkdtemp(prefix="xv6-bench-")
    results = {}
    try:
        def disk(tag):
            copy = os.path.join(work, tag + ".img")
            shutil.copyfile(fs, copy)
            return copy
        with open(os.path.join(work, "console.log"), "ab") as log:
            qemu = ["qemu-system-i386", "-nographic", "-no-reboot", "-m", "256", "-smp", "1", "-accel", "tcg",
                    "-kernel", kernel, "-drive", f"file={disk('qemu')},index=1,media=disk,format=raw",
                    "-monitor", "none", "-serial", "stdio"]
            results["qemu-tcg"] = run("qemu-tcg", qemu, commands, args.timeout, log, until, laps.setdefault("qemu-tcg", {}))
            for mode in args.modes.split(","):
                hv = [args.hv, "run", kernel, "--apic", "--mem", "256M", "--mode", mode, "--disk", disk(mode),
                      "--timeout", "0", "--stdin"] + (["--if-mirror"] if mode == "trap" else [])
                results["hvlab-" + mode] = run("hvlab-" + mode, hv, commands, args.timeout, log, until,
                                               laps.setdefault("hvlab-" + mode, {}))
    except RuntimeError as e:
        print(e, file=sys.stderr)
        print(f"console output kept in {work}/console.log", file=sys.stderr)
        return 1
    base = results["qemu-tcg"]
    for name, steps in results.items():
        if name != "qemu-tcg":
            print(f"{name:10} " + ", ".join(f"{s} {steps[s] / base[s]:.1f}x QEMU" for s in steps))
    for name, own in laps.items():
        if name != "qemu-tcg" and own:
            # Each test's own time: from its line to the next test's line, against QEMU's.
            print(f"{name:10} per test (seconds, hvlab / QEMU):")
            names = [t for t in own if t in laps["qemu-tcg"]]
            for i, test in enumerate(names[:-1]):
                mine = own[names[i + 1]] - own[test]
                theirs = laps["qemu-tcg"][names[i + 1]] - laps["qemu-tcg"][test]
                print(f"  {test:40} {mine:8.2f} {theirs:8.2f}  {mine / theirs if theirs > 0 else float('inf'):6.1f}x")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"seconds": results, "ratioToQemu": {n: {s: st[s] / base[s] for s in st} for n, st in results.items()},
                       "usertestsLaps": laps}, out, indent=2)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
