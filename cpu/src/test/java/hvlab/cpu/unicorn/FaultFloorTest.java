package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The floor benchmark's machine does what it claims, both ways: every fault resumed, every one a #GP. */
class FaultFloorTest {

    @Test
    void everyFaultIsResumedPastItsInstructionAndStaysAGeneralProtectionFault() {
        for (FaultFloor.Way way : FaultFloor.Way.values()) {
            try (GuestMemory memory = new GuestMemory(0x10000); FaultFloor floor = new FaultFloor(way, 2)) {
                // mov ax, 0x28 ; 100 x (mov ds, ax) ; hlt
                byte[] code = new byte[4 + 200 + 1];
                code[0] = 0x66; code[1] = (byte) 0xB8; code[2] = 0x28;
                for (int i = 0; i < 100; i++) {
                    code[4 + 2 * i] = (byte) 0x8E;
                    code[5 + 2 * i] = (byte) 0xD8;
                }
                code[204] = (byte) 0xF4;
                memory.write(0x1000, code);
                floor.map(memory);
                assertEquals(100, floor.runUntilHalt(0x1000), way.name());
                assertEquals(13, floor.lastVector(), way.name());
            }
        }
    }
}
