package hvlab.cpu.unicorn;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.unicorn.BareCpu.Run.Ending;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The reference CPU: tiny fragments at CPL 0, where privileged instructions just work and nothing traps. */
class BareCpuTest {
    static final long CODE = 0x1000;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    final GuestMemory memory = new GuestMemory(0x10000);
    final BareCpu cpu = new BareCpu();

    BareCpuTest() {
        cpu.map(0, memory, Protection.ALL);
        cpu.write(Register.ESP, (int) memory.size());
    }

    @AfterEach
    void close() {
        cpu.close();
        memory.close();
    }

    private void load(int... code) {
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) bytes[i] = (byte) code[i];
        memory.write(CODE, bytes);
    }

    @Test
    void runsUntilTheGivenAddress() {
        // mov eax, 0x1234 ; inc eax ; mov ebx, 7
        load(0xB8, 0x34, 0x12, 0x00, 0x00, 0x40, 0xBB, 0x07, 0x00, 0x00, 0x00);
        BareCpu.Run run = cpu.run(CODE, CODE + 6, TIMEOUT);
        assertEquals(Ending.REACHED_UNTIL, run.ending());
        assertEquals(CODE + 6, run.eip());
        assertEquals(0x1235, cpu.read(Register.EAX));
        assertNotEquals(7, cpu.read(Register.EBX), "the instruction at 'until' does not run");
        assertTrue(run.nanos() > 0);
    }

    @Test
    void hltEndsTheRunWithEipPastItAndTheCpuCanRunAgain() {
        // inc ecx ; hlt ; inc ecx ; hlt
        load(0x41, 0xF4, 0x41, 0xF4);
        cpu.write(Register.ECX, 0);
        BareCpu.Run first = cpu.runUntilHalt(CODE, TIMEOUT);
        assertEquals(Ending.HALTED, first.ending());
        assertEquals(CODE + 2, first.eip());
        BareCpu.Run second = cpu.runUntilHalt(first.eip(), TIMEOUT);
        assertEquals(Ending.HALTED, second.ending());
        assertEquals(CODE + 4, second.eip());
        assertEquals(2, cpu.read(Register.ECX));
    }

    @Test
    void privilegedInstructionsRunForRealAtCpl0() {
        // cli ; mov eax, cr0 ; mov cx, cs ; hlt
        load(0xFA, 0x0F, 0x20, 0xC0, 0x66, 0x8C, 0xC9, 0xF4);
        cpu.write(Register.EFLAGS, 0x202);
        assertEquals(Ending.HALTED, cpu.runUntilHalt(CODE, TIMEOUT).ending());
        assertEquals(0, cpu.read(Register.EFLAGS) & 0x200, "CLI cleared the real IF");
        assertEquals(1, cpu.read(Register.EAX) & 1, "CR0.PE: protected mode");
        assertEquals(0, cpu.read(Register.ECX) & 3, "CPL 0");
    }

    @Test
    void outGoesNowhereWithoutAHookAndToTheListenerWithOne() {
        // mov al, 0x2a ; out 0x80, al ; mov dx, 0x3f8 ; mov al, 0x41 ; out dx, al ; hlt
        load(0xB0, 0x2A, 0xE6, 0x80, 0x66, 0xBA, 0xF8, 0x03, 0xB0, 0x41, 0xEE, 0xF4);
        assertEquals(Ending.HALTED, cpu.runUntilHalt(CODE, TIMEOUT).ending());
        assertEquals(0, cpu.portWrites());

        List<String> seen = new ArrayList<>();
        cpu.onPortOut((port, size, value) -> seen.add(Integer.toHexString(port) + "<-" + Integer.toHexString(value & 0xFF)));
        assertEquals(Ending.HALTED, cpu.runUntilHalt(CODE, TIMEOUT).ending());
        assertEquals(List.of("80<-2a", "3f8<-41"), seen);
        assertEquals(2, cpu.portWrites());
    }

    @Test
    void inReadsWhatTheListenerAnswers() {
        // mov dx, 0x3fd ; in al, dx ; hlt
        load(0x66, 0xBA, 0xFD, 0x03, 0xEC, 0xF4);
        cpu.onPortIn((port, size) -> port == 0x3FD ? 0x60 : 0xFF);
        cpu.runUntilHalt(CODE, TIMEOUT);
        assertEquals(0x60, cpu.read(Register.EAX) & 0xFF);
        assertEquals(1, cpu.portReads());
    }

    @Test
    void anEndlessLoopEndsAtTheTimeout() {
        load(0xEB, 0xFE); // jmp $
        BareCpu.Run run = cpu.runUntilHalt(CODE, Duration.ofMillis(50));
        assertEquals(Ending.TIMED_OUT, run.ending());
        assertEquals(CODE, run.eip());
    }

    @Test
    void requestStopFromAnotherThreadEndsTheRun() throws Exception {
        load(0xEB, 0xFE); // jmp $
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cpu.requestStop();
        });
        BareCpu.Run run = cpu.runUntilHalt(CODE, TIMEOUT);
        stopper.join();
        assertEquals(Ending.STOPPED, run.ending());
    }

    @Test
    void armedTheCpuRunsInExactSlicesAndEndsAsAnUnslicedRunDoes() {
        // mov ecx, 2000000 ; l: push ecx ; add [0x3000], ecx ; xor eax, ecx ; pop ecx ; dec ecx ; jnz l ; hlt
        load(0xB9, 0x80, 0x84, 0x1E, 0x00, 0x51, 0x01, 0x0D, 0x00, 0x30, 0x00, 0x00, 0x31, 0xC8, 0x59, 0x49, 0x75, 0xF3, 0xF4);
        assertEquals(Ending.HALTED, cpu.runUntilHalt(CODE, TIMEOUT).ending());
        int eax = cpu.read(Register.EAX);
        int esp = cpu.read(Register.ESP);
        int sum = memory.read32(0x3000);

        try (GuestMemory memory2 = new GuestMemory(0x10000); BareCpu sliced = new BareCpu()) {
            sliced.map(0, memory2, Protection.ALL);
            sliced.write(Register.ESP, (int) memory2.size());
            byte[] code = cpu.readMemory(CODE, 19);
            memory2.write(CODE, code);
            assertThrows(IllegalStateException.class, () -> sliced.runSlice(CODE, Duration.ofMillis(1)));
            sliced.armPreemption();
            long eip = CODE;
            int slices = 0;
            while (true) {
                BareCpu.Run run = sliced.runSlice(eip, Duration.ofNanos(200_000));
                if (run.ending() == Ending.HALTED) break;
                assertEquals(Ending.STOPPED, run.ending(), run.detail());
                eip = run.eip();
                slices++;
            }
            assertTrue(slices > 1, "the slice timer ended some slices: " + slices);
            assertEquals(eax, sliced.read(Register.EAX));
            assertEquals(esp, sliced.read(Register.ESP));
            assertEquals(sum, memory2.read32(0x3000), "no store ran twice");
        }
    }

    @Test
    void unmappedMemoryIsACpuError() {
        load(0xA1, 0x00, 0x00, 0x50, 0x00); // mov eax, [0x00500000]
        BareCpu.Run run = cpu.runUntilHalt(CODE, TIMEOUT);
        assertEquals(Ending.CPU_ERROR, run.ending());
        assertTrue(run.detail().contains("UC_ERR"), run.detail());
    }

    @Test
    void anExceptionInAListenerComesBackFromRun() {
        load(0xE6, 0x80, 0xF4); // out 0x80, al ; hlt
        cpu.onPortOut((port, size, value) -> {
            throw new IllegalStateException("listener broke");
        });
        var e = assertThrows(IllegalStateException.class, () -> cpu.runUntilHalt(CODE, TIMEOUT));
        assertEquals("listener broke", e.getMessage());
    }

    @Test
    void registersAndMemoryReadBack() {
        cpu.write(Register.EDI, 0xCAFEBABE);
        assertEquals(0xCAFEBABE, cpu.read(Register.EDI));
        cpu.writeMemory(0x2000, new byte[] {1, 2, 3});
        assertEquals(3, memory.read8(0x2002), "the CPU writes the mapped GuestMemory itself");
        assertArrayEquals(new byte[] {1, 2, 3}, cpu.readMemory(0x2000, 3));
        assertTrue(BareCpu.version().startsWith("2."));
    }
}
