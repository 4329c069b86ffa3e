package hvlab.vmm.host;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.unicorn.BareCpu;

import java.time.Duration;

/**
 * How fast this host runs guest code, measured once: a register-only loop on a bare CPU for a
 * few tens of milliseconds. The host multiplies a VM's CPU share by this to estimate its guest
 * instructions per second; memory-heavy code runs slower than this loop, so the estimate is an
 * upper bound, and {@code vm info} says so.
 */
final class HostSpeed {
    private static final long CODE = 0x1000;
    private static final int ITERATIONS = 2_000_000;
    private static final int INSTRUCTIONS_PER_ITERATION = 4;
    private static volatile double mips = -1;

    private HostSpeed() {}

    static double aluMips() {
        double known = mips;
        if (known < 0) {
            synchronized (HostSpeed.class) {
                if (mips < 0) {
                    mips = measure();
                }
                known = mips;
            }
        }
        return known;
    }

    private static double measure() {
        try (GuestMemory memory = new GuestMemory(0x10000); BareCpu cpu = new BareCpu()) {
            cpu.map(0, memory, Protection.ALL);
            // mov ecx, N ; l: add eax, ecx ; xor ebx, eax ; dec ecx ; jnz l ; hlt
            byte[] loop = {(byte) 0xB9, (byte) ITERATIONS, (byte) (ITERATIONS >> 8), (byte) (ITERATIONS >> 16), 0,
                0x01, (byte) 0xC8, 0x31, (byte) 0xC3, 0x49, 0x75, (byte) 0xF9, (byte) 0xF4};
            memory.write(CODE, loop);
            cpu.runUntilHalt(CODE, Duration.ZERO); // warm up: translate the loop once
            BareCpu.Run run = cpu.runUntilHalt(CODE, Duration.ZERO);
            double seconds = Math.max(run.seconds(), 1e-6);
            return (double) ITERATIONS * INSTRUCTIONS_PER_ITERATION / seconds / 1e6;
        } catch (RuntimeException unavailable) {
            return 0;
        }
    }
}
