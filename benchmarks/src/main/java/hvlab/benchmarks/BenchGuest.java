package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.unicorn.BareCpu;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.GuestImages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A benchmark guest ({@code guests/src/main/asm/bench_*.asm}) and the two machines it runs on:
 * a {@link BareCpu} (ring 0, no VMM) and a {@link Vm} (ring 3, the whole VMM).
 *
 * <p>Each benchmark guest starts with a small header, so the Java side never has to guess what
 * the assembly does:
 * <pre>
 *   offset 0   jmp short start, padded to 4 bytes
 *   offset 4   "BNCH"                   magic
 *   offset 8   dd iterations            patched here with the benchmark's count
 *   offset 12  dd per iteration         instructions (or traps) each iteration of the loop makes
 *   offset 16  dd counter address       only in guests that count their own work (bench_spin)
 * </pre>
 * The count per iteration is checked against the benchmark's own constant, which JMH needs at
 * compile time ({@code @OperationsPerInvocation}); a guest edited out of step fails loudly.
 *
 * <p>Most benchmark guests end with CLI and HLT, and {@link #runToHalt} insists on that ending.
 * A paravirtual guest ({@code bench_pv}) executes no privileged instruction at all, so it ends
 * with the shutdown hypercall instead, and {@link #runToShutdown} insists on that one.
 */
final class BenchGuest {
    private static final int MAGIC = 4;
    private static final int ITERATIONS = 8;
    private static final int PER_ITERATION = 12;
    private static final int COUNTER = 16;

    /** Guest RAM for benchmarks: the least the VMM allows, so that setting a machine up stays cheap. */
    static final long RAM = BootLayout.MIN_RAM;

    private BenchGuest() {}

    /**
     * Where a guest that counts its own work keeps the count ({@code bench_spin}): the guest-physical
     * address in its header at offset 16.
     */
    static long counterAddress(GuestImage image) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(image.code()).order(ByteOrder.LITTLE_ENDIAN).getInt(COUNTER));
    }

    /** The built-in guest {@code name} with its iteration count patched to {@code iterations}. */
    static GuestImage load(String name, int iterations, int perIteration) {
        byte[] code;
        try {
            code = GuestImages.resolve(name).code();
        } catch (GuestImageException e) {
            throw new IllegalStateException("benchmark guest " + name + " is not built in: " + e.getMessage(), e);
        }
        ByteBuffer header = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        String magic = new String(code, MAGIC, 4, StandardCharsets.US_ASCII);
        if (!magic.equals("BNCH")) {
            throw new IllegalStateException(name + " has no benchmark header (expected \"BNCH\" at offset 4, found \"" + magic + "\")");
        }
        if (header.getInt(PER_ITERATION) != perIteration) {
            throw new IllegalStateException(name + " makes " + header.getInt(PER_ITERATION)
                    + " operations per iteration, the benchmark counts " + perIteration + ": update one of them");
        }
        header.putInt(ITERATIONS, iterations);
        return new GuestImage(name, code);
    }

    /**
     * A VM with the whole VMM (all hooks, trap dispatch, devices), ready to {@link Vm#run()}
     * {@code image}, in {@code mode}: trap-and-emulate, binary translation or paravirtual.
     */
    static Vm vm(GuestImage image, ExecutionMode mode) {
        return new Vm(VmConfig.of(image).withMode(mode).withMemory(RAM).withTimeout(Duration.ofMinutes(1)), b -> { });
    }

    /** Runs a VM to its end and insists that it halted, so a broken guest cannot pass for a fast one. */
    static VmResult runToHalt(Vm vm) {
        VmResult result = vm.run();
        if (!(result.exit() instanceof VmExit.Halt)) {
            throw new IllegalStateException(result.guest() + " did not halt under the VMM: " + result.exit().describe());
        }
        return result;
    }

    /**
     * Runs a paravirtual VM to its end and insists that the guest shut itself down with code 0
     * (the shutdown hypercall), not that it found no hypervisor interface or failed some other way.
     */
    static VmResult runToShutdown(Vm vm) {
        VmResult result = vm.run();
        if (!(result.exit() instanceof VmExit.DebugExit(int code)) || code != 0) {
            throw new IllegalStateException(result.guest() + " did not shut down with code 0 under the VMM ("
                    + result.mode().label() + " mode): " + result.exit().describe());
        }
        return result;
    }

    /**
     * The same image on a bare CPU: ring 0, no VMM, entered at 1 MiB with the register state of
     * the guest ABI (ESP at the top of RAM, EBX = RAM size). Privileged instructions just run.
     */
    static final class OnBareCpu implements AutoCloseable {
        final BareCpu cpu = new BareCpu();
        final GuestMemory ram = new GuestMemory(RAM);

        OnBareCpu(GuestImage image) {
            ram.write(BootLayout.GUEST_LOAD_ADDRESS, image.code());
            cpu.map(0, ram, Protection.ALL);
            cpu.write(Register.ESP, (int) RAM);
            cpu.write(Register.EBX, (int) RAM);
        }

        /**
         * Runs the guest until its final HLT. No timeout: a timeout makes Unicorn start a
         * watchdog thread, and the bare CPU is meant to be the emulator alone.
         */
        BareCpu.Run runToHalt() {
            BareCpu.Run run = cpu.runUntilHalt(BootLayout.GUEST_LOAD_ADDRESS, Duration.ZERO);
            if (run.ending() != BareCpu.Run.Ending.HALTED) {
                throw new IllegalStateException("benchmark guest did not halt on the bare CPU: " + run);
            }
            return run;
        }

        /**
         * Runs the guest until its final HLT in time slices, as the VMM runs a guest: the exact
         * block-boundary stop armed ({@link BareCpu#armPreemption()}, once, before this) and the
         * slice timer ending a slice every {@code slice}; each stopped slice goes on from where
         * it stopped. Returns how many slices the timer ended, so a run that was never preempted
         * cannot pass for one that was.
         */
        int runSlicedToHalt(Duration slice) {
            long eip = BootLayout.GUEST_LOAD_ADDRESS;
            for (int preempted = 0; ; preempted++) {
                BareCpu.Run run = cpu.runSlice(eip, slice);
                switch (run.ending()) {
                    case HALTED -> {
                        return preempted;
                    }
                    case STOPPED -> eip = run.eip();
                    default -> throw new IllegalStateException("benchmark guest did not halt on the bare CPU: " + run);
                }
            }
        }

        @Override
        public void close() {
            cpu.close();
            ram.close();
        }
    }
}
