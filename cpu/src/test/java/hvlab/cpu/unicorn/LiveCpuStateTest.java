package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The live CPU state is found, is what a context copy holds, and clearing the #1883 latch there works. */
class LiveCpuStateTest {

    @Test
    void theLiveStateIsFoundAndHoldsWhatAContextSaves() {
        try (UnicornEngine engine = new UnicornEngine()) {
            LiveCpuState found = LiveCpuState.locate(engine);
            assertNotNull(found, "the live CPU state of libunicorn " + UnicornEngine.version() + " is found");
            MemorySegment live = found.bytes();
            MemorySegment context = engine.allocateContext();
            try {
                engine.writeRegister(hvlab.cpu.NativeRegisterNumbers.numberOf(Register.ESI), 0x5EED_1234L);
                engine.saveContext(context);
                assertEquals(-1, live.mismatch(context.asSlice(LiveCpuState.dataOffset(context), LiveCpuState.dataBytes(context))),
                        "after a register write, the live state and a fresh copy still agree byte for byte");
            } finally {
                engine.freeContext(context);
            }
        }
    }

    @Test
    void eachEngineHasItsOwnState() {
        try (UnicornEngine one = new UnicornEngine(); UnicornEngine two = new UnicornEngine()) {
            assertNotEquals(LiveCpuState.locate(one).bytes().address(), LiveCpuState.locate(two).bytes().address());
        }
    }

    @Test
    void eipReadsAndWritesInPlaceAsTheRegisterApiDoes() {
        try (UnicornEngine engine = new UnicornEngine()) {
            LiveCpuState live = LiveCpuState.locate(engine);
            int eip = hvlab.cpu.NativeRegisterNumbers.numberOf(Register.EIP);
            engine.writeRegister(eip, 0x0010_2030L);
            assertEquals(0x0010_2030, live.eip());
            live.setEip(0x0040_5060);
            assertEquals(0x0040_5060L, engine.readRegister(eip));
        }
    }

    @Test
    void theGeneralRegistersReadAndWriteInPlaceAsTheRegisterApiDoes() {
        try (UnicornEngine engine = new UnicornEngine()) {
            LiveCpuState live = LiveCpuState.locate(engine);
            for (int i = 0; i < Register.GENERAL_32.length; i++) {
                int id = hvlab.cpu.NativeRegisterNumbers.numberOf(Register.GENERAL_32[i]);
                engine.writeRegister(id, 0x8000_0000L | i);
                assertEquals(0x8000_0000 | i, live.general(i), Register.GENERAL_32[i].name());
                live.setGeneral(i, 0x4000_0000 | i << 4);
                assertEquals(0x4000_0000L | i << 4, engine.readRegister(id), Register.GENERAL_32[i].name());
            }
        }
    }

    @Test
    void theSystemFlagsReadInPlaceAreEflagsWithoutTheArithmeticOnes() {
        try (UnicornEngine engine = new UnicornEngine()) {
            LiveCpuState live = LiveCpuState.locate(engine);
            int eflags = hvlab.cpu.NativeRegisterNumbers.numberOf(Register.EFLAGS);
            engine.writeRegister(eflags, 0x2203 | 0x8C0); // IOPL 2, IF, and CF, ZF, SF, OF
            assertEquals(0x2202, live.systemFlags(), "IOPL and IF kept, the arithmetic flags left out");
            assertEquals(0x2202, (int) engine.readRegister(eflags) & ~hvlab.cpu.CpuBackend.ARITHMETIC_FLAGS);
        }
    }

    /**
     * Many faults in a row, each cleared in place: with the latch left set, the second would be
     * reported as a double fault (8) and the third would end the engine (Unicorn #1883).
     */
    @Test
    void faultAfterFaultStaysAGeneralProtectionFault() {
        try (GuestMemory memory = new GuestMemory(0x10000)) {
            UnicornBackend cpu = new UnicornBackend();
            try {
                cpu.map(0, memory, Protection.ALL);
                // mov ax, 0x28 ; then 1,000 x (mov ds, ax), each beyond the (absent) GDT's limit; hlt
                int faults = 1000;
                byte[] code = new byte[4 + 2 * faults + 1];
                code[0] = 0x66; code[1] = (byte) 0xB8; code[2] = 0x28; code[3] = 0;
                for (int i = 0; i < faults; i++) {
                    code[4 + 2 * i] = (byte) 0x8E;
                    code[5 + 2 * i] = (byte) 0xD8;
                }
                code[code.length - 1] = (byte) 0xF4;
                memory.write(0x1000, code);
                List<Integer> vectors = new ArrayList<>();
                cpu.setTrapHandler(trap -> {
                    if (trap instanceof Trap.Fault fault) {
                        vectors.add(fault.vector());
                        cpu.write(Register.EIP, (int) fault.eip() + 2);
                        return TrapOutcome.CONTINUE;
                    }
                    return TrapOutcome.STOP;
                });
                cpu.run(0x1000, Duration.ofSeconds(10));
                assertEquals(faults, vectors.size());
                assertTrue(vectors.stream().allMatch(v -> v == 13), "every fault reported as #GP");
            } finally {
                cpu.close();
            }
        }
    }
}
