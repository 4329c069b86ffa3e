package hvlab.cpu.unicorn;

import hvlab.cpu.FpuState;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.MemoryAccess;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.RunResult;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Runs tiny machine-code fragments at CPL 0 on bare Unicorn: the binding, not the VMM. */
class UnicornBackendTest {
    static final long CODE = 0x1000;
    final GuestMemory memory = new GuestMemory(0x10000);
    final UnicornBackend cpu = new UnicornBackend();
    final List<Trap> traps = new ArrayList<>();

    UnicornBackendTest() {
        cpu.map(0, memory, Protection.ALL);
    }

    @AfterEach
    void close() {
        cpu.close();
        memory.close();
    }

    private RunResult run(int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) bytes[i] = (byte) code[i];
        memory.write(CODE, bytes);
        return cpu.run(CODE, Duration.ofSeconds(5));
    }

    @Test
    void reportsItsVersion() {
        assertTrue(UnicornBackend.version().startsWith("2."), UnicornBackend.version());
    }

    @Test
    void portOutputReachesTheHandlerAndAStopEndsTheRun() {
        cpu.setTrapHandler(trap -> {
            traps.add(trap);
            return TrapOutcome.STOP;
        });
        // mov al, 0x2a ; out 0xf4, al
        RunResult result = run(0xB0, 0x2A, 0xE6, 0xF4);
        assertEquals(RunResult.Cause.STOPPED, result.cause());
        assertEquals(List.of(new Trap.PortOut(0xF4, 1, 0x2A)), traps);
    }

    @Test
    void portInputReturnsTheHandlersValue() {
        cpu.setTrapHandler(trap -> switch (trap) {
            case Trap.PortIn in -> TrapOutcome.value(0x1234);
            default -> TrapOutcome.STOP;
        });
        // mov dx, 0x60 ; in ax, dx ; out 0x80, al
        run(0x66, 0xBA, 0x60, 0x00, 0x66, 0xED, 0xE6, 0x80);
        assertEquals(0x1234, cpu.read(Register.EAX) & 0xFFFF);
    }

    @Test
    void unmappedReadIsAMemoryFaultWithItsAddress() {
        cpu.setTrapHandler(trap -> {
            traps.add(trap);
            return TrapOutcome.STOP;
        });
        // mov eax, [0x00500000]
        RunResult result = run(0xA1, 0x00, 0x00, 0x50, 0x00);
        assertEquals(RunResult.Cause.STOPPED, result.cause());
        Trap.MemoryFault fault = (Trap.MemoryFault) traps.getFirst();
        assertEquals(MemoryAccess.READ, fault.access());
        assertEquals(0x500000, fault.address());
        assertTrue(fault.unmapped());
    }

    @Test
    void softwareInterruptArrivesWithEipPastTheInstruction() {
        cpu.setTrapHandler(trap -> {
            traps.add(trap);
            return TrapOutcome.STOP;
        });
        run(0xCD, 0x82); // int 0x82
        assertEquals(new Trap.SoftwareInterrupt(0x82, CODE + 2), traps.getFirst());
    }

    @Test
    void watchedInstructionFiresOnlyThereAndCanBeSkipped() {
        cpu.watchInstruction(CODE + 2);
        cpu.setTrapHandler(trap -> {
            traps.add(trap);
            if (trap instanceof Trap.WatchedInstruction w) {
                cpu.write(Register.EIP, (int) w.eip() + 2); // skip "mov al, 1"
                return TrapOutcome.CONTINUE;
            }
            return TrapOutcome.STOP;
        });
        // mov al, 7 ; mov al, 1 ; out 0x80, al
        run(0xB0, 0x07, 0xB0, 0x01, 0xE6, 0x80);
        assertEquals(List.of(new Trap.WatchedInstruction(CODE + 2), new Trap.PortOut(0x80, 1, 7)), traps);
    }

    @Test
    void fpuAndSseRegistersReadBackWhatWasWritten() {
        byte[] x87 = new byte[FpuState.X87_BYTES];
        byte[] sse = new byte[FpuState.SSE_BYTES];
        for (int i = 0; i < sse.length; i++) sse[i] = (byte) (i * 7 + 1);
        x87[0] = 1; x87[8] = (byte) 0xFF; x87[9] = 0x3F; // R0 = 1.0 (significand 1, exponent 0x3FFF)
        FpuState state = new FpuState(x87, sse, 0x037F, 0, 0x0000, 0x1F80);
        cpu.writeFpu(state);
        FpuState back = cpu.readFpu();
        assertArrayEquals(sse, back.sse());
        assertEquals(0x037F, back.control());
        assertEquals(0x1F80, back.mxcsr());
    }

    @Test
    void exceptionLatchOffsetIsFoundByCalibration() {
        assertTrue(ExceptionLatchWorkaround.offset() > 0);
    }

    @Test
    void anExceptionInAHandlerComesBackFromRun() {
        cpu.setTrapHandler(trap -> {
            throw new IllegalStateException("handler broke");
        });
        var e = assertThrows(IllegalStateException.class, () -> run(0xE6, 0x80));
        assertEquals("handler broke", e.getMessage());
    }
}
