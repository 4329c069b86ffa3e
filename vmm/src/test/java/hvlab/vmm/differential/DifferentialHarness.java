package hvlab.vmm.differential;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.cpu.unicorn.BareCpu;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.reference.BareMachine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Runs one guest image twice and compares what the guest itself could observe:
 * <ol>
 *   <li><b>natively</b>, on a {@link BareCpu}: Unicorn at real CPL 0, no VMM, privileged and
 *       sensitive instructions simply execute. This is the reference ("what would a real CPU
 *       have done?");</li>
 *   <li><b>under the VMM</b> in {@code bt} mode: the guest kernel deprivileged to real CPL 3,
 *       privileged instructions trapped and emulated, sensitive ones translated.</li>
 * </ol>
 * Both start from the entry state of the guest ABI (DESIGN.md section 5, {@link BootLayout}):
 * image at 0x100000, flat code/data segments, virtual CPL 0, IF = 0, ESP = top of RAM, EBX = RAM
 * size. Compared afterwards: EAX..EDI, EFLAGS (see {@link #FLAGS_COMPARED}), every byte of guest
 * RAM (a CRC-32 first, a byte diff when it differs), the COM1 output and how the guest ended.
 */
public final class DifferentialHarness {
    /** Small enough to checksum quickly, big enough for any test guest (the image goes at 1 MiB). */
    public static final long DEFAULT_MEMORY = 4L << 20;
    static final int COM1 = 0x3F8;
    static final int COM1_LSR = 0x3FD;
    static final int DEBUG_EXIT = 0xF4;
    /** LSR bits 5 and 6, THRE and TEMT: the transmitter is always ready, as the VMM's 16550 says. */
    static final int LSR_READY = 0x60;

    static final int IF = 1 << 9;
    static final int IOPL = 3 << 12;
    static final int RF = 1 << 16;
    /**
     * EFLAGS bits compared directly between the two real CPUs: everything except
     * <ul>
     *   <li>IF (bit 9): under the VMM the real IF is always 1 so that the VMM keeps its timer;
     *       the guest's IF is virtual ({@link VirtualCpu#interruptsEnabled()}). It is compared
     *       separately, against the virtual CPU, which is what PUSHF shows the guest in bt mode;</li>
     *   <li>IOPL (bits 12-13): the real IOPL stays 0 so CLI/STI and port I/O keep trapping; the
     *       guest's IOPL is virtual, and likewise compared separately;</li>
     *   <li>RF (bit 16): the resume flag is internal to instruction restart after a fault; it is
     *       not visible to the guest (PUSHF stores it as 0) and the two CPUs stop in different
     *       ways (the VMM after emulating an OUT or HLT trap, the bare CPU inside a hook).</li>
     * </ul>
     */
    static final int FLAGS_COMPARED = ~(IF | IOPL | RF);

    private DifferentialHarness() {}

    /** What one run left behind that the guest could see. */
    public record Outcome(String how, Map<String, Integer> registers, int eflags, boolean interruptsEnabled, int iopl,
                          byte[] ram, String serial, String exit) {
        long ramCrc() {
            CRC32 crc = new CRC32();
            crc.update(ram);
            return crc.getValue();
        }
    }

    /** Both outcomes and the differences between them (empty when the VMM was faithful). */
    public record Comparison(Outcome reference, Outcome vmm, List<String> differences) {
        public boolean same() {
            return differences.isEmpty();
        }

        public String report() {
            StringBuilder b = new StringBuilder();
            b.append(differences.isEmpty() ? "no differences" : differences.size() + " difference(s) between bare CPU (CPL 0) and VMM (" + vmm.how() + " mode):")
                    .append('\n');
            for (String d : differences) {
                b.append("  - ").append(d).append('\n');
            }
            b.append("  exit: bare=").append(reference.exit()).append(", vmm=").append(vmm.exit()).append('\n');
            b.append("  serial (bare):\n").append(indent(reference.serial()));
            if (!reference.serial().equals(vmm.serial())) {
                b.append("  serial (vmm):\n").append(indent(vmm.serial()));
            }
            return b.toString();
        }
    }

    public static Comparison compare(GuestImage image) {
        return compare(image, DEFAULT_MEMORY);
    }

    public static Comparison compare(GuestImage image, long memoryBytes) {
        return compare(image, memoryBytes, ExecutionMode.BT);
    }

    /**
     * The same against the VMM in {@code mode}. Trap mode cannot be told apart either for guests
     * that use no sensitive unprivileged instruction (PUSHF, SGDT...: Popek and Goldberg's
     * condition, which only bt repairs): paging among them.
     */
    public static Comparison compare(GuestImage image, long memoryBytes, ExecutionMode mode) {
        Outcome bare = runBare(image, memoryBytes);
        Outcome vmm = runVmm(image, memoryBytes, mode);
        return new Comparison(bare, vmm, differences(bare, vmm));
    }

    // ---- the reference: Unicorn at real CPL 0 ----

    /**
     * The bare CPU gets the ABI's entry state by real means: a boot GDT with the ABI's selectors
     * (0x08 kernel code, 0x10 kernel data, 0x18/0x20 user code/data) and real CPL 0. The GDT sits
     * at guest-physical 0 with limit 0xFFFF, because that is what the VMM's virtual GDTR holds
     * before the guest loads a GDT of its own (so SGDT at entry answers the same on both), and
     * its descriptors are the VMM's, accessed bits preset. The IDTR is the virtual CPU's reset
     * value (base 0, limit 0x3FF).
     *
     * <p>Those 40 bytes at address 0 are the one place where the two RAMs differ by construction:
     * the VMM describes its boot GDT virtually, without writing guest RAM. They are left out of
     * the memory comparison ({@link #BOOT_GDT_BYTES}).
     */
    static Outcome runBare(GuestImage image, long memoryBytes) {
        BareMachine.Run run = BareMachine.run(image, memoryBytes, Duration.ofSeconds(10));
        int eflags = run.eflags();
        return new Outcome("bare", run.registers(), eflags, (eflags & IF) != 0, (eflags & IOPL) >>> 12, run.ram(), run.serial(),
                run.exit());
    }

    /** Guest-physical 0..39: the native boot GDT (see {@link BareMachine}), excluded from the RAM comparison. */
    static final int BOOT_GDT_BYTES = BareMachine.BOOT_GDT_BYTES;

    // ---- the VMM (bt mode unless asked otherwise) ----

    static Outcome runVmm(GuestImage image, long memoryBytes, ExecutionMode mode) {
        VmConfig config = VmConfig.of(image).withMode(mode).withMemory(memoryBytes).withTimeout(Duration.ofSeconds(10));
        try (Vm vm = new Vm(config, b -> { })) {
            VmResult result = vm.run();
            CpuBackend cpu = vm.cpu();
            Map<String, Integer> registers = new LinkedHashMap<>();
            for (Register r : Register.GENERAL_32) {
                registers.put(r.name(), cpu.read(r));
            }
            VirtualCpu vcpu = vm.virtualCpu();
            String exit = switch (result.exit()) {
                case VmExit.DebugExit d -> "debug-exit " + (d.value() & 0xFF);
                case VmExit.Halt h -> "halt";
                case VmExit other -> other.describe();
            };
            return new Outcome(mode.label(), registers, cpu.read(Register.EFLAGS), vcpu.interruptsEnabled(), vcpu.iopl(),
                    vm.ram().readBytes(0, (int) memoryBytes), result.serial(), exit);
        }
    }

    // ---- the comparison ----

    static List<String> differences(Outcome bare, Outcome vmm) {
        List<String> d = new ArrayList<>();
        if (!bare.exit().equals(vmm.exit())) {
            d.add("exit: bare=" + bare.exit() + ", vmm=" + vmm.exit());
        }
        for (String r : bare.registers().keySet()) {
            int a = bare.registers().get(r);
            int b = vmm.registers().get(r);
            if (a != b) {
                d.add(String.format("%s: bare=%08X vmm=%08X", r, a, b));
            }
        }
        int fa = bare.eflags() & FLAGS_COMPARED;
        int fb = vmm.eflags() & FLAGS_COMPARED;
        if (fa != fb) {
            d.add(String.format("EFLAGS (IF, IOPL, RF masked): bare=%08X vmm=%08X differ in %s", fa, fb, flagNames(fa ^ fb)));
        }
        if (bare.interruptsEnabled() != vmm.interruptsEnabled()) {
            d.add("IF: bare=" + bare.interruptsEnabled() + ", virtual IF under the VMM=" + vmm.interruptsEnabled());
        }
        if (bare.iopl() != vmm.iopl()) {
            d.add("IOPL: bare=" + bare.iopl() + ", virtual IOPL under the VMM=" + vmm.iopl());
        }
        if (!bare.serial().equals(vmm.serial())) {
            d.add("serial output differs (both shown below)");
        }
        d.addAll(ramDifferences(bare.ram(), vmm.ram()));
        return d;
    }

    private static List<String> ramDifferences(byte[] a, byte[] b) {
        byte[] x = a.clone();
        byte[] y = b.clone();
        for (int i = 0; i < BOOT_GDT_BYTES; i++) {
            x[i] = 0;
            y[i] = 0;
        }
        CRC32 ca = new CRC32();
        ca.update(x);
        CRC32 cb = new CRC32();
        cb.update(y);
        if (ca.getValue() == cb.getValue() && java.util.Arrays.equals(x, y)) {
            return List.of();
        }
        List<String> d = new ArrayList<>();
        int count = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                if (count < 16) {
                    first.append(String.format("%n      [%#08x] bare=%02X vmm=%02X", i, x[i] & 0xFF, y[i] & 0xFF));
                }
                count++;
            }
        }
        d.add(String.format("guest RAM (bytes 0-%d excluded): CRC-32 bare=%08X vmm=%08X, %d byte(s) differ, first ones:%s",
                BOOT_GDT_BYTES - 1, ca.getValue(), cb.getValue(), count, first));
        return d;
    }

    private static String flagNames(int bits) {
        String[] names = {"CF", "1", "PF", "3", "AF", "5", "ZF", "SF", "TF", "IF", "DF", "OF", "IOPL0", "IOPL1", "NT", "15",
                "RF", "VM", "AC", "VIF", "VIP", "ID"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(i < names.length ? names[i] : "bit" + i);
            }
        }
        return String.join(",", out);
    }

    private static String indent(String text) {
        if (text.isEmpty()) {
            return "    (nothing)\n";
        }
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                b.append("    ").append(line).append('\n');
            }
        }
        return b.toString();
    }
}
