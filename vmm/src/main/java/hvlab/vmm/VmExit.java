package hvlab.vmm;

/**
 * Why a VM stopped for good. {@link #reason()} is the word reports and JSON use;
 * {@link #status()} is the process exit status {@code hv run} ends with.
 */
public sealed interface VmExit {
    /** Exit status for a guest that faulted or reached something the VMM does not emulate (sysexits EX_SOFTWARE). */
    int SOFTWARE_ERROR = 70;

    String reason();

    int status();

    /** One line for a person. */
    String describe();

    /** HLT with interrupts disabled: the guest is done, and nothing could ever wake it. */
    record Halt(long eip) implements VmExit {
        public String reason() { return "halt"; }
        public int status() { return 0; }
        public String describe() { return String.format("guest halted at %#x", eip); }
    }

    /** The guest turned its machine off through the power-management port (after the power button, say). */
    record PowerOff() implements VmExit {
        public String reason() { return "poweroff"; }
        public int status() { return 0; }
        public String describe() { return "the guest powered its machine off"; }
    }

    /** The guest wrote {@code value} to the debug-exit port 0xF4 (QEMU's isa-debug-exit convention). */
    record DebugExit(int value) implements VmExit {
        public String reason() { return "debug-exit"; }
        public int status() { return ((value & 0xFF) << 1) | 1; }
        public String describe() { return "guest wrote " + (value & 0xFF) + " to the debug-exit port"; }
    }

    /** A processor exception the guest did not handle (it has no IDT to handle it with). */
    record Fault(int vector, long eip, String detail) implements VmExit {
        public String reason() { return "fault"; }
        public int status() { return SOFTWARE_ERROR; }
        public String describe() {
            return String.format("guest fault %s (vector %d) at eip %#x%s", ExceptionNames.mnemonic(vector), vector, eip,
                    detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** The guest touched memory that is not there (or not writable, or not executable). */
    record MemoryFault(String access, long address, long eip, boolean unmapped) implements VmExit {
        public String reason() { return "fault"; }
        public int status() { return SOFTWARE_ERROR; }
        public String describe() {
            return String.format("guest fault at eip %#x: %s of %s address %#x", eip, access, unmapped ? "unmapped" : "protected", address);
        }
    }

    /** A privileged instruction this VMM does not emulate (yet). */
    record NotEmulated(String instruction, long eip) implements VmExit {
        public String reason() { return "not-emulated"; }
        public int status() { return SOFTWARE_ERROR; }
        public String describe() { return String.format("not emulated yet: %s at %#x", instruction, eip); }
    }

    /** The guest was still running when its time was up. */
    record Timeout(long millis) implements VmExit {
        public String reason() { return "timeout"; }
        public int status() { return SOFTWARE_ERROR; }
        public String describe() { return "guest still running after " + millis + " ms"; }
    }

    /** The emulator itself failed. */
    record CpuError(String message) implements VmExit {
        public String reason() { return "cpu-error"; }
        public int status() { return SOFTWARE_ERROR; }
        public String describe() { return "CPU emulator error: " + message; }
    }
}
