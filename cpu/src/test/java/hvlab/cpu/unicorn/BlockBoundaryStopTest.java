package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.StopReason;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stopping a CPU from outside must be invisible to the code it runs. The loop below pushes,
 * adds into memory and pops; a stop that replayed part of a block would leave the stack or the
 * sum wrong. It runs once straight through and once cut into hundreds of tiny slices; both must
 * end with the same registers and memory.
 */
class BlockBoundaryStopTest {
    static final long CODE = 0x1000;
    static final long SUM = 0x3000;
    static final StopReason DONE = new StopReason() { };

    /*
     *   mov esp, 0x8000
     *   mov ecx, 3000000
     * l: push ecx
     *   add [0x3000], ecx
     *   xor eax, ecx
     *   pop ecx
     *   dec ecx
     *   jnz l
     *   out 0xf4, al
     */
    static final int[] LOOP = {
        0xBC, 0x00, 0x80, 0x00, 0x00,
        0xB9, 0xC0, 0xC6, 0x2D, 0x00,
        0x51,
        0x01, 0x0D, 0x00, 0x30, 0x00, 0x00,
        0x31, 0xC8,
        0x59,
        0x49,
        0x75, 0xF3,
        0xE6, 0xF4
    };

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private record Outcome(int eax, int esp, int ecx, int sum, int slices) {}

    private Outcome run(Duration slice) {
        GuestMemory memory = new GuestMemory(0x10000);
        UnicornBackend cpu = new UnicornBackend();
        open.add(memory);
        open.add(cpu);
        cpu.map(0, memory, Protection.ALL);
        byte[] bytes = new byte[LOOP.length];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) LOOP[i];
        memory.write(CODE, bytes);
        cpu.setTrapHandler(trap -> trap instanceof Trap.PortOut ? TrapOutcome.stop(DONE) : TrapOutcome.CONTINUE);
        long eip = CODE;
        int slices = 0;
        while (true) {
            RunResult result = cpu.run(eip, slice);
            if (result.cause() == RunResult.Cause.STOPPED) {
                assertSame(DONE, result.reason());
                break;
            }
            assertEquals(RunResult.Cause.SLICE_ENDED, result.cause(), result.detail());
            slices++;
            eip = Integer.toUnsignedLong(cpu.read(Register.EIP));
        }
        return new Outcome(cpu.read(Register.EAX), cpu.read(Register.ESP), cpu.read(Register.ECX), memory.read32(SUM), slices);
    }

    @RepeatedTest(3)
    void manySlicesComputeExactlyWhatOneRunComputes() {
        Outcome straight = run(Duration.ZERO);
        Outcome sliced = run(Duration.ofNanos(50_000));
        assertTrue(sliced.slices() > 20, "the loop was really cut into slices: " + sliced.slices());
        assertEquals(new Outcome(straight.eax(), straight.esp(), straight.ecx(), straight.sum(), 0),
                new Outcome(sliced.eax(), sliced.esp(), sliced.ecx(), sliced.sum(), 0));
        assertEquals(0x8000, sliced.esp());
    }

    @Test
    void aStopRequestedFromAnotherThreadEndsTheRunAndTheGuestResumes() throws Exception {
        GuestMemory memory = new GuestMemory(0x10000);
        UnicornBackend cpu = new UnicornBackend();
        open.add(memory);
        open.add(cpu);
        cpu.map(0, memory, Protection.ALL);
        memory.write(CODE, new byte[] {(byte) 0xEB, (byte) 0xFE}); // jmp $: never traps
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
            }
            cpu.requestStop();
        });
        stopper.start();
        RunResult result = cpu.run(CODE, Duration.ZERO);
        stopper.join();
        assertEquals(RunResult.Cause.REQUESTED, result.cause());
        assertEquals(CODE, Integer.toUnsignedLong(cpu.read(Register.EIP)), "stopped on the loop's only instruction");
    }

    @Test
    void aStopRequestedBetweenRunsEndsTheNextRunBeforeItStarts() {
        GuestMemory memory = new GuestMemory(0x10000);
        UnicornBackend cpu = new UnicornBackend();
        open.add(memory);
        open.add(cpu);
        cpu.map(0, memory, Protection.ALL);
        memory.write(CODE, new byte[] {(byte) 0x40, (byte) 0xEB, (byte) 0xFD}); // inc eax ; jmp back
        cpu.requestStop();
        assertEquals(RunResult.Cause.REQUESTED, cpu.run(CODE, Duration.ZERO).cause());
        assertEquals(0, cpu.read(Register.EAX), "nothing ran");
        RunResult next = cpu.run(CODE, Duration.ofMillis(20));
        assertEquals(RunResult.Cause.SLICE_ENDED, next.cause(), "the request was used up");
        assertTrue(cpu.read(Register.EAX) > 0);
    }
}
