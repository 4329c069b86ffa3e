#!/usr/bin/env python3
"""Where a trap's time goes: attributes perf samples of JMH's benchmark thread to the steps of the
trap path (docs/trap-path.md says how it was used).

    perf record -F 2999 -g -o trap.data -- java -cp benchmarks/target/benchmarks.jar \
        org.openjdk.jmh.Main B03 -f 1 -wi 2 -w 1 -i 5 -r 1 \
        -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer"
    perf script -i trap.data -F comm,tid,ip,sym,dso > trap.script
    python3 docs/trap-profile.py hvlab.benchmark trap.script NS_PER_TRAP

Each sample is given to the first step whose marker appears in its stack, leaf first. libunicorn
has no frame pointers, so a memcpy inside uc_context_save shows up right under the Java hook:
the only big copies on the trap path are the #1883 context copies, hence the first rule.
"""
import sys, collections
# Leaf-first attribution of `perf script -F comm,tid,ip,sym,dso` samples of JMH's benchmark thread.
RULES = [
    ("#1883 latch (context save/restore copies)", ["__memmove", "uc_context_save", "uc_context_restore", "ExceptionLatchWorkaround"]),
    ("trap log sampling (clock read)", ["clock_gettime", "TrapDiary", "TrapLog", "javaTimeNanos"]),
    ("FFM downcalls (uc_reg_read/write, uc_context_*)", ["nep_invoker_blob", "linkToNative", "uc_reg_", "x86_reg_", "reg_read", "reg_write", "uc_emu_stop", "cpu_exit"]),
    ("FFM upcall entry/exit (JVM)", ["UpcallLinker", "JNIHandleBlock", "can_call_java", "LambdaForm$MH", "MethodHandle.invokeBasic", "upcall"]),
    ("decode (instruction cache, Capstone)", ["InstructionCache", "libcapstone", "Capstone", "Arrays.equals", "ArraysSupport", "HashMap"]),
    ("emulation and its classification", ["PrivilegedInstructions", "SetN.probe", "String.equals", "StackSegmentLoad", "IretEmulation", "VirtualCpu"]),
    ("dispatcher (Java)", ["TrapDispatcher", "TrapCounters", "RealFlags", "GuestRam", "Pic8259", "PcPlatform", "IoBus", "IoPermission", "ExitRequest"]),
    ("hook (Java)", ["UnicornTrapHooks", "UnicornEngine", "UnicornBackend"]),
    ("Unicorn: exception exit, cpu_exec re-entry, TB lookup", ["libunicorn", "longjmp", "sigsetjmp", "sigjmp", "pthread_cleanup"]),
    ("guest code (TCG output)", ["[unknown] (/tmp/perf", "[unknown] ([unknown])"]),
]
want = sys.argv[1] if len(sys.argv) > 1 else "hvlab.benchmark"
counts = collections.Counter(); total = 0
def classify(stack):
    leaf = stack[0]
    if "Interpreter" in leaf or "kernel.kallsyms" in leaf or "libjvm" in leaf and "Upcall" not in leaf and "JNIHandle" not in leaf and "can_call_java" not in leaf and "javaTimeNanos" not in leaf:
        return "other (JIT, class loading, setup, kernel)"
    for frame in stack:
        for name, marks in RULES:
            if any(m in frame for m in marks):
                return name
    return "other (JIT, class loading, setup, kernel)"
comm = None; stack = []
def flush():
    global total
    if comm and comm.startswith(want) and stack:
        total += 1; counts[classify(stack)] += 1
for line in open(sys.argv[2] if len(sys.argv) > 2 else "/dev/stdin", errors="replace"):
    if line and not line[0].isspace():
        flush(); comm = line.split()[0] if line.strip() else None; stack = []
    elif line.strip():
        parts = line.strip().split(None, 1)
        stack.append(parts[1] if len(parts) > 1 else parts[0])
flush()
ns = float(sys.argv[3]) if len(sys.argv) > 3 else None
other = counts.pop("other (JIT, class loading, setup, kernel)", 0)
inside = total - other
print(f"samples {total}, of which {other} outside the trap loop (setup, JIT, interpreter, kernel); shares below are of the {inside} inside")
for k, v in counts.most_common():
    extra = f"  ~{ns*v/inside:5.0f} ns" if ns else ""
    print(f"{100*v/inside:6.1f}%{extra}  {k}")
